"""Derivatives of whole functions, built on `grad`: vjp, hvp, jacobian, hessian. Small inputs only: jacobian and hessian loop over output elements."""
from .engine import grad
from ..tensor import Tensor


def _tuple(x):
    return (x,) if isinstance(x, Tensor) else tuple(x)


def _prepare(inputs):
    return tuple(x.detach().requires_grad_(True) for x in _tuple(inputs))


def vjp(func, inputs, v, create_graph=False):
    """(func(inputs), vᵀ·J)"""
    xs = _prepare(inputs)
    out = func(*xs)
    gs = grad(_tuple(out), xs, _tuple(v), create_graph=create_graph, allow_unused=True,
              materialize_grads=True)
    return out, gs if not isinstance(inputs, Tensor) else gs[0]


def hvp(func, inputs, v):
    """(func(inputs), H·v) for a scalar func: the gradient of ⟨∇f, v⟩."""
    xs = _prepare(inputs)
    out = func(*xs)
    gs = grad(out, xs, create_graph=True)
    vs = _tuple(v)
    dot = None
    for g, vi in zip(gs, vs):
        term = (g * vi).sum()
        dot = term if dot is None else dot + term
    hv = grad(dot, xs, allow_unused=True, materialize_grads=True)
    return out.detach(), hv if not isinstance(inputs, Tensor) else hv[0]


def jacobian(func, inputs, create_graph=False):
    """∂func/∂inputs, shape out.shape + in.shape (one backward per output element)."""
    from ..ops import stack
    xs = _prepare(inputs)
    out = func(*xs)
    flat = out.reshape(-1)
    rows = [[] for _ in xs]
    for k in range(flat.shape[0]):
        gs = grad(flat[k], xs, retain_graph=True, create_graph=create_graph, allow_unused=True,
                  materialize_grads=True)
        for r, g in zip(rows, gs):
            r.append(g)
    jac = tuple(stack(r).reshape(tuple(out.shape) + tuple(x.shape)) for r, x in zip(rows, xs))
    return jac[0] if isinstance(inputs, Tensor) else jac


def hessian(func, inputs):
    """The matrix of second derivatives of a scalar func."""
    def gradient(*xs):
        g = grad(func(*xs), xs, create_graph=True)
        return g[0]
    return jacobian(gradient, inputs)
