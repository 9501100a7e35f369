"""Shared test setup: offscreen Qt, and per-test XDG folders so the real trash, cache and
settings code runs against ``tmp_path`` instead of the user's home."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Point HOME and the XDG folders at a fresh temporary directory for every test."""
    home = tmp_path_factory.mktemp("home")
    for var, sub in (
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_CACHE_HOME", ".cache"),
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_STATE_HOME", ".local/state"),
    ):
        (home / sub).mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.setenv("HOME", str(home))
    # QSettings reads XDG_CONFIG_HOME once per process; point it at this test's folder again.
    # Only where a GUI test already loaded Qt: the engine tests stay Qt-free.
    qtcore = sys.modules.get("PySide6.QtCore")
    if qtcore is not None:
        settings_dir = home / ".config" / "qsettings"
        settings_dir.mkdir()
        qs = qtcore.QSettings
        qs.setPath(qs.Format.IniFormat, qs.Scope.UserScope, str(settings_dir))
    return home
