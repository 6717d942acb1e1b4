"""Collation: how a list of samples becomes one batch.

`default_collate(samples)` turns a list of `batch_size` samples into one batch with the
samples' structure, looking at the first sample to decide, as PyTorch does:

    tensors                      -> stacked along a new first dimension: (B, *shape)
    NumPy arrays                 -> made tensors, then stacked
    NumPy scalars                -> a tensor of their dtype, shape (B,)
    Python floats / ints / bools -> a float64 / int64 / bool tensor of shape (B,)
    strings, bytes               -> left as a list
    dicts (Mappings)             -> the same kind of dict, each key collated on its own
    namedtuples                  -> the same namedtuple, each field collated
    tuples, lists (Sequences)    -> transposed, each position collated: a list (tuples become
                                    lists, as in PyTorch; other sequences keep their type)

So `[(x0, 0), (x1, 1)]` becomes `[stack([x0, x1]), tensor([0, 1])]`.

The rules are a table, `default_collate_fn_map` (type -> function), consulted by `collate`
before the container rules; pass your own table to `collate(batch, collate_fn_map=...)` to
teach it new leaf types. `default_convert` is the batch-free counterpart (used when
`batch_size=None`): arrays and NumPy scalars become tensors, everything else keeps its form.
"""
import collections.abc
import copy

import numpy as np

from ...factories import as_tensor, tensor
from ...dtypes import float64
from ...ops import stack
from ...tensor import Tensor

_ERROR = ("default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
          "found {}")


def _is_namedtuple(x):
    return isinstance(x, tuple) and hasattr(x, "_fields")


def _array_is_numeric(a):
    return a.dtype.char not in "SaUO"        # strings and objects have no tensor form


def default_convert(data):
    """NumPy arrays and scalars in `data` as tensors, recursing into dicts and sequences;
    anything else (tensors, numbers, strings) is returned as it is."""
    if isinstance(data, Tensor):
        return data
    if isinstance(data, (np.ndarray, np.bool_, np.number)):
        if isinstance(data, np.ndarray) and not _array_is_numeric(data):
            return data
        return as_tensor(np.asarray(data))
    if isinstance(data, collections.abc.Mapping):
        converted = {key: default_convert(data[key]) for key in data}
        if isinstance(data, collections.abc.MutableMapping):
            clone = copy.copy(data)
            clone.update(converted)
            return clone
        try:
            return type(data)(converted)
        except TypeError:
            return converted
    if _is_namedtuple(data):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        items = [default_convert(d) for d in data]
        if isinstance(data, collections.abc.MutableSequence):
            clone = copy.copy(data)
            clone[:] = items
            return clone
        try:
            return type(data)(items)
        except TypeError:
            return items
    return data


# ---- the leaf rules ---------------------------------------------------------------------

def collate_tensor_fn(batch, *, collate_fn_map=None):
    return stack(batch, 0)


def collate_numpy_array_fn(batch, *, collate_fn_map=None):
    if not _array_is_numeric(batch[0]):
        raise TypeError(_ERROR.format(batch[0].dtype))
    return stack([as_tensor(b) for b in batch], 0)


def collate_numpy_scalar_fn(batch, *, collate_fn_map=None):
    return as_tensor(np.asarray(batch))


def collate_float_fn(batch, *, collate_fn_map=None):
    return tensor(batch, dtype=float64)


def collate_int_fn(batch, *, collate_fn_map=None):
    return tensor(batch)               # int64, or bool when every value is a bool


def collate_str_fn(batch, *, collate_fn_map=None):
    return batch


default_collate_fn_map = {
    Tensor: collate_tensor_fn,
    np.ndarray: collate_numpy_array_fn,
    (np.bool_, np.number): collate_numpy_scalar_fn,
    float: collate_float_fn,
    int: collate_int_fn,             # bool is an int: a batch of bools becomes a bool tensor
    str: collate_str_fn,
    bytes: collate_str_fn,
}


def collate(batch, *, collate_fn_map=None):
    """Collate `batch` (a list of samples with the same structure) with the leaf rules of
    `collate_fn_map` (exact type first, then isinstance, in table order), then the container
    rules: mappings by key, namedtuples by field, sequences by position."""
    elem = batch[0]
    elem_type = type(elem)
    if collate_fn_map is not None:
        if elem_type in collate_fn_map:
            return collate_fn_map[elem_type](batch, collate_fn_map=collate_fn_map)
        for kind, fn in collate_fn_map.items():
            if isinstance(elem, kind):
                return fn(batch, collate_fn_map=collate_fn_map)
    if isinstance(elem, collections.abc.Mapping):
        collated = {key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map)
                    for key in elem}
        if isinstance(elem, collections.abc.MutableMapping):
            clone = copy.copy(elem)
            clone.update(collated)
            return clone
        try:
            return elem_type(collated)
        except TypeError:
            return collated
    if _is_namedtuple(elem):
        return elem_type(*(collate(list(samples), collate_fn_map=collate_fn_map)
                           for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if any(len(sample) != size for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        columns = [collate(list(samples), collate_fn_map=collate_fn_map)
                   for samples in zip(*batch)]
        if isinstance(elem, tuple):
            return columns
        if isinstance(elem, collections.abc.MutableSequence):
            clone = copy.copy(elem)
            clone[:] = columns
            return clone
        try:
            return elem_type(columns)
        except TypeError:
            return columns
    raise TypeError(_ERROR.format(elem_type))


def default_collate(batch):
    """PyTorch's default collation of a list of samples into a batch (see the module text)."""
    return collate(batch, collate_fn_map=default_collate_fn_map)
