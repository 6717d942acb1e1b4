"""The Tensor: a backend array plus what autograd needs to know about it.

A tensor holds

    _data          the numbers: a numpy.ndarray (cpu) or cupy.ndarray (cuda), never a list
    _device        the `device` whose backend owns `_data`
    requires_grad  whether gradients flow to it
    grad           the accumulated gradient (a Tensor) once backward has run, for leaves
    grad_fn        the `Function` node that made it, or None for leaves
    _version       how many times it was changed in place; a `Function` that saved it for
                   backward compares versions and refuses to return a wrong gradient

Everything that computes lives in `mytorch.ops`. THE SEAM: the methods and operators of this
class (`x.exp()`, `x @ y`, `x[0] = 1`, `x.backward()`) forward to `mytorch.ops` and
`mytorch.autograd`, which sit above this file and import it; this is the one place where a lower
layer calls a higher one. They are bound through the module name `_ops` and `_autograd`,
imported at the bottom of this file.
"""
import builtins

from . import dtypes
from .printing import tensor_repr

_new = object.__new__


def _wrap(data, device, requires_grad=False):
    """A new tensor around a backend array (no copy, no checks): the fast internal constructor."""
    t = _new(Tensor)
    t._data = data
    t._device = device
    t._requires_grad = requires_grad
    t._grad = None
    t.grad_fn = None
    t._output_nr = 0
    t._vc = [0]
    t._base = None
    t._retains_grad = False
    t._hooks = None
    return t


class Tensor:
    """A multi-dimensional array with reverse-mode automatic differentiation.

    Make tensors with the factories (`mytorch.tensor`, `zeros`, `randn`, ...). `Tensor(data)`
    and `Tensor(2, 3)` (uninitialized, of that size) work too and, as `torch.Tensor`, always
    give the default float dtype.
    """

    __slots__ = ("_data", "_device", "_requires_grad", "_grad", "grad_fn", "_output_nr", "_vc",
                 "_base", "_retains_grad", "_hooks", "__weakref__")

    __array_priority__ = 1000    # NumPy defers to our operators: ndarray * Tensor -> Tensor

    def __init__(self, *data, device=None):
        from .factories import empty, tensor
        if data and all(isinstance(d, builtins.int) and not isinstance(d, builtins.bool)
                        for d in data):
            made = empty(*data, device=device)          # Tensor(2, 3): a 2×3 tensor
        else:
            made = tensor(data[0] if data else [], dtype=dtypes.get_default_dtype(),
                          device=device)
        for name in Tensor.__slots__[:-1]:
            setattr(self, name, getattr(made, name))

    # ---- what it is -------------------------------------------------------------------------

    @property
    def dtype(self):
        return dtypes.from_numpy_dtype(self._data.dtype)

    @property
    def device(self):
        return self._device

    @property
    def shape(self):
        return Size(self._data.shape)

    def size(self, dim=None):
        if dim is None:
            return Size(self._data.shape)
        if not self._data.ndim:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        return self._data.shape[_ops.normalize_dim(dim, self._data.ndim)]

    @property
    def ndim(self):
        return self._data.ndim

    def dim(self):
        return self._data.ndim

    def numel(self):
        return int(self._data.size)

    nelement = numel

    def element_size(self):
        return self._data.dtype.itemsize

    def stride(self, dim=None):
        """How many elements apart consecutive entries of each dimension sit in memory, as a
        tuple (one int for `dim`): (3, 1) for a contiguous 2×3 tensor, (1, 3) for its `.t()`,
        0 for an expanded dimension. A fresh empty tensor reports row-major strides, a size-0
        dimension counted as 1, as PyTorch (NumPy says 0 for all)."""
        data = self._data
        steps = tuple(s // data.itemsize for s in data.strides)
        if not data.size and not any(steps):
            steps = [1] * data.ndim
            for d in range(data.ndim - 2, -1, -1):
                steps[d] = steps[d + 1] * max(data.shape[d + 1], 1)
            steps = tuple(steps)
        if dim is None:
            return steps
        if not steps:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        return steps[_ops.normalize_dim(dim, len(steps))]

    @property
    def itemsize(self):
        return self._data.dtype.itemsize

    @property
    def nbytes(self):
        return int(self._data.nbytes)

    @property
    def is_cuda(self):
        return self._device.type == "cuda"

    def is_floating_point(self):
        return self._data.dtype.kind == "f"

    def is_contiguous(self):
        return bool(self._data.flags.c_contiguous)

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def _version(self):
        return self._vc[0]

    def _bump_version(self):
        self._vc[0] += 1

    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        self.requires_grad_(flag)

    def requires_grad_(self, requires_grad=True):
        """Set `requires_grad` of a leaf in place; only floating tensors can require grad."""
        if self.grad_fn is not None:
            if not requires_grad:
                raise RuntimeError("you can only change requires_grad flags of leaf variables. If you "
                                   "want to use a computed variable in a subgraph that doesn't require "
                                   "differentiation use var_no_grad = var.detach().")
            return self
        if requires_grad and self._data.dtype.kind != "f":
            raise RuntimeError(f"only Tensors of floating point dtype can require gradients, "
                               f"got a tensor of dtype {self.dtype}")
        self._requires_grad = bool(requires_grad)
        return self

    @property
    def data(self):
        """The same numbers, detached from the graph (shares memory and version)."""
        return self.detach()

    @data.setter
    def data(self, other):
        if not isinstance(other, Tensor):
            raise TypeError(f"data must be a Tensor, got {type(other).__name__}")
        self._data = other._data
        self._device = other._device

    @property
    def grad(self):
        """The gradient accumulated by backward (None until then, or after zero_grad)."""
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of "
                                f"type {type(value).__name__}")
            if value._data.dtype != self._data.dtype:
                raise RuntimeError(f"assigned grad has data of type {value.dtype} that differs "
                                   f"from the tensor's {self.dtype}")
            if value._device is not self._device:
                raise RuntimeError(f"assigned grad has data located on {value.device}, but the "
                                   f"tensor is on {self.device}")
            if value._data.shape != self._data.shape:
                raise RuntimeError(f"assigned grad has data of a different size: "
                                   f"{list(value.shape)} for a tensor of size {list(self.shape)}")
        self._grad = value

    @property
    def retains_grad(self):
        return self._retains_grad

    # ---- conversions to Python and NumPy ---------------------------------------------------

    def _host(self):
        """The data as a NumPy array (a copy off the cpu)."""
        return self._device.backend.to_host(self._data)

    def numpy(self, *, force=False):
        """The data as a NumPy array; shares memory on the cpu, as in PyTorch."""
        if self._requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. "
                               "Use tensor.detach().numpy() instead.")
        if self._device.type != "cpu" and not force:
            raise TypeError(f"can't convert {self._device} device type tensor to numpy. "
                            "Use Tensor.cpu() to copy the tensor to host memory first.")
        return self._host()

    def tolist(self):
        return self._host().tolist()

    def item(self):
        """The one value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._host().reshape(()).item()

    def __bool__(self):
        if self._data.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with more than one value is ambiguous"
                               if self._data.size else "Boolean value of Tensor with no values is ambiguous")
        return builtins.bool(self.item())

    def __float__(self):
        return builtins.float(self.item())

    def __int__(self):
        return builtins.int(self.item())

    def __index__(self):
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return builtins.int(self.item())

    def __complex__(self):
        return complex(self.item())

    def __format__(self, spec):
        if self._data.ndim == 0:
            return format(self.item(), spec)
        return object.__format__(self, spec)      # str(self); a format spec is a TypeError

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    def __array__(self, dtype=None, copy=None):
        a = self.numpy()        # refuses, as PyTorch, tensors that require grad or live off the cpu
        return a.astype(dtype) if dtype is not None else a

    def __repr__(self):
        return tensor_repr(self, self._host())

    __str__ = __repr__

    def __hash__(self):
        return id(self)

    def __reduce__(self):
        raise TypeError("mytorch tensors are not pickled; use mytorch.save, which never pickles")

    def __deepcopy__(self, memo):
        out = _wrap(self._data.copy(), self._device, self._requires_grad)
        if self.grad is not None:
            out.grad = _wrap(self.grad._data.copy(), self._device)
        memo[id(self)] = out
        return out

    # ---- autograd ---------------------------------------------------------------------------

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Accumulate d(self)/d(leaf) into `leaf.grad` for every leaf that requires grad."""
        _autograd.backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def retain_grad(self):
        """Keep `.grad` on this non-leaf tensor after backward."""
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is not None:
            self._retains_grad = True
            self.grad_fn._watch(self)

    def register_hook(self, hook):
        """Call `hook(grad)` when this tensor's gradient is computed; a returned tensor
        replaces the gradient. Returns a handle with `.remove()`."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._hooks is None:
            self._hooks = {}
        if self.grad_fn is not None:
            self.grad_fn._watch(self)
        return _HookHandle(self._hooks, hook)

    def detach(self):
        """The same data outside the graph: shares memory and version counter."""
        return _ops.detach(self)

    def detach_(self):
        if self._base is not None and self._base._requires_grad:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self.grad_fn = None
        self._requires_grad = False
        return self

    # ---- moving between devices and dtypes -----------------------------------------------

    def to(self, *args, **kwargs):
        """`to(dtype)`, `to(device)`, `to(device, dtype)`, `to(other_tensor)`; a new tensor
        (or self when nothing changes, as in PyTorch)."""
        return _ops.to(self, *args, **kwargs)

    def cpu(self):
        return _ops.to(self, "cpu")

    def cuda(self, device=None):
        return _ops.to(self, "cuda" if device is None else
                       (f"cuda:{device}" if isinstance(device, builtins.int) else device))

    def type_as(self, other):
        return _ops.to(self, other.dtype)

    def type(self, dtype=None, non_blocking=False):
        """Without an argument, PyTorch's name of this tensor's type with mytorch for torch:
        'mytorch.FloatTensor', 'mytorch.cuda.LongTensor'. With a dtype, the tensor cast to it
        (self when it already has that dtype); with such a name, also moved to its device."""
        names = {d: n + "Tensor" for d, n in dtypes.SCALAR_TYPE_NAMES.items()}
        if dtype is None:
            kind = "" if self._device.type == "cpu" else f"{self._device.type}."
            return f"mytorch.{kind}{names[self.dtype.name]}"
        if isinstance(dtype, str):
            parts = dtype.split(".")
            by_name = {name: d for d, name in names.items()}
            if len(parts) not in (2, 3) or parts[0] != "mytorch" or parts[-1] not in by_name:
                raise ValueError(f"invalid type: {dtype!r}")
            return _ops.to(self, parts[1] if len(parts) == 3 else "cpu",
                           dtypes.as_dtype(by_name[parts[-1]]), non_blocking=non_blocking)
        return _ops.to(self, dtypes.as_dtype(dtype), non_blocking=non_blocking)

    def float(self):
        return _ops.to(self, dtypes.float32)

    def double(self):
        return _ops.to(self, dtypes.float64)

    def half(self):
        return _ops.to(self, dtypes.float16)

    def long(self):
        return _ops.to(self, dtypes.int64)

    def int(self):
        return _ops.to(self, dtypes.int32)

    def bool(self):
        return _ops.to(self, dtypes.bool)

    def clone(self):
        return _ops.clone(self)

    def contiguous(self):
        return _ops.contiguous(self)

    # ---- new tensors like this one: same dtype and device unless given ----------------------

    def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False):
        from .factories import tensor
        return tensor(data, dtype=dtype or self.dtype, device=device or self._device,
                      requires_grad=requires_grad)

    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
        from .factories import zeros
        return zeros(*size, dtype=dtype or self.dtype, device=device or self._device,
                     requires_grad=requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
        from .factories import ones
        return ones(*size, dtype=dtype or self.dtype, device=device or self._device,
                    requires_grad=requires_grad)

    def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
        from .factories import empty
        return empty(*size, dtype=dtype or self.dtype, device=device or self._device,
                     requires_grad=requires_grad)

    def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
        from .factories import full
        return full(size, fill_value, dtype=dtype or self.dtype, device=device or self._device,
                    requires_grad=requires_grad)

    # ---- arithmetic operators ---------------------------------------------------------------

    def __add__(self, other):
        return _ops.add(self, other)

    def __radd__(self, other):
        return _ops.add(other, self)

    def __sub__(self, other):
        return _ops.sub(self, other)

    def __rsub__(self, other):
        return _ops.sub(other, self)

    def __mul__(self, other):
        return _ops.mul(self, other)

    def __rmul__(self, other):
        return _ops.mul(other, self)

    def __truediv__(self, other):
        return _ops.div(self, other)

    def __rtruediv__(self, other):
        return _ops.div(other, self)

    def __floordiv__(self, other):
        return _ops.floor_divide(self, other)

    def __rfloordiv__(self, other):
        return _ops.floor_divide(other, self)

    def __mod__(self, other):
        return _ops.remainder(self, other)

    def __rmod__(self, other):
        return _ops.remainder(other, self)

    def remainder(self, other):
        return _ops.remainder(self, other)

    def fmod(self, other):
        return _ops.fmod(self, other)

    def floor_divide(self, other):
        return _ops.floor_divide(self, other)

    def __pow__(self, other):
        return _ops.pow(self, other)

    def __rpow__(self, other):
        return _ops.pow(other, self)

    def __matmul__(self, other):
        return _ops.matmul(self, other)

    def __rmatmul__(self, other):
        return _ops.matmul(other, self)

    def __neg__(self):
        return _ops.neg(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _ops.abs(self)

    def __invert__(self):
        return _ops.bitwise_not(self)

    def __and__(self, other):
        return _ops.bitwise_and(self, other)

    __rand__ = __and__

    def __or__(self, other):
        return _ops.bitwise_or(self, other)

    __ror__ = __or__

    def __xor__(self, other):
        return _ops.bitwise_xor(self, other)

    __rxor__ = __xor__

    def __lshift__(self, other):
        return _ops.bitwise_left_shift(self, other)

    def __rlshift__(self, other):
        return _ops.bitwise_left_shift(other, self)

    def __rshift__(self, other):
        return _ops.bitwise_right_shift(self, other)

    def __rrshift__(self, other):
        return _ops.bitwise_right_shift(other, self)

    def __iand__(self, other):
        return _ops.bitwise_and_(self, other)

    def __ior__(self, other):
        return _ops.bitwise_or_(self, other)

    def __ixor__(self, other):
        return _ops.bitwise_xor_(self, other)

    def __ilshift__(self, other):
        return _ops.bitwise_left_shift_(self, other)

    def __irshift__(self, other):
        return _ops.bitwise_right_shift_(self, other)

    def bitwise_and(self, other):
        return _ops.bitwise_and(self, other)

    def bitwise_or(self, other):
        return _ops.bitwise_or(self, other)

    def bitwise_xor(self, other):
        return _ops.bitwise_xor(self, other)

    def bitwise_not(self):
        return _ops.bitwise_not(self)

    def bitwise_and_(self, other):
        return _ops.bitwise_and_(self, other)

    def bitwise_or_(self, other):
        return _ops.bitwise_or_(self, other)

    def bitwise_xor_(self, other):
        return _ops.bitwise_xor_(self, other)

    def bitwise_not_(self):
        return _ops.bitwise_not_(self)

    def bitwise_left_shift(self, other):
        return _ops.bitwise_left_shift(self, other)

    def bitwise_right_shift(self, other):
        return _ops.bitwise_right_shift(self, other)

    def bitwise_left_shift_(self, other):
        return _ops.bitwise_left_shift_(self, other)

    def bitwise_right_shift_(self, other):
        return _ops.bitwise_right_shift_(self, other)

    def __eq__(self, other):
        return _ops.eq(self, other)

    def __ne__(self, other):
        return _ops.ne(self, other)

    def __lt__(self, other):
        return _ops.lt(self, other)

    def __le__(self, other):
        return _ops.le(self, other)

    def __gt__(self, other):
        return _ops.gt(self, other)

    def __ge__(self, other):
        return _ops.ge(self, other)

    def __iadd__(self, other):
        return _ops.add_(self, other)

    def __isub__(self, other):
        return _ops.sub_(self, other)

    def __imul__(self, other):
        return _ops.mul_(self, other)

    def __itruediv__(self, other):
        return _ops.div_(self, other)

    def __getitem__(self, index):
        return _ops.getitem(self, index)

    def __setitem__(self, index, value):
        _ops.setitem(self, index, value)

    # ---- elementwise --------------------------------------------------------------------

    def add(self, other, *, alpha=1):
        return _ops.add(self, other, alpha=alpha)

    def sub(self, other, *, alpha=1):
        return _ops.sub(self, other, alpha=alpha)

    subtract = sub

    def mul(self, other):
        return _ops.mul(self, other)

    multiply = mul

    def div(self, other, *, rounding_mode=None):
        return _ops.div(self, other, rounding_mode=rounding_mode)

    divide = div
    true_divide = div

    def pow(self, exponent):
        return _ops.pow(self, exponent)

    def neg(self):
        return _ops.neg(self)

    negative = neg

    def abs(self):
        return _ops.abs(self)

    def sign(self):
        return _ops.sign(self)

    def exp(self):
        return _ops.exp(self)

    def log(self):
        return _ops.log(self)

    def log1p(self):
        return _ops.log1p(self)

    def expm1(self):
        return _ops.expm1(self)

    def sqrt(self):
        return _ops.sqrt(self)

    def rsqrt(self):
        return _ops.rsqrt(self)

    def reciprocal(self):
        return _ops.reciprocal(self)

    def square(self):
        return _ops.square(self)

    def sin(self):
        return _ops.sin(self)

    def cos(self):
        return _ops.cos(self)

    def tanh(self):
        return _ops.tanh(self)

    def sigmoid(self):
        return _ops.sigmoid(self)

    def relu(self):
        return _ops.relu(self)

    def hardshrink(self, lambd=0.5):
        return _ops.hardshrink(self, lambd)

    def erf(self):
        return _ops.erf(self)

    def clamp(self, min=None, max=None):
        return _ops.clamp(self, min, max)

    clip = clamp

    def maximum(self, other):
        return _ops.maximum(self, other)

    def minimum(self, other):
        return _ops.minimum(self, other)

    def where(self, condition, other):
        return _ops.where(condition, self, other)

    def masked_fill(self, mask, value):
        return _ops.masked_fill(self, mask, value)

    def eq(self, other):
        return _ops.eq(self, other)

    def ne(self, other):
        return _ops.ne(self, other)

    def lt(self, other):
        return _ops.lt(self, other)

    def le(self, other):
        return _ops.le(self, other)

    def gt(self, other):
        return _ops.gt(self, other)

    def ge(self, other):
        return _ops.ge(self, other)

    def equal(self, other):
        return _ops.equal(self, other)

    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return _ops.allclose(self, other, rtol, atol, equal_nan)

    def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return _ops.isclose(self, other, rtol, atol, equal_nan)

    def logical_and(self, other):
        return _ops.logical_and(self, other)

    def logical_or(self, other):
        return _ops.logical_or(self, other)

    def logical_xor(self, other):
        return _ops.logical_xor(self, other)

    def logical_not(self):
        return _ops.logical_not(self)

    def logical_and_(self, other):
        return _ops.logical_and_(self, other)

    def logical_or_(self, other):
        return _ops.logical_or_(self, other)

    def logical_xor_(self, other):
        return _ops.logical_xor_(self, other)

    def logical_not_(self):
        return _ops.logical_not_(self)

    def isnan(self):
        return _ops.isnan(self)

    def isinf(self):
        return _ops.isinf(self)

    def isfinite(self):
        return _ops.isfinite(self)

    # the newer elementwise functions (mytorch/ops/elementwise.py, arithmetic.py)

    def tan(self):
        return _ops.tan(self)

    def asin(self):
        return _ops.asin(self)

    arcsin = asin

    def acos(self):
        return _ops.acos(self)

    arccos = acos

    def atan(self):
        return _ops.atan(self)

    arctan = atan

    def sinh(self):
        return _ops.sinh(self)

    def cosh(self):
        return _ops.cosh(self)

    def asinh(self):
        return _ops.asinh(self)

    arcsinh = asinh

    def acosh(self):
        return _ops.acosh(self)

    arccosh = acosh

    def atanh(self):
        return _ops.atanh(self)

    arctanh = atanh

    def log2(self):
        return _ops.log2(self)

    def log10(self):
        return _ops.log10(self)

    def exp2(self):
        return _ops.exp2(self)

    def sinc(self):
        return _ops.sinc(self)

    def deg2rad(self):
        return _ops.deg2rad(self)

    def rad2deg(self):
        return _ops.rad2deg(self)

    def sgn(self):
        return _ops.sgn(self)

    def positive(self):
        return _ops.positive(self)

    def floor(self):
        return _ops.floor(self)

    def ceil(self):
        return _ops.ceil(self)

    def trunc(self):
        return _ops.trunc(self)

    fix = trunc

    def frac(self):
        return _ops.frac(self)

    def round(self, *, decimals=0):
        return _ops.round(self, decimals=decimals)

    def clamp_min(self, min):
        return _ops.clamp_min(self, min)

    def clamp_max(self, max):
        return _ops.clamp_max(self, max)

    def nan_to_num(self, nan=0.0, posinf=None, neginf=None):
        return _ops.nan_to_num(self, nan, posinf, neginf)

    def atan2(self, other):
        return _ops.atan2(self, other)

    arctan2 = atan2

    def logaddexp(self, other):
        return _ops.logaddexp(self, other)

    def hypot(self, other):
        return _ops.hypot(self, other)

    def xlogy(self, other):
        return _ops.xlogy(self, other)

    def lerp(self, end, weight):
        return _ops.lerp(self, end, weight)

    def addcmul(self, tensor1, tensor2, *, value=1):
        return _ops.addcmul(self, tensor1, tensor2, value=value)

    def addcdiv(self, tensor1, tensor2, *, value=1):
        return _ops.addcdiv(self, tensor1, tensor2, value=value)

    # their in-place forms (mytorch/ops/inplace.py; each bumps _version)

    def tan_(self):
        return _ops.tan_(self)

    def asin_(self):
        return _ops.asin_(self)

    arcsin_ = asin_

    def acos_(self):
        return _ops.acos_(self)

    arccos_ = acos_

    def atan_(self):
        return _ops.atan_(self)

    arctan_ = atan_

    def sinh_(self):
        return _ops.sinh_(self)

    def cosh_(self):
        return _ops.cosh_(self)

    def asinh_(self):
        return _ops.asinh_(self)

    arcsinh_ = asinh_

    def acosh_(self):
        return _ops.acosh_(self)

    arccosh_ = acosh_

    def atanh_(self):
        return _ops.atanh_(self)

    arctanh_ = atanh_

    def log2_(self):
        return _ops.log2_(self)

    def log10_(self):
        return _ops.log10_(self)

    def exp2_(self):
        return _ops.exp2_(self)

    def sinc_(self):
        return _ops.sinc_(self)

    def deg2rad_(self):
        return _ops.deg2rad_(self)

    def rad2deg_(self):
        return _ops.rad2deg_(self)

    def sgn_(self):
        return _ops.sgn_(self)

    def floor_(self):
        return _ops.floor_(self)

    def ceil_(self):
        return _ops.ceil_(self)

    def trunc_(self):
        return _ops.trunc_(self)

    fix_ = trunc_

    def frac_(self):
        return _ops.frac_(self)

    def round_(self, *, decimals=0):
        return _ops.round_(self, decimals=decimals)

    def clamp_min_(self, min):
        return _ops.clamp_min_(self, min)

    def clamp_max_(self, max):
        return _ops.clamp_max_(self, max)

    def nan_to_num_(self, nan=0.0, posinf=None, neginf=None):
        return _ops.nan_to_num_(self, nan, posinf, neginf)

    def atan2_(self, other):
        return _ops.atan2_(self, other)

    arctan2_ = atan2_

    def hypot_(self, other):
        return _ops.hypot_(self, other)

    def xlogy_(self, other):
        return _ops.xlogy_(self, other)

    # the special functions and the rest of the elementwise ops (mytorch/ops/special.py)

    def lgamma(self):
        return _ops.lgamma(self)

    def digamma(self):
        return _ops.digamma(self)

    def erfc(self):
        return _ops.erfc(self)

    def erfinv(self):
        return _ops.erfinv(self)

    def i0(self):
        return _ops.i0(self)

    def signbit(self):
        return _ops.signbit(self)

    def isposinf(self):
        return _ops.isposinf(self)

    def isneginf(self):
        return _ops.isneginf(self)

    def isreal(self):
        return _ops.isreal(self)

    def frexp(self):
        return _ops.frexp(self)

    def polygamma(self, n):
        return _ops.polygamma(n, self)

    def mvlgamma(self, p):
        return _ops.mvlgamma(self, p)

    def igamma(self, other):
        return _ops.igamma(self, other)

    def igammac(self, other):
        return _ops.igammac(self, other)

    def copysign(self, other):
        return _ops.copysign(self, other)

    def fmax(self, other):
        return _ops.fmax(self, other)

    def fmin(self, other):
        return _ops.fmin(self, other)

    def logaddexp2(self, other):
        return _ops.logaddexp2(self, other)

    def float_power(self, exponent):
        return _ops.float_power(self, exponent)

    def ldexp(self, other):
        return _ops.ldexp(self, other)

    def heaviside(self, values):
        return _ops.heaviside(self, values)

    def nextafter(self, other):
        return _ops.nextafter(self, other)

    def gcd(self, other):
        return _ops.gcd(self, other)

    def lcm(self, other):
        return _ops.lcm(self, other)

    absolute = abs

    # their in-place forms, and in-place forms of older ops

    def abs_(self):
        return _ops.abs_(self)

    def sin_(self):
        return _ops.sin_(self)

    def cos_(self):
        return _ops.cos_(self)

    def log_(self):
        return _ops.log_(self)

    def log1p_(self):
        return _ops.log1p_(self)

    def expm1_(self):
        return _ops.expm1_(self)

    def rsqrt_(self):
        return _ops.rsqrt_(self)

    def square_(self):
        return _ops.square_(self)

    def reciprocal_(self):
        return _ops.reciprocal_(self)

    def sign_(self):
        return _ops.sign_(self)

    def erf_(self):
        return _ops.erf_(self)

    def erfc_(self):
        return _ops.erfc_(self)

    def erfinv_(self):
        return _ops.erfinv_(self)

    def digamma_(self):
        return _ops.digamma_(self)

    def lgamma_(self):
        return _ops.lgamma_(self)

    def i0_(self):
        return _ops.i0_(self)

    def logit_(self, eps=None):
        return _ops.logit_(self, eps)

    def polygamma_(self, n):
        return _ops.polygamma_(self, n)

    def mvlgamma_(self, p):
        return _ops.mvlgamma_(self, p)

    def fmod_(self, other):
        return _ops.fmod_(self, other)

    def remainder_(self, other):
        return _ops.remainder_(self, other)

    def floor_divide_(self, other):
        return _ops.floor_divide_(self, other)

    def igamma_(self, other):
        return _ops.igamma_(self, other)

    def igammac_(self, other):
        return _ops.igammac_(self, other)

    def copysign_(self, other):
        return _ops.copysign_(self, other)

    def heaviside_(self, values):
        return _ops.heaviside_(self, values)

    def gcd_(self, other):
        return _ops.gcd_(self, other)

    def lcm_(self, other):
        return _ops.lcm_(self, other)

    def ldexp_(self, other):
        return _ops.ldexp_(self, other)

    def nextafter_(self, other):
        return _ops.nextafter_(self, other)

    def float_power_(self, exponent):
        return _ops.float_power_(self, exponent)

    def eq_(self, other):
        return _ops.eq_(self, other)

    def ne_(self, other):
        return _ops.ne_(self, other)

    def lt_(self, other):
        return _ops.lt_(self, other)

    def le_(self, other):
        return _ops.le_(self, other)

    def gt_(self, other):
        return _ops.gt_(self, other)

    def ge_(self, other):
        return _ops.ge_(self, other)

    def subtract_(self, other, *, alpha=1):
        return _ops.sub_(self, other, alpha=alpha)

    def multiply_(self, other):
        return _ops.mul_(self, other)

    def true_divide_(self, other):
        return _ops.div_(self, other)

    def absolute_(self):
        return _ops.abs_(self)

    def negative_(self):
        return _ops.neg_(self)

    def divide_(self, other, *, rounding_mode=None):
        return _ops.divide_(self, other, rounding_mode=rounding_mode)

    greater_, greater_equal_, less_, less_equal_, not_equal_ = gt_, ge_, lt_, le_, ne_
    greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne

    # ---- reductions ---------------------------------------------------------------------

    def sum(self, dim=None, keepdim=False, *, dtype=None):
        return _ops.sum(self, dim, keepdim, dtype=dtype)

    def mean(self, dim=None, keepdim=False, *, dtype=None):
        return _ops.mean(self, dim, keepdim, dtype=dtype)

    def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        return _ops.var(self, dim, unbiased, keepdim, correction=correction)

    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        return _ops.std(self, dim, unbiased, keepdim, correction=correction)

    def prod(self, dim=None, keepdim=False, *, dtype=None):
        return _ops.prod(self, dim, keepdim, dtype=dtype)

    def max(self, dim=None, keepdim=False):
        return _ops.max(self, dim, keepdim)

    def min(self, dim=None, keepdim=False):
        return _ops.min(self, dim, keepdim)

    def amax(self, dim=(), keepdim=False):
        return _ops.amax(self, dim, keepdim)

    def amin(self, dim=(), keepdim=False):
        return _ops.amin(self, dim, keepdim)

    def argmax(self, dim=None, keepdim=False):
        return _ops.argmax(self, dim, keepdim)

    def argmin(self, dim=None, keepdim=False):
        return _ops.argmin(self, dim, keepdim)

    def logsumexp(self, dim, keepdim=False):
        return _ops.logsumexp(self, dim, keepdim)

    def cumsum(self, dim, *, dtype=None):
        return _ops.cumsum(self, dim, dtype=dtype)

    def norm(self, p="fro", dim=None, keepdim=False):
        return _ops.norm(self, p, dim, keepdim)

    def softmax(self, dim):
        return _ops.softmax(self, dim)

    def log_softmax(self, dim):
        return _ops.log_softmax(self, dim)

    def all(self, dim=None, keepdim=False):
        return _ops.all(self, dim, keepdim)

    def any(self, dim=None, keepdim=False):
        return _ops.any(self, dim, keepdim)

    def cumprod(self, dim, *, dtype=None):
        return _ops.cumprod(self, dim, dtype=dtype)

    def logcumsumexp(self, dim):
        return _ops.logcumsumexp(self, dim)

    def cummax(self, dim):
        return _ops.cummax(self, dim)

    def cummin(self, dim):
        return _ops.cummin(self, dim)

    def median(self, dim=None, keepdim=False):
        return _ops.median(self, dim, keepdim)

    def nansum(self, dim=None, keepdim=False, *, dtype=None):
        return _ops.nansum(self, dim, keepdim, dtype=dtype)

    def nanmean(self, dim=None, keepdim=False, *, dtype=None):
        return _ops.nanmean(self, dim, keepdim, dtype=dtype)

    def count_nonzero(self, dim=None):
        return _ops.count_nonzero(self, dim)

    def aminmax(self, *, dim=None, keepdim=False):
        return _ops.aminmax(self, dim=dim, keepdim=keepdim)

    def quantile(self, q, dim=None, keepdim=False, *, interpolation="linear"):
        return _ops.quantile(self, q, dim, keepdim, interpolation=interpolation)

    def nanquantile(self, q, dim=None, keepdim=False, *, interpolation="linear"):
        return _ops.nanquantile(self, q, dim, keepdim, interpolation=interpolation)

    def histc(self, bins=100, min=0, max=0):
        return _ops.histc(self, bins, min, max)

    # ---- shape ----------------------------------------------------------------------------

    def view(self, *shape, dtype=None):
        """view(*shape): the same memory with a new shape; view(dtype): read as another dtype."""
        return _ops.view(self, *shape) if dtype is None else _ops.view(self, dtype, *shape)

    def reshape(self, *shape):
        return _ops.reshape(self, *shape)

    def view_as(self, other):
        return _ops.view(self, other.shape)

    def reshape_as(self, other):
        return _ops.reshape(self, other.shape)

    def permute(self, *dims):
        return _ops.permute(self, *dims)

    def transpose(self, dim0, dim1):
        return _ops.transpose(self, dim0, dim1)

    swapaxes = transpose

    def t(self):
        return _ops.t(self)

    @property
    def T(self):
        return _ops.permute(self, tuple(range(self._data.ndim - 1, -1, -1)))

    @property
    def mT(self):
        return _ops.transpose(self, -2, -1)

    def expand(self, *sizes):
        return _ops.expand(self, *sizes)

    def expand_as(self, other):
        return _ops.expand(self, other.shape)

    def broadcast_to(self, shape):
        return _ops.expand(self, shape)

    def squeeze(self, dim=None):
        return _ops.squeeze(self, dim)

    def unsqueeze(self, dim):
        return _ops.unsqueeze(self, dim)

    def flatten(self, start_dim=0, end_dim=-1):
        return _ops.flatten(self, start_dim, end_dim)

    def unflatten(self, dim, sizes):
        return _ops.unflatten(self, dim, sizes)

    def split(self, split_size_or_sections, dim=0):
        return _ops.split(self, split_size_or_sections, dim)

    def chunk(self, chunks, dim=0):
        return _ops.chunk(self, chunks, dim)

    def tensor_split(self, indices_or_sections, dim=0):
        return _ops.tensor_split(self, indices_or_sections, dim)

    def select(self, dim, index):
        return _ops.select(self, dim, index)

    def unbind(self, dim=0):
        return _ops.unbind(self, dim)

    def narrow(self, dim, start, length):
        return _ops.narrow(self, dim, start, length)

    def flip(self, *dims):
        return _ops.flip(self, *dims)

    def roll(self, shifts, dims=None):
        return _ops.roll(self, shifts, dims)

    def tril(self, diagonal=0):
        return _ops.tril(self, diagonal)

    def triu(self, diagonal=0):
        return _ops.triu(self, diagonal)

    def repeat(self, *sizes):
        return _ops.repeat(self, *sizes)

    def unfold(self, dimension, size, step):
        return _ops.unfold(self, dimension, size, step)

    def mode(self, dim=-1, keepdim=False):
        return _ops.mode(self, dim, keepdim)

    def fill_diagonal_(self, fill_value, wrap=False):
        return _ops.fill_diagonal_(self, fill_value, wrap)

    def repeat_interleave(self, repeats, dim=None, *, output_size=None):
        return _ops.repeat_interleave(self, repeats, dim, output_size=output_size)

    def bincount(self, weights=None, minlength=0):
        return _ops.bincount(self, weights, minlength)

    def unique(self, sorted=True, return_inverse=False, return_counts=False, dim=None):
        return _ops.unique(self, sorted, return_inverse, return_counts, dim)

    def logit(self, eps=None):
        return _ops.logit(self, eps)

    def tile(self, *dims):
        return _ops.tile(self, dims[0] if len(dims) == 1 and not isinstance(dims[0], builtins.int)
                         else dims)

    def movedim(self, source, destination):
        return _ops.movedim(self, source, destination)

    moveaxis = movedim

    def diag(self, diagonal=0):
        return _ops.diag(self, diagonal)

    def diagonal(self, offset=0, dim1=0, dim2=1):
        return _ops.diagonal(self, offset, dim1, dim2)

    def diag_embed(self, offset=0, dim1=-2, dim2=-1):
        return _ops.diag_embed(self, offset, dim1, dim2)

    def trace(self):
        return _ops.trace(self)

    def diff(self, n=1, dim=-1, prepend=None, append=None):
        return _ops.diff(self, n, dim, prepend, append)

    def rot90(self, k=1, dims=(0, 1)):
        return _ops.rot90(self, k, dims)

    def kron(self, other):
        return _ops.kron(self, other)

    # ---- indexing -------------------------------------------------------------------------

    def index_select(self, dim, index):
        return _ops.index_select(self, dim, index)

    def gather(self, dim, index):
        return _ops.gather(self, dim, index)

    def scatter(self, dim, index, src=None, *, value=None, reduce=None):
        return _ops.scatter(self, dim, index, src, value=value, reduce=reduce)

    def scatter_add(self, dim, index, src):
        return _ops.scatter_add(self, dim, index, src)

    def topk(self, k, dim=-1, largest=True, sorted=True):
        return _ops.topk(self, k, dim, largest, sorted)

    def sort(self, dim=-1, descending=False, stable=False):
        return _ops.sort(self, dim, descending, stable=stable)

    def argsort(self, dim=-1, descending=False, stable=False):
        return _ops.argsort(self, dim, descending, stable=stable)

    def nonzero(self, *, as_tuple=False):
        return _ops.nonzero(self, as_tuple=as_tuple)

    def argwhere(self):
        return _ops.argwhere(self)

    def masked_select(self, mask):
        return _ops.masked_select(self, mask)

    def take(self, index):
        return _ops.take(self, index)

    def take_along_dim(self, indices, dim=None):
        return _ops.take_along_dim(self, indices, dim)

    def index_add(self, dim, index, source, *, alpha=1):
        return _ops.index_add(self, dim, index, source, alpha=alpha)

    def index_copy(self, dim, index, source):
        return _ops.index_copy(self, dim, index, source)

    def index_fill(self, dim, index, value):
        return _ops.index_fill(self, dim, index, value)

    def masked_scatter(self, mask, source):
        return _ops.masked_scatter(self, mask, source)

    def scatter_(self, dim, index, src=None, *, value=None, reduce=None):
        return _ops.scatter_(self, dim, index, src, value=value, reduce=reduce)

    def scatter_add_(self, dim, index, src):
        return _ops.scatter_add_(self, dim, index, src)

    def index_add_(self, dim, index, source, *, alpha=1):
        return _ops.index_add_(self, dim, index, source, alpha=alpha)

    def index_copy_(self, dim, index, source):
        return _ops.index_copy_(self, dim, index, source)

    def index_fill_(self, dim, index, value):
        return _ops.index_fill_(self, dim, index, value)

    def masked_scatter_(self, mask, source):
        return _ops.masked_scatter_(self, mask, source)

    # ---- more reductions, shape and scatter ops (ops/*_extra.py) ----------------------------

    def kthvalue(self, k, dim=-1, keepdim=False):
        return _ops.kthvalue(self, k, dim, keepdim)

    def nanmedian(self, dim=None, keepdim=False):
        return _ops.nanmedian(self, dim, keepdim)

    def msort(self):
        return _ops.msort(self)

    def unique_consecutive(self, return_inverse=False, return_counts=False, dim=None):
        return _ops.unique_consecutive(self, return_inverse, return_counts, dim)

    def cov(self, *, correction=1, fweights=None, aweights=None):
        return _ops.cov(self, correction=correction, fweights=fweights, aweights=aweights)

    def corrcoef(self):
        return _ops.corrcoef(self)

    def dist(self, other, p=2):
        return _ops.dist(self, other, p)

    def renorm(self, p, dim, maxnorm):
        return _ops.renorm(self, p, dim, maxnorm)

    def renorm_(self, p, dim, maxnorm):
        return _ops.inplace._inplace(self, _ops.renorm, p, dim, maxnorm)

    def histogram(self, bins=100, *, range=None, weight=None, density=False):
        return _ops.histogram(self, bins, range=range, weight=weight, density=density)

    def diagflat(self, offset=0):
        return _ops.diagflat(self, offset)

    def fliplr(self):
        return _ops.fliplr(self)

    def flipud(self):
        return _ops.flipud(self)

    def hsplit(self, indices_or_sections):
        return _ops.hsplit(self, indices_or_sections)

    def vsplit(self, indices_or_sections):
        return _ops.vsplit(self, indices_or_sections)

    def dsplit(self, indices_or_sections):
        return _ops.dsplit(self, indices_or_sections)

    def split_with_sizes(self, split_sizes, dim=0):
        return _ops.split_with_sizes(self, split_sizes, dim)

    swapdims = transpose

    def t_(self):
        return _ops.t_(self)

    def transpose_(self, dim0, dim1):
        return _ops.transpose_(self, dim0, dim1)

    swapdims_ = swapaxes_ = transpose_

    def squeeze_(self, dim=None):
        return _ops.squeeze_(self, dim)

    def unsqueeze_(self, dim):
        return _ops.unsqueeze_(self, dim)

    def ravel(self):
        return _ops.ravel(self)

    def narrow_copy(self, dim, start, length):
        return _ops.narrow_copy(self, dim, start, length)

    def inner(self, other):
        return _ops.inner(self, other)

    def vdot(self, other):
        return _ops.vdot(self, other)

    def as_strided(self, size, stride, storage_offset=None):
        return _ops.as_strided(self, size, stride, storage_offset)

    def scatter_reduce(self, dim, index, src, reduce, *, include_self=True):
        return _ops.scatter_reduce(self, dim, index, src, reduce, include_self=include_self)

    def scatter_reduce_(self, dim, index, src, reduce, *, include_self=True):
        return _ops.scatter_reduce_(self, dim, index, src, reduce, include_self=include_self)

    def index_reduce(self, dim, index, source, reduce, *, include_self=True):
        return _ops.index_reduce(self, dim, index, source, reduce, include_self=include_self)

    def index_reduce_(self, dim, index, source, reduce, *, include_self=True):
        return _ops.index_reduce_(self, dim, index, source, reduce, include_self=include_self)

    def index_put(self, indices, values, accumulate=False):
        return _ops.index_put(self, indices, values, accumulate)

    def index_put_(self, indices, values, accumulate=False):
        return _ops.index_put_(self, indices, values, accumulate)

    def put(self, index, source, accumulate=False):
        return _ops.put(self, index, source, accumulate)

    def put_(self, index, source, accumulate=False):
        return _ops.put_(self, index, source, accumulate)

    def slice_scatter(self, src, dim=0, start=None, end=None, step=1):
        return _ops.slice_scatter(self, src, dim, start, end, step)

    def select_scatter(self, src, dim, index):
        return _ops.select_scatter(self, src, dim, index)

    def diagonal_scatter(self, src, offset=0, dim1=0, dim2=1):
        return _ops.diagonal_scatter(self, src, offset, dim1, dim2)

    # ---- small facts about a tensor ------------------------------------------------------

    def is_same_size(self, other):
        return self.shape == other.shape

    def is_signed(self):
        return self.dtype.is_signed

    def is_nonzero(self):
        """The truth of a one-element tensor (PyTorch's errors for any other)."""
        n = self.numel()
        if n != 1:
            raise RuntimeError("Boolean value of Tensor with no values is ambiguous" if n == 0
                               else "Boolean value of Tensor with more than one value is "
                                    "ambiguous")
        return builtins.bool(self.item())

    ndimension = dim

    def get_device(self):
        """The device index (-1 on the cpu)."""
        return -1 if self._device.index is None else self._device.index

    @property
    def is_cpu(self):
        return self._device.type == "cpu"

    def storage_offset(self):
        """How many elements lie before this tensor's first in the memory it views."""
        return _ops.conversion._storage_offset(self)

    def data_ptr(self):
        """The address of the first element in memory."""
        return _ops.conversion._address(self._data)

    def new_empty_strided(self, size, stride, *, dtype=None, device=None, requires_grad=False):
        """An uninitialized tensor with the given sizes and strides (in elements)."""
        from .factories import empty
        needed = 0 if 0 in size else 1 + builtins.sum((n - 1) * s for n, s in zip(size, stride))
        storage = empty(needed, dtype=dtype or self.dtype, device=device or self._device)
        return _ops.as_strided(storage, size, stride, 0).requires_grad_(requires_grad)

    def sum_to_size(self, *size):
        """The sum over the dimensions that `size` broadcasts into this tensor's shape."""
        size = _ops.shape._shape_args(size, "sum_to_size")
        try:
            fits = _ops.broadcast_shapes(size, self.shape) == tuple(self.shape)
        except RuntimeError:
            fits = False
        if not fits:
            raise RuntimeError(f"size {{{list(size)}}} is not expandable to size "
                               f"{{{list(self.shape)}}}.")
        return _ops.sum_to(self, size)

    # ---- linear algebra -------------------------------------------------------------------

    def matmul(self, other):
        return _ops.matmul(self, other)

    def mm(self, other):
        return _ops.mm(self, other)

    def bmm(self, other):
        return _ops.bmm(self, other)

    def dot(self, other):
        return _ops.dot(self, other)

    def outer(self, other):
        return _ops.outer(self, other)

    def det(self):
        return _ops.det(self)

    def inverse(self):
        return _ops.inverse(self)

    def slogdet(self):
        return _ops.slogdet(self)

    def matrix_power(self, n):
        return _ops.matrix_power(self, n)

    def cholesky(self, upper=False):
        return _ops.cholesky(self, upper)

    def qr(self, some=True):
        return _ops.qr(self, some)

    def svd(self, some=True, compute_uv=True):
        return _ops.svd(self, some, compute_uv)

    def cholesky_solve(self, input2, upper=False):
        return _ops.cholesky_solve(self, input2, upper)

    def cholesky_inverse(self, upper=False):
        return _ops.cholesky_inverse(self, upper)

    def lu_solve(self, LU_data, LU_pivots):
        return _ops.lu_solve(self, LU_data, LU_pivots)

    def pinverse(self, rcond=1e-15):
        return _ops.pinverse(self, rcond)

    def logdet(self):
        return _ops.logdet(self)

    def cross(self, other, dim=None):
        return _ops.cross(self, other, dim)

    def triangular_solve(self, A, upper=True, transpose=False, unitriangular=False):
        return _ops.triangular_solve(self, A, upper, transpose, unitriangular)

    def matrix_exp(self):
        return _ops.matrix_exp(self)

    # ---- sampling -------------------------------------------------------------------------

    def multinomial(self, num_samples, replacement=False, *, generator=None):
        return _ops.multinomial(self, num_samples, replacement, generator=generator)

    def bernoulli(self, *, generator=None):
        return _ops.bernoulli(self, generator=generator)

    # ---- in place (each bumps _version) ----------------------------------------------------

    def add_(self, other, *, alpha=1):
        return _ops.add_(self, other, alpha=alpha)

    def sub_(self, other, *, alpha=1):
        return _ops.sub_(self, other, alpha=alpha)

    def mul_(self, other):
        return _ops.mul_(self, other)

    def div_(self, other):
        return _ops.div_(self, other)

    def pow_(self, exponent):
        return _ops.pow_(self, exponent)

    def clamp_(self, min=None, max=None):
        return _ops.clamp_(self, min, max)

    clip_ = clamp_

    def masked_fill_(self, mask, value):
        return _ops.masked_fill_(self, mask, value)

    def zero_(self):
        return _ops.fill_(self, 0)

    def fill_(self, value):
        return _ops.fill_(self, value)

    def copy_(self, src):
        return _ops.copy_(self, src)

    def exp_(self):
        return _ops.exp_(self)

    def relu_(self):
        return _ops.relu_(self)

    def sigmoid_(self):
        return _ops.sigmoid_(self)

    def tanh_(self):
        return _ops.tanh_(self)

    def neg_(self):
        return _ops.neg_(self)

    def sqrt_(self):
        return _ops.sqrt_(self)

    def addcmul_(self, tensor1, tensor2, *, value=1):
        return _ops.addcmul_(self, tensor1, tensor2, value=value)

    def addcdiv_(self, tensor1, tensor2, *, value=1):
        return _ops.addcdiv_(self, tensor1, tensor2, value=value)

    def lerp_(self, end, weight):
        return _ops.lerp_(self, end, weight)

    def uniform_(self, a=0.0, b=1.0, *, generator=None):
        return _ops.uniform_(self, a, b, generator=generator)

    def normal_(self, mean=0.0, std=1.0, *, generator=None):
        return _ops.normal_(self, mean, std, generator=generator)

    def bernoulli_(self, p=0.5, *, generator=None):
        return _ops.bernoulli_(self, p, generator=generator)

    def random_(self, *bounds, **kwargs):
        """random_(), random_(to), random_(from, to), random_(from, None); see ops.random_."""
        return _ops.random_(self, *bounds, **kwargs)

    def apply_(self, callable):
        return _ops.apply_(self, callable)

    def map_(self, other, callable):
        return _ops.map_(self, other, callable)


class Size(tuple):
    """A tensor's shape: a tuple that prints as `mytorch.Size([2, 3])`."""

    __slots__ = ()

    def __repr__(self):
        return f"mytorch.Size({list(self)})"

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, item):
        out = tuple.__getitem__(self, item)
        return Size(out) if isinstance(item, slice) else out


class _HookHandle:
    """Returned by `register_hook`; `remove()` unregisters the hook."""

    _next_id = 0

    def __init__(self, hooks, hook):
        _HookHandle._next_id += 1
        self.id = _HookHandle._next_id
        self._hooks = hooks
        hooks[self.id] = hook

    def remove(self):
        self._hooks.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def is_tensor(obj):
    return isinstance(obj, Tensor)


def is_floating_point(input):
    return input.is_floating_point()


# The seam (see the module docstring): imported last, because both import Tensor from here.
from . import ops as _ops          # noqa: E402
from . import autograd as _autograd  # noqa: E402

for _name in _ops.NUMPY_NAMED:     # x.sum(axis=0, keepdims=True), as PyTorch takes it
    if _name in Tensor.__dict__:
        setattr(Tensor, _name, _ops.numpy_names(Tensor.__dict__[_name]))
del _name
