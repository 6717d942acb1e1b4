"""Reductions over dimensions: sum, mean, var/std, prod, max/min, median, logsumexp, norm,
mode, softmax and log_softmax, nansum/nanmean, the cumulative ones (cumsum, cumprod, cummax/cummin,
logcumsumexp), quantile/nanquantile (sort, then gather the order statistics) and histc (a
histogram, not differentiable).

`dim` is an int, a tuple of ints (negatives count from the end) or None for all dimensions;
`keepdim=True` keeps reduced dimensions with size 1. The backward of a reduction broadcasts the
gradient back over the reduced dimensions: `_unreduce` puts the size-1 dimensions back and
stretches them (`expand`, or a broadcast view of the array).

Ties: `max`/`min`/`amax`/`amin` without indices split the gradient evenly over tied maxima;
`max(dim)`/`min(dim)` send it to the returned index only. Both as in PyTorch.
"""
import math

from .arithmetic import where
from .common import (constant, floating, normalize_dim, normalize_dims, reduced_shape,
                     require_tensor)
from .elementwise import abs, exp, log, sqrt
from .indexing import gather
from .shape import expand, flip, reshape, squeeze
from .. import dtypes, return_types
from ..autograd.function import Function
from ..tensor import Tensor



def _unreduce(ctx, g, dims=None, scale=None):
    """A reduced gradient (or saved value) broadcast back to the input's shape `ctx.shape`: the
    dims reduced (`dims`, by default `ctx.dims`) put back with size 1 unless keepdim, times
    `scale` if given, then stretched. On arrays (an array_backward without create_graph) a
    read-only broadcast view. (Scaling after the reshape keeps a 0-d gradient an array: NumPy
    turns 0-d results into scalars.)"""
    dims = ctx.dims if dims is None else dims
    if isinstance(g, Tensor):
        if not ctx.keepdim:
            g = reshape(g, reduced_shape(ctx.shape, dims))
        return expand(g if scale is None else g * scale, ctx.shape)
    if not ctx.keepdim:
        g = g.reshape(reduced_shape(ctx.shape, dims))
    return ctx.device.backend.broadcast_to(g if scale is None else g * scale, ctx.shape)


class Sum(Function):
    """y = Σ x over dims;  ∂y/∂x = 1 (the gradient is broadcast back)"""
    array_backward = True

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        ctx.dims, ctx.keepdim, ctx.shape = dims, keepdim, x.shape
        return x.sum(axis=dims, keepdims=keepdim)       # (the method: xp.sum adds Python layers)

    @staticmethod
    def backward(ctx, g):
        return _unreduce(ctx, g), None, None


def _summable(input, dtype, name):
    """The input of a sum-like reduction: cast to `dtype` if given; bool and integer tensors
    are summed in int64, as in PyTorch."""
    require_tensor(input, name)
    if dtype is not None:
        return input.to(dtype)
    if input._data.dtype.kind in "biu":
        return input.to(dtypes.int64)
    return input


def sum(input, dim=None, keepdim=False, *, dtype=None):
    input = _summable(input, dtype, "sum")
    return Sum.apply(input, normalize_dims(dim, input.ndim), keepdim)


class Mean(Function):
    """y = (1/N) Σ x over dims;  ∂y/∂x = 1/N"""
    array_backward = True

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        ctx.dims, ctx.keepdim, ctx.shape = dims, keepdim, x.shape
        n = 1
        for d in dims:
            n *= x.shape[d]
        ctx.n = n
        if n == 0:                  # the mean of nothing is nan, quietly (NumPy would warn)
            return ctx.xp.sum(x, axis=dims, keepdims=keepdim) * float("nan")
        return ctx.xp.mean(x, axis=dims, keepdims=keepdim)

    @staticmethod
    def backward(ctx, g):
        scale = 1.0 / ctx.n if ctx.n else 0.0        # n = 0: the input, and its gradient, is empty
        return _unreduce(ctx, g, scale=scale), None, None


def mean(input, dim=None, keepdim=False, *, dtype=None):
    require_tensor(input, "mean")
    if dtype is not None:
        input = input.to(dtype)
    if input._data.dtype.kind != "f":
        raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a "
                           f"floating point or complex dtype. Got: {input.dtype}")
    return Mean.apply(input, normalize_dims(dim, input.ndim), keepdim)


class Var(Function):
    """y = Σ (x − x̄)² / (N − correction);  ∂y/∂x = 2(x − x̄)/(N − correction)"""
    @staticmethod
    def forward(ctx, x, dims, correction, keepdim):
        ctx.dims, ctx.keepdim, ctx.shape = dims, keepdim, x.shape
        n = 1
        for d in dims:
            n *= x.shape[d]
        ctx.denominator = n - correction if n > correction else 0   # `max` is ours here
        ctx.save_for_backward(x)
        return ctx.xp.var(x, axis=dims, ddof=correction, keepdims=keepdim)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        centered = x - mean(x, ctx.dims, keepdim=True)
        g = _unreduce(ctx, g)
        return g * centered * (2.0 / ctx.denominator if ctx.denominator else float("nan")), \
            None, None, None


def _correction(correction, unbiased):
    if unbiased is not None:
        return 1 if unbiased else 0
    return 1 if correction is None else correction


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """Σ(x − mean)² / (n − correction) over dims. PyTorch's older forms work too:
    var(x, dim, unbiased, keepdim) and var(x, unbiased) (unbiased=False: correction 0)."""
    if isinstance(dim, bool):                   # var(x, unbiased)
        dim, unbiased = None, dim
    x = require_tensor(input, "var")
    if x._data.dtype.kind != "f":
        raise RuntimeError(f"std and var only support floating point and complex dtypes, got "
                           f"{x.dtype}")
    return Var.apply(x, normalize_dims(dim, x.ndim), _correction(correction, unbiased), keepdim)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """√var (the same arguments); the gradient is nan where the standard deviation is 0, as in
    PyTorch."""
    return sqrt(var(input, dim, unbiased, keepdim, correction=correction))


class Prod(Function):
    """y = Π x over dims;  ∂y/∂xᵢ = Π_{j≠i} xⱼ, computed without dividing by zeros.

    Where xᵢ ≠ 0 the product of the others is y/xᵢ. Where xᵢ = 0 it is the product p of the
    non-zero entries when xᵢ is the slice's only zero, p·xₖ when xₖ is the one other zero, and 0
    when there are more. Each case is written with ops on x itself (xₖ as the sum of the zero
    entries minus xᵢ), so the gradient has the right derivative too (double backward)."""
    @staticmethod
    def forward(ctx, x, dims, keepdim):
        ctx.dims, ctx.keepdim, ctx.shape = dims, keepdim, x.shape
        y = ctx.xp.prod(x, axis=dims, keepdims=keepdim)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        dims = ctx.dims
        is_zero = x == 0
        nonzero = where(is_zero, 1.0, x)
        p = prod(nonzero, dims, keepdim=True)              # product of the non-zero entries
        zeros = sum(is_zero, dims, keepdim=True)
        other_zero = sum(where(is_zero, x, 0.0), dims, keepdim=True) - x
        at_zero = p * where(zeros == 1, 1.0, where(zeros == 2, other_zero, 0.0))
        y = _unreduce(ctx, y, dims)
        others = where(is_zero, at_zero, y / nonzero)
        return _unreduce(ctx, g, dims) * others, None, None


def prod(input, dim=None, keepdim=False, *, dtype=None):
    input = _summable(input, dtype, "prod")
    return Prod.apply(input, normalize_dims(dim, input.ndim), keepdim)


class Amax(Function):
    """y = max x over dims;  the gradient is shared evenly by the elements equal to the max"""
    array_backward = True

    @staticmethod
    def forward(ctx, x, dims, keepdim, smallest):
        xp = ctx.xp
        ctx.dims, ctx.keepdim, ctx.shape = dims, keepdim, x.shape
        y = (xp.amin if smallest else xp.amax)(x, axis=dims, keepdims=True)
        if ctx.needs_input_grad[0]:
            hit = x == y
            ctx.save_for_backward(hit / xp.sum(hit, axis=dims, keepdims=True).astype(x.dtype))
        return y if keepdim else xp.squeeze(y, axis=dims)

    @staticmethod
    def backward(ctx, g):
        share, = ctx.saved_tensors
        return _unreduce(ctx, g) * share, None, None, None


def _check_nonempty(x, dims, name):
    for d in dims:
        if x.shape[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    if not dims and x.numel() == 0:
        raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() "
                           "== 0. Specify the reduction dim with the 'dim' argument.")


def _amax(input, dim, keepdim, smallest, name):
    require_tensor(input, name)
    dims = normalize_dims(dim, input.ndim)
    _check_nonempty(input, dims, name)
    return Amax.apply(input, dims, keepdim, smallest)


def amax(input, dim=(), keepdim=False):
    return _amax(input, dim, keepdim, False, "amax")


def amin(input, dim=(), keepdim=False):
    return _amax(input, dim, keepdim, True, "amin")


class _ArgReduce(Function):
    """Index of the max (or min) along one dimension, or of the flattened tensor: no gradient"""
    @staticmethod
    def forward(ctx, x, dim, keepdim, smallest):
        xp = ctx.xp
        fn = xp.argmin if smallest else xp.argmax
        if dim is None:
            y = fn(x.reshape(-1))
            if keepdim:
                y = xp.reshape(y, (1,) * x.ndim)
        else:
            y = fn(x, axis=dim, keepdims=keepdim)
        y = xp.asarray(y).astype(xp.int64, copy=False)
        ctx.mark_non_differentiable(y)
        return y


def argmax(input, dim=None, keepdim=False):
    require_tensor(input, "argmax")
    d = None if dim is None else normalize_dim(dim, input.ndim)
    if input.ndim == 0:
        d = None
    _check_nonempty(input, () if d is None else (d,), "argmax")
    return _ArgReduce.apply(input, d, keepdim, False)


def argmin(input, dim=None, keepdim=False):
    require_tensor(input, "argmin")
    d = None if dim is None else normalize_dim(dim, input.ndim)
    if input.ndim == 0:
        d = None
    _check_nonempty(input, () if d is None else (d,), "argmin")
    return _ArgReduce.apply(input, d, keepdim, True)


def _max_or_min(input, dim, keepdim, other, smallest):
    result = return_types.min if smallest else return_types.max
    from .arithmetic import maximum, minimum
    from ..tensor import Tensor
    name = "min" if smallest else "max"
    require_tensor(input, name)
    if isinstance(dim, Tensor) or other is not None:     # max(a, b): the elementwise form
        return (minimum if smallest else maximum)(input, dim if other is None else other)
    if dim is None:
        if input.numel() == 0:
            _check_nonempty(input, (), name)
        return _amax(input, (), False, smallest, name)
    d = normalize_dim(dim, input.ndim)
    if input.ndim == 0:
        return result(input.clone(), _ArgReduce.apply(input, None, False, smallest))
    _check_nonempty(input, (d,), name)
    indices = _ArgReduce.apply(input, d, True, smallest)
    values = gather(input, d, indices)
    if not keepdim:
        values, indices = squeeze(values, d), squeeze(indices, d)
    return result(values, indices)


def max(input, dim=None, keepdim=False, *, other=None):
    """`max(x)`: the largest value; `max(x, dim)`: (values, indices); `max(x, y)`: maximum."""
    return _max_or_min(input, dim, keepdim, other, False)


def min(input, dim=None, keepdim=False, *, other=None):
    """`min(x)`: the smallest value; `min(x, dim)`: (values, indices); `min(x, y)`: minimum."""
    return _max_or_min(input, dim, keepdim, other, True)


class LogSumExp(Function):
    """y = log Σ eˣ = m + log Σ e^(x−m), m = max x (stable for any magnitude);
    ∂y/∂x = e^(x−y) = softmax(x)"""
    @staticmethod
    def forward(ctx, x, dims, keepdim):
        xp = ctx.xp
        ctx.dims, ctx.keepdim, ctx.shape = dims, keepdim, x.shape
        m = xp.amax(x, axis=dims, keepdims=True) if x.size else xp.zeros(reduced_shape(x.shape, dims), x.dtype)
        m = xp.where(xp.isfinite(m), m, 0)
        s = xp.sum(xp.exp(x - m), axis=dims, keepdims=True)
        # s = 0 only when every term is -inf: log 0 = -inf, without NumPy's divide warning
        y = xp.where(s > 0, xp.log(xp.where(s > 0, s, 1)), -float("inf")).astype(x.dtype) + m
        y = y if keepdim else xp.squeeze(y, axis=dims)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        y = _unreduce(ctx, y)
        return _unreduce(ctx, g) * exp(x - y), None, None


def logsumexp(input, dim, keepdim=False):
    x = floating(input, "logsumexp")
    return LogSumExp.apply(x, normalize_dims(dim, x.ndim), keepdim)


class Softmax(Function):
    """yᵢ = e^(xᵢ−m) / Σⱼ e^(xⱼ−m);  ∂L/∂x = y ⊙ (g − Σ g ⊙ y)"""
    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        y = softmax_array(ctx.xp, x, dim)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return y * (g - sum(g * y, ctx.dim, keepdim=True)), None


def softmax_array(xp, x, dim):
    """Softmax on an array (fused kernels call it too)."""
    e = xp.exp(x - x.max(axis=dim, keepdims=True)) if x.size else x
    return e / e.sum(axis=dim, keepdims=True)        # (array methods: xp.sum adds Python layers)


class SafeSoftmax(Softmax):
    """Softmax whose rows of only −inf (attention with every key masked) give zeros instead of
    0/0 = NaN, as PyTorch's attention does; the gradient is Softmax's (zero on those rows)."""
    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        y = safe_softmax_array(ctx.xp, x, dim)
        ctx.save_for_backward(y)
        return y


def safe_softmax_array(xp, x, dim):
    """SafeSoftmax on an array (fused kernels call it too)."""
    m = xp.amax(x, axis=dim, keepdims=True) if x.size else x
    m = xp.where(xp.isneginf(m), 0, m)
    e = xp.exp(x - m)
    s = xp.sum(e, axis=dim, keepdims=True)
    e /= xp.where(s == 0, 1, s)
    return e


class LogSoftmax(Function):
    """yᵢ = xᵢ − log Σⱼ e^(xⱼ);  ∂L/∂x = g − e^y · Σ g"""
    @staticmethod
    def forward(ctx, x, dim):
        xp = ctx.xp
        ctx.dim = dim
        shifted = x - xp.amax(x, axis=dim, keepdims=True) if x.size else x
        y = shifted - xp.log(xp.sum(xp.exp(shifted), axis=dim, keepdims=True))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g - exp(y) * sum(g, ctx.dim, keepdim=True), None


def softmax(input, dim, dtype=None):
    x = floating(input if dtype is None else input.to(dtype), "softmax")
    return Softmax.apply(x, normalize_dim(dim, x.ndim))


def safe_softmax(input, dim):
    """softmax(input, dim), with zeros for slices that are −inf throughout (see SafeSoftmax)."""
    x = floating(input, "safe_softmax")
    return SafeSoftmax.apply(x, normalize_dim(dim, x.ndim))


def log_softmax(input, dim, dtype=None):
    x = floating(input if dtype is None else input.to(dtype), "log_softmax")
    return LogSoftmax.apply(x, normalize_dim(dim, x.ndim))


class CrossEntropy(Function):
    """ℓₙ = −log softmax(xₙ)[yₙ] = lseₙ − xₙ[yₙ] for logits x (N, C) and class indices y (N),
    with lseₙ = log Σ_c e^(xₙ[c]), as one op; targets equal to ignore_index count for nothing,
    'mean' divides by the number that count.

        ∂ℓₙ/∂xₙ = softmax(xₙ) − onehot(yₙ),     softmax(xₙ) = e^(xₙ − lseₙ)

    (the combination nll_loss(log_softmax(x)) would scatter its gradient into a (N, C) array of
    zeros first). Forward keeps lse, one number per row, so the backward on arrays gets the
    softmax with one subtraction and one exp and subtracts 1 at the targets in place. With
    create_graph it uses the differentiable softmax(x) instead, so second derivatives work."""
    array_backward = True

    @staticmethod
    def forward(ctx, x, target, ignore_index, reduction):
        xp = ctx.xp
        ctx.reduction = reduction
        m = x.max(axis=1, keepdims=True)
        lse = xp.log(xp.exp(x - m).sum(axis=1, keepdims=True)) + m          # (N, 1)
        # only a target in [lo, hi] can equal ignore_index (never the default −100): outside,
        # the comparison with every target is skipped
        lo, hi = (int(target.min()), int(target.max())) if target.size else (0, -1)
        keep = target != ignore_index if lo <= ignore_index <= hi else None
        if keep is None or keep.all():   # the common case: every target counts, equally
            safe, weights, count = target, None, x.shape[0]
        else:
            safe = xp.where(keep, target, 0)
            weights = keep.astype(x.dtype)
            count = weights.sum()
            lo, hi = int(safe.min()), int(safe.max())
        if lo < 0 or hi >= x.shape[1]:
            raise IndexError(f"Target {lo if lo < 0 else hi} is out of bounds.")
        losses = lse[:, 0] - x[xp.arange(x.shape[0]), safe]
        if weights is not None:
            losses *= weights
        ctx.save_for_backward(x)
        ctx.lse, ctx.safe, ctx.weights, ctx.count = lse, safe, weights, count   # constants
        if reduction == "none":
            return losses
        total = losses.sum()
        if reduction == "sum":
            return total
        return total / count if count else total * float("nan")   # every target ignored

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        safe, weights, count = ctx.safe, ctx.weights, ctx.count
        if isinstance(x, Tensor) and weights is not None:
            weights = constant(weights, ctx.device)
        if ctx.reduction == "none":
            scale = (g if weights is None else g * weights).reshape(-1, 1)
        else:
            scale = g if weights is None else g * weights.reshape(-1, 1)
            if ctx.reduction == "mean":
                scale = scale / count if count else scale * 0     # (every target ignored)
        # an ignored row has weight 0, so subtracting 1 at its (placeholder) target is harmless
        if isinstance(x, Tensor):
            onehot = ctx.xp.zeros(x.shape, x._data.dtype)
            onehot[ctx.xp.arange(x.shape[0]), safe] = 1
            return (softmax(x, 1) - constant(onehot, ctx.device)) * scale, None, None, None
        p = ctx.xp.exp(x - ctx.lse)
        p[ctx.xp.arange(x.shape[0]), safe] -= 1
        p *= scale
        return p, None, None, None


def cross_entropy(input, target, ignore_index=-100, reduction="mean"):
    """The fused cross-entropy of logits (N, C) with class indices (N); see CrossEntropy.
    mytorch.nn.functional.cross_entropy is the full PyTorch version and uses this one for
    its common case."""
    x = floating(input, "cross_entropy")
    require_tensor(target, "cross_entropy", "target")
    x_shape, t_shape = x._data.shape, target._data.shape
    if len(x_shape) != 2 or len(t_shape) != 1 or t_shape[0] != x_shape[0]:
        raise RuntimeError(f"cross_entropy(): expected logits (N, C) and class indices (N), got "
                           f"{x_shape} and {t_shape}")
    if target._device is not x._device:
        target = target.to(x.device)
    return CrossEntropy.apply(x, target._data, ignore_index, reduction)


class Cumsum(Function):
    """yᵢ = Σ_{j≤i} xⱼ along dim;  ∂L/∂xⱼ = Σ_{i≥j} gᵢ (a reversed cumulative sum)"""
    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        return ctx.xp.cumsum(x, axis=dim)

    @staticmethod
    def backward(ctx, g):
        return flip(cumsum(flip(g, ctx.dim), ctx.dim), ctx.dim), None


def cumsum(input, dim, *, dtype=None):
    input = _summable(input, dtype, "cumsum")
    if input.ndim == 0:
        return input.clone()
    return Cumsum.apply(input, normalize_dim(dim, input.ndim))


class Norm(Function):
    """y = (Σ |x|ᵖ)^(1/p);  ∂y/∂x = x·|x|ᵖ⁻² / yᵖ⁻¹ (0 where y = 0)"""
    @staticmethod
    def forward(ctx, x, p, dims, keepdim):
        xp = ctx.xp
        ctx.p, ctx.dims, ctx.keepdim, ctx.shape = p, dims, keepdim, x.shape
        if p == 2:
            y = xp.sqrt(xp.sum(x * x, axis=dims, keepdims=keepdim))
        else:
            y = xp.sum(xp.abs(x) ** p, axis=dims, keepdims=keepdim) ** (1.0 / p)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        p = ctx.p
        y = _unreduce(ctx, y)
        g = _unreduce(ctx, g)
        safe = where(y == 0, 1.0, y)
        scale = where(y == 0, 0.0, g / (safe if p == 2 else safe ** (p - 1)))
        direction = x if p == 2 else x * abs(x) ** (p - 2)
        return scale * direction, None, None, None


def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    """The p-norm over `dim` (all elements by default): p = 'fro', 2, 1, inf, -inf, 0 or any
    positive number."""
    x = floating(input if dtype is None else input.to(dtype), "norm")
    dims = normalize_dims(dim, x.ndim)
    if p == "fro" or p is None:
        p = 2
    if p == "nuc" or isinstance(p, str):
        raise ValueError(f"norm(): p={p!r} is not supported; use 'fro' or a number")
    if p == float("inf"):
        return amax(abs(x), dims, keepdim)
    if p == float("-inf"):
        return amin(abs(x), dims, keepdim)
    if p == 0:
        return sum(x != 0, dims, keepdim).to(x.dtype)
    if p == 1:
        return sum(abs(x), dims, keepdim)
    return Norm.apply(x, p, dims, keepdim)


class _Truth(Function):
    """all / any over dims: a bool tensor, no gradient"""
    @staticmethod
    def forward(ctx, x, dims, keepdim, fn):
        y = getattr(ctx.xp, fn)(x, axis=dims, keepdims=keepdim)
        ctx.mark_non_differentiable(y)
        return y


def all(input, dim=None, keepdim=False):
    require_tensor(input, "all")
    return _Truth.apply(input, normalize_dims(dim, input.ndim), keepdim, "all")


def any(input, dim=None, keepdim=False):
    require_tensor(input, "any")
    return _Truth.apply(input, normalize_dims(dim, input.ndim), keepdim, "any")


# ---- more reductions: cumprod, logcumsumexp, cummax/cummin, median, nan-aware, pairs --------



def _scan(xp, x, axis, op):
    """Inclusive prefix scan of an associative, commutative `op` (xp.maximum, xp.logaddexp)
    along `axis` in log₂(n) vectorised steps (Hillis–Steele): after the step of width s, each
    element combines itself with the one s places before. (NumPy's ufunc.accumulate has no
    counterpart on every backend.)"""
    y = xp.moveaxis(x, axis, -1)
    step = 1
    while step < y.shape[-1]:
        y = xp.concatenate([y[..., :step], op(y[..., step:], y[..., :-step])], axis=-1)
        step *= 2
    return xp.ascontiguousarray(xp.moveaxis(y, -1, axis))


def _reverse_cumsum(t, dim):
    return flip(cumsum(flip(t, dim), dim), dim)


class Cumprod(Function):
    """yᵢ = Π_{j≤i} xⱼ along dim;  ∂L/∂xⱼ = Σ_{i≥j} gᵢ·Π_{k≤i, k≠j} xₖ (see _cumprod_grad)"""
    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        y = ctx.xp.cumprod(x, axis=dim)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        return _cumprod_grad(x, y, g, ctx.dim), None


def _cumprod_grad(x, y, g, dim):
    """∂L/∂x of y = cumprod(x), exact with zeros and differentiable again.

    Without zeros it is revcumsum(g·y)/x. With zeros, take z, each slice's first zero:
      j < z:  still revcumsum(g·y)ⱼ/xⱼ (xⱼ ≠ 0, and y carries its dependence on x_z);
      j = z:  Σ_{i≥z} gᵢ Π_{k≤i,k≠z} xₖ, the gradient of cumprod at x' = x with x_z set to 1;
      j > z:  x_z times that same gradient at x' (each product holds x_z once).
    x' has one zero less per slice, so the recursion ends (one level per zero in a slice)."""
    is_zero = x == 0
    if not bool(any(is_zero)):
        return _reverse_cumsum(g * y, dim) / x
    zeros_so_far = cumsum(is_zero, dim)
    before = zeros_so_far == 0
    first = is_zero & (zeros_so_far == 1)
    x1 = where(first, 1.0, x)
    rest = _cumprod_grad(x1, cumprod(x1, dim), g, dim)
    x_first = sum(where(first, x, 0.0), dim, keepdim=True)
    g_before = _reverse_cumsum(g * y, dim) / where(before, x, 1.0)
    return where(before, g_before, where(first, rest, x_first * rest))


def cumprod(input, dim, *, dtype=None):
    input = _summable(input, dtype, "cumprod")
    if input.ndim == 0:
        return input.clone()
    return Cumprod.apply(input, normalize_dim(dim, input.ndim))


class LogCumSumExp(Function):
    """yᵢ = log Σ_{j≤i} e^(xⱼ) along dim, by a scan of logaddexp (stable at any magnitude);
    ∂L/∂xⱼ = Σ_{i≥j} gᵢ e^(xⱼ−yᵢ), summed in log space separately for the positive and the
    negative parts of g, so nothing overflows (PyTorch's formula)."""
    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        y = _scan(ctx.xp, x, dim, ctx.xp.logaddexp)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        d = ctx.dim

        def part(sign):
            # log of the positive (or negative) part of g; "log 0" is a huge negative number,
            # not -inf, so the nested logcumsumexp never meets -inf − (-inf)
            mask = g > 0 if sign > 0 else g < 0
            log_mag = where(mask, log(where(mask, g * sign, 1.0)), -1e30)
            return exp(x + flip(logcumsumexp(flip(log_mag - y, d), d), d))
        return part(1) - part(-1), None


def logcumsumexp(input, dim):
    x = floating(input, "logcumsumexp")
    if x.ndim == 0:
        return x.clone()
    return LogCumSumExp.apply(x, normalize_dim(dim, x.ndim))


class _CumArgExtreme(Function):
    """Index of the running max (or min) along dim: the last one among ties, and from a NaN
    on, the latest NaN (as PyTorch): no gradient"""
    @staticmethod
    def forward(ctx, x, dim, smallest):
        xp = ctx.xp
        running = _scan(xp, x, dim, xp.minimum if smallest else xp.maximum)
        shape = [1] * x.ndim
        shape[dim] = x.shape[dim]
        position = xp.arange(x.shape[dim]).reshape(shape)
        hit = x == running
        if x.dtype.kind == "f":
            hit = hit | xp.isnan(x)
        y = _scan(xp, xp.where(hit, position, 0), dim, xp.maximum).astype(xp.int64, copy=False)
        ctx.mark_non_differentiable(y)
        return y


def _cum_extreme(input, dim, smallest, name):
    result = return_types.cummin if smallest else return_types.cummax
    require_tensor(input, name)
    if input.ndim == 0:
        values, indices = _cum_extreme(input.reshape(1), 0, smallest, name)
        return result(values.reshape(()), indices.reshape(()))
    d = normalize_dim(dim, input.ndim)
    indices = _CumArgExtreme.apply(input, d, smallest)
    return result(gather(input, d, indices), indices)


def cummax(input, dim):
    """(values, indices): the running maximum along `dim` and where it was found; the
    gradient goes to the element each value was read from."""
    return _cum_extreme(input, dim, False, "cummax")


def cummin(input, dim):
    """(values, indices): the running minimum along `dim` and where it was found."""
    return _cum_extreme(input, dim, True, "cummin")


def median(input, dim=None, keepdim=False):
    """The lower median (of an even count, the smaller middle value), NaN when the slice
    holds a NaN; with `dim`, (values, indices). The gradient goes to the chosen element."""
    from .arithmetic import isnan
    from .indexing import argsort
    require_tensor(input, "median")
    if dim is None:
        if input.numel() == 0 and input.is_floating_point():
            return input.sum() * float("nan")          # the median of nothing is NaN
        return median(input.reshape(-1), 0).values
    d = normalize_dim(dim, input.ndim)
    if input.ndim == 0:
        return return_types.median(input.clone(), _ArgReduce.apply(input, None, False, False))
    _check_nonempty(input, (d,), "median")
    n = input.shape[d]
    order = argsort(input, d)                       # NaNs sort last
    position = (n - 1) // 2
    if input.is_floating_point():
        nans = sum(isnan(input), d, keepdim=True)
        position = where(nans > 0, n - nans, position)  # the first NaN, if any
    else:
        position = _full_index(order, d, position)
    indices = gather(order, d, position)
    values = gather(input, d, indices)
    if not keepdim:
        values, indices = squeeze(values, d), squeeze(indices, d)
    return return_types.median(values, indices)


class _ModeIndex(Function):
    """Where the most frequent value of each slice along `dim` last occurs (keepdim): sort each
    slice, measure the runs of equal values, take the longest (the first longest in sorted
    order, so the smallest of tied modes, as PyTorch); no gradient."""
    @staticmethod
    def forward(ctx, x, dim):
        xp = ctx.xp
        rows = xp.moveaxis(x, dim, -1)
        lead, n = rows.shape[:-1], rows.shape[-1]
        rows = rows.reshape(-1, n)
        order = xp.argsort(rows, axis=1, kind="stable")
        s = xp.take_along_axis(rows, order, axis=1)
        starts = xp.concatenate([xp.ones((s.shape[0], 1), bool), s[:, 1:] != s[:, :-1]], axis=1)
        run = xp.cumsum(starts, axis=1) - 1 + xp.arange(s.shape[0])[:, None] * n
        counts = xp.bincount(run.reshape(-1), minlength=run.size)[run]
        first = xp.argmax(counts, axis=1)                        # the start of the longest run
        count = xp.take_along_axis(counts, first[:, None], axis=1)
        last = first[:, None] + count - 1                        # stable sort: its last index
        y = xp.take_along_axis(order, last, axis=1).astype(xp.int64, copy=False)
        y = xp.moveaxis(y.reshape(lead + (1,)), -1, dim)
        ctx.mark_non_differentiable(y)
        return y


def mode(input, dim=-1, keepdim=False):
    """The most frequent value of each slice along `dim` (the smallest, when several are as
    frequent) and the index of its last occurrence, as (values, indices). The gradient of the
    values goes to that element, as for max(dim)."""
    require_tensor(input, "mode")
    d = normalize_dim(dim, input.ndim)
    if input.ndim == 0:
        return return_types.mode(input.clone(), _ArgReduce.apply(input, None, False, False))
    _check_nonempty(input, (d,), "mode")
    indices = _ModeIndex.apply(input, d)
    values = gather(input, d, indices)
    if not keepdim:
        values, indices = squeeze(values, d), squeeze(indices, d)
    return return_types.mode(values, indices)


def _full_index(like, dim, value):
    """An int64 tensor of `value` with `like`'s shape reduced over `dim` (keepdim)."""
    from ..factories import full
    return full(reduced_shape(like.shape, (dim,)), value, dtype=dtypes.int64, device=like.device)


def nansum(input, dim=None, keepdim=False, *, dtype=None):
    """Σ x over dims, NaNs counted as zero (their gradient is zero)."""
    from .arithmetic import isnan
    x = _summable(input, dtype, "nansum")
    if x._data.dtype.kind == "f":
        x = where(isnan(x), 0.0, x)
    return sum(x, dim, keepdim)


def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    """The mean of the non-NaN elements over dims (NaN where all are NaN)."""
    from .arithmetic import isnan
    require_tensor(input, "nanmean")
    x = input.to(dtype) if dtype is not None else input
    if x._data.dtype.kind != "f":
        raise RuntimeError(f"nanmean(): expected input to have floating point dtype but got "
                           f"{x.dtype}")
    count = sum(~isnan(x), dim, keepdim).to(x.dtype)
    empty = count == 0                      # all NaN: NaN, quietly (0/0 would warn)
    return where(empty, float("nan"), nansum(x, dim, keepdim) / where(empty, 1.0, count))


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(var, mean) over dims, as two tensors."""
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    return var(input, dim, unbiased, keepdim, correction=correction), mean(input, dim, keepdim)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(std, mean) over dims, as two tensors."""
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    return std(input, dim, unbiased, keepdim, correction=correction), mean(input, dim, keepdim)


def count_nonzero(input, dim=None):
    """The number of non-zero elements over dims (int64)."""
    require_tensor(input, "count_nonzero")
    return sum(input != 0, dim)


def aminmax(input, *, dim=None, keepdim=False):
    """(min, max) over `dim` (all elements when None); ties share the gradient as in amin/amax."""
    dims = () if dim is None else dim
    return return_types.aminmax(_amax(input, dims, keepdim, True, "aminmax"),
                   _amax(input, dims, keepdim, False, "aminmax"))


# ---- order statistics by sorting: quantile, nanquantile; and a histogram, histc -------------

_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(input, q, dim, keepdim, interpolation, ignore_nan):
    """quantile and nanquantile, as PyTorch computes them: sort the slice (n values), read the
    rank r = q·(n − 1) (NaN-free count m for nanquantile: r = q·(m − 1)), and combine the order
    statistics around it, x₍⌊r⌋₎ and x₍⌈r⌉₎, by `interpolation`:

        linear    x₍⌊r⌋₎ + (r − ⌊r⌋)·(x₍⌈r⌉₎ − x₍⌊r⌋₎)
        midpoint  (x₍⌊r⌋₎ + x₍⌈r⌉₎) / 2
        lower / higher / nearest   x₍⌊r⌋₎ / x₍⌈r⌉₎ / x₍round(r)₎ (ties to even)

    The order statistics are read with sort and gather, so the gradient goes to the one or two
    elements used, times their weights, and is differentiable again. A slice holding a NaN gives
    NaN (quantile: its rank is moved to the end, where NaNs sort); for nanquantile only a slice
    of NaNs does."""
    from .arithmetic import isnan, lerp
    from .elementwise import ceil, floor, round as round_half_even
    from .indexing import sort
    from .shape import movedim
    from ..factories import full
    require_tensor(input, "quantile")
    if not isinstance(q, Tensor):
        if isinstance(q, bool) or not isinstance(q, (int, float)):
            raise TypeError(f"quantile(): argument 'q' must be float or Tensor, not "
                            f"{type(q).__name__}")
        if not 0 <= q <= 1:
            raise RuntimeError(f"quantile() q must be in the range [0, 1] but got {q}")
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError("quantile() interpolation must be one of linear, lower, higher, "
                           f"midpoint or nearest, but got {interpolation}")
    d = None if dim is None else normalize_dim(dim, input.ndim)
    if input.numel() == 0:
        raise RuntimeError("quantile() input tensor must be non-empty")
    if isinstance(q, Tensor) and q.ndim > 1:
        raise RuntimeError("quantile() q must be a scalar or 1D tensor")
    if input.dtype not in (dtypes.float32, dtypes.float64):
        raise RuntimeError("quantile() input tensor must be either float or double dtype")
    if isinstance(q, Tensor):
        if q.dtype is not input.dtype:
            raise RuntimeError("quantile() q tensor must be same dtype as the input tensor")
        if q.device != input.device:
            raise RuntimeError("quantile() q tensor must be on the same device as the input "
                               "tensor")
        if not bool(all((q >= 0) & (q <= 1))):
            raise RuntimeError("quantile() q values must be in the range [0, 1]")
        qs = q.reshape(-1)
    else:
        qs = full((1,), float(q), dtype=input.dtype, device=input.device)

    # the output's shape: the reduced one (keepdim: size 1 there), after len(q) for a 1-d q
    if d is not None and input.ndim:
        shape = reduced_shape(input.shape, (d,)) if keepdim else \
            tuple(s for i, s in enumerate(input.shape) if i != d)
    else:
        shape = (1,) * input.ndim if keepdim else ()
    if isinstance(q, Tensor) and q.ndim == 1:
        shape = (qs.shape[0],) + shape

    x = input.reshape(-1) if d is None or input.ndim == 0 else movedim(input, d, -1)
    ordered = sort(x, -1).values                               # (..., n), NaNs last
    if ignore_nan:
        ranks = qs * (sum(~isnan(ordered), -1, keepdim=True) - 1)     # (..., len(q))
        ranks = where(ranks < 0, 0.0, ranks)                   # all NaN: rank 0, a NaN
    else:
        last = ordered.shape[-1] - 1
        ranks = where(any(isnan(ordered), -1, keepdim=True), float(last), qs * last)
    if interpolation == "lower":
        ranks = floor(ranks)
    elif interpolation == "higher":
        ranks = ceil(ranks)
    elif interpolation == "nearest":
        ranks = round_half_even(ranks)
    below = floor(ranks)
    values = gather(ordered, -1, below.to(dtypes.int64))
    if interpolation in ("linear", "midpoint"):
        above = gather(ordered, -1, ceil(ranks).to(dtypes.int64))
        values = lerp(values, above, 0.5 if interpolation == "midpoint" else ranks - below)
    return reshape(movedim(values, -1, 0), shape)


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """The q-th quantiles of `input` (all elements, or along `dim`): q a number in [0, 1] or a
    1-d tensor of them (the result then starts with a dimension of len(q)). Float32 or float64
    input; NaN where a slice holds a NaN. See _quantile for the interpolations."""
    return _quantile(input, q, dim, keepdim, interpolation, False)


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """quantile, ignoring NaNs: the quantiles of each slice's other values (NaN if all are)."""
    return _quantile(input, q, dim, keepdim, interpolation, True)


class _Histc(Function):
    """Counts of `input`'s elements in `bins` equal-width bins over [lo, hi]: an element x goes
    to bin ⌊(x − lo)·bins / (hi − lo)⌋, x = hi to the last one; elements outside [lo, hi] (and
    NaNs) are not counted. No gradient."""
    @staticmethod
    def forward(ctx, x, bins, lo, hi):
        xp = ctx.xp
        flat = x.reshape(-1)
        inside = (flat >= lo) & (flat <= hi)
        safe = xp.where(inside, flat, lo)                      # no NaN reaches the int cast
        position = ((safe - lo) * bins / (hi - lo)).astype(xp.int64)
        position = xp.where(inside, xp.minimum(position, bins - 1), bins)   # outside: bin `bins`
        y = xp.bincount(position, minlength=bins + 1)[:bins].astype(x.dtype)
        ctx.mark_non_differentiable(y)
        return y


def histc(input, bins=100, min=0, max=0):
    """A histogram of `input` (flattened) with `bins` equal bins from `min` to `max`, of the
    input's floating dtype. min = max (the default 0, 0): the data's smallest and largest values
    (and when those are equal too, ±1 around them), as PyTorch."""
    require_tensor(input, "histc")
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"\"histc\" not implemented for '{input.dtype.name}'")
    if bins <= 0:
        raise RuntimeError(f"torch.histc(): bins must be > 0, but got {bins}")
    lo, hi = float(min), float(max)
    if lo == hi and input.numel():
        lo, hi = amin(input.detach()).item(), amax(input.detach()).item()
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise RuntimeError(f"torch.histc: range of [{lo}, {hi}] is not finite")
    if lo >= hi:
        raise RuntimeError("torch.histc: max must be larger than min")
    return _Histc.apply(input, int(bins), lo, hi)
