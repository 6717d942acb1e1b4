"""Convolution, pooling, upsampling and channel-dropout layers, and the norms on images:
parameter shapes, default initialisation, printed forms (as PyTorch prints them), state_dict
keys, padding modes, ConvTranspose's output_size, constructor errors, Dropout1d/2d/3d,
BatchNorm2d's running statistics and GroupNorm against closed-form NumPy."""
import math

import numpy as np
import pytest

import mytorch as mt
from mytorch import nn
import mytorch.nn.functional as F
from mytorch.autograd import gradcheck
from optable.conv import conv_ref, conv_transpose_ref, max_pool_ref


def host(t):
    return t.detach().cpu().numpy()


def randn(*shape, device="cpu", requires_grad=False):
    return mt.randn(*shape, dtype=mt.float64, device=device, requires_grad=requires_grad)


# ---- parameters and initialisation --------------------------------------------------------------

@pytest.mark.parametrize("make,weight,bias", [
    (lambda: nn.Conv1d(3, 4, 5), (4, 3, 5), (4,)),
    (lambda: nn.Conv2d(4, 6, (3, 2), groups=2), (6, 2, 3, 2), (6,)),
    (lambda: nn.Conv3d(2, 4, 3, bias=False), (4, 2, 3, 3, 3), None),
    (lambda: nn.ConvTranspose1d(4, 6, 3, groups=2), (4, 3, 3), (6,)),
    (lambda: nn.ConvTranspose2d(3, 5, (2, 3)), (3, 5, 2, 3), (5,)),
    (lambda: nn.ConvTranspose3d(2, 2, 2, bias=False), (2, 2, 2, 2, 2), None),
])
def test_parameter_shapes_and_state_dict(make, weight, bias):
    m = make()
    assert tuple(m.weight.shape) == weight and isinstance(m.weight, nn.Parameter)
    if bias is None:
        assert m.bias is None and list(m.state_dict()) == ["weight"]
    else:
        assert tuple(m.bias.shape) == bias and list(m.state_dict()) == ["weight", "bias"]
    assert m.weight.dtype == mt.float32


@pytest.mark.parametrize("make,fan_in", [
    (lambda: nn.Conv2d(64, 32, 3), 64 * 9),
    (lambda: nn.Conv1d(8, 2000, 2), 8 * 2),
    (lambda: nn.Conv2d(16, 64, (3, 2), groups=4), 4 * 6),
    # transposed: fan_in is computed from weight.shape[1] = out_channels/groups, as PyTorch
    (lambda: nn.ConvTranspose2d(16, 64, 3, groups=2), 32 * 9),
    (lambda: nn.ConvTranspose1d(600, 4, 3), 4 * 3),
])
def test_default_init_bounds(make, fan_in):
    """kaiming_uniform_(a=√5) gives W ~ U(±1/√fan_in); the bias is U(±1/√fan_in) too."""
    m = make()
    bound = 1 / math.sqrt(fan_in)
    w = host(m.weight)
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.98 * bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.05 * bound
    b = host(m.bias)
    assert np.abs(b).max() <= bound
    if b.size >= 500:
        assert np.abs(b).max() > 0.98 * bound


def test_dtype_and_device_arguments():
    m = nn.Conv2d(2, 3, 3, dtype=mt.float64, device="strict")
    assert m.weight.dtype == mt.float64 and m.bias.dtype == mt.float64
    assert m.weight.device == mt.zeros(1, device="strict").device


# ---- printed forms ------------------------------------------------------------------------------

@pytest.mark.parametrize("module,text", [
    (lambda: nn.Conv2d(1, 8, 3, padding=1),
     "Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))"),
    (lambda: nn.Conv2d(8, 16, 3, padding="same", bias=False, padding_mode="reflect"),
     "Conv2d(8, 16, kernel_size=(3, 3), stride=(1, 1), padding=same, bias=False, "
     "padding_mode=reflect)"),
    (lambda: nn.Conv2d(3, 6, (5, 3), stride=(2, 1)),
     "Conv2d(3, 6, kernel_size=(5, 3), stride=(2, 1))"),
    (lambda: nn.Conv1d(4, 8, 3, stride=2, dilation=2, groups=4),
     "Conv1d(4, 8, kernel_size=(3,), stride=(2,), dilation=(2,), groups=4)"),
    (lambda: nn.Conv3d(2, 4, (1, 2, 3)), "Conv3d(2, 4, kernel_size=(1, 2, 3), stride=(1, 1, 1))"),
    (lambda: nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1, output_padding=1),
     "ConvTranspose2d(4, 2, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), "
     "output_padding=(1, 1))"),
    (lambda: nn.MaxPool2d(2), "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, "
                              "ceil_mode=False)"),
    (lambda: nn.MaxPool1d(3, stride=1, padding=1, ceil_mode=True),
     "MaxPool1d(kernel_size=3, stride=1, padding=1, dilation=1, ceil_mode=True)"),
    (lambda: nn.AvgPool1d(3), "AvgPool1d(kernel_size=(3,), stride=(3,), padding=(0,))"),
    (lambda: nn.AvgPool2d(2), "AvgPool2d(kernel_size=2, stride=2, padding=0)"),
    (lambda: nn.AvgPool2d((2, 3), stride=1), "AvgPool2d(kernel_size=(2, 3), stride=1, padding=0)"),
    (lambda: nn.AdaptiveAvgPool2d((1, 1)), "AdaptiveAvgPool2d(output_size=(1, 1))"),
    (lambda: nn.AdaptiveMaxPool1d(4), "AdaptiveMaxPool1d(output_size=4)"),
    (lambda: nn.Upsample(scale_factor=2), "Upsample(scale_factor=2.0, mode='nearest')"),
    (lambda: nn.Upsample(size=(4, 5), mode="bilinear"), "Upsample(size=(4, 5), mode='bilinear')"),
    (lambda: nn.PixelShuffle(3), "PixelShuffle(upscale_factor=3)"),
    (lambda: nn.PixelUnshuffle(2), "PixelUnshuffle(downscale_factor=2)"),
    (lambda: nn.Dropout2d(), "Dropout2d(p=0.5, inplace=False)"),
    (lambda: nn.Dropout1d(0.2), "Dropout1d(p=0.2, inplace=False)"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_repr(module, text):
    assert repr(module()) == text


def test_sequential_cnn_repr_and_state_dict():
    model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(4, 2, 1, bias=False))
    assert list(model.state_dict()) == ["0.weight", "0.bias", "3.weight"]
    assert "(2): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)" in \
        repr(model)
    other = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(4, 2, 1, bias=False))
    other.load_state_dict(model.state_dict())
    x = mt.randn(1, 1, 8, 8)
    np.testing.assert_array_equal(host(other(x)), host(model(x)))


# ---- forward ------------------------------------------------------------------------------------

def test_conv_layers_forward_and_grad(device):
    m = nn.Conv2d(4, 6, (3, 2), stride=(2, 1), padding=(1, 0), dilation=(1, 2), groups=2)
    m = m.double().to(device)
    x = randn(2, 4, 6, 5, device=device, requires_grad=True)
    want = conv_ref(host(x), host(m.weight), host(m.bias), (2, 1), (1, 0), (1, 2), 2)
    np.testing.assert_allclose(host(m(x)), want, atol=1e-10)
    np.testing.assert_allclose(host(m(x[0])), want[0], atol=1e-10)      # unbatched
    small = nn.Conv1d(2, 2, 2, stride=2).double().to(device)
    assert gradcheck(lambda x, w, b: F.conv1d(x, w, b, 2), (randn(1, 2, 5, device=device,
                                                                  requires_grad=True),
                                                            small.weight, small.bias))


def test_conv_transpose_layer_forward(device):
    m = nn.ConvTranspose1d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2,
                           dilation=2).double().to(device)
    x = randn(2, 4, 5, device=device)
    want = conv_transpose_ref(host(x), host(m.weight), host(m.bias), 2, 1, 1, 2, 2)
    np.testing.assert_allclose(host(m(x)), want, atol=1e-10)


@pytest.mark.parametrize("mode,np_mode", [("reflect", "reflect"), ("replicate", "edge"),
                                          ("circular", "wrap")])
def test_padding_modes(mode, np_mode):
    """padding_mode pads with F.pad first (NumPy's reflect, edge and wrap), then convolves."""
    m = nn.Conv2d(2, 3, (3, 2), padding=(1, 2), padding_mode=mode).double()
    x = randn(2, 2, 5, 4)
    xp = np.pad(host(x), [(0, 0), (0, 0), (1, 1), (2, 2)], mode=np_mode)
    want = conv_ref(xp, host(m.weight), host(m.bias))
    np.testing.assert_allclose(host(m(x)), want, atol=1e-10)
    explicit = F.conv2d(F.pad(x, (2, 2, 1, 1), mode=mode), m.weight, m.bias)
    np.testing.assert_allclose(host(m(x)), host(explicit), atol=1e-12)
    # 'same' with an even kernel pads (0, 1) along the width, in the chosen mode
    m = nn.Conv2d(2, 3, (3, 2), padding="same", padding_mode=mode).double()
    xp = np.pad(host(x), [(0, 0), (0, 0), (1, 1), (0, 1)], mode=np_mode)
    y = m(x)
    assert tuple(y.shape) == (2, 3, 5, 4)
    np.testing.assert_allclose(host(y), conv_ref(xp, host(m.weight), host(m.bias)), atol=1e-10)
    m1 = nn.Conv1d(1, 1, 3, padding=2, padding_mode=mode, bias=False).double()
    x1 = randn(1, 1, 4)
    np.testing.assert_allclose(host(m1(x1)), conv_ref(np.pad(host(x1), [(0, 0), (0, 0), (2, 2)],
                                                             mode=np_mode), host(m1.weight)),
                               atol=1e-10)


def test_conv_transpose_output_size():
    m = nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1).double()
    x = randn(1, 2, 4, 4)                 # sizes (4 − 1)·2 − 2 + 2 + 1 = 7 up to 7 + 2 − 1 = 8
    assert tuple(m(x).shape) == (1, 3, 7, 7)
    y = m(x, output_size=(8, 7))
    assert tuple(y.shape) == (1, 3, 8, 7)
    np.testing.assert_allclose(host(y), host(F.conv_transpose2d(x, m.weight, m.bias, 2, 1,
                                                                (1, 0))), atol=1e-12)
    assert tuple(m(x, output_size=[1, 3, 8, 8]).shape) == (1, 3, 8, 8)    # the whole shape
    with pytest.raises(ValueError, match=r"requested an output size of \[9, 9\], but valid sizes "
                                         r"range from 7 to 8 \(for an input of \[4, 4\]\)"):
        m(x, output_size=(9, 9))
    with pytest.raises(ValueError, match=r"valid sizes range from 7 to 8"):
        m(x, output_size=(6, 8))
    with pytest.raises(ValueError, match=r"output_size must have 2 or 4 elements \(got 1\)"):
        m(x, output_size=(8,))


# ---- errors -------------------------------------------------------------------------------------

def test_constructor_errors():
    with pytest.raises(ValueError, match="in_channels must be divisible by groups"):
        nn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match="out_channels must be divisible by groups"):
        nn.Conv2d(4, 3, 3, groups=2)
    with pytest.raises(ValueError, match="groups must be a positive integer"):
        nn.Conv1d(4, 4, 3, groups=0)
    with pytest.raises(ValueError, match="padding_mode must be one of .*, but got "
                                         "padding_mode='zero'"):
        nn.Conv2d(2, 2, 3, padding_mode="zero")
    with pytest.raises(ValueError, match="padding='same' is not supported for strided "
                                         "convolutions"):
        nn.Conv2d(2, 2, 3, stride=(1, 2), padding="same")
    with pytest.raises(ValueError, match="Invalid padding string 'full'"):
        nn.Conv1d(2, 2, 3, padding="full")
    with pytest.raises(ValueError, match='Only "zeros" padding mode is supported for '
                                         'ConvTranspose2d'):
        nn.ConvTranspose2d(2, 2, 3, padding_mode="reflect")
    with pytest.raises(ValueError, match="in_channels must be divisible by groups"):
        nn.ConvTranspose1d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got "
                                         "1.5"):
        nn.Dropout2d(1.5)


def test_forward_channel_error():
    with pytest.raises(RuntimeError, match=r"Conv2d\(in_channels=3\) got input of shape "
                                           r"\(1, 2, 5, 5\)"):
        nn.Conv2d(3, 4, 3)(mt.zeros(1, 2, 5, 5))
    with pytest.raises(RuntimeError, match=r"ConvTranspose1d\(in_channels=2\) got input of shape "
                                           r"\(3, 5\)"):
        nn.ConvTranspose1d(2, 4, 3)(mt.zeros(3, 5))


# ---- pooling and upsampling modules -------------------------------------------------------------

def test_pool_modules_match_functional():
    x = mt.randn(2, 3, 7, 6, dtype=mt.float64)
    np.testing.assert_array_equal(host(nn.MaxPool2d(2)(x)), host(F.max_pool2d(x, 2, 2)))
    assert tuple(nn.MaxPool2d(2)(x).shape) == (2, 3, 3, 3)            # stride defaults to kernel
    y, idx = nn.MaxPool2d(3, stride=2, padding=1, return_indices=True)(x)
    want_y, want_idx = max_pool_ref(host(x), 3, 2, 1, return_indices=True, n=2)
    np.testing.assert_array_equal(host(y), want_y)
    np.testing.assert_array_equal(host(idx), want_idx)
    y, idx = nn.AdaptiveMaxPool2d((2, 3), return_indices=True)(x)
    assert tuple(y.shape) == tuple(idx.shape) == (2, 3, 2, 3) and idx.dtype == mt.int64
    np.testing.assert_allclose(host(nn.AvgPool2d(3, stride=2, padding=1,
                                                 count_include_pad=False)(x)),
                               host(F.avg_pool2d(x, 3, 2, 1, count_include_pad=False)))
    np.testing.assert_allclose(host(nn.AdaptiveAvgPool2d((1, 1))(x))[..., 0, 0],
                               host(x).mean((2, 3)))
    np.testing.assert_allclose(host(nn.AvgPool1d(2, padding=1)(x[0])),
                               host(F.avg_pool1d(x[0], 2, padding=1)))
    np.testing.assert_allclose(host(nn.AvgPool2d(2, divisor_override=1)(x)),
                               4 * host(F.avg_pool2d(x, 2)))
    np.testing.assert_array_equal(host(nn.MaxPool1d(3, ceil_mode=True)(x[0])),
                                  host(F.max_pool1d(x[0], 3, ceil_mode=True)))


def test_upsample_modules():
    x = mt.randn(1, 8, 3, 4, dtype=mt.float64)
    np.testing.assert_allclose(host(nn.Upsample(scale_factor=2, mode="bilinear")(x)),
                               host(F.interpolate(x, scale_factor=2, mode="bilinear")))
    np.testing.assert_allclose(host(nn.Upsample(size=(5, 7), mode="bilinear",
                                                align_corners=True)(x)),
                               host(F.interpolate(x, (5, 7), mode="bilinear",
                                                  align_corners=True)))
    assert tuple(nn.Upsample(scale_factor=(1, 2))(x).shape) == (1, 8, 3, 8)
    y = nn.PixelShuffle(2)(x)
    assert tuple(y.shape) == (1, 2, 6, 8)
    np.testing.assert_array_equal(host(nn.PixelUnshuffle(2)(y)), host(x))


# ---- Dropout1d / 2d / 3d ------------------------------------------------------------------------

@pytest.mark.parametrize("layer,shape,spatial", [
    (nn.Dropout2d, (8, 16, 3, 3), 2), (nn.Dropout2d, (64, 2, 3), 2), (nn.Dropout1d, (8, 16, 5), 1),
    (nn.Dropout1d, (64, 4), 1), (nn.Dropout3d, (8, 16, 2, 2, 2), 3)])
def test_channel_dropout_zeroes_whole_channels(layer, shape, spatial, device):
    """Batched (N, C, *spatial) or unbatched (C, *spatial): one draw per channel."""
    p = 0.75                                             # survivors × 4, exactly in float32
    m = layer(p)
    x = mt.ones(*shape, device=device, requires_grad=True)
    y = m(x)
    channels = host(y).reshape(-1, int(np.prod(shape[-spatial:])))
    # each (sample, channel) is all zeros or all 1/(1 − p)
    first = channels[:, :1]
    assert np.all(channels == first)
    assert set(np.unique(first)) <= {0.0, 1 / (1 - p)}
    dropped = float((first == 0).mean())
    assert 0.6 < dropped < 0.9                           # 64 or 128 channels, p = 0.75
    if len(shape) == spatial + 2:                        # a draw per channel, not per sample
        per_sample = first.reshape(shape[0], shape[1])
        assert (per_sample.min(1) != per_sample.max(1)).any()
    y.backward(mt.ones_like(y))
    np.testing.assert_array_equal(host(x.grad), host(y))     # the same mask, the same scale
    m.eval()
    z = mt.randn(*shape, device=device)
    np.testing.assert_array_equal(host(m(z)), host(z))


def test_channel_dropout_edge_probabilities_and_inplace():
    x = mt.randn(2, 3, 4, 4)
    np.testing.assert_array_equal(host(nn.Dropout2d(0.0)(x)), host(x))
    assert not host(nn.Dropout2d(1.0)(x)).any()
    y = x.clone()
    out = nn.Dropout2d(0.5, inplace=True)(y)
    np.testing.assert_array_equal(host(y), host(out))
    assert (host(y) == 0).any() and not (host(x) == 0).any()
    with pytest.raises(RuntimeError, match=r"dropout1d: Expected 2D \(unbatched\) or 3D "
                                           r"\(batched\) input"):
        F.dropout1d(mt.zeros(2, 3, 4, 5))
    with pytest.raises(RuntimeError, match=r"dropout3d: Expected 4D \(unbatched\) or 5D"):
        F.dropout3d(mt.zeros(2, 3, 4))


# ---- norms on images ----------------------------------------------------------------------------

def test_batch_norm2d_running_statistics_and_eval(device):
    m = nn.BatchNorm2d(3, momentum=0.3).double().to(device)
    with mt.no_grad():
        m.weight.copy_(mt.tensor([1.0, 2.0, -0.5], dtype=mt.float64, device=device))
        m.bias.copy_(mt.tensor([0.0, 1.0, 3.0], dtype=mt.float64, device=device))
    gamma, beta = np.array([1.0, 2.0, -0.5]), np.array([0.0, 1.0, 3.0])
    shape = (1, 3, 1, 1)
    mean, var = np.zeros(3), np.ones(3)
    for step in range(3):
        x = randn(4, 3, 5, 6, device=device) * (step + 1) + step
        xh = host(x)
        mu, sigma2 = xh.mean((0, 2, 3)), xh.var((0, 2, 3))             # biased, for the output
        want = (xh - mu.reshape(shape)) / np.sqrt(sigma2.reshape(shape) + 1e-5) * \
            gamma.reshape(shape) + beta.reshape(shape)
        np.testing.assert_allclose(host(m(x)), want, atol=1e-10)
        mean = 0.7 * mean + 0.3 * mu
        var = 0.7 * var + 0.3 * xh.var((0, 2, 3), ddof=1)            # unbiased: n = 4·5·6
    np.testing.assert_allclose(host(m.running_mean), mean, atol=1e-12)
    np.testing.assert_allclose(host(m.running_var), var, atol=1e-12)
    assert m.num_batches_tracked.item() == 3
    m.eval()
    x = randn(2, 3, 4, 4, device=device)
    want = (host(x) - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + 1e-5) * \
        gamma.reshape(shape) + beta.reshape(shape)
    np.testing.assert_allclose(host(m(x)), want, atol=1e-10)
    np.testing.assert_allclose(host(m.running_mean), mean, atol=1e-12)    # eval leaves them
    assert list(m.state_dict()) == ["weight", "bias", "running_mean", "running_var",
                                    "num_batches_tracked"]


def test_group_norm_on_images(device):
    m = nn.GroupNorm(3, 6).double().to(device)
    with mt.no_grad():
        m.weight.normal_()
        m.bias.normal_()
    x = randn(2, 6, 4, 5, device=device)
    xh = host(x).reshape(2, 3, 2 * 4 * 5)
    normed = (xh - xh.mean(-1, keepdims=True)) / np.sqrt(xh.var(-1, keepdims=True) + 1e-5)
    want = normed.reshape(2, 6, 4, 5) * host(m.weight).reshape(1, 6, 1, 1) + \
        host(m.bias).reshape(1, 6, 1, 1)
    np.testing.assert_allclose(host(m(x)), want, atol=1e-10)
    # one group per channel: instance norm; one group: layer norm over (C, H, W)
    inst = host(nn.GroupNorm(6, 6, affine=False).double().to(device)(x))
    xc = host(x)
    np.testing.assert_allclose(inst, (xc - xc.mean((2, 3), keepdims=True)) /
                               np.sqrt(xc.var((2, 3), keepdims=True) + 1e-5), atol=1e-10)
    layer = host(nn.GroupNorm(1, 6, affine=False).double().to(device)(x))
    np.testing.assert_allclose(layer, (xc - xc.mean((1, 2, 3), keepdims=True)) /
                               np.sqrt(xc.var((1, 2, 3), keepdims=True) + 1e-5), atol=1e-10)
    small = nn.GroupNorm(2, 4).double()
    assert gradcheck(lambda x, w, b: F.group_norm(x, 2, w, b),
                     (randn(2, 4, 2, 3, requires_grad=True), small.weight, small.bias))


# ---- training smoke test ------------------------------------------------------------------------

def test_small_cnn_learns():
    """Conv → BatchNorm → ReLU → MaxPool → Conv → adaptive pool → Linear fits 16 random images
    of 2 classes: the loss falls a lot in 40 SGD steps."""
    mt.manual_seed(0)
    rng = np.random.default_rng(0)
    x = mt.tensor(rng.standard_normal((16, 1, 8, 8)), dtype=mt.float32)
    y = mt.tensor(rng.integers(0, 2, 16))
    model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
                          nn.MaxPool2d(2), nn.Conv2d(4, 8, 3), nn.ReLU(),
                          nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 2))
    opt = mt.optim.SGD(model.parameters(), lr=0.2, momentum=0.9)
    losses = []
    for _ in range(40):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0]
