"""Weight averaging, as torch.optim.swa_utils: stochastic weight averaging (SWA, Izmailov et al.,
2018) and exponential moving averages (EMA) of a model's parameters.

    swa_model = AveragedModel(model)                 # or multi_avg_fn=get_ema_multi_avg_fn(0.999)
    swa_sched = SWALR(opt, swa_lr=0.05)
    for epoch in range(epochs):
        train(model, opt)
        if epoch >= swa_start:
            swa_model.update_parameters(model)
            swa_sched.step()
    update_bn(loader, swa_model)                     # BatchNorm statistics for the averaged weights

The average of weights is a different network from any one visited: its BatchNorm running
statistics must be recomputed (update_bn), unless `use_buffers=True` averaged them too.
"""
import copy
import itertools
import math

from .. import dtypes
from ..autograd.grad_mode import no_grad
from ..factories import tensor
from ..nn.module import Module
from ..nn.normalization import _BatchNorm
from .lr_scheduler import LRScheduler, _format_param


def get_ema_multi_avg_fn(decay=0.999):
    """An EMA over lists of tensors, in place: a ← decay·a + (1 − decay)·θ."""
    _check_decay(decay)

    @no_grad()
    def ema_update(ema_param_list, current_param_list, _):
        for p_ema, p_model in zip(ema_param_list, current_param_list):
            if p_ema.is_floating_point():
                p_ema.lerp_(p_model, 1 - decay)
            else:
                p_ema.copy_(p_ema * decay + p_model * (1 - decay))
    return ema_update


def get_swa_multi_avg_fn():
    """The running mean over lists of tensors, in place: a ← a + (θ − a)/(n + 1), n the number
    of models averaged so far."""
    @no_grad()
    def swa_update(averaged_param_list, current_param_list, num_averaged):
        for p_avg, p_model in zip(averaged_param_list, current_param_list):
            if p_avg.is_floating_point():
                p_avg.lerp_(p_model, float(1 / (num_averaged + 1)))
            else:
                p_avg.copy_(p_avg + (p_model - p_avg) / (num_averaged + 1))
    return swa_update


def get_ema_avg_fn(decay=0.999):
    """An EMA, one tensor at a time: returns decay·a + (1 − decay)·θ."""
    _check_decay(decay)

    @no_grad()
    def ema_update(ema_param, current_param, num_averaged):
        return decay * ema_param + (1 - decay) * current_param
    return ema_update


def get_swa_avg_fn():
    """The running mean, one tensor at a time: returns a + (θ − a)/(n + 1)."""
    @no_grad()
    def swa_update(averaged_param, current_param, num_averaged):
        return averaged_param + (current_param - averaged_param) / (num_averaged + 1)
    return swa_update


def _check_decay(decay):
    if decay < 0.0 or decay > 1.0:
        raise ValueError(f"Invalid decay value {decay} provided. Please provide a value in [0,1] "
                         f"range.")


class AveragedModel(Module):
    r"""A copy of `model` whose parameters are an average of the models passed to
    `update_parameters`: the first call copies them, each later one folds them in,

        a ← avg_fn(a, θ, n)          n = n_averaged, the number of models averaged so far

    by default the running mean a + (θ − a)/(n + 1) (SWA). `avg_fn(averaged, current, n)`
    returns the new average of one tensor; `multi_avg_fn(averaged_list, current_list, n)`
    updates lists of tensors (one device and dtype each) in place; give at most one of them
    (get_ema_multi_avg_fn(decay) gives an EMA). With `use_buffers=True` the buffers are
    averaged too; otherwise they are copied from `model` at each update. `device`: where the
    copy (and the int64 buffer n_averaged) lives. forward calls the averaged copy.
    """

    def __init__(self, model, device=None, avg_fn=None, multi_avg_fn=None, use_buffers=False):
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            raise AssertionError("Only one of avg_fn and multi_avg_fn should be provided")
        self.module = copy.deepcopy(model)
        if device is not None:
            self.module = self.module.to(device)
        self.register_buffer("n_averaged", tensor(0, dtype=dtypes.int64, device=device))
        self.avg_fn = avg_fn
        self.multi_avg_fn = multi_avg_fn
        self.use_buffers = use_buffers

    def forward(self, *args, **kwargs):
        return self.module(*args, **kwargs)

    def _averaged(self, model):
        if self.use_buffers:
            return itertools.chain(model.parameters(), model.buffers())
        return model.parameters()

    @no_grad()
    def update_parameters(self, model):
        """Fold `model`'s parameters (and buffers, with use_buffers) into the average."""
        averaged = [p.detach() for p in self._averaged(self.module)]
        current = [p.detach().to(a.device) for a, p in zip(averaged, self._averaged(model))]
        if self.n_averaged.item() == 0:
            for a, p in zip(averaged, current):
                a.copy_(p)
        elif self.multi_avg_fn is not None:
            groups = {}
            for a, p in zip(averaged, current):
                pair = groups.setdefault((a.device, a.dtype), ([], []))
                pair[0].append(a)
                pair[1].append(p)
            for (device, _), (group_averaged, group_current) in groups.items():
                self.multi_avg_fn(group_averaged, group_current, self.n_averaged.to(device))
        else:
            avg_fn = self.avg_fn if self.avg_fn is not None else get_swa_avg_fn()
            for a, p in zip(averaged, current):
                a.copy_(avg_fn(a, p, self.n_averaged.to(a.device)))
        if not self.use_buffers:
            for b_avg, b_model in zip(self.module.buffers(), model.buffers()):
                b_avg.detach().copy_(b_model.detach().to(b_avg.device))
        self.n_averaged.add_(1)


@no_grad()
def update_bn(loader, model, device=None):
    """Recompute the running statistics of every BatchNorm in `model` with one pass over
    `loader` (batches, or tuples whose first item is the input), as a cumulative average
    (momentum None) over the pass; the momenta and the train/eval mode are restored after."""
    momenta = {}
    for module in model.modules():
        if isinstance(module, _BatchNorm):
            module.reset_running_stats()
            momenta[module] = module.momentum
    if not momenta:
        return
    was_training = model.training
    model.train()
    for module in momenta:
        module.momentum = None
    for input in loader:
        if isinstance(input, (list, tuple)):
            input = input[0]
        if device is not None:
            input = input.to(device)
        model(input)
    for module, momentum in momenta.items():
        module.momentum = momentum
    model.train(was_training)


class SWALR(LRScheduler):
    r"""Anneal each group's lr to its swa_lr over anneal_epochs epochs, then hold it: the
    schedule of the SWA phase. With t = min(1, step/anneal_epochs) and the strategy's
    α(t) ("cos": (1 − cos πt)/2, "linear": t),

        lr = swa_lr·α(t) + lr₀·(1 − α(t))

    lr₀ being the lr the group had when annealing began (recovered, as PyTorch does, from the
    current lr and the previous step's α, so other schedulers' changes carry through).
    """

    def __init__(self, optimizer, swa_lr, anneal_epochs=10, anneal_strategy="cos",
                 last_epoch=-1):
        for lr, group in zip(_format_param("swa_lr", optimizer, swa_lr), optimizer.param_groups):
            group["swa_lr"] = lr
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"anneal_strategy must be one of 'cos' or 'linear', instead got "
                             f"{anneal_strategy}")
        self._anneal_strategy = anneal_strategy
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(f"anneal_epochs must be equal or greater than 0, got "
                             f"{anneal_epochs}")
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    def anneal_func(self, t):
        """α(t): how far from lr₀ (0) to swa_lr (1) the lr is at fraction t of the annealing."""
        if self._anneal_strategy == "cos":
            return (1 - math.cos(math.pi * t)) / 2
        return t

    @staticmethod
    def _get_initial_lr(lr, swa_lr, alpha):
        if alpha == 1:
            return swa_lr
        return (lr - alpha * swa_lr) / (1 - alpha)

    def get_lr(self):
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        prev_alpha = self.anneal_func(max(0, min(1, (step - 1) / max(1, self.anneal_epochs))))
        alpha = self.anneal_func(max(0, min(1, step / max(1, self.anneal_epochs))))
        return [group["swa_lr"] * alpha
                + self._get_initial_lr(group["lr"], group["swa_lr"], prev_alpha) * (1 - alpha)
                for group in self.optimizer.param_groups]


__all__ = ["AveragedModel", "update_bn", "SWALR", "get_ema_multi_avg_fn", "get_swa_multi_avg_fn",
           "get_ema_avg_fn", "get_swa_avg_fn"]
