"""Devices and array namespaces: every difference between array libraries lives here.

A *backend* is a small object that knows one array library: its namespace `xp` (NumPy or
CuPy), how to copy arrays to and from the host, its random generator, and the few operations
whose spelling differs between libraries (`scatter_add`, `sliding_window_view`, `erf`, and
`linalg`, which turns a failed routine into one LinAlgError whether the library raised or, as
CuPy does, returned non-finite numbers). special.py holds the special functions (lgamma,
digamma, erfinv, ...), written with `xp` operations only so that both libraries run them.
Backends are registered by name; a `device` ("cpu", "cuda:0") names a backend and an index.

Nothing above this package imports NumPy for tensor data: ops use `ctx.xp`, and tensors use
their device's backend.
"""
from .base import Backend, device, register_backend, get_backend, backends
from . import cpu as _cpu, cuda as _cuda

register_backend(_cpu.CPUBackend())
register_backend(_cuda.CUDABackend())

__all__ = ["Backend", "device", "register_backend", "get_backend", "backends"]
