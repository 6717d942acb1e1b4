"""Runs every row of the op table (see spec.py) through the same checks."""
import numpy as np
import pytest
from hypothesis import given, settings, HealthCheck, strategies as st
from hypothesis.extra import numpy as hnp

import mytorch as mt
from optable import ALL_SPECS, REQUIRED

BROADCASTING = [s for s in ALL_SPECS if s.broadcasts]
GRAD = [s for s in ALL_SPECS if s.grad]
GRADGRAD = [s for s in ALL_SPECS if s.grad and s.gradgrad]
REFERENCED = [s for s in ALL_SPECS if s.ref is not None]


def to_tensors(args, device, dtype=None, requires_grad=False):
    out = []
    for a in args:
        if isinstance(a, np.generic):
            a = np.asarray(a)
        if isinstance(a, np.ndarray):
            if a.dtype.kind == "f":
                t = mt.tensor(a, dtype=dtype or mt.float64, device=device)
                out.append(t.requires_grad_(requires_grad))
            else:
                out.append(mt.tensor(a, device=device))
        else:
            out.append(a)
    return out


def host(x):
    if isinstance(x, (tuple, list)):
        return [host(v) for v in x]
    return x.detach().cpu().numpy() if isinstance(x, mt.Tensor) else np.asarray(x)


def samples_of(spec, seed=0):
    return spec.samples(np.random.default_rng(seed))


@pytest.mark.parametrize("spec", REFERENCED, ids=str)
def test_forward_matches_numpy(spec, device):
    for sample in samples_of(spec):
        got = spec.fn(*to_tensors(sample.args, device), **sample.kwargs)
        want = spec.ref(*sample.args, **sample.kwargs)
        got, want = host(got), want
        if isinstance(want, (tuple, list)):
            for g, w in zip(got, want):
                np.testing.assert_allclose(g, w, atol=spec.atol, rtol=spec.rtol,
                                           err_msg=f"{spec.name} {sample}")
        else:
            np.testing.assert_allclose(got, want, atol=spec.atol, rtol=spec.rtol,
                                       err_msg=f"{spec.name} {sample}")
            assert np.shape(got) == np.shape(want), f"{spec.name} {sample}: shape"


@pytest.mark.parametrize("spec", [s for s in ALL_SPECS if s.float32_out], ids=str)
def test_float32_preserved(spec, device):
    for sample in samples_of(spec):
        tensors = to_tensors(sample.args, device, dtype=mt.float32, requires_grad=spec.grad)
        out = spec.output(spec.fn(*tensors, **sample.kwargs))
        outs = out if isinstance(out, (tuple, list)) else [out]
        for o in outs:
            if o.is_floating_point():
                assert o.dtype == mt.float32, f"{spec.name} {sample}: got {o.dtype}"
        if spec.grad:
            grads = [t for t in tensors if isinstance(t, mt.Tensor) and t.requires_grad]
            ys = [o for o in outs if o.requires_grad]
            gs = mt.autograd.grad(ys, grads, [mt.ones_like(o) for o in ys], allow_unused=True)
            for t, g in zip(grads, gs):
                if g is not None:
                    assert g.dtype == mt.float32 and g.shape == t.shape and g.device == t.device


@pytest.mark.parametrize("spec", GRAD, ids=str)
def test_gradcheck(spec, device):
    for sample in samples_of(spec):
        tensors = to_tensors(sample.args, device, requires_grad=True)
        assert mt.autograd.gradcheck(lambda *ts: spec.output(spec.fn(*ts, **sample.kwargs)),
                                     tensors), f"{spec.name} {sample}"


@pytest.mark.parametrize("spec", GRADGRAD, ids=str)
def test_gradgradcheck(spec, device):
    for sample in samples_of(spec)[:2]:
        tensors = to_tensors(sample.args, device, requires_grad=True)
        assert mt.autograd.gradgradcheck(lambda *ts: spec.output(spec.fn(*ts, **sample.kwargs)),
                                         tensors, atol=1e-4), f"{spec.name} {sample}"


@pytest.mark.parametrize("spec", BROADCASTING, ids=str)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3),
       seed=st.integers(0, 2 ** 16))
def test_broadcasting(spec, shapes, seed):
    """Binary ops on hypothesis-made broadcast shapes (size-1 and 0-d included): the forward
    matches NumPy and each gradient has its input's shape."""
    rng = np.random.default_rng(seed)
    lo, hi = spec.domain
    arrays = [rng.uniform(lo, hi, size=s) for s in shapes.input_shapes]
    a, b = to_tensors(arrays, "cpu", requires_grad=True)
    out = spec.fn(a, b)
    np.testing.assert_allclose(host(out), spec.ref(*arrays), atol=spec.atol, rtol=spec.rtol)
    assert tuple(out.shape) == shapes.result_shape
    ga, gb = mt.autograd.grad(out, (a, b), mt.ones_like(out), allow_unused=True,
                              materialize_grads=True)
    assert tuple(ga.shape) == tuple(a.shape) and tuple(gb.shape) == tuple(b.shape)


def test_every_op_has_a_row():
    """Every public op named in a rows module's REQUIRED set has a row in the table."""
    names = {s.name.split("[")[0] for s in ALL_SPECS}
    missing = REQUIRED - names
    assert not missing, f"ops without a row in the op table: {sorted(missing)}"
