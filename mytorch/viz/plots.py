"""Training curves and image grids with matplotlib.

Both functions build a `matplotlib.figure.Figure` directly rather than through pyplot: no GUI
backend is chosen, nothing needs a display (the Agg canvas draws the PNG), and no figure is
left open in pyplot's global list. The Figure is returned, so a notebook shows it and a
script can add to it; `path=` saves it as a PNG.

    history = {"train loss": [...], "val loss": [...]}
    plot_curves(history, path="loss.png", logy=True)
    image_grid(batch_of_images, nrow=8, path="samples.png")

matplotlib is imported inside the functions, so `import mytorch` never loads it.
"""
import math
import os

import numpy as np

from ..tensor import Tensor


def plot_curves(history, path=None, title=None, xlabel="epoch", ylabel=None, logy=False):
    """One line per named series of `history` (name -> list of numbers, e.g. a loss per
    epoch), plotted against 1, 2, ..., n. Saves a PNG at `path` when given; returns the Figure."""
    Figure = _figure_class()
    from matplotlib.ticker import MaxNLocator
    if not history:
        raise ValueError("plot_curves() needs at least one series: history={'loss': [...]}")
    fig = Figure(figsize=(6.4, 4.0), layout="constrained")
    ax = fig.subplots()
    for name, values in history.items():
        ys = [float(v) for v in values]
        ax.plot(range(1, len(ys) + 1), ys, label=str(name), marker="." if len(ys) < 30 else None)
    if logy:
        ax.set_yscale("log")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))     # epochs are whole numbers
    ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    if title is not None:
        ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.legend()
    if path is not None:
        fig.savefig(os.fspath(path), format="png", dpi=100)
    return fig


def image_grid(images, nrow=8, path=None, titles=None, cmap="gray"):
    """`images` (a Tensor or array of shape (N, H, W) or (N, C, H, W) with C = 1, 3 or 4) side
    by side, `nrow` per row (as torchvision's make_grid). Values are scaled to [0, 1] for
    display: uint8 by 1/255, floats already in [0, 1] as they are, other values by the batch's
    min and max (one scale for all, so brightness compares across images). `titles`: one string
    per image. Saves a PNG at `path` when given; returns the Figure."""
    Figure = _figure_class()
    array = _as_images(images)
    n = array.shape[0]
    if titles is not None and len(titles) != n:
        raise ValueError(f"image_grid() got {len(titles)} titles for {n} images")
    cols = max(1, min(nrow, n))
    rows = max(1, math.ceil(n / cols))
    fig = Figure(figsize=(1.6 * cols, 1.6 * rows + (0.3 * rows if titles else 0)),
                 layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for i, ax in enumerate(axes):
        ax.set_axis_off()
        if i >= n:
            continue
        image = array[i]
        if image.ndim == 2:
            ax.imshow(image, cmap=cmap, vmin=0.0, vmax=1.0, interpolation="nearest")
        else:
            ax.imshow(image, interpolation="nearest")
        if titles is not None:
            ax.set_title(str(titles[i]), fontsize=8)
    if path is not None:
        fig.savefig(os.fspath(path), format="png", dpi=100)
    return fig


def _as_images(images):
    """A float array in [0, 1] of shape (N, H, W) or (N, H, W, C), as imshow wants it."""
    if isinstance(images, Tensor):
        images = images.detach().cpu().numpy()
    array = np.asarray(images)
    if array.ndim == 4:
        if array.shape[1] not in (1, 3, 4):
            raise ValueError(f"image_grid() got images of shape {array.shape}: (N, C, H, W) "
                             f"needs C = 1 (grey), 3 (RGB) or 4 (RGBA), not {array.shape[1]}")
        array = array[:, 0] if array.shape[1] == 1 else array.transpose(0, 2, 3, 1)
    elif array.ndim != 3:
        raise ValueError(f"image_grid() got images of shape {array.shape}: expected "
                         "(N, H, W) or (N, C, H, W)")
    if array.size == 0:
        raise ValueError(f"image_grid() got no images (shape {array.shape})")
    if array.dtype == np.uint8:
        return array.astype(np.float32) / 255.0
    array = array.astype(np.float32)
    low, high = float(array.min()), float(array.max())
    if low < 0.0 or high > 1.0:
        array = (array - low) / (high - low) if high > low else np.zeros_like(array)
    return array


def _figure_class():
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise ImportError("mytorch.viz plots need matplotlib: pip install matplotlib") from exc
    return Figure
