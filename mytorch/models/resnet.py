"""ResNet (He, Zhang, Ren and Sun, "Deep Residual Learning for Image Recognition", CVPR 2016),
built as torchvision's `resnet.py`, with the same module names, state-dict keys, parameter
counts and initialisation.

A residual block learns a correction F(x) to its input rather than a whole new map:

    y = relu(F(x) + shortcut(x))

shortcut(x) = x when the shapes agree, else `downsample`: a 1×1 convolution with the block's
stride and a BatchNorm (the paper's option B). Gradients reach early layers through the
shortcuts unchanged, so depth stops hurting: a plain stack of the same layers trains worse
the deeper it is (the "degradation" of the paper's figure 1), a residual one does not.

    BasicBlock (expansion 1)     conv3x3(stride) bn relu  conv3x3 bn   (+ shortcut) relu
    Bottleneck (expansion 4)     conv1x1 bn relu  conv3x3(stride) bn relu  conv1x1(4·planes) bn
                                 (+ shortcut) relu
                                 the stride sits on the 3×3 convolution, as torchvision's
                                 "ResNet v1.5" (the paper put it on the first 1×1)

ResNet(block, layers): a stem, then one stage per entry of `layers` (that many blocks; stage i
has widths[i]·expansion output channels and, past the first, halves the size with stride 2),
then global average pooling and `fc`. For a 224×224 image, resnet18:

    input                                          (N, 3, 224, 224)
    conv1 7×7/2, bn1, relu                         (N, 64, 112, 112)
    maxpool 3×3/2                                  (N, 64, 56, 56)
    layer1  2 × BasicBlock(64)                     (N, 64, 56, 56)
    layer2  2 × BasicBlock(128), first stride 2    (N, 128, 28, 28)
    layer3  2 × BasicBlock(256), first stride 2    (N, 256, 14, 14)
    layer4  2 × BasicBlock(512), first stride 2    (N, 512, 7, 7)
    avgpool (global), flatten                      (N, 512)
    fc                                             (N, 1000)

    resnet18  BasicBlock [2, 2, 2, 2]   11,689,512 parameters (1000 classes)
    resnet34  BasicBlock [3, 4, 6, 3]   21,797,672
    resnet50  Bottleneck [3, 4, 6, 3]   25,557,032

Options beyond torchvision's:

    in_channels      1 for grayscale images
    small_input      the stem for 28×28 / 32×32 images (the paper's CIFAR-10 nets): conv1 is
                     3×3 with stride 1 and there is no max-pool (maxpool is an Identity), so a
                     28×28 image enters layer1 at 28×28 rather than 7×7
    widths           the stages' base widths, (64, 128, 256, 512) by default; its length is
                     the number of stages and must match `layers`
    residual=False   the plain net of the paper: the same blocks and layers without the
                     shortcuts (and so without `downsample`), for the degradation experiment

`resnet_cifar(depth)` is the paper's CIFAR-10 family (section 4.2): 6n + 2 layers, three
stages of n BasicBlocks of widths 16, 32, 64 after a 3×3 stem; `resnet_cifar(20)` is ResNet-20
(272,474 parameters with option-B projections) and `resnet_cifar(20, residual=False)` the
plain-20 it is compared with.

Initialisation (torchvision's): every convolution kaiming_normal_(mode='fan_out',
nonlinearity='relu'), every BatchNorm γ = 1, β = 0, fc PyTorch's default. zero_init_residual
sets γ = 0 in the last BatchNorm of each block (bn2 of a BasicBlock, bn3 of a Bottleneck), so
each residual branch starts as zero and each block as the identity (Goyal et al. 2017).
"""
from .. import nn


def conv3x3(in_planes, out_planes, stride=1):
    """3×3 convolution with padding 1 and no bias (a BatchNorm follows)."""
    return nn.Conv2d(in_planes, out_planes, kernel_size=3, stride=stride, padding=1, bias=False)


def conv1x1(in_planes, out_planes, stride=1):
    """1×1 convolution without bias."""
    return nn.Conv2d(in_planes, out_planes, kernel_size=1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    """relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)): two 3×3 convolutions.
    (N, inplanes, H, W) -> (N, planes, H/stride, W/stride)"""

    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None, residual=True):
        super().__init__()
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample
        self.stride = stride
        self.residual = residual

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.residual:
            out = out + (x if self.downsample is None else self.downsample(x))
        return self.relu(out)


class Bottleneck(nn.Module):
    """relu(bn3(conv3(relu(bn2(conv2(relu(bn1(conv1(x)))))))) + shortcut(x)): 1×1 down to
    `planes`, 3×3 (with the stride), 1×1 up to 4·planes.
    (N, inplanes, H, W) -> (N, 4·planes, H/stride, W/stride)"""

    expansion = 4

    def __init__(self, inplanes, planes, stride=1, downsample=None, residual=True):
        super().__init__()
        self.conv1 = conv1x1(inplanes, planes)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = conv3x3(planes, planes, stride)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = conv1x1(planes, planes * self.expansion)
        self.bn3 = nn.BatchNorm2d(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.stride = stride
        self.residual = residual

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        if self.residual:
            out = out + (x if self.downsample is None else self.downsample(x))
        return self.relu(out)


class ResNet(nn.Module):
    """A stem, len(layers) stages of residual blocks, global average pooling, fc (see the
    module docstring for the shapes and options)."""

    def __init__(self, block, layers, num_classes=1000, zero_init_residual=False, in_channels=3,
                 small_input=False, widths=(64, 128, 256, 512), residual=True):
        super().__init__()
        if len(layers) != len(widths):
            raise ValueError(f"ResNet: layers {list(layers)} and widths {list(widths)} must "
                             "have one entry per stage")
        if zero_init_residual and not residual:
            raise ValueError("ResNet: zero_init_residual=True needs residual=True (without "
                             "shortcuts it would zero the output of every block)")
        self.residual = residual
        self.num_stages = len(layers)
        self.inplanes = widths[0]
        stem = dict(kernel_size=3, stride=1, padding=1) if small_input else \
            dict(kernel_size=7, stride=2, padding=3)
        self.conv1 = nn.Conv2d(in_channels, self.inplanes, bias=False, **stem)
        self.bn1 = nn.BatchNorm2d(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.Identity() if small_input else \
            nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        for i, (planes, blocks) in enumerate(zip(widths, layers)):
            setattr(self, f"layer{i + 1}",
                    self._make_layer(block, planes, blocks, stride=1 if i == 0 else 2))
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(widths[-1] * block.expansion, num_classes)

        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
        if zero_init_residual:
            for m in self.modules():
                if isinstance(m, Bottleneck):
                    nn.init.zeros_(m.bn3.weight)
                elif isinstance(m, BasicBlock):
                    nn.init.zeros_(m.bn2.weight)

    def _make_layer(self, block, planes, blocks, stride=1):
        """One stage: `blocks` blocks of width `planes`, the first with `stride` and, where the
        shape changes, a projection shortcut."""
        downsample = None
        if self.residual and (stride != 1 or self.inplanes != planes * block.expansion):
            downsample = nn.Sequential(
                conv1x1(self.inplanes, planes * block.expansion, stride),
                nn.BatchNorm2d(planes * block.expansion),
            )
        layers = [block(self.inplanes, planes, stride, downsample, residual=self.residual)]
        self.inplanes = planes * block.expansion
        for _ in range(1, blocks):
            layers.append(block(self.inplanes, planes, residual=self.residual))
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        for i in range(self.num_stages):
            x = getattr(self, f"layer{i + 1}")(x)
        x = self.avgpool(x).flatten(1)
        return self.fc(x)


def resnet18(*, num_classes=1000, in_channels=3, small_input=False, **kwargs):
    """ResNet-18: BasicBlock, [2, 2, 2, 2]; 11,689,512 parameters for 1000 classes.
    kwargs (zero_init_residual, widths, residual) go to ResNet."""
    return ResNet(BasicBlock, [2, 2, 2, 2], num_classes=num_classes, in_channels=in_channels,
                  small_input=small_input, **kwargs)


def resnet34(*, num_classes=1000, in_channels=3, small_input=False, **kwargs):
    """ResNet-34: BasicBlock, [3, 4, 6, 3]; 21,797,672 parameters for 1000 classes."""
    return ResNet(BasicBlock, [3, 4, 6, 3], num_classes=num_classes, in_channels=in_channels,
                  small_input=small_input, **kwargs)


def resnet50(*, num_classes=1000, in_channels=3, small_input=False, **kwargs):
    """ResNet-50: Bottleneck, [3, 4, 6, 3]; 25,557,032 parameters for 1000 classes."""
    return ResNet(Bottleneck, [3, 4, 6, 3], num_classes=num_classes, in_channels=in_channels,
                  small_input=small_input, **kwargs)


def resnet_cifar(depth=20, *, num_classes=10, in_channels=3, widths=(16, 32, 64), residual=True,
                 **kwargs):
    """The paper's CIFAR-10 ResNets (section 4.2): depth = 6n + 2 (20, 32, 44, 56, 110 ...),
    small-input stem, three stages of n BasicBlocks of widths 16, 32, 64 (the paper's; others
    for narrower or wider nets). residual=False: the plain net of the same depth."""
    if depth < 8 or (depth - 2) % 6 != 0:
        raise ValueError(f"resnet_cifar: depth must be 6n + 2 with n >= 1 (8, 14, 20, 32, ...), "
                         f"got {depth}")
    n = (depth - 2) // 6
    return ResNet(BasicBlock, [n, n, n], num_classes=num_classes, in_channels=in_channels,
                  small_input=True, widths=widths, residual=residual, **kwargs)
