"""mytorch.datasets.MNIST and FashionMNIST on tiny IDX files written here: where the files are
found, what the dataset holds, its errors, and downloading (from a stub opener or a local HTTP
server on 127.0.0.1, never the network). The real Fashion-MNIST is checked where Debian's
dataset-fashion-mnist is installed."""
import gzip
import hashlib
import http.server
import io
import os
import threading
import urllib.error
from functools import partial

import numpy as np
import pytest

import mytorch as mt
from mytorch.datasets import MNIST, FashionMNIST, mnist, transforms as T
from test_datasets import idx_bytes        # the IDX writer of the reader's tests

REAL_OPEN_URL = mnist._open_url
SYSTEM_FOLDERS = {cls: cls.system_folder for cls in (MNIST, FashionMNIST)}
SIZES = {"train": 6, "t10k": 4}


def mnist_files(seed=0):
    """{name.gz: gzipped bytes} of a tiny MNIST: 6 train and 4 test 28×28 images, labels 0..9."""
    rng = np.random.default_rng(seed)
    files = {}
    for split, n in SIZES.items():
        images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
        files[f"{split}-images-idx3-ubyte.gz"] = gzip.compress(idx_bytes(images))
        labels = rng.integers(0, 10, n).astype(np.uint8)
        files[f"{split}-labels-idx1-ubyte.gz"] = gzip.compress(idx_bytes(labels))
    return files


def write_mnist(folder, compress=True, seed=0):
    """The four files in `folder` (gzipped or not); returns {(split, kind): array}."""
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {}
    for name, data in mnist_files(seed).items():
        raw = gzip.decompress(data)
        path = folder / (name if compress else name[:-3])
        path.write_bytes(data if compress else raw)
        arrays[name.split("-")[0], name.split("-")[1]] = mt.datasets.read_idx(path)
    return arrays


def md5(data):
    return hashlib.md5(data).hexdigest()


@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path):
    """No test reads ~/.cache or /usr/share or touches the network unless it says so."""
    monkeypatch.setenv("MYTORCH_DATA", str(tmp_path / "home"))
    for cls in (MNIST, FashionMNIST):
        monkeypatch.setattr(cls, "system_folder", str(tmp_path / "system" / cls.__name__))

    def no_network(url):
        raise AssertionError(f"a test tried to open {url}")
    monkeypatch.setattr(mnist, "_open_url", no_network)


def serve(files, requests=None, fail=()):
    """An opener for `mnist._open_url` that serves {name: bytes} by the URL's last part, records
    each URL asked for in `requests`, and answers 404 for URLs starting with one of `fail`."""
    def open_url(url):
        if requests is not None:
            requests.append(url)
        if url.startswith(tuple(fail)):
            raise urllib.error.HTTPError(url, 404, "Not Found", None, None)
        return io.BytesIO(files[url.rsplit("/", 1)[1]])
    return open_url


def published(monkeypatch, cls, files, mirrors=("http://a.test/", "http://b.test/")):
    """Make `files` the published ones of `cls`: their MD5 sums, and test mirrors."""
    monkeypatch.setattr(cls, "resources", tuple((name, md5(data)) for name, data in files.items()))
    monkeypatch.setattr(cls, "mirrors", mirrors)


# ---- reading ------------------------------------------------------------------------------

@pytest.mark.parametrize("compress", [True, False], ids=["gz", "plain"])
@pytest.mark.parametrize("cls", [MNIST, FashionMNIST])
def test_reads_both_splits(tmp_path, cls, compress):
    arrays = write_mnist(tmp_path / "data", compress)
    train, test = cls(tmp_path / "data"), cls(str(tmp_path / "data"), train=False)
    assert (len(train), len(test)) == (6, 4)
    assert train.data.shape == (6, 28, 28) and train.data.dtype == mt.uint8
    assert train.targets.dtype == mt.int64
    np.testing.assert_array_equal(train.data.numpy(), arrays["train", "images"])
    np.testing.assert_array_equal(test.targets.numpy(), arrays["t10k", "labels"])
    image, label = test[3]
    assert image.shape == (1, 28, 28) and image.dtype == mt.float32
    assert 0.0 <= float(image.min()) and float(image.max()) <= 1.0
    np.testing.assert_allclose(image.numpy()[0], arrays["t10k", "images"][3] / 255.0, rtol=1e-6)
    assert label.dtype == mt.int64 and label.ndim == 0
    assert label.item() == arrays["t10k", "labels"][3]
    assert train.raw_folder == str(tmp_path / "data") and train.root == str(tmp_path / "data")


def test_classes_and_class_to_idx():
    assert MNIST.classes[0] == "0 - zero" and MNIST.classes[9] == "9 - nine"
    assert FashionMNIST.classes == ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def test_torchvision_layout_and_each_class_its_own_folder(tmp_path):
    fashion = write_mnist(tmp_path / "FashionMNIST" / "raw", seed=1)
    digits = write_mnist(tmp_path / "MNIST" / "raw", compress=False, seed=2)
    ds = FashionMNIST(root=tmp_path)
    assert ds.raw_folder == str(tmp_path / "FashionMNIST" / "raw") and ds.root == str(tmp_path)
    np.testing.assert_array_equal(ds.data.numpy(), fashion["train", "images"])
    np.testing.assert_array_equal(MNIST(tmp_path).data.numpy(), digits["train", "images"])
    assert FashionMNIST(tmp_path).class_to_idx["Ankle boot"] == 9
    assert MNIST(tmp_path).class_to_idx == {name: i for i, name in enumerate(MNIST.classes)}


def test_root_none_reads_mytorch_data_before_the_system_folder(tmp_path, monkeypatch):
    system = write_mnist(tmp_path / "system" / "FashionMNIST", seed=3)
    ds = FashionMNIST()
    assert ds.raw_folder == ds.root == str(tmp_path / "system" / "FashionMNIST")
    np.testing.assert_array_equal(ds.data.numpy(), system["train", "images"])
    home = write_mnist(tmp_path / "home" / "FashionMNIST" / "raw", seed=4)
    np.testing.assert_array_equal(FashionMNIST().data.numpy(), home["train", "images"])
    monkeypatch.delenv("MYTORCH_DATA")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert mnist.data_home() == str(tmp_path / "cache" / "mytorch")


def test_default_system_folders():
    assert SYSTEM_FOLDERS == {MNIST: "/usr/share/datasets/mnist",
                              FashionMNIST: "/usr/share/datasets/fashion-mnist"}
    assert FashionMNIST.debian_package == "dataset-fashion-mnist"
    assert MNIST.debian_package is None


def test_transforms_and_repr(tmp_path):
    write_mnist(tmp_path)
    pipeline = T.Compose([T.ToTensor(), T.Normalize((0.5,), (0.5,))])
    ds = FashionMNIST(tmp_path, transform=pipeline, target_transform=T.Lambda(int))
    image, label = ds[0]
    plain, raw_label = FashionMNIST(tmp_path)[0]
    assert isinstance(label, int) and label == raw_label.item()
    np.testing.assert_allclose(image.numpy(), plain.numpy() * 2 - 1, rtol=1e-6, atol=1e-7)
    assert repr(ds) == (f"Dataset FashionMNIST\n"
                        f"    Number of datapoints: 6\n"
                        f"    Root location: {tmp_path}\n"
                        f"    Split: Train\n"
                        f"    Transform: Compose(\n"
                        f"                   ToTensor()\n"
                        f"                   Normalize(mean=(0.5,), std=(0.5,))\n"
                        f"               )\n"
                        f"    Target transform: Lambda()")
    assert repr(MNIST(tmp_path, train=False)) == (f"Dataset MNIST\n    Number of datapoints: 4\n"
                                                  f"    Root location: {tmp_path}\n    Split: Test")
    xb, yb = next(iter(mt.utils.data.DataLoader(FashionMNIST(tmp_path), batch_size=4)))
    assert xb.shape == (4, 1, 28, 28) and yb.shape == (4,) and yb.dtype == mt.int64


# ---- errors -------------------------------------------------------------------------------

def test_not_found_says_where_it_looked_and_what_to_do(tmp_path):
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "t10k-images-idx3-ubyte.gz").write_bytes(b"")
    with pytest.raises(RuntimeError, match="Dataset not found. You can use download=True to "
                                           "download it") as info:
        FashionMNIST(tmp_path / "half", train=False)
    message = str(info.value)
    assert "t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (each plain or .gz)" in message
    assert f"{tmp_path / 'half'}  (missing t10k-labels-idx1-ubyte)" in message
    assert f"{tmp_path / 'half' / 'FashionMNIST' / 'raw'}  (no such folder)" in message
    assert "sudo apt-get install dataset-fashion-mnist" in message
    assert f"FashionMNIST(root='{tmp_path / 'half'}', download=True)" in message
    with pytest.raises(RuntimeError, match="Dataset not found") as info:
        MNIST()
    message = str(info.value)
    assert str(tmp_path / "home" / "MNIST" / "raw") in message
    assert str(tmp_path / "system" / "MNIST") in message
    assert "apt-get" not in message
    assert "MNIST(root=None, download=True)" in message


def test_images_must_be_three_dimensional(tmp_path):
    write_mnist(tmp_path)
    (tmp_path / "train-images-idx3-ubyte.gz").write_bytes(
        gzip.compress(idx_bytes(np.zeros((6, 784), np.uint8))))
    with pytest.raises(ValueError, match=r"expected images of shape \(N, H, W\), got \(6, 784\)"):
        MNIST(tmp_path)


# ---- downloading --------------------------------------------------------------------------

def test_download_fetches_verifies_and_reads(tmp_path, monkeypatch):
    files = mnist_files(seed=5)
    requests = []
    published(monkeypatch, FashionMNIST, files)
    monkeypatch.setattr(mnist, "_open_url", serve(files, requests))
    ds = FashionMNIST(tmp_path / "data", download=True)
    raw = tmp_path / "data" / "FashionMNIST" / "raw"
    assert sorted(os.listdir(raw)) == sorted(files)            # all four, no temporary left
    assert requests == ["http://a.test/" + name for name in files]
    assert ds.raw_folder == str(raw) and len(ds) == 6
    assert FashionMNIST(tmp_path / "data", train=False, download=True).data.shape == (4, 28, 28)
    assert len(requests) == 4                                   # present files: no download


def test_download_only_the_missing_files_and_root_none_goes_to_the_data_home(tmp_path,
                                                                            monkeypatch):
    files = mnist_files()
    requests = []
    published(monkeypatch, MNIST, files)
    monkeypatch.setattr(mnist, "_open_url", serve(files, requests))
    home = tmp_path / "home" / "MNIST" / "raw"
    home.mkdir(parents=True)
    plain = gzip.decompress(files["train-images-idx3-ubyte.gz"])
    (home / "train-images-idx3-ubyte").write_bytes(plain)
    ds = MNIST(download=True)
    assert ds.raw_folder == str(home)
    assert [url.rsplit("/", 1)[1] for url in requests] == [
        "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]


def test_download_falls_back_to_the_next_mirror(tmp_path, monkeypatch):
    files = mnist_files()
    requests = []
    published(monkeypatch, MNIST, files)
    monkeypatch.setattr(mnist, "_open_url", serve(files, requests, fail=["http://a.test/"]))
    assert len(MNIST(tmp_path, download=True)) == 6
    assert requests[:2] == ["http://a.test/train-images-idx3-ubyte.gz",
                            "http://b.test/train-images-idx3-ubyte.gz"]


def test_checksum_mismatch_is_an_error_and_leaves_nothing(tmp_path, monkeypatch):
    files = mnist_files()
    published(monkeypatch, MNIST, files)
    expected = md5(files["train-images-idx3-ubyte.gz"])
    corrupt = dict(files, **{"train-images-idx3-ubyte.gz": b"not the file"})
    monkeypatch.setattr(mnist, "_open_url", serve(corrupt))
    with pytest.raises(RuntimeError, match="could not download train-images-idx3-ubyte.gz from "
                                           "any mirror") as info:
        MNIST(tmp_path, download=True)
    message = str(info.value)
    for mirror in ("http://a.test/", "http://b.test/"):
        assert (f"{mirror}train-images-idx3-ubyte.gz: MD5 mismatch: expected {expected}, got "
                f"{md5(b'not the file')}") in message
    assert os.listdir(tmp_path / "MNIST" / "raw") == []


def test_all_mirrors_failing_names_each_url_and_reason(tmp_path, monkeypatch):
    published(monkeypatch, FashionMNIST, mnist_files())
    monkeypatch.setattr(mnist, "_open_url",
                        serve({}, fail=["http://a.test/", "http://b.test/"]))
    with pytest.raises(RuntimeError, match=r"(?s)http://a\.test/train-images-idx3-ubyte\.gz: "
                                           r"HTTP Error 404: Not Found.*http://b\.test/"):
        FashionMNIST(tmp_path, download=True)


def test_download_is_atomic(tmp_path, monkeypatch):
    """While a file streams in, only a temporary file beside it exists; a broken connection
    removes that and leaves the final name absent."""
    files = mnist_files()
    published(monkeypatch, MNIST, files, mirrors=("http://a.test/",))
    raw = tmp_path / "MNIST" / "raw"
    seen = []

    class Broken(io.BytesIO):
        def read(self, n=-1):
            seen.append(sorted(os.listdir(raw)))
            if len(seen) == 2:
                raise ConnectionResetError("connection reset by peer")
            return super().read(min(n, 10))
    monkeypatch.setattr(mnist, "_open_url", lambda url: Broken(files[url.rsplit("/", 1)[1]]))
    with pytest.raises(RuntimeError, match="http://a.test/train-images-idx3-ubyte.gz: "
                                           "connection reset by peer"):
        MNIST(tmp_path, download=True)
    assert len(seen[0]) == 1 and seen[0][0].startswith("train-images-idx3-ubyte.gz.")
    assert seen[0][0].endswith(".part")
    assert os.listdir(raw) == []


def test_download_into_a_folder_it_cannot_write(tmp_path, monkeypatch):
    published(monkeypatch, FashionMNIST, mnist_files())
    blocker = tmp_path / "a-file"
    blocker.write_bytes(b"")
    with pytest.raises(RuntimeError, match=r"FashionMNIST\(download=True\) cannot write to .*"
                                           r"a-file/FashionMNIST/raw .* read-only or not a "
                                           r"folder\. Pass a writable root=, or root=None"):
        FashionMNIST(blocker, download=True)
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with pytest.raises(RuntimeError, match=r"cannot write to .* \(Permission denied\): it is "
                                           r"read-only"):
        FashionMNIST(tmp_path / "ro", download=True)


def test_download_from_a_local_http_server(tmp_path, monkeypatch):
    """The real urllib path: a server on 127.0.0.1 that lacks the first mirror's folder."""
    files = mnist_files(seed=6)
    served = tmp_path / "served"
    served.mkdir()
    for name, data in files.items():
        (served / name).write_bytes(data)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=served))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        published(monkeypatch, MNIST, files, mirrors=(base + "gone/", base))
        monkeypatch.setattr(mnist, "_open_url", REAL_OPEN_URL)
        ds = MNIST(tmp_path / "data", train=False, download=True)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
    assert len(ds) == 4
    assert sorted(os.listdir(tmp_path / "data" / "MNIST" / "raw")) == sorted(files)


# ---- the real data ------------------------------------------------------------------------

REAL = "/usr/share/datasets/fashion-mnist"


@pytest.mark.skipif(not os.path.isdir(REAL), reason="Debian's dataset-fashion-mnist is not "
                                                    "installed (sudo apt-get install "
                                                    "dataset-fashion-mnist)")
def test_real_fashion_mnist(monkeypatch):
    monkeypatch.setattr(FashionMNIST, "system_folder", SYSTEM_FOLDERS[FashionMNIST])
    for train, n in ((True, 60000), (False, 10000)):
        ds = FashionMNIST(train=train)
        assert ds.root == REAL and len(ds) == n
        assert ds.data.shape == (n, 28, 28) and ds.data.dtype == mt.uint8
        counts = np.bincount(ds.targets.numpy(), minlength=10)
        assert counts.tolist() == [n // 10] * 10
        image, label = ds[n - 1]
        assert image.shape == (1, 28, 28) and 0 <= label.item() <= 9
        assert float(ds.data.float().max()) == 255.0
