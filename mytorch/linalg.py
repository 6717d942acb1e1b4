"""mytorch.linalg, as torch.linalg: `from mytorch import linalg`, `mytorch.linalg.det(A)`.

The functions live in mytorch/ops/linalg.py, the decompositions (cholesky, qr, eigh,
svd ...) in mytorch/ops/decomp.py and the rest (lu, solve_triangular, lstsq, pinv, cross,
matrix_exp ...) in mytorch/ops/linalg_extra.py, with their backwards; this module only gives
them their torch.linalg names. A failed factorization raises `LinAlgError`, a RuntimeError
(the `_ex` forms report it in an `info` tensor instead). Note that `mytorch.linalg.norm` is
torch.linalg.norm (vector or matrix norm, chosen by `ord` and `dim`) and `mytorch.norm` is
torch.norm. Real dtypes only: mytorch has no complex tensors, so no eig or eigvals.
"""
from .backend.base import LinAlgError
from .ops.linalg import (det, inv, solve, slogdet, matrix_power, norm, vector_norm,
                         matrix_norm, matmul)
from .ops.decomp import (linalg_cholesky as cholesky, linalg_qr as qr, eigh, eigvalsh, svd,
                         svdvals)
from .ops.linalg_extra import (cholesky_ex, inv_ex, solve_ex, solve_triangular, lstsq,
                               lu_factor, lu_factor_ex, lu, lu_solve, pinv, matrix_rank, cond,
                               linalg_cross as cross, multi_dot, matrix_exp, vecdot,
                               linalg_diagonal as diagonal, vander, tensorinv, tensorsolve)

__all__ = ["det", "inv", "solve", "slogdet", "matrix_power", "norm", "vector_norm",
           "matrix_norm", "cholesky", "qr", "eigh", "eigvalsh", "svd", "svdvals", "LinAlgError",
           "cholesky_ex", "inv_ex", "solve_ex", "solve_triangular", "lstsq", "lu_factor",
           "lu_factor_ex", "lu", "lu_solve", "pinv", "matrix_rank", "cond", "cross",
           "multi_dot", "matrix_exp", "vecdot", "diagonal", "vander", "tensorinv",
           "tensorsolve", "matmul"]
