"""examples/char_gpt.py in its `--smoke` mode (a built-in text: no Debian package, no network):
the validation loss must fall, samples come out, and a run stopped and resumed from its
checkpoint computes exactly what the uninterrupted run computes."""
import os
import re
import subprocess
import sys

import mytorch as mt
from test_examples import ROOT, run_example
from test_examples_rnn import losses

STEP = r"^  step\s+(\d+)\s+loss\s+(\S+)\s+lr\s+(\S+)$"


def step_lines(out):
    """{step: the printed training loss line} of a run's output."""
    return {int(n): (loss, lr) for n, loss, lr in re.findall(STEP, out, re.M)}


def sample_after(out, step):
    """The sample printed after the evaluation at `step`: its "    | " lines."""
    block = out.split(f"step {step:5d}   train loss")[1].split("\n")[1:]
    lines = []
    for line in block:
        if not line.startswith("    | "):
            break
        lines.append(line)
    return lines


def test_char_gpt_smoke(tmp_path):
    runs = tmp_path / "runs"
    out = run_example("char_gpt.py", "--smoke", "--out", str(runs), cwd=tmp_path)
    steps, val = losses(out, "step")
    assert steps == [0, 20, 40], out
    assert val[-1] < val[0] - 0.5, f"the validation loss did not fall: {val}"
    assert out.count("    | ") >= len(steps), f"no samples in the output:\n{out}"
    assert sorted(step_lines(out)) == list(range(5, 41, 5)), out
    assert (runs / "char_gpt_curves.png").stat().st_size > 0
    saved = mt.load(runs / "char_gpt.mt")
    assert saved["step"] == 40 and len(saved["losses"]) == 40
    assert [h["step"] for h in saved["history"]] == [0, 20, 40]


def test_char_gpt_resume_continues_exactly(tmp_path):
    whole, parts = tmp_path / "whole", tmp_path / "parts"
    uninterrupted = run_example("char_gpt.py", "--smoke", "--no-plot", "--out", str(whole),
                                cwd=tmp_path)
    first = run_example("char_gpt.py", "--smoke", "--no-plot", "--stop-at", "25",
                        "--out", str(parts), cwd=tmp_path)
    assert "stopped at step 25 of 40" in first, first
    assert max(step_lines(first)) == 25
    halfway = mt.load(parts / "char_gpt.mt")
    assert halfway["step"] == 25 and halfway["scheduler"]["last_epoch"] == 25
    # the settings come from the checkpoint: a conflicting --seed on the command line is ignored
    second = run_example("char_gpt.py", "--smoke", "--no-plot", "--resume", "--seed", "7",
                         "--out", str(parts), cwd=tmp_path)
    assert f"resuming {parts / 'char_gpt.mt'} at step 25" in second, second
    assert "ignoring --seed 7" in second
    resumed = step_lines(second)
    assert min(resumed) == 30, second                     # it goes on from step 25 ...
    expected = step_lines(uninterrupted)
    assert resumed == {s: expected[s] for s in resumed}   # ... with the same losses and lr
    a, b = mt.load(whole / "char_gpt.mt"), mt.load(parts / "char_gpt.mt")
    assert b["losses"][25] == a["losses"][25]             # the very next loss, bit for bit
    assert a["losses"] == b["losses"] and a["lrs"] == b["lrs"]
    assert a["history"] == b["history"]
    assert a["model"].keys() == b["model"].keys()
    assert all(mt.equal(a["model"][k], b["model"][k]) for k in a["model"])
    assert a["rng"] == b["rng"]
    # the sample drawn after resuming is the uninterrupted run's too
    assert sample_after(second, 40) == sample_after(uninterrupted, 40) != []


def test_char_gpt_resume_without_a_checkpoint_says_so(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / "char_gpt.py"), "--smoke",
                           "--resume", "--out", str(tmp_path / "nothing")], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0 and "there is no checkpoint" in proc.stderr
