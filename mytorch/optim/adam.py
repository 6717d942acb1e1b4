"""Adam: adaptive moment estimation (Kingma & Ba, 2014), optionally AMSGrad."""
from ..factories import zeros_like
from ..ops import maximum
from .optimizer import Optimizer, step_counter


class Adam(Optimizer):
    r"""Adam, as torch.optim.Adam.

    For each parameter θ at step t (γ lr, β₁ β₂ betas, ε eps, λ weight_decay):

        g ← −∇f(θ) if maximize else ∇f(θ)
        g ← g + λθ                         if λ ≠ 0   (L2 penalty; AdamW decouples it)
        m ← β₁m + (1 − β₁)g                state "exp_avg"
        v ← β₂v + (1 − β₂)g²               state "exp_avg_sq"
        m̂ ← m / (1 − β₁ᵗ)
        v̂ ← v / (1 − β₂ᵗ), or with amsgrad  v_max ← max(v_max, v)   ("max_exp_avg_sq")
                                             v̂ ← v_max / (1 − β₂ᵗ)
        θ ← θ − γ m̂ / (√v̂ + ε)

    computed, as PyTorch does, as θ ← θ − (γ / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε).
    State "step" holds t.
    """

    _decoupled_weight_decay = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, maximize=False):
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
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
                state["exp_avg_sq"] = zeros_like(p)
                if group["amsgrad"]:
                    state["max_exp_avg_sq"] = zeros_like(p)
            g = -p.grad if group["maximize"] else p.grad
            if wd != 0:
                if self._decoupled_weight_decay:
                    p.mul_(1 - lr * wd)
                else:
                    g = g.add(p, alpha=wd)
            state["step"] += 1
            t = state["step"].item()
            exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
            exp_avg.lerp_(g, 1 - beta1)
            exp_avg_sq.mul_(beta2).addcmul_(g, g, value=1 - beta2)
            second = exp_avg_sq
            if group["amsgrad"]:
                second = state["max_exp_avg_sq"].copy_(maximum(state["max_exp_avg_sq"], exp_avg_sq))
            bias_correction1 = 1 - beta1 ** t
            bias_correction2 = 1 - beta2 ** t
            denom = (second.sqrt() / bias_correction2 ** 0.5).add_(group["eps"])
            p.addcdiv_(exp_avg, denom, value=-lr / bias_correction1)
        return loss
