"""One training step of a small CNN on 28×28 images: batch 64, float32, cross-entropy, SGD.

    conv(1→8, 3×3, pad 1) → ReLU → max-pool 2 → conv(8→16, 3×3, pad 1) → ReLU → max-pool 2
    → flatten (16·7·7 = 784) → linear(784→10) → cross-entropy

The NumPy side is what a careful NumPy programmer writes by hand (the cs231n way):

    forward   conv: im2col (all 3×3 windows as columns, one copy) and one matmul per layer;
              pool: the 2×2 blocks as a reshape, argmax over each block
    backward  ∂W = ∂y·colsᵀ (the columns kept from the forward pass); ∂x = col2im(Wᵀ·∂y),
              adding the 9 kernel positions' slices back into the padded input; the pool
              routes each gradient to its block's argmax; ReLU masks

The mytorch side is the ordinary training loop (nn.Conv2d, nn.MaxPool2d, F.cross_entropy,
loss.backward(), optim.SGD.step()), whose convolution backward is itself a convolution.
"""
import numpy as np

import mytorch as mt
from mytorch import nn
from mytorch.nn import functional as F

from .timing import measure, ratio_workload, same_loss, same_parameters

BATCH = 64
LR = 0.1
TARGET_RATIO = 1.10


def make_inputs(seed=0):
    """A batch (x, y) and the parameters [W₁, b₁, W₂, b₂, W₃, b₃], initialised as PyTorch's
    layers are (U(−1/√fan_in, 1/√fan_in))."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((BATCH, 1, 28, 28), dtype=np.float32)
    y = rng.integers(0, 10, BATCH).astype(np.int64)
    params = []
    for shape in ((8, 1, 3, 3), (16, 8, 3, 3), (10, 784)):
        bound = 1 / np.sqrt(np.prod(shape[1:]))
        params.append(rng.uniform(-bound, bound, shape).astype(np.float32))
        params.append(rng.uniform(-bound, bound, shape[0]).astype(np.float32))
    return x, y, params


# ---- mytorch ----------------------------------------------------------------------------------

def mytorch_setup(x, y, params):
    model = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(784, 10))
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

def _im2col(x):
    """x (N, C, H, W) -> columns (N, C·9, H·W) of its zero-padded 3×3 windows."""
    n, c, h, w = x.shape
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    win = np.lib.stride_tricks.sliding_window_view(padded, (3, 3), axis=(2, 3))
    return win.transpose(0, 1, 4, 5, 2, 3).reshape(n, c * 9, h * w)


def _col2im(cols, shape):
    """The adjoint of _im2col: columns (N, C·9, H·W) summed back into (N, C, H, W)."""
    n, c, h, w = shape
    cols = cols.reshape(n, c, 3, 3, h, w)
    padded = np.zeros((n, c, h + 2, w + 2), cols.dtype)
    for i in range(3):
        for j in range(3):
            padded[:, :, i:i + h, j:j + w] += cols[:, :, i, j]
    return padded[:, :, 1:-1, 1:-1]


def _conv_forward(x, w, b):
    cols = _im2col(x)
    y = w.reshape(w.shape[0], -1) @ cols + b[:, None]                # (N, O, H·W)
    return y.reshape(x.shape[0], w.shape[0], *x.shape[2:]), cols


def _conv_backward(g, cols, w, x_shape, need_x):
    n, o = g.shape[:2]
    g = g.reshape(n, o, -1)
    gw = np.matmul(g, cols.transpose(0, 2, 1)).sum(axis=0).reshape(w.shape)
    gb = g.sum(axis=(0, 2))
    gx = _col2im(w.reshape(o, -1).T @ g, x_shape) if need_x else None
    return gx, gw, gb


def _pool_forward(x):
    """2×2 max-pool: each block's maximum and the position (0..3) of its first maximum."""
    n, c, h, w = x.shape
    blocks = x.reshape(n, c, h // 2, 2, w // 2, 2).transpose(0, 1, 2, 4, 3, 5)
    blocks = blocks.reshape(n, c, h // 2, w // 2, 4)
    arg = blocks.argmax(axis=-1)
    return np.take_along_axis(blocks, arg[..., None], -1)[..., 0], arg


def _pool_backward(g, arg):
    n, c, h, w = g.shape
    blocks = np.zeros((n, c, h, w, 4), g.dtype)
    np.put_along_axis(blocks, arg[..., None], g[..., None], -1)
    return blocks.reshape(n, c, h, w, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(n, c, 2 * h, 2 * w)


def numpy_step(x, y, params):
    """One step, updating `params` in place; returns the loss (before the update)."""
    w1, b1, w2, b2, w3, b3 = params
    n = x.shape[0]
    h1, cols1 = _conv_forward(x, w1, b1)
    a1 = np.maximum(h1, 0)
    p1, arg1 = _pool_forward(a1)
    h2, cols2 = _conv_forward(p1, w2, b2)
    a2 = np.maximum(h2, 0)
    p2, arg2 = _pool_forward(a2)
    flat = p2.reshape(n, -1)
    z = flat @ w3.T + b3

    shifted = z - z.max(axis=1, keepdims=True)          # stable log-softmax
    e = np.exp(shifted)
    s = e.sum(axis=1, keepdims=True)
    rows = np.arange(n)
    loss = np.log(s[:, 0]).mean() - shifted[rows, y].mean()

    gz = e / s                                          # p − Y, over N
    gz[rows, y] -= 1
    gz /= n
    gw3 = gz.T @ flat
    gb3 = gz.sum(axis=0)
    gp2 = (gz @ w3).reshape(p2.shape)
    gh2 = _pool_backward(gp2, arg2) * (h2 > 0)
    gp1, gw2, gb2 = _conv_backward(gh2, cols2, w2, p1.shape, need_x=True)
    gh1 = _pool_backward(gp1, arg1) * (h1 > 0)
    _, gw1, gb1 = _conv_backward(gh1, cols1, w1, x.shape, need_x=False)

    for p, g in zip(params, (gw1, gb1, gw2, gb2, gw3, gb3)):
        p -= LR * g
    return loss


# ---- check and time ---------------------------------------------------------------------------

def check(seed=0):
    x, y, params = make_inputs(seed)
    model, optimizer, xt, yt = mytorch_setup(x, y, params)
    loss = mytorch_step(model, optimizer, xt, yt)
    ref = numpy_step(x, y, params)                      # params now hold the updated weights
    same_loss("cnn", loss, ref, rtol=1e-5)
    same_parameters("cnn", model, params, rtol=1e-4, atol=1e-6)
    return True


def resnet18_time(quick=False, batch=32):
    """Median seconds of a forward + backward pass of ResNet-18 with the small-image stem on a
    batch of 1×28×28 images (no NumPy twin: a report of what a real network costs)."""
    mt.manual_seed(0)
    model = mt.models.resnet18(num_classes=10, in_channels=1, small_input=True)
    x = mt.randn(batch, 1, 28, 28)
    y = mt.randint(0, 10, (batch,))

    def step():
        model.zero_grad()
        F.cross_entropy(model(x), y).backward()
    return measure({"resnet18": step}, repeats=1 if quick else 5, warmup=1)["resnet18"]["median"]


def run(quick=False):
    check()
    x, y, params = make_inputs()
    state = mytorch_setup(x, y, params)
    result = ratio_workload("cnn", f"conv-relu-pool ×2 + linear, batch {BATCH} of 1×28×28, CE, "
                            "SGD step", lambda: mytorch_step(*state),
                            lambda: numpy_step(x, y, params), TARGET_RATIO, quick, repeats=31)
    result["resnet18_s"] = resnet18_time(quick)
    result["notes"] = [f"ResNet-18 (small stem), batch 32 of 1×28×28, forward + backward: "
                       f"{result['resnet18_s']:.2f} s"]
    return result
