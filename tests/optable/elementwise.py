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
