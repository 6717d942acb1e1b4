"""`mytorch.nn.init`: fill a tensor in place with the numbers a layer starts from.

Every function works in place under `no_grad` (so it can fill a Parameter), draws from the
device's default generator unless `generator=` is given, and returns the tensor.

Why the scales: for y = W·x with fan_in inputs of unit variance, Var(yᵢ) = fan_in·Var(W).
    xavier (Glorot):  Var(W) = gain² · 2/(fan_in + fan_out)   keeps forward and backward
                      variances balanced for tanh-like units
    kaiming (He):     Var(W) = gain² / fan                     gain = √2 for ReLU, which zeroes
                      half its inputs; gain = √(2/(1 + a²)) for leaky ReLU of slope a
A uniform U(−b, b) has variance b²/3, so its bound is b = √3·std.
"""
import math
import warnings

from ..autograd import no_grad
from ..factories import empty_like, eye
from ..tensor import _wrap
from .. import ops


def calculate_gain(nonlinearity, param=None):
    """The recommended gain for a nonlinearity (the factor `std` is multiplied by):

        linear, conv*, sigmoid  1        tanh        5/3
        relu                    √2       leaky_relu  √(2/(1 + slope²))  (slope = param, 0.01)
        selu                    3/4
    """
    linear_fns = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                  "conv_transpose2d", "conv_transpose3d"]
    if nonlinearity in linear_fns or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            negative_slope = 0.01
        elif not isinstance(param, bool) and isinstance(param, (int, float)):
            negative_slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + negative_slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor):
    """(fan_in, fan_out) of a weight of shape (out, in, *kernel): in·k and out·k, k = ∏kernel."""
    if tensor.dim() < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 "
                         "dimensions")
    receptive_field = 1
    for s in tensor.shape[2:]:
        receptive_field *= s
    return tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field


def _default_weight_and_bias_(weight, bias):
    """PyTorch's default for Linear and the convolutions: W ~ kaiming_uniform_(a=√5), which is
    U(−1/√fan_in, 1/√fan_in), and b ~ U(−1/√fan_in, 1/√fan_in)."""
    kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        fan_in, _ = _calculate_fan_in_and_fan_out(weight)
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
        uniform_(bias, -bound, bound)


def _calculate_correct_fan(tensor, mode):
    mode = mode.lower()
    valid_modes = ["fan_in", "fan_out"]
    if mode not in valid_modes:
        raise ValueError(f"Mode {mode} not supported, please use one of {valid_modes}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    """Fill with U(a, b)."""
    with no_grad():
        return tensor.uniform_(a, b, generator=generator)


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    """Fill with N(mean, std²)."""
    with no_grad():
        return tensor.normal_(mean, std, generator=generator)


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """Fill with N(mean, std²) conditioned on [a, b] (a and b are absolute values, not in
    units of std, as in PyTorch).

    By rejection: values outside [a, b] are drawn again until none is left, which is exact and
    fast while the interval holds a fair share of the mass (−2..2 std: 95%). PyTorch inverts
    the CDF instead, which also suits intervals far in the tail.
    """
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The "
                      "distribution of values may be incorrect.", stacklevel=2)
    with no_grad():
        tensor.normal_(mean, std, generator=generator)
        outside = (tensor < a) | (tensor > b)
        while bool(outside.any()):
            fresh = empty_like(tensor).normal_(mean, std, generator=generator)
            tensor.copy_(ops.where(outside, fresh, tensor))
            outside = (tensor < a) | (tensor > b)
        return tensor


def constant_(tensor, val):
    """Fill with `val`."""
    with no_grad():
        return tensor.fill_(val)


def ones_(tensor):
    return constant_(tensor, 1.0)


def zeros_(tensor):
    return constant_(tensor, 0.0)


def eye_(tensor):
    """Fill a 2-D tensor with the identity (ones on the diagonal), keeping identity of the
    inputs in a Linear layer."""
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    with no_grad():
        return tensor.copy_(eye(*tensor.shape, dtype=tensor.dtype, device=tensor.device))


def xavier_uniform_(tensor, gain=1.0, generator=None):
    """Fill with U(−b, b), b = gain·√(6/(fan_in + fan_out)) (Glorot & Bengio, 2010)."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    """Fill with N(0, std²), std = gain·√(2/(fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def _kaiming_std(tensor, a, mode, nonlinearity):
    fan = _calculate_correct_fan(tensor, mode)
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """Fill with U(−b, b), b = gain·√(3/fan) (He et al., 2015); `a` is the negative slope of the
    leaky ReLU that follows, `mode` picks fan_in (keeps forward variance) or fan_out
    (backward)."""
    if 0 in tuple(tensor.shape):
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """Fill with N(0, std²), std = gain/√fan."""
    if 0 in tuple(tensor.shape):
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity), generator)


def orthogonal_(tensor, gain=1, generator=None):
    """Fill with a (semi-)orthogonal matrix, scaled by `gain` (Saxe et al., 2013): the QR
    decomposition of a Gaussian matrix, signs fixed so that the result is uniformly
    distributed. Dimensions past the first are flattened."""
    if tensor.dim() < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    with no_grad():
        flat = tensor.new_empty((rows, cols)).normal_(0.0, 1.0, generator=generator)
        if rows < cols:
            flat = flat.t().contiguous()
        xp = tensor.device.xp
        q, r = xp.linalg.qr(flat._data)
        d = xp.sign(xp.diagonal(r))
        q = q * d[None, :]
        if rows < cols:
            q = q.T
        tensor.copy_(_wrap(xp.ascontiguousarray(q), tensor.device).reshape(tuple(tensor.shape)))
        return tensor.mul_(gain)
