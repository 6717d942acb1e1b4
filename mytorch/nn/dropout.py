"""Dropout: in training, each element is zeroed with probability p and the survivors scaled by
1/(1 − p), so the expected activation is unchanged; in eval mode it is the identity.
Dropout1d/2d/3d zero whole channels instead (neighbouring pixels are correlated, so dropping
single ones barely regularises a convolution). AlphaDropout and FeatureAlphaDropout are the forms
for SELU networks: they keep the activations' mean 0 and variance 1."""
from . import functional as F
from .module import Module


class _DropoutNd(Module):
    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """y = x·m/(1 − p), m ~ Bernoulli(1 − p) per element, while `training`; y = x in eval.
    The mask comes from the device's default generator."""

    def forward(self, input):
        return F.dropout(input, self.p, self.training, self.inplace)


class Dropout1d(_DropoutNd):
    """Whole channels zeroed with probability p.   input (N, C, L) or (C, L)"""

    def forward(self, input):
        return F.dropout1d(input, self.p, self.training, self.inplace)


class Dropout2d(_DropoutNd):
    """Whole channels (feature maps) zeroed with probability p.   input (N, C, H, W) or (C, H, W)"""

    def forward(self, input):
        return F.dropout2d(input, self.p, self.training, self.inplace)


class Dropout3d(_DropoutNd):
    """Whole channels zeroed with probability p.   input (N, C, D, H, W) or (C, D, H, W)"""

    def forward(self, input):
        return F.dropout3d(input, self.p, self.training, self.inplace)


class AlphaDropout(_DropoutNd):
    """Each element dropped with probability p to SELU's saturation value −α′ ≈ −1.7581, then
    y = a·x + b with a, b from p so that inputs of mean 0 and variance 1 keep them, while
    `training`; y = x in eval. (`inplace` is stored but, as PyTorch, not used.)"""

    def forward(self, input):
        return F.alpha_dropout(input, self.p, self.training)


class FeatureAlphaDropout(_DropoutNd):
    """AlphaDropout of whole channels: one draw per (sample, channel) of (N, C, *)."""

    def forward(self, input):
        return F.feature_alpha_dropout(input, self.p, self.training)
