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


# ---- the newer binary and three-operand functions ------------------------------------------

def _xlogy_ref(a, b):
    return np.where(a == 0, 0.0, a * np.log(b))


def _with_zeros(rng, shape):
    """Uniform values, every other one exactly 0 (xlogy's 0·ln b = 0)."""
    x = np.array(uniform(rng, shape))
    x.reshape(-1)[::2] = 0.0
    return x


def _triples(make_c=uniform):
    def samples(rng):
        return [Sample((uniform(rng, (2, 3)), uniform(rng, (3,)), make_c(rng, (2, 1)))),
                Sample((uniform(rng, ()), uniform(rng, (4,)), make_c(rng, (4,))))]
    return samples


REQUIRED |= {"atan2", "logaddexp", "hypot", "xlogy", "lerp", "addcmul", "addcdiv"}

SPECS += [
    # a stays off 0: no origin, and no crossing of the branch cut (a = 0, b < 0)
    OpSpec("atan2", mt.atan2, np.arctan2, _pairs(nonzero, uniform), broadcasts=True,
           domain=(0.5, 2.0)),
    OpSpec("logaddexp", mt.logaddexp, np.logaddexp, _pairs(), broadcasts=True),
    OpSpec("hypot", mt.hypot, np.hypot, _pairs(nonzero, uniform), broadcasts=True,
           domain=(0.5, 2.0)),
    OpSpec("xlogy", mt.xlogy, _xlogy_ref, _pairs(uniform, positive), broadcasts=True,
           domain=(0.5, 2.0)),
    OpSpec("xlogy[zeros]", lambda a, b: a.xlogy(b), _xlogy_ref, _pairs(_with_zeros, positive)),
    OpSpec("xlogy[scalar]", lambda b: mt.xlogy(2.0, b), lambda b: 2.0 * np.log(b),
           lambda rng: [Sample((positive(rng, (3,)),))]),
    OpSpec("lerp", lambda a, b: mt.lerp(a, b, 0.3), lambda a, b: a + 0.3 * (b - a), _pairs()),
    OpSpec("lerp[large weight]", lambda a, b: a.lerp(b, 0.8), lambda a, b: a + 0.8 * (b - a),
           _pairs()),
    OpSpec("lerp[tensor weight]", mt.lerp, lambda a, b, w: a + w * (b - a), _triples()),
    OpSpec("addcmul", lambda x, a, b: mt.addcmul(x, a, b, value=0.5),
           lambda x, a, b: x + 0.5 * a * b, _triples()),
    OpSpec("addcdiv", lambda x, a, b: x.addcdiv(a, b, value=-1.5),
           lambda x, a, b: x - 1.5 * a / b, _triples(nonzero)),
]


# ---- rows added for ops that had none: remainder, copies, and the ops without a gradient ----

def _remainder_samples(rng):
    # keep a/b away from integers, where the remainder jumps
    a = np.array([2.3, -1.7, 0.4, 5.1])
    b = np.array([1.5, 0.9, -0.7, 2.2])
    return [Sample((a, b)), Sample((a.reshape(2, 2), np.array([1.5, -0.9])))]


def _compare_samples(rng):
    a = _on_grid(rng, (2, 3))
    return [Sample((a, _on_grid(rng, (3,)))), Sample((a, a.copy()))]


def _int_pairs(rng):
    return [Sample((rng.integers(-8, 8, (2, 3)), rng.integers(1, 5, (3,))))]


def _bool_pairs(rng):
    return [Sample((rng.uniform(size=(2, 3)) > 0.5, rng.uniform(size=(3,)) > 0.5))]


def _bools(rng):
    return [Sample((rng.uniform(size=(2, 3)) > 0.5,))]


def _special_values(rng):
    return [Sample((np.array([0.0, np.nan, np.inf, -np.inf, 1.5]),))]


def _no_grad(name, fn, ref, samples):
    return OpSpec(name, fn, ref, samples, grad=False, float32_out=False)


REQUIRED |= {"remainder", "fmod", "clone", "contiguous", "eq", "ne", "lt", "le", "gt", "ge",
             "logical_and", "logical_or", "logical_xor", "logical_not", "bitwise_and",
             "bitwise_or", "bitwise_xor", "bitwise_not", "isnan", "isinf", "isfinite",
             "floor_divide", "bitwise_left_shift", "bitwise_right_shift"}

SPECS += [
    OpSpec("remainder", mt.remainder, np.remainder, _remainder_samples),
    OpSpec("fmod", mt.fmod, np.fmod, _remainder_samples),
    OpSpec("clone", lambda a: a.clone(), np.copy, lambda rng: [Sample((uniform(rng, (2, 3)),))]),
    OpSpec("contiguous", lambda a: a.t().contiguous(), lambda a: np.ascontiguousarray(a.T),
           lambda rng: [Sample((uniform(rng, (2, 3)),))]),
    _no_grad("floor_divide", mt.floor_divide, np.floor_divide, _int_pairs),
    _no_grad("isnan", mt.isnan, np.isnan, _special_values),
    _no_grad("isinf", mt.isinf, np.isinf, _special_values),
    _no_grad("isfinite", mt.isfinite, np.isfinite, _special_values),
    _no_grad("logical_not", mt.logical_not, np.logical_not, _bools),
    _no_grad("bitwise_not", mt.bitwise_not, np.invert, _bools),
] + [_no_grad(name, getattr(mt, name), getattr(np, ref), _compare_samples)
     for name, ref in [("eq", "equal"), ("ne", "not_equal"), ("lt", "less"), ("le", "less_equal"),
                       ("gt", "greater"), ("ge", "greater_equal")]] \
  + [_no_grad(name, getattr(mt, name), getattr(np, name), _bool_pairs)
     for name in ("logical_and", "logical_or", "logical_xor")] \
  + [_no_grad(name, getattr(mt, name), getattr(np, name), _int_pairs)
     for name in ("bitwise_and", "bitwise_or", "bitwise_xor")] \
  + [_no_grad(name, getattr(mt, name), getattr(np, ref), _int_pairs)
     for name, ref in [("bitwise_left_shift", "left_shift"),
                       ("bitwise_right_shift", "right_shift")]]
