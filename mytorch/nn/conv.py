"""Convolution layers: Conv1d/2d/3d and ConvTranspose1d/2d/3d, as `torch.nn`; Unfold and Fold
(im2col and col2im, the convolution's sliding blocks as columns and back).

A convolution slides a learned kernel over the input (see `mytorch/ops/conv.py` for the math
and how it runs). Shapes, for n spatial dimensions:

    Conv         weight (out_channels, in_channels/groups, *kernel_size)
    ConvTranspose weight (in_channels, out_channels/groups, *kernel_size)
    bias         (out_channels,)

Default initialisation, as PyTorch: W ~ kaiming_uniform_(a=√5), b ~ U(−1/√fan_in, 1/√fan_in)
with fan_in = weight.shape[1]·∏kernel_size. padding_mode 'reflect', 'replicate' and 'circular'
pad the input with `F.pad` first and convolve without padding.
"""
from ..factories import empty
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _ntuple(value, n):
    if isinstance(value, (tuple, list)):
        return tuple(value)
    return (value,) * n


class _ConvNd(Module):
    """What Conv and ConvTranspose share: arguments, parameters, initialisation, repr."""

    _n = None                  # spatial dimensions
    transposed = False

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation,
                 output_padding, groups, bias, padding_mode, device, dtype):
        super().__init__()
        n = self._n
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"padding_mode must be one of {list(_PADDING_MODES)}, but got "
                             f"padding_mode='{padding_mode}'")
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"Invalid padding string '{padding}', should be one of "
                                 "['valid', 'same']")
            if padding == "same" and any(s != 1 for s in _ntuple(stride, n)):
                raise ValueError("padding='same' is not supported for strided convolutions")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = _ntuple(kernel_size, n)
        self.stride = _ntuple(stride, n)
        self.padding = padding if isinstance(padding, str) else _ntuple(padding, n)
        self.dilation = _ntuple(dilation, n)
        self.output_padding = _ntuple(output_padding, n)
        self.groups = groups
        self.padding_mode = padding_mode
        shape = (in_channels, out_channels // groups) if self.transposed else \
            (out_channels, in_channels // groups)
        self.weight = Parameter(empty(shape + self.kernel_size, device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_channels, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        init._default_weight_and_bias_(self.weight, self.bias)

    def _check_input(self, input):
        channels = input.shape[1] if input.ndim == self._n + 2 else \
            input.shape[0] if input.ndim == self._n + 1 else None
        if channels != self.in_channels:
            shapes = f"(N, {self.in_channels}, *{self._n} spatial) or ({self.in_channels}, " \
                     f"*{self._n} spatial)"
            raise RuntimeError(f"{type(self).__name__}(in_channels={self.in_channels}) got input "
                               f"of shape {tuple(input.shape)}: expected {shapes}")

    def extra_repr(self):
        n = self._n
        s = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
             f"stride={self.stride}")
        if self.padding != (0,) * n:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * n:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * n:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class _Conv(_ConvNd):
    _conv = None               # F.conv1d, F.conv2d or F.conv3d

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=True, padding_mode="zeros", device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, 0,
                         groups, bias, padding_mode, device, dtype)

    def _explicit_padding(self):
        """F.pad's widths (last dimension first) for padding_mode != 'zeros'."""
        if self.padding == "valid":
            return (0, 0) * self._n
        widths = []
        for i in reversed(range(self._n)):
            if self.padding == "same":
                total = self.dilation[i] * (self.kernel_size[i] - 1)
                widths += [total // 2, total - total // 2]
            else:
                widths += [self.padding[i]] * 2
        return tuple(widths)

    def forward(self, input):
        self._check_input(input)
        conv = type(self)._conv
        if self.padding_mode != "zeros":
            padded = F.pad(input, self._explicit_padding(), mode=self.padding_mode)
            return conv(padded, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)
        return conv(input, self.weight, self.bias, self.stride, self.padding, self.dilation,
                    self.groups)


class Conv1d(_Conv):
    """y = x ⋆ W + b over one spatial dimension.   input (N, C_in, L) -> (N, C_out, L_out),
    L_out = ⌊(L + 2·padding − dilation·(kernel_size − 1) − 1)/stride⌋ + 1"""
    _n = 1
    _conv = staticmethod(F.conv1d)


class Conv2d(_Conv):
    """y = x ⋆ W + b over two spatial dimensions.   input (N, C_in, H, W) -> (N, C_out, H_out,
    W_out), each size ⌊(S + 2·padding − dilation·(kernel_size − 1) − 1)/stride⌋ + 1"""
    _n = 2
    _conv = staticmethod(F.conv2d)


class Conv3d(_Conv):
    """y = x ⋆ W + b over three spatial dimensions.   input (N, C_in, D, H, W)"""
    _n = 3
    _conv = staticmethod(F.conv3d)


class _ConvTranspose(_ConvNd):
    transposed = True
    _conv_transpose = None

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 output_padding=0, groups=1, bias=True, dilation=1, padding_mode="zeros",
                 device=None, dtype=None):
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        if isinstance(padding, str):
            raise ValueError(f"{type(self).__name__} does not support string padding, got "
                             f"padding={padding!r}")
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         output_padding, groups, bias, padding_mode, device, dtype)

    def _output_padding(self, input, output_size):
        """The output_padding that gives `output_size` (which may name only the spatial sizes,
        or the whole shape), within the sizes this layer can produce."""
        if output_size is None:
            return self.output_padding
        n = self._n
        output_size = tuple(output_size)[-n:]
        if len(output_size) != n:
            raise ValueError(f"output_size must have {n} or {n + 2} elements (got "
                             f"{len(output_size)})")
        extra = []
        for i in range(n):
            least = ((input.shape[-n + i] - 1) * self.stride[i] - 2 * self.padding[i] +
                     self.dilation[i] * (self.kernel_size[i] - 1) + 1)
            most = least + self.stride[i] - 1
            if not least <= output_size[i] <= most:
                raise ValueError(f"requested an output size of {list(output_size)}, but valid "
                                 f"sizes range from {least} to {most} (for an input of "
                                 f"{list(input.shape[-n:])})")
            extra.append(output_size[i] - least)
        return tuple(extra)

    def forward(self, input, output_size=None):
        self._check_input(input)
        return type(self)._conv_transpose(input, self.weight, self.bias, self.stride, self.padding,
                                          self._output_padding(input, output_size), self.groups,
                                          self.dilation)


class ConvTranspose1d(_ConvTranspose):
    """The gradient of Conv1d with respect to its input, as a layer (upsampling by stride).
    L_out = (L − 1)·stride − 2·padding + dilation·(kernel_size − 1) + output_padding + 1"""
    _n = 1
    _conv_transpose = staticmethod(F.conv_transpose1d)


class ConvTranspose2d(_ConvTranspose):
    """The gradient of Conv2d with respect to its input, as a layer (upsampling by stride).
    Each size: (S − 1)·stride − 2·padding + dilation·(kernel_size − 1) + output_padding + 1"""
    _n = 2
    _conv_transpose = staticmethod(F.conv_transpose2d)


class ConvTranspose3d(_ConvTranspose):
    _n = 3
    _conv_transpose = staticmethod(F.conv_transpose3d)


class Unfold(Module):
    """x (N, C, H, W) -> (N, C·∏kernel_size, L): every sliding block as a column (im2col), as
    `F.unfold`. Arguments are kept as given, as PyTorch's repr shows them."""

    def __init__(self, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input):
        return F.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, dilation={self.dilation}, "
                f"padding={self.padding}, stride={self.stride}")


class Fold(Module):
    """(N, C·∏kernel_size, L) -> (N, C, *output_size): columns added back at their blocks,
    overlaps summed (col2im, the adjoint of Unfold), as `F.fold`."""

    def __init__(self, output_size, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.output_size = output_size
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input):
        return F.fold(input, self.output_size, self.kernel_size, self.dilation, self.padding,
                      self.stride)

    def extra_repr(self):
        return (f"output_size={self.output_size}, kernel_size={self.kernel_size}, "
                f"dilation={self.dilation}, padding={self.padding}, stride={self.stride}")
