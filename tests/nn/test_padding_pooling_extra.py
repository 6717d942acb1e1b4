"""Padding layers, Lp pooling, max unpooling, local response norm, channel shuffle, Softmax2d and
the fixed-mode upsampling layers: values, reprs, shapes and errors. Their gradients are checked
by the op table (tests/optable/pooling_extra.py); the padding modes by tests/optable/shape.py."""
import warnings

import numpy as np
import pytest

import mytorch as mt
import mytorch.nn as nn
import mytorch.nn.functional as F


def t64(a, requires_grad=False):
    return mt.tensor(np.asarray(a, dtype=np.float64), requires_grad=requires_grad)


def arange(*shape):
    return t64(np.arange(float(np.prod(shape))).reshape(shape))


# ---- padding --------------------------------------------------------------------------------

def test_padding_by_hand():
    x = t64([[1.0, 2.0, 3.0]])
    assert nn.ReflectionPad1d(2)(x).tolist() == [[3, 2, 1, 2, 3, 2, 1]]
    assert nn.ReplicationPad1d((2, 1))(x).tolist() == [[1, 1, 1, 2, 3, 3]]
    assert nn.CircularPad1d((2, 1))(x).tolist() == [[2, 3, 1, 2, 3, 1]]
    assert nn.ZeroPad1d((1, 0))(x).tolist() == [[0, 1, 2, 3]]
    assert nn.ConstantPad1d(1, 3.5)(x).tolist() == [[3.5, 1, 2, 3, 3.5]]


NUMPY_MODE = {"Reflection": "reflect", "Replication": "edge", "Circular": "wrap"}


@pytest.mark.parametrize("kind", ["Reflection", "Replication", "Circular", "Zero", "Constant"])
@pytest.mark.parametrize("n", [1, 2, 3])
def test_padding_matches_numpy(kind, n):
    """Every class, batched and unbatched, against np.pad; widths start at the last dim."""
    widths = (2, 1, 0, 1, 1, 2)[:2 * n]
    cls = getattr(nn, f"{kind}Pad{n}d")
    layer = cls(widths, 1.5) if kind == "Constant" else cls(widths)
    for shape in ((2, 3) + (4,) * n, (3,) + (4,) * n):
        x = np.random.default_rng(n).standard_normal(shape)
        numpy_widths = [(0, 0)] * (len(shape) - n) + \
            [(widths[2 * i], widths[2 * i + 1]) for i in reversed(range(n))]
        if kind in NUMPY_MODE:
            want = np.pad(x, numpy_widths, mode=NUMPY_MODE[kind])
        else:
            want = np.pad(x, numpy_widths, constant_values=1.5 if kind == "Constant" else 0)
        np.testing.assert_array_equal(layer(t64(x)).numpy(), want)


def test_padding_reprs_and_int_padding():
    # the reprs of torch 2.13
    assert repr(nn.ReflectionPad2d((1, 1, 2, 0))) == "ReflectionPad2d((1, 1, 2, 0))"
    assert repr(nn.ReplicationPad3d(1)) == "ReplicationPad3d((1, 1, 1, 1, 1, 1))"
    assert repr(nn.CircularPad1d(2)) == "CircularPad1d((2, 2))"
    assert repr(nn.ZeroPad2d(1)) == "ZeroPad2d((1, 1, 1, 1))"
    assert repr(nn.ConstantPad1d(2, 3.5)) == "ConstantPad1d(padding=(2, 2), value=3.5)"
    assert repr(nn.ConstantPad2d((1, 2, 3, 4), 0)) == \
        "ConstantPad2d(padding=(1, 2, 3, 4), value=0)"
    assert nn.ZeroPad3d(1)(mt.zeros(1, 2, 3, 4)).shape == (1, 4, 5, 6)


def test_negative_padding_crops():
    x = arange(1, 5)
    assert nn.ZeroPad1d((-1, 1))(x).tolist() == [[1, 2, 3, 4, 0]]
    assert nn.ReplicationPad1d((1, -2))(x).tolist() == [[0, 0, 1, 2]]


def test_padding_keeps_dtype_and_gradient():
    x = mt.rand(1, 2, 3, 3, requires_grad=True)
    y = nn.ReflectionPad2d(1)(x)
    assert y.dtype == mt.float32 and y.requires_grad
    y.sum().backward()
    # the corner is read once; the centre by itself and its 8 mirrors in the rows and columns
    assert x.grad[0, 0, 0, 0].item() == 1 and x.grad[0, 0, 1, 1].item() == 9


def test_reflection_and_replication_pad_need_their_input_rank():
    # F.pad's own rank rules and messages, as PyTorch's modules give them
    with pytest.raises(NotImplementedError, match=r"Padding size 4 is not supported for 2D "
                                                  r"input tensor"):
        nn.ReflectionPad2d(1)(mt.zeros(2, 3))
    with pytest.raises(NotImplementedError, match="Padding size 2 is not supported for 4D "
                                                  "input tensor"):
        nn.ReplicationPad1d(1)(mt.zeros(1, 2, 3, 4))


def test_circular_pad_needs_its_input_rank():
    with pytest.raises(ValueError, match=r"CircularPad2d: expected 3D or 4D input \(got 2D"):
        nn.CircularPad2d(1)(mt.zeros(2, 3))


def test_constant_pad_too_many_widths():
    with pytest.raises(RuntimeError, match="Padding length must be divisible by 2 and at most "
                                           "twice the number of dimensions"):
        nn.ConstantPad3d(1, 2.0)(mt.zeros(3, 3))


def test_reflection_pad_wider_than_input():
    with pytest.raises(RuntimeError, match="Padding size should be less than the corresponding "
                                           "input dimension"):
        nn.ReflectionPad1d(3)(mt.zeros(1, 3))


# ---- Lp pooling -----------------------------------------------------------------------------

def test_lp_pool_torch_numbers():
    # torch 2.13: F.lp_pool1d(x, 1, 2, ceil_mode=True), F.lp_pool2d(y, 2, 2, ...)
    x = t64([[[1.0, -2.0, 3.0, 4.0, -5.0]]])
    np.testing.assert_allclose(F.lp_pool1d(x, 1, 2, ceil_mode=True).numpy(), [[[-1, 7, -10]]])
    y = t64([[[[1.0, -2.0, 3.0], [4.0, -5.0, 6.0]]]])
    np.testing.assert_allclose(F.lp_pool2d(y, 2, 2, ceil_mode=True).numpy(),
                               [[[[6.7823, 9.4868]]]], atol=1e-4)
    np.testing.assert_allclose(F.lp_pool2d(y, 2, 2, stride=1).numpy(),
                               [[[[6.7823, 8.6023]]]], atol=1e-4)


def test_lp_pool_large_p_is_max_pool_and_module():
    x = mt.rand(2, 3, 6, 6, dtype=mt.float64) + 0.5
    np.testing.assert_allclose(nn.LPPool2d(60, 2)(x).numpy(), F.max_pool2d(x, 2).numpy(),
                               rtol=0.03)
    layer = nn.LPPool3d(2, (1, 2, 2), stride=1)
    assert layer(x.unsqueeze(0)).shape == (1, 2, 3, 5, 5)
    assert nn.LPPool1d(1.5, 3)(mt.rand(4, 7)).dtype == mt.float32
    assert repr(nn.LPPool2d(1.5, (2, 3), stride=1, ceil_mode=True)) == \
        "LPPool2d(norm_type=1.5, kernel_size=(2, 3), stride=1, ceil_mode=True)"
    assert repr(nn.LPPool1d(2, 3)) == "LPPool1d(norm_type=2, kernel_size=3, stride=None, " \
                                      "ceil_mode=False)"


def test_lp_pool_window_larger_than_input():
    with pytest.raises(RuntimeError, match=r"lp_pool1d\(\): Given input size: \(3x4\). "
                                           r"Calculated output size: \(3x0\)"):
        F.lp_pool1d(mt.rand(1, 3, 4), 2, 5)


# ---- max unpooling --------------------------------------------------------------------------

def test_max_unpool_puts_the_maxima_back():
    x = t64(np.random.default_rng(0).permutation(32).reshape(1, 2, 4, 4))
    y, i = F.max_pool2d(x, 2, return_indices=True)
    u = nn.MaxUnpool2d(2)(y, i)
    want = np.where(F.max_pool2d(x, 2).numpy().repeat(2, -1).repeat(2, -2) == x.numpy(),
                    x.numpy(), 0)
    np.testing.assert_array_equal(u.numpy(), want)
    for n in (1, 3):
        shape = (2, 3) + (4,) * n
        v, j = getattr(F, f"max_pool{n}d")(mt.rand(*shape), 2, return_indices=True)
        assert getattr(nn, f"MaxUnpool{n}d")(2)(v, j).shape == shape


def test_max_unpool_output_size_unbatched_and_gradient():
    x = mt.rand(2, 5, 5, dtype=mt.float64)
    y, i = F.max_pool2d(x, 2, return_indices=True)
    y.requires_grad_()
    u = F.max_unpool2d(y, i, 2, output_size=[5, 5])
    assert u.shape == (2, 5, 5) and u.requires_grad
    g = mt.rand(2, 5, 5, dtype=mt.float64)
    u.backward(g)
    # the gradient picks g where each value was written
    np.testing.assert_array_equal(y.grad.numpy(), np.take_along_axis(
        g.numpy().reshape(2, -1), i.numpy().reshape(2, -1), 1).reshape(2, 2, 2))


def test_max_unpool_reprs():
    # the reprs of torch 2.13
    assert repr(nn.MaxUnpool1d(2)) == "MaxUnpool1d(kernel_size=(2,), stride=(2,), padding=(0,))"
    assert repr(nn.MaxUnpool2d(2, stride=1, padding=(1, 0))) == \
        "MaxUnpool2d(kernel_size=(2, 2), stride=(1, 1), padding=(1, 0))"


def _pooled():
    return F.max_pool2d(mt.rand(1, 2, 4, 4), 2, return_indices=True)


def test_max_unpool_indices_of_another_shape():
    y, i = _pooled()
    with pytest.raises(RuntimeError, match=r"max_unpool2d\(\): Expected shape of indices to be "
                                           r"same as that of the input tensor \(\[1, 2, 2, 2\]\)"):
        F.max_unpool2d(y, i[..., :1], 2)


def test_max_unpool_float_indices():
    y, i = _pooled()
    with pytest.raises(RuntimeError, match="indices should be type int64 but got: Float"):
        F.max_unpool2d(y, i.float(), 2)


def test_max_unpool_index_outside_the_output():
    y, i = _pooled()
    with pytest.raises(RuntimeError, match=r"Found an invalid max index: 16 \(output volumes "
                                           r"are of size 4x4\)"):
        F.max_unpool2d(y, mt.full_like(i, 16), 2)


def test_max_unpool_output_size_of_wrong_length():
    y, i = _pooled()
    with pytest.raises(ValueError, match="output_size should be a sequence containing 2 or 4 "
                                         "elements, but it has a length of '1'"):
        F.max_unpool2d(y, i, 2, output_size=(5,))


def test_max_unpool_output_size_out_of_range():
    y, i = _pooled()
    with pytest.raises(ValueError, match=r'invalid output_size "\(6, 5\)" \(dim 0 must be '
                                         r'between 2 and 6\)'):
        F.max_unpool2d(y, i, 2, output_size=(6, 5))


def test_max_unpool_input_rank():
    y, i = _pooled()
    with pytest.raises(RuntimeError, match=r"max_unpool2d\(\): Expected 3D or 4D input"):
        F.max_unpool2d(y[0, 0], i[0, 0], 2)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_with_indices_aliases_always_return_indices(n):
    x = mt.rand(*(2, 3) + (4,) * n)
    for pool, size in ((f"max_pool{n}d", 2), (f"adaptive_max_pool{n}d", 3)):
        values, indices = getattr(F, f"{pool}_with_indices")(x, size)
        want_values, want_indices = getattr(F, pool)(x, size, return_indices=True)
        assert values.equal(want_values) and indices.equal(want_indices)
    assert mt.max_pool1d_with_indices is F.max_pool1d_with_indices


# ---- local response norm, channel shuffle, Softmax2d ---------------------------------------

def test_local_response_norm_torch_numbers():
    # torch 2.13: F.local_response_norm(torch.arange(12.).reshape(1, 4, 3), 3, 0.5, 0.75, 2.)
    y = nn.LocalResponseNorm(3, alpha=0.5, beta=0.75, k=2.0)(arange(1, 4, 3))
    np.testing.assert_allclose(y.numpy(), [[[0.0000, 0.3068, 0.4732], [0.5544, 0.5843, 0.5844],
                                            [0.5713, 0.5530, 0.5333], [0.9014, 0.8482, 0.8020]]],
                               atol=1e-4)
    z = F.local_response_norm(arange(1, 4, 3, 2), 2, alpha=0.5, beta=0.75, k=2.0)
    np.testing.assert_allclose(z[0, :, 1].numpy(), [[0.8774, 1.0135], [0.8791, 0.8173],
                                                    [0.5978, 0.5688], [0.4643, 0.4490]],
                               atol=1e-4)
    assert repr(nn.LocalResponseNorm(3)) == "LocalResponseNorm(3, alpha=0.0001, beta=0.75, k=1.0)"
    assert F.local_response_norm(mt.zeros(2, 0, 3), 2).shape == (2, 0, 3)


def test_local_response_norm_needs_3d():
    with pytest.raises(ValueError, match=r"Expected 3D or higher dimensionality input \(got 2 "
                                         r"dimensions\)"):
        nn.LocalResponseNorm(2)(mt.zeros(2, 6))


def test_channel_shuffle_by_hand():
    x = arange(1, 6, 1)
    assert nn.ChannelShuffle(2)(x).flatten().tolist() == [0, 3, 1, 4, 2, 5]
    assert F.channel_shuffle(x, 3).flatten().tolist() == [0, 2, 4, 1, 3, 5]
    assert F.native_channel_shuffle(x, 3).flatten().tolist() == [0, 2, 4, 1, 3, 5]
    assert F.channel_shuffle(mt.arange(12).reshape(1, 4, 3), 2).dtype == mt.int64
    assert repr(nn.ChannelShuffle(2)) == "ChannelShuffle(groups=2)"


def test_channel_shuffle_needs_3d():
    with pytest.raises(RuntimeError, match=r"channel_shuffle expects input with > 2 dims, but "
                                           r"got input with sizes \[2, 6\]"):
        F.channel_shuffle(mt.zeros(2, 6), 2)


def test_channel_shuffle_groups_must_divide_channels():
    with pytest.raises(RuntimeError, match="Number of channels must be divisible by groups. Got "
                                           "5 channels and 2 groups."):
        F.channel_shuffle(mt.zeros(2, 5, 3), 2)


def test_channel_shuffle_groups_must_be_positive():
    with pytest.raises(RuntimeError, match="groups to divide channels in must be positive. "
                                           "Value of groups:0"):
        nn.ChannelShuffle(0)(mt.zeros(2, 6, 3))


def test_softmax2d_over_channels():
    x = mt.randn(2, 3, 4, 5, dtype=mt.float64)
    y = nn.Softmax2d()(x)
    np.testing.assert_allclose(y.sum(1).numpy(), np.ones((2, 4, 5)))
    assert nn.Softmax2d()(x[0]).equal(y[0])
    assert repr(nn.Softmax2d()) == "Softmax2d()"


def test_softmax2d_needs_3d_or_4d():
    with pytest.raises(ValueError, match="Softmax2d: expected input to be 3D or 4D, got 2D"):
        nn.Softmax2d()(mt.zeros(2, 3))


# ---- upsampling -----------------------------------------------------------------------------

def test_upsampling_layers():
    x = arange(1, 1, 2, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # the modules do not warn, as PyTorch's
        near = nn.UpsamplingNearest2d(scale_factor=2)(x)
        bilinear = nn.UpsamplingBilinear2d(size=3)(x)
    assert near.equal(F.interpolate(x, scale_factor=2))
    # align_corners=True: the corners stay, the middle is the mean of all four
    assert bilinear.tolist() == [[[[0, 0.5, 1], [1, 1.5, 2], [2, 2.5, 3]]]]
    assert repr(nn.UpsamplingNearest2d(scale_factor=2)) == \
        "UpsamplingNearest2d(scale_factor=2.0, mode='nearest')"
    assert repr(nn.UpsamplingBilinear2d(size=3)) == "UpsamplingBilinear2d(size=3, mode='bilinear')"


@pytest.mark.parametrize("name, kwargs", [("upsample", {"mode": "bilinear"}),
                                          ("upsample_nearest", {"mode": "nearest"}),
                                          ("upsample_bilinear", {"mode": "bilinear",
                                                                 "align_corners": True})])
def test_upsample_functions_are_deprecated(name, kwargs):
    x = arange(1, 2, 3, 3)
    with pytest.warns(UserWarning, match=f"`nn.functional.{name}` is deprecated. Use "
                                         "`nn.functional.interpolate` instead."):
        y = getattr(F, name)(x, scale_factor=2, **({"mode": "bilinear"} if name == "upsample"
                                                    else {}))
    assert y.equal(F.interpolate(x, scale_factor=2, **kwargs))
