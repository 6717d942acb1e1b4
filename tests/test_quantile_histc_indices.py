"""quantile/nanquantile, histc, tril_indices/triu_indices, nn.BatchNorm3d, Tensor.size(dim) of a
0-d tensor and NumPy's axis= on select/tensor_split: what the op table does not reach (it checks
quantile's values and gradients): shapes, NaNs, PyTorch's edge cases, and one test per
user-facing error."""
import numpy as np
import pytest

import mytorch as mt

nn = mt.nn


def host(t):
    return t.detach().cpu().numpy()


# ---- quantile / nanquantile -----------------------------------------------------------------------

def test_quantile_of_a_1d_q_has_a_leading_dimension(device):
    x = np.random.default_rng(0).normal(size=(3, 5, 4))
    q = [0.1, 0.5, 0.95]
    got = mt.quantile(mt.tensor(x, device=device), mt.tensor(q, dtype=mt.float64, device=device),
                      dim=1)
    assert got.shape == (3, 3, 4) and got.dtype == mt.float64
    np.testing.assert_allclose(host(got), np.quantile(x, q, axis=1), rtol=1e-12)
    kept = mt.tensor(x).quantile(mt.tensor(q, dtype=mt.float64), dim=-1, keepdim=True)
    assert kept.shape == (3, 3, 5, 1)


def test_quantile_without_dim_reads_every_element():
    x = mt.tensor([[4.0, 1.0], [3.0, 2.0]])
    assert mt.quantile(x, 0.5).item() == pytest.approx(2.5)
    assert mt.quantile(x, 0.5, keepdim=True).shape == (1, 1)
    assert mt.quantile(x, 1).item() == 4.0 and mt.quantile(x, 0).item() == 1.0


@pytest.mark.parametrize("interpolation, want", [("linear", 0.6), ("lower", 0.0), ("higher", 1.0),
                                                 ("midpoint", 0.5), ("nearest", 1.0)])
def test_quantile_interpolations(interpolation, want):
    x = mt.tensor([3.0, 0.0, 2.0, 1.0])                 # sorted 0 1 2 3; rank 0.2·3 = 0.6
    got = mt.quantile(x, 0.2, interpolation=interpolation)
    assert got.item() == pytest.approx(want)


def test_quantile_nearest_rounds_half_to_even():
    x = mt.tensor([0.0, 10.0, 20.0, 30.0, 40.0, 50.0], dtype=mt.float64)   # rank 0.5·5 = 2.5
    assert mt.quantile(x, 0.5, interpolation="nearest").item() == 20.0
    assert mt.quantile(x, 0.7, interpolation="nearest").item() == 40.0    # rank 3.5: 4


def test_quantile_gradient_goes_to_the_two_order_statistics():
    x = mt.tensor([3.0, 0.0, 2.0, 1.0], dtype=mt.float64, requires_grad=True)
    mt.quantile(x, 0.2).backward()                      # 0.4·x₍0₎ + 0.6·x₍1₎ = 0.4·x[1] + 0.6·x[3]
    np.testing.assert_allclose(host(x.grad), [0.0, 0.4, 0.0, 0.6])
    x.grad = None
    mt.quantile(x, 0.2, interpolation="higher").backward()
    np.testing.assert_allclose(host(x.grad), [0.0, 0.0, 0.0, 1.0])


def test_quantile_is_nan_where_a_slice_holds_nan_and_nanquantile_skips_it():
    x = mt.tensor([[1.0, float("nan"), 3.0], [1.0, 2.0, 3.0]])
    q = mt.quantile(x, 0.5, dim=1)
    assert np.isnan(host(q)[0]) and q[1].item() == 2.0
    nq = mt.nanquantile(x, 0.5, dim=1)
    np.testing.assert_allclose(host(nq), [2.0, 2.0])
    all_nan = mt.tensor([float("nan")] * 3)
    assert np.isnan(mt.nanquantile(all_nan, 0.3).item())


def test_quantile_takes_numpy_names():
    x = mt.tensor([[1.0, 5.0, 2.0], [0.0, 4.0, 8.0]])
    np.testing.assert_allclose(host(mt.quantile(x, 0.5, axis=1, keepdims=True)), [[2.0], [4.0]])
    np.testing.assert_allclose(host(x.nanquantile(0.5, axis=0)), [0.5, 4.5, 5.0])


def test_quantile_errors():
    x = mt.tensor([1.0, 2.0, 3.0])
    with pytest.raises(RuntimeError, match=r"q must be in the range \[0, 1\] but got 1.5"):
        mt.quantile(x, 1.5)
    with pytest.raises(RuntimeError, match=r"quantile\(\) q values must be in the range \[0, 1\]"):
        mt.quantile(x, mt.tensor([0.5, -0.1]))
    with pytest.raises(RuntimeError, match="input tensor must be either float or double dtype"):
        mt.quantile(mt.tensor([1, 2, 3]), 0.5)
    with pytest.raises(RuntimeError, match="interpolation must be one of linear, lower, higher, "
                                           "midpoint or nearest, but got cubic"):
        mt.nanquantile(x, 0.5, interpolation="cubic")
    with pytest.raises(RuntimeError, match="input tensor must be non-empty"):
        mt.quantile(mt.zeros(0), 0.5)
    with pytest.raises(RuntimeError, match="q must be a scalar or 1D tensor"):
        mt.quantile(x, mt.full((2, 2), 0.5))
    with pytest.raises(RuntimeError, match="q tensor must be same dtype as the input tensor"):
        mt.quantile(x, mt.tensor([0.5], dtype=mt.float64))
    with pytest.raises(TypeError, match="argument 'q' must be float or Tensor, not list"):
        mt.quantile(x, [0.5])
    with pytest.raises(IndexError, match="Dimension out of range"):
        mt.quantile(x, 0.5, dim=1)


def test_quantile_q_on_another_device():
    x = mt.tensor([1.0, 2.0, 3.0], device="strict")
    with pytest.raises(RuntimeError, match="q tensor must be on the same device as the input"):
        mt.quantile(x, mt.tensor([0.5]))


# ---- histc ------------------------------------------------------------------------------------

@pytest.mark.parametrize("bins, lo, hi", [(10, -1.0, 1.0), (7, -3.0, 0.5), (1, 0.0, 2.0),
                                          (25, -0.25, 0.25)])
def test_histc_matches_numpy_histogram(device, bins, lo, hi):
    x = np.random.default_rng(1).normal(size=(40, 3))
    got = mt.histc(mt.tensor(x, device=device), bins=bins, min=lo, max=hi)
    want, _ = np.histogram(x, bins, range=(lo, hi))             # outside [lo, hi]: not counted
    assert got.shape == (bins,) and got.dtype == mt.float64
    np.testing.assert_array_equal(host(got), want)


def test_histc_default_range_is_the_data_and_the_last_bin_holds_max(device):
    x = mt.tensor([1.0, 2.0, 1.0, 4.0, 4.0], device=device)
    got = x.histc(bins=3)                                       # bins [1, 2), [2, 3), [3, 4]
    assert got.dtype == mt.float32
    np.testing.assert_array_equal(host(got), [2.0, 1.0, 2.0])
    np.testing.assert_array_equal(host(mt.histc(x, 3, min=2.5, max=2.5)), [2.0, 1.0, 2.0])


def test_histc_of_constant_data_spans_one_either_side():
    got = mt.histc(mt.full((3,), 3.0), bins=4)                  # range [2, 4]: 3 in bin 2
    np.testing.assert_array_equal(host(got), [0.0, 0.0, 3.0, 0.0])
    np.testing.assert_array_equal(host(mt.histc(mt.zeros(0), bins=2)), [0.0, 0.0])


def test_histc_ignores_nan_and_has_no_gradient():
    x = mt.tensor([0.5, float("nan"), 1.5, 5.0], requires_grad=True)
    got = mt.histc(x, bins=2, min=0, max=2)
    np.testing.assert_array_equal(host(got), [1.0, 1.0])
    assert not got.requires_grad and got.grad_fn is None


def test_histc_errors():
    with pytest.raises(RuntimeError, match="\"histc\" not implemented for 'int64'"):
        mt.histc(mt.tensor([1, 2, 3]))
    with pytest.raises(RuntimeError, match="bins must be > 0, but got 0"):
        mt.histc(mt.tensor([1.0]), bins=0)
    with pytest.raises(RuntimeError, match="max must be larger than min"):
        mt.histc(mt.tensor([1.0]), min=2, max=1)
    with pytest.raises(RuntimeError, match=r"range of \[nan, nan\] is not finite"):
        mt.histc(mt.tensor([1.0, float("nan")]))
    with pytest.raises(RuntimeError, match=r"range of \[0.0, inf\] is not finite"):
        mt.histc(mt.tensor([1.0]), min=0, max=float("inf"))


# ---- tril_indices / triu_indices --------------------------------------------------------------

@pytest.mark.parametrize("row, col", [(4, 4), (3, 5), (5, 2), (1, 1), (0, 3), (3, 0)])
@pytest.mark.parametrize("offset", [0, 1, -1, 2, -3, 7, -7])
def test_triangle_indices_match_numpy(row, col, offset):
    for ours, theirs in ((mt.tril_indices, np.tril_indices), (mt.triu_indices, np.triu_indices)):
        got = ours(row, col, offset)
        assert got.dtype == mt.int64 and got.shape == (2, len(theirs(row, offset, col)[0]))
        np.testing.assert_array_equal(host(got), np.stack(theirs(row, offset, col)))


def test_triangle_indices_index_the_triangle_row_by_row(device):
    r, c = mt.triu_indices(3, 3, offset=1, dtype=mt.int32, device=device)
    assert r.dtype == mt.int32 and r.device.type == device
    assert r.tolist() == [0, 0, 1] and c.tolist() == [1, 2, 2]
    m = mt.arange(12.0).reshape(3, 4)
    i = mt.tril_indices(3, 4)
    np.testing.assert_array_equal(host(m[i[0], i[1]]), host(m)[np.tril_indices(3, 0, 4)])


def test_triangle_indices_errors():
    with pytest.raises(RuntimeError, match="row must be non-negative, got -1"):
        mt.tril_indices(-1, 3)
    with pytest.raises(RuntimeError, match="col must be non-negative, got -2"):
        mt.triu_indices(3, -2)
    with pytest.raises(RuntimeError, match="\"triu_indices\" not implemented for 'float32'"):
        mt.triu_indices(3, 3, dtype=mt.float32)


# ---- nn.BatchNorm3d ---------------------------------------------------------------------------

def test_batchnorm3d_training_matches_the_formula_and_updates_running_stats():
    rng = np.random.default_rng(2)
    x = rng.normal(2.0, 3.0, size=(4, 3, 2, 3, 2))
    bn = nn.BatchNorm3d(3, momentum=0.2, dtype=mt.float64)
    with mt.no_grad():
        bn.weight.copy_(mt.tensor([1.0, 2.0, -0.5], dtype=mt.float64))
        bn.bias.copy_(mt.tensor([0.0, 1.0, 3.0], dtype=mt.float64))
    out = bn(mt.tensor(x))
    mean = x.mean(axis=(0, 2, 3, 4), keepdims=True)
    var = x.var(axis=(0, 2, 3, 4), keepdims=True)
    want = (x - mean) / np.sqrt(var + 1e-5) * np.array([1.0, 2.0, -0.5]).reshape(1, 3, 1, 1, 1) \
        + np.array([0.0, 1.0, 3.0]).reshape(1, 3, 1, 1, 1)
    np.testing.assert_allclose(host(out), want, rtol=1e-10, atol=1e-10)
    n = x.size / 3
    np.testing.assert_allclose(host(bn.running_mean), 0.2 * mean.reshape(-1), rtol=1e-12)
    np.testing.assert_allclose(host(bn.running_var), 0.8 + 0.2 * var.reshape(-1) * n / (n - 1),
                               rtol=1e-12)
    assert bn.num_batches_tracked.item() == 1


def test_batchnorm3d_eval_uses_the_running_estimates():
    bn = nn.BatchNorm3d(2, dtype=mt.float64)
    with mt.no_grad():
        bn.running_mean.copy_(mt.tensor([1.0, -2.0], dtype=mt.float64))
        bn.running_var.copy_(mt.tensor([4.0, 0.25], dtype=mt.float64))
    bn.eval()
    x = np.random.default_rng(3).normal(size=(1, 2, 1, 2, 3))
    want = (x - np.array([1.0, -2.0]).reshape(1, 2, 1, 1, 1)) / \
        np.sqrt(np.array([4.0, 0.25]).reshape(1, 2, 1, 1, 1) + 1e-5)
    np.testing.assert_allclose(host(bn(mt.tensor(x))), want, rtol=1e-12)
    assert bn.num_batches_tracked.item() == 0


def test_batchnorm3d_gradcheck():
    bn = nn.BatchNorm3d(2, dtype=mt.float64)
    x = mt.randn(3, 2, 2, 2, 3, dtype=mt.float64, requires_grad=True)
    w = mt.tensor([1.5, -0.7], dtype=mt.float64, requires_grad=True)
    b = mt.tensor([0.3, 0.1], dtype=mt.float64, requires_grad=True)

    def f(x, w, b):
        return nn.functional.batch_norm(x, None, None, w, b, training=True)

    assert mt.autograd.gradcheck(f, (x, w, b))
    assert mt.autograd.gradcheck(lambda x: bn(x), (x,))


def test_batchnorm3d_shape_errors_and_repr():
    bn = nn.BatchNorm3d(3)
    assert repr(bn) == "BatchNorm3d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, " \
                       "track_running_stats=True)"
    assert set(bn.state_dict()) == {"weight", "bias", "running_mean", "running_var",
                                    "num_batches_tracked"}
    with pytest.raises(ValueError, match=r"expected 5D input \(got 4D input\)"):
        bn(mt.randn(2, 3, 4, 4))
    with pytest.raises(RuntimeError, match="dimension 1 must be 3"):
        bn(mt.randn(2, 4, 1, 2, 2))


# ---- Tensor.size(dim) of a 0-d tensor; NumPy's axis= on select and tensor_split ---------------

def test_size_of_a_0d_tensor_names_the_dimension():
    x = mt.tensor(3.0)
    assert x.size() == () and mt.zeros(2, 5).size(-1) == 5
    with pytest.raises(IndexError, match="Dimension specified as 0 but tensor has no dimensions"):
        x.size(0)
    with pytest.raises(IndexError, match="Dimension specified as -1 but tensor has no dimensions"):
        x.size(-1)


def test_select_and_tensor_split_take_axis():
    x = mt.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(host(mt.select(x, axis=1, index=2)), [2.0, 6.0, 10.0])
    np.testing.assert_array_equal(host(x.select(axis=0, index=-1)), [8.0, 9.0, 10.0, 11.0])
    parts = mt.tensor_split(x, 3, axis=1)
    assert [tuple(p.shape) for p in parts] == [(3, 2), (3, 1), (3, 1)]
    assert [tuple(p.shape) for p in x.tensor_split([1], axis=0)] == [(1, 4), (2, 4)]
    with pytest.raises(TypeError, match="got both 'dim' and its alias 'axis'"):
        mt.select(x, dim=0, axis=1, index=0)
    with pytest.raises(TypeError, match="got both 'dim' and its alias 'axis'"):
        x.tensor_split(2, dim=0, axis=1)
