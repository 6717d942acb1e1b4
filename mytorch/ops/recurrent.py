"""Recurrences: one layer of an Elman RNN, a GRU or an LSTM run over a whole sequence.

The input part of every gate is one matrix multiply for the whole sequence, done by the caller
(xw = x·W_ihᵀ + b, shape (T, N, G·H)); what is left is the recurrence, step by step:

    RNN    h' = tanh(xwₜ + h·W_hhᵀ)                      (or relu)
    GRU    r = σ(xw_r + hw_r)   z = σ(xw_z + hw_z)       with hw = h·W_hhᵀ + b_hh
           n = tanh(xw_n + r ⊙ hw_n)
           h' = (1 − z) ⊙ n + z ⊙ h
    LSTM   i, f, g, o = σ, σ, tanh, σ of (xwₜ + h·W_hhᵀ)  (PyTorch's gate order)
           c' = f ⊙ c + i ⊙ g
           h' = o ⊙ tanh(c')

A `mask` (T, N, 1) of 0s and 1s (in xw's dtype) handles batches of sequences of different lengths: where it is 0 the state
is carried over unchanged and the output is 0, so each sequence stops at its own length.

Each recurrence is written twice, on purpose:

- `*_step` below: the equations in tensor ops, one step. They are the definition, easy to
  read and to check, and their autograd gives gradients of every order.
- a `Scan` Function: the same loop on arrays, saving the gates, and backpropagation through
  time by hand (the derivatives in each class's docstring). A step costs a few array
  operations instead of a dozen recorded ops, which is what makes training fast.

`Scan.backward` runs the hand-written arrays when no graph of the gradient is being recorded
(the usual `loss.backward()`), and otherwise (create_graph=True) differentiates the tensor-op
steps, recomputed from the same inputs, so double backward stays exact. The tests check that
the two agree.
"""
import numpy as np

from . import elementwise as E
from .arithmetic import where
from .linalg import matmul
from .shape import stack
from ..autograd.function import Function, backward_by_autograd
from ..autograd.grad_mode import is_grad_enabled
from ..tensor import _wrap


# ---- the equations, in tensor ops (one step) -----------------------------------------------

def rnn_step(xw_t, h, w_hh, nonlinearity="tanh"):
    """h' = tanh(xwₜ + h·W_hhᵀ)  (or relu)"""
    pre = xw_t + matmul(h, w_hh.t())
    return E.tanh(pre) if nonlinearity == "tanh" else E.relu(pre)


def gru_step(xw_t, h, w_hh, b_hh):
    """r, z = σ(xw + hw), n = tanh(xw_n + r ⊙ hw_n), h' = (1 − z) ⊙ n + z ⊙ h"""
    hw = matmul(h, w_hh.t()) + b_hh
    x_r, x_z, x_n = xw_t.chunk(3, -1)
    h_r, h_z, h_n = hw.chunk(3, -1)
    r = E.sigmoid(x_r + h_r)
    z = E.sigmoid(x_z + h_z)
    n = E.tanh(x_n + r * h_n)
    return (1 - z) * n + z * h


def lstm_step(xw_t, h, c, w_hh):
    """i, f, g, o = σ, σ, tanh, σ of (xwₜ + h·W_hhᵀ);  c' = f ⊙ c + i ⊙ g;  h' = o ⊙ tanh(c')"""
    i, f, g, o = (xw_t + matmul(h, w_hh.t())).chunk(4, -1)
    c = E.sigmoid(f) * c + E.sigmoid(i) * E.tanh(g)
    return E.sigmoid(o) * E.tanh(c), c


def scan_steps(kind, xw, states, weights, mask=None, nonlinearity="tanh"):
    """The recurrence over all T steps in tensor ops: (outputs (T, N, H), final states)."""
    outs = []
    for t in range(xw.shape[0]):
        if kind == "lstm":
            new = lstm_step(xw[t], states[0], states[1], *weights)
        elif kind == "gru":
            new = (gru_step(xw[t], states[0], *weights),)
        else:
            new = (rnn_step(xw[t], states[0], *weights, nonlinearity),)
        if mask is None:
            states = new
            outs.append(new[0])
        else:
            m = mask[t]
            states = tuple(where(m, a, b) for a, b in zip(new, states))
            outs.append(new[0] * m)
    return stack(outs), states


# ---- the same loops on arrays, with backpropagation through time by hand ----------------------

class Scan(Function):
    """A recurrence over T steps as one node; inputs (xw, *states, *weights), outputs
    (out, *final states). Subclasses give `kind`, the forward loop and the backward loop."""

    kind = None
    n_states = 1

    @staticmethod
    def forward(ctx, *args, mask=None, nonlinearity="tanh"):
        raise NotImplementedError

    @classmethod
    def backward(cls, ctx, *grads):
        if is_grad_enabled():
            return backward_by_autograd(ctx, cls._definition(ctx), grads)
        xp = ctx.xp
        saved = dict(zip(ctx.saved_names, (t._data for t in ctx.saved_tensors)))
        # gradients that nobody sent are zeros here (materialize is off for speed)
        gs = [xp.zeros(shape, dtype=ctx.dtype) if g is None else g._data
              for g, shape in zip(grads, ctx.output_shapes)]
        results = cls._backward_arrays(ctx, *gs, **saved)
        return tuple(None if r is None or not need else _wrap(r, ctx.device)
                     for r, need in zip(results, ctx.needs_input_grad))

    @classmethod
    def _definition(cls, ctx):
        """The scan in tensor ops (scan_steps) as a function of the node's inputs."""
        n = cls.n_states
        mask = None if ctx.mask is None else _wrap(ctx.mask > 0, ctx.device)

        def steps(xw, *rest):
            out, states = scan_steps(cls.kind, xw, rest[:n], rest[n:], mask, ctx.nonlinearity)
            return (out,) + tuple(states)
        return steps

    @staticmethod
    def _save(ctx, outputs, mask, nonlinearity, **arrays):
        """Keep what backward needs: the named arrays (through save_for_backward, so they are
        freed after backward and the weights are version-checked), the outputs' shapes."""
        ctx.output_shapes = [y.shape for y in outputs]
        ctx.dtype = outputs[0].dtype
        ctx.mask, ctx.nonlinearity = mask, nonlinearity
        ctx.set_materialize_grads(False)
        ctx.saved_names = list(arrays)
        ctx.save_for_backward(*arrays.values())


class RNNScan(Scan):
    """h' = φ(xwₜ + h·W_hhᵀ), φ = tanh or relu. Backward, with a = φ(·):
        ∂pre = ∂h'·φ'(a)   (1 − a² or [a > 0]);   ∂xwₜ = ∂pre;   ∂h = ∂pre·W_hh;   ∂W_hh = Σₜ ∂preᵀ·h"""
    kind = "rnn"

    @staticmethod
    def forward(ctx, xw, h0, w_hh, mask=None, nonlinearity="tanh"):
        xp = ctx.xp
        T, N, H = xw.shape
        hs = xp.empty((T + 1, N, H), dtype=xw.dtype)
        hs[0] = h0
        acts = xp.empty((T, N, H), dtype=xw.dtype)          # φ(·) of each step, unmasked
        w_t = w_hh.T
        for t in range(T):
            pre = xw[t] + hs[t] @ w_t
            acts[t] = xp.tanh(pre) if nonlinearity == "tanh" else xp.maximum(pre, 0)
            hs[t + 1] = acts[t] if mask is None else xp.where(mask[t] > 0, acts[t], hs[t])
        out = acts * mask if mask is not None else hs[1:].copy()
        h_n = hs[T].copy()
        Scan._save(ctx, (out, h_n), mask, nonlinearity, hs=hs, acts=acts, w_hh=w_hh)
        return out, h_n

    @staticmethod
    def _backward_arrays(ctx, g_out, g_h, hs, acts, w_hh):
        xp = ctx.xp
        mask = ctx.mask
        T = acts.shape[0]
        dpre = xp.empty_like(acts)
        dh = g_h
        for t in reversed(range(T)):
            a = acts[t]
            if mask is None:
                dnew, carry = dh + g_out[t], 0
            else:
                m = mask[t]
                dnew, carry = (dh + g_out[t]) * m, dh * (1 - m)
            dpre[t] = dnew * ((1 - a * a) if ctx.nonlinearity == "tanh" else (a > 0))
            dh = dpre[t] @ w_hh
            if mask is not None:
                dh += carry
        H = acts.shape[2]
        dw = dpre.reshape(-1, H).T @ hs[:-1].reshape(-1, H)
        return dpre, dh, dw


class GRUScan(Scan):
    """The GRU step (module text). Backward, with ∂h' the gradient reaching h':
        ∂n = ∂h'(1 − z)   ∂z = ∂h'(h − n)   ∂h ⊇ ∂h'·z
        ∂n̂ = ∂n(1 − n²)   ∂r̂ = ∂n̂·hw_n·r(1 − r)   ∂ẑ = ∂z·z(1 − z)      (^: before σ, tanh)
        ∂xw = [∂r̂, ∂ẑ, ∂n̂]   ∂hw = [∂r̂, ∂ẑ, ∂n̂·r]   ∂h ⊇ ∂hw·W_hh
        ∂W_hh = Σₜ ∂hwᵀ·h    ∂b_hh = Σ ∂hw"""
    kind = "gru"

    @staticmethod
    def forward(ctx, xw, h0, w_hh, b_hh, mask=None, nonlinearity="tanh"):
        xp = ctx.xp
        T, N, H3 = xw.shape
        H = H3 // 3
        hs = xp.empty((T + 1, N, H), dtype=xw.dtype)
        hs[0] = h0
        gates = xp.empty((T, N, 4 * H), dtype=xw.dtype)     # r, z, n, hw_n per step
        w_t = w_hh.T
        for t in range(T):
            hw = hs[t] @ w_t + b_hh
            x = xw[t]
            rz = E.sigmoid_array(xp, x[:, :2 * H] + hw[:, :2 * H])
            r, z = rz[:, :H], rz[:, H:]
            n = xp.tanh(x[:, 2 * H:] + r * hw[:, 2 * H:])
            new = n + z * (hs[t] - n)
            hs[t + 1] = new if mask is None else xp.where(mask[t] > 0, new, hs[t])
            gates[t, :, :2 * H] = rz
            gates[t, :, 2 * H:3 * H] = n
            gates[t, :, 3 * H:] = hw[:, 2 * H:]
        out = hs[1:] * mask if mask is not None else hs[1:].copy()
        h_n = hs[T].copy()
        Scan._save(ctx, (out, h_n), mask, nonlinearity, hs=hs, gates=gates, w_hh=w_hh)
        return out, h_n

    @staticmethod
    def _backward_arrays(ctx, g_out, g_h, hs, gates, w_hh):
        xp = ctx.xp
        mask = ctx.mask
        T, N, H4 = gates.shape
        H = H4 // 4
        dxw = xp.empty((T, N, 3 * H), dtype=gates.dtype)
        dhw = xp.empty((T, N, 3 * H), dtype=gates.dtype)
        dh = g_h
        for t in reversed(range(T)):
            r, z = gates[t, :, :H], gates[t, :, H:2 * H]
            n, hw_n = gates[t, :, 2 * H:3 * H], gates[t, :, 3 * H:]
            if mask is None:
                dnew, carry = dh + g_out[t], 0
            else:
                m = mask[t]
                dnew, carry = (dh + g_out[t]) * m, dh * (1 - m)
            dn_hat = dnew * (1 - z) * (1 - n * n)
            dr_hat = dn_hat * hw_n * r * (1 - r)
            dz_hat = dnew * (hs[t] - n) * z * (1 - z)
            dxw[t, :, :H], dxw[t, :, H:2 * H], dxw[t, :, 2 * H:] = dr_hat, dz_hat, dn_hat
            dhw[t, :, :2 * H] = dxw[t, :, :2 * H]
            dhw[t, :, 2 * H:] = dn_hat * r
            dh = dhw[t] @ w_hh
            dh += dnew * z
            if mask is not None:
                dh += carry
        dw = dhw.reshape(-1, 3 * H).T @ hs[:-1].reshape(-1, H)
        return dxw, dh, dw, dhw.sum(axis=(0, 1))


class LSTMScan(Scan):
    """The LSTM step (module text). Backward, with ∂h' and ∂c' the gradients reaching h', c':
        ∂o = ∂h'·tanh c'    ∂c' += ∂h'·o·(1 − tanh² c')
        ∂i = ∂c'·g   ∂f = ∂c'·c   ∂g = ∂c'·i   ∂c = ∂c'·f
        ∂gates = [∂i·i(1−i), ∂f·f(1−f), ∂g·(1−g²), ∂o·o(1−o)]   (before the nonlinearities)
        ∂xwₜ = ∂gates   ∂h = ∂gates·W_hh   ∂W_hh = Σₜ ∂gatesᵀ·h"""
    kind = "lstm"
    n_states = 2

    @staticmethod
    def forward(ctx, xw, h0, c0, w_hh, mask=None, nonlinearity="tanh"):
        xp = ctx.xp
        T, N, H4 = xw.shape
        H = H4 // 4
        hs = xp.empty((T + 1, N, H), dtype=xw.dtype)
        cs = xp.empty((T + 1, N, H), dtype=xw.dtype)
        hs[0], cs[0] = h0, c0
        acts = xp.empty((T, N, H4), dtype=xw.dtype)        # i, f, g, o after σ / tanh
        tanh_c = xp.empty((T, N, H), dtype=xw.dtype)
        w_t = w_hh.T
        for t in range(T):
            a = xw[t] + hs[t] @ w_t
            a[:, :2 * H] = E.sigmoid_array(xp, a[:, :2 * H])
            a[:, 2 * H:3 * H] = xp.tanh(a[:, 2 * H:3 * H])
            a[:, 3 * H:] = E.sigmoid_array(xp, a[:, 3 * H:])
            acts[t] = a
            c = a[:, H:2 * H] * cs[t] + a[:, :H] * a[:, 2 * H:3 * H]
            tanh_c[t] = xp.tanh(c)
            h = a[:, 3 * H:] * tanh_c[t]
            if mask is None:
                hs[t + 1], cs[t + 1] = h, c
            else:
                hs[t + 1] = xp.where(mask[t] > 0, h, hs[t])
                cs[t + 1] = xp.where(mask[t] > 0, c, cs[t])
        out = (acts[:, :, 3 * H:] * tanh_c) * mask if mask is not None else hs[1:].copy()
        h_n, c_n = hs[T].copy(), cs[T].copy()
        Scan._save(ctx, (out, h_n, c_n), mask, nonlinearity, hs=hs, cs=cs, acts=acts,
                   tanh_c=tanh_c, w_hh=w_hh)
        return out, h_n, c_n

    @staticmethod
    def _backward_arrays(ctx, g_out, g_h, g_c, hs, cs, acts, tanh_c, w_hh):
        xp = ctx.xp
        mask = ctx.mask
        T, N, H4 = acts.shape
        H = H4 // 4
        dgates = xp.empty_like(acts)
        dh, dc = g_h, g_c
        for t in reversed(range(T)):
            a, tc = acts[t], tanh_c[t]
            i, f, g, o = a[:, :H], a[:, H:2 * H], a[:, 2 * H:3 * H], a[:, 3 * H:]
            if mask is None:
                dnew, dc_new, carry_h, carry_c = dh + g_out[t], dc, 0, 0
            else:
                m = mask[t]
                dnew, dc_new = (dh + g_out[t]) * m, dc * m
                carry_h, carry_c = dh * (1 - m), dc * (1 - m)
            dc_t = dc_new + dnew * o * (1 - tc * tc)
            d = dgates[t]
            d[:, :H] = dc_t * g * i * (1 - i)
            d[:, H:2 * H] = dc_t * cs[t] * f * (1 - f)
            d[:, 2 * H:3 * H] = dc_t * i * (1 - g * g)
            d[:, 3 * H:] = dnew * tc * o * (1 - o)
            dh = d @ w_hh
            dc = dc_t * f
            if mask is not None:
                dh += carry_h
                dc += carry_c
        dw = dgates.reshape(-1, H4).T @ hs[:-1].reshape(-1, H)
        return dgates, dh, dc, dw


SCANS = {"rnn": RNNScan, "gru": GRUScan, "lstm": LSTMScan}


class ReversePadded(Function):
    """y[t, n] = x[L_n − 1 − t, n] for t < L_n, x[t, n] beyond (each sequence of a padded
    (T, N, ...) batch reversed within its length, padding left in place). Applying it twice
    gives x back and it is a permutation, so its gradient is the same reversal of g."""
    @staticmethod
    def forward(ctx, x, steps, columns):
        ctx.index = (steps, columns)
        return x[steps, columns]

    @staticmethod
    def backward(ctx, g):
        return ReversePadded.apply(g, *ctx.index), None, None


def reverse_padded(x, lengths):
    """Each sequence of the padded batch x (T, N, ...) reversed within its length (host ints)."""
    T, N = x.shape[:2]
    t = np.arange(T)[:, None]
    steps = np.where(t < lengths[None, :], lengths[None, :] - 1 - t, t)
    backend = x.device.backend
    return ReversePadded.apply(x, backend.from_host(steps), backend.from_host(np.arange(N)))
