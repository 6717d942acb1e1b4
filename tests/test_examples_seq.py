"""The sequence examples run in their `--smoke` mode (seconds): the LSTM forecaster and the
bidirectional GRU over packed parentheses; their loss must fall and their outputs exist."""
import re

from test_examples import run_example


def progress(out, pattern):
    lines = re.findall(pattern, out, re.M)
    assert len(lines) >= 3, f"no progress lines in the output:\n{out}"
    return lines


def test_sequence_forecast_smoke(tmp_path):
    runs = tmp_path / "runs"
    out = run_example("sequence_forecast.py", "--smoke", "--out", str(runs), cwd=tmp_path)
    lines = progress(out, r"^epoch\s+(\d+)\s+train loss\s+(\S+)\s+test mse\s+(\S+)\s+\S+ s$")
    assert [int(e) for e, _, _ in lines] == [0, 1, 2], out
    train = [float(v) for _, v, _ in lines]
    test = [float(v) for _, _, v in lines]
    assert train[-1] < train[0] / 2 and test[-1] < test[0] / 2, f"no learning: {lines}"
    for kind in ("one step", r"rollout 50"):
        assert re.search(rf"^{kind}:\s+test mse \S+\s+baseline \(last value( held)?\) \S+", out,
                         re.M), out
    assert (runs / "sequence_forecast.png").stat().st_size > 0
    assert (runs / "sequence_forecast.mt").stat().st_size > 0
    assert "loaded back: same predictions" in out


def test_sequence_classification_smoke(tmp_path):
    runs = tmp_path / "runs"
    out = run_example("sequence_classification.py", "--smoke", "--out", str(runs), cwd=tmp_path)
    lines = progress(out, r"^epoch\s+(\d+)\s+train loss\s+(\S+)\s+test loss\s+\S+\s+"
                          r"test acc\s+(\S+)%")
    assert [int(e) for e, _, _ in lines] == [0, 1, 2], out
    losses = [float(v) for _, v, _ in lines]
    assert losses[-1] < losses[0], f"the loss did not fall: {losses}"
    assert "bidirectional=True" in out
    assert re.search(r"^longer strings \(42-80 symbols, never trained on\): accuracy \S+%", out,
                     re.M), out
    assert (runs / "sequence_classification.png").stat().st_size > 0
    assert (runs / "sequence_classification.mt").stat().st_size > 0
    assert "loaded back: same test accuracy" in out
