"""Op table rows: the rest of mytorch.linalg (solve_triangular, lu, lu_factor, lu_solve, the
_ex forms, pinv, lstsq, cond, cross, vecdot, multi_dot, vander, matrix_exp, tensorinv,
tensorsolve) and the torch-level functions of that family (torch.svd, cholesky_solve,
cholesky_inverse, lu_unpack, triangular_solve, logdet, pinverse, chain_matmul, cross).

Inputs are well conditioned: singular values in [1, 3] (tests/optable/decomp.py's
_singular), triangular factors with diagonals in [1.5, 2.5], so that central differences are
stable and pivots far apart. The NumPy references are independent of mytorch's method where
NumPy has none (a textbook LU loop, an eigendecomposition for matrix_exp). torch.svd's
vectors are compared by their gauge-invariant products, as in decomp.py.
"""
import warnings

import numpy as np

import mytorch as mt
from mytorch import linalg
from .decomp import _cases, _singular, _spd, _svd_invariants, _svd_ref, _sym, _np_sym, \
    _differentiable_svd_part
from .spec import OpSpec, Sample, uniform


def _triangular(rng, shape):
    """A matrix whose both triangles make well-conditioned triangular matrices."""
    n = shape[-1]
    return uniform(rng, shape, -0.5, 0.5) + np.eye(n) * rng.uniform(1.5, 2.5, shape[:-1])[..., None]


def _pairs(gen_a, gen_b, *cases):
    """cases: (shape_a, shape_b, kwargs)."""
    def samples(rng):
        return [Sample((gen_a(rng, sa), gen_b(rng, sb)), dict(kw)) for sa, sb, kw in cases]
    return samples


def _tri_np(a, upper, unitriangular=False):
    t = np.triu(a) if upper else np.tril(a)
    if unitriangular:
        t = t - np.diagonal(t, 0, -2, -1)[..., None] * np.eye(a.shape[-1]) + np.eye(a.shape[-1])
    return t


def _solve_triangular_ref(a, b, upper, left=True, unitriangular=False):
    t = _tri_np(a, upper, unitriangular)
    return np.linalg.inv(t) @ b if left else b @ np.linalg.inv(t)


# ---- LU: a textbook loop, matrix by matrix -----------------------------------------------------

def _lu_one(a):
    a = a.copy()
    m, n = a.shape
    perm = np.arange(m)
    for j in range(min(m, n)):
        p = j + int(np.argmax(np.abs(a[j:, j])))
        a[[j, p]], perm[[j, p]] = a[[p, j]], perm[[p, j]]
        a[j + 1:, j] /= a[j, j]
        a[j + 1:, j + 1:] -= np.outer(a[j + 1:, j], a[j, j + 1:])
    k = min(m, n)
    l = np.tril(a[:, :k], -1) + np.eye(m, k)
    p = np.zeros((m, m))
    p[perm, np.arange(m)] = 1
    return p, l, np.triu(a[:k, :])


def _lu_ref(a):
    outs = [_lu_one(x) for x in a.reshape((-1,) + a.shape[-2:])]
    return tuple(np.stack([o[i] for o in outs]).reshape(a.shape[:-2] + outs[0][i].shape)
                 for i in range(3))


def _packed_ref(a):
    p, l, u = _lu_ref(a)
    m, n = a.shape[-2:]
    packed = np.zeros(a.shape)
    k = min(m, n)
    packed[..., :, :k] += np.tril(l, -1)
    packed[..., :k, :] += u
    return packed


def _lu_solve(a, b, left=True, adjoint=False):
    LU, piv = linalg.lu_factor(a)
    return linalg.lu_solve(LU, piv, b, left=left, adjoint=adjoint)


def _lu_solve_ref(a, b, left=True, adjoint=False):
    a = np.swapaxes(a, -1, -2) if adjoint else a
    return np.linalg.solve(a, b) if left else b @ np.linalg.inv(a)


# ---- the rest ------------------------------------------------------------------------------

def _expm_ref(a):
    w, v = np.linalg.eig(a)
    return np.real((v * np.exp(w)[..., None, :]) @ np.linalg.inv(v))


def _lstsq_ref(a, b, driver=None):
    return np.stack([np.linalg.lstsq(x, y, rcond=None)[0]
                     for x, y in zip(a.reshape((-1,) + a.shape[-2:]),
                                     b.reshape((-1,) + b.shape[-2:]))]).reshape(
        a.shape[:-2] + (a.shape[-1], b.shape[-1]))


def _cross_ref(a, b, dim=-1):
    return np.cross(a, b, axis=dim)


def _vander_ref(x, N=None):
    N = x.shape[-1] if N is None else N
    return x[..., None] ** np.arange(N)


def _quiet(fn):
    """fn without the deprecation warnings of torch.triangular_solve and chain_matmul."""
    def call(*args, **kwargs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return fn(*args, **kwargs)
    return call


def _as_vh(out):
    """torch.svd's (U, S, V) as linalg.svd's (U, S, Vh)."""
    u, s, v = out
    return u, s, v.mT


REQUIRED = {"solve_triangular", "triangular_solve", "cholesky_solve", "cholesky_inverse", "lu",
            "lu_factor", "lu_factor_ex", "lu_solve", "lu_unpack", "cholesky_ex", "inv_ex",
            "solve_ex", "pinv", "pinverse", "lstsq", "cond", "cross", "vecdot", "multi_dot",
            "chain_matmul", "vander", "matrix_exp", "tensorinv", "tensorsolve", "logdet",
            "torch.svd", "diagonal", "matrix_rank"}

SPECS = [
    OpSpec("solve_triangular", lambda a, b, **kw: linalg.solve_triangular(a, b, **kw),
           _solve_triangular_ref,
           _pairs(_triangular, uniform,
                  ((3, 3), (3, 2), {"upper": True}), ((3, 3), (3, 2), {"upper": False}),
                  ((2, 3, 3), (3, 4), {"upper": True}),
                  ((3, 3), (2, 3), {"upper": False, "left": False}),
                  ((3, 3), (2, 3, 1), {"upper": True, "unitriangular": True}),
                  ((1, 1), (1, 2), {"upper": False}))),
    OpSpec("triangular_solve",
           _quiet(lambda b, a, **kw: mt.triangular_solve(b, a, **kw).solution),
           lambda b, a, upper=True, transpose=False: _solve_triangular_ref(
               np.swapaxes(a, -1, -2) if transpose else a, b, upper != transpose),
           _pairs(uniform, _triangular, ((3, 2), (3, 3), {}),
                  ((2, 3, 1), (2, 3, 3), {"upper": False, "transpose": True}))),
    OpSpec("cholesky_solve", lambda b, l, **kw: mt.cholesky_solve(b, l, **kw),
           lambda b, l, upper=False: np.linalg.solve(
               np.swapaxes(np.triu(l), -1, -2) @ np.triu(l) if upper
               else np.tril(l) @ np.swapaxes(np.tril(l), -1, -2), b),
           _pairs(uniform, _triangular, ((3, 2), (3, 3), {}),
                  ((2, 3, 1), (3, 3), {"upper": True}))),
    OpSpec("cholesky_inverse", lambda l, **kw: mt.cholesky_inverse(l, **kw),
           lambda l, upper=False: np.linalg.inv(
               np.swapaxes(np.triu(l), -1, -2) @ np.triu(l) if upper
               else np.tril(l) @ np.swapaxes(np.tril(l), -1, -2)),
           _cases(_triangular, (3, 3), ((2, 2, 2), {"upper": True}))),

    OpSpec("lu", lambda a: tuple(linalg.lu(a)), _lu_ref,
           _cases(_singular, (3, 3), (2, 4, 4), (4, 2), (2, 3, 5), (1, 1)),
           output=lambda out: out[1:]),
    OpSpec("lu_factor", lambda a: linalg.lu_factor(a).LU, _packed_ref,
           _cases(_singular, (3, 3), (2, 3, 3), (4, 3), (2, 5))),
    OpSpec("lu_factor_ex", lambda a: linalg.lu_factor_ex(a).LU, _packed_ref,
           _cases(_singular, (3, 3), (2, 4, 2))),
    OpSpec("lu_solve", _lu_solve, _lu_solve_ref,
           _pairs(_singular, uniform, ((3, 3), (3, 2), {}),
                  ((2, 3, 3), (2, 3, 1), {"adjoint": True}),
                  ((3, 3), (2, 3), {"left": False}),
                  ((3, 3), (1, 3), {"left": False, "adjoint": True}))),
    OpSpec("lu_solve[torch.lu_solve]", lambda b, a: mt.lu_solve(b, *linalg.lu_factor(a)),
           lambda b, a: np.linalg.solve(a, b), _pairs(uniform, _singular, ((3, 2), (3, 3), {}))),
    OpSpec("lu_unpack", lambda a: tuple(mt.lu_unpack(*linalg.lu_factor(a))), _lu_ref,
           _cases(_singular, (3, 3), (2, 4, 3), (3, 5)), output=lambda out: out[1:]),

    OpSpec("cholesky_ex", lambda a: linalg.cholesky_ex(_sym(a)).L,
           lambda a: np.linalg.cholesky(_np_sym(a)), _cases(_spd, (3, 3), (2, 2, 2))),
    OpSpec("inv_ex", lambda a: linalg.inv_ex(a).inverse, np.linalg.inv,
           _cases(_singular, (3, 3), (2, 2, 2))),
    OpSpec("solve_ex", lambda a, b: linalg.solve_ex(a, b).result, np.linalg.solve,
           _pairs(_singular, uniform, ((3, 3), (3, 2), {}), ((2, 2, 2), (2, 2, 1), {}))),

    OpSpec("pinv", lambda a, **kw: linalg.pinv(a, **kw), lambda a: np.linalg.pinv(a),
           _cases(_singular, (3, 3), (4, 3), (3, 5), (2, 4, 2))),
    OpSpec("pinv[hermitian]", lambda a: linalg.pinv(_sym(a), hermitian=True),
           lambda a: np.linalg.pinv(_np_sym(a), hermitian=True), _cases(_spd, (3, 3), (2, 2, 2))),
    OpSpec("pinverse", lambda a: a.pinverse(), np.linalg.pinv, _cases(_singular, (3, 4))),
    OpSpec("lstsq", lambda a, b, **kw: linalg.lstsq(a, b, **kw).solution, _lstsq_ref,
           _pairs(_singular, uniform, ((5, 3), (5, 2), {}), ((2, 4, 4), (2, 4, 1), {}),
                  ((3, 5), (3, 2), {"driver": "gelsd"}))),
    OpSpec("lstsq[residuals]", lambda a, b: linalg.lstsq(a, b, driver="gelss")[1],
           lambda a, b: np.sum((a @ _lstsq_ref(a, b) - b) ** 2, -2),
           _pairs(_singular, uniform, ((5, 3), (5, 2), {}))),
    OpSpec("cond", lambda a, p=None: linalg.cond(a, p),
           lambda a, p=None: np.linalg.cond(a, p),
           _cases(_singular, (3, 3), ((2, 3, 3), {"p": -2}), ((3, 3), {"p": "fro"}),
                  ((3, 3), {"p": "nuc"}), ((2, 3, 3), {"p": 1}), ((3, 3), {"p": -np.inf}),
                  ((4, 3), {"p": 2}))),
    OpSpec("matrix_rank", linalg.matrix_rank, np.linalg.matrix_rank,
           _cases(_singular, (3, 3), (2, 4, 3)), grad=False),

    OpSpec("cross", lambda a, b, **kw: linalg.cross(a, b, **kw), _cross_ref,
           _pairs(uniform, uniform, ((3,), (3,), {}), ((4, 3), (1, 3), {}),
                  ((3, 2), (3, 2), {"dim": 0}))),
    OpSpec("cross[torch.cross]", lambda a, b: mt.cross(a, b, dim=1),
           lambda a, b: _cross_ref(a, b, 1),
           _pairs(uniform, uniform, ((2, 3, 2), (2, 3, 2), {}))),
    OpSpec("vecdot", lambda x, y, **kw: linalg.vecdot(x, y, **kw),
           lambda x, y, dim=-1: np.sum(x * y, dim),
           _pairs(uniform, uniform, ((4, 3), (3,), {}), ((3, 2), (3, 2), {"dim": 0}))),
    OpSpec("multi_dot", lambda *ts: linalg.multi_dot(ts), lambda *a: np.linalg.multi_dot(a),
           lambda rng: [Sample((uniform(rng, (2, 3)), uniform(rng, (3, 4)))),
                        Sample((uniform(rng, (3,)), uniform(rng, (3, 5)), uniform(rng, (5, 2)),
                                uniform(rng, (2,)))),
                        Sample((uniform(rng, (5, 1)), uniform(rng, (1, 4)),
                                uniform(rng, (4, 3))))]),
    OpSpec("chain_matmul", _quiet(mt.chain_matmul), lambda *a: np.linalg.multi_dot(a),
           lambda rng: [Sample((uniform(rng, (2, 3)), uniform(rng, (3, 4)),
                                uniform(rng, (4, 2))))]),
    OpSpec("vander", lambda x, **kw: linalg.vander(x, **kw), _vander_ref,
           lambda rng: [Sample((uniform(rng, (3,)),)), Sample((uniform(rng, (2, 4)),), {"N": 2}),
                        Sample((np.array([0.0, 1.5, -1.0]),), {"N": 4})]),
    OpSpec("diagonal[linalg]", lambda a, **kw: linalg.diagonal(a, **kw),
           lambda a, offset=0: np.diagonal(a, offset, -2, -1),
           _cases(uniform, (2, 3, 4), ((3, 3), {"offset": 1}))),
    OpSpec("matrix_exp", linalg.matrix_exp, _expm_ref,
           lambda rng: [Sample((uniform(rng, (3, 3), -0.3, 0.3),)),
                        Sample((uniform(rng, (2, 3, 3)),)),
                        Sample((3 * _singular(rng, (4, 4)),)), Sample((uniform(rng, (1, 1)),))],
           atol=1e-10, rtol=1e-10),
    OpSpec("matrix_exp[torch]", lambda a: a.matrix_exp(), _expm_ref,
           _cases(uniform, (2, 2))),
    OpSpec("tensorinv", lambda a, **kw: linalg.tensorinv(a, **kw),
           lambda a, ind=2: np.linalg.tensorinv(a, ind),
           lambda rng: [Sample((_singular(rng, (6, 6)).reshape(2, 3, 6),), {"ind": 2}),
                        Sample((_singular(rng, (4, 4)).reshape(4, 2, 2),), {"ind": 1})]),
    OpSpec("tensorsolve", lambda a, b, **kw: linalg.tensorsolve(a, b, **kw),
           lambda a, b, dims=None: np.linalg.tensorsolve(a, b, dims),
           lambda rng: [Sample((_singular(rng, (6, 6)).reshape(2, 3, 6), uniform(rng, (2, 3)))),
                        Sample((_singular(rng, (6, 6)).reshape(6, 2, 3), uniform(rng, (2, 3))),
                               {"dims": (0,)})]),
    OpSpec("logdet", lambda a: mt.logdet(_sym(a)), lambda a: np.log(np.linalg.det(_np_sym(a))),
           _cases(_spd, (3, 3), (2, 2, 2))),
    OpSpec("torch.svd", lambda a, some=True: _svd_invariants(_as_vh(mt.svd(a, some))),
           lambda a, some=True: _svd_ref(a, full_matrices=not some),
           _cases(_singular, (4, 3), ((3, 5), {"some": False}), (2, 3, 3)),
           output=_differentiable_svd_part),
    OpSpec("torch.svd[compute_uv=False]", lambda a: mt.svd(a, compute_uv=False).S,
           lambda a: np.linalg.svd(a, compute_uv=False), _cases(_singular, (4, 3))),
]
