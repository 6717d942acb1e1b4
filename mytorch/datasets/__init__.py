"""Datasets to learn on: small real data, synthetic generators, MNIST-format files, and the
image transforms to feed them through.

    load_digits()               scikit-learn's bundled 8×8 handwritten digits (1,797 images)
    make_moons(n, noise=)       two interleaving half circles, two classes
    make_spirals(n, n_classes=) interleaved spiral arms, one class per arm
    read_idx(path)              an IDX file (the MNIST format, optionally gzipped) as an array
    IDXDataset(images, labels)  a map-style dataset over a pair of IDX files
    MNIST(root, train=)         the handwritten digits 0-9, 60,000 + 10,000 28×28 images
    FashionMNIST(root, train=)  Zalando's clothes in MNIST's format (Debian's
                                dataset-fashion-mnist, read from /usr/share/datasets)
    transforms                  Compose, ToTensor, Normalize, RandomCrop, RandomHorizontalFlip,
                                Lambda, as torchvision.transforms, on images and batches
    CharDataset(text, block_size)
                                next-character windows of any text (read_text(path) for a
                                file); corpora on disk: load_python_source() (the standard
                                library's own source), load_bible_kjv() (Debian's bible-kjv),
                                load_devils_dictionary() (Debian's dict-devil)
    load_names(kind=)           ~92,000 US first and last names (PyPI's `names` ships them);
                                NamesDataset(names) turns them into next-letter examples
    make_sine_series(length)    a noisy sum of sines; sliding_windows(series, window) cuts a
                                series into (input window, target) pairs for forecasting

Nothing is downloaded unless asked: MNIST and FashionMNIST read files already on disk and
fetch them (checksummed) only with `download=True`; the text corpora and names are read from
packages already installed, and say which to install when missing. Host-side NumPy does the
reading; randomness comes from mytorch generators (`generator=`, `mytorch.manual_seed`).
"""
from . import transforms
from .digits import load_digits
from .synthetic import make_moons, make_spirals
from .idx import read_idx, IDXDataset
from .mnist import MNIST, FashionMNIST
from .text import (CharDataset, read_text, load_python_source, load_bible_kjv,
                   load_devils_dictionary, load_names, NamesDataset)
from .series import make_sine_series, sliding_windows

__all__ = ["load_digits", "make_moons", "make_spirals", "read_idx", "IDXDataset", "MNIST",
           "FashionMNIST", "transforms", "CharDataset", "read_text", "load_python_source",
           "load_bible_kjv", "load_devils_dictionary", "load_names", "NamesDataset",
           "make_sine_series", "sliding_windows"]
