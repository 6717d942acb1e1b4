"""`mytorch.nn.utils.stateless.functional_call`: call a module with some of its parameters and
buffers replaced by given tensors, for that one call (as torch.func.functional_call, of which
this is the deprecated older name).

    out = functional_call(model, {"fc.weight": W}, (x,))     # model(x) with fc.weight = W

The replacement is a swap in the modules' registries, undone when the call returns (or fails);
gradients flow to the given tensors, not to the module's own. With tie_weights=True a tensor
shared under several names (tied weights) is replaced under all of them.
"""
import warnings
from collections.abc import Sequence
from contextlib import contextmanager

from ...tensor import Tensor

__all__ = ["functional_call"]

_MISSING = object()      # a name the module did not have before the swap


def _swap_tensor(module, name, tensor):
    """Put `tensor` (or _MISSING: delete) under `name` in module; returns what was there."""
    if tensor is not _MISSING and tensor is not None and not isinstance(tensor, Tensor):
        raise TypeError(f"{tensor} is not an instance of mytorch.Tensor")
    for registry in (module._parameters, module._buffers):
        if name in registry:
            orig = registry[name]
            if tensor is _MISSING:
                del registry[name]
            else:
                registry[name] = tensor
            return orig
    orig = getattr(module, name, _MISSING)
    if orig is not _MISSING and orig is not None and not isinstance(orig, Tensor):
        raise TypeError(f"attribute `{name}`: {orig} is not an instance of mytorch.Tensor")
    if tensor is not _MISSING:
        setattr(module, name, tensor)
    elif orig is not _MISSING:
        delattr(module, name)
    return orig


def _swap_tensors_dict(module, named_tensors):
    """Swap every dotted name of `named_tensors` in; returns the previous values (undone if one
    swap fails)."""
    orig = {}
    try:
        for path, tensor in named_tensors.items():
            prefix, _, name = path.rpartition(".")
            orig[path] = _swap_tensor(module.get_submodule(prefix), name, tensor)
    except Exception:
        _swap_tensors_dict(module, orig)
        raise
    return orig


def _untie_named_tensors_map(module, parameters_and_buffers):
    """`parameters_and_buffers` extended to every name of each tied tensor that was given under
    one of its names; different values given for one tied tensor are a ValueError."""
    names_of = {}                       # id(tensor) -> all its names in the module
    for name, t in list(module.named_parameters(remove_duplicate=False)) + \
            list(module.named_buffers(remove_duplicate=False)):
        names_of.setdefault(id(t), set()).add(name)
    tied = {name: names for names in names_of.values() if len(names) > 1 for name in names}
    untied = dict(parameters_and_buffers)
    for given in [name for name in parameters_and_buffers if name in tied]:
        values = {id(parameters_and_buffers[n]) for n in tied[given] if n in parameters_and_buffers}
        if len(values) > 1:
            raise ValueError(f"functional_call got multiple values for keys "
                             f"{sorted(tied[given])}, which are tied. Consider using "
                             "tie_weights=False")
        for name in tied[given]:
            untied[name] = parameters_and_buffers[given]
    return untied


@contextmanager
def _reparametrize_module(module, parameters_and_buffers, tie_weights=False, strict=False):
    untied = _untie_named_tensors_map(module, parameters_and_buffers) if tie_weights \
        else parameters_and_buffers
    if strict:
        valid = {name for name, _ in module.named_parameters(remove_duplicate=False)} | \
            {name for name, _ in module.named_buffers(remove_duplicate=False)}
        errors = []
        unexpected, missing = sorted(set(untied) - valid), sorted(valid - set(untied))
        if unexpected:
            errors.append(f"Unexpected key(s): {', '.join(map(repr, unexpected))}.")
        if missing:
            errors.append(f"Missing key(s): {', '.join(map(repr, missing))}.")
        if errors:
            raise RuntimeError("Error(s) in reparametrizing for {}:\n\t{}".format(
                module._get_name(), "\n\t".join(errors)))
    orig = {}
    try:
        orig = _swap_tensors_dict(module, untied)
        yield
    finally:
        new = _swap_tensors_dict(module, orig)
        # a tensor the call replaced (rather than updated in place) shows in the given dict
        parameters_and_buffers.update({k: new[k] for k in parameters_and_buffers if k in new})


def _functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *,
                     tie_weights=True, strict=False):
    """module(*args, **kwargs) with the tensors of `parameter_and_buffer_dicts` (a dict from
    dotted names, or a sequence of dicts with distinct keys) in place of its own."""
    if isinstance(parameter_and_buffer_dicts, dict):
        parameters_and_buffers = parameter_and_buffer_dicts
    elif isinstance(parameter_and_buffer_dicts, Sequence):
        if not all(isinstance(d, dict) for d in parameter_and_buffer_dicts):
            raise ValueError("Expected all elements of parameter_and_buffer_dicts to be "
                             "dictionaries")
        keys = [k for d in parameter_and_buffer_dicts for k in d]
        repeated = sorted({k for k in keys if keys.count(k) > 1})
        if repeated:
            raise ValueError(f"{repeated} appeared in multiple dictionaries; behavior of "
                             "functional call is ambiguous")
        parameters_and_buffers = {k: v for d in parameter_and_buffer_dicts for k, v in d.items()}
    else:
        raise ValueError("Expected parameter_and_buffer_dicts to be a dict, or a list/tuple of "
                         f"dicts, but got {type(parameter_and_buffer_dicts)}")
    kwargs = {} if kwargs is None else kwargs
    args = () if args is None else args if isinstance(args, tuple) else (args,)
    with _reparametrize_module(module, parameters_and_buffers, tie_weights=tie_weights,
                               strict=strict):
        return module(*args, **kwargs)


def functional_call(module, parameters_and_buffers, args=None, kwargs=None, *, tie_weights=True,
                    strict=False):
    """module(*args, **kwargs) with `parameters_and_buffers` ({dotted name: tensor}) replacing
    its own for this call; args that is not a tuple is the one argument. tie_weights: a tied
    tensor given under one name is replaced under all (different values for it: ValueError).
    strict: the names must be exactly the module's parameters and buffers. Deprecated
    (FutureWarning) in favour of mytorch.func.functional_call, as in PyTorch."""
    warnings.warn("`mytorch.nn.utils.stateless.functional_call` is deprecated as of PyTorch 2.0 "
                  "and will be removed in a future version of PyTorch. Please use "
                  "`mytorch.func.functional_call` instead which is a drop-in replacement.",
                  FutureWarning, stacklevel=2)
    return _functional_call(module, parameters_and_buffers, args, kwargs,
                            tie_weights=tie_weights, strict=strict)
