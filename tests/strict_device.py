"""A test-only device that behaves like CuPy where CuPy is strict.

Its arrays wrap NumPy arrays but, like cupy.ndarray, refuse to turn into NumPy arrays
implicitly (`np.asarray(x)`, `np.exp(x)`) and refuse to be mixed with NumPy arrays
(`x + np_array`). Python numbers and NumPy scalars mix freely, as in CuPy. Reductions return
0-d arrays, never NumPy scalars. The namespace `strict_xp` mirrors `numpy`, wrapping every
function. An op that calls NumPy on tensor data instead of `ctx.xp` fails on this device.
"""
import types

import numpy as np

from mytorch.backend import Backend, register_backend
from mytorch.backend.base import HostGenerator
from mytorch.backend.erf import erf as _erf


class StrictMixError(TypeError):
    pass


def _unwrap(x):
    if isinstance(x, StrictArray):
        return x._a
    if isinstance(x, np.ndarray):
        raise StrictMixError("strict device: a host numpy.ndarray was mixed with device arrays; "
                             "convert explicitly (backend.from_host)")
    if isinstance(x, (list, tuple)):
        return type(x)(_unwrap(v) for v in x)
    if isinstance(x, slice):
        return slice(_unwrap(x.start), _unwrap(x.stop), _unwrap(x.step))
    return x


def _wrap(x):
    if isinstance(x, np.ndarray):
        return StrictArray(x)
    if isinstance(x, np.generic):
        return StrictArray(np.asarray(x))
    if isinstance(x, tuple):
        return tuple(_wrap(v) for v in x)
    if isinstance(x, list):
        return [_wrap(v) for v in x]
    return x


def _call(fn):
    def wrapped(*args, **kwargs):
        args = [_unwrap(a) for a in args]
        kwargs = {k: _unwrap(v) for k, v in kwargs.items()}
        return _wrap(fn(*args, **kwargs))
    wrapped.__name__ = getattr(fn, "__name__", "fn")
    return wrapped


def _binary(name):
    def op(self, other):
        return _wrap(getattr(self._a, name)(_unwrap(other)))
    return op


class StrictArray:
    """A device array: NumPy inside, no implicit way out."""

    __slots__ = ("_a",)
    __array_ufunc__ = None          # numpy ufuncs on us raise TypeError instead of converting

    def __init__(self, a):
        self._a = a

    def __array__(self, *args, **kwargs):
        raise TypeError("Implicit conversion to a NumPy array is not allowed. Please use "
                        "`.get()` to construct a NumPy array explicitly.")

    def get(self):
        return self._a.copy()

    @property
    def shape(self):
        return self._a.shape

    @property
    def dtype(self):
        return self._a.dtype

    @property
    def ndim(self):
        return self._a.ndim

    @property
    def size(self):
        return self._a.size

    @property
    def nbytes(self):
        return self._a.nbytes

    @property
    def itemsize(self):
        return self._a.itemsize

    @property
    def flags(self):
        return self._a.flags

    @property
    def T(self):
        return StrictArray(self._a.T)

    @property
    def mT(self):
        return StrictArray(np.swapaxes(self._a, -1, -2))

    @property
    def base(self):
        return None if self._a.base is None else StrictArray(self._a.base)

    def __getattr__(self, name):
        if name.startswith("__array"):
            # NumPy converts anything with __array_interface__ / __array_struct__; forwarding
            # them from the inner array would let np.asarray(x) through, which CuPy refuses
            raise AttributeError(name)
        attr = getattr(self._a, name)
        return _call(attr) if callable(attr) else _wrap(attr)

    def __getitem__(self, index):
        return _wrap(self._a[_unwrap(index)])

    def __setitem__(self, index, value):
        self._a[_unwrap(index)] = _unwrap(value)

    def __len__(self):
        return len(self._a)

    def __iter__(self):
        return (_wrap(v) for v in self._a)

    def __bool__(self):
        return bool(self._a)

    def __float__(self):
        return float(self._a)

    def __int__(self):
        return int(self._a)

    def __index__(self):
        return self._a.__index__()

    def __repr__(self):
        return f"StrictArray({self._a!r})"

    def __neg__(self):
        return StrictArray(-self._a)

    def __pos__(self):
        return self

    def __abs__(self):
        return StrictArray(abs(self._a))

    def __invert__(self):
        return StrictArray(~self._a)

    for _name in ("add", "radd", "sub", "rsub", "mul", "rmul", "truediv", "rtruediv", "floordiv",
                  "rfloordiv", "mod", "rmod", "pow", "rpow", "matmul", "rmatmul", "and", "rand",
                  "or", "ror", "xor", "rxor", "eq", "ne", "lt", "le", "gt", "ge", "iadd", "isub",
                  "imul", "itruediv", "ipow", "iand", "ior"):
        locals()[f"__{_name}__"] = _binary(f"__{_name}__")
    del _name
    __hash__ = None


class _Namespace(types.ModuleType):
    """`numpy` (or one of its submodules), with every function wrapped to take and return
    strict arrays."""

    def __init__(self, name, module=np):
        super().__init__(name)
        self._np = module

    def __getattr__(self, name):
        attr = getattr(self.__dict__["_np"], name)
        if isinstance(attr, types.ModuleType):
            return _Namespace(f"{self.__name__}.{name}", attr)
        if isinstance(attr, type) or not callable(attr):
            return attr
        return _call(attr)


strict_xp = _Namespace("strict_xp")
strict_xp.ndarray = StrictArray


class _StrictGenerator:
    def __init__(self, seed):
        self._g = HostGenerator(seed)

    def uniform(self, shape, dtype):
        return StrictArray(self._g.uniform(shape, dtype))

    def normal(self, shape, dtype):
        return StrictArray(self._g.normal(shape, dtype))

    def integers(self, low, high, shape):
        return StrictArray(self._g.integers(low, high, shape))

    def permutation(self, n):
        return StrictArray(self._g.permutation(n))

    def get_state(self):
        return self._g.get_state()

    def set_state(self, state):
        self._g.set_state(state)


class StrictBackend(Backend):
    """The `strict` device: NumPy compute behind CuPy's rules."""

    name = "strict"
    xp = strict_xp
    array_type = StrictArray

    def from_host(self, array):
        return StrictArray(np.array(array))

    def to_host(self, array):
        if not isinstance(array, StrictArray):
            raise StrictMixError(f"strict device: to_host got {type(array).__name__}")
        return array._a

    def scatter_add(self, target, index, values):
        np.add.at(target._a, _unwrap(index), _unwrap(values))

    def sliding_window_view(self, x, window_shape, axis):
        return StrictArray(np.lib.stride_tricks.sliding_window_view(x._a, window_shape, axis=axis))

    def erf(self, x):
        return StrictArray(_erf(np, x._a))

    def rng(self, seed):
        return _StrictGenerator(seed)


def install():
    register_backend(StrictBackend())
