"""Losses, functional and module forms, against NumPy references for every reduction and
option; gradients by gradcheck; stability; errors."""
import warnings

import numpy as np
import pytest

import mytorch as mt
from mytorch import nn
from mytorch.autograd import gradcheck
import mytorch.nn.functional as F

REDUCTIONS = ["mean", "sum", "none"]
RNG = np.random.default_rng(0)


def host(t):
    return t.detach().cpu().numpy()


def T(a, device="cpu", grad=False):
    return mt.tensor(np.asarray(a), device=device, requires_grad=grad)


def reduce(loss, reduction):
    return {"mean": loss.mean(), "sum": loss.sum(), "none": loss}[reduction]


def np_log_softmax(x, axis=1):
    m = x.max(axis=axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))


def np_cross_entropy(x, y, weight=None, ignore_index=-100, reduction="mean", smoothing=0.0):
    """PyTorch's definition, written out for class indices; x: (N, C, *), y: (N, *)."""
    logp = np_log_softmax(x, 1)
    c = x.shape[1]
    w = np.ones(c) if weight is None else weight
    keep = y != ignore_index
    safe = np.where(keep, y, 0)
    picked = np.take_along_axis(logp, safe[:, None], 1)[:, 0]
    wy = w[safe] * keep
    nll = -picked * wy
    wshape = (1, c) + (1,) * (x.ndim - 2)
    smooth = -(logp * w.reshape(wshape)).sum(1) * keep
    if reduction == "none":
        return (1 - smoothing) * nll + smoothing / c * smooth
    if reduction == "sum":
        return (1 - smoothing) * nll.sum() + smoothing / c * smooth.sum()
    return ((1 - smoothing) * nll.sum() + smoothing / c * smooth.sum()) / wy.sum()


# ---- cross entropy and nll ----------------------------------------------------------------

@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("smoothing", [0.0, 0.2])
def test_cross_entropy_class_indices(reduction, weighted, smoothing, device):
    x = RNG.normal(size=(6, 4))
    y = np.array([0, 3, 1, -100, 2, 3])
    w = RNG.uniform(0.5, 2.0, 4) if weighted else None
    got = F.cross_entropy(T(x, device), T(y, device), weight=None if w is None else T(w, device),
                          reduction=reduction, label_smoothing=smoothing)
    expected = np_cross_entropy(x, y, w, reduction=reduction, smoothing=smoothing)
    assert np.allclose(host(got), expected)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_spatial_targets(reduction, device):
    x = RNG.normal(size=(2, 3, 4, 5))
    y = RNG.integers(0, 3, size=(2, 4, 5))
    y[0, 0, 0] = 7                                        # a custom ignore_index
    w = np.array([1.0, 2.0, 0.5])
    got = F.cross_entropy(T(x, device), T(y, device), weight=T(w, device), ignore_index=7,
                          reduction=reduction, label_smoothing=0.1)
    expected = np_cross_entropy(x, y, w, ignore_index=7, reduction=reduction, smoothing=0.1)
    assert np.allclose(host(got), expected)


def test_cross_entropy_unbatched_and_module():
    x = RNG.normal(size=4)
    got = F.cross_entropy(T(x), T(np.array(2)))
    assert np.isclose(got.item(), -np_log_softmax(x[None], 1)[0, 2])
    m = nn.CrossEntropyLoss(weight=mt.ones(4), ignore_index=1, label_smoothing=0.1)
    assert list(m.state_dict()) == ["weight"]
    assert repr(m) == "CrossEntropyLoss()"
    xb, yb = RNG.normal(size=(5, 4)), np.array([0, 1, 2, 3, 1])
    assert np.isclose(m(T(xb), T(yb)).item(),
                      np_cross_entropy(xb, yb, np.ones(4), ignore_index=1, smoothing=0.1))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_cross_entropy_class_probabilities(reduction, weighted, device):
    x = RNG.normal(size=(5, 3, 2))
    p = RNG.dirichlet(np.ones(3), size=(5, 2)).transpose(0, 2, 1)
    w = np.array([0.3, 1.0, 2.0]) if weighted else np.ones(3)
    got = F.cross_entropy(T(x, device), T(p, device), weight=T(w, device) if weighted else None,
                          reduction=reduction, label_smoothing=0.25)
    q = p * 0.75 + 0.25 / 3
    per = -(np_log_softmax(x, 1) * q * w[None, :, None]).sum(1)
    expected = {"none": per, "sum": per.sum(), "mean": per.sum() / 10}[reduction]
    assert np.allclose(host(got), expected)


def test_cross_entropy_gradients():
    x = T(RNG.normal(size=(4, 3)), grad=True)
    y = T(np.array([0, 2, -100, 1]))
    w = T(np.array([1.0, 2.0, 0.5]))
    assert gradcheck(lambda x: F.cross_entropy(x, y, weight=w, label_smoothing=0.1), (x,))
    assert gradcheck(lambda x: F.cross_entropy(x, y, reduction="none"), (x,))
    p = T(RNG.dirichlet(np.ones(3), size=4), grad=True)
    assert gradcheck(lambda x, p: F.cross_entropy(x, p), (x, p))


def test_cross_entropy_is_stable_for_large_logits():
    x = mt.tensor([[1000.0, -1000.0], [-1000.0, 1000.0]], requires_grad=True)
    loss = F.cross_entropy(x, mt.tensor([1, 1]))
    loss.backward()
    assert np.isclose(loss.item(), 1000.0) and np.isfinite(host(x.grad)).all()


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_loss(reduction, device):
    logp = np_log_softmax(RNG.normal(size=(5, 3)))
    y = np.array([2, 0, 1, 1, 0])
    w = np.array([0.2, 1.0, 3.0])
    got = F.nll_loss(T(logp, device), T(y, device), weight=T(w, device), ignore_index=0,
                     reduction=reduction)
    per = -logp[np.arange(5), y] * w[y] * (y != 0)
    expected = {"none": per, "sum": per.sum(), "mean": per.sum() / (w[y] * (y != 0)).sum()}
    assert np.allclose(host(got), expected[reduction])
    m = nn.NLLLoss(reduction=reduction)
    assert np.allclose(host(m(T(logp), T(y))), reduce(-logp[np.arange(5), y], reduction))
    assert gradcheck(lambda x: F.nll_loss(x, T(y), weight=T(w)), (T(logp, grad=True),))


def test_class_target_errors():
    x = mt.zeros(3, 4)
    with pytest.raises(ValueError, match=r"Expected input batch_size \(3\) to match target "
                                         r"batch_size \(2\)"):
        F.cross_entropy(x, mt.tensor([0, 1]))
    with pytest.raises(IndexError, match="Target 4 is out of bounds."):
        F.cross_entropy(x, mt.tensor([0, 1, 4]))
    with pytest.raises(IndexError, match="Target -3 is out of bounds."):
        F.nll_loss(x, mt.tensor([0, 1, -3]))
    with pytest.raises(RuntimeError, match="expected target of class indices"):
        F.nll_loss(x, mt.zeros(3))
    with pytest.raises(RuntimeError, match="a target of class probabilities must have the "
                                           r"input's shape \(3, 4\), got \(3, 5\)"):
        F.cross_entropy(x, mt.zeros(3, 5))
    with pytest.raises(RuntimeError, match=r"weight must hold one value per class \(4\)"):
        F.cross_entropy(x, mt.tensor([0, 1, 2]), weight=mt.ones(3))
    with pytest.raises(ValueError, match="label_smoothing must be between 0.0 and 1.0. Got: 1.5"):
        F.cross_entropy(x, mt.tensor([0, 1, 2]), label_smoothing=1.5)
    with pytest.raises(ValueError, match="avg is not a valid value for reduction"):
        F.cross_entropy(x, mt.tensor([0, 1, 2]), reduction="avg")
    with pytest.raises(RuntimeError, match=r"needs a target of shape \(3, 5\), got \(3, 4\)"):
        F.cross_entropy(mt.zeros(3, 2, 5), mt.zeros(3, 4, dtype=mt.int64))


# ---- regression losses --------------------------------------------------------------------

def np_smooth_l1(d, beta):
    a = np.abs(d)
    return np.where(a < beta, 0.5 * d * d / beta, a - 0.5 * beta)


def np_huber(d, delta):
    a = np.abs(d)
    return np.where(a < delta, 0.5 * d * d, delta * (a - 0.5 * delta))


REGRESSION = [
    ("mse", lambda x, y, r: F.mse_loss(x, y, reduction=r), lambda d: d * d),
    ("l1", lambda x, y, r: F.l1_loss(x, y, reduction=r), np.abs),
    ("smooth_l1", lambda x, y, r: F.smooth_l1_loss(x, y, reduction=r, beta=0.5),
     lambda d: np_smooth_l1(d, 0.5)),
    ("smooth_l1_beta0", lambda x, y, r: F.smooth_l1_loss(x, y, reduction=r, beta=0.0), np.abs),
    ("huber", lambda x, y, r: F.huber_loss(x, y, reduction=r, delta=0.7),
     lambda d: np_huber(d, 0.7)),
    ("mse_module", lambda x, y, r: nn.MSELoss(reduction=r)(x, y), lambda d: d * d),
    ("l1_module", lambda x, y, r: nn.L1Loss(reduction=r)(x, y), np.abs),
    ("smooth_l1_module", lambda x, y, r: nn.SmoothL1Loss(reduction=r, beta=2.0)(x, y),
     lambda d: np_smooth_l1(d, 2.0)),
    ("huber_module", lambda x, y, r: nn.HuberLoss(reduction=r, delta=2.0)(x, y),
     lambda d: np_huber(d, 2.0)),
]


@pytest.mark.parametrize("name, fn, ref", REGRESSION, ids=[r[0] for r in REGRESSION])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_regression_losses(name, fn, ref, reduction, device):
    x = RNG.normal(size=(3, 4)) * 2
    y = RNG.normal(size=(3, 4))
    got = fn(T(x, device), T(y, device), reduction)
    assert np.allclose(host(got), reduce(ref(x - y), reduction))
    if reduction == "mean":
        assert gradcheck(lambda a, b: fn(a, b, "none"), (T(x, grad=True), T(y, grad=True)))


def test_regression_loss_errors_and_warnings():
    with pytest.warns(UserWarning, match=r"Using a target size \(mytorch.Size\(\[3, 1\]\)\) that "
                                         "is different to the input size"):
        F.mse_loss(mt.zeros(3), mt.zeros(3, 1))
    with pytest.raises(RuntimeError, match="smooth_l1_loss does not support negative values "
                                           "for beta."):
        F.smooth_l1_loss(mt.zeros(2), mt.zeros(2), beta=-1.0)
    with pytest.raises(RuntimeError, match="huber_loss does not support non-positive values "
                                           "for delta."):
        F.huber_loss(mt.zeros(2), mt.zeros(2), delta=0.0)
    with pytest.raises(ValueError, match="bogus is not a valid value for reduction"):
        F.l1_loss(mt.zeros(2), mt.zeros(2), reduction="bogus")


def test_legacy_size_average_and_reduce():
    x, y = mt.tensor([1.0, 3.0]), mt.zeros(2)
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated, "
                                         "please use reduction='sum' instead."):
        assert F.mse_loss(x, y, size_average=False).item() == 10.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert nn.L1Loss(reduce=False)(x, y).tolist() == [1.0, 3.0]


# ---- binary cross-entropy ----------------------------------------------------------------

@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy(reduction, device):
    p = RNG.uniform(0.05, 0.95, size=(4, 3))
    y = RNG.uniform(size=(4, 3))
    w = RNG.uniform(0.5, 2, size=(3,))
    got = F.binary_cross_entropy(T(p, device), T(y, device), weight=T(w, device),
                                 reduction=reduction)
    per = -w * (y * np.log(p) + (1 - y) * np.log(1 - p))
    assert np.allclose(host(got), reduce(per, reduction))
    assert np.allclose(host(nn.BCELoss(reduction=reduction)(T(p), T(y))),
                       reduce(per / w, reduction))
    assert gradcheck(lambda a, b: F.binary_cross_entropy(a, b, reduction="none"),
                     (T(p, grad=True), T(y, grad=True)))


def test_binary_cross_entropy_clamps_the_log():
    loss = F.binary_cross_entropy(mt.tensor([0.0, 1.0]), mt.tensor([1.0, 0.0]), reduction="none")
    assert loss.tolist() == [100.0, 100.0]


def test_binary_cross_entropy_errors():
    with pytest.raises(ValueError, match="Using a target size .* that is different to the input "
                                         "size .* is deprecated"):
        F.binary_cross_entropy(mt.full((3,), 0.5), mt.zeros(3, 1))
    with pytest.raises(RuntimeError, match="all elements of input should be between 0 and 1"):
        F.binary_cross_entropy(mt.tensor([1.5]), mt.tensor([1.0]))
    with pytest.raises(ValueError, match=r"Target size \(mytorch.Size\(\[2\]\)\) must be the "
                                         r"same as input size \(mytorch.Size\(\[3\]\)\)"):
        F.binary_cross_entropy_with_logits(mt.zeros(3), mt.zeros(2))
    for loss in (F.binary_cross_entropy, F.binary_cross_entropy_with_logits):
        with pytest.raises(RuntimeError, match="Found dtype mytorch.int64 but expected "
                                               "mytorch.float32"):
            loss(mt.full((2,), 0.5), mt.tensor([1, 0]))


@pytest.mark.parametrize("loss", [
    lambda x, y: F.cross_entropy(x, y),
    lambda x, y: F.cross_entropy(x, y, label_smoothing=0.1),
    lambda x, y: F.cross_entropy(x, y, weight=mt.tensor([1.0, 2.0, 3.0], dtype=mt.float64)),
    lambda x, y: F.nll_loss(F.log_softmax(x, 1), y),
    lambda x, y: F.cross_entropy(x.unsqueeze(2), y.unsqueeze(1)),
], ids=["ce", "smoothing", "weight", "nll", "spatial"])
def test_a_batch_whose_targets_are_all_ignored_has_a_nan_loss_and_zero_gradients(loss):
    """As PyTorch: the mean over no targets is NaN, but the gradient is zero (no warning), so a
    batch of padding does not put NaN into every weight."""
    x = mt.tensor([[1.0, 2.0, 3.0], [1.0, 0.0, -1.0]], dtype=mt.float64, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = loss(x, mt.tensor([-100, -100]))
        out.backward()
    assert np.isnan(out.item()) and np.array_equal(x.grad.numpy(), np.zeros((2, 3)))


def np_bce_logits(x, y, w=1.0, pw=1.0):
    log_sig = -np.logaddexp(0, -x)
    log_one_minus = -np.logaddexp(0, x)
    return -w * (pw * y * log_sig + (1 - y) * log_one_minus)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy_with_logits(reduction, device):
    x = RNG.normal(size=(4, 3)) * 3
    y = (RNG.uniform(size=(4, 3)) > 0.5).astype(np.float64)
    w = RNG.uniform(0.5, 2, size=(4, 1))
    pw = np.array([1.0, 3.0, 0.5])
    got = F.binary_cross_entropy_with_logits(T(x, device), T(y, device), weight=T(w, device),
                                             pos_weight=T(pw, device), reduction=reduction)
    assert np.allclose(host(got), reduce(np_bce_logits(x, y, w, pw), reduction))
    m = nn.BCEWithLogitsLoss(pos_weight=T(pw), reduction=reduction)
    assert list(m.state_dict()) == ["pos_weight"]
    assert np.allclose(host(m(T(x), T(y))), reduce(np_bce_logits(x, y, pw=pw), reduction))
    assert gradcheck(lambda a, b: F.binary_cross_entropy_with_logits(a, b, pos_weight=T(pw)),
                     (T(x, grad=True), T(y, grad=True)))


def test_binary_cross_entropy_with_logits_is_stable():
    x = mt.tensor([-200.0, -50.0, 50.0, 200.0], requires_grad=True)
    y = mt.tensor([1.0, 0.0, 1.0, 0.0])
    loss = F.binary_cross_entropy_with_logits(x, y, reduction="none")
    assert np.allclose(host(loss), [200.0, 0.0, 0.0, 200.0])
    loss.sum().backward()
    assert np.allclose(host(x.grad), [-1.0, 0.0, 0.0, 1.0])


# ---- KL divergence -----------------------------------------------------------------------

@pytest.mark.parametrize("reduction", ["batchmean", "sum", "none", "mean"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div(reduction, log_target, device):
    x = np_log_softmax(RNG.normal(size=(4, 5)))
    q = RNG.dirichlet(np.ones(5), size=4)
    q[0, 0] = 0.0                                       # 0·log 0 counts as 0
    target = np.log(q + 1e-300) if log_target else q
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = F.kl_div(T(x, device), T(target, device), reduction=reduction,
                       log_target=log_target)
    per = np.where(q > 0, q * (np.log(np.where(q > 0, q, 1)) - x), 0.0)
    expected = per.sum() / 4 if reduction == "batchmean" else reduce(per, reduction)
    assert np.allclose(host(got), expected)


def test_kl_div_grad_module_and_warning():
    x = T(np_log_softmax(RNG.normal(size=(3, 4))), grad=True)
    q = T(RNG.dirichlet(np.ones(4), size=3), grad=True)
    assert gradcheck(lambda a, b: F.kl_div(a, b, reduction="batchmean"), (x, q))
    assert gradcheck(lambda a, b: F.kl_div(a, b, reduction="sum", log_target=True),
                     (x, T(np.log(host(q)), grad=True)))
    with pytest.warns(UserWarning, match="reduction: 'mean' divides the total loss by both"):
        nn.KLDivLoss()(x, q)
    assert np.isclose(nn.KLDivLoss(reduction="batchmean")(x, q).item(),
                      F.kl_div(x, q, reduction="sum").item() / 3)


# ---- focal loss --------------------------------------------------------------------------

@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_sigmoid_focal_loss(reduction, device):
    x = RNG.normal(size=(5, 3)) * 2
    y = (RNG.uniform(size=(5, 3)) > 0.6).astype(np.float64)
    p = 1 / (1 + np.exp(-x))
    p_t = p * y + (1 - p) * (1 - y)
    alpha_t = 0.25 * y + 0.75 * (1 - y)
    per = -alpha_t * (1 - p_t) ** 2 * np.log(p_t)
    got = F.sigmoid_focal_loss(T(x, device), T(y, device), reduction=reduction)
    assert np.allclose(host(got), reduce(per, reduction))
    plain = F.sigmoid_focal_loss(T(x), T(y), alpha=-1, gamma=0, reduction=reduction)
    assert np.allclose(host(plain), reduce(np_bce_logits(x, y), reduction))
    assert gradcheck(lambda a: F.sigmoid_focal_loss(a, T(y), gamma=1.5), (T(x, grad=True),))
