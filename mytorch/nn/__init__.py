"""mytorch.nn: layers and models, as `torch.nn`.

    module.py         Module: registration of parameters, buffers and children; state_dict,
                      to(), train/eval, hooks, repr
    parameter.py      Parameter: a tensor that a module learns
    containers.py     Sequential, ModuleList, ModuleDict, Identity, Flatten, Unflatten
    linear.py         Linear, Bilinear
    sparse.py         Embedding
    dropout.py        Dropout
    normalization.py  LayerNorm, RMSNorm, GroupNorm, BatchNorm1d, BatchNorm2d
    activation.py     ReLU, GELU, Softmax, ... as modules
    loss.py           CrossEntropyLoss, MSELoss, ... as modules
    functional.py     the stateless form of all of these (`mytorch.nn.functional`)
    init.py           initialisations (`mytorch.nn.init`): kaiming, xavier, orthogonal, ...
    utils.py          clip_grad_norm_, parameters_to_vector, ... (`mytorch.nn.utils`)

Everything here is built from `mytorch.ops`; optimizers live in `mytorch.optim`, data loading
in `mytorch.utils.data`.
"""
from . import functional, init, utils
from .parameter import Parameter
from .module import Module
from .containers import Sequential, ModuleList, ModuleDict, Identity, Flatten, Unflatten
from .linear import Linear, Bilinear
from .sparse import Embedding
from .dropout import Dropout
from .normalization import LayerNorm, RMSNorm, GroupNorm, BatchNorm1d, BatchNorm2d
from .activation import (ReLU, ReLU6, LeakyReLU, ELU, CELU, SELU, GELU, SiLU, Mish, Tanh,
                         Sigmoid, LogSigmoid, Softsign, Tanhshrink, Softplus, Hardtanh,
                         Hardsigmoid, Hardswish, Threshold, GLU, PReLU, Softmax, Softmin,
                         LogSoftmax)
from .loss import (L1Loss, MSELoss, SmoothL1Loss, HuberLoss, NLLLoss, CrossEntropyLoss, BCELoss,
                   BCEWithLogitsLoss, KLDivLoss)
