"""Attention as one op: y = softmax(Q·Kᵀ·s + M)·V, the weights P = softmax(·) returned too.

    query (..., L, E), key (..., S, E), value (..., S, Ev) -> y (..., L, Ev), P (..., L, S)
    mask M: None, boolean (..., L, S) with True = may attend (False becomes −inf), or floats
    added to the scores. A query with nothing to attend to gets zero weights (not NaN).

Backward, with G = ∂L/∂y (and ∂L/∂P when the weights are used):

    ∂P = G·Vᵀ (+ ∂L/∂P)     ∂V = Pᵀ·G      ∂S = P ⊙ (∂P − Σ_S ∂P ⊙ P)   (softmax)
    ∂Q = ∂S·K·s             ∂K = ∂Sᵀ·Q·s

As for the recurrent scans, the op exists for speed: written in tensor ops (`attention_steps`
below, the definition) attention is half a dozen recorded ops and passes over the (L, S)
scores; here it is two matrix products and one softmax forward, four products back. The
hand-written backward runs when no graph of the gradient is being recorded; with
create_graph=True autograd differentiates `attention_steps` instead, so higher derivatives
stay exact.
"""
import math

from .indexing import masked_fill
from .arithmetic import logical_not
from .reduction import safe_softmax, safe_softmax_array
from ..autograd.function import Function, backward_by_autograd
from ..autograd.grad_mode import is_grad_enabled
from ..dtypes import bool as bool_
from ..tensor import _wrap


def attention_steps(query, key, value, mask, scale):
    """(softmax(Q·Kᵀ·s + M)·V, P) in tensor ops: the definition."""
    scores = (query * scale) @ key.transpose(-2, -1)
    if mask is not None:
        if mask.dtype is bool_:
            scores = masked_fill(scores, logical_not(mask), -math.inf)
        else:
            scores = scores + mask
    weights = safe_softmax(scores, -1)
    return weights @ value, weights


class Attention(Function):
    """(y, P) = attention(Q, K, V, M); see the module text for the gradient."""
    @staticmethod
    def forward(ctx, q, k, v, mask, scale):
        xp = ctx.xp
        ctx.scale = scale
        s = (q * scale) @ k.swapaxes(-1, -2)
        if mask is not None:
            if mask.dtype == bool:            # as 0 / −inf to add: a pass over the small mask,
                mask = xp.where(mask, 0.0, -math.inf).astype(s.dtype)   # not a where over s
            try:
                s += mask                     # in place: the scores are a new array
            except ValueError:                # the mask broadcasts to a larger shape than s
                s = s + mask
        p = safe_softmax_array(xp, s, -1)
        ctx.save_for_backward(q, k, v, p)
        ctx.set_materialize_grads(False)
        return p @ v, p

    @staticmethod
    def backward(ctx, g, g_p):
        q, k, v, p = ctx.saved_tensors
        need_q, need_k, need_v, need_mask = ctx.needs_input_grad[:4]
        if is_grad_enabled() or need_mask:          # a trainable float mask comes here too
            return backward_by_autograd(ctx, attention_steps, (g, g_p))
        xp, scale = ctx.xp, ctx.scale
        qa, ka, va, pa = q._data, k._data, v._data, p._data
        gp = 0 if g is None else g._data @ va.swapaxes(-1, -2)
        if g_p is not None:
            gp = gp + g_p._data
        gv = pa.swapaxes(-1, -2) @ g._data if need_v and g is not None else None
        gs = pa * (gp - (gp * pa).sum(axis=-1, keepdims=True))
        gs *= scale
        gq = gs @ ka if need_q else None
        gk = gs.swapaxes(-1, -2) @ qa if need_k else None
        wrap = lambda a: None if a is None else _wrap(a, ctx.device)     # noqa: E731
        return wrap(gq), wrap(gk), wrap(gv), None, None


def attention(query, key, value, mask=None, scale=None):
    """(softmax(Q·Kᵀ·scale + mask)·V, the weights), scale = 1/√E by default."""
    scale = 1.0 / math.sqrt(query.shape[-1]) if scale is None else float(scale)
    return Attention.apply(query, key, value, mask, scale)
