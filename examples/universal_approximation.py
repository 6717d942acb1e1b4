"""Universal approximation: one hidden layer of tanh units fits sin(x), better the wider it is.

The universal approximation theorem (Cybenko 1989, Hornik 1991) says a network with one hidden
layer of enough sigmoid-like units approximates any continuous function on a closed interval as
closely as we like. It says nothing about how many units are enough, nor whether training finds
them; this script looks, on two periods of a sine:

    target  y = sin(x),  x ∈ [−2π, 2π]           512 evenly spaced points, no noise
    model   ŷ = Σ_j a_j · tanh(w_j·u + c_j) + b   u = x / 2π ∈ [−1, 1];  j = 1 … H
            nn.Sequential(nn.Linear(1, H), nn.Tanh(), nn.Linear(H, 1))
    loss    mean squared error, full batch, Adam with a cosine learning-rate schedule

for widths H = 1, 2, 4, 8, 16, 64. Each hidden unit is one smooth step; two periods of a sine
rise and fall four times, so a handful of steps can only sketch it (H = 1 is a single step, the
best it can do is follow one slope), and from about eight units on the fit is close. Past that,
more width buys little on so simple a curve: the error is then set by the optimisation more
than by the capacity. The figure (universal_approximation.png) shows each fit and the final
error against the width.

Full run: the widest network must reach an MSE below 1e-3 (the sine's own variance is 0.5),
and the narrowest must stay far above it (that is the point). Exit status 1 otherwise.

    python examples/universal_approximation.py                        # full run, plot to runs/
    python examples/universal_approximation.py --smoke --out /tmp/x   # a few hundred steps
"""
import argparse
import math
import os
import sys
import time

import mytorch as mt
import mytorch.nn as nn
import mytorch.nn.functional as F

from common import add_run_arguments

WIDTHS = (1, 2, 4, 8, 16, 64)
SMOKE_WIDTHS = (2, 16)
QUALITY_BAR = 1e-3           # full run: the widest network's final MSE must be below this
POINTS = 512


def make_data(device):
    """x on [−2π, 2π] as a (POINTS, 1) column, the network's input u = x/2π, and y = sin(x)."""
    x = mt.linspace(-2 * math.pi, 2 * math.pi, POINTS).reshape(-1, 1)
    return x, (x / (2 * math.pi)).to(device), x.sin().to(device)


def make_model(width):
    return nn.Sequential(nn.Linear(1, width), nn.Tanh(), nn.Linear(width, 1))


def fit(width, u, y, steps, lr, seed, log_every):
    """Train one network of `width` hidden units; returns (model, MSE of every step)."""
    mt.manual_seed(seed)                         # every width starts from the same seed
    model = make_model(width).to(u.device)
    optimizer = mt.optim.Adam(model.parameters(), lr=lr)
    scheduler = mt.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps)
    losses = []
    for step in range(steps):
        loss = F.mse_loss(model(u), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()
        losses.append(loss.item())
        if step % log_every == 0 or step == steps - 1:
            print(f"width {width:3d}   step {step:5d}   mse {losses[-1]:.6f}", flush=True)
    return model, losses


def plot(path, x, y, fits, finals):
    import matplotlib                            # only the example draws: never at import mytorch
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(11, 4), gridspec_kw=dict(width_ratios=[2, 1]))
    ax0.plot(x, y, "k", lw=3, alpha=0.3, label="sin(x)")
    for i, (width, fit) in enumerate(fits.items()):
        ax0.plot(x, fit, color=plt.cm.viridis(i / max(1, len(fits) - 1)), lw=1.5,
                 label=f"H = {width}")
    ax0.set_xlabel("x")
    ax0.legend(loc="upper right", fontsize=8, ncol=2)
    ax0.set_title("one hidden layer of H tanh units")
    ax1.loglog(list(finals), list(finals.values()), "o-")
    ax1.axhline(QUALITY_BAR, color="k", ls="--", lw=1, label=f"bar {QUALITY_BAR:g}")
    ax1.set_xlabel("hidden units H")
    ax1.set_ylabel("final mean squared error")
    ax1.legend()
    ax1.set_title("error against width")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3000,
                        help="full-batch steps per width (each step sees all the data)")
    parser.add_argument("--lr", type=float, default=0.02)
    add_run_arguments(parser, outputs="universal_approximation.png")
    parser.add_argument("--smoke", action="store_true",
                        help="a short run for the tests: 2 widths, 300 steps, checks the loss fell")
    args = parser.parse_args(argv)
    steps = 300 if args.smoke else args.epochs
    widths = SMOKE_WIDTHS if args.smoke else WIDTHS
    device = mt.device(args.device)

    x, u, y = make_data(device)
    print(f"fitting sin(x) on [-2π, 2π] ({POINTS} points) with 1-H-1 tanh networks, "
          f"H in {widths}: {steps} steps of Adam each, lr {args.lr} with a cosine schedule")
    fits, finals, firsts = {}, {}, {}
    start = time.perf_counter()
    for width in widths:
        model, losses = fit(width, u, y, steps, args.lr, args.seed,
                            log_every=max(1, steps // 5))
        with mt.no_grad():
            fits[width] = model(u).cpu().numpy()[:, 0]
        firsts[width], finals[width] = losses[0], losses[-1]
    seconds = time.perf_counter() - start

    print("width   parameters   final mse")
    for width in widths:
        print(f"{width:5d}   {3 * width + 1:10d}   {finals[width]:.2e}")
    print(f"{len(widths)} networks in {seconds:.1f} s")

    if not args.no_plot:
        os.makedirs(args.out, exist_ok=True)
        path = os.path.join(args.out, "universal_approximation.png")
        try:
            plot(path, x.numpy()[:, 0], y.cpu().numpy()[:, 0], fits, finals)
            print(f"saved {path}")
        except ImportError:
            print("no plot: matplotlib is not installed (pip install matplotlib)")

    widest, narrowest = widths[-1], widths[0]
    if not finals[widest] < firsts[widest] / 2:
        print(f"FAILED: the loss of the widest network did not fall "
              f"({firsts[widest]:.6f} -> {finals[widest]:.6f})")
        return 1
    if not args.smoke:
        if not finals[widest] < QUALITY_BAR:
            print(f"FAILED: H = {widest} ends at MSE {finals[widest]:.2e}, "
                  f"not below {QUALITY_BAR:g}")
            return 1
        if not finals[narrowest] > 100 * finals[widest]:
            print(f"FAILED: H = {narrowest} (MSE {finals[narrowest]:.2e}) is not far worse "
                  f"than H = {widest} (MSE {finals[widest]:.2e})")
            return 1
        print(f"OK: H = {widest} reaches MSE {finals[widest]:.2e} < {QUALITY_BAR:g}; "
              f"H = {narrowest} cannot get below {finals[narrowest]:.2e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
