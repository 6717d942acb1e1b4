"""The backward engine and autograd's public surface: graphs, hooks, retain/create graph, grad
mode, memory, version counters, custom Functions and gradcheck."""
import gc
import tracemalloc
import weakref

import numpy as np
import pytest

import mytorch as mt
from mytorch.autograd import Function, GradcheckError, Node, gradcheck, gradgradcheck


def _t(values, device, dtype=mt.float64, requires_grad=True):
    return mt.tensor(values, dtype=dtype, device=device, requires_grad=requires_grad)


def _np(t):
    return t.detach().cpu().numpy()


# ---- graph shapes ------------------------------------------------------------------------------

def test_diamond_graph(device):
    # x feeds two paths that meet again: f = sum(2x · eˣ), df/dx = 2eˣ + 2x·eˣ
    x = _t([0.5, -1.0, 2.0], device)
    a = x * 2
    b = x.exp()
    (a * b).sum().backward()
    xv = np.array([0.5, -1.0, 2.0])
    np.testing.assert_allclose(_np(x.grad), 2 * np.exp(xv) + 2 * xv * np.exp(xv), rtol=1e-12)


def test_diamond_through_shared_intermediate(device):
    # h = x² used twice: f = sum(h·h + h) -> df/dx = (2h + 1)·2x
    x = _t([1.0, -2.0, 3.0], device)
    h = x * x
    (h * h + h).sum().backward()
    xv = np.array([1.0, -2.0, 3.0])
    np.testing.assert_allclose(_np(x.grad), (2 * xv ** 2 + 1) * 2 * xv, rtol=1e-12)


def test_reused_node_x_times_x(device):
    x = _t([1.0, -2.0, 3.0], device)
    (x * x).sum().backward()
    np.testing.assert_allclose(_np(x.grad), [2.0, -4.0, 6.0])


def test_grad_accumulates_over_two_backward_calls(device):
    x = _t([1.0, 2.0], device)
    (x * 2).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_allclose(_np(x.grad), [2 + 2 * 1.0, 2 + 2 * 2.0])


def test_broadcast_gradient_is_reduced_to_input_shape(device):
    x = _t([[1.0], [2.0]], device)                   # (2, 1)
    b = _t([10.0, 20.0, 30.0], device)               # (3,)
    (x * b).sum().backward()
    assert x.grad.shape == (2, 1) and b.grad.shape == (3,)
    np.testing.assert_allclose(_np(x.grad), [[60.0], [60.0]])
    np.testing.assert_allclose(_np(b.grad), [3.0, 3.0, 3.0])


def test_broadcast_gradient_of_a_0d_tensor_is_a_0d_array(device):
    x = _t(2.0, device)
    for _ in range(2):                     # the second backward accumulates in place
        (x * _t([1.0, 2.0, 3.0], device, requires_grad=False)).sum().backward()
    assert x.grad.shape == () and type(x.grad._data) is x.device.array_type
    assert x.grad.item() == 12.0


def test_long_chain_has_no_recursion_limit():
    x = mt.tensor([1.0, 2.0], requires_grad=True)
    y = x
    for _ in range(10_000):
        y = y + 1.0
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 1.0])


def test_long_chain_of_saving_ops():
    x = mt.tensor([0.5], dtype=mt.float64, requires_grad=True)
    y = x
    for _ in range(10_000):
        y = y * 1.0001
    y.backward(mt.ones(1, dtype=mt.float64))
    np.testing.assert_allclose(x.grad.numpy(), [1.0001 ** 10_000], rtol=1e-9)


# ---- hooks and retain_grad ----------------------------------------------------------------------

def test_tensor_hook_replaces_gradient_and_can_be_removed(device):
    x = _t([1.0, 2.0], device)
    y = x * 3
    seen = []
    handle = y.register_hook(lambda g: (seen.append(_np(g)), g * 10)[1])
    y.sum().backward()
    np.testing.assert_allclose(seen[0], [1.0, 1.0])
    np.testing.assert_allclose(_np(x.grad), [30.0, 30.0])

    handle.remove()
    x.grad = None
    y = x * 3
    y.sum().backward()
    np.testing.assert_allclose(_np(x.grad), [3.0, 3.0])


def test_removed_hook_on_same_tensor_stops_running(device):
    x = _t([1.0, 2.0], device)
    y = x * 3
    calls = []
    handle = y.register_hook(lambda g: calls.append(1))
    handle.remove()
    y.sum().backward()
    assert calls == []
    np.testing.assert_allclose(_np(x.grad), [3.0, 3.0])


def test_hook_on_leaf(device):
    x = _t([1.0, 2.0], device)
    h = x.register_hook(lambda g: g * 2)
    (x * x).sum().backward()
    np.testing.assert_allclose(_np(x.grad), [4.0, 8.0])
    h.remove()


def test_hook_returning_none_keeps_gradient(device):
    x = _t([1.0, 2.0], device)
    x.register_hook(lambda g: None)
    (x * 5).sum().backward()
    np.testing.assert_allclose(_np(x.grad), [5.0, 5.0])


def test_retain_grad_on_non_leaf(device):
    x = _t([1.0, 2.0], device)
    y = x * 2
    z = x * 2
    y.retain_grad()
    (y * y + z).sum().backward()
    assert y.retains_grad and not z.retains_grad
    np.testing.assert_allclose(_np(y.grad), [4.0, 8.0])     # 2y
    assert z.grad is None                                    # non-leaf without retain_grad
    np.testing.assert_allclose(_np(x.grad), [10.0, 18.0])   # 2·2y + 2


# ---- retain_graph / create_graph ----------------------------------------------------------------

def test_second_backward_needs_retain_graph(device):
    x = _t([1.0, 2.0], device)
    y = x.exp().sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(_np(x.grad), 2 * np.exp([1.0, 2.0]), rtol=1e-12)
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        y.backward()


def test_second_backward_without_retain_graph_raises(device):
    x = _t([1.0, 2.0], device)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        y.backward()


def test_hessian_vector_product_closed_form(device):
    # f = Σ x³: ∇f = 3x², H = diag(6x), H v = 6 x v
    xv = np.array([1.0, -2.0, 0.5])
    vv = np.array([0.3, 1.0, -2.0])
    x = _t(xv, device)
    v = _t(vv, device, requires_grad=False)
    g, = mt.autograd.grad((x ** 3).sum(), x, create_graph=True)
    assert g.requires_grad and g.grad_fn is not None
    np.testing.assert_allclose(_np(g), 3 * xv ** 2)
    hv, = mt.autograd.grad((g * v).sum(), x)
    np.testing.assert_allclose(_np(hv), 6 * xv * vv, rtol=1e-12)


def test_backward_create_graph_then_backward_of_grad(device):
    x = _t([1.0, 2.0], device)
    (x ** 3).sum().backward(create_graph=True)
    g = x.grad
    assert g.grad_fn is not None
    x.grad = None
    g.sum().backward()
    np.testing.assert_allclose(_np(x.grad), [6.0, 12.0])    # d/dx Σ 3x² = 6x


def test_grad_without_create_graph_is_constant(device):
    x = _t([1.0, 2.0], device)
    g, = mt.autograd.grad((x ** 3).sum(), x)
    assert not g.requires_grad and g.grad_fn is None
    assert x.grad is None                   # grad() returns, it does not accumulate


def test_grad_allow_unused(device):
    x = _t([1.0, 2.0], device)
    w = _t([3.0], device)
    out = (x * 2).sum()
    with pytest.raises(RuntimeError, match="appears to not have been used in the graph"):
        mt.autograd.grad(out, [x, w], retain_graph=True)
    gx, gw = mt.autograd.grad(out, [x, w], allow_unused=True, retain_graph=True)
    np.testing.assert_allclose(_np(gx), [2.0, 2.0])
    assert gw is None
    gx, gw = mt.autograd.grad(out, [x, w], materialize_grads=True)
    np.testing.assert_allclose(_np(gw), [0.0])


def test_non_scalar_output_needs_gradient(device):
    x = _t([1.0, 2.0], device)
    y = x * 2
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar "
                                           "outputs"):
        y.backward()
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar "
                                           "outputs"):
        mt.autograd.grad(y, x)
    y.backward(_t([1.0, -1.0], device, requires_grad=False))
    np.testing.assert_allclose(_np(x.grad), [2.0, -2.0])


def test_backward_gradient_of_wrong_shape_raises(device):
    x = _t([1.0, 2.0], device)
    with pytest.raises(RuntimeError, match="Mismatch in shape"):
        (x * 2).backward(_t([1.0, 2.0, 3.0], device, requires_grad=False))


# ---- grad mode --------------------------------------------------------------------------------

def _records():
    x = mt.ones(2, requires_grad=True)
    return (x * 2).requires_grad


def test_grad_mode_context_managers():
    assert _records()
    with mt.no_grad():
        assert not mt.is_grad_enabled() and not _records()
        with mt.enable_grad():
            assert _records()
        assert not _records()
    assert _records()
    with mt.set_grad_enabled(False):
        assert not _records()
        with mt.set_grad_enabled(True):
            assert _records()
        assert not _records()
    assert _records()
    with mt.inference_mode():
        assert not _records()
    with mt.inference_mode(False):
        assert _records()
    assert mt.is_grad_enabled()


def test_grad_mode_restored_after_exception():
    with pytest.raises(ValueError):
        with mt.no_grad():
            raise ValueError("boom")
    assert mt.is_grad_enabled()


def test_set_grad_enabled_as_a_function_call():
    mt.set_grad_enabled(False)
    try:
        assert not _records()
    finally:
        mt.set_grad_enabled(True)
    assert _records()


# decorators are made inside the tests: set_grad_enabled(False) acts when called, as in PyTorch
@pytest.mark.parametrize("make", [
    lambda: mt.no_grad, lambda: mt.no_grad(), lambda: mt.inference_mode,
    lambda: mt.inference_mode(), lambda: mt.set_grad_enabled(False),
], ids=["no_grad", "no_grad()", "inference_mode", "inference_mode()", "set_grad_enabled(False)"])
def test_grad_mode_decorators_disable(make):
    @make()
    def f(a, b=1):
        """doc"""
        return _records(), a + b

    assert mt.is_grad_enabled()          # decorating changes nothing outside the call
    assert f(1, b=2) == (False, 3)
    assert f.__doc__ == "doc" and f.__name__ == "f"
    assert mt.is_grad_enabled()


@pytest.mark.parametrize("make", [lambda: mt.enable_grad, lambda: mt.enable_grad(),
                                  lambda: mt.set_grad_enabled(True)],
                         ids=["enable_grad", "enable_grad()", "set_grad_enabled(True)"])
def test_grad_mode_decorators_enable(make):
    with mt.no_grad():
        @make()
        def f():
            return _records()

        assert not mt.is_grad_enabled()
        assert f()
        assert not mt.is_grad_enabled()


def test_requires_grad_of_results():
    x = mt.tensor([1.0, 3.0, 2.0], requires_grad=True)
    assert (x * 2).requires_grad and not (x * 2).is_leaf
    with mt.no_grad():
        y = x * 2
    assert not y.requires_grad and y.grad_fn is None and y.is_leaf
    assert not x.argmax().requires_grad and x.argmax().dtype == mt.int64
    assert not (x > 1).requires_grad
    values, indices = x.max(dim=0)
    assert values.requires_grad and not indices.requires_grad
    assert not (x.detach() * 2).requires_grad
    assert not (mt.ones(2) * mt.ones(2)).requires_grad


# ---- memory -----------------------------------------------------------------------------------

def test_graph_freed_without_garbage_collector():
    # no reference cycles: nodes and intermediates die by reference counting alone
    x = mt.randn(4, 4, requires_grad=True)
    gc.disable()
    try:
        refs = []
        for _ in range(20):
            h = (x @ x).tanh()
            loss = h.softmax(-1).sum()
            refs.append(weakref.ref(h.grad_fn))
            refs.append(weakref.ref(h))
            loss.backward()
            del h, loss
        assert all(r() is None for r in refs)
    finally:
        gc.enable()


def test_memory_flat_over_many_iterations():
    x = mt.randn(8, 8, requires_grad=True)
    w = mt.randn(8, 8, requires_grad=True)

    def step():
        loss = (x @ w).tanh().logsumexp(dim=1).mean()
        loss.backward()
        x.grad = None
        w.grad = None

    tracemalloc.start()
    try:
        # a first 1000 steps under tracing: NumPy keeps small caches (of shape and stride
        # arrays, ~20 kB) whose blocks only count once allocated while tracing is on, and
        # CPython's free lists hold a varying few kB more; both settle, so the bound is loose
        # (25 bytes a step) against what any leak costs (a tensor, a node or an array kept
        # per step is over 100 bytes a step)
        for _ in range(1000):
            step()
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(2000):
            step()
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert after - before < 50_000, f"memory grew by {after - before} bytes over 2000 steps"


def test_nodes_hold_outputs_weakly():
    x = mt.randn(3, requires_grad=True)
    y = x * 2
    node = y.grad_fn
    ref = weakref.ref(y)
    del y
    assert ref() is None                   # the node did not keep its output alive
    assert node is not None


def test_nodes_do_not_keep_inputs_they_did_not_save():
    x = mt.randn(3, requires_grad=True)
    v = x + 1                              # tanh saves its output, add saves nothing
    y = v.tanh()
    ref = weakref.ref(v)
    del v
    assert ref() is None                   # freed in forward, not after backward
    y.sum().backward()
    np.testing.assert_allclose(_np(x.grad), 1 - np.tanh(_np(x) + 1) ** 2, rtol=1e-6)


def _read_inputs(ctx):
    return ctx.inputs


def _read_outputs(ctx):
    return ctx.outputs


@pytest.mark.parametrize("read, match", [
    (_read_inputs, "ctx.inputs is kept only for a Function whose backward reads ctx.inputs"),
    (_read_outputs, "output 0 is not kept for backward; save it in forward with "
                    "ctx.save_for_backward"),
], ids=["inputs", "outputs"])
def test_ctx_inputs_and_outputs_need_backward_to_read_them(read, match):
    """A node keeps its inputs / outputs only if its backward's own code reads ctx.inputs /
    ctx.outputs; reading them behind a helper gets an error that says what to do instead."""
    class Helper(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return read(ctx)[0] * 0 + g * 2          # ctx.inputs / ctx.outputs behind a helper

    x = mt.randn(3, requires_grad=True)
    with pytest.raises(RuntimeError, match=match):
        Helper.apply(x).sum().backward()


class Square(Function):
    """y = x², with a backward in operators only, so the engine may run it on arrays."""
    array_backward = True
    seen = []

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        Square.seen.append((type(g), type(x)))
        return g * x * 2


def test_array_backward_gets_arrays_without_create_graph(device):
    x = _t([1.0, -2.0], device)
    Square.seen.clear()
    Square.apply(x).sum().backward()
    np.testing.assert_allclose(_np(x.grad), [2.0, -4.0])
    array_type = x.device.array_type
    assert Square.seen == [(array_type, array_type)]


def test_array_backward_gets_tensors_with_create_graph(device):
    x = _t([1.0, -2.0], device)
    Square.seen.clear()
    g, = mt.autograd.grad(Square.apply(x).sum(), x, create_graph=True)
    assert Square.seen == [(mt.Tensor, mt.Tensor)]
    g.sum().backward()                     # d²(x²)/dx² = 2
    np.testing.assert_allclose(_np(x.grad), [2.0, 2.0])
    assert gradcheck(Square.apply, (x,)) and gradgradcheck(Square.apply, (x,))


def test_array_backward_returning_a_number_is_refused(device):
    class Bad(Square):
        @staticmethod
        def backward(ctx, g):
            return 1.0

    with pytest.raises(TypeError, match="returned a gradient of type float at index 0; "
                                        "expected a Tensor or None"):
        Bad.apply(_t([1.0], device)).sum().backward()


# ---- version counters and in-place ops ----------------------------------------------------------

def test_inplace_on_saved_output_raises(device):
    x = _t([1.0, 2.0], device)
    y = x.exp()                            # exp saves its output for backward
    y.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_inplace_on_saved_input_raises(device):
    x = _t([1.0, 2.0], device)
    y = x * 1
    z = y * y                              # mul saves both inputs
    y.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()


def test_inplace_on_leaf_requiring_grad_raises(device):
    x = _t([1.0, 2.0], device)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an "
                                           "in-place operation"):
        x.add_(1)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        x[0] = 5.0
    with mt.no_grad():                     # what optimizers do
        x.add_(1)
    np.testing.assert_allclose(_np(x), [2.0, 3.0])
    assert x._version == 1


def test_inplace_on_non_leaf_not_saved_gives_right_gradient(device):
    x = _t([1.0, -2.0, 3.0], device)
    y = x * 2
    v0 = y._version
    y.add_(1)                               # MulBackward saved x, not y: allowed
    assert y._version == v0 + 1
    (y * y).sum().backward()
    xv = np.array([1.0, -2.0, 3.0])
    np.testing.assert_allclose(_np(x.grad), 2 * (2 * xv + 1) * 2)


def test_setitem_on_non_leaf_gradient(device):
    x = _t([1.0, 2.0, 3.0], device)
    y = x * 2
    y[0] = 5.0
    (y * y).sum().backward()
    np.testing.assert_allclose(_np(x.grad), [0.0, 16.0, 24.0])


def test_version_counter_bumps(device):
    t = mt.zeros(3, device=device)
    assert t._version == 0
    t.add_(1)
    t.mul_(2)
    t[0] = 3.0
    t.zero_()
    assert t._version == 4


# ---- custom Functions and gradcheck ----------------------------------------------------------

class Cube(Function):
    """y = x³, ∂y/∂x = 3x² (backward in tensor ops, so it is twice differentiable)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.power(x, 3)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * 3 * x * x


class MulAdd(Function):
    """y = a·b + c; records which grads were asked for."""

    @staticmethod
    def forward(ctx, a, b, c):
        ctx.save_for_backward(a, b)
        return a * b + c

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need_a, need_b, need_c = ctx.needs_input_grad
        MulAdd.asked.append(ctx.needs_input_grad)
        return (g * b if need_a else None), (g * a if need_b else None), (g if need_c else None)

    asked = []


class Softmax(Function):
    """A correct softmax over the last axis: ∂L/∂x = y ⊙ (g − Σ g ⊙ y)."""

    @staticmethod
    def forward(ctx, x):
        xp = ctx.xp
        e = xp.exp(x - xp.max(x, axis=-1, keepdims=True))
        y = e / xp.sum(e, axis=-1, keepdims=True)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return y * (g - (g * y).sum(-1, keepdim=True))


class Exp(Function):
    """DESIGN.md's example: backward reads the output through ctx.outputs."""

    @staticmethod
    def forward(ctx, x):
        return ctx.xp.exp(x)

    @staticmethod
    def backward(ctx, gy):
        y, = ctx.outputs
        return gy * y


class ZeroGradSoftmax(Softmax):
    """Wrong: passes a check against out.sum() (rows of the Jacobian sum to 0), not a random one."""

    @staticmethod
    def backward(ctx, g):
        return g * 0


def test_custom_function_forward_backward(device):
    x = _t([1.0, -2.0], device)
    y = Cube.apply(x)
    assert y.grad_fn.name() == "CubeBackward0"
    assert repr(y).endswith("grad_fn=<CubeBackward0>)")
    y.sum().backward()
    np.testing.assert_allclose(_np(x.grad), [3.0, 12.0])


def test_custom_function_reading_ctx_outputs(device):
    """ctx.outputs works even when nothing holds the output tensor any more (the node keeps
    the array), for first and second derivatives."""
    x = _t([0.5, -1.0], device)
    Exp.apply(x).sum().backward()           # the output tensor is gone before Exp's backward
    np.testing.assert_allclose(_np(x.grad), np.exp([0.5, -1.0]), rtol=1e-12)
    assert gradcheck(Exp.apply, (x,))
    assert gradgradcheck(Exp.apply, (x,))


def test_custom_function_gradcheck_and_gradgradcheck(device):
    x = mt.randn(3, 4, dtype=mt.float64, device=device, requires_grad=True)
    assert gradcheck(Cube.apply, (x,))
    assert gradgradcheck(Cube.apply, (x,))
    assert gradcheck(Softmax.apply, (x,))
    assert gradgradcheck(Softmax.apply, (x,))


def test_needs_input_grad_skips_unneeded(device):
    a = _t([1.0, 2.0], device)
    b = _t([3.0, 4.0], device, requires_grad=False)
    c = _t([5.0, 6.0], device)
    MulAdd.asked.clear()
    MulAdd.apply(a, b, c).sum().backward()
    assert MulAdd.asked == [(True, False, True)]
    np.testing.assert_allclose(_np(a.grad), [3.0, 4.0])
    np.testing.assert_allclose(_np(c.grad), [1.0, 1.0])
    assert b.grad is None
    a2 = _t([1.0, 2.0], device)
    assert gradcheck(MulAdd.apply, (a2, b, c))
    assert gradgradcheck(MulAdd.apply, (a2, b, c))


def test_gradcheck_catches_wrong_backward(device):
    x = mt.randn(3, 4, dtype=mt.float64, device=device, requires_grad=True)
    # Σ softmax(x) is constant, so a check against out.sum() could not tell
    assert ZeroGradSoftmax.apply(x).sum().item() == pytest.approx(3.0)
    assert not gradcheck(ZeroGradSoftmax.apply, (x,), raise_exception=False)
    with pytest.raises(GradcheckError, match="Jacobian mismatch"):
        gradcheck(ZeroGradSoftmax.apply, (x,))


def test_gradgradcheck_catches_non_differentiable_backward(device):
    class DetachedCube(Cube):
        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return g * 3 * x.detach() * x.detach()       # first derivative right, second lost

    x = mt.randn(4, dtype=mt.float64, device=device, requires_grad=True)
    assert gradcheck(DetachedCube.apply, (x,))
    assert not gradgradcheck(DetachedCube.apply, (x,), raise_exception=False)


def test_gradcheck_of_composed_ops(device):
    x = mt.randn(3, 4, dtype=mt.float64, device=device, requires_grad=True)
    w = mt.randn(4, 2, dtype=mt.float64, device=device, requires_grad=True)

    def f(x, w):
        return (x @ w).tanh().logsumexp(dim=1)

    assert gradcheck(f, (x, w))
    assert gradgradcheck(f, (x, w))


def test_issue_example_double_backward_float32():
    rg = mt.Generator().manual_seed(0)
    x = mt.randn(8, 4, generator=rg)
    w = mt.randn(4, 3, generator=rg, requires_grad=True)
    loss = (x @ w).tanh().logsumexp(dim=1).mean()
    loss.backward(retain_graph=True)
    g, = mt.autograd.grad(loss, w, create_graph=True)
    (g ** 2).sum().backward()
    assert loss.dtype == mt.float32 and g.dtype == mt.float32 and w.grad.dtype == mt.float32

    # w.grad = ∇L + ∇‖∇L‖², checked by central differences in float64
    x64 = x.double()

    def loss64(wv):
        wt = mt.tensor(wv, dtype=mt.float64, requires_grad=True)
        return (x64 @ wt).tanh().logsumexp(dim=1).mean(), wt

    def grad_sq(wv):
        l, wt = loss64(wv)
        gw, = mt.autograd.grad(l, wt)
        return float((gw ** 2).sum().item()), gw.numpy()

    w0 = w.detach().double().numpy()
    eps = 1e-6
    numeric = np.zeros_like(w0)
    for idx in np.ndindex(*w0.shape):
        wp, wm = w0.copy(), w0.copy()
        wp[idx] += eps
        wm[idx] -= eps
        numeric[idx] = (grad_sq(wp)[0] - grad_sq(wm)[0]) / (2 * eps)
    expected = grad_sq(w0)[1] + numeric
    np.testing.assert_allclose(w.grad.numpy(), expected, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(g.detach().numpy(), grad_sq(w0)[1], rtol=1e-5, atol=1e-7)


def test_leaf_gradient_never_aliases_a_gradient_someone_else_holds():
    """.grad is the leaf's own array unless backward just made it: a user's root gradient, a
    gradient passed through unchanged (add) or shared by two inputs must be copied, since
    .grad is accumulated in place later."""
    x = mt.randn(3, requires_grad=True)
    y = mt.randn(3, requires_grad=True)
    g = mt.ones(3)
    x.backward(g)                          # the root gradient is the user's tensor
    (x + 0).backward(g)                    # passed through Add unchanged
    g.add_(100)
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.ones(3))
    (x + y).sum().backward()               # one gradient handed to two leaves
    assert x.grad._data is not y.grad._data
    before = y.grad.numpy().copy()
    (x * 3).sum().backward()
    np.testing.assert_allclose(y.grad.numpy(), before)
    h = mt.full((3,), 7.0)
    z = mt.randn(3, requires_grad=True)
    z.register_hook(lambda grad: h)        # a hook's result is the user's tensor too
    (z * 2).sum().backward()
    (z * 2).sum().backward()
    np.testing.assert_allclose(h.numpy(), np.full(3, 7.0))
    np.testing.assert_allclose(z.grad.numpy(), np.full(3, 14.0))


def _double_recording(record):
    """y = 2x, whose backward hands its fresh gradient array (a Tensor) to `record` first."""

    class Double(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            out = g * 2
            record(out)
            return out

    return Double


def test_leaf_keeps_a_gradient_that_backward_just_made():
    """No copy when the gradient is a fresh array from the op's backward that nobody else
    holds (the test watches it through a weak reference, which does not count)."""
    made = []
    Double = _double_recording(lambda out: made.append(weakref.ref(out._data)))
    w = mt.randn(4, requires_grad=True)
    Double.apply(w).sum().backward()
    assert w.grad._data is made[0]()
    np.testing.assert_allclose(w.grad.numpy(), np.full(4, 2.0))


def test_leaf_copies_a_fresh_gradient_that_someone_else_holds():
    """A fresh gradient array that the backward also stored away is copied into .grad, so
    accumulating in place later cannot change what the other holder sees."""
    kept = []
    Double = _double_recording(kept.append)
    w = mt.randn(4, requires_grad=True)
    Double.apply(w).sum().backward()
    assert w.grad._data is not kept[0]._data
    Double.apply(w).sum().backward()
    np.testing.assert_allclose(kept[0].numpy(), np.full(4, 2.0))
    np.testing.assert_allclose(w.grad.numpy(), np.full(4, 4.0))


def test_gradient_passed_through_add_becomes_grad_without_a_copy():
    """b in tanh(x·w + b): Add hands its incoming gradient to b unchanged; nobody else holds it
    once backward is over, so b.grad keeps that array (and is right)."""
    x, w, b = (mt.randn(5, requires_grad=True) for _ in range(3))
    seen = []
    y = x * w + b
    y.register_hook(lambda g: seen.append(weakref.ref(g._data)) or None)
    y.tanh().sum().backward()
    assert b.grad._data is seen[0]()
    t = np.tanh(x.detach().numpy() * w.detach().numpy() + b.detach().numpy())
    np.testing.assert_allclose(b.grad.numpy(), 1 - t * t, rtol=1e-6)


@pytest.mark.parametrize("create_graph", [False, True])
def test_a_tensor_given_as_keyword_and_saved_comes_back_as_that_tensor(create_graph):
    """forward gets keyword arguments unchanged; a Tensor among them that it saves is an
    input for backward: the same tensor, checked against in-place changes."""

    class Scale(Function):
        @staticmethod
        def forward(ctx, x, *, by):
            ctx.save_for_backward(by)
            return x * by._data

        @staticmethod
        def backward(ctx, g):
            by, = ctx.saved_tensors
            assert by is s
            return g * by

    s = mt.tensor([2.0, 3.0])
    x = mt.ones(2, requires_grad=True)
    gx, = mt.autograd.grad(Scale.apply(x, by=s).sum(), x, create_graph=create_graph)
    np.testing.assert_allclose(gx.detach().numpy(), [2.0, 3.0])
    y = Scale.apply(x, by=s)
    s.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_a_custom_backward_returning_its_saved_input_is_copied():
    """A gradient that is one of the node's own tensors is the user's data: .grad copies it."""

    class ReturnsInput(Function):
        @staticmethod
        def forward(ctx, x, c):
            ctx.save_for_backward(c)
            return x * 1

        @staticmethod
        def backward(ctx, g):
            c, = ctx.saved_tensors
            return c, None

    x = mt.randn(3, requires_grad=True)
    c = mt.ones(3)
    ReturnsInput.apply(x, c).sum().backward()
    ReturnsInput.apply(x, c).sum().backward()    # accumulates into x.grad in place
    np.testing.assert_allclose(c.numpy(), np.ones(3))
    np.testing.assert_allclose(x.grad.numpy(), np.full(3, 2.0))


def test_backward_frees_saved_arrays_even_while_the_graph_is_alive():
    """After backward (without retain_graph) no node still holds the arrays it saved, so a
    loss kept around for printing does not pin the step's memory."""
    x = mt.randn(256, 256, requires_grad=True)
    loss = (x.tanh() * x).exp().sum()
    loss.backward()
    stack, seen, held = [loss.grad_fn], set(), []
    while stack:
        fn = stack.pop()
        if fn is None or id(fn) in seen:
            continue
        seen.add(id(fn))
        for value in vars(fn).values():
            for item in (value if isinstance(value, (list, tuple)) else [value]):
                data = item._data if isinstance(item, mt.Tensor) else item
                if isinstance(data, np.ndarray) and data.size > 1000 and item is not x:
                    held.append((fn.name(), type(item).__name__))
        stack.extend(e[0] for e in fn._edges if e is not None)
    assert held == []


def test_two_roots_made_by_one_node():
    """Both outputs of one node as roots: the node's edges count once, so the nodes above it
    still run (this once lost every gradient upstream)."""
    x = mt.randn(3, dtype=mt.float64, requires_grad=True)
    a, b = (x * 2).split(2)
    mt.autograd.backward([a, b], [mt.ones(2, dtype=mt.float64), 3 * mt.ones(1, dtype=mt.float64)])
    assert x.grad.tolist() == [2.0, 2.0, 6.0]
    a, b = (x * 2).split(2)
    ga, = mt.autograd.grad([a, b], [x], [mt.ones(2, dtype=mt.float64),
                                         mt.ones(1, dtype=mt.float64)])
    assert ga.tolist() == [2.0, 2.0, 2.0]


def test_grad_leaves_the_graph_below_its_inputs_intact():
    """autograd.grad(z, y) frees only what it ran through: y's own graph (x -> y) can still be
    differentiated afterwards, as in PyTorch."""
    x = mt.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    z = (y * y).sum()
    gy, = mt.autograd.grad(z, y)
    assert mt.allclose(gy, 2 * y.detach())
    y.sum().backward()
    assert mt.allclose(x.grad, x.detach().exp())



def test_split_pieces_are_views_and_unused_pieces_get_zero_gradient(device):
    x = _t([[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]], device)
    a, b, c = x.split(2, dim=1)
    assert a.grad_fn.name() == "SplitBackward0" and a.grad_fn is c.grad_fn
    assert all(p._vc is x._vc and p._base is x for p in (a, b, c))
    (a * 2 + c).sum().backward()                  # b unused: its slice of the gradient is 0
    np.testing.assert_allclose(_np(x.grad), [[2.0, 2.0, 0.0, 0.0, 1.0, 1.0]])


def test_a_node_that_gets_no_gradient_is_still_freed():
    """A backward that returns None for an input that requires grad: the node below gets no
    gradient, does not run, and is freed like the rest (a second backward through it raises)."""

    class Blocks(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            return None

    x = mt.randn(3, requires_grad=True)
    y = x.exp()
    Blocks.apply(y).sum().backward()
    assert x.grad is None
    with pytest.raises(RuntimeError, match="second time"):
        y.sum().backward()


def test_nodes_run_after_every_consumer_in_a_graph_built_out_of_order():
    """The engine runs the node made last first: a graph whose branches are built interleaved
    and joined late still sums every path before a node runs."""
    x = mt.tensor([0.5, -1.0, 2.0], dtype=mt.float64, requires_grad=True)
    a = x * 2                      # da/dx = 2
    b = x.exp()
    c = a * b                      # uses a and b
    d = a + 1                      # a again, after c
    e = (b * d).tanh() + c         # b again, after both
    e.sum().backward()
    xv = x.detach().numpy()
    av, bv = 2 * xv, np.exp(xv)
    t = np.tanh(bv * (av + 1))
    expected = (1 - t * t) * (bv * (av + 1) + bv * 2) + 2 * bv + av * bv
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-12)


def test_next_functions_show_leaves_as_accumulate_grad_as_pytorch():
    x = mt.ones(3, requires_grad=True)
    c = mt.ones(3)
    u = x * c
    y = u.exp()
    assert y.grad_fn.next_functions == ((u.grad_fn, 0),)
    (leaf, slot), (none, zero) = u.grad_fn.next_functions
    assert leaf.variable is x and slot == 0 and (none, zero) == (None, 0)
    assert leaf.name() == "torch::autograd::AccumulateGrad" and leaf.next_functions == ()
    assert repr(leaf).startswith("<AccumulateGrad object at 0x")


def test_every_node_is_a_node_whose_op_is_its_function():
    class Twice(Function):
        scale = 2.0

        @staticmethod
        def forward(ctx, x):
            assert ctx.op is Twice
            return x * ctx.op.scale

        @staticmethod
        def backward(ctx, g):
            return g * ctx.op.scale

    x = mt.ones(3, requires_grad=True)
    y = Twice.apply(x * 3)
    assert type(y.grad_fn) is Node and isinstance(y.grad_fn.next_functions[0][0], Node)
    assert y.grad_fn.op is Twice and y.grad_fn.name() == "TwiceBackward0"
    assert y.grad_fn.next_functions[0][0].name() == "MulBackward0"
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [6.0, 6.0, 6.0])
