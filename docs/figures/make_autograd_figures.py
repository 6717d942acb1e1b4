"""Draw the figure of docs/01-autograd.md: tanh and its first four derivatives, each one
computed by differentiating the previous one with `create_graph=True`.

    python docs/figures/make_autograd_figures.py      # writes docs/figures/tanh_derivatives.png
"""
import os

import numpy as np

import mytorch as mt

HERE = os.path.dirname(os.path.abspath(__file__))


def derivatives(f, x, n):
    """[f(x), f'(x), ..., f⁽ⁿ⁾(x)] for an elementwise f: each is the gradient of the sum of the
    previous one (for an elementwise f, ∂/∂xᵢ Σⱼ f⁽ᵏ⁾(xⱼ) = f⁽ᵏ⁺¹⁾(xᵢ)), and create_graph=True
    keeps it differentiable for the next round."""
    out = [f(x)]
    for _ in range(n):
        d, = mt.autograd.grad(out[-1].sum(), x, create_graph=True)
        out.append(d)
    return [y.detach().numpy() for y in out]


def main():
    import matplotlib                  # drawing stays in this script, never in mytorch
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = mt.linspace(-4, 4, 400, dtype=mt.float64, requires_grad=True)
    ys = derivatives(mt.tanh, x, 4)
    labels = ["tanh x", "tanh′ x = 1 − tanh²x", "tanh″", "tanh‴", "tanh⁽⁴⁾"]

    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    xs = x.detach().numpy()
    for k, (y, label) in enumerate(zip(ys, labels)):
        ax.plot(xs, y, lw=2 if k < 2 else 1.3, label=label)
    ax.axhline(0, color="0.8", lw=0.8, zorder=0)
    ax.set_xlabel("x")
    ax.set_title("tanh and its derivatives, by repeated mt.autograd.grad(create_graph=True)",
                 fontsize=9)
    ax.legend(fontsize=8, loc="lower right", ncol=2)
    ax.set_ylim(-4.5, 4.5)
    fig.tight_layout()
    path = os.path.join(HERE, "tanh_derivatives.png")
    fig.savefig(path, dpi=90)
    plt.close(fig)
    t = np.tanh(xs)
    assert np.allclose(ys[1], 1 - t ** 2) and np.allclose(ys[2], -2 * t * (1 - t ** 2))
    print(f"wrote {path} ({os.path.getsize(path) // 1024} KB)")


if __name__ == "__main__":
    main()
