"""Elementwise functions of one tensor: math and activations, each forward next to its backward.

Each backward is the derivative times the incoming gradient g = ∂L/∂y, written with tensor ops
so that it can itself be differentiated. Where the derivative is simplest in terms of the output
(exp, tanh, sigmoid, ...) the output is saved, not the input. Integer inputs are computed in the
default float dtype, as in PyTorch.
"""
import math

from .arithmetic import where
from .common import floating, require_tensor, zeros_like
from ..autograd.function import Function
from ..tensor import Tensor

_SQRT_1_2 = 1 / math.sqrt(2.0)
_INV_SQRT_2PI = 1 / math.sqrt(2.0 * math.pi)
_SQRT_2_PI = math.sqrt(2.0 / math.pi)
_TWO_INV_SQRT_PI = 2 / math.sqrt(math.pi)


class Neg(Function):
    """y = −x;  ∂y/∂x = −1"""
    @staticmethod
    def forward(ctx, x):
        return ctx.xp.negative(x)

    @staticmethod
    def backward(ctx, g):
        return -g


def neg(input):
    require_tensor(input, "neg")
    if input._data.dtype.kind == "b":
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you "
                           "are trying to invert a mask, use the `~` or `logical_not()` operator "
                           "instead.")
    return Neg.apply(input)


class Abs(Function):
    """y = |x|;  ∂y/∂x = sign(x) (0 at 0)"""
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.abs(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * sign(x)


def abs(input):
    return Abs.apply(require_tensor(input, "abs"))


class Sign(Function):
    """y = sign(x);  ∂y/∂x = 0"""
    @staticmethod
    def forward(ctx, x):
        return ctx.xp.sign(x)

    @staticmethod
    def backward(ctx, g):
        return zeros_like(g)


def sign(input):
    return Sign.apply(require_tensor(input, "sign"))


class Exp(Function):
    """y = eˣ;  ∂y/∂x = y"""
    @staticmethod
    def forward(ctx, x):
        y = ctx.xp.exp(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g * y


def exp(input):
    return Exp.apply(floating(input, "exp"))


class Log(Function):
    """y = ln x;  ∂y/∂x = 1/x"""
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.log(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g / x


def log(input):
    return Log.apply(floating(input, "log"))


class Log1p(Function):
    """y = ln(1 + x);  ∂y/∂x = 1/(1 + x)"""
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.log1p(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g / (x + 1)


def log1p(input):
    return Log1p.apply(floating(input, "log1p"))


class Expm1(Function):
    """y = eˣ − 1;  ∂y/∂x = y + 1"""
    @staticmethod
    def forward(ctx, x):
        y = ctx.xp.expm1(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g * (y + 1)


def expm1(input):
    return Expm1.apply(floating(input, "expm1"))


class Sqrt(Function):
    """y = √x;  ∂y/∂x = 1/(2y)"""
    @staticmethod
    def forward(ctx, x):
        y = ctx.xp.sqrt(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g / (y * 2)


def sqrt(input):
    return Sqrt.apply(floating(input, "sqrt"))


class Rsqrt(Function):
    """y = 1/√x;  ∂y/∂x = −y³/2"""
    @staticmethod
    def forward(ctx, x):
        y = 1 / ctx.xp.sqrt(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g * (y * y * y) * -0.5


def rsqrt(input):
    return Rsqrt.apply(floating(input, "rsqrt"))


class Reciprocal(Function):
    """y = 1/x;  ∂y/∂x = −y²"""
    @staticmethod
    def forward(ctx, x):
        y = 1 / x
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return -g * y * y


def reciprocal(input):
    return Reciprocal.apply(floating(input, "reciprocal"))


def square(input):
    """y = x²"""
    return input * input


class Sin(Function):
    """y = sin x;  ∂y/∂x = cos x"""
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.sin(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * cos(x)


def sin(input):
    return Sin.apply(floating(input, "sin"))


class Cos(Function):
    """y = cos x;  ∂y/∂x = −sin x"""
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.cos(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return -g * sin(x)


def cos(input):
    return Cos.apply(floating(input, "cos"))


class Tanh(Function):
    """y = tanh x;  ∂y/∂x = 1 − y²"""
    @staticmethod
    def forward(ctx, x):
        y = ctx.xp.tanh(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return TanhBackward.apply(g, y)


class TanhBackward(Function):
    """The backward of tanh as one op, z = g·(1 − y²) (fewer steps per activation);
    ∂z/∂g = 1 − y², ∂z/∂y = −2gy"""
    @staticmethod
    def forward(ctx, g, y):
        ctx.save_for_backward(g, y)
        return g * (1 - y * y)

    @staticmethod
    def backward(ctx, gz):
        g, y = ctx.saved_tensors
        need_g, need_y = ctx.needs_input_grad
        return (TanhBackward.apply(gz, y) if need_g else None), \
            (gz * g * y * -2 if need_y else None)


def tanh(input):
    return Tanh.apply(floating(input, "tanh"))


class Sigmoid(Function):
    """y = σ(x) = 1/(1 + e⁻ˣ);  ∂y/∂x = y(1 − y)

    Computed as ½(1 + tanh(x/2)), which never overflows."""
    @staticmethod
    def forward(ctx, x):
        y = 0.5 * (1 + ctx.xp.tanh(0.5 * x))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return SigmoidBackward.apply(g, y)


class SigmoidBackward(Function):
    """The backward of sigmoid as one op, z = g·y(1 − y);  ∂z/∂g = y(1 − y), ∂z/∂y = g(1 − 2y)"""
    @staticmethod
    def forward(ctx, g, y):
        ctx.save_for_backward(g, y)
        return g * y * (1 - y)

    @staticmethod
    def backward(ctx, gz):
        g, y = ctx.saved_tensors
        need_g, need_y = ctx.needs_input_grad
        return (SigmoidBackward.apply(gz, y) if need_g else None), \
            (gz * g * (1 - 2 * y) if need_y else None)


def sigmoid(input):
    return Sigmoid.apply(floating(input, "sigmoid"))


class Erf(Function):
    """y = erf x;  ∂y/∂x = 2/√π · e^(−x²)"""
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.device.backend.erf(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * exp(-(x * x)) * _TWO_INV_SQRT_PI


def erf(input):
    return Erf.apply(floating(input, "erf"))


class Relu(Function):
    """y = max(x, 0);  ∂y/∂x = 1 where x > 0, else 0 (0 at x = 0, as in PyTorch)"""
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x > 0)         # a constant mask: relu'' = 0
        return ctx.xp.maximum(x, 0)

    @staticmethod
    def backward(ctx, g):
        positive, = ctx.saved_tensors
        return g * positive


def relu(input):
    return Relu.apply(require_tensor(input, "relu"))


class LeakyRelu(Function):
    """y = x if x > 0 else a·x;  ∂y/∂x = 1 if x > 0 else a"""
    @staticmethod
    def forward(ctx, x, negative_slope):
        ctx.slope = negative_slope
        ctx.save_for_backward(x)
        return ctx.xp.where(x > 0, x, x * negative_slope)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return where(x > 0, g, g * ctx.slope), None


def leaky_relu(input, negative_slope=0.01):
    return LeakyRelu.apply(floating(input, "leaky_relu"), negative_slope)


class Elu(Function):
    """y = x if x > 0 else α(eˣ − 1);  ∂y/∂x = 1 if x > 0 else y + α"""
    @staticmethod
    def forward(ctx, x, alpha):
        ctx.alpha = alpha
        y = ctx.xp.where(x > 0, x, alpha * ctx.xp.expm1(ctx.xp.minimum(x, 0)))
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        return where(x > 0, g, g * (y + ctx.alpha)), None


def elu(input, alpha=1.0):
    return Elu.apply(floating(input, "elu"), alpha)


class Gelu(Function):
    """y = x·Φ(x), Φ the standard normal CDF = ½(1 + erf(x/√2));
    ∂y/∂x = Φ(x) + x·φ(x), φ(x) = e^(−x²/2)/√(2π)"""
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * 0.5 * (1 + ctx.device.backend.erf(x * _SQRT_1_2))

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        cdf = 0.5 * (1 + erf(x * _SQRT_1_2))
        pdf = exp(x * x * -0.5) * _INV_SQRT_2PI
        return g * (cdf + x * pdf)


class GeluTanh(Function):
    """y = ½x(1 + tanh u), u = √(2/π)(x + 0.044715x³);
    ∂y/∂x = ½(1 + tanh u) + ½x(1 − tanh²u)·√(2/π)(1 + 3·0.044715x²)"""
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return 0.5 * x * (1 + ctx.xp.tanh(_SQRT_2_PI * (x + 0.044715 * x * x * x)))

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        x2 = x * x
        t = tanh((x + x2 * x * 0.044715) * _SQRT_2_PI)
        du = (x2 * (3 * 0.044715) + 1) * _SQRT_2_PI
        return g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du)


def gelu(input, approximate="none"):
    """GELU with the exact erf (default) or `approximate='tanh'`."""
    x = floating(input, "gelu")
    if approximate == "none":
        return Gelu.apply(x)
    if approximate == "tanh":
        return GeluTanh.apply(x)
    raise ValueError(f"gelu(): approximate must be 'none' or 'tanh', got {approximate!r}")


class Silu(Function):
    """y = x·σ(x);  ∂y/∂x = σ(x)(1 + x(1 − σ(x)))"""
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * (0.5 * (1 + ctx.xp.tanh(0.5 * x)))

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        s = sigmoid(x)
        return g * s * (1 + x * (1 - s))


def silu(input):
    return Silu.apply(floating(input, "silu"))


class Softplus(Function):
    """y = ln(1 + e^(βx))/β, and y = x where βx > threshold;  ∂y/∂x = σ(βx) (1 above it)"""
    @staticmethod
    def forward(ctx, x, beta, threshold):
        xp = ctx.xp
        ctx.beta, ctx.threshold = beta, threshold
        ctx.save_for_backward(x)
        bx = x * beta
        soft = (xp.log1p(xp.exp(-xp.abs(bx))) + xp.maximum(bx, 0)) / beta
        return xp.where(bx > threshold, x, soft).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        bx = x * ctx.beta
        return where(bx > ctx.threshold, g, g * sigmoid(bx)), None, None


def softplus(input, beta=1.0, threshold=20.0):
    return Softplus.apply(floating(input, "softplus"), beta, threshold)


class Clamp(Function):
    """y = min(max(x, lo), hi);  ∂y/∂x = 1 where lo ≤ x ≤ hi, else 0"""
    @staticmethod
    def forward(ctx, x, lo, hi):
        xp = ctx.xp
        y = x
        inside = None
        if lo is not None:
            inside = x >= lo
            y = xp.maximum(y, lo)
        if hi is not None:
            below = x <= hi
            inside = below if inside is None else inside & below
            y = xp.minimum(y, hi)
        ctx.save_for_backward(inside)
        return y.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        inside, = ctx.saved_tensors
        return g * inside, None, None


def clamp(input, min=None, max=None):
    """Clamp to [min, max]; bounds are numbers or tensors (tensor bounds get gradients too)."""
    require_tensor(input, "clamp")
    if min is None and max is None:
        raise RuntimeError("clamp(): at least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        y = input
        if min is not None:
            y = where(y < min, min, y)
        if max is not None:
            y = where(y > max, max, y)
        return y
    if input._data.dtype.kind != "f" and (isinstance(min, float) or isinstance(max, float)):
        input = floating(input, "clamp")
    return Clamp.apply(input, min, max)


clip = clamp
