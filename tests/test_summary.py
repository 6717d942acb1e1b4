"""mytorch.utils.summary: torchinfo's table of layers, output shapes and parameter counts."""
import pytest

import mytorch as mt
from mytorch import nn
from mytorch.utils import summary


def _row(table, start):
    lines = [ln for ln in table.splitlines() if ln.startswith(start)]
    assert len(lines) == 1, f"{start!r} in\n{table}"
    return lines[0].split()


def test_mlp_rows_and_totals():
    model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
    s = summary(model, (2, 64))
    table = str(s)
    assert table == repr(s)
    assert "Layer (type:depth-idx)" in table and "Output Shape" in table and "Param #" in table
    assert _row(table, "Sequential") == ["Sequential", "[2,", "10]", "--"]
    assert _row(table, "├─Linear: 1-1") == ["├─Linear:", "1-1", "[2,", "128]", "8,320"]
    assert _row(table, "├─ReLU: 1-2") == ["├─ReLU:", "1-2", "[2,", "128]", "--"]
    assert _row(table, "├─Linear: 1-3") == ["├─Linear:", "1-3", "[2,", "10]", "1,290"]
    assert "Total params: 9,610" in table
    assert "Trainable params: 9,610" in table
    assert "Non-trainable params: 0" in table
    assert (s.total_params, s.trainable_params, s.non_trainable_params) == (9610, 9610, 0)
    assert [r.output_shape for r in s.rows] == [[2, 10], [2, 128], [2, 128], [2, 10]]
    assert [r.num_params for r in s.rows] == [0, 8320, 0, 1290]


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(8, 16), nn.ReLU(),
                                  nn.Sequential(nn.LayerNorm(16), nn.Dropout(0.5)))
        self.head = nn.Linear(16, 3)
        self.spare = nn.Tanh()                    # registered, never called

    def forward(self, x):
        return self.head(self.body(x)), x


def test_nested_depths_frozen_params_and_hooks_removed():
    model = Net()
    model.head.requires_grad_(False)
    s = summary(model, (5, 8))
    table = str(s)
    assert _row(table, "Net") == ["Net", "[[5,", "3],", "[5,", "8]]", "--"]
    assert _row(table, "├─Sequential: 1-1")[-1] == "--"
    assert _row(table, "│    └─Linear: 2-1")[-1] == "144"
    assert _row(table, "│    └─Sequential: 2-3")[-3:] == ["[5,", "16]", "--"]
    assert _row(table, "│    │    └─LayerNorm: 3-1")[-1] == "32"
    assert _row(table, "│    │    └─Dropout: 3-2")[-2:] == ["16]", "--"]
    assert _row(table, "├─Linear: 1-2")[-1] == "51"
    assert _row(table, "├─Tanh: 1-3")[-2:] == ["--", "--"]        # not called: no shape
    assert [r.depth for r in s.rows] == [0, 1, 2, 2, 2, 3, 3, 1, 1]
    assert (s.total_params, s.trainable_params, s.non_trainable_params) == (227, 176, 51)
    assert "Total params: 227" in table and "Trainable params: 176" in table
    assert "Non-trainable params: 51" in table
    for m in model.modules():
        assert not m._forward_hooks
    assert model.training and model.body[2][1].training          # modes restored


def test_tied_weights_counted_once_and_eval_mode_restored():
    shared = nn.Linear(4, 4)
    model = nn.Sequential(shared, nn.ReLU(), shared).eval()
    s = summary(model, (1, 4))
    assert s.total_params == 20
    assert not model.training


def test_batch_dim_dtype_and_several_inputs():
    s = summary(nn.Linear(3, 2), (3,), batch_dim=0)
    assert s.rows[0].output_shape == [1, 2]
    s = summary(nn.Embedding(10, 4), (2, 7), dtype=mt.int64)
    assert s.rows[0].output_shape == [2, 7, 4] and s.total_params == 40
    s = summary(nn.Bilinear(3, 4, 5), [(2, 3), (2, 4)])
    assert s.rows[0].output_shape == [2, 5]
    s = summary(nn.Linear(3, 2).double(), (1, 3))
    assert "0.00" in str(s).splitlines()[-2]                     # Params size (MB)


def test_failed_forward_names_the_input_and_removes_hooks():
    model = nn.Sequential(nn.Linear(64, 10))
    with pytest.raises(RuntimeError, match=r"summary\(\).*\[2, 63\].*last dimension must be 64"):
        summary(model, (2, 63))
    assert not model[0]._forward_hooks and not model._forward_hooks


def test_no_graph_is_recorded():
    seen = []
    model = nn.Linear(2, 2)
    model.register_forward_hook(lambda m, a, out: seen.append(out.requires_grad))
    summary(model, (1, 2))
    assert seen == [False]
    assert len(model._forward_hooks) == 1                         # the user's hook stays
