"""A 1M-element elementwise chain in float32: where the arrays are big, overhead must vanish.

    y = tanh(x·w + b)·x,   L = Σ y,   backward to x, w, b   (all three of N = 2²⁰ elements)

Forward, with u = x·w, v = u + b, t = tanh v:

    ∂L/∂y = 1 (broadcast)     ∂t = ∂y·x     ∂x = ∂y·t + ∂v·w
    ∂v = ∂t·(1 − t²)          ∂w = ∂v·x     ∂b = ∂v

The NumPy version writes this chain rule out op for op (the gradient of the sum is a broadcast
1, as a hand-written backward of `sum` would give) and returns fresh gradient arrays; the ratio
mytorch / NumPy should be close to 1 when the framework adds no array passes of its own.

At this size both sides spend much of their time in page faults: glibc returns freed heap
memory to the system (trimming) and faults it back in on the next step, about 3,000 faults a
step on each side here. mytorch's graph keeps no more arrays alive than the hand-written step
(a node holds only what its backward saved, not its inputs), so the two fault alike. To time
the arithmetic alone, run with trimming off for both: MALLOC_TRIM_THRESHOLD_=268435456
MALLOC_MMAP_THRESHOLD_=67108864 python -m benchmarks elementwise.
"""
import numpy as np

import mytorch as mt

from .timing import ratio_workload

N = 1 << 20
TARGET_RATIO = 1.10


def make_inputs(seed=0, n=N):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n, dtype=np.float32)
    w = rng.standard_normal(n, dtype=np.float32)
    b = rng.standard_normal(n, dtype=np.float32)
    return x, w, b


# ---- mytorch ----------------------------------------------------------------------------------

def mytorch_setup(x, w, b):
    return tuple(mt.tensor(a, requires_grad=True) for a in (x, w, b))


def mytorch_step(x, w, b):
    x.grad = w.grad = b.grad = None
    y = (x * w + b).tanh() * x
    loss = y.sum()
    loss.backward()
    return loss


# ---- NumPy, backward by hand ------------------------------------------------------------------

def numpy_step(x, w, b):
    u = x * w
    v = u + b
    t = np.tanh(v)
    y = t * x
    loss = y.sum()

    gy = np.broadcast_to(np.ones((), dtype=y.dtype), y.shape)   # ∂L/∂y = 1
    gt = gy * x
    gx = gy * t
    gv = gt * (1 - t * t)
    gw = gv * x
    gb = gv
    gx = gx + gv * w
    return loss, gx, gw, gb


# ---- check and time ---------------------------------------------------------------------------

def check(seed=0, n=N):
    arrays = make_inputs(seed, n)
    tensors = mytorch_setup(*arrays)
    loss = mytorch_step(*tensors)
    ref = numpy_step(*arrays)
    np.testing.assert_allclose(loss.item(), ref[0], rtol=1e-4, err_msg="elementwise: loss")
    for name, t, r in zip(("x.grad", "w.grad", "b.grad"), tensors, ref[1:]):
        assert t.grad.dtype == mt.float32, f"elementwise: {name} is {t.grad.dtype}"
        np.testing.assert_allclose(t.grad.numpy(), r, rtol=1e-5, atol=1e-6,
                                   err_msg=f"elementwise: {name}")
    return True


def run(quick=False):
    n = N
    check(n=n)
    arrays = make_inputs(n=n)
    tensors = mytorch_setup(*arrays)
    return ratio_workload("elementwise", "tanh(x*w+b)*x, 1M float32, sum, bwd", lambda: mytorch_step(*tensors),
                          lambda: numpy_step(*arrays), TARGET_RATIO, quick, repeats=41)
