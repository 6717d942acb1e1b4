"""The machinery behind `Module.register_full_backward_hook` and
`register_full_backward_pre_hook`, as PyTorch's `torch.utils.hooks.BackwardHook`.

A module call with such hooks passes the tensors of its inputs, and then those of its outputs,
through an identity Function (`BackwardHookFunction`): one node for all the inputs, one for all
the outputs. The engine runs the outputs' node when the gradients of every output are complete:
there the pre-hooks see (and may replace) `grad_output`. It runs the inputs' node once the
gradients have gone through the whole forward: there the hooks see `grad_input` and
`grad_output` together, and may replace `grad_input`. Each call of the module gets its own
`BackwardHook`, which carries `grad_output` from the one node to the other.

The deprecated `register_backward_hook` works as PyTorch's does: its hooks go on the last
autograd node of the forward (the one that made the first output tensor) and see that node's
input and output gradients (`register_old_backward_hooks`).

The identity's outputs are views of its inputs (they share memory and version counter), so an
in-place change of one, inside forward or of the module's result, is refused as PyTorch refuses
it: the identity's backward would otherwise hide it.
"""
import warnings

from ..autograd.function import Function, _share_version
from ..autograd.grad_mode import _state
from ..tensor import Tensor, _wrap


class BackwardHookFunction(Function):
    """Identity on tensors; its backward hands the gradients to a `BackwardHook`."""

    @staticmethod
    def forward(ctx, *arrays, hook, kind):
        ctx.hook, ctx.kind = hook, kind
        outs = tuple(a.view() for a in arrays)       # new array objects, one memory
        ctx.mark_non_differentiable(*[y for y, need in zip(outs, ctx.needs_input_grad)
                                      if not need])
        if kind == "output":
            ctx.set_materialize_grads(False)       # pre-hooks see None for an unused output
        return outs

    @staticmethod
    def backward(ctx, *grads):
        if ctx.kind == "output":
            return ctx.hook.output_grads(grads)
        return ctx.hook.input_grads(grads)


def _pack_with_none(index, values, size):
    res = [None] * size
    for i, v in zip(index, values):
        res[i] = v
    return tuple(res)


class BackwardHook:
    """The backward hooks of one module call: `setup_input_hook` wraps the inputs before
    forward, `setup_output_hook` wraps the result after it."""

    def __init__(self, module, hooks, pre_hooks):
        self.module = module
        self.hooks = hooks
        self.pre_hooks = pre_hooks
        self.grad_outputs = None
        self.n_inputs = self.n_outputs = -1
        self.input_index = self.output_index = None

    def _wrap(self, values, kind):
        """`values` with their tensors passed through the identity (when some requires grad
        and grad mode is on), and the positions of those tensors (None when not wrapped)."""
        index = [i for i, v in enumerate(values) if isinstance(v, Tensor)]
        if not (_state.enabled and any(values[i]._requires_grad for i in index)):
            return values, None
        tensors = [values[i] for i in index]
        wrapped = BackwardHookFunction.apply(*tensors, hook=self, kind=kind)
        out = list(values)
        for i, t, source in zip(index, wrapped, tensors):
            _share_version(t, source)
            out[i] = t
        return (tuple(out) if type(values) is tuple else type(values)(*out)), index

    def setup_input_hook(self, args):
        args, self.input_index = self._wrap(args, "input")
        self.n_inputs = len(args)
        return args

    def setup_output_hook(self, result):
        is_tuple = isinstance(result, tuple)
        outputs, self.output_index = self._wrap(result if is_tuple else (result,), "output")
        self.n_outputs = len(outputs)
        return outputs if is_tuple else outputs[0]

    def output_grads(self, grads):
        """The outputs' node: run the pre-hooks on grad_output (and, when no input requires
        grad, the hooks too, with grad_input all None)."""
        self.grad_outputs = _pack_with_none(self.output_index, grads, self.n_outputs)
        for hook in self.pre_hooks:
            result = hook(self.module, self.grad_outputs)
            if result is None:
                continue
            if len(result) != len(self.grad_outputs):
                raise RuntimeError("Backward pre hook returned an invalid number of grad_output, "
                                   f"got {len(result)}, but expected {len(self.grad_outputs)}")
            self.grad_outputs = tuple(result)
        grad_outputs = self.grad_outputs
        if self.input_index is None:
            warnings.warn("Full backward hook is firing when gradients are computed with respect "
                          "to module outputs since no inputs require gradients. See "
                          "https://docs.pytorch.org/docs/main/generated/torch.nn.Module.html"
                          "#torch.nn.Module.register_full_backward_hook for more details.",
                          stacklevel=2)
            grad_inputs = (None,) * self.n_inputs
            for hook in self.hooks:
                result = hook(self.module, grad_inputs, grad_outputs)
                if result is not None and not (isinstance(result, tuple)
                                               and all(g is None for g in result)):
                    raise RuntimeError("Backward hook for Modules where no input requires "
                                       "gradient should always return None or None for all "
                                       "gradients.")
            self.grad_outputs = None
        return tuple(grad_outputs[i] for i in self.output_index)

    def input_grads(self, grads):
        """The inputs' node: run the hooks on (grad_input, grad_output); a result replaces
        grad_input."""
        if self.grad_outputs is None:
            # the gradient reached the inputs without passing the outputs (double backward)
            return grads
        res = _pack_with_none(self.input_index, grads, self.n_inputs)
        for hook in self.hooks:
            result = hook(self.module, res, self.grad_outputs)
            if result is None:
                continue
            if len(result) != len(res):
                raise RuntimeError("Backward hook returned an invalid number of grad_input, "
                                   f"got {len(result)}, but expected {len(res)}")
            res = tuple(result)
        self.grad_outputs = None
        return tuple(res[i] for i in self.input_index)


# ---- the deprecated register_backward_hook ------------------------------------------------

_HOOKED_OPS = {}            # Function class -> its subclass whose backward runs module hooks


def _hooked_op(op):
    """`op` with a backward that runs the module hooks a node keeps in `_module_hooks`."""
    cls = _HOOKED_OPS.get(op)
    if cls is None:
        def backward(ctx, *grad_outputs):
            return _run_node_hooks(ctx, op.backward(ctx, *grad_outputs), grad_outputs)
        cls = type(op.__name__, (op,), {"backward": staticmethod(backward),
                                        "__qualname__": op.__qualname__})
        _HOOKED_OPS[op] = cls
    return cls


def _run_node_hooks(ctx, grads, grad_outputs):
    """`hook(module, grad_input, grad_output)` on the gradients of node `ctx`; a non-None
    result replaces grad_input. (An array_backward node run without create_graph gets and
    returns arrays: the hooks see them as Tensors.)"""
    arrays = ctx.op.array_backward and not _state.enabled
    single = type(grads) is not tuple
    grad_input = _as_tensors((grads,) if single else grads, ctx.device)
    grad_output = _as_tensors(grad_outputs, ctx.output_device or ctx.device)
    for module, hook in ctx._module_hooks:
        result = hook(module, grad_input, grad_output)
        if result is None:
            continue
        result = result if isinstance(result, tuple) else (result,)
        if len(result) != len(grad_input):
            raise RuntimeError(f"hook '{getattr(hook, '__name__', hook)}' has returned an "
                               f"incorrect number of values (got {len(result)}, but expected "
                               f"{len(grad_input)})")
        grad_input = result
    if arrays:
        grad_input = tuple(g._data if isinstance(g, Tensor) else g for g in grad_input)
    return grad_input[0] if single else grad_input


def _as_tensors(grads, device):
    return tuple(g if g is None or isinstance(g, Tensor) else _wrap(g, device) for g in grads)


def register_old_backward_hooks(module, hooks, args, result):
    """Put `hooks` on the node that made the first tensor of `result`, warning as PyTorch does
    where that node's gradients are not the module's."""
    var = result
    while not isinstance(var, Tensor):
        if isinstance(var, dict):
            var = next(v for v in var.values() if isinstance(v, Tensor))
        else:
            var = var[0]
    fn = var.grad_fn
    if fn is None:
        return
    if "_module_hooks" not in fn.__dict__:
        fn._module_hooks = []
        fn.op = _hooked_op(fn.op)
    fn._module_hooks.extend((module, hook) for hook in hooks)
    _warn_non_full(args, result, fn)


def _warn_non_full(inputs, result, fn):
    def warn(message):
        warnings.warn(message, FutureWarning, stacklevel=4)

    result = (result,) if isinstance(result, Tensor) else result
    if not (isinstance(result, tuple) and all(isinstance(r, Tensor) for r in result)):
        return warn("Using non-full backward hooks on a Module that does not return a single "
                    "Tensor or a tuple of Tensors is deprecated and will be removed in future "
                    "versions. This hook will be missing some of the grad_output. Please use "
                    "register_full_backward_hook to get the documented behavior.")
    if not all(isinstance(i, Tensor) for i in inputs):
        return warn("Using non-full backward hooks on a Module that does not take as input a "
                    "single Tensor or a tuple of Tensors is deprecated and will be removed in "
                    "future versions. This hook will be missing some of the grad_input. Please "
                    "use register_full_backward_hook to get the documented behavior.")
    out_fns = {r.grad_fn for r in result if r.grad_fn is not None}
    if len(out_fns) == 0 or (len(out_fns) == 1 and fn not in out_fns):
        warn("Using a non-full backward hook when outputs are nested in python data structure "
             "is deprecated and will be removed in future versions. This hook will be missing "
             "some grad_output.")
    elif len(out_fns) > 1:
        warn("Using a non-full backward hook when outputs are generated by different autograd "
             "Nodes is deprecated and will be removed in future versions. This hook will be "
             "missing some grad_output. Please use register_full_backward_hook to get the "
             "documented behavior.")
    elif {i.grad_fn for i in inputs if i.grad_fn is not None} != {n for n, _ in
                                                                   fn.next_functions}:
        warn("Using a non-full backward hook when the forward contains multiple autograd Nodes "
             "is deprecated and will be removed in future versions. This hook will be missing "
             "some grad_input. Please use register_full_backward_hook to get the documented "
             "behavior.")
