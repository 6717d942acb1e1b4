"""Binary arithmetic with broadcasting (+ − × ÷, pow, remainder, atan2, hypot, logaddexp, xlogy,
lerp, addcmul/addcdiv), maximum/minimum, `where`, comparisons, logical and bitwise ops
(bitwise_and/or/xor/not, bitwise_left_shift, bitwise_right_shift: `<<`, `>>`).

Operands are tensors or Python numbers on either side. Before the array code runs, tensors are
cast to PyTorch's result dtype (`mytorch.dtypes.result_type`); Python numbers stay Python
numbers, which NumPy and CuPy treat as weak, so `float32 * 2.0` stays float32.

Backward returns gradients of the broadcast shape; the engine sums them back to each input's
shape. Comparisons, logical and bitwise ops give bool or integer tensors and have no gradient.
"""
from . import elementwise
from .common import promote, require_tensor, cast
from .. import dtypes
from ..autograd.function import Function
from ..tensor import Tensor


class Add(Function):
    """y = a + b;  ∂y/∂a = 1, ∂y/∂b = 1"""
    array_backward = True

    @staticmethod
    def forward(ctx, a, b):
        return a + b

    @staticmethod
    def backward(ctx, g):
        return g, g


class Sub(Function):
    """y = a − b;  ∂y/∂a = 1, ∂y/∂b = −1"""
    array_backward = True

    @staticmethod
    def forward(ctx, a, b):
        return a - b

    @staticmethod
    def backward(ctx, g):
        return g, (-g if ctx.needs_input_grad[1] else None)


class Mul(Function):
    """y = a·b;  ∂y/∂a = b, ∂y/∂b = a"""
    array_backward = True

    @staticmethod
    def forward(ctx, a, b):
        need_a, need_b = ctx.needs_input_grad
        ctx.save_for_backward(a if need_b else None, b if need_a else None)
        return a * b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (g * b if need_a else None), (g * a if need_b else None)


class Div(Function):
    """y = a/b;  ∂y/∂a = 1/b, ∂y/∂b = −a/b² = −y/b"""
    array_backward = True

    @staticmethod
    def forward(ctx, a, b):
        y = a / b
        ctx.save_for_backward(b, y)
        return y

    @staticmethod
    def backward(ctx, g):
        b, y = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        ga = g / b if need_a else None
        gb = -g * y / b if need_b else None
        return ga, gb


def add(input, other, *, alpha=1):
    """input + alpha·other"""
    if alpha != 1:
        other = mul(other, alpha)
    a, b = promote(input, other, "add")
    if not isinstance(a, Tensor):
        a, b = b, a              # a number on the left: addition commutes
    return Add.apply(a, b)


def sub(input, other, *, alpha=1):
    """input − alpha·other"""
    if alpha != 1:
        other = mul(other, alpha)
    a, b = promote(input, other, "sub")
    if (isinstance(a, Tensor) and a._data.dtype.kind == "b") or \
            (isinstance(b, Tensor) and b._data.dtype.kind == "b"):
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")
    return Sub.apply(a, b)          # a may be a number: forward computes `number - array`


def mul(input, other):
    a, b = promote(input, other, "mul")
    if not isinstance(a, Tensor):
        a, b = b, a
    return Mul.apply(a, b)


def div(input, other, *, rounding_mode=None):
    """True division (integers give the default float dtype); rounding_mode 'trunc' or 'floor'
    rounds the quotient and keeps integer dtypes, as in PyTorch."""
    if rounding_mode is not None:
        if rounding_mode == "floor":
            return floor_divide(input, other)
        if rounding_mode == "trunc":
            q = floor_divide(input, other)
            exact = eq(q * other, input)
            opposite = ne(*(lt(v, 0) if isinstance(v, Tensor) else v < 0 for v in (input, other)))
            return where(logical_and(opposite, logical_not(exact)), q + 1, q)
        raise ValueError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but "
                         f"found {rounding_mode!r}")
    a, b = promote(input, other, "div")
    for t in (a, b):
        if isinstance(t, Tensor) and t._data.dtype.kind != "f":
            f = dtypes.get_default_dtype()
            a = cast(a, f) if isinstance(a, Tensor) else a
            b = cast(b, f) if isinstance(b, Tensor) else b
            break
    return Div.apply(a, b)          # a may be a number: forward computes `number / array`


def _full_like(t, value):
    from ..tensor import _wrap
    return _wrap(t._device.xp.full_like(t._data, value), t._device)


class PowScalar(Function):
    """y = xᶜ for a number c;  ∂y/∂x = c·xᶜ⁻¹ (0 when c = 0)"""
    array_backward = True

    @staticmethod
    def forward(ctx, x, c):
        ctx.c = c
        ctx.save_for_backward(x)
        return x ** c

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        c = ctx.c
        if c == 0:
            return g * 0, None
        if c == 1:
            return g, None
        if c == 2:
            return g * x * 2, None
        return g * c * x ** (c - 1), None


class Pow(Function):
    """y = aᵇ;  ∂y/∂a = b·aᵇ⁻¹, ∂y/∂b = y·ln a (0 where a = 0 and b ≥ 0, as in PyTorch)"""
    @staticmethod
    def forward(ctx, a, b):
        y = a ** b
        ctx.save_for_backward(a, b, y)
        return y

    @staticmethod
    def backward(ctx, g):
        a, b, y = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        ga = where(b == 0, 0.0, g * b * pow(a, b - 1)) if need_a else None
        gb = None
        if need_b:
            safe = where((a == 0) & (b >= 0), 1.0, a)
            gb = g * y * elementwise.log(safe)
        return ga, gb


def pow(input, exponent):
    """input ** exponent with a tensor or number on either side."""
    a, b = promote(input, exponent, "pow")
    if isinstance(a, Tensor) and not isinstance(b, Tensor):
        if a._data.dtype.kind != "f" and b < 0 and float(b).is_integer():
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        return PowScalar.apply(a, b)
    if not isinstance(a, Tensor):
        a = _full_like(b, a)
    return Pow.apply(a, b)


class Maximum(Function):
    """y = max(a, b);  the gradient goes to the larger input, split in half on ties"""
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return ctx.xp.maximum(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return _split_ties(g, a, b)


class Minimum(Function):
    """y = min(a, b);  the gradient goes to the smaller input, split in half on ties"""
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return ctx.xp.minimum(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return _split_ties(g, b, a)


def _split_ties(g, winner, loser):
    tie = winner == loser
    half = where(tie, g * 0.5, g)
    return where(winner < loser, 0.0, half), where(winner > loser, 0.0, half)


def maximum(input, other):
    a, b = promote(require_tensor(input, "maximum"), require_tensor(other, "maximum", "other"),
                   "maximum")
    return Maximum.apply(a, b)


def minimum(input, other):
    a, b = promote(require_tensor(input, "minimum"), require_tensor(other, "minimum", "other"),
                   "minimum")
    return Minimum.apply(a, b)


class Where(Function):
    """y = a where cond else b;  the gradient goes to the chosen side"""
    @staticmethod
    def forward(ctx, cond, a, b):
        ctx.save_for_backward(cond)
        return ctx.xp.where(cond, a, b)

    @staticmethod
    def backward(ctx, g):
        cond, = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad[1:]
        ga = Where.apply(cond, g, 0.0) if need_a else None
        gb = Where.apply(cond, 0.0, g) if need_b else None
        return None, ga, gb


def where(condition, input=None, other=None):
    """Elementwise choice: `input` where `condition` is True, else `other` (numbers allowed).
    `where(condition)` alone is `nonzero(condition, as_tuple=True)`, as in PyTorch."""
    if input is None and other is None:
        from .indexing import nonzero
        return nonzero(condition, as_tuple=True)
    if input is None or other is None:
        raise TypeError("where() takes a condition alone, or a condition, input and other")
    require_tensor(condition, "where", "condition")
    if condition._data.dtype.kind != "b":
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor "
                           f"with dtype {condition.dtype}")
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        # two numbers: the result has the condition's shape and their dtype (float32 for
        # floats, int64 for ints), as in PyTorch
        from ..tensor import _wrap
        xp = condition._device.xp
        input = _wrap(xp.full(condition._data.shape, input,
                              dtype=dtypes.result_type(input, other).np), condition._device)
    a, b = promote(input, other, "where")
    return Where.apply(condition, a, b)


# ---- no gradient: comparisons, logical and bitwise ops, rounding division -------------------

class _Elementwise(Function):
    """A NumPy/CuPy function without a gradient: `fn` names it in the array namespace."""
    @staticmethod
    def forward(ctx, *arrays, fn, swap=False):
        if swap:                 # a number came first: call fn(number, array)
            arrays = arrays[::-1]
        y = getattr(ctx.xp, fn)(*arrays)
        ctx.mark_non_differentiable(y)
        return y


def _tensor_first(a, b):
    return (a, b) if isinstance(a, Tensor) else (b, a)


def _compare(fn, name):
    def op(input, other):
        a, b = promote(input, other, name)
        first, second = _tensor_first(a, b)
        return _Elementwise.apply(first, second, fn=fn, swap=first is not a)
    op.__name__ = name
    op.__doc__ = f"Elementwise `{fn}` of two operands (tensors or numbers); a bool tensor."
    return op


eq = _compare("equal", "eq")
ne = _compare("not_equal", "ne")
lt = _compare("less", "lt")
le = _compare("less_equal", "le")
gt = _compare("greater", "gt")
ge = _compare("greater_equal", "ge")
logical_and = _compare("logical_and", "logical_and")
logical_or = _compare("logical_or", "logical_or")
logical_xor = _compare("logical_xor", "logical_xor")
greater, less, greater_equal, less_equal, not_equal = gt, lt, ge, le, ne


def _bitwise(fn, name):
    def op(input, other):
        a, b = promote(input, other, name)
        first, second = _tensor_first(a, b)
        if first._data.dtype.kind == "f":
            raise RuntimeError(f"\"{name}\" not implemented for floating tensors; it needs bool "
                               "or integer tensors")
        return _Elementwise.apply(first, second, fn=fn, swap=first is not a)
    op.__name__ = name
    return op


bitwise_and = _bitwise("bitwise_and", "bitwise_and")
bitwise_or = _bitwise("bitwise_or", "bitwise_or")
bitwise_xor = _bitwise("bitwise_xor", "bitwise_xor")


class _Shift(Function):
    """y = a << b or a >> b on integers, with PyTorch's rule for shifts out of range (b < 0 or
    b ≥ the bit width): a left shift gives 0, a right shift gives a's sign fill (0 or −1)."""
    @staticmethod
    def forward(ctx, *arrays, left, swap=False, like=None):
        xp = ctx.xp
        if like is not None:     # one operand was a number: an array of the other's dtype
            arrays = (arrays[0], xp.asarray(like[0], dtype=arrays[0].dtype))
        a, b = arrays[::-1] if swap else arrays
        bits = a.dtype.itemsize * 8
        signed = a.dtype.kind == "i"
        # PyTorch shifts a signed right operand up to bits − 1 (the sign fill), a left one to bits
        limit = bits if left or not signed else bits - 1
        outside = (b < 0) | (b >= limit) if signed else b >= limit
        safe = xp.where(outside, xp.zeros((), a.dtype), b)
        if left:
            y = xp.where(outside, xp.zeros((), a.dtype), xp.left_shift(a, safe))
        else:
            fill = xp.right_shift(a, bits - 1) if signed else xp.zeros((), a.dtype)
            y = xp.where(outside, fill, xp.right_shift(a, safe))
        y = y.astype(a.dtype, copy=False)
        ctx.mark_non_differentiable(y)
        return y


def _shift(name, left):
    def op(input, other):
        a, b = promote(input, other, name)
        first, second = _tensor_first(a, b)
        if first._data.dtype.kind not in "iu":
            raise RuntimeError(f"\"{name}\" not implemented for {first.dtype} tensors; it needs "
                               "integer tensors")
        if isinstance(second, Tensor):
            return _Shift.apply(first, second, left=left, swap=first is not a)
        return _Shift.apply(first, left=left, swap=first is not a, like=(second,))
    op.__name__ = name
    op.__doc__ = (f"Elementwise {'a << b' if left else 'a >> b'} of integer operands (tensors or "
                  "numbers), in their promoted dtype; no gradient.")
    return op


bitwise_left_shift = _shift("bitwise_left_shift", left=True)
bitwise_right_shift = _shift("bitwise_right_shift", left=False)


def bitwise_not(input):
    require_tensor(input, "bitwise_not")
    if input._data.dtype.kind == "f":
        raise RuntimeError("~ (bitwise_not) is only supported for integer and bool tensors, "
                           f"got {input.dtype}")
    return _Elementwise.apply(input, fn="invert")


def logical_not(input):
    return _Elementwise.apply(require_tensor(input, "logical_not"), fn="logical_not")


def isnan(input):
    return _Elementwise.apply(require_tensor(input, "isnan"), fn="isnan")


def isinf(input):
    return _Elementwise.apply(require_tensor(input, "isinf"), fn="isinf")


def isfinite(input):
    return _Elementwise.apply(require_tensor(input, "isfinite"), fn="isfinite")


def _check_integer_divisor(a, b):
    """Integer division by zero raises, as in PyTorch (NumPy would give 0 and a warning)."""
    first = a if isinstance(a, Tensor) else b
    if first._data.dtype.kind not in "biu":
        return
    if (b._data == 0).any() if isinstance(b, Tensor) else (isinstance(b, int) and b == 0):
        raise RuntimeError("ZeroDivisionError")


def floor_divide(input, other):
    """⌊input/other⌋ (no gradient)."""
    a, b = promote(input, other, "floor_divide")
    _check_integer_divisor(a, b)
    first, second = _tensor_first(a, b)
    return _Elementwise.apply(first, second, fn="floor_divide", swap=first is not a)


class Remainder(Function):
    """y = a − ⌊a/b⌋·b (sign of the divisor, as Python's %);  ∂y/∂a = 1, ∂y/∂b = −⌊a/b⌋"""
    array_backward = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(ctx.xp.floor_divide(a, b))
        return ctx.xp.remainder(a, b)

    @staticmethod
    def backward(ctx, g):
        q, = ctx.saved_tensors
        return g, (-g * q if ctx.needs_input_grad[1] else None)


def _division_remainder(op, input, other, name):
    a, b = promote(input, other, name)
    _check_integer_divisor(a, b)
    if not isinstance(a, Tensor):
        a = _full_like(b, a)
    return op.apply(a, b)


def remainder(input, other):
    return _division_remainder(Remainder, input, other, "remainder")


class Fmod(Function):
    """y = a − trunc(a/b)·b (sign of the dividend, as C's fmod: fmod(−3, 2) = −1 where
    remainder(−3, 2) = 1);  ∂y/∂a = 1, ∂y/∂b = −trunc(a/b)"""
    array_backward = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(ctx.xp.trunc(a / b) if ctx.needs_input_grad[1] else None)
        return ctx.xp.fmod(a, b)

    backward = staticmethod(Remainder.backward)


def fmod(input, other):
    return _division_remainder(Fmod, input, other, "fmod")


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    a, b = promote(input, other, "isclose")
    d = (a - b).abs() if isinstance(a, Tensor) else (b - a).abs()
    close = d <= atol + rtol * (other.abs() if isinstance(other, Tensor) else abs(other))
    close = logical_or(close, eq(a, b))
    if equal_nan:
        close = logical_or(close, logical_and(isnan(a), isnan(b)) if isinstance(b, Tensor)
                           else isnan(a) & (b != b))
    return close


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return bool(isclose(input, other, rtol, atol, equal_nan).all())


def equal(input, other):
    """True when both tensors have the same shape and the same values."""
    if tuple(input.shape) != tuple(other.shape):
        return False
    return bool(eq(input, other).all())


__all__ = ["add", "sub", "mul", "div", "pow", "maximum", "minimum", "where", "eq", "ne", "lt",
           "le", "gt", "ge", "logical_and", "logical_or", "logical_xor", "logical_not",
           "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "bitwise_left_shift",
           "bitwise_right_shift", "isnan", "isinf",
           "isfinite", "floor_divide", "remainder", "fmod", "isclose", "allclose", "equal",
           "greater", "less", "greater_equal", "less_equal", "not_equal"]


# ---- more binary (and three-operand) functions: atan2, logaddexp, hypot, xlogy, lerp,
# addcmul, addcdiv. Integer operands of the float functions give the default float dtype.

def _common(name, *operands, floating=False):
    """Tensor operands cast to their PyTorch result dtype (the default float dtype when
    `floating` and that would be bool or integer); numbers stay numbers."""
    dt = dtypes.result_type(*operands)
    if floating and not dt.is_floating_point:
        dt = dtypes.get_default_dtype()
    return tuple(cast(x, dt) if isinstance(x, Tensor) and x.dtype is not dt else x
                 for x in operands)


class Atan2(Function):
    """y = atan2(a, b), the angle of the point (b, a) in (−π, π];
    ∂y/∂a = b/(a² + b²), ∂y/∂b = −a/(a² + b²)"""
    array_backward = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return ctx.xp.arctan2(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        r2 = a * a + b * b
        return (g * b / r2 if need_a else None), (-g * a / r2 if need_b else None)


def atan2(input, other):
    a, b = _common("atan2", require_tensor(input, "atan2"),
                   require_tensor(other, "atan2", "other"), floating=True)
    return Atan2.apply(a, b)


arctan2 = atan2


class Logaddexp(Function):
    """y = ln(eᵃ + eᵇ), without overflow;  ∂y/∂a = σ(a − b), ∂y/∂b = σ(b − a)"""
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return ctx.xp.logaddexp(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (g * elementwise.sigmoid(a - b) if need_a else None), \
            (g * elementwise.sigmoid(b - a) if need_b else None)


def logaddexp(input, other):
    a, b = _common("logaddexp", require_tensor(input, "logaddexp"),
                   require_tensor(other, "logaddexp", "other"), floating=True)
    return Logaddexp.apply(a, b)


class Hypot(Function):
    """y = √(a² + b²), without overflow;  ∂y/∂a = a/y, ∂y/∂b = b/y"""
    array_backward = True

    @staticmethod
    def forward(ctx, a, b):
        y = ctx.xp.hypot(a, b)
        ctx.save_for_backward(a, b, y)
        return y

    @staticmethod
    def backward(ctx, g):
        a, b, y = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (g * a / y if need_a else None), (g * b / y if need_b else None)


def hypot(input, other):
    a, b = _common("hypot", require_tensor(input, "hypot"),
                   require_tensor(other, "hypot", "other"), floating=True)
    return Hypot.apply(a, b)


class Xlogy(Function):
    """y = a·ln b, and 0 where a = 0 (even for b = 0; NaN stays NaN);
    ∂y/∂a = ln b (0 where a = 0 and b ≤ 0, as in PyTorch), ∂y/∂b = a/b"""
    @staticmethod
    def forward(ctx, a, b):
        xp = ctx.xp
        ctx.save_for_backward(a, b)
        zero = (a == 0) & ~xp.isnan(b)
        return a * xp.log(xp.where(zero, 1.0, b).astype(b.dtype, copy=False))  # 0·ln 1 = 0

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        ga = gb = None
        if need_a:
            ga = g * elementwise.log(where((a == 0) & (b <= 0), 1.0, b))
        if need_b:
            gb = g * a / b
        return ga, gb


def xlogy(input, other):
    """input·ln(other), 0 where input is 0; either side may be a number."""
    a, b = _common("xlogy", *promote(input, other, "xlogy"), floating=True)
    if not isinstance(a, Tensor):
        a = _full_like(b, a)
    if not isinstance(b, Tensor):
        b = _full_like(a, b)
    return Xlogy.apply(a, b)


class Lerp(Function):
    """y = a + w·(b − a), computed as b − (b − a)(1 − w) for |w| ≥ ½ so that w = 1 gives b
    exactly (PyTorch's formula);  ∂y/∂a = 1 − w, ∂y/∂b = w, ∂y/∂w = b − a"""
    array_backward = True

    @staticmethod
    def forward(ctx, a, b, w):
        xp = ctx.xp
        need_a, need_b, need_w = ctx.needs_input_grad
        ctx.save_for_backward(a if need_w else None, b if need_w else None,
                              w if need_a or need_b else None)
        d = b - a
        if isinstance(w, (int, float)):
            return a + w * d if abs(w) < 0.5 else b - d * (1 - w)
        return xp.where(xp.abs(w) < 0.5, a + w * d, b - d * (1 - w))

    @staticmethod
    def backward(ctx, g):
        a, b, w = ctx.saved_tensors
        need_a, need_b, need_w = ctx.needs_input_grad
        return (g * (1 - w) if need_a else None), (g * w if need_b else None), \
            (g * (b - a) if need_w else None)


def lerp(input, end, weight):
    """input + weight·(end − input); `weight` is a number or a tensor."""
    require_tensor(input, "lerp")
    require_tensor(end, "lerp", "end")
    if not isinstance(weight, Tensor) and not isinstance(weight, (int, float)):
        raise TypeError(f"lerp(): argument 'weight' must be Tensor or a number, not "
                        f"{type(weight).__name__}")
    return Lerp.apply(*_common("lerp", input, end, weight, floating=True))


class Addcmul(Function):
    """y = x + v·t₁·t₂;  ∂y/∂x = 1, ∂y/∂t₁ = v·t₂, ∂y/∂t₂ = v·t₁"""
    array_backward = True

    @staticmethod
    def forward(ctx, x, t1, t2, value=1):
        _, need_1, need_2 = ctx.needs_input_grad
        ctx.value = value
        ctx.save_for_backward(t1 if need_2 else None, t2 if need_1 else None)
        p = t1 * t2
        return x + (p if value == 1 else p * value)

    @staticmethod
    def backward(ctx, g):
        t1, t2 = ctx.saved_tensors
        _, need_1, need_2 = ctx.needs_input_grad
        gv = g if ctx.value == 1 else g * ctx.value
        return g, (gv * t2 if need_1 else None), (gv * t1 if need_2 else None)


def addcmul(input, tensor1, tensor2, *, value=1):
    """input + value·tensor1·tensor2 (out of place)"""
    for t, arg in ((input, "input"), (tensor1, "tensor1"), (tensor2, "tensor2")):
        require_tensor(t, "addcmul", arg)
    if isinstance(value, float) and all(t._data.dtype.kind in "biu"
                                        for t in (input, tensor1, tensor2)):
        raise RuntimeError("For integral input tensors, argument value must not be a floating "
                           "point number.")
    return Addcmul.apply(*_common("addcmul", input, tensor1, tensor2), value=value)


class Addcdiv(Function):
    """y = x + v·t₁/t₂;  ∂y/∂x = 1, ∂y/∂t₁ = v/t₂, ∂y/∂t₂ = −v·t₁/t₂²"""
    array_backward = True

    @staticmethod
    def forward(ctx, x, t1, t2, value=1):
        ctx.value = value
        ctx.save_for_backward(t1, t2)
        q = t1 / t2
        return x + (q if value == 1 else q * value)

    @staticmethod
    def backward(ctx, g):
        t1, t2 = ctx.saved_tensors
        _, need_1, need_2 = ctx.needs_input_grad
        gv = (g if ctx.value == 1 else g * ctx.value) / t2
        return g, (gv if need_1 else None), (-gv * t1 / t2 if need_2 else None)


def addcdiv(input, tensor1, tensor2, *, value=1):
    """input + value·tensor1/tensor2 (out of place; true division)"""
    for t, arg in ((input, "input"), (tensor1, "tensor1"), (tensor2, "tensor2")):
        require_tensor(t, "addcdiv", arg)
    if tensor1._data.dtype.kind in "biu" and tensor2._data.dtype.kind in "biu":
        raise RuntimeError("Integer division with addcdiv is no longer supported, and in a "
                           "future release addcdiv will perform a true division of tensor1 and "
                           "tensor2. The historic addcdiv behavior can be implemented as "
                           "(input + value * mytorch.trunc(tensor1 / tensor2)).to(input.dtype) "
                           "for integer inputs and as (input + value * tensor1 / tensor2) for "
                           "float inputs. The future addcdiv behavior is just the latter "
                           "implementation: (input + value * tensor1 / tensor2), for all dtypes.")
    return Addcdiv.apply(*_common("addcdiv", input, tensor1, tensor2), value=value)


__all__ += ["atan2", "arctan2", "logaddexp", "hypot", "xlogy", "lerp", "addcmul", "addcdiv"]
