"""MNIST and Fashion-MNIST, as `torchvision.datasets`: 28×28 grayscale images in ten classes,
60,000 to train on and 10,000 to test on, read from the four IDX files they are published as.

    train-images-idx3-ubyte   uint8 (60000, 28, 28)     t10k-images-idx3-ubyte   (10000, 28, 28)
    train-labels-idx1-ubyte   uint8 (60000,) in 0..9    t10k-labels-idx1-ubyte   (10000,)

each plain or gzipped (`.gz`, as they are published).

    train = FashionMNIST()                   # Debian's dataset-fashion-mnist, or your download
    image, label = train[0]                  # float32 (1, 28, 28) in [0, 1], int64 0-d
    train.data, train.targets, train.classes

Where the files are looked for, in this order:

    root given     root/  and  root/<Name>/raw/  (torchvision's layout, so its downloads work)
    root=None      $MYTORCH_DATA/<Name>/raw/  (or ~/.cache/mytorch/<Name>/raw/ without it),
                   then the system folder: /usr/share/datasets/fashion-mnist (Debian's package
                   dataset-fashion-mnist) or /usr/share/datasets/mnist

`download=True` fetches the missing files into root/<Name>/raw (with root=None into
$MYTORCH_DATA/<Name>/raw, else ~/.cache/mytorch/<Name>/raw), from the official mirrors in turn;
each is checked against its published MD5 sum and written atomically (a temporary file in the
same folder, renamed into place once verified), so an interrupted download leaves nothing
behind. Files already present are read as they are, without a checksum.
"""
import errno
import hashlib
import http.client
import os
import sys
import tempfile
import urllib.request

from .idx import IDXDataset

_SPLITS = {True: ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
           False: ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}


def _open_url(url):
    """The response to GET `url`, a file-like object with `read(n)`: tests replace this."""
    return urllib.request.urlopen(url, timeout=60)


def data_home():
    """The folder for downloaded datasets when no root is given: $MYTORCH_DATA if set, else
    ~/.cache/mytorch (under $XDG_CACHE_HOME when that is set)."""
    if os.environ.get("MYTORCH_DATA"):
        return os.path.expanduser(os.environ["MYTORCH_DATA"])
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(cache, "mytorch")


def _fetch(url, path, md5):
    """Download `url` to `path` through a temporary file beside it, renamed into place only
    once its MD5 is `md5`; the temporary file is removed on any failure."""
    fd, partial = tempfile.mkstemp(prefix=os.path.basename(path) + ".", suffix=".part",
                                   dir=os.path.dirname(path))
    try:
        digest = hashlib.md5(usedforsecurity=False)
        with os.fdopen(fd, "wb") as out, _open_url(url) as response:
            for chunk in iter(lambda: response.read(1 << 20), b""):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != md5:
            raise ValueError(f"MD5 mismatch: expected {md5}, got {digest.hexdigest()}")
        os.replace(partial, path)
    except BaseException:
        os.unlink(partial)
        raise


def _download_file(filename, md5, folder, mirrors):
    """folder/filename, fetched from the first of `mirrors` (base URLs) that serves it with the
    MD5 sum `md5`; RuntimeError naming every URL tried and why it failed when none does."""
    path = os.path.join(folder, filename)
    failures = []
    for mirror in mirrors:
        url = mirror + filename
        print(f"Downloading {url} to {path}", file=sys.stderr)
        try:
            _fetch(url, path, md5)
            return path
        except (OSError, ValueError, http.client.HTTPException) as e:
            failures.append(f"    {url}: {e}")
    raise RuntimeError(f"could not download {filename} from any mirror:\n" + "\n".join(failures))


def _find(folder, name):
    """folder/name, or folder/name.gz, whichever exists (the plain one first); else None."""
    for candidate in (name, name + ".gz"):
        path = os.path.join(folder, candidate)
        if os.path.isfile(path):
            return path
    return None


class MNIST(IDXDataset):
    """The MNIST handwritten digits: `MNIST(root=None, train=True, transform=None,
    target_transform=None, download=False)`, as torchvision's (see the module docstring for
    where the files are looked for and downloaded to).

    `dataset[i]` is `(image, label)`: a float32 tensor (1, 28, 28), pixels / 255 in [0, 1],
    and an int64 0-d tensor, after `transform(image)` and `target_transform(label)` when given.
    `data` is every image, uint8 (N, 28, 28); `targets` every label, int64 (N,); `classes` the
    class names, `class_to_idx` name → label; `raw_folder` the folder the files were read from.

    No files and `download=False`: RuntimeError listing the folders searched and what to do.
    """

    mirrors = ("https://ossci-datasets.s3.amazonaws.com/mnist/",
               "http://yann.lecun.com/exdb/mnist/")
    resources = (("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
                 ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
                 ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
                 ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"))
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five",
               "6 - six", "7 - seven", "8 - eight", "9 - nine"]
    system_folder = "/usr/share/datasets/mnist"
    debian_package = None                   # Debian packages no MNIST

    def __init__(self, root=None, train=True, transform=None, target_transform=None,
                 download=False):
        self.root = None if root is None else os.path.expanduser(os.fspath(root))
        self.train = train
        folders = self._search_path()
        found = self._locate(folders)
        if found is None and download:
            self._download(self._download_folder())
            found = self._locate([self._download_folder()])
        if found is None:
            raise RuntimeError(self._not_found(folders))
        self.raw_folder, (images, labels) = found
        if self.root is None:
            self.root = self.raw_folder
        super().__init__(images, labels, transform, target_transform)
        if self.data.ndim != 3:
            raise ValueError(f"{images}: expected images of shape (N, H, W), got "
                             f"{tuple(self.data.shape)}")

    @property
    def class_to_idx(self):
        return {name: i for i, name in enumerate(self.classes)}

    def _search_path(self):
        name = type(self).__name__
        if self.root is not None:
            return [self.root, os.path.join(self.root, name, "raw")]
        return [os.path.join(data_home(), name, "raw"), self.system_folder]

    def _download_folder(self):
        return os.path.join(self.root or data_home(), type(self).__name__, "raw")

    def _locate(self, folders):
        """(folder, [images path, labels path]) for the first folder holding both; else None."""
        for folder in folders:
            paths = [_find(folder, name) for name in _SPLITS[self.train]]
            if None not in paths:
                return folder, paths
        return None

    def _download(self, folder):
        """Fetch into `folder` each of the four files it does not have yet."""
        try:
            os.makedirs(folder, exist_ok=True)
            if not os.access(folder, os.W_OK):
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), folder)
        except OSError as e:
            raise RuntimeError(
                f"{type(self).__name__}(download=True) cannot write to {folder} ({e.strerror}): "
                f"it is read-only or not a folder. Pass a writable root=, or root=None to "
                f"download into {os.path.join(data_home(), type(self).__name__, 'raw')}"
            ) from None
        for filename, md5 in self.resources:
            if _find(folder, filename[:-len(".gz")]) is None:
                _download_file(filename, md5, folder, self.mirrors)

    def _not_found(self, folders):
        name, wanted = type(self).__name__, _SPLITS[self.train]
        lines = ["Dataset not found. You can use download=True to download it.",
                 f"{name}(train={self.train}) reads {wanted[0]} and {wanted[1]} (each plain "
                 f"or .gz) from the first of these folders that holds both:"]
        for folder in folders:
            if not os.path.isdir(folder):
                lines.append(f"    {folder}  (no such folder)")
            else:
                missing = [w for w in wanted if _find(folder, w) is None]
                lines.append(f"    {folder}  (missing {' and '.join(missing)})")
        lines.append("To get the files:")
        if self.debian_package:
            lines.append(f"    sudo apt-get install {self.debian_package}   (installs them in "
                         f"{self.system_folder}, read with root=None)")
        lines.append(f"    {name}(root={self.root!r}, download=True)   (downloads them into "
                     f"{self._download_folder()} from {self.mirrors[0]})")
        return "\n".join(lines)

    def __repr__(self):
        body = [f"Number of datapoints: {len(self)}", f"Root location: {self.root}",
                f"Split: {'Train' if self.train else 'Test'}"]
        for head, transform in (("Transform: ", self.transform),
                                ("Target transform: ", self.target_transform)):
            if transform is not None:
                first, *rest = repr(transform).splitlines()
                body += [head + first] + [" " * len(head) + line for line in rest]
        return "\n".join([f"Dataset {type(self).__name__}"] + ["    " + line for line in body])


class FashionMNIST(MNIST):
    """Zalando's Fashion-MNIST: pictures of clothes in MNIST's format (28×28 grayscale,
    60,000 + 10,000, ten classes), a harder drop-in replacement. The same interface as `MNIST`;
    Debian's package `dataset-fashion-mnist` installs the files where root=None looks."""

    mirrors = ("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",)
    resources = (("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
                 ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
                 ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
                 ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"))
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
               "Sneaker", "Bag", "Ankle boot"]
    system_folder = "/usr/share/datasets/fashion-mnist"
    debian_package = "dataset-fashion-mnist"


__all__ = ["MNIST", "FashionMNIST", "data_home"]
