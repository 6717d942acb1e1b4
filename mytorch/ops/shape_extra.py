"""More shape ops and constructions: diagflat, fliplr/flipud, hsplit/vsplit/dsplit,
split_with_sizes, swapdims, ravel, narrow_copy, block_diag, cartesian_prod, combinations,
column_stack, unravel_index, inner, vdot, as_strided, and the in-place view methods
(t_, transpose_, swapdims_, swapaxes_, squeeze_, unsqueeze_).

All but as_strided are compositions of the ops in shape.py, indexing.py and linalg.py, so
their gradients are those ops'. as_strided reads the memory of the tensor's storage with the
given sizes and strides (a view); its gradient is written back through storage positions.
"""
import itertools
import numbers

import numpy as np

from .common import require_tensor
from .conversion import Contiguous, _storage_offset
from .indexing import AdvancedIndex, IndexInto
from .linalg import dot, tensordot
from .shape import (_shape_args, cat, diag, flip, hstack, meshgrid, narrow, pad, reshape,
                    split, squeeze, stack, t, tensor_split, transpose, unsqueeze)
from .. import dtypes
from ..autograd.function import Function
from ..autograd.grad_mode import _state, no_grad
from ..factories import as_tensor, zeros
from ..tensor import Tensor


def diagflat(input, offset=0):
    """The square matrix with the flattened `input` on its `offset` diagonal."""
    require_tensor(input, "diagflat")
    return diag(input.reshape(-1), offset)


def fliplr(input):
    """`input` reversed left to right (along dim 1); at least 2-d."""
    if require_tensor(input, "fliplr").ndim < 2:
        raise RuntimeError(f"Input must be >= 2-d. (fliplr got a {input.ndim}-d tensor)")
    return flip(input, 1)


def flipud(input):
    """`input` reversed upside down (along dim 0); at least 1-d."""
    if require_tensor(input, "flipud").ndim < 1:
        raise RuntimeError("Input must be >= 1-d. (flipud got a 0-d tensor)")
    return flip(input, 0)


def _split_along(input, indices_or_sections, dim, min_ndim, name):
    """hsplit / vsplit / dsplit: tensor_split along `dim`, a number of sections dividing it
    evenly (NumPy's rule)."""
    if require_tensor(input, name).ndim < min_ndim:
        raise RuntimeError(f"torch.{name} requires a tensor with at least {min_ndim} dimension, "
                           f"but got a tensor with {input.ndim} dimensions!")
    if isinstance(indices_or_sections, numbers.Integral):
        n = input.shape[dim]
        if indices_or_sections == 0 or n % indices_or_sections:
            raise RuntimeError(f"torch.{name} attempted to split along dimension {dim}, but the "
                               f"size of the dimension {n} is not divisible by the split_size "
                               f"{indices_or_sections}!")
    return tensor_split(input, indices_or_sections, dim)


def hsplit(input, indices_or_sections):
    """Split column-wise: along dim 1 (dim 0 for a 1-d tensor)."""
    dim = 0 if isinstance(input, Tensor) and input.ndim == 1 else 1
    return _split_along(input, indices_or_sections, dim, 1, "hsplit")


def vsplit(input, indices_or_sections):
    """Split row-wise: along dim 0 of an at least 2-d tensor."""
    return _split_along(input, indices_or_sections, 0, 2, "vsplit")


def dsplit(input, indices_or_sections):
    """Split depth-wise: along dim 2 of an at least 3-d tensor."""
    return _split_along(input, indices_or_sections, 2, 3, "dsplit")


def split_with_sizes(input, split_sizes, dim=0):
    """Views of `input` along `dim` of the given sizes (which must add up to its length)."""
    return split(input, list(split_sizes), dim)


def swapdims(input, dim0, dim1):
    """The same as transpose."""
    return transpose(input, dim0, dim1)


def ravel(input):
    """The elements in row-major order as a 1-d tensor (a view when the memory allows)."""
    return reshape(require_tensor(input, "ravel"), -1)


def narrow_copy(input, dim, start, length):
    """narrow(input, dim, start, length) as a new, contiguous tensor."""
    return Contiguous.apply(narrow(input, dim, start, length))


def block_diag(*tensors):
    """The block-diagonal matrix of the tensors (0-d counts as 1×1, 1-d as one row), of their
    promoted dtype: each block padded with zeros to the full width, then stacked."""
    blocks = []
    for i, x in enumerate(tensors):
        if require_tensor(x, "block_diag", f"tensors[{i}]").ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer "
                               f"dimensions. Input {i} has {x.ndim} dimensions")
        blocks.append(x.reshape(1, -1) if x.ndim < 2 else x)
    if not blocks:
        return zeros(1, 0)
    dtype = blocks[0].dtype
    for b in blocks[1:]:
        dtype = dtypes.promote_types(dtype, b.dtype)
    width = sum(b.shape[1] for b in blocks)
    rows, left = [], 0
    for b in blocks:
        rows.append(pad(b.to(dtype), (left, width - left - b.shape[1])))
        left += b.shape[1]
    return cat(rows, 0)


def cartesian_prod(*tensors):
    """All tuples (a, b, ...) with a from the first 1-d tensor, b from the second, ..., in
    row-major order, as the rows of a (N, len(tensors)) tensor; one tensor: itself."""
    for i, x in enumerate(tensors):
        if require_tensor(x, "cartesian_prod", f"tensors[{i}]").ndim != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(x.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    return stack([g.reshape(-1) for g in meshgrid(*tensors, indexing="ij")], 1)


def combinations(input, r=2, with_replacement=False):
    """The r-element combinations of a 1-d tensor's elements, in the order of
    itertools.combinations (with_replacement: combinations_with_replacement), as the rows of a
    (N, r) tensor."""
    if require_tensor(input, "combinations").ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return zeros(0, dtype=input.dtype, device=input.device)
    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    index = np.array(list(pick(range(input.shape[0]), r)), dtype=np.int64).reshape(-1, r)
    return AdvancedIndex.apply(input, (input.device.backend.from_host(index),))


def column_stack(tensors):
    """Concatenate column-wise, 0-d and 1-d tensors first made into columns (n, 1)."""
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("column_stack expects a non-empty TensorList")
    return hstack([x.reshape(-1, 1) if require_tensor(x, "column_stack").ndim < 2 else x
                   for x in tensors])


def unravel_index(indices, shape):
    """The coordinates, in a tensor of `shape`, of each flat (row-major) index: a tuple of
    int64 tensors of indices' shape, one per dimension."""
    if not isinstance(indices, Tensor):
        indices = as_tensor(indices)
    if indices._data.dtype.kind not in "iu":
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    shape = _shape_args((shape,) if isinstance(shape, numbers.Integral) else (shape,),
                        "unravel_index")
    if any(s < 0 for s in shape):
        raise ValueError(f"'shape' cannot have negative values, but got {tuple(shape)}")
    indices = indices.to(dtypes.int64)
    coords = []
    for n in reversed(shape):
        coords.append(indices % n if n else indices * 0)
        indices = indices // n if n else indices
    return tuple(reversed(coords))


def inner(input, other):
    """Σ over the last dimension of both: out[i…, j…] = Σₖ a[i…, k]·b[j…, k] (a 0-d operand
    multiplies)."""
    require_tensor(input, "inner")
    require_tensor(other, "inner", "other")
    if input.ndim == 0 or other.ndim == 0:
        return input * other
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got "
                           f"shapes {list(input.shape)} and {list(other.shape)}")
    return tensordot(input, other, ([-1], [-1]))


def vdot(input, other):
    """Σ āᵢbᵢ of two 1-d tensors (real tensors: dot)."""
    return dot(input, other)


# ---- as_strided: a view of the storage with given sizes and strides -------------------------

def _positions(shape, strides, offset):
    """The storage position of every element of a (shape, strides, offset) view (host int64)."""
    pos = np.full(shape, offset, dtype=np.int64)
    for d, (n, s) in enumerate(zip(shape, strides)):
        step = [1] * len(shape)
        step[d] = n
        pos = pos + (np.arange(n, dtype=np.int64) * s).reshape(step)
    return pos


class AsStrided(Function):
    """y[i₀, i₁, …] = storage[offset + Σ iₖ·strideₖ] (a view of x's storage);
    ∂L/∂x: g added into a zero storage at y's positions, read back at x's own positions
    (divided by how many of x's elements share a position, when x overlaps itself)."""
    is_view = True

    @staticmethod
    def forward(ctx, x, storage, shape, strides, offset, own):
        ctx.shape, ctx.strides, ctx.offset, ctx.own = shape, strides, offset, own
        ctx.size = storage.size
        start = storage.reshape(-1)[offset:] if storage.size else storage.reshape(-1)
        itemsize = storage.itemsize
        return ctx.xp.lib.stride_tricks.as_strided(start, shape,
                                                   tuple(s * itemsize for s in strides))

    @staticmethod
    def backward(ctx, g):
        backend = ctx.device.backend
        out_pos = _positions(ctx.shape, ctx.strides, ctx.offset).reshape(-1)
        in_pos = _positions(*ctx.own)
        flat = IndexInto.apply(g.reshape(-1), (ctx.size,), (backend.from_host(out_pos),), True)
        gx = AdvancedIndex.apply(flat, (backend.from_host(in_pos),))
        sharing = np.bincount(in_pos.reshape(-1), minlength=ctx.size)[in_pos]
        if sharing.size and sharing.max() > 1:
            gx = gx / as_tensor(sharing.astype(np.float64), dtype=gx.dtype, device=gx.device)
        return gx, None, None, None, None, None


def as_strided(input, size, stride, storage_offset=None):
    """A view of `input`'s storage (the memory of the tensor it views, or its own) with the
    given sizes and strides (in elements) from `storage_offset` (default: input's own offset).
    Writing to it writes the storage; it shares input's version counter."""
    require_tensor(input, "as_strided")
    size = _shape_args((size,), "as_strided")
    stride = _shape_args((stride,), "as_strided")
    if len(size) != len(stride):
        raise RuntimeError(f"mismatch in length of strides and shape: size {list(size)}, "
                           f"stride {list(stride)}")
    if any(s < 0 for s in stride):
        raise RuntimeError(f"as_strided: Negative strides are not supported at the moment, got "
                           f"strides: {list(stride)}")
    offset = _storage_offset(input) if storage_offset is None else int(storage_offset)
    if offset < 0:
        raise RuntimeError(f"as_strided: Negative storage offset is not supported, got "
                           f"{offset}")
    storage = (input._base if input._base is not None else input)._data
    if not storage.flags.c_contiguous:
        raise RuntimeError("as_strided(): mytorch needs the storage (the tensor that owns the "
                           "memory) to be contiguous; call .contiguous() first")
    needed = 0 if 0 in size else offset + 1 + sum((n - 1) * s for n, s in zip(size, stride))
    if needed > storage.size:
        itemsize = storage.itemsize
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage "
                           f"offset {offset}, and itemsize {itemsize} requiring a storage size "
                           f"of {needed * itemsize} are out of bounds for storage of size "
                           f"{storage.size * itemsize}")
    own = (tuple(input.shape), input.stride(), _storage_offset(input))
    return AsStrided.apply(input, storage, size, stride, offset, own)


# ---- in-place view methods: the tensor itself takes the new shape ---------------------------

def _reshape_in_place(self, op, *args):
    """`self` becomes `op(self, *args)` (a view of its memory with new sizes and strides):
    it takes the view's array and, when recorded, its node, so gradients flow as through the
    out-of-place op; the version counter moves, as in PyTorch."""
    from .inplace import _check_writable
    require_tensor(self, op.__name__ + "_")
    if _state.enabled and self._requires_grad:
        _check_writable(self)
        out = op(self, *args)
        self.grad_fn, self._output_nr = out.grad_fn, out._output_nr
        if self._hooks or self._retains_grad:
            out.grad_fn._watch(self)
    else:
        with no_grad():
            out = op(self, *args)
    self._data = out._data
    self._vc[0] += 1
    return self


def t_(self):
    return _reshape_in_place(self, t)


def transpose_(self, dim0, dim1):
    return _reshape_in_place(self, transpose, dim0, dim1)


swapdims_ = swapaxes_ = transpose_


def squeeze_(self, dim=None):
    return _reshape_in_place(self, squeeze, dim)


def unsqueeze_(self, dim):
    return _reshape_in_place(self, unsqueeze, dim)


__all__ = ["diagflat", "fliplr", "flipud", "hsplit", "vsplit", "dsplit", "split_with_sizes",
           "swapdims", "ravel", "narrow_copy", "block_diag", "cartesian_prod", "combinations",
           "column_stack", "unravel_index", "inner", "vdot", "as_strided"]
