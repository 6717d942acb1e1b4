"""The examples run: each in a subprocess, in its `--smoke` mode, and its loss must fall."""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_example(name, *args, cwd):
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / name), *args], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, (f"{name} {' '.join(args)} exited with {proc.returncode}\n"
                                  f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
    return proc.stdout


def test_fit_curve_smoke(tmp_path):
    out = run_example("fit_curve.py", "--smoke", "--out", str(tmp_path / "runs"), cwd=tmp_path)
    losses = [float(v) for v in re.findall(r"^step\s+\d+\s+loss\s+(\S+)$", out, re.M)]
    assert len(losses) >= 2, f"no progress lines in the output:\n{out}"
    assert losses[-1] < losses[0] / 2, f"the loss did not fall: {losses}"
    assert (tmp_path / "runs" / "fit_curve.png").stat().st_size > 0


def test_mlp_digits_smoke(tmp_path):
    pytest.importorskip("sklearn", reason="the digits ship with scikit-learn")
    runs = tmp_path / "runs"
    out = run_example("mlp_digits.py", "--smoke", "--out", str(runs), cwd=tmp_path)
    epochs = re.findall(r"^epoch\s+(\d+)\s+train loss\s+(\S+)\s+test loss\s+\S+\s+"
                        r"test acc\s+(\S+)%", out, re.M)
    assert [int(e) for e, _, _ in epochs] == [0, 1, 2], f"no progress lines in the output:\n{out}"
    losses = [float(loss) for _, loss, _ in epochs]
    accuracies = [float(acc) for _, _, acc in epochs]
    assert losses[-1] < losses[0] / 2, f"the loss did not fall: {losses}"
    assert accuracies[-1] > 80, f"two epochs should already classify most digits: {accuracies}"
    assert (runs / "mlp_digits_curves.png").stat().st_size > 0
    assert (runs / "mlp_digits.mt").stat().st_size > 0
    assert "digraph" in (runs / "mlp_digits_graph.dot").read_text()
    if shutil.which("dot"):
        assert (runs / "mlp_digits_graph.svg").read_text().lstrip().startswith("<?xml")


def test_universal_approximation_smoke(tmp_path):
    runs = tmp_path / "runs"
    out = run_example("universal_approximation.py", "--smoke", "--out", str(runs), cwd=tmp_path)
    lines = re.findall(r"^width\s+(\d+)\s+step\s+\d+\s+mse\s+(\S+)$", out, re.M)
    by_width = {}
    for width, mse in lines:
        by_width.setdefault(int(width), []).append(float(mse))
    assert len(by_width) >= 2 and all(len(v) >= 2 for v in by_width.values()), out
    widest = by_width[max(by_width)]
    assert widest[-1] < widest[0] / 2, f"the loss did not fall: {widest}"
    assert (runs / "universal_approximation.png").stat().st_size > 0


def test_optimizers_compare_smoke(tmp_path):
    runs = tmp_path / "runs"
    out = run_example("optimizers_compare.py", "--smoke", "--out", str(runs), cwd=tmp_path)
    lines = re.findall(r"^\s*(\S+)\s+lr\s+\S+\s+step\s+\d+\s+loss\s+(\S+)$", out, re.M)
    by_name = {}
    for name, loss in lines:
        by_name.setdefault(name, []).append(float(loss))
    assert set(by_name) == {"SGD", "momentum", "RMSprop", "Adam"}, out
    for name, losses in by_name.items():
        assert losses[-1] < losses[0], f"the loss of {name} did not fall: {losses}"
    adam = by_name["Adam"]
    assert adam[-1] < adam[0] / 2, f"Adam's loss did not halve: {adam}"
    assert (runs / "optimizers_compare.png").stat().st_size > 0
