"""torch.special's names for mytorch's special functions: `mytorch.special.gammaln(x)` is
`mytorch.lgamma(x)`, and so on. i1, i0e, i1e, erfcx, ndtr, ndtri, log_ndtr, entr, zeta, xlog1py
and spherical_bessel_j0 live here alone (PyTorch has no torch.i1, torch.zeta, ...); the
functions themselves are in mytorch/ops/special.py, elementwise.py and reduction.py."""
from .ops import (digamma, polygamma, mvlgamma as multigammaln, lgamma as gammaln, erf, erfc,
                  erfinv, i0, i1, igamma as gammainc, igammac as gammaincc, sinc, logit,
                  sigmoid as expit, xlogy, exp2, expm1, log1p, round, logsumexp, i0e, i1e,
                  erfcx, ndtr, ndtri, log_ndtr, entr, zeta, xlog1py, spherical_bessel_j0,
                  softmax, log_softmax)

psi = digamma

__all__ = ["digamma", "psi", "polygamma", "multigammaln", "gammaln", "erf", "erfc", "erfinv", "i0",
           "i1", "gammainc", "gammaincc", "sinc", "logit", "expit", "xlogy", "exp2", "expm1",
           "log1p", "round", "logsumexp", "i0e", "i1e", "erfcx", "ndtr", "ndtri", "log_ndtr",
           "entr", "zeta", "xlog1py", "spherical_bessel_j0", "softmax", "log_softmax"]
