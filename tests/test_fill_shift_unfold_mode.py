"""Random fills that check their arguments, the shift operators, unfold's errors and views,
fill_diagonal_ and mode: values against NumPy, dtypes, version bumps, PyTorch's messages.
(unfold's values and gradients are rows of the op table, tests/optable/shape.py.)"""
import numpy as np
import pytest

import mytorch as mt
from mytorch.autograd import gradcheck


# ---- random fills: bad arguments are errors, not numbers ----------------------------------

@pytest.mark.parametrize("fill, match", [
    (lambda x: x.uniform_(3, 1), r"uniform_ expects to return a \[from, to\) range, but found "
                                 r"from=3 > to=1"),
    (lambda x: x.normal_(0, -1), r"normal expects std >= 0.0, but found std -1"),
    (lambda x: x.bernoulli_(1.5), r"bernoulli_ expects p to be in \[0, 1\], but got p=1.5"),
    (lambda x: x.bernoulli_(-0.5), r"bernoulli_ expects p to be in \[0, 1\], but got p=-0.5"),
    (lambda x: x.bernoulli_(mt.tensor([0.5, 2.0, 0.0])), r"p_in >= 0 && p_in <= 1"),
    (lambda x: x.random_(5, 2), r"random_ expects 'from' to be less than 'to', but got from=5 "
                                r">= to=2"),
    (lambda x: mt.normal(0.0, -1.0, (3,)), r"normal expects std >= 0.0, but found std -1"),
    (lambda x: mt.normal(x, mt.tensor([1.0, -1.0, 1.0])), r"normal expects all elements of std"),
    (lambda x: mt.bernoulli(x, 1.5), r"bernoulli_ expects p to be in \[0, 1\], but got p=1.5"),
    (lambda x: mt.bernoulli(mt.tensor([0.2, 1.5])), r"p_in >= 0 && p_in <= 1"),
    (lambda x: mt.randint(5, 2, (3,)), r"random_ expects 'from' to be less than 'to', but got "
                                       r"from=5 >= to=2"),
])
def test_random_fill_refuses_bad_arguments(fill, match):
    x = mt.zeros(3)
    with pytest.raises(RuntimeError, match=match):
        fill(x)
    assert x._version == 0 and x.tolist() == [0.0, 0.0, 0.0]      # nothing was written


def test_random_fill_edges_are_allowed(device):
    x = mt.zeros(4, device=device)
    assert x.uniform_(2.0, 2.0).tolist() == [2.0] * 4                 # from == to: a constant
    assert x.normal_(1.0, 0.0).tolist() == [1.0] * 4                  # std 0: the mean
    assert x.bernoulli_(1.0).tolist() == [1.0] * 4
    assert x.bernoulli_(0.0).tolist() == [0.0] * 4
    assert x.random_(3, 4).tolist() == [3.0] * 4
    assert mt.normal(mt.ones(2, device=device), mt.zeros(2, device=device)).tolist() == [1.0, 1.0]


# ---- shifts ----------------------------------------------------------------------------------

def test_shifts_match_numpy(device):
    a = np.array([1, -8, 3, 127, 0], dtype=np.int32)
    b = np.array([0, 1, 2, 3, 30], dtype=np.int32)
    x, y = mt.tensor(a, device=device), mt.tensor(b, device=device)
    for got, want in [(x << y, a << b), (x >> y, a >> b), (x << 2, a << 2), (x >> 1, a >> 1),
                      (mt.bitwise_left_shift(x, y), a << b), (x.bitwise_right_shift(y), a >> b),
                      (3 << y, 3 << b), (1024 >> y, 1024 >> b)]:
        assert got.dtype == mt.int32 and got.device == x.device
        np.testing.assert_array_equal(got.cpu().numpy(), want)


def test_shift_dtypes_follow_promotion():
    i8, i64 = mt.tensor([1, 2], dtype=mt.int8), mt.tensor([1, 1])
    assert (i8 << 1).dtype == mt.int8                      # a number does not promote
    assert (i8 << i64).dtype == mt.int64                   # tensors promote
    assert (2 << i8).dtype == mt.int8                      # the reflected form too
    assert (mt.tensor([True, False]) << 1).tolist() == [2, 0]   # bool with an int: int64
    assert not (i64 << 1).requires_grad


def test_shifts_out_of_range_follow_pytorch():
    x = mt.tensor([3, -3, 127, -128], dtype=mt.int8)
    assert (x << mt.tensor([8, 8, -1, 9], dtype=mt.int8)).tolist() == [0, 0, 0, 0]
    assert (x >> mt.tensor([8, 8, -1, 9], dtype=mt.int8)).tolist() == [0, -1, 0, -1]
    u = mt.tensor([200, 200], dtype=mt.uint8)
    assert (u >> mt.tensor([7, 8], dtype=mt.uint8)).tolist() == [1, 0]
    assert (u << 1).tolist() == [144, 144]                 # wraps modulo 256


def test_inplace_shifts_bump_the_version():
    x = mt.tensor([1, 2, 3])
    alias = x.view(3)
    y = x
    y <<= 2
    assert y is x and x.tolist() == [4, 8, 12] and x._version == 1 and alias.tolist() == [4, 8, 12]
    x >>= mt.tensor([1, 2, 3])
    assert x.tolist() == [2, 2, 1] and x._version == 2
    x.bitwise_left_shift_(1)
    assert x.tolist() == [4, 4, 2] and x._version == 3
    z = mt.tensor([1, 2], dtype=mt.int32)
    z <<= mt.tensor([1, 1])                                # int64 result written into int32
    assert z.dtype == mt.int32 and z.tolist() == [2, 4]


@pytest.mark.parametrize("shift", [lambda x: x << 1, lambda x: 1 >> x, lambda x: x.__ilshift__(1),
                                   lambda x: mt.bitwise_right_shift(x, x),
                                   lambda x: mt.tensor([1, 2]) << 1.5])
def test_shift_refuses_floats(shift):
    with pytest.raises(RuntimeError, match=r"bitwise_(left|right)_shift.*not implemented for "
                                           r".*float"):
        shift(mt.tensor([1.0, 2.0]))


def test_shift_refuses_bool_tensors():
    b = mt.tensor([True, False])
    with pytest.raises(RuntimeError, match="bitwise_left_shift.*not implemented for .*bool"):
        b << b


# ---- unfold: errors, shape, view, gradient of overlapping windows ----------------------------

@pytest.mark.parametrize("args, error, match", [
    ((0, 5, 1), RuntimeError, "maximum size for tensor at dimension 0 is 3 but size is 5"),
    ((-1, 3, 1), RuntimeError, "maximum size for tensor at dimension 1 is 2 but size is 3"),
    ((0, 2, 0), RuntimeError, "step is 0 but must be > 0"),
    ((0, 2, -1), RuntimeError, "step is -1 but must be > 0"),
    ((0, -1, 1), RuntimeError, "size is -1 but must be >= 0"),
    ((2, 1, 1), IndexError, "Dimension out of range"),
])
def test_unfold_errors(args, error, match):
    with pytest.raises(error, match=match):
        mt.zeros(3, 2).unfold(*args)


def test_unfold_shape_values_and_view(device):
    x = mt.arange(10.0, device=device)
    w = x.unfold(0, 4, 3)
    assert tuple(w.shape) == (3, 4)
    assert w.tolist() == [[0, 1, 2, 3], [3, 4, 5, 6], [6, 7, 8, 9]]
    assert tuple(mt.zeros(2, 7, 3).unfold(1, 3, 2).shape) == (2, 3, 3, 3)
    assert not hasattr(mt, "unfold")                       # a method only, as in PyTorch
    x.add_(1)                                              # a view sees its base change
    assert w[0].tolist() == [1, 2, 3, 4]


def test_unfold_gradient_counts_overlaps(device):
    x = mt.arange(10.0, device=device, requires_grad=True)
    x.unfold(0, 4, 3).sum().backward()
    assert x.grad.tolist() == [1, 1, 1, 2, 1, 1, 2, 1, 1, 1]
    x.grad = None
    x.unfold(0, 2, 4).sum().backward()                     # gaps: elements no window reads
    assert x.grad.tolist() == [1, 1, 0, 0, 1, 1, 0, 0, 1, 1]
    t = mt.randn(4, 6, dtype=mt.float64, device=device, requires_grad=True)
    assert gradcheck(lambda t: t.unfold(1, 5, 1), (t,))    # fewer windows than window length


# ---- fill_diagonal_ ------------------------------------------------------------------------

@pytest.mark.parametrize("shape, wrap", [((3, 3), False), ((5, 3), False), ((7, 3), True),
                                         ((7, 3), False), ((3, 5), True), ((4, 4, 4), False)])
def test_fill_diagonal_matches_numpy(shape, wrap, device):
    x = mt.zeros(*shape, device=device)
    want = np.zeros(shape)
    np.fill_diagonal(want, 5.0, wrap=wrap)
    out = x.fill_diagonal_(5.0, wrap=wrap)
    assert out is x and x._version == 1
    np.testing.assert_array_equal(x.cpu().numpy(), want)


def test_fill_diagonal_keeps_dtype_and_records_gradient():
    x = mt.ones(3, 3, dtype=mt.int64)
    x.fill_diagonal_(7)
    assert x.dtype == mt.int64 and x.tolist() == [[7, 1, 1], [1, 7, 1], [1, 1, 7]]
    a = mt.randn(3, 3, requires_grad=True)
    y = a * 2
    y.fill_diagonal_(0.0)
    y.sum().backward()
    assert a.grad.tolist() == [[0, 2, 2], [2, 0, 2], [2, 2, 0]]


@pytest.mark.parametrize("shape, match", [((3,), "dimensions must larger than 1"),
                                          ((2, 3, 3), "all dimensions of input must be of equal")])
def test_fill_diagonal_errors(shape, match):
    with pytest.raises(RuntimeError, match=match):
        mt.zeros(*shape).fill_diagonal_(1.0)


def test_fill_diagonal_refuses_a_leaf_that_requires_grad():
    with pytest.raises(RuntimeError, match="leaf"):
        mt.zeros(2, 2, requires_grad=True).fill_diagonal_(1.0)


# ---- mode ----------------------------------------------------------------------------------

def _mode_ref(a, dim):
    """The smallest most frequent value per slice, and the last index where it occurs."""
    a = np.moveaxis(a, dim, -1)
    values, indices = np.empty(a.shape[:-1], a.dtype), np.empty(a.shape[:-1], np.int64)
    for pos in np.ndindex(a.shape[:-1]):
        row = a[pos]
        uniq, counts = np.unique(row, return_counts=True)
        values[pos] = uniq[np.argmax(counts)]
        indices[pos] = np.flatnonzero(row == values[pos])[-1]
    return values, indices


@pytest.mark.parametrize("shape, dim", [((7,), 0), ((4, 9), -1), ((4, 9), 0), ((3, 5, 6), 1)])
def test_mode_matches_reference(shape, dim, device):
    a = np.random.default_rng(0).integers(0, 4, size=shape)
    values, indices = mt.mode(mt.tensor(a, device=device), dim)
    want_v, want_i = _mode_ref(a, dim)
    assert values.dtype == mt.int64 and indices.dtype == mt.int64
    np.testing.assert_array_equal(values.cpu().numpy(), want_v)
    np.testing.assert_array_equal(indices.cpu().numpy(), want_i)


def test_mode_named_tuple_keepdim_and_ties():
    m = mt.tensor([[1, 2, 1, 3, 5], [3, 3, 4, 9, 7], [11, 12, 15, 15, 19]]).mode(1)
    assert type(m) is mt.return_types.mode
    assert m.values.tolist() == [1, 3, 15] and m.indices.tolist() == [2, 1, 3]
    tie = mt.mode(mt.tensor([2.0, 2.0, 1.0, 1.0]), keepdim=True)       # the smaller value wins
    assert tie.values.tolist() == [1.0] and tie.indices.tolist() == [3]
    assert tuple(mt.zeros(2, 3).mode(0, keepdim=True).values.shape) == (1, 3)
    scalar = mt.tensor(4.0).mode()
    assert scalar.values.item() == 4.0 and scalar.indices.item() == 0
    with pytest.raises((RuntimeError, IndexError)):
        mt.zeros(2, 0).mode(1)


def test_mode_gradient_goes_to_the_returned_index():
    x = mt.tensor([[1.0, 2.0, 2.0], [3.0, 3.0, 0.0]], requires_grad=True)
    m = x.mode()
    assert m.values.requires_grad and not m.indices.requires_grad
    (m.values * mt.tensor([2.0, 3.0])).sum().backward()
    assert x.grad.tolist() == [[0, 0, 2], [0, 3, 0]]
