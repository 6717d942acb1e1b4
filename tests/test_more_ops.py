"""Shape, indexing and reduction ops beyond the op table's reach: in-place versions and
autograd, NaN rules, magnitudes, the one-argument `where`, `new_*` tensors, and one test per
user-facing error."""
import numpy as np
import pytest

import mytorch as mt


def host(t):
    return t.detach().cpu().numpy()


# ---- in-place index writes: versions and autograd -------------------------------------------

@pytest.mark.parametrize("write", [
    lambda x, d: x.index_add_(0, mt.tensor([2, 0, 2], device=d), mt.ones(3, 2, device=d)),
    lambda x, d: x.index_copy_(1, mt.tensor([1], device=d), mt.zeros(3, 1, device=d)),
    lambda x, d: x.index_fill_(0, mt.tensor([1], device=d), 7.0),
    lambda x, d: x.scatter_(1, mt.tensor([[1], [0], [1]], device=d), mt.ones(3, 1, device=d)),
    lambda x, d: x.scatter_add_(0, mt.tensor([[0, 0]], device=d), mt.ones(1, 2, device=d)),
    lambda x, d: x.masked_scatter_(mt.tensor([True, False], device=d), mt.ones(3, device=d)),
])
def test_inplace_index_writes_bump_the_version_and_return_self(device, write):
    x = mt.zeros(3, 2, device=device)
    before = x._version
    assert write(x, device) is x
    assert x._version == before + 1


def test_index_add_inplace_records_the_gradient_of_source(device):
    w = mt.randn(3, 2, dtype=mt.float64, device=device, requires_grad=True)
    s = mt.randn(2, 2, dtype=mt.float64, device=device, requires_grad=True)
    y = w * 1.0
    y.index_add_(0, mt.tensor([1, 1], device=device), s, alpha=3.0)
    (y * y).sum().backward()
    want = 2 * host(y)
    np.testing.assert_allclose(host(w.grad), want)
    np.testing.assert_allclose(host(s.grad), 3.0 * want[[1, 1]])


def test_inplace_index_write_on_a_leaf_that_requires_grad_is_refused(device):
    w = mt.zeros(3, device=device, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        w.index_fill_(0, mt.tensor([0], device=device), 1.0)


def test_inplace_write_after_use_is_caught_at_backward(device):
    w = mt.randn(3, dtype=mt.float64, device=device, requires_grad=True)
    y = w.exp()
    loss = (y * y).sum()
    y.index_fill_(0, mt.tensor([0], device=device), 0.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


# ---- where(condition), nonzero --------------------------------------------------------------

def test_where_with_one_argument_indexes_like_nonzero(device):
    x = mt.tensor([[0.0, 1.5], [2.0, 0.0]], device=device)
    rows, cols = mt.where(x > 0)
    assert rows.tolist() == [0, 1] and cols.tolist() == [1, 0]
    assert x[mt.where(x > 0)].tolist() == [1.5, 2.0]
    assert mt.nonzero(x).dtype == mt.int64 and mt.nonzero(x).tolist() == [[0, 1], [1, 0]]
    assert mt.where(x > 0, x, -1.0).tolist() == [[-1.0, 1.5], [2.0, -1.0]]    # three arguments
    assert x.where(x > 0, 5.0).tolist() == [[5.0, 1.5], [2.0, 5.0]]


def test_nonzero_has_no_gradient():
    x = mt.tensor([0.0, 1.0], requires_grad=True)
    assert not mt.nonzero(x).requires_grad


# ---- NaN rules and magnitudes ---------------------------------------------------------------

def test_cummax_propagates_nan_and_points_at_the_latest_nan():
    out = mt.cummax(mt.tensor([1.0, float("nan"), 3.0, float("nan"), 0.0]), 0)
    assert np.isnan(host(out.values)[1:]).all()
    assert out.indices.tolist() == [0, 1, 1, 3, 3]


def test_cummax_and_cummin_pick_the_last_index_among_ties():
    assert mt.cummax(mt.tensor([2, 2, 1, 2]), 0).indices.tolist() == [0, 1, 1, 3]
    assert mt.cummin(mt.tensor([1.0, 1.0, 3.0]), 0).indices.tolist() == [0, 1, 1]


def test_median_is_the_lower_middle_and_nan_when_a_nan_is_present():
    assert mt.median(mt.tensor([4.0, 1.0, 3.0, 2.0])).item() == 2.0
    assert np.isnan(mt.median(mt.tensor([1.0, float("nan"), 0.0])).item())
    values, indices = mt.median(mt.tensor([[1.0, float("nan"), 0.0], [3.0, 1.0, 2.0]]), 1)
    assert np.isnan(values[0].item()) and indices[0].item() == 1
    assert values[1].item() == 2.0 and indices[1].item() == 2


def test_median_gradient_goes_to_the_chosen_element():
    x = mt.tensor([3.0, 1.0, 2.0, 5.0], requires_grad=True)
    mt.median(x).backward()
    assert x.grad.tolist() == [0.0, 0.0, 1.0, 0.0]


def test_nanmean_of_only_nans_is_nan_without_a_warning():
    out = mt.nanmean(mt.tensor([[float("nan"), float("nan")], [1.0, float("nan")]]), 1)
    assert np.isnan(out[0].item()) and out[1].item() == 1.0


def test_nansum_gives_nan_positions_a_zero_gradient():
    x = mt.tensor([1.0, float("nan"), 2.0], requires_grad=True)
    mt.nansum(x).backward()
    assert x.grad.tolist() == [1.0, 0.0, 1.0]


@pytest.mark.parametrize("dtype", [mt.float32, mt.float64])
def test_logcumsumexp_is_stable_at_large_magnitudes(dtype, device):
    x = mt.tensor([-1000.0, 0.0, 1000.0, 1000.0], dtype=dtype, device=device, requires_grad=True)
    y = mt.logcumsumexp(x, 0)
    np.testing.assert_allclose(host(y), [-1000.0, 0.0, 1000.0, 1000.0 + np.log(2)], rtol=1e-6)
    y.backward(mt.tensor([1.0, -1.0, 1.0, 2.0], dtype=dtype, device=device))
    assert np.isfinite(host(x.grad)).all()
    np.testing.assert_allclose(host(x.grad), [1.0, -1.0, 2.0, 1.0], rtol=1e-3, atol=1e-6)


def test_cumprod_gradient_with_zeros_matches_the_product_of_the_others():
    x = mt.tensor([[2.0, 0.0, 3.0, 0.0, 5.0]], dtype=mt.float64, requires_grad=True)
    g = mt.tensor([[1.0, 2.0, -1.0, 0.5, 3.0]], dtype=mt.float64)
    mt.cumprod(x, 1).backward(g)
    xs, gs = host(x)[0], host(g)[0]
    want = [sum(gs[i] * np.prod([xs[k] for k in range(i + 1) if k != j]) for i in range(j, 5))
            for j in range(5)]
    np.testing.assert_allclose(host(x.grad)[0], want)


# ---- shapes ---------------------------------------------------------------------------------

def test_meshgrid_shapes_for_both_indexings():
    a, b = mt.arange(3), mt.arange(2)
    assert [tuple(t.shape) for t in mt.meshgrid(a, b)] == [(3, 2), (3, 2)]
    assert [tuple(t.shape) for t in mt.meshgrid([a, b], indexing="xy")] == [(2, 3), (2, 3)]


def test_atleast_nd_with_several_tensors_returns_a_tuple():
    out = mt.atleast_2d(mt.tensor(1.0), mt.ones(3))
    assert isinstance(out, tuple) and [tuple(t.shape) for t in out] == [(1, 1), (1, 3)]


def test_tile_method_takes_sizes_as_arguments():
    assert tuple(mt.ones(2, 3).tile(2).shape) == (2, 6)
    assert tuple(mt.ones(2, 3).tile(2, 1, 1).shape) == (2, 2, 3)


def test_squeeze_with_a_tuple_of_dims():
    assert tuple(mt.zeros(1, 2, 1, 1).squeeze((0, 2)).shape) == (2, 1)


# ---- new tensors like this one --------------------------------------------------------------

def test_new_factories_keep_dtype_and_device(device):
    x = mt.zeros(2, dtype=mt.float64, device=device)
    for t in (x.new_zeros(2, 3), x.new_ones((2, 3)), x.new_empty(2, 3), x.new_full((2, 3), 7)):
        assert t.dtype == mt.float64 and t.device == x.device and tuple(t.shape) == (2, 3)
    assert x.new_full((1,), 7).tolist() == [7.0]
    t = x.new_tensor([1, 2])
    assert t.dtype == mt.float64 and t.device == x.device and t.tolist() == [1.0, 2.0]
    assert x.new_zeros(2, dtype=mt.int32).dtype == mt.int32
    assert x.new_ones(2, requires_grad=True).requires_grad


# ---- errors ---------------------------------------------------------------------------------

def _i(*v):
    return mt.tensor(list(v))


@pytest.mark.parametrize("call, error, match", [
    (lambda: mt.movedim(mt.ones(2, 3), (0, 1), 0), RuntimeError, "same number of dims"),
    (lambda: mt.movedim(mt.ones(2, 3), (0, 0), (0, 1)), RuntimeError, "repeated dim"),
    (lambda: mt.diagonal(mt.ones(2, 3), 0, 1, -1), RuntimeError, "cannot be identical"),
    (lambda: mt.diagonal(mt.ones(3)), RuntimeError, "at least 2 dimensions"),
    (lambda: mt.diag(mt.ones(2, 2, 2)), RuntimeError, "Supports 1D or 2D"),
    (lambda: mt.trace(mt.ones(3)), RuntimeError, "expected a matrix"),
    (lambda: mt.diff(mt.tensor(1.0)), RuntimeError, "at least one-dimensional"),
    (lambda: mt.meshgrid(mt.ones(2), indexing="yx"), ValueError, "indexing must be one of"),
    (lambda: mt.meshgrid(mt.ones(2, 2)), RuntimeError, "Expected 0D or 1D tensor"),
    (lambda: mt.broadcast_tensors(mt.ones(2, 3), mt.ones(4)), RuntimeError,
     r"size of tensor a \(3\) must match the size of tensor b \(4\)"),
    (lambda: mt.rot90(mt.ones(2, 2), 1, (0, 1, 2)), RuntimeError, "rotation dims == 2"),
    (lambda: mt.rot90(mt.ones(2, 2), 1, (1, 1)), RuntimeError, "rotation dims to be different"),
    (lambda: mt.rot90(mt.ones(2), 1), RuntimeError, "total dims >= 2"),
    (lambda: mt.masked_select(mt.ones(2), _i(1, 0)), RuntimeError, "expected BoolTensor"),
    (lambda: mt.take(mt.ones(2, 3), _i(6)), IndexError, "out of range"),
    (lambda: mt.take(mt.ones(2), mt.tensor([0.0])), RuntimeError, "long tensor"),
    (lambda: mt.take_along_dim(mt.ones(2, 3), _i(0), 1), RuntimeError, "same number of dim"),
    (lambda: mt.index_add(mt.ones(3), 0, _i(0), mt.ones(1, dtype=mt.float64)), RuntimeError,
     "must have the same scalar type"),
    (lambda: mt.index_add(mt.ones(3, 2), 0, _i(0, 1), mt.ones(2, 3)), RuntimeError,
     "does not match"),
    (lambda: mt.index_copy(mt.ones(3), 0, _i(3), mt.ones(1)), IndexError, "out of bounds"),
    (lambda: mt.index_fill(mt.ones(3), 0, _i([0]), 1.0), IndexError, "supposed to be a vector"),
    (lambda: mt.index_fill(mt.ones(3), 0, _i(0), mt.ones(2)), RuntimeError, "0-dimensional"),
    (lambda: mt.masked_scatter(mt.ones(2), _i(True, True), mt.ones(1)), RuntimeError,
     "at least 2 elements"),
    (lambda: mt.nanmean(_i(1, 2)), RuntimeError, "floating point dtype"),
    (lambda: mt.median(mt.ones(2, 0), 1), IndexError, "non-zero size"),
    (lambda: mt.aminmax(mt.ones(0)), IndexError, "non-zero size"),
    (lambda: mt.where(mt.tensor([True]), 1.0), TypeError, "condition alone"),
    (lambda: mt.tensor([1, 2]) // 0, RuntimeError, "ZeroDivisionError"),
    (lambda: 7 // mt.tensor([1, 0]), RuntimeError, "ZeroDivisionError"),
    (lambda: mt.tensor([3]) % mt.tensor([0]), RuntimeError, "ZeroDivisionError"),
    (lambda: mt.fmod(mt.tensor([3]), 0), RuntimeError, "ZeroDivisionError"),
    (lambda: mt.zeros(2, size=(2,)), TypeError, "multiple values for argument 'size'"),
    (lambda: mt.normal(0.0, 1.0), TypeError, "missing the required argument 'size'"),
    (lambda: mt.repeat_interleave(mt.ones(3), mt.tensor([1, 2])), RuntimeError,
     r"repeats must have the same size as input along dim"),
    (lambda: mt.repeat_interleave(mt.ones(2), mt.tensor([1, -1])), RuntimeError,
     "can not be negative"),
    (lambda: mt.mv(mt.ones(2, 3), mt.ones(3, 1)), RuntimeError, "matrix @ vector expected"),
    (lambda: mt.finfo(mt.int64), TypeError, "requires a floating point input type"),
    (lambda: mt.tensordot(mt.ones(2, 3), mt.ones(2, 3), 1), RuntimeError,
     "contracted dimensions need to match"),
    (lambda: mt.searchsorted(mt.ones(2, 2), mt.ones(1)), NotImplementedError, "1-d"),
    (lambda: mt.searchsorted(mt.ones(2), mt.ones(1), side="middle"), RuntimeError,
     "side can only be 'left' or 'right'"),
    (lambda: mt.searchsorted(mt.ones(2), mt.ones(1), side="left", right=True), RuntimeError,
     "side and right can't be set to opposites"),
    (lambda: mt.tensordot(mt.ones(2, 3), mt.ones(3, 2), dims=([1], [0, 1])), RuntimeError,
     "both dimension lists should have same length"),
    (lambda: mt.tensordot(mt.ones(2), mt.ones(2), -1), RuntimeError, "expects dims >= 0"),
    (lambda: mt.repeat_interleave(mt.ones(2), mt.ones(2, 1, dtype=mt.int64)), RuntimeError,
     "repeats must be a 0-d or 1-d integer tensor"),
    (lambda: mt.repeat_interleave(mt.ones(2), 2, output_size=3), RuntimeError,
     "output_size 3 does not match"),
    (lambda: mt.sum(mt.ones(2), dim=0, axis=0), TypeError, "got both 'dim' and its alias"),
    (lambda: mt.iinfo(mt.float32), TypeError, "requires an integer input type"),
])
def test_user_facing_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ---- PyTorch habits: the forms and results a PyTorch script relies on ----------------------

def test_where_with_two_numbers_takes_the_condition_shape_and_their_dtype(device):
    c = mt.arange(4, device=device) > 1
    f, i = mt.where(c, 1.0, 0.0), mt.where(c, 1, 0)
    assert f.dtype == mt.float32 and f.tolist() == [0.0, 0.0, 1.0, 1.0]
    assert i.dtype == mt.int64 and i.tolist() == [0, 0, 1, 1] and i.device == c.device


def test_trunc_division_with_a_number_on_either_side(device):
    a = mt.tensor([-7, 7, -6, 5], device=device)
    assert mt.div(a, 2, rounding_mode="trunc").tolist() == [-3, 3, -3, 2]
    assert mt.div(-7, mt.tensor([2, -2, 3], device=device), rounding_mode="trunc").tolist() == \
        [-3, 3, -2]


def test_fmod_keeps_the_sign_of_the_dividend_and_remainder_that_of_the_divisor(device):
    a = mt.tensor([-3.0, 3.0, -3.5], device=device)
    assert a.fmod(2).tolist() == [-1.0, 1.0, -1.5] and mt.fmod(a, -2).tolist() == [-1.0, 1.0, -1.5]
    assert a.remainder(2).tolist() == [1.0, 1.0, 0.5] and (a % -2).tolist() == [-1.0, -1.0, -1.5]
    assert mt.tensor([-7, 7]).fmod(3).tolist() == [-1, 1]


def test_integer_division_by_a_float_zero_is_floating_not_an_error():
    with np.errstate(divide="ignore"):
        assert mt.tensor([1]) // 0.0 == float("inf")


def test_factories_take_size_as_a_keyword_and_tensor_takes_ranges_and_arrays():
    assert mt.zeros(size=(2, 3)).shape == (2, 3) and mt.ones(size=[4]).shape == (4,)
    assert mt.empty(size=(1, 2)).shape == (1, 2) and mt.rand(size=(3,)).shape == (3,)
    assert mt.randn(size=(2, 2)).shape == (2, 2)
    assert mt.tensor(range(3)).tolist() == [0, 1, 2] and mt.tensor(range(3)).dtype == mt.int64
    t = mt.tensor([np.ones(2), np.zeros(2)])
    assert t.dtype == mt.float64 and t.tolist() == [[1.0, 1.0], [0.0, 0.0]]
    assert mt.tensor([np.ones(2, np.float32)]).dtype == mt.float32


def test_normal_with_tensor_mean_and_std_draws_one_sample_per_element():
    mt.manual_seed(0)
    mean = mt.full((2000, 2), 3.0, requires_grad=True)
    std = mt.tensor([0.5, 2.0])
    x = mt.normal(mean, std)
    assert x.shape == (2000, 2) and not x.requires_grad
    assert np.allclose(host(x.mean(0)), [3.0, 3.0], atol=0.2)
    assert np.allclose(host(x.std(0)), [0.5, 2.0], rtol=0.1)
    assert mt.normal(5.0, mt.ones(3, dtype=mt.float64)).dtype == mt.float64


def test_var_and_std_take_unbiased_positionally_as_pytorch():
    x = mt.tensor([[1.0, 2.0, 4.0], [0.0, 0.0, 3.0]])
    assert mt.allclose(x.var(1, False), x.var(1, correction=0))
    assert mt.allclose(x.var(False), x.var(correction=0))
    assert x.std(0, True, True).shape == (1, 3)
    assert mt.allclose(mt.var_mean(x, 1, False)[0], x.var(1, unbiased=False))
    assert mt.allclose(x.var(), x.var(correction=1))


def test_unique_sorts_and_gives_inverse_and_counts(device):
    x = mt.tensor([[3, 1], [3, 2]], device=device)
    assert mt.unique(x).tolist() == [1, 2, 3]
    values, inverse, counts = x.unique(return_inverse=True, return_counts=True)
    assert inverse.tolist() == [[2, 0], [2, 1]] and counts.tolist() == [1, 1, 2]
    assert inverse.dtype == counts.dtype == mt.int64 and values[inverse].tolist() == x.tolist()
    _, counts_only = mt.unique(x, return_counts=True)
    assert counts_only.tolist() == [1, 1, 2]
    assert not mt.unique(mt.ones(3, requires_grad=True)).requires_grad


def test_isin_with_a_tensor_or_a_number(device):
    x = mt.tensor([1, 2, 3], device=device)
    assert mt.isin(x, mt.tensor([2, 5], device=device)).tolist() == [False, True, False]
    assert mt.isin(x, 3, invert=True).tolist() == [True, True, False]


def test_finfo_and_iinfo_as_pytorch():
    f = mt.finfo(mt.float32)
    assert f.eps == float(np.finfo(np.float32).eps) and f.min == -f.max and f.bits == 32
    assert f.tiny == f.smallest_normal == float(np.finfo(np.float32).tiny)
    assert f.dtype == "float32" and mt.finfo().dtype == "float32"
    assert mt.finfo(mt.float16).max == 65504.0 and mt.finfo(mt.float64).bits == 64
    assert mt.iinfo(mt.int64).max == 2 ** 63 - 1 and mt.iinfo(mt.uint8).min == 0
    assert mt.is_floating_point(mt.ones(1)) and not mt.is_floating_point(mt.ones(1, dtype=mt.int64))


def test_repeat_interleave_gradient_sums_the_copies():
    x = mt.tensor([1.0, 2.0], requires_grad=True)
    y = x.repeat_interleave(mt.tensor([3, 1]))
    assert y.tolist() == [1.0, 1.0, 1.0, 2.0]
    (y * mt.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
    assert x.grad.tolist() == [6.0, 4.0]


def test_numpy_argument_names_axis_and_keepdims_work_as_in_pytorch():
    x = mt.tensor([[1.0, 5.0], [3.0, 2.0]])
    assert x.sum(axis=0).tolist() == [4.0, 7.0]
    assert mt.sum(x, axis=1, keepdims=True).shape == (2, 1)
    assert x.max(axis=1).values.tolist() == [5.0, 3.0] and x.argmax(axis=1).tolist() == [1, 0]
    assert mt.cat([x, x], axis=1).shape == (2, 4) and mt.stack([x, x], axis=0).shape == (2, 2, 2)
    assert mt.allclose(x.softmax(axis=-1), x.softmax(-1))
    assert x.mean(axis=0, keepdims=True).tolist() == [[2.0, 3.5]]
    with pytest.raises(TypeError, match="got both 'dim' and its alias 'axis'"):
        x.sum(dim=0, axis=1)


def test_searchsorted_and_bucketize_as_the_pytorch_docs(device):
    boundaries = mt.tensor([1, 3, 5, 7, 9], device=device)
    v = mt.tensor([[3, 6, 9], [3, 6, 9]], device=device)
    assert mt.searchsorted(boundaries, v).tolist() == [[1, 3, 4], [1, 3, 4]]
    assert mt.searchsorted(boundaries, v, right=True).tolist() == [[2, 3, 5], [2, 3, 5]]
    assert mt.searchsorted(boundaries, v, side="right").tolist() == [[2, 3, 5], [2, 3, 5]]
    assert mt.bucketize(v, boundaries).tolist() == [[1, 3, 4], [1, 3, 4]]
    assert mt.bucketize(v, boundaries, right=True).tolist() == [[2, 3, 5], [2, 3, 5]]
    assert mt.searchsorted(boundaries, 5).item() == 2
    assert mt.bucketize(v, boundaries, out_int32=True).dtype == mt.int32
