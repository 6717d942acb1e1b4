"""Classify scikit-learn's 8×8 handwritten digits with LeNet-5: convolutions on the images
mlp_digits.py flattens.

    data        mt.datasets.load_digits(flatten=False): (1797, 1, 8, 8) in [0, 1]; the same
                seeded 80/20 split as mlp_digits.py (1,438 train, 359 test), so the two compare
    model       mytorch.models.LeNet5(image_size=8): 3×3 convolutions (padding 1) so that two
                conv stages fit in 8×8 pixels, 19,754 parameters (summary() prints the table)
                    conv 3×3 1->6, relu, max-pool     (B, 6, 4, 4)
                    conv 3×3 6->16, relu, max-pool    (B, 16, 2, 2)
                    fc 64 -> 120 -> 84 -> 10          (B, 10)
    loss        cross entropy with label smoothing ε = 0.1
    optimizer   AdamW, lr following a cosine from lr to 0 over the epochs
    outputs     under --out (default runs/cnn_digits): the loss/accuracy curves
                (cnn_digits_curves.png) and a checkpoint (cnn_digits.mt) that is loaded back
                and checked

The training loop and evaluation are mlp_digits.py's (imported from it): only the data's shape
and the model change. The full run must reach 98% test accuracy, in well under a minute on two
cores; it exits with status 1 otherwise.

    python examples/cnn_digits.py                        # full run, outputs under runs/cnn_digits
    python examples/cnn_digits.py --smoke --out /tmp/x   # 5 epochs (the tests): the loss must fall

Needs scikit-learn (it ships the digits); tqdm draws a progress bar when installed, matplotlib
the curves.
"""
import argparse
import os
import sys

import mytorch as mt
from mytorch.models import LeNet5
from mytorch.utils import summary
from mytorch.utils.data import DataLoader, TensorDataset, random_split

from mlp_digits import TEST_FRACTION, fit, plot, save_checkpoint, stack, verdict
from common import add_run_arguments

QUALITY_BAR = 0.98           # full run: final test accuracy must reach this
TIME_BUDGET = 60.0           # seconds of training the full run should fit in on two cores
SMOKE_EPOCHS = 5


def load_data(seed):
    """The digits as 1×8×8 images, (train, test) split at random by a generator seeded by `seed`
    (the split of mlp_digits.py for the same seed)."""
    try:
        dataset = mt.datasets.load_digits(flatten=False)
    except ImportError as err:
        sys.exit(f"cnn_digits: {err}")
    n_test = round(len(dataset) * TEST_FRACTION)
    generator = mt.Generator().manual_seed(seed)
    return random_split(dataset, [len(dataset) - n_test, n_test], generator=generator)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--weight-decay", type=float, default=0.01)
    parser.add_argument("--label-smoothing", type=float, default=0.1)
    add_run_arguments(parser, out=os.path.join("runs", "cnn_digits"))
    parser.add_argument("--smoke", action="store_true",
                        help=f"a short run for the tests: {SMOKE_EPOCHS} epochs, only checks the "
                             "loss fell")
    args = parser.parse_args(argv)
    epochs = SMOKE_EPOCHS if args.smoke else args.epochs
    device = mt.device(args.device)

    mt.manual_seed(args.seed)
    train_set, test_set = load_data(args.seed)
    x_train, y_train = (t.to(device) for t in stack(train_set))
    x_test, y_test = (t.to(device) for t in stack(test_set))
    loader = DataLoader(TensorDataset(*stack(train_set)), batch_size=args.batch_size,
                        shuffle=True)
    model = LeNet5(num_classes=10, in_channels=1, image_size=8).to(device)
    optimizer = mt.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    scheduler = mt.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    print(summary(model, (args.batch_size, 1, 8, 8)))
    n_params = sum(p.numel() for p in model.parameters())
    print(f"digits: {len(train_set)} train, {len(test_set)} test images; LeNet5 for 8×8 "
          f"({n_params} parameters) on {device}; AdamW lr {args.lr} with a cosine schedule, "
          f"batch {args.batch_size}, {epochs} epochs")

    # The train loss is the objective (smoothed targets: its floor is 0.50 for ε = 0.1).
    history, seconds = fit(model, loader, optimizer, scheduler, epochs, device,
                           (x_train, y_train, x_test, y_test), args.label_smoothing)
    accuracy = history[-1]["test_accuracy"]
    os.makedirs(args.out, exist_ok=True)
    checkpoint = os.path.join(args.out, "cnn_digits.mt")
    if not save_checkpoint(checkpoint, model, optimizer, scheduler, epochs, args.seed,
                           LeNet5(num_classes=10, in_channels=1, image_size=8).to(device),
                           x_test, y_test, accuracy):
        return 1

    if not args.no_plot:
        path = os.path.join(args.out, "cnn_digits_curves.png")
        try:
            plot(path, history, args.label_smoothing, QUALITY_BAR, "LeNet-5 on 8×8 digits: loss")
            print(f"saved {path}")
        except ImportError:
            print("no plot: matplotlib is not installed (pip install matplotlib)")

    return verdict(history, accuracy, seconds, args.smoke, QUALITY_BAR, TIME_BUDGET)


if __name__ == "__main__":
    sys.exit(main())
