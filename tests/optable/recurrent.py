"""Op table rows: the recurrences of mytorch/ops/recurrent.py (RNNScan, GRUScan, LSTMScan with
their hand-written backpropagation through time, and scan_steps, the same loops in tensor ops),
with and without a 0/1 mask for sequences of different lengths.

The references are the textbook equations, one gate at a time, in NumPy float64, written from
PyTorch's documentation of nn.RNN / nn.GRU / nn.LSTM (gate orders r, z, n and i, f, g, o; the
GRU's b_hn inside r ⊙ (...)), not from mytorch's code. `xw` is the input part of every gate,
x·W_ihᵀ + b (T, N, G·H), as the layers pass it. Where mask[t, n] is 0 the state of sequence n is
carried over unchanged and its output is 0. `tests/nn/test_rnn.py` uses the step references.

The scans are Functions whose backward runs arrays (first order, gradcheck) or, when a graph
is recorded, autograd of the tensor-op steps (gradgradcheck): the table checks both.
"""
import numpy as np

import mytorch as mt
from mytorch.ops.recurrent import RNNScan, GRUScan, LSTMScan, scan_steps, reverse_padded
from .spec import OpSpec, Sample, uniform


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def gates(a, n):
    """The n gate blocks of the last dimension, in PyTorch's stacking order."""
    return np.split(a, n, axis=-1)


# ---- one step ---------------------------------------------------------------------------------

def rnn_step_ref(xw, h, w_hh, b_hh=0.0, nonlinearity="tanh"):
    """h' = φ(xw + h·W_hhᵀ + b_hh), φ = tanh or relu"""
    pre = xw + h @ w_hh.T + b_hh
    return np.tanh(pre) if nonlinearity == "tanh" else np.maximum(pre, 0.0)


def gru_step_ref(xw, h, w_hh, b_hh=None):
    """r = σ(x_r + h·W_hrᵀ + b_hr)   z = σ(x_z + h·W_hzᵀ + b_hz)
    n = tanh(x_n + r ⊙ (h·W_hnᵀ + b_hn))   h' = (1 − z) ⊙ n + z ⊙ h"""
    x_r, x_z, x_n = gates(xw, 3)
    w_hr, w_hz, w_hn = gates(w_hh.T, 3)
    b_hr, b_hz, b_hn = (0.0, 0.0, 0.0) if b_hh is None else gates(b_hh, 3)
    r = sigmoid(x_r + h @ w_hr + b_hr)
    z = sigmoid(x_z + h @ w_hz + b_hz)
    n = np.tanh(x_n + r * (h @ w_hn + b_hn))
    return (1 - z) * n + z * h


def lstm_step_ref(xw, h, c, w_hh, b_hh=0.0):
    """i, f, o = σ(·), g = tanh(·) of xw + h·W_hhᵀ + b_hh (blocks i, f, g, o);
    c' = f ⊙ c + i ⊙ g;  h' = o ⊙ tanh(c')"""
    i, f, g, o = gates(xw + h @ w_hh.T + b_hh, 4)
    i, f, g, o = sigmoid(i), sigmoid(f), np.tanh(g), sigmoid(o)
    c = f * c + i * g
    return o * np.tanh(c), c


# ---- the whole sequence -----------------------------------------------------------------------

def scan_ref(step, xw, states, mask=None):
    """(outputs (T, N, H), final states): `step(xw_t, *states) -> new states` over T steps."""
    outs = []
    states = tuple(states)
    for t in range(xw.shape[0]):
        new = step(xw[t], *states)
        new = new if isinstance(new, tuple) else (new,)
        if mask is None:
            states = new
            outs.append(new[0])
        else:
            keep = np.asarray(mask[t], dtype=bool)
            states = tuple(np.where(keep, a, b) for a, b in zip(new, states))
            outs.append(np.where(keep, new[0], 0.0))
    return (np.stack(outs),) + states


def rnn_scan_ref(xw, h0, w_hh, mask=None, nonlinearity="tanh"):
    return scan_ref(lambda x, h: rnn_step_ref(x, h, w_hh, nonlinearity=nonlinearity),
                    xw, (h0,), mask)


def gru_scan_ref(xw, h0, w_hh, b_hh, mask=None):
    return scan_ref(lambda x, h: gru_step_ref(x, h, w_hh, b_hh), xw, (h0,), mask)


def lstm_scan_ref(xw, h0, c0, w_hh, mask=None):
    return scan_ref(lambda x, h, c: lstm_step_ref(x, h, c, w_hh), xw, (h0, c0), mask)


# ---- calling the ops --------------------------------------------------------------------------

def _device_mask(mask, like):
    """The 0/1 mask as the scans take it: an array on `like`'s device, in its dtype."""
    if mask is None:
        return None
    return like.device.backend.from_host(np.asarray(mask).astype(like.dtype.np))


def rnn_scan(xw, h0, w_hh, mask=None, nonlinearity="tanh"):
    return RNNScan.apply(xw, h0, w_hh, mask=_device_mask(mask, xw), nonlinearity=nonlinearity)


def gru_scan(xw, h0, w_hh, b_hh, mask=None):
    return GRUScan.apply(xw, h0, w_hh, b_hh, mask=_device_mask(mask, xw))


def lstm_scan(xw, h0, c0, w_hh, mask=None):
    return LSTMScan.apply(xw, h0, c0, w_hh, mask=_device_mask(mask, xw))


def _flat(result):
    out, states = result
    return (out,) + tuple(states)


def steps_fn(kind, n_states, nonlinearity="tanh"):
    """scan_steps(kind, ...) with the mask as a bool tensor argument (or none)."""
    def fn(xw, *rest):
        states, rest = rest[:n_states], rest[n_states:]
        mask = None
        if rest and rest[-1].dtype == mt.bool:
            rest, mask = rest[:-1], rest[-1]
        return _flat(scan_steps(kind, xw, states, rest, mask, nonlinearity))
    return fn


def steps_ref(ref):
    def fn(xw, *rest):
        if rest and rest[-1].dtype == bool:
            return ref(xw, *rest[:-1], mask=rest[-1])
        return ref(xw, *rest)
    return fn


# ---- samples ------------------------------------------------------------------------------------

def prefix_mask(lengths, T):
    """mask[t, n, 0] = 1 while t < lengths[n]: the mask of a padded batch."""
    return (np.arange(T)[:, None] < np.asarray(lengths)[None, :])[..., None].astype(np.float64)


# (T, N, H), and masks: prefix masks of a padded batch, and a scattered one (a state carried
# over a gap and then updated again), which the definition allows as well
SHAPES = [(2, 2, 2), (1, 1, 3), (3, 2, 1)]
MASKS = [((3, 2, 2), prefix_mask([3, 1], 3)),
         ((3, 2, 1), np.array([[1, 0], [0, 1], [1, 1]], dtype=np.float64)[..., None])]


def _scan_samples(gates_n, n_states, extra_bias=False, masked=False, as_bool=False):
    def samples(rng):
        out = []
        cases = MASKS if masked else [(s, None) for s in SHAPES]
        for (T, N, H), mask in cases:
            args = [uniform(rng, (T, N, gates_n * H))]
            args += [uniform(rng, (N, H), -1.0, 1.0) for _ in range(n_states)]
            args.append(uniform(rng, (gates_n * H, H), -1.0, 1.0))
            if extra_bias:
                args.append(uniform(rng, (gates_n * H,), -1.0, 1.0))
            if mask is None:
                out.append(Sample(tuple(args)))
            elif as_bool:
                out.append(Sample(tuple(args) + (mask > 0,)))
            else:
                out.append(Sample(tuple(args), {"mask": mask}))
        return out
    return samples


# ---- the first derivative with a graph (create_graph=True) ---------------------------------------
#
# gradgradcheck differentiates the first derivative that create_graph=True computes, but never
# checks its values: a backward-by-autograd that, say, forgot the mask would pass it. These rows
# make that first derivative the op's output and check it against central differences of the
# NumPy reference, contracted with the same cotangents.

def vjp_fn(scan, n_out):
    def fn(*args, **kwargs):
        inputs, cotangents = args[:-n_out], args[-n_out:]
        inputs = [x if x.requires_grad else x.detach().requires_grad_() for x in inputs]
        return mt.autograd.grad(scan(*inputs, **kwargs), inputs, cotangents, create_graph=True)
    return fn


def vjp_ref(ref, n_out, eps=1e-6):
    def fn(*args, **kwargs):
        inputs, cotangents = [a.copy() for a in args[:-n_out]], args[-n_out:]

        def dot():
            return sum(float((y * v).sum()) for y, v in zip(ref(*inputs, **kwargs), cotangents))
        grads = []
        for x in inputs:
            g = np.zeros_like(x)
            for j in np.ndindex(*x.shape):
                keep = x[j]
                x[j] = keep + eps
                up = dot()
                x[j] = keep - eps
                g[j] = (up - dot()) / (2 * eps)
                x[j] = keep
            grads.append(g)
        return tuple(grads)
    return fn


def _with_cotangents(samples, n_states):
    def gen(rng):
        out = []
        for sample in samples(rng):
            (T, N, _), H = sample.args[0].shape, sample.args[1].shape[1]
            cotangents = (rng.standard_normal((T, N, H)),) + \
                tuple(rng.standard_normal((N, H)) for _ in range(n_states))
            out.append(Sample(sample.args + cotangents, sample.kwargs))
        return out
    return gen


def _both(make):
    """Samples without and with a mask."""
    return lambda rng: make(False)(rng) + make(True)(rng)


def _vjp_row(name, scan, ref, gates_n, n_states, extra_bias=False):
    samples = _both(lambda masked: _scan_samples(gates_n, n_states, extra_bias, masked))
    return OpSpec(f"{name}[create_graph first derivative]", vjp_fn(scan, 1 + n_states),
                  vjp_ref(ref, 1 + n_states), _with_cotangents(samples, n_states),
                  grad=False, gradgrad=False, atol=1e-7, rtol=1e-6)


REQUIRED = {"RNNScan", "GRUScan", "LSTMScan", "scan_steps"}

SPECS = [
    OpSpec("RNNScan", rnn_scan, rnn_scan_ref, _scan_samples(1, 1)),
    OpSpec("RNNScan[relu]", lambda *a: rnn_scan(*a, nonlinearity="relu"),
           lambda *a: rnn_scan_ref(*a, nonlinearity="relu"), _scan_samples(1, 1)),
    OpSpec("RNNScan[mask]", rnn_scan, rnn_scan_ref, _scan_samples(1, 1, masked=True)),
    OpSpec("RNNScan[relu, mask]", lambda *a, **kw: rnn_scan(*a, nonlinearity="relu", **kw),
           lambda *a, **kw: rnn_scan_ref(*a, nonlinearity="relu", **kw),
           _scan_samples(1, 1, masked=True)),
    OpSpec("GRUScan", gru_scan, gru_scan_ref, _scan_samples(3, 1, extra_bias=True)),
    OpSpec("GRUScan[mask]", gru_scan, gru_scan_ref,
           _scan_samples(3, 1, extra_bias=True, masked=True)),
    OpSpec("LSTMScan", lstm_scan, lstm_scan_ref, _scan_samples(4, 2)),
    OpSpec("LSTMScan[mask]", lstm_scan, lstm_scan_ref, _scan_samples(4, 2, masked=True)),
    OpSpec("scan_steps[rnn]", steps_fn("rnn", 1), steps_ref(rnn_scan_ref),
           _scan_samples(1, 1)),
    OpSpec("scan_steps[gru, mask]", steps_fn("gru", 1), steps_ref(gru_scan_ref),
           _scan_samples(3, 1, extra_bias=True, masked=True, as_bool=True), gradgrad=False),
    OpSpec("scan_steps[lstm, mask]", steps_fn("lstm", 2), steps_ref(lstm_scan_ref),
           _scan_samples(4, 2, masked=True, as_bool=True), gradgrad=False),
    _vjp_row("RNNScan", rnn_scan, rnn_scan_ref, 1, 1),
    _vjp_row("GRUScan", gru_scan, gru_scan_ref, 3, 1, extra_bias=True),
    _vjp_row("LSTMScan", lstm_scan, lstm_scan_ref, 4, 2),
]


def _reverse_padded_ref(x, lengths):
    out = x.copy()
    for n, length in enumerate(lengths):
        out[:length, n] = x[:length, n][::-1]
    return out


# each sequence of a padded batch reversed within its length (the backward direction of
# packed bidirectional layers); its gradient is the same reversal
REQUIRED |= {"reverse_padded"}
SPECS += [
    OpSpec("reverse_padded", lambda x: reverse_padded(x, np.array([4, 1, 3])),
           lambda x: _reverse_padded_ref(x, [4, 1, 3]),
           lambda rng: [Sample((uniform(rng, (4, 3, 2)),)), Sample((uniform(rng, (4, 3)),))]),
]

