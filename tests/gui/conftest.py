"""GUI test fixtures. (Each test's own QSettings folder is set in tests/conftest.py.)"""

from __future__ import annotations

import pytest

from lookalike.gui.settings import Settings


@pytest.fixture
def settings() -> Settings:
    return Settings()
