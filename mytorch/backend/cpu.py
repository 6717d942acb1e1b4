"""The `cpu` backend: NumPy."""
import numpy as np

from .base import Backend, HostGenerator
from .erf import erf as _erf


class CPUBackend(Backend):
    name = "cpu"
    xp = np
    array_type = np.ndarray

    def from_host(self, array):
        return np.asarray(array)

    def to_host(self, array):
        return array

    def scatter_add(self, target, index, values):
        np.add.at(target, index, values)

    def broadcast_to(self, x, shape):
        """`x` broadcast to `shape`, a read-only view, as np.broadcast_to gives; built directly
        (stride 0 along the stretched dimensions) when x is contiguous, because
        np.broadcast_to spends several µs in Python, as much as a small backward step."""
        lead = len(shape) - x.ndim
        if lead < 0 or not x.flags.c_contiguous:
            return np.broadcast_to(x, shape)
        strides = [0] * lead
        for n, want, stride in zip(x.shape, shape[lead:], x.strides):
            if n == want:
                strides.append(stride)
            elif n == 1:
                strides.append(0)
            else:
                return np.broadcast_to(x, shape)        # raises NumPy's error
        view = np.ndarray(shape, x.dtype, x, 0, strides)
        view.flags.writeable = False
        return view

    def erf(self, x):
        return _erf(np, x)

    def rng(self, seed):
        return HostGenerator(seed)
