"""nn.utils: conv/linear-BatchNorm fusion, get_total_norm / clip_grads_with_norm_ /
clip_grad_norm, skip_init, and functional_call (nn.utils.stateless and mytorch.func)."""
import numpy as np
import pytest

import mytorch as mt
from mytorch import nn
from mytorch.func import functional_call
from mytorch.nn.utils import parametrize as P
from mytorch.nn.utils import stateless


def _np(t):
    return t.detach().numpy()


def _bn_with_statistics(bn):
    with mt.no_grad():
        bn.running_mean.copy_(mt.randn(bn.num_features))
        bn.running_var.copy_(mt.rand(bn.num_features) + 0.5)
        bn.weight.copy_(mt.randn(bn.num_features))
        bn.bias.copy_(mt.randn(bn.num_features))
    return bn.eval()


# ---- fusion ------------------------------------------------------------------------------------

@pytest.mark.parametrize("bias", [True, False])
def test_fuse_conv_bn_eval(bias):
    conv = nn.Conv2d(2, 3, 3, bias=bias).eval()
    bn = _bn_with_statistics(nn.BatchNorm2d(3))
    fused = nn.utils.fuse_conv_bn_eval(conv, bn)
    assert type(fused) is nn.Conv2d and fused is not conv
    assert isinstance(fused.weight, nn.Parameter) and isinstance(fused.bias, nn.Parameter)
    x = mt.randn(2, 2, 6, 6)
    np.testing.assert_allclose(_np(fused(x)), _np(bn(conv(x))), rtol=1e-4, atol=1e-5)
    assert (conv.bias is None) == (not bias)          # the input conv is untouched


def test_fuse_conv_transpose_bn_eval():
    conv = nn.ConvTranspose2d(2, 3, 3).eval()
    bn = _bn_with_statistics(nn.BatchNorm2d(3))
    fused = nn.utils.fuse_conv_bn_eval(conv, bn, transpose=True)
    x = mt.randn(1, 2, 4, 4)
    np.testing.assert_allclose(_np(fused(x)), _np(bn(conv(x))), rtol=1e-4, atol=1e-5)


def test_fuse_linear_bn_eval():
    linear = nn.Linear(4, 3).eval()
    bn = _bn_with_statistics(nn.BatchNorm1d(3))
    fused = nn.utils.fuse_linear_bn_eval(linear, bn)
    x = mt.randn(5, 4)
    np.testing.assert_allclose(_np(fused(x)), _np(bn(linear(x))), rtol=1e-4, atol=1e-5)


def test_fuse_weights_defaults_and_requires_grad():
    w = mt.randn(3, 2, 1, 1, requires_grad=True)
    rm, rv = mt.zeros(3), mt.ones(3)
    fw, fb = nn.utils.fuse_conv_bn_weights(w, None, rm, rv, 0.0, None, None)
    np.testing.assert_allclose(_np(fw), _np(w))
    np.testing.assert_allclose(_np(fb), np.zeros(3))
    assert isinstance(fw, nn.Parameter) and fw.requires_grad and fw.is_leaf
    assert not fb.requires_grad              # the stand-in zero bias did not require grad
    lw, lb = nn.utils.fuse_linear_bn_weights(mt.ones(3, 2), None, rm, mt.full((3,), 4.0), 0.0,
                                             mt.ones(3), mt.ones(3))
    np.testing.assert_allclose(_np(lw), np.full((3, 2), 0.5))
    np.testing.assert_allclose(_np(lb), np.ones(3))


def test_error_fusion_in_training_mode():
    with pytest.raises(AssertionError, match="Fusion only for eval!"):
        nn.utils.fuse_conv_bn_eval(nn.Conv2d(1, 1, 1), nn.BatchNorm2d(1).eval())


def test_error_fuse_linear_feature_mismatch():
    with pytest.raises(AssertionError, match="linear.out_features=3 and bn.num_features=4"):
        nn.utils.fuse_linear_bn_eval(nn.Linear(2, 3).eval(), nn.BatchNorm1d(4).eval())


def test_error_fuse_without_running_stats():
    bn = nn.BatchNorm1d(3, track_running_stats=False).eval()
    with pytest.raises(AssertionError, match="running_mean and bn.running_var must not be None"):
        nn.utils.fuse_linear_bn_eval(nn.Linear(2, 3).eval(), bn)


# ---- total norm and clipping -------------------------------------------------------------------

def test_get_total_norm():
    ts = [mt.tensor([3.0, 4.0]), mt.tensor([12.0])]
    assert float(nn.utils.get_total_norm(ts)) == 13.0            # torch 2.13: tensor(13.)
    assert float(nn.utils.get_total_norm(ts, norm_type="inf")) == 12.0
    assert float(nn.utils.get_total_norm(mt.tensor([-5.0]), 1)) == 5.0
    assert float(nn.utils.get_total_norm([])) == 0.0


def test_error_get_total_norm_nonfinite():
    with pytest.raises(RuntimeError, match="is non-finite, so it cannot be clipped"):
        nn.utils.get_total_norm([mt.tensor([float("inf")])], error_if_nonfinite=True)


def test_clip_grads_with_norm_():
    p = nn.Parameter(mt.zeros(2))
    p.grad = mt.tensor([3.0, 4.0])
    nn.utils.clip_grads_with_norm_([p], 1.0, nn.utils.get_total_norm([p.grad]))
    np.testing.assert_allclose(_np(p.grad), [0.6, 0.8], rtol=1e-5)
    nn.utils.clip_grads_with_norm_(p, 10.0, mt.tensor(1.0))         # never scaled up
    np.testing.assert_allclose(_np(p.grad), [0.6, 0.8], rtol=1e-5)


def test_clip_grad_norm_deprecated_alias():
    p = nn.Parameter(mt.zeros(2))
    p.grad = mt.tensor([3.0, 4.0])
    with pytest.warns(FutureWarning, match="clip_grad_norm` is now deprecated in favor of"):
        total = nn.utils.clip_grad_norm([p], 1.0)
    assert float(total) == 5.0
    np.testing.assert_allclose(_np(p.grad), [0.6, 0.8], rtol=1e-5)


def test_clip_grad_norm_empty_generator_warns():
    with pytest.warns(UserWarning, match="empty generator, no gradient clipping will occur"):
        nn.utils.clip_grad_norm_((p for p in []), 1.0)


# ---- skip_init ---------------------------------------------------------------------------------

def test_skip_init():
    m = nn.utils.skip_init(nn.Linear, 3, 4, bias=False)
    assert type(m) is nn.Linear and m.weight.shape == (4, 3) and m.bias is None
    assert m.weight.device == mt.device("cpu")


def test_error_skip_init_not_a_module():
    with pytest.raises(RuntimeError, match="Expected a Module; got <class 'int'>"):
        nn.utils.skip_init(int)


def test_error_skip_init_without_device_argument():
    with pytest.raises(RuntimeError, match="Module must support a 'device' arg"):
        nn.utils.skip_init(nn.ReLU)


# ---- functional_call ---------------------------------------------------------------------------

class Tied(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(2, 2, bias=False)
        self.b = nn.Linear(2, 2, bias=False)
        self.b.weight = self.a.weight

    def forward(self, x):
        return self.b(self.a(x))


def test_functional_call_replaces_for_one_call():
    m = nn.Linear(2, 1)
    W = mt.tensor([[1.0, 2.0]], requires_grad=True)
    out = functional_call(m, {"weight": W, "bias": mt.zeros(1)}, mt.tensor([[3.0, 4.0]]))
    assert float(out) == 11.0
    out.sum().backward()
    np.testing.assert_allclose(_np(W.grad), [[3.0, 4.0]])
    assert m.weight.grad is None and isinstance(m.weight, nn.Parameter)
    assert "weight" in m._parameters and m._parameters["weight"] is not W


def test_functional_call_args_kwargs_and_nested_names():
    class Add(nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = nn.Linear(1, 1)

        def forward(self, x, *, y):
            return self.inner(x) + y

    m = Add()
    params = {"inner.weight": mt.ones(1, 1), "inner.bias": mt.zeros(1)}
    out = functional_call(m, params, mt.tensor([[2.0]]), {"y": mt.tensor(1.0)})
    assert float(out) == 3.0
    out = functional_call(m, (params, {}), (mt.tensor([[2.0]]),), {"y": mt.tensor(0.0)})
    assert float(out) == 2.0


def test_functional_call_buffers_and_restore_on_error():
    bn = nn.BatchNorm1d(2).eval()
    out = functional_call(bn, {"running_mean": mt.ones(2)}, mt.ones(1, 2))
    np.testing.assert_allclose(_np(out), np.zeros((1, 2)), atol=1e-6)
    np.testing.assert_allclose(_np(bn.running_mean), np.zeros(2))
    m = nn.Linear(2, 2)
    weight = m.weight
    with pytest.raises(RuntimeError):
        functional_call(m, {"weight": mt.zeros(2, 2)}, mt.zeros(1, 3))
    assert m.weight is weight


def test_functional_call_tied_weights():
    m = Tied()
    x = mt.ones(1, 2)
    # torch 2.13 gives [[4., 4.]]: both a.weight and b.weight become 2·I
    np.testing.assert_allclose(_np(functional_call(m, {"a.weight": 2 * mt.eye(2)}, x)),
                               [[4.0, 4.0]])
    untied = functional_call(m, {"a.weight": 2 * mt.eye(2)}, x, tie_weights=False)
    np.testing.assert_allclose(_np(untied), _np(m.a.weight @ mt.full((2,), 2.0))[None],
                               rtol=1e-6)
    same = 2 * mt.eye(2)
    functional_call(m, {"a.weight": same, "b.weight": same}, x)     # one value: fine


def test_functional_call_through_a_parametrization():
    m = nn.Linear(2, 1, bias=False)
    P.register_parametrization(m, "weight", _Double())
    out = functional_call(m, {"parametrizations.weight.original": mt.ones(1, 2)}, mt.ones(1, 2))
    assert float(out) == 4.0


class _Double(nn.Module):
    def forward(self, X):
        return 2 * X


def test_stateless_functional_call_is_deprecated():
    m = nn.Linear(1, 1)
    with pytest.warns(FutureWarning, match="Please use `mytorch.func.functional_call`"):
        out = stateless.functional_call(m, {"weight": mt.ones(1, 1), "bias": mt.zeros(1)},
                                        mt.ones(1, 1))
    assert float(out) == 1.0


def test_error_functional_call_tied_different_values():
    with pytest.raises(ValueError, match=r"multiple values for keys \['a.weight', 'b.weight'\], "
                                         "which are tied"):
        functional_call(Tied(), {"a.weight": mt.eye(2), "b.weight": mt.zeros(2, 2)},
                        mt.ones(1, 2))


def test_error_functional_call_strict():
    with pytest.raises(RuntimeError, match=r"Error\(s\) in reparametrizing for Linear:\n\t"
                                           r"Unexpected key\(s\): 'c'.\n\tMissing key\(s\): "
                                           r"'bias'."):
        functional_call(nn.Linear(2, 2), {"weight": mt.eye(2), "c": mt.zeros(1)},
                        mt.ones(1, 2), strict=True)


def test_error_functional_call_repeated_keys():
    with pytest.raises(ValueError, match=r"\['weight'\] appeared in multiple dictionaries"):
        functional_call(nn.Linear(2, 2), [{"weight": mt.eye(2)}, {"weight": mt.eye(2)}],
                        mt.ones(1, 2))


def test_error_functional_call_not_dicts():
    with pytest.raises(ValueError, match="Expected parameter_and_buffer_dicts to be a dict"):
        functional_call(nn.Linear(2, 2), mt.eye(2), mt.ones(1, 2))


def test_error_functional_call_not_a_tensor():
    with pytest.raises(TypeError, match="is not an instance of mytorch.Tensor"):
        functional_call(nn.Linear(2, 2), {"weight": 3.0}, mt.ones(1, 2))
