"""Adagrad: per-coordinate step sizes from the sum of all past squared gradients."""
from ..factories import full_like
from .optimizer import Optimizer, step_counter


class Adagrad(Optimizer):
    r"""Adagrad (Duchi, Hazan & Singer, 2011), as torch.optim.Adagrad.

    For each parameter θ at step t (γ lr, η lr_decay, λ weight_decay, ε eps):

        g ← −∇f(θ) if maximize else ∇f(θ)
        γ̃ ← γ / (1 + (t − 1)η)
        g ← g + λθ                   if λ ≠ 0
        s ← s + g²                   state "sum", starting at initial_accumulator_value
        θ ← θ − γ̃ g / (√s + ε)

    As in PyTorch, the state ("step" and "sum") is made for every parameter when the optimizer
    is built, not at its first step.
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                 eps=1e-10, *, maximize=False):
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(f"Invalid initial_accumulator_value value: "
                             f"{initial_accumulator_value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, maximize=maximize)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                state = self.state[p]
                state["step"] = step_counter()
                state["sum"] = full_like(p, group["initial_accumulator_value"])

    def step(self, closure=None):
        """One update of every parameter that has a gradient; returns the closure's loss."""
        loss = self._evaluate(closure)
        for group, p in self._params_with_grad():
            state = self._state_of(p)
            state["step"] += 1
            t = state["step"].item()
            g = -p.grad if group["maximize"] else p.grad
            if group["weight_decay"] != 0:
                g = g.add(p, alpha=group["weight_decay"])
            clr = group["lr"] / (1 + (t - 1) * group["lr_decay"])
            state["sum"].addcmul_(g, g, value=1)
            std = state["sum"].sqrt().add_(group["eps"])
            p.addcdiv_(g, std, value=-clr)
        return loss
