"""Tell balanced strings of parentheses from unbalanced ones with a bidirectional GRU over
packed sequences of different lengths.

A string such as `(()())` is balanced when its depth (the running count of `(` minus `)`)
never goes below zero and ends at zero. No fixed window can decide that: the model has to
count, over sequences of 2 to 40 symbols. The data are made so that the easy cues do not
suffice: every string has an even length, and the unbalanced ones are, in equal parts,

    flipped     a balanced string with one symbol flipped (the counts differ by two)
    shuffled    a random arrangement of k `(` and k `)` that is not balanced (right counts)
    dipped      a balanced string with one outermost pair `(…)` turned into `)…(`: right
                counts, and balanced but for one stretch at depth −1

and the balanced ones are drawn uniformly among all balanced strings of their length (the
cycle lemma, below). The test strings are drawn the same way and none of them occurs in the
training set (so it has few short strings: nearly all of those are in the training set).

    tokens      0 padding, 1 `(`, 2 `)`; a batch is (N, T) padded on the right, with lengths
    model       e = Embedding(3, 16)(tokens)                          (N, T, 16)
                packed = pack_padded_sequence(e, lengths, batch_first=True,
                                              enforce_sorted=False)
                _, h_n = GRU(16, 64, num_layers=L, bidirectional=True)(packed)
                                        h_n: (L layers · 2 directions, N, 64), L = --layers
                logits = Linear(128, 2)([h_n[-2], h_n[-1]])          (N, 2)
                h_n[-2] is the last layer's forward direction after each string's own last
                symbol, h_n[-1] its backward direction after reading the string from its own
                end back to the first symbol: thanks to packing, no padding is ever read.
    loss        cross-entropy; Adam, lr decayed by a cosine over the epochs; gradient norm
                clipped at 1
    outputs     under --out (default runs/): the curves and the accuracy by length
                (sequence_classification.png) and a checkpoint (sequence_classification.mt),
                loaded back and checked

The full run must reach 95% test accuracy; it exits with status 1 otherwise. It also reports,
without requiring anything, the accuracy on strings up to twice as long as any it trained on.

    python examples/sequence_classification.py                        # full run (a minute or two)
    python examples/sequence_classification.py --smoke --out /tmp/x   # seconds (the tests)

tqdm draws a progress bar when installed, matplotlib the figure; both are optional.
"""
import argparse
import os
import sys
import time

import numpy as np

import mytorch as mt
import mytorch.nn as nn
import mytorch.nn.functional as F
from mytorch.nn.utils.rnn import pack_padded_sequence
from mytorch.utils.data import DataLoader, TensorDataset

from common import add_run_arguments

QUALITY_BAR = 0.95           # full run: test accuracy must reach this
PAD, OPEN, CLOSE = 0, 1, 2
SYMBOLS = {OPEN: "(", CLOSE: ")"}


# ---- the data -------------------------------------------------------------------------------

def balanced(rng, k):
    """A balanced string of k `(` and k `)` (as ±1 steps), uniform among all of them.

    Cycle lemma: of the 2k + 1 rotations of any arrangement of k up-steps (+1) and k + 1
    down-steps (−1), exactly one keeps every partial sum ≥ 0 until the last step: the one
    that starts just after the first place where the partial sums reach their minimum.
    Dropping its final −1 leaves a balanced string, and every one comes from the same number
    of arrangements, so shuffling and rotating draws them uniformly."""
    steps = rng.permutation(np.r_[np.ones(k, np.int64), -np.ones(k + 1, np.int64)])
    start = int(np.argmin(np.cumsum(steps))) + 1
    return np.roll(steps, -start)[:-1]


def is_balanced(steps):
    depth = np.cumsum(steps)
    return depth.size == 0 or (depth.min() >= 0 and depth[-1] == 0)


def unbalanced(rng, k):
    """One of the three kinds of unbalanced strings of length 2k, chosen at random."""
    kind = rng.integers(3)
    if kind == 0:                                            # flipped
        steps = balanced(rng, k)
        steps[rng.integers(2 * k)] *= -1
        return steps
    if kind == 1 and k > 1:                                  # shuffled (for k = 1: dipped)
        while True:
            steps = rng.permutation(np.r_[np.ones(k, np.int64), -np.ones(k, np.int64)])
            if not is_balanced(steps):
                return steps
    steps = balanced(rng, k)                                 # dipped: (…) -> )…(
    depth = np.cumsum(steps)
    i = rng.choice(np.flatnonzero(np.r_[0, depth[:-1]] == 0))   # a `(` that leaves depth 0
    j = i + int(np.argmax(depth[i:] == 0))                      # the `)` that comes back
    steps[i], steps[j] = -1, 1
    return steps


def make_strings(n, lengths, rng, exclude=()):
    """n distinct strings (of ±1 steps) of even lengths in lengths = (shortest, longest), half
    balanced, none in `exclude`; returns (list of arrays, labels 1 = balanced)."""
    strings, labels, seen = [], [], set(exclude)
    while len(strings) < n:
        k = int(rng.integers(lengths[0] // 2, lengths[1] // 2 + 1))
        label = len(strings) % 2
        steps = balanced(rng, k) if label else unbalanced(rng, k)
        key = steps.tobytes()
        if key in seen:
            continue
        seen.add(key)
        strings.append(steps)
        labels.append(label)
    return strings, np.array(labels, np.int64)


def to_tensors(strings, labels):
    """(tokens (N, T) padded with 0, lengths (N,), labels (N,)) as int64 tensors."""
    longest = max(len(s) for s in strings)
    tokens = np.zeros((len(strings), longest), np.int64)
    for row, steps in zip(tokens, strings):
        row[:len(steps)] = np.where(steps > 0, OPEN, CLOSE)
    lengths = np.array([len(s) for s in strings], np.int64)
    return mt.tensor(tokens), mt.tensor(lengths), mt.tensor(labels)


def text(tokens, length):
    return "".join(SYMBOLS[t] for t in tokens[:length].tolist())


# ---- the model ------------------------------------------------------------------------------

class BracketClassifier(nn.Module):
    """Embedding -> bidirectional GRU over the packed strings -> Linear on both final states."""

    def __init__(self, embedding=16, hidden=64, num_layers=1):
        super().__init__()
        self.embed = nn.Embedding(3, embedding, padding_idx=PAD)
        self.gru = nn.GRU(embedding, hidden, num_layers=num_layers, batch_first=True,
                          bidirectional=True)
        self.head = nn.Linear(2 * hidden, 2)

    def forward(self, tokens, lengths):
        packed = pack_padded_sequence(self.embed(tokens), lengths, batch_first=True,
                                      enforce_sorted=False)
        _, h_n = self.gru(packed)                  # (num_layers · 2, N, hidden)
        return self.head(mt.cat([h_n[-2], h_n[-1]], dim=1))


# ---- training -------------------------------------------------------------------------------

def progress(loader, description):
    """`loader` wrapped in a tqdm bar when tqdm is installed and stderr is a terminal."""
    try:
        from tqdm import tqdm
    except ImportError:
        return loader
    return tqdm(loader, desc=description, leave=False, unit="batch", disable=None)


def trim(tokens, lengths):
    """The batch cut to its own longest string (packing then skips nothing more)."""
    return tokens[:, :int(lengths.max().item())], lengths


def train_epoch(model, loader, optimizer, device, description):
    """One pass over `loader` (the curves come from `evaluate`, after each epoch)."""
    model.train()
    for tokens, lengths, labels in progress(loader, description):
        tokens, lengths = trim(tokens.to(device), lengths)
        labels = labels.to(device)
        loss = F.cross_entropy(model(tokens, lengths), labels)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()


@mt.no_grad()
def evaluate(model, tokens, lengths, labels, batch_size=1000):
    """(mean cross-entropy, accuracy, the predictions) on all the strings, in eval mode."""
    model.eval()
    logits = mt.cat([model(*trim(tokens[i:i + batch_size], lengths[i:i + batch_size]))
                     for i in range(0, len(labels), batch_size)])
    loss = F.cross_entropy(logits, labels).item()
    predictions = logits.argmax(dim=1)
    return loss, (predictions == labels).float().mean().item(), predictions


def plot(path, history, by_length, max_length):
    import matplotlib                            # only the example draws: never at import mytorch
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = [h["epoch"] for h in history]
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    axes[0].plot(epochs, [h["train_loss"] for h in history], "o-", ms=3, label="train")
    axes[0].plot(epochs, [h["test_loss"] for h in history], "o-", ms=3, label="test")
    axes[0].set_yscale("log")
    axes[0].set_xlabel("epoch")
    axes[0].set_ylabel("cross-entropy")
    axes[0].set_title("loss")
    axes[0].legend()
    axes[1].plot(epochs, [100 * h["train_accuracy"] for h in history], "o-", ms=3,
                 label="train")
    axes[1].plot(epochs, [100 * h["test_accuracy"] for h in history], "o-", ms=3,
                 label="test")
    axes[1].axhline(100 * QUALITY_BAR, color="k", ls="--", lw=1,
                    label=f"{100 * QUALITY_BAR:.0f}%")
    axes[1].set_ylim(40, 100)
    axes[1].set_xlabel("epoch")
    axes[1].set_ylabel("accuracy (%)")
    axes[1].set_title("accuracy")
    axes[1].legend(loc="lower right")
    for (lengths, correct), label, color in zip(by_length, ("test", "longer than training"),
                                                ("C1", "C3")):
        sizes = np.unique(lengths)
        axes[2].plot(sizes, [100 * correct[lengths == n].mean() for n in sizes], "o-", ms=3,
                     color=color, label=label)
    axes[2].axvline(max_length + 1, color="0.6", lw=1)
    axes[2].axhline(100 * QUALITY_BAR, color="k", ls="--", lw=1)
    axes[2].set_ylim(40, 101)
    axes[2].set_xlabel("string length")
    axes[2].set_ylabel("accuracy (%)")
    axes[2].set_title("final accuracy by length")
    axes[2].legend(loc="lower left")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--train-size", type=int, default=6000)
    parser.add_argument("--test-size", type=int, default=2000)
    parser.add_argument("--max-length", type=int, default=40)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--layers", type=int, default=1, help="stacked GRU layers")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=3e-3)
    add_run_arguments(parser)
    parser.add_argument("--smoke", action="store_true",
                        help="a short run for the tests: 2 epochs on 512 strings")
    args = parser.parse_args(argv)
    epochs = 2 if args.smoke else args.epochs
    train_size = 512 if args.smoke else args.train_size
    test_size = 256 if args.smoke else args.test_size
    device = mt.device(args.device)

    mt.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    lengths = (2, args.max_length)
    train_strings, train_labels = make_strings(train_size, lengths, rng)
    test_strings, test_labels = make_strings(test_size, lengths, rng,
                                             exclude={s.tobytes() for s in train_strings})
    train_data = to_tensors(train_strings, train_labels)
    test_data = tuple(t.to(device) for t in to_tensors(test_strings, test_labels))
    # longer than any training string: does the counting carry over? (reported, not required)
    longer = tuple(t.to(device) for t in to_tensors(
        *make_strings(test_size, (args.max_length + 2, 2 * args.max_length), rng)))
    loader = DataLoader(TensorDataset(*train_data), batch_size=args.batch_size, shuffle=True)
    train_eval = tuple(t[:test_size].to(device) for t in train_data)

    model = BracketClassifier(hidden=args.hidden, num_layers=args.layers).to(device)
    optimizer = mt.optim.Adam(model.parameters(), lr=args.lr)
    scheduler = mt.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    n_params = sum(p.numel() for p in model.parameters())
    tokens, lengths = test_data[0].cpu(), test_data[1].cpu()
    print(f"parentheses: {train_size} train, {test_size} test strings of length 2-"
          f"{args.max_length}, half balanced; e.g. {text(tokens[0], lengths[0])} "
          f"(label {test_labels[0]}), {text(tokens[1], lengths[1])} (label {test_labels[1]})")
    print(f"{model.gru} + Linear({2 * args.hidden}, 2), {n_params} parameters, on {device}; "
          f"Adam lr {args.lr}, cosine schedule, batch {args.batch_size}, {epochs} epochs")

    history = []

    def record(epoch, seconds):
        train_loss, train_accuracy, _ = evaluate(model, *train_eval)     # on a test-sized part
        test_loss, test_accuracy, _ = evaluate(model, *test_data)
        history.append(dict(epoch=epoch, train_loss=train_loss, test_loss=test_loss,
                            train_accuracy=train_accuracy, test_accuracy=test_accuracy))
        print(f"epoch {epoch:3d}   train loss {train_loss:.4f}   test loss {test_loss:.4f}   "
              f"test acc {100 * test_accuracy:6.2f}%   {seconds:5.1f} s", flush=True)

    record(0, 0.0)
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        train_epoch(model, loader, optimizer, device, f"epoch {epoch}/{epochs}")
        scheduler.step()
        record(epoch, time.perf_counter() - start)
    seconds = time.perf_counter() - start
    accuracy = history[-1]["test_accuracy"]
    print(f"train loss {history[0]['train_loss']:.4f} -> {history[-1]['train_loss']:.4f}, "
          f"test accuracy {100 * accuracy:.2f}% in {seconds:.1f} s "
          f"({1000 * seconds / (epochs * len(loader)):.1f} ms/step)")
    by_length = []
    for data in (test_data, longer):
        correct = (evaluate(model, *data)[2] == data[2]).cpu().numpy()
        by_length.append((data[1].cpu().numpy(), correct))
    print(f"longer strings ({args.max_length + 2}-{2 * args.max_length} symbols, never trained "
          f"on): accuracy {100 * by_length[1][1].mean():.2f}%")

    os.makedirs(args.out, exist_ok=True)
    checkpoint = os.path.join(args.out, "sequence_classification.mt")
    mt.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
             "scheduler": scheduler.state_dict(), "epoch": epochs, "seed": args.seed,
             "hidden": args.hidden, "layers": args.layers, "test_accuracy": accuracy},
            checkpoint)
    saved = mt.load(checkpoint)
    restored = BracketClassifier(hidden=saved["hidden"], num_layers=saved["layers"]).to(device)
    restored.load_state_dict(saved["model"])
    if evaluate(restored, *test_data)[1] != accuracy:
        print(f"FAILED: the model loaded back from {checkpoint} scores differently")
        return 1
    print(f"saved {checkpoint} (loaded back: same test accuracy)")

    if not args.no_plot:
        path = os.path.join(args.out, "sequence_classification.png")
        try:
            plot(path, history, by_length, args.max_length)
            print(f"saved {path}")
        except ImportError:
            print("no plot: matplotlib is not installed (pip install matplotlib)")

    first, last = history[0]["train_loss"], history[-1]["train_loss"]
    if not last < first:
        print(f"FAILED: the training loss did not fall ({first:.4f} -> {last:.4f})")
        return 1
    if not args.smoke:
        if not accuracy >= QUALITY_BAR:
            print(f"FAILED: test accuracy {100 * accuracy:.2f}% is below "
                  f"{100 * QUALITY_BAR:.0f}%")
            return 1
        print(f"OK: test accuracy {100 * accuracy:.2f}% >= {100 * QUALITY_BAR:.0f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
