"""Fixtures of the cleanup tests: a journal in the test's own folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from lookalike.core.cleanup.journal import Journal


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    return Journal(tmp_path / "journal")
