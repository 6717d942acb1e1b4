"""Random number generators: `Generator`, `manual_seed`, `seed`, `initial_seed`.

Each device type has a default generator, created from the last `manual_seed` (or a fresh
seed). A `Generator(device)` is an independent stream. The numbers come from the backend's
generator (`backend.rng(seed)`: NumPy's PCG64 on the cpu, CuPy's on a GPU), so the same seed
gives the same numbers on the same device type.
"""
import numpy as np

from .backend import device as Device

_DEFAULT_SEED = 67280421310721          # PyTorch's default seed
_defaults = {}
_seed = [_DEFAULT_SEED]


class Generator:
    """An independent stream of random numbers for one device (`Generator('cpu')`)."""

    def __init__(self, device="cpu"):
        self.device = Device(device)
        self.manual_seed(_DEFAULT_SEED)

    def manual_seed(self, seed):
        seed = int(seed)
        if seed < 0:
            seed += 1 << 64
        self._seed = seed
        self._impl = self.device.backend.rng(seed)
        return self

    def seed(self):
        s = int(np.random.SeedSequence().entropy % (1 << 63))
        self.manual_seed(s)
        return s

    def initial_seed(self):
        return self._seed

    def get_state(self):
        return self._impl.get_state()

    def set_state(self, state):
        self._impl.set_state(state)
        return self

    # the backend generator's methods, for ops and factories
    def uniform(self, shape, dtype):
        return self._impl.uniform(shape, dtype)

    def normal(self, shape, dtype):
        return self._impl.normal(shape, dtype)

    def integers(self, low, high, shape):
        return self._impl.integers(low, high, shape)

    def permutation(self, n):
        return self._impl.permutation(n)


def default_generator(device="cpu"):
    """The default generator of `device`'s type (created on first use)."""
    d = Device(device)
    gen = _defaults.get(d)
    if gen is None:
        gen = _defaults[d] = Generator(d).manual_seed(_seed[0])
    return gen


def generator_for(generator, device):
    """`generator` if given (checking its device), else the default one of `device`."""
    if generator is None:
        return default_generator(device)
    if generator.device.type != Device(device).type:
        raise RuntimeError(f"Expected a '{Device(device).type}' device type for generator but "
                           f"found '{generator.device.type}'")
    return generator


def manual_seed(seed):
    """Seed the default generator of every device; returns the cpu generator, as PyTorch."""
    _seed[0] = int(seed)
    for gen in _defaults.values():
        gen.manual_seed(seed)
    return default_generator("cpu")


def seed():
    s = int(np.random.SeedSequence().entropy % (1 << 63))
    manual_seed(s)
    return s


def initial_seed():
    return _seed[0]


def get_rng_state():
    return default_generator("cpu").get_state()


def set_rng_state(state):
    default_generator("cpu").set_state(state)
