"""Tests of mytorch.optim: optimizers and learning-rate schedulers."""
