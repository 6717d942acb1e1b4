"""Every remaining user-facing error of the tensor and engine layer, with its class and text."""
import numpy as np
import pytest

import mytorch as mt


def test_int_tensor_cannot_require_grad():
    with pytest.raises(RuntimeError, match="only Tensors of floating point dtype can require "
                                           "gradients"):
        mt.tensor([1, 2], requires_grad=True)
    with pytest.raises(RuntimeError, match="only Tensors of floating point dtype"):
        mt.zeros(2, dtype=mt.int64).requires_grad_()
    with pytest.raises(RuntimeError, match="only Tensors of floating point dtype"):
        mt.arange(3, requires_grad=True)


def test_shape_mismatch_in_add_names_both_shapes(device):
    a = mt.zeros(2, 3, device=device)
    b = mt.zeros(4, device=device)
    with pytest.raises(RuntimeError, match=r"The size of tensor a \(3\) must match the size of "
                                           r"tensor b \(4\) at non-singleton dimension 1") as info:
        a + b
    assert "[2, 3]" in str(info.value) and "[4]" in str(info.value)
    assert "(in add)" in str(info.value)


def test_shape_mismatch_in_mul_with_grad(device):
    a = mt.zeros(3, device=device, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"shapes \[3\] and \[2\] cannot be broadcast together "
                                           r"\(in mul\)"):
        a * mt.zeros(2, device=device)


def test_inplace_shape_mismatch():
    with pytest.raises(RuntimeError, match=r"doesn't match the broadcast shape"):
        mt.zeros(3).add_(mt.zeros(2, 3))


def test_inplace_cast_to_int_refused():
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output "
                                           "type Long"):
        mt.zeros(2, dtype=mt.int64).add_(mt.tensor([0.5, 1.5]))


def test_non_scalar_backward():
    x = mt.zeros(2, 2, requires_grad=True)
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar "
                                           "outputs"):
        (x * 2).backward()


def test_backward_on_tensor_without_grad():
    with pytest.raises(RuntimeError, match="does not require grad and does not have a grad_fn"):
        mt.ones(2).sum().backward()
    x = mt.ones(2, requires_grad=True)
    with mt.no_grad():
        y = (x * 2).sum()
    with pytest.raises(RuntimeError, match="does not require grad and does not have a grad_fn"):
        y.backward()


def test_grad_of_input_not_requiring_grad():
    x = mt.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="One of the differentiated Tensors does not require "
                                           "grad"):
        mt.autograd.grad((x * 2).sum(), mt.ones(2))


def test_item_on_multi_element_tensor():
    with pytest.raises(RuntimeError, match="a Tensor with 2 elements cannot be converted to "
                                           "Scalar"):
        mt.zeros(2).item()
    with pytest.raises(RuntimeError, match="cannot be converted to Scalar"):
        float(mt.zeros(3))


@pytest.mark.parametrize("bad", ["floatx", 5, np.complex64, "complex64"])
def test_bad_dtype_argument(bad):
    with pytest.raises(TypeError, match="dtype must be a mytorch dtype such as mytorch.float32"):
        mt.zeros(2, dtype=bad)


def test_bad_dtype_in_to():
    with pytest.raises(TypeError, match="dtype must be a mytorch dtype"):
        mt.zeros(2).to(dtype="nonsense")
    with pytest.raises(TypeError, match="dtype must be a mytorch dtype"):
        mt.zeros(2).to(2.5)
    with pytest.raises(RuntimeError, match="device type at start of device string"):
        mt.zeros(2).to("nonsense")          # a string names a device, as in PyTorch


def test_unsupported_numpy_dtype():
    with pytest.raises(TypeError, match="can't convert array of dtype complex128"):
        mt.from_numpy(np.zeros(2, dtype=np.complex128))


@pytest.mark.parametrize("spec, match", [
    ("tpu", "Expected one of .*device type at start of device string: 'tpu'"),
    ("cuda:x", "Invalid device string: 'cuda:x'"),
    ("cpu:0:1", "Invalid device string"),
])
def test_invalid_device_string(spec, match):
    with pytest.raises(RuntimeError, match=match):
        mt.device(spec)
    with pytest.raises(RuntimeError, match=match):
        mt.zeros(2, device=spec)


def test_device_of_wrong_type():
    with pytest.raises(TypeError, match="device\\(\\) expects a string"):
        mt.device(3.5)


def test_negative_size():
    with pytest.raises(RuntimeError, match="negative dimension -1"):
        mt.zeros(2, -1)
    with pytest.raises(TypeError, match="size must be a sequence of ints"):
        mt.ones(2.5)


def test_randint_bounds():
    with pytest.raises(RuntimeError, match="expects 'from' to be less than 'to'"):
        mt.randint(5, 5, (2,))


def test_generator_device_mismatch():
    g = mt.Generator("strict")
    with pytest.raises(RuntimeError, match="Expected a 'cpu' device type for generator but found "
                                           "'strict'"):
        mt.randn(2, generator=g, device="cpu")


def test_ragged_nested_list():
    with pytest.raises(ValueError, match="rectangular"):
        mt.tensor([[1, 2], [3]])


def test_uninferable_data():
    with pytest.raises(TypeError, match="Could not infer dtype of str"):
        mt.tensor(["a"])


def test_retain_grad_and_hook_need_requires_grad():
    with pytest.raises(RuntimeError, match="can't retain_grad on Tensor that has "
                                           "requires_grad=False"):
        mt.ones(2).retain_grad()
    with pytest.raises(RuntimeError, match="cannot register a hook on a tensor that doesn't "
                                           "require gradient"):
        mt.ones(2).register_hook(lambda g: g)


@pytest.mark.parametrize("returned, message", [
    (lambda g: g, r"returned an incorrect number of gradients \(expected 2, got 1\)"),
    (lambda g: (), r"returned an incorrect number of gradients \(expected 2, got 0\)"),
    (lambda g: (mt.ones(5), g), r"returned an invalid gradient at index 0"),
    (lambda g: (g, mt.ones(5)), r"returned an invalid gradient at index 1 - got \[5\]"),
])
def test_custom_function_returning_wrong_gradients(returned, message):
    class Bad(mt.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            return a * b

        @staticmethod
        def backward(ctx, g):
            return returned(g)

    a = mt.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match=message):
        Bad.apply(a, a).sum().backward()


def test_custom_function_with_init_is_refused():
    with pytest.raises(TypeError, match="Stateful: a Function subclass must not define __init__"):
        class Stateful(mt.autograd.Function):
            def __init__(self, scale):
                self.scale = scale

            @staticmethod
            def forward(ctx, x):
                return x


def test_numpy_of_grad_tensor():
    with pytest.raises(RuntimeError, match=r"Use tensor.detach\(\).numpy\(\) instead"):
        mt.ones(2, requires_grad=True).numpy()


def test_index_with_float_tensor():
    with pytest.raises(TypeError, match="only integer tensors of a single element can be "
                                        "converted to an index"):
        [1, 2][mt.tensor(0.0)]


def test_requires_grad_false_on_non_leaf():
    y = mt.ones(2, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="you can only change requires_grad flags of leaf "
                                           "variables"):
        y.requires_grad = False


@pytest.mark.parametrize("bad, exc, match", [
    (lambda: mt.zeros(2), RuntimeError, r"assigned grad has data of a different size: \[2\]"),
    (lambda: mt.zeros(3, dtype=mt.float64), RuntimeError, "assigned grad has data of type"),
    (lambda: 5, TypeError, "assigned grad expected to be a Tensor or None"),
])
def test_assigning_a_wrong_grad(bad, exc, match):
    x = mt.zeros(3, requires_grad=True)
    with pytest.raises(exc, match=match):
        x.grad = bad()
    assert x.grad is None


def test_assigning_a_grad_on_another_device():
    x = mt.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="assigned grad has data located on strict"):
        x.grad = mt.zeros(3, device="strict")


@pytest.mark.parametrize("make, match", [
    (lambda: mt.linear(mt.zeros(2, 3), mt.zeros(4, 5)),
     r"input of shape \(2, 3\) and weight of shape \(4, 5\)"),
    (lambda: mt.linear(mt.zeros(2, 3), mt.zeros(1, 4, 3)),
     r"weight must be \(out_features, in_features\)"),
    (lambda: mt.linear(mt.zeros(2, 3), mt.zeros(4)),
     r"input of shape \(2, 3\) and weight of shape \(4,\)"),
    (lambda: mt.linear(mt.zeros(2, 3), mt.zeros(4, 3), mt.zeros(5)),
     r"bias of shape \(5,\) does not match out_features=4"),
])
def test_linear_errors(make, match):
    with pytest.raises(RuntimeError, match=match):
        make()


def test_fused_cross_entropy_errors():
    with pytest.raises(RuntimeError, match=r"expected logits \(N, C\) and class indices \(N\), "
                                           r"got \(2, 3\) and \(3,\)"):
        mt.ops.cross_entropy(mt.zeros(2, 3), mt.tensor([0, 1, 2]))
    with pytest.raises(IndexError, match="Target 3 is out of bounds"):
        mt.ops.cross_entropy(mt.zeros(2, 3), mt.tensor([0, 3]))
    with pytest.raises(IndexError, match="Target -2 is out of bounds"):
        mt.nn.functional.cross_entropy(mt.zeros(2, 3), mt.tensor([-2, 1]))


def test_setitem_of_a_value_that_does_not_broadcast_names_both_shapes():
    x = mt.zeros(3, 4)
    with pytest.raises(RuntimeError, match=r"value tensor of shape \[3\] cannot be broadcast "
                                           r"to indexing result of shape \[4\]"):
        x[0] = mt.ones(3)
    with pytest.raises(RuntimeError, match=r"shape \[3\] cannot be broadcast to indexing "
                                           r"result of shape \[2, 4\]"):
        x[mt.tensor([0, 1])] = mt.ones(3)
    assert (x == 0).all()


@pytest.mark.parametrize("make", [
    lambda a, b: a @ b,
    lambda a, b: mt.mm(a, b),
    lambda a, b: mt.bmm(a[None], b[None]),
    lambda a, b: mt.matmul(a[0], b),
    lambda a, b: mt.dot(a[0], b[:, 0]),
    lambda a, b: mt.einsum("ij,jk->ik", a, b),
    lambda a, b: mt.nn.functional.linear(a, b.mT),
], ids=["@", "mm", "bmm", "vecmat", "dot", "einsum", "linear"])
def test_matrix_products_of_two_dtypes_raise_as_in_pytorch(make):
    a, b = mt.ones(3, 3), mt.ones(3, 3, dtype=mt.float64)
    with pytest.raises(RuntimeError, match="expected m1 and m2 to have the same dtype, but got: "
                                           "float32 != float64"):
        make(a, b)
    assert make(a.double(), b).dtype == mt.float64          # one dtype: fine


def test_a_float64_batch_into_a_float32_layer_raises_instead_of_promoting():
    layer = mt.nn.Linear(3, 2)
    with pytest.raises(RuntimeError, match="float64 != float32"):
        layer(mt.ones(4, 3, dtype=mt.float64))
    with pytest.raises(RuntimeError, match="float64 != float32"):
        mt.nn.functional.linear(mt.ones(4, 3), layer.weight, layer.bias.double())
    assert mt.outer(mt.ones(2), mt.ones(3, dtype=mt.float64)).dtype == mt.float64   # promotes
