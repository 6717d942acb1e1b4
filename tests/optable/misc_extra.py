"""Op table rows: the ops of ops/reduction_extra.py, shape_extra.py and indexing_extra.py
(kthvalue, cov, trapezoid, block_diag, combinations, as_strided, scatter_reduce, index_put,
the *_scatter ops, ...).

Index arrays are np.int64 (tensors without grad). The scatter_reduce samples send several src
elements to one place (so the reductions really combine), keep values distinct for amax/amin
(a unique derivative) and put exact zeros in for prod (its zero-safe gradient).
"""
import itertools

import numpy as np

import mytorch as mt
from .shape import _cases, _row
from .spec import OpSpec, Sample, uniform, distinct


def _ints(*values):
    return np.array(values, dtype=np.int64)




# ---- reductions and statistics -------------------------------------------------------------

def _kth_ref(x, k, dim=-1, keepdim=False):
    return np.take(np.sort(x, axis=dim), [k - 1], axis=dim) if keepdim else \
        np.take(np.sort(x, axis=dim), k - 1, axis=dim)


def _nanmedian_samples(rng):
    x = distinct(rng, (3, 5))
    x[0, 1] = x[1, 0] = x[1, 3] = np.nan          # rows with 4, 3 and 5 values that count
    return [Sample((x,), {"dim": 1}), Sample((distinct(rng, (4, 2)),), {"dim": 0})]


def _nanmedian_ref(x, dim):
    """The lower median of the non-NaN values (NumPy's nanmedian averages the middle two)."""
    rows = np.moveaxis(x, dim, -1)
    out = [np.sort(r[~np.isnan(r)])[(np.sum(~np.isnan(r)) - 1) // 2]
           for r in rows.reshape(-1, rows.shape[-1])]
    return np.array(out).reshape(rows.shape[:-1])


def _cov_samples(rng):
    return [Sample((uniform(rng, (3, 5)),)), Sample((uniform(rng, (6,)),)),
            Sample((uniform(rng, (2, 4)),), {"correction": 0})]


def _weighted_cov_samples(rng):
    return [Sample((uniform(rng, (3, 5)), _ints(1, 2, 1, 3, 1), rng.uniform(0.5, 2, 5)))]


def _renorm_ref(x, p, dim, maxnorm):
    axes = tuple(i for i in range(x.ndim) if i != dim % x.ndim)
    norms = np.sum(np.abs(x) ** p, axis=axes, keepdims=True) ** (1 / p)
    return x * np.where(norms > maxnorm, maxnorm / (norms + 1e-7), 1.0)


def _trapezoid_samples(rng):
    return [Sample((uniform(rng, (3, 5)),), {}), Sample((uniform(rng, (4, 3)),), {"dim": 0}),
            Sample((uniform(rng, (6,)),), {"dx": 0.5})]


def _trapezoid_ref(y, dx=1.0, dim=-1):
    return np.trapezoid(y, dx=dx, axis=dim)


def _cumtrapz_ref(y, dx=1.0, dim=-1):
    y = np.moveaxis(y, dim, -1)
    return np.moveaxis(np.cumsum((y[..., 1:] + y[..., :-1]) / 2 * dx, -1), -1, dim)


def _trapezoid_x_samples(rng):
    return [Sample((uniform(rng, (3, 5)), np.sort(uniform(rng, (5,))))),
            Sample((uniform(rng, (2, 4)), np.sort(uniform(rng, (2, 4)), axis=-1)))]


def _trapezoid_x_ref(y, x):
    return np.trapezoid(y, np.broadcast_to(x, y.shape), axis=-1)


REQUIRED = {"kthvalue", "nanmedian", "msort", "unique_consecutive", "cov", "corrcoef", "dist",
            "renorm", "histogram", "trapezoid", "trapz", "cumulative_trapezoid"}

SPECS = [
    OpSpec("kthvalue", lambda x, **kw: mt.kthvalue(x, **kw).values, _kth_ref,
           lambda rng: [Sample((distinct(rng, (3, 5)),), {"k": 2}),
                        Sample((distinct(rng, (4, 3)),), {"k": 4, "dim": 0, "keepdim": True}),
                        Sample((distinct(rng, (5,)),), {"k": 5})],
           ties_ok=False),
    OpSpec("kthvalue[method]", lambda x: x.kthvalue(1, 0).values,
           lambda x: np.sort(x, 0)[0], lambda rng: [Sample((distinct(rng, (3, 2)),))],
           ties_ok=False),
    OpSpec("nanmedian", lambda x, dim: mt.nanmedian(x, dim).values, _nanmedian_ref,
           _nanmedian_samples, ties_ok=False),
    OpSpec("nanmedian[all]", lambda x: x.nanmedian(), lambda x: _nanmedian_ref(x.reshape(-1), 0),
           lambda rng: [Sample((np.where(rng.uniform(size=(3, 4)) > 0.7, np.nan,
                                         distinct(rng, (3, 4))),))],
           ties_ok=False),
    OpSpec("msort", lambda x: mt.msort(x), lambda x: np.sort(x, 0),
           lambda rng: [Sample((distinct(rng, (4, 3)),)), Sample((distinct(rng, (5,)),))],
           ties_ok=False),
    OpSpec("msort[method]", lambda x: x.msort(), lambda x: np.sort(x, 0),
           lambda rng: [Sample((distinct(rng, (3, 2)),))], ties_ok=False),
    OpSpec("cov", lambda x, **kw: mt.cov(x, **kw),
           lambda x, correction=1: np.cov(x, ddof=correction), _cov_samples),
    OpSpec("cov[weights]", lambda x, f, a: mt.cov(x, fweights=f, aweights=a),
           lambda x, f, a: np.cov(x, fweights=f, aweights=a), _weighted_cov_samples),
    OpSpec("cov[method]", lambda x: x.cov(correction=0), lambda x: np.cov(x, ddof=0),
           _cases((((2, 5),), {}))),
    OpSpec("corrcoef", lambda x: mt.corrcoef(x), np.corrcoef,
           lambda rng: [Sample((uniform(rng, (3, 6)),)), Sample((uniform(rng, (2, 4)),))]),
    _row("dist", lambda a, b, **kw: mt.dist(a, b, **kw),
         lambda a, b, p=2: np.linalg.norm((a - b).ravel(), p),
         (((3, 4), (3, 4)), {}), (((2, 3), (3,)), {"p": 3}), (((4,), (4,)), {"p": 1.5})),
    _row("dist[method]", lambda a, b: a.dist(b, 4), lambda a, b: np.linalg.norm((a - b).ravel(), 4),
         (((2, 3), (2, 3)), {})),
    # maxnorm below some slices' norms and above others' (only some are scaled)
    _row("renorm", lambda x, **kw: mt.renorm(x, **kw), _renorm_ref,
         (((3, 4),), {"p": 2, "dim": 0, "maxnorm": 2.0}),
         (((2, 3, 2),), {"p": 1, "dim": 1, "maxnorm": 2.5}),
         (((4, 2),), {"p": 3, "dim": -1, "maxnorm": 1.0})),
    OpSpec("trapezoid", lambda y, **kw: mt.trapezoid(y, **kw), _trapezoid_ref,
           _trapezoid_samples),
    OpSpec("trapezoid[x]", lambda y, x: mt.trapezoid(y, x), _trapezoid_x_ref,
           _trapezoid_x_samples),
    OpSpec("trapz", lambda y, **kw: mt.trapz(y, **kw), _trapezoid_ref, _trapezoid_samples),
    OpSpec("cumulative_trapezoid", lambda y, **kw: mt.cumulative_trapezoid(y, **kw),
           _cumtrapz_ref, _trapezoid_samples),
    # counting: forward only
    OpSpec("unique_consecutive", lambda x: mt.unique_consecutive(x, True, True),
           lambda x: _unique_consecutive_ref(x),
           lambda rng: [Sample((_ints(3, 3, 1, 1, 1, 3, 2, 2),)), Sample((_ints(5),))],
           grad=False, float32_out=False),
    OpSpec("histogram", lambda x, **kw: tuple(mt.histogram(x, **kw)),
           lambda x, bins, range=None: np.histogram(x, bins, range),
           lambda rng: [Sample((uniform(rng, (50,)),), {"bins": 7}),
                        Sample((uniform(rng, (4, 6)),), {"bins": 3, "range": (-1.0, 1.0)})],
           grad=False),
]


def _unique_consecutive_ref(x):
    runs = [(k, len(list(g))) for k, g in itertools.groupby(x.tolist())]
    inverse = np.repeat(np.arange(len(runs)), [n for _, n in runs])
    return np.array([k for k, _ in runs]), inverse, np.array([n for _, n in runs])


# ---- shape and construction -----------------------------------------------------------------

def _block_diag_ref(*xs):
    blocks = [x.reshape(1, -1) if x.ndim < 2 else x for x in xs]
    out = np.zeros((sum(b.shape[0] for b in blocks), sum(b.shape[1] for b in blocks)))
    r = c = 0
    for b in blocks:
        out[r:r + b.shape[0], c:c + b.shape[1]] = b
        r, c = r + b.shape[0], c + b.shape[1]
    return out


def _combinations_ref(x, r=2, with_replacement=False):
    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    return np.array(list(pick(x.tolist(), r))).reshape(-1, r)


def _as_strided_ref(x, size, stride, storage_offset=0):
    flat = x.reshape(-1)[storage_offset:]
    return np.lib.stride_tricks.as_strided(flat, size, tuple(s * 8 for s in stride)).copy()


REQUIRED |= {"diagflat", "fliplr", "flipud", "hsplit", "vsplit", "dsplit", "split_with_sizes",
             "swapdims", "ravel", "narrow_copy", "block_diag", "cartesian_prod", "combinations",
             "column_stack", "unravel_index", "inner", "vdot", "as_strided", "t_", "transpose_",
             "squeeze_", "unsqueeze_"}

SPECS += [
    _row("diagflat", lambda x, **kw: mt.diagflat(x, **kw),
         lambda x, offset=0: np.diagflat(x, offset),
         (((2, 2),), {}), (((3,),), {"offset": 1}), (((),), {"offset": -2})),
    _row("fliplr", lambda x: mt.fliplr(x), np.fliplr, (((2, 3),), {}), (((2, 3, 2),), {})),
    _row("flipud", lambda x: x.flipud(), np.flipud, (((4,),), {}), (((2, 3),), {})),
    _row("hsplit", lambda x, s: mt.hsplit(x, s), lambda x, s: tuple(np.hsplit(x, s)),
         (((2, 4),), {"s": 2}), (((6,),), {"s": [1, 4]})),
    _row("vsplit", lambda x, s: x.vsplit(s), lambda x, s: tuple(np.vsplit(x, s)),
         (((4, 2),), {"s": 2}), (((3, 2, 2),), {"s": [2]})),
    _row("dsplit", lambda x, s: mt.dsplit(x, s), lambda x, s: tuple(np.dsplit(x, s)),
         (((2, 1, 4),), {"s": 2}), (((1, 2, 3),), {"s": [1]})),
    _row("split_with_sizes", lambda x, **kw: mt.split_with_sizes(x, **kw),
         lambda x, split_sizes, dim=0: tuple(np.split(x, np.cumsum(split_sizes)[:-1], dim)),
         (((5, 2),), {"split_sizes": [2, 0, 3]}), (((2, 4),), {"split_sizes": [1, 3], "dim": 1})),
    _row("swapdims", lambda x, a, b: mt.swapdims(x, a, b), lambda x, a, b: np.swapaxes(x, a, b),
         (((2, 3, 4),), {"a": 0, "b": 2}), (((2, 3),), {"a": -1, "b": 0})),
    _row("ravel", lambda x: mt.ravel(x.mT if x.ndim == 2 else x),
         lambda x: (x.T if x.ndim == 2 else x).ravel(), (((2, 3),), {}), (((),), {})),
    _row("narrow_copy", lambda x, **kw: mt.narrow_copy(x, **kw),
         lambda x, dim, start, length: np.take(x, range(start, start + length), dim),
         (((4, 3),), {"dim": 0, "start": 1, "length": 2}),
         (((2, 5),), {"dim": 1, "start": -3, "length": 3})),
    _row("block_diag", lambda *xs: mt.block_diag(*xs), _block_diag_ref,
         (((2, 2), (3,), (), (1, 3)), {}), (((2, 3),), {})),
    _row("cartesian_prod", lambda *xs: mt.cartesian_prod(*xs),
         lambda *xs: np.array(list(itertools.product(*xs))) if len(xs) > 1 else xs[0],
         (((2,), (3,)), {}), (((2,), (1,), (2,)), {}), (((3,),), {})),
    _row("combinations", lambda x, **kw: mt.combinations(x, **kw), _combinations_ref,
         (((4,),), {}), (((4,),), {"r": 3}), (((3,),), {"r": 2, "with_replacement": True}),
         (((2,),), {"r": 3})),
    _row("column_stack", lambda *xs: mt.column_stack(xs), lambda *xs: np.column_stack(xs),
         (((3,), (3, 2), (3,)), {}), (((), ), {})),
    _row("inner", lambda a, b: mt.inner(a, b), np.inner,
         (((2, 3), (4, 3)), {}), (((3,), (3,)), {}), (((), (2, 3)), {}), (((2, 2, 3), (3,)), {})),
    _row("vdot", lambda a, b: a.vdot(b), np.vdot, (((4,), (4,)), {})),
    # overlapping windows (several outputs read one element: their gradients add up), a gap
    # (elements nothing reads), and a view's storage offset
    _row("as_strided", lambda x, **kw: mt.as_strided(x, **kw), _as_strided_ref,
         (((3, 4),), {"size": (2, 2), "stride": (1, 2), "storage_offset": 1}),
         (((6,),), {"size": (4, 3), "stride": (1, 1)}),
         (((3, 4),), {"size": (2, 3), "stride": (5, 1), "storage_offset": 0})),
    _row("as_strided[view]", lambda x: x[:, 1:].as_strided((2, 2), (4, 1)),
         lambda x: _as_strided_ref(x, (2, 2), (4, 1), 1), (((3, 4),), {})),
    OpSpec("unravel_index", lambda i: mt.stack(mt.unravel_index(i, (2, 3, 4))),
           lambda i: np.stack(np.unravel_index(i, (2, 3, 4))),
           lambda rng: [Sample((_ints(0, 5, 23, 17),)), Sample((np.int64(7),))],
           grad=False, float32_out=False),
    _row("t_", lambda x: (x * 1).t_(), lambda x: x.T, (((2, 3),), {})),
    _row("transpose_", lambda x: (x * 1).transpose_(0, 2), lambda x: np.swapaxes(x, 0, 2),
         (((2, 3, 4),), {})),
    _row("squeeze_", lambda x: (x * 1).squeeze_(1), lambda x: np.squeeze(x, 1), (((2, 1, 3),), {})),
    _row("unsqueeze_", lambda x: (x * 1).unsqueeze_(-1), lambda x: x[..., None], (((2, 3),), {})),
]


# ---- scatters -------------------------------------------------------------------------------

def _scatter_reduce_ref(x, index, src, dim, reduce, include_self=True):
    out = x.copy()
    places = tuple(np.broadcast_to(np.arange(n).reshape([-1 if k == d else 1
                                                         for k in range(index.ndim)]),
                                   index.shape) if d != dim else index
                   for d, n in enumerate(index.shape))
    src = src[tuple(slice(0, n) for n in index.shape)]
    hit = np.zeros(x.shape, bool)
    hit[places] = True
    start = {"sum": 0.0, "mean": 0.0, "prod": 1.0, "amax": -np.inf, "amin": np.inf}[reduce]
    if not include_self:
        out[hit] = start
    ufunc = {"sum": np.add, "mean": np.add, "prod": np.multiply, "amax": np.maximum,
             "amin": np.minimum}[reduce]
    ufunc.at(out, places, src)
    if reduce == "mean":
        count = np.zeros(x.shape) + include_self
        np.add.at(count, places, 1.0)
        out = out / np.maximum(count, 1)
    return out


def _scatter_reduce_samples(reduce):
    def samples(rng):
        pick = distinct if reduce in ("amax", "amin") else uniform
        x, src = pick(rng, (3, 4)), pick(rng, (3, 4)) + 0.05      # no src equals an x
        if reduce == "prod":
            x[0, 0] = src[0, 1] = src[2, 0] = src[1, 2] = 0.0     # one and two zeros in a place
        index = _ints([0, 0, 2, 1], [2, 0, 2, 1], [0, 1, 0, 1])     # dim 0: repeats
        rows = _ints([1, 1, 0], [3, 3, 3])                          # dim 1: a smaller index
        out = []
        for include_self in (True, False):
            kw = {"reduce": reduce, "include_self": include_self}
            out += [Sample((x, index, src), {"dim": 0, **kw}),
                    Sample((x, rows, src), {"dim": 1, **kw})]
        return out
    return samples


def _index_reduce_ref(x, dim, index, source, reduce, include_self=True):
    shape = [1] * x.ndim
    shape[dim] = index.size
    spread = np.broadcast_to(index.reshape(shape), source.shape)
    return _scatter_reduce_ref(x, spread, source, dim, reduce, include_self)


def _index_put_ref(x, i, j, v, accumulate=False):
    out = x.copy()
    if accumulate:
        np.add.at(out, (i, j), np.broadcast_to(v, i.shape))
    else:
        out[i, j] = v
    return out


def _put_ref(x, index, source, accumulate=False):
    out = x.copy().reshape(-1)
    if accumulate:
        np.add.at(out, index.reshape(-1), source.reshape(-1))
    else:
        out[index.reshape(-1)] = source.reshape(-1)
    return out.reshape(x.shape)


def _slice_scatter_ref(x, src, dim=0, start=None, end=None, step=1):
    out = x.copy()
    out[(slice(None),) * dim + (slice(start, end, step),)] = src
    return out


def _diagonal_scatter_ref(x, src, offset=0, dim1=0, dim2=1):
    out = np.moveaxis(x.copy(), (dim1, dim2), (-2, -1))
    n, m = out.shape[-2:]
    rows = np.arange(n)[:, None].repeat(m, 1)
    on = (np.arange(m)[None, :] - rows) == offset
    out[..., on] = src
    return np.moveaxis(out, (-2, -1), (dim1, dim2))


REQUIRED |= {"scatter_reduce", "index_reduce", "index_put", "put", "slice_scatter",
             "select_scatter", "diagonal_scatter"}

SPECS += [
    OpSpec(f"scatter_reduce[{r}]", lambda x, i, s, **kw: mt.scatter_reduce(x, kw.pop("dim"), i, s,
                                                                           **kw),
           _scatter_reduce_ref, _scatter_reduce_samples(r), ties_ok=r not in ("amax", "amin"))
    for r in ("sum", "prod", "mean", "amax", "amin")
]
SPECS += [
    OpSpec("scatter_reduce[method]", lambda x, i, s: x.scatter_reduce(0, i, s, "sum"),
           lambda x, i, s: _scatter_reduce_ref(x, i, s, 0, "sum"),
           lambda rng: [Sample((uniform(rng, (3,)), _ints(2, 2, 0), uniform(rng, (3,))))]),
    OpSpec("index_reduce", lambda x, i, s, **kw: mt.index_reduce(x, kw.pop("dim"), i, s, **kw),
           lambda x, i, s, dim, **kw: _index_reduce_ref(x, dim, i, s, **kw),
           lambda rng: [Sample((uniform(rng, (3, 4)), _ints(2, 0, 2), uniform(rng, (3, 3))),
                               {"dim": 1, "reduce": r, "include_self": inc})
                        for r in ("prod", "mean") for inc in (True, False)]),
    OpSpec("index_reduce[amax]", lambda x, i, s: x.index_reduce(0, i, s, "amax"),
           lambda x, i, s: _index_reduce_ref(x, 0, i, s, "amax"),
           lambda rng: [Sample((distinct(rng, (3, 2)), _ints(1, 1, 0, 1),
                                distinct(rng, (4, 2)) + 0.05))],
           ties_ok=False),
    OpSpec("index_put", lambda x, i, j, v, **kw: mt.index_put(x, (i, j), v, **kw), _index_put_ref,
           lambda rng: [Sample((uniform(rng, (3, 4)), _ints(0, 2, 0), _ints(1, 3, 1),
                                uniform(rng, (3,))), {"accumulate": True}),
                        Sample((uniform(rng, (3, 4)), _ints(0, 2), _ints(1, 3), uniform(rng, ())),
                               {"accumulate": True}),
                        Sample((uniform(rng, (3, 4)), _ints(0, 2), _ints(1, 3),
                                uniform(rng, (2,))))]),
    OpSpec("put", lambda x, i, s, **kw: mt.put(x, i, s, **kw), _put_ref,
           lambda rng: [Sample((uniform(rng, (3, 4)), _ints(0, -1, 5), uniform(rng, (3,)))),
                        Sample((uniform(rng, (2, 3)), _ints([1, 1], [4, 0]), uniform(rng, (2, 2))),
                               {"accumulate": True})]),
    _row("slice_scatter", lambda x, s, **kw: mt.slice_scatter(x, s, **kw), _slice_scatter_ref,
         (((3, 4), (3, 2)), {"dim": 1, "start": 0, "end": 4, "step": 2}),
         (((5, 2), (2, 2)), {"start": 1, "end": 3}), (((2, 3), (2, 3)), {})),
    _row("select_scatter", lambda x, s, **kw: mt.select_scatter(x, s, **kw),
         lambda x, s, dim, index: _slice_scatter_ref(x, np.expand_dims(s, dim), dim, index,
                                                     index + 1 or None),
         (((3, 4), (4,)), {"dim": 0, "index": -1}), (((2, 3, 2), (2, 2)), {"dim": 1, "index": 1})),
    _row("diagonal_scatter", lambda x, s, **kw: mt.diagonal_scatter(x, s, **kw),
         _diagonal_scatter_ref, (((3, 4), (3,)), {"offset": 1}), (((3, 3), (2,)), {"offset": -1}),
         (((2, 3, 3), (2, 3)), {"dim1": 1, "dim2": 2}),
         (((3, 2, 4), (2, 3)), {"dim1": 0, "dim2": 2})),
]
