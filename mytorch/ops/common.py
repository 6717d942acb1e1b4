"""Helpers shared by the op files: dimension arguments, operands, casts, small constructors."""
import functools
import numbers

import numpy as np

from .. import dtypes
from ..tensor import Tensor, _wrap


def normalize_dim(dim, ndim):
    """A dimension index in [0, ndim), accepting negatives as PyTorch does (0-d counts as 1-d)."""
    n = max(ndim, 1)
    if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
        raise TypeError(f"dim must be an int, got {type(dim).__name__}")
    if dim < -n or dim >= n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                         f"but got {dim})")
    return dim % n if ndim else 0


def normalize_dims(dim, ndim):
    """`dim` (None, an int, or a sequence; None or empty means all) as a sorted tuple of axes."""
    if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0):
        return tuple(range(ndim))
    if isinstance(dim, (int, np.integer)):
        dim = (dim,)
    dims = tuple(normalize_dim(d, ndim) for d in dim)
    if len(set(dims)) != len(dims):
        raise RuntimeError(f"dim {tuple(dim)} appears multiple times in the list of dims")
    return tuple(sorted(dims)) if ndim else ()


# the ops that also take NumPy's names for their arguments, as PyTorch's do: axis for dim,
# keepdims for keepdim (x.sum(axis=0, keepdims=True)); as functions and as tensor methods
NUMPY_NAMED = ("sum", "mean", "std", "var", "prod", "max", "min", "amax", "amin", "argmax",
               "argmin", "logsumexp", "cumsum", "cumprod", "softmax", "log_softmax", "all", "any",
               "median", "nansum", "nanmean", "count_nonzero", "squeeze", "unsqueeze", "norm",
               "cummax", "cummin", "logcumsumexp", "sort", "argsort", "topk", "unbind",
               "index_select", "gather", "std_mean", "var_mean", "cat", "concat", "stack",
               "split", "chunk", "select", "tensor_split", "quantile", "nanquantile")
_NUMPY_NAMES = {"axis": "dim", "keepdims": "keepdim"}


def numpy_names(fn):
    """`fn` that also takes `axis` for `dim` and `keepdims` for `keepdim`."""
    @functools.wraps(fn)
    def with_numpy_names(*args, **kwargs):
        for numpy_name, name in _NUMPY_NAMES.items():
            if numpy_name in kwargs:
                if name in kwargs:
                    raise TypeError(f"{fn.__name__}() got both '{name}' and its alias "
                                    f"'{numpy_name}'")
                kwargs[name] = kwargs.pop(numpy_name)
        return fn(*args, **kwargs)
    return with_numpy_names


def reduced_shape(shape, dims):
    """`shape` with the reduced `dims` kept as size 1 (the keepdim=True shape)."""
    return tuple(1 if i in dims else s for i, s in enumerate(shape))


def require_tensor(x, name, arg="input"):
    if not isinstance(x, Tensor):
        raise TypeError(f"{name}(): argument '{arg}' must be Tensor, not {type(x).__name__}")
    return x


def floating(x, name):
    """`x` itself when floating; integer and bool tensors become the default float dtype
    (as `torch.exp(int_tensor)` gives float32)."""
    if isinstance(x, Tensor) and x._data.dtype.kind == "f":
        return x
    require_tensor(x, name)
    return cast(x, dtypes.get_default_dtype())


def cast(x, dtype):
    from .conversion import to
    return to(x, dtype)


def scalar_or_tensor(x, like, name):
    """Turn an operand into a Tensor or a plain Python number (weak in promotion)."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, np.generic) and x.dtype.kind in "biuf":
        return x.item()
    if isinstance(x, (bool, numbers.Number)):
        return x
    if isinstance(x, (np.ndarray, list, tuple)):
        from ..factories import as_tensor
        return as_tensor(x, device=like.device)
    raise TypeError(f"{name}(): unsupported operand type {type(x).__name__}; expected a Tensor "
                    "or a number")


def promote(a, b, name):
    """Operands of a binary op with tensors cast to the PyTorch result dtype."""
    # fast paths: same dtypes, or a Python number that cannot change a tensor's dtype
    if isinstance(a, Tensor):
        if isinstance(b, Tensor):
            if a._data.dtype is b._data.dtype or a._data.dtype == b._data.dtype:
                return a, b
        elif type(b) is float or type(b) is int:
            kind = a._data.dtype.kind
            if kind == "f":
                return a, b
            if type(b) is int and kind in "iu":
                return a, int_operand(b, a._data.dtype)
    elif isinstance(b, Tensor) and (type(a) is float or type(a) is int):
        kind = b._data.dtype.kind
        if kind == "f":
            return a, b
        if type(a) is int and kind in "iu":
            return int_operand(a, b._data.dtype), b
    a_t, b_t = isinstance(a, Tensor), isinstance(b, Tensor)
    if a_t and b_t:
        if a._data.dtype is b._data.dtype or a._data.dtype == b._data.dtype:
            return a, b
    elif a_t:
        b = scalar_or_tensor(b, a, name)
        if isinstance(b, Tensor):
            return promote(a, b, name)
    elif b_t:
        a = scalar_or_tensor(a, b, name)
        if isinstance(a, Tensor):
            return promote(a, b, name)
    else:
        raise TypeError(f"{name}(): expected at least one Tensor operand, got "
                        f"{type(a).__name__} and {type(b).__name__}")
    dt = dtypes.result_type(a, b)
    if a_t and a.dtype is not dt:
        a = cast(a, dt)
    if b_t and b.dtype is not dt:
        b = cast(b, dt)
    if type(a) is int:
        a = int_operand(a, np.dtype(dt.np))
    if type(b) is int:
        b = int_operand(b, np.dtype(dt.np))
    return a, b


_INT_RANGES = {np.dtype(t): (int(np.iinfo(t).min), int(np.iinfo(t).max))
               for t in (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32,
                         np.uint64)}


def int_operand(n, dtype):
    """Python int `n` as an operand of an op on arrays of `dtype`: `n` itself where it fits (or
    the dtype is not an integer one); else what PyTorch makes of it, the cast to the tensor's
    dtype, which wraps around modulo 2^bits (uint8: −1 is 255, int8: 300 is 44), where NumPy
    would raise OverflowError."""
    bounds = _INT_RANGES.get(dtype)
    if bounds is None or bounds[0] <= n <= bounds[1]:
        return n
    if not -2 ** 63 <= n < 2 ** 64:
        raise OverflowError(f"int too big to convert: {n} does not fit in 64 bits")
    lo, hi = bounds
    return (n - lo) % (hi - lo + 1) + lo


def zeros_like(t):
    return _wrap(t._device.xp.zeros_like(t._data), t._device)


def constant(array, device):
    """A tensor outside the graph around a backend array."""
    return _wrap(array, device)
