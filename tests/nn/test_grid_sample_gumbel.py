"""affine_grid, grid_sample and gumbel_softmax (nn.functional): identity transforms, a known
translation, nearest mode, PyTorch's numbers, a spatial transformer's gradient, devices and
dtypes, every user-facing error; Gumbel-softmax statistics, the straight-through estimator and
reproducibility. The forward against loop references, gradcheck and gradgradcheck for every
mode, padding mode and align_corners setting are op-table rows (tests/optable/grid.py)."""
import warnings

import numpy as np
import pytest

import mytorch as mt
import mytorch.nn.functional as F
from mytorch.autograd import gradcheck
from optable.grid import affine_grid_ref, grid_sample_ref, grid_points


def host(t):
    return t.detach().cpu().numpy()


def t64(a, device="cpu", requires_grad=False):
    return mt.tensor(a, dtype=mt.float64, device=device, requires_grad=requires_grad)


def identity(n, batch=1):
    return np.tile(np.eye(n, n + 1), (batch, 1, 1))


# ---- affine_grid + grid_sample ------------------------------------------------------------------

@pytest.mark.parametrize("align_corners", [True, False])
@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (1, 2, 3, 2, 4)])
def test_identity_theta_reproduces_the_input(shape, mode, align_corners):
    x = np.random.default_rng(0).standard_normal(shape)
    n = len(shape) - 2
    grid = F.affine_grid(t64(identity(n, shape[0])), shape, align_corners=align_corners)
    assert tuple(grid.shape) == (shape[0],) + shape[2:] + (n,)
    y = F.grid_sample(t64(x), grid, mode=mode, align_corners=align_corners)
    np.testing.assert_allclose(host(y), x, atol=1e-12)


def test_affine_grid_base_coordinates():
    """The identity grid holds the pixel centres: ±1 at the corner centres with align_corners,
    ±(1 − 1/S) without; a unit-size dimension sits at 0."""
    grid = host(F.affine_grid(t64(identity(2)), (1, 1, 2, 3), align_corners=True))
    np.testing.assert_allclose(grid[0, :, :, 0], [[-1, 0, 1], [-1, 0, 1]])
    np.testing.assert_allclose(grid[0, :, :, 1], [[-1, -1, -1], [1, 1, 1]])
    grid = host(F.affine_grid(t64(identity(2)), (1, 1, 2, 4), align_corners=False))
    np.testing.assert_allclose(grid[0, 0, :, 0], [-0.75, -0.25, 0.25, 0.75])
    np.testing.assert_allclose(grid[0, :, 0, 1], [-0.5, 0.5])
    with pytest.warns(UserWarning, match="unit-size grids"):
        grid = host(F.affine_grid(t64(identity(2)), (1, 1, 1, 3), align_corners=True))
    np.testing.assert_allclose(grid[0, 0, :, 1], [0, 0, 0])


@pytest.mark.parametrize("padding_mode, last", [("zeros", 0.0), ("border", None)])
def test_known_translation(padding_mode, last):
    """tx = 2/W moves the content one pixel left (align_corners=False): y[..., w] = x[..., w+1];
    the last column reads outside, zeros or the border column."""
    x = np.arange(24.0).reshape(1, 2, 3, 4)
    theta = t64([[[1, 0, 2 / 4], [0, 1, 0]]])
    grid = F.affine_grid(theta, x.shape, align_corners=False)
    y = host(F.grid_sample(t64(x), grid, padding_mode=padding_mode, align_corners=False))
    np.testing.assert_allclose(y[..., :3], x[..., 1:], atol=1e-12)
    np.testing.assert_allclose(y[..., 3], x[..., 3] if last is None else last, atol=1e-12)
    # a vertical shift of one pixel with align_corners=True: ty = 2/(H − 1)
    theta = t64([[[1, 0, 0], [0, 1, -2 / 2]]])
    grid = F.affine_grid(theta, x.shape, align_corners=True)
    y = host(F.grid_sample(t64(x), grid, padding_mode=padding_mode, align_corners=True))
    np.testing.assert_allclose(y[:, :, 1:], x[:, :, :2], atol=1e-12)


def test_nearest_picks_the_nearest_pixel_and_has_no_grid_gradient():
    x = np.arange(12.0).reshape(1, 1, 3, 4)
    # pixel coordinates (x, y) = (0.3, 0.6), (2.7, 1.2), (3.4, 2.4), (−0.6, 0): align_corners
    pixels = np.array([[0.3, 0.6], [2.7, 1.2], [3.4, 2.4], [-0.6, 0.0]])
    grid = (pixels / [3, 2] * 2 - 1).reshape(1, 1, 4, 2)
    g = t64(grid, requires_grad=True)
    xt = t64(x, requires_grad=True)
    y = F.grid_sample(xt, g, mode="nearest", align_corners=True)
    np.testing.assert_allclose(host(y).ravel(), [4.0, 7.0, 11.0, 0.0])
    y = F.grid_sample(xt, g, mode="nearest", padding_mode="border", align_corners=True)
    np.testing.assert_allclose(host(y).ravel(), [4.0, 7.0, 11.0, 0.0])
    (y * t64([[[[1.0, 2.0, 3.0, 4.0]]]])).sum().backward()
    np.testing.assert_array_equal(host(g.grad), np.zeros_like(grid))
    want = np.zeros(12)
    want[[4, 7, 11, 0]] = [1.0, 2.0, 3.0, 4.0]
    np.testing.assert_allclose(host(xt.grad).ravel(), want)


def test_nearest_rounds_half_to_even():
    """As PyTorch's nearbyint: pixel coordinate 0.5 reads pixel 0, 1.5 reads pixel 2."""
    x = t64(np.arange(4.0).reshape(1, 1, 1, 4))
    grid = t64(np.array([[[[0.5 / 3 * 2 - 1, 0], [1.5 / 3 * 2 - 1, 0]]]]))
    y = F.grid_sample(x, grid, mode="nearest", align_corners=True)
    np.testing.assert_allclose(host(y).ravel(), [0.0, 2.0])


@pytest.mark.parametrize("align_corners, want", [
    (False, {"zeros": [0.77, 2.1, 3.64, 5.0333333333, 6.9, 8.7666666667],
             "border": [0.9333333333, 2.1, 3.9, 5.0333333333, 6.9, 8.7666666667],
             "reflection": [0.9333333333, 2.1, 3.9, 5.0333333333, 6.9, 8.7666666667]}),
    (True, {"zeros": [0.63, 1.89, 2.38, 6.0, 8.0, 10.0],
            "border": [0.9, 2.1, 3.4, 6.0, 8.0, 10.0],
            "reflection": [2.1, 2.5, 3.1, 6.0, 8.0, 10.0]}),
])
def test_matches_pytorch(align_corners, want, device):
    """A rotation-and-shift of a 3×4 ramp sampled on 2×3 points; the numbers are from torch
    2.13 (F.affine_grid then F.grid_sample in float64)."""
    x = t64(np.arange(12.0).reshape(1, 1, 3, 4), device)
    theta = t64([[[0.8, -0.3, 0.1], [0.2, 0.9, -0.2]]], device)
    grid = F.affine_grid(theta, (1, 1, 2, 3), align_corners=align_corners)
    for padding_mode, numbers in want.items():
        y = F.grid_sample(x, grid, padding_mode=padding_mode, align_corners=align_corners)
        np.testing.assert_allclose(host(y).ravel(), numbers, atol=1e-9)


@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
def test_devices_agree_with_the_reference(mode, padding_mode, device):
    """Forward and both gradients on every test device (the strict one refuses hidden NumPy
    calls) match the cpu and the loop reference; float32 stays float32."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 3, 4, 5))
    grid = grid_points(rng, (2, 3, 2), (4, 5), False, reach=1.0)
    cot = rng.standard_normal((2, 3, 3, 2))
    results = []
    for dev in ("cpu", device):
        xt, gt = t64(x, dev, True), t64(grid, dev, True)
        y = F.grid_sample(xt, gt, mode=mode, padding_mode=padding_mode, align_corners=False)
        assert y.device == xt.device
        (y * t64(cot, dev)).sum().backward()
        results.append([host(y), host(xt.grad), host(gt.grad)])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, atol=1e-12)
    np.testing.assert_allclose(results[1][0], grid_sample_ref(x, grid, mode, padding_mode, False),
                               atol=1e-12)
    x32 = mt.tensor(x, dtype=mt.float32, device=device, requires_grad=True)
    g32 = mt.tensor(grid, dtype=mt.float32, device=device, requires_grad=True)
    y = F.grid_sample(x32, g32, mode=mode, padding_mode=padding_mode, align_corners=False)
    y.sum().backward()
    assert y.dtype == x32.grad.dtype == g32.grad.dtype == mt.float32


def test_affine_grid_on_devices(device):
    theta = np.random.default_rng(4).standard_normal((2, 3, 4))
    t = t64(theta, device, True)
    grid = F.affine_grid(t, (2, 1, 2, 3, 4), align_corners=True)
    assert grid.device == t.device
    np.testing.assert_allclose(host(grid), affine_grid_ref(theta, (2, 1, 2, 3, 4), True),
                               atol=1e-12)
    grid.sum().backward()
    assert t.grad.shape == t.shape


def test_spatial_transformer_gradient_reaches_theta():
    """affine_grid then grid_sample, differentiated with respect to θ (and the image)."""
    rng = np.random.default_rng(5)
    x = t64(rng.standard_normal((2, 2, 5, 6)), requires_grad=True)
    theta = t64(identity(2, 2) * 0.9 + rng.uniform(-0.05, 0.05, (2, 2, 3)), requires_grad=True)

    def transform(x, theta):
        grid = F.affine_grid(theta, (2, 2, 4, 3), align_corners=False)
        return F.grid_sample(x, grid, padding_mode="border", align_corners=False)
    assert gradcheck(transform, (x, theta))


def test_empty_grid():
    x = t64(np.ones((2, 3, 4, 5)), requires_grad=True)
    y = F.grid_sample(x, t64(np.zeros((2, 0, 3, 2))), align_corners=False)
    assert tuple(y.shape) == (2, 3, 0, 3)
    y.sum().backward()
    np.testing.assert_array_equal(host(x.grad), 0.0)


# ---- errors -------------------------------------------------------------------------------------

def test_align_corners_default_warns():
    x, grid = mt.zeros(1, 1, 2, 2), mt.zeros(1, 1, 1, 2)
    with pytest.warns(UserWarning, match="align_corners=False since 1.3.0"):
        F.grid_sample(x, grid)
    with pytest.warns(UserWarning, match="align_corners=False since 1.3.0"):
        F.affine_grid(mt.zeros(1, 2, 3), (1, 1, 2, 2))


@pytest.mark.parametrize("input_shape, grid_shape, kwargs, error, match", [
    ((1, 1, 3, 3), (1, 2, 2, 2), {"mode": "foo"}, ValueError,
     r"expected mode to be 'bilinear', 'nearest' or 'bicubic', but got: 'foo'"),
    ((1, 1, 3, 3), (1, 2, 2, 2), {"padding_mode": "foo"}, ValueError,
     r"expected padding_mode to be 'zeros', 'border', or 'reflection', but got: 'foo'"),
    ((2, 1, 3, 3), (1, 2, 2, 2), {}, RuntimeError,
     r"expected grid and input to have same batch size, but got input with sizes \[2, 1, 3, 3\] "
     r"and grid with sizes \[1, 2, 2, 2\]"),
    ((1, 1, 3, 3), (1, 2, 2, 3), {}, RuntimeError,
     r"grid_sampler\(\): expected grid to have size 2 in last dimension, but got grid with sizes "
     r"\[1, 2, 2, 3\]"),
    ((1, 1, 3, 3), (1, 2, 2, 2, 2), {}, RuntimeError,
     r"expected 4D or 5D input and grid with same number of dimensions"),
    ((1, 1, 3), (1, 2, 1), {}, RuntimeError,
     r"expected 4D or 5D input and grid with same number of dimensions, but got input with "
     r"sizes \[1, 1, 3\]"),
    ((1, 1, 0, 3), (1, 2, 2, 2), {}, RuntimeError,
     r"expected input to have non-empty spatial dimensions, but input has sizes \[1, 1, 0, 3\] "
     r"with dimension 2 being empty"),
    ((1, 1, 3, 3, 3), (1, 2, 2, 2, 3), {"mode": "bicubic"}, RuntimeError,
     r"bicubic interpolation only supports 4D input"),
    ((1, 1, 3, 3), (1, 2, 2, 2), {"mode": "bicubic"}, NotImplementedError,
     r"mode 'bicubic' is not supported; use 'bilinear' or 'nearest'"),
])
def test_grid_sample_errors(input_shape, grid_shape, kwargs, error, match):
    with pytest.raises(error, match=match):
        F.grid_sample(mt.zeros(input_shape), mt.zeros(grid_shape), align_corners=False,
                      **kwargs)


def test_grid_sample_dtype_and_type_errors():
    with pytest.raises(RuntimeError, match="input of dtype mytorch.float32 and grid of dtype mytorch.float64"):
        F.grid_sample(mt.zeros(1, 1, 2, 2), mt.zeros(1, 1, 1, 2, dtype=mt.float64),
                      align_corners=False)
    with pytest.raises(RuntimeError, match="input of dtype mytorch.int64"):
        F.grid_sample(mt.zeros(1, 1, 2, 2, dtype=mt.int64), mt.zeros(1, 1, 1, 2),
                      align_corners=False)
    with pytest.raises(TypeError, match="argument 'grid' must be Tensor"):
        F.grid_sample(mt.zeros(1, 1, 2, 2), np.zeros((1, 1, 1, 2)), align_corners=False)


def test_grid_sample_device_mismatch():
    with pytest.raises(RuntimeError, match="expected all tensors to be on the same device"):
        F.grid_sample(mt.zeros(1, 1, 2, 2), mt.zeros(1, 1, 1, 2, device="strict"),
                      align_corners=False)


@pytest.mark.parametrize("theta, size, error, match", [
    (mt.zeros(2, 2, 3, dtype=mt.int64), (2, 1, 3, 4), ValueError,
     "Expected theta to have floating point type, but got mytorch.int64"),
    (mt.zeros(2, 3, 4), (2, 1, 3, 4), ValueError,
     r"Expected a batch of 2D affine matrices of shape Nx2x3 for size \(2, 1, 3, 4\)"),
    (mt.zeros(2, 2, 3), (2, 1, 3, 4, 5), ValueError,
     r"Expected a batch of 3D affine matrices of shape Nx3x4 for size \(2, 1, 3, 4, 5\)"),
    (mt.zeros(2, 2, 3), (2, 1, 4), NotImplementedError,
     r"affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
     r"respectively. Got size \(2, 1, 4\)"),
    (mt.zeros(2, 2, 3), (2, 1, 0, 4), ValueError,
     r"Expected non-zero, positive output size. Got \(2, 1, 0, 4\)"),
    (mt.zeros(2, 2, 3), (3, 1, 4, 4), ValueError,
     r"theta holds 2 matrices but size asks for a batch of 3"),
])
def test_affine_grid_errors(theta, size, error, match):
    with pytest.raises(error, match=match):
        F.affine_grid(theta, size, align_corners=False)


# ---- gumbel_softmax -----------------------------------------------------------------------------

def test_gumbel_softmax_rows_are_distributions(device):
    logits = mt.tensor(np.random.default_rng(6).standard_normal((5, 7)), dtype=mt.float32,
                       device=device)
    y = F.gumbel_softmax(logits, tau=0.5)
    assert y.shape == logits.shape and y.dtype == mt.float32 and y.device == logits.device
    out = host(y)
    assert (out >= 0).all()
    np.testing.assert_allclose(out.sum(axis=-1), 1.0, rtol=1e-5)
    np.testing.assert_allclose(host(F.gumbel_softmax(logits, dim=0)).sum(axis=0), 1.0, rtol=1e-5)


def test_gumbel_softmax_hard_is_one_hot(device):
    logits = mt.tensor(np.random.default_rng(7).standard_normal((6, 4)), device=device)
    mt.manual_seed(3)
    soft = host(F.gumbel_softmax(logits))
    mt.manual_seed(3)
    hard = host(F.gumbel_softmax(logits, hard=True))
    assert set(np.unique(hard)) <= {0.0, 1.0}
    np.testing.assert_array_equal(hard.sum(axis=-1), 1.0)
    np.testing.assert_array_equal(hard.argmax(axis=-1), soft.argmax(axis=-1))   # same noise


def test_gumbel_softmax_straight_through_gradient():
    """hard = y_hard − soft.detach() + soft: the value is one-hot, the gradient the soft one."""
    rng = np.random.default_rng(8)
    logits = t64(rng.standard_normal((3, 5)), requires_grad=True)
    weights = t64(rng.standard_normal((3, 5)))
    mt.manual_seed(11)
    (F.gumbel_softmax(logits, tau=0.7, hard=True) * weights).sum().backward()
    hard_grad = host(logits.grad)
    logits.grad = None
    mt.manual_seed(11)
    (F.gumbel_softmax(logits, tau=0.7) * weights).sum().backward()
    assert np.abs(hard_grad).sum() > 0
    np.testing.assert_allclose(hard_grad, host(logits.grad), atol=1e-12)


def test_gumbel_softmax_gradcheck():
    """With the noise fixed (the same seed before each call) the soft sample is a softmax of
    (logits + g)/τ, and its gradient passes gradcheck."""
    logits = t64(np.random.default_rng(9).standard_normal((2, 4)), requires_grad=True)

    def sample(x):
        mt.manual_seed(5)
        return F.gumbel_softmax(x, tau=0.5)
    assert gradcheck(sample, (logits,))


def test_gumbel_softmax_reproducible_under_manual_seed():
    logits = mt.zeros(4, 6)
    mt.manual_seed(123)
    a = host(F.gumbel_softmax(logits))
    mt.manual_seed(123)
    b = host(F.gumbel_softmax(logits))
    c = host(F.gumbel_softmax(logits))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(b, c)


def test_gumbel_softmax_samples_the_softmax_distribution():
    """argmax of (logits + Gumbel noise) is a draw from softmax(logits) (the Gumbel-max trick):
    class frequencies over many rows match p within a few standard errors."""
    p = np.array([0.5, 0.3, 0.15, 0.05])
    logits = mt.tensor(np.tile(np.log(p), (20000, 1)))
    hard = host(F.gumbel_softmax(logits, hard=True))
    freq = hard.mean(axis=0)
    np.testing.assert_allclose(freq, p, atol=4 * np.sqrt(p * (1 - p) / 20000).max())
    # a lower temperature gives samples closer to one-hot
    mt.manual_seed(0)
    warm = host(F.gumbel_softmax(logits[:2000], tau=5.0)).max(axis=-1).mean()
    mt.manual_seed(0)
    cold = host(F.gumbel_softmax(logits[:2000], tau=0.1)).max(axis=-1).mean()
    assert cold > 0.9 > warm


def test_gumbel_softmax_errors():
    with pytest.warns(UserWarning, match="`eps` parameter is deprecated and has no effect"):
        F.gumbel_softmax(mt.zeros(2, 3), eps=1e-5)
    with pytest.raises(RuntimeError, match="expected floating point logits, got mytorch.int64"):
        F.gumbel_softmax(mt.zeros(2, 3, dtype=mt.int64))
    with pytest.raises(TypeError, match="argument 'logits' must be Tensor"):
        F.gumbel_softmax(np.zeros((2, 3)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.gumbel_softmax(mt.zeros(2, 3))           # the default eps does not warn
