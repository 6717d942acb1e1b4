"""A character-level GPT: a decoder-only Transformer (mytorch.models.gpt) reads text one
character at a time, learns to predict the next one at every position at once, and then writes
text of its own.

    data        a corpus as one string, cut at 90%: the start to train on, the end to validate
                on (mt.datasets.CharDataset.split). Default corpus: the King James Bible when
                Debian's bible-kjv is installed, else the Python standard library's own source;
                --corpus picks one, --text FILE reads any UTF-8 file
    batches     windows of block_size characters starting at random positions of the training
                text (nanoGPT's get_batch), drawn by a generator of their own: sampling with
                replacement needs no epoch bookkeeping, and a resumed run draws exactly the
                batches the uninterrupted run would have drawn
    model       GPT(GPTConfig(vocab_size=V, block_size, n_layer, n_head, n_embd, dropout)):
                token + learned position embeddings, pre-norm blocks of causal self-attention
                and a 4x GELU MLP, a final LayerNorm, a head tied to the token embedding;
                logits (B, T, V) score the character after ids[b, :t + 1] for every t at once
    loss        cross-entropy in nats per character: ln V for a model that knows nothing; the
                bigram model's (a table of next-character frequencies) is the bar to beat
    optimizer   model.configure_optimizers: AdamW, weight decay on the matrices only; the
                learning rate rises linearly over --warmup steps, then follows a cosine down to
                lr/10 at --steps (LambdaLR); the gradient norm clipped to --clip
    evaluation  every --eval-every steps: the mean loss over fixed windows of the training and
                of the validation text (the same windows every time, so that the curves move
                only when the model does), and a sample: model.generate from --prompt with the
                key/value cache, softmax(logits / --temperature) over the --top-k best
    checkpoint  char_gpt.mt under --out, rewritten at every evaluation (mt.save: arrays and
                JSON, no pickle): the model, the optimizer, the scheduler, the step, the
                generators' states, the settings and the curves. --resume continues from it
                with its settings; the continued run computes, bit for bit, what the
                uninterrupted one computes (on the cpu: see rng_state). --stop-at N ends a run
                early at step N (to split a long run into pieces, and for the tests)
    outputs     the checkpoint and the curves (char_gpt_curves.png: the losses and the learning
                rate per step)

The full run (600 steps of 32 x 64 characters: about five minutes of CPU time on two cores,
the King James Bible from 4.29 = ln 73 to about 1.69 nats per character, against the bigram
model's 2.36) must bring the validation loss under the bigram model's; it exits with status 1
otherwise.

    python examples/char_gpt.py                          # full run, outputs under runs/
    python examples/char_gpt.py --stop-at 300            # half of it ...
    python examples/char_gpt.py --resume                 # ... and the rest
    python examples/char_gpt.py --text my.txt --n-layer 6 --n-embd 192
    python examples/char_gpt.py --smoke --out /tmp/x     # seconds, a built-in text (the tests)

tqdm draws a progress bar when installed, matplotlib the curves; both are optional.
"""
import argparse
import math
import os
import sys
import time
from dataclasses import asdict

import mytorch as mt
import mytorch.nn as nn
from mytorch.datasets import CharDataset
from mytorch.models.gpt import GPT, GPTConfig

from char_rnn import bigram_loss, load_corpus, progress, verdict
from common import add_run_arguments

VALIDATION_FRACTION = 0.1
CHECKPOINT = "char_gpt.mt"

# What a run is: the settings a resumed run takes from its checkpoint, not from the command line.
RUN_SETTINGS = ("text", "corpus", "smoke", "n_layer", "n_head", "n_embd", "block_size",
                "dropout", "steps", "batch_size", "lr", "warmup", "weight_decay", "clip",
                "eval_every", "eval_batches", "log_every", "prompt", "sample_length",
                "temperature", "top_k", "seed")


def lr_factor(step, warmup, steps, floor=0.1):
    """The learning rate of optimizer step `step` (0, 1, ...) as a fraction of the peak: a
    linear warm-up to 1 over the first `warmup` steps, then half a cosine down to `floor` at
    `steps` (and `floor` after it)."""
    if step < warmup:
        return (step + 1) / warmup
    done = min(1.0, (step - warmup) / max(1, steps - warmup))
    return floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * done))


def get_batch(dataset, batch_size, generator, device):
    """(x, y), int64 (batch_size, block_size) each: the windows dataset[i] at random i."""
    starts = mt.randint(0, len(dataset), (batch_size,), generator=generator).tolist()
    x, y = zip(*(dataset[i] for i in starts))
    return mt.stack(x).to(device), mt.stack(y).to(device)


@mt.no_grad()
def evaluate(model, dataset, starts, batch_size, device):
    """Mean cross-entropy (nats per character) over the windows dataset[i], i in `starts`."""
    model.eval()
    total = 0.0
    for b in range(0, len(starts), batch_size):
        x, y = zip(*(dataset[i] for i in starts[b:b + batch_size]))
        _, loss = model(mt.stack(x).to(device), mt.stack(y).to(device))
        total += loss.item() * len(x)
    model.train()
    return total / len(starts)


def sample(model, dataset, args, generator, device):
    """`args.prompt` and the `args.sample_length` characters the model writes after it."""
    model.eval()
    prompt = dataset.encode(args.prompt).to(device).unsqueeze(0)             # (1, P)
    ids = model.generate(prompt, args.sample_length, temperature=args.temperature,
                         top_k=args.top_k, generator=generator)
    model.train()
    return dataset.decode(ids[0])


def rng_state(batches, samples):
    """The states of the generators a run draws from: the batches', the samples', and the
    default cpu generator's (dropout's, on the cpu). A cuda generator's state cannot be saved
    (mytorch's CuPy generators have no get_state), so on a GPU a resumed run draws the same
    batches but other dropout masks and samples."""
    state = {"batches": batches.get_state(), "default": mt.get_rng_state()}
    if samples.device.type == "cpu":
        state["samples"] = samples.get_state()
    return state


def set_rng_state(state, batches, samples):
    batches.set_state(state["batches"])
    mt.set_rng_state(state["default"])
    if "samples" in state:
        samples.set_state(state["samples"])


def plot(path, history, losses, lrs, bigram, vocab_size):
    import matplotlib                            # only the example draws: never at import mytorch
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax, ax_lr) = plt.subplots(2, 1, figsize=(7, 5.5), sharex=True,
                                    gridspec_kw=dict(height_ratios=[3, 1]))
    steps = [h["step"] for h in history]
    ax.plot(range(1, len(losses) + 1), losses, color="C0", alpha=0.25, lw=0.8,
            label="training batch")
    ax.plot(steps, [h["train_loss"] for h in history], "o-", color="C0", ms=3,
            label="train (fixed windows)")
    ax.plot(steps, [h["val_loss"] for h in history], "o-", color="C1", ms=3,
            label="validation (fixed windows)")
    ax.axhline(bigram, color="k", ls="--", lw=1, label=f"bigram baseline ({bigram:.2f})")
    ax.axhline(math.log(vocab_size), color="k", ls=":", lw=1,
               label=f"uniform, ln {vocab_size} ({math.log(vocab_size):.2f})")
    ax.set_ylabel("cross-entropy (nats per character)")
    ax.set_title("character-level GPT")
    ax.legend(fontsize=8)
    ax_lr.plot(range(1, len(lrs) + 1), lrs, color="C2")
    ax_lr.set_xlabel("step")
    ax_lr.set_ylabel("learning rate")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text", help="a UTF-8 text file to train on (instead of --corpus)")
    parser.add_argument("--corpus", default="auto", choices=["auto", "bible", "python", "devil"],
                        help="auto: the King James Bible when bible-kjv is installed, else the "
                             "Python standard library's source")
    parser.add_argument("--n-layer", type=int, default=4)
    parser.add_argument("--n-head", type=int, default=4)
    parser.add_argument("--n-embd", type=int, default=128)
    parser.add_argument("--block-size", type=int, default=64,
                        help="characters per window: the longest context the model reads")
    parser.add_argument("--dropout", type=float, default=0.0)
    parser.add_argument("--steps", type=int, default=600,
                        help="training steps (batches); the schedule ends there")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=2e-3, help="peak learning rate")
    parser.add_argument("--warmup", type=int, default=50, help="steps of linear warm-up")
    parser.add_argument("--weight-decay", type=float, default=0.1)
    parser.add_argument("--clip", type=float, default=1.0, help="max gradient norm")
    parser.add_argument("--eval-every", type=int, default=100)
    parser.add_argument("--eval-batches", type=int, default=8,
                        help="batches of fixed windows per evaluation, for each of the two parts")
    parser.add_argument("--log-every", type=int, default=25,
                        help="print the training loss every this many steps")
    parser.add_argument("--prompt", default="\n", help="what each sample starts from")
    parser.add_argument("--sample-length", type=int, default=200)
    parser.add_argument("--temperature", type=float, default=0.8)
    parser.add_argument("--top-k", type=int, default=10)
    add_run_arguments(parser)
    parser.add_argument("--resume", action="store_true",
                        help=f"continue the run saved in --out/{CHECKPOINT}, with its settings")
    parser.add_argument("--stop-at", type=int, default=None,
                        help="stop at this step (saving the checkpoint), short of --steps")
    parser.add_argument("--smoke", action="store_true",
                        help="a short run of a tiny model for the tests, on a built-in text: "
                             "only checks that the validation loss fell")
    args = parser.parse_args(argv)
    if args.smoke:
        args.n_layer, args.n_head, args.n_embd, args.block_size = 2, 2, 32, 32
        args.batch_size, args.steps, args.warmup, args.lr = 8, 40, 5, 3e-3
        args.eval_every, args.eval_batches, args.log_every, args.sample_length = 20, 2, 5, 60
    return args


def main(argv=None):
    args = parse_args(argv)
    checkpoint_path = os.path.join(args.out, CHECKPOINT)
    saved = None
    if args.resume:
        if not os.path.isfile(checkpoint_path):
            sys.exit(f"char_gpt: --resume: there is no checkpoint {checkpoint_path}")
        saved = mt.load(checkpoint_path)
        defaults = vars(parse_args(["--smoke"] if args.smoke else []))
        ignored = [f"--{name.replace('_', '-')} {getattr(args, name)}" for name in RUN_SETTINGS
                   if getattr(args, name) not in (defaults[name], saved["args"][name])]
        if ignored:
            print(f"--resume: the run's settings come from {checkpoint_path}; ignoring "
                  f"{', '.join(ignored)}")
        for name in RUN_SETTINGS:                # the run goes on as it started
            setattr(args, name, saved["args"][name])
    device = mt.device(args.device)
    mt.manual_seed(args.seed)

    try:
        corpus, text = load_corpus(args)
        dataset = CharDataset(text, block_size=args.block_size)
        train, val = dataset.split(1 - VALIDATION_FRACTION)
        dataset.encode(args.prompt)         # a character it has never seen: say so now
    except (OSError, ValueError, KeyError) as err:
        sys.exit(f"char_gpt: {err}")
    if saved is not None and (saved["chars"] != "".join(dataset.itos)
                              or saved["characters"] != len(text)):
        sys.exit(f"char_gpt: --resume: the corpus is not the one {checkpoint_path} was "
                 f"trained on")
    vocab = dataset.vocab_size
    ids = dataset.data.numpy()
    cut = len(train.data)
    bigram = bigram_loss((ids[:cut - 1], ids[1:cut]), (ids[cut:-1], ids[cut + 1:]), vocab)

    config = GPTConfig(vocab_size=vocab, block_size=args.block_size, n_layer=args.n_layer,
                       n_head=args.n_head, n_embd=args.n_embd, dropout=args.dropout)
    model = GPT(config).to(device)
    optimizer = model.configure_optimizers(weight_decay=args.weight_decay, lr=args.lr,
                                           betas=(0.9, 0.99))
    scheduler = mt.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: lr_factor(step, args.warmup, args.steps))
    batches = mt.Generator().manual_seed(args.seed)                 # host side: ids on the cpu
    samples = mt.Generator(device).manual_seed(args.seed)
    # the same windows at every evaluation, from a generator of their own
    fixed = mt.Generator().manual_seed(args.seed + 1)
    n_eval = args.eval_batches * args.batch_size
    train_starts = mt.randint(0, len(train), (n_eval,), generator=fixed).tolist()
    val_starts = mt.randint(0, len(val), (n_eval,), generator=fixed).tolist()

    history, losses, lrs, step = [], [], [], 0
    if saved is not None:
        model.load_state_dict(saved["model"])
        optimizer.load_state_dict(saved["optimizer"])
        scheduler.load_state_dict(saved["scheduler"])
        set_rng_state(saved["rng"], batches, samples)
        history, losses, lrs, step = saved["history"], saved["losses"], saved["lrs"], saved["step"]

    print(f"{corpus}: {len(train.text):,} characters to train on, {len(val.text):,} to "
          f"validate on, {vocab} distinct; GPT {args.n_layer} layers x {args.n_head} heads x "
          f"{args.n_embd}, block {args.block_size} ({model.num_parameters():,} parameters) on "
          f"{device}; {args.steps} steps of {args.batch_size} x {args.block_size} characters, "
          f"AdamW lr {args.lr} (warm-up {args.warmup}, cosine to {args.lr / 10:g}), clip "
          f"{args.clip}")
    print(f"baselines: uniform ln {vocab} = {math.log(vocab):.4f}, bigram {bigram:.4f} "
          f"nats per character")

    def save_checkpoint():
        os.makedirs(args.out, exist_ok=True)
        mt.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                 "scheduler": scheduler.state_dict(), "step": step,
                 "rng": rng_state(batches, samples), "config": asdict(config),
                 "args": {name: getattr(args, name) for name in RUN_SETTINGS},
                 "chars": "".join(dataset.itos), "characters": len(text),
                 "history": history, "losses": losses, "lrs": lrs}, checkpoint_path)

    def record(seconds):
        train_loss = evaluate(model, train, train_starts, args.batch_size, device)
        val_loss = evaluate(model, val, val_starts, args.batch_size, device)
        history.append(dict(step=step, train_loss=train_loss, val_loss=val_loss))
        print(f"step {step:5d}   train loss {train_loss:.4f}   val loss {val_loss:.4f}   "
              f"{seconds:6.1f} s", flush=True)
        text = sample(model, dataset, args, samples, device)
        print("    | " + text.replace("\n", "\n    | "), flush=True)
        save_checkpoint()

    stop = args.steps if args.stop_at is None else min(args.stop_at, args.steps)
    if saved is None:
        record(0.0)                         # step 0: the untrained model, near ln V
    else:
        print(f"resuming {checkpoint_path} at step {step}")
    start, cpu_start = time.perf_counter(), time.process_time()
    model.train()
    for _ in progress(range(step, stop), f"steps {step + 1}-{stop}", total=stop - step):
        x, y = get_batch(train, args.batch_size, batches, device)
        lrs.append(scheduler.get_last_lr()[0])
        _, loss = model(x, y)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), args.clip)
        optimizer.step()
        scheduler.step()
        step += 1
        losses.append(loss.item())
        if step % args.log_every == 0:
            print(f"  step {step:5d}   loss {losses[-1]:.6f}   lr {lrs[-1]:.3e}", flush=True)
        if step % args.eval_every == 0 or step == args.steps:
            record(time.perf_counter() - start)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    if stop < args.steps:
        save_checkpoint()
        print(f"stopped at step {step} of {args.steps} after {seconds:.1f} s: saved "
              f"{checkpoint_path}; go on with --resume --out {args.out}")
        return 0
    first, last = history[0]["val_loss"], history[-1]["val_loss"]
    done = stop - (saved["step"] if saved is not None else 0)
    print(f"val loss {first:.4f} -> {last:.4f} nats per character "
          f"({last / math.log(2):.3f} bits; bigram {bigram:.4f}); {done} steps in {seconds:.1f} s "
          f"wall, {cpu_seconds:.1f} s CPU ({1000 * seconds / max(done, 1):.0f} ms/step)")

    reloaded = mt.load(checkpoint_path)
    restored = GPT(GPTConfig(**reloaded["config"])).to(device)
    restored.load_state_dict(reloaded["model"])
    if evaluate(restored, val, val_starts, args.batch_size, device) != last:
        print(f"FAILED: the model loaded back from {checkpoint_path} scores differently")
        return 1
    print(f"saved {checkpoint_path} (loaded back: same validation loss)")
    if not args.no_plot:
        path = os.path.join(args.out, "char_gpt_curves.png")
        try:
            plot(path, history, losses, lrs, bigram, vocab)
            print(f"saved {path}")
        except ImportError:
            print("no plot: matplotlib is not installed (pip install matplotlib)")

    return verdict(first, last, bigram, vocab, args.smoke)


if __name__ == "__main__":
    sys.exit(main())
