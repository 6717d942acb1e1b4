"""The examples run: each in a subprocess, in its `--smoke` mode, and its loss must fall."""
import os
import re
import subprocess
import sys
from pathlib import Path

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
