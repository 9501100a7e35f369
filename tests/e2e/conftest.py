"""End-to-end setup: the window's QSettings live in the test's own folder (as in tests/gui)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings


@pytest.fixture(autouse=True)
def isolated_qsettings(tmp_path: Path) -> Path:
    """Point the INI settings of the user scope at ``tmp_path/settings``.

    ``QSettings`` reads ``XDG_CONFIG_HOME`` once per process, so the per-test environment of
    ``tests/conftest.py`` alone does not separate one test's settings from the next.
    """
    folder = tmp_path / "settings"
    folder.mkdir()
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    return folder
