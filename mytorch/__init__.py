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
from . import nn
from . import linalg
from . import cuda, return_types
from .serialization import save, load
from . import utils, datasets
from . import optim
from . import viz
from . import models

__version__ = "0.1.0"


def result_type(tensor, other):
    """The dtype of an operation on `tensor` and `other` (tensors or numbers)."""
    return dtypes.result_type(tensor, other)


def numel(input):
    return input.numel()
