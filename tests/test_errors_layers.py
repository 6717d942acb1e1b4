"""User-facing errors of the convolution, pooling, dropout and recurrent layers that the
family test files do not reach: one test per message."""
import pytest

import mytorch as mt
from mytorch import nn
from mytorch.nn import functional as F


def test_conv_transpose_output_too_small():
    with pytest.raises(RuntimeError, match="output size .* is too small for input of size"):
        F.conv_transpose2d(mt.randn(1, 1, 1, 1), mt.randn(1, 1, 1, 1), padding=1)


def test_conv_transpose_module_refuses_string_padding():
    with pytest.raises(ValueError, match="ConvTranspose2d does not support string padding"):
        nn.ConvTranspose2d(1, 1, 3, padding="same")


def test_avg_pool_divisor_override_zero():
    with pytest.raises(RuntimeError, match="divisor must be a non-zero integer"):
        F.avg_pool2d(mt.randn(1, 1, 4, 4), 2, divisor_override=0)


def test_adaptive_pool_of_an_empty_plane():
    with pytest.raises(RuntimeError, match="expected input with non-zero spatial sizes"):
        F.adaptive_avg_pool2d(mt.randn(1, 1, 0, 4), 2)


def test_dropout1d_wrong_dims():
    with pytest.raises(RuntimeError, match=r"dropout1d: Expected 2D \(unbatched\) or 3D "
                                           r"\(batched\) input, but got input of size: \[4\]"):
        F.dropout1d(mt.randn(4), 0.5)


def test_rnn_cell_hidden_state_of_the_wrong_shape():
    cell = nn.GRUCell(3, 4)
    with pytest.raises(RuntimeError, match=r"GRUCell: hidden state of shape \[2, 5\] does not "
                                           r"match the input: expected \[2, 4\]"):
        cell(mt.randn(2, 3), mt.randn(2, 5))


def test_lstm_hx_must_be_a_pair():
    lstm = nn.LSTM(3, 4)
    with pytest.raises(RuntimeError, match=r"LSTM: hx must be a tuple \(h_0, c_0\)"):
        lstm(mt.randn(5, 2, 3), (mt.zeros(1, 2, 4),))
