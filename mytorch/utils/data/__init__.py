"""The data pipeline, as `torch.utils.data`: datasets, samplers, collation, the DataLoader.

    dataset  -- what the samples are: `Dataset` (map-style: `len` and `dataset[i]`),
                `IterableDataset` (a stream), `TensorDataset`, `StackDataset`, `ConcatDataset`,
                `ChainDataset` (streams end to end), `Subset`, `random_split`
    sampler  -- in which order to visit them: `SequentialSampler`, `RandomSampler`,
                `SubsetRandomSampler`, `WeightedRandomSampler`, and `BatchSampler`, which groups
                indices into batches
    collate  -- how a list of samples becomes one batch: `default_collate` (stack tensors,
                arrays and numbers; recurse into tuples, lists and dicts), `default_convert`
    dataloader -- `DataLoader`, which ties the three together; `get_worker_info` (always None:
                there are no worker processes)

    loader = DataLoader(TensorDataset(x, y), batch_size=64, shuffle=True)
    for xb, yb in loader: ...

Everything runs in the calling process: there are no worker processes (see `DataLoader`).
Random orders come from mytorch's generators (`mytorch.manual_seed`, `generator=`), never from
NumPy's global random state, so an epoch's order is reproducible.
"""
from .dataset import (Dataset, IterableDataset, TensorDataset, StackDataset, ConcatDataset,
                      ChainDataset, Subset, random_split)
from .sampler import (Sampler, SequentialSampler, RandomSampler, SubsetRandomSampler,
                      WeightedRandomSampler, BatchSampler)
from .collate import collate, default_collate, default_convert, default_collate_fn_map
from .dataloader import DataLoader, get_worker_info

__all__ = ["Dataset", "IterableDataset", "TensorDataset", "StackDataset", "ConcatDataset",
           "ChainDataset", "Subset",
           "random_split", "Sampler", "SequentialSampler", "RandomSampler",
           "SubsetRandomSampler", "WeightedRandomSampler", "BatchSampler", "collate",
           "default_collate", "default_convert", "default_collate_fn_map", "DataLoader",
           "get_worker_info"]
