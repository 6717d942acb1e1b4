"""Draw the figures of docs/04-cnn.md:

    cnn_kernels.png           a Fashion-MNIST test image convolved (F.conv2d, padding 1) with
                              four hand-made 3×3 kernels: Sobel x, Sobel y, Laplacian, mean
    cnn_conv_matrix.png       the matrix A of a convolution (5×5 input, 3×3 kernel, padding 1,
                              stride 2), as mt.autograd.functional.jacobian computes it, and
                              its transpose, the matrix of conv_transpose2d
    cnn_receptive_fields.png  the receptive field by depth for stacks of 3×3 convolutions
                              (plain, strided, dilated), and the gradient of one output unit
                              with respect to the input for random stacks of growing depth

    python docs/figures/make_cnn_figures.py

The image is the first test image of Fashion-MNIST (an ankle boot) when the dataset is
installed (see mytorch/datasets/mnist.py), else a drawn stand-in; everything else is seeded.
"""
import os

import numpy as np

import mytorch as mt
from mytorch import nn
import mytorch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))

KERNELS = {
    "Sobel x (∂/∂x)": [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
    "Sobel y (∂/∂y)": [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
    "Laplacian": [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
    "mean (blur)": [[1 / 9] * 3] * 3,
}


def test_image():
    """(1, 1, 28, 28) float32 in [0, 1] and its name."""
    try:
        test = mt.datasets.FashionMNIST(train=False)
    except RuntimeError:
        print("Fashion-MNIST is not installed: drawing a stand-in image")
        yy, xx = np.mgrid[:28, :28]
        image = ((np.abs(xx - 14) < 8) & (np.abs(yy - 14) < 10)).astype(np.float32)
        image[yy < 8] = 0
        image[(np.abs(xx - 14) < 3) & (yy > 16)] = 0.5
        return mt.tensor(image).reshape(1, 1, 28, 28), "a drawn stand-in"
    name = test.classes[int(test.targets[0])]
    return test.data[:1].float().unsqueeze(1) / 255, f"Fashion-MNIST: {name}"


def receptive_fields(layers):
    """r after each layer, for layers given as (kernel, stride, dilation); as in the chapter."""
    r, j, out = 1, 1, []
    for k, s, d in layers:
        r, j = r + (k - 1) * d * j, j * s
        out.append(r)
    return out


def gradient_map(depth, size=49, width=8, samples=64, seed=0):
    """|∂(centre unit)/∂x| averaged over random inputs, for `depth` layers of 3×3 convolution
    (padding 1, kaiming init, width channels) and ReLU: the effective receptive field."""
    mt.manual_seed(seed)
    layers, channels = [], 1
    for _ in range(depth):
        conv = nn.Conv2d(channels, width, 3, padding=1)
        nn.init.kaiming_normal_(conv.weight, nonlinearity="relu")
        nn.init.zeros_(conv.bias)
        layers += [conv, nn.ReLU()]
        channels = width
    net = nn.Sequential(*layers)
    x = mt.randn(samples, 1, size, size, requires_grad=True)
    y = net(x)
    y[:, :, size // 2, size // 2].sum().backward()
    return x.grad.abs().mean((0, 1)).numpy()


def save(fig, name):
    path = os.path.join(HERE, name)
    fig.savefig(path, dpi=80)
    print(f"wrote {path} ({os.path.getsize(path) // 1024} KB)")


def draw_kernels(plt):
    image, title = test_image()
    weights = mt.tensor(list(KERNELS.values()), dtype=mt.float32).unsqueeze(1)   # (4, 1, 3, 3)
    responses = F.conv2d(image, weights, padding=1)[0].numpy()
    fig, axes = plt.subplots(2, 5, figsize=(10, 4.4),
                             gridspec_kw=dict(height_ratios=[1, 2.2]))
    axes[0, 0].set_axis_off()
    for ax, (name, kernel) in zip(axes[0, 1:], KERNELS.items()):
        kernel = np.array(kernel)
        bound = np.abs(kernel).max()
        ax.imshow(kernel, cmap="RdBu_r", vmin=-bound, vmax=bound)
        for (i, j), v in np.ndenumerate(kernel):
            ax.text(j, i, f"{v:g}" if v == int(v) else "1/9", ha="center", va="center",
                    fontsize=8, color="white" if abs(v) > 0.6 * bound else "black")
        ax.set_title(name, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    axes[1, 0].imshow(image[0, 0].numpy(), cmap="gray", vmin=0, vmax=1)
    axes[1, 0].set_title(title, fontsize=9)
    for ax, response in zip(axes[1, 1:], responses):
        bound = np.abs(response).max()
        ax.imshow(response, cmap="RdBu_r", vmin=-bound, vmax=bound)
    for ax in axes[1]:
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle("F.conv2d(image, kernels, padding=1): red positive, blue negative", fontsize=10)
    fig.tight_layout()
    save(fig, "cnn_kernels.png")
    plt.close(fig)


def draw_conv_matrix(plt):
    kernel = mt.arange(1.0, 10.0, dtype=mt.float64).reshape(1, 1, 3, 3)

    def conv(v):
        return F.conv2d(v.reshape(1, 1, 5, 5), kernel, stride=2, padding=1).reshape(-1)

    A = mt.autograd.functional.jacobian(conv, mt.zeros(25, dtype=mt.float64)).numpy()   # (9, 25)
    g = mt.randn(9, dtype=mt.float64, generator=mt.Generator().manual_seed(0))
    assert np.allclose(F.conv_transpose2d(g.reshape(1, 1, 3, 3), kernel, stride=2,
                                          padding=1).reshape(-1).numpy(), A.T @ g.numpy())
    masked = np.ma.masked_equal(A, 0)
    cmap = plt.get_cmap("viridis").copy()
    cmap.set_bad("white")
    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(10, 4.2),
                                   gridspec_kw=dict(width_ratios=[25, 9]))
    for ax, matrix, title, (rows, cols) in (
            (ax0, masked, "A: y = A·x   (9 outputs × 25 inputs)",
             ("output (i, j)", "input pixel")),
            (ax1, masked.T, "Aᵀ: conv_transpose2d", ("input pixel", "output (i, j)"))):
        ax.imshow(matrix, cmap=cmap, vmin=1, vmax=9)
        for (i, j), v in np.ndenumerate(matrix.filled(0)):
            if v:
                ax.text(j, i, f"{v:.0f}", ha="center", va="center", fontsize=6, color="white")
        ax.set_title(title, fontsize=9)
        ax.set_ylabel(rows, fontsize=8)
        ax.set_xlabel(cols, fontsize=8)
        ax.set_xticks(range(matrix.shape[1]))
        ax.set_yticks(range(matrix.shape[0]))
        ax.tick_params(labelsize=5)
    fig.suptitle("conv2d of a 5×5 image with the 3×3 kernel [[1, 2, 3], [4, 5, 6], [7, 8, 9]], "
                 "padding 1, stride 2: each row of A is the kernel laid over one window "
                 "(cut at the padding)", fontsize=9)
    fig.tight_layout()
    save(fig, "cnn_conv_matrix.png")
    plt.close(fig)


def draw_receptive_fields(plt):
    depth = np.arange(1, 9)
    stacks = {
        "3×3, stride 1": [(3, 1, 1)] * 8,
        "3×3, stride 2 at layers 1, 3, 5, 7": [(3, 2 if i % 2 == 0 else 1, 1) for i in range(8)],
        "3×3, 2×2 pool after every 2 (VGG)": [(3, 1, 1), (3, 1, 1), (2, 2, 1)] * 4,
        "3×3, dilation 1, 2, 4, ... (doubling)": [(3, 1, 2 ** i) for i in range(8)],
    }
    fig, axes = plt.subplots(1, 4, figsize=(12, 3.4), gridspec_kw=dict(width_ratios=[1.6, 1, 1, 1]))
    ax = axes[0]
    for name, layers in stacks.items():
        if "pool" in name:          # count the convolutions only: a pool is not a layer of depth
            r = receptive_fields(layers)
            kept = [r[i] for i, (k, s, d) in enumerate(layers) if s == 1][:8]
            ax.plot(depth, kept, "o-", ms=3, label=name)
        else:
            ax.plot(depth, receptive_fields(layers), "o-", ms=3, label=name)
    ax.set_yscale("log", base=2)
    ax.set_xlabel("number of 3×3 convolutions")
    ax.set_ylabel("receptive field (pixels)")
    ax.set_title("r_l = r_{l−1} + (K − 1)·d·j_{l−1}", fontsize=9)
    ax.legend(fontsize=7)
    size = 49
    for ax, n in zip(axes[1:], (1, 4, 16)):
        grad = gradient_map(n, size=size)
        ax.imshow(grad / grad.max(), cmap="magma", vmin=0, vmax=1)
        r = 2 * n + 1
        lo = size // 2 - n - 0.5
        ax.add_patch(plt.Rectangle((lo, lo), r, r, fill=False, ec="C2", lw=1.2, ls="--"))
        ax.set_title(f"|∂y_centre/∂x|, {n} layer{'s' * (n > 1)}: r = {r}", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    save(fig, "cnn_receptive_fields.png")
    plt.close(fig)


def main():
    import matplotlib                  # drawing stays in this script, never in mytorch
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    draw_kernels(plt)
    draw_conv_matrix(plt)
    draw_receptive_fields(plt)


if __name__ == "__main__":
    main()
