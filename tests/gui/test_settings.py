"""The typed settings: defaults, round trips through the INI file, and the version stamp."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from lookalike.core.model import ScanMode, Sensitivity
from lookalike.gui.settings import RECENT_FOLDERS_MAX, SETTINGS_VERSION, Settings, open_qsettings


def test_defaults_on_an_empty_store(settings: Settings, isolated_home: Path) -> None:
    assert settings.file_name.startswith(str(isolated_home))
    assert settings.folders == []
    assert settings.reference_folders == []
    assert settings.recent_folders == []
    assert settings.scan_mode is ScanMode.SIMILAR
    assert settings.sensitivity is Sensitivity.NORMAL
    assert settings.include_subfolders is True
    assert settings.sort_key == "reclaimable"
    assert settings.window_geometry.isEmpty()
    assert settings.settings_version == SETTINGS_VERSION


def test_values_survive_a_new_store(settings: Settings) -> None:
    settings.folders = ["/photos/a"]  # one element: QSettings would hand back a bare string
    settings.reference_folders = ["/photos/a", "/photos/ref"]
    settings.scan_mode = ScanMode.EXACT
    settings.sensitivity = Sensitivity.LOOSE
    settings.include_subfolders = False
    settings.window_geometry = QByteArray(b"\x01\x02geometry")
    settings.last_browse_dir = "/photos"
    settings.sort_key = "folder"
    settings.sync()

    again = Settings()
    assert again.folders == ["/photos/a"]
    assert again.reference_folders == ["/photos/a", "/photos/ref"]
    assert again.scan_mode is ScanMode.EXACT
    assert again.sensitivity is Sensitivity.LOOSE
    assert again.include_subfolders is False
    assert again.window_geometry == QByteArray(b"\x01\x02geometry")
    assert again.last_browse_dir == "/photos"
    assert again.sort_key == "folder"


def test_recent_folders_move_to_front_and_are_bounded(settings: Settings) -> None:
    for i in range(RECENT_FOLDERS_MAX + 3):
        settings.add_recent_folder(f"/p/{i}")
    settings.add_recent_folder("/p/5")
    recent = settings.recent_folders
    assert recent[0] == "/p/5"
    assert len(recent) == RECENT_FOLDERS_MAX
    assert len(set(recent)) == len(recent)
    settings.clear_recent_folders()
    assert settings.recent_folders == []


def test_bad_stored_values_fall_back_to_defaults(settings: Settings) -> None:
    raw = open_qsettings()
    raw.setValue("scan/mode", "telepathic")
    raw.setValue("scan/sensitivity", "")
    raw.setValue("scan/include_subfolders", "maybe")
    raw.setValue("folders", "not json [")
    raw.setValue("reference_folders", '{"a": 1}')
    raw.sync()
    again = Settings()
    assert again.scan_mode is ScanMode.SIMILAR
    assert again.sensitivity is Sensitivity.NORMAL
    assert again.include_subfolders is True
    assert again.folders == []
    assert again.reference_folders == []


def test_a_newer_version_is_left_alone(isolated_home: Path) -> None:
    raw = open_qsettings()
    raw.setValue("settings_version", str(SETTINGS_VERSION + 1))
    raw.sync()
    assert Settings().settings_version == SETTINGS_VERSION + 1
    assert QSettings(raw.fileName(), QSettings.Format.IniFormat).value("settings_version") == str(
        SETTINGS_VERSION + 1
    )
