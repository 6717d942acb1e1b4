"""mytorch.viz: the autograd graph as DOT (and rendered when Graphviz's `dot` exists), training
curves and image grids as PNG files."""
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

import mytorch as mt
from mytorch import nn
from mytorch.viz import draw_graph, image_grid, plot_curves, render

pytest.importorskip("graphviz")


def _small_graph():
    x = mt.randn(64, 32)
    w = mt.randn(32, 10, requires_grad=True)
    b = mt.zeros(10, requires_grad=True)
    y = (x @ w + b).tanh().sum()
    return y, w, b


def _node_line(source, label_start):
    lines = [ln for ln in source.splitlines() if f'label="{label_start}' in ln]
    assert lines, f"no node labelled {label_start!r} in\n{source}"
    return lines[0]


def test_dot_has_ops_names_shapes_and_marks_parameters():
    y, w, b = _small_graph()
    src = draw_graph(y, params={"weight": w, "bias": b}).source
    for op in ("MatMul", "Add", "Tanh", "Sum"):
        assert re.search(rf"label={op}\b", src), src
    assert "Backward0" not in src
    weight = _node_line(src, "weight")
    assert "(32, 10) float32" in weight and "lightblue" in weight
    bias = _node_line(src, "bias")
    assert "(10,) float32" in bias and "lightblue" in bias
    out = _node_line(src, "output")
    assert "() float32" in out and "lightblue" not in out
    assert "saved" not in src
    # edges run with the forward pass: parameter -> op -> ... -> output
    ids = {m.group(2): m.group(1) for m in re.finditer(r'(\w+) \[label="?(\w+)', src)}
    assert f"{ids['weight']} -> {ids['MatMul']}" in src
    assert f"{ids['Sum']} -> {ids['output']}" in src


def test_unnamed_leaves_parameters_and_model_names():
    model = nn.Linear(4, 3)
    x = mt.randn(2, 4, requires_grad=True)
    loss = model(x).pow(2).mean()
    src = draw_graph(loss).source
    assert src.count("lightblue") == 2                      # nn.Parameter is marked unnamed too
    assert "tensor\\n(2, 4) float32" in src                 # a plain leaf
    named = draw_graph(loss, params=dict(model.named_parameters())).source
    assert "weight\\n(3, 4) float32" in named and "bias\\n(3,) float32" in named


def test_show_saved_draws_saved_values():
    y, w, b = _small_graph()
    src = draw_graph(y, params={"w": w, "b": b}, show_saved=True).source
    saved = [ln for ln in src.splitlines() if 'label="saved' in ln]
    assert any("saved input\\n(64, 32) float32" in ln for ln in saved), src
    assert any("saved input\\n(32, 10) float32" in ln for ln in saved), src
    assert any("saved output\\n(64, 10) float32" in ln for ln in saved), src   # tanh keeps y
    assert all("orange" in ln for ln in saved)
    assert "style=dashed" in src
    y.backward()
    after = draw_graph(y, show_saved=True).source
    assert "freed by backward()" in after


def test_shared_inputs_several_outputs_and_stable_source():
    x = mt.randn(3, requires_grad=True)
    y = x * x
    z = y.exp()
    a = draw_graph(y, z, params={"x": x}).source
    assert a.count('label="x\\n') == 1                      # one node, two edges into Mul
    mul = re.search(r"(\w+) \[label=Mul", a).group(1)
    leaf = re.search(r'(\w+) \[label="x\\n', a).group(1)
    assert a.count(f"{leaf} -> {mul}") == 2
    assert a.count('label="output') == 2
    assert draw_graph(y, z, params={"x": x}).source == a     # names do not depend on id()


def test_leaf_and_no_grad_tensors():
    w = mt.randn(2, 2, requires_grad=True)
    src = draw_graph(w, params={"w": w}).source
    assert "w\\n(2, 2) float32" in src
    assert "float64" in draw_graph(mt.zeros(3, dtype=mt.float64)).source
    with pytest.raises(TypeError, match="Tensor"):
        draw_graph(np.zeros(3))
    with pytest.raises(TypeError, match="at least one"):
        draw_graph()


def test_long_chain_is_iterative():
    x = mt.randn(4, requires_grad=True)
    y = x
    for _ in range(2000):
        y = y * 1.001
    src = draw_graph(y.sum()).source
    assert src.count("label=Mul") == 2000


def test_render_svg_and_png(tmp_path):
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's `dot` program is not installed")
    y, w, b = _small_graph()
    g = draw_graph(y, params={"w": w, "b": b}, show_saved=True)
    svg = render(g, tmp_path / "graph.svg")
    text = open(svg).read()
    assert text.lstrip().startswith("<?xml") and "<svg" in text and "MatMul" in text
    png = render(g, tmp_path / "graph.png")
    assert open(png, "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    pdf = render(g, tmp_path / "graph.out", format="pdf")
    assert open(pdf, "rb").read(4) == b"%PDF"
    assert g.pipe(format="svg").startswith(b"<?xml")


def test_missing_dot_says_how_to_install(monkeypatch, tmp_path):
    y, w, b = _small_graph()
    g = draw_graph(y)
    monkeypatch.setattr(shutil, "which", lambda *a, **k: None)
    assert "MatMul" in g.source                               # DOT text needs no program
    for draw in (lambda: render(g, tmp_path / "g.svg"), lambda: g.pipe(format="svg"),
                 lambda: g.render(tmp_path / "g", format="svg")):
        with pytest.raises(RuntimeError, match="apt-get install graphviz") as info:
            draw()
        assert "brew install graphviz" in str(info.value) and "`dot`" in str(info.value)
    assert not (tmp_path / "g.svg").exists()


def test_missing_graphviz_package_is_named(monkeypatch):
    monkeypatch.setitem(sys.modules, "graphviz", None)
    monkeypatch.delitem(sys.modules, "mytorch.viz._dot", raising=False)
    with pytest.raises(ImportError, match="pip install graphviz"):
        draw_graph(_small_graph()[0])


def test_import_mytorch_loads_no_plotting_library():
    code = ("import sys, mytorch; "
            "print([m for m in ('matplotlib', 'graphviz') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


PNG = b"\x89PNG\r\n\x1a\n"


def test_plot_curves_writes_png(tmp_path):
    pytest.importorskip("matplotlib")
    history = {"train loss": [2.3, 1.1, 0.7, 0.5], "val loss": [mt.tensor(2.4), 1.3, 0.9]}
    fig = plot_curves(history, path=tmp_path / "loss.png", title="loss", ylabel="nll",
                      logy=True)
    assert open(tmp_path / "loss.png", "rb").read(8) == PNG
    ax, = fig.axes
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["train loss", "val loss"]
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "epoch" and ax.get_title() == "loss"
    assert list(ax.lines[0].get_xdata()) == [1, 2, 3, 4]
    assert plot_curves({"acc": [0.5, 0.9]}).axes[0].get_yscale() == "linear"
    with pytest.raises(ValueError, match="at least one series"):
        plot_curves({})


@pytest.mark.parametrize("shape", [(10, 8, 8), (10, 1, 8, 8), (10, 3, 8, 8)])
def test_image_grid_writes_png(tmp_path, shape):
    pytest.importorskip("matplotlib")
    images = mt.randn(*shape)                                 # outside [0, 1]: rescaled
    fig = image_grid(images, nrow=4, path=tmp_path / "grid.png",
                     titles=[str(i) for i in range(10)])
    assert open(tmp_path / "grid.png", "rb").read(8) == PNG
    assert len(fig.axes) == 12                                # 3 rows of 4, two left blank
    shown = [ax.images[0].get_array() for ax in fig.axes if ax.images]
    assert len(shown) == 10
    assert min(float(a.min()) for a in shown) == pytest.approx(0.0)
    assert max(float(a.max()) for a in shown) == pytest.approx(1.0)


def test_image_grid_keeps_unit_range_and_scales_uint8(tmp_path):
    pytest.importorskip("matplotlib")
    images = np.full((2, 4, 4), 0.25, dtype=np.float32)
    fig = image_grid(images, path=tmp_path / "g.png")
    assert len(fig.axes) == 2
    assert float(fig.axes[0].images[0].get_array().max()) == pytest.approx(0.25)
    fig = image_grid(np.full((1, 3, 4, 4), 255, dtype=np.uint8))
    assert float(fig.axes[0].images[0].get_array().max()) == pytest.approx(1.0)
    with pytest.raises(ValueError, match=r"\(N, H, W\) or \(N, C, H, W\)"):
        image_grid(np.zeros((4, 4)))
    with pytest.raises(ValueError, match="C = 1"):
        image_grid(np.zeros((2, 5, 4, 4)))
    with pytest.raises(ValueError, match="titles"):
        image_grid(images, titles=["one"])
