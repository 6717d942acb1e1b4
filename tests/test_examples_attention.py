"""The attention examples run in their `--smoke` mode (seconds each): the date translator
(encoder-decoder Transformer, greedy and beam decoding) and the head-by-head attention maps;
the translator's loss must fall and the outputs of both exist."""
import re

from test_examples import run_example


def test_seq2seq_translation_smoke(tmp_path):
    runs = tmp_path / "runs"
    out = run_example("seq2seq_translation.py", "--smoke", "--out", str(runs), cwd=tmp_path)
    lines = re.findall(r"^epoch\s+(\d+)\s+train loss\s+(\S+)\s+test loss\s+(\S+)\s+"
                       r"greedy exact\s+(\S+)%", out, re.M)
    assert [int(e) for e, _, _, _ in lines] == [0, 1, 2], f"no progress lines:\n{out}"
    train = [float(v) for _, v, _, _ in lines]
    test = [float(v) for _, _, v, _ in lines]
    assert train[-1] < train[0] and test[-1] < test[0], f"the loss did not fall: {lines}"
    assert re.search(r"^held-out exact matches: greedy \S+% \(\S+ s\), beam search \(beam 2\) "
                     r"\S+% \(\S+ s\)$", out, re.M), out
    assert re.search(r"^trained in \S+ s \(\S+ s of CPU time", out, re.M), out
    assert "loaded back: same translations" in out
    for name in ("seq2seq_translation.mt", "seq2seq_translation_curves.png",
                 "seq2seq_translation_attention.png"):
        assert (runs / name).stat().st_size > 0, name


def test_attention_visualize_smoke(tmp_path):
    runs = tmp_path / "runs"
    out = run_example("attention_visualize.py", "--smoke", "--out", str(runs),
                      "--text", "Saturday, March 21, 1987", cwd=tmp_path)
    assert "training one with seq2seq_translation.py" in out
    assert re.search(r"^'saturday, march 21, 1987' -> \S*$", out, re.M), out
    # the tiny model: 1 decoder layer of 4 heads
    heads = re.findall(r"^cross-attention layer (\d+) head (\d+): ", out, re.M)
    assert heads == [("1", str(h)) for h in range(1, 5)], out
    for suffix in ("encoder", "decoder_self", "cross"):
        assert (runs / f"attention_visualize_{suffix}.png").stat().st_size > 0, suffix
    # a second run finds the checkpoint the first one left
    out = run_example("attention_visualize.py", "--out", str(runs), cwd=tmp_path)
    assert f"loaded {runs / 'seq2seq_translation.mt'}" in out and "training one" not in out, out
