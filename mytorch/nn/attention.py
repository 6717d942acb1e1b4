"""Attention layers: MultiheadAttention (as `torch.nn`), and the two classic scoring functions
as small modules that return their weights for plotting.

Attention reads values V at positions chosen by how well queries Q match keys K:

    weights = softmax(score(Q, K) + mask)        one distribution over keys per query
    output  = weights · V

    dot-product (Luong; Vaswani et al. scale it by 1/√E):   score = Q·Kᵀ/√E
    additive (Bahdanau):                                     score = vᵀ·tanh(Q·W_qᵀ + K·W_kᵀ)

Multi-head attention projects Q, K, V h times into E/h dimensions, attends in each head
separately, concatenates and projects back: heads look for different things at once.
"""
import math

from .. import ops
from ..dtypes import bool as bool_
from ..factories import empty, zeros
from . import functional as F
from . import init
from .linear import Linear
from .module import Module
from .parameter import Parameter


class DotProductAttention(Module):
    """softmax(Q·Kᵀ·scale + mask)·V, scale = 1/√E unless given; forward(query (..., L, E),
    key (..., S, E), value (..., S, Ev), mask=None) returns (output, weights (..., L, S)).
    mask: boolean True = may attend, or floats added to the scores."""

    def __init__(self, scale=None, dropout=0.0):
        super().__init__()
        self.scale = scale
        self.dropout = dropout

    def forward(self, query, key, value, mask=None):
        return F._attention(query, key, value, mask, self.dropout if self.training else 0.0,
                            self.scale)

    def extra_repr(self):
        return f"scale={self.scale}, dropout={self.dropout}"


class AdditiveAttention(Module):
    """Bahdanau et al. 2015: score(q, k) = vᵀ·tanh(q·W_qᵀ + k·W_kᵀ), weights = softmax over the
    keys; forward(query (..., L, Eq), key (..., S, Ek), value (..., S, Ev), mask=None) returns
    (output (..., L, Ev), weights (..., L, S))."""

    def __init__(self, query_dim, key_dim, hidden_dim, device=None, dtype=None):
        super().__init__()
        self.query_proj = Linear(query_dim, hidden_dim, bias=False, device=device, dtype=dtype)
        self.key_proj = Linear(key_dim, hidden_dim, bias=True, device=device, dtype=dtype)
        self.v = Linear(hidden_dim, 1, bias=False, device=device, dtype=dtype)

    def forward(self, query, key, value, mask=None):
        # (..., L, 1, H) + (..., 1, S, H): every query against every key
        hidden = ops.tanh(self.query_proj(query).unsqueeze(-2) + self.key_proj(key).unsqueeze(-3))
        scores = self.v(hidden).squeeze(-1)                          # (..., L, S)
        if mask is not None:
            scores = ops.masked_fill(scores, ops.logical_not(mask), -math.inf) \
                if mask.dtype is bool_ else scores + mask
        weights = ops.safe_softmax(scores, -1)
        return weights @ value, weights


class NonDynamicallyQuantizableLinear(Linear):
    """A Linear under the name PyTorch gives MultiheadAttention's output projection (so that
    reprs read the same)."""


def _float_mask(mask, like, name):
    """A boolean mask where True means *masked* (MultiheadAttention's convention) as floats
    to add (−inf where masked); float masks pass through."""
    if mask is None:
        return None
    if mask.dtype is bool_:
        return ops.masked_fill(zeros(tuple(mask.shape), dtype=like.dtype, device=like.device),
                               mask, -math.inf)
    if not mask.is_floating_point():
        raise TypeError(f"MultiheadAttention: only bool and floating types of {name} are "
                        f"supported, got {mask.dtype}")
    return mask.to(like.dtype)


class MultiheadAttention(Module):
    """Multi-head attention (Vaswani et al. 2017), PyTorch's signature and parameters:

        in_proj_weight (3E, E), in_proj_bias (3E)      Q, K, V projections stacked
        (or q_proj_weight, k_proj_weight (E, kdim), v_proj_weight (E, vdim) when kdim/vdim ≠ E)
        out_proj (Linear E -> E); bias_k, bias_v (1, 1, E) with add_bias_kv

    forward(query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
    average_attn_weights=True, is_causal=False) -> (output (L, N, E), weights (N, L, S), or
    (N, num_heads, L, S) with average_attn_weights=False, or None). batch_first: (N, L, E).
    Masks as PyTorch's: boolean True = *not allowed*; float masks are added. key_padding_mask
    (N, S); attn_mask (L, S) or (N·num_heads, L, S)."""

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False,
                 add_zero_attn=False, kdim=None, vdim=None, batch_first=False, device=None,
                 dtype=None):
        super().__init__()
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"embed_dim and num_heads must be greater than 0, got "
                             f"embed_dim={embed_dim} and num_heads={num_heads} instead")
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != embed_dim:
            raise AssertionError("embed_dim must be divisible by num_heads")
        kw = dict(device=device, dtype=dtype)
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(empty((3 * embed_dim, embed_dim), **kw))
            self.register_parameter("q_proj_weight", None)
            self.register_parameter("k_proj_weight", None)
            self.register_parameter("v_proj_weight", None)
        else:
            self.q_proj_weight = Parameter(empty((embed_dim, embed_dim), **kw))
            self.k_proj_weight = Parameter(empty((embed_dim, self.kdim), **kw))
            self.v_proj_weight = Parameter(empty((embed_dim, self.vdim), **kw))
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = Parameter(empty(3 * embed_dim, **kw))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, **kw)
        if add_bias_kv:
            self.bias_k = Parameter(empty((1, 1, embed_dim), **kw))
            self.bias_v = Parameter(empty((1, 1, embed_dim), **kw))
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self):
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            init.xavier_uniform_(self.q_proj_weight)
            init.xavier_uniform_(self.k_proj_weight)
            init.xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
            init.xavier_normal_(self.bias_v)

    def _project(self, query, key, value):
        """Q, K, V = the input projections (one matmul when query, key and value are one)."""
        E = self.embed_dim
        b = self.in_proj_bias
        bq, bk, bv = (None, None, None) if b is None else (b[:E], b[E:2 * E], b[2 * E:])
        if self._qkv_same_embed_dim:
            w = self.in_proj_weight
            if query is key and key is value:
                return F.linear(query, w, b).chunk(3, -1)
            wq, wk, wv = w[:E], w[E:2 * E], w[2 * E:]
        else:
            wq, wk, wv = self.q_proj_weight, self.k_proj_weight, self.v_proj_weight
        return F.linear(query, wq, bq), F.linear(key, wk, bk), F.linear(value, wv, bv)

    def forward(self, query, key, value, key_padding_mask=None, need_weights=True,
                attn_mask=None, average_attn_weights=True, is_causal=False):
        if is_causal and attn_mask is None:
            raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the "
                               "Transformer module method `generate_square_subsequent_mask` to "
                               "create this mask.")
        unbatched = query.ndim == 2
        if query.ndim not in (2, 3):
            raise AssertionError(f"query should be unbatched 2D or batched 3D tensor but received "
                                 f"{query.ndim}-D query tensor")
        if query.shape[-1] != self.embed_dim:
            raise AssertionError(f"was expecting embedding dimension of {self.embed_dim}, but got "
                                 f"{query.shape[-1]}")
        same = query is key and key is value
        if tuple(key.shape[:-1]) != tuple(value.shape[:-1]):
            raise AssertionError(f"key shape {tuple(key.shape)} does not match value shape "
                                 f"{tuple(value.shape)}: they need the same length and batch")
        if unbatched:
            query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
            if key_padding_mask is not None:
                key_padding_mask = key_padding_mask.unsqueeze(0)
        elif self.batch_first:
            query, key, value = (x.transpose(0, 1) for x in (query, key, value))
        if same:
            key = value = query
        L, N, E = query.shape
        H, d = self.num_heads, self.head_dim
        q, k, v = self._project(query, key, value)
        mask = _float_mask(attn_mask, q, "attn_mask")
        padding = _float_mask(key_padding_mask, q, "key_padding_mask")
        if self.bias_k is not None:
            k = ops.cat([k, self.bias_k.expand((1, N, E))], 0)
            v = ops.cat([v, self.bias_v.expand((1, N, E))], 0)
            mask = None if mask is None else F.pad(mask, (0, 1))
            padding = None if padding is None else F.pad(padding, (0, 1))
        if self.add_zero_attn:
            k = ops.cat([k, zeros((1, N, E), dtype=k.dtype, device=k.device)], 0)
            v = ops.cat([v, zeros((1, N, E), dtype=v.dtype, device=v.device)], 0)
            mask = None if mask is None else F.pad(mask, (0, 1))
            padding = None if padding is None else F.pad(padding, (0, 1))
        S = k.shape[0]
        # (T, N, E) -> (N, H, T, d)
        heads = lambda x, T: x.reshape(T, N, H, d).permute(1, 2, 0, 3)     # noqa: E731
        q, k, v = heads(q, L), heads(k, S), heads(v, S)
        if mask is not None:
            if mask.ndim == 2:
                if tuple(mask.shape) != (L, S):
                    raise RuntimeError(f"The shape of the 2D attn_mask is {tuple(mask.shape)}, but "
                                       f"should be {(L, S)}.")
            elif mask.ndim != 3:
                raise RuntimeError(f"attn_mask's dimension {mask.ndim} is not supported: expected "
                                   f"a 2D ({L}, {S}) or 3D ({N * H}, {L}, {S}) mask")
            elif tuple(mask.shape) == (N * H, L, S):
                mask = mask.reshape(N, H, L, S)
            else:
                raise RuntimeError(f"The shape of the 3D attn_mask is {tuple(mask.shape)}, but "
                                   f"should be {(N * H, L, S)}.")
        if padding is not None:
            if tuple(padding.shape) != (N, S):
                raise AssertionError(f"expecting key_padding_mask shape of {(N, S)}, but got "
                                     f"{tuple(padding.shape)}")
            padding = padding.reshape(N, 1, 1, S)
            mask = padding if mask is None else mask + padding
        out, weights = F._attention(q, k, v, mask, self.dropout if self.training else 0.0)
        out = out.permute(2, 0, 1, 3).reshape(L, N, E)                 # heads concatenated
        out = self.out_proj(out)
        if unbatched:
            out = out.squeeze(1)
        elif self.batch_first:
            out = out.transpose(0, 1)
        if not need_weights:
            return out, None
        if average_attn_weights:
            weights = weights.mean(1)
        return out, (weights.squeeze(0) if unbatched else weights)
