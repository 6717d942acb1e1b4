"""VGG (Simonyan and Zisserman, "Very Deep Convolutional Networks for Large-Scale Image
Recognition", ICLR 2015), laid out as torchvision's `VGG`: stacks of 3×3 convolutions
(padding 1, so they keep the size) with ReLU, a 2×2 max-pool between stacks that halves it,
then an adaptive average pool to a fixed grid and a fully connected classifier.

    features     Sequential built by make_layers(cfg): for each entry of cfg, an int c is
                 Conv2d(·, c, 3, padding=1) [+ BatchNorm2d(c)] + ReLU, and "M" is MaxPool2d(2)
    avgpool      AdaptiveAvgPool2d(pool_size): any input size gives (N, C, pool_size, pool_size)
    classifier   Linear(C·pool_size², hidden), ReLU, Dropout, Linear(hidden, hidden), ReLU,
                 Dropout, Linear(hidden, num_classes)

With cfgs["A"], ["B"], ["D"], ["E"], pool_size=7 and hidden=4096 these are VGG-11, 13, 16 and
19 as in the paper (and torchvision: the same state-dict keys, features.0.weight ... and
classifier.6.bias). The stack of small kernels is the paper's point: two 3×3 convolutions see
a 5×5 window with fewer parameters (2·9·C² against 25·C²) and one more nonlinearity.

`vgg_small()` is the same design sized for 28×28 grayscale images (MNIST, Fashion-MNIST):

    input                                      (N, 1, 28, 28)
    conv 32, conv 32, max-pool                 (N, 32, 14, 14)
    conv 64, conv 64, max-pool                 (N, 64, 7, 7)
    conv 128, conv 128, max-pool               (N, 128, 3, 3)
    global average pool (pool_size=1), flatten (N, 128)
    classifier 128 -> 256 -> 256 -> 10         (N, 10)

Initialisation as torchvision: convolutions kaiming_normal_(mode='fan_out', relu) with zero
bias, BatchNorm γ = 1, β = 0, linear layers N(0, 0.01²) with zero bias.
"""
from .. import nn

cfgs = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512,
          "M"],
    "E": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512,
          512, 512, 512, "M"],
    "small": [32, 32, "M", 64, 64, "M", 128, 128, "M"],
}


def make_layers(cfg, batch_norm=False, in_channels=3):
    """The `features` Sequential of a VGG from its configuration (see the module docstring)."""
    layers = []
    for v in cfg:
        if v == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
        else:
            layers.append(nn.Conv2d(in_channels, v, kernel_size=3, padding=1))
            if batch_norm:
                layers.append(nn.BatchNorm2d(v))
            layers.append(nn.ReLU(inplace=True))
            in_channels = v
    return nn.Sequential(*layers)


class VGG(nn.Module):
    """features -> avgpool -> flatten -> classifier (see the module docstring).

    cfg: a list of channel counts and "M" (max-pool), e.g. cfgs["D"] for VGG-16.
    """

    def __init__(self, cfg, in_channels=3, num_classes=1000, batch_norm=False, pool_size=7,
                 hidden=4096, dropout=0.5):
        super().__init__()
        channels = [v for v in cfg if v != "M"]
        if not channels:
            raise ValueError(f"VGG cfg needs at least one convolution, got {cfg}")
        self.features = make_layers(cfg, batch_norm, in_channels)
        self.avgpool = nn.AdaptiveAvgPool2d((pool_size, pool_size))
        self.classifier = nn.Sequential(
            nn.Linear(channels[-1] * pool_size * pool_size, hidden),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(hidden, hidden),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(hidden, num_classes),
        )
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        x = self.features(x)
        x = self.avgpool(x)
        x = x.flatten(1)
        return self.classifier(x)


def vgg_small(*, num_classes=10, in_channels=1, batch_norm=True, dropout=0.5):
    """A VGG for 28×28 grayscale images: cfgs["small"], global average pooling, a 256-wide
    classifier (388,714 parameters with batch norm)."""
    return VGG(cfgs["small"], in_channels=in_channels, num_classes=num_classes,
               batch_norm=batch_norm, pool_size=1, hidden=256, dropout=dropout)
