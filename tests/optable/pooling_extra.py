"""Op table rows: Lp pooling (lp_pool1d/2d/3d), max unpooling (max_unpool1d/2d/3d),
local_response_norm and channel_shuffle, all of torch.nn.functional.

The references are direct loops written from PyTorch's documentation and functional code:
Lp pooling sums x^p over each window, scaled up by K/count where ceil_mode cuts the last one
short; max unpooling writes each value at the flat index it carries; local response norm sums
the squares of the neighbouring channels. Unpooling indices come from the max pooling
reference of optable/conv.py, on windows that do not overlap (so no index repeats).
"""
import math

import numpy as np

import mytorch.nn.functional as F
from .conv import _tuple, _batch, pool_out_size, max_pool_ref
from .spec import OpSpec, Sample, uniform, distinct


# ---- references -----------------------------------------------------------------------------

def lp_pool_ref(x, norm_type, kernel_size, stride=None, ceil_mode=False, *, n):
    """y = (Σ_window x^p · K/count)^(1/p), count the window's elements inside the input."""
    x, unbatched = _batch(x, n)
    kernel = _tuple(kernel_size, n)
    stride = kernel if stride is None else _tuple(stride, n)
    sizes = x.shape[2:]
    out = tuple(pool_out_size(size, k, s, 0, 1, ceil_mode)
                for size, k, s in zip(sizes, kernel, stride))
    y = np.empty(x.shape[:2] + out)
    for l in np.ndindex(*out):
        cells = tuple(slice(li * s, min(li * s + k, size))
                      for li, s, k, size in zip(l, stride, kernel, sizes))
        window = x[(slice(None), slice(None)) + cells] ** norm_type
        count = math.prod(c.stop - c.start for c in cells)
        total = window.sum(axis=tuple(range(2, 2 + n))) * math.prod(kernel) / count
        y[(slice(None), slice(None)) + l] = total ** (1 / norm_type)
    return y[0] if unbatched else y


def max_unpool_ref(x, indices, kernel_size, stride=None, padding=0, output_size=None, *, n):
    """zeros of size (S − 1)·s + K − 2p (or output_size), x[n, c, l] at flat indices[n, c, l]."""
    x, unbatched = _batch(x, n)
    indices = indices[None] if unbatched else indices
    kernel = _tuple(kernel_size, n)
    stride = kernel if stride is None else _tuple(stride, n)
    padding = _tuple(padding, n)
    if output_size is None:
        out = tuple((s - 1) * st + k - 2 * p
                    for s, st, k, p in zip(x.shape[2:], stride, kernel, padding))
    else:
        out = tuple(output_size)[-n:]
    y = np.zeros(x.shape[:2] + (math.prod(out),))
    for nc in np.ndindex(*x.shape[:2]):
        for l in np.ndindex(*x.shape[2:]):
            y[nc + (indices[nc + l],)] = x[nc + l]
    y = y.reshape(x.shape[:2] + out)
    return y[0] if unbatched else y


def local_response_norm_ref(x, size, alpha=1e-4, beta=0.75, k=1.0):
    """y_c = x_c / (k + α/n·Σ x_c'²)^β, c' from c − ⌊n/2⌋ to c + ⌊(n−1)/2⌋ inside [0, C)."""
    y = np.empty_like(x)
    C = x.shape[1]
    for c in range(C):
        near = x[:, max(c - size // 2, 0):min(c + (size - 1) // 2, C - 1) + 1]
        y[:, c] = x[:, c] / (k + alpha / size * (near ** 2).sum(axis=1)) ** beta
    return y


def channel_shuffle_ref(x, groups):
    """y[:, j·g + i] = x[:, i·k + j] for C = g·k channels."""
    per_group = x.shape[1] // groups
    y = np.empty_like(x)
    for i in range(groups):
        for j in range(per_group):
            y[:, j * groups + i] = x[:, i * per_group + j]
    return y


# ---- rows -----------------------------------------------------------------------------------

def positive(rng, shape):
    return rng.uniform(0.5, 2.0, size=shape)


def _samples(make, cases):
    def samples(rng):
        return [Sample((make(rng, shape),), kwargs) for shape, kwargs in cases]
    return samples


def _unpool_samples(n, cases):
    """cases: (the pooled input's shape, the pooling's kwargs, unpool's extra kwargs): the
    indices are max_pool's on distinct values of that shape, the values to unpool random."""
    def samples(rng):
        out = []
        for shape, pool, extra in cases:
            _, indices = max_pool_ref(distinct(rng, shape), return_indices=True, n=n, **pool)
            out.append(Sample((uniform(rng, indices.shape), indices), {**pool, **extra}))
        return out
    return samples


# (shape, kwargs): integer and fractional p, strides, tuples, ceil_mode's short last window,
# unbatched input
LP_POOL1D = [((2, 3, 7), {"norm_type": 2, "kernel_size": 3, "stride": 2}),
             ((1, 2, 5), {"norm_type": 1.5, "kernel_size": 2, "ceil_mode": True}),
             ((3, 6), {"norm_type": 3, "kernel_size": (2,), "stride": 1})]
LP_POOL2D = [((2, 2, 4, 5), {"norm_type": 2, "kernel_size": (2, 3), "stride": 1}),
             ((1, 2, 5, 5), {"norm_type": 1.5, "kernel_size": 2, "ceil_mode": True}),
             ((3, 4, 4), {"norm_type": 4, "kernel_size": 2})]
LP_POOL3D = [((1, 2, 3, 4, 4), {"norm_type": 2, "kernel_size": 2, "stride": (1, 2, 2)}),
             ((2, 3, 3, 3), {"norm_type": 1, "kernel_size": 2, "ceil_mode": True})]

# (pooled input's shape, max_pool kwargs, extra max_unpool kwargs): output_size as n and n + 2
# values (the pool left a row and column out), padding, unbatched input
MAX_UNPOOL1D = [((2, 3, 8), {"kernel_size": 2}, {}),
                ((3, 7), {"kernel_size": 3, "stride": 3, "padding": 1}, {}),
                ((1, 2, 9), {"kernel_size": 2}, {"output_size": (9,)})]
MAX_UNPOOL2D = [((2, 2, 5, 5), {"kernel_size": 2}, {"output_size": (2, 2, 5, 5)}),
                ((1, 3, 6, 4), {"kernel_size": (3, 2)}, {}),
                ((2, 4, 6), {"kernel_size": 2, "stride": 2, "padding": 1}, {})]
MAX_UNPOOL3D = [((1, 2, 4, 4, 4), {"kernel_size": 2}, {}),
                ((2, 3, 4, 5), {"kernel_size": (1, 2, 2)}, {"output_size": (3, 4, 5)})]

LOCAL_RESPONSE_NORM = [((2, 5, 3), {"size": 3}),
                       ((1, 4, 3, 2), {"size": 2, "alpha": 0.5, "beta": 0.75, "k": 2.0}),
                       ((1, 6, 2, 2, 2), {"size": 4, "alpha": 0.1, "beta": 0.5, "k": 1.5}),
                       ((2, 3, 4), {"size": 1, "alpha": 1.0})]
CHANNEL_SHUFFLE = [((2, 6, 3), {"groups": 2}), ((1, 6, 2, 2), {"groups": 3}),
                   ((1, 4, 1, 1, 2), {"groups": 4}), ((2, 3, 2), {"groups": 1})]


def _row(name, op, ref, samples, n=None):
    reference = ref if n is None else (lambda *args, **kw: ref(*args, **kw, n=n))
    return OpSpec(f"nn.functional.{name}", lambda *args, **kw: op(*args, **kw), reference,
                  samples)


REQUIRED = {"nn.functional.lp_pool1d", "nn.functional.lp_pool2d", "nn.functional.lp_pool3d",
            "nn.functional.max_unpool1d", "nn.functional.max_unpool2d",
            "nn.functional.max_unpool3d", "nn.functional.local_response_norm",
            "nn.functional.channel_shuffle"}

SPECS = [
    _row("lp_pool1d", F.lp_pool1d, lp_pool_ref, _samples(positive, LP_POOL1D), n=1),
    _row("lp_pool2d", F.lp_pool2d, lp_pool_ref, _samples(positive, LP_POOL2D), n=2),
    _row("lp_pool3d", F.lp_pool3d, lp_pool_ref, _samples(positive, LP_POOL3D), n=3),
    _row("max_unpool1d", F.max_unpool1d, max_unpool_ref, _unpool_samples(1, MAX_UNPOOL1D), n=1),
    _row("max_unpool2d", F.max_unpool2d, max_unpool_ref, _unpool_samples(2, MAX_UNPOOL2D), n=2),
    _row("max_unpool3d", F.max_unpool3d, max_unpool_ref, _unpool_samples(3, MAX_UNPOOL3D), n=3),
    _row("local_response_norm", F.local_response_norm, local_response_norm_ref,
         _samples(uniform, LOCAL_RESPONSE_NORM)),
    _row("channel_shuffle", F.channel_shuffle, channel_shuffle_ref,
         _samples(uniform, CHANNEL_SHUFFLE)),
]
