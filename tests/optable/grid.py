"""Op table rows: affine_grid (2-D and 3-D) and grid_sample (bilinear and nearest, 4-D and 5-D
input, every padding mode, with and without align_corners).

The references are plain loops over output points, written from PyTorch's documentation of
the coordinate conventions, not from mytorch's code: a pixel coordinate per dimension, folded
into the image by a periodic reflection (period 2(S − 1), or 2S about −½ without
align_corners) or clipped, then the 2ⁿ neighbours weighed (bilinear) or the nearest one read,
zero outside the image. `tests/nn/test_grid_sample_gumbel.py` uses them too.

The samples put every pixel coordinate (before folding) a quarter of a pixel (± 0.1) from the
integers: away from bilinear's kinks at pixel centres, nearest's jumps at half-pixels, and the
reflection and clipping bounds (integers or half-integers), so finite differences are valid.
"""
import itertools
import math
import warnings

import numpy as np

import mytorch as mt
from .spec import OpSpec, Sample, uniform


# ---- references ---------------------------------------------------------------------------------

def _linspace_ref(size, align_corners):
    """Normalized coordinates of the pixel centres: −1 + 2k/(S−1), or (2k+1)/S − 1; 0 if S = 1."""
    if size == 1:
        return [0.0]
    if align_corners:
        return [-1 + 2 * k / (size - 1) for k in range(size)]
    return [(2 * k + 1) / size - 1 for k in range(size)]


def affine_grid_ref(theta, size, align_corners):
    """grid[n, *l] = θ[n] · (x, y[, z], 1), x over the last dimension of `size`."""
    spatial = tuple(size[2:])
    n = len(spatial)
    axes = [_linspace_ref(s, align_corners) for s in spatial]
    grid = np.zeros((size[0],) + spatial + (n,))
    for b in range(size[0]):
        for l in np.ndindex(*spatial):
            point = [axes[j][l[j]] for j in reversed(range(n))] + [1.0]
            grid[(b,) + l] = theta[b] @ np.array(point)
    return grid


def _fold(i, size, padding_mode, align_corners):
    """The pixel coordinate i folded into the image by padding_mode (zeros: unchanged)."""
    if padding_mode == "reflection":
        if align_corners:
            if size == 1:
                return 0.0
            period = 2 * (size - 1)
            t = i % period
            i = period - t if t > size - 1 else t
        else:
            period = 2 * size
            t = (i + 0.5) % period
            i = (period - t if t > size else t) - 0.5
    if padding_mode in ("border", "reflection"):
        i = min(max(i, 0.0), size - 1.0)
    return i


def grid_sample_ref(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False):
    """y[n, c, *l] = Σ over the neighbours p of the point grid[n, *l] of weight(p)·x[n, c, p]."""
    N, C = x.shape[:2]
    sizes = x.shape[2:]
    n = len(sizes)
    out = grid.shape[1:-1]
    y = np.zeros((N, C) + out)
    for b in range(N):
        for l in np.ndindex(*out):
            # grid[..., 0] is x (the last dimension), grid[..., 1] is y, grid[..., 2] is z
            coords = grid[(b,) + l][::-1]
            pixel = []
            for c, s in zip(coords, sizes):
                i = (c + 1) / 2 * (s - 1) if align_corners else ((c + 1) * s - 1) / 2
                pixel.append(_fold(i, s, padding_mode, align_corners))
            if mode == "nearest":
                choices = [[(int(np.rint(i)), 1.0)] for i in pixel]
            else:
                choices = [[(math.floor(i), 1 - (i - math.floor(i))),
                            (math.floor(i) + 1, i - math.floor(i))] for i in pixel]
            for corner in itertools.product(*choices):
                where = tuple(p for p, _ in corner)
                if all(0 <= p < s for p, s in zip(where, sizes)):
                    weight = math.prod(w for _, w in corner)
                    y[(b, slice(None)) + l] += weight * x[(b, slice(None)) + where]
    return y


# ---- samples ------------------------------------------------------------------------------------

def grid_points(rng, shape, sizes, align_corners, reach=1.0):
    """A grid (N, *out, n) whose pixel coordinates lie a quarter pixel (± 0.1) from integers,
    between about −reach·S and (1 + reach)·S along each dimension (outside the image too)."""
    n = len(sizes)
    grid = np.empty(tuple(shape) + (n,))
    for a in range(n):
        s = sizes[n - 1 - a]                  # grid[..., a] addresses dimension n − 1 − a of x
        whole = rng.integers(-math.ceil(reach * s), math.ceil((1 + reach) * s), size=shape)
        pixel = whole + rng.choice([0.25, 0.75], size=shape) + rng.uniform(-0.1, 0.1, size=shape)
        grid[..., a] = pixel / (s - 1) * 2 - 1 if align_corners else (2 * pixel + 1) / s - 1
    return grid


def _grid_samples(mode, padding_mode, align_corners):
    reach = 1.5 if padding_mode == "reflection" else 0.4   # several reflections; a margin

    def samples(rng):
        cases = [((2, 3, 4, 5), (2, 3, 2)), ((1, 2, 3, 4), (1, 5, 4)),
                 ((1, 2, 2, 3, 4), (1, 2, 3, 2))]
        out = []
        for x_shape, grid_shape in cases:
            x = uniform(rng, x_shape)
            grid = grid_points(rng, grid_shape, x_shape[2:], align_corners, reach)
            out.append(Sample((x, grid), {"mode": mode, "padding_mode": padding_mode,
                                          "align_corners": align_corners}))
        return out
    return samples


def _affine_samples(n):
    def samples(rng):
        sizes = [(2, 3, 4, 5), (1, 1, 1, 3)] if n == 2 else [(2, 1, 2, 3, 4), (1, 2, 3, 1, 2)]
        return [Sample((uniform(rng, (size[0], n, n + 1)),),
                       {"size": size, "align_corners": align})
                for size in sizes for align in (True, False)]
    return samples


def _grid_row(mode, padding_mode, align_corners):
    return OpSpec(f"nn.functional.grid_sample[{mode},{padding_mode},"
                  f"align_corners={align_corners}]",
                  lambda x, grid, **kw: mt.nn.functional.grid_sample(x, grid, **kw),
                  grid_sample_ref, _grid_samples(mode, padding_mode, align_corners))


def _affine_grid(theta, **kw):
    with warnings.catch_warnings():           # the unit-size sample warns, as in PyTorch
        warnings.simplefilter("ignore", UserWarning)
        return mt.nn.functional.affine_grid(theta, **kw)


REQUIRED = {"nn.functional.affine_grid", "nn.functional.grid_sample"}

SPECS = [
    OpSpec("nn.functional.affine_grid[2d]", _affine_grid, affine_grid_ref, _affine_samples(2)),
    OpSpec("nn.functional.affine_grid[3d]", _affine_grid, affine_grid_ref, _affine_samples(3)),
] + [_grid_row(mode, padding_mode, align_corners)
     for mode in ("bilinear", "nearest")
     for padding_mode in ("zeros", "border", "reflection")
     for align_corners in (True, False)]
