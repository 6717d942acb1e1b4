"""PyTorch-like text for tensors: `tensor([[1.0000, 2.5000], ...], requires_grad=True)`.

Host-side only: works on the NumPy copy of a tensor's data. Floats use 4 decimals, switch to
scientific notation when the non-zero magnitudes span more than 1000× or exceed 1e8 (or, unless
all are whole numbers, fall under 1e-4), and print as `1.` when every value is a whole number;
all elements share one width. Tensors with more than 1000 elements are summarized with `...`,
three items at each edge. `set_printoptions` changes these numbers, as torch's.
"""
import math
from types import SimpleNamespace

import numpy as np

_DEFAULT = dict(precision=4, threshold=1000, edgeitems=3, linewidth=80)
_PROFILES = {"default": _DEFAULT,
             "short": dict(precision=2, threshold=1000, edgeitems=2, linewidth=80),
             "full": dict(precision=4, threshold=math.inf, edgeitems=3, linewidth=80)}
# what the functions below read: digits after the point, how many elements a tensor may have
# before it is summarized, how many items at each edge of a summary, the width of a line, and
# sci_mode (None: decide from the values; True / False: always / never scientific)
PRINT_OPTS = SimpleNamespace(**_DEFAULT, sci_mode=None)


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None):
    """Set how tensors print, as torch.set_printoptions: `profile` ('default', 'short' with 2
    digits and 2 edge items, 'full' never summarized) first, then any number given. sci_mode
    is always set (None: automatic)."""
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(f"set_printoptions(): profile must be one of "
                             f"{', '.join(map(repr, _PROFILES))}, got {profile!r}")
        vars(PRINT_OPTS).update(_PROFILES[profile])
    for name, value in (("precision", precision), ("threshold", threshold),
                        ("edgeitems", edgeitems), ("linewidth", linewidth)):
        if value is not None:
            setattr(PRINT_OPTS, name, value)
    PRINT_OPTS.sci_mode = sci_mode


class _Formatter:
    """Decides one format for all elements from the finite, non-zero magnitudes."""

    def __init__(self, values):
        self.kind = values.dtype.kind
        self.int_mode = True
        self.sci = False
        if self.kind == "f":
            finite = np.abs(values[np.isfinite(values)].astype(np.float64))
            nonzero = finite[finite != 0]
            self.int_mode = bool(np.all(finite == np.ceil(finite)))
            if nonzero.size:
                big, small = nonzero.max(), nonzero.min()
                self.sci = big / small > 1000.0 or big > 1e8 or (not self.int_mode and small < 1e-4)
            if PRINT_OPTS.sci_mode is not None:
                self.sci = bool(PRINT_OPTS.sci_mode)
        # as PyTorch: a float column is as wide as its widest finite non-zero value (nan, inf and
        # 0 take their own width); integers and bools as their widest value
        if self.kind == "f":
            values = values[np.isfinite(values) & (values != 0)]
        self.width = max((len(self._plain(v)) for v in values.ravel()), default=1)

    def _plain(self, v):
        if self.kind == "b":
            return str(bool(v))
        if self.kind != "f":
            return str(int(v))
        if not np.isfinite(v):
            return str(float(v)).replace("inf", "inf")
        if self.sci:
            return f"{float(v):.{PRINT_OPTS.precision}e}"
        if self.int_mode:
            return f"{float(v):.0f}."
        return f"{float(v):.{PRINT_OPTS.precision}f}"

    def __call__(self, v):
        return self._plain(v).rjust(self.width)


def _summarized(a):
    """The values that will be printed (edges only when summarizing)."""
    if a.ndim == 0:
        return a.reshape(1)
    edge = PRINT_OPTS.edgeitems
    if a.shape[0] > 2 * edge:
        a = np.concatenate([a[:edge], a[-edge:]])
    return np.concatenate([_summarized(s).ravel() for s in a]) if a.ndim > 1 else a


def _rows(a, fmt, indent, summarize):
    if a.ndim == 0:
        return fmt(a.item())
    n = a.shape[0]
    show = range(n)
    edge = PRINT_OPTS.edgeitems
    if summarize and n > 2 * edge:
        show = list(range(edge)) + [None] + list(range(n - edge, n))
    if a.ndim == 1:
        items = [" ..." if i is None else fmt(a[i]) for i in show]
        per_line = max(1, (PRINT_OPTS.linewidth - indent) // (fmt.width + 2))
        lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    parts = ["..." if i is None else _rows(a[i], fmt, indent + 1, summarize) for i in show]
    sep = "," + "\n" * (a.ndim - 1) + " " * (indent + 1)
    return "[" + sep.join(parts) + "]"


def format_array(a, indent):
    """The bracketed body of a tensor's repr, for a NumPy array `a`."""
    summarize = a.size > PRINT_OPTS.threshold
    values = _summarized(a) if summarize else a.reshape(-1)
    return _rows(a, _Formatter(values), indent, summarize)


def tensor_repr(t, host):
    """`repr(t)` given `host`, the tensor's data as a NumPy array."""
    from .dtypes import get_default_dtype, int64, bool as bool_
    prefix = "tensor("
    suffix = []
    if t.device.type != "cpu":
        suffix.append(f"device='{t.device}'")
    if host.size == 0:
        body = "[]"
        if host.ndim != 1:
            suffix.append(f"size={tuple(host.shape)}")
    else:
        body = format_array(host, len(prefix))
    if t.dtype not in (get_default_dtype(), int64, bool_) or \
            (host.size == 0 and t.dtype is not get_default_dtype()):
        suffix.append(f"dtype={t.dtype}")
    if t.grad_fn is not None:
        suffix.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t.requires_grad:
        suffix.append("requires_grad=True")
    return prefix + body + "".join(", " + s for s in suffix) + ")"
