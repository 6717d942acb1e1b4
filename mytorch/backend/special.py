"""Special functions for array libraries that lack them: log-gamma, digamma and polygamma, the
inverse error function, erfc and erfcx, the normal distribution (ndtr, log_ndtr, ndtri), the
modified Bessel functions I₀ and I₁ (and their scaled forms), the regularized incomplete gamma
functions, the Hurwitz zeta function, entr and the spherical Bessel function j₀.

NumPy has none of these for arrays (np.i0 aside), so they are written here once, with array
operations only (`xp` is NumPy, CuPy or any namespace like them), in float64; the caller casts
the result back to its input's dtype. The methods are the textbook ones, chosen so that every
sum adds terms of one sign:

    lgamma, digamma, polygamma   the recurrence Γ(x + 1) = xΓ(x) moves x up past a threshold,
                                 where Stirling's asymptotic series is exact to round-off;
                                 x < 0 is reflected (Γ(x)Γ(1 − x) = π/sin πx)
    erfinv                       M. Giles' single-precision approximation ("Approximating the
                                 erfinv function", GPU Computing Gems, 2011), then three Halley
                                 steps on erf (on ln erfc near ±1, where 1 − |x| is exact)
    ndtri                        the same, from ln 2q for q = min(p, 1 − p)
    erfcx, ndtr, log_ndtr        Cody's erfc ranges without their factor e^(−x²)
    i0, i1, i0e, i1e             the power series (all terms positive) up to |x| = 25, the
                                 asymptotic series eˣ/√(2πx)·Σ aₖ/xᵏ above
    zeta                         Euler–Maclaurin summation (Cephes' zeta)
    igamma, igammac              the series of P(a, x) for x < a + 1, else the continued
                                 fraction of Q(a, x) (Cephes' igam/igamc)

Accuracy: a few float64 ulps, except near the zeros of lgamma (x = 1, 2) and digamma
(x ≈ 1.4616), where the error is a few ulps of the terms, not of the result, and for
igamma with large a, whose prefactor e^(a·ln x − x − lnΓ(a)) loses about a·ln x ulps, and
ndtr far left, where the rounding of x/√2 costs about x² ulps (1e-13 at x = −29), as in PyTorch.
Special values (poles, ±inf, NaN) follow PyTorch.
"""
import contextlib
import math
from fractions import Fraction

from .erf import (erf as _erf, _small as _erf_small, _erfc_middle, _erfc_large, _ratio, _THRESH,
                  _C, _D, _P, _Q, _INV_SQRT_PI)

_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)
_SHIFT = 10.0         # lgamma and digamma: Stirling's series from here up

# Stirling's series: lnΓ(x) = (x − ½)ln x − x + ½ln 2π + Σₖ B₂ₖ/(2k(2k − 1)x^(2k−1)), and
# ψ(x) = ln x − 1/(2x) − Σₖ B₂ₖ/(2k·x^(2k)); with x ≥ 10 the first omitted term is < 1e-17
_BERNOULLI = [Fraction(1, 6), Fraction(-1, 30), Fraction(1, 42), Fraction(-1, 30),
              Fraction(5, 66), Fraction(-691, 2730), Fraction(7, 6), Fraction(-3617, 510),
              Fraction(43867, 798)]
_LGAMMA_SERIES = [float(b / (2 * k * (2 * k - 1))) for k, b in enumerate(_BERNOULLI[:8], 1)]
_DIGAMMA_SERIES = [float(b / (2 * k)) for k, b in enumerate(_BERNOULLI[:8], 1)]


def quiet(xp):
    """A context in which `xp` does not warn about inf and NaN (NumPy's errstate; libraries
    without one, like CuPy, never warn)."""
    errstate = getattr(xp, "errstate", None)
    return errstate(all="ignore") if errstate is not None else contextlib.nullcontext()


def _horner(z, coefficients):
    """c₀ + c₁z + c₂z² + …"""
    out = z * 0 + coefficients[-1]
    for c in coefficients[-2::-1]:
        out = out * z + c
    return out


def _shift_up(xp, x, threshold, term):
    """(z, Σ term(x + k)) for the k = 0, 1, … that keep x + k below `threshold` (x ≥ 0),
    z = x moved up past it: the recurrences lnΓ(x) = lnΓ(x + 1) − ln x and ψ⁽ⁿ⁾(x) =
    ψ⁽ⁿ⁾(x + 1) − (−1)ⁿ⁺¹·n!/x^(n+1) in whole-array steps."""
    z = x
    total = xp.zeros_like(x)
    for _ in range(int(math.ceil(threshold))):
        below = z < threshold
        total = total + xp.where(below, term(z), 0.0)
        z = xp.where(below, z + 1, z)
    return z, total


def _reflected(xp, x):
    """(x < 0, r) with r = x − round(x) ∈ [−½, ½]: sin πx = ±sin πr, cot πx = cot πr, with
    r exact however large x is."""
    return x < 0, x - xp.round(x)


def lgamma(xp, x):
    """ln|Γ(x)|: +inf at the poles 0, −1, −2, … and at ±inf."""
    x = x.astype(xp.float64, copy=False)
    with quiet(xp):
        negative, r = _reflected(xp, x)
        a = xp.where(negative, 1 - x, x)                # a ≥ 0
        # lnΓ(a) = lnΓ(z) − ln(a(a + 1)…(z − 1)): a product of at most 10 factors
        z, log_product = _shift_up(xp, a, _SHIFT, lambda t: xp.log(xp.abs(t)))
        w = 1 / z
        stirling = (z - 0.5) * xp.log(z) - z + _LOG_SQRT_2PI + w * _horner(w * w, _LGAMMA_SERIES)
        positive = stirling - log_product
        # x < 0: lnΓ(x) = ln(π/|sin πx|) − lnΓ(1 − x)
        reflected = math.log(math.pi) - xp.log(xp.abs(xp.sin(math.pi * r))) - positive
        out = xp.where(negative, reflected, positive)
        return xp.where(xp.isinf(x), math.inf, out)


def digamma(xp, x):
    """ψ(x) = Γ′(x)/Γ(x): −inf at 0, +inf at −0, NaN at −1, −2, … (as PyTorch)."""
    x = x.astype(xp.float64, copy=False)
    with quiet(xp):
        negative, r = _reflected(xp, x)
        a = xp.where(negative, 1 - x, x)
        z, reciprocals = _shift_up(xp, a, _SHIFT, lambda t: 1 / t)
        w = 1 / (z * z)
        positive = xp.log(z) - 0.5 / z - w * _horner(w, _DIGAMMA_SERIES) - reciprocals
        # x < 0: ψ(x) = ψ(1 − x) − π·cot πx
        reflected = xp.where(r == 0, math.nan, positive - math.pi / xp.tan(math.pi * r))
        out = xp.where(negative, reflected, positive)
        return xp.where(x == 0, xp.where(xp.signbit(x), math.inf, -math.inf), out)


def _cot_derivative(n):
    """The polynomial Pₙ with dⁿ/duⁿ cot u = Pₙ(cot u), as its coefficients: P₀(c) = c and
    Pₖ₊₁(c) = −(1 + c²)·Pₖ′(c), since d/du cot u = −(1 + cot²u)."""
    p = [0, 1]
    for _ in range(n):
        dp = [i * c for i, c in enumerate(p)][1:] or [0]
        p = [-(a + b) for a, b in zip(dp + [0, 0], [0, 0] + dp)]
    return [float(c) for c in p]


def _polygamma_threshold(n, terms=8):
    """The x above which Stirling's series for ψ⁽ⁿ⁾ with `terms` terms is exact to 1e-17:
    its first omitted term, B₂ₖ·C(2k + n − 1, 2k)/x^(2k) relative to the leading one, is
    below that."""
    k = terms + 1
    size = abs(float(_BERNOULLI[k - 1])) * math.comb(2 * k + n - 1, 2 * k)
    return max(_SHIFT, math.ceil((size / 1e-17) ** (1 / (2 * k))))


def polygamma(xp, n, x):
    """ψ⁽ⁿ⁾(x), the n-th derivative of digamma (n ≥ 0); ±inf at the poles 0, −1, −2, …

    For x ≥ threshold (Stirling):
        ψ⁽ⁿ⁾(x) = (−1)ⁿ⁺¹ (n − 1)!/xⁿ · (1 + n/(2x) + Σₖ B₂ₖ·C(2k + n − 1, 2k)/x^(2k))
    below it, ψ⁽ⁿ⁾(x) = ψ⁽ⁿ⁾(x + 1) + (−1)ⁿ⁺¹ n!/x^(n+1); and for x < 0 the reflection
        ψ⁽ⁿ⁾(x) = (−1)ⁿ ψ⁽ⁿ⁾(1 − x) − πⁿ⁺¹ Pₙ(cot πx)   (Pₙ: see _cot_derivative)."""
    if n == 0:
        return digamma(xp, x)
    x = x.astype(xp.float64, copy=False)
    sign = 1.0 if n % 2 else -1.0                       # (−1)ⁿ⁺¹
    try:
        n_factorial, lead = float(math.factorial(n)), float(math.factorial(n - 1))
    except OverflowError:
        n_factorial = lead = math.inf
    series = [1.0] + [float(b) * math.comb(2 * k + n - 1, 2 * k)
                      for k, b in enumerate(_BERNOULLI[:8], 1)]
    with quiet(xp):
        negative, r = _reflected(xp, x)
        a = xp.where(negative, 1 - x, x)
        z, inverse_powers = _shift_up(xp, a, _polygamma_threshold(n),
                                      lambda t: 1 / t ** (n + 1))
        w = 1 / z
        stirling = lead * w ** n * (_horner(w * w, series) + n * 0.5 * w)
        positive = sign * (stirling + n_factorial * inverse_powers)
        cot = 1 / xp.tan(math.pi * r)
        reflected = -sign * positive - math.pi ** (n + 1) * _horner(cot, _cot_derivative(n))
        reflected = xp.where(r == 0, sign * math.inf, reflected)
        return xp.where(negative, reflected, positive)


def erfc(xp, x):
    """erfc(x) = 1 − erf(x), without the cancellation for large x: Cody's erfc ranges (see
    erf.py) for |x| > 0.46875, and erfc(−x) = 2 − erfc(x)."""
    x = x.astype(xp.float64, copy=False)
    with quiet(xp):
        y = xp.abs(x)
        small = y <= _THRESH
        middle = y <= 4.0
        tail = xp.where(middle, _erfc_middle(xp, xp.where(middle, y, 1.0)),
                        _erfc_large(xp, xp.where(middle, 5.0, xp.minimum(y, 30.0))))
        tail = xp.where(x < 0, 2 - tail, tail)
        out = xp.where(small, 1 - _erf_small(xp.where(small, x, 0.0)), tail)
        return xp.where(xp.isnan(x), x, out)


# Giles' approximation, w = −ln((1 − x)(1 + x)): erfinv(x) ≈ x·p(w − 2.5) for w < 5, else
# x·q(√w − 3); relative error about 1e-7 for 1 − |x| > 1e-7 and worse in the far tail, which
# three Halley steps take below float64 round-off
_GILES_CENTRAL = (1.50140941, 0.246640727, -0.00417768164, -0.00125372503, 0.00021858087,
                  -4.39150654e-06, -3.5233877e-06, 3.43273939e-07, 2.81022636e-08)
_GILES_TAIL = (2.83297682, 1.00167406, 0.00943887047, -0.0076224613, 0.00573950773,
               -0.00367342844, 0.00134934322, 0.000100950558, -0.000200214257)
_TWO_INV_SQRT_PI = 2 / math.sqrt(math.pi)


def _inverse_erf(xp, a, log_rest):
    """The y ≥ 0 with erf(y) = a, for 0 ≤ a < 1 given together with log_rest = ln(1 − a), which
    the caller may know more exactly than a itself (ndtri does).

    The start: Giles' approximation for w = −ln((1 − a)(1 + a)) ≤ 36, beyond it the asymptotic
    y² ≈ w − ½ln(πw) (from erfc y ≈ e^(−y²)/(y√π)). Then Halley's step
    y ← y − 2f·f′/(2f′² − f·f″) for a ≤ ½ on f(y) = erf(y) − a, with f′ = 2/√π·e^(−y²) and
    f″ = −2y·f′; for a > ½ on f(y) = ln erfc(y) − log_rest = ln erfcx(y) − y² − log_rest, with
    f′ = −2/√π/erfcx(y) and f″ = −2y·f′ − f′², which is exact to round-off even where erf(y)
    rounds to 1 or erfc(y) underflows, and nearly linear in y² in the tail, so that the steps
    converge from a rough start."""
    w = -(log_rest + xp.log1p(a))
    far = w > 36
    tail = _horner(xp.sqrt(xp.where(far, 36.0, w)) - 3, _GILES_TAIL)
    tail = xp.where(far, xp.sqrt(w - 0.5 * xp.log(math.pi * w)) / xp.maximum(a, 0.5), tail)
    y = a * xp.where(w < 5, _horner(w - 2.5, _GILES_CENTRAL), tail)
    near_one = a > 0.5
    for _ in range(3):
        scaled = erfcx(xp, y)
        f = xp.where(near_one, xp.log(scaled) - y * y - log_rest, _erf(xp, y) - a)
        d1 = xp.where(near_one, -_TWO_INV_SQRT_PI / scaled, _TWO_INV_SQRT_PI * xp.exp(-y * y))
        d2 = -2 * y * d1 - xp.where(near_one, d1 * d1, 0.0)
        y = y - 2 * f * d1 / (2 * d1 * d1 - f * d2)
    return y


def erfinv(xp, x):
    """erfinv(x), the y in (−inf, inf) with erf(y) = x, for −1 ≤ x ≤ 1 (±inf at ±1, NaN
    outside); see _inverse_erf."""
    x = x.astype(xp.float64, copy=False)
    with quiet(xp):
        magnitude = xp.abs(x)
        inside = magnitude < 1
        a = xp.where(inside, magnitude, 0.0)
        y = _inverse_erf(xp, a, xp.log1p(-a))
        y = xp.where(inside, y, xp.where(magnitude == 1, math.inf, math.nan))
        return xp.where(x < 0, -y, xp.where(x == 0, x, y))


def _exp_square(xp, y):
    """e^(y²), with y² split as r² + (y − r)(y + r), r = y rounded down to a multiple of 1/16
    (r² is exact), so that the rounding of y² does not grow with the exponent."""
    r = xp.floor(y * 16.0) / 16.0
    return xp.exp(r * r) * xp.exp((y - r) * (y + r))


def erfcx(xp, x):
    """erfcx(x) = e^(x²)·erfc(x), the scaled complementary error function: Cody's erfc ranges
    without their factor e^(−x²) for |x| > 0.46875 (so erfcx(x) ~ 1/(x√π) never underflows),
    and erfcx(−x) = 2e^(x²) − erfcx(x) (+inf below x ≈ −26.6: e^(x²) overflows)."""
    x = x.astype(xp.float64, copy=False)
    with quiet(xp):
        y = xp.abs(x)
        small = y <= _THRESH
        middle = y <= 4.0
        ym = xp.where(middle, y, 1.0)
        z = 1.0 / (y * y)
        large = (_INV_SQRT_PI - z * _ratio(z, _P[5], _P[:5], _Q[:5])) / y
        tail = xp.where(middle, _ratio(ym, _C[8], _C[:8], _D[:8]), large)
        tail = xp.where(x < 0, xp.where(y < 27, 2 * _exp_square(xp, y) - tail, math.inf), tail)
        xs = xp.where(small, x, 0.0)
        return xp.where(small, xp.exp(xs * xs) * (1 - _erf_small(xs)), tail)


_SQRT_HALF = math.sqrt(0.5)


def ndtr(xp, x):
    """Φ(x) = ½·erfc(−x/√2), the standard normal distribution function (PyTorch's split: ½ +
    ½·erf(t) for |t| < √½, t = x/√2, else ½·erfc(|t|), mirrored for x > 0)."""
    x = x.astype(xp.float64, copy=False)
    with quiet(xp):
        t = x * _SQRT_HALF
        half_tail = 0.5 * erfc(xp, xp.abs(t))
        out = xp.where(x > 0, 1 - half_tail, half_tail)
        return xp.where(xp.abs(t) < _SQRT_HALF, 0.5 + 0.5 * _erf(xp, t), out)


def log_ndtr(xp, x):
    """ln Φ(x): ln(erfcx(−t)/2) − t² for x < −1 (t = x/√2), where Φ underflows, else
    log1p(−erfc(t)/2) (PyTorch's formulas)."""
    x = x.astype(xp.float64, copy=False)
    with quiet(xp):
        t = x * _SQRT_HALF
        low = x < -1
        tl = xp.where(low, t, -1.0)
        th = xp.where(low, 0.0, t)
        return xp.where(low, xp.log(erfcx(xp, -tl) / 2) - tl * tl, xp.log1p(-erfc(xp, th) / 2))


def ndtri(xp, p):
    """Φ⁻¹(p), the x with Φ(x) = p, for 0 ≤ p ≤ 1 (∓inf at 0 and 1, NaN outside):
    x = ∓√2·erfinv(1 − 2q) with q = min(p, 1 − p), computed by _inverse_erf from ln 2q, which
    is exact where 1 − 2q is not."""
    p = p.astype(xp.float64, copy=False)
    with quiet(xp):
        inside = (p > 0) & (p < 1)
        q = xp.where(inside, xp.minimum(p, 1 - p), 0.5)
        z = math.sqrt(2) * _inverse_erf(xp, 1 - 2 * q, xp.log(2 * q))
        out = xp.where(p < 0.5, -z, z)
        edge = xp.where(p == 0, -math.inf, xp.where(p == 1, math.inf, math.nan))
        return xp.where(inside, out, edge)


_BESSEL_SWITCH = 25.0
_BESSEL_SERIES_TERMS = 42        # (x/2)^(2k)/(k!)² at k = 42, x = 25: < 1e-17 of the sum
_BESSEL_ASYMPTOTIC_TERMS = 22    # the 22nd term of the asymptotic series at x = 25: < 1e-17


def _bessel_i(xp, nu, x, scaled=False):
    """Iᵥ(|x|) for ν = 0 or 1, or with `scaled` e^(−|x|)·Iᵥ(|x|):
        Iᵥ(x) = Σₖ (x/2)^(2k+ν)/(k!(k + ν)!)                       x ≤ 25
        Iᵥ(x) = eˣ/√(2πx)·Σₖ (−1)ᵏ aₖ/xᵏ,  aₖ = Πⱼ≤ₖ (4ν² − (2j − 1)²)/(8j)   x > 25
    (the scaled asymptotic form drops eˣ, so it never overflows)"""
    y = xp.abs(x.astype(xp.float64, copy=False))
    with quiet(xp):
        small = y <= _BESSEL_SWITCH
        s = xp.where(small, y, 0.0)
        q = s * s / 4
        term = (s / 2) ** nu
        total = term
        for k in range(1, _BESSEL_SERIES_TERMS + 1):
            term = term * q / (k * (k + nu))
            total = total + term
        big = xp.where(small, 2 * _BESSEL_SWITCH, y)
        coefficient, coefficients = 1.0, [1.0]
        for j in range(1, _BESSEL_ASYMPTOTIC_TERMS + 1):
            coefficient *= (4 * nu * nu - (2 * j - 1) ** 2) / (8 * j)
            coefficients.append(coefficient * (-1) ** j)
        series = _horner(1 / big, coefficients)
        if scaled:
            return xp.where(small, total * xp.exp(-s), series / xp.sqrt(2 * math.pi * big))
        return xp.where(small, total, xp.exp(big) / xp.sqrt(2 * math.pi * big) * series)


def i0(xp, x):
    """I₀(x), the modified Bessel function of the first kind of order 0 (even)."""
    return _bessel_i(xp, 0, x)


def i1(xp, x):
    """I₁(x), of order 1 (odd)."""
    out = _bessel_i(xp, 1, x)
    return xp.where(x < 0, -out, out)


def i0e(xp, x):
    """e^(−|x|)·I₀(x), finite for every finite x (0 at ±inf)."""
    return _bessel_i(xp, 0, x, scaled=True)


def i1e(xp, x):
    """e^(−|x|)·I₁(x) (odd)."""
    out = _bessel_i(xp, 1, x, scaled=True)
    return xp.where(x < 0, -out, out)


_EPS = 2.0 ** -53
_BIG, _BIG_INVERSE = 2.0 ** 52, 2.0 ** -52
_MAX_ITERATIONS = 100_000


def _prefactor(xp, a, x):
    """xᵃe⁻ˣ/Γ(a)"""
    return xp.exp(a * xp.log(x) - x - lgamma(xp, a))


def _lower_series(xp, a, x):
    """P(a, x) = xᵃe⁻ˣ/Γ(a + 1) · Σₖ xᵏ/((a + 1)(a + 2)…(a + k)): positive terms that fall
    once a + k > x, so it converges fast where x < a + 1."""
    r, term, total = a, x * 0 + 1, x * 0 + 1
    for _ in range(_MAX_ITERATIONS // 16):
        for _ in range(16):
            r = r + 1
            term = term * x / r
            total = total + term
        if not bool((term > _EPS * total).any()):
            break
    return total * _prefactor(xp, a, x) / a


def _upper_fraction(xp, a, x):
    """Q(a, x) = xᵃe⁻ˣ/Γ(a) · 1/(x + 1 − a − 1·(1 − a)/(x + 3 − a − 2(2 − a)/(x + 5 − a − …)))
    by its convergents pₖ/qₖ (rescaled when they grow large), for x ≥ a + 1."""
    y, z, c = 1 - a, x + 2 - a, x * 0
    p2, q2, p1, q1 = x * 0 + 1, x, x + 1, z * x
    ans = p1 / q1
    done = x != x                           # an element is frozen once it has converged:
    for _ in range(_MAX_ITERATIONS // 16):  # further convergents only drift in round-off
        for _ in range(16):
            c, y, z = c + 1, y + 1, z + 2
            yc = y * c
            p, q = p1 * z - p2 * yc, q1 * z - q2 * yc
            r = xp.where(q != 0, p / xp.where(q != 0, q, 1.0), ans)
            done = done | (xp.abs(ans - r) <= _EPS * xp.abs(r))
            ans = xp.where(done, ans, r)
            p2, q2, p1, q1 = p1, q1, p, q
            large = xp.abs(p) > _BIG
            p2, q2, p1, q1 = (xp.where(large, v * _BIG_INVERSE, v) for v in (p2, q2, p1, q1))
        if bool(done.all()):
            break
    return ans * _prefactor(xp, a, x)


def igamma(xp, a, x, upper=False):
    """P(a, x) = γ(a, x)/Γ(a) = 1/Γ(a)·∫₀ˣ tᵃ⁻¹e⁻ᵗ dt, the regularized lower incomplete gamma
    function (a > 0, x ≥ 0), or with `upper` Q(a, x) = 1 − P(a, x). The edges as PyTorch:
    P(0, x > 0) = 1, P(a, 0) = 0, P(a, inf) = 1, P(inf, x) = 0; NaN for a < 0, x < 0, and
    a = x = 0."""
    a, x = xp.broadcast_arrays(a.astype(xp.float64, copy=False), x.astype(xp.float64, copy=False))
    with quiet(xp):
        regular = (a > 0) & (x > 0) & xp.isfinite(a) & xp.isfinite(x)
        series = regular & (x < a + 1)
        fraction = regular & ~series
        # each method sees harmless values outside its own range (they converge at once)
        p = _lower_series(xp, xp.where(series, a, 1.0), xp.where(series, x, 0.5))
        q = _upper_fraction(xp, xp.where(fraction, a, 1.0), xp.where(fraction, x, 2.0))
        lower = xp.where(series, p, 1 - q)
        # the edges: P = 1 where a = 0 or x = inf (x > 0), 0 where x = 0 or a = inf
        one = ((a == 0) & (x > 0)) | ((x == math.inf) & (a >= 0) & (a < math.inf))
        zero = ((x == 0) & (a > 0)) | ((a == math.inf) & (x >= 0) & (x < math.inf))
        lower = xp.where(one, 1.0, xp.where(zero, 0.0, xp.where(regular, lower, math.nan)))
        if not upper:
            return lower
        return xp.where(fraction, q, xp.where(series, 1 - p, 1 - lower))


# Euler–Maclaurin's tail for ζ(x, q): the (2j)!/B₂ⱼ for j = 1…12 (B₂₀, B₂₂, B₂₄ join the nine
# Bernoulli numbers above)
_ZETA_DIVISORS = [float(math.factorial(2 * j) / b) for j, b in enumerate(
    _BERNOULLI + [Fraction(-174611, 330), Fraction(854513, 138), Fraction(-236364091, 2730)], 1)]
_ZETA_SHIFT = 9


def zeta(xp, x, q):
    """ζ(x, q) = Σₖ₌₀^∞ (q + k)^(−x), the Hurwitz zeta function (x > 1), by Euler–Maclaurin
    summation as Cephes' zeta: with w = q + n (n = 9, more for q < 0, so that w > 9),
        ζ(x, q) = Σₖ₌₀ⁿ⁻¹ (q + k)^(−x) + w^(1−x)/(x − 1) + w^(−x)/2
                  + Σⱼ₌₁¹² B₂ⱼ/(2j)!·x(x + 1)…(x + 2j − 2)·w^(−x−2j+1)
    and (1/(x − 1) + 1/(2q))·q^(1−x) for q > 1e8. The edges as PyTorch: +inf at x = 1 and at
    q = 0, −1, −2, …; NaN for x < 1, and for q < 0 with x not an integer."""
    x, q = xp.broadcast_arrays(x.astype(xp.float64, copy=False), q.astype(xp.float64, copy=False))
    with quiet(xp):
        pole = (x == 1) | ((x > 1) & (q <= 0) & (q == xp.floor(q)))
        undefined = (x < 1) | ((q < 0) & (x != xp.floor(x)))
        regular = ~pole & ~undefined
        x = xp.where(regular, x, 2.0)
        q = xp.where(regular, q, 1.0)
        extra = xp.where(q < 0, xp.ceil(-q), 0.0)       # q < 0: shift by ⌈−q⌉ more
        steps = _ZETA_SHIFT + (int(extra.max()) if extra.size else 0)
        n = _ZETA_SHIFT + extra
        total = xp.zeros_like(q)
        for k in range(steps):
            total = total + xp.where(k < n, (q + k) ** -x, 0.0)
        w = q + n
        b = w ** -x
        total = total + w * b / (x - 1) + 0.5 * b
        rising = xp.ones_like(x)
        for j, divisor in enumerate(_ZETA_DIVISORS):
            rising = rising * (x + 2 * j)
            b = b / w
            total = total + rising * b / divisor
            rising = rising * (x + 2 * j + 1)
            b = b / w
        far = (1 / (x - 1) + 0.5 / q) * q ** (1 - x)
        out = xp.where(q > 1e8, far, total)
        return xp.where(pole, math.inf, xp.where(undefined, math.nan, out))


def entr(xp, x):
    """−x·ln x for x > 0, 0 at x = 0, −inf for x < 0 (NaN stays NaN)."""
    with quiet(xp):
        out = xp.where(x > 0, -x * xp.log(xp.where(x > 0, x, 1)), xp.where(x == 0, 0, -math.inf))
        return xp.where(xp.isnan(x), x, out).astype(x.dtype, copy=False)


_SPHERICAL_SERIES = [(-1) ** k / math.factorial(2 * k + 1) for k in range(12)]


def spherical_bessel_j0(xp, x):
    """j₀(x) = sin(x)/x, by its series Σₖ (−x²)ᵏ/(2k + 1)! for |x| < ½; 0 at ±inf."""
    x = x.astype(xp.float64, copy=False)
    with quiet(xp):
        small = xp.abs(x) < 0.5
        safe = xp.where(small | xp.isinf(x), 1.0, x)
        out = xp.where(small, _horner(x * x, _SPHERICAL_SERIES), xp.sin(safe) / safe)
        return xp.where(xp.isinf(x), 0.0, out)
