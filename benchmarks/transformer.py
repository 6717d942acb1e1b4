"""One training step of a small GPT: vocabulary 256, width 128, learned positions, 2 pre-norm
blocks (4 causal heads, MLP 4× with exact GELU), final LayerNorm, LM head; sequence 64,
batch 16, cross-entropy, AdamW. float32.

    x = E[idx] + P
    block:  h = LN₁(x);  q, k, v = h·W_qkvᵀ + b;  y = softmax(q·kᵀ/√d + causal)·v (per head)
            x = x + y·W_oᵀ + b_o;  x = x + GELU(LN₂(x)·W₁ᵀ + b₁)·W₂ᵀ + b₂
    logits = LN_f(x)·W_headᵀ;  L = mean cross-entropy

The NumPy side writes every derivative out (LayerNorm: ∂x = r(g − mean g − x̂·mean(g·x̂));
softmax: ∂s = p ⊙ (∂p − Σ ∂p ⊙ p); GELU: ∂u = Φ(u) + u·φ(u), with the same erf routine
mytorch uses) and AdamW's update. The mytorch side is how one writes the model in PyTorch:
nn.Embedding, nn.LayerNorm, nn.Linear, F.scaled_dot_product_attention(is_causal=True),
F.gelu, F.cross_entropy, optim.AdamW.
"""
import numpy as np

import mytorch as mt
from mytorch import nn
from mytorch.backend.erf import erf
from mytorch.nn import functional as F

from .timing import adam_state, adam_step, ratio_workload, same_loss, same_parameters

V, D, H, LAYERS, T, B = 256, 128, 4, 2, 64, 16
LR, BETAS, EPS, WD, LN_EPS = 1e-3, (0.9, 0.999), 1e-8, 1e-2, 1e-5
TARGET_RATIO = 1.10


# ---- mytorch ----------------------------------------------------------------------------------

class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1 = nn.LayerNorm(D)
        self.qkv = nn.Linear(D, 3 * D)
        self.out = nn.Linear(D, D)
        self.ln2 = nn.LayerNorm(D)
        self.fc = nn.Linear(D, 4 * D)
        self.proj = nn.Linear(4 * D, D)

    def forward(self, x):
        b, t, _ = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(D, -1)
        q, k, v = (z.reshape(b, t, H, D // H).transpose(1, 2) for z in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.out(y.transpose(1, 2).reshape(b, t, D))
        return x + self.proj(F.gelu(self.fc(self.ln2(x))))


class GPT(nn.Module):
    def __init__(self, block_size=T):
        super().__init__()
        self.tok = nn.Embedding(V, D)
        self.pos = nn.Embedding(block_size, D)
        self.blocks = nn.ModuleList([Block() for _ in range(LAYERS)])
        self.ln_f = nn.LayerNorm(D)
        self.head = nn.Linear(D, V, bias=False)

    def forward(self, idx):
        x = self.tok(idx) + self.pos(mt.arange(idx.shape[1]))
        for block in self.blocks:
            x = block(x)
        return self.head(self.ln_f(x))


def make_inputs(seed=0, seq=T):
    """Token ids (B, seq), next-token targets, and the parameters in the order of
    GPT().parameters() (small normal weights, zero biases, unit LayerNorm gains)."""
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, V, (B, seq)).astype(np.int64)
    targets = rng.integers(0, V, (B, seq)).astype(np.int64)
    params = []
    for name, p in GPT(seq).named_parameters():
        if name.endswith("bias"):
            params.append(np.zeros(p.shape, np.float32))
        elif "ln" in name:
            params.append(np.ones(p.shape, np.float32))
        else:
            params.append((0.02 * rng.standard_normal(p.shape)).astype(np.float32))
    return idx, targets, params


def mytorch_setup(idx, targets, params):
    model = GPT(idx.shape[1])
    with mt.no_grad():
        for p, a in zip(model.parameters(), params):
            p.copy_(mt.tensor(a))
    optimizer = mt.optim.AdamW(model.parameters(), lr=LR, betas=BETAS, eps=EPS, weight_decay=WD)
    return model, optimizer, mt.tensor(idx), mt.tensor(targets)


def mytorch_step(model, optimizer, idx, targets):
    optimizer.zero_grad()
    logits = model(idx)
    loss = F.cross_entropy(logits.reshape(-1, V), targets.reshape(-1))
    loss.backward()
    optimizer.step()
    return loss


# ---- NumPy, backward by hand ------------------------------------------------------------------

def _ln(x, w, b):
    mu = x.mean(-1, keepdims=True)
    xc = x - mu
    r = 1 / np.sqrt((xc * xc).mean(-1, keepdims=True) + LN_EPS)
    xh = xc * r
    return xh * w + b, (xh, r)


def _ln_back(g, cache, w):
    xh, r = cache
    gxh = g * w
    gx = r * (gxh - gxh.mean(-1, keepdims=True) - xh * (gxh * xh).mean(-1, keepdims=True))
    return gx, (g * xh).sum((0, 1)), g.sum((0, 1))


def _linear_back(g, x, w):
    """∂x, ∂W, ∂b of y = x·Wᵀ + b."""
    g2 = g.reshape(-1, g.shape[-1])
    return g @ w, g2.T @ x.reshape(-1, x.shape[-1]), g2.sum(0)


def numpy_step(idx, targets, params, state):
    """One step, updating `params` and `state` in place; returns the loss (before the update)."""
    tok, pos = params[0], params[1]
    blocks = [params[2 + 12 * i: 14 + 12 * i] for i in range(LAYERS)]
    lnf_w, lnf_b, head_w = params[2 + 12 * LAYERS:]
    B, T = idx.shape
    d = D // H
    scale = np.float32(1 / np.sqrt(d))          # a NumPy float64 scalar would promote to float64
    causal = np.triu(np.full((T, T), -np.inf, np.float32), 1)
    heads = lambda z: z.reshape(B, T, H, d).transpose(0, 2, 1, 3)       # noqa: E731
    merge = lambda z: z.transpose(0, 2, 1, 3).reshape(B, T, D)          # noqa: E731

    x = tok[idx] + pos[:T]
    caches = []
    for ln1_w, ln1_b, qkv_w, qkv_b, o_w, o_b, ln2_w, ln2_b, fc_w, fc_b, pj_w, pj_b in blocks:
        h, c1 = _ln(x, ln1_w, ln1_b)
        qkv = h @ qkv_w.T + qkv_b
        q, k, v = (heads(z) for z in np.split(qkv, 3, -1))
        s = (q * scale) @ k.transpose(0, 1, 3, 2) + causal
        e = np.exp(s - s.max(-1, keepdims=True))
        p = e / e.sum(-1, keepdims=True)
        y = merge(p @ v)
        x = x + y @ o_w.T + o_b
        h2, c2 = _ln(x, ln2_w, ln2_b)
        u = h2 @ fc_w.T + fc_b
        cdf = 0.5 * (1 + erf(np, u * np.float32(np.sqrt(0.5))))
        a = u * cdf
        x = x + a @ pj_w.T + pj_b
        caches.append((h, c1, q, k, v, p, y, h2, c2, u, cdf, a))
    xf, cf = _ln(x, lnf_w, lnf_b)
    logits = (xf @ head_w.T).reshape(-1, V)
    shifted = logits - logits.max(1, keepdims=True)
    ex = np.exp(shifted)
    sm = ex.sum(1, keepdims=True)
    rows, flat_t = np.arange(B * T), targets.reshape(-1)
    loss = np.log(sm[:, 0]).mean() - shifted[rows, flat_t].mean()

    gl = ex / sm
    gl[rows, flat_t] -= 1
    gl = (gl / (B * T)).reshape(B, T, V)
    gxf, g_head, _ = _linear_back(gl, xf, head_w)
    gx, g_lnf_w, g_lnf_b = _ln_back(gxf, cf, lnf_w)
    grads_blocks = []
    for block, (h, c1, q, k, v, p, y, h2, c2, u, cdf, a) in zip(reversed(blocks),
                                                                 reversed(caches)):
        ln1_w, ln1_b, qkv_w, qkv_b, o_w, o_b, ln2_w, ln2_b, fc_w, fc_b, pj_w, pj_b = block
        ga, g_pj_w, g_pj_b = _linear_back(gx, a, pj_w)
        pdf = np.exp(-0.5 * u * u) * np.float32(1 / np.sqrt(2 * np.pi))
        gu = ga * (cdf + u * pdf)
        gh2, g_fc_w, g_fc_b = _linear_back(gu, h2, fc_w)
        gx2, g_ln2_w, g_ln2_b = _ln_back(gh2, c2, ln2_w)
        gx = gx + gx2
        gy, g_o_w, g_o_b = _linear_back(gx, y, o_w)
        gy = heads(gy)
        gp = gy @ v.transpose(0, 1, 3, 2)
        gv = p.transpose(0, 1, 3, 2) @ gy
        gs = p * (gp - (gp * p).sum(-1, keepdims=True))
        gq = (gs @ k) * scale
        gk = gs.transpose(0, 1, 3, 2) @ (q * scale)
        gqkv = np.concatenate([merge(gq), merge(gk), merge(gv)], -1)
        gh, g_qkv_w, g_qkv_b = _linear_back(gqkv, h, qkv_w)
        gx1, g_ln1_w, g_ln1_b = _ln_back(gh, c1, ln1_w)
        gx = gx + gx1
        grads_blocks.insert(0, [g_ln1_w, g_ln1_b, g_qkv_w, g_qkv_b, g_o_w, g_o_b, g_ln2_w,
                                g_ln2_b, g_fc_w, g_fc_b, g_pj_w, g_pj_b])
    g_tok = np.zeros_like(tok)
    np.add.at(g_tok, idx.reshape(-1), gx.reshape(-1, D))
    g_pos = gx.sum(0)
    grads = [g_tok, g_pos] + [g for gb in grads_blocks for g in gb] + [g_lnf_w, g_lnf_b, g_head]

    adam_step(params, grads, state, LR, BETAS, EPS, weight_decay=WD)
    return loss


# ---- check and time ---------------------------------------------------------------------------

def check(seed=0):
    idx, targets, params = make_inputs(seed)
    model, optimizer, it, tt = mytorch_setup(idx, targets, params)
    state = adam_state(params)
    for _ in range(2):                                  # two steps: AdamW's state is used
        loss = mytorch_step(model, optimizer, it, tt)
        ref = numpy_step(idx, targets, params, state)
        same_loss("transformer", loss, ref, rtol=1e-4)
    # Adam divides two tiny moments where a gradient is ~0 (a token never seen), so float32
    # rounding may move such an element by a fraction of the learning rate
    same_parameters("transformer", model, params, rtol=1e-3, atol=1e-4)
    return True


def peak_memory(seq_lens=(64, 256, 1024)):
    """Peak bytes allocated during one training step (after a first step has created the
    optimizer state), mytorch and NumPy, for each sequence length: attention's (T × T) scores
    per head make it grow with T²."""
    import tracemalloc
    rows = []
    for seq in seq_lens:
        idx, targets, params = make_inputs(seq=seq)
        st = mytorch_setup(idx, targets, params)
        state = adam_state(params)
        peaks = {}
        for side, step in (("mytorch", lambda: mytorch_step(*st)),
                           ("numpy", lambda: numpy_step(idx, targets, params, state))):
            step()
            tracemalloc.start()
            step()
            peaks[side] = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        rows.append({"seq": seq, **peaks})
        del st, state
    return rows


def run(quick=False):
    check()
    idx, targets, params = make_inputs()
    st = mytorch_setup(idx, targets, params)
    state = adam_state(params)
    result = ratio_workload("transformer", f"GPT {LAYERS}×(4 heads, width {D}), seq {T}, batch "
                            f"{B}, CE, AdamW", lambda: mytorch_step(*st),
                            lambda: numpy_step(idx, targets, params, state), TARGET_RATIO, quick,
                            repeats=21)
    result["memory"] = peak_memory((64,) if quick else (64, 256, 1024))
    result["notes"] = [f"peak memory of a step at sequence {m['seq']}: mytorch "
                       f"{m['mytorch'] / 2**20:.0f} MiB, NumPy {m['numpy'] / 2**20:.0f} MiB"
                       for m in result["memory"]]
    return result
