"""Op table rows: the CTC loss (mytorch/ops/ctc.py, nn.functional.ctc_loss).

The reference does not use the α/β recursions: it enumerates every alignment of a sequence's
T_n frames over the C classes (C^T_n of them, so the cases are tiny), collapses each (merge
repeats, then drop blanks), and adds the probabilities of those that spell the target, in
NumPy float64. The reductions are PyTorch's: 'mean' divides each loss by its target length
(at least 1) before averaging over the batch.

The gradient is checked on the log-probabilities as free inputs (finite differences), and
through a log_softmax of logits as PyTorch's tests do. gradgrad=False: ctc_loss, like
PyTorch's, is differentiable once (its backward computes on arrays and says so if
differentiated; tests/nn/test_ctc_loss.py checks the error).
"""
import itertools

import numpy as np

import mytorch.nn.functional as F
from .spec import OpSpec, Sample


def collapse(alignment, blank):
    """The labels an alignment spells: runs of one class merged, then blanks dropped."""
    merged = [c for i, c in enumerate(alignment) if i == 0 or c != alignment[i - 1]]
    return tuple(c for c in merged if c != blank)


def ctc_nll_ref(log_probs, target, blank):
    """−log Σ_{π spells target} Πₜ yₜ(πₜ) for one sequence: log_probs (T, C), target a tuple."""
    T, C = log_probs.shape
    total = 0.0
    for alignment in itertools.product(range(C), repeat=T):
        if collapse(alignment, blank) == target:
            total += np.exp(sum(log_probs[t, c] for t, c in enumerate(alignment)))
    return -np.log(total) if total > 0 else np.inf


def ctc_loss_ref(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean",
                 zero_infinity=False):
    batched = log_probs.ndim == 3
    if not batched:
        log_probs = log_probs[:, None]
    in_lengths = np.asarray(input_lengths).reshape(-1)
    tg_lengths = np.asarray(target_lengths).reshape(-1)
    targets = np.asarray(targets)
    offsets = np.cumsum(tg_lengths) - tg_lengths
    losses = []
    for n, (T_n, S_n) in enumerate(zip(in_lengths, tg_lengths)):
        target = targets[n, :S_n] if targets.ndim == 2 else targets[offsets[n]:offsets[n] + S_n]
        losses.append(ctc_nll_ref(log_probs[:T_n, n], tuple(int(c) for c in target), blank))
    losses = np.array(losses)
    if zero_infinity:
        losses = np.where(np.isinf(losses), 0.0, losses)
    if reduction == "mean":
        return np.mean(losses / np.maximum(tg_lengths, 1))
    if reduction == "sum":
        return np.sum(losses)
    return losses if batched else losses[0]


def log_softmax(x, axis=-1):
    m = x.max(axis=axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))


# (T, N, C), padded targets (N, S) (blank 0), input lengths, target lengths. Sequence 0 of the
# first case repeats a label ([2, 2]: it needs a blank between, 3 frames at least); the others
# have inputs shorter than T, a target of length 0 (only blanks) and padding beyond a target's
# length that is no valid label (-1: never read).
CASES = [
    ((4, 3, 3), [[2, 2, 0], [1, 2, 1], [1, 0, 0]], [4, 4, 3], [2, 3, 1]),
    ((5, 2, 4), [[3, 1, 3], [2, -1, -1]], [5, 3], [3, 1]),
    ((3, 3, 3), [[1, 1], [2, 0], [0, 0]], [3, 2, 1], [2, 1, 0]),
]


def _samples(concatenated=False, lengths_as=np.array, logits=False, **kwargs):
    def samples(rng):
        out = []
        for shape, targets, in_lengths, tg_lengths in CASES:
            x = rng.uniform(-2.0, 2.0, size=shape)
            targets = np.array(targets, np.int64)
            if kwargs.get("blank"):     # the blank's class becomes label 0, so none is blank
                targets = np.where(targets == kwargs["blank"], 0, targets)
            if concatenated:
                targets = np.concatenate([row[:s] for row, s in zip(targets, tg_lengths)])
            out.append(Sample((x if logits else log_softmax(x), targets,
                               lengths_as(in_lengths), lengths_as(tg_lengths)), kwargs))
        return out
    return samples


def _unbatched(rng):
    out = []
    for reduction in ("none", "mean"):
        lp = log_softmax(rng.uniform(-2.0, 2.0, size=(4, 3)))
        out.append(Sample((lp, np.array([1, 1], np.int64), np.array(4), np.array(2)),
                          {"reduction": reduction}))
    return out


def _impossible(rng):
    """Sequence 0 cannot be spelled: [1, 1] needs 3 frames and has 2."""
    lp = log_softmax(rng.uniform(-2.0, 2.0, size=(3, 2, 3)))
    return [Sample((lp, np.array([[1, 1], [2, 1]], np.int64), (2, 3), (2, 2)),
                   {"zero_infinity": True, "reduction": reduction}) for reduction in ("none",
                                                                                      "sum")]


def ctc_loss(log_probs, targets, input_lengths, target_lengths, **kwargs):
    return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, **kwargs)


def ctc_of_logits(logits, targets, input_lengths, target_lengths, **kwargs):
    return F.ctc_loss(F.log_softmax(logits, 2), targets, input_lengths, target_lengths, **kwargs)


def ctc_of_logits_ref(logits, *args, **kwargs):
    return ctc_loss_ref(log_softmax(logits, 2), *args, **kwargs)


REQUIRED = {"ctc_loss"}

# gradgrad=False throughout: differentiable once, as PyTorch's (see the module docstring)
SPECS = [
    OpSpec("ctc_loss[padded, none]", ctc_loss, ctc_loss_ref, _samples(reduction="none"),
           gradgrad=False),
    OpSpec("ctc_loss[padded, mean]", ctc_loss, ctc_loss_ref, _samples(), gradgrad=False),
    OpSpec("ctc_loss[concatenated, sum]", ctc_loss, ctc_loss_ref,
           _samples(concatenated=True, reduction="sum"), gradgrad=False),
    OpSpec("ctc_loss[concatenated, tuples, mean]", ctc_loss, ctc_loss_ref,
           _samples(concatenated=True, lengths_as=tuple), gradgrad=False),
    OpSpec("ctc_loss[blank=2, none]", ctc_loss, ctc_loss_ref,
           _samples(blank=2, reduction="none"), gradgrad=False),
    OpSpec("ctc_loss[unbatched]", ctc_loss, ctc_loss_ref, _unbatched, gradgrad=False),
    OpSpec("ctc_loss[zero_infinity]", ctc_loss, ctc_loss_ref, _impossible, gradgrad=False),
    OpSpec("ctc_loss[log_softmax of logits]", ctc_of_logits, ctc_of_logits_ref,
           _samples(logits=True, reduction="sum"), gradgrad=False),
]
