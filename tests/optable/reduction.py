"""Op table rows: reduction ops (sum, mean, var/std, prod, max/min, amax/amin, argmax/argmin,
logsumexp, cumsum, norm, softmax/log_softmax, all/any, quantile/nanquantile, histc, ...).

Each sample passes `dim` and `keepdim` as keyword arguments to both the op and its NumPy
reference. PyTorch lets a 0-d tensor be reduced over dim 0 or -1 (it counts as 1-d); NumPy
does not, so the references reduce a 0-d array over no axis (`_axis`).
"""
import numpy as np

import mytorch as mt
from .spec import OpSpec, Sample, uniform, away_from, distinct

# (shape, kwargs): int, negative, tuple and None dims, keepdim both ways, 0-d inputs. The first
# two are the ones gradgradcheck sees.
REDUCE_CASES = [
    ((2, 3), {"dim": 1}),
    ((2, 3, 2), {"dim": (0, 2), "keepdim": True}),
    ((2, 3), {}),
    ((3, 4), {"dim": -1, "keepdim": True}),
    ((2, 3, 2), {"dim": (-1, 0)}),
    ((2, 1, 3), {"dim": None, "keepdim": True}),
    ((4,), {"dim": 0}),
    ((), {}),
    ((), {"dim": 0}),
    ((), {"dim": -1, "keepdim": True}),
]


def _axis(x, dim):
    if np.ndim(x) == 0 or dim is None:
        return None
    return tuple(dim) if isinstance(dim, (tuple, list)) else dim


def _cases(make=uniform, cases=REDUCE_CASES, **extra):
    def samples(rng):
        return [Sample((make(rng, shape),), {**kw, **extra}) for shape, kw in cases]
    return samples


def _reduction(np_fn):
    """A NumPy reference with PyTorch's (dim, keepdim) keywords."""
    def ref(x, dim=None, keepdim=False, **kw):
        return np_fn(x, axis=_axis(x, dim), keepdims=keepdim, **kw)
    return ref


def _var_ref(x, dim=None, keepdim=False, correction=1):
    return np.var(x, axis=_axis(x, dim), ddof=correction, keepdims=keepdim)


def _std_ref(x, dim=None, keepdim=False, correction=1):
    return np.std(x, axis=_axis(x, dim), ddof=correction, keepdims=keepdim)


# var/std need more elements than the correction along the reduced dims
VAR_CASES = [
    ((2, 3), {"dim": 1}),
    ((2, 3, 2), {"dim": (0, 2), "keepdim": True}),
    ((3, 4), {}),
    ((3, 4), {"dim": -2, "keepdim": True, "correction": 0}),
    ((2, 4), {"dim": 1, "correction": 2}),
    ((5,), {"dim": 0, "correction": 0}),
]


def _prod_samples(rng):
    """Products with no zero, one zero and two zeros in a reduced slice (the backward cannot
    divide by the input there)."""
    one_zero = uniform(rng, (2, 3))
    one_zero[0, 1] = 0.0
    two_zeros = uniform(rng, (2, 3))
    two_zeros[1, 0] = two_zeros[1, 2] = 0.0
    mixed = uniform(rng, (3, 4))
    mixed[0, 0] = mixed[2, 1] = mixed[2, 3] = 0.0
    return [Sample((uniform(rng, (2, 3)),), {"dim": 1}),
            Sample((one_zero,), {"dim": 1}),
            Sample((two_zeros,), {"dim": -1, "keepdim": True}),
            Sample((one_zero,), {}),
            Sample((two_zeros,), {}),
            Sample((mixed,), {"dim": 1}),
            Sample((mixed,), {"dim": 0, "keepdim": True}),
            Sample((uniform(rng, (2, 3, 2)),), {"dim": (0, 2)}),
            Sample((uniform(rng, ()),), {}),
            Sample((uniform(rng, ()),), {"dim": 0, "keepdim": True})]


def _max_dim_ref(np_max, np_arg):
    def ref(x, dim, keepdim=False):
        if np.ndim(x) == 0:
            return x, np.asarray(0)
        return (np_max(x, axis=dim, keepdims=keepdim),
                np_arg(x, axis=dim, keepdims=keepdim))
    return ref


MAX_DIM_CASES = [
    ((2, 3), {"dim": 1}),
    ((3, 4), {"dim": 0, "keepdim": True}),
    ((2, 3, 2), {"dim": -1}),
    ((2, 3, 2), {"dim": -2, "keepdim": True}),
    ((), {"dim": 0}),
]

AMAX_CASES = [
    ((2, 3), {"dim": 1}),
    ((2, 3, 2), {"dim": (0, 2), "keepdim": True}),
    ((2, 3), {}),
    ((2, 3, 2), {"dim": (-1, -3)}),
    ((3, 4), {"dim": -1, "keepdim": True}),
    ((), {}),
    ((), {"dim": 0}),
]

ARG_CASES = [
    ((2, 3), {}),
    ((2, 3), {"dim": 1}),
    ((3, 4), {"dim": 0, "keepdim": True}),
    ((2, 3, 2), {"dim": -1}),
    ((2, 3), {"dim": None, "keepdim": True}),
    ((), {}),
    ((), {"dim": 0}),
]


def _arg_ref(np_fn):
    def ref(x, dim=None, keepdim=False):
        return np.asarray(np_fn(x, axis=_axis(x, dim), keepdims=keepdim))
    return ref


def _pair_samples(rng):
    """max(a, b): the two arrays never tie (one on a 0.1 grid, the other between)."""
    def on_grid(s):
        return np.round(rng.uniform(-2, 2, size=s), 1)
    return [Sample((on_grid((2, 3)) + 0.05, on_grid((2, 3)))),
            Sample((on_grid((2, 3)) + 0.05, on_grid((3,)))),
            Sample((on_grid(()) + 0.05, on_grid((4,))))]


def _logsumexp_ref(x, dim, keepdim=False):
    ax = _axis(x, dim)
    m = np.max(x, axis=ax, keepdims=True)
    y = np.log(np.sum(np.exp(x - m), axis=ax, keepdims=True)) + m
    return y if keepdim else np.squeeze(y, axis=ax)


def _softmax_ref(x, dim):
    ax = _axis(x, dim)
    e = np.exp(x - np.max(x, axis=ax, keepdims=True))
    return e / np.sum(e, axis=ax, keepdims=True)


def _log_softmax_ref(x, dim):
    ax = _axis(x, dim)
    s = x - np.max(x, axis=ax, keepdims=True)
    return s - np.log(np.sum(np.exp(s), axis=ax, keepdims=True))


SOFTMAX_CASES = [((2, 3), {"dim": 1}), ((3, 4), {"dim": 0}), ((2, 3, 2), {"dim": -2}),
                 ((5,), {"dim": -1}), ((), {"dim": 0})]

CUMSUM_CASES = [((2, 3), {"dim": 1}), ((3, 4), {"dim": 0}), ((2, 3, 2), {"dim": -2}),
                ((5,), {"dim": 0}), ((), {"dim": 0})]


def _cumsum_ref(x, dim):
    return x.copy() if np.ndim(x) == 0 else np.cumsum(x, axis=dim)


def _norm_ref(x, p="fro", dim=None, keepdim=False):
    ax = _axis(x, dim)
    a = np.abs(x)
    if p == "fro" or p == 2:
        return np.sqrt(np.sum(a ** 2, axis=ax, keepdims=keepdim))
    if p == np.inf:
        return np.max(a, axis=ax, keepdims=keepdim)
    return np.sum(a ** p, axis=ax, keepdims=keepdim) ** (1.0 / p)


NORM_CASES = [
    ((2, 3), {}),
    ((2, 3), {"dim": 1, "p": 2}),
    ((2, 3, 2), {"dim": (0, 2), "keepdim": True, "p": "fro"}),
    ((2, 3), {"dim": -1, "p": 1}),
    ((3, 4), {"dim": 0, "keepdim": True, "p": 1}),
    ((2, 3), {"dim": 1, "p": 3}),
    ((2, 3, 2), {"p": 3}),
    ((2, 3), {"p": np.inf}),
    ((3, 4), {"dim": 1, "p": np.inf, "keepdim": True}),
    ((), {}),
    ((), {"p": 1}),
]


def _nonzero(rng, shape):
    return away_from(rng, shape, (0.0,))


def _distinct_abs(rng, shape):
    """No two elements share an absolute value, none is near 0: |x| has one unique max."""
    x = distinct(rng, shape, 0.3, 2.0)
    return x * rng.choice([-1.0, 1.0], size=np.shape(x))


def _truth_samples(rng):
    return [Sample((rng.uniform(size=(2, 3)) > 0.5,), {}),
            Sample((rng.uniform(size=(2, 3)) > 0.3,), {"dim": 1}),
            Sample((rng.uniform(size=(3, 4)) > 0.2,), {"dim": (0, 1), "keepdim": True}),
            Sample((np.array([[0.0, 1.5, -2.0], [3.0, 0.5, 1.0]]),), {"dim": -1}),
            Sample((np.zeros((2, 0)) > 0,), {"dim": 1}),
            Sample((np.asarray(True),), {}),
            Sample((np.asarray(0.0),), {"dim": 0})]


def _elementwise_max(np_fn):
    def ref(a, b):
        return np_fn(a, b)
    return ref


REQUIRED = {"sum", "mean", "var", "std", "prod", "max", "min", "amax", "amin", "argmax", "argmin",
            "logsumexp", "cumsum", "norm", "softmax", "log_softmax", "all", "any"}

SPECS = [
    OpSpec("sum", lambda x, **kw: mt.sum(x, **kw), _reduction(np.sum), _cases()),
    OpSpec("sum[method]", lambda x, **kw: x.sum(**kw), _reduction(np.sum),
           _cases(cases=REDUCE_CASES[:3])),
    OpSpec("sum[int]", lambda x, **kw: mt.sum(x, **kw), _reduction(np.sum),
           _cases(lambda rng, s: rng.integers(-5, 5, size=s), REDUCE_CASES[:4]), grad=False),
    OpSpec("sum[dtype]", lambda x, **kw: mt.sum(x, dtype=mt.float64, **kw), _reduction(np.sum),
           _cases(cases=REDUCE_CASES[:3]), float32_out=False),
    OpSpec("mean", lambda x, **kw: mt.mean(x, **kw), _reduction(np.mean), _cases()),
    OpSpec("var", lambda x, **kw: mt.var(x, **kw), _var_ref, _cases(cases=VAR_CASES)),
    OpSpec("var[unbiased]", lambda x: mt.var(x, 1, unbiased=False),
           lambda x: np.var(x, axis=1, ddof=0), _cases(cases=[((2, 3), {})])),
    OpSpec("std", lambda x, **kw: mt.std(x, **kw), _std_ref, _cases(cases=VAR_CASES)),
    OpSpec("prod", lambda x, **kw: mt.prod(x, **kw), _reduction(np.prod), _prod_samples),
    OpSpec("max", lambda x: mt.max(x), np.max, _cases(distinct, [((2, 3), {}), ((5,), {}),
                                                               ((), {})])),
    OpSpec("max[dim]", lambda x, **kw: mt.max(x, **kw), _max_dim_ref(np.max, np.argmax),
           _cases(distinct, MAX_DIM_CASES)),
    OpSpec("max[method]", lambda x, **kw: x.max(**kw).values, lambda x, **kw:
           _max_dim_ref(np.max, np.argmax)(x, **kw)[0], _cases(distinct, MAX_DIM_CASES[:2])),
    OpSpec("max[binary]", lambda a, b: mt.max(a, b), _elementwise_max(np.maximum), _pair_samples),
    OpSpec("min", lambda x: mt.min(x), np.min, _cases(distinct, [((2, 3), {}), ((), {})])),
    OpSpec("min[dim]", lambda x, **kw: mt.min(x, **kw), _max_dim_ref(np.min, np.argmin),
           _cases(distinct, MAX_DIM_CASES)),
    OpSpec("min[binary]", lambda a, b: mt.min(a, b), _elementwise_max(np.minimum), _pair_samples),
    OpSpec("amax", lambda x, **kw: mt.amax(x, **kw), _reduction(np.max),
           _cases(distinct, AMAX_CASES)),
    OpSpec("amin", lambda x, **kw: mt.amin(x, **kw), _reduction(np.min),
           _cases(distinct, AMAX_CASES)),
    OpSpec("argmax", lambda x, **kw: mt.argmax(x, **kw), _arg_ref(np.argmax),
           _cases(distinct, ARG_CASES), grad=False),
    OpSpec("argmin", lambda x, **kw: mt.argmin(x, **kw), _arg_ref(np.argmin),
           _cases(distinct, ARG_CASES), grad=False),
    OpSpec("logsumexp", lambda x, **kw: mt.logsumexp(x, **kw), _logsumexp_ref,
           _cases(cases=[c for c in REDUCE_CASES if "dim" in c[1]])),
    OpSpec("cumsum", lambda x, **kw: mt.cumsum(x, **kw), _cumsum_ref, _cases(cases=CUMSUM_CASES)),
    OpSpec("norm", lambda x, **kw: mt.norm(x, **kw), _norm_ref, _cases(_nonzero, NORM_CASES[:7])),
    OpSpec("norm[inf]", lambda x, **kw: mt.norm(x, **kw), _norm_ref,
           _cases(_distinct_abs, NORM_CASES[7:9])),
    OpSpec("norm[0d]", lambda x, **kw: mt.norm(x, **kw), _norm_ref,
           _cases(_nonzero, NORM_CASES[9:])),
    OpSpec("softmax", lambda x, **kw: mt.softmax(x, **kw), _softmax_ref,
           _cases(cases=SOFTMAX_CASES)),
    OpSpec("log_softmax", lambda x, **kw: mt.log_softmax(x, **kw), _log_softmax_ref,
           _cases(cases=SOFTMAX_CASES)),
    OpSpec("all", lambda x, **kw: mt.all(x, **kw), _reduction(np.all), _truth_samples, grad=False),
    OpSpec("any", lambda x, **kw: mt.any(x, **kw), _reduction(np.any), _truth_samples, grad=False),
]


# ---- cumprod, logcumsumexp, cummax/cummin, median, nan-aware, var_mean/std_mean, ... --------

def _cumprod_samples(rng):
    """Slices with no zero, one zero and two zeros (the first two are gradgradcheck's)."""
    zeros = uniform(rng, (3, 4))
    zeros[0, 1] = zeros[1, 0] = zeros[1, 2] = 0.0
    last = uniform(rng, (4, 2))
    last[3, 0] = last[1, 1] = 0.0
    return [Sample((zeros,), {"dim": 1}), Sample((last,), {"dim": 0}),
            Sample((uniform(rng, (2, 3, 2)),), {"dim": -2}), Sample((uniform(rng, ()),), {"dim": 0})]


def _cumprod_ref(x, dim):
    return x.copy() if np.ndim(x) == 0 else np.cumprod(x, axis=dim)


def _logcumsumexp_samples(rng):
    return [Sample((uniform(rng, (2, 3)),), {"dim": 1}), Sample((uniform(rng, (3, 2)),), {"dim": 0}),
            Sample((np.array([[-500.0, 0.3, 400.0], [3.0, -2.0, 1.0]]),), {"dim": -1}),
            Sample((uniform(rng, ()),), {"dim": 0})]


def _logcumsumexp_ref(x, dim):
    return x.copy() if np.ndim(x) == 0 else np.logaddexp.accumulate(x, axis=dim)


def _cum_extreme_ref(np_op):
    def ref(x, dim):
        if np.ndim(x) == 0:
            return x, np.asarray(0)
        values = np_op.accumulate(x, axis=dim)
        pos = np.arange(x.shape[dim]).reshape([-1 if d == dim % x.ndim else 1
                                                 for d in range(x.ndim)])
        return values, np.maximum.accumulate(np.where(x == values, pos, 0), axis=dim)
    return ref


CUM_CASES = [((3, 4), {"dim": 1}), ((4, 3), {"dim": 0}), ((2, 3, 2), {"dim": -2}),
             ((), {"dim": 0})]


def _median_ref(x, dim=None, keepdim=False):
    if dim is None:
        return np.sort(x.reshape(-1))[(x.size - 1) // 2]
    if np.ndim(x) == 0:
        return x, np.asarray(0)
    k = (x.shape[dim] - 1) // 2
    i = np.take(np.argsort(x, axis=dim), [k], axis=dim)
    v = np.take_along_axis(x, i, dim)
    return (v, i) if keepdim else (np.squeeze(v, dim), np.squeeze(i, dim))


def _with_nans(rng, shape):
    x = uniform(rng, shape)
    if x.size > 2:
        x.reshape(-1)[[0, x.size // 2]] = np.nan
    return x


def _values(out):
    return out[0]


def _mode_ref(x, dim=-1, keepdim=False):
    """The smallest of the most frequent values of each slice, and the index of its last
    occurrence (PyTorch's CPU rule)."""
    rows = np.moveaxis(x, dim, -1)
    values, indices = np.empty(rows.shape[:-1]), np.empty(rows.shape[:-1], dtype=np.int64)
    for at in np.ndindex(rows.shape[:-1]):
        row = rows[at]
        uniq, counts = np.unique(row, return_counts=True)
        values[at] = uniq[counts == counts.max()].min()
        indices[at] = np.flatnonzero(row == values[at])[-1]
    if keepdim:
        return np.expand_dims(values, dim), np.expand_dims(indices, dim)
    return values, indices


def _repeated(rng, shape):
    return rng.integers(0, 3, shape).astype(np.float64)      # ties on purpose: a mode to find


REQUIRED |= {"cumprod", "logcumsumexp", "cummax", "cummin", "median", "nansum", "nanmean",
             "var_mean", "std_mean", "count_nonzero", "aminmax", "mode"}

SPECS += [
    OpSpec("cumprod", lambda x, **kw: mt.cumprod(x, **kw), _cumprod_ref, _cumprod_samples),
    OpSpec("logcumsumexp", lambda x, **kw: mt.logcumsumexp(x, **kw), _logcumsumexp_ref,
           _logcumsumexp_samples),
    OpSpec("cummax", lambda x, **kw: mt.cummax(x, **kw), _cum_extreme_ref(np.maximum),
           _cases(distinct, CUM_CASES), output=_values, ties_ok=False),
    OpSpec("cummin", lambda x, **kw: x.cummin(**kw), _cum_extreme_ref(np.minimum),
           _cases(distinct, CUM_CASES[:2]), output=_values, ties_ok=False),
    OpSpec("median", lambda x: mt.median(x), _median_ref,
           _cases(distinct, [((2, 3), {}), ((5,), {}), ((), {})]), ties_ok=False),
    OpSpec("median[dim]", lambda x, **kw: mt.median(x, **kw), _median_ref,
           _cases(distinct, MAX_DIM_CASES), output=_values, ties_ok=False),
    # mode's values take the gradient at the index chosen, as max(dim); finite differences
    # cannot check it: nudging one copy of the mode breaks the tie that makes it the mode
    OpSpec("mode", lambda x, **kw: mt.mode(x, **kw), _mode_ref,
           _cases(_repeated, [((2, 5), {}), ((5, 3), {"dim": 0, "keepdim": True}),
                              ((6,), {"dim": -1})]), grad=False, gradgrad=False),
    OpSpec("nansum", lambda x, **kw: mt.nansum(x, **kw), _reduction(np.nansum),
           _cases(_with_nans, REDUCE_CASES[:3])),
    OpSpec("nanmean", lambda x, **kw: x.nanmean(**kw), _reduction(np.nanmean),
           _cases(_with_nans, REDUCE_CASES[:3])),
    OpSpec("var_mean", lambda x, **kw: mt.var_mean(x, **kw),
           lambda x, dim=None, keepdim=False, correction=1: (
               _var_ref(x, dim, keepdim, correction), _reduction(np.mean)(x, dim, keepdim)),
           _cases(cases=VAR_CASES[:3])),
    OpSpec("std_mean", lambda x, **kw: mt.std_mean(x, **kw),
           lambda x, dim=None, keepdim=False, correction=1: (
               _std_ref(x, dim, keepdim, correction), _reduction(np.mean)(x, dim, keepdim)),
           _cases(cases=VAR_CASES[:2])),
    OpSpec("count_nonzero", lambda x, **kw: mt.count_nonzero(x, **kw),
           lambda x, dim=None: np.asarray(np.count_nonzero(x, axis=_axis(x, dim))),
           _cases(lambda rng, s: np.round(uniform(rng, s)),
                  [((3, 4), {}), ((3, 4), {"dim": 1}), ((2, 3, 2), {"dim": (0, 2)})]),
           grad=False),
    OpSpec("aminmax", lambda x, **kw: mt.aminmax(x, **kw),
           lambda x, dim=None, keepdim=False: (np.min(x, axis=_axis(x, dim), keepdims=keepdim),
                                               np.max(x, axis=_axis(x, dim), keepdims=keepdim)),
           _cases(distinct, [((2, 3), {}), ((3, 4), {"dim": 1, "keepdim": True}),
                             ((2, 3), {"dim": -2})])),
]


# ---- quantile / nanquantile (sort + gather), histc (no gradient) ------------------------------
# Values without ties, and ranks q·(n − 1) away from whole numbers, so that finite differences
# see one pair of order statistics (a 1-d q is passed as a tensor: its gradient is checked too).

def _quantile_ref(np_fn):
    def ref(x, q, dim=None, keepdim=False, interpolation="linear"):
        return np.asarray(np_fn(x, q, axis=_axis(x, dim), keepdims=keepdim, method=interpolation))
    return ref


QUANTILE_CASES = [
    ((2, 5), {"q": 0.3, "dim": 1}),                                     # rank 1.2
    ((3, 4), {"dim": 0, "keepdim": True}, [0.1, 0.45, 0.8]),           # ranks 0.2, 0.9, 1.6
    ((2, 3, 2), {"q": 0.7}),                                            # all 12: rank 7.7
    ((4, 3), {"q": 0.35, "dim": -1, "interpolation": "lower"}),
    ((5,), {"q": 0.6, "interpolation": "higher"}),
    ((6,), {"dim": 0, "interpolation": "nearest"}, [0.24, 0.54]),      # ranks 1.2, 2.7
    ((3, 4), {"dim": 1, "interpolation": "midpoint"}, [0.2, 0.9]),
    ((2, 3), {"q": 0.15, "dim": None, "keepdim": True}),
    ((), {"q": 0.5, "dim": 0}),
]


def _quantile_samples(make):
    def samples(rng):
        return [Sample((make(rng, shape),) + tuple(np.array(q) for q in qs), kw)
                for shape, kw, *qs in QUANTILE_CASES]
    return samples


def _distinct_with_nans(rng, shape):
    """Distinct values with NaNs in some slices (never all of one)."""
    x = distinct(rng, shape)
    if x.ndim == 2 and x.shape[1] > 3:
        x[0, 1] = x[-1, 2] = np.nan
    return x


def _histc_ref(x, bins=100, min=0, max=0):
    lo, hi = (min, max) if min != max else (x.min(), x.max())
    return np.histogram(x, bins, range=(lo, hi))[0].astype(x.dtype)


def _histc_samples(rng):
    return [Sample((uniform(rng, (4, 5)),), {"bins": 6}),                 # the data's range
            Sample((uniform(rng, (30,)),), {"bins": 4, "min": -1.0, "max": 1.5}),   # some outside
            Sample((uniform(rng, (3, 2, 2)),), {}),
            Sample((np.array([0.0, 1.0, 2.0, 3.0, 3.0]),), {"bins": 3})]   # max in the last bin


REQUIRED |= {"quantile", "nanquantile", "histc"}
SPECS += [
    OpSpec("quantile", lambda x, *q, **kw: mt.quantile(x, *q, **kw), _quantile_ref(np.quantile),
           _quantile_samples(distinct), ties_ok=False),
    OpSpec("quantile[method]", lambda x, *q, **kw: x.quantile(*q, **kw),
           _quantile_ref(np.quantile), lambda rng: _quantile_samples(distinct)(rng)[3:7],
           ties_ok=False),
    OpSpec("nanquantile", lambda x, *q, **kw: mt.nanquantile(x, *q, **kw),
           _quantile_ref(np.nanquantile), _quantile_samples(_distinct_with_nans), ties_ok=False),
    OpSpec("histc", lambda x, **kw: mt.histc(x, **kw), _histc_ref, _histc_samples, grad=False),
]


def _cross_entropy_ref(x, target, ignore_index=-100, reduction="mean"):
    logp = _log_softmax_ref(x, 1)
    keep = target != ignore_index
    losses = -logp[np.arange(len(target)), np.where(keep, target, 0)] * keep
    if reduction == "none":
        return losses
    return losses.sum() if reduction == "sum" else losses.sum() / keep.sum()


def _cross_entropy_samples(rng):
    x = uniform(rng, (4, 3), -3, 3)
    return [Sample((x, np.array([0, 2, 1, 2]))),
            Sample((x, np.array([0, -100, 1, 2])), {"reduction": "sum"}),
            Sample((x, np.array([1, 0, -100, 2])), {"reduction": "none"}),
            Sample((uniform(rng, (2, 5), -3, 3), np.array([4, -1])), {"ignore_index": -1})]


REQUIRED |= {"cross_entropy"}
SPECS += [
    OpSpec("cross_entropy", lambda x, t, **kw: mt.ops.cross_entropy(x, t, **kw),
           _cross_entropy_ref, _cross_entropy_samples),
]


def _standardize_ref(x, dim, eps=1e-5):
    axes = tuple(dim) if isinstance(dim, tuple) else (dim,)
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    r = 1 / np.sqrt(var + eps)
    return (x - mean) * r, r, mean, var


REQUIRED |= {"standardize"}
SPECS += [
    # the kernel of batch/layer/group norm; x̂ and r are differentiable outputs (r so that
    # second derivatives are right), the mean and variance are not
    OpSpec("standardize", lambda x, **kw: mt.ops.standardize(x, **kw), _standardize_ref,
           _cases(cases=[((3, 4), {"dim": 1}), ((4, 2, 3), {"dim": (0, 2)}),
                         ((2, 3, 2, 2), {"dim": (0, 2, 3), "eps": 0.1}),
                         ((5,), {"dim": 0})]),
           output=lambda out: out[:2]),
]


def _safe_softmax_ref(x, dim):
    m = x.max(axis=dim, keepdims=True)
    e = np.exp(x - np.where(np.isneginf(m), 0, m))
    s = e.sum(axis=dim, keepdims=True)
    return e / np.where(s == 0, 1, s)


def _safe_softmax_samples(rng):
    # a row of -inf: zeros there, and the finite rows as softmax (the gradient checks use the
    # finite samples, finite differences cannot step -inf)
    masked = uniform(rng, (3, 4))
    masked[1] = -np.inf
    masked[2, 1] = -np.inf
    return [Sample((uniform(rng, (3, 4)),), {"dim": 1}),
            Sample((uniform(rng, (2, 3, 2)),), {"dim": 0}),
            Sample((masked,), {"dim": -1})]


REQUIRED |= {"safe_softmax"}
SPECS += [
    OpSpec("safe_softmax", lambda x, **kw: mt.ops.safe_softmax(x, **kw), _safe_softmax_ref,
           lambda rng: _safe_softmax_samples(rng)[:2]),
    OpSpec("safe_softmax[fully masked rows]", lambda x, **kw: mt.ops.safe_softmax(x, **kw),
           _safe_softmax_ref, lambda rng: _safe_softmax_samples(rng)[2:], grad=False),
]


# ---- distances (mytorch.nn.functional): reductions of two broadcast tensors ---------------------

def _cosine_similarity_ref(x1, x2, dim=1, eps=1e-8):
    x1, x2 = np.broadcast_arrays(x1, x2)
    n1 = np.maximum(np.linalg.norm(x1, axis=dim, keepdims=True), eps)
    n2 = np.maximum(np.linalg.norm(x2, axis=dim, keepdims=True), eps)
    return np.sum(x1 / n1 * x2 / n2, axis=dim)


def _pairwise_distance_ref(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    d = np.abs(np.atleast_1d(x1 - x2 + eps))       # 0-d inputs: the norm of one number
    if p == np.inf:
        return np.max(d, axis=-1, keepdims=keepdim)
    return np.sum(d ** p, axis=-1, keepdims=keepdim) ** (1 / p)


def _pair_cases(make, *cases):
    def samples(rng):
        return [Sample((make(rng, a), make(rng, b)), kw) for (a, b), kw in cases]
    return samples


REQUIRED |= {"cosine_similarity", "pairwise_distance"}
SPECS += [
    # broadcast shapes among the samples: a row against a matrix, a size-1 dim against 3
    OpSpec("cosine_similarity", lambda a, b, **kw: mt.nn.functional.cosine_similarity(a, b, **kw),
           _cosine_similarity_ref,
           _pair_cases(_nonzero, (((3, 4), (3, 4)), {}), (((3, 4), (4,)), {"dim": -1}),
                       (((2, 1, 4), (3, 4)), {"dim": 2}), (((2, 3, 2), (2, 3, 2)), {"dim": 0}),
                       (((5,), (5,)), {"dim": 0, "eps": 1e-3}))),
    OpSpec("pairwise_distance", lambda a, b, **kw: mt.nn.functional.pairwise_distance(a, b, **kw),
           _pairwise_distance_ref,
           _pair_cases(_nonzero, (((3, 4), (3, 4)), {}), (((3, 4), (4,)), {"keepdim": True}),
                       (((2, 1, 3), (4, 3)), {"p": 1.0}), (((3, 4), (3, 4)), {"p": 3.0}),
                       (((3, 4), (1, 4)), {"p": np.inf}), (((4,), (4,)), {"eps": 0.0}),
                       (((), ()), {}))),
]
