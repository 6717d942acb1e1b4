"""mytorch.optim optimizers: each step against the same update written out in NumPy from the
algorithm in PyTorch's documentation, for every option; state, state_dict, param groups,
zero_grad, closures, hooks, devices, errors, and short training runs whose loss must fall."""
import numpy as np
import pytest

import mytorch as mt
from mytorch import optim

SHAPE = (3, 4)
STEPS = 6


def host(t):
    return t.detach().cpu().numpy()


def gradients(seed=1):
    """Gradients whose size falls after two steps, so AMSGrad's running max matters."""
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(SHAPE) * (3.0 if t < 2 else 0.3) for t in range(STEPS)]


def start():
    return np.random.default_rng(0).standard_normal(SHAPE)


# ---- the algorithms, written out in NumPy ------------------------------------------------------

def ref_sgd(theta, grads, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False,
            maximize=False):
    b = None
    for g in grads:
        g = -g if maximize else g
        if weight_decay:
            g = g + weight_decay * theta
        if momentum:
            b = g if b is None else momentum * b + (1 - dampening) * g
            g = g + momentum * b if nesterov else b
        theta = theta - lr * g
        yield theta


def ref_adam(theta, grads, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False,
             maximize=False, decoupled=False):
    b1, b2 = betas
    m = v = v_max = np.zeros_like(theta)
    for t, g in enumerate(grads, start=1):
        g = -g if maximize else g
        if weight_decay and decoupled:
            theta = theta - lr * weight_decay * theta
        elif weight_decay:
            g = g + weight_decay * theta
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat = m / (1 - b1 ** t)
        if amsgrad:
            v_max = np.maximum(v_max, v)
            v_hat = v_max / (1 - b2 ** t)
        else:
            v_hat = v / (1 - b2 ** t)
        theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
        yield theta


def ref_adamw(theta, grads, weight_decay=1e-2, **kw):
    return ref_adam(theta, grads, weight_decay=weight_decay, decoupled=True, **kw)


def ref_rmsprop(theta, grads, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                centered=False, maximize=False):
    v = b = g_ave = np.zeros_like(theta)
    for g in grads:
        g = -g if maximize else g
        if weight_decay:
            g = g + weight_decay * theta
        v = alpha * v + (1 - alpha) * g * g
        v_tilde = v
        if centered:
            g_ave = alpha * g_ave + (1 - alpha) * g
            v_tilde = v_tilde - g_ave ** 2
        if momentum > 0:
            b = momentum * b + g / (np.sqrt(v_tilde) + eps)
            theta = theta - lr * b
        else:
            theta = theta - lr * g / (np.sqrt(v_tilde) + eps)
        yield theta


def ref_adagrad(theta, grads, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                eps=1e-10, maximize=False):
    s = np.full_like(theta, initial_accumulator_value)
    for t, g in enumerate(grads, start=1):
        g = -g if maximize else g
        lr_t = lr / (1 + (t - 1) * lr_decay)
        if weight_decay:
            g = g + weight_decay * theta
        s = s + g * g
        theta = theta - lr_t * g / (np.sqrt(s) + eps)
        yield theta


def ref_adadelta(theta, grads, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, maximize=False):
    v = u = np.zeros_like(theta)
    for g in grads:
        g = -g if maximize else g
        if weight_decay:
            g = g + weight_decay * theta
        v = rho * v + (1 - rho) * g * g
        delta = np.sqrt(u + eps) / np.sqrt(v + eps) * g
        u = rho * u + (1 - rho) * delta * delta
        theta = theta - lr * delta
        yield theta


CASES = [
    (optim.SGD, ref_sgd, dict(lr=0.1)),
    (optim.SGD, ref_sgd, dict(lr=0.1, momentum=0.9)),
    (optim.SGD, ref_sgd, dict(lr=0.1, momentum=0.9, dampening=0.5)),
    (optim.SGD, ref_sgd, dict(lr=0.1, momentum=0.9, nesterov=True)),
    (optim.SGD, ref_sgd, dict(lr=0.1, weight_decay=0.1)),
    (optim.SGD, ref_sgd, dict(lr=0.1, maximize=True)),
    (optim.SGD, ref_sgd, dict(lr=0.1, momentum=0.8, nesterov=True, weight_decay=0.2,
                              maximize=True)),
    (optim.Adam, ref_adam, dict()),
    (optim.Adam, ref_adam, dict(lr=0.1, betas=(0.8, 0.9), eps=1e-3)),
    (optim.Adam, ref_adam, dict(lr=0.1, weight_decay=0.1)),
    (optim.Adam, ref_adam, dict(lr=0.1, amsgrad=True)),
    (optim.Adam, ref_adam, dict(lr=0.1, maximize=True)),
    (optim.Adam, ref_adam, dict(lr=0.1, amsgrad=True, weight_decay=0.1, maximize=True)),
    (optim.AdamW, ref_adamw, dict()),
    (optim.AdamW, ref_adamw, dict(lr=0.1, weight_decay=0.3)),
    (optim.AdamW, ref_adamw, dict(lr=0.1, weight_decay=0.3, amsgrad=True, maximize=True)),
    (optim.RMSprop, ref_rmsprop, dict()),
    (optim.RMSprop, ref_rmsprop, dict(lr=0.05, alpha=0.9, eps=1e-3)),
    (optim.RMSprop, ref_rmsprop, dict(lr=0.05, centered=True)),
    (optim.RMSprop, ref_rmsprop, dict(lr=0.05, momentum=0.9)),
    (optim.RMSprop, ref_rmsprop, dict(lr=0.05, momentum=0.9, centered=True, weight_decay=0.1)),
    (optim.RMSprop, ref_rmsprop, dict(lr=0.05, maximize=True, weight_decay=0.1)),
    (optim.Adagrad, ref_adagrad, dict()),
    (optim.Adagrad, ref_adagrad, dict(lr=0.1, lr_decay=0.5)),
    (optim.Adagrad, ref_adagrad, dict(lr=0.1, weight_decay=0.2, eps=1e-3)),
    (optim.Adagrad, ref_adagrad, dict(lr=0.1, initial_accumulator_value=0.5, maximize=True)),
    (optim.Adadelta, ref_adadelta, dict()),
    (optim.Adadelta, ref_adadelta, dict(lr=0.5, rho=0.5, eps=1e-4)),
    (optim.Adadelta, ref_adadelta, dict(weight_decay=0.1, maximize=True)),
]


def case_id(case):
    cls, _, kw = case
    return cls.__name__ + "(" + ",".join(f"{k}={v}" for k, v in kw.items()) + ")"


def run_steps(opt, param, grads, device, dtype=mt.float64):
    for g in grads:
        param.grad = mt.tensor(g, dtype=dtype, device=device)
        opt.step()
        yield host(param)


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_steps_match_the_algorithm(case, device):
    cls, reference, kw = case
    theta0, grads = start(), gradients()
    p = mt.tensor(theta0, dtype=mt.float64, device=device, requires_grad=True)
    opt = cls([p], **kw)
    expected = list(reference(theta0, grads, **kw))
    for t, (got, want) in enumerate(zip(run_steps(opt, p, grads, device), expected), start=1):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12, err_msg=f"step {t}")


ALL = [(optim.SGD, dict(lr=0.1, momentum=0.9)), (optim.Adam, dict(lr=0.1, amsgrad=True)),
       (optim.AdamW, dict(lr=0.1)), (optim.RMSprop, dict(momentum=0.9, centered=True)),
       (optim.Adagrad, dict()), (optim.Adadelta, dict())]
ALL_IDS = [c.__name__ for c, _ in ALL]


@pytest.mark.parametrize("cls,kw", ALL, ids=ALL_IDS)
def test_float32_stays_float32(cls, kw):
    p = mt.tensor(start(), dtype=mt.float32, requires_grad=True)
    opt = cls([p], **kw)
    for _ in run_steps(opt, p, gradients()[:2], "cpu", mt.float32):
        pass
    assert p.dtype == mt.float32
    assert all(v.dtype == mt.float32 for k, v in opt.state[p].items() if k != "step")


# ---- state ------------------------------------------------------------------------------------

@pytest.mark.parametrize("cls,kw,names", [
    (optim.SGD, dict(lr=0.1), set()),
    (optim.SGD, dict(lr=0.1, momentum=0.9), {"momentum_buffer"}),
    (optim.Adam, dict(), {"step", "exp_avg", "exp_avg_sq"}),
    (optim.Adam, dict(amsgrad=True), {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"}),
    (optim.AdamW, dict(amsgrad=True), {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"}),
    (optim.RMSprop, dict(), {"step", "square_avg"}),
    (optim.RMSprop, dict(momentum=0.5, centered=True),
     {"step", "square_avg", "momentum_buffer", "grad_avg"}),
    (optim.Adagrad, dict(), {"step", "sum"}),
    (optim.Adadelta, dict(), {"step", "square_avg", "acc_delta"}),
])
def test_state_names(cls, kw, names):
    p = mt.zeros(SHAPE, requires_grad=True)
    opt = cls([p], **kw)
    p.grad = mt.ones(SHAPE)
    opt.step()
    opt.step()
    assert set(opt.state[p]) == names
    if "step" in names:
        assert opt.state[p]["step"].item() == 2.0


def test_plain_sgd_keeps_no_state():
    p = mt.zeros(2, requires_grad=True)
    opt = optim.SGD([p], lr=0.1)
    p.grad = mt.ones(2)
    opt.step()
    assert len(opt.state) == 0 and opt.state_dict()["state"] == {}


def test_state_is_keyed_by_the_parameter_in_order():
    a, b = mt.zeros(2, requires_grad=True), mt.zeros(3, requires_grad=True)
    opt = optim.Adam([a, b])
    b.grad = mt.ones(3)
    opt.step()
    a.grad = mt.ones(2)
    opt.step()
    assert list(opt.state) == [b, a]
    assert opt.state[a]["exp_avg"].shape == (2,)


def test_adagrad_makes_its_state_when_built():
    p = mt.zeros(SHAPE, requires_grad=True)
    opt = optim.Adagrad([p], initial_accumulator_value=0.25)
    assert opt.state[p]["step"].item() == 0
    np.testing.assert_array_equal(host(opt.state[p]["sum"]), np.full(SHAPE, 0.25))


def test_params_without_grad_are_skipped():
    a, b = mt.ones(2, requires_grad=True), mt.ones(2, requires_grad=True)
    opt = optim.Adam([a, b], lr=0.1)
    a.grad = mt.ones(2)
    opt.step()
    np.testing.assert_array_equal(host(b), [1.0, 1.0])
    assert b not in opt.state
    assert host(a)[0] < 1.0


@pytest.mark.parametrize("cls,kw", ALL, ids=ALL_IDS)
def test_state_is_made_on_the_parameters_device(cls, kw, device):
    p = mt.zeros(SHAPE, dtype=mt.float64, device=device, requires_grad=True)
    opt = cls([p], **kw)
    p.grad = mt.ones(SHAPE, dtype=mt.float64, device=device)
    opt.step()
    for name, value in opt.state[p].items():
        if name == "step":                     # the step counter stays on the host, as PyTorch's
            assert value.device.type == "cpu" and value.dtype == mt.float32
        else:
            assert value.device == p.device and value.dtype == mt.float64, name


def test_state_follows_a_parameter_moved_after_the_optimizer_was_built(device):
    theta0, grads = start(), gradients()
    p = mt.tensor(theta0, dtype=mt.float64, requires_grad=True)
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    got = list(run_steps(opt, p, grads[:2], "cpu"))
    p.data = p.detach().to(device)             # what Module.to does: same object, new device
    got += list(run_steps(opt, p, grads[2:], device))
    assert opt.state[p]["momentum_buffer"].device == p.device
    np.testing.assert_allclose(got[-1], list(ref_sgd(theta0, grads, lr=0.1, momentum=0.9))[-1],
                               rtol=1e-12)


# ---- param groups ----------------------------------------------------------------------------

def test_param_groups_with_their_own_options():
    a, b = mt.zeros(2, requires_grad=True), mt.zeros(2, requires_grad=True)
    opt = optim.SGD([{"params": [a]}, {"params": b, "lr": 0.01}], lr=0.1, momentum=0.5)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.01]
    assert opt.param_groups[1]["momentum"] == 0.5 and opt.param_groups[1]["params"] == [b]
    a.grad, b.grad = mt.ones(2), mt.ones(2)
    opt.step()
    np.testing.assert_allclose(host(a), [-0.1, -0.1])
    np.testing.assert_allclose(host(b), [-0.01, -0.01])


def test_add_param_group():
    a, b = mt.zeros(2, requires_grad=True), mt.zeros(2, requires_grad=True)
    opt = optim.Adam([a], lr=0.1)
    opt.add_param_group({"params": [b], "lr": 0.2})
    assert len(opt.param_groups) == 2
    assert opt.param_groups[1]["betas"] == (0.9, 0.999) and opt.param_groups[1]["lr"] == 0.2


def test_named_parameters_are_accepted():
    w = mt.zeros(2, requires_grad=True)
    opt = optim.SGD([("w", w)], lr=0.1)
    assert opt.param_groups[0]["params"] == [w]
    assert opt.state_dict()["param_groups"][0]["param_names"] == ["w"]


# ---- zero_grad, closures, hooks --------------------------------------------------------------

def test_zero_grad_sets_to_none_by_default():
    p = mt.ones(3, requires_grad=True)
    (p * 2).sum().backward()
    opt = optim.SGD([p], lr=0.1)
    opt.zero_grad()
    assert p.grad is None


def test_zero_grad_set_to_none_false_zeroes_in_place():
    p = mt.ones(3, requires_grad=True)
    (p * 2).sum().backward()
    grad = p.grad
    optim.SGD([p], lr=0.1).zero_grad(set_to_none=False)
    assert p.grad is grad
    np.testing.assert_array_equal(host(p.grad), [0.0, 0.0, 0.0])
    (p * 3).sum().backward()
    np.testing.assert_array_equal(host(p.grad), [3.0, 3.0, 3.0])


@pytest.mark.parametrize("cls,kw", ALL, ids=ALL_IDS)
def test_closure_reevaluates_and_returns_the_loss(cls, kw):
    p = mt.tensor([1.0, -2.0], requires_grad=True)
    opt = cls([p], **kw)
    calls = []

    def closure():
        opt.zero_grad()
        loss = (p ** 2).sum()
        loss.backward()                        # needs grad mode on, though step runs without
        calls.append(mt.is_grad_enabled())
        return loss

    loss = opt.step(closure)
    assert calls == [True]
    assert loss.item() == pytest.approx(5.0)
    assert not np.allclose(host(p), [1.0, -2.0])


def test_step_runs_under_no_grad_even_for_a_user_optimizer():
    class Sign(optim.Optimizer):
        def __init__(self, params, lr=0.1):
            super().__init__(params, dict(lr=lr))

        def step(self, closure=None):
            self.grad_mode = mt.is_grad_enabled()
            for group in self.param_groups:
                for p in group["params"]:
                    p.sub_(p.grad.sign() * group["lr"])

    p = mt.tensor([1.0, -1.0], requires_grad=True)
    opt = Sign([p])
    p.grad = mt.tensor([3.0, -2.0])
    opt.step()
    assert opt.grad_mode is False
    np.testing.assert_allclose(host(p), [0.9, -0.9])
    assert p.is_leaf and p.requires_grad


def test_step_hooks():
    p = mt.zeros(2, requires_grad=True)
    opt = optim.SGD([p], lr=0.1)
    seen = []
    pre = opt.register_step_pre_hook(lambda o, args, kwargs: seen.append(("pre", o)))
    opt.register_step_post_hook(lambda o, args, kwargs: seen.append(("post", o)))
    opt.step()
    assert seen == [("pre", opt), ("post", opt)]
    pre.remove()
    opt.step()
    assert seen[2:] == [("post", opt)]


def test_repr_is_pytorchs():
    opt = optim.SGD([mt.zeros(2, requires_grad=True)], lr=0.1, momentum=0.9)
    assert repr(opt) == ("SGD (\nParameter Group 0\n    dampening: 0\n    lr: 0.1\n"
                         "    maximize: False\n    momentum: 0.9\n    nesterov: False\n"
                         "    weight_decay: 0\n)")


# ---- state_dict -------------------------------------------------------------------------------

def test_state_dict_format():
    a, b, c = (mt.zeros(2, requires_grad=True) for _ in range(3))
    opt = optim.SGD([{"params": [a, b]}, {"params": [c], "lr": 0.5}], lr=0.1, momentum=0.9)
    b.grad = c.grad = mt.ones(2)
    opt.step()
    sd = opt.state_dict()
    assert set(sd) == {"state", "param_groups"}
    assert list(sd["state"]) == [1, 2]
    assert set(sd["state"][1]) == {"momentum_buffer"}
    assert [g["params"] for g in sd["param_groups"]] == [[0, 1], [2]]
    assert set(sd["param_groups"][0]) == {"lr", "momentum", "dampening", "weight_decay",
                                          "nesterov", "maximize", "params"}
    assert sd["param_groups"][1]["lr"] == 0.5
    assert opt.param_groups[0]["params"] == [a, b]          # packing changed nothing


@pytest.mark.parametrize("cls,kw", ALL, ids=ALL_IDS)
def test_load_state_dict_continues_identically(cls, kw, device):
    theta0, grads = start(), gradients()
    p = mt.tensor(theta0, dtype=mt.float64, device=device, requires_grad=True)
    opt = cls([p], **kw)
    list(run_steps(opt, p, grads[:3], device))
    q = p.detach().clone().requires_grad_()
    resumed = cls([q], lr=123.0)                 # options come from the state dict
    resumed.load_state_dict(opt.state_dict())
    assert resumed.param_groups[0]["lr"] == opt.param_groups[0]["lr"]
    for k, v in opt.state[p].items():            # copies, not the same tensors
        assert resumed.state[q][k] is not v
    a = list(run_steps(opt, p, grads[3:], device))
    b = list(run_steps(resumed, q, grads[3:], device))
    np.testing.assert_array_equal(a[-1], b[-1])


def test_checkpoint_through_mytorch_save_continues_identically(tmp_path):
    theta0, grads = start(), gradients()
    p = mt.tensor(theta0, dtype=mt.float32, requires_grad=True)
    opt = optim.AdamW([p], lr=0.1, amsgrad=True)
    sched = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=5)
    for g in grads[:3]:
        p.grad = mt.tensor(g, dtype=mt.float32)
        opt.step()
        sched.step()
    mt.save({"p": p, "opt": opt.state_dict(), "sched": sched.state_dict()}, tmp_path / "ckpt.mt")
    ckpt = mt.load(tmp_path / "ckpt.mt")
    q = ckpt["p"].detach().requires_grad_()
    opt2 = optim.AdamW([q])
    sched2 = optim.lr_scheduler.CosineAnnealingLR(opt2, T_max=5)
    opt2.load_state_dict(ckpt["opt"])
    sched2.load_state_dict(ckpt["sched"])
    for t in (p, q):
        o, s = (opt, sched) if t is p else (opt2, sched2)
        for g in grads[3:]:
            t.grad = mt.tensor(g, dtype=mt.float32)
            o.step()
            s.step()
    np.testing.assert_array_equal(host(p), host(q))
    assert opt2.param_groups[0]["lr"] == opt.param_groups[0]["lr"]


def test_load_state_dict_moves_and_casts_state_to_the_parameter(device):
    p = mt.zeros(SHAPE, dtype=mt.float32, requires_grad=True)
    opt = optim.Adam([p])
    p.grad = mt.ones(SHAPE)
    opt.step()
    q = mt.zeros(SHAPE, dtype=mt.float64, device=device, requires_grad=True)
    other = optim.Adam([q])
    other.load_state_dict(opt.state_dict())
    assert other.state[q]["exp_avg"].device == q.device
    assert other.state[q]["exp_avg"].dtype == mt.float64
    assert other.state[q]["step"].item() == 1.0


def test_load_state_dict_checks_the_groups():
    a, b = mt.zeros(2, requires_grad=True), mt.zeros(2, requires_grad=True)
    sd = optim.SGD([a, b], lr=0.1).state_dict()
    with pytest.raises(ValueError, match="different number of parameter groups"):
        optim.SGD([{"params": [a]}, {"params": [b]}], lr=0.1).load_state_dict(sd)
    with pytest.raises(ValueError, match="doesn't match the size of optimizer's group"):
        optim.SGD([a], lr=0.1).load_state_dict(sd)


# ---- errors -----------------------------------------------------------------------------------

@pytest.mark.parametrize("cls,kw,message", [
    (optim.SGD, dict(lr=-1), "Invalid learning rate: -1"),
    (optim.SGD, dict(lr=0.1, momentum=-0.5), "Invalid momentum value: -0.5"),
    (optim.SGD, dict(lr=0.1, weight_decay=-1), "Invalid weight_decay value: -1"),
    (optim.SGD, dict(lr=0.1, nesterov=True), "Nesterov momentum requires a momentum and zero "
                                             "dampening"),
    (optim.SGD, dict(lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), "Nesterov"),
    (optim.Adam, dict(lr=-1), "Invalid learning rate: -1"),
    (optim.Adam, dict(eps=-1e-8), "Invalid epsilon value: -1e-08"),
    (optim.Adam, dict(betas=(1.0, 0.999)), r"Invalid beta parameter at index 0: 1\.0"),
    (optim.AdamW, dict(betas=(0.9, -0.1)), r"Invalid beta parameter at index 1: -0\.1"),
    (optim.AdamW, dict(weight_decay=-0.1), "Invalid weight_decay value: -0.1"),
    (optim.RMSprop, dict(lr=-1), "Invalid learning rate: -1"),
    (optim.RMSprop, dict(alpha=-0.5), "Invalid alpha value: -0.5"),
    (optim.RMSprop, dict(momentum=-1), "Invalid momentum value: -1"),
    (optim.Adagrad, dict(lr_decay=-1), "Invalid lr_decay value: -1"),
    (optim.Adagrad, dict(initial_accumulator_value=-1), "Invalid initial_accumulator_value "
                                                         "value: -1"),
    (optim.Adadelta, dict(rho=1.5), "Invalid rho value: 1.5"),
    (optim.Adadelta, dict(lr=-1), "Invalid learning rate: -1"),
])
def test_invalid_options(cls, kw, message):
    with pytest.raises(ValueError, match=message):
        cls([mt.zeros(2, requires_grad=True)], **kw)


def test_parameter_in_two_groups():
    p = mt.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter "
                                         "group"):
        optim.SGD([{"params": [p]}, {"params": [p]}], lr=0.1)


def test_duplicate_parameter_in_a_group_warns():
    p = mt.zeros(2, requires_grad=True)
    with pytest.warns(UserWarning, match="duplicate parameters"):
        optim.SGD([p, p], lr=0.1)


def test_non_leaf_parameter():
    p = mt.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        optim.Adam([p * 2])


def test_non_tensor_parameter():
    with pytest.raises(TypeError, match="optimizer can only optimize Tensors, but one of the "
                                        "params is int"):
        optim.SGD([mt.zeros(2, requires_grad=True), 3], lr=0.1)


def test_params_must_be_an_iterable_of_tensors():
    with pytest.raises(TypeError, match="should be an iterable of Tensors or dicts, but got "
                                        "mytorch.tensor.Tensor"):
        optim.SGD(mt.zeros(2, requires_grad=True), lr=0.1)
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(TypeError, match="ordering of tensors in sets will change"):
        optim.SGD([{"params": {mt.zeros(2, requires_grad=True)}}], lr=0.1)


def test_required_option_must_be_given():
    class Plain(optim.Optimizer):
        def __init__(self, params, lr=optim.optimizer.required):
            super().__init__(params, dict(lr=lr))

    with pytest.raises(ValueError, match="didn't specify a value of required optimization "
                                         "parameter lr"):
        Plain([mt.zeros(2, requires_grad=True)])


# ---- training: the loss must fall ------------------------------------------------------------

@pytest.mark.parametrize("cls,kw", [
    (optim.SGD, dict(lr=0.05)), (optim.SGD, dict(lr=0.05, momentum=0.9, nesterov=True)),
    (optim.Adam, dict(lr=0.1)), (optim.AdamW, dict(lr=0.1, weight_decay=1e-3)),
    (optim.RMSprop, dict(lr=0.02, centered=True)), (optim.Adagrad, dict(lr=0.5)),
    (optim.Adadelta, dict(lr=20.0)),
], ids=lambda v: v.__name__ if isinstance(v, type) else ",".join(f"{k}={x}" for k, x in v.items()))
def test_least_squares_loss_falls(cls, kw, device):
    x = mt.randn(64, 5, device=device)
    y = x @ mt.tensor([1.0, -2.0, 0.5, 3.0, -1.0], device=device) + 0.3
    w = mt.zeros(5, device=device, requires_grad=True)
    b = mt.zeros(1, device=device, requires_grad=True)
    opt = cls([w, b], **kw)

    def loss_fn():
        return ((x @ w + b - y) ** 2).mean()

    first = loss_fn().item()
    for _ in range(100):
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        opt.step()
    assert loss_fn().item() < 0.05 * first
