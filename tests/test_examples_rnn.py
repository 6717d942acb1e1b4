"""The recurrent examples run in their `--smoke` mode: built-in text and names, so no Debian
package, no PyPI data and no network; the validation loss must fall."""
import re

from test_examples import run_example

PROGRESS = r"^{}\s+(\d+)\s+train loss\s+(\S+)\s+val loss\s+(\S+)\s+\S+ s$"


def losses(out, unit):
    lines = re.findall(PROGRESS.format(unit), out, re.M)
    assert len(lines) >= 3, f"no progress lines in the output:\n{out}"
    return [int(n) for n, _, _ in lines], [float(v) for _, _, v in lines]


def test_char_rnn_smoke(tmp_path):
    runs = tmp_path / "runs"
    out = run_example("char_rnn.py", "--smoke", "--out", str(runs), cwd=tmp_path)
    steps, val = losses(out, "step")
    assert steps == [0, 20, 40, 60], out
    assert val[-1] < val[0] - 0.5, f"the validation loss did not fall: {val}"
    assert out.count("    | ") >= len(steps), f"no samples in the output:\n{out}"
    assert (runs / "char_rnn_curves.png").stat().st_size > 0
    assert (runs / "char_rnn.mt").stat().st_size > 0


def test_char_rnn_smoke_gru_on_a_file(tmp_path):
    text = tmp_path / "text.txt"
    text.write_text("to be or not to be, that is the question.\n" * 40, encoding="utf-8")
    out = run_example("char_rnn.py", "--smoke", "--cell", "gru", "--text", str(text),
                      "--prompt", "to ", "--top-k", "5", "--no-plot",
                      "--out", str(tmp_path / "runs"), cwd=tmp_path)
    assert f"{text}: 1,512 characters to train on" in out and "GRU" in out
    _, val = losses(out, "step")
    assert val[-1] < val[0] - 0.5, f"the validation loss did not fall: {val}"
    assert "    | to " in out


def test_name_generator_smoke(tmp_path):
    runs = tmp_path / "runs"
    out = run_example("name_generator.py", "--smoke", "--out", str(runs), cwd=tmp_path)
    epochs, val = losses(out, "epoch")
    assert epochs == list(range(9)), out
    assert val[-1] < val[0] - 0.3, f"the validation loss did not fall: {val}"
    assert re.search(r"^final: train loss \S+, val loss \S+ nats per letter", out, re.M), out
    assert (runs / "name_generator_curves.png").stat().st_size > 0
    assert (runs / "name_generator.mt").stat().st_size > 0
