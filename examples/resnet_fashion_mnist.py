"""Residual against plain: the same deep network trained with and without its shortcuts on
Fashion-MNIST, the degradation experiment of He et al. 2016 (figures 1 and 6) in miniature.

A plain stack of convolutions gets harder to optimise as it gets deeper: past some depth even
its training loss is worse than a shallower net's, which is not overfitting but the optimiser
failing. Residual blocks, y = relu(F(x) + x), fix that: each block only has to learn a
correction to the identity, and the gradient reaches the first layers through the shortcuts.

    data        mytorch.datasets.FashionMNIST: a seeded random subset of the 60,000 training
                images (--train-size, 5,000 by default) and of the 10,000 test images
                (--test-size, 1,000), scaled to [0, 1] and standardised
    models      mytorch.models.resnet_cifar(depth, residual=True / False) with in_channels=1:
                the paper's CIFAR-10 nets (small-input 3×3 stem, three stages of
                (depth − 2)/6 BasicBlocks, here of widths w, 2w, 4w; global average pooling,
                fc) on 28×28 images: (N, 1, 28, 28) -> (N, w, 28, 28) -> (N, 2w, 14, 14) ->
                (N, 4w, 7, 7) -> (N, 10). The plain net is the same layers with the shortcuts
                (and the 1×1 projections) taken out: same depth, same initialisation
    training    each from the same seed, on the same batches in the same order: SGD with
                momentum 0.9, weight decay 1e-4, lr 0.1 warmed up linearly over the first
                epoch (as the paper does for its 110-layer net), then cosine-annealed to 0
    outputs     under --out (default runs/resnet_fashion_mnist): one figure of both training
                losses (per step) and test accuracies (per epoch), resnet_fashion_mnist.png,
                and a checkpoint of both models and their histories (resnet_fashion_mnist.mt)

Why 110 layers of width 4: the run has to fit in minutes on two cores, about 160 steps per
net. Over so few steps the plain net's handicap grows with depth: at 56 layers (widths 8/16/32)
it still kept up with the residual net (training loss 1.36 against 1.30 after 96 steps), at
110 it hardly leaves ln 10 ≈ 2.30, chance level, while the residual net learns. Width 4 keeps
the cost (here about proportional to depth × width) under four CPU-minutes for the two nets.
Seed 0 gives plain-110: final training loss 2.08, test accuracy 20.2%; resnet-110: 0.96 and
71.1% (220 CPU-seconds in all).

The full run checks the effect: the residual net must end with a lower training loss and a
test accuracy at least 5 points higher than the plain one, or the script exits with status 1.

    python examples/resnet_fashion_mnist.py                 # the comparison (a few minutes)
    python examples/resnet_fashion_mnist.py --smoke --out /tmp/x   # seconds, synthetic data

--smoke needs no dataset: it trains depth-8 nets for a few epochs on random 16×16 class
patterns and checks only that the residual net's loss falls. The full run needs the
Fashion-MNIST files (Debian's dataset-fashion-mnist puts them in /usr/share/datasets, or see
mytorch.datasets.FashionMNIST's download=True); matplotlib draws the figure when installed.
"""
import argparse
import os
import sys
import time

import mytorch as mt
import mytorch.nn.functional as F
from mytorch.models import resnet_cifar
from mytorch.utils.data import DataLoader, TensorDataset

from common import add_run_arguments

MEAN, STD = 0.2860, 0.3530             # of the Fashion-MNIST training pixels, in [0, 1]
ACCURACY_MARGIN = 0.05                 # full run: residual test accuracy - plain's, at least


def fashion_mnist(root, train_size, test_size, seed):
    """(x_train, y_train, x_test, y_test): random subsets, images (N, 1, 28, 28) standardised."""
    try:
        train = mt.datasets.FashionMNIST(root, train=True)
        test = mt.datasets.FashionMNIST(root, train=False)
    except (RuntimeError, OSError) as err:
        sys.exit(f"resnet_fashion_mnist: {err}\n(--smoke runs without the dataset)")
    generator = mt.Generator().manual_seed(seed)

    def subset(dataset, n):
        index = mt.randperm(len(dataset.targets), generator=generator)[:n]
        x = (dataset.data[index].float() / 255 - MEAN) / STD
        return x.unsqueeze(1), dataset.targets[index]

    return (*subset(train, train_size), *subset(test, test_size))


def synthetic(train_size, test_size, seed, size=16, classes=10):
    """Images that need no files: each class a fixed random pattern, each image its class's
    pattern plus as much noise (for --smoke)."""
    generator = mt.Generator().manual_seed(seed)
    patterns = mt.randn(classes, 1, size, size, generator=generator)

    def draw(n):
        y = mt.randint(0, classes, (n,), generator=generator)
        return patterns[y] + mt.randn(n, 1, size, size, generator=generator), y

    return (*draw(train_size), *draw(test_size))


@mt.no_grad()
def accuracy(model, x, y, batch_size=500):
    model.eval()
    correct = 0
    for i in range(0, len(y), batch_size):
        correct += (model(x[i:i + batch_size]).argmax(dim=1) == y[i:i + batch_size]).sum().item()
    return correct / len(y)


def train(name, model, data, args, device):
    """Train `model` for args.epochs; returns its history (a loss per step, an accuracy per
    epoch), printing one line per epoch."""
    x_train, y_train, x_test, y_test = data
    # drop_last: a last batch of a few images would give BatchNorm noisy statistics
    loader = DataLoader(TensorDataset(x_train, y_train), batch_size=args.batch_size,
                        shuffle=True, drop_last=True,
                        generator=mt.Generator().manual_seed(args.seed))
    steps, warmup = args.epochs * len(loader), len(loader)
    optimizer = mt.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9, weight_decay=1e-4)
    schedules = mt.optim.lr_scheduler
    scheduler = schedules.SequentialLR(optimizer, [
        schedules.LinearLR(optimizer, start_factor=1 / warmup, total_iters=warmup),
        schedules.CosineAnnealingLR(optimizer, T_max=max(1, steps - warmup))],
        milestones=[warmup])
    x_test, y_test = x_test.to(device), y_test.to(device)
    history = dict(loss=[], accuracy=[accuracy(model, x_test, y_test)])
    start = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        model.train()
        for x, y in loader:
            loss = F.cross_entropy(model(x.to(device)), y.to(device))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
            history["loss"].append(loss.item())
        history["accuracy"].append(accuracy(model, x_test, y_test))
        recent = history["loss"][-len(loader):]
        print(f"{name:12s} epoch {epoch:3d}   train loss {sum(recent) / len(recent):.4f}   "
              f"test acc {100 * history['accuracy'][-1]:6.2f}%   "
              f"{time.perf_counter() - start:6.1f} s", flush=True)
    history["seconds"] = time.perf_counter() - start
    return history


def smoothed(values, window):
    """Running mean over the last `window` values (a shorter one at the start)."""
    out, total = [], 0.0
    for i, v in enumerate(values):
        total += v - (values[i - window] if i >= window else 0.0)
        out.append(total / min(i + 1, window))
    return out


def plot(path, histories, steps_per_epoch):
    import matplotlib                            # only the example draws: never at import mytorch
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(11, 4))
    for (name, history), color in zip(histories.items(), ("C3", "C0")):
        steps = range(1, len(history["loss"]) + 1)
        ax0.plot(steps, history["loss"], color=color, alpha=0.2, lw=0.8)
        ax0.plot(steps, smoothed(history["loss"], max(1, steps_per_epoch // 4)), color=color,
                 label=name)
        ax1.plot(range(len(history["accuracy"])), [100 * a for a in history["accuracy"]],
                 "o-", ms=4, color=color, label=name)
    ax0.set_xlabel("step")
    ax0.set_ylabel("training cross-entropy")
    ax0.set_title("training loss (light: each batch)")
    ax0.legend()
    ax1.set_xticks(range(len(history["accuracy"])))
    ax1.set_xlabel("epoch")
    ax1.set_ylabel("test accuracy (%)")
    ax1.set_ylim(0, 100)
    ax1.set_title("test accuracy")
    ax1.legend(loc="upper left")
    fig.suptitle("the same depth with and without shortcuts (He et al. 2016, figure 6)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--depth", type=int, default=110, help="6n + 2: 20, 32, 44, 56, 110 ...")
    parser.add_argument("--width", type=int, default=4, help="stage widths w, 2w, 4w")
    parser.add_argument("--train-size", type=int, default=5000)
    parser.add_argument("--test-size", type=int, default=1000)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--root", default=None,
                        help="folder of the Fashion-MNIST files (default: where "
                             "mytorch.datasets.FashionMNIST looks, /usr/share/datasets included)")
    add_run_arguments(parser, out=os.path.join("runs", "resnet_fashion_mnist"))
    parser.add_argument("--smoke", action="store_true",
                        help="seconds, for the tests: synthetic 16×16 data, depth 8, width 4")
    args = parser.parse_args(argv)
    if args.smoke:
        args.depth, args.width, args.epochs, args.batch_size = 8, 4, 4, 32
        data = synthetic(256, 128, args.seed)
        source = "synthetic 16×16 patterns"
    else:
        data = fashion_mnist(args.root, args.train_size, args.test_size, args.seed)
        source = "Fashion-MNIST"
    device = mt.device(args.device)
    steps_per_epoch = len(data[1]) // args.batch_size
    print(f"{source}: {len(data[1])} train, {len(data[3])} test images; depth {args.depth}, "
          f"widths {args.width}/{2 * args.width}/{4 * args.width}, on {device}; SGD lr "
          f"{args.lr} (warm-up, cosine), batch {args.batch_size}, {args.epochs} epochs")

    histories, models = {}, {}
    for residual in (False, True):
        name = f"{'resnet' if residual else 'plain'}-{args.depth}"
        mt.manual_seed(args.seed)                # the same initial weights for both
        model = resnet_cifar(args.depth, num_classes=10, in_channels=1, residual=residual,
                             widths=(args.width, 2 * args.width, 4 * args.width)).to(device)
        n_params = sum(p.numel() for p in model.parameters())
        print(f"{name}: {n_params} parameters")
        histories[name] = train(name, model, data, args, device)
        models[name] = model
    plain, resnet = (histories[f"{kind}-{args.depth}"] for kind in ("plain", "resnet"))

    def final_loss(history):                     # the mean over the last epoch
        return sum(history["loss"][-steps_per_epoch:]) / steps_per_epoch

    print(f"final: plain-{args.depth} train loss {final_loss(plain):.4f}, test accuracy "
          f"{100 * plain['accuracy'][-1]:.2f}% ({plain['seconds']:.0f} s); resnet-{args.depth} "
          f"train loss {final_loss(resnet):.4f}, test accuracy "
          f"{100 * resnet['accuracy'][-1]:.2f}% ({resnet['seconds']:.0f} s)")

    os.makedirs(args.out, exist_ok=True)
    checkpoint = os.path.join(args.out, "resnet_fashion_mnist.mt")
    mt.save({"models": {name: m.state_dict() for name, m in models.items()},
             "histories": histories, "args": vars(args)}, checkpoint)
    print(f"saved {checkpoint}")
    if not args.no_plot:
        path = os.path.join(args.out, "resnet_fashion_mnist.png")
        try:
            plot(path, histories, steps_per_epoch)
            print(f"saved {path}")
        except ImportError:
            print("no plot: matplotlib is not installed (pip install matplotlib)")

    first = sum(resnet["loss"][:steps_per_epoch // 4 or 1]) / (steps_per_epoch // 4 or 1)
    if not final_loss(resnet) < first:
        print(f"FAILED: the residual net's training loss did not fall ({first:.4f} -> "
              f"{final_loss(resnet):.4f})")
        return 1
    if not args.smoke:
        gap = resnet["accuracy"][-1] - plain["accuracy"][-1]
        if not (final_loss(resnet) < final_loss(plain) and gap >= ACCURACY_MARGIN):
            print(f"FAILED: the residual net should train better than the plain one "
                  f"(test accuracy {100 * gap:+.2f} points, at least "
                  f"{100 * ACCURACY_MARGIN:.0f} wanted)")
            return 1
        print(f"OK: without shortcuts the {args.depth}-layer net trains worse: test accuracy "
              f"{100 * gap:+.2f} points with them")
    return 0


if __name__ == "__main__":
    sys.exit(main())
