"""Time series to forecast: a noisy sum of sines, and the windows a forecaster learns from.

    series, clean = make_sine_series(6000, noise=0.1)           # float32 (6000,) each
    x, y = sliding_windows(series[:4800], 64)                   # (4736, 64) and (4736, 1)
    x, y = sliding_windows(series, 64, targets="shifted")       # y[:, t]: the value after x[:, t]
    loader = DataLoader(TensorDataset(x.unsqueeze(-1), y), batch_size=64, shuffle=True)

Split a series in time (the first part to train on, the later part to test on), never at
random: neighbouring windows share all but one value.
"""
import math
import numbers

import numpy as np

from ..factories import from_numpy
from ..random import generator_for
from ..tensor import Tensor

SINES = ((1.0, 40.0, 0.0), (0.5, 17.0, 1.0), (0.3, 9.3, 2.0))


def make_sine_series(length=1000, *, sines=SINES, noise=0.1, generator=None):
    """(series, clean): a sum of sines and the same plus Gaussian noise, float32 (length,) each.

        clean[t]  = Σₖ aₖ · sin(2π·t / pₖ + φₖ)      t = 0 … length − 1
        series[t] = clean[t] + noise · εₜ,           εₜ ~ N(0, 1) from `generator`

    `sines` is a sequence of (amplitude aₖ, period pₖ in steps, phase φₖ in radians); by default
    three incommensurate periods, 40, 17 and 9.3 steps. No forecast beats the noise: the best
    mean squared error of a one-step prediction is noise². The noise comes from `generator`
    (default: the default generator, so `mytorch.manual_seed` makes it reproducible).
    """
    if not isinstance(length, numbers.Integral) or isinstance(length, bool) or length < 0:
        raise ValueError(f"length must be a non-negative int, got {length!r}")
    if noise < 0:
        raise ValueError(f"noise must be a non-negative standard deviation, got {noise!r}")
    t = np.arange(length, dtype=np.float64)
    clean = np.zeros(length)
    for k, sine in enumerate(sines):
        if len(sine) != 3 or sine[1] == 0:
            raise ValueError(f"sines[{k}] must be (amplitude, period, phase) with a non-zero "
                             f"period, got {sine!r}")
        amplitude, period, phase = sine
        clean += amplitude * np.sin(2 * math.pi * t / period + phase)
    series = clean
    if noise:
        series = clean + noise * generator_for(generator, "cpu").normal((length,), np.float64)
    return (from_numpy(series.astype(np.float32)), from_numpy(clean.astype(np.float32)))


def sliding_windows(series, window, horizon=1, *, targets="next", stride=1):
    """(inputs, targets) for forecasting: every window of `window` steps of `series` and what
    follows it, one pair per start s = 0, stride, 2·stride, …

    series: a tensor or array of shape (T,) or (T, F) (F features per step).

        targets='next'      inputs[i] = series[s : s + window]          (window, *F)
                            targets[i] = series[s + window : s + window + horizon]
                                                                        (horizon, *F)
                            the `horizon` values after the window
        targets='shifted'   targets[i] = series[s + horizon : s + window + horizon]
                                                                        (window, *F)
                            the window moved `horizon` steps on: step t's target is the value
                            `horizon` steps after it, so a recurrent model that reads the
                            window learns from every step (teacher forcing)

    Either way the last value used is s + window + horizon − 1 < T, so there are
    (T − window − horizon) // stride + 1 pairs. The results are new tensors (copies) of the
    series' dtype; a univariate series gives inputs (N, window): `inputs.unsqueeze(-1)` is the
    (N, window, 1) a batch-first RNN reads.
    """
    array = series.detach().cpu().numpy() if isinstance(series, Tensor) else np.asarray(series)
    if array.ndim not in (1, 2):
        raise ValueError(f"sliding_windows expects a series of shape (T,) or (T, F), got "
                         f"{array.shape}")
    for name, value in (("window", window), ("horizon", horizon), ("stride", stride)):
        if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    if targets not in ("next", "shifted"):
        raise ValueError(f"targets must be 'next' or 'shifted', got {targets!r}")
    if len(array) < window + horizon:
        raise ValueError(f"a series of {len(array)} steps is too short for one window of "
                         f"{window} steps and a horizon of {horizon}")
    starts = np.arange(0, len(array) - window - horizon + 1, stride)
    inputs = array[starts[:, None] + np.arange(window)]
    if targets == "next":
        outputs = array[starts[:, None] + window + np.arange(horizon)]
    else:
        outputs = array[starts[:, None] + horizon + np.arange(window)]
    return from_numpy(np.ascontiguousarray(inputs)), from_numpy(np.ascontiguousarray(outputs))


__all__ = ["make_sine_series", "sliding_windows", "SINES"]
