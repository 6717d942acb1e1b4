"""Linear algebra: matmul in all of PyTorch's cases, mm, bmm, dot, outer, einsum.

For C = A·B (batched, with broadcast batch dimensions):

    ∂L/∂A = ∂L/∂C · Bᵀ        ∂L/∂B = Aᵀ · ∂L/∂C

and the engine sums the gradients over any batch dimension that was broadcast. 1-d operands
are treated as PyTorch does: a vector on the left is a row (1, k), on the right a column
(k, 1), and the added dimension is removed from the result.
"""
import math
import string

from .common import normalize_dim, require_tensor
from .shape import permute, reshape, squeeze, unsqueeze
from ..autograd.function import Function


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
                gw = g2.swapaxes(0, 1) @ x2
            if need_b:
                gb = g2.sum(0)
        return gx, gw, gb


def linear(input, weight, bias=None):
    """y = x·Wᵀ + b.   x: (*, in), W: (out, in), b: (out,) or None -> y: (*, out)"""
    require_tensor(input, "linear")
    require_tensor(weight, "linear", "weight")
    x_shape, w_shape = input._data.shape, weight._data.shape
    if len(w_shape) != 2:
        raise RuntimeError(f"linear(): weight of shape {w_shape}: weight must be (out_features, "
                           f"in_features)")
    if x_shape[-1:] != w_shape[1:]:
        raise RuntimeError(f"linear(): input of shape {x_shape} and weight of shape {w_shape}: "
                           f"the last dimension of input must be {w_shape[1]}")
    _same_dtype("linear", input, weight)
    if bias is not None:
        require_tensor(bias, "linear", "bias")
        if bias._data.shape != w_shape[:1]:
            raise RuntimeError(f"linear(): bias of shape {bias._data.shape} does not match "
                               f"out_features={w_shape[0]}")
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
