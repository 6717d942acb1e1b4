"""mytorch.optim.lr_scheduler: every schedule's lr over ~20 steps against the closed form in
PyTorch's documentation (the schedulers compute most of them recursively), plus resuming,
composing, warnings and errors."""
import math

import pytest

import mytorch as mt
from mytorch import optim
from mytorch.optim import lr_scheduler as S

BASE = 0.1
EPOCHS = 20


def sgd(*lrs, **kw):
    """An SGD with one param group per lr."""
    return optim.SGD([{"params": [mt.zeros(2, requires_grad=True)], "lr": lr} for lr in lrs],
                     **kw)


def run(opt, sched, epochs=EPOCHS, group=0):
    """The lr of `group` at epochs 0..epochs, stepping as a training loop does."""
    lrs = [opt.param_groups[group]["lr"]]
    for _ in range(epochs):
        opt.step()
        sched.step()
        lrs.append(opt.param_groups[group]["lr"])
    return lrs


def close(got, expected):
    assert got == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_step_lr():
    opt = sgd(BASE)
    close(run(opt, S.StepLR(opt, step_size=3, gamma=0.5)),
          [BASE * 0.5 ** (e // 3) for e in range(EPOCHS + 1)])


def test_multistep_lr_counts_repeated_milestones():
    opt = sgd(BASE)
    milestones = [2, 5, 5, 9]
    close(run(opt, S.MultiStepLR(opt, milestones, gamma=0.1)),
          [BASE * 0.1 ** sum(m <= e for m in milestones) for e in range(EPOCHS + 1)])


def test_exponential_lr():
    opt = sgd(BASE)
    close(run(opt, S.ExponentialLR(opt, gamma=0.9)), [BASE * 0.9 ** e for e in range(EPOCHS + 1)])


def test_cosine_annealing_lr_carries_on_past_t_max():
    opt = sgd(BASE)
    T, eta_min = 7, 0.01
    close(run(opt, S.CosineAnnealingLR(opt, T_max=T, eta_min=eta_min), epochs=25),
          [eta_min + (BASE - eta_min) * (1 + math.cos(math.pi * e / T)) / 2 for e in range(26)])


def test_lambda_lr_one_function_per_group():
    opt = sgd(BASE, 0.5)
    sched = S.LambdaLR(opt, [lambda e: 1 / (e + 1), lambda e: 0.95 ** e])
    lrs = [[g["lr"] for g in opt.param_groups]]
    for _ in range(EPOCHS):
        opt.step()
        sched.step()
        lrs.append(sched.get_last_lr())
    close([lr[0] for lr in lrs], [BASE / (e + 1) for e in range(EPOCHS + 1)])
    close([lr[1] for lr in lrs], [0.5 * 0.95 ** e for e in range(EPOCHS + 1)])


@pytest.mark.parametrize("start,end,total", [(0.25, 1.0, 6), (1.0, 0.1, 10), (0.5, 0.0, 4)])
def test_linear_lr(start, end, total):
    opt = sgd(BASE)
    close(run(opt, S.LinearLR(opt, start_factor=start, end_factor=end, total_iters=total)),
          [BASE * (start + (end - start) * min(e, total) / total) for e in range(EPOCHS + 1)])


def anneal(a, b, pct, strategy):
    if strategy == "cos":
        return b + (a - b) * (1 + math.cos(math.pi * pct)) / 2
    return a + (b - a) * pct


@pytest.mark.parametrize("strategy", ["cos", "linear"])
def test_one_cycle_lr_two_phases(strategy):
    N, max_lr, pct = 20, 1.0, 0.3
    initial, up = max_lr / 25, pct * N - 1
    final = initial / 1e4
    opt = sgd(BASE, momentum=0.9)
    sched = S.OneCycleLR(opt, max_lr=max_lr, total_steps=N, anneal_strategy=strategy)
    lrs, momenta = [opt.param_groups[0]["lr"]], [opt.param_groups[0]["momentum"]]
    for _ in range(N - 1):
        opt.step()
        sched.step()
        lrs.append(opt.param_groups[0]["lr"])
        momenta.append(opt.param_groups[0]["momentum"])
    close(lrs, [anneal(initial, max_lr, t / up, strategy) if t <= up
                else anneal(max_lr, final, (t - up) / (N - 1 - up), strategy) for t in range(N)])
    close(momenta, [anneal(0.95, 0.85, t / up, strategy) if t <= up
                    else anneal(0.85, 0.95, (t - up) / (N - 1 - up), strategy) for t in range(N)])
    assert lrs[0] == pytest.approx(0.04) and lrs[-1] == pytest.approx(4e-6)
    assert max(lrs) == pytest.approx(1.0) and lrs.index(max(lrs)) == 5
    with pytest.raises(ValueError, match="Tried to step 21 times. The specified number of total "
                                         "steps is 20"):
        sched.step()
        sched.step()


def test_one_cycle_lr_three_phases_cycles_adams_beta1():
    N, max_lr, pct = 20, 0.5, 0.25
    initial, up, down = max_lr / 10, pct * N - 1, 2 * pct * N - 2
    final = initial / 100
    opt = optim.Adam([mt.zeros(2, requires_grad=True)], betas=(0.9, 0.99))
    sched = S.OneCycleLR(opt, max_lr=max_lr, epochs=4, steps_per_epoch=5, pct_start=pct,
                         div_factor=10, final_div_factor=100, three_phase=True)
    lrs, betas = [opt.param_groups[0]["lr"]], [opt.param_groups[0]["betas"]]
    for _ in range(N - 1):
        opt.step()
        sched.step()
        lrs.append(opt.param_groups[0]["lr"])
        betas.append(opt.param_groups[0]["betas"])

    def expected(t, lo, hi, end):
        if t <= up:
            return anneal(lo, hi, t / up, "cos")
        if t <= down:
            return anneal(hi, lo, (t - up) / (down - up), "cos")
        return anneal(lo, end, (t - down) / (N - 1 - down), "cos")

    close(lrs, [expected(t, initial, max_lr, final) for t in range(N)])
    close([b[0] for b in betas], [expected(t, 0.95, 0.85, 0.95) for t in range(N)])
    assert all(b[1] == 0.99 for b in betas)


def test_sequential_lr_warmup_then_exponential():
    opt = sgd(BASE)
    warmup = S.LinearLR(opt, start_factor=0.1, total_iters=4)
    decay = S.ExponentialLR(opt, gamma=0.9)
    sched = S.SequentialLR(opt, [warmup, decay], milestones=[5])
    close(run(opt, sched), [BASE * (0.1 + 0.9 * min(e, 4) / 4) if e < 5 else BASE * 0.9 ** (e - 5)
                            for e in range(EPOCHS + 1)])


def test_sequential_lr_three_schedulers():
    opt = sgd(BASE)
    T = 6
    scheds = [S.LinearLR(opt, start_factor=0.5, total_iters=2),
              S.CosineAnnealingLR(opt, T_max=T),
              S.StepLR(opt, step_size=2, gamma=0.5)]
    sched = S.SequentialLR(opt, scheds, milestones=[3, 3 + T])

    def expected(e):
        if e < 3:
            return BASE * (0.5 + 0.5 * min(e, 2) / 2)
        if e < 3 + T:
            return BASE * (1 + math.cos(math.pi * (e - 3) / T)) / 2
        return BASE * 0.5 ** ((e - 3 - T) // 2)

    close(run(opt, sched), [expected(e) for e in range(EPOCHS + 1)])


def test_recursive_schedulers_compose():
    opt = sgd(BASE)
    a, b = S.ExponentialLR(opt, gamma=0.9), S.StepLR(opt, step_size=4, gamma=0.5)
    lrs = [opt.param_groups[0]["lr"]]
    for _ in range(EPOCHS):
        opt.step()
        a.step()
        b.step()
        lrs.append(opt.param_groups[0]["lr"])
    close(lrs, [BASE * 0.9 ** e * 0.5 ** (e // 4) for e in range(EPOCHS + 1)])


# ---- ReduceLROnPlateau ------------------------------------------------------------------------

def plateau_lrs(metrics, **kw):
    opt = sgd(BASE)
    sched = S.ReduceLROnPlateau(opt, **kw)
    out = []
    for m in metrics:
        sched.step(m)
        out.append(opt.param_groups[0]["lr"])
    assert sched.get_last_lr() == [out[-1]]
    return out


def test_plateau_reduces_after_patience():
    # best is set at epoch 1; epochs 2..4 are bad, and the 3rd bad one (> patience) reduces
    close(plateau_lrs([1.0] * EPOCHS, patience=2, factor=0.5),
          [BASE * 0.5 ** ((e - 1) // 3) for e in range(1, EPOCHS + 1)])


def test_plateau_cooldown():
    close(plateau_lrs([1.0] * EPOCHS, patience=2, factor=0.5, cooldown=1),
          [BASE * 0.5 ** (e // 4) for e in range(1, EPOCHS + 1)])


def test_plateau_min_lr_and_eps():
    close(plateau_lrs([1.0] * EPOCHS, patience=0, factor=0.5, min_lr=0.02),
          [max(BASE * 0.5 ** (e - 1), 0.02) for e in range(1, EPOCHS + 1)])
    assert plateau_lrs([1.0] * 5, patience=0, factor=0.5, eps=0.1) == [BASE] * 5


def test_plateau_improving_metric_never_reduces():
    assert plateau_lrs([1.0 / e for e in range(1, EPOCHS + 1)], patience=0) == [BASE] * EPOCHS


def test_plateau_threshold_modes():
    # falling by 1e-5 relative is below the default rel threshold 1e-4: not an improvement
    slow = [1.0 * (1 - 1e-5) ** e for e in range(6)]
    assert plateau_lrs(slow, patience=1)[-1] < BASE
    # mode max, abs threshold 1: rising by 0.5 an epoch is not an improvement, by 2 it is
    assert plateau_lrs([0.5 * e for e in range(6)], mode="max", threshold=1.0,
                       threshold_mode="abs", patience=1)[-1] < BASE
    assert plateau_lrs([2.0 * e for e in range(6)], mode="max", threshold=1.0,
                       threshold_mode="abs", patience=1)[-1] == BASE


def test_plateau_accepts_a_tensor_metric():
    assert plateau_lrs([mt.tensor(1.0)] * 3, patience=0, factor=0.5) == [BASE, BASE / 2, BASE / 4]


def test_plateau_errors():
    opt = sgd(BASE)
    with pytest.raises(ValueError, match=r"Factor should be < 1\.0"):
        S.ReduceLROnPlateau(opt, factor=1.0)
    with pytest.raises(ValueError, match="mode maximum is unknown!"):
        S.ReduceLROnPlateau(opt, mode="maximum")
    with pytest.raises(ValueError, match="threshold mode relative is unknown!"):
        S.ReduceLROnPlateau(opt, threshold_mode="relative")
    with pytest.raises(ValueError, match="expected 1 min_lrs, got 2"):
        S.ReduceLROnPlateau(opt, min_lr=[0.1, 0.2])


# ---- the base class ---------------------------------------------------------------------------

def test_base_lrs_initial_lr_and_last_epoch():
    opt = sgd(0.1, 0.2)
    sched = S.ExponentialLR(opt, gamma=0.5)
    assert sched.base_lrs == [0.1, 0.2]
    assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.2]
    assert sched.last_epoch == 0 and sched.get_last_lr() == [0.1, 0.2]
    opt.step()
    sched.step()
    assert sched.last_epoch == 1 and sched.get_last_lr() == [0.05, 0.1]


@pytest.mark.parametrize("make", [
    lambda o: S.StepLR(o, step_size=3, gamma=0.5),
    lambda o: S.CosineAnnealingLR(o, T_max=8, eta_min=0.001),
    lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=25),
    lambda o: S.SequentialLR(o, [S.LinearLR(o, total_iters=3), S.ExponentialLR(o, 0.8)], [4]),
], ids=["StepLR", "CosineAnnealingLR", "OneCycleLR", "SequentialLR"])
def test_resume_from_state_dicts_continues_identically(make):
    opt = sgd(BASE, momentum=0.9)
    sched = make(opt)
    run(opt, sched, epochs=7)
    opt_state, sched_state = opt.state_dict(), sched.state_dict()
    assert "optimizer" not in sched_state
    expected = run(opt, sched, epochs=10)

    resumed_opt = sgd(BASE, momentum=0.9)        # build both, then load both, as PyTorch's
    resumed = make(resumed_opt)                  # checkpoint recipe does
    resumed_opt.load_state_dict(opt_state)
    resumed.load_state_dict(sched_state)
    assert run(resumed_opt, resumed, epochs=10) == expected


def test_resuming_needs_initial_lr():
    with pytest.raises(KeyError, match=r"param 'initial_lr' is not specified in "
                                       r"param_groups\[0\] when resuming an optimizer"):
        S.StepLR(sgd(BASE), step_size=2, last_epoch=5)


def test_step_with_epoch_uses_the_closed_form_and_warns():
    opt = sgd(BASE)
    sched = S.StepLR(opt, step_size=3, gamma=0.5)
    opt.step()
    with pytest.warns(UserWarning, match="epoch parameter in `scheduler.step\\(\\)`"):
        sched.step(7)
    assert opt.param_groups[0]["lr"] == pytest.approx(BASE * 0.25)


def test_scheduler_step_before_optimizer_step_warns():
    opt = sgd(BASE)
    sched = S.StepLR(opt, step_size=3)
    with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
        sched.step()


def test_scheduler_errors():
    with pytest.raises(TypeError, match="list is not an Optimizer"):
        S.StepLR([], step_size=2)
    opt = sgd(BASE)
    with pytest.raises(ValueError, match="Starting multiplicative factor expected to be greater "
                                         "than 0 and less or equal to 1"):
        S.LinearLR(opt, start_factor=0)
    with pytest.raises(ValueError, match="Ending multiplicative factor expected to be between 0 "
                                         "and 1"):
        S.LinearLR(opt, end_factor=1.5)
    with pytest.raises(ValueError, match="Expected 1 lr_lambdas, but got 2"):
        S.LambdaLR(opt, [lambda e: 1, lambda e: 1])
    with pytest.raises(ValueError, match="You must define either total_steps OR"):
        S.OneCycleLR(opt, max_lr=1.0)
    with pytest.raises(ValueError, match="Expected positive integer total_steps, but got 0"):
        S.OneCycleLR(opt, max_lr=1.0, total_steps=0)
    with pytest.raises(ValueError, match="Expected float between 0 and 1 pct_start, but got 1.5"):
        S.OneCycleLR(opt, max_lr=1.0, total_steps=10, pct_start=1.5)
    with pytest.raises(ValueError, match="anneal_strategy must be one of 'cos' or 'linear'"):
        S.OneCycleLR(opt, max_lr=1.0, total_steps=10, anneal_strategy="exp")
    with pytest.raises(ValueError, match="max_lr must have the same length as "
                                         "optimizer.param_groups"):
        S.OneCycleLR(opt, max_lr=[1.0, 2.0], total_steps=10)
    with pytest.raises(ValueError, match="optimizer must support momentum or beta1"):
        S.OneCycleLR(optim.Adagrad([mt.zeros(2, requires_grad=True)]), max_lr=1.0,
                     total_steps=10)
    with pytest.raises(ValueError, match="expects number of schedulers provided to be one more "
                                         "than the number of milestone points"):
        S.SequentialLR(opt, [S.StepLR(opt, 2), S.StepLR(opt, 3)], milestones=[2, 4])
    with pytest.raises(ValueError, match="does not support `ReduceLROnPlateau`"):
        S.SequentialLR(opt, [S.StepLR(opt, 2), S.ReduceLROnPlateau(opt)], milestones=[2])
    with pytest.raises(ValueError, match="expects all schedulers to belong to the same "
                                         "optimizer"):
        S.SequentialLR(opt, [S.StepLR(opt, 2), S.StepLR(sgd(BASE), 2)], milestones=[2])


def test_lambda_lr_state_dict_saves_callable_objects_only():
    class Warmup:
        def __init__(self, n):
            self.n = n

        def __call__(self, e):
            return min(1.0, (e + 1) / self.n)

    opt = sgd(BASE, 0.2)
    sched = S.LambdaLR(opt, [Warmup(5), lambda e: 1.0])
    state = sched.state_dict()
    assert state["lr_lambdas"] == [{"n": 5}, None]
    other = S.LambdaLR(sgd(BASE, 0.2), [Warmup(2), lambda e: 1.0])
    other.load_state_dict(state)
    assert other.lr_lambdas[0].n == 5
