"""Samplers and the DataLoader: orders, batching, reproducibility, lengths and errors."""
import pytest

import mytorch as mt
from mytorch.utils.data import (BatchSampler, DataLoader, IterableDataset, RandomSampler,
                                SequentialSampler, SubsetRandomSampler, TensorDataset,
                                WeightedRandomSampler, default_collate)


class Stream(IterableDataset):
    def __init__(self, n, with_len=True):
        self.n = n
        self.with_len = with_len

    def __iter__(self):
        return iter(range(self.n))

    def __len__(self):
        if not self.with_len:
            raise TypeError("Stream has no len()")
        return self.n


def test_sequential_sampler():
    assert list(SequentialSampler(range(4))) == [0, 1, 2, 3]
    assert len(SequentialSampler(range(4))) == 4


def test_random_sampler_is_a_permutation_reproducible_by_generator():
    g = mt.Generator().manual_seed(3)
    first = list(RandomSampler(range(20), generator=g))
    assert sorted(first) == list(range(20)) and first != list(range(20))
    second = list(RandomSampler(range(20), generator=g))        # the stream moves on
    assert first != second
    assert list(RandomSampler(range(20), generator=mt.Generator().manual_seed(3))) == first


def test_random_sampler_default_generator_follows_manual_seed():
    mt.manual_seed(11)
    a = list(RandomSampler(range(30)))
    b = list(RandomSampler(range(30)))
    mt.manual_seed(11)
    assert list(RandomSampler(range(30))) == a and list(RandomSampler(range(30))) == b
    assert a != b


def test_random_sampler_num_samples_and_replacement():
    s = RandomSampler(range(4), num_samples=10)
    drawn = list(s)
    assert len(s) == 10 and len(drawn) == 10
    assert sorted(drawn[:4]) == sorted(drawn[4:8]) == [0, 1, 2, 3]   # whole permutations first
    assert len(set(drawn[8:])) == 2
    r = RandomSampler(range(3), replacement=True, num_samples=200)
    drawn = list(r)
    assert len(drawn) == 200 and set(drawn) == {0, 1, 2}
    assert all(isinstance(i, int) for i in drawn)


def test_random_sampler_errors():
    with pytest.raises(TypeError, match="replacement should be a boolean value, but got "
                                        "replacement=1"):
        RandomSampler(range(3), replacement=1)
    with pytest.raises(ValueError, match="num_samples should be a positive integer value, but "
                                         "got num_samples=0"):
        RandomSampler(range(0))
    with pytest.raises(ValueError, match="num_samples=-2"):
        RandomSampler(range(3), num_samples=-2)


def test_subset_random_sampler():
    s = SubsetRandomSampler([10, 20, 30, 40], generator=mt.Generator().manual_seed(0))
    drawn = list(s)
    assert sorted(drawn) == [10, 20, 30, 40] and len(s) == 4


def test_weighted_random_sampler():
    s = WeightedRandomSampler([0.0, 1.0, 3.0], num_samples=400,
                              generator=mt.Generator().manual_seed(0))
    drawn = list(s)
    assert len(drawn) == 400 and 0 not in drawn
    assert 0.65 < drawn.count(2) / 400 < 0.85
    assert sorted(WeightedRandomSampler([1, 1, 1], 3, replacement=False)) == [0, 1, 2]
    with pytest.raises(ValueError, match="num_samples should be a positive integer value"):
        WeightedRandomSampler([1.0], 0)
    with pytest.raises(ValueError, match="replacement should be a boolean value"):
        WeightedRandomSampler([1.0], 1, replacement="yes")
    with pytest.raises(ValueError, match=r"weights should be a 1d sequence but given weights "
                                         r"have shape \(1, 2\)"):
        WeightedRandomSampler([[1.0, 2.0]], 1)


def test_batch_sampler():
    seq = SequentialSampler(range(7))
    assert list(BatchSampler(seq, 3, False)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(BatchSampler(seq, 3, True)) == [[0, 1, 2], [3, 4, 5]]
    assert len(BatchSampler(seq, 3, False)) == 3 and len(BatchSampler(seq, 3, True)) == 2
    with pytest.raises(ValueError, match="batch_size should be a positive integer value, but "
                                         "got batch_size=0"):
        BatchSampler(seq, 0, False)
    with pytest.raises(ValueError, match="batch_size=True"):
        BatchSampler(seq, True, False)
    with pytest.raises(ValueError, match="drop_last should be a boolean value, but got "
                                         "drop_last=None"):
        BatchSampler(seq, 2, None)


def _dataset(n=10, device="cpu"):
    return TensorDataset(mt.arange(2.0 * n, device=device).reshape(n, 2),
                         mt.arange(n, device=device))


def test_loader_batches_in_order(device):
    loader = DataLoader(_dataset(10, device), batch_size=4)
    batches = list(loader)
    assert len(loader) == 3 and len(batches) == 3
    assert [tuple(x.shape) for x, _ in batches] == [(4, 2), (4, 2), (2, 2)]
    assert [y.tolist() for _, y in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert batches[0][0].device == mt.device(device) and batches[0][1].dtype == mt.int64


def test_loader_shuffle_covers_each_index_once_per_epoch():
    loader = DataLoader(_dataset(23), batch_size=5, shuffle=True)
    epochs = []
    for _ in range(3):
        seen = [i for _, y in loader for i in y.tolist()]
        assert sorted(seen) == list(range(23))
        epochs.append(seen)
    assert epochs[0] != epochs[1] != epochs[2]


def test_loader_shuffle_reproducible_with_manual_seed_and_generator():
    def order(**kw):
        return [i for _, y in DataLoader(_dataset(16), batch_size=4, shuffle=True, **kw)
                for i in y.tolist()]
    mt.manual_seed(7)
    a = order()
    mt.manual_seed(7)
    assert order() == a
    g1, g2 = mt.Generator().manual_seed(9), mt.Generator().manual_seed(9)
    assert order(generator=g1) == order(generator=g2)


def test_loader_drop_last_and_len():
    loader = DataLoader(_dataset(10), batch_size=4, drop_last=True)
    assert len(loader) == 2 and [len(y) for _, y in loader] == [4, 4]
    assert len(DataLoader(_dataset(10), batch_size=5, drop_last=True)) == 2
    assert len(DataLoader(_dataset(10))) == 10


def test_loader_batch_size_none_converts_single_samples():
    loader = DataLoader(_dataset(3), batch_size=None)
    items = list(loader)
    assert len(loader) == 3 and len(items) == 3
    x, y = items[1]                       # tuples become lists, as default_convert does
    assert x.tolist() == [2.0, 3.0] and y.item() == 1


def test_loader_custom_sampler_batch_sampler_and_collate():
    ds = _dataset(6)
    loader = DataLoader(ds, batch_size=2, sampler=[5, 4, 3, 2, 1, 0])
    assert [y.tolist() for _, y in loader] == [[5, 4], [3, 2], [1, 0]]
    loader = DataLoader(ds, batch_sampler=[[0], [1, 2, 3], [4, 5]])
    assert [len(y) for _, y in loader] == [1, 3, 2] and len(loader) == 3
    loader = DataLoader(ds, batch_size=3, collate_fn=lambda batch: len(batch))
    assert list(loader) == [3, 3]
    assert DataLoader(ds).collate_fn is default_collate


def test_loader_iterable_dataset():
    loader = DataLoader(Stream(7), batch_size=3)
    assert [b.tolist() for b in loader] == [[0, 1, 2], [3, 4, 5], [6]] and len(loader) == 3
    loader = DataLoader(Stream(7), batch_size=3, drop_last=True)
    assert [b.tolist() for b in loader] == [[0, 1, 2], [3, 4, 5]] and len(loader) == 2
    assert list(DataLoader(Stream(3), batch_size=None)) == [0, 1, 2]
    with pytest.raises(TypeError, match="Stream has no len"):
        len(DataLoader(Stream(3, with_len=False)))


def test_loader_num_workers_runs_in_process():
    a = [y.tolist() for _, y in DataLoader(_dataset(9), batch_size=4, num_workers=4)]
    b = [y.tolist() for _, y in DataLoader(_dataset(9), batch_size=4)]
    assert a == b
    with pytest.raises(ValueError, match="num_workers option should be non-negative"):
        DataLoader(_dataset(), num_workers=-1)


def test_loader_option_errors():
    ds = _dataset()
    with pytest.raises(ValueError, match="sampler option is mutually exclusive with shuffle"):
        DataLoader(ds, shuffle=True, sampler=SequentialSampler(ds))
    with pytest.raises(ValueError, match="batch_sampler option is mutually exclusive with "
                                         "batch_size, shuffle, sampler, and drop_last"):
        DataLoader(ds, batch_size=4, batch_sampler=[[0, 1]])
    with pytest.raises(ValueError, match="batch_sampler option is mutually exclusive"):
        DataLoader(ds, shuffle=True, batch_sampler=[[0, 1]])
    with pytest.raises(ValueError, match="batch_size=None option disables auto-batching and is "
                                         "mutually exclusive with drop_last"):
        DataLoader(ds, batch_size=None, drop_last=True)
    with pytest.raises(ValueError, match="batch_size should be a positive integer value"):
        DataLoader(ds, batch_size=0)
    with pytest.raises(ValueError, match="timeout option should be non-negative"):
        DataLoader(ds, timeout=-1)
    with pytest.raises(ValueError, match="prefetch_factor option could only be specified in "
                                         "multiprocessing"):
        DataLoader(ds, prefetch_factor=2)
    with pytest.raises(ValueError, match="persistent_workers option needs num_workers > 0"):
        DataLoader(ds, persistent_workers=True)
    for name, value in (("shuffle", True), ("sampler", [0]), ("batch_sampler", [[0]])):
        with pytest.raises(ValueError, match=f"DataLoader with IterableDataset: expected "
                                             f"unspecified {name} option"):
            DataLoader(Stream(3), **{name: value})


def test_loader_attributes_are_frozen_after_init():
    loader = DataLoader(_dataset(), batch_size=2)
    with pytest.raises(ValueError, match="batch_size attribute should not be set after "
                                         "DataLoader is initialized"):
        loader.batch_size = 3
    loader.collate_fn = default_collate          # the others may change, as in PyTorch
