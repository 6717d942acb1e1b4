"""Elementwise functions of one tensor: math (exp, log, trig and hyperbolic functions, rounding,
erf, ...) and activations (relu, gelu, silu, softplus, mish, selu, ...), each forward next to its
backward.

Each backward is the derivative times the incoming gradient g = ∂L/∂y, written with tensor ops
so that it can itself be differentiated. Where the derivative is simplest in terms of the output
(exp, tanh, sigmoid, ...) the output is saved, not the input. Integer inputs are computed in the
default float dtype, as in PyTorch, except where PyTorch has no integer kernel (elu, leaky_relu,
silu, gelu, ...: NotImplementedError, as its) and in hardtanh and relu6, which keep integers.
"""
import math

from .arithmetic import where
from .common import floating, require_tensor, zeros_like
from .. import dtypes
from ..autograd.function import Function
from ..autograd.grad_mode import is_grad_enabled
from ..tensor import Tensor, _wrap

_SQRT_1_2 = 1 / math.sqrt(2.0)
_INV_SQRT_2PI = 1 / math.sqrt(2.0 * math.pi)
_SQRT_2_PI = math.sqrt(2.0 / math.pi)
_TWO_INV_SQRT_PI = 2 / math.sqrt(math.pi)


class Neg(Function):
    """y = −x;  ∂y/∂x = −1"""
    array_backward = True

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
    array_backward = True

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
    array_backward = True

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
    array_backward = True

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
    array_backward = True

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
    array_backward = True

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
    array_backward = True

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
    array_backward = True

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
    array_backward = True

    @staticmethod
    def forward(ctx, x):
        y = ctx.xp.tanh(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g * (1 - y * y)


def tanh(input):
    return Tanh.apply(floating(input, "tanh"))


def sigmoid_array(xp, x):
    """σ(x) on an array, without overflow (see Sigmoid); fused kernels call it too."""
    e = xp.exp(-xp.abs(x))
    return xp.where(x >= 0, 1, e) / (1 + e)


class Sigmoid(Function):
    """y = σ(x) = 1/(1 + e⁻ˣ);  ∂y/∂x = y(1 − y)

    Computed from e = e^(−|x|) ≤ 1, which never overflows: 1/(1 + e) for x ≥ 0 and e/(1 + e)
    for x < 0, where 1 − σ(|x|) would round to 0 (σ(−20) = 2.1e-9, not 0, in float32)."""
    array_backward = True

    @staticmethod
    def forward(ctx, x):
        y = sigmoid_array(ctx.xp, x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g * y * (1 - y)


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


def _floating_only(input, name):
    """`input` when floating; PyTorch has no integer kernel for `name`: NotImplementedError, as
    its, for integer and bool tensors (the float path as cheap as `floating`'s)."""
    if isinstance(input, Tensor) and input._data.dtype.kind == "f":
        return input
    require_tensor(input, name)
    raise NotImplementedError(f'"{name}" not implemented for '
                              f"'{dtypes.SCALAR_TYPE_NAMES[input.dtype.name]}'")


class Relu(Function):
    """y = max(x, 0);  ∂y/∂x = 1 where x > 0, else 0 (0 at x = 0, as in PyTorch)"""
    array_backward = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x > 0)         # a constant mask: relu'' = 0
        return ctx.xp.maximum(x, 0)

    @staticmethod
    def backward(ctx, g):
        positive, = ctx.saved_tensors
        return g * positive


def relu(input):
    if require_tensor(input, "relu")._data.dtype.kind == "b":
        raise RuntimeError("Boolean inputs not supported for relu")
    return Relu.apply(input)


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
    return LeakyRelu.apply(_floating_only(input, "leaky_relu"), negative_slope)


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
    return Elu.apply(_floating_only(input, "elu"), alpha)


class Gelu(Function):
    """y = x·Φ(x), Φ the standard normal CDF = ½(1 + erf(x/√2));
    ∂y/∂x = Φ(x) + x·φ(x), φ(x) = e^(−x²/2)/√(2π)

    erf is the expensive part, so forward keeps Φ(x) and the usual backward (no graph of the
    gradient recorded) reuses it on arrays; with create_graph the same formula runs in tensor
    ops, so that it can be differentiated again."""
    @staticmethod
    def forward(ctx, x):
        cdf = ctx.xp.asarray(0.5 * (1 + ctx.device.backend.erf(x * _SQRT_1_2)))  # 0-d: an array
        ctx.save_for_backward(x, cdf)
        return x * cdf

    @staticmethod
    def backward(ctx, g):
        x, cdf = ctx.saved_tensors
        if not is_grad_enabled():
            xa = x._data
            pdf = ctx.xp.exp(xa * xa * -0.5) * _INV_SQRT_2PI
            return _wrap(g._data * (cdf._data + xa * pdf), ctx.device)
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
    x = _floating_only(input, "gelu")
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
    return Silu.apply(_floating_only(input, "silu"))


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
    return Softplus.apply(_floating_only(input, "softplus"), beta, threshold)


class Clamp(Function):
    """y = min(max(x, lo), hi);  ∂y/∂x = 1 where lo ≤ x ≤ hi, else 0"""
    array_backward = True

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


# ---- more of PyTorch's elementwise functions: trigonometry, hyperbolic functions, logarithms,
# rounding, the piecewise activations, and a few small helpers. Same rules as above: integer
# inputs of a float function give the default float dtype; rounding keeps integer dtypes.

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)


class Tan(Function):
    """y = tan x;  ∂y/∂x = 1 + y²"""
    array_backward = True

    @staticmethod
    def forward(ctx, x):
        y = ctx.xp.tan(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g * (1 + y * y)


def tan(input):
    return Tan.apply(floating(input, "tan"))


class Asin(Function):
    """y = arcsin x;  ∂y/∂x = 1/√(1 − x²)"""
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.arcsin(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * rsqrt(1 - x * x)


def asin(input):
    return Asin.apply(floating(input, "asin"))


class Acos(Function):
    """y = arccos x;  ∂y/∂x = −1/√(1 − x²)"""
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.arccos(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return -g * rsqrt(1 - x * x)


def acos(input):
    return Acos.apply(floating(input, "acos"))


class Atan(Function):
    """y = arctan x;  ∂y/∂x = 1/(1 + x²)"""
    array_backward = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.arctan(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g / (1 + x * x)


def atan(input):
    return Atan.apply(floating(input, "atan"))


class Sinh(Function):
    """y = sinh x;  ∂y/∂x = cosh x"""
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.sinh(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * cosh(x)


def sinh(input):
    return Sinh.apply(floating(input, "sinh"))


class Cosh(Function):
    """y = cosh x;  ∂y/∂x = sinh x"""
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.cosh(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * sinh(x)


def cosh(input):
    return Cosh.apply(floating(input, "cosh"))


class Asinh(Function):
    """y = arsinh x;  ∂y/∂x = 1/√(x² + 1)"""
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.arcsinh(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * rsqrt(x * x + 1)


def asinh(input):
    return Asinh.apply(floating(input, "asinh"))


class Acosh(Function):
    """y = arcosh x (x ≥ 1);  ∂y/∂x = 1/√(x² − 1)"""
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.arccosh(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * rsqrt(x * x - 1)


def acosh(input):
    return Acosh.apply(floating(input, "acosh"))


class Atanh(Function):
    """y = artanh x (|x| < 1);  ∂y/∂x = 1/(1 − x²)"""
    array_backward = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.arctanh(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g / (1 - x * x)


def atanh(input):
    return Atanh.apply(floating(input, "atanh"))


arcsin, arccos, arctan = asin, acos, atan
arcsinh, arccosh, arctanh = asinh, acosh, atanh


class Log2(Function):
    """y = log₂ x;  ∂y/∂x = 1/(x·ln 2)"""
    array_backward = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.log2(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g / (x * _LN2)


def log2(input):
    return Log2.apply(floating(input, "log2"))


class Log10(Function):
    """y = log₁₀ x;  ∂y/∂x = 1/(x·ln 10)"""
    array_backward = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.log10(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g / (x * _LN10)


def log10(input):
    return Log10.apply(floating(input, "log10"))


class Exp2(Function):
    """y = 2ˣ;  ∂y/∂x = y·ln 2"""
    array_backward = True

    @staticmethod
    def forward(ctx, x):
        y = ctx.xp.exp2(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g * y * _LN2


def exp2(input):
    return Exp2.apply(floating(input, "exp2"))


class Sinc(Function):
    """y = sin(πx)/(πx), and 1 at x = 0 (the normalized sinc);
    ∂y/∂x = (cos(πx) − y)/x, and 0 at x = 0 (y is even)"""
    @staticmethod
    def forward(ctx, x):
        xp = ctx.xp
        ctx.save_for_backward(x)
        zero = x == 0
        px = (x + zero) * math.pi            # x = 0 becomes π: no 0/0, overwritten below
        return xp.where(zero, 1.0, xp.sin(px) / px).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * SincDerivative.apply(x)


class SincDerivative(Function):
    """s′(x) = (cos(πx) − s(x))/x, 0 at x = 0, for s = sinc; as its own op so that its
    derivative is right at 0 too. From x·s = sin(πx)/π: s + x·s′ = cos(πx) and
    2s′ + x·s″ = −π²·x·s, so s″ = −(π²·x·s + 2s′)/x, whose limit at 0 is −π²/3."""
    @staticmethod
    def forward(ctx, x):
        xp = ctx.xp
        ctx.save_for_backward(x)
        zero = x == 0
        safe = x + zero
        px = safe * math.pi
        d = (xp.cos(px) - xp.sin(px) / px) / safe
        return xp.where(zero, 0.0, d).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        zero = x == 0
        safe = where(zero, 1.0, x)           # the x = 0 branch is replaced, never 0/0
        s2 = -(sinc(safe) * safe * (math.pi ** 2) + SincDerivative.apply(safe) * 2) / safe
        return g * where(zero, -(math.pi ** 2) / 3, s2)


def sinc(input):
    return Sinc.apply(floating(input, "sinc"))


def deg2rad(input):
    """y = x·π/180"""
    return floating(input, "deg2rad") * (math.pi / 180)


def rad2deg(input):
    """y = x·180/π"""
    return floating(input, "rad2deg") * (180 / math.pi)


def sgn(input):
    """sign(x): PyTorch's name that also covers complex numbers (mytorch has none)."""
    return sign(input)


def positive(input):
    """+x: the input itself, as in PyTorch."""
    require_tensor(input, "positive")
    if input._data.dtype.kind == "b":
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


class Rounding(Function):
    """y = floor x, ceil x, trunc x or round x (half to even, optionally to `decimals` places),
    as the subclass's `fn` names it;  ∂y/∂x = 0 (the steps are flat; PyTorch gives 0 at the
    jumps too)"""
    fn = None

    @staticmethod
    def forward(ctx, x, decimals=0):
        if decimals:
            return ctx.xp.round(x, decimals)
        return getattr(ctx.xp, ctx.op.fn)(x)

    @staticmethod
    def backward(ctx, g):
        return zeros_like(g)


class Floor(Rounding):
    fn = "floor"


class Ceil(Rounding):
    fn = "ceil"


class Trunc(Rounding):
    fn = "trunc"


class Round(Rounding):
    fn = "round"


def _rounding(cls, input, decimals=0):
    """Integer tensors are already whole: they come back as a copy of the same dtype."""
    name = cls.fn
    require_tensor(input, name)
    kind = input._data.dtype.kind
    if kind == "f":
        return cls.apply(input, decimals=decimals)
    if kind == "b" or decimals:
        raise RuntimeError(f"\"{name}\" not implemented for '{input.dtype.name}'" +
                           (" with decimals" if decimals else ""))
    return input.clone()


def floor(input):
    """⌊x⌋"""
    return _rounding(Floor, input)


def ceil(input):
    """⌈x⌉"""
    return _rounding(Ceil, input)


def trunc(input):
    """x rounded toward zero"""
    return _rounding(Trunc, input)


fix = trunc


def round(input, *, decimals=0):
    """x rounded to the nearest integer, ties to even (or to `decimals` decimal places, as
    round(x·10ᵈ)/10ᵈ)"""
    return _rounding(Round, input, decimals)


class Frac(Function):
    """y = x − trunc(x) (keeps the sign of x);  ∂y/∂x = 1"""
    array_backward = True

    @staticmethod
    def forward(ctx, x):
        return x - ctx.xp.trunc(x)

    @staticmethod
    def backward(ctx, g):
        return g


def frac(input):
    require_tensor(input, "frac")
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"\"frac\" not implemented for '{input.dtype.name}': it needs a "
                           "floating tensor")
    return Frac.apply(input)


def clamp_min(input, min):
    """max(x, min): clamp with a lower bound only."""
    return clamp(input, min=min)


def clamp_max(input, max):
    """min(x, max): clamp with an upper bound only."""
    return clamp(input, max=max)


class NanToNum(Function):
    """y = x where x is finite; NaN, +∞ and −∞ replaced by `nan`, `posinf`, `neginf` (the
    infinities by the dtype's largest finite values by default);  ∂y/∂x = 1 where x is
    finite, else 0"""
    array_backward = True

    @staticmethod
    def forward(ctx, x, nan, posinf, neginf):
        xp = ctx.xp
        ctx.save_for_backward(xp.isfinite(x))
        return xp.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def backward(ctx, g):
        finite, = ctx.saved_tensors
        return g * finite, None, None, None


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    require_tensor(input, "nan_to_num")
    if input._data.dtype.kind != "f":
        return input.clone()             # integers are always finite
    return NanToNum.apply(input, nan, posinf, neginf)


class Hardtanh(Function):
    """y = min(max(x, lo), hi);  ∂y/∂x = 1 where lo < x < hi, else 0 (0 on the edges, as in
    PyTorch, so relu6 = hardtanh(x, 0, 6) has relu's 0 at x = 0)"""
    array_backward = True

    @staticmethod
    def forward(ctx, x, lo, hi):
        xp = ctx.xp
        ctx.save_for_backward((x > lo) & (x < hi))   # a constant mask: hardtanh'' = 0
        return xp.minimum(xp.maximum(x, lo), hi).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        inside, = ctx.saved_tensors
        return g * inside, None, None


def hardtanh(input, min_val=-1.0, max_val=1.0):
    if min_val > max_val:
        raise ValueError(f"hardtanh(): min_val ({min_val}) cannot be greater than max_val "
                         f"({max_val})")
    if not (isinstance(input, Tensor) and input._data.dtype.kind == "f"):
        min_val, max_val = _integer_limits(input, min_val, max_val)
    return Hardtanh.apply(input, min_val, max_val)


def _integer_limits(input, min_val, max_val):
    """hardtanh of an integer tensor stays integer, as PyTorch's: the limits become integers of
    its dtype, truncated toward zero (clamping to them equals clamping and then truncating)."""
    require_tensor(input, "hardtanh")
    d = input.dtype
    if d is dtypes.bool:
        raise RuntimeError("Bool inputs not supported for hardtanh")
    if d in (dtypes.uint16, dtypes.uint32, dtypes.uint64):
        raise NotImplementedError(f"\"hardtanh\" not implemented for "
                                  f"'{dtypes.SCALAR_TYPE_NAMES[d.name]}'")
    info = dtypes.iinfo(d)
    limits = []
    for value in (min_val, max_val):
        if not info.min - 1 < value < info.max + 1:          # also NaN and ±inf
            if info.min == 0 and value < 0:
                raise RuntimeError("cannot do hardtanh on an unsigned type with negative limits")
            raise RuntimeError(f"hardtanh(): value {value} cannot be converted to type "
                               f"{d.name} without overflow")
        limits.append(int(value))
    return limits


def relu6(input):
    """min(max(x, 0), 6)"""
    return hardtanh(input, 0.0, 6.0)


class Hardsigmoid(Function):
    """y = min(max(x/6 + ½, 0), 1);  ∂y/∂x = 1/6 where −3 < x < 3, else 0"""
    array_backward = True

    @staticmethod
    def forward(ctx, x):
        xp = ctx.xp
        ctx.save_for_backward((x > -3) & (x < 3))
        return xp.minimum(xp.maximum(x / 6 + 0.5, 0), 1).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        inside, = ctx.saved_tensors
        return g * inside * (1 / 6)


def hardsigmoid(input):
    return Hardsigmoid.apply(_floating_only(input, "hardsigmoid"))


class Hardswish(Function):
    """y = x·min(max(x + 3, 0), 6)/6;  ∂y/∂x = 0 for x < −3, x/3 + ½ for −3 ≤ x ≤ 3, 1 above
    (PyTorch's choice on the edges)"""
    @staticmethod
    def forward(ctx, x):
        xp = ctx.xp
        ctx.save_for_backward(x)
        return (x * xp.minimum(xp.maximum(x + 3, 0), 6) / 6).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return where(x < -3, 0.0, where(x <= 3, g * (x / 3 + 0.5), g))


def hardswish(input):
    return Hardswish.apply(_floating_only(input, "hardswish"))


class Mish(Function):
    """y = x·tanh(softplus x), softplus x = ln(1 + eˣ);
    ∂y/∂x = tanh(softplus x) + x·σ(x)·(1 − tanh²(softplus x))"""
    @staticmethod
    def forward(ctx, x):
        xp = ctx.xp
        ctx.save_for_backward(x)
        return x * xp.tanh(xp.log1p(xp.exp(-xp.abs(x))) + xp.maximum(x, 0))

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        t = tanh(softplus(x))
        return g * (t + x * sigmoid(x) * (1 - t * t))


def mish(input):
    return Mish.apply(_floating_only(input, "mish"))


class Logsigmoid(Function):
    """y = ln σ(x) = −softplus(−x), computed as min(x, 0) − ln(1 + e^(−|x|));
    ∂y/∂x = 1 − σ(x) = σ(−x)"""
    @staticmethod
    def forward(ctx, x):
        xp = ctx.xp
        ctx.save_for_backward(x)
        return xp.minimum(x, 0) - xp.log1p(xp.exp(-xp.abs(x)))

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * sigmoid(-x)


def logsigmoid(input):
    return Logsigmoid.apply(_floating_only(input, "logsigmoid"))


def logit(input, eps=None):
    """log(z/(1 − z)), the inverse of the sigmoid, with z = x clamped to [eps, 1 − eps] when eps
    is given (else x itself: 0 and 1 give ∓inf);  ∂/∂x = 1/(z(1 − z)) (0 where clamped)"""
    z = floating(input, "logit")
    if eps is not None:
        z = clamp(z, eps, 1 - eps)
    return log(z) - log1p(-z)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(input):
    """y = λ·elu(x, α) with PyTorch's λ ≈ 1.0507 and α ≈ 1.6733;  ∂y/∂x = λ·elu′(x, α)"""
    return elu(input, _SELU_ALPHA) * _SELU_SCALE


def celu(input, alpha=1.0):
    """y = max(0, x) + min(0, α(e^(x/α) − 1)) = α·elu(x/α);  ∂y/∂x = 1 for x > 0, else e^(x/α)"""
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    if alpha == 1:
        return elu(input, 1.0)
    return elu(_floating_only(input, "elu") / alpha, 1.0) * alpha     # PyTorch's kernel name


class Softsign(Function):
    """y = x/(1 + |x|);  ∂y/∂x = 1/(1 + |x|)²"""
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x / (1 + ctx.xp.abs(x))

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        d = 1 + abs(x)
        return g / (d * d)


def softsign(input):
    return Softsign.apply(floating(input, "softsign"))


def tanhshrink(input):
    """y = x − tanh x;  ∂y/∂x = tanh²x"""
    x = floating(input, "tanhshrink")
    return x - tanh(x)
