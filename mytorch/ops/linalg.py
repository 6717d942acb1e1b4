"""Linear algebra: matmul in all of PyTorch's cases, mm, bmm, dot, outer, einsum; then
square matrices (det, slogdet, inv, solve, matrix_power), norms (vector_norm, matrix_norm and
torch.linalg.norm, which mytorch.linalg names `norm`) and cdist.

For C = A·B (batched, with broadcast batch dimensions):

    ∂L/∂A = ∂L/∂C · Bᵀ        ∂L/∂B = Aᵀ · ∂L/∂C

and the engine sums the gradients over any batch dimension that was broadcast. 1-d operands
are treated as PyTorch does: a vector on the left is a row (1, k), on the right a column
(k, 1), and the added dimension is removed from the result.
"""
import math
import numbers
import string

import numpy as np

from . import reduction
from .arithmetic import where
from .common import constant, normalize_dim, require_tensor
from .conversion import clone
from .shape import (broadcast_shapes, diag_embed, expand, permute, reshape, squeeze,
                    unsqueeze)
from .. import dtypes, return_types
from ..autograd.function import Function
from ..backend.base import LinAlgError
from ..tensor import Tensor


class MatMul(Function):
    """C = A·B for A (..., n, k), B (..., k, m)"""
    array_backward = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return ctx.xp.matmul(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        ga = g @ b.swapaxes(-1, -2) if need_a else None
        gb = a.swapaxes(-1, -2) @ g if need_b else None
        return ga, gb


def _same_dtype(name, a, b):
    """PyTorch multiplies matrices of one dtype only: float32 @ float64 is an error, not a
    promotion (a float64 batch fed to a float32 model would otherwise make it float64)."""
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"{name}: expected m1 and m2 to have the same dtype, but got: "
                           f"{a.dtype.name} != {b.dtype.name}")


def _mismatch(a, b):
    return RuntimeError(f"mat1 and mat2 shapes cannot be multiplied "
                        f"({'x'.join(map(str, a.shape))} and {'x'.join(map(str, b.shape))})")


def matmul(input, other):
    """The matrix product, following `torch.matmul`'s rules for 1-d, 2-d and batched operands."""
    require_tensor(input, "matmul")
    require_tensor(other, "matmul", "other")
    if input.ndim == 0 or other.ndim == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{input.ndim}D and {other.ndim}D")
    _same_dtype("matmul", input, other)
    a, b = input, other
    if a.shape[-1] != b.shape[-2 if b.ndim > 1 else 0]:
        if a.ndim == 1 and b.ndim == 1:
            raise RuntimeError(f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src "
                               f"[{b.shape[0]}] to have the same number of elements, but got "
                               f"{a.shape[0]} and {b.shape[0]} elements respectively")
        raise _mismatch(a, b)
    if a.ndim == 1 and b.ndim == 1:
        return dot(a, b)
    if a.ndim == 1:
        return squeeze(MatMul.apply(unsqueeze(a, 0), b), -2)
    if b.ndim == 1:
        return squeeze(MatMul.apply(a, unsqueeze(b, 1)), -1)
    batch_a, batch_b = a.shape[:-2], b.shape[:-2]
    for x, y in zip(reversed(batch_a), reversed(batch_b)):
        if x != y and x != 1 and y != 1:
            raise RuntimeError(f"matmul: batch dimensions of {list(a.shape)} and {list(b.shape)} "
                               f"do not broadcast")
    return MatMul.apply(a, b)


class Linear(Function):
    """y = x·Wᵀ + b for x (*, in), W (out, in), b (out,), as one op:

        ∂L/∂x = g·W        ∂L/∂W = gᵀ·x (summed over the leading dims)        ∂L/∂b = Σ g

    Written out instead of as matmul(x, W.t()) + b so that W's gradient comes out as a new
    (out, in) array rather than the transpose of one, which .grad would have to copy."""
    array_backward = True

    @staticmethod
    def forward(ctx, x, w, b):
        ctx.save_for_backward(x, w)
        y = ctx.xp.matmul(x, w.T)
        if b is not None:
            y += b                  # into the product's own array: no second (N, out) array
        return y

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad
        gx = g @ w if need_x else None
        gw = gb = None
        if need_w or need_b:
            g2 = g.reshape(-1, g.shape[-1]) if g.ndim != 2 else g
            if need_w:
                x2 = x.reshape(-1, x.shape[-1]) if x.ndim != 2 else x
                gw = g2.T @ x2
            if need_b:
                gb = g2.sum(0)
        return gx, gw, gb


def linear(input, weight, bias=None):
    """y = x·Wᵀ + b.   x: (*, in), W: (out, in), b: (out,) or None -> y: (*, out); a 1-D
    weight W (in,) gives y = x·W + b of shape (*)."""
    if not (isinstance(input, Tensor) and isinstance(weight, Tensor)):
        require_tensor(input, "linear")
        require_tensor(weight, "linear", "weight")
    x, w = input._data, weight._data
    if w.ndim != 2:
        if w.ndim != 1:
            raise RuntimeError(f"linear(): weight of shape {w.shape}: weight must be "
                               f"(out_features, in_features)")
        if x.shape[-1:] != w.shape:
            raise RuntimeError(f"linear(): input of shape {x.shape} and weight of shape "
                               f"{w.shape}: the last dimension of input must be {w.shape[0]}")
        out = matmul(input, weight)
        return out if bias is None else out + bias
    if x.shape[-1:] != w.shape[1:]:
        raise RuntimeError(f"linear(): input of shape {x.shape} and weight of shape {w.shape}: "
                           f"the last dimension of input must be {w.shape[1]}")
    if x.dtype != w.dtype:
        _same_dtype("linear", input, weight)
    if bias is not None:
        require_tensor(bias, "linear", "bias")
        if bias._data.shape != w.shape[:1]:
            raise RuntimeError(f"linear(): bias of shape {bias._data.shape} does not match "
                               f"out_features={w.shape[0]}")
        if bias._data.dtype != w.dtype:
            _same_dtype("linear", bias, weight)
    return Linear.apply(input, weight, bias)


def mm(input, mat2):
    require_tensor(input, "mm")
    require_tensor(mat2, "mm", "mat2")
    if input.ndim != 2 or mat2.ndim != 2:
        raise RuntimeError(f"mm: expected 2-D tensors, got {input.ndim}-D and {mat2.ndim}-D")
    return matmul(input, mat2)


def bmm(input, mat2):
    require_tensor(input, "bmm")
    require_tensor(mat2, "bmm", "mat2")
    if input.ndim != 3 or mat2.ndim != 3:
        raise RuntimeError(f"bmm: expected 3-D tensors, got {input.ndim}-D and {mat2.ndim}-D")
    if input.shape[0] != mat2.shape[0]:
        raise RuntimeError(f"bmm: batch sizes differ: {input.shape[0]} and {mat2.shape[0]}")
    return matmul(input, mat2)


def mv(input, vec):
    """y = A·v for a 2-d A (n, m) and a 1-d v (m,) -> (n,)."""
    require_tensor(input, "mv")
    require_tensor(vec, "mv", "vec")
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {input.ndim}, {vec.ndim}")
    return matmul(input, vec)


def _scaled_sum(name, input, product, beta, alpha):
    """beta·input + alpha·product, as addmm and baddbmm define it (beta = 0 ignores input,
    NaNs included, as in PyTorch)."""
    require_tensor(input, name)
    product = product if alpha == 1 else product * alpha
    if beta == 0:
        return product
    return (input if beta == 1 else input * beta) + product


def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    """beta·input + alpha·(mat1 @ mat2), mat1 (n, m), mat2 (m, p), input broadcast to (n, p)."""
    return _scaled_sum("addmm", input, mm(mat1, mat2), beta, alpha)


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """beta·input + alpha·(batch1 @ batch2), a batch of products (b, n, m) @ (b, m, p)."""
    return _scaled_sum("baddbmm", input, bmm(batch1, batch2), beta, alpha)


def tensordot(a, b, dims=2):
    """Σ over paired dimensions of a and b: dims=n pairs a's last n with b's first n,
    dims=([i, ...], [j, ...]) names the pairs; the result has a's other dimensions, then b's.
    One matrix product of the two reshaped (permuted) operands."""
    require_tensor(a, "tensordot", "a")
    require_tensor(b, "tensordot", "b")
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        da, db = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        da, db = ([normalize_dim(d, x.ndim) for d in ([ds] if isinstance(ds, int) else ds)]
                  for ds, x in zip(dims, (a, b)))
    if len(da) != len(db):
        raise RuntimeError(f"both dimension lists should have same length, got {da} and {db}")
    for i, j in zip(da, db):
        if a.shape[i] != b.shape[j]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size "
                               f"{a.shape[i]} in dim {i} and second has size {b.shape[j]} in "
                               f"dim {j}")
    free_a = [i for i in range(a.ndim) if i not in da]
    free_b = [j for j in range(b.ndim) if j not in db]
    k = math.prod(a.shape[i] for i in da)
    left = reshape(permute(a, free_a + da), (-1, k))
    right = reshape(permute(b, db + free_b), (k, -1))
    return reshape(matmul(left, right), tuple(a.shape[i] for i in free_a) +
                   tuple(b.shape[j] for j in free_b))


def dot(input, other):
    """Σ aᵢbᵢ of two 1-d tensors of the same length."""
    require_tensor(input, "dot")
    require_tensor(other, "dot", "other")
    if input.ndim != 1 or other.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {other.ndim}D tensors")
    if input.shape[0] != other.shape[0]:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{input.shape[0]}] and src "
                           f"[{other.shape[0]}] to have the same number of elements, but got "
                           f"{input.shape[0]} and {other.shape[0]} elements respectively")
    _same_dtype("dot", input, other)
    return reshape(MatMul.apply(reshape(input, (1, -1)), reshape(other, (-1, 1))), ())


def outer(input, vec2):
    """aᵢbⱼ for 1-d a and b."""
    require_tensor(input, "outer")
    require_tensor(vec2, "outer", "vec2")
    if input.ndim != 1 or vec2.ndim != 1:
        raise RuntimeError(f"outer: expected 1-D tensors, got {input.ndim}-D and {vec2.ndim}-D")
    return unsqueeze(input, 1) * unsqueeze(vec2, 0)


ger = outer


class Einsum(Function):
    """y = einsum(equation, *operands);  ∂L/∂operandᵢ = einsum of g with the other operands,
    with operandᵢ's subscripts as the output. Three corrections follow: letters that appear
    nowhere else were summed away in the forward pass, and size-1 letters were broadcast, so
    their gradient comes back with size 1 and is expanded; a repeated letter ('ii', a
    diagonal) gets its gradient on the diagonal, zeros elsewhere: einsum('i,ij->ij', g, I)."""
    @staticmethod
    def forward(ctx, *operands, inputs, output):
        ctx.subs, ctx.output = inputs, output
        ctx.shapes = [x.shape for x in operands]
        ctx.save_for_backward(*operands)
        eq = ",".join(inputs) + "->" + output
        y = ctx.xp.einsum(eq, *operands, optimize=len(operands) > 2)
        # one operand: NumPy may return a view of it ('ij->ji', 'ii->i'); the result must not
        # share memory with the input, or an in-place op on it would change the input unseen
        return y.copy() if len(operands) == 1 else y

    @staticmethod
    def backward(ctx, g):
        ops = ctx.saved_tensors
        unused = [c for c in string.ascii_letters
                  if c not in ctx.output and not any(c in s for s in ctx.subs)]
        grads = []
        for i, (need, sub) in enumerate(zip(ctx.needs_input_grad, ctx.subs)):
            if not need:
                grads.append(None)
                continue
            others = [s for j, s in enumerate(ctx.subs) if j != i]
            present = set(ctx.output).union(*others)
            shape = ctx.shapes[i]
            size = {}
            for c, n in zip(sub, shape):
                size.setdefault(c, n)
            letters = "".join(dict.fromkeys(sub))           # each letter once, in order
            kept = "".join(c for c in letters if c in present)
            grad = Einsum.apply(g, *[x for j, x in enumerate(ops) if j != i],
                                inputs=[ctx.output] + others, output=kept)
            sizes = dict(zip(kept, grad.shape))
            view = tuple(sizes[c] if c in present else 1 for c in letters)
            target = tuple(size[c] if v == 1 else v for c, v in zip(letters, view))
            if view != tuple(grad.shape):
                grad = reshape(grad, view)
            if target != view:
                grad = grad.expand(target)
            if letters != sub:
                grad = _onto_diagonal(grad, letters, sub, size, unused)
            grads.append(grad)
        return tuple(grads)


def _onto_diagonal(grad, letters, sub, size, unused):
    """The gradient of an operand with repeated subscripts: `grad` (subscripts `letters`, each
    once) placed on the diagonals that `sub` names, through identity matrices."""
    from ..tensor import _wrap
    xp, device = grad._device.xp, grad._device
    seen, out, eye_subs, eyes = set(), [], [], []
    fresh = iter(unused)
    for c in sub:
        if c in seen:
            f = next(fresh)
            out.append(f)
            eye_subs.append(c + f)
            eyes.append(_wrap(xp.eye(size[c], dtype=grad._data.dtype), device))
        else:
            seen.add(c)
            out.append(c)
    return Einsum.apply(grad, *eyes, inputs=[letters] + eye_subs, output="".join(out))


def einsum(equation, *operands):
    """Einstein summation, e.g. `einsum('bij,bjk->bik', a, b)`; `...` broadcasting works."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    for i, x in enumerate(operands):
        require_tensor(x, "einsum", f"operands[{i}]")
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    subs = lhs.split(",")
    if len(subs) != len(operands):
        raise ValueError(f"einsum(): the equation {equation!r} names {len(subs)} operands but "
                         f"{len(operands)} were given")
    unused = [c for c in string.ascii_letters if c not in eq]
    ell = max((x.ndim - (len(s) - 3) for s, x in zip(subs, operands) if "..." in s), default=0)
    fill = "".join(unused[:ell])
    full = []
    for s, x in zip(subs, operands):
        if "..." in s:
            k = x.ndim - (len(s) - 3)
            s = s.replace("...", fill[ell - k:])
        if len(s) != x.ndim:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({len(s)}) "
                               f"does not match the number of dimensions ({x.ndim}) for operand "
                               f"{len(full)}")
        full.append(s)
    sizes = {}
    for k, (s, x) in enumerate(zip(full, operands)):
        for c, n in zip(s, x.shape):
            seen = sizes.setdefault(c, n)
            if n != seen and 1 not in (n, seen):
                raise RuntimeError(f"einsum(): subscript {c} has size {n} for operand {k} which "
                                   f"does not broadcast with previously seen size {seen}")
            if seen == 1:
                sizes[c] = n
    if arrow:
        out = rhs.replace("...", fill)
    else:
        counts = {}
        for s in full:
            for c in s:
                counts[c] = counts.get(c, 0) + 1
        out = fill + "".join(sorted(c for c, n in counts.items() if n == 1 and c not in fill))
    for x in operands[1:]:
        _same_dtype("einsum", operands[0], x)
    return Einsum.apply(*operands, inputs=full, output=out)


# ---- square matrices: det, slogdet, inv, solve, matrix_power -------------------------------
#
# Two differentials carry all of them (Jacobi's formula and the derivative of the inverse):
#
#     d det(A) = det(A)·tr(A⁻¹·dA)        d(A⁻¹) = −A⁻¹·dA·A⁻¹
#
# so ∂det/∂A = det(A)·A⁻ᵀ, ∂log|det A|/∂A = A⁻ᵀ, and for Y = A⁻¹, ∂L/∂A = −Yᵀ·G·Yᵀ. The
# backwards are written with inv and solve themselves, so they are differentiable again.
# (As in NumPy, an exactly singular matrix has no inverse: its det is 0, and the gradient of
# det there, which needs A⁻¹ here, raises the singular-matrix error.)

def _check_square(A, name):
    """PyTorch's shape checks of a batch of square matrices (*, n, n), in its order."""
    require_tensor(A, name, "A")
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")


def _check_floating(A, name, low_precision=False):
    """A floating dtype; float16 only where the op is not a LAPACK call (norms)."""
    dt = A._data.dtype
    if dt.kind != "f":
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. "
                           f"Got {dtypes.SCALAR_TYPE_NAMES[A.dtype.name]}")
    if dt.itemsize < 4 and not low_precision:
        raise RuntimeError(f"{name}: Low precision dtypes not supported. Got "
                           f"{dtypes.SCALAR_TYPE_NAMES[A.dtype.name]}")


def _nonsingular(ctx, routine, message, *arrays):
    """xp.linalg.<routine>(*arrays) through the backend, which raises one LinAlgError on
    every device (CuPy, unlike NumPy, would return non-finite values), in PyTorch's words."""
    try:
        return ctx.device.backend.linalg(routine, *arrays)
    except LinAlgError:
        raise LinAlgError(message) from None


def _scale(t):
    """A batch of numbers (*) as (*, 1, 1), to scale a batch of matrices."""
    return reshape(t, tuple(t.shape) + (1, 1))


class Det(Function):
    """y = det(A) for A (*, n, n) -> (*);  ∂L/∂A = g·y·A⁻ᵀ"""
    @staticmethod
    def forward(ctx, a):
        y = ctx.xp.linalg.det(a)
        ctx.save_for_backward(a, y)
        return y

    @staticmethod
    def backward(ctx, g):
        a, y = ctx.saved_tensors
        return _scale(g * y) * inv(a).mT


def det(A):
    """The determinant of each matrix of A (*, n, n) -> (*)."""
    _check_square(A, "linalg.det")
    _check_floating(A, "linalg.det")
    return Det.apply(A)


class Slogdet(Function):
    """(sign, log|det A|) for A (*, n, n);  ∂L/∂A = g·A⁻ᵀ from the log. The sign is piecewise
    constant: a differentiable output (as in PyTorch) whose gradient is zero."""
    @staticmethod
    def forward(ctx, a):
        ctx.set_materialize_grads(False)
        ctx.save_for_backward(a)
        sign, logabsdet = ctx.xp.linalg.slogdet(a)
        return sign, logabsdet

    @staticmethod
    def backward(ctx, g_sign, g_logabsdet):
        if g_logabsdet is None:
            return None
        a, = ctx.saved_tensors
        return _scale(g_logabsdet) * inv(a).mT


def slogdet(A):
    """(sign, logabsdet) with det(A) = sign·exp(logabsdet), a named tuple as torch's: exact
    where det itself would under- or overflow. sign is 0 and logabsdet −inf for a singular A."""
    _check_square(A, "linalg.slogdet")
    _check_floating(A, "linalg.slogdet")
    return return_types.slogdet(*Slogdet.apply(A))


class Inv(Function):
    """Y = A⁻¹ for A (*, n, n);  ∂L/∂A = −Yᵀ·G·Yᵀ"""
    array_backward = True

    @staticmethod
    def forward(ctx, a):
        y = _nonsingular(ctx, "inv", "linalg.inv: The inversion could not be completed "
                         "because the input matrix is singular.", a)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        yt = y.swapaxes(-1, -2)
        return -(yt @ g @ yt)


def inv(A):
    """A⁻¹ for each matrix of A (*, n, n); a singular matrix is a RuntimeError."""
    _check_square(A, "linalg.inv")
    _check_floating(A, "linalg.inv")
    return Inv.apply(A)


inverse = inv


class Solve(Function):
    """X = A⁻¹·B for A (*, n, n) and B (*, n, k) of one batch shape:

        ∂L/∂B = A⁻ᵀ·G  (one more solve, with Aᵀ)        ∂L/∂A = −∂L/∂B·Xᵀ"""
    @staticmethod
    def forward(ctx, a, b):
        x = _nonsingular(ctx, "solve", "linalg.solve: The solver failed because the "
                         "input matrix is singular.", a, b)
        ctx.save_for_backward(a, x)
        return x

    @staticmethod
    def backward(ctx, g):
        a, x = ctx.saved_tensors
        gb = Solve.apply(a.mT, g)
        ga = -(gb @ x.mT) if ctx.needs_input_grad[0] else None
        return ga, gb if ctx.needs_input_grad[1] else None


def _check_system(A, B, name, left):
    """PyTorch's checks of A·X = B (left) or X·A = B: A (*, n, n), B (*, n, k) or (*, k, n)."""
    require_tensor(A, name, "A")
    require_tensor(B, name, "B")
    _check_square(A, name)
    if B.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor B must have at least 2 dimensions.")
    n = A.shape[-1]
    if (B.shape[-2] if left else B.shape[-1]) != n:
        raise RuntimeError(f"{name}: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({n}x{n} and "
                           f"{B.shape[-2]}x{B.shape[-1]})")


def solve(A, B, *, left=True):
    """X with A·X = B (left=False: X·A = B), without forming A⁻¹. A (*, n, n); B (*, n, k), or
    (n,) and (*, n) with B.shape == A.shape[:-1], a batch of vectors, as in torch.linalg.solve.
    Batch dimensions broadcast."""
    name = "linalg.solve"
    require_tensor(A, name, "A")
    require_tensor(B, name, "B")
    _check_floating(A, name)
    if A._data.dtype != B._data.dtype:
        raise RuntimeError(f"{name}: Expected A and B to have the same dtype, but found A of "
                           f"type {dtypes.SCALAR_TYPE_NAMES[A.dtype.name]} and B of type "
                           f"{dtypes.SCALAR_TYPE_NAMES[B.dtype.name]} instead")
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    if vector and not left:
        raise RuntimeError(f"{name}: Vector broadcasting of the left hand side is not supported "
                           f"for left=False. In this case linalg.solve is equivalent to "
                           f"B / A.squeeze(-1)")
    b = unsqueeze(B, -1) if vector else B
    _check_system(A, b, name, left)
    n = A.shape[-1]
    a = A if left else A.mT                     # X·A = B is Aᵀ·Xᵀ = Bᵀ
    b = b if left else b.mT
    batch = broadcast_shapes(A.shape[:-2], b.shape[:-2])
    if tuple(a.shape[:-2]) != batch:
        a = expand(a, batch + (n, n))
    if tuple(b.shape[:-2]) != batch:
        b = expand(b, batch + tuple(b.shape[-2:]))
    x = Solve.apply(a, b)
    if vector:
        return squeeze(x, -1)
    return x if left else x.mT


def matrix_power(A, n):
    """Aⁿ for an integer n, by repeated squaring: about 2·log₂|n| matrix products. n = 0 gives
    the identity (in A's graph, with a zero gradient, as PyTorch's), n < 0 powers A⁻¹."""
    name = "linalg.matrix_power"
    _check_square(A, name)
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
        raise TypeError(f"matrix_power(): argument 'n' must be int, not {type(n).__name__}")
    if n == 0:
        xp = A._device.xp
        eye = constant(xp.eye(A.shape[-1], dtype=A._data.dtype), A._device)
        return where(constant(xp.asarray(True), A._device), eye, A)
    if n == 1:
        return clone(A)
    if n < 0:
        A, n = inv(A), -n
    result, power = None, A
    while True:
        if n & 1:
            result = power if result is None else matmul(result, power)
        n >>= 1
        if not n:
            return result
        power = matmul(power, power)


# ---- norms and distances -----------------------------------------------------------------
#
# vector_norm is mytorch.norm's math (ops/reduction.py) behind torch.linalg's checks;
# matrix_norm reduces twice (1, inf: a max of column or row sums of |A|) or takes singular
# values (2, -2, 'nuc'); linalg.norm chooses between the two as torch.linalg.norm does.

def _check_norm_dtype(dtype, x, name):
    """The `dtype=` of a norm: floating, and no narrower than the input's."""
    if dtype is None:
        return
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating_point:
        raise RuntimeError(f"{name}: dtype should be floating point or complex, but got "
                           f"{dtypes.SCALAR_TYPE_NAMES[dtype.name]}")
    if dtypes.promote_types(x.dtype, dtype) is not dtype:
        raise RuntimeError(f"{name}: the dtype of the input "
                           f"({dtypes.SCALAR_TYPE_NAMES[x.dtype.name]}) "
                           f"should be convertible without narrowing to the specified dtype "
                           f"({dtypes.SCALAR_TYPE_NAMES[dtype.name]})")


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
    """‖x‖ = (Σ |xᵢ|^ord)^(1/ord) over `dim` (every element when None): ord = inf is max |xᵢ|,
    −inf min |xᵢ|, 0 the number of nonzeros; any other real ord, negative ones included.
    `dtype`: compute (and return) in that floating dtype."""
    name = "linalg.vector_norm"
    require_tensor(x, name, "x")
    if not isinstance(ord, numbers.Real):
        raise TypeError(f"linalg_vector_norm(): argument 'ord' must be Number, not "
                        f"{type(ord).__name__}")
    _check_floating(x, name, low_precision=True)
    _check_norm_dtype(dtype, x, name)
    return reduction.norm(x, ord, dim, keepdim, dtype)


class _Svd(Function):
    """A = U·diag(S)·Vh, the reduced SVD of A (*, m, n), k = min(m, n): U (*, m, k), S (*, k)
    descending, Vh (*, k, n). The backward (Townsend, "Differentiating the singular value
    decomposition"), with F_ij = 1/(s_j² − s_i²) off the diagonal:

        Ā = U·[(F∘(UᵀŪ − ŪᵀU))·S + diag(S̄) + S·(F∘(VᵀV̄ − V̄ᵀV))]·Vᵀ
            + (I − UUᵀ)·Ū·S⁻¹·Vᵀ + U·S⁻¹·V̄ᵀ·(I − VVᵀ)

    It needs distinct, nonzero singular values when Ū or V̄ is given; S̄ alone gives
    U·diag(S̄)·Vᵀ. Only the singular values are used (by matrix_norm): U and V are defined up
    to signs, but the first gradient U·diag(S̄)·Vᵀ is not, so its derivative, which goes
    through Ū and V̄, is well defined."""
    @staticmethod
    def forward(ctx, a):
        ctx.set_materialize_grads(False)
        u, s, vh = ctx.device.backend.linalg("svd", a, nan_fails=True, full_matrices=False)
        ctx.save_for_backward(u, s, vh)
        return u, s, vh

    @staticmethod
    def backward(ctx, gu, gs, gvh):
        u, s, vh = ctx.saved_tensors
        if gu is None and gvh is None:
            return (u * unsqueeze(gs, -2)) @ vh
        m, n = u.shape[-2], vh.shape[-1]
        s_row, s_col = unsqueeze(s, -2), unsqueeze(s, -1)       # S as (*, 1, k), (*, k, 1)
        s2 = s * s
        eye = constant(ctx.xp.eye(s.shape[-1], dtype=s._data.dtype), ctx.device)
        e = unsqueeze(s2, -2) - unsqueeze(s2, -1) + eye          # s_j² − s_i², 1 on the diagonal
        inner = 0
        if gu is not None:
            j = u.mT @ gu
            inner = inner + (j - j.mT) * s_row / e
        if gvh is not None:
            gv = gvh.mT
            k = vh @ gv
            inner = inner + s_col * (k - k.mT) / e
        if gs is not None:
            inner = inner + diag_embed(gs)
        if m > n and gu is not None:
            return (u @ inner + (gu - u @ (u.mT @ gu)) / s_row) @ vh
        if m < n and gvh is not None:
            v = vh.mT
            return u @ (inner @ vh + ((gv - v @ (vh @ gv)) / s_row).mT)
        return u @ inner @ vh


def _svdvals(A):
    """The singular values of A (*, m, n) -> (*, min(m, n)), descending, differentiable twice."""
    return _Svd.apply(A)[1]


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):
    """A norm of each matrix in the dims `dim` of A:

        'fro'  √(Σ aᵢⱼ²)               'nuc'  Σ σᵢ (the singular values)
        1      max column sum of |A|   −1     min column sum
        inf    max row sum of |A|      −inf   min row sum
        2      σ_max                   −2     σ_min
    """
    name = "linalg.matrix_norm"
    require_tensor(A, name, "A")
    if isinstance(ord, str):
        supported, svd_ord = ord in ("fro", "nuc"), ord == "nuc"
    else:
        supported, svd_ord = abs(ord) in (1, 2, math.inf), abs(ord) == 2
    if not supported:
        raise RuntimeError(f"{name}: Order {ord} not supported.")
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    _check_floating(A, name, low_precision=not svd_ord)
    dim = (dim,) if isinstance(dim, int) else tuple(dim)
    if len(dim) != 2:
        raise RuntimeError(f"{name}: dim must be a 2-tuple. Got {list(dim)}")
    d0, d1 = (normalize_dim(d, A.ndim) for d in dim)
    if d0 == d1:
        raise RuntimeError(f"{name}: dims must be different. Got ({d0}, {d1})")
    _check_norm_dtype(dtype, A, name)
    if ord == "fro":
        return vector_norm(A, 2, (d0, d1), keepdim, dtype=dtype)
    if dtype is not None:
        A = A.to(dtype)
    if svd_ord:
        order = [i for i in range(A.ndim) if i not in (d0, d1)] + [d0, d1]
        s = _svdvals(permute(A, order))
        if ord == "nuc":
            y = reduction.sum(s, -1, keepdim)
        else:
            y = (reduction.amax if ord > 0 else reduction.amin)(s, -1, keepdim)
        if keepdim:
            y = permute(unsqueeze(y, -1), [order.index(i) for i in range(A.ndim)])
        return y
    if abs(ord) == math.inf:                    # rows: sum along the columns first
        d0, d1 = d1, d0
    if not keepdim and d0 < d1:                 # d0 is gone when d1 is reduced
        d1 -= 1
    sums = vector_norm(A, 1, d0, keepdim)
    return (reduction.amax if ord > 0 else reduction.amin)(sums, d1, keepdim)


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):
    """torch.linalg.norm: a matrix norm (matrix_norm) when `ord` is given and the norm is over
    two dims (`dim` of length 2, or a 2-d A without dim), or ord is a string; else a vector
    norm (vector_norm; ord None is the 2-norm, of all elements when dim is None, which for a
    matrix is its Frobenius norm). mytorch.norm is torch.norm, a different function."""
    name = "linalg.norm"
    require_tensor(A, name, "A")
    if dim is not None:
        dim = (dim,) if isinstance(dim, int) else tuple(dim)
        if len(dim) not in (1, 2):
            raise RuntimeError(f"{name}: If dim is specified, it must be of length 1 or 2. "
                               f"Got {list(dim)}")
    elif ord is not None and A.ndim not in (1, 2):
        raise RuntimeError(f"{name}: If dim is not specified but ord is, the input must be 1D "
                           f"or 2D. Got {A.ndim}D.")
    if isinstance(ord, str) or (ord is not None and len(dim or range(A.ndim)) == 2):
        return matrix_norm(A, ord, dim or (-2, -1), keepdim, dtype=dtype)
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)


_CDIST_MODES = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist",
                "donot_use_mm_for_euclid_dist")


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """The p-norm distance of every row of x1 (*, P, M) to every row of x2 (*, R, M):
    (*, P, R), batch dimensions broadcast. Computed as ‖x1ᵢ − x2ⱼ‖ₚ of the broadcast
    difference (*, P, R, M): exact, where PyTorch's matrix-product form for p = 2,
    √(‖a‖² + ‖b‖² − 2a·b), loses digits to cancellation; compute_mode is accepted for
    compatibility. The gradient at a zero distance is 0, as in PyTorch."""
    require_tensor(x1, "cdist", "x1")
    require_tensor(x2, "cdist", "x2")
    for label, x in (("X1", x1), ("X2", x2)):
        if x.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {label} got: {x.ndim}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: "
                           f"{x1.shape[-1]} X2: {x2.shape[-1]}")
    for label, x in (("X1", x1), ("X2", x2)):
        if x._data.dtype.kind != "f":
            raise RuntimeError(f"cdist only supports floating-point dtypes, {label} got: "
                               f"{dtypes.SCALAR_TYPE_NAMES[x.dtype.name]}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    if compute_mode not in _CDIST_MODES:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    return vector_norm(unsqueeze(x1, -2) - unsqueeze(x2, -3), p, -1)
