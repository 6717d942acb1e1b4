"""Optimizer: the base class of every algorithm in mytorch.optim, as torch.optim.Optimizer.

An optimizer holds

    param_groups   a list of dicts, one per group: {"params": [tensors], "lr": ..., ...};
                   every hyper-parameter the group does not give comes from `defaults`
    state          {parameter tensor: {"exp_avg": tensor, ...}}: what the algorithm remembers
                   per parameter, keyed by the parameter itself (never its id), in the order
                   parameters were first stepped

A subclass gives its `defaults` and writes `step`; the base does the rest. Every `step` a
subclass defines is wrapped (in `__init_subclass__`, once per class) so that it runs under
`no_grad`, runs the step hooks around it, and marks the optimizer as stepped (LRScheduler
checks this). The closure, when one is given, runs under `enable_grad`.

Where state lives. State tensors are made with `zeros_like(param)`: on the parameter's device,
in its dtype. Before each update the state is brought to where the parameter is now, so a
model moved with `Module.to` (which keeps the parameter objects) keeps a working optimizer;
`load_state_dict` copies every loaded tensor to its parameter's device and dtype. The one
exception is the step counter "step" (and NAdam's running product "mu_product", ASGD's step
size "eta" and averaging weight "mu"), a 0-d float32 tensor kept on the host as PyTorch keeps
it: the bias corrections need it as a Python number every step, and reading it from a GPU would
stall the device.

state_dict() has PyTorch's layout, with parameters replaced by their position (counted across
groups in order):

    {"state": {0: {"momentum_buffer": tensor}, 1: {...}},
     "param_groups": [{"lr": 0.1, "momentum": 0.9, ..., "params": [0, 1]}]}
"""
import copy
import functools
import warnings
from collections import OrderedDict, defaultdict

from .. import dtypes
from ..autograd.engine import zero_grads
from ..autograd.grad_mode import _state, enable_grad
from ..factories import tensor
from ..tensor import Tensor, _HookHandle


class _RequiredParameter:
    """The default of a hyper-parameter each param group must set itself."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


def _typename(obj):
    module = type(obj).__module__
    name = type(obj).__qualname__
    return name if module == "builtins" else f"{module}.{name}"


def _hooked_step(step):
    """`step` run under no_grad, between the pre- and post-step hooks."""
    @functools.wraps(step)
    def wrapper(self, *args, **kwargs):
        if self._stepping:                    # a subclass's step calling super().step()
            return step(self, *args, **kwargs)
        for hook in list(self._step_pre_hooks.values()) if self._step_pre_hooks else ():
            result = hook(self, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError(f"{hook} must return None or a tuple of "
                                       f"(new_args, new_kwargs), but got {result}.")
                args, kwargs = result
        self._stepping = True
        prev = _state.enabled                 # (no_grad, without its context manager's calls)
        _state.enabled = False
        try:
            out = step(self, *args, **kwargs)
        finally:
            _state.enabled = prev
            self._stepping = False
        self._opt_called = True
        for hook in list(self._step_post_hooks.values()) if self._step_post_hooks else ():
            hook(self, args, kwargs)
        return out
    return wrapper


_HOST_SCALARS = ("step", "mu_product", "eta", "mu")   # host float32 scalars, never moved


def step_counter(value=0.0):
    """A new "step" entry: a 0-d float32 tensor on the host, as PyTorch keeps it."""
    return tensor(value, dtype=dtypes.float32)


def _to_param(param, value, key=None):
    """A saved state value made for `param`: a fresh tensor on its device (floating values in
    its dtype); a _HOST_SCALARS entry becomes a host float32 scalar; dicts, lists and tuples
    recursively."""
    if key in _HOST_SCALARS:
        return step_counter(float(value))
    if isinstance(value, Tensor):
        dtype = param.dtype if param.is_floating_point() else value.dtype
        return value.detach().to(param.device, dtype, copy=True)
    if isinstance(value, dict):
        return {k: _to_param(param, v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_to_param(param, v) for v in value)
    return value


class Optimizer:
    """Base class of all optimizers.

    `params`: an iterable of tensors (or of `(name, tensor)` pairs), or of dicts, each one a
    param group: `{"params": [...], "lr": 0.01}` sets options for that group only.
    `defaults`: the options every group gets unless it gives its own.
    """

    def __init__(self, params, defaults):
        self.defaults = defaults
        self.state = defaultdict(dict)
        self.param_groups = []
        self._step_pre_hooks = {}
        self._step_post_hooks = {}
        self._optimizer_state_dict_pre_hooks = OrderedDict()
        self._optimizer_state_dict_post_hooks = OrderedDict()
        self._optimizer_load_state_dict_pre_hooks = OrderedDict()
        self._optimizer_load_state_dict_post_hooks = OrderedDict()
        self._stepping = False
        self._opt_called = False
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            "Tensors or dicts, but got " + _typename(params))
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(group)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "step" in cls.__dict__:
            cls.step = _hooked_step(cls.__dict__["step"])

    def __repr__(self):
        text = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            for key in sorted(group):
                if key not in ("params", "param_names"):
                    text += f"    {key}: {group[key]}\n"
        return text + ")"

    # ---- param groups -------------------------------------------------------------------

    def add_param_group(self, param_group):
        """Add a group of parameters (a dict with "params" and any options to override);
        useful when fine-tuning, to start training layers that were frozen."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, "
                            "but the ordering of tensors in sets will change between runs. "
                            "Please use a list instead.")
        else:
            params = list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]
        params = [p[1] if isinstance(p, tuple) else p for p in params]
        if names:
            if len(names) != len(params):
                raise ValueError("all optimizer params should be with/without names. Some param "
                                 "names are missing")
            param_group["param_names"] = names
        param_group["params"] = params

        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is "
                                + _typename(p))
            if not (p.is_leaf or p.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required "
                                 f"optimization parameter {name}")
            param_group.setdefault(name, default)

        if len({id(p) for p in params}) != len(params):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in "
                          "future, this will cause an error; see "
                          "github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        seen = set()
        for group in self.param_groups:
            seen.update(id(p) for p in group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {which} to the optimizer")
        if any(id(p) in seen for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    # ---- stepping -----------------------------------------------------------------------

    def zero_grad(self, set_to_none=True):
        """Forget the gradients: `p.grad = None` (the default: no memory, and the next backward
        writes instead of adding), or fill them with zeros when `set_to_none=False`."""
        zero_grads((p for group in self.param_groups for p in group["params"]), set_to_none)

    def step(self, closure=None):
        """Update every parameter that has a gradient, once. `closure`, when given, re-evaluates
        the model and returns the loss; step returns that loss."""
        raise NotImplementedError(f"{type(self).__name__} does not define step()")

    @staticmethod
    def _evaluate(closure):
        """The closure's loss, computed with gradients on (step itself runs under no_grad)."""
        if closure is None:
            return None
        with enable_grad():
            return closure()

    def _params_with_grad(self):
        """(group, param) for every parameter that has a gradient, in group order."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    yield group, p

    def _state_of(self, param):
        """param's state (an empty dict on first use), first moved and cast to where param
        lives now: `Module.to` keeps the parameter objects, and their state follows them."""
        state = self.state[param]
        for key, value in state.items():
            if key not in _HOST_SCALARS and isinstance(value, Tensor) and (
                    value._device is not param._device
                    or (param.is_floating_point() and value._data.dtype != param._data.dtype)):
                state[key] = _to_param(param, value)
        return state

    def register_step_pre_hook(self, hook):
        """`hook(optimizer, args, kwargs)` runs before each step; it may return new
        `(args, kwargs)`. Returns a handle whose `remove()` unregisters it."""
        return _HookHandle(self._step_pre_hooks, hook)

    def register_step_post_hook(self, hook):
        """`hook(optimizer, args, kwargs)` runs after each step. Returns a removable handle."""
        return _HookHandle(self._step_post_hooks, hook)

    # ---- saving and loading ---------------------------------------------------------------

    @staticmethod
    def _add_hook(hooks, hook, prepend):
        handle = _HookHandle(hooks, hook)
        if prepend:
            hooks.move_to_end(handle.id, last=False)
        return handle

    def register_state_dict_pre_hook(self, hook, prepend=False):
        """`hook(optimizer)` runs before `state_dict()` builds the dict (prepend: before the
        hooks already registered). Returns a removable handle."""
        return self._add_hook(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook, prepend=False):
        """`hook(optimizer, state_dict)` runs on the dict `state_dict()` built; a non-None
        result is returned instead. Returns a removable handle."""
        return self._add_hook(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook, prepend=False):
        """`hook(optimizer, state_dict)` runs before `load_state_dict()` loads, on a shallow
        copy of the given dict; a non-None result is loaded instead. Returns a removable
        handle."""
        return self._add_hook(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook, prepend=False):
        """`hook(optimizer)` runs once `load_state_dict()` has loaded. Returns a removable
        handle."""
        return self._add_hook(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    def state_dict(self):
        """{"state": {index: {name: value}}, "param_groups": [{options, "params": [index]}]},
        parameters numbered across groups in order. The state tensors are the live ones, as in
        PyTorch: save them (mytorch.save) or copy them before stepping again. The state-dict
        pre-hooks run first; each post-hook may return a dict to use instead."""
        for hook in self._optimizer_state_dict_pre_hooks.values():
            hook(self)
        index = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for p in group["params"]:
                index.setdefault(id(p), len(index))
            packed["params"] = [index[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {(index[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        state_dict = {"state": state, "param_groups": groups}
        for hook in self._optimizer_state_dict_post_hooks.values():
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        return state_dict

    def load_state_dict(self, state_dict):
        """Take the state and the options of `state_dict` (from `state_dict()`, possibly of
        another optimizer over other tensors of the same shapes). Group and parameter counts
        must match; every state tensor is copied to its parameter's device and dtype. The
        load-state-dict pre-hooks get a shallow copy of `state_dict` (and may return one to
        load instead); the post-hooks run after loading."""
        state_dict = dict(state_dict)
        for hook in self._optimizer_load_state_dict_pre_hooks.values():
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        groups = self.param_groups
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        for group, saved in zip(groups, saved_groups):
            if len(group["params"]) != len(saved["params"]):
                raise ValueError("loaded state dict contains a parameter group that doesn't "
                                 "match the size of optimizer's group")
        params_by_index = {i: p for group, saved in zip(groups, saved_groups)
                           for i, p in zip(saved["params"], group["params"])}
        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in params_by_index:
                param = params_by_index[k]
                state[param] = _to_param(param, v)
            else:
                state[k] = v
        for group, saved in zip(groups, saved_groups):
            saved["params"] = group["params"]
            if "param_names" in group and "param_names" not in saved:
                saved["param_names"] = group["param_names"]
        self.state = state
        self.param_groups = saved_groups
        for hook in self._optimizer_load_state_dict_post_hooks.values():
            hook(self)

