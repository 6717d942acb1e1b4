"""The `cuda` backend: CuPy, present only when CuPy imports and sees a GPU.

`import mytorch` never fails for want of CuPy; asking for a cuda tensor does, with an error that
says which is missing and how to install it.
"""
import numpy as np

from .base import Backend

try:
    import cupy as _cupy
    _import_error = None
except Exception as exc:          # ImportError, or CUDA libraries that fail to load
    _cupy = None
    _import_error = exc


class CUDABackend(Backend):
    name = "cuda"

    def __init__(self):
        if _cupy is not None:
            self.xp = _cupy
            self.array_type = _cupy.ndarray

    def is_available(self):
        if _cupy is None:
            return False
        try:
            return _cupy.cuda.is_available()
        except Exception:
            return False

    def unavailable_reason(self):
        if _cupy is None:
            return ("CUDA is not available: CuPy is not installed "
                    f"({_import_error}). Install the CuPy wheel for your CUDA version, "
                    "e.g. `pip install cupy-cuda12x`.")
        if not self.is_available():
            return ("CUDA is not available: CuPy is installed but sees no GPU "
                    "(cupy.cuda.is_available() is False). Check the NVIDIA driver and "
                    "CUDA_VISIBLE_DEVICES.")
        return ""

    def from_host(self, array):
        return _cupy.asarray(array)

    def to_host(self, array):
        return _cupy.asnumpy(array)

    def scatter_add(self, target, index, values):
        import cupyx
        cupyx.scatter_add(target, index, values)

    def erf(self, x):
        import cupyx.scipy.special
        return cupyx.scipy.special.erf(x)

    def linalg(self, routine, *arrays, **kwargs):
        """Backend.linalg with CuPy's check of cuSOLVER's info turned on: by default CuPy
        returns whatever the solver left (for a matrix that is not positive-definite, finite
        garbage) without a word; under errstate(linalg='raise') it raises
        numpy.linalg.LinAlgError, as NumPy does."""
        import cupyx
        with cupyx.errstate(linalg="raise"):
            return super().linalg(routine, *arrays, **kwargs)

    def rng(self, seed):
        return _CupyGenerator(seed)

    def synchronize(self):
        _cupy.cuda.Device().synchronize()


class _CupyGenerator:
    """The backend generator methods on CuPy's own random state (numbers made on the GPU)."""

    def __init__(self, seed):
        self._rs = _cupy.random.RandomState(seed)

    def uniform(self, shape, dtype):
        if dtype in (np.float32, np.float64):
            return self._rs.random_sample(shape, dtype=dtype)
        return self._rs.random_sample(shape, dtype=np.float32).astype(dtype)

    def normal(self, shape, dtype):
        if dtype in (np.float32, np.float64):
            return self._rs.standard_normal(shape, dtype=dtype)
        return self._rs.standard_normal(shape, dtype=np.float32).astype(dtype)

    def integers(self, low, high, shape):
        return self._rs.randint(low, high, shape, dtype=np.int64)

    def permutation(self, n):
        return self._rs.permutation(n).astype(np.int64, copy=False)

    def get_state(self):
        raise NotImplementedError("get_state is not supported for cuda generators")

    def set_state(self, state):
        raise NotImplementedError("set_state is not supported for cuda generators")
