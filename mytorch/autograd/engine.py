"""The backward engine: reverse-mode differentiation over the graph of `Function` nodes.

For a scalar loss L and a node y = f(x₁, ..., xₙ), the chain rule in vector-Jacobian form is

    ∂L/∂xᵢ = (∂L/∂y) · ∂y/∂xᵢ          computed by f.backward(ctx, ∂L/∂y)

A node may run only once every node that consumes its outputs has sent its gradient. Every
node is made after the nodes that made its inputs, so the engine runs the waiting node made
last first (a heap on the nodes' sequence numbers): a topological order, found without a walk
over the graph beforehand and without recursion. Gradients that meet at one tensor are summed.

On the way it undoes broadcasting (a gradient of a broadcast shape is summed down to the input's
shape: the one place this happens), casts gradients to their input's dtype, runs tensor hooks,
fills `.grad` of leaves and of tensors that called `retain_grad()`, and frees each node's saved
values unless `retain_graph=True`.

Without create_graph the gradients travel as backend arrays, not Tensors: nobody will
differentiate them, and wrapping each would cost more than a small op's arithmetic. Nodes whose
Function sets `array_backward` compute on them directly; the others get them wrapped.
"""
import sys
from heapq import heappop, heappush
from operator import attrgetter

from ..tensor import Tensor, _wrap
from .grad_mode import _state


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulate the gradients of `tensors` into `.grad` of the leaves (or only of `inputs`)."""
    tensors = _as_tuple(tensors)
    grads = _root_grads(tensors, grad_tensors)
    if retain_graph is None:
        retain_graph = create_graph
    only = _as_tuple(inputs) if inputs is not None else None
    if only is not None and not only:
        raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    _run(tensors, grads, retain_graph, create_graph, capture=only, accumulate=True)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         allow_unused=None, materialize_grads=False):
    """The gradients of `outputs` with respect to `inputs`, returned rather than accumulated."""
    outputs = _as_tuple(outputs)
    single = isinstance(inputs, Tensor)
    inputs = _as_tuple(inputs)
    for t in inputs:
        if not isinstance(t, Tensor):
            raise TypeError(f"grad(): inputs must be Tensors, got {type(t).__name__}")
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    grads = _root_grads(outputs, grad_outputs)
    if retain_graph is None:
        retain_graph = create_graph
    if allow_unused is None:
        allow_unused = materialize_grads
    found = _run(outputs, grads, retain_graph, create_graph, capture=inputs, accumulate=False)
    result = []
    for t, g in zip(inputs, found):
        if g is None:
            if not allow_unused:
                raise RuntimeError("One of the differentiated Tensors appears to not have been used "
                                   "in the graph. Set allow_unused=True if this is the desired "
                                   "behavior.")
            if materialize_grads:
                g = _wrap(t._device.xp.zeros_like(t._data), t._device)
        result.append(g)
    return tuple(result) if not single or len(result) != 1 else (result[0],)


def _as_tuple(x):
    if isinstance(x, Tensor):
        return (x,)
    return tuple(x)


def _root_grads(tensors, grad_tensors):
    if grad_tensors is None:
        grad_tensors = (None,) * len(tensors)
    grad_tensors = _as_tuple(grad_tensors) if not isinstance(grad_tensors, (list, tuple)) \
        else tuple(grad_tensors)
    if len(grad_tensors) != len(tensors):
        raise RuntimeError(f"grad_tensors has {len(grad_tensors)} elements but there are "
                           f"{len(tensors)} tensors to differentiate")
    out = []
    for i, (t, g) in enumerate(zip(tensors, grad_tensors)):
        if not t._requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have "
                               "a grad_fn")
        if g is None:
            if t._data.size != 1:
                raise RuntimeError(f"grad can be implicitly created only for scalar outputs "
                                   f"(got a tensor of shape {tuple(t.shape)})")
            data = t._data                 # (asarray: np.ones_like costs several µs)
            g = _wrap(t._device.xp.asarray(1, dtype=data.dtype).reshape(data.shape), t._device)
        elif not isinstance(g, Tensor):
            raise TypeError(f"gradient must be a Tensor, got {type(g).__name__}")
        elif tuple(g.shape) != tuple(t.shape):
            raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of "
                               f"{tuple(g.shape)} and output[{i}] has a shape of {tuple(t.shape)}.")
        out.append(g)
    return out


def _needed(roots, targets):
    """The nodes whose backward must run: those with some target (a node or a leaf tensor id)
    above them. A target node itself only receives its gradient; it runs only if another
    target lies above it (as in PyTorch, the graph beyond the inputs is left alone)."""
    seen = {fn for fn in roots if fn is not None}
    stack = list(seen)
    while stack:
        for e in stack.pop()._edges:
            if e is not None and e[0] is not None and e[0] not in seen:
                seen.add(e[0])
                stack.append(e[0])
    needed = set()
    for fn in sorted(seen, key=attrgetter("_seq")):   # after the nodes that made its inputs
        for e in fn._edges:
            if e is not None and (id(e[2]) in targets if e[0] is None else
                                  (e[0] in targets or e[0] in needed)):
                needed.add(fn)
                break
    return needed


def _run(roots, root_grads, retain_graph, create_graph, capture, accumulate):
    """Run the backward pass. With create_graph the gradients travel as Tensors and every step
    of it is recorded; without, they travel as backend arrays: a node whose class sets
    `array_backward` computes on them directly, any other node gets them wrapped as Tensors
    (and its results unwrapped), and only the gradients handed to the user become Tensors.

    The order: a node is made after the nodes that made its inputs, so its sequence number
    (`_seq`, given by Function.apply) is larger. Running the pending node with the largest
    number first therefore runs each node after every node that consumes its outputs, once
    its gradients are complete, with no count of the graph's edges beforehand."""
    arrays = not create_graph
    if arrays:
        root_grads = [g._data for g in root_grads]
    buffers = {}                 # node -> list of gradients, one per output (None: none yet)
    heap = []                    # (-node._seq, node) for the nodes that are waiting to run
    idle = set()                 # nodes on the heap that no gradient has reached (yet)
    leaves = {}                  # id(leaf) -> [leaf, gradient, whether the engine summed it]
    for t, g in zip(roots, root_grads):
        fn = t.grad_fn
        if fn is None:
            entry = leaves.get(id(t))
            leaves[id(t)] = [t, g, False] if entry is None else [t, entry[1] + g, True]
            continue
        buf = buffers.get(fn)
        if buf is None:
            buf = _new_buffer(buffers, heap, idle, fn)
        buf[t._output_nr] = g if buf[t._output_nr] is None else buf[t._output_nr] + g

    captured = {}
    needed = None
    if capture is not None:
        targets = {t.grad_fn if t.grad_fn is not None else id(t) for t in capture}
        needed = _needed([t.grad_fn for t in roots], targets)
        wanted = {(t.grad_fn, t._output_nr): t for t in capture if t.grad_fn is not None}

    prev_mode = _state.enabled
    _state.enabled = create_graph
    try:
        while heap:
            fn = heappop(heap)[1]
            gouts = buffers.pop(fn, None)        # None: scheduled, but no gradient came
            runs = needed is None or fn in needed
            if gouts is not None:
                if fn._hooked:
                    _output_hooks(fn, gouts, arrays, accumulate)
                if capture is not None:
                    _capture(fn, gouts, wanted, captured)
            if gouts is None or not runs:
                grads = (None,) * len(fn._edges)      # nothing to pass on
            else:
                if fn._n_outputs > 1 and fn._materialize:
                    _materialize(fn, gouts, arrays)
                op = fn.op
                if op.array_backward or not arrays:
                    grads = op.backward(fn, *gouts)
                else:
                    device = _out_device(fn)
                    grads = op.backward(fn, *[_as_tensor(g, device) for g in gouts])
            _send(fn, grads, buffers, heap, idle, leaves, arrays)
            # free what backward needed, only in the nodes it ran through: autograd.grad
            # leaves the graph beyond its inputs as it was, for a later backward
            if not retain_graph and runs:
                fn._saved = None     # frees what backward needed; None marks the node as freed
                fn._inputs = None
                fn._out_data = None
            gouts = grads = None     # let this node's gradients go before the next one runs

        for entry in leaves.values():
            leaf, g, summed = entry
            entry[1] = None          # from here only `g` holds the gradient (see _unshared)
            if leaf._hooks:
                hooked = _run_hooks(leaf._hooks, g, leaf._device, arrays)
                if hooked is not g:
                    g, summed = hooked, False
            if capture is not None:
                if id(leaf) in targets:
                    captured[id(leaf)] = _as_tensor(g, leaf._device)
                    if accumulate:
                        _accumulate(leaf, g, arrays)
            elif accumulate:
                if arrays and leaf._grad is None and (summed or _unshared(g)):
                    leaf._grad = _wrap(g, leaf._device)       # g itself, no one else has it
                else:
                    _accumulate(leaf, g, arrays)
    finally:
        _state.enabled = prev_mode
    if capture is not None:
        return [captured.get(id(t)) for t in capture]
    return None


def _out_device(fn):
    return fn.output_device or fn.device


def _as_tensor(g, device):
    """A gradient as a Tensor (it travels as an array when no graph is recorded)."""
    return g if g is None or isinstance(g, Tensor) else _wrap(g, device)


def _capture(fn, gouts, wanted, captured):
    """autograd.grad: keep the gradients of the wanted outputs of `fn`."""
    for i, g in enumerate(gouts):
        t = wanted.get((fn, i))
        if t is not None:
            captured[id(t)] = _as_tensor(g, _out_device(fn))


def _materialize(fn, gouts, arrays):
    """Zeros for the float outputs of a multi-output node that received no gradient."""
    for i, g in enumerate(gouts):
        if g is None and fn._out_data[i][0].dtype.kind == "f":
            zeros = fn.xp.zeros_like(fn._out_data[i][0])
            gouts[i] = zeros if arrays else _wrap(zeros, _out_device(fn))


def _send(fn, grads, buffers, heap, idle, leaves, arrays):
    """Route each input gradient, reduced to its input's shape and dtype, to where it goes: a
    leaf's sum, or the buffer of the node that made the input, which is then scheduled to run
    (with no gradient, when none comes, so that it is freed all the same). `grads` is what
    backward returned: one gradient (or None) per input."""
    edges = fn._edges
    if type(grads) is not tuple:
        grads = (grads,)
    if len(grads) != len(edges):
        raise RuntimeError(f"function {fn.name()} returned an incorrect number of gradients "
                           f"(expected {len(edges)}, got {len(grads)})")
    array_type = fn.device.array_type if arrays else None
    i = -1
    for e in edges:              # (a counter, not zip: this runs for every node)
        i += 1
        if e is None:
            continue
        parent, nr, leaf, shape, dtype = e
        g = grads[i]
        if g is None:
            # no gradient for this input: its node still runs (to be freed), unless it is
            # on the heap already; a node on the heap has a buffer or is in `idle`
            if parent is not None and parent not in buffers and parent not in idle:
                idle.add(parent)
                heappush(heap, (-parent._seq, parent))
            continue
        if type(g) is not array_type:
            g = _checked(fn, g, i, arrays)
        data = g if arrays else g._data
        if data.shape != shape:
            g = _reduce_to(g, shape, fn, i, arrays)
        if data.dtype is not dtype and data.dtype != dtype:
            g = g.astype(dtype) if arrays else g.to(dtype)
        if parent is None:
            entry = leaves.get(id(leaf))
            if entry is None:
                leaves[id(leaf)] = [leaf, g, False]
            elif entry[2] and arrays:
                entry[1] += g            # a sum the engine made: its own
            else:
                entry[1] = entry[1] + g
                entry[2] = True
            continue
        buf = buffers.get(parent)
        if buf is None:          # _new_buffer, inlined: the call cost 3% of a small op's time
            buf = buffers[parent] = [None] * parent._n_outputs
            if parent not in idle:
                heappush(heap, (-parent._seq, parent))
        buf[nr] = g if buf[nr] is None else buf[nr] + g


def _new_buffer(buffers, heap, idle, fn):
    """An empty gradient buffer for node `fn` (one slot per output), which goes on the heap
    unless it is there already, waiting in `idle` for a gradient."""
    buf = buffers[fn] = [None] * fn._n_outputs
    if fn not in idle:
        heappush(heap, (-fn._seq, fn))
    return buf


def _checked(fn, g, i, arrays):
    """A gradient a backward returned, as the engine carries it (an array without create_graph,
    else a Tensor)."""
    if isinstance(g, Tensor):
        return g._data if arrays else g
    if arrays and type(g) is fn.device.array_type:
        return g
    if arrays and hasattr(g, "dtype") and hasattr(g, "shape"):
        return fn.xp.asarray(g)          # NumPy gives scalars for 0-d results
    raise TypeError(f"function {fn.name()} returned a gradient of type {type(g).__name__} at "
                    f"index {i}; expected a Tensor or None")


def _reduce_to(g, shape, fn, i, arrays):
    """Undo broadcasting: sum `g` over the dimensions that broadcasting added or stretched."""
    from ..ops.shape import sum_to, sum_to_array
    gshape = g.shape if arrays else g._data.shape
    lead = len(gshape) - len(shape)
    if lead < 0 or any(s != 1 and s != gs for s, gs in zip(shape, gshape[lead:])):
        raise RuntimeError(f"Function {fn.name()} returned an invalid gradient at index {i} - got "
                           f"{list(gshape)} but expected shape compatible with {list(shape)}")
    if not arrays:
        return sum_to(g, shape)
    g = sum_to_array(g, shape)
    return g if type(g) is fn.device.array_type else fn.xp.asarray(g)   # NumPy's 0-d scalar


def _unshared(g):
    """Whether nobody but one variable of the caller holds gradient array `g`, and it is no
    view: then .grad may keep it instead of a copy, as PyTorch's AccumulateGrad steals a
    gradient whose use count is one. A root gradient the user gave, a hook's result, an array
    a node still saves (retain_graph), one handed to two leaves: each is held elsewhere, and
    copied."""
    return g.base is None and g.flags.writeable and sys.getrefcount(g) <= _ONE_HOLDER


def _refs_seen_by_unshared(g):
    return sys.getrefcount(g)            # the same call depth as in _unshared


def _refs_of_one_holder():
    """What _unshared counts for an array held by one variable of its caller (the count
    differs between Python versions, so it is measured rather than assumed)."""
    g = [object()].pop()
    return _refs_seen_by_unshared(g)


_ONE_HOLDER = _refs_of_one_holder()


def _output_hooks(fn, gouts, arrays, accumulate):
    """Hooks and retain_grad of the node's output tensors, once their gradient is complete."""
    for i, ref in fn._hooked.items():
        t = ref()
        if t is None or gouts[i] is None or t.grad_fn is not fn:
            continue
        if t._hooks:
            hooked = _run_hooks(t._hooks, gouts[i], t._device, arrays)
            if hooked is not gouts[i]:
                gouts[i] = hooked
        if t._retains_grad and accumulate:
            _accumulate(t, gouts[i], arrays)


def _run_hooks(hooks, g, device, arrays):
    """Run tensor hooks on gradient `g` (each gets a Tensor; one it returns replaces it);
    returns `g` itself when none replaced it."""
    t = _as_tensor(g, device)
    for hook in list(hooks.values()):
        out = hook(t)
        if out is not None:
            t = out
    if arrays:
        return g if t._data is g else t._data
    return t


def _accumulate(t, g, arrays):
    """`t.grad += g`. The first time, `t.grad` gets a tensor of its own: a copy of `g` (_run
    gives a leaf `g` itself when no one else holds it, see `_unshared`). After that, in
    place."""
    grad = t._grad                 # the slot itself: shape, dtype and device are right here
    if not arrays:
        t._grad = g if grad is None else grad + g
    elif grad is None:
        t._grad = _wrap(g.copy(), t._device)
    elif grad.grad_fn is not None:
        t._grad = grad + _wrap(g, t._device)
    else:
        grad._data += g


def zero_grads(tensors, set_to_none=True):
    """Forget the gradients of `tensors` (what Module.zero_grad and Optimizer.zero_grad do):
    `.grad = None`, or with set_to_none=False the same tensor detached and filled with zeros."""
    for t in tensors:
        grad = t._grad
        if grad is None:
            continue
        if set_to_none:
            t._grad = None
        else:
            if grad.grad_fn is not None:
                grad.detach_()
            else:
                grad.requires_grad_(False)
            grad.zero_()
