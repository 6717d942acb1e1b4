"""default_collate and default_convert: PyTorch's rules for turning samples into a batch."""
import collections

import numpy as np
import pytest

import mytorch as mt
from mytorch.utils.data import collate, default_collate, default_collate_fn_map, default_convert

Point = collections.namedtuple("Point", "x y")


def test_tensors_are_stacked(device):
    batch = default_collate([mt.full((2, 3), float(i), device=device) for i in range(4)])
    assert batch.shape == (4, 2, 3) and batch.device == mt.device(device)
    assert batch[:, 0, 0].tolist() == [0.0, 1.0, 2.0, 3.0]
    scalars = default_collate([mt.tensor(1), mt.tensor(2)])
    assert scalars.shape == (2,) and scalars.dtype == mt.int64


def test_tensors_of_different_shapes_raise():
    with pytest.raises(RuntimeError, match="stack expects each tensor to be equal size"):
        default_collate([mt.zeros(2), mt.zeros(3)])


def test_numpy_arrays_and_scalars_become_tensors():
    batch = default_collate([np.ones((2, 2), np.float64), np.zeros((2, 2), np.float64)])
    assert isinstance(batch, mt.Tensor) and batch.shape == (2, 2, 2) and batch.dtype == mt.float64
    s = default_collate([np.float32(1.5), np.float32(2.5)])
    assert s.dtype == mt.float32 and s.tolist() == [1.5, 2.5]
    assert default_collate([np.int32(1), np.int32(2)]).dtype == mt.int32
    assert default_collate([np.bool_(True), np.bool_(False)]).dtype == mt.bool
    with pytest.raises(TypeError, match="default_collate: batch must contain tensors, numpy "
                                        "arrays, numbers, dicts or lists; found <U1"):
        default_collate([np.array(["a"]), np.array(["b"])])


def test_python_numbers():
    f = default_collate([1.0, 2.5])
    assert f.dtype == mt.float64 and f.tolist() == [1.0, 2.5]
    i = default_collate([1, 2, 3])
    assert i.dtype == mt.int64 and i.tolist() == [1, 2, 3]
    b = default_collate([True, False])
    assert b.dtype == mt.bool and b.tolist() == [True, False]


def test_strings_stay_lists():
    assert default_collate(["a", "bc"]) == ["a", "bc"]
    assert default_collate([b"x", b"y"]) == [b"x", b"y"]


def test_tuples_are_transposed_into_lists():
    batch = default_collate([(mt.zeros(2), 0, "a"), (mt.ones(2), 1, "b")])
    assert isinstance(batch, list) and len(batch) == 3
    assert batch[0].shape == (2, 2) and batch[1].tolist() == [0, 1] and batch[2] == ["a", "b"]
    lists = default_collate([[1, 2.0], [3, 4.0]])
    assert lists[0].tolist() == [1, 3] and lists[1].dtype == mt.float64
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal "
                                           "size"):
        default_collate([[1, 2], [3]])


def test_dicts_by_key_and_nested():
    batch = default_collate([{"x": mt.zeros(3), "meta": {"id": 1, "name": "a"}},
                             {"x": mt.ones(3), "meta": {"id": 2, "name": "b"}}])
    assert list(batch) == ["x", "meta"] and batch["x"].shape == (2, 3)
    assert batch["meta"]["id"].tolist() == [1, 2] and batch["meta"]["name"] == ["a", "b"]
    ordered = default_collate([collections.OrderedDict(a=1), collections.OrderedDict(a=2)])
    assert isinstance(ordered, collections.OrderedDict) and ordered["a"].tolist() == [1, 2]


def test_namedtuples_are_preserved():
    batch = default_collate([Point(1.0, mt.zeros(2)), Point(2.0, mt.ones(2))])
    assert isinstance(batch, Point)
    assert batch.x.tolist() == [1.0, 2.0] and batch.y.shape == (2, 2)


def test_unknown_types_raise():
    with pytest.raises(TypeError, match="default_collate: batch must contain tensors, numpy "
                                        "arrays, numbers, dicts or lists; found <class 'object'>"):
        default_collate([object(), object()])


def test_collate_with_an_extended_table():
    class Box:
        def __init__(self, v):
            self.v = v
    table = dict(default_collate_fn_map)
    table[Box] = lambda batch, *, collate_fn_map=None: sum(b.v for b in batch)
    assert collate([(Box(1), 2), (Box(3), 4)], collate_fn_map=table)[0] == 4


def test_default_convert():
    t = mt.zeros(2)
    assert default_convert(t) is t
    a = default_convert(np.arange(3, dtype=np.int16))
    assert isinstance(a, mt.Tensor) and a.dtype == mt.int16
    assert default_convert(np.float64(2.0)).dtype == mt.float64
    strings = np.array(["a", "b"])
    assert default_convert(strings) is strings
    out = default_convert({"a": np.zeros(2), "b": (np.ones(1), 3), "c": Point(np.zeros(1), "s")})
    assert isinstance(out["a"], mt.Tensor)
    assert isinstance(out["b"], list) and isinstance(out["b"][0], mt.Tensor) and out["b"][1] == 3
    assert isinstance(out["c"], Point) and isinstance(out["c"].x, mt.Tensor) and out["c"].y == "s"
    assert default_convert([1, "x"]) == [1, "x"] and default_convert(2.5) == 2.5
