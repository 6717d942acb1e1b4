"""A character-level language model: an LSTM (or GRU, or plain RNN) that reads text one
character at a time and learns to predict the next one, then writes text of its own.

    data        a corpus as one string, cut at 90%: the start to train on, the end to validate
                on (mt.datasets.CharDataset.split). Default corpus: the King James Bible when
                Debian's bible-kjv is installed (4.3 million characters, 73 distinct), else the
                Python standard library's own source; --corpus picks one, --text FILE reads
                any UTF-8 file. The validation part is other text, not held-out samples of the
                same: for the Bible, Acts 22 to Revelation, whose names and words the training
                part has seen less, so its loss stays above the training loss
    batches     truncated backpropagation through time (CharDataset.bptt_batches): the training
                text as B parallel streams, read L characters at a time; each batch goes on
                where the previous one stopped, so the state the model ends one batch with is
                where the next starts, detached: gradients flow back L steps, no further
    model       ids (B, L) -> Embedding(V, E) -> LSTM(E, H, layers) -> Linear(H, V) -> logits
                (B, L, V): logits[b, t] score the character after ids[b, :t + 1]
    loss        cross-entropy in nats per character: ln V for a model that knows nothing, the
                bigram model's (a table of next-character frequencies) is the bar to beat
    optimizer   Adam, the gradient norm clipped to --clip (mt.nn.utils.clip_grad_norm_), lr
                following a cosine down to lr/10
    sampling    every --eval-every steps: a prompt read through the model, then one character
                at a time, each drawn from softmax(logits / temperature) over the top k, and
                fed back with the hidden state carried on (as PyTorch's word_language_model)
    outputs     under --out (default runs/): the loss curves (char_rnn_curves.png) and a
                checkpoint (char_rnn.mt, the model, the optimizer and the vocabulary), loaded
                back and checked

The full run (500 steps of 32 × 100 characters, a few minutes on two cores) must bring the
validation loss under the bigram model's; it exits with status 1 otherwise.

    python examples/char_rnn.py                          # full run, outputs under runs/
    python examples/char_rnn.py --cell gru --text my.txt
    python examples/char_rnn.py --smoke --out /tmp/x     # seconds, a built-in text (the tests)

tqdm draws a progress bar when installed, matplotlib the curves; both are optional.
"""
import argparse
import math
import os
import sys
import time

import numpy as np

import mytorch as mt
import mytorch.nn as nn
import mytorch.nn.functional as F
from mytorch.datasets import (CharDataset, load_bible_kjv, load_devils_dictionary,
                              load_python_source, read_text)

from common import add_run_arguments

VALIDATION_FRACTION = 0.1
CELLS = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}

# The --smoke corpus: short, repetitive, and part of the example, so the tests need no data.
TINY_TEXT = """\
The rain in Spain stays mainly in the plain.
The quick brown fox jumps over the lazy dog.
A stitch in time saves nine, and a rolling stone gathers no moss.
""" * 12


class CharRNN(nn.Module):
    """Embedding -> recurrent layers -> linear: next-character logits at every step.

    forward(ids (B, L), state=None) -> (logits (B, L, V), state); `state` is what the
    recurrent layer returns, (h, c) for an LSTM, h for a GRU or RNN, each (layers, B, H).
    """

    def __init__(self, vocab_size, embedding_dim=64, hidden_size=256, num_layers=1,
                 cell="lstm", dropout=0.0):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        self.rnn = CELLS[cell](embedding_dim, hidden_size, num_layers=num_layers,
                               batch_first=True, dropout=dropout if num_layers > 1 else 0.0)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, ids, state=None):
        out, state = self.rnn(self.embedding(ids), state)
        return self.head(self.dropout(out)), state


def detach(state):
    """The recurrent state cut from the graph of the batch that made it (truncated BPTT)."""
    return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()


def sample_next(logits, temperature=1.0, top_k=None, generator=None):
    """Ids (N, 1) drawn from logits (N, V): softmax(logits / temperature), only the top_k
    largest kept (top_k=None: all). Temperature below 1 sharpens, above 1 flattens."""
    logits = logits / temperature
    if top_k is not None and top_k < logits.shape[-1]:
        kth = logits.topk(top_k, dim=-1)[0][:, -1:]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    return mt.multinomial(F.softmax(logits, dim=-1), 1, generator=generator)


@mt.no_grad()
def sample(model, dataset, prompt, length, temperature, top_k, generator, device):
    """`prompt` and the `length` characters the model writes after it."""
    model.eval()
    logits, state = model(dataset.encode(prompt).to(device).unsqueeze(0))
    ids = []
    for _ in range(length):
        next_id = sample_next(logits[:, -1], temperature, top_k, generator)      # (1, 1)
        ids.append(next_id.item())
        logits, state = model(next_id, state)
    return prompt + dataset.decode(ids)


@mt.no_grad()
def evaluate(model, dataset, batch_size, max_chars, device):
    """Mean cross-entropy (nats per character) over the first batches of `dataset` read in
    order, the state carried from batch to batch, up to about `max_chars` characters."""
    model.eval()
    total, count, state = 0.0, 0, None
    for x, y in dataset.bptt_batches(batch_size):
        logits, state = model(x.to(device), state)
        total += F.cross_entropy(logits.reshape(-1, logits.shape[-1]),
                                 y.to(device).reshape(-1)).item() * y.numel()
        count += y.numel()
        if count >= max_chars:
            break
    return total / count


def bigram_loss(train_pairs, val_pairs, vocab_size):
    """The baseline: the validation cross-entropy of next-character frequencies counted on
    the training pairs (previous id, next id), add-one smoothed (ids as NumPy int arrays)."""
    counts = np.ones((vocab_size, vocab_size))
    np.add.at(counts, train_pairs, 1)
    logp = np.log(counts / counts.sum(1, keepdims=True))
    return float(-logp[val_pairs].mean())


def progress(iterable, description, total=None):
    """`iterable` wrapped in a tqdm bar when tqdm is installed and stderr is a terminal."""
    try:
        from tqdm import tqdm
    except ImportError:
        return iterable
    return tqdm(iterable, desc=description, total=total, leave=False, unit="step",
                disable=None)


def load_corpus(args):
    """(name, text) of the corpus the arguments ask for."""
    if args.text:
        return args.text, read_text(args.text)
    if args.smoke:
        return "the built-in smoke text", TINY_TEXT
    loaders = {"bible": ("the King James Bible", load_bible_kjv),
               "python": ("the Python standard library's source", load_python_source),
               "devil": ("The Devil's Dictionary", load_devils_dictionary)}
    if args.corpus == "auto":
        try:
            return loaders["bible"][0], load_bible_kjv()
        except FileNotFoundError:
            return loaders["python"][0], load_python_source()
    name, loader = loaders[args.corpus]
    return name, loader()


def plot(path, history, bigram, vocab_size):
    import matplotlib                            # only the example draws: never at import mytorch
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    steps = [h["step"] for h in history]
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(steps, [h["train_loss"] for h in history], "o-", ms=3, label="train")
    ax.plot(steps, [h["val_loss"] for h in history], "o-", ms=3, label="validation")
    ax.axhline(bigram, color="k", ls="--", lw=1, label=f"bigram baseline ({bigram:.2f})")
    ax.axhline(math.log(vocab_size), color="k", ls=":", lw=1,
               label=f"uniform, ln {vocab_size} ({math.log(vocab_size):.2f})")
    ax.set_xlabel("step")
    ax.set_ylabel("cross-entropy (nats per character)")
    ax.set_title("character-level language model")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def verdict(first, last, bigram, vocab, smoke):
    """The exit status of a language-model example: 1 unless the validation loss fell and
    (outside smoke runs) ended below the bigram model's; says which."""
    if not last < first:
        print(f"FAILED: the validation loss did not fall ({first:.4f} -> {last:.4f})")
        return 1
    if not smoke:
        if not last < bigram:
            print(f"FAILED: validation loss {last:.4f} is not under the bigram model's "
                  f"{bigram:.4f}")
            return 1
        print(f"OK: validation loss {last:.4f} < bigram {bigram:.4f} < uniform "
              f"{math.log(vocab):.4f}")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text", help="a UTF-8 text file to train on (instead of --corpus)")
    parser.add_argument("--corpus", default="auto", choices=["auto", "bible", "python", "devil"],
                        help="auto: the King James Bible when bible-kjv is installed, else the "
                             "Python standard library's source")
    parser.add_argument("--cell", default="lstm", choices=sorted(CELLS))
    parser.add_argument("--embedding-dim", type=int, default=64)
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--layers", type=int, default=1)
    parser.add_argument("--dropout", type=float, default=0.0)
    parser.add_argument("--steps", type=int, default=500, help="training steps (batches)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--seq-len", type=int, default=100,
                        help="characters per batch row: how far back gradients flow")
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--clip", type=float, default=1.0, help="max gradient norm")
    parser.add_argument("--eval-every", type=int, default=50)
    parser.add_argument("--eval-chars", type=int, default=64_000,
                        help="validation characters per evaluation")
    parser.add_argument("--prompt", default="\n", help="what each sample starts from")
    parser.add_argument("--sample-length", type=int, default=200)
    parser.add_argument("--temperature", type=float, default=0.8)
    parser.add_argument("--top-k", type=int, default=None)
    add_run_arguments(parser)
    parser.add_argument("--smoke", action="store_true",
                        help="a short run for the tests on a built-in text: only checks that "
                             "the validation loss fell")
    args = parser.parse_args(argv)
    if args.smoke:
        args.hidden, args.embedding_dim, args.batch_size, args.seq_len = 64, 16, 8, 32
        args.steps, args.eval_every, args.sample_length = 60, 20, 60
    device = mt.device(args.device)
    mt.manual_seed(args.seed)

    try:
        corpus, text = load_corpus(args)
        dataset = CharDataset(text, block_size=args.seq_len)
        train, val = dataset.split(1 - VALIDATION_FRACTION)
        dataset.encode(args.prompt)         # a character it has never seen: say so now
    except (OSError, ValueError, KeyError) as err:
        sys.exit(f"char_rnn: {err}")
    # the validation text is short in --smoke: as many streams as it can fill
    val_batch = max(1, min(args.batch_size, (len(val.data) - 1) // (args.seq_len + 1)))
    vocab = dataset.vocab_size
    ids = dataset.data.numpy()
    cut = len(train.data)
    bigram = bigram_loss((ids[:cut - 1], ids[1:cut]), (ids[cut:-1], ids[cut + 1:]), vocab)

    model = CharRNN(vocab, args.embedding_dim, args.hidden, args.layers, args.cell,
                    args.dropout).to(device)
    optimizer = mt.optim.Adam(model.parameters(), lr=args.lr)
    scheduler = mt.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.steps,
                                                        eta_min=args.lr / 10)
    generator = mt.Generator(device).manual_seed(args.seed)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"{corpus}: {len(train.text):,} characters to train on, {len(val.text):,} to "
          f"validate on, {vocab} distinct; {args.cell.upper()} {args.embedding_dim}-"
          f"{args.hidden}x{args.layers}-{vocab} ({n_params:,} parameters) on {device}; "
          f"{args.steps} steps of {args.batch_size} x {args.seq_len} characters, Adam lr "
          f"{args.lr}, clip {args.clip}")
    print(f"baselines: uniform ln {vocab} = {math.log(vocab):.4f}, bigram {bigram:.4f} "
          f"nats per character")

    history = []

    def record(step, train_loss, seconds):
        val_loss = evaluate(model, val, val_batch, args.eval_chars, device)
        history.append(dict(step=step, train_loss=train_loss, val_loss=val_loss))
        print(f"step {step:5d}   train loss {train_loss:.4f}   val loss {val_loss:.4f}   "
              f"{seconds:6.1f} s", flush=True)
        text = sample(model, dataset, args.prompt, args.sample_length, args.temperature,
                      args.top_k, generator, device)
        print("    | " + text.replace("\n", "\n    | "), flush=True)

    # step 0 is the untrained model (both losses near ln V); later train losses are the mean
    # over the steps since the last record
    record(0, evaluate(model, train, args.batch_size, args.eval_chars, device), 0.0)
    start = time.perf_counter()
    batches, state, step = iter(()), None, 0
    while step < args.steps:
        total = 0.0
        span = min(args.eval_every, args.steps - step)
        model.train()
        for _ in progress(range(span), f"steps {step + 1}-{step + span}", total=span):
            batch = next(batches, None)
            if batch is None:                    # the end of the text: start again, afresh
                batches, state = train.bptt_batches(args.batch_size), None
                batch = next(batches)
            x, y = (t.to(device) for t in batch)
            logits, state = model(x, state)
            state = detach(state)
            loss = F.cross_entropy(logits.reshape(-1, vocab), y.reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), args.clip)
            optimizer.step()
            scheduler.step()
            total += loss.item()
        step += span
        record(step, total / span, time.perf_counter() - start)
        model.train()
    seconds = time.perf_counter() - start
    first, last = history[0]["val_loss"], history[-1]["val_loss"]
    print(f"val loss {first:.4f} -> {last:.4f} nats per character "
          f"({last / math.log(2):.3f} bits; bigram {bigram:.4f}) in {seconds:.1f} s "
          f"({1000 * seconds / args.steps:.0f} ms/step)")

    os.makedirs(args.out, exist_ok=True)
    checkpoint = os.path.join(args.out, "char_rnn.mt")
    config = dict(vocab_size=vocab, embedding_dim=args.embedding_dim, hidden_size=args.hidden,
                  num_layers=args.layers, cell=args.cell, dropout=args.dropout)
    mt.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
             "config": config, "chars": "".join(dataset.itos), "step": args.steps,
             "seed": args.seed, "val_loss": last}, checkpoint)
    saved = mt.load(checkpoint)
    restored = CharRNN(**saved["config"]).to(device)
    restored.load_state_dict(saved["model"])
    if list(saved["chars"]) != dataset.itos or \
            evaluate(restored, val, val_batch, args.eval_chars, device) != last:
        print(f"FAILED: the model loaded back from {checkpoint} scores differently")
        return 1
    print(f"saved {checkpoint} (loaded back: same validation loss)")
    if not args.no_plot:
        path = os.path.join(args.out, "char_rnn_curves.png")
        try:
            plot(path, history, bigram, vocab)
            print(f"saved {path}")
        except ImportError:
            print("no plot: matplotlib is not installed (pip install matplotlib)")

    return verdict(first, last, bigram, vocab, args.smoke)


if __name__ == "__main__":
    sys.exit(main())
