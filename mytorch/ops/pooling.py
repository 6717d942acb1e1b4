"""Pooling over 1, 2 or 3 spatial dimensions: max, average, adaptive average and adaptive max,
power-average (Lp) pooling and max unpooling.

Max pooling, y[n, c, l] = max over the window of l of x[n, c, ·], is split in two:

1. find, for every output position, the flat index (into x read as 1-d) of its window's
   maximum: array code, no gradient (`_argmax_index`);
2. pick those elements (`Pick`, differentiable). Its gradient puts g back at the winning
   positions (`Place`: zeros elsewhere, summed where windows overlap) and the gradient of that
   picks again, so every order of derivative comes from this pair.

Ties go to the first maximum in the window's row-major order, and NaN wins, as in PyTorch.

Average pooling is a convolution of each channel with a constant kernel of ones, divided by the
number of elements counted per window (`count_include_pad`, `divisor_override`). Adaptive
average pooling is a product with averaging matrices (or a plain mean when the sizes divide).
Lp pooling is average pooling of x^p; max unpooling is `Place` again, at the indices that max
pooling returned.
"""
import math

import numpy as np

from .common import require_tensor, floating
from .conv import Conv, windows, _ntuple
from ..autograd.function import Function
from ..dtypes import SCALAR_TYPE_NAMES
from ..tensor import _wrap


def _batched(input, n, name):
    require_tensor(input, name)
    if input.ndim == n + 1:
        return input.unsqueeze(0), True
    if input.ndim != n + 2:
        raise RuntimeError(f"{name}(): Expected {n + 1}D or {n + 2}D input tensor, but got input "
                           f"of size: {list(input.shape)}")
    return input, False


def _out_size(size, kernel, stride, pad, dilation, ceil_mode):
    """Windows along one dimension: ⌊(S + 2p − d·(K−1) − 1)/s⌋ + 1 (⌈⌉ with ceil_mode, where
    the last window must still start inside the input or its left padding)."""
    span = dilation * (kernel - 1) + 1
    room = size + 2 * pad - span
    if ceil_mode:
        out = -(-room // stride) + 1
        if (out - 1) * stride >= size + pad:
            out -= 1
    else:
        out = room // stride + 1
    return out


def _pool_geometry(x, n, kernel_size, stride, padding, dilation, ceil_mode, name):
    """Kernel, stride, (left, right) pads (the right one grown for ceil_mode), dilation and the
    output's spatial size, checked as PyTorch checks them."""
    kernel = _ntuple(kernel_size, n, "kernel_size", name)
    stride = kernel if stride is None or stride == [] or stride == () else \
        _ntuple(stride, n, "stride", name)
    padding = _ntuple(padding, n, "padding", name)
    dilation = _ntuple(dilation, n, "dilation", name)
    if any(k <= 0 for k in kernel) or any(s <= 0 for s in stride) or any(d <= 0 for d in dilation):
        raise RuntimeError(f"{name}(): kernel_size, stride and dilation must be greater than zero, "
                           f"but got kernel_size={kernel}, stride={stride}, dilation={dilation}")
    for p, k, d in zip(padding, kernel, dilation):
        if p < 0 or p > (d * (k - 1) + 1) // 2:
            raise RuntimeError(f"{name}(): pad should be at most half of effective kernel size, "
                               f"but got pad={p}, kernel_size={k} and dilation={d}")
    sizes = x.shape[2:]
    out = tuple(_out_size(*a, ceil_mode) for a in zip(sizes, kernel, stride, padding, dilation))
    if any(o <= 0 for o in out):
        raise RuntimeError(f"{name}(): Given input size: ({'x'.join(map(str, x.shape[1:]))}). "
                           f"Calculated output size: ({'x'.join(map(str, (x.shape[1],) + out))}). "
                           f"Output size is too small")
    # the right pad that makes exactly `out` windows fit (ceil_mode may need more than p)
    pads = tuple((p, max(p, (o - 1) * s + d * (k - 1) + 1 - m - p))
                 for p, o, s, d, k, m in zip(padding, out, stride, dilation, kernel, sizes))
    return kernel, stride, pads, dilation, out


# ---- max pooling ------------------------------------------------------------------------------

class Pick(Function):
    """y = x read as 1-d at `index` (shape of index);  ∂L/∂x = Place(g, index)"""
    @staticmethod
    def forward(ctx, x, index, disjoint):
        ctx.shape, ctx.disjoint = x.shape, disjoint
        ctx.save_for_backward(index)
        return ctx.xp.take(x, index)

    @staticmethod
    def backward(ctx, g):
        index, = ctx.saved_tensors
        return Place.apply(g, index, ctx.shape, ctx.disjoint), None, None


class Place(Function):
    """y = zeros(shape) with g added at the flat `index` (a plain write when no index repeats,
    `disjoint`, which is faster);  ∂L/∂g = Pick(gy, index)"""
    @staticmethod
    def forward(ctx, g, index, shape, disjoint):
        ctx.disjoint = disjoint
        ctx.save_for_backward(index)
        out = ctx.xp.zeros(math.prod(shape), dtype=g.dtype)
        if disjoint:
            out[index.reshape(-1)] = g.reshape(-1)
        else:
            ctx.device.backend.scatter_add(out, index.reshape(-1), g.reshape(-1))
        return out.reshape(shape)

    @staticmethod
    def backward(ctx, gg):
        index, = ctx.saved_tensors
        return Pick.apply(gg, index, ctx.disjoint), None, None, None


def _argmax_index(device, win, coords, sizes, shifted):
    """win (N, C, *L, *K): the windows of x (N, C, *sizes); coords[i] (L_i, K_i): the input
    coordinate along spatial dimension i of window element k at output position l. Returns,
    for each window, the index into x read as 1-d of its first maximum (NaN wins).
    `shifted`: every window is the first one moved, and all lie inside x (no padding)."""
    xp = device.xp
    n = len(coords)
    lead = win.shape[:2 + n]
    kernel = tuple(c.shape[1] for c in coords)
    best = xp.argmax(win.reshape(lead + (math.prod(kernel),)), axis=-1)   # copy, then argmax
    plane = math.prod(sizes)
    flat = xp.arange(lead[0] * lead[1]).reshape(lead[:2] + (1,) * n) * plane
    if shifted:
        # index = where the window starts + where its maximum sits in it (two small tables)
        starts = np.zeros((), np.int64)
        offsets = np.zeros((), np.int64)
        for i, c in enumerate(coords):
            starts = starts[..., None] * sizes[i] + c[:, 0]
            offsets = offsets[..., None] * sizes[i] + (c[0] - c[0, 0])
        return flat + device.backend.from_host(starts) + \
            device.backend.from_host(offsets.reshape(-1))[best]
    picked, outside = [], False
    for i in range(n):
        k_i = (best // math.prod(kernel[i + 1:])) % kernel[i]
        l_i = xp.arange(lead[2 + i]).reshape((-1,) + (1,) * (n - 1 - i))
        t_i = device.backend.from_host(coords[i])[l_i, k_i]
        picked.append((t_i, l_i))
        outside = outside | (t_i < 0) | (t_i >= sizes[i])
    for i, (t_i, l_i) in enumerate(picked):
        # a window holding nothing above -inf may pick its padding; like PyTorch, take its
        # first element inside the input instead
        c = coords[i]
        first = np.where((c >= 0) & (c < sizes[i]), c, np.iinfo(np.int64).max).min(axis=1)
        t_i = xp.where(outside, device.backend.from_host(first)[l_i], t_i)
        flat = flat + t_i * math.prod(sizes[i + 1:])
    return flat


def max_pool(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
             return_indices=False, *, n, name):
    """Max over windows of the last n dimensions; with return_indices, also the flat index of
    each maximum in its (n-dimensional) input plane, as `max_unpool` and PyTorch expect."""
    x, unbatched = _batched(input, n, name)
    kernel, stride, pads, dilation, out = _pool_geometry(x, n, kernel_size, stride, padding,
                                                         dilation, ceil_mode, name)
    device = x.device
    fill = -math.inf if x._data.dtype.kind == "f" else np.iinfo(x._data.dtype).min
    win = windows(device, x._data, kernel, stride, pads, dilation, value=fill)
    coords = [np.arange(o)[:, None] * s - lo + np.arange(k)[None, :] * d
              for o, s, (lo, _), k, d in zip(out, stride, pads, kernel, dilation)]
    index = _argmax_index(device, win, coords, x.shape[2:],
                          shifted=not any(lo or hi for lo, hi in pads))
    disjoint = all(s >= d * (k - 1) + 1 for s, d, k in zip(stride, dilation, kernel))
    return _picked(x, index, disjoint, unbatched, return_indices)


def _picked(x, index, disjoint, unbatched, return_indices):
    """The pooled output (and, with return_indices, the index of each maximum in its own
    spatial plane, as PyTorch reports it), without the batch dimension if the input had none."""
    y = Pick.apply(x, _wrap(index, x.device), disjoint)
    if unbatched:
        y = y.squeeze(0)
    if not return_indices:
        return y
    plane = index % math.prod(x.shape[2:])
    return y, _wrap(plane[0] if unbatched else plane, x.device)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """x (N, C, W) or (C, W) -> (N, C, W_out)"""
    return max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices,
                    n=1, name="max_pool1d")


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """x (N, C, H, W) or (C, H, W) -> (N, C, H_out, W_out); stride defaults to kernel_size."""
    return max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices,
                    n=2, name="max_pool2d")


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """x (N, C, D, H, W) or (C, D, H, W) -> (N, C, D_out, H_out, W_out)"""
    return max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices,
                    n=3, name="max_pool3d")


# ---- average pooling --------------------------------------------------------------------------

def _window_counts(device, sizes, kernel, stride, pads, count_include_pad):
    """How many elements each window averages over, (1, 1, *L): the elements of the input, plus
    its zero padding when count_include_pad (never the extra right padding of ceil_mode)."""
    xp = device.xp
    counted = xp.ones((1, 1) + tuple(sizes))
    if count_include_pad:
        counted = xp.pad(counted, ((0, 0), (0, 0)) + tuple((lo, lo) for lo, _ in pads),
                         constant_values=1)
        pads = tuple((0, hi - lo) for lo, hi in pads)
    win = windows(device, counted, kernel, stride, pads, (1,) * len(kernel))
    return win.sum(axis=tuple(range(-len(kernel), 0)))


def avg_pool(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
             divisor_override=None, *, n, name):
    """Mean over windows of the last n dimensions: a convolution of every channel with a kernel
    of ones, divided by each window's count (or by divisor_override)."""
    x, unbatched = _batched(input, n, name)
    x = floating(x, name)
    kernel, stride, pads, dilation, out = _pool_geometry(x, n, kernel_size, stride, padding, 1,
                                                         ceil_mode, name)
    if divisor_override is not None and (not isinstance(divisor_override, int) or
                                         divisor_override == 0):
        raise RuntimeError(f"{name}(): divisor must be a non-zero integer, got "
                           f"divisor_override={divisor_override!r}")
    N, C = x.shape[:2]
    device = x.device
    ones = _wrap(device.xp.ones((1, 1) + kernel, dtype=x._data.dtype), device)
    sums = Conv.apply(x.reshape((N * C, 1) + tuple(x.shape[2:])), ones, None, stride, pads,
                      dilation, 1)
    sums = sums.reshape((N, C) + out)
    if divisor_override is not None:
        y = sums / divisor_override
    else:
        counts = _window_counts(device, x.shape[2:], kernel, stride, pads, count_include_pad)
        if bool((counts == math.prod(kernel)).all()):
            y = sums / math.prod(kernel)
        else:
            y = sums / _wrap(counts.astype(x._data.dtype), device)
    return y.squeeze(0) if unbatched else y


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    return avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, None,
                    n=1, name="avg_pool1d")


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """x (N, C, H, W) or (C, H, W) -> (N, C, H_out, W_out); stride defaults to kernel_size."""
    return avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                    divisor_override, n=2, name="avg_pool2d")


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    return avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                    divisor_override, n=3, name="avg_pool3d")


# ---- adaptive pooling -------------------------------------------------------------------------

def _adaptive_sizes(x, output_size, n, name):
    """The output's spatial size: output_size as an int or tuple, None entries keep the input's."""
    if isinstance(output_size, int):
        output_size = (output_size,) * n
    output_size = tuple(output_size)
    if len(output_size) != n:
        raise ValueError(f"{name}(): output_size must be an int or {n} ints, got {output_size}")
    out = tuple(s if o is None else int(o) for o, s in zip(output_size, x.shape[2:]))
    if any(o <= 0 for o in out):
        raise RuntimeError(f"{name}(): output_size must be positive, got {output_size}")
    if any(s == 0 for s in x.shape[2:]):
        raise RuntimeError(f"{name}(): expected input with non-zero spatial sizes, but got input "
                           f"of size {list(x.shape)}")
    return out


def _bins(size, out):
    """Output cell i of an adaptive pool covers input [⌊i·S/O⌋, ⌈(i+1)·S/O⌉)."""
    i = np.arange(out)
    return (i * size) // out, -((-(i + 1) * size) // out)


def per_dimension(x, matrices):
    """y = x with spatial dimension i (of x's last n) mapped by the host matrix matrices[i]
    (O_i, S_i): y[..., o, ...] = Σ_s A[o, s]·x[..., s, ...], one matmul per dimension."""
    for i, a in enumerate(matrices):
        d = x.ndim - len(matrices) + i
        a = _wrap(x.device.backend.from_host(np.ascontiguousarray(a.T, dtype=x._data.dtype)),
                  x.device)
        x = (x.movedim(d, -1) @ a).movedim(-1, d)
    return x


def adaptive_avg_pool(input, output_size, *, n, name):
    x, unbatched = _batched(input, n, name)
    x = floating(x, name)
    out = _adaptive_sizes(x, output_size, n, name)
    sizes = x.shape[2:]
    if all(s % o == 0 for s, o in zip(sizes, out)):
        # equal bins: view each dimension as (out, S/out) and average the inner one
        split = sum(((o, s // o) for o, s in zip(out, sizes)), ())
        y = x.reshape(x.shape[:2] + split).mean(tuple(range(3, 3 + 2 * n, 2)))
    else:
        matrices = []
        for s, o in zip(sizes, out):
            start, stop = _bins(s, o)
            j = np.arange(s)
            inside = (j >= start[:, None]) & (j < stop[:, None])
            matrices.append(inside / (stop - start)[:, None])    # (O_i, S_i): rows sum to 1
        y = per_dimension(x, matrices)
    return y.squeeze(0) if unbatched else y


def adaptive_avg_pool1d(input, output_size):
    return adaptive_avg_pool(input, output_size, n=1, name="adaptive_avg_pool1d")


def adaptive_avg_pool2d(input, output_size):
    """x (N, C, H, W) or (C, H, W) -> (N, C, *output_size); cell i of each dimension averages
    input [⌊i·S/O⌋, ⌈(i+1)·S/O⌉)."""
    return adaptive_avg_pool(input, output_size, n=2, name="adaptive_avg_pool2d")


def adaptive_avg_pool3d(input, output_size):
    return adaptive_avg_pool(input, output_size, n=3, name="adaptive_avg_pool3d")


def adaptive_max_pool(input, output_size, return_indices=False, *, n, name):
    x, unbatched = _batched(input, n, name)
    out = _adaptive_sizes(x, output_size, n, name)
    sizes = x.shape[2:]
    coords = []
    for s, o in zip(sizes, out):
        start, stop = _bins(s, o)
        width = int((stop - start).max())
        # cells narrower than the widest repeat their last element: the maximum is unchanged
        coords.append(np.minimum(start[:, None] + np.arange(width)[None, :], stop[:, None] - 1))
    device = x.device
    picks = []
    for i, c in enumerate(coords):
        shape = [1] * (2 * n)
        shape[i], shape[n + i] = c.shape
        picks.append(device.backend.from_host(c.reshape(shape)))
    win = x._data[(slice(None), slice(None)) + tuple(picks)]        # (N, C, *out, *width)
    index = _argmax_index(device, win, coords, sizes, shifted=False)
    return _picked(x, index, all(s % o == 0 for s, o in zip(sizes, out)), unbatched,
                   return_indices)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    return adaptive_max_pool(input, output_size, return_indices, n=1, name="adaptive_max_pool1d")


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """x (N, C, H, W) or (C, H, W) -> (N, C, *output_size): the max of each adaptive cell."""
    return adaptive_max_pool(input, output_size, return_indices, n=2, name="adaptive_max_pool2d")


def adaptive_max_pool3d(input, output_size, return_indices=False):
    return adaptive_max_pool(input, output_size, return_indices, n=3, name="adaptive_max_pool3d")


# ---- the (values, indices) forms, as torch.nn.functional names them ---------------------------

def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    """max_pool1d's (values, indices), whatever return_indices says (as PyTorch)."""
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    return max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=False):
    """adaptive_max_pool1d's (values, indices), whatever return_indices says (as PyTorch)."""
    return adaptive_max_pool1d(input, output_size, True)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=False):
    return adaptive_max_pool2d(input, output_size, True)


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=False):
    return adaptive_max_pool3d(input, output_size, True)


# ---- power-average pooling --------------------------------------------------------------------

def lp_pool(input, norm_type, kernel_size, stride=None, ceil_mode=False, *, n, name):
    """y = (Σ_window x^p)^(1/p), p = norm_type: p = 1 sums each window, p → ∞ takes its max.
    Computed as PyTorch does, (avg_pool(x^p)·K)^(1/p), so a window that ceil_mode cuts short
    is scaled up to the full kernel size K."""
    kernel = _ntuple(kernel_size, n, "kernel_size", name)
    require_tensor(input, name)
    means = avg_pool(input.pow(norm_type), kernel, stride, 0, ceil_mode, n=n, name=name)
    return (means * math.prod(kernel)).pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """x (N, C, L) or (C, L) -> (N, C, L_out):  y = (Σ_window x^p)^(1/p)"""
    return lp_pool(input, norm_type, kernel_size, stride, ceil_mode, n=1, name="lp_pool1d")


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """x (N, C, H, W) or (C, H, W) -> (N, C, H_out, W_out):  y = (Σ_window x^p)^(1/p)"""
    return lp_pool(input, norm_type, kernel_size, stride, ceil_mode, n=2, name="lp_pool2d")


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    return lp_pool(input, norm_type, kernel_size, stride, ceil_mode, n=3, name="lp_pool3d")


# ---- max unpooling ----------------------------------------------------------------------------

def _unpool_size(x, kernel, stride, padding, output_size, name):
    """The output's spatial size: (S − 1)·s + K − 2p per dimension, or output_size (n values, or
    n + 2 with batch and channels), which may differ from that by less than one stride."""
    n = len(kernel)
    default = tuple((s - 1) * st + k - 2 * p
                    for s, st, k, p in zip(x.shape[2:], stride, kernel, padding))
    if output_size is None:
        return default
    output_size = tuple(int(o) for o in output_size)
    if len(output_size) == n + 2:
        output_size = output_size[2:]
    if len(output_size) != n:
        raise ValueError(f"{name}(): output_size should be a sequence containing {n} or {n + 2} "
                         f"elements, but it has a length of '{len(output_size)}'")
    for d, (o, s, st) in enumerate(zip(output_size, default, stride)):
        if not s - st < o < s + st:
            raise ValueError(f'{name}(): invalid output_size "{output_size}" (dim {d} must be '
                             f'between {s - st} and {s + st})')
    return output_size


def max_unpool(input, indices, kernel_size, stride=None, padding=0, output_size=None, *, n, name):
    """The partial inverse of max pooling: y = zeros of the pooled input's size, with each
    x[n, c, l] written at the place indices[n, c, l] (a flat index into the plane, as
    max_pool*d(return_indices=True) gives) names;  ∂L/∂x = g picked at those places."""
    require_tensor(input, name)
    require_tensor(indices, name, "indices")
    if indices.shape != input.shape:
        raise RuntimeError(f"{name}(): Expected shape of indices to be same as that of the input "
                           f"tensor ({list(input.shape)}) but got indices tensor with shape: "
                           f"{list(indices.shape)}")
    if indices.dtype.name != "int64":
        raise RuntimeError(f"{name}(): elements in indices should be type int64 but got: "
                           f"{SCALAR_TYPE_NAMES[indices.dtype.name]}")
    x, unbatched = _batched(input, n, name)
    kernel = _ntuple(kernel_size, n, "kernel_size", name)
    stride = kernel if stride is None else _ntuple(stride, n, "stride", name)
    padding = _ntuple(padding, n, "padding", name)
    out = _unpool_size(x, kernel, stride, padding, output_size, name)
    plane = math.prod(out)
    index = indices.unsqueeze(0) if unbatched else indices
    if index.numel():
        device = x.device
        lo, hi = device.backend.to_host(device.xp.stack([index._data.min(), index._data.max()]))
        if lo < 0 or hi >= plane:
            raise RuntimeError(f"{name}(): Found an invalid max index: {lo if lo < 0 else hi} "
                               f"(output volumes are of size {'x'.join(map(str, out))})")
    N, C = x.shape[:2]
    # the plane's index into y read as 1-d: each (n, c) plane starts (n·C + c)·plane further on
    starts = _wrap(x.device.xp.arange(N * C).reshape((N, C) + (1,) * n) * plane, x.device)
    y = Place.apply(x, index + starts, (N, C) + out, True)
    return y.squeeze(0) if unbatched else y


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """x (N, C, L) or (C, L) -> (N, C, L_out), L_out = (L − 1)·stride + kernel_size − 2·padding"""
    return max_unpool(input, indices, kernel_size, stride, padding, output_size, n=1,
                      name="max_unpool1d")


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """x (N, C, H, W) or (C, H, W) -> (N, C, H_out, W_out), each size
    (S − 1)·stride + kernel_size − 2·padding unless output_size says otherwise"""
    return max_unpool(input, indices, kernel_size, stride, padding, output_size, n=2,
                      name="max_unpool2d")


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    return max_unpool(input, indices, kernel_size, stride, padding, output_size, n=3,
                      name="max_unpool3d")
