"""Convolutions against direct loop references (tests/optable/conv.py): every combination of
stride, padding, dilation and groups for conv1d and conv2d; the transposed convolution as the
adjoint of the convolution and its output-size formula; hypothesis-made geometries; gradients
of first and second order; dtypes; devices; every user-facing error."""
import zlib

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st, HealthCheck

import mytorch as mt
import mytorch.nn.functional as F
from mytorch.autograd import gradcheck, gradgradcheck
from optable.conv import conv_ref, conv_transpose_ref, conv_transpose_size, conv_pads

CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
CONV_TRANSPOSE = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}


def host(t):
    return t.detach().cpu().numpy()


def t64(a, device="cpu", requires_grad=False):
    return mt.tensor(a, dtype=mt.float64, device=device, requires_grad=requires_grad)


def rng_for(*params):
    """A generator seeded by the test's parameters: each case its own, reproducible shapes."""
    return np.random.default_rng(zlib.crc32(repr(params).encode()))


def conv_weight_grad_ref(x, g, kernel, stride, padding, dilation, groups):
    """∂⟨conv(x, w), g⟩/∂w[o, c, k] = Σ_n Σ_l g[n, o, l] · x_padded[n, g(o)·C/G + c, l·s + k·d]"""
    xp = np.pad(x, [(0, 0), (0, 0)] + conv_pads(padding, kernel, dilation))
    O, Cg = g.shape[1], x.shape[1] // groups
    gw = np.zeros((O, Cg) + tuple(kernel))
    for o in range(O):
        first = (o // (O // groups)) * Cg
        for k in np.ndindex(*kernel):
            for l in np.ndindex(*g.shape[2:]):
                pos = tuple(li * s + ki * d for li, ki, s, d in zip(l, k, stride, dilation))
                gw[(o, slice(None)) + k] += \
                    g[(slice(None), o) + l] @ xp[(slice(None), slice(first, first + Cg)) + pos]
    return gw


# ---- every geometry against the loop reference --------------------------------------------------

GEOMETRIES = [(s, p, d, g) for s in (1, 2, 3) for p in (0, 1, 2, "same", "valid")
              for d in (1, 2) for g in (1, 2, "depthwise") if not (p == "same" and s != 1)]


def _channels(rng, groups):
    """(in_channels, out_channels, groups): depthwise has groups = in_channels and a channel
    multiplier of 1 or 2."""
    if groups == "depthwise":
        c = int(rng.integers(2, 4))
        return c, c * int(rng.integers(1, 3)), c
    return (groups * int(rng.integers(1, 3)), groups * int(rng.integers(1, 3)), groups)


@pytest.mark.parametrize("n", [1, 2])
@pytest.mark.parametrize("stride,padding,dilation,groups", GEOMETRIES,
                         ids=[f"s{s}-p{p}-d{d}-g{g}" for s, p, d, g in GEOMETRIES])
def test_conv_matches_loop_reference(n, stride, padding, dilation, groups):
    rng = rng_for(n, stride, padding, dilation, groups)
    C, O, G = _channels(rng, groups)
    kernel = tuple(int(k) for k in rng.integers(1, 4, n))
    first = int(rng.integers(5, 8))
    sizes = (first, first + 1 + int(rng.integers(0, 2)))[:n]           # non-square in 2-d
    w = rng.standard_normal((O, C // G) + kernel)
    b = rng.standard_normal(O) if rng.random() < 0.6 else None
    for batch in ((), (1,), (3,)):                                      # unbatched, 1, 3
        x = rng.standard_normal(batch + (C,) + sizes)
        got = CONV[n](t64(x), t64(w), None if b is None else t64(b), stride, padding, dilation, G)
        want = conv_ref(x, w, b, stride, padding, dilation, G)
        p = 0 if isinstance(padding, str) else padding
        expected_sizes = tuple(s if padding == "same" else
                               (s + 2 * p - dilation * (k - 1) - 1) // stride + 1
                               for s, k in zip(sizes, kernel))
        assert tuple(got.shape) == batch + (O,) + expected_sizes
        np.testing.assert_allclose(host(got), want, atol=1e-10, rtol=1e-10)


def test_same_padding_puts_the_extra_zero_on_the_right():
    """An even kernel: total padding d·(K−1) = 1, split (0, 1) as PyTorch does."""
    x = mt.tensor([[[1.0, 2.0, 3.0]]])
    w = mt.tensor([[[1.0, 10.0]]])
    assert F.conv1d(x, w, padding="same").tolist() == [[[21.0, 32.0, 3.0]]]


# ---- the transposed convolution: the adjoint of the convolution ---------------------------------

ADJOINT = [  # (n, sizes, kernel, stride, padding, dilation, groups)
    (1, (7,), (3,), 2, 1, 1, 1),
    (1, (8,), (2,), 3, 0, 2, 2),
    (1, (5,), (3,), 1, 2, 1, 1),
    (2, (5, 6), (3, 2), (2, 3), (1, 0), 1, 2),
    (2, (6, 5), (2, 3), 3, 1, (1, 2), 1),
    (2, (5, 5), (3, 3), 2, 2, 2, 3),
    (2, (4, 7), (1, 3), 1, 0, 1, 1),
    (3, (4, 3, 5), (2, 1, 3), (2, 1, 2), (1, 0, 1), 1, 2),
]


def _adjoint_case(case, rng):
    n, sizes, kernel, stride, padding, dilation, groups = case
    C, O = 2 * groups, groups * (1 + n % 2)
    x = rng.standard_normal((2, C) + sizes)
    w = rng.standard_normal((O, C // groups) + kernel)
    s, p, d = (np.broadcast_to(v, (n,)) for v in (stride, padding, dilation))
    # the output_padding that makes the transposed convolution's output x's size again
    output_padding = tuple(int(v) for v in (np.array(sizes) + 2 * p - d * (np.array(kernel) - 1)
                                            - 1) % s)
    return x, w, output_padding


@pytest.mark.parametrize("case", ADJOINT, ids=str)
def test_conv_transpose_is_the_adjoint_of_conv(case, device):
    """⟨conv(x, w), y⟩ = ⟨x, conv_transpose(y, w)⟩ for every x, y: the transposed convolution is
    the convolution's transpose as a linear map, with output_padding restoring x's size."""
    n, sizes, kernel, stride, padding, dilation, groups = case
    rng = rng_for(case)
    x, w, output_padding = _adjoint_case(case, rng)
    y_shape = tuple(CONV[n](t64(x), t64(w), None, stride, padding, dilation, groups).shape)
    y = rng.standard_normal(y_shape)
    conv_xw = host(CONV[n](t64(x, device), t64(w, device), None, stride, padding, dilation,
                           groups))
    transposed = CONV_TRANSPOSE[n](t64(y, device), t64(w, device), None, stride, padding,
                                   output_padding, groups, dilation)
    assert tuple(transposed.shape) == x.shape
    np.testing.assert_allclose(np.vdot(conv_xw, y), np.vdot(x, host(transposed)), rtol=1e-10)
    np.testing.assert_allclose(host(transposed), conv_transpose_ref(y, w, None, stride, padding,
                                                                    output_padding, groups,
                                                                    dilation), atol=1e-10)


TRANSPOSE_SIZES = [  # (size, kernel, stride, padding, output_padding, dilation)
    (4, 3, 1, 0, 0, 1), (4, 3, 2, 1, 1, 1), (3, 2, 3, 0, 2, 1), (5, 3, 2, 2, 0, 2),
    (3, 4, 1, 1, 1, 2), (2, 1, 4, 0, 3, 1), (1, 3, 2, 1, 0, 1),
]


@pytest.mark.parametrize("size,kernel,stride,padding,output_padding,dilation", TRANSPOSE_SIZES)
def test_conv_transpose_output_size_formula(size, kernel, stride, padding, output_padding,
                                            dilation):
    """(S − 1)·s − 2p + d·(K − 1) + output_padding + 1, per spatial dimension, and the values
    of the direct scatter definition."""
    rng = rng_for(size, kernel, stride, padding, output_padding, dilation)
    x = rng.standard_normal((2, 3, size, size + 1))
    w = rng.standard_normal((3, 2, kernel, 2))
    b = rng.standard_normal(2)
    got = F.conv_transpose2d(t64(x), t64(w), t64(b), stride, padding, (output_padding, 0), 1,
                             dilation)
    want_h = conv_transpose_size(size, kernel, stride, padding, output_padding, dilation)
    want_w = conv_transpose_size(size + 1, 2, stride, padding, 0, dilation)
    assert tuple(got.shape) == (2, 2, want_h, want_w)
    np.testing.assert_allclose(host(got), conv_transpose_ref(x, w, b, stride, padding,
                                                             (output_padding, 0), 1, dilation),
                               atol=1e-10)


def test_conv_transpose_by_hand():
    """Stride 2 spreads each input element's copy of the kernel two apart; they overlap."""
    x = mt.tensor([[[1.0, 2.0]]])
    w = mt.tensor([[[1.0, 10.0, 100.0]]])
    assert F.conv_transpose1d(x, w, stride=2).tolist() == [[[1.0, 10.0, 102.0, 20.0, 200.0]]]
    assert F.conv_transpose1d(x, w, stride=2, padding=1, output_padding=1).tolist() == \
        [[[10.0, 102.0, 20.0, 200.0]]]


# ---- hypothesis: arbitrary conv2d geometries ----------------------------------------------------

@st.composite
def conv2d_cases(draw):
    groups = draw(st.sampled_from([1, 2, 3]))
    C, O = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    dilation = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    if stride == (1, 1) and draw(st.booleans()):
        padding = draw(st.sampled_from(["same", "valid"]))
    else:
        padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    pads = [0, 0] if isinstance(padding, str) else padding
    sizes = tuple(draw(st.integers(max(1, sp - 2 * p), max(1, sp - 2 * p) + 5))
                  for sp, p in zip(spans, pads))
    batch = draw(st.sampled_from([(), (1,), (2,)]))
    return batch + (C,) + sizes, (O, C // groups) + kernel, stride, padding, dilation, groups, \
        draw(st.booleans()), draw(st.integers(0, 2 ** 16))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=conv2d_cases())
def test_conv2d_hypothesis_geometries(case):
    x_shape, w_shape, stride, padding, dilation, groups, with_bias, seed = case
    rng = np.random.default_rng(seed)
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    b = rng.standard_normal(w_shape[0]) if with_bias else None
    got = F.conv2d(t64(x), t64(w), None if b is None else t64(b), stride, padding, dilation,
                   groups)
    want = conv_ref(x, w, b, stride, padding, dilation, groups)
    assert tuple(got.shape) == want.shape
    np.testing.assert_allclose(host(got), want, atol=1e-10, rtol=1e-10)


# ---- gradients ----------------------------------------------------------------------------------

GRAD_CASES = [  # (op, x shape, weight shape, bias?, kwargs)
    ("conv2d", (2, 4, 6, 4), (2, 2, 2, 2), True,
     {"stride": (3, 1), "padding": (2, 0), "dilation": (2, 1), "groups": 2}),
    ("conv2d", (1, 2, 4, 5), (2, 2, 2, 3), False, {"padding": "same", "dilation": (1, 2)}),
    ("conv1d", (2, 3, 7), (2, 3, 1), True, {"stride": 2}),
    ("conv1d", (3, 6), (3, 1, 3), False, {"padding": 2, "dilation": 2, "groups": 3}),
    ("conv_transpose2d", (1, 4, 2, 3), (4, 1, 2, 2), True,
     {"stride": 3, "padding": 1, "output_padding": 2, "dilation": 2, "groups": 2}),
    ("conv_transpose1d", (2, 2, 4), (2, 2, 3), False, {"padding": 2, "stride": 2}),
]


@pytest.mark.parametrize("op,x_shape,w_shape,bias,kwargs", GRAD_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(GRAD_CASES)])
def test_gradcheck_and_gradgradcheck(op, x_shape, w_shape, bias, kwargs):
    rng = rng_for(op, x_shape, w_shape)
    out_channels = w_shape[1] * kwargs.get("groups", 1) if "transpose" in op else w_shape[0]
    tensors = [t64(rng.standard_normal(s), requires_grad=True) for s in (x_shape, w_shape)]
    if bias:
        tensors.append(t64(rng.standard_normal(out_channels), requires_grad=True))
    fn = getattr(F, op)
    assert gradcheck(lambda *ts: fn(*ts, **kwargs), tensors)
    assert gradgradcheck(lambda *ts: fn(*ts, **kwargs), tensors, atol=1e-4)


def test_gradients_match_loop_references(device):
    """The backward of conv2d on every device: ∂/∂x is the transposed convolution of the
    cotangent, ∂/∂w the correlation of x with it, ∂/∂b its sum (all from loops)."""
    rng = rng_for("grads")
    stride, padding, dilation, groups = (2, 1), (1, 2), (1, 2), 2
    x_np, w_np = rng.standard_normal((2, 4, 7, 6)), rng.standard_normal((6, 2, 3, 2))
    x, w = t64(x_np, device, True), t64(w_np, device, True)
    b = t64(rng.standard_normal(6), device, True)
    y = F.conv2d(x, w, b, stride, padding, dilation, groups)
    g = rng.standard_normal(tuple(y.shape))
    y.backward(t64(g, device))
    output_padding = tuple((s + 2 * p - d * (k - 1) - 1) % st_ for s, p, d, k, st_ in
                           zip((7, 6), padding, dilation, (3, 2), stride))
    np.testing.assert_allclose(host(x.grad), conv_transpose_ref(g, w_np, None, stride, padding,
                                                                output_padding, groups, dilation),
                               atol=1e-10)
    np.testing.assert_allclose(host(w.grad), conv_weight_grad_ref(x_np, g, (3, 2), stride,
                                                                  padding, dilation, groups),
                               atol=1e-10)
    np.testing.assert_allclose(host(b.grad), g.sum((0, 2, 3)), atol=1e-10)
    assert x.grad.device == x.device and w.grad.device == w.device


@pytest.mark.parametrize("n", [1, 2, 3])
def test_conv_and_transpose_on_every_device(n, device):
    rng = rng_for("device", n)
    x = rng.standard_normal((2, 2) + (5,) * n)
    w = rng.standard_normal((2, 1) + (2,) * n)
    b = rng.standard_normal(2)
    x_t = t64(x, device)
    y = CONV[n](x_t, t64(w, device), t64(b, device), 2, 1, 1, 2)
    assert y.device == x_t.device
    np.testing.assert_allclose(host(y), conv_ref(x, w, b, 2, 1, 1, 2), atol=1e-10)
    z = CONV_TRANSPOSE[n](t64(x, device), t64(w, device), t64(b, device), 2, 1, 1, 2)
    np.testing.assert_allclose(host(z), conv_transpose_ref(x, w, b, 2, 1, 1, 2), atol=1e-10)


# ---- dtypes -------------------------------------------------------------------------------------

@pytest.mark.parametrize("op", ["conv1d", "conv2d", "conv_transpose2d"])
def test_float32_in_float32_out_and_grads(op, device):
    rng = rng_for("float32", op)
    n = 1 if op == "conv1d" else 2
    x_np = rng.standard_normal((2, 2) + (5,) * n)
    w_np = rng.standard_normal((2, 2) + (3,) * n)
    b_np = rng.standard_normal(2)
    x, w, b = (mt.tensor(a, dtype=mt.float32, device=device, requires_grad=True)
               for a in (x_np, w_np, b_np))
    kw = {"stride": 2, "padding": 1}
    y = getattr(F, op)(x, w, b, **kw)
    assert y.dtype == mt.float32
    ref = conv_transpose_ref if "transpose" in op else conv_ref
    np.testing.assert_allclose(host(y), ref(x_np, w_np, b_np, **kw), rtol=1e-4, atol=1e-5)
    y.sum().backward()
    for t in (x, w, b):
        assert t.grad.dtype == mt.float32 and t.grad.shape == t.shape


# ---- size-0 batches -----------------------------------------------------------------------------

def test_empty_batch_forward():
    y = F.conv2d(mt.zeros(0, 2, 5, 5), mt.zeros(3, 2, 3, 3))
    assert tuple(y.shape) == (0, 3, 3, 3)
    assert tuple(F.conv_transpose2d(mt.zeros(0, 2, 3, 3), mt.zeros(2, 4, 3, 3)).shape) == \
        (0, 4, 5, 5)


def test_empty_batch_backward():
    """PyTorch: an empty batch gives zero weight and bias gradients."""
    x = mt.zeros(0, 2, 5, 5, requires_grad=True)
    w = mt.ones(3, 2, 3, 3, requires_grad=True)
    b = mt.ones(3, requires_grad=True)
    F.conv2d(x, w, b).sum().backward()
    assert w.grad.shape == w.shape and not w.grad.abs().sum().item()
    assert b.grad.shape == b.shape and x.grad.shape == x.shape


# ---- errors -------------------------------------------------------------------------------------

def _x(*shape):
    return mt.zeros(*shape)


def test_error_wrong_input_dims():
    with pytest.raises(RuntimeError, match=r"Expected 3D \(unbatched\) or 4D \(batched\) input to "
                                           r"conv2d, but got input of size: \[2, 3\]"):
        F.conv2d(_x(2, 3), _x(4, 3, 3, 3))
    with pytest.raises(RuntimeError, match=r"Expected 2D \(unbatched\) or 3D \(batched\) input to "
                                           r"conv1d, but got input of size: \[1, 1, 2, 5, 5\]"):
        F.conv1d(_x(1, 1, 2, 5, 5), _x(4, 2, 3))
    with pytest.raises(RuntimeError, match=r"Expected 3D \(unbatched\) or 4D \(batched\) input to "
                                           r"conv_transpose2d"):
        F.conv_transpose2d(_x(5, 5), _x(4, 3, 3, 3))
    with pytest.raises(RuntimeError, match=r"expected weight to be 4-dimensional"):
        F.conv2d(_x(1, 2, 5, 5), _x(3, 2, 3))


def test_error_channel_mismatch():
    with pytest.raises(RuntimeError, match=r"Given groups=1, weight of size \[8, 3, 3, 3\], "
                                           r"expected input\[2, 4, 5, 5\] to have 3 channels, but "
                                           r"got 4 channels instead"):
        F.conv2d(_x(2, 4, 5, 5), _x(8, 3, 3, 3))
    with pytest.raises(RuntimeError, match=r"Given groups=2, weight of size \[4, 2, 3\], expected "
                                           r"input\[1, 3, 5\] to have 4 channels"):
        F.conv1d(_x(3, 5), _x(4, 2, 3), groups=2)
    with pytest.raises(RuntimeError, match=r"Given transposed=1, weight of size \[4, 2, 3, 3\], "
                                           r"expected input\[1, 3, 5, 5\] to have 4 channels, but "
                                           r"got 3 channels instead"):
        F.conv_transpose2d(_x(1, 3, 5, 5), _x(4, 2, 3, 3))


def test_error_groups():
    with pytest.raises(RuntimeError, match=r"Given groups=2, expected weight to be divisible by 2 "
                                           r"at dimension 0, but got weight of size "
                                           r"\[3, 2, 3, 3\]"):
        F.conv2d(_x(1, 4, 5, 5), _x(3, 2, 3, 3), groups=2)
    with pytest.raises(RuntimeError, match=r"Given groups=2, expected weight to be divisible by 2 "
                                           r"at dimension 0, but got weight of size \[3, 1, 3\]"):
        F.conv_transpose1d(_x(1, 3, 5), _x(3, 1, 3), groups=2)
    with pytest.raises(RuntimeError, match="non-positive groups is not supported"):
        F.conv2d(_x(1, 2, 5, 5), _x(2, 2, 3, 3), groups=0)


def test_error_bias_size():
    with pytest.raises(RuntimeError, match=r"Given weight of size \[8, 3, 3, 3\], expected bias to "
                                           r"be 1-dimensional with 8 elements, but got bias of "
                                           r"size \[4\] instead"):
        F.conv2d(_x(1, 3, 5, 5), _x(8, 3, 3, 3), _x(4))
    with pytest.raises(RuntimeError, match=r"expected bias to be 1-dimensional with 6 elements, "
                                           r"but got bias of size \[3\]"):
        F.conv_transpose2d(_x(1, 2, 5, 5), _x(2, 3, 3, 3), _x(3), groups=2)


def test_error_kernel_larger_than_padded_input():
    with pytest.raises(RuntimeError, match=r"[Cc]alculated padded input size per channel: "
                                           r"\(2 x 2\)\. Kernel size: \(3 x 3\)\. Kernel size "
                                           r"can't be greater than actual input size"):
        F.conv2d(_x(1, 1, 2, 2), _x(1, 1, 3, 3))
    with pytest.raises(RuntimeError, match=r"[Cc]alculated padded input size per channel: \(6\)\. "
                                           r"Kernel size: \(7\)"):      # dilation 3 · (3 − 1) + 1
        F.conv1d(_x(1, 1, 4), _x(1, 1, 3), padding=1, dilation=3)
    assert tuple(F.conv1d(_x(1, 1, 5), _x(1, 1, 3), padding=1, dilation=3).shape) == (1, 1, 1)


def test_error_padding_stride_dilation_values():
    with pytest.raises(RuntimeError, match="negative padding is not supported"):
        F.conv2d(_x(1, 1, 5, 5), _x(1, 1, 3, 3), padding=-1)
    with pytest.raises(RuntimeError, match="negative padding is not supported"):
        F.conv_transpose1d(_x(1, 1, 5), _x(1, 1, 3), padding=(-1,))
    with pytest.raises(RuntimeError, match="non-positive stride is not supported"):
        F.conv2d(_x(1, 1, 5, 5), _x(1, 1, 3, 3), stride=(1, 0))
    with pytest.raises(RuntimeError, match="non-positive stride is not supported"):
        F.conv_transpose2d(_x(1, 1, 5, 5), _x(1, 1, 3, 3), stride=0)
    with pytest.raises(RuntimeError, match="dilation should be greater than zero"):
        F.conv1d(_x(1, 1, 5), _x(1, 1, 3), dilation=0)
    with pytest.raises(RuntimeError, match=r"expected stride to be a single integer value or a "
                                           r"list of 2 values to match the convolution "
                                           r"dimensions, but got stride=\[1, 2, 3\]"):
        F.conv2d(_x(1, 1, 5, 5), _x(1, 1, 3, 3), stride=(1, 2, 3))


def test_error_padding_strings():
    """The texts; the classes PyTorch's F.conv* raise are checked below."""
    with pytest.raises((RuntimeError, ValueError),
                       match="padding='same' is not supported for strided convolutions"):
        F.conv2d(_x(1, 1, 5, 5), _x(1, 1, 3, 3), stride=(1, 2), padding="same")
    with pytest.raises((RuntimeError, ValueError), match="[Ii]nvalid padding string.*'full'"):
        F.conv1d(_x(1, 1, 5), _x(1, 1, 3), padding="full")
    with pytest.raises((TypeError, ValueError), match="padding must be an int or a tuple"):
        F.conv_transpose2d(_x(1, 1, 5, 5), _x(1, 1, 3, 3), padding="same")


def test_error_padding_strings_are_runtime_errors_as_in_pytorch():
    with pytest.raises(RuntimeError, match="padding='same' is not supported for strided "
                                           "convolutions"):
        F.conv2d(_x(1, 1, 5, 5), _x(1, 1, 3, 3), stride=2, padding="same")
    with pytest.raises(RuntimeError, match="Invalid padding string"):
        F.conv2d(_x(1, 1, 5, 5), _x(1, 1, 3, 3), padding="full")


def test_error_output_padding_too_large():
    with pytest.raises(RuntimeError, match="output padding must be smaller than either stride or "
                                           "dilation"):
        F.conv_transpose2d(_x(1, 1, 3, 3), _x(1, 1, 3, 3), stride=2, output_padding=2)
    with pytest.raises(RuntimeError, match="output padding must be smaller than either stride or "
                                           "dilation"):
        F.conv_transpose1d(_x(1, 1, 3), _x(1, 1, 3), output_padding=1)       # stride 1
    # smaller than the dilation is enough
    y = F.conv_transpose1d(_x(1, 1, 3), _x(1, 1, 3), output_padding=1, dilation=2)
    assert tuple(y.shape) == (1, 1, 3 - 1 + 2 * 2 + 1 + 1)


def test_error_transposed_output_too_small():
    with pytest.raises(RuntimeError, match=r"output size \[-1, -1\] is too small"):
        F.conv_transpose2d(_x(1, 1, 1, 1), _x(1, 1, 1, 1), padding=1)


def test_error_not_a_tensor():
    with pytest.raises(TypeError, match=r"conv2d\(\): argument 'input' must be Tensor, not "
                                        r"ndarray"):
        F.conv2d(np.zeros((1, 1, 3, 3)), _x(1, 1, 3, 3))
    with pytest.raises(TypeError, match=r"argument 'weight' must be Tensor, not list"):
        F.conv1d(_x(1, 1, 3), [[[1.0]]])


def test_error_device_mismatch():
    x = mt.zeros(1, 2, 5, 5)
    with pytest.raises(RuntimeError, match="expected all tensors to be on the same device, found "
                                           "cpu and strict"):
        F.conv2d(x, mt.zeros(3, 2, 3, 3, device="strict"))
    with pytest.raises(RuntimeError, match="expected all tensors to be on the same device, found "
                                           "cpu and strict"):
        F.conv2d(x, mt.zeros(3, 2, 3, 3), mt.zeros(3, device="strict"))
    with pytest.raises(RuntimeError, match="expected all tensors to be on the same device"):
        F.conv_transpose2d(x, mt.zeros(2, 3, 3, 3, device="strict"))
