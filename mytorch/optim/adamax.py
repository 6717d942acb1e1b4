"""Adamax: Adam with the infinity norm in place of the second moment (Kingma & Ba, 2014, §7.1)."""
from ..factories import zeros_like
from .adam import _check_adam_options
from .optimizer import Optimizer, step_counter


class Adamax(Optimizer):
    r"""Adamax, as torch.optim.Adamax.

    For each parameter θ at step t (γ lr, β₁ β₂ betas, ε eps, λ weight_decay):

        g ← −∇f(θ) if maximize else ∇f(θ)
        g ← g + λθ                         if λ ≠ 0
        m ← β₁m + (1 − β₁)g                state "exp_avg"
        u ← max(β₂u, |g| + ε)              state "exp_inf": a decaying infinity norm of g
        θ ← θ − γ m / ((1 − β₁ᵗ) u)

    u needs no bias correction: the max of decayed values is not biased towards zero the way
    an average started at zero is. State "step" holds t.
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 *, maximize=False):
        _check_adam_options(lr, betas, eps, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        maximize=maximize)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """One update of every parameter that has a gradient; returns the closure's loss."""
        loss = self._evaluate(closure)
        for group, p in self._params_with_grad():
            state = self._state_of(p)
            lr, (beta1, beta2), wd = group["lr"], group["betas"], group["weight_decay"]
            if not state:
                state["step"] = step_counter()
                state["exp_avg"] = zeros_like(p)
                state["exp_inf"] = zeros_like(p)
            state["step"] += 1
            t = state["step"].item()
            xp = p._device.xp
            theta, m, u = p._data, state["exp_avg"]._data, state["exp_inf"]._data
            g = -p.grad._data if group["maximize"] else p.grad._data
            if wd != 0:
                g = g + wd * theta
            step = g - m                     # m ← m + (1 − β₁)(g − m) = β₁m + (1 − β₁)g
            step *= 1 - beta1
            m += step
            u *= beta2                       # u ← max(β₂u, |g| + ε)
            xp.maximum(u, xp.abs(g) + group["eps"], out=u)
            update = m / u
            update *= -lr / (1 - beta1 ** t)
            theta += update
            for changed in (p, state["exp_avg"], state["exp_inf"]):
                changed._vc[0] += 1
        return loss
