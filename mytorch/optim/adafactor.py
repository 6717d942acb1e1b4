"""Adafactor: Adam-like steps with a factored second moment, O(m + n) memory for an m×n matrix."""
from ..dtypes import finfo
from ..factories import zeros, zeros_like
from .optimizer import Optimizer, step_counter


class Adafactor(Optimizer):
    r"""Adafactor (Shazeer & Stern, 2018), as torch.optim.Adafactor.

    For each parameter θ at step t (γ lr, τ beta2_decay, ε₁ ε₂ eps, d, λ weight_decay):

        G ← −∇f(θ) if maximize else ∇f(θ)
        β̂₂ ← 1 − t^τ
        ρ ← min(γ, 1/√t)
        α ← max(ε₂, RMS(θ)) · ρ                      (RMS(x) = ‖x‖₂ / √numel(x))
        θ ← θ − γλθ
        if dim(G) ≥ 2 (the last two dimensions are the matrix, n rows × m columns):
            R ← β̂₂R + (1 − β̂₂) mean(G², over columns)        state "row_var", (…, n, 1)
            C ← β̂₂C + (1 − β̂₂) mean(G², over rows)           state "col_var", (…, 1, m)
            V̂ ← R·C / max(mean(R), ε₁)
        else:
            V̂ ← β̂₂V̂ + (1 − β̂₂)G²                            state "variance"
        U ← G / max(√V̂, ε₁)
        θ ← θ − α U / max(1, RMS(U)/d)

    ε₁ None means the machine epsilon of θ's dtype. As PyTorch's (and unlike the paper), γ
    caps the relative step size ρ and scales the decoupled weight decay, and ε₁ enters only
    at V̂ and U. There is no first moment: the memory is that of the row and column factors.
    """

    def __init__(self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0,
                 weight_decay=0.0, *, foreach=None, maximize=False):
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 >= beta2_decay:
            raise ValueError(f"beta2_decay should be <= 0 but is: {beta2_decay}")
        if eps[0] is not None and not 0.0 <= eps[0]:
            raise ValueError(f"epsilon1 should be >= 0 but is: {eps[0]}")
        if not 0.0 <= eps[1]:
            raise ValueError(f"epsilon2 should be >= 0 but is: {eps[1]}")
        if not 1.0 <= d:
            raise ValueError(f"Clipping threshold d should be >= 1 but is: {d}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight_decay should be >= 0 but is: {weight_decay}")
        defaults = dict(lr=lr, beta2_decay=beta2_decay, eps=eps, d=d, weight_decay=weight_decay,
                        foreach=foreach, maximize=maximize)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """One update of every parameter that has a gradient; returns the closure's loss."""
        loss = self._evaluate(closure)
        for group, p in self._params_with_grad():
            state = self._state_of(p)
            if not state:
                state["step"] = step_counter()
                if p.dim() > 1:
                    state["row_var"] = zeros(*p.shape[:-1], 1, dtype=p.dtype, device=p.device)
                    state["col_var"] = zeros(*p.shape[:-2], 1, p.shape[-1], dtype=p.dtype,
                                             device=p.device)
                else:
                    state["variance"] = zeros_like(p)
            state["step"] += 1
            t = state["step"].item()
            lr, (eps1, eps2) = group["lr"], group["eps"]
            if eps1 is None:
                eps1 = finfo(p.dtype).eps
            g = -p.grad if group["maximize"] else p.grad
            weight = t ** group["beta2_decay"]                       # 1 − β̂₂
            alpha = max(eps2, _rms(p)) * min(lr, 1 / t ** 0.5)
            if group["weight_decay"] != 0:
                p.mul_(1 - lr * group["weight_decay"])
            if g.dim() > 1:
                row_var, col_var = state["row_var"], state["col_var"]
                row_var.lerp_(g.norm(2, dim=-1, keepdim=True).square() / g.shape[-1], weight)
                col_var.lerp_(g.norm(2, dim=-2, keepdim=True).square() / g.shape[-2], weight)
                var = (row_var @ col_var) / row_var.mean(dim=-2, keepdim=True).clamp_(min=eps1)
            else:
                var = state["variance"].lerp_(g * g, weight).clone()
            update = var.clamp_(min=eps1 * eps1).rsqrt() * g
            p.add_(update, alpha=-alpha / max(1.0, _rms(update) / group["d"]))
        return loss


def _rms(x):
    """RMS(x) = ‖x‖₂ / √numel(x), as a Python number."""
    return x.norm(2).item() / x.numel() ** 0.5
