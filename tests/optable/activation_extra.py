"""Op table rows: hardshrink, softshrink, rrelu, threshold, the in-place activations (each run on
a copy, `x * 1.0`, so the row's input stays a leaf), alpha dropout, pdist and the margin losses
(multi_margin, multilabel_margin, multilabel_soft_margin, soft_margin,
triplet_margin_with_distance).

The random rows draw from a fresh `Generator(x.device).manual_seed(0)` on every call, so each
finite difference sees the same draws: rrelu in training with lower == upper has a reference
(every slope is that number); the others (random slopes, dropout masks) are checked for
gradients here and for their values in tests/nn/test_activations_losses_extra.py. The hinge
losses' samples keep every hinge argument 0.1 or more from its kink.
"""
import math

import numpy as np

import mytorch as mt
import mytorch.nn.functional as F
from .spec import OpSpec, Sample, away_from, uniform

SHAPES = [(), (5,), (2, 3)]
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _samples(make, **kwargs):
    def samples(rng):
        return [Sample((make(rng, s),), kwargs) for s in SHAPES]
    return samples


def _away(*points):
    return lambda rng, s: away_from(rng, s, points)


def _seeded(x):
    return mt.Generator(x.device).manual_seed(0)


# ---- references ------------------------------------------------------------------------------

def leaky_ref(x, slope):
    return np.where(x > 0, x, slope * x)


def elu_ref(x, alpha=1.0, scale=1.0, beta=1.0):
    return np.where(x > 0, scale * x, scale * alpha * np.expm1(beta * x))


def multi_margin_ref(x, y, p=1, margin=1.0, weight=None, reduction="mean"):
    x2 = x.reshape(-1, x.shape[-1])
    losses = []
    for row, t in zip(x2, np.reshape(y, -1)):
        total = sum(max(0.0, margin - row[t] + row[i]) ** p for i in range(len(row)) if i != t)
        losses.append(total * (1.0 if weight is None else weight[t]) / len(row))
    return _reduced(np.reshape(losses, np.shape(y)), reduction)


def multilabel_margin_ref(x, y, reduction="mean"):
    x2, y2 = x.reshape(-1, x.shape[-1]), y.reshape(-1, x.shape[-1])
    losses = []
    for row, labels in zip(x2, y2):
        listed = []
        for t in labels:
            if t == -1:
                break
            listed.append(t)
        others = [i for i in range(len(row)) if i not in listed]
        losses.append(sum(max(0.0, 1 - (row[j] - row[i])) for j in listed for i in others)
                      / len(row))
    losses = np.array(losses) if x.ndim == 2 else np.array(losses[0])
    return _reduced(losses, reduction)


def _reduced(loss, reduction):
    return {"none": loss, "mean": np.mean(loss), "sum": np.sum(loss)}[reduction]


def _log_sigmoid(z):
    return -np.logaddexp(0, -z)


def multilabel_soft_margin_ref(x, y, weight=None, reduction="mean"):
    loss = -(y * _log_sigmoid(x) + (1 - y) * _log_sigmoid(-x))
    if weight is not None:
        loss = loss * weight
    return _reduced(loss.mean(-1), reduction)


def pdist_ref(x, p=2):
    n = x.shape[0]
    return np.array([np.linalg.norm(x[i] - x[j], ord=p) for i in range(n)
                     for j in range(i + 1, n)])


def _cosine_distance(a, b):
    return 1 - F.cosine_similarity(a, b, dim=-1)


def _cosine_distance_ref(a, b):
    return 1 - (a * b).sum(-1) / (np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1))


def _pairwise_ref(a, b):
    return np.linalg.norm(a - b + 1e-6, axis=-1)


def triplet_ref(distance, margin=1.0, swap=False, reduction="mean"):
    def ref(a, p, n):
        d_neg = distance(a, n)
        if swap:
            d_neg = np.minimum(d_neg, distance(p, n))
        return _reduced(np.maximum(margin + distance(a, p) - d_neg, 0), reduction)
    return ref


# ---- samples away from the kinks --------------------------------------------------------------

def _redraw(rng, draw, kinks):
    """draw(rng) again until every value kinks(*arrays) is 0.1 or more from 0."""
    while True:
        arrays = draw(rng)
        if np.all(np.abs(kinks(*arrays)) >= 0.1):
            return arrays


def _multi_margin_samples(rng):
    def case(shape, margin, **kwargs):
        c = shape[-1]
        y = rng.integers(0, c, size=shape[:-1])

        def kinks(x):
            x2, t = x.reshape(-1, c), y.reshape(-1)
            return margin - x2[np.arange(len(t)), t][:, None] + x2
        x, = _redraw(rng, lambda r: (r.uniform(-2, 2, size=shape),), kinks)
        return (x, y), dict(margin=margin, **kwargs)
    return [Sample(*case(shape, margin, **kwargs)) for shape, margin, kwargs in
            [((4, 5), 1.0, {}), ((3, 4), 0.7, dict(p=2)), ((5,), 0.5, {}),
             ((3, 4), 1.0, dict(reduction="sum")), ((2, 3), 0.6, dict(p=2, reduction="none"))]]


def _multi_margin_weighted(rng):
    x, y = _multi_margin_samples(rng)[1].args
    return [Sample((x, y, rng.uniform(0.5, 2.0, size=x.shape[-1])), dict(p=2, margin=0.7))]


def _multilabel_samples(rng):
    def case(labels, reduction="mean"):
        y = np.array(labels)
        c = y.shape[-1]
        x, = _redraw(rng, lambda r: (r.uniform(-2, 2, size=y.shape),),
                     lambda x: 1 - x.reshape(-1, c)[:, :, None] + x.reshape(-1, c)[:, None, :])
        return Sample((x, y), dict(reduction=reduction))
    return [case([[3, 0, -1, 1], [1, 2, 1, -1], [-1, 0, 0, 0]]),
            case([[2, 1, 0, 4, -1], [4, -1, 3, 3, 3]], "none"),
            case([0, 2, -1]),
            case([[1, 0, 2], [2, -1, 1]], "sum")]


def _triplet_samples(distance, margin=1.0, swap=False, **kwargs):
    def samples(rng):
        def kinks(a, p, n):
            d_neg = distance(a, n)
            if swap:
                d_neg = np.minimum(d_neg, distance(p, n))
            return margin + distance(a, p) - d_neg
        return [Sample(_redraw(rng, lambda r: tuple(r.normal(size=shape) for _ in range(3)), kinks),
                       kwargs) for shape in [(5, 4), (4,)]]
    return samples


def _inplace(op, *args, **kwargs):
    return lambda x: op(x * 1.0, *args, **kwargs)


REQUIRED = {"hardshrink", "softshrink", "rrelu", "threshold", "alpha_dropout",
            "feature_alpha_dropout", "relu_", "elu_", "leaky_relu_", "selu_", "celu_",
            "hardtanh_", "threshold_", "rrelu_", "pdist", "multi_margin_loss",
            "multilabel_margin_loss", "multilabel_soft_margin_loss", "soft_margin_loss",
            "triplet_margin_with_distance_loss"}

SPECS = [
    OpSpec("hardshrink", lambda x: mt.hardshrink(x, 0.7),
           lambda x: np.where(np.abs(x) > 0.7, x, 0), _samples(_away(-0.7, 0.7))),
    OpSpec("softshrink", lambda x: F.softshrink(x, 0.4),
           lambda x: np.where(x > 0.4, x - 0.4, np.where(x < -0.4, x + 0.4, 0)),
           _samples(_away(-0.4, 0.4))),
    OpSpec("rrelu[eval]", lambda x: mt.rrelu(x, 0.1, 0.3), lambda x: leaky_ref(x, 0.2),
           _samples(_away(0.0))),
    OpSpec("rrelu[training, lower=upper]",
           lambda x: mt.rrelu(x, 0.25, 0.25, True, generator=_seeded(x)),
           lambda x: leaky_ref(x, 0.25), _samples(_away(0.0))),
    OpSpec("rrelu[training]", lambda x: mt.rrelu(x, 0.1, 0.6, True, generator=_seeded(x)), None,
           _samples(_away(0.0))),
    OpSpec("threshold", lambda x: mt.threshold(x, 0.3, -2.0),
           lambda x: np.where(x > 0.3, x, -2.0), _samples(_away(0.3))),
    OpSpec("alpha_dropout", lambda x: mt.alpha_dropout(x, 0.3, True, generator=_seeded(x)),
           None, _samples(uniform)),
    OpSpec("feature_alpha_dropout",
           lambda x: mt.feature_alpha_dropout(x, 0.5, True, generator=_seeded(x)), None,
           lambda rng: [Sample((rng.uniform(-2, 2, size=s),)) for s in [(3, 4), (2, 3, 2, 2)]]),
    # the in-place forms: their backward reads the output or a mask, never the overwritten x
    OpSpec("relu_", _inplace(mt.relu_), lambda x: np.maximum(x, 0), _samples(_away(0.0))),
    OpSpec("elu_", _inplace(F.elu_, 1.3), lambda x: elu_ref(x, 1.3), _samples(_away(0.0))),
    OpSpec("elu_[negative alpha]", _inplace(F.elu_, -0.5), lambda x: elu_ref(x, -0.5),
           _samples(_away(0.0))),
    OpSpec("selu_", _inplace(mt.selu_), lambda x: elu_ref(x, _SELU_ALPHA, _SELU_SCALE),
           _samples(_away(0.0))),
    OpSpec("celu_", _inplace(mt.celu_, 0.7), lambda x: elu_ref(x, 0.7, 1.0, 1 / 0.7),
           _samples(_away(0.0))),
    OpSpec("leaky_relu_", _inplace(F.leaky_relu_, 0.2), lambda x: leaky_ref(x, 0.2),
           _samples(_away(0.0))),
    OpSpec("leaky_relu_[negative slope]", _inplace(F.leaky_relu_, -0.5),
           lambda x: leaky_ref(x, -0.5), _samples(_away(0.0))),
    OpSpec("hardtanh_", _inplace(F.hardtanh_, -0.5, 1.0), lambda x: np.clip(x, -0.5, 1.0),
           _samples(_away(-0.5, 1.0))),
    OpSpec("threshold_", _inplace(mt.threshold_, 0.3, 5.0), lambda x: np.where(x > 0.3, x, 5.0),
           _samples(_away(0.3))),
    OpSpec("rrelu_", _inplace(mt.rrelu_, 0.1, 0.3), lambda x: leaky_ref(x, 0.2),
           _samples(_away(0.0))),
    OpSpec("rrelu_[training]", lambda x: mt.rrelu_(x * 1.0, 0.1, 0.6, True,
                                                   generator=_seeded(x)), None,
           _samples(_away(0.0))),
    # distances and losses
    OpSpec("pdist", lambda x, **kw: mt.pdist(x, **kw), pdist_ref,
           lambda rng: [Sample((rng.uniform(-2, 2, size=(4, 3)),), dict(p=p))
                        for p in (2, 1, 3.5, math.inf)] + [Sample((rng.normal(size=(2, 5)),))]),
    OpSpec("multi_margin_loss", F.multi_margin_loss, multi_margin_ref, _multi_margin_samples),
    OpSpec("multi_margin_loss[weight]",
           lambda x, y, w, **kw: F.multi_margin_loss(x, y, weight=w, **kw),
           lambda x, y, w, **kw: multi_margin_ref(x, y, weight=w, **kw), _multi_margin_weighted),
    OpSpec("multilabel_margin_loss", F.multilabel_margin_loss, multilabel_margin_ref,
           _multilabel_samples),
    OpSpec("multilabel_soft_margin_loss", F.multilabel_soft_margin_loss,
           multilabel_soft_margin_ref,
           lambda rng: [Sample((rng.normal(size=(3, 4)), rng.integers(0, 2, (3, 4)) * 1.0)),
                        Sample((rng.normal(size=(3, 4)), rng.integers(0, 2, (3, 4)) * 1.0,
                                rng.uniform(0.5, 2, 4)), dict(reduction="sum")),
                        Sample((rng.normal(size=5), rng.integers(0, 2, 5) * 1.0),
                               dict(reduction="none"))]),
    OpSpec("soft_margin_loss", F.soft_margin_loss,
           lambda x, y, reduction="mean": _reduced(np.log1p(np.exp(-y * x)), reduction),
           lambda rng: [Sample((rng.normal(size=s) * 3, np.sign(rng.normal(size=s))),
                               dict(reduction=r))
                        for s, r in [((3, 4), "mean"), ((5,), "none"), ((), "sum")]]),
    OpSpec("triplet_margin_with_distance_loss", F.triplet_margin_with_distance_loss,
           triplet_ref(_pairwise_ref), _triplet_samples(_pairwise_ref)),
    OpSpec("triplet_margin_with_distance_loss[cosine, swap]",
           lambda a, p, n, **kw: F.triplet_margin_with_distance_loss(
               a, p, n, distance_function=_cosine_distance, margin=0.5, swap=True, **kw),
           lambda a, p, n, **kw: triplet_ref(_cosine_distance_ref, 0.5, True, **kw)(a, p, n),
           _triplet_samples(_cosine_distance_ref, 0.5, True, reduction="none")),
]
