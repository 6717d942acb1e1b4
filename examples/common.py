"""What the example scripts share: the command-line options that every one of them takes.

The scripts are run as `python examples/NAME.py`, so this file is importable from them as
`common` (the folder of the running script is on sys.path).
"""


def add_run_arguments(parser, out="runs", outputs="the outputs", figures="figure"):
    """--seed, --device, --out and --no-plot: where an example runs, with which seed, where its
    outputs go, and whether it draws."""
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="cpu", help="cpu or cuda (needs CuPy and a GPU)")
    parser.add_argument("--out", default=out, help=f"folder for {outputs} (made if missing)")
    parser.add_argument("--no-plot", action="store_true", help=f"skip the {figures}")
