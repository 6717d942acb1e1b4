"""One training step of a one-layer LSTM: input 32, hidden 128, 32 steps, batch 32, a linear
head on the last step's hidden state, MSE against a target, Adam. float32.

    xw = x·W_ihᵀ + b_ih + b_hh                        (T, N, 4H), one matrix multiply
    gates = xwₜ + hₜ₋₁·W_hhᵀ;  i, f, g, o = σ, σ, tanh, σ;  cₜ = f⊙cₜ₋₁ + i⊙g;  hₜ = o⊙tanh cₜ
    ŷ = h_T·W_yᵀ + b_y;  L = mean((ŷ − y)²)

The NumPy side writes out backpropagation through time (the same derivatives as the
docstring of mytorch/ops/recurrent.py's LSTMScan) and Adam's update (β = 0.9, 0.999, ε = 1e-8,
bias-corrected). The mytorch side is the ordinary training loop: nn.LSTM, nn.Linear,
F.mse_loss, loss.backward(), optim.Adam.step().
"""
import numpy as np

import mytorch as mt
from mytorch import nn
from mytorch.nn import functional as F

from .timing import adam_state, adam_step, ratio_workload, same_loss, same_parameters

T, N, I, H, OUT = 32, 32, 32, 128, 1
LR = 1e-3
BETAS = (0.9, 0.999)
EPS = 1e-8
TARGET_RATIO = 1.10


def make_inputs(seed=0):
    """x (T, N, I), y (N, 1), and [W_ih, W_hh, b_ih, b_hh, W_y, b_y] initialised as PyTorch's
    layers are (U(−1/√H, 1/√H) for the LSTM, U(−1/√H, 1/√H) for the head, fan_in = H)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((T, N, I), dtype=np.float32)
    y = rng.standard_normal((N, OUT), dtype=np.float32)
    b = 1 / np.sqrt(H)
    shapes = [(4 * H, I), (4 * H, H), (4 * H,), (4 * H,), (OUT, H), (OUT,)]
    params = [rng.uniform(-b, b, s).astype(np.float32) for s in shapes]
    return x, y, params


# ---- mytorch ----------------------------------------------------------------------------------

class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(I, H)
        self.head = nn.Linear(H, OUT)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(out[-1])


def mytorch_setup(x, y, params):
    model = Model()
    with mt.no_grad():
        for p, a in zip(model.parameters(), params):
            p.copy_(mt.tensor(a))
    optimizer = mt.optim.Adam(model.parameters(), lr=LR, betas=BETAS, eps=EPS)
    return model, optimizer, mt.tensor(x), mt.tensor(y)


def mytorch_step(model, optimizer, x, y):
    optimizer.zero_grad()
    loss = F.mse_loss(model(x), y)
    loss.backward()
    optimizer.step()
    return loss


# ---- NumPy, backward by hand ------------------------------------------------------------------

def _sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1, e) / (1 + e)


def numpy_step(x, y, params, state):
    """One step, updating `params` and `state` in place; returns the loss (before the update)."""
    w_ih, w_hh, b_ih, b_hh, w_y, b_y = params
    xw = x @ w_ih.T + (b_ih + b_hh)
    hs = np.zeros((T + 1, N, H), np.float32)
    cs = np.zeros((T + 1, N, H), np.float32)
    acts = np.empty((T, N, 4 * H), np.float32)
    tanh_c = np.empty((T, N, H), np.float32)
    for t in range(T):
        a = xw[t] + hs[t] @ w_hh.T
        a[:, :2 * H] = _sigmoid(a[:, :2 * H])
        a[:, 2 * H:3 * H] = np.tanh(a[:, 2 * H:3 * H])
        a[:, 3 * H:] = _sigmoid(a[:, 3 * H:])
        acts[t] = a
        cs[t + 1] = a[:, H:2 * H] * cs[t] + a[:, :H] * a[:, 2 * H:3 * H]
        tanh_c[t] = np.tanh(cs[t + 1])
        hs[t + 1] = a[:, 3 * H:] * tanh_c[t]
    pred = hs[T] @ w_y.T + b_y
    diff = pred - y
    loss = np.mean(diff * diff)

    gpred = 2 * diff / diff.size
    gw_y = gpred.T @ hs[T]
    gb_y = gpred.sum(axis=0)
    dh = gpred @ w_y
    dc = np.zeros((N, H), np.float32)
    dgates = np.empty_like(acts)
    for t in reversed(range(T)):
        a, tc = acts[t], tanh_c[t]
        i, f, g, o = a[:, :H], a[:, H:2 * H], a[:, 2 * H:3 * H], a[:, 3 * H:]
        dc = dc + dh * o * (1 - tc * tc)
        d = dgates[t]
        d[:, :H] = dc * g * i * (1 - i)
        d[:, H:2 * H] = dc * cs[t] * f * (1 - f)
        d[:, 2 * H:3 * H] = dc * i * (1 - g * g)
        d[:, 3 * H:] = dh * tc * o * (1 - o)
        dh = d @ w_hh
        dc = dc * f
    flat = dgates.reshape(-1, 4 * H)
    gw_hh = flat.T @ hs[:-1].reshape(-1, H)
    gw_ih = flat.T @ x.reshape(-1, I)
    gb = flat.sum(axis=0)

    adam_step(params, (gw_ih, gw_hh, gb, gb, gw_y, gb_y), state, LR, BETAS, EPS)
    return loss


# ---- check and time ---------------------------------------------------------------------------

def check(seed=0):
    x, y, params = make_inputs(seed)
    model, optimizer, xt, yt = mytorch_setup(x, y, params)
    state = adam_state(params)
    for _ in range(2):                                  # two steps: Adam's state is used
        loss = mytorch_step(model, optimizer, xt, yt)
        ref = numpy_step(x, y, params, state)
        same_loss("lstm", loss, ref, rtol=1e-4)
    same_parameters("lstm", model, params, rtol=1e-4, atol=1e-6)
    return True


def run(quick=False):
    check()
    x, y, params = make_inputs()
    st = mytorch_setup(x, y, params)
    state = adam_state(params)
    return ratio_workload("lstm", f"LSTM {I}→{H}, {T} steps, batch {N}, linear head, MSE, Adam",
                          lambda: mytorch_step(*st), lambda: numpy_step(x, y, params, state),
                          TARGET_RATIO, quick, repeats=31)
