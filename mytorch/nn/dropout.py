"""Dropout: in training, each element is zeroed with probability p and the survivors scaled by
1/(1 − p), so the expected activation is unchanged; in eval mode it is the identity."""
from . import functional as F
from .module import Module


class Dropout(Module):
    """y = x·m/(1 − p), m ~ Bernoulli(1 − p) per element, while `training`; y = x in eval.
    The mask comes from the device's default generator."""

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def forward(self, input):
        return F.dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"
