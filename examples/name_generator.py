"""Make up names, as Karpathy's makemore: a GRU reads names one letter at a time, learns which
letter comes next, and then writes new names one letter at a time.

    data        about 92,000 US first and last names (mt.datasets.load_names, from the PyPI
                package `names`), lowercase; a seeded random 90/10 split into names to train
                on and names to validate on (whole names: no name is in both)
    examples    mt.datasets.NamesDataset: '.' (id 0) starts and ends every name
                    x = . e m m a          y = e m m a .
                padded to the longest name of each batch; padded targets are ignore_index
                (-100), which cross_entropy skips
    model       ids (B, L) -> Embedding(27, E) -> GRU(E, H) -> Linear(H, 27) -> logits (B, L, 27)
    loss        cross-entropy in nats per letter (the end '.' counts as one): ln 27 = 3.30 for
                a model that knows nothing; the bigram model (a table of next-letter
                frequencies) is the bar to beat
    optimizer   AdamW, the gradient norm clipped to 1, lr following a cosine down to lr/10
    sampling    after each epoch: from '.', one letter at a time drawn from
                softmax(logits / temperature) (top-k optional), the GRU's state carried from
                letter to letter, until it writes '.'; names it saw in training are marked *
    outputs     under --out (default runs/): the loss curves (name_generator_curves.png) and a
                checkpoint (name_generator.mt), loaded back and checked

The full run (4 epochs, a few minutes on two cores) must bring the validation loss under the
bigram model's; it exits with status 1 otherwise.

    python examples/name_generator.py                        # full run, outputs under runs/
    python examples/name_generator.py --kind first           # first names only (5,163)
    python examples/name_generator.py --smoke --out /tmp/x   # seconds, built-in names (the tests)

Needs the PyPI package `names` (pip install names) except with --smoke; tqdm draws a progress
bar when installed, matplotlib the curves.
"""
import argparse
import math
import os
import sys
import time

import mytorch as mt
import mytorch.nn as nn
import mytorch.nn.functional as F
from mytorch.datasets import NamesDataset, load_names
from mytorch.utils.data import BatchSampler, DataLoader, RandomSampler, TensorDataset, \
    random_split

from char_rnn import bigram_loss, progress, sample_next, verdict
from common import add_run_arguments

VALIDATION_FRACTION = 0.1
MAX_LENGTH = 20              # a sampled name is cut here if it has not ended

# The --smoke names: part of the example, so the tests need no package.
TINY_NAMES = """mary patricia linda barbara elizabeth jennifer maria susan margaret dorothy lisa
nancy karen betty helen sandra donna carol ruth sharon michelle laura sarah kimberly deborah
jessica shirley cynthia angela melissa brenda amy anna rebecca virginia kathleen pamela martha
debra amanda stephanie carolyn christine marie janet catherine frances ann joyce diane alice
james john robert michael william david richard charles joseph thomas christopher daniel paul
mark donald george kenneth steven edward brian ronald anthony kevin jason matthew gary timothy
jose larry jeffrey frank scott eric stephen andrew raymond gregory joshua jerry dennis walter
smith johnson williams jones brown davis miller wilson moore taylor anderson jackson white
harris martin thompson garcia martinez robinson clark rodriguez lewis lee walker hall allen
young hernandez king wright lopez hill green adams baker gonzalez nelson carter mitchell perez
""".split()


class NameGRU(nn.Module):
    """Embedding -> GRU -> linear: the next letter's logits after each prefix.

    forward(ids (B, L), h=None) -> (logits (B, L, V), h (1, B, H)).
    """

    def __init__(self, vocab_size, embedding_dim=32, hidden_size=128):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        self.gru = nn.GRU(embedding_dim, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, ids, h=None):
        out, h = self.gru(self.embedding(ids), h)
        return self.head(out), h


def trim(x, y):
    """The batch cut to its longest name (+ the end token): the rest is padding."""
    length = int((y != NamesDataset.ignore_index).sum(1).max())
    return x[:, :length], y[:, :length]


def loss_of(model, x, y):
    x, y = trim(x, y)
    logits, _ = model(x)
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))


@mt.no_grad()
def evaluate(model, x, y, batch_size=2048):
    """Mean cross-entropy per letter (end token included) of `model` over all of x, y."""
    model.eval()
    total, count = 0.0, 0
    for i in range(0, len(x), batch_size):
        xb, yb = x[i:i + batch_size], y[i:i + batch_size]
        n = int((yb != NamesDataset.ignore_index).sum())
        total += loss_of(model, xb, yb).item() * n
        count += n
    return total / count


@mt.no_grad()
def generate(model, dataset, count, temperature, top_k, generator, device):
    """`count` names, each drawn letter by letter from '.' until the model writes '.'."""
    model.eval()
    ids = mt.zeros((count, 1), dtype=mt.int64, device=device)          # '.' starts each
    h, letters = None, []
    for _ in range(MAX_LENGTH):
        logits, h = model(ids, h)
        ids = sample_next(logits[:, -1], temperature, top_k, generator)
        letters.append(ids)
    rows = mt.cat(letters, dim=1).cpu().tolist()
    return [dataset.decode(row[:row.index(0)] if 0 in row else row) for row in rows]


def tensors(subset):
    """The (x, y) tensors of a Subset of a NamesDataset."""
    index = mt.tensor(subset.indices)
    return tuple(t[index] for t in subset.dataset.tensors)


def bigram_pairs(x, y):
    """(previous ids, next ids) of every real (not padded) position, as NumPy arrays."""
    keep = (y != NamesDataset.ignore_index).numpy()
    return x.numpy()[keep], y.numpy()[keep]


def plot(path, steps, step_losses, history, bigram, vocab_size):
    import matplotlib                            # only the example draws: never at import mytorch
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(steps, step_losses, lw=0.5, alpha=0.4, color="C0", label="train (each batch)")
    at = [h["step"] for h in history]
    ax.plot(at, [h["train_loss"] for h in history], "o-", ms=4, color="C0", label="train")
    ax.plot(at, [h["val_loss"] for h in history], "o-", ms=4, color="C1", label="validation")
    ax.axhline(bigram, color="k", ls="--", lw=1, label=f"bigram baseline ({bigram:.2f})")
    ax.axhline(math.log(vocab_size), color="k", ls=":", lw=1,
               label=f"uniform, ln {vocab_size} ({math.log(vocab_size):.2f})")
    ax.set_xlabel("step")
    ax.set_ylabel("cross-entropy (nats per letter)")
    ax.set_title("name generator")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", default="all", choices=["all", "first", "last", "female", "male"],
                        help="which names (mt.datasets.load_names)")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--embedding-dim", type=int, default=32)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--lr", type=float, default=5e-3)
    parser.add_argument("--weight-decay", type=float, default=0.01)
    parser.add_argument("--samples", type=int, default=12, help="names generated per epoch")
    parser.add_argument("--temperature", type=float, default=1.0)
    parser.add_argument("--top-k", type=int, default=None)
    add_run_arguments(parser)
    parser.add_argument("--smoke", action="store_true",
                        help="a short run for the tests on built-in names: only checks that "
                             "the loss fell")
    args = parser.parse_args(argv)
    if args.smoke:
        args.epochs, args.batch_size, args.hidden, args.samples = 8, 16, 64, 6
    device = mt.device(args.device)
    mt.manual_seed(args.seed)

    try:
        names = TINY_NAMES if args.smoke else load_names(args.kind)
    except (ImportError, OSError) as err:
        sys.exit(f"name_generator: {err}")
    dataset = NamesDataset(names)
    generator = mt.Generator().manual_seed(args.seed)
    n_val = round(len(dataset) * VALIDATION_FRACTION)
    train_set, val_set = random_split(dataset, [len(dataset) - n_val, n_val],
                                      generator=generator)
    x_train, y_train = tensors(train_set)
    x_val, y_val = tensors(val_set)
    train_names = {names[i] for i in train_set.indices}
    vocab = dataset.vocab_size
    bigram = bigram_loss(bigram_pairs(x_train, y_train), bigram_pairs(x_val, y_val), vocab)
    # whole batches by index (batch_size=None: the sampler's lists index the tensors at once)
    train_data = TensorDataset(x_train, y_train)
    loader = DataLoader(train_data, batch_size=None, sampler=BatchSampler(
        RandomSampler(train_data, generator=generator), args.batch_size, drop_last=False))
    x_train, y_train, x_val, y_val = (t.to(device) for t in (x_train, y_train, x_val, y_val))

    model = NameGRU(vocab, args.embedding_dim, args.hidden).to(device)
    optimizer = mt.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    scheduler = mt.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs * len(loader),
                                                        eta_min=args.lr / 10)
    sampler = mt.Generator(device).manual_seed(args.seed)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"{len(names):,} names ({'built-in' if args.smoke else args.kind}): "
          f"{len(train_set):,} to train on, {len(val_set):,} to validate on, "
          f"{vocab} tokens ('.' and {vocab - 1} letters); GRU {args.embedding_dim}-"
          f"{args.hidden}-{vocab} ({n_params:,} parameters) on {device}; AdamW lr {args.lr}, "
          f"batch {args.batch_size}, {args.epochs} epochs")
    print(f"baselines: uniform ln {vocab} = {math.log(vocab):.4f}, bigram {bigram:.4f} "
          f"nats per letter")

    history, steps, step_losses = [], [], []

    def record(epoch, train_loss, seconds):
        val_loss = evaluate(model, x_val, y_val)
        history.append(dict(epoch=epoch, step=len(steps), train_loss=train_loss,
                            val_loss=val_loss))
        print(f"epoch {epoch:3d}   train loss {train_loss:.4f}   val loss {val_loss:.4f}   "
              f"{seconds:6.1f} s", flush=True)
        made = generate(model, dataset, args.samples, args.temperature, args.top_k, sampler,
                        device)
        print("    " + "  ".join(n + ("*" if n in train_names else "") for n in made),
              flush=True)

    record(0, evaluate(model, x_train, y_train), 0.0)
    start = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        model.train()
        total, count = 0.0, 0
        for x, y in progress(loader, f"epoch {epoch}/{args.epochs}"):
            loss = loss_of(model, x.to(device), y.to(device))
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            steps.append(len(steps) + 1)
            step_losses.append(loss.item())
            total += step_losses[-1] * len(x)
            count += len(x)
        record(epoch, total / count, time.perf_counter() - start)
    seconds = time.perf_counter() - start
    train_loss, val_loss = evaluate(model, x_train, y_train), history[-1]["val_loss"]
    print(f"final: train loss {train_loss:.4f}, val loss {val_loss:.4f} nats per letter "
          f"(bigram {bigram:.4f}, uniform {math.log(vocab):.4f}) in {seconds:.1f} s "
          f"({1000 * seconds / len(steps):.0f} ms/step)")

    os.makedirs(args.out, exist_ok=True)
    checkpoint = os.path.join(args.out, "name_generator.mt")
    config = dict(vocab_size=vocab, embedding_dim=args.embedding_dim, hidden_size=args.hidden)
    mt.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
             "config": config, "tokens": "".join(dataset.itos), "epoch": args.epochs,
             "seed": args.seed, "val_loss": val_loss}, checkpoint)
    saved = mt.load(checkpoint)
    restored = NameGRU(**saved["config"]).to(device)
    restored.load_state_dict(saved["model"])
    if list(saved["tokens"]) != dataset.itos or evaluate(restored, x_val, y_val) != val_loss:
        print(f"FAILED: the model loaded back from {checkpoint} scores differently")
        return 1
    print(f"saved {checkpoint} (loaded back: same validation loss)")
    if not args.no_plot:
        path = os.path.join(args.out, "name_generator_curves.png")
        try:
            plot(path, steps, step_losses, history, bigram, vocab)
            print(f"saved {path}")
        except ImportError:
            print("no plot: matplotlib is not installed (pip install matplotlib)")

    first = history[0]["val_loss"]
    return verdict(first, val_loss, bigram, vocab, args.smoke)


if __name__ == "__main__":
    sys.exit(main())
