"""Op table rows: binary arithmetic (with broadcasting and Python numbers), maximum/minimum,
where."""
import numpy as np

import mytorch as mt
from .spec import OpSpec, Sample, uniform, away_from

PAIRS = [((), ()), ((4,), (4,)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((3,), ())]


def _pairs(make_a=uniform, make_b=uniform):
    def samples(rng):
        return [Sample((make_a(rng, a), make_b(rng, b))) for a, b in PAIRS]
    return samples


def nonzero(rng, shape):
    return away_from(rng, shape, (0.0,))


def positive(rng, shape):
    return rng.uniform(0.3, 2.0, size=shape)


def _on_grid(rng, shape):
    return np.round(rng.uniform(-2, 2, size=shape), 1)


def _off_grid(rng, shape):
    """Never equal to an _on_grid value: ties would make max/min non-differentiable."""
    return _on_grid(rng, shape) + 0.05


def _where_samples(rng):
    return [Sample((rng.uniform(size=(2, 3)) > 0.5, uniform(rng, (2, 3)), uniform(rng, (3,)))),
            Sample((rng.uniform(size=(4,)) > 0.5, uniform(rng, (4,)), uniform(rng, ())))]


REQUIRED = {"add", "sub", "mul", "div", "pow", "maximum", "minimum", "where"}

SPECS = [
    OpSpec("add", lambda a, b: a + b, np.add, _pairs(), broadcasts=True),
    OpSpec("add[alpha]", lambda a, b: mt.add(a, b, alpha=2.5), lambda a, b: a + 2.5 * b, _pairs()),
    OpSpec("add[scalar]", lambda a: 1.5 + a, lambda a: 1.5 + a,
           lambda rng: [Sample((uniform(rng, (2, 3)),))]),
    OpSpec("sub", lambda a, b: a - b, np.subtract, _pairs(), broadcasts=True),
    OpSpec("sub[rscalar]", lambda a: 2 - a, lambda a: 2 - a,
           lambda rng: [Sample((uniform(rng, (3,)),))]),
    OpSpec("mul", lambda a, b: a * b, np.multiply, _pairs(), broadcasts=True),
    OpSpec("mul[scalar]", lambda a: a * 3, lambda a: a * 3, lambda rng: [Sample((uniform(rng, (3,)),))]),
    OpSpec("div", lambda a, b: a / b, np.divide, _pairs(uniform, nonzero), broadcasts=True,
           domain=(0.5, 2.0)),
    OpSpec("div[rscalar]", lambda a: 1 / a, lambda a: 1 / a,
           lambda rng: [Sample((nonzero(rng, (3,)),))]),
    OpSpec("pow", lambda a, b: a ** b, np.power, _pairs(positive, uniform), broadcasts=True,
           domain=(0.5, 2.0)),
    OpSpec("maximum", mt.maximum, np.maximum, _pairs(_off_grid, _on_grid), broadcasts=True),
    OpSpec("minimum", mt.minimum, np.minimum, _pairs(_off_grid, _on_grid), broadcasts=True),
    OpSpec("where", lambda c, a, b: mt.where(c, a, b), np.where, _where_samples),
]
