"""Indexing: `x[...]` (basic, advanced, boolean), `x[...] = v`, index_select, gather,
scatter/scatter_add, masked_fill, sort, argsort, topk, nonzero, masked_select, take,
take_along_dim, index_add/index_copy/index_fill, masked_scatter; and the counting ops that give
no gradient: unique, isin, searchsorted/bucketize, bincount.

Reading elements and scattering gradients are each other's backward:

    y = x[index]                     ∂L/∂x = zeros with ∂L/∂y added at `index`
    y = gather(x, dim, index)        ∂L/∂x = scatter_add(zeros, dim, index, ∂L/∂y)
    y = scatter_add(x, dim, index, s) ∂L/∂s = gather(∂L/∂y, dim, index), ∂L/∂x = ∂L/∂y

"added": an index that picks the same element twice sends it both gradients, which is why the
backward of advanced indexing uses the backend's `scatter_add` (np.add.at, cupyx.scatter_add).
Basic indexing (ints, slices, None, ...) gives a view of the input, as in PyTorch.
"""
import math
import numbers

import numpy as np

from .common import normalize_dim, require_tensor
from .. import return_types
from ..autograd.function import Function
from ..tensor import Tensor



def _index_part(i, t):
    """One component of an index, ready for the backend array; and whether it is basic."""
    if isinstance(i, Tensor):
        if i._data.dtype.kind not in "biu":
            raise IndexError(f"tensors used as indices must be long, int, byte or bool tensors, "
                             f"got {i.dtype}")
        if i._data.ndim == 0 and i._data.dtype.kind != "b":
            return int(i.item()), True
        if i._device is not t._device:
            i = i.to(t._device)
        return i._data, False
    if i is None or i is Ellipsis:
        return i, True
    if isinstance(i, slice):
        parts = [int(v) if isinstance(v, Tensor) else v for v in (i.start, i.stop, i.step)]
        if parts[2] is not None and parts[2] <= 0:
            raise ValueError("step must be greater than zero")
        return slice(*parts), True
    if isinstance(i, (bool, np.bool_)):
        return bool(i), False
    if isinstance(i, numbers.Integral):
        return int(i), True
    if isinstance(i, (list, tuple, np.ndarray)):
        arr = np.asarray(i)
        if arr.dtype.kind not in "biu" and arr.size:
            raise IndexError(f"only integers, slices, None, Ellipsis and integer or boolean "
                             f"tensors are valid indices, got a list of {arr.dtype}")
        return t._device.backend.from_host(arr.astype(np.int64) if arr.dtype.kind != "b" else arr), False
    raise IndexError(f"only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                     f"Variables are valid indices (got {type(i).__name__})")


def backend_index(index, t):
    """A PyTorch-style index as a tuple for `t`'s backend array, and whether it is all basic."""
    if not isinstance(index, tuple):
        index = (index,)
    out, basic = [], True
    for i in index:
        part, is_basic = _index_part(i, t)
        out.append(part)
        basic = basic and is_basic
    _check_bounds(out, t._data.shape)
    return tuple(out), basic


def _consumes(part):
    """How many dimensions of the indexed array one index component addresses."""
    if part is None or part is Ellipsis or isinstance(part, bool):
        return 0
    return part.ndim if getattr(part, "dtype", None) is not None and part.dtype.kind == "b" else 1


def _check_bounds(parts, shape):
    """IndexError for an integer (or integer array) outside its dimension, as PyTorch; CuPy
    would silently wrap an out-of-range index array instead of raising."""
    if sum(_consumes(p) for p in parts) > len(shape):
        raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
    dim = 0
    for part in parts:
        if part is Ellipsis:
            dim += len(shape) - sum(_consumes(p) for p in parts)
            continue
        step = _consumes(part)
        if step == 1 and dim < len(shape) and not isinstance(part, slice):
            n = shape[dim]
            if isinstance(part, int):
                lo = hi = part
            elif part.size:
                lo, hi = int(part.min()), int(part.max())
            else:
                lo, hi = 0, -1          # an empty index is in bounds, even of a size-0 dim
            if hi >= n or lo < -n:
                raise IndexError(f"index {hi if hi >= n else lo} is out of bounds for dimension "
                                 f"{dim} with size {n}")
        dim += step


class BasicIndex(Function):
    """y = x[ints, slices, None, ...] (a view);  ∂L/∂x = zeros with g written at the index"""
    is_view = True

    @staticmethod
    def forward(ctx, x, index):
        ctx.index, ctx.shape = index, x.shape
        return x[index]

    @staticmethod
    def backward(ctx, g):
        return IndexInto.apply(g, ctx.shape, ctx.index, False), None


class AdvancedIndex(Function):
    """y = x[integer or boolean arrays] (a copy);  ∂L/∂x = zeros with g added at the index"""
    @staticmethod
    def forward(ctx, x, index):
        ctx.index, ctx.shape = index, x.shape
        return x[index]

    @staticmethod
    def backward(ctx, g):
        return IndexInto.apply(g, ctx.shape, ctx.index, True), None


class IndexInto(Function):
    """y = zeros(shape) with g put (or, for advanced indices, added) at index;  ∂L/∂g = gy[index]"""
    @staticmethod
    def forward(ctx, g, shape, index, accumulate):
        ctx.index = index
        ctx.advanced = accumulate
        out = ctx.xp.zeros(shape, dtype=g.dtype)
        if accumulate:
            ctx.device.backend.scatter_add(out, index, g)
        else:
            out[index] = g
        return out

    @staticmethod
    def backward(ctx, gg):
        cls = AdvancedIndex if ctx.advanced else BasicIndex
        return cls.apply(gg, ctx.index), None, None, None


def getitem(input, index):
    idx, basic = backend_index(index, input)
    if basic:
        return BasicIndex.apply(input, idx)
    return AdvancedIndex.apply(input, idx)


class IndexPut(Function):
    """y = x with y[index] = v;  ∂L/∂x = g with zeros at index, ∂L/∂v = g[index]"""
    @staticmethod
    def forward(ctx, x, v, index, basic):
        ctx.index, ctx.basic = index, basic
        y = x.copy()
        y[index] = v
        return y

    @staticmethod
    def backward(ctx, g):
        need_x, need_v = ctx.needs_input_grad[:2]
        gx = IndexPut.apply(g, 0.0, ctx.index, ctx.basic) if need_x else None
        read = BasicIndex if ctx.basic else AdvancedIndex
        gv = read.apply(g, ctx.index) if need_v else None
        return gx, gv, None, None


def index_put(input, index, value):
    """Out of place `x[index] = value` (what `__setitem__` records for autograd)."""
    idx, basic = backend_index(index, input)
    if isinstance(value, Tensor):
        if value._device is not input._device and value.ndim == 0:
            value = value.to(input._device)
        value = value.to(input.dtype)
    return IndexPut.apply(input, value, idx, basic)


def index_select(input, dim, index):
    """input[..., index, ...] along `dim`, for a 1-d integer `index`."""
    require_tensor(input, "index_select")
    require_tensor(index, "index_select", "index")
    if index.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    if index._data.dtype.kind not in "iu":
        raise RuntimeError(f"index_select(): Expected dtype int32/int64 for index, got {index.dtype}")
    d = normalize_dim(dim, input.ndim)
    if index.ndim == 0:
        index = index.reshape(1)
    if index._device is not input._device:
        index = index.to(input._device)
    n = input.shape[d] if input.ndim else 1
    if index._data.size and (int(index._data.min()) < 0 or int(index._data.max()) >= n):
        raise IndexError(f"index_select(): index out of range in self (dimension {d} has size {n})")
    return AdvancedIndex.apply(input, (slice(None),) * d + (index._data,))


def _check_index(input, dim, index, name, src=None):
    require_tensor(index, name, "index")
    if index._data.dtype.kind not in "iu":
        raise RuntimeError(f"{name}(): Expected dtype int64 for index, got {index.dtype}")
    if index.ndim != input.ndim and not (index.ndim <= 1 and input.ndim <= 1):
        raise RuntimeError(f"Index tensor must have the same number of dimensions as input tensor "
                           f"({input.ndim}), got {index.ndim}")
    d = normalize_dim(dim, input.ndim)
    for i, (a, b) in enumerate(zip(index.shape, input.shape)):
        if i != d and a > b:
            raise RuntimeError(f"Size does not match at dimension {i} expected index "
                               f"{list(index.shape)} to be smaller than self {list(input.shape)} "
                               f"apart from dimension {d}")
    if src is not None and isinstance(src, Tensor):
        for i, (a, b) in enumerate(zip(index.shape, src.shape)):
            if a > b:
                raise RuntimeError(f"Size does not match at dimension {i} expected index "
                                   f"{list(index.shape)} to be smaller than src {list(src.shape)}")
    if index._device is not input._device:
        index = index.to(input._device)
    if index._data.size:
        n = input.shape[d] if input.ndim else 1
        lo, hi = int(index._data.min()), int(index._data.max())
        if lo < 0 or hi >= n:
            raise RuntimeError(f"{name}(): index {lo if lo < 0 else hi} is out of bounds for "
                               f"dimension {d} with size {n}")
    return d, index


def _along(xp, index, dim):
    """The full advanced index that addresses `out[..., index[i, j, k], ...]` along `dim`."""
    parts = []
    for d, n in enumerate(index.shape):
        if d == dim:
            parts.append(index)
        else:
            shape = [1] * index.ndim
            shape[d] = n
            parts.append(xp.arange(n).reshape(shape))
    return tuple(parts)


class Gather(Function):
    """y[i][j] = x[i][index[i][j]] (dim = 1);  ∂L/∂x = scatter_add(zeros, dim, index, g)"""
    @staticmethod
    def forward(ctx, x, index, dim):
        ctx.dim, ctx.shape = dim, x.shape
        ctx.save_for_backward(index)
        return x[_along(ctx.xp, index, dim)]

    @staticmethod
    def backward(ctx, g):
        index, = ctx.saved_tensors
        zeros = _zeros(g, ctx.shape)
        return ScatterAdd.apply(zeros, index, g, ctx.dim), None, None


def _zeros(like, shape):
    from ..tensor import _wrap
    return _wrap(like._device.xp.zeros(shape, dtype=like._data.dtype), like._device)


def gather(input, dim, index):
    require_tensor(input, "gather")
    d, index = _check_index(input, dim, index, "gather")
    if input.ndim == 0:
        return AdvancedIndex.apply(input.reshape(1), (index._data,)).reshape(index.shape)
    return Gather.apply(input, index, d)


class ScatterAdd(Function):
    """y = x, then y[i][index[i][j]] += src[i][j] (dim = 1);
    ∂L/∂x = g, ∂L/∂src = gather(g, dim, index)"""
    @staticmethod
    def forward(ctx, x, index, src, dim):
        ctx.dim, ctx.src_shape = dim, src.shape
        ctx.save_for_backward(index)
        y = x.copy()
        where = _along(ctx.xp, index, dim)
        ctx.device.backend.scatter_add(y, where, src[tuple(slice(0, n) for n in index.shape)])
        return y

    @staticmethod
    def backward(ctx, g):
        index, = ctx.saved_tensors
        gsrc = _read_src(g, index, ctx.dim, ctx.src_shape) if ctx.needs_input_grad[2] else None
        return g, None, gsrc, None


def _read_src(g, index, dim, src_shape):
    """∂L/∂src of a scatter: g gathered at `index`, placed in the corner of src's shape that
    `index` covers (src may be larger than index; the rest of src was never read)."""
    gsrc = Gather.apply(g, index, dim)
    if tuple(gsrc.shape) == tuple(src_shape):
        return gsrc
    return IndexInto.apply(gsrc, src_shape, tuple(slice(0, n) for n in gsrc.shape), False)


def scatter_add(input, dim, index, src):
    require_tensor(input, "scatter_add")
    d, index = _check_index(input, dim, index, "scatter_add", src)
    return ScatterAdd.apply(input, index, src.to(input.dtype), d)


class Scatter(Function):
    """y = x, then y[i][index[i][j]] = src[i][j] (dim = 1);
    ∂L/∂x = g with zeros where written, ∂L/∂src = gather(g, dim, index)"""
    @staticmethod
    def forward(ctx, x, index, src, dim):
        ctx.dim, ctx.src_shape = dim, getattr(src, "shape", ())
        ctx.save_for_backward(index)
        y = x.copy()
        where = _along(ctx.xp, index, dim)
        y[where] = src[tuple(slice(0, n) for n in index.shape)] if hasattr(src, "shape") and \
            getattr(src, "ndim", 0) else src
        return y

    @staticmethod
    def backward(ctx, g):
        index, = ctx.saved_tensors
        gx = Scatter.apply(g, index, 0.0, ctx.dim) if ctx.needs_input_grad[0] else None
        gsrc = _read_src(g, index, ctx.dim, ctx.src_shape) if ctx.needs_input_grad[2] else None
        return gx, None, gsrc, None


def scatter(input, dim, index, src=None, *, value=None, reduce=None):
    """Write `src` (a tensor) or `value` (a number) at `index` along `dim`."""
    require_tensor(input, "scatter")
    if reduce is not None:
        if reduce == "add":
            return scatter_add(input, dim, index, src if src is not None else
                               _zeros(input, index.shape) + value)
        raise NotImplementedError(f"scatter(): reduce={reduce!r} is not supported; use 'add'")
    if src is None and value is None:
        raise TypeError("scatter() needs `src` (a tensor) or `value` (a number)")
    if src is not None and not isinstance(src, Tensor):
        value, src = src, None
    d, index = _check_index(input, dim, index, "scatter", src)
    return Scatter.apply(input, index, src.to(input.dtype) if src is not None else value, d)


def masked_fill(input, mask, value):
    """`input` with `value` where `mask` is True (mask broadcasts against input)."""
    from .arithmetic import where
    require_tensor(input, "masked_fill")
    require_tensor(mask, "masked_fill", "mask")
    if mask._data.dtype.kind != "b":
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{mask.dtype}")
    if isinstance(value, Tensor) and value.ndim != 0:
        raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got "
                           f"tensor with {value.ndim} dimension(s).")
    if not isinstance(value, Tensor) and input._data.dtype.kind in "iu":
        value = int(value)
    out = where(mask, value, input)
    if tuple(out.shape) != tuple(input.shape):
        raise RuntimeError(f"masked_fill: mask of shape {list(mask.shape)} does not broadcast to "
                           f"the input's shape {list(input.shape)}")
    return out.to(input.dtype)


class _Argsort(Function):
    """Indices that sort along `dim` (stable for ties), no gradient"""
    @staticmethod
    def forward(ctx, x, dim, descending):
        xp = ctx.xp
        if descending:
            key = -x.astype(xp.int64) if x.dtype.kind in "bu" else -x
        else:
            key = x
        y = xp.argsort(key, axis=dim, kind="stable").astype(xp.int64, copy=False)
        ctx.mark_non_differentiable(y)
        return y


def argsort(input, dim=-1, descending=False, *, stable=False):
    require_tensor(input, "argsort")
    if input.ndim == 0:
        return _Argsort.apply(input.reshape(1), 0, descending).reshape(())
    return _Argsort.apply(input, normalize_dim(dim, input.ndim), descending)


def sort(input, dim=-1, descending=False, *, stable=False):
    """(values, indices) sorted along `dim`; values are gathered, so gradients flow to them."""
    indices = argsort(input, dim, descending, stable=stable)
    if input.ndim == 0:
        return return_types.sort(input.clone(), indices)
    return return_types.sort(gather(input, dim, indices), indices)


def topk(input, k, dim=-1, largest=True, sorted=True):
    """The k largest (or smallest) values along `dim` and their indices."""
    require_tensor(input, "topk")
    d = normalize_dim(dim, input.ndim)
    n = input.shape[d] if input.ndim else 1
    if k < 0 or k > n:
        raise RuntimeError(f"selected index k out of range: k={k} for dimension {d} of size {n}")
    if input.ndim == 0:
        return return_types.topk(*sort(input))
    order = argsort(input, d, descending=largest)
    indices = order[(slice(None),) * d + (slice(0, k),)].contiguous()
    return return_types.topk(gather(input, d, indices), indices)


# ---- more indexing: nonzero, masked_select, take, take_along_dim, index_add/copy/fill -------
#
# All but nonzero are compositions: reading elements goes through AdvancedIndex / gather, writing
# through IndexPut / IndexInto, so the gradients (and gradients of gradients) are theirs.

class _Nonzero(Function):
    """The indices of the non-zero elements, one row per element in row-major order: no
    gradient"""
    @staticmethod
    def forward(ctx, x):
        xp = ctx.xp
        y = xp.argwhere(x.reshape(1) if x.ndim == 0 else x).astype(xp.int64, copy=False)
        if x.ndim == 0:
            y = y[:, :0]
        ctx.mark_non_differentiable(y)
        return y


def nonzero(input, *, as_tuple=False):
    """An (N, ndim) int64 tensor of the indices where `input` is non-zero; with
    `as_tuple=True`, one 1-d index tensor per dimension (so `x[nonzero(m, as_tuple=True)]`
    reads those elements)."""
    require_tensor(input, "nonzero")
    if as_tuple:
        found = _Nonzero.apply(input.reshape(1) if input.ndim == 0 else input)
        return tuple(found[:, d].contiguous() for d in range(found.shape[1]))
    return _Nonzero.apply(input)


def argwhere(input):
    """The same as `nonzero(input)`."""
    return nonzero(input)


class _Unique(Function):
    """The sorted distinct values, and as asked where each element went (in x's shape) and how
    often each value occurs: no gradient"""
    @staticmethod
    def forward(ctx, x, return_inverse, return_counts):
        xp = ctx.xp
        found = xp.unique(x, return_inverse=return_inverse, return_counts=return_counts)
        if not (return_inverse or return_counts):
            found = (found,)
        outs = [found[0]] + [a.astype(xp.int64, copy=False) for a in found[1:]]
        if return_inverse:
            outs[1] = outs[1].reshape(x.shape)
        ctx.mark_non_differentiable(*outs)
        return tuple(outs)


class _SliceOrder(Function):
    """The permutation that sorts x's slices along `dim` lexicographically (each slice read in
    row-major order; a stable sort): no gradient"""
    @staticmethod
    def forward(ctx, x, dim):
        slices = ctx.xp.moveaxis(x, dim, 0)
        flat = slices.reshape(x.shape[dim], math.prod(slices.shape[1:]))
        order = ctx.xp.lexsort(flat.T[::-1]).astype(ctx.xp.int64, copy=False)
        ctx.mark_non_differentiable(order)
        return order


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """The distinct values of `input`, sorted, as a 1-d tensor; with return_inverse, also the
    index into them of every element (input's shape), with return_counts, how often each occurs,
    as torch.unique (a tuple when either is asked for). With `dim`: the distinct slices along
    dim, in lexicographic order (always sorted, as PyTorch), the inverse and counts per slice:
    the slices sorted, then their runs collapsed (unique_consecutive)."""
    require_tensor(input, "unique")
    if dim is None:
        found = _Unique.apply(input, bool(return_inverse), bool(return_counts))
        return found if len(found) > 1 else found[0]
    if input.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    d = normalize_dim(dim, input.ndim)
    if 0 in input.shape[:d] + input.shape[d + 1:]:
        raise RuntimeError("There are 0 sized dimensions, and they aren't selected, so unique "
                           "cannot be applied")
    from .reduction_extra import unique_consecutive
    order = _SliceOrder.apply(input, d)
    values, inverse, counts = unique_consecutive(index_select(input, d, order), True, True, d)
    out = (values,) + ((inverse[argsort(order)],) if return_inverse else ()) + \
        ((counts,) if return_counts else ())
    return out if len(out) > 1 else values


class _Isin(Function):
    """Membership, elementwise: no gradient"""
    @staticmethod
    def forward(ctx, x, test, invert):
        y = ctx.xp.isin(x, test, invert=invert)
        ctx.mark_non_differentiable(y)
        return y


def isin(elements, test_elements, *, invert=False):
    """A bool tensor of `elements`' shape: whether each is in `test_elements` (a tensor or a
    number); with invert, whether it is not."""
    require_tensor(elements, "isin", "elements")
    if isinstance(test_elements, Tensor):
        test_elements = test_elements.to(elements.device)._data
    return _Isin.apply(elements, test_elements, invert)


class _SearchSorted(Function):
    """Insertion points into a sorted 1-d sequence: no gradient"""
    @staticmethod
    def forward(ctx, sequence, values, side, dtype):
        y = ctx.xp.searchsorted(sequence, values, side=side).astype(dtype, copy=False)
        ctx.mark_non_differentiable(y)
        return y


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None):
    """Where each value of `input` would go in the sorted 1-d `sorted_sequence` to keep it
    sorted: the first such index (the last with right=True or side='right'), int64."""
    require_tensor(sorted_sequence, "searchsorted", "sorted_sequence")
    if sorted_sequence.ndim != 1:
        raise NotImplementedError("searchsorted: mytorch supports a 1-d sorted_sequence only")
    if side is not None and side not in ("left", "right"):
        raise RuntimeError(f"side can only be 'left' or 'right' but got {side!r}")
    if side == "left" and right:
        raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got "
                           "side of left while right was True")
    side = side or ("right" if right else "left")
    if not isinstance(input, Tensor):          # a number: a 0-d tensor of the sequence's kind
        from ..factories import as_tensor
        input = as_tensor(input, dtype=sorted_sequence.dtype, device=sorted_sequence.device)
    return _SearchSorted.apply(sorted_sequence, input, side, "int32" if out_int32 else "int64")


def bucketize(input, boundaries, *, out_int32=False, right=False):
    """The bucket of each value among sorted 1-d `boundaries`: i with
    boundaries[i−1] < x ≤ boundaries[i] (with right=True: boundaries[i−1] ≤ x < boundaries[i])."""
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


class _Bincount(Function):
    """How often each value 0, 1, ..., occurs (or the sum of its weights): no gradient"""
    @staticmethod
    def forward(ctx, x, weights, minlength, dtype):
        y = ctx.xp.bincount(x, weights=weights, minlength=minlength).astype(dtype, copy=False)
        ctx.mark_non_differentiable(y)
        return y


def bincount(input, weights=None, minlength=0):
    """out[v] = the number of times v occurs in the 1-d non-negative integer `input` (with
    `weights`: the sum of weights[i] over the i where input[i] = v), for v in
    0 … max(max(input) + 1, minlength) − 1. int64 counts; float32 weights give float32 sums,
    any other weights float64, as in PyTorch (which also gives int64 zeros for an empty input,
    weights or not). Not differentiable."""
    require_tensor(input, "bincount")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if input._data.dtype.kind not in "iu":
        raise RuntimeError(f"bincount only supports 1-d non-negative integral inputs, got a "
                           f"tensor of dtype {input.dtype}")
    if input.ndim == 1 and input.numel() == 0:
        weights = None
    elif input.ndim != 1 or int(input._data.min()) < 0:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    dtype = np.int64
    if weights is not None:
        require_tensor(weights, "bincount", "weights")
        if weights.ndim != 1 or weights.shape[0] != input.shape[0]:
            raise RuntimeError("weights should be 1-d and have the same length as input")
        dtype = np.float32 if weights._data.dtype == np.float32 else np.float64
    return _Bincount.apply(input, weights, int(minlength), dtype)


def _bool_mask(mask, name):
    require_tensor(mask, name, "mask")
    if mask._data.dtype.kind != "b":
        raise RuntimeError(f"{name}: expected BoolTensor for mask, got {mask.dtype}")
    return mask


def masked_select(input, mask):
    """The elements of `input` where `mask` is True (the two broadcast together), as a 1-d
    tensor;  ∂L/∂x = zeros with g at the selected places."""
    from .shape import broadcast_tensors
    require_tensor(input, "masked_select")
    x, m = broadcast_tensors(input, _bool_mask(mask, "masked_select"))
    return x[m]


def take(input, index):
    """`input` read as if 1-d at `index` (negatives count from the end); the result has the
    shape of `index`."""
    require_tensor(input, "take")
    require_tensor(index, "take", "index")
    if index._data.dtype.kind not in "iu":
        raise RuntimeError(f"take(): Expected a long tensor for index, but got {index.dtype}")
    n = input.numel()
    if index.numel():
        lo, hi = int(index.min()), int(index.max())
        if hi >= n or lo < -n:
            raise IndexError(f"out of range: tried to access index {hi if hi >= n else lo} on a "
                             f"tensor of {n} elements.")
    return input.reshape(-1)[index]


def take_along_dim(input, indices, dim=None):
    """Values at `indices` along `dim` (input and indices broadcast in the other dims); with
    dim=None both are flattened first. What `argsort`/`argmax(keepdim=True)` pair with."""
    from .shape import broadcast_shapes
    require_tensor(input, "take_along_dim")
    require_tensor(indices, "take_along_dim", "indices")
    if indices._data.dtype.kind not in "iu":
        raise RuntimeError(f"torch.take_along_dim(): dtype of indices should be Long but got "
                           f"{indices.dtype}")
    if dim is None:
        return gather(input.reshape(-1), 0, indices.reshape(-1))
    if input.ndim != indices.ndim:
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same "
                           f"number of dimensions, but got {input.ndim} dimensions for input, and "
                           f"{indices.ndim} dimensions for indices")
    d = normalize_dim(dim, input.ndim)
    others = (s[:d] + (1,) + s[d + 1:] for s in (input.shape, indices.shape))
    shape = list(broadcast_shapes(*others))
    x_shape, i_shape = list(shape), list(shape)
    if input.ndim:
        x_shape[d], i_shape[d] = input.shape[d], indices.shape[d]
    return gather(input.expand(x_shape), d, indices.expand(i_shape))


def _along_dim(input, dim, index, name, source=None):
    """Checks for index_add/index_copy/index_fill: a 1-d integer index inside dim, and a
    source whose shape is input's with len(index) along dim. Returns (dim, index)."""
    require_tensor(input, name)
    require_tensor(index, name, "index")
    if index.ndim > 1:
        raise IndexError(f"{name}(): Index is supposed to be a vector")
    if index._data.dtype.kind not in "iu":
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index")
    d = normalize_dim(dim, input.ndim)
    index = index.reshape(-1)
    if index._device is not input._device:
        index = index.to(input._device)
    n = input.shape[d] if input.ndim else 1
    if index.numel():
        lo, hi = int(index.min()), int(index.max())
        if lo < -n or hi >= n:
            raise IndexError(f"{name}(): index {hi if hi >= n else lo} is out of bounds for "
                             f"dimension {d} with size {n}")
    if source is not None:
        require_tensor(source, name, "source")
        if source.dtype is not input.dtype:
            raise RuntimeError(f"{name}(): self ({input.dtype}) and source ({source.dtype}) must "
                               f"have the same scalar type")
        want = list(input.shape)
        if want:
            want[d] = index.numel()
        fits = list(source.shape) == want if want else source.numel() == index.numel() == 1
        if not fits:
            raise RuntimeError(f"{name}(): source of shape {list(source.shape)} does not match "
                               f"self of shape {list(input.shape)} with {index.numel()} indices "
                               f"along dimension {d} (expected {want})")
    return d, index


def index_add(input, dim, index, source, *, alpha=1):
    """out = input, then out[..., index[i], ...] += alpha·source[..., i, ...] along `dim`
    (repeated indices accumulate);
    ∂L/∂input = g, ∂L/∂source = alpha·index_select(g, dim, index)."""
    d, index = _along_dim(input, dim, index, "index_add", source)
    if input.ndim == 0:
        return input + source.reshape(()) * alpha
    if alpha != 1:
        source = source * alpha
    at = (slice(None),) * d + (index._data,)
    return input + IndexInto.apply(source, tuple(input.shape), at, True)


def index_copy(input, dim, index, source):
    """out = input, then out[..., index[i], ...] = source[..., i, ...] along `dim`;
    ∂L/∂input = g with zeros where written, ∂L/∂source = index_select(g, dim, index)."""
    d, index = _along_dim(input, dim, index, "index_copy", source)
    if input.ndim == 0:
        return source.reshape(()).clone()
    return index_put(input, (slice(None),) * d + (index,), source)


def index_fill(input, dim, index, value):
    """out = input with `value` (a number or a 0-d tensor) at `index` along `dim`."""
    d, index = _along_dim(input, dim, index, "index_fill")
    if isinstance(value, Tensor) and value.ndim != 0:
        raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got "
                           f"tensor with {value.ndim} dimension(s).")
    if input.ndim == 0:
        return index_put(input.reshape(1), index, value).reshape(())
    return index_put(input, (slice(None),) * d + (index,), value)


def masked_scatter(input, mask, source):
    """out = input with the elements of `source` (in row-major order) copied, one by one, to
    the places where `mask` (broadcast to input's shape) is True."""
    from .shape import expand
    require_tensor(input, "masked_scatter")
    require_tensor(source, "masked_scatter", "source")
    mask = expand(_bool_mask(mask, "masked_scatter"), tuple(input.shape))
    n = int(mask.sum())
    if source.numel() < n:
        raise RuntimeError(f"masked_scatter: expected source to have at least {n} elements (the "
                           f"number of ones in mask), got {source.numel()}")
    if source.dtype is not input.dtype:
        raise RuntimeError(f"masked_scatter_: expected self and source to have same dtypes but "
                           f"got {input.dtype} and {source.dtype}")
    return index_put(input, mask, source.reshape(-1)[:n])
