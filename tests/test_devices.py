"""Devices: device objects, one device per op, moves between devices with their gradient, the
cuda error without a GPU, the strict device's refusals, and the backend's erf."""
import math

import numpy as np
import pytest

import mytorch as mt


def test_device_objects():
    cpu = mt.device("cpu")
    assert cpu == "cpu" and cpu == mt.device("cpu") and cpu is mt.device(cpu)
    assert cpu.type == "cpu" and cpu.index is None
    assert repr(cpu) == "device(type='cpu')" and str(cpu) == "cpu"
    cuda = mt.device("cuda")
    assert cuda.type == "cuda" and cuda.index == 0
    assert cuda == "cuda:0" and cuda == mt.device("cuda", 0) and cuda != "cpu"
    assert repr(cuda) == "device(type='cuda', index=0)" and str(cuda) == "cuda:0"
    assert mt.device("cuda:1").index == 1 and mt.device("cuda:1") != cuda
    assert len({mt.device("cpu"), mt.device("cpu"), mt.device("cuda:0"), mt.device("cuda")}) == 2
    assert mt.device("strict").index == 0 and str(mt.device("strict")) == "strict:0"
    assert mt.zeros(1).device == "cpu" and mt.zeros(1).device == mt.device("cpu")


def test_tensor_device_attribute(device):
    t = mt.ones(2, device=device)
    assert t.device == device and t.device == mt.device(device)
    assert t.is_cuda == (mt.device(device).type == "cuda")


@pytest.mark.parametrize("op, name", [
    (lambda a, b: a + b, "add"),
    (lambda a, b: a * b, "mul"),
    (lambda a, b: a @ b, "matmul"),
    (lambda a, b: a.add_(b), "add_"),
])
def test_mixing_devices_raises(op, name):
    a = mt.ones(2, 2)
    b = mt.ones(2, 2, device="strict")
    msg = rf"expected all tensors to be on the same device, found cpu and strict:0 \(in {name}\)"
    with pytest.raises(RuntimeError, match=msg):
        op(a, b)


def test_mixing_devices_reports_both_orders():
    with pytest.raises(RuntimeError, match=r"found strict:0 and cpu \(in sub\)"):
        mt.ones(2, device="strict") - mt.ones(2)


def test_round_trip_and_gradient_across_move():
    x = mt.tensor([1.0, -2.0, 3.0], requires_grad=True)
    s = x.to("strict")
    assert s.device == "strict" and s.grad_fn is not None and s.requires_grad
    back = s.to("cpu")
    assert back.device == "cpu" and back.tolist() == [1.0, -2.0, 3.0]
    (s * s).sum().backward()                 # computed on the strict device
    assert x.grad.device == "cpu"
    assert x.grad.tolist() == [2.0, -4.0, 6.0]


def test_move_of_non_float_and_to_with_dtype():
    i = mt.tensor([1, 2]).to("strict")
    assert i.device == "strict" and i.dtype == mt.int64 and not i.requires_grad
    f = mt.tensor([1, 2]).to("strict", mt.float64)
    assert f.device == "strict" and f.dtype == mt.float64 and f.cpu().tolist() == [1.0, 2.0]


def test_factories_on_device(device):
    for t in (mt.zeros(2, device=device), mt.arange(3, device=device),
              mt.randn(2, device=device), mt.tensor([1.0], device=device),
              mt.eye(2, device=device), mt.randperm(3, device=device)):
        assert t.device == device


@pytest.mark.skipif(mt.cuda.is_available(), reason="a GPU is present")
def test_cuda_without_cupy_or_gpu_says_how_to_fix():
    msg = r"CUDA is not available: CuPy (is not installed|is installed but sees no GPU)"
    with pytest.raises(RuntimeError, match=msg) as info:
        mt.zeros(2, device="cuda")
    assert "pip install cupy" in str(info.value) or "driver" in str(info.value)
    with pytest.raises(RuntimeError, match=msg):
        mt.zeros(2).cuda()
    with pytest.raises(RuntimeError, match=msg):
        mt.zeros(2).to("cuda:0")
    assert mt.cuda.device_count() == 0


def test_strict_device_refuses_implicit_numpy():
    t = mt.tensor([1.0, 2.0], device="strict")
    with pytest.raises(TypeError, match="Implicit conversion to a NumPy array is not allowed"):
        np.asarray(t._data)
    with pytest.raises(TypeError):
        np.exp(t._data)
    with pytest.raises(TypeError):
        t._data + np.ones(2)
    with pytest.raises(TypeError, match=r"can't convert strict:0 device type tensor to numpy"):
        t.numpy()
    with pytest.raises(TypeError, match=r"Use Tensor.cpu\(\)"):
        np.asarray(t)
    assert t.cpu().numpy().tolist() == [1.0, 2.0]
    assert t.tolist() == [1.0, 2.0] and t.sum().item() == 3.0


def _erf_grid():
    dense = np.linspace(-7.0, 7.0, 28_001)
    tiny = np.geomspace(1e-300, 1e-2, 200)
    edges = np.array([0.46875, np.nextafter(0.46875, 1), 4.0, np.nextafter(4.0, 5), 5.9, 26.5,
                      30.0, 1e10, 1e300])
    return np.concatenate([dense, tiny, -tiny, edges, -edges, [0.0]])


def test_erf_accuracy(device):
    xs = _erf_grid()
    got = mt.erf(mt.tensor(xs, dtype=mt.float64, device=device)).cpu().numpy()
    ref = np.array([math.erf(v) for v in xs])
    rel = np.abs(got - ref) / np.maximum(np.abs(ref), np.finfo(np.float64).tiny)
    assert rel.max() < 1e-15, f"max relative error {rel.max():.3g} at x={xs[rel.argmax()]}"


def test_erf_float32_within_a_few_ulps(device):
    """float32 inputs take the float32 path (two ranges, float32 arithmetic)."""
    xs = np.concatenate([np.linspace(-6, 6, 240_001), np.geomspace(1e-30, 1e-2, 100)])
    xs = np.concatenate([xs, -xs]).astype(np.float32)
    got = mt.erf(mt.tensor(xs, device=device)).cpu().numpy().astype(np.float64)
    ref = np.array([math.erf(float(v)) for v in xs])
    ulps = np.abs(got - ref) / np.spacing(np.abs(ref).astype(np.float32)).astype(np.float64)
    assert ulps.max() <= 8, f"max error {ulps.max():.3g} ulp at x={xs[ulps.argmax()]}"


def test_erf_keeps_float32_and_special_values(device):
    xs = np.linspace(-4, 4, 1001).astype(np.float32)
    y = mt.erf(mt.tensor(xs, device=device))
    assert y.dtype == mt.float32
    ref = np.array([math.erf(float(v)) for v in xs], dtype=np.float32)
    np.testing.assert_allclose(y.cpu().numpy(), ref, rtol=1e-6, atol=1e-7)
    special = mt.erf(mt.tensor([float("inf"), -float("inf"), float("nan"), 0.0], device=device))
    out = special.cpu().numpy()
    assert out[0] == 1.0 and out[1] == -1.0 and np.isnan(out[2]) and out[3] == 0.0
    assert mt.erf(mt.tensor([1, 2], device=device)).dtype == mt.float32   # ints become float


@pytest.mark.parametrize("shape, to", [((), (3, 4)), ((1,), (5,)), ((4, 1), (4, 6)),
                                       ((1, 3), (2, 5, 3)), ((2, 3), (2, 3)),
                                       ((3, 1, 2), (3, 4, 2))])
def test_cpu_broadcast_to_is_numpys_read_only_view(shape, to):
    """The cpu backend builds the broadcast view itself; it must be what np.broadcast_to gives:
    the same values and strides, a view of x, not writable."""
    backend = mt.device("cpu").backend
    x = np.arange(math.prod(shape), dtype=np.float32).reshape(shape)
    got, want = backend.broadcast_to(x, to), np.broadcast_to(x, to)
    assert got.shape == want.shape and got.strides == want.strides and got.dtype == x.dtype
    np.testing.assert_array_equal(got, want)
    assert np.shares_memory(got, x) and not got.flags.writeable
    with pytest.raises(ValueError):
        got[...] = 0


def test_cpu_broadcast_to_of_a_strided_view_and_bad_shapes():
    backend = mt.device("cpu").backend
    x = np.arange(12.0).reshape(3, 4)[:, ::2]              # not contiguous: NumPy's own path
    np.testing.assert_array_equal(backend.broadcast_to(x, (2, 3, 2)), np.broadcast_to(x, (2, 3, 2)))
    with pytest.raises(ValueError):
        backend.broadcast_to(np.ones((2, 3)), (2, 4))
    with pytest.raises(ValueError):
        backend.broadcast_to(np.ones((2, 3)), (3,))
