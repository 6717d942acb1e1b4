"""ConstantLR, MultiplicativeLR, PolynomialLR, CosineAnnealingWarmRestarts, CyclicLR and
ChainedScheduler: the lr (and momentum) over many steps against the closed forms of PyTorch's
documentation, fractional epochs, composition, resuming from state_dict, and the errors."""
import math

import pytest

import mytorch as mt
from mytorch import optim
from mytorch.optim import lr_scheduler as S

from .test_lr_scheduler import BASE, EPOCHS, close, run, sgd


def test_constant_lr():
    opt = sgd(BASE)
    close(run(opt, S.ConstantLR(opt, factor=0.25, total_iters=4)),
          [BASE * (0.25 if e < 4 else 1.0) for e in range(EPOCHS + 1)])


def test_constant_lr_defaults():
    opt = sgd(BASE)
    sched = S.ConstantLR(opt)
    assert (sched.factor, sched.total_iters) == (1.0 / 3, 5)
    close(run(opt, sched, epochs=6), [BASE / 3] * 5 + [BASE] * 2)


def test_multiplicative_lr_multiplies_the_factors():
    opt = sgd(BASE, 0.5)
    sched = S.MultiplicativeLR(opt, [lambda e: 0.9, lambda e: 1 / (e + 1)])
    close(run(opt, sched), [BASE * 0.9 ** e for e in range(EPOCHS + 1)])
    close([opt.param_groups[1]["lr"]], [0.5 / math.factorial(EPOCHS + 1)])


def test_multiplicative_lr_resumed_does_not_multiply_when_built():
    opt = sgd(BASE)
    for group in opt.param_groups:
        group["initial_lr"] = BASE
    sched = S.MultiplicativeLR(opt, lambda e: 0.5, last_epoch=3)
    assert sched.last_epoch == 4 and sched.get_last_lr() == [BASE]
    opt.step()
    sched.step()
    close(sched.get_last_lr(), [BASE / 2])


@pytest.mark.parametrize("total,power", [(5, 1.0), (7, 2.0), (10, 0.5)])
def test_polynomial_lr(total, power):
    opt = sgd(BASE)
    close(run(opt, S.PolynomialLR(opt, total_iters=total, power=power)),
          [BASE * (1 - min(e, total) / total) ** power for e in range(EPOCHS + 1)])


def sgdr(e, T_0, T_mult, eta_min, base=BASE):
    """The SGDR closed form at epoch e: find the cycle, then the cosine within it."""
    T_i = T_0
    while e >= T_i:
        e -= T_i
        T_i *= T_mult
    return eta_min + (base - eta_min) * (1 + math.cos(math.pi * e / T_i)) / 2


@pytest.mark.parametrize("T_0,T_mult,eta_min", [(3, 1, 0.0), (3, 2, 0.01), (2, 3, 0.001)])
def test_cosine_annealing_warm_restarts(T_0, T_mult, eta_min):
    opt = sgd(BASE)
    sched = S.CosineAnnealingWarmRestarts(opt, T_0, T_mult, eta_min)
    close(run(opt, sched, epochs=40), [sgdr(e, T_0, T_mult, eta_min) for e in range(41)])


def test_cosine_annealing_warm_restarts_restarts_at_base_lr():
    opt = sgd(BASE)
    lrs = run(opt, S.CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=2, eta_min=0.01), epochs=21)
    assert [e for e in range(22) if lrs[e] == BASE] == [0, 3, 9, 21]


@pytest.mark.parametrize("T_mult", [1, 2])
def test_cosine_annealing_warm_restarts_fractional_epochs(T_mult):
    """step(epoch) with epoch = e + i/iters follows the cosine batch by batch, no warning."""
    opt = sgd(BASE)
    sched = S.CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=T_mult, eta_min=0.01)
    iters = 4
    for epoch in range(12):
        for i in range(iters):
            opt.step()
            e = epoch + i / iters
            sched.step(e)
            close(sched.get_last_lr(), [sgdr(e, 3, T_mult, 0.01)])
            assert sched.last_epoch == epoch
    sched.step(1.5)                                  # going back works too
    close(sched.get_last_lr(), [sgdr(1.5, 3, T_mult, 0.01)])
    assert (sched.T_cur, sched.T_i) == (1.5, 3)


def test_cosine_annealing_warm_restarts_t_cur_and_t_i():
    opt = sgd(BASE)
    sched = S.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=2)
    seen = []
    for _ in range(8):
        opt.step()
        sched.step()
        seen.append((sched.T_cur, sched.T_i))
    assert seen == [(1, 2), (0, 4), (1, 4), (2, 4), (3, 4), (0, 8), (1, 8), (2, 8)]
    sched.step(20.5)                                 # 2 + 4 + 8 = 14 ≤ 20.5 < 30
    assert (sched.T_cur, sched.T_i) == (6.5, 16)


def test_cosine_annealing_warm_restarts_in_sequential_lr_restarts():
    opt = sgd(BASE)
    warm = S.ConstantLR(opt, factor=0.5, total_iters=3)
    sgdr_ = S.CosineAnnealingWarmRestarts(opt, T_0=4, eta_min=0.001)
    lrs = run(opt, S.SequentialLR(opt, [warm, sgdr_], milestones=[5]))
    close(lrs, [BASE * (0.5 if e < 3 else 1.0) for e in range(5)]
          + [sgdr(e - 5, 4, 1, 0.001) for e in range(5, EPOCHS + 1)])


def cyclic(t, base, peak, up, down, mode="triangular", gamma=1.0):
    """CyclicLR's closed form, from the documentation."""
    L = up + down
    cycle = math.floor(1 + t / L)
    x = 1 + t / L - cycle
    s = x * L / up if x <= up / L else (1 - x) * L / down
    scale = {"triangular": 1.0, "triangular2": 1 / 2 ** (cycle - 1), "exp_range": gamma ** t}[mode]
    return base + (peak - base) * s * scale


@pytest.mark.parametrize("mode", ["triangular", "triangular2", "exp_range"])
def test_cyclic_lr_modes(mode):
    opt = sgd(BASE, BASE, momentum=0.9)
    sched = S.CyclicLR(opt, base_lr=[0.01, 0.02], max_lr=0.1, step_size_up=3, step_size_down=2,
                       mode=mode, gamma=0.95)
    lrs = [[g["lr"] for g in opt.param_groups]]
    momenta = [opt.param_groups[0]["momentum"]]
    for _ in range(EPOCHS):
        opt.step()
        sched.step()
        lrs.append(sched.get_last_lr())
        momenta.append(opt.param_groups[0]["momentum"])
    close([lr[0] for lr in lrs], [cyclic(t, 0.01, 0.1, 3, 2, mode, 0.95) for t in range(21)])
    close([lr[1] for lr in lrs], [cyclic(t, 0.02, 0.1, 3, 2, mode, 0.95) for t in range(21)])
    # the momentum goes the other way: high when the lr is low
    close(momenta, [0.9 - (0.9 - 0.8) * (cyclic(t, 0.01, 0.1, 3, 2, mode, 0.95) - 0.01) / 0.09
                    for t in range(21)])


def test_cyclic_lr_triangular_peaks():
    opt = sgd(BASE, momentum=0.9)
    lrs = run(opt, S.CyclicLR(opt, 0.01, 0.1, step_size_up=2), epochs=12)
    close(lrs[:5], [0.01, 0.055, 0.1, 0.055, 0.01])
    assert lrs[4::4] == pytest.approx([0.01] * 3)


def test_cyclic_lr_cycles_adams_beta1():
    opt = optim.Adam([mt.zeros(2, requires_grad=True)], lr=BASE, betas=(0.5, 0.999))
    sched = S.CyclicLR(opt, 0.001, 0.01, step_size_up=4, base_momentum=0.85, max_momentum=0.95)
    beta1 = [opt.param_groups[0]["betas"][0]]
    for _ in range(8):
        opt.step()
        sched.step()
        beta1.append(opt.param_groups[0]["betas"][0])
        assert opt.param_groups[0]["betas"][1] == 0.999
    close(beta1, [0.95, 0.925, 0.9, 0.875, 0.85, 0.875, 0.9, 0.925, 0.95])
    assert opt.param_groups[0]["max_momentum"] == 0.95
    assert opt.param_groups[0]["base_momentum"] == 0.85


def test_cyclic_lr_custom_scale_fn_per_iteration():
    opt = sgd(BASE)
    sched = S.CyclicLR(opt, 0.01, 0.1, step_size_up=2, scale_fn=lambda x: 1 / (1 + x),
                       scale_mode="iterations", cycle_momentum=False)
    lrs = run(opt, sched, epochs=12)
    close(lrs, [0.01 + (cyclic(t, 0.01, 0.1, 2, 2) - 0.01) / (1 + t) for t in range(13)])
    assert "momentum" in opt.param_groups[0] and opt.param_groups[0]["momentum"] == 0


def test_chained_scheduler_composes():
    """ConstantLR(0.1, 2 epochs) and ExponentialLR(0.9): lr = base·0.9^e·(0.1 while e < 2)."""
    opt = sgd(BASE)
    sched = S.ChainedScheduler([S.ConstantLR(opt, factor=0.1, total_iters=2),
                                S.ExponentialLR(opt, gamma=0.9)])
    close(sched.get_last_lr(), [BASE * 0.1])
    lrs = run(opt, sched)
    close(lrs, [BASE * 0.9 ** e * (0.1 if e < 2 else 1.0) for e in range(EPOCHS + 1)])
    close(sched.get_last_lr(), [lrs[-1]])


def test_chained_scheduler_takes_the_optimizer():
    opt = sgd(BASE)
    sched = S.ChainedScheduler([S.ExponentialLR(opt, gamma=0.5)], optimizer=opt)
    assert sched.optimizer is opt
    opt.step()
    sched.step()
    close(sched.get_last_lr(), [BASE / 2])


# ---- resuming ------------------------------------------------------------------------------------

MAKERS = {
    "ConstantLR": lambda opt: S.ConstantLR(opt, factor=0.5, total_iters=7),
    "MultiplicativeLR": lambda opt: S.MultiplicativeLR(opt, lambda e: 0.95),
    "PolynomialLR": lambda opt: S.PolynomialLR(opt, total_iters=15, power=2.0),
    "CosineAnnealingWarmRestarts": lambda opt: S.CosineAnnealingWarmRestarts(opt, 3, 2, 0.01),
    "CyclicLR": lambda opt: S.CyclicLR(opt, 0.01, 0.1, step_size_up=3, mode="triangular2"),
    "ChainedScheduler": lambda opt: S.ChainedScheduler([S.ConstantLR(opt, 0.5, 3),
                                                        S.ExponentialLR(opt, 0.9)]),
}


@pytest.mark.parametrize("name", list(MAKERS))
def test_resume_from_state_dicts_continues_identically(name):
    make = MAKERS[name]
    opt = sgd(BASE, momentum=0.9)
    sched = make(opt)
    run(opt, sched, epochs=5)
    saved_opt, saved_sched = opt.state_dict(), sched.state_dict()
    assert "optimizer" not in saved_sched
    rest = run(opt, sched, epochs=12)
    opt2 = sgd(7.0, momentum=0.9)
    sched2 = make(opt2)
    opt2.load_state_dict(saved_opt)
    sched2.load_state_dict(saved_sched)
    close(run(opt2, sched2, epochs=12), rest)


class Halving:
    """A callable object: its attributes are saved in the state_dict, a lambda is not."""

    def __init__(self):
        self.factor = 0.5

    def __call__(self, x):
        return self.factor


def test_cyclic_lr_saves_a_callable_scale_fn_and_not_a_lambda():
    opt = sgd(BASE)
    fn = Halving()
    sched = S.CyclicLR(opt, 0.01, 0.1, scale_fn=fn, cycle_momentum=False)
    fn.factor = 0.25
    state = sched.state_dict()
    assert state["_scale_fn_custom"] == {"factor": 0.25}
    other = Halving()
    resumed = S.CyclicLR(sgd(BASE), 0.01, 0.1, scale_fn=other, cycle_momentum=False)
    resumed.load_state_dict(state)
    assert other.factor == 0.25 and resumed._scale_fn_custom is other
    lam = S.CyclicLR(sgd(BASE), 0.01, 0.1, scale_fn=lambda x: 1.0, cycle_momentum=False)
    assert lam.state_dict()["_scale_fn_custom"] is None
    assert S.CyclicLR(sgd(BASE), 0.01, 0.1, cycle_momentum=False).state_dict()[
        "_scale_fn_custom"] is None


def test_closed_forms_with_step_epoch():
    for make, expected in [
            (lambda o: S.ConstantLR(o, factor=0.5, total_iters=4), lambda e: 0.5 if e < 4 else 1),
            (lambda o: S.PolynomialLR(o, total_iters=8, power=2.0),
             lambda e: (1 - min(e, 8) / 8) ** 2)]:
        opt = sgd(BASE)
        sched = make(opt)
        for epoch in (6, 2, 11):
            opt.step()
            with pytest.warns(UserWarning, match="epoch parameter"):
                sched.step(epoch)
            close(sched.get_last_lr(), [BASE * expected(epoch)])


# ---- errors --------------------------------------------------------------------------------------

def test_constant_lr_factor_error():
    with pytest.raises(ValueError, match="Constant multiplicative factor expected to be between "
                                         "0 and 1."):
        S.ConstantLR(sgd(BASE), factor=1.5)


def test_multiplicative_lr_errors():
    with pytest.raises(TypeError, match="lr_lambda should be a function, but got float"):
        S.MultiplicativeLR(sgd(BASE), 0.5)
    with pytest.raises(ValueError, match="Expected 2 lr_lambdas, but got 1"):
        S.MultiplicativeLR(sgd(BASE, BASE), [lambda e: 1.0])


@pytest.mark.parametrize("kw,message", [
    (dict(T_0=0), "Expected positive integer T_0, but got 0"),
    (dict(T_0=2.5), "Expected positive integer T_0, but got 2.5"),
    (dict(T_0=3, T_mult=0), "Expected integer T_mult >= 1, but got 0"),
    (dict(T_0=3, T_mult=1.5), "Expected integer T_mult >= 1, but got 1.5"),
    (dict(T_0=3, eta_min="0"), "Expected float or int eta_min, but got 0 of type"),
])
def test_cosine_annealing_warm_restarts_option_errors(kw, message):
    with pytest.raises(ValueError, match=message):
        S.CosineAnnealingWarmRestarts(sgd(BASE), **kw)


def test_cosine_annealing_warm_restarts_negative_epoch():
    sched = S.CosineAnnealingWarmRestarts(sgd(BASE), T_0=3)
    with pytest.raises(ValueError, match="Expected non-negative epoch, but got -1"):
        sched.step(-1)


def test_cyclic_lr_errors():
    with pytest.raises(ValueError, match="mode is invalid and scale_fn is None"):
        S.CyclicLR(sgd(BASE, momentum=0.9), 0.01, 0.1, mode="sawtooth")
    adagrad = optim.Adagrad([mt.zeros(2, requires_grad=True)])
    with pytest.raises(ValueError, match="optimizer must support momentum or beta1 with "
                                         "`cycle_momentum` option enabled"):
        S.CyclicLR(adagrad, 0.01, 0.1)
    with pytest.raises(ValueError, match="max_lr must have the same length as "
                                         "optimizer.param_groups"):
        S.CyclicLR(sgd(BASE, momentum=0.9), 0.01, [0.1, 0.2])
    with pytest.raises(TypeError, match="list is not an Optimizer"):
        S.CyclicLR([], 0.01, 0.1)


def test_chained_scheduler_errors():
    opt, other = sgd(BASE), sgd(BASE)
    with pytest.raises(ValueError, match="ChainedScheduler expects at least one scheduler to "
                                         "be chained, but got no scheduler."):
        S.ChainedScheduler([])
    with pytest.raises(ValueError, match="ChainedScheduler expects all schedulers to belong to "
                                         "the same optimizer, but got scheduler ExponentialLR "
                                         "at index 1"):
        S.ChainedScheduler([S.ExponentialLR(opt, 0.9), S.ExponentialLR(other, 0.9)])
    with pytest.raises(ValueError, match="ChainedScheduler does not support "
                                         "`ReduceLROnPlateau` scheduler"):
        S.ChainedScheduler([S.ExponentialLR(opt, 0.9), S.ReduceLROnPlateau(opt)])
    with pytest.raises(TypeError, match="ChainedScheduler at index 0 should have `optimizer` as "
                                        "its attribute."):
        S.ChainedScheduler([object()], optimizer=opt)
