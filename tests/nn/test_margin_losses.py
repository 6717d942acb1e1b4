"""Margin, embedding and likelihood losses (margin_ranking, hinge_embedding, cosine_embedding,
triplet_margin, poisson_nll, gaussian_nll): values against NumPy formulas for every reduction,
the modules against the functions, gradcheck and gradgradcheck in float64, reprs, errors."""
import warnings

import numpy as np
import pytest

import mytorch as mt
from mytorch import nn
from mytorch.autograd import gradcheck, gradgradcheck
import mytorch.nn.functional as F

REDUCTIONS = ["none", "mean", "sum"]


def T(a, device="cpu", grad=False):
    return mt.tensor(np.asarray(a, dtype=np.float64), dtype=mt.float64, device=device,
                     requires_grad=grad)


def host(t):
    return t.detach().cpu().numpy()


def reduce(loss, reduction):
    return {"none": loss, "mean": loss.mean(), "sum": loss.sum()}[reduction]


def signs(rng, shape):
    return np.where(rng.random(shape) < 0.5, -1.0, 1.0)


# ---- the data, and the losses written out in NumPy ------------------------------------------

def data(name):
    """(float inputs, other inputs, keyword options) for each loss; a fixed seed keeps every
    value away from the kinks of max(0, ·), so central differences are exact there."""
    rng = np.random.default_rng(0)
    if name == "margin_ranking":
        return [rng.normal(size=6), rng.normal(size=6)], [signs(rng, 6)], dict(margin=0.3)
    if name == "hinge_embedding":
        return [rng.normal(size=(3, 4))], [signs(rng, (3, 4))], dict(margin=0.8)
    if name == "cosine_embedding":
        return [rng.normal(size=(5, 4)), rng.normal(size=(5, 4))], [signs(rng, 5)], \
            dict(margin=0.2)
    if name in ("triplet_margin", "triplet_margin_swap", "triplet_margin_l1"):
        opts = {"triplet_margin": dict(margin=1.5), "triplet_margin_swap": dict(swap=True),
                "triplet_margin_l1": dict(p=1, margin=2.0)}[name]
        return [rng.normal(size=(5, 4)) for _ in range(3)], [], opts
    if name in ("poisson_nll", "poisson_nll_full"):
        return [rng.normal(size=(3, 4))], [rng.integers(0, 6, size=(3, 4)).astype(float)], \
            dict(full=name.endswith("full"))
    if name in ("poisson_nll_rate", "poisson_nll_rate_full"):
        return [rng.uniform(0.5, 3.0, size=(3, 4))], \
            [rng.integers(0, 6, size=(3, 4)).astype(float)], \
            dict(log_input=False, full=name.endswith("full"))
    if name in ("gaussian_nll", "gaussian_nll_full"):
        return [rng.normal(size=(3, 4)), rng.normal(size=(3, 4)),
                rng.uniform(0.3, 2.0, size=(3, 4))], [], dict(full=name.endswith("full"))
    raise KeyError(name)


def np_reference(name, floats, others, opts):
    if name == "margin_ranking":
        (x1, x2), (y,) = floats, others
        return np.maximum(0, -y * (x1 - x2) + opts["margin"])
    if name == "hinge_embedding":
        (x,), (y,) = floats, others
        return np.where(y == 1, x, np.maximum(0, opts["margin"] - x))
    if name == "cosine_embedding":
        (x1, x2), (y,) = floats, others
        cos = (x1 * x2).sum(1) / (np.linalg.norm(x1, axis=1) * np.linalg.norm(x2, axis=1))
        return np.where(y == 1, 1 - cos, np.maximum(0, cos - opts["margin"]))
    if name.startswith("triplet_margin"):
        a, p, n = floats
        order, margin = opts.get("p", 2), opts.get("margin", 1.0)

        def dist(u, v):
            return np.linalg.norm(u - v + 1e-6, ord=order, axis=-1)

        d_neg = dist(a, n)
        if opts.get("swap"):
            d_neg = np.minimum(d_neg, dist(p, n))
        return np.maximum(0, margin + dist(a, p) - d_neg)
    if name.startswith("poisson_nll"):
        (x,), (y,) = floats, others
        if opts.get("log_input", True):
            loss = np.exp(x) - y * x
        else:
            loss = x - y * np.log(x + 1e-8)
        if opts["full"]:
            with np.errstate(divide="ignore", invalid="ignore"):
                stirling = y * np.log(y) - y + 0.5 * np.log(2 * np.pi * y)
            loss = loss + np.where(y > 1, stirling, 0.0)
        return loss
    if name.startswith("gaussian_nll"):
        x, y, var = floats
        loss = 0.5 * (np.log(var) + (x - y) ** 2 / var)
        return loss + (0.5 * np.log(2 * np.pi) if opts["full"] else 0.0)
    raise KeyError(name)


FUNCTIONAL = {
    "margin_ranking": F.margin_ranking_loss, "hinge_embedding": F.hinge_embedding_loss,
    "cosine_embedding": F.cosine_embedding_loss, "triplet_margin": F.triplet_margin_loss,
    "triplet_margin_swap": F.triplet_margin_loss, "triplet_margin_l1": F.triplet_margin_loss,
    "poisson_nll": F.poisson_nll_loss, "poisson_nll_full": F.poisson_nll_loss,
    "poisson_nll_rate": F.poisson_nll_loss, "poisson_nll_rate_full": F.poisson_nll_loss,
    "gaussian_nll": F.gaussian_nll_loss, "gaussian_nll_full": F.gaussian_nll_loss,
}
MODULES = {
    "margin_ranking": nn.MarginRankingLoss, "hinge_embedding": nn.HingeEmbeddingLoss,
    "cosine_embedding": nn.CosineEmbeddingLoss, "triplet_margin": nn.TripletMarginLoss,
    "triplet_margin_swap": nn.TripletMarginLoss, "triplet_margin_l1": nn.TripletMarginLoss,
    "poisson_nll": nn.PoissonNLLLoss, "poisson_nll_full": nn.PoissonNLLLoss,
    "poisson_nll_rate": nn.PoissonNLLLoss, "poisson_nll_rate_full": nn.PoissonNLLLoss,
    "gaussian_nll": nn.GaussianNLLLoss, "gaussian_nll_full": nn.GaussianNLLLoss,
}
NAMES = list(FUNCTIONAL)


def call(name, floats, others, opts, reduction, device="cpu"):
    """The functional loss on tensors; gaussian_nll takes (input, target, var), the rest take
    their float inputs first, then the target."""
    args = list(floats) + [T(o, device) for o in others]
    return FUNCTIONAL[name](*args, reduction=reduction, **opts)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", NAMES)
def test_values_match_numpy(name, reduction, device):
    floats, others, opts = data(name)
    got = call(name, [T(f, device) for f in floats], others, opts, reduction, device)
    want = reduce(np_reference(name, floats, others, opts), reduction)
    assert got.shape == np.shape(want)
    np.testing.assert_allclose(host(got), want, rtol=1e-10, atol=1e-12)
    assert float(np.abs(want).sum()) > 0               # the data exercise the loss


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", NAMES)
def test_modules_match_the_functions(name, reduction):
    floats, others, opts = data(name)
    tensors = [T(f) for f in floats]
    module = MODULES[name](reduction=reduction, **opts)
    got = module(*tensors, *[T(o) for o in others])
    np.testing.assert_array_equal(host(got), host(call(name, tensors, others, opts, reduction)))


@pytest.mark.parametrize("name", NAMES)
def test_gradcheck_and_gradgradcheck(name):
    floats, others, opts = data(name)
    inputs = tuple(T(f, grad=True) for f in floats)

    def fn(*xs):
        return call(name, xs, others, opts, "none")

    assert gradcheck(fn, inputs)
    assert gradgradcheck(fn, inputs)


@pytest.mark.parametrize("name", [n for n in NAMES if not n.startswith("gaussian")])
def test_legacy_size_average_and_reduce(name):
    """(gaussian_nll_loss has no legacy arguments, as in PyTorch.)"""
    floats, others, opts = data(name)
    tensors = [T(f) for f in floats]
    with pytest.warns(UserWarning, match="please use reduction='sum' instead"):
        legacy = FUNCTIONAL[name](*tensors, *[T(o) for o in others], size_average=False, **opts)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        module = MODULES[name](reduce=False, **opts)
    assert module.reduction == "none"
    np.testing.assert_allclose(host(legacy), np_reference(name, floats, others, opts).sum(),
                               rtol=1e-10)


@pytest.mark.parametrize("cls", sorted(set(MODULES.values()), key=lambda c: c.__name__))
def test_reprs_are_pytorchs(cls):
    assert repr(cls()) == cls.__name__ + "()"


def test_module_defaults_are_pytorchs():
    assert nn.MarginRankingLoss().margin == 0.0
    assert nn.HingeEmbeddingLoss().margin == 1.0
    assert nn.CosineEmbeddingLoss().margin == 0.0
    t = nn.TripletMarginLoss()
    assert (t.margin, t.p, t.eps, t.swap, t.reduction) == (1.0, 2.0, 1e-6, False, "mean")
    p = nn.PoissonNLLLoss()
    assert (p.log_input, p.full, p.eps) == (True, False, 1e-8)
    g = nn.GaussianNLLLoss()
    assert (g.full, g.eps, g.reduction) == (False, 1e-6, "mean")
    with pytest.raises(TypeError):
        nn.GaussianNLLLoss(True)                     # keyword-only, as in PyTorch


# ---- particular behaviour ----------------------------------------------------------------------

def test_hinge_embedding_counts_both_terms_for_other_labels():
    x, y = T([0.3, 2.0, 0.3]), T([1.0, -1.0, 0.0])
    np.testing.assert_allclose(host(F.hinge_embedding_loss(x, y, reduction="none")),
                               [0.3, 0.0, 0.3 + 0.7])


def test_cosine_embedding_loss_of_single_vectors():
    x1, x2 = T([1.0, 0.0]), T([1.0, 1.0])
    cos = 1 / np.sqrt(2)
    assert F.cosine_embedding_loss(x1, x2, T(1.0)).item() == pytest.approx(1 - cos)
    assert F.cosine_embedding_loss(x1, x2, T(-1.0), margin=0.5).item() == pytest.approx(cos - 0.5)


def test_triplet_swap_uses_the_nearer_negative():
    a, p, n = T([[0.0, 0.0]]), T([[3.0, 0.0]]), T([[4.0, 0.0]])
    plain = F.triplet_margin_loss(a, p, n, margin=1.0, eps=0.0).item()
    swapped = F.triplet_margin_loss(a, p, n, margin=1.0, eps=0.0, swap=True).item()
    assert plain == pytest.approx(0.0) and swapped == pytest.approx(3.0 - 1.0 + 1.0)


def test_poisson_full_drops_stirling_for_targets_up_to_one():
    x, y = T([0.5, 0.5, 0.5]), T([0.0, 1.0, 3.0])
    plain = host(F.poisson_nll_loss(x, y, reduction="none"))
    full = host(F.poisson_nll_loss(x, y, full=True, reduction="none"))
    np.testing.assert_allclose(full[:2], plain[:2])
    assert full[2] - plain[2] == pytest.approx(3 * np.log(3) - 3 + 0.5 * np.log(6 * np.pi))
    assert np.isfinite(full).all()


def test_gaussian_nll_homoscedastic_var_shapes():
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    var = rng.uniform(0.5, 2.0, size=4)
    want = np_reference("gaussian_nll", [x, y, np.repeat(var[:, None], 3, 1)], [],
                        dict(full=False)).mean()
    for v in (T(var), T(var[:, None])):
        assert F.gaussian_nll_loss(T(x), T(y), v).item() == pytest.approx(want, rel=1e-12)
    want_float = np_reference("gaussian_nll", [x, y, np.full((4, 3), 0.7)], [],
                              dict(full=True)).sum()
    assert F.gaussian_nll_loss(T(x), T(y), 0.7, full=True, reduction="sum").item() == \
        pytest.approx(want_float, rel=1e-12)


def test_gaussian_nll_clamps_var_but_passes_its_gradient_through():
    x, y = T([1.0]), T([0.0])
    var = T([1e-8], grad=True)
    loss = F.gaussian_nll_loss(x, y, var, eps=1e-6)
    assert loss.item() == pytest.approx(0.5 * (np.log(1e-6) + 1 / 1e-6))
    loss.backward()
    assert var.grad.item() == pytest.approx(0.5 * (1 / 1e-6 - 1 / 1e-12))


# ---- errors -------------------------------------------------------------------------------------

def test_margin_ranking_needs_equal_dimensions():
    with pytest.raises(RuntimeError, match="margin_ranking_loss : All input tensors should have "
                                           r"same dimension but got sizes: input1: \(3,\)"):
        F.margin_ranking_loss(mt.zeros(3), mt.zeros(3), mt.zeros(3, 1))


def test_cosine_embedding_shape_errors():
    with pytest.raises(RuntimeError, match="0D or 1D target tensor expected, multi-target not "
                                           "supported"):
        F.cosine_embedding_loss(mt.zeros(2, 3), mt.zeros(2, 3), mt.ones(2, 1))
    with pytest.raises(RuntimeError, match=r"1D target tensor expects 2D input tensors, but "
                                           r"found inputs with sizes \(3,\) and \(3,\)"):
        F.cosine_embedding_loss(mt.zeros(3), mt.zeros(3), mt.ones(3))
    with pytest.raises(RuntimeError, match="0D target tensor expects 1D input tensors"):
        F.cosine_embedding_loss(mt.zeros(2, 3), mt.zeros(2, 3), mt.tensor(1.0))


def test_triplet_margin_shape_and_margin_errors():
    with pytest.raises(RuntimeError, match="expected to have the same number of dimensions, but "
                                           "got: anchor 2D, positive 1D, and negative 2D inputs"):
        F.triplet_margin_loss(mt.zeros(2, 3), mt.zeros(3), mt.zeros(2, 3))
    with pytest.raises(ValueError, match="TripletMarginLoss: expected margin to be greater than "
                                         "0, got 0.0 instead"):
        nn.TripletMarginLoss(margin=0.0)


def test_gaussian_nll_errors():
    x = mt.zeros(4, 3)
    with pytest.raises(ValueError, match="var is of incorrect size"):
        F.gaussian_nll_loss(x, x, mt.ones(4, 2))
    with pytest.raises(ValueError, match="var is of incorrect size"):
        F.gaussian_nll_loss(x, x, mt.ones(3))
    with pytest.raises(ValueError, match="var has negative entry/entries"):
        F.gaussian_nll_loss(x, x, -mt.ones(4, 3))
    with pytest.raises(ValueError, match="var has negative entry/entries"):
        F.gaussian_nll_loss(x, x, -1.0)
    with pytest.raises(ValueError, match="bogus is not valid"):
        F.gaussian_nll_loss(x, x, mt.ones(4, 3), reduction="bogus")


@pytest.mark.parametrize("name", [n for n in NAMES if not n.startswith("gaussian")])
def test_invalid_reduction(name):
    floats, others, opts = data(name)
    with pytest.raises(ValueError, match="bogus is not a valid value for reduction"):
        call(name, [T(f) for f in floats], others, opts, "bogus")
