"""nn.utils.parametrize, nn.utils.parametrizations (weight_norm, spectral_norm, orthogonal) and
the older hook-based nn.utils.weight_norm / spectral_norm."""
import copy
import pickle
import warnings

import numpy as np
import pytest

import mytorch as mt
from mytorch import nn
from mytorch.autograd import gradcheck, gradgradcheck
from mytorch.nn.utils import parametrize as P
from mytorch.nn.utils import parametrizations as PZ
from mytorch.nn.utils.parametrizations import (_householder_product, _Orthogonal,
                                               _OrthMaps, _WeightNorm)


class Symmetric(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).mT

    def right_inverse(self, A):
        return A.triu()


class Scale(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.calls = 0

    def forward(self, X):
        self.calls += 1
        return X * self.c

    def right_inverse(self, X):
        return X / self.c


class Square(nn.Module):            # no right_inverse
    def forward(self, X):
        return X @ X


class Split(nn.Module):             # two originals: X = A + B
    def forward(self, A, B):
        return A + B

    def right_inverse(self, X):
        return X * 0.25, X * 0.75


def _np(t):
    return t.detach().numpy()


# ---- register / read / assign / remove ---------------------------------------------------------

def test_register_swaps_class_and_reads_parametrized_value():
    m = nn.Linear(3, 3)
    P.register_parametrization(m, "weight", Symmetric())
    assert type(m).__name__ == "ParametrizedLinear" and isinstance(m, nn.Linear)
    assert P.type_before_parametrizations(m) is nn.Linear
    assert P.is_parametrized(m) and P.is_parametrized(m, "weight")
    assert not P.is_parametrized(m, "bias")
    w = _np(m.weight)
    np.testing.assert_allclose(w, w.T)
    assert "weight" not in m._parameters
    assert [n for n, _ in m.named_parameters()] == ["bias", "parametrizations.weight.original"]
    assert list(m.state_dict()) == ["bias", "parametrizations.weight.original"]
    assert type(nn.Linear(2, 2)).__name__ == "Linear"       # the class itself is untouched


def test_gradient_flows_to_the_original():
    m = nn.Linear(3, 2)
    P.register_parametrization(m, "weight", Scale(3.0))
    m(mt.ones(1, 3)).sum().backward()
    np.testing.assert_allclose(_np(m.parametrizations.weight.original.grad), np.full((2, 3), 3.0))


def test_repr_as_pytorch():
    m = PZ.weight_norm(nn.Linear(3, 4))
    # printed by torch 2.13 for the same call
    assert repr(m) == ("ParametrizedLinear(\n  in_features=3, out_features=4, bias=True\n"
                       "  (parametrizations): ModuleDict(\n    (weight): ParametrizationList(\n"
                       "      (0): _WeightNorm()\n    )\n  )\n)")


def test_right_inverse_on_registration_and_assignment():
    m = nn.Linear(2, 2)
    w0 = _np(m.weight).copy()
    original = m.weight
    P.register_parametrization(m, "weight", Scale(2.0))
    assert m.parametrizations.weight.original is original      # same object: optimizers stay valid
    np.testing.assert_allclose(_np(original), w0 / 2, rtol=1e-6)
    np.testing.assert_allclose(_np(m.weight), w0, rtol=1e-6)
    m.weight = mt.ones(2, 2)
    np.testing.assert_allclose(_np(m.parametrizations.weight.original), np.full((2, 2), 0.5))
    np.testing.assert_allclose(_np(m.weight), np.ones((2, 2)))


def test_chained_parametrizations_apply_in_order():
    m = nn.Linear(2, 2)
    w0 = _np(m.weight).copy()
    P.register_parametrization(m, "weight", Scale(2.0))
    P.register_parametrization(m, "weight", Scale(5.0))
    assert len(m.parametrizations.weight) == 2
    np.testing.assert_allclose(_np(m.weight), w0 * 5, rtol=1e-6)
    m.weight = mt.full((2, 2), 10.0)          # both right_inverses, last first
    np.testing.assert_allclose(_np(m.parametrizations.weight.original), np.ones((2, 2)))


def test_several_originals():
    m = nn.Linear(2, 2)
    w0 = _np(m.weight).copy()
    P.register_parametrization(m, "weight", Split())
    pl = m.parametrizations.weight
    assert isinstance(pl.original0, nn.Parameter) and isinstance(pl.original1, nn.Parameter)
    assert not hasattr(pl, "original")
    np.testing.assert_allclose(_np(pl.original0), w0 * 0.25, rtol=1e-6)
    np.testing.assert_allclose(_np(m.weight), w0, rtol=1e-6)
    assert list(m.state_dict()) == ["bias", "parametrizations.weight.original0",
                                    "parametrizations.weight.original1"]


def test_buffer_parametrization_keeps_a_buffer():
    m = nn.BatchNorm1d(3)
    P.register_parametrization(m, "running_var", Scale(2.0))
    assert "parametrizations.running_var.original" in dict(m.named_buffers())
    np.testing.assert_allclose(_np(m.running_var), np.ones(3))


def test_remove_leave_parametrized_keeps_the_object():
    m = nn.Linear(2, 2)
    original = m.weight
    P.register_parametrization(m, "weight", Scale(3.0))
    value = _np(m.weight).copy()
    P.remove_parametrizations(m, "weight")
    assert type(m) is nn.Linear and not hasattr(m, "parametrizations")
    assert m.weight is original and isinstance(m.weight, nn.Parameter)
    np.testing.assert_allclose(_np(m.weight), value)


def test_remove_not_leave_parametrized_restores_original():
    m = nn.Linear(2, 2)
    w0 = _np(m.weight).copy()
    P.register_parametrization(m, "weight", Scale(3.0))
    P.remove_parametrizations(m, "weight", leave_parametrized=False)
    np.testing.assert_allclose(_np(m.weight), w0 / 3, rtol=1e-6)


def test_remove_one_of_two_keeps_the_class():
    m = nn.Linear(2, 2)
    P.register_parametrization(m, "weight", Scale(3.0))
    P.register_parametrization(m, "bias", Scale(3.0))
    P.remove_parametrizations(m, "weight")
    assert type(m).__name__ == "ParametrizedLinear" and P.is_parametrized(m, "bias")
    P.remove_parametrizations(m, "bias")
    assert type(m) is nn.Linear


def test_remove_several_originals_leaves_a_new_parameter():
    m = nn.Linear(2, 2)
    P.register_parametrization(m, "weight", Split())
    value = _np(m.weight).copy()
    P.remove_parametrizations(m, "weight")
    assert isinstance(m.weight, nn.Parameter) and m.weight.requires_grad
    np.testing.assert_allclose(_np(m.weight), value)


def test_cached_computes_once():
    m = nn.Linear(2, 2)
    scale = Scale(2.0)
    P.register_parametrization(m, "weight", scale)
    scale.calls = 0
    with P.cached():
        a, b = m.weight, m.weight
        assert a is b
        with P.cached():
            assert m.weight is a
    assert scale.calls == 1
    m.weight
    assert scale.calls == 2              # outside: recomputed at every access


def test_state_dict_round_trip_and_to():
    a, b = nn.Linear(3, 3), nn.Linear(3, 3)
    for m in (a, b):
        P.register_parametrization(m, "weight", Symmetric())
    b.load_state_dict(a.state_dict())
    np.testing.assert_allclose(_np(b.weight), _np(a.weight))
    a.double()
    assert a.weight.dtype == mt.float64


def test_deepcopy_works_and_pickle_refuses():
    m = nn.Linear(2, 2)
    P.register_parametrization(m, "weight", Scale(2.0))
    c = copy.deepcopy(m)
    assert type(c) is type(m)
    np.testing.assert_allclose(_np(c.weight), _np(m.weight))
    c.weight = mt.zeros(2, 2)
    assert _np(m.weight).any()
    with pytest.raises(RuntimeError, match="only supported through state_dict"):
        pickle.dumps(m)


def test_transfer_parametrizations_and_params():
    a, b = nn.Linear(2, 2), nn.Linear(2, 2)
    P.register_parametrization(a, "weight", Scale(2.0))
    P.transfer_parametrizations_and_params(a, b)
    assert P.is_parametrized(b, "weight")
    np.testing.assert_allclose(_np(b.weight), _np(a.weight))


def test_error_parametrization_changes_shape():
    with pytest.raises(ValueError, match=r"may not change the shape(.|\n)*unparametrized shape"):
        P.register_parametrization(nn.Linear(3, 3), "bias", Square())


def test_error_parametrization_changes_dtype():
    class Double(nn.Module):
        def forward(self, X):
            return X.double()
    with pytest.raises(ValueError, match="may not change the dtype"):
        P.register_parametrization(nn.Linear(3, 3), "weight", Double())


def test_error_chained_parametrization_changes_shape():
    m = nn.Linear(3, 3)
    P.register_parametrization(m, "weight", Scale(2.0))

    class Row(nn.Module):
        def forward(self, X):
            return X[0]
    with pytest.raises(ValueError, match=r"module.weight.shape"):
        P.register_parametrization(m, "weight", Row())


def test_error_register_unknown_name():
    with pytest.raises(ValueError, match="does not have a parameter, a buffer, or a "
                                         "parametrized element with name 'foo'"):
        P.register_parametrization(nn.Linear(2, 2), "foo", Scale(2.0))


def test_error_remove_when_not_parametrized():
    with pytest.raises(ValueError, match="does not have a parametrization on weight"):
        P.remove_parametrizations(nn.Linear(2, 2), "weight")


def test_error_leave_unparametrized_several_originals():
    m = nn.Linear(2, 2)
    P.register_parametrization(m, "weight", Split())
    with pytest.raises(ValueError, match="Cannot leave unparametrized"):
        P.remove_parametrizations(m, "weight", leave_parametrized=False)


def test_error_assign_parameter_to_parametrized_name():
    m = nn.Linear(2, 2)
    P.register_parametrization(m, "weight", Scale(2.0))
    with pytest.raises(KeyError, match="attribute 'weight' already exists"):
        m.weight = nn.Parameter(mt.zeros(2, 2))


def test_error_assign_without_right_inverse():
    m = nn.Linear(2, 2)
    P.register_parametrization(m, "weight", Square())
    with pytest.raises(RuntimeError, match="Square does not implement right_inverse"):
        m.weight = mt.zeros(2, 2)


def test_error_right_inverse_returns_a_non_tensor():
    class Bad(nn.Module):
        def forward(self, X):
            return X

        def right_inverse(self, X):
            return 3
    with pytest.raises(ValueError, match="must return a Tensor or a Sequence of tensors"):
        P.register_parametrization(nn.Linear(2, 2), "weight", Bad())


# ---- parametrizations.weight_norm ------------------------------------------------------------

def test_weight_norm_parametrization():
    m = nn.Linear(3, 4)
    w0 = _np(m.weight).copy()
    PZ.weight_norm(m)
    pl = m.parametrizations.weight
    assert pl.original0.shape == (4, 1) and pl.original1.shape == (4, 3)
    np.testing.assert_allclose(_np(pl.original0), np.linalg.norm(w0, axis=1, keepdims=True),
                               rtol=1e-6)
    np.testing.assert_allclose(_np(m.weight), w0, rtol=1e-5, atol=1e-7)
    with mt.no_grad():
        pl.original0.mul_(2.0)
    np.testing.assert_allclose(_np(m.weight), 2 * w0, rtol=1e-5, atol=1e-7)


def test_weight_norm_dims():
    conv = PZ.weight_norm(nn.Conv2d(2, 3, 3), dim=1)
    assert conv.parametrizations.weight.original0.shape == (1, 2, 1, 1)
    whole = PZ.weight_norm(nn.Linear(3, 4), dim=None)
    assert whole.parametrizations.weight.original0.shape == ()


def test_weight_norm_gradients():
    g = mt.rand(4, 1, dtype=mt.float64) + 0.5
    v = mt.randn(4, 3, dtype=mt.float64)
    for dim in (0, 1, None):
        gd = g if dim == 0 else (mt.rand(1, 3, dtype=mt.float64) + 0.5 if dim == 1
                                 else mt.tensor(1.5, dtype=mt.float64))
        gd.requires_grad_(True)
        v.requires_grad_(True)
        assert gradcheck(_WeightNorm(dim), (gd, v))
        assert gradgradcheck(_WeightNorm(dim), (gd, v))


# ---- parametrizations.spectral_norm ----------------------------------------------------------

def test_spectral_norm_parametrization():
    mt.manual_seed(0)
    m = PZ.spectral_norm(nn.Linear(5, 4), n_power_iterations=3)
    assert list(m.state_dict()) == ["bias", "parametrizations.weight.original",
                                    "parametrizations.weight.0._u",
                                    "parametrizations.weight.0._v"]
    for _ in range(10):
        w = _np(m.weight)
    np.testing.assert_allclose(np.linalg.norm(w, 2), 1.0, rtol=1e-4)
    w_orig = _np(m.parametrizations.weight.original)
    np.testing.assert_allclose(w * np.linalg.norm(w_orig, 2), w_orig, rtol=1e-4, atol=1e-6)


def test_spectral_norm_eval_freezes_the_vectors():
    m = PZ.spectral_norm(nn.Linear(5, 4))
    sn = m.parametrizations.weight[0]
    m.eval()
    u = _np(sn._u).copy()
    m.weight
    np.testing.assert_array_equal(_np(sn._u), u)


def test_spectral_norm_gradient_and_default_dims():
    m = PZ.spectral_norm(nn.Linear(3, 4).double()).eval()
    w = m.parametrizations.weight.original
    sn = m.parametrizations.weight[0]
    assert gradcheck(sn, (w,))
    t = PZ.spectral_norm(nn.ConvTranspose2d(2, 5, 3))
    assert t.parametrizations.weight[0].dim == 1
    assert t.parametrizations.weight[0]._u.shape == (5,)
    vec = PZ.spectral_norm(nn.Linear(3, 4), name="bias")
    np.testing.assert_allclose(np.linalg.norm(_np(vec.bias)), 1.0, rtol=1e-6)


def test_error_spectral_norm_dim_out_of_range():
    with pytest.raises(IndexError, match=r"expected to be in range of \[-2, 1\] but got 2"):
        PZ.spectral_norm(nn.Linear(3, 4), dim=2)


def test_error_spectral_norm_power_iterations():
    with pytest.raises(ValueError, match="Expected n_power_iterations to be positive"):
        PZ.spectral_norm(nn.Linear(3, 4), n_power_iterations=0)


def test_error_spectral_norm_no_such_tensor():
    with pytest.raises(ValueError, match="has no parameter or buffer with name 'kernel'"):
        PZ.spectral_norm(nn.Linear(3, 4), name="kernel")


# ---- parametrizations.orthogonal ---------------------------------------------------------------

def test_matrix_exp_against_eigh_and_rotation():
    rng = np.random.default_rng(0)
    S = rng.standard_normal((4, 4)) * 3
    S = S + S.T                                      # large norm: the squaring path runs
    w, V = np.linalg.eigh(S)
    np.testing.assert_allclose(_np(mt.linalg.matrix_exp(mt.tensor(S))),
                               V @ np.diag(np.exp(w)) @ V.T, rtol=1e-10)
    t = 0.7
    R = _np(mt.linalg.matrix_exp(mt.tensor([[0.0, -t], [t, 0.0]], dtype=mt.float64)))
    np.testing.assert_allclose(R, [[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]], atol=1e-14)


def test_householder_product_against_explicit_reflectors():
    rng = np.random.default_rng(1)
    A, tau = rng.standard_normal((5, 3)), rng.standard_normal(3)
    H = np.eye(5)
    for i in range(3):
        v = np.concatenate([np.zeros(i), [1.0], A[i + 1:, i]])
        H = H @ (np.eye(5) - tau[i] * np.outer(v, v))
    np.testing.assert_allclose(_np(_householder_product(mt.tensor(A), mt.tensor(tau))),
                               H[:, :3], atol=1e-12)


@pytest.mark.parametrize("orthogonal_map", ["matrix_exp", "cayley", "householder"])
@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (3, 5), (2, 4, 3)])
def test_orthogonal_is_orthogonal_and_keeps_the_orthogonalized_weight(orthogonal_map, shape):
    m = nn.Module()
    m.weight = nn.Parameter(mt.randn(*shape, dtype=mt.float64))
    w0 = _np(m.weight).copy()
    PZ.orthogonal(m, orthogonal_map=orthogonal_map)
    Q = _np(m.weight)
    assert Q.shape == shape
    small = min(shape[-2:])
    gram = Q.swapaxes(-1, -2) @ Q if shape[-2] >= shape[-1] else Q @ Q.swapaxes(-1, -2)
    np.testing.assert_allclose(gram, np.broadcast_to(np.eye(small), gram.shape), atol=1e-10)
    # the initial value is w0's QR orthogonalization, signs making diag(R) >= 0
    tall = w0 if shape[-2] >= shape[-1] else w0.swapaxes(-1, -2)
    q, r = np.linalg.qr(tall)
    q = q * np.sign(np.diagonal(r, axis1=-2, axis2=-1))[..., None, :]
    np.testing.assert_allclose(Q if shape[-2] >= shape[-1] else Q.swapaxes(-1, -2), q,
                               atol=1e-10)


@pytest.mark.parametrize("orthogonal_map", ["matrix_exp", "cayley", "householder"])
def test_orthogonal_gradients(orthogonal_map):
    weight = mt.randn(4, 3, dtype=mt.float64)
    orth = _Orthogonal(weight, _OrthMaps[orthogonal_map], use_trivialization=False)
    X = (mt.randn(4, 3, dtype=mt.float64) * 0.5 + mt.eye(4, 3, dtype=mt.float64)) \
        .requires_grad_(True)
    assert gradcheck(orth, (X,))
    if orthogonal_map != "householder":            # its .int() of the diagonal is a step
        assert gradgradcheck(orth, (X,))


def test_orthogonal_default_maps_and_assignment():
    square = PZ.orthogonal(nn.Linear(3, 3))
    assert square.parametrizations.weight[0].orthogonal_map == _OrthMaps.matrix_exp
    tall = PZ.orthogonal(nn.Linear(3, 5))
    assert tall.parametrizations.weight[0].orthogonal_map == _OrthMaps.householder
    assert list(tall.state_dict()) == ["bias", "parametrizations.weight.original",
                                       "parametrizations.weight.0.base"]
    Q = np.linalg.qr(np.random.default_rng(2).standard_normal((3, 3)))[0].astype(np.float32)
    square.weight = mt.tensor(Q)
    np.testing.assert_allclose(_np(square.weight), Q, atol=1e-5)


def test_orthogonal_without_trivialization():
    m = PZ.orthogonal(nn.Linear(3, 3).double(), use_trivialization=False)
    Q = _np(m.weight)
    np.testing.assert_allclose(Q.T @ Q, np.eye(3), atol=1e-10)
    with pytest.raises(NotImplementedError, match="use_trivialization=False"):
        m.weight = mt.eye(3, dtype=mt.float64)


def test_error_orthogonal_unknown_map():
    with pytest.raises(ValueError, match='orthogonal_map has to be one of "matrix_exp"'):
        PZ.orthogonal(nn.Linear(3, 4), orthogonal_map="foo")


def test_error_orthogonal_vector():
    with pytest.raises(ValueError, match="Expected a matrix or batch of matrices. Got a tensor "
                                         "of 1 dimensions"):
        PZ.orthogonal(nn.Linear(3, 4), name="bias")


def test_error_orthogonal_householder_without_trivialization():
    with pytest.raises(NotImplementedError, match="geqrf"):
        PZ.orthogonal(nn.Linear(3, 4), orthogonal_map="householder", use_trivialization=False)


def test_error_orthogonal_assign_wrong_shape():
    m = PZ.orthogonal(nn.Linear(3, 3))
    with pytest.raises(ValueError, match=r"Expected a matrix or batch of matrices of shape"):
        m.weight = mt.eye(4)


# ---- the older hook-based weight_norm / spectral_norm -------------------------------------------

def test_old_weight_norm():
    m = nn.Linear(3, 4)
    w0 = _np(m.weight).copy()
    with pytest.warns(FutureWarning, match="weight_norm` is deprecated in favor of "
                                           "`mytorch.nn.utils.parametrizations.weight_norm"):
        nn.utils.weight_norm(m)
    assert list(m.state_dict()) == ["bias", "weight_g", "weight_v"]
    assert m.weight_g.shape == (4, 1) and type(m) is nn.Linear
    np.testing.assert_allclose(_np(m.weight), w0, rtol=1e-5, atol=1e-7)
    with mt.no_grad():
        m.weight_g.mul_(3.0)
    out = m(mt.ones(1, 3))                 # the pre-hook recomputes the weight
    np.testing.assert_allclose(_np(m.weight), 3 * w0, rtol=1e-5, atol=1e-7)
    out.sum().backward()
    assert m.weight_g.grad is not None and m.weight_v.grad is not None
    nn.utils.remove_weight_norm(m)
    assert isinstance(m.weight, nn.Parameter) and not m._forward_pre_hooks
    np.testing.assert_allclose(_np(m.weight), 3 * w0, rtol=1e-5, atol=1e-7)


def test_old_weight_norm_whole_tensor():
    with pytest.warns(FutureWarning):
        m = nn.utils.weight_norm(nn.Linear(3, 4), dim=None)
    assert m.weight_g.shape == ()


def test_error_old_weight_norm_twice():
    with pytest.warns(FutureWarning):
        m = nn.utils.weight_norm(nn.Linear(3, 4))
        with pytest.raises(RuntimeError, match="Cannot register two weight_norm hooks"):
            nn.utils.weight_norm(m)


def test_error_remove_weight_norm_missing():
    with pytest.raises(ValueError, match="weight_norm of 'weight' not found in Linear"):
        nn.utils.remove_weight_norm(nn.Linear(1, 1))


def test_old_spectral_norm():
    mt.manual_seed(0)
    m = nn.utils.spectral_norm(nn.Linear(5, 4))
    assert list(m.state_dict()) == ["bias", "weight_orig", "weight_u", "weight_v"]
    assert type(m) is nn.Linear
    for _ in range(30):
        m(mt.ones(1, 5))
    np.testing.assert_allclose(np.linalg.norm(_np(m.weight), 2), 1.0, rtol=1e-4)
    m.eval()
    u = _np(m.weight_u).copy()
    m(mt.ones(1, 5)).sum().backward()
    np.testing.assert_array_equal(_np(m.weight_u), u)
    assert m.weight_orig.grad is not None
    nn.utils.remove_spectral_norm(m)
    assert list(m.state_dict()) == ["bias", "weight"]
    np.testing.assert_allclose(np.linalg.norm(_np(m.weight), 2), 1.0, rtol=1e-4)
    assert nn.utils.spectral_norm(nn.ConvTranspose1d(2, 3, 3)).weight_u.shape == (3,)


def test_error_old_spectral_norm_twice():
    m = nn.utils.spectral_norm(nn.Linear(3, 4))
    with pytest.raises(RuntimeError, match="Cannot register two spectral_norm hooks"):
        nn.utils.spectral_norm(m)


def test_error_old_spectral_norm_none_parameter():
    with pytest.raises(ValueError, match="parameter `bias` is None"):
        nn.utils.spectral_norm(nn.Linear(3, 4, bias=False), name="bias")


def test_error_remove_spectral_norm_missing():
    with pytest.raises(ValueError, match="spectral_norm of 'weight' not found"):
        nn.utils.remove_spectral_norm(nn.Linear(1, 1))


def test_no_warning_from_the_parametrization_weight_norm():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        PZ.weight_norm(nn.Linear(2, 2))


@pytest.mark.parametrize("orthogonal_map", ["matrix_exp", "cayley", "householder"])
def test_parametrizations_on_every_device(device, orthogonal_map):
    x = mt.randn(2, 3, device=device)
    for m in (PZ.weight_norm(nn.Linear(3, 4)), PZ.spectral_norm(nn.Linear(3, 4)),
              PZ.orthogonal(nn.Linear(3, 4), orthogonal_map=orthogonal_map),
              nn.utils.spectral_norm(nn.Linear(3, 4))):
        m.to(device)
        m(x).sum().backward()
        assert m.weight.device == mt.device(device)
    with pytest.warns(FutureWarning):
        m = nn.utils.weight_norm(nn.Linear(3, 4)).to(device)
    m(x).sum().backward()
    assert m.weight_v.grad.device == mt.device(device)
