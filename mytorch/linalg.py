"""mytorch.linalg, as torch.linalg: `from mytorch import linalg`, `mytorch.linalg.det(A)`.

The functions live in mytorch/ops/linalg.py with their backwards; this module only gives them
their torch.linalg names. Note that `mytorch.linalg.norm` is torch.linalg.norm (vector or
matrix norm, chosen by `ord` and `dim`) and `mytorch.norm` is torch.norm.
"""
from .ops.linalg import (det, inv, solve, slogdet, matrix_power, norm, vector_norm,
                         matrix_norm)

__all__ = ["det", "inv", "solve", "slogdet", "matrix_power", "norm", "vector_norm",
           "matrix_norm"]
