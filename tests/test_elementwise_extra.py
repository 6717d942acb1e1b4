"""The newer elementwise ops beyond the op table: PyTorch's dtype rules, special points (sinc
at 0, xlogy at 0, non-finite values), large magnitudes, Tensor methods and in-place forms,
and every user-facing error."""
import math

import numpy as np
import pytest

import mytorch as mt


def grad_of(fn, x):
    x = x.detach().requires_grad_()
    out = fn(x)
    out.backward(mt.ones_like(out))
    return x.grad


# ---- dtypes -----------------------------------------------------------------------------------

# (the activations PyTorch keeps integer or refuses: tests/nn/test_norm_bias_and_activation_dtypes)
FLOAT_FUNCTIONS = ["tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "atanh", "log2",
                   "log10", "exp2", "sinc", "deg2rad", "rad2deg", "softsign", "tanhshrink"]


@pytest.mark.parametrize("name", FLOAT_FUNCTIONS)
def test_integer_input_gives_default_float(name):
    out = getattr(mt, name)(mt.tensor([0 if name == "atanh" else 1]))
    assert out.dtype == mt.float32


@pytest.mark.parametrize("name", ["atan2", "logaddexp", "hypot", "xlogy"])
def test_binary_integer_inputs_give_default_float(name):
    out = getattr(mt, name)(mt.tensor([1, 2]), mt.tensor([3, 4]))
    assert out.dtype == mt.float32


@pytest.mark.parametrize("name", ["floor", "ceil", "trunc", "round", "fix"])
def test_rounding_keeps_integer_dtype_and_copies(name):
    x = mt.tensor([3, -2, 7])
    out = getattr(mt, name)(x)
    assert out.dtype == mt.int64 and out.tolist() == [3, -2, 7]
    out[0] = 100
    assert x[0].item() == 3


def test_nan_to_num_keeps_integers():
    assert mt.nan_to_num(mt.tensor([1, 2])).dtype == mt.int64


def test_float64_stays_float64():
    x = mt.tensor([0.25, 0.5], dtype=mt.float64)
    for fn in (mt.tan, mt.sinc, mt.floor, mt.mish, lambda t: mt.lerp(t, t, 0.5),
               lambda t: mt.atan2(t, t)):
        assert fn(x).dtype == mt.float64


def test_binary_promotion_follows_pytorch():
    a = mt.tensor([1.0, 2.0])
    assert mt.hypot(a, mt.tensor([1, 2])).dtype == mt.float32
    assert mt.atan2(a, a.double()).dtype == mt.float64


# ---- values -------------------------------------------------------------------------------------

def test_round_is_half_to_even_and_takes_decimals():
    assert mt.round(mt.tensor([0.5, 1.5, 2.5, -0.5, -1.5])).tolist() == [0, 2, 2, 0, -2]
    np.testing.assert_allclose(mt.round(mt.tensor([1.2345, -2.5678]), decimals=2).numpy(),
                               [1.23, -2.57], rtol=1e-6)
    np.testing.assert_allclose(mt.tensor([1234.0]).round(decimals=-2).numpy(), [1200.0])


def test_floor_ceil_trunc_frac_on_negatives():
    x = mt.tensor([-1.5, -0.25, 0.75, 2.0])
    assert mt.floor(x).tolist() == [-2, -1, 0, 2]
    assert mt.ceil(x).tolist() == [-1, 0, 1, 2]
    assert mt.trunc(x).tolist() == [-1, 0, 0, 2]
    assert x.frac().tolist() == [-0.5, -0.25, 0.75, 0.0]


def test_rounding_has_zero_gradient():
    x = mt.tensor([0.3, 1.7, -2.2])
    for fn in (mt.floor, mt.ceil, mt.trunc, mt.round, lambda t: t.round(decimals=1)):
        assert grad_of(fn, x).tolist() == [0.0, 0.0, 0.0]
    assert grad_of(mt.frac, x).tolist() == [1.0, 1.0, 1.0]


def test_sinc_at_zero():
    x = mt.tensor([0.0, 1.0, -2.0], dtype=mt.float64, requires_grad=True)
    y = mt.sinc(x)
    np.testing.assert_allclose(y.detach().numpy(), [1.0, 0.0, 0.0], atol=1e-15)
    g, = mt.autograd.grad(y.sum(), x, create_graph=True)
    np.testing.assert_allclose(g.detach().numpy(), [0.0, -1.0, -0.5], atol=1e-12)
    gg, = mt.autograd.grad(g[0], x)
    np.testing.assert_allclose(gg[0].item(), -math.pi ** 2 / 3, rtol=1e-12)
    assert mt.sinc(mt.tensor([0.0])).dtype == mt.float32


def test_xlogy_at_zero_and_nan():
    a = mt.tensor([0.0, 0.0, 0.0, 2.0], requires_grad=True)
    b = mt.tensor([0.0, 3.0, float("nan"), math.e])
    y = mt.xlogy(a, b)
    out = y.tolist()
    assert out[0] == 0.0 and out[1] == 0.0 and math.isnan(out[2])
    assert out[3] == pytest.approx(2.0)
    y[[0, 1, 3]].sum().backward()
    assert a.grad[0].item() == 0.0                       # a = 0, b ≤ 0: 0, as in PyTorch
    assert a.grad[1].item() == pytest.approx(math.log(3.0))


def test_xlogy_numbers_on_either_side():
    b = mt.tensor([1.0, math.e])
    np.testing.assert_allclose(mt.xlogy(3.0, b).numpy(), [0.0, 3.0], rtol=1e-6)
    np.testing.assert_allclose(mt.xlogy(b, 1.0).numpy(), [0.0, 0.0])


def test_nan_to_num_defaults_and_gradient():
    x = mt.tensor([float("nan"), float("inf"), -float("inf"), 1.5])
    out = mt.nan_to_num(x)
    big = np.finfo(np.float32).max
    assert out.tolist() == [0.0, float(big), -float(big), 1.5]
    assert mt.nan_to_num(x, nan=7.0, posinf=1.0, neginf=-1.0).tolist() == [7.0, 1.0, -1.0, 1.5]
    assert grad_of(mt.nan_to_num, x).tolist() == [0.0, 0.0, 0.0, 1.0]


def test_large_magnitudes_stay_finite():
    big = mt.tensor([1000.0, -1000.0])
    np.testing.assert_allclose(mt.logaddexp(big, big).numpy(),
                               [1000 + math.log(2), -1000 + math.log(2)], rtol=1e-6)
    np.testing.assert_allclose(mt.logsigmoid(big).numpy(), [0.0, -1000.0])
    np.testing.assert_allclose(mt.mish(big).numpy(), [1000.0, 0.0], atol=1e-30)
    np.testing.assert_allclose(mt.hypot(mt.tensor([3e30]), mt.tensor([4e30])).numpy(), [5e30],
                               rtol=1e-6)
    assert np.isfinite(grad_of(mt.logsigmoid, big).numpy()).all()
    assert np.isfinite(grad_of(lambda t: mt.logaddexp(t, t * 0.5), big).numpy()).all()


def test_lerp_endpoints_are_exact_and_weight_gets_a_gradient():
    a = mt.tensor([0.1, -3.7, 1e8])
    b = mt.tensor([0.3, 2.9, -1e-3])
    assert mt.lerp(a, b, 1.0).tolist() == b.tolist()
    assert mt.lerp(a, b, 0.0).tolist() == a.tolist()
    w = mt.tensor([0.25, 0.75, 0.5], requires_grad=True)
    mt.lerp(a, b, w).sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), (b - a).numpy())


def test_addcmul_addcdiv_values_and_integers():
    x, a, b = mt.tensor([1.0, 2.0]), mt.tensor([3.0, 4.0]), mt.tensor([2.0, 8.0])
    assert mt.addcmul(x, a, b).tolist() == [7.0, 34.0]
    assert x.addcmul(a, b, value=0.5).tolist() == [4.0, 18.0]
    assert mt.addcdiv(x, a, b, value=2).tolist() == [4.0, 3.0]
    ints = mt.tensor([1, 2])
    assert mt.addcmul(ints, ints, ints, value=2).dtype == mt.int64
    assert mt.addcdiv(ints, a, b).dtype == mt.float32


def test_activations_match_definitions():
    x = mt.tensor([-4.0, -1.0, 0.5, 4.0, 7.0])
    assert mt.relu6(x).tolist() == [0.0, 0.0, 0.5, 4.0, 6.0]
    assert mt.hardtanh(x).tolist() == [-1.0, -1.0, 0.5, 1.0, 1.0]
    np.testing.assert_allclose(mt.hardsigmoid(x).numpy(), [0, 2 / 6, 3.5 / 6, 1, 1], rtol=1e-6)
    np.testing.assert_allclose(mt.hardswish(x).numpy(), [0, -2 / 6, 0.5 * 3.5 / 6, 4, 7],
                               rtol=1e-6)
    np.testing.assert_allclose(mt.softsign(x).numpy(), (x / (1 + x.abs())).numpy())
    np.testing.assert_allclose(mt.celu(x, 1.0).numpy(), mt.elu(x).numpy())


def test_relu6_and_hardtanh_edges_have_zero_gradient():
    x = mt.tensor([0.0, 6.0, 3.0])
    assert grad_of(mt.relu6, x).tolist() == [0.0, 0.0, 1.0]
    assert grad_of(mt.hardtanh, mt.tensor([-1.0, 1.0, 0.0])).tolist() == [0.0, 0.0, 1.0]


def test_positive_and_sgn():
    x = mt.tensor([-2.0, 0.0, 3.0])
    assert mt.positive(x) is x
    assert mt.sgn(x).tolist() == [-1.0, 0.0, 1.0] == x.sgn().tolist()


def test_deg2rad_rad2deg_round_trip():
    x = mt.tensor([180.0, -90.0])
    np.testing.assert_allclose(x.deg2rad().numpy(), [math.pi, -math.pi / 2], rtol=1e-6)
    np.testing.assert_allclose(x.deg2rad().rad2deg().numpy(), x.numpy(), rtol=1e-6)


# ---- methods and in-place forms ---------------------------------------------------------------

def test_method_aliases():
    x = mt.tensor([0.25, -0.5])
    assert x.arcsin().tolist() == x.asin().tolist() == mt.arcsin(x).tolist()
    assert x.arctan2(x).tolist() == mt.atan2(x, x).tolist()
    assert x.fix().tolist() == x.trunc().tolist()
    assert x.clamp_min(0.0).tolist() == [0.25, 0.0]
    assert x.clamp_max(0.0).tolist() == [0.0, -0.5]


def test_inplace_forms_write_and_bump_version():
    x = mt.tensor([1.7, -0.3])
    v = x._version
    assert x.floor_() is x and x.tolist() == [1.0, -1.0]
    x.clamp_min_(0.0).tan_()
    np.testing.assert_allclose(x.numpy(), [math.tan(1.0), 0.0], rtol=1e-6)
    assert x._version == v + 3
    y = mt.tensor([1.26, 2.5])
    assert y.round_(decimals=1).tolist() == pytest.approx([1.3, 2.5])
    z = mt.tensor([float("nan"), 2.0])
    assert z.nan_to_num_(nan=-1.0).tolist() == [-1.0, 2.0]


def test_inplace_is_recorded_in_the_graph():
    w = mt.tensor([0.2, 0.4], requires_grad=True)
    h = w * 2
    h.tan_()
    h.sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), 2 / np.cos([0.4, 0.8]) ** 2, rtol=1e-5)


def test_inplace_float_function_on_integers_refuses():
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired "
                                           "output type Long"):
        mt.tensor([1, 2]).tan_()
    assert mt.tensor([1, 2]).floor_().tolist() == [1, 2]


# ---- errors -------------------------------------------------------------------------------------

def test_errors():
    with pytest.raises(TypeError, match=r"tan\(\): argument 'input' must be Tensor, not list"):
        mt.tan([1.0])
    with pytest.raises(TypeError, match=r"atan2\(\): argument 'other' must be Tensor"):
        mt.atan2(mt.tensor([1.0]), 2.0)
    with pytest.raises(RuntimeError, match="\"floor\" not implemented for 'bool'"):
        mt.floor(mt.tensor([True]))
    with pytest.raises(RuntimeError, match="\"round\" not implemented for 'int64' with decimals"):
        mt.round(mt.tensor([1]), decimals=1)
    with pytest.raises(RuntimeError, match="\"frac\" not implemented for 'int64'"):
        mt.frac(mt.tensor([1]))
    with pytest.raises(RuntimeError, match="`\\+` operator, on a bool tensor"):
        mt.positive(mt.tensor([True]))
    with pytest.raises(ValueError, match="min_val \\(2\\) cannot be greater than max_val \\(1\\)"):
        mt.hardtanh(mt.tensor([0.0]), 2, 1)
    with pytest.raises(RuntimeError, match="alpha cannot be 0 for CELU"):
        mt.celu(mt.tensor([0.0]), alpha=0)
    with pytest.raises(RuntimeError, match="Integer division with addcdiv is no longer supported"):
        mt.addcdiv(mt.tensor([1]), mt.tensor([1]), mt.tensor([2]))
    with pytest.raises(RuntimeError, match="argument value must not be a floating point number"):
        mt.addcmul(mt.tensor([1]), mt.tensor([1]), mt.tensor([2]), value=0.5)
    with pytest.raises(TypeError, match="lerp\\(\\): argument 'weight' must be Tensor or a number"):
        mt.lerp(mt.tensor([1.0]), mt.tensor([2.0]), "half")
    with pytest.raises(RuntimeError, match="same device"):
        mt.hypot(mt.tensor([1.0]), mt.tensor([1.0], device="strict"))
