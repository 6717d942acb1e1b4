"""Gradient checking: compare a Function's backward with finite differences.

For f: ℝⁿ → ℝᵐ and a random cotangent v ∈ ℝᵐ, backward computes the vector-Jacobian product
vᵀJ. Central differences estimate the same vector one input element at a time:

    (vᵀJ)ⱼ ≈ ( ⟨v, f(x + εeⱼ)⟩ − ⟨v, f(x − εeⱼ)⟩ ) / 2ε

A random v (never all ones) matters: with v = 1 a softmax whose backward returns zeros would
pass, because the rows of its Jacobian sum to zero. Run in float64: in float32 the differences
are swamped by round-off.
"""
import warnings

import numpy as np

from .engine import grad
from ..tensor import Tensor, _wrap


class GradcheckError(RuntimeError):
    """The analytical and numerical gradients disagree."""


def _outputs(fn, inputs):
    out = fn(*inputs)
    outs = (out,) if isinstance(out, Tensor) else tuple(out)
    return tuple(o for o in outs if isinstance(o, Tensor) and o.is_floating_point())


def _dot(outs, cotangents):
    total = 0.0
    for o, v in zip(outs, cotangents):
        total += float((o.detach() * v).sum().item())
    return total


def _random_like(t, rng):
    host = rng.standard_normal(tuple(t.shape))
    return _wrap(t._device.backend.from_host(host.astype(t._data.dtype)), t._device)


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, seed=0,
              nondet_tol=0.0):
    """True when the backward of `func` at `inputs` matches central differences for a random
    cotangent; otherwise raises `GradcheckError` naming the input and the worst element (or
    returns False with `raise_exception=False`)."""
    inputs = tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)
    diff = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    if not diff:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but "
                         "none of the them have requires_grad=True.")
    for i in diff:
        if inputs[i].dtype.name != "float64":
            warnings.warn(f"Input #{i} requires gradient and is not a double precision floating "
                          "point. This check will likely fail if all the inputs are not of "
                          "double precision floating point.", stacklevel=2)
    rng = np.random.default_rng(seed)
    outs = _outputs(func, inputs)
    if not outs:
        raise ValueError("gradcheck: the function returned no floating point tensor")
    cotangents = [_random_like(o, rng) for o in outs]
    differentiable = [o for o in outs if o.requires_grad]
    vs = [v for o, v in zip(outs, cotangents) if o.requires_grad]
    if differentiable:
        analytic = grad(differentiable, [inputs[i] for i in diff], vs, allow_unused=True)
    else:
        analytic = [None] * len(diff)

    for k, i in enumerate(diff):
        x = inputs[i]
        a = analytic[k]
        a_host = np.zeros(tuple(x.shape)) if a is None else a.detach()._host().astype(np.float64)
        if a is not None and tuple(a.shape) != tuple(x.shape):
            return _fail(raise_exception, f"Analytical gradient for input {i} has shape "
                                          f"{tuple(a.shape)}, expected {tuple(x.shape)}")
        numeric = np.zeros(a_host.size)
        flat = x._data.reshape(-1)
        if not x._data.flags.c_contiguous:
            raise ValueError(f"gradcheck: input {i} must be contiguous")
        # perturb the array itself (no version bump: every value is restored); grad mode
        # stays on, since `func` may itself take gradients (gradgradcheck)
        for j in range(numeric.size):
            orig = flat[j].item()
            flat[j] = orig + eps
            plus = _dot(_outputs(func, inputs), cotangents)
            flat[j] = orig - eps
            minus = _dot(_outputs(func, inputs), cotangents)
            flat[j] = orig
            numeric[j] = (plus - minus) / (2 * eps)
        numeric = numeric.reshape(a_host.shape)
        bad = np.abs(a_host - numeric) > atol + rtol * np.abs(numeric)
        if bad.any() or np.isnan(a_host).any() != np.isnan(numeric).any():
            j = np.unravel_index(np.argmax(np.abs(a_host - numeric)), a_host.shape) \
                if a_host.size else ()
            return _fail(raise_exception,
                         f"Jacobian mismatch for input {i} (vector-Jacobian product with a random "
                         f"cotangent): at index {tuple(int(v) for v in j)} numerical "
                         f"{numeric[j]:.6g}, analytical {a_host[j]:.6g}\n"
                         f"numerical:\n{numeric}\nanalytical:\n{a_host}")
    return True


def _fail(raise_exception, msg):
    if raise_exception:
        raise GradcheckError(msg)
    return False


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  raise_exception=True, seed=0):
    """gradcheck of the first derivative: checks that backward is itself differentiable
    (create_graph=True) and correct, for random cotangents."""
    inputs = tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)
    diff = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    rng = np.random.default_rng(seed + 1)
    outs = [o for o in _outputs(func, inputs) if o.requires_grad]
    if grad_outputs is None:
        grad_outputs = [_random_like(o, rng).requires_grad_() for o in outs]
    grad_outputs = list(grad_outputs)
    n = len(inputs)

    def first_derivative(*args):
        xs, vs = args[:n], args[n:]
        ys = [o for o in _outputs(func, xs) if o.requires_grad]
        gs = grad(ys, [xs[i] for i in diff], list(vs), create_graph=True, allow_unused=True)
        return tuple(g for g in gs if g is not None)

    return gradcheck(first_derivative, inputs + tuple(grad_outputs), eps=eps, atol=atol,
                     rtol=rtol, raise_exception=raise_exception, seed=seed + 2)
