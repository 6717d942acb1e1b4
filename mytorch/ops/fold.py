"""unfold (im2col) and fold (col2im): the sliding blocks of an image as columns, and back.

For x (N, C, H, W), a kernel (kh, kw), dilation d, zero padding p and stride s, unfold
copies every block into one column:

    cols[n, c·kh·kw + i·kw + j, l] = xₚ[n, c, lh·s + i·d, lw·s + j·d]      (l = lh·Lw + lw)
    L = Lh·Lw,   Lh = ⌊(H + 2p − d·(kh − 1) − 1) / s⌋ + 1   (and Lw alike)

and fold is its adjoint: each column entry is added back where it came from, so overlapping
blocks sum and the padding is cut away. ⟨unfold(x), c⟩ = ⟨x, fold(c)⟩, hence

    Unfold   ∂L/∂x = fold(g)       Fold   ∂L/∂c = unfold(g)

and each backward is the other op: gradients of every order follow. unfold reuses the
convolution's im2col (`conv.py`); fold adds one strided slice per kernel position (kh·kw
additions of a whole (N, C, Lh, Lw) block, no loop over pixels).
"""
import math

from .common import require_tensor
from .conv import _im2col
from ..autograd.function import Function


def _col2im(device, cols, size, kernel, dilation, pads, stride):
    """fold on arrays: cols (N, C·ΠK, L) -> (N, C, *size), overlaps summed."""
    N = cols.shape[0]
    C = cols.shape[1] // math.prod(kernel)
    padded = tuple(m + lo + hi for m, (lo, hi) in zip(size, pads))
    out = tuple((P - d * (k - 1) - 1) // s + 1 for P, k, d, s in zip(padded, kernel, dilation,
                                                                       stride))
    blocks = cols.reshape((N, C) + tuple(kernel) + out)
    y = device.xp.zeros((N, C) + padded, cols.dtype)
    (kh, kw), (dh, dw), (sh, sw), (Lh, Lw) = kernel, dilation, stride, out
    for i in range(kh):
        for j in range(kw):
            y[:, :, i * dh:i * dh + (Lh - 1) * sh + 1:sh,
              j * dw:j * dw + (Lw - 1) * sw + 1:sw] += blocks[:, :, i, j]
    crop = (slice(None),) * 2 + tuple(slice(lo, lo + m) for m, (lo, _) in zip(size, pads))
    return y[crop]


class Unfold(Function):
    """cols = unfold(x);   ∂L/∂x = fold(g)"""
    @staticmethod
    def forward(ctx, x, kernel, dilation, pads, stride):
        ctx.geometry = (tuple(x.shape[2:]), kernel, dilation, pads, stride)
        cols, _ = _im2col(ctx.device, x, kernel, stride, pads, dilation, 1)
        return cols.reshape(x.shape[0], cols.shape[2], cols.shape[3])

    @staticmethod
    def backward(ctx, g):
        return (Fold.apply(g, *ctx.geometry),) + (None,) * 4


class Fold(Function):
    """x = fold(cols), of shape (N, C, *size);   ∂L/∂cols = unfold(g)"""
    @staticmethod
    def forward(ctx, cols, size, kernel, dilation, pads, stride):
        ctx.geometry = (kernel, dilation, pads, stride)
        return _col2im(ctx.device, cols, size, kernel, dilation, pads, stride)

    @staticmethod
    def backward(ctx, g):
        return (Unfold.apply(g, *ctx.geometry),) + (None,) * 5


# ---- the public functions: argument checks in PyTorch's words ---------------------------------

def _pair(value, what, name):
    if isinstance(value, (list, tuple)):
        if len(value) != 2 or not all(isinstance(v, int) for v in value):
            raise RuntimeError(f"{name}(): expected {what} to be an int or a tuple of 2 ints, "
                               f"got {what}={value}")
        return tuple(int(v) for v in value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name}(): {what} must be an int or a tuple of 2 ints, got "
                        f"{type(value).__name__}")
    return (value, value)


def _geometry(kernel_size, dilation, padding, stride, name):
    kernel = _pair(kernel_size, "kernel_size", name)
    dilation = _pair(dilation, "dilation", name)
    padding = _pair(padding, "padding", name)
    stride = _pair(stride, "stride", name)
    checks = (("kernel size", "kernel", kernel, 1, "greater than zero"),
              ("stride", "stride", stride, 1, "greater than zero"),
              ("dilation", "dilation", dilation, 1, "greater than zero"),
              ("padding", "pad", padding, 0, "non-negative"))
    for what, field, (a, b), low, ok in checks:
        if min(a, b) < low:
            raise RuntimeError(f"{what} should be {ok}, but got {field}_height: {a} "
                               f"{field}_width: {b}")
    return kernel, dilation, padding, stride


def _blocks(size, kernel, dilation, padding, stride):
    return tuple((m + 2 * p - d * (k - 1) - 1) // s + 1
                 for m, k, d, p, s in zip(size, kernel, dilation, padding, stride))


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """x (N, C, H, W) or (C, H, W) -> (N, C·kh·kw, L) or (C·kh·kw, L): every sliding block
    as a column, as torch.nn.functional.unfold."""
    require_tensor(input, "unfold")
    kernel, dilation, padding, stride = _geometry(kernel_size, dilation, padding, stride,
                                                  "unfold")
    if input.ndim not in (3, 4) or any(m == 0 for m in input.shape[-3:]):
        raise RuntimeError("Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and "
                           f"other non-zero dimensions for input, but got: {list(input.shape)}")
    unbatched = input.ndim == 3
    x = input.unsqueeze(0) if unbatched else input
    blocks = _blocks(x.shape[2:], kernel, dilation, padding, stride)
    if min(blocks) < 1:
        raise RuntimeError(f"Given input with spatial size {tuple(x.shape[2:])}, "
                           f"kernel_size={kernel}, dilation={dilation}, padding={padding}, "
                           f"calculated shape of the array of sliding blocks as {blocks}, but "
                           "its components must be at least one.")
    pads = tuple((p, p) for p in padding)
    cols = Unfold.apply(x, kernel, dilation, pads, stride)
    return cols.squeeze(0) if unbatched else cols


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """cols (N, C·kh·kw, L) or (C·kh·kw, L) -> (N, C, *output_size) or (C, *output_size): each
    column added back at its block, overlaps summed (the adjoint of unfold), as
    torch.nn.functional.fold."""
    require_tensor(input, "fold")
    size = _pair(output_size, "output_size", "fold")
    kernel, dilation, padding, stride = _geometry(kernel_size, dilation, padding, stride, "fold")
    if input.ndim not in (2, 3) or any(m == 0 for m in input.shape[-2:]):
        raise RuntimeError("Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch "
                           "size and non-zero dimensions for input, but got: "
                           f"{list(input.shape)}")
    unbatched = input.ndim == 2
    cols = input.unsqueeze(0) if unbatched else input
    per_block = kernel[0] * kernel[1]
    if cols.shape[1] % per_block:
        raise RuntimeError("Expected size of input's dimension 1 to be divisible by the product "
                           f"of kernel_size, but got input.size(1)={cols.shape[1]} and "
                           f"kernel_size={kernel}")
    given = (f"Given output_size={size}, kernel_size={kernel}, dilation={dilation}, "
             f"padding={padding}, stride={stride}")
    blocks = _blocks(size, kernel, dilation, padding, stride)
    if min(blocks) < 1:
        raise RuntimeError(f"{given}, calculated shape of the array of sliding blocks as "
                           f"{blocks}, which is too small (non-positive)")
    if cols.shape[2] != blocks[0] * blocks[1]:
        raise RuntimeError(f"{given}, expected size of input's dimension 2 to match the "
                           f"calculated number of sliding blocks {blocks[0]} * {blocks[1]} = "
                           f"{blocks[0] * blocks[1]}, but got input.size(2)={cols.shape[2]}.")
    pads = tuple((p, p) for p in padding)
    y = Fold.apply(cols, size, kernel, dilation, pads, stride)
    return y.squeeze(0) if unbatched else y
