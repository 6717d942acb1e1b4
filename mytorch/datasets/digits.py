"""scikit-learn's handwritten digits: 1,797 grayscale 8×8 images of the digits 0–9.

The pictures ship inside scikit-learn (no download); it is imported only when the data is
asked for, so mytorch itself does not depend on it.
"""
import numpy as np

from ..factories import from_numpy
from ..utils.data import TensorDataset


def load_digits(*, return_X_y=False, flatten=True):
    """The digits as a `TensorDataset(images, labels)`, or the pair `(images, labels)` when
    `return_X_y=True`.

    images: float32, pixel intensities 0..16 divided by 16 into [0, 1]; shape (1797, 64), or
            (1797, 1, 8, 8) with `flatten=False` (for convolutions)
    labels: int64 in 0..9, shape (1797,)
    """
    try:
        from sklearn.datasets import load_digits as sklearn_digits
    except ImportError:
        raise ImportError("mytorch.datasets.load_digits needs scikit-learn, which ships the "
                          "digits: pip install scikit-learn (or pip install 'mytorch[examples]')"
                          ) from None
    raw = sklearn_digits()
    images = (np.asarray(raw.data, dtype=np.float32) / np.float32(16.0))
    if not flatten:
        images = images.reshape(-1, 1, 8, 8)
    x = from_numpy(np.ascontiguousarray(images))
    y = from_numpy(np.asarray(raw.target, dtype=np.int64))
    return (x, y) if return_X_y else TensorDataset(x, y)
