"""`Function`, shaped like `torch.autograd.Function`, and `Node`, the one type of graph node.

A differentiable operation is a subclass with two static methods:

    class Exp(Function):
        @staticmethod
        def forward(ctx, x):                 # backend arrays in, arrays out: the numbers
            y = ctx.xp.exp(x)
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, gy):               # Tensors in, Tensors out: built from ops
            y, = ctx.saved_tensors
            return gy * y

    y = Exp.apply(x)

`apply` checks that all tensor inputs share one device, unwraps them to arrays, runs `forward`
with a fresh `ctx` (a `Node`, whose `op` is the Function subclass; it becomes the outputs'
`grad_fn`), wraps the results as Tensors and, when grad mode is on
and some input requires grad, links them into the graph. Because `backward` is written with
Tensor ops, running it with grad mode on records a graph of the gradient, so gradients of
gradients (`create_graph=True`) come for free.

Without create_graph no graph of the gradient is wanted, and the engine carries gradients as
backend arrays. A subclass whose backward is plain arithmetic, like Exp's `gy * y`, which
means the same for arrays as for Tensors, sets `array_backward = True`: it then gets arrays
(gradients and saved values) and returns arrays, and nothing is wrapped. Any other backward
gets Tensors, as above.

What `ctx` offers:
    ctx.op                  the Function subclass (a class attribute `fn` reads as ctx.op.fn)
    ctx.xp                  the array namespace of the inputs' device (numpy or cupy)
    ctx.device              that device
    ctx.needs_input_grad    one bool per positional input
    ctx.save_for_backward(*values)   arrays or tensors needed by backward. An array that *is*
                            an input's or an output's array is saved as that tensor, so backward
                            gets it with its graph (for higher-order gradients) and a check
                            that it was not changed in place since; other arrays (masks,
                            intermediates) are saved as constants.
    ctx.saved_tensors       those values as Tensors, in order (arrays in the backward of an
                            array_backward Function run without create_graph)
    ctx.inputs, ctx.outputs the input and output Tensors (version-checked on access). A node
                            keeps them only if its backward reads ctx.inputs / ctx.outputs
                            (decided once per class, see __init_subclass__), and then the
                            outputs' arrays, not the tensors, so no cycle forms
    ctx.mark_non_differentiable(*arrays)   outputs that never carry a gradient (indices)
    ctx.set_materialize_grads(False)       let backward see None instead of zeros for
                            outputs that received no gradient

The engine undoes broadcasting: `backward` may return a gradient of the broadcast shape and
the engine sums it down to the input's shape (and casts it to the input's dtype).
"""
import weakref
from itertools import count

from ..tensor import Tensor, _new, _wrap
from .grad_mode import _state

_CONSTANT_NONE = ("constant", None, None)
_sequence = count()         # numbers the nodes in the order they are made (see engine._run)


class Function:
    """Base class of every differentiable operation: its `forward` and `backward`, and `apply`,
    which runs forward and records a `Node` of the graph for backward."""

    is_view = False         # True: the outputs share memory (and version counter) with input 0
    # True: backward computes the same on backend arrays as on Tensors (it uses only operators
    # and methods both have: + - * / **, @, .reshape, .sum(axis), .mT ...). Without
    # create_graph the engine then hands it arrays (gradients and saved values) and skips
    # wrapping each intermediate in a Tensor; with create_graph it gets Tensors, as always.
    array_backward = False

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("a Function subclass must define forward(ctx, *arrays)")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError(f"{ctx.name()}: this function is not differentiable "
                                  "(it defines no backward)")

    @classmethod
    def apply(cls, *args, **kwargs):
        """Run the operation on `args` (tensors and plain values) and record it for backward."""
        device = None
        recording = _state.enabled
        track = False
        arrays = []
        # an edge per input: for one that requires grad, (node that made it, its output index,
        # the tensor itself if it is a leaf, its shape, its dtype); None for the others.
        # Non-leaf inputs are not held by the edge, so no tensor <-> node cycle can form.
        edges = []
        for a in args:
            if isinstance(a, Tensor):
                data = a._data
                arrays.append(data)
                if device is None:
                    device = a._device
                elif a._device is not device:
                    _device_mismatch(cls, device, a._device)
                if a._requires_grad and recording:
                    track = True
                    fn = a.grad_fn
                    edges.append((fn, a._output_nr, a if fn is None else None, data.shape,
                                  data.dtype))
                    continue
            else:
                arrays.append(a)
            edges.append(None)
        if device is None:
            raise TypeError(f"{cls.__name__}.apply() needs at least one Tensor argument")
        ctx = _new(Node)
        ctx.op = cls
        ctx.xp = device.xp
        ctx.device = device
        ctx.needs_input_grad = tuple(map(bool, edges))
        ctx.output_device = None        # forward sets it when the result lives elsewhere
        ctx._to_save = ctx._non_diff = ()
        try:
            out = cls.forward(ctx, *arrays, **kwargs) if kwargs else cls.forward(ctx, *arrays)
        except ValueError as exc:
            if "broadcast" in str(exc):
                _shape_mismatch(cls, args, exc)
            raise

        if track:
            ctx._edges = edges
            ctx._seq = next(_sequence)
            ctx._saved = ctx._out_data = ()
            ctx._n_outputs = 1
            ctx._hooked = None      # output index -> weak reference to an output tensor that
                                    # has hooks or retains its grad (see `_watch`)
            if cls._keeps_inputs:
                ctx._inputs = args
                ctx._versions = [a._vc[0] if isinstance(a, Tensor) else None for a in args]
            else:
                ctx._inputs = None
        out_device = ctx.output_device or device
        if type(out) is not tuple:
            raw = out
            if type(out) is not out_device.array_type:   # NumPy gives scalars for 0-d results
                out = out_device.xp.asarray(out)
            t = _wrap(out, out_device)
            if cls.is_view:
                _share_version(t, args[0])
            if track and out.dtype.kind == "f" and not ctx._non_diff:
                t._requires_grad = True
                t.grad_fn = ctx
                if cls._keeps_outputs:
                    ctx._out_data = [(out, t._vc, t._vc[0])]
                if ctx._to_save:
                    ctx._pack_saved(args, arrays, (t,), (raw,))
            return t
        array_type = out_device.array_type
        outs = tuple(_wrap(y if type(y) is array_type else out_device.xp.asarray(y), out_device)
                     for y in out)
        if cls.is_view:
            for t in outs:
                _share_version(t, args[0])
        if track:
            ctx._n_outputs = len(outs)
            ctx._link(outs)
            if ctx._to_save:
                ctx._pack_saved(args, arrays, outs, out)
        return outs

    def __init_subclass__(cls, **kwargs):
        """Decide once per class, from the names its backward's code uses, what a node keeps
        besides the values saved with save_for_backward: its outputs' arrays if backward reads
        `ctx.outputs`, its input tensors if it reads `ctx.inputs` (or hands ctx to
        backward_by_autograd). Otherwise an input or output nobody saved is freed as soon as
        nothing else uses it, not when backward has run."""
        super().__init_subclass__(**kwargs)
        if "__init__" in cls.__dict__ or "__new__" in cls.__dict__:
            raise TypeError(f"{cls.__name__}: a Function subclass must not define __init__ or "
                            f"__new__ (apply makes the node, ctx, itself); keep state on ctx in "
                            f"forward (ctx.value = ...), with forward and backward static methods")
        code = getattr(cls.backward, "__code__", None)
        names = code.co_names if code is not None else ("outputs", "inputs")
        cls._keeps_outputs = "outputs" in names
        cls._keeps_inputs = "inputs" in names or "backward_by_autograd" in names


class Node:
    """One node of the backward graph: what `tensor.grad_fn` is, and the `ctx` that the
    forward and backward of its Function get (`op` is that Function).

    Every node is of this one class, whatever its op: the engine and `apply` read the same few
    attributes of every node, and CPython finds an attribute fastest when it keeps meeting one
    type there (a node per Function class made those reads about a tenth of a small op's cost).
    """

    # what apply sets on every node lives in slots; what forward adds (ctx.dim = ...), in the
    # instance dict. The slots of a recorded node: _edges (see apply); _seq, its number in the
    # order nodes are made (see engine._run); _saved, the packed saved values (None once
    # backward has freed them); _inputs, the input tensors if backward reads ctx.inputs;
    # _out_data, per output (array, version counter, version), or None if not kept
    __slots__ = ("op", "xp", "device", "needs_input_grad", "output_device", "_to_save",
                 "_non_diff", "_edges", "_seq", "_saved", "_inputs", "_out_data", "_n_outputs",
                 "_hooked", "__dict__", "__weakref__")

    _materialize = True     # a default that a node sets on itself only when it differs

    # ---- the ctx interface used by forward and backward -------------------------------------

    def save_for_backward(self, *values):
        self._to_save = values

    def mark_non_differentiable(self, *arrays):
        self._non_diff = arrays

    def mark_dirty(self, *arrays):
        raise RuntimeError("mytorch Functions do not modify inputs in place; return a new array "
                           "and use the in-place tensor methods (add_, mul_, ...) instead")

    def set_materialize_grads(self, value):
        self._materialize = bool(value)

    @property
    def saved_tensors(self):
        """The saved values, in order: Tensors, or backend arrays in the backward of an
        `array_backward` Function run without create_graph (see `array_backward`)."""
        saved = self._saved
        if saved is None:
            self._check_not_freed()
        out = []
        if self.op.array_backward and not _state.enabled:
            for kind, payload, version in saved:
                if kind == "output":
                    array, vc, version = self._out_data[payload]
                    if vc[0] != version:
                        self._check_version(self._output(payload), version)
                    out.append(array)
                elif kind == "input":
                    if payload._vc[0] != version:
                        self._check_version(payload, version)
                    out.append(payload._data)
                else:
                    out.append(payload)
            return tuple(out)
        for kind, payload, version in saved:
            if kind == "input":
                if payload._vc[0] != version:
                    self._check_version(payload, version)
                out.append(payload)
            elif kind == "output":
                out.append(self._output(payload))
            elif kind == "array":
                out.append(_wrap(payload, self.device))
            else:
                out.append(payload)
        return tuple(out)

    @property
    def inputs(self):
        self._check_not_freed()
        if self._inputs is None:
            raise RuntimeError(f"{self.name()}: ctx.inputs is kept only for a Function whose "
                               "backward reads ctx.inputs itself; save the inputs in forward "
                               "with ctx.save_for_backward(...) instead")
        for a, e, version in zip(self._inputs, self._edges, self._versions):
            if e is not None:
                self._check_version(a, version)
        return self._inputs

    @property
    def outputs(self):
        self._check_not_freed()
        return tuple(self._output(i) for i in range(self._n_outputs))

    def _watch(self, t):
        """Remember output `t` (weakly), which has hooks or retains its grad: the engine runs
        them when the gradient of that output is complete."""
        if self._hooked is None:
            self._hooked = {}
        self._hooked[t._output_nr] = weakref.ref(t)

    def name(self):
        return self.op.__name__ + "Backward0"

    def __repr__(self):
        return f"<{self.name()} object at {id(self):#x}>"

    @property
    def next_functions(self):
        """The nodes this one sends gradients to, as in PyTorch: (node, output index); for a
        leaf (AccumulateGrad, 0), whose .variable is the leaf; (None, 0) for an input that
        needs no gradient."""
        inputs = self._inputs if self._inputs is not None else self._edges
        return tuple((None, 0) if e is None else
                     ((e[0], e[1]) if e[0] is not None else (AccumulateGrad(e[2]), 0))
                     for a, e in zip(inputs, self._edges)
                     if isinstance(a, Tensor) or a is e)

    def _link(self, outs):
        """Make this node the grad_fn of its differentiable outputs. The node holds no output
        tensor (each points back at the node); it keeps their arrays, so backward can rebuild
        them (see `_output`)."""
        non_diff = self._non_diff
        for i, t in enumerate(outs):
            if t._data.dtype.kind == "f" and not (non_diff and any(t._data is n for n in non_diff)):
                t._requires_grad = True
                t.grad_fn = self
                t._output_nr = i
        self._out_data = [(t._data, t._vc, t._vc[0]) for t in outs]

    def _pack_saved(self, args, arrays, outs, raw_outs):
        """Pack the values forward saved: each as (kind, payload, version), an input tensor,
        an output (by index; the node keeps that output's array), an array of forward's own
        (a mask, an intermediate: a constant for autograd), or a Python value."""
        saved = []
        for value in self._to_save:
            if value is None:
                saved.append(_CONSTANT_NONE)
                continue
            i = 0
            for data in arrays:              # (a counter, not zip: this runs for every op)
                if value is data:
                    a = args[i]
                    if a is not value:       # the array of input tensor a
                        saved.append(("input", a, a._vc[0]))
                        break
                i += 1
            else:
                saved.append(self._pack_other(value, outs, raw_outs))
        self._saved = saved
        self._to_save = ()              # the raw arrays: only the packed entries may hold them

    def _pack_other(self, value, outs, raw_outs):
        i = 0
        for t in outs:
            if value is t._data or value is raw_outs[i]:
                if not self._out_data:
                    self._out_data = [None] * len(outs)
                self._out_data[i] = (t._data, t._vc, t._vc[0])
                return ("output", i, None)
            i += 1
        if isinstance(value, Tensor):            # a tensor forward got as a keyword
            return ("input", value, value._vc[0])
        if isinstance(value, (int, float, bool)):   # (after the outputs: a 0-d result can be
            return ("constant", value, None)         # a NumPy scalar, a float subclass)
        if type(value) is not self.device.array_type:
            value = self.xp.asarray(value)       # a NumPy scalar from a 0-d computation
        return ("array", value, None)            # wrapped as a Tensor only if asked for one

    def _output(self, i):
        """Output i, rebuilt from the array and version counter the node keeps: a tensor in
        the same place in the graph as the original (which the node never holds: it points
        back at the node), so backward and double backward work after the user dropped it
        (PyTorch's SavedVariable does the same)."""
        kept = self._out_data[i] if self._out_data else None
        if kept is None:
            raise RuntimeError(f"{self.name()}: output {i} is not kept for backward; save it in "
                               "forward with ctx.save_for_backward(y) to use it in backward")
        array, vc, version = kept
        t = _wrap(array, self.device, True)
        t._vc = vc
        t.grad_fn = self
        t._output_nr = i
        if vc[0] != version:
            self._check_version(t, version)
        return t

    def _check_version(self, t, expected):
        if t._vc[0] != expected:
            raise RuntimeError(
                f"one of the variables needed for gradient computation has been modified by an "
                f"inplace operation: [{t.dtype} {list(t.shape)}], used by {self.name()}, is at "
                f"version {t._vc[0]}; expected version {expected} instead. Hint: replace the "
                f"in-place operation (add_, mul_, x[...] = ...) by its out-of-place form, or "
                f"clone() the tensor first.")

    def _check_not_freed(self):
        if self._saved is None:
            raise RuntimeError(
                "Trying to backward through the graph a second time (or directly access saved "
                "tensors after they have already been freed). Saved intermediate values of the "
                "graph are freed when you call .backward() or autograd.grad(). Specify "
                "retain_graph=True if you need to backward through the graph a second time or "
                "if you need to access saved tensors after calling backward.")


class AccumulateGrad:
    """What `next_functions` shows for a leaf that requires grad, as in PyTorch: the end of a
    path, where the engine adds the gradient into `.variable.grad`."""
    __slots__ = ("variable",)
    next_functions = ()

    def __init__(self, variable):
        self.variable = variable

    def name(self):
        return "torch::autograd::AccumulateGrad"       # PyTorch's name, which scripts test

    def __repr__(self):
        return f"<AccumulateGrad object at {id(self):#x}>"


def backward_by_autograd(ctx, definition, grads):
    """The input gradients of a fused op, computed by running its tensor-op `definition`
    again on the node's inputs and differentiating that with autograd. `definition(*inputs)`
    returns the op's outputs; grads are their cotangents (None: unused). A fused op whose
    fast backward works on arrays takes this path when a graph of the gradient is recorded
    (create_graph=True), so its higher derivatives stay exact."""
    from .engine import grad
    recording = _state.enabled
    needs = ctx.needs_input_grad
    prev = _state.enabled
    _state.enabled = True
    try:
        # one view per input position: autograd stops at it (not at the node that made the
        # input), and a tensor given twice gets each position's share separately
        inputs = [x.view(tuple(x.shape)) if need else x for x, need in zip(ctx.inputs, needs)]
        outputs = definition(*inputs)
    finally:
        _state.enabled = prev
    used = [(y, g) for y, g in zip(outputs, grads) if g is not None]
    wanted = [x for x, need in zip(inputs, needs) if need]
    found = iter(grad([y for y, _ in used], wanted, [g for _, g in used],
                      create_graph=recording, allow_unused=True))
    return tuple(next(found) if need else None for need in needs)


def _share_version(view, base):
    """`view` aliases `base`'s memory: one version counter for both, as in PyTorch."""
    view._vc = base._vc
    view._base = base._base if base._base is not None else base


def _shape_mismatch(cls, args, exc):
    """The array library refused to broadcast: say so in PyTorch's words, naming the shapes."""
    shapes = [tuple(a._data.shape) for a in args if isinstance(a, Tensor)]
    detail = ""
    if len(shapes) == 2:
        a, b = shapes
        for k in range(1, min(len(a), len(b)) + 1):
            if a[-k] != b[-k] and a[-k] != 1 and b[-k] != 1:
                detail = (f"The size of tensor a ({a[-k]}) must match the size of tensor b "
                          f"({b[-k]}) at non-singleton dimension {max(len(a), len(b)) - k}: ")
                break
    raise RuntimeError(f"{detail}shapes {' and '.join(str(list(s)) for s in shapes)} cannot be "
                       f"broadcast together (in {cls.__name__.lower()})") from exc


def _device_mismatch(cls, a, b):
    raise RuntimeError(f"expected all tensors to be on the same device, found {a} and {b} "
                       f"(in {cls.__name__.lower()})")
