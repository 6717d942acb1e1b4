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

    def erf(self, x):
        return _erf(np, x)

    def rng(self, seed):
        return HostGenerator(seed)
