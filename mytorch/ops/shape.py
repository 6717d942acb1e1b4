"""Shape ops: view/reshape, permute/transpose/movedim, expand, squeeze/unsqueeze, flatten,
cat/stack (and h/v/dstack), narrow/select, split/chunk/tensor_split, flip, roll, rot90,
tril/triu, pad, repeat/tile, unfold (sliding windows), diagonal/diag/trace, diff, meshgrid,
kron.

These move numbers around without changing them, so each backward moves the gradient back:
the inverse reshape or permutation, a sum over expanded dimensions, slices of the gradient for
`cat`. `view`, `reshape`, `permute`, `expand` and slicing return views that share memory (and
the version counter) with their input, as in PyTorch; the others copy.
"""
import numbers

import numpy as np

from .common import normalize_dim, normalize_dims, promote, require_tensor
from .conversion import view_dtype
from .. import dtypes
from ..autograd.function import Function
from ..factories import as_tensor, zeros
from ..tensor import Tensor, _wrap


def _shape_args(args, name):
    """`f(2, 3)`, `f((2, 3))` and `f([2, 3])` all mean the shape (2, 3)."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = tuple(args[0])
    out = []
    for s in args:
        if isinstance(s, Tensor):
            s = int(s)
        if not isinstance(s, numbers.Integral):
            raise TypeError(f"{name}(): sizes must be integers, got {s!r} in {tuple(args)}")
        out.append(int(s))
    return tuple(out)


def _infer_shape(shape, numel, name):
    """Resolve one -1 in `shape`, checking that the sizes multiply to `numel`."""
    known = 1
    free = None
    for i, s in enumerate(shape):
        if s == -1:
            if free is not None:
                raise RuntimeError("only one dimension can be inferred")
            free = i
        elif s < 0:
            raise RuntimeError(f"invalid shape dimension {s}")
        else:
            known *= s
    if free is not None:
        if known == 0:
            raise RuntimeError(f"cannot reshape tensor of 0 elements into shape {list(shape)} "
                               "because the unspecified dimension size -1 can be any value and "
                               "is ambiguous")
        if numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = shape[:free] + (numel // known,) + shape[free + 1:]
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


class Reshape(Function):
    """y = x with a new shape (same elements in row-major order);  ∂L/∂x = g reshaped back"""
    is_view = True

    array_backward = True

    @staticmethod
    def forward(ctx, x, shape):
        ctx.shape = x.shape
        return ctx.xp.reshape(x, shape)

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.shape), None


def reshape(input, *shape):
    require_tensor(input, "reshape")
    shape = _infer_shape(_shape_args(shape, "reshape"), input._data.size, "reshape")
    return Reshape.apply(input, shape) if shape != input._data.shape else _alias(input)


def _alias(t):
    """A view of the whole of `t` (same memory, same version counter), in the graph when `t`
    requires grad."""
    if t._requires_grad:
        return Reshape.apply(t, t._data.shape)
    out = _wrap(t._data, t._device)
    out._vc = t._vc
    out._base = t._base if t._base is not None else t
    return out


def view(input, *shape):
    """Like reshape, but refuses (as PyTorch does) when the memory layout needs a copy.
    `view(dtype)` reads the same memory as another dtype (conversion.view_dtype)."""
    require_tensor(input, "view")
    if len(shape) == 1 and (isinstance(shape[0], dtypes.dtype) or
                            shape[0] is float or shape[0] is int or shape[0] is bool):
        return view_dtype(input, shape[0])
    new = _infer_shape(_shape_args(shape, "view"), input._data.size, "view")
    data = input._data
    if not data.flags.c_contiguous and not _viewable(data.shape, data.strides, new):
        raise RuntimeError("view size is not compatible with input tensor's size and stride "
                           "(at least one dimension spans across two contiguous subspaces). "
                           "Use .reshape(...) instead.")
    return reshape(input, new)


def _viewable(shape, strides, new):
    """Whether memory laid out with `strides` can be read as shape `new` without a copy.

    PyTorch's rule: split the old dimensions into chunks that are contiguous with each other
    (stride[d] = stride[d+1]·shape[d+1]); each chunk must be covered exactly by consecutive new
    dimensions, which then get strides inside that chunk."""
    if 0 in shape:
        return True
    view_d = len(new) - 1
    base = strides[-1] if strides else 1
    tensor_numel = view_numel = 1
    for d in range(len(shape) - 1, -1, -1):
        tensor_numel *= shape[d]
        if d == 0 or (shape[d - 1] != 1 and strides[d - 1] != tensor_numel * base):
            while view_d >= 0 and (view_numel < tensor_numel or new[view_d] == 1):
                view_numel *= new[view_d]
                view_d -= 1
            if view_numel != tensor_numel:
                return False
            if d > 0:
                base = strides[d - 1]
                tensor_numel = view_numel = 1
    return view_d == -1


class Permute(Function):
    """y = x with its dimensions reordered;  ∂L/∂x = g with the inverse order"""
    is_view = True

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return ctx.xp.transpose(x, dims)

    @staticmethod
    def backward(ctx, g):
        inverse = [0] * len(ctx.dims)
        for i, d in enumerate(ctx.dims):
            inverse[d] = i
        return permute(g, tuple(inverse)), None


def permute(input, *dims):
    require_tensor(input, "permute")
    dims = _shape_args(dims, "permute")
    if len(dims) != input.ndim:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does "
                           f"not match the length of the desired ordering of dimensions i.e. "
                           f"input.dim() = {input.ndim} is not equal to len(dims) = {len(dims)}")
    dims = tuple(normalize_dim(d, input.ndim) for d in dims)
    if len(set(dims)) != len(dims):
        raise RuntimeError(f"permute(): duplicate dims are not allowed, got {dims}")
    if input.ndim == 0:
        return _alias(input)
    return Permute.apply(input, dims)


def transpose(input, dim0, dim1):
    require_tensor(input, "transpose")
    n = input.ndim
    a, b = normalize_dim(dim0, n), normalize_dim(dim1, n)
    if n == 0 or a == b:
        return _alias(input)
    dims = list(range(n))
    dims[a], dims[b] = dims[b], dims[a]
    return Permute.apply(input, tuple(dims))


swapaxes = transpose


def t(input):
    """Transpose of a matrix; 0-d and 1-d tensors are returned as they are."""
    require_tensor(input, "t")
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return transpose(input, 0, 1) if input.ndim == 2 else _alias(input)


class Expand(Function):
    """y = x broadcast to a larger shape (a view);  ∂L/∂x = g summed over the stretched dims"""
    is_view = True

    @staticmethod
    def forward(ctx, x, shape):
        ctx.shape = x.shape
        return ctx.xp.broadcast_to(x, shape)

    @staticmethod
    def backward(ctx, g):
        return sum_to(g, ctx.shape), None


def expand(input, *sizes):
    require_tensor(input, "expand")
    sizes = _shape_args(sizes, "expand")
    shape = input._data.shape
    if len(sizes) < len(shape):
        raise RuntimeError(f"expand: the number of sizes provided ({len(sizes)}) must be greater "
                           f"or equal to the number of dimensions in the tensor ({len(shape)})")
    lead = len(sizes) - len(shape)
    for i, want in enumerate(sizes):
        if want < 0 and (i < lead or want != -1):
            where = "in a leading, non-existing dimension" if i < lead else "at dimension"
            raise RuntimeError(f"The expanded size of the tensor ({want}) isn't allowed {where} "
                               f"{i}.  Target sizes: {list(sizes)}.  Tensor sizes: {list(shape)}")
    target = list(sizes)
    for i, s in enumerate(shape):
        want = sizes[lead + i]
        if want == -1:
            target[lead + i] = s
        elif s != 1 and s != want:
            raise RuntimeError(f"The expanded size of the tensor ({want}) must match the existing "
                               f"size ({s}) at non-singleton dimension {lead + i}.  Target sizes: "
                               f"{list(sizes)}.  Tensor sizes: {list(shape)}")
    target = tuple(target)
    return _alias(input) if target == shape else Expand.apply(input, target)


broadcast_to = expand


class SumTo(Function):
    """y = x summed down to a broadcast-compatible smaller shape;  ∂L/∂x = g expanded back.
    The engine uses this to undo broadcasting."""
    @staticmethod
    def forward(ctx, x, shape):
        ctx.shape = x.shape
        return sum_to_array(x, shape)

    @staticmethod
    def backward(ctx, g):
        return expand(g, ctx.shape), None


def sum_to_array(x, shape):
    """An array summed down to `shape` over the dimensions broadcasting added (the leading
    ones) or stretched (size 1 in `shape`); the engine undoes broadcasting with it."""
    lead = x.ndim - len(shape)
    if lead:
        x = x.sum(axis=tuple(range(lead)))
    stretched = tuple(i for i, s in enumerate(shape) if s == 1 and x.shape[i] != 1)
    if stretched:
        x = x.sum(axis=stretched, keepdims=True)
    return x            # a new array when anything was summed (no reshaped view of one)


def sum_to(input, shape):
    shape = tuple(shape)
    if input._data.shape == shape:
        return input
    return SumTo.apply(input, shape)


def squeeze(input, dim=None):
    """Remove dimensions of size 1 (all of them, or those in `dim`)."""
    require_tensor(input, "squeeze")
    shape = input._data.shape
    dims = normalize_dims(dim, input.ndim) if dim is not None else \
        tuple(i for i, s in enumerate(shape) if s == 1)
    new = tuple(s for i, s in enumerate(shape) if not (i in dims and s == 1))
    return reshape(input, new)


def unsqueeze(input, dim):
    """Insert a dimension of size 1 at `dim` (negatives count from the new end)."""
    require_tensor(input, "unsqueeze")
    d = normalize_dim(dim, input.ndim + 1)
    shape = input._data.shape
    return reshape(input, shape[:d] + (1,) + shape[d:])


def flatten(input, start_dim=0, end_dim=-1):
    require_tensor(input, "flatten")
    if input.ndim == 0:
        return reshape(input, (1,))
    s, e = normalize_dim(start_dim, input.ndim), normalize_dim(end_dim, input.ndim)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    shape = input._data.shape
    return reshape(input, shape[:s] + (-1,) + shape[e + 1:])


def unflatten(input, dim, sizes):
    """Split dimension `dim` into `sizes` (one of them may be -1)."""
    require_tensor(input, "unflatten")
    d = normalize_dim(dim, input.ndim)
    shape = input._data.shape
    sizes = _shape_args(sizes, "unflatten")
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    try:
        sizes = _infer_shape(sizes, shape[d], "unflatten")
    except RuntimeError:
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the "
                           f"size of dim {dim} ({shape[d]}) in the input tensor") from None
    return reshape(input, shape[:d] + sizes + shape[d + 1:])


class Cat(Function):
    """y = [x₁; x₂; ...] along dim;  ∂L/∂xᵢ = the slice of g where xᵢ sits"""
    @staticmethod
    def forward(ctx, *xs, dim):
        ctx.dim = dim
        ctx.sizes = [x.shape[dim] for x in xs]
        return ctx.xp.concatenate(xs, axis=dim)

    @staticmethod
    def backward(ctx, g):
        grads, start = [], 0
        for need, n in zip(ctx.needs_input_grad, ctx.sizes):
            grads.append(narrow(g, ctx.dim, start, n) if need else None)
            start += n
        return tuple(grads)


def cat(tensors, dim=0):
    """Concatenate tensors of equal shape except along `dim` (PyTorch's promotion applies)."""
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("cat(): expected a non-empty list of Tensors")
    for i, x in enumerate(tensors):
        require_tensor(x, "cat", f"tensors[{i}]")
    first = tensors[0]
    for i, x in enumerate(tensors):
        if x.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    d = normalize_dim(dim, first.ndim)
    for i, x in enumerate(tensors[1:], 1):
        if x.ndim != first.ndim and x.numel() and first.numel():
            raise RuntimeError(f"Tensors must have same number of dimensions: got {first.ndim} "
                               f"and {x.ndim}")
        if x.ndim != first.ndim or any(a != b for j, (a, b) in enumerate(zip(x.shape, first.shape))
                                       if j != d):
            raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. Expected "
                               f"size {list(first.shape)} but got size {list(x.shape)} for tensor "
                               f"number {i} in the list.")
    dt = first.dtype
    for x in tensors[1:]:
        dt = promote(first.to(dt), x, "cat")[0].dtype if x.dtype is not dt else dt
    tensors = [x.to(dt) for x in tensors]
    return Cat.apply(*tensors, dim=d)


concat = concatenate = cat


def stack(tensors, dim=0):
    """Join tensors of the same shape along a new dimension `dim`."""
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    shape = tuple(tensors[0].shape)
    for i, x in enumerate(tensors):
        if tuple(require_tensor(x, "stack", f"tensors[{i}]").shape) != shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(shape)} "
                               f"at entry 0 and {list(x.shape)} at entry {i}")
    d = normalize_dim(dim, len(shape) + 1)
    return cat([unsqueeze(x, d) for x in tensors], d)


def _at_least_1d(input, name):
    if require_tensor(input, name).ndim == 0:
        raise RuntimeError(f"{name} expects at least a 1-dimensional tensor")


def narrow(input, dim, start, length):
    """The slice start:start+length along dim (a view); a negative start counts from the end."""
    if require_tensor(input, "narrow").ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = normalize_dim(dim, input.ndim)
    n = input.shape[d]
    start, length = int(start), int(length)
    if not -n <= start <= n:
        raise IndexError(f"start out of range (expected to be in range of [{-n}, {n}], but got "
                         f"{start})")
    if start < 0:
        start += n
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if start + length > n:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    index = (slice(None),) * d + (slice(start, start + length),)
    return input[index]


def split(input, split_size_or_sections, dim=0):
    """Pieces of `split_size` along `dim` (the last may be smaller), or of the given sizes."""
    _at_least_1d(input, "split")
    d = normalize_dim(dim, input.ndim)
    n = input.shape[d]
    if isinstance(split_size_or_sections, numbers.Integral):
        size = int(split_size_or_sections)
        if size <= 0 and n:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got {size}")
        sizes = [min(size, n - s) for s in range(0, n, size)] if n else [0]
    else:
        sizes = list(split_size_or_sections)
        if sum(sizes) != n:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input "
                               f"tensor's size at dimension {d}), but got split_sizes={sizes}")
    return Split.apply(input, d, tuple(sizes))


class Split(Function):
    """y₁, …, yₖ = consecutive slices of x along dim, of the given sizes (views);
    ∂L/∂x = the pieces' gradients concatenated along dim (zeros for a piece that got none),
    one pass, where a slice's own backward would write each into a zero array of x's shape"""
    is_view = True

    @staticmethod
    def forward(ctx, x, dim, sizes):
        ctx.dim = dim
        out, start = [], 0
        for s in sizes:
            out.append(x[(slice(None),) * dim + (slice(start, start + s),)])
            start += s
        return tuple(out)

    @staticmethod
    def backward(ctx, *grads):
        return cat(grads, ctx.dim), None, None


def chunk(input, chunks, dim=0):
    """Up to `chunks` pieces of equal size (the last may be smaller), as in PyTorch."""
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    _at_least_1d(input, "chunk")
    n = input.shape[normalize_dim(dim, input.ndim)]
    return split(input, max(-(-n // chunks), 1) if n else 1, dim)


def tensor_split(input, indices_or_sections, dim=0):
    """Views of `input` along `dim`, as torch.tensor_split (NumPy's array_split):

    - a number of sections k: k pieces, the first n % k of them one longer than the others
      (n = input.size(dim)), so that every piece exists even when k > n;
    - a list of indices [i₁, i₂, ...]: input[:i₁], input[i₁:i₂], ..., input[iₖ:], each read
      as a Python slice (negatives count from the end, out-of-range bounds clamp).

    A 0-d integer tensor counts as a number of sections, a 1-d one as indices."""
    if require_tensor(input, "tensor_split").ndim == 0:
        raise RuntimeError(f"tensor_split expected at least a 1-dimensional tensor, but got a "
                           f"tensor with {input.ndim} dims")
    d = normalize_dim(dim, input.ndim)
    n = input.shape[d]
    if isinstance(indices_or_sections, Tensor):
        t = indices_or_sections
        if t._data.dtype.kind not in "iu":
            raise RuntimeError(f"tensor_split expected tensor_indices_or_sections to have integer "
                               f"dtype, but got {t.dtype}")
        if t.ndim > 1:
            raise RuntimeError(f"tensor_split expected tensor_indices_or_sections to be a "
                               f"zero-dimensional or one-dimensional tensor, but got a tensor "
                               f"with {t.ndim} dims")
        indices_or_sections = t.tolist()
    if isinstance(indices_or_sections, numbers.Integral):
        sections = int(indices_or_sections)
        if sections <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {sections}")
        size, extra = divmod(n, sections)
        return Split.apply(input, d, tuple(size + (i < extra) for i in range(sections)))
    indices = _shape_args((indices_or_sections,), "tensor_split")
    bounds = [slice(lo, hi).indices(n)[:2] for lo, hi in zip((0,) + indices, indices + (n,))]
    bounds = [(lo, max(lo, hi)) for lo, hi in bounds]
    if all(a[1] == b[0] for a, b in zip(bounds, bounds[1:])):   # consecutive: one Split
        return Split.apply(input, d, tuple(hi - lo for lo, hi in bounds))
    return tuple(narrow(input, d, lo, hi - lo) for lo, hi in bounds)    # indices went back


def select(input, dim, index):
    """input[..., index, ...] with `index` in dimension `dim`: a view without that dimension
    (a negative index counts from the end);  ∂L/∂x = zeros with g in the selected slice."""
    if require_tensor(input, "select").ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = normalize_dim(dim, input.ndim)
    if isinstance(index, Tensor):
        index = index.item()
    if not isinstance(index, numbers.Integral):
        raise TypeError(f"select(): argument 'index' must be int, not {type(index).__name__}")
    n = input.shape[d]
    if not -n <= index < n:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(input.shape)} at dimension {d}")
    return input[(slice(None),) * d + (int(index),)]


def unbind(input, dim=0):
    if require_tensor(input, "unbind").ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    d = normalize_dim(dim, input.ndim)
    return tuple(input[(slice(None),) * d + (i,)] for i in range(input.shape[d]))


class Flip(Function):
    """y = x reversed along dims (a copy);  ∂L/∂x = g reversed back"""
    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return ctx.xp.flip(x, axis=dims).copy()

    @staticmethod
    def backward(ctx, g):
        return flip(g, ctx.dims), None


def flip(input, *dims):
    require_tensor(input, "flip")
    dims = normalize_dims(_shape_args(dims, "flip"), input.ndim)
    return Flip.apply(input, dims) if dims else input.clone()


class Roll(Function):
    """y = x shifted cyclically;  ∂L/∂x = g shifted back"""
    @staticmethod
    def forward(ctx, x, shifts, dims):
        ctx.shifts, ctx.dims = shifts, dims
        return ctx.xp.roll(x, shifts, axis=dims)

    @staticmethod
    def backward(ctx, g):
        back = tuple(-s for s in ctx.shifts) if isinstance(ctx.shifts, tuple) else -ctx.shifts
        return Roll.apply(g, back, ctx.dims), None, None


def roll(input, shifts, dims=None):
    require_tensor(input, "roll")
    if dims is None:
        if not isinstance(shifts, numbers.Integral):
            shifts = tuple(shifts)
            if len(shifts) != 1:
                raise RuntimeError("roll(): without dims, shifts must be a single integer")
            shifts = shifts[0]
        return reshape(Roll.apply(flatten(input), int(shifts), 0), input.shape)
    if isinstance(dims, numbers.Integral):
        dims, shifts = (dims,), (shifts,)
    dims = tuple(normalize_dim(d, input.ndim) for d in dims)
    shifts = tuple(int(s) for s in shifts)
    if len(dims) != len(shifts):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    return Roll.apply(input, shifts, dims)


class _Triangle(Function):
    """y = the lower (tril) or upper (triu) triangle of the last two dims;  ∂L/∂x = the same of g"""
    @staticmethod
    def forward(ctx, x, diagonal, upper):
        ctx.diagonal, ctx.upper = diagonal, upper
        return (ctx.xp.triu if upper else ctx.xp.tril)(x, diagonal)

    @staticmethod
    def backward(ctx, g):
        return _Triangle.apply(g, ctx.diagonal, ctx.upper), None, None


def tril(input, diagonal=0):
    if require_tensor(input, "tril").ndim < 2:
        raise RuntimeError("tril: input tensor must have at least 2 dimensions")
    return _Triangle.apply(input, diagonal, False)


def triu(input, diagonal=0):
    if require_tensor(input, "triu").ndim < 2:
        raise RuntimeError("triu: input tensor must have at least 2 dimensions")
    return _Triangle.apply(input, diagonal, True)


class ConstantPad(Function):
    """y = x surrounded by a constant;  ∂L/∂x = the middle of g"""
    @staticmethod
    def forward(ctx, x, widths, value):
        ctx.inner = tuple(slice(lo, lo + s) for (lo, _), s in zip(widths, x.shape))
        return ctx.xp.pad(x, widths, mode="constant", constant_values=value)

    @staticmethod
    def backward(ctx, g):
        return g[ctx.inner], None, None


_NON_CONSTANT_RANKS = {2: (2, 3), 4: (3, 4), 6: (4, 5)}


def pad(input, pad, mode="constant", value=None):
    """`pad` lists (left, right) widths starting from the last dimension, as `F.pad`:
    (1, 1) pads the last dim, (1, 1, 2, 2) the last two; a negative width crops. Modes:
    constant, reflect, replicate, circular (the last three index into the input, so their
    gradients accumulate, and take 2, 4 or 6 widths for an input of one or two more dims)."""
    require_tensor(input, "pad")
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2 or len(pad) // 2 > input.ndim:
        raise RuntimeError(f"Padding length must be divisible by 2 and at most twice the number of "
                           f"dimensions of the input ({input.ndim}), got {len(pad)}")
    widths = [(0, 0)] * input.ndim
    for i in range(len(pad) // 2):
        widths[input.ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    if mode == "constant":
        if any(lo < 0 or hi < 0 for lo, hi in widths):
            crop = tuple(slice(max(-lo, 0), s - max(-hi, 0)) for (lo, hi), s in zip(widths, input.shape))
            input = input[crop]
            widths = [(max(lo, 0), max(hi, 0)) for lo, hi in widths]
        return ConstantPad.apply(input, tuple(widths), 0 if value is None else value)
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(f"pad(): mode {mode!r} is not supported; use 'constant', "
                                  "'reflect', 'replicate' or 'circular'")
    _check_non_constant(input, widths, len(pad), mode, value)
    from .indexing import index_select
    out = input
    for d, (lo, hi) in enumerate(widths):
        if lo or hi:
            pos = _pad_positions(input.shape[d], lo, hi, mode)
            out = index_select(out, d, as_tensor(pos, device=input.device))
    return out


def _check_non_constant(input, widths, length, mode, value):
    """PyTorch's rules for the indexing modes, in its order: no fill value; 2, 4 or 6 widths
    for an input of one or two more dims (a batch); for reflect and replicate no empty dimension
    but the batch, a reflect width under its dimension's size, some padded output size above 0
    and none negative; for circular, no wrapping around twice (counted after
    the negative widths crop) and no negative output size."""
    if value not in (None, 0):
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    ranks = _NON_CONSTANT_RANKS.get(length, ())
    if input.ndim not in ranks:
        raise NotImplementedError(
            f"Padding size {length} is not supported for {input.ndim}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")
    shape = list(input.shape)
    padded = range(input.ndim - length // 2, input.ndim)
    sizes = [n + lo + hi for n, (lo, hi) in zip(shape, widths)]
    if mode == "circular":
        for d in padded:
            if max(widths[d]) > shape[d]:
                raise RuntimeError("Padding value causes wrapping around more than once.")
            if sizes[d] < 0:
                raise RuntimeError("Negative padding value is resulting in an empty dimension")
        for d in padded:
            kept = shape[d] + min(widths[d][0], 0) + min(widths[d][1], 0)
            if max(widths[d]) > kept:
                raise RuntimeError("Padding value causes wrapping around more than once.")
        return
    if 0 in (shape[1:] if input.ndim == ranks[1] else shape):
        raise RuntimeError(f"Expected {ranks[0]}D or {ranks[1]}D (batch mode) tensor with "
                           f"possibly 0 batch size and other non-zero dimensions for input, but "
                           f"got: {shape}")
    for d in reversed(padded) if mode == "reflect" else ():
        if max(widths[d]) >= shape[d]:
            raise RuntimeError(f"Argument #{2 * (input.ndim - d) + 2}: Padding size should be less "
                               f"than the corresponding input dimension, but got: padding "
                               f"{widths[d]} at dimension {d} of input {shape}")
    if all(sizes[d] < 1 for d in padded):
        names = list(zip("DHW"[-len(padded):], padded))
        given = ", ".join(f"{c}: {shape[d]}" for c, d in names)
        raise RuntimeError(f"input ({given}) is too small. Calculated output "
                           f"{' '.join(f'{c}: {sizes[d]}' for c, d in names)}")
    for size in sizes:
        if size < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {size}: {sizes}")


def _pad_positions(n, lo, hi, mode):
    """Which of the n input indices each output index reads. Reflect and replicate pad by the
    positive widths, then crop by the negative ones: output k reads k − lo, mirrored about 0
    and n − 1 or clamped to [0, n − 1]. Circular crops first, then wraps around what is left
    (PyTorch's order, so (1, −2) on [0, 1, 2, 3] gives [1, 0, 1])."""
    if mode == "circular":
        kept = n + min(lo, 0) + min(hi, 0)
        return max(-lo, 0) + np.arange(-max(lo, 0), kept + max(hi, 0)) % max(kept, 1)
    pos = np.arange(-lo, n + hi)
    if mode == "replicate":
        return np.clip(pos, 0, n - 1)
    period = 2 * (n - 1)
    pos = np.abs(pos) % period if period else np.zeros_like(pos)
    return np.where(pos >= n, period - pos, pos)


class Repeat(Function):
    """y = x tiled `sizes` times along each dim;  ∂L/∂x = the sum of g over the tiles"""
    @staticmethod
    def forward(ctx, x, sizes):
        ctx.sizes = sizes
        x = ctx.xp.reshape(x, (1,) * (len(sizes) - x.ndim) + x.shape)
        ctx.shape = x.shape
        return ctx.xp.tile(x, sizes)

    @staticmethod
    def backward(ctx, g):
        split_shape = []
        for r, s in zip(ctx.sizes, ctx.shape):
            split_shape += [r, s]
        from .reduction import sum as reduce_sum
        g = reduce_sum(reshape(g, tuple(split_shape)), tuple(range(0, 2 * len(ctx.sizes), 2)))
        return g, None


class Unfold(Function):
    """y[..., l, ..., k] = x[..., l·step + k, ...]: every window of `size` elements along `dim`,
    `step` apart, in a new last dimension (a read-only strided view of x, whose windows may
    overlap);  ∂L/∂x = each window of g added back where it was read (`UnfoldBackward`)"""
    is_view = True

    @staticmethod
    def forward(ctx, x, dim, size, step):
        ctx.geometry = (x.shape, dim, size, step)
        view = ctx.device.backend.sliding_window_view(x, size, axis=dim)
        return view[(slice(None),) * dim + (slice(None, None, step),)]

    @staticmethod
    def backward(ctx, g):
        return UnfoldBackward.apply(g, *ctx.geometry), None, None, None


class UnfoldBackward(Function):
    """gx = the windows of g (shape of `unfold`'s output) summed back into x's `shape`;
    for a cotangent v of gx: ∂/∂g = unfold(v) (the same windows)"""
    @staticmethod
    def forward(ctx, g, shape, dim, size, step):
        ctx.geometry = (dim, size, step)
        gx = ctx.xp.zeros(shape, g.dtype)
        windows = g.shape[dim]
        lead = (slice(None),) * dim
        g = ctx.xp.moveaxis(g, -1, dim + 1)          # (..., windows, size, ...)
        # one strided add per window offset, or per window when windows are fewer: no two
        # elements of one add land in the same place, so a plain += is exact
        if size <= windows:
            for k in range(size):
                taps = slice(k, k + step * (windows - 1) + 1, step)
                gx[lead + (taps,)] += g[lead + (slice(None), k)]
        else:
            for i in range(windows):
                gx[lead + (slice(i * step, i * step + size),)] += g[lead + (i,)]
        return gx

    @staticmethod
    def backward(ctx, v):
        return unfold(v, *ctx.geometry), None, None, None, None


def unfold(input, dimension, size, step):
    """All slices of `size` elements along `dimension`, `step` apart, as a new last dimension:
    shape (..., (n − size)//step + 1, ..., size) for n = input.shape[dimension], as
    torch.Tensor.unfold."""
    require_tensor(input, "unfold")
    if input.ndim == 0:
        normalize_dim(dimension, 1)
        return unfold(input.reshape(1), 0, size, step).reshape(size)
    dim = normalize_dim(dimension, input.ndim)
    n = input._data.shape[dim]
    if size > n:
        raise RuntimeError(f"maximum size for tensor at dimension {dim} is {n} but size is {size}")
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    return Unfold.apply(input, dim, int(size), int(step))


def repeat(input, *sizes):
    require_tensor(input, "repeat")
    sizes = _shape_args(sizes, "repeat")
    if len(sizes) < input.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of "
                           "dimensions of tensor")
    return Repeat.apply(input, sizes)


# ---- more shape ops: moving dims, tiling, diagonals, differences, grids, stacking, rotating ----
#
# Each is a composition of the differentiable ops above (and indexing), so its backward is the
# composition of theirs. Where PyTorch returns a view, `diagonal` (and `diag` of a matrix) here
# returns a copy: it reads the diagonal through an advanced index.

def _dim_list(dims):
    return (dims,) if isinstance(dims, numbers.Integral) else tuple(dims)


def movedim(input, source, destination):
    """Move dimensions `source` to positions `destination`; the others keep their order."""
    require_tensor(input, "movedim")
    source, destination = _dim_list(source), _dim_list(destination)
    if len(source) != len(destination):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({list(source)} "
                           f"dims) should contain the same number of dims as destination "
                           f"({list(destination)} dims)")
    n = input.ndim
    src = [normalize_dim(d, n) for d in source]
    dst = [normalize_dim(d, n) for d in destination]
    if len(set(src)) != len(src):
        raise RuntimeError(f"movedim: repeated dim in `source` ({list(source)})")
    if len(set(dst)) != len(dst):
        raise RuntimeError(f"movedim: repeated dim in `destination` ({list(destination)})")
    if n == 0:
        return _alias(input)
    rest = iter(d for d in range(n) if d not in src)
    where = dict(zip(dst, src))
    order = tuple(where[i] if i in where else next(rest) for i in range(n))
    return permute(input, order)


moveaxis = movedim


def tile(input, dims):
    """`input` repeated `dims` times along each dimension; fewer dims than input.ndim are
    padded with 1s in front (unlike `repeat`, which refuses)."""
    require_tensor(input, "tile")
    dims = _shape_args((dims,), "tile")
    dims = (1,) * (input.ndim - len(dims)) + dims
    return repeat(input, dims)


def _diagonal_positions(n, m, offset):
    """Row and column numbers of the `offset` diagonal of an n×m matrix (host arrays)."""
    length = max(min(n + min(offset, 0), m - max(offset, 0)), 0)
    i = np.arange(length)
    return i - min(offset, 0), i + max(offset, 0)


def diagonal(input, offset=0, dim1=0, dim2=1):
    """The `offset` diagonal of the matrices in dims (dim1, dim2), as a new last dimension
    (a copy, where PyTorch gives a view);  ∂L/∂x = zeros with g on that diagonal."""
    require_tensor(input, "diagonal")
    n = input.ndim
    if n < 2:
        raise RuntimeError(f"diagonal(): input must have at least 2 dimensions, got {n}")
    a, b = normalize_dim(dim1, n), normalize_dim(dim2, n)
    if a == b:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    x = movedim(input, (a, b), (-2, -1))
    rows, cols = _diagonal_positions(x.shape[-2], x.shape[-1], int(offset))
    return x[..., as_tensor(rows, device=input.device), as_tensor(cols, device=input.device)]


_diagonal = diagonal        # `diag` takes an argument named `diagonal`, as in PyTorch


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """A tensor with one more dimension whose matrices in (dim1, dim2) carry the last
    dimension of `input` on their `offset` diagonal, zeros elsewhere."""
    from .indexing import index_put
    require_tensor(input, "diag_embed")
    n = input.ndim + 1
    a, b = normalize_dim(dim1, n), normalize_dim(dim2, n)
    if a == b:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    x = input.reshape(1) if input.ndim == 0 else input
    k = x.shape[-1]
    m = k + abs(int(offset))
    rows, cols = _diagonal_positions(m, m, int(offset))
    out = zeros(tuple(x.shape[:-1]) + (m, m), dtype=x.dtype, device=x.device)
    out = index_put(out, (Ellipsis, as_tensor(rows, device=x.device),
                          as_tensor(cols, device=x.device)), x)
    return movedim(out, (-2, -1), (a, b))


def diag(input, diagonal=0):
    """1-d input: the square matrix with `input` on its `diagonal`; 2-d input: that diagonal."""
    require_tensor(input, "diag")
    if input.ndim == 1:
        return diag_embed(input, diagonal, 0, 1)
    if input.ndim == 2:
        return _diagonal(input, diagonal)
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.ndim}D")


def trace(input):
    """Σᵢ xᵢᵢ of a matrix (integer matrices give int64, as sum does)."""
    from .reduction import sum as reduce_sum
    if require_tensor(input, "trace").ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.ndim}")
    return reduce_sum(diagonal(input))


def diff(input, n=1, dim=-1, prepend=None, append=None):
    """The n-th forward difference along `dim`: out[i] = x[i+1] − x[i], applied n times
    (bool tensors give x[i+1] != x[i], as in PyTorch); `prepend`/`append` join first."""
    require_tensor(input, "diff")
    if input.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    d = normalize_dim(dim, input.ndim)
    parts = [p for p in (prepend, input, append) if p is not None]
    x = cat(parts, d) if len(parts) > 1 else input
    for _ in range(n):
        length = x.shape[d]
        if length == 0:
            break
        hi, lo = narrow(x, d, 1, length - 1), narrow(x, d, 0, length - 1)
        x = (hi != lo) if x._data.dtype.kind == "b" else hi - lo
    return x


def meshgrid(*tensors, indexing="ij"):
    """Coordinate grids from 1-d tensors (expanded views): 'ij' gives grids of shape
    (len(t₀), len(t₁), ...), 'xy' swaps the first two (Cartesian, as NumPy's default)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    if indexing not in ("ij", "xy"):
        raise ValueError(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but "
                         f"received: {indexing}")
    for i, t in enumerate(tensors):
        if require_tensor(t, "meshgrid", f"tensors[{i}]").ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but "
                               f"got: {t.ndim}D tensor at position {i}")
    for t in tensors[1:]:
        if t.dtype is not tensors[0].dtype or t.device is not tensors[0].device:
            raise RuntimeError("meshgrid expects all tensors to have the same dtype and device")
    axes = list(range(len(tensors)))
    if indexing == "xy" and len(tensors) >= 2:
        axes[0], axes[1] = 1, 0
    shape = [0] * len(tensors)
    for t, ax in zip(tensors, axes):
        shape[ax] = t.numel()
    out = []
    for t, ax in zip(tensors, axes):
        view_shape = [1] * len(tensors)
        view_shape[ax] = t.numel()
        out.append(expand(reshape(t, tuple(view_shape)), tuple(shape)))
    return tuple(out)


def broadcast_shapes(*shapes):
    """The shape that all `shapes` broadcast to, or PyTorch's error naming the clash."""
    ndim = max((len(s) for s in shapes), default=0)
    out = [1] * ndim
    for s in shapes:
        s = (s,) if isinstance(s, numbers.Integral) else tuple(s)
        for k in range(1, len(s) + 1):
            if s[-k] != 1:
                if out[-k] != 1 and out[-k] != s[-k]:
                    raise RuntimeError(f"The size of tensor a ({out[-k]}) must match the size of "
                                       f"tensor b ({s[-k]}) at non-singleton dimension "
                                       f"{ndim - k}")
                out[-k] = s[-k]
    return tuple(out)


def broadcast_tensors(*tensors):
    """Every tensor expanded (a view) to the shape they broadcast to together."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    for i, t in enumerate(tensors):
        require_tensor(t, "broadcast_tensors", f"tensors[{i}]")
    shape = broadcast_shapes(*(t.shape for t in tensors))
    return tuple(expand(t, shape) for t in tensors)


def _at_least(tensors, ndim, name, place):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return tuple(_at_least(tuple(tensors[0]), ndim, name, place))
    out = []
    for t in tensors:
        require_tensor(t, name)
        out.append(reshape(t, place(tuple(t.shape))) if t.ndim < ndim else t)
    return out[0] if len(out) == 1 else tuple(out)


def atleast_1d(*tensors):
    """Each tensor with at least one dimension (0-d becomes shape (1,))."""
    return _at_least(tensors, 1, "atleast_1d", lambda s: (1,))


def atleast_2d(*tensors):
    """Each tensor with at least two dimensions: (n,) becomes (1, n)."""
    return _at_least(tensors, 2, "atleast_2d", lambda s: (1,) * (2 - len(s)) + s)


def atleast_3d(*tensors):
    """Each tensor with at least three dimensions: (n,) becomes (1, n, 1), (m, n) (m, n, 1)."""
    return _at_least(tensors, 3, "atleast_3d",
                     lambda s: {0: (1, 1, 1), 1: (1,) + s + (1,), 2: s + (1,)}[len(s)])


def _as_list(tensors, name):
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError(f"{name} expects a non-empty TensorList")
    return tensors


def hstack(tensors):
    """Concatenate column-wise: along dim 0 for 1-d tensors, else dim 1."""
    tensors = [atleast_1d(t) for t in _as_list(tensors, "hstack")]
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


def vstack(tensors):
    """Concatenate row-wise, after turning 1-d tensors into rows."""
    return cat([atleast_2d(t) for t in _as_list(tensors, "vstack")], 0)


row_stack = vstack


def dstack(tensors):
    """Concatenate depth-wise (dim 2), after making every tensor at least 3-d."""
    return cat([atleast_3d(t) for t in _as_list(tensors, "dstack")], 2)


def rot90(input, k=1, dims=(0, 1)):
    """Rotate by 90° k times in the plane of `dims`, from the first axis towards the second."""
    require_tensor(input, "rot90")
    dims = tuple(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {input.ndim}")
    a, b = normalize_dim(dims[0], input.ndim), normalize_dim(dims[1], input.ndim)
    if a == b:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {a} and "
                           f"dim1 = {b}")
    k %= 4
    if k == 1:
        return transpose(flip(input, b), a, b)
    if k == 2:
        return flip(input, a, b)
    if k == 3:
        return transpose(flip(input, a), a, b)
    return input.clone()


def kron(input, other):
    """The Kronecker product: out[i·m + j] = a[i]·b[j] in every dimension (the shorter operand
    gets leading size-1 dims)."""
    require_tensor(input, "kron")
    require_tensor(other, "kron", "other")
    n = max(input.ndim, other.ndim)
    sa = (1,) * (n - input.ndim) + tuple(input.shape)
    sb = (1,) * (n - other.ndim) + tuple(other.shape)
    a = reshape(input, tuple(v for s in sa for v in (s, 1)))
    b = reshape(other, tuple(v for s in sb for v in (1, s)))
    return reshape(a * b, tuple(x * y for x, y in zip(sa, sb)))


def repeat_interleave(input, repeats, dim=None, *, output_size=None):
    """Each element (or slice along `dim`) repeated `repeats` times in place, as
    torch.repeat_interleave: [a, b] with 2 gives [a, a, b, b]; `repeats` a number or one count
    per slice. Without `dim` the input is flattened first. The gradient sums the copies (it is
    an index_select)."""
    from .indexing import index_select
    require_tensor(input, "repeat_interleave")
    if dim is None:
        input, dim = reshape(input, (-1,)), 0
    d = normalize_dim(dim, input.ndim)
    n = input.shape[d] if input.ndim else 1
    xp = input.device.xp
    if isinstance(repeats, Tensor):
        if repeats.ndim > 1 or repeats._data.dtype.kind not in "iu":
            raise RuntimeError("repeat_interleave: repeats must be a 0-d or 1-d integer tensor")
        counts = repeats.to(input.device)._data.reshape(-1)
    else:
        counts = xp.asarray([int(repeats)])
    if counts.size not in (1, n):
        raise RuntimeError(f"repeats must have the same size as input along dim, but got "
                           f"repeats.size(0) = {counts.size} and input.size({d}) = {n}")
    if bool((counts < 0).any()):
        raise RuntimeError("repeat_interleave: repeats can not be negative")
    index = xp.repeat(xp.arange(n), counts if counts.size == n else int(counts[0]))
    if output_size is not None and index.size != output_size:
        raise RuntimeError(f"repeat_interleave: output_size {output_size} does not match the "
                           f"{index.size} repeats")
    if input.ndim == 0:
        input = reshape(input, (1,))
    return index_select(input, d, _wrap(index.astype(xp.int64, copy=False), input._device))
