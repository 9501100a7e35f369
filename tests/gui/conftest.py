"""GUI test setup: every test gets its own QSettings folder, so no test sees another's choices
(or the user's)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from app.gui.settings import Settings


@pytest.fixture(autouse=True)
def isolated_qsettings(tmp_path: Path) -> Path:
    """Point the INI settings of the user scope at ``tmp_path/settings``."""
    folder = tmp_path / "settings"
    folder.mkdir()
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    return folder


@pytest.fixture
def settings(isolated_qsettings: Path) -> Settings:
    return Settings()
