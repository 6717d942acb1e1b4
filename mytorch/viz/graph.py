"""The autograd graph as a picture: `draw_graph(loss, params=dict(model.named_parameters()))`.

A backward graph is made of nodes (`tensor.grad_fn`, a `Node`), each pointing at the nodes that
made its inputs (`fn.next_functions`: `(node, output_nr)`, `(AccumulateGrad, 0)` for a leaf,
whose `.variable` is the leaf tensor, or `(None, 0)` for an input that needs no gradient). `draw_graph` walks it from the given tensors and returns a
`graphviz.Digraph` that reads in the direction of the forward pass:

    # loss = (x @ w + b).tanh().sum(), x a constant (not drawn: it needs no gradient)
    w (4, 5) float32 ──► MatMul ──► Add ──► Tanh ──► Sum ──► output () float32
                b (5,) float32 ──┘

    box           colour            what
    operation     light grey        one node, named by its Function, without "Backward0" ("Mul")
    parameter     light blue        a leaf in `params` (or an nn.Parameter), with its name
    leaf          white             another leaf that requires grad ("tensor")
    output        light green       a tensor passed to draw_graph
    saved         orange, dashed    with show_saved=True: what a node kept for backward

`graph.source` is the DOT text and needs nothing else. Drawing it needs Graphviz's `dot`
program: `render(graph, "graph.svg")`, `graph.render(...)` and `graph.pipe(...)` raise a
RuntimeError that says how to install it when `dot` is missing. Node names are given in the
order of the walk (`t0`, `f1`, ...), not taken from memory addresses, so one graph gives one
DOT text on every run.
"""
import os
import shutil

from ..autograd.function import AccumulateGrad
from ..nn.parameter import Parameter
from ..tensor import Tensor

MISSING_DOT = ("Graphviz's `dot` program was not found; install it with `apt-get install "
               "graphviz` (Debian/Ubuntu), `brew install graphviz` (macOS) or from graphviz.org")

_STYLE = {
    "op": dict(fillcolor="lightgrey"),
    "param": dict(fillcolor="lightblue"),
    "leaf": dict(fillcolor="white"),
    "output": dict(fillcolor="darkolivegreen1"),
    "saved": dict(fillcolor="orange", fontsize="8"),
}


def draw_graph(*tensors, params=None, show_saved=False):
    """The autograd graph that produced `tensors`, as a `graphviz.Digraph`.

    params: a dict name -> tensor (e.g. `dict(model.named_parameters())`) naming the leaves;
    show_saved: also draw, for each node, the tensors and constants it saved for backward.
    """
    Digraph = _digraph_class()
    if not tensors:
        raise TypeError("draw_graph() needs at least one tensor (e.g. draw_graph(loss))")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"draw_graph() argument {i} must be a Tensor, got "
                            f"{type(t).__name__}")
    names = {id(t): name for name, t in (params or {}).items()}
    dot = Digraph("autograd", graph_attr=dict(ranksep="0.2"),
                  node_attr=dict(shape="box", style="filled", fontsize="10", height="0.2"))
    ids = {}          # id(node or tensor) -> its name in the DOT text (all stay alive: the
                      # graph holds them)

    def node(obj, kind, label):
        key = id(obj)
        if key not in ids:
            ids[key] = f"{'f' if kind == 'op' else 't'}{len(ids)}"
            dot.node(ids[key], label, **_STYLE[kind])
        return ids[key]

    def tensor_node(t, kind):
        name = names.get(id(t), "output" if kind == "output" else "tensor")
        if id(t) in names or isinstance(t, Parameter):
            kind = "param"
        return node(t, kind, f"{name}\\n{_describe(t.shape, t.dtype.name)}")

    stack = []
    for t in tensors:
        out = tensor_node(t, "output")
        fn = t.grad_fn
        if fn is not None:
            if id(fn) not in ids:
                stack.append(fn)
            dot.edge(node(fn, "op", _op_name(fn)), out)
    while stack:                       # iterative: a chain of 100,000 ops draws too
        fn = stack.pop()
        here = ids[id(fn)]
        for prev, slot in fn.next_functions:
            if prev is None:
                continue
            if isinstance(prev, AccumulateGrad):           # a leaf
                dot.edge(tensor_node(prev.variable, "leaf"), here)
                continue
            if id(prev) not in ids:
                stack.append(prev)
            dot.edge(node(prev, "op", _op_name(prev)), here)
        if show_saved:
            _draw_saved(dot, fn, here)
    return dot


def render(graph, path, format=None):
    """Draw `graph` (from draw_graph) into the file `path` with Graphviz's `dot` and return the
    path. format: 'svg', 'png', 'pdf', ...; by default the extension of `path`, else 'svg'."""
    if shutil.which(getattr(graph, "engine", "dot")) is None:
        raise RuntimeError(MISSING_DOT)
    path = os.fspath(path)
    if format is None:
        format = os.path.splitext(path)[1].lstrip(".").lower() or "svg"
    data = graph.pipe(format=format)
    with open(path, "wb") as f:
        f.write(data)
    return path


def _op_name(fn):
    name = fn.name()
    return name[:-len("Backward0")] if name.endswith("Backward0") else name


def _describe(shape, dtype_name):
    return f"{tuple(shape)} {dtype_name}"


def _draw_saved(dot, fn, here):
    """One small node per value `fn` saved for backward: an input or output tensor (by shape
    and dtype), or a constant (an array by shape and dtype, a number by value)."""
    saved = fn._saved
    if saved is None:
        entries = [("freed", "saved values freed by backward()")]
    else:
        entries = []
        for kind, payload, _ in saved:
            if kind == "input":
                what = _describe(payload.shape, payload.dtype.name)
            elif kind == "output":
                array = fn._out_data[payload][0]
                what = (f"{payload}" if array is None else
                        _describe(array.shape, array.dtype.name))
            elif hasattr(payload, "shape") and hasattr(payload, "dtype"):
                what = _describe(payload.shape, payload.dtype.name)
            else:
                what = repr(payload)
            entries.append((kind, f"saved {kind}\\n{what}"))
    for i, (_, label) in enumerate(entries):
        name = f"{here}s{i}"
        dot.node(name, label, **_STYLE["saved"])
        dot.edge(name, here, style="dashed", arrowhead="none")


def _digraph_class():
    """graphviz.Digraph, with rendering that names the missing `dot` program (imported here,
    not at `import mytorch`, so graphviz stays optional)."""
    try:
        from ._dot import Digraph
    except ImportError as exc:
        raise ImportError("mytorch.viz.draw_graph needs the graphviz Python package: "
                          "pip install graphviz (and, to render, Graphviz's `dot` program: "
                          "apt-get install graphviz or brew install graphviz)") from exc
    return Digraph
