"""Test set-up: one BLAS thread, the strict device registered, the `device` fixture."""
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import pytest  # noqa: E402

import mytorch as mt  # noqa: E402
from strict_device import install  # noqa: E402

install()

DEVICES = ["cpu", "strict"] + (["cuda"] if mt.cuda.is_available() else [])


@pytest.fixture(params=DEVICES)
def device(request):
    """Each test that takes `device` runs on the cpu, on the strict fake device, and on a real
    GPU where one exists."""
    return request.param


@pytest.fixture(autouse=True)
def _seed():
    mt.manual_seed(0)
    yield
