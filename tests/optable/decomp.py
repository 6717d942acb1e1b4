"""Op table rows: the decompositions of mytorch.linalg (cholesky, qr, eigh, eigvalsh, svd,
svdvals) and torch.cholesky / torch.qr.

Inputs are well conditioned, so that central differences are stable: symmetric
positive-definite B·Bᵀ + n·I for cholesky, symmetric with eigenvalues spread over [−2, 2] for
eigh, singular values spread over [1, 3] for svd and qr. cholesky and eigh read one triangle
and assume the matrix symmetric (their gradients are symmetric, as PyTorch's), so each row
factors the symmetric part (A + Aᵀ)/2 of its input: a perturbation of one entry is then a
symmetric one. Eigenvectors and singular vectors are defined up to sign, Q and R up to the
signs of R's diagonal, so the rows compare gauge-invariant functions of them: V∘V and
V·diag(c)·Vᵀ, U∘U, Vh∘Vh and U·diag(c)·Vh, and Q, R with R's diagonal made positive.
"""
import numpy as np

import mytorch as mt
from .spec import OpSpec, Sample, uniform


def _orthonormal(rng, shape):
    """Random orthonormal columns (*, m, k), m ≥ k."""
    q, _ = np.linalg.qr(rng.standard_normal(shape))
    return q


def _spd(rng, shape):
    n = shape[-1]
    b = uniform(rng, shape, -1.0, 1.0)
    return b @ np.swapaxes(b, -1, -2) + n * np.eye(n)


def _symmetric(rng, shape):
    """V·diag(λ)·Vᵀ with eigenvalues spread over [−2, 2]: gaps of about 4/(n − 1)."""
    n = shape[-1]
    v = _orthonormal(rng, shape)
    lam = np.linspace(-2.0, 2.0, n) + rng.uniform(-0.1, 0.1, shape[:-1]) / max(n, 1)
    return (v * lam[..., None, :]) @ np.swapaxes(v, -1, -2)


def _singular(rng, shape):
    """U·diag(σ)·Vᵀ with singular values spread over [1, 3]: distinct, far from zero."""
    *batch, m, n = shape
    k = min(m, n)
    u = _orthonormal(rng, (*batch, m, k))
    v = _orthonormal(rng, (*batch, n, k))
    sigma = np.linspace(3.0, 1.0, k) + rng.uniform(-0.1, 0.1, (*batch, k)) / max(k, 1)
    return (u * sigma[..., None, :]) @ np.swapaxes(v, -1, -2)


def _cases(gen, *cases):
    """cases: (shape, kwargs) or shape, one array drawn by gen(rng, shape)."""
    def samples(rng):
        out = []
        for case in cases:
            shape, kwargs = case if isinstance(case[-1], dict) else (case, {})
            out.append(Sample((gen(rng, shape),), dict(kwargs)))
        return out
    return samples


def _sym(a):
    return (a + a.mT) * 0.5


def _np_sym(a):
    return (a + np.swapaxes(a, -1, -2)) * 0.5


def _weights(n, like=None):
    """c = (1, 2, ..., n): V·diag(c)·Vᵀ depends on each vector, not only on their span."""
    c = np.arange(1.0, n + 1.0)
    return c if like is None else mt.tensor(c, dtype=like.dtype, device=like.device)


# ---- cholesky ------------------------------------------------------------------------------

def _cholesky_ref(a, upper=False):
    l = np.linalg.cholesky(_np_sym(a))
    return np.swapaxes(l, -1, -2) if upper else l


_SPD_CASES = [(3, 3), (2, 4, 4), ((3, 3), {"upper": True}), (1, 1), (2, 1, 2, 2),
              ((2, 3, 3), {"upper": True})]


# ---- qr: Q·D and D·R with D = sign(diag R), the QR whose R has a positive diagonal ------------

def _signs(r):
    return mt.sign(mt.diagonal(r, 0, -2, -1))


def _positive_qr(out):
    q, r = out
    k = min(r.shape[-2:])
    d = _signs(r[..., :k, :k])
    # the columns of Q past k (mode 'complete', m > n) are any basis of the complement:
    # compare their projector
    rest = q[..., :, k:]
    return q[..., :, :k] * d.unsqueeze(-2), r[..., :k, :] * d.unsqueeze(-1), rest @ rest.mT


def _positive_qr_ref(a, mode="reduced"):
    q, r = np.linalg.qr(a, mode="complete" if mode == "complete" else "reduced")
    k = min(a.shape[-2:])
    d = np.sign(np.diagonal(r[..., :k, :k], 0, -2, -1))
    rest = q[..., :, k:]
    return (q[..., :, :k] * d[..., None, :], r[..., :k, :] * d[..., :, None],
            rest @ np.swapaxes(rest, -1, -2))


def _positive_r(r):
    return r * _signs(r).unsqueeze(-1)


def _positive_r_ref(a):
    r = np.linalg.qr(a, mode="r")
    return r * np.sign(np.diagonal(r, 0, -2, -1))[..., :, None]


# ---- eigh: λ, V∘V and V·diag(c)·Vᵀ -----------------------------------------------------------

def _eigh_invariants(out):
    w, v = out
    return w, v * v, (v * _weights(w.shape[-1], w)) @ v.mT


def _eigh_ref(a, UPLO="L"):
    w, v = np.linalg.eigh(_np_sym(a))
    return w, v * v, (v * _weights(w.shape[-1])) @ np.swapaxes(v, -1, -2)


# ---- svd: S, U∘U, Vh∘Vh, U·diag(c)·Vh and, for full matrices, the complements' projectors ------

def _svd_invariants(out):
    u, s, vh = out
    k = s.shape[-1]
    u_k, vh_k = u[..., :, :k], vh[..., :k, :]
    u_rest, vh_rest = u[..., :, k:], vh[..., k:, :]
    return (s, u_k * u_k, vh_k * vh_k, (u_k * _weights(k, s)) @ vh_k,
            u_rest @ u_rest.mT, vh_rest.mT @ vh_rest)


def _svd_ref(a, full_matrices=True):
    u, s, vh = np.linalg.svd(a, full_matrices=full_matrices)
    k = s.shape[-1]
    u_k, vh_k = u[..., :, :k], vh[..., :k, :]
    u_rest, vh_rest = u[..., :, k:], vh[..., k:, :]
    return (s, u_k * u_k, vh_k * vh_k, (u_k * _weights(k)) @ vh_k,
            u_rest @ np.swapaxes(u_rest, -1, -2), np.swapaxes(vh_rest, -1, -2) @ vh_rest)


def _differentiable_svd_part(out):
    """What carries a gradient: the complements (full_matrices=True) get none, as in PyTorch."""
    return out[:4]


REQUIRED = {"cholesky", "qr", "eigh", "eigvalsh", "svd", "svdvals"}

SPECS = [
    OpSpec("cholesky", lambda a, **kw: mt.linalg.cholesky(_sym(a), **kw), _cholesky_ref,
           _cases(_spd, *_SPD_CASES)),
    OpSpec("cholesky[torch.cholesky]", lambda a, **kw: mt.cholesky(_sym(a), **kw),
           _cholesky_ref, _cases(_spd, (2, 3, 3), ((3, 3), {"upper": True}))),
    OpSpec("cholesky[method]", lambda a: _sym(a).cholesky(True),
           lambda a: _cholesky_ref(a, upper=True), _cases(_spd, (2, 3, 3))),

    OpSpec("qr", lambda a, **kw: _positive_qr(mt.linalg.qr(a, **kw)), _positive_qr_ref,
           _cases(_singular, (4, 3), (3, 5), (3, 3), (2, 4, 3), (2, 3, 4), (1, 1),
                  ((3, 4), {"mode": "complete"}), ((2, 3, 3), {"mode": "complete"}))),
    # mode='complete' with m > n: Q's last m − n columns have no derivative (PyTorch's
    # backward raises there, as ours; tests/test_linalg_decomp.py checks it)
    OpSpec("qr[complete, tall]", lambda a: _positive_qr(mt.linalg.qr(a, mode="complete")),
           lambda a: _positive_qr_ref(a, "complete"), _cases(_singular, (4, 2), (2, 5, 3)),
           grad=False),
    # mode='r': no Q, and no gradient (the backward raises, as PyTorch's)
    OpSpec("qr[r]", lambda a: _positive_r(mt.linalg.qr(a, mode="r").R), _positive_r_ref,
           _cases(_singular, (4, 3), (3, 5), (2, 3, 3)), grad=False),
    OpSpec("qr[torch.qr]", lambda a, some=True: _positive_qr(mt.qr(a, some)),
           lambda a, some=True: _positive_qr_ref(a, "reduced" if some else "complete"),
           _cases(_singular, (4, 3), ((3, 4), {"some": False}), (2, 3, 3))),
    OpSpec("qr[method]", lambda a: _positive_qr(a.qr()), _positive_qr_ref,
           _cases(_singular, (2, 4, 3))),

    OpSpec("eigh", lambda a, **kw: _eigh_invariants(mt.linalg.eigh(_sym(a), **kw)), _eigh_ref,
           _cases(_symmetric, (3, 3), (2, 4, 4), ((3, 3), {"UPLO": "U"}), (1, 1),
                  (2, 1, 3, 3), ((2, 2, 2), {"UPLO": "U"}))),
    OpSpec("eigvalsh", lambda a, **kw: mt.linalg.eigvalsh(_sym(a), **kw),
           lambda a, UPLO="L": np.linalg.eigvalsh(_np_sym(a)),
           _cases(_symmetric, (3, 3), (2, 4, 4), ((3, 3), {"UPLO": "U"}), (1, 1))),

    OpSpec("svd", lambda a, **kw: _svd_invariants(mt.linalg.svd(a, **kw)), _svd_ref,
           _cases(_singular, (4, 3), (3, 5), (3, 3), (2, 4, 3), (2, 3, 4), (1, 1), (2, 1, 3, 3)),
           output=_differentiable_svd_part),
    OpSpec("svd[reduced]", lambda a: _svd_invariants(mt.linalg.svd(a, full_matrices=False)),
           lambda a: _svd_ref(a, full_matrices=False),
           _cases(_singular, (4, 3), (3, 5), (2, 3, 3), (2, 2, 4)),
           output=_differentiable_svd_part),
    OpSpec("svdvals", mt.linalg.svdvals, lambda a: np.linalg.svd(a, compute_uv=False),
           _cases(_singular, (4, 3), (3, 5), (3, 3), (2, 4, 3), (1, 1))),
]
