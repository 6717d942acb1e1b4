"""In-place ops (`add_`, `mul_`, `x[i] = v`, `fill_`, `fill_diagonal_`, the random fills
`uniform_`/`normal_`/`bernoulli_`/`random_` (their arguments checked as PyTorch does),
`bitwise_left_shift_`/`bitwise_right_shift_` (`<<=`, `>>=`), `bitwise_and_/or_/xor_/not_`
(`&=`, `|=`, `^=`), `logical_and_/or_/xor_/not_`, and `apply_`/`map_`, which run a Python
callable on each element): change a tensor's memory, bump its version counter.

Without autograd in the way (grad mode off, or nothing requires grad) they write straight into
the array: this is what optimizers run. When the change must be recorded, the out-of-place op
is recorded instead, its result is copied into the tensor's memory (so views see it), and the
tensor takes over the new node as its `grad_fn`. Any node that saved the tensor's old value
notices the version bump at backward time and raises instead of returning a wrong gradient.

Two cases PyTorch allows are refused with an explanation: in-place on a leaf that requires
grad (PyTorch refuses it too), and recorded in-place on a view, whose base's history PyTorch
rewrites; here, `clone()` first.
"""
import operator
import warnings

import numpy as np

from . import activation_extra, arithmetic, elementwise, indexing, special
from .common import int_operand, require_tensor
from .sampling import _check_probability
from .. import dtypes
from ..autograd.grad_mode import _state, no_grad
from ..factories import _check_std
from ..random import generator_for
from ..tensor import Tensor, _wrap

def _recording(self, *others):
    if not _state.enabled:
        return False
    return self._requires_grad or any(isinstance(o, Tensor) and o._requires_grad for o in others)


def _check_writable(self):
    if self._requires_grad and self.grad_fn is None:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                           "operation.")
    if self._base is not None and (self._requires_grad or self._base._requires_grad):
        raise RuntimeError("in-place operation on a view of a tensor that is part of the autograd "
                           "graph is not supported by mytorch; clone() the view (or the base) "
                           "first, or use the out-of-place op")


def _check_overlap(self):
    """PyTorch refuses to write into a tensor some of whose elements share one memory location
    (an expanded view: stride 0 along a dimension longer than 1)."""
    data = self._data
    if 0 in data.strides and any(n > 1 and s == 0 for n, s in zip(data.shape, data.strides)):
        raise RuntimeError(_OVERLAP)


def _check_cast(self, result_dtype):
    if result_dtype.category > self.dtype.category:
        names = dtypes.SCALAR_TYPE_NAMES
        raise RuntimeError(f"result type {names[result_dtype.name]} can't be cast to the "
                           f"desired output type {names[self.dtype.name]}")


def _check_result(self, out):
    """`out` (the out-of-place result) can be written into `self`: its dtype casts to self's,
    and broadcasting did not make it larger."""
    _check_cast(self, out.dtype)
    if out._data.shape != self._data.shape:
        raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the broadcast "
                           f"shape {list(out.shape)}")


def _commit(self, out):
    """Make `self` hold the values (and, when recorded, the history) of `out`."""
    _check_result(self, out)
    self._data[...] = out._data
    self._vc[0] += 1
    fn = out.grad_fn
    if fn is not None:
        self.grad_fn = fn
        self._output_nr = out._output_nr
        self._requires_grad = True
        if fn._out_data and fn._out_data[out._output_nr] is not None:
            fn._out_data[out._output_nr] = (self._data, self._vc, self._vc[0])
        if self._hooks or self._retains_grad:
            fn._watch(self)
        # the node's references to self's old value become a detached alias: it shares the
        # version counter (so using the old value raises), and no self <-> node cycle forms
        alias = _wrap(self._data, self._device)
        alias._vc = self._vc
        if fn._inputs is not None:
            fn._inputs = tuple(alias if a is self else a for a in fn._inputs)
        fn._saved = [_rebind_saved(entry, self, alias) for entry in fn._saved]
    return self


def _rebind_saved(entry, self, alias):
    kind, obj, version = entry
    if kind == "input" and obj is self:
        return (kind, alias, version)
    return entry


def _inplace(self, op, *args, **kwargs):
    """Run `op(self, *args)` out of place and write the result into `self`."""
    require_tensor(self, op.__name__ + "_")
    _check_overlap(self)
    if _recording(self, *args):
        _check_writable(self)
        return _commit(self, op(self, *args, **kwargs))
    with no_grad():
        out = op(self, *args, **kwargs)
    _check_result(self, out)
    self._data[...] = out._data
    self._vc[0] += 1
    return self


def _fast(self, other, ufunc, name, alpha=1):
    """self ⊙= alpha·other straight into the array, when nothing needs recording."""
    data = self._data
    if isinstance(other, Tensor):
        a = other._data
        if other._device is not self._device:
            raise RuntimeError(f"expected all tensors to be on the same device, found "
                               f"{self._device} and {other._device} (in {name})")
        if a.dtype != data.dtype:
            _check_cast(self, dtypes.result_type(self, other))
    else:
        a = other
        if data.dtype.kind != "f" and isinstance(other, float):
            _check_cast(self, dtypes.get_default_dtype())
    if alpha != 1:
        if isinstance(alpha, float) and data.dtype.kind != "f":
            _check_cast(self, dtypes.get_default_dtype())
        if type(alpha) is int and int_operand(alpha, data.dtype) != alpha:
            raise RuntimeError(f"{name}: value cannot be converted to type {data.dtype} "
                               f"without overflow (alpha={alpha})")
        a = a * alpha
    if type(a) is int:
        a = int_operand(a, data.dtype)      # wrapped into self's dtype, as PyTorch casts it
    try:
        if type(a) is type(data) and a.dtype == data.dtype:
            _OPERATORS[ufunc](data, a)       # data += a: no casting to ask for
        else:
            getattr(self._device.xp, ufunc)(data, a, out=data, casting="unsafe")
    except ValueError:
        if not getattr(data.flags, "writeable", True):      # an expanded tensor (stride 0)
            raise RuntimeError(_OVERLAP) from None
        raise RuntimeError(f"{name}: output with shape {list(self.shape)} doesn't match the "
                           f"broadcast shape of the operand {list(other.shape)}") from None
    self._vc[0] += 1
    return self


_OVERLAP = ("unsupported operation: more than one element of the written-to tensor refers to "
            "a single memory location. Please clone() the tensor before performing the "
            "operation.")
_OPERATORS = {"add": operator.iadd, "subtract": operator.isub, "multiply": operator.imul,
              "true_divide": operator.itruediv}


def add_(self, other, *, alpha=1):
    if not (_state.enabled and _recording(self, other)) and self._data.dtype.kind != "b":
        return _fast(self, other, "add", "add_", alpha)
    return _inplace(self, arithmetic.add, other if alpha == 1 else other * alpha)


def sub_(self, other, *, alpha=1):
    if not (_state.enabled and _recording(self, other)) and self._data.dtype.kind != "b":
        return _fast(self, other, "subtract", "sub_", alpha)
    return _inplace(self, arithmetic.sub, other if alpha == 1 else other * alpha)


def mul_(self, other):
    if not (_state.enabled and _recording(self, other)) and self._data.dtype.kind != "b":
        return _fast(self, other, "multiply", "mul_")
    return _inplace(self, arithmetic.mul, other)


def div_(self, other):
    if not (_state.enabled and _recording(self, other)) and self._data.dtype.kind == "f":
        return _fast(self, other, "true_divide", "div_")
    return _inplace(self, arithmetic.div, other)


def pow_(self, exponent):
    return _inplace(self, arithmetic.pow, exponent)


def bitwise_left_shift_(self, other):
    return _inplace(self, arithmetic.bitwise_left_shift, other)


def bitwise_right_shift_(self, other):
    return _inplace(self, arithmetic.bitwise_right_shift, other)


def _bitwise(self, op, other):
    """self = op(self, other) in self's dtype; like PyTorch, the dtype of the result must cast
    to it (bool &= an int tensor is refused) before the op itself refuses floats."""
    require_tensor(self, op.__name__ + "_")
    _check_cast(self, dtypes.result_type(self, other))
    return _inplace(self, op, other)


def bitwise_and_(self, other):
    return _bitwise(self, arithmetic.bitwise_and, other)


def bitwise_or_(self, other):
    return _bitwise(self, arithmetic.bitwise_or, other)


def bitwise_xor_(self, other):
    return _bitwise(self, arithmetic.bitwise_xor, other)


def bitwise_not_(self):
    return _inplace(self, arithmetic.bitwise_not)


def _logical(self, op, *other):
    """self = op(self, other) as 1/0 (True/False) in self's dtype, which may be any.

    A logical op has no derivative, so writing one into a tensor that requires grad would
    leave its old grad_fn in place and give a wrong gradient (PyTorch does exactly that); it is
    refused instead. Under no_grad it writes, as any in-place op does."""
    require_tensor(self, op.__name__ + "_")
    if self._requires_grad and _state.enabled:
        raise RuntimeError(f"{op.__name__}_(): a logical op has no gradient, so its result "
                           f"can't be written into a tensor that requires grad; use the "
                           f"out-of-place {op.__name__} (a bool tensor), or detach() first")
    with no_grad():
        return _inplace(self, op, *other)


def logical_and_(self, other):
    return _logical(self, arithmetic.logical_and, other)


def logical_or_(self, other):
    return _logical(self, arithmetic.logical_or, other)


def logical_xor_(self, other):
    return _logical(self, arithmetic.logical_xor, other)


def logical_not_(self):
    return _logical(self, arithmetic.logical_not)


def clamp_(self, min=None, max=None):
    return _inplace(self, elementwise.clamp, min, max)


def masked_fill_(self, mask, value):
    return _inplace(self, indexing.masked_fill, mask, value)


def exp_(self):
    return _inplace(self, elementwise.exp)


def relu_(self):
    return _inplace(self, elementwise.relu)


def sigmoid_(self):
    return _inplace(self, elementwise.sigmoid)


# the other activations in place: each records a form whose backward does not read the input
# it overwrites (relu's and hardtanh's save a mask already; the rest, activation_extra.py)

def elu_(self, alpha=1.0):
    return _inplace(self, activation_extra.elu, alpha)


def selu_(self):
    return _inplace(self, activation_extra.selu)


def celu_(self, alpha=1.0):
    return _inplace(self, activation_extra.celu, alpha)


def leaky_relu_(self, negative_slope=0.01):
    return _inplace(self, activation_extra.leaky_relu, negative_slope)


def rrelu_(self, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    return _inplace(self, activation_extra.rrelu, lower, upper, training, generator)


def hardtanh_(self, min_val=-1.0, max_val=1.0):
    return _inplace(self, elementwise.hardtanh, min_val, max_val)


def threshold_(self, threshold, value):
    return _inplace(self, activation_extra.threshold, threshold, value)


def tanh_(self):
    return _inplace(self, elementwise.tanh)


def neg_(self):
    return _inplace(self, elementwise.neg)


def sqrt_(self):
    return _inplace(self, elementwise.sqrt)


def _same_float_arrays(self, *others):
    """The arrays of `others` when nothing is recorded and they are tensors of self's floating
    dtype and device (an optimizer's update), so the compound in-place ops below can compute
    on them in one temporary; None otherwise (the general path: tensor ops, then add_)."""
    if _recording(self, *others) or self._data.dtype.kind != "f":
        return None
    arrays = []
    for o in others:
        if not isinstance(o, Tensor) or o._device is not self._device or \
                o._data.dtype != self._data.dtype:
            return None
        arrays.append(o._data)
    return arrays


def addcmul_(self, tensor1, tensor2, *, value=1):
    """self += value·tensor1·tensor2"""
    arrays = _same_float_arrays(self, tensor1, tensor2)
    if arrays is None:
        return add_(self, tensor1 * tensor2 * value if value != 1 else tensor1 * tensor2)
    product = arrays[0] * arrays[1]          # a temporary of our own: scaled in place
    if value != 1:
        product *= value
    return _fast(self, product, "add", "addcmul_")


def addcdiv_(self, tensor1, tensor2, *, value=1):
    """self += value·tensor1/tensor2"""
    arrays = _same_float_arrays(self, tensor1, tensor2)
    if arrays is None:
        return add_(self, tensor1 / tensor2 * value if value != 1 else tensor1 / tensor2)
    quotient = arrays[0] / arrays[1]
    if value != 1:
        quotient *= value
    return _fast(self, quotient, "add", "addcdiv_")


def lerp_(self, end, weight):
    """self += weight·(end − self)"""
    arrays = _same_float_arrays(self, end)
    if arrays is None or not isinstance(weight, (int, float)):
        return add_(self, (end - self) * weight)
    step = arrays[0] - self._data
    step *= weight
    return _fast(self, step, "add", "lerp_")


def fill_(self, value):
    """Every element set to `value` (a number or a 0-d tensor)."""
    require_tensor(self, "fill_")
    _check_overlap(self)
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                               f"{value.ndim} dimensions.")
        if _recording(self, value):
            _check_writable(self)
            return _commit(self, arithmetic.add(self * 0, value.to(self.dtype)))
        value = value.item()
    if _recording(self):
        _check_writable(self)
        return _commit(self, self * 0 + value)
    self._data[...] = value
    self._vc[0] += 1
    return self


def fill_diagonal_(self, fill_value, wrap=False):
    """The main diagonal set to `fill_value`: x[i, i, ..., i] for a matrix or a tensor whose
    dimensions are all equal. With `wrap`, the diagonal of a tall matrix starts again after
    every (columns + 1) rows, as numpy.fill_diagonal and PyTorch."""
    require_tensor(self, "fill_diagonal_")
    shape = self._data.shape
    if len(shape) < 2:
        raise RuntimeError("dimensions must larger than 1")
    if len(shape) > 2 and len(set(shape)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    xp = self._device.xp
    rows, cols = shape[0], shape[1]
    if len(shape) == 2 and wrap and rows > cols + 1:
        flat = xp.arange(0, rows * cols, cols + 1)      # one step of (cols + 1) per element
        index = (flat // cols, flat % cols)
    else:
        index = (xp.arange(min(shape)),) * len(shape)
    mask = xp.zeros(shape, bool)
    mask[index] = True
    return _inplace(self, indexing.masked_fill, _wrap(mask, self._device), fill_value)


def copy_(self, src):
    """Copy `src`'s values (broadcast, cast, moved across devices) into `self`."""
    require_tensor(self, "copy_")
    require_tensor(src, "copy_", "src")
    _check_overlap(self)
    if src._device is not self._device:
        src = src.to(self._device)
    src = src.to(self.dtype)
    if _recording(self, src):
        _check_writable(self)
        out = arithmetic.add(self * 0, src) if tuple(src.shape) != tuple(self.shape) else src.clone()
        return _commit(self, out)
    self._data[...] = src._data
    self._vc[0] += 1
    return self


def setitem(self, index, value):
    """`self[index] = value`: values broadcast into the indexed part."""
    _check_overlap(self)
    if _recording(self, value):
        _check_writable(self)
        _commit(self, indexing.index_put(self, index, value))
        return
    idx, _ = indexing.backend_index(index, self)
    if isinstance(value, Tensor):
        if value._device is not self._device:
            value = value.to(self._device)
        value = value._data
    try:
        self._data[idx] = value
    except ValueError as exc:
        if "broadcast" not in str(exc):
            raise
        shape = list(getattr(value, "shape", ()))
        raise RuntimeError(f"shape mismatch: value tensor of shape {shape} cannot be broadcast "
                           f"to indexing result of shape {list(self._data[idx].shape)}") from None
    self._vc[0] += 1


def _random_fill(self, draw):
    """Fill with random numbers (no gradient recorded, as PyTorch's init functions)."""
    require_tensor(self, "random fill")
    _check_overlap(self)
    if self._requires_grad and self.grad_fn is None and _state.enabled:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                           "operation.")
    self._data[...] = draw()
    self._vc[0] += 1
    return self


def uniform_(self, a=0.0, b=1.0, *, generator=None):
    if a > b:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={a:g} "
                           f"> to={b:g}")
    gen = generator_for(generator, self._device)
    return _random_fill(self, lambda: gen.uniform(self._data.shape, self._data.dtype) * (b - a) + a)


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    _check_std(std)
    gen = generator_for(generator, self._device)
    return _random_fill(self, lambda: gen.normal(self._data.shape, self._data.dtype) * std + mean)


def bernoulli_(self, p=0.5, *, generator=None):
    _check_probability(p, "bernoulli_")
    gen = generator_for(generator, self._device)
    prob = p._data if isinstance(p, Tensor) else p
    dt = self._data.dtype if self._data.dtype.kind == "f" else dtypes.float32.np
    return _random_fill(self, lambda: gen.uniform(self._data.shape, dt) < prob)


_NOT_GIVEN = object()

# the C++ type names that PyTorch's random_ bound errors print
_C_TYPE_NAMES = {"bool": "bool", "uint8": "unsigned char", "int8": "signed char",
                 "int16": "short int", "int32": "int", "int64": "long int",
                 "uint16": "short unsigned int", "uint32": "unsigned int",
                 "uint64": "long unsigned int", "float16": "c10::Half", "float32": "float",
                 "float64": "double"}


def random_(self, *bounds, to=_NOT_GIVEN, generator=None):
    """Integers drawn uniformly (stored as floats in a floating tensor), PyTorch's forms:

        random_()             [0, top]
        random_(to)           [0, to)
        random_(from, to)     [from, to)
        random_(from, None)   [from, top]

    top is the largest value of an integer dtype (1 for bool) and 2^digits for a floating one
    (2^24 for float32, 2^53 float64, 2^11 float16): up to there every integer is exact.
    from < to is required, and both ends must lie in the dtype; a floating dtype only warns
    when they pass ±2^digits, where some integers are not representable."""
    if to is not _NOT_GIVEN:
        bounds = bounds + (to,)
    low, high = _random_range(self.dtype, bounds)
    gen = generator_for(generator, self._device)
    return _random_fill(self, lambda: gen.integers(low, high, self._data.shape))


def _random_range(d, bounds):
    """random_'s arguments as the half-open range [low, high) to draw from, checked in
    PyTorch's order with its messages."""
    if len(bounds) > 2:
        raise TypeError(f"random_() takes at most 2 bounds (from, to), but {len(bounds)} were "
                        "given")
    if len(bounds) == 2:
        low, high = _random_bound(bounds[0], "from"), _random_bound(bounds[1], "to", True)
    else:
        low, high = 0, _random_bound(bounds[0], "to") if bounds else None
    lowest, highest, top = _random_limits(d)
    if high is not None:
        if low >= high:
            raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got "
                               f"from={low} >= to={high}")
        last = high - 1
    else:
        if d.is_floating_point and low >= top:
            raise RuntimeError(f"random_ expects 'from' casted to dtype to be less than or equal "
                               f"to 'to_inc' casted to dtype, but got from={low} > to_inc={top}")
        last = top
    ends = ((low, "from"), (last, "to - 1"))
    for value, name in ends:
        if not lowest <= value <= highest:
            raise RuntimeError(f"{name} is out of bounds for {_C_TYPE_NAMES[d.name]}")
    if d.is_floating_point:
        digits = top.bit_length() - 1
        for value, name in ends:
            if not -top <= value <= top:
                warnings.warn(f"{name} is out of bounds [-(2^{digits}), 2^{digits}]. Due to "
                              f"precision limitations {_C_TYPE_NAMES[d.name]} can support "
                              "discrete uniform distribution only within this range.",
                              stacklevel=4)
    return low, last + 1


def _random_limits(d):
    """(lowest, highest, top) of dtype d: where random_'s ends must lie, and the largest value
    random_() draws. PyTorch takes the ends as int64, so uint64's stop at 2^63 − 1."""
    if d.is_floating_point:
        info = dtypes.finfo(d)
        return info.min, info.max, 2 ** (np.finfo(d.np).nmant + 1)
    if d is dtypes.bool:
        return 0, 1, 1
    highest = min(dtypes.iinfo(d).max, 2 ** 63 - 1)
    return dtypes.iinfo(d).min, highest, highest


def _random_bound(value, name, allow_none=False):
    """One end of random_'s range: an int (or a 0-d integer tensor) that fits int64."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not hasattr(type(value), "__index__"):
        raise TypeError(f"random_(): argument '{name}' must be int, not "
                        f"{type(value).__name__}")
    value = operator.index(value)
    if not -2 ** 63 <= value < 2 ** 63:
        raise ValueError(f"random_(): {name}={value} does not fit in int64")
    return value


# ---- a Python callable on each element: apply_, map_ (CPU only, outside autograd) ---------

def apply_(self, callable):
    """Each element x replaced by callable(x), in row-major order; x comes as a Python number
    (float, int or bool, by the dtype) and the result is converted back (see _element). One
    Python call per element: slow, and only on the cpu, as PyTorch's. Nothing is written if a
    call raises."""
    _check_python_map("apply_", self)
    return _store(self, [callable(x) for x in self._data.ravel().tolist()])


def map_(self, other, callable):
    """self[i] = callable(self[i], other[i]), `other` (same dtype and device) broadcast to
    self's shape; as apply_ otherwise."""
    if not isinstance(other, Tensor):
        raise TypeError(f"map_(): argument 'other' (position 1) must be Tensor, not "
                        f"{type(other).__name__}")
    _check_python_map("map_", self, other)
    pairs = zip(self._data.ravel().tolist(), other.expand(self.shape)._data.ravel().tolist())
    return _store(self, [callable(x, y) for x, y in pairs])


def _check_python_map(name, self, other=None):
    """PyTorch's conditions for apply_/map_, in its order: nothing requires grad (in any grad
    mode), `other` has self's dtype and device, self is on the cpu. And, as NumPy cannot write
    an expanded tensor, every element of self has memory of its own."""
    require_tensor(self, name)
    if self._requires_grad or (other is not None and other._requires_grad):
        raise RuntimeError(f"Can't call {name}() on Variable that requires grad. Use "
                           f"var.detach().{name}() instead.")
    if other is not None and (other.dtype is not self.dtype or other._device is not self._device):
        raise TypeError(f"{name}: expected {self.type()} for 'other' (got {other.type()})")
    if self._device.type != "cpu":
        raise TypeError(f"{name} is only implemented on CPU tensors")
    if not self._data.flags.writeable:
        raise RuntimeError(_OVERLAP)


def _store(self, values):
    """Write the callable's results (one per element, row-major) into self, bump the version."""
    d, xp = self.dtype, self._device.xp
    converted = [_element(v, d) for v in values]
    with xp.errstate(over="ignore"):            # a float too large for float16/32 becomes inf
        self._data[...] = xp.asarray(converted, dtype=d.np).reshape(self._data.shape)
    self._vc[0] += 1
    return self


def _element(value, d):
    """What the callable returned as a number of dtype `d`, converted as PyTorch converts it:
    float() for a floating dtype (strings refused); the truth of a number for bool; for other
    integers a float is truncated toward zero and anything else must be an integer
    (operator.index). A value outside the dtype (NaN and ±inf too) is an error, not a
    wrap-around, except that an unsigned dtype takes integers down to −max in two's complement
    (−1 -> 255 in uint8), as PyTorch's."""
    if d.is_floating_point:
        if not isinstance(value, (str, bytes)):
            try:
                return float(value)
            except TypeError:
                pass
        raise TypeError(f"must be real number, not {type(value).__name__}")
    number = value if isinstance(value, float) else operator.index(value)
    if d is dtypes.bool:
        return number != 0
    info = dtypes.iinfo(d)
    unsigned = info.min == 0
    lowest = -info.max if unsigned and not isinstance(number, float) else info.min
    if not lowest <= number <= info.max:
        raise RuntimeError(f"value cannot be converted to type {d.name} without overflow")
    number = int(number)
    return number + info.max + 1 if number < 0 and unsigned else number


# ---- in-place scatters and index writes: the out-of-place op, committed into self ----------

def scatter_(self, dim, index, src=None, *, value=None, reduce=None):
    return _inplace(self, indexing.scatter, dim, index, src, value=value, reduce=reduce)


def scatter_add_(self, dim, index, src):
    return _inplace(self, indexing.scatter_add, dim, index, src)


def index_add_(self, dim, index, source, *, alpha=1):
    return _inplace(self, indexing.index_add, dim, index, source, alpha=alpha)


def index_copy_(self, dim, index, source):
    return _inplace(self, indexing.index_copy, dim, index, source)


def index_fill_(self, dim, index, value):
    return _inplace(self, indexing.index_fill, dim, index, value)


def masked_scatter_(self, mask, source):
    return _inplace(self, indexing.masked_scatter, mask, source)


# ---- in-place forms of the newer elementwise functions (each runs the out-of-place op) ------

def tan_(self):
    return _inplace(self, elementwise.tan)


def asin_(self):
    return _inplace(self, elementwise.asin)


def acos_(self):
    return _inplace(self, elementwise.acos)


def atan_(self):
    return _inplace(self, elementwise.atan)


def sinh_(self):
    return _inplace(self, elementwise.sinh)


def cosh_(self):
    return _inplace(self, elementwise.cosh)


def asinh_(self):
    return _inplace(self, elementwise.asinh)


def acosh_(self):
    return _inplace(self, elementwise.acosh)


def atanh_(self):
    return _inplace(self, elementwise.atanh)


def log2_(self):
    return _inplace(self, elementwise.log2)


def log10_(self):
    return _inplace(self, elementwise.log10)


def exp2_(self):
    return _inplace(self, elementwise.exp2)


def sinc_(self):
    return _inplace(self, elementwise.sinc)


def deg2rad_(self):
    return _inplace(self, elementwise.deg2rad)


def rad2deg_(self):
    return _inplace(self, elementwise.rad2deg)


def sgn_(self):
    return _inplace(self, elementwise.sign)


def floor_(self):
    return _inplace(self, elementwise.floor)


def ceil_(self):
    return _inplace(self, elementwise.ceil)


def trunc_(self):
    return _inplace(self, elementwise.trunc)


def round_(self, *, decimals=0):
    return _inplace(self, elementwise.round, decimals=decimals)


def frac_(self):
    return _inplace(self, elementwise.frac)


def clamp_min_(self, min):
    return _inplace(self, elementwise.clamp_min, min)


def clamp_max_(self, max):
    return _inplace(self, elementwise.clamp_max, max)


def nan_to_num_(self, nan=0.0, posinf=None, neginf=None):
    return _inplace(self, elementwise.nan_to_num, nan, posinf, neginf)


def atan2_(self, other):
    return _inplace(self, arithmetic.atan2, other)


def hypot_(self, other):
    return _inplace(self, arithmetic.hypot, other)


def xlogy_(self, other):
    return _inplace(self, arithmetic.xlogy, other)


# ---- in-place forms of the remaining elementwise functions: self = f(self, *args), the
# out-of-place op committed into self (see _inplace); comparisons write 1/0 in self's dtype

def _in_place(op, name=None):
    def method(self, *args, **kwargs):
        return _inplace(self, op, *args, **kwargs)
    method.__name__ = (name or op.__name__) + "_"
    method.__doc__ = f"self = {name or op.__name__}(self, ...), in place."
    return method


abs_ = absolute_ = _in_place(elementwise.abs)
sin_, cos_ = _in_place(elementwise.sin), _in_place(elementwise.cos)
log_, log1p_, expm1_ = (_in_place(getattr(elementwise, n)) for n in ("log", "log1p", "expm1"))
rsqrt_, square_, reciprocal_ = (_in_place(getattr(elementwise, n))
                                for n in ("rsqrt", "square", "reciprocal"))
sign_, erf_ = _in_place(elementwise.sign), _in_place(elementwise.erf)
negative_ = neg_
logit_ = _in_place(elementwise.logit)
fmod_, remainder_ = _in_place(arithmetic.fmod), _in_place(arithmetic.remainder)
floor_divide_ = _in_place(arithmetic.floor_divide)
subtract_, multiply_, true_divide_ = sub_, mul_, div_


def divide_(self, other, *, rounding_mode=None):
    if rounding_mode is None:
        return div_(self, other)
    return _inplace(self, arithmetic.div, other, rounding_mode=rounding_mode)


digamma_, lgamma_, erfc_, erfinv_, i0_ = (_in_place(getattr(special, n))
                                          for n in ("digamma", "lgamma", "erfc", "erfinv", "i0"))
mvlgamma_ = _in_place(special.mvlgamma)
igamma_, igammac_ = _in_place(special.igamma), _in_place(special.igammac)
copysign_, heaviside_ = _in_place(special.copysign), _in_place(special.heaviside)
gcd_, lcm_ = _in_place(special.gcd), _in_place(special.lcm)
ldexp_, nextafter_ = _in_place(special.ldexp), _in_place(special.nextafter)
polygamma_ = _in_place(lambda x, n: special.polygamma(n, x), "polygamma")


def float_power_(self, exponent):
    """self = self ** exponent in float64: self must be float64 already."""
    require_tensor(self, "float_power_")
    if self.dtype is not dtypes.float64:
        raise RuntimeError(f"the base given to float_power_ has dtype "
                           f"{dtypes.SCALAR_TYPE_NAMES[self.dtype.name]} but the operation's "
                           f"result requires dtype Double")
    return _inplace(self, special.float_power, exponent)


def _compare_in_place(op):
    def method(self, other):
        return _logical(self, op, other)
    method.__name__ = op.__name__ + "_"
    method.__doc__ = f"self = {op.__name__}(self, other) as 1/0 in self's dtype (see _logical)."
    return method


eq_, ne_, lt_, le_, gt_, ge_ = (_compare_in_place(getattr(arithmetic, n))
                                for n in ("eq", "ne", "lt", "le", "gt", "ge"))
greater_, greater_equal_, less_, less_equal_, not_equal_ = gt_, ge_, lt_, le_, ne_
