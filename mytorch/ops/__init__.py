"""Every differentiable primitive, forward and backward side by side, one family per file:

    elementwise.py   math and activations of one tensor
    arithmetic.py    + − × ÷ pow, maximum/minimum, where, comparisons, logical ops
    reduction.py     sum, mean, var/std, prod, max/min, logsumexp, norm, cumsum, softmax
    shape.py         view/reshape, permute, expand, cat/stack, split, flip, roll, pad, ...
    indexing.py      x[...], x[...] = v, gather, scatter, index_select, sort, topk
    linalg.py        matmul, einsum, outer
    sampling.py      dropout, bernoulli, multinomial
    conversion.py    dtype and device moves, clone, detach
    inplace.py       add_, mul_, fill_, x[i] = v, ... (version counters)

Layers (`mytorch.nn`) build on these; nothing here imports from above.
"""
from .common import normalize_dim
# elementwise first: it and arithmetic import each other, and this order resolves it
from .elementwise import (neg, abs, sign, exp, log, log1p, expm1, sqrt, rsqrt, reciprocal,
                          square, sin, cos, tanh, sigmoid, erf, relu, leaky_relu, elu, gelu,
                          silu, softplus, clamp, clip)
from .arithmetic import *          # noqa: F401,F403
from .reduction import (sum, mean, var, std, prod, max, min, amax, amin, argmax, argmin,
                        logsumexp, softmax, log_softmax, cumsum, norm, all, any)
from .shape import (reshape, view, permute, transpose, swapaxes, t, expand, broadcast_to,
                    sum_to, squeeze, unsqueeze, flatten, unflatten, cat, concat, concatenate,
                    stack, narrow, split, chunk, unbind, flip, roll, tril, triu, pad, repeat)
from .indexing import (getitem, index_put, index_select, gather, scatter, scatter_add,
                       masked_fill, sort, argsort, topk)
from .linalg import matmul, mm, bmm, dot, outer, ger, einsum
from .sampling import dropout, bernoulli, multinomial
from .conversion import to, clone, contiguous, detach
from .inplace import (add_, sub_, mul_, div_, pow_, clamp_, masked_fill_, exp_, relu_,
                      sigmoid_, tanh_, neg_, sqrt_, addcmul_, addcdiv_, lerp_, fill_, copy_,
                      setitem, uniform_, normal_, bernoulli_, random_)
