"""Grad mode: whether new operations are recorded for backward.

`no_grad`, `enable_grad`, `set_grad_enabled(mode)` and `inference_mode` work as context managers
and as decorators (with or without parentheses), like PyTorch's. The state is one process-wide
flag, `_state.enabled`, read by `Function.apply`. `inference_mode` here is `no_grad`: mytorch
has no separate kind of inference tensor.
"""
import functools


class _State:
    enabled = True


_state = _State()


def is_grad_enabled():
    return _state.enabled


class _GradMode:
    """Set the flag to `mode` on entry and restore it on exit; `mode=None` leaves it alone."""

    mode = True

    def __new__(cls, *args, **kwargs):
        if len(args) == 1 and callable(args[0]) and not kwargs and cls is not set_grad_enabled:
            return cls()(args[0])          # used as a bare decorator: @no_grad
        return super().__new__(cls)

    def __enter__(self):
        self._prev = _state.enabled
        if self.mode is not None:
            _state.enabled = self.mode
        return self

    def __exit__(self, *exc):
        _state.enabled = self._prev
        return False

    def __call__(self, fn):
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            prev = _state.enabled
            if mode is not None:
                _state.enabled = mode
            try:
                return fn(*args, **kwargs)
            finally:
                _state.enabled = prev
        return wrapper


class no_grad(_GradMode):
    """Don't record operations: results have `requires_grad=False`."""
    mode = False


class enable_grad(_GradMode):
    """Record operations again, inside a `no_grad` block."""
    mode = True


class inference_mode(_GradMode):
    """`inference_mode()` is `no_grad()`; `inference_mode(False)` changes nothing."""

    def __init__(self, mode=True):
        self.mode = False if mode else None


class set_grad_enabled(_GradMode):
    """`set_grad_enabled(False)` is `no_grad()`. As in PyTorch it takes effect when called,
    so `set_grad_enabled(False)` on its own line switches grad mode off until switched back."""

    def __init__(self, mode):
        self.mode = bool(mode)
        self._prev = _state.enabled
        _state.enabled = self.mode

    def __enter__(self):
        return self

    def __call__(self, fn):
        _state.enabled = self._prev     # as a decorator it applies only inside calls
        return super().__call__(fn)
