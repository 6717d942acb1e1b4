"""MobileNet (Howard et al., "MobileNets: Efficient Convolutional Neural Networks for Mobile
Vision Applications", 2017): convolutions factored into a depthwise and a pointwise part.

A standard 3×3 convolution from C to C' channels mixes space and channels at once: 9·C·C'
weights and multiply-adds per pixel. The depthwise separable convolution does one then the
other:

    depthwise   3×3, groups=C: each channel filtered on its own         9·C weights
    pointwise   1×1, C -> C': the channels mixed at each pixel          C·C' weights

each followed by BatchNorm and ReLU, 9·C + C·C' weights in all: for C' = 256 about 8 to 9
times fewer than 9·C·C'.

    DepthwiseSeparableConv(in_ch, out_ch, stride)
        (N, in_ch, H, W) -> depthwise 3×3/stride, bn1, relu -> pointwise 1×1, bn2, relu
                         -> (N, out_ch, H/stride, W/stride)

MobileNet: a 3×3 convolution stem (32 channels), a sequence of these blocks, global average
pooling, dropout and a linear classifier. `width_mult` is the paper's width multiplier α (every
layer's channel count times α). The default `cfg`, SMALL_CFG, is sized for 28×28 images:

    input                                   (N, 1, 28, 28)
    stem conv 3×3, 1 -> 32, bn, relu        (N, 32, 28, 28)
    dw-sep 32 -> 64                         (N, 64, 28, 28)
    dw-sep 64 -> 128, stride 2              (N, 128, 14, 14)
    dw-sep 128 -> 128                       (N, 128, 14, 14)
    dw-sep 128 -> 256, stride 2             (N, 256, 7, 7)
    dw-sep 256 -> 256                       (N, 256, 7, 7)
    global average pool, flatten            (N, 256)
    dropout, fc                             (N, 10)

With cfg=IMAGENET_CFG, stem_stride=2, in_channels=3 and 1000 classes it is the paper's
MobileNet-224 (table 1): 4,231,976 parameters.

Initialisation: convolutions kaiming_normal_(mode='fan_out', relu), BatchNorm γ = 1, β = 0,
the classifier N(0, 0.01²) with zero bias (as torchvision's MobileNets).
"""
from .. import nn

# (out_channels, stride) of each DepthwiseSeparableConv
SMALL_CFG = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1))
IMAGENET_CFG = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
                (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1))


class DepthwiseSeparableConv(nn.Module):
    """relu(bn2(pointwise(relu(bn1(depthwise(x)))))): a 3×3 depthwise convolution
    (groups=in_ch) then a 1×1 pointwise one.   (N, in_ch, H, W) -> (N, out_ch, H/s, W/s)"""

    def __init__(self, in_ch, out_ch, stride=1):
        super().__init__()
        self.depthwise = nn.Conv2d(in_ch, in_ch, kernel_size=3, stride=stride, padding=1,
                                   groups=in_ch, bias=False)
        self.bn1 = nn.BatchNorm2d(in_ch)
        self.pointwise = nn.Conv2d(in_ch, out_ch, kernel_size=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_ch)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x):
        x = self.relu(self.bn1(self.depthwise(x)))
        return self.relu(self.bn2(self.pointwise(x)))


class MobileNet(nn.Module):
    """stem -> DepthwiseSeparableConv blocks -> global average pool -> dropout -> fc (see the
    module docstring)."""

    def __init__(self, num_classes=10, in_channels=1, width_mult=1.0, cfg=SMALL_CFG,
                 stem_stride=1, dropout=0.2):
        super().__init__()
        if width_mult <= 0:
            raise ValueError(f"MobileNet: width_mult must be positive, got {width_mult}")

        def width(c):
            return max(1, int(c * width_mult))

        channels = width(32)
        layers = [nn.Conv2d(in_channels, channels, kernel_size=3, stride=stem_stride,
                            padding=1, bias=False),
                  nn.BatchNorm2d(channels),
                  nn.ReLU(inplace=True)]
        for out_ch, stride in cfg:
            layers.append(DepthwiseSeparableConv(channels, width(out_ch), stride))
            channels = width(out_ch)
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.classifier = nn.Sequential(nn.Dropout(p=dropout), nn.Linear(channels, num_classes))

        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        x = self.avgpool(self.features(x)).flatten(1)
        return self.classifier(x)
