"""Helpers shared by the workloads: warm-up, interleaved repeats, median and min; and the
check that a mytorch training step and its NumPy twin agree."""
import statistics
import time

import numpy as np

import mytorch as mt


def measure(fns, repeats, number=1, warmup=3, settle=0):
    """Time each function of `fns` (a dict name -> zero-argument callable).

    Every repeat gives each function a turn: `settle` calls that are not timed, then `number`
    calls in a row whose mean is recorded. The functions take turns within each repeat, so a
    slow patch of the machine hurts all of them alike. Returns name -> {"median": s, "min": s,
    "repeats": n, "samples": [s, ...]} (seconds per call).

    Why settle: a training step right after the other side's step is not a training step as a
    training loop runs it. The two sides free and allocate their large arrays in different
    patterns, so at each switch the C allocator hands memory back to the operating system and
    takes it again, and the first step after the switch spends a large part of its time in
    page faults (on the machines here about 400 faults and 1 ms of system time for the MLP
    step, against none in a loop of one side alone). One untimed call per turn lets the
    allocator settle, and the timed calls are the steady state of a training loop.
    """
    for fn in fns.values():
        for _ in range(warmup):
            fn()
    samples = {name: [] for name in fns}
    clock = time.perf_counter
    for _ in range(repeats):
        for name, fn in fns.items():
            for _ in range(settle):
                fn()
            start = clock()
            for _ in range(number):
                fn()
            samples[name].append((clock() - start) / number)
    return {name: {"median": statistics.median(s), "min": min(s), "repeats": len(s),
                   "samples": s}
            for name, s in samples.items()}


def calibrate(fn, target_s=0.02):
    """How many calls of `fn` in a row make one repeat last about `target_s` seconds."""
    start = time.perf_counter()
    fn()
    once = time.perf_counter() - start
    return max(1, int(target_s / max(once, 1e-9)))


def ratio_workload(name, what, mytorch_fn, numpy_fn, target_ratio, quick, repeats, settle=1):
    """Time one mytorch step against its NumPy twin and report milliseconds and their ratio
    against `target_ratio` (the shape of every large-array workload)."""
    fns = {"mytorch": mytorch_fn, "numpy": numpy_fn}
    times = measure(fns, repeats=3 if quick else repeats, number=1, warmup=1 if quick else 3,
                    settle=settle)
    ms = {side: {k: t[k] * 1e3 for k in ("median", "min")} for side, t in times.items()}
    # each repeat times the two sides back to back, so the ratio within a repeat is what a
    # slow patch of a shared machine disturbs least: the figure is the median of those
    ratio = statistics.median(m / n for m, n in zip(times["mytorch"]["samples"],
                                                   times["numpy"]["samples"]))
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


def same_loss(name, loss, ref, rtol):
    """The two sides' losses agree, and both are float32 (a stray float64 would flatter one)."""
    assert loss.dtype == mt.float32, f"{name}: loss is {loss.dtype}"
    assert np.asarray(ref).dtype == np.float32, f"{name}: the NumPy loss is not float32"
    np.testing.assert_allclose(loss.item(), ref, rtol=rtol, err_msg=f"{name}: loss")


def same_parameters(name, model, params, rtol, atol):
    """After the step(s), every parameter of `model` equals the NumPy array in the same place
    of `params` (and is still float32)."""
    for (pname, p), r in zip(model.named_parameters(), params):
        assert p.dtype == mt.float32, f"{name}: {pname} is {p.dtype}"
        np.testing.assert_allclose(p.detach().numpy(), r, rtol=rtol, atol=atol,
                                   err_msg=f"{name}: updated {pname}")


def adam_state(params):
    """The NumPy side's Adam state: step count, first and second moments."""
    return {"t": 0, "m": [np.zeros_like(p) for p in params],
            "v": [np.zeros_like(p) for p in params]}


def adam_step(params, grads, state, lr, betas, eps, weight_decay=0.0):
    """One AdamW update by hand, in place (Adam when weight_decay is 0), as torch.optim's:
    θ ← θ(1 − γλ);  m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;
    θ ← θ − γ/(1 − β₁ᵗ) · m / (√(v/(1 − β₂ᵗ)) + ε)"""
    state["t"] += 1
    t = state["t"]
    b1, b2 = betas
    for p, g, m, v in zip(params, grads, state["m"], state["v"]):
        if weight_decay:
            p *= 1 - lr * weight_decay
        m *= b1
        m += (1 - b1) * g
        v *= b2
        v += (1 - b2) * g * g
        p -= (lr / (1 - b1 ** t)) * m / (np.sqrt(v / (1 - b2 ** t)) + eps)
