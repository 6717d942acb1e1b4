"""The op table (see spec.py); ALL_SPECS gathers the rows of every op family."""
from . import elementwise, arithmetic, reduction, shape, indexing, linalg

ALL_SPECS = [spec for module in (elementwise, arithmetic, reduction, shape, indexing, linalg)
             for spec in module.SPECS]
