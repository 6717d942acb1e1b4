"""Resizing images: interpolate (nearest, nearest-exact, linear, bilinear, trilinear, area) and
pixel_shuffle / pixel_unshuffle.

Every mode maps each output coordinate to input coordinates, one spatial dimension at a time:

    nearest        src = ⌊dst·scale⌋                  (clamped to the input)
    nearest-exact  src = ⌊(dst + ½)·scale⌋
    linear         src = (dst + ½)·scale − ½  (≥ 0),  or dst·(S−1)/(O−1) with align_corners;
                   y = (1−λ)·x[⌊src⌋] + λ·x[⌊src⌋+1],  λ = src − ⌊src⌋

with scale = S/O, or 1/scale_factor when a scale factor is given (PyTorch's rule unless
recompute_scale_factor=True). Nearest modes select rows (`index_select`); linear modes and
'area' multiply by a small interpolation matrix per dimension, so gradients of every order come
from the matmul and indexing ops.
"""
import math

import numpy as np

from .common import require_tensor, floating
from .indexing import index_select
from .pooling import per_dimension, adaptive_avg_pool
from ..tensor import _wrap

_MODES = {"nearest": None, "nearest-exact": None, "area": None,
          "linear": 1, "bilinear": 2, "trilinear": 3}


def _output_sizes(x, n, size, scale_factor, recompute_scale_factor):
    """The output's spatial size, and the scale of the coordinate map per dimension."""
    sizes = tuple(x.shape[2:])
    if (size is None) == (scale_factor is None):
        raise ValueError("interpolate(): either size or scale_factor should be defined, not both "
                         "and not neither")
    if size is not None:
        out = (int(size),) * n if isinstance(size, (int, np.integer)) else tuple(int(s) for s in size)
        if len(out) != n:
            raise ValueError(f"interpolate(): input of {n} spatial dimensions "
                             f"{list(x.shape)} needs size of {n} values, got {size}")
        scales = [s / o for s, o in zip(sizes, out)]
    else:
        factors = (float(scale_factor),) * n if isinstance(scale_factor, (int, float)) else \
            tuple(float(f) for f in scale_factor)
        if len(factors) != n:
            raise ValueError(f"interpolate(): input of {n} spatial dimensions "
                             f"{list(x.shape)} needs scale_factor of {n} values, got "
                             f"{scale_factor}")
        out = tuple(int(math.floor(s * f)) for s, f in zip(sizes, factors))
        scales = [s / o for s, o in zip(sizes, out)] if recompute_scale_factor else \
            [1 / f for f in factors]
    if any(o <= 0 for o in out):
        raise ValueError(f"interpolate(): output size {list(out)} must be positive (input "
                         f"{list(x.shape)})")
    return sizes, out, scales


def _linear_matrix(size, out, scale, align_corners):
    """(O, S): row o holds the weights (1−λ, λ) of the two input samples around src(o)."""
    dst = np.arange(out, dtype=np.float64)
    if align_corners:
        src = dst * ((size - 1) / (out - 1) if out > 1 else 0.0)
    else:
        src = np.maximum((dst + 0.5) * scale - 0.5, 0.0)
    lo = np.minimum(np.floor(src).astype(np.int64), size - 1)
    hi = np.minimum(lo + 1, size - 1)
    lam = src - lo
    matrix = np.zeros((out, size))
    np.add.at(matrix, (np.arange(out), lo), 1 - lam)
    np.add.at(matrix, (np.arange(out), hi), lam)
    return matrix


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resize the spatial dimensions of x (N, C, *S) to `size` or by `scale_factor`; see the
    module text for the coordinate maps."""
    require_tensor(input, "interpolate")
    if mode not in _MODES:
        raise NotImplementedError(f"interpolate(): mode {mode!r} is not supported; use one of "
                                  f"{', '.join(_MODES)}")
    n = input.ndim - 2
    if n < 1:
        raise ValueError(f"interpolate(): expected an input of shape (N, C, *spatial), got "
                         f"{list(input.shape)}")
    if _MODES[mode] is not None and _MODES[mode] != n:
        raise NotImplementedError(f"interpolate(): mode {mode!r} needs {_MODES[mode] + 2}-D input, "
                                  f"got {input.ndim}-D input of shape {list(input.shape)}")
    if align_corners is not None and _MODES[mode] is None:
        raise ValueError("align_corners option can only be set with the interpolating modes: "
                         "linear | bilinear | trilinear")
    if antialias:
        raise NotImplementedError("interpolate(): antialias=True is not supported")
    sizes, out, scales = _output_sizes(input, n, size, scale_factor, recompute_scale_factor)
    if mode == "area":
        return adaptive_avg_pool(input, out, n=n, name="interpolate")
    if mode in ("nearest", "nearest-exact"):
        shift = 0.5 if mode == "nearest-exact" else 0.0
        y = input
        for i, (s, o, scale) in enumerate(zip(sizes, out, scales)):
            src = np.minimum(np.floor((np.arange(o) + shift) * scale).astype(np.int64), s - 1)
            index = _wrap(input.device.backend.from_host(src), input.device)
            y = index_select(y, 2 + i, index)
        return y
    x = floating(input, "interpolate")
    return per_dimension(x, [_linear_matrix(s, o, scale, bool(align_corners))
                             for s, o, scale in zip(sizes, out, scales)])


def pixel_shuffle(input, upscale_factor):
    """(*, C·r², H, W) -> (*, C, H·r, W·r): y[c, h·r + i, w·r + j] = x[c·r² + i·r + j, h, w]"""
    require_tensor(input, "pixel_shuffle")
    r = int(upscale_factor)
    if input.ndim < 3 or input.shape[-3] % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible "
                           f"by the square of upscale_factor, but input.size(-3)="
                           f"{input.shape[-3] if input.ndim >= 3 else None} is not divisible by "
                           f"{r * r}")
    *lead, c, h, w = input.shape
    k = len(lead)
    y = input.reshape(tuple(lead) + (c // (r * r), r, r, h, w))
    y = y.permute(tuple(range(k)) + (k, k + 3, k + 1, k + 4, k + 2))
    return y.reshape(tuple(lead) + (c // (r * r), h * r, w * r))


def pixel_unshuffle(input, downscale_factor):
    """(*, C, H·r, W·r) -> (*, C·r², H, W), the inverse of pixel_shuffle."""
    require_tensor(input, "pixel_unshuffle")
    r = int(downscale_factor)
    if input.ndim < 3 or input.shape[-1] % r or input.shape[-2] % r:
        raise RuntimeError(f"pixel_unshuffle expects height and width to be divisible by "
                           f"downscale_factor={r}, but got input of size {list(input.shape)}")
    *lead, c, h, w = input.shape
    k = len(lead)
    y = input.reshape(tuple(lead) + (c, h // r, r, w // r, r))
    y = y.permute(tuple(range(k)) + (k, k + 2, k + 4, k + 1, k + 3))
    return y.reshape(tuple(lead) + (c * r * r, h // r, w // r))
