"""LBFGS: limited-memory BFGS (Nocedal 1980; Liu & Nocedal 1989), a quasi-Newton method, with
an optional line search that enforces the strong Wolfe conditions."""
from ..tensor import Tensor, _wrap
from .optimizer import Optimizer, _to_param


class LBFGS(Optimizer):
    r"""L-BFGS, as torch.optim.LBFGS.

    All parameters are treated as one vector x (their flattened concatenation, g = ∇f(x) likewise).
    Newton's method would step along −H∇f with H the inverse Hessian; BFGS builds an estimate of
    H from how the gradient changed along the last steps, and L-BFGS keeps only the last m
    (`history_size`) pairs

        s_k = x_{k+1} − x_k    ("old_stps")      y_k = g_{k+1} − g_k    ("old_dirs")
        ρ_k = 1 / y_kᵀs_k      ("ro")

    (a pair is kept only if y_kᵀs_k > 1e-10: the curvature along s_k must be positive for H to
    stay positive definite). The direction d = −Hg comes from the two-loop recursion, which
    applies H without ever forming it (O(mn) work, not O(n²)):

        q ← −g
        for i = newest … oldest:   α_i ← ρ_i s_iᵀq      q ← q − α_i y_i      ("al")
        r ← γq,  γ = s_kᵀy_k / y_kᵀy_k of the newest pair   ("H_diag"; 1 before any pair)
        for i = oldest … newest:   β ← ρ_i y_iᵀr        r ← r + (α_i − β) s_i
        d ← r

    The very first direction is −g. Then x ← x + t·d with the step t = lr, except on the first
    iteration ever, t = min(1, 1/‖g‖₁)·lr (the direction is then not yet scaled). With
    line_search_fn="strong_wolfe", t is instead searched for, starting from that value, until
    φ(t) = f(x + t·d) satisfies the strong Wolfe conditions

        φ(t) ≤ φ(0) + c₁·t·φ'(0)      |φ'(t)| ≤ c₂·|φ'(0)|      (c₁ = 1e-4, c₂ = 0.9)

    by extrapolation and then zoom on a bracket, each trial point the minimizer of the cubic that
    fits φ and φ' at two points (`_strong_wolfe`, `_cubic_interpolate`; Nocedal & Wright,
    Numerical Optimization, §3.5), giving up after 25 evaluations past the first trial.

    One `step(closure)` runs up to `max_iter` such iterations, with at most about `max_eval`
    evaluations of `closure` (a line search may finish its last one past it), and stops early
    when max|g| ≤ `tolerance_grad` (a minimum; checked also before the first iteration), when
    dᵀg > −`tolerance_change` (no descent left), when max|t·d| ≤ `tolerance_change` or when the
    loss changed by less than `tolerance_change`. It returns the loss of the first evaluation.

    The closure is required: L-BFGS evaluates the function several times per step. It must clear
    the gradients, compute the loss, call backward and return the loss.

    State, in `state[first parameter]`, with PyTorch's names: "func_evals" and "n_iter" (totals
    over all steps), "d", "t", "old_dirs", "old_stps", "ro", "H_diag", "prev_flat_grad",
    "prev_loss", "al". As in PyTorch, the vectors, and the scalars computed from them (ρ, α,
    γ, a searched or first t), are tensors on the parameters' device (0-d for the scalars, in
    the parameters' dtype, so float32 arithmetic stays float32); the counts, the losses and
    t = lr are Python numbers.
    Only one parameter group is supported, and all parameters must live on one device.
    """

    def __init__(self, params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-7,
                 tolerance_change=1e-9, history_size=100, line_search_fn=None):
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = dict(lr=lr, max_iter=max_iter, max_eval=max_eval,
                        tolerance_grad=tolerance_grad, tolerance_change=tolerance_change,
                        history_size=history_size, line_search_fn=line_search_fn)
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")

    def step(self, closure):
        """Up to `max_iter` L-BFGS iterations; `closure` re-evaluates the model (zero_grad, loss,
        backward) and returns the loss. Returns the loss of its first call."""
        if not callable(closure):
            raise TypeError(f"'{type(closure).__name__}' object is not callable: "
                            "LBFGS.step(closure) needs a closure that clears the gradients, "
                            "computes the loss, calls backward and returns the loss")
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        group = self.param_groups[0]
        params = group["params"]
        lr, max_iter, max_eval = group["lr"], group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        history_size, line_search_fn = group["history_size"], group["line_search_fn"]
        if line_search_fn not in (None, "strong_wolfe"):
            raise RuntimeError("only 'strong_wolfe' is supported")
        device = params[0]._device
        xp = device.xp

        state = self._history_of(params[0])
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        orig_loss = self._evaluate(closure)
        loss = float(orig_loss)
        current_evals = 1
        state["func_evals"] += 1
        g = self._flat_grad(params)
        if xp.abs(g).max() <= tolerance_grad:
            return orig_loss                          # already at a minimum

        # The working copy of the state: backend arrays, and scalars as the backend computes
        # them (0-d, in the vectors' dtype: float32 arithmetic stays float32, as in PyTorch)
        d, t, old_dirs, old_stps, ro, H_diag, prev_flat_grad, prev_loss, al = (
            _unpack(state.get(key)) for key in ("d", "t", "old_dirs", "old_stps", "ro",
                                                "H_diag", "prev_flat_grad", "prev_loss", "al"))

        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1

            # ---- the direction: −g at first, then −Hg by the two-loop recursion
            if state["n_iter"] == 1:
                d = -g
                old_dirs, old_stps, ro = [], [], []
                H_diag = 1
            else:
                y = g - prev_flat_grad
                s = d * t
                ys = xp.dot(y, s)
                if ys > 1e-10:                        # positive curvature along s: keep the pair
                    if len(old_dirs) == history_size:
                        old_dirs.pop(0)
                        old_stps.pop(0)
                        ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(1.0 / ys)
                    H_diag = ys / xp.dot(y, y)
                if al is None:
                    al = [None] * history_size
                q = -g
                for i in range(len(old_dirs) - 1, -1, -1):
                    al[i] = xp.dot(old_stps[i], q) * ro[i]
                    q -= old_dirs[i] * al[i]
                r = q * H_diag
                for i in range(len(old_dirs)):
                    beta = xp.dot(old_dirs[i], r) * ro[i]
                    r += old_stps[i] * (al[i] - beta)
                d = r
            prev_flat_grad = g                        # (g is never changed in place)
            prev_loss = loss

            # ---- the step along d
            if state["n_iter"] == 1:
                t = min(1.0, 1.0 / xp.abs(g).sum()) * lr
            else:
                t = lr
            gtd = xp.dot(g, d)                        # φ'(0): the slope along d
            if gtd > -tolerance_change:
                break                                 # d is no descent direction

            opt_cond = False
            ls_func_evals = 0
            if line_search_fn == "strong_wolfe":
                x = [p._data.copy() for p in params]

                def phi(step):
                    f_t, g_t = self._directional_evaluate(closure, params, x, step, d)
                    return f_t, g_t, xp.dot(g_t, d)

                loss, g, t, ls_func_evals = _strong_wolfe(phi, t, xp.abs(d).max(), loss, g, gtd)
                self._add_step(params, t, d)
                opt_cond = xp.abs(g).max() <= tolerance_grad
            else:
                self._add_step(params, t, d)
                if n_iter != max_iter:                # the last iteration's loss is not needed
                    loss = float(self._evaluate(closure))
                    g = self._flat_grad(params)
                    opt_cond = xp.abs(g).max() <= tolerance_grad
                    ls_func_evals = 1
            current_evals += ls_func_evals
            state["func_evals"] += ls_func_evals

            # ---- when to stop
            if n_iter == max_iter or current_evals >= max_eval or opt_cond:
                break
            if xp.abs(d * t).max() <= tolerance_change:
                break                                 # the step no longer moves x
            if abs(loss - prev_loss) < tolerance_change:
                break                                 # nor the loss

        state.update((key, _pack(value, device)) for key, value in (
            ("d", d), ("t", t), ("old_dirs", old_dirs), ("old_stps", old_stps), ("ro", ro),
            ("H_diag", H_diag), ("prev_flat_grad", prev_flat_grad), ("prev_loss", prev_loss)))
        if al is not None:
            state["al"] = _pack(al, device)
        return orig_loss

    # ---- the parameters as one vector ------------------------------------------------------

    def _history_of(self, param):
        """The state, with the tensors in its lists too brought to where `param` lives now (the
        base class moves those that sit directly in the state)."""
        state = self._state_of(param)
        for key in ("old_dirs", "old_stps", "ro", "al"):
            first = next((v for v in state.get(key) or () if v is not None), None)
            if first is not None and (first._device is not param._device
                                      or first._data.dtype != param._data.dtype):
                state[key] = _to_param(param, state[key])
        return state

    @staticmethod
    def _flat_grad(params):
        """g: every parameter's gradient, flattened and concatenated (zeros where a parameter
        has none), a new array."""
        xp = params[0]._device.xp
        return xp.concatenate([p._grad._data.reshape(-1) if p._grad is not None
                               else xp.zeros(p._data.size, dtype=p._data.dtype)
                               for p in params])

    @staticmethod
    def _add_step(params, t, d):
        """x ← x + t·d, in place, each parameter taking its slice of the flat d."""
        offset = 0
        for p in params:
            n = p._data.size
            p._data += (d[offset:offset + n] * t).reshape(p._data.shape)
            p._vc[0] += 1
            offset += n

    def _directional_evaluate(self, closure, params, x, t, d):
        """(f, g) at x + t·d; the parameters are then put back to x (a list of their arrays)."""
        self._add_step(params, t, d)
        loss = float(self._evaluate(closure))
        g = self._flat_grad(params)
        for p, saved in zip(params, x):
            p._data[...] = saved
            p._vc[0] += 1
        return loss, g


def _unpack(value):
    """A state value as the algorithm works on it: tensors become their backend arrays
    (lists of them too); numbers and None stay."""
    if isinstance(value, Tensor):
        return value._data
    if isinstance(value, list):
        return [_unpack(v) for v in value]
    return value


def _pack(value, device):
    """The algorithm's value as the state keeps it, as PyTorch's: backend arrays and 0-d
    scalars become tensors (which mytorch.save can store); Python numbers and None stay."""
    if value is None or type(value) in (int, float):
        return value
    if isinstance(value, list):
        return [_pack(v, device) for v in value]
    return _wrap(device.xp.asarray(value), device)


def _cubic_interpolate(x1, f1, g1, x2, f2, g2, bounds=None):
    """The minimizer of the cubic through (x1, f1) and (x2, f2) with slopes g1 and g2 there,
    clamped to `bounds` (by default the interval between x1 and x2):

        d₁ = g1 + g2 − 3(f1 − f2)/(x1 − x2)      d₂ = √(d₁² − g1·g2)
        x = x2 − (x2 − x1)·(g2 + d₂ − d₁)/(g2 − g1 + 2d₂)     (for x1 ≤ x2; mirrored otherwise)

    (Nocedal & Wright, eq. 3.59). When the cubic has no minimizer (d₁² < g1·g2, or a degenerate
    denominator), the middle of the bounds."""
    low, high = bounds if bounds is not None else (min(x1, x2), max(x1, x2))
    middle = (low + high) / 2
    if x1 == x2:
        return middle
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1 * d1 - g1 * g2
    if not d2_square >= 0:                            # (a NaN also takes the middle)
        return middle
    d2 = d2_square ** 0.5
    if x1 <= x2:
        denominator = g2 - g1 + 2 * d2
        x = x2 - (x2 - x1) * ((g2 + d2 - d1) / denominator) if denominator else middle
    else:
        denominator = g1 - g2 + 2 * d2
        x = x1 - (x1 - x2) * ((g1 + d2 - d1) / denominator) if denominator else middle
    return min(max(x, low), high)


def _strong_wolfe(phi, t, d_max, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9, max_ls=25):
    """A step t along d that satisfies the strong Wolfe conditions (Nocedal & Wright, Alg. 3.5
    and 3.6). `phi(t)` evaluates (φ(t), ∇f(x + t·d), φ'(t)); f, g, gtd are those at t = 0, and
    d_max = max|d| measures the bracket. Returns (φ(t), its gradient, t, evaluations).

    First, extrapolate: try t, and while φ still falls with a negative slope and the curvature
    condition fails, go further (the cubic's minimizer in [t + 0.01(t − t_prev), 10t]), until
    a point breaks the sufficient decrease (or does no better than the one before) or the slope
    turns non-negative: the minimum is then bracketed between the last two points. Then zoom:
    shrink the bracket by cubic interpolation (kept at least a tenth of the bracket away from
    its ends) until a point satisfies both conditions, the bracket is too small to matter, or
    max_ls evaluations past the first trial are spent; the point of the bracket with the
    lowest φ is the answer. A point is (t, φ(t), gradient, φ'(t)).
    """
    start = (0, f, g, gtd)
    prev, new = start, (t, *phi(t))
    evals, ls_iter = 1, 0
    done = False
    while ls_iter < max_ls:
        t_new, f_new, _, gtd_new = new
        if f_new > f + c1 * t_new * gtd or (ls_iter > 1 and f_new >= prev[1]):
            bracket = [prev, new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket = [new]
            done = True
            break
        if gtd_new >= 0:
            bracket = [prev, new]
            break
        t_next = _cubic_interpolate(prev[0], prev[1], prev[3], t_new, f_new, gtd_new,
                                    bounds=(t_new + 0.01 * (t_new - prev[0]), t_new * 10))
        prev, new = new, (t_next, *phi(t_next))
        evals += 1
        ls_iter += 1
    else:
        bracket = [start, new]                        # max_ls spent while still extrapolating

    low, high = (0, 1) if bracket[0][1] <= bracket[-1][1] else (1, 0)
    insufficient_progress = False
    while not done and ls_iter < max_ls:
        (t_a, f_a, _, gtd_a), (t_b, f_b, _, gtd_b) = bracket
        if abs(t_b - t_a) * d_max < tolerance_change:
            break                                     # the bracket is too small to matter
        t = _cubic_interpolate(t_a, f_a, gtd_a, t_b, f_b, gtd_b)
        left, right = min(t_a, t_b), max(t_a, t_b)
        margin = 0.1 * (right - left)
        if min(right - t, t - left) < margin:
            # close to an end: allowed once, but twice in a row (or at the end itself) the
            # point is moved a tenth of the bracket inside, so that the bracket keeps shrinking
            if insufficient_progress or t >= right or t <= left:
                t = right - margin if abs(t - right) < abs(t - left) else left + margin
                insufficient_progress = False
            else:
                insufficient_progress = True
        else:
            insufficient_progress = False
        new = (t, *phi(t))
        evals += 1
        ls_iter += 1
        f_new, gtd_new = new[1], new[3]
        if f_new > f + c1 * t * gtd or f_new >= bracket[low][1]:
            bracket[high] = new                       # no sufficient decrease: new upper end
            low, high = (0, 1) if bracket[0][1] <= bracket[1][1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high][0] - bracket[low][0]) >= 0:
                bracket[high] = bracket[low]          # the minimum lies on the other side
            bracket[low] = new

    t, f_new, g_new, _ = bracket[low]
    return f_new, g_new, t, evals
