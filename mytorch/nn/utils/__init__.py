"""`mytorch.nn.utils`: gradient clipping and flat parameter vectors.

    clip_grad_norm_(params, max_norm)   scale all gradients together so that their joint
                                        norm is at most max_norm; returns the norm before
    clip_grad_value_(params, v)         clamp every gradient element to [−v, v]
    get_total_norm, clip_grads_with_norm_          clip_grad_norm_'s two halves
    parameters_to_vector / vector_to_parameters   one flat vector <-> the parameters
    weight_norm, spectral_norm (and remove_*)     the older, forward-pre-hook reparametrizations
    fuse_conv_bn_eval, fuse_linear_bn_eval, ...   fold an eval BatchNorm into the layer before it
    skip_init                                     build a module whose values will be set later

Submodules: rnn (packed sequences), parametrize (register_parametrization), parametrizations
(weight_norm, spectral_norm, orthogonal), stateless (functional_call).
"""
import math
import types
import warnings

from ... import ops
from ...autograd import no_grad
from ...factories import tensor
from ...tensor import Tensor


def _as_list(parameters):
    return [parameters] if isinstance(parameters, Tensor) else list(parameters)


def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """‖t‖, the `norm_type`-norm of all the tensors concatenated (inf: the largest |element|),
    as a tensor on the first one's device; it is the norm of their norms. No GPU sync unless
    error_if_nonfinite=True (a RuntimeError when ‖t‖ is nan or ±inf)."""
    tensors = _as_list(tensors)
    norm_type = float(norm_type)
    if not tensors:
        return tensor(0.0)
    device = tensors[0].device
    with no_grad():
        norms = ops.stack([ops.norm(t, norm_type).to(device) for t in tensors])
        total = norms.amax() if math.isinf(norm_type) and norm_type > 0 else \
            ops.norm(norms, norm_type)
    if error_if_nonfinite and not bool(ops.isfinite(total)):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from "
                           "`parameters` is non-finite, so it cannot be clipped. To disable "
                           "this error and scale the gradients by the non-finite norm "
                           "anyway, set `error_if_nonfinite=False`")
    return total


def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    """Scale the gradients in place by min(1, max_norm/(total_norm + 1e-6)), for a total_norm
    computed beforehand (get_total_norm of the gradients)."""
    grads = [p.grad for p in _as_list(parameters) if p.grad is not None]
    if not grads:
        return
    with no_grad():
        coef = ops.clamp_max(float(max_norm) / (total_norm + 1e-6), 1.0)
        for g in grads:
            g.mul_(coef.to(g.device, g.dtype))


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False,
                    foreach=None):
    """Scale the gradients in place by min(1, max_norm/(‖g‖ + 1e-6)), where ‖g‖ is the
    `norm_type`-norm of all gradients concatenated (inf: the largest |element|). Returns ‖g‖
    as a tensor: get_total_norm then clip_grads_with_norm_. Runs without moving anything to
    the host (so no GPU sync) unless error_if_nonfinite=True."""
    if isinstance(parameters, types.GeneratorType):
        parameters = list(parameters)
        if not parameters:
            warnings.warn("`parameters` is an empty generator, no gradient clipping will occur.",
                          stacklevel=2)
    parameters = _as_list(parameters)
    grads = [p.grad for p in parameters if p.grad is not None]
    total = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total, foreach)
    return total


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Deprecated name of clip_grad_norm_ (a FutureWarning), as in PyTorch."""
    warnings.warn("`mytorch.nn.utils.clip_grad_norm` is now deprecated in favor of "
                  "`mytorch.nn.utils.clip_grad_norm_`.", FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every gradient element into [−clip_value, clip_value], in place."""
    clip_value = float(clip_value)
    with no_grad():
        for p in _as_list(parameters):
            if p.grad is not None:
                p.grad.clamp_(-clip_value, clip_value)


def _check_same_device(params):
    devices = {p.device for p in params}
    if len(devices) > 1:
        raise TypeError("Found two parameters on different devices, this is currently not "
                        "supported.")


def parameters_to_vector(parameters):
    """All parameters flattened and concatenated into one 1-D tensor (differentiable)."""
    if isinstance(parameters, Tensor):
        raise TypeError(f"expected an iterable of Tensors, but got: {type(parameters).__name__}")
    params = list(parameters)
    _check_same_device(params)
    return ops.cat([p.reshape(-1) for p in params])


def vector_to_parameters(vec, parameters):
    """Copy consecutive slices of the 1-D `vec` into the parameters, in place."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected mytorch.Tensor, but got: {type(vec).__name__}")
    params = list(parameters)
    _check_same_device(params)
    total = sum(p.numel() for p in params)
    if vec.ndim != 1 or vec.numel() != total:
        raise RuntimeError(f"vector_to_parameters(): expected a 1-D vector of {total} elements "
                           f"(the parameters' total), got shape {tuple(vec.shape)}")
    pointer = 0
    with no_grad():
        for p in params:
            n = p.numel()
            p.copy_(vec[pointer:pointer + n].reshape(tuple(p.shape)))
            pointer += n


from . import rnn, parametrize, parametrizations, stateless  # noqa: E402  (as torch.nn.utils.*)
from .weight_norm import weight_norm, remove_weight_norm  # noqa: E402
from .spectral_norm import spectral_norm, remove_spectral_norm  # noqa: E402
from .fusion import (fuse_conv_bn_eval, fuse_conv_bn_weights, fuse_linear_bn_eval,  # noqa: E402
                     fuse_linear_bn_weights)
from .init import skip_init  # noqa: E402
