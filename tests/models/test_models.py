"""mytorch.models: output shapes, parameter counts (by hand, and torchvision's for ResNet),
state-dict keys, initialisation, train/eval behaviour, one training step, and the errors.

Kept fast: small images and batches; resnet34/50 are only built and counted (and resnet50 run
once on a 32×32 image)."""
import functools
import math

import numpy as np
import pytest

import mytorch as mt
import mytorch.models
from mytorch import nn
from mytorch.models import (LeNet5, VGG, make_layers, cfgs, vgg_small, BasicBlock, Bottleneck,
                            ResNet, resnet18, resnet34, resnet50, resnet_cifar,
                            DepthwiseSeparableConv, MobileNet)
from mytorch.models.mobilenet import IMAGENET_CFG
from mytorch.utils import summary


def count(model):
    return sum(p.numel() for p in model.parameters())


def conv_params(c_in, c_out, k, bias=True):
    return c_out * c_in * k * k + (c_out if bias else 0)


def linear_params(n_in, n_out):
    return n_in * n_out + n_out


@functools.lru_cache(maxsize=None)
def imagenet_resnet(name):
    """resnet18/34/50 with 1000 classes, built once per test session (they take a second
    each); tests must not change their weights."""
    return {"resnet18": resnet18, "resnet34": resnet34, "resnet50": resnet50}[name]()


def tiny_resnet(**kwargs):
    """Two stages of one BasicBlock, widths 4 and 8: every feature of ResNet, almost no cost."""
    options = dict(num_classes=3, in_channels=1, small_input=True, widths=(4, 8))
    options.update(kwargs)
    return ResNet(BasicBlock, [1, 1], **options)


def test_the_package_lists_its_models():
    assert set(mytorch.models.__all__) >= {"LeNet5", "VGG", "vgg_small", "ResNet", "BasicBlock",
                                           "Bottleneck", "resnet18", "resnet34", "resnet50",
                                           "resnet_cifar", "DepthwiseSeparableConv",
                                           "MobileNet"}
    for name in mytorch.models.__all__:
        assert getattr(mytorch.models, name) is not None


# ---- LeNet5 ----------------------------------------------------------------------------------

def test_lenet5_28_parameter_count_by_hand():
    expected = (conv_params(1, 6, 5) + conv_params(6, 16, 5) + linear_params(16 * 5 * 5, 120)
                + linear_params(120, 84) + linear_params(84, 10))
    assert expected == 61_706
    assert count(LeNet5()) == expected
    assert count(LeNet5(image_size=32)) == expected          # the original: no padding needed
    assert count(LeNet5(num_classes=5, in_channels=3)) == \
        expected + 2 * 6 * 25 - 5 * 84 - 5
    small = (conv_params(1, 6, 3) + conv_params(6, 16, 3) + linear_params(16 * 2 * 2, 120)
             + linear_params(120, 84) + linear_params(84, 10))
    assert count(LeNet5(image_size=8)) == small == 19_754


@pytest.mark.parametrize("image_size, in_channels, conv1_padding", [
    (28, 1, (2, 2)), (32, 1, (0, 0)), (8, 1, (1, 1)), (28, 3, (2, 2)), (16, 1, (1, 1))])
def test_lenet5_output_shapes(image_size, in_channels, conv1_padding):
    model = LeNet5(num_classes=7, in_channels=in_channels, image_size=image_size)
    assert model.features[0].padding == conv1_padding
    for batch in (1, 2):
        out = model(mt.randn(batch, in_channels, image_size, image_size))
        assert out.shape == (batch, 7)


def test_lenet5_summary_lists_shapes_and_parameters_per_layer():
    s = summary(LeNet5(), (2, 1, 28, 28))
    rows = [(r.type, r.output_shape, r.num_params) for r in s.rows]
    assert rows == [
        ("LeNet5", [2, 10], 0),
        ("Sequential", [2, 16, 5, 5], 0),
        ("Conv2d", [2, 6, 28, 28], 156),
        ("ReLU", [2, 6, 28, 28], 0),
        ("MaxPool2d", [2, 6, 14, 14], 0),
        ("Conv2d", [2, 16, 10, 10], 2416),
        ("ReLU", [2, 16, 10, 10], 0),
        ("MaxPool2d", [2, 16, 5, 5], 0),
        ("Sequential", [2, 10], 0),
        ("Flatten", [2, 400], 0),
        ("Linear", [2, 120], 48120),
        ("ReLU", [2, 120], 0),
        ("Linear", [2, 84], 10164),
        ("ReLU", [2, 84], 0),
        ("Linear", [2, 10], 850),
    ]
    table = str(s)

    def row(label):                                       # the cells after the label
        lines = [ln[len(label):].split() for ln in table.splitlines() if ln.startswith(label)]
        assert len(lines) == 1, f"{label!r} in\n{table}"
        return lines[0]

    assert row("LeNet5") == ["[2,", "10]", "--"]
    assert row("│    └─Conv2d: 2-1") == ["[2,", "6,", "28,", "28]", "156"]
    assert row("│    └─MaxPool2d: 2-6") == ["[2,", "16,", "5,", "5]", "--"]
    assert row("│    └─Flatten: 2-7") == ["[2,", "400]", "--"]
    assert row("│    └─Linear: 2-8") == ["[2,", "120]", "48,120"]
    assert "Total params: 61,706" in table and "Trainable params: 61,706" in table


def test_lenet5_errors():
    with pytest.raises(RuntimeError, match=r"LeNet5\(in_channels=1, image_size=28\) got input of "
                                           r"shape \(2, 3, 28, 28\): expected \(N, 1, 28, 28\)"):
        LeNet5()(mt.zeros(2, 3, 28, 28))
    with pytest.raises(RuntimeError, match=r"got input of shape \(2, 1, 32, 32\): expected "
                                           r"\(N, 1, 28, 28\)"):
        LeNet5()(mt.zeros(2, 1, 32, 32))
    with pytest.raises(RuntimeError, match=r"expected \(N, 1, 8, 8\)"):
        LeNet5(image_size=8)(mt.zeros(1, 8, 8))
    with pytest.raises(ValueError, match=r"LeNet5\(image_size=3\).*at least 4"):
        LeNet5(image_size=3)


# ---- VGG -------------------------------------------------------------------------------------

def test_vgg_small_shapes_and_parameter_count():
    model = vgg_small()
    convs = (conv_params(1, 32, 3) + conv_params(32, 32, 3) + conv_params(32, 64, 3)
             + conv_params(64, 64, 3) + conv_params(64, 128, 3) + conv_params(128, 128, 3))
    bns = 2 * (32 + 32 + 64 + 64 + 128 + 128)
    head = linear_params(128, 256) + linear_params(256, 256) + linear_params(256, 10)
    assert count(model) == convs + bns + head == 388_714
    assert model(mt.randn(2, 1, 28, 28)).shape == (2, 10)
    assert model(mt.randn(1, 1, 32, 32)).shape == (1, 10)       # the adaptive pool takes any size
    assert vgg_small(num_classes=4, in_channels=3)(mt.randn(2, 3, 16, 16)).shape == (2, 4)


def test_vgg_features_match_torchvision():
    # VGG-11's convolutions: torchvision's vgg11 has 132,863,336 parameters, of which the
    # classifier (25088·4096 + 4096, 4096·4096 + 4096, 4096·1000 + 1000) holds 123,642,856
    assert count(make_layers(cfgs["A"])) == 132_863_336 - 123_642_856
    features = make_layers(cfgs["small"], batch_norm=True, in_channels=1)
    assert [type(m).__name__ for m in features][:4] == ["Conv2d", "BatchNorm2d", "ReLU", "Conv2d"]
    keys = list(VGG(cfgs["small"], in_channels=1, batch_norm=True, pool_size=1,
                    hidden=8).state_dict())
    assert keys[:6] == ["features.0.weight", "features.0.bias", "features.1.weight",
                        "features.1.bias", "features.1.running_mean", "features.1.running_var"]
    assert keys[-2:] == ["classifier.6.weight", "classifier.6.bias"]


def test_vgg_initialisation_and_errors():
    model = vgg_small(batch_norm=False)
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            assert np.all(m.bias.detach().numpy() == 0)
    fc = model.classifier[3].weight.detach().numpy()
    assert abs(fc.std() - 0.01) < 0.001
    conv = model.features[5].weight.detach().numpy()            # 32 -> 64, 3×3: fan_out 576
    assert abs(conv.std() / math.sqrt(2 / 576) - 1) < 0.05
    with pytest.raises(RuntimeError, match=r"in_channels=1"):
        model(mt.zeros(2, 3, 28, 28))
    with pytest.raises(ValueError, match="at least one convolution"):
        VGG(["M"])


# ---- ResNet ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name, expected", [("resnet18", 11_689_512), ("resnet34", 21_797_672),
                                            ("resnet50", 25_557_032)])
def test_resnet_parameter_counts_equal_torchvision(name, expected):
    assert count(imagenet_resnet(name)) == expected


def test_resnet_state_dict_keys_are_torchvision():
    keys = list(imagenet_resnet("resnet18").state_dict())
    assert keys[:6] == ["conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean",
                        "bn1.running_var", "bn1.num_batches_tracked"]
    for key in ["layer1.0.conv1.weight", "layer1.0.bn2.running_var", "layer1.1.conv2.weight",
                "layer2.0.downsample.0.weight", "layer2.0.downsample.1.running_var",
                "layer2.0.downsample.1.num_batches_tracked", "layer4.1.bn2.bias"]:
        assert key in keys
    assert keys[-2:] == ["fc.weight", "fc.bias"]
    assert not any(k.startswith("layer1.0.downsample") for k in keys)    # 64 -> 64, stride 1
    assert len(keys) == 122                                              # as torchvision's
    bottleneck = imagenet_resnet("resnet50").state_dict()
    assert "layer1.0.downsample.0.weight" in bottleneck                  # 64 -> 256
    assert bottleneck["layer1.0.conv3.weight"].shape == (256, 64, 1, 1)
    assert bottleneck["layer4.2.bn3.running_mean"].shape == (2048,)
    assert bottleneck["fc.weight"].shape == (1000, 2048)
    assert len(bottleneck) == 320


def test_resnet_repr_reads_as_torchvision():
    model = imagenet_resnet("resnet18")
    assert repr(model.conv1) == \
        "Conv2d(3, 64, kernel_size=(7, 7), stride=(2, 2), padding=(3, 3), bias=False)"
    assert repr(model.maxpool) == \
        "MaxPool2d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=False)"
    assert [name for name, _ in model.named_children()] == [
        "conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4", "avgpool",
        "fc"]
    assert [name for name, _ in model.layer2[0].named_children()] == [
        "conv1", "bn1", "relu", "conv2", "bn2", "downsample"]


def test_resnet_output_shapes():
    model = imagenet_resnet("resnet18").eval()
    with mt.no_grad():
        assert model(mt.randn(1, 3, 64, 64)).shape == (1, 1000)
    small = resnet18(num_classes=10, in_channels=1, small_input=True, widths=(4, 8, 16, 32))
    assert isinstance(small.maxpool, nn.Identity)
    assert small.conv1.kernel_size == (3, 3) and small.conv1.stride == (1, 1)
    shapes = {}
    for name in ["layer1", "layer2", "layer3", "layer4"]:
        getattr(small, name).register_forward_hook(
            lambda m, args, out, name=name: shapes.update({name: tuple(out.shape)}))
    assert small(mt.randn(2, 1, 28, 28)).shape == (2, 10)
    assert shapes == {"layer1": (2, 4, 28, 28), "layer2": (2, 8, 14, 14),
                      "layer3": (2, 16, 7, 7), "layer4": (2, 32, 4, 4)}
    assert small(mt.randn(2, 1, 32, 32)).shape == (2, 10)
    big = imagenet_resnet("resnet50").eval()
    with mt.no_grad():
        assert big(mt.randn(1, 3, 32, 32)).shape == (1, 1000)
    assert resnet34(num_classes=5, in_channels=1, small_input=True,
                    widths=(2, 2, 2, 2))(mt.randn(2, 1, 16, 16)).shape == (2, 5)


def test_bottleneck_block_shapes():
    block = Bottleneck(16, 4)                           # 16 -> 4 -> 4 -> 16: identity shortcut
    assert block(mt.randn(2, 16, 6, 6)).shape == (2, 16, 6, 6)
    model = ResNet(Bottleneck, [1, 1], num_classes=3, in_channels=1, small_input=True,
                   widths=(2, 4))
    assert model.layer1[0].downsample is not None        # 2 -> 8 channels
    assert model.layer2[0].conv2.stride == (2, 2)        # ResNet v1.5: stride on the 3×3
    assert model.fc.in_features == 16
    assert model(mt.randn(2, 1, 8, 8)).shape == (2, 3)


def test_resnet_cifar_is_the_papers_family():
    model = resnet_cifar(20)
    convs = [m for name, m in model.named_modules()
             if isinstance(m, nn.Conv2d) and "downsample" not in name]
    assert len(convs) + 1 == 20                          # + fc: 6n + 2 weighted layers
    # the paper's 0.27 M: 3×3 convolutions and BatchNorms, two option-B projections, fc
    n = 3
    widths = (16, 32, 64)
    expected = 3 * 16 * 9 + 2 * 16
    c_in = 16
    for w in widths:
        for i in range(n):
            expected += (c_in * w * 9 + 2 * w) + (w * w * 9 + 2 * w)
            if c_in != w:
                expected += c_in * w + 2 * w
            c_in = w
    expected += linear_params(64, 10)
    assert count(model) == expected == 272_474
    assert model(mt.randn(2, 3, 32, 32)).shape == (2, 10)
    with pytest.raises(ValueError, match=r"6n \+ 2.*got 21"):
        resnet_cifar(21)


def test_plain_net_has_the_same_layers_without_shortcuts():
    plain, residual = resnet_cifar(14, residual=False), resnet_cifar(14)

    def convs(model):
        return [tuple(m.weight.shape) for name, m in model.named_modules()
                if isinstance(m, nn.Conv2d) and "downsample" not in name]

    assert convs(plain) == convs(residual)
    assert not any("downsample" in k for k in plain.state_dict())
    assert all(not b.residual for layer in (plain.layer1, plain.layer2, plain.layer3)
               for b in layer)
    x = mt.randn(2, 3, 16, 16)
    assert plain(x).shape == (2, 10)
    # the same weights give different functions: the shortcut is the only difference
    plain.load_state_dict({k: v for k, v in residual.state_dict().items()
                           if "downsample" not in k})
    plain.eval()
    residual.eval()
    assert not np.allclose(plain(x).detach().numpy(), residual(x).detach().numpy())
    with pytest.raises(ValueError, match="zero_init_residual=True needs residual=True"):
        resnet_cifar(8, residual=False, zero_init_residual=True)


def test_resnet_initialisation_is_torchvision():
    model = imagenet_resnet("resnet18")
    w = model.layer4[1].conv2.weight.detach().numpy()            # 512 out, 3×3: fan_out 4608
    assert abs(w.std() / math.sqrt(2 / 4608) - 1) < 0.02
    assert abs(w.mean()) < 1e-3
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            assert np.all(m.weight.detach().numpy() == 1) and np.all(m.bias.detach().numpy() == 0)
    bound = 1 / math.sqrt(512)                          # fc: PyTorch's default Linear init
    assert np.abs(model.fc.weight.detach().numpy()).max() <= bound


def test_zero_init_residual_makes_each_block_start_as_the_identity():
    model = resnet_cifar(14, zero_init_residual=True)
    for layer in (model.layer1, model.layer2, model.layer3):
        for block in layer:
            assert np.all(block.bn2.weight.detach().numpy() == 0)
            assert np.all(block.bn1.weight.detach().numpy() == 1)
    x = mt.randn(2, 16, 8, 8).relu()                     # a block's input is a ReLU's output
    block = model.layer1[1]
    assert np.array_equal(block(x).detach().numpy(), x.detach().numpy())
    default = resnet_cifar(14)
    assert not np.allclose(default.layer1[1](x).detach().numpy(), x.detach().numpy())
    bottleneck = ResNet(Bottleneck, [2], widths=(4,), zero_init_residual=True)
    assert np.all(bottleneck.layer1[1].bn3.weight.detach().numpy() == 0)
    y = mt.randn(2, 16, 5, 5).relu()
    assert np.array_equal(bottleneck.layer1[1](y).detach().numpy(), y.detach().numpy())


def test_batch_norm_train_and_eval_differ():
    model = tiny_resnet()
    x = mt.randn(4, 1, 12, 12) * 3 + 1
    model.eval()
    with mt.no_grad():
        eval_out = model(x).detach().numpy()
        # eval: each sample's output depends only on itself (running statistics)
        assert np.allclose(model(x[:1]).detach().numpy(), eval_out[:1], atol=1e-5)
        model.train()
        train_out = model(x).detach().numpy()
        # train: batch statistics, so a sample's output depends on the others
        assert not np.allclose(model(x[:2]).detach().numpy(), train_out[:2], atol=1e-3)
    assert not np.allclose(train_out, eval_out, atol=1e-3)
    assert model.bn1.num_batches_tracked.item() == 2
    assert not np.allclose(model.bn1.running_mean.detach().numpy(), 0)


def test_resnet_errors():
    with pytest.raises(RuntimeError, match=r"Conv2d\(in_channels=3\) got input of shape "
                                           r"\(2, 1, 28, 28\)"):
        resnet_cifar(8)(mt.zeros(2, 1, 28, 28))
    with pytest.raises(RuntimeError, match=r"in_channels=1"):
        tiny_resnet()(mt.zeros(2, 3, 8, 8))
    with pytest.raises(ValueError, match=r"layers \[1, 1\] and widths \[4\]"):
        ResNet(BasicBlock, [1, 1], widths=(4,))


# ---- MobileNet -------------------------------------------------------------------------------

def test_depthwise_separable_conv():
    block = DepthwiseSeparableConv(8, 16, stride=2)
    assert block.depthwise.groups == 8 and block.depthwise.weight.shape == (8, 1, 3, 3)
    assert block.pointwise.weight.shape == (16, 8, 1, 1)
    assert count(block) == 9 * 8 + 8 * 16 + 2 * 8 + 2 * 16
    out = block(mt.randn(2, 8, 7, 7))
    assert out.shape == (2, 16, 4, 4)
    assert out.min().item() >= 0                          # ends in a ReLU
    assert DepthwiseSeparableConv(4, 6)(mt.randn(1, 4, 5, 5)).shape == (1, 6, 5, 5)


def test_mobilenet_shapes_and_the_papers_count():
    model = MobileNet()
    assert model(mt.randn(2, 1, 28, 28)).shape == (2, 10)
    assert model(mt.randn(2, 1, 32, 32)).shape == (2, 10)
    half = MobileNet(num_classes=4, in_channels=3, width_mult=0.5)
    assert half.classifier[1].in_features == 128
    assert half(mt.randn(2, 3, 16, 16)).shape == (2, 4)
    # MobileNet-224 of the paper's table 1 (4.2 M; Keras's trainable count)
    imagenet = MobileNet(num_classes=1000, in_channels=3, cfg=IMAGENET_CFG, stem_stride=2)
    assert count(imagenet) == 4_231_976


def test_mobilenet_errors():
    with pytest.raises(RuntimeError, match=r"in_channels=1"):
        MobileNet()(mt.zeros(2, 3, 28, 28))
    with pytest.raises(ValueError, match="width_mult must be positive"):
        MobileNet(width_mult=0)


# ---- all of them -----------------------------------------------------------------------------

MODELS = {
    "lenet5": (lambda: LeNet5(num_classes=3), (4, 1, 28, 28)),
    "lenet5-8x8": (lambda: LeNet5(num_classes=3, image_size=8), (4, 1, 8, 8)),
    "vgg": (lambda: VGG([8, "M", 16, "M"], in_channels=1, num_classes=3, batch_norm=True,
                        pool_size=1, hidden=16, dropout=0.0), (4, 1, 12, 12)),
    "resnet": (tiny_resnet, (4, 1, 12, 12)),
    "plain": (lambda: tiny_resnet(residual=False), (4, 1, 12, 12)),
    "resnet-bottleneck": (lambda: ResNet(Bottleneck, [1, 1], num_classes=3, in_channels=1,
                                         small_input=True, widths=(2, 4)), (4, 1, 12, 12)),
    "mobilenet": (lambda: MobileNet(num_classes=3, width_mult=0.25, dropout=0.0),
                  (4, 1, 12, 12)),
}


@pytest.mark.parametrize("name", list(MODELS))
def test_one_training_step_lowers_the_loss(name):
    build, shape = MODELS[name]
    model = build()
    x, y = mt.randn(*shape), mt.tensor([0, 1, 2, 1])
    optimizer = mt.optim.Adam(model.parameters(), lr=1e-2)
    model.train()
    losses = []
    for _ in range(2):
        loss = nn.functional.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        assert all(p.grad is not None for p in model.parameters()), name
        optimizer.step()
        losses.append(loss.item())
    assert losses[1] < losses[0], f"{name}: {losses}"


@pytest.mark.parametrize("name", list(MODELS))
def test_summary_runs_on_every_model(name):
    build, shape = MODELS[name]
    model = build()
    s = summary(model, shape)
    assert s.rows[0].output_shape == [shape[0], 3]
    assert s.total_params == count(model)
    assert model.training                                    # summary restores the mode


def test_models_run_on_every_device(device):
    for model, shape in [(tiny_resnet(), (2, 1, 8, 8)),
                         (MobileNet(num_classes=3, width_mult=0.125), (2, 1, 8, 8)),
                         (LeNet5(num_classes=3, image_size=8), (2, 1, 8, 8))]:
        model.to(device)
        out = model(mt.randn(*shape, device=device))
        assert out.shape == (2, 3) and out.device == mt.device(device)
        out.sum().backward()
        assert all(p.grad.device == mt.device(device) for p in model.parameters())
