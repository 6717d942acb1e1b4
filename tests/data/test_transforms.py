"""mytorch.datasets.transforms: closed-form results (NumPy's np.pad and np.flip as the
reference), reproducible randomness, batches drawn per image, errors and reprs."""
import numpy as np
import pytest

import mytorch as mt
from mytorch.datasets import transforms as T


def image(c=2, h=5, w=6, device="cpu"):
    """A (C, H, W) float32 image whose pixels are all different: 0, 1, 2, ..."""
    return mt.arange(c * h * w, dtype=mt.float32).reshape(c, h, w).to(device)


def windows(padded, h, w):
    """{(i, j): padded[:, i:i+h, j:j+w]} for every window position of a (C, H, W) array."""
    return {(i, j): padded[:, i:i + h, j:j + w] for i in range(padded.shape[1] - h + 1)
            for j in range(padded.shape[2] - w + 1)}


def position(crop, padded):
    """Where in `padded` the window `crop` (both NumPy) was cut; fails when nowhere."""
    found = [ij for ij, win in windows(padded, *crop.shape[1:]).items()
             if np.array_equal(win, crop)]
    assert found, "the crop is no window of the padded image"
    return found[0]


# ---- ToTensor -----------------------------------------------------------------------------

def test_to_tensor_arrays_are_hwc_and_uint8_is_scaled():
    gray = np.arange(12, dtype=np.uint8).reshape(3, 4) * 20
    out = T.ToTensor()(gray)
    assert out.shape == (1, 3, 4) and out.dtype == mt.float32
    np.testing.assert_allclose(out.numpy()[0], gray / 255.0, rtol=1e-6)
    rgb = np.random.default_rng(0).integers(0, 256, (3, 4, 3), dtype=np.uint8)
    out = T.ToTensor()(rgb)
    assert out.shape == (3, 3, 4)
    np.testing.assert_allclose(out.numpy(), rgb.transpose(2, 0, 1) / 255.0, rtol=1e-6)
    floats = np.linspace(-2, 2, 24).reshape(2, 4, 3)                # float64, not scaled
    out = T.ToTensor()(floats)
    assert out.shape == (3, 2, 4) and out.dtype == mt.float32
    np.testing.assert_allclose(out.numpy(), floats.transpose(2, 0, 1), rtol=1e-6)


def test_to_tensor_tensors_keep_their_chw_layout():
    pixels = mt.tensor([[0, 51], [102, 255]], dtype=mt.uint8)
    out = T.ToTensor()(pixels)
    assert out.shape == (1, 2, 2) and out.dtype == mt.float32
    np.testing.assert_allclose(out.numpy(), [[[0.0, 0.2], [0.4, 1.0]]], rtol=1e-6)
    chw = (mt.arange(24) % 256).to(mt.uint8).reshape(2, 3, 4)
    assert T.ToTensor()(chw).equal(chw.float() / 255)
    ready = image()                                   # what mytorch's datasets return
    assert T.ToTensor()(ready).equal(ready)
    assert T.ToTensor()(ready.double()).dtype == mt.float32


def test_to_tensor_errors():
    with pytest.raises(TypeError, match="uint8 pixels .* or floating-point ones, got int64"):
        T.ToTensor()(np.zeros((2, 2), np.int64))
    with pytest.raises(TypeError, match=r"uint8 pixels .* got mytorch\.int64"):
        T.ToTensor()(mt.zeros(2, 2, dtype=mt.int64))
    with pytest.raises(ValueError, match=r"an array \(H, W\) or \(H, W, C\), got shape "
                                         r"\(1, 2, 2, 3\)"):
        T.ToTensor()(np.zeros((1, 2, 2, 3), np.uint8))
    with pytest.raises(ValueError, match=r"got shape \(5,\)"):
        T.ToTensor()(mt.zeros(5))
    with pytest.raises(TypeError, match="a NumPy array or a Tensor, got list"):
        T.ToTensor()([[0, 1]])


# ---- Normalize ----------------------------------------------------------------------------

def test_normalize_per_channel(device):
    x = image(3, 2, 2, device)
    out = T.Normalize(mean=(1.0, 2.0, 3.0), std=(0.5, 1.0, 2.0))(x)
    expected = (image(3, 2, 2).numpy() - np.array([1, 2, 3]).reshape(3, 1, 1)) \
        / np.array([0.5, 1, 2]).reshape(3, 1, 1)
    assert out.device == x.device and out.dtype == mt.float32
    np.testing.assert_allclose(out.cpu().numpy(), expected, rtol=1e-6)
    batch = mt.stack([x, x * 2])
    out = T.Normalize((0.5,), (0.25,))(batch)                # one value for every channel
    np.testing.assert_allclose(out.cpu().numpy(), (batch.cpu().numpy() - 0.5) / 0.25, rtol=1e-6)


def test_normalize_inplace_overwrites_the_input():
    x = mt.ones(1, 2, 2)
    out = T.Normalize((0.5,), (0.5,), inplace=True)(x)
    assert out is x and x.tolist() == [[[1.0, 1.0], [1.0, 1.0]]]
    y = mt.ones(1, 2, 2)
    T.Normalize((0.5,), (0.5,))(y)
    assert y.tolist() == [[[1.0, 1.0], [1.0, 1.0]]]


def test_normalize_errors():
    with pytest.raises(ValueError, match=r"Normalize\(std=\(0.5, 0.0\)\): std must not be zero"):
        T.Normalize((0.5, 0.5), (0.5, 0.0))
    with pytest.raises(ValueError, match="mean must be a number or a flat sequence"):
        T.Normalize([[0.5]], [1.0])
    with pytest.raises(ValueError, match=r"Normalize\(mean=\(0.1, 0.2\)\) has 2 values but the "
                                         r"tensor of shape \(3, 4, 4\) has 3 channels"):
        T.Normalize((0.1, 0.2), (1.0,))(mt.zeros(3, 4, 4))
    with pytest.raises(TypeError, match=r"floating-point tensor, got mytorch\.uint8"):
        T.Normalize((0.5,), (0.5,))(mt.zeros(1, 2, 2, dtype=mt.uint8))
    with pytest.raises(ValueError, match=r"got a tensor of shape \(4, 4\)"):
        T.Normalize((0.5,), (0.5,))(mt.zeros(4, 4))
    with pytest.raises(TypeError, match="got ndarray"):
        T.Normalize((0.5,), (0.5,))(np.zeros((1, 2, 2)))


# ---- RandomCrop ---------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["constant", "edge", "reflect", "symmetric"])
def test_random_crop_padding_modes_match_numpy(mode, device):
    x = image(2, 4, 5, device)
    left, top, right, bottom = 1, 2, 3, 1
    crop = T.RandomCrop((4 + top + bottom, 5 + left + right), padding=(left, top, right, bottom),
                        fill=-7, padding_mode=mode)
    kwargs = {"constant_values": -7} if mode == "constant" else {}
    expected = np.pad(image(2, 4, 5).numpy(), ((0, 0), (top, bottom), (left, right)), mode,
                      **kwargs)
    out = crop(x)                                      # a full-size crop: the padded image
    assert out.device == x.device
    np.testing.assert_array_equal(out.cpu().numpy(), expected)


def test_random_crop_symmetric_padding_wider_than_the_image():
    out = T.RandomCrop((2 + 10, 3 + 10), padding=5, padding_mode="symmetric")(image(1, 2, 3))
    np.testing.assert_array_equal(out.numpy(), np.pad(image(1, 2, 3).numpy(),
                                                      ((0, 0), (5, 5), (5, 5)), "symmetric"))


def test_random_crop_padding_forms_and_pad_if_needed():
    x = image(1, 4, 6)
    assert T.RandomCrop((6, 8), padding=1)(x).shape == (1, 6, 8)
    assert T.RandomCrop((8, 8), padding=(1, 2))(x).shape == (1, 8, 8)      # (lr, tb)
    assert T.RandomCrop((5, 10), padding=(2, 0, 2, 1))(x).shape == (1, 5, 10)
    assert T.RandomCrop(7, pad_if_needed=True)(x).shape == (1, 7, 7)
    out = T.RandomCrop((4, 10), pad_if_needed=True, fill=-1)(x)     # 6 → 4 + 6 + 4 columns
    position(out.numpy(), np.pad(x.numpy(), ((0, 0), (0, 0), (4, 4)), constant_values=-1))


def test_random_crop_is_a_window_of_the_padded_image_and_reproducible():
    x = image(2, 6, 6)
    padded = np.pad(x.numpy(), ((0, 0), (2, 2), (2, 2)))
    crop = T.RandomCrop(5, padding=2)
    mt.manual_seed(7)
    first = [crop(x).numpy() for _ in range(5)]
    mt.manual_seed(7)
    again = [crop(x).numpy() for _ in range(5)]
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    spots = {position(c, padded) for c in first}
    assert len(spots) > 1                      # five draws from 36 positions are not all one
    g1, g2 = mt.Generator().manual_seed(3), mt.Generator().manual_seed(3)
    assert T.RandomCrop(5, padding=2, generator=g1)(x).equal(
        T.RandomCrop(5, padding=2, generator=g2)(x))


def test_random_crop_batch_draws_each_image_its_own_window(device):
    x = image(1, 6, 6)
    batch = x.expand(32, 1, 6, 6).to(device)
    mt.manual_seed(0)
    out = T.RandomCrop(4, padding=3)(batch)
    assert out.shape == (32, 1, 4, 4) and out.device == batch.device
    padded = np.pad(x.numpy(), ((0, 0), (3, 3), (3, 3)))
    spots = [position(crop, padded) for crop in out.cpu().numpy()]
    assert len(set(spots)) > 8                        # 32 draws from 81 positions
    mt.manual_seed(0)
    assert T.RandomCrop(4, padding=3)(batch).equal(out)


def test_random_crop_same_seed_same_crops_on_every_device(device):
    mt.manual_seed(5)
    here = T.RandomCrop(3, padding=1)(image(2, 5, 5, device).expand(4, 2, 5, 5))
    mt.manual_seed(5)
    on_cpu = T.RandomCrop(3, padding=1)(image(2, 5, 5).expand(4, 2, 5, 5))
    np.testing.assert_array_equal(here.cpu().numpy(), on_cpu.numpy())


def test_random_crop_errors():
    with pytest.raises(ValueError, match=r"crop size \(8, 8\) is larger than the image size "
                                         r"\(6, 6\) \(after padding=1\)"):
        T.RandomCrop(8, padding=1)(image(1, 4, 4))
    with pytest.raises(ValueError, match=r"size must be a positive int or a sequence \(h, w\) "
                                         r"of two, got \(1, 2, 3\)"):
        T.RandomCrop((1, 2, 3))
    with pytest.raises(ValueError, match=r"padding must be a non-negative int or a sequence of "
                                         r"1, 2 or 4 of them, got \(1, 2, 3\)"):
        T.RandomCrop(4, padding=(1, 2, 3))
    with pytest.raises(ValueError, match="padding_mode must be one of 'constant', 'edge', "
                                         "'reflect', 'symmetric', got 'wrap'"):
        T.RandomCrop(4, padding=1, padding_mode="wrap")
    with pytest.raises(TypeError, match="fill must be a number, got tuple"):
        T.RandomCrop(4, fill=(0, 0, 0))
    with pytest.raises(ValueError, match=r"RandomCrop expects an image \(C, H, W\) or a batch "
                                         r"\(N, C, H, W\), got a tensor of shape \(4, 4\)"):
        T.RandomCrop(2)(mt.zeros(4, 4))
    with pytest.raises(TypeError, match=r"RandomCrop expects a Tensor .* got ndarray"):
        T.RandomCrop(2)(np.zeros((1, 4, 4)))


# ---- RandomHorizontalFlip -----------------------------------------------------------------

def test_random_horizontal_flip_closed_form(device):
    x = image(2, 3, 4, device)
    np.testing.assert_array_equal(T.RandomHorizontalFlip(p=1.0)(x).cpu().numpy(),
                                  np.flip(image(2, 3, 4).numpy(), -1))
    assert T.RandomHorizontalFlip(p=0.0)(x) is x


def test_random_horizontal_flip_batch_flips_each_image_on_its_own_coin(device):
    x = image(1, 2, 3)
    batch = x.expand(64, 1, 2, 3).to(device)
    mt.manual_seed(1)
    out = T.RandomHorizontalFlip()(batch).cpu().numpy()
    flipped = [np.array_equal(o, np.flip(x.numpy(), -1)) for o in out]
    kept = [np.array_equal(o, x.numpy()) for o in out]
    assert all(f != k for f, k in zip(flipped, kept))          # each one or the other
    assert 10 < sum(flipped) < 54
    mt.manual_seed(1)
    np.testing.assert_array_equal(T.RandomHorizontalFlip()(batch).cpu().numpy(), out)


def test_random_horizontal_flip_one_image_both_outcomes_and_generator():
    x = image(1, 2, 3)
    flip = T.RandomHorizontalFlip(p=0.5)
    outcomes = {flip(x).equal(x) for _ in range(50)}
    assert outcomes == {True, False}
    draws = [[T.RandomHorizontalFlip(generator=g)(x).equal(x) for _ in range(20)]
             for g in (mt.Generator().manual_seed(9), mt.Generator().manual_seed(9))]
    assert draws[0] == draws[1]
    with pytest.raises(ValueError, match=r"p must be a probability in \[0, 1\], got 1.5"):
        T.RandomHorizontalFlip(p=1.5)
    with pytest.raises(TypeError, match="RandomHorizontalFlip expects a Tensor"):
        T.RandomHorizontalFlip()([[1, 2]])


# ---- Compose, Lambda, reprs ---------------------------------------------------------------

def test_compose_applies_in_order_and_lambda():
    pipeline = T.Compose([T.ToTensor(), T.Lambda(lambda x: x * 2), T.Normalize((1.0,), (1.0,))])
    out = pipeline(np.full((2, 2), 255, np.uint8))
    assert out.shape == (1, 2, 2) and out.tolist() == [[[1.0, 1.0], [1.0, 1.0]]]
    with pytest.raises(TypeError, match="Lambda expects a callable, got int"):
        T.Lambda(3)


def test_reprs_are_torchvision_s():
    assert repr(T.RandomHorizontalFlip()) == "RandomHorizontalFlip(p=0.5)"
    assert repr(T.RandomCrop(32, padding=4)) == "RandomCrop(size=(32, 32), padding=4)"
    assert repr(T.ToTensor()) == "ToTensor()"
    assert repr(T.Lambda(abs)) == "Lambda()"
    assert repr(T.Compose([T.ToTensor(), T.Normalize((0.5,), (0.5,))])) == (
        "Compose(\n    ToTensor()\n    Normalize(mean=(0.5,), std=(0.5,))\n)")
