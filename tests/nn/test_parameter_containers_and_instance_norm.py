"""ParameterList / ParameterDict (registration, state_dict keys, the list and dict protocols,
printed forms, devices, optimizers) and InstanceNorm1d/2d/3d with F.instance_norm (against
closed-form NumPy, gradcheck in float64, running statistics, unbatched input, errors)."""
from collections import OrderedDict

import numpy as np
import pytest

import mytorch as mt
from mytorch import nn
import mytorch.nn.functional as F
from mytorch.autograd import gradcheck


def host(t):
    return t.detach().cpu().numpy()


def randn(*shape, device="cpu", requires_grad=False):
    return mt.randn(*shape, dtype=mt.float64, device=device, requires_grad=requires_grad)


class Holder(nn.Module):
    """A parent module, to see the containers' names nest as 'params.0', 'table.left'."""

    def __init__(self, params=None, table=None):
        super().__init__()
        self.scale = nn.Parameter(mt.ones(1))
        self.params = params if params is not None else nn.ParameterList()
        self.table = table if table is not None else nn.ParameterDict()


# ---- ParameterList ----------------------------------------------------------------------------

def test_parameter_list_registers_under_positions_and_wraps_tensors():
    t = mt.zeros(3)
    p = nn.Parameter(mt.ones(2, 2))
    pl = nn.ParameterList([t, p])
    assert len(pl) == 2
    assert type(pl[0]) is nn.Parameter and pl[0].requires_grad      # a plain tensor is wrapped
    assert pl[1] is p                                               # a Parameter is kept
    with mt.no_grad():
        t.fill_(5.0)
    assert np.array_equal(host(pl[0]), [5.0, 5.0, 5.0])             # the wrapper shares memory
    assert [n for n, _ in pl.named_parameters()] == ["0", "1"]
    m = Holder(pl)
    assert [n for n, _ in m.named_parameters()] == ["scale", "params.0", "params.1"]
    assert list(m.state_dict()) == ["scale", "params.0", "params.1"]
    assert nn.ParameterList(mt.full((1,), float(i)) for i in range(3))[2].item() == 2.0


def test_parameter_list_indexing_append_extend():
    ps = [nn.Parameter(mt.full((1,), float(i))) for i in range(4)]
    pl = nn.ParameterList(ps[:2])
    assert pl.append(ps[2]) is pl
    assert pl.extend([ps[3]]) is pl
    assert list(pl) == ps and len(pl) == 4
    assert pl[-1] is ps[3] and pl[-4] is ps[0]
    part = pl[1:4:2]
    assert isinstance(part, nn.ParameterList) and list(part) == [ps[1], ps[3]]
    assert [n for n, _ in part.named_parameters()] == ["0", "1"]     # renumbered from 0
    pl += [mt.zeros(1)]
    assert len(pl) == 5 and isinstance(pl[4], nn.Parameter)
    pl[0] = mt.ones(2)                                              # replaced, and wrapped
    assert isinstance(pl[0], nn.Parameter) and pl[0].shape == (2,)
    assert all(q is not ps[0] for q in pl.parameters())
    with pytest.raises(IndexError, match="index 5 is out of range for ParameterList of length 5"):
        pl[5]
    with pytest.raises(IndexError, match="index -6 is out of range"):
        pl[-6] = mt.zeros(1)


def test_parameter_list_holds_other_objects_and_refuses_bad_input():
    pl = nn.ParameterList([mt.zeros(1), "note", nn.Linear(2, 2)])
    assert pl[1] == "note"
    assert [n for n, _ in pl.named_parameters()] == ["0", "2.weight", "2.bias"]
    with pytest.raises(TypeError, match="ParameterList.extend should be called with an "
                                        "iterable, but got Tensor"):
        pl.extend(mt.zeros(3))                           # a tensor is not a list of parameters
    with pytest.raises(TypeError, match="ParameterList.extend should be called with an "
                                        "iterable, but got int"):
        nn.ParameterList(3)
    with pytest.raises(RuntimeError, match="only Tensors of floating point dtype"):
        pl.append(mt.tensor([1, 2]))
    assert len(pl) == 3                                  # the refused tensor left no trace
    with pytest.raises(RuntimeError, match="ParameterList should not be called"):
        pl(mt.zeros(1))


def test_parameter_list_repr():
    assert repr(nn.ParameterList()) == "ParameterList()"
    # one entry prints on one line, as PyTorch's does (its extra_repr is a single line)
    assert repr(nn.ParameterList([mt.zeros(2)])) == \
        "ParameterList(  (0): Parameter containing: [mytorch.float32 of size 2])"
    pl = nn.ParameterList([mt.zeros(2, 3), mt.zeros(4, dtype=mt.float64), 7])
    assert repr(pl) == ("ParameterList(\n"
                        "    (0): Parameter containing: [mytorch.float32 of size 2x3]\n"
                        "    (1): Parameter containing: [mytorch.float64 of size 4]\n"
                        "    (2): Object of type: int\n"
                        ")")


def test_parameter_containers_print_their_device():
    pl = nn.ParameterList([mt.zeros(2), mt.zeros(2)]).to("strict")
    dev = str(pl[0].device)
    assert dev != "cpu"
    assert repr(pl).splitlines()[1] == \
        f"    (0): Parameter containing: [mytorch.float32 of size 2 ({dev})]"
    pd = nn.ParameterDict({"w": mt.zeros(3)}).to("strict")
    assert repr(pd) == f"ParameterDict(  (w): Parameter containing: [mytorch.float32 of size 3 " \
                       f"({dev})])"


def test_parameter_list_shared_parameter_to_device_and_dtype(device):
    p = nn.Parameter(mt.randn(3))
    q = nn.Parameter(mt.randn(2))
    m = Holder(nn.ParameterList([p, q, p]))
    assert list(m.parameters()) == [m.scale, p, q]            # the shared one once
    assert list(m.state_dict()) == ["scale", "params.0", "params.1", "params.2"]
    before = host(p)
    assert m.to(device, mt.float64) is m
    assert m.params[0] is p and m.params[2] is p              # the same objects, moved in place
    assert p.device.type == q.device.type == m.scale.device.type == device
    assert p.dtype is mt.float64 and q.dtype is mt.float64
    np.testing.assert_allclose(host(m.params[2]), before, rtol=1e-6)


def test_parameter_list_state_dict_round_trip(device):
    src = Holder(nn.ParameterList([mt.randn(2), mt.randn(2, 2)])).to(device)
    dst = Holder(nn.ParameterList([mt.zeros(2), mt.zeros(2, 2)])).to(device)
    keep = dst.params[1]
    assert repr(dst.load_state_dict(src.state_dict())) == "<All keys matched successfully>"
    assert dst.params[1] is keep                             # copied into, not replaced
    assert np.array_equal(host(dst.params[1]), host(src.params[1]))
    with pytest.raises(RuntimeError, match=r'Missing key\(s\) in state_dict: "params.1"'):
        dst.load_state_dict({k: v for k, v in src.state_dict().items() if k != "params.1"})


def test_optimizer_over_parameter_list(device):
    pl = nn.ParameterList([randn(3, device=device), randn(2, 2, device=device)])
    a = randn(3, device=device)
    p0, p1 = host(pl[0]).copy(), host(pl[1]).copy()
    opt = mt.optim.SGD(pl.parameters(), lr=0.1, momentum=0.9)
    for step in range(2):
        opt.zero_grad()
        loss = (pl[0] * a).sum() + (pl[1] ** 2).sum()        # ∂/∂p0 = a,  ∂/∂p1 = 2·p1
        loss.backward()
        opt.step()
        if step == 0:
            b0, b1 = host(a), 2 * p1                        # momentum buffers start at g
        else:
            b0, b1 = 0.9 * b0 + host(a), 0.9 * b1 + 2 * p1
        p0, p1 = p0 - 0.1 * b0, p1 - 0.1 * b1
    np.testing.assert_allclose(host(pl[0]), p0, atol=1e-12)
    np.testing.assert_allclose(host(pl[1]), p1, atol=1e-12)
    # a module holding a ParameterList: model.parameters() reaches its entries
    m = Holder(nn.ParameterList([mt.ones(2)]))
    opt = mt.optim.SGD(m.parameters(), lr=0.5)
    assert opt.param_groups[0]["params"][1] is m.params[0]
    (m.params[0].sum() * m.scale.sum()).backward()
    opt.step()
    assert np.allclose(host(m.params[0]), [0.5, 0.5]) and np.allclose(host(m.scale), [0.0])


# ---- ParameterDict ----------------------------------------------------------------------------

def test_parameter_dict_construction_orders_and_names():
    a, b, c = (mt.full((1,), float(i)) for i in range(3))
    # a plain dict is taken in sorted key order (as PyTorch's), an OrderedDict or pairs as given
    assert list(nn.ParameterDict({"b": a, "a": b, "c": c})) == ["a", "b", "c"]
    assert list(nn.ParameterDict(OrderedDict([("b", a), ("a", b)]))) == ["b", "a"]
    assert list(nn.ParameterDict([("z", a), ("y", b)])) == ["z", "y"]
    pd = nn.ParameterDict({"left": a, "right": nn.Parameter(b)})
    assert all(type(v) is nn.Parameter for v in pd.values())        # tensors wrapped
    m = Holder(table=pd)
    assert [n for n, _ in m.named_parameters()] == ["scale", "table.left", "table.right"]
    assert list(m.state_dict()) == ["scale", "table.left", "table.right"]


def test_parameter_dict_mapping_protocol():
    pd = nn.ParameterDict()
    w = nn.Parameter(mt.ones(2))
    pd["w"] = w
    pd["b"] = mt.zeros(2)
    assert pd["w"] is w and "b" in pd and "x" not in pd and len(pd) == 2
    assert list(pd.keys()) == ["w", "b"] and list(reversed(pd)) == ["b", "w"]
    assert [k for k, _ in pd.items()] == ["w", "b"] and list(pd.values())[0] is w
    assert pd.get("x") is None and pd.get("w") is w
    default = mt.full((1,), 3.0)
    got = pd.setdefault("s", default)
    assert isinstance(got, nn.Parameter) and pd["s"] is got and pd.setdefault("s") is got
    pd.update({"u": mt.zeros(1)})
    pd.update([("v", mt.zeros(1))])
    assert list(pd) == ["w", "b", "s", "u", "v"]
    assert pd.pop("b").shape == (2,) and "b" not in pd
    assert [n for n, _ in pd.named_parameters()] == ["w", "s", "u", "v"]
    del pd["s"]
    assert pd.popitem()[0] == "v" and list(pd) == ["w", "u"]
    copy = pd.copy()
    assert list(copy) == ["w", "u"] and copy["w"] is w and copy is not pd
    merged = pd | nn.ParameterDict({"z": mt.zeros(1)})
    assert list(merged) == ["w", "u", "z"] and list(pd) == ["w", "u"]
    pd |= {"z": mt.zeros(1)}
    assert list(pd) == ["w", "u", "z"]
    assert list(pd.fromkeys(["p", "q"], mt.zeros(1))) == ["p", "q"]
    pd.clear()
    assert len(pd) == 0 and list(pd.parameters()) == []


def test_parameter_dict_errors():
    pd = nn.ParameterDict({"w": mt.zeros(1)})
    with pytest.raises(KeyError, match="missing"):
        pd["missing"]
    with pytest.raises(KeyError, match="training"):
        pd["training"]                                   # an attribute, not an entry
    with pytest.raises(TypeError, match="not a string \\(type is 'int'\\)"):
        pd[0] = mt.zeros(1)
    assert list(pd) == ["w"]                             # the refused key was not added
    with pytest.raises(KeyError, match=r'parameter name can.*t contain "\."'):
        pd["a.b"] = mt.zeros(1)
    assert list(pd) == ["w"]
    with pytest.raises(TypeError, match="ParameterDict.update should be called with an "
                                        "iterable of key/value pairs, but got int"):
        pd.update(3)
    with pytest.raises(TypeError, match="update sequence element #0 should be Iterable; is int"):
        pd.update([1])
    with pytest.raises(ValueError, match="update sequence element #0 has length 3; 2 is "
                                         "required"):
        pd.update([("a", mt.zeros(1), 1)])
    with pytest.raises(RuntimeError, match="ParameterDict should not be called"):
        pd(mt.zeros(1))


def test_parameter_dict_repr():
    assert repr(nn.ParameterDict()) == "ParameterDict()"
    pd = nn.ParameterDict(OrderedDict([("w", mt.zeros(2, 3)), ("n", 1.5)]))
    assert repr(pd) == ("ParameterDict(\n"
                        "    (w): Parameter containing: [mytorch.float32 of size 2x3]\n"
                        "    (n): Object of type: float\n"
                        ")")


# ---- InstanceNorm ------------------------------------------------------------------------------

def np_instance_norm(x, eps=1e-5):
    """Each (sample, channel) over its positions, biased variance."""
    dims = tuple(range(2, x.ndim))
    return (x - x.mean(dims, keepdims=True)) / np.sqrt(x.var(dims, keepdims=True) + eps)


@pytest.mark.parametrize("cls, shape", [(nn.InstanceNorm1d, (2, 3, 7)),
                                        (nn.InstanceNorm2d, (2, 3, 4, 5)),
                                        (nn.InstanceNorm3d, (2, 3, 2, 3, 4))])
def test_instance_norm_forward_against_numpy(device, cls, shape):
    x = randn(*shape, device=device) * 3 + 2
    m = cls(3).double().to(device)
    assert list(m.parameters()) == [] and list(m.state_dict()) == []
    np.testing.assert_allclose(host(m(x)), np_instance_norm(host(x)), atol=1e-10)
    m.eval()                                     # no running stats: the same in eval mode
    np.testing.assert_allclose(host(m(x)), np_instance_norm(host(x)), atol=1e-10)
    a = cls(3, eps=1e-3, affine=True).double().to(device)
    assert np.array_equal(host(a.weight), np.ones(3)) and np.array_equal(host(a.bias), np.zeros(3))
    with mt.no_grad():
        a.weight.normal_()
        a.bias.normal_()
    c = (1, 3) + (1,) * (len(shape) - 2)
    want = np_instance_norm(host(x), 1e-3) * host(a.weight).reshape(c) + host(a.bias).reshape(c)
    np.testing.assert_allclose(host(a(x)), want, atol=1e-10)


def test_instance_norm_is_per_sample_and_per_channel():
    x = randn(3, 2, 6)
    m = nn.InstanceNorm1d(2)
    y = host(m(x))
    np.testing.assert_allclose(y.mean(2), 0, atol=1e-12)
    np.testing.assert_allclose(y.var(2), 1, atol=1e-4)
    np.testing.assert_allclose(host(m(x[1:2])), y[1:2], atol=1e-12)  # the batch does not matter
    assert not np.allclose(y, host(nn.BatchNorm1d(2, affine=False).double()(x)), atol=1e-3)


def test_instance_norm_unbatched_input(device):
    x = randn(2, 3, 5, device=device)
    for cls, unbatched in [(nn.InstanceNorm1d, x[0]), (nn.InstanceNorm2d, x)]:
        m = cls(unbatched.shape[0], affine=True).double().to(device)
        with mt.no_grad():
            m.weight.normal_()
        y = m(unbatched)
        assert y.shape == unbatched.shape
        np.testing.assert_allclose(host(y), host(m(unbatched.unsqueeze(0))[0]), atol=1e-12)
    y3 = nn.InstanceNorm3d(2)(randn(2, 2, 3, 4, device=device))
    assert y3.shape == (2, 2, 3, 4)


def test_instance_norm_gradients():
    m = nn.InstanceNorm1d(3, affine=True).double()
    with mt.no_grad():
        m.weight.normal_()
        m.bias.normal_()
    x = randn(2, 3, 5, requires_grad=True)
    assert gradcheck(lambda x, w, b: m(x), (x, m.weight, m.bias))
    m2 = nn.InstanceNorm2d(2, affine=True).double()
    assert gradcheck(lambda x, w, b: m2(x), (randn(2, 2, 3, 3, requires_grad=True), m2.weight,
                                            m2.bias))
    # eval mode with running statistics: the gradient of the affine map of x
    rm, rv = randn(3), randn(3).abs() + 0.5
    assert gradcheck(lambda x, w, b: F.instance_norm(x, rm, rv, w, b, use_input_stats=False),
                     (randn(2, 3, 4, requires_grad=True), m.weight, m.bias))


def test_instance_norm_running_statistics(device):
    m = nn.InstanceNorm2d(3, momentum=0.2, track_running_stats=True).double().to(device)
    assert list(m.state_dict()) == ["running_mean", "running_var", "num_batches_tracked"]
    mean, var = np.zeros(3), np.ones(3)
    for _ in range(3):
        x = randn(4, 3, 2, 5, device=device) * 2 + 1
        np.testing.assert_allclose(host(m(x)), np_instance_norm(host(x)), atol=1e-10)
        xh = host(x)
        mean = 0.8 * mean + 0.2 * xh.mean((2, 3)).mean(0)
        var = 0.8 * var + 0.2 * xh.var((2, 3), ddof=1).mean(0)    # unbiased, batch-averaged
    np.testing.assert_allclose(host(m.running_mean), mean, atol=1e-12)
    np.testing.assert_allclose(host(m.running_var), var, atol=1e-12)
    assert m.num_batches_tracked.item() == 0            # kept for the state dict, not counted
    m.eval()
    x = randn(2, 3, 2, 5, device=device)
    want = (host(x) - mean.reshape(1, 3, 1, 1)) / np.sqrt(var.reshape(1, 3, 1, 1) + 1e-5)
    np.testing.assert_allclose(host(m(x)), want, atol=1e-10)
    np.testing.assert_allclose(host(m.running_mean), mean, atol=1e-12)   # eval leaves them
    frozen = nn.InstanceNorm1d(3, momentum=None, track_running_stats=True)
    frozen(mt.randn(2, 3, 4))                       # momentum=None: weight 0, as PyTorch
    assert np.array_equal(host(frozen.running_mean), np.zeros(3))


def test_instance_norm_repr_and_defaults():
    assert repr(nn.InstanceNorm2d(3)) == \
        "InstanceNorm2d(3, eps=1e-05, momentum=0.1, affine=False, bias=False, " \
        "track_running_stats=False)"
    assert repr(nn.InstanceNorm1d(4, eps=1e-3, momentum=None, affine=True,
                                  track_running_stats=True)) == \
        "InstanceNorm1d(4, eps=0.001, momentum=None, affine=True, bias=True, " \
        "track_running_stats=True)"
    m = nn.InstanceNorm3d(2, affine=True, dtype=mt.float64)
    assert [n for n, _ in m.named_parameters()] == ["weight", "bias"]
    assert m.weight.dtype is mt.float64 and m.running_mean is None


def test_instance_norm_errors():
    with pytest.raises(ValueError, match=r"expected 2D or 3D input \(got 4D input\)"):
        nn.InstanceNorm1d(3)(mt.zeros(2, 3, 4, 4))
    with pytest.raises(ValueError, match=r"expected 3D or 4D input \(got 2D input\)"):
        nn.InstanceNorm2d(3)(mt.zeros(3, 4))
    with pytest.raises(ValueError, match=r"expected 4D or 5D input \(got 3D input\)"):
        nn.InstanceNorm3d(3)(mt.zeros(2, 3, 4))
    with pytest.raises(ValueError, match="Expected more than 1 spatial element when training"):
        nn.InstanceNorm2d(3)(mt.zeros(2, 3, 1, 1))
    with pytest.raises(ValueError, match=r"expected input's size at dim=1 to match num_features "
                                         r"\(3\), but got: 4\."):
        nn.InstanceNorm1d(3, affine=True)(mt.zeros(2, 4, 5))
    with pytest.raises(ValueError, match=r"expected input's size at dim=0 to match"):
        nn.InstanceNorm1d(3, affine=True)(mt.zeros(4, 5))               # unbatched (C, L)
    with pytest.warns(UserWarning, match="does not match num_features"):
        y = nn.InstanceNorm1d(3)(mt.randn(2, 4, 5))        # no γ, β: C does not matter
    assert y.shape == (2, 4, 5)
    with pytest.raises(ValueError, match="running_mean and running_var are needed when "
                                         "use_input_stats=False"):
        F.instance_norm(mt.zeros(2, 3, 4), use_input_stats=False)
