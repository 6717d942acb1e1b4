"""Datasets to learn on: small real data, synthetic generators, and a reader for MNIST files.

    load_digits()               scikit-learn's bundled 8×8 handwritten digits (1,797 images)
    make_moons(n, noise=)       two interleaving half circles, two classes
    make_spirals(n, n_classes=) interleaved spiral arms, one class per arm
    read_idx(path)              an IDX file (the MNIST format, optionally gzipped) as an array
    IDXDataset(images, labels)  a map-style dataset over a pair of IDX files

Each returns tensors (or a `TensorDataset`); nothing is downloaded. Host-side NumPy does
the work; randomness comes from mytorch generators (`generator=`, `mytorch.manual_seed`).
"""
from .digits import load_digits
from .synthetic import make_moons, make_spirals
from .idx import read_idx, IDXDataset

__all__ = ["load_digits", "make_moons", "make_spirals", "read_idx", "IDXDataset"]
