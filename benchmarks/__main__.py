"""`python -m benchmarks [--quick] [--json PATH] [NAME ...]`: run the workloads, print a table."""
import argparse
import ctypes
import importlib
import json
import os
import platform
import sys

from . import WORKLOADS


def _row(r):
    m, n = r["mytorch"], r["numpy"]
    t = r["target"]
    if t["metric"] == "ratio":
        goal = f"ratio <= {t['value']:.2f}"
    else:
        goal = f"<= {t['value']:g} {r['unit']}"
    return (f"{r['name']:<12} {r['unit']:<6} {m['median']:>9.3f} {m['min']:>9.3f} "
            f"{n['median']:>9.3f} {n['min']:>9.3f} {r['ratio']:>7.2f}x  "
            f"{goal:<18} {'met' if t['met'] else 'MISSED'}")


def steady_allocator():
    """Ask glibc's malloc to keep freed memory rather than hand it back to the operating
    system (and to serve large arrays from its heap rather than from a fresh mapping each):
    returns whether it could. Timing two programs in turn makes the allocator give memory back
    and fault it in again at each switch, which a training loop of either alone never does,
    and which cost the first CNN workload of a run up to half of NumPy's step time. Both sides
    get the same allocator; elsewhere than on glibc nothing changes."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    m_trim_threshold, m_mmap_threshold = -1, -3          # from glibc's malloc.h
    return bool(libc.mallopt(m_mmap_threshold, 1 << 30) and
                libc.mallopt(m_trim_threshold, (1 << 31) - 1))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help=f"workloads to run (default: all of {', '.join(WORKLOADS)})")
    parser.add_argument("--quick", action="store_true", help="a few repeats only (a smoke run)")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON to PATH")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in WORKLOADS]
    if unknown:
        parser.error(f"unknown workload {unknown[0]!r} (choose from {', '.join(WORKLOADS)})")

    import numpy as np
    threads = os.environ.get("OPENBLAS_NUM_THREADS")
    steady = steady_allocator()
    print(f"mytorch vs hand-written NumPy  (python {platform.python_version()}, numpy "
          f"{np.__version__}, OPENBLAS_NUM_THREADS={threads}"
          f"{', malloc keeps freed memory' if steady else ''}{', quick' if args.quick else ''})")
    header = (f"{'workload':<12} {'unit':<6} {'mt med':>9} {'mt min':>9} {'np med':>9} "
              f"{'np min':>9} {'ratio':>8}  {'target':<18} status")
    print(header)
    print("-" * len(header))
    results = []
    for name in args.names or WORKLOADS:
        module = importlib.import_module(f".{name}", __package__)
        result = module.run(quick=args.quick)
        results.append(result)
        print(_row(result), flush=True)
        for note in result.get("notes", ()):
            print(f"{'':<12} {note}", flush=True)
    print("(medians and minima over the repeats; ratio = the median over the repeats of "
          "mytorch / NumPy, timed back to back; overhead: of the medians)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"quick": args.quick, "numpy": np.__version__,
                       "openblas_threads": threads, "steady_allocator": steady,
                       "results": results}, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
