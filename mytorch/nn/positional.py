"""Positional information for attention, which by itself sees a set, not a sequence.

Two families. Absolute encodings are added to the token embeddings before the first layer:

    SinusoidalPositionalEncoding   fixed sines and cosines (Vaswani et al. 2017)
    LearnedPositionalEmbedding     one learned vector per position (BERT, GPT-2)

Relative ones act inside attention and depend only on the offset j − i between the query at
position i and the key at position j:

    RelativePositionBias   a learned bias per head and log-spaced bucket of j − i (T5)
    ALiBi                  a fixed bias −slope·|i − j|, one slope per head (Press et al. 2022)
    RotaryEmbedding        rotates queries and keys by position-dependent angles, so that
                           q·k depends on j − i (RoPE, Su et al. 2021)

The two biases return (heads, L, S) float tensors to add to the attention scores: pass them as
the float `attn_mask` of `F.scaled_dot_product_attention` (which broadcasts them over the
batch). The offset arguments place a chunk of L queries after `offset` earlier positions, as in
decoding with a key/value cache.

Position tables are built on the module's device with mytorch ops; nothing here computes on
host arrays.
"""
import math

from .. import ops
from ..dtypes import float32, float64, int64
from ..factories import arange, tensor
from . import functional as F
from .module import Module
from .sparse import Embedding


def _check_features(module, x, d_model):
    if x.ndim not in (2, 3) or x.shape[-1] != d_model:
        raise RuntimeError(f"{type(module).__name__}(d_model={d_model}) got input of shape "
                           f"{tuple(x.shape)}: expected (L, {d_model}), or (L, N, {d_model}) "
                           f"(N, L, {d_model} with batch_first=True)")


def _seq_len(x, batch_first):
    return x.shape[1] if x.ndim == 3 and batch_first else x.shape[0]


def _check_length(module, length, offset, max_len):
    if offset < 0 or offset + length > max_len:
        raise RuntimeError(f"{type(module).__name__}(max_len={max_len}) got a sequence of "
                           f"length {length} at offset {offset}: positions up to "
                           f"{offset + length - 1}, but the table holds 0 … {max_len - 1}")


def _add_rows(x, rows, batch_first):
    """x + rows, with rows (L, E) the positions' vectors, on the sequence dimension of x."""
    if x.ndim == 3 and not batch_first:
        rows = rows.unsqueeze(1)                                  # (L, 1, E) against (L, N, E)
    return x + rows


class SinusoidalPositionalEncoding(Module):
    """x + PE[offset : offset + L], then dropout (Vaswani et al. 2017, section 3.5):

        PE(pos, 2i)     = sin(pos / 10000^(2i/d_model))
        PE(pos, 2i + 1) = cos(pos / 10000^(2i/d_model))

    Each pair of features is a clock of its own period (2π … 10000·2π), so PE(pos + k) is a
    fixed linear function (a rotation) of PE(pos), which lets attention find relative offsets.

    Shapes: input (L, N, d_model), or (N, L, d_model) with batch_first=True, or unbatched
    (L, d_model); output the same. forward(x, offset=0): the first position is `offset`.

    The table PE (max_len, d_model) is the buffer `pe`, non-persistent: it is a function of
    the constructor's arguments, so it stays out of the state dict (checkpoints do not carry
    it and load whatever max_len is chosen); it still moves with `to()` and `double()`.
    """

    def __init__(self, d_model, max_len=5000, dropout=0.0, batch_first=False, device=None,
                 dtype=None):
        super().__init__()
        self.d_model = d_model
        self.max_len = max_len
        self.dropout = dropout
        self.batch_first = batch_first
        pos = arange(max_len, dtype=float64, device=device).unsqueeze(1)       # (max_len, 1)
        col = arange(d_model, device=device)                                   # (d_model,)
        exponent = (col - col % 2).to(float64) / d_model                       # 2i/d
        angle = pos / 10000.0 ** exponent
        pe = ops.where(col % 2 == 0, ops.sin(angle), ops.cos(angle))
        self.register_buffer("pe", pe.to(dtype or float32), persistent=False)

    def forward(self, x, offset=0):
        _check_features(self, x, self.d_model)
        length = _seq_len(x, self.batch_first)
        _check_length(self, length, offset, self.max_len)
        x = _add_rows(x, self.pe[offset:offset + length].to(x.dtype), self.batch_first)
        return F.dropout(x, self.dropout, self.training)

    def extra_repr(self):
        return (f"{self.d_model}, max_len={self.max_len}, dropout={self.dropout}, "
                f"batch_first={self.batch_first}")


class LearnedPositionalEmbedding(Module):
    """x + P[offset : offset + L], then dropout, with P an `Embedding(max_len, d_model)` of
    positions (BERT, GPT-2): learned like token embeddings, and blind to positions ≥ max_len.

    Shapes: input (L, N, d_model), or (N, L, d_model) with batch_first=True, or unbatched
    (L, d_model); output the same. forward(x, offset=0): the first position is `offset`.
    Parameter: embedding.weight (max_len, d_model), initialised N(0, 1) as nn.Embedding.
    """

    def __init__(self, max_len, d_model, dropout=0.0, batch_first=False, device=None,
                 dtype=None):
        super().__init__()
        self.max_len = max_len
        self.d_model = d_model
        self.dropout = dropout
        self.batch_first = batch_first
        self.embedding = Embedding(max_len, d_model, device=device, dtype=dtype)

    def forward(self, x, offset=0):
        _check_features(self, x, self.d_model)
        length = _seq_len(x, self.batch_first)
        _check_length(self, length, offset, self.max_len)
        positions = arange(offset, offset + length, device=x.device)
        x = _add_rows(x, self.embedding(positions), self.batch_first)
        return F.dropout(x, self.dropout, self.training)

    def extra_repr(self):
        return (f"max_len={self.max_len}, d_model={self.d_model}, dropout={self.dropout}, "
                f"batch_first={self.batch_first}")


def _relative_positions(query_length, key_length, offset, device):
    """(L, S) int64: j − i for the query at position offset + i and the key at position j."""
    keys = arange(key_length, device=device)
    queries = arange(offset, offset + query_length, device=device)
    return keys.unsqueeze(0) - queries.unsqueeze(1)


def relative_position_bucket(relative_position, bidirectional=True, num_buckets=32,
                             max_distance=128):
    """T5's bucket of each relative position r = j − i (key minus query), an int64 tensor of
    the same shape (Raffel et al. 2020; the function of mesh-tensorflow and HF transformers).

    bidirectional: half the buckets for r > 0 (keys after the query, offset by num_buckets/2),
    half for r ≤ 0, and n = |r|; otherwise (causal) n = max(−r, 0), all buckets for the past.
    Of the B buckets of a side, the first B/2 hold n = 0 … B/2 − 1 exactly; the rest are spaced
    logarithmically up to max_distance, and every n beyond it shares the last bucket:

        bucket(n) = n                                                        n < B/2
                  = min(B/2 + ⌊log(n / (B/2)) / log(max_distance / (B/2)) · B/2⌋, B − 1)

    computed in float32, as T5 does, so that the boundaries fall where T5's do.
    """
    r = relative_position
    bucket = 0
    if bidirectional:
        num_buckets //= 2
        bucket = (r > 0).to(int64) * num_buckets
        n = ops.abs(r)
    else:
        n = -ops.clamp(r, max=0)
    max_exact = num_buckets // 2
    # clamped below at max_exact only to keep log(0) out: those n take the exact branch
    far = ops.clamp(n, min=max_exact).to(float32) / max_exact
    log_bucket = (ops.log(far) / math.log(max_distance / max_exact)
                  * (num_buckets - max_exact)).to(int64)
    large = ops.clamp(max_exact + log_bucket, max=num_buckets - 1)
    return bucket + ops.where(n < max_exact, n, large)


class RelativePositionBias(Module):
    """T5's relative position bias: one learned scalar per head and bucket of j − i,

        bias[h, i, j] = W[bucket(j − (offset + i)), h]          (see relative_position_bucket)

    added to the attention scores of every layer (T5 computes it in the first layer and shares
    it). Exact for nearby keys, log-spaced further away, one bucket for all beyond max_distance.

    forward(query_length, key_length=None, offset=0) -> (n_heads, L, S), S = key_length (L if
    not given); queries sit at positions offset … offset + L − 1, keys at 0 … S − 1.
    Parameter: relative_attention_bias.weight (num_buckets, n_heads), nn.Embedding's N(0, 1).
    """

    def __init__(self, n_heads, num_buckets=32, max_distance=128, bidirectional=True,
                 device=None, dtype=None):
        super().__init__()
        self.n_heads = n_heads
        self.num_buckets = num_buckets
        self.max_distance = max_distance
        self.bidirectional = bidirectional
        self.relative_attention_bias = Embedding(num_buckets, n_heads, device=device,
                                                 dtype=dtype)

    def forward(self, query_length, key_length=None, offset=0):
        key_length = query_length if key_length is None else key_length
        weight = self.relative_attention_bias.weight
        buckets = relative_position_bucket(
            _relative_positions(query_length, key_length, offset, weight.device),
            self.bidirectional, self.num_buckets, self.max_distance)
        return self.relative_attention_bias(buckets).permute(2, 0, 1)       # (H, L, S)

    def extra_repr(self):
        return (f"n_heads={self.n_heads}, num_buckets={self.num_buckets}, "
                f"max_distance={self.max_distance}, bidirectional={self.bidirectional}")


def alibi_slopes(n_heads):
    """Press et al.'s head slopes: the geometric sequence 2^(−8/n), 2^(−16/n), …, 2^(−8) for n
    a power of two; otherwise those of the largest power of two p < n, followed by every other
    slope of 2p heads (2^(−4/p), 2^(−12/p), …) until there are n (the authors' code)."""
    def power_of_two(n):
        return [2.0 ** (-8.0 * h / n) for h in range(1, n + 1)]

    if n_heads & (n_heads - 1) == 0:
        return power_of_two(n_heads)
    p = 2 ** int(math.floor(math.log2(n_heads)))
    return power_of_two(p) + alibi_slopes(2 * p)[0::2][:n_heads - p]


class ALiBi(Module):
    """Attention with Linear Biases (Press et al. 2022): no position embeddings; each head h
    penalises distance linearly with its own fixed slope m_h (see alibi_slopes),

        bias[h, i, j] = −m_h · |(offset + i) − j|                      causal=False
        bias[h, i, j] = −m_h · ((offset + i) − j)   for j ≤ offset + i,  causal=True
                      = −inf                        for j > offset + i   (the future: masked)

    Heads with small slopes see far, heads with large slopes see near; lengths beyond those
    trained on extrapolate gracefully. The causal form is also the causal mask.

    forward(query_length, key_length=None, offset=0) -> (n_heads, L, S), S = key_length (L if
    not given). Buffer `slopes` (n_heads,), non-persistent (a function of n_heads).
    """

    def __init__(self, n_heads, causal=False, device=None, dtype=None):
        super().__init__()
        self.n_heads = n_heads
        self.causal = causal
        self.register_buffer("slopes", tensor(alibi_slopes(n_heads), dtype=dtype or float32,
                                              device=device), persistent=False)

    def forward(self, query_length, key_length=None, offset=0):
        key_length = query_length if key_length is None else key_length
        slopes = self.slopes
        back = -_relative_positions(query_length, key_length, offset, slopes.device)  # i − j
        distance = back if self.causal else ops.abs(back)
        bias = slopes.reshape(-1, 1, 1) * (-distance).to(slopes.dtype)     # no −0.0 at j = i
        if self.causal:
            bias = ops.masked_fill(bias, back < 0, -math.inf)
        return bias

    def extra_repr(self):
        return f"n_heads={self.n_heads}, causal={self.causal}"


def rotate_half(x):
    """(x₁, x₂) -> (−x₂, x₁) for the two halves of the last dimension: in the half-split
    pairing (feature k with feature k + d/2) this is multiplication by i."""
    half = x.shape[-1] // 2
    return ops.cat([-x[..., half:], x[..., :half]], -1)


def _apply_rotary(x, cos, sin):
    r = cos.shape[-1]
    if r == x.shape[-1]:
        return x * cos + rotate_half(x) * sin
    rotated = x[..., :r]
    return ops.cat([rotated * cos + rotate_half(rotated) * sin, x[..., r:]], -1)


def apply_rotary(q, k, cos, sin):
    """(q·cos + rotate_half(q)·sin, k·cos + rotate_half(k)·sin): q, k (..., L, d); cos, sin
    (..., L, r) from RotaryEmbedding.cos_sin, broadcasting against them. With r < d only the
    first r features are rotated and the rest pass through (GPT-NeoX's partial rotary)."""
    return _apply_rotary(q, cos, sin), _apply_rotary(k, cos, sin)


class RotaryEmbedding(Module):
    """Rotary position embedding (RoPE, Su et al. 2021), in the half-split convention of
    GPT-NeoX and LLaMA: feature k is paired with feature k + dim/2 (not with k + 1, as in the
    interleaved convention of the paper and GPT-J), and the pair at position m is rotated by
    the angle m·θ_k, θ_k = base^(−2k/dim), k = 0 … dim/2 − 1:

        x'_k          = x_k · cos(mθ_k) − x_{k+dim/2} · sin(mθ_k)
        x'_{k+dim/2}  = x_{k+dim/2} · cos(mθ_k) + x_k · sin(mθ_k)

    Rotations keep norms, and R_mᵀR_n = R_{n−m}, so ⟨R_m q, R_n k⟩ = ⟨q, R_{n−m} k⟩ depends
    on the positions only through n − m: relative position, inside the dot product.

    rotate(x, positions=None, offset=0): x (..., L, d), d ≥ dim (features beyond dim pass
    through); positions: integer tensor broadcasting against x.shape[:-1] (e.g. (L,), or
    (N, 1, L) for x (N, H, L, d)); default offset … offset + L − 1 (decoding with a cache).
    forward(q, k, positions=None, offset=0) -> (rotated q, rotated k), each by its own length
    when positions is None. cos_sin(positions) -> (cos, sin) for apply_rotary.
    Buffer `inv_freq` (dim/2,) = θ, non-persistent (a function of dim and base).
    """

    def __init__(self, dim, base=10000.0, device=None, dtype=None):
        super().__init__()
        if dim <= 0 or dim % 2:
            raise ValueError(f"RotaryEmbedding: dim must be a positive even number, got {dim}")
        self.dim = dim
        self.base = base
        k = arange(0, dim, 2, dtype=float64, device=device)
        self.register_buffer("inv_freq", (1.0 / base ** (k / dim)).to(dtype or float32),
                             persistent=False)

    def cos_sin(self, positions, dtype=None):
        """cos(m·θ), sin(m·θ), each (..., dim) for positions m (...), θ repeated for both
        halves; computed in inv_freq's dtype (float32 unless the module was made double)."""
        angles = positions.to(self.inv_freq.dtype).unsqueeze(-1) * self.inv_freq
        angles = ops.cat([angles, angles], -1)
        cos, sin = ops.cos(angles), ops.sin(angles)
        return (cos, sin) if dtype is None else (cos.to(dtype), sin.to(dtype))

    def _positions(self, x, positions, offset):
        if x.ndim < 2 or x.shape[-1] < self.dim:
            raise RuntimeError(f"RotaryEmbedding(dim={self.dim}) got input of shape "
                               f"{tuple(x.shape)}: expected (..., L, d) with d ≥ {self.dim}")
        if positions is None:
            return arange(offset, offset + x.shape[-2], device=x.device)
        if positions.dtype.is_floating_point:
            raise TypeError(f"RotaryEmbedding: positions must be integers, got {positions.dtype}")
        return positions

    def rotate(self, x, positions=None, offset=0):
        cos, sin = self.cos_sin(self._positions(x, positions, offset), x.dtype)
        return _apply_rotary(x, cos, sin)

    def forward(self, q, k, positions=None, offset=0):
        return self.rotate(q, positions, offset), self.rotate(k, positions, offset)

    def extra_repr(self):
        return f"dim={self.dim}, base={self.base}"
