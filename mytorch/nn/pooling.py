"""Pooling layers: max, average, adaptive and power-average (Lp) pooling over 1, 2 or 3 spatial
dimensions, and max unpooling, as `torch.nn` (the math is in `mytorch/ops/pooling.py`). They
hold no parameters; their reprs print the arguments as given, as PyTorch's do."""
from . import functional as F
from .module import Module


class _MaxPoolNd(Module):
    _pool = None

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
                 ceil_mode=False):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def forward(self, input):
        return type(self)._pool(input, self.kernel_size, self.stride, self.padding, self.dilation,
                                ceil_mode=self.ceil_mode, return_indices=self.return_indices)

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool1d(_MaxPoolNd):
    """The maximum of each window.   (N, C, L) -> (N, C, L_out)"""
    _pool = staticmethod(F.max_pool1d)


class MaxPool2d(_MaxPoolNd):
    """The maximum of each window.   (N, C, H, W) -> (N, C, H_out, W_out), each size
    ⌊(S + 2·padding − dilation·(kernel_size − 1) − 1)/stride⌋ + 1 (⌈⌉ with ceil_mode)"""
    _pool = staticmethod(F.max_pool2d)


class MaxPool3d(_MaxPoolNd):
    _pool = staticmethod(F.max_pool3d)


class AvgPool1d(Module):
    """The mean of each window.   (N, C, L) -> (N, C, L_out)"""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True):
        super().__init__()
        single = lambda v: tuple(v) if isinstance(v, (tuple, list)) else (v,)   # noqa: E731
        self.kernel_size = single(kernel_size)
        self.stride = single(stride if stride is not None else kernel_size)
        self.padding = single(padding)
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad

    def forward(self, input):
        return F.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class _AvgPoolNd(Module):
    _pool = None

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True, divisor_override=None):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input):
        return type(self)._pool(input, self.kernel_size, self.stride, self.padding,
                                self.ceil_mode, self.count_include_pad, self.divisor_override)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool2d(_AvgPoolNd):
    """The mean of each window (zero padding counted unless count_include_pad=False).
    (N, C, H, W) -> (N, C, H_out, W_out)"""
    _pool = staticmethod(F.avg_pool2d)


class AvgPool3d(_AvgPoolNd):
    _pool = staticmethod(F.avg_pool3d)


class _AdaptivePoolNd(Module):
    _pool = None

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, input):
        return type(self)._pool(input, self.output_size)

    def extra_repr(self):
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_AdaptivePoolNd):
    _pool = staticmethod(F.adaptive_avg_pool1d)


class AdaptiveAvgPool2d(_AdaptivePoolNd):
    """Averages over cells chosen so the output has `output_size`, whatever the input's size
    (cell i covers input [⌊i·S/O⌋, ⌈(i+1)·S/O⌉)). AdaptiveAvgPool2d(1): global average pooling."""
    _pool = staticmethod(F.adaptive_avg_pool2d)


class AdaptiveAvgPool3d(_AdaptivePoolNd):
    _pool = staticmethod(F.adaptive_avg_pool3d)


class _AdaptiveMaxPoolNd(_AdaptivePoolNd):
    def __init__(self, output_size, return_indices=False):
        super().__init__(output_size)
        self.return_indices = return_indices

    def forward(self, input):
        return type(self)._pool(input, self.output_size, self.return_indices)


class AdaptiveMaxPool1d(_AdaptiveMaxPoolNd):
    _pool = staticmethod(F.adaptive_max_pool1d)


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd):
    """The maximum of each adaptive cell (see AdaptiveAvgPool2d)."""
    _pool = staticmethod(F.adaptive_max_pool2d)


class AdaptiveMaxPool3d(_AdaptiveMaxPoolNd):
    _pool = staticmethod(F.adaptive_max_pool3d)


class _LPPoolNd(Module):
    _pool = None

    def __init__(self, norm_type, kernel_size, stride=None, ceil_mode=False):
        super().__init__()
        self.norm_type = norm_type
        self.kernel_size = kernel_size
        self.stride = stride
        self.ceil_mode = ceil_mode

    def forward(self, input):
        return type(self)._pool(input, self.norm_type, self.kernel_size, self.stride,
                                self.ceil_mode)

    def extra_repr(self):
        return (f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, ceil_mode={self.ceil_mode}")


class LPPool1d(_LPPoolNd):
    """y = (Σ_window x^p)^(1/p), p = norm_type (1: sum pooling, ∞: max pooling).
    (N, C, L) -> (N, C, L_out)"""
    _pool = staticmethod(F.lp_pool1d)


class LPPool2d(_LPPoolNd):
    """y = (Σ_window x^p)^(1/p) over each kernel_size window.   (N, C, H, W) -> (N, C, H_out,
    W_out), each size ⌊(S − kernel_size)/stride⌋ + 1 (⌈⌉ with ceil_mode)"""
    _pool = staticmethod(F.lp_pool2d)


class LPPool3d(_LPPoolNd):
    _pool = staticmethod(F.lp_pool3d)


class _MaxUnpoolNd(Module):
    _unpool = None
    n = None

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        # as PyTorch's _single / _pair / _triple: an int repeated, a sequence as given
        as_tuple = lambda v: tuple(v) if isinstance(v, (tuple, list)) else (v,) * self.n  # noqa
        self.kernel_size = as_tuple(kernel_size)
        self.stride = as_tuple(stride if stride is not None else kernel_size)
        self.padding = as_tuple(padding)

    def forward(self, input, indices, output_size=None):
        return type(self)._unpool(input, indices, self.kernel_size, self.stride, self.padding,
                                  output_size)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool1d(_MaxUnpoolNd):
    """The partial inverse of MaxPool1d: each value put back where `indices` (from
    MaxPool1d(return_indices=True)) says its maximum was, zeros elsewhere.
    (N, C, L) -> (N, C, (L − 1)·stride + kernel_size − 2·padding), or output_size"""
    _unpool = staticmethod(F.max_unpool1d)
    n = 1


class MaxUnpool2d(_MaxUnpoolNd):
    """The partial inverse of MaxPool2d: each value put back at its index, zeros elsewhere.
    (N, C, H, W) -> (N, C, H_out, W_out), each (S − 1)·stride + kernel_size − 2·padding;
    pass output_size=input.size() to undo a pool whose windows did not cover the input."""
    _unpool = staticmethod(F.max_unpool2d)
    n = 2


class MaxUnpool3d(_MaxUnpoolNd):
    _unpool = staticmethod(F.max_unpool3d)
    n = 3
