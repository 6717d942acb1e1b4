"""Forecast a noisy sum of sines with an LSTM: one step ahead, and many steps by feeding its
own predictions back (an autoregressive rollout).

    series      xₜ = sin(2πt/40) + 0.5·sin(2πt/17 + 1) + 0.3·sin(2πt/9.3 + 2) + εₜ,
                εₜ ~ N(0, 0.1²), t = 0 … 5999 (mt.datasets.make_sine_series): the first 80%
                to train on, the last 20% to test (later in time, never seen in training)
    windows     the training part cut into windows of W = 64 steps, every step a start, the
                target of each step the next value: input x[s:s+W], target x[s+1:s+W+1]
                (mt.datasets.sliding_windows(..., targets="shifted"))
    model       out, (h, c) = LSTM(1, 64)(x)          x: (W, N, 1), out: (W, N, 64)
                x̂ₜ₊₁ = out·W_yᵀ + b_y                (W, N, 1), one prediction per step
    loss        mean squared error over every step of every window (teacher forcing: the
                LSTM always reads true values); Adam, lr decayed by a cosine over the epochs.
                It stays above the test error, which is measured after a full window: the
                first steps of a window have little to go on
    one step    on the test part, from each window of W true values, the next value; the
                naive baseline predicts the last value again (x̂ₜ₊₁ = xₜ)
    rollout     from the state after W true values, 50 steps with the model's own prediction
                as the next input:  x̂ₜ₊₁ = head(LSTM(x̂ₜ, (h, c))); baseline: the last true
                value, held
    outputs     under --out (default runs/): the figure (sequence_forecast.png: loss curve,
                one-step predictions, a rollout, error against horizon) and a checkpoint
                (sequence_forecast.mt), loaded back and checked

No forecast can beat the noise: the best possible mean squared error is σ² = 0.01. The full
run must make the one-step and the rollout errors both under half the baseline's (in practice
the model is far better); it exits with status 1 otherwise.

    python examples/sequence_forecast.py                        # full run (a minute or two)
    python examples/sequence_forecast.py --smoke --out /tmp/x   # seconds (the tests)

tqdm draws a progress bar when installed, matplotlib the figure; both are optional.
"""
import argparse
import os
import sys
import time

import numpy as np

import mytorch as mt
import mytorch.nn as nn
import mytorch.nn.functional as F
from mytorch.utils.data import DataLoader, TensorDataset

from common import add_run_arguments

NOISE = 0.1                  # standard deviation of εₜ
TRAIN_FRACTION = 0.8
HORIZON = 50                 # steps of the autoregressive rollout
QUALITY_RATIO = 0.5          # full run: model MSE / baseline MSE must be below this


class Forecaster(nn.Module):
    """LSTM(1, hidden) and a linear head: from the values so far, the next value, at each step."""

    def __init__(self, hidden=64):
        super().__init__()
        self.lstm = nn.LSTM(1, hidden)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x, state=None):
        """x: (T, N) values -> (predictions of the next values (T, N), final (h, c))."""
        out, state = self.lstm(x.unsqueeze(-1), state)
        return self.head(out).squeeze(-1), state

    @mt.no_grad()
    def rollout(self, context, steps):
        """Read `context` (T, N), then predict `steps` values (steps, N), each one read back in
        as the next input; the LSTM state carries over from call to call."""
        prediction, state = self(context)
        x = prediction[-1:]
        outputs = [x]
        for _ in range(steps - 1):
            x, state = self(x, state)
            outputs.append(x)
        return mt.cat(outputs)


def progress(loader, description):
    """`loader` wrapped in a tqdm bar when tqdm is installed and stderr is a terminal."""
    try:
        from tqdm import tqdm
    except ImportError:
        return loader
    return tqdm(loader, desc=description, leave=False, unit="batch", disable=None)


def train_epoch(model, loader, optimizer, device, description):
    """One pass over `loader`; returns the mean training loss (weighted by batch size)."""
    model.train()
    total, count = 0.0, 0
    for x, y in progress(loader, description):
        x, y = x.to(device).T, y.to(device).T          # (W, N): time first, as nn.LSTM reads
        loss = F.mse_loss(model(x)[0], y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * x.shape[1]
        count += x.shape[1]
    return total / count


@mt.no_grad()
def one_step(model, inputs, targets, device):
    """(the model's predictions, the baseline's, the truth) of the value after each window:
    inputs (M, W), targets (M, 1) tensors -> three (M,) arrays."""
    model.eval()
    prediction = model(inputs.to(device).T)[0][-1].cpu().numpy()
    return prediction, inputs[:, -1].numpy(), targets[:, 0].numpy()


def plot(path, history, series, clean, test_start, width, one_step_preds, rollout_case,
         horizon_mse):
    import matplotlib                            # only the example draws: never at import mytorch
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(12, 7))
    ax = axes[0, 0]
    ax.plot([h["epoch"] for h in history], [h["train_loss"] for h in history], "o-", ms=3,
            label="train (one step, teacher forcing)")
    ax.plot([h["epoch"] for h in history], [h["test_mse"] for h in history], "o-", ms=3,
            label="test, one step")
    ax.axhline(NOISE ** 2, color="k", ls=":", lw=1, label=f"noise floor σ² = {NOISE ** 2:.2f}")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean squared error")
    ax.set_title("loss")
    ax.legend(fontsize=8)

    ax = axes[0, 1]
    prediction, baseline, truth = one_step_preds
    span = slice(0, 150)
    t = test_start + width + np.arange(len(truth))[span]
    ax.plot(t, truth[span], ".", color="0.5", ms=4, label="observed xₜ")
    ax.plot(t, clean[t], color="0.7", lw=1, label="clean signal")
    ax.plot(t, prediction[span], color="C3", lw=1.5, label="LSTM, one step ahead")
    ax.plot(t, baseline[span], color="C0", lw=1, ls="--", label="baseline (last value)")
    ax.set_xlabel("t (test part)")
    ax.set_title("one-step predictions")
    ax.legend(fontsize=8, loc="lower left")

    ax = axes[1, 0]
    start, rollout = rollout_case
    t_context = np.arange(start - width, start)
    t_future = np.arange(start, start + len(rollout))
    ax.plot(t_context, series[t_context], ".", color="0.3", ms=4, label="context (read)")
    ax.plot(t_future, series[t_future], ".", color="0.6", ms=4, label="observed (hidden)")
    ax.plot(t_future, clean[t_future], color="0.7", lw=1, label="clean signal")
    ax.plot(t_future, rollout, color="C3", lw=1.8, label="LSTM rollout")
    ax.axvline(start - 0.5, color="k", lw=0.8)
    ax.set_xlabel("t (test part)")
    ax.set_title(f"autoregressive rollout, {len(rollout)} steps")
    ax.legend(fontsize=8, loc="lower left")

    ax = axes[1, 1]
    model_mse, baseline_mse = horizon_mse
    steps = np.arange(1, len(model_mse) + 1)
    ax.plot(steps, model_mse, color="C3", label="LSTM rollout")
    ax.plot(steps, baseline_mse, color="C0", ls="--", label="baseline (last value held)")
    ax.axhline(NOISE ** 2, color="k", ls=":", lw=1, label="noise floor")
    ax.set_yscale("log")
    ax.set_xlabel("steps ahead")
    ax.set_ylabel("test mean squared error")
    ax.set_title("error against horizon")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--length", type=int, default=6000, help="steps in the series")
    parser.add_argument("--window", type=int, default=64)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=3e-3)
    add_run_arguments(parser)
    parser.add_argument("--smoke", action="store_true",
                        help="a short run for the tests: 2 epochs on a short series")
    args = parser.parse_args(argv)
    epochs = 2 if args.smoke else args.epochs
    length = 1500 if args.smoke else args.length
    width = args.window
    device = mt.device(args.device)

    mt.manual_seed(args.seed)
    series, clean = mt.datasets.make_sine_series(length, noise=NOISE,
                                                 generator=mt.Generator().manual_seed(args.seed))
    test_start = int(length * TRAIN_FRACTION)
    train_x, train_y = mt.datasets.sliding_windows(series[:test_start], width, targets="shifted")
    test_x, test_y = mt.datasets.sliding_windows(series[test_start:], width)
    loader = DataLoader(TensorDataset(train_x, train_y), batch_size=args.batch_size,
                        shuffle=True)
    model = Forecaster(args.hidden).to(device)
    optimizer = mt.optim.Adam(model.parameters(), lr=args.lr)
    scheduler = mt.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"series: {length} steps (noise σ = {NOISE}), {len(train_x)} training windows of "
          f"{width}, {len(test_x)} test windows; {model.lstm} + Linear({args.hidden}, 1), "
          f"{n_params} parameters, on {device}; Adam lr {args.lr}, cosine schedule, batch "
          f"{args.batch_size}, {epochs} epochs")

    history = []

    def record(epoch, train_loss, seconds):
        prediction, _, truth = one_step(model, test_x, test_y, device)
        test_mse = float(np.mean((prediction - truth) ** 2))
        history.append(dict(epoch=epoch, train_loss=train_loss, test_mse=test_mse))
        print(f"epoch {epoch:3d}   train loss {train_loss:.5f}   test mse {test_mse:.5f}   "
              f"{seconds:5.1f} s", flush=True)

    with mt.no_grad():
        first = F.mse_loss(model(train_x.to(device).T)[0], train_y.to(device).T).item()
    record(0, first, 0.0)
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        train_loss = train_epoch(model, loader, optimizer, device, f"epoch {epoch}/{epochs}")
        scheduler.step()
        record(epoch, train_loss, time.perf_counter() - start)
    seconds = time.perf_counter() - start

    # one step: the model against the last value, on every test window
    one_step_preds = one_step(model, test_x, test_y, device)
    prediction, baseline, truth = one_step_preds
    model_mse = float(np.mean((prediction - truth) ** 2))
    baseline_mse = float(np.mean((baseline - truth) ** 2))
    # rollout: from test windows every 10 steps, HORIZON values ahead, none of them read
    context, future = mt.datasets.sliding_windows(series[test_start:], width, HORIZON, stride=10)
    model.eval()
    rolled = model.rollout(context.to(device).T, HORIZON).cpu().numpy()        # (HORIZON, M)
    context, future = context.numpy(), future.numpy().T
    horizon_mse = (np.mean((rolled - future) ** 2, axis=1),
                   np.mean((context[:, -1] - future) ** 2, axis=1))
    rollout_mse, rollout_baseline = (float(np.mean(m)) for m in horizon_mse)
    print(f"one step:     test mse {model_mse:.4f}   baseline (last value) {baseline_mse:.4f}   "
          f"ratio {model_mse / baseline_mse:.2f}   (noise floor {NOISE ** 2:.4f})")
    print(f"rollout {HORIZON}:   test mse {rollout_mse:.4f}   baseline (last value held) "
          f"{rollout_baseline:.4f}   ratio {rollout_mse / rollout_baseline:.2f}   "
          f"({len(context)} starts)")
    print(f"trained in {seconds:.1f} s ({1000 * seconds / (epochs * len(loader)):.1f} ms/step)")

    os.makedirs(args.out, exist_ok=True)
    checkpoint = os.path.join(args.out, "sequence_forecast.mt")
    mt.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
             "scheduler": scheduler.state_dict(), "epoch": epochs, "seed": args.seed,
             "hidden": args.hidden, "one_step_mse": model_mse, "rollout_mse": rollout_mse},
            checkpoint)
    saved = mt.load(checkpoint)
    restored = Forecaster(saved["hidden"]).to(device)
    restored.load_state_dict(saved["model"])
    if not np.array_equal(one_step(restored, test_x, test_y, device)[0], prediction):
        print(f"FAILED: the model loaded back from {checkpoint} predicts differently")
        return 1
    print(f"saved {checkpoint} (loaded back: same predictions)")

    if not args.no_plot:
        path = os.path.join(args.out, "sequence_forecast.png")
        try:
            plot(path, history, series.numpy(), clean.numpy(), test_start, width,
                 one_step_preds, (test_start + width, rolled[:, 0]), horizon_mse)
            print(f"saved {path}")
        except ImportError:
            print("no plot: matplotlib is not installed (pip install matplotlib)")

    first, last = history[0]["train_loss"], history[-1]["train_loss"]
    if not last < first / 2:
        print(f"FAILED: the training loss did not fall ({first:.4f} -> {last:.4f})")
        return 1
    if not args.smoke:
        ratios = {"one-step": model_mse / baseline_mse, "rollout": rollout_mse / rollout_baseline}
        for name, ratio in ratios.items():
            if not ratio < QUALITY_RATIO:
                print(f"FAILED: {name} test mse is {ratio:.2f} of the baseline's, not below "
                      f"{QUALITY_RATIO}")
                return 1
        print(f"OK: test mse {ratios['one-step']:.2f} (one step) and {ratios['rollout']:.2f} "
              f"(rollout) of the last-value baseline's, both below {QUALITY_RATIO}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
