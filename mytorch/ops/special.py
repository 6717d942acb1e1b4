"""Special functions (lgamma, digamma, polygamma, mvlgamma, erfc, erfinv, i0, i1, igamma,
igammac; torch.special's i0e, i1e, erfcx, ndtr, ndtri, log_ndtr, entr, zeta, xlog1py,
spherical_bessel_j0) and the remaining elementwise functions of PyTorch (copysign, fmax/fmin,
logaddexp2, float_power, ldexp, frexp, heaviside, nextafter, gcd/lcm, signbit,
isposinf/isneginf/isreal), and PyTorch's other names for ops defined elsewhere (absolute, multiply, divide, ...).

The numbers of the special functions come from mytorch/backend/special.py, computed in float64
and returned in the input's dtype; integer inputs give the default float dtype, as in PyTorch.
Each backward is written with tensor ops, so it can be differentiated again.
"""
import math

from . import arithmetic, elementwise
from .arithmetic import _Elementwise, _common, _full_like, where
from .common import floating, promote, require_tensor
from .. import dtypes, return_types
from ..autograd.function import Function
from ..backend import special as _special
from ..tensor import Tensor, _wrap

_TWO_INV_SQRT_PI = 2 / math.sqrt(math.pi)
_HALF_SQRT_PI = math.sqrt(math.pi) / 2
_LN2 = math.log(2.0)
_LN_PI = math.log(math.pi)
_SQRT_2PI = math.sqrt(2 * math.pi)
_INV_SQRT_2PI = 1 / _SQRT_2PI


def _not_implemented(name, t):
    return NotImplementedError(f"\"{name}\" not implemented for "
                               f"'{dtypes.SCALAR_TYPE_NAMES[t.dtype.name]}'")


class _Special(Function):
    """y = f(x) for the backend function the subclass's `fn` names, in x's dtype; the input is
    saved for backward."""
    fn = None

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return getattr(_special, ctx.op.fn)(ctx.xp, x).astype(x.dtype, copy=False)


class Lgamma(_Special):
    """y = ln|Γ(x)|;  ∂y/∂x = ψ(x)"""
    fn = "lgamma"

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * digamma(x)


def lgamma(input):
    return Lgamma.apply(floating(input, "lgamma"))


class Polygamma(Function):
    """y = ψ⁽ⁿ⁾(x), the n-th derivative of the digamma function ψ = Γ′/Γ (n = 0: ψ itself);
    ∂y/∂x = ψ⁽ⁿ⁺¹⁾(x)"""
    @staticmethod
    def forward(ctx, x, n):
        ctx.n = n
        ctx.save_for_backward(x)
        return _special.polygamma(ctx.xp, n, x).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * Polygamma.apply(x, ctx.n + 1), None


def digamma(input):
    """ψ(x) = d/dx ln Γ(x)"""
    return Polygamma.apply(floating(input, "digamma"), 0)


def polygamma(n, input):
    """ψ⁽ⁿ⁾(x) for an integer n ≥ 0."""
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"polygamma(): argument 'n' (position 1) must be int, not "
                        f"{type(n).__name__}")
    if n < 0:
        raise RuntimeError(f"polygamma(n, x) does not support negative n, got n = {n}")
    return Polygamma.apply(floating(input, "polygamma"), n)


def mvlgamma(input, p):
    """The multivariate log-gamma function of dimension p:
    ln Γₚ(x) = p(p − 1)/4 · ln π + Σᵢ₌₀ᵖ⁻¹ ln Γ(x − i/2)"""
    if not isinstance(p, int) or isinstance(p, bool):
        raise TypeError(f"mvlgamma(): argument 'p' must be int, not {type(p).__name__}")
    if p < 1:
        raise RuntimeError(f"mvlgamma(): p has to be greater than or equal to 1, got p = {p}")
    x = floating(input, "mvlgamma")
    total = lgamma(x)
    for i in range(1, p):
        total = total + lgamma(x - i / 2)
    return total + p * (p - 1) / 4 * _LN_PI


class Erfc(_Special):
    """y = erfc x = 1 − erf x;  ∂y/∂x = −2/√π · e^(−x²)"""
    fn = "erfc"

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * elementwise.exp(-(x * x)) * -_TWO_INV_SQRT_PI


def erfc(input):
    return Erfc.apply(floating(input, "erfc"))


class Erfinv(Function):
    """y = erf⁻¹(x) for −1 ≤ x ≤ 1;  ∂y/∂x = 1/erf′(y) = √π/2 · e^(y²)"""
    @staticmethod
    def forward(ctx, x):
        y = _special.erfinv(ctx.xp, x).astype(x.dtype, copy=False)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g * elementwise.exp(y * y) * _HALF_SQRT_PI


def erfinv(input):
    return Erfinv.apply(floating(input, "erfinv"))


class I0(_Special):
    """y = I₀(x) = Σₖ (x/2)^(2k)/(k!)², the modified Bessel function of order 0;
    ∂y/∂x = I₁(x)"""
    fn = "i0"

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * i1(x)


def i0(input):
    return I0.apply(floating(input, "i0"))


class I1(_Special):
    """y = I₁(x) = Σₖ (x/2)^(2k+1)/(k!(k + 1)!);  ∂y/∂x = I₀(x) − I₁(x)/x (½ at x = 0)"""
    fn = "i1"

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        zero = x == 0
        safe = where(zero, 1.0, x)             # the x = 0 branch is replaced, never 0/0
        return g * where(zero, 0.5, i0(x) - i1(safe) / safe)


def i1(input):
    """I₁(x): torch.special.i1 (PyTorch has no torch.i1)."""
    return I1.apply(floating(input, "i1"))


class Igamma(Function):
    """y = P(a, x) = γ(a, x)/Γ(a), the regularized lower incomplete gamma function, or with
    `upper` Q(a, x) = 1 − P(a, x);  ∂P/∂x = x^(a−1)·e^(−x)/Γ(a) = −∂Q/∂x. The derivative in
    a is not implemented (as in PyTorch): asking for it raises."""
    @staticmethod
    def forward(ctx, a, x, upper):
        ctx.upper = upper
        ctx.save_for_backward(a, x)
        return _special.igamma(ctx.xp, a, x, upper).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        a, x = ctx.saved_tensors
        if ctx.needs_input_grad[0]:
            name = "igammac" if ctx.upper else "igamma"
            raise NotImplementedError(f"the derivative for '{name}: input' is not implemented "
                                      "(only the gradient with respect to 'other', x, is)")
        density = elementwise.exp(arithmetic.xlogy(a - 1, x) - x - lgamma(a))
        return None, (-g if ctx.upper else g) * density, None


def _igamma(input, other, upper):
    name = "igammac" if upper else "igamma"
    a, x = promote(require_tensor(input, name), require_tensor(other, name, "other"), name)
    if not a.is_floating_point():
        raise _not_implemented(name, a)
    return Igamma.apply(a, x, upper)


def igamma(input, other):
    """P(a, x) = 1/Γ(a) ∫₀ˣ t^(a−1) e^(−t) dt, with a = input and x = other."""
    return _igamma(input, other, False)


def igammac(input, other):
    """Q(a, x) = 1 − P(a, x) = 1/Γ(a) ∫ₓ^∞ t^(a−1) e^(−t) dt."""
    return _igamma(input, other, True)


class I0e(_Special):
    """y = e^(−|x|)·I₀(x);  ∂y/∂x = i1e(x) − sign(x)·i0e(x)"""
    fn = "i0e"

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * (i1e(x) - elementwise.sign(x) * i0e(x))


def i0e(input):
    """e^(−|x|)·I₀(x), the exponentially scaled I₀ (torch.special.i0e)."""
    return I0e.apply(floating(input, "i0e"))


class I1e(_Special):
    """y = e^(−|x|)·I₁(x);  ∂y/∂x = i0e(x) − (sign(x) + 1/x)·i1e(x) (½ at x = 0)"""
    fn = "i1e"

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        zero = x == 0
        safe = where(zero, 1.0, x)
        slope = i0e(x) - (elementwise.sign(safe) + 1 / safe) * i1e(safe)
        return g * where(zero, 0.5, slope)


def i1e(input):
    """e^(−|x|)·I₁(x), the exponentially scaled I₁ (torch.special.i1e)."""
    return I1e.apply(floating(input, "i1e"))


class Erfcx(_Special):
    """y = erfcx(x) = e^(x²)·erfc(x);  ∂y/∂x = 2x·erfcx(x) − 2/√π"""
    fn = "erfcx"

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * (2 * x * erfcx(x) - _TWO_INV_SQRT_PI)


def erfcx(input):
    """e^(x²)·erfc(x), the scaled complementary error function (torch.special.erfcx)."""
    return Erfcx.apply(floating(input, "erfcx"))


def _normal_density(x):
    """φ(x) = e^(−x²/2)/√(2π)"""
    return elementwise.exp(x * x * -0.5) * _INV_SQRT_2PI


class Ndtr(_Special):
    """y = Φ(x) = ½·erfc(−x/√2);  ∂y/∂x = φ(x) = e^(−x²/2)/√(2π)"""
    fn = "ndtr"

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * _normal_density(x)


def ndtr(input):
    """Φ(x), the standard normal distribution function (torch.special.ndtr)."""
    return Ndtr.apply(floating(input, "ndtr"))


class Ndtri(Function):
    """y = Φ⁻¹(p) for 0 ≤ p ≤ 1;  ∂y/∂p = 1/φ(y) = √(2π)·e^(y²/2)"""
    @staticmethod
    def forward(ctx, p):
        y = _special.ndtri(ctx.xp, p).astype(p.dtype, copy=False)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g * elementwise.exp(y * y * 0.5) * _SQRT_2PI


def ndtri(input):
    """Φ⁻¹(p), the inverse of ndtr (torch.special.ndtri)."""
    return Ndtri.apply(floating(input, "ndtri"))


class LogNdtr(Function):
    """y = ln Φ(x);  ∂y/∂x = φ(x)/Φ(x) = e^(−(y + x²/2))/√(2π)"""
    @staticmethod
    def forward(ctx, x):
        y = _special.log_ndtr(ctx.xp, x).astype(x.dtype, copy=False)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        return g * elementwise.exp(-(y + x * x * 0.5)) * _INV_SQRT_2PI


def log_ndtr(input):
    """ln Φ(x), exact where Φ(x) underflows (torch.special.log_ndtr)."""
    return LogNdtr.apply(floating(input, "log_ndtr"))


class Entr(_Special):
    """y = −x·ln x (0 at x = 0, −inf for x < 0);  ∂y/∂x = −(1 + ln x)"""
    fn = "entr"

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * -(1 + elementwise.log(x))


def entr(input):
    """The elementwise entropy −x·ln x (torch.special.entr)."""
    return Entr.apply(floating(input, "entr"))


def _tensor_pair(name, input, other):
    """Both operands as tensors of their floating result dtype (one of them may be a number)."""
    a, b = _common(name, *promote(input, other, name), floating=True)
    if not isinstance(a, Tensor):
        a = _full_like(b, a)
    if not isinstance(b, Tensor):
        b = _full_like(a, b)
    return a, b


class Zeta(Function):
    """y = ζ(x, q) = Σₖ (q + k)^(−x), the Hurwitz zeta function;  ∂y/∂q = −x·ζ(x + 1, q). The
    derivative in x is not implemented (as in PyTorch): asking for it raises."""
    @staticmethod
    def forward(ctx, x, q):
        ctx.save_for_backward(x, q)
        return _special.zeta(ctx.xp, x, q).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        x, q = ctx.saved_tensors
        if ctx.needs_input_grad[0]:
            raise NotImplementedError("the derivative for 'zeta' is not implemented (only the "
                                      "gradient with respect to 'other', q, is)")
        return None, g * -x * Zeta.apply(x + 1, q)


def zeta(input, other):
    """ζ(x, q), the Hurwitz zeta function, with x = input and q = other (torch.special.zeta;
    q = 1 gives Riemann's ζ(x))."""
    return Zeta.apply(*_tensor_pair("zeta", input, other))


class Xlog1py(Function):
    """y = a·ln(1 + b), and 0 where a = 0 (NaN b stays NaN);
    ∂y/∂a = ln(1 + b) (0 where a = 0 and b ≤ −1, as in PyTorch), ∂y/∂b = a/(1 + b)"""
    @staticmethod
    def forward(ctx, a, b):
        xp = ctx.xp
        ctx.save_for_backward(a, b)
        zero = (a == 0) & ~xp.isnan(b)
        with _special.quiet(xp):
            return a * xp.log1p(xp.where(zero, 0.0, b).astype(b.dtype, copy=False))

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        ga = g * elementwise.log1p(where((a == 0) & (b <= -1), 0.0, b)) if need_a else None
        return ga, (g * a / (1 + b) if need_b else None)


def xlog1py(input, other):
    """input·ln(1 + other), 0 where input is 0; either side may be a number
    (torch.special.xlog1py)."""
    return Xlog1py.apply(*_tensor_pair("xlog1py", input, other))


def spherical_bessel_j0(input):
    """j₀(x) = sin(x)/x, the spherical Bessel function of the first kind of order 0. PyTorch
    defines no derivative: the result never requires grad."""
    x = floating(input, "spherical_bessel_j0")
    out = _special.spherical_bessel_j0(x._device.xp, x._data).astype(x._data.dtype, copy=False)
    return _wrap(out, x._device)


# ---- more elementwise functions of two operands -------------------------------------------

class Copysign(Function):
    """y = |a| with the sign of b (its sign bit: −0 counts as negative);
    ∂y/∂a = sign(a)·(±1 by the sign of b), 0 at a = 0 (as in PyTorch), ∂y/∂b = 0"""
    array_backward = True

    @staticmethod
    def forward(ctx, a, b):
        xp = ctx.xp
        y = xp.copysign(a, b)
        ctx.save_for_backward(xp.sign(a) * xp.copysign(xp.ones_like(y), b))
        return y

    @staticmethod
    def backward(ctx, g):
        factor, = ctx.saved_tensors
        return g * factor, (g * 0 if ctx.needs_input_grad[1] else None)


def copysign(input, other):
    """|input| with the sign of other (a tensor or a number); a floating result."""
    require_tensor(input, "copysign")
    return Copysign.apply(*_common("copysign", *promote(input, other, "copysign"), floating=True))


class _Fextremum(Function):
    """y = fmax(a, b) or fmin(a, b): the larger (smaller) operand, ignoring a NaN unless both
    are NaN;  the gradient goes to a where a ≥ b (a ≤ b) or b is NaN, else to b (PyTorch's
    rule: ties go to a, not split as in maximum)"""
    @staticmethod
    def forward(ctx, a, b, smallest):
        xp = ctx.xp
        ctx.save_for_backward(((a <= b) if smallest else (a >= b)) | xp.isnan(b))
        return (xp.fmin if smallest else xp.fmax)(a, b)

    @staticmethod
    def backward(ctx, g):
        to_a, = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad[:2]
        return (where(to_a, g, 0.0) if need_a else None), \
            (where(to_a, 0.0, g) if need_b else None), None


def fmax(input, other):
    """Elementwise maximum that ignores NaN (NaN only where both are)."""
    a, b = promote(require_tensor(input, "fmax"), require_tensor(other, "fmax", "other"), "fmax")
    return _Fextremum.apply(a, b, False)


def fmin(input, other):
    """Elementwise minimum that ignores NaN (NaN only where both are)."""
    a, b = promote(require_tensor(input, "fmin"), require_tensor(other, "fmin", "other"), "fmin")
    return _Fextremum.apply(a, b, True)


class Logaddexp2(Function):
    """y = log₂(2ᵃ + 2ᵇ), without overflow;  ∂y/∂a = σ((a − b)·ln 2), ∂y/∂b = σ((b − a)·ln 2)"""
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return ctx.xp.logaddexp2(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (g * elementwise.sigmoid((a - b) * _LN2) if need_a else None), \
            (g * elementwise.sigmoid((b - a) * _LN2) if need_b else None)


def logaddexp2(input, other):
    a, b = _common("logaddexp2", require_tensor(input, "logaddexp2"),
                   require_tensor(other, "logaddexp2", "other"), floating=True)
    return Logaddexp2.apply(a, b)


def float_power(input, exponent):
    """input ** exponent computed in float64 whatever the dtypes (either may be a number)."""
    if not isinstance(input, Tensor) and not isinstance(exponent, Tensor):
        raise TypeError(f"float_power(): expected at least one Tensor operand, got "
                        f"{type(input).__name__} and {type(exponent).__name__}")
    operands = [x.double() if isinstance(x, Tensor) else x for x in (input, exponent)]
    return arithmetic.pow(*operands)


def ldexp(input, other):
    """input·2^other, computed as PyTorch does: input * pow(2, other)."""
    require_tensor(input, "ldexp")
    require_tensor(other, "ldexp", "other")
    return arithmetic.mul(input, arithmetic.pow(2.0, other))


class Frexp(Function):
    """x = m·2ᵉ with ½ ≤ |m| < 1 (m = e = 0 at x = 0; inf and NaN keep e = 0): (m, e), e as
    int32;  ∂m/∂x = 2⁻ᵉ (e is piecewise constant)"""
    @staticmethod
    def forward(ctx, x):
        xp = ctx.xp
        mantissa, exponent = xp.frexp(x)
        exponent = exponent.astype(xp.int32, copy=False)
        ctx.save_for_backward(exponent)
        return mantissa, exponent

    @staticmethod
    def backward(ctx, g, _):
        exponent, = ctx.saved_tensors
        return g / arithmetic.pow(2.0, exponent.to(g.dtype))


def frexp(input):
    """(mantissa, exponent) with input = mantissa·2^exponent, ½ ≤ |mantissa| < 1."""
    require_tensor(input, "frexp")
    if not input.is_floating_point():
        raise RuntimeError(f"frexp() only supports floating-point dtypes, got {input.dtype}")
    return return_types.frexp(*Frexp.apply(input))


class _NoDerivative(Function):
    """An elementwise function without a derivative in PyTorch, `fn(xp, *arrays)`: its result
    requires grad when an input does (as PyTorch's), and backward through it raises rather than
    treating it as a constant."""
    @staticmethod
    def forward(ctx, *arrays, fn, name):
        ctx.fn_name = name
        return fn(ctx.xp, *arrays)

    @staticmethod
    def backward(ctx, *grads):
        raise NotImplementedError(f"the derivative for '{ctx.fn_name}' is not implemented")


def _heaviside(xp, x, values):
    return xp.where(x == 0, values, x > 0).astype(x.dtype, copy=False)


def heaviside(input, values):
    """H(x) = 0 for x < 0, `values` at x = 0, 1 for x > 0 (and 0 for NaN, as PyTorch)."""
    require_tensor(input, "heaviside")
    require_tensor(values, "heaviside", "values")
    if input.dtype is not values.dtype:
        raise RuntimeError(f"heaviside is not yet implemented for tensors with different dtypes "
                           f"(got {input.dtype} and {values.dtype})")
    return _NoDerivative.apply(input, values, fn=_heaviside, name="heaviside")


def _nextafter(xp, a, b):
    return xp.nextafter(a, b)


def nextafter(input, other):
    """The next floating-point value after input in the direction of other."""
    a, b = promote(require_tensor(input, "nextafter"), require_tensor(other, "nextafter", "other"),
                   "nextafter")
    if not a.is_floating_point():
        raise _not_implemented("nextafter", a)
    return _NoDerivative.apply(a, b, fn=_nextafter, name="nextafter")


def _integer_only(name, fn):
    def op(input, other):
        a, b = promote(require_tensor(input, name), require_tensor(other, name, "other"), name)
        if a._data.dtype.kind not in "iu":
            raise _not_implemented(name, a)
        return _Elementwise.apply(a, b, fn=fn)
    op.__name__ = name
    return op


gcd = _integer_only("gcd", "gcd")
gcd.__doc__ = "The greatest common divisor of integer tensors, ≥ 0 (gcd(0, 0) = 0)."
lcm = _integer_only("lcm", "lcm")
lcm.__doc__ = "The least common multiple of integer tensors, ≥ 0 (0 if either is 0)."


def signbit(input):
    """True where the sign bit is set: x < 0, and −0.0 and NaNs with the sign bit too."""
    require_tensor(input, "signbit")
    if input.is_floating_point():
        return _Elementwise.apply(input, fn="signbit")
    return arithmetic.lt(input, 0)


def isposinf(input):
    """True where x = +inf."""
    return arithmetic.eq(require_tensor(input, "isposinf"), math.inf)


def isneginf(input):
    """True where x = −inf."""
    return arithmetic.eq(require_tensor(input, "isneginf"), -math.inf)


def isreal(input):
    """True everywhere: mytorch has no complex tensors."""
    require_tensor(input, "isreal")
    return _wrap(input._device.xp.ones(input._data.shape, dtype=bool), input._device)


# ---- PyTorch's other names for ops defined elsewhere ----------------------------------------

absolute = elementwise.abs
negative = elementwise.neg
multiply = arithmetic.mul
divide = arithmetic.div
subtract = arithmetic.sub


def true_divide(dividend, divisor):
    """dividend / divisor, true division: div without a rounding mode."""
    return arithmetic.div(dividend, divisor)
