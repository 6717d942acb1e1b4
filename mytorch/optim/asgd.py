"""ASGD: averaged stochastic gradient descent (Polyak & Juditsky, 1992)."""
from ..factories import zeros_like
from .optimizer import Optimizer, step_counter


class ASGD(Optimizer):
    r"""Averaged SGD, as torch.optim.ASGD.

    For each parameter θ at step t (γ lr, λ lambd, α alpha, t₀ t0, ω weight_decay), with the
    step size η (state "eta", starting at γ) and the averaging weight μ (state "mu", starting
    at 1) of the previous step:

        g ← −∇f(θ) if maximize else ∇f(θ)
        g ← g + ωθ                          if ω ≠ 0
        θ ← θ(1 − λη) − ηg
        a ← a + μ(θ − a)                    state "ax" (a ← θ while μ = 1)
        η ← γ / (1 + λγt)^α
        μ ← 1 / max(1, t − t₀)

    μ at step t is 1/max(1, t − 1 − t₀), so a is the mean of the iterates from step t₀ + 2 on:
    the point to evaluate (copy it into the model at the end of training). "step", "eta" and
    "mu" are host float32 scalars, as PyTorch keeps them, so η and μ are rounded to float32.
    """

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, *,
                 maximize=False):
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                        maximize=maximize)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """One update of every parameter that has a gradient; returns the closure's loss."""
        loss = self._evaluate(closure)
        for group, p in self._params_with_grad():
            state = self._state_of(p)
            lr, lambd = group["lr"], group["lambd"]
            if not state:
                state["step"] = step_counter()
                state["eta"] = step_counter(lr)
                state["mu"] = step_counter(1.0)
                state["ax"] = zeros_like(p)
            state["step"] += 1
            t, eta, mu = state["step"].item(), state["eta"].item(), state["mu"].item()
            g = -p.grad if group["maximize"] else p.grad
            if group["weight_decay"] != 0:
                g = g.add(p, alpha=group["weight_decay"])
            p.mul_(1 - lambd * eta).add_(g, alpha=-eta)
            if mu != 1:
                state["ax"].add_(p.sub(state["ax"]).mul_(mu))
            else:
                state["ax"].copy_(p)
            state["eta"].fill_(lr / (1 + lambd * lr * t) ** group["alpha"])
            state["mu"].fill_(1 / max(1, t - group["t0"]))
        return loss
