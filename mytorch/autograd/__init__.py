"""Automatic differentiation: `Function` and its graph `Node`, the backward engine, grad mode,
gradcheck.

Nothing here computes numbers itself: `Function.forward` runs array code written by the ops,
and `Function.backward` runs tensor ops. This package only records and replays.
"""
from .function import Function, Node
from .engine import backward, grad
from .grad_mode import no_grad, enable_grad, set_grad_enabled, inference_mode, is_grad_enabled
from .gradcheck import gradcheck, gradgradcheck, GradcheckError
from . import functional

__all__ = ["Function", "Node", "backward", "grad", "no_grad", "enable_grad", "set_grad_enabled",
           "inference_mode", "is_grad_enabled", "gradcheck", "gradgradcheck", "GradcheckError",
           "functional"]
