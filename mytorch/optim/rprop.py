"""Rprop: resilient backpropagation, a step size per coordinate driven by the gradient's sign."""
from ..factories import full_like, ones_like, zeros_like
from .optimizer import Optimizer, step_counter


class Rprop(Optimizer):
    r"""Rprop (Riedmiller & Braun, 1993), as torch.optim.Rprop.

    For each coordinate i of each parameter θ (η₋ η₊ etas, Γ_min Γ_max step_sizes), with the
    previous gradient g_prev (state "prev", starting at 0) and step size η (state "step_size",
    starting at lr):

        g ← −∇f(θ) if maximize else ∇f(θ)
        if g_prev·g > 0:   η ← min(η·η₊, Γ_max)
        if g_prev·g < 0:   η ← max(η·η₋, Γ_min),  g ← 0   (the sign flipped: step back less,
                                                           and skip the next comparison)
        otherwise          η unchanged
        θ ← θ − η·sign(g)
        g_prev ← g

    Only the sign of the gradient is used, so Rprop suits full-batch training; with noisy
    minibatch gradients the step sizes shrink towards Γ_min.
    """

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *,
                 maximize=False):
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = dict(lr=lr, etas=etas, step_sizes=step_sizes, maximize=maximize)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """One update of every parameter that has a gradient; returns the closure's loss."""
        loss = self._evaluate(closure)
        for group, p in self._params_with_grad():
            state = self._state_of(p)
            if not state:
                state["step"] = step_counter()
                state["prev"] = zeros_like(p)
                state["step_size"] = full_like(p, group["lr"])
            state["step"] += 1
            (eta_minus, eta_plus), (size_min, size_max) = group["etas"], group["step_sizes"]
            g = -p.grad if group["maximize"] else p.grad
            agreement = g.mul(state["prev"]).sign()
            factor = ones_like(p).masked_fill_(agreement > 0, eta_plus)
            factor.masked_fill_(agreement < 0, eta_minus)
            state["step_size"].mul_(factor).clamp_(size_min, size_max)
            g = g.masked_fill(agreement < 0, 0)
            p.addcmul_(g.sign(), state["step_size"], value=-1)
            state["prev"].copy_(g)
        return loss
