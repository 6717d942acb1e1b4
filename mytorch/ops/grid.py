"""Sampling at points: affine_grid and grid_sample (a spatial transformer's two halves), as
torch.nn.functional's.

grid_sample reads x (N, C, H, W) at the points of grid (N, Hₒ, Wₒ, 2), given in normalized
coordinates (x, y) ∈ [−1, 1]² (x across the width, y down the height), and returns
y (N, C, Hₒ, Wₒ). For 5-D x (N, C, D, H, W) the grid is (N, Dₒ, Hₒ, Wₒ, 3) of (x, y, z).
Each coordinate becomes a pixel coordinate i along its dimension of size S (PyTorch's
grid_sampler_compute_source_index):

    i = (c + 1)/2 · (S − 1)          align_corners=True: ±1 are the centres of the corner pixels
    i = ((c + 1)·S − 1)/2            align_corners=False: ±1 are their outer edges

then padding_mode='border' clips i to [0, S − 1]; 'reflection' first folds i back into
[0, S − 1] (align_corners) or [−½, S − ½] by reflecting it at those bounds, then clips; 'zeros'
leaves i as it is and reads zeros outside the image. So i = d·c + b locally, with slope
d = ±S/2 or ±(S − 1)/2 (0 where clipped). Bilinear (trilinear in 3-D) mode weighs the 2ⁿ
pixels around i:

    y = Σ_corners Π_j w_j · x[corner],   w_j = 1 − f_j (lower neighbour) or f_j (upper),
    f_j = i_j − ⌊i_j⌋;  a corner outside the image has weight 0

    ∂L/∂x[corner] += g · Π_j w_j                       (a scatter-add: corners repeat)
    ∂L/∂c_j = d_j · Σ_corners g · x[corner] · ±Π_{l≠j} w_l

Nearest mode reads the pixel at round(i) (half to even, as PyTorch's nearbyint); its
gradient with respect to the grid is zero. GridSample computes on arrays, forward and (without
create_graph) backward; with create_graph=True autograd differentiates the same sum written in
tensor ops (`_grid_sample_steps`), so gradients of gradients are exact.

affine_grid(θ, size) is the grid of θ applied to the pixel centres of the output,
grid[n, h, w] = θ[n]·(x_w, y_h, 1): a matmul of θ with a constant base grid.
"""
import math
import warnings
from itertools import product

import numpy as np

from .common import require_tensor, zeros_like
from .linalg import matmul
from ..autograd.function import Function, backward_by_autograd
from ..autograd.grad_mode import is_grad_enabled
from ..tensor import _wrap

_ALIGN_WARNING = ("Default grid_sample and affine_grid behavior has changed to "
                  "align_corners=False since 1.3.0. Please specify align_corners=True if the old "
                  "behavior is desired. See the documentation of grid_sample for details.")


# ---- affine_grid ------------------------------------------------------------------------------

def _base_coordinates(size, align_corners):
    """The normalized coordinates of the pixel centres along a dimension of `size`: the points
    of linspace(−1, 1, S), scaled by (S − 1)/S without align_corners; 0 for S = 1."""
    if size <= 1:
        return np.zeros(1)
    points = np.linspace(-1.0, 1.0, size)
    return points if align_corners else points * (size - 1) / size


def affine_grid(theta, size, align_corners=None):
    """The sampling grid of the affine maps θ for an output of `size`:
    θ (N, 2, 3), size (N, C, H, W) -> grid (N, H, W, 2), grid[n, h, w] = θ[n]·(x_w, y_h, 1);
    θ (N, 3, 4), size (N, C, D, H, W) -> grid (N, D, H, W, 3).  ∂L/∂θ[n] = Σ ∂L/∂grid ⊗ base."""
    require_tensor(theta, "affine_grid", "theta")
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    size = tuple(int(s) for s in size)
    if len(size) not in (4, 5):
        raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D "
                                  f"affine transforms, respectively. Got size {size}.")
    n = len(size) - 2
    if theta.ndim != 3 or tuple(theta.shape[1:]) != (n, n + 1):
        raise ValueError(f"Expected a batch of {n}D affine matrices of shape Nx{n}x{n + 1} for "
                         f"size {size}. Got {list(theta.shape)}.")
    spatial = size[2:]
    if align_corners and min(spatial) == 1:
        warnings.warn("Since version 1.3.0, affine_grid behavior has changed for unit-size grids "
                      "when align_corners=True. This is not an intended use case of affine_grid. "
                      "See the documentation of affine_grid for details.", stacklevel=2)
    elif min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {size}")
    if theta.shape[0] != size[0]:
        raise ValueError(f"affine_grid(): theta holds {theta.shape[0]} matrices but size asks "
                         f"for a batch of {size[0]} (size {size})")
    # base[..., :] = (x, y[, z], 1) at every output pixel; x runs along the last dimension
    axes = [_base_coordinates(s, align_corners) for s in spatial]
    mesh = np.meshgrid(*axes, indexing="ij")
    base = np.stack(list(mesh[::-1]) + [np.ones(spatial)], axis=-1).reshape(-1, n + 1)
    base = _wrap(theta.device.backend.from_host(base.astype(theta._data.dtype)), theta.device)
    grid = matmul(base, theta.transpose(1, 2))            # (H·W, n+1) @ (N, n+1, n)
    return grid.reshape((size[0],) + spatial + (n,))


# ---- grid_sample ------------------------------------------------------------------------------

def _source_index(xp, c, size, padding_mode, align_corners):
    """The pixel coordinate i of the normalized coordinates c along a dimension of `size`, and
    its slope di/dc (see the module text)."""
    if align_corners:
        scale = (size - 1) / 2
        i = (c + 1) * scale
    else:
        scale = size / 2
        i = ((c + 1) * size - 1) / 2
    slope = xp.full(c.shape, scale, dtype=c.dtype)
    if padding_mode == "zeros":
        return i, slope
    if padding_mode == "reflection":
        low, high = (0, size - 1) if align_corners else (-0.5, size - 0.5)
        if high == low:                          # a single pixel: every point reads it
            return xp.zeros_like(i), xp.zeros_like(slope)
        span = high - low
        t = i - low
        slope = xp.where(t < 0, -slope, slope)
        t = xp.abs(t)
        flips = xp.floor(t / span)
        odd = flips % 2 == 1                     # an odd number of reflections runs backwards
        extra = xp.fmod(t, span)
        i = xp.where(odd, span - extra, extra) + low
        slope = xp.where(odd, -slope, slope)
    inside = (i > 0) & (i < size - 1)            # clipped coordinates have slope 0
    return xp.clip(i, 0, size - 1), slope * inside


def _corners(xp, grid, sizes, mode, padding_mode, align_corners):
    """Where each grid point reads x, for M = N·(points per image) points:

    fracs, slopes  per spatial dimension j of x (in x's order): f_j (bilinear; None for nearest)
                   and di_j/dc, each (M,)
    corners        [(rows, inside, bits)]: the row of x read in channels-last form (N·ΠS, C),
                   (M,) int64 (clamped into the image); 1 where that pixel is in the image,
                   0 where not (in grid's dtype); bits[j] = 1 for the upper neighbour along j
    """
    n = len(sizes)
    points = grid.reshape(-1, n)
    batch = grid.shape[0]
    fracs, slopes, lows = [], [], []
    for j, size in enumerate(sizes):
        i, slope = _source_index(xp, points[:, n - 1 - j], size, padding_mode, align_corners)
        if mode == "nearest":
            lows.append(xp.rint(i))
            fracs.append(None)
        else:
            low = xp.floor(i)
            lows.append(low)
            fracs.append(i - low)
        slopes.append(slope)
    plane = math.prod(sizes)
    first = xp.arange(batch, dtype=xp.int64) * plane      # the first row of each image
    first = xp.repeat(first, points.shape[0] // batch if batch else 0)
    corners = []
    for bits in product((0, 1), repeat=n) if mode == "bilinear" else [(0,) * n]:
        rows, inside = first, None
        for j, (low, bit, size) in enumerate(zip(lows, bits, sizes)):
            at = low + bit
            within = (at >= 0) & (at <= size - 1)
            inside = within if inside is None else inside & within
            # NaN or far-out coordinates become 0 before the cast (the corner's weight is 0)
            rows = rows + xp.where(within, at, 0).astype(xp.int64) * math.prod(sizes[j + 1:])
        corners.append((rows, inside.astype(grid.dtype), bits))
    return fracs, slopes, corners


def _channels_last(x):
    """(N, C, *S) -> (N·ΠS, C): row r holds the C channels of one pixel."""
    return x.reshape(x.shape[0], x.shape[1], -1).swapaxes(1, 2).reshape(-1, x.shape[1])


def _channels_first(xp, rows, lead):
    """(N·ΠS, C) -> (N, C, *S), contiguous; lead = (N, *S)."""
    return xp.ascontiguousarray(xp.moveaxis(rows.reshape(tuple(lead) + rows.shape[-1:]), -1, 1))


def _weight(fracs, bits, skip=None):
    """Π_j w_j over the dimensions j ≠ skip (1 − f_j for the lower neighbour, f_j the upper)."""
    weight = 1.0
    for j, (f, bit) in enumerate(zip(fracs, bits)):
        if j != skip and f is not None:
            weight = weight * (f if bit else 1 - f)
    return weight


class GridSample(Function):
    """y = grid_sample(x, grid); see the module text for the sum and its gradient."""
    @staticmethod
    def forward(ctx, x, grid, mode, padding_mode, align_corners):
        xp = ctx.xp
        ctx.options = (mode, padding_mode, align_corners)
        ctx.save_for_backward(x, grid)
        sizes = x.shape[2:]
        fracs, _, corners = _corners(xp, grid, sizes, *ctx.options)
        pixels = _channels_last(x)
        y = 0
        for rows, inside, bits in corners:
            y = y + pixels[rows] * (_weight(fracs, bits) * inside)[:, None]
        return _channels_first(xp, y, grid.shape[:-1])

    @staticmethod
    def backward(ctx, g):
        x, grid = ctx.saved_tensors
        if is_grad_enabled():
            gx, ggrid, *rest = backward_by_autograd(
                ctx, lambda x, grid, *options: (_grid_sample_steps(x, grid, *options),), (g,))
            if ggrid is None and ctx.needs_input_grad[1]:     # nearest: zeros, as PyTorch
                ggrid = zeros_like(grid)
            return (gx, ggrid, *rest)
        xp, need_x, need_grid = ctx.xp, ctx.needs_input_grad[0], ctx.needs_input_grad[1]
        x, grid, g = x._data, grid._data, g._data
        sizes, n = x.shape[2:], x.ndim - 2
        fracs, slopes, corners = _corners(xp, grid, sizes, *ctx.options)
        gy = _channels_last(g)                   # (M, C)
        gx = ggrid = None
        if need_x:
            rows = xp.concatenate([r for r, _, _ in corners])
            values = xp.concatenate([gy * (_weight(fracs, bits) * inside)[:, None]
                                     for _, inside, bits in corners])
            out = xp.zeros((x.shape[0] * math.prod(sizes), x.shape[1]), dtype=x.dtype)
            ctx.device.backend.scatter_add(out, rows, values)
            gx = _wrap(_channels_first(xp, out, (x.shape[0],) + sizes), ctx.device)
        if need_grid:
            per_point = xp.zeros((gy.shape[0], n), dtype=grid.dtype)     # ∂L/∂c, point by point
            if ctx.options[0] == "bilinear":
                pixels = _channels_last(x)
                for rows, inside, bits in corners:
                    gv = (gy * pixels[rows]).sum(axis=1) * inside       # ∂L/∂(corner weight)
                    for j, bit in enumerate(bits):
                        dw = _weight(fracs, bits, skip=j)
                        per_point[:, n - 1 - j] += gv * (dw if bit else -dw)
                for j, slope in enumerate(slopes):
                    per_point[:, n - 1 - j] *= slope
            ggrid = _wrap(per_point.reshape(grid.shape), ctx.device)
        return gx, ggrid, None, None, None


def _grid_sample_steps(x, grid, mode, padding_mode, align_corners):
    """grid_sample in tensor ops, the definition autograd differentiates for create_graph: the
    same corners, each fraction written as f_j = d_j·c_j + b_j (b_j a constant), a function of
    the grid tensor c (exact near c, as i is piecewise linear in c), the pixels picked by
    indexing."""
    xp, device = x.device.xp, x.device
    sizes, n = tuple(x.shape[2:]), x.ndim - 2
    fracs, slopes, corners = _corners(xp, grid._data, sizes, mode, padding_mode, align_corners)
    points = grid.reshape(-1, n)
    data = grid._data.reshape(-1, n)
    const = lambda a: _wrap(a, device)             # noqa: E731
    if mode == "bilinear":
        fracs = [points[:, n - 1 - j] * const(slope) + const(f - data[:, n - 1 - j] * slope)
                 for j, (f, slope) in enumerate(zip(fracs, slopes))]
    channels = x.shape[1]                          # the rows of _channels_last, (N·ΠS, C)
    pixels = x.reshape(x.shape[0], channels, -1).transpose(1, 2).reshape(-1, channels)
    y = 0
    for rows, inside, bits in corners:
        weight = _weight(fracs, bits) * const(inside)
        y = y + pixels[const(rows)] * weight.unsqueeze(1)
    out = y.reshape((grid.shape[0],) + tuple(grid.shape[1:-1]) + (x.shape[1],))
    return out.movedim(-1, 1)


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    """Sample input (N, C, H, W) at the points grid (N, Hₒ, Wₒ, 2) ∈ [−1, 1] -> (N, C, Hₒ, Wₒ)
    (5-D: input (N, C, D, H, W), grid (N, Dₒ, Hₒ, Wₒ, 3)); mode 'bilinear' | 'nearest',
    padding_mode 'zeros' | 'border' | 'reflection'. See the module text."""
    require_tensor(input, "grid_sample")
    require_tensor(grid, "grid_sample", "grid")
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', "
                         f"'nearest' or 'bicubic', but got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', "
                         f"'border', or 'reflection', but got: '{padding_mode}'")
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    shapes = f"input with sizes {list(input.shape)} and grid with sizes {list(grid.shape)}"
    if input.ndim not in (4, 5) or grid.ndim != input.ndim:
        raise RuntimeError(f"grid_sampler(): expected 4D or 5D input and grid with same number "
                           f"of dimensions, but got {shapes}")
    if input.shape[0] != grid.shape[0]:
        raise RuntimeError(f"grid_sampler(): expected grid and input to have same batch size, "
                           f"but got {shapes}")
    if grid.shape[-1] != input.ndim - 2:
        raise RuntimeError(f"grid_sampler(): expected grid to have size {input.ndim - 2} in last "
                           f"dimension, but got grid with sizes {list(grid.shape)}")
    for d in range(2, input.ndim):
        if input.shape[d] == 0:
            raise RuntimeError(f"grid_sampler(): expected input to have non-empty spatial "
                               f"dimensions, but input has sizes {list(input.shape)} with "
                               f"dimension {d} being empty")
    if not input.is_floating_point() or input.dtype != grid.dtype:
        raise RuntimeError(f"grid_sampler(): expected input and grid of one floating point "
                           f"dtype, but got input of dtype {input.dtype} and grid of dtype "
                           f"{grid.dtype}")
    if mode == "bicubic":
        if input.ndim == 5:
            raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
        raise NotImplementedError("grid_sample(): mode 'bicubic' is not supported; use 'bilinear' "
                                  "or 'nearest'")
    return GridSample.apply(input, grid, mode, padding_mode, bool(align_corners))
