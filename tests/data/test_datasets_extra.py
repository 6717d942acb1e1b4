"""StackDataset, ChainDataset, `+` on datasets and get_worker_info."""
import pytest

import mytorch as mt
from mytorch.utils.data import (ChainDataset, ConcatDataset, DataLoader, Dataset, IterableDataset,
                                StackDataset, TensorDataset, get_worker_info)


class Squares(Dataset):
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return i * i


class Count(IterableDataset):
    def __init__(self, start, stop):
        self.start, self.stop = start, stop

    def __iter__(self):
        return iter(range(self.start, self.stop))

    def __len__(self):
        return self.stop - self.start


class Stream(IterableDataset):
    """A stream without a length."""
    def __iter__(self):
        yield from "ab"


def test_stack_dataset_tuple_form(device):
    x = mt.arange(6.0, device=device).reshape(3, 2)
    ds = StackDataset(TensorDataset(x), Squares(3))
    assert len(ds) == 3
    (row,), square = ds[2]
    assert row.tolist() == [4.0, 5.0] and square == 4
    assert isinstance(ds.datasets, tuple)


def test_stack_dataset_dict_form_batches_as_dicts():
    ds = StackDataset(a=Squares(4), b=Squares(4))
    assert ds[3] == {"a": 9, "b": 9} and len(ds) == 4
    batch, = list(DataLoader(ds, batch_size=4))
    assert set(batch) == {"a", "b"} and batch["a"].tolist() == [0, 1, 4, 9]


def test_stack_dataset_size_mismatch():
    with pytest.raises(ValueError, match=r"Size mismatch between datasets: lengths are \[3, 4\]"):
        StackDataset(Squares(3), Squares(4))
    with pytest.raises(ValueError, match="Size mismatch between datasets"):
        StackDataset(x=Squares(3), y=Squares(2))


def test_stack_dataset_needs_one_form_and_a_dataset():
    with pytest.raises(ValueError, match="but both types are given"):
        StackDataset(Squares(2), y=Squares(2))
    with pytest.raises(ValueError, match="At least one dataset should be passed"):
        StackDataset()


def test_chain_dataset_streams_in_order():
    ds = ChainDataset([Count(0, 3), Count(10, 12)])
    assert list(ds) == [0, 1, 2, 10, 11] and len(ds) == 5
    assert [b.tolist() for b in DataLoader(ds, batch_size=2)] == [[0, 1], [2, 10], [11]]


def test_chain_dataset_is_lazy():
    """Each epoch iterates the parts afresh: nothing was loaded ahead."""
    parts = [Count(0, 2), Count(5, 6)]
    ds = ChainDataset(parts)
    parts[1].stop = 7
    assert list(iter(ds)) == [0, 1, 5, 6] and list(iter(ds)) == [0, 1, 5, 6]


def test_chain_dataset_rejects_map_style_datasets():
    ds = ChainDataset([Count(0, 2), Squares(2)])
    with pytest.raises(AssertionError, match="ChainDataset only supports IterableDataset, got "
                                             "Squares"):
        list(ds)
    with pytest.raises(AssertionError, match="only supports IterableDataset"):
        len(ds)


def test_chain_dataset_length_needs_lengths():
    with pytest.raises(TypeError):
        len(ChainDataset([Count(0, 2), Stream()]))


def test_adding_datasets():
    both = Squares(2) + Squares(3)
    assert isinstance(both, ConcatDataset) and [both[i] for i in range(5)] == [0, 1, 0, 1, 4]
    stream = Count(0, 2) + Stream()
    assert isinstance(stream, ChainDataset) and list(stream) == [0, 1, "a", "b"]
    assert list(Count(0, 1) + Count(5, 6) + Count(7, 8)) == [0, 5, 7]


def test_get_worker_info_is_none_in_the_loader():
    class Probe(Dataset):
        def __len__(self):
            return 2

        def __getitem__(self, i):
            return get_worker_info() is None

    assert get_worker_info() is None
    for workers in (0, 2):
        assert all(b.item() for b in DataLoader(Probe(), num_workers=workers))
