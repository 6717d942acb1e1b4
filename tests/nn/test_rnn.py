"""Recurrent layers (RNN, GRU, LSTM) and cells (RNNCell, GRUCell, LSTMCell), with PyTorch's
behaviour as the specification:

- cells against the textbook equations in NumPy float64 (tests/optable/recurrent.py: tanh and
  relu RNN; GRU with r, z, n and b_hn inside r ⊙ (...); LSTM with i, f, g, o);
- whole layers against a NumPy loop of those equations and against a loop of the cells
  (stacked, bidirectional, batch_first, unbatched, given states), shapes as PyTorch's;
- parameter names, order, shapes, state_dict, default initialisation, printed forms;
- gradcheck / gradgradcheck in float64, and the hand-written BPTT (first order) against the
  autograd of the tensor-op steps (create_graph=True);
- packed sequences against running each sequence alone, truncated BPTT, dropout between
  layers, errors, float32, and the strict device.
"""
import math

import numpy as np
import pytest

import mytorch as mt
from mytorch import nn, optim
from mytorch.autograd import grad, gradcheck, gradgradcheck
from mytorch.nn.utils.rnn import (PackedSequence, pack_padded_sequence, pack_sequence,
                                  pad_packed_sequence)
from optable.recurrent import gru_step_ref, lstm_step_ref, rnn_step_ref, scan_ref

MODES = ["RNN_TANH", "RNN_RELU", "GRU", "LSTM"]


def host(t):
    return t.detach().cpu().numpy()


def randn(*shape, device="cpu", requires_grad=False, dtype=mt.float64):
    return mt.randn(*shape, dtype=dtype, device=device, requires_grad=requires_grad)


def make(mode, *args, **kwargs):
    """The layer of a mode name: RNN_TANH, RNN_RELU, GRU, LSTM."""
    if mode.startswith("RNN"):
        return nn.RNN(*args, nonlinearity=mode[4:].lower(), **kwargs)
    return getattr(nn, mode)(*args, **kwargs)


def make_cell(mode, *args, **kwargs):
    if mode.startswith("RNN"):
        return nn.RNNCell(*args, nonlinearity=mode[4:].lower(), **kwargs)
    return getattr(nn, mode + "Cell")(*args, **kwargs)


def states_of(mode, result):
    """(output, [h_n] or [h_n, c_n]) of a layer's result."""
    out, hx = result
    return out, (list(hx) if mode == "LSTM" else [hx])


def as_hx(mode, states):
    return tuple(states) if mode == "LSTM" else states[0]


# ---- NumPy references -------------------------------------------------------------------------

def step_of(mode, w_hh, b_hh):
    """The NumPy step of one layer and direction: (xw_t, *states) -> new states."""
    if mode == "GRU":
        return lambda x, h: gru_step_ref(x, h, w_hh, b_hh)
    b = 0.0 if b_hh is None else b_hh
    if mode == "LSTM":
        return lambda x, h, c: lstm_step_ref(x, h, c, w_hh, b)
    nonlinearity = mode[4:].lower()
    return lambda x, h: rnn_step_ref(x, h, w_hh, b, nonlinearity)


def cell_ref(mode, params, x, states):
    """One step of a cell, from its parameters (NumPy arrays by name)."""
    xw = x @ params["weight_ih"].T + params.get("bias_ih", 0.0)
    new = step_of(mode, params["weight_hh"], params.get("bias_hh"))(xw, *states)
    return list(new) if isinstance(new, tuple) else [new]


def layer_ref(mode, params, x, states, num_layers=1, bidirectional=False):
    """The stacked, maybe bidirectional, layer in NumPy: x (T, N, in), states each
    (num_layers·D, N, H), parameters by PyTorch's names. The reverse direction runs the
    reversed sequence and its output is reversed back; the next layer reads both outputs
    concatenated; final states are ordered (layer 0 fwd, layer 0 bwd, layer 1 fwd, ...)."""
    directions = 2 if bidirectional else 1
    finals = [[] for _ in states]
    for layer in range(num_layers):
        outs = []
        for d in range(directions):
            sfx = f"_l{layer}" + ("_reverse" if d else "")
            seq = x if d == 0 else x[::-1]
            xw = seq @ params["weight_ih" + sfx].T + params.get("bias_ih" + sfx, 0.0)
            step = step_of(mode, params["weight_hh" + sfx], params.get("bias_hh" + sfx))
            k = layer * directions + d
            out, *last = scan_ref(step, xw, [s[k] for s in states])
            outs.append(out if d == 0 else out[::-1])
            for f, s in zip(finals, last):
                f.append(s)
        x = np.concatenate(outs, -1)
    return x, [np.stack(f) for f in finals]


def numpy_params(module):
    return {name: host(p) for name, p in module.named_parameters()}


def n_states(mode):
    return 2 if mode == "LSTM" else 1


# ---- 1. cells against the textbook equations ----------------------------------------------------

@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("given_hx", [True, False])
def test_cell_matches_equations(mode, bias, batched, given_hx):
    cell = make_cell(mode, 3, 4, bias=bias, dtype=mt.float64)
    lead = (5,) if batched else ()
    x = randn(*lead, 3)
    states = [randn(*lead, 4) for _ in range(n_states(mode))] if given_hx else None
    if mode == "LSTM":
        got = list(cell(x, None if states is None else tuple(states)))
    else:
        got = [cell(x, None if states is None else states[0])]
    zeros = [np.zeros(lead + (4,)) for _ in range(n_states(mode))]
    want = cell_ref(mode, numpy_params(cell), host(x),
                    zeros if states is None else [host(s) for s in states])
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert tuple(g.shape) == lead + (4,)
        np.testing.assert_allclose(host(g), w, rtol=1e-12, atol=1e-12)
    if mode == "RNN_RELU" and batched:
        assert (host(got[0]) == 0).any() and (host(got[0]) > 0).any()    # both sides seen


def test_gru_cell_b_hn_is_inside_the_reset_gate():
    """n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)): with r ≈ 0, b_hn has no effect, while
    b_in does (a GRU that added b_hn outside r would differ)."""
    cell = nn.GRUCell(2, 3, dtype=mt.float64)
    with mt.no_grad():
        cell.bias_ih[:3].fill_(-50.0)           # r = σ(-50 + ...) ≈ 0
        cell.weight_ih[:3].zero_()
        cell.weight_hh[:3].zero_()
    x, h = randn(4, 2), randn(4, 3)
    before = host(cell(x, h))
    with mt.no_grad():
        cell.bias_hh[6:].add_(5.0)              # b_hn
    np.testing.assert_allclose(host(cell(x, h)), before, atol=1e-12)
    with mt.no_grad():
        cell.bias_ih[6:].add_(5.0)              # b_in
    assert np.abs(host(cell(x, h)) - before).max() > 1e-3


def test_lstm_gate_order_is_i_f_g_o():
    """Only the forget gate open (f = 1, i = 0, o = 1): c' = c and h' = tanh(c)."""
    cell = nn.LSTMCell(2, 3, dtype=mt.float64)
    with mt.no_grad():
        cell.weight_ih.zero_()
        cell.weight_hh.zero_()
        cell.bias_hh.zero_()
        cell.bias_ih.copy_(mt.tensor([-60.0] * 3 + [60.0] * 3 + [0.0] * 3 + [60.0] * 3,
                                     dtype=mt.float64))
    c = randn(4, 3)
    h1, c1 = cell(randn(4, 2), (randn(4, 3), c))
    np.testing.assert_allclose(host(c1), host(c), atol=1e-12)
    np.testing.assert_allclose(host(h1), np.tanh(host(c)), atol=1e-12)


# ---- 2. whole layers ----------------------------------------------------------------------------

LAYER_CONFIGS = [
    dict(),
    dict(num_layers=2),
    dict(bidirectional=True),
    dict(num_layers=2, bidirectional=True, bias=False),
    dict(num_layers=2, bidirectional=True, batch_first=True),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("config", LAYER_CONFIGS, ids=lambda c: ",".join(c) or "default")
@pytest.mark.parametrize("given_hx", [True, False])
def test_layer_matches_numpy_loop(mode, config, given_hx):
    T, N, I, H = 4, 3, 2, 3
    m = make(mode, I, H, dtype=mt.float64, **config)
    L, D = config.get("num_layers", 1), 2 if config.get("bidirectional") else 1
    x = randn(T, N, I)
    states = [randn(L * D, N, H) for _ in range(n_states(mode))] if given_hx else None
    inp = x.transpose(0, 1) if config.get("batch_first") else x
    out, finals = states_of(mode, m(inp, None if states is None else as_hx(mode, states)))
    zeros = [np.zeros((L * D, N, H)) for _ in range(n_states(mode))]
    want_out, want_finals = layer_ref(mode, numpy_params(m), host(x),
                                      zeros if states is None else [host(s) for s in states],
                                      L, D == 2)
    if config.get("batch_first"):
        assert tuple(out.shape) == (N, T, D * H)
        out = out.transpose(0, 1)
    assert tuple(out.shape) == (T, N, D * H)
    np.testing.assert_allclose(host(out), want_out, rtol=1e-12, atol=1e-12)
    assert len(finals) == len(want_finals)
    for f, w in zip(finals, want_finals):
        assert tuple(f.shape) == (L * D, N, H)       # never batch-first
        np.testing.assert_allclose(host(f), w, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("mode", MODES)
def test_bidirectional_output_ends_are_the_final_states(mode):
    """As PyTorch documents: output[-1, :, :H] is the last layer's forward h_n, output[0, :, H:]
    its reverse h_n."""
    m = make(mode, 2, 3, num_layers=2, bidirectional=True, dtype=mt.float64)
    out, (h_n, *_) = states_of(mode, m(randn(5, 2, 2)))
    np.testing.assert_allclose(host(out[-1, :, :3]), host(h_n[2]), atol=1e-12)
    np.testing.assert_allclose(host(out[0, :, 3:]), host(h_n[3]), atol=1e-12)
    assert np.abs(host(out[-1, :, 3:]) - host(h_n[3])).max() > 1e-6


def copy_into_cell(cell, layer, suffix):
    cell.load_state_dict({name: getattr(layer, name + suffix) for name, _ in
                          cell.named_parameters()})


@pytest.mark.parametrize("mode", MODES)
def test_layer_matches_loop_of_cells(mode):
    """A 2-layer bidirectional layer equals cells (with its weights) run step by step: forward
    over the sequence, the reverse cell over it backwards, layer 1 reading both outputs."""
    T, N, I, H = 4, 2, 3, 2
    m = make(mode, I, H, num_layers=2, bidirectional=True, dtype=mt.float64)
    x = randn(T, N, I)
    states = [randn(4, N, H) for _ in range(n_states(mode))]
    out, finals = states_of(mode, m(x, as_hx(mode, states)))
    inp = x
    for layer in range(2):
        outs = []
        for d in range(2):
            cell = make_cell(mode, I if layer == 0 else 2 * H, H, dtype=mt.float64)
            copy_into_cell(cell, m, f"_l{layer}" + ("_reverse" if d else ""))
            s = [st[2 * layer + d] for st in states]
            steps = {}
            for t in (range(T) if d == 0 else reversed(range(T))):
                s = list(cell(inp[t], tuple(s))) if mode == "LSTM" else [cell(inp[t], s[0])]
                steps[t] = s[0]
            outs.append(mt.stack([steps[t] for t in range(T)]))
            for f, v in zip(finals, s):
                np.testing.assert_allclose(host(f[2 * layer + d]), host(v), atol=1e-12)
        inp = mt.cat(outs, -1)
    np.testing.assert_allclose(host(out), host(inp), atol=1e-12)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("given_hx", [True, False])
def test_unbatched_input(mode, given_hx):
    """(T, in) in: output (T, D·H) and states (L·D, H), the batched result of batch size 1."""
    m = make(mode, 3, 4, num_layers=2, bidirectional=True, dtype=mt.float64)
    x = randn(5, 3)
    states = [randn(4, 4) for _ in range(n_states(mode))] if given_hx else None
    out, finals = states_of(mode, m(x, None if states is None else as_hx(mode, states)))
    assert tuple(out.shape) == (5, 8)
    assert all(tuple(f.shape) == (4, 4) for f in finals)
    batched_states = None if states is None else as_hx(mode, [s[:, None] for s in states])
    out_b, finals_b = states_of(mode, m(x[:, None], batched_states))
    np.testing.assert_allclose(host(out), host(out_b[:, 0]), atol=1e-12)
    for f, fb in zip(finals, finals_b):
        np.testing.assert_allclose(host(f), host(fb[:, 0]), atol=1e-12)


def test_unbatched_input_ignores_batch_first():
    """As PyTorch: a 2-D input is (T, in) whatever batch_first says."""
    a = nn.GRU(3, 4, bidirectional=True, dtype=mt.float64)
    b = nn.GRU(3, 4, bidirectional=True, batch_first=True, dtype=mt.float64)
    b.load_state_dict(a.state_dict())
    x = randn(5, 3)
    (oa, ha), (ob, hb) = a(x), b(x)
    assert tuple(ob.shape) == (5, 8) and tuple(hb.shape) == (2, 4)
    np.testing.assert_allclose(host(oa), host(ob), atol=1e-12)
    np.testing.assert_allclose(host(ha), host(hb), atol=1e-12)


def test_lstm_takes_states_as_a_list_too():
    m = nn.LSTM(2, 3, dtype=mt.float64)
    x, h, c = randn(4, 2, 2), randn(1, 2, 3), randn(1, 2, 3)
    a, (ha, ca) = m(x, (h, c))
    b, (hb, cb) = m(x, [h, c])
    assert np.array_equal(host(a), host(b)) and np.array_equal(host(cb), host(ca))


# ---- 3. parameters, state_dict, initialisation, printed forms -----------------------------------

@pytest.mark.parametrize("mode, gates", [("RNN_TANH", 1), ("GRU", 3), ("LSTM", 4)])
def test_parameter_names_order_and_shapes(mode, gates):
    m = make(mode, 5, 3, num_layers=2, bidirectional=True)
    expected = []
    for layer, inp in ((0, 5), (1, 6)):
        for sfx in (f"_l{layer}", f"_l{layer}_reverse"):
            expected += [("weight_ih" + sfx, (gates * 3, inp)), ("weight_hh" + sfx, (gates * 3, 3)),
                         ("bias_ih" + sfx, (gates * 3,)), ("bias_hh" + sfx, (gates * 3,))]
    assert [(n, tuple(p.shape)) for n, p in m.named_parameters()] == expected
    assert list(m.state_dict().keys()) == [n for n, _ in expected]
    assert all(p.dtype is mt.float32 for p in m.parameters())
    assert [[n for n, _ in expected][i:i + 4] for i in range(0, 16, 4)] == \
        [[name for name, p in m.named_parameters() if any(p is w for w in group)]
         for group in m.all_weights]

    plain = make(mode, 5, 3, bias=False)
    assert [n for n, _ in plain.named_parameters()] == ["weight_ih_l0", "weight_hh_l0"]

    cell = make_cell(mode, 5, 3)
    assert [(n, tuple(p.shape)) for n, p in cell.named_parameters()] == [
        ("weight_ih", (gates * 3, 5)), ("weight_hh", (gates * 3, 3)),
        ("bias_ih", (gates * 3,)), ("bias_hh", (gates * 3,))]
    no_bias = make_cell(mode, 5, 3, bias=False)
    assert [n for n, _ in no_bias.named_parameters()] == ["weight_ih", "weight_hh"]
    assert no_bias.bias_ih is None and no_bias.bias_hh is None


@pytest.mark.parametrize("mode", MODES)
def test_load_state_dict_with_pytorch_names(mode):
    """A state dict built by hand with PyTorch's names and shapes sets the weights: the output
    is the NumPy loop with exactly those arrays."""
    rng = np.random.default_rng(1)
    G, I, H = {"GRU": 3, "LSTM": 4}.get(mode, 1), 3, 2
    arrays = {}
    for layer, inp in ((0, I), (1, 2 * H)):
        for sfx in (f"_l{layer}", f"_l{layer}_reverse"):
            arrays["weight_ih" + sfx] = rng.uniform(-1, 1, (G * H, inp))
            arrays["weight_hh" + sfx] = rng.uniform(-1, 1, (G * H, H))
            arrays["bias_ih" + sfx] = rng.uniform(-1, 1, G * H)
            arrays["bias_hh" + sfx] = rng.uniform(-1, 1, G * H)
    m = make(mode, I, H, num_layers=2, bidirectional=True, dtype=mt.float64)
    x = randn(4, 2, I)
    before = host(m(x)[0])
    m.load_state_dict({k: mt.tensor(v) for k, v in arrays.items()})
    out, finals = states_of(mode, m(x))
    want_out, want_finals = layer_ref(mode, arrays, host(x), [np.zeros((4, 2, H))] * n_states(mode),
                                      2, True)
    np.testing.assert_allclose(host(out), want_out, rtol=1e-12, atol=1e-12)
    for f, w in zip(finals, want_finals):
        np.testing.assert_allclose(host(f), w, rtol=1e-12, atol=1e-12)
    assert np.abs(host(out) - before).max() > 1e-3
    with pytest.raises(RuntimeError, match="weight_hh_l1_reverse"):
        make(mode, I, H, num_layers=2, bidirectional=True).load_state_dict(
            {k: mt.tensor(v) for k, v in arrays.items() if k != "weight_hh_l1_reverse"})


@pytest.mark.parametrize("build", [
    lambda: nn.LSTM(10, 100, num_layers=2, bidirectional=True), lambda: nn.GRU(7, 64),
    lambda: nn.RNN(30, 49, nonlinearity="relu"), lambda: nn.LSTMCell(10, 100),
    lambda: nn.GRUCell(5, 81), lambda: nn.RNNCell(64, 64)],
    ids=["LSTM", "GRU", "RNN", "LSTMCell", "GRUCell", "RNNCell"])
def test_default_init_is_uniform_one_over_sqrt_hidden(build):
    module = build()
    bound = 1 / math.sqrt(module.hidden_size)
    values = np.concatenate([host(p).ravel() for p in module.parameters()])
    assert np.abs(values).max() <= bound
    assert np.abs(values).max() > 0.98 * bound
    assert abs(values.mean()) < 0.05 * bound
    assert abs(values.std() - bound / math.sqrt(3)) < 0.04 * bound
    for p in module.parameters():                    # every tensor drawn, none left empty
        assert np.abs(host(p)).max() > 0.5 * bound
    before = values.copy()
    module.reset_parameters()
    after = np.concatenate([host(p).ravel() for p in module.parameters()])
    assert np.abs(after).max() <= bound and not np.array_equal(before, after)


@pytest.mark.parametrize("module, text", [
    (nn.LSTM(10, 20, num_layers=2, batch_first=True, dropout=0.1, bidirectional=True),
     "LSTM(10, 20, num_layers=2, batch_first=True, dropout=0.1, bidirectional=True)"),
    (nn.GRU(3, 4), "GRU(3, 4)"),
    (nn.RNN(3, 4, bias=False), "RNN(3, 4, bias=False)"),
    (nn.RNNCell(5, 4, nonlinearity="relu"), "RNNCell(5, 4, nonlinearity=relu)"),
    (nn.RNNCell(5, 4), "RNNCell(5, 4)"),
    (nn.GRUCell(2, 3, bias=False), "GRUCell(2, 3, bias=False)"),
    (nn.LSTMCell(2, 3), "LSTMCell(2, 3)"),
], ids=lambda v: v if isinstance(v, str) else None)
def test_repr(module, text):
    assert repr(module) == text


def test_flatten_parameters_is_a_no_op():
    m = nn.LSTM(2, 3, dtype=mt.float64)
    x = randn(4, 1, 2)
    before = host(m(x)[0])
    assert m.flatten_parameters() is None
    np.testing.assert_array_equal(host(m(x)[0]), before)


def test_attributes_as_pytorch():
    m = nn.LSTM(3, 4, num_layers=2, batch_first=True, dropout=0.25, bidirectional=True)
    assert (m.input_size, m.hidden_size, m.num_layers, m.bias, m.batch_first, m.dropout,
            m.bidirectional, m.proj_size, m.mode) == (3, 4, 2, True, True, 0.25, True, 0, "LSTM")
    assert nn.RNN(2, 3, nonlinearity="relu").mode == "RNN_RELU"
    assert nn.RNN(2, 3).nonlinearity == "tanh" and nn.RNNCell(2, 3).nonlinearity == "tanh"
    assert isinstance(m, nn.RNNBase) and isinstance(nn.GRUCell(2, 3), nn.RNNCellBase)


# ---- 4. gradients -------------------------------------------------------------------------------

def layer_fn(mode, m, with_states=True):
    """f(x, *states, *params) -> (output, *final states), for gradcheck."""
    k = n_states(mode) if with_states else 0

    def f(x, *rest):
        hx = as_hx(mode, list(rest[:k])) if k else None
        out, finals = states_of(mode, m(x, hx))
        return (out,) + tuple(finals)
    return f


def grad_inputs(mode, m, T, N, I, device="cpu"):
    L, D = m.num_layers, 2 if m.bidirectional else 1
    x = randn(T, N, I, device=device, requires_grad=True)
    states = [randn(L * D, N, m.hidden_size, device=device, requires_grad=True)
              for _ in range(n_states(mode))]
    return (x, *states, *m.parameters())


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("config", [dict(), dict(num_layers=2, bidirectional=True)],
                         ids=["1-layer", "2-layer-bidirectional"])
def test_gradcheck_layer(mode, config):
    """The array BPTT (first order): output and final states w.r.t. input, states, weights."""
    m = make(mode, 2, 2, dtype=mt.float64, **config)
    T, N = (3, 2) if not config else (2, 1)
    assert gradcheck(layer_fn(mode, m), grad_inputs(mode, m, T, N, 2))


@pytest.mark.parametrize("mode", MODES)
def test_gradcheck_cell(mode):
    cell = make_cell(mode, 2, 3, dtype=mt.float64)
    x = randn(2, 2, requires_grad=True)
    states = [randn(2, 3, requires_grad=True) for _ in range(n_states(mode))]
    if mode == "LSTM":
        # h' and c' are summed with random weights into one root (the test below
        # differentiates the two roots of one node directly)
        u, v = randn(2, 3), randn(2, 3)
        f = lambda x, h, c, *p: (lambda hc: hc[0] * u + hc[1] * v)(cell(x, (h, c)))  # noqa: E731
    else:
        f = lambda x, h, *p: cell(x, h)  # noqa: E731
    assert gradcheck(f, (x, *states, *cell.parameters()))
    assert gradcheck(lambda x, *p: (cell(x) if mode != "LSTM" else cell(x)[1]),
                     (x, *cell.parameters()))


def test_lstm_cell_backward_of_both_states():
    cell = nn.LSTMCell(2, 3, dtype=mt.float64)
    x = randn(4, 2, requires_grad=True)
    gh, gc = randn(4, 3), randn(4, 3)
    h, c = cell(x)
    ((h * gh).sum() + (c * gc).sum()).backward()
    want = host(x.grad)
    x.grad = None
    h, c = cell(x)
    mt.autograd.backward([h, c], [gh, gc])
    assert x.grad is not None
    np.testing.assert_allclose(host(x.grad), want, atol=1e-12)


@pytest.mark.parametrize("mode", ["RNN_TANH", "GRU", "LSTM"])
def test_gradgradcheck_layer_with_biases(mode):
    m = make(mode, 2, 2, dtype=mt.float64)
    assert gradgradcheck(layer_fn(mode, m), grad_inputs(mode, m, 3, 2, 2), atol=1e-4)


@pytest.mark.parametrize("mode", MODES)
def test_gradgradcheck_layer(mode):
    """The autograd of the tensor-op steps (create_graph=True) is itself differentiable and
    right (bias=False; the test above has the biases)."""
    m = make(mode, 2, 2, bias=False, dtype=mt.float64)
    assert gradgradcheck(layer_fn(mode, m), grad_inputs(mode, m, 3, 2, 2), atol=1e-4)


def test_gradgradcheck_two_layers_bidirectional():
    m = nn.RNN(1, 2, num_layers=2, bidirectional=True, bias=False, dtype=mt.float64)
    assert gradgradcheck(layer_fn("RNN_TANH", m), grad_inputs("RNN_TANH", m, 2, 1, 1), atol=1e-4)


def packed_input(I, lengths, device="cpu", requires_grad=False, dtype=mt.float64):
    seqs = [randn(n, I, device=device, requires_grad=requires_grad, dtype=dtype) for n in lengths]
    return seqs, pack_sequence(seqs, enforce_sorted=False)


def first_order(mode, m, x, states, create_graph, cotangents):
    out, finals = states_of(mode, m(x, as_hx(mode, states)))
    if isinstance(out, PackedSequence):
        out = out.data
    loss = sum((y * v).sum() for y, v in zip([out] + finals, cotangents))
    wrt = [x.data if isinstance(x, PackedSequence) else x] + states + list(m.parameters())
    return grad(loss, wrt, create_graph=create_graph)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("packed", [False, True], ids=["padded", "packed"])
def test_bptt_by_hand_equals_autograd_of_the_steps(mode, packed):
    """First-order gradients with create_graph=False (the hand-written BPTT on arrays) and
    with create_graph=True (autograd of the tensor-op steps) are the same numbers, with the
    mask of packed sequences too; only the second records a graph."""
    m = make(mode, 3, 2, num_layers=2, bidirectional=True, dtype=mt.float64)
    if packed:
        _, x = packed_input(3, [2, 4, 3])
        x = x._replace(data=x.data.detach().requires_grad_())
        N = 3
    else:
        x, N = randn(4, 2, 3, requires_grad=True), 2
    states = [randn(4, N, 2, requires_grad=True) for _ in range(n_states(mode))]
    with mt.no_grad():
        out, finals = states_of(mode, m(x, as_hx(mode, states)))
        out = out.data if packed else out
    cotangents = [randn(*y.shape) for y in [out] + finals]
    fast = first_order(mode, m, x, states, False, cotangents)
    graph = first_order(mode, m, x, states, True, cotangents)
    for a, b in zip(fast, graph):
        assert a.grad_fn is None and b.requires_grad
        np.testing.assert_allclose(host(a), host(b), rtol=1e-10, atol=1e-12)
    assert all(np.abs(host(a)).max() > 0 for a in fast[:1 + n_states(mode)])


def test_in_place_change_of_weight_hh_before_backward_raises():
    m = nn.GRU(2, 3)
    out, _ = m(mt.randn(4, 1, 2))
    with mt.no_grad():
        m.weight_hh_l0.mul_(2.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.sum().backward()


# ---- 5. variable lengths ------------------------------------------------------------------------

@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("enforce_sorted", [True, False])
@pytest.mark.parametrize("given_hx", [False, True])
def test_packed_equals_each_sequence_alone(mode, bidirectional, enforce_sorted, given_hx):
    lengths = [5, 3, 3, 1] if enforce_sorted else [3, 5, 1, 3]
    m = make(mode, 2, 3, num_layers=2, bidirectional=bidirectional, dtype=mt.float64)
    D = 2 if bidirectional else 1
    seqs = [randn(n, 2) for n in lengths]
    packed = pack_sequence(seqs, enforce_sorted=enforce_sorted)
    states = [randn(2 * D, 4, 3) for _ in range(n_states(mode))] if given_hx else None
    out, finals = states_of(mode, m(packed, None if states is None else as_hx(mode, states)))
    assert isinstance(out, PackedSequence)
    assert out.batch_sizes.tolist() == packed.batch_sizes.tolist()
    if enforce_sorted:
        assert out.sorted_indices is None and out.unsorted_indices is None
    else:
        assert out.sorted_indices.tolist() == packed.sorted_indices.tolist()
        assert out.unsorted_indices.tolist() == packed.unsorted_indices.tolist()
    padded, got_lengths = pad_packed_sequence(out)
    assert got_lengths.tolist() == lengths and tuple(padded.shape) == (5, 4, D * 3)
    for i, s in enumerate(seqs):
        alone_hx = None if states is None else as_hx(mode, [st[:, i:i + 1] for st in states])
        alone, alone_finals = states_of(mode, m(s[:, None], alone_hx))
        n = lengths[i]
        np.testing.assert_allclose(host(padded[:n, i]), host(alone[:, 0]), atol=1e-12)
        assert np.all(host(padded[n:, i]) == 0)
        for f, a in zip(finals, alone_finals):
            assert tuple(f.shape) == (2 * D, 4, 3)
            np.testing.assert_allclose(host(f[:, i]), host(a[:, 0]), atol=1e-12)


@pytest.mark.parametrize("mode", ["GRU", "LSTM"])
def test_packed_ignores_batch_first_and_padding_values(mode):
    """A PackedSequence is read the same whatever batch_first says, and what stood in the
    padding before packing cannot matter."""
    a = make(mode, 2, 3, bidirectional=True, dtype=mt.float64)
    b = make(mode, 2, 3, bidirectional=True, batch_first=True, dtype=mt.float64)
    b.load_state_dict(a.state_dict())
    lengths = [4, 3, 1]
    x = host(randn(4, 3, 2))
    running = (np.arange(4)[:, None] < np.array(lengths))[..., None]
    clean = pack_padded_sequence(mt.tensor(np.where(running, x, 0.0)), lengths)
    noisy = pack_padded_sequence(mt.tensor(np.where(running, x, 100.0)), lengths)
    pa, _ = pad_packed_sequence(a(clean)[0])
    pb, _ = pad_packed_sequence(b(noisy)[0])
    np.testing.assert_allclose(host(pa), host(pb), atol=1e-12)


@pytest.mark.parametrize("mode", MODES)
def test_gradcheck_packed_bidirectional(mode):
    """The mask and the per-sequence reversal under the array BPTT (gradients reach each
    packed step, and no padding)."""
    m = make(mode, 2, 2, bidirectional=True, dtype=mt.float64)
    lengths = [2, 3, 1]

    def f(*seqs_and_params):
        out, finals = states_of(mode, m(pack_sequence(list(seqs_and_params[:3]),
                                                      enforce_sorted=False)))
        return (out.data,) + tuple(finals)
    seqs = [randn(n, 2, requires_grad=True) for n in lengths]
    assert gradcheck(f, (*seqs, *m.parameters()))


# ---- 6. truncated backpropagation through time --------------------------------------------------

@pytest.mark.parametrize("mode", ["RNN_TANH", "GRU", "LSTM"])
def test_truncated_bptt(mode):
    m = make(mode, 2, 3, num_layers=2, dtype=mt.float64)
    x = randn(6, 2, 2)
    full, full_finals = states_of(mode, m(x))
    x1, x2 = x[:3].clone().requires_grad_(), x[3:].clone().requires_grad_()
    out1, s1 = states_of(mode, m(x1))
    out2, s2 = states_of(mode, m(x2, as_hx(mode, [s.detach() for s in s1])))
    # forward: chunks with carried states are the one-chunk run
    np.testing.assert_allclose(host(mt.cat([out1, out2])), host(full), atol=1e-12)
    for a, b in zip(s2, full_finals):
        np.testing.assert_allclose(host(a), host(b), atol=1e-12)
    # backward of chunk 2 stops at the detached states: chunk 1 sees nothing, even after its
    # own graph was freed by its backward
    out2.sum().backward()
    assert x1.grad is None and x2.grad is not None
    out1.sum().backward()
    assert x1.grad is not None
    # without detach, chunk 2's backward runs into chunk 1's freed graph
    out1, s1 = states_of(mode, m(x1))
    out2, _ = states_of(mode, m(x2, as_hx(mode, s1)))
    out1.sum().backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        out2.sum().backward()


# ---- 7. dropout between layers ------------------------------------------------------------------

@pytest.mark.parametrize("mode", MODES)
def test_dropout_only_between_layers_and_only_in_training(mode):
    m = make(mode, 3, 4, num_layers=2, dropout=0.5, dtype=mt.float64)
    plain = make(mode, 3, 4, num_layers=2, dtype=mt.float64)
    plain.load_state_dict(m.state_dict())
    x = randn(5, 2, 3)
    m.eval()
    a, b, c = (host(m(x)[0]), host(m(x)[0]), host(plain(x)[0]))
    assert np.array_equal(a, b) and np.allclose(a, c, atol=1e-12)
    m.train()
    t1, t2 = host(m(x)[0]), host(m(x)[0])
    assert not np.allclose(t1, a) and not np.allclose(t1, t2)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("bidirectional", [False, True])
def test_dropout_one_zeroes_the_second_layers_input(mode, bidirectional):
    """dropout=1.0 in training: layer 1 reads zeros; layer 0 and the output are not dropped."""
    D = 2 if bidirectional else 1
    m = make(mode, 3, 4, num_layers=2, dropout=1.0, bidirectional=bidirectional,
             dtype=mt.float64)
    x = randn(5, 2, 3)
    states = [randn(2 * D, 2, 4) for _ in range(n_states(mode))]
    m.train()
    out, finals = states_of(mode, m(x, as_hx(mode, states)))
    m.eval()
    _, eval_finals = states_of(mode, m(x, as_hx(mode, states)))
    second = make(mode, 4 * D, 4, bidirectional=bidirectional, dtype=mt.float64)
    second.load_state_dict({name: getattr(m, name.replace("_l0", "_l1"))
                            for name, _ in second.named_parameters()})
    want, want_finals = states_of(mode, second(mt.zeros(5, 2, 4 * D, dtype=mt.float64),
                                               as_hx(mode, [s[D:] for s in states])))
    np.testing.assert_allclose(host(out), host(want), atol=1e-12)
    assert np.abs(host(out)).max() > 1e-3
    for f, e, w in zip(finals, eval_finals, want_finals):
        np.testing.assert_allclose(host(f[:D]), host(e[:D]), atol=1e-12)
        np.testing.assert_allclose(host(f[D:]), host(w), atol=1e-12)


def test_dropout_with_one_layer_warns_and_does_nothing():
    with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1, "
                                         "but got dropout=0.5 and num_layers=1"):
        m = nn.GRU(3, 4, dropout=0.5, dtype=mt.float64)
    x = randn(5, 2, 3)
    m.train()
    a = host(m(x)[0])
    m.eval()
    np.testing.assert_allclose(a, host(m(x)[0]), atol=1e-12)


# ---- 8. errors ----------------------------------------------------------------------------------

@pytest.mark.parametrize("cls", [nn.RNN, nn.GRU, nn.LSTM])
def test_input_errors(cls):
    m = cls(3, 4, num_layers=2)
    with pytest.raises(RuntimeError, match=r"input.size\(-1\) must be equal to input_size. "
                                           r"Expected 3, got 5"):
        m(mt.zeros(6, 2, 5))
    with pytest.raises(ValueError, match=rf"{cls.__name__}: Expected input to be 2D or 3D, got 4D"):
        m(mt.zeros(6, 2, 1, 3))
    with pytest.raises(ValueError, match="Expected input to be 2D or 3D, got 1D"):
        m(mt.zeros(3))


@pytest.mark.parametrize("mode", MODES)
def test_hidden_state_shape_errors(mode):
    m = make(mode, 3, 4, num_layers=2, bidirectional=True)
    wrong = [mt.zeros(2, 5, 4) for _ in range(n_states(mode))]
    with pytest.raises(RuntimeError, match=r"Expected hidden size \(4, 5, 4\), got \[2, 5, 4\]"):
        m(mt.zeros(6, 5, 3), as_hx(mode, wrong))
    right = mt.zeros(4, 5, 4)
    with pytest.raises(RuntimeError, match=r"Expected hidden size \(4, 5, 4\), got \[4, 5, 3\]"):
        m(mt.zeros(6, 5, 3), as_hx(mode, [right, mt.zeros(4, 5, 3)][-n_states(mode):]))
    with pytest.raises(RuntimeError, match="For unbatched 2-D input, hx should also be 2-D but "
                                           "got 3-D tensor"):
        m(mt.zeros(6, 3), as_hx(mode, [mt.zeros(4, 1, 4)] * n_states(mode)))
    with pytest.raises(RuntimeError, match=r"Expected hidden size \(4, 1, 4\), got \[4, 1, 5\]"):
        m(mt.zeros(6, 3), as_hx(mode, [mt.zeros(4, 5)] * n_states(mode)))


def test_lstm_needs_both_states():
    with pytest.raises(RuntimeError, match=r"hx must be a tuple \(h_0, c_0\)"):
        nn.LSTM(3, 4)(mt.zeros(2, 1, 3), (mt.zeros(1, 1, 4),))


@pytest.mark.parametrize("mode", MODES)
def test_cell_errors(mode):
    cell = make_cell(mode, 3, 4)
    name = type(cell).__name__
    with pytest.raises(ValueError, match=rf"{name}: Expected input to be 1D or 2D, got 3D instead"):
        cell(mt.zeros(2, 2, 3))
    with pytest.raises(RuntimeError, match="input has inconsistent input_size: got 5 expected 3"):
        cell(mt.zeros(2, 5))
    wrong = [mt.zeros(3, 4)] * n_states(mode)
    with pytest.raises(RuntimeError, match=rf"{name}: hidden state of shape \[3, 4\] does not "
                                           r"match the input: expected \[2, 4\]"):
        cell(mt.zeros(2, 3), tuple(wrong) if mode == "LSTM" else wrong[0])


def test_constructor_errors():
    for bad in (-0.1, 1.5, True, "0.5"):
        with pytest.raises(ValueError, match=r"dropout should be a number in range \[0, 1\]"):
            nn.LSTM(3, 4, num_layers=2, dropout=bad)
    for bad in (0, -2):
        with pytest.raises(ValueError, match="hidden_size must be greater than zero"):
            nn.GRU(3, bad)
    with pytest.raises(ValueError, match="num_layers must be greater than zero"):
        nn.RNN(3, 4, num_layers=0)
    with pytest.raises(ValueError, match=r"Unknown nonlinearity 'sigmoid'. Select from 'tanh' "
                                         r"or 'relu'"):
        nn.RNN(3, 4, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match="Unknown nonlinearity: sigmoid"):
        nn.RNNCell(3, 4, nonlinearity="sigmoid")
    with pytest.raises(NotImplementedError, match="proj_size"):
        nn.LSTM(3, 4, proj_size=2)
    with pytest.raises(ValueError, match="proj_size should be a positive integer or zero"):
        nn.LSTM(3, 4, proj_size=-1)
    with pytest.raises(ValueError, match="proj_size has to be smaller than hidden_size"):
        nn.LSTM(3, 4, proj_size=4)


def test_hidden_size_of_wrong_type_is_a_type_error():
    with pytest.raises(TypeError, match="hidden_size should be of type int, got: float"):
        nn.LSTM(3, 4.0)


# ---- 9. dtypes and devices ----------------------------------------------------------------------

@pytest.mark.parametrize("mode", MODES)
def test_float32_in_float32_out(mode):
    m = make(mode, 3, 4, num_layers=2, bidirectional=True)
    x = mt.randn(5, 2, 3, requires_grad=True)
    out, finals = states_of(mode, m(x))
    assert out.dtype is mt.float32 and all(f.dtype is mt.float32 for f in finals)
    (out.sum() + sum(f.sum() for f in finals)).backward()
    assert x.grad.dtype is mt.float32
    assert all(p.grad is not None and p.grad.dtype is mt.float32 for p in m.parameters())
    seqs, packed = packed_input(3, [2, 4], requires_grad=True, dtype=mt.float32)
    out, finals = states_of(mode, m(packed))
    assert out.data.dtype is mt.float32 and all(f.dtype is mt.float32 for f in finals)
    out.data.sum().backward()
    assert all(s.grad.dtype is mt.float32 for s in seqs)
    cell = make_cell(mode, 3, 4)
    y = cell(mt.randn(2, 3))
    assert all(t.dtype is mt.float32 for t in (y if mode == "LSTM" else (y,)))


@pytest.mark.parametrize("mode", MODES)
def test_layers_on_device(mode, device):
    """The same numbers and gradients on every device, for padded and packed input."""
    m = make(mode, 3, 4, num_layers=2, bidirectional=True, dropout=0.0, dtype=mt.float64)
    x = randn(5, 2, 3)
    h0 = [randn(4, 2, 4) for _ in range(n_states(mode))]
    seqs_host = [randn(n, 3) for n in (2, 4, 3)]
    results = {}
    for dev in ("cpu", device):
        md = make(mode, 3, 4, num_layers=2, bidirectional=True, dtype=mt.float64)
        md.load_state_dict(m.state_dict())
        md.to(dev)
        xd = x.detach().to(dev).requires_grad_()
        out, finals = states_of(mode, md(xd, as_hx(mode, [h.to(dev) for h in h0])))
        assert out.device == xd.device and all(f.device == xd.device for f in finals)
        seqs = [s.detach().to(dev).requires_grad_() for s in seqs_host]
        pout, pfinals = states_of(mode, md(pack_sequence(seqs, enforce_sorted=False)))
        assert pout.data.device == xd.device
        loss = (out * out).sum() + sum(f.sum() for f in finals) + (pout.data ** 2).sum() + \
            sum(f.sum() for f in pfinals)
        loss.backward()
        assert xd.grad.device == xd.device
        results[dev] = [host(out), *map(host, finals), host(pout.data), *map(host, pfinals),
                        host(xd.grad), *[host(s.grad) for s in seqs],
                        *[host(p.grad) for p in md.parameters()]]
    for a, b in zip(results["cpu"], results[device]):
        np.testing.assert_allclose(a, b, atol=1e-12)


@pytest.mark.parametrize("mode", MODES)
def test_cells_on_device(mode, device):
    cell = make_cell(mode, 3, 4, dtype=mt.float64)
    x, states = randn(2, 3), [randn(2, 4) for _ in range(n_states(mode))]
    want = cell_ref(mode, numpy_params(cell), host(x), [host(s) for s in states])
    cell.to(device)
    xd = x.detach().to(device).requires_grad_()
    sd = [s.to(device) for s in states]
    got = cell(xd, tuple(sd)) if mode == "LSTM" else (cell(xd, sd[0]),)
    for g, w in zip(got, want):
        assert g.device == xd.device
        np.testing.assert_allclose(host(g), w, atol=1e-12)
    got[-1].sum().backward()
    assert xd.grad.device == xd.device and cell.weight_hh.grad.device == xd.device
    unbatched = cell(xd[0])
    assert (unbatched[0] if mode == "LSTM" else unbatched).device == xd.device


# ---- training smoke test ------------------------------------------------------------------------

def test_lstm_learns_to_sum_a_sequence():
    """A short training run whose loss must fall: predict the running sum of the inputs."""
    model = nn.LSTM(1, 8, batch_first=True)
    head = nn.Linear(8, 1)
    opt = optim.Adam(list(model.parameters()) + list(head.parameters()), lr=0.03)
    x = mt.rand(16, 6, 1) - 0.5
    y = x.cumsum(1)
    losses = []
    for _ in range(40):
        out, _ = model(x)
        loss = ((head(out) - y) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.2 * losses[0]
