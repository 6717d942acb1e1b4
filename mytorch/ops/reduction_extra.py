"""More reductions and statistics: kthvalue, nanmedian, msort, unique_consecutive, cov,
corrcoef, dist, renorm, histogram, trapezoid/trapz and cumulative_trapezoid.

Most are compositions of the ops in reduction.py, indexing.py and linalg.py (sort and gather
for order statistics, sums and matmul for moments), so their gradients, and gradients of
gradients, are those ops'. unique_consecutive and histogram count and have no gradient.
"""
import math
import warnings

from .arithmetic import isnan, where
from .common import floating, normalize_dim, require_tensor
from .elementwise import clamp, sqrt
from .indexing import argsort, gather, sort
from .linalg import matmul
from .reduction import _check_nonempty, amax, amin, cumsum, mean, norm, sum
from .shape import diagonal, narrow, squeeze
from .. import dtypes, return_types
from ..autograd.function import Function
from ..tensor import Tensor


# ---- order statistics ----------------------------------------------------------------------

def _order_statistic(input, dim, keepdim, position, result):
    """(values, indices) of the element of each slice along `dim` that sorts at `position`
    (an int, or a keepdim-shaped int64 tensor of positions): argsort, gather the index, gather
    the value; the gradient goes to that element."""
    d = normalize_dim(dim, input.ndim)
    if input.ndim == 0:
        from .reduction import _ArgReduce
        return result(input.clone(), _ArgReduce.apply(input, None, False, False))
    order = argsort(input, d)                        # stable; NaNs sort last
    if not isinstance(position, Tensor):
        from .reduction import _full_index
        position = _full_index(order, d, position)
    indices = gather(order, d, position)
    values = gather(input, d, indices)
    if not keepdim:
        values, indices = squeeze(values, d), squeeze(indices, d)
    return result(values, indices)


def kthvalue(input, k, dim=-1, keepdim=False):
    """(values, indices): the k-th smallest element (k counts from 1) of each slice along `dim`
    and where it is."""
    require_tensor(input, "kthvalue")
    d = normalize_dim(dim, input.ndim)
    n = input.shape[d] if input.ndim else 1
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d} "
                           f"(k={k}, size {n})")
    return _order_statistic(input, d, keepdim, k - 1, return_types.kthvalue)


def nanmedian(input, dim=None, keepdim=False):
    """The lower median of the non-NaN values (NaN where a slice holds only NaNs); with `dim`,
    (values, indices), as median."""
    require_tensor(input, "nanmedian")
    if dim is None:
        if input.numel() == 0 and input.is_floating_point():
            return input.sum() * float("nan")
        return nanmedian(input.reshape(-1), 0).values
    d = normalize_dim(dim, input.ndim)
    if input.ndim:
        _check_nonempty(input, (d,), "nanmedian")
    position = (input.shape[d] - 1) // 2 if input.ndim else 0
    if input.is_floating_point() and input.ndim:
        count = sum(~isnan(input), d, keepdim=True)       # the non-NaN values sort first
        position = where(count > 0, (count - 1) // 2, 0)
    return _order_statistic(input, d, keepdim, position, return_types.nanmedian)


def msort(input):
    """`input` sorted along its first dimension: sort(input, dim=0).values."""
    require_tensor(input, "msort")
    return sort(input, 0).values


class _UniqueConsecutive(Function):
    """The first element of each run of equal consecutive elements (or, with `dim`, of equal
    consecutive slices along dim), where each element's run is, and how long each run is."""
    @staticmethod
    def forward(ctx, x, dim):
        xp = ctx.xp
        rows = x.reshape(-1, 1) if dim is None else xp.moveaxis(x, dim, 0)
        flat = rows.reshape(rows.shape[0], math.prod(rows.shape[1:]))     # -1 fails for 0 rows
        change = xp.any(flat[1:] != flat[:-1], axis=1)
        starts = xp.concatenate([xp.ones(min(len(flat), 1), bool), change])
        first = xp.nonzero(starts)[0]
        values = rows[first]
        values = values.reshape(-1) if dim is None else xp.moveaxis(values, 0, dim)
        inverse = (xp.cumsum(starts) - 1).astype(xp.int64)
        if dim is None:
            inverse = inverse.reshape(x.shape)
        counts = xp.diff(xp.concatenate([first, xp.asarray([len(flat)])])).astype(xp.int64)
        ctx.mark_non_differentiable(values, inverse, counts)
        return values, inverse, counts


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """Each run of equal consecutive elements (flattened), or of equal consecutive slices along
    `dim`, collapsed to one; with return_inverse, the run of every element (input's shape, or
    the length of dim); with return_counts, each run's length. A tuple when either is asked."""
    require_tensor(input, "unique_consecutive")
    d = None if dim is None else normalize_dim(dim, input.ndim)
    if d is not None and input.ndim == 0:
        raise IndexError("unique_consecutive(): dim is not allowed for a 0-d tensor")
    values, inverse, counts = _UniqueConsecutive.apply(input, d)
    out = (values,) + ((inverse,) if return_inverse else ()) + ((counts,) if return_counts else ())
    return out if len(out) > 1 else values


# ---- moments: cov, corrcoef; distances: dist, renorm ---------------------------------------

def _check_weights(w, name, integral, n):
    require_tensor(w, "cov", name)
    if w.ndim > 1:
        raise RuntimeError(f"cov(): expected {name} to have one or fewer dimensions but got "
                           f"{name} with {w.ndim} dimensions")
    if w.numel() != n:
        raise RuntimeError(f"cov(): expected {name} to have the same numel as there are "
                           f"observations in the input but got {w.numel()} != {n}")
    kind = w._data.dtype.kind
    if integral and kind not in "iu":
        raise RuntimeError(f"cov(): expected {name} to have integral dtype but got {name} with "
                           f"{dtypes.SCALAR_TYPE_NAMES[w.dtype.name]} dtype")
    if not integral and kind != "f":
        raise RuntimeError(f"cov(): expected {name} to have floating point dtype but got {name} "
                           f"with {dtypes.SCALAR_TYPE_NAMES[w.dtype.name]} dtype")
    if n and bool((w < 0).any()):
        raise RuntimeError(f"cov(): {name} cannot be negative")


def cov(input, *, correction=1, fweights=None, aweights=None):
    """The covariance matrix of the variables in the rows of `input` (a 1-d input: one
    variable), observations in the columns. With weights w = fweights·aweights:

        x̄ = Σ w·x / Σ w,   C = (x − x̄)·diag(w)·(x − x̄)ᵀ / (Σ w − correction·Σ w·a / Σ w)

    (without aweights the denominator is Σ w − correction; without weights, N − correction).
    A single variable gives a 0-d tensor; integer input gives the default float dtype."""
    require_tensor(input, "cov")
    if input.ndim > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an "
                           f"input with {input.ndim} dimensions")
    x = floating(input, "cov")
    x = x.reshape(1, -1) if x.ndim < 2 else x
    n = x.shape[1]
    w = None
    if fweights is not None:
        _check_weights(fweights, "fweights", True, n)
        w = fweights.to(x.dtype)
    if aweights is not None:
        _check_weights(aweights, "aweights", False, n)
        w = aweights.to(x.dtype) if w is None else w * aweights.to(x.dtype)
    if w is None:
        w_sum = float(n)
        centered = x - mean(x, 1, keepdim=True)
        dof = w_sum - correction
    else:
        w_sum = sum(w)
        centered = x - sum(x * w, 1, keepdim=True) / w_sum
        dof = w_sum - correction * (1 if aweights is None else sum(w * aweights) / w_sum)
    if float(dof) <= 0:
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less "
                      "than the number of observations.", UserWarning, stacklevel=2)
        dof = 0.0 * dof
    weighted = centered if w is None else centered * w
    c = matmul(weighted, centered.mT) / dof
    return c.reshape(()) if c.shape == (1, 1) else c


def corrcoef(input):
    """Pearson's correlation coefficients of the rows of `input`: C / √(diag C · diag Cᵀ),
    C = cov(input), clipped to [−1, 1]."""
    c = cov(input)
    if c.ndim == 0:
        return c / c
    std = sqrt(diagonal(c))
    c = c / std.reshape(-1, 1) / std.reshape(1, -1)
    return clamp(c, -1, 1)


def dist(input, other, p=2):
    """The p-norm of input − other (broadcast), over all elements: a 0-d tensor."""
    require_tensor(input, "dist")
    require_tensor(other, "dist", "other")
    return norm(input - other, p)


def renorm(input, p, dim, maxnorm):
    """Each slice input.select(dim, i) whose p-norm exceeds `maxnorm` scaled down to norm
    `maxnorm` (by maxnorm / (norm + 1e-7), as PyTorch); the others unchanged."""
    require_tensor(input, "renorm")
    if input.ndim < 2:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {input.ndim} "
                           f"dimensions")
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    d = normalize_dim(dim, input.ndim)
    norms = norm(input, p, tuple(i for i in range(input.ndim) if i != d), keepdim=True)
    return input * where(norms > maxnorm, maxnorm / (norms + 1e-7), 1.0)


# ---- histogram -----------------------------------------------------------------------------

class _Histogram(Function):
    """Counts (or summed weights) of the elements of x in the bins between consecutive `edges`:
    bin i holds edges[i] ≤ x < edges[i+1], the last bin also x = edges[-1]; elements outside
    (and NaNs) are not counted. density: counts / (Σ counts · bin width). No gradient."""
    @staticmethod
    def forward(ctx, x, edges, weight, density):
        xp = ctx.xp
        flat = x.reshape(-1)
        bins = edges.shape[0] - 1
        inside = (flat >= edges[0]) & (flat <= edges[-1])
        position = xp.searchsorted(edges, xp.where(inside, flat, edges[0]), side="right") - 1
        position = xp.where(inside, xp.minimum(position, bins - 1), bins)   # outside: bin `bins`
        w = None if weight is None else weight.reshape(-1)
        hist = xp.bincount(position, weights=w, minlength=bins + 1)[:bins].astype(x.dtype)
        if density:
            total = hist.sum()
            hist = hist / (total * (edges[1:] - edges[:-1]))
        ctx.mark_non_differentiable(hist)
        return hist


def histogram(input, bins=100, *, range=None, weight=None, density=False):
    """(hist, bin_edges): a histogram of `input` (flattened, floating) with `bins` equal bins
    over `range` (default: the data's min and max, ±0.5 when they are equal), or with the
    bin edges given as a 1-d increasing tensor. `weight` (input's shape) weighs each element;
    density=True divides by the total and the bin widths, so the histogram integrates to 1."""
    from ..factories import linspace
    require_tensor(input, "histogram")
    if input._data.dtype.kind != "f":
        raise NotImplementedError(f"\"histogram\" not implemented for '{input.dtype.name}'")
    if weight is not None:
        require_tensor(weight, "histogram", "weight")
        if tuple(weight.shape) != tuple(input.shape):
            raise RuntimeError(f"torch.histogram: if weight tensor is provided, it should have "
                               f"the same shape as the input tensor excluding its innermost "
                               f"dimension, but got input with shape {list(input.shape)} and "
                               f"weight with shape {list(weight.shape)}")
        weight = weight.to(input.dtype)._data
    if isinstance(bins, Tensor):
        if bins.ndim != 1 or bins.numel() < 1:
            raise RuntimeError(f"torch.histogram(): bins tensor should have one dimension and at "
                               f"least 1 element, but got shape {list(bins.shape)}")
        if bins.dtype is not input.dtype:
            raise RuntimeError("torch.histogram: input tensor and bins tensors should have the "
                               f"same dtype, but got input {input.dtype} and bins {bins.dtype}")
        edges = bins.detach()
    else:
        if bins <= 0:
            raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for "
                               f"dimension 0")
        if range is not None:
            lo, hi = float(range[0]), float(range[1])
        elif input.numel():
            lo, hi = amin(input.detach()).item(), amax(input.detach()).item()
        else:
            lo, hi = 0.0, 1.0
        if lo > hi:
            raise RuntimeError(f"torch.histogram: min should not exceed max, but got min {lo:g} "
                               f"max {hi:g} for dimension 0")
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5
        edges = linspace(lo, hi, int(bins) + 1, dtype=input.dtype, device=input.device)
    hist = _Histogram.apply(input, edges._data, weight, bool(density))
    return return_types.histogram(hist, edges.clone())


# ---- integration by the trapezoid rule ------------------------------------------------------

def _trapezoid_parts(y, x, dx, dim, name):
    """(the mean of neighbouring y along dim, the spacing: a tensor of x's differences or the
    number dx), for ∫ y dx ≈ Σ (xᵢ₊₁ − xᵢ)(yᵢ + yᵢ₊₁)/2."""
    require_tensor(y, name, "y")
    y = floating(y, name)
    d = normalize_dim(dim, y.ndim)
    n = y.shape[d] if y.ndim else 1
    pair = (narrow(y, d, 1, n - 1) + narrow(y, d, 0, n - 1)) / 2 if n else y
    if x is None:
        return pair, d, 1.0 if dx is None else dx
    if dx is not None:
        raise TypeError(f"{name}(): pass either x or dx, not both")
    require_tensor(x, name, "x")
    x = floating(x, name)
    if x.ndim == 1:
        if x.shape[0] != n:
            raise RuntimeError(f"{name}: There must be one `x` value for each sample point")
        shape = [1] * y.ndim
        shape[d] = n
        x = x.reshape(shape)
    elif x.ndim != y.ndim or x.shape[normalize_dim(dim, x.ndim)] != n:
        raise RuntimeError(f"{name}: There must be one `x` value for each sample point")
    spacing = narrow(x, d, 1, n - 1) - narrow(x, d, 0, n - 1) if n else x
    return pair, d, spacing


def trapezoid(y, x=None, *, dx=None, dim=-1):
    """∫ y along `dim` by the trapezoid rule: Σᵢ (xᵢ₊₁ − xᵢ)(yᵢ + yᵢ₊₁)/2, with the sample
    points `x` (1-d, or y's shape) or an even spacing `dx` (default 1)."""
    pair, d, spacing = _trapezoid_parts(y, x, dx, dim, "trapezoid")
    return sum(pair * spacing, d)


def trapz(y, x=None, *, dx=None, dim=-1):
    """The same as trapezoid."""
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """The running trapezoid integral along `dim`: one fewer element there than y."""
    pair, d, spacing = _trapezoid_parts(y, x, dx, dim, "cumulative_trapezoid")
    return cumsum(pair * spacing, d)


__all__ = ["kthvalue", "nanmedian", "msort", "unique_consecutive", "cov", "corrcoef", "dist",
           "renorm", "histogram", "trapezoid", "trapz", "cumulative_trapezoid"]
