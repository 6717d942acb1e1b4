"""Module backward hooks (full, pre and the deprecated kind), state-dict hooks, extra state,
set_submodule, to_empty, type, share_memory and call_super_init, against PyTorch 2.x. The
expected gradients and hook arguments were checked against torch 2.13."""
import warnings
from collections import OrderedDict

import numpy as np
import pytest

import mytorch as mt
from mytorch import nn


class TwoOut(nn.Module):
    def forward(self, x, k, y):
        return x * 2 * k, y + 1


def _np(t):
    return None if t is None else t.detach().numpy()


# ---- full backward hooks ------------------------------------------------------------------

def test_full_backward_hooks_see_module_gradients():
    m, log = TwoOut(), []
    m.register_full_backward_pre_hook(lambda mod, go: log.append(("pre", mod, go)))
    m.register_full_backward_hook(lambda mod, gi, go: log.append(("full", mod, gi, go)))
    x, y = mt.ones(2, requires_grad=True), mt.ones(2)
    a, b = m(x, 3, y)
    assert not b.requires_grad
    a.sum().backward()
    (pre, mod, go), (full, mod2, gi, go2) = log
    assert pre == "pre" and full == "full" and mod is m and mod2 is m
    # torch 2.13: grad_output (ones, None); grad_input (6s, None for the int, zeros for y)
    assert len(go) == 2 and go[1] is None and np.allclose(_np(go[0]), 1)
    assert len(gi) == 3 and gi[1] is None
    assert np.allclose(_np(gi[0]), 6) and np.allclose(_np(gi[2]), 0)
    assert go2 is go
    assert np.allclose(x.grad.numpy(), 6)


def test_full_backward_hook_replaces_grad_input_and_pre_hook_grad_output():
    lin = nn.Linear(2, 2)
    lin.register_full_backward_hook(lambda mod, gi, go: (gi[0] * 0 + 7,))
    x = mt.ones(1, 2, requires_grad=True)
    lin(x).sum().backward()
    assert np.allclose(x.grad.numpy(), 7)

    lin = nn.Linear(2, 2)
    lin.register_full_backward_pre_hook(lambda mod, go: (go[0] * 0,))
    x = mt.ones(1, 2, requires_grad=True)
    lin(x).sum().backward()
    assert np.allclose(x.grad.numpy(), 0) and np.allclose(lin.weight.grad.numpy(), 0)


def test_full_backward_hooks_order_prepend_and_remove():
    lin, order = nn.Linear(2, 2), []
    lin.register_full_backward_hook(lambda *a: order.append(1))
    h = lin.register_full_backward_hook(lambda *a: order.append(2), prepend=True)
    lin.register_full_backward_pre_hook(lambda *a: order.append(0), prepend=True)
    lin(mt.ones(1, 2, requires_grad=True)).sum().backward()
    assert order == [0, 2, 1]
    h.remove()
    order.clear()
    lin(mt.ones(1, 2, requires_grad=True)).sum().backward()
    assert order == [0, 1]


def test_full_backward_hook_with_no_input_requiring_grad_fires_on_outputs():
    lin, log = nn.Linear(2, 2), []
    lin.register_full_backward_hook(lambda mod, gi, go: log.append((gi, go)))
    with pytest.warns(UserWarning, match="no inputs require gradients"):
        lin(mt.ones(1, 2)).sum().backward()
    (gi, go), = log
    assert gi == (None,) and np.allclose(_np(go[0]), 1)
    assert lin.weight.grad is not None


def test_full_backward_hook_with_no_input_requiring_grad_must_return_none():
    lin = nn.Linear(2, 2)
    lin.register_full_backward_hook(lambda mod, gi, go: (mt.zeros(1, 2),))
    with pytest.raises(RuntimeError, match="no input requires gradient should always return None"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            lin(mt.ones(1, 2)).sum().backward()


def test_full_backward_hook_wrong_count():
    lin = nn.Linear(2, 2)
    lin.register_full_backward_hook(lambda mod, gi, go: (gi[0], gi[0]))
    with pytest.raises(RuntimeError, match="invalid number of grad_input, got 2, but expected 1"):
        lin(mt.ones(1, 2, requires_grad=True)).sum().backward()


def test_full_backward_pre_hook_wrong_count():
    lin = nn.Linear(2, 2)
    lin.register_full_backward_pre_hook(lambda mod, go: (go[0], go[0]))
    with pytest.raises(RuntimeError, match="invalid number of grad_output, got 2, but expected 1"):
        lin(mt.ones(1, 2, requires_grad=True)).sum().backward()


def test_full_backward_hook_output_modified_in_place_is_refused():
    lin = nn.Linear(2, 2)
    lin.register_full_backward_hook(lambda *a: None)
    out = lin(mt.ones(1, 2, requires_grad=True))
    with pytest.raises(RuntimeError, match="in-place"):
        out.add_(1)


def test_full_backward_hook_input_modified_in_place_in_forward_is_refused():
    class InPlace(nn.Module):
        def forward(self, x):
            return x.mul_(2)
    m = InPlace()
    m.register_full_backward_hook(lambda *a: None)
    with pytest.raises(RuntimeError, match="in-place"):
        m(mt.ones(2, requires_grad=True) * 1)


def test_full_backward_hook_non_tensor_output_warns():
    lin = nn.Linear(2, 2)
    lin.register_full_backward_hook(lambda *a: None)
    lin.register_forward_hook(lambda m, a, o: [o])
    with pytest.warns(UserWarning, match="module output should be a Tensor or a tuple"):
        lin(mt.ones(1, 2, requires_grad=True))


def test_full_and_regular_backward_hooks_do_not_mix():
    lin = nn.Linear(2, 2)
    lin.register_backward_hook(lambda *a: None)
    with pytest.raises(RuntimeError, match="Cannot use both regular backward hooks and full"):
        lin.register_full_backward_hook(lambda *a: None)
    lin = nn.Linear(2, 2)
    lin.register_full_backward_hook(lambda *a: None)
    with pytest.raises(RuntimeError, match="Cannot use both regular backward hooks and full"):
        lin.register_backward_hook(lambda *a: None)


def test_backward_hooks_leave_no_trace_without_grad():
    lin = nn.Linear(2, 2)
    lin.register_full_backward_hook(lambda *a: None)
    with mt.no_grad():
        out = lin(mt.ones(1, 2, requires_grad=True))
    assert out.grad_fn is None


def test_call_without_hooks_after_remove_takes_the_plain_path():
    lin = nn.Linear(2, 2)
    assert not lin._call_hooks
    h = lin.register_full_backward_pre_hook(lambda *a: None)
    assert lin._call_hooks
    h.remove()
    assert not lin._call_hooks
    assert lin(mt.ones(1, 2, requires_grad=True)).grad_fn.name() != \
        "BackwardHookFunctionBackward0"


# ---- the deprecated register_backward_hook -----------------------------------------------

def test_register_backward_hook_sees_the_last_node():
    seq, log = nn.Sequential(nn.Linear(2, 2), nn.ReLU()), []
    seq.register_backward_hook(lambda m, gi, go: log.append((m, gi, go)))
    x = mt.ones(1, 2, requires_grad=True)
    with pytest.warns(FutureWarning, match="contains multiple autograd Nodes"):
        out = seq(x)
    out.sum().backward()
    (m, gi, go), = log
    # torch 2.13: the ReLU node's gradients, shapes [(1, 2)] and [(1, 2)]
    assert m is seq and [tuple(g.shape) for g in gi] == [(1, 2)]
    assert [tuple(g.shape) for g in go] == [(1, 2)]


def test_register_backward_hook_can_replace_grad_input():
    relu = nn.ReLU()
    relu.register_backward_hook(lambda m, gi, go: (gi[0] * 0 + 5,))
    x = mt.ones(3, requires_grad=True)
    relu(x * 1).sum().backward()
    assert np.allclose(x.grad.numpy(), 5)


# ---- state-dict hooks and extra state -----------------------------------------------------

def test_state_dict_hooks_order_and_arguments():
    seq, calls = nn.Sequential(nn.Linear(2, 2)), []
    seq[0].register_state_dict_pre_hook(lambda m, prefix, keep: calls.append(("pre0", prefix,
                                                                              keep)))
    seq.register_state_dict_pre_hook(lambda m, prefix, keep: calls.append(("pre", prefix)))

    def post(m, sd, prefix, meta):
        calls.append(("post", prefix, list(sd), meta))
        sd["extra"] = 1
    seq.register_state_dict_post_hook(post)
    sd = seq.state_dict(keep_vars=True)
    assert calls == [("pre", ""), ("pre0", "0.", True),
                     ("post", "", ["0.weight", "0.bias"], {"version": 1})]
    assert sd["extra"] == 1


def test_state_dict_post_hook_must_return_none():
    lin = nn.Linear(2, 2)
    lin.register_state_dict_post_hook(lambda m, sd, prefix, meta: sd)
    with pytest.raises(RuntimeError, match="state_dict post-hook must return None"):
        lin.state_dict()


def test_load_state_dict_hooks():
    seq, calls = nn.Sequential(nn.Linear(2, 2)), []
    src = nn.Sequential(nn.Linear(2, 2))
    given = {"0.w": src[0].weight.detach(), "0.bias": src[0].bias.detach()}

    def rename(m, sd, prefix, meta, strict, missing, unexpected, errors):
        calls.append(("pre", prefix, strict))
        if prefix + "w" in sd:
            sd[prefix + "weight"] = sd.pop(prefix + "w")
    seq[0].register_load_state_dict_pre_hook(rename)

    def post(m, keys):
        calls.append(("post", type(m).__name__, list(keys.missing_keys)))
    seq[0].register_load_state_dict_post_hook(post)
    seq.register_load_state_dict_post_hook(post)
    seq.load_state_dict(given, strict=False)
    assert calls == [("pre", "0.", True), ("post", "Linear", []), ("post", "Sequential", [])]
    assert "0.w" in given                        # the caller's dict is left as it was
    assert np.allclose(seq[0].weight.detach().numpy(), src[0].weight.detach().numpy())


def test_load_state_dict_post_hook_can_clear_keys():
    lin = nn.Linear(2, 2)
    lin.register_load_state_dict_post_hook(lambda m, keys: keys.missing_keys.clear())
    assert lin.load_state_dict({}) .missing_keys == []


def test_load_state_dict_post_hook_must_return_none():
    lin = nn.Linear(2, 2)
    lin.register_load_state_dict_post_hook(lambda m, keys: keys)
    with pytest.raises(AssertionError, match="not expected to return new values"):
        lin.load_state_dict(lin.state_dict())


class WithExtra(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(2, 2)
        self.tag = "a"

    def get_extra_state(self):
        return {"tag": self.tag}

    def set_extra_state(self, state):
        self.tag = state["tag"]


def test_extra_state_round_trip():
    m = nn.Sequential(WithExtra())
    sd = m.state_dict()
    assert list(sd) == ["0._extra_state", "0.lin.weight", "0.lin.bias"]   # own state first
    assert sd["0._extra_state"] == {"tag": "a"}
    other = nn.Sequential(WithExtra())
    other[0].tag = "b"
    assert not other.load_state_dict(sd).missing_keys
    assert other[0].tag == "a"
    del sd["0._extra_state"]
    with pytest.raises(RuntimeError, match='Missing key\\(s\\) in state_dict: "0._extra_state"'):
        other.load_state_dict(sd)


def test_extra_state_key_without_set_extra_state_is_unexpected():
    lin = nn.Linear(2, 2)
    sd = dict(lin.state_dict(), _extra_state=1)
    assert lin.load_state_dict(sd, strict=False).unexpected_keys == ["_extra_state"]


def test_base_get_extra_state_raises():
    with pytest.raises(RuntimeError, match="should never be called"):
        nn.Module().get_extra_state()
    with pytest.raises(RuntimeError, match="should never be called"):
        nn.Module().set_extra_state(1)


# ---- set_submodule, to_empty, type, share_memory, call_super_init -------------------------

def test_set_submodule():
    m = nn.Sequential(nn.Sequential(nn.Linear(2, 2)))
    new = nn.ReLU()
    m.set_submodule("0.0", new)
    assert m[0][0] is new
    m.set_submodule("0.extra", nn.Tanh())
    assert isinstance(m[0].extra, nn.Tanh)
    with pytest.raises(AttributeError, match="has no attribute `missing`"):
        m.set_submodule("0.missing", nn.Tanh(), strict=True)


def test_set_submodule_errors():
    m = nn.Sequential(nn.Linear(2, 2))
    with pytest.raises(ValueError, match="without a target name"):
        m.set_submodule("", nn.ReLU())
    with pytest.raises(ValueError, match="is not an nn.Module"):
        m.set_submodule("0", 3)
    with pytest.raises(AttributeError, match="`weight` is not an nn.Module"):
        m.set_submodule("0.weight", nn.ReLU())


def test_to_empty_type_share_memory():
    lin = nn.Linear(2, 3)
    w = lin.weight
    assert lin.to_empty(device="cpu") is lin and lin.weight is w
    assert tuple(lin.weight.shape) == (3, 2) and lin.weight.dtype == mt.float32
    bn = nn.BatchNorm1d(2)
    assert bn.type(mt.float64) is bn
    assert bn.weight.dtype == mt.float64 and bn.num_batches_tracked.dtype == mt.float64
    assert lin.share_memory() is lin


def test_to_empty_recurse_false():
    seq = nn.Sequential(nn.Linear(2, 2))
    seq.register_buffer("b", mt.ones(2))
    before = seq[0].weight.detach().numpy().copy()
    seq.to_empty(device="cpu", recurse=False)
    assert np.array_equal(seq[0].weight.detach().numpy(), before)


def test_call_super_init():
    class Mixin:
        def __init__(self, value=None):
            self.value = value

    class Plain(nn.Module):
        pass

    class Cooperative(nn.Module, Mixin):
        call_super_init = True

        def __init__(self):
            super().__init__(value=3)
    assert nn.Module.call_super_init is False
    assert Cooperative().value == 3
    with pytest.raises(TypeError, match="got an unexpected keyword argument 'value'"):
        nn.Module.__init__(Plain(), value=3)
    with pytest.raises(TypeError, match="takes 1 positional argument but 2 were given"):
        nn.Module.__init__(Plain(), 3)
