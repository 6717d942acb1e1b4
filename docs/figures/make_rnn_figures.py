"""Draw the figure of docs/06-rnn.md:

    rnn_gradient_norms.png   ‖∂L/∂hₜ‖ at every step t of a 100-step sequence, L = ⟨v, h₁₀₀⟩
                             for a random v, at initialisation: a vanilla tanh RNN as
                             PyTorch initialises it and with W_hh scaled up; an LSTM with its
                             default forget-gate bias and with forget biases of 1 and 3; a GRU.
                             Random inputs, a batch of 16, hidden size 64; the cells run step
                             by step, each state kept with retain_grad (the chapter's
                             gradient_norms, over more steps, in float64 so that the smallest
                             norms do not underflow)

    python docs/figures/make_rnn_figures.py
"""
import os

import numpy as np

import mytorch as mt
from mytorch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
STEPS, INPUT, HIDDEN = 100, 8, 64


def gradient_norms(cell, steps, batch=16, seed=0):
    """‖∂L/∂hₜ‖ for t = 1 … steps, L = ⟨v, h_steps⟩ with a random v, for random inputs, in the
    cell's dtype."""
    gen = mt.Generator().manual_seed(seed)
    dtype = cell.weight_hh.dtype
    xs = mt.randn(steps, batch, cell.input_size, generator=gen, dtype=dtype)
    state = None
    hs = []
    for t in range(steps):
        state = cell(xs[t], state)
        h = state[0] if isinstance(state, tuple) else state
        h.retain_grad()
        hs.append(h)
    (hs[-1] * mt.randn(hs[-1].shape, generator=gen, dtype=dtype)).sum().backward()
    return np.array([h.grad.norm().item() for h in hs])


def rnn_cell(scale=1.0, seed=0):
    mt.manual_seed(seed)
    cell = nn.RNNCell(INPUT, HIDDEN)
    with mt.no_grad():
        cell.weight_hh.mul_(scale)
    return cell.double()


def lstm_cell(forget_bias=None, seed=0):
    mt.manual_seed(seed)
    cell = nn.LSTMCell(INPUT, HIDDEN)
    if forget_bias is not None:          # gates i, f, g, o: f is the second quarter
        with mt.no_grad():
            cell.bias_ih[HIDDEN:2 * HIDDEN] = forget_bias
            cell.bias_hh[HIDDEN:2 * HIDDEN] = 0.0
    return cell.double()


def gru_cell(seed=0):
    mt.manual_seed(seed)
    return nn.GRUCell(INPUT, HIDDEN).double()


def save(fig, name):
    path = os.path.join(HERE, name)
    fig.savefig(path, dpi=80)
    print(f"wrote {path} ({os.path.getsize(path) // 1024} KB)")


def main():
    import matplotlib                  # drawing stays in this script, never in mytorch
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    curves = [
        ("RNN, PyTorch's init (W_hh radius ≈ 0.58)", rnn_cell(), "C0", "-"),
        ("RNN, W_hh × 2", rnn_cell(2.0), "C0", "--"),
        ("RNN, W_hh × 4", rnn_cell(4.0), "C0", ":"),
        ("LSTM, PyTorch's init (f ≈ 0.5)", lstm_cell(), "C3", "-"),
        ("LSTM, forget bias 1 (f ≈ 0.73)", lstm_cell(1.0), "C3", "--"),
        ("LSTM, forget bias 3 (f ≈ 0.95)", lstm_cell(3.0), "C3", ":"),
        ("GRU, PyTorch's init (z ≈ 0.5)", gru_cell(), "C2", "-"),
    ]
    t = np.arange(1, STEPS + 1)
    fig, ax = plt.subplots(figsize=(9.6, 4.2))
    for label, cell, color, style in curves:
        ax.semilogy(t, gradient_norms(cell, STEPS), color=color, ls=style, lw=1.8, label=label)
    ax.set_xlim(1, STEPS)
    ax.set_xlabel("time step t  (the loss reads only h₁₀₀)")
    ax.set_ylabel("‖∂L/∂hₜ‖")
    ax.set_title("gradient reaching each step, at initialisation (hidden size 64)", fontsize=10)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.grid(True, which="major", color="0.9", lw=0.6)
    fig.tight_layout()
    save(fig, "rnn_gradient_norms.png")
    plt.close(fig)


if __name__ == "__main__":
    main()
