"""Sampling: dropout, bernoulli, multinomial, gumbel_softmax. Random numbers come from a
`Generator` (the device's default one unless given), through the backend, never from global
NumPy state."""
import warnings

import numpy as np

from .common import floating, require_tensor, zeros_like
from .elementwise import log, log1p, clamp_min
from .indexing import scatter
from .reduction import softmax, argmax
from ..autograd.function import Function
from ..factories import rand_like
from ..random import generator_for
from ..tensor import Tensor


class Dropout(Function):
    """y = x·m/(1 − p) with m ~ Bernoulli(1 − p);  ∂y/∂x = m/(1 − p) (the same mask).
    The mask has x's shape, or `mask_shape` (broadcast over x: whole channels dropped)."""
    array_backward = True

    @staticmethod
    def forward(ctx, x, p, generator, mask_shape=None):
        keep = generator.uniform(mask_shape or x.shape, x.dtype) >= p
        mask = keep * x.dtype.type(1.0 / (1.0 - p))
        ctx.save_for_backward(mask)
        return x * mask

    @staticmethod
    def backward(ctx, g):
        mask, = ctx.saved_tensors
        return g * mask, None, None, None


def dropout(input, p=0.5, training=True, *, generator=None):
    """Zero each element with probability p and scale the rest by 1/(1 − p) (identity when not
    training or p = 0)."""
    return _dropout(input, p, training, generator, None, "dropout")


def feature_dropout(input, p=0.5, training=True, *, spatial_dims, generator=None):
    """Zero whole channels: input (..., C, *spatial) with `spatial_dims` trailing dimensions,
    one draw per leading index and channel, the survivors scaled by 1/(1 − p) (Dropout2d)."""
    require_tensor(input, "feature_dropout")
    mask_shape = tuple(input.shape[:input.ndim - spatial_dims]) + (1,) * spatial_dims
    return _dropout(input, p, training, generator, mask_shape, "feature_dropout")


def _dropout(input, p, training, generator, mask_shape, name):
    x = floating(input, name)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return x * 0.0
    return Dropout.apply(x, p, generator_for(generator, x.device), mask_shape)


class _Sample(Function):
    """Random draws that carry no gradient."""
    @staticmethod
    def forward(ctx, p, kind, generator, extra):
        xp = ctx.xp
        if kind == "bernoulli":
            y = (generator.uniform(p.shape, p.dtype) < p).astype(p.dtype)
        else:
            y = _multinomial(xp, p, generator, *extra)
        ctx.mark_non_differentiable(y)
        return y


def _check_probability(p, name):
    """PyTorch's check of a Bernoulli probability: a number, or every element of a tensor."""
    if isinstance(p, Tensor):
        if bool(((p < 0) | (p > 1)).any()):
            raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
    elif not 0 <= p <= 1:
        raise RuntimeError(f"{name} expects p to be in [0, 1], but got p={p:g}")


def bernoulli(input, p=None, *, generator=None):
    """0/1 samples with probabilities `input` (or the number `p`), in input's dtype."""
    require_tensor(input, "bernoulli")
    _check_probability(input if p is None else p, "bernoulli_")
    probs = input if p is None else input * 0 + p
    return _Sample.apply(floating(probs, "bernoulli"), "bernoulli",
                         generator_for(generator, input.device), ())


def _multinomial(xp, p, generator, num_samples, replacement):
    rows = p.reshape(-1, p.shape[-1]).astype(xp.float64)
    if replacement:
        cdf = xp.cumsum(rows, axis=1)
        cdf = cdf / cdf[:, -1:]
        u = generator.uniform((rows.shape[0], num_samples), xp.float64)
        idx = xp.sum(u[:, :, None] >= cdf[:, None, :], axis=2)
        idx = xp.minimum(idx, rows.shape[1] - 1)
    else:
        # Gumbel-top-k: the k largest of log p + Gumbel noise are k draws without replacement
        u = generator.uniform(rows.shape, xp.float64)
        keys = xp.where(rows > 0, xp.log(xp.maximum(rows, 1e-300)) - xp.log(-xp.log(u + 1e-300)),
                        -xp.inf)
        idx = xp.argsort(-keys, axis=1, kind="stable")[:, :num_samples]
    return idx.reshape(p.shape[:-1] + (num_samples,)).astype(xp.int64)


def multinomial(input, num_samples, replacement=False, *, generator=None):
    """Indices drawn from the categorical distributions in the last dimension of `input`
    (non-negative weights, not necessarily normalized)."""
    require_tensor(input, "multinomial")
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                           f"{input.dtype}")
    if input.ndim not in (1, 2):
        raise RuntimeError(f"prob_dist must be 1 or 2 dim, got {input.ndim}")
    if bool((input < 0).any()) or not bool(input.isfinite().all()):
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if bool((input.sum(-1) == 0).any()):
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    if not replacement:
        nonzero = int((input > 0).sum(-1).min())
        if num_samples > nonzero:
            raise RuntimeError(f"cannot sample n_sample > prob_dist.size(-1) samples without "
                               f"replacement (n_sample={num_samples}, {nonzero} non-zero weights)")
    return _Sample.apply(input, "multinomial",
                         generator_for(generator, input.device), (int(num_samples), replacement))


def gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1):
    """A sample from the Gumbel-softmax distribution, differentiable in the logits:

        y = softmax((logits + g)/τ),  g = −log(E), E ~ Exponential(1)  (g ~ Gumbel(0, 1))

    hard=True returns the one-hot vector of argmax y, with the gradient of the soft y
    (straight-through: y_hard − y.detach() + y). The noise comes from the default generator of
    logits' device (mytorch.manual_seed makes it reproducible). `eps` is deprecated and unused."""
    require_tensor(logits, "gumbel_softmax", "logits")
    if eps != 1e-10:
        warnings.warn("`eps` parameter is deprecated and has no effect.", stacklevel=2)
    if not logits.is_floating_point():
        raise RuntimeError(f"gumbel_softmax(): expected floating point logits, got {logits.dtype}")
    # E = −log(1 − U) for U uniform in [0, 1); kept above the smallest normal number, as
    # PyTorch's exponential_ never returns 0, so that g stays finite
    exponential = clamp_min(-log1p(-rand_like(logits)), float(np.finfo(logits._data.dtype).tiny))
    soft = softmax((logits - log(exponential)) / tau, dim)
    if not hard:
        return soft
    index = argmax(soft, dim, keepdim=True)
    one_hot = scatter(zeros_like(logits), dim, index, value=1.0)
    return one_hot - soft.detach() + soft
