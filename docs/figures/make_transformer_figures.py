"""Draw the figures of docs/08-transformer.md:

    transformer_positions.png    the positional schemes side by side: the sinusoidal table
                                 (positions × features, the sines first, then the cosines);
                                 PE(p)·PE(p + k) against the offset k for several p (one
                                 curve: only k matters); ALiBi's biases for the last query of
                                 a causal window, one line per head; RoPE's score
                                 ⟨R_m q, R_n k⟩ against n − m for several m (one curve again),
                                 for q = k = (1, …, 1)
    transformer_norms.png        24 encoder layers at initialisation, post-norm (PyTorch's
                                 default) against pre-norm (norm_first=True): the gradient
                                 ‖∂L/∂xₗ‖ reaching each layer's input for a random linear loss,
                                 relative to the gradient at the stack's output, and the size
                                 (root mean square) of the residual stream xₗ
    transformer_sampling.png     a next-token distribution over 12 tokens: rescaled by
                                 temperatures 0.5, 1 and 2, and cut by top-k = 3 and by top-p =
                                 0.75 (models.gpt.top_k_top_p_filtering)
    transformer_cross_attention.png
                                 a one-layer Seq2SeqTransformer trained (150 steps, a few
                                 seconds) to reverse strings of 8 digits: the cross-attention
                                 weights of its decoder over the source, averaged over the
                                 heads (Seq2SeqTransformer.cross_attention_weights)

Seeded: the same PNGs every time.

    python docs/figures/make_transformer_figures.py
"""
import os

import numpy as np

import mytorch as mt
from mytorch import nn
import mytorch.nn.functional as F
from mytorch.models.gpt import top_k_top_p_filtering
from mytorch.models.seq2seq import Seq2SeqTransformer

HERE = os.path.dirname(os.path.abspath(__file__))


def save(fig, name):
    path = os.path.join(HERE, name)
    fig.savefig(path, dpi=80)
    print(f"wrote {path} ({os.path.getsize(path) // 1024} KB)")


def positions_figure(plt):
    d, length = 64, 128
    pe = nn.SinusoidalPositionalEncoding(d, max_len=2 * length).pe            # (max_len, d)
    fig, axes = plt.subplots(2, 2, figsize=(11, 7.6))
    ax = axes[0, 0]
    table = pe[:length].numpy()
    table = np.concatenate([table[:, 0::2], table[:, 1::2]], 1)      # the sines, then the cosines
    image = ax.imshow(table.T, aspect="auto", cmap="RdBu_r", vmin=-1, vmax=1,
                      interpolation="nearest")
    ax.axhline(d / 2 - 0.5, color="k", lw=0.8)
    ax.set_xlabel("position p")
    ax.set_ylabel(f"sin features 0, 2, …, {d - 2}; then cos 1, 3, …")
    ax.set_title(f"sinusoidal encoding, d = {d}", fontsize=10)
    fig.colorbar(image, ax=ax, fraction=0.046)

    ax = axes[0, 1]
    offsets = np.arange(-40, 41)
    for p in (40, 80, 120):
        dots = [(pe[p] * pe[p + k]).sum().item() for k in offsets]
        ax.plot(offsets, dots, lw=4 if p == 40 else 1.5, alpha=0.5 if p == 40 else 1,
                label=f"p = {p}")
    ax.set_xlabel("offset k")
    ax.set_ylabel("PE(p) · PE(p + k)")
    ax.set_title("sinusoidal: the dot product depends on k only", fontsize=10)
    ax.legend(fontsize=8)

    ax = axes[1, 0]
    heads, L = 8, 32
    bias = nn.ALiBi(heads, causal=True)(L)                                     # (H, L, L)
    slopes = nn.positional.alibi_slopes(heads)
    keys = np.arange(L)
    for h in range(heads):
        ax.plot(keys, bias[h, L - 1].numpy(), color=plt.cm.viridis(h / (heads - 1)),
                label=f"head {h + 1}: m = 1/{round(1 / slopes[h])}")
    ax.set_xlabel(f"key position j (the query is at i = {L - 1})")
    ax.set_ylabel("bias added to the score, −m·(i − j)")
    ax.set_title(f"ALiBi, {heads} heads: near heads and far heads", fontsize=10)
    ax.legend(fontsize=7, ncol=2)

    ax = axes[1, 1]
    rope = nn.RotaryEmbedding(d)
    ones = mt.ones(1, d)
    gaps = np.arange(0, 121)
    for m in (0, 50, 100):
        q = rope.rotate(ones, mt.tensor([m]))
        k = rope.rotate(ones.expand(len(gaps), d), mt.tensor(m + gaps))
        ax.plot(gaps, (q * k).sum(-1).numpy(), lw=4 if m == 0 else 1.5,
                alpha=0.5 if m == 0 else 1, label=f"query at m = {m}")
    ax.set_xlabel("distance n − m")
    ax.set_ylabel("⟨R_m q, R_n k⟩, q = k = 1")
    ax.set_title("RoPE: the score depends on n − m only", fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    save(fig, "transformer_positions.png")
    plt.close(fig)


def stack_profile(norm_first, layers=24, d=64):
    """(‖∂L/∂xₗ‖ / ‖∂L/∂x_L‖, rms(xₗ)) for l = 0 … layers, L = ⟨g, output⟩, g random."""
    mt.manual_seed(0)
    layer = nn.TransformerEncoderLayer(d, 4, 4 * d, dropout=0.0, batch_first=True,
                                       norm_first=norm_first)
    encoder = nn.TransformerEncoder(layer, layers, norm=nn.LayerNorm(d) if norm_first else None)
    x = mt.randn(16, 32, d, requires_grad=True)
    states = [x]
    for block in encoder.layers:
        states.append(block(states[-1]))
        states[-1].retain_grad()
    out = states[-1] if encoder.norm is None else encoder.norm(states[-1])
    (out * mt.randn(out.shape, generator=mt.Generator().manual_seed(1))).sum().backward()
    grads = np.array([s.grad.norm().item() for s in states])
    return grads / grads[-1], np.array([s.pow(2).mean().sqrt().item() for s in states])


def norms_figure(plt):
    fig, (ax_g, ax_x) = plt.subplots(1, 2, figsize=(11, 4))
    for norm_first, label, color in ((False, "post-norm: x = LN(x + f(x))", "C3"),
                                     (True, "pre-norm: x = x + f(LN(x))", "C0")):
        grads, rms = stack_profile(norm_first)
        ax_g.semilogy(grads, "o-", ms=3, color=color, label=label)
        ax_x.plot(rms, "o-", ms=3, color=color, label=label)
    ax_g.set_xlabel("layer input l (0: the embeddings, 24: the stack's output)")
    ax_g.set_ylabel("‖∂L/∂xₗ‖, relative to the output's")
    ax_g.set_title("gradient reaching each layer, at initialisation", fontsize=10)
    ax_x.set_xlabel("layer input l")
    ax_x.set_ylabel("rms(xₗ)")
    ax_x.set_title("size of the residual stream", fontsize=10)
    for ax in (ax_g, ax_x):
        ax.legend(fontsize=8)
        ax.grid(True, which="major", color="0.9", lw=0.6)
    fig.tight_layout()
    save(fig, "transformer_norms.png")
    plt.close(fig)


def sampling_figure(plt):
    logits = mt.tensor([3.0, 2.5, 2.2, 1.5, 1.2, 1.0, 0.6, 0.3, 0.0, -0.5, -1.0, -1.5])
    tokens = np.arange(len(logits))
    fig, (ax_t, ax_f) = plt.subplots(1, 2, figsize=(11, 3.8), sharey=True)
    width = 0.27
    for i, temperature in enumerate((0.5, 1.0, 2.0)):
        p = F.softmax(logits / temperature, -1).numpy()
        ax_t.bar(tokens + (i - 1) * width, p, width, label=f"temperature {temperature}")
    ax_t.set_title("softmax(logits / temperature)", fontsize=10)
    ax_t.set_xlabel("token (by logit, highest first)")
    ax_t.set_ylabel("probability of being sampled")
    ax_t.legend(fontsize=8)
    full = F.softmax(logits, -1).numpy()
    ax_f.bar(tokens - width, full, width, color="0.6", label="temperature 1, all tokens")
    for i, (label, kw) in enumerate((("top-k = 3", dict(top_k=3)),
                                     ("top-p = 0.75", dict(top_p=0.75)))):
        p = F.softmax(top_k_top_p_filtering(logits, **kw), -1).numpy()
        ax_f.bar(tokens + i * width, p, width, color=f"C{i + 3}", label=label)
    ax_f.set_title("cut, then renormalised", fontsize=10)
    ax_f.set_xlabel("token (by logit, highest first)")
    ax_f.legend(fontsize=8)
    fig.tight_layout()
    save(fig, "transformer_sampling.png")
    plt.close(fig)


def cross_attention_figure(plt):
    BOS, EOS, V, S = 1, 2, 13, 8
    mt.manual_seed(0)
    model = Seq2SeqTransformer(V, V, d_model=32, nhead=2, num_encoder_layers=1,
                               num_decoder_layers=1, dim_feedforward=64, dropout=0.0, max_len=16)
    opt = mt.optim.Adam(model.parameters(), lr=3e-3)
    gen = mt.Generator().manual_seed(0)
    for _ in range(150):
        src = mt.randint(3, V, (32, S), generator=gen)
        tgt = mt.cat([mt.full((32, 1), BOS), src.flip(1), mt.full((32, 1), EOS)], 1)
        logits = model(src, tgt[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, V), tgt[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    src = mt.tensor([[3, 9, 4, 10, 5, 12, 6, 11]])
    ys = model.greedy_decode(src, S + 1, BOS, EOS)
    weights = model.cross_attention_weights(src, ys[:, :-1])[0]               # (T, S)
    fig, ax = plt.subplots(figsize=(5.2, 4.6))
    image = ax.imshow(weights.numpy(), cmap="Blues", vmin=0, vmax=1)
    names = {BOS: "bos", EOS: "eos"}
    ax.set_xticks(range(S), [str(t) for t in src[0].tolist()])
    ax.set_yticks(range(ys.shape[1] - 1),
                  [f"{names.get(a, a)} → {names.get(b, b)}"
                   for a, b in zip(ys[0, :-1].tolist(), ys[0, 1:].tolist())])
    ax.set_xlabel("source token")
    ax.set_ylabel("decoder input → prediction")
    ax.set_title(f"cross-attention, reversing (loss {loss.item():.3f})", fontsize=10)
    fig.colorbar(image, ax=ax, fraction=0.046)
    fig.tight_layout()
    save(fig, "transformer_cross_attention.png")
    plt.close(fig)


def main():
    import matplotlib                  # drawing stays in this script, never in mytorch
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    positions_figure(plt)
    norms_figure(plt)
    sampling_figure(plt)
    cross_attention_figure(plt)


if __name__ == "__main__":
    main()
