"""mytorch: a deep-learning framework on NumPy (CuPy on a GPU) with PyTorch's programming model.

    import mytorch as mt
    x = mt.randn(8, 4, requires_grad=True)
    loss = (x @ mt.randn(4, 3)).tanh().logsumexp(dim=1).mean()
    loss.backward()                      # x.grad

The layers, from the bottom: backend/ (devices and array libraries), tensor.py, autograd/
(Function, engine, grad mode, gradcheck), ops/ (every differentiable primitive). This file only
gathers the public names.
"""
from . import dtypes
from .dtypes import (dtype, float16, float32, float64, uint8, int8, int16, int32, int64, half,
                     float, double, short, int, long, get_default_dtype, set_default_dtype,
                     promote_types, finfo, iinfo, uint16, uint32, uint64)
from .dtypes import bool  # noqa: A004  (PyTorch's name)
from .backend import device
from .tensor import Tensor, Size, is_tensor, is_floating_point
from .random import Generator, manual_seed, seed, initial_seed, get_rng_state, set_rng_state
from .factories import *           # noqa: F401,F403
from . import autograd
from .autograd import no_grad, enable_grad, set_grad_enabled, inference_mode, is_grad_enabled
from . import ops
from .ops import *                 # noqa: F401,F403  (the public ops: ops.__all__)
# mt.sum(x, axis=0, keepdims=True), as torch takes it; only the public names are wrapped, so
# mytorch's own calls of ops.sum and the tensor methods (wrapped in tensor.py) pay no extra call
for _name in ops.NUMPY_NAMED:
    globals()[_name] = ops.numpy_names(globals()[_name])
del _name
# the in-place activations torch has at its top level (the other in-place forms are methods)
from .ops import relu_, selu_, celu_, threshold_, rrelu_
from . import nn
from .nn.functional import pdist
from . import linalg
from . import special
from . import cuda, return_types
from .serialization import save, load
from . import utils, datasets
from . import optim
from . import func
from . import viz
from . import models

__version__ = "0.1.0"


def result_type(tensor, other):
    """The dtype of an operation on `tensor` and `other` (tensors or numbers)."""
    return dtypes.result_type(tensor, other)


def numel(input):
    return input.numel()


from .printing import set_printoptions       # noqa: E402

_num_threads = None         # set by set_num_threads where no thread-pool control is installed


def get_num_threads():
    """The number of threads NumPy's BLAS uses for matrix products (read through threadpoolctl
    where it is installed; otherwise the last set_num_threads, OMP_NUM_THREADS, or the number
    of CPUs)."""
    import builtins
    import os
    try:
        from threadpoolctl import threadpool_info
        counts = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]
        if counts:
            return builtins.max(counts)
    except ImportError:
        pass
    if _num_threads is not None:
        return _num_threads
    return builtins.int(os.environ.get("OMP_NUM_THREADS", 0)) or os.cpu_count() or 1


def set_num_threads(int):
    """Limit NumPy's BLAS to `int` threads (through threadpoolctl where it is installed; without
    it, by OMP_NUM_THREADS, which only libraries loaded afterwards read)."""
    import builtins
    import os
    n = int
    if isinstance(n, builtins.bool) or not isinstance(n, builtins.int) or n <= 0:
        raise RuntimeError(f"set_num_threads expects a positive integer, got {n!r}")
    global _num_threads
    _num_threads = n
    try:
        from threadpoolctl import threadpool_limits
        threadpool_limits(limits=n, user_api="blas")
    except ImportError:
        os.environ["OMP_NUM_THREADS"] = str(n)
