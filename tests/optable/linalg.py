"""Op table rows: linalg ops (matmul in every PyTorch case, mm, bmm, dot, outer, einsum;
det, slogdet, inv, solve, matrix_power, the norms of mytorch.linalg, cdist)."""
import numpy as np

import mytorch as mt
from .spec import OpSpec, Sample, away_from, distinct, uniform


def _shapes(*pairs):
    def samples(rng):
        return [Sample(tuple(uniform(rng, s) for s in shapes)) for shapes in pairs]
    return samples


MATMUL_SHAPES = [
    ((4,), (4,)),                     # 1-D · 1-D: a 0-d dot product
    ((3, 4), (4,)),                   # matrix · vector
    ((4,), (4, 2)),                   # vector · matrix
    ((2, 3), (3, 4)),                 # matrix · matrix
    ((2, 2, 3), (2, 3, 2)),           # batched
    ((2, 1, 2, 3), (3, 3, 2)),        # batch dims broadcast: (2, 1) with (3,)
    ((2, 2, 3), (3, 2)),              # batched · matrix
    ((3,), (2, 3, 2)),                # vector · batched
    ((2, 2, 3), (3,)),                # batched · vector
]


EINSUMS = [
    ("ij,jk->ik", (2, 3), (3, 2)),
    ("bij,bjk->bik", (2, 2, 3), (2, 3, 2)),
    ("ij->j", (3, 4)),
    ("ij->", (2, 3)),
    ("i,j->ij", (3,), (4,)),
    ("i,i->", (4,), (4,)),
    ("ij->ji", (2, 3)),
    ("...ij,...jk->...ik", (2, 2, 3), (3, 2)),
    ("...ij,...jk->...ik", (2, 1, 2, 2), (3, 2, 2)),   # broadcast inside the ellipsis
    ("b...,b->...", (2, 3), (2,)),
    ("ij,jk->ik", (2, 1), (3, 2)),                      # a size-1 subscript broadcasts
    ("ij,jk", (2, 3), (3, 2)),                          # implicit output: 'ik'
    ("ba,ca", (2, 3), (2, 3)),                          # implicit output sorted: 'bc'
    ("ij,jk,kl->il", (2, 2), (2, 3), (3, 2)),
    ("ii->i", (3, 3)),                                  # diagonal
    ("ii", (3, 3)),                                     # trace
    ("iij,j->i", (2, 2, 3), (3,)),
    ("ij,ii->j", (3, 2), (3, 3)),
]


def _einsum_spec(equation, *shapes):
    def samples(rng):
        return [Sample(tuple(uniform(rng, s) for s in shapes))]
    return OpSpec(f"einsum[{equation} {' '.join(map(str, shapes))}]",
                  lambda *ops: mt.einsum(equation, *ops), lambda *ops: np.einsum(equation, *ops),
                  samples)


REQUIRED = {"matmul", "linear", "mm", "bmm", "mv", "addmm", "baddbmm", "tensordot", "dot",
            "outer", "einsum"}

SPECS = [
    OpSpec("matmul", lambda a, b: a @ b, np.matmul, _shapes(*MATMUL_SHAPES)),
    OpSpec("matmul[function]", mt.matmul, np.matmul, _shapes(((3, 2), (2, 4)), ((2,), (2,)))),
    OpSpec("mm", mt.mm, np.matmul, _shapes(((2, 3), (3, 4)), ((1, 4), (4, 1)))),
    OpSpec("bmm", mt.bmm, np.matmul, _shapes(((2, 2, 3), (2, 3, 2)), ((1, 3, 2), (1, 2, 3)))),
    OpSpec("dot", mt.dot, np.dot, _shapes(((5,), (5,)), ((1,), (1,)))),
    OpSpec("mv", mt.mv, np.matmul, _shapes(((2, 3), (3,)), ((1, 1), (1,)))),
    OpSpec("tensordot", mt.tensordot, np.tensordot,
           _shapes(((2, 3, 4), (3, 4, 2)), ((2, 2), (2, 2)))),
    OpSpec("tensordot[dims]", lambda a, b: mt.tensordot(a, b, dims=([0, 2], [1, 0])),
           lambda a, b: np.tensordot(a, b, axes=([0, 2], [1, 0])), _shapes(((2, 3, 4), (4, 2)))),
    OpSpec("tensordot[0]", lambda a, b: mt.tensordot(a, b, 0), lambda a, b: np.tensordot(a, b, 0),
           _shapes(((2,), (3,)))),
    OpSpec("addmm", lambda c, a, b: mt.addmm(c, a, b, beta=0.5, alpha=2.0),
           lambda c, a, b: 0.5 * c + 2.0 * (a @ b), _shapes(((2, 4), (2, 3), (3, 4)),
                                                          ((4,), (2, 3), (3, 4)))),
    OpSpec("addmm[beta=0]", lambda c, a, b: mt.addmm(c, a, b, beta=0), lambda c, a, b: a @ b,
           _shapes(((2, 4), (2, 3), (3, 4)))),
    OpSpec("baddbmm", lambda c, a, b: mt.baddbmm(c, a, b, alpha=-1.0), lambda c, a, b: c - a @ b,
           _shapes(((2, 2, 2), (2, 2, 3), (2, 3, 2)), ((2,), (1, 2, 3), (1, 3, 2)))),
    OpSpec("outer", mt.outer, np.outer, _shapes(((3,), (4,)), ((1,), (2,)))),
    OpSpec("linear", mt.linear, lambda x, w, b: x @ w.T + b,
           _shapes(((2, 3), (4, 3), (4,)), ((2, 2, 3), (2, 3), (2,)), ((3,), (2, 3), (2,)))),
    OpSpec("linear[no bias]", lambda x, w: mt.linear(x, w), lambda x, w: x @ w.T,
           _shapes(((2, 3), (4, 3)), ((1, 2, 3), (2, 3)))),
] + [_einsum_spec(eq, *shapes) for eq, *shapes in EINSUMS]


def _attention_ref(q, k, v, mask=None, scale=None):
    scale = 1 / np.sqrt(q.shape[-1]) if scale is None else scale
    s = (q * scale) @ np.swapaxes(k, -1, -2)
    if mask is not None:
        s = np.where(mask, s, -np.inf) if mask.dtype == bool else s + mask
    m = s.max(-1, keepdims=True)
    e = np.exp(s - np.where(np.isneginf(m), 0, m))
    z = e.sum(-1, keepdims=True)
    p = e / np.where(z == 0, 1, z)
    return p @ v, p


def _attention_samples(rng):
    q, k, v = uniform(rng, (2, 3, 4)), uniform(rng, (2, 5, 4)), uniform(rng, (2, 5, 2))
    keep = rng.random((3, 5)) > 0.3
    keep[:, 0] = True
    return [Sample((q, k, v)),
            Sample((q, k, v, keep)),                                   # boolean: True attends
            Sample((q, k, v, uniform(rng, (3, 5)))),                  # floats added (trainable)
            Sample((uniform(rng, (2, 2, 3, 4)), uniform(rng, (1, 2, 4, 4)),
                    uniform(rng, (1, 2, 4, 3))), {"scale": 0.7})]       # batch dims broadcast


# the fused attention op (F.scaled_dot_product_attention and MultiheadAttention use it):
# outputs and weights both carry gradients
REQUIRED |= {"attention"}
SPECS += [
    OpSpec("attention", lambda *a, **kw: mt.ops.attention(*a, **kw), _attention_ref,
           _attention_samples),
]


# ---- square matrices, norms, distances ------------------------------------------------------
# Matrices are random + n·I (diagonally dominant, far from singular) so that the finite
# differences of gradcheck are stable; `negate` flips the sign of an odd-sized one (a negative
# determinant, for slogdet's sign).

def _square(rng, shape, negate=False):
    n = shape[-1]
    a = uniform(rng, shape, -1.0, 1.0) + n * np.eye(n)
    return -a if negate else a


def _matrices(*cases):
    """cases: (shape of A, other array shapes..., kwargs): A well conditioned, the rest uniform."""
    def samples(rng):
        out = []
        for *shapes, kwargs in cases:
            kwargs = dict(kwargs)
            a = _square(rng, shapes[0], kwargs.pop("negate", False))
            out.append(Sample((a,) + tuple(uniform(rng, s) for s in shapes[1:]), kwargs))
        return out
    return samples


def _cases_of(gen, *cases):
    """cases: (shape, kwargs) for one array drawn by gen(rng, shape)."""
    return lambda rng: [Sample((gen(rng, shape),), dict(kwargs)) for shape, kwargs in cases]


def _solve_ref(a, b, left=True):
    """X = A⁻¹B through the inverse (a different route than LAPACK's solve)."""
    if not left:
        return b @ np.linalg.inv(a)
    vector = b.ndim == 1 or (b.ndim == a.ndim - 1 and b.shape == a.shape[:-1])
    x = np.linalg.inv(a) @ (b[..., None] if vector else b)
    return x[..., 0] if vector else x


def _vector_norm_ref(x, ord=2, dim=None, keepdim=False):
    a = np.abs(x)
    dim = tuple(dim) if isinstance(dim, list) else dim
    if ord == np.inf:
        return a.max(axis=dim, keepdims=keepdim)
    if ord == -np.inf:
        return a.min(axis=dim, keepdims=keepdim)
    if ord == 0:
        return (a != 0).sum(axis=dim, keepdims=keepdim).astype(x.dtype)
    return (a ** ord).sum(axis=dim, keepdims=keepdim) ** (1.0 / ord)


def _np_norm(x, ord=None, dim=None, keepdim=False):
    return np.linalg.norm(x, ord, dim, keepdim)


def _cdist_ref(x1, x2, p=2.0):
    d = x1[..., :, None, :] - x2[..., None, :, :]
    return np.linalg.norm(d, ord=p, axis=-1) if p else (d != 0).sum(-1).astype(d.dtype)


def _matrix_norm_spec(label, ord, cases):
    return OpSpec(f"matrix_norm[{label}]",
                  lambda a, **kw: mt.linalg.matrix_norm(a, ord, **kw),
                  lambda a, dim=(-2, -1), keepdim=False: np.linalg.norm(a, ord, dim, keepdim),
                  _cases_of(uniform, *cases))


_MATRIX_NORM_CASES = [((3, 4), {}), ((2, 4, 3), {}), ((3, 2, 4), {"dim": (0, 2)}),
                      ((3, 2, 4), {"dim": (2, 0), "keepdim": True}), ((2, 3, 3), {"keepdim": True})]

REQUIRED |= {"det", "inv", "solve", "slogdet", "matrix_power", "vector_norm", "matrix_norm",
             "linalg.norm", "cdist"}
SPECS += [
    OpSpec("det", mt.linalg.det, np.linalg.det,
           _matrices(((3, 3), {}), ((2, 4, 4), {"negate": True}), ((1, 1), {}),
                     ((2, 1, 2, 2), {}))),
    OpSpec("det[torch.det]", mt.det, np.linalg.det, _matrices(((3, 3), {}))),
    OpSpec("det[method]", lambda a: a.det(), np.linalg.det, _matrices(((2, 3, 3), {}))),
    OpSpec("slogdet", mt.linalg.slogdet, lambda a: tuple(np.linalg.slogdet(a)),
           _matrices(((3, 3), {"negate": True}), ((2, 4, 4), {}), ((1, 1), {"negate": True})),
           output=lambda out: out.logabsdet),
    OpSpec("slogdet[method]", lambda a: a.slogdet(), lambda a: tuple(np.linalg.slogdet(a)),
           _matrices(((2, 3, 3), {"negate": True})), output=lambda out: out[1]),
    OpSpec("slogdet[torch.slogdet]", mt.slogdet, lambda a: tuple(np.linalg.slogdet(a)),
           _matrices(((3, 3), {})), output=lambda out: out.logabsdet),
    OpSpec("inv", mt.linalg.inv, np.linalg.inv,
           _matrices(((3, 3), {}), ((2, 4, 4), {"negate": True}), ((1, 1), {}))),
    OpSpec("inv[inverse]", mt.inverse, np.linalg.inv, _matrices(((2, 3, 3), {}))),
    OpSpec("inv[method]", lambda a: a.inverse(), np.linalg.inv, _matrices(((3, 3), {}))),
    OpSpec("solve", mt.linalg.solve, _solve_ref,
           _matrices(((3, 3), (3, 2), {}), ((3, 3), (3,), {}),
                     ((2, 3, 3), (2, 3), {}),                 # a batch of vectors
                     ((2, 3, 3), (3, 2), {}),                 # B's batch broadcast
                     ((1, 3, 3), (2, 3, 1), {}),              # A's batch broadcast
                     ((3, 3), (2, 3), {"left": False}))),     # X·A = B
    OpSpec("solve[left=False]", lambda a, b: mt.linalg.solve(a, b, left=False),
           lambda a, b: _solve_ref(a, b, left=False), _matrices(((2, 3, 3), (2, 4, 3), {}))),
    OpSpec("matrix_power", lambda a, **kw: mt.linalg.matrix_power(a, **kw),
           lambda a, n: np.linalg.matrix_power(a, n),
           _matrices(((3, 3), {"n": 3}), ((2, 3, 3), {"n": -2}), ((3, 3), {"n": 0}),
                     ((3, 3), {"n": 1}), ((2, 2, 2), {"n": 2}), ((3, 3), {"n": 5}),
                     ((3, 3), {"n": -1}), ((2, 3, 3), {"n": 6}))),
    OpSpec("matrix_power[method]", lambda a: a.matrix_power(4),
           lambda a: np.linalg.matrix_power(a, 4), _matrices(((2, 3, 3), {}))),
    OpSpec("matrix_power[torch]", lambda a: mt.matrix_power(a, -3),
           lambda a: np.linalg.matrix_power(a, -3), _matrices(((3, 3), {}))),
    OpSpec("vector_norm", lambda x, **kw: mt.linalg.vector_norm(x, **kw), _vector_norm_ref,
           _cases_of(lambda rng, s: away_from(rng, s), ((2, 3), {}),
                     ((2, 3), {"ord": 1, "dim": 1}), ((2, 3, 2), {"ord": 3, "dim": (0, 2),
                                                               "keepdim": True}),
                     ((4,), {"ord": -1}), ((2, 3), {"ord": 0.5, "dim": -1}),
                     ((2, 3), {"ord": 2, "dim": [0, 1]}), ((), {}))),
    OpSpec("vector_norm[inf]", lambda x, **kw: mt.linalg.vector_norm(x, **kw),
           _vector_norm_ref,
           _cases_of(lambda rng, s: distinct(rng, s, 0.3, 2.0) * rng.choice([-1, 1], s),
                     ((2, 3), {"ord": np.inf}), ((3, 4), {"ord": -np.inf, "dim": 0}),
                     ((3, 4), {"ord": np.inf, "dim": 1, "keepdim": True}))),
    OpSpec("vector_norm[0]", lambda x: mt.linalg.vector_norm(x, 0, 1),
           lambda x: _vector_norm_ref(x, 0, 1),
           lambda rng: [Sample((np.where(rng.random((3, 4)) > 0.5, 0.0, 1.5),))], grad=False),
    OpSpec("vector_norm[dtype]", lambda x: mt.linalg.vector_norm(x, 3, dtype=mt.float64),
           lambda x: _vector_norm_ref(x, 3), _cases_of(uniform, ((2, 3), {})),
           float32_out=False),
    _matrix_norm_spec("fro", "fro", _MATRIX_NORM_CASES),
    _matrix_norm_spec("nuc", "nuc", _MATRIX_NORM_CASES),
    _matrix_norm_spec("1", 1, _MATRIX_NORM_CASES),
    _matrix_norm_spec("-1", -1, _MATRIX_NORM_CASES),
    _matrix_norm_spec("inf", np.inf, _MATRIX_NORM_CASES),
    _matrix_norm_spec("-inf", -np.inf, _MATRIX_NORM_CASES),
    _matrix_norm_spec("2", 2, _MATRIX_NORM_CASES),
    _matrix_norm_spec("-2", -2, _MATRIX_NORM_CASES[1:] + _MATRIX_NORM_CASES[:1]),
    OpSpec("matrix_norm[default]", lambda a: mt.linalg.matrix_norm(a),
           lambda a: np.linalg.norm(a, "fro", (-2, -1)), _cases_of(uniform, ((2, 3, 4), {}))),
    OpSpec("linalg.norm", lambda x, **kw: mt.linalg.norm(x, **kw), _np_norm,
           _cases_of(lambda rng, s: away_from(rng, s), ((2, 3, 4), {}),   # 2-norm of everything
                     ((3, 4), {}), ((4,), {"ord": 3}), ((3, 4), {"ord": "fro"}),
                     ((3, 4), {"ord": 1}),                                # a matrix norm
                     ((3, 4), {"ord": "nuc", "keepdim": True}),
                     ((2, 3, 4), {"ord": 3, "dim": 1}),                   # a vector norm
                     ((2, 3, 4), {"ord": -2, "dim": (2, 0)}),             # a matrix norm
                     ((2, 3, 4), {"dim": (0, 1), "keepdim": True}))),     # ord None: Frobenius
    OpSpec("linalg.norm[inf]", lambda x, **kw: mt.linalg.norm(x, **kw), _np_norm,
           _cases_of(lambda rng, s: distinct(rng, s, 0.3, 2.0) * rng.choice([-1, 1], s),
                     ((5,), {"ord": np.inf}), ((3, 4), {"ord": np.inf}),
                     ((3, 4), {"ord": -np.inf, "dim": 1}))),
    OpSpec("cdist", lambda a, b, **kw: mt.cdist(a, b, **kw), _cdist_ref,
           lambda rng: [Sample((uniform(rng, (3, 4)), uniform(rng, (5, 4)))),
                        Sample((uniform(rng, (2, 3, 2)), uniform(rng, (2, 4, 2))), {"p": 1.0}),
                        Sample((uniform(rng, (1, 3, 2)), uniform(rng, (2, 4, 2))), {"p": 3}),
                        Sample((uniform(rng, (4, 3)), uniform(rng, (2, 3))), {"p": np.inf}),
                        Sample((uniform(rng, (2, 1, 3, 4)), uniform(rng, (3, 2, 4))))]),
]
