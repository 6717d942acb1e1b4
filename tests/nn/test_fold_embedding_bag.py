"""F.unfold / F.fold (im2col / col2im) and nn.Unfold / nn.Fold: values against a NumPy im2col
written here (a gather with index arrays, unlike the op table's loops), fold ∘ unfold as
multiplication by the overlap count, the layers' printed forms and PyTorch's errors."""
import numpy as np
import pytest

import mytorch as mt
from mytorch import nn
import mytorch.nn.functional as F
from mytorch.autograd import gradcheck, gradgradcheck


def host(t):
    return t.detach().cpu().numpy()


def im2col(x, k, d=1, p=0, s=1):
    """(N, C, H, W) -> (N, C·k·k, L) by fancy indexing: rows (c, i, j), columns (bh, bw)."""
    xp = np.pad(x, [(0, 0), (0, 0), (p, p), (p, p)])
    N, C, H, W = xp.shape
    bh = (H - d * (k - 1) - 1) // s + 1
    bw = (W - d * (k - 1) - 1) // s + 1
    i = (np.arange(k) * d)[:, None, None, None] + (np.arange(bh) * s)[None, None, :, None]
    j = (np.arange(k) * d)[None, :, None, None] + (np.arange(bw) * s)[None, None, None, :]
    patches = xp[:, :, i, j]                       # (N, C, k, k, bh, bw)
    return patches.reshape(N, C * k * k, bh * bw)


@pytest.mark.parametrize("k,d,p,s", [(2, 1, 0, 1), (3, 1, 1, 2), (2, 2, 1, 1), (3, 2, 2, 3)])
def test_unfold_matches_numpy_im2col(device, k, d, p, s):
    x = np.random.default_rng(0).normal(size=(2, 3, 7, 6))
    out = F.unfold(mt.tensor(x, device=device), k, dilation=d, padding=p, stride=s)
    np.testing.assert_allclose(host(out), im2col(x, k, d, p, s), atol=1e-6)


def test_unfold_unbatched_and_dtype(device):
    x = mt.randn(3, 5, 4, device=device)
    out = F.unfold(x, (2, 3), padding=(1, 0))
    assert out.shape == (18, 12) and out.dtype == mt.float32
    assert mt.equal(out, F.unfold(x.unsqueeze(0), (2, 3), padding=(1, 0))[0])
    back = F.fold(out, (5, 4), (2, 3), padding=(1, 0))
    assert back.shape == (3, 5, 4)


def test_fold_of_unfold_is_x_times_overlap_count(device):
    x = mt.randn(2, 3, 6, 5, dtype=mt.float64, device=device)
    kw = {"kernel_size": 3, "dilation": 1, "padding": 1, "stride": 2}
    again = F.fold(F.unfold(x, **kw), (6, 5), **kw)
    count = F.fold(F.unfold(mt.ones(1, 1, 6, 5, dtype=mt.float64, device=device), **kw),
                   (6, 5), **kw)
    assert count.max().item() > 1             # the blocks do overlap
    assert mt.allclose(again, x * count)


def test_fold_is_the_adjoint_of_unfold():
    rng = np.random.default_rng(1)
    x, c = rng.normal(size=(1, 2, 5, 5)), rng.normal(size=(1, 8, 16))
    left = (host(F.unfold(mt.tensor(x), 2)) * c).sum()
    right = (x * host(F.fold(mt.tensor(c), 5, 2))).sum()
    assert np.isclose(left, right)


def test_modules_match_functional_and_print_as_pytorch():
    unfold, fold = nn.Unfold(kernel_size=2), nn.Fold(output_size=(3, 3), kernel_size=2)
    assert repr(unfold) == "Unfold(kernel_size=2, dilation=1, padding=0, stride=1)"
    assert repr(fold) == "Fold(output_size=(3, 3), kernel_size=2, dilation=1, padding=0, stride=1)"
    assert repr(nn.Unfold((2, 3), dilation=2, padding=1, stride=(1, 2))) == \
        "Unfold(kernel_size=(2, 3), dilation=2, padding=1, stride=(1, 2))"
    x = mt.randn(1, 2, 3, 3)
    assert mt.equal(unfold(x), F.unfold(x, 2))
    assert mt.equal(fold(unfold(x)), F.fold(F.unfold(x, 2), (3, 3), 2))
    assert list(unfold.parameters()) == []


def test_gradients_of_both_orders():
    x = mt.randn(1, 2, 4, 5, dtype=mt.float64, requires_grad=True)
    assert gradcheck(lambda t: F.unfold(t, 2, padding=1, stride=(1, 2)), (x,))
    assert gradgradcheck(lambda t: F.unfold(t, 2, padding=1, stride=(1, 2)), (x,))
    c = mt.randn(2, 8, 6, dtype=mt.float64, requires_grad=True)
    assert gradcheck(lambda t: F.fold(t, (3, 4), 2, dilation=1), (c,))
    assert gradgradcheck(lambda t: F.fold(t, (3, 4), 2, dilation=1), (c,))


def test_fold_errors():
    with pytest.raises(RuntimeError, match=r"Given output_size=\(3, 3\), kernel_size=\(2, 2\), "
                       r"dilation=\(1, 1\), padding=\(0, 0\), stride=\(1, 1\), expected size of "
                       r"input's dimension 2 to match the calculated number of sliding blocks "
                       r"2 \* 2 = 4, but got input.size\(2\)=5\."):
        F.fold(mt.randn(1, 4, 5), (3, 3), 2)
    with pytest.raises(RuntimeError, match=r"divisible by the product of kernel_size, but got "
                       r"input.size\(1\)=5 and kernel_size=\(2, 2\)"):
        F.fold(mt.randn(1, 5, 4), (3, 3), 2)
    with pytest.raises(RuntimeError, match="Expected 2D or 3D"):
        F.fold(mt.randn(1, 1, 4, 4), (3, 3), 2)
    with pytest.raises(RuntimeError, match="too small"):
        F.fold(mt.randn(1, 4, 1), (1, 1), 2)


def test_unfold_errors():
    with pytest.raises(RuntimeError, match="Expected 3D or 4D"):
        F.unfold(mt.randn(4, 4), 2)
    with pytest.raises(RuntimeError, match=r"Given input with spatial size \(2, 2\), "
                       r"kernel_size=\(3, 3\).*must be at least one"):
        F.unfold(mt.randn(1, 1, 2, 2), 3)
    with pytest.raises(RuntimeError, match="stride should be greater than zero"):
        F.unfold(mt.randn(1, 1, 4, 4), 2, stride=0)
    with pytest.raises(RuntimeError, match="padding should be non-negative"):
        F.unfold(mt.randn(1, 1, 4, 4), 2, padding=-1)
