"""Special functions for array libraries that lack them: log-gamma, digamma and polygamma, the
inverse error function and erfc, the modified Bessel functions I₀ and I₁, and the regularized
incomplete gamma functions.

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
    i0, i1                       the power series (all terms positive) up to |x| = 25, the
                                 asymptotic series eˣ/√(2πx)·Σ aₖ/xᵏ above
    igamma, igammac              the series of P(a, x) for x < a + 1, else the continued
                                 fraction of Q(a, x) (Cephes' igam/igamc)

Accuracy: a few float64 ulps, except near the zeros of lgamma (x = 1, 2) and digamma
(x ≈ 1.4616), where the error is a few ulps of the terms, not of the result, and for
igamma with large a, whose prefactor e^(a·ln x − x − lnΓ(a)) loses about a·ln x ulps.
Special values (poles, ±inf, NaN) follow PyTorch.
"""
import contextlib
import math
from fractions import Fraction

from .erf import erf as _erf, _small as _erf_small, _erfc_middle, _erfc_large, _THRESH

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


def erfinv(xp, x):
    """erfinv(x), the y in (−inf, inf) with erf(y) = x, for −1 ≤ x ≤ 1 (±inf at ±1, NaN
    outside).

    Halley's step y ← y − 2f·f′/(2f′² − f·f″) for a = |x| ≤ ½ on f(y) = erf(y) − a, with
    f′ = 2/√π·e^(−y²) =: s and f″ = −2y·s; for a > ½ on f(y) = ln erfc(y) − ln(1 − a), with
    f′ = −s/erfc(y) and f″ = −2y·f′ − f′², which is exact to round-off even where erf(y) rounds
    to 1 and nearly linear in y² in the tail, so that the steps converge from a rough start."""
    x = x.astype(xp.float64, copy=False)
    with quiet(xp):
        magnitude = xp.abs(x)
        inside = magnitude < 1
        a = xp.where(inside, magnitude, 0.0)
        w = -xp.log((1 - a) * (1 + a))
        central = w < 5
        y = a * xp.where(central, _horner(w - 2.5, _GILES_CENTRAL),
                         _horner(xp.sqrt(w) - 3, _GILES_TAIL))
        near_one = a > 0.5
        log_rest = xp.log(1 - a)
        for _ in range(3):
            tail = erfc(xp, y)
            slope = _TWO_INV_SQRT_PI * xp.exp(-y * y)
            f = xp.where(near_one, xp.log(tail) - log_rest, _erf(xp, y) - a)
            d1 = xp.where(near_one, -slope / tail, slope)
            d2 = -2 * y * d1 - xp.where(near_one, d1 * d1, 0.0)
            y = y - 2 * f * d1 / (2 * d1 * d1 - f * d2)
        y = xp.where(inside, y, xp.where(magnitude == 1, math.inf, math.nan))
        return xp.where(x < 0, -y, xp.where(x == 0, x, y))


_BESSEL_SWITCH = 25.0
_BESSEL_SERIES_TERMS = 42        # (x/2)^(2k)/(k!)² at k = 42, x = 25: < 1e-17 of the sum
_BESSEL_ASYMPTOTIC_TERMS = 22    # the 22nd term of the asymptotic series at x = 25: < 1e-17


def _bessel_i(xp, nu, x):
    """Iᵥ(|x|) for ν = 0 or 1:
        Iᵥ(x) = Σₖ (x/2)^(2k+ν)/(k!(k + ν)!)                       x ≤ 25
        Iᵥ(x) = eˣ/√(2πx)·Σₖ (−1)ᵏ aₖ/xᵏ,  aₖ = Πⱼ≤ₖ (4ν² − (2j − 1)²)/(8j)   x > 25"""
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
        asymptotic = xp.exp(big) / xp.sqrt(2 * math.pi * big) * _horner(1 / big, coefficients)
        return xp.where(small, total, asymptotic)


def i0(xp, x):
    """I₀(x), the modified Bessel function of the first kind of order 0 (even)."""
    return _bessel_i(xp, 0, x)


def i1(xp, x):
    """I₁(x), of order 1 (odd)."""
    out = _bessel_i(xp, 1, x)
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
