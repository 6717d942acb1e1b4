"""RAdam: Adam with the variance of its adaptive learning rate rectified (Liu et al., 2019)."""
from ..factories import zeros_like
from .adam import _check_adam_options, _moments
from .optimizer import Optimizer, step_counter


class RAdam(Optimizer):
    r"""RAdam, as torch.optim.RAdam.

    For each parameter θ at step t (γ lr, β₁ β₂ betas, ε eps, λ weight_decay):

        g ← −∇f(θ) if maximize else ∇f(θ)
        θ ← θ − γλθ                        if λ ≠ 0 and decoupled_weight_decay
        g ← g + λθ                         if λ ≠ 0 otherwise
        m ← β₁m + (1 − β₁)g                state "exp_avg"
        v ← β₂v + (1 − β₂)g²               state "exp_avg_sq"
        m̂ ← m / (1 − β₁ᵗ)
        ρ∞ ← 2/(1 − β₂) − 1,   ρₜ ← ρ∞ − 2tβ₂ᵗ/(1 − β₂ᵗ)
        if ρₜ > 5:
            l ← √(1 − β₂ᵗ) / (√v + ε)
            r ← √((ρₜ − 4)(ρₜ − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρₜ))
            θ ← θ − γ m̂ l r
        else:
            θ ← θ − γ m̂                    (SGD with momentum while v is too noisy)

    ρₜ is the length of the simple moving average that v approximates; while it is short (the
    first steps, about 5 of them for β₂ near 1) the variance of 1/√v̂ is unbounded, so the
    adaptive step is switched off and r then brings it in gradually. State "step" holds t.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False, *, maximize=False):
        _check_adam_options(lr, betas, eps, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize)
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
            state["step"] += 1
            t = state["step"].item()

            xp = p._device.xp
            theta, g, m, v = _moments(p, state, lr, beta1, beta2, wd,
                                      group["decoupled_weight_decay"], group["maximize"])

            bias_correction2 = 1 - beta2 ** t
            rho_inf = 2 / (1 - beta2) - 1
            rho_t = rho_inf - 2 * t * beta2 ** t / bias_correction2
            update = m * (-lr / (1 - beta1 ** t))
            if rho_t > 5.0:
                rect = ((rho_t - 4) * (rho_t - 2) * rho_inf
                        / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
                denom = xp.sqrt(v)
                denom += group["eps"]
                update /= denom
                update *= bias_correction2 ** 0.5 * rect
            theta += update
            for changed in (p, state["exp_avg"], state["exp_avg_sq"]):
                changed._vc[0] += 1
        return loss
