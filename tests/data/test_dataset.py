"""Datasets: TensorDataset, Subset, ConcatDataset, random_split and their errors."""
import pytest

import mytorch as mt
from mytorch.utils.data import (ConcatDataset, Dataset, IterableDataset, Subset, TensorDataset,
                                random_split)


class Squares(Dataset):
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return i * i


def test_tensor_dataset_indexes_every_tensor(device):
    x = mt.arange(12.0, device=device).reshape(6, 2)
    y = mt.arange(6, device=device)
    ds = TensorDataset(x, y)
    assert len(ds) == 6
    xi, yi = ds[4]
    assert xi.tolist() == [8.0, 9.0] and yi.item() == 4 and xi.device == mt.device(device)
    xs, ys = ds[1:3]
    assert xs.shape == (2, 2) and ys.tolist() == [1, 2]
    assert ds.tensors == (x, y)


def test_tensor_dataset_size_mismatch():
    with pytest.raises(ValueError, match=r"Size mismatch between tensors: first dimensions are "
                                         r"\[3, 4\]"):
        TensorDataset(mt.zeros(3, 2), mt.zeros(4))
    with pytest.raises(TypeError, match="TensorDataset expects tensors, got list at position 1"):
        TensorDataset(mt.zeros(3), [1, 2, 3])
    with pytest.raises(ValueError, match="0-d tensor at position 0"):
        TensorDataset(mt.tensor(1.0))


def test_dataset_base_needs_getitem_and_add_concatenates():
    with pytest.raises(NotImplementedError, match="Dataset must define __getitem__"):
        Dataset()[0]
    with pytest.raises(NotImplementedError, match="must define __iter__"):
        iter(IterableDataset())
    both = Squares(3) + Squares(2)
    assert isinstance(both, ConcatDataset)
    assert [both[i] for i in range(len(both))] == [0, 1, 4, 0, 1]


def test_concat_dataset():
    ds = ConcatDataset([Squares(2), Squares(0), Squares(3)])
    assert len(ds) == 5 and ds.cumulative_sizes == [2, 2, 5]
    assert [ds[i] for i in range(5)] == [0, 1, 0, 1, 4]
    assert ds[-1] == 4 and ds[-5] == 0
    with pytest.raises(ValueError, match="absolute value of index should not exceed dataset "
                                         "length"):
        ds[-6]
    with pytest.raises(IndexError, match="index 5 is out of range for a ConcatDataset of length 5"):
        ds[5]
    with pytest.raises(ValueError, match="datasets should not be an empty iterable"):
        ConcatDataset([])
    with pytest.raises(TypeError, match="ConcatDataset does not support IterableDataset"):
        ConcatDataset([Squares(1), IterableDataset()])


def test_subset():
    sub = Subset(Squares(10), [9, 2, 5])
    assert len(sub) == 3 and sub[0] == 81 and sub[-1] == 25
    data = TensorDataset(mt.arange(10))
    assert Subset(data, [3, 1])[[0, 1]][0].tolist() == [3, 1]


def test_random_split_lengths_are_a_partition():
    parts = random_split(Squares(10), [3, 7], generator=mt.Generator().manual_seed(1))
    assert [len(p) for p in parts] == [3, 7]
    assert sorted(parts[0].indices + parts[1].indices) == list(range(10))
    again = random_split(Squares(10), [3, 7], generator=mt.Generator().manual_seed(1))
    assert again[0].indices == parts[0].indices
    other = random_split(Squares(10), [3, 7], generator=mt.Generator().manual_seed(2))
    assert other[0].indices + other[1].indices != parts[0].indices + parts[1].indices


def test_random_split_default_generator_follows_manual_seed():
    mt.manual_seed(5)
    a = random_split(range(8), [4, 4])
    mt.manual_seed(5)
    b = random_split(range(8), [4, 4])
    assert a[0].indices == b[0].indices


@pytest.mark.parametrize("n, fractions, sizes", [
    (10, [0.3, 0.7], [3, 7]),
    (5, [0.5, 0.5], [3, 2]),                 # remainder dealt round-robin from the first
    (11, [0.1, 0.1, 0.8], [2, 1, 8]),        # floors 1, 1, 8 -> 10; one left over goes first
    (7, [1 / 3, 1 / 3, 1 / 3], [3, 2, 2]),
])
def test_random_split_fractions_round_as_pytorch(n, fractions, sizes):
    parts = random_split(range(n), fractions, generator=mt.Generator())
    assert [len(p) for p in parts] == sizes
    assert sorted(i for p in parts for i in p.indices) == list(range(n))


def test_random_split_errors_and_empty_split_warning():
    with pytest.raises(ValueError, match="Sum of input lengths does not equal the length of the "
                                         r"input dataset! \(lengths sum to 9"):
        random_split(range(10), [4, 5])
    with pytest.raises(ValueError, match="Fraction at index 1 is not between 0 and 1"):
        random_split(range(10), [0.5, 1.2, -0.7])
    with pytest.raises(ValueError, match="lengths must be non-negative integers or fractions"):
        random_split(range(10), [2.5, 7.5])
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        parts = random_split(range(2), [0.9, 0.1])
    assert [len(p) for p in parts] == [2, 0]
