"""Classify scikit-learn's 8×8 handwritten digits with an MLP: the `make demo` example.

The whole PyTorch workflow on mytorch's public API, nothing hand-written below it:

    data        mt.datasets.load_digits -> TensorDataset -> random_split (seeded) -> DataLoader
    model       an nn.Module subclass: 64 -> 256 -> 128 -> 10, GELU, dropout
                    h₁ = dropout(gelu(x·W₁ᵀ + b₁))      x: (B, 64), h₁: (B, 256)
                    h₂ = dropout(gelu(h₁·W₂ᵀ + b₂))     h₂: (B, 128)
                    logits = h₂·W₃ᵀ + b₃                logits: (B, 10)
    loss        cross entropy with label smoothing ε = 0.1: the target puts 1 − ε on the true
                class and ε/10 on every class, L = mean_i( logsumexp(logits_i) − q_i·logits_i ),
                which keeps the logits from growing without bound on 1,438 training images
    optimizer   AdamW (decoupled weight decay), lr following a cosine from lr to 0 over the epochs
    outputs     under --out (default runs/): the loss/accuracy curves (mlp_digits_curves.png),
                the autograd graph of one batch's loss (mlp_digits_graph.dot, and .svg where
                Graphviz's `dot` is installed), and a checkpoint (mlp_digits.mt) that is loaded
                back and checked

The 1,797 images are split 80/20 into 1,438 for training and 359 for testing. The full run
must reach 97% test accuracy (it takes well under a minute on two cores); it exits with status
1 otherwise.

    python examples/mlp_digits.py                        # full run, outputs under runs/
    python examples/mlp_digits.py --smoke --out /tmp/x   # 2 epochs (the tests): the loss must fall

Needs scikit-learn (it ships the digits); tqdm draws a progress bar when installed, matplotlib
the curves, Graphviz's `dot` the graph picture. Each is optional except scikit-learn.
"""
import argparse
import math
import os
import shutil
import sys
import time

import mytorch as mt
import mytorch.nn as nn
import mytorch.nn.functional as F
from mytorch.utils.data import DataLoader, TensorDataset, random_split

from common import add_run_arguments

QUALITY_BAR = 0.97           # full run: final test accuracy must reach this
TIME_BUDGET = 60.0           # seconds of training the full run should fit in on two cores
TEST_FRACTION = 0.2


class MLP(nn.Module):
    """64 -> 256 -> 128 -> 10 with GELU and dropout after each hidden layer."""

    def __init__(self, in_features=64, hidden=(256, 128), num_classes=10, dropout=0.2):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden[0])
        self.fc2 = nn.Linear(hidden[0], hidden[1])
        self.fc3 = nn.Linear(hidden[1], num_classes)
        self.act = nn.GELU()
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        x = self.dropout(self.act(self.fc1(x)))
        x = self.dropout(self.act(self.fc2(x)))
        return self.fc3(x)                       # logits: cross_entropy applies log_softmax


def load_data(seed):
    """The digits as (train, test) datasets, split at random with a generator seeded by `seed`."""
    try:
        dataset = mt.datasets.load_digits()
    except ImportError as err:
        sys.exit(f"mlp_digits: {err}")
    n_test = round(len(dataset) * TEST_FRACTION)
    generator = mt.Generator().manual_seed(seed)
    train_set, test_set = random_split(dataset, [len(dataset) - n_test, n_test],
                                       generator=generator)
    return train_set, test_set


def stack(subset):
    """All of a Subset of a TensorDataset as two tensors (for full-batch evaluation)."""
    x, y = subset.dataset.tensors
    index = mt.tensor(subset.indices)
    return x[index], y[index]


def progress(loader, description):
    """`loader` wrapped in a tqdm bar when tqdm is installed and stderr is a terminal."""
    try:
        from tqdm import tqdm
    except ImportError:
        return loader
    return tqdm(loader, desc=description, leave=False, unit="batch", disable=None)


def train_epoch(model, loader, optimizer, device, description, label_smoothing):
    """One pass over `loader`; returns the mean training loss (weighted by batch size)."""
    model.train()
    total, count = 0.0, 0
    for x, y in progress(loader, description):
        x, y = x.to(device), y.to(device)
        loss = F.cross_entropy(model(x), y, label_smoothing=label_smoothing)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * len(y)
        count += len(y)
    return total / count


@mt.no_grad()
def evaluate(model, x, y, label_smoothing=0.0):
    """(mean cross-entropy, accuracy) of `model` in eval mode (no dropout) on all of x, y."""
    model.eval()
    logits = model(x)
    loss = F.cross_entropy(logits, y, label_smoothing=label_smoothing).item()
    accuracy = (logits.argmax(dim=1) == y).float().mean().item()
    return loss, accuracy


def fit(model, loader, optimizer, scheduler, epochs, device, data, label_smoothing):
    """Train for `epochs` epochs, the learning rate scheduled once per epoch, and evaluate after
    each; epoch 0 is the untrained model (both losses ≈ ln 10 ≈ 2.30, accuracy ≈ 10%).
    data = (x_train, y_train, x_test, y_test). Returns the history (a dict per epoch) and the
    seconds of training."""
    x_train, y_train, x_test, y_test = data
    history = []

    def record(epoch, train_loss, seconds):
        test_loss, test_accuracy = evaluate(model, x_test, y_test)
        history.append(dict(epoch=epoch, train_loss=train_loss, test_loss=test_loss,
                            test_accuracy=test_accuracy))
        print(f"epoch {epoch:3d}   train loss {train_loss:.4f}   test loss {test_loss:.4f}   "
              f"test acc {100 * test_accuracy:6.2f}%   {seconds:5.1f} s", flush=True)

    record(0, evaluate(model, x_train, y_train, label_smoothing)[0], 0.0)
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        train_loss = train_epoch(model, loader, optimizer, device, f"epoch {epoch}/{epochs}",
                                 label_smoothing)
        scheduler.step()
        record(epoch, train_loss, time.perf_counter() - start)
    seconds = time.perf_counter() - start
    print(f"train loss {history[0]['train_loss']:.4f} -> {history[-1]['train_loss']:.4f}, "
          f"test accuracy {100 * history[-1]['test_accuracy']:.2f}% in {seconds:.1f} s "
          f"({1000 * seconds / (epochs * len(loader)):.2f} ms/step)")
    return history, seconds


def save_checkpoint(path, model, optimizer, scheduler, epochs, seed, fresh, x_test, y_test,
                    accuracy):
    """Save model, optimizer and scheduler state to `path`, load the model back into `fresh`
    (a new, untrained instance) and check it scores the same; returns whether it did."""
    mt.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
             "scheduler": scheduler.state_dict(), "epoch": epochs, "seed": seed,
             "test_accuracy": accuracy}, path)
    fresh.load_state_dict(mt.load(path)["model"])
    if evaluate(fresh, x_test, y_test)[1] != accuracy:
        print(f"FAILED: the model loaded back from {path} scores differently")
        return False
    print(f"saved {path} (loaded back: same test accuracy)")
    return True


def save_graph(model, x, y, out):
    """The autograd graph of one batch's loss: DOT text always, an SVG where `dot` exists."""
    try:
        from mytorch import viz
    except ImportError as err:
        print(f"no graph: mytorch.viz is not available ({err})")
        return
    model.train()                                # the graph of a training step, dropout included
    loss = F.cross_entropy(model(x), y)
    graph = viz.draw_graph(loss, params=dict(model.named_parameters()))
    path = os.path.join(out, "mlp_digits_graph")
    with open(path + ".dot", "w") as f:
        f.write(graph.source)
    print(f"saved {path}.dot")
    if shutil.which("dot") is None:
        print("no graph picture: Graphviz's `dot` is not installed (apt-get install graphviz); "
              "the .dot text renders anywhere else")
        return
    print(f"saved {viz.render(graph, path + '.svg', format='svg')}")


def plot(path, history, label_smoothing, quality_bar=QUALITY_BAR, title="loss"):
    """The loss curves (with the objective's floor under label smoothing) and the test
    accuracy against `quality_bar`, per epoch."""
    import matplotlib                            # only the example draws: never at import mytorch
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = [h["epoch"] for h in history]
    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(10, 4))
    ax0.plot(epochs, [h["train_loss"] for h in history], "o-", ms=3, label="train (objective)")
    ax0.plot(epochs, [h["test_loss"] for h in history], "o-", ms=3, label="test")
    if label_smoothing > 0:                      # the entropy of the smoothed target
        k, eps = 10, label_smoothing
        q = 1 - eps + eps / k
        floor = -q * math.log(q) - (k - 1) * (eps / k) * math.log(eps / k)
        ax0.axhline(floor, color="C0", ls=":", lw=1, label=f"floor of the objective ({floor:.2f})")
    ax0.set_yscale("log")
    ax0.set_xlabel("epoch")
    ax0.set_ylabel("cross-entropy")
    ax0.legend()
    ax0.set_title(title)
    ax1.plot(epochs, [100 * h["test_accuracy"] for h in history], "o-", ms=3, color="C2")
    ax1.axhline(100 * quality_bar, color="k", ls="--", lw=1, label=f"{100 * quality_bar:.0f}%")
    ax1.set_ylim(0, 100)
    ax1.set_xlabel("epoch")
    ax1.set_ylabel("test accuracy (%)")
    ax1.legend(loc="lower right")
    ax1.set_title("test accuracy")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def verdict(history, accuracy, seconds, smoke, quality_bar, time_budget):
    """The exit status of a classification example: 1 unless the training loss at least
    halved and (outside smoke runs) the test accuracy reached the bar; says which, and notes
    a run over its time budget."""
    first, last = history[0]["train_loss"], history[-1]["train_loss"]
    if not last < first / 2:
        print(f"FAILED: the training loss did not fall ({first:.4f} -> {last:.4f})")
        return 1
    if not smoke:
        if not accuracy >= quality_bar:
            print(f"FAILED: test accuracy {100 * accuracy:.2f}% is below "
                  f"{100 * quality_bar:.0f}%")
            return 1
        note = "" if seconds <= time_budget else \
            f" (but training took {seconds:.0f} s, over the {time_budget:.0f} s budget)"
        print(f"OK: test accuracy {100 * accuracy:.2f}% >= {100 * quality_bar:.0f}%{note}")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--weight-decay", type=float, default=0.01)
    parser.add_argument("--dropout", type=float, default=0.2)
    parser.add_argument("--label-smoothing", type=float, default=0.1)
    add_run_arguments(parser)
    parser.add_argument("--smoke", action="store_true",
                        help="a short run for the tests: 2 epochs, only checks the loss fell")
    args = parser.parse_args(argv)
    epochs = 2 if args.smoke else args.epochs
    device = mt.device(args.device)

    mt.manual_seed(args.seed)
    train_set, test_set = load_data(args.seed)
    x_train, y_train = (t.to(device) for t in stack(train_set))
    x_test, y_test = (t.to(device) for t in stack(test_set))
    loader = DataLoader(TensorDataset(*stack(train_set)), batch_size=args.batch_size,
                        shuffle=True)
    model = MLP(dropout=args.dropout).to(device)
    optimizer = mt.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    scheduler = mt.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"digits: {len(train_set)} train, {len(test_set)} test images; "
          f"MLP 64-256-128-10 ({n_params} parameters) on {device}; AdamW lr {args.lr} "
          f"with a cosine schedule, batch {args.batch_size}, {epochs} epochs")

    # The train loss is the objective (smoothed targets, dropout on; its floor is the entropy
    # of the smoothed target, 0.50 for ε = 0.1), the test loss plain cross-entropy.
    history, seconds = fit(model, loader, optimizer, scheduler, epochs, device,
                           (x_train, y_train, x_test, y_test), args.label_smoothing)
    accuracy = history[-1]["test_accuracy"]
    os.makedirs(args.out, exist_ok=True)
    checkpoint = os.path.join(args.out, "mlp_digits.mt")
    if not save_checkpoint(checkpoint, model, optimizer, scheduler, epochs, args.seed,
                           MLP(dropout=args.dropout).to(device), x_test, y_test, accuracy):
        return 1

    save_graph(model, x_train[:args.batch_size], y_train[:args.batch_size], args.out)
    if not args.no_plot:
        path = os.path.join(args.out, "mlp_digits_curves.png")
        try:
            plot(path, history, args.label_smoothing)
            print(f"saved {path}")
        except ImportError:
            print("no plot: matplotlib is not installed (pip install matplotlib)")

    return verdict(history, accuracy, seconds, args.smoke, QUALITY_BAR, TIME_BUDGET)


if __name__ == "__main__":
    sys.exit(main())
