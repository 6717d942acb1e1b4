"""`mytorch.nn.utils.parametrizations`: ready-made parametrizations, as
`torch.nn.utils.parametrizations`, each registered with `parametrize.register_parametrization`.

    weight_norm(m)     w = g · v/‖v‖, with g = original0, v = original1
    spectral_norm(m)   W / σ(W), σ estimated by power iteration (buffers _u, _v)
    orthogonal(m)      Q with QᵀQ = I (or QQᵀ = I for a wide matrix), through the matrix
                       exponential, the Cayley map or Householder reflectors of the original

Real tensors only (mytorch has no complex dtypes).
"""
from enum import Enum, auto

from ... import ops
from ...autograd import no_grad
from ...dtypes import finfo
from ...factories import eye, randn, zeros_like
from ...linalg import matrix_exp, qr, solve
from ...tensor import Tensor
from .. import functional as F
from ..module import Module
from . import parametrize
from .spectral_norm import _output_dim
from .weight_norm import _weight_norm, norm_except_dim

__all__ = ["orthogonal", "spectral_norm", "weight_norm"]


# ---- orthogonal --------------------------------------------------------------------------------

def _householder_product(A, tau):
    """The first k columns of H₀·H₁···H_{k−1}, Hᵢ = I − τᵢ·vᵢvᵢᵀ, where vᵢ is column i of A
    (n × k) below the diagonal with a 1 on it (torch.linalg.householder_product). Applied to
    the first k columns of I from the last reflector on: Q ← Q − τᵢ·vᵢ(vᵢᵀQ)."""
    n, k = A.shape[-2], A.shape[-1]
    V = A.tril(-1) + eye(n, k, dtype=A.dtype, device=A.device)
    Q = eye(n, k, dtype=A.dtype, device=A.device)
    for i in reversed(range(k)):
        v = V[..., :, i:i + 1]
        Q = Q - tau[..., i:i + 1].unsqueeze(-1) * (v @ (v.mT @ Q))
    return Q


def _is_orthogonal(Q):
    n, k = Q.shape[-2], Q.shape[-1]
    identity = eye(k, dtype=Q.dtype, device=Q.device)
    return ops.allclose(Q.mT @ Q, identity, atol=10.0 * n * finfo(Q.dtype).eps)


def _make_orthogonal(A):
    """The Q of A = QR (A tall), signs chosen so that diag(R) ≥ 0."""
    Q, R = qr(A)
    return Q * R.diagonal(dim1=-2, dim2=-1).sgn().unsqueeze(-2)


class _OrthMaps(Enum):
    matrix_exp = auto()
    cayley = auto()
    householder = auto()


class _Orthogonal(Module):
    """Q(X) orthogonal for any X of the weight's shape (n ≥ k; a wide X is transposed first):
    matrix_exp / cayley take the skew-symmetric A = L − Lᵀ of X's lower triangle L and give the
    first k columns of exp(A) or (I − A/2)⁻¹(I + A/2); householder multiplies the reflectors
    stored below X's diagonal (signs from its diagonal). With use_trivialization, Q is
    left-multiplied by the buffer `base`, an orthogonal matrix that right_inverse sets."""

    def __init__(self, weight, orthogonal_map, *, use_trivialization=True):
        super().__init__()
        self.shape = weight.shape
        self.orthogonal_map = orthogonal_map
        if use_trivialization:
            self.register_buffer("base", None)

    def forward(self, X):
        n, k = X.shape[-2], X.shape[-1]
        transposed = n < k
        if transposed:
            X = X.mT
            n, k = k, n
        if self.orthogonal_map in (_OrthMaps.matrix_exp, _OrthMaps.cayley):
            X = X.tril()
            if n != k:
                X = ops.cat([X, X.new_zeros(n, n - k).expand(*X.shape[:-2], -1, -1)], dim=-1)
            A = X - X.mT
            if self.orthogonal_map == _OrthMaps.matrix_exp:
                Q = matrix_exp(A)
            else:
                identity = eye(n, dtype=A.dtype, device=A.device)
                Q = solve(identity - 0.5 * A, identity + 0.5 * A)
            if n != k:
                Q = Q[..., :k]
        else:
            A = X.tril(-1)
            tau = 2.0 / (1.0 + (A * A).sum(dim=-2))
            Q = _householder_product(A, tau)
            Q = Q * X.diagonal(dim1=-2, dim2=-1).int().unsqueeze(-2)
        if hasattr(self, "base"):
            Q = self.base @ Q
        return Q.mT if transposed else Q

    def right_inverse(self, Q):
        """An X with forward(X) = Q: with the trivialization, `base` becomes Q (orthogonalized
        by QR if it is not orthogonal, completed to a square one if it is not square) and X is
        −I, which forward maps to I."""
        if Q.shape != self.shape:
            raise ValueError(f"Expected a matrix or batch of matrices of shape {self.shape}. "
                             f"Got a tensor of shape {Q.shape}.")
        if not hasattr(self, "base"):
            raise NotImplementedError("It is not possible to assign to the matrix exponential "
                                      "or the Cayley parametrizations when "
                                      "use_trivialization=False.")
        with no_grad():
            Q_init = Q
            n, k = Q.shape[-2], Q.shape[-1]
            if n < k:
                Q = Q.mT
                n, k = k, n
            if n == k:
                Q = Q.clone() if _is_orthogonal(Q) else _make_orthogonal(Q)
            else:
                N = randn(*(tuple(Q.shape[:-2]) + (n, n - k)), dtype=Q.dtype, device=Q.device)
                Q = _make_orthogonal(ops.cat([Q, N], dim=-1))
            self.base = Q
            return -eye(Q_init.shape[-2], Q_init.shape[-1], dtype=Q.dtype, device=Q.device) \
                + zeros_like(Q_init)


def orthogonal(module, name="weight", orthogonal_map=None, *, use_trivialization=True):
    """Parametrize the matrix (or batch of matrices) `module.<name>` as orthogonal: QᵀQ = I
    when it is tall or square, QQᵀ = I when wide. orthogonal_map: "matrix_exp" (Q = exp(A)),
    "cayley" (Q = (I − A/2)⁻¹(I + A/2)), A skew-symmetric, or "householder" (a product of
    reflectors); default matrix_exp for a square matrix, householder otherwise. The initial Q
    is the tensor itself if orthogonal, else its QR orthogonalization. use_trivialization=True
    (default) keeps a base matrix, `parametrizations.<name>[0].base`, that Q multiplies (the
    dynamic trivialization of Lezcano-Casado, arXiv:1909.09501). Returns the module."""
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if weight.ndim < 2:
        raise ValueError("Expected a matrix or batch of matrices. "
                         f"Got a tensor of {weight.ndim} dimensions.")
    if orthogonal_map is None:
        orthogonal_map = "matrix_exp" if weight.shape[-2] == weight.shape[-1] else "householder"
    orth_enum = getattr(_OrthMaps, orthogonal_map, None)
    if orth_enum is None:
        raise ValueError('orthogonal_map has to be one of "matrix_exp", "cayley", "householder". '
                         f"Got: {orthogonal_map}")
    if orth_enum == _OrthMaps.householder and not use_trivialization:
        # PyTorch's right_inverse here stores the QR reflectors from geqrf, which mytorch lacks
        raise NotImplementedError("orthogonal(): orthogonal_map='householder' with "
                                  "use_trivialization=False needs geqrf, which mytorch does not "
                                  "have; use use_trivialization=True or another map")
    orth = _Orthogonal(weight, orth_enum, use_trivialization=use_trivialization)
    parametrize.register_parametrization(module, name, orth, unsafe=True)
    return module


# ---- weight norm -------------------------------------------------------------------------------

class _WeightNorm(Module):
    """w = g · v/‖v‖ from (g, v) = (original0, original1); right_inverse(w) = (‖w‖, w)."""

    def __init__(self, dim=0):
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g, weight_v):
        return _weight_norm(weight_v, weight_g, self.dim)

    def right_inverse(self, weight):
        return norm_except_dim(weight, 2, self.dim), weight


def weight_norm(module, name="weight", dim=0):
    """Weight normalization (Salimans & Kingma, arXiv:1602.07868) as a parametrization:
    `module.<name>` = g · v/‖v‖, the magnitude g at `parametrizations.<name>.original0` and the
    direction v at `original1`; ‖v‖ is over every dim but `dim` (all of v when None). Returns
    the module."""
    parametrize.register_parametrization(module, name, _WeightNorm(dim), unsafe=True)
    return module


# ---- spectral norm -----------------------------------------------------------------------------

class _SpectralNorm(Module):
    """W / σ(W) with σ = uᵀ·W·v, u and v (buffers _u, _v) the leading singular vectors of W as
    a matrix (dim `dim` first), refined by n_power_iterations power steps per training-mode
    evaluation (15 at construction); a vector is simply normalized."""

    def __init__(self, weight, n_power_iterations=1, dim=0, eps=1e-12):
        super().__init__()
        ndim = weight.ndim
        if dim >= ndim or dim < -ndim:
            raise IndexError("Dimension out of range (expected to be in range of "
                             f"[-{ndim}, {ndim - 1}] but got {dim})")
        if n_power_iterations <= 0:
            raise ValueError("Expected n_power_iterations to be positive, but got "
                             f"n_power_iterations={n_power_iterations}")
        self.dim = dim if dim >= 0 else dim + ndim
        self.eps = eps
        if ndim > 1:
            self.n_power_iterations = n_power_iterations
            weight_mat = self._reshape_weight_to_matrix(weight)
            h, w = weight_mat.shape
            with no_grad():
                u = weight_mat.new_empty(h).normal_(0, 1)
                v = weight_mat.new_empty(w).normal_(0, 1)
                self.register_buffer("_u", F.normalize(u, dim=0, eps=self.eps))
                self.register_buffer("_v", F.normalize(v, dim=0, eps=self.eps))
            self._power_method(weight_mat, 15)

    def _reshape_weight_to_matrix(self, weight):
        if self.dim != 0:
            weight = weight.permute(self.dim, *(d for d in range(weight.dim()) if d != self.dim))
        return weight.flatten(1)

    def _power_method(self, weight_mat, n_power_iterations):
        """u ← normalize(W·v), v ← normalize(Wᵀ·u), in place in the buffers."""
        with no_grad():
            for _ in range(n_power_iterations):
                self._u.copy_(F.normalize(ops.mv(weight_mat, self._v), dim=0, eps=self.eps))
                self._v.copy_(F.normalize(ops.mv(weight_mat.mT, self._u), dim=0, eps=self.eps))

    def forward(self, weight):
        if weight.ndim == 1:
            return F.normalize(weight, dim=0, eps=self.eps)
        weight_mat = self._reshape_weight_to_matrix(weight)
        if self.training:
            self._power_method(weight_mat, self.n_power_iterations)
        u, v = self._u.clone(), self._v.clone()      # the next in-place step must not touch these
        sigma = ops.dot(u, ops.mv(weight_mat, v))
        return weight / sigma

    def right_inverse(self, value):
        return value


def spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
    """Spectral normalization (Miyato et al., arXiv:1802.05957) as a parametrization:
    `module.<name>` = W / σ(W), σ the largest singular value of W seen as a matrix with dim
    `dim` (default 0; 1 for ConvTranspose) first, estimated by power iteration
    (`n_power_iterations` steps at every access in training mode). Returns the module."""
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    parametrize.register_parametrization(
        module, name, _SpectralNorm(weight, n_power_iterations, _output_dim(module, dim), eps))
    return module
