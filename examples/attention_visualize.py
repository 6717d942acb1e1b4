"""Look inside an encoder-decoder Transformer: its attention maps, head by head, for one input.

The model is the date translator of examples/seq2seq_translation.py, loaded from its
checkpoint (--checkpoint, by default seq2seq_translation.mt under --out); when there is none
there, that example trains one first (its full recipe, a few minutes; --smoke: a tiny model
in seconds). For the input string (--text) the model writes its translation by greedy
decoding, then one more forward pass over the source and bos + the translation records the
attention weights of every layer, each head on its own:

    encoder self-attention    (heads, S, S)   source character i reading source character j
    decoder self-attention    (heads, T, T)   the output written at step t reading the output
                                              so far (causal: only steps ≤ t, bos first)
    decoder cross-attention   (heads, T, S)   the output written at step t reading the source

The layers call their MultiheadAttention with need_weights=False (training has no use for the
weights), so the maps come through the public nn API instead: a forward pre-hook on each
attention module catches its inputs during the forward pass, and the module runs once more
on them with need_weights=True, average_attn_weights=False (the way
Seq2SeqTransformer.cross_attention_weights gets the last layer's map, averaged over heads).

    outputs     under --out (default runs/): one figure per kind, a row per layer and a
                column per head (attention_visualize_encoder.png, _decoder_self.png,
                _cross.png); and, printed, the source character each head of the decoder's
                cross-attention looked at most while writing each output character

    python examples/seq2seq_translation.py && python examples/attention_visualize.py
    python examples/attention_visualize.py --text "saturday, march 21, 1987"
    python examples/attention_visualize.py --smoke --out /tmp/x   # seconds (the tests)

matplotlib draws the figures.
"""
import argparse
import os
import sys

import mytorch as mt
from seq2seq_translation import (BOS, EOS, SOURCE, TARGET, TARGET_LENGTH, load_translator,
                                 main as train_translator)

KINDS = {                         # kind (the figure's title) -> (file suffix, rows, columns)
    "encoder self-attention": ("encoder", "source", "source"),
    "decoder self-attention": ("decoder_self", "writing", "reading (bos, then the output)"),
    "decoder cross-attention": ("cross", "writing", "source"),
}


@mt.no_grad()
def attention_maps(model, src, tgt_in, src_key_padding_mask=None):
    """Every attention layer's weights for one forward pass of a Seq2SeqTransformer, head by
    head: {kind: [(heads, L, S) NumPy array per layer, first layer first]} for the three kinds
    of KINDS, of the first sequence of the batch."""
    layers = {
        "encoder self-attention": [l.self_attn for l in model.transformer.encoder.layers],
        "decoder self-attention": [l.self_attn for l in model.transformer.decoder.layers],
        "decoder cross-attention": [l.multihead_attn for l in model.transformer.decoder.layers],
    }
    caught = {}

    def catch(module, args, kwargs):
        caught[module] = (args, kwargs)

    handles = [attention.register_forward_pre_hook(catch, with_kwargs=True)
               for modules in layers.values() for attention in modules]
    try:
        model(src, tgt_in, src_key_padding_mask)
    finally:
        for handle in handles:
            handle.remove()
    maps = {}
    for kind, modules in layers.items():
        maps[kind] = []
        for attention in modules:
            args, kwargs = caught[attention]
            kwargs = dict(kwargs, need_weights=True, average_attn_weights=False)
            maps[kind].append(attention(*args, **kwargs)[1][0].cpu().numpy())
    return maps


def plot(path, maps, kind, rows, columns):
    """One subplot per layer (rows) and head (columns) of the maps of one kind."""
    import matplotlib                            # only the example draws: never at import mytorch
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    _, row_label, column_label = KINDS[kind]
    n_layers, n_heads = len(maps), maps[0].shape[0]
    width = 0.16 * len(columns) + 1.2
    height = 0.16 * len(rows) + 1.0
    fig, axes = plt.subplots(n_layers, n_heads, figsize=(n_heads * width, n_layers * height),
                             squeeze=False)
    for layer, weights in enumerate(maps):
        for head in range(n_heads):
            ax = axes[layer, head]
            ax.imshow(weights[head], cmap="viridis", vmin=0, vmax=1, aspect="auto")
            ax.set_xticks(range(len(columns)), columns, fontsize=6)
            ax.set_yticks(range(len(rows)), rows, fontsize=6)
            ax.set_title(f"layer {layer + 1}, head {head + 1}", fontsize=8)
            if head == 0:
                ax.set_ylabel(row_label, fontsize=8)
            if layer == n_layers - 1:
                ax.set_xlabel(column_label, fontsize=8)
    fig.suptitle(kind)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def token_label(token):
    """A target token as the figures show it: its character, or bos / eos."""
    return {BOS: "bos", EOS: "eos"}.get(token) or TARGET.decode([token])


def load_or_train(args):
    """(model, checkpoint) of --checkpoint, or of a translator trained now into --out."""
    default = os.path.join(args.out, "seq2seq_translation.mt")
    path = args.checkpoint or default
    if args.smoke or not os.path.exists(path):
        if args.checkpoint and not args.smoke:
            sys.exit(f"attention_visualize: no checkpoint at {args.checkpoint}")
        what = "a tiny model, a few steps" if args.smoke else "its full recipe, a few minutes"
        print(f"no checkpoint at {path}: training one with seq2seq_translation.py ({what})",
              flush=True)
        status = train_translator(["--out", args.out, "--seed", str(args.seed), "--device",
                                   args.device] + (["--smoke"] if args.smoke else []))
        if status != 0:
            print("(the translator missed its quality bar: the maps show what it learned)")
        path = default
    try:
        model, checkpoint = load_translator(path, args.device)
    except (OSError, ValueError, KeyError) as err:
        sys.exit(f"attention_visualize: {err}")
    print(f"loaded {path}: greedy exact matches {100 * checkpoint['greedy_accuracy']:.2f}% "
          f"on its held-out dates")
    return model, checkpoint


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text", default="the twenty-first of march, 1987",
                        help="the date to translate, lower-cased: one of the formats of "
                             "seq2seq_translation.py (others show the model outside what it "
                             "was trained on)")
    parser.add_argument("--checkpoint", default=None,
                        help="a checkpoint of seq2seq_translation.py (default: "
                             "seq2seq_translation.mt under --out, trained there if missing)")
    parser.add_argument("--seed", type=int, default=0, help="seed of a model trained here")
    parser.add_argument("--device", default="cpu", help="cpu or cuda (needs CuPy and a GPU)")
    parser.add_argument("--out", default="runs", help="folder for the outputs (made if missing)")
    parser.add_argument("--smoke", action="store_true",
                        help="for the tests: train a tiny model for a few steps, then draw")
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    device = mt.device(args.device)
    model, _ = load_or_train(args)

    text = args.text.lower()
    try:
        src, _ = SOURCE.encode([text])
    except ValueError as err:
        sys.exit(f"attention_visualize: {err}")
    src = src.to(device)
    with mt.no_grad():
        ys = model.greedy_decode(src, TARGET_LENGTH + 1, BOS, EOS)
    row = ys[0].tolist()
    # the tokens written, up to and with the first eos; the decoder read bos and all of them
    # but the last, and row t of its maps is where it looked while writing token t + 1
    written = row[1:row.index(EOS, 1) + 1] if EOS in row[1:] else row[1:]
    print(f"{text!r} -> {TARGET.decode(written)}")
    maps = attention_maps(model, src, ys[:, :len(written)])
    written = [token_label(t) for t in written]
    read = [token_label(t) for t in row[:len(written)]]

    cross = maps["decoder cross-attention"]
    for layer, weights in enumerate(cross):
        for head, w in enumerate(weights):
            looked = " ".join(f"{c}<{text[j]!r}" for c, j in zip(written, w.argmax(-1)))
            print(f"cross-attention layer {layer + 1} head {head + 1}: {looked}")
    axes = {"encoder self-attention": (list(text), list(text)),
            "decoder self-attention": (written, read),
            "decoder cross-attention": (written, list(text))}
    try:
        for kind, (suffix, _, _) in KINDS.items():
            path = os.path.join(args.out, f"attention_visualize_{suffix}.png")
            plot(path, maps[kind], kind, *axes[kind])
            print(f"saved {path}")
    except ImportError:
        print("no figures: matplotlib is not installed (pip install matplotlib)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
