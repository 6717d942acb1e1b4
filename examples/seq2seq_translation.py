"""Translate dates written the ways people write them into ISO dates with an encoder-decoder
Transformer, one character at a time:

    the twenty-first of march, 1987                     ->  1987-03-21
    saturday, march 21, 1987                            ->  1987-03-21
    21/03/1987   21.3.1987   mar 21st, 1987             ->  1987-03-21
    march the twenty-first, nineteen eighty-seven       ->  1987-03-21

    data        dates from 1900 to 2099, each written in one of eleven formats (FORMATS) drawn
                with a seeded generator: day and month as numbers, month names and their
                abbreviations, ordinals as digits (21st) and as words (twenty-first), the
                weekday (which the model has to learn to ignore), years as digits and as words.
                The test dates are held out: none of them occurs in the training set, in any
                format, so a model that had memorised its training pairs would fail the test
    tokens      characters; the source alphabet is SOURCE_CHARS, the target's the digits and
                `-`, plus bos and eos. Sources are right-padded with PAD to the longest in the
                batch, and the padding is masked (src_key_padding_mask); every target is
                bos + 10 characters + eos, so targets need no padding
    model       mytorch.models.seq2seq.Seq2SeqTransformer: 2 encoder and 2 decoder layers,
                d_model 64, 4 heads, feed-forward blocks of 128 (the characters are embedded,
                scaled by √d and given sinusoidal positions); logits (B, T, V) of the next
                target character, the decoder reading bos y₁ … y₁₀ under a causal mask
                (teacher forcing). No dropout: three passes over 30,000 dates do not overfit,
                and dropout would slow the learning down
    loss        cross-entropy of y₁ … y₁₀ eos; Adam with a one-cycle schedule (a warm-up to
                --lr, then a cosine down), gradient norm clipped at 1. Batches are drawn as
                buckets of similar source lengths, so that little of each batch is padding
    decoding    greedy (the most probable character at each step, 500 sources at a time)
                and beam search (--beam prefixes kept, one source at a time), both
                mytorch.models.seq2seq; a translation is right only if all 10 characters are
    outputs     under --out (default runs/): the training curves (seq2seq_translation_curves.png),
                the last decoder layer's attention to the source for a few test dates, averaged
                over the heads (seq2seq_translation_attention.png: which source characters
                each output character read), and a checkpoint (seq2seq_translation.mt: the
                model, its configuration, the alphabets, the optimizer), loaded back and
                checked. examples/attention_visualize.py draws it head by head

The full run (3 epochs of 30,000 dates: about two minutes of training on two cores, and one
more for the beam search) must translate 95% of the 1,000 held-out test dates exactly, with
greedy decoding and with beam search; it exits with status 1 otherwise.

    python examples/seq2seq_translation.py                        # full run, outputs under runs/
    python examples/seq2seq_translation.py --smoke --out /tmp/x   # seconds (the tests)

tqdm draws a progress bar when installed, matplotlib the figures; both are optional.
"""
import argparse
import datetime
import os
import sys
import time

import numpy as np

import mytorch as mt
import mytorch.nn as nn
import mytorch.nn.functional as F
from mytorch.models.seq2seq import Seq2SeqTransformer

from common import add_run_arguments

QUALITY_BAR = 0.95           # full run: exact-match accuracy of greedy and of beam decoding
TIME_BUDGET = 180.0          # seconds of training the full run should fit in on two cores
FIRST_YEAR, LAST_YEAR = 1900, 2099

# ---- the data -------------------------------------------------------------------------------

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
UNITS = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen"]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
ORDINAL_UNITS = ["", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
                 "ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth",
                 "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth"]


def number_words(n):
    """0 < n < 100 in words: 7 -> seven, 42 -> forty-two."""
    if n < 20:
        return UNITS[n]
    return TENS[n // 10] + ("-" + UNITS[n % 10] if n % 10 else "")


def ordinal_words(n):
    """0 < n < 100 as an ordinal in words: 1 -> first, 20 -> twentieth, 21 -> twenty-first."""
    if n < 20:
        return ORDINAL_UNITS[n]
    if n % 10 == 0:
        return TENS[n // 10][:-1] + "ieth"
    return TENS[n // 10] + "-" + ORDINAL_UNITS[n % 10]


def ordinal_digits(n):
    """1st, 2nd, 3rd, 4th, ..., 11th, 12th, 13th, ..., 21st, 22nd, 23rd, ..."""
    suffix = "th" if 10 <= n % 100 < 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def year_words(year):
    """As a year is said: 1987 nineteen eighty-seven, 1905 nineteen oh five, 1900 nineteen
    hundred, 2000 two thousand, 2005 two thousand and five, 2017 twenty seventeen."""
    century, rest = divmod(year, 100)
    if century == 20 and rest < 10:
        return "two thousand" + (f" and {UNITS[rest]}" if rest else "")
    if rest == 0:
        return number_words(century) + " hundred"
    return number_words(century) + " " + (f"oh {UNITS[rest]}" if rest < 10 else
                                          number_words(rest))


# name, and how a date is written in it (a datetime.date -> str)
FORMATS = [
    ("the 21st of march, 1987", lambda d: f"the {ordinal_words(d.day)} of "
                                          f"{MONTHS[d.month - 1]}, {d.year}"),
    ("march 21, 1987", lambda d: f"{MONTHS[d.month - 1]} {d.day}, {d.year}"),
    ("march 21 1987", lambda d: f"{MONTHS[d.month - 1]} {d.day} {d.year}"),
    ("21 march 1987", lambda d: f"{d.day} {MONTHS[d.month - 1]} {d.year}"),
    ("21 mar 1987", lambda d: f"{d.day} {MONTHS[d.month - 1][:3]} {d.year}"),
    ("mar 21st, 1987", lambda d: f"{MONTHS[d.month - 1][:3]} {ordinal_digits(d.day)}, {d.year}"),
    ("21st of march 1987", lambda d: f"{ordinal_digits(d.day)} of {MONTHS[d.month - 1]} "
                                     f"{d.year}"),
    ("21/03/1987", lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}"),
    ("21.3.1987", lambda d: f"{d.day}.{d.month}.{d.year}"),
    ("saturday, march 21, 1987", lambda d: f"{WEEKDAYS[d.weekday()]}, {MONTHS[d.month - 1]} "
                                           f"{d.day}, {d.year}"),
    ("march the 21st, 1987 (in words)", lambda d: f"{MONTHS[d.month - 1]} the "
                                                  f"{ordinal_words(d.day)}, {year_words(d.year)}"),
]
SOURCE_CHARS = " ',-./0123456789abcdefghijklmnopqrstuvwxyz"
TARGET_CHARS = "-0123456789"
PAD, BOS, EOS = 0, 1, 2          # PAD in both vocabularies; BOS, EOS in the target's
TARGET_LENGTH = 10               # yyyy-mm-dd


def split_dates(n_train, n_test, rng):
    """Two disjoint sets of dates between FIRST_YEAR and LAST_YEAR, drawn without replacement:
    n_train for training (one format each, drawn later) and n_test held out."""
    first = datetime.date(FIRST_YEAR, 1, 1).toordinal()
    days = datetime.date(LAST_YEAR, 12, 31).toordinal() - first + 1
    if n_train + n_test > days:
        raise ValueError(f"only {days} dates between {FIRST_YEAR} and {LAST_YEAR}: cannot draw "
                         f"{n_train} + {n_test}")
    picked = rng.choice(days, n_train + n_test, replace=False) + first
    dates = [datetime.date.fromordinal(int(d)) for d in picked]
    return dates[:n_train], dates[n_train:]


def write(dates, rng):
    """Each date in a format drawn at random: (sources, targets, format indices)."""
    kinds = rng.integers(len(FORMATS), size=len(dates))
    sources = [FORMATS[k][1](d) for d, k in zip(dates, kinds)]
    return sources, [d.isoformat() for d in dates], kinds


class Alphabet:
    """Characters <-> ids: `specials` (PAD first) take the ids 0, 1, ..., the characters follow."""

    def __init__(self, chars, specials):
        self.chars = chars
        self.offset = len(specials)
        self.size = len(specials) + len(chars)
        self.stoi = {c: i + self.offset for i, c in enumerate(chars)}

    def encode(self, strings):
        """Ids (N, L) int64, right-padded with PAD to the longest string, and the padding
        mask (N, L), True at padding; a character outside the alphabet is a ValueError."""
        ids = np.full((len(strings), max(len(s) for s in strings)), PAD, np.int64)
        for row, s in zip(ids, strings):
            try:
                row[:len(s)] = [self.stoi[c] for c in s]
            except KeyError as err:
                raise ValueError(f"{s!r}: the character {err.args[0]!r} is not in the "
                                 f"alphabet {self.chars!r}") from None
        return mt.tensor(ids), mt.tensor(ids == PAD)

    def decode(self, ids):
        """The characters of a row of ids up to its first EOS, specials left out."""
        chars = []
        for i in ids:
            if i == EOS:
                break
            if i >= self.offset:
                chars.append(self.chars[i - self.offset])
        return "".join(chars)


SOURCE = Alphabet(SOURCE_CHARS, ["<pad>"])
TARGET = Alphabet(TARGET_CHARS, ["<pad>", "<bos>", "<eos>"])


def target_tensor(targets):
    """bos y₁ … y₁₀ eos as ids (N, 12): the decoder reads [:, :-1], predicts [:, 1:]."""
    ids, _ = TARGET.encode(targets)
    n = len(targets)
    return mt.cat([mt.full((n, 1), BOS), ids, mt.full((n, 1), EOS)], dim=1)


def buckets(lengths, batch_size, rng, chunk=50):
    """Batches of indices (a list of arrays) covering every example once, in random order,
    each of sources of about the same length: shuffle, sort each run of chunk·batch_size by
    length, cut it into batches, shuffle the batches."""
    order = rng.permutation(len(lengths))
    batches = []
    for start in range(0, len(order), chunk * batch_size):
        run = order[start:start + chunk * batch_size]
        run = run[np.argsort(lengths[run], kind="stable")]
        batches += [run[i:i + batch_size] for i in range(0, len(run), batch_size)]
    return [batches[i] for i in rng.permutation(len(batches))]


# ---- the model ------------------------------------------------------------------------------

def build_model(config):
    """The Seq2SeqTransformer a checkpoint's `config` describes."""
    return Seq2SeqTransformer(SOURCE.size, TARGET.size, **config)


def load_translator(path, device="cpu"):
    """(model in eval mode, the checkpoint dict) from a checkpoint this example saved."""
    checkpoint = mt.load(path, map_location=device)
    if checkpoint.get("source_chars") != SOURCE_CHARS or \
            checkpoint.get("target_chars") != TARGET_CHARS:
        raise ValueError(f"{path} was not saved by seq2seq_translation.py (other alphabets)")
    model = build_model(checkpoint["config"]).to(device)
    model.load_state_dict(checkpoint["model"])
    return model.eval(), checkpoint


@mt.no_grad()
def translate(model, sources, device, beam=None, batch_size=500):
    """The model's ISO dates for a list of source strings: greedy decoding (beam=None) or beam
    search with `beam` prefixes."""
    model.eval()
    out = []
    for i in range(0, len(sources), batch_size):
        src, mask = (t.to(device) for t in SOURCE.encode(sources[i:i + batch_size]))
        if beam is None:
            ys = model.greedy_decode(src, TARGET_LENGTH + 1, BOS, EOS, mask)
        else:
            ys = model.beam_search(src, beam, TARGET_LENGTH + 1, BOS, EOS,
                                   src_key_padding_mask=mask)
        out += [TARGET.decode(row[1:]) for row in ys.tolist()]
    return out


def progress(iterable, description):
    """`iterable` wrapped in a tqdm bar when tqdm is installed and stderr is a terminal."""
    try:
        from tqdm import tqdm
    except ImportError:
        return iterable
    return tqdm(iterable, desc=description, leave=False, unit="batch", disable=None)


def train_epoch(model, batches, src, mask, tgt, optimizer, scheduler, device, description,
                label_smoothing):
    """One pass over `batches` (index arrays into src, mask, tgt); returns each step's loss."""
    model.train()
    losses = []
    for index in progress(batches, description):
        index = mt.tensor(index)
        width = int((~mask[index]).sum(1).max())             # the batch's longest source
        s, m = src[index, :width].to(device), mask[index, :width].to(device)
        t = tgt[index].to(device)
        logits = model(s, t[:, :-1], src_key_padding_mask=m)
        loss = F.cross_entropy(logits.reshape(-1, TARGET.size), t[:, 1:].reshape(-1),
                               label_smoothing=label_smoothing)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        losses.append(loss.item())
    return losses


@mt.no_grad()
def test_loss(model, src, mask, tgt, device):
    """Teacher-forced cross-entropy per target character on the test set, in eval mode."""
    model.eval()
    src, mask, tgt = src.to(device), mask.to(device), tgt.to(device)
    logits = model(src, tgt[:, :-1], src_key_padding_mask=mask)
    return F.cross_entropy(logits.reshape(-1, TARGET.size), tgt[:, 1:].reshape(-1)).item()


def exact(predictions, targets):
    """A boolean array: which predictions are their target, character for character."""
    return np.array([p == t for p, t in zip(predictions, targets)])


# ---- the figures ----------------------------------------------------------------------------

def plot_curves(path, history, step_losses, steps_per_epoch, label_smoothing):
    import matplotlib                            # only the example draws: never at import mytorch
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    at = [h["epoch"] * steps_per_epoch for h in history]
    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(10, 4))
    window = 20                                  # the training loss, a running mean
    running = np.convolve(step_losses, np.ones(window) / window, mode="valid")
    ax0.plot(np.arange(window, len(step_losses) + 1), running, lw=1, label="train")
    ax0.plot(at, [h["test_loss"] for h in history], "o-", ms=3, label="test")
    if label_smoothing > 0:                      # the entropy of the smoothed target
        k, eps = TARGET.size, label_smoothing
        q = 1 - eps + eps / k
        floor = -q * np.log(q) - (k - 1) * (eps / k) * np.log(eps / k)
        ax0.axhline(floor, color="C0", ls=":", lw=1, label=f"floor of the objective ({floor:.2f})")
    ax0.set_yscale("log")
    ax0.set_xlabel("step")
    ax0.set_ylabel("cross-entropy per character")
    ax0.set_title("loss (teacher forcing)")
    ax0.legend()
    ax1.plot(at, [100 * h["greedy_accuracy"] for h in history], "o-", ms=3, color="C2",
             label="greedy decoding")
    ax1.axhline(100 * QUALITY_BAR, color="k", ls="--", lw=1, label=f"{100 * QUALITY_BAR:.0f}%")
    ax1.set_ylim(0, 100)
    ax1.set_xlabel("step")
    ax1.set_ylabel("exact matches on held-out dates (%)")
    ax1.set_title("test accuracy (after each epoch)")
    ax1.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_attention(path, model, sources, device):
    """For each source string: the last decoder layer's attention to the source (averaged over
    the heads) while it wrote the greedy translation; row t is where the model looked when
    writing output character t (the last row: when it wrote eos)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(sources), 1, figsize=(10, 2.9 * len(sources)), squeeze=False)
    for ax, source in zip(axes[:, 0], sources):
        src, _ = SOURCE.encode([source])
        src = src.to(device)
        with mt.no_grad():
            ys = model.greedy_decode(src, TARGET_LENGTH + 1, BOS, EOS)
        weights = model.cross_attention_weights(src, ys[:, :-1])[0].cpu().numpy()   # (T, S)
        output = list(TARGET.decode(ys[0, 1:].tolist())) + ["eos"]
        ax.imshow(weights[:len(output)], cmap="viridis", vmin=0, aspect="auto")
        ax.set_xticks(range(len(source)), list(source), fontsize=8)
        ax.set_yticks(range(len(output)), output, fontsize=8)
        ax.set_xlabel("source")
        ax.set_ylabel("output")
        ax.set_title(f"{source!r} -> {TARGET.decode(ys[0, 1:].tolist())}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


# ---- the run --------------------------------------------------------------------------------

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--train-size", type=int, default=30_000, help="training dates")
    parser.add_argument("--test-size", type=int, default=1_000, help="held-out test dates")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--d-model", type=int, default=64)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--layers", type=int, default=2, help="encoder and decoder layers each")
    parser.add_argument("--ffn", type=int, default=128, help="hidden units of the feed-forward "
                                                            "blocks (dim_feedforward)")
    parser.add_argument("--dropout", type=float, default=0.0)
    parser.add_argument("--lr", type=float, default=2e-3, help="peak learning rate")
    parser.add_argument("--label-smoothing", type=float, default=0.0)
    parser.add_argument("--beam", type=int, default=4, help="beam size of the beam search")
    add_run_arguments(parser, figures="figures")
    parser.add_argument("--smoke", action="store_true",
                        help="a short run for the tests: a tiny model, 2 epochs of 1,000 dates, "
                             "50 test dates; only checks that the loss fell")
    args = parser.parse_args(argv)
    if args.smoke:
        args.epochs, args.train_size, args.test_size = 2, 1_000, 50
        args.d_model, args.ffn, args.layers, args.beam = 32, 64, 1, 2
    device = mt.device(args.device)
    mt.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)

    train_dates, test_dates = split_dates(args.train_size, args.test_size, rng)
    train_sources, train_targets, _ = write(train_dates, rng)
    test_sources, test_targets, test_kinds = write(test_dates, rng)
    src, mask = SOURCE.encode(train_sources)
    tgt = target_tensor(train_targets)
    test_src, test_mask = SOURCE.encode(test_sources)
    test_tgt = target_tensor(test_targets)
    lengths = np.array([len(s) for s in train_sources])

    config = dict(d_model=args.d_model, nhead=args.heads, num_encoder_layers=args.layers,
                  num_decoder_layers=args.layers, dim_feedforward=args.ffn,
                  dropout=args.dropout, max_len=64)
    model = build_model(config).to(device)
    # the number of batches buckets() cuts, the same in every epoch
    steps_per_epoch = len(buckets(lengths, args.batch_size, np.random.default_rng(0)))
    optimizer = mt.optim.Adam(model.parameters(), lr=args.lr)
    scheduler = mt.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=args.lr,
                                                 total_steps=args.epochs * steps_per_epoch,
                                                 pct_start=0.1)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"dates {FIRST_YEAR}-{LAST_YEAR} in {len(FORMATS)} formats: {len(train_dates):,} to "
          f"train on, {len(test_dates):,} held out (sources of {lengths.min()}-{lengths.max()} "
          f"characters, alphabets of {SOURCE.size} and {TARGET.size}); Seq2SeqTransformer "
          f"{args.layers}+{args.layers} layers, d_model {args.d_model}, {args.heads} heads "
          f"({n_params:,} parameters) on {device}; Adam one-cycle to lr {args.lr}, batch "
          f"{args.batch_size}, {args.epochs} epochs of {steps_per_epoch} steps")
    for source, target in list(zip(train_sources, train_targets))[:3]:
        print(f"    {source!r:50} -> {target}")

    history, step_losses = [], []

    def record(epoch, train_loss, seconds):
        greedy = float(exact(translate(model, test_sources, device), test_targets).mean())
        history.append(dict(epoch=epoch, train_loss=train_loss,
                            test_loss=test_loss(model, test_src, test_mask, test_tgt, device),
                            greedy_accuracy=greedy))
        print(f"epoch {epoch:3d}   train loss {train_loss:.4f}   test loss "
              f"{history[-1]['test_loss']:.4f}   greedy exact {100 * greedy:6.2f}%   "
              f"{seconds:6.1f} s", flush=True)

    record(0, test_loss(model, src[:1000], mask[:1000], tgt[:1000], device), 0.0)
    start, start_cpu = time.perf_counter(), time.process_time()
    for epoch in range(1, args.epochs + 1):
        losses = train_epoch(model, buckets(lengths, args.batch_size, rng), src, mask, tgt,
                             optimizer, scheduler, device, f"epoch {epoch}/{args.epochs}",
                             args.label_smoothing)
        step_losses += losses
        record(epoch, float(np.mean(losses)), time.perf_counter() - start)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - start_cpu
    steps = args.epochs * steps_per_epoch
    print(f"trained in {seconds:.1f} s ({cpu_seconds:.1f} s of CPU time, "
          f"{1000 * seconds / steps:.0f} ms/step)")

    start = time.perf_counter()
    greedy_out = translate(model, test_sources, device)
    greedy_seconds, start = time.perf_counter() - start, time.perf_counter()
    beam_out = translate(model, test_sources, device, beam=args.beam)
    beam_seconds = time.perf_counter() - start
    greedy_right, beam_right = exact(greedy_out, test_targets), exact(beam_out, test_targets)
    greedy, beam = float(greedy_right.mean()), float(beam_right.mean())
    print(f"held-out exact matches: greedy {100 * greedy:.2f}% ({greedy_seconds:.1f} s), "
          f"beam search (beam {args.beam}) {100 * beam:.2f}% ({beam_seconds:.1f} s)")
    for k, (name, _) in enumerate(FORMATS):
        chosen = test_kinds == k
        if not chosen.any():
            continue
        print(f"    {name:32} {chosen.sum():4d} dates   greedy "
              f"{100 * greedy_right[chosen].mean():6.2f}%   beam "
              f"{100 * beam_right[chosen].mean():6.2f}%")
    for i in np.flatnonzero(~greedy_right | ~beam_right)[:5]:
        print(f"    wrong: {test_sources[i]!r} -> greedy {greedy_out[i]!r}, beam {beam_out[i]!r} "
              f"(not {test_targets[i]})")

    os.makedirs(args.out, exist_ok=True)
    checkpoint = os.path.join(args.out, "seq2seq_translation.mt")
    mt.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
             "scheduler": scheduler.state_dict(), "config": config,
             "source_chars": SOURCE_CHARS, "target_chars": TARGET_CHARS, "epoch": args.epochs,
             "seed": args.seed, "greedy_accuracy": greedy, "beam_accuracy": beam}, checkpoint)
    restored, _ = load_translator(checkpoint, device)
    if translate(restored, test_sources, device) != greedy_out:
        print(f"FAILED: the model loaded back from {checkpoint} translates differently")
        return 1
    print(f"saved {checkpoint} (loaded back: same translations)")
    if not args.no_plot:
        try:
            path = os.path.join(args.out, "seq2seq_translation_curves.png")
            plot_curves(path, history, step_losses, steps_per_epoch, args.label_smoothing)
            print(f"saved {path}")
            # one test date in each of a few formats, words and digits
            shown = [int(np.flatnonzero(test_kinds == k)[0]) for k in (0, 9, 7, 10)
                     if (test_kinds == k).any()]
            path = os.path.join(args.out, "seq2seq_translation_attention.png")
            plot_attention(path, model, [test_sources[i] for i in shown], device)
            print(f"saved {path}")
        except ImportError:
            print("no plot: matplotlib is not installed (pip install matplotlib)")

    first, last = history[0]["train_loss"], history[-1]["train_loss"]
    if not last < first:
        print(f"FAILED: the training loss did not fall ({first:.4f} -> {last:.4f})")
        return 1
    if not args.smoke:
        if not min(greedy, beam) >= QUALITY_BAR:
            print(f"FAILED: exact matches greedy {100 * greedy:.2f}%, beam {100 * beam:.2f}%: "
                  f"both should reach {100 * QUALITY_BAR:.0f}%")
            return 1
        note = "" if seconds <= TIME_BUDGET else \
            f" (but training took {seconds:.0f} s, over the {TIME_BUDGET:.0f} s budget)"
        print(f"OK: exact matches greedy {100 * greedy:.2f}%, beam {100 * beam:.2f}% >= "
              f"{100 * QUALITY_BAR:.0f}%{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
