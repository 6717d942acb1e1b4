"""Per-op overhead: a chain of 200 small ops on 16 floats, forward + backward.

With 16 elements the arithmetic is nearly free, so the time is what the framework spends per op:
wrapping, promotion, `Function.apply`, building the graph, and in backward the engine and the
Tensor ops that each backward is written in. The chain repeats one block of four ops,

    h ← h·w      h ← h + b      h ← tanh h      h ← exp h

50 times (200 ops), then L = Σ h; backward to x (the start of the chain), w and b (used by every
block, so their gradients are sums of 50 contributions). The NumPy version stores what each op
needs and runs the hand-derived backward, op by op:

    exp:  g ← g·e          tanh: g ← g·(1 − t²)      add: ∂b += g       mul: ∂w += g·h, g ← g·w

The figure is microseconds per op of the chain (forward + backward, the final sum included in
the time, not in the count).
"""
import numpy as np

import mytorch as mt

from .timing import calibrate, measure

SIZE = 16
BLOCKS = 50
OPS_PER_BLOCK = 4
N_OPS = BLOCKS * OPS_PER_BLOCK
TARGET_US_PER_OP = 5.8


def make_inputs(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, SIZE).astype(np.float32)
    w = rng.uniform(0.5, 1.0, SIZE).astype(np.float32)
    b = rng.uniform(-0.5, 0.5, SIZE).astype(np.float32)
    return x, w, b


# ---- mytorch ----------------------------------------------------------------------------------

def mytorch_setup(x, w, b):
    return tuple(mt.tensor(a, requires_grad=True) for a in (x, w, b))


def mytorch_step(x, w, b):
    """One forward + backward; returns the loss tensor (gradients land in .grad)."""
    x.grad = w.grad = b.grad = None
    h = x
    for _ in range(BLOCKS):
        h = h * w
        h = h + b
        h = h.tanh()
        h = h.exp()
    loss = h.sum()
    loss.backward()
    return loss


# ---- NumPy, backward by hand ------------------------------------------------------------------

def numpy_step(x, w, b):
    """The same forward + backward; returns (loss, ∂x, ∂w, ∂b)."""
    saved = []
    h = x
    for _ in range(BLOCKS):
        h_in = h
        h = h * w
        h = h + b
        t = np.tanh(h)
        e = np.exp(t)
        saved.append((h_in, t, e))
        h = e
    loss = h.sum()

    g = np.ones_like(h)                  # ∂L/∂h = 1
    gw = np.zeros_like(w)
    gb = np.zeros_like(b)
    for h_in, t, e in reversed(saved):
        g = g * e                        # exp
        g = g * (1 - t * t)              # tanh
        gb += g                          # add
        gw += g * h_in                   # mul
        g = g * w
    return loss, g, gw, gb


# ---- check and time ---------------------------------------------------------------------------

def check(seed=0):
    """mytorch and NumPy agree on the loss and all three gradients (raises if not)."""
    arrays = make_inputs(seed)
    tensors = mytorch_setup(*arrays)
    loss = mytorch_step(*tensors)
    ref = numpy_step(*arrays)
    got = (loss.item(),) + tuple(t.grad.numpy() for t in tensors)
    for name, a, r in zip(("loss", "x.grad", "w.grad", "b.grad"), got, ref):
        np.testing.assert_allclose(a, r, rtol=1e-4, atol=1e-5, err_msg=f"overhead: {name}")
    return True


def run(quick=False):
    check()
    arrays = make_inputs()
    tensors = mytorch_setup(*arrays)
    fns = {"mytorch": lambda: mytorch_step(*tensors), "numpy": lambda: numpy_step(*arrays)}
    if quick:
        times = measure(fns, repeats=3, number=1, warmup=1)
    else:
        number = calibrate(fns["mytorch"], 0.02)
        times = measure(fns, repeats=41, number=number, warmup=5)
    per_op = {side: {k: t[k] * 1e6 / N_OPS for k in ("median", "min")}
              for side, t in times.items()}
    return {
        "name": "overhead",
        "what": f"{N_OPS}-op chain on {SIZE} floats, fwd+bwd",
        "unit": "us/op",
        "mytorch": per_op["mytorch"],
        "numpy": per_op["numpy"],
        "ratio": per_op["mytorch"]["median"] / per_op["numpy"]["median"],
        "target": {"metric": "mytorch us/op", "value": TARGET_US_PER_OP,
                   "met": per_op["mytorch"]["median"] <= TARGET_US_PER_OP},
        "repeats": times["mytorch"]["repeats"],
    }
