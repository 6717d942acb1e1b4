"""Spectral normalization with a forward pre-hook, the older API of
`torch.nn.utils.spectral_norm` (`parametrizations.spectral_norm` is the newer one). From Miyato
et al., https://arxiv.org/abs/1802.05957:

    W_SN = W / σ(W),    σ(W) ≈ uᵀ·W·v

with W flattened to a matrix (dim `dim` first, the rest flattened) and u, v the singular
vectors estimated by power iteration, n_power_iterations steps per training-mode forward:

    v ← normalize(Wᵀ·u),   u ← normalize(W·v)

`spectral_norm(m)` moves the parameter `weight` to `weight_orig`, keeps u and v as the buffers
`weight_u` and `weight_v`, and a forward pre-hook recomputes `m.weight` (a plain tensor
attribute) before every call. (PyTorch's state-dict hooks, which convert checkpoints of its
version 0 format, are not reproduced: there are no such mytorch checkpoints.)
"""
from ... import ops
from ...autograd import no_grad
from .. import functional as F
from ..conv import _ConvTranspose
from ..parameter import Parameter

__all__ = ["SpectralNorm", "spectral_norm", "remove_spectral_norm"]


def _output_dim(module, dim):
    """spectral_norm's default dim: 1 for ConvTranspose (its weight is (in, out, ...)), else 0."""
    if dim is not None:
        return dim
    return 1 if isinstance(module, _ConvTranspose) else 0


class SpectralNorm:
    """The forward pre-hook that recomputes `module.<name>` = `<name>_orig` / σ."""

    _version = 1

    def __init__(self, name="weight", n_power_iterations=1, dim=0, eps=1e-12):
        self.name = name
        self.dim = dim
        if n_power_iterations <= 0:
            raise ValueError("Expected n_power_iterations to be positive, but got "
                             f"n_power_iterations={n_power_iterations}")
        self.n_power_iterations = n_power_iterations
        self.eps = eps

    def reshape_weight_to_matrix(self, weight):
        """W as a (size of `dim`) × (everything else) matrix."""
        if self.dim != 0:
            weight = weight.permute(self.dim, *[d for d in range(weight.dim()) if d != self.dim])
        return weight.reshape(weight.size(0), -1)

    def compute_weight(self, module, do_power_iteration):
        weight = getattr(module, self.name + "_orig")
        u = getattr(module, self.name + "_u")
        v = getattr(module, self.name + "_v")
        weight_mat = self.reshape_weight_to_matrix(weight)
        if do_power_iteration:
            with no_grad():
                for _ in range(self.n_power_iterations):
                    v.copy_(F.normalize(ops.mv(weight_mat.t(), u), dim=0, eps=self.eps))
                    u.copy_(F.normalize(ops.mv(weight_mat, v), dim=0, eps=self.eps))
                # clones, so that the next in-place update does not touch the ones saved
                # for this backward
                u, v = u.clone(), v.clone()
        sigma = ops.dot(u, ops.mv(weight_mat, v))
        return weight / sigma

    def remove(self, module):
        with no_grad():
            weight = self.compute_weight(module, do_power_iteration=False)
        delattr(module, self.name)
        delattr(module, self.name + "_u")
        delattr(module, self.name + "_v")
        delattr(module, self.name + "_orig")
        module.register_parameter(self.name, Parameter(weight.detach()))

    def __call__(self, module, inputs):
        setattr(module, self.name, self.compute_weight(module, module.training))

    @staticmethod
    def apply(module, name, n_power_iterations, dim, eps):
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, SpectralNorm) and hook.name == name:
                raise RuntimeError(f"Cannot register two spectral_norm hooks on the same "
                                   f"parameter {name}")
        fn = SpectralNorm(name, n_power_iterations, dim, eps)
        weight = module._parameters[name]
        if weight is None:
            raise ValueError(f"`SpectralNorm` cannot be applied as parameter `{name}` is None")
        with no_grad():
            h, w = fn.reshape_weight_to_matrix(weight).shape
            u = F.normalize(weight.new_empty(h).normal_(0, 1), dim=0, eps=fn.eps)
            v = F.normalize(weight.new_empty(w).normal_(0, 1), dim=0, eps=fn.eps)
        delattr(module, fn.name)
        module.register_parameter(fn.name + "_orig", weight)
        setattr(module, fn.name, weight.data)
        module.register_buffer(fn.name + "_u", u)
        module.register_buffer(fn.name + "_v", v)
        module.register_forward_pre_hook(fn)
        return fn


def spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
    """Rescale `module.<name>` by its largest singular value σ before every forward (see the
    module docstring), σ estimated by `n_power_iterations` power-iteration steps per
    training-mode call. dim: the output dim (default 0; 1 for ConvTranspose). Returns the
    module, with `<name>_orig` the learned parameter."""
    SpectralNorm.apply(module, name, n_power_iterations, _output_dim(module, dim), eps)
    return module


def remove_spectral_norm(module, name="weight"):
    """Undo spectral_norm: `<name>` is a plain parameter again, holding W / σ."""
    for k, hook in module._forward_pre_hooks.items():
        if isinstance(hook, SpectralNorm) and hook.name == name:
            hook.remove(module)
            del module._forward_pre_hooks[k]
            return module
    raise ValueError(f"spectral_norm of '{name}' not found in {module}")
