"""mytorch.optim.LBFGS: convergence on the Rosenbrock function, the first iterations on a
quadratic against the formulas written out by hand, trajectories of torch.optim.LBFGS, the
limits (max_iter, max_eval, the tolerances, history_size), state and state_dict through
mytorch.save, devices, and every user-facing error."""
import numpy as np
import pytest

import mytorch as mt
from mytorch import nn, optim

STATE_NAMES = {"func_evals", "n_iter", "d", "t", "old_dirs", "old_stps", "ro", "H_diag",
               "prev_flat_grad", "prev_loss", "al"}


def host(t):
    return t.detach().cpu().numpy()


def rosenbrock(p):
    x, y = p[0], p[1]
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


def problem(start=(-1.5, 2.0), loss_fn=rosenbrock, dtype=mt.float64, device="cpu", **kw):
    """(parameter, optimizer, closure, calls): calls counts the closure's evaluations."""
    p = mt.tensor(start, dtype=dtype, device=device, requires_grad=True)
    opt = optim.LBFGS([p], **kw)
    calls = []

    def closure():
        calls.append(1)
        opt.zero_grad()
        loss = loss_fn(p)
        loss.backward()
        return loss

    return p, opt, closure, calls


# ---- it minimizes -----------------------------------------------------------------------------

@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_rosenbrock_converges_to_the_minimum(line_search_fn):
    p, opt, closure, _ = problem(line_search_fn=line_search_fn)
    for _ in range(15):
        opt.step(closure)
    np.testing.assert_allclose(host(p), [1.0, 1.0], atol=1e-5)
    assert rosenbrock(p).item() < 1e-8          # (tolerance_change=1e-9 stops it there)


def test_rosenbrock_converges_in_float32_with_the_line_search():
    p, opt, closure, _ = problem(dtype=mt.float32, line_search_fn="strong_wolfe")
    for _ in range(10):
        opt.step(closure)
    assert p.dtype == mt.float32
    np.testing.assert_allclose(host(p), [1.0, 1.0], atol=1e-3)


def test_least_squares_with_a_linear_layer_reaches_the_lstsq_solution():
    mt.manual_seed(0)
    x, y = mt.randn(50, 3, dtype=mt.float64), mt.randn(50, 2, dtype=mt.float64)
    model = nn.Linear(3, 2).double()
    opt = optim.LBFGS(model.parameters(), tolerance_grad=1e-12, tolerance_change=1e-15,
                      line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        return loss

    for _ in range(3):
        opt.step(closure)
    design = np.hstack([host(x), np.ones((50, 1))])
    solution = np.linalg.lstsq(design, host(y), rcond=None)[0]       # (4, 2): [Wᵀ; b]
    np.testing.assert_allclose(host(model.weight), solution[:3].T, atol=1e-6)
    np.testing.assert_allclose(host(model.bias), solution[3], atol=1e-6)


# ---- the first iterations, by hand, on f = ½xᵀAx ----------------------------------------------

A = np.array([[3.0, 1.0], [1.0, 2.0]])
X0 = np.array([1.0, -2.0])


def quadratic(p):
    return 0.5 * (p @ (mt.tensor(A, device=p.device) @ p))


def test_first_iteration_is_a_gradient_step_scaled_by_the_l1_norm():
    p, opt, closure, calls = problem(X0, quadratic, lr=0.8, max_iter=1)
    loss = opt.step(closure)
    g = A @ X0                                       # (1, −3): ‖g‖₁ = 4
    t = min(1.0, 1.0 / np.abs(g).sum()) * 0.8
    np.testing.assert_allclose(host(p), X0 - t * g, rtol=1e-15)
    assert loss.item() == 0.5 * X0 @ A @ X0          # the loss of the first evaluation
    assert len(calls) == 1                           # the last iteration's loss is not needed
    state = opt.state[p]
    assert state["t"].item() == pytest.approx(t) and state["H_diag"] == 1
    assert state["old_dirs"] == [] and state["n_iter"] == 1 and state["func_evals"] == 1


def test_second_iteration_is_the_two_loop_recursion():
    p, opt, closure, calls = problem(X0, quadratic, lr=0.8, max_iter=2, max_eval=10)
    opt.step(closure)
    # written out: one (s, y) pair, H = γ-scaled, the two loops with a single term each
    g0 = A @ X0
    t0 = 0.8 / np.abs(g0).sum()
    s = -t0 * g0
    x1 = X0 + s
    g1 = A @ x1
    y = g1 - g0
    rho = 1 / (y @ s)
    gamma = (s @ y) / (y @ y)
    q = -g1
    alpha = rho * (s @ q)
    q = q - alpha * y
    r = gamma * q
    beta = rho * (y @ r)
    d = r + (alpha - beta) * s
    np.testing.assert_allclose(host(p), x1 + 0.8 * d, rtol=1e-14)
    assert len(calls) == 2
    state = opt.state[p]
    np.testing.assert_allclose(host(state["old_stps"][0]), s, rtol=1e-15)
    np.testing.assert_allclose(host(state["old_dirs"][0]), y, atol=1e-15)   # y = As = (0, 1)
    assert state["ro"][0].item() == pytest.approx(rho, rel=1e-14)
    assert state["H_diag"].item() == pytest.approx(gamma, rel=1e-14)
    np.testing.assert_allclose(host(state["d"]), d, rtol=1e-14)
    np.testing.assert_allclose(host(state["prev_flat_grad"]), g1, rtol=1e-15)


def test_strong_wolfe_line_search_is_exact_on_a_quadratic():
    # A first trial t = 10/‖g‖₁ = 2.5 overshoots (no sufficient decrease); the cubic through
    # φ(0), φ'(0), φ(2.5), φ'(2.5) of a quadratic φ is φ itself, so the zoom lands on the exact
    # minimizer t* = gᵀg / gᵀAg along −g. The second direction is then conjugate and its exact
    # line search ends at the minimum: two iterations, 1 + 2 + 2 evaluations.
    p, opt, closure, calls = problem(X0, quadratic, lr=10, line_search_fn="strong_wolfe")
    points = []

    def recording():
        points.append(host(p).copy())
        return closure()

    opt.step(recording)
    g = A @ X0
    t_star = (g @ g) / (g @ A @ g)
    np.testing.assert_allclose(points[1], X0 - 2.5 * g, rtol=1e-15)
    np.testing.assert_allclose(points[2], X0 - t_star * g, atol=1e-15)
    np.testing.assert_allclose(host(p), [0.0, 0.0], atol=1e-14)
    assert len(calls) == 5 and opt.state[p]["n_iter"] == 2


# ---- the same numbers as PyTorch --------------------------------------------------------------

# Values from torch.optim.LBFGS 2.13 on this problem: the Rosenbrock function from (-1.5, 2) in
# float64, LBFGS([p], **options) stepped `steps` times with a closure that counts its calls.
TORCH = [
    ({}, 1, [-0.781122729831648, 0.6131352916809746], 20, 20, 19),
    ({"line_search_fn": "strong_wolfe"}, 1,
     [-0.08511855589860293, -0.028757058413769698], 25, 19, 18),
    ({"lr": 0.5, "max_iter": 7, "history_size": 3}, 6,
     [1.0734076353810096, 1.1086877383573108], 42, 42, 3),
    ({"lr": 0.5, "max_iter": 7, "history_size": 3, "line_search_fn": "strong_wolfe"}, 6,
     [0.7742695073135738, 0.6007135820518935], 49, 38, 3),
    ({"max_eval": 6}, 1, [-1.4105621061808535, 2.004367900333712], 6, 5, 4),
    ({"max_eval": 6, "line_search_fn": "strong_wolfe"}, 1,
     [-1.4190151739012853, 2.015228881713949], 6, 4, 3),
]


@pytest.mark.parametrize("options,steps,final,calls,n_iter,kept", TORCH,
                         ids=["plain", "wolfe", "short-memory", "short-memory-wolfe",
                              "max-eval", "max-eval-wolfe"])
def test_trajectories_match_torch(options, steps, final, calls, n_iter, kept):
    p, opt, closure, counted = problem(**options)
    assert opt.step(closure).item() == 12.5              # the loss at the start
    for _ in range(steps - 1):
        opt.step(closure)
    # (float64 rounding differs by a few ulps between the two libraries' kernels, and the
    # Rosenbrock valley amplifies it over dozens of iterations)
    np.testing.assert_allclose(host(p), final, rtol=1e-8)
    state = opt.state[p]
    assert (len(counted), state["func_evals"], state["n_iter"], len(state["old_dirs"])) == \
        (calls, calls, n_iter, kept)


def test_float32_trajectory_matches_torch():
    # values from torch.optim.LBFGS 2.13 on this problem (float32, strong Wolfe, one step);
    # float32 rounding of the fused kernels differs by an ulp or two, hence the tolerance
    p, opt, closure, calls = problem(dtype=mt.float32, line_search_fn="strong_wolfe")
    opt.step(closure)
    np.testing.assert_allclose(host(p), [-0.08534664660692215, -0.02884996309876442], atol=1e-5)
    assert len(calls) == 25 and opt.state[p]["n_iter"] == 19


# ---- the limits -------------------------------------------------------------------------------

@pytest.mark.parametrize("max_iter", [1, 3, 8])
def test_max_iter_bounds_the_iterations_and_evaluations(max_iter):
    p, opt, closure, calls = problem(max_iter=max_iter, max_eval=100)
    opt.step(closure)
    # without a line search: one evaluation per iteration, none after the last
    assert len(calls) == max_iter and opt.state[p]["n_iter"] == max_iter


@pytest.mark.parametrize("max_iter,iterations", [(2, 1), (3, 2), (4, 4), (8, 8)])
def test_the_default_max_eval_can_stop_a_short_step_first(max_iter, iterations):
    # max_eval = max_iter·5//4 is 2 for max_iter = 2 (and 3 for 3): the evaluation after the
    # first iteration already reaches it. The same counts as torch.optim.LBFGS 2.13.
    p, opt, closure, calls = problem(max_iter=max_iter)
    opt.step(closure)
    assert opt.defaults["max_eval"] == max_iter * 5 // 4
    assert opt.state[p]["n_iter"] == iterations


@pytest.mark.parametrize("max_eval", [2, 5, 9])
def test_max_eval_bounds_the_evaluations(max_eval):
    p, opt, closure, calls = problem(max_iter=100, max_eval=max_eval)
    opt.step(closure)
    assert len(calls) == max_eval and opt.state[p]["func_evals"] == max_eval


def test_max_eval_is_checked_after_each_line_search():
    # a line search takes several evaluations and is not cut short: the step ends after the
    # first iteration whose line search reaches max_eval
    p, opt, closure, calls = problem(max_iter=100, max_eval=2, line_search_fn="strong_wolfe")
    opt.step(closure)
    assert opt.state[p]["n_iter"] == 1 and len(calls) >= 2


def test_at_a_minimum_tolerance_grad_stops_before_any_iteration():
    p, opt, closure, calls = problem(start=(1.0, 1.0))
    before = p._version
    loss = opt.step(closure)
    assert loss.item() == 0.0 and len(calls) == 1
    np.testing.assert_array_equal(host(p), [1.0, 1.0])
    assert p._version == before
    assert opt.state[p] == {"func_evals": 1, "n_iter": 0}


def test_tolerance_grad_stops_once_the_gradient_is_small():
    p, opt, closure, calls = problem(max_iter=200, max_eval=400, tolerance_grad=1e-2)
    largest = []

    def recording():
        loss = closure()
        largest.append(np.abs(host(p.grad)).max())
        return loss

    opt.step(recording)
    assert largest[-1] <= 1e-2 and min(largest[:-1]) > 1e-2
    assert opt.state[p]["n_iter"] == len(largest) - 1 < 200


def test_no_descent_direction_left_stops_without_moving():
    # dᵀg = −‖g‖² = −10 > −tolerance_change: the first direction is not worth a step
    p, opt, closure, calls = problem(X0, quadratic, tolerance_change=100.0)
    opt.step(closure)
    np.testing.assert_array_equal(host(p), X0)
    assert len(calls) == 1 and opt.state[p]["n_iter"] == 1


@pytest.mark.parametrize("scale,tolerance_change,stops_on", [(1.0, 0.2, "loss"),
                                                             (1e4, 0.5, "step")])
def test_a_loss_or_a_point_that_no_longer_changes_stops_the_iterations(scale, tolerance_change,
                                                                       stops_on):
    # On this quadratic the iterates move by max|t·d| = 0.75, 1.25, 0.45 whatever the scale
    # of f (the first step is −g/‖g‖₁, later ones quasi-Newton) and the loss falls by 2.03,
    # 1.30, 0.099 (times the scale): the third iteration stops on the loss at scale 1 with
    # tolerance 0.2, and on the step at scale 10⁴ with tolerance 0.5.
    losses, points = [], []

    def loss_of(p):
        loss = scale * quadratic(p)
        losses.append(loss.item())
        points.append(host(p).copy())
        return loss

    p, opt, closure, calls = problem(X0, loss_of, max_iter=20, tolerance_change=tolerance_change)
    opt.step(closure)
    assert opt.state[p]["n_iter"] == 3
    loss_changes = -np.diff(losses)
    steps = np.abs(np.diff(points, axis=0)).max(axis=1)
    np.testing.assert_allclose(steps, [0.75, 1.25, 0.450820879586006], rtol=1e-12)
    if stops_on == "loss":
        assert loss_changes[-1] < tolerance_change <= loss_changes[:-1].min()
        assert steps.min() > tolerance_change
    else:
        assert steps[-1] <= tolerance_change < steps[:-1].min()
        assert loss_changes.min() > tolerance_change


def test_history_keeps_the_newest_pairs():
    # on a convex quadratic every pair has yᵀs > 0 and is kept; without a line search the
    # closure sees the iterates x₀ … x₅ (not x₆, the last), and iteration k stores the pair of
    # step k − 1: with room for two, the state holds s = x₅ − x₄, x₄ − x₃ and their y = As
    scales = np.array([1.0, 2.0, 4.0, 8.0, 16.0])
    points = []

    def loss_of(x):
        points.append(host(x).copy())
        return 0.5 * (mt.tensor(scales) * x * x).sum()

    p, opt, closure, calls = problem(np.ones(5), loss_of, history_size=2, max_iter=6)
    opt.step(closure)
    state = opt.state[p]
    assert len(points) == 6 and len(state["old_stps"]) == 2 and len(state["al"]) == 2
    for stored, (a, b) in zip(state["old_stps"], [(3, 4), (4, 5)]):
        np.testing.assert_allclose(host(stored), points[b] - points[a], rtol=1e-12)
    for stored, (a, b) in zip(state["old_dirs"], [(3, 4), (4, 5)]):
        np.testing.assert_allclose(host(stored), scales * (points[b] - points[a]), rtol=1e-12)


def test_several_parameters_are_one_flat_vector():
    # a (2, 2) matrix, a vector and a 0-d tensor are the seven coordinates of one problem; a
    # parameter without gradient counts as zeros and is not moved
    target = np.arange(7.0) / 7

    def loss_of(x):
        return ((x - mt.tensor(target)) ** 2 * mt.tensor(np.arange(1.0, 8.0))).sum()

    w = mt.zeros(2, 2, dtype=mt.float64, requires_grad=True)
    b = mt.zeros(2, dtype=mt.float64, requires_grad=True)
    c = mt.zeros((), dtype=mt.float64, requires_grad=True)
    unused = mt.ones(3, dtype=mt.float64, requires_grad=True)
    opt = optim.LBFGS([w, b, unused, c], max_iter=5)

    def closure():
        opt.zero_grad()
        loss = loss_of(mt.cat([w.reshape(-1), b, c.reshape(1)]))
        loss.backward()
        return loss

    flat, flat_opt, flat_closure, _ = problem(np.zeros(7), loss_of, max_iter=5)
    opt.step(closure)
    flat_opt.step(flat_closure)
    got = np.concatenate([host(w).ravel(), host(b), host(c).reshape(1)])
    np.testing.assert_allclose(got, host(flat), rtol=1e-12)
    np.testing.assert_array_equal(host(unused), np.ones(3))
    assert list(opt.state) == [w]                    # the state lives with the first parameter
    assert opt.state[w]["d"].shape == (10,)          # 4 + 2 + 3 + 1 coordinates


# ---- state, saving, devices -------------------------------------------------------------------

def test_state_has_pytorchs_names_on_the_parameters_device(device):
    p, opt, closure, _ = problem(device=device, line_search_fn="strong_wolfe", max_iter=4)
    opt.step(closure)
    state = opt.state[p]
    assert set(state) == STATE_NAMES
    tensors = [state["d"], state["prev_flat_grad"], state["H_diag"],
               *state["old_dirs"], *state["old_stps"], *state["ro"],
               *(a for a in state["al"] if a is not None)]
    for value in tensors:
        assert isinstance(value, mt.Tensor)
        assert value.device == p.device and value.dtype == mt.float64
    assert state["H_diag"].ndim == 0 and state["ro"][0].ndim == 0
    assert type(state["prev_loss"]) is float and type(state["n_iter"]) is int


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_runs_on_every_device_with_the_cpus_numbers(line_search_fn, device):
    p, opt, closure, calls = problem(device=device, line_search_fn=line_search_fn)
    q, ref, ref_closure, ref_calls = problem(line_search_fn=line_search_fn)
    for _ in range(3):
        assert opt.step(closure).item() == pytest.approx(ref.step(ref_closure).item(), rel=1e-12)
    np.testing.assert_allclose(host(p), host(q), rtol=1e-12)
    assert len(calls) == len(ref_calls)


def test_parameters_are_updated_in_place_with_their_version_bumped():
    p, opt, closure, _ = problem(max_iter=2)
    data, version = p._data, p._version
    opt.step(closure)
    assert p._data is data and p._version > version


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_state_dict_through_mytorch_save_continues_identically(line_search_fn, device, tmp_path):
    kw = dict(line_search_fn=line_search_fn, max_iter=5, history_size=4, device=device)
    p, opt, closure, _ = problem(**kw)
    for _ in range(2):
        opt.step(closure)
    mt.save({"p": p.detach(), "opt": opt.state_dict()}, tmp_path / "ckpt.mt")

    checkpoint = mt.load(tmp_path / "ckpt.mt")
    q, resumed, resumed_closure, _ = problem(**kw)
    q.data = checkpoint["p"].to(q.device)
    resumed.load_state_dict(checkpoint["opt"])
    assert resumed.param_groups[0]["line_search_fn"] == line_search_fn
    for key in ("func_evals", "n_iter", "prev_loss"):
        assert resumed.state[q][key] == opt.state[p][key]
    assert resumed.state[q]["old_dirs"][0].device == q.device
    for _ in range(3):
        opt.step(closure)
        resumed.step(resumed_closure)
        np.testing.assert_array_equal(host(q), host(p))
    assert resumed.state[q]["n_iter"] == opt.state[p]["n_iter"]


def test_state_dict_layout():
    p, opt, closure, _ = problem(max_iter=3)
    opt.step(closure)
    sd = opt.state_dict()
    assert list(sd["state"]) == [0] and set(sd["state"][0]) == STATE_NAMES
    assert sd["param_groups"] == [{"lr": 1, "max_iter": 3, "max_eval": 3, "tolerance_grad": 1e-7,
                                   "tolerance_change": 1e-9, "history_size": 100,
                                   "line_search_fn": None, "params": [0]}]


def test_state_follows_a_parameter_moved_after_the_optimizer_was_built(device):
    p, opt, closure, _ = problem(max_iter=4)
    q, ref, ref_closure, _ = problem(max_iter=4)
    opt.step(closure)
    ref.step(ref_closure)
    p.data = p.detach().to(device)               # what Module.to does: same object, new device
    opt.step(closure)
    ref.step(ref_closure)
    state = opt.state[p]
    assert state["d"].device == p.device and state["old_dirs"][-1].device == p.device
    assert state["ro"][0].device == p.device
    np.testing.assert_allclose(host(p), host(q), rtol=1e-12)


def test_closure_runs_with_grad_enabled_and_the_step_under_no_grad():
    p = mt.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.LBFGS([p], max_iter=2)
    modes = []

    def closure():
        modes.append(mt.is_grad_enabled())
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    seen = []
    opt.register_step_pre_hook(lambda o, args, kwargs: seen.append("pre"))
    opt.register_step_post_hook(lambda o, args, kwargs: seen.append("post"))
    opt.step(closure)
    assert modes == [True, True] and seen == ["pre", "post"]
    assert mt.is_grad_enabled()


# ---- errors -----------------------------------------------------------------------------------

def test_step_needs_a_closure():
    p, opt, _, _ = problem()
    with pytest.raises(TypeError, match=r"step\(\) missing 1 required positional argument: "
                                        r"'closure'"):
        opt.step()
    with pytest.raises(TypeError, match=r"'NoneType' object is not callable: LBFGS.step"):
        opt.step(None)
    assert p._version == 0 and not opt.state


def test_parameter_groups_are_refused():
    a, b = mt.zeros(1, requires_grad=True), mt.zeros(1, requires_grad=True)
    message = r"LBFGS doesn't support per-parameter options \(parameter groups\)"
    with pytest.raises(ValueError, match=message):
        optim.LBFGS([{"params": [a]}, {"params": [b], "lr": 0.1}])
    opt = optim.LBFGS([a])
    opt.add_param_group({"params": [b]})
    with pytest.raises(ValueError, match=message):
        opt.step(lambda: a.sum())


def test_invalid_learning_rate():
    with pytest.raises(ValueError, match="Invalid learning rate: -1"):
        optim.LBFGS([mt.zeros(1, requires_grad=True)], lr=-1)


def test_unknown_line_search():
    p, opt, closure, calls = problem(line_search_fn="backtracking")
    with pytest.raises(RuntimeError, match="only 'strong_wolfe' is supported"):
        opt.step(closure)
    assert not calls                                 # refused before evaluating anything


def test_repr():
    opt = optim.LBFGS([mt.zeros(1, requires_grad=True)], line_search_fn="strong_wolfe")
    assert repr(opt) == ("LBFGS (\nParameter Group 0\n    history_size: 100\n    line_search_fn: "
                         "strong_wolfe\n    lr: 1\n    max_eval: 25\n    max_iter: 20\n"
                         "    tolerance_change: 1e-09\n    tolerance_grad: 1e-07\n)")
