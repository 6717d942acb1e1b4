"""Op table rows: indexing ops (x[...], x[...] = v, index_select, gather, scatter, scatter_add,
masked_fill, sort, argsort, topk).

Index arrays are np.int64 (the harness makes them tensors without grad). Samples that read an
element twice (duplicate indices) check that gradients accumulate; samples that *write* an
element twice are avoided, as PyTorch leaves the winner undefined.
"""
import numpy as np

import mytorch as mt
from .spec import OpSpec, Sample, uniform, distinct


def _ints(*values):
    return np.array(values, dtype=np.int64)


# ---- x[index] ------------------------------------------------------------------------------

BASIC_INDICES = [
    ((3, 4), 1),
    ((3, 4), -1),
    ((3, 4), (slice(None), 2)),
    ((3, 4), (slice(0, 3, 2), slice(1, None, 2))),
    ((3, 4), (None, slice(1, 3))),
    ((2, 3, 2), (Ellipsis, 0)),
    ((2, 3, 2), (0, Ellipsis, None, -1)),
    ((2, 3, 2), (slice(-2, None), slice(None, None, 2), -2)),
    ((5,), slice(-4, -1)),
    ((2, 3), ()),
]


def _basic_samples(rng):
    return [Sample((uniform(rng, shape),), {"index": index}) for shape, index in BASIC_INDICES]


def _advanced_samples(rng):
    return [
        Sample((uniform(rng, (4, 3)), _ints(2, 0, 2, 3))),             # duplicates accumulate
        Sample((uniform(rng, (5,)), _ints(-1, 1, 1, 1))),              # negative, duplicates
        Sample((uniform(rng, (4, 3)), _ints([0, 1], [1, 1]))),         # 2-d index
        Sample((uniform(rng, (3,)), np.int64(2) + np.zeros((2, 2), dtype=np.int64))),
    ]


def _two_array_samples(rng):
    return [Sample((uniform(rng, (3, 4)), _ints(0, 2, 2), _ints(1, 3, 3))),      # repeats
            Sample((uniform(rng, (3, 4)), _ints([0], [2]), _ints(1, 0, 3)))]     # broadcast


def _mixed_samples(rng):
    return [Sample((uniform(rng, (2, 4)), _ints(3, 0, 3)), {"where": "x[:, i]"}),
            Sample((uniform(rng, (2, 3, 2)), _ints(1, 1)), {"where": "x[0, i]"}),
            Sample((uniform(rng, (2, 3, 2)), _ints(2, 0)), {"where": "x[..., i, 1:]"}),
            Sample((uniform(rng, (3, 2, 2)), _ints(0, 2)), {"where": "x[i, None, :, 1]"})]


def _mixed(x, i, where):
    return eval(where, {}, {"x": x, "i": i})         # the same text on mytorch and NumPy


def _mask_samples(rng):
    return [Sample((uniform(rng, (3, 4)), rng.uniform(size=(3, 4)) > 0.5)),
            Sample((uniform(rng, (3, 2)), np.array([True, False, True]))),
            Sample((uniform(rng, (4,)), np.zeros(4, dtype=bool)))]          # nothing selected


# ---- x[index] = v --------------------------------------------------------------------------

def _setitem(x, v, *index, key=None):
    """Out of place through `__setitem__`: clone, write, return; gradients reach x and v."""
    y = x.clone()
    y[key if key is not None else index[0]] = v
    return y


def _setitem_ref(x, v, *index, key=None):
    y = x.copy()
    y[key if key is not None else index[0]] = v
    return y


def _setitem_samples(rng):
    return [
        Sample((uniform(rng, (3, 4)), uniform(rng, (4,))), {"key": 1}),
        Sample((uniform(rng, (3, 4)), uniform(rng, (3, 2))), {"key": (slice(None), slice(1, None, 2))}),
        Sample((uniform(rng, (3, 4)), uniform(rng, ())), {"key": (Ellipsis, -1)}),    # broadcast
        Sample((uniform(rng, (3, 4)), uniform(rng, (1, 4))), {"key": slice(0, 2)}),
        Sample((uniform(rng, (4, 2)), uniform(rng, (2, 2)), _ints(3, 0))),           # advanced
        Sample((uniform(rng, (4, 2)), uniform(rng, (2,)), _ints(2, 1))),             # broadcast
        Sample((uniform(rng, (2, 3)), uniform(rng, (3,)),                          # mask
                np.array([[True, False, True], [False, True, False]]))),
    ]


# ---- gather / scatter ----------------------------------------------------------------------

def _along(index, dim):
    """The NumPy index tuple that addresses out[..., index[i, j], ...] along `dim`."""
    dim %= index.ndim
    return tuple(index if d == dim else
                 np.arange(n).reshape([-1 if k == d else 1 for k in range(index.ndim)])
                 for d, n in enumerate(index.shape))


def _gather_ref(x, index, dim):
    return x[_along(index, dim)]


def _scatter_ref(x, index, src, dim):
    y = x.copy()
    y[_along(index, dim)] = src[tuple(slice(0, n) for n in index.shape)]
    return y


def _scatter_value_ref(x, index, dim, value):
    y = x.copy()
    y[_along(index, dim)] = value
    return y


def _scatter_add_ref(x, index, src, dim):
    y = x.copy()
    np.add.at(y, _along(index, dim), src[tuple(slice(0, n) for n in index.shape)])
    return y


def _gather_samples(rng):
    return [
        Sample((uniform(rng, (3, 4)), _ints([0, 0, 3], [1, 2, 2], [3, 3, 3]), 1)),  # repeats
        Sample((uniform(rng, (3, 4)), _ints([2, 0, 1, 2], [0, 0, 2, 1]), 0)),
        Sample((uniform(rng, (3, 4)), _ints([1], [3]), -1)),          # smaller than input
        Sample((uniform(rng, (4,)), _ints(3, 3, 0), 0)),
    ]


def _scatter_samples(rng):
    # no element written twice: along `dim` each index row is a set
    return [
        Sample((uniform(rng, (3, 4)), _ints([0, 2], [3, 1], [1, 0]), uniform(rng, (3, 2)), 1)),
        Sample((uniform(rng, (3, 3)), _ints([2, 0, 1]), uniform(rng, (2, 3)), 0)),   # src larger
        Sample((uniform(rng, (5,)), _ints(4, 0), uniform(rng, (2,)), 0)),
    ]


def _scatter_value_samples(rng):
    return [Sample((uniform(rng, (3, 4)), _ints([0, 2], [3, 1], [1, 0])), {"dim": 1, "value": 1.5}),
            Sample((uniform(rng, (3, 3)), _ints([2, 0, 1])), {"dim": 0, "value": -0.5})]


def _scatter_add_samples(rng):
    return [
        Sample((uniform(rng, (3, 4)), _ints([0, 0, 3], [1, 1, 1], [2, 3, 2]), uniform(rng, (3, 3)), 1)),
        Sample((uniform(rng, (3, 2)), _ints([2, 0], [2, 2]), uniform(rng, (2, 2)), 0)),
        Sample((uniform(rng, (4,)), _ints(1, 1, 1, 0), uniform(rng, (5,)), 0)),
    ]


def _index_select_samples(rng):
    return [Sample((uniform(rng, (3, 4)), _ints(2, 0, 2), 0)),
            Sample((uniform(rng, (3, 4)), _ints(3, 3, 1), 1)),
            Sample((uniform(rng, (2, 3, 2)), _ints(2, 0), -2)),
            Sample((uniform(rng, (5,)), _ints(4), 0))]


# ---- masked_fill ---------------------------------------------------------------------------

def _masked_fill_samples(rng):
    return [Sample((uniform(rng, (3, 4)), rng.uniform(size=(3, 4)) > 0.5)),
            Sample((uniform(rng, (2, 3)), np.array([True, False, True]))),     # broadcast mask
            Sample((uniform(rng, ()), np.array(True)))]


def _masked_fill_tensor_samples(rng):
    return [Sample((uniform(rng, (2, 3)), rng.uniform(size=(2, 3)) > 0.5, uniform(rng, ()))),
            Sample((uniform(rng, (4,)), np.array([False, True, True, False]), uniform(rng, ())))]


# ---- sort / argsort / topk -----------------------------------------------------------------

SORT_SHAPES = [((5,), -1), ((3, 4), 1), ((3, 4), 0), ((2, 3, 2), -2)]


def _sort_samples(rng):
    return [Sample((distinct(rng, shape),), {"dim": dim}) for shape, dim in SORT_SHAPES]


def _sort_ref(x, dim, descending=False):
    order = np.argsort(-x if descending else x, axis=dim, kind="stable")
    return np.take_along_axis(x, order, axis=dim), order


def _topk_samples(rng):
    return [Sample((distinct(rng, (6,)),), {"k": 3, "dim": -1}),
            Sample((distinct(rng, (3, 4)),), {"k": 2, "dim": 1}),
            Sample((distinct(rng, (3, 4)),), {"k": 1, "dim": 0}),
            Sample((distinct(rng, (2, 3, 2)),), {"k": 3, "dim": 1})]


def _topk_ref(x, k, dim, largest=True):
    values, order = _sort_ref(x, dim, descending=largest)
    keep = tuple(slice(0, k) if d == dim % x.ndim else slice(None) for d in range(x.ndim))
    return values[keep], order[keep]


def _values(out):
    return out[0]


REQUIRED = {"getitem", "setitem", "index_select", "gather", "scatter", "scatter_add",
            "masked_fill", "sort", "argsort", "topk"}

SPECS = [
    OpSpec("getitem[basic]", lambda x, index: x[index], lambda x, index: x[index], _basic_samples),
    OpSpec("getitem[advanced]", lambda x, i: x[i], lambda x, i: x[i], _advanced_samples),
    OpSpec("getitem[two_arrays]", lambda x, i, j: x[i, j], lambda x, i, j: x[i, j],
           _two_array_samples),
    OpSpec("getitem[mixed]", _mixed, _mixed, _mixed_samples),
    OpSpec("getitem[mask]", lambda x, m: x[m], lambda x, m: x[m], _mask_samples),
    OpSpec("setitem", _setitem, _setitem_ref, _setitem_samples),
    OpSpec("index_select", lambda x, i, dim: mt.index_select(x, dim, i),
           lambda x, i, dim: np.take(x, i, axis=dim), _index_select_samples),
    OpSpec("gather", lambda x, i, dim: mt.gather(x, dim, i), _gather_ref, _gather_samples),
    OpSpec("scatter", lambda x, i, src, dim: mt.scatter(x, dim, i, src), _scatter_ref,
           _scatter_samples),
    OpSpec("scatter[value]", lambda x, i, dim, value: mt.scatter(x, dim, i, value=value),
           _scatter_value_ref, _scatter_value_samples),
    OpSpec("scatter_add", lambda x, i, src, dim: mt.scatter_add(x, dim, i, src),
           _scatter_add_ref, _scatter_add_samples),
    OpSpec("masked_fill", lambda x, m: mt.masked_fill(x, m, 0.25),
           lambda x, m: np.where(m, 0.25, x), _masked_fill_samples),
    OpSpec("masked_fill[tensor_value]", lambda x, m, v: x.masked_fill(m, v),
           lambda x, m, v: np.where(m, v, x), _masked_fill_tensor_samples),
    OpSpec("sort", lambda x, dim: mt.sort(x, dim), _sort_ref, _sort_samples,
           output=_values, ties_ok=False),
    OpSpec("sort[descending]", lambda x, dim: x.sort(dim=dim, descending=True),
           lambda x, dim: _sort_ref(x, dim, descending=True), _sort_samples,
           output=_values, ties_ok=False),
    OpSpec("argsort", lambda x, dim: mt.argsort(x, dim), lambda x, dim: _sort_ref(x, dim)[1],
           _sort_samples, grad=False, ties_ok=False),
    OpSpec("argsort[descending]", lambda x, dim: mt.argsort(x, dim, descending=True),
           lambda x, dim: _sort_ref(x, dim, descending=True)[1], _sort_samples, grad=False,
           ties_ok=False),
    OpSpec("topk", lambda x, k, dim: mt.topk(x, k, dim), _topk_ref, _topk_samples,
           output=_values, ties_ok=False),
    OpSpec("topk[smallest]", lambda x, k, dim: x.topk(k, dim, largest=False),
           lambda x, k, dim: _topk_ref(x, k, dim, largest=False), _topk_samples,
           output=_values, ties_ok=False),
]


# ---- nonzero, masked_select, take, take_along_dim, index_add/copy/fill, masked_scatter -------

def _with_zeros(rng, shape):
    return np.where(rng.uniform(size=shape) > 0.5, uniform(rng, shape), 0.0)


def _nonzero_samples(rng):
    return [Sample((_with_zeros(rng, (3, 4)),)), Sample((rng.uniform(size=(2, 3, 2)) > 0.5,)),
            Sample((np.zeros(4),)), Sample((np.asarray(1.5),))]


def _masked_select_ref(x, m):
    x, m = np.broadcast_arrays(x, m)
    return x[m]


def _masked_select_samples(rng):
    return [Sample((uniform(rng, (3, 4)), rng.uniform(size=(3, 4)) > 0.5)),
            Sample((uniform(rng, (3,)), np.array([[True, False, True], [True, True, False]])))]


def _take_samples(rng):
    return [Sample((uniform(rng, (3, 4)), _ints([0, -1], [5, 5]))),
            Sample((uniform(rng, (5,)), _ints(4, 0, 4)))]


def _take_along_dim_ref(x, i, dim=None):
    if dim is None:
        return np.take_along_axis(x.reshape(-1), i.reshape(-1), 0)
    return np.take_along_axis(x, i, dim)


def _take_along_dim_samples(rng):
    return [Sample((uniform(rng, (3, 4)), _ints([3, 0, 1, 1], [2, 2, 0, 1], [0, 1, 2, 3])), {"dim": 1}),
            Sample((uniform(rng, (3, 4)), _ints([2], [0])), {"dim": 0}),            # broadcasts
            Sample((uniform(rng, (2, 3)), _ints([5, 0, 5])), {})]


def _at(dim, index):
    return (slice(None),) * dim + (index,)


def _index_add_ref(x, i, src, dim, alpha=1):
    y = x.copy()
    np.add.at(y, _at(dim % x.ndim, i), alpha * src)
    return y


def _index_add_samples(rng):
    return [Sample((uniform(rng, (3, 4)), _ints(2, 0, 2), uniform(rng, (3, 3)), 1)),
            Sample((uniform(rng, (3, 2)), _ints(1, 1), uniform(rng, (2, 2)), 0), {"alpha": 2.0}),
            Sample((uniform(rng, (2, 3, 2)), _ints(1), uniform(rng, (2, 3, 1)), -1))]


def _index_copy_ref(x, i, src, dim):
    y = x.copy()
    y[_at(dim % x.ndim, i)] = src
    return y


def _index_copy_samples(rng):
    return [Sample((uniform(rng, (3, 4)), _ints(3, 0), uniform(rng, (3, 2)), 1)),
            Sample((uniform(rng, (4, 2)), _ints(2, 0, 1), uniform(rng, (3, 2)), 0))]


def _index_fill_ref(x, i, dim, value=None):
    y = x.copy()
    y[_at(dim % x.ndim, i)] = value
    return y


def _index_fill_samples(rng):
    return [Sample((uniform(rng, (3, 4)), _ints(3, 0)), {"dim": 1, "value": 0.5}),
            Sample((uniform(rng, (4, 2)), _ints(2, 2)), {"dim": -2, "value": -1.0})]


def _index_fill_tensor_samples(rng):
    return [Sample((uniform(rng, (3, 4)), _ints(1, 3), uniform(rng, ())), {"dim": 1})]


def _masked_scatter_ref(x, m, src):
    y = x.copy()
    m = np.broadcast_to(m, x.shape)
    y[m] = src.reshape(-1)[:m.sum()]
    return y


def _masked_scatter_samples(rng):
    return [Sample((uniform(rng, (3, 4)), rng.uniform(size=(3, 4)) > 0.5, uniform(rng, (3, 5)))),
            Sample((uniform(rng, (2, 3)), np.array([True, False, True]), uniform(rng, (4,))))]


def _inplace(method):
    """Out of place through the in-place method on a clone: gradients reach x and the rest."""
    def fn(x, *args, **kw):
        return getattr(x.clone(), method)(*args, **kw)
    return fn


REQUIRED |= {"nonzero", "argwhere", "where", "masked_select", "take", "take_along_dim",
             "index_add", "index_copy", "index_fill", "masked_scatter", "scatter_",
             "scatter_add_", "index_add_", "index_copy_", "index_fill_", "masked_scatter_"}

SPECS += [
    OpSpec("nonzero", lambda x: mt.nonzero(x), np.argwhere, _nonzero_samples, grad=False),
    OpSpec("nonzero[as_tuple]", lambda x: x.nonzero(as_tuple=True),
           lambda x: np.nonzero(np.atleast_1d(x)), _nonzero_samples, grad=False),
    OpSpec("argwhere", lambda x: mt.argwhere(x), np.argwhere, _nonzero_samples, grad=False),
    OpSpec("where[condition]", lambda x: mt.where(x != 0), lambda x: np.nonzero(np.atleast_1d(x)),
           _nonzero_samples, grad=False),
    OpSpec("masked_select", lambda x, m: mt.masked_select(x, m), _masked_select_ref,
           _masked_select_samples),
    OpSpec("take", lambda x, i: mt.take(x, i), lambda x, i: np.take(x, i), _take_samples),
    OpSpec("take_along_dim", lambda x, i, **kw: mt.take_along_dim(x, i, **kw),
           _take_along_dim_ref, _take_along_dim_samples),
    OpSpec("index_add", lambda x, i, src, dim, **kw: mt.index_add(x, dim, i, src, **kw),
           _index_add_ref, _index_add_samples),
    OpSpec("index_copy", lambda x, i, src, dim: mt.index_copy(x, dim, i, src), _index_copy_ref,
           _index_copy_samples),
    OpSpec("index_fill", lambda x, i, dim, value: mt.index_fill(x, dim, i, value),
           _index_fill_ref, _index_fill_samples),
    OpSpec("index_fill[tensor_value]", lambda x, i, v, dim: x.index_fill(dim, i, v),
           lambda x, i, v, dim: _index_fill_ref(x, i, dim, v), _index_fill_tensor_samples),
    OpSpec("masked_scatter", lambda x, m, src: mt.masked_scatter(x, m, src), _masked_scatter_ref,
           _masked_scatter_samples),
    OpSpec("scatter_", lambda x, i, src, dim: _inplace("scatter_")(x, dim, i, src), _scatter_ref,
           lambda rng: _scatter_samples(rng)[:2]),
    OpSpec("scatter_add_", lambda x, i, src, dim: _inplace("scatter_add_")(x, dim, i, src),
           _scatter_add_ref, lambda rng: _scatter_add_samples(rng)[:2]),
    OpSpec("index_add_", lambda x, i, src, dim, **kw: _inplace("index_add_")(x, dim, i, src, **kw),
           _index_add_ref, lambda rng: _index_add_samples(rng)[:2]),
    OpSpec("index_copy_", lambda x, i, src, dim: _inplace("index_copy_")(x, dim, i, src),
           _index_copy_ref, _index_copy_samples),
    OpSpec("index_fill_", lambda x, i, v, dim: _inplace("index_fill_")(x, dim, i, v),
           lambda x, i, v, dim: _index_fill_ref(x, i, dim, v), _index_fill_tensor_samples),
    OpSpec("masked_scatter_", lambda x, m, src: _inplace("masked_scatter_")(x, m, src),
           _masked_scatter_ref, lambda rng: _masked_scatter_samples(rng)[:1]),
]
