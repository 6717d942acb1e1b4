"""mytorch.linalg, as torch.linalg: `from mytorch import linalg`, `mytorch.linalg.det(A)`.

The functions live in mytorch/ops/linalg.py and, the decompositions (cholesky, qr, eigh,
svd ...), in mytorch/ops/decomp.py, with their backwards; this module only gives them their
torch.linalg names. A failed factorization raises `LinAlgError`, a RuntimeError. Note that
`mytorch.linalg.norm` is torch.linalg.norm (vector or matrix norm, chosen by `ord` and `dim`)
and `mytorch.norm` is torch.norm.
"""
from .backend.base import LinAlgError
from .ops.linalg import (det, inv, solve, slogdet, matrix_power, norm, vector_norm,
                         matrix_norm)
from .ops.decomp import (linalg_cholesky as cholesky, linalg_qr as qr, eigh, eigvalsh, svd,
                         svdvals)

__all__ = ["det", "inv", "solve", "slogdet", "matrix_power", "norm", "vector_norm",
           "matrix_norm", "cholesky", "qr", "eigh", "eigvalsh", "svd", "svdvals", "LinAlgError"]
