"""Lazy modules: layers whose input size (in_features, in_channels, num_features) is read from
the first input instead of being given, as PyTorch's.

    LazyLinear                                   in_features  = input.shape[-1]
    LazyConv1d/2d/3d, LazyConvTranspose1d/2d/3d  in_channels  = the channel dimension
    LazyBatchNorm1d/2d/3d, LazyInstanceNorm1d/2d/3d   num_features = the channel dimension

Until then their parameters (and running statistics) are `UninitializedParameter`s
(`UninitializedBuffer`s): no shape, no numbers. A forward pre-hook, run once, materializes them
with the inferred shapes, gives them the ordinary layer's default initialisation, and turns the
module into that layer (`__class__ = cls_to_become`: a LazyLinear becomes a Linear), the hook
removed. Optimizers may be built on the uninitialized parameters: materializing keeps the
Parameter objects. `state_dict()` holds the placeholders as they are; `load_state_dict` of
initialized values materializes them with the loaded shapes.
"""
import itertools

from ..autograd import no_grad
from ..factories import tensor
from ..tensor import Tensor
from .. import int64
from .conv import (Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d)
from .linear import Linear
from .normalization import (BatchNorm1d, BatchNorm2d, BatchNorm3d, InstanceNorm1d,
                            InstanceNorm2d, InstanceNorm3d)
from .parameter import UninitializedBuffer, UninitializedParameter, is_lazy


class LazyModuleMixin:
    """Mixed in before a Module class: `initialize_parameters(*args, **kwargs)` (which a
    subclass defines) runs before the first forward, then the module becomes `cls_to_become`."""

    cls_to_become = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._initialize_hook = self.register_forward_pre_hook(self._infer_parameters,
                                                               with_kwargs=True)

    def initialize_parameters(self, *args, **kwargs):
        """Materialize the uninitialized parameters and buffers for these forward arguments."""
        raise NotImplementedError(f"initialize_parameters is not implemented for "
                                  f"{type(self).__name__}")

    def has_uninitialized_params(self):
        """Whether some parameter or buffer of this module (not its children) is still lazy."""
        return any(is_lazy(t) for t in itertools.chain(self._parameters.values(),
                                                       self._buffers.values()))

    def _infer_parameters(self, module, args, kwargs=None):
        module.initialize_parameters(*args, **(kwargs or {}))
        if module.has_uninitialized_params():
            raise RuntimeError(f"module {self._get_name()} has not been fully initialized")
        module._initialize_hook.remove()
        del module._initialize_hook
        if module.cls_to_become is not None:
            module.__class__ = module.cls_to_become

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        # the placeholders themselves (detaching one would give an empty tensor)
        super()._save_to_state_dict(destination, prefix, keep_vars)
        for name, t in itertools.chain(self._parameters.items(), self._buffers.items()):
            if is_lazy(t) and prefix + name in destination:
                destination[prefix + name] = t

    def _load_from_state_dict(self, state_dict, prefix, missing_keys, unexpected_keys,
                              error_msgs, assign):
        # an initialized value materializes its placeholder (then it is copied as usual); a
        # placeholder loaded into a placeholder leaves it as it is
        kept = []
        for name, t in itertools.chain(self._parameters.items(), self._buffers.items()):
            value = state_dict.get(prefix + name)
            if is_lazy(t) and isinstance(value, Tensor):
                if is_lazy(value):
                    kept.append(prefix + name)
                else:
                    with no_grad():
                        t.materialize(value.shape)
        if kept:
            state_dict = {k: v for k, v in state_dict.items() if k not in kept}
        super()._load_from_state_dict(state_dict, prefix, missing_keys, unexpected_keys,
                                      error_msgs, assign)
        missing_keys[:] = [k for k in missing_keys if k not in kept]


class _LazyLayer(LazyModuleMixin):
    """What the lazy layers here share: one size (`_inferred`, 0 until the first forward) read
    from the input, the shapes it gives the placeholders, and the layer's own reset_parameters
    once they have them."""

    _inferred = None            # the attribute inferred: "in_features", "in_channels", ...

    def _size_from(self, input):
        raise NotImplementedError

    def _shapes(self):
        """{name: shape} of the parameters and buffers, given the inferred size."""
        raise NotImplementedError

    def reset_parameters(self):
        if not self.has_uninitialized_params() and getattr(self, self._inferred) != 0:
            super().reset_parameters()

    def initialize_parameters(self, input, *args, **kwargs):
        size = self._size_from(input)
        if getattr(self, self._inferred) == 0:   # also after loading a state dict
            setattr(self, self._inferred, size)
        if self.has_uninitialized_params():
            with no_grad():
                for name, shape in self._shapes().items():
                    t = getattr(self, name)
                    if is_lazy(t):
                        t.materialize(shape)
                self.reset_parameters()


# ---- Linear ----------------------------------------------------------------------------------

class LazyLinear(_LazyLayer, Linear):
    """Linear with in_features = input.shape[-1], read at the first forward."""

    cls_to_become = Linear
    _inferred = "in_features"

    def __init__(self, out_features, bias=True, device=None, dtype=None):
        super().__init__(0, 0, False)
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        self.out_features = out_features
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)

    def _size_from(self, input):
        return input.shape[-1]

    def _shapes(self):
        return {"weight": (self.out_features, self.in_features), "bias": (self.out_features,)}


# ---- convolutions ----------------------------------------------------------------------------

class _LazyConvNd(_LazyLayer):
    """A convolution with in_channels = the input's channel dimension (dimension 1, or 0 for
    an unbatched input), read at the first forward."""

    _inferred = "in_channels"

    def _placeholders(self, out_channels, bias, device, dtype):
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        self.out_channels = out_channels
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)

    def _size_from(self, input):
        n = self._n
        if input.dim() not in (n + 1, n + 2):
            raise RuntimeError(f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to "
                               f"{type(self).__name__}, but got input of size: {input.shape}")
        channels = input.shape[1] if input.dim() == n + 2 else input.shape[0]
        if channels % self.groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        return channels

    def _shapes(self):
        c_in, c_out, g = self.in_channels, self.out_channels, self.groups
        kernel = (c_in, c_out // g) if self.transposed else (c_out, c_in // g)
        return {"weight": kernel + self.kernel_size, "bias": (c_out,)}


class _LazyConv(_LazyConvNd):
    def __init__(self, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", device=None, dtype=None):
        super().__init__(0, 0, kernel_size, stride, padding, dilation, groups, False,
                         padding_mode, device, dtype)
        self._placeholders(out_channels, bias, device, dtype)


class _LazyConvTranspose(_LazyConvNd):
    def __init__(self, out_channels, kernel_size, stride=1, padding=0, output_padding=0,
                 groups=1, bias=True, dilation=1, padding_mode="zeros", device=None, dtype=None):
        super().__init__(0, 0, kernel_size, stride, padding, output_padding, groups, False,
                         dilation, padding_mode, device, dtype)
        self._placeholders(out_channels, bias, device, dtype)


class LazyConv1d(_LazyConv, Conv1d):
    """Conv1d with in_channels read from the first input."""
    cls_to_become = Conv1d


class LazyConv2d(_LazyConv, Conv2d):
    """Conv2d with in_channels read from the first input."""
    cls_to_become = Conv2d


class LazyConv3d(_LazyConv, Conv3d):
    """Conv3d with in_channels read from the first input."""
    cls_to_become = Conv3d


class LazyConvTranspose1d(_LazyConvTranspose, ConvTranspose1d):
    """ConvTranspose1d with in_channels read from the first input."""
    cls_to_become = ConvTranspose1d


class LazyConvTranspose2d(_LazyConvTranspose, ConvTranspose2d):
    """ConvTranspose2d with in_channels read from the first input."""
    cls_to_become = ConvTranspose2d


class LazyConvTranspose3d(_LazyConvTranspose, ConvTranspose3d):
    """ConvTranspose3d with in_channels read from the first input."""
    cls_to_become = ConvTranspose3d


# ---- normalization ---------------------------------------------------------------------------

class _LazyNormBase(_LazyLayer):
    """BatchNorm / InstanceNorm with num_features = the input's channel dimension, read at
    the first forward: γ, β (affine) and running_mean, running_var (track_running_stats) wait
    as placeholders; num_batches_tracked is an ordinary 0 from the start."""

    _inferred = "num_features"

    def __init__(self, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True,
                 device=None, dtype=None, *, bias=True):
        super().__init__(0, eps, momentum, False, False, device, dtype)
        self.affine = affine
        self.track_running_stats = track_running_stats
        if affine:
            self.weight = UninitializedParameter(device=device, dtype=dtype)
            if bias:
                self.bias = UninitializedParameter(device=device, dtype=dtype)
        if track_running_stats:
            self.running_mean = UninitializedBuffer(device=device, dtype=dtype)
            self.running_var = UninitializedBuffer(device=device, dtype=dtype)
            self.num_batches_tracked = tensor(0, dtype=int64, device=device)

    def _size_from(self, input):
        self._check_input_dim(input)
        return input.shape[1]

    def _shapes(self):
        return dict.fromkeys(("weight", "bias", "running_mean", "running_var"),
                             (self.num_features,))


class LazyBatchNorm1d(_LazyNormBase, BatchNorm1d):
    """BatchNorm1d with num_features read from the first input."""
    cls_to_become = BatchNorm1d


class LazyBatchNorm2d(_LazyNormBase, BatchNorm2d):
    """BatchNorm2d with num_features read from the first input."""
    cls_to_become = BatchNorm2d


class LazyBatchNorm3d(_LazyNormBase, BatchNorm3d):
    """BatchNorm3d with num_features read from the first input."""
    cls_to_become = BatchNorm3d


class _LazyInstanceNorm(_LazyNormBase):
    # the defaults are _LazyNormBase's, affine=True and track_running_stats=True, as PyTorch's
    # lazy instance norms have them (its docs say False, its code gives True). C is dimension 0
    # of an unbatched input (PyTorch reads input.size(1) even then, the length, and fails)

    def _size_from(self, input):
        self._check_input_dim(input)
        return input.shape[input.dim() - self._no_batch_dim]


class LazyInstanceNorm1d(_LazyInstanceNorm, InstanceNorm1d):
    """InstanceNorm1d with num_features read from the first input."""
    cls_to_become = InstanceNorm1d


class LazyInstanceNorm2d(_LazyInstanceNorm, InstanceNorm2d):
    """InstanceNorm2d with num_features read from the first input."""
    cls_to_become = InstanceNorm2d


class LazyInstanceNorm3d(_LazyInstanceNorm, InstanceNorm3d):
    """InstanceNorm3d with num_features read from the first input."""
    cls_to_become = InstanceNorm3d
