"""`skip_init`, as `torch.nn.utils.skip_init`."""
import inspect

from ..module import Module

__all__ = ["skip_init"]


def skip_init(module_cls, *args, **kwargs):
    """`module_cls(*args, **kwargs)` whose parameters and buffers are to be treated as
    uninitialized (the caller initializes them), on `kwargs['device']` (default cpu). The class
    must take a `device` argument, as PyTorch requires. PyTorch builds the module on its "meta"
    device and so skips the initialization's work; mytorch has no meta device, so the
    constructor's initialization still runs and only the contract (values unspecified) is the
    same."""
    if not (isinstance(module_cls, type) and issubclass(module_cls, Module)):
        raise RuntimeError(f"Expected a Module; got {module_cls}")
    if "device" not in inspect.signature(module_cls).parameters:
        raise RuntimeError("Module must support a 'device' arg to skip initialization")
    kwargs.setdefault("device", "cpu")
    return module_cls(*args, **kwargs)
