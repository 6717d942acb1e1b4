"""Pooling, interpolate and pixel_shuffle: against the loop references of tests/optable/conv.py
over tables of geometries, against hand-computed values (PyTorch's tie, NaN and index rules,
count_include_pad, ceil_mode, adaptive cells, interpolation coordinates), and their errors."""
import itertools
import math
import zlib

import numpy as np
import pytest

import mytorch as mt
import mytorch.nn.functional as F
from optable.conv import (max_pool_ref, avg_pool_ref, adaptive_avg_pool_ref,
                          adaptive_max_pool_ref, interpolate_ref, pool_out_size)
from optable.spec import distinct

inf, nan = math.inf, math.nan


def host(t):
    return t.detach().cpu().numpy()


def t64(a, device="cpu", requires_grad=False):
    return mt.tensor(a, dtype=mt.float64, device=device, requires_grad=requires_grad)


def rng_for(*params):
    return np.random.default_rng(zlib.crc32(repr(params).encode()))


def _legal(kernel, padding, dilation, sizes, stride, ceil_mode):
    """PyTorch's constraints: pad ≤ half the effective kernel, at least one output."""
    stride = kernel if stride is None else stride
    kernel, stride, padding, dilation = (np.broadcast_to(v, (2,)) for v in
                                         (kernel, stride, padding, dilation))
    if any(p > (d * (k - 1) + 1) // 2 for p, k, d in zip(padding, kernel, dilation)):
        return False
    return all(pool_out_size(*a, ceil_mode) > 0
               for a in zip(sizes, kernel, stride, padding, dilation))


# ---- max pooling --------------------------------------------------------------------------------

MAX_GEOMETRIES = [g for g in itertools.product([(2, 2), (3, 2), (1, 3), 3], [None, 1, 2, (2, 3)],
                                               [0, 1, (1, 0)], [1, 2, (2, 1)], [False, True])
                  if _legal(*g[:1], g[2], g[3], (7, 6), g[1], g[4])]


@pytest.mark.parametrize("kernel,stride,padding,dilation,ceil_mode", MAX_GEOMETRIES,
                         ids=["-".join(map(str, g)) for g in MAX_GEOMETRIES])
def test_max_pool2d_matches_loop_reference(kernel, stride, padding, dilation, ceil_mode):
    """Values, flat indices and the gradient (the cotangent scattered to the chosen elements,
    summed where windows overlap) against PyTorch's loop."""
    rng = rng_for(kernel, stride, padding, dilation, ceil_mode)
    x_np = distinct(rng, (2, 3, 7, 6))
    x = t64(x_np, requires_grad=True)
    y, idx = F.max_pool2d(x, kernel, stride, padding, dilation, ceil_mode, return_indices=True)
    want_y, want_idx = max_pool_ref(x_np, kernel, stride, padding, dilation, ceil_mode,
                                    return_indices=True, n=2)
    assert tuple(y.shape) == want_y.shape and idx.dtype == mt.int64
    np.testing.assert_array_equal(host(y), want_y)
    np.testing.assert_array_equal(host(idx), want_idx)
    g = rng.standard_normal(want_y.shape)
    y.backward(t64(g))
    want_grad = np.zeros((6, 42))
    np.add.at(want_grad, (np.arange(6)[:, None], want_idx.reshape(6, -1)), g.reshape(6, -1))
    np.testing.assert_allclose(host(x.grad), want_grad.reshape(x_np.shape), atol=1e-12)
    unbatched = F.max_pool2d(t64(x_np[0]), kernel, stride, padding, dilation, ceil_mode)
    np.testing.assert_array_equal(host(unbatched), want_y[0])


def test_max_pool2d_indices_are_flat_in_each_input_plane(device):
    plane = np.array([[0, 5, 1, 2], [3, 4, 9, 6], [7, 8, 2, 1], [0, 0, 3, 4.0]])
    x = t64(np.stack([plane, plane[::-1]])[None], device)          # (1, 2, 4, 4)
    y, idx = F.max_pool2d(x, 2, return_indices=True)
    assert y.tolist() == [[[[5, 9], [8, 4]], [[8, 4], [5, 9]]]]
    # channel 1 (the plane upside down) counts from its own plane's start, not from 16
    assert idx.tolist() == [[[[1, 6], [9, 15]], [[5, 3], [13, 10]]]]
    assert idx.device == x.device


def test_max_pool_ties_pick_the_first_maximum_and_only_it_gets_the_gradient():
    x = t64([[1.0, 3.0, 3.0, 2.0]], requires_grad=True)
    y, idx = F.max_pool1d(x, 2, 1, return_indices=True)
    assert y.tolist() == [[3, 3, 3]] and idx.tolist() == [[1, 1, 2]]
    y.backward(t64([[1.0, 10.0, 100.0]]))
    assert x.grad.tolist() == [[0, 11, 100, 0]]          # window 1 chose index 1, window 2 index 2
    # a constant plane: every window picks its first element in row-major order
    x = t64(np.ones((1, 1, 4, 4)), requires_grad=True)
    y, idx = F.max_pool2d(x, 2, return_indices=True)
    assert idx.tolist() == [[[[0, 2], [8, 10]]]]
    y.sum().backward()
    assert host(x.grad)[0, 0].tolist() == [[1, 0, 1, 0], [0, 0, 0, 0], [1, 0, 1, 0], [0, 0, 0, 0]]
    # overlapping windows with a tie inside a column
    x = t64([[[[1.0, 2.0], [2.0, 0.0]]]], requires_grad=True)
    y, idx = F.max_pool2d(x, 2, 1, return_indices=True)
    assert idx.tolist() == [[[[1]]]]


def test_max_pool_nan_propagates():
    x = t64([[1.0, nan, 3.0, 2.0]], requires_grad=True)
    y, idx = F.max_pool1d(x, 2, 1, return_indices=True)
    assert np.isnan(host(y)[0, :2]).all() and host(y)[0, 2] == 3
    assert idx.tolist() == [[1, 1, 2]]
    y.backward(t64([[1.0, 10.0, 100.0]]))
    assert x.grad.tolist() == [[0, 11, 100, 0]]
    y2 = F.max_pool2d(t64([[[[nan, 1.0], [2.0, 3.0]], [[0.0, 1.0], [2.0, 3.0]]]]), 2)
    assert np.isnan(host(y2)[0, 0, 0, 0]) and host(y2)[0, 1, 0, 0] == 3
    ya = F.adaptive_max_pool1d(t64([[4.0, 1.0, nan, 2.0]]), 2)
    assert host(ya)[0, 0] == 4 and np.isnan(host(ya)[0, 1])


def test_max_pool_padding_is_never_chosen():
    """-inf padding: a window of negative values picks an input element."""
    x = t64([[-5.0, -1.0, -3.0]])
    y, idx = F.max_pool1d(x, 3, 1, padding=1, return_indices=True)
    assert y.tolist() == [[-1, -1, -1]] and idx.tolist() == [[1, 1, 1]]


def test_max_pool_all_minus_inf_window_with_dilation_indexes_inside_the_window():
    x = t64([[-inf, -inf, -inf, 1.0, -inf]], requires_grad=True)
    y, idx = F.max_pool1d(x, 2, 2, padding=1, dilation=2, return_indices=True)
    # window 0 covers positions -1 (padding) and 1: PyTorch starts its index at 1
    assert idx.tolist() == max_pool_ref(host(x), 2, 2, 1, 2, return_indices=True, n=1)[1].tolist()
    y.backward(t64([[1.0, 10.0, 100.0]]))
    assert host(x.grad)[0, 0] == 0


def test_max_pool_integers_keep_their_dtype():
    x = mt.arange(20).reshape(1, 4, 5)
    y = F.max_pool2d(x, 2)
    assert y.dtype == mt.int64 and y.tolist() == [[[6, 8], [16, 18]]]


def test_max_pool1d_and_3d_match_reference():
    rng = rng_for("1d3d")
    x1 = distinct(rng, (2, 3, 9))
    for kw in ({"kernel_size": 3}, {"kernel_size": 2, "stride": 1, "padding": 1},
               {"kernel_size": 3, "stride": 2, "dilation": 3, "ceil_mode": True}):
        y, i = F.max_pool1d(t64(x1), return_indices=True, **kw)
        want_y, want_i = max_pool_ref(x1, return_indices=True, n=1, **kw)
        np.testing.assert_array_equal(host(y), want_y)
        np.testing.assert_array_equal(host(i), want_i)
    x3 = distinct(rng, (1, 2, 5, 4, 3))
    y, i = F.max_pool3d(t64(x3), (3, 2, 2), (2, 1, 2), (1, 1, 0), ceil_mode=True,
                        return_indices=True)
    want_y, want_i = max_pool_ref(x3, (3, 2, 2), (2, 1, 2), (1, 1, 0), ceil_mode=True,
                                  return_indices=True, n=3)
    np.testing.assert_array_equal(host(y), want_y)
    np.testing.assert_array_equal(host(i), want_i)


def test_ceil_mode_output_sizes():
    """ceil_mode adds the partial window at the end, unless it would start in the right
    padding: 5 → ⌈(5 − 2)/2⌉ + 1 = 3; kernel 2, stride 2, padding 1 on 3 → 2, not 3."""
    assert F.max_pool1d(t64([[1.0, 2, 3, 4, 5]]), 2, ceil_mode=True).tolist() == [[2, 4, 5]]
    assert F.max_pool1d(t64([[1.0, 2, 3, 4, 5]]), 2).tolist() == [[2, 4]]
    assert F.max_pool1d(t64([[1.0, 2, 3, 4]]), 2, 2, padding=1, ceil_mode=True).tolist() == \
        [[1, 3, 4]]
    assert F.max_pool1d(t64([[1.0, 2, 3]]), 2, 2, padding=1, ceil_mode=True).tolist() == [[1, 3]]
    assert tuple(F.max_pool2d(mt.zeros(1, 6, 5), 3, 2, 1, ceil_mode=True).shape) == (1, 4, 3)
    assert tuple(F.max_pool2d(mt.zeros(1, 6, 5), 3, 2, 1).shape) == (1, 3, 3)


# ---- average pooling ----------------------------------------------------------------------------

AVG_GEOMETRIES = [g for g in itertools.product([(2, 2), (3, 2), 3, (1, 3)], [None, 1, (2, 3)],
                                               [0, 1, (1, 0)], [False, True], [True, False],
                                               [None, 4])
                  if _legal(g[0], g[2], 1, (7, 6), g[1], g[3])]


@pytest.mark.parametrize("kernel,stride,padding,ceil_mode,count_include_pad,divisor_override",
                         AVG_GEOMETRIES, ids=["-".join(map(str, g)) for g in AVG_GEOMETRIES])
def test_avg_pool2d_matches_loop_reference(kernel, stride, padding, ceil_mode, count_include_pad,
                                           divisor_override, device):
    rng = rng_for(kernel, stride, padding, ceil_mode, count_include_pad, divisor_override)
    x = rng.standard_normal((2, 2, 7, 6))
    y = F.avg_pool2d(t64(x, device), kernel, stride, padding, ceil_mode, count_include_pad,
                     divisor_override)
    want = avg_pool_ref(x, kernel, stride, padding, ceil_mode, count_include_pad,
                        divisor_override, n=2)
    assert tuple(y.shape) == want.shape
    np.testing.assert_allclose(host(y), want, atol=1e-12)


def test_avg_pool_by_hand():
    x = t64([[1.0, 2.0, 3.0, 4.0]])
    assert F.avg_pool1d(x, 2, padding=1).tolist() == [[0.5, 2.5, 2.0]]
    assert F.avg_pool1d(x, 2, padding=1, count_include_pad=False).tolist() == [[1.0, 2.5, 4.0]]
    # ceil_mode's extra window counts only what lies inside the input and its padding
    assert F.avg_pool1d(t64([[1.0, 2, 3, 4, 5]]), 2, ceil_mode=True).tolist() == [[1.5, 3.5, 5.0]]
    assert F.avg_pool1d(x, 3, 2, padding=1, ceil_mode=True).tolist() == [[1.0, 3.0, 2.0]]
    assert F.avg_pool1d(x, 3, 2, padding=1, ceil_mode=True,
                        count_include_pad=False).tolist() == [[1.5, 3.0, 4.0]]
    x2 = t64(np.arange(16.0).reshape(1, 4, 4))
    assert F.avg_pool2d(x2, 2, divisor_override=1).tolist() == [[[10, 18], [42, 50]]]
    assert F.avg_pool2d(x2, 3, 1, padding=1, divisor_override=2)[0, 0, 0].item() == \
        (0 + 1 + 4 + 5) / 2


def test_avg_pool_gradient_spreads_evenly():
    x = t64(np.zeros((1, 1, 3)), requires_grad=True)
    F.avg_pool1d(x, 2, 1).backward(t64([[[2.0, 4.0]]]))
    assert x.grad.tolist() == [[[1, 3, 2]]]                 # the middle one is in both windows
    x = t64(np.zeros((1, 3)), requires_grad=True)
    F.avg_pool1d(x, 2, padding=1, count_include_pad=False).backward(t64([[1.0, 1.0]]))
    assert x.grad.tolist() == [[1, 0.5, 0.5]]


def test_avg_pool1d_and_3d_match_reference():
    rng = rng_for("avg1d3d")
    x1 = rng.standard_normal((2, 3, 9))
    for kw in ({"kernel_size": 3}, {"kernel_size": 4, "stride": 3, "padding": 2,
                                    "ceil_mode": True, "count_include_pad": False}):
        np.testing.assert_allclose(host(F.avg_pool1d(t64(x1), **kw)),
                                   avg_pool_ref(x1, n=1, **kw), atol=1e-12)
    x3 = rng.standard_normal((1, 2, 5, 4, 3))
    kw = {"kernel_size": (3, 2, 2), "stride": (2, 1, 2), "padding": (1, 1, 0), "ceil_mode": True}
    np.testing.assert_allclose(host(F.avg_pool3d(t64(x3), **kw)), avg_pool_ref(x3, n=3, **kw),
                               atol=1e-12)
    np.testing.assert_allclose(host(F.avg_pool3d(t64(x3), 2, divisor_override=3)),
                               avg_pool_ref(x3, 2, divisor_override=3, n=3), atol=1e-12)


# ---- adaptive pooling ---------------------------------------------------------------------------

ADAPTIVE = [((6, 4), (3, 2)), ((6, 4), (1, 1)), ((7, 5), (3, 2)), ((5, 7), (4, 6)),
            ((3, 2), (5, 4)), ((4, 9), (4, None)), ((5, 5), 2), ((8, 3), (3, 3))]


@pytest.mark.parametrize("sizes,output_size", ADAPTIVE, ids=str)
def test_adaptive_pools_match_loop_reference(sizes, output_size, device):
    """Divisible sizes, non-divisible ones (overlapping cells), outputs larger than inputs,
    None keeping a size."""
    rng = rng_for(sizes, output_size)
    x = distinct(rng, (2, 3) + sizes)
    np.testing.assert_allclose(host(F.adaptive_avg_pool2d(t64(x, device), output_size)),
                               adaptive_avg_pool_ref(x, output_size, n=2), atol=1e-12)
    y, idx = F.adaptive_max_pool2d(t64(x, device), output_size, return_indices=True)
    want_y, want_idx = adaptive_max_pool_ref(x, output_size, return_indices=True, n=2)
    np.testing.assert_array_equal(host(y), want_y)
    np.testing.assert_array_equal(host(idx), want_idx)


def test_adaptive_cells_by_hand():
    """Cell i covers [⌊i·S/O⌋, ⌈(i+1)·S/O⌉): 5 → 3 gives [0, 2), [1, 4), [3, 5)."""
    x = t64([[1.0, 2.0, 3.0, 4.0, 5.0]])
    np.testing.assert_allclose(host(F.adaptive_avg_pool1d(x, 3)), [[1.5, 3.0, 4.5]])
    np.testing.assert_allclose(host(F.adaptive_avg_pool1d(t64([[1.0, 2.0]]), 3)),
                               [[1.0, 1.5, 2.0]])
    y, idx = F.adaptive_max_pool1d(t64([[5.0, 1.0, 2.0, 0.0, 3.0]]), 3, return_indices=True)
    assert y.tolist() == [[5, 2, 3]] and idx.tolist() == [[0, 2, 4]]
    y, idx = F.adaptive_max_pool1d(t64([[1.0, 3.0, 3.0, 2.0, 5.0]]), 2, return_indices=True)
    assert idx.tolist() == [[1, 4]]                          # the tie in cell [0, 3) goes first
    x2 = t64(np.arange(12.0).reshape(1, 3, 4))
    np.testing.assert_allclose(host(F.adaptive_avg_pool2d(x2, 1)), [[[5.5]]])
    np.testing.assert_allclose(host(F.adaptive_avg_pool2d(x2, (None, 2))),
                               [[[0.5, 2.5], [4.5, 6.5], [8.5, 10.5]]])


def test_adaptive_pool_gradients():
    """Overlapping cells (5 → 3) give the shared element the gradient of both."""
    x = t64(np.zeros((1, 5)), requires_grad=True)
    F.adaptive_avg_pool1d(x, 3).backward(t64([[2.0, 3.0, 4.0]]))
    np.testing.assert_allclose(host(x.grad), [[1, 2, 1, 3, 2]])
    x = t64([[0.0, 5.0, 1.0, 4.0]], requires_grad=True)
    F.adaptive_max_pool1d(x, 3).backward(t64([[1.0, 10.0, 100.0]]))   # cells [0,2) [1,3) [2,4)
    assert x.grad.tolist() == [[0, 11, 0, 100]]


def test_adaptive_pools_1d_3d_match_reference():
    rng = rng_for("adaptive1d3d")
    x1 = distinct(rng, (2, 3, 7))
    np.testing.assert_allclose(host(F.adaptive_avg_pool1d(t64(x1), 3)),
                               adaptive_avg_pool_ref(x1, 3, n=1), atol=1e-12)
    np.testing.assert_array_equal(host(F.adaptive_max_pool1d(t64(x1), 4)),
                                  adaptive_max_pool_ref(x1, 4, n=1))
    x3 = distinct(rng, (1, 2, 5, 3, 4))
    np.testing.assert_allclose(host(F.adaptive_avg_pool3d(t64(x3), (2, 3, 3))),
                               adaptive_avg_pool_ref(x3, (2, 3, 3), n=3), atol=1e-12)
    y, idx = F.adaptive_max_pool3d(t64(x3), (3, 2, None), return_indices=True)
    want_y, want_idx = adaptive_max_pool_ref(x3, (3, 2, None), return_indices=True, n=3)
    np.testing.assert_array_equal(host(y), want_y)
    np.testing.assert_array_equal(host(idx), want_idx)


# ---- size-0 batches -----------------------------------------------------------------------------

def test_empty_batch_avg_and_adaptive_avg():
    assert tuple(F.avg_pool2d(mt.zeros(0, 2, 5, 5), 2).shape) == (0, 2, 2, 2)
    assert tuple(F.adaptive_avg_pool2d(mt.zeros(0, 2, 5, 5), 3).shape) == (0, 2, 3, 3)


def test_empty_batch_max_pools():
    assert tuple(F.max_pool2d(mt.zeros(0, 2, 5, 5), 2).shape) == (0, 2, 2, 2)
    assert tuple(F.adaptive_max_pool2d(mt.zeros(0, 2, 5, 5), 3).shape) == (0, 2, 3, 3)


# ---- interpolate --------------------------------------------------------------------------------

def test_bilinear_by_hand():
    x = t64([[[[1.0, 2.0], [3.0, 4.0]]]])
    y = F.interpolate(x, size=4, mode="bilinear", align_corners=False)
    np.testing.assert_allclose(host(y)[0, 0], [[1, 1.25, 1.75, 2], [1.5, 1.75, 2.25, 2.5],
                                               [2.5, 2.75, 3.25, 3.5], [3, 3.25, 3.75, 4]])
    np.testing.assert_allclose(host(F.interpolate(x, scale_factor=2, mode="bilinear")), host(y))
    y = F.interpolate(x, size=(4, 3), mode="bilinear", align_corners=True)
    np.testing.assert_allclose(host(y)[0, 0], [[1, 1.5, 2], [5 / 3, 13 / 6, 8 / 3],
                                               [7 / 3, 17 / 6, 10 / 3], [3, 3.5, 4]])


def test_linear_by_hand():
    x = t64([[[0.0, 10.0]]])
    np.testing.assert_allclose(host(F.interpolate(x, size=5, mode="linear")),
                               [[[0, 1, 5, 9, 10]]])
    np.testing.assert_allclose(host(F.interpolate(x, size=5, mode="linear", align_corners=True)),
                               [[[0, 2.5, 5, 7.5, 10]]])
    # a scale factor sets the coordinate map (1/1.5), unless recompute_scale_factor (S/O = 3/4)
    x = t64([[[0.0, 1.0, 2.0]]])
    np.testing.assert_allclose(host(F.interpolate(x, scale_factor=1.5, mode="linear")),
                               [[[0, 0.5, 7 / 6, 11 / 6]]])
    np.testing.assert_allclose(host(F.interpolate(x, scale_factor=1.5, mode="linear",
                                                  recompute_scale_factor=True)),
                               [[[0, 0.625, 1.375, 2]]])
    # downsampling with align_corners keeps both ends
    np.testing.assert_allclose(host(F.interpolate(t64([[[0.0, 1, 2, 3, 4]]]), size=3,
                                                  mode="linear", align_corners=True)),
                               [[[0, 2, 4]]])


def test_nearest_index_rules():
    """nearest: src = ⌊dst·S/O⌋; nearest-exact: src = ⌊(dst + ½)·S/O⌋."""
    x = t64([[[10.0, 11.0, 12.0]]])
    assert F.interpolate(x, size=5).tolist() == [[[10, 10, 11, 11, 12]]]
    assert F.interpolate(x, size=5, mode="nearest-exact").tolist() == [[[10, 10, 11, 12, 12]]]
    x = t64([[[10.0, 11.0, 12.0, 13.0, 14.0]]])
    assert F.interpolate(x, size=3).tolist() == [[[10, 11, 13]]]
    assert F.interpolate(x, size=3, mode="nearest-exact").tolist() == [[[10, 12, 14]]]
    x = t64([[[[1.0, 2.0], [3.0, 4.0]]]])
    assert F.interpolate(x, scale_factor=2).tolist() == [[[[1, 1, 2, 2], [1, 1, 2, 2],
                                                           [3, 3, 4, 4], [3, 3, 4, 4]]]]
    assert F.interpolate(x, size=(1, 3)).tolist() == [[[[1, 1, 2]]]]


def test_nearest_gradient_sums_copies():
    x = t64([[[1.0, 2.0]]], requires_grad=True)
    F.interpolate(x, size=5).backward(t64([[[1.0, 2.0, 3.0, 4.0, 5.0]]]))   # src 0 0 0 1 1
    assert x.grad.tolist() == [[[6, 9]]]


def test_area_is_adaptive_average():
    assert F.interpolate(t64([[[1.0, 2.0, 3.0, 4.0]]]), size=2, mode="area").tolist() == \
        [[[1.5, 3.5]]]
    rng = rng_for("area")
    x = rng.standard_normal((1, 2, 7, 5))
    np.testing.assert_allclose(host(F.interpolate(t64(x), size=(3, 4), mode="area")),
                               adaptive_avg_pool_ref(x, (3, 4), n=2), atol=1e-12)


@pytest.mark.parametrize("mode,shape,kwargs", [
    ("nearest", (2, 3, 4, 5), {"size": (7, 3)}),
    ("nearest-exact", (1, 2, 5, 3), {"scale_factor": (2, 3)}),
    ("bilinear", (2, 1, 5, 4), {"size": (3, 7)}),
    ("bilinear", (2, 1, 5, 4), {"size": (3, 7), "align_corners": True}),
    ("trilinear", (1, 2, 3, 2, 4), {"size": (5, 3, 2)}),
    ("linear", (1, 3, 6), {"scale_factor": 0.5}),
])
def test_interpolate_matches_reference(mode, shape, kwargs, device):
    rng = rng_for(mode, shape, kwargs)
    x = rng.standard_normal(shape)
    y = F.interpolate(t64(x, device), mode=mode, **kwargs)
    np.testing.assert_allclose(host(y), interpolate_ref(x, mode=mode, **kwargs), atol=1e-12)


def test_interpolate_float32_and_upsample_alias():
    x = mt.rand(1, 2, 3, 3)
    for mode in ("nearest", "bilinear", "area"):
        assert F.interpolate(x, size=5, mode=mode).dtype == mt.float32
    with pytest.warns(UserWarning, match="upsample` is deprecated"):
        np.testing.assert_array_equal(host(F.upsample(x, scale_factor=2)),
                                      host(F.interpolate(x, scale_factor=2)))


# ---- pixel_shuffle ------------------------------------------------------------------------------

def test_pixel_shuffle_by_hand_and_inverse():
    x = t64(np.arange(1.0, 5.0).reshape(1, 4, 1, 1))
    assert F.pixel_shuffle(x, 2).tolist() == [[[[1, 2], [3, 4]]]]
    rng = rng_for("shuffle")
    x = rng.standard_normal((2, 18, 3, 2))
    y = F.pixel_shuffle(t64(x), 3)
    assert tuple(y.shape) == (2, 2, 9, 6)
    np.testing.assert_array_equal(host(F.pixel_unshuffle(y, 3)), x)
    z = rng.standard_normal((3, 4, 6))
    np.testing.assert_array_equal(host(F.pixel_shuffle(F.pixel_unshuffle(t64(z), 2), 2)), z)


# ---- errors -------------------------------------------------------------------------------------

def test_pool_errors():
    with pytest.raises(RuntimeError, match=r"pad should be at most half of effective kernel size, "
                                           r"but got pad=2, kernel_size=3 and dilation=1"):
        F.max_pool2d(mt.zeros(1, 1, 5, 5), 3, padding=2)
    with pytest.raises(RuntimeError, match="pad should be at most half of"):
        F.avg_pool1d(mt.zeros(1, 1, 5), 2, padding=2)
    F.max_pool1d(mt.zeros(1, 1, 5), 2, padding=1, dilation=2)      # half of 3 rounds down to 1
    with pytest.raises(RuntimeError, match=r"Given input size: \(1x2x2\)\. Calculated output "
                                           r"size: \(1x0x0\)\. Output size is too small"):
        F.max_pool2d(mt.zeros(1, 1, 2, 2), 3)
    with pytest.raises(RuntimeError, match="Output size is too small"):
        F.avg_pool2d(mt.zeros(1, 1, 2, 5), 3)
    with pytest.raises(RuntimeError, match=r"Expected 3D or 4D input tensor, but got input of "
                                           r"size: \[5\]"):
        F.max_pool2d(mt.zeros(5), 2)
    with pytest.raises(RuntimeError, match=r"Expected 2D or 3D input"):
        F.avg_pool1d(mt.zeros(1, 1, 2, 5), 2)
    with pytest.raises(RuntimeError, match="must be greater than zero"):
        F.max_pool2d(mt.zeros(1, 1, 4, 4), 2, stride=0)
    with pytest.raises(RuntimeError, match="must be greater than zero"):
        F.max_pool1d(mt.zeros(1, 1, 4), 0)
    with pytest.raises(RuntimeError, match="divisor must be"):
        F.avg_pool2d(mt.zeros(1, 1, 4, 4), 2, divisor_override=0)


def test_adaptive_pool_errors():
    with pytest.raises(ValueError, match="output_size must be an int or 2 ints"):
        F.adaptive_avg_pool2d(mt.zeros(1, 1, 4, 4), (2, 2, 2))
    with pytest.raises(RuntimeError, match="output_size must be positive"):
        F.adaptive_max_pool1d(mt.zeros(1, 1, 4), 0)
    with pytest.raises(RuntimeError, match="non-zero spatial sizes"):
        F.adaptive_avg_pool2d(mt.zeros(1, 1, 0, 4), 2)
    with pytest.raises(RuntimeError, match=r"Expected 2D or 3D input"):
        F.adaptive_max_pool1d(mt.zeros(4), 2)


def test_interpolate_errors():
    x = mt.zeros(1, 1, 4, 4)
    with pytest.raises(ValueError, match="should be defined"):
        F.interpolate(x)
    with pytest.raises(ValueError, match="should be defined"):
        F.interpolate(x, size=2, scale_factor=2)
    with pytest.raises(ValueError, match="align_corners option can only be set with the "
                                         "interpolating modes: linear | bilinear"):
        F.interpolate(x, size=2, mode="nearest", align_corners=True)
    with pytest.raises(NotImplementedError, match="'cubic'"):
        F.interpolate(x, size=2, mode="cubic")
    with pytest.raises(NotImplementedError, match="'bilinear' needs 4-D input, got 3-D"):
        F.interpolate(mt.zeros(1, 1, 4), size=2, mode="bilinear")
    with pytest.raises(NotImplementedError, match="'linear' needs 3-D input"):
        F.interpolate(x, size=2, mode="linear")
    with pytest.raises(ValueError, match="needs size of 2 values"):
        F.interpolate(x, size=(2, 2, 2))
    with pytest.raises(ValueError, match="needs scale_factor of 2 values"):
        F.interpolate(x, scale_factor=(2.0,))
    with pytest.raises((ValueError, RuntimeError), match=r"output size \[0, 0\] must be "
                                                         r"positive"):
        F.interpolate(x, scale_factor=0.2)
    with pytest.raises(ValueError, match=r"expected an input of shape \(N, C, \*spatial\)"):
        F.interpolate(mt.zeros(4), size=2)
    with pytest.raises(NotImplementedError, match="antialias"):
        F.interpolate(x, size=2, mode="bilinear", antialias=True)


def test_pixel_shuffle_errors():
    with pytest.raises(RuntimeError, match=r"pixel_shuffle expects its input's 'channel' "
                                           r"dimension to be divisible by the square of "
                                           r"upscale_factor, but input.size\(-3\)=5 is not "
                                           r"divisible by 4"):
        F.pixel_shuffle(mt.zeros(1, 5, 2, 2), 2)
    with pytest.raises(RuntimeError, match=r"pixel_unshuffle expects height and width to be "
                                           r"divisible by downscale_factor=2"):
        F.pixel_unshuffle(mt.zeros(1, 1, 4, 3), 2)
