"""SGD: stochastic gradient descent, optionally with momentum (heavy ball or Nesterov)."""
from .optimizer import Optimizer


class SGD(Optimizer):
    r"""Stochastic gradient descent, as torch.optim.SGD.

    For each parameter θ with gradient ∇f(θ), at step t (γ lr, λ weight_decay, μ momentum,
    τ dampening):

        g ← −∇f(θ) if maximize else ∇f(θ)
        g ← g + λθ                               if λ ≠ 0
        if μ ≠ 0:
            b ← g at t = 1, else μb + (1 − τ)g   (state "momentum_buffer")
            g ← g + μb if nesterov else b
        θ ← θ − γg

    `maximize` negates the gradient first, so weight decay still shrinks θ.
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False,
                 *, maximize=False):
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                        nesterov=nesterov, maximize=maximize)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """One update of every parameter that has a gradient; returns the closure's loss."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr, momentum, weight_decay = group["lr"], group["momentum"], group["weight_decay"]
            maximize = group["maximize"]
            for p in group["params"]:
                g = p._grad
                if g is None:
                    continue
                if maximize:
                    g = -g
                if weight_decay != 0:
                    g = g.add(p, alpha=weight_decay)
                if momentum != 0:
                    state = self._state_of(p)         # plain SGD keeps no state at all
                    buf = state.get("momentum_buffer")
                    if buf is None:
                        buf = state["momentum_buffer"] = g.detach().clone()
                    else:
                        buf.mul_(momentum).add_(g, alpha=1 - group["dampening"])
                    g = g.add(buf, alpha=momentum) if group["nesterov"] else buf
                # θ ← θ − γg: what p.add_(g, alpha=-lr) computes (the same two array
                # operations), without its Python layers, which cost more than the arithmetic
                # on a small parameter
                p._data += g._data * -lr
                p._vc[0] += 1
        return loss
