"""Factories: the ways to make a tensor (`tensor`, `zeros`, `arange`, `randn`, ...).

Every factory takes `dtype=`, `device=` and `requires_grad=` (but tril_indices / triu_indices,
the (2, N) coordinates of a matrix's lower / upper triangle, which, as PyTorch's, take no
`requires_grad`). Python data follows PyTorch's
inference: floats give the default dtype (float32), ints int64, bools bool; NumPy arrays keep
their dtype (a float64 array gives a float64 tensor, as `torch.from_numpy`).
"""
import builtins
import numbers

import numpy as np

from . import dtypes
from .backend.base import checked_device
from .random import generator_for
from .tensor import Tensor, _wrap

__all__ = ["tensor", "as_tensor", "from_numpy", "zeros", "ones", "full", "empty", "arange",
           "linspace", "logspace", "eye", "rand", "randn", "randint", "randperm", "zeros_like",
           "ones_like", "full_like", "empty_like", "rand_like", "randn_like", "randint_like",
           "normal", "tril_indices", "triu_indices", "hann_window", "hamming_window",
           "blackman_window", "bartlett_window", "kaiser_window"]


def _finish(array, device, requires_grad):
    t = _wrap(device.backend.from_host(array) if isinstance(array, np.ndarray) else array, device)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _infer_dtype(data):
    """The dtype PyTorch infers for Python data (lists, numbers, nested tensors)."""
    kinds = set()
    stack = [data]
    while stack:
        x = stack.pop()
        if isinstance(x, (list, tuple, range)):
            stack.extend(x)
        elif isinstance(x, Tensor):
            kinds.add(x.dtype)
        elif isinstance(x, np.ndarray):         # (a list of arrays: each keeps its dtype)
            kinds.add(dtypes.from_numpy_dtype(x.dtype))
        elif isinstance(x, (bool, np.bool_)):
            kinds.add(dtypes.bool)
        elif isinstance(x, (numbers.Integral, np.integer)):
            kinds.add(dtypes.int64)
        elif isinstance(x, (numbers.Real, np.floating)):
            kinds.add(dtypes.get_default_dtype())
        else:
            raise TypeError(f"Could not infer dtype of {type(x).__name__}")
    out = None
    for k in kinds:
        out = k if out is None else dtypes.promote_types(out, k)
    return out or dtypes.get_default_dtype()


def _host_array(data, dtype):
    """`data` as a new NumPy array of mytorch dtype `dtype` (or the inferred one)."""
    if isinstance(data, Tensor):
        arr = data.detach()._host()
        return np.array(arr, dtype=(dtype or data.dtype).np, copy=True)
    if isinstance(data, np.ndarray):
        d = dtype or dtypes.from_numpy_dtype(data.dtype)
        return np.array(data, dtype=d.np, copy=True)
    if isinstance(data, np.generic):
        d = dtype or dtypes.from_numpy_dtype(data.dtype)
        return np.array(data, dtype=d.np)
    d = dtype or _infer_dtype(data)
    if isinstance(data, range):
        data = list(data)
    if isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in data):
        data = [x.detach()._host() if isinstance(x, Tensor) else x for x in data]
    try:
        return np.array(data, dtype=d.np)
    except ValueError as exc:
        raise ValueError(f"tensor(): expected a rectangular nested sequence of numbers ({exc})") from None


def tensor(data, *, dtype=None, device=None, requires_grad=False):
    """A new tensor holding a copy of `data` (numbers, nested lists, NumPy arrays, tensors)."""
    dtype = dtypes.as_dtype(dtype)
    dev = checked_device(device or (data.device if isinstance(data, Tensor) else "cpu"))
    return _finish(_host_array(data, dtype), dev, requires_grad)


def as_tensor(data, dtype=None, device=None):
    """Like `tensor`, but shares memory when `data` is already a matching array or tensor."""
    dtype = dtypes.as_dtype(dtype)
    if isinstance(data, Tensor):
        return data.to(device=device or data.device, dtype=dtype or data.dtype)
    dev = checked_device(device or "cpu")
    if isinstance(data, np.ndarray) and (dtype is None or data.dtype == dtype.np):
        dtypes.from_numpy_dtype(data.dtype)
        return _wrap(dev.backend.from_host(data), dev)
    return _finish(_host_array(data, dtype), dev, False)


def from_numpy(ndarray):
    """A cpu tensor that shares memory with `ndarray` (changes to one show in the other)."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    dtypes.from_numpy_dtype(ndarray.dtype)
    return _wrap(ndarray, checked_device("cpu"))


def _sizes(shape, size, name):
    """The size of a factory called as zeros(2, 3), zeros((2, 3)) or zeros(size=(2, 3))."""
    if size is None:
        return shape
    if shape:
        raise TypeError(f"{name}() got multiple values for argument 'size'")
    return (size,)


def _size(size, name):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    out = []
    for s in size:
        if not isinstance(s, (numbers.Integral, np.integer)) or isinstance(s, bool):
            raise TypeError(f"{name}(): size must be a sequence of ints, but got {s!r} in "
                            f"{tuple(size)}")
        if s < 0:
            raise RuntimeError(f"{name}(): trying to create tensor with negative dimension {s}: "
                               f"{list(size)}")
        out.append(int(s))
    return tuple(out)


def _filled(name, size, fill, dtype, device, requires_grad):
    dtype = dtypes.as_dtype(dtype) or dtypes.get_default_dtype()
    dev = checked_device(device or "cpu")
    xp = dev.xp
    shape = _size(size, name)
    data = xp.empty(shape, dtype=dtype.np) if fill is None else xp.full(shape, fill, dtype=dtype.np)
    return _finish(data, dev, requires_grad)


def zeros(*shape, size=None, dtype=None, device=None, requires_grad=False):
    return _filled("zeros", _sizes(shape, size, "zeros"), 0, dtype, device, requires_grad)


def ones(*shape, size=None, dtype=None, device=None, requires_grad=False):
    return _filled("ones", _sizes(shape, size, "ones"), 1, dtype, device, requires_grad)


def empty(*shape, size=None, dtype=None, device=None, requires_grad=False):
    return _filled("empty", _sizes(shape, size, "empty"), None, dtype, device, requires_grad)


def full(size, fill_value, *, dtype=None, device=None, requires_grad=False):
    """A tensor of `size` filled with `fill_value` (its dtype inferred from the value)."""
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    if dtype is None:
        dtype = _infer_dtype(fill_value)
    return _filled("full", (size,),
                   fill_value, dtype, device, requires_grad)


def _like(t, dtype, device):
    return (dtypes.as_dtype(dtype) or t.dtype), (device or t.device)


def zeros_like(input, *, dtype=None, device=None, requires_grad=False):
    dtype, device = _like(input, dtype, device)
    return zeros(tuple(input.shape), dtype=dtype, device=device, requires_grad=requires_grad)


def ones_like(input, *, dtype=None, device=None, requires_grad=False):
    dtype, device = _like(input, dtype, device)
    return ones(tuple(input.shape), dtype=dtype, device=device, requires_grad=requires_grad)


def empty_like(input, *, dtype=None, device=None, requires_grad=False):
    dtype, device = _like(input, dtype, device)
    return empty(tuple(input.shape), dtype=dtype, device=device, requires_grad=requires_grad)


def full_like(input, fill_value, *, dtype=None, device=None, requires_grad=False):
    dtype, device = _like(input, dtype, device)
    return full(tuple(input.shape), fill_value, dtype=dtype, device=device,
                requires_grad=requires_grad)


def arange(start, end=None, step=1, *, dtype=None, device=None, requires_grad=False):
    """Values from `start` (inclusive) to `end` (exclusive) by `step`: int64 when all three are
    integers, else the default float dtype."""
    if end is None:
        start, end = 0, start
    values = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    start, end, step = values
    if step == 0:
        raise RuntimeError("arange(): step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError(f"arange(): upper bound and larger bound inconsistent with step sign "
                           f"(start={start}, end={end}, step={step})")
    if dtype is None:
        dtype = dtypes.int64 if all(isinstance(v, (numbers.Integral, np.integer))
                                    for v in values) else dtypes.get_default_dtype()
    dtype = dtypes.as_dtype(dtype)
    n = builtins.max(int(np.ceil((end - start) / step)), 0)
    data = (start + np.arange(n, dtype=np.float64) * step) if dtype.is_floating_point or \
        not builtins.all(isinstance(v, (numbers.Integral, np.integer)) for v in values) \
        else np.arange(start, end, step, dtype=np.int64)
    dev = checked_device(device or "cpu")
    return _finish(data.astype(dtype.np), dev, requires_grad)


def linspace(start, end, steps, *, dtype=None, device=None, requires_grad=False):
    """`steps` evenly spaced values from `start` to `end`, both included."""
    if steps < 0:
        raise RuntimeError("linspace(): number of steps must be non-negative")
    dtype = dtypes.as_dtype(dtype) or dtypes.get_default_dtype()
    data = np.linspace(float(start), float(end), int(steps)).astype(dtype.np)
    return _finish(data, checked_device(device or "cpu"), requires_grad)


def logspace(start, end, steps, base=10.0, *, dtype=None, device=None, requires_grad=False):
    dtype = dtypes.as_dtype(dtype) or dtypes.get_default_dtype()
    data = np.logspace(float(start), float(end), int(steps), base=base).astype(dtype.np)
    return _finish(data, checked_device(device or "cpu"), requires_grad)


def eye(n, m=None, *, dtype=None, device=None, requires_grad=False):
    dtype = dtypes.as_dtype(dtype) or dtypes.get_default_dtype()
    dev = checked_device(device or "cpu")
    return _finish(dev.xp.eye(n, n if m is None else m, dtype=dtype.np), dev, requires_grad)


def _random(name, size, dtype, device, requires_grad, generator, draw):
    dtype = dtypes.as_dtype(dtype) or dtypes.get_default_dtype()
    if not dtype.is_floating_point:
        raise RuntimeError(f"\"{name}\" not implemented for '{dtype.name}': it makes floating "
                           "point tensors")
    dev = checked_device(device or (generator.device if generator is not None else "cpu"))
    gen = generator_for(generator, dev)
    data = draw(gen)(_size(size, name), dtype.np)
    return _finish(data, dev, requires_grad)


def rand(*shape, size=None, generator=None, dtype=None, device=None, requires_grad=False):
    """Uniform samples from [0, 1)."""
    return _random("rand", _sizes(shape, size, "rand"), dtype, device, requires_grad,
                   generator, lambda g: g.uniform)


def randn(*shape, size=None, generator=None, dtype=None, device=None, requires_grad=False):
    """Standard normal samples."""
    return _random("randn", _sizes(shape, size, "randn"), dtype, device, requires_grad,
                   generator, lambda g: g.normal)


def _check_std(std):
    """PyTorch's check of a normal's standard deviation (a number, or every element of a tensor)."""
    if isinstance(std, Tensor):
        if bool((std < 0).any()):
            raise RuntimeError("normal expects all elements of std >= 0.0")
    elif std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")


def normal(mean, std=1.0, size=None, *, generator=None, dtype=None, device=None,
           requires_grad=False):
    """Normal samples with the given mean and std: numbers, with a `size`; or tensors (either or
    both), one sample per element of their broadcast shape, as torch.normal(mean, std). The
    samples are constants: no gradient flows back to mean or std."""
    if size is None:
        mean, std = (t.detach() if isinstance(t, Tensor) else t for t in (mean, std))
        given = [t for t in (mean, std) if isinstance(t, Tensor)]
        if not given:
            raise TypeError("normal() missing the required argument 'size' (mean and std are "
                            "numbers)")
        size = np.broadcast_shapes(*(tuple(t.shape) for t in given))
        dtype, device = dtype or given[0].dtype, device or given[0].device
    _check_std(std)
    t = randn(*size, generator=generator, dtype=dtype, device=device)
    out = t * std + mean
    return out.requires_grad_(requires_grad) if requires_grad else out


def randint(low=0, high=None, size=None, *, generator=None, dtype=None, device=None,
            requires_grad=False):
    """Integers from [low, high): `randint(high, size)` or `randint(low, high, size)`."""
    if size is None:
        if high is None or not isinstance(high, (tuple, list)):
            raise TypeError("randint() missing the required argument 'size' (a tuple)")
        low, high, size = 0, low, high
    if high is None:
        low, high = 0, low
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} "
                           f">= to={high}")
    dtype = dtypes.as_dtype(dtype) or dtypes.int64
    dev = checked_device(device or (generator.device if generator is not None else "cpu"))
    gen = generator_for(generator, dev)
    data = gen.integers(int(low), int(high), _size(tuple(size), "randint"))
    return _finish(data.astype(dtype.np, copy=False), dev, requires_grad)


def randperm(n, *, generator=None, dtype=None, device=None, requires_grad=False):
    """A random permutation of 0..n-1."""
    dtype = dtypes.as_dtype(dtype) or dtypes.int64
    dev = checked_device(device or (generator.device if generator is not None else "cpu"))
    gen = generator_for(generator, dev)
    return _finish(gen.permutation(int(n)).astype(dtype.np, copy=False), dev, requires_grad)


def rand_like(input, *, dtype=None, device=None, requires_grad=False, generator=None):
    dtype, device = _like(input, dtype, device)
    return rand(tuple(input.shape), dtype=dtype, device=device, requires_grad=requires_grad,
                generator=generator)


def randn_like(input, *, dtype=None, device=None, requires_grad=False, generator=None):
    dtype, device = _like(input, dtype, device)
    return randn(tuple(input.shape), dtype=dtype, device=device, requires_grad=requires_grad,
                 generator=generator)


def randint_like(input, low=0, high=None, *, dtype=None, device=None, generator=None):
    dtype, device = _like(input, dtype, device)
    return randint(low, high, tuple(input.shape), dtype=dtype, device=device, generator=generator)


def _triangle_indices(name, row, col, offset, dtype, device):
    """The (row, column) coordinates of a triangle of a row × col matrix, row by row."""
    for arg, value in (("row", row), ("col", col)):
        if value < 0:
            raise RuntimeError(f"{arg} must be non-negative, got {value}")
    dtype = dtypes.as_dtype(dtype)
    if dtype not in (dtypes.int64, dtypes.int32):
        raise RuntimeError(f"\"{name}\" not implemented for '{dtype.name}'")
    if name == "tril_indices":
        rows, cols = np.tril_indices(int(row), int(offset), int(col))
    else:
        rows, cols = np.triu_indices(int(row), int(offset), int(col))
    return _finish(np.stack([rows, cols]).astype(dtype.np), checked_device(device or "cpu"), False)


def tril_indices(row, col, offset=0, *, dtype=dtypes.int64, device=None):
    """The indices of the lower triangle of a row × col matrix, as a (2, N) tensor: row indices,
    then column indices, in row-major order. `offset` moves the diagonal that bounds it: 0 the
    main one, > 0 above it, < 0 below (as in tril)."""
    return _triangle_indices("tril_indices", row, col, offset, dtype, device)


def triu_indices(row, col, offset=0, *, dtype=dtypes.int64, device=None):
    """The indices of the upper triangle of a row × col matrix (on and above the diagonal moved
    by `offset`), as a (2, N) tensor in row-major order; see tril_indices."""
    return _triangle_indices("triu_indices", row, col, offset, dtype, device)


# ---- window functions (signal processing), as torch.hann_window etc. -------------------------

def _window(name, window_length, periodic, dtype, device, requires_grad, shape):
    """A window of `window_length` points, computed in float64 on the host: `shape(k, N)` at
    k = 0 … window_length − 1 over N points, N = window_length + 1 when periodic (the
    symmetric window of one more point, its last dropped: the window for spectral analysis)."""
    dtype = dtypes.as_dtype(dtype) or dtypes.get_default_dtype()
    if not dtype.is_floating_point:
        raise RuntimeError(f"{name} expects floating point dtypes, got: {dtype}")
    if window_length < 0:
        raise RuntimeError(f"{name} requires non-negative window_length, got "
                           f"window_length={window_length}")
    n = int(window_length)
    if n <= 1:
        values = np.ones(n)
    else:
        values = shape(np.arange(n, dtype=np.float64), n + 1 if periodic else n)
    return _finish(values.astype(dtype.np), checked_device(device or "cpu"), requires_grad)


def hann_window(window_length, periodic=True, *, dtype=None, device=None, requires_grad=False):
    """w[k] = 0.5 − 0.5·cos(2πk / (N − 1))."""
    return _window("hann_window", window_length, periodic, dtype, device, requires_grad,
                   lambda k, N: 0.5 - 0.5 * np.cos(2 * np.pi * k / (N - 1)))


def hamming_window(window_length, periodic=True, alpha=0.54, beta=0.46, *, dtype=None,
                   device=None, requires_grad=False):
    """w[k] = α − β·cos(2πk / (N − 1))."""
    return _window("hamming_window", window_length, periodic, dtype, device, requires_grad,
                   lambda k, N: alpha - beta * np.cos(2 * np.pi * k / (N - 1)))


def blackman_window(window_length, periodic=True, *, dtype=None, device=None,
                    requires_grad=False):
    """w[k] = 0.42 − 0.5·cos(2πk / (N − 1)) + 0.08·cos(4πk / (N − 1))."""
    return _window("blackman_window", window_length, periodic, dtype, device, requires_grad,
                   lambda k, N: 0.42 - 0.5 * np.cos(2 * np.pi * k / (N - 1))
                   + 0.08 * np.cos(4 * np.pi * k / (N - 1)))


def bartlett_window(window_length, periodic=True, *, dtype=None, device=None,
                    requires_grad=False):
    """w[k] = 1 − |2k / (N − 1) − 1| (a triangle)."""
    return _window("bartlett_window", window_length, periodic, dtype, device, requires_grad,
                   lambda k, N: 1 - np.abs(2 * k / (N - 1) - 1))


def kaiser_window(window_length, periodic=True, beta=12.0, *, dtype=None, device=None,
                  requires_grad=False):
    """w[k] = I₀(β·√(1 − (2k / (N − 1) − 1)²)) / I₀(β), I₀ the modified Bessel function."""
    return _window("kaiser_window", window_length, periodic, dtype, device, requires_grad,
                   lambda k, N: np.i0(beta * np.sqrt(np.clip(1 - (2 * k / (N - 1) - 1) ** 2,
                                                             0, None))) / np.i0(beta))
