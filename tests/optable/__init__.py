"""The op table (see spec.py). Each rows module has SPECS (its rows) and REQUIRED (the public
op names of its family, each of which must have at least one row)."""
from . import (elementwise, arithmetic, reduction, shape, indexing, linalg, conv, recurrent, ctc,
               grid, decomp, decomp2)
from . import pooling_extra
from . import activation_extra

MODULES = (elementwise, arithmetic, reduction, shape, indexing, linalg, conv, recurrent, ctc, grid,
           decomp, decomp2)
MODULES += (pooling_extra,)
from . import misc_extra  # noqa: E402
MODULES += (misc_extra,)
MODULES += (activation_extra,)
from . import special  # noqa: E402
MODULES += (special,)
ALL_SPECS = [spec for module in MODULES for spec in module.SPECS]
REQUIRED = set().union(*(getattr(module, "REQUIRED", set()) for module in MODULES))
