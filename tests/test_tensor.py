"""The Tensor itself: dtypes and promotion, factories, random generators, conversions, repr,
copies and moves."""
import pickle

import numpy as np
import pytest

import mytorch as mt


# ---- dtypes and promotion ---------------------------------------------------------------------

def test_default_dtypes(device):
    assert mt.tensor([1.0, 2.0], device=device).dtype == mt.float32
    assert mt.tensor(3.5, device=device).dtype == mt.float32
    assert mt.tensor([1, 2], device=device).dtype == mt.int64
    assert mt.tensor([True, False], device=device).dtype == mt.bool
    assert mt.tensor([1, 2.0], device=device).dtype == mt.float32
    assert mt.tensor([True, 2], device=device).dtype == mt.int64
    assert mt.tensor([], device=device).dtype == mt.float32
    assert mt.tensor(np.zeros(2), device=device).dtype == mt.float64    # NumPy keeps its dtype
    assert mt.tensor(np.zeros(2, np.int32), device=device).dtype == mt.int32
    assert mt.Tensor([1, 2]).dtype == mt.float32
    assert mt.get_default_dtype() == mt.float32


def test_set_default_dtype():
    mt.set_default_dtype(mt.float64)
    try:
        assert mt.tensor([1.0]).dtype == mt.float64
        assert mt.zeros(2).dtype == mt.float64
        assert (mt.tensor([1, 2]) * 0.5).dtype == mt.float64
    finally:
        mt.set_default_dtype(mt.float32)
    assert mt.tensor([1.0]).dtype == mt.float32
    with pytest.raises(TypeError, match="floating"):
        mt.set_default_dtype(mt.int64)


@pytest.mark.parametrize("make, expected", [
    (lambda d: mt.tensor([1.0, 2.0], device=d) * 2.0, mt.float32),
    (lambda d: mt.tensor([1.0, 2.0], device=d) * 2, mt.float32),
    (lambda d: mt.tensor([1, 2], dtype=mt.int32, device=d) + 1, mt.int32),
    (lambda d: mt.tensor([1, 2], dtype=mt.int32, device=d) + True, mt.int32),
    (lambda d: mt.tensor([1, 2], device=d) * 0.5, mt.float32),
    (lambda d: mt.tensor([1, 2], dtype=mt.int32, device=d) * 0.5, mt.float32),
    (lambda d: mt.tensor([1.0], dtype=mt.float16, device=d) * 2.5, mt.float16),
    (lambda d: mt.tensor([1.0], dtype=mt.float64, device=d) * 2.5, mt.float64),
    (lambda d: mt.tensor([True], device=d) + 1, mt.int64),
    (lambda d: mt.tensor([True], device=d) * 1.5, mt.float32),
    (lambda d: mt.tensor([1, 2], device=d) + mt.tensor([1.0, 2.0], device=d), mt.float32),
    (lambda d: mt.tensor([1, 2], dtype=mt.int32, device=d) + mt.tensor([1, 2], device=d), mt.int64),
    (lambda d: mt.tensor([1], dtype=mt.uint8, device=d) + mt.tensor([1], dtype=mt.int8, device=d),
     mt.int16),
    (lambda d: mt.tensor([1.0, 2.0], device=d) + mt.tensor(1.0, dtype=mt.float64, device=d),
     mt.float32),
    (lambda d: mt.tensor([1, 2], dtype=mt.int32, device=d) + mt.tensor(1, device=d), mt.int32),
    (lambda d: mt.tensor([1, 2], device=d) + mt.tensor(1.0, dtype=mt.float64, device=d),
     mt.float64),
    (lambda d: mt.tensor(1, device=d) + mt.tensor(1.0, dtype=mt.float64, device=d), mt.float64),
    (lambda d: mt.tensor([1, 2], device=d) / mt.tensor([2, 2], device=d), mt.float32),
    (lambda d: mt.tensor([1, 2], device=d) / 2, mt.float32),
    (lambda d: 2.0 * mt.tensor([1.0], device=d), mt.float32),
    (lambda d: 1 - mt.tensor([1], dtype=mt.int32, device=d), mt.int32),
])
def test_promotion(device, make, expected):
    assert make(device).dtype == expected


def test_int_division_values(device):
    q = mt.tensor([1, 3], device=device) / mt.tensor([2, 2], device=device)
    assert q.tolist() == [0.5, 1.5]


def test_result_type_and_promote_types():
    f32 = mt.tensor([1.0])
    assert mt.result_type(f32, 2.0) == mt.float32
    assert mt.result_type(mt.tensor([1]), 2.5) == mt.float32
    assert mt.result_type(mt.tensor([1], dtype=mt.int32), 7) == mt.int32
    assert mt.result_type(mt.tensor([1]), f32) == mt.float32
    assert mt.result_type(f32, mt.tensor(1.0, dtype=mt.float64)) == mt.float32
    assert mt.promote_types(mt.int64, mt.float32) == mt.float32
    assert mt.promote_types(mt.float32, mt.float64) == mt.float64
    assert mt.promote_types(mt.uint8, mt.int8) == mt.int16
    assert mt.promote_types(mt.bool, mt.int32) == mt.int32
    assert mt.promote_types(mt.float16, mt.int64) == mt.float16


def test_dtype_names_and_aliases():
    assert mt.float is mt.float32 and mt.double is mt.float64
    assert mt.long is mt.int64 and mt.half is mt.float16
    assert mt.int is mt.int32 and mt.short is mt.int16
    assert repr(mt.float32) == "mytorch.float32" and str(mt.int64) == "mytorch.int64"
    assert mt.float64.is_floating_point and not mt.int64.is_floating_point
    assert mt.tensor([1.0]).double().dtype == mt.float64
    assert mt.tensor([1.5]).long().dtype == mt.int64
    assert mt.tensor([1.5]).half().dtype == mt.float16
    assert mt.tensor([1]).float().dtype == mt.float32
    assert mt.tensor([0, 2]).bool().tolist() == [False, True]
    # Python's own types as dtypes: float is double precision, as in PyTorch
    assert mt.zeros(2, dtype=float).dtype == mt.float64 and mt.zeros(2, dtype=int).dtype == mt.int64
    assert mt.tensor([1, 2]).to(float).dtype == mt.float64 and mt.ones(1, dtype=bool).dtype == mt.bool


# ---- factories --------------------------------------------------------------------------------

def test_tensor_copies_and_as_tensor_from_numpy_share(device):
    a = np.arange(3, dtype=np.float32)
    t = mt.tensor(a)
    a[0] = 100.0
    assert t.tolist() == [0.0, 1.0, 2.0]

    shared = mt.as_tensor(a)
    from_np = mt.from_numpy(a)
    a[1] = -5.0
    assert shared.tolist()[1] == -5.0 and from_np.tolist()[1] == -5.0
    from_np[2] = 7.0
    assert a[2] == 7.0
    assert mt.as_tensor(a, dtype=mt.float64).tolist() == [100.0, -5.0, 7.0]
    assert not np.shares_memory(mt.as_tensor(a, dtype=mt.float64).numpy(), a)
    same = mt.tensor([1.0, 2.0], device=device)
    assert mt.as_tensor(same) is same
    with pytest.raises(TypeError, match="expected np.ndarray"):
        mt.from_numpy([1, 2])


def test_zeros_ones_full_empty(device):
    z = mt.zeros(2, 3, device=device)
    assert z.shape == (2, 3) and z.dtype == mt.float32 and z.device == device
    assert z.tolist() == [[0.0] * 3] * 2
    assert mt.zeros((2, 3)).shape == (2, 3) and mt.zeros([4]).shape == (4,)
    assert mt.zeros(()).shape == () and mt.zeros(0, 2).shape == (0, 2)
    assert mt.ones(2, dtype=mt.int64, device=device).tolist() == [1, 1]
    assert mt.full((2,), 3, device=device).dtype == mt.int64
    assert mt.full((2,), 3.0, device=device).dtype == mt.float32
    assert mt.full((2,), True, device=device).dtype == mt.bool
    assert mt.full((2, 2), 1.5, dtype=mt.float64, device=device).tolist() == [[1.5, 1.5]] * 2
    e = mt.empty(2, 3, device=device)
    assert e.shape == (2, 3) and e.dtype == mt.float32 and e.device == device


def test_factories_requires_grad(device):
    for t in (mt.zeros(2, device=device, requires_grad=True),
              mt.ones(2, device=device, requires_grad=True),
              mt.full((2,), 1.0, device=device, requires_grad=True),
              mt.empty(2, device=device, requires_grad=True),
              mt.tensor([1.0], device=device, requires_grad=True),
              mt.arange(3.0, device=device, requires_grad=True),
              mt.linspace(0, 1, 3, device=device, requires_grad=True),
              mt.eye(2, device=device, requires_grad=True),
              mt.rand(2, device=device, requires_grad=True),
              mt.randn(2, device=device, requires_grad=True)):
        assert t.requires_grad and t.is_leaf and t.grad_fn is None and t.device == device


def test_arange(device):
    a = mt.arange(5, device=device)
    assert a.dtype == mt.int64 and a.tolist() == [0, 1, 2, 3, 4] and a.device == device
    assert mt.arange(1, 4).tolist() == [1, 2, 3]
    assert mt.arange(10, 0, -3).tolist() == [10, 7, 4, 1]
    assert mt.arange(5.0).dtype == mt.float32
    assert mt.arange(0, 3, dtype=mt.float64).dtype == mt.float64
    # PyTorch's lengths: ceil((end - start) / step)
    assert mt.arange(0, 1, 0.1).numel() == 10
    assert mt.arange(-1, 1, 0.3).numel() == 7
    assert mt.arange(1.0, 2.0, 0.3).numel() == 4
    assert mt.arange(0, 0).numel() == 0
    np.testing.assert_allclose(mt.arange(1, 2.5, 0.5).numpy(), [1.0, 1.5, 2.0])
    with pytest.raises(RuntimeError, match="step must be nonzero"):
        mt.arange(0, 3, 0)
    with pytest.raises(RuntimeError, match="inconsistent with step sign"):
        mt.arange(0, 3, -1)


def test_linspace_and_eye(device):
    ls = mt.linspace(0, 1, 5, device=device)
    assert ls.dtype == mt.float32 and ls.device == device
    np.testing.assert_allclose(ls.cpu().numpy(), [0, 0.25, 0.5, 0.75, 1.0])
    assert mt.linspace(2, 3, 1).tolist() == [2.0]
    assert mt.linspace(0, 10, 3, dtype=mt.int64).tolist() == [0, 5, 10]
    assert mt.eye(3, device=device).tolist() == [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
    assert mt.eye(2, 3).shape == (2, 3) and mt.eye(2, dtype=mt.int64).dtype == mt.int64


def test_random_factories(device):
    r = mt.rand(100, device=device)
    assert r.dtype == mt.float32 and r.device == device
    assert 0 <= r.min().item() and r.max().item() < 1
    n = mt.randn(2, 3, dtype=mt.float64, device=device)
    assert n.shape == (2, 3) and n.dtype == mt.float64
    ri = mt.randint(3, 7, (50,), device=device)
    assert ri.dtype == mt.int64 and 3 <= ri.min().item() and ri.max().item() < 7
    assert mt.randint(5, (4,)).shape == (4,)
    p = mt.randperm(10, device=device)
    assert p.dtype == mt.int64 and sorted(p.tolist()) == list(range(10))
    with pytest.raises(RuntimeError, match="not implemented for 'int64'"):
        mt.randn(2, dtype=mt.int64)


def test_like_factories(device):
    x = mt.tensor([[1.0, 2.0]], dtype=mt.float64, device=device)
    for t in (mt.zeros_like(x), mt.ones_like(x), mt.full_like(x, 7), mt.empty_like(x),
              mt.rand_like(x), mt.randn_like(x)):
        assert t.shape == (1, 2) and t.dtype == mt.float64 and t.device == device
    assert mt.full_like(x, 7).tolist() == [[7.0, 7.0]]
    assert mt.ones_like(x, dtype=mt.int64).dtype == mt.int64
    assert mt.full_like(mt.tensor([1, 2]), 2.5).tolist() == [2, 2]       # the input's dtype wins
    assert mt.zeros_like(x, requires_grad=True).requires_grad
    assert mt.randint_like(x, 10).dtype == mt.float64


def test_manual_seed_reproducible(device):
    mt.manual_seed(123)
    a = mt.randn(5, device=device).tolist()
    b = mt.rand(3, device=device).tolist()
    mt.manual_seed(123)
    assert mt.randn(5, device=device).tolist() == a
    assert mt.rand(3, device=device).tolist() == b
    mt.manual_seed(124)
    assert mt.randn(5, device=device).tolist() != a
    assert mt.initial_seed() == 124


def test_generator_is_an_independent_stream(device):
    g1 = mt.Generator(device).manual_seed(5)
    g2 = mt.Generator(device).manual_seed(5)
    mt.manual_seed(0)
    first = mt.randn(3, device=device).tolist()
    a = mt.randn(4, generator=g1).tolist()
    assert mt.randn(4, generator=g2).tolist() == a
    assert mt.randn(4, generator=g1).tolist() != a          # the stream moved on
    mt.manual_seed(0)
    mt.randn(4, generator=g1)                               # does not touch the default stream
    assert mt.randn(3, device=device).tolist() == first
    assert g1.initial_seed() == 5
    assert mt.randn(2, generator=g1).device == device       # device taken from the generator


def test_rng_state_round_trip():
    state = mt.get_rng_state()
    a = mt.randn(4).tolist()
    mt.set_rng_state(state)
    assert mt.randn(4).tolist() == a


# ---- conversions ------------------------------------------------------------------------------

def test_item_and_tolist(device):
    f = mt.tensor(3.5, device=device).item()
    i = mt.tensor([3], device=device).item()
    b = mt.tensor(True, device=device).item()
    assert (f, i, b) == (3.5, 3, True)
    assert type(f) is float and type(i) is int and type(b) is bool
    nested = mt.tensor([[1, 2], [3, 4]], device=device).tolist()
    assert nested == [[1, 2], [3, 4]] and type(nested[0][0]) is int
    assert mt.tensor(2.0, device=device).tolist() == 2.0
    assert type(mt.tensor([1.5], device=device).tolist()[0]) is float


def test_numpy_shares_memory_and_refuses_grad():
    t = mt.tensor([1.0, 2.0])
    a = t.numpy()
    a[0] = 9.0
    assert t.tolist() == [9.0, 2.0]
    t.add_(1)
    assert a.tolist() == [10.0, 3.0]
    r = mt.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"Can't call numpy\(\) on Tensor that requires grad"):
        r.numpy()
    with pytest.raises(RuntimeError, match="requires grad"):
        np.asarray(r)
    assert r.detach().numpy().tolist() == [1.0]
    assert np.asarray(t).tolist() == [10.0, 3.0]


def test_index_bool_float_int(device):
    seq = [10, 20, 30]
    assert seq[mt.tensor(1, device=device)] == 20
    assert seq[mt.tensor([2], device=device)] == 30
    assert list(range(10))[mt.tensor(1):mt.tensor(3)] == [1, 2]
    with pytest.raises(TypeError, match="only integer tensors of a single element"):
        seq[mt.tensor(1.0, device=device)]
    assert bool(mt.tensor([1], device=device)) is True
    assert bool(mt.tensor(0.0, device=device)) is False
    with pytest.raises(RuntimeError, match="Boolean value of Tensor with more than one value is "
                                           "ambiguous"):
        bool(mt.tensor([1, 2], device=device))
    with pytest.raises(RuntimeError, match="ambiguous"):
        if mt.tensor([1.0, 2.0], device=device) > 0:
            pass
    assert float(mt.tensor(2, device=device)) == 2.0
    assert int(mt.tensor(2.7, device=device)) == 2 and int(mt.tensor([-2.7])) == -2


def test_format(device):
    assert f"{mt.tensor(3.14159, device=device):.2f}" == "3.14"
    assert f"{mt.tensor(7, device=device):03d}" == "007"
    assert f"{mt.tensor([1.0, 2.0])}" == "tensor([1., 2.])"
    with pytest.raises(TypeError):
        f"{mt.tensor([1.0, 2.0]):.2f}"


def test_len_and_iter(device):
    t = mt.arange(6, device=device).reshape(3, 2)
    assert len(t) == 3
    rows = list(t)
    assert len(rows) == 3 and rows[1].tolist() == [2, 3] and rows[1].device == device
    assert [v.item() for v in mt.tensor([4, 5])] == [4, 5]
    with pytest.raises(TypeError, match="len\\(\\) of a 0-d tensor"):
        len(mt.tensor(1.0))
    with pytest.raises(TypeError, match="iteration over a 0-d tensor"):
        iter(mt.tensor(1.0))


def test_iter_keeps_gradient():
    x = mt.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    total = sum(row.sum() * (i + 1) for i, row in enumerate(x))
    total.backward()
    assert x.grad.tolist() == [[1.0, 1.0], [2.0, 2.0]]


# ---- repr -------------------------------------------------------------------------------------

@pytest.mark.parametrize("make, text", [
    (lambda: mt.tensor([1.0, 2.0, 3.0]), "tensor([1., 2., 3.])"),
    (lambda: mt.tensor([1, 2, 3]), "tensor([1, 2, 3])"),
    (lambda: mt.tensor(3.5), "tensor(3.5000)"),
    (lambda: mt.tensor(3.0), "tensor(3.)"),
    (lambda: mt.tensor(3), "tensor(3)"),
    (lambda: mt.tensor([-1.0, 2.0]), "tensor([-1.,  2.])"),
    (lambda: mt.tensor([100.0, 2.5]), "tensor([100.0000,   2.5000])"),
    (lambda: mt.tensor([[1.0, 2.5], [-3.0, 4.0]]),
     "tensor([[ 1.0000,  2.5000],\n        [-3.0000,  4.0000]])"),
    (lambda: mt.tensor([[1, 20], [-300, 4]]), "tensor([[   1,   20],\n        [-300,    4]])"),
    (lambda: mt.zeros(2, 1, 2),
     "tensor([[[0., 0.]],\n\n        [[0., 0.]]])"),
    (lambda: mt.tensor([1.0, 2.0], requires_grad=True), "tensor([1., 2.], requires_grad=True)"),
    (lambda: mt.tensor([1.0, 2.0], requires_grad=True) * 2,
     "tensor([2., 4.], grad_fn=<MulBackward0>)"),
    (lambda: mt.tensor([1.0, 2.0], dtype=mt.float64), "tensor([1., 2.], dtype=mytorch.float64)"),
    (lambda: mt.tensor(2.0, dtype=mt.float64, requires_grad=True),
     "tensor(2., dtype=mytorch.float64, requires_grad=True)"),
    (lambda: mt.tensor([1, 2], dtype=mt.int32), "tensor([1, 2], dtype=mytorch.int32)"),
    (lambda: mt.tensor([True, False]), "tensor([ True, False])"),
    (lambda: mt.tensor([1e-5, 1.0, 1000.0]), "tensor([1.0000e-05, 1.0000e+00, 1.0000e+03])"),
    (lambda: mt.tensor([1.0, 2000.0]), "tensor([1.0000e+00, 2.0000e+03])"),
    (lambda: mt.tensor([123456789.0]), "tensor([1.2346e+08])"),
    (lambda: mt.tensor([0.001, 1.0]), "tensor([0.0010, 1.0000])"),
    (lambda: mt.tensor([float("nan"), float("inf"), -float("inf"), 1.5]),
     "tensor([   nan,    inf,   -inf, 1.5000])"),
    (lambda: mt.tensor([float("nan"), 1.0]), "tensor([nan, 1.])"),
    (lambda: mt.tensor([]), "tensor([])"),
    (lambda: mt.zeros(0, 3), "tensor([], size=(0, 3))"),
    (lambda: mt.tensor([], dtype=mt.int64), "tensor([], dtype=mytorch.int64)"),
    (lambda: mt.arange(2000), "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])"),
    (lambda: mt.arange(20.0),
     "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n"
     "        14., 15., 16., 17., 18., 19.])"),
])
def test_repr_matches_pytorch(make, text):
    t = make()
    assert repr(t) == text
    assert str(t) == text


def test_repr_summarizes_2d():
    text = repr(mt.arange(1200).reshape(40, 30))
    lines = text.split("\n")
    assert lines[0] == "tensor([[   0,    1,    2,  ...,   27,   28,   29],"
    assert lines[3] == "        ...,"
    assert lines[-1] == "        [1170, 1171, 1172,  ..., 1197, 1198, 1199]])"
    assert len(lines) == 7


def test_repr_device_suffix():
    assert repr(mt.tensor([1.5], device="strict")) == "tensor([1.5000], device='strict:0')"


def test_size():
    s = mt.zeros(2, 3).shape
    assert repr(s) == "mytorch.Size([2, 3])" and str(s) == "mytorch.Size([2, 3])"
    assert s == (2, 3) and isinstance(s, tuple) and isinstance(s, mt.Size)
    assert isinstance(s[1:], mt.Size) and s[1:] == (3,)
    assert s.numel() == 6 and mt.zeros(2, 3).size() == s and mt.zeros(2, 3).size(-1) == 3
    assert repr(mt.tensor(1.0).shape) == "mytorch.Size([])"


# ---- copies, moves, detach -------------------------------------------------------------------

def test_to_and_cpu(device):
    x = mt.tensor([1.0, 2.0], device=device)
    assert x.to(mt.float32) is x and x.to(device) is x
    y = x.to(mt.float64)
    assert y.dtype == mt.float64 and y.device == device and y.tolist() == [1.0, 2.0]
    z = x.to(dtype=mt.int64, device="cpu")
    assert z.dtype == mt.int64 and z.device == "cpu"
    other = mt.zeros(1, dtype=mt.float64)
    w = x.to(other)
    assert w.dtype == mt.float64 and w.device == "cpu"
    c = x.to(mt.float32, copy=True)
    assert c is not x and c.tolist() == [1.0, 2.0]
    assert x.cpu().device == "cpu"
    assert x.type_as(other).dtype == mt.float64


def test_cast_gradient_flows_back():
    x = mt.tensor([1.0, 2.0], requires_grad=True)
    (x.double() * 3).sum().backward()
    assert x.grad.dtype == mt.float32 and x.grad.tolist() == [3.0, 3.0]


def test_detach_shares_memory_and_version(device):
    x = mt.tensor([1.0, 2.0], device=device, requires_grad=True)
    d = x.detach()
    assert not d.requires_grad and d.is_leaf and d.grad_fn is None
    with mt.no_grad():
        d.add_(1)
    assert x.tolist() == [2.0, 3.0]
    assert x._version == d._version == 1
    y = x.exp()
    x.detach().mul_(2)                     # the exp node saved y, not x: y unchanged
    assert y._version == 0 and x._version == 2
    assert x.data.tolist() == [4.0, 6.0] and not x.data.requires_grad


def test_detach_makes_saved_value_check_fire():
    x = mt.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    z = y * y
    y.detach().zero_()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()


def test_clone(device):
    x = mt.tensor([1.0, 2.0], device=device, requires_grad=True)
    c = x.clone()
    assert c.grad_fn is not None and c.requires_grad and c.device == device
    assert c._version == 0
    (c * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]
    plain = mt.tensor([1.0, 2.0])
    copy = plain.clone()
    copy[0] = 5.0
    assert plain.tolist() == [1.0, 2.0] and plain._version == 0


def test_contiguous(device):
    x = mt.arange(6.0, device=device).reshape(2, 3)
    assert x.is_contiguous() and x.contiguous() is x
    t = x.t()
    assert not t.is_contiguous()
    c = t.contiguous()
    assert c.is_contiguous() and c.tolist() == t.tolist() == [[0, 3], [1, 4], [2, 5]]


def test_requires_grad_(device):
    x = mt.zeros(2, device=device)
    assert x.requires_grad_() is x and x.requires_grad
    x.requires_grad_(False)
    assert not x.requires_grad
    x.requires_grad = True
    assert x.requires_grad
    y = x * 2
    with pytest.raises(RuntimeError, match="you can only change requires_grad flags of leaf"):
        y.requires_grad_(False)


def test_pickling_a_tensor_raises():
    with pytest.raises(TypeError, match="mytorch.save"):
        pickle.dumps(mt.tensor([1.0]))
    rebuild, args = mt.float64.__reduce__()                     # dtypes do pickle, by name
    assert rebuild(*args) is mt.float64


def test_tensor_constructor_like_torch_Tensor():
    """mt.Tensor(data) gives the default float dtype; mt.Tensor(2, 3) a tensor of that size."""
    assert mt.Tensor([1, 2]).dtype == mt.float32
    assert mt.Tensor(2, 3).shape == (2, 3) and mt.Tensor(2, 3).dtype == mt.float32
    assert mt.Tensor().shape == (0,)


@pytest.mark.parametrize("make, shape, viewable", [
    (lambda x: x.t(), (24,), False),
    (lambda x: x.t(), (6, 1, 4), True),
    (lambda x: x[:, :3], (12,), False),
    (lambda x: x[::2], (2, 2, 3), True),
    (lambda x: x[:, 1:3], (4, 2, 1), True),
    (lambda x: x.t().unsqueeze(0), (6, 4), True),
])
def test_view_of_a_strided_tensor_follows_pytorch(make, shape, viewable, device):
    """view() on non-contiguous memory works exactly when PyTorch's stride rule allows it,
    and then shares memory with its base."""
    base = make(mt.arange(24.0, device=device).reshape(4, 6))
    if not viewable:
        with pytest.raises(RuntimeError, match="view size is not compatible"):
            base.view(shape)
        return
    v = base.view(shape)
    np.testing.assert_array_equal(v.cpu().numpy(), base.cpu().numpy().reshape(shape))
    with mt.no_grad():
        v.fill_(-1.0)
    assert (base == -1.0).all()


def test_every_tensor_method_reaches_an_existing_op():
    """The seam in tensor.py names ops by attribute; a typo there (`_ops.matmaul`) would only
    fail when that method is called, so check every name once."""
    import inspect
    import re
    import sys
    module = sys.modules["mytorch.tensor"]        # `mytorch.tensor` is the factory function
    names = set(re.findall(r"_ops\.(\w+)", inspect.getsource(module)))
    assert len(names) > 150
    assert sorted(n for n in names if not hasattr(mt.ops, n)) == []
