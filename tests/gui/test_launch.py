"""The window opens with what Lookalike was started with: folders are added, files add their
folders, and every path that could not be used is listed in the window with its reason."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from lookalike.gui.application import show_main_window
from lookalike.gui.errors import ProblemListDialog
from lookalike.gui.main_window import MainWindow
from lookalike.launcher import LaunchPaths, sort_paths
from tests import images


def _rows(dialog: ProblemListDialog) -> list[tuple[str, str]]:
    model = dialog.model
    return [
        (
            str(model.data(model.index(row, 0), Qt.ItemDataRole.DisplayRole)),
            str(model.data(model.index(row, 1), Qt.ItemDataRole.DisplayRole)),
        )
        for row in range(model.rowCount())
    ]


def _open(qtbot: QtBot, start: LaunchPaths) -> MainWindow:
    window = show_main_window(start)
    qtbot.addWidget(window)
    qtbot.waitExposed(window)
    return window


def test_files_add_their_folders_and_missing_paths_are_reported(
    qtbot: QtBot, tmp_path: Path
) -> None:
    phone = tmp_path / "Phone"
    trip = tmp_path / "Trip"
    phone.mkdir()
    trip.mkdir()
    images.save(phone / "a.jpg", images.photo(1, 64, 48))
    images.save(phone / "b.jpg", images.photo(2, 64, 48))
    window = _open(
        qtbot,
        sort_paths([str(phone / "a.jpg"), str(phone / "b.jpg"), "/does-not-exist", str(trip)]),
    )
    assert window.isVisible()
    assert window.folder_panel.folders() == [str(phone), str(trip)]
    assert window.scan_button.isEnabled()
    dialog = window.findChild(ProblemListDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert "1 item Lookalike was started with could not be added" in dialog.summary_label.text()
    assert _rows(dialog) == [("/does-not-exist", "not found")]


def test_nothing_usable_still_opens_the_window(qtbot: QtBot, tmp_path: Path) -> None:
    window = _open(qtbot, sort_paths(["/does-not-exist", str(tmp_path / "gone.jpg")]))
    assert window.isVisible()
    assert window.folder_panel.is_empty()
    assert window.stack.currentWidget() is window.empty_state
    dialog = window.findChild(ProblemListDialog)
    assert dialog is not None
    assert _rows(dialog) == [
        ("/does-not-exist", "not found"),
        (str(tmp_path / "gone.jpg"), "not found"),
    ]


def test_a_name_that_is_not_utf8_is_shown_readably(qtbot: QtBot, tmp_path: Path) -> None:
    missing = str(tmp_path) + "/caf" + b"\xe9".decode("utf-8", "surrogateescape") + ".jpg"
    window = _open(qtbot, sort_paths([missing]))
    dialog = window.findChild(ProblemListDialog)
    assert dialog is not None
    assert _rows(dialog) == [(f"{tmp_path}/caf\ufffd.jpg", "not found")]


def test_good_folders_alone_open_no_dialog(qtbot: QtBot, tmp_path: Path) -> None:
    window = _open(qtbot, sort_paths([str(tmp_path)]))
    assert window.folder_panel.folders() == [str(tmp_path)]
    assert window.findChild(ProblemListDialog) is None
