"""Utilities that sit on top of tensors, nn and optim.

`mytorch.utils.data` holds the data pipeline: datasets, samplers, collation and the
`DataLoader`. Nothing here is needed to compute; everything here feeds computation.
"""
from . import data
from .summary import summary

__all__ = ["data", "summary"]
