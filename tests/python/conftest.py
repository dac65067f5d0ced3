import os
import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).parent))

import pxc  # noqa: E402


@pytest.fixture(scope="session")
def ctx():
    c = pxc.Context()
    yield c
    c.close()


@pytest.fixture(scope="session")
def corpus():
    return pxc.CORPUS
