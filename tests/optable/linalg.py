"""Op table rows: linalg ops (matmul in every PyTorch case, mm, bmm, dot, outer, einsum)."""
import numpy as np

import mytorch as mt
from .spec import OpSpec, Sample, uniform


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
