"""Synthetic 2-D classification problems: two moons and spirals.

Both return `(X, y)`: X float32 of shape (n_samples, 2), y int64 class labels of shape
(n_samples,). Points are computed with NumPy from a clean curve, then (optionally) moved by
Gaussian noise of standard deviation `noise` and shuffled, using a mytorch `Generator`
(default: the default generator, so `mytorch.manual_seed` makes them reproducible).
"""
import math

import numpy as np

from ..factories import from_numpy
from ..random import generator_for


def _finish(points, labels, noise, shuffle, generator):
    gen = generator_for(generator, "cpu")
    if noise:
        points = points + noise * gen.normal(points.shape, np.float64)
    if shuffle:
        order = gen.permutation(len(labels))
        points, labels = points[order], labels[order]
    return (from_numpy(np.ascontiguousarray(points, dtype=np.float32)),
            from_numpy(np.ascontiguousarray(labels, dtype=np.int64)))


def _check_count(n_samples):
    if not isinstance(n_samples, int) or isinstance(n_samples, bool) or n_samples < 0:
        raise ValueError(f"n_samples must be a non-negative int, got {n_samples!r}")


def _split(n_samples, n_classes):
    """Class sizes as even as possible; the first classes take the remainder."""
    _check_count(n_samples)
    base, extra = divmod(n_samples, n_classes)
    return [base + (k < extra) for k in range(n_classes)]


def make_moons(n_samples=100, *, noise=0.0, shuffle=True, generator=None):
    """Two interleaving half circles (scikit-learn's `make_moons` curve).

    Class 0, the upper moon:  (cos t, sin t)              for t in [0, π]
    Class 1, the lower moon:  (1 − cos t, 1 − sin t − ½)  for t in [0, π]
    with t evenly spaced; the upper moon gets n_samples // 2 points, the lower the rest.
    """
    _check_count(n_samples)
    outer, inner = n_samples // 2, n_samples - n_samples // 2
    t_out = np.linspace(0.0, math.pi, outer)
    t_in = np.linspace(0.0, math.pi, inner)
    points = np.concatenate([np.stack([np.cos(t_out), np.sin(t_out)], 1),
                             np.stack([1.0 - np.cos(t_in), 0.5 - np.sin(t_in)], 1)])
    labels = np.concatenate([np.zeros(outer, np.int64), np.ones(inner, np.int64)])
    return _finish(points, labels, noise, shuffle, generator)


def make_spirals(n_samples=100, *, n_classes=2, turns=1.0, noise=0.0, shuffle=True,
                 generator=None):
    """`n_classes` spiral arms around the origin, one class per arm.

    Point i of arm k, with r = (i + 1) / m for an arm of m points, sits at radius r and angle
    θ = 2π·turns·r + 2πk / n_classes: (r cos θ, r sin θ). Arms are rotated copies of one
    spiral, so no straight line separates them.
    """
    if not isinstance(n_classes, int) or n_classes < 1:
        raise ValueError(f"n_classes must be a positive int, got {n_classes!r}")
    points, labels = [], []
    for k, m in enumerate(_split(n_samples, n_classes)):
        r = np.arange(1, m + 1, dtype=np.float64) / max(m, 1)
        theta = 2 * math.pi * turns * r + 2 * math.pi * k / n_classes
        points.append(np.stack([r * np.cos(theta), r * np.sin(theta)], 1))
        labels.append(np.full(m, k, np.int64))
    return _finish(np.concatenate(points), np.concatenate(labels), noise, shuffle, generator)
