"""Python ints meeting integer tensors: PyTorch casts the number to the tensor's dtype, which
wraps around (uint8: −1 is 255), where NumPy 2 raises OverflowError. Expected values from
torch 2.13."""
import numpy as np
import pytest

import mytorch as mt


def values(t):
    return t.tolist()


def test_arithmetic_wraps_the_number_into_the_dtype(device):
    u = mt.tensor([5, 200], dtype=mt.uint8, device=device)
    i = mt.tensor([5, 100], dtype=mt.int8, device=device)
    assert values(u + (-1)) == [4, 199]
    assert values(u * 300) == [220, 96]
    assert values(i + 300) == [49, -112]
    assert values(i - (-200)) == [-51, 44]
    assert values(300 - i) == [39, -56]
    assert values(-1 + u) == [4, 199]
    assert (u + (-1)).dtype is mt.uint8 and (i + 300).dtype is mt.int8


def test_comparisons_see_the_wrapped_number(device):
    u = mt.tensor([5, 200], dtype=mt.uint8, device=device)
    i = mt.tensor([5, 100], dtype=mt.int8, device=device)
    assert values(u > -1) == [False, False]          # −1 is 255 to a uint8 tensor
    assert values(u == 256) == [False, False]        # 256 is 0
    assert values(i < 300) == [True, False]          # 300 is 44


def test_numbers_that_fit_are_unchanged_and_floats_are_untouched(device):
    x = mt.tensor([5], dtype=mt.int32, device=device)
    assert values(x + 2 ** 40) == [5]                # 2**40 is 0 in 32 bits, as in PyTorch
    assert values(x + 7) == [12]
    f = mt.ones(2, device=device)
    assert values(f + 2 ** 70) == [float(2 ** 70)] * 2


def test_in_place_wraps_too(device):
    u = mt.tensor([5, 200], dtype=mt.uint8, device=device)
    u += -1
    assert values(u) == [4, 199]
    u -= 300
    assert values(u) == [216, 155]


def test_a_number_beyond_64_bits_and_an_alpha_that_overflows_raise():
    u = mt.tensor([5, 200], dtype=mt.uint8)
    with pytest.raises(OverflowError, match="int too big to convert"):
        u + 2 ** 70
    with pytest.raises(RuntimeError, match="value cannot be converted to type uint8 without "
                                           "overflow"):
        u.add_(1, alpha=256)


def test_bool_tensors_promote_to_int64_with_the_number():
    b = mt.tensor([True, False])
    out = b + 2 ** 40
    assert out.dtype is mt.int64 and values(out) == [2 ** 40 + 1, 2 ** 40]
    assert np.array_equal(out.numpy(), np.array([2 ** 40 + 1, 2 ** 40]))
