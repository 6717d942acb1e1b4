"""Convolutions in 1, 2 and 3 spatial dimensions, and their transposes, as sliding windows and
one matrix multiply.

For an input x (N, C, *S), a weight w (O, C/G, *K) in G groups, stride s, zero padding p and
dilation d, the output y (N, O, *L) is, per spatial dimension,

    y[n, o, l] = Σ_c Σ_k  w[o, c, k] · xₚ[n, g·C/G + c, l·s + k·d]      (g: the group of o)
    L = ⌊(S + p_left + p_right − d·(K − 1) − 1) / s⌋ + 1

(a cross-correlation, as in every deep-learning library). The forward pass takes all windows
of the padded input as one strided view, copies them into columns (im2col: (N, G, C/G·ΠK, ΠL))
and multiplies by the weight as a (G, O/G, C/G·ΠK) matrix: no Python loop over pixels or
kernel positions.

The three maps below are the partial derivatives of one trilinear form B(x, w, g) = ⟨y(x, w), g⟩:

    Conv            y  = ∂B/∂g    the convolution
    ConvTranspose   gx = ∂B/∂x    the gradient for the input: a transposed convolution of g
    ConvWeight      gw = ∂B/∂w    the gradient for the weight: x's windows against g

so the backward of each is made of the other two, and gradients of every order follow. The
transposed convolution is itself computed as a convolution: g with zeros inserted between
its elements (s − 1 of them), padded, against the flipped weight with input and output channels
swapped.
"""
import math

from .common import require_tensor, promote
from ..autograd.function import Function


# ---- array-level kernels ----------------------------------------------------------------------

def _padded(xp, x, pads, value=0):
    """x (N, C, *S) padded (or, for negative widths, cropped) by (left, right) per spatial dim."""
    if all(lo == 0 and hi == 0 for lo, hi in pads):
        return x
    crop = (slice(None),) * 2 + tuple(slice(max(-lo, 0), n - max(-hi, 0))
                                      for (lo, hi), n in zip(pads, x.shape[2:]))
    x = x[crop]
    widths = ((0, 0), (0, 0)) + tuple((max(lo, 0), max(hi, 0)) for lo, hi in pads)
    if any(lo or hi for lo, hi in widths):
        x = xp.pad(x, widths, constant_values=value)
    return x


def windows(device, x, kernel, stride, pads, dilation, value=0):
    """All windows of x (N, C, *S) as a strided view (N, C, *L, *K): `value`-padded, then
    strided by `stride`, each window sampled every `dilation` elements."""
    x = _padded(device.xp, x, pads, value)
    n = len(kernel)
    span = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    view = device.backend.sliding_window_view(x, span, axis=tuple(range(2, 2 + n)))
    picks = (slice(None),) * 2 + tuple(slice(None, None, s) for s in stride) + \
        tuple(slice(None, None, d) for d in dilation)
    return view[picks]


def _im2col(device, x, kernel, stride, pads, dilation, groups):
    """x's windows as columns (N, G, C/G·ΠK, ΠL) — one copy — and the output's spatial shape L."""
    win = windows(device, x, kernel, stride, pads, dilation)
    n = len(kernel)
    N, C = x.shape[:2]
    out = win.shape[2:2 + n]
    win = win.reshape((N, groups, C // groups) + win.shape[2:])
    order = (0, 1, 2) + tuple(range(3 + n, 3 + 2 * n)) + tuple(range(3, 3 + n))
    cols = win.transpose(order).reshape(N, groups, (C // groups) * math.prod(kernel), math.prod(out))
    return cols, out


def _conv(device, x, w, stride, pads, dilation, groups):
    """y = x ⋆ w, arrays: (N, C, *S) and (O, C/G, *K) -> (N, O, *L)."""
    O, kernel = w.shape[0], w.shape[2:]
    cols, out = _im2col(device, x, kernel, stride, pads, dilation, groups)
    y = device.xp.matmul(w.reshape(groups, O // groups, -1), cols)    # (N, G, O/G, ΠL)
    return y.reshape((x.shape[0], O) + out)


def _conv_transpose(device, g, w, size, stride, pads, dilation, groups):
    """∂B/∂x: g (N, O, *L) and w (O, C/G, *K) -> (N, C, *size), as a convolution of g with
    zeros inserted between its elements against the flipped, channel-swapped weight."""
    xp = device.xp
    n = len(size)
    kernel = w.shape[2:]
    if any(s > 1 for s in stride):
        N, O, *L = g.shape
        spread = xp.zeros((N, O) + tuple((m - 1) * s + 1 for m, s in zip(L, stride)), g.dtype)
        spread[(slice(None),) * 2 + tuple(slice(None, None, s) for s in stride)] = g
        g = spread
    # the input position t gets g at t − k·d for every kernel index k: pad d·(K−1) on the left
    # of the spread g (less the input's own padding, which is cut away) and whatever is left
    # on the right to reach the input's size
    reach = [d * (k - 1) for k, d in zip(kernel, dilation)]
    new_pads = tuple((r - lo, m + lo - ln) for r, (lo, _), m, ln in
                     zip(reach, pads, size, g.shape[2:]))
    O, Cg = w.shape[:2]
    flipped = w.reshape((groups, O // groups, Cg) + kernel).swapaxes(1, 2)
    flipped = flipped[(slice(None),) * 3 + (slice(None, None, -1),) * n]
    flipped = flipped.reshape((groups * Cg, O // groups) + kernel)
    return _conv(device, g, flipped, (1,) * n, new_pads, dilation, groups)


def _conv_weight(device, x, g, kernel, stride, pads, dilation, groups):
    """∂B/∂w: x (N, C, *S) and g (N, O, *L) -> (O, C/G, *K): Σ over n and l of g times x's
    columns."""
    cols, _ = _im2col(device, x, kernel, stride, pads, dilation, groups)
    N, O = g.shape[:2]
    gg = g.reshape(N, groups, O // groups, math.prod(g.shape[2:]))
    gw = device.xp.matmul(gg, cols.swapaxes(-1, -2)).sum(axis=0)    # (G, O/G, C/G·ΠK)
    return gw.reshape((O, x.shape[1] // groups) + tuple(kernel))


# ---- the three differentiable maps ------------------------------------------------------------

class Conv(Function):
    """y = x ⋆ w + b;   ∂L/∂x = ConvTranspose(g, w),  ∂L/∂w = ConvWeight(x, g),  ∂L/∂b = Σ g"""
    @staticmethod
    def forward(ctx, x, w, b, stride, pads, dilation, groups):
        ctx.geometry = (stride, pads, dilation, groups)
        ctx.save_for_backward(x, w)
        y = _conv(ctx.device, x, w, stride, pads, dilation, groups)
        if b is not None:
            y += b.reshape((-1,) + (1,) * (y.ndim - 2))
        return y

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        gx = ConvTranspose.apply(g, w, tuple(x.shape[2:]), *ctx.geometry) if need_x else None
        gw = ConvWeight.apply(x, g, tuple(w.shape[2:]), *ctx.geometry) if need_w else None
        gb = g.sum((0,) + tuple(range(2, g.ndim))) if need_b else None
        return gx, gw, gb, None, None, None, None


class ConvTranspose(Function):
    """gx = ∂⟨x ⋆ w, g⟩/∂x, of shape (N, C, *size);   for a cotangent v of gx:
    ∂/∂g = v ⋆ w,  ∂/∂w = ConvWeight(v, g)"""
    @staticmethod
    def forward(ctx, g, w, size, stride, pads, dilation, groups):
        ctx.geometry = (stride, pads, dilation, groups)
        ctx.save_for_backward(g, w)
        return _conv_transpose(ctx.device, g, w, size, stride, pads, dilation, groups)

    @staticmethod
    def backward(ctx, v):
        g, w = ctx.saved_tensors
        need_g, need_w = ctx.needs_input_grad[:2]
        gg = Conv.apply(v, w, None, *ctx.geometry) if need_g else None
        gw = ConvWeight.apply(v, g, tuple(w.shape[2:]), *ctx.geometry) if need_w else None
        return gg, gw, None, None, None, None, None


class ConvWeight(Function):
    """gw = ∂⟨x ⋆ w, g⟩/∂w, of shape (O, C/G, *kernel);   for a cotangent v of gw:
    ∂/∂x = ConvTranspose(g, v),  ∂/∂g = x ⋆ v"""
    @staticmethod
    def forward(ctx, x, g, kernel, stride, pads, dilation, groups):
        ctx.geometry = (stride, pads, dilation, groups)
        ctx.save_for_backward(x, g)
        return _conv_weight(ctx.device, x, g, kernel, stride, pads, dilation, groups)

    @staticmethod
    def backward(ctx, v):
        x, g = ctx.saved_tensors
        need_x, need_g = ctx.needs_input_grad[:2]
        gx = ConvTranspose.apply(g, v, tuple(x.shape[2:]), *ctx.geometry) if need_x else None
        gg = Conv.apply(x, v, None, *ctx.geometry) if need_g else None
        return gx, gg, None, None, None, None, None


# ---- the public functions: argument checks in PyTorch's words ---------------------------------

def _ntuple(value, n, what, name):
    """An int or a sequence of n ints as a tuple of n ints."""
    if isinstance(value, (list, tuple)):
        if len(value) == 1 and n > 1:
            value = tuple(value) * n
        if len(value) != n or not all(isinstance(v, int) for v in value):
            raise RuntimeError(f"{name}(): expected {what} to be a single integer value or a list "
                               f"of {n} values to match the convolution dimensions, but got "
                               f"{what}={list(value)}")
        return tuple(int(v) for v in value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name}(): {what} must be an int or a tuple of {n} ints, got "
                        f"{type(value).__name__}")
    return (int(value),) * n


def _spatial_input(input, n, name):
    """input as a batched (N, C, *S) tensor, and whether a batch dimension was added."""
    require_tensor(input, name)
    if input.ndim == n + 1:
        return input.unsqueeze(0), True
    if input.ndim != n + 2:
        raise RuntimeError(f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to {name}, "
                           f"but got input of size: {list(input.shape)}")
    return input, False


def _geometry(n, weight, stride, padding, dilation, name):
    """Stride, (left, right) padding per spatial dimension and dilation, checked."""
    stride = _ntuple(stride, n, "stride", name)
    dilation = _ntuple(dilation, n, "dilation", name)
    if any(s <= 0 for s in stride):
        raise RuntimeError(f"{name}(): non-positive stride is not supported, got stride={stride}")
    if any(d <= 0 for d in dilation):
        raise RuntimeError(f"{name}(): dilation should be greater than zero, got "
                           f"dilation={dilation}")
    if isinstance(padding, str):
        if padding == "valid":
            pads = ((0, 0),) * n
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError(f"{name}(): padding='same' is not supported for strided "
                                   "convolutions")
            total = [d * (k - 1) for k, d in zip(weight.shape[2:], dilation)]
            pads = tuple((t // 2, t - t // 2) for t in total)     # the extra one on the right
        else:
            raise RuntimeError(f"{name}(): Invalid padding string {padding!r}, should be one "
                               "of 'valid', 'same'")
    else:
        padding = _ntuple(padding, n, "padding", name)
        if any(p < 0 for p in padding):
            raise RuntimeError(f"{name}(): negative padding is not supported, got "
                               f"padding={padding}")
        pads = tuple((p, p) for p in padding)
    return stride, pads, dilation


def _check_groups(groups, name):
    if not isinstance(groups, int) or isinstance(groups, bool) or groups <= 0:
        raise RuntimeError(f"{name}(): non-positive groups is not supported, got groups={groups}")


def _operands(x, weight, bias, name):
    require_tensor(weight, name, "weight")
    x, w = promote(x, weight, name)
    if bias is not None:
        require_tensor(bias, name, "bias")
        w, bias = promote(w, bias, name)
        x = x.to(w.dtype)
    return x, w, bias


def conv(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1, *, n, name):
    """The convolution over the last n dimensions (conv1d, conv2d, conv3d)."""
    x, unbatched = _spatial_input(input, n, name)
    require_tensor(weight, name, "weight")
    _check_groups(groups, name)
    if weight.ndim != n + 2:
        raise RuntimeError(f"{name}(): expected weight to be {n + 2}-dimensional "
                           f"(out_channels, in_channels/groups, *kernel_size), got weight of size "
                           f"{list(weight.shape)}")
    stride, pads, dilation = _geometry(n, weight, stride, padding, dilation, name)
    O, Cg = weight.shape[:2]
    if O % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at "
                           f"dimension 0, but got weight of size {list(weight.shape)} instead")
    if x.shape[1] != Cg * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {list(weight.shape)}, expected "
                           f"input{list(x.shape)} to have {Cg * groups} channels, but got "
                           f"{x.shape[1]} channels instead")
    if bias is not None and tuple(bias.shape) != (O,):
        raise RuntimeError(f"Given weight of size {list(weight.shape)}, expected bias to be "
                           f"1-dimensional with {O} elements, but got bias of size "
                           f"{list(bias.shape)} instead")
    padded = tuple(s + lo + hi for s, (lo, hi) in zip(x.shape[2:], pads))
    span = tuple(d * (k - 1) + 1 for k, d in zip(weight.shape[2:], dilation))
    if any(p < k for p, k in zip(padded, span)):
        raise RuntimeError(f"{name}(): calculated padded input size per channel: "
                           f"({' x '.join(map(str, padded))}). Kernel size: "
                           f"({' x '.join(map(str, span))}). Kernel size can't be greater than "
                           f"actual input size")
    x, w, b = _operands(x, weight, bias, name)
    y = Conv.apply(x, w, b, stride, pads, dilation, groups)
    return y.squeeze(0) if unbatched else y


def conv_transpose(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                   dilation=1, *, n, name):
    """The transposed convolution over the last n dimensions: the gradient of `conv` with
    respect to its input, as a layer. weight (C_in, C_out/G, *K); output size per dimension
    (S − 1)·s − 2p + d·(K − 1) + output_padding + 1."""
    x, unbatched = _spatial_input(input, n, name)
    require_tensor(weight, name, "weight")
    _check_groups(groups, name)
    if isinstance(padding, str):
        raise ValueError(f"{name}(): padding must be an int or a tuple of ints, got {padding!r}")
    if weight.ndim != n + 2:
        raise RuntimeError(f"{name}(): expected weight to be {n + 2}-dimensional "
                           f"(in_channels, out_channels/groups, *kernel_size), got weight of size "
                           f"{list(weight.shape)}")
    stride, pads, dilation = _geometry(n, weight, stride, padding, dilation, name)
    output_padding = _ntuple(output_padding, n, "output_padding", name)
    for op, s, d in zip(output_padding, stride, dilation):
        if op < 0 or (op >= s and op >= d):
            raise RuntimeError(f"{name}(): output padding must be smaller than either stride or "
                               f"dilation, but got output_padding={output_padding}, "
                               f"stride={stride}, dilation={dilation}")
    C_in = weight.shape[0]
    if C_in != x.shape[1]:
        raise RuntimeError(f"Given transposed=1, weight of size {list(weight.shape)}, expected "
                           f"input{list(x.shape)} to have {C_in} channels, but got {x.shape[1]} "
                           f"channels instead")
    if C_in % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at "
                           f"dimension 0, but got weight of size {list(weight.shape)} instead")
    C_out = weight.shape[1] * groups
    if bias is not None and tuple(bias.shape) != (C_out,):
        raise RuntimeError(f"Given transposed=1, weight of size {list(weight.shape)}, expected "
                           f"bias to be 1-dimensional with {C_out} elements, but got bias of "
                           f"size {list(bias.shape)} instead")
    size = tuple((m - 1) * s - lo - hi + d * (k - 1) + op + 1 for m, s, (lo, hi), d, k, op in
                 zip(x.shape[2:], stride, pads, dilation, weight.shape[2:], output_padding))
    if any(m <= 0 for m in size):
        raise RuntimeError(f"{name}(): the output size {list(size)} is too small for input of "
                           f"size {list(x.shape)}, weight {list(weight.shape)} and "
                           f"padding {[lo for lo, _ in pads]}")
    x, w, b = _operands(x, weight, bias, name)
    y = ConvTranspose.apply(x, w, size, stride, pads, dilation, groups)
    if b is not None:
        y = y + b.reshape((-1,) + (1,) * n)
    return y.squeeze(0) if unbatched else y


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """x (N, C, W) or (C, W), weight (O, C/groups, K) -> (N, O, W_out); see the module text."""
    return conv(input, weight, bias, stride, padding, dilation, groups, n=1, name="conv1d")


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """x (N, C, H, W) or (C, H, W), weight (O, C/groups, kH, kW) -> (N, O, H_out, W_out)."""
    return conv(input, weight, bias, stride, padding, dilation, groups, n=2, name="conv2d")


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """x (N, C, D, H, W) or (C, D, H, W), weight (O, C/groups, kD, kH, kW)."""
    return conv(input, weight, bias, stride, padding, dilation, groups, n=3, name="conv3d")


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """x (N, C_in, W), weight (C_in, C_out/groups, K) -> (N, C_out, W_out)."""
    return conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation,
                          n=1, name="conv_transpose1d")


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """x (N, C_in, H, W), weight (C_in, C_out/groups, kH, kW) -> (N, C_out, H_out, W_out)."""
    return conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation,
                          n=2, name="conv_transpose2d")


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """x (N, C_in, D, H, W), weight (C_in, C_out/groups, kD, kH, kW)."""
    return conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation,
                          n=3, name="conv_transpose3d")
