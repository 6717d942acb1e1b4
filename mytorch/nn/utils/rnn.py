"""`mytorch.nn.utils.rnn`: batches of sequences of different lengths, as `torch.nn.utils.rnn`.

    pad_sequence(seqs)                   a list of (Lᵢ, *) tensors -> one (T, N, *) tensor
    pack_padded_sequence(x, lengths)     (T, N, *) padded -> PackedSequence
    pad_packed_sequence(packed)          PackedSequence -> ((T, N, *) padded, lengths)
    pack_sequence(seqs) / unpack_sequence(packed)

A `PackedSequence` stores only the real steps: sorted by decreasing length, step t of every
sequence still running, one after the other (`data` (ΣLᵢ, *)); `batch_sizes[t]` says how many
run at step t. The recurrent layers accept one and run each sequence for exactly its length
(internally with a 0/1 mask over the padded batch), so padding never leaks into the states.
"""
from typing import NamedTuple, Optional

import numpy as np

from ... import ops
from ...factories import as_tensor, full
from ...tensor import Tensor


class PackedSequence(NamedTuple):
    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Optional[Tensor] = None
    unsorted_indices: Optional[Tensor] = None

    def to(self, *args, **kwargs):
        """data moved (or cast) as Tensor.to; the index tensors follow data's device (PyTorch
        keeps batch_sizes on the cpu)."""
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        move = lambda t: None if t is None else t.to(data.device)     # noqa: E731
        return self._replace(data=data, sorted_indices=move(self.sorted_indices),
                             unsorted_indices=move(self.unsorted_indices))

    @property
    def is_cuda(self):
        return self.data.is_cuda


def _lengths_array(lengths):
    if isinstance(lengths, Tensor):
        lengths = lengths.tolist()
    lengths = np.asarray(lengths, dtype=np.int64).reshape(-1)
    return lengths


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stack tensors (Lᵢ, *) into (T, N, *) (or (N, T, *)), T = max Lᵢ, filling with
    padding_value on the right (or the left)."""
    if padding_side not in ("right", "left"):
        raise ValueError(f"Expected padding_side to be one of left or right, but got "
                         f"{padding_side}.")
    sequences = list(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    trailing = tuple(sequences[0].shape[1:])
    for s in sequences:
        if tuple(s.shape[1:]) != trailing:
            raise RuntimeError(f"pad_sequence(): every sequence must have the trailing shape "
                               f"{trailing}, got {tuple(s.shape)}")
    longest = max(s.shape[0] for s in sequences)
    rows = []
    for s in sequences:
        fill = full((longest - s.shape[0],) + trailing, padding_value, dtype=s.dtype,
                    device=s.device)
        rows.append(ops.cat([s, fill] if padding_side == "right" else [fill, s], 0))
    return ops.stack(rows, 0 if batch_first else 1)


def _sorted(lengths, enforce_sorted):
    """Decreasing-length order (stable) and its inverse, or (None, None) if already sorted."""
    if enforce_sorted:
        if np.any(np.diff(lengths) > 0):
            raise RuntimeError("`lengths` array must be sorted in decreasing order when "
                               "`enforce_sorted` is True. You can pass `enforce_sorted=False` to "
                               "pack_padded_sequence and/or pack_sequence to sidestep this "
                               "requirement if you do not need ONNX exportability.")
        return None, None
    order = np.argsort(-lengths, kind="stable")
    return order, np.argsort(order)


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """A PackedSequence of the first lengths[n] steps of each sequence of the padded input
    (T, N, *) (or (N, T, *) with batch_first)."""
    lengths = _lengths_array(lengths)
    x = input.transpose(0, 1) if batch_first else input
    if len(lengths) != x.shape[1]:
        raise RuntimeError(f"pack_padded_sequence(): expected {x.shape[1]} lengths (one per "
                           f"sequence), got {len(lengths)}")
    if lengths.size and (lengths.min() <= 0 or lengths.max() > x.shape[0]):
        raise RuntimeError(f"pack_padded_sequence(): lengths must be in [1, {x.shape[0]}] "
                           f"(the padded length), got {lengths.tolist()}")
    order, inverse = _sorted(lengths, enforce_sorted)
    if order is not None:
        x = ops.index_select(x, 1, as_tensor(order, device=x.device))
        lengths = lengths[order]
    batch_sizes = np.array([(lengths > t).sum() for t in range(int(lengths.max()))],
                           dtype=np.int64)
    data = ops.cat([x[t, :b] for t, b in enumerate(batch_sizes)], 0)
    as_index = (lambda a: None if a is None else as_tensor(a, device=input.device))
    return PackedSequence(data, as_tensor(batch_sizes), as_index(order), as_index(inverse))


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """(padded (T, N, *), lengths (N,) int64): the inverse of pack_padded_sequence, in the
    original batch order; total_length pads T further (at least the longest length)."""
    data, batch_sizes = sequence.data, sequence.batch_sizes.tolist()
    steps = len(batch_sizes)
    if total_length is not None:
        if total_length < steps:
            raise ValueError(f"Expected total_length to be at least the length of the longest "
                             f"sequence in input, but got total_length={total_length} and max "
                             f"sequence length being {steps}")
        steps = total_length
    n = batch_sizes[0]
    trailing = tuple(data.shape[1:])
    rows, start = [], 0
    for b in batch_sizes:
        step = data[start:start + b]
        start += b
        if b < n:
            step = ops.cat([step, full((n - b,) + trailing, padding_value, dtype=data.dtype,
                                       device=data.device)], 0)
        rows.append(step)
    rows += [full((n,) + trailing, padding_value, dtype=data.dtype, device=data.device)] * \
        (steps - len(batch_sizes))
    padded = ops.stack(rows, 0)
    lengths = np.array([sum(1 for b in batch_sizes if b > i) for i in range(n)], dtype=np.int64)
    if sequence.unsorted_indices is not None:
        padded = ops.index_select(padded, 1, sequence.unsorted_indices)
        lengths = lengths[sequence.unsorted_indices.cpu().numpy()]
    if batch_first:
        padded = padded.transpose(0, 1)
    return padded, as_tensor(lengths)


def pack_sequence(sequences, enforce_sorted=True):
    """pack_padded_sequence(pad_sequence(sequences), their lengths)."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    """The list of (Lᵢ, *) tensors that pack_sequence packed."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return [padded[i, :n] for i, n in enumerate(lengths.tolist())]
