"""SGD, SGD with momentum, RMSprop and Adam on one problem, each at its best learning rate.

The problem: three interleaved spiral arms of one and a half turns each
(mt.datasets.make_spirals, 600 points, a little noise), classified by a small MLP
2 -> 64 -> 64 -> 3 with tanh, trained full batch on the cross-entropy for a fixed number of
steps. Every run starts from the same initial weights.
The four update rules (g = ∇L(θ), γ the learning rate):

    SGD        θ ← θ − γ·g
    momentum   b ← 0.9·b + g;            θ ← θ − γ·b
    RMSprop    v ← 0.99·v + 0.01·g²;     θ ← θ − γ·g / (√v + ε)
    Adam       m ← 0.9·m + 0.1·g,  v ← 0.999·v + 0.001·g²  (then bias-corrected m̂, v̂)
               θ ← θ − γ·m̂ / (√v̂ + ε)

A comparison at one shared learning rate says more about that rate than about the methods, so
each optimizer gets a small grid of rates (a factor √10 apart) and is judged by its best. The
figure (optimizers_compare.png) shows the loss curve of each at its best rate, and the final
loss against the rate for all of them.

What the full run checks (it exits with status 1 otherwise): after 500 steps, momentum,
RMSprop and Adam each end with a training loss below a third of plain SGD's, and Adam ends
lowest of the four. That held for every seed from 0 to 6 (SGD's loss over the others' went
from 3.7 to 83; seed 0 gives 26, 27 and 83). Plain SGD sits for hundreds of steps on the
plateau near the initial loss ln 3 ≈ 1.10, and a larger rate than its best one (1.0) blows
up; momentum tolerates a larger effective step (γ/(1 − 0.9)) and leaves the plateau, and the
adaptive rules rescale each parameter's step by its own gradient's size, so the small
gradients of the plateau still move the weights.

    python examples/optimizers_compare.py                        # full run, plot to runs/
    python examples/optimizers_compare.py --smoke --out /tmp/x   # one rate each, 200 steps
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

# name -> (constructor, learning rates tried, the rate the smoke run uses)
OPTIMIZERS = {
    "SGD": (lambda p, lr: mt.optim.SGD(p, lr=lr), (0.1, 0.3, 1.0, 3.0), 1.0),
    "momentum": (lambda p, lr: mt.optim.SGD(p, lr=lr, momentum=0.9), (0.01, 0.03, 0.1, 0.3), 0.3),
    "RMSprop": (lambda p, lr: mt.optim.RMSprop(p, lr=lr), (1e-3, 3e-3, 1e-2, 3e-2), 1e-2),
    "Adam": (lambda p, lr: mt.optim.Adam(p, lr=lr), (1e-3, 3e-3, 1e-2, 3e-2), 1e-2),
}
MARGIN = 3                   # full run: each other optimizer's best loss < SGD's best / MARGIN
TURNS = 1.5                  # of each spiral arm


def make_model():
    return nn.Sequential(nn.Linear(2, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(),
                         nn.Linear(64, 3))


def train(name, lr, init, x, y, steps, log_every):
    """`steps` full-batch steps of optimizer `name` at `lr` from the weights `init`; returns the
    loss of every step (stopped early, with inf, if the loss stops being finite)."""
    model = make_model().to(x.device)
    model.load_state_dict(init)
    optimizer = OPTIMIZERS[name][0](model.parameters(), lr)
    losses = []
    for step in range(steps):
        loss = F.cross_entropy(model(x), y)
        losses.append(loss.item())
        if not math.isfinite(losses[-1]):
            print(f"{name:>8s}   lr {lr:<6g}   step {step:5d}   loss diverged", flush=True)
            return losses[:-1] + [math.inf] * (steps - step)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % log_every == 0 or step == steps - 1:
            print(f"{name:>8s}   lr {lr:<6g}   step {step:5d}   loss {losses[-1]:.5f}", flush=True)
    return losses


def plot(path, best, grid):
    import matplotlib                            # only the example draws: never at import mytorch
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(11, 4))
    for i, (name, (lr, losses)) in enumerate(best.items()):
        ax0.semilogy(losses, color=f"C{i}", label=f"{name} (lr {lr:g})")
    ax0.set_xlabel("step")
    ax0.set_ylabel("training cross-entropy")
    ax0.legend()
    ax0.set_title("each optimizer at its best learning rate")
    for i, (name, finals) in enumerate(grid.items()):
        lrs = list(finals)
        ax1.loglog(lrs, [finals[lr] if math.isfinite(finals[lr]) else float("nan") for lr in lrs],
                   "o-", color=f"C{i}", label=name)
    ax1.set_xlabel("learning rate")
    ax1.set_ylabel("final training cross-entropy")
    ax1.legend()
    ax1.set_title("final loss against the learning rate")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=500,
                        help="full-batch steps per run (each step sees all the data)")
    add_run_arguments(parser, outputs="optimizers_compare.png")
    parser.add_argument("--smoke", action="store_true",
                        help="a short run for the tests: one rate each, 200 steps, checks the "
                             "loss fell")
    args = parser.parse_args(argv)
    steps = 200 if args.smoke else args.epochs
    device = mt.device(args.device)

    mt.manual_seed(args.seed)
    x, y = mt.datasets.make_spirals(600, n_classes=3, turns=TURNS, noise=0.02,
                                    generator=mt.Generator().manual_seed(args.seed))
    x, y = x.to(device), y.to(device)
    init = make_model().state_dict()             # the same starting weights for every run
    print(f"3 spiral arms, {len(y)} points, MLP 2-64-64-3 (tanh), full batch, {steps} steps per "
          f"run, the same initial weights for each", flush=True)

    best, grid = {}, {}
    start = time.perf_counter()
    for name, (_, lrs, smoke_lr) in OPTIMIZERS.items():
        grid[name] = {}
        for lr in (smoke_lr,) if args.smoke else lrs:
            losses = train(name, lr, init, x, y, steps, log_every=max(1, steps // 4))
            grid[name][lr] = losses[-1]
            if name not in best or losses[-1] < best[name][1][-1]:
                best[name] = (lr, losses)
    seconds = time.perf_counter() - start

    print("optimizer   best lr   final loss")
    for name, (lr, losses) in best.items():
        print(f"{name:>9s}   {lr:<7g}   {losses[-1]:.5f}")
    print(f"{sum(map(len, grid.values()))} runs in {seconds:.1f} s")

    if not args.no_plot:
        os.makedirs(args.out, exist_ok=True)
        path = os.path.join(args.out, "optimizers_compare.png")
        try:
            plot(path, best, grid)
            print(f"saved {path}")
        except ImportError:
            print("no plot: matplotlib is not installed (pip install matplotlib)")

    for name, (_, losses) in best.items():
        if not losses[-1] < losses[0]:
            print(f"FAILED: the loss of {name} did not fall ({losses[0]:.5f} -> {losses[-1]:.5f})")
            return 1
    if not args.smoke:
        final = {name: losses[-1] for name, (_, losses) in best.items()}
        behind = [name for name in final
                  if name != "SGD" and not final[name] < final["SGD"] / MARGIN]
        if behind:
            print(f"FAILED: {', '.join(behind)} did not end below SGD's loss / {MARGIN} "
                  f"({final['SGD'] / MARGIN:.5f}) after {steps} steps")
            return 1
        if min(final, key=final.get) != "Adam":
            print(f"FAILED: {min(final, key=final.get)}, not Adam, ends lowest")
            return 1
        print(f"OK: after {steps} steps momentum, RMSprop and Adam each end below a third of "
              f"plain SGD's loss ({final['SGD']:.5f}), and Adam lowest ({final['Adam']:.5f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
