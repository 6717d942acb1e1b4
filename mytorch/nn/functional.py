"""`mytorch.nn.functional`: every layer as a stateless function, built from `mytorch.ops`.

The modules in `mytorch.nn` hold parameters and call these. All are compositions of
differentiable ops, so gradients (and gradients of gradients) come from the ops themselves;
the numerically delicate parts use the ops' fused, stable kernels (`log_softmax`,
`logsigmoid`, `softplus`).

    linear, bilinear, embedding, embedding_bag,    layers
    dropout
    conv1d/2d/3d, conv_transpose*, max_pool*,       convolution and pooling (from mytorch.ops)
    avg_pool*, adaptive_*, lp_pool*, max_unpool*,
    interpolate, dropout2d, unfold, fold,
    channel_shuffle
    layer_norm, rms_norm, group_norm, batch_norm,  normalization
    instance_norm, local_response_norm
    relu, gelu, silu, ..., softmax, log_softmax    activations
    gumbel_softmax                                 a differentiable categorical sample
    affine_grid, grid_sample                       sampling at points (spatial transformers)
    scaled_dot_product_attention                   attention
    cosine_similarity, pairwise_distance           distances
    cross_entropy, nll_loss, mse_loss, ...         losses, with reduction='mean' | 'sum' | 'none'
"""
import warnings

import numpy as np

from .. import ops
from ..autograd import is_grad_enabled, no_grad
from ..dtypes import SCALAR_TYPE_NAMES, int64, bool as bool_
from ..factories import arange, full, ones, zeros
from ..tensor import Tensor

# the activations that the ops define already, under PyTorch's functional names
from ..ops import (sigmoid, tanh, logsigmoid, softsign, tanhshrink, hardsigmoid as _hardsigmoid,
                   hardswish as _hardswish, pad)
# convolution, pooling and resizing are ops already, with PyTorch's functional signatures
from ..ops import (conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d, conv_transpose3d,
                   max_pool1d, max_pool2d, max_pool3d, avg_pool1d, avg_pool2d, avg_pool3d,
                   adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d,
                   adaptive_max_pool1d, adaptive_max_pool2d, adaptive_max_pool3d, interpolate,
                   pixel_shuffle, pixel_unshuffle)
from ..ops import (max_pool1d_with_indices, max_pool2d_with_indices, max_pool3d_with_indices,
                   adaptive_max_pool1d_with_indices, adaptive_max_pool2d_with_indices,
                   adaptive_max_pool3d_with_indices, lp_pool1d, lp_pool2d, lp_pool3d,
                   max_unpool1d, max_unpool2d, max_unpool3d)
# unfold / fold: the sliding blocks as columns (im2col) and back (col2im), mytorch/ops/fold.py
from ..ops import im2col as unfold, col2im as fold
# the in-place activations, and hardshrink / softshrink (mytorch/ops/activation_extra.py)
from ..ops import (relu_, elu_, leaky_relu_, selu_, celu_, hardtanh_, threshold_, rrelu_,
                   hardshrink, softshrink)
# sampling at points (spatial transformers) and the Gumbel-softmax, mytorch/ops/grid.py
from ..ops import affine_grid, grid_sample, gumbel_softmax


def _shape(t):
    return tuple(t.shape)


def _in_place(input, inplace, out):
    """`out`, written into `input` when inplace=True.

    Only outside the autograd graph: the backward of these activations reads their input, so
    overwriting it would make backward fail (mytorch refuses wrong gradients). For an input
    that requires grad, inplace=True therefore returns a new tensor (PyTorch has special
    in-place kernels for that case; relu, elu, leaky_relu, ... have them here too: `relu_`,
    `elu_`, ...).
    """
    if inplace and not (input.requires_grad and is_grad_enabled()):
        return input.copy_(out)
    return out


def _index_range(index):
    """(min, max) of an integer tensor, in one device-to-host transfer."""
    lo, hi = ops.stack([index.min(), index.max()]).tolist()
    return lo, hi


def _check_targets(target, ignore_index, n_classes):
    """IndexError, as PyTorch, for a class index outside [0, n_classes) that is not ignored."""
    safe = ops.where(target != ignore_index, target, 0)
    if safe.numel():
        lo, hi = _index_range(safe)
        if lo < 0 or hi >= n_classes:
            raise IndexError(f"Target {lo if lo < 0 else hi} is out of bounds.")


# ---- layers ----------------------------------------------------------------------------------

linear = ops.linear          # y = x·Wᵀ + b (one op; see mytorch.ops.linalg.linear)


def bilinear(input1, input2, weight, bias=None):
    """yₖ = x₁ᵀ·Aₖ·x₂ + bₖ.   x₁: (*, in1), x₂: (*, in2), A: (out, in1, in2) -> y: (*, out)"""
    if input1.shape[-1] != weight.shape[1] or input2.shape[-1] != weight.shape[2]:
        raise RuntimeError(f"bilinear(): input1 of shape {_shape(input1)} and input2 of shape "
                           f"{_shape(input2)} do not fit weight of shape {_shape(weight)}: "
                           f"their last dimensions must be {weight.shape[1]} and "
                           f"{weight.shape[2]}")
    out = ops.einsum("...i,oij,...j->...o", input1, weight, input2)
    return out if bias is None else out + bias


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    """Rows of `weight` picked by the integer indices `input`: y[..., :] = W[input[...], :].
    input: (*) integers, W: (num_embeddings, dim) -> y: (*, dim).

    The gradient to row `padding_idx` is zero. With `max_norm`, the picked rows whose
    `norm_type`-norm exceeds it are first rescaled to that norm, in place (as PyTorch).
    """
    if scale_grad_by_freq or sparse:
        raise NotImplementedError("embedding(): scale_grad_by_freq and sparse gradients are not "
                                  "supported by mytorch")
    if input.dtype.is_floating_point:
        raise RuntimeError(f"embedding(): expected input of integer dtype (indices), got "
                           f"{input.dtype}")
    n = weight.shape[0]
    if padding_idx is not None:
        if not -n <= padding_idx < n:
            raise AssertionError("Padding_idx must be within num_embeddings")
        padding_idx %= n
    if input.numel():
        lo, hi = _index_range(input)
        if lo < 0 or hi >= n:
            raise IndexError(f"embedding(): index {lo if lo < 0 else hi} is out of range for an "
                             f"embedding table of {n} rows")
    if max_norm is not None:
        with no_grad():
            rows = weight[input]
            norms = ops.norm(rows, norm_type, dim=-1, keepdim=True)
            scale = ops.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0)
            weight[input] = rows * scale
    out = weight[input]
    if padding_idx is not None and weight.requires_grad:
        # same values; the padding positions take theirs from a detached copy: no gradient
        out = ops.where((input == padding_idx).unsqueeze(-1), out.detach(), out)
    return out


def _bags(input, offsets, include_last_offset):
    """The flat indices, each one's bag and place in it, the number of bags B and the longest
    bag's length, from a (B, N) input or a 1-d input with `offsets` (see embedding_bag)."""
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated is "
                             "a mini-batch of fixed length sequences. However, found offsets of "
                             f"type {type(offsets)}")
        n_bags, length = input.shape
        place = arange(input.numel(), device=input.device)
        return input.reshape(-1), place // max(length, 1), place % max(length, 1), n_bags, length
    if input.dim() != 1:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension "
                         f"{input.dim()}")
    if offsets is None:
        raise ValueError("offsets has to be a 1D Tensor but got None")
    if offsets.dim() != 1:
        raise ValueError("offsets has to be a 1D Tensor")
    if offsets.dtype.is_floating_point:
        raise RuntimeError(f"embedding_bag(): expected offsets of integer dtype, got "
                           f"{offsets.dtype}")
    n = input.numel()
    if include_last_offset and offsets.numel() == 0:
        raise RuntimeError("include_last_offset: number of offset should be at least 1")
    if offsets.numel() == int(include_last_offset):      # no bags
        return input[:0], input[:0], input[:0], 0, 0
    first, final = ops.stack([offsets[0], offsets[-1]]).tolist()
    if first != 0:
        raise RuntimeError("offsets[0] has to be 0, i.e., the first sequence in the mini-batch has "
                           f"to start from position 0. However, got {first}")
    if final > n:
        raise RuntimeError(f"offsets[-1] can not be greater than input's length {n} but got "
                           f"offsets[-1] of {final}")
    if include_last_offset:
        ends, offsets = offsets[1:], offsets[:-1]
    else:
        ends = ops.cat([offsets[1:], full((1,), n, dtype=offsets.dtype, device=offsets.device)])
    n_bags, last = offsets.numel(), final if include_last_offset else n
    sizes = ends - offsets
    shortest, longest = ops.stack([sizes.min(), sizes.max()]).tolist()
    if shortest < 0:
        raise RuntimeError(f"embedding_bag(): offsets must be non-decreasing, got "
                           f"{offsets.tolist()}")
    place = arange(n, device=input.device)
    bag = ops.searchsorted(offsets, place, right=True) - 1
    # positions past the last bag's end (include_last_offset) belong to no bag: bag id B
    bag = ops.where(place < last, bag, n_bags)
    return input, bag, place - offsets[bag.clamp(max=n_bags - 1)], n_bags, longest


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False,
                  mode="mean", sparse=False, per_sample_weights=None, include_last_offset=False,
                  padding_idx=None):
    """Sums, means or maxima of bags of rows of `weight` (one row per index, as embedding):

        sum:  y[b] = Σᵢ wᵢ·W[input[i]]     mean: y[b] = (1/|b|)·Σᵢ W[input[i]]
        max:  y[b] = maxᵢ W[input[i]] (elementwise; the gradient goes to the first maximum)

    over the i in bag b; an empty bag gives zeros, and entries equal to padding_idx are left
    out of their bag (not counted, no gradient). w: per_sample_weights (mode 'sum' only).
    input (B, N): B bags of N indices; or input (n,) with offsets (B,) where bag b is
    input[offsets[b]:offsets[b+1]] (include_last_offset=True: offsets (B+1,), the last is the
    end of the last bag). W: (num_embeddings, dim) -> y: (B, dim). ∂L/∂W is scattered back
    into W's rows by the backend's scatter-add (through the lookup's backward).
    """
    if per_sample_weights is not None and input.shape != per_sample_weights.shape:
        raise ValueError(f"embedding_bag: If per_sample_weights ({_shape(per_sample_weights)}) is "
                         f"not None, then it must have the same shape as the input "
                         f"({_shape(input)})")
    if weight.dim() != 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension "
                         f"{weight.dim()}")
    weights = None if per_sample_weights is None else per_sample_weights.reshape(-1)
    input, bag, place, n_bags, longest = _bags(input, offsets, include_last_offset)
    if mode == "max":
        if scale_grad_by_freq:
            raise ValueError("max mode does not support scaling the gradient by the frequency")
        if sparse:
            raise ValueError("max mode does not support sparse weights")
    elif mode not in ("sum", "mean"):
        raise ValueError("mode has to be one of sum, mean or max")
    if weights is not None and mode != "sum":
        raise NotImplementedError("embedding_bag: per_sample_weights was not None. "
                                  "per_sample_weights is only supported for mode='sum' "
                                  f"(got mode='{mode}'). Please open a feature request on GitHub.")
    if weights is not None and weights.dtype != weight.dtype:
        raise RuntimeError(f"embedding_bag(): per_sample_weights of dtype {weights.dtype} must "
                           f"have the dtype of weight, {weight.dtype}")
    n = weight.shape[0]
    if padding_idx is not None:
        if not -n <= padding_idx < n:
            raise RuntimeError(f"padding_idx must be within the number of embeddings, {-n} "
                               f"through {n - 1}, but got {padding_idx}")
        padding_idx %= n
    rows = embedding(input, weight, None, max_norm, norm_type, scale_grad_by_freq, sparse)
    keep = bag < n_bags if padding_idx is None else (bag < n_bags) & (input != padding_idx)
    if not bool(keep.all()):
        rows, bag, place = rows[keep], bag[keep], place[keep]
        weights = None if weights is None else weights[keep]
    dim = weight.shape[1]
    if mode == "max":
        dense = full((n_bags, max(longest, 1), dim), float("-inf"), dtype=weight.dtype,
                     device=weight.device)
        out = ops.index_put(dense, (bag, place), rows).max(1).values
        filled = ops.bincount(bag, minlength=n_bags) > 0
        return ops.where(filled.unsqueeze(1), out, 0.0)
    if weights is not None:
        rows = rows * weights.unsqueeze(1)
    out = zeros((n_bags, dim), dtype=weight.dtype, device=weight.device).index_add(0, bag, rows)
    if mode == "mean":
        out = out / ops.bincount(bag, minlength=n_bags).clamp(min=1).unsqueeze(1)
    return out


def one_hot(tensor, num_classes=-1):
    """(*) integer classes -> (*, num_classes) int64 of 0/1; num_classes=-1: max + 1."""
    if tensor.dtype.is_floating_point:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if num_classes == -1:
        num_classes = int(tensor.max().item()) + 1 if tensor.numel() else 0
    classes = arange(num_classes, device=tensor.device)
    return (tensor.unsqueeze(-1) == classes).long()


def dropout(input, p=0.5, training=True, inplace=False):
    """Each element zeroed with probability p, the rest scaled by 1/(1 − p), when training."""
    return _in_place(input, inplace and training, ops.dropout(input, p, training))


def _feature_dropout(input, p, training, inplace, n, name):
    if input.ndim not in (n + 1, n + 2):
        raise RuntimeError(f"{name}: Expected {n + 1}D (unbatched) or {n + 2}D (batched) input, "
                           f"but got input of size: {list(input.shape)}")
    return _in_place(input, inplace and training,
                     ops.feature_dropout(input, p, training, spatial_dims=n))


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Whole channels of (N, C, L) zeroed with probability p, the rest scaled by 1/(1 − p)."""
    return _feature_dropout(input, p, training, inplace, 1, "dropout1d")


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Whole channels of (N, C, H, W) zeroed with probability p, the rest scaled by 1/(1 − p)."""
    return _feature_dropout(input, p, training, inplace, 2, "dropout2d")


def dropout3d(input, p=0.5, training=True, inplace=False):
    return _feature_dropout(input, p, training, inplace, 3, "dropout3d")


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Dropout for SELU networks: each element dropped with probability p is set to SELU's
    saturation value −α′ ≈ −1.7581, then y = a·x + b keeps zero mean and unit variance
    (a, b from p; see mytorch.ops.activation_extra.AlphaDropout)."""
    return _in_place(input, inplace and training, ops.alpha_dropout(input, p, training))


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    """alpha_dropout of whole channels: one draw per (sample, channel) of (N, C, *)."""
    return _in_place(input, inplace and training, ops.feature_alpha_dropout(input, p, training))


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """The older name of interpolate (deprecated, as in PyTorch)."""
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` "
                  "instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    """interpolate(mode='nearest') (deprecated, as in PyTorch)."""
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use "
                  "`nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    """interpolate(mode='bilinear', align_corners=True) (deprecated, as in PyTorch)."""
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use "
                  "`nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


def channel_shuffle(input, groups):
    """(N, g·k, *) -> (N, k·g, *): the channels read as a (g, k) table, transposed, so channel
    i·k + j moves to j·g + i and each group gets channels from every group (ShuffleNet)."""
    if input.ndim < 3:
        raise RuntimeError(f"channel_shuffle expects input with > 2 dims, but got input with "
                           f"sizes {list(input.shape)}")
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of "
                           f"groups:{groups}")
    n, c = input.shape[:2]
    if c % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels "
                           f"and {groups} groups.")
    rest = _shape(input)[2:]
    return input.reshape((n, groups, c // groups) + rest).transpose(1, 2).reshape(_shape(input))


native_channel_shuffle = channel_shuffle


# ---- normalization ---------------------------------------------------------------------------

def _normalized_dims(input, normalized_shape, name):
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if _shape(input)[input.ndim - len(shape):] != shape or input.ndim < len(shape):
        raise RuntimeError(f"{name}(): given normalized_shape={list(shape)}, expected input with "
                           f"shape [*, {', '.join(map(str, shape))}], but got input of size "
                           f"{list(input.shape)}")
    return tuple(range(input.ndim - len(shape), input.ndim))


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """y = (x − E[x]) / √(Var[x] + ε) · γ + β over the last len(normalized_shape) dimensions
    (biased variance)."""
    dims = _normalized_dims(input, normalized_shape, "layer_norm")
    out = ops.standardize(input, dims, eps)[0]
    if weight is not None:
        out = out * weight
    return out if bias is None else out + bias


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """y = x / √(mean(x²) + ε) · γ over the last dimensions; ε defaults to the dtype's
    machine epsilon (as PyTorch)."""
    dims = _normalized_dims(input, normalized_shape, "rms_norm")
    if eps is None:
        eps = float(np.finfo(input.dtype.np).eps)
    out = input * ops.rsqrt((input * input).mean(dims, keepdim=True) + eps)
    return out if weight is None else out * weight


def _channel_shape(input):
    """Shape that broadcasts a per-channel vector (C,) along dim 1 of input."""
    return (1, -1) + (1,) * (input.ndim - 2)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Channels split into groups; each (sample, group) normalized over its channels and
    positions, then a per-channel affine.   input: (N, C, *)"""
    if input.ndim < 2 or input.shape[1] % num_groups:
        raise RuntimeError(f"group_norm(): expected input of shape (N, C, *) with C divisible by "
                           f"num_groups={num_groups}, but got input of size {list(input.shape)}")
    n = input.shape[0]
    out = ops.standardize(input.reshape(n, num_groups, -1), 2, eps)[0].reshape(_shape(input))
    if weight is not None:
        out = out * weight.reshape(_channel_shape(input))
    if bias is not None:
        out = out + bias.reshape(_channel_shape(input))
    return out


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    """y = (x − μ) / √(σ² + ε) · γ + β per channel (dim 1), statistics over the batch and any
    positions: μ, σ² (biased) of this batch when training, else the running estimates.

    When training, the running estimates move towards the batch's, in place:
        running_mean ← (1 − momentum)·running_mean + momentum·μ
        running_var  ← (1 − momentum)·running_var  + momentum·σ²·n/(n − 1)   (unbiased)
    """
    dims = (0,) + tuple(range(2, input.ndim))
    if training:
        count = input.numel() // input.shape[1] if input.ndim > 1 else input.numel()
        if count <= 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input "
                             f"size {input.shape}")
        out, _, mean, var = ops.standardize(input, dims, eps)
        if running_mean is not None or running_var is not None:
            with no_grad():
                if running_mean is not None:
                    running_mean.mul_(1 - momentum).add_(mean.reshape(-1) * momentum)
                if running_var is not None:
                    unbiased = var.reshape(-1) * (count / (count - 1))
                    running_var.mul_(1 - momentum).add_(unbiased * momentum)
    else:
        if running_mean is None or running_var is None:
            raise ValueError("batch_norm(): running_mean and running_var are needed when "
                             "training=False")
        shape = _channel_shape(input)
        out = (input - running_mean.reshape(shape)) * ops.rsqrt(running_var.reshape(shape) + eps)
    if weight is not None:
        out = out * weight.reshape(_channel_shape(input))
    if bias is not None:
        out = out + bias.reshape(_channel_shape(input))
    return out


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-5):
    """y = (x − μ) / √(σ² + ε) · γ + β per sample and channel, μ, σ² (biased) over the positions
    (dims 2, 3, ...) of that one (sample, channel) when use_input_stats, else the running
    estimates, per channel (as batch_norm in eval mode).   input: (N, C, *)

    With use_input_stats, given running estimates move towards the batch's average of the
    per-instance statistics, in place (L the number of positions):
        running_mean ← (1 − momentum)·running_mean + momentum·meanₙ(μ)
        running_var  ← (1 − momentum)·running_var  + momentum·meanₙ(σ²·L/(L − 1))   (unbiased)
    """
    if not use_input_stats:
        if running_mean is None or running_var is None:
            raise ValueError("instance_norm(): running_mean and running_var are needed when "
                             "use_input_stats=False")
        return batch_norm(input, running_mean, running_var, weight, bias, False, momentum, eps)
    count = int(np.prod(_shape(input)[2:]))
    if count <= 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size "
                         f"{input.shape}")
    out, _, mean, var = ops.standardize(input, tuple(range(2, input.ndim)), eps)
    if running_mean is not None or running_var is not None:
        n, c = input.shape[:2]
        with no_grad():
            if running_mean is not None:
                running_mean.mul_(1 - momentum).add_(mean.reshape(n, c).mean(0) * momentum)
            if running_var is not None:
                unbiased = var.reshape(n, c).mean(0) * (count / (count - 1))
                running_var.mul_(1 - momentum).add_(unbiased * momentum)
    if weight is not None:
        out = out * weight.reshape(_channel_shape(input))
    if bias is not None:
        out = out + bias.reshape(_channel_shape(input))
    return out


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """y_c = x_c / (k + α/n·Σ_c' x_c'²)^β over the n = size channels c − ⌊n/2⌋ ≤ c' ≤
    c + ⌊(n − 1)/2⌋, zeros past the edges (AlexNet's normalization).   input: (N, C, *)"""
    if input.ndim < 3:
        raise ValueError(f"local_response_norm(): Expected 3D or higher dimensionality input "
                         f"(got {input.ndim} dimensions)")
    if input.numel() == 0:
        return input
    squares = pad((input * input).movedim(1, -1), (size // 2, (size - 1) // 2))
    mean = squares.unfold(-1, size, 1).mean(-1).movedim(-1, 1)
    return input / (mean * alpha + k) ** beta


def normalize(input, p=2.0, dim=1, eps=1e-12):
    """x / max(‖x‖ₚ, ε) along `dim`."""
    return input / ops.clamp_min(ops.norm(input, p, dim, keepdim=True), eps)


# ---- activations -----------------------------------------------------------------------------

def relu(input, inplace=False):
    """y = max(x, 0)"""
    return input.relu_() if inplace else ops.relu(input)


def relu6(input, inplace=False):
    """y = min(max(x, 0), 6)"""
    return hardtanh_(input, 0.0, 6.0) if inplace else ops.relu6(input)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """y = x for x ≥ 0, negative_slope·x otherwise"""
    if inplace:
        return leaky_relu_(input, negative_slope)
    return ops.leaky_relu(input, negative_slope)


def elu(input, alpha=1.0, inplace=False):
    """y = x for x > 0, α·(eˣ − 1) otherwise"""
    return elu_(input, alpha) if inplace else ops.elu(input, alpha)


def celu(input, alpha=1.0, inplace=False):
    """y = max(0, x) + min(0, α·(e^(x/α) − 1))"""
    return celu_(input, alpha) if inplace else ops.celu(input, alpha)


def selu(input, inplace=False):
    """y = scale·elu(x, α) with Klambauer et al.'s constants"""
    return selu_(input) if inplace else ops.selu(input)


def gelu(input, approximate="none"):
    """y = x·Φ(x) (approximate='tanh': x/2·(1 + tanh(√(2/π)(x + 0.044715x³))))"""
    if approximate not in ("none", "tanh"):
        raise RuntimeError(f"approximate argument must be either none or tanh, got "
                           f"{approximate!r}")
    return ops.gelu(input, approximate=approximate)


def silu(input, inplace=False):
    """y = x·σ(x)"""
    return _in_place(input, inplace, ops.silu(input))


def mish(input, inplace=False):
    """y = x·tanh(softplus(x))"""
    return _in_place(input, inplace, ops.mish(input))


def softplus(input, beta=1.0, threshold=20.0):
    """y = log(1 + e^(βx))/β, and y = x where βx > threshold"""
    return ops.softplus(input, beta, threshold)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """y = clamp(x, min_val, max_val)"""
    if min_val > max_val:
        raise ValueError(f"hardtanh(): min_val ({min_val}) cannot be greater than max_val "
                         f"({max_val})")
    if inplace:
        return hardtanh_(input, min_val, max_val)
    return ops.hardtanh(input, min_val, max_val)


def hardsigmoid(input, inplace=False):
    """y = clamp(x/6 + 1/2, 0, 1)"""
    return _in_place(input, inplace, _hardsigmoid(input))


def hardswish(input, inplace=False):
    """y = x·hardsigmoid(x)"""
    return _in_place(input, inplace, _hardswish(input))


def prelu(input, weight):
    """y = x for x ≥ 0, a·x otherwise, with a learned slope `weight` (one, or one per channel
    along dim 1)."""
    if weight.numel() != 1:
        if input.ndim < 2 or input.shape[1] != weight.numel():
            raise RuntimeError(f"prelu(): {weight.numel()} slopes need an input with that many "
                               f"channels in dim 1, got input of shape {_shape(input)}")
        weight = weight.reshape(_channel_shape(input))
    return ops.where(input >= 0, input, weight * input)


def glu(input, dim=-1):
    """a ⊙ σ(b), with a and b the two halves of input along `dim`"""
    if input.shape[dim] % 2:
        raise RuntimeError(f"glu(): halving dimension must be even, but dimension {dim} is size "
                           f"{input.shape[dim]}")
    a, b = ops.chunk(input, 2, dim)
    return a * ops.sigmoid(b)


def threshold(input, threshold, value, inplace=False):
    """y = x where x > threshold, else value"""
    if inplace:
        return threshold_(input, threshold, value)
    return ops.threshold(input, threshold, value)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """Randomized leaky ReLU: y = x where x > 0, else a·x, a drawn per element from
    U(lower, upper) when training (the default generator), a = (lower + upper)/2 otherwise."""
    if inplace:
        return rrelu_(input, lower, upper, training)
    return ops.rrelu(input, lower, upper, training)


def _softmax_dim(name, ndim):
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to "
                  "include dim=X as an argument.", stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """yᵢ = e^(xᵢ) / Σⱼ e^(xⱼ) along `dim`"""
    if dim is None:
        dim = _softmax_dim("softmax", input.ndim)
    return ops.softmax(input if dtype is None else input.to(dtype), dim)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """softmax(−x)"""
    if dim is None:
        dim = _softmax_dim("softmin", input.ndim)
    return ops.softmax(-(input if dtype is None else input.to(dtype)), dim)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """yᵢ = xᵢ − log Σⱼ e^(xⱼ) along `dim` (computed stably, never as log(softmax))"""
    if dim is None:
        dim = _softmax_dim("log_softmax", input.ndim)
    return ops.log_softmax(input if dtype is None else input.to(dtype), dim)


# ---- attention -------------------------------------------------------------------------------

def _repeat_heads(x, groups):
    """(..., H, S, E) -> (..., H·groups, S, E), each head repeated `groups` times in place."""
    *lead, h, n, e = x.shape
    x = x.unsqueeze(-3).expand(tuple(lead) + (h, groups, n, e))
    return x.reshape(tuple(lead) + (h * groups, n, e))


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0,
                                 is_causal=False, scale=None, enable_gqa=False):
    """Attention(Q, K, V) = softmax(Q·Kᵀ·s + M)·V, s = 1/√E by default.

    query (..., L, E), key (..., S, E), value (..., S, Ev) -> (..., L, Ev). attn_mask, as
    PyTorch: boolean True = may attend (False becomes −inf), or a float mask added to the
    scores; is_causal: query i attends to keys j ≤ i. A query that may attend to nothing gets
    zeros (not NaN). Dropout (dropout_p) applies to the attention weights whenever it is > 0,
    as PyTorch's functional form does. enable_gqa: key/value heads (dim −3) shared by groups of
    query heads."""
    L, S = query.shape[-2], key.shape[-2]
    if key.shape[-1] != query.shape[-1] or key.shape[-2] != value.shape[-2]:
        raise RuntimeError(f"scaled_dot_product_attention: query {list(query.shape)}, key "
                           f"{list(key.shape)} and value {list(value.shape)} do not fit: expected "
                           "query (..., L, E), key (..., S, E), value (..., S, Ev)")
    if enable_gqa and query.ndim >= 3 and key.shape[-3] != query.shape[-3]:
        if query.shape[-3] % key.shape[-3] or key.shape[-3] != value.shape[-3]:
            raise RuntimeError(f"scaled_dot_product_attention(enable_gqa=True): the number of "
                               f"key/value heads ({key.shape[-3]}, {value.shape[-3]}) must be "
                               f"equal and divide the number of query heads "
                               f"({query.shape[-3]})")
        groups = query.shape[-3] // key.shape[-3]
        key, value = _repeat_heads(key, groups), _repeat_heads(value, groups)
    if is_causal:
        if attn_mask is not None:
            raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be "
                               "set when is_causal=True")
        attn_mask = ops.tril(ones((L, S), dtype=bool_, device=query.device))
    return _attention(query, key, value, attn_mask, dropout_p, scale)[0]


def _attention(query, key, value, mask, dropout_p, scale=None):
    """(softmax(Q·Kᵀ·s + M)·V, the weights). mask: None, boolean (True = may attend) or
    floats added to the scores; rows with nothing to attend to get zero weights."""
    scale = 1.0 / np.sqrt(query.shape[-1]) if scale is None else scale
    if dropout_p == 0.0:
        return ops.attention(query, key, value, mask, scale)          # one fused op
    _, weights = ops.attention_steps(query, key, value, mask, scale)
    weights = ops.dropout(weights, dropout_p, True)
    return weights @ value, weights


# ---- distances -------------------------------------------------------------------------------

def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """cos θ = Σ x₁·x₂ / (max(‖x₁‖, ε)·max(‖x₂‖, ε)) along `dim`, x1 and x2 broadcast together.

    As PyTorch does, each vector is divided by its clamped norm before the product, so the
    result stays in [−1, 1] and ‖x₁‖·‖x₂‖ cannot overflow. Shapes: (*, D, *) → (*, *)."""
    from ..dtypes import result_type
    dtype = result_type(x1, x2)
    if not dtype.is_floating_point:
        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is "
                           f"{dtype}")
    x1, x2 = ops.broadcast_tensors(x1.to(dtype), x2.to(dtype))
    n1 = ops.clamp_min(ops.norm(x1, 2, dim, keepdim=True), eps)
    n2 = ops.clamp_min(ops.norm(x2, 2, dim, keepdim=True), eps)
    return ops.sum((x1 / n1) * (x2 / n2), dim)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """‖x₁ − x₂ + ε‖ₚ over the last dimension (of the broadcast shape), as PyTorch: ε keeps
    the norm differentiable where x₁ = x₂. Shapes: (N, D) or (D,) → (N) or ()."""
    return ops.norm(x1 - x2 + eps, p, max(x1.ndim, x2.ndim) - 1, keepdim=keepdim)


def pdist(input, p=2):
    """‖xᵢ − xⱼ‖ₚ for every pair of rows i < j of input (N, M), in row-major order:
    (N·(N − 1)/2,), the upper triangle of cdist(x, x). The gradient at a zero distance is 0."""
    if input.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.ndim}D")
    if not input.is_floating_point():
        raise RuntimeError("pdist only supports floating-point dtypes")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    rows = arange(input.shape[0], device=input.device)
    return ops.cdist(input, input, p)[rows.unsqueeze(1) < rows]


# ---- losses ----------------------------------------------------------------------------------

def _legacy_reduction(size_average, reduce):
    """The deprecated `size_average` / `reduce` arguments as a `reduction` string."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    reduction = "mean" if (size_average and reduce) else ("sum" if reduce else "none")
    warnings.warn("size_average and reduce args will be deprecated, please use "
                  f"reduction='{reduction}' instead.", stacklevel=3)
    return reduction


def _reduction(size_average, reduce, reduction):
    if size_average is not None or reduce is not None:
        return _legacy_reduction(size_average, reduce)
    return reduction


def _reduce(loss, reduction):
    """The elementwise loss summed, averaged or kept."""
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"{reduction} is not a valid value for reduction")


def _check_reduction(reduction):
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")


def _warn_if_broadcast(input, target):
    if _shape(input) != _shape(target):
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size "
                      f"({input.shape}). This will likely lead to incorrect results due to "
                      "broadcasting. Please ensure they have the same size.", stacklevel=3)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """ℓ = (x − y)²"""
    reduction = _reduction(size_average, reduce, reduction)
    _warn_if_broadcast(input, target)
    diff = input - target
    return _reduce(diff * diff, reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """ℓ = |x − y|"""
    reduction = _reduction(size_average, reduce, reduction)
    _warn_if_broadcast(input, target)
    return _reduce(ops.abs(input - target), reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """ℓ = 0.5·d²/β where |d| < β, else |d| − 0.5·β   (d = x − y; β = 0 gives L1)"""
    reduction = _reduction(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    _warn_if_broadcast(input, target)
    d = ops.abs(input - target)
    if beta == 0:
        return _reduce(d, reduction)
    return _reduce(ops.where(d < beta, 0.5 * d * d / beta, d - 0.5 * beta), reduction)


def huber_loss(input, target, reduction="mean", delta=1.0):
    """ℓ = 0.5·d² where |d| < δ, else δ·(|d| − 0.5·δ)   (= δ·smooth_l1 with β = δ)"""
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    _warn_if_broadcast(input, target)
    d = ops.abs(input - target)
    return _reduce(ops.where(d < delta, 0.5 * d * d, delta * (d - 0.5 * delta)), reduction)


def _class_targets(input, target, name):
    """Check class-index targets against input: (N, C, d1, ...) with (N, d1, ...), or (C,)
    with ()."""
    if target._data.dtype.kind == "f":
        raise RuntimeError(f"{name}(): expected target of class indices (an integer dtype), got "
                           f"{target.dtype}")
    shape = input._data.shape
    if len(shape) == 1:
        ok = target._data.ndim == 0
    else:
        ok = target._data.shape == shape[:1] + shape[2:]
    if not ok:
        if input.ndim >= 2 and target.ndim >= 1 and target.shape[0] != input.shape[0]:
            raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target "
                             f"batch_size ({target.shape[0]}).")
        expected = "()" if input.ndim == 1 else str((input.shape[0],) + _shape(input)[2:])
        raise RuntimeError(f"{name}(): input of shape {_shape(input)} needs a target of shape "
                           f"{expected}, got {_shape(target)}")


def _weighted_mean(total, count):
    """total / count for a 'mean' loss; when count is 0 (every target ignored) NaN, as PyTorch,
    but with a zero gradient, so one batch of padding leaves the weights as they were."""
    if count.item() != 0:
        return total / count
    return total * 0.0 + float("nan")


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """ℓₙ = −w[yₙ]·x[n, yₙ], from log-probabilities x: (N, C) or (N, C, d1, ...) or (C,).

    Targets equal to `ignore_index` contribute nothing; 'mean' divides by Σ w[yₙ] over the
    targets that count (so, without weights, by their number).
    """
    reduction = _reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    _class_targets(input, target, "nll_loss")
    if input.ndim == 1:
        input, target = input.unsqueeze(0), target.unsqueeze(0)
    n_classes = input.shape[1]
    if weight is not None and _shape(weight) != (n_classes,):
        raise RuntimeError(f"nll_loss(): weight must hold one value per class ({n_classes}), "
                           f"got a tensor of shape {_shape(weight)}")
    keep = target != ignore_index
    safe = ops.where(keep, target, 0)
    _check_targets(target, ignore_index, n_classes)
    picked = ops.gather(input, 1, safe.unsqueeze(1)).squeeze(1)
    w = keep.to(input.dtype) if weight is None else weight[safe] * keep
    loss = -picked * w
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    return _weighted_mean(loss.sum(), w.sum())


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100,
                  reduce=None, reduction="mean", label_smoothing=0.0):
    """Cross-entropy between the logits `input` (N, C) or (N, C, d1, ...) or (C,) and either

    class indices (N) / (N, d1, ...):   ℓₙ = −w[yₙ]·log softmax(xₙ)[yₙ]      (as nll_loss)
    class probabilities (input's shape): ℓₙ = −Σ_c w_c·y[n, c]·log softmax(xₙ)[c]

    label_smoothing ε mixes the target with the uniform distribution: probabilities become
    (1 − ε)·y + ε/C; for indices, ℓₙ = (1 − ε)·nllₙ + ε/C·(−Σ_c w_c log softmax(xₙ)[c]), with
    'mean' dividing both parts by Σ w[yₙ] over the targets not ignored (as PyTorch).
    'mean' with probabilities divides by N·d1·… (the weights do not enter the divisor).
    """
    reduction = _reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    if (label_smoothing == 0 and weight is None and input._data.ndim == 2
            and target._data.dtype.kind != "f"):
        _class_targets(input, target, "cross_entropy")      # the common case: one fused op
        return ops.cross_entropy(input, target, ignore_index, reduction)
    class_dim = 0 if input.ndim == 1 else 1
    n_classes = input.shape[class_dim]
    logp = ops.log_softmax(input, class_dim)
    w = None
    if weight is not None:
        if _shape(weight) != (n_classes,):
            raise RuntimeError(f"cross_entropy(): weight must hold one value per class "
                               f"({n_classes}), got a tensor of shape {_shape(weight)}")
        w = weight.reshape((-1,) + (1,) * (input.ndim - class_dim - 1))

    if target.dtype.is_floating_point:                       # class probabilities
        if _shape(target) != _shape(input):
            raise RuntimeError(f"cross_entropy(): a target of class probabilities must have the "
                               f"input's shape {_shape(input)}, got {_shape(target)}")
        if label_smoothing > 0:
            target = target * (1 - label_smoothing) + label_smoothing / n_classes
        prod = logp * target if w is None else logp * target * w
        if reduction == "none":
            return -prod.sum(class_dim)
        if reduction == "sum":
            return -prod.sum()
        return -prod.sum() / (input.numel() // n_classes)

    nll = nll_loss(logp, target, weight, ignore_index=ignore_index, reduction=reduction)
    if label_smoothing == 0:
        return nll
    keep = target != ignore_index
    smooth = -(logp if w is None else logp * w).sum(class_dim) * keep
    if reduction == "none":
        smooth_term = smooth
    elif reduction == "sum":
        smooth_term = smooth.sum()
    elif weight is None:
        smooth_term = _weighted_mean(smooth.sum(), keep.sum())
    else:
        smooth_term = _weighted_mean(smooth.sum(),
                                     (weight[ops.where(keep, target, 0)] * keep).sum())
    return (1 - label_smoothing) * nll + smooth_term * (label_smoothing / n_classes)


def _clamped_log(p):
    """max(log p, −100), without ever taking log 0 (which warns)."""
    positive = p > 0
    return ops.clamp_min(ops.where(positive, ops.log(ops.where(positive, p, 1.0)), -100.0),
                         -100.0)


def _float_target(target, input, name):
    """Binary cross-entropy takes its targets as floats (0/1 labels or probabilities): an integer
    or bool target is a RuntimeError, as in PyTorch, not silently promoted."""
    if isinstance(target, Tensor) and not target.is_floating_point():
        raise RuntimeError(f"{name}: Found dtype {target.dtype} but expected {input.dtype}: "
                           f"the target must be floating (use target.float())")


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    """ℓ = −w·(y·log x + (1 − y)·log(1 − x)), x probabilities in [0, 1]; each log is clamped
    to ≥ −100 (as PyTorch), so x = 0 or 1 gives a finite loss (and, there, a zero gradient,
    where PyTorch's is ±1e12). For logits, binary_cross_entropy_with_logits is exact."""
    reduction = _reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if _shape(target) != _shape(input):
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input "
                         f"size ({input.shape}) is deprecated. Please ensure they have the same "
                         "size.")
    _float_target(target, input, "binary_cross_entropy")
    if input.numel() and bool(((input < 0) | (input > 1)).any()):
        raise RuntimeError("all elements of input should be between 0 and 1")
    loss = -(target * _clamped_log(input) + (1 - target) * _clamped_log(1 - input))
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    """ℓ = −w·(p·y·log σ(x) + (1 − y)·log(1 − σ(x))), from logits x; p = pos_weight (per class,
    broadcast along the last dimension) weighs the positives.

    Computed as (1 − y)·x − (1 + (p − 1)·y)·log σ(x), since log(1 − σ(x)) = log σ(x) − x, with
    the stable log σ: exact for logits of any size, where σ then log would give −inf.
    """
    reduction = _reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if _shape(target) != _shape(input):
        raise ValueError(f"Target size ({target.shape}) must be the same as input size "
                         f"({input.shape})")
    _float_target(target, input, "binary_cross_entropy_with_logits")
    log_sig = ops.logsigmoid(input)
    if pos_weight is None:
        loss = (1 - target) * input - log_sig
    else:
        loss = (1 - target) * input - (1 + (pos_weight - 1) * target) * log_sig
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """ℓ = y·(log y − x): the KL divergence from the log-probabilities x to the target y
    (log_target=True: y given as log-probabilities, ℓ = eʸ·(y − x)). Terms with y = 0 count 0.

    reduction='batchmean' divides the sum by the batch size, which is the true KL divergence;
    'mean' divides by the number of elements (and warns, as PyTorch).
    """
    reduction = _reduction(size_average, reduce, reduction)
    if reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the "
                      "support size.'batchmean' divides only by the batch size, and aligns with "
                      "the KL div math definition.'mean' will be changed to behave the same as "
                      "'batchmean' in the next major release.", stacklevel=2)
    if log_target:
        loss = ops.exp(target) * (target - input)
    else:
        loss = ops.xlogy(target, target) - target * input
    if reduction == "batchmean":
        return loss.sum() / (input.shape[0] if input.ndim else 1)
    return _reduce(loss, reduction)


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                        reduction="mean"):
    """ℓ = max(0, −y·(x₁ − x₂) + margin): y = 1 asks for x₁ ranked above x₂ by at least the
    margin, y = −1 for x₂ above x₁. Shapes: x₁, x₂, y all (N) or all ()."""
    reduction = _reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if not input1.ndim == input2.ndim == target.ndim:
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension "
                           f"but got sizes: input1: {_shape(input1)}, input2: {_shape(input2)}, "
                           f"target: {_shape(target)} ")
    return _reduce(ops.clamp_min(-target * (input1 - input2) + margin, 0), reduction)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None,
                         reduction="mean"):
    """ℓ = x where y = 1, max(0, margin − x) where y = −1, for x a distance (e.g. an L1
    distance between two embeddings) and y = ±1 whether they should be similar. As PyTorch,
    ℓ = [y ≠ −1]·x + [y ≠ 1]·max(0, margin − x), so other labels count both terms."""
    reduction = _reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    margin_term = ops.where(target != 1, ops.clamp_min(margin - input, 0), 0.0)
    return _reduce(ops.where(target != -1, input, 0.0) + margin_term, reduction)


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                          reduction="mean"):
    """ℓ = 1 − cos(x₁, x₂) where y = 1, max(0, cos(x₁, x₂) − margin) where y = −1 (other labels
    give 0); cos is cosine_similarity along the feature dimension (its norms clamped at 1e-8,
    where PyTorch adds 1e-12 to the squared norms: the same away from zero vectors).
    Shapes: x₁, x₂ (N, D) with y (N), or (D) with y ()."""
    reduction = _reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if target.ndim not in (0, 1):
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if input1.ndim != target.ndim + 1 or input2.ndim != target.ndim + 1:
        raise RuntimeError(f"{target.ndim}D target tensor expects {target.ndim + 1}D input "
                           f"tensors, but found inputs with sizes {_shape(input1)} and "
                           f"{_shape(input2)}.")
    cos = cosine_similarity(input1, input2, dim=target.ndim)
    loss = (ops.where(target == 1, 1 - cos, 0.0)
            + ops.where(target == -1, ops.clamp_min(cos - margin, 0), 0.0))
    return _reduce(loss, reduction)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False,
                        size_average=None, reduce=None, reduction="mean"):
    """ℓ = max(0, d(a, p) − d(a, n) + margin), d the pairwise_distance (p-norm, eps added to
    the difference): the anchor should be nearer its positive than its negative by the margin.
    swap=True uses min(d(a, n), d(p, n)) as the negative distance (Balntas et al., 2016).
    Shapes: (N, D) or (D)."""
    reduction = _reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    return _triplet(anchor, positive, negative, lambda a, b: pairwise_distance(a, b, p, eps),
                    margin, swap, reduction)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None,
                                      margin=1.0, swap=False, reduction="mean"):
    """triplet_margin_loss with any distance: ℓ = max(0, d(a, p) − d(a, n) + margin), d =
    distance_function(x1, x2) (a batch of distances; default pairwise_distance)."""
    _check_reduction(reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    distance = pairwise_distance if distance_function is None else distance_function
    return _triplet(anchor, positive, negative, distance, margin, swap, reduction)


def _triplet(anchor, positive, negative, distance, margin, swap, reduction):
    if not anchor.ndim == positive.ndim == negative.ndim:
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the "
                           f"same number of dimensions, but got: anchor {anchor.ndim}D, positive "
                           f"{positive.ndim}D, and negative {negative.ndim}D inputs")
    d_pos = distance(anchor, positive)
    d_neg = distance(anchor, negative)
    if swap:
        d_neg = ops.minimum(d_neg, distance(positive, negative))
    return _reduce(ops.clamp_min(margin + d_pos - d_neg, 0), reduction)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """ℓ = log(1 + e^(−y·x)), y = ±1: the two-class logistic loss, computed as −log σ(y·x)
    (stable for any x)."""
    reduction = _reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    return _reduce(-ops.logsigmoid(target * input), reduction)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,
                                reduction="mean"):
    """ℓₙ = −(1/C)·Σ_c w_c·(y_c·log σ(x_c) + (1 − y_c)·log σ(−x_c)), y ∈ {0, 1}: a logistic
    loss per class, averaged over the C classes (the last dimension).   (N, C) → (N)"""
    reduction = _reduction(size_average, reduce, reduction)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not valid")
    loss = -(target * ops.logsigmoid(input) + (1 - target) * ops.logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    return _reduce(loss.sum(-1) / input.shape[-1], reduction)


def _long_target(target):
    if target.dtype is not int64:
        raise RuntimeError(f"expected scalar type Long but found "
                           f"{SCALAR_TYPE_NAMES[target.dtype.name]}")


def _margin_rows(input):
    """The (N, C) rows of a multi-class margin loss's input (C) or (N, C); 0-d is one class."""
    if input.ndim > 2 or (input.ndim and input.shape[-1] == 0):
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch size, "
                           f"but got: {list(input.shape)}")
    return input.reshape(-1, input.shape[-1] if input.ndim else 1)


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None,
                      reduce=None, reduction="mean"):
    """The multi-class hinge loss (of a multi-class SVM), for x (N, C) or (C) and class indices
    y (N) or ():   ℓₙ = Σ_{i ≠ yₙ} w[yₙ]·max(0, margin − x[n, yₙ] + x[n, i])ᵖ / C,  p = 1 or 2."""
    reduction = _reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    x = _margin_rows(input)
    n, c = x.shape
    _long_target(target)
    if target.ndim > 1 or target.numel() != n:
        raise RuntimeError(f"multi_margin_loss: target tensor should be 1-D with size equal to "
                           f"the number of input samples (batch size). Expected target size "
                           f"[{n}], but got {list(target.shape)}. Input has shape "
                           f"{list(input.shape)}.")
    if weight is not None and (weight.ndim > 1 or weight.numel() != c):
        raise RuntimeError(f"inconsistent weight size, expected {c} but got "
                           f"{list(weight.shape)}")
    y = target.reshape(n, 1)
    if n:
        lo, hi = _index_range(y)
        if lo < 0 or hi >= c:
            raise RuntimeError("target out of range")
    hinge = ops.clamp_min(margin - ops.gather(x, 1, y) + x, 0)
    if p == 2:
        hinge = hinge * hinge
    loss = ops.where(arange(c, device=x.device) == y, 0.0, hinge).sum(1) / c
    if weight is not None:
        loss = loss * weight.reshape(-1)[y.reshape(-1)]
    return _reduce(loss.reshape(_shape(target)), reduction)


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """The multi-label hinge loss, for x (N, C) or (C) and a target of x's shape that lists each
    sample's classes, ended by the first −1 (any values after it are ignored):
        ℓₙ = Σ_{j in yₙ} Σ_{i not in yₙ} max(0, 1 − (x[n, j] − x[n, i])) / C"""
    reduction = _reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    x = _margin_rows(input)
    n, c = x.shape
    _long_target(target)
    fits = _shape(target) == _shape(input) if input.ndim == 2 else \
        target.ndim <= 1 and target.numel() == c
    if not fits:
        raise RuntimeError(f"inconsistent target size: {list(target.shape)} for input of size: "
                           f"{list(input.shape)}")
    y = target.reshape(n, c)
    if n:
        lo, hi = _index_range(y)
        if lo < -1 or hi >= c:
            raise RuntimeError("argument #2 'target' is out of range")
    listed = (y == -1).long().cumsum(1) == 0              # the entries before the first −1
    y = ops.where(listed, y, 0)
    is_target = ((y.unsqueeze(2) == arange(c, device=x.device)) & listed.unsqueeze(2)).any(1)
    hinge = ops.clamp_min(1 - ops.gather(x, 1, y).unsqueeze(2) + x.unsqueeze(1), 0)  # (N, j, i)
    counted = listed.unsqueeze(2) & ~is_target.unsqueeze(1)
    loss = ops.where(counted, hinge, 0.0).sum((1, 2)) / c
    return _reduce(loss if input.ndim == 2 else loss.reshape(()), reduction)


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8,
                     reduce=None, reduction="mean"):
    """Negative log-likelihood of a Poisson target y with rate λ, dropping the constant log y!:

        log_input=True  (x = log λ):   ℓ = eˣ − y·x
        log_input=False (x = λ):       ℓ = x − y·log(x + ε)

    full=True adds Stirling's approximation of log y!, y·log y − y + ½·log(2πy), where y > 1."""
    reduction = _reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if log_input:
        loss = ops.exp(input) - target * input
    else:
        loss = input - target * ops.log(input + eps)
    if full:
        big = target > 1
        y = ops.where(big, target, 1.0)           # no log 0 even where the term is dropped
        loss = loss + ops.where(big, y * ops.log(y) - y + 0.5 * ops.log(2 * np.pi * y), 0.0)
    return _reduce(loss, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """Negative log-likelihood of a target y under a Gaussian with mean x and variance σ²:

        ℓ = ½·(log max(σ², ε) + (x − y)² / max(σ², ε))   (+ ½·log 2π with full=True)

    `var` has input's shape (one variance per element), or input's shape without its last
    dimension, or with it of size 1 (one variance shared along it), or is a float. As PyTorch,
    the clamp at ε changes the value only: the gradient reaches σ² as if unclamped."""
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not valid")
    diff = input - target
    if isinstance(var, (int, float)):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = max(var, eps)
        return _reduce(0.5 * (float(np.log(var)) + diff * diff / var)
                       + (0.5 * float(np.log(2 * np.pi)) if full else 0.0), reduction)
    if _shape(var) != _shape(input):
        if _shape(input)[:-1] == _shape(var):
            var = var.unsqueeze(-1)
        elif not (_shape(input)[:-1] == _shape(var)[:-1] and var.ndim and var.shape[-1] == 1):
            raise ValueError(f"var is of incorrect size: expected {_shape(input)}, "
                             f"{_shape(input)[:-1]} or {_shape(input)[:-1] + (1,)}, "
                             f"got {_shape(var)}")
    if bool((var < 0).any()):
        raise ValueError("var has negative entry/entries")
    fixed = var.detach()
    var = var + (ops.clamp_min(fixed, eps) - fixed)  # clamped value, identity gradient
    loss = 0.5 * (ops.log(var) + diff * diff / var)
    if full:
        loss = loss + 0.5 * float(np.log(2 * np.pi))
    return _reduce(loss, reduction)


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean",
             zero_infinity=False):
    """Connectionist temporal classification: ℓₙ = −log Σ_{π spells targetₙ} Πₜ yₜ(πₜ), over
    every alignment π of the input_lengthsₙ frames of log_probs (T, N, C) (or (T, C)) that
    spells the target once repeats are merged and blanks dropped. targets: (N, S) padded or
    (sum(target_lengths),) concatenated; lengths: tensors or tuples of ints. reduction='mean'
    divides each ℓₙ by its target length, then averages over the batch. See mytorch/ops/ctc.py."""
    return ops.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank, reduction,
                        zero_infinity)


def sigmoid_focal_loss(input, target, alpha=0.25, gamma=2.0, reduction="none"):
    """Focal loss for binary (or multi-label) classification from logits (Lin et al., 2017,
    "Focal Loss for Dense Object Detection"; not part of torch.nn, this is torchvision's
    `sigmoid_focal_loss`, with its defaults, reduction='none' included):

        p = σ(x),   p_t = p·y + (1 − p)·(1 − y)
        ℓ = −α_t·(1 − p_t)^γ·log p_t,     α_t = α·y + (1 − α)·(1 − y)

    −log p_t is binary_cross_entropy_with_logits(x, y), computed stably. γ > 0 shrinks the loss
    of well-classified examples (p_t near 1) so training focuses on the hard ones; γ = 0 and
    α < 0 (no α weighting) give plain binary cross-entropy.
    """
    _check_reduction(reduction)
    p = ops.sigmoid(input)
    ce = binary_cross_entropy_with_logits(input, target, reduction="none")
    p_t = p * target + (1 - p) * (1 - target)
    loss = ce * (1 - p_t) ** gamma if gamma != 0 else ce
    if alpha >= 0:
        loss = (alpha * target + (1 - alpha) * (1 - target)) * loss
    return _reduce(loss, reduction)

