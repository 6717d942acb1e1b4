"""mytorch.save / mytorch.load: exact round trips, the file format, safety, atomicity, errors."""
import collections
import io
import json
import os
import pickle
import zipfile

import numpy as np
import pytest

import mytorch as mt
from mytorch.serialization import SerializationError

UNPICKLED = []


def _mark_unpickled():
    UNPICKLED.append(True)


class Payload:
    """Pickles to a call of _mark_unpickled: if loading ever unpickled it, we would know."""

    def __reduce__(self):
        return (_mark_unpickled, ())


def host(t):
    return t.detach().cpu().numpy()


def same_bits(a, b):
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def rewrite(path, change):
    """Rewrite the archive at `path`, passing its description through `change`."""
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    description = json.loads(members["mytorch.json"])
    members["mytorch.json"] = json.dumps(change(description) or description).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)


DTYPES = [mt.float16, mt.float32, mt.float64, mt.uint8, mt.int8, mt.int16, mt.int32, mt.int64,
          mt.bool]


def test_tensors_round_trip_bitwise(device, tmp_path):
    rng = np.random.default_rng(0)
    tensors = {}
    for d in DTYPES:
        values = rng.standard_normal((3, 4)) * 100
        tensors[d.name] = mt.tensor(values.astype(d.np), device=device)
    tensors["special"] = mt.tensor([np.nan, -0.0, np.inf, -np.inf, 1e-45, 3.4e38],
                                   dtype=mt.float32, device=device)
    tensors["scalar"] = mt.tensor(2.5, dtype=mt.float64, device=device)
    tensors["empty"] = mt.zeros(0, 3, device=device)
    tensors["grad"] = mt.randn(2, 2, device=device, requires_grad=True)
    mt.save(tensors, tmp_path / "t.mt")
    loaded = mt.load(tmp_path / "t.mt")
    assert list(loaded) == list(tensors)
    for key, t in tensors.items():
        out = loaded[key]
        assert isinstance(out, mt.Tensor) and out.device == mt.device(device), key
        assert out.dtype == t.dtype and out.shape == t.shape, key
        assert out.requires_grad == t.requires_grad and out.is_leaf, key
        assert same_bits(host(out), host(t)), key
    out = loaded["float32"]
    out.add_(1)                                  # a tensor of its own, usable as any other
    assert host(tensors["float32"]).tolist() != host(out).tolist()


def test_plain_values_round_trip_exactly(tmp_path):
    obj = {
        "none": None, "true": True, "int": 3, "big": 2 ** 70, "neg": -7, "float": 0.1,
        "tiny": 5e-324, "nan": float("nan"), "inf": float("-inf"), "minus0": -0.0,
        "text": "héllo ✓ \n \"quoted\"", "empty": "", "list": [1, [2, [3]]], "tuple": (1, (2.0,)),
        "empty_containers": ([], (), {}), "ordered": collections.OrderedDict([("b", 1), ("a", 2)]),
        "dtype": mt.float16, "device": mt.device("cpu"), "size": mt.Size([2, 3]),
    }
    mt.save(obj, tmp_path / "plain")
    out = mt.load(tmp_path / "plain")
    for key in obj:
        if key == "nan":
            assert out[key] != out[key]
            continue
        assert out[key] == obj[key] and type(out[key]) is type(obj[key]), key
    assert str(out["minus0"]) == "-0.0"
    assert out["tuple"] == (1, (2.0,)) and type(out["tuple"][1]) is tuple
    assert type(out["list"][1]) is list
    assert list(out["ordered"]) == ["b", "a"]
    assert out["dtype"] is mt.float16 and out["device"] is mt.device("cpu")


def test_dict_keys_keep_their_types(tmp_path):
    state = {"state": {0: {"step": 10, "exp_avg": mt.zeros(3)}, 1: {"step": 10}},
             "param_groups": [{"params": [0, 1], "lr": 1e-3, "betas": (0.9, 0.999)}]}
    odd = {None: 1, True: 2, 2.5: 3, "2": 4, 2: 5, -1: 6}
    mt.save({"opt": state, "odd": odd}, tmp_path / "keys")
    out = mt.load(tmp_path / "keys")
    assert list(out["opt"]["state"]) == [0, 1]
    assert all(type(k) is int for k in out["opt"]["state"])
    assert out["opt"]["param_groups"][0]["betas"] == (0.9, 0.999)
    assert list(out["odd"]) == list(odd)
    assert [type(k) for k in out["odd"]] == [type(k) for k in odd]
    assert out["odd"]["2"] == 4 and out["odd"][2] == 5


def test_numpy_arrays_and_scalars(tmp_path):
    arrays = {"f": np.arange(6, dtype=np.float64).reshape(2, 3).T,          # Fortran order
              "i": np.array([[1, 2]], np.int32), "b": np.array([True, False]),
              "u16": np.array([65535], np.uint16), "s": np.array(["ab", "c"]),
              "c": np.array([1 + 2j]), "zero_d": np.array(3.5)}
    scalars = {"f32": np.float32(1.25), "i64": np.int64(-3), "bool": np.bool_(True)}
    mt.save({"arrays": arrays, "scalars": scalars}, tmp_path / "np")
    out = mt.load(tmp_path / "np")
    for key, a in arrays.items():
        assert isinstance(out["arrays"][key], np.ndarray)
        assert same_bits(out["arrays"][key], a) or np.array_equal(out["arrays"][key], a), key
        assert out["arrays"][key].dtype == a.dtype and out["arrays"][key].shape == a.shape
    assert out["arrays"]["f"].tolist() == arrays["f"].tolist()
    for key, s in scalars.items():
        assert type(out["scalars"][key]) is type(s) and out["scalars"][key] == s, key


def test_views_are_saved_as_their_own_data(device, tmp_path):
    base = mt.arange(100.0, device=device)
    view = base[10:20:3]
    mt.save({"view": view, "t": base.reshape(10, 10).t()}, tmp_path / "v")
    with zipfile.ZipFile(tmp_path / "v") as zf:
        stored = {n: zf.getinfo(n).file_size for n in zf.namelist()}
    assert stored["arrays/0.npy"] < 200                  # 4 floats and a header, not 100 floats
    out = mt.load(tmp_path / "v")
    assert host(out["view"]).tolist() == [10.0, 13.0, 16.0, 19.0]
    assert same_bits(host(out["t"]), host(base.reshape(10, 10).t()).copy())


def test_the_same_tensor_twice_loads_as_one_tensor(tmp_path):
    w = mt.randn(3, 3)
    mt.save({"encoder.weight": w, "decoder.weight": w, "other": w.clone()}, tmp_path / "tied")
    out = mt.load(tmp_path / "tied")
    assert out["encoder.weight"] is out["decoder.weight"]
    assert out["other"] is not out["encoder.weight"]
    with zipfile.ZipFile(tmp_path / "tied") as zf:
        assert sorted(n for n in zf.namelist() if n.endswith(".npy")) == ["arrays/0.npy",
                                                                         "arrays/1.npy"]


def test_parameters_load_as_parameters(tmp_path):
    p, frozen = mt.nn.Parameter(mt.randn(3)), mt.nn.Parameter(mt.randn(2), requires_grad=False)
    mt.save({"p": p, "frozen": frozen, "plain": mt.ones(1), "again": p}, tmp_path / "p")
    out = mt.load(tmp_path / "p")
    assert type(out["p"]) is mt.nn.Parameter and out["p"].requires_grad
    assert type(out["frozen"]) is mt.nn.Parameter and not out["frozen"].requires_grad
    assert type(out["plain"]) is mt.Tensor and out["again"] is out["p"]
    assert out["p"].tolist() == p.tolist()


def test_a_non_leaf_loads_as_a_leaf_that_requires_grad(tmp_path):
    x = mt.randn(3, requires_grad=True)
    mt.save(x * 2, tmp_path / "y")
    y = mt.load(tmp_path / "y")
    assert y.requires_grad and y.is_leaf and y.grad_fn is None


def test_paths_and_file_objects(tmp_path):
    obj = {"w": mt.ones(2)}
    for target in (str(tmp_path / "no_extension"), tmp_path / "pathlib.ckpt"):
        mt.save(obj, target)
        assert os.path.exists(target) and not os.path.exists(str(target) + ".npz")
        assert mt.load(target)["w"].tolist() == [1.0, 1.0]
    assert sorted(os.listdir(tmp_path)) == ["no_extension", "pathlib.ckpt"]   # no temporaries
    buffer = io.BytesIO()
    mt.save(obj, buffer)
    buffer.seek(0)
    assert mt.load(buffer)["w"].tolist() == [1.0, 1.0]
    with open(tmp_path / "handle", "wb") as f:
        mt.save(obj, f)
    with open(tmp_path / "handle", "rb") as f:
        assert mt.load(f, weights_only=True)["w"].tolist() == [1.0, 1.0]

    class Stream(io.RawIOBase):                 # readable, not seekable: read into memory
        def __init__(self, data):
            self.inner = io.BytesIO(data)

        def readable(self):
            return True

        def readinto(self, b):
            return self.inner.readinto(b)
    assert mt.load(Stream(buffer.getvalue()))["w"].tolist() == [1.0, 1.0]


def test_saving_into_a_missing_directory_names_it(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"mytorch.save: cannot write .*ckpt': no such "
                                                r"directory .*nowhere'"):
        mt.save({}, tmp_path / "nowhere" / "ckpt")


def test_text_file_objects_are_refused(tmp_path):
    with open(tmp_path / "text", "w") as f:
        with pytest.raises(TypeError, match=r"mytorch.save: f must be a path or a binary file "
                                            r"object \(opened with 'wb'\), got a text file"):
            mt.save({}, f)
    with open(tmp_path / "text") as f:
        with pytest.raises(TypeError, match=r"opened with 'rb'"):
            mt.load(f)


def test_saving_the_same_object_gives_the_same_bytes(tmp_path):
    obj = {"a": mt.arange(5), "b": [1.5, "x"]}
    mt.save(obj, tmp_path / "one")
    mt.save(obj, tmp_path / "two")
    assert (tmp_path / "one").read_bytes() == (tmp_path / "two").read_bytes()


def test_a_failed_save_leaves_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "ckpt"
    mt.save({"epoch": 1, "w": mt.zeros(1000)}, path)
    before = path.read_bytes()
    real_write = np.lib.format.write_array

    def write_then_fail(fp, array, *args, **kwargs):
        real_write(fp, array[: len(array) // 2], *args, **kwargs)
        raise OSError("No space left on device")
    monkeypatch.setattr(np.lib.format, "write_array", write_then_fail)
    with pytest.raises(OSError, match="No space left on device"):
        mt.save({"epoch": 2, "w": mt.ones(1000)}, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["ckpt"]                    # the temporary file is gone
    monkeypatch.undo()
    assert mt.load(path)["epoch"] == 1


def test_unsupported_values_name_their_place(tmp_path):
    class Custom:
        pass
    with pytest.raises(TypeError, match=r"obj\['model'\]\['fn'\]: cannot save object of type "
                                        r"function; mytorch.save stores tensors"):
        mt.save({"model": {"fn": lambda x: x}}, tmp_path / "f")
    with pytest.raises(TypeError, match=r"obj\['layers'\]\[1\]: cannot save object of type "
                                        r"Custom"):
        mt.save({"layers": [1, Custom()]}, tmp_path / "f")
    with pytest.raises(TypeError, match=r"obj\[0\]: cannot save object of type set"):
        mt.save([{1, 2}], tmp_path / "f")
    with pytest.raises(TypeError, match=r"obj: cannot save a dict key of type tuple \(\(1, 2\)\)"):
        mt.save({(1, 2): 3}, tmp_path / "f")
    with pytest.raises(TypeError, match=r"obj\['a'\]: cannot save a NumPy array of dtype object "
                                        r"\(it would need pickle\)"):
        mt.save({"a": np.array([None, 1], dtype=object)}, tmp_path / "f")
    loop = []
    loop.append(loop)
    with pytest.raises(ValueError, match=r"obj\[0\]: the object contains itself"):
        mt.save(loop, tmp_path / "f")
    assert not os.path.exists(tmp_path / "f") and os.listdir(tmp_path) == []


def test_map_location_forms(tmp_path, device):
    path = tmp_path / "m"
    mt.save({"w": mt.arange(3.0, device=device, requires_grad=True)}, path)
    assert mt.load(path)["w"].device == mt.device(device)
    for target in ("cpu", mt.device("cpu"), {device: "cpu"}, lambda storage, loc: storage,
                   lambda storage, loc: "cpu"):
        w = mt.load(path, map_location=target)["w"]
        assert w.device == mt.device("cpu") and w.requires_grad and w.tolist() == [0.0, 1.0, 2.0]
    assert mt.load(path, map_location={"elsewhere": "cpu"})["w"].device == mt.device(device)
    assert mt.load(path, map_location=lambda storage, loc: None)["w"].device == mt.device(device)
    seen = []
    mt.load(path, map_location=lambda storage, loc: seen.append((storage.device, loc)))
    assert seen == [(mt.device("cpu"), str(mt.device(device)))]
    moved = mt.load(path, map_location="strict")["w"]
    assert moved.device == mt.device("strict") and host(moved).tolist() == [0.0, 1.0, 2.0]


def test_a_missing_device_says_to_use_map_location(tmp_path):
    if mt.cuda.is_available():
        pytest.skip("a GPU is present")
    path = tmp_path / "gpu"
    mt.save({"w": mt.ones(2)}, path)
    rewrite(path, lambda d: d["object"]["items"][0][1].update(device="cuda:0"))
    with pytest.raises(RuntimeError, match=r"cannot load onto device 'cuda:0', where "
                                           r"obj\['w'\] was saved: .*map_location='cpu'"):
        mt.load(path)
    assert mt.load(path, map_location="cpu")["w"].device == mt.device("cpu")
    assert mt.load(path, map_location={"cuda:0": "cpu"})["w"].tolist() == [1.0, 1.0]


def test_foreign_files_are_refused(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("just some text\n")
    with pytest.raises(SerializationError, match=r"notes\.txt: not a file written by "
                                                 r"mytorch\.save: it is not a zip archive"):
        mt.load(text)
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    with pytest.raises(SerializationError, match="not a zip archive"):
        mt.load(empty)
    with zipfile.ZipFile(tmp_path / "random.zip", "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(SerializationError, match=r"random\.zip: not a file written by "
                                                 r"mytorch\.save: a zip archive without "
                                                 r"mytorch\.json"):
        mt.load(tmp_path / "random.zip")
    np.savez(tmp_path / "arrays.npz", a=np.zeros(2))
    with pytest.raises(SerializationError, match="looks like a NumPy .npz archive"):
        mt.load(tmp_path / "arrays.npz")
    with zipfile.ZipFile(tmp_path / "model.pt", "w") as zf:
        zf.writestr("archive/data.pkl", pickle.dumps(Payload()))
    with pytest.raises(SerializationError, match="looks like a PyTorch checkpoint, which is "
                                                 "pickled; mytorch never unpickles"):
        mt.load(tmp_path / "model.pt")
    with zipfile.ZipFile(tmp_path / "other.json.zip", "w") as zf:
        zf.writestr("mytorch.json", json.dumps({"format": "something else", "object": 1}))
    with pytest.raises(SerializationError, match="mytorch.json does not describe a mytorch "
                                                 "object"):
        mt.load(tmp_path / "other.json.zip")
    with pytest.raises(FileNotFoundError):
        mt.load(tmp_path / "missing")
    assert UNPICKLED == []


def test_truncated_files_are_refused(tmp_path):
    path = tmp_path / "ckpt"
    mt.save({"w": mt.randn(256), "b": mt.zeros(4)}, path)
    data = path.read_bytes()
    for cut in (len(data) - 1, len(data) // 2, 30, 4):
        (tmp_path / "cut").write_bytes(data[:cut])
        with pytest.raises(SerializationError, match=r"cut: not a file written by mytorch\.save: "
                                                     r"it is not a zip archive, or it is "
                                                     r"truncated"):
            mt.load(tmp_path / "cut")


def test_corrupted_files_are_refused(tmp_path):
    path = tmp_path / "ckpt"
    mt.save({"w": mt.arange(512.0)}, path)
    data = bytearray(path.read_bytes())
    at = data.index(np.float32(300.0).tobytes())              # inside the array's bytes
    data[at] ^= 0xFF
    (tmp_path / "flipped").write_bytes(bytes(data))
    with pytest.raises(SerializationError, match=r"flipped: corrupted mytorch file: "
                                                 r"arrays/0\.npy cannot be read \(Bad CRC-32"):
        mt.load(tmp_path / "flipped")

    def bad_json(path):
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("mytorch.json", "{not json")
    bad_json(tmp_path / "badjson")
    with pytest.raises(SerializationError, match="corrupted mytorch file: its mytorch.json "
                                                 "cannot be read"):
        mt.load(tmp_path / "badjson")

    cases = [
        (lambda d: d["object"]["items"][0][1].update(type="frobnicator"),
         r"unknown value type 'frobnicator' \(at obj\['w'\]\)"),
        (lambda d: d["object"]["items"][0][1].update(shape=[2, 2]),
         r"arrays/0\.npy has shape \(512,\), the description says \(2, 2\)"),
        (lambda d: d["object"]["items"][0][1].update(dtype="int64"),
         r"arrays/0\.npy has dtype float32, the description says int64"),
        (lambda d: d["object"]["items"][0][1].update(data="arrays/9.npy"),
         r"the archive has no member 'arrays/9\.npy'"),
        (lambda d: d["object"]["items"][0][1].update(requires_grad="yes"),
         r"the description's 'requires_grad' is 'yes'"),
        (lambda d: d["object"].update(items=[[[1], 2]]), r"a dict item is described as"),
        (lambda d: d.update(object=[1, 2]), r"a value is described as list \(at obj\)"),
        (lambda d: d.update(version="one"), r"corrupted mytorch file: format version 'one'"),
    ]
    for change, message in cases:
        mt.save({"w": mt.arange(512.0)}, path)
        rewrite(path, change)
        with pytest.raises(SerializationError, match=message):
            mt.load(path)


def test_files_from_a_newer_version_are_refused(tmp_path):
    path = tmp_path / "future"
    mt.save({"a": 1}, path)
    rewrite(path, lambda d: d.update(version=99))
    with pytest.raises(SerializationError, match=r"future: written by a newer mytorch \(file "
                                                 r"format version 99\); this mytorch reads "
                                                 r"versions up to 1"):
        mt.load(path)


def test_a_pickled_object_array_is_refused_and_never_run(tmp_path):
    path = tmp_path / "evil"
    mt.save({"a": np.zeros(3)}, path)
    evil = io.BytesIO()            # an object-dtype .npy, written by hand as an attacker would
    np.lib.format.write_array_header_1_0(
        evil, {"descr": "|O", "fortran_order": False, "shape": (1,)})
    evil.write(pickle.dumps([Payload()]))
    with zipfile.ZipFile(path) as zf:
        description = zf.read("mytorch.json")
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mytorch.json", description)
        zf.writestr("arrays/0.npy", evil.getvalue())
    with pytest.raises(SerializationError, match=r"evil: arrays/0\.npy \(at obj\['a'\]\) is a "
                                                 r"pickled object array; mytorch\.load never "
                                                 r"unpickles"):
        mt.load(path)
    assert UNPICKLED == []


def test_tensors_refuse_pickle():
    with pytest.raises(TypeError, match="use mytorch.save, which never pickles"):
        pickle.dumps(mt.zeros(2))


def test_exported_at_top_level():
    assert mt.save is mt.serialization.save and mt.load is mt.serialization.load
