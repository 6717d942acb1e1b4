"""RMSprop: divide the gradient by a running root mean square of its recent values."""
from ..factories import zeros_like
from .optimizer import Optimizer, step_counter


class RMSprop(Optimizer):
    r"""RMSprop (Hinton's lecture 6e; centered as Graves, 2013), as torch.optim.RMSprop.

    For each parameter θ (γ lr, α alpha, ε eps, λ weight_decay, μ momentum):

        g ← −∇f(θ) if maximize else ∇f(θ)
        g ← g + λθ                     if λ ≠ 0
        v ← αv + (1 − α)g²             state "square_avg"
        ṽ ← v
        if centered:
            ḡ ← αḡ + (1 − α)g          state "grad_avg"
            ṽ ← ṽ − ḡ²
        if μ > 0:
            b ← μb + g / (√ṽ + ε)      state "momentum_buffer"
            θ ← θ − γb
        else:
            θ ← θ − γ g / (√ṽ + ε)

    ε is added after the square root (TensorFlow adds it inside). State "step" counts steps.
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, *, maximize=False):
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                        momentum=momentum, centered=centered, maximize=maximize)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """One update of every parameter that has a gradient; returns the closure's loss."""
        loss = self._evaluate(closure)
        for group, p in self._params_with_grad():
            state = self._state_of(p)
            alpha, momentum = group["alpha"], group["momentum"]
            if not state:
                state["step"] = step_counter()
                state["square_avg"] = zeros_like(p)
                if momentum > 0:
                    state["momentum_buffer"] = zeros_like(p)
                if group["centered"]:
                    state["grad_avg"] = zeros_like(p)
            state["step"] += 1
            g = -p.grad if group["maximize"] else p.grad
            if group["weight_decay"] != 0:
                g = g.add(p, alpha=group["weight_decay"])
            square_avg = state["square_avg"]
            square_avg.mul_(alpha).addcmul_(g, g, value=1 - alpha)
            if group["centered"]:
                grad_avg = state["grad_avg"]
                grad_avg.lerp_(g, 1 - alpha)
                avg = square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()
            else:
                avg = square_avg.sqrt()
            avg.add_(group["eps"])
            if momentum > 0:
                buf = state["momentum_buffer"]
                buf.mul_(momentum).addcdiv_(g, avg)
                p.add_(buf, alpha=-group["lr"])
            else:
                p.addcdiv_(g, avg, value=-group["lr"])
        return loss
