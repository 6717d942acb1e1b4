"""Attention: F.scaled_dot_product_attention against the formula in float64 and against a
query-by-query loop for every kind of mask; fully masked rows; dropout statistics; gradients
to the second order. nn.MultiheadAttention against a loop over heads in NumPy with the same
weights (masks, padding, batch_first, unbatched, kdim/vdim, bias_kv, zero_attn), its parameter
names, initialisation, PyTorch-named state dicts, repr and errors; DotProductAttention and
AdditiveAttention."""
import math

import numpy as np
import pytest

import mytorch as mt
from mytorch import nn
from mytorch.autograd import gradcheck, gradgradcheck
from mytorch.nn import functional as F


def host(t):
    return t.detach().cpu().numpy()


def randn(*shape, device="cpu", requires_grad=False):
    return mt.randn(*shape, dtype=mt.float64, device=device, requires_grad=requires_grad)


def masked_softmax(s):
    """softmax over the last axis, rows of only −inf giving zeros."""
    m = s.max(-1, keepdims=True)
    m = np.where(np.isneginf(m), 0.0, m)
    e = np.exp(s - m)
    total = e.sum(-1, keepdims=True)
    return e / np.where(total == 0, 1.0, total)


def sdpa_formula(q, k, v, scale=None):
    scale = 1 / math.sqrt(q.shape[-1]) if scale is None else scale
    s = q @ np.swapaxes(k, -1, -2) * scale
    w = np.exp(s - s.max(-1, keepdims=True))
    w /= w.sum(-1, keepdims=True)
    return w @ v


def loop_attention(q, k, v, allowed=None, added=None, scale=None):
    """One query at a time: the softmax over the keys it may attend to (scores + added), zeros
    when it may attend to none. allowed / added broadcast to (..., L, S)."""
    *lead, L, E = q.shape
    S = k.shape[-2]
    scale = 1 / math.sqrt(E) if scale is None else scale
    shape = tuple(lead) + (L, S)
    allowed = np.broadcast_to(np.ones(shape, bool) if allowed is None else allowed, shape)
    added = np.broadcast_to(np.zeros(shape) if added is None else added, shape)
    k = np.broadcast_to(k, tuple(lead) + k.shape[-2:])
    v = np.broadcast_to(v, tuple(lead) + v.shape[-2:])
    out = np.zeros(tuple(lead) + (L, v.shape[-1]))
    for idx in np.ndindex(*lead):
        for i in range(L):
            keys = [j for j in range(S) if allowed[idx + (i, j)]
                    and not np.isneginf(added[idx + (i, j)])]
            if not keys:
                continue
            s = np.array([q[idx + (i,)] @ k[idx + (j,)] * scale + added[idx + (i, j)]
                          for j in keys])
            w = np.exp(s - s.max())
            w /= w.sum()
            out[idx + (i,)] = sum(wj * v[idx + (j,)] for wj, j in zip(w, keys))
    return out


# ---- scaled_dot_product_attention ----------------------------------------------------------

def test_sdpa_is_the_formula(device):
    q, k, v = randn(2, 3, 4, 5, device=device), randn(2, 3, 6, 5, device=device), \
        randn(2, 3, 6, 7, device=device)
    out = F.scaled_dot_product_attention(q, k, v)
    assert tuple(out.shape) == (2, 3, 4, 7) and out.dtype is mt.float64
    assert np.allclose(host(out), sdpa_formula(host(q), host(k), host(v)))
    assert np.allclose(host(F.scaled_dot_product_attention(q, k, v, scale=0.3)),
                       sdpa_formula(host(q), host(k), host(v), scale=0.3))
    # 3-d and broadcast keys
    q3, k3, v3 = randn(4, 3, 2, device=device), randn(1, 5, 2, device=device), \
        randn(1, 5, 3, device=device)
    assert np.allclose(host(F.scaled_dot_product_attention(q3, k3, v3)),
                       sdpa_formula(host(q3), host(k3), host(v3)))


def test_sdpa_bool_and_float_masks_against_the_loop(device):
    q, k, v = randn(2, 3, 4, 3, device=device), randn(2, 3, 5, 3, device=device), \
        randn(2, 3, 5, 2, device=device)
    Q, K, V = host(q), host(k), host(v)
    rng = np.random.default_rng(1)
    allowed = rng.random((4, 5)) < 0.6
    allowed[:, 0] = True                                   # every query sees something
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=mt.tensor(allowed, device=device))
    assert np.allclose(host(out), loop_attention(Q, K, V, allowed=allowed))
    added = rng.standard_normal((2, 1, 4, 5))
    added[0, 0, 1, 2] = -np.inf
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=mt.tensor(added, device=device))
    assert np.allclose(host(out), loop_attention(Q, K, V, added=added))


def test_sdpa_causal_and_padding(device):
    q, k, v = randn(2, 2, 4, 3, device=device), randn(2, 2, 6, 3, device=device), \
        randn(2, 2, 6, 3, device=device)
    Q, K, V = host(q), host(k), host(v)
    causal = np.tril(np.ones((4, 6), bool))                # top-left aligned, as PyTorch
    out = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    assert np.allclose(host(out), loop_attention(Q, K, V, allowed=causal))
    lengths = [6, 3]                                       # keys past a sequence's length: padding
    valid = np.arange(6)[None, :] < np.array(lengths)[:, None]
    padding = valid[:, None, None, :]                      # (N, 1, 1, S)
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=mt.tensor(padding, device=device))
    assert np.allclose(host(out), loop_attention(Q, K, V, allowed=padding))
    both = padding & causal
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=mt.tensor(both, device=device))
    assert np.allclose(host(out), loop_attention(Q, K, V, allowed=both))


def test_sdpa_fully_masked_rows_give_zeros_and_zero_gradients(device):
    q = randn(2, 3, 4, device=device, requires_grad=True)
    k = randn(2, 5, 4, device=device, requires_grad=True)
    v = randn(2, 5, 4, device=device, requires_grad=True)
    allowed = np.ones((2, 3, 5), bool)
    allowed[0, 1] = False                                  # query 1 of batch 0 sees nothing
    allowed[1, :, 4] = False
    mask = mt.tensor(allowed, device=device)
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    assert np.isfinite(host(out)).all()
    assert np.all(host(out)[0, 1] == 0)
    assert np.allclose(host(out), loop_attention(host(q), host(k), host(v), allowed=allowed))
    g = randn(2, 3, 4, device=device)
    out.backward(g)
    for t in (q, k, v):
        assert np.isfinite(host(t.grad)).all()
    assert np.all(host(q.grad)[0, 1] == 0)
    assert np.all(host(k.grad)[1, 4] == 0) and np.all(host(v.grad)[1, 4] == 0)
    # a float mask of −inf throughout a row: the same
    added = np.where(allowed, 0.0, -np.inf)
    out2 = F.scaled_dot_product_attention(q, k, v, attn_mask=mt.tensor(added, device=device))
    assert np.allclose(host(out2), host(out))
    assert gradcheck(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, attn_mask=mask),
                     (q, k, v))


def test_sdpa_enable_gqa_repeats_each_kv_head_for_its_group(device):
    q = randn(2, 6, 3, 4, device=device)
    k, v = randn(2, 2, 5, 4, device=device), randn(2, 2, 5, 3, device=device)
    out = F.scaled_dot_product_attention(q, k, v, enable_gqa=True)
    K, V = np.repeat(host(k), 3, axis=1), np.repeat(host(v), 3, axis=1)   # heads 0,0,0,1,1,1
    assert tuple(out.shape) == (2, 6, 3, 3)
    assert np.allclose(host(out), sdpa_formula(host(q), K, V))
    with pytest.raises(RuntimeError):
        F.scaled_dot_product_attention(q, k, v)            # without enable_gqa: heads must match


def test_sdpa_dropout_statistics(device):
    """q = k = 0 gives uniform weights 1/S; with v the identity the output is the dropped
    weights themselves: each kept with probability 1 − p and scaled to 1/(S·(1 − p))."""
    S, p = 10, 0.3
    q, k = mt.zeros(4, 50, 2, device=device), mt.zeros(4, S, 2, device=device)
    v = mt.eye(S, device=device)
    w = host(F.scaled_dot_product_attention(q, k, v, dropout_p=p))
    kept = w != 0
    assert abs(kept.mean() - (1 - p)) < 0.03
    assert np.allclose(w[kept], 1 / (S * (1 - p)), rtol=1e-5)
    assert abs(w.sum(-1).mean() - 1.0) < 0.03              # unbiased on average
    assert np.allclose(host(F.scaled_dot_product_attention(q, k, v, dropout_p=0.0)), 1 / S)


def test_sdpa_gradcheck_and_gradgradcheck(device):
    q = randn(1, 2, 3, 2, device=device, requires_grad=True)
    k = randn(1, 2, 4, 2, device=device, requires_grad=True)
    v = randn(1, 2, 4, 3, device=device, requires_grad=True)
    added = randn(3, 4, device=device, requires_grad=True)
    assert gradcheck(lambda q, k, v, m: F.scaled_dot_product_attention(q, k, v, attn_mask=m),
                     (q, k, v, added))
    assert gradgradcheck(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True),
                         (q, k, v))
    assert gradcheck(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, scale=2.0),
                     (q, k, v))


def test_sdpa_errors():
    q = mt.randn(2, 3, 4)
    with pytest.raises(RuntimeError, match="Explicit attn_mask should not be set when "
                                           "is_causal=True"):
        F.scaled_dot_product_attention(q, q, q, attn_mask=mt.ones(3, 3, dtype=mt.bool),
                                       is_causal=True)
    with pytest.raises(RuntimeError, match=r"query \[2, 3, 4\], key \[2, 3, 5\] and value "
                                           r"\[2, 3, 4\] do not fit"):
        F.scaled_dot_product_attention(q, mt.randn(2, 3, 5), q)
    with pytest.raises(RuntimeError, match="do not fit"):
        F.scaled_dot_product_attention(q, q, mt.randn(2, 6, 4))


# ---- MultiheadAttention: a loop over heads in NumPy ------------------------------------------

def additive(mask, shape):
    """A MultiheadAttention mask (bool True = masked, or floats) as floats to add."""
    if mask is None:
        return np.zeros(shape)
    mask = host(mask)
    return np.where(mask, -np.inf, 0.0) if mask.dtype == bool else mask


def mha_reference(m, query, key, value, key_padding_mask=None, attn_mask=None):
    """m's forward, seq-first (L, N, E) NumPy arrays in, one head at a time: (out, weights
    (N, H, L, S))."""
    E, H = m.embed_dim, m.num_heads
    d = E // H
    if m.in_proj_weight is not None:
        w = host(m.in_proj_weight)
        wq, wk, wv = w[:E], w[E:2 * E], w[2 * E:]
    else:
        wq, wk, wv = host(m.q_proj_weight), host(m.k_proj_weight), host(m.v_proj_weight)
    b = np.zeros(3 * E) if m.in_proj_bias is None else host(m.in_proj_bias)
    Q, K, V = query @ wq.T + b[:E], key @ wk.T + b[E:2 * E], value @ wv.T + b[2 * E:]
    L, N, _ = Q.shape
    extra = 0
    if m.bias_k is not None:
        K = np.concatenate([K, np.broadcast_to(host(m.bias_k), (1, N, E))])
        V = np.concatenate([V, np.broadcast_to(host(m.bias_v), (1, N, E))])
        extra += 1
    if m.add_zero_attn:
        K, V = np.concatenate([K, np.zeros((1, N, E))]), np.concatenate([V, np.zeros((1, N, E))])
        extra += 1
    S = K.shape[0]
    am = additive(attn_mask, (L, S - extra))
    am = am.reshape(N, H, L, S - extra) if am.ndim == 3 else np.broadcast_to(am, (N, H, L,
                                                                                S - extra))
    pm = additive(key_padding_mask, (N, S - extra))[:, None, None, :]
    mask = np.concatenate([am + pm, np.zeros((N, H, L, extra))], -1)
    out = np.zeros((L, N, E))
    weights = np.zeros((N, H, L, S))
    for n in range(N):
        for h in range(H):
            cols = slice(h * d, (h + 1) * d)
            s = Q[:, n, cols] @ K[:, n, cols].T / math.sqrt(d) + mask[n, h]
            weights[n, h] = masked_softmax(s)
            out[:, n, cols] = weights[n, h] @ V[:, n, cols]
    out = out @ host(m.out_proj.weight).T
    if m.out_proj.bias is not None:
        out = out + host(m.out_proj.bias)
    return out, weights


def mha(*args, device="cpu", **kwargs):
    """A float64 MultiheadAttention with random (nonzero) biases, on `device`."""
    m = nn.MultiheadAttention(*args, dtype=mt.float64, **kwargs)
    with mt.no_grad():
        for name, p in m.named_parameters():
            if "bias" in name:
                p.copy_(mt.randn(*p.shape, dtype=mt.float64))
    return m.to(device)


def check(m, query, key, value, **kwargs):
    """m(query, key, value, **kwargs) against the reference (seq-first inputs)."""
    out, w = m(query, key, value, average_attn_weights=False, **kwargs)
    ref, ref_w = mha_reference(m, host(query), host(key), host(value),
                               kwargs.get("key_padding_mask"), kwargs.get("attn_mask"))
    assert np.allclose(host(out), ref), "output"
    assert np.allclose(host(w), ref_w), "weights"
    return ref, ref_w


def test_mha_self_and_cross_attention(device):
    m = mha(8, 2, device=device)
    x = randn(5, 3, 8, device=device)
    ref, ref_w = check(m, x, x, x)
    out, w = m(x, x, x)                                     # need_weights, averaged
    assert tuple(out.shape) == (5, 3, 8) and tuple(w.shape) == (3, 5, 5)
    assert np.allclose(host(w), ref_w.mean(1))
    assert np.allclose(host(w).sum(-1), 1.0)
    out2, none = m(x, x, x, need_weights=False)
    assert none is None and np.allclose(host(out2), ref)
    mem = randn(7, 3, 8, device=device)
    ref, ref_w = check(m, x, mem, mem)
    assert ref_w.shape == (3, 2, 5, 7)
    check(m, x, mem, randn(7, 3, 8, device=device))


@pytest.mark.parametrize("kind", ["bool", "float"])
def test_mha_masks(device, kind):
    m = mha(6, 3, device=device)
    L, S, N = 4, 5, 2
    q, kv = randn(L, N, 6, device=device), randn(S, N, 6, device=device)
    rng = np.random.default_rng(2)
    masked = rng.random((L, S)) < 0.4
    masked[:, 1] = False
    padded = np.zeros((N, S), bool)
    padded[1, 3:] = True                                   # sequence 1 has 3 keys
    if kind == "bool":
        attn_mask, kpm = mt.tensor(masked, device=device), mt.tensor(padded, device=device)
    else:
        attn_mask = mt.tensor(np.where(masked, -np.inf, rng.standard_normal((L, S))),
                              device=device)
        kpm = mt.tensor(np.where(padded, -np.inf, 0.0), device=device)
    check(m, q, kv, kv, attn_mask=attn_mask)
    check(m, q, kv, kv, key_padding_mask=kpm)
    _, w = check(m, q, kv, kv, attn_mask=attn_mask, key_padding_mask=kpm)
    assert np.all(w[1, :, :, 3:] == 0)
    # one mask per batch element and head: (N·H, L, S)
    per_head = rng.random((N * 3, L, S)) < 0.3
    per_head[..., 0] = False
    check(m, q, kv, kv, attn_mask=mt.tensor(per_head, device=device))


def test_mha_causal_and_fully_masked_rows(device):
    m = mha(4, 2, device=device)
    x = randn(4, 2, 4, device=device)
    causal = nn.Transformer.generate_square_subsequent_mask(4, dtype=mt.float64, device=device)
    ref, _ = check(m, x, x, x, attn_mask=causal)
    out, _ = m(x, x, x, attn_mask=causal, is_causal=True)
    assert np.allclose(host(out), ref)
    bool_causal = mt.tensor(np.triu(np.ones((4, 4), bool), 1), device=device)
    assert np.allclose(host(m(x, x, x, attn_mask=bool_causal)[0]), ref)
    # every key of sequence 0 padded: its heads' outputs are zero, out = out_proj.bias
    kpm = mt.tensor([[True] * 4, [False] * 4], device=device)
    out, w = m(x, x, x, key_padding_mask=kpm)
    assert np.isfinite(host(out)).all() and np.all(host(w)[0] == 0)
    assert np.allclose(host(out)[:, 0], host(m.out_proj.bias))


def test_mha_batch_first_and_unbatched(device):
    m = mha(4, 2, batch_first=True, device=device)
    x = randn(3, 5, 4, device=device)                      # (N, L, E)
    kpm = mt.tensor(np.arange(5)[None, :] >= np.array([5, 2, 4])[:, None], device=device)
    out, w = m(x, x, x, key_padding_mask=kpm)
    seq = x.transpose(0, 1)
    ref, ref_w = mha_reference(m, host(seq), host(seq), host(seq), kpm)
    assert tuple(out.shape) == (3, 5, 4)
    assert np.allclose(host(out), ref.transpose(1, 0, 2)) and np.allclose(host(w), ref_w.mean(1))
    # unbatched (L, E): as a batch of one, and batch_first does not apply
    for first in (False, True):
        mu = mha(4, 2, batch_first=first, device=device)
        xu, kv = randn(5, 4, device=device), randn(6, 4, device=device)
        pad = mt.tensor([False, False, True, False, False, True], device=device)
        out, w = mu(xu, kv, kv, key_padding_mask=pad)
        ref, ref_w = mha_reference(mu, host(xu)[:, None], host(kv)[:, None], host(kv)[:, None],
                                   pad.unsqueeze(0))
        assert tuple(out.shape) == (5, 4) and tuple(w.shape) == (5, 6)
        assert np.allclose(host(out), ref[:, 0]) and np.allclose(host(w), ref_w[0].mean(0))
        out, w = mu(xu, kv, kv, average_attn_weights=False)
        assert tuple(w.shape) == (2, 5, 6)
        out, w = mu(xu, kv, kv, attn_mask=mt.zeros(2, 5, 6, dtype=mt.float64, device=device))
        assert tuple(out.shape) == (5, 4)


def test_mha_kdim_vdim(device):
    m = mha(6, 2, kdim=3, vdim=5, device=device)
    assert m.in_proj_weight is None and not m._qkv_same_embed_dim
    assert tuple(m.q_proj_weight.shape) == (6, 6) and tuple(m.k_proj_weight.shape) == (6, 3)
    assert tuple(m.v_proj_weight.shape) == (6, 5)
    assert list(m.state_dict().keys()) == ["q_proj_weight", "k_proj_weight", "v_proj_weight",
                                           "in_proj_bias", "out_proj.weight", "out_proj.bias"]
    q, k, v = randn(4, 2, 6, device=device), randn(7, 2, 3, device=device), \
        randn(7, 2, 5, device=device)
    check(m, q, k, v, key_padding_mask=mt.tensor(np.eye(2, 7, 5, dtype=bool), device=device))
    assert tuple(m(q, k, v)[0].shape) == (4, 2, 6)


def test_mha_add_bias_kv_and_zero_attn(device):
    for kwargs in (dict(add_bias_kv=True), dict(add_zero_attn=True),
                   dict(add_bias_kv=True, add_zero_attn=True)):
        m = mha(4, 2, device=device, **kwargs)
        q, kv = randn(3, 2, 4, device=device), randn(5, 2, 4, device=device)
        extra = len(kwargs)
        _, w = check(m, q, kv, kv)
        assert w.shape == (2, 2, 3, 5 + extra)
        padded = mt.tensor([[False] * 5, [False, False, True, True, True]], device=device)
        check(m, q, kv, kv, key_padding_mask=padded,
              attn_mask=mt.tensor(np.eye(3, 5, dtype=bool), device=device))
    m = nn.MultiheadAttention(4, 2, add_bias_kv=True)
    assert list(m.state_dict().keys()) == ["in_proj_weight", "in_proj_bias", "bias_k", "bias_v",
                                           "out_proj.weight", "out_proj.bias"]
    assert tuple(m.bias_k.shape) == (1, 1, 4) and tuple(m.bias_v.shape) == (1, 1, 4)


def test_mha_no_bias(device):
    m = mha(4, 2, bias=False, device=device)
    assert m.in_proj_bias is None and m.out_proj.bias is None
    assert [n for n, _ in m.named_parameters()] == ["in_proj_weight", "out_proj.weight"]
    x = randn(3, 2, 4, device=device)
    check(m, x, x, x)


def test_mha_parameters_and_init():
    E = 64
    m = nn.MultiheadAttention(E, 8)
    assert [n for n, _ in m.named_parameters()] == ["in_proj_weight", "in_proj_bias",
                                                    "out_proj.weight", "out_proj.bias"]
    assert m.head_dim == 8 and m.batch_first is False and m.dropout == 0.0
    assert m.bias_k is None and m.bias_v is None and m.q_proj_weight is None
    w = host(m.in_proj_weight)
    bound = math.sqrt(6 / (E + 3 * E))                     # xavier_uniform_ on (3E, E)
    assert w.shape == (3 * E, E) and np.abs(w).max() <= bound and np.abs(w).max() > 0.97 * bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.05 * bound
    assert np.all(host(m.in_proj_bias) == 0) and np.all(host(m.out_proj.bias) == 0)
    ow = host(m.out_proj.weight)                           # Linear's default: U(±1/√E)
    assert np.abs(ow).max() <= 1 / math.sqrt(E)
    assert m.in_proj_weight.dtype is mt.float32
    kv = nn.MultiheadAttention(E, 8, kdim=16, vdim=32)
    assert np.abs(host(kv.k_proj_weight)).max() <= math.sqrt(6 / (E + 16))
    assert np.abs(host(kv.v_proj_weight)).max() <= math.sqrt(6 / (E + 32))


def test_mha_loads_a_pytorch_named_state_dict(device):
    E = 4
    rng = np.random.default_rng(3)
    arrays = {"in_proj_weight": rng.standard_normal((3 * E, E)),
              "in_proj_bias": rng.standard_normal(3 * E),
              "out_proj.weight": rng.standard_normal((E, E)),
              "out_proj.bias": rng.standard_normal(E)}
    m = nn.MultiheadAttention(E, 2, dtype=mt.float64).to(device)
    result = m.load_state_dict({k: mt.tensor(a) for k, a in arrays.items()}, strict=True)
    assert result.missing_keys == [] and result.unexpected_keys == []
    for name, a in arrays.items():
        assert np.array_equal(host(m.state_dict()[name]), a)
    x = randn(3, 1, E, device=device)
    check(m, x, x, x)
    with pytest.raises(RuntimeError, match="in_proj_weight"):
        nn.MultiheadAttention(E, 2).load_state_dict({k: mt.tensor(a) for k, a in arrays.items()
                                                     if k != "in_proj_weight"})


def test_mha_dropout_train_and_eval(device):
    m = mha(8, 2, dropout=0.5, device=device)
    x = randn(6, 2, 8, device=device)
    a, wa = m(x, x, x)
    b, wb = m(x, x, x)
    assert not np.allclose(host(a), host(b))
    m.eval()
    e1, e2 = m(x, x, x)[0], m(x, x, x)[0]
    assert np.array_equal(host(e1), host(e2))
    assert np.allclose(host(e1), mha_reference(m, host(x), host(x), host(x))[0])


def test_mha_gradcheck(device):
    m = mha(4, 2, device=device)
    q, kv = randn(2, 2, 4, device=device, requires_grad=True), \
        randn(3, 2, 4, device=device, requires_grad=True)
    kpm = mt.tensor([[False, False, False], [False, True, True]], device=device)
    params = tuple(m.parameters())
    assert gradcheck(lambda q, kv, *p: m(q, kv, kv, key_padding_mask=kpm)[0], (q, kv) + params)
    assert gradgradcheck(lambda q, kv: m(q, kv, kv)[0], (q, kv))
    # self-attention (query is key is value): the one-matmul projection
    assert gradcheck(lambda x, *p: m(x, x, x)[0], (kv,) + params)


def test_mha_repr():
    assert repr(nn.MultiheadAttention(8, 2)) == (
        "MultiheadAttention(\n"
        "  (out_proj): NonDynamicallyQuantizableLinear(in_features=8, out_features=8, "
        "bias=True)\n)")


def test_mha_errors():
    with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
        nn.MultiheadAttention(10, 3)
    with pytest.raises(ValueError, match="embed_dim and num_heads must be greater than 0"):
        nn.MultiheadAttention(0, 1)
    m = nn.MultiheadAttention(4, 2)
    x, kv = mt.randn(3, 2, 4), mt.randn(5, 2, 4)
    with pytest.raises(RuntimeError, match=r"The shape of the 2D attn_mask is \(3, 3\), but "
                                           r"should be \(3, 5\)"):
        m(x, kv, kv, attn_mask=mt.zeros(3, 3))
    with pytest.raises(RuntimeError, match=r"The shape of the 3D attn_mask is \(2, 3, 5\), but "
                                           r"should be \(4, 3, 5\)"):
        m(x, kv, kv, attn_mask=mt.zeros(2, 3, 5))
    with pytest.raises(AssertionError, match=r"expecting key_padding_mask shape of \(2, 5\), "
                                             r"but got \(2, 3\)"):
        m(x, kv, kv, key_padding_mask=mt.zeros(2, 3, dtype=mt.bool))
    with pytest.raises(RuntimeError, match="Need attn_mask if specifying the is_causal hint"):
        m(x, x, x, is_causal=True)
    with pytest.raises(AssertionError, match="was expecting embedding dimension of 4, but got 3"):
        m(mt.randn(3, 2, 3), kv, kv)
    with pytest.raises(AssertionError, match="unbatched 2D or batched 3D tensor but received "
                                             "4-D"):
        m(mt.randn(1, 3, 2, 4), kv, kv)
    with pytest.raises(TypeError, match="only bool and floating types of attn_mask"):
        m(x, kv, kv, attn_mask=mt.zeros(3, 5, dtype=mt.int64))


# ---- DotProductAttention, AdditiveAttention ---------------------------------------------------

def test_dot_product_attention_module(device):
    m = nn.DotProductAttention()
    q, k, v = randn(2, 3, 4, device=device), randn(2, 5, 4, device=device), \
        randn(2, 5, 6, device=device)
    allowed = np.ones((2, 3, 5), bool)
    allowed[0, :, 3:] = False
    allowed[1, 2] = False
    out, w = m(q, k, v, mask=mt.tensor(allowed, device=device))
    W = host(w)
    assert W.shape == (2, 3, 5) and np.all(W[~allowed] == 0)
    assert np.allclose(W.sum(-1), np.where(allowed.any(-1), 1.0, 0.0))
    assert np.allclose(host(out), loop_attention(host(q), host(k), host(v), allowed=allowed))
    scaled = nn.DotProductAttention(scale=1.0)
    out, _ = scaled(q, k, v)
    assert np.allclose(host(out), sdpa_formula(host(q), host(k), host(v), scale=1.0))
    assert repr(scaled) == "DotProductAttention(scale=1.0, dropout=0.0)"
    dropped = nn.DotProductAttention(dropout=0.9)
    assert not np.allclose(host(dropped(q, k, v)[1]).sum(-1), 1.0)
    dropped.eval()
    assert np.allclose(host(dropped(q, k, v)[1]).sum(-1), 1.0)


def additive_reference(m, q, k, v, allowed=None):
    wq, wk, bk = host(m.query_proj.weight), host(m.key_proj.weight), host(m.key_proj.bias)
    wv = host(m.v.weight)[0]
    hidden = np.tanh((q @ wq.T)[..., :, None, :] + (k @ wk.T + bk)[..., None, :, :])
    scores = hidden @ wv                                   # (..., L, S)
    if allowed is not None:
        scores = np.where(allowed, scores, -np.inf)
    w = masked_softmax(scores)
    return w @ v, w


def test_additive_attention(device):
    m = nn.AdditiveAttention(3, 4, 5, dtype=mt.float64).to(device)
    assert [n for n, _ in m.named_parameters()] == ["query_proj.weight", "key_proj.weight",
                                                    "key_proj.bias", "v.weight"]
    q, k, v = randn(2, 3, 3, device=device), randn(2, 6, 4, device=device), \
        randn(2, 6, 2, device=device)
    out, w = m(q, k, v)
    ref, ref_w = additive_reference(m, host(q), host(k), host(v))
    assert np.allclose(host(out), ref) and np.allclose(host(w), ref_w)
    assert np.allclose(host(w).sum(-1), 1.0)
    allowed = np.ones((2, 3, 6), bool)
    allowed[1, :, 4:] = False
    allowed[0, 0] = False
    out, w = m(q, k, v, mask=mt.tensor(allowed, device=device))
    ref, ref_w = additive_reference(m, host(q), host(k), host(v), allowed)
    assert np.allclose(host(out), ref) and np.allclose(host(w), ref_w)
    assert np.all(host(w)[~allowed] == 0) and np.all(host(out)[0, 0] == 0)
    added = np.where(allowed, 0.0, -np.inf)
    out2, _ = m(q, k, v, mask=mt.tensor(added, device=device))
    assert np.allclose(host(out2), host(out))
    qg = randn(1, 2, 3, device=device, requires_grad=True)
    kg = randn(1, 3, 4, device=device, requires_grad=True)
    vg = randn(1, 3, 2, device=device, requires_grad=True)
    assert gradcheck(lambda q, k, v, *p: m(q, k, v)[0], (qg, kg, vg) + tuple(m.parameters()))


# ---- known gaps (error messages) ---------------------------------------------------------------

def test_mha_key_value_length_mismatch_error():
    m = nn.MultiheadAttention(4, 2)
    with pytest.raises((RuntimeError, AssertionError), match=r"(?s)key.*5, 1, 4.*value.*6, 1, 4"):
        m(mt.randn(3, 1, 4), mt.randn(5, 1, 4), mt.randn(6, 1, 4))


def test_mha_4d_mask_error_names_its_dimension():
    m = nn.MultiheadAttention(4, 2)
    with pytest.raises(RuntimeError, match=r"attn_mask.*(dimension 4|4-?D)"):
        m(mt.randn(3, 2, 4), mt.randn(5, 2, 4), mt.randn(5, 2, 4), attn_mask=mt.zeros(2, 2, 3, 5))


def test_sdpa_gqa_indivisible_heads_error():
    q, k = mt.randn(1, 4, 3, 2), mt.randn(1, 3, 3, 2)
    with pytest.raises(RuntimeError, match=r"(?i)heads"):
        F.scaled_dot_product_attention(q, k, k, enable_gqa=True)
