"""Op table rows: the special functions (lgamma, digamma, polygamma, mvlgamma, erfc, erfinv, i0,
i1, igamma, igammac; torch.special's i0e, i1e, erfcx, ndtr, ndtri, log_ndtr, entr, zeta,
xlog1py) and the newer binary functions (copysign, fmax/fmin, logaddexp2,
float_power, ldexp, frexp).

The references are written independently of mytorch/backend/special.py: Python's math.lgamma
and math.erfc, NumPy's i0, plain power series, bisection on math.erf, and ψ⁽ⁿ⁾ and ζ(x, q) from a
shift of 1000 (where three terms of the asymptotic series suffice)."""
import math

import numpy as np

import mytorch as mt
from .spec import OpSpec, Sample, uniform, away_from

SHAPES = [(), (5,), (2, 3)]
PAIRS = [((), ()), ((4,), (4,)), ((2, 3), (3,)), ((2, 1), (1, 3))]


def _between(lo, hi):
    return lambda rng, shape: rng.uniform(lo, hi, size=shape)


def _unary_samples(make):
    return lambda rng: [Sample((make(rng, s),)) for s in SHAPES]


def _pair_samples(make_a, make_b):
    return lambda rng: [Sample((make_a(rng, a), make_b(rng, b))) for a, b in PAIRS]


def _elementwise(f):
    return lambda x: np.vectorize(f, otypes=[float])(x)


def _polygamma_ref(n, x, shift=1000):
    """ψ⁽ⁿ⁾(x) for x > 0: the recurrence down from y = x + 1000, where
    ψ(y) ≈ ln y − 1/(2y) − 1/(12y²) and ψ⁽ⁿ⁾(y) ≈ (−1)ⁿ⁺¹((n−1)!/yⁿ + n!/(2yⁿ⁺¹) + (n+1)!/(12yⁿ⁺²))."""
    x = np.asarray(x, dtype=float)
    k = np.arange(shift).reshape((-1,) + (1,) * x.ndim)
    y = x + shift
    if n == 0:
        return np.log(y) - 1 / (2 * y) - 1 / (12 * y ** 2) - np.sum(1 / (x + k), axis=0)
    f = math.factorial
    tail = f(n - 1) / y ** n + f(n) / (2 * y ** (n + 1)) + f(n + 1) / (12 * y ** (n + 2))
    return (-1) ** (n + 1) * (tail + f(n) * np.sum(1 / (x + k) ** (n + 1), axis=0))


def _bisect(f, target, lo, hi):
    for _ in range(100):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if f(mid) < target else (lo, mid)
    return (lo + hi) / 2


def _i1(x, terms=60):
    """Σₖ (x/2)^(2k+1)/(k!(k + 1)!)"""
    return sum((x / 2) ** (2 * k + 1) / (math.factorial(k) * math.factorial(k + 1))
               for k in range(terms))


def _igamma_ref(x, a, upper=False):
    """P(a, x) = xᵃe⁻ˣ/Γ(a + 1) · Σₖ xᵏ/((a + 1)…(a + k)), summed to 300 terms."""
    def p(a, x):
        term, total = 1.0, 1.0
        for k in range(1, 300):
            term *= x / (a + k)
            total += term
        return total * math.exp(a * math.log(x) - x - math.lgamma(a + 1))
    out = np.vectorize(p, otypes=[float])(np.broadcast_to(a, np.shape(x)), x)
    return 1 - out if upper else out


def _zeta_ref(q, x, shift=1000):
    """ζ(x, q) = Σₖ₌₀^999 (q + k)^(−x) + w^(1−x)/(x − 1) + w^(−x)/2 + x·w^(−x−1)/12, w = q + 1000
    (Euler–Maclaurin; the next term is below 1e-17)."""
    k = np.arange(shift).reshape((-1,) + (1,) * np.ndim(q))
    w = q + shift
    return (np.sum((q + k) ** -x, axis=0) + w ** (1 - x) / (x - 1) + w ** -x / 2
            + x * w ** (-x - 1) / 12)


def _zeta_samples(rng):
    """q (differentiable) in (0.5, 3), x (the exponent, a constant) in (1.5, 4)."""
    return [Sample((rng.uniform(0.5, 3.0, size=s),), {"x": rng.uniform(1.5, 4.0, size=s)})
            for s in SHAPES]


def _zeta(q, x):
    return mt.special.zeta(mt.tensor(x, dtype=q.dtype, device=q.device), q)


def _ndtr_ref(x):
    return 0.5 * math.erfc(-x / math.sqrt(2))


def _igamma_samples(rng):
    return [Sample((rng.uniform(0.2, 4.0, size=s),), {"a": rng.uniform(0.5, 3.0, size=s)})
            for s in SHAPES]


def _igamma(upper):
    op = mt.igammac if upper else mt.igamma
    return lambda x, a: op(mt.tensor(a, dtype=x.dtype, device=x.device), x)


def _frexp_samples(rng):
    """Mantissas in (0.55, 0.95), either sign, times powers of 2: away from the jumps of
    frexp (at the powers of 2) and from 0."""
    def make(shape):
        m = rng.uniform(0.55, 0.95, size=shape) * rng.choice([-1.0, 1.0], size=shape)
        return np.ldexp(m, rng.integers(-3, 4, size=shape))
    return [Sample((make(s),)) for s in SHAPES]


def _extremum_samples(rng):
    """a and b at least 0.2 apart, so that fmax/fmin have a derivative everywhere."""
    samples = []
    for s in SHAPES:
        a = uniform(rng, s)
        b = a + rng.choice([-1.0, 1.0], size=s) * rng.uniform(0.2, 1.0, size=s)
        samples.append(Sample((a, b)))
    return samples


def _ldexp_samples(rng):
    return [Sample((uniform(rng, a), rng.integers(-3, 4, size=b))) for a, b in PAIRS]


def _nonzero(rng, shape):
    return away_from(rng, shape, (0.0,))


REQUIRED = {"lgamma", "digamma", "polygamma", "mvlgamma", "erfc", "erfinv", "i0", "i1", "igamma",
            "igammac", "i0e", "i1e", "erfcx", "ndtr", "ndtri", "log_ndtr", "entr", "zeta",
            "xlog1py", "copysign", "fmax", "fmin", "logaddexp2", "float_power", "ldexp", "frexp"}

SPECS = [
    OpSpec("lgamma", mt.lgamma, _elementwise(math.lgamma), _unary_samples(_between(0.2, 5.0)),
           atol=1e-13, rtol=1e-13),
    OpSpec("lgamma[negative]", mt.lgamma, _elementwise(math.lgamma),
           _unary_samples(lambda rng, s: -rng.integers(0, 4, size=s) - rng.uniform(0.1, 0.9, s)),
           atol=1e-13, rtol=1e-13),
    OpSpec("digamma", mt.digamma, lambda x: _polygamma_ref(0, x),
           _unary_samples(_between(0.2, 5.0)), atol=1e-12, rtol=1e-12),
    OpSpec("polygamma[1]", lambda x: mt.polygamma(1, x), lambda x: _polygamma_ref(1, x),
           _unary_samples(_between(0.2, 5.0)), atol=1e-12, rtol=1e-12),
    OpSpec("polygamma[3]", lambda x: x.polygamma(3), lambda x: _polygamma_ref(3, x),
           _unary_samples(_between(0.5, 5.0)), atol=1e-12, rtol=1e-12),
    OpSpec("mvlgamma", lambda x: mt.mvlgamma(x, p=3),
           _elementwise(lambda v: 1.5 * math.log(math.pi) + sum(math.lgamma(v - i / 2)
                                                                   for i in range(3))),
           _unary_samples(_between(1.3, 4.0)), atol=1e-13, rtol=1e-13),
    OpSpec("erfc", mt.erfc, _elementwise(math.erfc), _unary_samples(_between(-3.0, 5.0)),
           atol=1e-15, rtol=1e-14),
    OpSpec("erfinv", mt.erfinv, _elementwise(lambda v: _bisect(math.erf, v, -6.0, 6.0)),
           _unary_samples(_between(-0.9, 0.9)), atol=1e-15, rtol=1e-14),
    OpSpec("i0", mt.i0, np.i0, _unary_samples(_between(-4.0, 4.0)), atol=1e-15, rtol=1e-14),
    OpSpec("i1", mt.special.i1, _elementwise(_i1), _unary_samples(_between(-4.0, 4.0)),
           atol=1e-15, rtol=1e-14),
    OpSpec("igamma", _igamma(False), _igamma_ref, _igamma_samples, atol=1e-13, rtol=1e-12),
    OpSpec("igammac", _igamma(True), lambda x, a: _igamma_ref(x, a, upper=True), _igamma_samples,
           atol=1e-13, rtol=1e-12),
    OpSpec("i0e", mt.special.i0e, lambda x: np.i0(x) * np.exp(-np.abs(x)),
           _unary_samples(_between(-4.0, 4.0)), atol=1e-15, rtol=1e-14),
    OpSpec("i1e", mt.special.i1e, _elementwise(lambda v: _i1(v) * math.exp(-abs(v))),
           _unary_samples(_between(-4.0, 4.0)), atol=1e-15, rtol=1e-14),
    OpSpec("erfcx", mt.special.erfcx, _elementwise(lambda v: math.exp(v * v) * math.erfc(v)),
           _unary_samples(_between(-2.5, 5.0)), atol=1e-14, rtol=1e-13),
    OpSpec("ndtr", mt.special.ndtr, _elementwise(_ndtr_ref), _unary_samples(_between(-5.0, 4.0)),
           atol=1e-15, rtol=1e-13),
    OpSpec("ndtri", mt.special.ndtri,
           _elementwise(lambda p: _bisect(_ndtr_ref, p, -10.0, 10.0)),
           _unary_samples(_between(0.02, 0.98)), atol=1e-14, rtol=1e-13),
    OpSpec("log_ndtr", mt.special.log_ndtr, _elementwise(lambda v: math.log(_ndtr_ref(v))),
           _unary_samples(_between(-5.0, 3.0)), atol=1e-15, rtol=1e-13),
    OpSpec("entr", mt.special.entr, lambda x: -x * np.log(x), _unary_samples(_between(0.1, 3.0)),
           atol=1e-15, rtol=1e-14),
    OpSpec("zeta", _zeta, _zeta_ref, _zeta_samples, atol=1e-14, rtol=1e-13),
    OpSpec("xlog1py", mt.special.xlog1py, lambda a, b: a * np.log1p(b),
           _pair_samples(uniform, _between(-0.5, 2.0)), broadcasts=True, domain=(-0.5, 2.0)),
    OpSpec("copysign", mt.copysign, np.copysign, _pair_samples(_nonzero, _nonzero),
           broadcasts=True),
    OpSpec("copysign[scalar]", lambda a: a.copysign(-1.0), lambda a: np.copysign(a, -1.0),
           _unary_samples(_nonzero)),
    OpSpec("fmax", mt.fmax, np.fmax, _extremum_samples),
    OpSpec("fmin", mt.fmin, np.fmin, _extremum_samples),
    OpSpec("logaddexp2", mt.logaddexp2, np.logaddexp2, _pair_samples(uniform, uniform),
           broadcasts=True),
    OpSpec("float_power", mt.float_power, np.float_power,
           _pair_samples(_between(0.3, 2.0), uniform), float32_out=False),
    OpSpec("float_power[scalar]", lambda a: mt.float_power(a, 2.5), lambda a: a ** 2.5,
           _unary_samples(_between(0.3, 2.0)), float32_out=False),
    OpSpec("ldexp", mt.ldexp, lambda a, e: a * 2.0 ** e, _ldexp_samples),
    OpSpec("frexp", mt.frexp, np.frexp, _frexp_samples, output=lambda out: out.mantissa),
]
