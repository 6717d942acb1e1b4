"""Draw the figures of docs/05-resnet.md:

    resnet_gradients.png   ‖∂L/∂W‖ for every convolution of the paper's CIFAR networks
                           (mytorch.models.resnet_cifar, 20, 56 and 110 layers) at
                           initialisation, without and with the shortcuts, for one batch of
                           random images and labels
    resnet_batchnorm.png   BatchNorm2d's running mean and variance over training steps, for
                           momentum 0.1, 0.01 and None (the cumulative average), on batches
                           drawn from N(5, 2²)
    resnet_costs.png       weights of a 3×3 convolution against a depthwise-separable one
                           (DepthwiseSeparableConv), and of a BasicBlock against a Bottleneck
                           (which costs what a basic block four times narrower does), by
                           width, counted on the real modules

    python docs/figures/make_resnet_figures.py
"""
import os

import mytorch as mt
from mytorch import nn
import mytorch.nn.functional as F
from mytorch.models import BasicBlock, Bottleneck, DepthwiseSeparableConv, resnet_cifar

HERE = os.path.dirname(os.path.abspath(__file__))
DEPTHS = (20, 56, 110)


def conv_gradient_norms(depth, residual, seed=0):
    """‖∂L/∂W‖ of each convolution of resnet_cifar(depth) in forward order (the projection
    shortcuts left out), at initialisation, for cross-entropy on 16 random 3×16×16 images."""
    mt.manual_seed(seed)
    net = resnet_cifar(depth, residual=residual)
    x = mt.randn(16, 3, 16, 16)
    y = mt.randint(0, 10, (16,))
    F.cross_entropy(net(x), y).backward()
    return [m.weight.grad.norm().item() for name, m in net.named_modules()
            if isinstance(m, nn.Conv2d) and "downsample" not in name]


def running_statistics(momentum, steps=300, seed=0):
    """The running mean and variance of channel 0 after each of `steps` training batches."""
    mt.manual_seed(seed)
    bn = nn.BatchNorm2d(1, momentum=momentum)
    means, variances = [], []
    for _ in range(steps):
        bn(2 * mt.randn(16, 1, 4, 4) + 5)
        means.append(bn.running_mean[0].item())
        variances.append(bn.running_var[0].item())
    return means, variances


def weights(module):
    """The convolution weights of `module` (its batch norms' γ and β left out)."""
    return sum(p.numel() for name, p in module.named_parameters() if p.ndim == 4)


def save(fig, name):
    path = os.path.join(HERE, name)
    fig.savefig(path, dpi=80)
    print(f"wrote {path} ({os.path.getsize(path) // 1024} KB)")


def draw_gradients(plt):
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True)
    for ax, residual in zip(axes, (False, True)):
        for depth in DEPTHS:
            norms = conv_gradient_norms(depth, residual)
            ax.plot(range(1, len(norms) + 1), norms, lw=1.4, label=f"{depth} layers")
        ax.set_yscale("log")
        ax.set_xlabel("convolution, from the input")
        ax.set_title(f"{'residual' if residual else 'plain'}: resnet_cifar(depth, "
                     f"residual={residual})", fontsize=9)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    axes[0].set_ylabel("‖∂L/∂W‖ at initialisation")
    fig.tight_layout()
    save(fig, "resnet_gradients.png")
    plt.close(fig)


def draw_batchnorm(plt):
    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(10, 3.4))
    for momentum in (0.1, 0.01, None):
        means, variances = running_statistics(momentum)
        label = "momentum None (cumulative)" if momentum is None else f"momentum {momentum}"
        ax0.plot(range(1, len(means) + 1), means, lw=1.3, label=label)
        ax1.plot(range(1, len(variances) + 1), variances, lw=1.3, label=label)
    for ax, truth, name in ((ax0, 5, "running_mean (true mean 5)"),
                            (ax1, 4, "running_var (true variance 4)")):
        ax.axhline(truth, color="k", ls="--", lw=1)
        ax.set_xscale("log")
        ax.set_xlabel("training step (batches of 16×4×4 values)")
        ax.set_title(name, fontsize=9)
        ax.legend(fontsize=8)
    fig.tight_layout()
    save(fig, "resnet_batchnorm.png")
    plt.close(fig)


def draw_costs(plt):
    widths = [16, 32, 64, 128, 256, 512]
    standard = [weights(nn.Conv2d(c, c, 3, bias=False)) for c in widths]
    separable = [weights(DepthwiseSeparableConv(c, c)) for c in widths]
    basic = [weights(BasicBlock(c, c)) for c in widths]
    bottleneck = [weights(Bottleneck(c, c // 4)) for c in widths]
    narrow = [weights(BasicBlock(c // 4, c // 4)) for c in widths]
    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(10, 3.6))
    ax0.plot(widths, standard, "o-", ms=3, label="Conv2d(C, C, 3): 9·C²")
    ax0.plot(widths, separable, "o-", ms=3, label="DepthwiseSeparableConv(C, C): 9·C + C²")
    for c, s, d in zip(widths, standard, separable):
        ax0.annotate(f"{s / d:.1f}×", (c, (s * d) ** 0.5), ha="center", fontsize=7)
    ax1.plot(widths, basic, "o-", ms=3, label="BasicBlock(C, C): 18·C²")
    ax1.plot(widths, bottleneck, "o-", ms=3, label="Bottleneck(C, C/4): 17·(C/4)²")
    ax1.plot(widths, narrow, "o--", ms=3, label="BasicBlock(C/4, C/4): 18·(C/4)²")
    for ax, title in ((ax0, "a 3×3 convolution, C -> C channels"),
                      (ax1, "a residual block of width C")):
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel("channels C")
        ax.set_ylabel("convolution weights (= multiply-adds per pixel)")
        ax.set_title(title, fontsize=9)
        ax.legend(fontsize=8)
        ax.grid(True, alpha=0.3)
    fig.tight_layout()
    save(fig, "resnet_costs.png")
    plt.close(fig)


def main():
    import matplotlib                  # drawing stays in this script, never in mytorch
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    draw_gradients(plt)
    draw_batchnorm(plt)
    draw_costs(plt)


if __name__ == "__main__":
    main()
