"""`Parameter`: a tensor that a `Module` registers as one of its learnable weights.

Assigning a Parameter to a module attribute (`self.weight = Parameter(...)`) puts it in the
module's `_parameters`, so `parameters()`, `state_dict()`, `to()` and optimizers find it. A
plain Tensor attribute is not registered (use `register_buffer` for state that is not learned).
UninitializedParameter / UninitializedBuffer: placeholders of lazy modules (mytorch/nn/lazy.py)
until their first forward gives them a shape.
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



class UninitializedTensorMixin:
    """A parameter or buffer whose shape is not known yet (a lazy module's, until its first
    forward): it holds no numbers, only a device, a dtype and requires_grad, which `to` may
    change. `materialize(shape)` gives it (uninitialized) numbers of that shape and turns it
    into its `cls_to_become`, in place, so optimizers that hold it keep working."""

    __slots__ = ()
    cls_to_become = None

    def __init__(self, *args, **kwargs):
        pass                                # everything happened in __new__

    def materialize(self, shape, device=None, dtype=None):
        """Become a `cls_to_become` of `shape` (on `device`, of `dtype`: by default its own)."""
        self.data = empty(shape, device=device or self.device, dtype=dtype or self.dtype)
        self.__class__ = self.cls_to_become

    @property
    def shape(self):
        raise RuntimeError("Can't access the shape of an uninitialized parameter or buffer. This "
                           "error usually happens in `load_state_dict` when trying to load an "
                           "uninitialized parameter into an initialized one. Call `forward` to "
                           "initialize the parameters before accessing their attributes.")

    def to(self, *args, **kwargs):
        """Still uninitialized, on the device and of the dtype that `Tensor.to` would give."""
        moved = super().to(*args, **kwargs)
        return self if moved is self else type(self)(self.requires_grad, moved.device,
                                                     moved.dtype)

    def __deepcopy__(self, memo):
        if id(self) not in memo:
            memo[id(self)] = type(self)(self.requires_grad, self.device, self.dtype)
        return memo[id(self)]

    def __repr__(self):
        return f"<{type(self).__name__}>"

    __str__ = __repr__


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    """A Parameter of a shape still unknown; `materialize(shape)` makes it a Parameter."""

    __slots__ = ()
    cls_to_become = Parameter

    def __new__(cls, requires_grad=True, device=None, dtype=None):
        return Parameter.__new__(cls, empty(0, device=device, dtype=dtype), requires_grad)


class UninitializedBuffer(UninitializedTensorMixin, Tensor):
    """A buffer of a shape still unknown; `materialize(shape)` makes it a plain Tensor."""

    __slots__ = ()
    cls_to_become = Tensor

    def __new__(cls, requires_grad=False, device=None, dtype=None):
        made = empty(0, device=device, dtype=dtype)
        b = object.__new__(cls)
        for name in Tensor.__slots__[:-1]:
            setattr(b, name, getattr(made, name))
        return b.requires_grad_(requires_grad)


def is_lazy(param):
    """Whether `param` is an UninitializedParameter or UninitializedBuffer."""
    return isinstance(param, UninitializedTensorMixin)
