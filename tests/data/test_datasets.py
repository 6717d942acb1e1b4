"""mytorch.datasets: digits (when scikit-learn is installed), moons, spirals, IDX files."""
import gzip
import struct

import numpy as np
import pytest

import mytorch as mt
from mytorch.datasets import IDXDataset, load_digits, make_moons, make_spirals, read_idx

CODES = {np.uint8: 0x08, np.int8: 0x09, np.int16: 0x0B, np.int32: 0x0C, np.float32: 0x0D,
         np.float64: 0x0E}


def idx_bytes(array):
    """An IDX file's bytes, written by hand from the format's definition."""
    array = np.asarray(array)
    header = bytes([0, 0, CODES[array.dtype.type], array.ndim])
    header += b"".join(struct.pack(">I", s) for s in array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def write(path, data, compress=False):
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


def test_load_digits():
    pytest.importorskip("sklearn")
    ds = load_digits()
    assert len(ds) == 1797
    x, y = load_digits(return_X_y=True)
    assert x.shape == (1797, 64) and x.dtype == mt.float32 and y.dtype == mt.int64
    assert float(x.min()) == 0.0 and float(x.max()) == 1.0
    assert sorted(set(y.tolist())) == list(range(10))
    images, _ = load_digits(return_X_y=True, flatten=False)
    assert images.shape == (1797, 1, 8, 8)


def test_load_digits_without_sklearn_says_how_to_install(monkeypatch):
    import builtins
    real_import = builtins.__import__

    def no_sklearn(name, *args, **kwargs):
        if name.startswith("sklearn"):
            raise ImportError("No module named 'sklearn'")
        return real_import(name, *args, **kwargs)
    monkeypatch.setattr(builtins, "__import__", no_sklearn)
    with pytest.raises(ImportError, match="pip install scikit-learn"):
        load_digits()


def test_make_moons_shape_labels_and_curve():
    x, y = make_moons(101, shuffle=False)
    assert x.shape == (101, 2) and x.dtype == mt.float32 and y.dtype == mt.int64
    assert y.tolist() == [0] * 50 + [1] * 51
    upper, lower = x[:50].numpy(), x[50:].numpy()
    np.testing.assert_allclose((upper ** 2).sum(1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(((lower - [1.0, 0.5]) ** 2).sum(1), 1.0, rtol=1e-6)
    assert upper[:, 1].min() >= 0 and lower[:, 1].max() <= 0.5 + 1e-6


def test_make_moons_noise_and_shuffle_are_reproducible():
    a = make_moons(64, noise=0.1, generator=mt.Generator().manual_seed(1))
    b = make_moons(64, noise=0.1, generator=mt.Generator().manual_seed(1))
    c = make_moons(64, noise=0.1, generator=mt.Generator().manual_seed(2))
    assert a[0].equal(b[0]) and a[1].equal(b[1]) and not a[0].equal(c[0])
    assert sorted(a[1].tolist()) == [0] * 32 + [1] * 32
    mt.manual_seed(4)
    d = make_moons(16, noise=0.2)
    mt.manual_seed(4)
    assert make_moons(16, noise=0.2)[0].equal(d[0])
    with pytest.raises(ValueError, match="n_samples must be a non-negative int, got -1"):
        make_moons(-1)


def test_make_spirals():
    x, y = make_spirals(100, n_classes=3, shuffle=False)
    assert x.shape == (100, 2) and y.tolist() == [0] * 34 + [1] * 33 + [2] * 33
    arm = x.numpy()[:34]
    radius = np.hypot(arm[:, 0], arm[:, 1])
    assert np.all(np.diff(radius) > 0) and abs(radius[-1] - 1) < 1e-6
    arm0, arm1 = x.numpy()[33], x.numpy()[66]            # the outer ends: rotated by 120°
    assert abs(np.arctan2(arm1[1], arm1[0]) - np.arctan2(arm0[1], arm0[0]) - 2 * np.pi / 3) \
        % (2 * np.pi) < 1e-5
    g = mt.Generator().manual_seed(0)
    noisy, labels = make_spirals(60, noise=0.05, generator=g)
    assert noisy.shape == (60, 2) and sorted(labels.tolist()) == [0] * 30 + [1] * 30
    with pytest.raises(ValueError, match="n_classes must be a positive int, got 0"):
        make_spirals(10, n_classes=0)


@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gz"])
@pytest.mark.parametrize("dtype", list(CODES))
def test_read_idx_round_trips_every_type(tmp_path, dtype, compress):
    rng = np.random.default_rng(0)
    array = (rng.standard_normal((3, 4, 5)) * 50).astype(dtype)
    path = write(tmp_path / "data.idx", idx_bytes(array), compress)
    out = read_idx(path)
    assert out.dtype == np.dtype(dtype) and out.dtype.isnative and out.shape == (3, 4, 5)
    np.testing.assert_array_equal(out, array)
    out[0, 0, 0] = 0                                         # a writable array of our own


def test_read_idx_zero_dimensional_and_empty(tmp_path):
    assert read_idx(write(tmp_path / "a", idx_bytes(np.array(7, np.uint8)))).shape == ()
    assert read_idx(write(tmp_path / "b", idx_bytes(np.zeros((0, 28), np.uint8)))).shape == (0, 28)


def test_read_idx_errors_name_the_path(tmp_path):
    good = idx_bytes(np.arange(24, dtype=np.uint8).reshape(2, 3, 4))
    cases = [
        ("short", good[:3], r"not an IDX file: 3 bytes, shorter than the 4-byte header"),
        ("foreign", b"hello, world\n", r"not an IDX file: it starts with bytes 0x68 0x65"),
        ("code", bytes([0, 0, 0x07, 1, 0, 0, 0, 1, 5]), r"unknown element type code 0x07"),
        ("header", good[:9], r"truncated IDX file: the header names 3 dimensions \(16 header "
                             r"bytes\) but the file has 9 bytes"),
        ("data", good[:-1], r"truncated IDX file: a uint8 array of shape \(2, 3, 4\) needs 40 "
                            r"bytes, the file has 39"),
        ("extra", good + b"\0", r"corrupted IDX file: .* needs 40 bytes, the file has 41"),
    ]
    for name, data, message in cases:
        path = write(tmp_path / name, data)
        with pytest.raises(ValueError, match=message) as info:
            read_idx(path)
        assert str(path) in str(info.value)
    broken = tmp_path / "broken.gz"
    broken.write_bytes(gzip.compress(good)[:-6])
    with pytest.raises(ValueError, match=r"broken\.gz: corrupted or truncated gzip data"):
        read_idx(broken)


def test_idx_dataset(tmp_path):
    images = np.arange(3 * 4 * 5, dtype=np.uint8).reshape(3, 4, 5) * 4
    labels = np.array([7, 0, 3], np.uint8)
    ds = IDXDataset(write(tmp_path / "img.gz", idx_bytes(images), True),
                    write(tmp_path / "lab", idx_bytes(labels)))
    assert len(ds) == 3 and ds.data.shape == (3, 4, 5) and ds.targets.dtype == mt.int64
    image, label = ds[2]
    assert image.shape == (1, 4, 5) and image.dtype == mt.float32 and label.item() == 3
    np.testing.assert_allclose(image.numpy()[0], images[2] / 255.0, rtol=1e-6)
    xb, yb = next(iter(mt.utils.data.DataLoader(ds, batch_size=2)))
    assert xb.shape == (2, 1, 4, 5) and yb.tolist() == [7, 0]
    flipped = IDXDataset(tmp_path / "img.gz", tmp_path / "lab",
                         transform=lambda x: x.flip(-1), target_transform=lambda y: int(y) + 1)
    image, label = flipped[0]
    assert label == 8 and image[0, 0, 0].item() == pytest.approx(16 / 255)


def test_idx_dataset_mismatch_errors(tmp_path):
    images = write(tmp_path / "img", idx_bytes(np.zeros((3, 2, 2), np.uint8)))
    labels = write(tmp_path / "lab", idx_bytes(np.zeros(2, np.uint8)))
    with pytest.raises(ValueError, match=r"img holds 3 images but .*lab holds 2 labels"):
        IDXDataset(images, labels)
    labels2d = write(tmp_path / "lab2", idx_bytes(np.zeros((3, 1), np.uint8)))
    with pytest.raises(ValueError, match=r"lab2: labels must be 1-dimensional, got shape \(3, 1\)"):
        IDXDataset(images, labels2d)
