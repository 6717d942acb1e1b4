"""Every differentiable primitive, forward and backward side by side, one family per file:

    elementwise.py   math and activations of one tensor
    special.py       lgamma, digamma, polygamma, erfinv, i0, igamma, ...; copysign, fmax, frexp,
                     gcd, ... (the numbers: backend/special.py)
    arithmetic.py    + − × ÷ pow and other binary math, maximum/minimum, where, comparisons
    reduction.py     sum, mean, var/std, prod, max/min, median, logsumexp, norm, softmax, cum*,
                     quantile, histc, mode
    reduction_extra.py  kthvalue, nanmedian, cov/corrcoef, dist, renorm, histogram, trapezoid, ...
    shape.py         view/reshape, permute, expand, cat/stack, split, select, flip, roll, pad,
                     unfold, ...
    indexing.py      x[...], x[...] = v, gather, scatter, index_select, sort, topk, bincount, ...
    shape_extra.py   block_diag, combinations, hsplit/vsplit/dsplit, as_strided, t_/squeeze_, ...
    indexing_extra.py   scatter_reduce, index_reduce, index_put, put, slice/select/diagonal_scatter
    linalg.py        matmul, einsum, outer; det, inv, solve, matrix_power; norms, cdist
    decomp.py        cholesky, qr, eigh, svd: the decompositions of torch.linalg
    linalg_extra.py  the rest of torch.linalg: LU, triangular solves, lstsq, pinv, cross, ...
    conv.py          conv1d/2d/3d and their transposes: sliding windows + one matmul
    fold.py          unfold (im2col) and fold (col2im), as torch.nn.functional's
    pooling.py       max, average, adaptive and Lp pooling, max unpooling
    upsampling.py    interpolate, pixel_shuffle
    grid.py          affine_grid, grid_sample (sampling at points)
    normalization.py standardize: the kernel of batch, layer and group norm
    attention.py     attention as one op: softmax(Q·Kᵀ·s + M)·V
    recurrent.py     the RNN, GRU and LSTM recurrences (used by mytorch.nn's layers)
    ctc.py           the CTC loss: alignments summed by the α/β recursions in log space
    sampling.py      dropout, bernoulli, multinomial, gumbel_softmax
    activation_extra.py  hardshrink, softshrink, rrelu, threshold, the kernels of the in-place
                     activations (elu_, selu_, ...), alpha dropout
    conversion.py    dtype and device moves, clone, detach
    inplace.py       add_, mul_, fill_, x[i] = v, scatter_, ... (version counters)

Layers (`mytorch.nn`) build on these; nothing here imports from above.
"""
import types as _types

from .common import normalize_dim, numpy_names, NUMPY_NAMED
# elementwise before arithmetic: they import each other, and this order resolves it
from .elementwise import (neg, abs, sign, exp, log, log1p, expm1, sqrt, rsqrt, reciprocal, square,
                          sin, cos, tanh, sigmoid, erf, relu, leaky_relu, elu, gelu, silu,
                          softplus, clamp, clip, tan, asin, acos, atan, arcsin, arccos, arctan,
                          sinh, cosh, asinh, acosh, atanh, arcsinh, arccosh, arctanh, log2, log10,
                          exp2, sinc, deg2rad, rad2deg, sgn, positive, floor, ceil, trunc, fix,
                          round, frac, clamp_min, clamp_max, nan_to_num, hardtanh, relu6,
                          hardsigmoid, hardswish, mish, logsigmoid, selu, celu, softsign,
                          tanhshrink, logit)
from .arithmetic import *          # noqa: F401,F403  (its __all__)
from .reduction import (cross_entropy, safe_softmax, sum, mean, var, std, prod, max, min, amax,
                        amin, argmax, argmin, logsumexp,
                        softmax, log_softmax, cumsum, norm, all, any, cumprod, logcumsumexp,
                        cummax, cummin, median, nansum, nanmean, var_mean, std_mean, count_nonzero,
                        aminmax)
from .reduction import quantile, nanquantile, histc
from .reduction import mode
from .shape import (reshape, view, permute, transpose, swapaxes, t, expand, broadcast_to, sum_to,
                    squeeze, unsqueeze, flatten, unflatten, cat, concat, concatenate, stack,
                    narrow, split, chunk, unbind, flip, roll, tril, triu, pad, repeat, movedim,
                    moveaxis, tile, diagonal, diag_embed, diag, trace, diff, meshgrid,
                    broadcast_shapes, broadcast_tensors, atleast_1d, atleast_2d, atleast_3d,
                    hstack, vstack, row_stack, dstack, rot90, kron, repeat_interleave, unfold,
                    tensor_split, select)
from .indexing import (getitem, index_select, gather, scatter, scatter_add, masked_fill,
                       sort, argsort, topk, nonzero, argwhere, masked_select, take, take_along_dim,
                       index_add, index_copy, index_fill, masked_scatter, unique, isin,
                       searchsorted, bucketize, bincount)
from .linalg import (matmul, linear, mm, bmm, mv, addmm, baddbmm, tensordot, dot, outer, ger,
                     einsum)
from .linalg import det, inverse, slogdet, matrix_power, cdist
from .decomp import cholesky, qr
from .linalg_extra import (torch_svd as svd, cholesky_solve, cholesky_inverse, lu_unpack,
                           torch_lu_solve as lu_solve, pinverse, logdet, chain_matmul, cross,
                           triangular_solve, matrix_exp)
from .conv import (conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d, conv_transpose3d)
from .fold import fold as col2im, unfold as im2col
from .pooling import (max_pool1d, max_pool2d, max_pool3d, avg_pool1d, avg_pool2d, avg_pool3d,
                      adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d,
                      adaptive_max_pool1d, adaptive_max_pool2d, adaptive_max_pool3d,
                      max_pool1d_with_indices, max_pool2d_with_indices, max_pool3d_with_indices,
                      adaptive_max_pool1d_with_indices, adaptive_max_pool2d_with_indices,
                      adaptive_max_pool3d_with_indices, lp_pool1d, lp_pool2d, lp_pool3d,
                      max_unpool1d, max_unpool2d, max_unpool3d)
from .upsampling import (interpolate, pixel_shuffle, pixel_unshuffle)
from .grid import affine_grid, grid_sample
from .normalization import standardize
from .attention import attention, attention_steps
from .ctc import ctc_loss
from .sampling import (dropout, feature_dropout, bernoulli, multinomial, gumbel_softmax)
from .activation_extra import (hardshrink, softshrink, rrelu, threshold, alpha_dropout,
                               feature_alpha_dropout)
from .conversion import (to, clone, contiguous, detach)
from .inplace import (add_, sub_, mul_, div_, pow_, clamp_, masked_fill_, exp_, relu_, sigmoid_,
                      tanh_, neg_, sqrt_, addcmul_, addcdiv_, lerp_, fill_, copy_, setitem,
                      uniform_, normal_, bernoulli_, random_, scatter_, scatter_add_, index_add_,
                      index_copy_, index_fill_, masked_scatter_, tan_, asin_, acos_, atan_, sinh_,
                      cosh_, asinh_, acosh_, atanh_, log2_, log10_, exp2_, sinc_, deg2rad_,
                      rad2deg_, sgn_, floor_, ceil_, trunc_, round_, frac_, clamp_min_, clamp_max_,
                      nan_to_num_, atan2_, hypot_, xlogy_)
from .inplace import bitwise_left_shift_, bitwise_right_shift_, fill_diagonal_
from .inplace import elu_, selu_, celu_, leaky_relu_, rrelu_, hardtanh_, threshold_
from .reduction_extra import (kthvalue, nanmedian, msort, unique_consecutive, cov, corrcoef, dist,
                              renorm, histogram, trapezoid, trapz, cumulative_trapezoid)
from .shape_extra import (diagflat, fliplr, flipud, hsplit, vsplit, dsplit, split_with_sizes,
                          swapdims, ravel, narrow_copy, block_diag, cartesian_prod, combinations,
                          column_stack, unravel_index, inner, vdot, as_strided, t_, transpose_,
                          swapdims_, swapaxes_, squeeze_, unsqueeze_)
from .indexing_extra import (scatter_reduce, index_reduce, index_put, put, slice_scatter,
                             select_scatter, diagonal_scatter, scatter_reduce_, index_reduce_,
                             index_put_, put_)
from .inplace import (bitwise_and_, bitwise_or_, bitwise_xor_, bitwise_not_, logical_and_,
                      logical_or_, logical_xor_, logical_not_, apply_, map_)
from .special import (lgamma, digamma, polygamma, mvlgamma, erfc, erfinv, i0, i1, igamma,
                      igammac, copysign, fmax, fmin, logaddexp2, float_power, ldexp, frexp,
                      heaviside, nextafter, gcd, lcm, signbit, isposinf, isneginf, isreal,
                      absolute, negative, multiply, divide, subtract, true_divide, i0e, i1e,
                      erfcx, ndtr, ndtri, log_ndtr, entr, zeta, xlog1py, spherical_bessel_j0)
from .inplace import (abs_, absolute_, sin_, cos_, log_, log1p_, expm1_, rsqrt_, square_,
                      reciprocal_, sign_, erf_, negative_, logit_, fmod_, remainder_,
                      floor_divide_, subtract_, multiply_, divide_, true_divide_, digamma_,
                      lgamma_, erfc_, erfinv_, i0_, mvlgamma_, igamma_, igammac_, copysign_,
                      heaviside_, gcd_, lcm_, ldexp_, nextafter_, polygamma_, float_power_, eq_,
                      ne_, lt_, le_, gt_, ge_, greater_, greater_equal_, less_, less_equal_,
                      not_equal_)

# the public ops, for `from mytorch.ops import *` in mytorch/__init__.py: everything imported
# above but the submodules, the in-place forms (tensor methods) and what only tensor.py and the
# engine call
_INTERNAL = {"normalize_dim", "numpy_names", "NUMPY_NAMED", "getitem", "setitem",
             "sum_to", "standardize", "safe_softmax", "attention", "attention_steps"}
_INTERNAL |= {"unfold"}     # a Tensor method only: torch has no torch.unfold
_INTERNAL |= {"im2col", "col2im"}   # torch.nn.functional.unfold / fold only
_INTERNAL |= {"affine_grid", "grid_sample", "gumbel_softmax"}   # torch.nn.functional only
_INTERNAL |= {"i1"}             # torch.special.i1 only (mytorch.special)
_INTERNAL |= {"i0e", "i1e", "erfcx", "ndtr", "ndtri", "log_ndtr", "entr", "zeta", "xlog1py",
              "spherical_bessel_j0"}                           # torch.special only
_INTERNAL |= {"softshrink"}     # torch.nn.functional only
_INTERNAL |= {"max_pool2d_with_indices", "max_pool3d_with_indices", "lp_pool1d", "lp_pool2d",
              "lp_pool3d", "max_unpool1d", "max_unpool2d", "max_unpool3d",
              "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices",
              "adaptive_max_pool3d_with_indices"}            # torch.nn.functional only
__all__ = [name for name, value in list(globals().items())
           if not name.startswith("_") and not name.endswith("_") and name not in _INTERNAL
           and not isinstance(value, _types.ModuleType)]
