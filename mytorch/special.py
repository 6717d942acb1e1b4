"""torch.special's names for mytorch's special functions: `mytorch.special.gammaln(x)` is
`mytorch.lgamma(x)`, and so on. Only i1 lives here alone (PyTorch has no torch.i1); the
functions themselves are in mytorch/ops/special.py and elementwise.py."""
from .ops import (digamma, polygamma, mvlgamma as multigammaln, lgamma as gammaln, erf, erfc,
                  erfinv, i0, i1, igamma as gammainc, igammac as gammaincc, sinc, logit,
                  sigmoid as expit, xlogy, exp2, expm1, log1p, round, logsumexp)

psi = digamma

__all__ = ["digamma", "psi", "polygamma", "multigammaln", "gammaln", "erf", "erfc", "erfinv", "i0",
           "i1", "gammainc", "gammaincc", "sinc", "logit", "expit", "xlogy", "exp2", "expm1",
           "log1p", "round", "logsumexp"]
