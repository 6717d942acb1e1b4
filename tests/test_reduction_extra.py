"""Reductions and shape ops beyond the op table: numerical stability at large magnitudes,
PyTorch's tie rules for max/min, hypothesis-made shapes and dims, and every user-facing error."""
import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import mytorch as mt
import mytorch.ops as ops


def grad_of(fn, x):
    x = x.detach().requires_grad_()
    out = fn(x)
    out.backward(mt.ones_like(out))
    return x.grad


# ---- stability ----------------------------------------------------------------------------

BIG = [np.array([1e4, -1e4, 1e4 - 1.0, 0.0]), np.array([-1e4, -1e4 + 2.0, -1e4 - 3.0]),
       np.array([[1e4, 1e4 + 1.0], [-1e4, -1e4 - 1.0]])]


def _np_logsumexp(x, axis):
    m = np.max(x, axis=axis, keepdims=True)
    return np.squeeze(m, axis) + np.log(np.sum(np.exp(x - m), axis=axis))


@pytest.mark.parametrize("x", BIG, ids=lambda x: str(x.shape))
@pytest.mark.parametrize("dtype", [mt.float32, mt.float64], ids=str)
def test_softmax_family_is_stable_at_large_magnitudes(x, dtype, device):
    t = mt.tensor(x, dtype=dtype, device=device)
    tol = dict(rtol=1e-5, atol=1e-5) if dtype is mt.float32 else dict(rtol=1e-12, atol=1e-12)
    m = np.max(x, axis=-1, keepdims=True)
    e = np.exp(x - m)
    want_softmax = e / e.sum(-1, keepdims=True)
    want_log_softmax = (x - m) - np.log(e.sum(-1, keepdims=True))
    for got, want in [(mt.softmax(t, -1), want_softmax),
                      (mt.log_softmax(t, -1), want_log_softmax),
                      (mt.logsumexp(t, -1), _np_logsumexp(x, -1))]:
        got = got.cpu().numpy()
        assert np.all(np.isfinite(got))
        np.testing.assert_allclose(got, want, **tol)


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "logsumexp"])
def test_softmax_family_gradient_is_finite_at_large_magnitudes(name):
    x = mt.tensor(BIG[0], dtype=mt.float64, requires_grad=True)
    y = getattr(mt, name)(x, 0)
    y.backward(mt.ones_like(y) if y.ndim == 0 else mt.arange(4, dtype=mt.float64))
    assert np.all(np.isfinite(x.grad.numpy()))
    if name == "logsumexp":          # ∂/∂x logsumexp = softmax
        np.testing.assert_allclose(x.grad.numpy(), mt.softmax(x.detach(), 0).numpy())


def test_logsumexp_of_infinities():
    assert mt.logsumexp(mt.tensor([-np.inf, -np.inf]), 0).item() == -np.inf
    assert mt.logsumexp(mt.tensor([np.inf, 1.0]), 0).item() == np.inf


# ---- ties -----------------------------------------------------------------------------------

def test_max_without_dim_splits_the_gradient_over_ties():
    x = mt.tensor([1.0, 3.0, 3.0])
    np.testing.assert_allclose(grad_of(mt.max, x).numpy(), [0, 0.5, 0.5])
    np.testing.assert_allclose(grad_of(lambda t: t.max(), x).numpy(), [0, 0.5, 0.5])
    np.testing.assert_allclose(grad_of(mt.amax, x).numpy(), [0, 0.5, 0.5])
    np.testing.assert_allclose(grad_of(mt.min, mt.tensor([2.0, 2.0, 5.0, 2.0])).numpy(),
                               [1 / 3, 1 / 3, 0, 1 / 3])


def test_amax_over_dims_splits_the_gradient_within_each_slice():
    x = mt.tensor([[1.0, 4.0, 4.0], [2.0, 2.0, 0.0]])
    np.testing.assert_allclose(grad_of(lambda t: mt.amax(t, 1), x).numpy(),
                               [[0, 0.5, 0.5], [0.5, 0.5, 0]])
    np.testing.assert_allclose(grad_of(lambda t: mt.amin(t, (0, 1)), x).numpy(),
                               [[0, 0, 0], [0, 0, 1]])


@pytest.mark.parametrize("keepdim", [False, True])
def test_max_with_dim_sends_the_gradient_to_the_returned_index_only(keepdim):
    x = mt.tensor([1.0, 3.0, 3.0], requires_grad=True)
    values, indices = mt.max(x, dim=0, keepdim=keepdim)
    assert values.item() == 3.0 and indices.item() in (1, 2)
    assert indices.dtype == mt.int64 and not indices.requires_grad
    values.backward()
    want = np.zeros(3)
    want[indices.item()] = 1.0
    np.testing.assert_array_equal(x.grad.numpy(), want)


def test_min_with_dim_ties_per_row():
    x = mt.tensor([[0.0, 0.0, 1.0], [5.0, 2.0, 2.0]], requires_grad=True)
    out = x.min(dim=1)
    out.values.sum().backward()
    g = x.grad.numpy()
    assert g.sum(axis=1).tolist() == [1.0, 1.0]
    for row, i in enumerate(out.indices.tolist()):
        assert g[row, i] == 1.0


def test_max_returns_a_named_tuple():
    out = mt.max(mt.tensor([[1.0, 5.0], [7.0, 2.0]]), 1)
    assert out.values.tolist() == [5.0, 7.0] and out.indices.tolist() == [1, 0]
    values, indices = out
    assert values is out[0] and indices is out[1]


# ---- prod with zeros: first and second derivatives -------------------------------------------

@pytest.mark.parametrize("x", [[0.0, 1.5, -2.0], [0.0, 1.5, 0.0, 2.0], [0.0, 0.0, 0.0, 1.2]],
                         ids=["one zero", "two zeros", "three zeros"])
def test_prod_gradients_with_zeros(x):
    t = mt.tensor(x, dtype=mt.float64, requires_grad=True)
    assert mt.autograd.gradcheck(mt.prod, [t])
    assert mt.autograd.gradgradcheck(mt.prod, [t], atol=1e-4)
    assert mt.autograd.gradgradcheck(lambda a: mt.prod(a.reshape(2, -1) if len(x) == 4 else a, 0),
                                     [t], atol=1e-4)


# ---- hypothesis: shapes, dims, keepdim --------------------------------------------------------

@st.composite
def shapes_and_dims(draw, min_side=0):
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=min_side, max_side=3))
    ndim = len(shape)
    keepdim = draw(st.booleans())
    kind = draw(st.sampled_from(["none", "int", "tuple"]))
    if kind == "none" or ndim == 0:
        dim = None if kind == "none" or draw(st.booleans()) else draw(st.sampled_from([0, -1]))
        axes = None
    elif kind == "int":
        dim = draw(st.integers(-ndim, ndim - 1))
        axes = dim % ndim
    else:
        axes = tuple(sorted(draw(st.sets(st.integers(0, ndim - 1), min_size=1, max_size=ndim))))
        dim = tuple(draw(st.permutations([a - ndim if draw(st.booleans()) else a for a in axes])))
    return shape, dim, axes, keepdim


@pytest.mark.parametrize("name, np_fn, min_side", [("sum", np.sum, 0), ("mean", np.mean, 0),
                                                    ("amax", np.max, 1)])
@settings(max_examples=40, deadline=None)
@given(case=shapes_and_dims(), seed=st.integers(0, 2 ** 16))
def test_reductions_match_numpy_on_generated_shapes(name, np_fn, min_side, case, seed):
    shape, dim, axes, keepdim = case
    if min_side and 0 in shape:
        shape = tuple(s or 1 for s in shape)
    x = np.random.default_rng(seed).uniform(-3, 3, size=shape)
    t = mt.tensor(x, requires_grad=True, dtype=mt.float64)
    kwargs = {"keepdim": keepdim} if dim is None and name == "amax" else \
        {"dim": dim, "keepdim": keepdim}
    out = getattr(mt, name)(t, **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)         # the mean of nothing is nan
        want = np_fn(x, axis=axes if x.ndim else None, keepdims=keepdim)
    assert tuple(out.shape) == np.shape(want)
    np.testing.assert_allclose(out.detach().numpy(), want, rtol=1e-12, atol=1e-12)
    g, = mt.autograd.grad(out, t, mt.ones_like(out))
    assert tuple(g.shape) == shape and g.dtype == mt.float64
    if name == "sum":
        np.testing.assert_array_equal(g.numpy(), np.ones(shape))


@settings(max_examples=30, deadline=None)
@given(case=shapes_and_dims(min_side=1), seed=st.integers(0, 2 ** 16))
def test_max_with_dim_matches_numpy_on_generated_shapes(case, seed):
    shape, dim, axes, keepdim = case
    if not isinstance(dim, int):
        dim = 0 if not shape else -1
        axes = None if not shape else len(shape) - 1
    x = np.random.default_rng(seed).permutation(int(np.prod(shape))).reshape(shape) * 1.0
    t = mt.tensor(x, requires_grad=True, dtype=mt.float64)
    values, indices = mt.max(t, dim, keepdim)
    want = np.max(x, axis=axes, keepdims=keepdim)
    np.testing.assert_array_equal(values.detach().numpy(), want)
    np.testing.assert_array_equal(indices.numpy(), np.argmax(x, axis=axes, keepdims=keepdim))
    g, = mt.autograd.grad(values, t, mt.ones_like(values))
    assert tuple(g.shape) == shape and g.sum().item() == values.numel()


# ---- errors -------------------------------------------------------------------------------

X = mt.zeros(2, 3)
ERRORS = [
    (lambda: mt.sum(X, 2), IndexError,
     r"Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)"),
    (lambda: mt.mean(X, -3), IndexError, r"Dimension out of range"),
    (lambda: mt.sum(X, (0, 0)), RuntimeError, r"dim \(0, 0\) appears multiple times"),
    (lambda: mt.softmax(X, 5), IndexError, r"Dimension out of range"),
    (lambda: mt.mean(mt.tensor([1, 2])), RuntimeError,
     r"mean\(\): could not infer output dtype.*Got: mytorch.int64"),
    (lambda: mt.var(mt.tensor([1, 2, 3])), RuntimeError,
     r"std and var only support floating point"),
    (lambda: mt.std(mt.tensor([1, 2, 3]), 0), RuntimeError,
     r"std and var only support floating point"),
    (lambda: mt.sum([1.0, 2.0]), TypeError, r"sum\(\): argument 'input' must be Tensor, not list"),
    (lambda: mt.max(mt.zeros(0)), RuntimeError,
     r"max\(\): Expected reduction dim to be specified for input.numel\(\) == 0"),
    (lambda: mt.argmax(mt.zeros(0)), RuntimeError, r"argmax\(\): Expected reduction dim"),
    (lambda: mt.amax(mt.zeros(2, 0), 1), IndexError,
     r"amax\(\): Expected reduction dim 1 to have non-zero size"),
    (lambda: mt.max(mt.zeros(2, 0), 1), IndexError,
     r"max\(\): Expected reduction dim 1 to have non-zero size"),
    (lambda: mt.norm(X, "nuc"), ValueError, r"p='nuc' is not supported"),
    (lambda: X.reshape(4, 2), RuntimeError, re.escape("shape '[4, 2]' is invalid for input of size 6")),
    (lambda: X.view(-1, 4), RuntimeError, re.escape("shape '[-1, 4]' is invalid for input of size 6")),
    (lambda: X.view(-1, -1), RuntimeError, r"only one dimension can be inferred"),
    (lambda: X.reshape(2, -3), RuntimeError, r"invalid shape dimension -3"),
    (lambda: mt.zeros(3, 0).reshape(-1, 0), RuntimeError, r"cannot reshape tensor of 0 elements"),
    (lambda: X.reshape(2.5, 2), TypeError, r"reshape\(\): sizes must be integers"),
    (lambda: X.t().view(6), RuntimeError, r"view size is not compatible.*Use \.reshape"),
    (lambda: X.expand(3, 3), RuntimeError,
     re.escape("The expanded size of the tensor (3) must match the existing size (2) at "
               "non-singleton dimension 0.  Target sizes: [3, 3].  Tensor sizes: [2, 3]")),
    (lambda: X.expand(3), RuntimeError, r"the number of sizes provided \(1\) must be greater"),
    (lambda: mt.zeros(3).expand(-1, 3), RuntimeError,
     r"\(-1\) isn't allowed in a leading, non-existing dimension 0"),
    (lambda: mt.cat([X, mt.zeros(2, 4)]), RuntimeError,
     re.escape("Sizes of tensors must match except in dimension 0. Expected size [2, 3] but got "
               "size [2, 4] for tensor number 1 in the list.")),
    (lambda: mt.cat([X, mt.zeros(3)], 1), RuntimeError,
     r"Tensors must have same number of dimensions: got 2 and 1"),
    (lambda: X[0, 0, 0], IndexError, r"too many indices for tensor of dimension 2"),
    (lambda: X[..., 0, 0, 0], IndexError, r"too many indices for tensor of dimension 2"),
    (lambda: mt.cat([]), RuntimeError, r"expected a non-empty list of Tensors"),
    (lambda: mt.cat([mt.zeros(2), mt.tensor(1.0)]), RuntimeError,
     r"zero-dimensional tensor \(at position 1\) cannot be concatenated"),
    (lambda: mt.cat([X, X], 2), IndexError, r"Dimension out of range"),
    (lambda: mt.cat([X, [1.0]]), TypeError, r"argument 'tensors\[1\]' must be Tensor"),
    (lambda: mt.stack([mt.zeros(2), mt.zeros(3)]), RuntimeError,
     re.escape("stack expects each tensor to be equal size, but got [2] at entry 0 and [3] at "
               "entry 1")),
    (lambda: mt.stack([]), RuntimeError, r"stack expects a non-empty TensorList"),
    (lambda: X.permute(0), RuntimeError, r"input.dim\(\) = 2 is not equal to len\(dims\) = 1"),
    (lambda: X.permute(0, 0), RuntimeError, r"duplicate dims are not allowed"),
    (lambda: X.transpose(0, 2), IndexError, r"Dimension out of range"),
    (lambda: mt.t(mt.zeros(2, 3, 4)), RuntimeError, r"t\(\) expects a tensor with <= 2 dimensions"),
    (lambda: X.squeeze(2), IndexError, r"Dimension out of range"),
    (lambda: X.unsqueeze(3), IndexError, r"expected to be in range of \[-3, 2\], but got 3"),
    (lambda: mt.flatten(mt.zeros(2, 3, 4), 2, 1), RuntimeError,
     r"start_dim cannot come after end_dim"),
    (lambda: mt.unflatten(mt.zeros(2, 6), 1, (4, 2)), RuntimeError,
     re.escape("unflatten: Provided sizes [4, 2] don't multiply up to the size of dim 1 (6)")),
    (lambda: mt.narrow(mt.zeros(4), 0, 3, 2), RuntimeError,
     re.escape("start (3) + length (2) exceeds dimension size (4).")),
    (lambda: mt.narrow(mt.zeros(4), 0, 5, 0), IndexError, r"start out of range"),
    (lambda: mt.narrow(mt.tensor(1.0), 0, 0, 1), RuntimeError, r"cannot be applied to a 0-dim"),
    (lambda: mt.split(mt.zeros(4), [1, 2]), RuntimeError,
     re.escape("split_with_sizes expects split_sizes to sum exactly to 4")),
    (lambda: mt.split(mt.zeros(4), 0), RuntimeError, r"split_size can only be 0"),
    (lambda: mt.split(mt.tensor(1.0), 1), RuntimeError, r"split expects at least a 1-dimensional"),
    (lambda: mt.chunk(mt.zeros(4), 0), RuntimeError, r"chunk expects `chunks` to be greater than 0"),
    (lambda: mt.unbind(mt.tensor(1.0)), IndexError, r"Dimension specified as 0 but tensor has no"),
    (lambda: mt.flip(X, 2), IndexError, r"Dimension out of range"),
    (lambda: mt.roll(X, (1, 2), (0,)), RuntimeError, r"shifts and dimensions must align"),
    (lambda: mt.tril(mt.zeros(3)), RuntimeError, r"tril: input tensor must have at least 2"),
    (lambda: mt.triu(mt.tensor(1.0)), RuntimeError, r"triu: input tensor must have at least 2"),
    (lambda: ops.pad(X, (1,)), RuntimeError, r"Padding length must be divisible by 2"),
    (lambda: ops.pad(X, (3, 3), mode="reflect"), RuntimeError,
     r"Padding size should be less than the corresponding input dimension"),
    (lambda: ops.pad(X, (1, 1), mode="wrap"), NotImplementedError, r"mode 'wrap' is not supported"),
    (lambda: X.repeat(2), RuntimeError, r"Number of dimensions of repeat dims can not be smaller"),
]


@pytest.mark.parametrize("call, error, match", ERRORS, ids=[m[:40] for _, _, m in ERRORS])
def test_user_facing_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_values_indices_results_are_named_like_pytorch():
    """x.max(dim) and friends return mytorch.return_types.<op>, a named pair, as
    torch.return_types does."""
    x = mt.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]])
    for op, name in [(lambda: x.max(dim=1), "max"), (lambda: x.min(1), "min"),
                     (lambda: x.sort(), "sort"), (lambda: x.topk(2), "topk"),
                     (lambda: x.median(1), "median"), (lambda: x.cummax(1), "cummax")]:
        result = op()
        assert type(result) is getattr(mt.return_types, name)
        assert repr(result).startswith(f"mytorch.return_types.{name}(\nvalues=tensor(")
        values, indices = result
        assert values is result.values and indices is result.indices
    assert x.aminmax()._fields == ("min", "max")
