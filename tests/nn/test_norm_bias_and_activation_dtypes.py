"""PyTorch 2.13's keyword-only `bias` of the batch, instance and group norms (and their lazy
forms); the integer-input rules of the activations (kept integer by hardtanh and relu6,
NotImplementedError where PyTorch has no integer kernel); LinAlgError's public name."""
import traceback

import numpy as np
import pytest

import mytorch as mt
import mytorch.nn.functional as F
from mytorch import nn


# ---- norms with γ but no β -------------------------------------------------------------------

NORMS = [
    (lambda **kw: nn.BatchNorm1d(3, **kw), (4, 3, 5), "BatchNorm1d(3, eps=1e-05, momentum=0.1, "
     "affine=True, bias=False, track_running_stats=True)"),
    (lambda **kw: nn.BatchNorm2d(3, **kw), (4, 3, 2, 2), None),
    (lambda **kw: nn.BatchNorm3d(3, **kw), (2, 3, 2, 2, 2), None),
    (lambda **kw: nn.InstanceNorm1d(3, affine=True, **kw), (2, 3, 5), "InstanceNorm1d(3, "
     "eps=1e-05, momentum=0.1, affine=True, bias=False, track_running_stats=False)"),
    (lambda **kw: nn.InstanceNorm2d(3, affine=True, **kw), (2, 3, 2, 3), None),
    (lambda **kw: nn.InstanceNorm3d(3, affine=True, **kw), (2, 3, 2, 2, 2), None),
    (lambda **kw: nn.GroupNorm(1, 3, **kw), (2, 3, 4), "GroupNorm(1, 3, eps=1e-05, affine=True, "
     "bias=False)"),
]


@pytest.mark.parametrize("make, shape, text", NORMS)
def test_bias_false_gives_weight_without_bias(make, shape, text):
    m = make(bias=False)
    assert isinstance(m.weight, nn.Parameter) and m.bias is None
    assert "bias" not in m.state_dict() and "weight" in m.state_dict()
    assert [name for name, _ in m.named_parameters()] == ["weight"]
    assert "affine=True, bias=False" in repr(m)
    if text is not None:
        assert repr(m) == text          # as PyTorch 2.13 prints it
    x = mt.randn(*shape).double()
    m.double()
    with_bias = make().double()
    with mt.no_grad():
        m.weight.copy_(mt.tensor([0.5, 2.0, -1.0]))
        with_bias.weight.copy_(m.weight)
    out = m(x)
    np.testing.assert_allclose(out.detach().numpy(), with_bias(x).detach().numpy())
    out.sum().backward()
    assert m.weight.grad is not None


def test_batch_norm_state_dict_keys_as_pytorch():
    # PyTorch 2.13's keys for BatchNorm1d(3, bias=False) and for affine=False, bias=False
    assert list(nn.BatchNorm1d(3, bias=False).state_dict()) == [
        "weight", "running_mean", "running_var", "num_batches_tracked"]
    m = nn.BatchNorm1d(3, affine=False, bias=False)
    assert list(m.state_dict()) == ["running_mean", "running_var", "num_batches_tracked"]
    assert "affine=False, bias=False" in repr(m)


def test_bias_false_state_dict_round_trip():
    a, b = nn.BatchNorm2d(2, bias=False), nn.BatchNorm2d(2, bias=False)
    with mt.no_grad():
        a.weight.copy_(mt.tensor([3.0, 4.0]))
    b.load_state_dict(a.state_dict())
    np.testing.assert_array_equal(b.weight.detach().numpy(), [3.0, 4.0])
    with pytest.raises(RuntimeError, match="Unexpected key"):
        b.load_state_dict(nn.BatchNorm2d(2).state_dict())


def test_bias_is_keyword_only():
    with pytest.raises(TypeError):
        nn.BatchNorm1d(3, 1e-5, 0.1, True, True, None, None, False)
    with pytest.raises(TypeError):
        nn.GroupNorm(1, 3, 1e-5, True, None, None, False)


@pytest.mark.parametrize("lazy, eager, shape", [
    (nn.LazyBatchNorm1d, nn.BatchNorm1d, (4, 3)),
    (nn.LazyBatchNorm2d, nn.BatchNorm2d, (2, 3, 2, 2)),
    (nn.LazyInstanceNorm1d, nn.InstanceNorm1d, (2, 3, 4)),
    (nn.LazyInstanceNorm3d, nn.InstanceNorm3d, (2, 3, 2, 2, 2)),
])
def test_lazy_norms_take_bias(lazy, eager, shape):
    m = lazy(bias=False)
    assert m.bias is None
    assert "bias=False" in repr(m)
    m(mt.randn(*shape))
    assert type(m) is eager and m.bias is None and tuple(m.weight.shape) == (3,)
    assert list(m.state_dict()) == ["weight", "running_mean", "running_var",
                                    "num_batches_tracked"]
    assert repr(m).startswith(f"{eager.__name__}(3, ") and "bias=False" in repr(m)


def _reference(x, axes, w):
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    return (x - mean) / np.sqrt(var + 1e-5) * w.reshape(1, -1, *([1] * (x.ndim - 2)))


def test_functional_norms_with_weight_and_no_bias():
    x = np.random.default_rng(0).standard_normal((4, 2, 3))
    w = np.array([2.0, -0.5])
    xt, wt = mt.tensor(x), mt.tensor(w)
    np.testing.assert_allclose(F.batch_norm(xt, None, None, wt, training=True).numpy(),
                               _reference(x, (0, 2), w), atol=1e-12)
    np.testing.assert_allclose(F.instance_norm(xt, weight=wt).numpy(),
                               _reference(x, (2,), w), atol=1e-12)
    np.testing.assert_allclose(F.group_norm(xt, 1, wt).numpy(),
                               _reference(x.reshape(4, 1, 6), (2,), np.ones(1)).reshape(x.shape)
                               * w.reshape(1, 2, 1), atol=1e-12)


# ---- activations on integer input --------------------------------------------------------------

TYPE_NAMES = [(mt.int64, "Long"), (mt.int32, "Int"), (mt.uint8, "Byte"), (mt.bool, "Bool")]

# PyTorch names the kernel: celu and selu run elu's
NO_INTEGER_KERNEL = [
    (F.elu, "elu"), (F.leaky_relu, "leaky_relu"), (F.celu, "elu"),
    (lambda x: F.celu(x, 2.0), "elu"), (F.selu, "elu"), (F.silu, "silu"), (F.mish, "mish"),
    (F.gelu, "gelu"), (lambda x: F.gelu(x, approximate="tanh"), "gelu"),
    (F.softplus, "softplus"), (F.hardsigmoid, "hardsigmoid"), (F.hardswish, "hardswish"),
    (F.logsigmoid, "logsigmoid"), (lambda x: F.elu(x, inplace=True), "elu"),
    (lambda x: F.leaky_relu(x, inplace=True), "leaky_relu"),
]


@pytest.mark.parametrize("fn, kernel", NO_INTEGER_KERNEL)
@pytest.mark.parametrize("dtype, type_name", TYPE_NAMES)
def test_activation_without_integer_kernel_refuses_integers(fn, kernel, dtype, type_name):
    x = mt.tensor([-2, 0, 3]).to(dtype)
    with pytest.raises(NotImplementedError,
                       match=f"\"{kernel}\" not implemented for '{type_name}'"):
        fn(x)


def test_activation_modules_refuse_integers():
    with pytest.raises(NotImplementedError, match="\"elu\" not implemented for 'Long'"):
        nn.ELU()(mt.tensor([1, 2]))


def test_hardtanh_and_relu6_keep_integers():
    x = mt.tensor([-3, -2, -1, 0, 1, 2, 3])
    # PyTorch 2.13's results: the limits truncated toward zero
    expected = {(-1.0, 1.0): [-1, -1, -1, 0, 1, 1, 1], (-1.5, 2.7): [-1, -1, -1, 0, 1, 2, 2],
                (-2.9, -0.1): [-2, -2, -1, 0, 0, 0, 0], (0.3, 0.7): [0, 0, 0, 0, 0, 0, 0]}
    for (lo, hi), values in expected.items():
        out = F.hardtanh(x, lo, hi)
        assert out.dtype == mt.int64 and out.tolist() == values
    assert F.relu6(mt.tensor([-2, 3, 9], dtype=mt.int32)).tolist() == [0, 3, 6]
    assert F.relu6(mt.tensor([0, 3, 9], dtype=mt.uint8)).dtype == mt.uint8
    assert nn.Hardtanh(-2, 2)(mt.tensor([-5, 5], dtype=mt.int16)).tolist() == [-2, 2]


def test_hardtanh_of_integers_is_exact_past_float_precision():
    big = 2 ** 62 + 1                        # not a float64
    assert F.hardtanh(mt.tensor([big, -big]), -5, 2 ** 62 + 3).tolist() == [big, -5]


def test_hardtanh_in_place_on_integers():
    x = mt.tensor([-3, 0, 3])
    assert F.hardtanh(x, inplace=True) is x
    assert x.tolist() == [-1, 0, 1] and x.dtype == mt.int64


def test_hardtanh_refuses_bool():
    with pytest.raises(RuntimeError, match="Bool inputs not supported for hardtanh"):
        F.hardtanh(mt.tensor([True]))


def test_hardtanh_refuses_negative_limits_for_unsigned():
    with pytest.raises(RuntimeError, match="unsigned type with negative limits"):
        F.hardtanh(mt.tensor([1], dtype=mt.uint8))


def test_hardtanh_refuses_limits_outside_the_dtype():
    with pytest.raises(RuntimeError, match="value 1000 cannot be converted to type int8 "
                                           "without overflow"):
        F.hardtanh(mt.tensor([1], dtype=mt.int8), -5, 1000)
    with pytest.raises(RuntimeError, match="value nan cannot be converted"):
        F.hardtanh(mt.tensor([1]), float("nan"), 1.0)


def test_hardtanh_refuses_wide_unsigned():
    with pytest.raises(NotImplementedError, match="\"hardtanh\" not implemented for 'UInt16'"):
        F.hardtanh(mt.tensor([1], dtype=mt.uint16), 0, 2)


def test_float_activations_keep_their_dtype():
    x = mt.tensor([-1.5, 0.5], dtype=mt.float64)
    for fn in (F.elu, F.leaky_relu, F.selu, F.celu, F.hardtanh, F.silu, F.gelu, F.softplus):
        assert fn(x).dtype == mt.float64


def test_celu_refuses_alpha_zero():
    with pytest.raises(RuntimeError, match="alpha cannot be 0 for CELU"):
        mt.celu(mt.tensor([1.0]), alpha=0)


# ---- LinAlgError -------------------------------------------------------------------------------

def test_linalg_error_presents_its_public_name():
    err = mt.linalg.LinAlgError
    assert issubclass(err, RuntimeError)
    assert (err.__module__, err.__qualname__) == ("mytorch.linalg", "LinAlgError")
    assert repr(err) == "<class 'mytorch.linalg.LinAlgError'>"
    assert repr(err("boom")) == "LinAlgError('boom')"


def test_linalg_error_traceback_names_mytorch_linalg():
    try:
        mt.linalg.cholesky(-mt.eye(2))
    except mt.linalg.LinAlgError as exc:
        last = traceback.format_exception_only(type(exc), exc)[-1]
    assert last.startswith("mytorch.linalg.LinAlgError: linalg.cholesky: ")


def test_relu_refuses_bool_input_as_pytorch():
    with pytest.raises(RuntimeError, match="Boolean inputs not supported for relu"):
        mt.relu(mt.tensor([True, False]))
    with pytest.raises(RuntimeError, match="Boolean inputs not supported for relu"):
        F.relu(mt.tensor([True]), inplace=True)
    assert mt.relu(mt.tensor([-1, 2])).tolist() == [0, 2]        # integers stay integers
