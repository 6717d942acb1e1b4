"""Recurrent layers: RNN, GRU, LSTM (stacked, bidirectional) and their single-step cells, as
`torch.nn`, with PyTorch's parameter names, gate order, shapes and initialisation.

The equations and the fast kernels are in `mytorch/ops/recurrent.py`. A layer runs, for each
layer l and direction:

    xw = x·W_ihᵀ + b       one matrix multiply for the whole sequence (T, N, G·H)
    out, states = scan     the recurrence, step by step (the hidden part of each gate)

The reverse direction runs the same scan on the sequence reversed in time (each sequence
within its own length, for packed input) and reverses its output back; both directions'
outputs are concatenated, and the next layer reads that (after dropout, when training).

Parameters, per layer l (and `_reverse` for the second direction), registered in this order:
    weight_ih_l{l} (G·H, in)   weight_hh_l{l} (G·H, H)   bias_ih_l{l} (G·H)   bias_hh_l{l} (G·H)
with G = 1 (RNN), 3 (GRU: r, z, n), 4 (LSTM: i, f, g, o); all initialised U(−1/√H, 1/√H).

Shapes: input (T, N, in), or (N, T, in) with batch_first, or unbatched (T, in); h_0 and the
returned h_n (num_layers·D, N, H), D = 2 if bidirectional; output (T, N, D·H). A PackedSequence
in gives a PackedSequence out.
"""
import math
import numbers
import warnings

import numpy as np

from .. import ops
from ..factories import empty, zeros
from ..ops.recurrent import SCANS, reverse_padded
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter
from .utils.rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "GRU": 3, "LSTM": 4}


def _input_part(kind, x, w_ih, w_hh, b_ih, b_hh):
    """xw = x·W_ihᵀ + b for all steps at once, and the weights the scan takes. RNN and LSTM
    fold b_hh into b; the GRU keeps it inside (n = tanh(xw_n + r ⊙ (h·W_hnᵀ + b_hn)))."""
    if kind == "gru":
        if b_hh is None:
            b_hh = zeros(w_hh.shape[0], dtype=x.dtype, device=x.device)
        return F.linear(x, w_ih, b_ih), (w_hh, b_hh)
    return F.linear(x, w_ih, None if b_ih is None else b_ih + b_hh), (w_hh,)


class RNNBase(Module):
    """What RNN, GRU and LSTM share: arguments, parameters, the layer loop."""

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__()
        if not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1 or \
                isinstance(dropout, bool):
            raise ValueError("dropout should be a number in range [0, 1] representing the "
                             "probability of an element being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so "
                          "non-zero dropout expects num_layers greater than 1, but got "
                          f"dropout={dropout} and num_layers={num_layers}")
        if not isinstance(hidden_size, int) or isinstance(hidden_size, bool):
            raise TypeError(f"hidden_size should be of type int, got: "
                            f"{type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if not isinstance(num_layers, int) or num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if not isinstance(proj_size, int) or proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable "
                             "projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if proj_size:       # (PyTorch's checks first, so a script's mistakes read the same)
            raise NotImplementedError("LSTM(proj_size=...) is not supported by mytorch yet")
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        gates = _GATES[mode] * hidden_size
        directions = 2 if bidirectional else 1
        self._flat_weights_names = []
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else hidden_size * directions
            for direction in range(directions):
                suffix = f"_l{layer}" + ("_reverse" if direction else "")
                shapes = {"weight_ih": (gates, layer_input), "weight_hh": (gates, hidden_size)}
                if bias:
                    shapes.update(bias_ih=(gates,), bias_hh=(gates,))
                for kind, shape in shapes.items():
                    name = kind + suffix
                    setattr(self, name, Parameter(empty(shape, device=device, dtype=dtype)))
                    self._flat_weights_names.append(name)
        self.reset_parameters()

    def reset_parameters(self):
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    def flatten_parameters(self):
        """Nothing to do: PyTorch packs the weights into one buffer for cuDNN here; scripts call
        it routinely, so it exists."""

    @property
    def all_weights(self):
        per = 4 if self.bias else 2
        names = self._flat_weights_names
        return [[getattr(self, n) for n in names[i:i + per]] for i in range(0, len(names), per)]

    def _weights(self, layer, direction):
        suffix = f"_l{layer}" + ("_reverse" if direction else "")
        get = lambda kind: getattr(self, kind + suffix, None)     # noqa: E731
        return get("weight_ih"), get("weight_hh"), get("bias_ih"), get("bias_hh")

    # ---- forward ------------------------------------------------------------------------------

    def _prepare(self, input, hx):
        """(x as (T, N, in), lengths or None, the initial states, how to shape the output)."""
        name = type(self).__name__
        packed = isinstance(input, PackedSequence)
        if packed:
            x, lengths = pad_packed_sequence(input)
            lengths = lengths.numpy()
            unbatched = False
        else:
            if input.ndim not in (2, 3):
                raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.ndim}D "
                                 "input instead")
            unbatched = input.ndim == 2
            x = input.unsqueeze(1) if unbatched else \
                (input.transpose(0, 1) if self.batch_first else input)
            lengths = None
        if x.shape[-1] != self.input_size:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected "
                               f"{self.input_size}, got {x.shape[-1]}")
        n = x.shape[1]
        directions = 2 if self.bidirectional else 1
        shape = (self.num_layers * directions, n, self.hidden_size)
        n_states = 2 if self.mode == "LSTM" else 1
        if hx is None:
            states = tuple(zeros(shape, dtype=x.dtype, device=x.device) for _ in range(n_states))
        else:
            states = tuple(hx) if n_states == 2 else (hx,)
            if n_states == 2 and len(states) != 2:
                raise RuntimeError(f"{name}: hx must be a tuple (h_0, c_0)")
            if unbatched:
                for s in states:
                    if s.ndim != 2:
                        raise RuntimeError(f"For unbatched 2-D input, hx should also be 2-D but "
                                           f"got {s.ndim}-D tensor")
                states = tuple(s.unsqueeze(1) for s in states)
            for s in states:
                if tuple(s.shape) != shape:
                    raise RuntimeError(f"Expected hidden size {shape}, got {list(s.shape)}")
        return x, lengths, states, (packed, unbatched, input)

    def forward(self, input, hx=None):
        x, lengths, states, how = self._prepare(input, hx)
        kind = {"LSTM": "lstm", "GRU": "gru"}.get(self.mode, "rnn")
        scan = SCANS[kind]
        nonlinearity = "relu" if self.mode == "RNN_RELU" else "tanh"
        mask = None
        if lengths is not None:
            running = np.arange(x.shape[0])[:, None] < lengths[None, :]                 # (T, N)
            mask = x.device.backend.from_host(running[..., None].astype(x.dtype.np))
        # the reverse direction reads each sequence backwards from its own last step
        reverse = (lambda y: y.flip(0)) if lengths is None else \
            (lambda y: reverse_padded(y, lengths))
        directions = 2 if self.bidirectional else 1
        finals = [[] for _ in states]
        for layer in range(self.num_layers):
            outs = []
            for direction in range(directions):
                w_ih, w_hh, b_ih, b_hh = self._weights(layer, direction)
                k = layer * directions + direction
                xw, weights = _input_part(kind, x, w_ih, w_hh, b_ih, b_hh)
                if direction:
                    xw = reverse(xw)
                result = scan.apply(xw, *[s[k] for s in states], *weights,
                                    mask=mask, nonlinearity=nonlinearity)
                out = result[0]
                if direction:
                    out = reverse(out)
                outs.append(out)
                for f, s in zip(finals, result[1:]):
                    f.append(s)
            x = outs[0] if directions == 1 else ops.cat(outs, -1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, True)
        finals = tuple(ops.stack(f, 0) for f in finals)
        return self._finish(x, finals, how, lengths)

    def _finish(self, out, finals, how, lengths):
        packed, unbatched, input = how
        if packed:
            out = pack_padded_sequence(out, lengths, enforce_sorted=input.sorted_indices is None)
        elif unbatched:
            out = out.squeeze(1)
            finals = tuple(f.squeeze(1) for f in finals)
        elif self.batch_first:
            out = out.transpose(0, 1)
        return out, (finals if self.mode == "LSTM" else finals[0])

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s


class RNN(RNNBase):
    """Elman RNN: hₜ = tanh(xₜ·W_ihᵀ + b_ih + hₜ₋₁·W_hhᵀ + b_hh)  (nonlinearity='relu' for relu).
    Returns (output, h_n)."""

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, device=None, dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or "
                             "'relu'.")
        self.nonlinearity = nonlinearity
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size,
                         hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         device=device, dtype=dtype)


class GRU(RNNBase):
    """Gated recurrent unit (Cho et al. 2014), gates r, z, n (see ops/recurrent.py).
    Returns (output, h_n)."""

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, device=None, dtype=None):
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, device=device, dtype=dtype)


class LSTM(RNNBase):
    """Long short-term memory (Hochreiter & Schmidhuber 1997), gates i, f, g, o.
    forward(input, (h_0, c_0)) returns (output, (h_n, c_n))."""

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, proj_size, device=device, dtype=dtype)


# ---- cells: one step ------------------------------------------------------------------------

class RNNCellBase(Module):
    _gates = 1

    def __init__(self, input_size, hidden_size, bias, device, dtype):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        g = self._gates * hidden_size
        self.weight_ih = Parameter(empty((g, input_size), device=device, dtype=dtype))
        self.weight_hh = Parameter(empty((g, hidden_size), device=device, dtype=dtype))
        if bias:
            self.bias_ih = Parameter(empty(g, device=device, dtype=dtype))
            self.bias_hh = Parameter(empty(g, device=device, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    reset_parameters = RNNBase.reset_parameters

    def _step(self, input, states, kind, nonlinearity="tanh"):
        """One scan step: input (N, in) or (in,), states (N, H) or (H,) each."""
        name = type(self).__name__
        if input.ndim not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.ndim}D instead")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.shape[-1]} "
                               f"expected {self.input_size}")
        unbatched = input.ndim == 1
        x = input.unsqueeze(0) if unbatched else input
        n = x.shape[0]
        if states is None:
            states = tuple(zeros((n, self.hidden_size), dtype=x.dtype, device=x.device)
                           for _ in range(2 if kind == "lstm" else 1))
        else:
            states = tuple(s.unsqueeze(0) if unbatched else s for s in states)
            for s in states:
                if tuple(s.shape) != (n, self.hidden_size):
                    raise RuntimeError(f"{name}: hidden state of shape {list(s.shape)} does "
                                       f"not match the input: expected [{n}, "
                                       f"{self.hidden_size}]")
        xw, weights = _input_part(kind, x, self.weight_ih, self.weight_hh, self.bias_ih,
                                  self.bias_hh)
        result = SCANS[kind].apply(xw.unsqueeze(0), *states, *weights,
                                   nonlinearity=nonlinearity)[1:]
        return tuple(r.squeeze(0) if unbatched else r for r in result)

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s


class RNNCell(RNNCellBase):
    """h' = tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh) (or relu)."""

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None,
                 dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity: {nonlinearity}")
        self.nonlinearity = nonlinearity
        super().__init__(input_size, hidden_size, bias, device, dtype)

    def forward(self, input, hx=None):
        return self._step(input, None if hx is None else (hx,), "rnn", self.nonlinearity)[0]


class GRUCell(RNNCellBase):
    """One GRU step; forward(input, h) returns h'."""
    _gates = 3

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, device, dtype)

    def forward(self, input, hx=None):
        return self._step(input, None if hx is None else (hx,), "gru")[0]


class LSTMCell(RNNCellBase):
    """One LSTM step; forward(input, (h, c)) returns (h', c')."""
    _gates = 4

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, device, dtype)

    def forward(self, input, hx=None):
        return self._step(input, hx, "lstm")
