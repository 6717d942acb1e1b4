"""`mytorch.nn.utils.parametrize`: a parameter expressed as a function of other tensors, as
`torch.nn.utils.parametrize`.

    register_parametrization(m, "weight", P)   m.weight now reads P(original), recomputed at
                                               every access; `original` is learned instead
    remove_parametrizations(m, "weight")       back to a plain parameter
    cached()                                   inside it, each parametrized tensor is computed
                                               once and reused

How it works (PyTorch's design): on the first registration the module's class is swapped for a
subclass made on the fly, `Parametrized<Class>`, and `weight` becomes a property of that class.
The getter evaluates `m.parametrizations.weight`, a `ParametrizationList` holding the original
tensor (`original`, or `original0`, `original1`, ... when P.right_inverse returns several) and
the chain of parametrizations; the setter `m.weight = X` stores right_inverse(X) in the
originals. So `Module` itself needs nothing special, and state_dict keys read
'parametrizations.weight.original'.
"""
import copy
import copyreg
from collections.abc import Sequence
from contextlib import contextmanager

from ...autograd import no_grad
from ...tensor import Tensor
from ..containers import ModuleDict, ModuleList
from ..parameter import Parameter

__all__ = ["cached", "ParametrizationList", "register_parametrization", "is_parametrized",
           "remove_parametrizations", "type_before_parametrizations",
           "transfer_parametrizations_and_params"]

_cache_enabled = 0
_cache = {}          # (id(module), tensor_name) -> its value while cached() is active


@contextmanager
def cached():
    """Within this context each parametrized tensor is computed the first time it is read and
    that value is reused (useful when a forward reads it many times, as an RNN's loop does);
    the values are dropped on leaving the outermost `cached()`."""
    global _cache, _cache_enabled
    _cache_enabled += 1
    try:
        yield
    finally:
        _cache_enabled -= 1
        if not _cache_enabled:
            _cache = {}


def _register_parameter_or_buffer(module, name, X):
    if isinstance(X, Parameter):
        module.register_parameter(name, X)
    else:
        module.register_buffer(name, X)


def _maybe_set(dest, src):
    """Make `dest` hold `src`'s values in place (torch's `set_`), so that `dest` keeps its
    identity and an optimizer holding it stays valid."""
    dest.data = src


def _check_same(head, left_label, left, right_label, right):
    """Registration's 'may not change the dtype / shape' checks: `head` has an {attr} slot, the
    labels prefix the two lines that show the values."""
    for attr in ("dtype", "shape"):
        if getattr(left, attr) != getattr(right, attr):
            raise ValueError(head.format(attr=attr) + f"\n{left_label}{attr}: "
                             f"{getattr(left, attr)}\n{right_label}{attr}: {getattr(right, attr)}")


class ParametrizationList(ModuleList):
    """The type of `module.parametrizations[name]`: the parametrizations chained on one tensor
    (applied in order: value = Pₖ(...P₁(P₀(originals)))) and the original tensor(s), kept as
    `original` when the first parametrization's right_inverse returns one tensor (or is absent:
    the identity), else as `original0`, `original1`, ... Made by register_parametrization; not
    meant to be built by hand."""

    def __init__(self, modules, original, unsafe=False):
        if len(modules) == 0:
            raise ValueError("ParametrizationList requires one or more modules.")
        super().__init__(modules)
        self.unsafe = unsafe
        before = original.detach()   # its shape as registered (_maybe_set below may change it)
        with no_grad():
            new = original
            for module in reversed(list(self)):
                if hasattr(module, "right_inverse"):
                    try:
                        new = module.right_inverse(new)
                    except NotImplementedError:
                        pass           # no right_inverse: taken as the identity
        if not isinstance(new, (Tensor, Sequence)):
            raise ValueError("'right_inverse' must return a Tensor or a Sequence of tensors "
                             f"(list, tuple...). Got {type(new).__name__}")
        self.is_tensor = isinstance(new, Tensor)
        self.ntensors = 1 if self.is_tensor else len(new)
        if self.is_tensor:
            for attr in ("dtype", "device"):
                if getattr(original, attr) != getattr(new, attr):
                    raise ValueError(f"When `right_inverse` outputs one tensor, it may not change "
                                     f"the {attr}.\noriginal.{attr}: {getattr(original, attr)}\n"
                                     f"right_inverse(original).{attr}: {getattr(new, attr)}")
            with no_grad():
                _maybe_set(original, new)      # the same object: no need to tell the optimizer
            _register_parameter_or_buffer(self, "original", original)
        else:
            for i, originali in enumerate(new):
                if not isinstance(originali, Tensor):
                    raise ValueError("'right_inverse' must return a Tensor or a Sequence of "
                                     f"tensors (list, tuple...). Got element {i} of the sequence "
                                     f"with type {type(originali).__name__}.")
                if isinstance(original, Parameter):
                    originali = Parameter(originali, original.requires_grad)
                originali.requires_grad_(original.requires_grad)
                _register_parameter_or_buffer(self, f"original{i}", originali)
        if not self.unsafe:
            Z = self()
            if not isinstance(Z, Tensor):
                raise ValueError(f"A parametrization must return a tensor. Got "
                                 f"{type(Z).__name__}.")
            _check_same("Registering a parametrization may not change the {attr} of the tensor, "
                        "unless `unsafe` flag is enabled.", "unparametrized ", before,
                        "parametrized ", Z)

    def right_inverse(self, value):
        """Store the right_inverse of `value` (through every parametrization, last first) in the
        original tensor(s): what `module.weight = value` does."""
        with no_grad():
            for module in reversed(list(self)):
                if not hasattr(module, "right_inverse"):
                    raise RuntimeError(f"parametrization {type(module).__name__} does not "
                                       "implement right_inverse.")
                value = module.right_inverse(value)
            if self.is_tensor:
                if not isinstance(value, Tensor):
                    raise ValueError("`right_inverse` should return a tensor. Got "
                                     f"{type(value).__name__}")
                if value.dtype != self.original.dtype:
                    raise ValueError(f"The tensor returned by `right_inverse` has dtype "
                                     f"{value.dtype} while `original` has dtype "
                                     f"{self.original.dtype}")
                _maybe_set(self.original, value)
                return
            if not isinstance(value, Sequence):
                raise ValueError("'right_inverse' must return a sequence of tensors. Got "
                                 f"{type(value).__name__}.")
            if len(value) != self.ntensors:
                raise ValueError("'right_inverse' must return a sequence of tensors of length "
                                 f"{self.ntensors}. Got a sequence of length {len(value)}.")
            for i, tensor in enumerate(value):
                original_i = getattr(self, f"original{i}")
                if not isinstance(tensor, Tensor):
                    raise ValueError("'right_inverse' must return a sequence of tensors. Got "
                                     f"element {i} of type {type(tensor).__name__}.")
                if original_i.dtype != tensor.dtype:
                    raise ValueError(f"Tensor {i} returned by `right_inverse` has dtype "
                                     f"{tensor.dtype} while `original{i}` has dtype "
                                     f"{original_i.dtype}")
                _maybe_set(original_i, tensor)

    def forward(self):
        if self.is_tensor:
            x = self[0](self.original)
        else:
            x = self[0](*(getattr(self, f"original{i}") for i in range(self.ntensors)))
        for i in range(1, len(self)):
            x = self[i](x)
        return x


def _default_deepcopy(self, memo):
    """copy.deepcopy for a parametrized module (its class refuses pickling's __getstate__)."""
    obj = memo.get(id(self))
    if obj is not None:
        return obj
    replica = self.__new__(self.__class__)
    memo[id(self)] = replica
    replica.__dict__ = copy.deepcopy(self.__dict__, memo)
    for slot in copyreg._slotnames(self.__class__):
        if hasattr(self, slot):
            setattr(replica, slot, copy.deepcopy(getattr(self, slot), memo))
    return replica


def _getstate(self):
    raise RuntimeError("Serialization of parametrized modules is only supported through "
                       "state_dict(): save module.state_dict() and load it into a module "
                       "parametrized the same way.")


def _inject_new_class(module):
    """Swap module's class for `Parametrized<Class>`, a subclass that will carry the
    properties."""
    cls = module.__class__
    namespace = {"__getstate__": _getstate}
    if not hasattr(cls, "__deepcopy__"):
        namespace["__deepcopy__"] = _default_deepcopy
    module.__class__ = type(f"Parametrized{cls.__name__}", (cls,), namespace)


def _inject_property(module, tensor_name):
    """Make `tensor_name` a property of module's (already swapped) class: reading evaluates the
    ParametrizationList (once per cached() block), assigning calls its right_inverse."""
    if hasattr(module, tensor_name):
        raise AssertionError(f"Module already has an attribute named '{tensor_name}'")

    def get_parametrized(self):
        parametrization = self.parametrizations[tensor_name]
        if not _cache_enabled:
            return parametrization()
        key = (id(self), tensor_name)
        tensor = _cache.get(key)
        if tensor is None:
            tensor = _cache[key] = parametrization()
        return tensor

    def set_original(self, value):
        self.parametrizations[tensor_name].right_inverse(value)

    setattr(module.__class__, tensor_name, property(get_parametrized, set_original))


def register_parametrization(module, tensor_name, parametrization, *, unsafe=False):
    """Make `module.<tensor_name>` read `parametrization(original)`, where `original` (at
    `module.parametrizations.<tensor_name>.original`) takes the place of the parameter or buffer
    and is what gets learned. `parametrization` is a Module; its optional `right_inverse(X)`
    gives the original(s) for a value X (the initial value is right_inverse(current tensor);
    returning a sequence makes several originals, `original0`, `original1`, ...). Registering
    again on the same name chains the new parametrization after the others. Unless unsafe=True,
    the parametrized tensor must keep its dtype and shape. Returns the module."""
    parametrization.train(module.training)
    if is_parametrized(module, tensor_name):
        if not unsafe:
            Y = getattr(module, tensor_name)
            X = parametrization(Y)
            if not isinstance(X, Tensor):
                raise ValueError(f"A parametrization must return a tensor. Got "
                                 f"{type(X).__name__}.")
            _check_same("Registering a parametrization may not change the {attr} of the tensor, "
                        "unless the `unsafe` flag is enabled.", f"module.{tensor_name}.", Y,
                        f"parametrization(module.{tensor_name}).", X)
            if hasattr(parametrization, "right_inverse"):
                try:
                    Z = parametrization.right_inverse(X)
                except NotImplementedError:
                    pass
                else:
                    if not isinstance(Z, Tensor):
                        raise ValueError("parametrization.right_inverse must return a tensor. "
                                         f"Got: {type(Z).__name__}")
                    _check_same("The tensor returned by parametrization.right_inverse must have "
                                "the same {attr} as module.%s, unless the `unsafe` flag is "
                                "enabled." % tensor_name, f"module.{tensor_name}.", Y,
                                "returned ", Z)
        module.parametrizations[tensor_name].append(parametrization)
        module.parametrizations[tensor_name].unsafe |= unsafe
    elif tensor_name in module._buffers or tensor_name in module._parameters:
        original = getattr(module, tensor_name)
        parametrizations = ParametrizationList([parametrization], original, unsafe=unsafe)
        delattr(module, tensor_name)
        if not is_parametrized(module):
            _inject_new_class(module)
            module.parametrizations = ModuleDict()
        _inject_property(module, tensor_name)
        module.parametrizations[tensor_name] = parametrizations
    else:
        raise ValueError(f"Module '{module}' does not have a parameter, a buffer, or a "
                         f"parametrized element with name '{tensor_name}'")
    return module


def is_parametrized(module, tensor_name=None):
    """True if `module` has a parametrization on `tensor_name` (any, when None)."""
    parametrizations = getattr(module, "parametrizations", None)
    if not isinstance(parametrizations, ModuleDict):
        return False
    return len(parametrizations) > 0 if tensor_name is None else tensor_name in parametrizations


def remove_parametrizations(module, tensor_name, leave_parametrized=True):
    """Undo register_parametrization on `tensor_name`: it becomes a plain parameter (or buffer)
    again, holding its current parametrized value (leave_parametrized=True) or the original
    tensor (False; only possible with a single original). The original tensor object is kept,
    so optimizers stay valid. When nothing is parametrized any more, the class is restored."""
    if not is_parametrized(module, tensor_name):
        raise ValueError(f"Module {module} does not have a parametrization on {tensor_name}")
    parametrizations = module.parametrizations[tensor_name]
    if parametrizations.is_tensor:
        original = parametrizations.original
        if leave_parametrized:
            with no_grad():
                _maybe_set(original, getattr(module, tensor_name))
    elif leave_parametrized:
        t = getattr(module, tensor_name)        # outside no_grad: does it require grad?
        original = Parameter(t.detach()) if t.requires_grad else t
    else:
        raise ValueError("Cannot leave unparametrized (`leave_parametrized=False`) a tensor that "
                         "is parametrized in terms of a sequence of tensors.")
    delattr(module.__class__, tensor_name)
    del module.parametrizations[tensor_name]
    _register_parameter_or_buffer(module, tensor_name, original)
    if not is_parametrized(module):
        delattr(module, "parametrizations")
        module.__class__ = module.__class__.__bases__[0]
    return module


def type_before_parametrizations(module):
    """The module's class as it was before any parametrization (its own type otherwise)."""
    return module.__class__.__bases__[0] if is_parametrized(module) else type(module)


def transfer_parametrizations_and_params(from_module, to_module, tensor_name=None):
    """Register on `to_module` the parametrizations of `from_module` (all, or those of
    `tensor_name`) and copy their original tensors over; a missing tensor on `to_module` is
    created first. Returns to_module."""
    if not is_parametrized(from_module):
        return to_module
    names = list(from_module.parametrizations) if tensor_name is None else [tensor_name]
    for name in names:
        if not hasattr(to_module, name):
            setattr(to_module, name, Parameter(getattr(from_module, name)))
        for param_func in from_module.parametrizations[name]:
            register_parametrization(to_module, name, param_func)
        source = from_module.parametrizations[name]
        target = to_module.parametrizations[name]
        keys = ["original"] if source.is_tensor else \
            [f"original{i}" for i in range(source.ntensors)]
        for key in keys:
            setattr(target, key, getattr(source, key))
    return to_module
