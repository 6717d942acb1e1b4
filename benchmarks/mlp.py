"""One training step of a 784-256-256-10 ReLU MLP: batch 128, float32, cross-entropy, SGD.

    h₁ = x·W₁ᵀ + b₁   a₁ = relu h₁   h₂ = a₁·W₂ᵀ + b₂   a₂ = relu h₂   z = a₂·W₃ᵀ + b₃
    L = (1/N) Σₙ −log softmax(zₙ)[yₙ]

Backward, with p = softmax z and Y the one-hot targets (the fused softmax cross-entropy):

    ∂z = (p − Y)/N          ∂W₃ = ∂zᵀ·a₂     ∂b₃ = Σₙ ∂z     ∂a₂ = ∂z·W₃
    ∂h₂ = ∂a₂ ⊙ [h₂ > 0]    ∂W₂ = ∂h₂ᵀ·a₁    ∂b₂ = Σₙ ∂h₂    ∂a₁ = ∂h₂·W₂
    ∂h₁ = ∂a₁ ⊙ [h₁ > 0]    ∂W₁ = ∂h₁ᵀ·x     ∂b₁ = Σₙ ∂h₁

then θ ← θ − γ·∂θ for the six parameters (γ = 0.1, no momentum). The mytorch side is the
ordinary training loop (nn.Sequential of Linear and ReLU, F.cross_entropy, loss.backward(),
optim.SGD.step()); the NumPy side writes the same step out by hand. Seven matrix products of
about 0.27 GFLOP in all do most of the work, so the ratio shows what the framework adds
around them: the graph, the log-softmax/gather of cross_entropy, the optimizer loop.
"""
import numpy as np

import mytorch as mt
from mytorch import nn
from mytorch.nn import functional as F

from .timing import ratio_workload, same_loss, same_parameters

SIZES = (784, 256, 256, 10)
BATCH = 128
LR = 0.1
TARGET_RATIO = 1.10


def make_inputs(seed=0):
    """A batch (x, y) and the starting parameters [W₁, b₁, W₂, b₂, W₃, b₃], initialised as
    nn.Linear does (U(−1/√in, 1/√in) for both)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((BATCH, SIZES[0]), dtype=np.float32)
    y = rng.integers(0, SIZES[-1], BATCH).astype(np.int64)
    params = []
    for n_in, n_out in zip(SIZES[:-1], SIZES[1:]):
        bound = 1 / np.sqrt(n_in)
        params.append(rng.uniform(-bound, bound, (n_out, n_in)).astype(np.float32))
        params.append(rng.uniform(-bound, bound, n_out).astype(np.float32))
    return x, y, params


# ---- mytorch ----------------------------------------------------------------------------------

def mytorch_setup(x, y, params):
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(),
                          nn.Linear(256, 10))
    with mt.no_grad():
        for p, a in zip(model.parameters(), params):
            p.copy_(mt.tensor(a))
    optimizer = mt.optim.SGD(model.parameters(), lr=LR)
    return model, optimizer, mt.tensor(x), mt.tensor(y)


def mytorch_step(model, optimizer, x, y):
    optimizer.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    optimizer.step()
    return loss


# ---- NumPy, backward by hand ------------------------------------------------------------------

def numpy_step(x, y, params):
    """One step, updating `params` in place; returns the loss (before the update)."""
    w1, b1, w2, b2, w3, b3 = params
    n = x.shape[0]
    h1 = x @ w1.T + b1
    a1 = np.maximum(h1, 0)
    h2 = a1 @ w2.T + b2
    a2 = np.maximum(h2, 0)
    z = a2 @ w3.T + b3

    shifted = z - z.max(axis=1, keepdims=True)          # stable log-softmax
    e = np.exp(shifted)
    s = e.sum(axis=1, keepdims=True)
    rows = np.arange(n)
    loss = np.log(s[:, 0]).mean() - shifted[rows, y].mean()

    gz = e / s                                          # p − Y, over N
    gz[rows, y] -= 1
    gz /= n
    gw3 = gz.T @ a2
    gb3 = gz.sum(axis=0)
    ga2 = gz @ w3
    gh2 = ga2 * (h2 > 0)
    gw2 = gh2.T @ a1
    gb2 = gh2.sum(axis=0)
    ga1 = gh2 @ w2
    gh1 = ga1 * (h1 > 0)
    gw1 = gh1.T @ x
    gb1 = gh1.sum(axis=0)

    for p, g in zip(params, (gw1, gb1, gw2, gb2, gw3, gb3)):
        p -= LR * g
    return loss


# ---- check and time ---------------------------------------------------------------------------

def check(seed=0):
    x, y, params = make_inputs(seed)
    model, optimizer, xt, yt = mytorch_setup(x, y, params)
    loss = mytorch_step(model, optimizer, xt, yt)
    ref = numpy_step(x, y, params)                      # params now hold the updated weights
    same_loss("mlp", loss, ref, rtol=1e-5)
    same_parameters("mlp", model, params, rtol=1e-5, atol=1e-6)
    return True


def run(quick=False):
    check()
    x, y, params = make_inputs()
    state = mytorch_setup(x, y, params)
    return ratio_workload("mlp", f"784-256-256-10 ReLU, batch {BATCH}, CE, SGD step",
                          lambda: mytorch_step(*state), lambda: numpy_step(x, y, params),
                          TARGET_RATIO, quick, repeats=41)
