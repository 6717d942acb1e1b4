"""The DataLoader: a dataset, a sampler and a collate function, iterated as batches.

For a map-style dataset one epoch is

    for indices in batch_sampler:                 # lists of batch_size indices
        yield collate_fn([dataset[i] for i in indices])

where `batch_sampler` is `BatchSampler(sampler, batch_size, drop_last)` and `sampler` is
`RandomSampler(dataset, generator=generator)` when `shuffle=True`, else
`SequentialSampler(dataset)`. With `batch_size=None` there is no batching: each
`dataset[i]` passes through `collate_fn` (default: `default_convert`) on its own. For an
`IterableDataset`, the loader groups what the stream yields into batches of `batch_size`.

Every sample is loaded in this process. `num_workers` is accepted for PyTorch compatibility,
but the loader does not start worker processes: `num_workers > 0` loads the same batches, in
the same order, in this process.
`pin_memory`, `timeout`, `worker_init_fn`, `multiprocessing_context`, `prefetch_factor` and
`persistent_workers` are checked as PyTorch checks them and otherwise have no effect.
"""
from .collate import default_collate, default_convert
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler


def get_worker_info():
    """The current DataLoader worker's id, num_workers, seed and dataset, or None in the main
    process. mytorch's DataLoader loads every sample in the calling process, so this is always
    None (a dataset that splits its stream by worker then yields all of it, as with
    num_workers=0 in PyTorch)."""
    return None


class DataLoader:
    """Batches of `dataset`: `batch_size` samples each (the last one shorter unless
    `drop_last=True`), in order or shuffled, collated by `collate_fn` (`default_collate`).

    `sampler` (indices) or `batch_sampler` (lists of indices) replace the default order;
    `generator` drives the shuffle (default: mytorch's default generator, so
    `mytorch.manual_seed` makes the order reproducible). `len(loader)` is the number of
    batches per epoch.
    """

    _frozen = ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset",
               "persistent_workers")

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor=None, persistent_workers=False):
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to "
                             "disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in multiprocessing."
                             "let num_workers > 0 to enable multiprocessing, otherwise set "
                             "prefetch_factor to None.")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")

        iterable = isinstance(dataset, IterableDataset)
        if iterable:
            for name, value in (("shuffle", shuffle), ("sampler", sampler),
                                ("batch_sampler", batch_sampler)):
                if value not in (None, False):
                    raise ValueError(f"DataLoader with IterableDataset: expected unspecified "
                                     f"{name} option, but got {name}={value}")
        shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, "
                                 "shuffle, sampler, and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually "
                             "exclusive with drop_last")

        if sampler is None and not iterable:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else \
                SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None and not iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        if batch_size is not None and iterable:
            BatchSampler([], batch_size, drop_last)          # the same checks of both values

        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.num_workers = num_workers
        self.collate_fn = collate_fn if collate_fn is not None else (
            default_collate if self._auto_collation else default_convert)
        self.pin_memory = pin_memory
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.generator = generator
        self.prefetch_factor = prefetch_factor
        self.persistent_workers = persistent_workers
        self._initialized = True

    def __setattr__(self, name, value):
        if getattr(self, "_initialized", False) and name in self._frozen:
            raise ValueError(f"{name} attribute should not be set after "
                             f"{type(self).__name__} is initialized")
        super().__setattr__(name, value)

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None or (
            isinstance(self.dataset, IterableDataset) and self.batch_size is not None)

    def __iter__(self):
        if isinstance(self.dataset, IterableDataset):
            return self._iter_stream()
        if self._auto_collation:
            return (self.collate_fn([self.dataset[i] for i in indices])
                    for indices in self.batch_sampler)
        return (self.collate_fn(self.dataset[i]) for i in self.sampler)

    def _iter_stream(self):
        if self.batch_size is None:
            for sample in self.dataset:
                yield self.collate_fn(sample)
            return
        batch = []
        for sample in self.dataset:
            batch.append(sample)
            if len(batch) == self.batch_size:
                yield self.collate_fn(batch)
                batch = []
        if batch and not self.drop_last:
            yield self.collate_fn(batch)

    def __len__(self):
        if isinstance(self.dataset, IterableDataset):
            n = len(self.dataset)          # a TypeError for streams without a length, as PyTorch
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
        if self._auto_collation:
            return len(self.batch_sampler)
        return len(self.sampler)
