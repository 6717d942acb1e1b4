"""AdamW: Adam with decoupled weight decay (Loshchilov & Hutter, 2017)."""
from .adam import Adam


class AdamW(Adam):
    r"""AdamW, as torch.optim.AdamW: Adam, except that weight decay shrinks the parameter
    directly instead of entering the gradient (and so the moment estimates):

        θ ← θ − γλθ                        before the Adam update, if λ ≠ 0
        then Adam's update with g = ∇f(θ) (or −∇f(θ) with maximize), no λθ added

    The default weight_decay is 1e-2. Same state as Adam: "step", "exp_avg", "exp_avg_sq",
    and "max_exp_avg_sq" with amsgrad.
    """

    _decoupled_weight_decay = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, *, maximize=False):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize)
