"""The named tuples that ops return, as `torch.return_types`: `x.max(dim=1)` gives a
`mytorch.return_types.max` with fields `values` and `indices`, which also unpacks as a pair."""
from collections import namedtuple


def _make(name, fields=("values", "indices")):
    cls = namedtuple(name, fields)
    cls.__module__ = __name__
    cls.__qualname__ = name

    def __repr__(self):
        parts = ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self))
        return f"mytorch.return_types.{name}(\n{parts})"

    cls.__repr__ = __repr__
    return cls


max = _make("max")
min = _make("min")
sort = _make("sort")
topk = _make("topk")
median = _make("median")
mode = _make("mode")
cummax = _make("cummax")
cummin = _make("cummin")
aminmax = _make("aminmax", ("min", "max"))
slogdet = _make("slogdet", ("sign", "logabsdet"))
qr = _make("qr", ("Q", "R"))
linalg_qr = _make("linalg_qr", ("Q", "R"))
linalg_eigh = _make("linalg_eigh", ("eigenvalues", "eigenvectors"))
linalg_svd = _make("linalg_svd", ("U", "S", "Vh"))
