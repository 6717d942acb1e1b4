"""Op table rows: convolutions (conv1d/2d/3d, conv_transpose1d/2d/3d), pooling (max, avg,
adaptive avg, adaptive max), interpolate (every mode), pixel_shuffle / pixel_unshuffle,
unfold / fold (im2col / col2im).

The references are direct, slow loops over output positions (or, for the transposed
convolution, over input positions scattering into the output), written from the definitions
in PyTorch's documentation and CPU kernels, not from mytorch's code: no im2col, no matrices.
`tests/test_conv.py` and `tests/test_pooling.py` use them too.

Max pooling samples have distinct values (no ties), so the gradient is unique.
"""
import itertools
import math

import numpy as np

import mytorch as mt
from .spec import OpSpec, Sample, uniform, distinct


def _tuple(value, n):
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * n


def _batch(x, n):
    """x with a batch dimension, and whether one was added."""
    return (x[None], True) if x.ndim == n + 1 else (x, False)


# ---- references: convolution --------------------------------------------------------------------

def conv_pads(padding, kernel, dilation):
    """(left, right) zero padding per spatial dimension; 'same' puts the odd one on the right."""
    n = len(kernel)
    if padding == "valid":
        return [(0, 0)] * n
    if padding == "same":
        totals = [d * (k - 1) for k, d in zip(kernel, _tuple(dilation, n))]
        return [(t // 2, t - t // 2) for t in totals]
    return [(p, p) for p in _tuple(padding, n)]


def conv_ref(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    """y[n, o, l] = b[o] + Σ_c Σ_k w[o, c, k] · x_padded[n, g(o)·C/G + c, l·s + k·d]"""
    n = w.ndim - 2
    x, unbatched = _batch(x, n)
    stride, dilation = _tuple(stride, n), _tuple(dilation, n)
    kernel = w.shape[2:]
    xp = np.pad(x, [(0, 0), (0, 0)] + conv_pads(padding, kernel, dilation))
    N, O, Cg = x.shape[0], w.shape[0], w.shape[1]
    per_group = O // groups
    out = tuple((P - d * (k - 1) - 1) // s + 1
                for P, k, s, d in zip(xp.shape[2:], kernel, stride, dilation))
    y = np.zeros((N, O) + out)
    for o in range(O):
        first = (o // per_group) * Cg
        for l in np.ndindex(*out):
            for k in np.ndindex(*kernel):
                pos = tuple(li * s + ki * d for li, ki, s, d in zip(l, k, stride, dilation))
                y[(slice(None), o) + l] += \
                    xp[(slice(None), slice(first, first + Cg)) + pos] @ w[(o, slice(None)) + k]
    if b is not None:
        y += b.reshape((-1,) + (1,) * n)
    return y[0] if unbatched else y


def conv_transpose_size(size, kernel, stride=1, padding=0, output_padding=0, dilation=1):
    """PyTorch's documented output size: (S − 1)·s − 2p + d·(K − 1) + output_padding + 1."""
    return (size - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1


def conv_transpose_ref(x, w, b=None, stride=1, padding=0, output_padding=0, groups=1,
                       dilation=1):
    """Each input element x[n, i, l] adds x·w[i, c, k] to output position l·s + k·d − p of
    output channel g(i)·C_out/G + c; output_padding extends the output on the right."""
    n = w.ndim - 2
    x, unbatched = _batch(x, n)
    stride, dilation = _tuple(stride, n), _tuple(dilation, n)
    padding, output_padding = _tuple(padding, n), _tuple(output_padding, n)
    N, C_in = x.shape[:2]
    per_group_in, per_group_out = C_in // groups, w.shape[1]
    kernel = w.shape[2:]
    full = tuple((m - 1) * s + d * (k - 1) + 1 + op
                 for m, s, d, k, op in zip(x.shape[2:], stride, dilation, kernel, output_padding))
    y = np.zeros((N, per_group_out * groups) + full)
    for i in range(C_in):
        first = (i // per_group_in) * per_group_out
        for l in np.ndindex(*x.shape[2:]):
            for k in np.ndindex(*kernel):
                pos = tuple(li * s + ki * d for li, ki, s, d in zip(l, k, stride, dilation))
                y[(slice(None), slice(first, first + per_group_out)) + pos] += \
                    x[(slice(None), i) + l][:, None] * w[(i, slice(None)) + k][None, :]
    y = y[(slice(None), slice(None)) + tuple(slice(p, f - p) for p, f in zip(padding, full))]
    if b is not None:
        y = y + b.reshape((-1,) + (1,) * n)
    return y[0] if unbatched else y


# ---- references: unfold / fold ------------------------------------------------------------------

def _blocks_ref(size, kernel, dilation, padding, stride):
    return tuple((m + 2 * p - d * (k - 1) - 1) // s + 1
                 for m, k, d, p, s in zip(size, kernel, dilation, padding, stride))


def unfold_ref(x, kernel_size, dilation=1, padding=0, stride=1):
    """cols[n, (c, i, j), (bh, bw)] = x_padded[n, c, bh·s + i·d, bw·s + j·d], a loop per block."""
    x, unbatched = _batch(x, 2)
    kernel, dilation = _tuple(kernel_size, 2), _tuple(dilation, 2)
    padding, stride = _tuple(padding, 2), _tuple(stride, 2)
    xp = np.pad(x, [(0, 0), (0, 0)] + [(p, p) for p in padding])
    N, C = x.shape[:2]
    blocks = _blocks_ref(x.shape[2:], kernel, dilation, padding, stride)
    cols = np.zeros((N, C * kernel[0] * kernel[1], blocks[0] * blocks[1]))
    for b, (bh, bw) in enumerate(np.ndindex(*blocks)):
        for r, (c, i, j) in enumerate(np.ndindex(C, *kernel)):
            h, w = bh * stride[0] + i * dilation[0], bw * stride[1] + j * dilation[1]
            cols[:, r, b] = xp[:, c, h, w]
    return cols[0] if unbatched else cols


def fold_ref(cols, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Each column entry added back at its position of the padded output, which is then cropped."""
    cols, unbatched = (cols[None], True) if cols.ndim == 2 else (cols, False)
    size, kernel = _tuple(output_size, 2), _tuple(kernel_size, 2)
    dilation, padding, stride = _tuple(dilation, 2), _tuple(padding, 2), _tuple(stride, 2)
    N, C = cols.shape[0], cols.shape[1] // (kernel[0] * kernel[1])
    y = np.zeros((N, C, size[0] + 2 * padding[0], size[1] + 2 * padding[1]))
    blocks = _blocks_ref(size, kernel, dilation, padding, stride)
    for b, (bh, bw) in enumerate(np.ndindex(*blocks)):
        for r, (c, i, j) in enumerate(np.ndindex(C, *kernel)):
            h, w = bh * stride[0] + i * dilation[0], bw * stride[1] + j * dilation[1]
            y[:, c, h, w] += cols[:, r, b]
    y = y[:, :, padding[0]:padding[0] + size[0], padding[1]:padding[1] + size[1]]
    return y[0] if unbatched else y


# ---- references: pooling ------------------------------------------------------------------------

def pool_out_size(size, kernel, stride, padding, dilation=1, ceil_mode=False):
    """PyTorch's pooling_output_shape: with ceil_mode, round up, but the last window must start
    inside the input or its left padding."""
    room = size + 2 * padding - dilation * (kernel - 1) - 1 + (stride - 1 if ceil_mode else 0)
    out = room // stride + 1
    if ceil_mode and (out - 1) * stride >= size + padding:
        out -= 1
    return out


def max_pool_ref(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                 return_indices=False, *, n):
    """PyTorch's CPU loop: over the in-bounds elements of each window in row-major order, keep
    the first strict maximum (a NaN always replaces); the index starts at the window's first
    in-bounds element and is flat in the input's spatial plane."""
    x, unbatched = _batch(x, n)
    kernel = _tuple(kernel_size, n)
    stride = kernel if stride is None else _tuple(stride, n)
    padding, dilation = _tuple(padding, n), _tuple(dilation, n)
    sizes = x.shape[2:]
    out = tuple(pool_out_size(*a, ceil_mode) for a in zip(sizes, kernel, stride, padding, dilation))
    y = np.empty(x.shape[:2] + out)
    idx = np.empty(x.shape[:2] + out, dtype=np.int64)
    for nc in np.ndindex(*x.shape[:2]):
        plane = x[nc]
        for l in np.ndindex(*out):
            axes = [[li * s - p + ki * d for ki in range(k) if 0 <= li * s - p + ki * d < size]
                    for li, s, p, k, d, size in zip(l, stride, padding, kernel, dilation, sizes)]
            best, best_index = -math.inf, None
            for pos in itertools.product(*axes):
                flat = int(np.ravel_multi_index(pos, sizes))
                if best_index is None:
                    best_index = flat
                if plane[pos] > best or np.isnan(plane[pos]):
                    best, best_index = plane[pos], flat
            y[nc + l], idx[nc + l] = best, best_index
    if unbatched:
        y, idx = y[0], idx[0]
    return (y, idx) if return_indices else y


def avg_pool_ref(x, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None, *, n):
    """PyTorch's CPU loop: the window, clipped to the padded input, sets the divisor with
    count_include_pad; clipped to the input, the elements summed and the divisor without."""
    x, unbatched = _batch(x, n)
    kernel = _tuple(kernel_size, n)
    stride = kernel if stride is None else _tuple(stride, n)
    padding = _tuple(padding, n)
    sizes = x.shape[2:]
    out = tuple(pool_out_size(*a, 1, ceil_mode) for a in zip(sizes, kernel, stride, padding))
    y = np.zeros(x.shape[:2] + out)
    for l in np.ndindex(*out):
        pool_size, cells = 1, []
        for li, s, p, k, size in zip(l, stride, padding, kernel, sizes):
            start = li * s - p
            end = min(start + k, size + p)
            pool_size *= end - start
            cells.append(slice(max(start, 0), min(end, size)))
        window = x[(slice(None), slice(None)) + tuple(cells)]
        count = math.prod(c.stop - c.start for c in cells)
        if count <= 0:
            continue
        divisor = divisor_override or (pool_size if count_include_pad else count)
        y[(slice(None), slice(None)) + l] = window.sum(axis=tuple(range(2, 2 + n))) / divisor
    return y[0] if unbatched else y


def adaptive_cells(size, out):
    """Cell i of an adaptive pool covers input [⌊i·S/O⌋, ⌈(i+1)·S/O⌉)."""
    return [slice(math.floor(i * size / out), math.ceil((i + 1) * size / out)) for i in range(out)]


def _adaptive_out(x, output_size, n):
    out = _tuple(output_size, n)
    return tuple(s if o is None else o for o, s in zip(out, x.shape[2:]))


def adaptive_avg_pool_ref(x, output_size, *, n):
    x, unbatched = _batch(x, n)
    out = _adaptive_out(x, output_size, n)
    cells = [adaptive_cells(s, o) for s, o in zip(x.shape[2:], out)]
    y = np.empty(x.shape[:2] + out)
    for l in np.ndindex(*out):
        window = x[(slice(None), slice(None)) + tuple(c[i] for c, i in zip(cells, l))]
        y[(slice(None), slice(None)) + l] = window.mean(axis=tuple(range(2, 2 + n)))
    return y[0] if unbatched else y


def adaptive_max_pool_ref(x, output_size, return_indices=False, *, n):
    x, unbatched = _batch(x, n)
    out = _adaptive_out(x, output_size, n)
    sizes = x.shape[2:]
    cells = [adaptive_cells(s, o) for s, o in zip(sizes, out)]
    y = np.empty(x.shape[:2] + out)
    idx = np.empty(x.shape[:2] + out, dtype=np.int64)
    for nc in np.ndindex(*x.shape[:2]):
        for l in np.ndindex(*out):
            best, best_index = -math.inf, None
            for pos in itertools.product(*[range(c[i].start, c[i].stop) for c, i in zip(cells, l)]):
                flat = int(np.ravel_multi_index(pos, sizes))
                if best_index is None:
                    best_index = flat
                if x[nc + pos] > best or np.isnan(x[nc + pos]):
                    best, best_index = x[nc + pos], flat
            y[nc + l], idx[nc + l] = best, best_index
    if unbatched:
        y, idx = y[0], idx[0]
    return (y, idx) if return_indices else y


# ---- references: resizing -----------------------------------------------------------------------

def interpolate_ref(x, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Per output element, from PyTorch's source-index rules (scale = 1/scale_factor when a
    factor is given, else S/O):
    nearest src = min(⌊dst·scale⌋, S−1); nearest-exact min(⌊(dst+½)·scale⌋, S−1);
    linear src = max((dst+½)·scale − ½, 0), or dst·(S−1)/(O−1) with align_corners, then the
    2ⁿ corners ⌊src⌋ and min(⌊src⌋+1, S−1) weighted by 1−λ and λ; area: adaptive average."""
    n = x.ndim - 2
    sizes = x.shape[2:]
    if size is not None:
        out = _tuple(size, n)
        scales = [s / o for s, o in zip(sizes, out)]
    else:
        factors = _tuple(scale_factor, n)
        out = tuple(math.floor(s * f) for s, f in zip(sizes, factors))
        scales = [1 / f for f in factors]
    if mode == "area":
        return adaptive_avg_pool_ref(x, out, n=n)
    y = np.zeros(x.shape[:2] + out)
    for l in np.ndindex(*out):
        lead = (slice(None), slice(None))
        if mode in ("nearest", "nearest-exact"):
            shift = 0.5 if mode == "nearest-exact" else 0.0
            src = tuple(min(math.floor((d + shift) * sc), s - 1)
                        for d, sc, s in zip(l, scales, sizes))
            y[lead + l] = x[lead + src]
            continue
        corners = []
        for d, sc, s, o in zip(l, scales, sizes, out):
            if align_corners:
                src = d * (s - 1) / (o - 1) if o > 1 else 0.0
            else:
                src = max((d + 0.5) * sc - 0.5, 0.0)
            lo = min(math.floor(src), s - 1)
            lam = src - lo
            corners.append([(lo, 1 - lam), (min(lo + 1, s - 1), lam)])
        for corner in itertools.product(*corners):
            weight = math.prod(wt for _, wt in corner)
            y[lead + l] += weight * x[lead + tuple(i for i, _ in corner)]
    return y


def pixel_shuffle_ref(x, upscale_factor):
    """y[..., c, h·r + i, w·r + j] = x[..., c·r² + i·r + j, h, w]"""
    r = upscale_factor
    *lead, C, H, W = x.shape
    y = np.empty(tuple(lead) + (C // (r * r), H * r, W * r))
    for c, h, w, i, j in itertools.product(range(C // (r * r)), range(H), range(W), range(r),
                                           range(r)):
        y[..., c, h * r + i, w * r + j] = x[..., c * r * r + i * r + j, h, w]
    return y


def pixel_unshuffle_ref(x, downscale_factor):
    """The inverse: y[..., c·r² + i·r + j, h, w] = x[..., c, h·r + i, w·r + j]"""
    r = downscale_factor
    *lead, C, H, W = x.shape
    y = np.empty(tuple(lead) + (C * r * r, H // r, W // r))
    for c, h, w, i, j in itertools.product(range(C), range(H // r), range(W // r), range(r),
                                           range(r)):
        y[..., c * r * r + i * r + j, h, w] = x[..., c, h * r + i, w * r + j]
    return y


# ---- rows ---------------------------------------------------------------------------------------

def _samples(make, *cases):
    """cases: (shapes, kwargs); one array per shape (x, weight, bias ...)."""
    def samples(rng):
        return [Sample(tuple(make(rng, s) for s in shapes), kwargs) for shapes, kwargs in cases]
    return samples


def _conv_fn(op):
    return lambda x, w, b=None, **kw: op(x, w, b, **kw)


# (shapes, kwargs): groups, depthwise, strides, paddings (int, tuple, 'same', 'valid'),
# dilation, no bias, unbatched input. The first two are the ones gradgradcheck sees.
CONV1D = [
    (((2, 4, 7), (4, 2, 3), (4,)), {"stride": 2, "padding": 1, "groups": 2}),
    (((1, 3, 6), (2, 3, 2)), {"padding": "same", "dilation": 2}),
    (((3, 5), (2, 3, 3), (2,)), {"padding": "valid"}),
    (((2, 2, 5), (2, 1, 3)), {"stride": 3, "padding": 2, "groups": 2}),
]
CONV2D = [
    (((2, 4, 5, 4), (2, 2, 3, 2), (2,)), {"stride": (2, 1), "padding": (1, 0), "groups": 2}),
    (((1, 2, 5, 5), (3, 2, 2, 3)), {"padding": "same", "dilation": (2, 1)}),
    (((2, 5, 4), (3, 2, 2, 2), (3,)), {"stride": 2}),
    (((1, 3, 5, 5), (6, 1, 3, 3)), {"padding": 1, "dilation": 2, "groups": 3}),
]
CONV3D = [
    (((1, 2, 4, 3, 4), (2, 1, 2, 2, 2), (2,)),
     {"stride": (1, 2, 1), "padding": (1, 0, 1), "groups": 2}),
    (((2, 3, 3, 3), (2, 2, 2, 1, 2)), {"padding": "same"}),
]
CONV_TRANSPOSE1D = [
    (((2, 4, 4), (4, 3, 3), (6,)), {"stride": 2, "padding": 1, "output_padding": 1, "groups": 2}),
    (((1, 2, 3), (2, 2, 2)), {"stride": 3, "dilation": 2, "output_padding": 2}),
    (((3, 4), (3, 2, 3), (2,)), {"padding": 2}),
]
CONV_TRANSPOSE2D = [
    (((2, 4, 3, 3), (4, 1, 3, 2), (2,)),
     {"stride": (2, 1), "padding": (1, 0), "output_padding": (1, 0), "groups": 2}),
    (((1, 2, 3, 2), (2, 3, 2, 2)), {"stride": 2, "dilation": (1, 2)}),
    (((2, 2, 3), (2, 2, 2, 2), (2,)), {}),
]
CONV_TRANSPOSE3D = [
    (((1, 2, 2, 3, 2), (2, 2, 2, 2, 2), (2,)),
     {"stride": (2, 1, 2), "padding": (1, 0, 0), "output_padding": (1, 0, 0)}),
    (((2, 2, 2, 2), (2, 1, 2, 2, 1)), {"groups": 2}),
]

MAX_POOL1D = [
    ((2, 3, 7), {"kernel_size": 3, "stride": 2, "padding": 1}),
    ((1, 2, 8), {"kernel_size": 2, "dilation": 2, "ceil_mode": True, "stride": 3}),
    ((3, 6), {"kernel_size": 4, "stride": 1, "padding": 2}),
]
MAX_POOL2D = [
    ((2, 2, 5, 6), {"kernel_size": (3, 2), "stride": (2, 1), "padding": 1}),
    ((1, 2, 7, 6), {"kernel_size": 3, "stride": 2, "ceil_mode": True, "dilation": (1, 2)}),
    ((2, 5, 5), {"kernel_size": 2}),
    ((1, 1, 6, 6), {"kernel_size": 3, "stride": 2, "padding": 2, "dilation": 2}),
]
MAX_POOL3D = [
    ((1, 2, 4, 4, 3), {"kernel_size": 2, "stride": (2, 1, 1), "padding": (1, 0, 1)}),
    ((2, 3, 4, 3), {"kernel_size": (2, 2, 1), "ceil_mode": True}),
]
AVG_POOL1D = [
    ((2, 3, 7), {"kernel_size": 3, "stride": 2, "padding": 1}),
    ((1, 2, 8), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True,
                 "count_include_pad": False}),
    ((3, 6), {"kernel_size": 4, "stride": 1, "padding": 2}),
]
AVG_POOL2D = [
    ((2, 2, 5, 6), {"kernel_size": (3, 2), "stride": (2, 1), "padding": 1,
                    "count_include_pad": False}),
    ((1, 2, 7, 6), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
    ((2, 5, 5), {"kernel_size": 2}),
    ((1, 1, 5, 5), {"kernel_size": 3, "stride": 2, "padding": 1, "divisor_override": 5}),
]
AVG_POOL3D = [
    ((1, 2, 4, 4, 3), {"kernel_size": 2, "stride": (2, 1, 1), "padding": (1, 0, 1)}),
    ((2, 3, 4, 3), {"kernel_size": (2, 2, 1), "ceil_mode": True, "count_include_pad": False}),
    ((1, 1, 3, 3, 3), {"kernel_size": 2, "stride": 1, "divisor_override": 3}),
]
ADAPTIVE1D = [((2, 3, 7), {"output_size": 3}), ((2, 8), {"output_size": 4}),
              ((1, 2, 5), {"output_size": 7})]
ADAPTIVE2D = [((2, 2, 5, 7), {"output_size": (3, 4)}), ((1, 3, 6, 4), {"output_size": (4, None)}),
              ((3, 4, 4), {"output_size": 1}), ((1, 1, 3, 2), {"output_size": (2, 3)})]
ADAPTIVE3D = [((1, 2, 3, 4, 5), {"output_size": (2, 3, 2)}), ((2, 4, 2, 2), {"output_size": 2})]

INTERPOLATE = {
    "nearest": [((1, 2, 3), {"size": 5}), ((2, 1, 3, 4), {"scale_factor": 2}),
                ((1, 2, 4, 6), {"size": (3, 4)}), ((1, 1, 2, 2, 3), {"scale_factor": (2, 1, 2)})],
    "nearest-exact": [((1, 2, 5), {"size": 3}), ((1, 2, 3, 4), {"size": (5, 3)}),
                      ((1, 1, 2, 3, 2), {"scale_factor": 2})],
    "linear": [((2, 2, 4), {"size": 7}), ((2, 2, 4), {"size": 7, "align_corners": True}),
               ((1, 1, 6), {"size": 4}), ((1, 2, 3), {"scale_factor": 2.5})],
    "bilinear": [((1, 2, 3, 4), {"size": (5, 3)}),
                 ((1, 2, 3, 4), {"size": (5, 3), "align_corners": True}),
                 ((2, 1, 2, 3), {"scale_factor": 2}),
                 ((1, 1, 4, 4), {"size": (1, 2), "align_corners": True})],
    "trilinear": [((1, 1, 2, 3, 2), {"size": (3, 4, 3)}),
                  ((1, 2, 2, 2, 3), {"scale_factor": 2, "align_corners": True})],
    "area": [((1, 2, 6, 5), {"size": (4, 3)}), ((2, 1, 7), {"size": 3}),
             ((1, 1, 4, 4, 2), {"scale_factor": 0.5})],
}


# unfold / fold: overlapping and strided blocks, padding, dilation, tuples, unbatched
UNFOLD = [
    (((2, 2, 4, 5),), {"kernel_size": 2}),
    (((1, 3, 5, 4),), {"kernel_size": (2, 3), "padding": 1, "stride": (2, 1)}),
    (((1, 2, 6, 6),), {"kernel_size": 2, "dilation": 2, "stride": 2}),
    (((2, 4, 3),), {"kernel_size": (1, 2), "padding": (0, 1)}),
]
FOLD = [
    (((2, 8, 12),), {"output_size": (4, 5), "kernel_size": 2}),
    (((1, 18, 12),), {"output_size": (5, 4), "kernel_size": (2, 3), "padding": 1,
                     "stride": (2, 1)}),
    (((1, 8, 4),), {"output_size": 6, "kernel_size": 2, "dilation": 2, "stride": 2}),
    (((4, 6),), {"output_size": (2, 5), "kernel_size": (1, 2), "padding": (0, 1),
                  "stride": (2, 1)}),
]


def _pool_rows(name, op, ref, cases, make=uniform, n=None):
    return OpSpec(name, lambda x, **kw: op(x, **kw),
                  lambda x, **kw: ref(x, **kw, n=n),
                  _samples(make, *[((shape,), kw) for shape, kw in cases]),
                  ties_ok=make is uniform)


def _first(out):
    return out[0]


def _indices_rows(name, op, ref, cases, n):
    """The (values, indices) pair: both against the reference, the gradient through values."""
    return OpSpec(f"{name}[return_indices]", lambda x, **kw: op(x, return_indices=True, **kw),
                  lambda x, **kw: ref(x, return_indices=True, n=n, **kw),
                  _samples(distinct, *[((shape,), kw) for shape, kw in cases]),
                  output=_first, ties_ok=False)


def _interpolate_row(mode, cases):
    return OpSpec(f"interpolate[{mode}]", lambda x, **kw: mt.nn.functional.interpolate(
                      x, mode=mode, **kw),
                  lambda x, **kw: interpolate_ref(x, mode=mode, **kw),
                  _samples(uniform, *[((shape,), kw) for shape, kw in cases]))


REQUIRED = {"conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
            "conv_transpose3d", "max_pool1d", "max_pool2d", "max_pool3d", "avg_pool1d",
            "avg_pool2d", "avg_pool3d", "adaptive_avg_pool1d", "adaptive_avg_pool2d",
            "adaptive_avg_pool3d", "adaptive_max_pool1d", "adaptive_max_pool2d",
            "adaptive_max_pool3d", "interpolate", "pixel_shuffle", "pixel_unshuffle",
            "nn.functional.unfold", "nn.functional.fold"}

SPECS = [
    OpSpec("conv1d", _conv_fn(mt.conv1d), conv_ref, _samples(uniform, *CONV1D)),
    OpSpec("conv2d", _conv_fn(mt.conv2d), conv_ref, _samples(uniform, *CONV2D)),
    OpSpec("conv3d", _conv_fn(mt.conv3d), conv_ref, _samples(uniform, *CONV3D)),
    OpSpec("conv_transpose1d", _conv_fn(mt.conv_transpose1d), conv_transpose_ref,
           _samples(uniform, *CONV_TRANSPOSE1D)),
    OpSpec("conv_transpose2d", _conv_fn(mt.conv_transpose2d), conv_transpose_ref,
           _samples(uniform, *CONV_TRANSPOSE2D)),
    OpSpec("conv_transpose3d", _conv_fn(mt.conv_transpose3d), conv_transpose_ref,
           _samples(uniform, *CONV_TRANSPOSE3D)),
    _pool_rows("max_pool1d", mt.max_pool1d, max_pool_ref, MAX_POOL1D, distinct, n=1),
    _pool_rows("max_pool2d", mt.max_pool2d, max_pool_ref, MAX_POOL2D, distinct, n=2),
    _pool_rows("max_pool3d", mt.max_pool3d, max_pool_ref, MAX_POOL3D, distinct, n=3),
    _indices_rows("max_pool1d", mt.max_pool1d, max_pool_ref, MAX_POOL1D[1:], n=1),
    _indices_rows("max_pool2d", mt.max_pool2d, max_pool_ref, MAX_POOL2D, n=2),
    _indices_rows("max_pool3d", mt.max_pool3d, max_pool_ref, MAX_POOL3D[:1], n=3),
    _pool_rows("avg_pool1d", mt.avg_pool1d, avg_pool_ref, AVG_POOL1D, n=1),
    _pool_rows("avg_pool2d", mt.avg_pool2d, avg_pool_ref, AVG_POOL2D, n=2),
    _pool_rows("avg_pool3d", mt.avg_pool3d, avg_pool_ref, AVG_POOL3D, n=3),
    _pool_rows("adaptive_avg_pool1d", mt.adaptive_avg_pool1d, adaptive_avg_pool_ref, ADAPTIVE1D,
               n=1),
    _pool_rows("adaptive_avg_pool2d", mt.adaptive_avg_pool2d, adaptive_avg_pool_ref, ADAPTIVE2D,
               n=2),
    _pool_rows("adaptive_avg_pool3d", mt.adaptive_avg_pool3d, adaptive_avg_pool_ref, ADAPTIVE3D,
               n=3),
    _pool_rows("adaptive_max_pool1d", mt.adaptive_max_pool1d, adaptive_max_pool_ref, ADAPTIVE1D,
               distinct, n=1),
    _pool_rows("adaptive_max_pool2d", mt.adaptive_max_pool2d, adaptive_max_pool_ref, ADAPTIVE2D,
               distinct, n=2),
    _pool_rows("adaptive_max_pool3d", mt.adaptive_max_pool3d, adaptive_max_pool_ref, ADAPTIVE3D,
               distinct, n=3),
    _indices_rows("adaptive_max_pool1d", mt.adaptive_max_pool1d, adaptive_max_pool_ref,
                  ADAPTIVE1D, n=1),
    _indices_rows("adaptive_max_pool2d", mt.adaptive_max_pool2d, adaptive_max_pool_ref,
                  ADAPTIVE2D, n=2),
    _indices_rows("adaptive_max_pool3d", mt.adaptive_max_pool3d, adaptive_max_pool_ref,
                  ADAPTIVE3D[:1], n=3),
    OpSpec("pixel_shuffle", mt.pixel_shuffle, pixel_shuffle_ref,
           _samples(uniform, (((1, 8, 2, 3),), {"upscale_factor": 2}),
                    (((2, 1, 9, 2, 2),), {"upscale_factor": 3}),
                    (((8, 2, 2),), {"upscale_factor": 2}))),
    OpSpec("pixel_unshuffle", mt.pixel_unshuffle, pixel_unshuffle_ref,
           _samples(uniform, (((1, 2, 4, 6),), {"downscale_factor": 2}),
                    (((3, 6, 3),), {"downscale_factor": 3}),
                    (((2, 1, 1, 2, 4),), {"downscale_factor": 2}))),
    OpSpec("nn.functional.unfold", lambda x, **kw: mt.nn.functional.unfold(x, **kw), unfold_ref,
           _samples(uniform, *UNFOLD)),
    OpSpec("nn.functional.fold", lambda x, **kw: mt.nn.functional.fold(x, **kw), fold_ref,
           _samples(uniform, *FOLD)),
] + [_interpolate_row(mode, cases) for mode, cases in INTERPOLATE.items()]
