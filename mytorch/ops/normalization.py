"""Standardisation, the kernel that batch, layer and group normalisation share:

    μ = mean(x),   σ² = mean((x − μ)²)   over `dims` (n elements per group, biased variance)
    r = 1/√(σ² + ε),   x̂ = (x − μ)·r

Written as one op (rather than the six it takes in tensor ops) because every normalisation
layer of a network runs it on a whole activation, forward and backward. The gradient, with
means over the same dims:

    through x̂:  ∂L/∂x = r·(g − mean(g) − x̂·mean(g·x̂))
    through r:  ∂L/∂x = −(r²/n)·x̂·g_r              (since ∂r/∂xᵢ = −r³(xᵢ − μ)/n)

Both are tensor ops of the outputs x̂ and r, so gradients of gradients (a gradient penalty
through a normalised network) come out right; r is an output for that reason. μ and σ² are
returned too, without gradient, for the running statistics of batch norm.
"""
from .common import floating, normalize_dims
from ..autograd.function import Function


class Standardize(Function):
    """(x̂, r, μ, σ²) = standardize(x) over dims; see the module text for the gradient."""
    @staticmethod
    def forward(ctx, x, dims, eps):
        mean = x.mean(axis=dims, keepdims=True)
        centered = x - mean
        var = (centered * centered).mean(axis=dims, keepdims=True)
        r = 1 / ctx.xp.sqrt(var + eps)
        centered *= r                                   # x̂, in the array just made
        ctx.dims = dims
        ctx.count = x.size // max(mean.size, 1)
        ctx.mark_non_differentiable(mean, var)
        ctx.set_materialize_grads(False)
        return centered, r, mean, var

    @staticmethod
    def backward(ctx, g, g_r, _g_mean, _g_var):
        xhat, r = ctx.outputs[:2]
        dims = ctx.dims
        gx = None
        if g is not None:
            gx = r * (g - g.mean(dims, keepdim=True) - xhat * (g * xhat).mean(dims, keepdim=True))
        if g_r is not None:
            through_r = xhat * (g_r * r * r * (-1.0 / ctx.count))
            gx = through_r if gx is None else gx + through_r
        return gx, None, None


def standardize(input, dim, eps=1e-5):
    """(x̂, r, μ, σ²): input standardised over `dim` (an int or a tuple), the reciprocal
    standard deviation r = 1/√(σ² + ε), and the mean and biased variance (no gradient), all
    but x̂ with `dim` kept as size 1."""
    x = floating(input, "standardize")
    return Standardize.apply(x, normalize_dims(dim, x.ndim), float(eps))
