"""Draw the figures of docs/07-attention.md:

    attention_alignment.png  two GRU encoder-decoders with the same sizes trained to reverse
                             strings of digits, one reading only the encoder's last state, one
                             with Bahdanau's additive attention over all of them: the
                             attention weights of the second on one string (the learned
                             alignment is the anti-diagonal), and the accuracy of both by
                             string length (the fixed-size state runs out of room)
    attention_scaling.png    q·k for random q, k with unit-variance components: its variance
                             against the dimension d, with and without the 1/√d, and what it
                             does to the softmax over 64 keys (the largest weight, and the size
                             of the softmax's Jacobian, which is what lets gradients through)
    attention_masks.png      the boolean masks of a batch of two sequences of lengths 6 and 4
                             padded to 6 (causal; key padding; both) in the convention of
                             F.scaled_dot_product_attention (True = may attend), and the
                             weights they leave on random scores

Seeded: the same PNGs every time (the training takes two or three minutes on two cores).

    python docs/figures/make_attention_figures.py
"""
import os

import mytorch as mt
from mytorch import nn
import mytorch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))

# the reversal task: strings of MIN_LEN … MAX_LEN digits; BOS starts the decoder's input
DIGITS, BOS = 10, 10
MIN_LEN, MAX_LEN = 3, 14
EMBED, HIDDEN = 16, 32
STEPS, BATCH, LR = 3000, 64, 5e-3


class Seq2Seq(nn.Module):
    """A GRU encoder and a GRU-cell decoder that starts from the encoder's last state and
    predicts each output from its new state sₜ. With attention, sₜ is also the query of
    Bahdanau's additive score over all the encoder states hₛ, α = softmax(vᵀ tanh(W_q sₜ +
    W_k hₛ)), and the output reads [sₜ; cₜ], cₜ = Σₛ αₛ hₛ (the order of Luong et al. 2015:
    the query already knows the previous output)."""

    def __init__(self, attention):
        super().__init__()
        self.embed = nn.Embedding(DIGITS + 1, EMBED)
        self.encoder = nn.GRU(EMBED, HIDDEN, batch_first=True)
        self.cell = nn.GRUCell(EMBED, HIDDEN)
        self.attention = nn.AdditiveAttention(HIDDEN, HIDDEN, HIDDEN) if attention else None
        self.out = nn.Linear(2 * HIDDEN if attention else HIDDEN, DIGITS)

    def forward(self, src, tgt_in):
        """Logits (B, T, DIGITS) and the attention weights (B, T, S) (None without)."""
        memory, h = self.encoder(self.embed(src))
        s = h[0]
        logits, weights = [], []
        for t in range(tgt_in.shape[1]):
            s = self.cell(self.embed(tgt_in[:, t]), s)
            if self.attention is not None:
                c, w = self.attention(s.unsqueeze(1), memory, memory)      # (B, 1, H), (B, 1, S)
                logits.append(self.out(mt.cat([s, c[:, 0]], -1)))
                weights.append(w[:, 0])
            else:
                logits.append(self.out(s))
        return mt.stack(logits, 1), (mt.stack(weights, 1) if weights else None)

    @mt.no_grad()
    def greedy(self, src):
        """The model's own output, one digit at a time fed back: (B, S) and the weights."""
        ys = mt.full((src.shape[0], 1), BOS, dtype=mt.int64)
        for _ in range(src.shape[1]):
            logits, weights = self(src, ys)
            ys = mt.cat([ys, logits[:, -1].argmax(-1, keepdim=True)], 1)
        return ys[:, 1:], weights


def batch(length, size, generator):
    src = mt.randint(0, DIGITS, (size, length), generator=generator)
    tgt = src.flip(1)
    bos = mt.full((size, 1), BOS, dtype=mt.int64)
    return src, mt.cat([bos, tgt[:, :-1]], 1), tgt


def train(attention):
    mt.manual_seed(0)
    model = Seq2Seq(attention)
    opt = mt.optim.Adam(model.parameters(), lr=LR)
    gen = mt.Generator().manual_seed(1)
    for step in range(STEPS):
        length = int(mt.randint(MIN_LEN, MAX_LEN + 1, (1,), generator=gen))
        src, tgt_in, tgt = batch(length, BATCH, gen)
        logits, _ = model(src, tgt_in)
        loss = F.cross_entropy(logits.reshape(-1, DIGITS), tgt.reshape(-1))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
    model.eval()
    return model


def accuracy_by_length(model):
    gen = mt.Generator().manual_seed(2)
    lengths = list(range(MIN_LEN, MAX_LEN + 1))
    accuracy = []
    for length in lengths:
        src, _, tgt = batch(length, 256, gen)
        pred, _ = model.greedy(src)
        accuracy.append((pred == tgt).float().mean().item())
    return lengths, accuracy


def save(fig, name):
    path = os.path.join(HERE, name)
    fig.savefig(path, dpi=80)
    print(f"wrote {path} ({os.path.getsize(path) // 1024} KB)")


def alignment_figure(plt):
    plain, attentive = train(attention=False), train(attention=True)
    src = mt.tensor([[3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8]])
    pred, weights = attentive.greedy(src)
    fig, (ax, ax_acc) = plt.subplots(1, 2, figsize=(10.5, 4.4),
                                     gridspec_kw=dict(width_ratios=[1, 1.25]))
    image = ax.imshow(weights[0].numpy(), cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(src.shape[1]), [str(d) for d in src[0].tolist()])
    ax.set_yticks(range(pred.shape[1]), [str(d) for d in pred[0].tolist()])
    ax.set_xlabel("source digit (encoder state hₛ)")
    ax.set_ylabel("output digit (decoder step t)")
    ax.set_title("attention weights αₜₛ, reversing a string", fontsize=10)
    fig.colorbar(image, ax=ax, fraction=0.046)
    for model, label, color in ((plain, "last encoder state only", "C3"),
                                (attentive, "additive attention", "C0")):
        lengths, acc = accuracy_by_length(model)
        ax_acc.plot(lengths, [100 * a for a in acc], "o-", color=color, label=label)
    ax_acc.set_xlabel("string length")
    ax_acc.set_ylabel("digits right (%), greedy decoding")
    ax_acc.set_ylim(0, 102)
    ax_acc.set_title(f"GRU encoder-decoder, hidden size {HIDDEN}", fontsize=10)
    ax_acc.legend(loc="lower left")
    ax_acc.grid(True, color="0.9", lw=0.6)
    fig.tight_layout()
    save(fig, "attention_alignment.png")
    plt.close(fig)


def scaling_figure(plt):
    gen = mt.Generator().manual_seed(0)
    dims = [2 ** k for k in range(1, 12)]
    S, trials = 64, 256
    var, var_scaled, top, top_scaled, jac, jac_scaled = [], [], [], [], [], []
    for d in dims:
        q = mt.randn(trials, 1, d, generator=gen)
        k = mt.randn(trials, S, d, generator=gen)
        scores = (q @ k.transpose(-2, -1))[:, 0]                         # (trials, S)
        for s, v, t, j in ((scores, var, top, jac),
                           (scores / d ** 0.5, var_scaled, top_scaled, jac_scaled)):
            p = F.softmax(s, -1)
            v.append(s.var().item())
            t.append(p.max(-1).values.mean().item())
            # the Jacobian of softmax is diag(p) − p·pᵀ; its Frobenius norm, averaged
            jacobian = mt.diag_embed(p) - p.unsqueeze(-1) * p.unsqueeze(-2)
            j.append(jacobian.pow(2).sum((-2, -1)).sqrt().mean().item())
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.8))
    axes[0].loglog(dims, var, "o-", color="C3", label="q·k")
    axes[0].loglog(dims, var_scaled, "o-", color="C0", label="q·k / √d")
    axes[0].loglog(dims, dims, "k:", lw=1, label="d")
    axes[0].set_ylabel("variance over random q, k")
    axes[0].set_title("the score's variance grows like d", fontsize=10)
    axes[1].semilogx(dims, top, "o-", color="C3", label="softmax(q·k)")
    axes[1].semilogx(dims, top_scaled, "o-", color="C0", label="softmax(q·k / √d)")
    axes[1].axhline(1 / S, color="k", ls=":", lw=1, label=f"uniform, 1/{S}")
    axes[1].set_ylabel("largest weight (mean)")
    axes[1].set_title(f"unscaled, the softmax over {S} keys turns one-hot", fontsize=10)
    axes[2].semilogx(dims, jac, "o-", color="C3", label="softmax(q·k)")
    axes[2].semilogx(dims, jac_scaled, "o-", color="C0", label="softmax(q·k / √d)")
    axes[2].set_ylabel("‖∂p/∂s‖ (Frobenius, mean)")
    axes[2].set_title("... and passes less gradient", fontsize=10)
    for ax in axes:
        ax.set_xlabel("dimension d")
        ax.legend(fontsize=8)
        ax.grid(True, which="major", color="0.9", lw=0.6)
    fig.tight_layout()
    save(fig, "attention_scaling.png")
    plt.close(fig)


def masks_figure(plt):
    L, lengths = 6, [6, 4]
    causal = mt.ones(L, L, dtype=mt.bool).tril()                    # (L, S): True = may attend
    padding = mt.arange(L) < mt.tensor(lengths).unsqueeze(1)         # (N, S): True = a real key
    both = causal & padding[1].unsqueeze(0)
    scores = mt.randn(L, L, generator=mt.Generator().manual_seed(0))
    panels = [("causal: key j ≤ query i", causal), ("key padding, sequence 2 (length 4)",
                                                    padding[1].unsqueeze(0).expand(L, L)),
              ("causal and padding", both)]
    fig, axes = plt.subplots(2, 3, figsize=(10, 6.4))
    for col, (title, mask) in enumerate(panels):
        axes[0, col].imshow(mask.numpy(), cmap="Greys", vmin=0, vmax=1.6)
        axes[0, col].set_title(title + "\n(dark: True, may attend)", fontsize=9)
        # q = the scores, k = v = I: q·kᵀ = scores and the output is the weights themselves
        weights = F.scaled_dot_product_attention(scores, mt.eye(L), mt.eye(L), attn_mask=mask,
                                                 scale=1.0)
        axes[1, col].imshow(weights.numpy(), cmap="Blues", vmin=0, vmax=1)
        for i in range(L):
            for j in range(L):
                if mask[i, j]:
                    axes[1, col].text(j, i, f"{weights[i, j].item():.2f}", ha="center",
                                      va="center", fontsize=7)
        axes[1, col].set_title("softmax(scores + mask)", fontsize=9)
        for ax in axes[:, col]:
            ax.set_xticks(range(L))
            ax.set_yticks(range(L))
            ax.set_xlabel("key j")
            ax.set_ylabel("query i")
    fig.tight_layout()
    save(fig, "attention_masks.png")
    plt.close(fig)


def main():
    import matplotlib                  # drawing stays in this script, never in mytorch
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scaling_figure(plt)
    masks_figure(plt)
    alignment_figure(plt)


if __name__ == "__main__":
    main()
