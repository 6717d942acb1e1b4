"""Draw the figures of docs/02-mlp.md:

    mlp_activations.png   ReLU, GELU, tanh and sigmoid, and their derivatives computed by
                          mytorch autograd (the gradient of Σᵢ φ(xᵢ) is φ′(xᵢ))
    mlp_width_fits.png    sin x over two periods fitted by one hidden tanh layer of growing
                          width (full-batch Adam, as in the chapter, with more steps)

    python docs/figures/make_mlp_figures.py
"""
import math
import os

import mytorch as mt
from mytorch import nn
import mytorch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
ACTIVATIONS = [("ReLU", F.relu), ("GELU", F.gelu), ("tanh", mt.tanh), ("sigmoid", mt.sigmoid)]
WIDTHS = (1, 3, 10, 30)


def value_and_derivative(f, x):
    x = x.detach().requires_grad_()
    y = f(x)
    d, = mt.autograd.grad(y.sum(), x)
    return y.detach().numpy(), d.numpy()


def fit(x, y, width, steps=1500, seed=1):
    """One hidden tanh layer of `width` units fitted to (x, y); returns the net and its loss."""
    mt.manual_seed(seed)
    net = nn.Sequential(nn.Linear(1, width), nn.Tanh(), nn.Linear(width, 1))
    opt = mt.optim.Adam(net.parameters(), lr=0.05)
    sched = mt.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps)
    for _ in range(steps):
        loss = F.mse_loss(net(x / 4), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
    return net, loss.item()


def save(fig, name):
    path = os.path.join(HERE, name)
    fig.savefig(path, dpi=80)
    print(f"wrote {path} ({os.path.getsize(path) // 1024} KB)")


def main():
    import matplotlib                  # drawing stays in this script, never in mytorch
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = mt.linspace(-5, 5, 401, dtype=mt.float64)
    xs = x.numpy()
    fig, axes = plt.subplots(1, 2, figsize=(8, 3.2))
    for name, f in ACTIVATIONS:
        y, d = value_and_derivative(f, x)
        line, = axes[0].plot(xs, y, lw=1.8, label=name)
        axes[1].plot(xs, d, lw=1.8, color=line.get_color(), label=name + "′")
    for ax, title in zip(axes, ("φ(x)", "φ′(x), by mt.autograd.grad")):
        ax.axhline(0, color="0.8", lw=0.8, zorder=0)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("x")
        ax.legend(fontsize=8)
    axes[0].set_ylim(-1.3, 3)
    axes[1].set_ylim(-0.25, 1.25)
    fig.tight_layout()
    save(fig, "mlp_activations.png")
    plt.close(fig)

    xt = mt.linspace(-2 * math.pi, 2 * math.pi, 64).unsqueeze(1)
    yt = xt.sin()
    dense = mt.linspace(-2 * math.pi, 2 * math.pi, 400).unsqueeze(1)
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    ax.plot(dense.numpy()[:, 0], dense.sin().numpy()[:, 0], color="0.6", lw=4, label="sin x")
    for width in WIDTHS:
        net, loss = fit(xt, yt, width)
        with mt.no_grad():
            pred = net(dense / 4)
        ax.plot(dense.numpy()[:, 0], pred.numpy()[:, 0], lw=1.5,
                label=f"width {width}: mse {loss:.1e}")
    ax.set_xlabel("x")
    ax.set_title("one hidden tanh layer, Linear(1, n) → Tanh → Linear(n, 1)", fontsize=10)
    ax.legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    save(fig, "mlp_width_fits.png")
    plt.close(fig)


if __name__ == "__main__":
    main()
