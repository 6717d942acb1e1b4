"""The activations elementwise.py lacks (hardshrink, softshrink, rrelu, threshold), the kernels
that the in-place activations record (elu_, selu_, celu_, leaky_relu_, rrelu_: see inplace.py),
and alpha dropout, the dropout that keeps a SELU network's activations standardized.

An in-place activation overwrites its input, so the Function it records must not need that
input in backward: the ones here save a mask, the slopes or the output instead (the versions in
elementwise.py save x, so written in place their backward would refuse to run). PyTorch reads
the output too, and so refuses a negative slope or alpha in place; saving the mask makes those
exact here.
"""
import math

from .arithmetic import where
from .common import floating
from .elementwise import _SELU_ALPHA, _SELU_SCALE, _floating_only
from .. import dtypes
from ..autograd.function import Function
from ..random import generator_for


class Shrink(Function):
    """hardshrink: y = x where |x| > λ, else 0;  softshrink: y = x − λ·sign(x) where |x| > λ,
    else 0.  Both: ∂y/∂x = 1 where |x| > λ, else 0 (a constant mask: y'' = 0). NaN stays NaN."""
    array_backward = True

    @staticmethod
    def forward(ctx, x, lambd, soft):
        xp = ctx.xp
        outside = ~(xp.abs(x) <= lambd)              # ~(≤), not >: NaN counts as outside
        ctx.save_for_backward(outside)
        y = x - lambd * xp.sign(x) if soft else x
        return xp.where(outside, y, 0).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        outside, = ctx.saved_tensors
        return g * outside, None, None


def hardshrink(input, lambd=0.5):
    """y = x where |x| > λ, else 0"""
    return Shrink.apply(_floating_only(input, "hardshrink"), lambd, False)


def softshrink(input, lambd=0.5):
    """y = x − λ where x > λ, x + λ where x < −λ, else 0 (λ ≥ 0)"""
    x = _floating_only(input, "softshrink")
    top = dtypes.finfo(x.dtype).max
    if not 0 <= lambd <= top:
        raise RuntimeError(f"lambda must be in range [0, {top:g}] for input dtype "
                           f"{dtypes.SCALAR_TYPE_NAMES[x.dtype.name]}, but found {lambd:g}")
    return Shrink.apply(x, lambd, True)


class LeakyRelu(Function):
    """y = x where x > 0, else a·x;  ∂y/∂x = 1 where x > 0, else a. The slope a is one number
    (leaky_relu_, rrelu in eval) or, given a generator (rrelu in training), drawn for each
    element from U(lower, upper). Backward reads the slopes saved in forward, never x."""
    array_backward = True

    @staticmethod
    def forward(ctx, x, lower, upper, generator):
        xp = ctx.xp
        a = lower if generator is None else \
            generator.uniform(x.shape, x.dtype) * (upper - lower) + lower
        slopes = xp.where(x > 0, 1, a).astype(x.dtype, copy=False)
        ctx.save_for_backward(slopes)
        return x * slopes

    @staticmethod
    def backward(ctx, g):
        slopes, = ctx.saved_tensors
        return g * slopes, None, None, None


def leaky_relu(input, negative_slope=0.01):
    """y = x where x > 0, else negative_slope·x: the form leaky_relu_ records."""
    return LeakyRelu.apply(_floating_only(input, "leaky_relu"), negative_slope, None, None)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    """Randomized leaky ReLU (Xu et al., 2015): y = x where x > 0, else a·x, with a drawn per
    element from U(lower, upper) when training (from `generator`, else the device's default
    one), a = (lower + upper)/2 in eval."""
    x = _floating_only(input, "rrelu")
    if lower > upper:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    if not training:
        return LeakyRelu.apply(x, (lower + upper) / 2, None, None)
    return LeakyRelu.apply(x, lower, upper, generator_for(generator, x.device))


class Elu(Function):
    """y = s·x where x > 0, else s·α·(e^(βx) − 1)   (elu: s = β = 1; selu: s, α its constants;
    celu: s = 1, β = 1/α);  ∂y/∂x = s where x > 0, else β·(y + s·α), from the output y and a
    mask: backward never reads x."""

    @staticmethod
    def forward(ctx, x, alpha, scale, input_scale):
        xp = ctx.xp
        ctx.alpha, ctx.scale, ctx.input_scale = alpha, scale, input_scale
        positive = x > 0
        y = xp.where(positive, x * scale,
                     (scale * alpha) * xp.expm1(xp.minimum(x, 0) * input_scale))
        y = y.astype(x.dtype, copy=False)
        ctx.save_for_backward(positive, y)
        return y

    @staticmethod
    def backward(ctx, g):
        positive, y = ctx.saved_tensors
        s, b = ctx.scale, ctx.input_scale
        return where(positive, g * s, g * (b * (y + s * ctx.alpha))), None, None, None


def elu(input, alpha=1.0):
    """y = x where x > 0, else α·(eˣ − 1): the form elu_ records."""
    return Elu.apply(_floating_only(input, "elu"), alpha, 1.0, 1.0)


def selu(input):
    """y = λ·elu(x, α), Klambauer et al.'s λ ≈ 1.0507, α ≈ 1.6733: the form selu_ records."""
    return Elu.apply(_floating_only(input, "selu"), _SELU_ALPHA, _SELU_SCALE, 1.0)


def celu(input, alpha=1.0):
    """y = max(0, x) + min(0, α·(e^(x/α) − 1)): the form celu_ records."""
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    return Elu.apply(_floating_only(input, "celu"), alpha, 1.0, 1.0 / alpha)


def threshold(input, threshold, value):
    """y = x where x > threshold, else value"""
    return where(input > threshold, input, value)


# ---- alpha dropout ---------------------------------------------------------------------------

_SELU_SATURATION = _SELU_ALPHA * _SELU_SCALE      # α′: SELU tends to −α′ as x → −∞


class AlphaDropout(Function):
    """y = a·(m·x − (1 − m)·α′) + a·α′·p, m ~ Bernoulli(1 − p), α′ = λα ≈ 1.7581, and
    a = ((1 − p)·(1 + p·α′²))^(−½): a dropped unit takes SELU's saturation value −α′, and the
    affine map gives inputs of mean 0 and variance 1 outputs with the same (Klambauer et al.,
    2017).
    ∂y/∂x = a·m. The mask has x's shape, or `mask_shape` (whole channels dropped)."""
    array_backward = True

    @staticmethod
    def forward(ctx, x, p, generator, mask_shape=None):
        xp = ctx.xp
        keep = generator.uniform(mask_shape or x.shape, x.dtype) >= p
        a = 1.0 / math.sqrt((1 - p) * (1 + p * _SELU_SATURATION ** 2))
        scale = keep * x.dtype.type(a)
        shift = xp.where(keep, _SELU_SATURATION * a * p, _SELU_SATURATION * a * (p - 1))
        ctx.save_for_backward(scale)
        return x * scale + shift.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        scale, = ctx.saved_tensors
        return g * scale, None, None, None


def alpha_dropout(input, p=0.5, training=True, *, generator=None):
    """Alpha dropout of each element (identity when not training or p = 0; zeros for p = 1,
    as PyTorch)."""
    return _alpha_dropout(input, p, training, generator, None, "alpha_dropout")


def feature_alpha_dropout(input, p=0.5, training=True, *, generator=None):
    """Alpha dropout of whole channels: one draw per (sample, channel) of (N, C, *)."""
    x = floating(input, "feature_alpha_dropout")
    if x.ndim < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    mask_shape = tuple(x.shape[:2]) + (1,) * (x.ndim - 2)
    return _alpha_dropout(x, p, training, generator, mask_shape, "feature_alpha_dropout")


def _alpha_dropout(input, p, training, generator, mask_shape, name):
    x = floating(input, name)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0 or x.numel() == 0:
        return x
    if p == 1.0:
        return x * 0.0
    return AlphaDropout.apply(x, p, generator_for(generator, x.device), mask_shape)
