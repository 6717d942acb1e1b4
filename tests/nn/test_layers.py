"""Layers: forward against NumPy formulas, gradients by gradcheck in float64 (inputs and
parameters), default initialisations, printed forms, running statistics, errors."""
import math

import numpy as np
import pytest

import mytorch as mt
from mytorch import nn
from mytorch.autograd import gradcheck


def host(t):
    return t.detach().cpu().numpy()


def randn(*shape, device="cpu", requires_grad=False):
    return mt.randn(*shape, dtype=mt.float64, device=device, requires_grad=requires_grad)


def check_module_grad(module, *inputs):
    """gradcheck of module(*inputs) with respect to the float inputs and every parameter."""
    params = list(module.parameters())
    n = len(inputs)
    assert gradcheck(lambda *args: module(*args[:n]), tuple(inputs) + tuple(params))


# ---- Linear, Bilinear -------------------------------------------------------------------------

def test_linear_forward_and_grad(device):
    m = nn.Linear(4, 3).double().to(device)
    x = randn(2, 5, 4, device=device, requires_grad=True)
    expected = host(x) @ host(m.weight).T + host(m.bias)
    assert np.allclose(host(m(x)), expected)
    check_module_grad(m, x)
    m2 = nn.Linear(4, 3, bias=False)
    assert m2.bias is None and [n for n, _ in m2.named_parameters()] == ["weight"]
    assert repr(m2) == "Linear(in_features=4, out_features=3, bias=False)"


def test_linear_default_init_bounds():
    m = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)                 # kaiming_uniform_(a=√5) gives U(±1/√fan_in)
    w, b = host(m.weight), host(m.bias)
    assert w.shape == (300, 400) and b.shape == (300,)
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.98 * bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.01 * bound
    assert np.abs(b).max() <= bound
    assert m.weight.dtype is mt.float32
    assert nn.Linear(2, 2, dtype=mt.float64).weight.dtype is mt.float64


def test_linear_shape_error():
    with pytest.raises(RuntimeError, match=r"Linear\(in_features=784\) got input of shape "
                                           r"\(32, 28, 28\): last dimension must be 784"):
        nn.Linear(784, 10)(mt.zeros(32, 28, 28))


def test_bilinear(device):
    m = nn.Bilinear(3, 2, 4).double().to(device)
    x1 = randn(5, 3, device=device, requires_grad=True)
    x2 = randn(5, 2, device=device, requires_grad=True)
    expected = np.einsum("ni,oij,nj->no", host(x1), host(m.weight), host(x2)) + host(m.bias)
    assert np.allclose(host(m(x1, x2)), expected)
    check_module_grad(m, x1, x2)
    assert np.abs(host(m.weight)).max() <= 1 / math.sqrt(3)
    with pytest.raises(RuntimeError, match=r"Bilinear\(in1_features=3, in2_features=2\) got "
                                           r"inputs of shapes \(5, 2\) and \(5, 2\)"):
        m(x2, x2)


# ---- Embedding --------------------------------------------------------------------------------

def test_embedding_lookup_and_padding(device):
    m = nn.Embedding(6, 3, padding_idx=2).double().to(device)
    assert np.all(host(m.weight)[2] == 0)
    idx = mt.tensor([[0, 2, 5], [2, 2, 1]], device=device)
    y = m(idx)
    assert y.shape == (2, 3, 3)
    assert np.allclose(host(y), host(m.weight)[host(idx)])
    g = randn(2, 3, 3, device=device)
    y.backward(g)
    expected = np.zeros((6, 3))
    np.add.at(expected, host(idx).ravel(), host(g).reshape(-1, 3))
    expected[2] = 0                                   # no gradient to the padding row
    assert np.allclose(host(m.weight.grad), expected)
    assert repr(m) == "Embedding(6, 3, padding_idx=2)"
    assert nn.Embedding(6, 3, padding_idx=-1).padding_idx == 5


def test_embedding_grad_and_init():
    m = nn.Embedding(4, 2).double()
    assert gradcheck(lambda w: m(mt.tensor([[1, 3], [1, 0]])), (m.weight,))
    big = nn.Embedding(1000, 100)
    w = host(big.weight)
    assert abs(w.mean()) < 0.01 and abs(w.std() - 1) < 0.01      # N(0, 1)


def test_embedding_max_norm():
    m = nn.Embedding(5, 4, max_norm=1.0)
    with mt.no_grad():
        m.weight.mul_(10)
    before = host(m.weight).copy()
    y = m(mt.tensor([0, 3]))
    norms = np.linalg.norm(host(y), axis=1)
    assert np.allclose(norms, 1.0, atol=1e-4)
    w = host(m.weight)
    assert np.allclose(np.linalg.norm(w[[0, 3]], axis=1), 1.0, atol=1e-4)   # renormed in place
    assert np.allclose(w[[1, 2, 4]], before[[1, 2, 4]])                     # others untouched
    assert repr(m) == "Embedding(5, 4, max_norm=1.0)"


def test_embedding_from_pretrained():
    table = mt.arange(6.0).reshape(3, 2)
    m = nn.Embedding.from_pretrained(table)
    assert not m.weight.requires_grad
    assert m(mt.tensor([2])).tolist() == [[4.0, 5.0]]
    assert nn.Embedding.from_pretrained(table, freeze=False).weight.requires_grad
    with pytest.raises(AssertionError, match="Embeddings parameter is expected to be "
                                             "2-dimensional"):
        nn.Embedding.from_pretrained(mt.zeros(3))


def test_embedding_errors():
    with pytest.raises(AssertionError, match="Padding_idx must be within num_embeddings"):
        nn.Embedding(3, 2, padding_idx=3)
    m = nn.Embedding(3, 2)
    with pytest.raises(IndexError, match="index 3 is out of range for an embedding table of 3"):
        m(mt.tensor([0, 3]))
    with pytest.raises(RuntimeError, match="expected input of integer dtype"):
        m(mt.zeros(2))
    with pytest.raises(NotImplementedError, match="scale_grad_by_freq and sparse"):
        nn.Embedding(3, 2, sparse=True)(mt.tensor([0]))


# ---- Dropout ----------------------------------------------------------------------------------

def test_dropout_train_and_eval(device):
    m = nn.Dropout(0.25)
    x = mt.ones(200, 100, device=device)
    y = host(m(x))
    kept = y != 0
    assert abs(kept.mean() - 0.75) < 0.01
    assert np.allclose(y[kept], 1 / 0.75)
    m.eval()
    assert m(x) is x
    assert repr(m) == "Dropout(p=0.25, inplace=False)"
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but "
                                         "got 1.5"):
        nn.Dropout(1.5)


def test_dropout_gradient_uses_the_mask():
    x = mt.ones(50, 20, requires_grad=True)
    y = nn.Dropout(0.5)(x)
    y.sum().backward()
    assert np.allclose(host(x.grad), host(y))


# ---- normalization ----------------------------------------------------------------------------

def np_layer_norm(x, axes, eps=1e-5):
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    return (x - mean) / np.sqrt(var + eps)


def test_layer_norm(device):
    m = nn.LayerNorm((3, 4)).double().to(device)
    with mt.no_grad():
        m.weight.normal_()
        m.bias.normal_()
    x = randn(2, 3, 4, device=device, requires_grad=True)
    expected = np_layer_norm(host(x), (1, 2)) * host(m.weight) + host(m.bias)
    assert np.allclose(host(m(x)), expected)
    check_module_grad(m, x)
    assert repr(nn.LayerNorm(10)) == "LayerNorm((10,), eps=1e-05, elementwise_affine=True, " \
                                     "bias=True)"
    assert nn.LayerNorm(5, bias=False).bias is None
    assert repr(nn.LayerNorm(5, bias=False)) == "LayerNorm((5,), eps=1e-05, " \
                                                "elementwise_affine=True, bias=False)"
    assert list(nn.LayerNorm(5, elementwise_affine=False).parameters()) == []
    with pytest.raises(RuntimeError, match=r"given normalized_shape=\[10\], expected input with "
                                           r"shape \[\*, 10\], but got input of size \[3, 5\]"):
        nn.LayerNorm(10)(mt.zeros(3, 5))


def test_rms_norm(device):
    m = nn.RMSNorm(4).double().to(device)
    with mt.no_grad():
        m.weight.normal_()
    x = randn(3, 4, device=device, requires_grad=True)
    xh = host(x)
    eps = np.finfo(np.float64).eps
    expected = xh / np.sqrt((xh ** 2).mean(-1, keepdims=True) + eps) * host(m.weight)
    assert np.allclose(host(m(x)), expected)
    check_module_grad(m, x)
    assert repr(nn.RMSNorm(4, eps=1e-6)) == "RMSNorm((4,), eps=1e-06, elementwise_affine=True)"


def test_group_norm(device):
    m = nn.GroupNorm(2, 4).double().to(device)
    with mt.no_grad():
        m.weight.normal_()
        m.bias.normal_()
    x = randn(3, 4, 5, device=device, requires_grad=True)
    xh = host(x).reshape(3, 2, 10)
    normed = np_layer_norm(xh, (2,)).reshape(3, 4, 5)
    expected = normed * host(m.weight)[None, :, None] + host(m.bias)[None, :, None]
    assert np.allclose(host(m(x)), expected)
    check_module_grad(m, randn(2, 4, 3, requires_grad=True).to(device))
    assert repr(m) == "GroupNorm(2, 4, eps=1e-05, affine=True, bias=True)"
    with pytest.raises(ValueError,
                       match=r"num_channels \(4\) must be divisible by num_groups \(3\)"):
        nn.GroupNorm(3, 4)
    with pytest.raises(RuntimeError, match=r"GroupNorm\(num_channels=4\) got input of shape "
                                           r"\(2, 3\)"):
        m(mt.zeros(2, 3, dtype=mt.float64, device=device))


def test_batch_norm_training_and_running_statistics(device):
    m = nn.BatchNorm1d(3, momentum=0.2).double().to(device)
    xs = [randn(8, 3, device=device) * 2 + 1 for _ in range(3)]
    mean, var = np.zeros(3), np.ones(3)
    for x in xs:
        y = m(x)
        xh = host(x)
        assert np.allclose(host(y), (xh - xh.mean(0)) / np.sqrt(xh.var(0) + 1e-5))
        mean = 0.8 * mean + 0.2 * xh.mean(0)
        var = 0.8 * var + 0.2 * xh.var(0, ddof=1)          # the running var is unbiased
    assert np.allclose(host(m.running_mean), mean)
    assert np.allclose(host(m.running_var), var)
    assert m.num_batches_tracked.item() == 3
    m.eval()
    x = randn(4, 3, device=device)
    assert np.allclose(host(m(x)), (host(x) - mean) / np.sqrt(var + 1e-5))
    assert m.num_batches_tracked.item() == 3                # eval does not count


def test_batch_norm_cumulative_average_and_3d_input():
    m = nn.BatchNorm1d(2, momentum=None).double()
    xs = [randn(4, 2, 5) for _ in range(4)]
    for x in xs:
        m(x)
    means = [host(x).mean((0, 2)) for x in xs]
    assert np.allclose(host(m.running_mean), np.mean(means, 0))   # momentum=None: plain average
    assert repr(m) == "BatchNorm1d(2, eps=1e-05, momentum=None, affine=True, bias=True, " \
                      "track_running_stats=True)"


def test_batch_norm_gradients():
    m = nn.BatchNorm1d(3).double()
    with mt.no_grad():
        m.weight.normal_()
        m.bias.normal_()
    check_module_grad(m, randn(5, 3, requires_grad=True))
    check_module_grad(m.eval(), randn(5, 3, requires_grad=True))
    m2 = nn.BatchNorm2d(2).double()
    check_module_grad(m2, randn(2, 2, 2, 2, requires_grad=True))


def test_batch_norm_options():
    m = nn.BatchNorm1d(3, affine=False, track_running_stats=False)
    assert list(m.parameters()) == [] and list(m.buffers()) == []
    assert list(m.state_dict()) == []
    x = randn(6, 3)
    m.eval()                                  # no running stats: batch statistics in eval too
    xh = host(x)
    assert np.allclose(host(m(x)), (xh - xh.mean(0)) / np.sqrt(xh.var(0) + 1e-5))
    with pytest.raises(ValueError, match=r"expected 2D or 3D input \(got 4D input\)"):
        nn.BatchNorm1d(3)(mt.zeros(2, 3, 1, 1))
    with pytest.raises(ValueError, match=r"expected 4D input \(got 2D input\)"):
        nn.BatchNorm2d(3)(mt.zeros(2, 3))
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        nn.BatchNorm1d(3)(mt.zeros(1, 3))
    with pytest.raises(RuntimeError, match=r"BatchNorm1d\(num_features=3\) got input of shape "
                                           r"\(2, 4\): dimension 1 must be 3"):
        nn.BatchNorm1d(3)(mt.zeros(2, 4))


# ---- activations ------------------------------------------------------------------------------

def np_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def np_gelu(x):
    from math import erf
    return x * 0.5 * (1 + np.vectorize(erf)(x / np.sqrt(2)))


ACTIVATIONS = [
    (nn.ReLU(), lambda x: np.maximum(x, 0)),
    (nn.LeakyReLU(0.2), lambda x: np.where(x >= 0, x, 0.2 * x)),
    (nn.ELU(0.5), lambda x: np.where(x > 0, x, 0.5 * (np.exp(x) - 1))),
    (nn.GELU(), np_gelu),
    (nn.GELU("tanh"), lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) *
                                                       (x + 0.044715 * x ** 3)))),
    (nn.SiLU(), lambda x: x * np_sigmoid(x)),
    (nn.Tanh(), np.tanh),
    (nn.Sigmoid(), np_sigmoid),
    (nn.Softplus(beta=2.0), lambda x: np.log1p(np.exp(2 * x)) / 2),
    (nn.Mish(), lambda x: x * np.tanh(np.log1p(np.exp(x)))),
    (nn.Hardtanh(-0.5, 0.5), lambda x: np.clip(x, -0.5, 0.5)),
    (nn.ReLU6(), lambda x: np.clip(x, 0, 6)),
    (nn.Softsign(), lambda x: x / (1 + np.abs(x))),
    (nn.LogSigmoid(), lambda x: np.log(np_sigmoid(x))),
    (nn.Tanhshrink(), lambda x: x - np.tanh(x)),
    (nn.Softmax(dim=1), lambda x: np.exp(x) / np.exp(x).sum(1, keepdims=True)),
    (nn.Softmin(dim=0), lambda x: np.exp(-x) / np.exp(-x).sum(0, keepdims=True)),
    (nn.LogSoftmax(dim=-1), lambda x: x - np.log(np.exp(x).sum(-1, keepdims=True))),
    (nn.CELU(0.7), lambda x: np.maximum(0, x) + np.minimum(0, 0.7 * (np.exp(x / 0.7) - 1))),
    (nn.Hardsigmoid(), lambda x: np.clip(x / 6 + 0.5, 0, 1)),
    (nn.Hardswish(), lambda x: x * np.clip(x / 6 + 0.5, 0, 1)),
    (nn.Threshold(0.1, 20.0), lambda x: np.where(x > 0.1, x, 20.0)),
    (nn.GLU(), lambda x: x[:, :2] * np_sigmoid(x[:, 2:])),
]


@pytest.mark.parametrize("module, ref", ACTIVATIONS, ids=lambda v: repr(v)
                         if isinstance(v, nn.Module) else "")
def test_activation_forward_and_grad(module, ref, device):
    x = mt.tensor(np.array([[-2.3, -0.7, 0.4, 1.9], [0.6, -1.2, 3.1, -0.05],
                            [7.0, -4.0, 0.25, 2.2]]), device=device, requires_grad=True)
    assert np.allclose(host(module(x)), ref(host(x)), atol=1e-7)
    assert module(x.float()).dtype is mt.float32
    assert gradcheck(module, (x,))


def test_prelu(device):
    m = nn.PReLU().double().to(device)
    assert host(m.weight).tolist() == [0.25]
    x = randn(3, 4, device=device, requires_grad=True)
    xh = host(x)
    assert np.allclose(host(m(x)), np.where(xh >= 0, xh, 0.25 * xh))
    check_module_grad(m, x)
    per_channel = nn.PReLU(3, init=0.1).double()
    x = randn(2, 3, 2, requires_grad=True)
    slopes = np.array([0.1, 0.1, 0.1])[None, :, None]
    assert np.allclose(host(per_channel(x)), np.where(host(x) >= 0, host(x), slopes * host(x)))
    check_module_grad(per_channel, x)
    assert repr(per_channel) == "PReLU(num_parameters=3)"
    with pytest.raises(RuntimeError, match="3 slopes need an input with that many channels"):
        per_channel(mt.zeros(2, 4, dtype=mt.float64))


def test_activation_reprs():
    assert repr(nn.ReLU()) == "ReLU()"
    assert repr(nn.ReLU(inplace=True)) == "ReLU(inplace=True)"
    assert repr(nn.LeakyReLU()) == "LeakyReLU(negative_slope=0.01)"
    assert repr(nn.LeakyReLU(0.2, True)) == "LeakyReLU(negative_slope=0.2, inplace=True)"
    assert repr(nn.ELU()) == "ELU(alpha=1.0)"
    assert repr(nn.GELU(approximate="tanh")) == "GELU(approximate='tanh')"
    assert repr(nn.SiLU()) == "SiLU()"
    assert repr(nn.Softplus()) == "Softplus(beta=1.0, threshold=20.0)"
    assert repr(nn.Softmax(dim=-1)) == "Softmax(dim=-1)"
    assert repr(nn.LogSoftmax(1)) == "LogSoftmax(dim=1)"
    assert repr(nn.Hardtanh()) == "Hardtanh(min_val=-1.0, max_val=1.0)"
    assert repr(nn.ReLU6()) == "ReLU6()"
    assert repr(nn.Tanh()) == "Tanh()" and repr(nn.Sigmoid()) == "Sigmoid()"
    assert repr(nn.PReLU()) == "PReLU(num_parameters=1)"
    assert repr(nn.Mish()) == "Mish()"


def test_inplace_activation_writes_into_its_input():
    x = mt.tensor([-1.0, 2.0])
    y = nn.ReLU(inplace=True)(x)
    assert y is x and x.tolist() == [0.0, 2.0]
    x = mt.tensor([-1.0, 2.0])
    nn.LeakyReLU(0.5, inplace=True)(x)
    assert x.tolist() == [-0.5, 2.0]
    a = mt.tensor([-1.0, 2.0], requires_grad=True)
    h = a * 1.0
    y = nn.ReLU(inplace=True)(h)                      # relu_ is tracked by autograd
    assert y is h
    y.sum().backward()
    assert a.grad.tolist() == [0.0, 1.0]
    a.grad = None
    h = a * 1.0
    y = nn.SiLU(inplace=True)(h)       # in the graph: a new tensor (backward needs the input)
    y.sum().backward()
    s = 1 / (1 + np.exp(-np.array([-1.0, 2.0])))
    assert np.allclose(host(a.grad), s * (1 + np.array([-1.0, 2.0]) * (1 - s)))


def test_activation_errors():
    with pytest.raises(ValueError, match=r"Hardtanh\(\): max_val \(0\) must be greater than "
                                         r"min_val \(1\)"):
        nn.Hardtanh(1, 0)
    with pytest.raises(RuntimeError, match="approximate argument must be either none or tanh"):
        nn.GELU("erf")(mt.zeros(1))
    with pytest.raises(RuntimeError, match="halving dimension must be even"):
        nn.GLU()(mt.zeros(2, 3))


def test_batchnorm_loads_a_state_dict_without_the_batch_counter():
    """An older checkpoint (or a dict built by hand) without num_batches_tracked loads, as in
    PyTorch: the counter stays as it was, and the caller's dict is not changed."""
    trained = nn.BatchNorm1d(2)
    trained(randn(4, 2))
    state = {k: v for k, v in trained.state_dict().items() if k != "num_batches_tracked"}
    m = nn.Sequential(nn.BatchNorm1d(2))
    m[0].num_batches_tracked.fill_(5)
    assert m.load_state_dict({"0." + k: v for k, v in state.items()}).missing_keys == []
    assert m[0].num_batches_tracked.item() == 5 and "num_batches_tracked" not in state
    assert mt.equal(m[0].running_mean, trained.running_mean)
    with pytest.raises(RuntimeError, match='Missing key.*"running_mean"'):
        nn.BatchNorm1d(2).load_state_dict({})
