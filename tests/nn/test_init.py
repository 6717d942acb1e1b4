"""nn.init: bounds and statistics on large tensors against the formulas, gains and fans,
generators, in-place semantics, errors."""
import math

import numpy as np
import pytest

import mytorch as mt
from mytorch import nn
from mytorch.nn import init


def host(t):
    return t.detach().cpu().numpy()


def test_calculate_gain():
    assert init.calculate_gain("linear") == 1 and init.calculate_gain("conv2d") == 1
    assert init.calculate_gain("sigmoid") == 1
    assert init.calculate_gain("tanh") == 5 / 3
    assert init.calculate_gain("relu") == math.sqrt(2)
    assert init.calculate_gain("leaky_relu") == math.sqrt(2 / (1 + 0.01 ** 2))
    assert init.calculate_gain("leaky_relu", 0.2) == math.sqrt(2 / 1.04)
    assert init.calculate_gain("selu") == 0.75
    with pytest.raises(ValueError, match="Unsupported nonlinearity gelu"):
        init.calculate_gain("gelu")
    with pytest.raises(ValueError, match="negative_slope True not a valid number"):
        init.calculate_gain("leaky_relu", True)


def test_fans():
    assert init._calculate_fan_in_and_fan_out(mt.empty(5, 3)) == (3, 5)
    assert init._calculate_fan_in_and_fan_out(mt.empty(8, 4, 3, 3)) == (36, 72)
    with pytest.raises(ValueError, match="Fan in and fan out can not be computed for tensor "
                                         "with fewer than 2 dimensions"):
        init._calculate_fan_in_and_fan_out(mt.empty(5))
    with pytest.raises(ValueError, match=r"Mode fan_avg not supported, please use one of "
                                         r"\['fan_in', 'fan_out'\]"):
        init.kaiming_uniform_(mt.empty(3, 3), mode="fan_avg")


def test_uniform_normal_constant(device):
    t = mt.empty(200, 500, device=device)
    assert init.uniform_(t, -2.0, 3.0) is t
    a = host(t)
    assert a.min() >= -2 and a.max() < 3 and abs(a.mean() - 0.5) < 0.02
    init.normal_(t, 1.0, 0.5)
    a = host(t)
    assert abs(a.mean() - 1.0) < 0.01 and abs(a.std() - 0.5) < 0.01
    assert np.all(host(init.constant_(t, 0.3)) == np.float32(0.3))
    assert np.all(host(init.ones_(t)) == 1) and np.all(host(init.zeros_(t)) == 0)


def test_eye():
    assert init.eye_(mt.empty(2, 3)).tolist() == [[1, 0, 0], [0, 1, 0]]
    with pytest.raises(ValueError, match="Only tensors with 2 dimensions are supported"):
        init.eye_(mt.empty(2, 2, 2))


def test_xavier():
    t = mt.empty(300, 700)
    init.xavier_uniform_(t, gain=2.0)
    bound = 2.0 * math.sqrt(6 / 1000)
    a = host(t)
    assert np.abs(a).max() <= bound and np.abs(a).max() > 0.99 * bound
    init.xavier_normal_(t)
    assert abs(host(t).std() - math.sqrt(2 / 1000)) < 0.01 * math.sqrt(2 / 1000)


@pytest.mark.parametrize("mode, fan", [("fan_in", 700), ("fan_out", 300)])
def test_kaiming(mode, fan):
    t = mt.empty(300, 700)
    init.kaiming_uniform_(t, mode=mode, nonlinearity="relu")
    bound = math.sqrt(2) * math.sqrt(3 / fan)
    a = host(t)
    assert np.abs(a).max() <= bound and np.abs(a).max() > 0.99 * bound
    init.kaiming_normal_(t, a=0.1, mode=mode)                # leaky_relu with slope 0.1
    std = math.sqrt(2 / (1 + 0.01)) / math.sqrt(fan)
    assert abs(host(t).std() - std) < 0.01 * std and abs(host(t).mean()) < 0.01 * std


def test_kaiming_on_empty_tensor_warns():
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        init.kaiming_uniform_(mt.empty(0, 3))


def test_trunc_normal(device):
    t = mt.empty(100000, device=device)
    init.trunc_normal_(t, mean=0.5, std=1.0, a=-1.0, b=1.5)
    a = host(t)
    assert a.min() >= -1.0 and a.max() <= 1.5
    # the mean of N(0.5, 1) truncated to [-1, 1.5]: μ + σ(φ(α) − φ(β))/(Φ(β) − Φ(α))
    phi = lambda z: math.exp(-z * z / 2) / math.sqrt(2 * math.pi)   # noqa: E731
    Phi = lambda z: 0.5 * (1 + math.erf(z / math.sqrt(2)))          # noqa: E731
    alpha, beta = -1.5, 1.0
    expected = 0.5 + (phi(alpha) - phi(beta)) / (Phi(beta) - Phi(alpha))
    assert abs(a.mean() - expected) < 0.01


def test_orthogonal(device):
    for shape in [(6, 4), (3, 8), (4, 2, 3)]:
        t = init.orthogonal_(mt.empty(*shape, dtype=mt.float64, device=device), gain=2.0)
        flat = host(t).reshape(shape[0], -1)
        gram = flat @ flat.T if flat.shape[0] <= flat.shape[1] else flat.T @ flat
        assert np.allclose(gram, 4.0 * np.eye(gram.shape[0]))
    with pytest.raises(ValueError, match="Only tensors with 2 or more dimensions are supported"):
        init.orthogonal_(mt.empty(3))


def test_generator_makes_init_reproducible():
    g = mt.Generator().manual_seed(3)
    a = init.kaiming_uniform_(mt.empty(4, 4), generator=g)
    g.manual_seed(3)
    b = init.kaiming_uniform_(mt.empty(4, 4), generator=g)
    assert mt.equal(a, b)
    mt.manual_seed(7)
    c = nn.Linear(3, 3).weight
    mt.manual_seed(7)
    assert mt.equal(c, nn.Linear(3, 3).weight)


def test_init_on_parameters_is_in_place_and_untracked():
    lin = nn.Linear(3, 3)
    w = lin.weight
    init.zeros_(lin.weight)
    assert lin.weight is w and w.grad_fn is None and w.requires_grad
    assert w.abs().sum().item() == 0
