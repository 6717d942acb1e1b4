"""Op table rows: elementwise functions of one tensor."""
import math

import numpy as np

import mytorch as mt
from .spec import OpSpec, Sample, uniform, away_from

SHAPES = [(), (5,), (2, 3)]


def _samples(make):
    def samples(rng):
        return [Sample((make(rng, s),)) for s in SHAPES]
    return samples


def _erf(x):
    return np.vectorize(math.erf)(x)


def _unary(name, ref, make=uniform, **kw):
    fn = getattr(mt, name, None) or getattr(mt.ops, name)
    return OpSpec(name, lambda x: fn(x), ref, _samples(make), **kw)


def positive(rng, shape):
    return rng.uniform(0.2, 2.0, size=shape)


def nonzero(rng, shape):
    return away_from(rng, shape, (0.0,))


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


REQUIRED = {"neg", "abs", "sign", "exp", "log", "log1p", "expm1", "sqrt", "rsqrt",
            "reciprocal", "square", "sin", "cos", "tanh", "sigmoid", "erf", "relu", "leaky_relu",
            "elu", "gelu", "silu", "softplus", "clamp", "pow"}

SPECS = [
    _unary("neg", np.negative),
    _unary("abs", np.abs, nonzero),
    _unary("sign", np.sign, nonzero),
    _unary("exp", np.exp),
    _unary("log", np.log, positive),
    _unary("log1p", np.log1p, lambda rng, s: rng.uniform(-0.8, 2.0, size=s)),
    _unary("expm1", np.expm1),
    _unary("sqrt", np.sqrt, positive),
    _unary("rsqrt", lambda x: 1 / np.sqrt(x), positive),
    _unary("reciprocal", np.reciprocal, nonzero),
    _unary("square", np.square),
    _unary("sin", np.sin),
    _unary("cos", np.cos),
    _unary("tanh", np.tanh),
    _unary("sigmoid", sigmoid),
    _unary("erf", _erf, atol=1e-15, rtol=1e-15),
    _unary("relu", lambda x: np.maximum(x, 0), nonzero),
    OpSpec("leaky_relu", lambda x: mt.ops.leaky_relu(x, 0.2),
           lambda x: np.where(x > 0, x, 0.2 * x), _samples(nonzero)),
    OpSpec("elu", lambda x: mt.ops.elu(x, 1.5),
           lambda x: np.where(x > 0, x, 1.5 * np.expm1(x)), _samples(nonzero)),
    OpSpec("gelu", lambda x: mt.ops.gelu(x), lambda x: x * 0.5 * (1 + _erf(x / math.sqrt(2))),
           _samples(uniform), atol=1e-14, rtol=1e-14),
    OpSpec("gelu[tanh]", lambda x: mt.ops.gelu(x, approximate="tanh"),
           lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3))),
           _samples(uniform)),
    _unary("silu", lambda x: x * sigmoid(x)),
    OpSpec("softplus", lambda x: mt.ops.softplus(x, beta=2.0, threshold=3.0),
           lambda x: np.where(2 * x > 3, x, np.log1p(np.exp(2 * x)) / 2),
           _samples(lambda rng, s: away_from(rng, s, (1.5,), -3, 3))),
    OpSpec("clamp", lambda x: mt.clamp(x, -0.5, 0.7), lambda x: np.clip(x, -0.5, 0.7),
           _samples(lambda rng, s: away_from(rng, s, (-0.5, 0.7)))),
    OpSpec("clamp[min]", lambda x: x.clamp(min=0.3), lambda x: np.maximum(x, 0.3),
           _samples(lambda rng, s: away_from(rng, s, (0.3,)))),
    OpSpec("pow[scalar]", lambda x: x ** 3, lambda x: x ** 3, _samples(uniform)),
    OpSpec("pow[fractional]", lambda x: x ** 0.5, lambda x: x ** 0.5, _samples(positive)),
    OpSpec("pow[negative]", lambda x: mt.pow(x, -2), lambda x: x ** -2.0, _samples(nonzero)),
    OpSpec("rpow", lambda x: 2.0 ** x, lambda x: 2.0 ** x, _samples(uniform)),
]


# ---- the newer elementwise functions: trigonometry, logarithms, rounding, activations -----

def _between(lo, hi):
    return lambda rng, s: rng.uniform(lo, hi, size=s)


def _off_integers(rng, shape):
    """k + (0.1 .. 0.4): away from the jumps of floor, ceil, trunc and round (at k + ½)."""
    return rng.integers(-3, 3, size=shape) + rng.uniform(0.1, 0.4, size=shape)


def _off_tenths(rng, shape):
    """k/10 + (0.01 .. 0.04): away from the jumps of round(x, decimals=1)."""
    return rng.integers(-20, 20, size=shape) / 10 + rng.uniform(0.01, 0.04, size=shape)


def _with_zero(rng, shape):
    """Uniform values, the first exactly 0 (sinc's removable singularity)."""
    x = np.array(uniform(rng, shape))
    x.reshape(-1)[0] = 0.0
    return x


def _nonfinite(rng):
    nan, inf = np.nan, np.inf
    return [Sample((np.array([nan, 1.2, inf, -inf, -0.7]),)),
            Sample((np.array([[0.3, -inf, nan], [inf, -1.1, 2.0]]),))]


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946

REQUIRED |= {"tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "log2",
             "log10", "exp2", "sinc", "deg2rad", "rad2deg", "sgn", "positive", "floor", "ceil",
             "round", "trunc", "frac", "clamp_min", "clamp_max", "nan_to_num", "hardtanh",
             "relu6", "hardsigmoid", "hardswish", "mish", "logsigmoid", "selu", "celu",
             "softsign", "tanhshrink"}

SPECS += [
    _unary("tan", np.tan, _between(-1.2, 1.2)),
    _unary("asin", np.arcsin, _between(-0.8, 0.8)),
    _unary("acos", np.arccos, _between(-0.8, 0.8)),
    _unary("atan", np.arctan),
    _unary("sinh", np.sinh),
    _unary("cosh", np.cosh),
    _unary("asinh", np.arcsinh),
    _unary("acosh", np.arccosh, _between(1.2, 3.0)),
    _unary("atanh", np.arctanh, _between(-0.8, 0.8)),
    _unary("log2", np.log2, positive),
    _unary("log10", np.log10, positive),
    _unary("exp2", np.exp2),
    _unary("sinc", np.sinc, _with_zero, atol=1e-14, rtol=1e-14),
    _unary("deg2rad", np.deg2rad),
    _unary("rad2deg", np.rad2deg),
    _unary("sgn", np.sign, nonzero),
    _unary("positive", lambda x: x),
    _unary("floor", np.floor, _off_integers),
    _unary("ceil", np.ceil, _off_integers),
    _unary("trunc", np.trunc, _off_integers),
    _unary("round", np.round, _off_integers),
    OpSpec("round[decimals]", lambda x: mt.round(x, decimals=1), lambda x: np.round(x, 1),
           _samples(_off_tenths)),
    _unary("frac", lambda x: x - np.trunc(x), _off_integers),
    OpSpec("clamp_min", lambda x: mt.clamp_min(x, 0.3), lambda x: np.maximum(x, 0.3),
           _samples(lambda rng, s: away_from(rng, s, (0.3,)))),
    OpSpec("clamp_max", lambda x: x.clamp_max(-0.2), lambda x: np.minimum(x, -0.2),
           _samples(lambda rng, s: away_from(rng, s, (-0.2,)))),
    OpSpec("nan_to_num", lambda x: mt.nan_to_num(x, nan=1.5, posinf=5.0, neginf=-4.0),
           lambda x: np.nan_to_num(x, nan=1.5, posinf=5.0, neginf=-4.0), _nonfinite),
    OpSpec("nan_to_num[defaults]", lambda x: x.nan_to_num(), np.nan_to_num, _nonfinite,
           grad=False),
    _unary("hardtanh", lambda x: np.clip(x, -1, 1),
           lambda rng, s: away_from(rng, s, (-1.0, 1.0))),
    OpSpec("hardtanh[bounds]", lambda x: mt.hardtanh(x, -0.5, 1.5),
           lambda x: np.clip(x, -0.5, 1.5),
           _samples(lambda rng, s: away_from(rng, s, (-0.5, 1.5)))),
    _unary("relu6", lambda x: np.clip(x, 0, 6),
           lambda rng, s: away_from(rng, s, (0.0, 6.0), -2.0, 8.0)),
    _unary("hardsigmoid", lambda x: np.clip(x / 6 + 0.5, 0, 1),
           lambda rng, s: away_from(rng, s, (-3.0, 3.0), -5.0, 5.0)),
    _unary("hardswish", lambda x: x * np.clip(x + 3, 0, 6) / 6,
           lambda rng, s: away_from(rng, s, (-3.0, 3.0), -5.0, 5.0)),
    _unary("mish", lambda x: x * np.tanh(np.log1p(np.exp(x))), _between(-3.0, 3.0)),
    _unary("logsigmoid", lambda x: -np.log1p(np.exp(-x)), _between(-3.0, 3.0)),
    _unary("selu", lambda x: _SELU_SCALE * np.where(x > 0, x, _SELU_ALPHA * np.expm1(x)),
           nonzero),
    OpSpec("celu", lambda x: mt.celu(x, alpha=1.5),
           lambda x: np.where(x > 0, x, 1.5 * np.expm1(x / 1.5)), _samples(nonzero)),
    _unary("softsign", lambda x: x / (1 + np.abs(x)), nonzero),
    _unary("tanhshrink", lambda x: x - np.tanh(x)),
    _unary("logit", lambda x: np.log(x / (1 - x)), _between(0.1, 0.9)),
    OpSpec("logit[eps]", lambda x: mt.logit(x, eps=0.2),
           lambda x: np.log(np.clip(x, 0.2, 0.8) / (1 - np.clip(x, 0.2, 0.8))),
           _samples(lambda rng, s: away_from(rng, s, (0.2, 0.8), lo=0.05, hi=0.95, margin=0.03))),
]
REQUIRED |= {"logit"}
