"""Sampling ops: multinomial, bernoulli, dropout, and reproducible random streams.

Statistical checks use many draws and tolerances of several standard deviations, under the
fixed seed that conftest sets before every test, so they are deterministic.
"""
import numpy as np
import pytest

import mytorch as mt


def host(t):
    return t.detach().cpu().numpy()


# ---- multinomial ---------------------------------------------------------------------------

PROBS = [0.1, 0.2, 0.0, 0.7]


def test_multinomial_with_replacement_matches_probabilities(device):
    p = mt.tensor(PROBS, device=device)
    draws = mt.multinomial(p, 20000, replacement=True)
    assert draws.shape == (20000,) and draws.dtype == mt.int64 and draws.device == p.device
    freq = np.bincount(host(draws), minlength=4) / 20000
    np.testing.assert_allclose(freq, PROBS, atol=0.015)
    assert freq[2] == 0                                   # zero probability: never drawn


def test_multinomial_unnormalized_rows(device):
    w = mt.tensor([[1.0, 3.0, 0.0], [0.0, 0.0, 5.0]], device=device)
    draws = host(w.multinomial(8000, replacement=True))
    assert draws.shape == (2, 8000)
    np.testing.assert_allclose(np.bincount(draws[0], minlength=3) / 8000, [0.25, 0.75, 0], atol=0.02)
    assert (draws[1] == 2).all()


def test_multinomial_without_replacement_never_repeats(device):
    w = mt.tensor([[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [6.0, 0.0, 1.0, 2.0, 0.5, 3.0]], device=device)
    draws = host(mt.multinomial(w, 4))
    assert draws.shape == (2, 4) and draws.dtype == np.int64
    for row in draws:
        assert len(set(row.tolist())) == 4
    assert 1 not in draws[1]                              # zero weight: never drawn
    full = host(mt.multinomial(w[0], 6))
    assert sorted(full.tolist()) == list(range(6))        # all of them: a permutation


def test_multinomial_without_replacement_first_draw_follows_probabilities(device):
    p = mt.tensor([PROBS] * 10000, device=device)
    draws = host(mt.multinomial(p, 2))
    np.testing.assert_allclose(np.bincount(draws[:, 0], minlength=4) / 10000, PROBS, atol=0.02)
    assert not (draws == 2).any()
    assert (draws[:, 0] != draws[:, 1]).all()


@pytest.mark.parametrize("weights, n, replacement, match", [
    ([0.5, -0.1, 0.6], 1, True, r"probability tensor contains either `inf`, `nan` or element < 0"),
    ([0.5, float("nan"), 0.6], 1, True, r"probability tensor contains"),
    ([[0.5, 0.5], [0.0, 0.0]], 1, True, r"invalid multinomial distribution \(sum of probabilities <= 0\)"),
    ([0.2, 0.3, 0.5], 4, False, r"cannot sample n_sample > prob_dist.size\(-1\) samples without replacement"),
    ([0.2, 0.0, 0.5], 3, False, r"cannot sample n_sample > prob_dist.size\(-1\)"),
    ([[[0.5, 0.5]]], 1, True, r"prob_dist must be 1 or 2 dim"),
])
def test_multinomial_errors(device, weights, n, replacement, match):
    with pytest.raises(RuntimeError, match=match):
        mt.multinomial(mt.tensor(weights, device=device), n, replacement)


def test_multinomial_needs_floating_weights(device):
    with pytest.raises(RuntimeError, match=r"multinomial only supports floating-point dtypes for "
                                           r"input, got: mytorch.int64"):
        mt.multinomial(mt.tensor([1, 2, 3], device=device), 1)


# ---- bernoulli -----------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [mt.float32, mt.float64])
def test_bernoulli_mean_and_dtype(device, dtype):
    p = mt.full((20000,), 0.3, dtype=dtype, device=device)
    draws = mt.bernoulli(p)
    assert draws.dtype == dtype and draws.shape == p.shape and draws.device == p.device
    values = host(draws)
    assert set(np.unique(values).tolist()) <= {0.0, 1.0}
    assert abs(values.mean() - 0.3) < 0.015
    assert not draws.requires_grad


def test_bernoulli_per_element_probabilities(device):
    p = mt.tensor([[0.0, 1.0, 0.8]], device=device).expand(10000, 3)
    values = host(p.bernoulli())
    np.testing.assert_allclose(values.mean(axis=0), [0.0, 1.0, 0.8], atol=0.015)
    assert (values[:, 0] == 0).all() and (values[:, 1] == 1).all()


def test_bernoulli_with_number_p(device):
    x = mt.zeros(20000, device=device)
    values = host(mt.bernoulli(x, 0.75))
    assert abs(values.mean() - 0.75) < 0.015


# ---- dropout -------------------------------------------------------------------------------

def test_dropout_preserves_mean_and_zeros_a_fraction_p(device):
    p = 0.25
    x = mt.ones(20000, device=device)
    y = host(mt.dropout(x, p))
    assert abs((y == 0).mean() - p) < 0.015
    np.testing.assert_allclose(y[y != 0], 1 / (1 - p), rtol=1e-6)   # survivors scaled
    assert abs(y.mean() - 1.0) < 0.02


def test_dropout_keeps_dtype(device):
    for dtype in (mt.float32, mt.float64):
        x = mt.ones(10, dtype=dtype, device=device)
        assert mt.dropout(x, 0.5).dtype == dtype


def test_dropout_gradient_uses_the_same_mask(device):
    p = 0.4
    x = mt.tensor(np.linspace(0.5, 2.0, 50), dtype=mt.float64, device=device, requires_grad=True)
    y = mt.dropout(x, p)
    w = mt.tensor(np.linspace(-1.0, 1.0, 50), dtype=mt.float64, device=device)
    y.backward(w)
    kept = host(y) != 0
    assert 0 < kept.sum() < 50
    np.testing.assert_allclose(host(x.grad), np.where(kept, host(w) / (1 - p), 0.0))


def test_dropout_not_training_is_identity(device):
    x = mt.randn(3, 4, device=device)
    y = mt.dropout(x, 0.5, training=False)
    np.testing.assert_array_equal(host(y), host(x))
    np.testing.assert_array_equal(host(mt.dropout(x, 0.0)), host(x))


def test_dropout_p_one_gives_zeros(device):
    x = mt.randn(3, 4, device=device, requires_grad=True)
    y = mt.dropout(x, 1.0)
    assert (host(y) == 0).all() and y.shape == x.shape
    y.sum().backward()
    assert (host(x.grad) == 0).all()


@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_dropout_rejects_p_outside_unit_interval(device, p):
    with pytest.raises(ValueError, match=r"dropout probability has to be between 0 and 1, but got"):
        mt.dropout(mt.ones(3, device=device), p)


# ---- reproducibility -----------------------------------------------------------------------

def _draws(device, generator=None):
    w = mt.tensor([[0.1, 0.5, 0.4], [0.3, 0.3, 0.4]], device=device)
    return [host(mt.multinomial(w, 5, replacement=True, generator=generator)),
            host(mt.multinomial(w, 3, generator=generator)),
            host(mt.bernoulli(mt.full((20,), 0.5, device=device), generator=generator)),
            host(mt.dropout(mt.ones(20, device=device), 0.5, generator=generator))]


def _assert_same(a, b):
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)


def test_manual_seed_repeats_the_stream(device):
    mt.manual_seed(123)
    first = _draws(device)
    mt.manual_seed(123)
    _assert_same(first, _draws(device))
    mt.manual_seed(124)
    assert any((x != y).any() for x, y in zip(first, _draws(device)))


def test_explicit_generator_gives_the_same_stream(device):
    mt.manual_seed(7)
    default = _draws(device)
    g = mt.Generator(device).manual_seed(7)
    _assert_same(default, _draws(device, generator=g))
    g.manual_seed(7)
    _assert_same(default, _draws(device, generator=g))


def test_explicit_generator_is_independent_of_the_default(device):
    g = mt.Generator(device).manual_seed(5)
    a = host(mt.bernoulli(mt.full((30,), 0.5, device=device), generator=g))
    g.manual_seed(5)
    mt.bernoulli(mt.full((30,), 0.5, device=device))       # draws from the default stream
    b = host(mt.bernoulli(mt.full((30,), 0.5, device=device), generator=g))
    np.testing.assert_array_equal(a, b)


def test_generator_on_another_device_type_is_refused():
    g = mt.Generator("cpu")
    with pytest.raises(RuntimeError, match=r"Expected a 'strict' device type for generator but found 'cpu'"):
        mt.bernoulli(mt.full((3,), 0.5, device="strict"), generator=g)
