"""Adamax, NAdam and RAdam: each step against the algorithm of PyTorch's documentation written
out in NumPy (plain, with weight decay, decoupled, maximize), state names and where the state
lives, state_dict round trips, and the ValueErrors for bad options."""
import numpy as np
import pytest

import mytorch as mt
from mytorch import optim

from .test_optimizers import case_id, host, run_steps

SHAPE = (3, 4)


def gradients(steps=3, seed=1):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(SHAPE) * (3.0 if t < 2 else 0.3) for t in range(steps)]


def start():
    return np.random.default_rng(0).standard_normal(SHAPE)


# ---- the algorithms, written out in NumPy from PyTorch's pseudo-code -------------------------

def ref_adamax(theta, grads, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
               maximize=False):
    b1, b2 = betas
    m = u = np.zeros_like(theta)
    for t, g in enumerate(grads, start=1):
        g = -g if maximize else g
        if weight_decay:
            g = g + weight_decay * theta
        m = b1 * m + (1 - b1) * g
        u = np.maximum(b2 * u, np.abs(g) + eps)
        theta = theta - lr * m / ((1 - b1 ** t) * u)
        yield theta


def ref_nadam(theta, grads, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
              momentum_decay=4e-3, decoupled_weight_decay=False, maximize=False):
    b1, b2 = betas
    m = v = np.zeros_like(theta)
    mu_product = np.float32(1.0)                     # PyTorch keeps it as a float32 scalar
    for t, g in enumerate(grads, start=1):
        g = -g if maximize else g
        if weight_decay and decoupled_weight_decay:
            theta = theta * (1 - lr * weight_decay)
        elif weight_decay:
            g = g + weight_decay * theta
        mu = b1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))
        mu_next = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * momentum_decay))
        mu_product = np.float32(mu_product * np.float32(mu))
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        v_hat = v / (1 - b2 ** t)
        denom = np.sqrt(v_hat) + eps
        theta = (theta - lr * (1 - mu) / (1 - float(mu_product)) * g / denom
                 - lr * mu_next / (1 - float(mu_product) * mu_next) * m / denom)
        yield theta


def ref_radam(theta, grads, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
              decoupled_weight_decay=False, maximize=False):
    b1, b2 = betas
    m = v = np.zeros_like(theta)
    rho_inf = 2 / (1 - b2) - 1
    for t, g in enumerate(grads, start=1):
        g = -g if maximize else g
        if weight_decay and decoupled_weight_decay:
            theta = theta * (1 - lr * weight_decay)
        elif weight_decay:
            g = g + weight_decay * theta
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat = m / (1 - b1 ** t)
        rho_t = rho_inf - 2 * t * b2 ** t / (1 - b2 ** t)
        if rho_t > 5:
            l_t = np.sqrt(1 - b2 ** t) / (np.sqrt(v) + eps)
            r_t = np.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf
                          / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
            theta = theta - lr * m_hat * l_t * r_t
        else:
            theta = theta - lr * m_hat
        yield theta


CASES = [
    (optim.Adamax, ref_adamax, dict()),
    (optim.Adamax, ref_adamax, dict(lr=0.1, betas=(0.8, 0.9), eps=1e-3)),
    (optim.Adamax, ref_adamax, dict(lr=0.1, weight_decay=0.1)),
    (optim.Adamax, ref_adamax, dict(lr=0.1, maximize=True)),
    (optim.Adamax, ref_adamax, dict(lr=0.1, weight_decay=0.2, maximize=True)),
    (optim.NAdam, ref_nadam, dict()),
    (optim.NAdam, ref_nadam, dict(lr=0.1, betas=(0.8, 0.9), eps=1e-3, momentum_decay=0.1)),
    (optim.NAdam, ref_nadam, dict(lr=0.1, weight_decay=0.1)),
    (optim.NAdam, ref_nadam, dict(lr=0.1, weight_decay=0.3, decoupled_weight_decay=True)),
    (optim.NAdam, ref_nadam, dict(lr=0.1, maximize=True)),
    (optim.NAdam, ref_nadam, dict(lr=0.1, weight_decay=0.2, decoupled_weight_decay=True,
                                  maximize=True)),
    (optim.RAdam, ref_radam, dict()),
    (optim.RAdam, ref_radam, dict(lr=0.1, betas=(0.8, 0.9), eps=1e-3)),
    (optim.RAdam, ref_radam, dict(lr=0.1, weight_decay=0.1)),
    (optim.RAdam, ref_radam, dict(lr=0.1, weight_decay=0.3, decoupled_weight_decay=True)),
    (optim.RAdam, ref_radam, dict(lr=0.1, maximize=True)),
    (optim.RAdam, ref_radam, dict(lr=0.1, weight_decay=0.2, decoupled_weight_decay=True,
                                  maximize=True)),
]


def check_steps(cls, reference, kw, grads, device):
    theta0 = start()
    p = mt.tensor(theta0, dtype=mt.float64, device=device, requires_grad=True)
    opt = cls([p], **kw)
    expected = list(reference(theta0, grads, **kw))
    for t, (got, want) in enumerate(zip(run_steps(opt, p, grads, device), expected), start=1):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12, err_msg=f"step {t}")
    assert not np.allclose(host(p), theta0)


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_first_three_steps_match_the_algorithm(case, device):
    cls, reference, kw = case
    check_steps(cls, reference, kw, gradients(3), device)


@pytest.mark.parametrize("kw", [dict(lr=0.1), dict(lr=0.1, weight_decay=0.1,
                                                   decoupled_weight_decay=True)])
def test_radam_rectified_steps_match_the_algorithm(kw):
    """With β₂ = 0.9, ρₜ passes 5 at step 6: later steps take the rectified adaptive branch."""
    kw = dict(kw, betas=(0.9, 0.9))
    rho = [19 - 2 * t * 0.9 ** t / (1 - 0.9 ** t) for t in range(1, 11)]
    assert rho[4] < 5 < rho[5]
    check_steps(optim.RAdam, ref_radam, kw, gradients(10), "cpu")


def test_radam_starts_as_sgd_with_momentum():
    """While ρₜ ≤ 5 the step is γ·m̂, so the first step moves θ by exactly γ·g."""
    p = mt.zeros(3, dtype=mt.float64, requires_grad=True)
    opt = optim.RAdam([p], lr=0.5)
    p.grad = mt.tensor([1.0, -2.0, 4.0], dtype=mt.float64)
    opt.step()
    np.testing.assert_allclose(host(p), [-0.5, 1.0, -2.0], rtol=1e-14)


def test_nadam_mu_product_is_the_product_of_the_schedule():
    p = mt.zeros(SHAPE, requires_grad=True)
    opt = optim.NAdam([p], betas=(0.9, 0.999), momentum_decay=4e-3)
    for _ in range(3):
        p.grad = mt.ones(SHAPE)
        opt.step()
    mus = [0.9 * (1 - 0.5 * 0.96 ** (t * 4e-3)) for t in (1, 2, 3)]
    mu_product = opt.state[p]["mu_product"]
    assert mu_product.dtype == mt.float32 and mu_product.device.type == "cpu"
    assert mu_product.item() == pytest.approx(np.prod(mus), rel=1e-6)


# ---- state --------------------------------------------------------------------------------------

@pytest.mark.parametrize("cls,names", [
    (optim.Adamax, ["step", "exp_avg", "exp_inf"]),
    (optim.NAdam, ["step", "mu_product", "exp_avg", "exp_avg_sq"]),
    (optim.RAdam, ["step", "exp_avg", "exp_avg_sq"]),
])
def test_state_names(cls, names):
    p = mt.zeros(SHAPE, requires_grad=True)
    opt = cls([p])
    p.grad = mt.ones(SHAPE)
    opt.step()
    opt.step()
    assert list(opt.state[p]) == names
    assert opt.state[p]["step"].item() == 2.0


ALL = [optim.Adamax, optim.NAdam, optim.RAdam]
ALL_IDS = [c.__name__ for c in ALL]


@pytest.mark.parametrize("cls", ALL, ids=ALL_IDS)
def test_state_lives_with_the_parameter_and_scalars_on_the_host(cls, device):
    p = mt.zeros(SHAPE, dtype=mt.float64, device=device, requires_grad=True)
    opt = cls([p])
    for _ in range(2):
        p.grad = mt.ones(SHAPE, dtype=mt.float64, device=device)
        opt.step()
    for name, value in opt.state[p].items():
        if name in ("step", "mu_product"):
            assert value.device.type == "cpu" and value.dtype == mt.float32, name
        else:
            assert value.device == p.device and value.dtype == mt.float64, name


@pytest.mark.parametrize("cls", ALL, ids=ALL_IDS)
def test_float32_stays_float32(cls):
    p = mt.tensor(start(), dtype=mt.float32, requires_grad=True)
    opt = cls([p], weight_decay=0.1)
    for _ in run_steps(opt, p, gradients(2), "cpu", mt.float32):
        pass
    assert p.dtype == mt.float32
    assert all(v.dtype == mt.float32 for v in opt.state[p].values())


@pytest.mark.parametrize("cls", ALL, ids=ALL_IDS)
def test_step_bumps_the_parameters_version(cls):
    p = mt.zeros(SHAPE, requires_grad=True)
    opt = cls([p])
    p.grad = mt.ones(SHAPE)
    before = p._version
    opt.step()
    assert p._version > before


@pytest.mark.parametrize("cls,options", [
    (optim.Adamax, {"lr", "betas", "eps", "weight_decay", "maximize"}),
    (optim.NAdam, {"lr", "betas", "eps", "weight_decay", "momentum_decay",
                   "decoupled_weight_decay", "maximize"}),
    (optim.RAdam, {"lr", "betas", "eps", "weight_decay", "decoupled_weight_decay", "maximize"}),
])
def test_defaults_are_pytorchs(cls, options):
    opt = cls([mt.zeros(2, requires_grad=True)])
    assert set(opt.defaults) == options
    assert opt.defaults["lr"] == (1e-3 if cls is optim.RAdam else 2e-3)
    assert opt.defaults["betas"] == (0.9, 0.999) and opt.defaults["eps"] == 1e-8
    assert opt.defaults["weight_decay"] == 0 and opt.defaults["maximize"] is False
    if cls is optim.NAdam:
        assert opt.defaults["momentum_decay"] == 4e-3
    if cls is not optim.Adamax:
        assert opt.defaults["decoupled_weight_decay"] is False


def test_maximize_is_keyword_only():
    with pytest.raises(TypeError):
        optim.Adamax([mt.zeros(2, requires_grad=True)], 2e-3, (0.9, 0.999), 1e-8, 0, True)


# ---- state_dict ----------------------------------------------------------------------------------

KW = {optim.Adamax: dict(lr=0.1, weight_decay=0.1),
      optim.NAdam: dict(lr=0.1, weight_decay=0.1, decoupled_weight_decay=True),
      optim.RAdam: dict(lr=0.1, betas=(0.9, 0.9))}


@pytest.mark.parametrize("cls", ALL, ids=ALL_IDS)
def test_state_dict_round_trip_continues_identically(cls, device):
    theta0, grads = start(), gradients(10)
    p = mt.tensor(theta0, dtype=mt.float64, device=device, requires_grad=True)
    opt = cls([p], **KW[cls])
    list(run_steps(opt, p, grads[:3], device))
    sd = opt.state_dict()
    assert list(sd["state"]) == [0] and set(sd["state"][0]) == set(opt.state[p])
    assert sd["param_groups"][0]["params"] == [0]
    q = p.detach().clone().requires_grad_()
    resumed = cls([q], lr=123.0)                 # options come from the state dict
    resumed.load_state_dict(sd)
    assert resumed.param_groups[0] == dict(opt.param_groups[0], params=[q])
    for k, v in opt.state[p].items():
        assert resumed.state[q][k] is not v
        np.testing.assert_array_equal(host(resumed.state[q][k]), host(v))
    if cls is optim.NAdam:
        assert resumed.state[q]["mu_product"].dtype == mt.float32
        assert resumed.state[q]["mu_product"].device.type == "cpu"
    a = list(run_steps(opt, p, grads[3:], device))
    b = list(run_steps(resumed, q, grads[3:], device))
    np.testing.assert_array_equal(a[-1], b[-1])


@pytest.mark.parametrize("cls", ALL, ids=ALL_IDS)
def test_training_lowers_the_loss(cls):
    target = mt.tensor([1.0, -2.0, 3.0])
    p = mt.zeros(3, requires_grad=True)
    opt = cls([p], lr=0.1)
    first = None
    for _ in range(50):
        opt.zero_grad()
        loss = ((p - target) ** 2).sum()
        loss.backward()
        opt.step()
        first = loss.item() if first is None else first
    assert loss.item() < 0.2 * first


# ---- errors --------------------------------------------------------------------------------------

@pytest.mark.parametrize("cls", ALL, ids=ALL_IDS)
@pytest.mark.parametrize("kw,message", [
    (dict(lr=-1e-3), "Invalid learning rate: -0.001"),
    (dict(eps=-1.0), "Invalid epsilon value: -1.0"),
    (dict(betas=(1.0, 0.999)), "Invalid beta parameter at index 0: 1.0"),
    (dict(betas=(-0.1, 0.999)), "Invalid beta parameter at index 0: -0.1"),
    (dict(betas=(0.9, 1.0)), "Invalid beta parameter at index 1: 1.0"),
    (dict(weight_decay=-0.1), "Invalid weight_decay value: -0.1"),
])
def test_invalid_options(cls, kw, message):
    with pytest.raises(ValueError, match=message):
        cls([mt.zeros(2, requires_grad=True)], **kw)


def test_nadam_invalid_momentum_decay():
    with pytest.raises(ValueError, match="Invalid momentum_decay value: -0.1"):
        optim.NAdam([mt.zeros(2, requires_grad=True)], momentum_decay=-0.1)


@pytest.mark.parametrize("cls", ALL, ids=ALL_IDS)
def test_empty_parameter_list(cls):
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        cls([])
