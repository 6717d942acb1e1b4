"""nn.EmbeddingBag / F.embedding_bag against a NumPy loop over the bags, the lazy modules
(LazyLinear, LazyConv*, LazyBatchNorm*, LazyInstanceNorm* and their placeholders) and
nn.AdaptiveLogSoftmaxWithLoss, with PyTorch's printed forms and errors."""
import copy
import math

import numpy as np
import pytest

import mytorch as mt
from mytorch import nn
import mytorch.nn.functional as F
from mytorch.autograd import gradcheck, gradgradcheck
from mytorch.nn import UninitializedBuffer, UninitializedParameter
from mytorch.nn.parameter import is_lazy


def host(t):
    return t.detach().cpu().numpy()


# ---- EmbeddingBag ----------------------------------------------------------------------------

def bags_reference(weight, input, offsets, mode, weights=None, include_last_offset=False,
                   padding_idx=None):
    """The bags one by one: rows picked, padding left out, reduced; an empty bag is zeros."""
    ends = list(offsets[1:]) + ([] if include_last_offset else [len(input)])
    starts = offsets[:-1] if include_last_offset else offsets
    out = []
    for lo, hi in zip(starts, ends):
        keep = [i for i in range(lo, hi) if input[i] != padding_idx]
        rows = weight[[input[i] for i in keep]]
        if weights is not None:
            rows = rows * weights[keep][:, None]
        if not keep:
            out.append(np.zeros(weight.shape[1]))
        else:
            out.append({"sum": rows.sum(0), "mean": rows.mean(0), "max": rows.max(0)}[mode])
    return np.array(out).reshape(len(out), weight.shape[1])


INPUT = [0, 2, 2, 5, 1, 0, 3, 1]
OFFSETS = [0, 3, 3, 6]          # bags [0, 2, 2], [], [5, 1, 0], [3, 1]


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("padding_idx", [None, 2])
def test_bags_match_numpy(device, mode, padding_idx):
    w = np.random.default_rng(0).normal(size=(6, 3))
    out = F.embedding_bag(mt.tensor(INPUT, device=device), mt.tensor(w, device=device),
                          mt.tensor(OFFSETS, device=device), mode=mode, padding_idx=padding_idx)
    expect = bags_reference(w, INPUT, OFFSETS, mode, padding_idx=padding_idx)
    np.testing.assert_allclose(host(out), expect, atol=1e-12)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_include_last_offset_ends_the_last_bag(device, mode):
    w = np.random.default_rng(1).normal(size=(6, 3))
    offsets = [0, 3, 3, 6]      # three bags; input[6:] belongs to none of them
    out = F.embedding_bag(mt.tensor(INPUT, device=device), mt.tensor(w, device=device),
                          mt.tensor(offsets, device=device), mode=mode, include_last_offset=True)
    assert out.shape == (3, 3)
    np.testing.assert_allclose(host(out), bags_reference(w, INPUT, offsets, mode,
                                                         include_last_offset=True), atol=1e-12)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_2d_input_is_bags_of_equal_length(device, mode):
    w = mt.randn(6, 4, device=device)
    x = mt.tensor([[0, 2, 5], [1, 1, 3]], device=device)
    flat = F.embedding_bag(x.reshape(-1), w, mt.tensor([0, 3], device=device), mode=mode)
    out = F.embedding_bag(x, w, mode=mode)
    assert out.shape == (2, 4) and out.dtype == mt.float32
    assert mt.allclose(out, flat)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("input, offsets, last, shape", [
    ([0, 1], [0], True, (0, 3)), ([0, 1], [], False, (0, 3)), ([], [0, 0], False, (2, 3)),
    (np.zeros((2, 0), int), None, False, (2, 3)), (np.zeros((0, 3), int), None, False, (0, 3))])
def test_no_bags_and_empty_bags(mode, input, offsets, last, shape):
    w = mt.randn(5, 3, requires_grad=True)
    offsets = None if offsets is None else mt.tensor(offsets, dtype=mt.int64)
    out = F.embedding_bag(mt.tensor(input, dtype=mt.int64), w, offsets, mode=mode,
                          include_last_offset=last)
    assert out.shape == shape and out.requires_grad and mt.equal(out, mt.zeros(shape))
    out.sum().backward()
    assert mt.equal(w.grad, mt.zeros(5, 3))


def test_per_sample_weights_scale_the_rows(device):
    rng = np.random.default_rng(2)
    w, s = rng.normal(size=(6, 3)), rng.normal(size=len(INPUT))
    out = F.embedding_bag(mt.tensor(INPUT, device=device), mt.tensor(w, device=device),
                          mt.tensor(OFFSETS, device=device), mode="sum",
                          per_sample_weights=mt.tensor(s, device=device), padding_idx=1)
    np.testing.assert_allclose(host(out), bags_reference(w, INPUT, OFFSETS, "sum", s,
                                                         padding_idx=1), atol=1e-12)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_gradients_of_both_orders(device, mode):
    w = mt.randn(6, 3, dtype=mt.float64, device=device, requires_grad=True)
    x, off = mt.tensor(INPUT, device=device), mt.tensor(OFFSETS, device=device)
    f = lambda t: F.embedding_bag(x, t, off, mode=mode, padding_idx=2)   # noqa: E731
    assert gradcheck(f, (w,))
    assert gradgradcheck(f, (w,))


def test_gradient_with_respect_to_per_sample_weights(device):
    w = mt.randn(6, 3, dtype=mt.float64, device=device, requires_grad=True)
    s = mt.randn(len(INPUT), dtype=mt.float64, device=device, requires_grad=True)
    x, off = mt.tensor(INPUT, device=device), mt.tensor(OFFSETS, device=device)
    f = lambda t, u: F.embedding_bag(x, t, off, mode="sum", per_sample_weights=u)  # noqa: E731
    assert gradcheck(f, (w, s))
    assert gradgradcheck(f, (w, s))


def test_padding_row_gets_no_gradient_and_no_count():
    w = mt.randn(5, 3, requires_grad=True)
    s = mt.ones(4, requires_grad=True)
    out = F.embedding_bag(mt.tensor([0, 1, 2, 3]), w, mt.tensor([0, 2]), mode="sum",
                          per_sample_weights=s, padding_idx=1)
    out.sum().backward()
    assert mt.equal(w.grad[1], mt.zeros(3)) and s.grad[1].item() == 0
    mean = F.embedding_bag(mt.tensor([[1, 1, 2]]), w, mode="mean", padding_idx=1)
    assert mt.allclose(mean[0], w[2])            # one row counted, not three


def test_max_sends_the_gradient_to_the_first_maximum():
    # checked against torch 2.13: ties go to the first row of the bag
    w = mt.tensor([[1., 2.], [1., 0.]], requires_grad=True)
    F.embedding_bag(mt.tensor([[0, 1]]), w, mode="max").sum().backward()
    assert w.grad.tolist() == [[1., 1.], [0., 0.]]


def test_max_norm_renormalizes_the_rows_used_in_place():
    # the numbers of torch 2.13 for the same call
    w = mt.tensor([[3., 4.], [0.3, 0.4], [6., 8.]])
    out = F.embedding_bag(mt.tensor([0, 1]), w, mt.tensor([0]), max_norm=1.0, mode="sum")
    assert mt.allclose(out, mt.tensor([[0.9, 1.2]]))
    assert mt.allclose(w, mt.tensor([[0.6, 0.8], [0.3, 0.4], [6., 8.]]))


def test_module_matches_functional_and_prints_as_pytorch():
    bag = nn.EmbeddingBag(10, 3, mode="sum", padding_idx=-2, max_norm=1.0)
    assert repr(bag) == "EmbeddingBag(10, 3, max_norm=1.0, mode='sum', padding_idx=8)"
    assert repr(nn.EmbeddingBag(5, 2)) == "EmbeddingBag(5, 2, mode='mean')"
    assert mt.equal(bag.weight[8], mt.zeros(3))
    x, off = mt.tensor([1, 8, 3, 4]), mt.tensor([0, 1])
    assert mt.equal(bag(x, off), F.embedding_bag(x, bag.weight, off, 1.0, mode="sum",
                                                 padding_idx=8))
    s = mt.rand(4)
    assert mt.allclose(bag(x, off, s), F.embedding_bag(x, bag.weight, off, mode="sum",
                                                       per_sample_weights=s, padding_idx=8))
    tail = nn.EmbeddingBag(10, 3, include_last_offset=True)
    assert tail(x, mt.tensor([0, 1, 4])).shape == (2, 3)


def test_from_pretrained_is_frozen_unless_asked():
    table = mt.tensor([[1., 2.], [3., 4.], [5., 6.]])
    bag = nn.EmbeddingBag.from_pretrained(table, mode="max")
    assert not bag.weight.requires_grad and mt.equal(bag.weight, table)
    assert bag(mt.tensor([[0, 2]])).tolist() == [[5., 6.]]
    assert nn.EmbeddingBag.from_pretrained(table, freeze=False).weight.requires_grad
    with pytest.raises(AssertionError, match="Embeddings parameter is expected to be 2-dim"):
        nn.EmbeddingBag.from_pretrained(mt.ones(3))


def test_module_rejects_padding_idx_and_weight_of_the_wrong_size():
    with pytest.raises(AssertionError, match="padding_idx must be within num_embeddings"):
        nn.EmbeddingBag(5, 3, padding_idx=5)
    with pytest.raises(AssertionError, match="Shape of weight does not match"):
        nn.EmbeddingBag(5, 3, _weight=mt.ones(4, 3))


W = mt.randn(5, 3)
I4 = mt.tensor([0, 1, 2, 3])


@pytest.mark.parametrize("call, error, match", [
    (lambda: F.embedding_bag(I4, W, mt.tensor([1, 2])), RuntimeError, r"offsets\[0\] has to be 0"),
    (lambda: F.embedding_bag(I4, W, mt.tensor([0, 5])), RuntimeError,
     r"offsets\[-1\] can not be greater than input's length 4 but got offsets\[-1\] of 5"),
    (lambda: F.embedding_bag(I4, W, mt.tensor([0, 3, 2])), RuntimeError, "non-decreasing"),
    (lambda: F.embedding_bag(I4, W, mt.tensor([0., 1.])), RuntimeError,
     "offsets of integer dtype"),
    (lambda: F.embedding_bag(I4, W, mt.tensor([], dtype=mt.int64), include_last_offset=True),
     RuntimeError, "number of offset should be at least 1"),
    (lambda: F.embedding_bag(mt.tensor([0, 7]), W, mt.tensor([0])), IndexError,
     "index 7 is out of range"),
    (lambda: F.embedding_bag(mt.tensor([0., 1.]), W, mt.tensor([0])), RuntimeError,
     "integer dtype"),
    (lambda: F.embedding_bag(I4, W.unsqueeze(0), mt.tensor([0])), ValueError,
     "weight has to be a 2D Tensor, but got Tensor of dimension 3"),
    (lambda: F.embedding_bag(I4, W, mt.tensor([[0]])), ValueError, "offsets has to be a 1D"),
    (lambda: F.embedding_bag(I4.reshape(2, 2), W, mt.tensor([0])), ValueError,
     "if input is 2D, then offsets has to be None"),
    (lambda: F.embedding_bag(I4, W), ValueError, "offsets has to be a 1D Tensor but got None"),
    (lambda: F.embedding_bag(I4.reshape(1, 2, 2), W), ValueError,
     "input has to be 1D or 2D Tensor, but got Tensor of dimension 3"),
    (lambda: F.embedding_bag(I4, W, mt.tensor([0]), per_sample_weights=mt.ones(3), mode="sum"),
     ValueError, "must have the same shape as the input"),
    (lambda: F.embedding_bag(I4, W, mt.tensor([0]), per_sample_weights=mt.ones(4)),
     NotImplementedError, "only supported for mode='sum' \\(got mode='mean'\\)"),
    (lambda: F.embedding_bag(I4, W, mt.tensor([0]), mode="sum",
                             per_sample_weights=mt.ones(4, dtype=mt.float64)),
     RuntimeError, "per_sample_weights of dtype mytorch.float64 must have the dtype of weight"),
    (lambda: F.embedding_bag(I4, W, mt.tensor([0]), mode="min"), ValueError,
     "mode has to be one of sum, mean or max"),
    (lambda: F.embedding_bag(I4, W, mt.tensor([0]), mode="max", sparse=True), ValueError,
     "max mode does not support sparse weights"),
    (lambda: F.embedding_bag(I4, W, mt.tensor([0]), mode="max", scale_grad_by_freq=True),
     ValueError, "max mode does not support scaling the gradient"),
    (lambda: F.embedding_bag(I4, W, mt.tensor([0]), padding_idx=9), RuntimeError,
     "padding_idx must be within the number of embeddings, -5 through 4, but got 9"),
    (lambda: F.embedding_bag(I4, W, mt.tensor([0]), sparse=True), NotImplementedError,
     "not supported by mytorch"),
])
def test_embedding_bag_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ---- lazy modules ----------------------------------------------------------------------------

def test_lazy_linear_infers_in_features_and_becomes_linear():
    m = nn.LazyLinear(4)
    assert repr(m) == "LazyLinear(in_features=0, out_features=4, bias=True)"
    assert is_lazy(m.weight) and m.has_uninitialized_params()
    y = m(mt.randn(2, 7))
    assert type(m) is nn.Linear and y.shape == (2, 4)
    assert repr(m) == "Linear(in_features=7, out_features=4, bias=True)"
    assert type(m.weight) is nn.Parameter and m.weight.shape == (4, 7)
    assert m.bias.shape == (4,) and not hasattr(m, "_initialize_hook")
    bound = 1 / math.sqrt(7)                     # PyTorch's default init, U(−1/√in, 1/√in)
    assert m.weight.abs().max().item() <= bound and m.bias.abs().max().item() <= bound
    assert len(m._forward_pre_hooks) == 0
    plain = nn.LazyLinear(3, bias=False)
    plain(mt.randn(5))
    assert plain.bias is None and plain.weight.shape == (3, 5)


@pytest.mark.parametrize("lazy, plain, n", [
    (nn.LazyConv1d, nn.Conv1d, 1), (nn.LazyConv2d, nn.Conv2d, 2), (nn.LazyConv3d, nn.Conv3d, 3),
    (nn.LazyConvTranspose1d, nn.ConvTranspose1d, 1),
    (nn.LazyConvTranspose2d, nn.ConvTranspose2d, 2),
    (nn.LazyConvTranspose3d, nn.ConvTranspose3d, 3)])
def test_lazy_convolutions_infer_in_channels(lazy, plain, n):
    m = lazy(6, 3, groups=2)
    assert repr(m).startswith(f"{lazy.__name__}(0, 6, kernel_size={(3,) * n}")
    x = mt.randn(2, 4, *(5,) * n)
    y = m(x)
    assert type(m) is plain and m.in_channels == 4
    transposed = plain.__name__.startswith("ConvTranspose")
    assert m.weight.shape == ((4, 3) if transposed else (6, 2)) + (3,) * n
    assert mt.equal(y, plain.forward(m, x))
    unbatched = lazy(2, 1)
    assert unbatched(mt.randn(3, *(4,) * n)).shape[0] == 2 and unbatched.in_channels == 3


def test_lazy_convolution_errors():
    with pytest.raises(RuntimeError, match=r"Expected 3D \(unbatched\) or 4D \(batched\) input "
                                           r"to LazyConv2d, but got input of size"):
        nn.LazyConv2d(6, 3)(mt.randn(4, 5))
    with pytest.raises(ValueError, match="in_channels must be divisible by groups"):
        nn.LazyConv2d(6, 3, groups=2)(mt.randn(1, 3, 5, 5))


@pytest.mark.parametrize("lazy, plain, shape", [
    (nn.LazyBatchNorm1d, nn.BatchNorm1d, (4, 3)),
    (nn.LazyBatchNorm2d, nn.BatchNorm2d, (4, 3, 2, 2)),
    (nn.LazyBatchNorm3d, nn.BatchNorm3d, (2, 3, 2, 2, 2)),
    (nn.LazyInstanceNorm1d, nn.InstanceNorm1d, (2, 3, 5)),
    (nn.LazyInstanceNorm2d, nn.InstanceNorm2d, (2, 3, 4, 4)),
    (nn.LazyInstanceNorm3d, nn.InstanceNorm3d, (2, 3, 2, 3, 2))])
def test_lazy_norms_infer_num_features(lazy, plain, shape):
    m = lazy()
    # PyTorch's lazy norms, instance norms included, default to affine and running statistics
    assert repr(m) == (f"{lazy.__name__}(0, eps=1e-05, momentum=0.1, affine=True, bias=True, "
                       "track_running_stats=True)")
    assert type(m.running_mean) is UninitializedBuffer and m.num_batches_tracked.item() == 0
    x = mt.randn(*shape)
    m(x)
    assert type(m) is plain and m.num_features == 3
    assert mt.equal(m.weight, mt.ones(3)) and mt.equal(m.bias, mt.zeros(3))
    assert type(m.running_mean) is mt.Tensor and m.running_var.shape == (3,)
    assert not mt.equal(m.running_mean, mt.zeros(3))        # the first batch was counted


def test_lazy_norms_without_parameters_and_unbatched_instance_norm():
    m = nn.LazyBatchNorm2d(affine=False, track_running_stats=False)
    assert not m.has_uninitialized_params()
    m(mt.randn(2, 3, 4, 4))
    assert type(m) is nn.BatchNorm2d and m.num_features == 3
    inst = nn.LazyInstanceNorm1d()
    assert inst(mt.randn(3, 5)).shape == (3, 5) and inst.num_features == 3   # (C, L)
    with pytest.raises(ValueError, match=r"expected 2D or 3D input \(got 4D input\)"):
        nn.LazyBatchNorm1d()(mt.randn(2, 3, 4, 5))


def test_uninitialized_parameter_and_buffer():
    p = UninitializedParameter(dtype=mt.float64)
    assert repr(p) == "<UninitializedParameter>" and p.requires_grad and p.is_leaf
    with pytest.raises(RuntimeError, match="Can't access the shape of an uninitialized"):
        p.shape
    moved = p.to(mt.float32)
    assert type(moved) is UninitializedParameter and moved.dtype == mt.float32
    assert type(copy.deepcopy(p)) is UninitializedParameter
    p.materialize((2, 3))
    assert type(p) is nn.Parameter and p.shape == (2, 3) and p.dtype == mt.float64
    b = UninitializedBuffer()
    assert repr(b) == "<UninitializedBuffer>" and not b.requires_grad
    b.materialize((4,))
    assert type(b) is mt.Tensor and b.shape == (4,)


def test_lazy_module_follows_to_before_its_first_forward():
    m = nn.Sequential(nn.LazyLinear(3), nn.LazyBatchNorm1d()).double()
    assert is_lazy(m[1].running_mean) and m[1].running_mean.dtype == mt.float64
    m(mt.randn(4, 2, dtype=mt.float64))
    assert m[0].weight.dtype == mt.float64 and m[1].running_var.dtype == mt.float64


def test_optimizer_built_on_uninitialized_parameters_trains_them():
    model = nn.Sequential(nn.LazyLinear(5), nn.ReLU(), nn.LazyLinear(1))
    opt = mt.optim.SGD(model.parameters(), lr=0.1)          # no error, as in PyTorch
    x, y = mt.randn(16, 3), mt.randn(16, 1)
    model(x)
    before = model[0].weight.clone()
    loss = ((model(x) - y) ** 2).mean()
    loss.backward()
    opt.step()
    assert not mt.equal(model[0].weight, before)
    assert opt.param_groups[0]["params"][0] is model[0].weight


def test_state_dict_of_an_uninitialized_module_and_loading_into_one():
    lazy = nn.LazyLinear(4)
    sd = lazy.state_dict()
    assert list(sd) == ["weight", "bias"] and all(is_lazy(v) for v in sd.values())
    nn.LazyLinear(4).load_state_dict(sd)                      # placeholders into placeholders
    source = nn.Linear(3, 4)
    lazy.load_state_dict(source.state_dict())                 # materializes, then copies
    assert type(lazy) is nn.LazyLinear and not lazy.has_uninitialized_params()
    assert mt.equal(lazy.weight, source.weight)
    assert mt.equal(lazy(mt.ones(2, 3)), source(mt.ones(2, 3)))   # loaded, not re-initialised
    assert type(lazy) is nn.Linear and lazy.in_features == 3
    bn = nn.LazyBatchNorm1d()
    bn.load_state_dict(nn.BatchNorm1d(3).state_dict())
    bn(mt.randn(2, 3))
    assert repr(bn).startswith("BatchNorm1d(3,")


def test_loading_placeholders_into_an_initialized_module_fails():
    with pytest.raises(RuntimeError, match="Can't access the shape of an uninitialized"):
        nn.Linear(3, 4).load_state_dict(nn.LazyLinear(4).state_dict())


def test_lazy_mixin_needs_initialize_parameters():
    class Bare(nn.lazy.LazyModuleMixin, nn.Module):
        def forward(self, x):
            return x

    with pytest.raises(NotImplementedError, match="initialize_parameters is not implemented "
                                                  "for Bare"):
        Bare()(mt.ones(1))

    class Forgetful(nn.lazy.LazyModuleMixin, nn.Module):
        def __init__(self):
            super().__init__()
            self.w = UninitializedParameter()

        def initialize_parameters(self, x):
            pass

    with pytest.raises(RuntimeError, match="module Forgetful has not been fully initialized"):
        Forgetful()(mt.ones(1))


# ---- AdaptiveLogSoftmaxWithLoss --------------------------------------------------------------

def adaptive_model():
    """div_value 2, head bias, float64, every tensor N(0, 1) from one NumPy generator."""
    rng = np.random.default_rng(0)
    m = nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 6], div_value=2.0, head_bias=True).double()
    m.load_state_dict({k: mt.tensor(rng.normal(size=tuple(v.shape)))
                       for k, v in m.state_dict().items()})
    return m, mt.tensor(rng.normal(size=(5, 8)), requires_grad=True)


def test_adaptive_softmax_matches_pytorch():
    m, x = adaptive_model()
    out = m(x, mt.tensor([0, 4, 9, 2, 7]))
    assert type(out).__name__ == "_ASMoutput" and out._fields == ("output", "loss")
    # torch 2.13 on the same parameters and input
    np.testing.assert_allclose(host(out.output), [-2.85796195, -1.53402232, -1.40812854,
                                                  -0.39668414, -12.49168039], rtol=1e-7)
    assert out.loss.item() == pytest.approx(3.7376954655518473, rel=1e-12)
    assert repr(m.tail[1]) == ("Sequential(\n  (0): Linear(in_features=8, out_features=2, "
                               "bias=False)\n  (1): Linear(in_features=2, out_features=4, "
                               "bias=False)\n)")
    assert m.head.weight.shape == (5, 8) and m.head.bias is not None


def test_adaptive_softmax_log_prob_predict_and_gradient():
    m, x = adaptive_model()
    lp = m.log_prob(x)
    assert lp.shape == (5, 10) and mt.allclose(lp.exp().sum(1), mt.ones(5, dtype=mt.float64))
    target = mt.tensor([1, 5, 8, 0, 6])
    assert mt.allclose(m(x, target).output, lp.gather(1, target.unsqueeze(1)).squeeze(1))
    assert mt.equal(m.predict(x), lp.argmax(1))
    for rows in ([0], [1, 3], [2, 4]):        # all in the shortlist, mixed, all in clusters
        assert mt.equal(m.predict(x[rows]), lp[rows].argmax(1))
    one = m(x[0], target[0])
    assert one.output.shape == () and one.loss.item() == pytest.approx(-one.output.item())
    assert gradcheck(lambda t: m(t, target).loss, (x,))


@pytest.mark.parametrize("cutoffs, match", [
    ([], "cutoffs should be a sequence of length larger than 0"),
    ([3, 3], "unique, positive integers sorted"), ([0, 4], "unique, positive integers sorted"),
    ([4, 10], "unique, positive integers sorted"), ([5, 2], "unique, positive integers sorted")])
def test_adaptive_softmax_rejects_bad_cutoffs(cutoffs, match):
    with pytest.raises(ValueError, match=match):
        nn.AdaptiveLogSoftmaxWithLoss(8, 10, cutoffs)


@pytest.mark.parametrize("x, target, match", [
    (mt.randn(5, 8), mt.tensor([0, 1]), "same size in the batch dimension"),
    (mt.randn(2, 2, 8), mt.tensor([0, 1]), "1D target tensor expects 2D input tensors"),
    (mt.randn(2, 8), mt.tensor(1), "0D target tensor expects 1D input tensors"),
    (mt.randn(2, 8), mt.tensor([[0, 1]]), "0D or 1D target tensor expected"),
    (mt.randn(2, 8), mt.tensor([0, 10]), r"Target values should be in \[0, 9\], but values in "
                                         r"range \[0, 10\] were found")])
def test_adaptive_softmax_forward_errors(x, target, match):
    with pytest.raises(RuntimeError, match=match):
        nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 6], div_value=2.0)(x, target)
