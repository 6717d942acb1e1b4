"""Saving and loading: `mytorch.save(obj, f)` and `mytorch.load(f, map_location=None)`.

What can be saved: tensors, NumPy arrays and scalars, Python `None`, bools, ints, floats and
strings, mytorch dtypes and devices, and dicts, OrderedDicts, lists and tuples of these, nested
to any depth: state dicts, optimizer state, whole checkpoints. Dict keys may be strings,
ints, floats, bools or None and come back as they went in (optimizer state uses int keys).

The file is a zip archive (a `.npz`) holding

    mytorch.json     the structure: {"format": "mytorch", "version": 1, "object": <node>}
    arrays/0.npy     one NumPy .npy file per tensor or array, in NumPy's own format
    arrays/1.npy     ...

where a node is a JSON number, string, true/false or null for a Python scalar, or an object
with a "type": {"type": "dict", "items": [[key, value], ...]}, {"type": "list", "items": [...]},
{"type": "tensor", "data": "arrays/0.npy", "dtype": "float32", "shape": [2, 3],
"device": "cpu", "requires_grad": true}, ...

It never holds a pickle: arrays are read with `allow_pickle=False` and the structure is JSON,
so loading a file, whoever made it, can only ever build data; it cannot run code. The price:
objects of other types (a function, an instance of your own class) cannot be saved, and the
error names where in `obj` the offending value sits.

Round trips are exact: arrays are stored bit for bit, floats in the JSON as their shortest
exact repr. A tensor comes back with its dtype, shape, device and requires_grad (as a leaf;
its .grad and graph are not saved), an nn.Parameter as a Parameter (the node says
"parameter": true). A view is saved as its own data (the elements it
shows), not with its base. The same tensor (or array) object appearing twice is stored once
and loads as one object, so tied weights stay tied; other shared or subclassed containers
come back as separate plain dicts, lists and tuples.

Writing to a path is atomic: the archive goes to a temporary file in the same directory,
which replaces the target only once it is complete, so a crash mid-save leaves the old file.
"""
import collections
import io
import json
import os
import secrets
import zipfile

import numpy as np

from . import dtypes
from .backend.base import checked_device, device as Device
from .factories import from_numpy
from .tensor import Tensor, Size

FORMAT = "mytorch"
VERSION = 1
_DESCRIPTION = "mytorch.json"
_EPOCH = (1980, 1, 1, 0, 0, 0)      # fixed timestamps: the same object gives the same bytes
_HINT = ("mytorch.save stores tensors, NumPy arrays, numbers, strings, None, dtypes, devices "
         "and dicts/lists/tuples of them (it never pickles)")


class SerializationError(RuntimeError):
    """A file that mytorch.load cannot read: truncated, corrupted, foreign or too new."""


# ---- saving: the object becomes a JSON description plus a list of arrays ------------------

class _Describer:
    """Walks `obj` once, building its JSON node and collecting the arrays to store."""

    def __init__(self):
        self.arrays = []            # (member name, NumPy array)
        self._stored = {}           # id(tensor or array) -> member name: one copy each
        self._open = set()          # ids of the containers on the current path (cycles)

    def _store(self, obj, array):
        name = self._stored.get(id(obj))
        if name is None:
            name = self._stored[id(obj)] = f"arrays/{len(self.arrays)}.npy"
            self.arrays.append((name, array))
        return name

    def node(self, obj, path):
        kind = type(obj)
        if obj is None or kind in (bool, int, float, str):
            return obj
        if isinstance(obj, Tensor):
            host = obj.detach()._host()
            if not host.flags.c_contiguous:
                host = host.copy(order="C")        # a view: its own elements only
            node = {"type": "tensor", "data": self._store(obj, host), "dtype": obj.dtype.name,
                    "shape": list(host.shape), "device": str(obj.device),
                    "requires_grad": obj.requires_grad}
            if _is_parameter(obj):
                node["parameter"] = True
            return node
        if isinstance(obj, np.ndarray):
            if obj.dtype.hasobject or obj.dtype.kind == "V":
                raise TypeError(f"{path}: cannot save a NumPy array of dtype {obj.dtype} "
                                "(it would need pickle); " + _HINT)
            return {"type": "ndarray", "data": self._store(obj, obj), "dtype": obj.dtype.str,
                    "shape": list(obj.shape)}
        if isinstance(obj, (np.bool_, np.number)):
            return {"type": "numpy_scalar", "data": self._store(obj, np.asarray(obj)),
                    "dtype": obj.dtype.str}
        if kind is dtypes.dtype:
            return {"type": "dtype", "name": obj.name}
        if kind is Device:
            return {"type": "device", "name": str(obj)}
        if isinstance(obj, (dict, list, tuple)):
            return self._container(obj, path)
        raise TypeError(f"{path}: cannot save object of type {kind.__name__}; " + _HINT)

    def _container(self, obj, path):
        if id(obj) in self._open:
            raise ValueError(f"{path}: the object contains itself (a reference cycle), which "
                             "mytorch.save cannot store")
        self._open.add(id(obj))
        try:
            if isinstance(obj, dict):
                kind = "OrderedDict" if isinstance(obj, collections.OrderedDict) else "dict"
                items = []
                for key, value in obj.items():
                    if key is not None and type(key) not in (bool, int, float, str):
                        raise TypeError(f"{path}: cannot save a dict key of type "
                                        f"{type(key).__name__} ({key!r}); keys must be str, "
                                        "int, float, bool or None")
                    items.append([key, self.node(value, f"{path}[{key!r}]")])
                return {"type": kind, "items": items}
            kind = ("Size" if isinstance(obj, Size) else
                    "tuple" if isinstance(obj, tuple) else "list")
            items = [self.node(v, f"{path}[{i}]") for i, v in enumerate(obj)]
            return {"type": kind, "items": items}
        finally:
            self._open.discard(id(obj))


def _is_parameter(t):
    from .nn.parameter import Parameter     # (nn sits above this file's imports)
    return isinstance(t, Parameter)


def _write_archive(fileobj, description, arrays):
    with zipfile.ZipFile(fileobj, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
        zf.writestr(zipfile.ZipInfo(_DESCRIPTION, _EPOCH), json.dumps(description))
        for name, array in arrays:
            with zf.open(zipfile.ZipInfo(name, _EPOCH), "w", force_zip64=True) as fp:
                np.lib.format.write_array(fp, array, allow_pickle=False)


def _check_binary(f, mode):
    if isinstance(f, io.TextIOBase):
        raise TypeError(f"mytorch.{'save' if mode == 'w' else 'load'}: f must be a path or a "
                        f"binary file object (opened with '{mode}b'), got a text file")


def save(obj, f):
    """Save `obj` (tensors, arrays, numbers, strings, None and dicts/lists/tuples of them) to
    `f`: a path (str or os.PathLike, used exactly as given; written atomically) or a binary
    file object. Unsupported values raise TypeError naming their place, e.g.
    "obj['model']['fn']: cannot save object of type function", before anything is written.
    """
    describer = _Describer()
    description = {"format": FORMAT, "version": VERSION, "object": describer.node(obj, "obj")}
    if not isinstance(f, (str, os.PathLike)):
        _check_binary(f, "w")
        _write_archive(f, description, describer.arrays)
        return
    path = os.fspath(f)
    folder, name = os.path.split(os.path.abspath(path))
    temporary = os.path.join(folder, f".{name}.{secrets.token_hex(6)}.tmp")
    # O_EXCL: a fresh file of our own; mode 0o666 lets the umask decide, as open() would
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                     0o666)
    except FileNotFoundError:
        raise FileNotFoundError(f"mytorch.save: cannot write {path!r}: no such directory "
                                f"{folder!r}") from None
    try:
        with open(fd, "wb") as out:
            _write_archive(out, description, describer.arrays)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise


# ---- loading: the description is rebuilt, arrays read without pickle ---------------------

class _Builder:
    """Rebuilds the object from its JSON node, reading arrays from the archive on demand."""

    def __init__(self, archive, where, map_location):
        self.archive = archive
        self.where = where
        self.map_location = map_location
        self._built = {}            # member name -> the tensor or array made from it

    def bad(self, path, what):
        return SerializationError(f"{self.where}: corrupted mytorch file: {what} (at {path})")

    def field(self, node, key, kind, path):
        value = node.get(key)
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise self.bad(path, f"the description's {key!r} is {value!r}")
        return value

    def array(self, name, path):
        try:
            with self.archive.open(name) as fp:
                array = np.lib.format.read_array(fp, allow_pickle=False)
                extra = fp.read(1)
        except KeyError:
            raise self.bad(path, f"the archive has no member {name!r}") from None
        except ValueError as e:
            if "allow_pickle" in str(e):
                raise SerializationError(
                    f"{self.where}: {name} (at {path}) is a pickled object array; mytorch.load "
                    "never unpickles, so that loading a file cannot run code") from None
            raise self.bad(path, f"{name} is not a valid .npy array ({e})") from None
        except (zipfile.BadZipFile, EOFError, OSError) as e:
            raise self.bad(path, f"{name} cannot be read ({e})") from None
        if extra:
            raise self.bad(path, f"{name} has bytes after its array")
        return array

    def stored(self, node, path):
        """The array of a tensor or ndarray node, checked against the node's shape."""
        name = self.field(node, "data", str, path)
        array = self.array(name, path)
        shape = tuple(self.field(node, "shape", list, path))
        if array.shape != shape:
            raise self.bad(path, f"{name} has shape {array.shape}, the description says {shape}")
        return name, array

    def node(self, node, path):
        if node is None or isinstance(node, (bool, int, float, str)):
            return node
        if not isinstance(node, dict):
            raise self.bad(path, f"a value is described as {type(node).__name__}")
        kind = node.get("type")
        if kind in ("dict", "OrderedDict"):
            out = {} if kind == "dict" else collections.OrderedDict()
            for pair in self.field(node, "items", list, path):
                if not (isinstance(pair, list) and len(pair) == 2 and
                        (pair[0] is None or isinstance(pair[0], (bool, int, float, str)))):
                    raise self.bad(path, f"a dict item is described as {pair!r}")
                out[pair[0]] = self.node(pair[1], f"{path}[{pair[0]!r}]")
            return out
        if kind in ("list", "tuple", "Size"):
            items = [self.node(v, f"{path}[{i}]")
                     for i, v in enumerate(self.field(node, "items", list, path))]
            return items if kind == "list" else tuple(items) if kind == "tuple" else Size(items)
        if kind == "tensor":
            return self.tensor(node, path)
        if kind in ("ndarray", "numpy_scalar"):
            name = self.field(node, "data", str, path)
            if name not in self._built:
                array = self.stored(node, path)[1] if kind == "ndarray" else self.array(name, path)
                if kind == "numpy_scalar" and array.ndim:
                    raise self.bad(path, f"{name} holds an array of shape {array.shape}, the "
                                         "description says a scalar")
                if array.dtype.str != self.field(node, "dtype", str, path):
                    raise self.bad(path, f"{name} has dtype {array.dtype.str}, the description "
                                         f"says {node['dtype']}")
                self._built[name] = array if kind == "ndarray" else array[()]
            return self._built[name]
        if kind == "dtype":
            name = self.field(node, "name", str, path)
            found = getattr(dtypes, name, None)
            if not isinstance(found, dtypes.dtype):
                raise self.bad(path, f"unknown dtype {name!r}")
            return found
        if kind == "device":
            return self.device(self.field(node, "name", str, path), path)
        raise self.bad(path, f"unknown value type {kind!r}")

    def tensor(self, node, path):
        name = self.field(node, "data", str, path)
        if name in self._built:
            return self._built[name]
        name, array = self.stored(node, path)
        dtype = self.field(node, "dtype", str, path)
        expected = getattr(dtypes, dtype, None)          # mytorch.float32 is dtypes.float32
        if not isinstance(expected, dtypes.dtype) or array.dtype != expected.np:
            raise self.bad(path, f"{name} has dtype {array.dtype}, the description says {dtype}")
        location = self.field(node, "device", str, path)
        t = self.place(from_numpy(array), location, path)
        requires_grad = self.field(node, "requires_grad", bool, path)
        if node.get("parameter") is True:
            from .nn.parameter import Parameter
            t = Parameter(t, requires_grad)
        elif requires_grad:
            t.requires_grad_(True)
        self._built[name] = t
        return t

    def place(self, cpu_tensor, location, path):
        """`cpu_tensor` on the device map_location chooses for something saved on `location`:
        None keeps `location`; a device or string is used for everything; a dict maps
        locations ({'cuda:0': 'cpu'}; 'cuda' means 'cuda:0'), others keep theirs; a callable gets
        (cpu_tensor, location) and returns a tensor, a device, or None for `location`."""
        target = self.map_location
        if target is None:
            target = location
        elif isinstance(target, dict):
            target = {_location(k): v for k, v in target.items()}.get(location, location)
        elif callable(target):
            target = target(cpu_tensor, location)
            if isinstance(target, Tensor):
                return target
            if target is None:
                target = location
        return cpu_tensor.to(self.device(target, path, saved_on=location))

    def device(self, spec, path, saved_on=None):
        try:
            return checked_device(spec)
        except (RuntimeError, TypeError) as e:
            where = f", where {path} was saved" if saved_on == spec else ""
            raise RuntimeError(f"{self.where}: cannot load onto device {spec!r}{where}: {e}. "
                               "Use mytorch.load(f, map_location='cpu') to load onto the CPU "
                               "instead") from None


def _location(spec):
    """A map_location key as a saved location string: 'cuda' names 'cuda:0', as saved."""
    try:
        return str(Device(spec))
    except (RuntimeError, TypeError):
        return str(spec)


def _open_archive(fileobj, where):
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as e:
        raise SerializationError(f"{where}: not a file written by mytorch.save: it is not a zip "
                                 f"archive, or it is truncated ({e})") from None
    names = archive.namelist()
    if _DESCRIPTION not in names:
        if any(n.endswith("data.pkl") for n in names):
            what = ("it looks like a PyTorch checkpoint, which is pickled; mytorch never "
                    "unpickles")
        elif names and all(n.endswith(".npy") for n in names):
            what = "it looks like a NumPy .npz archive; read it with numpy.load"
        else:
            what = f"a zip archive without {_DESCRIPTION}"
        raise SerializationError(f"{where}: not a file written by mytorch.save: {what}")
    try:
        description = json.loads(archive.read(_DESCRIPTION).decode("utf-8"))
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as e:
        raise SerializationError(f"{where}: corrupted mytorch file: its {_DESCRIPTION} cannot be "
                                 f"read ({e})") from None
    if not isinstance(description, dict) or description.get("format") != FORMAT or \
            "object" not in description:
        raise SerializationError(f"{where}: not a file written by mytorch.save: {_DESCRIPTION} "
                                 "does not describe a mytorch object")
    version = description.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SerializationError(f"{where}: corrupted mytorch file: format version {version!r}")
    if version > VERSION:
        raise SerializationError(f"{where}: written by a newer mytorch (file format version "
                                 f"{version}); this mytorch reads versions up to {VERSION}. "
                                 "Upgrade mytorch to load it")
    return archive, description["object"]


def load(f, map_location=None, *, weights_only=None):
    """Load what `save` wrote to `f` (a path or a binary file object).

    `map_location` chooses where tensors go: None (where they were saved), a device or
    string ('cpu'), a dict from saved to new locations ({'cuda:0': 'cpu'}), or a callable
    `fn(cpu_tensor, saved_location)` returning a tensor, a device, or None, as in PyTorch.
    `weights_only` is accepted for PyTorch compatibility: loading is always as safe as
    PyTorch's weights_only=True (nothing is unpickled, no code runs).

    A truncated, corrupted, foreign or too-new file raises `SerializationError` (a
    RuntimeError) naming the file and what is wrong.
    """
    if isinstance(f, (str, os.PathLike)):
        path = os.fspath(f)
        with open(path, "rb") as fileobj:
            return _load(fileobj, path, map_location)
    _check_binary(f, "r")
    where = getattr(f, "name", "<file object>")
    if not (hasattr(f, "seekable") and f.seekable()):
        f = io.BytesIO(f.read())
    return _load(f, where, map_location)


def _load(fileobj, where, map_location):
    archive, root = _open_archive(fileobj, where)
    with archive:
        return _Builder(archive, where, map_location).node(root, "obj")
