"""`Parameter`: a tensor that a `Module` registers as one of its learnable weights.

Assigning a Parameter to a module attribute (`self.weight = Parameter(...)`) puts it in the
module's `_parameters`, so `parameters()`, `state_dict()`, `to()` and optimizers find it. A
plain Tensor attribute is not registered (use `register_buffer` for state that is not learned).
"""
from ..tensor import Tensor
from ..factories import empty


class Parameter(Tensor):
    """A leaf tensor that requires grad (by default) and is registered by modules.

    `Parameter(data)` shares `data`'s memory and version counter, as `torch.nn.Parameter` does;
    `Parameter()` is an empty one. Operations on a parameter give plain tensors.
    """

    __slots__ = ()

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            data = empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter(): data must be a Tensor, got {type(data).__name__}")
        p = object.__new__(cls)
        p._data = data._data
        p._device = data._device
        p._requires_grad = False
        p._grad = None
        p.grad_fn = None
        p._output_nr = 0
        p._vc = data._vc
        p._base = None
        p._retains_grad = False
        p._hooks = None
        p.requires_grad_(requires_grad)     # refuses integer data, as PyTorch
        return p

    def __init__(self, data=None, requires_grad=True):
        pass                                # everything happened in __new__

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        out = Parameter(Tensor.__deepcopy__(self, {}).detach(), self._requires_grad)
        if self._grad is not None:
            out._grad = Tensor.__deepcopy__(self._grad, {})
        memo[id(self)] = out
        return out

