"""The benchmarks run and mytorch agrees with the hand-written NumPy versions (never a timing
assertion: speed is measured by `python -m benchmarks`, not tested)."""
import json
import math

import pytest

from benchmarks import (WORKLOADS, cnn, elementwise, lstm, matmul, mlp, overhead,
                        transformer)
from benchmarks.__main__ import main


@pytest.mark.parametrize("module", [overhead, elementwise, matmul, mlp, cnn, lstm,
                                    transformer],
                         ids=lambda m: m.__name__)
def test_mytorch_and_numpy_agree(module):
    assert module.check(seed=1)


@pytest.mark.parametrize("module", [overhead, elementwise, matmul, mlp, cnn, lstm,
                                    transformer],
                         ids=lambda m: m.__name__)
def test_quick_run_gives_numbers(module):
    r = module.run(quick=True)
    assert r["name"] in WORKLOADS
    for side in ("mytorch", "numpy"):
        assert set(r[side]) == {"median", "min"}
        assert all(math.isfinite(v) and v > 0 for v in r[side].values())
        assert r[side]["min"] <= r[side]["median"]
    assert math.isfinite(r["ratio"]) and r["ratio"] > 0
    assert isinstance(r["target"]["met"], bool)


def test_cli_quick_writes_json(tmp_path, capsys):
    path = tmp_path / "bench.json"
    assert main(["--quick", "--json", str(path), "overhead"]) == 0
    assert "overhead" in capsys.readouterr().out
    data = json.loads(path.read_text())
    assert [r["name"] for r in data["results"]] == ["overhead"]


def test_cli_rejects_unknown_workload():
    with pytest.raises(SystemExit):
        main(["nonsense"])


def test_ratio_is_the_median_of_back_to_back_ratios(monkeypatch):
    """Each repeat times the two sides back to back, and the ratio is the median of the
    three ratios (1.1, 1.1, 0.73), not the ratio of the medians (2.2 / 3.0): a slow patch of
    the machine (repeat 2, both sides 3× slower) moves the medians, not the ratios. Each turn
    starts with one call that is not timed (the 9.0s below: the step after a switch)."""
    from benchmarks import timing
    durations = iter([0.0] * 6 +                # three warm-up calls a side, not timed
                     [9.0, 1.1, 9.0, 1.0, 9.0, 3.3, 9.0, 3.0, 9.0, 2.2, 9.0, 3.0])
    now = [0.0]

    def clock():
        return now[0]

    def step():
        now[0] += next(durations)

    monkeypatch.setattr(timing.time, "perf_counter", clock)
    r = timing.ratio_workload("fake", "fake", step, step, 1.10, quick=False, repeats=3)
    assert math.isclose(r["ratio"], 1.1)
    assert math.isclose(r["mytorch"]["median"], 2200.0) and math.isclose(r["numpy"]["min"], 1000.0)
