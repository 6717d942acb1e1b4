"""Linear layers: y = x·Wᵀ + b (Linear), y = x₁ᵀ·A·x₂ + b (Bilinear).

Default initialisation, as PyTorch: W ~ kaiming_uniform_(a=√5), which is U(−1/√in, 1/√in), and
b ~ U(−1/√fan_in, 1/√fan_in).
"""
import math

from ..factories import empty
from ..tensor import Tensor
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter


class Linear(Module):
    """y = x·Wᵀ + b.

    Shapes: input (*, in_features), output (*, out_features); weight (out_features,
    in_features), bias (out_features,).
    """

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(empty((out_features, in_features), device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_features, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        init._default_weight_and_bias_(self.weight, self.bias)

    def forward(self, input):
        if isinstance(input, Tensor) and input._data.shape[-1:] != (self.in_features,):
            raise RuntimeError(f"Linear(in_features={self.in_features}) got input of shape "
                               f"{tuple(input.shape)}: last dimension must be {self.in_features}")
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self):
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class Bilinear(Module):
    """yₖ = x₁ᵀ·Aₖ·x₂ + bₖ.

    Shapes: input1 (*, in1_features), input2 (*, in2_features), output (*, out_features);
    weight (out_features, in1_features, in2_features). Both initialised U(−1/√in1, 1/√in1).
    """

    def __init__(self, in1_features, in2_features, out_features, bias=True, device=None,
                 dtype=None):
        super().__init__()
        self.in1_features = in1_features
        self.in2_features = in2_features
        self.out_features = out_features
        self.weight = Parameter(empty((out_features, in1_features, in2_features), device=device,
                                      dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_features, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        bound = 1 / math.sqrt(self.weight.shape[1])
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1, input2):
        if input1.shape[-1] != self.in1_features or input2.shape[-1] != self.in2_features:
            raise RuntimeError(f"Bilinear(in1_features={self.in1_features}, in2_features="
                               f"{self.in2_features}) got inputs of shapes "
                               f"{tuple(input1.shape)} and {tuple(input2.shape)}: last "
                               f"dimensions must be {self.in1_features} and "
                               f"{self.in2_features}")
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self):
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")
