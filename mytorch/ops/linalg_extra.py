"""The rest of torch.linalg on real matrices (mytorch has no complex dtype, so no eig or
eigvals): triangular and LU solves, the `_ex` forms that report failures in an `info`
tensor, least squares and the pseudo-inverse, rank and condition numbers, products (cross,
vecdot, multi_dot), vander, tensorinv / tensorsolve, matrix_exp; and the torch-level
functions of the same family (torch.svd, cholesky_solve, lu_unpack, triangular_solve, logdet,
...).

Most are compositions of differentiable ops (solve, svd, matmul, tril), so their gradients,
and the gradients of those, come from the ops they are made of. Two have their own backward:

    lu     A = P·L·U, the formulas of PyTorch's linalg_lu_backward (square, wide and tall)
    pinv   A⁺, Ā = −A⁺ᵀ·G·A⁺ᵀ + (I − A·A⁺)·Gᵀ·A⁺·A⁺ᵀ + A⁺ᵀ·A⁺·Gᵀ·(I − A⁺·A)
           (Golub & Pereyra, 1973: exact where the rank of A does not change)

The LU factorization is Gaussian elimination with partial pivoting written on the backend's
arrays (NumPy and CuPy have no batched LU): LAPACK's getrf, one elimination step per column.
"""
import math
import numbers
import warnings

import numpy as np

from .arithmetic import where
from .common import constant, normalize_dim, require_tensor, zeros_like
from .conversion import clone
from .decomp import _check_matrix, _cholesky, _first_bad_minor, svd as linalg_svd
from .elementwise import log
from .linalg import (_check_floating, _check_square, _check_system, _svdvals, inv, matmul,
                     matrix_norm, slogdet, solve)
from .reduction import cumprod, sum as reduce_sum
from .shape import (broadcast_shapes, broadcast_tensors, cat, diagonal as _diagonal, expand,
                    movedim, reshape, select, squeeze, stack, tril, triu, unsqueeze)
from .. import dtypes, return_types
from ..autograd.function import Function
from ..backend.base import LinAlgError
from ..tensor import Tensor

_SCALAR = dtypes.SCALAR_TYPE_NAMES


def _eye(n, like):
    return constant(like._device.xp.eye(n, dtype=like._data.dtype), like._device)


def _empty(like, dtype=None):
    """An empty (0,) tensor on like's device: what PyTorch returns for an output not computed."""
    xp = like._device.xp
    return constant(xp.empty((0,), dtype=dtype or like._data.dtype), like._device)


def _same_dtype(name, a, b, a_name, b_name):
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"{name}: Expected {a_name} and {b_name} to have the same dtype, but "
                           f"found {a_name} of type {_SCALAR[a.dtype.name]} and {b_name} of "
                           f"type {_SCALAR[b.dtype.name]} instead")


def _batch_mask(info, ndim):
    """info (*) != 0 as a bool constant (*, 1, ..., 1) with `ndim` trailing ones."""
    bad = info._data != 0
    return constant(bad.reshape(bad.shape + (1,) * ndim), info._device)


def _batch_prefix(info, i):
    """PyTorch's "(Batch element i): " when the input was a batch."""
    return f"(Batch element {i}): " if info.ndim else ""


def _first_failure(info):
    """(index in the flattened batch, info) of the first failing matrix, or None."""
    flat = info.reshape(-1).tolist()
    for i, v in enumerate(flat):
        if v:
            return i, v
    return None


# ---- triangular systems ----------------------------------------------------------------------

def solve_triangular(A, B, *, upper, left=True, unitriangular=False):
    """torch.linalg.solve_triangular: X with A·X = B (left=False: X·A = B) for a triangular
    A (*, n, n), of which only the upper (upper=True) or lower triangle is read
    (unitriangular=True: its diagonal is taken to be ones), and B (*, n, k) ((*, k, n) for
    left=False); batch dimensions broadcast, dtypes promote. It is linalg.solve with the
    triangle T of A, so ∂L/∂B = T⁻ᵀ·G and ∂L/∂A = −T⁻ᵀ·G·Xᵀ on the triangle read, zero
    elsewhere (and on the diagonal when unitriangular)."""
    name = "linalg.solve_triangular"
    _check_system(A, B, name, left)
    dt = dtypes.promote_types(A.dtype, B.dtype)
    A, B = A.to(dt), B.to(dt)
    _check_floating(A, name)
    n = A.shape[-1]
    if unitriangular:
        t = (triu(A, 1) if upper else tril(A, -1)) + _eye(n, A)
    else:
        t = triu(A) if upper else tril(A)
    batch = broadcast_shapes(A.shape[:-2], B.shape[:-2])
    if tuple(t.shape[:-2]) != batch:
        t = expand(t, batch + (n, n))
    if tuple(B.shape[:-2]) != batch:
        B = expand(B, batch + tuple(B.shape[-2:]))
    return solve(t, B, left=left)


def triangular_solve(b, A, upper=True, transpose=False, unitriangular=False):
    """torch.triangular_solve (deprecated): (solution, cloned_coefficient), the X with
    A·X = b (transpose=True: Aᵀ·X = b) for triangular A, and a copy of A."""
    warnings.warn("torch.triangular_solve is deprecated in favor of "
                  "torch.linalg.solve_triangular and will be removed in a future PyTorch "
                  "release.", UserWarning, stacklevel=2)
    require_tensor(b, "triangular_solve")
    require_tensor(A, "triangular_solve", "A")
    a = A.mT if transpose else A
    x = solve_triangular(a, b, upper=upper != bool(transpose), unitriangular=unitriangular)
    return return_types.triangular_solve(x, clone(A))


def cholesky_solve(input, input2, upper=False):
    """torch.cholesky_solve: X with A·X = B for B = input (*, n, k) and A = L·Lᵀ given by its
    Cholesky factor L = input2 (upper=True: A = Uᵀ·U): two triangular solves."""
    for arg, x, label in (("input", input, "b"), ("input2", input2, "u")):
        require_tensor(x, "cholesky_solve", arg)
        if x.ndim < 2:
            raise RuntimeError(f"{label} should have at least 2 dimensions, but has {x.ndim} "
                               f"dimensions instead")
    l = input2.mT if upper else input2                      # A = L·Lᵀ either way
    y = solve_triangular(l, input, upper=False)
    return solve_triangular(l.mT, y, upper=True)


def cholesky_inverse(input, upper=False):
    """torch.cholesky_inverse: A⁻¹ from the Cholesky factor of A (*, n, n)."""
    require_tensor(input, "cholesky_inverse")
    _check_square(input, "cholesky_inverse")
    return cholesky_solve(_eye(input.shape[-1], input), input, upper)


# ---- LU --------------------------------------------------------------------------------------

def _swap(xp, rows, j, p):
    """The row order (*, m) that exchanges rows j and p (*) of each matrix."""
    p = p[..., None]
    return xp.where(rows == j, p, xp.where(rows == p, j, rows))


def _lu_arrays(xp, a, pivot):
    """Gaussian elimination on a (*, m, n), k = min(m, n), as LAPACK's getrf: at step j the
    row with the largest |entry| of column j (the first such) is swapped into row j
    (pivot=True), the multipliers go below the diagonal and the rest is updated.
    Returns the packed factors LU (*, m, n) (L's multipliers below the diagonal, U on and
    above it), the row order perm (*, m) with A[perm] = L·U, LAPACK's pivots (*, k) int32
    (1-based: row j was swapped with row pivots[j] − 1), and info (*) int32: 0, or the
    1-based index of U's first zero diagonal element."""
    lu = xp.array(a, copy=True)
    *batch, m, n = lu.shape
    rows = xp.arange(m)
    perm = rows * xp.ones(tuple(batch) + (1,), dtype=rows.dtype)
    pivots = xp.empty(tuple(batch) + (min(m, n),), dtype=xp.int32)
    info = xp.zeros(tuple(batch), dtype=xp.int32)
    for j in range(min(m, n)):
        if pivot:
            p = j + xp.argmax(xp.abs(lu[..., j:, j]), axis=-1)
            swap = _swap(xp, rows, j, p)
            lu = xp.take_along_axis(lu, swap[..., None], axis=-2)
            perm = xp.take_along_axis(perm, swap, axis=-1)
            pivots[..., j] = p + 1
        else:
            pivots[..., j] = j + 1
        d = lu[..., j, j]
        zero = d == 0
        info = xp.where((info == 0) & zero, j + 1, info).astype(xp.int32)
        lu[..., j + 1:, j] = lu[..., j + 1:, j] / xp.where(zero, 1, d)[..., None]
        lu[..., j + 1:, j + 1:] = (lu[..., j + 1:, j + 1:] -
                                   lu[..., j + 1:, j, None] * lu[..., j, None, j + 1:])
    return lu, perm, pivots, info


def _permutation_matrix(xp, perm, dtype):
    """P (*, m, m) with P[perm[i], i] = 1, so that A = P·(A[perm])."""
    m = perm.shape[-1]
    return (xp.arange(m)[:, None] == perm[..., None, :]).astype(dtype)


def _unpack(lu):
    """L (*, m, k), unit lower triangular, and U (*, k, n), upper, of packed factors (*, m, n)."""
    m, n = lu.shape[-2:]
    k = min(m, n)
    return tril(lu[..., :, :k], -1) + _eye(m, lu)[:, :k], triu(lu[..., :k, :])


class Lu(Function):
    """A = P·L·U for A (*, m, n), k = min(m, n): P (*, m, m) a permutation (no gradient),
    L (*, m, k) unit lower triangular, U (*, k, n) upper triangular; also LAPACK's pivots and
    info (integers). The backward is PyTorch's linalg_lu_backward: with Φ_L = tril₋₁(Lᵀ·L̄),
    Φ_U = triu(Ū·Uᵀ), for a square A

        Ā = P·L⁻ᵀ·(Φ_L + Φ_U)·U⁻ᵀ

    and for a wide or tall A the same idea on its square part, the rest by one more
    triangular solve. It needs A's leading minors nonsingular (U invertible)."""
    @staticmethod
    def forward(ctx, a, pivot):
        ctx.set_materialize_grads(False)
        xp = ctx.xp
        packed, perm, pivots, info = _lu_arrays(xp, a, pivot)
        m, n = a.shape[-2:]
        k = min(m, n)
        l = xp.tril(packed[..., :, :k], -1) + xp.eye(m, k, dtype=a.dtype)
        u = xp.triu(packed[..., :k, :])
        p = _permutation_matrix(xp, perm, a.dtype)
        ctx.mark_non_differentiable(p)
        ctx.save_for_backward(p, l, u)
        return p, l, u, pivots, info

    @staticmethod
    def backward(ctx, gp, gl, gu, gpivots, ginfo):
        if gl is None and gu is None:
            return None
        p, l, u = ctx.saved_tensors
        m, n = l.shape[-2], u.shape[-1]
        k = min(m, n)
        if m == n:
            phi = tril(l.mT @ gl, -1) if gl is not None else 0
            if gu is not None:
                phi = phi + triu(gu @ u.mT)
            ga = solve_triangular(u.mT, phi, upper=False, left=False)
            ga = solve_triangular(l.mT, ga, upper=True, unitriangular=True)
        elif m < n:                     # A = P·L·[U₁ | U₂], U₁ square
            x = l.mT @ gl if gl is not None else 0
            if gu is not None:
                x = x - triu(gu) @ u.mT
            ga = solve_triangular(u[..., :k].mT, tril(x, -1), upper=False, left=False)
            if gu is not None:
                ga = cat([ga + triu(gu[..., :k]), gu[..., k:]], -1)
            ga = solve_triangular(l.mT, ga, upper=True, unitriangular=True)
            if gu is None:
                ga = cat([ga, zeros_like(u[..., k:])], -1)
        else:                           # A = P·[L₁; L₂]·U, L₁ square
            x = gu @ u.mT if gu is not None else 0
            if gl is not None:
                x = x - l.mT @ tril(gl, -1)
            ga = solve_triangular(l[..., :k, :].mT, triu(x), upper=True, unitriangular=True)
            if gl is not None:
                ga = cat([ga + tril(gl[..., :k, :], -1), gl[..., k:, :]], -2)
            ga = solve_triangular(u.mT, ga, upper=False, left=False)
            if gl is None:
                ga = cat([ga, zeros_like(l[..., k:, :])], -2)
        return p @ ga


def _lu(A, pivot, name):
    if not isinstance(A, Tensor) or A.ndim < 2:
        require_tensor(A, name, "A")
        raise RuntimeError(f"torch.lu_factor: Expected tensor with 2 or more dimensions. Got "
                           f"size: {list(A.shape)} instead")
    _check_floating(A, name)
    if not pivot and A.device.type == "cpu":
        raise RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on the CPU")
    return Lu.apply(A, pivot=bool(pivot))


def lu(A, *, pivot=True):
    """torch.linalg.lu: (P, L, U) with A = P·L·U, a named tuple, for A (*, m, n): P (*, m, m)
    a permutation, L (*, m, k) unit lower triangular, U (*, k, n) upper triangular,
    k = min(m, n); partial pivoting (the largest |entry| of each column). pivot=False (not on
    the CPU, as in PyTorch) factors without row exchanges and returns an empty P."""
    p, l, u, _, _ = _lu(A, pivot, "linalg.lu")
    return return_types.linalg_lu(p if pivot else _empty(A), l, u)


def _packed(l, u):
    """L and U in one matrix (*, m, n): L's multipliers below the diagonal, U on and above."""
    m, n = l.shape[-2], u.shape[-1]
    if m >= n:
        return tril(l, -1) + cat([u, zeros_like(l[..., n:, :])], -2)
    return cat([tril(l, -1), zeros_like(u[..., :, m:])], -1) + u


def lu_factor_ex(A, *, pivot=True, check_errors=False):
    """torch.linalg.lu_factor_ex: (LU, pivots, info): the packed factors of A = P·L·U
    (*, m, n), LAPACK's 1-based pivots (*, k) int32 and info (*) int32, 0 or the index of
    U's first zero diagonal element, which check_errors=True turns into an error."""
    _, l, u, pivots, info = _lu(A, pivot, "linalg.lu_factor_ex")
    if check_errors:
        _raise_lu_failure("torch.linalg.lu_factor_ex", info)
    return return_types.linalg_lu_factor_ex(_packed(l, u), pivots, info)


def _raise_lu_failure(name, info):
    failure = _first_failure(info)
    if failure is not None:
        i, v = failure
        raise LinAlgError(f"{name}: {_batch_prefix(info, i)}U[{v},{v}] is zero and using it "
                          f"on lu_solve would result in a division by zero. If you still want "
                          f"to perform the factorization, consider calling linalg.lu(A, pivot) "
                          f"or linalg.lu_factor_ex(A, pivot)")


def lu_factor(A, *, pivot=True):
    """torch.linalg.lu_factor: (LU, pivots), lu_factor_ex's first two outputs; a zero on U's
    diagonal is an error (lu_solve would divide by it)."""
    _, l, u, pivots, info = _lu(A, pivot, "linalg.lu_factor")
    _raise_lu_failure("torch.linalg.lu_factor", info)
    return return_types.linalg_lu_factor(_packed(l, u), pivots)


def _pivots_to_perm(pivots, m):
    """The row order (*, m) of LAPACK's sequential row exchanges pivots (*, k)."""
    xp = pivots._device.xp
    piv = pivots._data.astype(xp.int64) - 1
    rows = xp.arange(m)
    perm = rows * xp.ones(tuple(piv.shape[:-1]) + (1,), dtype=rows.dtype)
    for j in range(piv.shape[-1]):
        perm = xp.take_along_axis(perm, _swap(xp, rows, j, piv[..., j]), axis=-1)
    return perm


def _check_pivots(pivots, name):
    require_tensor(pivots, name, "pivots")
    if pivots._data.dtype != np.int32:
        raise RuntimeError(f"{name}: pivots should be a Tensor of scalar type torch.int32")


def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True):
    """torch.lu_unpack: (P, L, U) from lu_factor's (LU, pivots); what is not unpacked is an
    empty tensor. Differentiable with respect to LU_data."""
    name = "lu_unpack"
    require_tensor(LU_data, name, "LU_data")
    _check_pivots(LU_pivots, name)
    if LU_data.ndim < 2:
        raise RuntimeError(f"{name}: Expected tensor with 2 or more dimensions. Got size: "
                           f"{list(LU_data.shape)} instead")
    l, u = _unpack(LU_data) if unpack_data else (_empty(LU_data), _empty(LU_data))
    if unpack_pivots:
        xp = LU_data._device.xp
        perm = _pivots_to_perm(LU_pivots, LU_data.shape[-2])
        p = constant(_permutation_matrix(xp, perm, LU_data._data.dtype), LU_data._device)
    else:
        p = _empty(LU_data)
    return return_types.lu_unpack(p, l, u)


def lu_solve(LU, pivots, B, *, left=True, adjoint=False):
    """torch.linalg.lu_solve: X with A·X = B (adjoint: Aᵀ·X = B; left=False: X·A = B or
    X·Aᵀ = B) for A = P·L·U given by lu_factor's (LU, pivots): X = U⁻¹·L⁻¹·Pᵀ·B by two
    triangular solves, differentiable with respect to LU and B."""
    name = "linalg.lu_solve"
    require_tensor(LU, name, "LU")
    _check_pivots(pivots, name)
    if LU.ndim >= 2 and LU.shape[-1] != LU.shape[-2]:
        raise RuntimeError(f"torch.{name}: A must be batches of square matrices, but they are "
                           f"{LU.shape[-2]} by {LU.shape[-1]} matrices")
    _check_system(LU, B, name, left)
    _same_dtype(name, LU, B, "LU", "B")
    if not left:                    # X·A = B is Aᵀ·Xᵀ = Bᵀ
        return lu_solve(LU, pivots, B.mT, adjoint=not adjoint).mT
    l, u = _unpack(LU)
    perm = _pivots_to_perm(pivots, LU.shape[-1])
    p = constant(_permutation_matrix(LU._device.xp, perm, LU._data.dtype), LU._device)
    if adjoint:                     # Aᵀ = Uᵀ·Lᵀ·Pᵀ
        y = solve_triangular(u.mT, B, upper=False)
        return p @ solve_triangular(l.mT, y, upper=True, unitriangular=True)
    y = solve_triangular(l, p.mT @ B, upper=False, unitriangular=True)
    return solve_triangular(u, y, upper=True)


def torch_lu_solve(b, LU_data, LU_pivots):
    """torch.lu_solve (deprecated): linalg.lu_solve(LU_data, LU_pivots, b)."""
    return lu_solve(LU_data, LU_pivots, b)


# ---- the _ex forms: failures in an info tensor ---------------------------------------------
#
# Each tries the plain routine first. Only if it fails is the info of every matrix worked out
# (LAPACK's: the order of the first leading minor that is not positive-definite, the index of
# U's first zero pivot); the failing matrices are then replaced by the identity, the routine
# run again, and their results set to NaN (PyTorch leaves LAPACK's partial results there).

def _int32(values, like):
    xp = like._device.xp
    return constant(xp.asarray(values, dtype=xp.int32), like._device)


def _no_failures(A):
    """info (*) int32 of zeros, for A's batch (*, m, n)."""
    return _int32(A._device.xp.zeros(tuple(A.shape[:-2])), A)


def _nan_where(bad, x):
    return where(bad, math.nan, x)


def cholesky_ex(A, *, upper=False, check_errors=False):
    """torch.linalg.cholesky_ex: (L, info), L as linalg.cholesky and info (*) int32: 0 where
    the matrix is positive-definite, else the order of its first leading minor that is not
    (and L NaN there); check_errors=True raises linalg.cholesky's error instead."""
    _check_square(A, "linalg.cholesky")
    _check_floating(A, "linalg.cholesky")
    try:
        return return_types.linalg_cholesky_ex(_cholesky(A, upper, "linalg.cholesky_ex"),
                                               _no_failures(A))
    except LinAlgError:
        if check_errors:
            raise
    backend = A._device.backend
    a = (A.mT if upper else A)._data
    batch = a.reshape((-1,) + tuple(a.shape[-2:]))
    info = _int32([_first_bad_minor(backend, m) for m in batch], A).reshape(A.shape[:-2])
    bad = _batch_mask(info, 2)
    l = _cholesky(where(bad, _eye(A.shape[-1], A), A), upper, "linalg.cholesky_ex")
    return return_types.linalg_cholesky_ex(_nan_where(bad, l), info)


def _lu_info(A):
    """LAPACK getrf's info (*) int32 of each matrix of A (*, n, n)."""
    return _int32(_lu_arrays(A._device.xp, A._data, True)[3], A)


def inv_ex(A, *, check_errors=False):
    """torch.linalg.inv_ex: (inverse, info), info (*) int32: 0 where A is invertible, else
    the index of the first zero pivot of its LU factorization (and the inverse NaN there);
    check_errors=True raises instead."""
    name = "linalg.inv_ex"
    _check_square(A, "linalg.inv")
    _check_floating(A, "linalg.inv")
    try:
        return return_types.linalg_inv_ex(inv(A), _no_failures(A))
    except LinAlgError as exc:
        info = _lu_info(A)
        failure = _first_failure(info)
        if failure is None:
            raise LinAlgError(f"{name}: {exc}") from None
    if check_errors:
        i, v = failure
        raise LinAlgError(f"{name}: {_batch_prefix(info, i)}The diagonal element {v} is zero, "
                          f"the inversion could not be completed because the input matrix is "
                          f"singular.")
    bad = _batch_mask(info, 2)
    y = inv(where(bad, _eye(A.shape[-1], A), A))
    return return_types.linalg_inv_ex(_nan_where(bad, y), info)


def solve_ex(A, B, *, left=True, check_errors=False):
    """torch.linalg.solve_ex: (result, info), result as linalg.solve and info (*) int32 as
    inv_ex's (result NaN where A is singular); check_errors=True raises instead."""
    try:
        x = solve(A, B, left=left)
        return return_types.linalg_solve_ex(x, _no_failures(A))
    except LinAlgError as exc:
        info = _lu_info(A)
        failure = _first_failure(info)
        if failure is None:
            raise LinAlgError(f"torch.linalg.solve_ex: {exc}") from None
    if check_errors:
        raise LinAlgError(f"torch.linalg.solve_ex: {_batch_prefix(info, failure[0])}The solver "
                          f"failed because the input matrix is singular.")
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    bad = _batch_mask(info, 2)
    x = solve(where(bad, _eye(A.shape[-1], A), A), B, left=left)
    return return_types.linalg_solve_ex(_nan_where(_batch_mask(info, 1 if vector else 2), x),
                                        info)


# ---- pseudo-inverse, rank, least squares, condition number -----------------------------------

def _tolerances(A, atol, rtol, name):
    """The arrays (*) atol and rtol of PyTorch's rule: σ counts where σ > max(atol, rtol·σ₁);
    rtol defaults to ε·max(m, n), or to 0 where atol > 0 is given."""
    xp, dt = A._device.xp, A._data.dtype

    def array(t, label):
        if isinstance(t, Tensor):
            if t._device is not A._device:
                raise RuntimeError(f"{name}: expected {label} on {A.device}, found {t.device}")
            return t._data.astype(dt)
        if not isinstance(t, numbers.Real):
            raise TypeError(f"{name}(): argument '{label}' must be float or Tensor, not "
                            f"{type(t).__name__}")
        return xp.asarray(t, dtype=dt)

    atol_a = xp.zeros((), dtype=dt) if atol is None else array(atol, "atol")
    if rtol is None:
        default = xp.asarray(xp.finfo(dt).eps * max(A.shape[-2:]), dtype=dt)
        rtol_a = default if atol is None else xp.where(atol_a > 0, 0, default).astype(dt)
    else:
        rtol_a = array(rtol, "rtol")
    return atol_a, rtol_a


def _kept(xp, sigma, atol, rtol):
    """Which of the values |σ| (*, k) are above the cutoff max(atol, rtol·max|σ|)."""
    s = xp.abs(sigma)
    top = s.max(axis=-1, keepdims=True) if s.shape[-1] else xp.zeros(s.shape[:-1] + (1,), s.dtype)
    return s > xp.maximum(atol[..., None], rtol[..., None] * top)


class Pinv(Function):
    """Y = A⁺ for A (*, m, n), from the SVD A = U·diag(σ)·Vᵀ (hermitian: the eigendecomposition
    of a symmetric A, lower triangle read) with the values below the cutoff dropped:
    Y = V·diag(1/σ)·Uᵀ. Its derivative where the rank does not change (Golub & Pereyra):

        Ā = −Yᵀ·G·Yᵀ + (I − A·Y)·Gᵀ·Y·Yᵀ + Yᵀ·Y·Gᵀ·(I − Y·A)"""
    @staticmethod
    def forward(ctx, a, atol, rtol, hermitian):
        xp, backend = ctx.xp, ctx.device.backend
        if hermitian:
            w, v = backend.linalg("eigh", a)
            keep = _kept(xp, w, atol, rtol)
            y = (v * xp.where(keep, 1 / xp.where(keep, w, 1), 0)[..., None, :]) @ v.mT
        else:
            u, s, vh = backend.linalg("svd", a, full_matrices=False)
            keep = _kept(xp, s, atol, rtol)
            y = (vh.mT * xp.where(keep, 1 / xp.where(keep, s, 1), 0)[..., None, :]) @ u.mT
        ctx.save_for_backward(a, y)
        return y

    @staticmethod
    def backward(ctx, g):
        a, y = ctx.saved_tensors
        yt, gt = y.mT, g.mT
        return (-(yt @ g @ yt) + (gt - a @ (y @ gt)) @ (y @ yt) +
                (yt @ y) @ (gt - (gt @ y) @ a))


def pinv(A, rcond=None, hermitian=False, *, atol=None, rtol=None):
    """torch.linalg.pinv: the Moore–Penrose pseudo-inverse A⁺ (*, n, m) of A (*, m, n),
    dropping singular values σ ≤ max(atol, rtol·σ₁) (rtol defaults to ε·max(m, n), or to 0
    when atol > 0 is given; the older `rcond` is rtol); hermitian=True assumes A symmetric
    and reads its lower triangle. Differentiable where the rank does not change."""
    name = "linalg.pinv"
    require_tensor(A, name, "A")
    if A.ndim < 2 or A._data.dtype.kind != "f" or A._data.dtype.itemsize < 4:
        raise RuntimeError(f"{name}({_SCALAR[A.dtype.name]}{{{list(A.shape)}}}): expected a "
                           f"tensor with 2 or more dimensions of float, double, cfloat or "
                           f"cdouble types")
    if rcond is not None:
        if rtol is not None:
            raise TypeError("linalg.pinv(): got both 'rcond' and its newer name 'rtol'")
        rtol = rcond
    if hermitian:
        _check_square(A, "linalg.eigh")
    atol, rtol = _tolerances(A, atol, rtol, name)
    return Pinv.apply(A, atol=atol, rtol=rtol, hermitian=bool(hermitian))


def pinverse(input, rcond=1e-15):
    """torch.pinverse: linalg.pinv(input, rtol=rcond)."""
    return pinv(input, rtol=rcond)


def matrix_rank(A, tol=None, hermitian=False, *, atol=None, rtol=None):
    """torch.linalg.matrix_rank: the number of singular values σ > max(atol, rtol·σ₁) of each
    matrix of A (*, m, n), int64 (*); tolerances as linalg.pinv's (the older `tol` is atol);
    hermitian=True counts eigenvalues |λ| of a symmetric A."""
    name = "linalg.matrix_rank"
    require_tensor(A, name, "A")
    if A.ndim < 2:
        raise RuntimeError(f"torch.{name}: The input tensor input must have at least 2 "
                           f"dimensions.")
    _check_floating(A, name)
    if tol is not None:
        if atol is not None:
            raise TypeError("linalg.matrix_rank(): got both 'tol' and its newer name 'atol'")
        atol = tol
    backend, xp = A._device.backend, A._device.xp
    if hermitian:
        _check_square(A, "linalg.eigh")
        sigma = backend.linalg("eigvalsh", A._data)
    else:
        sigma = backend.linalg("svd", A._data, compute_uv=False)
    atol, rtol = _tolerances(A, atol, rtol, name)
    return constant(_kept(xp, sigma, atol, rtol).sum(axis=-1).astype(xp.int64), A._device)


_LSTSQ_DRIVERS = ("gels", "gelsy", "gelsd", "gelss")


def lstsq(A, B, rcond=None, *, driver=None):
    """torch.linalg.lstsq: (solution, residuals, rank, singular_values), a named tuple, for
    A (*, m, n) and B (*, m, k) (or (*, m)): X minimizing ‖A·X − B‖, the minimum-norm one
    when A is rank-deficient, computed as pinv(A, rtol=rcond)·B (rcond: ε·max(m, n) by
    default). As PyTorch on the CPU, per `driver` (default 'gelsy'; on CUDA only 'gels'):
    residuals ‖A·X − B‖² per column for m > n ('gelsd' and 'gelss' only if every A has full
    rank; never for 'gelsy'), rank for 'gelsy', 'gelsd', 'gelss', singular values for 'gelsd'
    and 'gelss'; an output not computed is an empty tensor. The solution is differentiable
    (for a full-rank A, as PyTorch's), and the residuals and singular values too."""
    name = "torch.linalg.lstsq"
    require_tensor(A, "linalg_lstsq", "self")
    require_tensor(B, "linalg_lstsq", "b")
    if A._data.dtype != B._data.dtype:
        raise RuntimeError(f"{name}: Expected input and other to have the same dtype, but got "
                           f"input's dtype {_SCALAR[A.dtype.name]} and other's dtype "
                           f"{_SCALAR[B.dtype.name]}")
    if A.ndim < 2:
        raise RuntimeError(f"{name}: input must have at least 2 dimensions.")
    _check_floating(A, name)
    vector = B.ndim == A.ndim - 1
    b = unsqueeze(B, -1) if vector else B
    if b.ndim < 2 or b.shape[-2] != A.shape[-2]:
        raise RuntimeError(f"{name}: input.size(-2) should match other.size(-2)")
    cuda = A.device.type == "cuda"
    if driver is None:
        driver = "gels" if cuda else "gelsy"
    if driver not in _LSTSQ_DRIVERS:
        raise RuntimeError(f"{name}: parameter `driver` should be one of "
                           f"({', '.join(_LSTSQ_DRIVERS)})")
    if cuda and driver != "gels":
        raise RuntimeError(f"{name}: `driver` other than `gels` is not supported on CUDA")
    m, n = A.shape[-2:]
    x = pinv(A, rtol=rcond) @ b
    sigma = _svdvals(A)
    rank = None
    if driver != "gels":
        atol, rtol = _tolerances(A, None, rcond, name)
        rank = constant(_kept(A._device.xp, sigma._data, atol, rtol).sum(axis=-1)
                        .astype(A._device.xp.int64), A._device)
    full = rank is None or bool((rank._data == min(m, n)).all())
    residuals = _empty(A)
    if m > n and driver != "gelsy" and full:
        residuals = reduce_sum((A @ x - b) ** 2, -2)
    if vector:
        x = squeeze(x, -1)
    return return_types.linalg_lstsq(x, residuals, rank if rank is not None else
                                     _empty(A, A._device.xp.int64),
                                     sigma if driver in ("gelsd", "gelss") else _empty(A))


_COND_NORMS = ("fro", "nuc", math.inf, -math.inf, 1, -1)


def cond(A, p=None):
    """torch.linalg.cond: κ(A) = ‖A‖ₚ·‖A⁻¹‖ₚ of each matrix of A (*, m, n) -> (*). p None or 2:
    σ_max/σ_min, −2: σ_min/σ_max (any m, n); 'fro', 'nuc', ±inf, ±1 (square A): through
    A⁻¹, and inf where A is singular."""
    name = "linalg.cond"
    require_tensor(A, name, "A")
    if p is not None and p not in (2, -2) + _COND_NORMS:
        raise RuntimeError(f"{name} got an invalid norm type: {p}")
    _check_matrix(A, name)
    _check_floating(A, name)
    if p in (None, 2, -2):
        s = _svdvals(A)
        big, small = s[..., 0], s[..., -1]
        with np.errstate(divide="ignore", invalid="ignore"):    # a singular A: inf, as torch
            return small / big if p == -2 else big / small
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{name}(ord={p}): A must be batches of square matrices, but they "
                           f"are {A.shape[-2]} by {A.shape[-1]} matrices")
    inverse, info = inv_ex(A)
    k = matrix_norm(A, p) * matrix_norm(inverse, p)
    return where(constant(info._data != 0, A._device), math.inf, k)


# ---- products ----------------------------------------------------------------------------

def _cross(input, other, dim, name):
    if input.ndim != other.ndim:
        raise RuntimeError(f"{name}: inputs must have the same number of dimensions.")
    if input._data.dtype != other._data.dtype:
        raise RuntimeError(f"{name}: expected scalar type {_SCALAR[input.dtype.name]} but found "
                           f"{_SCALAR[other.dtype.name]}")
    normalize_dim(dim, input.ndim)
    if input.shape[dim] != 3 or other.shape[dim] != 3:
        raise RuntimeError(f"{name}: inputs dimension {dim} must have length 3. Got "
                           f"{input.shape[dim]} and {other.shape[dim]}")
    a, b = broadcast_tensors(input, other)
    a0, a1, a2 = (select(a, dim, i) for i in range(3))
    b0, b1, b2 = (select(b, dim, i) for i in range(3))
    return stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], dim)


def linalg_cross(input, other, *, dim=-1):
    """torch.linalg.cross: the cross product a × b of the 3-vectors along `dim` of input and
    other (batch dimensions broadcast), built from products of their components."""
    require_tensor(input, "linalg_cross")
    require_tensor(other, "linalg_cross", "other")
    return _cross(input, other, dim, "linalg.cross")


def cross(input, other, dim=None):
    """torch.cross: linalg.cross, but dim=None (deprecated, with PyTorch's warning) is the
    first dimension of size 3."""
    require_tensor(input, "cross")
    require_tensor(other, "cross", "other")
    if dim is None:
        warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\n"
                      "Please either pass the dim explicitly or simply use torch.linalg.cross.\n"
                      "The default value of dim will change to agree with that of linalg.cross "
                      "in a future release.", UserWarning, stacklevel=2)
        sizes = broadcast_shapes(input.shape, other.shape)
        dim = next((i for i, s in enumerate(sizes) if s == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    return _cross(input, other, dim, "linalg.cross")


def vecdot(x, y, *, dim=-1):
    """torch.linalg.vecdot: Σᵢ xᵢ·yᵢ along `dim`, batch dimensions broadcast."""
    name = "linalg.vecdot"
    require_tensor(x, "linalg_vecdot", "x")
    require_tensor(y, "linalg_vecdot", "y")
    _check_floating(x, name, low_precision=True)
    _same_dtype(name, x, y, "x", "y")
    return reduce_sum(x * y, dim)


def _chain_order(dims):
    """The cheapest parenthesization of a chain of matrices dims[i] × dims[i + 1] (the
    textbook dynamic program): split[i][j] is where the product of i..j splits."""
    n = len(dims) - 1
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = math.inf
            for s in range(i, j):
                c = cost[i][s] + cost[s + 1][j] + dims[i] * dims[s + 1] * dims[j + 1]
                if c < cost[i][j]:
                    cost[i][j], split[i][j] = c, s
    return split


def multi_dot(tensors):
    """torch.linalg.multi_dot: the product of two or more matrices in the order that needs the
    fewest multiplications; the first may be a row vector (n,), the last a column (n,)."""
    name = "multi_dot()"
    tensors = list(tensors)
    if len(tensors) < 2:
        raise RuntimeError(f"{name}: expected at least 2 tensors but got {len(tensors)}")
    for i, t in enumerate(tensors):
        require_tensor(t, "linalg_multi_dot", f"tensors[{i}]")
        where_ = "first" if i == 0 else "last" if i == len(tensors) - 1 else None
        if where_ and t.ndim not in (1, 2):
            raise RuntimeError(f"{name}: the {where_} tensor must be 1D or 2D but got {t.ndim}D")
        if not where_ and t.ndim != 2:
            raise RuntimeError(f"{name}: tensor {i} must be 2D but got {t.ndim}D")
        if t._data.dtype != tensors[0]._data.dtype:
            raise RuntimeError(f"{name}: all tensors must have be the same dtype but tensor 0 "
                               f"is {tensors[0].dtype.name} and tensor {i} {t.dtype.name}")
    first_vector, last_vector = tensors[0].ndim == 1, tensors[-1].ndim == 1
    mats = ([unsqueeze(tensors[0], 0)] if first_vector else [tensors[0]]) + tensors[1:-1] + \
        ([unsqueeze(tensors[-1], -1)] if last_vector else [tensors[-1]])
    for i in range(len(mats) - 1):
        if mats[i].shape[1] != mats[i + 1].shape[0]:
            raise RuntimeError(f"{name}: tensors {i} and {i + 1} with shapes "
                               f"{list(tensors[i].shape)} and {list(tensors[i + 1].shape)} "
                               f"cannot be multiplied")
    split = _chain_order([mats[0].shape[0]] + [m.shape[1] for m in mats])

    def product(i, j):
        if i == j:
            return mats[i]
        s = split[i][j]
        return matmul(product(i, s), product(s + 1, j))

    out = product(0, len(mats) - 1)
    if first_vector:
        out = squeeze(out, 0)
    return squeeze(out, -1) if last_vector else out


def chain_matmul(*matrices):
    """torch.chain_matmul (deprecated): multi_dot of 2-d matrices given as arguments."""
    warnings.warn("torch.chain_matmul is deprecated and will be removed in a future PyTorch "
                  "release. Use torch.linalg.multi_dot instead, which accepts a list of two or "
                  "more tensors rather than multiple parameters.", UserWarning, stacklevel=2)
    for i, m in enumerate(matrices):
        require_tensor(m, "chain_matmul", f"matrices[{i}]")
        if m.ndim != 2:
            raise RuntimeError(f"Tensor dimension is {m.ndim}, expected 2 instead.")
    if len(matrices) == 1:
        return clone(matrices[0])
    return multi_dot(matrices)


def vander(x, *, N=None):
    """torch.linalg.vander: the Vandermonde matrix (*, n, N) of x (*, n), whose columns are
    the powers x⁰, x¹, ..., x^(N−1) (N = n by default): a cumulative product, so exact at 0."""
    require_tensor(x, "linalg_vander", "x")
    if N is None:
        N = x.shape[-1] if x.ndim else 1
    if N <= 1:
        raise RuntimeError("N must be greater than 1.")
    col = unsqueeze(x, -1)
    ones = constant(x._device.xp.ones(tuple(col.shape), dtype=x._data.dtype), x._device)
    return cumprod(cat([ones, expand(col, tuple(col.shape[:-1]) + (N - 1,))], -1), -1)


def linalg_diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """torch.linalg.diagonal: torch.diagonal with the last two dimensions by default."""
    return _diagonal(A, offset, dim1, dim2)


# ---- tensors as matrices: tensorinv, tensorsolve -------------------------------------------

def _prod(shape):
    return math.prod(int(s) for s in shape)


def tensorinv(A, ind=2):
    """torch.linalg.tensorinv: the inverse of A seen as a matrix from its first `ind`
    dimensions to the rest (their products must be equal), shape A.shape[ind:] +
    A.shape[:ind], so that tensordot(tensorinv(A, ind), A, ind) is the identity."""
    require_tensor(A, "linalg_tensorinv", "input")
    if not isinstance(ind, (int, np.integer)) or isinstance(ind, bool):
        raise TypeError(f"linalg_tensorinv(): argument 'ind' must be int, not "
                        f"{type(ind).__name__}")
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    rows, cols = _prod(A.shape[:ind]), _prod(A.shape[ind:])
    if rows != cols:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           f"prod(self.shape[:ind]), but got {cols} != {rows}")
    return reshape(inv(reshape(A, (rows, cols))), tuple(A.shape[ind:]) + tuple(A.shape[:ind]))


def tensorsolve(A, B, dims=None):
    """torch.linalg.tensorsolve: X with tensordot(A, X, X.ndim) = B, X of shape
    A.shape[B.ndim:]; `dims` are dimensions of A moved to the end first."""
    require_tensor(A, "linalg_tensorsolve", "A")
    require_tensor(B, "linalg_tensorsolve", "B")
    if dims is not None:
        dims = [dims] if isinstance(dims, int) else list(dims)
        A = movedim(A, dims, list(range(A.ndim - len(dims), A.ndim)))
    rest = tuple(A.shape[B.ndim:])
    rows, cols = _prod(A.shape[:B.ndim]), _prod(rest)
    if rows != cols:
        raise RuntimeError(f"Expected self to satisfy the requirement "
                           f"prod(self.shape[other.ndim:]) == prod(self.shape[:other.ndim]), "
                           f"but got {cols} != {rows}")
    return reshape(solve(reshape(A, (rows, cols)), reshape(B, (rows,))), rest)


# ---- matrix exponential ------------------------------------------------------------------

_EXP_DEGREE, _EXP_THETA = 14, 0.5     # Taylor tail at ‖X‖ ≤ ½: ½¹⁵/15! ≈ 2·10⁻¹⁷


def matrix_exp(A):
    """torch.linalg.matrix_exp: exp(A) = Σₖ Aᵏ/k! for A (*, n, n), by scaling and squaring:
    exp(A) = T(A/2ˢ)^(2ˢ), T the Taylor polynomial of degree 14 (Horner's rule) and s the
    least with ‖A/2ˢ‖₁ ≤ ½ over the whole batch, where T's error is below float64's
    round-off. Made of matmuls, so differentiable to any order."""
    name = "linalg.matrix_exp"
    _check_square(A, name)
    _check_floating(A, name)
    xp = A._device.xp
    norm = float(xp.abs(A._data).sum(axis=-2).max()) if A._data.size else 0.0
    s = max(0, math.ceil(math.log2(norm / _EXP_THETA))) if norm > _EXP_THETA else 0
    x = A / 2.0 ** s if s else A
    eye = _eye(A.shape[-1], A)
    t = eye + x / _EXP_DEGREE
    for k in range(_EXP_DEGREE - 1, 0, -1):
        t = eye + (x @ t) / k
    for _ in range(s):
        t = t @ t
    return t


# ---- torch-level forms: svd, logdet ----------------------------------------------------------

def torch_svd(input, some=True, compute_uv=True):
    """torch.svd: (U, S, V) with input = U·diag(S)·Vᵀ, a named tuple (V, not Vh); some=True the
    reduced factors, False the full ones; compute_uv=False gives S and zero-filled U (*, m, m)
    and V (*, n, n)."""
    require_tensor(input, "svd")
    if input.ndim < 2:
        raise RuntimeError(f"linalg.svd: input should have at least 2 dimensions, but has "
                           f"{input.ndim} dimensions instead")
    if not compute_uv:
        *batch, m, n = input.shape
        xp, dt = input._device.xp, input._data.dtype
        zeros = [constant(xp.zeros(tuple(batch) + (k, k), dtype=dt), input._device)
                 for k in (m, n)]
        return return_types.svd(zeros[0], _svdvals(input), zeros[1])
    u, s, vh = linalg_svd(input, full_matrices=not some)
    return return_types.svd(u, s, vh.mT)


def logdet(input):
    """torch.logdet: log det(A) of each matrix of A (*, n, n): NaN where det < 0, −inf where
    it is 0; log|det A| + log(sign), from slogdet."""
    _check_square(input, "logdet")
    sign, logabsdet = slogdet(input)
    with np.errstate(divide="ignore", invalid="ignore"):    # log(−1), log(0): quietly, as torch
        return logabsdet + log(sign)
