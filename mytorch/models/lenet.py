"""LeNet-5 (LeCun, Bottou, Bengio and Haffner, "Gradient-based learning applied to document
recognition", Proc. IEEE 1998), in the form it is taught and used today.

Two convolution stages, each a convolution, a ReLU and a 2×2 max-pool, then three fully
connected layers. For a 28×28 image (MNIST), the first convolution pads by 2, which makes the
input the 32×32 of the original:

    input                          (N, 1, 28, 28)
    conv1  5×5, 1 -> 6, pad 2      (N, 6, 28, 28)      156 parameters
    relu, max-pool 2               (N, 6, 14, 14)
    conv2  5×5, 6 -> 16            (N, 16, 10, 10)   2,416
    relu, max-pool 2               (N, 16, 5, 5)
    flatten                        (N, 400)
    fc1    400 -> 120, relu        (N, 120)         48,120
    fc2    120 -> 84, relu         (N, 84)          10,164
    fc3    84 -> num_classes       (N, 10)             850     total 61,706

What differs from 1998, and why: ReLU instead of the scaled tanh (it trains faster and does not
saturate), max-pooling instead of the trainable average "subsampling" layers, every S2 map fed
to every C3 map (the paper's sparse connection table was a workaround for 1998's compute), and a
plain linear output read by cross-entropy instead of the Gaussian (RBF) output units.

The layout follows `image_size`:

    image_size >= 28   5×5 kernels; conv1 pads the image up to the original 32×32, by
                       max(0, (32 − image_size) // 2): 2 for 28, 0 for 32 and above
    image_size < 28    3×3 kernels with padding 1, so that each convolution keeps the size and
                       only the pools halve it: scikit-learn's 8×8 digits go 8 -> 4 -> 2, and
                       fc1 reads 16·2·2 = 64 features. 5×5 kernels would leave nothing after
                       the second convolution of an 8×8 image.

The flattened size is 16·s² with s the side after the second pool; the model is built for
one image size and says so when given another.
"""
from .. import nn


class LeNet5(nn.Module):
    """LeNet-5 with ReLU and max-pooling (see the module docstring for the layers and shapes).

    num_classes: outputs (logits); in_channels: 1 for grayscale, 3 for colour; image_size: the
    side of the square images it will see (28 for MNIST, 32 for the original, 8 for
    scikit-learn's digits).
    """

    def __init__(self, num_classes=10, in_channels=1, image_size=28):
        super().__init__()
        if image_size >= 28:
            kernel, pad1, pad2 = 5, max(0, (32 - image_size) // 2), 0
        else:
            kernel, pad1, pad2 = 3, 1, 1
        side = (image_size + 2 * pad1 - kernel + 1) // 2
        side = (side + 2 * pad2 - kernel + 1) // 2
        if side < 1:
            raise ValueError(f"LeNet5(image_size={image_size}): images this small leave "
                             "nothing after the two convolution stages (at least 4 needed)")
        self.in_channels = in_channels
        self.image_size = image_size
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 6, kernel, padding=pad1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(6, 16, kernel, padding=pad2),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(16 * side * side, 120),
            nn.ReLU(),
            nn.Linear(120, 84),
            nn.ReLU(),
            nn.Linear(84, num_classes),
        )

    def forward(self, x):
        size = self.image_size
        if x.ndim != 4 or tuple(x.shape[1:]) != (self.in_channels, size, size):
            raise RuntimeError(f"LeNet5(in_channels={self.in_channels}, image_size={size}) got "
                               f"input of shape {tuple(x.shape)}: expected "
                               f"(N, {self.in_channels}, {size}, {size})")
        return self.classifier(self.features(x))
