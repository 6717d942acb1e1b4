"""hardshrink/softshrink, rrelu, the in-place activations, alpha dropout, the margin losses
(multi_margin, multilabel_margin, multilabel_soft_margin, soft_margin,
triplet_margin_with_distance), pdist and the CosineSimilarity / PairwiseDistance modules:
what the op table (tests/optable/activation_extra.py) does not check: modules and reprs, the
in-place contract, randomness, shapes, legacy reductions, values from torch 2.13, errors."""
import math

import numpy as np
import pytest

import mytorch as mt
from mytorch import nn
import mytorch.nn.functional as F

SELU_SATURATION = 1.6732632423543772848170429916717 * 1.0507009873554804934193349852946


def T(a, grad=False):
    return mt.tensor(np.asarray(a, dtype=np.float64), dtype=mt.float64, requires_grad=grad)


def host(t):
    return t.detach().cpu().numpy()


# the batch torch 2.13's numbers below were computed on
X = [[0.1, 0.2, 0.4, 0.8], [0.3, -0.2, 0.5, 0.1]]


# ---- modules: reprs and forwards ----------------------------------------------------------------

def test_reprs_match_pytorch():
    assert repr(nn.Hardshrink()) == "Hardshrink(0.5)"
    assert repr(nn.Softshrink(0.3)) == "Softshrink(0.3)"
    assert repr(nn.RReLU()) == "RReLU(lower=0.125, upper=0.3333333333333333)"
    assert repr(nn.RReLU(0.1, 0.2, True)) == "RReLU(lower=0.1, upper=0.2, inplace=True)"
    assert repr(nn.AlphaDropout()) == "AlphaDropout(p=0.5, inplace=False)"
    assert repr(nn.FeatureAlphaDropout(0.2)) == "FeatureAlphaDropout(p=0.2, inplace=False)"
    for m in ("CosineSimilarity", "PairwiseDistance", "MultiMarginLoss", "SoftMarginLoss",
              "MultiLabelMarginLoss", "MultiLabelSoftMarginLoss"):
        assert repr(getattr(nn, m)()) == m + "()"
    assert repr(nn.TripletMarginWithDistanceLoss()) == \
        "TripletMarginWithDistanceLoss(\n  (distance_function): PairwiseDistance()\n)"


def test_activation_modules_call_the_functions():
    x = T([-1.0, -0.4, 0.2, 0.9])
    assert host(nn.Hardshrink(0.3)(x)).tolist() == [-1.0, -0.4, 0.0, 0.9]
    np.testing.assert_allclose(host(nn.Softshrink(0.3)(x)), [-0.7, -0.1, 0.0, 0.6])
    np.testing.assert_allclose(host(x.hardshrink()), [-1.0, 0.0, 0.0, 0.9])
    np.testing.assert_allclose(host(nn.RReLU(0.1, 0.3).eval()(x)), [-0.2, -0.08, 0.2, 0.9])


def test_shrinks_keep_nan():
    x = mt.tensor([float("nan"), 0.1])
    assert math.isnan(F.hardshrink(x)[0].item()) and math.isnan(F.softshrink(x)[0].item())


def test_distance_modules():
    a, b = T(X[0]), T(X[1])
    np.testing.assert_allclose(nn.CosineSimilarity(0)(a, b).item(), 0.46894510, atol=1e-8)
    d = nn.PairwiseDistance(1, keepdim=True)
    assert d.norm == 1 and d.eps == 1e-6
    np.testing.assert_allclose(host(d(a, b)), [1.4], atol=1e-5)   # torch 2.13: 1.4000


# ---- the in-place activations -------------------------------------------------------------------

INPLACE = [
    (F.relu_, (), lambda x: np.maximum(x, 0)),
    (F.elu_, (0.5,), lambda x: np.where(x > 0, x, 0.5 * np.expm1(x))),
    (F.selu_, (), lambda x: 1.0507009873554804934 * np.where(x > 0, x, 1.6732632423543772 *
                                                               np.expm1(x))),
    (F.celu_, (2.0,), lambda x: np.where(x > 0, x, 2.0 * np.expm1(x / 2))),
    (F.leaky_relu_, (0.1,), lambda x: np.where(x > 0, x, 0.1 * x)),
    (F.hardtanh_, (-0.5, 0.5), lambda x: np.clip(x, -0.5, 0.5)),
    (F.threshold_, (0.0, 7.0), lambda x: np.where(x > 0, x, 7.0)),
    (F.rrelu_, (0.2, 0.4), lambda x: np.where(x > 0, x, 0.3 * x)),
]


@pytest.mark.parametrize("op, args, ref", INPLACE, ids=lambda v: getattr(v, "__name__", ""))
def test_inplace_writes_into_its_input_and_records_it(op, args, ref):
    values = np.array([-1.5, -0.2, 0.3, 2.0])
    x = T(values)
    assert op(x, *args) is x and x._version == 1
    np.testing.assert_allclose(host(x), ref(values))
    a = T(values, grad=True)
    h = a * 1.0
    assert op(h, *args) is h
    h.sum().backward()
    eps = 1e-6
    want = (ref(values + eps) - ref(values - eps)) / (2 * eps)
    np.testing.assert_allclose(host(a.grad), want, atol=1e-6)


def test_top_level_inplace_activations_are_the_functional_ones():
    for name in ("relu_", "selu_", "celu_", "threshold_", "rrelu_"):
        assert getattr(mt, name) is getattr(F, name)
    assert mt.pdist is F.pdist


def test_inplace_modules_write_into_their_input():
    for module in (nn.ELU(inplace=True), nn.CELU(inplace=True), nn.SELU(inplace=True),
                   nn.LeakyReLU(inplace=True), nn.Hardtanh(inplace=True),
                   nn.ReLU6(inplace=True), nn.Threshold(0.0, 1.0, inplace=True),
                   nn.RReLU(inplace=True)):
        x = mt.tensor([-1.0, 2.0])
        assert module(x) is x and x.tolist() != [-1.0, 2.0]
    a = mt.tensor([-1.0, 2.0], requires_grad=True)
    h = a * 1.0
    assert nn.ELU(inplace=True)(h) is h             # in the graph too, as PyTorch
    h.sum().backward()
    np.testing.assert_allclose(host(a.grad), [math.exp(-1.0), 1.0], rtol=1e-6)


def test_inplace_on_a_leaf_that_requires_grad_is_refused():
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in "
                                           "an in-place operation"):
        F.elu_(mt.zeros(2, requires_grad=True))


def test_inplace_output_changed_again_refuses_backward():
    a = mt.tensor([-1.0, 2.0], requires_grad=True)
    h = a * 1.0
    F.elu_(h)
    h.mul_(2.0)            # elu_'s backward reads its output, which mul_ has just changed
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        h.sum().backward()


# ---- rrelu ----------------------------------------------------------------------------------------

def test_rrelu_draws_a_slope_per_negative_element_in_training():
    mt.manual_seed(0)
    x = -mt.ones(10000)
    slopes = host(-F.rrelu(x, 0.1, 0.4, training=True))
    assert slopes.min() >= 0.1 and slopes.max() <= 0.4 and len(np.unique(slopes)) > 100
    assert abs(slopes.mean() - 0.25) < 0.01
    assert F.rrelu(mt.ones(5), training=True).tolist() == [1.0] * 5
    mt.manual_seed(0)
    np.testing.assert_array_equal(host(-F.rrelu(x, 0.1, 0.4, training=True)), slopes)


def test_rrelu_module_follows_train_and_eval():
    m = nn.RReLU(0.1, 0.5)
    x = -mt.ones(1000)
    assert len(np.unique(host(m(x)))) > 1
    assert np.all(host(m.eval()(x)) == np.float32(-0.3))


def test_rrelu_gradient_is_the_drawn_slope():
    x = mt.tensor([-2.0, -1.0, 3.0], requires_grad=True)
    y = mt.rrelu(x, 0.1, 0.9, True, generator=mt.Generator().manual_seed(3))
    y.sum().backward()
    np.testing.assert_allclose(host(x.grad), host(y) / host(x), rtol=1e-6)


def test_rrelu_bounds_in_the_wrong_order():
    with pytest.raises(RuntimeError, match="Lower bound should be less than or equal to the "
                                           "upper bound"):
        F.rrelu(mt.zeros(2), 0.5, 0.1)


# ---- alpha dropout ------------------------------------------------------------------------------

def _alpha_constants(p):
    a = 1 / math.sqrt((1 - p) * (1 + p * SELU_SATURATION ** 2))
    return a, SELU_SATURATION * a * p, SELU_SATURATION * a * (p - 1)


def test_alpha_dropout_values_and_gradient():
    p = 0.3
    x = T(np.linspace(-2, 2, 200), grad=True)
    y = mt.alpha_dropout(x, p, True, generator=mt.Generator().manual_seed(0))
    a, kept_shift, dropped = _alpha_constants(p)
    kept = np.isclose(host(y), a * host(x) + kept_shift)
    assert np.all(kept | np.isclose(host(y), dropped)) and 100 < kept.sum() < 180
    y.sum().backward()
    np.testing.assert_allclose(host(x.grad), np.where(kept, a, 0.0))


def test_alpha_dropout_keeps_mean_and_variance_of_selu_activations():
    mt.manual_seed(0)
    x = mt.randn(400000, dtype=mt.float64)
    for p in (0.2, 0.5):
        y = host(F.alpha_dropout(x, p, training=True))
        assert abs(y.mean()) < 0.01 and abs(y.var() - 1) < 0.01


def test_alpha_dropout_identity_and_edge_cases():
    x = mt.randn(3, 4)
    assert F.alpha_dropout(x) is x                   # training=False by default, as PyTorch
    assert F.alpha_dropout(x, 0.0, True) is x
    assert nn.AlphaDropout().eval()(x) is x
    assert host(F.alpha_dropout(x, 1.0, True)).tolist() == [[0.0] * 4] * 3
    y = x.clone()
    assert F.alpha_dropout(y, 0.5, True, inplace=True) is y


def test_feature_alpha_dropout_drops_whole_channels():
    mt.manual_seed(1)
    x = mt.randn(4, 6, 3, 3)
    y = host(nn.FeatureAlphaDropout(0.5)(x))
    _, _, dropped = _alpha_constants(0.5)
    channel_dropped = np.all(np.isclose(y, dropped), axis=(2, 3))
    assert channel_dropped.any() and not channel_dropped.all()
    assert not np.any(np.isclose(y, dropped).any((2, 3)) & ~channel_dropped)


def test_feature_alpha_dropout_needs_two_dimensions():
    with pytest.raises(RuntimeError, match="Feature dropout requires at least 2 dimensions in "
                                           "the input"):
        F.feature_alpha_dropout(mt.ones(3), 0.5, True)


def test_alpha_dropout_probability_out_of_range():
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got "
                                         "1.5"):
        F.alpha_dropout(mt.ones(3), 1.5, True)
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1"):
        nn.AlphaDropout(-0.1)


# ---- losses: torch 2.13's values, shapes, reductions ------------------------------------------

def test_multi_margin_loss_matches_torch():
    x, y = T(X, grad=True), mt.tensor([3, 0])
    w = T([1.0, 2.0, 3.0, 4.0])
    np.testing.assert_allclose(host(F.multi_margin_loss(x, y, reduction="none")), [0.325, 0.625])
    loss = nn.MultiMarginLoss(p=2, margin=0.7, weight=w)(x, y)
    np.testing.assert_allclose(loss.item(), 0.1875)
    loss.backward()
    np.testing.assert_allclose(host(x.grad), [[0.0, 0.1, 0.3, -0.4],
                                              [-0.4, 0.05, 0.225, 0.125]], atol=1e-12)


def test_multi_margin_loss_output_takes_the_target_shape():
    x = T(X[0])
    assert F.multi_margin_loss(x, mt.tensor(3), reduction="none").shape == ()
    assert F.multi_margin_loss(x, mt.tensor([3]), reduction="none").shape == (1,)


def test_multilabel_margin_loss_matches_torch():
    x, t = T(X, grad=True), mt.tensor([[3, 0, -1, 1], [1, 2, 1, -1]])
    np.testing.assert_allclose(host(F.multilabel_margin_loss(x, t, reduction="none")),
                               [0.85, 1.75])
    loss = nn.MultiLabelMarginLoss()(x, t)
    np.testing.assert_allclose(loss.item(), 1.3)
    loss.backward()
    np.testing.assert_allclose(host(x.grad), [[-0.25, 0.25, 0.25, -0.25],
                                              [0.375, -0.5, -0.25, 0.375]], atol=1e-12)
    assert F.multilabel_margin_loss(T(X[0]), t[0], reduction="none").shape == ()


def test_soft_margin_losses_match_torch():
    x = T(X)
    y = T([[1.0, -1, 1, -1], [-1, 1, 1, 1]])
    np.testing.assert_allclose(nn.SoftMarginLoss()(x, y).item(), 0.73720240, atol=1e-8)
    np.testing.assert_allclose(nn.SoftMarginLoss(reduction="sum")(x, y).item(), 5.89761921,
                               atol=1e-8)
    m = nn.MultiLabelSoftMarginLoss(weight=T([1.0, 2, 3, 4]), reduction="none")
    np.testing.assert_allclose(host(m(x, (y > 0).double())), [2.11603070, 1.61261264], atol=1e-8)
    assert list(m.state_dict()) == ["weight"]
    np.testing.assert_allclose(
        F.multilabel_soft_margin_loss(x, (y > 0).long()).item(), 0.73720240, atol=1e-8)


def test_soft_margin_loss_is_stable_for_large_margins():
    loss = F.soft_margin_loss(T([-800.0, 800.0]), T([1.0, 1.0]), reduction="none")
    np.testing.assert_allclose(host(loss), [800.0, 0.0])


def test_triplet_margin_with_distance_loss_matches_torch():
    a = T([[0.5, -1.0, 2.0], [1.5, 0.2, -0.3]])
    p = T([[0.4, -0.8, 1.0], [-1.5, 0.7, 0.3]])
    n = T([[0.1, -1.1, 2.2], [1.0, 0.0, -0.5]])
    np.testing.assert_allclose(
        host(F.triplet_margin_with_distance_loss(a, p, n, reduction="none")),
        [1.5664377308, 3.5255427816], atol=1e-9)
    l1 = nn.TripletMarginWithDistanceLoss(distance_function=lambda u, v: (u - v).abs().sum(-1),
                                          margin=2.0, swap=True, reduction="none")
    np.testing.assert_allclose(host(l1(a, p, n)), [2.6, 5.2], atol=1e-12)
    by_module = nn.TripletMarginWithDistanceLoss(distance_function=nn.PairwiseDistance(p=1))
    assert isinstance(dict(by_module.named_children())["distance_function"], nn.PairwiseDistance)
    np.testing.assert_allclose(by_module(a, p, n).item(),
                               F.triplet_margin_loss(a, p, n, p=1).item())


@pytest.mark.parametrize("call", [
    lambda **kw: F.multi_margin_loss(T(X), mt.tensor([3, 0]), **kw),
    lambda **kw: F.multilabel_margin_loss(T(X), mt.tensor([[3, -1, 0, 0], [1, 2, -1, 0]]), **kw),
    lambda **kw: F.soft_margin_loss(T(X), T([[1.0, -1, 1, -1], [-1, 1, 1, 1]]), **kw),
    lambda **kw: F.multilabel_soft_margin_loss(T(X), T([[1.0, 0, 1, 0], [0, 1, 1, 1]]), **kw),
])
def test_legacy_size_average_and_reduce(call):
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
        summed = call(size_average=False)
    np.testing.assert_allclose(summed.item(), call(reduction="sum").item())
    with pytest.warns(UserWarning):
        kept = call(reduce=False)
    np.testing.assert_allclose(host(kept), host(call(reduction="none")))


# ---- pdist ----------------------------------------------------------------------------------------

def test_pdist_matches_torch_and_has_zero_gradient_at_zero_distance():
    z = T([[0.0, 1, 2], [1, 1, 1], [0, 1, 2], [3, -1, 0.5]], grad=True)
    d = F.pdist(z)
    np.testing.assert_allclose(host(d), [1.41421356, 0.0, 3.90512484, 1.41421356, 2.87228132,
                                         3.90512484], atol=1e-8)
    d.sum().backward()
    np.testing.assert_allclose(host(z.grad), [[-1.47532806, 0.51214752, 1.09121742],
                                              [0.71790294, 0.69631062, -1.24013591],
                                              [-1.47532806, 0.51214752, 1.09121742],
                                              [2.23275318, -1.72060566, -0.94229894]],
                               atol=1e-8)


def test_pdist_of_fewer_than_two_rows_is_empty():
    assert mt.pdist(mt.ones(1, 3)).shape == (0,) and mt.pdist(mt.ones(0, 3)).shape == (0,)


# ---- errors -------------------------------------------------------------------------------------

def test_softshrink_negative_lambda():
    with pytest.raises(RuntimeError, match=r"lambda must be in range \[0, 3.40282e\+38\] for "
                                           r"input dtype Float, but found -1"):
        nn.Softshrink(-1.0)(mt.ones(2))


def test_shrink_of_integers():
    with pytest.raises(NotImplementedError, match="\"hardshrink\" not implemented for 'Long'"):
        mt.hardshrink(mt.tensor([1, 2]))


def test_celu_inplace_alpha_zero():
    with pytest.raises(RuntimeError, match="alpha cannot be 0 for CELU"):
        F.celu_(mt.ones(2), 0.0)


def test_multi_margin_p_must_be_1_or_2():
    with pytest.raises(ValueError, match="only p == 1 and p == 2 supported"):
        F.multi_margin_loss(T(X), mt.tensor([3, 0]), p=3)
    with pytest.raises(ValueError, match="only p == 1 and p == 2 supported"):
        nn.MultiMarginLoss(p=3)


def test_multi_margin_weight_must_be_1d():
    with pytest.raises(ValueError, match="MultiMarginLoss: expected weight to be None or 1D "
                                         "tensor, got 2D instead"):
        nn.MultiMarginLoss(weight=mt.ones(2, 2))
    with pytest.raises(RuntimeError, match=r"inconsistent weight size, expected 4 but got \[3\]"):
        F.multi_margin_loss(T(X), mt.tensor([3, 0]), weight=mt.ones(3, dtype=mt.float64))


def test_multi_margin_target_errors():
    with pytest.raises(RuntimeError, match="target out of range"):
        F.multi_margin_loss(T(X), mt.tensor([4, 0]))
    with pytest.raises(RuntimeError, match="expected scalar type Long but found Float"):
        F.multi_margin_loss(T(X), mt.tensor([1.0, 0.0]))
    with pytest.raises(RuntimeError, match=r"Expected target size \[2\], but got \[3\]"):
        F.multi_margin_loss(T(X), mt.tensor([1, 0, 2]))


def test_margin_losses_need_a_vector_or_matrix():
    for loss in (F.multi_margin_loss, F.multilabel_margin_loss):
        with pytest.raises(RuntimeError, match=r"Expected non-empty vector or matrix with "
                                               r"optional 0-dim batch size, but got: \[2, 3, 4\]"):
            loss(mt.zeros(2, 3, 4), mt.zeros(2, 3, 4, dtype=mt.int64))


def test_multilabel_margin_target_errors():
    with pytest.raises(RuntimeError, match=r"inconsistent target size: \[2, 3\] for input of "
                                           r"size: \[2, 4\]"):
        F.multilabel_margin_loss(T(X), mt.zeros(2, 3, dtype=mt.int64))
    with pytest.raises(RuntimeError, match="argument #2 'target' is out of range"):
        F.multilabel_margin_loss(T(X), mt.tensor([[-1, 5, 0, 0], [1, 2, 1, -1]]))
    with pytest.raises(RuntimeError, match="expected scalar type Long but found Double"):
        F.multilabel_margin_loss(T(X), T([[1.0, -1, 0, 0]] * 2))


def test_invalid_reductions():
    with pytest.raises(ValueError, match="bad is not valid"):
        F.multilabel_soft_margin_loss(T(X), T(X), reduction="bad")
    with pytest.raises(ValueError, match="bad is not a valid value for reduction"):
        F.soft_margin_loss(T(X), T(X), reduction="bad")


def test_triplet_margin_with_distance_errors():
    with pytest.raises(ValueError, match="margin must be greater than 0, got 0"):
        F.triplet_margin_with_distance_loss(T(X), T(X), T(X), margin=0)
    with pytest.raises(ValueError, match="TripletMarginWithDistanceLoss: expected margin to be "
                                         "greater than 0, got -1 instead"):
        nn.TripletMarginWithDistanceLoss(margin=-1)
    with pytest.raises(RuntimeError, match="anchor 2D, positive 2D, and negative 1D inputs"):
        F.triplet_margin_with_distance_loss(T(X), T(X), T(X[0]))


def test_pdist_errors():
    with pytest.raises(RuntimeError, match="pdist only supports 2D tensors, got: 1D"):
        F.pdist(mt.ones(3))
    with pytest.raises(RuntimeError, match="pdist only supports non-negative p values"):
        F.pdist(mt.ones(3, 2), -1)
    with pytest.raises(RuntimeError, match="pdist only supports floating-point dtypes"):
        F.pdist(mt.ones(3, 2, dtype=mt.int64))
