"""mytorch.func, as torch.func: functions of a module's parameters.

    functional_call(model, {"fc.weight": W}, (x,))   model(x) with fc.weight = W, for this call

(The transforms of torch.func, grad and vmap, are not here: mytorch.autograd.grad and the
batched ops cover their use.)
"""
from .nn.utils.stateless import _functional_call

__all__ = ["functional_call"]


def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *,
                    tie_weights=True, strict=False):
    """module(*args, **kwargs) with the tensors of `parameter_and_buffer_dicts` ({dotted name:
    tensor}, or a list/tuple of such dicts with distinct keys) in place of the module's own
    parameters and buffers, for this call only; gradients flow to the given tensors. args that
    is not a tuple is the one positional argument. tie_weights=True: a tensor the module holds
    under several names (tied weights) is replaced under all of them, and giving it different
    values is a ValueError. strict=True: the names must be exactly the module's parameters and
    buffers (else a RuntimeError listing the missing and unexpected ones)."""
    return _functional_call(module, parameter_and_buffer_dicts, args, kwargs,
                            tie_weights=tie_weights, strict=strict)
