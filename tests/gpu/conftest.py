"""tests/gpu: run only where pixcodec can use a CUDA device; everything here is skipped otherwise
(with the library's reason). `make test` collects them with tests/python."""
import os
import sys

import pytest

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(_ROOT, "tests", "python"))
import pyhelpers  # noqa: E402,F401  (puts the build's package first on sys.path)

import pixcodec  # noqa: E402


def pytest_collection_modifyitems(config, items):
    if pixcodec.gpu_device_count() > 0:
        return
    skip = pytest.mark.skip(reason=f"no GPU: {pixcodec.gpu_unavailable_reason()}")
    here = os.path.dirname(os.path.abspath(__file__))
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(skip)
