"""Adadelta: step sizes from running averages of squared gradients and squared updates."""
from ..factories import zeros_like
from .optimizer import Optimizer, step_counter


class Adadelta(Optimizer):
    r"""Adadelta (Zeiler, 2012), as torch.optim.Adadelta.

    For each parameter θ (γ lr, ρ rho, ε eps, λ weight_decay):

        g ← −∇f(θ) if maximize else ∇f(θ)
        g ← g + λθ                           if λ ≠ 0
        v ← ρv + (1 − ρ)g²                   state "square_avg"
        Δθ ← √(u + ε) / √(v + ε) · g
        u ← ρu + (1 − ρ)Δθ²                  state "acc_delta"
        θ ← θ − γΔθ

    State "step" counts steps.
    """

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, *, maximize=False):
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """One update of every parameter that has a gradient; returns the closure's loss."""
        loss = self._evaluate(closure)
        for group, p in self._params_with_grad():
            state = self._state_of(p)
            rho, eps = group["rho"], group["eps"]
            if not state:
                state["step"] = step_counter()
                state["square_avg"] = zeros_like(p)
                state["acc_delta"] = zeros_like(p)
            state["step"] += 1
            g = -p.grad if group["maximize"] else p.grad
            if group["weight_decay"] != 0:
                g = g.add(p, alpha=group["weight_decay"])
            square_avg, acc_delta = state["square_avg"], state["acc_delta"]
            square_avg.mul_(rho).addcmul_(g, g, value=1 - rho)
            std = square_avg.add(eps).sqrt_()
            delta = acc_delta.add(eps).sqrt_().div_(std).mul_(g)
            acc_delta.mul_(rho).addcmul_(delta, delta, value=1 - rho)
            p.add_(delta, alpha=-group["lr"])
        return loss
