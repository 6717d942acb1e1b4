"""Module, Parameter and the containers: registration, iteration, state dicts, modes, devices,
hooks and the printed form, against what PyTorch does."""
import copy
from collections import OrderedDict

import numpy as np
import pytest

import mytorch as mt
from mytorch import nn


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
        self.bn = nn.BatchNorm1d(2)
        self.register_buffer("scale", mt.ones(2))
        self.register_buffer("cache", mt.zeros(2), persistent=False)

    def forward(self, x):
        return self.bn(self.net(x)) * self.scale


class Tied(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(5, 3)
        self.out = nn.Linear(3, 5, bias=False)
        self.out.weight = self.emb.weight


# ---- Parameter ---------------------------------------------------------------------------------

def test_parameter_is_a_leaf_tensor_that_requires_grad():
    t = mt.ones(2, 3)
    p = nn.Parameter(t)
    assert isinstance(p, mt.Tensor) and p.requires_grad and p.is_leaf
    assert not nn.Parameter(t, requires_grad=False).requires_grad
    assert repr(p) == "Parameter containing:\ntensor([[1., 1., 1.],\n        [1., 1., 1.]], " \
                      "requires_grad=True)"
    assert str(p) == repr(p)
    assert type(p * 2) is mt.Tensor                 # ops give plain tensors
    with mt.no_grad():
        p.add_(1)
    assert t[0, 0].item() == 2.0                    # shares memory with its data, as PyTorch
    assert nn.Parameter().shape == (0,)


def test_parameter_of_integers_is_refused():
    with pytest.raises(RuntimeError, match="only Tensors of floating point dtype can require"):
        nn.Parameter(mt.tensor([1, 2]))


def test_parameter_survives_deepcopy():
    m = copy.deepcopy(nn.Linear(2, 3))
    assert isinstance(m.weight, nn.Parameter) and m.weight.requires_grad


# ---- registration and attributes -------------------------------------------------------------

def test_registration_order_and_names():
    m = Block()
    assert [n for n, _ in m.named_parameters()] == [
        "net.0.weight", "net.0.bias", "net.2.weight", "net.2.bias", "bn.weight", "bn.bias"]
    assert [n for n, _ in m.named_buffers()] == [
        "scale", "cache", "bn.running_mean", "bn.running_var", "bn.num_batches_tracked"]
    assert [n for n, _ in m.named_children()] == ["net", "bn"]
    assert [n for n, _ in m.named_modules()] == ["", "net", "net.0", "net.1", "net.2", "bn"]
    assert [n for n, _ in m.named_parameters(prefix="model", recurse=False)] == []
    assert [n for n, _ in m.net.named_parameters(prefix="net")][0] == "net.0.weight"
    assert len(list(m.parameters())) == 6 and len(list(m.modules())) == 6
    assert len(list(m.buffers(recurse=False))) == 2


def test_tied_weights_are_yielded_once():
    m = Tied()
    assert [n for n, _ in m.named_parameters()] == ["emb.weight"]
    assert len(list(m.parameters())) == 1
    assert len(list(m.named_parameters(remove_duplicate=False))) == 2
    assert list(m.state_dict()) == ["emb.weight", "out.weight"]     # both keys, as PyTorch


def test_setattr_routes_and_replaces():
    m = nn.Module()
    m.w = nn.Parameter(mt.zeros(2))
    m.child = nn.Linear(2, 2)
    m.register_buffer("b", mt.zeros(1))
    assert list(m._parameters) == ["w"] and list(m._modules) == ["child"]
    m.w = None                                       # a declared, absent parameter
    assert m.w is None and list(m.parameters())[0] is m.child.weight
    m.b = mt.ones(1)                                 # assigning to a buffer keeps it a buffer
    assert m._buffers["b"][0].item() == 1.0
    m.plain = mt.ones(1)                             # a plain tensor is not registered
    assert "plain" not in m._buffers and "plain" in m.__dict__
    m.child = nn.Identity()
    assert isinstance(m.child, nn.Identity)
    del m.child, m.w, m.b
    assert not m._modules and not m._parameters and not m._buffers
    assert "w" not in dir(m)


def test_attribute_errors():
    m = nn.Linear(2, 2)
    with pytest.raises(AttributeError, match="'Linear' object has no attribute 'nope'"):
        m.nope
    with pytest.raises(TypeError, match="cannot assign 'mytorch.Tensor' as parameter 'weight'"):
        m.weight = mt.zeros(2, 2)
    s = nn.Sequential(nn.ReLU())
    with pytest.raises(TypeError, match="cannot assign 'int' as child module '0'"):
        setattr(s, "0", 3)
    bn = nn.BatchNorm1d(2)
    with pytest.raises(TypeError, match="cannot assign 'int' as buffer 'running_mean'"):
        bn.running_mean = 3


def test_assignment_before_init_is_an_error():
    class Early(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(mt.zeros(1))

    class EarlyChild(nn.Module):
        def __init__(self):
            self.c = nn.ReLU()

    with pytest.raises(AttributeError, match="cannot assign parameters before Module.__init__"):
        Early()
    with pytest.raises(AttributeError, match="cannot assign module before Module.__init__"):
        EarlyChild()


def test_register_errors():
    m = nn.Linear(2, 2)
    with pytest.raises(KeyError, match="attribute 'in_features' already exists"):
        m.register_buffer("in_features", mt.zeros(1))
    with pytest.raises(KeyError, match=r'buffer name can\W+t contain "\."'):
        m.register_buffer("a.b", mt.zeros(1))
    with pytest.raises(KeyError, match=r"buffer name can\W+t be empty string"):
        m.register_buffer("", mt.zeros(1))
    with pytest.raises(TypeError, match="buffer name should be a string. Got int"):
        m.register_buffer(3, mt.zeros(1))
    with pytest.raises(TypeError, match="cannot assign 'list' object to buffer 'x'"):
        m.register_buffer("x", [1])
    with pytest.raises(TypeError, match="cannot assign 'mytorch.Tensor' object to parameter 'p'"):
        m.register_parameter("p", mt.zeros(1))
    with pytest.raises(KeyError, match=r'parameter name can\W+t contain "\."'):
        m.register_parameter("a.b", None)
    with pytest.raises(ValueError, match="Cannot assign non-leaf Tensor to parameter 'q'"):
        m.register_parameter("q", _non_leaf_parameter())
    with pytest.raises(TypeError, match="int is not a Module subclass"):
        m.add_module("c", 3)
    with pytest.raises(KeyError, match=r'module name can\W+t contain "\.", got: a\.b'):
        m.add_module("a.b", nn.ReLU())
    with pytest.raises(KeyError, match=r"module name can\W+t be empty string"):
        m.add_module("", nn.ReLU())


def _non_leaf_parameter():
    """A Parameter object that has a grad_fn (only possible by hand), to test the check."""
    p = nn.Parameter(mt.zeros(1))
    x = mt.zeros(1, requires_grad=True) * 2
    p.grad_fn = x.grad_fn
    return p


def test_get_submodule_parameter_buffer():
    m = Block()
    assert m.get_submodule("net.0") is m.net[0]
    assert m.get_submodule("") is m
    assert m.get_parameter("net.2.bias") is m.net[2].bias
    assert m.get_buffer("bn.running_var") is m.bn.running_var
    with pytest.raises(AttributeError, match="Sequential has no attribute `7`"):
        m.get_submodule("net.7")
    with pytest.raises(AttributeError, match="Linear has no parameter `gamma`"):
        m.get_parameter("net.0.gamma")


def test_forward_missing():
    with pytest.raises(NotImplementedError, match=r'Module \[Module\] is missing the required '
                                                  '"forward" function'):
        nn.Module()(mt.zeros(1))


# ---- modes, gradients, apply ------------------------------------------------------------------

def test_train_eval_reach_every_module():
    m = Block()
    assert m.training and m.net[0].training
    assert m.eval() is m
    assert not any(mod.training for mod in m.modules())
    m.train()
    assert all(mod.training for mod in m.modules())
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        m.train("yes")


def test_train_eval_change_dropout_and_batchnorm():
    mt.manual_seed(0)
    m = nn.Sequential(nn.Dropout(0.5), nn.BatchNorm1d(3))
    x = mt.randn(64, 3) + 5.0
    assert (m[0](x) == 0).float().mean().item() > 0.3      # training: dropped
    m(x)                                                   # BatchNorm: running stats move
    m.eval()
    assert m[0](x) is x
    assert mt.allclose(m(x), (x - m[1].running_mean) / mt.sqrt(m[1].running_var + 1e-5),
                       atol=1e-5)


def test_apply_visits_children_first():
    seen = []
    m = nn.Sequential(nn.Linear(1, 1), nn.Sequential(nn.ReLU()))
    assert m.apply(lambda mod: seen.append(type(mod).__name__)) is m
    assert seen == ["Linear", "ReLU", "Sequential", "Sequential"]


def test_zero_grad_and_requires_grad_():
    m = nn.Linear(2, 2)
    m(mt.ones(1, 2)).sum().backward()
    m.zero_grad(set_to_none=False)
    assert m.weight.grad is not None and m.weight.grad.abs().sum().item() == 0
    m.zero_grad()
    assert m.weight.grad is None and m.bias.grad is None
    assert m.requires_grad_(False) is m
    assert not any(p.requires_grad for p in m.parameters())


# ---- devices and dtypes -----------------------------------------------------------------------

def test_to_dtype_keeps_parameter_objects():
    m = Block()
    w = m.net[0].weight
    m(mt.randn(4, 3)).sum().backward()
    assert m.double() is m
    assert m.net[0].weight is w and w.dtype is mt.float64 and w.grad.dtype is mt.float64
    assert m.bn.running_mean.dtype is mt.float64
    assert m.bn.num_batches_tracked.dtype is mt.int64          # integers are left alone
    assert m.float().net[0].weight.dtype is mt.float32
    assert m.half().net[0].weight.dtype is mt.float16
    assert m.to(mt.float32).scale.dtype is mt.float32
    with pytest.raises(TypeError, match="nn.Module.to only accepts floating point dtypes"):
        m.to(mt.int64)


def test_to_device(device):
    m = Block().to(device)
    assert all(t.device == mt.device(device) for t in list(m.parameters()) + list(m.buffers()))
    x = mt.randn(5, 3, device=device)
    m(x).sum().backward()
    assert m.net[0].weight.grad.device == mt.device(device)
    m.to("cpu", mt.float64)
    assert m.net[0].weight.device == mt.device("cpu") and m.net[0].weight.grad.device.type == "cpu"


# ---- state dict -------------------------------------------------------------------------------

def test_state_dict_keys_as_pytorch():
    m = Block()
    sd = m.state_dict()
    assert isinstance(sd, OrderedDict)
    # PyTorch's order: own parameters, own persistent buffers, then children
    assert list(sd) == ["scale", "net.0.weight", "net.0.bias", "net.2.weight", "net.2.bias",
                        "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var",
                        "bn.num_batches_tracked"]
    assert not sd["net.0.weight"].requires_grad
    assert sd["bn.num_batches_tracked"].dtype is mt.int64
    assert m.state_dict(keep_vars=True)["net.0.weight"] is m.net[0].weight
    assert list(m.state_dict(prefix="model."))[0] == "model.scale"


def test_load_state_dict_round_trip():
    a, b = Block(), Block()
    with mt.no_grad():
        a.bn.running_mean.fill_(3.0)
    w = b.net[0].weight
    result = b.load_state_dict(a.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert repr(result) == "<All keys matched successfully>"
    assert b.net[0].weight is w                      # copied in place
    for (k, x), (_, y) in zip(a.state_dict().items(), b.state_dict().items()):
        assert mt.equal(x, y), k
    x = mt.randn(4, 3)
    assert mt.allclose(a.eval()(x), b.eval()(x))


def test_load_state_dict_strict_reports_all_problems():
    m = Block()
    sd = m.state_dict()
    del sd["net.0.bias"]
    sd["net.9.weight"] = mt.zeros(1)
    sd["extra"] = mt.zeros(1)
    with pytest.raises(RuntimeError) as info:
        m.load_state_dict(sd)
    msg = str(info.value)
    assert msg.startswith("Error(s) in loading state_dict for Block:\n\t")
    assert 'Missing key(s) in state_dict: "net.0.bias". ' in msg
    assert 'Unexpected key(s) in state_dict: "extra", "net.9.weight". ' in msg
    result = m.load_state_dict(sd, strict=False)
    assert result.missing_keys == ["net.0.bias"]
    # as PyTorch: each module reports the keys under its own prefix, the root first
    assert result.unexpected_keys == ["extra", "net.9.weight"]
    assert result == (["net.0.bias"], ["extra", "net.9.weight"])


def test_load_state_dict_size_mismatch_and_type_errors():
    m = nn.Linear(2, 3)
    sd = m.state_dict()
    sd["weight"] = mt.zeros(3, 4)
    with pytest.raises(RuntimeError, match=r"size mismatch for weight: copying a param with "
                                           r"shape mytorch.Size\(\[3, 4\]\) from checkpoint, "
                                           r"the shape in current model is "
                                           r"mytorch.Size\(\[3, 2\]\)"):
        m.load_state_dict(sd, strict=False)
    sd["weight"] = [[0.0]]
    with pytest.raises(RuntimeError, match='While copying the parameter named "weight", '
                                           "expected mytorch.Tensor"):
        m.load_state_dict(sd)
    with pytest.raises(TypeError, match="Expected state_dict to be dict-like"):
        m.load_state_dict([1, 2])


def test_load_state_dict_assign():
    m = nn.Linear(2, 3)
    sd = {"weight": mt.ones(3, 2), "bias": mt.zeros(3)}
    m.load_state_dict(sd, assign=True)
    assert isinstance(m.weight, nn.Parameter) and m.weight.requires_grad
    assert m.weight.sum().item() == 6.0


def test_load_state_dict_across_devices(device):
    src = Block()
    dst = Block().to(device)
    dst.load_state_dict(src.state_dict())
    assert dst.net[0].weight.device == mt.device(device)
    assert np.allclose(dst.net[0].weight.detach().cpu().numpy(),
                       src.net[0].weight.detach().numpy())


# ---- hooks ------------------------------------------------------------------------------------

def test_forward_hooks():
    m = nn.Linear(2, 2)
    calls = []
    h1 = m.register_forward_pre_hook(lambda mod, args: (args[0] * 0,))
    h2 = m.register_forward_hook(lambda mod, args, out: calls.append(out.shape) or out + 1)
    y = m(mt.ones(3, 2))
    assert calls == [(3, 2)]
    assert mt.allclose(y, m.bias.detach().expand(3, 2) + 1)
    h1.remove()
    h2.remove()
    assert mt.allclose(m(mt.ones(1, 2)), m.weight.sum(1) + m.bias)
    order = []
    m.register_forward_hook(lambda *a: order.append("a"))
    m.register_forward_hook(lambda *a: order.append("b"), prepend=True)
    with m.register_forward_pre_hook(lambda mod, args, kwargs: (args, kwargs), with_kwargs=True):
        m(mt.ones(1, 2))
    assert order == ["b", "a"]
    assert not m._forward_pre_hooks


def test_forward_hook_with_kwargs():
    m = nn.Identity()
    seen = []
    m.register_forward_hook(lambda mod, args, kwargs, out: seen.append(sorted(kwargs)),
                            with_kwargs=True)
    m(input=mt.ones(1))
    assert seen == [["input"]]


# ---- repr -------------------------------------------------------------------------------------

def test_repr_nested_as_pytorch():
    m = nn.Sequential(nn.Linear(784, 128), nn.GELU(), nn.Dropout(0.1),
                      nn.Sequential(nn.LayerNorm(128), nn.Linear(128, 10, bias=False)))
    assert repr(m) == (
        "Sequential(\n"
        "  (0): Linear(in_features=784, out_features=128, bias=True)\n"
        "  (1): GELU(approximate='none')\n"
        "  (2): Dropout(p=0.1, inplace=False)\n"
        "  (3): Sequential(\n"
        "    (0): LayerNorm((128,), eps=1e-05, elementwise_affine=True, bias=True)\n"
        "    (1): Linear(in_features=128, out_features=10, bias=False)\n"
        "  )\n"
        ")")
    assert repr(Block()) == (
        "Block(\n"
        "  (net): Sequential(\n"
        "    (0): Linear(in_features=3, out_features=4, bias=True)\n"
        "    (1): ReLU()\n"
        "    (2): Linear(in_features=4, out_features=2, bias=True)\n"
        "  )\n"
        "  (bn): BatchNorm1d(2, eps=1e-05, momentum=0.1, affine=True, bias=True, "
        "track_running_stats=True)\n"
        ")")
    assert repr(nn.Module()) == "Module()"


def test_repr_multiline_extra_and_module_list():
    class Two(nn.Module):
        def extra_repr(self):
            return "a=1\nb=2"
    assert repr(Two()) == "Two(\n  a=1\n  b=2\n)"
    ml = nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 2)])
    assert repr(ml) == ("ModuleList(\n"
                        "  (0-1): 2 x Linear(in_features=2, out_features=2, bias=True)\n"
                        "  (2): ReLU()\n"
                        "  (3): Linear(in_features=2, out_features=2, bias=True)\n"
                        ")")
    assert repr(nn.ModuleList()) == "ModuleList()"


# ---- containers -------------------------------------------------------------------------------

def test_sequential_indexing_and_editing():
    a, b, c = nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)
    s = nn.Sequential(a, b, c)
    assert len(s) == 3 and s[0] is a and s[-1] is c and list(s) == [a, b, c]
    sub = s[1:]
    assert isinstance(sub, nn.Sequential) and list(sub._modules) == ["1", "2"]
    s[1] = nn.Tanh()
    assert isinstance(s[1], nn.Tanh)
    del s[0]
    assert list(s._modules) == ["0", "1"] and s[1] is c
    s.append(nn.Sigmoid())
    s.insert(0, a)
    assert [type(m).__name__ for m in s] == ["Linear", "Tanh", "Linear", "Sigmoid"]
    assert s(mt.ones(4, 2)).shape == (4, 1)
    assert isinstance(s.pop(3), nn.Sigmoid) and len(s) == 3
    assert len(s + nn.Sequential(nn.ReLU())) == 4
    with pytest.raises(IndexError, match="index 5 is out of range for Sequential of length 3"):
        s[5]


def test_sequential_from_ordered_dict():
    s = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 2)), ("act", nn.ReLU())]))
    assert list(s.state_dict()) == ["fc.weight", "fc.bias"]
    assert s.fc is s[0]
    assert repr(s).splitlines()[1] == "  (fc): Linear(in_features=2, out_features=2, bias=True)"


def test_module_list_and_dict():
    ml = nn.ModuleList([nn.Linear(1, 1) for _ in range(3)])
    ml.append(nn.ReLU())
    ml.extend([nn.Tanh()])
    ml += [nn.Sigmoid()]
    assert len(ml) == 6 and isinstance(ml[-1], nn.Sigmoid)
    assert len(list(ml.parameters())) == 6
    assert isinstance(ml[1:3], nn.ModuleList) and len(ml[1:3]) == 2
    del ml[0]
    assert list(ml._modules) == [str(i) for i in range(5)]
    ml.insert(0, nn.Identity())
    assert isinstance(ml[0], nn.Identity)
    with pytest.raises(NotImplementedError, match="ModuleList"):
        ml(mt.ones(1))
    with pytest.raises(TypeError, match="ModuleList.extend should be called with an iterable"):
        ml.extend(nn.ReLU())
    md = nn.ModuleDict({"enc": nn.Linear(2, 2), "act": nn.ReLU()})
    md["dec"] = nn.Linear(2, 1)
    assert list(md) == ["enc", "act", "dec"] and "act" in md and len(md) == 3
    assert list(md.state_dict()) == ["enc.weight", "enc.bias", "dec.weight", "dec.bias"]
    assert isinstance(md.pop("act"), nn.ReLU) and list(md.keys()) == ["enc", "dec"]
    md.update([("x", nn.Identity())])
    assert list(md.values())[-1] is md["x"]
    with pytest.raises(ValueError, match="ModuleDict update sequence element #0 should be"):
        md.update([nn.ReLU()])
    md.clear()
    assert len(md) == 0


def test_identity_flatten_unflatten():
    x = mt.randn(2, 3, 4, 5)
    assert nn.Identity(54, unused="x")(x) is x
    assert nn.Flatten()(x).shape == (2, 60)
    assert nn.Flatten(0, 2)(x).shape == (24, 5)
    assert nn.Unflatten(1, (3, 20))(nn.Flatten()(x)).shape == (2, 3, 20)
    assert repr(nn.Unflatten(1, (2, 5))) == "Unflatten(dim=1, unflattened_size=(2, 5))"
    with pytest.raises(TypeError, match="unflattened_size must be tuple of ints"):
        nn.Unflatten(1, 5)
