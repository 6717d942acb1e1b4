"""mytorch.linalg beyond the op table: PyTorch's errors, batched shapes, slogdet's named tuple,
matrix_power's edge cases, torch.linalg.norm's choice between vector and matrix norms, cdist,
and the namespace itself. (Forward vs NumPy, gradcheck and gradgradcheck of every function are
rows in tests/optable/linalg.py.)"""
import numpy as np
import pytest

import mytorch as mt
from mytorch import linalg


def _well_conditioned(*shape, dtype=mt.float64, device="cpu"):
    n = shape[-1]
    rng = np.random.default_rng(sum(shape))
    a = rng.uniform(-1, 1, size=shape) + n * np.eye(n)
    return mt.tensor(a, dtype=dtype, device=device)


SINGULAR = [[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]]


# ---- the namespace ---------------------------------------------------------------------------

def test_linalg_is_importable_both_ways():
    import mytorch.linalg as by_path
    assert by_path is linalg is mt.linalg
    for name in ("det", "inv", "solve", "slogdet", "matrix_power", "norm", "vector_norm",
                 "matrix_norm"):
        assert callable(getattr(mt.linalg, name)), name
    assert set(linalg.__all__) == {"det", "inv", "solve", "slogdet", "matrix_power", "norm",
                                   "vector_norm", "matrix_norm", "cholesky", "qr", "eigh",
                                   "eigvalsh", "svd", "svdvals", "LinAlgError",
                                   "cholesky_ex", "inv_ex", "solve_ex", "solve_triangular",
                                   "lstsq", "lu_factor", "lu_factor_ex", "lu", "lu_solve",
                                   "pinv", "matrix_rank", "cond", "cross", "multi_dot",
                                   "matrix_exp", "vecdot", "diagonal", "vander", "tensorinv",
                                   "tensorsolve", "matmul"}


def test_top_level_names_and_methods_agree_with_linalg():
    a = _well_conditioned(3, 3)
    assert mt.allclose(mt.det(a), linalg.det(a)) and mt.allclose(a.det(), linalg.det(a))
    assert mt.allclose(mt.inverse(a), linalg.inv(a)) and mt.allclose(a.inverse(), linalg.inv(a))
    assert mt.allclose(mt.slogdet(a).logabsdet, a.slogdet().logabsdet)
    assert mt.allclose(mt.matrix_power(a, 3), a.matrix_power(3))
    assert mt.allclose(linalg.matrix_power(a, 3), a @ a @ a)
    # mytorch.norm stays torch.norm (p='fro' default), a different function from linalg.norm
    assert mt.norm is not linalg.norm


# ---- errors: PyTorch's class and message ------------------------------------------------------

@pytest.mark.parametrize("fn, name", [(linalg.det, "linalg.det"), (linalg.inv, "linalg.inv"),
                                      (linalg.slogdet, "linalg.slogdet"),
                                      (lambda a: linalg.matrix_power(a, 2),
                                       "linalg.matrix_power")])
def test_square_matrix_errors(fn, name):
    with pytest.raises(RuntimeError, match=rf"{name}: A must be batches of square matrices, "
                                           r"but they are 2 by 3 matrices"):
        fn(mt.zeros(2, 3))
    with pytest.raises(RuntimeError, match=rf"{name}: A must be batches of square matrices, "
                                           r"but they are 4 by 2 matrices"):
        fn(mt.zeros(5, 4, 2))
    with pytest.raises(RuntimeError, match=rf"{name}: The input tensor A must have at least 2 "
                                           r"dimensions\."):
        fn(mt.zeros(3))
    with pytest.raises(RuntimeError, match=rf"{name}: The input tensor A must have at least 2 "
                                           r"dimensions\."):
        fn(mt.tensor(1.0))


@pytest.mark.parametrize("fn, name", [(linalg.det, "linalg.det"), (linalg.inv, "linalg.inv"),
                                      (linalg.slogdet, "linalg.slogdet")])
def test_integer_and_half_inputs_are_refused(fn, name):
    with pytest.raises(RuntimeError, match=rf"{name}: Expected a floating point or complex "
                                           r"tensor as input\. Got Long"):
        fn(mt.eye(3, dtype=mt.int64))
    with pytest.raises(RuntimeError, match=rf"{name}: Expected a floating point or complex "
                                           r"tensor as input\. Got Int"):
        fn(mt.eye(3, dtype=mt.int32))
    with pytest.raises(RuntimeError, match=rf"{name}: Low precision dtypes not supported\. "
                                           r"Got Half"):
        fn(mt.eye(3, dtype=mt.float16))


def test_non_tensor_input_is_a_type_error():
    with pytest.raises(TypeError, match=r"linalg\.det\(\): argument 'A' must be Tensor, not list"):
        linalg.det([[1.0, 0.0], [0.0, 1.0]])


def test_inv_of_a_singular_matrix_raises(device):
    a = mt.tensor(SINGULAR, device=device)
    with pytest.raises(RuntimeError, match=r"linalg\.inv: .*the input matrix is singular"):
        linalg.inv(a)
    with pytest.raises(RuntimeError, match=r"linalg\.inv: .*singular"):
        mt.inverse(mt.stack([mt.eye(3, device=device), a]))       # one singular in a batch
    with pytest.raises(RuntimeError, match=r"linalg\.inv: .*singular"):
        linalg.matrix_power(a, -2)


def test_solve_errors(device):
    a = _well_conditioned(3, 3, device=device)
    with pytest.raises(RuntimeError, match=r"linalg\.solve: Expected A and B to have the same "
                                           r"dtype, but found A of type Double and B of type "
                                           r"Float instead"):
        linalg.solve(a, mt.ones(3, 1, device=device))
    with pytest.raises(RuntimeError, match=r"linalg\.solve: Expected a floating point or complex "
                                           r"tensor as input\. Got Long"):
        linalg.solve(mt.eye(3, dtype=mt.int64), mt.ones(3, dtype=mt.int64))
    with pytest.raises(RuntimeError, match=r"linalg\.solve: A must be batches of square "
                                           r"matrices, but they are 3 by 2 matrices"):
        linalg.solve(mt.ones(3, 2, dtype=mt.float64), mt.ones(3, 1, dtype=mt.float64))
    with pytest.raises(RuntimeError, match=r"linalg\.solve: Incompatible shapes of A and B for "
                                           r"the equation AX = B \(3x3 and 4x1\)"):
        linalg.solve(a, mt.ones(4, 1, dtype=mt.float64, device=device))
    with pytest.raises(RuntimeError, match=r"Incompatible shapes of A and B for the equation "
                                           r"XA = B \(3x3 and 3x2\)"):
        linalg.solve(a, mt.ones(3, 2, dtype=mt.float64, device=device), left=False)
    with pytest.raises(RuntimeError, match=r"Vector broadcasting of the left hand side is not "
                                           r"supported for left=False"):
        linalg.solve(a, mt.ones(3, dtype=mt.float64, device=device), left=False)
    with pytest.raises(RuntimeError, match=r"The size of tensor a \(2\) must match the size of "
                                           r"tensor b \(4\) at non-singleton dimension 0"):
        linalg.solve(_well_conditioned(2, 3, 3), mt.ones(4, 3, 1, dtype=mt.float64))
    with pytest.raises(RuntimeError, match=r"linalg\.solve: The solver failed because the input "
                                           r"matrix is singular"):
        linalg.solve(mt.tensor(SINGULAR, dtype=mt.float64, device=device),
                     mt.ones(3, dtype=mt.float64, device=device))


def test_matrix_power_errors():
    a = _well_conditioned(3, 3)
    with pytest.raises(TypeError, match=r"matrix_power\(\): argument 'n' must be int, not float"):
        linalg.matrix_power(a, 2.0)
    with pytest.raises(TypeError, match=r"must be int, not bool"):
        a.matrix_power(True)
    # integers power fine (matmul), but their inverse needs a floating dtype, as in PyTorch
    ints = mt.tensor([[1, 1], [0, 1]])
    assert mt.matrix_power(ints, 3).tolist() == [[1, 3], [0, 1]]
    with pytest.raises(RuntimeError, match=r"linalg\.inv: Expected a floating point or complex "
                                           r"tensor as input\. Got Long"):
        mt.matrix_power(ints, -1)


def test_norm_errors():
    x = mt.randn(2, 3, 4)
    with pytest.raises(RuntimeError, match=r"linalg\.vector_norm: Expected a floating point or "
                                           r"complex tensor as input\. Got Long"):
        linalg.vector_norm(mt.arange(4))
    with pytest.raises(TypeError, match=r"argument 'ord' must be Number, not str"):
        linalg.vector_norm(x, "fro")
    with pytest.raises(RuntimeError, match=r"linalg\.vector_norm: dtype should be floating point "
                                           r"or complex, but got Long"):
        linalg.vector_norm(x, dtype=mt.int64)
    with pytest.raises(RuntimeError, match=r"the dtype of the input \(Double\) should be "
                                           r"convertible without narrowing to the specified "
                                           r"dtype \(Float\)"):
        linalg.vector_norm(x.double(), dtype=mt.float32)
    with pytest.raises(RuntimeError, match=r"linalg\.matrix_norm: Order 3 not supported\."):
        linalg.matrix_norm(x, 3)
    with pytest.raises(RuntimeError, match=r"linalg\.matrix_norm: Order abc not supported\."):
        linalg.matrix_norm(x, "abc")
    with pytest.raises(RuntimeError, match=r"linalg\.matrix_norm: The input tensor A must have at "
                                           r"least 2 dimensions\."):
        linalg.matrix_norm(mt.ones(3))
    with pytest.raises(RuntimeError, match=r"linalg\.matrix_norm: dim must be a 2-tuple\. Got "
                                           r"\[0, 1, 2\]"):
        linalg.matrix_norm(x, dim=(0, 1, 2))
    with pytest.raises(RuntimeError, match=r"linalg\.matrix_norm: dims must be different\. Got "
                                           r"\(2, 2\)"):
        linalg.matrix_norm(x, dim=(2, -1))
    with pytest.raises(RuntimeError, match=r"linalg\.matrix_norm: Expected a floating point"):
        linalg.matrix_norm(mt.ones(2, 2, dtype=mt.int64))
    with pytest.raises(RuntimeError, match=r"linalg\.matrix_norm: Low precision dtypes not "
                                           r"supported\. Got Half"):
        linalg.matrix_norm(mt.ones(2, 2, dtype=mt.float16), "nuc")
    assert linalg.matrix_norm(mt.ones(2, 2, dtype=mt.float16)).dtype == mt.float16   # 'fro'
    with pytest.raises(RuntimeError, match=r"linalg\.norm: If dim is specified, it must be of "
                                           r"length 1 or 2\. Got \[0, 1, 2\]"):
        linalg.norm(x, dim=(0, 1, 2))
    with pytest.raises(RuntimeError, match=r"linalg\.norm: If dim is not specified but ord is, "
                                           r"the input must be 1D or 2D\. Got 3D\."):
        linalg.norm(x, 2)
    with pytest.raises(RuntimeError, match=r"linalg\.matrix_norm: dim must be a 2-tuple"):
        linalg.norm(x, "fro", dim=1)


def test_cdist_errors():
    with pytest.raises(RuntimeError, match=r"cdist only supports at least 2D tensors, X1 got: 1D"):
        mt.cdist(mt.ones(3), mt.ones(2, 3))
    with pytest.raises(RuntimeError, match=r"cdist only supports at least 2D tensors, X2 got: 1D"):
        mt.cdist(mt.ones(2, 3), mt.ones(3))
    with pytest.raises(RuntimeError, match=r"X1 and X2 must have the same number of columns\. "
                                           r"X1: 3 X2: 4"):
        mt.cdist(mt.ones(2, 3), mt.ones(2, 4))
    with pytest.raises(RuntimeError, match=r"cdist only supports floating-point dtypes, X2 got: "
                                           r"Long"):
        mt.cdist(mt.ones(2, 3), mt.ones(2, 3, dtype=mt.int64))
    with pytest.raises(RuntimeError, match=r"cdist only supports non-negative p values"):
        mt.cdist(mt.ones(2, 3), mt.ones(2, 3), p=-1.0)
    with pytest.raises(ValueError, match=r"not a valid value for compute_mode"):
        mt.cdist(mt.ones(2, 3), mt.ones(2, 3), compute_mode="fast")


# ---- shapes, values, gradients ----------------------------------------------------------------

def test_batched_shapes(device):
    a = _well_conditioned(2, 3, 4, 4, device=device)
    host = a.cpu().numpy()
    d = linalg.det(a)
    assert d.shape == (2, 3)
    np.testing.assert_allclose(d.cpu().numpy(), np.linalg.det(host), rtol=1e-12)
    y = linalg.inv(a)
    assert y.shape == (2, 3, 4, 4)
    np.testing.assert_allclose((y @ a).cpu().numpy(), np.broadcast_to(np.eye(4), (2, 3, 4, 4)),
                               atol=1e-12)
    assert linalg.slogdet(a).sign.shape == (2, 3)
    assert linalg.matrix_power(a, -3).shape == (2, 3, 4, 4)
    b = mt.ones(3, 4, 2, dtype=mt.float64, device=device)         # batch (3,) broadcasts to (2, 3)
    x = linalg.solve(a, b)
    assert x.shape == (2, 3, 4, 2)
    np.testing.assert_allclose((a @ x).cpu().numpy(), np.ones((2, 3, 4, 2)), atol=1e-12)
    v = mt.ones(2, 3, 4, dtype=mt.float64, device=device)         # B.shape == A.shape[:-1]
    assert linalg.solve(a, v).shape == (2, 3, 4)
    assert linalg.matrix_norm(a, "nuc").shape == (2, 3)
    assert linalg.matrix_norm(a, 2, keepdim=True).shape == (2, 3, 1, 1)
    assert linalg.matrix_norm(a, 1, dim=(0, 3), keepdim=True).shape == (1, 3, 4, 1)
    assert mt.cdist(mt.ones(2, 1, 5, 3), mt.ones(4, 6, 3)).shape == (2, 4, 5, 6)


def test_solve_vector_case_is_torchs():
    """B (*, n) is a batch of vectors only when its shape is A.shape[:-1]; otherwise it is a
    matrix (n, k), as in torch.linalg.solve (and NumPy 2)."""
    a = _well_conditioned(3, 3)
    b = mt.tensor(np.arange(9.0).reshape(3, 3))
    x = linalg.solve(a, b)                                    # (3, 3): a matrix B
    np.testing.assert_allclose(x.numpy(), np.linalg.solve(a.numpy(), b.numpy()), rtol=1e-12)
    batch = _well_conditioned(2, 3, 3)
    y = linalg.solve(batch, b[:2])                            # (2, 3) == A.shape[:-1]: vectors
    want = np.stack([np.linalg.solve(batch.numpy()[i], b.numpy()[i]) for i in range(2)])
    np.testing.assert_allclose(y.numpy(), want, rtol=1e-12)


def test_slogdet_is_a_named_tuple():
    a = -_well_conditioned(3, 3)                              # odd size: a negative det
    result = linalg.slogdet(a)
    assert type(result).__name__ == "slogdet" and result._fields == ("sign", "logabsdet")
    assert isinstance(result, mt.return_types.slogdet)
    sign, logabsdet = result
    assert sign.item() == -1.0 and result.sign is sign and result.logabsdet is logabsdet
    np.testing.assert_allclose(logabsdet.item(), np.log(abs(np.linalg.det(a.numpy()))))
    assert repr(result).startswith("mytorch.return_types.slogdet(\nsign=tensor(-1.")
    singular = linalg.slogdet(mt.tensor(SINGULAR, dtype=mt.float64))
    assert singular.sign.item() == 0.0 and singular.logabsdet.item() == -np.inf


def test_slogdet_sign_has_a_zero_gradient():
    a = _well_conditioned(3, 3).requires_grad_()
    sign, logabsdet = linalg.slogdet(a)
    assert sign.requires_grad and logabsdet.requires_grad      # both, as in PyTorch
    g, = mt.autograd.grad(sign.sum() + logabsdet, a)
    np.testing.assert_allclose(g.numpy(), np.linalg.inv(a.detach().numpy()).T, rtol=1e-12)
    g_sign, = mt.autograd.grad(sign.sum(), a, allow_unused=True, materialize_grads=True)
    assert float(g_sign.abs().sum()) == 0.0


def test_slogdet_does_not_overflow_where_det_does():
    a = mt.eye(200, dtype=mt.float64) * 100
    with np.errstate(over="ignore"):                          # NumPy warns of the overflow
        assert linalg.det(a).item() == np.inf
    np.testing.assert_allclose(linalg.slogdet(a).logabsdet.item(), 200 * np.log(100))


def test_det_gradient_is_jacobis_formula():
    a = _well_conditioned(2, 3, 3).requires_grad_()
    linalg.det(a).sum().backward()
    host = a.detach().numpy()
    want = np.linalg.det(host)[:, None, None] * np.linalg.inv(host).swapaxes(-1, -2)
    np.testing.assert_allclose(a.grad.numpy(), want, rtol=1e-12)


def test_det_of_a_singular_matrix_is_zero_and_its_gradient_raises():
    a = mt.tensor(SINGULAR, dtype=mt.float64, requires_grad=True)
    d = linalg.det(a)
    assert abs(d.item()) < 1e-12
    with pytest.raises(RuntimeError, match=r"singular"):
        d.backward()


def test_matrix_power_zero_is_an_identity_batch_in_the_graph():
    a = _well_conditioned(2, 3, 3).requires_grad_()
    p = linalg.matrix_power(a, 0)
    np.testing.assert_array_equal(p.detach().numpy(), np.broadcast_to(np.eye(3), (2, 3, 3)))
    assert p.requires_grad and p.dtype == mt.float64          # kept in the graph, as PyTorch's
    (p * mt.randn(2, 3, 3, dtype=mt.float64)).sum().backward()
    assert float(a.grad.abs().sum()) == 0.0
    with_inf = mt.tensor([[np.inf, 0.0], [0.0, 1.0]])
    assert linalg.matrix_power(with_inf, 0).tolist() == [[1.0, 0.0], [0.0, 1.0]]
    assert linalg.matrix_power(mt.ones(2, 2, dtype=mt.int64), 0).dtype == mt.int64


def test_matrix_power_one_is_a_copy_and_negative_powers_invert():
    a = _well_conditioned(3, 3)
    one = linalg.matrix_power(a, 1)
    assert one is not a
    one.add_(1)
    assert not mt.allclose(one, a)                            # no shared memory
    host = a.numpy()
    for n in (-1, -2, -5):
        np.testing.assert_allclose(linalg.matrix_power(a, n).numpy(),
                                   np.linalg.matrix_power(np.linalg.inv(host), -n), rtol=1e-10)
    np.testing.assert_allclose((linalg.matrix_power(a, -3) @ linalg.matrix_power(a, 3)).numpy(),
                               np.eye(3), atol=1e-12)


NORM_CASES = [
    ((5,), {}), ((3, 4), {}), ((2, 3, 4), {}),                       # ord None: 2-norm of all
    ((5,), {"ord": 1}), ((5,), {"ord": np.inf}), ((5,), {"ord": -np.inf}), ((5,), {"ord": 0}),
    ((5,), {"ord": -1.5}),
    ((3, 4), {"ord": "fro"}), ((3, 4), {"ord": "nuc"}), ((3, 4), {"ord": 1}),
    ((3, 4), {"ord": -1}), ((3, 4), {"ord": np.inf}), ((3, 4), {"ord": -np.inf}),
    ((3, 4), {"ord": 2}), ((4, 3), {"ord": -2}),
    ((2, 3, 4), {"dim": 1}), ((2, 3, 4), {"ord": 3, "dim": -1}),     # vector norms along a dim
    ((2, 3, 4), {"ord": 1, "dim": (0, 2)}), ((2, 3, 4), {"ord": "nuc", "dim": (2, 1)}),
    ((2, 3, 4), {"dim": (0, 1)}), ((2, 3, 4), {"ord": np.inf, "dim": (1, 0), "keepdim": True}),
    ((2, 3, 4), {"ord": 2, "dim": (0, 2), "keepdim": True}),
    ((3, 4), {"ord": np.inf, "dim": 1, "keepdim": True}),
]


@pytest.mark.parametrize("shape, kwargs", NORM_CASES, ids=str)
def test_norm_dispatch_matches_numpy(shape, kwargs, device):
    x = np.random.default_rng(len(shape)).uniform(-2, 2, size=shape)
    got = linalg.norm(mt.tensor(x, device=device), **kwargs)
    want = np.linalg.norm(x, kwargs.get("ord"), kwargs.get("dim"), kwargs.get("keepdim", False))
    assert tuple(got.shape) == np.shape(want)
    np.testing.assert_allclose(got.cpu().numpy(), want, rtol=1e-12, atol=1e-12)


def test_norm_dtype_and_float32():
    x = mt.randn(3, 4)
    assert linalg.norm(x).dtype == mt.float32
    assert linalg.norm(x, "nuc").dtype == mt.float32
    assert linalg.vector_norm(x, dtype=mt.float64).dtype == mt.float64
    assert linalg.matrix_norm(x, 2, dtype=mt.float64).dtype == mt.float64
    np.testing.assert_allclose(linalg.norm(x, dtype=mt.float64).item(),
                               np.linalg.norm(x.numpy().astype(np.float64)), rtol=1e-12)


def test_cdist_matches_pairwise_distances_and_has_zero_gradient_at_zero_distance():
    x1 = mt.tensor([[0.0, 0.0], [3.0, 4.0]], dtype=mt.float64, requires_grad=True)
    x2 = mt.tensor([[0.0, 0.0], [6.0, 8.0], [3.0, 0.0]], dtype=mt.float64)
    d = mt.cdist(x1, x2)
    np.testing.assert_allclose(d.detach().numpy(), [[0.0, 10.0, 3.0], [5.0, 5.0, 4.0]])
    np.testing.assert_allclose(mt.cdist(x1, x2, p=1).detach().numpy(),
                               [[0.0, 14.0, 3.0], [7.0, 7.0, 4.0]])
    d.sum().backward()
    assert np.isfinite(x1.grad.numpy()).all()
    # row 0: d(x, 0) contributes 0 (PyTorch's convention), (x − (6, 8))/10 and (x − (3, 0))/3
    np.testing.assert_allclose(x1.grad.numpy()[0], [-0.6 - 1.0, -0.8 + 0.0])
