"""Op table rows: shape ops (view/reshape, permute/transpose, expand, squeeze/unsqueeze,
flatten/unflatten, cat/stack, narrow, split/chunk/unbind, flip, roll, tril/triu, pad, repeat,
sum_to).

A sample is (input shapes, keyword arguments); the keywords go to both the op and its NumPy
reference. Ops that return several tensors (split, chunk, unbind) are checked piece by piece:
the harness compares and differentiates every tensor of a returned tuple.
"""
import numpy as np

import mytorch as mt
from .spec import OpSpec, Sample, uniform


def _cases(*cases):
    """cases: (shapes, kwargs) pairs; each shape becomes one uniform input."""
    def samples(rng):
        return [Sample(tuple(uniform(rng, s) for s in shapes), dict(kw)) for shapes, kw in cases]
    return samples


def _row(name, fn, ref, *cases, **kw):
    return OpSpec(name, fn, ref, _cases(*cases), **kw)


def _split_ref(x, size, dim=0):
    n = x.shape[dim]
    sizes = [min(size, n - s) for s in range(0, n, size)] if isinstance(size, int) else size
    return tuple(np.split(x, np.cumsum(sizes)[:-1], axis=dim))


def _chunk_ref(x, chunks, dim=0):
    n = x.shape[dim]
    return _split_ref(x, -(-n // chunks), dim)


def _unbind_ref(x, dim=0):
    return tuple(np.moveaxis(x, dim, 0))


def _roll_ref(x, shifts, dims=None):
    if dims is None:
        return np.roll(x.reshape(-1), shifts).reshape(x.shape)
    return np.roll(x, shifts, axis=dims)


def _pad_ref(x, pad, mode="constant", value=0.0):
    widths = [(0, 0)] * x.ndim
    for i in range(len(pad) // 2):
        widths[x.ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    positive = [(max(lo, 0), max(hi, 0)) for lo, hi in widths]
    if mode in ("constant", "circular"):       # negative widths crop first (PyTorch's order)
        crop = tuple(slice(max(-lo, 0), s - max(-hi, 0)) for (lo, hi), s in zip(widths, x.shape))
        np_mode = {"constant": "constant", "circular": "wrap"}[mode]
        kw = {"constant_values": value} if mode == "constant" else {}
        return np.pad(x[crop], positive, mode=np_mode, **kw)
    y = np.pad(x, positive, mode={"reflect": "reflect", "replicate": "edge"}[mode])
    return y[tuple(slice(max(-lo, 0), s - max(-hi, 0)) for (lo, hi), s in zip(widths, y.shape))]


def _sum_to_ref(x, shape):
    lead = x.ndim - len(shape)
    y = x.sum(axis=tuple(range(lead))) if lead else x
    axes = tuple(i for i, s in enumerate(shape) if s == 1 and y.shape[i] != 1)
    return y.sum(axis=axes, keepdims=True).reshape(shape)


REQUIRED = {"reshape", "view", "permute", "transpose", "t", "expand", "squeeze", "unsqueeze",
            "flatten", "unflatten", "cat", "stack", "narrow", "split", "chunk", "unbind", "flip",
            "roll", "tril", "triu", "pad", "repeat", "sum_to"}

SPECS = [
    _row("reshape", lambda x, shape: mt.reshape(x, shape), lambda x, shape: x.reshape(shape),
         (((2, 3),), {"shape": (3, 2)}), (((2, 3),), {"shape": (-1,)}),
         (((2, 3, 2),), {"shape": (3, -1)}), (((),), {"shape": (1, 1)}),
         (((1,),), {"shape": ()}), (((2, 3),), {"shape": (2, 1, 3)})),
    _row("reshape[method]", lambda x: x.reshape(2, -1, 2), lambda x: x.reshape(2, -1, 2),
         (((4, 2),), {})),
    _row("view", lambda x, shape: x.view(shape), lambda x, shape: x.reshape(shape),
         (((2, 3),), {"shape": (6,)}), (((2, 3),), {"shape": (-1, 2)}),
         (((3,),), {"shape": (1, 3, 1)})),
    _row("view[args]", lambda x: x.view(3, -1), lambda x: x.reshape(3, -1), (((6,),), {})),
    _row("permute", lambda x, dims: mt.permute(x, dims), lambda x, dims: np.transpose(x, dims),
         (((2, 3, 2),), {"dims": (2, 0, 1)}), (((2, 3),), {"dims": (1, 0)}),
         (((2, 3, 2),), {"dims": (-1, 0, -2)}), (((),), {"dims": ()})),
    _row("permute[method]", lambda x: x.permute(1, 2, 0), lambda x: np.transpose(x, (1, 2, 0)),
         (((2, 3, 2),), {})),
    _row("transpose", lambda x, a, b: mt.transpose(x, a, b), lambda x, a, b: np.swapaxes(x, a, b) if x.ndim else x,
         (((2, 3, 2),), {"a": 0, "b": 2}), (((2, 3),), {"a": 0, "b": 1}),
         (((2, 3, 2),), {"a": -1, "b": 0}), (((2, 3),), {"a": 1, "b": 1}),
         (((),), {"a": 0, "b": -1})),
    _row("t", lambda x: mt.t(x), lambda x: x.T, (((2, 3),), {}), (((3,),), {}), (((),), {})),
    _row("t[property]", lambda x: x.T, lambda x: x.T, (((2, 3),), {})),
    _row("expand", lambda x, size: x.expand(size), lambda x, size: np.broadcast_to(
        x, tuple(s if s != -1 else x.shape[i - len(size) + x.ndim] for i, s in enumerate(size))),
         (((3, 1),), {"size": (3, 4)}), (((1, 3),), {"size": (2, 2, 3)}),
         (((3,),), {"size": (2, -1)}), (((),), {"size": (2, 3)}),
         (((2, 3),), {"size": (2, 3)})),
    _row("expand_as", lambda x, y: x.expand_as(y), lambda x, y: np.broadcast_to(x, y.shape),
         (((3, 1), (3, 2)), {}), grad=False),
    _row("squeeze", lambda x, **kw: mt.squeeze(x, **kw),
         lambda x, dim=None: np.squeeze(x, axis=None if dim is None or not x.ndim else tuple(
             d for d in np.atleast_1d(dim) if x.shape[d] == 1)),
         (((2, 1, 3),), {}), (((2, 1, 3),), {"dim": 1}), (((2, 1, 3),), {"dim": 0}),
         (((2, 1, 3, 1),), {"dim": (1, -1)}), (((1, 1),), {"dim": -1}), (((),), {}),
         (((),), {"dim": 0})),
    _row("unsqueeze", lambda x, dim: mt.unsqueeze(x, dim), lambda x, dim: np.expand_dims(x, dim),
         (((2, 3),), {"dim": 0}), (((2, 3),), {"dim": -1}), (((2, 3),), {"dim": 1}),
         (((2, 3),), {"dim": -2}), (((),), {"dim": 0})),
    _row("flatten", lambda x, **kw: mt.flatten(x, **kw),
         lambda x, start_dim=0, end_dim=-1: x.reshape(
             x.shape[:start_dim] + (-1,) + x.shape[end_dim % max(x.ndim, 1) + 1:])
         if x.ndim else x.reshape(1),
         (((2, 3, 2),), {}), (((2, 3, 2),), {"start_dim": 1}),
         (((2, 3, 2),), {"start_dim": 0, "end_dim": 1}), (((2, 3, 2),), {"end_dim": -2}),
         (((2, 3),), {"start_dim": 1, "end_dim": 1}), (((),), {})),
    _row("unflatten", lambda x, dim, sizes: mt.unflatten(x, dim, sizes),
         lambda x, dim, sizes: x.reshape(
             x.shape[:dim % x.ndim] + tuple(sizes if -1 not in sizes else [
                 s if s != -1 else x.shape[dim] // -np.prod(sizes) for s in sizes])
             + x.shape[dim % x.ndim + 1:]),
         (((2, 6),), {"dim": 1, "sizes": (2, 3)}), (((2, 6),), {"dim": -1, "sizes": (3, -1)}),
         (((6, 2),), {"dim": 0, "sizes": (1, 6)})),
    _row("cat", lambda *xs, dim=0: mt.cat(xs, dim), lambda *xs, dim=0: np.concatenate(xs, dim),
         (((2, 3), (1, 3), (3, 3)), {"dim": 0}), (((2, 1), (2, 3)), {"dim": -1}),
         (((3,), (2,), (1,), (4,)), {}), (((2, 3, 1), (2, 3, 2)), {"dim": 2}),
         (((2, 3),), {"dim": 1}), (((2, 2), (0, 2)), {})),
    _row("stack", lambda *xs, dim=0: mt.stack(xs, dim), lambda *xs, dim=0: np.stack(xs, dim),
         (((2, 3), (2, 3), (2, 3)), {"dim": 0}), (((2, 3), (2, 3)), {"dim": 1}),
         (((2, 3), (2, 3)), {"dim": -1}), (((3,), (3,)), {"dim": 1}),
         (((), (), ()), {})),
    _row("narrow", lambda x, dim, start, length: mt.narrow(x, dim, start, length),
         lambda x, dim, start, length: np.take(x, range(start, start + length), axis=dim),
         (((4, 3),), {"dim": 0, "start": 1, "length": 2}),
         (((4, 3),), {"dim": -1, "start": 0, "length": 3}),
         (((2, 5),), {"dim": 1, "start": 4, "length": 1})),
    _row("split", lambda x, size, dim=0: mt.split(x, size, dim), _split_ref,
         (((5, 2),), {"size": 2}), (((2, 3),), {"size": [1, 2], "dim": 1}),
         (((2, 6),), {"size": 3, "dim": -1}), (((3, 2),), {"size": 5}),
         (((4,),), {"size": [0, 3, 1]})),
    _row("split[method]", lambda x: mt.stack(x.split(2, 1)), lambda x: np.stack(np.split(x, 2, 1)),
         (((3, 4),), {})),
    _row("chunk", lambda x, chunks, dim=0: mt.chunk(x, chunks, dim), _chunk_ref,
         (((5,),), {"chunks": 3}), (((2, 6),), {"chunks": 4, "dim": 1}),
         (((3, 2),), {"chunks": 3, "dim": 0}), (((2, 3),), {"chunks": 5, "dim": -1})),
    _row("unbind", lambda x, dim=0: mt.unbind(x, dim), _unbind_ref,
         (((2, 3),), {}), (((2, 3),), {"dim": 1}), (((2, 3, 2),), {"dim": -1})),
    _row("flip", lambda x, dims: mt.flip(x, dims), lambda x, dims: np.flip(x, dims),
         (((2, 3),), {"dims": (0,)}), (((2, 3),), {"dims": (0, 1)}),
         (((2, 3, 2),), {"dims": (-1, 0)}), (((3,),), {"dims": (-1,)})),
    _row("flip[method]", lambda x: x.flip(1), lambda x: np.flip(x, 1), (((2, 3),), {})),
    _row("roll", lambda x, **kw: mt.roll(x, **kw), _roll_ref,
         (((2, 3),), {"shifts": 1}), (((2, 3),), {"shifts": (1, -2), "dims": (0, 1)}),
         (((2, 3),), {"shifts": 4, "dims": 1}), (((2, 3, 2),), {"shifts": -1, "dims": -2}),
         (((5,),), {"shifts": -7})),
    _row("tril", lambda x, **kw: mt.tril(x, **kw), lambda x, diagonal=0: np.tril(x, diagonal),
         (((3, 3),), {}), (((2, 3, 4),), {"diagonal": 1}), (((4, 3),), {"diagonal": -1})),
    _row("triu", lambda x, **kw: mt.triu(x, **kw), lambda x, diagonal=0: np.triu(x, diagonal),
         (((3, 3),), {}), (((2, 3, 4),), {"diagonal": -1}), (((3, 4),), {"diagonal": 2})),
    _row("pad", lambda x, **kw: mt.ops.pad(x, **kw), _pad_ref,
         (((2, 3),), {"pad": (1, 2)}), (((2, 3),), {"pad": (1, 1, 2, 0), "value": 0.5}),
         (((2, 3),), {"pad": (-1, 1)}), (((1, 2, 3),), {"pad": (0, 0, 1, 1, 1, 0)})),
    _row("pad[reflect]", lambda x, **kw: mt.ops.pad(x, mode="reflect", **kw),
         lambda x, **kw: _pad_ref(x, mode="reflect", **kw),
         (((2, 4),), {"pad": (2, 1)}), (((1, 3, 3),), {"pad": (1, 1, 2, 1)}),
         (((2, 4),), {"pad": (1, -2)}), (((1, 3, 4),), {"pad": (-3, 3, 2, -1)})),
    _row("pad[replicate]", lambda x, **kw: mt.ops.pad(x, mode="replicate", **kw),
         lambda x, **kw: _pad_ref(x, mode="replicate", **kw),
         (((2, 3),), {"pad": (2, 1)}), (((1, 2, 3),), {"pad": (1, 0, 0, 2)}),
         (((2, 4),), {"pad": (-1, 2)}), (((1, 2, 3),), {"pad": (2, -3, -1, 1)})),
    _row("pad[circular]", lambda x, **kw: mt.ops.pad(x, mode="circular", **kw),
         lambda x, **kw: _pad_ref(x, mode="circular", **kw),
         (((2, 3),), {"pad": (2, 1)}), (((1, 2, 3),), {"pad": (1, 1, 1, 0)}),
         (((2, 4),), {"pad": (1, -2)}), (((1, 3, 4),), {"pad": (-1, 2, 2, -1)})),
    _row("repeat", lambda x, sizes: x.repeat(*sizes), lambda x, sizes: np.tile(x, sizes),
         (((2, 3),), {"sizes": (2, 1)}), (((3,),), {"sizes": (2, 2)}),
         (((2, 1),), {"sizes": (1, 2, 3)}), (((),), {"sizes": (3,)}),
         (((2, 3),), {"sizes": (1, 1)})),
    _row("sum_to", lambda x, shape: mt.ops.sum_to(x, shape), _sum_to_ref,
         (((2, 3),), {"shape": (3,)}), (((2, 3),), {"shape": (1, 3)}),
         (((2, 3, 2),), {"shape": (3, 1)}), (((2, 3),), {"shape": ()}),
         (((2, 3),), {"shape": (2, 3)})),
]


# ---- moving dims, tiling, diagonals, differences, grids, stacking, rotating ------------------

def _diag_embed_ref(x, offset=0, dim1=-2, dim2=-1):
    k = x.shape[-1]
    m = k + abs(offset)
    out = np.zeros(x.shape[:-1] + (m, m))
    i = np.arange(k)
    out[..., i - min(offset, 0), i + max(offset, 0)] = x
    return np.moveaxis(out, (-2, -1), (dim1, dim2))


def _stack_row(name, mt_fn, np_fn, *cases):
    return _row(name, lambda *xs: mt_fn(xs), lambda *xs: np_fn(xs), *cases)


REQUIRED |= {"movedim", "moveaxis", "tile", "diagonal", "diag", "diag_embed", "trace", "diff",
             "meshgrid", "broadcast_tensors", "atleast_1d", "atleast_2d", "atleast_3d", "hstack",
             "vstack", "dstack", "rot90", "kron", "repeat_interleave"}

SPECS += [
    _row("repeat_interleave", lambda x, **kw: mt.repeat_interleave(x, **kw),
         lambda x, repeats, dim=None: np.repeat(x, repeats, axis=dim),
         (((2, 3),), {"repeats": 2}), (((2, 3),), {"repeats": 3, "dim": 1}),
         (((),), {"repeats": 2})),
    OpSpec("repeat_interleave[counts]",
           lambda x: x.repeat_interleave(mt.tensor([0, 2, 1], device=x.device), dim=-1),
           lambda x: np.repeat(x, [0, 2, 1], axis=-1), _cases((((2, 3),), {}))),
    _row("movedim", lambda x, **kw: mt.movedim(x, **kw), lambda x, **kw: np.moveaxis(x, **kw),
         (((2, 3, 4),), {"source": 0, "destination": -1}),
         (((2, 3, 4),), {"source": (0, 1), "destination": (2, 0)})),
    _row("moveaxis", lambda x: x.moveaxis(-1, 0), lambda x: np.moveaxis(x, -1, 0),
         (((2, 3),), {})),
    _row("tile", lambda x, dims: mt.tile(x, dims), lambda x, dims: np.tile(x, dims),
         (((2, 3),), {"dims": (2,)}), (((3,),), {"dims": (2, 1)}), (((),), {"dims": (2,)})),
    _row("diagonal", lambda x, **kw: mt.diagonal(x, **kw),
         lambda x, offset=0, dim1=0, dim2=1: np.diagonal(x, offset, dim1, dim2),
         (((3, 4),), {"offset": 1}), (((2, 3, 4),), {"dim1": -1, "dim2": 1}),
         (((3, 3),), {"offset": -2}), (((2, 3),), {"offset": 5})),
    _row("diag", lambda x, **kw: mt.diag(x, **kw), lambda x, diagonal=0: np.diag(x, diagonal),
         (((3,),), {"diagonal": -1}), (((3, 4),), {"diagonal": 1}), (((2,),), {})),
    _row("diag_embed", lambda x, **kw: mt.diag_embed(x, **kw), _diag_embed_ref,
         (((2, 3),), {}), (((2, 3),), {"offset": 1, "dim1": 0, "dim2": 2}),
         (((3,),), {"offset": -1})),
    _row("trace", lambda x: mt.trace(x), np.trace, (((3, 4),), {}), (((2, 2),), {})),
    _row("diff", lambda x, **kw: mt.diff(x, **kw),
         lambda x, n=1, dim=-1: np.diff(x, n, axis=dim),
         (((2, 4),), {}), (((4, 3),), {"n": 2, "dim": 0}), (((3,),), {"n": 0})),
    _row("diff[prepend]", lambda x, p, a: x.diff(1, 1, p, a),
         lambda x, p, a: np.diff(x, 1, axis=1, prepend=p, append=a),
         (((2, 3), (2, 1), (2, 2)), {})),
    _row("meshgrid", lambda *xs, **kw: mt.meshgrid(*xs, **kw),
         lambda *xs, **kw: np.meshgrid(*xs, **kw),
         (((3,), (2,)), {"indexing": "ij"}), (((3,), (2,), (2,)), {"indexing": "xy"}),
         (((2,), ()), {"indexing": "ij"})),
    _row("broadcast_tensors", lambda *xs: mt.broadcast_tensors(*xs),
         lambda *xs: np.broadcast_arrays(*xs), (((3, 1), (2,)), {}), (((), (2, 1), (3,)), {})),
    _row("atleast_1d", lambda x: mt.atleast_1d(x), np.atleast_1d, (((),), {}), (((2, 3),), {})),
    _row("atleast_2d", lambda x: mt.atleast_2d(x), np.atleast_2d, (((3,),), {}), (((),), {})),
    _row("atleast_3d", lambda x: mt.atleast_3d(x), np.atleast_3d, (((3,),), {}),
         (((2, 3),), {}), (((),), {})),
    _stack_row("hstack", mt.hstack, np.hstack, (((2,), (3,)), {}), (((2, 1), (2, 2)), {})),
    _stack_row("vstack", mt.vstack, np.vstack, (((3,), (2, 3)), {}), (((1, 2), (2, 2)), {})),
    _stack_row("dstack", mt.dstack, np.dstack, (((2,), (2,)), {}), (((2, 2), (2, 2, 2)), {})),
    _row("rot90", lambda x, **kw: mt.rot90(x, **kw), lambda x, k=1, dims=(0, 1): np.rot90(x, k, dims),
         (((2, 3),), {}), (((2, 3, 2),), {"k": 2, "dims": (1, 2)}),
         (((2, 3),), {"k": -1, "dims": (1, 0)}), (((2, 3),), {"k": 4})),
    _row("kron", lambda a, b: mt.kron(a, b), np.kron, (((2, 2), (2, 3)), {}),
         (((2,), (3, 2)), {})),
]


# ---- select and tensor_split: views of one index, or of pieces ---------------------------------

def _tensor_split_ref(x, indices_or_sections, dim=0):
    return tuple(np.array_split(x, indices_or_sections, axis=dim))


def _select_ref(x, dim, index):
    return np.take(x, index, axis=dim)


REQUIRED |= {"select", "tensor_split"}

SPECS += [
    _row("select", lambda x, **kw: mt.select(x, **kw), _select_ref,
         (((2, 3),), {"dim": 1, "index": -1}), (((4, 3),), {"dim": 0, "index": 2}),
         (((2, 3, 2),), {"dim": -2, "index": 1}), (((3,),), {"dim": 0, "index": -3})),
    _row("select[method]", lambda x: x.select(-1, 0), lambda x: x[..., 0], (((2, 3),), {})),
    # sections that do not divide the size (7 in 3: 3, 2, 2), more sections than elements
    # (empty pieces), indices in order, out of range (clamped), negative and going back
    # (overlapping pieces)
    _row("tensor_split", lambda x, **kw: mt.tensor_split(x, **kw), _tensor_split_ref,
         (((7, 2),), {"indices_or_sections": 3}), (((2, 5),), {"indices_or_sections": 2, "dim": 1}),
         (((2,),), {"indices_or_sections": 4}), (((6,),), {"indices_or_sections": [1, 4]}),
         (((2, 5),), {"indices_or_sections": (2, 9), "dim": -1}),
         (((5,),), {"indices_or_sections": [-2]}), (((5,),), {"indices_or_sections": [3, 1]})),
    _row("tensor_split[method]", lambda x: mt.stack(x.tensor_split(2, 1)),
         lambda x: np.stack(np.array_split(x, 2, 1)), (((3, 4),), {})),
]


# ---- unfold: sliding windows as a new last dimension (overlapping, disjoint, with gaps) --------

def _unfold_ref(x, dimension, size, step):
    if x.ndim == 0:
        return np.broadcast_to(x, (size,))
    dimension %= x.ndim            # the window axis is appended: a negative dim would miss it
    view = np.lib.stride_tricks.sliding_window_view(x, size, axis=dimension)
    return np.take(view, np.arange(0, view.shape[dimension], step), axis=dimension)


REQUIRED |= {"unfold"}

SPECS += [
    # overlapping windows (step < size) add several gradients into one element; step > size
    # leaves elements no window reads (zero gradient); a window of the whole dim; a 0-d input
    _row("unfold", lambda x, **kw: x.unfold(**kw), _unfold_ref,
         (((7,),), {"dimension": 0, "size": 3, "step": 2}),
         (((2, 6, 3),), {"dimension": 1, "size": 2, "step": 2}),
         (((3, 8),), {"dimension": -1, "size": 2, "step": 3}),
         (((4, 3),), {"dimension": 0, "size": 4, "step": 1}),
         (((2, 5, 2),), {"dimension": -2, "size": 4, "step": 1}),
         (((),), {"dimension": 0, "size": 1, "step": 1})),
]
