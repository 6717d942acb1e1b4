"""Timing helpers shared by the workloads: warm-up, interleaved repeats, median and min."""
import statistics
import time


def measure(fns, repeats, number=1, warmup=3):
    """Time each function of `fns` (a dict name -> zero-argument callable).

    Every repeat calls each function `number` times in a row and records the mean seconds per
    call; the functions take turns within each repeat, so a slow patch of the machine hurts all
    of them alike. Returns name -> {"median": s, "min": s, "repeats": n} (seconds per call).
    """
    for fn in fns.values():
        for _ in range(warmup):
            fn()
    samples = {name: [] for name in fns}
    clock = time.perf_counter
    for _ in range(repeats):
        for name, fn in fns.items():
            start = clock()
            for _ in range(number):
                fn()
            samples[name].append((clock() - start) / number)
    return {name: {"median": statistics.median(s), "min": min(s), "repeats": len(s)}
            for name, s in samples.items()}


def calibrate(fn, target_s=0.02):
    """How many calls of `fn` in a row make one repeat last about `target_s` seconds."""
    start = time.perf_counter()
    fn()
    once = time.perf_counter() - start
    return max(1, int(target_s / max(once, 1e-9)))


def ratio_workload(name, what, mytorch_fn, numpy_fn, target_ratio, quick, repeats):
    """Time one mytorch step against its NumPy twin and report milliseconds and the ratio of
    medians against `target_ratio` (the shape of every large-array workload)."""
    fns = {"mytorch": mytorch_fn, "numpy": numpy_fn}
    times = measure(fns, repeats=3 if quick else repeats, number=1, warmup=1 if quick else 3)
    ms = {side: {k: v * 1e3 for k, v in t.items() if k != "repeats"} for side, t in times.items()}
    ratio = ms["mytorch"]["median"] / ms["numpy"]["median"]
    return {
        "name": name,
        "what": what,
        "unit": "ms",
        "mytorch": ms["mytorch"],
        "numpy": ms["numpy"],
        "ratio": ratio,
        "target": {"metric": "ratio", "value": target_ratio, "met": ratio <= target_ratio},
        "repeats": times["mytorch"]["repeats"],
    }
