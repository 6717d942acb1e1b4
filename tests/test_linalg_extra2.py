"""The rest of mytorch.linalg beyond the op table (tests/optable/decomp2.py has forward vs
NumPy, gradcheck and gradgradcheck of each): the info tensors of the _ex forms and the errors
of check_errors, LAPACK's pivots, lstsq's outputs per driver, the tolerances of pinv and
matrix_rank, cond's special cases, the defaults and errors of cross, multi_dot, vander,
tensorinv / tensorsolve, matrix_exp, and the torch-level forms (torch.svd, logdet,
triangular_solve, lu_unpack ...). Reference numbers marked "torch 2.13" were printed by it."""
import warnings

import numpy as np
import pytest

import mytorch as mt
from mytorch import linalg


def _t(x, device="cpu", dtype=mt.float64):
    return mt.tensor(np.asarray(x, dtype=float), dtype=dtype, device=device)


def _np(t):
    return t.detach().cpu().numpy()


A3 = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 10.0]]
NOT_PD = [[1.0, 2.0], [2.0, 1.0]]


# ---- the namespace -----------------------------------------------------------------------------

def test_names_methods_and_return_types():
    for name in ("cholesky_ex", "inv_ex", "solve_ex", "solve_triangular", "lstsq", "lu_factor",
                 "lu_factor_ex", "lu", "lu_solve", "pinv", "matrix_rank", "cond", "cross",
                 "multi_dot", "matrix_exp", "vecdot", "diagonal", "vander", "tensorinv",
                 "tensorsolve", "matmul"):
        assert name in linalg.__all__ and callable(getattr(linalg, name)), name
    assert linalg.matmul is mt.matmul
    a = _t(A3)
    assert linalg.lu(a)._fields == ("P", "L", "U")
    assert linalg.lu_factor_ex(a)._fields == ("LU", "pivots", "info")
    assert linalg.lstsq(a, a)._fields == ("solution", "residuals", "rank", "singular_values")
    assert mt.svd(a)._fields == ("U", "S", "V") and type(a.svd()) is mt.return_types.svd
    assert repr(linalg.inv_ex(a)).startswith("mytorch.return_types.linalg_inv_ex(\ninverse=")
    assert mt.allclose((a @ a.mT).logdet(), mt.logdet(a @ a.mT))
    assert mt.allclose(a.pinverse(), linalg.pinv(a))
    assert mt.allclose(a.matrix_exp(), mt.matrix_exp(a))
    assert mt.allclose(a.cross(a, dim=0), mt.zeros(3, 3, dtype=mt.float64))
    b = _t([[1.0], [2.0], [3.0]])
    LU, piv = linalg.lu_factor(a)
    assert mt.allclose(b.lu_solve(LU, piv), linalg.solve(a, b))
    l = linalg.cholesky(a @ a.mT)
    assert mt.allclose(b.cholesky_solve(l), linalg.solve(a @ a.mT, b))
    assert mt.allclose(l.cholesky_inverse(), linalg.inv(a @ a.mT))


# ---- LU ----------------------------------------------------------------------------------------

def test_lu_factor_matches_lapack(device):
    # torch 2.13: LU [[7, 8, 10], [1/7, 6/7, 11/7], [4/7, 1/2, -1/2]], pivots [3, 3, 3]
    LU, piv = linalg.lu_factor(_t(A3, device))
    assert piv.dtype == mt.int32 and piv.tolist() == [3, 3, 3]
    np.testing.assert_allclose(_np(LU), [[7, 8, 10], [1 / 7, 6 / 7, 11 / 7], [4 / 7, 0.5, -0.5]],
                               atol=1e-12)
    assert linalg.lu_factor(_t(A3[:2], device)).pivots.tolist() == [2, 2]       # wide
    assert linalg.lu_factor(_t(A3, device)[:, :2]).pivots.tolist() == [3, 3]    # tall


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 3), (3, 5)])
def test_lu_reconstructs_and_unpacks(shape, device):
    a = mt.tensor(np.random.default_rng(0).standard_normal(shape), device=device)
    p, l, u = linalg.lu(a)
    assert mt.allclose(p @ l @ u, a) and not p.requires_grad
    P, L, U = mt.lu_unpack(*linalg.lu_factor(a))
    assert mt.allclose(P, p) and mt.allclose(L, l) and mt.allclose(U, u)
    assert mt.lu_unpack(*linalg.lu_factor(a), unpack_data=False).L.shape == (0,)
    assert mt.lu_unpack(*linalg.lu_factor(a), unpack_pivots=False).P.shape == (0,)


def test_lu_factor_ex_info_and_errors():
    # torch 2.13: info 2, pivots [1, 2, 3] for a zero in the middle of the diagonal
    LU, piv, info = linalg.lu_factor_ex(_t([[1, 0, 0], [0, 0, 0], [0, 0, 1]]))
    assert info.dtype == mt.int32 and info.item() == 2 and piv.tolist() == [1, 2, 3]
    assert linalg.lu_factor_ex(mt.stack([mt.eye(2), mt.zeros(2, 2)])).info.tolist() == [0, 1]
    with pytest.raises(linalg.LinAlgError, match=r"^torch\.linalg\.lu_factor: \(Batch element "
                       r"1\): U\[1,1\] is zero and using it on lu_solve would result"):
        linalg.lu_factor(mt.stack([mt.eye(2), mt.zeros(2, 2)]))


def test_lu_factor_ex_check_errors():
    with pytest.raises(linalg.LinAlgError, match=r"^torch\.linalg\.lu_factor_ex: U\[1,1\] is "
                       r"zero"):
        linalg.lu_factor_ex(mt.zeros(2, 2), check_errors=True)


def test_lu_without_pivoting_is_not_on_the_cpu():
    with pytest.raises(RuntimeError, match="LU without pivoting is not implemented on the CPU"):
        linalg.lu(mt.eye(2), pivot=False)


def test_lu_needs_a_matrix():
    with pytest.raises(RuntimeError, match=r"Expected tensor with 2 or more dimensions\. Got "
                       r"size: \[3\] instead"):
        linalg.lu_factor(mt.ones(3))


def test_lu_solve_checks_its_pivots_and_shapes():
    LU, piv = linalg.lu_factor(_t(A3))
    with pytest.raises(RuntimeError, match="pivots should be a Tensor of scalar type torch.int32"):
        linalg.lu_solve(LU, piv.long(), _t(np.ones((3, 1))))
    with pytest.raises(RuntimeError, match=r"linalg\.lu_solve: Incompatible shapes of A and B "
                       r"for the equation XA = B \(3x3 and 3x1\)"):
        linalg.lu_solve(LU, piv, _t(np.ones((3, 1))), left=False)


def test_lu_solve_needs_one_dtype():
    LU, piv = linalg.lu_factor(_t(A3))
    with pytest.raises(RuntimeError, match=r"Expected LU and B to have the same dtype, but found "
                       r"LU of type Double and B of type Float"):
        linalg.lu_solve(LU, piv, mt.ones(3, 1))


# ---- the _ex forms -------------------------------------------------------------------------------

def test_ex_forms_report_info(device):
    # torch 2.13: cholesky_ex info [0, 2]; inv_ex and solve_ex info 1 for a zero matrix
    l, info = linalg.cholesky_ex(mt.stack([mt.eye(2), _t(NOT_PD, dtype=mt.float32)]).to(device))
    assert info.dtype == mt.int32 and info.tolist() == [0, 2]
    assert mt.allclose(l[0], mt.eye(2, device=device)) and bool(l[1].isnan().all())
    y, info = linalg.inv_ex(mt.stack([mt.eye(3), mt.zeros(3, 3)]).to(device))
    assert info.tolist() == [0, 1] and mt.allclose(y[0], mt.eye(3, device=device))
    x, info = linalg.solve_ex(mt.zeros(2, 2, device=device), mt.ones(2, device=device))
    assert info.item() == 1 and tuple(x.shape) == (2,) and bool(x.isnan().all())
    a = _t(A3, device).requires_grad_()
    y, info = linalg.inv_ex(a)
    assert info.item() == 0 and not info.requires_grad and y.requires_grad
    assert linalg.cholesky_ex(a @ a.mT, upper=True).info.item() == 0


def test_cholesky_ex_check_errors():
    with pytest.raises(linalg.LinAlgError, match=r"^linalg\.cholesky_ex: \(Batch element 1\): .*"
                       r"the leading minor of order 2 is not positive-definite"):
        linalg.cholesky_ex(mt.stack([mt.eye(2), mt.tensor(NOT_PD)]), check_errors=True)


def test_inv_ex_check_errors():
    with pytest.raises(linalg.LinAlgError, match=r"^linalg\.inv_ex: \(Batch element 1\): The "
                       r"diagonal element 1 is zero, the inversion could not be completed"):
        linalg.inv_ex(mt.stack([mt.eye(3), mt.zeros(3, 3)]), check_errors=True)


def test_solve_ex_check_errors():
    with pytest.raises(linalg.LinAlgError, match=r"^torch\.linalg\.solve_ex: The solver failed "
                       r"because the input matrix is singular"):
        linalg.solve_ex(mt.zeros(2, 2), mt.ones(2), check_errors=True)


# ---- triangular systems ------------------------------------------------------------------------

def test_solve_triangular_reads_one_triangle_and_promotes():
    a = _t([[2.0, 100.0], [1.0, 4.0]])
    b = mt.tensor([[2.0], [5.0]])                            # float32: promoted to float64
    x = linalg.solve_triangular(a, b, upper=False)
    assert x.dtype == mt.float64 and np.allclose(_np(x), [[1.0], [1.0]])
    x = linalg.solve_triangular(a, b.double(), upper=False, unitriangular=True)
    assert np.allclose(_np(x), [[2.0], [3.0]])
    a.requires_grad_()
    linalg.solve_triangular(a, b.double(), upper=False).sum().backward()
    assert a.grad[0, 1].item() == 0                          # the triangle not read


def test_solve_triangular_needs_a_matrix_B():
    with pytest.raises(RuntimeError, match=r"linalg\.solve_triangular: The input tensor B must "
                       r"have at least 2 dimensions"):
        linalg.solve_triangular(mt.eye(3), mt.ones(3), upper=True)


def test_solve_triangular_checks_shapes():
    with pytest.raises(RuntimeError, match=r"linalg\.solve_triangular: Incompatible shapes of A "
                       r"and B for the equation AX = B \(3x3 and 4x2\)"):
        linalg.solve_triangular(mt.eye(3), mt.ones(4, 2), upper=True)


def test_triangular_solve_warns_and_copies_A():
    a = _t([[2.0, 1.0], [0.0, 4.0]])
    with pytest.warns(UserWarning, match="torch.triangular_solve is deprecated"):
        x, coeff = mt.triangular_solve(_t([[3.0], [4.0]]), a)
    assert np.allclose(_np(x), [[1.0], [1.0]]) and mt.equal(coeff, a)
    with pytest.warns(UserWarning):
        x = mt.triangular_solve(_t([[2.0], [5.0]]), a, transpose=True).solution
    assert np.allclose(_np(x), [[1.0], [1.0]])


def test_cholesky_solve_needs_matrices():
    with pytest.raises(RuntimeError, match="b should have at least 2 dimensions, but has 1 "
                       "dimensions instead"):
        mt.cholesky_solve(mt.ones(3), mt.eye(3))


# ---- least squares, pinv, rank, cond -------------------------------------------------------------

@pytest.mark.parametrize("driver, residuals, rank, sigma", [
    (None, 0, (), 0), ("gelsy", 0, (), 0), ("gels", 2, None, 0), ("gelsd", 2, (), 3),
    ("gelss", 2, (), 3)])
def test_lstsq_outputs_per_driver(driver, residuals, rank, sigma):
    """As torch 2.13 on the CPU: which outputs each driver computes (the others are empty)."""
    a = mt.tensor(np.random.default_rng(1).standard_normal((5, 3)))
    b = mt.tensor(np.random.default_rng(2).standard_normal((5, 2)))
    x, res, r, s = linalg.lstsq(a, b, driver=driver)
    assert np.allclose(_np(x), np.linalg.lstsq(_np(a), _np(b), rcond=None)[0])
    assert tuple(res.shape) == ((residuals,) if residuals else (0,))
    assert tuple(r.shape) == ((0,) if rank is None else rank) and r.dtype == mt.int64
    assert tuple(s.shape) == (sigma,)
    if residuals:
        assert np.allclose(_np(res), np.linalg.lstsq(_np(a), _np(b), rcond=None)[1])


def test_lstsq_rank_deficient_and_vector():
    # torch 2.13 (gelsd): rank 1 and no residuals for a matrix of ones
    x, res, rank, _ = linalg.lstsq(mt.ones(5, 3, dtype=mt.float64), mt.ones(5, 2,
                                   dtype=mt.float64), driver="gelsd")
    assert rank.item() == 1 and tuple(res.shape) == (0,)
    assert np.allclose(_np(x), 1 / 3)                                       # minimum norm
    sol, res, _, _ = linalg.lstsq(mt.tensor(A3)[:, :2], mt.ones(3), driver="gels")
    assert tuple(sol.shape) == (2,) and tuple(res.shape) == (1,)


def test_lstsq_checks_its_driver():
    with pytest.raises(RuntimeError, match=r"parameter `driver` should be one of \(gels, gelsy, "
                       r"gelsd, gelss\)"):
        linalg.lstsq(mt.eye(2), mt.eye(2), driver="foo")


def test_lstsq_checks_rows():
    with pytest.raises(RuntimeError, match=r"input\.size\(-2\) should match other\.size\(-2\)"):
        linalg.lstsq(mt.ones(5, 3), mt.ones(4, 2))


def test_lstsq_needs_one_dtype():
    with pytest.raises(RuntimeError, match="Expected input and other to have the same dtype, but "
                       "got input's dtype Float and other's dtype Double"):
        linalg.lstsq(mt.ones(5, 3), mt.ones(5, 2, dtype=mt.float64))


def test_pinv_and_matrix_rank_tolerances():
    d = mt.diag(mt.tensor([2.0, 1e-3, 0.0]))
    want = np.diag([0.5, 0.0, 0.0])                                 # torch 2.13
    assert np.allclose(_np(linalg.pinv(d, atol=0.01)), want)
    assert np.allclose(_np(linalg.pinv(d, rtol=0.1)), want)
    assert np.allclose(_np(linalg.pinv(d, 0.1)), want)               # rcond, positional
    assert np.allclose(_np(linalg.pinv(d)), np.diag([0.5, 1e3, 0.0]))
    assert np.allclose(_np(linalg.pinv(d, hermitian=True, atol=0.01)), want)
    # torch 2.13: 2 and 1; atol given makes rtol 0 unless given too
    assert linalg.matrix_rank(d, atol=1e-4).item() == 2
    assert linalg.matrix_rank(d, atol=1e-4, rtol=0.1).item() == 1
    assert linalg.matrix_rank(d).dtype == mt.int64 and linalg.matrix_rank(d).item() == 2
    assert linalg.matrix_rank(d, hermitian=True).item() == 2
    batched = linalg.pinv(_t(A3), atol=mt.tensor([0.0, 100.0], dtype=mt.float64))
    assert tuple(batched.shape) == (2, 3, 3) and np.allclose(_np(batched[1]), 0)


def test_pinv_needs_a_matrix():
    with pytest.raises(RuntimeError, match=r"linalg\.pinv\(Float\{\[3\]\}\): expected a tensor "
                       r"with 2 or more dimensions"):
        linalg.pinv(mt.ones(3))


def test_cond_values():
    a = _t(A3)
    # torch 2.13: 88.4483 (2-norm) and 90.7842 (Frobenius)
    assert abs(linalg.cond(a).item() - 88.4483) < 1e-4
    assert abs(linalg.cond(a, "fro").item() - 90.7842) < 1e-4
    assert np.isclose(linalg.cond(a, -2).item(), 1 / linalg.cond(a).item())
    assert linalg.cond(mt.zeros(2, 2), "fro").item() == float("inf")     # singular: inf
    assert linalg.cond(mt.ones(3, 4)).dtype == mt.float32


def test_cond_checks_its_norm():
    with pytest.raises(RuntimeError, match="linalg.cond got an invalid norm type: 3"):
        linalg.cond(mt.eye(3), 3)


def test_cond_through_the_inverse_needs_square_matrices():
    with pytest.raises(RuntimeError, match=r"linalg\.cond\(ord=fro\): A must be batches of "
                       r"square matrices, but they are 3 by 4 matrices"):
        linalg.cond(mt.ones(3, 4), "fro")


# ---- products ------------------------------------------------------------------------------

def test_cross_dims():
    a, b = mt.randn(3, 4, 3), mt.randn(3, 4, 3)
    with pytest.warns(UserWarning, match="Using torch.cross without specifying the dim arg"):
        c = mt.cross(a, b)                           # the first dimension of size 3: 0
    assert mt.allclose(c, linalg.cross(a, b, dim=0))
    assert mt.allclose(linalg.cross(a, b), mt.cross(a, b, dim=-1))
    ints = mt.tensor([[1, 0, 0]])
    assert linalg.cross(ints, mt.tensor([[0, 1, 0]])).tolist() == [[0, 0, 1]]


def test_cross_needs_length_3():
    with pytest.raises(RuntimeError, match=r"linalg\.cross: inputs dimension -1 must have length "
                       r"3\. Got 4 and 4"):
        linalg.cross(mt.ones(3, 4), mt.ones(3, 4))


def test_cross_needs_equal_ndim():
    with pytest.raises(RuntimeError, match="inputs must have the same number of dimensions"):
        linalg.cross(mt.ones(4, 3), mt.ones(3))


def test_cross_without_a_size_3_dim():
    with pytest.raises(RuntimeError, match="no dimension of size 3 in input"), \
            warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mt.cross(mt.ones(4, 4), mt.ones(4, 4))


def test_vecdot_needs_floating():
    with pytest.raises(RuntimeError, match=r"linalg\.vecdot: Expected a floating point or complex "
                       r"tensor as input\. Got Long"):
        linalg.vecdot(mt.ones(3, dtype=mt.int64), mt.ones(3, dtype=mt.int64))


def test_multi_dot_order_and_vectors():
    mats = [mt.randn(10, 100), mt.randn(100, 5), mt.randn(5, 50)]
    assert mt.allclose(linalg.multi_dot(mats), mats[0] @ mats[1] @ mats[2], atol=1e-4)
    assert linalg.multi_dot([mt.ones(3), mt.ones(3)]).shape == ()
    with pytest.warns(UserWarning, match="torch.chain_matmul is deprecated"):
        assert mt.equal(mt.chain_matmul(mats[0]), mats[0])


def test_multi_dot_needs_two_tensors():
    with pytest.raises(RuntimeError, match=r"multi_dot\(\): expected at least 2 tensors but got 1"):
        linalg.multi_dot([mt.ones(3)])


def test_multi_dot_checks_shapes():
    with pytest.raises(RuntimeError, match=r"multi_dot\(\): tensors 0 and 1 with shapes \[2, 3\] "
                       r"and \[4, 4\] cannot be multiplied"):
        linalg.multi_dot([mt.ones(2, 3), mt.ones(4, 4)])


def test_multi_dot_checks_dims():
    with pytest.raises(RuntimeError, match=r"the last tensor must be 1D or 2D but got 3D"):
        linalg.multi_dot([mt.ones(2, 3), mt.ones(2, 3, 4)])


def test_vander():
    v = linalg.vander(mt.tensor([1, 2, 3]))
    assert v.dtype == mt.int64 and v.tolist() == [[1, 1, 1], [1, 2, 4], [1, 3, 9]]
    x = mt.tensor([0.0, 2.0], requires_grad=True)
    linalg.vander(x, N=3).sum().backward()
    assert x.grad.tolist() == [1.0, 5.0]                     # d(1 + x + x²)/dx, exact at 0


def test_vander_needs_N_above_1():
    with pytest.raises(RuntimeError, match="N must be greater than 1."):
        linalg.vander(mt.ones(3), N=1)


def test_tensorinv_and_tensorsolve():
    a = mt.tensor(np.random.default_rng(0).standard_normal((4, 6, 8, 3)))
    assert tuple(linalg.tensorinv(a, ind=2).shape) == (8, 3, 4, 6)
    a = mt.tensor(np.random.default_rng(0).standard_normal((2, 3, 6)))
    b = mt.tensor(np.random.default_rng(1).standard_normal((2, 3)))
    x = linalg.tensorsolve(a, b)
    assert mt.allclose(mt.tensordot(a, x, 1), b)


def test_tensorinv_needs_equal_products():
    with pytest.raises(RuntimeError, match=r"prod\(self\.shape\[ind:\]\) == "
                       r"prod\(self\.shape\[:ind\]\), but got 144 != 4"):
        linalg.tensorinv(mt.ones(4, 6, 8, 3), ind=1)


def test_tensorinv_needs_positive_ind():
    with pytest.raises(RuntimeError, match="Expected a strictly positive integer for 'ind', but "
                       "got 0"):
        linalg.tensorinv(mt.ones(4, 4), ind=0)


def test_tensorsolve_needs_equal_products():
    with pytest.raises(RuntimeError, match=r"but got 5 != 6"):
        linalg.tensorsolve(mt.ones(2, 3, 5), mt.ones(2, 3))


# ---- matrix_exp, svd, logdet --------------------------------------------------------------------

def test_matrix_exp_scales_and_squares(device):
    # torch 2.13, exp(3·[[1, 2], [3, 4]]): a norm of 18, so 6 squarings
    want = [[2385847.2204, 3477197.9369], [5215796.9053, 7601644.1257]]
    got = linalg.matrix_exp(_t([[3.0, 6.0], [9.0, 12.0]], device))
    np.testing.assert_allclose(_np(got), want, rtol=1e-10)
    rot = linalg.matrix_exp(_t([[0.0, 1.0], [-1.0, 0.0]], device))
    np.testing.assert_allclose(_np(rot), [[np.cos(1), np.sin(1)], [-np.sin(1), np.cos(1)]],
                               atol=1e-15)
    assert linalg.matrix_exp(mt.zeros(2, 3, 3)).dtype == mt.float32


def test_matrix_exp_needs_square_matrices():
    with pytest.raises(RuntimeError, match=r"linalg\.matrix_exp: A must be batches of square "
                       r"matrices, but they are 3 by 4 matrices"):
        mt.matrix_exp(mt.ones(3, 4))


def test_torch_svd_forms():
    a = mt.tensor(np.random.default_rng(0).standard_normal((4, 3)))
    u, s, v = mt.svd(a)
    assert (tuple(u.shape), tuple(v.shape)) == ((4, 3), (3, 3))
    assert mt.allclose((u * s) @ v.mT, a)
    assert tuple(mt.svd(a, some=False).U.shape) == (4, 4)
    u, s, v = mt.svd(a, compute_uv=False)
    assert (tuple(u.shape), tuple(v.shape)) == ((4, 4), (3, 3)) and not bool(u.any())
    assert mt.allclose(s, linalg.svdvals(a))


def test_torch_svd_needs_a_matrix():
    with pytest.raises(RuntimeError, match=r"linalg\.svd: input should have at least 2 dimensions, "
                       r"but has 1 dimensions instead"):
        mt.svd(mt.ones(3))


def test_logdet_signs():
    assert np.isnan(mt.logdet(-mt.eye(3)).item())                    # det −1, no warning
    assert mt.logdet(mt.zeros(2, 2)).item() == float("-inf")
    assert abs(mt.logdet(mt.diag(mt.tensor([-1.0, -1.0, 2.0]))).item() - np.log(2)) < 1e-6
