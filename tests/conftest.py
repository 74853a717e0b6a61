"""Fixtures shared by the command-line tests."""
from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    """A private portcheck cache folder (XDG_CACHE_HOME) for one test module."""
    return tmp_path_factory.mktemp("cache")
