"""mytorch.optim.swa_utils: AveragedModel (SWA's running mean, EMA, custom averages, buffers,
devices), update_bn against the statistics of the whole data set, SWALR against its closed
form, state_dict round trips and the errors."""
import math

import numpy as np
import pytest

import mytorch as mt
from mytorch import nn, optim
from mytorch.optim import swa_utils as swa

from .test_optimizers import host


def net():
    return nn.Sequential(nn.Linear(3, 4, dtype=mt.float64), nn.BatchNorm1d(4, dtype=mt.float64),
                         nn.Linear(4, 2, dtype=mt.float64))


def randomize(model, rng):
    """New values for every parameter and floating buffer of `model` (in place)."""
    with mt.no_grad():
        for t in list(model.parameters()) + list(model.buffers()):
            if t.is_floating_point():
                t.copy_(mt.tensor(rng.standard_normal(tuple(t.shape)), dtype=t.dtype))
    return [host(t).copy() for t in model.parameters()], \
        [host(t).copy() for t in model.buffers()]


def trajectory(averaged, model, steps=4, seed=0):
    """Update `averaged` from `steps` random versions of `model`; their parameters and buffers."""
    rng = np.random.default_rng(seed)
    params, buffers = [], []
    for _ in range(steps):
        p, b = randomize(model, rng)
        params.append(p)
        buffers.append(b)
        averaged.update_parameters(model)
    return params, buffers


def assert_params(averaged, expected):
    for got, want in zip(averaged.module.parameters(), expected):
        np.testing.assert_allclose(host(got), want, rtol=1e-12, atol=1e-14)


def ema(values, decay):
    a = values[0]
    for v in values[1:]:
        a = decay * a + (1 - decay) * v
    return a


def test_swa_is_the_mean_of_the_models():
    model = net()
    averaged = swa.AveragedModel(model)
    params, buffers = trajectory(averaged, model, steps=5)
    assert_params(averaged, [np.mean(ps, axis=0) for ps in zip(*params)])
    for got, want in zip(averaged.module.buffers(), buffers[-1]):   # buffers are copied
        np.testing.assert_array_equal(host(got), want)
    assert averaged.n_averaged.dtype == mt.int64 and averaged.n_averaged.item() == 5


def running_mean(values, weight=float):
    a = values[0]
    for n, v in enumerate(values[1:], start=1):
        a = a + weight(1 / (n + 1)) * (v - a)
    return a


@pytest.mark.parametrize("kw,weight", [
    (dict(avg_fn=swa.get_swa_avg_fn()), float),
    # as in PyTorch, the lerp weight 1/(n + 1) is a float32 tensor (n is int64)
    (dict(multi_avg_fn=swa.get_swa_multi_avg_fn()), np.float32)], ids=["single", "multi"])
def test_swa_functions_give_the_mean(kw, weight):
    model = net()
    averaged = swa.AveragedModel(model, **kw)
    params, _ = trajectory(averaged, model)
    assert_params(averaged, [running_mean(ps, weight) for ps in zip(*params)])


@pytest.mark.parametrize("kw", [dict(multi_avg_fn=swa.get_ema_multi_avg_fn(0.9)),
                                dict(avg_fn=swa.get_ema_avg_fn(0.9))], ids=["multi", "single"])
def test_ema_starts_at_the_first_model(kw):
    model = net()
    averaged = swa.AveragedModel(model, **kw)
    params, _ = trajectory(averaged, model)
    assert_params(averaged, [ema(ps, 0.9) for ps in zip(*params)])


def test_use_buffers_averages_the_buffers_too():
    model = net()
    averaged = swa.AveragedModel(model, use_buffers=True)
    params, buffers = trajectory(averaged, model)
    assert_params(averaged, [np.mean(ps, axis=0) for ps in zip(*params)])
    running_mean = averaged.module[1].running_mean
    np.testing.assert_allclose(host(running_mean), np.mean([b[0] for b in buffers], axis=0),
                               rtol=1e-12)


def test_avg_fn_gets_the_number_averaged_so_far():
    seen = []

    def avg_fn(averaged, current, num_averaged):
        seen.append(num_averaged.item())
        return (averaged + current) / 2
    model = nn.Linear(2, 1, bias=False)
    averaged = swa.AveragedModel(model, avg_fn=avg_fn)
    trajectory(averaged, model, steps=4)
    assert seen == [1, 2, 3]


def test_multi_avg_fn_gets_one_list_per_dtype():
    calls = []

    def multi_avg_fn(averaged, current, num_averaged):
        calls.append((averaged[0].dtype, len(averaged), len(current), num_averaged.item()))
    model = net()
    averaged = swa.AveragedModel(model, multi_avg_fn=multi_avg_fn, use_buffers=True)
    trajectory(averaged, model, steps=2)
    # 6 parameters and the two running estimates, then num_batches_tracked (int64)
    assert calls == [(mt.float64, 8, 8, 1), (mt.int64, 1, 1, 1)]


def test_the_average_is_a_copy_and_forward_calls_it():
    model = net().eval()
    averaged = swa.AveragedModel(model)
    assert all(a is not p for a, p in zip(averaged.parameters(), model.parameters()))
    x = mt.randn(5, 3, dtype=mt.float64)
    np.testing.assert_array_equal(host(averaged(x)), host(model(x)))
    with mt.no_grad():
        model[0].weight.add_(1.0)
    assert not np.allclose(host(averaged(x)), host(model(x)))
    assert "n_averaged" in averaged.state_dict()
    assert list(averaged.state_dict())[0] == "n_averaged"


def test_state_dict_round_trip():
    model = net()
    averaged = swa.AveragedModel(model)
    trajectory(averaged, model, steps=3)
    other = swa.AveragedModel(net())
    other.load_state_dict(averaged.state_dict())
    assert other.n_averaged.item() == 3
    assert_params(other, [host(p) for p in averaged.module.parameters()])


def test_device_holds_the_copy(device):
    model = net()
    averaged = swa.AveragedModel(model, device=device)
    assert averaged.n_averaged.device.type == mt.device(device).type
    assert all(p.device.type == mt.device(device).type for p in averaged.parameters())
    params, _ = trajectory(averaged, model, steps=3)               # the model stays on the cpu
    assert_params(averaged, [np.mean(ps, axis=0) for ps in zip(*params)])


def test_averaged_model_errors():
    with pytest.raises(AssertionError, match="Only one of avg_fn and multi_avg_fn should be "
                                             "provided"):
        swa.AveragedModel(net(), avg_fn=swa.get_swa_avg_fn(),
                          multi_avg_fn=swa.get_swa_multi_avg_fn())


@pytest.mark.parametrize("getter", [swa.get_ema_avg_fn, swa.get_ema_multi_avg_fn])
def test_ema_decay_error(getter):
    with pytest.raises(ValueError, match=r"Invalid decay value 1.5 provided. Please provide a "
                                         r"value in \[0,1\] range."):
        getter(1.5)


# ---- update_bn -----------------------------------------------------------------------------------

def bn_data(batches=4, size=8, seed=3):
    rng = np.random.default_rng(seed)
    return [mt.tensor(rng.standard_normal((size, 3)) * 2 + 1) for _ in range(batches)]


def test_update_bn_recomputes_the_statistics_over_the_loader():
    model = nn.Sequential(nn.Linear(3, 3, dtype=mt.float64), nn.BatchNorm1d(3, dtype=mt.float64))
    model.eval()
    bn = model[1]
    bn.running_mean.fill_(5.0)
    data = bn_data()
    swa.update_bn([(x, 0) for x in data], model)            # (input, target) batches
    with mt.no_grad():
        hidden = [host(model[0](x)) for x in data]
    # momentum None: the cumulative average of the batch statistics (equal batch sizes)
    np.testing.assert_allclose(host(bn.running_mean), np.mean([h.mean(0) for h in hidden], 0),
                               rtol=1e-12)
    np.testing.assert_allclose(host(bn.running_var),
                               np.mean([h.var(0, ddof=1) for h in hidden], 0), rtol=1e-12)
    assert bn.num_batches_tracked.item() == 4
    assert bn.momentum == 0.1 and not model.training


def test_update_bn_on_an_averaged_model_with_plain_batches():
    model = net()
    averaged = swa.AveragedModel(model)
    trajectory(averaged, model, steps=2)
    model.train()
    swa.update_bn(bn_data(), averaged)
    assert averaged.module[1].num_batches_tracked.item() == 4
    assert averaged.training


def test_update_bn_without_batchnorm_reads_nothing():
    def loader():
        raise AssertionError("the loader was read")
        yield
    model = nn.Linear(3, 3)
    swa.update_bn(loader(), model)


def test_update_bn_moves_the_inputs(device):
    model = nn.Sequential(nn.Linear(3, 3, dtype=mt.float64),
                          nn.BatchNorm1d(3, dtype=mt.float64)).to(device)
    swa.update_bn(bn_data(), model, device=device)
    assert model[1].num_batches_tracked.item() == 4


# ---- SWALR ---------------------------------------------------------------------------------------

def swalr_run(strategy, anneal_epochs, epochs=10, lrs=(0.5, 0.2), swa_lrs=(0.05, 0.01)):
    opt = optim.SGD([{"params": [mt.zeros(2, requires_grad=True)], "lr": lr} for lr in lrs])
    sched = swa.SWALR(opt, swa_lr=list(swa_lrs), anneal_epochs=anneal_epochs,
                      anneal_strategy=strategy)
    out = [sched.get_last_lr()]
    for _ in range(epochs):
        opt.step()
        sched.step()
        out.append(sched.get_last_lr())
    return opt, sched, out


@pytest.mark.parametrize("strategy,alpha", [("cos", lambda t: (1 - math.cos(math.pi * t)) / 2),
                                            ("linear", lambda t: t)])
@pytest.mark.parametrize("anneal_epochs", [1, 4])
def test_swalr_anneals_to_swa_lr(strategy, alpha, anneal_epochs):
    _, _, lrs = swalr_run(strategy, anneal_epochs)
    for group, (lr0, swa_lr) in enumerate([(0.5, 0.05), (0.2, 0.01)]):
        expected = [swa_lr * alpha(min(1, k / anneal_epochs))
                    + lr0 * (1 - alpha(min(1, k / anneal_epochs))) for k in range(11)]
        assert [lr[group] for lr in lrs] == pytest.approx(expected, rel=1e-12)


def test_swalr_without_annealing_jumps_to_swa_lr():
    opt, _, lrs = swalr_run("cos", 0, epochs=3)
    assert lrs == [[0.05, 0.01]] * 4
    assert [g["swa_lr"] for g in opt.param_groups] == [0.05, 0.01]


def test_swalr_state_dict_round_trip():
    opt, sched, _ = swalr_run("linear", 6, epochs=2)
    state = sched.state_dict()
    assert "optimizer" not in state and not any(callable(v) for v in state.values())
    opt2, sched2, _ = swalr_run("cos", 3, epochs=0)
    opt2.load_state_dict(opt.state_dict())
    sched2.load_state_dict(state)
    for _ in range(5):
        opt.step(), opt2.step()
        sched.step(), sched2.step()
        assert sched2.get_last_lr() == sched.get_last_lr()


@pytest.mark.parametrize("kw,message", [
    (dict(swa_lr=0.05, anneal_strategy="step"),
     "anneal_strategy must be one of 'cos' or 'linear', instead got step"),
    (dict(swa_lr=0.05, anneal_epochs=-1), "anneal_epochs must be equal or greater than 0, got -1"),
    (dict(swa_lr=0.05, anneal_epochs=2.5), "anneal_epochs must be equal or greater than 0, got "
                                           "2.5"),
    (dict(swa_lr=[0.05, 0.01]), "swa_lr must have the same length as optimizer.param_groups"),
])
def test_swalr_errors(kw, message):
    opt = optim.SGD([mt.zeros(2, requires_grad=True)], lr=0.1)
    with pytest.raises(ValueError, match=message):
        swa.SWALR(opt, **kw)


def test_public_names():
    assert set(swa.__all__) == {"AveragedModel", "update_bn", "SWALR", "get_ema_multi_avg_fn",
                                "get_swa_multi_avg_fn", "get_ema_avg_fn", "get_swa_avg_fn"}
    assert optim.swa_utils is swa
