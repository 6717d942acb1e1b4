"""mytorch.datasets.series: make_sine_series and sliding_windows."""
import math

import numpy as np
import pytest

import mytorch as mt
from mytorch.datasets import make_sine_series, sliding_windows


def test_sine_series_is_the_sum_of_its_sines_plus_noise():
    series, clean = make_sine_series(200, sines=((2.0, 50.0, 0.5), (1.0, 10.0, 0.0)),
                                     noise=0.0)
    t = np.arange(200)
    expected = 2 * np.sin(2 * math.pi * t / 50 + 0.5) + np.sin(2 * math.pi * t / 10)
    assert series.dtype == clean.dtype == mt.float32 and series.shape == (200,)
    np.testing.assert_allclose(clean.numpy(), expected, atol=1e-6)
    assert series.equal(clean)
    noisy, clean2 = make_sine_series(20_000, noise=0.3, generator=mt.Generator().manual_seed(0))
    residual = (noisy - clean2).numpy().astype(np.float64)
    assert abs(residual.mean()) < 0.01 and abs(residual.std() - 0.3) < 0.01


def test_sine_series_noise_is_reproducible():
    a, _ = make_sine_series(50, generator=mt.Generator().manual_seed(3))
    b, _ = make_sine_series(50, generator=mt.Generator().manual_seed(3))
    c, _ = make_sine_series(50, generator=mt.Generator().manual_seed(4))
    assert a.equal(b) and not a.equal(c)
    mt.manual_seed(7)
    d, _ = make_sine_series(50)
    mt.manual_seed(7)
    assert make_sine_series(50)[0].equal(d)
    assert make_sine_series(0)[0].shape == (0,)


def test_sine_series_errors():
    with pytest.raises(ValueError, match="length must be a non-negative int, got -1"):
        make_sine_series(-1)
    with pytest.raises(ValueError, match="noise must be a non-negative standard deviation"):
        make_sine_series(10, noise=-0.1)
    with pytest.raises(ValueError, match=r"sines\[1\] must be \(amplitude, period, phase\)"):
        make_sine_series(10, sines=((1.0, 5.0, 0.0), (1.0, 0.0, 0.0)))


def test_windows_and_the_values_after_them():
    series = mt.arange(10, dtype=mt.float32)
    x, y = sliding_windows(series, 4)
    assert x.shape == (6, 4) and y.shape == (6, 1) and x.dtype == y.dtype == mt.float32
    assert x[0].tolist() == [0, 1, 2, 3] and y[0].tolist() == [4]
    assert x[-1].tolist() == [5, 6, 7, 8] and y[-1].tolist() == [9]
    x, y = sliding_windows(series, 3, horizon=2, stride=3)
    assert x.tolist() == [[0, 1, 2], [3, 4, 5]] and y.tolist() == [[3, 4], [6, 7]]
    assert len(x) == (10 - 3 - 2) // 3 + 1


def test_shifted_targets_for_teacher_forcing():
    x, y = sliding_windows(np.arange(8.0), 5, targets="shifted")
    assert x.dtype == mt.float64 and x.shape == y.shape == (3, 5)
    assert y.tolist() == (x + 1).tolist()
    x, y = sliding_windows(np.arange(8), 3, horizon=2, targets="shifted")
    assert x[0].tolist() == [0, 1, 2] and y[0].tolist() == [2, 3, 4] and len(x) == 4


def test_windows_of_several_features():
    series = np.stack([np.arange(6), 10 * np.arange(6)], 1).astype(np.float32)     # (6, 2)
    x, y = sliding_windows(mt.tensor(series), 3, horizon=2)
    assert x.shape == (2, 3, 2) and y.shape == (2, 2, 2)
    assert x[1].tolist() == [[1, 10], [2, 20], [3, 30]] and y[1].tolist() == [[4, 40], [5, 50]]


def test_windows_copy_the_series():
    series = mt.arange(6, dtype=mt.float32)
    x, _ = sliding_windows(series, 2)
    x[0, 0] = 100.0
    assert series[0].item() == 0.0


def test_windows_errors():
    with pytest.raises(ValueError, match=r"shape \(T,\) or \(T, F\), got \(2, 2, 2\)"):
        sliding_windows(np.zeros((2, 2, 2)), 1)
    with pytest.raises(ValueError, match="window must be a positive int, got 0"):
        sliding_windows(np.zeros(5), 0)
    with pytest.raises(ValueError, match="stride must be a positive int, got 1.5"):
        sliding_windows(np.zeros(5), 2, stride=1.5)
    with pytest.raises(ValueError, match="targets must be 'next' or 'shifted', got 'last'"):
        sliding_windows(np.zeros(5), 2, targets="last")
    with pytest.raises(ValueError, match="a series of 5 steps is too short for one window of 4 "
                                         "steps and a horizon of 2"):
        sliding_windows(np.zeros(5), 4, horizon=2)
