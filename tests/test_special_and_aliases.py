"""The special functions (lgamma, digamma, polygamma, mvlgamma, erfc, erfinv, i0, i1, igamma,
igammac), the newer elementwise functions (copysign, fmax/fmin, float_power, ldexp, frexp,
heaviside, nextafter, gcd/lcm, signbit, isposinf/isneginf/isreal), PyTorch's aliases, and the
in-place forms. Forward, gradients and float32 are in the op table (tests/optable/special.py);
here: reference values, special values, dtypes and errors."""
import math

import numpy as np
import pytest

import mytorch as mt

EULER_GAMMA = 0.5772156649015329
ZETA3 = 1.2020569031595942


def f64(values, device="cpu"):
    return mt.tensor(values, dtype=mt.float64, device=device)


def close(got, want, rtol=1e-13, atol=0.0):
    if isinstance(want, mt.Tensor):
        want = want.detach().cpu().numpy()
    np.testing.assert_allclose(got.detach().cpu().numpy(), np.asarray(want, dtype=float),
                               rtol=rtol, atol=atol)


# ---- reference values: closed forms, and torch 2.13 where none exists ---------------------

def test_lgamma_of_integers_is_log_factorial(device):
    n = np.arange(1, 40)
    close(mt.lgamma(f64(n, device)), [math.log(math.factorial(k - 1)) for k in n],
          rtol=1e-14, atol=1e-15)


def test_lgamma_reference_values(device):
    close(mt.lgamma(f64([0.5, 1e5], device)), [0.5 * math.log(math.pi), 1051287.7089736569])
    # torch 2.13, float64
    close(mt.lgamma(f64([-2.5, -0.5, 0.25, 7.5, 123.456], device)),
          [-0.05624371649767405, 1.2655121234846454, 1.2880225246980774, 7.534364236758733,
           469.6055471299295])


def test_digamma_closed_forms(device):
    harmonic = np.cumsum([0.0] + [1 / k for k in range(1, 30)])
    close(mt.digamma(f64(np.arange(1, 31), device)), harmonic - EULER_GAMMA, rtol=1e-14)
    close(mt.digamma(f64([0.5], device)), [-EULER_GAMMA - 2 * math.log(2)], rtol=1e-14)


def test_digamma_reference_values(device):
    # torch 2.13, float64; the third is near the root of ψ, so it is compared absolutely
    close(mt.digamma(f64([-2.5, -0.5, 0.25, 7.5, 123.456, 1e-8], device)),
          [1.1031566406452433, 0.03648997397857639, -4.2274535333762655, 1.9467574842460869,
           4.811829323828985, -100000000.57721564])
    assert abs(mt.digamma(f64([1.4616321449683622])).item()) < 1e-15


def test_polygamma_closed_forms(device):
    x = f64([1.0, 0.5], device)
    close(mt.polygamma(1, x), [math.pi ** 2 / 6, math.pi ** 2 / 2], rtol=1e-14)
    close(mt.polygamma(2, x[:1]), [-2 * ZETA3], rtol=1e-14)
    close(mt.polygamma(3, x[:1]), [math.pi ** 4 / 15], rtol=1e-14)
    close(mt.polygamma(0, x), mt.digamma(x), rtol=0)


ZETA = {2: math.pi ** 2 / 6, 3: ZETA3, 4: math.pi ** 4 / 90, 5: 1.0369277551433699}


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_polygamma_at_half_integers(n, device):
    """ψ⁽ⁿ⁾(½) = (−1)ⁿ⁺¹ n! (2ⁿ⁺¹ − 1) ζ(n + 1), then ψ⁽ⁿ⁾(x + 1) = ψ⁽ⁿ⁾(x) + (−1)ⁿ n!/xⁿ⁺¹
    up and down (below 0: the reflection formula). torch 2.13 is 1e-11 off at some of these."""
    f = math.factorial(n)
    values = {0.5: (-1) ** (n + 1) * f * (2 ** (n + 1) - 1) * ZETA[n + 1]}
    for k in range(8):                           # up: 1.5, 2.5, ...
        x = 0.5 + k
        values[x + 1] = values[x] + (-1) ** n * f / x ** (n + 1)
    for k in range(4):                           # down: −0.5, −1.5, ...
        x = 0.5 - k
        values[x - 1] = values[x] - (-1) ** n * f / (x - 1) ** (n + 1)
    xs = sorted(values)                          # the recurrence cancels: compare to its error
    close(mt.polygamma(n, f64(xs, device)), [values[x] for x in xs], rtol=1e-14,
          atol=1e-15 * abs(values[0.5]))


def test_polygamma_at_a_quarter():
    catalan = 0.915965594177219
    close(mt.polygamma(1, f64([0.25])), [math.pi ** 2 + 8 * catalan], rtol=1e-14)


def test_mvlgamma_values():
    x = f64([2.5, 7.0])
    close(mt.mvlgamma(x, 4), [3.5980902903858745, 24.42130863981621])     # torch 2.13
    close(mt.mvlgamma(x, 1), mt.lgamma(x).numpy(), rtol=0)
    close(x.mvlgamma(p=2), mt.lgamma(x).numpy() + mt.lgamma(x - 0.5).numpy()
          + 0.5 * math.log(math.pi))


def test_erfinv_inverts_erf(device):
    # up to |y| = 2.5, where rounding erf(y) to float64 moves y by less than 1e-13
    y = np.concatenate([np.linspace(-2.5, 2.5, 201), [1e-300, -1e-20, 1e-8]])
    x = np.array([math.erf(v) for v in y])
    close(mt.erfinv(f64(x, device)), y, rtol=1e-13)


def test_erfinv_reference_values(device):
    # torch 2.13, float64 (which mpmath confirms to the last digit)
    close(mt.erfinv(f64([-0.999, 0.1, 0.5, 0.9, 0.999999, 1 - 1e-12], device)),
          [-2.3267537655135246, 0.08885599049425769, 0.4769362762044699, 1.1630871536766743,
           3.458910737275499, 5.042031898572696])


def test_erfc_has_no_cancellation(device):
    close(mt.erfc(f64([-1.5, 0.1, 2.0, 5.0, 10.0, 20.0], device)),
          [math.erfc(v) for v in (-1.5, 0.1, 2.0, 5.0, 10.0, 20.0)], rtol=1e-14)


def test_bessel_reference_values(device):
    # torch 2.13, float64, on both sides of the switch from the series to the asymptotic form
    x = f64([-3.0, 0.5, 10.0, 24.9, 25.1, 100.0, 700.0], device)
    close(mt.i0(x), [4.880792585865024, 1.0634833707413236, 2815.716628466254,
                     5235629675.804421, 6369018573.803502, 1.0737517071310738e+42,
                     1.5295933476718735e+302])
    close(mt.special.i1(x), [-3.9533702174026093, 0.25789430539089636, 2670.988303701255,
                             5129395695.925742, 6240828249.8739805, 1.0683693903381625e+42,
                             1.5285003902339006e+302])


def _upper_gamma_of_integer(n, x):
    """Q(n, x) = e⁻ˣ Σₖ₌₀ⁿ⁻¹ xᵏ/k! for an integer n"""
    return math.exp(-x) * sum(x ** k / math.factorial(k) for k in range(n))


def test_igamma_closed_forms(device):
    """Q(n, x) for integers n, P(½, x) = erf √x: in the series (x < a + 1) and the continued
    fraction (x ≥ a + 1) ranges alike."""
    a = [1, 3, 10, 10, 100, 100]
    x = [2.0, 1.5, 12.0, 5.0, 90.0, 120.0]
    q = [_upper_gamma_of_integer(n, v) for n, v in zip(a, x)]
    close(mt.igammac(f64(a, device), f64(x, device)), q, rtol=1e-13)
    close(f64(a, device).igamma(f64(x, device)), 1 - np.array(q), rtol=1e-13)
    x = [0.01, 0.3, 1.2, 2.0, 9.0]
    close(mt.igamma(f64([0.5] * 5, device), f64(x, device)), [math.erf(math.sqrt(v)) for v in x],
          rtol=1e-14)
    close(mt.igammac(f64([0.5] * 5, device), f64(x, device)),
          [math.erfc(math.sqrt(v)) for v in x], rtol=1e-13)


# ---- special values, as PyTorch gives them ------------------------------------------------

def test_special_values_follow_pytorch():
    inf, nan = math.inf, math.nan
    close(mt.lgamma(f64([0.0, -0.0, -1.0, -2.5, 1.0, 2.0, inf, -inf, 1e308])),
          [inf, inf, inf, -0.05624371649767405, 0.0, 0.0, inf, inf, inf])
    close(mt.digamma(f64([0.0, -0.0, -1.0, inf, -inf, nan])), [-inf, inf, nan, inf, nan, nan])
    close(mt.polygamma(1, f64([0.0, -3.0])), [inf, inf])
    close(mt.polygamma(2, f64([0.0, -3.0, inf])), [-inf, -inf, 0.0])
    close(mt.erfinv(f64([-1.0, 1.0, 1.5, -0.0, nan])), [-inf, inf, nan, 0.0, nan])
    assert math.copysign(1, mt.erfinv(f64([-0.0])).item()) < 0
    close(mt.erfc(f64([-30.0, 30.0, inf, -inf, nan])), [2.0, 0.0, 0.0, 2.0, nan])
    close(mt.i0(f64([0.0, 714.0])), [1.0, inf])
    close(mt.special.i1(f64([0.0, -714.0])), [0.0, -inf])
    a = f64([0.0, 0.0, 1.0, 1.0, -1.0, 1.0, inf, 1.0])
    x = f64([0.0, 1.0, 0.0, inf, 1.0, -1.0, 1.0, nan])
    close(mt.igamma(a, x), [nan, 1.0, 0.0, 1.0, nan, nan, 0.0, nan])
    close(mt.igammac(a, x), [nan, 0.0, 1.0, 0.0, nan, nan, 1.0, nan])


def test_dtypes_of_the_special_functions():
    ints = mt.tensor([1, 2])
    for fn in (mt.lgamma, mt.digamma, mt.erfc, mt.erfinv, mt.i0, mt.special.i1,
               lambda t: mt.polygamma(1, t), lambda t: mt.mvlgamma(t + 1, 2)):
        assert fn(ints).dtype == mt.float32
        assert fn(mt.tensor([0.5], dtype=mt.float64)).dtype == mt.float64
    assert mt.igamma(mt.tensor([1.0]), mt.tensor([1.0], dtype=mt.float64)).dtype == mt.float64


def test_float32_results_are_rounded_float64_results():
    x = np.linspace(0.1, 4, 40)
    for fn in (mt.lgamma, mt.digamma, mt.erfc, mt.i0):
        got = fn(mt.tensor(x, dtype=mt.float32)).numpy()
        want = fn(mt.tensor(x.astype(np.float32), dtype=mt.float64)).numpy().astype(np.float32)
        np.testing.assert_array_equal(got, want)


def test_igamma_gradient_in_x_only():
    a = f64([1.5, 2.0]).requires_grad_()
    x = f64([1.0, 3.0]).requires_grad_()
    gx, = mt.autograd.grad(mt.igamma(a.detach(), x).sum(), x)
    density = [v ** (s - 1) * math.exp(-v) / math.gamma(s) for s, v in ((1.5, 1.0), (2.0, 3.0))]
    close(gx, density)
    with pytest.raises(NotImplementedError, match="derivative for 'igamma: input' is not impl"):
        mt.igamma(a, x).sum().backward()
    with pytest.raises(NotImplementedError, match="derivative for 'igammac: input' is not impl"):
        mt.igammac(a, x).sum().backward()


def test_special_namespace():
    x = f64([0.7, 2.5])
    for name, same in (("gammaln", mt.lgamma), ("psi", mt.digamma), ("digamma", mt.digamma),
                       ("erfinv", mt.erfinv), ("expit", mt.sigmoid), ("erfc", mt.erfc)):
        close(getattr(mt.special, name)(x), same(x).numpy(), rtol=0)
    close(mt.special.multigammaln(x + 1, 2), mt.mvlgamma(x + 1, 2).numpy(), rtol=0)
    close(mt.special.gammainc(x, x), mt.igamma(x, x).numpy(), rtol=0)
    assert not hasattr(mt, "i1")             # torch.special.i1 only


# ---- errors --------------------------------------------------------------------------------

def test_polygamma_needs_a_nonnegative_int():
    with pytest.raises(RuntimeError, match="does not support negative n"):
        mt.polygamma(-1, f64([1.0]))
    with pytest.raises(TypeError, match="argument 'n' \\(position 1\\) must be int, not float"):
        mt.polygamma(1.5, f64([1.0]))


def test_mvlgamma_needs_p_at_least_1():
    with pytest.raises(RuntimeError, match="p has to be greater than or equal to 1"):
        mt.mvlgamma(f64([2.0]), 0)


def test_igamma_refuses_integers():
    with pytest.raises(NotImplementedError, match="\"igamma\" not implemented for 'Long'"):
        mt.igamma(mt.tensor([1, 2]), mt.tensor([1, 2]))


def test_tensor_only_operands_are_checked():
    x = f64([1.0])
    for fn, arg in ((mt.igamma, "other"), (mt.fmax, "other"), (mt.gcd, "other"),
                    (mt.ldexp, "other"), (mt.nextafter, "other"), (mt.heaviside, "values")):
        with pytest.raises(TypeError, match=f"argument '{arg}' must be Tensor, not float"):
            fn(x, 2.0)


def test_heaviside_needs_one_dtype():
    with pytest.raises(RuntimeError, match="heaviside is not yet implemented for tensors with "
                                           "different dtypes"):
        mt.heaviside(mt.tensor([1.0]), f64([0.5]))


def test_no_derivative_ops_raise_in_backward():
    x = f64([1.0, -2.0]).requires_grad_()
    for out, name in ((mt.heaviside(x, f64([0.5])), "heaviside"),
                      (mt.nextafter(x, f64([2.0, 2.0])), "nextafter")):
        assert out.requires_grad                   # as in PyTorch
        with pytest.raises(NotImplementedError, match=f"the derivative for '{name}'"):
            out.sum().backward()


def test_integer_only_and_float_only_ops():
    with pytest.raises(NotImplementedError, match="\"gcd\" not implemented for 'Float'"):
        mt.gcd(mt.tensor([4.0]), mt.tensor([6.0]))
    with pytest.raises(NotImplementedError, match="\"lcm\" not implemented for 'Bool'"):
        mt.lcm(mt.tensor([True]), mt.tensor([True]))
    with pytest.raises(NotImplementedError, match="\"nextafter\" not implemented for 'Long'"):
        mt.nextafter(mt.tensor([1]), mt.tensor([2]))
    with pytest.raises(RuntimeError, match="frexp\\(\\) only supports floating-point dtypes"):
        mt.frexp(mt.tensor([8]))


def test_float_power_in_place_needs_float64():
    with pytest.raises(RuntimeError, match="float_power_ has dtype Float but the operation's "
                                           "result requires dtype Double"):
        mt.tensor([2.0]).float_power_(2)


def test_in_place_float_result_into_integers_is_refused():
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired "
                                           "output type Long"):
        mt.tensor([1, 2]).lgamma_()


def test_in_place_comparison_into_a_tensor_that_requires_grad_is_refused():
    y = f64([1.0, 2.0]).requires_grad_() * 1
    with pytest.raises(RuntimeError, match="eq_\\(\\): a logical op has no gradient"):
        y.eq_(1.0)


# ---- the binary functions ------------------------------------------------------------------

def test_copysign(device):
    a = mt.tensor([1.5, -2.0, 0.0, 3.0], device=device)
    close(mt.copysign(a, mt.tensor([-1.0, 1.0, -0.0, 0.0], device=device)), [-1.5, 2.0, -0.0, 3.0])
    assert math.copysign(1, mt.copysign(a, -0.0)[2].item()) < 0
    assert mt.copysign(mt.tensor([3, -4]), mt.tensor([-1, 1])).dtype == mt.float32
    x = mt.tensor([1.5, 0.0, -2.0], requires_grad=True)
    s = mt.tensor([-1.0, 2.0, 3.0], requires_grad=True)
    gx, gs = mt.autograd.grad(mt.copysign(x, s).sum(), (x, s))
    close(gx, [-1.0, 0.0, -1.0])                   # 0 at x = 0, as PyTorch
    close(gs, [0.0, 0.0, 0.0])


def test_fmax_fmin_ignore_nan(device):
    nan = math.nan
    a = mt.tensor([1.0, nan, 2.0, nan], device=device)
    b = mt.tensor([nan, 0.0, 3.0, nan], device=device)
    close(mt.fmax(a, b), [1.0, 0.0, 3.0, nan])
    close(a.fmin(b), [1.0, 0.0, 2.0, nan])
    assert mt.fmax(mt.tensor([1, 5]), mt.tensor([3, 2])).tolist() == [3, 5]


def test_fmax_fmin_gradients_go_to_input_on_ties():
    a = mt.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = mt.tensor([1.0, 3.0, math.nan], requires_grad=True)
    ga, gb = mt.autograd.grad(mt.fmax(a, b).sum(), (a, b))
    close(ga, [1.0, 0.0, 1.0])                     # torch 2.13
    close(gb, [0.0, 1.0, 0.0])
    ga, gb = mt.autograd.grad(mt.fmin(a, b).sum(), (a, b))
    close(ga, [1.0, 1.0, 1.0])
    close(gb, [0.0, 0.0, 0.0])


def test_float_power_is_float64():
    assert mt.float_power(mt.tensor([2, 3]), 2).dtype == mt.float64
    close(mt.float_power(2, mt.tensor([0.5, 2.0])), [math.sqrt(2), 4.0], rtol=1e-15)
    x = f64([2.0, 3.0])
    assert x.float_power_(2) is x
    close(x, [4.0, 9.0])


def test_ldexp_and_frexp(device):
    x = f64([8.0, 0.3, 0.0, -5.0, math.inf], device)
    mantissa, exponent = mt.frexp(x)
    close(mantissa, [0.5, 0.6, 0.0, -0.625, math.inf], rtol=0)
    assert exponent.dtype == mt.int32 and exponent.tolist() == [4, -1, 0, 3, 0]
    assert x.frexp().mantissa.shape == x.shape
    assert mt.frexp(mt.tensor([3.0])).mantissa.dtype == mt.float32
    close(mt.ldexp(mantissa[:4], exponent[:4]), [8.0, 0.3, 0.0, -5.0], rtol=0)
    assert mt.ldexp(mt.tensor([1, 3]), mt.tensor([2, -1])).dtype == mt.float32
    assert mt.ldexp(mt.tensor([1.0]), f64([2.0])).dtype == mt.float64
    assert "mytorch.return_types.frexp(\nmantissa=" in repr(mt.frexp(x))


def test_heaviside_nextafter_gcd_lcm(device):
    close(mt.heaviside(mt.tensor([-1.0, 0.0, 2.0, math.nan], device=device),
                       mt.tensor([0.5], device=device)), [0.0, 0.5, 1.0, 0.0])
    assert mt.heaviside(mt.tensor([-1, 0, 2]), mt.tensor([7])).tolist() == [0, 7, 1]
    one = mt.tensor([1.0, 1.0], device=device)
    step = (mt.nextafter(one, mt.tensor([2.0, 0.0], device=device)) - one).tolist()
    assert step == [2.0 ** -23, -(2.0 ** -24)]
    a = mt.tensor([-4, 6, 0, 0], device=device)
    b = mt.tensor([6, -9, 5, 0], device=device)
    assert mt.gcd(a, b).tolist() == [2, 3, 5, 0]       # torch 2.13
    assert a.lcm(b).tolist() == [12, 18, 0, 0]
    assert mt.gcd(mt.tensor([4], dtype=mt.int32), mt.tensor([6])).dtype == mt.int64


def test_sign_and_class_predicates(device):
    x = mt.tensor([-0.0, 0.0, -1.0, math.inf, -math.inf, math.nan], device=device)
    assert mt.signbit(x).tolist() == [True, False, True, False, True, False]
    assert mt.signbit(mt.tensor([-1, 0, 1])).tolist() == [True, False, False]
    assert mt.isposinf(x).tolist() == [False, False, False, True, False, False]
    assert x.isneginf().tolist() == [False, False, False, False, True, False]
    assert mt.isposinf(mt.tensor([1, 2])).tolist() == [False, False]
    assert mt.isreal(x).tolist() == [True] * 6 and mt.isreal(x).dtype == mt.bool


def test_logaddexp2():
    close(mt.logaddexp2(f64([1.0, 2.0, 1000.0]), f64([1.0, 0.0, 1000.0])),
          [2.0, math.log2(5), 1001.0], rtol=1e-15)


# ---- aliases and in-place forms ------------------------------------------------------------

def test_aliases():
    x, y = f64([1.5, -2.0]), f64([0.5, 4.0])
    for alias, op in ((mt.absolute, mt.abs), (mt.negative, mt.neg)):
        close(alias(x), op(x).numpy(), rtol=0)
    for alias, op in ((mt.multiply, mt.mul), (mt.divide, mt.div), (mt.subtract, mt.sub),
                      (mt.true_divide, mt.div)):
        close(alias(x, y), op(x, y).numpy(), rtol=0)
    close(mt.divide(x, y, rounding_mode="floor"), [3.0, -1.0])
    for name, op in (("greater", mt.gt), ("greater_equal", mt.ge), ("less", mt.lt),
                     ("less_equal", mt.le), ("not_equal", mt.ne)):
        assert getattr(x, name)(y).tolist() == op(x, y).tolist()
    assert x.absolute().tolist() == [1.5, 2.0]


UNARY_IN_PLACE = ["abs", "absolute", "sin", "cos", "log", "log1p", "expm1", "rsqrt", "square",
                  "reciprocal", "sign", "neg", "negative", "erf", "erfc", "erfinv", "digamma",
                  "lgamma", "i0", "logit"]
BINARY_IN_PLACE = ["fmod", "remainder", "floor_divide", "igamma", "igammac", "copysign", "ldexp",
                   "nextafter", "multiply", "subtract", "divide", "true_divide", "heaviside"]


@pytest.mark.parametrize("name", UNARY_IN_PLACE)
def test_unary_in_place_matches_out_of_place(name, device):
    x = mt.tensor([0.2, 0.45, 0.7], dtype=mt.float64, device=device)
    want = getattr(x, name)()
    y = x.clone()
    version = y._version
    assert getattr(y, name + "_")() is y
    assert y._version == version + 1
    close(y, want, rtol=0)


@pytest.mark.parametrize("name", BINARY_IN_PLACE)
def test_binary_in_place_matches_out_of_place(name, device):
    x = mt.tensor([0.2, 1.45, 2.7], dtype=mt.float64, device=device)
    other = mt.tensor([0.3, 0.5, 2.0], dtype=mt.float64, device=device)
    if name == "ldexp":
        other = mt.tensor([1, -2, 3], device=device)
    want = getattr(x, name)(other)
    y = x.clone()
    assert getattr(y, name + "_")(other) is y
    close(y, want, rtol=0)


def test_in_place_with_arguments():
    x = f64([0.2, 0.5])
    close(x.clone().logit_(0.3), [math.log(0.3 / 0.7), 0.0], atol=1e-16)
    close(x.clone().polygamma_(1), mt.polygamma(1, x).numpy(), rtol=0)
    close((x + 2).mvlgamma_(p=2), mt.mvlgamma(x + 2, 2).numpy(), rtol=0)
    close(x.clone().divide_(0.3, rounding_mode="floor"), [0.0, 1.0])
    close(x.clone().subtract_(1, alpha=2), [-1.8, -1.5])
    n = mt.tensor([4, 9])
    assert n.clone().gcd_(mt.tensor([6, 6])).tolist() == [2, 3]
    assert n.clone().lcm_(mt.tensor([6, 6])).tolist() == [12, 18]


@pytest.mark.parametrize("name", ["eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal",
                                  "less", "less_equal", "not_equal"])
def test_comparisons_in_place_write_one_and_zero(name):
    x = mt.tensor([1.0, 2.0, 3.0])
    want = getattr(x, name)(2.0).tolist()
    assert getattr(x, name + "_")(2.0) is x
    assert x.dtype == mt.float32 and x.tolist() == [float(w) for w in want]
    n = mt.tensor([1, 2, 3])
    getattr(n, name + "_")(mt.tensor([2.5, 2.0, 0.5]))
    assert n.dtype == mt.int64 and n.tolist() == [int(w) for w in
                                                   getattr(mt.tensor([1, 2, 3]), name)(
                                                       mt.tensor([2.5, 2.0, 0.5])).tolist()]


def test_recorded_in_place_gradient():
    x = f64([0.7, 2.5]).requires_grad_()
    y = x * 0.1
    y.erfinv_()                                  # erfinv's backward reads its output only
    g, = mt.autograd.grad(y.sum(), x)
    close(g, 0.1 * math.sqrt(math.pi) / 2 * np.exp(mt.erfinv(0.1 * x.detach()).numpy() ** 2))


def test_recorded_in_place_that_overwrites_a_saved_input_raises():
    """lgamma's backward needs the input that lgamma_ overwrote: an error, never a wrong
    gradient."""
    y = f64([0.7, 2.5]).requires_grad_() * 1
    y.lgamma_()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


# ---- torch.special's scaled Bessel, normal-distribution, entropy and zeta functions ---------

SP = mt.special
INF, NAN = math.inf, math.nan


@pytest.mark.parametrize("name, x, want", [
    # torch 2.13, float64
    ("i0e", [-50.0, 0.1, 3.0, 700.0], [0.056561626647454184, 0.9071009257823011,
                                       0.24300035416182536, 0.015081295651531355]),
    ("i1e", [-50.0, 0.1, 3.0, 700.0], [-0.055993123892895395, 0.045298446808809324,
                                       0.19682671329730084, 0.015070519444716846]),
    ("erfcx", [-3.0, 0.2, 10.0, 1e5], [16205.988853999586, 0.8090195199015808,
                                       0.05614099274382259, 5.6418958351954685e-06]),
    ("ndtr", [-3.0, 0.3, 2.0], [0.0013498980316300946,            # mpmath: torch's is 7e-15 off
                                0.6179114221889527, 0.9772498680518208]),
    ("ndtri", [1e-10, 0.025, 0.9], [-6.361340902404056, -1.9599639845400545, 1.2815515655446004]),
    ("log_ndtr", [-20.0, -1.0, 0.5], [-203.9171553710973, -1.841021645009264,
                                      -0.36894641528865635]),
    ("entr", [0.25, 5.0], [0.34657359027997264, -8.047189562170502]),
    ("spherical_bessel_j0", [0.1, 2.0, -7.0], [0.9983341664682815, 0.45464871341284085,
                                               0.09385522838839844]),
])
def test_special_reference_values(name, x, want, device):
    close(getattr(SP, name)(f64(x, device)), want, rtol=2e-15)


def test_tails_beyond_torch():
    """mpmath (40 digits): where PyTorch's float64 loses digits (erfcx far left, from the
    rounding of x², ndtr's cancellation), and where Φ underflows."""
    close(SP.erfcx(f64([-24.42])), [1.934807996807101686e259], rtol=1e-15)
    close(SP.ndtr(f64([-8.4])), [2.2323931972880437e-17], rtol=1e-14)
    close(SP.log_ndtr(f64([-40.0])), [-804.6084420137538])
    close(SP.ndtr(SP.ndtri(f64([1e-300, 1e-100, 1e-20]))), [1e-300, 1e-100, 1e-20], rtol=1e-12)


@pytest.mark.parametrize("name, want", [
    # torch 2.13 at (nan, inf, -inf)
    ("i0e", [NAN, 0.0, 0.0]), ("i1e", [NAN, 0.0, -0.0]), ("erfcx", [NAN, 0.0, INF]),
    ("ndtr", [NAN, 1.0, 0.0]), ("ndtri", [NAN, NAN, NAN]), ("log_ndtr", [NAN, 0.0, -INF]),
    ("entr", [NAN, -INF, -INF]), ("spherical_bessel_j0", [NAN, 0.0, 0.0]),
])
def test_special_values_at_nan_and_inf(name, want, device):
    close(getattr(SP, name)(f64([NAN, INF, -INF], device)), want)


def test_ndtri_edges_and_symmetry():
    close(SP.ndtri(f64([0.0, 1.0, -0.1, 1.1, 0.5])), [-INF, INF, NAN, NAN, 0.0])
    p = f64([1e-5, 0.1, 0.3])
    close(SP.ndtri(1 - p), -SP.ndtri(p), rtol=1e-11)     # 1 − p rounds, not ndtri


def test_erfcx_far_left_overflows():
    close(SP.erfcx(f64([-30.0, -26.0])), [INF, 7.65772493e293], rtol=1e-8)


def test_entr_edges():
    close(SP.entr(f64([0.0, -1.0, 1.0])), [0.0, -INF, -0.0])


def test_zeta_values_and_edges(device):
    # ζ(2) = π²/6; torch 2.13 for the others
    close(SP.zeta(f64([2.0, 3.0, 4.5, 2.0], device), f64([1.0, 0.5, 2.0, -1.5], device)),
          [math.pi ** 2 / 6, 8.414398322117158, 0.054707510761454255, 9.379246644989124])
    close(SP.zeta(f64([3.0]), 1.0), [ZETA3])
    close(SP.zeta(2.5, f64([1e9])), [(1 / 1.5 + 0.5e-9) * 1e9 ** -1.5])
    # poles at x = 1 and q = 0, −1, …; NaN for x < 1 and for q < 0 with x not an integer
    close(SP.zeta(f64([1.0, 0.5, 2.0, 2.0, 2.5]), f64([1.0, 1.0, 0.0, -3.0, -1.5])),
          [INF, NAN, INF, INF, NAN])


def test_zeta_gradient_only_in_q():
    x = f64([2.0, 3.0]).requires_grad_()
    q = f64([1.0, 2.5]).requires_grad_()
    g, = mt.autograd.grad(SP.zeta(x.detach(), q).sum(), q)
    close(g, -x.detach() * SP.zeta(x.detach() + 1, q.detach()))
    with pytest.raises(NotImplementedError, match="the derivative for 'zeta' is not implemented"):
        SP.zeta(x, q).sum().backward()


def test_xlog1py_values_and_zeros():
    close(SP.xlog1py(f64([2.0, -0.5]), f64([1e-10, 3.0])),
          [1.9999999999000001e-10, -0.6931471805599453])          # torch 2.13
    close(SP.xlog1py(f64([0.0, 0.0, 1.0]), f64([NAN, -2.0, -2.0])), [NAN, 0.0, NAN])
    close(SP.xlog1py(2, f64([1.0])), [2 * math.log(2)])
    close(SP.xlog1py(f64([1.0]), 2), [math.log(3)])
    x = f64([0.0]).requires_grad_()
    gx, = mt.autograd.grad(SP.xlog1py(x, f64([-1.0])).sum(), x)
    close(gx, [0.0])                          # PyTorch's rule at x = 0, y ≤ −1


def test_xlog1py_and_zeta_need_a_tensor():
    with pytest.raises(TypeError, match=r"xlog1py\(\): expected at least one Tensor operand, got "
                                        "float and float"):
        SP.xlog1py(2.0, 3.0)
    with pytest.raises(TypeError, match=r"zeta\(\): expected at least one Tensor operand"):
        SP.zeta(2.0, 3.0)


def test_new_special_dtypes():
    for name in ("i0e", "i1e", "erfcx", "ndtr", "ndtri", "log_ndtr", "entr",
                 "spherical_bessel_j0"):
        assert getattr(SP, name)(mt.tensor([1, 2])).dtype == mt.float32, name
        assert getattr(SP, name)(mt.tensor([0.5], dtype=mt.float32)).dtype == mt.float32, name
    assert SP.zeta(mt.tensor([2]), mt.tensor([1])).dtype == mt.float32
    assert SP.xlog1py(mt.tensor([1]), mt.tensor([1])).dtype == mt.float32
    assert SP.zeta(mt.tensor([2.0], dtype=mt.float64), 1).dtype == mt.float64


def test_spherical_bessel_j0_has_no_gradient():
    """As PyTorch: the result never requires grad."""
    x = f64([0.3, 2.0]).requires_grad_()
    y = SP.spherical_bessel_j0(x)
    assert not y.requires_grad and y.grad_fn is None
    close(y, np.sin([0.3, 2.0]) / [0.3, 2.0], rtol=1e-15)


def test_special_softmax_aliases():
    x = mt.tensor([[1.0, 2.0, 3.0]])
    y = SP.softmax(x, 1, dtype=mt.float64)
    assert y.dtype == mt.float64
    close(y, mt.softmax(x.double(), 1), rtol=0)
    close(SP.log_softmax(x, dim=-1), mt.log_softmax(x, -1), rtol=0)


def test_torch_special_only_names_are_not_top_level():
    for name in ("i0e", "i1e", "erfcx", "ndtr", "ndtri", "log_ndtr", "entr", "zeta", "xlog1py",
                 "spherical_bessel_j0"):
        assert not hasattr(mt, name) and hasattr(SP, name), name
