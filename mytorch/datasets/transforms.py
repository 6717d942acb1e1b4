"""Image transforms, as `torchvision.transforms`: callable objects that take a tensor image and
return a new one, chained with `Compose`.

    Compose([t1, t2, ...])         t1, then t2, ...
    ToTensor()                     an array (H, W) or (H, W, C) → float32 (C, H, W); uint8 / 255
    Normalize(mean, std)           y[c] = (x[c] − mean[c]) / std[c], for each channel c
    RandomCrop(size, padding=)     pad the borders, then cut a random size = (h, w) window
    RandomHorizontalFlip(p=0.5)    mirror left ↔ right with probability p
    Lambda(fn)                     any function, as a transform

    augment = Compose([RandomCrop(28, padding=2), RandomHorizontalFlip()])
    train = FashionMNIST(transform=augment)          # one image (1, 28, 28) at a time
    xb = augment(xb)                                 # or a whole batch (N, 1, 28, 28) at once

An image is a Tensor of shape (C, H, W). Every transform also takes a batch (N, C, H, W), and
the random ones then draw for each image on its own (its own crop, its own coin for the flip),
in one vectorised call, so a batch can be augmented on its device after the DataLoader.

The random choices (crop offsets, flip coins) are a few numbers per image, drawn on the host
from mytorch's cpu generator: the default one, which `mytorch.manual_seed` makes reproducible,
or the `generator=` given to the transform. The same seed so gives the same augmentation on
every device. The pixels themselves are moved with tensor ops (pad, indexing, flip, where),
never with NumPy, so the transforms run wherever the tensor lives.
"""
import numbers

import numpy as np

from .. import ops
from ..dtypes import float32, uint8
from ..factories import as_tensor, from_numpy
from ..random import generator_for
from ..tensor import Tensor


def _as_batch(img, name):
    """`img` as a batch (N, C, H, W), and whether it was one; TypeError / ValueError naming
    the transform for anything else."""
    if not isinstance(img, Tensor):
        raise TypeError(f"{name} expects a Tensor image (C, H, W) or batch (N, C, H, W), got "
                        f"{type(img).__name__} (convert arrays with ToTensor() first)")
    if img.ndim not in (3, 4):
        raise ValueError(f"{name} expects an image (C, H, W) or a batch (N, C, H, W), got a "
                         f"tensor of shape {tuple(img.shape)}")
    return (img, True) if img.ndim == 4 else (img.unsqueeze(0), False)


class Compose:
    """Apply `transforms` in order: Compose([a, b])(x) = b(a(x))."""

    def __init__(self, transforms):
        self.transforms = list(transforms)

    def __call__(self, img):
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self):
        lines = [f"{type(self).__name__}("] + [f"    {t}" for t in self.transforms] + [")"]
        return "\n".join(lines)


class ToTensor:
    """Pixels as a float32 tensor image (C, H, W).

    A NumPy array is read as NumPy and PIL lay pictures out: (H, W) or (H, W, C), and is
    transposed to (C, H, W). A Tensor is already laid out as mytorch's images: (H, W),
    (C, H, W) or a batch (N, C, H, W), and keeps its layout. (H, W) gets one channel: (1, H, W).
    uint8 pixels 0..255 are divided by 255 into [0, 1]; floating-point pixels are taken as they
    are (only cast to float32), so a dataset that already returns float images, as mytorch's
    MNIST does, passes through `ToTensor()` unchanged.
    """

    def __call__(self, pic):
        if isinstance(pic, np.ndarray):
            if pic.ndim not in (2, 3):
                raise ValueError(f"ToTensor() expects an array (H, W) or (H, W, C), got shape "
                                 f"{pic.shape}")
            self._check_dtype(pic.dtype.kind == "f", pic.dtype == np.uint8, pic.dtype)
            image = from_numpy(np.ascontiguousarray(pic))
            image = image.unsqueeze(0) if image.ndim == 2 else image.permute(2, 0, 1)
        elif isinstance(pic, Tensor):
            if pic.ndim not in (2, 3, 4):
                raise ValueError(f"ToTensor() expects a tensor (H, W), (C, H, W) or (N, C, H, W), "
                                 f"got shape {tuple(pic.shape)}")
            self._check_dtype(pic.is_floating_point(), pic.dtype is uint8, pic.dtype)
            image = pic.unsqueeze(0) if pic.ndim == 2 else pic
        else:
            raise TypeError(f"ToTensor() expects a NumPy array or a Tensor, got "
                            f"{type(pic).__name__}")
        return image.float() / 255.0 if image.dtype is uint8 else image.to(float32)

    @staticmethod
    def _check_dtype(is_float, is_uint8, dtype):
        if not (is_float or is_uint8):
            raise TypeError(f"ToTensor() expects uint8 pixels (0..255) or floating-point ones, "
                            f"got {dtype}")

    def __repr__(self):
        return "ToTensor()"


class Normalize:
    """y[..., c, :, :] = (x[..., c, :, :] − mean[c]) / std[c] on a float tensor (..., C, H, W):
    an image (C, H, W) or a batch (N, C, H, W).

    `mean` and `std` hold one number per channel, or one for all. `inplace=True` overwrites
    the input instead of returning a new tensor. Normalize((0.5,), (0.5,)) maps [0, 1] to
    [−1, 1].
    """

    def __init__(self, mean, std, inplace=False):
        self.mean, self.std, self.inplace = mean, std, inplace
        self._mean, self._std = self._values(mean, "mean"), self._values(std, "std")
        if np.any(self._std == 0):
            raise ValueError(f"Normalize(std={std}): std must not be zero, it divides")

    @staticmethod
    def _values(values, name):
        array = np.asarray(values, dtype=np.float64)
        if array.ndim > 1 or array.size == 0:
            raise ValueError(f"Normalize({name}={values}): {name} must be a number or a flat "
                             f"sequence of numbers, one per channel")
        return array.reshape(-1)

    def __call__(self, tensor):
        if not isinstance(tensor, Tensor):
            raise TypeError(f"Normalize expects a Tensor (..., C, H, W), got "
                            f"{type(tensor).__name__} (convert with ToTensor() first)")
        if not tensor.is_floating_point():
            raise TypeError(f"Normalize expects a floating-point tensor, got {tensor.dtype} "
                            f"(ToTensor() converts uint8 pixels to float32)")
        if tensor.ndim < 3:
            raise ValueError(f"Normalize expects an image (C, H, W) or a batch (N, C, H, W), "
                             f"got a tensor of shape {tuple(tensor.shape)}")
        channels = tensor.shape[-3]
        for name, values in (("mean", self._mean), ("std", self._std)):
            if len(values) not in (1, channels):
                raise ValueError(f"Normalize({name}={getattr(self, name)}) has {len(values)} "
                                 f"values but the tensor of shape {tuple(tensor.shape)} has "
                                 f"{channels} channels (dimension -3): give 1 or {channels}")
        mean = as_tensor(self._mean.reshape(-1, 1, 1), dtype=tensor.dtype, device=tensor.device)
        std = as_tensor(self._std.reshape(-1, 1, 1), dtype=tensor.dtype, device=tensor.device)
        if self.inplace:
            return tensor.sub_(mean).div_(std)
        return (tensor - mean) / std

    def __repr__(self):
        return f"{type(self).__name__}(mean={self.mean}, std={self.std})"


def _pair(size, name):
    """(h, w) from an int or a sequence of one or two ints, as torchvision reads sizes."""
    if isinstance(size, numbers.Integral):
        size = (size, size)
    elif len(size) == 1:
        size = (size[0], size[0])
    if len(size) != 2 or not all(isinstance(s, numbers.Integral) and s > 0 for s in size):
        raise ValueError(f"{name}: size must be a positive int or a sequence (h, w) of two, "
                         f"got {size}")
    return int(size[0]), int(size[1])


def _borders(padding):
    """(left, top, right, bottom) from torchvision's padding: an int (all four sides), (lr, tb)
    or (left, top, right, bottom)."""
    if isinstance(padding, numbers.Integral):
        padding = (padding,)
    padding = tuple(padding)
    if len(padding) not in (1, 2, 4) or not all(isinstance(p, numbers.Integral) and p >= 0
                                               for p in padding):
        raise ValueError(f"RandomCrop: padding must be a non-negative int or a sequence of 1, "
                         f"2 or 4 of them, got {padding}")
    if len(padding) == 1:
        return padding * 4
    if len(padding) == 2:
        return padding * 2
    return padding


# torchvision's padding modes, as mytorch's pad calls them (it has no symmetric mode: _pad
# builds that one)
_PAD_MODES = {"constant": "constant", "edge": "replicate", "reflect": "reflect",
              "symmetric": None}


def _pad(batch, left, top, right, bottom, fill, padding_mode):
    """The batch (N, C, H, W) with `left`... columns/rows added at each border:

        constant   the number `fill`                      ... 0 0 | 1 2 3 | 0 0 ...
        edge       the border pixel repeated              ... 1 1 | 1 2 3 | 3 3 ...
        reflect    mirrored about the border pixel        ... 3 2 | 1 2 3 | 2 1 ...
        symmetric  mirrored, the border pixel included    ... 2 1 | 1 2 3 | 3 2 ...
    """
    if padding_mode != "symmetric":
        value = fill if padding_mode == "constant" else None
        return ops.pad(batch, (left, right, top, bottom), mode=_PAD_MODES[padding_mode],
                       value=value)
    for dim, lo, hi in ((2, top, bottom), (3, left, right)):
        n = batch.shape[dim]
        source = np.arange(-lo, n + hi) % (2 * n)         # a period: 0..n-1, then n-1..0
        source = np.where(source >= n, 2 * n - 1 - source, source)
        batch = ops.index_select(batch, dim, as_tensor(source, device=batch.device))
    return batch


def _crop(batch, top, left, height, width):
    """batch[n, :, top[n]:top[n] + height, left[n]:left[n] + width] for every n, stacked
    (one advanced-indexing gather for a batch; a plain slice for one image)."""
    if len(batch) == 1:
        i, j = int(top[0]), int(left[0])
        return batch[:, :, i:i + height, j:j + width]
    n, c = batch.shape[:2]
    rows = (top[:, None] + np.arange(height))[:, None, :, None]      # (N, 1, h, 1)
    cols = (left[:, None] + np.arange(width))[:, None, None, :]      # (N, 1, 1, w)
    return batch[np.arange(n)[:, None, None, None], np.arange(c)[None, :, None, None], rows, cols]


class RandomCrop:
    """A random window of `size` = (h, w) (an int for a square) of each image, as
    torchvision's.

    First `padding` is added to the borders, if given: an int for all four, (left/right,
    top/bottom), or (left, top, right, bottom); `padding_mode` is 'constant' (the number
    `fill`), 'edge', 'reflect' or 'symmetric'. With `pad_if_needed=True`, an image smaller than
    `size` is then padded on both sides by what it lacks. The window's top-left corner (i, j) is
    uniform over 0 ≤ i ≤ H − h, 0 ≤ j ≤ W − w, drawn for each image of a batch on its own.
    """

    def __init__(self, size, padding=None, pad_if_needed=False, fill=0, padding_mode="constant",
                 *, generator=None):
        self.size = _pair(size, "RandomCrop")
        self.padding = padding
        self._borders = None if padding is None else _borders(padding)
        if padding_mode not in _PAD_MODES:
            raise ValueError(f"RandomCrop: padding_mode must be one of "
                             f"{', '.join(map(repr, _PAD_MODES))}, got {padding_mode!r}")
        if not isinstance(fill, numbers.Real):
            raise TypeError(f"RandomCrop: fill must be a number, got {type(fill).__name__}")
        self.pad_if_needed, self.fill, self.padding_mode = pad_if_needed, fill, padding_mode
        self.generator = generator

    def __call__(self, img):
        batch, was_batch = _as_batch(img, "RandomCrop")
        if self._borders is not None:
            batch = _pad(batch, *self._borders, self.fill, self.padding_mode)
        h, w = self.size
        missing_h, missing_w = max(h - batch.shape[2], 0), max(w - batch.shape[3], 0)
        if self.pad_if_needed and (missing_h or missing_w):
            batch = _pad(batch, missing_w, missing_h, missing_w, missing_h, self.fill,
                         self.padding_mode)
        height, width = batch.shape[2:]
        if height < h or width < w:
            raise ValueError(f"RandomCrop: the crop size {(h, w)} is larger than the image "
                             f"size {(height, width)} (after padding={self.padding}); pass "
                             f"pad_if_needed=True or more padding")
        if (height, width) != (h, w):          # torchvision draws nothing for a full-size crop
            gen = generator_for(self.generator, "cpu")
            top = gen.integers(0, height - h + 1, (len(batch),))
            left = gen.integers(0, width - w + 1, (len(batch),))
            batch = _crop(batch, top, left, h, w)
        return batch if was_batch else batch[0]

    def __repr__(self):
        return f"{type(self).__name__}(size={self.size}, padding={self.padding})"


class RandomHorizontalFlip:
    """Mirror each image left ↔ right (reverse its last dimension) with probability `p`, a
    coin of its own for each image of a batch."""

    def __init__(self, p=0.5, *, generator=None):
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"RandomHorizontalFlip: p must be a probability in [0, 1], got {p}")
        self.p, self.generator = p, generator

    def __call__(self, img):
        batch, _ = _as_batch(img, "RandomHorizontalFlip")
        flip = generator_for(self.generator, "cpu").uniform((len(batch),), np.float32) < self.p
        if not flip.any():
            return img
        if flip.all():
            return img.flip(-1)
        mask = as_tensor(flip, device=img.device).view(-1, 1, 1, 1)     # mixed: a batch
        return ops.where(mask, img.flip(-1), img)

    def __repr__(self):
        return f"{type(self).__name__}(p={self.p})"


class Lambda:
    """A function as a transform: Lambda(fn)(x) = fn(x)."""

    def __init__(self, lambd):
        if not callable(lambd):
            raise TypeError(f"Lambda expects a callable, got {type(lambd).__name__}")
        self.lambd = lambd

    def __call__(self, img):
        return self.lambd(img)

    def __repr__(self):
        return f"{type(self).__name__}()"


__all__ = ["Compose", "ToTensor", "Normalize", "RandomCrop", "RandomHorizontalFlip", "Lambda"]
