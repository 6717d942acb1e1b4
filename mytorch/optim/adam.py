"""Adam: adaptive moment estimation (Kingma & Ba, 2014), optionally AMSGrad."""
from ..factories import zeros_like
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
        _check_adam_options(lr, betas, eps, weight_decay)
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
            state["step"] += 1
            t = state["step"].item()
            _update(p, state, lr, beta1, beta2, group["eps"], wd, self._decoupled_weight_decay,
                    group["maximize"], group["amsgrad"], t)
        return loss


def _check_adam_options(lr, betas, eps, weight_decay):
    """PyTorch's ValueErrors for the options every Adam-family optimizer takes."""
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


def _update(p, state, lr, beta1, beta2, eps, wd, decoupled, maximize, amsgrad, t):
    """One parameter's update, on the backend arrays of the parameter, its gradient and its
    state, in place: the same array operations, in the same order, as the tensor in-place ops
    (lerp_, mul_, addcmul_, addcdiv_) would run, without their Python layers, which cost more
    than the arithmetic on small parameters. The changed tensors' versions are bumped."""
    xp = p._device.xp
    theta, g, m, v = _moments(p, state, lr, beta1, beta2, wd, decoupled, maximize)
    second = v
    if amsgrad:
        second = state["max_exp_avg_sq"]._data
        xp.maximum(second, v, out=second)
    denom = xp.sqrt(second)
    denom /= (1 - beta2 ** t) ** 0.5
    denom += eps
    update = m / denom
    update *= -lr / (1 - beta1 ** t)
    theta += update
    for changed in (p, state["exp_avg"], state["exp_avg_sq"]) + \
            ((state["max_exp_avg_sq"],) if amsgrad else ()):
        changed._vc[0] += 1


def _moments(p, state, lr, beta1, beta2, wd, decoupled, maximize):
    """The first half of every Adam-family update, on the backend arrays, in place: the
    gradient g (negated to maximize; with the L2 penalty λθ, or θ decayed by γλ when
    decoupled), then m ← β₁m + (1 − β₁)g and v ← β₂v + (1 − β₂)g². Returns the arrays
    (θ, g, m, v) for the rest of the update."""
    theta, m, v = p._data, state["exp_avg"]._data, state["exp_avg_sq"]._data
    g = -p.grad._data if maximize else p.grad._data
    if wd != 0:
        if decoupled:
            theta *= 1 - lr * wd
        else:
            g = g + wd * theta
    step = g - m                     # m ← m + (1 − β₁)(g − m) = β₁m + (1 − β₁)g
    step *= 1 - beta1
    m += step
    v *= beta2                       # v ← β₂v + (1 − β₂)g²
    square = g * g
    square *= 1 - beta2
    v += square
    return theta, g, m, v
