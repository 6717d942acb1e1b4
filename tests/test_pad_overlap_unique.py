"""F.pad's indexing modes against PyTorch 2.13 (negative widths, input ranks, its errors), writes
into an expanded tensor refused, strides of empty tensors, and unique along a dimension.
Reference numbers were taken from PyTorch 2.13 where a comment says so."""
import numpy as np
import pytest

import mytorch as mt
import mytorch.nn.functional as F

ROW = mt.arange(4.0).reshape(1, 1, 4)       # [0, 1, 2, 3]


# ---- pad: values with negative widths (torch 2.13's outputs) -------------------------------

@pytest.mark.parametrize("mode, pad, expected", [
    ("circular", (1, -2), [1, 0, 1]), ("circular", (-1, 2), [1, 2, 3, 1, 2]),
    ("circular", (-2, 1), [2, 3, 2]), ("circular", (4, 0), [0, 1, 2, 3, 0, 1, 2, 3]),
    ("circular", (-4, 0), []),
    ("reflect", (1, -2), [1, 0, 1]), ("reflect", (-1, 2), [1, 2, 3, 2, 1]),
    ("reflect", (-3, 3), [3, 2, 1, 0]), ("reflect", (2, -3), [2, 1, 0]),
    ("replicate", (1, -2), [0, 0, 1]), ("replicate", (-4, 5), [3, 3, 3, 3, 3]),
    ("replicate", (6, -5), [0, 0, 0, 0, 0]),
])
def test_pad_negative_widths_match_pytorch(device, mode, pad, expected):
    out = F.pad(ROW.to(device), pad, mode=mode)
    assert out.flatten().tolist() == expected


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
def test_pad_negative_widths_gradient_counts_each_read(mode):
    x = mt.arange(4.0).reshape(1, 4).requires_grad_()
    F.pad(x, (1, -2), mode=mode).sum().backward()
    # circular reads [1, 0, 1]; reflect [1, 0, 1]; replicate [0, 0, 1]
    expected = {"circular": [1, 2, 0, 0], "reflect": [1, 2, 0, 0], "replicate": [2, 1, 0, 0]}
    assert x.grad.flatten().tolist() == expected[mode]


def test_pad_circular_corners_with_two_dims():
    x = mt.arange(6.0).reshape(1, 2, 3)
    out = F.pad(x, (1, -1, -1, 1), mode="circular")
    # torch 2.13: crop to [[3, 4]], wrap one column left and one row below
    assert out.tolist() == [[[4.0, 3.0, 4.0], [4.0, 3.0, 4.0]]]


# ---- pad: the errors --------------------------------------------------------------------

@pytest.mark.parametrize("pad", [(5, 0), (0, 5), (-5, 6)])
def test_pad_circular_wider_than_input(pad):
    with pytest.raises(RuntimeError, match="Padding value causes wrapping around more than once"):
        F.pad(ROW, pad, mode="circular")


def test_pad_circular_wider_than_what_cropping_leaves():
    with pytest.raises(RuntimeError, match="wrapping around more than once"):
        F.pad(ROW, (-3, 3), mode="circular")


def test_pad_circular_negative_output():
    with pytest.raises(RuntimeError, match="Negative padding value is resulting in an empty "
                                           "dimension"):
        F.pad(ROW, (-3, -2), mode="circular")


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize("shape, pad", [((4,), (1, 1)), ((1, 4), (1, 1, 1, 1)),
                                        ((1, 1, 1, 4), (1, 1)), ((1, 1, 1, 1, 1, 4), (1,) * 6),
                                        ((1, 1, 1, 1, 4), (1,) * 8)])
def test_pad_non_constant_input_rank(mode, shape, pad):
    with pytest.raises(NotImplementedError, match=f"Padding size {len(pad)} is not supported for "
                                                  f"{len(shape)}D input tensor"):
        F.pad(mt.zeros(shape), pad, mode=mode)


@pytest.mark.parametrize("shape, pad", [((1, 4), (1, 1)), ((2, 1, 4), (1, 1)),
                                        ((1, 2, 4), (1, 1, 1, 1)), ((1, 1, 2, 3, 4), (1,) * 6)])
def test_pad_non_constant_accepted_ranks(shape, pad):
    assert F.pad(mt.zeros(shape), pad, mode="replicate").ndim == len(shape)


@pytest.mark.parametrize("pad, argument, at", [
    ((4, 0), 4, r"padding \(4, 0\) at dimension 2"),
    ((0, 0, 1, 1), 6, r"padding \(1, 1\) at dimension 1")])
def test_pad_reflect_wider_than_input(pad, argument, at):
    message = f"Argument #{argument}: Padding size should be less than the corresponding input "
    with pytest.raises(RuntimeError, match=message + f"dimension, but got: {at}"):
        F.pad(ROW, pad, mode="reflect")


@pytest.mark.parametrize("mode", ["reflect", "replicate"])
def test_pad_non_constant_empty_output(mode):
    with pytest.raises(RuntimeError, match=r"input \(W: 4\) is too small. Calculated output W: 0"):
        F.pad(ROW, (-4, 0), mode=mode)
    with pytest.raises(RuntimeError, match="Trying to create tensor with negative dimension -1"):
        F.pad(mt.zeros(1, 4, 4), (1, 1, -5, 0), mode=mode)


@pytest.mark.parametrize("mode", ["reflect", "replicate"])
def test_pad_non_constant_empty_input_dimension(mode):
    with pytest.raises(RuntimeError, match=r"Expected 2D or 3D \(batch mode\) tensor with possibly "
                                           r"0 batch size and other non-zero dimensions for input, "
                                           r"but got: \[2, 0, 4\]"):
        F.pad(mt.zeros(2, 0, 4), (1, 1), mode=mode)
    assert F.pad(mt.zeros(0, 2, 4), (1, 1), mode=mode).shape == (0, 2, 6)   # the batch may be 0


def test_pad_non_constant_refuses_a_value():
    with pytest.raises(RuntimeError, match='Padding mode "reflect" doesn\'t take in value'):
        F.pad(mt.zeros(1, 3), (1, 1), mode="reflect", value=2.0)
    assert F.pad(mt.zeros(1, 3), (1, 1), mode="reflect", value=0).shape == (1, 5)


# ---- writes into an expanded tensor -----------------------------------------------------

OVERLAP = "more than one element of the written-to tensor refers to a single memory location"

WRITES = {
    "fill_": lambda x: x.fill_(1.0),
    "fill_tensor": lambda x: x.fill_(mt.tensor(1.0)),
    "zero_": lambda x: x.zero_(),
    "copy_": lambda x: x.copy_(mt.ones(2, 3)),
    "setitem": lambda x: x.__setitem__(0, 1.0),
    "setitem_advanced": lambda x: x.__setitem__(mt.tensor([0]), 1.0),
    "masked_fill_": lambda x: x.masked_fill_(mt.ones(2, 3, dtype=mt.bool), 1.0),
    "index_put_": lambda x: x.index_put_((mt.tensor([0]),), mt.tensor(1.0)),
    "scatter_": lambda x: x.scatter_(0, mt.zeros(1, 3, dtype=mt.int64), 1.0),
    "uniform_": lambda x: x.uniform_(),
    "clamp_": lambda x: x.clamp_(0.0),
}


@pytest.mark.parametrize("name", sorted(WRITES))
def test_write_into_expanded_tensor_refused(device, name):
    x = mt.zeros(3, device=device).expand(2, 3)
    with pytest.raises(RuntimeError, match=OVERLAP):
        WRITES[name](x)


def test_write_into_expanded_size_one_dimension_allowed():
    x = mt.zeros(1, 3).expand(1, 3)          # stride 0 only where the size is 1: no sharing
    x.fill_(2.0)
    assert x.tolist() == [[2.0, 2.0, 2.0]]


# ---- strides of empty tensors (torch 2.13's values) -------------------------------------

@pytest.mark.parametrize("shape, strides", [((0,), (1,)), ((2, 0, 3), (3, 3, 1)),
                                            ((0, 3), (3, 1)), ((3, 0), (1, 1))])
def test_stride_of_empty_tensor(shape, strides):
    assert mt.empty(shape).stride() == strides
    assert mt.zeros(shape).stride(-1) == strides[-1]


def test_stride_of_empty_slice_keeps_its_memory_layout():
    assert mt.empty(2, 3)[:, :0].stride() == (3, 1)
    assert mt.zeros(3).expand(2, 3)[:0].stride() == (0, 1)


def test_view_dtype_of_empty_tensor():
    assert mt.empty(2, 0, 3).view(mt.int16).shape == (2, 0, 6)


# ---- unique along a dimension (torch 2.13's outputs) ------------------------------------

def test_unique_dim_rows(device):
    x = mt.tensor([[1, 3], [2, 3], [1, 3], [0, 5]], device=device)
    values, inverse, counts = mt.unique(x, dim=0, return_inverse=True, return_counts=True)
    assert values.tolist() == [[0, 5], [1, 3], [2, 3]]
    assert inverse.tolist() == [1, 2, 1, 0] and inverse.dtype == mt.int64
    assert counts.tolist() == [1, 2, 1]


def test_unique_dim_middle_of_three(device):
    x = mt.tensor([[[0, 1], [0, 0], [1, 0]], [[0, 0], [0, 0], [1, 0]]], device=device)
    values, inverse = mt.unique(x, dim=1, return_inverse=True)
    assert values.tolist() == [[[0, 0], [0, 1], [1, 0]], [[0, 0], [0, 0], [1, 0]]]
    assert inverse.tolist() == [1, 0, 2]


def test_unique_dim_negative_and_method():
    x = mt.tensor([[2, 1, 2], [0, 1, 0]])
    assert x.unique(dim=-1).tolist() == [[1, 2], [1, 0]]
    assert mt.unique(x, dim=1, sorted=False, return_counts=True)[1].tolist() == [1, 2]


def test_unique_dim_empty_selected_dimension():
    values, inverse, counts = mt.unique(mt.zeros(0, 3), dim=0, return_inverse=True,
                                        return_counts=True)
    assert values.shape == (0, 3) and inverse.shape == (0,) and counts.shape == (0,)


def test_unique_dim_empty_other_dimension():
    with pytest.raises(RuntimeError, match="There are 0 sized dimensions, and they aren't "
                                           "selected, so unique cannot be applied"):
        mt.unique(mt.zeros(3, 0), dim=0)


def test_unique_dim_of_0d_tensor():
    with pytest.raises(IndexError, match="Dimension specified as 0 but tensor has no dimensions"):
        mt.unique(mt.tensor(3), dim=0)


def test_unique_dim_out_of_range():
    with pytest.raises(IndexError, match="Dimension out of range"):
        mt.unique(mt.zeros(2, 2), dim=2)


def test_unique_dim_matches_numpy_on_random_rows():
    rows = np.random.default_rng(0).integers(0, 2, (20, 3))
    values, inverse, counts = mt.unique(mt.tensor(rows), dim=0, return_inverse=True,
                                        return_counts=True)
    ref, ref_inverse, ref_counts = np.unique(rows, axis=0, return_inverse=True, return_counts=True)
    assert values.tolist() == ref.tolist()
    assert inverse.tolist() == ref_inverse.reshape(-1).tolist()
    assert counts.tolist() == ref_counts.tolist()
