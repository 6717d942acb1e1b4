"""Matrix decompositions, as torch.linalg's: cholesky, qr, eigh / eigvalsh, svd / svdvals,
and the older torch.cholesky and torch.qr.

Each is one LAPACK (cuSOLVER) call forward, through the backend's `linalg`, which turns a
failed factorization into one `LinAlgError` on every device. The backwards are written with
tensor ops (matmul, inv, solve, tril by a mask), so they are differentiable again. They follow
from the differential of each factorization; with Ḡ the gradient of an output, Φ(X) the lower
triangle of X with its diagonal halved, and real matrices:

    cholesky  A = L·Lᵀ           Ā = sym(L⁻ᵀ·Φ(Lᵀ·L̄)·L⁻¹),  sym(X) = (X + Xᵀ)/2
    qr        A = Q·R (m ≥ n)    Ā = (Q̄ + Q·copyltu(M))·R⁻ᵀ,  M = R·R̄ᵀ − Q̄ᵀ·Q
    eigh      A = V·diag(λ)·Vᵀ   Ā = V·(diag(λ̄) + skew(Vᵀ·V̄)/E)·Vᵀ,  E_ij = λ_j − λ_i
    svd       A = U·diag(S)·Vh   the formula of ops/linalg.py's _Svd, which svd reuses

cholesky and eigh read one triangle of A and assume A symmetric, as PyTorch does, so their
gradients are symmetric: the gradient with respect to a symmetric A (a_ij and a_ji move
together), not the derivative with respect to the entries of the triangle that was read.
eigh and svd need distinct eigen/singular values for the gradients of the vectors (E, and
_Svd's F, divide by their differences).
"""
from .common import constant, require_tensor
from .linalg import _Svd, _check_floating, _check_square, inv, solve
from .shape import cat, diag_embed
from .. import return_types
from ..autograd.function import Function
from ..backend.base import LinAlgError


def _check_matrix(A, name):
    """A batch of matrices (*, m, n), as PyTorch checks it."""
    require_tensor(A, name, "A")
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")


# ---- failures, in PyTorch's words ---------------------------------------------------------
#
# The backend raises a bare LinAlgError for the whole batch; PyTorch's message says which
# matrix of a batch failed ("(Batch element i): ", its index in the flattened batch) and, for
# cholesky, the order of the first leading minor that is not positive-definite. Both are
# found again only once a call has failed, by factoring single matrices (or minors).

def _fails(backend, routine, a, **kwargs):
    try:
        backend.linalg(routine, a, nan_fails=True, **kwargs)
    except LinAlgError:
        return True
    return False


def _failure(backend, a, name, routine, why, **kwargs):
    """PyTorch's LinAlgError for a batch `a` (*, m, n) on which `routine` failed; why(matrix)
    is the sentence that says what is wrong with the failing matrix."""
    if a.ndim > 2:
        batch = a.reshape((-1,) + tuple(a.shape[-2:]))
        for i in range(batch.shape[0]):
            if _fails(backend, routine, batch[i], **kwargs):
                return LinAlgError(f"{name}: (Batch element {i}): {why(batch[i])}")
    return LinAlgError(f"{name}: {why(a)}")


def _first_bad_minor(backend, a):
    """The order k of the first leading minor a[:k, :k] of a matrix a (n, n) that is not
    positive-definite (LAPACK's info), 0 if there is none: every minor after it fails too,
    so k is found by bisection."""
    if not _fails(backend, "cholesky", a):
        return 0
    lo, hi = 1, a.shape[-1]
    while lo < hi:
        mid = (lo + hi) // 2
        if _fails(backend, "cholesky", a[..., :mid, :mid]):
            hi = mid
        else:
            lo = mid + 1
    return lo


def _not_positive_definite(backend, a):
    return (f"The factorization could not be completed because the input is not "
            f"positive-definite (the leading minor of order {_first_bad_minor(backend, a)} is "
            f"not positive-definite).")


def _no_convergence_eigh(a):
    return ("The algorithm failed to converge because the input matrix is ill-conditioned or "
            "has too many repeated eigenvalues.")


def _no_convergence_svd(a):
    return ("The algorithm failed to converge because the input matrix contained non-finite "
            "values.")


def _lower_halved(xp, n, dtype, device):
    """The mask of Φ: ones below the diagonal, ½ on it, zeros above, so Φ(X) = X ∘ mask."""
    return constant(xp.tril(xp.ones((n, n), dtype=dtype)) - 0.5 * xp.eye(n, dtype=dtype), device)


# ---- Cholesky ------------------------------------------------------------------------------

class Cholesky(Function):
    """L, lower triangular with a positive diagonal, with A = L·Lᵀ for a symmetric
    positive-definite A (*, n, n); only the lower triangle of A is read. From
    dA = dL·Lᵀ + L·dLᵀ, L⁻¹·dA·L⁻ᵀ = X + Xᵀ with X = L⁻¹·dL lower triangular, so
    dL = L·Φ(L⁻¹·dA·L⁻ᵀ), whose adjoint is

        Ā = sym(L⁻ᵀ·Φ(Lᵀ·L̄)·L⁻¹)       (Murray, "Differentiation of the Cholesky
                                          decomposition", 2016)"""
    @staticmethod
    def forward(ctx, a, name):
        backend = ctx.device.backend
        try:
            l = backend.linalg("cholesky", a, nan_fails=True)
        except LinAlgError:
            raise _failure(backend, a, name, "cholesky",
                           lambda m: _not_positive_definite(backend, m)) from None
        ctx.save_for_backward(l)
        return l

    @staticmethod
    def backward(ctx, g):
        l, = ctx.saved_tensors
        l_inv = inv(l)
        phi = (l.mT @ g) * _lower_halved(ctx.xp, l.shape[-1], l._data.dtype, ctx.device)
        s = l_inv.mT @ phi @ l_inv
        return (s + s.mT) * 0.5


def _cholesky(A, upper, name):
    _check_square(A, name)
    _check_floating(A, name)
    if upper:                   # U = Lᵀ for the L of Aᵀ: the upper triangle of A is read
        return Cholesky.apply(A.mT, name=name).mT
    return Cholesky.apply(A, name=name)


def linalg_cholesky(A, *, upper=False):
    """torch.linalg.cholesky: L (*, n, n), lower triangular, with A = L·Lᵀ, for a symmetric
    positive-definite A (only its lower triangle is read); upper=True gives U = Lᵀ with
    A = Uᵀ·U, from A's upper triangle. A matrix that is not positive-definite raises
    mytorch.linalg.LinAlgError naming the first leading minor that is not."""
    return _cholesky(A, upper, "linalg.cholesky")


def cholesky(input, upper=False):
    """torch.cholesky: linalg.cholesky with `upper` positional (PyTorch deprecates it)."""
    return _cholesky(input, upper, "cholesky")


# ---- QR ------------------------------------------------------------------------------------

class Qr(Function):
    """A = Q·R for A (*, m, n), k = min(m, n): Q with orthonormal columns, R upper triangular
    (LAPACK's Householder QR: the diagonal of R may be negative). mode 'reduced': Q (*, m, k),
    R (*, k, n); 'complete': Q (*, m, m), R (*, m, n); 'r': R only, Q empty.

    For m ≥ n, from dA = dQ·R + Q·dR with Qᵀ·dQ skew on the span of Q and dR·R⁻¹ upper
    triangular (Liao et al., "Differentiable programming tensor networks", 2019):

        Ā = (Q̄ + Q·copyltu(M))·R⁻ᵀ,   M = R·R̄ᵀ − Q̄ᵀ·Q,   copyltu(M) = Φ(M) + Φ(M)ᵀ

    For m < n, A = [X | Y] with X square: X = Q·U is a square QR, and V = Qᵀ·Y, so
    Ȳ = Q·V̄ and X gets the square formula with Q̄ + Y·V̄ᵀ for Q̄. Mode 'r' (no Q) and
    'complete' with m > n (Q's last columns are any basis of a complement) have no gradient."""
    @staticmethod
    def forward(ctx, a, mode):
        ctx.set_materialize_grads(False)
        ctx.mode = mode
        backend = ctx.device.backend
        if mode == "r":
            r = backend.linalg("qr", a, mode="r")
            q = ctx.xp.empty((0,), dtype=a.dtype)
        else:
            q, r = backend.linalg("qr", a, mode=mode)
        ctx.save_for_backward(q, r)
        return q, r

    @staticmethod
    def backward(ctx, gq, gr):
        if ctx.mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed "
                               "when mode='r'. Please use linalg.qr(A, mode='reduced') if you "
                               "are going to differentiate through linalg.qr.")
        q, r = ctx.saved_tensors
        m, n = q.shape[-2], r.shape[-1]
        if ctx.mode == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when "
                               "mode='complete' and nrows > ncols.")
        if gq is None and gr is None:
            return None
        if m >= n:
            return _qr_backward(ctx, q, r, gq, gr)
        u, v = r[..., :m], r[..., m:]
        gu = gv = None
        if gr is not None:
            gu, gv = gr[..., :m], gr[..., m:]
            gq_x = (q @ v) @ gv.mT                  # Y·V̄ᵀ, with Y = Q·V
            gq = gq_x if gq is None else gq + gq_x
            gy = q @ gv
        else:
            gy = constant(ctx.xp.zeros(tuple(v.shape[:-2]) + (m, n - m), dtype=r._data.dtype),
                          ctx.device)
        return cat([_qr_backward(ctx, q, u, gq, gu), gy], -1)


def _qr_backward(ctx, q, r, gq, gr):
    """Ā of A = Q·R with R square (k, k) and A (m, k), m ≥ k: (Q̄ + Q·copyltu(M))·R⁻ᵀ."""
    x = 0
    if gr is not None:
        x = r @ gr.mT
    if gq is not None:
        x = x - gq.mT @ q
    phi = x * _lower_halved(ctx.xp, r.shape[-1], r._data.dtype, ctx.device)
    b = q @ (phi + phi.mT)
    if gq is not None:
        b = b + gq
    return solve(r, b.mT).mT                       # B·R⁻ᵀ = (R⁻¹·Bᵀ)ᵀ


_QR_MODES = ("reduced", "complete", "r")


def linalg_qr(A, mode="reduced"):
    """torch.linalg.qr: (Q, R) with A = Q·R, a named tuple; mode 'reduced' (Q (*, m, k),
    R (*, k, n), k = min(m, n)), 'complete' (Q (*, m, m) orthogonal, R (*, m, n)) or 'r'
    (R only; Q is an empty tensor). Differentiable except for 'r' and for 'complete' with
    m > n, whose backward raises, as PyTorch's."""
    name = "linalg.qr"
    _check_matrix(A, name)
    _check_floating(A, name)
    if not isinstance(mode, str):
        raise TypeError(f"linalg_qr(): argument 'mode' must be str, not {type(mode).__name__}")
    if mode not in _QR_MODES:
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of "
                           f"'reduced' (default), 'r', or 'complete'")
    return return_types.linalg_qr(*Qr.apply(A, mode=mode))


def qr(input, some=True):
    """torch.qr: linalg.qr with some=True for mode 'reduced', some=False for 'complete'."""
    return return_types.qr(*linalg_qr(input, "reduced" if some else "complete"))


# ---- symmetric eigendecomposition ----------------------------------------------------------

class Eigh(Function):
    """A = V·diag(λ)·Vᵀ for a symmetric A (*, n, n), of which only the UPLO triangle is read:
    λ (*, n) ascending, V (*, n, n) orthogonal. With dλ = diag(Vᵀ·dA·V) and
    Vᵀ·dV = (Vᵀ·dA·V)/E off the diagonal, E_ij = λ_j − λ_i:

        Ā = V·(diag(λ̄) + skew(Vᵀ·V̄)/E)·Vᵀ,   skew(X) = (X − Xᵀ)/2

    (only the skew part of Vᵀ·V̄ counts: V stays orthogonal)."""
    @staticmethod
    def forward(ctx, a, uplo):
        ctx.set_materialize_grads(False)
        backend = ctx.device.backend
        try:
            w, v = backend.linalg("eigh", a, nan_fails=True, UPLO=uplo)
        except LinAlgError:
            raise _failure(backend, a, "linalg.eigh", "eigh", _no_convergence_eigh,
                           UPLO=uplo) from None
        ctx.save_for_backward(w, v)
        return w, v

    @staticmethod
    def backward(ctx, gw, gv):
        if gw is None and gv is None:
            return None
        w, v = ctx.saved_tensors
        inner = 0
        if gw is not None:
            inner = diag_embed(gw)
        if gv is not None:
            x = v.mT @ gv
            n = w.shape[-1]
            eye = constant(ctx.xp.eye(n, dtype=w._data.dtype), ctx.device)
            e = w.unsqueeze(-2) - w.unsqueeze(-1) + eye      # λ_j − λ_i, 1 on the diagonal
            inner = inner + (x - x.mT) * 0.5 / e
        return v @ inner @ v.mT


def _uplo(UPLO, op):
    if not isinstance(UPLO, str):
        raise TypeError(f"{op}(): argument 'UPLO' must be str, not {type(UPLO).__name__}")
    if UPLO.upper() not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return UPLO.upper()


def eigh(A, UPLO="L"):
    """torch.linalg.eigh: (eigenvalues, eigenvectors) of a symmetric A (*, n, n), a named
    tuple: λ (*, n) ascending and V (*, n, n) with A = V·diag(λ)·Vᵀ, reading only A's lower
    (UPLO='L') or upper ('U') triangle. Each eigenvector is defined up to its sign, and
    its gradient needs distinct eigenvalues."""
    name = "linalg.eigh"
    _check_square(A, name)
    _check_floating(A, name)
    return return_types.linalg_eigh(*Eigh.apply(A, uplo=_uplo(UPLO, "linalg_eigh")))


def eigvalsh(A, UPLO="L"):
    """torch.linalg.eigvalsh: the eigenvalues of a symmetric A (*, n, n), ascending (*, n);
    ∂L/∂A = V·diag(λ̄)·Vᵀ."""
    name = "linalg.eigh"
    _check_square(A, name)
    _check_floating(A, name)
    return Eigh.apply(A, uplo=_uplo(UPLO, "linalg_eigvalsh"))[0]


# ---- singular value decomposition ----------------------------------------------------------

def _complement(q, backend, device):
    """Orthonormal columns (*, m, m − k) that complete the orthonormal columns q (*, m, k) to
    an orthogonal matrix: the last columns of the complete QR of q. A constant: PyTorch
    ignores the gradient of those columns, which are any basis of the complement."""
    full, _ = backend.linalg("qr", q._data, mode="complete")
    return constant(full[..., q.shape[-1]:], device)


def _check_driver(driver, A):
    if driver is None:
        return
    if A.device.type != "cuda":
        raise RuntimeError("torch.linalg.svd: keyword argument `driver=` is only supported on "
                           "CUDA inputs with cuSOLVER backend.")
    if driver not in ("gesvd", "gesvdj", "gesvda"):
        raise RuntimeError(f"torch.linalg.svd: unknown driver {driver!r}: expected one of "
                           f"'gesvd', 'gesvdj', 'gesvda' (CuPy chooses its solver itself)")


def svd(A, full_matrices=True, *, driver=None):
    """torch.linalg.svd: (U, S, Vh) with A = U·diag(S)·Vh, a named tuple, for A (*, m, n),
    k = min(m, n): S (*, k) descending; full_matrices=True gives U (*, m, m) and Vh (*, n, n),
    False the reduced U (*, m, k) and Vh (*, k, n). Each pair of singular vectors is defined
    up to a common sign, and their gradients need distinct, nonzero singular values (see
    _Svd in ops/linalg.py). With full_matrices=True the columns past k of U (rows of Vh)
    are a basis of the complement that gets no gradient, as in PyTorch."""
    name = "linalg.svd"
    _check_matrix(A, name)
    _check_floating(A, name)
    _check_driver(driver, A)
    backend = A._device.backend
    try:
        u, s, vh = _Svd.apply(A)
    except LinAlgError:
        raise _failure(backend, A._data, name, "svd", _no_convergence_svd,
                       full_matrices=False) from None
    m, n = A.shape[-2:]
    if full_matrices and m > n:
        u = cat([u, _complement(u, backend, A._device)], -1)
    elif full_matrices and m < n:
        vh = cat([vh, _complement(vh.mT, backend, A._device).mT], -2)
    return return_types.linalg_svd(u, s, vh)


def svdvals(A, *, driver=None):
    """torch.linalg.svdvals: the singular values of A (*, m, n), descending (*, min(m, n));
    ∂L/∂A = U·diag(S̄)·Vh."""
    return svd(A, full_matrices=False, driver=driver).S
