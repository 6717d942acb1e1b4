"""mytorch.optim: optimizers and learning-rate schedules, as torch.optim.

    opt = mt.optim.AdamW(params, lr=1e-3, weight_decay=0.01)
    sched = mt.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=50)
    opt.zero_grad(); loss.backward(); opt.step(); sched.step()

optimizer.py holds `Optimizer`: param groups, per-parameter state, zero_grad, step hooks,
state_dict. Each algorithm sits in its own file (sgd.py, adam.py, adamw.py, adamax.py,
nadam.py, radam.py, rmsprop.py, adagrad.py, adadelta.py) with its update written in the
docstring as PyTorch's documentation gives it. lr_scheduler.py holds the schedules. Updates are
in place under `no_grad`, as Tensor methods or (the Adam family) through the tensor's own
backend namespace, so they run on whatever device the parameter lives on.
LBFGS (lbfgs.py, quasi-Newton) treats all parameters as one flat vector and needs a closure.
ASGD (asgd.py) keeps a running average of the iterates, Rprop (rprop.py) a step size per
coordinate from the gradient's sign, Adafactor (adafactor.py) a factored second moment.
swa_utils.py holds weight averaging: AveragedModel (SWA, EMA), SWALR, update_bn.
What does not live here: parameters themselves (`mytorch.nn`), gradient clipping
(`mytorch.nn.utils`), saving to files (`mytorch.save`).
"""
from .optimizer import Optimizer
from .sgd import SGD
from .adam import Adam
from .adamw import AdamW
from .adamax import Adamax
from .nadam import NAdam
from .radam import RAdam
from .rmsprop import RMSprop
from .adagrad import Adagrad
from .adadelta import Adadelta
from .lbfgs import LBFGS
from .asgd import ASGD
from .rprop import Rprop
from .adafactor import Adafactor
from . import lr_scheduler, swa_utils

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "Adamax", "NAdam", "RAdam", "RMSprop", "Adagrad",
           "Adadelta", "LBFGS", "ASGD", "Rprop", "Adafactor", "lr_scheduler", "swa_utils"]
