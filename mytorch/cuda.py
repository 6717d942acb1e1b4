"""`mytorch.cuda`: whether a GPU backend (CuPy) is usable here, as `torch.cuda`."""
from .backend import get_backend
from .random import default_generator


def is_available():
    """True when CuPy imports and sees a GPU."""
    return get_backend("cuda").is_available()


def device_count():
    if not is_available():
        return 0
    import cupy
    return cupy.cuda.runtime.getDeviceCount()


def synchronize():
    get_backend("cuda").synchronize()


def manual_seed(seed):
    default_generator("cuda").manual_seed(seed)


manual_seed_all = manual_seed
