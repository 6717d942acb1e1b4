"""Copies and conversions: dtype casts, device moves, clone, contiguous, detach.

All are differentiable where PyTorch's are: the gradient of a cast is cast back (the engine does
this for every input), the gradient of a device move is moved back.
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
