"""Indexing behaviours the op table does not see: views and copies, writes with broadcasting,
and one test per user-facing error."""
import numpy as np
import pytest

import mytorch as mt


def host(t):
    return t.detach().cpu().numpy()


# ---- views and copies ----------------------------------------------------------------------

@pytest.mark.parametrize("index", [1, (slice(None), 2), (Ellipsis, slice(1, None, 2)), (None, 0)])
def test_basic_indexing_is_a_view(device, index):
    x = mt.arange(12.0, device=device).reshape(3, 4).clone()
    v = x[index]
    assert v._vc is x._vc                                     # one version counter
    before = x._version
    with mt.no_grad():
        v.fill_(-7.0)
    assert x._version > before and v._version == x._version
    want = np.arange(12.0).reshape(3, 4)
    want[index] = -7.0
    np.testing.assert_array_equal(host(x), want)              # the base changed


def test_writing_the_base_changes_the_view(device):
    x = mt.zeros(2, 3, device=device)
    row = x[1]
    x[1, 2] = 5.0
    assert row.tolist() == [0.0, 0.0, 5.0]


def test_view_of_a_graph_tensor_is_version_checked(device):
    w = mt.randn(3, dtype=mt.float64, device=device, requires_grad=True)
    y = w.exp()
    v = y[0:2]
    loss = (v * v).sum()
    with mt.no_grad():
        y[0] = 0.0                                            # bumps the shared counter
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


@pytest.mark.parametrize("make", [lambda d: mt.tensor([0, 2], device=d),
                                  lambda d: mt.tensor([True, False, True], device=d),
                                  lambda d: [2, 0]])
def test_advanced_indexing_copies(device, make):
    x = mt.arange(12.0, device=device).reshape(3, 4).clone()
    a = x[make(device)]
    assert a._vc is not x._vc
    a.fill_(-1.0)
    np.testing.assert_array_equal(host(x), np.arange(12.0).reshape(3, 4))


@pytest.mark.parametrize("equation", ["ij->ji", "ii->i", "ij->ij"])
def test_einsum_result_does_not_alias_its_input(device, equation):
    x = mt.arange(4.0, device=device).reshape(2, 2).clone()
    y = mt.einsum(equation, x)
    y.add_(1.0)
    np.testing.assert_array_equal(host(x), np.arange(4.0).reshape(2, 2))


# ---- x[index] = v --------------------------------------------------------------------------

def test_setitem_broadcasts_the_value(device):
    x = mt.zeros(3, 4, device=device)
    x[:, 1:3] = mt.tensor([1.0, 2.0], device=device)          # (2,) into (3, 2)
    x[0] = 9.0                                                # a number into a row
    x[mt.tensor([2], device=device)] = mt.tensor([[5.0], ], device=device).expand(1, 1)
    want = np.zeros((3, 4))
    want[:, 1:3] = [1.0, 2.0]
    want[0] = 9.0
    want[2] = 5.0
    np.testing.assert_array_equal(host(x), want)


def test_setitem_with_a_mask_and_a_number(device):
    x = mt.arange(6.0, device=device)
    x[x > 2.5] = 0.0
    assert x.tolist() == [0.0, 1.0, 2.0, 0.0, 0.0, 0.0]


def test_setitem_gradients_reach_base_and_value(device):
    x = mt.randn(3, 4, dtype=mt.float64, device=device, requires_grad=True)
    v = mt.randn(4, dtype=mt.float64, device=device, requires_grad=True)
    y = x.clone()
    y[1:3] = v                                                # broadcast over two rows
    w = mt.tensor(np.arange(12.0).reshape(3, 4), dtype=mt.float64, device=device)
    (y * w).sum().backward()
    gx = np.arange(12.0).reshape(3, 4)
    gx[1:3] = 0
    np.testing.assert_allclose(host(x.grad), gx)
    np.testing.assert_allclose(host(v.grad), np.arange(12.0).reshape(3, 4)[1:3].sum(0))


def test_setitem_casts_the_value_to_the_tensor_dtype(device):
    x = mt.zeros(3, dtype=mt.int64, device=device)
    x[1] = mt.tensor(2.7, device=device)
    assert x.dtype == mt.int64 and x.tolist() == [0, 2, 0]


def test_setitem_on_a_leaf_that_requires_grad_is_refused(device):
    x = mt.zeros(3, device=device, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an "
                                           "in-place operation"):
        x[0] = 1.0


# ---- user-facing errors --------------------------------------------------------------------

def test_index_out_of_range(device):
    x = mt.zeros(3, 4, device=device)
    with pytest.raises(IndexError, match=r"index 5 is out of bounds for dimension 0 with size 3"):
        x[5]
    with pytest.raises(IndexError, match=r"index -5 is out of bounds for dimension 1 with size 4"):
        x[:, -5]
    with pytest.raises(IndexError, match=r"index 4 is out of bounds for dimension 1 with size 4"):
        x[..., mt.tensor([0, 4], device=device)]
    with pytest.raises(IndexError, match=r"index 3 is out of bounds for dimension 0 with size 3"):
        x[mt.tensor([3], device=device)] = 1.0


def test_float_tensor_as_index(device):
    x = mt.zeros(3, device=device)
    with pytest.raises(IndexError, match=r"tensors used as indices must be long, int, byte or bool "
                                         r"tensors, got mytorch.float32"):
        x[mt.tensor([1.0], device=device)]


def test_negative_slice_step():
    with pytest.raises(ValueError, match="step must be greater than zero"):
        mt.arange(4)[::-1]


def test_index_select_with_a_2d_index(device):
    x = mt.zeros(3, 4, device=device)
    with pytest.raises(IndexError, match=r"index_select\(\): Index is supposed to be a vector"):
        mt.index_select(x, 0, mt.tensor([[0, 1]], device=device))


def test_index_select_out_of_range(device):
    x = mt.zeros(3, 4, device=device)
    with pytest.raises(IndexError, match=r"index_select\(\): index out of range in self"):
        x.index_select(1, mt.tensor([0, 4], device=device))


def test_gather_dim_mismatch(device):
    x = mt.zeros(3, 4, device=device)
    with pytest.raises(RuntimeError, match=r"Index tensor must have the same number of dimensions "
                                           r"as input tensor \(2\), got 1"):
        mt.gather(x, 1, mt.tensor([0, 1], device=device))


def test_gather_index_too_large(device):
    x = mt.zeros(3, 4, device=device)
    with pytest.raises(RuntimeError, match=r"Size does not match at dimension 0 expected index "
                                           r"\[4, 1\] to be smaller than self \[3, 4\]"):
        mt.gather(x, 1, mt.zeros(4, 1, dtype=mt.int64, device=device))
    with pytest.raises(RuntimeError, match=r"index 4 is out of bounds for dimension 1 with size 4"):
        mt.gather(x, 1, mt.tensor([[4]], device=device))


def test_scatter_index_out_of_range(device):
    x = mt.zeros(3, device=device)
    with pytest.raises(RuntimeError, match=r"scatter_add\(\): index -1 is out of bounds for "
                                           r"dimension 0 with size 3"):
        mt.scatter_add(x, 0, mt.tensor([-1], device=device), mt.ones(1, device=device))


def test_masked_fill_with_a_non_bool_mask(device):
    x = mt.zeros(3, device=device)
    with pytest.raises(RuntimeError, match=r"masked_fill_ only supports boolean masks, but got mask "
                                           r"with dtype mytorch.int64"):
        x.masked_fill(mt.tensor([1, 0, 1], device=device), 1.0)


def test_matmul_shape_mismatch_names_both_shapes(device):
    a, b = mt.zeros(2, 3, device=device), mt.zeros(4, 5, device=device)
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied "
                                           r"\(2x3 and 4x5\)"):
        a @ b
    with pytest.raises(RuntimeError, match=r"\(2x2x3 and 2x4x2\)"):
        mt.matmul(mt.zeros(2, 2, 3, device=device), mt.zeros(2, 4, 2, device=device))


def test_matmul_needs_at_least_1d(device):
    with pytest.raises(RuntimeError, match=r"both arguments to matmul need to be at least 1D, but "
                                           r"they are 0D and 1D"):
        mt.matmul(mt.tensor(2.0, device=device), mt.ones(3, device=device))


def test_bmm_with_non_3d_input(device):
    with pytest.raises(RuntimeError, match=r"bmm: expected 3-D tensors, got 2-D and 3-D"):
        mt.bmm(mt.zeros(2, 3, device=device), mt.zeros(1, 3, 2, device=device))


@pytest.mark.parametrize("op", [mt.mm, mt.bmm, mt.dot, mt.outer])
def test_linalg_needs_tensors(op):
    with pytest.raises(TypeError, match=r"argument '\w+' must be Tensor, not list"):
        op(mt.ones(2), [1.0, 2.0])


def test_einsum_size_mismatch(device):
    with pytest.raises(RuntimeError, match=r"einsum\(\): subscript j has size 4 for operand 1 which "
                                           r"does not broadcast with previously seen size 3"):
        mt.einsum("ij,jk->ik", mt.zeros(2, 3, device=device), mt.zeros(4, 2, device=device))


def test_einsum_wrong_number_of_subscripts(device):
    with pytest.raises(RuntimeError, match=r"einsum\(\): the number of subscripts in the equation "
                                           r"\(2\) does not match the number of dimensions \(3\)"):
        mt.einsum("ij->i", mt.zeros(2, 3, 4, device=device))
