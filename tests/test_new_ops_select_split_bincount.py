"""select, tensor_split, bincount, F.cosine_similarity, F.pairwise_distance, Tensor.stride and
Tensor.type beyond the op table's reach (the table checks values and gradients of the
differentiable ones): views, piece counts, result dtypes and requires_grad, PyTorch's edge
cases, and one test per user-facing error."""
import numpy as np
import pytest

import mytorch as mt

F = mt.nn.functional


def host(t):
    return t.detach().cpu().numpy()


# ---- select -----------------------------------------------------------------------------------

def test_select_is_a_view_without_that_dimension(device):
    x = mt.arange(6.0, device=device).reshape(2, 3)
    row, col = x.select(0, 1), mt.select(x, 1, -1)
    assert row.shape == (3,) and col.shape == (2,)
    np.testing.assert_array_equal(host(row), [3.0, 4.0, 5.0])
    np.testing.assert_array_equal(host(col), [2.0, 5.0])
    row[0] = 30.0                               # shares memory with x
    assert x[1, 0].item() == 30.0


def test_select_keeps_dtype_and_takes_a_0d_index():
    x = mt.tensor([[1, 2], [3, 4]], dtype=mt.int32)
    y = x.select(1, mt.tensor(1))
    assert y.dtype == mt.int32 and y.tolist() == [2, 4]


def test_select_gradient_lands_in_the_selected_slice():
    x = mt.zeros(2, 3, requires_grad=True)
    y = x.select(1, 2)
    assert y.requires_grad and not mt.zeros(2, 3).select(1, 2).requires_grad
    (y * mt.tensor([2.0, 3.0])).sum().backward()
    np.testing.assert_array_equal(host(x.grad), [[0, 0, 2], [0, 0, 3]])


# ---- tensor_split -----------------------------------------------------------------------------

@pytest.mark.parametrize("n, sections, sizes", [
    (7, 3, [3, 2, 2]),          # the first n % sections pieces are one longer
    (6, 3, [2, 2, 2]),
    (2, 4, [1, 1, 0, 0]),       # more sections than elements: empty pieces, still 4 of them
    (0, 2, [0, 0]),
    (5, 1, [5]),
])
def test_tensor_split_sections_sizes(n, sections, sizes):
    pieces = mt.tensor_split(mt.arange(n), sections)
    assert isinstance(pieces, tuple)
    assert [p.numel() for p in pieces] == sizes
    assert mt.cat(pieces).tolist() == list(range(n))


@pytest.mark.parametrize("indices, want", [
    ([1, 4], [[0], [1, 2, 3], [4]]),
    ((2, 9), [[0, 1], [2, 3, 4], []]),          # out of range: clamped
    ([-2], [[0, 1, 2], [3, 4]]),                # negative: from the end
    ([3, 1], [[0, 1, 2], [], [1, 2, 3, 4]]),    # going back: overlapping pieces
    ([], [[0, 1, 2, 3, 4]]),
])
def test_tensor_split_indices_are_python_slices(indices, want):
    assert [p.tolist() for p in mt.arange(5).tensor_split(indices)] == want


def test_tensor_split_takes_a_tensor_of_sections_or_indices():
    x = mt.arange(7)
    assert [p.numel() for p in x.tensor_split(mt.tensor(3))] == [3, 2, 2]
    assert [p.tolist() for p in x.tensor_split(mt.tensor([2, 5]))] == [[0, 1], [2, 3, 4], [5, 6]]


def test_tensor_split_pieces_are_views_along_dim(device):
    x = mt.zeros(2, 5, device=device)
    a, b = mt.tensor_split(x, 2, dim=-1)
    assert a.shape == (2, 3) and b.shape == (2, 2)
    b[0, 0] = 1.0
    assert x[0, 3].item() == 1.0
    *_, back = mt.tensor_split(x, [3, 1], dim=1)        # the overlapping path: views too
    back[1, 0] = 2.0
    assert x[1, 1].item() == 2.0


def test_tensor_split_gradients_accumulate_where_pieces_overlap():
    x = mt.zeros(5, requires_grad=True)
    pieces = mt.tensor_split(x, [3, 1])
    assert all(p.requires_grad for p in pieces)
    sum(p.sum() for p in pieces).backward()
    np.testing.assert_array_equal(host(x.grad), [1, 2, 2, 1, 1])


# ---- bincount ---------------------------------------------------------------------------------

def test_bincount_counts_as_int64(device):
    x = mt.tensor([1, 1, 3, 0, 1], device=device)
    out = mt.bincount(x)
    assert out.dtype == mt.int64 and out.device == x.device
    assert out.tolist() == [1, 3, 0, 1]
    assert x.bincount(minlength=6).tolist() == [1, 3, 0, 1, 0, 0]
    assert x.bincount(minlength=2).tolist() == [1, 3, 0, 1]      # never shorter than max + 1


@pytest.mark.parametrize("dtype", [mt.int8, mt.uint8, mt.int16, mt.int32, mt.int64])
def test_bincount_takes_every_integer_dtype(dtype):
    assert mt.bincount(mt.tensor([2, 0, 2], dtype=dtype)).tolist() == [1, 0, 2]


@pytest.mark.parametrize("weights_dtype, out_dtype", [
    (mt.float32, mt.float32), (mt.float64, mt.float64),
    (mt.float16, mt.float64), (mt.int64, mt.float64),     # PyTorch sums the others in double
])
def test_bincount_sums_weights(device, weights_dtype, out_dtype):
    x = mt.tensor([0, 2, 2, 4], device=device)
    w = mt.tensor([1, 2, 3, 4], dtype=weights_dtype, device=device)
    out = mt.bincount(x, w, minlength=6)
    assert out.dtype == out_dtype
    np.testing.assert_allclose(host(out), [1, 0, 5, 0, 4, 0])


def test_bincount_of_an_empty_input_is_int64_zeros_of_minlength():
    empty = mt.tensor([], dtype=mt.int64)
    assert mt.bincount(empty).shape == (0,)
    out = mt.bincount(empty, mt.tensor([]), minlength=3)      # int64 even with weights, as PyTorch
    assert out.dtype == mt.int64 and out.tolist() == [0, 0, 0]


def test_bincount_is_not_differentiable():
    w = mt.ones(3, requires_grad=True)
    out = mt.bincount(mt.tensor([0, 1, 1]), weights=w)
    assert not out.requires_grad and out.grad_fn is None
    assert out.tolist() == [1.0, 2.0]


# ---- cosine_similarity and pairwise_distance --------------------------------------------------

def test_cosine_similarity_values_and_broadcasting():
    x1 = mt.tensor([[1.0, 0.0], [1.0, 1.0], [0.0, -2.0]])
    x2 = mt.tensor([3.0, 0.0])
    out = F.cosine_similarity(x1, x2, dim=-1)
    assert out.shape == (3,) and out.dtype == mt.float32
    np.testing.assert_allclose(host(out), [1.0, 2 ** -0.5, 0.0], rtol=1e-6, atol=1e-7)
    assert F.cosine_similarity(mt.ones(2, 3, 4), mt.ones(2, 3, 4)).shape == (2, 4)   # dim=1


def test_cosine_similarity_clamps_each_norm_to_eps():
    # x / max(‖x‖, ε) for each vector: a zero vector gives 0, not nan; two tiny vectors give
    # (1e-10/1e-8)² (the older max(‖x₁‖·‖x₂‖, ε) would give 1e-12)
    zero = F.cosine_similarity(mt.zeros(2, 3), mt.ones(2, 3))
    assert host(zero).tolist() == [0.0, 0.0]
    tiny = mt.tensor([[1e-10, 0.0]], dtype=mt.float64)
    np.testing.assert_allclose(host(F.cosine_similarity(tiny, tiny)), [1e-4], rtol=1e-9)
    np.testing.assert_allclose(host(F.cosine_similarity(tiny, tiny, eps=1e-12)), [1.0])


def test_cosine_similarity_dtypes_and_requires_grad():
    x = mt.ones(2, 3, requires_grad=True)
    out = F.cosine_similarity(x, mt.ones(2, 3, dtype=mt.float64))
    assert out.dtype == mt.float64 and out.requires_grad
    assert F.cosine_similarity(mt.ones(2, 3, dtype=mt.int64), mt.ones(2, 3)).dtype == mt.float32
    assert not F.cosine_similarity(mt.ones(2, 3), mt.ones(2, 3)).requires_grad


def test_pairwise_distance_adds_eps_to_the_difference():
    x1, x2 = mt.tensor([[0.0, 0.0], [1.0, 1.0]]), mt.tensor([[3.0, 4.0], [1.0, 1.0]])
    out = F.pairwise_distance(x1, x2)
    assert out.shape == (2,) and out.dtype == mt.float32
    np.testing.assert_allclose(host(out), [np.hypot(3 - 1e-6, 4 - 1e-6), 2 ** 0.5 * 1e-6],
                               rtol=1e-6)
    assert F.pairwise_distance(x1, x2, keepdim=True).shape == (2, 1)
    np.testing.assert_allclose(host(F.pairwise_distance(x1, x2, p=1, eps=0)), [7.0, 0.0])
    assert F.pairwise_distance(mt.ones(3, requires_grad=True), mt.zeros(2, 3)).requires_grad


# ---- Tensor.stride and Tensor.type ------------------------------------------------------------

def test_stride_in_elements(device):
    x = mt.zeros(2, 3, 4, dtype=mt.float64, device=device)
    assert x.stride() == (12, 4, 1)
    assert x.stride(0) == 12 and x.stride(-1) == 1
    assert x.transpose(0, 2).stride() == (1, 4, 12)
    assert mt.zeros(2, 3, dtype=mt.int8).t().stride() == (1, 3)
    assert mt.zeros(3, 1).expand(3, 5).stride() == (1, 0)
    assert mt.zeros(3, 6)[:, ::2].stride() == (6, 2)
    assert mt.tensor(1.0).stride() == ()


@pytest.mark.parametrize("dtype, name", [
    (mt.float32, "FloatTensor"), (mt.float64, "DoubleTensor"), (mt.float16, "HalfTensor"),
    (mt.int64, "LongTensor"), (mt.int32, "IntTensor"), (mt.int16, "ShortTensor"),
    (mt.int8, "CharTensor"), (mt.uint8, "ByteTensor"), (mt.bool, "BoolTensor"),
])
def test_type_names_follow_pytorch(dtype, name):
    assert mt.zeros(2, dtype=dtype).type() == f"mytorch.{name}"


def test_type_name_carries_the_device_type(device):
    want = "mytorch.LongTensor" if device == "cpu" else f"mytorch.{device}.LongTensor"
    assert mt.zeros(2, dtype=mt.int64, device=device).type() == want


def test_type_with_a_dtype_casts():
    x = mt.ones(2, 3, requires_grad=True)
    assert x.type(mt.float32) is x
    y = x.type(mt.float64)
    assert y.dtype == mt.float64 and y.requires_grad and y.shape == (2, 3)
    y.sum().backward()
    assert x.grad.dtype == mt.float32
    z = mt.tensor([1.7, -2.2]).type("mytorch.IntTensor")
    assert z.dtype == mt.int32 and z.tolist() == [1, -2]


# ---- errors -----------------------------------------------------------------------------------

@pytest.mark.parametrize("call, error, match", [
    (lambda: mt.ones(2, 3).select(1, 5), IndexError,
     r"^select\(\): index 5 out of range for tensor of size \[2, 3\] at dimension 1$"),
    (lambda: mt.ones(2, 3).select(-1, -4), IndexError,
     r"index -4 out of range for tensor of size \[2, 3\] at dimension 1"),
    (lambda: mt.tensor(1.0).select(0, 0), IndexError, r"select\(\) cannot be applied to a 0-dim"),
    (lambda: mt.ones(2, 3).select(2, 0), IndexError, "Dimension out of range"),
    (lambda: mt.ones(2, 3).select(0, 1.0), TypeError, "argument 'index' must be int, not float"),
    (lambda: mt.select([1, 2], 0, 0), TypeError, "argument 'input' must be Tensor"),
    (lambda: mt.tensor_split(mt.tensor(1.0), 2), RuntimeError,
     "tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims"),
    (lambda: mt.tensor_split(mt.ones(4), 0), RuntimeError,
     "number of sections must be larger than 0, got 0"),
    (lambda: mt.tensor_split(mt.ones(4), mt.tensor([1.0])), RuntimeError,
     "to have integer dtype, but got mytorch.float32"),
    (lambda: mt.tensor_split(mt.ones(4), mt.tensor([[1]])), RuntimeError,
     "zero-dimensional or one-dimensional tensor, but got a tensor with 2 dims"),
    (lambda: mt.tensor_split(mt.ones(4), [1, 2.5]), TypeError, "must be integers"),
    (lambda: mt.tensor_split(mt.ones(4), 2, dim=1), IndexError, "Dimension out of range"),
    (lambda: mt.bincount(mt.tensor([1, -1])), RuntimeError,
     r"^bincount only supports 1-d non-negative integral inputs\.$"),
    (lambda: mt.bincount(mt.tensor([[1]])), RuntimeError,
     r"bincount only supports 1-d non-negative integral inputs\."),
    (lambda: mt.bincount(mt.tensor(1)), RuntimeError,
     r"bincount only supports 1-d non-negative integral inputs\."),
    (lambda: mt.bincount(mt.tensor([1.0])), RuntimeError,
     "integral inputs, got a tensor of dtype mytorch.float32"),
    (lambda: mt.bincount(mt.tensor([True])), RuntimeError, "got a tensor of dtype mytorch.bool"),
    (lambda: mt.bincount(mt.tensor([1, 2]), mt.ones(3)), RuntimeError,
     "weights should be 1-d and have the same length as input"),
    (lambda: mt.bincount(mt.tensor([1, 2]), mt.ones(1, 2)), RuntimeError,
     "weights should be 1-d"),
    (lambda: mt.bincount(mt.tensor([1]), minlength=-1), RuntimeError, "minlength should be >= 0"),
    (lambda: mt.bincount(mt.tensor([1]), mt.ones(1, device="strict")), RuntimeError,
     "expected all tensors to be on the same device"),
    (lambda: F.cosine_similarity(mt.ones(2, dtype=mt.int64), mt.ones(2, dtype=mt.int64), dim=0),
     RuntimeError, "expected common dtype to be floating point, yet common dtype is mytorch.int64"),
    (lambda: F.cosine_similarity(mt.ones(2, 3), mt.ones(3, 3)), RuntimeError,
     r"size of tensor a \(2\) must match the size of tensor b \(3\)"),
    (lambda: F.cosine_similarity(mt.ones(2, 3), mt.ones(2, 3), dim=2), IndexError,
     "Dimension out of range"),
    (lambda: mt.ones(2).stride(1), IndexError, "Dimension out of range"),
    (lambda: mt.tensor(1.0).stride(0), IndexError,
     "Dimension specified as 0 but tensor has no dimensions"),
    (lambda: mt.ones(2).type("mytorch.FooTensor"), ValueError, "invalid type: 'mytorch.FooTensor'"),
    (lambda: mt.ones(2).type("torch.FloatTensor"), ValueError, "invalid type"),
    (lambda: mt.ones(2).type("cpu"), ValueError, "invalid type: 'cpu'"),
    (lambda: mt.ones(2).type(object()), TypeError, "dtype must be a mytorch dtype"),
])
def test_user_facing_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()
