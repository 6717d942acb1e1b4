"""NAdam: Adam with Nesterov momentum (Dozat, 2016), with the momentum schedule of the paper."""
from ..factories import zeros_like
from .adam import _check_adam_options, _moments
from .optimizer import Optimizer, step_counter


class NAdam(Optimizer):
    r"""NAdam, as torch.optim.NAdam.

    For each parameter θ at step t (γ lr, β₁ β₂ betas, ε eps, λ weight_decay, ψ momentum_decay):

        g ← −∇f(θ) if maximize else ∇f(θ)
        θ ← θ − γλθ                        if λ ≠ 0 and decoupled_weight_decay
        g ← g + λθ                         if λ ≠ 0 otherwise
        μₜ ← β₁(1 − ½·0.96^(tψ)),  μₜ₊₁ ← β₁(1 − ½·0.96^((t+1)ψ))   the momentum schedule
        Πₜ ← Πₜ₋₁·μₜ                       state "mu_product" (Π₀ = 1)
        m ← β₁m + (1 − β₁)g                state "exp_avg"
        v ← β₂v + (1 − β₂)g²               state "exp_avg_sq"
        v̂ ← v / (1 − β₂ᵗ)
        θ ← θ − γ(1 − μₜ)/(1 − Πₜ) · g/(√v̂ + ε) − γμₜ₊₁/(1 − Πₜμₜ₊₁) · m/(√v̂ + ε)

    The last line is Nesterov's look-ahead: the step mixes the current gradient with the
    momentum that the next step will apply. "step" (t) and "mu_product" are 0-d float32
    tensors on the host, as PyTorch keeps them.
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, *, maximize=False):
        _check_adam_options(lr, betas, eps, weight_decay)
        if not 0.0 <= momentum_decay:
            raise ValueError(f"Invalid momentum_decay value: {momentum_decay}")
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """One update of every parameter that has a gradient; returns the closure's loss."""
        loss = self._evaluate(closure)
        for group, p in self._params_with_grad():
            state = self._state_of(p)
            lr, (beta1, beta2), wd = group["lr"], group["betas"], group["weight_decay"]
            psi = group["momentum_decay"]
            if not state:
                state["step"] = step_counter()
                state["mu_product"] = step_counter(1.0)
                state["exp_avg"] = zeros_like(p)
                state["exp_avg_sq"] = zeros_like(p)
            state["step"] += 1
            t = state["step"].item()
            mu = beta1 * (1.0 - 0.5 * 0.96 ** (t * psi))
            mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * psi))
            state["mu_product"] *= mu        # in float32, as PyTorch's
            mu_product = state["mu_product"].item()

            xp = p._device.xp
            theta, g, m, v = _moments(p, state, lr, beta1, beta2, wd,
                                      group["decoupled_weight_decay"], group["maximize"])
            denom = v / (1 - beta2 ** t)
            denom = xp.sqrt(denom, out=denom)
            denom += group["eps"]
            update = g / denom
            update *= -lr * (1 - mu) / (1 - mu_product)
            theta += update
            update = m / denom
            update *= -lr * mu_next / (1 - mu_product * mu_next)
            theta += update
            for changed in (p, state["exp_avg"], state["exp_avg_sq"]):
                changed._vc[0] += 1
        return loss
