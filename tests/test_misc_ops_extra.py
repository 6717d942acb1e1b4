"""The ops of ops/reduction_extra.py, shape_extra.py, indexing_extra.py, the window functions,
the small Tensor facts (is_nonzero, storage_offset, ...), set_printoptions and the thread
count: behaviour the op table does not check (results that are not differentiable, views
and versions, errors). Numbers marked "torch 2.13" were printed by PyTorch."""
import numpy as np
import pytest

import mytorch as mt


def close(t, values, atol=1e-4):
    np.testing.assert_allclose(t.detach().numpy(), values, atol=atol)


# ---- reductions and statistics ---------------------------------------------------------------

def test_kthvalue_named_tuple_and_range():
    out = mt.tensor([3.0, 1.0, 2.0]).kthvalue(2)
    assert out.values.item() == 2.0 and out.indices.item() == 2
    with pytest.raises(RuntimeError, match="selected number k out of range for dimension 0"):
        mt.kthvalue(mt.tensor([3.0, 1.0, 2.0]), 4)


def test_nanmedian_ignores_nans_and_all_nan_gives_nan():
    nan = float("nan")
    out = mt.nanmedian(mt.tensor([[nan, nan, nan], [1.0, nan, 2.0]]), 1)
    assert np.isnan(out.values[0].item()) and out.values[1].item() == 1.0
    assert out.indices.tolist() == [0, 0]                 # torch 2.13
    assert np.isnan(mt.tensor([nan, nan]).nanmedian().item())


def test_unique_consecutive_matches_torch():
    x = mt.tensor([1, 1, 2, 2, 3, 1, 1, 2])
    values, inverse, counts = mt.unique_consecutive(x, return_inverse=True, return_counts=True)
    assert values.tolist() == [1, 2, 3, 1, 2]
    assert inverse.tolist() == [0, 0, 1, 1, 2, 3, 3, 4] and counts.tolist() == [2, 2, 1, 2, 1]
    rows, counts = mt.tensor([[1, 1], [1, 1], [2, 3]]).unique_consecutive(return_counts=True,
                                                                          dim=0)
    assert rows.tolist() == [[1, 1], [2, 3]] and counts.tolist() == [2, 1]
    assert mt.unique_consecutive(x).tolist() == [1, 2, 3, 1, 2]


def test_cov_of_integers_and_degrees_of_freedom_warning():
    close(mt.cov(mt.tensor([[1, 2, 4], [3, 1, 0]])), [[2.3333, -2.1667], [-2.1667, 2.3333]])
    assert mt.cov(mt.tensor([1.0, 2.0, 4.0])).shape == ()
    with pytest.warns(UserWarning, match="degrees of freedom is <= 0"):
        assert np.isnan(mt.cov(mt.ones(2, 1)).numpy()).all()


@pytest.mark.parametrize("kwargs, match", [
    ({"fweights": mt.ones(3)}, "expected fweights to have integral dtype but got fweights with "
                               "Float dtype"),
    ({"fweights": mt.ones(2, dtype=mt.long)}, "same numel as there are observations in the "
                                              "input but got 2 != 3"),
    ({"fweights": -mt.ones(3, dtype=mt.long)}, "fweights cannot be negative"),
    ({"aweights": mt.ones(3, dtype=mt.long)}, "expected aweights to have floating point dtype"),
    ({"aweights": -mt.ones(3)}, "aweights cannot be negative"),
    ({"fweights": mt.ones(1, 3, dtype=mt.long)}, "one or fewer dimensions"),
])
def test_cov_weight_errors(kwargs, match):
    with pytest.raises(RuntimeError, match=match):
        mt.cov(mt.ones(2, 3), **kwargs)


def test_cov_input_dimension_error():
    with pytest.raises(RuntimeError, match="two or fewer dimensions but got an input with 3"):
        mt.cov(mt.ones(2, 2, 2))


@pytest.mark.parametrize("args, match", [
    ((mt.ones(2, 3), -1, 0, 1.0), "non-positive-norm not supported"),
    ((mt.ones(2, 3), 2, 0, -1.0), "expected maxnorm to be >= 0 but got -1"),
    ((mt.ones(3), 2, 0, 1.0), "input needs at least 2 dimensions, got 1"),
])
def test_renorm_errors(args, match):
    with pytest.raises(RuntimeError, match=match):
        mt.renorm(*args)


def test_renorm_in_place():
    x = mt.ones(2, 3)
    assert x.renorm_(2, 0, 1.0) is x and x._version == 1
    close(x, np.full((2, 3), 0.57735))


def test_histogram_matches_torch():
    hist, edges = mt.histogram(mt.tensor([1.0, 2.0, 1.0]), bins=4, range=(0.0, 3.0),
                               weight=mt.tensor([1.0, 2.0, 4.0]), density=True)
    close(hist, [0.0, 0.9524, 0.3810, 0.0])                    # torch 2.13
    close(edges, [0.0, 0.75, 1.5, 2.25, 3.0])
    hist, edges = mt.tensor([1.0, 1.0, 1.0]).histogram(4)      # equal values: ±0.5
    close(hist, [0, 0, 3, 0]) and close(edges, [0.5, 0.75, 1.0, 1.25, 1.5])
    hist, _ = mt.histogram(mt.tensor([1.0, 2.0, 1.0]), mt.tensor([0.0, 1.5, 3.0]))
    close(hist, [2, 1])


@pytest.mark.parametrize("call, error, match", [
    (lambda: mt.histogram(mt.tensor([1, 2]), 4), NotImplementedError, "not implemented for"),
    (lambda: mt.histogram(mt.ones(3), 0), RuntimeError, "bins must be > 0, but got 0"),
    (lambda: mt.histogram(mt.ones(3), 2, range=(3.0, 1.0)), RuntimeError,
     "min should not exceed max"),
    (lambda: mt.histogram(mt.ones(3), mt.ones(2, dtype=mt.float64)), RuntimeError,
     "should have the same dtype"),
    (lambda: mt.histogram(mt.ones(3), weight=mt.ones(2)), RuntimeError, "same shape"),
])
def test_histogram_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_trapezoid_integers_spacing_and_errors():
    assert mt.trapezoid(mt.tensor([1, 2, 3])).item() == 4.0
    assert mt.trapezoid(mt.tensor([1, 2, 3]), dx=2).item() == 8.0
    assert mt.trapz(mt.tensor([1.0, 2.0, 3.0]), mt.tensor([0, 1, 3])).item() == 6.5
    close(mt.cumulative_trapezoid(mt.tensor([1.0, 2.0, 3.0]), dx=2), [3.0, 8.0])
    assert mt.trapezoid(mt.ones(0)).item() == 0.0
    with pytest.raises(RuntimeError, match="There must be one `x` value for each sample point"):
        mt.trapezoid(mt.ones(2, 3), mt.tensor([0.0, 1.0]))
    with pytest.raises(TypeError, match="either x or dx"):
        mt.trapezoid(mt.ones(3), mt.ones(3), dx=1.0)


# ---- shape and construction --------------------------------------------------------------------

@pytest.mark.parametrize("call, match", [
    (lambda: mt.hsplit(mt.ones(2, 3), 2), "size of the dimension 3 is not divisible by the "
                                          "split_size 2"),
    (lambda: mt.vsplit(mt.ones(6), 2), "requires a tensor with at least 2 dimension"),
    (lambda: mt.dsplit(mt.ones(2, 2), [1]), "requires a tensor with at least 3 dimension"),
    (lambda: mt.fliplr(mt.ones(3)), "Input must be >= 2-d"),
    (lambda: mt.flipud(mt.tensor(1.0)), "Input must be >= 1-d"),
    (lambda: mt.block_diag(mt.ones(2, 2, 2)), "Input 0 has 3 dimensions"),
    (lambda: mt.combinations(mt.ones(1, 3)), "Expect a 1D vector, but got shape \\[1, 3\\]"),
    (lambda: mt.combinations(mt.ones(3), -1), "Expect a non-negative number"),
    (lambda: mt.cartesian_prod(mt.ones(2, 2)), "Expect a 1D vector"),
    (lambda: mt.inner(mt.ones(2), mt.ones(3)), "the last dimension must match"),
    (lambda: mt.vdot(mt.ones(2), mt.ones(3)), "inconsistent tensor size"),
    (lambda: mt.vdot(mt.ones(1, 2), mt.ones(2)), "1D tensors expected, but got 2D and 1D"),
])
def test_shape_errors(call, match):
    with pytest.raises(RuntimeError, match=match):
        call()


def test_constructions_match_torch():
    out = mt.block_diag(mt.tensor(1), mt.tensor([2.0, 3.0]), mt.ones(2, 2, dtype=mt.int32))
    assert out.dtype == mt.float32 and out.shape == (4, 5)
    assert mt.block_diag().shape == (1, 0)
    assert mt.combinations(mt.tensor([1, 2, 3]), 4).shape == (0, 4)        # torch 2.13
    assert mt.combinations(mt.tensor([1, 2, 3]), 0).shape == (0,)
    x = mt.tensor([1, 2])
    assert mt.cartesian_prod(x) is x
    assert mt.column_stack([mt.tensor([1.0, 2.0]), mt.ones(2, 2)]).tolist() == \
        [[1, 1, 1], [2, 1, 1]]
    assert mt.diagflat(mt.tensor([[1, 2], [3, 4]]), 1).shape == (5, 5)


def test_unravel_index_wraps_as_torch_and_checks_dtype():
    rows, cols = mt.unravel_index(mt.tensor([5, 7]), (2, 3))
    assert rows.tolist() == [1, 0] and cols.tolist() == [2, 1]            # torch 2.13
    assert [c.item() for c in mt.unravel_index(mt.tensor(4), (2, 3))] == [1, 1]
    with pytest.raises(TypeError, match="expected 'indices' to be integer dtype"):
        mt.unravel_index(mt.tensor([1.0]), (2, 3))


def test_ravel_and_narrow_copy_layouts():
    x = mt.arange(6).reshape(2, 3)
    assert x.ravel()._vc is x._vc                       # contiguous: a view
    assert x.t().ravel().tolist() == [0, 3, 1, 4, 2, 5]
    y = x.narrow_copy(0, 0, 1)
    assert y._vc is not x._vc and y.is_contiguous()
    assert x.t().narrow_copy(0, 1, 2).stride() == (2, 1)


def test_as_strided_is_a_view_of_the_storage():
    a = mt.arange(12.0).reshape(3, 4)
    v = a[:, 1:].as_strided((2, 2), (1, 2))             # from the view's own offset, 1
    assert v.tolist() == [[1.0, 3.0], [2.0, 4.0]]
    a.add_(1)
    assert v.tolist() == [[2.0, 4.0], [3.0, 5.0]] and v._version == a._version
    assert v.storage_offset() == 1 and v.stride() == (1, 2)


@pytest.mark.parametrize("args, match", [
    (((20,), (1,)), "requiring a storage size of 80 are out of bounds for storage of size 48"),
    (((2,), (-1,)), "Negative strides are not supported"),
    (((2, 2), (1,)), "mismatch in length of strides and shape"),
])
def test_as_strided_errors(args, match):
    with pytest.raises(RuntimeError, match=match):
        mt.arange(12.0).reshape(3, 4).as_strided(*args)


def test_as_strided_gradient_of_an_expanded_input_is_shared():
    x = mt.tensor([1.0, 2.0], requires_grad=True)
    y = x.expand(3, 2).as_strided((2,), (1,))           # reads the storage: x itself
    y.sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]


def test_in_place_view_methods():
    x = mt.randn(2, 3)
    assert x.t_() is x and x.shape == (3, 2) and x._version == 1
    x.unsqueeze_(0).squeeze_(0).transpose_(0, 1).swapdims_(0, 1).swapaxes_(1, 0)
    assert x.shape == (2, 3)
    leaf = mt.randn(2, 3, requires_grad=True)
    y = leaf * 2
    y.t_()
    assert y.grad_fn.name() == "PermuteBackward0"
    y.sum().backward()
    assert leaf.grad.shape == (2, 3)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        leaf.t_()


def test_window_functions_match_torch():
    close(mt.hann_window(5), [0.0, 0.3455, 0.9045, 0.9045, 0.3455])          # torch 2.13
    close(mt.kaiser_window(4), [5.2773e-05, 2.1567e-01, 1.0, 2.1567e-01], atol=1e-5)
    close(mt.kaiser_window(4, False, 5.0), [0.0367, 0.7753, 0.7753, 0.0367])
    close(mt.hamming_window(4, periodic=False), np.hamming(4))
    close(mt.blackman_window(5, periodic=False), np.blackman(5))
    close(mt.bartlett_window(5, periodic=False), np.bartlett(5))
    assert mt.hann_window(1).tolist() == [1.0] and mt.hann_window(0).shape == (0,)
    assert mt.hann_window(3, dtype=mt.float64).dtype == mt.float64
    with pytest.raises(RuntimeError, match="hann_window expects floating point dtypes"):
        mt.hann_window(3, dtype=mt.int64)
    with pytest.raises(RuntimeError, match="requires non-negative window_length, got "
                                           "window_length=-1"):
        mt.hann_window(-1)


# ---- scatters ------------------------------------------------------------------------------

def test_scatter_reduce_matches_torch():
    x = mt.ones(3, 4)
    index, src = mt.tensor([[0, 1, 0, 0]]), mt.tensor([[2.0, 3.0, 4.0, 5.0]])
    expected = [[2, 1, 4, 5], [1, 3, 1, 1], [1, 1, 1, 1]]                  # torch 2.13
    assert mt.scatter_reduce(x, 0, index, src, "prod", include_self=False).tolist() == expected
    assert x.scatter_reduce(0, index, src, "amax").tolist() == expected
    ints = mt.scatter_reduce(mt.ones(3, dtype=mt.long), 0, mt.tensor([0, 0, 1]),
                             mt.tensor([2, 3, 5]), "mean")
    assert ints.tolist() == [2, 3, 1]                                     # rounds down
    assert x.scatter_reduce_(0, index, src, "sum") is x and x._version == 1


@pytest.mark.parametrize("call, match", [
    (lambda x: x.scatter_reduce(0, mt.tensor([0]), mt.ones(1), "max"),
     "reduce argument must be either sum, prod, mean, amax or amin, got max"),
    (lambda x: x.scatter_reduce(0, mt.tensor([0]), mt.ones(1, dtype=mt.float64), "sum"),
     "Expected self.dtype to be equal to src.dtype"),
    (lambda x: x.index_reduce(0, mt.tensor([0]), mt.ones(1), "sum"),
     "Expected reduce to be one of prod, mean, amax or amin but got sum"),
    (lambda x: x.put(mt.tensor([0, 3]), mt.ones(2)),
     "out of range: tried to access index 3 on a tensor of 3 elements"),
    (lambda x: x.put(mt.tensor([0, 1]), mt.ones(3)),
     "Expected source and index to have the same number of elements"),
    (lambda x: x.slice_scatter(mt.ones(2), 0, 0, 1),
     "expected src to have a size equal to the slice of self. src size = \\[2\\], slice size"),
    (lambda x: x.select_scatter(mt.ones(1), 0, 3), "index 3 out of range"),
    (lambda x: x.diagonal_scatter(mt.ones(3)), "must have at least 2 dimensions"),
])
def test_scatter_errors(call, match):
    with pytest.raises((RuntimeError, IndexError), match=match):
        call(mt.ones(3))


def test_index_put_and_put_in_place():
    x = mt.ones(3, 4)
    x.index_put_((mt.tensor([0, 0]),), mt.tensor(2.0), accumulate=True)
    assert x[0].tolist() == [5.0] * 4                                     # torch 2.13
    x.put_(mt.tensor([0, -1]), mt.tensor([7.0, 8.0]))
    assert x[0, 0].item() == 7.0 and x[-1, -1].item() == 8.0 and x._version == 2
    y = mt.ones(2).index_reduce_(0, mt.tensor([1, 1]), mt.tensor([3.0, 4.0]), "amin",
                                 include_self=False)
    assert y.tolist() == [1.0, 3.0]


# ---- facts about a tensor -------------------------------------------------------------------

def test_small_facts():
    x = mt.arange(12.0).reshape(3, 4)
    assert x.is_same_size(mt.ones(3, 4)) and not x.is_same_size(mt.ones(4, 3))
    assert x.is_signed() and mt.tensor([1]).is_signed()
    assert not mt.tensor([1], dtype=mt.uint8).is_signed() and not mt.tensor([True]).is_signed()
    assert x.ndimension() == 2 and x.get_device() == -1 and x.is_cpu
    assert x[1:, 2:].storage_offset() == 6 and x.storage_offset() == 0
    assert x[1].data_ptr() - x.data_ptr() == 4 * x.element_size()
    assert mt.tensor([0.0]).is_nonzero() is False
    e = x.new_empty_strided((2, 2), (1, 2))
    assert e.stride() == (1, 2) and e.dtype == x.dtype
    assert mt.ones(2, 3).sum_to_size(1, 3).tolist() == [[2.0, 2.0, 2.0]]
    assert mt.ones(2, 3).sum_to_size(3).tolist() == [2.0, 2.0, 2.0]


@pytest.mark.parametrize("x, match", [
    (mt.tensor([1.0, 2.0]), "more than one value is ambiguous"),
    (mt.tensor([]), "with no values is ambiguous"),
])
def test_is_nonzero_errors(x, match):
    with pytest.raises(RuntimeError, match=match):
        x.is_nonzero()


def test_sum_to_size_error():
    with pytest.raises(RuntimeError, match="size \\{\\[2, 2\\]\\} is not expandable to size "
                                           "\\{\\[2, 3\\]\\}"):
        mt.ones(2, 3).sum_to_size(2, 2)


def test_num_threads():
    n = mt.get_num_threads()
    assert isinstance(n, int) and n >= 1
    mt.set_num_threads(1)
    assert mt.get_num_threads() == 1
    mt.set_num_threads(n)
    with pytest.raises(RuntimeError, match="set_num_threads expects a positive integer"):
        mt.set_num_threads(0)


@pytest.fixture
def printoptions():
    yield mt.set_printoptions
    mt.set_printoptions(profile="default")


def test_set_printoptions(printoptions):
    printoptions(precision=2)
    assert repr(mt.tensor([1.2345, 2.0])) == "tensor([1.23, 2.00])"
    printoptions(sci_mode=True)
    assert repr(mt.tensor([1.5])) == "tensor([1.50e+00])"
    printoptions(profile="default", threshold=5, edgeitems=1)
    assert repr(mt.arange(10)) == "tensor([0,  ..., 9])"                  # torch 2.13
    printoptions(profile="full")
    assert "..." not in repr(mt.arange(2000))
    printoptions(profile="default", linewidth=20)
    assert repr(mt.arange(10)) == "tensor([0, 1, 2, 3,\n        4, 5, 6, 7,\n        8, 9])"
    printoptions(profile="short")
    assert repr(mt.tensor([1.23456])) == "tensor([1.23])"
    with pytest.raises(ValueError, match="profile must be one of"):
        printoptions(profile="long")
