"""Padding layers, as `torch.nn`: F.pad as a module, over the last 1, 2 or 3 dimensions.

`padding` is an int (the same width on every side) or the widths themselves, (left, right) for
the last dimension first, then (top, bottom), then (front, back), as F.pad reads them:

    ConstantPad1d/2d/3d(padding, value)   the value outside the input
    ZeroPad1d/2d/3d(padding)              zeros outside the input
    ReflectionPad1d/2d/3d(padding)        the input mirrored at its edges, edges not repeated:
                                          [1 2 3] -> 3 2 [1 2 3] 2 1  (widths < the size)
    ReplicationPad1d/2d/3d(padding)       the edge repeated: 1 1 [1 2 3] 3 3
    CircularPad1d/2d/3d(padding)          the input wrapped around: 2 3 [1 2 3] 1 2

Negative widths crop. The non-constant modes take the batched or unbatched input of their
dimension only, as PyTorch's.
"""
from . import functional as F
from .module import Module


class _PadNd(Module):
    """F.pad(input, padding, mode) for inputs with n padded dimensions."""

    mode = "constant"
    n = None

    def __init__(self, padding):
        super().__init__()
        # as PyTorch's _ntuple: an int repeated on both sides of n dimensions, a sequence as given
        self.padding = tuple(padding) if isinstance(padding, (tuple, list)) else \
            (padding,) * (2 * self.n)

    def _check_input_dim(self, input):
        """Nothing beyond F.pad's checks (its rank rules for reflect and replicate are
        PyTorch's); circular padding checks its input's rank itself, as PyTorch's module."""

    def forward(self, input):
        self._check_input_dim(input)
        return F.pad(input, self.padding, self.mode)

    def extra_repr(self):
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    def __init__(self, padding, value):
        super().__init__(padding)
        self.value = value

    def forward(self, input):
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """(*, W) -> (*, W + left + right), the new places holding `value`."""

    n = 1


class ConstantPad2d(_ConstantPadNd):
    """(*, H, W) -> (*, H + top + bottom, W + left + right), the new places holding `value`."""

    n = 2


class ConstantPad3d(_ConstantPadNd):
    n = 3


class _ZeroPadNd(_ConstantPadNd):
    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


class ZeroPad1d(_ZeroPadNd):
    """(*, W) -> (*, W + left + right), zeros outside the input."""

    n = 1


class ZeroPad2d(_ZeroPadNd):
    """(*, H, W) -> (*, H + top + bottom, W + left + right), zeros outside the input."""

    n = 2


class ZeroPad3d(_ZeroPadNd):
    n = 3


class ReflectionPad1d(_PadNd):
    """(N, C, W) or (C, W) -> (…, W + left + right): the input mirrored at its edges."""

    mode, n = "reflect", 1


class ReflectionPad2d(_PadNd):
    """(N, C, H, W) or (C, H, W) -> (…, H + top + bottom, W + left + right), mirrored."""

    mode, n = "reflect", 2


class ReflectionPad3d(_PadNd):
    mode, n = "reflect", 3


class ReplicationPad1d(_PadNd):
    """(N, C, W) or (C, W) -> (…, W + left + right): the edge values repeated."""

    mode, n = "replicate", 1


class ReplicationPad2d(_PadNd):
    """(N, C, H, W) or (C, H, W) -> (…, H + top + bottom, W + left + right), edges repeated."""

    mode, n = "replicate", 2


class ReplicationPad3d(_PadNd):
    mode, n = "replicate", 3


class _CircularPadNd(_PadNd):
    mode = "circular"

    def _check_input_dim(self, input):
        """A batched or unbatched input of the class's dimension, as PyTorch's."""
        if input.dim() not in (self.n + 1, self.n + 2):
            raise ValueError(f"{type(self).__name__}: expected {self.n + 1}D or {self.n + 2}D "
                             f"input (got {input.dim()}D input)")


class CircularPad1d(_CircularPadNd):
    """(N, C, W) or (C, W) -> (…, W + left + right): the input wrapped around."""

    n = 1


class CircularPad2d(_CircularPadNd):
    """(N, C, H, W) or (C, H, W) -> (…, H + top + bottom, W + left + right), wrapped around."""

    n = 2


class CircularPad3d(_CircularPadNd):
    n = 3
