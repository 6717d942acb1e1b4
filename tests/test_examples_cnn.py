"""The convolutional examples run: each in a subprocess, in its `--smoke` mode (seconds, no
dataset files), and its loss must fall."""
import os
import re
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


def test_cnn_digits_smoke(tmp_path):
    pytest.importorskip("sklearn", reason="the digits ship with scikit-learn")
    runs = tmp_path / "runs"
    out = run_example("cnn_digits.py", "--smoke", "--out", str(runs), cwd=tmp_path)
    assert "LeNet5" in out and "Total params: 19,754" in out, f"no summary table:\n{out}"
    epochs = re.findall(r"^epoch\s+(\d+)\s+train loss\s+(\S+)\s+test loss\s+\S+\s+"
                        r"test acc\s+(\S+)%", out, re.M)
    assert [int(e) for e, _, _ in epochs] == list(range(6)), f"no progress lines:\n{out}"
    losses = [float(loss) for _, loss, _ in epochs]
    accuracies = [float(acc) for _, _, acc in epochs]
    assert losses[-1] < losses[0] / 2, f"the loss did not fall: {losses}"
    assert accuracies[-1] > 80, f"five epochs should already classify most digits: {accuracies}"
    assert (runs / "cnn_digits_curves.png").stat().st_size > 0
    assert (runs / "cnn_digits.mt").stat().st_size > 0


def test_resnet_fashion_mnist_smoke(tmp_path):
    runs = tmp_path / "runs"
    out = run_example("resnet_fashion_mnist.py", "--smoke", "--out", str(runs), cwd=tmp_path)
    assert out.startswith("synthetic"), f"the smoke run must need no dataset files:\n{out}"
    lines = re.findall(r"^(plain|resnet)-8\s+epoch\s+(\d+)\s+train loss\s+(\S+)\s+"
                       r"test acc\s+(\S+)%", out, re.M)
    by_name = {}
    for name, _, loss, _ in lines:
        by_name.setdefault(name, []).append(float(loss))
    assert set(by_name) == {"plain", "resnet"}, f"no progress lines:\n{out}"
    assert all(len(v) >= 2 for v in by_name.values()), out
    resnet = by_name["resnet"]
    assert resnet[-1] < resnet[0] - 0.2, f"the residual net's loss did not fall: {resnet}"
    assert re.search(r"^final: plain-8 train loss \S+, test accuracy \S+% .*resnet-8 train loss",
                     out, re.M), out
    assert (runs / "resnet_fashion_mnist.png").stat().st_size > 0
    assert (runs / "resnet_fashion_mnist.mt").stat().st_size > 0
