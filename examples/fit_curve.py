"""Fit a noisy sine with a small tanh network made of raw tensors: autograd and nothing else.

Everything here is the core engine and nothing else: tensors that require grad, a forward pass
written with ordinary tensor ops, `loss.backward()`, and plain gradient descent under
`mt.no_grad()`. No `nn`, no `optim`: the four parameter tensors are the model.

    model   ŷ = tanh(x·W₁ + b₁)·W₂ + b₂        W₁: (1, H), b₁: (H,), W₂: (H, 1), b₂: (1,)
    loss    L = mean((ŷ − y)²)
    step    p ← p − lr · ∂L/∂p                  for p in (W₁, b₁, W₂, b₂)

The data are y = sin(x) + ε, ε ~ N(0, 0.1²), so no model can get the loss much below the noise
variance 0.01; the script checks that the fit gets close to it.

    python examples/fit_curve.py                 # full run, plot to runs/fit_curve.png
    python examples/fit_curve.py --smoke --out /tmp/x   # a few hundred steps (the tests)
"""
import argparse
import os
import sys
import time

import numpy as np

import mytorch as mt

NOISE = 0.1                  # standard deviation of the noise on the targets
QUALITY_BAR = 0.015          # full run: final loss must be below this (noise variance: 0.01)


def make_data(n, seed):
    """n points of sin on [−π, π] with Gaussian noise, as float32 column vectors (NumPy)."""
    rng = np.random.default_rng(seed)
    x = np.linspace(-np.pi, np.pi, n, dtype=np.float32)[:, None]
    y = np.sin(x) + NOISE * rng.standard_normal(x.shape).astype(np.float32)
    return x, y


def init_params(hidden):
    """The model's four tensors: W₁ ~ N(0, 1) (inputs are scaled to [−1, 1]), W₂ ~ N(0, 1/H)."""
    W1 = mt.randn(1, hidden).requires_grad_()
    b1 = mt.zeros(hidden, requires_grad=True)
    W2 = (mt.randn(hidden, 1) / hidden ** 0.5).requires_grad_()
    b2 = mt.zeros(1, requires_grad=True)
    return [W1, b1, W2, b2]


def model(params, x):
    W1, b1, W2, b2 = params
    return (x @ W1 + b1).tanh() @ W2 + b2        # b₁, b₂ broadcast over the batch


def train(params, x, y, steps, lr, log_every):
    """Full-batch gradient descent; returns the loss of every step."""
    losses = []
    for step in range(steps):
        loss = ((model(params, x) - y) ** 2).mean()
        loss.backward()                          # fills p.grad for the four leaves
        with mt.no_grad():                       # the update itself is not part of any graph
            for p in params:
                p -= lr * p.grad                 # in place: p stays the same leaf tensor
                p.grad = None
        losses.append(loss.item())
        if step % log_every == 0 or step == steps - 1:
            print(f"step {step:5d}   loss {losses[-1]:.5f}", flush=True)
    return losses


def plot(path, x, y, fit, losses):
    import matplotlib                            # only the example draws: never at import mytorch
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(10, 4))
    ax0.scatter(x[:, 0], y[:, 0], s=8, alpha=0.5, label="data: sin(x) + noise")
    ax0.plot(x[:, 0], np.sin(x[:, 0]), "k--", lw=1, label="sin(x)")
    ax0.plot(x[:, 0], fit[:, 0], "C3", lw=2, label="tanh network")
    ax0.set_xlabel("x")
    ax0.legend(loc="upper left")
    ax0.set_title("data and fit")
    ax1.semilogy(losses)
    ax1.axhline(NOISE ** 2, color="k", ls="--", lw=1, label="noise variance")
    ax1.set_xlabel("step")
    ax1.set_ylabel("mean squared error")
    ax1.legend()
    ax1.set_title("training loss")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--hidden", type=int, default=32)
    parser.add_argument("--points", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="runs", help="folder for fit_curve.png (made if missing)")
    parser.add_argument("--no-plot", action="store_true", help="skip the figure")
    parser.add_argument("--smoke", action="store_true",
                        help="a short run for the tests: 300 steps, only checks the loss fell")
    args = parser.parse_args(argv)
    steps = 300 if args.smoke else args.steps

    mt.manual_seed(args.seed)
    x_np, y_np = make_data(args.points, args.seed)
    x = mt.tensor(x_np / np.pi)                  # inputs scaled to [−1, 1]: tanh's useful range
    y = mt.tensor(y_np)
    params = init_params(args.hidden)
    print(f"fitting sin(x) + noise ({args.points} points) with a 1-{args.hidden}-1 tanh network, "
          f"{steps} steps of gradient descent, lr {args.lr}")

    start = time.perf_counter()
    losses = train(params, x, y, steps, args.lr, log_every=max(1, steps // 10))
    seconds = time.perf_counter() - start

    with mt.no_grad():
        fit = model(params, x).numpy()
    print(f"loss {losses[0]:.5f} -> {losses[-1]:.5f} in {seconds:.2f} s "
          f"({1000 * seconds / steps:.2f} ms/step)")

    if not args.no_plot:
        os.makedirs(args.out, exist_ok=True)
        path = os.path.join(args.out, "fit_curve.png")
        try:
            plot(path, x_np, y_np, fit, losses)
            print(f"saved {path}")
        except ImportError:
            print("no plot: matplotlib is not installed (pip install matplotlib)")

    if not losses[-1] < losses[0] / 2:
        print(f"FAILED: the loss did not fall ({losses[0]:.5f} -> {losses[-1]:.5f})")
        return 1
    if not args.smoke:
        if not losses[-1] < QUALITY_BAR:
            print(f"FAILED: final loss {losses[-1]:.5f} is not below {QUALITY_BAR} "
                  f"(noise variance {NOISE ** 2:.3f})")
            return 1
        print(f"OK: final loss {losses[-1]:.5f} < {QUALITY_BAR} "
              f"(the noise variance, the best possible, is {NOISE ** 2:.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
