"""ASGD, Rprop and Adafactor: each step against the algorithm of PyTorch's documentation written
out in NumPy, the first steps in closed form, a few numbers from torch 2.13, state names and
where the state lives, state_dict round trips, and the ValueErrors for bad options."""
import numpy as np
import pytest

import mytorch as mt
from mytorch import optim

from .test_optimizers import case_id, host, run_steps

SHAPES = [(3, 4), (5,), (2, 3, 4), ()]


def gradients(shape, steps=6, seed=1):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape) * (3.0 if t < 2 else 0.3) for t in range(steps)]


def start(shape):
    return np.random.default_rng(0).standard_normal(shape)


def f32(x):
    """PyTorch keeps ASGD's eta and mu as float32 scalars."""
    return float(np.float32(x))


# ---- the algorithms, written out in NumPy from PyTorch's pseudo-code -------------------------

def ref_asgd(theta, grads, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0,
             maximize=False):
    eta, mu, ax = f32(lr), 1.0, np.zeros_like(theta)
    for t, g in enumerate(grads, start=1):
        g = -g if maximize else g
        if weight_decay:
            g = g + weight_decay * theta
        theta = theta * (1 - lambd * eta) - eta * g
        ax = ax + mu * (theta - ax) if mu != 1 else theta
        eta = f32(lr / (1 + lambd * lr * t) ** alpha)
        mu = f32(1 / max(1, t - t0))
        yield theta


def ref_rprop(theta, grads, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), maximize=False):
    prev, size = np.zeros_like(theta), np.full_like(theta, lr)
    for g in grads:
        g = -g if maximize else g
        agree = g * prev
        size = np.clip(np.where(agree > 0, size * etas[1],
                                np.where(agree < 0, size * etas[0], size)), *step_sizes)
        g = np.where(agree < 0, 0.0, g)
        theta = theta - size * np.sign(g)
        prev = g
        yield theta


def rms(x):
    return np.sqrt(np.mean(x * x))


def ref_adafactor(theta, grads, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0,
                  weight_decay=0.0, maximize=False):
    eps1 = np.finfo(theta.dtype).eps if eps[0] is None else eps[0]
    factored = theta.ndim > 1
    row = col = var = 0.0
    for t, g in enumerate(grads, start=1):
        g = -g if maximize else g
        w = t ** beta2_decay                                  # 1 − β̂₂
        alpha = max(eps[1], rms(theta)) * min(lr, 1 / np.sqrt(t))
        theta = theta * (1 - lr * weight_decay)
        if factored:
            row = (1 - w) * row + w * np.mean(g * g, axis=-1, keepdims=True)
            col = (1 - w) * col + w * np.mean(g * g, axis=-2, keepdims=True)
            v_hat = row * col / np.maximum(np.mean(row, axis=-2, keepdims=True), eps1)
        else:
            var = (1 - w) * var + w * g * g
            v_hat = var
        u = g / np.maximum(np.sqrt(v_hat), eps1)
        theta = theta - alpha * u / max(1.0, rms(u) / d)
        yield theta


CASES = [
    (optim.ASGD, ref_asgd, dict()),
    (optim.ASGD, ref_asgd, dict(lr=0.1, lambd=0.01, alpha=0.6, t0=2)),
    (optim.ASGD, ref_asgd, dict(lr=0.05, t0=3, weight_decay=0.1, maximize=True)),
    (optim.Rprop, ref_rprop, dict()),
    (optim.Rprop, ref_rprop, dict(lr=0.1)),
    (optim.Rprop, ref_rprop, dict(lr=0.2, etas=(0.3, 1.5), step_sizes=(0.05, 0.35),
                                  maximize=True)),
    (optim.Adafactor, ref_adafactor, dict()),
    (optim.Adafactor, ref_adafactor, dict(lr=0.5, beta2_decay=-0.5, eps=(1e-3, 1e-2), d=1.5,
                                          weight_decay=0.1, maximize=True)),
    (optim.Adafactor, ref_adafactor, dict(lr=0.3, eps=(1e-30, 0.1), d=4.0)),
]


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_steps_match_the_algorithm(case, shape, device):
    cls, reference, kw = case
    theta0, grads = start(shape), gradients(shape)
    p = mt.tensor(theta0, dtype=mt.float64, device=device, requires_grad=True)
    opt = cls([p], **kw)
    expected = list(reference(theta0, grads, **kw))
    for t, (got, want) in enumerate(zip(run_steps(opt, p, grads, device), expected), start=1):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12, err_msg=f"step {t}")
    assert not np.allclose(host(p), theta0)


# ---- the first steps in closed form --------------------------------------------------------------

def stepped(cls, theta, grads, **kw):
    p = mt.tensor(theta, dtype=mt.float64, requires_grad=True)
    opt = cls([p], **kw)
    for g in grads:
        p.grad = mt.tensor(g, dtype=mt.float64)
        opt.step()
    return host(p), opt.state[p]


def test_asgd_first_step_and_average():
    """θ₁ = θ₀(1 − λγ) − γg; the average is θ₁ itself while μ = 1; then η₁ = γ/(1 + λγ)^α."""
    theta0, g = np.array([1.0, -2.0]), np.array([0.5, 4.0])
    lr, lambd, alpha = 0.1, 0.5, 0.75
    theta, state = stepped(optim.ASGD, theta0, [g], lr=lr, lambd=lambd, alpha=alpha, t0=0)
    np.testing.assert_allclose(theta, theta0 * (1 - lambd * f32(lr)) - f32(lr) * g, rtol=1e-12)
    np.testing.assert_array_equal(host(state["ax"]), theta)
    assert state["eta"].item() == f32(lr / (1 + lambd * lr) ** alpha)
    assert state["mu"].item() == 1.0                 # 1 / max(1, t − t₀) = 1/1


def test_asgd_averages_the_iterates_after_t0():
    """With λ = 0 the iterates are plain SGD's, and ax is the mean of the iterates from step
    t₀ + 2 on (μ used at step t is the 1/max(1, t − 1 − t₀) set at the step before)."""
    grads = [np.array([1.0, -1.0]), np.array([2.0, 0.5]), np.array([-1.0, 3.0]),
             np.array([0.5, 0.5]), np.array([4.0, -2.0])]
    p = mt.tensor([0.0, 0.0], dtype=mt.float64, requires_grad=True)
    opt = optim.ASGD([p], lr=0.1, lambd=0.0, t0=2)
    iterates = []
    for g in grads:
        p.grad = mt.tensor(g, dtype=mt.float64)
        opt.step()
        iterates.append(host(p).copy())
    np.testing.assert_allclose(iterates[-1], -0.1 * np.sum(grads, axis=0), rtol=1e-6)
    np.testing.assert_allclose(host(opt.state[p]["ax"]), np.mean(iterates[3:], axis=0),
                               rtol=1e-12)


def test_rprop_grows_shrinks_and_skips():
    """Same sign: the step grows by η₊; a flip: it shrinks by η₋ and that coordinate does not
    move (its gradient is forgotten, so the next step compares with 0 and keeps the size)."""
    lr, (em, ep) = 0.1, (0.5, 1.2)
    theta, state = stepped(optim.Rprop, [0.0, 0.0], [[1.0, 1.0]], lr=lr)
    np.testing.assert_allclose(theta, [-lr, -lr])
    theta, state = stepped(optim.Rprop, [0.0, 0.0], [[1.0, 1.0], [3.0, -2.0]], lr=lr)
    np.testing.assert_allclose(theta, [-lr - lr * ep, -lr])
    np.testing.assert_allclose(host(state["step_size"]), [lr * ep, lr * em])
    np.testing.assert_allclose(host(state["prev"]), [3.0, 0.0])
    theta, state = stepped(optim.Rprop, [0.0, 0.0], [[1.0, 1.0], [3.0, -2.0], [1.0, -5.0]],
                           lr=lr)
    np.testing.assert_allclose(theta, [-lr - lr * ep - lr * ep * ep, -lr + lr * em])


def test_rprop_step_sizes_are_clamped():
    _, state = stepped(optim.Rprop, [0.0], [[1.0]] * 4, lr=0.1, step_sizes=(1e-3, 0.13))
    assert state["step_size"].item() == pytest.approx(0.13)
    _, state = stepped(optim.Rprop, [0.0], [[1.0], [-1.0], [1.0], [-1.0]], lr=0.1,
                       step_sizes=(0.04, 1.0))
    assert state["step_size"].item() == pytest.approx(0.04)   # 0.1 → 0.05 → 0.05 → 0.025↑


def test_adafactor_first_step_moves_by_the_relative_step_size():
    """At t = 1, β̂₂ = 0: V̂ = G², U = sign(G), RMS(U) = 1, so θ₁ = θ₀ − max(ε₂, RMS(θ₀))·ρ·sign(G)
    with ρ = min(γ, 1) — for a vector, and for a matrix whose gradient has rank one (the
    factored estimate R·C/mean(R) of G² is then exact)."""
    lr = 0.05
    vec, g = np.array([3.0, -4.0, 0.0, 1.0]), np.array([0.1, -7.0, 2.0, -0.5])
    theta, _ = stepped(optim.Adafactor, vec, [g], lr=lr)
    np.testing.assert_allclose(theta, vec - rms(vec) * lr * np.sign(g), rtol=1e-12)
    mat = start((3, 4))
    g = np.outer([1.0, -2.0, 0.5], [3.0, 1.0, -1.0, 0.25])
    theta, state = stepped(optim.Adafactor, mat, [g], lr=lr)
    np.testing.assert_allclose(theta, mat - rms(mat) * lr * np.sign(g), rtol=1e-12)
    np.testing.assert_allclose(host(state["row_var"]), np.mean(g * g, axis=1, keepdims=True))
    np.testing.assert_allclose(host(state["col_var"]), np.mean(g * g, axis=0, keepdims=True))


def test_adafactor_small_parameters_move_by_eps2():
    theta, _ = stepped(optim.Adafactor, np.zeros(3), [[1.0, -1.0, 2.0]], lr=0.5,
                       eps=(None, 1e-3))
    np.testing.assert_allclose(theta, [-0.5e-3, 0.5e-3, -0.5e-3], rtol=1e-12)


def test_adafactor_clips_the_update_to_rms_d():
    """At t = 2 the gradient is much larger than at t = 1, and V̂ (moved only 2^−0.8 ≈ 0.57 of
    the way to G²) is too small: RMS(U) ≈ 1.32 > 1 = d, and the update is scaled to RMS d."""
    grads = [np.array([1e-2, 2e-2]), np.array([1.0, -0.3])]
    free, _ = stepped(optim.Adafactor, np.ones(2), grads, lr=0.5, d=100.0)
    clipped, _ = stepped(optim.Adafactor, np.ones(2), grads, lr=0.5, d=1.0)
    first, _ = stepped(optim.Adafactor, np.ones(2), grads[:1], lr=0.5)
    alpha = rms(first) * 0.5                           # max(ε₂, RMS(θ₁))·min(γ, 1/√2)
    u = (free - first) / -alpha
    assert rms(u) > 1
    np.testing.assert_allclose((clipped - first) / -alpha, u / rms(u), rtol=1e-12)


def test_numbers_from_torch():
    """Hard-coded from torch 2.13 (float64, four steps of ASGD and Rprop, three of Adafactor)."""
    grads = [[0.5, -2.0, 1.0], [0.25, 1.0, 3.0], [-1.0, 0.5, 2.0], [2.0, 1.5, -0.5]]
    theta, state = stepped(optim.ASGD, [1.0, -1.0, 0.5], grads, lr=0.1, lambd=0.01, t0=1)
    np.testing.assert_allclose(theta, [0.8214281304320308, -1.0958733628662394,
                                       -0.05048604547924869], rtol=1e-12)
    np.testing.assert_allclose(host(state["ax"]), [0.9217135732085772, -1.0215141851127525,
                                                   -0.07548006728748034], rtol=1e-12)
    assert state["eta"].item() == 0.09970104694366455 and state["mu"].item() == 0.3333333432674408
    theta, state = stepped(optim.Rprop, [1.0, -1.0, 0.5], grads, lr=0.1, step_sizes=(0.02, 0.15))
    np.testing.assert_allclose(theta, [0.72, -1.01, 0.136], rtol=1e-12)
    np.testing.assert_allclose(host(state["step_size"]), [0.06, 0.06, 0.072], rtol=1e-12)
    grads = [[[0.5, -2.0, 1.0], [0.25, 1.0, 3.0]], [[-1.0, 0.5, 2.0], [2.0, 1.5, -0.5]],
             [[0.1, 0.2, -0.3], [1.0, -1.0, 0.5]]]
    theta, state = stepped(optim.Adafactor, [[1.0, -1.0, 0.5], [0.2, 0.3, -0.4]], grads, lr=0.1,
                           weight_decay=0.1)
    np.testing.assert_allclose(theta, [[0.9271820219505317, -0.917122890097185,
                                        0.39529411351307103],
                                       [0.023350433077681053, 0.24467681683432857,
                                        -0.4612329026444839]], rtol=1e-12)
    np.testing.assert_allclose(host(state["row_var"]), [[1.0427016553960784],
                                                        [1.8739759861619003]], rtol=1e-12)
    np.testing.assert_allclose(host(state["col_var"]), [[1.0882248091857138, 1.2579996665442068,
                                                         2.0287919866070476]], rtol=1e-12)


# ---- state --------------------------------------------------------------------------------------

HOST = {"step", "eta", "mu"}


@pytest.mark.parametrize("cls,shape,names", [
    (optim.ASGD, (3, 4), {"step": (), "eta": (), "mu": (), "ax": (3, 4)}),
    (optim.Rprop, (3, 4), {"step": (), "prev": (3, 4), "step_size": (3, 4)}),
    (optim.Adafactor, (3, 4), {"step": (), "row_var": (3, 1), "col_var": (1, 4)}),
    (optim.Adafactor, (2, 3, 4), {"step": (), "row_var": (2, 3, 1), "col_var": (2, 1, 4)}),
    (optim.Adafactor, (5,), {"step": (), "variance": (5,)}),
    (optim.Adafactor, (), {"step": (), "variance": ()}),
])
def test_state_names_shapes_and_places(cls, shape, names, device):
    p = mt.zeros(shape, dtype=mt.float64, device=device, requires_grad=True)
    opt = cls([p])
    for _ in range(2):
        p.grad = mt.ones(shape, dtype=mt.float64, device=device)
        opt.step()
    state = opt.state[p]
    assert {k: tuple(v.shape) for k, v in state.items()} == names
    assert list(state) == list(names)
    assert state["step"].item() == 2.0
    for name, value in state.items():
        if name in HOST:
            assert value.device.type == "cpu" and value.dtype == mt.float32, name
        else:
            assert value.device == p.device and value.dtype == mt.float64, name


ALL = [optim.ASGD, optim.Rprop, optim.Adafactor]
ALL_IDS = [c.__name__ for c in ALL]


@pytest.mark.parametrize("cls", ALL, ids=ALL_IDS)
def test_float32_stays_float32(cls):
    p = mt.tensor(start((3, 4)), dtype=mt.float32, requires_grad=True)
    opt = cls([p])
    for _ in run_steps(opt, p, gradients((3, 4), 3), "cpu", mt.float32):
        pass
    assert p.dtype == mt.float32
    assert all(v.dtype == mt.float32 for v in opt.state[p].values())


@pytest.mark.parametrize("cls", ALL, ids=ALL_IDS)
def test_step_bumps_the_parameters_version_and_skips_params_without_grad(cls):
    p, q = mt.ones(3, requires_grad=True), mt.ones(3, requires_grad=True)
    opt = cls([p, q])
    p.grad = mt.ones(3)
    before = p._version
    opt.step()
    assert p._version > before
    assert q not in opt.state and host(q).tolist() == [1.0, 1.0, 1.0]


@pytest.mark.parametrize("cls,defaults", [
    (optim.ASGD, dict(lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, maximize=False)),
    (optim.Rprop, dict(lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), maximize=False)),
    (optim.Adafactor, dict(lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0, weight_decay=0.0,
                           foreach=None, maximize=False)),
])
def test_defaults_are_pytorchs(cls, defaults):
    assert cls([mt.zeros(2, requires_grad=True)]).defaults == defaults


def test_maximize_is_keyword_only():
    p = [mt.zeros(2, requires_grad=True)]
    with pytest.raises(TypeError):
        optim.ASGD(p, 1e-2, 1e-4, 0.75, 1e6, 0, True)
    with pytest.raises(TypeError):
        optim.Rprop(p, 1e-2, (0.5, 1.2), (1e-6, 50), True)
    with pytest.raises(TypeError):
        optim.Adafactor(p, 1e-2, -0.8, (None, 1e-3), 1.0, 0.0, None)


def test_repr_lists_the_options():
    text = repr(optim.Rprop([mt.zeros(2, requires_grad=True)], lr=0.5))
    assert text.startswith("Rprop (") and "etas: (0.5, 1.2)" in text and "lr: 0.5" in text


# ---- state_dict ----------------------------------------------------------------------------------

KW = {optim.ASGD: dict(lr=0.1, lambd=0.01, t0=2, weight_decay=0.1),
      optim.Rprop: dict(lr=0.1),
      optim.Adafactor: dict(lr=0.2, weight_decay=0.1)}


@pytest.mark.parametrize("cls", ALL, ids=ALL_IDS)
def test_state_dict_round_trip_continues_identically(cls, device):
    theta0, grads = start((3, 4)), gradients((3, 4), 8)
    p = mt.tensor(theta0, dtype=mt.float64, device=device, requires_grad=True)
    opt = cls([p], **KW[cls])
    list(run_steps(opt, p, grads[:4], device))
    sd = opt.state_dict()
    assert list(sd["state"]) == [0] and set(sd["state"][0]) == set(opt.state[p])
    q = p.detach().clone().requires_grad_()
    resumed = cls([q], lr=123.0)                 # options come from the state dict
    resumed.load_state_dict(sd)
    assert resumed.param_groups[0] == dict(opt.param_groups[0], params=[q])
    for k, v in opt.state[p].items():
        assert resumed.state[q][k] is not v
        np.testing.assert_array_equal(host(resumed.state[q][k]), host(v))
        if k in HOST:
            assert resumed.state[q][k].device.type == "cpu"
            assert resumed.state[q][k].dtype == mt.float32
    a = list(run_steps(opt, p, grads[4:], device))
    b = list(run_steps(resumed, q, grads[4:], device))
    np.testing.assert_array_equal(a[-1], b[-1])


@pytest.mark.parametrize("cls,kw", [(optim.ASGD, dict(lr=0.05)), (optim.Rprop, dict(lr=0.05)),
                                    (optim.Adafactor, dict(lr=0.1))], ids=ALL_IDS)
def test_training_lowers_the_loss(cls, kw):
    target = mt.tensor([[1.0, -2.0, 3.0], [0.5, 0.0, -1.0]])
    p = mt.full((2, 3), 0.5, requires_grad=True)     # Adafactor's steps are relative to θ
    opt = cls([p], **kw)
    first = None
    for _ in range(60):
        opt.zero_grad()
        loss = ((p - target) ** 2).sum()
        loss.backward()
        opt.step()
        first = loss.item() if first is None else first
    assert loss.item() < 1e-3 * first


def test_closure_is_evaluated_with_grad():
    p = mt.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.Rprop([p])

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss
    assert opt.step(closure).item() == 5.0
    np.testing.assert_allclose(host(p), [0.99, 1.99], rtol=1e-6)


# ---- errors --------------------------------------------------------------------------------------

@pytest.mark.parametrize("cls,kw,message", [
    (optim.ASGD, dict(lr=-1.0), "Invalid learning rate: -1.0"),
    (optim.ASGD, dict(weight_decay=-0.1), "Invalid weight_decay value: -0.1"),
    (optim.Rprop, dict(lr=-1.0), "Invalid learning rate: -1.0"),
    (optim.Rprop, dict(etas=(1.0, 1.2)), r"Invalid eta values: 1.0, 1.2"),
    (optim.Rprop, dict(etas=(0.5, 0.9)), r"Invalid eta values: 0.5, 0.9"),
    (optim.Adafactor, dict(lr=-1.0), r"Learning rate should be >= 0 but is: -1.0"),
    (optim.Adafactor, dict(beta2_decay=0.5), r"beta2_decay should be <= 0 but is: 0.5"),
    (optim.Adafactor, dict(eps=(-1.0, 1e-3)), r"epsilon1 should be >= 0 but is: -1.0"),
    (optim.Adafactor, dict(eps=(None, -1.0)), r"epsilon2 should be >= 0 but is: -1.0"),
    (optim.Adafactor, dict(d=0.5), r"Clipping threshold d should be >= 1 but is: 0.5"),
    (optim.Adafactor, dict(weight_decay=-0.1), r"weight_decay should be >= 0 but is: -0.1"),
])
def test_invalid_options(cls, kw, message):
    with pytest.raises(ValueError, match=message):
        cls([mt.zeros(2, requires_grad=True)], **kw)


@pytest.mark.parametrize("cls", ALL, ids=ALL_IDS)
def test_empty_parameter_list(cls):
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        cls([])
