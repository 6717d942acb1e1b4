"""Data types: PyTorch's names for NumPy's dtypes, and PyTorch's promotion rules.

A `dtype` is a small immutable object (`mytorch.float32`, `mytorch.int64`, ...) that wraps the
NumPy dtype used for storage. Promotion follows PyTorch, not NumPy:

- categories rank bool < integer < floating;
- a float tensor combined with an int tensor keeps the float tensor's dtype (NumPy would make
  int64 + float32 a float64);
- Python scalars are *weak*: they choose the category but not the width, so
  `float32_tensor * 2.0` stays float32 and `int32_tensor + 1` stays int32, while
  `int_tensor * 0.5` becomes the default float dtype (float32);
- zero-dimensional tensors are weaker than dimensioned ones of the same category.

uint16, uint32 and uint64 are PyTorch's "bare" unsigned types: they hold numbers (NumPy arrays
of those dtypes come in unchanged) but take part in no promotion. Combined with a floating
dtype they give that float; with any other dtype than their own, `promote_types` raises
PyTorch's error. (PyTorch also leaves many of their ops unimplemented; mytorch computes what
NumPy computes on them.)
"""
import builtins

import numpy as np

__all__ = ["dtype", "float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8",
           "uint16", "uint32", "uint64", "bool", "half", "float", "double", "short", "int", "long",
           "get_default_dtype", "set_default_dtype", "promote_types", "result_type"]

class dtype:
    """A tensor element type, printed as PyTorch prints it (`mytorch.float32`)."""

    __slots__ = ("name", "np", "is_floating_point", "is_signed", "itemsize", "category")

    def __init__(self, name, np_dtype, category):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.category = category            # 0 bool, 1 integer, 2 floating
        self.is_floating_point = category == 2
        self.is_signed = category == 2 or (category == 1 and self.np.kind == "i")
        self.itemsize = self.np.itemsize

    def __repr__(self):
        return f"mytorch.{self.name}"

    def __reduce__(self):
        return (_from_name, (self.name,))


float16 = half = dtype("float16", np.float16, 2)
float32 = float = dtype("float32", np.float32, 2)
float64 = double = dtype("float64", np.float64, 2)
uint8 = dtype("uint8", np.uint8, 1)
uint16 = dtype("uint16", np.uint16, 1)
uint32 = dtype("uint32", np.uint32, 1)
uint64 = dtype("uint64", np.uint64, 1)
int8 = dtype("int8", np.int8, 1)
int16 = short = dtype("int16", np.int16, 1)
int32 = int = dtype("int32", np.int32, 1)
int64 = long = dtype("int64", np.int64, 1)
bool = dtype("bool", np.bool_, 0)

_ALL = (float16, float32, float64, uint8, int8, int16, int32, int64, bool, uint16, uint32, uint64)
_BARE_UNSIGNED = (uint16, uint32, uint64)
_BY_NUMPY = {d.np: d for d in _ALL}
_BY_NAME = {d.name: d for d in _ALL}
_default_float = float32

# PyTorch's C++ names of the scalar types, which its error messages and its legacy tensor type
# names ('FloatTensor') use
SCALAR_TYPE_NAMES = {"float16": "Half", "float32": "Float", "float64": "Double", "int64": "Long",
                     "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
                     "bool": "Bool", "uint16": "UInt16", "uint32": "UInt32", "uint64": "UInt64"}


def _from_name(name):
    return _BY_NAME[name]


def from_numpy_dtype(np_dtype):
    """The mytorch dtype that stores as `np_dtype`; a clear TypeError for unsupported ones."""
    try:
        return _BY_NUMPY[np_dtype]
    except (KeyError, TypeError):
        pass
    np_dtype = np.dtype(np_dtype)
    if np_dtype in _BY_NUMPY:
        return _BY_NUMPY[np_dtype]
    raise TypeError(f"can't convert array of dtype {np_dtype}: mytorch supports "
                    f"{', '.join(d.name for d in _ALL)}")


def as_dtype(d):
    """Accept a mytorch dtype, a NumPy dtype, a Python type (float, int, bool) or None."""
    if d is None or d.__class__ is dtype:
        return d
    if d is builtins.float:        # as in PyTorch: Python's float is double precision
        return float64
    if d is builtins.int:
        return int64
    if d is builtins.bool:
        return bool
    if isinstance(d, str) and d in _BY_NAME:
        return _BY_NAME[d]
    try:
        return from_numpy_dtype(np.dtype(d))
    except TypeError:
        raise TypeError(f"dtype must be a mytorch dtype such as mytorch.float32, got {d!r}") from None


def get_default_dtype():
    """The dtype of floating tensors made from Python floats (float32 unless changed)."""
    return _default_float


def set_default_dtype(d):
    """Set the default floating dtype (float32 or float64), as `torch.set_default_dtype`."""
    global _default_float
    d = as_dtype(d)
    if not d.is_floating_point:
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    _default_float = d


def promote_types(a, b):
    """The smallest dtype both `a` and `b` convert to without losing their category.

    Unlike NumPy, an integer meeting a float gives that float (int64 + float32 -> float32).
    uint16/32/64 promote only to themselves and to floats; anything else is PyTorch's error.
    """
    if a is b:
        return a
    if (a in _BARE_UNSIGNED or b in _BARE_UNSIGNED) and \
            not (a.is_floating_point or b.is_floating_point):
        raise RuntimeError(f"Promotion for uint16, uint32, uint64 types is not supported, "
                           f"attempted to promote {SCALAR_TYPE_NAMES[a.name]} and "
                           f"{SCALAR_TYPE_NAMES[b.name]}")
    if a.category != b.category:
        return a if a.category > b.category else b
    return _BY_NUMPY[np.promote_types(a.np, b.np)]


def scalar_dtype(value):
    """The dtype a Python scalar takes on its own: bool, int64 or the default float."""
    if isinstance(value, builtins.bool) or isinstance(value, np.bool_):
        return bool
    if isinstance(value, (builtins.int, np.integer)):
        return int64
    return _default_float


def _combine(higher, lower):
    # PyTorch's rule for joining a stronger group (dimensioned tensors) with a weaker one
    # (zero-dimensional tensors, then Python scalars): the weaker group only matters when it
    # brings a higher category.
    if higher is None:
        return lower
    if lower is None or higher.is_floating_point:
        return higher
    if higher is bool or lower.is_floating_point:
        return promote_types(higher, lower)
    return higher


def result_type(*operands):
    """The dtype of an operation on `operands` (tensors and Python scalars), as in PyTorch."""
    dim = zero = wrapped = None
    for x in operands:
        d = getattr(x, "dtype", None)
        if d is None:
            s = scalar_dtype(x)
            wrapped = s if wrapped is None else promote_types(wrapped, s)
        elif x.ndim == 0:
            zero = d if zero is None else promote_types(zero, d)
        else:
            dim = d if dim is None else promote_types(dim, d)
    return _combine(dim, _combine(zero, wrapped))


class finfo:
    """The limits of a floating dtype, as torch.finfo: bits, eps (the gap above 1), max, min
    (= −max), tiny = smallest_normal, resolution; `finfo()` describes the default dtype. A mask
    value of `finfo(dtype).min` stays finite where −inf would give NaNs."""

    def __init__(self, type=None):
        d = as_dtype(type) or get_default_dtype()
        if not d.is_floating_point:
            raise TypeError(f"finfo() requires a floating point input type, got {d}; use "
                            "iinfo for integer types")
        info = np.finfo(d.np)
        self.dtype = d.name
        self.bits = builtins.int(info.bits)
        self.eps, self.max, self.min = builtins.float(info.eps), builtins.float(info.max), \
            builtins.float(info.min)
        self.tiny = self.smallest_normal = builtins.float(info.tiny)
        self.resolution = builtins.float(info.resolution)

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
                f"eps={self.eps:g}, smallest_normal={self.tiny:g}, tiny={self.tiny:g}, "
                f"dtype={self.dtype})")


class iinfo:
    """The limits of an integer dtype, as torch.iinfo: bits, min, max."""

    def __init__(self, type):
        d = as_dtype(type)
        if d is None or d.is_floating_point:
            raise TypeError(f"iinfo() requires an integer input type, got {d}; use finfo for "
                            "floating types")
        self.dtype = d.name
        if d is bool:
            self.bits, self.min, self.max = 8, 0, 1
        else:
            info = np.iinfo(d.np)
            self.bits = builtins.int(info.bits)
            self.min, self.max = builtins.int(info.min), builtins.int(info.max)

    def __repr__(self):
        return f"iinfo(min={self.min}, max={self.max}, dtype={self.dtype})"
