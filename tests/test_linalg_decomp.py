"""The decompositions of mytorch.linalg beyond the op table: PyTorch's errors (LinAlgError
naming the failing minor and batch element), which triangle is read, the shapes of every mode,
the named tuples, PyTorch's conventions for the gradients that are not plain derivatives
(symmetric for cholesky and eigh, none for the free columns of a full SVD, an error for
qr's modes without one), and the backend's `linalg`, which raises one error on every device.
(Forward vs NumPy, gradcheck and gradgradcheck of every function are rows in
tests/optable/decomp.py.)"""
import types

import numpy as np
import pytest

import mytorch as mt
from mytorch import linalg
from mytorch.backend.base import Backend


def _spd(*shape, device="cpu", dtype=mt.float64, seed=0):
    n = shape[-1]
    b = np.random.default_rng(seed).uniform(-1, 1, size=shape)
    return mt.tensor(b @ np.swapaxes(b, -1, -2) + n * np.eye(n), dtype=dtype, device=device)


def _random(*shape, device="cpu", dtype=mt.float64, seed=0):
    return mt.tensor(np.random.default_rng(seed).uniform(-1, 1, size=shape), dtype=dtype,
                     device=device)


def _close(a, b, atol=1e-10):
    return np.allclose(a.detach().cpu().numpy(), np.asarray(b), atol=atol)


NOT_PD = [[1.0, 2.0], [2.0, 1.0]]            # leading minor of order 2 has det −3
NOT_PD_ORDER_3 = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, -1.0]]


# ---- the namespace ---------------------------------------------------------------------------

def test_names_and_return_types():
    for name in ("cholesky", "qr", "eigh", "eigvalsh", "svd", "svdvals", "LinAlgError"):
        assert name in linalg.__all__ and hasattr(linalg, name), name
    assert issubclass(linalg.LinAlgError, RuntimeError)
    a = _spd(3, 3)
    assert type(linalg.qr(a)) is mt.return_types.linalg_qr and linalg.qr(a)._fields == ("Q", "R")
    assert type(mt.qr(a)) is mt.return_types.qr and type(a.qr()) is mt.return_types.qr
    assert linalg.eigh(a)._fields == ("eigenvalues", "eigenvectors")
    assert linalg.svd(a)._fields == ("U", "S", "Vh")
    assert repr(linalg.qr(a)).startswith("mytorch.return_types.linalg_qr(\nQ=tensor(")
    assert mt.allclose(mt.cholesky(a), linalg.cholesky(a))
    assert mt.allclose(a.cholesky(upper=True), linalg.cholesky(a, upper=True))
    assert mt.allclose(mt.qr(a, some=False).R, a.qr(False).R)


# ---- forward: factors, triangles, shapes -------------------------------------------------------

@pytest.mark.parametrize("shape", [(3, 3), (2, 3, 4, 4)])
def test_factors_reconstruct_their_input(shape, device):
    a = _spd(*shape, device=device)
    l = linalg.cholesky(a)
    assert _close(l @ l.mT, a.cpu().numpy()) and _close(mt.triu(l, 1), 0)
    u = linalg.cholesky(a, upper=True)
    assert _close(u, l.mT.cpu().numpy())
    w, v = linalg.eigh(a)
    assert _close(v @ mt.diag_embed(w) @ v.mT, a.cpu().numpy())
    assert bool((w[..., 1:] >= w[..., :-1]).all())                  # ascending
    assert _close(linalg.eigvalsh(a), w.cpu().numpy())
    x = _random(*shape[:-1], shape[-1] + 2, device=device)          # a wide matrix
    for b in (x, x.mT):
        q, r = linalg.qr(b)
        assert _close(q @ r, b.cpu().numpy()) and _close(mt.tril(r, -1), 0)
        u, s, vh = linalg.svd(b, full_matrices=False)
        assert _close((u * s.unsqueeze(-2)) @ vh, b.cpu().numpy())
        assert bool((s[..., 1:] <= s[..., :-1]).all())              # descending
        assert _close(linalg.svdvals(b), s.cpu().numpy())


def test_cholesky_reads_one_triangle():
    """As PyTorch: upper=False reads the lower triangle, upper=True the upper one."""
    l = linalg.cholesky(mt.tensor([[4.0, 100.0], [2.0, 3.0]], dtype=mt.float64))
    assert _close(l, [[2.0, 0.0], [1.0, np.sqrt(2.0)]])
    u = linalg.cholesky(mt.tensor([[4.0, 2.0], [100.0, 3.0]], dtype=mt.float64), upper=True)
    assert _close(u, [[2.0, 1.0], [0.0, np.sqrt(2.0)]])


def test_eigh_reads_the_uplo_triangle():
    m = mt.tensor([[2.0, 100.0], [1.0, 3.0]], dtype=mt.float64)
    assert _close(linalg.eigvalsh(m), np.linalg.eigvalsh([[2.0, 1.0], [1.0, 3.0]]))
    assert _close(linalg.eigvalsh(m, UPLO="U"), np.linalg.eigvalsh([[2.0, 100.0], [100.0, 3.0]]))
    assert _close(linalg.eigh(m, UPLO="u").eigenvalues, linalg.eigvalsh(m, "U").numpy())


@pytest.mark.parametrize("shape, mode, q_shape, r_shape", [
    ((5, 3), "reduced", (5, 3), (3, 3)), ((5, 3), "complete", (5, 5), (5, 3)),
    ((5, 3), "r", (0,), (3, 3)), ((3, 5), "reduced", (3, 3), (3, 5)),
    ((3, 5), "complete", (3, 3), (3, 5)), ((2, 3, 5), "r", (0,), (2, 3, 5)),
    ((0, 3), "reduced", (0, 0), (0, 3))])
def test_qr_shapes(shape, mode, q_shape, r_shape, device):
    q, r = linalg.qr(_random(*shape, device=device), mode=mode)
    assert tuple(q.shape) == q_shape and tuple(r.shape) == r_shape
    if mode == "complete":
        assert _close(q.mT @ q, np.eye(shape[-2]))
    assert tuple(mt.qr(_random(*shape, device=device), some=False).Q.shape) == \
        tuple(linalg.qr(_random(*shape), "complete").Q.shape)


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (2, 4, 4), (2, 2, 6)])
def test_full_svd_is_orthogonal(shape, device):
    a = _random(*shape, device=device)
    u, s, vh = linalg.svd(a)                                # full_matrices=True, PyTorch's default
    m, n = shape[-2:]
    assert tuple(u.shape[-2:]) == (m, m) and tuple(vh.shape[-2:]) == (n, n)
    assert _close(u.mT @ u, np.eye(m)) and _close(vh @ vh.mT, np.eye(n))
    k = min(m, n)
    assert _close((u[..., :k] * s.unsqueeze(-2)) @ vh[..., :k, :], a.cpu().numpy())


def test_empty_matrices():
    u, s, vh = linalg.svd(mt.zeros(0, 3))
    assert (tuple(u.shape), tuple(s.shape)) == ((0, 0), (0,)) and _close(vh, np.eye(3))
    assert tuple(linalg.svd(mt.zeros(2, 0, 3), full_matrices=False).Vh.shape) == (2, 0, 3)
    assert tuple(linalg.cholesky(mt.zeros(0, 0)).shape) == (0, 0)
    w, v = linalg.eigh(mt.zeros(2, 0, 0))
    assert (tuple(w.shape), tuple(v.shape)) == ((2, 0), (2, 0, 0))


# ---- gradients: PyTorch's conventions ----------------------------------------------------------

def test_cholesky_and_eigh_gradients_are_symmetric():
    """They read one triangle but assume the input symmetric, so (as PyTorch's) the gradient
    is the symmetric one: the same whichever triangle is read."""
    a = _spd(4, 4).requires_grad_()
    g = _random(4, 4, seed=1)
    grads = [mt.autograd.grad(linalg.cholesky(a, upper=upper), a, g.mT if upper else g)[0]
             for upper in (False, True)]
    assert _close(grads[0], grads[0].mT.numpy()) and _close(grads[0], grads[1].numpy())
    gv = _random(4, 4, seed=2)
    gw = _random(4, seed=3)
    grads = []
    for uplo in ("L", "U"):          # the two may choose other signs of the eigenvectors: a
        w, v = linalg.eigh(a, UPLO=uplo)    # loss that does not see them
        grads.append(mt.autograd.grad((w * gw).sum() + (v * v * gv).sum(), a)[0])
    assert _close(grads[0], grads[0].mT.numpy()) and _close(grads[0], grads[1].numpy())
    # eigvalsh: ∂λᵢ/∂A = vᵢ·vᵢᵀ
    w, v = linalg.eigh(a.detach())
    (ga,) = mt.autograd.grad(linalg.eigvalsh(a), a, gw)
    assert _close(ga, (v * gw.unsqueeze(-2) @ v.mT).numpy())


@pytest.mark.parametrize("shape", [(5, 3), (3, 5)])
def test_full_svd_ignores_the_gradient_of_the_free_columns(shape):
    """U's columns past min(m, n) (Vh's rows) are any basis of a complement: PyTorch ignores
    their gradient, and the rest is the reduced SVD's."""
    a = _random(*shape).requires_grad_()
    m, n = shape
    k = min(m, n)
    gu, gs, gvh = _random(m, m, seed=1), _random(k, seed=2), _random(n, n, seed=3)
    full = mt.autograd.grad(list(linalg.svd(a)), a, [gu, gs, gvh])[0]
    reduced = mt.autograd.grad(list(linalg.svd(a, full_matrices=False)), a,
                               [gu[:, :k], gs, gvh[:k, :]])[0]
    assert _close(full, reduced.numpy())
    u, _, vh = linalg.svd(a)
    assert _close(mt.autograd.grad(u[:, k:].sum() + vh[k:, :].sum(), a)[0], 0)


def test_qr_modes_without_a_derivative_raise_in_backward():
    a = _random(4, 3).requires_grad_()
    _, r = linalg.qr(a, mode="r")
    with pytest.raises(RuntimeError, match=r"The derivative of linalg\.qr depends on Q, which "
                                           r"is not computed when mode='r'"):
        r.sum().backward()
    q, r = linalg.qr(a, mode="complete")
    with pytest.raises(RuntimeError, match=r"The QR decomposition is not differentiable when "
                                           r"mode='complete' and nrows > ncols\."):
        (q.sum() + r.sum()).backward()
    b = _random(3, 4).requires_grad_()                  # complete is reduced when m <= n
    q, r = linalg.qr(b, mode="complete")
    (q.sum() + r.sum()).backward()
    assert b.grad is not None and tuple(b.grad.shape) == (3, 4)


def test_double_backward_of_a_loss_through_eigh_and_cholesky():
    """A Hessian-vector product through two decompositions (gradgradcheck's path, in use)."""
    a = _spd(3, 3).requires_grad_()
    loss = linalg.cholesky(a).diagonal().log().sum() * 2 + linalg.eigvalsh(a).square().sum()
    (g,) = mt.autograd.grad(loss, a, create_graph=True)
    (hv,) = mt.autograd.grad(g, a, mt.ones_like(g))
    # log det A = 2·Σ log Lᵢᵢ, whose gradient is A⁻¹; Σ λᵢ² = ‖A‖², whose gradient is 2A
    assert _close(g, (linalg.inv(a) + 2 * a).detach().numpy())
    assert mt.isfinite(hv).all()


# ---- errors: PyTorch's class and message -------------------------------------------------------

def test_cholesky_of_a_matrix_that_is_not_positive_definite(device):
    with pytest.raises(linalg.LinAlgError, match=r"^linalg\.cholesky: The factorization could "
                       r"not be completed because the input is not positive-definite \(the "
                       r"leading minor of order 2 is not positive-definite\)\.$"):
        linalg.cholesky(mt.tensor(NOT_PD, device=device))
    batch = mt.stack([mt.eye(3, device=device), mt.tensor(NOT_PD_ORDER_3, device=device)])
    with pytest.raises(RuntimeError, match=r"^linalg\.cholesky: \(Batch element 1\): The "
                                           r"factorization .* minor of order 3 is not"):
        linalg.cholesky(batch)
    eye = mt.eye(3, device=device).expand(2, 3, 3)
    with pytest.raises(RuntimeError, match=r"\(Batch element 3\): .* minor of order 3 is not"):
        linalg.cholesky(mt.stack([eye, batch]))         # (2, 2, 3, 3): the flattened index
    with pytest.raises(RuntimeError, match=r"minor of order 1 is not positive-definite"):
        linalg.cholesky(mt.full((2, 2), float("nan"), device=device))
    with pytest.raises(linalg.LinAlgError, match=r"^cholesky: The factorization could not be "
                                                 r"completed"):
        mt.cholesky(mt.tensor(NOT_PD, device=device))


@pytest.mark.parametrize("fn, name", [
    (linalg.cholesky, "linalg.cholesky"), (mt.cholesky, "cholesky"), (linalg.eigh, "linalg.eigh"),
    (linalg.eigvalsh, "linalg.eigh")])
def test_square_matrix_errors(fn, name):
    with pytest.raises(RuntimeError, match=rf"^{name}: A must be batches of square matrices, "
                                           r"but they are 2 by 3 matrices$"):
        fn(mt.zeros(2, 3))
    with pytest.raises(RuntimeError, match=rf"^{name}: The input tensor A must have at least 2 "
                                           r"dimensions\.$"):
        fn(mt.zeros(3))


@pytest.mark.parametrize("fn, name", [
    (linalg.cholesky, "linalg.cholesky"), (linalg.qr, "linalg.qr"), (linalg.eigh, "linalg.eigh"),
    (linalg.svd, "linalg.svd"), (linalg.svdvals, "linalg.svd"), (mt.qr, "linalg.qr")])
def test_dtype_errors(fn, name):
    with pytest.raises(RuntimeError, match=rf"^{name}: Expected a floating point or complex "
                                           r"tensor as input\. Got Long$"):
        fn(mt.eye(3, dtype=mt.int64))
    with pytest.raises(RuntimeError, match=rf"^{name}: Low precision dtypes not supported\. "
                                           r"Got Half$"):
        fn(mt.eye(3, dtype=mt.float16))
    with pytest.raises(TypeError, match=r"argument 'A' must be Tensor, not list"):
        fn([[1.0, 0.0], [0.0, 1.0]])


@pytest.mark.parametrize("fn, name", [(linalg.qr, "linalg.qr"), (linalg.svd, "linalg.svd"),
                                      (linalg.svdvals, "linalg.svd")])
def test_matrix_errors(fn, name):
    with pytest.raises(RuntimeError, match=rf"^{name}: The input tensor A must have at least 2 "
                                           r"dimensions\.$"):
        fn(mt.zeros(3))


def test_qr_mode_errors():
    with pytest.raises(RuntimeError, match=r"^qr received unrecognized mode 'full' but expected "
                                           r"one of 'reduced' \(default\), 'r', or 'complete'$"):
        linalg.qr(mt.eye(3), mode="full")
    with pytest.raises(TypeError, match=r"argument 'mode' must be str, not int"):
        linalg.qr(mt.eye(3), mode=1)


@pytest.mark.parametrize("fn", [linalg.eigh, linalg.eigvalsh])
def test_uplo_errors(fn):
    with pytest.raises(RuntimeError, match=r"^Expected UPLO argument to be 'L' or 'U', but got "
                                           r"X$"):
        fn(mt.eye(3), UPLO="X")
    with pytest.raises(TypeError, match=r"argument 'UPLO' must be str, not int"):
        fn(mt.eye(3), UPLO=1)


def test_eigh_and_svd_of_non_finite_input(device):
    nan = mt.full((3, 3), float("nan"), device=device)
    with pytest.raises(linalg.LinAlgError, match=r"^linalg\.eigh: The algorithm failed to "
                                                 r"converge because the input matrix is "
                                                 r"ill-conditioned"):
        linalg.eigh(nan)
    with pytest.raises(linalg.LinAlgError, match=r"^linalg\.eigh: \(Batch element 1\): The "
                                                 r"algorithm failed to converge"):
        linalg.eigvalsh(mt.stack([mt.eye(3, device=device), nan]))
    with pytest.raises(linalg.LinAlgError, match=r"^linalg\.svd: \(Batch element 1\): The "
                       r"algorithm failed to converge because the input matrix contained "
                       r"non-finite values\.$"):
        linalg.svd(mt.stack([mt.eye(3, device=device), nan]))
    with pytest.raises(linalg.LinAlgError, match=r"^linalg\.svd: The algorithm failed"):
        linalg.svdvals(nan)


def test_svd_driver_is_cuda_only():
    with pytest.raises(RuntimeError, match=r"keyword argument `driver=` is only supported on "
                                           r"CUDA inputs with cuSOLVER backend"):
        linalg.svd(mt.eye(3), driver="gesvd")
    with pytest.raises(RuntimeError, match=r"`driver=` is only supported on CUDA"):
        linalg.svdvals(mt.eye(3), driver="gesvdj")


def test_inv_and_solve_of_a_singular_matrix_raise_linalg_error(device):
    singular = mt.tensor([[1.0, 2.0], [2.0, 4.0]], device=device)
    with pytest.raises(linalg.LinAlgError, match=r"^linalg\.inv: .*singular"):
        linalg.inv(singular)
    with pytest.raises(linalg.LinAlgError, match=r"^linalg\.solve: .*singular"):
        linalg.solve(singular, mt.ones(2, device=device))


# ---- the backend's linalg: one error on every array library ------------------------------------

def test_backend_linalg_turns_library_errors_into_linalg_error(device):
    backend = mt.device(device).backend
    a = mt.tensor(NOT_PD, device=device)._data
    with pytest.raises(linalg.LinAlgError, match=r"^cholesky: "):
        backend.linalg("cholesky", a)
    w, v = backend.linalg("eigh", mt.eye(2, device=device)._data, UPLO="U")
    assert tuple(w.shape) == (2,) and tuple(v.shape) == (2, 2)


class _Silent(Backend):
    """An array library that, like CuPy by default, reports no failure: its inv of anything
    is inf."""
    name = "silent"
    xp = types.SimpleNamespace(linalg=types.SimpleNamespace(inv=lambda a: np.full_like(a, np.inf)),
                               isfinite=np.isfinite)


def test_backend_linalg_catches_a_silent_failure():
    backend = _Silent()
    with pytest.raises(linalg.LinAlgError, match=r"^inv: the result is not finite$"):
        backend.linalg("inv", np.eye(2))
    nan = np.full((2, 2), np.nan)
    assert np.isinf(backend.linalg("inv", nan)).all()          # NaN in, not a failure...
    with pytest.raises(linalg.LinAlgError):                     # ...unless asked to be one
        backend.linalg("inv", nan, nan_fails=True)
