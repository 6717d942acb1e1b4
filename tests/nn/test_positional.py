"""Positional encodings: formulas against NumPy, shapes and layouts, offsets (decoding with a
cache), RoPE's invariants (norms kept, q·k a function of the relative position), ALiBi's
slopes, T5's buckets computed by hand, gradients, buffers and state dicts, reprs, errors."""
import math

import numpy as np
import pytest

import mytorch as mt
from mytorch.autograd import gradcheck, gradgradcheck
from mytorch.nn import functional as F
from mytorch.nn.positional import (ALiBi, LearnedPositionalEmbedding, RelativePositionBias,
                                   RotaryEmbedding, SinusoidalPositionalEncoding, alibi_slopes,
                                   apply_rotary, relative_position_bucket, rotate_half)


def host(t):
    return t.detach().cpu().numpy()


def randn(*shape, device="cpu", requires_grad=False):
    return mt.randn(*shape, dtype=mt.float64, device=device, requires_grad=requires_grad)


def sinusoid_table(max_len, d):
    pe = np.zeros((max_len, d))
    for pos in range(max_len):
        for c in range(d):
            i = c // 2
            angle = pos / 10000 ** (2 * i / d)
            pe[pos, c] = math.sin(angle) if c % 2 == 0 else math.cos(angle)
    return pe


# ---- SinusoidalPositionalEncoding -------------------------------------------------------------

@pytest.mark.parametrize("d", [8, 7])
def test_sinusoidal_table_is_the_formula(device, d):
    m = SinusoidalPositionalEncoding(d, max_len=50, device=device)
    assert m.pe.dtype is mt.float32 and tuple(m.pe.shape) == (50, d)
    assert str(m.pe.device).startswith(device)
    assert np.allclose(host(m.pe), sinusoid_table(50, d), atol=1e-6)
    assert np.allclose(host(m.double().pe), sinusoid_table(50, d), atol=1e-12)


def test_sinusoidal_adds_to_every_layout(device):
    m = SinusoidalPositionalEncoding(6, max_len=20, device=device).double()
    table = sinusoid_table(20, 6)
    x = randn(5, 3, 6, device=device)                                      # (L, N, E)
    assert np.allclose(host(m(x)), host(x) + table[:5, None, :])
    assert np.allclose(host(m(x, offset=4)), host(x) + table[4:9, None, :])
    xb = randn(3, 5, 6, device=device)                                     # (N, L, E)
    mb = SinusoidalPositionalEncoding(6, max_len=20, batch_first=True, device=device).double()
    assert np.allclose(host(mb(xb)), host(xb) + table[None, :5, :])
    xu = randn(5, 6, device=device)                                        # (L, E)
    assert np.allclose(host(m(xu)), host(xu) + table[:5])
    assert np.allclose(host(mb(xu)), host(xu) + table[:5])


def test_sinusoidal_offsets_match_one_long_sequence(device):
    """Encoding a sequence chunk by chunk with offsets gives the encoding of the whole."""
    m = SinusoidalPositionalEncoding(4, max_len=16, device=device)
    x = mt.randn(9, 2, 4, device=device)
    parts = [m(x[:4]), m(x[4:5], offset=4), m(x[5:], offset=5)]
    assert np.allclose(host(mt.cat(parts, 0)), host(m(x)))


def test_sinusoidal_buffer_is_not_persistent_and_moves(device):
    m = SinusoidalPositionalEncoding(4, max_len=8)
    assert list(m.state_dict().keys()) == [] and [n for n, _ in m.named_buffers()] == ["pe"]
    assert list(m.parameters()) == []
    m.to(device)
    assert str(m.pe.device).startswith(device)
    assert m(mt.zeros(3, 1, 4, device=device)).device == m.pe.device
    assert m.load_state_dict({}).missing_keys == []


def test_sinusoidal_keeps_input_dtype_and_passes_gradients(device):
    m = SinusoidalPositionalEncoding(4, max_len=8, device=device)
    x = randn(3, 2, 4, device=device, requires_grad=True)
    assert m(x).dtype is mt.float64
    assert gradcheck(m, (x,))


def test_sinusoidal_dropout_in_train_only(device):
    m = SinusoidalPositionalEncoding(8, max_len=64, dropout=0.5, device=device)
    x = mt.ones(64, 4, 8, device=device)
    y = host(m(x))
    kept = y != 0
    assert 0.4 < kept.mean() < 0.6
    assert np.allclose(y[kept], 2 * (1 + sinusoid_table(64, 8)[:, None, :].repeat(4, 1)[kept]),
                       atol=1e-5)
    m.eval()
    assert np.allclose(host(m(x)), 1 + sinusoid_table(64, 8)[:, None, :], atol=1e-6)


def test_sinusoidal_repr_and_errors():
    m = SinusoidalPositionalEncoding(64, dropout=0.1)
    assert repr(m) == ("SinusoidalPositionalEncoding(64, max_len=5000, dropout=0.1, "
                       "batch_first=False)")
    with pytest.raises(RuntimeError, match=r"SinusoidalPositionalEncoding\(d_model=64\) got "
                                           r"input of shape \(3, 2, 32\)"):
        m(mt.zeros(3, 2, 32))
    with pytest.raises(RuntimeError, match=r"got input of shape \(1, 3, 2, 64\)"):
        m(mt.zeros(1, 3, 2, 64))
    short = SinusoidalPositionalEncoding(4, max_len=8)
    with pytest.raises(RuntimeError, match=r"max_len=8\) got a sequence of length 6 at offset "
                                           r"3: positions up to 8"):
        short(mt.zeros(6, 4), offset=3)


# ---- LearnedPositionalEmbedding ---------------------------------------------------------------

def test_learned_adds_rows_of_its_embedding(device):
    m = LearnedPositionalEmbedding(10, 4, device=device).double()
    assert [n for n, _ in m.named_parameters()] == ["embedding.weight"]
    assert list(m.state_dict().keys()) == ["embedding.weight"]
    w = host(m.embedding.weight)
    x = randn(3, 2, 4, device=device)
    assert np.allclose(host(m(x)), host(x) + w[:3, None])
    assert np.allclose(host(m(x, offset=7)), host(x) + w[7:10, None])
    mb = LearnedPositionalEmbedding(10, 4, batch_first=True, device=device).double()
    wb = host(mb.embedding.weight)
    assert np.allclose(host(mb(x)), host(x) + wb[None, :2])               # (N=3, L=2, E)
    assert np.allclose(host(mb(x[0])), host(x[0]) + wb[:2])               # unbatched (L, E)


def test_learned_gradients_reach_the_used_rows_only(device):
    m = LearnedPositionalEmbedding(6, 3, device=device).double()
    x = randn(2, 4, 3, device=device, requires_grad=True)
    assert gradcheck(lambda x, w: m(x, offset=1), (x, m.embedding.weight))
    m(x, offset=1).sum().backward()
    g = host(m.embedding.weight.grad)
    assert np.allclose(g[1:3], 4.0) and np.allclose(g[[0, 3, 4, 5]], 0.0)
    assert np.allclose(host(x.grad), 1.0)


def test_learned_repr_and_errors():
    m = LearnedPositionalEmbedding(16, 8, dropout=0.1)
    assert repr(m) == ("LearnedPositionalEmbedding(\n"
                       "  max_len=16, d_model=8, dropout=0.1, batch_first=False\n"
                       "  (embedding): Embedding(16, 8)\n)")
    with pytest.raises(RuntimeError, match=r"max_len=16\) got a sequence of length 17 at "
                                           r"offset 0"):
        m(mt.zeros(17, 1, 8))
    with pytest.raises(RuntimeError, match=r"LearnedPositionalEmbedding\(d_model=8\) got input "
                                           r"of shape \(4, 7\)"):
        m(mt.zeros(4, 7))


# ---- T5 relative position buckets -------------------------------------------------------------

def t5_bucket_reference(r, bidirectional=True, num_buckets=32, max_distance=128):
    """T5's function, one integer at a time, in float32 as mesh-tensorflow / HF compute it."""
    bucket = 0
    if bidirectional:
        num_buckets //= 2
        bucket += num_buckets if r > 0 else 0
        n = abs(r)
    else:
        n = max(-r, 0)
    max_exact = num_buckets // 2
    if n < max_exact:
        return bucket + n
    f32 = np.float32
    large = max_exact + int(np.log(f32(n) / f32(max_exact)) / f32(math.log(max_distance / max_exact))
                            * f32(num_buckets - max_exact))
    return bucket + min(large, num_buckets - 1)


def test_t5_buckets_by_hand(device):
    """Bidirectional, 32 buckets, max_distance 128: 16 buckets a side, 8 of them exact; beyond,
    bucket = 8 + ⌊log(n/8) / log(128/8) · 8⌋ = 8 + ⌊2·log₂(n/8)⌋, at most 15; keys after the
    query (r = j − i > 0) add 16."""
    r = mt.tensor([0, -1, 1, -7, 7, -8, -11, -12, -16, -20, -23, -32, -64, -127, -128, -1000,
                   1000, 20], device=device)
    expected = [0, 1, 17, 7, 23,
                8,          # n = 8:   8 + ⌊2·log₂ 1⌋ = 8
                8,          # n = 11:  8 + ⌊2·log₂ 1.375⌋ = 8 + ⌊0.92⌋
                9,          # n = 12:  8 + ⌊2·log₂ 1.5⌋ = 8 + ⌊1.17⌋
                10,         # n = 16:  8 + ⌊2·log₂ 2⌋ = 8 + 2
                10,         # n = 20:  8 + ⌊2·log₂ 2.5⌋ = 8 + ⌊2.64⌋
                11,         # n = 23:  8 + ⌊2·log₂ 2.875⌋ = 8 + ⌊3.05⌋
                12,         # n = 32:  8 + ⌊2·log₂ 4⌋
                14,         # n = 64:  8 + ⌊2·log₂ 8⌋
                15,         # n = 127: 8 + ⌊7.98⌋
                15, 15,     # n ≥ 128: 8 + 8 = 16, clamped to the last bucket 15
                31,         # r = +1000: 16 + 15
                26]         # r = +20: 16 + 10
    out = relative_position_bucket(r)
    assert out.dtype is mt.int64 and out.device == r.device
    assert host(out).tolist() == expected


def test_t5_buckets_causal_by_hand(device):
    """Unidirectional (decoder): n = max(−r, 0), all 32 buckets for the past, 16 exact; beyond,
    16 + ⌊log(n/16) / log(128/16) · 16⌋ = 16 + ⌊16/3 · log₂(n/16)⌋."""
    r = mt.tensor([5, 1, 0, -1, -15, -16, -20, -32, -40, -127, -128, -500], device=device)
    expected = [0, 0, 0, 1, 15,
                16,         # n = 16:  16 + 0
                17,         # n = 20:  16 + ⌊5.33·0.32⌋ = 16 + ⌊1.72⌋
                21,         # n = 32:  16 + ⌊5.33·1⌋
                23,         # n = 40:  16 + ⌊5.33·1.32⌋ = 16 + ⌊7.05⌋
                31,         # n = 127: 16 + ⌊15.95⌋
                31, 31]
    assert host(relative_position_bucket(r, bidirectional=False)).tolist() == expected


@pytest.mark.parametrize("bidirectional, num_buckets, max_distance",
                         [(True, 32, 128), (False, 32, 128), (True, 16, 64), (False, 8, 20)])
def test_t5_buckets_against_the_reference(bidirectional, num_buckets, max_distance):
    r = np.arange(-300, 301)
    out = relative_position_bucket(mt.tensor(r), bidirectional, num_buckets, max_distance)
    expected = [t5_bucket_reference(int(v), bidirectional, num_buckets, max_distance) for v in r]
    assert host(out).tolist() == expected
    assert host(out).min() == 0 and host(out).max() == num_buckets - 1


def test_relative_position_bias_looks_up_buckets(device):
    m = RelativePositionBias(3, num_buckets=8, max_distance=16, device=device).double()
    assert [n for n, _ in m.named_parameters()] == ["relative_attention_bias.weight"]
    w = host(m.relative_attention_bias.weight)                                # (8, 3)
    for L, S, offset in [(4, 4, 0), (2, 6, 4), (3, 5, 1)]:
        bias = m(L, S, offset=offset)
        assert tuple(bias.shape) == (3, L, S) and bias.dtype is mt.float64
        expected = np.zeros((3, L, S))
        for i in range(L):
            for j in range(S):
                b = t5_bucket_reference(j - (offset + i), True, 8, 16)
                expected[:, i, j] = w[b]
        assert np.allclose(host(bias), expected)
    assert tuple(m(5).shape) == (3, 5, 5)


def test_relative_position_bias_gradients_and_use_in_attention(device):
    m = RelativePositionBias(2, num_buckets=6, max_distance=10, bidirectional=False,
                             device=device).double()
    w = m.relative_attention_bias.weight
    assert gradcheck(lambda w: m(3, 4), (w,))
    q, k, v = (randn(1, 2, 3, 4, device=device) for _ in range(3))
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=m(3))
    out.sum().backward()
    assert w.grad is not None and tuple(w.grad.shape) == (6, 2)
    assert repr(m) == ("RelativePositionBias(\n  n_heads=2, num_buckets=6, max_distance=10, "
                       "bidirectional=False\n  (relative_attention_bias): Embedding(6, 2)\n)")


# ---- ALiBi ------------------------------------------------------------------------------------

def test_alibi_slopes():
    assert alibi_slopes(8) == [1 / 2, 1 / 4, 1 / 8, 1 / 16, 1 / 32, 1 / 64, 1 / 128, 1 / 256]
    assert alibi_slopes(4) == [1 / 4, 1 / 16, 1 / 64, 1 / 256]
    assert np.allclose(alibi_slopes(16), [2 ** (-0.5 * h) for h in range(1, 17)])
    # not a power of two: the 4 slopes of 4 heads, then every other one of 8 heads' slopes
    assert alibi_slopes(6) == [1 / 4, 1 / 16, 1 / 64, 1 / 256, 1 / 2, 1 / 8]
    s12 = alibi_slopes(12)
    assert s12[:8] == alibi_slopes(8) and np.allclose(s12[8:], alibi_slopes(16)[0::2][:4])
    assert alibi_slopes(1) == [2 ** -8]


def test_alibi_bias_formula(device):
    m = ALiBi(4, device=device)
    assert list(m.state_dict().keys()) == [] and [n for n, _ in m.named_buffers()] == ["slopes"]
    slopes = np.array(alibi_slopes(4))
    assert np.allclose(host(m.slopes), slopes)
    i, j = np.arange(3)[:, None], np.arange(5)[None, :]
    bias = m(3, 5)
    assert tuple(bias.shape) == (4, 3, 5) and bias.dtype is mt.float32
    assert np.allclose(host(bias), -slopes[:, None, None] * np.abs(i - j))
    assert np.allclose(host(m(3, 5, offset=2)), -slopes[:, None, None] * np.abs(i + 2 - j))
    assert tuple(m(6).shape) == (4, 6, 6)


def test_alibi_causal_is_bias_and_mask(device):
    m = ALiBi(8, causal=True, device=device)
    slopes = np.array(alibi_slopes(8))
    bias = host(m(3, 5, offset=2))                           # queries at positions 2, 3, 4
    i, j = np.arange(2, 5)[:, None], np.arange(5)[None, :]
    past = j <= i
    assert np.all(np.isneginf(bias[:, ~past]))
    assert np.allclose(bias[:, past], (-slopes[:, None, None] * (i - j) * np.ones((8, 3, 5)))
                       [:, past])
    assert not np.signbit(bias[:, np.arange(3), np.arange(2, 5)]).any()   # 0.0 on j = i, not −0.0
    # as the float mask of attention: causal, each row a distribution
    q, k, v = (mt.randn(2, 8, 3, 4, device=device) for _ in range(3))
    k5, v5 = mt.randn(2, 8, 5, 4, device=device), mt.randn(2, 8, 5, 4, device=device)
    out = F.scaled_dot_product_attention(q, k5, v5, attn_mask=m(3, 5, offset=2))
    assert tuple(out.shape) == (2, 8, 3, 4) and np.isfinite(host(out)).all()
    full = F.scaled_dot_product_attention(q, k, v, attn_mask=m(3))
    plain = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    assert np.allclose(host(full)[:, :, 0], host(plain)[:, :, 0], atol=1e-6)   # one key only


def test_alibi_moves_and_repr(device):
    m = ALiBi(2, causal=True).to(device)
    assert m(2).device == m.slopes.device and str(m.slopes.device).startswith(device)
    assert m.double()(2).dtype is mt.float64
    assert repr(m) == "ALiBi(n_heads=2, causal=True)"


# ---- RotaryEmbedding --------------------------------------------------------------------------

def rope_reference(x, positions, dim, base=10000.0):
    """The rotation pair by pair: feature k with feature k + dim/2, angle m·base^(−2k/dim)."""
    out = x.copy()
    half = dim // 2
    for idx, m in enumerate(positions):
        for k in range(half):
            a = m * base ** (-2 * k / dim)
            x1, x2 = x[..., idx, k], x[..., idx, k + half]
            out[..., idx, k] = x1 * math.cos(a) - x2 * math.sin(a)
            out[..., idx, k + half] = x2 * math.cos(a) + x1 * math.sin(a)
    return out


def test_rope_against_the_pairwise_rotation(device):
    m = RotaryEmbedding(8, device=device).double()
    assert [n for n, _ in m.named_buffers()] == ["inv_freq"] and m.state_dict() == {}
    assert np.allclose(host(m.inv_freq), 10000.0 ** (-np.arange(0, 8, 2) / 8))
    x = randn(2, 3, 5, 8, device=device)
    assert np.allclose(host(m.rotate(x)), rope_reference(host(x), range(5), 8))
    assert np.allclose(host(m.rotate(x, offset=7)), rope_reference(host(x), range(7, 12), 8))
    pos = mt.tensor([3, 0, 9, 1, 4], device=device)
    assert np.allclose(host(m.rotate(x, pos)), rope_reference(host(x), [3, 0, 9, 1, 4], 8))
    m100 = RotaryEmbedding(4, base=100.0, device=device).double()
    x4 = randn(6, 4, device=device)
    assert np.allclose(host(m100.rotate(x4)), rope_reference(host(x4), range(6), 4, 100.0))


def test_rope_position_zero_is_identity_and_float32_default(device):
    m = RotaryEmbedding(4, device=device)
    x = mt.randn(1, 4, device=device)
    assert np.allclose(host(m.rotate(x)), host(x))
    y = m.rotate(mt.randn(3, 4, device=device))
    assert y.dtype is mt.float32 and m.inv_freq.dtype is mt.float32


def test_rope_keeps_norms(device):
    m = RotaryEmbedding(16, device=device).double()
    x = randn(4, 2, 30, 16, device=device)
    y = m.rotate(x, offset=100)
    assert np.allclose(np.linalg.norm(host(y), axis=-1), np.linalg.norm(host(x), axis=-1))
    # and of each rotated pair (k, k + dim/2)
    pair = lambda a: a[..., :8] ** 2 + a[..., 8:] ** 2                      # noqa: E731
    assert np.allclose(pair(host(y)), pair(host(x)))


def test_rope_scores_depend_only_on_relative_position(device):
    m = RotaryEmbedding(8, device=device).double()
    q, k = randn(8, device=device), randn(8, device=device)

    def score(i, j):          # query at position i, key at position j
        qi = m.rotate(q.reshape(1, 8), mt.tensor([i], device=device))
        kj = m.rotate(k.reshape(1, 8), mt.tensor([j], device=device))
        return float((qi * kj).sum().item())

    for i, j in [(0, 3), (5, 2), (7, 7), (1, 20)]:
        base = score(i, j)
        for shift in (1, 13, 250):
            assert math.isclose(score(i + shift, j + shift), base, rel_tol=1e-9, abs_tol=1e-9)
        assert math.isclose(score(0, j - i), base, rel_tol=1e-9, abs_tol=1e-9)  # j − i < 0 too
    assert not math.isclose(score(0, 1), score(0, 2))            # but it does see the offset
    # the same q and k at every position: the score matrix is constant along each diagonal
    L = 6
    qs = m.rotate(q.reshape(1, 8).expand((L, 8)))
    ks = m.rotate(k.reshape(1, 8).expand((L, 8)))
    s = host(qs @ ks.transpose(0, 1))
    for d in range(-L + 1, L):
        diag = np.diagonal(s, d)
        assert np.allclose(diag, diag[0])


def test_rope_forward_offsets_and_batch_positions(device):
    m = RotaryEmbedding(4, device=device).double()
    q, k = randn(2, 2, 6, 4, device=device), randn(2, 2, 6, 4, device=device)
    rq, rk = m(q, k)
    assert np.allclose(host(rq), host(m.rotate(q))) and np.allclose(host(rk), host(m.rotate(k)))
    # decoding with a cache: the last token alone at offset 5 is row 5 of the whole
    last_q, last_k = m(q[..., 5:, :], k[..., 5:, :], offset=5)
    assert np.allclose(host(last_q), host(rq)[..., 5:, :])
    assert np.allclose(host(last_k), host(rk)[..., 5:, :])
    # one row of positions per batch element, broadcast over the heads: (N, 1, L)
    pos = mt.tensor([[list(range(6))], [list(range(3, 9))]], device=device)
    out = host(m.rotate(q, pos))
    assert np.allclose(out[0], host(m.rotate(q[0])))
    assert np.allclose(out[1], host(m.rotate(q[1], offset=3)))


def test_rope_partial_rotary_and_apply_rotary(device):
    m = RotaryEmbedding(4, device=device).double()
    x = randn(3, 5, 10, device=device)
    y = host(m.rotate(x))
    assert np.allclose(y[..., 4:], host(x)[..., 4:])                      # passed through
    assert np.allclose(y[..., :4], rope_reference(host(x)[..., :4], range(5), 4))
    cos, sin = m.cos_sin(mt.arange(5, device=device))
    assert tuple(cos.shape) == (5, 4)
    assert np.allclose(host(cos), np.cos(np.arange(5)[:, None] * np.tile(host(m.inv_freq), 2)))
    q, k = randn(2, 5, 4, device=device), randn(2, 5, 4, device=device)
    aq, ak = apply_rotary(q, k, cos, sin)
    fq, fk = m(q, k)
    assert np.allclose(host(aq), host(fq)) and np.allclose(host(ak), host(fk))
    assert np.allclose(host(rotate_half(mt.tensor([1.0, 2.0, 3.0, 4.0]))), [-3, -4, 1, 2])


def test_rope_gradients(device):
    m = RotaryEmbedding(4, device=device).double()
    x = randn(2, 3, 6, device=device, requires_grad=True)
    assert gradcheck(lambda x: m.rotate(x, offset=2), (x,))
    assert gradgradcheck(lambda x: m.rotate(x) ** 2, (x,))
    # the rotation is orthogonal: the gradient of ½‖R x‖² is x
    x.grad = None
    (0.5 * (m.rotate(x) ** 2).sum()).backward()
    assert np.allclose(host(x.grad), host(x))


def test_rope_repr_and_errors():
    assert repr(RotaryEmbedding(64)) == "RotaryEmbedding(dim=64, base=10000.0)"
    with pytest.raises(ValueError, match="dim must be a positive even number, got 5"):
        RotaryEmbedding(5)
    m = RotaryEmbedding(8)
    with pytest.raises(RuntimeError, match=r"RotaryEmbedding\(dim=8\) got input of shape "
                                           r"\(3, 4\): expected \(..., L, d\) with d ≥ 8"):
        m.rotate(mt.zeros(3, 4))
    with pytest.raises(TypeError, match="positions must be integers, got mytorch.float32"):
        m.rotate(mt.zeros(3, 8), mt.zeros(3))
