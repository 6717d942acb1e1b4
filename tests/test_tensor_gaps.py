"""Tensor behaviours matched to PyTorch 2.13: view(dtype) (a bit cast), the bare unsigned dtypes
uint16/32/64, random_'s forms and bounds, the in-place bitwise and logical ops (`&=`, `|=`,
`^=`), apply_/map_, and the printed form of the normalization layers."""
import warnings

import numpy as np
import pytest

import mytorch as mt
import mytorch.nn as nn


def host(t):
    return t.cpu().numpy()


# ---- view(dtype): the same bytes read as another dtype ----------------------------------------

def test_view_dtype_of_the_same_size_keeps_the_shape(device):
    a = np.array([[1.0, -2.5, 0.0], [3.0, 1e-3, -0.0]], np.float32)
    x = mt.tensor(a, device=device)
    v = x.view(mt.int32)
    assert v.dtype == mt.int32 and v.shape == (2, 3)
    np.testing.assert_array_equal(host(v), a.view(np.int32))
    np.testing.assert_array_equal(host(v.view(mt.float32)), a)
    b = mt.tensor([1, 0, 2], dtype=mt.uint8, device=device).view(mt.bool)
    assert b.tolist() == [True, False, True]


def test_view_dtype_of_a_smaller_size_lengthens_the_last_dimension(device):
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    x = mt.tensor(a, device=device)
    v = x.view(mt.int16)
    assert v.shape == (3, 8) and v.stride() == (8, 1)
    np.testing.assert_array_equal(host(v), a.view(np.int16))
    part = x[:, 1:3]                            # not contiguous, but its last dimension is
    assert part.view(mt.int16).shape == (3, 4) and part.view(mt.int16).stride() == (8, 1)
    np.testing.assert_array_equal(host(part.view(mt.uint8)), a[:, 1:3].view(np.uint8))


def test_view_dtype_of_a_larger_size_shortens_the_last_dimension(device):
    a = np.arange(8, dtype=np.float32).reshape(2, 4)
    v = mt.tensor(a, device=device).view(mt.float64)
    assert v.shape == (2, 2)
    np.testing.assert_array_equal(host(v), a.view(np.float64))
    assert mt.zeros(2, 3, 4, dtype=mt.float16, device=device).view(mt.float64).shape == (2, 3, 1)
    pairs = mt.arange(12, dtype=mt.int16, device=device).reshape(3, 4)[:, 0:2]
    assert pairs.view(mt.int32).shape == (3, 1) and pairs.view(mt.int32).stride() == (2, 1)


def test_view_dtype_of_empty_tensors():
    assert mt.zeros(0).view(mt.float64).shape == (0,)
    assert mt.zeros(0, 4).view(mt.float64).shape == (0, 2)
    assert mt.zeros(0, 4).view(mt.int8).shape == (0, 16)


def test_view_dtype_takes_python_types_and_the_keyword():
    x = mt.zeros(4)
    assert x.view(int).dtype == mt.int64 and x.view(int).shape == (2,)
    assert x.view(float).dtype == mt.float64
    assert x.view(dtype=mt.int32).dtype == mt.int32
    assert x.view(mt.uint16).shape == (8,)


def test_view_dtype_shares_memory_and_the_version_counter(device):
    x = mt.ones(4, device=device)
    v = x.view(mt.int32)
    v.add_(1)                                   # one more in the last bit of each float
    assert x._version == v._version == 1
    assert host(x).tolist() == np.nextafter(np.ones(4, np.float32), 2).tolist()
    w = mt.ones(3, requires_grad=True)
    y = w * 2
    z = (y * y).sum()                          # saves y
    y.detach().view(mt.int32).zero_()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.backward()


def test_view_dtype_is_not_differentiable():
    w = mt.ones(4, requires_grad=True)
    for t in (w, w * 2):
        for d in (mt.int32, mt.float16, mt.float32):
            v = t.view(d)
            assert not v.requires_grad and v.grad_fn is None
    v = mt.ones(2, dtype=mt.float64, requires_grad=True).view(mt.float32)
    assert v.shape == (4,) and not v.requires_grad


@pytest.mark.parametrize("make, match", [
    (lambda d: mt.tensor(1.0, device=d).view(mt.int16),
     r"self.dim\(\) cannot be 0 to view Float as Short \(different element sizes\)"),
    (lambda d: mt.zeros(2, 3, device=d).view(mt.float64),
     r"self.size\(-1\) must be divisible by 2 to view Float as Double \(different element "
     r"sizes\), but got 3"),
    (lambda d: mt.zeros(2, 3, device=d).t().view(mt.int16),
     r"self.stride\(-1\) must be 1 to view Float as Short \(different element sizes\), but got 3"),
    (lambda d: mt.zeros(4, 2, dtype=mt.int16, device=d).t().view(mt.int32),
     r"self.stride\(-1\) must be 1 to view Short as Int \(different element sizes\), but got 2"),
    (lambda d: mt.zeros(9, dtype=mt.int16, device=d)[1:].view(mt.int32),
     r"self.storage_offset\(\) must be divisible by 2 to view Short as Int \(different element "
     r"sizes\), but got 1"),
    (lambda d: mt.zeros(4, 3, dtype=mt.int16, device=d)[:, :2].view(mt.int32),
     r"self.stride\(0\) must be divisible by 2 to view Short as Int \(different element sizes\), "
     r"but got 3"),
    (lambda d: mt.zeros(3, 0, device=d).view(mt.float64),
     r"self.stride\(0\) must be divisible by 2 to view Float as Double"),
])
def test_view_dtype_errors(device, make, match):
    with pytest.raises(RuntimeError, match=match):
        make(device)


def test_view_dtype_refuses_what_is_not_a_dtype():
    with pytest.raises(TypeError, match=r"view\(\): sizes must be integers, got 'int32'"):
        mt.zeros(4).view("int32")


# ---- uint16, uint32, uint64: PyTorch's bare unsigned dtypes ------------------------------------

@pytest.mark.parametrize("np_dtype, dtype, name", [
    (np.uint16, mt.uint16, "UInt16"), (np.uint32, mt.uint32, "UInt32"),
    (np.uint64, mt.uint64, "UInt64")])
def test_unsigned_arrays_keep_their_dtype(np_dtype, dtype, name):
    a = np.array([1, 2, np.iinfo(np_dtype).max], np_dtype)
    for t in (mt.from_numpy(a), mt.tensor(a), mt.as_tensor(a)):
        assert t.dtype is dtype and t.numpy().dtype == np_dtype
        assert t.tolist() == a.tolist()
    t = mt.tensor(a)
    assert repr(dtype) == f"mytorch.{dtype.name}" and not dtype.is_signed
    assert t.type() == f"mytorch.{name}Tensor" and t.element_size() == a.itemsize
    assert repr(mt.tensor(a[:2])) == f"tensor([1, 2], dtype=mytorch.{dtype.name})"
    assert mt.iinfo(dtype).max == np.iinfo(np_dtype).max
    assert mt.zeros(2, dtype=dtype).dtype is dtype
    assert mt.tensor([1.5, 2.0]).to(dtype).tolist() == [1, 2]


def test_unsigned_dtypes_promote_only_to_themselves_and_floats():
    u = mt.tensor(np.array([1, 2], np.uint16))
    assert mt.promote_types(mt.uint32, mt.uint32) is mt.uint32
    assert mt.promote_types(mt.uint64, mt.float16) is mt.float16
    assert (u * u).dtype is mt.uint16 and (u * u).tolist() == [1, 4]
    assert (u + 1).dtype is mt.uint16 and (u & True).dtype is mt.uint16
    assert (u + 0.5).dtype is mt.float32 and (mt.ones(2) * u).dtype is mt.float32
    assert (u + mt.tensor(1)).dtype is mt.uint16        # a 0-d tensor only brings its category
    assert mt.result_type(mt.tensor([1]), mt.tensor(1, dtype=mt.uint16)) is mt.int64
    assert u.sum().dtype is mt.int64 and (u == u).tolist() == [True, True]


@pytest.mark.parametrize("make, pair", [
    (lambda: mt.promote_types(mt.uint16, mt.int32), "UInt16 and Int"),
    (lambda: mt.promote_types(mt.uint8, mt.uint16), "Byte and UInt16"),
    (lambda: mt.promote_types(mt.uint32, mt.uint64), "UInt32 and UInt64"),
    (lambda: mt.tensor(np.array([1], np.uint16)) + mt.tensor([1]), "UInt16 and Long"),
    (lambda: mt.tensor([True]) * mt.tensor(np.array([1], np.uint32)), "Bool and UInt32"),
    (lambda: mt.tensor(np.array(1, np.uint64)) + mt.tensor(1), "UInt64 and Long"),
])
def test_unsigned_promotion_errors(make, pair):
    with pytest.raises(RuntimeError, match=f"Promotion for uint16, uint32, uint64 types is not "
                                           f"supported, attempted to promote {pair}"):
        make()


def test_unsigned_tensors_save_and_load(tmp_path):
    t = mt.tensor(np.array([7, 2 ** 64 - 1], np.uint64))
    mt.save({"t": t}, tmp_path / "u")
    out = mt.load(tmp_path / "u")["t"]
    assert out.dtype is mt.uint64 and out.tolist() == [7, 2 ** 64 - 1]


def test_unsupported_numpy_dtypes_are_refused():
    with pytest.raises(TypeError, match="can't convert array of dtype complex128"):
        mt.from_numpy(np.array([1j]))


# ---- random_: its four forms, PyTorch's bound checks ------------------------------------------

@pytest.mark.parametrize("dtype, top", [
    (mt.float16, 2 ** 11), (mt.float32, 2 ** 24), (mt.float64, 2 ** 53), (mt.int8, 127),
    (mt.uint8, 255), (mt.int32, 2 ** 31 - 1), (mt.int64, 2 ** 63 - 1), (mt.bool, 1)])
def test_random_without_bounds_spans_the_dtype(dtype, top):
    x = mt.zeros(4000, dtype=dtype).random_()
    values = x.to(mt.float64) if dtype is not mt.int64 else x
    assert values.min().item() >= 0 and values.max().item() <= top
    assert values.max().item() > top // 2               # not the old [0, 2^24) for every dtype


def test_random_forms(device):
    x = mt.zeros(1000, device=device)
    assert set(x.random_(5).tolist()) == {0, 1, 2, 3, 4}
    assert set(x.random_(to=3).tolist()) == {0, 1, 2}
    assert set(x.random_(-3, -1).tolist()) == {-3, -2}
    assert set(x.random_(2, to=4).tolist()) == {2, 3}
    assert set(x.random_(mt.tensor(1), mt.tensor(3)).tolist()) == {1, 2}
    low = x.random_(2 ** 24 - 3, None).tolist()             # [from, 2^24] for float32
    assert set(low) == {2 ** 24 - 3, 2 ** 24 - 2, 2 ** 24 - 1, 2 ** 24}
    assert set(mt.zeros(100, dtype=mt.int8).random_(125, None).tolist()) == {125, 126, 127}
    assert x._version == 6


@pytest.mark.parametrize("bounds, match", [
    ((0,), r"random_ expects 'from' to be less than 'to', but got from=0 >= to=0"),
    ((-1,), r"random_ expects 'from' to be less than 'to', but got from=0 >= to=-1"),
    ((3, 3), r"random_ expects 'from' to be less than 'to', but got from=3 >= to=3"),
    ((4, 3), r"random_ expects 'from' to be less than 'to', but got from=4 >= to=3"),
])
def test_random_refuses_an_empty_range(bounds, match):
    x = mt.zeros(3)
    with pytest.raises(RuntimeError, match=match):
        x.random_(*bounds)
    assert x._version == 0 and x.tolist() == [0.0, 0.0, 0.0]


@pytest.mark.parametrize("dtype, bounds, match", [
    (mt.uint8, (300,), "to - 1 is out of bounds for unsigned char"),
    (mt.uint8, (-1, 5), "from is out of bounds for unsigned char"),
    (mt.int8, (0, 129), "to - 1 is out of bounds for signed char"),
    (mt.int8, (200, None), "from is out of bounds for signed char"),
    (mt.int16, (0, 2 ** 40), "to - 1 is out of bounds for short int"),
    (mt.int32, (-2 ** 40, 0), "from is out of bounds for int"),
    (mt.bool, (0, 3), "to - 1 is out of bounds for bool"),
    (mt.uint16, (0, 2 ** 17), "to - 1 is out of bounds for short unsigned int"),
    (mt.float16, (0, 2 ** 62), r"to - 1 is out of bounds for c10::Half"),
    (mt.float16, (2048, None), r"random_ expects 'from' casted to dtype to be less than or equal "
                               r"to 'to_inc' casted to dtype, but got from=2048 > to_inc=2048"),
])
def test_random_refuses_bounds_outside_the_dtype(dtype, bounds, match):
    x = mt.zeros(2, dtype=dtype)
    with pytest.raises(RuntimeError, match=match):
        x.random_(*bounds)
    assert x._version == 0


def test_random_warns_where_floats_skip_integers():
    with pytest.warns(UserWarning, match=r"to - 1 is out of bounds \[-\(2\^24\), 2\^24\]. Due "
                                         r"to precision limitations float can support"):
        mt.zeros(3).random_(0, 2 ** 25)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mt.zeros(3).random_(0, 2 ** 24 + 1)                 # to - 1 = 2^24: still exact


@pytest.mark.parametrize("call, error, match", [
    (lambda x: x.random_(4.0), TypeError, r"random_\(\): argument 'to' must be int, not float"),
    (lambda x: x.random_(True), TypeError, r"argument 'to' must be int, not bool"),
    (lambda x: x.random_(None), TypeError, r"argument 'to' must be int, not NoneType"),
    (lambda x: x.random_(0.5, 3), TypeError, r"argument 'from' must be int, not float"),
    (lambda x: x.random_(1, 2, 3), TypeError, r"at most 2 bounds \(from, to\), but 3 were given"),
    (lambda x: x.random_(0, 2 ** 63), ValueError, r"to=9223372036854775808 does not fit in int64"),
])
def test_random_argument_errors(call, error, match):
    with pytest.raises(error, match=match):
        call(mt.zeros(3, dtype=mt.int64))


# ---- in-place bitwise ops: &=, |=, ^= and the _ methods ---------------------------------------

def test_inplace_bitwise_operators(device):
    a = np.array([12, 10, 7], np.int32)
    for op, ref in [("__iand__", np.bitwise_and), ("__ior__", np.bitwise_or),
                    ("__ixor__", np.bitwise_xor)]:
        for other, other_np in [(mt.tensor([10, 6, 1], device=device), np.array([10, 6, 1])),
                                (3, 3), (True, True),
                                (mt.tensor([True, False, True], device=device),
                                 np.array([True, False, True]))]:
            x = mt.tensor(a, device=device)
            out = getattr(x, op)(other)
            assert out is x and x.dtype == mt.int32 and x._version == 1
            np.testing.assert_array_equal(host(x), ref(a, other_np).astype(np.int32))


def test_inplace_bitwise_syntax_and_methods():
    x = mt.tensor([12, 10, 7])
    x &= 6
    assert x.tolist() == [4, 2, 6]
    x |= mt.tensor([1, 1, 1])
    assert x.tolist() == [5, 3, 7]
    x ^= 5
    assert x.tolist() == [0, 6, 2]
    assert x.bitwise_not_().tolist() == [-1, -7, -3] and x._version == 4
    assert x.bitwise_and_(3).bitwise_or_(8).bitwise_xor_(1).tolist() == [10, 8, 8]
    assert mt.tensor([12, 10]).bitwise_and(6).tolist() == [4, 2]
    assert mt.tensor([12, 10]).bitwise_or(1).tolist() == [13, 11]
    assert mt.tensor([12, 10]).bitwise_xor(8).tolist() == [4, 2]
    assert mt.tensor([0, 1]).bitwise_not().tolist() == [-1, -2]
    y = mt.tensor([5, 6, 7], dtype=mt.int8)
    y &= mt.tensor([300, 2, 3])                 # an int64 result, cast back to int8
    assert y.dtype == mt.int8 and y.tolist() == [4, 2, 3]
    z = mt.zeros(4, dtype=mt.int64)
    z[1:3] |= 3                                 # through a view: the base sees it
    assert z.tolist() == [0, 3, 3, 0]


def test_inplace_bitwise_on_bools():
    b = mt.tensor([True, False, True])
    b &= mt.tensor([True, True, False])
    assert b.tolist() == [True, False, False]
    b |= True
    assert b.tolist() == [True, True, True]
    assert b.bitwise_not_().tolist() == [False, False, False] and b.dtype == mt.bool


@pytest.mark.parametrize("self_dtype, other, result", [
    (mt.bool, mt.tensor([1, 2, 3], dtype=mt.int32), "Int"),
    (mt.bool, 1, "Long"),
    (mt.bool, mt.tensor(1), "Long"),
    (mt.int32, mt.tensor([1.0, 2.0, 3.0]), "Float"),
    (mt.int32, 1.5, "Float"),
])
def test_inplace_bitwise_refuses_a_result_that_cannot_be_cast(self_dtype, other, result):
    x = mt.ones(3, dtype=self_dtype)
    for op in ("__iand__", "__ior__", "__ixor__", "bitwise_and_"):
        with pytest.raises(RuntimeError, match=f"result type {result} can't be cast to the "
                                               f"desired output type "
                                               f"{'Bool' if self_dtype is mt.bool else 'Int'}"):
            getattr(x, op)(other)
    assert x._version == 0


def test_inplace_bitwise_refuses_floats():
    with pytest.raises(RuntimeError, match='"bitwise_and" not implemented for floating tensors'):
        x = mt.ones(3)
        x &= mt.ones(3)
    with pytest.raises(RuntimeError, match=r"bitwise_not\) is only supported for integer and "
                                           r"bool tensors"):
        mt.ones(3).bitwise_not_()


def test_inplace_ops_refuse_a_result_larger_than_self():
    x = mt.ones(3, dtype=mt.int32)
    with pytest.raises(RuntimeError, match=r"output with shape \[3\] doesn't match the broadcast "
                                           r"shape \[2, 3\]"):
        x &= mt.ones(2, 3, dtype=mt.int32)
    with pytest.raises(RuntimeError, match=r"output with shape \[3\] doesn't match the broadcast "
                                           r"shape \[2, 3\]"):
        mt.ones(3).pow_(mt.ones(2, 3))
    assert x._version == 0


def test_inplace_add_on_an_expanded_tensor_is_refused():
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor "
                                           r"refers to a single memory location. Please clone\(\)"):
        mt.ones(1).expand(3).add_(1)


# ---- in-place logical ops --------------------------------------------------------------------

def test_inplace_logical_ops_keep_the_dtype(device):
    f = mt.tensor([1.0, 0.0, 2.0], device=device)
    assert f.clone().logical_and_(mt.tensor([1.0, 1.0, 0.0], device=device)).tolist() == \
        [1.0, 0.0, 0.0]
    assert f.clone().logical_or_(mt.zeros(3, device=device)).tolist() == [1.0, 0.0, 1.0]
    assert f.clone().logical_xor_(mt.ones(3, device=device)).tolist() == [0.0, 1.0, 0.0]
    x = f.clone()
    assert x.logical_not_().tolist() == [0.0, 1.0, 0.0] and x.dtype == mt.float32
    assert x._version == 1
    i = mt.tensor([3, 0, -2], device=device).logical_not_()
    assert i.dtype == mt.int64 and i.tolist() == [0, 1, 0]
    b = mt.tensor([True, False], device=device).logical_xor_(mt.tensor([True, True],
                                                                       device=device))
    assert b.tolist() == [False, True]


def test_inplace_logical_ops_refuse_tensors_that_require_grad():
    w = mt.ones(3, requires_grad=True)
    for t in (w, w * 2):
        with pytest.raises(RuntimeError, match=r"logical_and_\(\): a logical op has no gradient"):
            t.logical_and_(mt.ones(3))
        with pytest.raises(RuntimeError, match=r"logical_not_\(\): a logical op has no gradient"):
            t.logical_not_()
    with mt.no_grad():
        w.logical_not_()
    assert w.tolist() == [0.0, 0.0, 0.0] and w.requires_grad


# ---- apply_ and map_: a Python callable on each element ---------------------------------------

def test_apply_calls_with_python_numbers():
    seen = []
    x = mt.tensor([[1.0, 2.0], [3.0, 4.0]])
    out = x.apply_(lambda v: seen.append(type(v)) or v * 10)
    assert out is x and x.tolist() == [[10.0, 20.0], [30.0, 40.0]] and x._version == 1
    assert seen == [float] * 4
    mt.tensor([1, 2]).apply_(lambda v: seen.append(type(v)) or v)
    mt.tensor([True]).apply_(lambda v: seen.append(type(v)) or v)
    assert seen[4:] == [int, int, bool]
    base = mt.tensor([[1.0, 2.0], [3.0, 4.0]])
    base.t().apply_(lambda v: v + 1)                     # not contiguous
    base[0].apply_(lambda v: 0)                          # a view: written through
    assert base.tolist() == [[0.0, 0.0], [4.0, 5.0]]
    assert mt.tensor(2.0).apply_(lambda v: v * 3).item() == 6.0
    assert mt.ones(0).apply_(lambda v: 1 / 0).shape == (0,)


def test_apply_converts_results_as_pytorch():
    assert mt.tensor([1, 2, -1]).apply_(lambda v: v * 1.7).tolist() == [1, 3, -1]  # truncated
    assert mt.tensor([True, False]).apply_(lambda v: 2 * (not v)).tolist() == [False, True]
    assert mt.tensor([True]).apply_(lambda v: 0.0).tolist() == [False]
    assert mt.tensor([1], dtype=mt.uint8).apply_(lambda v: -1).tolist() == [255]
    assert mt.tensor([1.0], dtype=mt.float16).apply_(lambda v: 1e6).tolist() == [float("inf")]
    assert mt.tensor([1.0]).apply_(lambda v: mt.tensor(3.0)).tolist() == [3.0]
    assert mt.tensor([1]).apply_(lambda v: mt.tensor(5)).tolist() == [5]
    assert mt.tensor([1], dtype=mt.int8).apply_(lambda v: -128).tolist() == [-128]


@pytest.mark.parametrize("dtype, result, error, match", [
    (mt.float32, None, TypeError, "must be real number, not NoneType"),
    (mt.float32, "1.5", TypeError, "must be real number, not str"),
    (mt.float32, 1j, TypeError, "must be real number, not complex"),
    (mt.int64, None, TypeError, "'NoneType' object cannot be interpreted as an integer"),
    (mt.bool, "a", TypeError, "'str' object cannot be interpreted as an integer"),
    (mt.int64, mt.tensor(5.7), TypeError, "only integer tensors of a single element"),
    (mt.int8, 128, RuntimeError, "value cannot be converted to type int8 without overflow"),
    (mt.int8, 127.9, RuntimeError, "value cannot be converted to type int8 without overflow"),
    (mt.uint8, 256, RuntimeError, "value cannot be converted to type uint8 without overflow"),
    (mt.int32, float("nan"), RuntimeError, "value cannot be converted to type int32 without"),
])
def test_apply_refuses_results_that_do_not_fit(dtype, result, error, match):
    x = mt.ones(2, dtype=dtype)
    with pytest.raises(error, match=match):
        x.apply_(lambda v: result)
    assert x._version == 0


def test_apply_writes_nothing_when_the_callable_raises():
    x = mt.tensor([1.0, 2.0, 3.0])
    with pytest.raises(ZeroDivisionError):
        x.apply_(lambda v: 1 / 0 if v == 3 else 9.0)
    assert x.tolist() == [1.0, 2.0, 3.0] and x._version == 0


def test_map_pairs_each_element_with_other_broadcast():
    x = mt.tensor([[1.0, 2.0], [3.0, 4.0]])
    out = x.map_(mt.tensor([10.0, 20.0]), lambda a, b: a + b)
    assert out is x and x.tolist() == [[11.0, 22.0], [13.0, 24.0]] and x._version == 1
    assert mt.ones(2).map_(mt.tensor(3.0), lambda a, b: a * b).tolist() == [3.0, 3.0]
    assert mt.tensor([7, 8]).map_(mt.tensor([2, 3]), lambda a, b: a % b).tolist() == [1, 2]


@pytest.mark.parametrize("other, error, match", [
    (3, TypeError, r"map_\(\): argument 'other' \(position 1\) must be Tensor, not int"),
    (mt.tensor([1, 2]), TypeError, r"map_: expected mytorch.FloatTensor for 'other' \(got "
                                   r"mytorch.LongTensor\)"),
    (mt.ones(2, 2), RuntimeError, r"the number of sizes provided \(1\) must be greater or equal "
                                  r"to the number of dimensions in the tensor \(2\)"),
])
def test_map_errors(other, error, match):
    with pytest.raises(error, match=match):
        mt.ones(2).map_(other, lambda a, b: a)


def test_apply_and_map_refuse_tensors_that_require_grad():
    w = mt.ones(2, requires_grad=True)
    for t in (w, w * 2):
        with pytest.raises(RuntimeError, match=r"Can't call apply_\(\) on Variable that requires "
                                               r"grad. Use var.detach\(\).apply_\(\) instead."):
            t.apply_(lambda v: v)
        with pytest.raises(RuntimeError, match=r"Can't call map_\(\) on Variable that requires "
                                               r"grad. Use var.detach\(\).map_\(\) instead."):
            t.map_(mt.ones(2), lambda a, b: a)
    with pytest.raises(RuntimeError, match=r"Can't call map_\(\) on Variable"):
        mt.ones(2).map_(w, lambda a, b: a)
    with mt.no_grad(), pytest.raises(RuntimeError, match=r"Can't call apply_\(\) on Variable"):
        w.apply_(lambda v: v)
    assert w.detach().apply_(lambda v: v + 1).tolist() == [2.0, 2.0]


def test_apply_and_map_run_only_on_the_cpu():
    x = mt.ones(2, device="strict")
    with pytest.raises(TypeError, match="apply_ is only implemented on CPU tensors"):
        x.apply_(lambda v: v)
    with pytest.raises(TypeError, match="map_ is only implemented on CPU tensors"):
        x.map_(mt.ones(2, device="strict"), lambda a, b: a)
    with pytest.raises(TypeError, match=r"map_: expected mytorch.FloatTensor for 'other' \(got "
                                        r"mytorch.strict.FloatTensor\)"):
        mt.ones(2).map_(x, lambda a, b: a)


def test_apply_on_an_expanded_tensor_is_refused():
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
        mt.ones(1).expand(3).apply_(lambda v: v + 1)


# ---- the normalization layers print as PyTorch 2.13's -----------------------------------------

@pytest.mark.parametrize("make, text", [
    (lambda: nn.BatchNorm1d(10), "BatchNorm1d(10, eps=1e-05, momentum=0.1, affine=True, "
                                 "bias=True, track_running_stats=True)"),
    (lambda: nn.BatchNorm2d(3, eps=1e-3, momentum=None, affine=False, track_running_stats=False),
     "BatchNorm2d(3, eps=0.001, momentum=None, affine=False, bias=False, "
     "track_running_stats=False)"),
    (lambda: nn.BatchNorm3d(4, momentum=0.2), "BatchNorm3d(4, eps=1e-05, momentum=0.2, "
                                              "affine=True, bias=True, track_running_stats=True)"),
    (lambda: nn.InstanceNorm1d(3), "InstanceNorm1d(3, eps=1e-05, momentum=0.1, affine=False, "
                                   "bias=False, track_running_stats=False)"),
    (lambda: nn.InstanceNorm2d(3, affine=True, track_running_stats=True),
     "InstanceNorm2d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, "
     "track_running_stats=True)"),
    (lambda: nn.GroupNorm(2, 4), "GroupNorm(2, 4, eps=1e-05, affine=True, bias=True)"),
    (lambda: nn.GroupNorm(2, 4, eps=1e-3, affine=False),
     "GroupNorm(2, 4, eps=0.001, affine=False, bias=False)"),
    (lambda: nn.LayerNorm(10), "LayerNorm((10,), eps=1e-05, elementwise_affine=True, bias=True)"),
    (lambda: nn.LayerNorm((3, 4), eps=1e-6, elementwise_affine=False),
     "LayerNorm((3, 4), eps=1e-06, elementwise_affine=False, bias=False)"),
    (lambda: nn.RMSNorm([2, 3], eps=1e-5, elementwise_affine=False),
     "RMSNorm((2, 3), eps=1e-05, elementwise_affine=False)"),
])
def test_normalization_reprs_match_pytorch(make, text):
    assert repr(make()) == text
