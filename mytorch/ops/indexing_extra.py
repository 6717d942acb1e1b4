"""More scatters: scatter_reduce and index_reduce (sum, prod, mean, amax, amin), index_put
(with accumulate), put, slice_scatter, select_scatter, diagonal_scatter, and their in-place
forms.

Every src element at index[i][j] along `dim` (dim = 1) meets the others sent to the same place
of the output, and, with include_self, the input's value there:

    y[i][p] = reduce({x[i][p]} ∪ {src[i][j] : index[i][j] = p})

Sums go through the backend's scatter_add; prod, amax and amin through rounds of plain
indexed writes in which no place is written twice (the k-th element sent to a place is
combined in round k), so every backend does the same with ordinary indexing.
"""
import numbers

import numpy as np

from .arithmetic import where
from .common import normalize_dim, require_tensor
from .indexing import (IndexInto, _along, _along_dim, _check_index, backend_index, gather,
                       index_put as _index_put, scatter_add)
from .shape import _diagonal_positions, expand, movedim
from ..autograd.function import Function
from ..factories import as_tensor
from ..tensor import Tensor

_REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")


def _rounds(xp, y, places, values, combine):
    """y[places[k]] = combine(y[places[k]], values[k]) for every k, repeated places included:
    the elements sent to one place are numbered 0, 1, … and round r combines those numbered r,
    so no round writes a place twice."""
    if not places.size:
        return
    order = xp.argsort(places)
    places, values = places[order], values[order]
    starts = xp.concatenate([xp.ones(1, bool), places[1:] != places[:-1]])
    first = xp.nonzero(starts)[0]
    rank = xp.arange(places.size) - first[xp.cumsum(starts) - 1]
    for r in range(int(rank.max()) + 1):
        chosen = rank == r
        at = places[chosen]
        y[at] = combine(y[at], values[chosen])


def _identity(xp, dtype, reduce):
    """The value a reduction starts from (a place that only src elements reach)."""
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    if dtype.kind == "f":
        return -float("inf") if reduce == "amax" else float("inf")
    info = xp.iinfo(dtype)
    return info.min if reduce == "amax" else info.max


class ScatterReduce(Function):
    """y = x with each src[i][j] combined into y[i][index[i][j]] (dim = 1) by `reduce`,
    starting from x there (include_self) or from nothing. See scatter_reduce for the
    gradients."""
    @staticmethod
    def forward(ctx, x, index, src, dim, reduce, include_self):
        xp = ctx.xp
        ctx.dim, ctx.reduce, ctx.include_self = dim, reduce, include_self
        y = x.copy()
        where_ = _along(xp, index, dim)
        touched = xp.zeros(x.shape, bool)
        touched[where_] = True
        if not include_self:
            y[touched] = _identity(xp, x.dtype, reduce)
        # the flat (row-major) place each src element goes to
        steps = [int(np.prod(x.shape[k + 1:])) for k in range(x.ndim)]
        sent = xp.zeros(index.shape, xp.int64)
        for part, step in zip(where_, steps):
            sent = sent + part * step
        flat, sent, values = y.reshape(-1), sent.reshape(-1), src.reshape(-1)
        count = None
        if reduce in ("sum", "mean"):
            ctx.device.backend.scatter_add(flat, sent, values)
            if reduce == "mean":
                count = xp.zeros(x.size, x.dtype)
                ctx.device.backend.scatter_add(count, sent, xp.ones(values.shape, x.dtype))
                count = count.reshape(x.shape) + (1 if include_self else 0)
                count = xp.where(count == 0, 1, count)
                y = y // count if x.dtype.kind in "iub" else y / count
        else:
            combine = {"prod": xp.multiply, "amax": xp.maximum, "amin": xp.minimum}[reduce]
            _rounds(xp, flat, sent, values, combine)
        member = xp.ones(x.shape, bool) if include_self else ~touched   # where x is a member
        ctx.save_for_backward(x, index, src, y, member, count)
        return y

    @staticmethod
    def backward(ctx, g):
        # x_counts: where x is a member of the reduction (everywhere with include_self; else
        # only where no src element goes)
        x, index, src, y, x_counts, count = ctx.saved_tensors
        d, reduce = ctx.dim, ctx.reduce
        if reduce == "sum":
            gx, gsrc = where(x_counts, g, 0.0), gather(g, d, index)
        elif reduce == "mean":
            g = g / count
            gx, gsrc = where(x_counts, g, 0.0), gather(g, d, index)
        elif reduce in ("amax", "amin"):
            # the gradient is shared by the members equal to the result
            x_hit = (x == y) & x_counts
            src_hit = src == gather(y, d, index)
            share = g / scatter_add(x_hit.to(g.dtype), d, index, src_hit.to(g.dtype))
            gx = where(x_hit, share, 0.0)
            gsrc = where(src_hit, gather(share, d, index), 0.0)
        else:
            gx, gsrc = _prod_grads(ctx, x, index, src, y, g, x_counts)
        return (gx if ctx.needs_input_grad[0] else None), None, \
            (gsrc if ctx.needs_input_grad[2] else None), None, None, None


def _prod_grads(ctx, x, index, src, y, g, x_counts):
    """∂y/∂(a member) = the product of the other members of its place, without dividing by
    zeros (as reduction.Prod): y / e for e ≠ 0; for e = 0, the product P of the place's
    non-zero members if e is its only zero, P times the other zero if there are two, else 0."""
    d = ctx.dim
    x_in = where(x_counts, x, 1.0)                      # x as a member (1: not a member)
    x_zero, src_zero = x_in == 0, src == 0
    zeros = scatter_add(x_zero.to(g.dtype), d, index, src_zero.to(g.dtype))
    nonzero = ScatterReduce.apply(where(x_zero, 1.0, x_in), index, where(src_zero, 1.0, src), d,
                                  "prod", True)
    zero_sum = scatter_add(where(x_zero, x_in, 0.0), d, index, where(src_zero, src, 0.0))

    def others(e, zeros, nonzero, zero_sum, y):
        is_zero = e == 0
        at_zero = nonzero * where(zeros == 1, 1.0, where(zeros == 2, zero_sum - e, 0.0))
        return where(is_zero, at_zero, y / where(is_zero, 1.0, e))

    gx = where(x_counts, g * others(x_in, zeros, nonzero, zero_sum, y), 0.0)
    at = [gather(t, d, index) for t in (zeros, nonzero, zero_sum, y)]
    gsrc = gather(g, d, index) * others(src, *at)
    return gx, gsrc


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    """y = input with each src[i][j] combined into y[i][index[i][j]] (dim = 1) by `reduce`
    ('sum', 'prod', 'mean', 'amax', 'amin'), starting from input's value there when
    include_self, else from the src elements alone (integer means round down).

    Gradients: sum: ∂y/∂src = 1 (gathered); mean: 1/count; amax/amin: shared evenly by the
    members equal to the result; prod: the product of the other members."""
    require_tensor(input, "scatter_reduce")
    if reduce not in _REDUCTIONS:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got "
                           f"{reduce}")
    require_tensor(src, "scatter_reduce", "src")
    if src.dtype is not input.dtype:
        raise RuntimeError(f"scatter_reduce(): Expected self.dtype to be equal to src.dtype, got "
                           f"{input.dtype} and {src.dtype}")
    d, index = _check_index(input, dim, index, "scatter_reduce", src)
    if input.ndim == 0:
        return scatter_reduce(input.reshape(1), 0, index.reshape(-1), src.reshape(-1), reduce,
                              include_self=include_self).reshape(())
    if tuple(src.shape) != tuple(index.shape):
        src = src[tuple(slice(0, n) for n in index.shape)]    # only what index covers is read
    return ScatterReduce.apply(input, index, src, d, reduce, bool(include_self))


def index_reduce(input, dim, index, source, reduce, *, include_self=True):
    """y = input with each slice source[..., i, ...] combined into y[..., index[i], ...] along
    `dim` by `reduce` ('prod', 'mean', 'amax', 'amin'): scatter_reduce with `index` spread
    over source's shape."""
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or "
                           f"amin but got {reduce}.")
    d, index = _along_dim(input, dim, index, "index_reduce", source)
    if input.ndim == 0:
        return scatter_reduce(input, 0, index, source.reshape(-1), reduce,
                              include_self=include_self)
    shape = [1] * input.ndim
    shape[d] = index.numel()
    spread = expand(index.reshape(shape), tuple(source.shape)).contiguous()
    return scatter_reduce(input, d, spread, source, reduce, include_self=include_self)


def index_put(input, indices, values, accumulate=False):
    """input with input[indices] = values (broadcast), out of place; accumulate=True adds
    instead, repeated indices adding up. `indices` is a tuple of index tensors (or ints,
    slices, None), as torch.index_put."""
    require_tensor(input, "index_put")
    indices = tuple(indices) if isinstance(indices, (tuple, list)) else (indices,)
    if not isinstance(values, Tensor):
        values = as_tensor(values, dtype=input.dtype, device=input.device)
    if not accumulate:
        return _index_put(input, indices, values)
    idx, _ = backend_index(indices, input)
    values = values.to(input.dtype)
    if values._device is not input._device and values.ndim == 0:
        values = values.to(input._device)
    written = expand(values, tuple(input._data[idx].shape))
    return input + IndexInto.apply(written, tuple(input.shape), idx, True)


def put(input, index, source, accumulate=False):
    """input with the elements at the flat (row-major) positions `index` set to `source`'s
    (added, with accumulate); negative positions count from the end."""
    require_tensor(input, "put")
    require_tensor(index, "put", "index")
    require_tensor(source, "put", "source")
    if index._data.dtype.kind not in "iu":
        raise RuntimeError(f"put_(): Expected a long tensor for index, but got {index.dtype}")
    if index.numel() != source.numel():
        raise IndexError(f"put_(): Expected source and index to have the same number of "
                         f"elements, but got source.numel() = {source.numel()}, index.numel() "
                         f"= {index.numel()}")
    if source.dtype is not input.dtype:
        raise RuntimeError(f"put_(): self and source expected to have the same dtype, but got "
                           f"self.dtype = {input.dtype} and source.dtype = {source.dtype}")
    n = input.numel()
    if index.numel():
        lo, hi = int(index.min()), int(index.max())
        if lo < -n or hi >= n:
            raise IndexError(f"out of range: tried to access index {hi if hi >= n else lo} on a "
                             f"tensor of {n} elements.")
    flat = index_put(input.reshape(-1), (index.reshape(-1),), source.reshape(-1), accumulate)
    return flat.reshape(input.shape)


def _scatter_into(input, src, index, name):
    """input with input[index] = src, where src must have the shape of input[index]."""
    require_tensor(input, name)
    require_tensor(src, name, "src")
    idx, _ = backend_index(index, input)
    want = list(input._data[idx].shape)
    if list(src.shape) != want:
        raise RuntimeError(f"{name}(): expected src to have a size equal to the slice of self. "
                           f"src size = {list(src.shape)}, slice size = {want}")
    return _index_put(input, index, src)


def slice_scatter(input, src, dim=0, start=None, end=None, step=1):
    """input with the slice start:end:step along `dim` replaced by `src`."""
    require_tensor(input, "slice_scatter")
    d = normalize_dim(dim, input.ndim)
    return _scatter_into(input, src, (slice(None),) * d + (slice(start, end, step),),
                         "slice_scatter")


def select_scatter(input, src, dim, index):
    """input with input.select(dim, index) replaced by `src` (one dimension fewer)."""
    require_tensor(input, "select_scatter")
    d = normalize_dim(dim, input.ndim)
    n = input.shape[d] if input.ndim else 0
    if not isinstance(index, numbers.Integral) or not -n <= index < n:
        raise IndexError(f"select_scatter(): index {index} out of range for tensor of size "
                         f"{list(input.shape)} at dimension {d}")
    return _scatter_into(input, src, (slice(None),) * d + (int(index),), "select_scatter")


def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    """input with its `offset` diagonal in dims (dim1, dim2) replaced by `src` (the shape of
    input.diagonal(offset, dim1, dim2))."""
    require_tensor(input, "diagonal_scatter")
    if input.ndim < 2:
        raise RuntimeError(f"diagonal_scatter(): input must have at least 2 dimensions, got "
                           f"{input.ndim}")
    a, b = normalize_dim(dim1, input.ndim), normalize_dim(dim2, input.ndim)
    if a == b:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    x = movedim(input, (a, b), (-2, -1))
    rows, cols = _diagonal_positions(x.shape[-2], x.shape[-1], int(offset))
    at = (Ellipsis, as_tensor(rows, device=input.device), as_tensor(cols, device=input.device))
    return movedim(_scatter_into(x, src, at, "diagonal_scatter"), (-2, -1), (a, b))


# ---- in place (the out-of-place op written back; see inplace.py) ----------------------------

def scatter_reduce_(self, dim, index, src, reduce, *, include_self=True):
    from .inplace import _inplace
    return _inplace(self, scatter_reduce, dim, index, src, reduce, include_self=include_self)


def index_reduce_(self, dim, index, source, reduce, *, include_self=True):
    from .inplace import _inplace
    return _inplace(self, index_reduce, dim, index, source, reduce, include_self=include_self)


def index_put_(self, indices, values, accumulate=False):
    from .inplace import _inplace
    return _inplace(self, index_put, indices, values, accumulate)


def put_(self, index, source, accumulate=False):
    from .inplace import _inplace
    return _inplace(self, put, index, source, accumulate)


__all__ = ["scatter_reduce", "index_reduce", "index_put", "put", "slice_scatter",
           "select_scatter", "diagonal_scatter"]
