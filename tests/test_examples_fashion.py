"""examples/cnn_fashion_mnist.py runs in its `--smoke` mode: on synthetic images (no dataset
files needed), the loss falls and every output is written."""
import re

import mytorch as mt

from test_examples import run_example

FIGURES = ("curves", "confusion", "filters", "feature_maps", "misclassified")


def test_cnn_fashion_mnist_smoke(tmp_path):
    runs = tmp_path / "runs"
    out = run_example("cnn_fashion_mnist.py", "--smoke", "--out", str(runs), cwd=tmp_path)
    assert out.startswith("synthetic (--smoke)"), f"the smoke run should not read data:\n{out}"
    epochs = re.findall(r"^epoch\s+(\d+)\s+train loss\s+(\S+)\s+train acc\s+\S+%\s+"
                        r"test loss\s+\S+\s+test acc\s+(\S+)%", out, re.M)
    assert [int(e) for e, _, _ in epochs] == [0, 1, 2], f"no progress lines in the output:\n{out}"
    losses = [float(loss) for _, loss, _ in epochs]
    accuracies = [float(acc) for _, _, acc in epochs]
    assert losses[-1] < losses[0] / 2, f"the loss did not fall: {losses}"
    assert accuracies[-1] > 50, f"the synthetic classes should be easy: {accuracies}"
    for name in FIGURES:
        png = runs / f"cnn_fashion_mnist_{name}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f"{png} is not a PNG"
    checkpoint = mt.load(runs / "cnn_fashion_mnist.mt")
    assert {"model", "optimizer", "scheduler", "pixel_mean", "pixel_std", "classes",
            "history"} <= set(checkpoint)
    assert [h["epoch"] for h in checkpoint["history"]] == [0, 1, 2]
    assert checkpoint["model"]["conv1.weight"].shape == (32, 1, 3, 3)
    assert checkpoint["classes"][0] == "T-shirt/top"
