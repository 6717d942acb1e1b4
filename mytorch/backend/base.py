"""The backend contract, the registry of backends, and `device` objects."""
import numpy as np

_BACKENDS = {}


class LinAlgError(RuntimeError):
    """A linear-algebra routine failed on its input: a singular matrix, one that is not
    positive-definite, an iteration that did not converge. `mytorch.linalg.LinAlgError`, a
    RuntimeError, as torch.linalg.LinAlgError."""

    __module__ = "mytorch.linalg"       # where users import it from: tracebacks, reprs, pickle


class Backend:
    """One array library. Subclasses fill in the attributes and methods below.

    name        -- device type ("cpu", "cuda")
    xp          -- the array namespace (numpy, cupy)
    array_type  -- the class of its arrays (numpy.ndarray, cupy.ndarray)
    """

    name = None
    xp = None
    array_type = None

    def is_available(self):
        return True

    def unavailable_reason(self):
        """Why `is_available()` is False, and how to fix it."""
        return ""

    def from_host(self, array):
        """A NumPy array (or nested lists) as an array of this library; may share memory."""
        raise NotImplementedError

    def to_host(self, array):
        """This library's array as a NumPy array (shares memory where the library allows)."""
        raise NotImplementedError

    def scatter_add(self, target, index, values):
        """`target[index] += values` in place, where repeated indices accumulate."""
        raise NotImplementedError

    def sliding_window_view(self, x, window_shape, axis):
        """A read-only strided view of all windows of `window_shape` along `axis`."""
        return self.xp.lib.stride_tricks.sliding_window_view(x, window_shape, axis=axis)

    def broadcast_to(self, x, shape):
        """`x` broadcast to `shape`: a read-only view."""
        return self.xp.broadcast_to(x, shape)

    def erf(self, x):
        """The error function, elementwise, accurate to round-off of x's dtype."""
        raise NotImplementedError

    def linalg(self, routine, *arrays, nan_fails=False, **kwargs):
        """`xp.linalg.<routine>(*arrays, **kwargs)`, raising `LinAlgError` where it failed:
        where the library says so (NumPy raises numpy.linalg.LinAlgError), or where a result
        is not finite although every input is (a library that reports nothing, as CuPy by
        default, leaves inf or NaN there). nan_fails=True: a non-finite result is a failure
        whatever the input (PyTorch refuses to factor a matrix with NaN in it)."""
        xp = self.xp
        try:
            out = getattr(xp.linalg, routine)(*arrays, **kwargs)
        except np.linalg.LinAlgError as exc:
            raise LinAlgError(f"{routine}: {exc}") from None
        results = out if isinstance(out, tuple) else (out,)
        if not all(bool(xp.isfinite(r).all()) for r in results):
            if nan_fails or all(bool(xp.isfinite(a).all()) for a in arrays):
                raise LinAlgError(f"{routine}: the result is not finite")
        return out

    def rng(self, seed):
        """A new random generator with the methods of `HostGenerator` below."""
        raise NotImplementedError

    def synchronize(self):
        pass


class device:
    """A device: a backend's name and an index, as `torch.device`.

    `device("cpu")`, `device("cuda")` (index 0), `device("cuda:1")`, `device("cuda", 1)`.
    Devices are interned, so the same device is always the same object.
    """

    __slots__ = ("type", "index", "backend", "xp", "array_type", "_str")
    _cache = {}

    def __new__(cls, spec, index=None):
        if isinstance(spec, device):
            return spec
        key = (spec, index)
        hit = cls._cache.get(key)
        if hit is not None:
            return hit
        if not isinstance(spec, str):
            raise TypeError(f"device() expects a string such as 'cpu' or 'cuda:0', got {spec!r}")
        kind, _, idx = spec.partition(":")
        if idx:
            if index is not None:
                raise RuntimeError(f"device string {spec!r} already has an index; got index={index} too")
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: {spec!r}")
            index = int(idx)
        backend = _BACKENDS.get(kind)
        if backend is None:
            raise RuntimeError(f"Expected one of {', '.join(sorted(_BACKENDS))} device type at start of "
                               f"device string: {spec!r}")
        if kind == "cpu":
            index = None
        elif index is None:
            index = 0
        canon = (kind, index)
        self = cls._cache.get(canon)
        if self is None:
            self = object.__new__(cls)
            self.type, self.index, self.backend, self.xp = kind, index, backend, backend.xp
            self.array_type = backend.array_type      # read on every op: one attribute away
            self._str = kind if index is None else f"{kind}:{index}"
            cls._cache[canon] = self
        cls._cache[key] = self
        return self

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self._str

    def __eq__(self, other):
        if isinstance(other, str):
            try:
                other = device(other)
            except RuntimeError:
                return False
        return self is other

    def __hash__(self):
        return hash(self._str)

    def __reduce__(self):
        return (device, (self._str,))


def register_backend(backend):
    """Make `backend` reachable as `device(backend.name)`."""
    _BACKENDS[backend.name] = backend
    device._cache.clear()


def get_backend(name):
    return _BACKENDS[name]


def backends():
    """The registered backends, by name."""
    return dict(_BACKENDS)


class HostGenerator:
    """Random numbers from NumPy's PCG64, returned as host arrays.

    The methods every backend generator has: `uniform(shape, dtype)` in [0, 1),
    `normal(shape, dtype)`, `integers(low, high, shape)` (int64), `permutation(n)`.
    Devices that keep arrays elsewhere wrap this (or their library's own generator).
    """

    def __init__(self, seed):
        self._gen = np.random.Generator(np.random.PCG64(seed))

    def uniform(self, shape, dtype):
        if dtype in (np.float32, np.float64):
            return self._gen.random(shape, dtype=dtype)
        return self._gen.random(shape, dtype=np.float32).astype(dtype)

    def normal(self, shape, dtype):
        if dtype in (np.float32, np.float64):
            return self._gen.standard_normal(shape, dtype=dtype)
        return self._gen.standard_normal(shape, dtype=np.float32).astype(dtype)

    def integers(self, low, high, shape):
        return self._gen.integers(low, high, shape, dtype=np.int64)

    def permutation(self, n):
        return self._gen.permutation(n).astype(np.int64, copy=False)

    def get_state(self):
        return self._gen.bit_generator.state

    def set_state(self, state):
        self._gen.bit_generator.state = state


def checked_device(spec):
    """`device(spec)`, after checking that its backend can run here (a clear error if not)."""
    d = device(spec)
    if not d.backend.is_available():
        raise RuntimeError(d.backend.unavailable_reason())
    return d
