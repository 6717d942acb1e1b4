"""Connectionist temporal classification (Graves et al., 2006): the loss of a label sequence
l = (l₁ … l_S) under per-frame class log-probabilities log yₜ(c), (T, N, C), summed over every
alignment of the T frames to l.

An alignment π picks a class for each frame, the blank included; it spells l when merging
repeated classes and then dropping blanks gives l ("a--ab-" and "aa-b--" both spell "aab" only
with a blank between the two a's). With p(l) = Σ_{π spells l} Πₜ yₜ(πₜ):

    loss = −log p(l)

The sum over alignments is a dynamic programme over the extended labels l' = (blank, l₁, blank,
l₂, …, l_S, blank), 2S + 1 of them. α_t(s), the probability of the first t+1 frames ending on
l'_s, steps from s, s−1, or s−2 where l'_s ≠ l'_{s−2} (a skip over a blank, not allowed between
two equal labels):

    α_t(s) = y_t(l'_s) · (α_{t−1}(s) + α_{t−1}(s−1) + [l'_s ≠ l'_{s−2}]·α_{t−1}(s−2))
    p(l)   = α_{T−1}(2S) + α_{T−1}(2S−1)      (ending on the last blank or the last label)

Backward runs the same recursion from the end: β_t(s), the probability of frames t+1 … T−1
given position s at frame t (without y_t(l'_s), unlike PyTorch's β, so no −∞ − (−∞) arises
where some y is 0), steps to s, s+1, or s+2 where l'_{s+2} ≠ l'_s. Then α_t(s)·β_t(s)/p(l) is
γ_t(s), the posterior probability that frame t sits on l'_s (Σ_s γ_t(s) = 1 for every t), and
since each alignment through (t, s) has the factor y_t(l'_s) exactly once,

    ∂loss/∂log y_t(c) = −Σ_{s: l'_s = c} γ_t(s)

the gradient with log_probs as free inputs (finite differences agree). PyTorch's own kernel adds
y_t(c) to it, the extra term of the gradient with respect to logits when log_probs =
log_softmax(logits); through a log_softmax that term cancels, and both give the same gradient of
the logits. Everything runs in log space (logaddexp), vectorised over the batch and the
positions s, looping over time only. Each sequence n has its own input length T_n ≤ T and
target length S_n: frames from T_n on and positions past 2S_n are impossible (−∞) and get no
gradient. A sequence with no alignment (T_n too short for l, e.g. fewer frames than labels plus
the blanks needed between repeats) has loss +∞ and a NaN gradient, as in PyTorch;
zero_infinity=True makes both 0.

The gradient is computed on arrays by a second Function whose own backward raises, as
PyTorch's ctc_loss is differentiable once only.
"""
import operator

import numpy as np

from .common import constant, require_tensor
from .. import dtypes
from ..autograd.function import Function
from ..tensor import Tensor

_REDUCTIONS = ("mean", "sum", "none")


def _emissions(xp, log_probs, ext, label_lengths):
    """e[t, n, s] = log y_t(l'_s) of sequence n, (T, N, L); −∞ past its 2S_n + 1 positions."""
    rows = xp.arange(ext.shape[0])
    e = log_probs[:, rows[:, None], ext]
    inside = xp.arange(ext.shape[1])[None, :] < label_lengths[:, None]
    return xp.where(inside[None], e, -np.inf).astype(log_probs.dtype, copy=False)


def _skip_bias(xp, ext, dtype):
    """0 where a path may skip from l'_s to l'_{s+2} (they differ), −∞ where not; (N, L − 2)."""
    return xp.where(ext[:, 2:] != ext[:, :-2], 0.0, -np.inf).astype(dtype)


def _from_below(xp, a, skip):
    """log(a(s) + a(s−1) + [skip]·a(s−2)) for every s: the steps into s, forward in time."""
    out = a.copy()
    out[:, 1:] = xp.logaddexp(a[:, 1:], a[:, :-1])
    out[:, 2:] = xp.logaddexp(out[:, 2:], a[:, :-2] + skip)
    return out


def _from_above(xp, b, skip):
    """log(b(s) + b(s+1) + [skip]·b(s+2)) for every s: the steps out of s, backward in time."""
    out = b.copy()
    out[:, :-1] = xp.logaddexp(b[:, :-1], b[:, 1:])
    out[:, :-2] = xp.logaddexp(out[:, :-2], b[:, 2:] + skip)
    return out


class CTCLoss(Function):
    """The per-sequence losses −log p(lₙ), (N,), of log_probs (T, N, C); `ext` (N, L) holds the
    extended labels l' (padded with blanks), `input_lengths` T_n and `label_lengths`
    2S_n + 1 (device arrays of int64). The forward recursion α is kept for backward."""

    @staticmethod
    def forward(ctx, log_probs, ext, input_lengths, label_lengths, zero_infinity):
        xp = ctx.xp
        T, N, _ = log_probs.shape
        dtype = log_probs.dtype
        e = _emissions(xp, log_probs, ext, label_lengths)
        skip = _skip_bias(xp, ext, dtype)
        a = xp.full(ext.shape, -np.inf, dtype)
        a[:, 0] = 0                 # before the first frame: on the leading blank, probability 1
        alpha = xp.empty(e.shape, dtype)
        for t in range(T):
            # a sequence past its own length keeps its last α (read below, and as the end)
            a = xp.where((t < input_lengths)[:, None], e[t] + _from_below(xp, a, skip), a)
            alpha[t] = a
        rows = xp.arange(N)
        last = label_lengths - 1
        log_p = xp.logaddexp(a[rows, last], xp.where(last > 0, a[rows, last - 1], -np.inf))
        nll = -log_p
        ctx.ext, ctx.input_lengths, ctx.label_lengths = ext, input_lengths, label_lengths
        ctx.nll, ctx.zero_infinity = nll, zero_infinity
        ctx.save_for_backward(log_probs, alpha)
        return xp.where(xp.isinf(nll), 0.0, nll).astype(dtype) if zero_infinity else nll

    @staticmethod
    def backward(ctx, g):
        log_probs, alpha = ctx.saved_tensors
        grad = CTCLossBackward.apply(g, log_probs, alpha, ctx.ext, ctx.input_lengths,
                                     ctx.label_lengths, ctx.nll, ctx.zero_infinity)
        return grad, None, None, None, None


class CTCLossBackward(Function):
    """∂L/∂log y_t(c) of sequence n = −gₙ·Σ_{s: l'_s = c} γ_t(s), from the backward recursion β
    and the saved α; (T, N, C). NaN for a sequence with no alignment, 0 with zero_infinity.
    Not differentiable itself, as in PyTorch."""

    @staticmethod
    def forward(ctx, g, log_probs, alpha, ext, input_lengths, label_lengths, nll, zero_infinity):
        xp = ctx.xp
        T, N, C = log_probs.shape
        L = ext.shape[1]
        dtype = log_probs.dtype
        e = _emissions(xp, log_probs, ext, label_lengths)
        skip = _skip_bias(xp, ext, dtype)
        possible = xp.isfinite(nll)
        log_p = xp.where(possible, -nll, 0.0).astype(dtype)
        positions = xp.arange(L)[None, :]
        last = (label_lengths - 1)[:, None]
        end = xp.where((positions == last) | (positions == last - 1), 0.0, -np.inf).astype(dtype)
        b = xp.full(ext.shape, -np.inf, dtype)      # β_{t+1} + e_{t+1}: nothing after the end
        gamma = xp.empty(alpha.shape, dtype)
        for t in reversed(range(T)):
            beta = xp.where((t == input_lengths - 1)[:, None], end, _from_above(xp, b, skip))
            gamma[t] = xp.exp(alpha[t] + beta - log_p[:, None])
            b = beta + e[t]
        # Σ over the positions s with l'_s = c: a scatter-add into the flat (T, N, C) gradient
        where = ((xp.arange(T)[:, None, None] * N + xp.arange(N)[None, :, None]) * C + ext[None])
        grad = xp.zeros(T * N * C, dtype)
        ctx.device.backend.scatter_add(grad, where.reshape(-1), -gamma.reshape(-1))
        grad = grad.reshape(T, N, C) * g[None, :, None]
        if not zero_infinity:
            frames = xp.arange(T)[:, None] < input_lengths[None, :]
            grad = xp.where((frames & ~possible[None, :])[:, :, None], np.nan, grad).astype(dtype)
        return grad

    @staticmethod
    def backward(ctx, gg):
        raise RuntimeError("derivative for ctc_loss_backward is not implemented: ctc_loss is "
                           "differentiable once (as in PyTorch)")


# ---- the user-facing function: arguments checked as PyTorch checks them -----------------------

def _lengths(lengths, name):
    """input_lengths / target_lengths (a tensor of integers, a tuple or list of ints, or an int)
    as a host array of int64."""
    if isinstance(lengths, Tensor):
        if lengths._data.dtype.kind not in "iu":
            raise RuntimeError(f"{name} must be integral, got a tensor of dtype {lengths.dtype}")
        return np.asarray(lengths._device.backend.to_host(lengths._data), np.int64).reshape(-1)
    if isinstance(lengths, (int, np.integer)) and not isinstance(lengths, bool):
        return np.array([lengths], np.int64)
    try:
        return np.array([operator.index(v) for v in lengths], np.int64)
    except TypeError:
        raise TypeError(f"ctc_loss(): {name} must be a tensor of integers or a tuple of ints, "
                        f"got {type(lengths).__name__}") from None


def _padded_targets(targets, target_lengths, batch_size):
    """The targets of each sequence as one padded (N, max S) device array: a 2-D input cut to
    its needed columns, a 1-D (concatenated) one gathered by offsets."""
    xp = targets._device.xp
    data = targets._data
    longest = int(target_lengths.max())
    if data.ndim == 2:
        if data.shape[0] != batch_size:
            raise RuntimeError(f"ctc_loss(): Expected targets to have size {batch_size} (the batch "
                               f"size) at dimension 0, but got size {data.shape[0]}")
        if data.shape[1] < longest:
            raise RuntimeError(f"ctc_loss(): Expected targets to have size at least {longest} "
                               f"(the largest target length) at dimension 1, but got size "
                               f"{data.shape[1]}")
        return data[:, :longest]
    total = int(target_lengths.sum())
    if data.shape[0] != total:
        raise RuntimeError(f"ctc_loss(): Expected concatenated targets to have size {total} "
                           f"(the sum of target_lengths) at dimension 0, but got size "
                           f"{data.shape[0]}")
    offsets = np.cumsum(target_lengths) - target_lengths
    index = offsets[:, None] + np.arange(longest)[None, :]
    index = np.where(np.arange(longest)[None, :] < target_lengths[:, None], index, 0)
    return data[targets._device.backend.from_host(index)] if longest else \
        xp.zeros((batch_size, 0), data.dtype)


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean",
             zero_infinity=False):
    """The CTC loss (see the module docstring) of log_probs (T, N, C) or unbatched (T, C)
    against targets (N, S) padded or concatenated (sum(target_lengths),), with the lengths as
    tensors or tuples of ints. reduction='mean' divides each loss by its target length (at
    least 1) and averages over the batch; 'sum' adds them; 'none' gives them, (N,) (or ()
    unbatched). zero_infinity=True sets infinite losses (no alignment) and their gradients to 0."""
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    require_tensor(log_probs, "ctc_loss", "log_probs")
    require_tensor(targets, "ctc_loss", "targets")
    if log_probs._data.dtype.kind != "f":
        name = dtypes.SCALAR_TYPE_NAMES.get(str(log_probs._data.dtype), str(log_probs.dtype))
        raise NotImplementedError(f'"ctc_loss" not implemented for \'{name}\': log_probs must be '
                                  f'floating point')
    shape = tuple(log_probs.shape)
    if len(shape) not in (2, 3):
        raise RuntimeError(f"ctc_loss(): Expected log_probs of 3 dimensions (T, N, C) or 2 "
                           f"(T, C), but got a {len(shape)}-dimensional tensor of shape {shape}")
    batched = len(shape) == 3
    if targets.ndim not in (1, 2):
        raise RuntimeError(f"ctc_loss(): Expected targets of 1 to 2 dimensions (N, S) or "
                           f"(sum(target_lengths),), but got a {targets.ndim}-dimensional tensor")
    if log_probs.numel() == 0:
        raise RuntimeError(f"ctc_loss(): log_probs tensor must not be empty, got shape {shape}")
    lp = log_probs if batched else log_probs.unsqueeze(1)
    T, N, C = lp.shape
    if not 0 <= blank < C:
        raise RuntimeError(f"ctc_loss(): blank must be in label range [0, {C}), got {blank}")
    in_lengths = _lengths(input_lengths, "input_lengths")
    tg_lengths = _lengths(target_lengths, "target_lengths")
    for name, lengths in (("input_lengths", in_lengths), ("target_lengths", tg_lengths)):
        if lengths.size != N:
            raise RuntimeError(f"ctc_loss(): {name} must be of size batch_size ({N}), got "
                               f"{lengths.size}")
    if (tg_lengths < 0).any():
        raise RuntimeError(f"ctc_loss(): Expected target_lengths to have value at least 0, but "
                           f"got value {tg_lengths.min()}")
    if targets._device is not lp._device:
        targets = targets.to(lp.device)
    padded = _padded_targets(targets, tg_lengths, N)
    for bad, value in ((in_lengths < 0, "at least 0"), (in_lengths > T, f"at most {T}")):
        if bad.any():
            raise RuntimeError(f"ctc_loss(): Expected input_lengths to have value {value}, but "
                               f"got value {in_lengths[bad][0]}")

    backend, xp = lp._device.backend, lp._device.xp
    labels = padded.astype(np.int64)            # PyTorch casts targets to int64, floats too
    columns = xp.arange(labels.shape[1])[None, :]
    counts = backend.from_host(tg_lengths)
    if labels.size:
        used = xp.where(columns < counts[:, None], labels, blank)
        lo, hi = int(used.min()), int(used.max())
        if lo < 0 or hi >= C:
            raise IndexError(f"ctc_loss(): target labels must be in the range [0, {C}), got "
                             f"{lo if lo < 0 else hi}")
        labels = used
    ext = xp.full((N, 2 * labels.shape[1] + 1), blank, np.int64)
    ext[:, 1::2] = labels
    losses = CTCLoss.apply(lp, ext, backend.from_host(in_lengths),
                           backend.from_host(2 * tg_lengths + 1), bool(zero_infinity))
    if reduction == "mean":
        per_label = backend.from_host(np.maximum(tg_lengths, 1).astype(lp._data.dtype))
        return (losses / constant(per_label, lp._device)).mean()
    if reduction == "sum":
        return losses.sum()
    return losses if batched else losses.reshape(())
