"""`summary(model, input_size)`: a model's layers, their output shapes and parameter counts, as
torchinfo prints them.

    >>> print(summary(nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10)), (2, 64)))
    ==========================================================================================
    Layer (type:depth-idx)                   Output Shape              Param #
    ==========================================================================================
    Sequential                               [2, 10]                   --
    ├─Linear: 1-1                            [2, 128]                  8,320
    ├─ReLU: 1-2                              [2, 128]                  --
    ├─Linear: 1-3                            [2, 10]                   1,290
    ==========================================================================================
    Total params: 9,610
    Trainable params: 9,610
    Non-trainable params: 0
    Params size (MB): 0.04
    ==========================================================================================

How: a forward hook on every module records the shape of what it returns, during one forward
pass on zeros of `input_size` (under no_grad, in eval mode so that BatchNorm's running
statistics and Dropout are left alone); then the hooks are removed and each module's mode is
restored. "depth-idx" is the depth in the module tree and the module's position among all
modules at that depth, as in torchinfo. A row's Param # counts the parameters the module
registers itself (a container's are in its children's rows); the totals count each parameter
once, however many modules share it.
"""
from collections import namedtuple

from .. import factories
from ..autograd import no_grad
from ..dtypes import get_default_dtype

SummaryRow = namedtuple("SummaryRow", "name type depth index output_shape num_params")


class ModelSummary:
    """What `summary` returns: `str()` is the table; `rows` (one SummaryRow per module, in
    tree order), `total_params`, `trainable_params`, `non_trainable_params`, `params_bytes`."""

    def __init__(self, rows, total_params, trainable_params, params_bytes):
        self.rows = rows
        self.total_params = total_params
        self.trainable_params = trainable_params
        self.non_trainable_params = total_params - trainable_params
        self.params_bytes = params_bytes

    def __str__(self):
        names = [_layer_label(r) for r in self.rows]
        shapes = [_shape_text(r.output_shape) for r in self.rows]
        counts = ["--" if r.num_params == 0 else f"{r.num_params:,}" for r in self.rows]
        widths = (max(41, 1 + max(map(len, names))), max(26, 1 + max(map(len, shapes))), 23)
        rule = "=" * sum(widths)

        def line(*cells):
            return "".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()

        out = [rule, line("Layer (type:depth-idx)", "Output Shape", "Param #"), rule]
        out += [line(*cells) for cells in zip(names, shapes, counts)]
        out += [rule,
                f"Total params: {self.total_params:,}",
                f"Trainable params: {self.trainable_params:,}",
                f"Non-trainable params: {self.non_trainable_params:,}",
                f"Params size (MB): {self.params_bytes / 1e6:.2f}",
                rule]
        return "\n".join(out)

    __repr__ = __str__


def summary(model, input_size, *, dtype=None, device=None, batch_dim=None):
    """Run `model` once on zeros and tabulate its modules (see the module docstring).

    input_size: the input's shape including the batch dimension, e.g. (32, 1, 28, 28); a list
    of shapes for a model that takes several inputs. batch_dim: when given, `input_size` leaves
    the batch dimension out and one of size 1 is inserted at that position.
    dtype, device: of the zeros; by default those of the model's first parameter (integer
    inputs, for an Embedding, need dtype=mytorch.int64).
    """
    sizes = [tuple(s) for s in input_size] if _is_shape_list(input_size) else [tuple(input_size)]
    if batch_dim is not None:
        sizes = [s[:batch_dim] + (1,) + s[batch_dim:] for s in sizes]
    first = next(iter(model.parameters()), None)
    if dtype is None:
        dtype = first.dtype if first is not None and first.dtype.is_floating_point \
            else get_default_dtype()
    if device is None and first is not None:
        device = first.device
    inputs = [factories.zeros(s, dtype=dtype, device=device) for s in sizes]

    modules = list(model.named_modules())
    shapes = {}

    def record(module, args, output):
        shapes.setdefault(id(module), _shape_of(output))       # the first call's output

    modes = [(m, m.training) for _, m in modules]
    handles = [m.register_forward_hook(record) for _, m in modules]
    try:
        model.eval()
        with no_grad():
            model(*inputs)
    except Exception as exc:
        raise RuntimeError(f"summary(): the forward pass of {type(model).__name__} on zeros of "
                           f"shape {', '.join(str(list(s)) for s in sizes)} failed: "
                           f"{type(exc).__name__}: {exc}") from exc
    finally:
        for h in handles:
            h.remove()
        for m, training in modes:
            m.training = training

    rows = []
    seen_at_depth = {}
    for name, m in modules:
        depth = name.count(".") + 1 if name else 0
        seen_at_depth[depth] = seen_at_depth.get(depth, 0) + 1
        own = sum(p.numel() for p in m.parameters(recurse=False))
        rows.append(SummaryRow(name, type(m).__name__, depth, seen_at_depth[depth],
                               shapes.get(id(m)), own))
    params = list(model.parameters())
    return ModelSummary(rows,
                        total_params=sum(p.numel() for p in params),
                        trainable_params=sum(p.numel() for p in params if p.requires_grad),
                        params_bytes=sum(p.numel() * p.dtype.itemsize for p in params))


def _is_shape_list(input_size):
    return len(input_size) > 0 and all(isinstance(s, (tuple, list)) for s in input_size)


def _shape_of(output):
    """[2, 128] for a tensor, a list of those for a tuple or list of them, None otherwise."""
    if hasattr(output, "shape") and hasattr(output, "dtype"):
        return list(output.shape)
    if isinstance(output, (tuple, list)):
        return [_shape_of(o) for o in output]
    return None


def _shape_text(shape):
    if shape is None:
        return "--"
    return str(shape).replace("None", "--")


def _layer_label(row):
    if row.depth == 0:
        return row.type
    tree = "├─" if row.depth == 1 else "│    " * (row.depth - 1) + "└─"
    return f"{tree}{row.type}: {row.depth}-{row.index}"
