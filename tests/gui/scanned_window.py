"""The real window on a generated folder, and a real scan of it by the Scan button."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from lookalike.core.model import ScanMode, ScanSummary
from lookalike.gui.main_window import MainWindow

TIMEOUT_MS = 120_000


def open_window(
    qtbot: QtBot, folder: Path, *, mode: ScanMode = ScanMode.SIMILAR, **kwargs: Any
) -> MainWindow:
    """A shown ``MainWindow`` with ``folder`` added and ``mode`` chosen."""
    window = MainWindow(**kwargs)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    window.add_folder(str(folder))
    radio = (
        window.options_panel.similar_radio
        if mode is ScanMode.SIMILAR
        else window.options_panel.identical_radio
    )
    radio.setChecked(True)
    return window


def scan(qtbot: QtBot, window: MainWindow) -> ScanSummary:
    """Press Scan and wait for the end."""
    with qtbot.waitSignal(window.scan_finished, timeout=TIMEOUT_MS) as finished:
        qtbot.mouseClick(window.scan_button, Qt.MouseButton.LeftButton)
    summary = finished.args[0]
    assert isinstance(summary, ScanSummary)
    return summary
