"""Classify Fashion-MNIST with a small convolutional network: 90% test accuracy in a few epochs.

Zalando's Fashion-MNIST is MNIST's format (28×28 grayscale, 60,000 training and 10,000 test
images, ten classes) with pictures of clothes instead of digits: T-shirt/top, trouser,
pullover, dress, coat, sandal, shirt, sneaker, bag, ankle boot. It is much harder than the
digits (an MLP stops near 88-89%), and the classes that look alike (shirt, T-shirt, pullover,
coat) are where the errors go: the confusion matrix shows it.

    data        mt.datasets.FashionMNIST: .data (uint8 (N, 28, 28)) and .targets used directly,
                as float32 (N, 1, 28, 28), standardised by the training pixels' mean and
                standard deviation; batches cut from a random permutation by indexing (no
                per-image Python, so no DataLoader needed)
    model       two convolution stages and a classifier (docs/04-cnn.md explains each layer):
                    conv 3×3 1->32, pad 1, batch norm, relu    (B, 32, 28, 28)
                    max-pool 2                                 (B, 32, 14, 14)
                    conv 3×3 32->64, pad 1, batch norm, relu   (B, 64, 14, 14)
                    max-pool 2                                 (B, 64, 7, 7)
                    flatten, dropout                           (B, 3136)
                    fc 3136 -> 128, relu, dropout              (B, 128)
                    fc 128 -> 10                               (B, 10)
                the convolutions have no bias: the batch norm after each adds its own β
    loss        cross entropy
    optimizer   AdamW with the one-cycle learning-rate schedule (stepped every batch: a
                warm-up to --lr over the first 30% of the steps, then a cosine down to ~0)
    outputs     under --out (default runs/cnn_fashion_mnist):
                    cnn_fashion_mnist_curves.png         loss and accuracy per epoch
                    cnn_fashion_mnist_confusion.png      the 10×10 confusion matrix (test set)
                    cnn_fashion_mnist_filters.png        the 32 learned 3×3 first-layer kernels
                    cnn_fashion_mnist_feature_maps.png   what they make of one test image
                                                         (each map scaled to its maximum)
                    cnn_fashion_mnist_misclassified.png  test images it gets wrong, with the
                                                         true and the predicted class
                    cnn_fashion_mnist.mt                 a checkpoint (mt.save), loaded back
                                                         and checked

The full run (3 epochs) must reach 90% test accuracy; it takes about 5 minutes on two cores and
exits with status 1 below the bar.

    python examples/cnn_fashion_mnist.py                        # full run
    python examples/cnn_fashion_mnist.py --smoke --out /tmp/x   # seconds, no dataset files

--smoke trains for 2 epochs on 320 synthetic 28×28 images (ten classes of random blob
patterns plus noise, named as Fashion-MNIST's), so the tests need no data on disk; it only
checks that the loss falls. The full run needs the Fashion-MNIST files (Debian's
dataset-fashion-mnist installs them in /usr/share/datasets/fashion-mnist; see
mytorch/datasets/mnist.py for the other places looked in, and `download=True`). tqdm draws
a progress bar when installed, matplotlib the figures.
"""
import argparse
import os
import sys
import time

import numpy as np

import mytorch as mt
import mytorch.nn as nn
import mytorch.nn.functional as F

from mlp_digits import progress, verdict
from common import add_run_arguments

QUALITY_BAR = 0.90           # full run: final test accuracy must reach this
TIME_BUDGET = 300.0          # seconds of training the full run should fit in on two cores
EVAL_BATCH = 500             # test images per forward pass when evaluating (bounds the memory)


class FashionCNN(nn.Module):
    """conv-bn-relu-pool twice, then a two-layer classifier (see the module docstring)."""

    def __init__(self, channels=(32, 64), hidden=128, num_classes=10, dropout=0.25):
        super().__init__()
        c1, c2 = channels
        self.conv1 = nn.Conv2d(1, c1, kernel_size=3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c1)
        self.conv2 = nn.Conv2d(c1, c2, kernel_size=3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c2)
        self.pool = nn.MaxPool2d(2)
        self.dropout = nn.Dropout(dropout)
        self.fc1 = nn.Linear(c2 * 7 * 7, hidden)
        self.fc2 = nn.Linear(hidden, num_classes)

    def forward(self, x):                                  # x: (B, 1, 28, 28)
        x = self.pool(F.relu(self.bn1(self.conv1(x))))     # (B, c1, 14, 14)
        x = self.pool(F.relu(self.bn2(self.conv2(x))))     # (B, c2, 7, 7)
        x = self.dropout(x.flatten(1))
        x = self.dropout(F.relu(self.fc1(x)))
        return self.fc2(x)                                 # logits


# ---- data -------------------------------------------------------------------------------------

def synthetic(n_train=320, n_test=160, seed=0):
    """A stand-in for Fashion-MNIST in its shapes and types, for --smoke: ten classes, each a
    fixed random pattern of a few Gaussian blobs; an image is its class's pattern, shifted by up
    to 2 pixels, plus noise, as uint8 (N, 28, 28). Returns (train, test), each (images, labels)."""
    rng = np.random.default_rng(seed)
    grid = np.arange(28)
    templates = np.zeros((10, 28, 28))
    for k in range(10):
        for cy, cx in rng.uniform(5, 23, size=(3, 2)):
            templates[k] += np.exp(-((grid[:, None] - cy) ** 2 + (grid[None, :] - cx) ** 2) / 8)
    templates /= templates.max(axis=(1, 2), keepdims=True)

    def draw(n):
        labels = rng.integers(0, 10, n)
        shifts = rng.integers(-2, 3, size=(n, 2))
        images = np.stack([np.roll(templates[k], tuple(s), axis=(0, 1))
                           for k, s in zip(labels, shifts)])
        images = np.clip(images + 0.3 * rng.standard_normal(images.shape), 0, 1)
        return mt.tensor((255 * images).astype(np.uint8)), mt.tensor(labels)

    return draw(n_train), draw(n_test)


def load_data(smoke, root, seed):
    """((train images, labels), (test images, labels), class names): uint8 (N, 28, 28) images
    and int64 labels, from Fashion-MNIST or, for --smoke, from `synthetic`."""
    classes = mt.datasets.FashionMNIST.classes
    if smoke:
        return (*synthetic(seed=seed), classes)
    try:
        train = mt.datasets.FashionMNIST(root, train=True)
        test = mt.datasets.FashionMNIST(root, train=False)
    except RuntimeError as err:
        sys.exit(f"cnn_fashion_mnist: {err}")
    return (train.data, train.targets), (test.data, test.targets), classes


def standardise(images, mean, std, device):
    """uint8 (N, 28, 28) -> float32 (N, 1, 28, 28), (x/255 − mean)/std, on `device`."""
    return ((images.float() / 255 - mean) / std).unsqueeze(1).to(device)


# ---- training and evaluation ------------------------------------------------------------------

def train_epoch(model, x, y, optimizer, scheduler, batch_size, generator, description):
    """One pass over (x, y) in a random order, stepping the scheduler after every batch;
    returns (mean training loss, training accuracy), both over the epoch as it went."""
    model.train()
    order = mt.randperm(len(x), generator=generator).to(x.device)
    total, correct = 0.0, 0
    for start in progress(range(0, len(x), batch_size), description):
        index = order[start:start + batch_size]
        xb, yb = x[index], y[index]
        logits = model(xb)
        loss = F.cross_entropy(logits, yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()
        total += loss.item() * len(yb)
        correct += (logits.argmax(dim=1) == yb).sum().item()
    return total / len(x), correct / len(x)


@mt.no_grad()
def predict(model, x):
    """The logits of `model` in eval mode on all of x, EVAL_BATCH images at a time."""
    model.eval()
    return mt.cat([model(x[i:i + EVAL_BATCH]) for i in range(0, len(x), EVAL_BATCH)])


def evaluate(model, x, y):
    """(mean cross-entropy, accuracy, predicted classes) on all of x, y."""
    logits = predict(model, x)
    predicted = logits.argmax(dim=1)
    return (F.cross_entropy(logits, y).item(), (predicted == y).float().mean().item(),
            predicted)


def confusion_matrix(y, predicted, num_classes=10):
    """counts[i, j]: how many images of class i were predicted as class j (host NumPy)."""
    y, predicted = y.cpu().numpy(), predicted.cpu().numpy()
    return np.bincount(y * num_classes + predicted,
                       minlength=num_classes ** 2).reshape(num_classes, num_classes)


# ---- figures ----------------------------------------------------------------------------------

def plot_curves(path, history):
    import matplotlib                            # only the example draws: never at import mytorch
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    epochs = [h["epoch"] for h in history]
    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(10, 4))
    ax0.plot(epochs, [h["train_loss"] for h in history], "o-", ms=3, label="train")
    ax0.plot(epochs, [h["test_loss"] for h in history], "o-", ms=3, label="test")
    ax0.set_yscale("log")
    ax0.set_xlabel("epoch")
    ax0.set_ylabel("cross-entropy")
    ax0.set_title("loss (train: running mean over the epoch)")
    ax0.legend()
    trained = history[1:]                        # epoch 0 (≈ 10%) would flatten the rest
    train_acc = [100 * h["train_accuracy"] for h in trained]
    test_acc = [100 * h["test_accuracy"] for h in trained]
    ax1.plot(epochs[1:], train_acc, "o-", ms=3, label="train")
    ax1.plot(epochs[1:], test_acc, "o-", ms=3, label="test")
    ax1.axhline(100 * QUALITY_BAR, color="k", ls="--", lw=1, label=f"{100 * QUALITY_BAR:.0f}%")
    ax1.set_ylim(min(85, *train_acc, *test_acc) - 2, 100)
    ax1.set_xlabel("epoch")
    ax1.set_ylabel("accuracy (%)")
    ax1.set_title("accuracy")
    ax1.legend(loc="lower right")
    for ax in (ax0, ax1):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_confusion(path, counts, classes):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    share = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    fig, ax = plt.subplots(figsize=(7.2, 6.2))
    image = ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
    for i in range(len(classes)):
        for j in range(len(classes)):
            if counts[i, j]:
                ax.text(j, i, str(counts[i, j]), ha="center", va="center", fontsize=7,
                        color="white" if share[i, j] > 0.5 else "black")
    ax.set_xticks(range(len(classes)), classes, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(classes)), classes, fontsize=8)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    accuracy = np.trace(counts) / counts.sum()
    ax.set_title(f"confusion matrix on {counts.sum()} test images ({100 * accuracy:.2f}% on "
                 "the diagonal)", fontsize=9)
    fig.colorbar(image, ax=ax, fraction=0.046, label="share of the true class")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def save_figures(out, model, history, x_test, test_images, y_test, predicted, classes):
    """Every figure of the module docstring, under `out`; returns their paths."""
    from mytorch import viz

    paths = []

    def path(name):
        paths.append(os.path.join(out, f"cnn_fashion_mnist_{name}.png"))
        return paths[-1]

    plot_curves(path("curves"), history)
    plot_confusion(path("confusion"), confusion_matrix(y_test, predicted), classes)
    # The kernels in a diverging colour map, scaled by the largest |w| so that white is 0.
    w = model.conv1.weight.detach().cpu()
    viz.image_grid(w / (2 * w.abs().max()) + 0.5, nrow=8, path=path("filters"), cmap="RdBu_r")
    with mt.no_grad():
        model.eval()
        maps = F.relu(model.bn1(model.conv1(x_test[:1])))[0].cpu()     # (32, 28, 28)
    maps = maps / maps.amax((1, 2), keepdim=True).clamp(min=1e-12)    # each to its own max
    viz.image_grid(mt.cat([test_images[:1].float() / 255, maps]), nrow=11,
                   path=path("feature_maps"),
                   titles=[f"input: {classes[int(y_test[0])]}"] +
                          [f"filter {i}" for i in range(len(maps))])
    wrong = (predicted != y_test).nonzero().reshape(-1)[:32].cpu()
    if len(wrong):
        viz.image_grid(test_images[wrong], nrow=8, path=path("misclassified"),
                       titles=[f"{classes[int(y_test[i])]}\nas {classes[int(predicted[i])]}"
                               for i in wrong.tolist()])
    return paths


# ---- the run ----------------------------------------------------------------------------------

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=3e-3, help="the peak of the one-cycle schedule")
    parser.add_argument("--weight-decay", type=float, default=0.01)
    parser.add_argument("--dropout", type=float, default=0.25)
    parser.add_argument("--root", default=None,
                        help="folder with the Fashion-MNIST files (default: the usual places)")
    add_run_arguments(parser, out=os.path.join("runs", "cnn_fashion_mnist"), figures="figures")
    parser.add_argument("--smoke", action="store_true",
                        help="a short run for the tests: 2 epochs on synthetic images, only "
                             "checks the loss fell")
    args = parser.parse_args(argv)
    epochs = 2 if args.smoke else args.epochs
    batch_size = 32 if args.smoke else args.batch_size
    device = mt.device(args.device)

    mt.manual_seed(args.seed)
    generator = mt.Generator().manual_seed(args.seed)       # the order of the batches
    (train_images, y_train), (test_images, y_test), classes = \
        load_data(args.smoke, args.root, args.seed)
    pixels = train_images.float() / 255
    mean, std = pixels.mean().item(), pixels.std().item()
    x_train = standardise(train_images, mean, std, device)
    x_test = standardise(test_images, mean, std, device)
    y_train, y_test = y_train.to(device), y_test.to(device)

    model = FashionCNN(dropout=args.dropout).to(device)
    optimizer = mt.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    steps_per_epoch = -(-len(x_train) // batch_size)
    scheduler = mt.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=args.lr, epochs=epochs,
                                                 steps_per_epoch=steps_per_epoch)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"{'synthetic (--smoke)' if args.smoke else 'Fashion-MNIST'}: {len(x_train)} train, "
          f"{len(x_test)} test images (pixel mean {mean:.4f}, std {std:.4f}); FashionCNN "
          f"({n_params:,} parameters) on {device}; AdamW, one-cycle lr up to {args.lr}, "
          f"batch {batch_size}, {epochs} epochs")

    # Epoch 0 is the untrained model (its train numbers on the first len(x_test) training
    # images): losses ≈ ln 10 ≈ 2.30, accuracy ≈ 10%. Later train numbers are running means
    # over the epoch, in training mode (dropout on, batch statistics).
    history = []

    def record(epoch, train_loss, train_accuracy, seconds):
        test_loss, test_accuracy, predicted = evaluate(model, x_test, y_test)
        history.append(dict(epoch=epoch, train_loss=train_loss, train_accuracy=train_accuracy,
                            test_loss=test_loss, test_accuracy=test_accuracy))
        print(f"epoch {epoch:3d}   train loss {train_loss:.4f}   train acc "
              f"{100 * train_accuracy:6.2f}%   test loss {test_loss:.4f}   test acc "
              f"{100 * test_accuracy:6.2f}%   {seconds:6.1f} s", flush=True)
        return predicted

    record(0, *evaluate(model, x_train[:len(x_test)], y_train[:len(x_test)])[:2], 0.0)
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        train_loss, train_accuracy = train_epoch(model, x_train, y_train, optimizer, scheduler,
                                                 batch_size, generator,
                                                 f"epoch {epoch}/{epochs}")
        predicted = record(epoch, train_loss, train_accuracy, time.perf_counter() - start)
    seconds = time.perf_counter() - start
    accuracy = history[-1]["test_accuracy"]
    print(f"train loss {history[0]['train_loss']:.4f} -> {history[-1]['train_loss']:.4f}, "
          f"test accuracy {100 * accuracy:.2f}% in {seconds:.1f} s "
          f"({1000 * seconds / (epochs * steps_per_epoch):.1f} ms/step)")

    os.makedirs(args.out, exist_ok=True)
    checkpoint = os.path.join(args.out, "cnn_fashion_mnist.mt")
    mt.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
             "scheduler": scheduler.state_dict(), "epoch": epochs, "seed": args.seed,
             "pixel_mean": mean, "pixel_std": std, "classes": list(classes),
             "history": history, "test_accuracy": accuracy}, checkpoint)
    restored = FashionCNN(dropout=args.dropout).to(device)
    restored.load_state_dict(mt.load(checkpoint)["model"])
    if evaluate(restored, x_test, y_test)[1] != accuracy:
        print(f"FAILED: the model loaded back from {checkpoint} scores differently")
        return 1
    print(f"saved {checkpoint} (loaded back: same test accuracy)")

    if not args.no_plot:
        try:
            for path in save_figures(args.out, model, history, x_test, test_images, y_test,
                                     predicted, classes):
                print(f"saved {path}")
        except ImportError:
            print("no figures: matplotlib is not installed (pip install matplotlib)")

    return verdict(history, accuracy, seconds, args.smoke, QUALITY_BAR, TIME_BUDGET)


if __name__ == "__main__":
    sys.exit(main())
