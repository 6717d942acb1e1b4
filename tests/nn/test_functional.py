"""nn.functional on its own (the stateless forms, their errors, double backward) and nn.utils
(gradient clipping, flat vectors); a short training run whose loss must fall."""
import math

import numpy as np
import pytest

import mytorch as mt
from mytorch import nn
from mytorch.autograd import gradcheck, gradgradcheck
import mytorch.nn.functional as F

RNG = np.random.default_rng(1)


def host(t):
    return t.detach().cpu().numpy()


def T(a, device="cpu", grad=False):
    return mt.tensor(np.asarray(a), device=device, requires_grad=grad)


def test_linear_and_bilinear(device):
    x, w, b = RNG.normal(size=(2, 3)), RNG.normal(size=(4, 3)), RNG.normal(size=4)
    assert np.allclose(host(F.linear(T(x, device), T(w, device), T(b, device))), x @ w.T + b)
    assert np.allclose(host(F.linear(T(x, device), T(w, device))), x @ w.T)
    a = RNG.normal(size=(5, 3, 2))
    x2 = RNG.normal(size=(2, 2))
    got = F.bilinear(T(x, device), T(x2, device), T(a, device))
    assert np.allclose(host(got), np.einsum("ni,oij,nj->no", x, a, x2))
    with pytest.raises(RuntimeError, match=r"linear\(\): input of shape \(2, 3\) and weight of "
                                           r"shape \(4, 2\): the last dimension of input must "
                                           r"be 2"):
        F.linear(T(x), T(w[:, :2]))
    with pytest.raises(RuntimeError, match="bilinear.*their last dimensions must be 3 and 2"):
        F.bilinear(T(x2), T(x2), T(a))


def test_linear_double_backward():
    x, w, b = (T(RNG.normal(size=s), grad=True) for s in [(2, 3), (4, 3), (4,)])
    assert gradgradcheck(F.linear, (x, w, b))


def test_normalization_functional_forms(device):
    x = RNG.normal(size=(3, 4, 5))
    xt = T(x, device)
    ln = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-5)
    assert np.allclose(host(F.layer_norm(xt, (5,))), ln)
    assert np.allclose(host(F.layer_norm(xt, 5, eps=0.0)),
                       (x - x.mean(-1, keepdims=True)) / x.std(-1, keepdims=True))
    rms = x / np.sqrt((x ** 2).mean((1, 2), keepdims=True) + 1e-6)
    assert np.allclose(host(F.rms_norm(xt, (4, 5), eps=1e-6)), rms)
    g = x.reshape(3, 2, 10)
    gn = ((g - g.mean(-1, keepdims=True)) / np.sqrt(g.var(-1, keepdims=True) + 1e-5))
    assert np.allclose(host(F.group_norm(xt, 2)), gn.reshape(3, 4, 5))
    rm, rv = mt.zeros(4, dtype=mt.float64, device=device), mt.ones(4, dtype=mt.float64,
                                                                  device=device)
    out = F.batch_norm(xt, rm, rv, training=True, momentum=0.5)
    mean, var = x.mean((0, 2)), x.var((0, 2))
    assert np.allclose(host(out), (x - mean[:, None]) / np.sqrt(var[:, None] + 1e-5))
    assert np.allclose(host(rm), 0.5 * mean)
    assert np.allclose(host(rv), 0.5 + 0.5 * x.var((0, 2), ddof=1))
    with pytest.raises(RuntimeError, match="group_norm.*C divisible by num_groups=3"):
        F.group_norm(xt, 3)
    with pytest.raises(ValueError, match="running_mean and running_var are needed"):
        F.batch_norm(xt, None, None, training=False)
    with pytest.raises(RuntimeError, match=r"rms_norm\(\): given normalized_shape=\[4\]"):
        F.rms_norm(xt, 4)


def test_layer_norm_double_backward():
    x = T(RNG.normal(size=(2, 4)), grad=True)
    w = T(RNG.normal(size=4), grad=True)
    b = T(RNG.normal(size=4), grad=True)
    assert gradgradcheck(lambda x, w, b: F.layer_norm(x, (4,), w, b), (x, w, b))


def test_embedding_one_hot_normalize(device):
    w = T(RNG.normal(size=(5, 2)), device)
    idx = mt.tensor([[4, 0], [1, 1]], device=device)
    assert np.allclose(host(F.embedding(idx, w)), host(w)[host(idx)])
    oh = F.one_hot(mt.tensor([0, 2, 1], device=device))
    assert oh.dtype is mt.int64 and host(oh).tolist() == [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
    assert F.one_hot(mt.tensor([1]), num_classes=4).tolist() == [[0, 1, 0, 0]]
    with pytest.raises(RuntimeError, match="one_hot is only applicable to index tensor"):
        F.one_hot(mt.zeros(2))
    x = RNG.normal(size=(3, 4))
    assert np.allclose(host(F.normalize(T(x, device))),
                       x / np.linalg.norm(x, axis=1, keepdims=True))
    assert np.allclose(host(F.normalize(T(x), p=1, dim=0)),
                       x / np.abs(x).sum(0, keepdims=True))


def test_dropout_functional():
    x = mt.ones(100, 100)
    assert F.dropout(x, 0.3, training=False) is x
    kept = host(F.dropout(x, 0.3)) != 0
    assert abs(kept.mean() - 0.7) < 0.02
    y = mt.ones(10)
    assert F.dropout(y, 0.5, inplace=True) is y
    assert F.dropout(x, 1.0).abs().sum().item() == 0


def test_softmax_implicit_dim_warns():
    x = mt.randn(2, 3)
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax has been "
                                         "deprecated"):
        y = F.softmax(x)
    assert mt.allclose(y, F.softmax(x, dim=1))
    v = mt.randn(3)
    with pytest.warns(UserWarning, match="Implicit dimension choice for log_softmax"):
        z = F.log_softmax(v)
    assert mt.allclose(z, F.log_softmax(v, 0))
    assert F.softmax(x, 1, dtype=mt.float64).dtype is mt.float64


def test_functional_activations_match_modules():
    x = T(RNG.normal(size=(3, 4)), grad=True)
    pairs = [(F.relu(x), nn.ReLU()(x)), (F.gelu(x, approximate="tanh"), nn.GELU("tanh")(x)),
             (F.leaky_relu(x, 0.3), nn.LeakyReLU(0.3)(x)), (F.elu(x), nn.ELU()(x)),
             (F.silu(x), nn.SiLU()(x)), (F.mish(x), nn.Mish()(x)), (F.tanh(x), nn.Tanh()(x)),
             (F.sigmoid(x), nn.Sigmoid()(x)), (F.softplus(x), nn.Softplus()(x)),
             (F.hardtanh(x), nn.Hardtanh()(x)), (F.relu6(x), nn.ReLU6()(x)),
             (F.softsign(x), nn.Softsign()(x)), (F.selu(x), nn.SELU()(x)),
             (F.logsigmoid(x), nn.LogSigmoid()(x)), (F.glu(x, 1), nn.GLU(1)(x))]
    for a, b in pairs:
        assert mt.allclose(a, b)
    assert gradcheck(lambda x: F.prelu(x, T([0.1, 0.2, 0.3, 0.4], grad=True)), (x,))
    with pytest.raises(ValueError, match=r"hardtanh\(\): min_val \(2\) cannot be greater than "
                                         r"max_val \(1\)"):
        F.hardtanh(x, 2, 1)


# ---- nn.utils ------------------------------------------------------------------------------

def _with_grads(device="cpu"):
    ps = [nn.Parameter(mt.zeros(3, device=device)), nn.Parameter(mt.zeros(2, 2, device=device)),
          nn.Parameter(mt.zeros(1, device=device))]
    grads = [np.array([3.0, -4.0, 1.0]), np.array([[2.0, 0.5], [-1.0, 0.0]]), None]
    for p, g in zip(ps, grads):
        if g is not None:
            p.grad = mt.tensor(g, dtype=mt.float32, device=device)
    return ps, np.concatenate([grads[0].ravel(), grads[1].ravel()])


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, math.inf])
def test_clip_grad_norm(norm_type, device):
    ps, flat = _with_grads(device)
    expected = np.abs(flat).max() if math.isinf(norm_type) else \
        (np.abs(flat) ** norm_type).sum() ** (1 / norm_type)
    total = nn.utils.clip_grad_norm_(ps, max_norm=1.0, norm_type=norm_type)
    assert np.isclose(total.item(), expected, rtol=1e-5)
    clipped = np.concatenate([host(ps[0].grad).ravel(), host(ps[1].grad).ravel()])
    assert np.allclose(clipped, flat / (expected + 1e-6), rtol=1e-5)
    ps, flat = _with_grads(device)
    nn.utils.clip_grad_norm_(ps, max_norm=100.0, norm_type=norm_type)    # under the limit
    assert np.allclose(host(ps[0].grad), flat[:3])


def test_clip_grad_norm_edge_cases():
    p = nn.Parameter(mt.zeros(2))
    assert nn.utils.clip_grad_norm_(p, 1.0).item() == 0.0        # no gradients at all
    p.grad = mt.tensor([float("inf"), 1.0])
    with pytest.raises(RuntimeError, match="The total norm of order 2.0 for gradients from "
                                           "`parameters` is non-finite"):
        nn.utils.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)


def test_clip_grad_value(device):
    ps, flat = _with_grads(device)
    nn.utils.clip_grad_value_(ps, 1.5)
    assert np.allclose(host(ps[0].grad), np.clip(flat[:3], -1.5, 1.5))
    assert ps[2].grad is None


def test_parameters_to_vector_and_back(device):
    m = nn.Linear(3, 2).to(device)
    v = nn.utils.parameters_to_vector(m.parameters())
    assert v.shape == (8,)
    assert np.allclose(host(v), np.concatenate([host(m.weight).ravel(), host(m.bias)]))
    w = m.weight
    nn.utils.vector_to_parameters(mt.arange(8.0, device=device), m.parameters())
    assert m.weight is w and host(m.weight).tolist() == [[0, 1, 2], [3, 4, 5]]
    assert host(m.bias).tolist() == [6, 7]
    with pytest.raises(TypeError, match="expected mytorch.Tensor, but got: list"):
        nn.utils.vector_to_parameters([1.0], m.parameters())
    with pytest.raises(RuntimeError, match=r"expected a 1-D vector of 8 elements"):
        nn.utils.vector_to_parameters(mt.zeros(7, device=device), m.parameters())
    with pytest.raises(TypeError, match="expected an iterable of Tensors"):
        nn.utils.parameters_to_vector(m.weight)


def test_parameters_on_two_devices_are_refused():
    ps = [nn.Parameter(mt.zeros(1)), nn.Parameter(mt.zeros(1, device="strict"))]
    with pytest.raises(TypeError, match="Found two parameters on different devices"):
        nn.utils.parameters_to_vector(ps)


# ---- a small model learns -----------------------------------------------------------------

def test_mlp_training_loss_falls(device):
    mt.manual_seed(0)
    x = mt.randn(64, 4, device=device)
    y = (x[:, 0] * x[:, 1] > 0).long()
    model = nn.Sequential(nn.Linear(4, 32), nn.GELU(), nn.LayerNorm(32), nn.Dropout(0.1),
                          nn.Linear(32, 2)).to(device)
    losses = []
    for _ in range(60):
        loss = F.cross_entropy(model(x), y, label_smoothing=0.05)
        model.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        with mt.no_grad():
            for p in model.parameters():
                p.sub_(0.2 * p.grad)
        losses.append(loss.item())
    assert losses[-1] < 0.6 * losses[0]
