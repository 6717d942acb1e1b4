"""512×512 float32 matmul, forward + backward with a given gradient.

    C = A·B,   given G = ∂L/∂C:   ∂A = G·Bᵀ,   ∂B = Aᵀ·G

(as for L = Σ C ⊙ G). Three matrix products of 512³ multiply-adds each; the BLAS does nearly all
the work on both sides, so the ratio mytorch / NumPy shows what the framework adds around it.
"""
import numpy as np

import mytorch as mt

from .timing import ratio_workload

SIZE = 512
TARGET_RATIO = 1.10


def make_inputs(seed=0, n=SIZE):
    rng = np.random.default_rng(seed)
    a, b, g = (rng.standard_normal((n, n), dtype=np.float32) for _ in range(3))
    return a, b, g


# ---- mytorch ----------------------------------------------------------------------------------

def mytorch_setup(a, b, g):
    return mt.tensor(a, requires_grad=True), mt.tensor(b, requires_grad=True), mt.tensor(g)


def mytorch_step(a, b, g):
    a.grad = b.grad = None
    c = a @ b
    c.backward(g)
    return c


# ---- NumPy, backward by hand ------------------------------------------------------------------

def numpy_step(a, b, g):
    c = a @ b
    ga = g @ b.T
    gb = a.T @ g
    return c, ga, gb


# ---- check and time ---------------------------------------------------------------------------

def check(seed=0, n=SIZE):
    arrays = make_inputs(seed, n)
    a, b, g = mytorch_setup(*arrays)
    c = mytorch_step(a, b, g)
    ref = numpy_step(*arrays)
    for name, got, r in zip(("C", "A.grad", "B.grad"), (c.detach(), a.grad, b.grad), ref):
        np.testing.assert_allclose(got.numpy(), r, rtol=1e-4, atol=1e-3, err_msg=f"matmul: {name}")
    return True


def run(quick=False):
    check()
    arrays = make_inputs()
    tensors = mytorch_setup(*arrays)
    return ratio_workload("matmul", f"{SIZE}x{SIZE} float32 A@B, bwd with G",
                          lambda: mytorch_step(*tensors), lambda: numpy_step(*arrays),
                          TARGET_RATIO, quick, repeats=31)
