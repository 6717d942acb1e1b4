"""CTC loss (nn.functional.ctc_loss, nn.CTCLoss): PyTorch's numbers, zero_infinity, unbatched
input, the module form, devices, dtypes and every user-facing error. The forward against a
brute-force sum over alignments and gradcheck for each reduction and target layout are op-table
rows (tests/optable/ctc.py)."""
import numpy as np
import pytest

import mytorch as mt
from mytorch import nn
import mytorch.nn.functional as F


def host(t):
    return t.detach().cpu().numpy()


def log_softmax(x, axis=-1):
    m = x.max(axis=axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))


def batch(device="cpu", dtype=mt.float64):
    """logits (12, 3, 6), padded targets with a tripled label, shorter inputs, and the lengths."""
    logits = mt.tensor(np.random.default_rng(1).standard_normal((12, 3, 6)), dtype=dtype,
                       device=device, requires_grad=True)
    targets = mt.tensor([[1, 2, 2, 3, 5], [4, 4, 4, 1, 0], [5, 1, 0, 0, 0]], device=device)
    return logits, targets, mt.tensor([12, 10, 7], device=device), mt.tensor([5, 3, 2],
                                                                               device=device)


def test_matches_pytorch(device):
    logits, targets, in_lengths, tg_lengths = batch(device)
    lp = F.log_softmax(logits, 2)
    losses = F.ctc_loss(lp, targets, in_lengths, tg_lengths, reduction="none")
    # torch 2.13: F.ctc_loss(x.log_softmax(2), ...) on the same numbers
    np.testing.assert_allclose(host(losses), [13.80721356, 13.52681525, 7.85493386], rtol=1e-8)
    loss = F.ctc_loss(lp, targets, in_lengths, tg_lengths)
    assert loss.shape == () and loss.device == logits.device
    np.testing.assert_allclose(loss.item(), 3.732616019377629, rtol=1e-12)
    loss.backward()
    np.testing.assert_allclose(host(logits.grad[9, 1]), [-0.01975811, 0.01736867, 0.01832285,
                                                         0.02196356, -0.06134093, 0.02344397],
                               atol=1e-8)
    np.testing.assert_allclose(host(logits.grad[0, 2]), [-0.03215146, 0.02550214, 0.018533,
                                                         0.05462648, 0.03123048, -0.09774066],
                               atol=1e-8)


def test_mean_divides_by_target_length_then_averages():
    logits, targets, in_lengths, tg_lengths = batch()
    lp = F.log_softmax(logits, 2)
    losses = host(F.ctc_loss(lp, targets, in_lengths, tg_lengths, reduction="none"))
    np.testing.assert_allclose(F.ctc_loss(lp, targets, in_lengths, tg_lengths).item(),
                               np.mean(losses / [5, 3, 2]), rtol=1e-12)
    np.testing.assert_allclose(F.ctc_loss(lp, targets, in_lengths, tg_lengths,
                                          reduction="sum").item(), losses.sum(), rtol=1e-12)
    # a target of length 0 counts as length 1 (PyTorch clamps the divisor)
    empty = F.ctc_loss(lp, targets, in_lengths, (5, 3, 0), reduction="none")
    np.testing.assert_allclose(F.ctc_loss(lp, targets, in_lengths, (5, 3, 0)).item(),
                               np.mean(host(empty) / [5, 3, 1]), rtol=1e-12)


def test_padded_and_concatenated_targets_agree():
    logits, targets, in_lengths, _ = batch()
    lp = F.log_softmax(logits, 2)
    padded = F.ctc_loss(lp, targets, in_lengths, (5, 3, 2), reduction="none")
    flat = mt.tensor([1, 2, 2, 3, 5, 4, 4, 4, 5, 1])
    np.testing.assert_allclose(host(F.ctc_loss(lp, flat, [12, 10, 7], [5, 3, 2],
                                               reduction="none")), host(padded), rtol=1e-12)


def test_frames_past_the_input_length_change_nothing():
    logits, targets, in_lengths, tg_lengths = batch()
    lp = F.log_softmax(logits, 2).detach().requires_grad_()
    loss = F.ctc_loss(lp, targets, in_lengths, tg_lengths, reduction="sum")
    longer = mt.cat([lp, mt.zeros(4, 3, 6, dtype=mt.float64)])       # 4 more frames, unread
    assert F.ctc_loss(longer, targets, in_lengths, tg_lengths, reduction="sum").item() == \
        pytest.approx(loss.item(), rel=1e-12)
    loss.backward()
    assert not host(lp.grad[10:, 1]).any() and not host(lp.grad[7:, 2]).any()
    # for log-probabilities as free inputs, ∂ℓ/∂log yₜ(c) = −(posterior of class c at frame t):
    # each frame read sums to −1
    np.testing.assert_allclose(host(lp.grad[:7].sum(-1)), -1.0, rtol=1e-10)


def test_zero_infinity(device):
    lp = mt.tensor(log_softmax(np.random.default_rng(0).uniform(-2, 2, (3, 2, 3))),
                   device=device, requires_grad=True)
    targets = mt.tensor([[1, 1], [2, 1]], device=device)    # [1, 1] needs 3 frames, has 2
    losses = F.ctc_loss(lp, targets, (2, 3), (2, 2), reduction="none")
    assert np.isinf(host(losses)[0]) and np.isfinite(host(losses)[1])
    losses.sum().backward()
    grad = host(lp.grad)
    assert np.isnan(grad[:2, 0]).all() and (grad[2:, 0] == 0).all()     # as PyTorch
    assert np.isfinite(grad[:, 1]).all()
    kept = grad[:, 1]

    lp.grad = None
    zeroed = F.ctc_loss(lp, targets, (2, 3), (2, 2), reduction="none", zero_infinity=True)
    np.testing.assert_allclose(host(zeroed), [0.0, host(losses)[1]])
    zeroed.sum().backward()
    assert (host(lp.grad)[:, 0] == 0).all()
    np.testing.assert_allclose(host(lp.grad)[:, 1], kept)


def test_target_longer_than_input_is_an_infinite_loss():
    """PyTorch raises no error for a target longer than its input: no alignment exists, the
    loss is +∞ (0 with zero_infinity)."""
    lp = mt.tensor(log_softmax(np.random.default_rng(0).uniform(-2, 2, (5, 1, 4))))
    targets = mt.tensor([[1, 2, 3]])
    assert F.ctc_loss(lp, targets, (2,), (3,), reduction="sum").item() == float("inf")
    assert F.ctc_loss(lp, targets, (2,), (3,), zero_infinity=True).item() == 0.0


def test_unbatched(device):
    x = np.random.default_rng(2).uniform(-2, 2, (6, 4))
    lp = mt.tensor(log_softmax(x), device=device, requires_grad=True)
    targets = mt.tensor([3, 3, 1], device=device)
    loss = F.ctc_loss(lp, targets, mt.tensor(6), mt.tensor(3), reduction="none")
    assert loss.shape == ()
    batched = F.ctc_loss(lp.unsqueeze(1), targets.unsqueeze(0), (6,), (3,), reduction="none")
    np.testing.assert_allclose(loss.item(), host(batched)[0], rtol=1e-12)
    for reduction, want in (("mean", loss.item() / 3), ("sum", loss.item())):
        np.testing.assert_allclose(F.ctc_loss(lp, targets, (6,), (3,),
                                              reduction=reduction).item(), want, rtol=1e-12)
    loss.backward()
    assert lp.grad.shape == (6, 4) and lp.grad.device == lp.device


def test_module_form_and_repr():
    logits, targets, in_lengths, tg_lengths = batch()
    lp = F.log_softmax(logits, 2)
    assert repr(nn.CTCLoss()) == "CTCLoss()"
    module = nn.CTCLoss(blank=0, reduction="sum", zero_infinity=True)
    assert (module.blank, module.reduction, module.zero_infinity) == (0, "sum", True)
    assert module(lp, targets, in_lengths, tg_lengths).item() == pytest.approx(
        F.ctc_loss(lp, targets, in_lengths, tg_lengths, reduction="sum").item(), rel=1e-12)
    assert nn.CTCLoss()(lp, targets, in_lengths, tg_lengths).item() == \
        pytest.approx(3.732616019377629, rel=1e-12)
    # another blank: class 5 plays it, labels 1..4 and 0
    blank5 = nn.CTCLoss(blank=5, reduction="none")
    moved = mt.tensor([[1, 2, 2, 3, 0], [4, 4, 4, 1, 0], [0, 1, 0, 0, 0]])
    swapped = lp[:, :, [5, 1, 2, 3, 4, 0]]
    np.testing.assert_allclose(host(blank5(swapped, moved, in_lengths, tg_lengths)),
                               host(F.ctc_loss(lp, targets, in_lengths, tg_lengths,
                                               reduction="none")), rtol=1e-12)


def test_strict_device_with_host_targets_and_lengths(device):
    """Targets and lengths on the host while log_probs is on the device: PyTorch moves the
    targets over and reads the lengths on the host."""
    logits, targets, in_lengths, tg_lengths = batch(device)
    loss = F.ctc_loss(F.log_softmax(logits, 2), targets.cpu(), in_lengths.cpu(),
                      (5, 3, 2))
    loss.backward()
    assert loss.device == logits.device and logits.grad.device == logits.device
    assert loss.item() == pytest.approx(3.732616019377629, rel=1e-12)


def test_float32_preserved(device):
    logits, targets, in_lengths, tg_lengths = batch(device, mt.float32)
    for reduction in ("mean", "sum", "none"):
        loss = F.ctc_loss(F.log_softmax(logits, 2), targets, in_lengths, tg_lengths,
                          reduction=reduction)
        assert loss.dtype == mt.float32
    loss.sum().backward()
    assert logits.grad.dtype == mt.float32
    np.testing.assert_allclose(host(loss), [13.80721356, 13.52681525, 7.85493386], rtol=1e-5)


def test_int32_targets_and_lengths():
    logits, targets, in_lengths, tg_lengths = batch()
    loss = F.ctc_loss(F.log_softmax(logits, 2), targets.int(), in_lengths.int(),
                      tg_lengths.int())
    assert loss.item() == pytest.approx(3.732616019377629, rel=1e-12)


def test_differentiable_once_as_pytorch():
    logits, targets, in_lengths, tg_lengths = batch()
    loss = F.ctc_loss(F.log_softmax(logits, 2), targets, in_lengths, tg_lengths)
    g, = mt.autograd.grad(loss, logits, create_graph=True)
    with pytest.raises(RuntimeError, match="derivative for ctc_loss_backward is not implemented"):
        g.sum().backward()


# ---- errors -----------------------------------------------------------------------------------

def args(**change):
    lp = mt.tensor(log_softmax(np.random.default_rng(0).uniform(-2, 2, (5, 2, 4))))
    given = dict(log_probs=lp, targets=mt.tensor([[1, 2], [3, 3]]),
                 input_lengths=mt.tensor([5, 4]), target_lengths=mt.tensor([2, 2]))
    given.update(change)
    return given


def test_error_reduction():
    with pytest.raises(ValueError, match="foo is not a valid value for reduction"):
        F.ctc_loss(**args(), reduction="foo")


def test_error_log_probs_not_a_tensor():
    with pytest.raises(TypeError, match="argument 'log_probs' must be Tensor"):
        F.ctc_loss(**args(log_probs=np.zeros((5, 2, 4))))


def test_error_log_probs_integer():
    with pytest.raises(NotImplementedError, match="not implemented for 'Long'"):
        F.ctc_loss(**args(log_probs=mt.zeros(5, 2, 4, dtype=mt.int64)))


@pytest.mark.parametrize("shape", [(5,), (1, 5, 2, 4)])
def test_error_log_probs_dims(shape):
    with pytest.raises(RuntimeError, match=r"Expected log_probs of 3 dimensions \(T, N, C\) or "
                                           rf"2 \(T, C\), but got a {len(shape)}-dimensional"):
        F.ctc_loss(**args(log_probs=mt.zeros(*shape)))


def test_error_targets_dims():
    with pytest.raises(RuntimeError, match="Expected targets of 1 to 2 dimensions .* got a "
                                           "3-dimensional tensor"):
        F.ctc_loss(**args(targets=mt.ones(2, 2, 1, dtype=mt.int64)))


def test_error_empty():
    with pytest.raises(RuntimeError, match=r"log_probs tensor must not be empty, got shape "
                                           r"\(0, 2, 4\)"):
        F.ctc_loss(**args(log_probs=mt.zeros(0, 2, 4), input_lengths=(0, 0)))


@pytest.mark.parametrize("blank", [4, -1])
def test_error_blank_out_of_range(blank):
    with pytest.raises(RuntimeError, match=rf"blank must be in label range \[0, 4\), got "
                                           rf"{blank}"):
        F.ctc_loss(**args(), blank=blank)


@pytest.mark.parametrize("name", ["input_lengths", "target_lengths"])
def test_error_lengths_of_wrong_size(name):
    with pytest.raises(RuntimeError, match=rf"{name} must be of size batch_size \(2\), got 3"):
        F.ctc_loss(**args(**{name: mt.tensor([2, 2, 2])}))


@pytest.mark.parametrize("name", ["input_lengths", "target_lengths"])
def test_error_lengths_not_integral(name):
    with pytest.raises(RuntimeError, match=f"{name} must be integral"):
        F.ctc_loss(**args(**{name: mt.tensor([2.0, 2.0])}))
    with pytest.raises(TypeError, match=f"{name} must be a tensor of integers or a tuple of "
                                        "ints, got tuple"):
        F.ctc_loss(**args(**{name: (2.0, 2.0)}))


def test_error_negative_target_length():
    with pytest.raises(RuntimeError, match="Expected target_lengths to have value at least 0, "
                                           "but got value -1"):
        F.ctc_loss(**args(target_lengths=(2, -1)))


def test_error_padded_targets_rows():
    with pytest.raises(RuntimeError, match=r"Expected targets to have size 2 \(the batch size\) "
                                           r"at dimension 0, but got size 1"):
        F.ctc_loss(**args(targets=mt.tensor([[1, 2]])))


def test_error_padded_targets_too_short():
    with pytest.raises(RuntimeError, match=r"Expected targets to have size at least 3 \(the "
                                           r"largest target length\) at dimension 1, but got "
                                           r"size 2"):
        F.ctc_loss(**args(target_lengths=(3, 2)))


def test_error_concatenated_targets_size():
    with pytest.raises(RuntimeError, match=r"Expected concatenated targets to have size 4 \(the "
                                           r"sum of target_lengths\) at dimension 0, but got "
                                           r"size 3"):
        F.ctc_loss(**args(targets=mt.tensor([1, 2, 3])))


@pytest.mark.parametrize("lengths, message", [((6, 4), "at most 5, but got value 6"),
                                              ((5, -1), "at least 0, but got value -1")])
def test_error_input_lengths_out_of_range(lengths, message):
    with pytest.raises(RuntimeError, match=f"Expected input_lengths to have value {message}"):
        F.ctc_loss(**args(input_lengths=lengths))


@pytest.mark.parametrize("label", [4, -2])
def test_error_label_out_of_range(label):
    """PyTorch reads out of bounds here; mytorch says so (padding past a target's length is
    never read, so any value is fine there)."""
    with pytest.raises(IndexError, match=rf"target labels must be in the range \[0, 4\), got "
                                         rf"{label}"):
        F.ctc_loss(**args(targets=mt.tensor([[1, label], [3, 3]])))
    F.ctc_loss(**args(targets=mt.tensor([[1, 2], [3, label]]), target_lengths=(2, 1)))
