"""Weight normalization with a forward pre-hook, the older API of `torch.nn.utils.weight_norm`
(deprecated there in favour of `parametrizations.weight_norm`, which this file's helpers also
serve). From Salimans & Kingma, https://arxiv.org/abs/1602.07868:

    w = g · v / ‖v‖        ‖v‖ over every dim but `dim` (over all of v when dim is None)

`weight_norm(m)` replaces the parameter `weight` by `weight_g` (g, shaped like ‖v‖ with size-1
dims kept) and `weight_v` (v); a forward pre-hook recomputes `m.weight`, a plain tensor
attribute, before every call.
"""
import warnings

from ... import ops
from ..parameter import Parameter

__all__ = ["WeightNorm", "weight_norm", "remove_weight_norm"]


def norm_except_dim(v, pow=2, dim=0):
    """‖v‖ₚ over every dim but `dim`, keeping them as size 1 (torch.norm_except_dim); dim=-1
    means over all of v (a 0-d result)."""
    if dim == -1:
        return ops.norm(v, pow)
    dim = dim % v.ndim
    shape = [1] * v.ndim
    shape[dim] = v.shape[dim]
    return ops.norm(v.transpose(0, dim).reshape(v.shape[dim], -1), pow, 1).reshape(shape)


def _weight_norm(v, g, dim=0):
    """w = v · g / ‖v‖ (torch._weight_norm), ‖v‖ as norm_except_dim(v, 2, dim)."""
    return v * (g / norm_except_dim(v, 2, dim))


class WeightNorm:
    """The forward pre-hook that recomputes `module.<name>` from `<name>_g` and `<name>_v`."""

    def __init__(self, name, dim):
        self.name = name
        self.dim = -1 if dim is None else dim

    def compute_weight(self, module):
        return _weight_norm(getattr(module, self.name + "_v"), getattr(module, self.name + "_g"),
                            self.dim)

    @staticmethod
    def apply(module, name, dim):
        warnings.warn("`mytorch.nn.utils.weight_norm` is deprecated in favor of "
                      "`mytorch.nn.utils.parametrizations.weight_norm`.", FutureWarning,
                      stacklevel=3)
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, WeightNorm) and hook.name == name:
                raise RuntimeError(f"Cannot register two weight_norm hooks on the same "
                                   f"parameter {name}")
        fn = WeightNorm(name, dim)
        weight = getattr(module, name)
        del module._parameters[name]
        module.register_parameter(name + "_g", Parameter(norm_except_dim(weight, 2, fn.dim).data))
        module.register_parameter(name + "_v", Parameter(weight.data))
        setattr(module, name, fn.compute_weight(module))
        module.register_forward_pre_hook(fn)
        return fn

    def remove(self, module):
        weight = self.compute_weight(module)
        delattr(module, self.name)
        del module._parameters[self.name + "_g"]
        del module._parameters[self.name + "_v"]
        setattr(module, self.name, Parameter(weight.data))

    def __call__(self, module, inputs):
        setattr(module, self.name, self.compute_weight(module))


def weight_norm(module, name="weight", dim=0):
    """Reparametrize `module.<name>` as g · v/‖v‖ with parameters `<name>_g` and `<name>_v`,
    recomputed by a forward pre-hook (dim: the dim kept by the norm, per output channel by
    default; None: one norm over the whole tensor). Deprecated (FutureWarning), as in PyTorch:
    use mytorch.nn.utils.parametrizations.weight_norm. Returns the module."""
    WeightNorm.apply(module, name, dim)
    return module


def remove_weight_norm(module, name="weight"):
    """Undo weight_norm: `<name>` is a plain parameter again, holding g · v/‖v‖."""
    for k, hook in module._forward_pre_hooks.items():
        if isinstance(hook, WeightNorm) and hook.name == name:
            hook.remove(module)
            del module._forward_pre_hooks[k]
            return module
    raise ValueError(f"weight_norm of '{name}' not found in {module}")
