"""mytorch.nn.utils.rnn (as torch.nn.utils.rnn): pad_sequence, pack_padded_sequence,
pad_packed_sequence, pack_sequence, unpack_sequence and PackedSequence, against hand-built
NumPy arrays and PyTorch's documented examples; round trips (hypothesis-made lengths),
gradients, errors, devices. The recurrent layers' use of packed input is in test_rnn.py."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import mytorch as mt
from mytorch.autograd import gradcheck
from mytorch.nn.utils.rnn import (PackedSequence, pack_padded_sequence, pack_sequence,
                                  pad_packed_sequence, pad_sequence, unpack_sequence)


def host(t):
    return t.detach().cpu().numpy()


def padded_ref(arrays, value=0.0, left=False):
    """(T, N, *) NumPy padding of a list of (Lᵢ, *) arrays."""
    T = max(len(a) for a in arrays)
    out = np.full((T, len(arrays)) + arrays[0].shape[1:], value, dtype=arrays[0].dtype)
    for i, a in enumerate(arrays):
        if left:
            out[T - len(a):, i] = a
        else:
            out[:len(a), i] = a
    return out


# ---- pad_sequence -------------------------------------------------------------------------------

@pytest.mark.parametrize("trailing", [(), (2,), (2, 3)])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("padding_side", ["right", "left"])
def test_pad_sequence(trailing, batch_first, padding_side):
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal((n,) + trailing) for n in (3, 5, 1)]
    got = pad_sequence([mt.tensor(a) for a in arrays], batch_first=batch_first,
                       padding_value=-7.5, padding_side=padding_side)
    want = padded_ref(arrays, -7.5, left=padding_side == "left")
    if batch_first:
        want = want.swapaxes(0, 1)
    assert tuple(got.shape) == want.shape
    assert got.dtype is mt.float64
    np.testing.assert_array_equal(host(got), want)


def test_pad_sequence_pytorch_example_and_integers():
    a, b, c = mt.ones(25, 300), mt.ones(22, 300), mt.ones(15, 300)
    assert tuple(pad_sequence([a, b, c]).shape) == (25, 3, 300)
    ints = pad_sequence([mt.tensor([1, 2, 3]), mt.tensor([4, 5, 6, 7]),
                         mt.tensor([8, 9, 10, 11, 12])], batch_first=True, padding_side="left")
    assert ints.dtype is mt.int64
    assert ints.tolist() == [[0, 0, 1, 2, 3], [0, 4, 5, 6, 7], [8, 9, 10, 11, 12]]
    assert pad_sequence((mt.zeros(2), mt.zeros(3))).shape == (3, 2)     # any iterable


def test_pad_sequence_gradient():
    seqs = [mt.randn(n, 2, dtype=mt.float64, requires_grad=True) for n in (2, 4, 1)]
    assert gradcheck(lambda *s: pad_sequence(list(s), padding_value=3.0), seqs)
    assert gradcheck(lambda *s: pad_sequence(list(s), batch_first=True, padding_side="left"),
                     seqs)


def test_pad_sequence_errors():
    with pytest.raises(ValueError, match="Expected padding_side to be one of left or right, but "
                                         "got middle"):
        pad_sequence([mt.zeros(2)], padding_side="middle")
    with pytest.raises(RuntimeError, match="received an empty list of sequences"):
        pad_sequence([])
    with pytest.raises(RuntimeError, match=r"trailing shape \(3,\), got \(2, 4\)"):
        pad_sequence([mt.zeros(2, 3), mt.zeros(2, 4)])


# ---- pack_padded_sequence / pad_packed_sequence -------------------------------------------------

def test_pytorch_documented_example():
    """torch.nn.utils.rnn.pad_packed_sequence's example, number for number."""
    seq = mt.tensor([[1, 2, 0], [3, 0, 0], [4, 5, 6]])
    packed = pack_padded_sequence(seq, [2, 1, 3], batch_first=True, enforce_sorted=False)
    assert isinstance(packed, PackedSequence)
    assert packed.data.tolist() == [4, 1, 3, 5, 2, 6]
    assert packed.batch_sizes.tolist() == [3, 2, 1]
    assert packed.sorted_indices.tolist() == [2, 0, 1]
    assert packed.unsorted_indices.tolist() == [1, 2, 0]
    unpacked, lengths = pad_packed_sequence(packed, batch_first=True)
    assert unpacked.tolist() == [[1, 2, 0], [3, 0, 0], [4, 5, 6]]
    assert lengths.tolist() == [2, 1, 3]
    assert lengths.dtype is mt.int64 and lengths.device == mt.device("cpu")
    assert packed.batch_sizes.dtype is mt.int64 and packed.batch_sizes.device == mt.device("cpu")


def test_pack_padded_sorted_layout():
    """Sorted lengths: data is step 0 of every sequence, then step 1 of those still running...;
    no index permutation is stored."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 3, 2))
    packed = pack_padded_sequence(mt.tensor(x), mt.tensor([4, 2, 1]))
    want = np.concatenate([x[0, :3], x[1, :2], x[2, :1], x[3, :1]])
    np.testing.assert_array_equal(host(packed.data), want)
    assert packed.batch_sizes.tolist() == [3, 2, 1, 1]
    assert packed.sorted_indices is None and packed.unsorted_indices is None
    padded, lengths = pad_packed_sequence(packed, padding_value=9.0)
    keep = (np.arange(4)[:, None] < np.array([4, 2, 1]))[..., None]
    np.testing.assert_array_equal(host(padded), np.where(keep, x, 9.0))
    assert lengths.tolist() == [4, 2, 1]


def test_enforce_sorted_error():
    with pytest.raises(RuntimeError, match="`lengths` array must be sorted in decreasing order "
                                           "when `enforce_sorted` is True. You can pass "
                                           "`enforce_sorted=False`"):
        pack_padded_sequence(mt.zeros(3, 2, 1), [2, 3])
    with pytest.raises(RuntimeError, match="must be sorted in decreasing order"):
        pack_sequence([mt.zeros(1), mt.zeros(2)])
    pack_padded_sequence(mt.zeros(3, 3, 1), [3, 3, 1])      # ties are sorted


def test_pack_padded_sequence_errors():
    with pytest.raises(RuntimeError, match=r"lengths must be in \[1, 3\]"):
        pack_padded_sequence(mt.zeros(3, 2), [4, 1])
    with pytest.raises(RuntimeError, match=r"lengths must be in \[1, 3\]"):
        pack_padded_sequence(mt.zeros(3, 2), [3, 0])
    with pytest.raises(RuntimeError, match="expected 2 lengths"):
        pack_padded_sequence(mt.zeros(3, 2), [3, 2, 1])


@pytest.mark.parametrize("batch_first", [False, True])
def test_pad_packed_total_length(batch_first):
    seqs = [mt.arange(1.0, 4.0), mt.arange(4.0, 6.0)]
    packed = pack_sequence(seqs)
    padded, lengths = pad_packed_sequence(packed, batch_first=batch_first, padding_value=-1.0,
                                          total_length=5)
    want = np.array([[1, 4], [2, 5], [3, -1], [-1, -1], [-1, -1]], dtype=np.float32)
    np.testing.assert_array_equal(host(padded), want.T if batch_first else want)
    assert lengths.tolist() == [3, 2]
    assert tuple(pad_packed_sequence(packed, total_length=3)[0].shape) == (3, 2)
    with pytest.raises(ValueError, match="Expected total_length to be at least the length of the "
                                         "longest sequence in input, but got total_length=2 and "
                                         "max sequence length being 3"):
        pad_packed_sequence(packed, total_length=2)


@settings(max_examples=25, deadline=None)
@given(lengths=st.lists(st.integers(1, 5), min_size=1, max_size=5),
       trailing=st.sampled_from([(), (2,), (1, 3)]), batch_first=st.booleans(),
       seed=st.integers(0, 2 ** 16))
def test_round_trips(lengths, trailing, batch_first, seed):
    """pad -> pack -> pad gives the padded batch back (zeros in the padding, the lengths, the
    original order); pack_sequence -> unpack_sequence gives the sequences back."""
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal((n,) + trailing) for n in lengths]
    seqs = [mt.tensor(a) for a in arrays]
    padded = pad_sequence(seqs, batch_first=batch_first)
    packed = pack_padded_sequence(padded, lengths, batch_first=batch_first, enforce_sorted=False)
    assert packed.data.shape[0] == sum(lengths)
    assert packed.batch_sizes.tolist() == [sum(n > t for n in lengths) for t in range(max(lengths))]
    back, got_lengths = pad_packed_sequence(packed, batch_first=batch_first)
    np.testing.assert_array_equal(host(back), host(padded))
    assert got_lengths.tolist() == lengths
    for enforce in ([False, True] if lengths == sorted(lengths, reverse=True) else [False]):
        again = unpack_sequence(pack_sequence(seqs, enforce_sorted=enforce))
        assert len(again) == len(arrays)
        for a, b in zip(again, arrays):
            np.testing.assert_array_equal(host(a), b)


def test_pack_pad_gradient():
    """The gradient of pad(pack(x)) w.r.t. x: through the real steps, zero in the padding."""
    x = mt.randn(4, 3, 2, dtype=mt.float64, requires_grad=True)
    lengths = [2, 4, 1]

    def f(x):
        return pad_packed_sequence(pack_padded_sequence(x, lengths, enforce_sorted=False))[0]
    assert gradcheck(f, (x,))
    f(x).sum().backward()
    keep = (np.arange(4)[:, None] < np.array(lengths))[..., None]
    np.testing.assert_array_equal(host(x.grad), np.broadcast_to(keep, (4, 3, 2)).astype(float))
    seqs = [mt.randn(n, 2, dtype=mt.float64, requires_grad=True) for n in (1, 3, 2)]
    assert gradcheck(lambda *s: pack_sequence(list(s), enforce_sorted=False).data, seqs)


# ---- PackedSequence, devices ---------------------------------------------------------------------

def test_packed_sequence_is_a_named_tuple():
    packed = pack_sequence([mt.zeros(2, 1), mt.zeros(1, 1)])
    data, batch_sizes, sorted_indices, unsorted_indices = packed
    assert packed._fields == ("data", "batch_sizes", "sorted_indices", "unsorted_indices")
    assert data is packed.data and sorted_indices is None and unsorted_indices is None
    assert batch_sizes.tolist() == [2, 1] and packed.is_cuda is False
    assert packed.to("cpu") is packed


def test_utils_on_device(device):
    rng = np.random.default_rng(2)
    arrays = [rng.standard_normal((n, 2)) for n in (2, 4, 3)]
    seqs = [mt.tensor(a, device=device) for a in arrays]
    padded = pad_sequence(seqs, padding_value=1.5)
    assert padded.device == seqs[0].device
    np.testing.assert_array_equal(host(padded), padded_ref(arrays, 1.5))
    packed = pack_padded_sequence(padded, mt.tensor([2, 4, 3]), enforce_sorted=False)
    assert packed.data.device == padded.device
    assert packed.batch_sizes.device == mt.device("cpu")
    back, lengths = pad_packed_sequence(packed, batch_first=True, total_length=5)
    assert back.device == padded.device and lengths.device == mt.device("cpu")
    np.testing.assert_array_equal(host(back)[:, :4], host(pad_sequence(seqs, batch_first=True)))
    for a, b in zip(unpack_sequence(pack_sequence(seqs, enforce_sorted=False)), arrays):
        assert a.device == padded.device
        np.testing.assert_array_equal(host(a), b)


def test_packed_sequence_to_moves_the_indices():
    packed = pack_sequence([mt.zeros(1, 2), mt.ones(3, 2)], enforce_sorted=False)
    moved = packed.to("strict")
    assert moved.data.device == mt.device("strict")
    assert moved.batch_sizes.device == mt.device("cpu")
    assert moved.sorted_indices.device == moved.data.device
    assert moved.unsorted_indices.device == moved.data.device
