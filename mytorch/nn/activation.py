"""Activation functions as modules (the math lives in `functional` and `mytorch.ops`).

Each prints as PyTorch's does: `ReLU()`, `ReLU(inplace=True)`, `LeakyReLU(negative_slope=0.01)`,
`GELU(approximate='none')`, `Softmax(dim=1)`.
"""
from ..factories import empty
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter


def _inplace_repr(inplace):
    return "inplace=True" if inplace else ""


class _Inplace(Module):
    """An activation whose only option is `inplace`."""

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def extra_repr(self):
        return _inplace_repr(self.inplace)


class ReLU(_Inplace):
    """y = max(x, 0)"""

    def forward(self, input):
        return F.relu(input, self.inplace)


class SiLU(_Inplace):
    """y = x·σ(x)  (also called swish)"""

    def forward(self, input):
        return F.silu(input, self.inplace)


class Mish(_Inplace):
    """y = x·tanh(softplus(x))"""

    def forward(self, input):
        return F.mish(input, self.inplace)


class SELU(_Inplace):
    """y = scale·(max(0, x) + min(0, α(eˣ − 1))), scale ≈ 1.0507, α ≈ 1.6733"""

    def forward(self, input):
        return F.selu(input, self.inplace)


class Hardsigmoid(_Inplace):
    """y = clamp(x/6 + 1/2, 0, 1)"""

    def forward(self, input):
        return F.hardsigmoid(input, self.inplace)


class Hardswish(_Inplace):
    """y = x·hardsigmoid(x)"""

    def forward(self, input):
        return F.hardswish(input, self.inplace)


class LeakyReLU(Module):
    """y = x for x ≥ 0, negative_slope·x otherwise"""

    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input):
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace else "")


class ELU(Module):
    """y = x for x > 0, α·(eˣ − 1) otherwise"""

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input):
        return F.elu(input, self.alpha, self.inplace)

    def extra_repr(self):
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class CELU(ELU):
    """y = max(0, x) + min(0, α·(e^(x/α) − 1))"""

    def forward(self, input):
        return F.celu(input, self.alpha, self.inplace)


class GELU(Module):
    """y = x·Φ(x), Φ the standard normal CDF; approximate='tanh' uses
    x/2·(1 + tanh(√(2/π)·(x + 0.044715·x³)))"""

    def __init__(self, approximate="none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, input):
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class Tanh(Module):
    """y = tanh(x)"""

    def forward(self, input):
        return F.tanh(input)


class Sigmoid(Module):
    """y = σ(x) = 1/(1 + e⁻ˣ)"""

    def forward(self, input):
        return F.sigmoid(input)


class LogSigmoid(Module):
    """y = log σ(x), computed stably"""

    def forward(self, input):
        return F.logsigmoid(input)


class Softsign(Module):
    """y = x/(1 + |x|)"""

    def forward(self, input):
        return F.softsign(input)


class Tanhshrink(Module):
    """y = x − tanh(x)"""

    def forward(self, input):
        return F.tanhshrink(input)


class Softplus(Module):
    """y = log(1 + e^(βx))/β, linear (y = x) where βx > threshold"""

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, input):
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class Hardtanh(Module):
    """y = clamp(x, min_val, max_val)"""

    def __init__(self, min_val=-1.0, max_val=1.0, inplace=False):
        super().__init__()
        if max_val <= min_val:
            raise ValueError(f"Hardtanh(): max_val ({max_val}) must be greater than min_val "
                             f"({min_val})")
        self.min_val = min_val
        self.max_val = max_val
        self.inplace = inplace

    def forward(self, input):
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self):
        return f"min_val={self.min_val}, max_val={self.max_val}" + \
            (", inplace=True" if self.inplace else "")


class ReLU6(Hardtanh):
    """y = min(max(x, 0), 6)"""

    def __init__(self, inplace=False):
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self):
        return _inplace_repr(self.inplace)


class RReLU(Module):
    """y = x where x > 0, else a·x: a drawn per element from U(lower, upper) while `training`
    (the device's default generator), a = (lower + upper)/2 in eval."""

    def __init__(self, lower=1.0 / 8, upper=1.0 / 3, inplace=False):
        super().__init__()
        self.lower = lower
        self.upper = upper
        self.inplace = inplace

    def forward(self, input):
        return F.rrelu(input, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self):
        return f"lower={self.lower}, upper={self.upper}" + \
            (", inplace=True" if self.inplace else "")


class _Shrink(Module):
    def __init__(self, lambd=0.5):
        super().__init__()
        self.lambd = lambd

    def extra_repr(self):
        return str(self.lambd)


class Hardshrink(_Shrink):
    """y = x where |x| > λ, else 0"""

    def forward(self, input):
        return F.hardshrink(input, self.lambd)


class Softshrink(_Shrink):
    """y = x − λ where x > λ, x + λ where x < −λ, else 0 (λ ≥ 0)"""

    def forward(self, input):
        return F.softshrink(input, self.lambd)


class Threshold(Module):
    """y = x where x > threshold, else value"""

    def __init__(self, threshold, value, inplace=False):
        super().__init__()
        self.threshold = threshold
        self.value = value
        self.inplace = inplace

    def forward(self, input):
        return F.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self):
        return f"threshold={self.threshold}, value={self.value}" + \
            (", inplace=True" if self.inplace else "")


class GLU(Module):
    """y = a ⊙ σ(b), a and b the halves of the input along `dim`"""

    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.glu(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class PReLU(Module):
    """y = x for x ≥ 0, a·x otherwise, with learned slopes a: one shared (num_parameters=1) or
    one per channel (dim 1 of the input), all starting at `init`."""

    def __init__(self, num_parameters=1, init=0.25, device=None, dtype=None):
        super().__init__()
        self.num_parameters = num_parameters
        self.init = init
        self.weight = Parameter(empty(num_parameters, device=device, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self):
        init.constant_(self.weight, self.init)

    def forward(self, input):
        return F.prelu(input, self.weight)

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"


class _SoftmaxBase(Module):
    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def extra_repr(self):
        return f"dim={self.dim}"


class Softmax(_SoftmaxBase):
    """yᵢ = e^(xᵢ)/Σⱼ e^(xⱼ) along `dim`"""

    def forward(self, input):
        return F.softmax(input, self.dim)


class Softmax2d(Module):
    """softmax over the channels of each pixel: (N, C, H, W) or (C, H, W), along dim −3."""

    def forward(self, input):
        if input.dim() not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.dim()}D "
                             "instead")
        return F.softmax(input, -3)


class Softmin(_SoftmaxBase):
    """softmax(−x) along `dim`"""

    def forward(self, input):
        return F.softmin(input, self.dim)


class LogSoftmax(_SoftmaxBase):
    """yᵢ = xᵢ − log Σⱼ e^(xⱼ) along `dim`"""

    def forward(self, input):
        return F.log_softmax(input, self.dim)
