"""The error function erf(x) = 2/√π ∫₀ˣ e^(−t²) dt, for array libraries that lack one.

NumPy has no erf, and exact GELU needs one. This is W. J. Cody's rational Chebyshev
approximation ("Rational Chebyshev approximations for the error function", Math. Comp. 1969,
as in his CALERF routine): three ranges, each a ratio of polynomials, accurate to float64
round-off (relative error below 1e-16 on each range); float32 inputs take a cheaper float32
path (see _erf_single).

    |x| ≤ 0.46875:    erf(x)  = x · P₁(x²) / Q₁(x²)
    0.46875 < |x| ≤ 4: erfc(|x|) = e^(−x²) · P₂(|x|) / Q₂(|x|)
    |x| > 4:          erfc(|x|) = e^(−x²)/|x| · (1/√π + 1/x² · P₃(1/x²) / Q₃(1/x²))

and erf(x) = sign(x) · (1 − erfc(|x|)) outside the first range. e^(−x²) is computed as
e^(−y²) · e^(−(x−y)(x+y)) with y = x rounded down to a multiple of 1/16, which keeps the
exponential exact to round-off for large x. The work is done in float64, then cast back.
"""

_A = (3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02,
      3.20937758913846947e03, 1.85777706184603153e-1)
_B = (2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03,
      2.84423683343917062e03)
_C = (5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01,
      2.98635138197400131e02, 8.81952221241769090e02, 1.71204761263407058e03,
      2.05107837782607147e03, 1.23033935479799725e03, 2.15311535474403846e-8)
_D = (1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
      1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03,
      3.43936767414372164e03, 1.23033935480374942e03)
_P = (3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1,
      1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2)
_Q = (2.56852019228982242e00, 1.87295284992346725e00, 5.27905102951428412e-1,
      6.05183413124413191e-2, 2.33520497626869185e-3)
_THRESH = 0.46875
_INV_SQRT_PI = 5.6418958354775628695e-1


def _ratio(y, top, p, q):
    """(((top·y + p₀)·y + p₁)·y … + pₙ) / (((y + q₀)·y + q₁)·y … + qₙ), by Horner's rule in
    place (large temporaries would each cost a fresh allocation)."""
    num = y * top
    den = y.copy()
    for a, b in zip(p[:-1], q[:-1]):
        num += a
        num *= y
        den += b
        den *= y
    num += p[-1]
    den += q[-1]
    num /= den
    return num


def _small(x):
    """erf(x) for |x| ≤ 0.46875."""
    return x * _ratio(x * x, _A[4], _A[:4], _B[:4])


def _exp_minus_square(xp, y):
    """e^(−y²) without the cancellation of forming y² directly."""
    r = xp.floor(y * 16.0) / 16.0
    return xp.exp(-r * r) * xp.exp(-(y - r) * (y + r))


def _erfc_middle(xp, y):
    """erfc(y) for 0.46875 < y ≤ 4."""
    return _exp_minus_square(xp, y) * _ratio(y, _C[8], _C[:8], _D[:8])


def _erfc_large(xp, y):
    """erfc(y) for y > 4."""
    z = 1.0 / (y * y)
    r = z * _ratio(z, _P[5], _P[:5], _Q[:5])
    return _exp_minus_square(xp, y) * (_INV_SQRT_PI - r) / y


def _erf_single(xp, x):
    """erf in float32 arithmetic, for float32 and float16 inputs: the first two ranges only,
    since erfc(4) = 1.5e-8 already rounds 1 − erfc to 1 in float32 (the result agrees with
    the float64 routine to a few float32 ulps, at a quarter of the cost)."""
    x = x.astype(xp.float32, copy=False)
    y = xp.minimum(xp.abs(x), 4.0)
    small = y <= _THRESH
    y_mid = xp.where(small, 1.0, y).astype(xp.float32, copy=False)
    erfc = _ratio(y_mid, _C[8], _C[:8], _D[:8])
    y_mid *= y_mid
    y_mid *= -1
    erfc *= xp.exp(y_mid)
    big = xp.where(x < 0, erfc - 1.0, 1.0 - erfc)
    return xp.where(small, _small(xp.where(small, x, 0.0).astype(xp.float32, copy=False)), big)


def erf(xp, x):
    """erf of every element of `x` (a float array of namespace `xp`), same dtype as `x`."""
    if x.dtype in (xp.float32, xp.float16):
        return _erf_single(xp, x).astype(x.dtype, copy=False)
    x64 = x.astype(xp.float64, copy=False)
    y = xp.abs(x64)
    small = y <= _THRESH
    middle = y <= 4.0
    # Evaluate each branch only on inputs inside its range: substituting a harmless value keeps
    # the other branches free of overflow and 0/0.
    y_mid = xp.where(middle & ~small, y, 1.0)
    y_big = xp.where(middle, 5.0, xp.minimum(y, 30.0))   # erfc(30) underflows to 0 already
    erfc = xp.where(middle, _erfc_middle(xp, y_mid), _erfc_large(xp, y_big))
    big = xp.where(x64 < 0, erfc - 1.0, 1.0 - erfc)
    out = xp.where(small, _small(xp.where(small, x64, 0.0)), big)
    out = xp.where(xp.isnan(x64), x64, out)
    return out.astype(x.dtype, copy=False)
