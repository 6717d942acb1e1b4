"""The op table: one `OpSpec` per op, the way PyTorch's OpInfo drives its op tests.

A spec names the op, says how to call it on mytorch tensors, gives a NumPy reference computed
in float64, and a sample generator: a function of a NumPy random generator that returns a
list of `Sample`s (arrays plus keyword arguments). Floating arrays become tensors that require
grad in the gradient tests; integer and bool arrays (indices, masks) never do.

`tests/optable/test_optable.py` runs every row through the same checks: forward against the
reference on every test device, float32 preserved, gradcheck and gradgradcheck in float64 with
a random cotangent, and (for `broadcasts=True`) hypothesis-generated broadcast shapes.
Rows live in the files next to this one, one per op family: add a row there, not a test.
"""
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np


@dataclass
class Sample:
    args: tuple
    kwargs: dict = field(default_factory=dict)

    def __repr__(self):
        shapes = [getattr(a, "shape", a) for a in self.args]
        return f"Sample({shapes}, {self.kwargs})"


@dataclass
class OpSpec:
    name: str
    fn: Callable                       # fn(*tensors, **kwargs) -> Tensor or tuple of Tensors
    ref: Optional[Callable]            # ref(*float64 arrays, **kwargs) -> array(s); None: skip
    samples: Callable                  # samples(rng) -> list[Sample]
    grad: bool = True                  # run gradcheck
    gradgrad: bool = True              # run gradgradcheck
    broadcasts: bool = False           # binary op: check hypothesis-made broadcast shapes
    domain: tuple = (-2.0, 2.0)        # value range for generated broadcast inputs
    atol: float = 1e-6                 # forward tolerance in float64
    rtol: float = 1e-6
    float32_out: bool = True           # float32 inputs give a float32 (floating) output
    output: Callable = lambda out: out  # picks the differentiable part of the output
    ties_ok: bool = True               # inputs may contain ties (False: samples avoid them)

    def __repr__(self):
        return self.name


def uniform(rng, shape, lo=-2.0, hi=2.0):
    return rng.uniform(lo, hi, size=shape)


def away_from(rng, shape, points=(0.0,), lo=-2.0, hi=2.0, margin=0.1):
    """Uniform values that stay `margin` away from the given points (kinks, poles)."""
    x = rng.uniform(lo, hi, size=shape)
    for p in points:
        near = np.abs(x - p) < margin
        x = np.where(near, p + np.sign(x - p + 1e-12) * margin * 2, x)
    return x


def distinct(rng, shape, lo=-2.0, hi=2.0):
    """Values with no ties, so max/sort/topk have a unique derivative."""
    n = int(np.prod(shape)) if shape else 1
    values = np.linspace(lo, hi, n) + rng.uniform(-0.1, 0.1, n) * (hi - lo) / max(n, 1) * 0.3
    return rng.permutation(values).reshape(shape)
