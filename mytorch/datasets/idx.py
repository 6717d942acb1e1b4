"""IDX files, the format of MNIST (and Fashion-MNIST, EMNIST, KMNIST): a header, then the
numbers.

    bytes 0-1   0x00 0x00
    byte  2     the element type: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32,
                0x0D float32, 0x0E float64
    byte  3     the number of dimensions, d
    then        d sizes, each a big-endian uint32
    then        the elements, big-endian, in C order (the last dimension varies fastest)

Files may be gzip-compressed (as MNIST is distributed: `train-images-idx3-ubyte.gz`); this is
recognised by the content, not the name.
"""
import gzip
import os
import zlib

import numpy as np

from ..dtypes import uint8
from ..factories import from_numpy
from ..utils.data import Dataset

_TYPES = {0x08: np.dtype(np.uint8), 0x09: np.dtype(np.int8), 0x0B: np.dtype(">i2"),
          0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}
_GZIP_MAGIC = b"\x1f\x8b"


def _read_bytes(path):
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] != _GZIP_MAGIC:
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as e:
        raise ValueError(f"{path}: corrupted or truncated gzip data ({e})") from None


def read_idx(path):
    """The array stored in the IDX file at `path` (gzipped or not), as a NumPy array in
    native byte order: shape from the header, dtype from its type code.

    A file that is not IDX, truncated, or longer than its header says raises ValueError
    naming the path and what is wrong.
    """
    path = os.fspath(path)
    raw = _read_bytes(path)
    if len(raw) < 4:
        raise ValueError(f"{path}: not an IDX file: {len(raw)} bytes, shorter than the 4-byte "
                         "header (truncated?)")
    if raw[0] != 0 or raw[1] != 0:
        raise ValueError(f"{path}: not an IDX file: it starts with bytes 0x{raw[0]:02x} "
                         f"0x{raw[1]:02x}, an IDX file with 0x00 0x00")
    code, ndim = raw[2], raw[3]
    if code not in _TYPES:
        raise ValueError(f"{path}: not an IDX file: unknown element type code 0x{code:02x} "
                         f"(known: {', '.join(f'0x{c:02x}' for c in _TYPES)})")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"{path}: truncated IDX file: the header names {ndim} dimensions "
                         f"({header} header bytes) but the file has {len(raw)} bytes")
    shape = tuple(int(s) for s in np.frombuffer(raw, ">u4", ndim, 4))
    dtype = _TYPES[code]
    expected = header + dtype.itemsize * int(np.prod(shape, dtype=np.int64))
    if len(raw) != expected:
        what = "truncated" if len(raw) < expected else "corrupted"
        raise ValueError(f"{path}: {what} IDX file: a {dtype.name} array of shape {shape} "
                         f"needs {expected} bytes, the file has {len(raw)}")
    data = np.frombuffer(raw, dtype, offset=header).reshape(shape)
    return data.astype(dtype.newbyteorder("="))        # native order, and a writable copy


class IDXDataset(Dataset):
    """Images and labels from a pair of IDX files (MNIST's layout), as a map-style dataset.

    `dataset[i]` is `(image, label)`: the image a float32 tensor of shape (1, H, W) for
    (N, H, W) files (other layouts keep their per-sample shape), uint8 pixels divided by 255
    into [0, 1]; the label an int64 0-d tensor. `transform(image)` and
    `target_transform(label)` are applied when given. `data` (the raw images) and `targets`
    (int64 labels) hold everything as tensors, as torchvision's MNIST.
    """

    def __init__(self, images_path, labels_path, transform=None, target_transform=None):
        images, labels = read_idx(images_path), read_idx(labels_path)
        if labels.ndim != 1:
            raise ValueError(f"{os.fspath(labels_path)}: labels must be 1-dimensional, got "
                             f"shape {labels.shape}")
        if len(images) != len(labels):
            raise ValueError(f"{os.fspath(images_path)} holds {len(images)} images but "
                             f"{os.fspath(labels_path)} holds {len(labels)} labels")
        self.data = from_numpy(images)
        self.targets = from_numpy(labels.astype(np.int64))
        self.transform = transform
        self.target_transform = target_transform

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, index):
        image = self.data[index]
        image = image.float() / 255.0 if image.dtype is uint8 else image.float()
        if image.ndim == 2:
            image = image.unsqueeze(0)
        label = self.targets[index]
        if self.transform is not None:
            image = self.transform(image)
        if self.target_transform is not None:
            label = self.target_transform(label)
        return image, label
