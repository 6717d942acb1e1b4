"""Copies and conversions: dtype casts, device moves, clone, contiguous, detach, and
`view(dtype)` (the same bytes read as another dtype).

All are differentiable where PyTorch's are: the gradient of a cast is cast back (the engine does
this for every input), the gradient of a device move is moved back; a bit cast has none.
"""
from .. import dtypes
from ..autograd.function import Function
from ..backend import device as Device
from ..backend.base import checked_device
from ..tensor import Tensor, _wrap


class Cast(Function):
    """y = x converted to another dtype;  the gradient is cast back by the engine"""
    array_backward = True

    @staticmethod
    def forward(ctx, x, dtype):
        return x.astype(dtype.np)

    @staticmethod
    def backward(ctx, g):
        return g, None


class ToDevice(Function):
    """y = x copied to another device (through host memory);  ∂L/∂x = the gradient moved back"""
    @staticmethod
    def forward(ctx, x, target):
        ctx.output_device = target
        return target.backend.from_host(ctx.device.backend.to_host(x))

    @staticmethod
    def backward(ctx, g):
        return to(g, ctx.device), None


class Clone(Function):
    """y = a copy of x (keeping its memory layout, as PyTorch's clone);  ∂y/∂x = 1"""
    array_backward = True

    @staticmethod
    def forward(ctx, x):
        return ctx.xp.array(x, copy=True)

    @staticmethod
    def backward(ctx, g):
        return g


class Contiguous(Function):
    """y = a row-major copy of x;  ∂y/∂x = 1"""
    array_backward = True

    @staticmethod
    def forward(ctx, x):
        return ctx.xp.array(x, copy=True, order="C")

    @staticmethod
    def backward(ctx, g):
        return g


def clone(input):
    return Clone.apply(input)


def contiguous(input):
    """`input` itself when its memory is already in row-major order, else a row-major copy."""
    if input._data.flags.c_contiguous:
        return input
    return Contiguous.apply(input)


def detach(input):
    """The same data as a new leaf outside the graph; shares memory and version counter."""
    t = _wrap(input._data, input._device)
    t._vc = input._vc
    t._base = input._base if input._base is not None else input
    return t


def view_dtype(input, dtype):
    """The same memory read as elements of `dtype` (a bit cast, no copy): `Tensor.view(dtype)`.

    Same element size: the same shape. An element r times smaller (float32 -> int16, r = 2):
    the last dimension r times longer. One r times larger (int16 -> float32): the last dimension
    r times shorter, so it must divide by r, and (PyTorch's rules and messages) the last
    dimension must be contiguous, the first element's offset in memory and the other
    dimensions' strides multiples of r.

    The result shares memory and the version counter with `input` but never requires grad, as
    in PyTorch (even for the same dtype): reading bits as another type has no derivative. Its
    `_base` is the viewed tensor (PyTorch leaves it None): that keeps the storage offset of a
    view of it exact, and a recorded in-place op on it is refused as on any view.
    """
    new = dtypes.as_dtype(dtype)
    if new.itemsize != input._data.itemsize:
        _check_bit_cast(input, new)
    t = _wrap(input._data.view(new.np), input._device)
    t._vc = input._vc
    t._base = input._base if input._base is not None else input
    return t


def _check_bit_cast(input, new):
    """PyTorch's checks, in its order, for a view as a dtype of another element size."""
    data = input._data
    what = (f"to view {dtypes.SCALAR_TYPE_NAMES[input.dtype.name]} as "
            f"{dtypes.SCALAR_TYPE_NAMES[new.name]} (different element sizes)")
    if data.ndim == 0:
        raise RuntimeError(f"self.dim() cannot be 0 {what}")
    strides = input.stride()
    contiguous = f"self.stride(-1) must be 1 {what}, but got {strides[-1]}"
    if new.itemsize < data.itemsize:
        if strides[-1] != 1:
            raise RuntimeError(contiguous)
        return
    ratio = new.itemsize // data.itemsize
    if data.shape[-1] % ratio:
        raise RuntimeError(f"self.size(-1) must be divisible by {ratio} {what}, but got "
                           f"{data.shape[-1]}")
    offset = _storage_offset(input)
    if offset % ratio:
        raise RuntimeError(f"self.storage_offset() must be divisible by {ratio} {what}, but "
                           f"got {offset}")
    if strides[-1] != 1:
        raise RuntimeError(contiguous)
    for dim, stride in enumerate(strides[:-1]):
        if stride % ratio:
            raise RuntimeError(f"self.stride({dim}) must be divisible by {ratio} {what}, but "
                               f"got {stride}")


def _storage_offset(t):
    """How many of t's elements lie before its first one in the memory of the tensor it views
    (0 for a tensor that owns its memory), as PyTorch's storage_offset()."""
    if t._base is None:
        return 0
    return (_address(t._data) - _address(t._base._data)) // t._data.itemsize


def _address(array):
    """Where an array's first element lies in memory: CuPy's data.ptr, NumPy's ctypes.data."""
    pointer = getattr(array.data, "ptr", None)
    return pointer if pointer is not None else array.ctypes.data


def _parse_to(args, kwargs):
    dev = kwargs.pop("device", None)
    dt = kwargs.pop("dtype", None)
    kwargs.pop("non_blocking", None)
    copy = kwargs.pop("copy", False)
    kwargs.pop("memory_format", None)
    if kwargs:
        raise TypeError(f"to() got unexpected keyword arguments {sorted(kwargs)}")
    for a in args:
        if isinstance(a, Tensor):
            dev, dt = a.device, a.dtype
        elif isinstance(a, (str, Device)):
            dev = a
        elif isinstance(a, int) and not isinstance(a, bool):
            dev = f"cuda:{a}"
        elif a is not None:
            dt = a                               # as_dtype below rejects anything else
    return dev, dtypes.as_dtype(dt), copy


def to(input, *args, **kwargs):
    """`to(dtype)`, `to(device)`, `to(device, dtype)`, `to(tensor)`; returns `input` itself when
    nothing changes (unless copy=True), as in PyTorch."""
    dev, dt, copy = _parse_to(args, kwargs)
    out = input
    if dev is not None:
        dev = checked_device(dev)
        if dev is not input._device:
            out = ToDevice.apply(out, dev)
    if dt is not None and out._data.dtype != dt.np:
        out = Cast.apply(out, dt)
    if copy and out is input:
        out = Clone.apply(input)
    return out
