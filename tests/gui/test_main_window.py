"""The main window with the real engine: empty state, folders and options that persist,
scanning with progress and cancel, selection summary, skipped files, dialogs, responsiveness."""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, Qt, QTimer, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from lookalike import __version__
from lookalike.core.cancel import CancelToken
from lookalike.core.cleanup.events import ActionKind
from lookalike.core.cleanup.plan import Plan
from lookalike.core.events import GroupFound, ScanEvent
from lookalike.core.model import ScanMode, ScanOptions, ScanSummary, Sensitivity
from lookalike.core.scan import run_scan
from lookalike.gui.about import AboutDialog
from lookalike.gui.cleanup import CleanupChoice
from lookalike.gui.errors import ExceptionDialog, ProblemListDialog
from lookalike.gui.folder_dialog import FolderTreeDialog
from lookalike.gui.main_window import MainWindow
from lookalike.gui.results_model import SortKey
from lookalike.gui.settings import Settings
from tests.gui.photo_tree import make_photo_tree

TIMEOUT_MS = 120_000


def _window(qtbot: QtBot, *, confirm_answer: bool | None = None) -> MainWindow:
    window = (
        MainWindow()
        if confirm_answer is None
        else MainWindow(confirm=lambda parent, plan, choice: confirm_answer)
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _scan(qtbot: QtBot, window: MainWindow) -> ScanSummary:
    with qtbot.waitSignal(window.scan_finished, timeout=TIMEOUT_MS) as finished:
        qtbot.mouseClick(window.scan_button, Qt.MouseButton.LeftButton)
    summary = finished.args[0]
    assert isinstance(summary, ScanSummary)
    return summary


def test_empty_state_invites_to_add_a_folder(qtbot: QtBot, tmp_path: Path) -> None:
    window = _window(qtbot)
    assert window.windowTitle() == "Lookalike"
    assert window.stack.currentWidget() is window.empty_state
    assert window.empty_state.add_button.isVisible()
    assert not window.empty_state.scan_button.isVisible()
    # Scan stays pressable: without folders it says why (test_scan_without_folders_says_why).
    assert window.scan_button.isEnabled()
    assert not window.action("trash").isEnabled()
    assert window.selection_label.text() == "0 selected · 0 bytes"
    assert window.action("add_folder").shortcut().toString() == "Ctrl+O"
    assert window.action("trash").shortcut().toString() == "Del"
    for widget in (window.scan_button, window.trash_button, window.folder_panel.tree):
        assert widget.accessibleName()

    (tmp_path / "photos").mkdir()
    assert window.add_folder(str(tmp_path / "photos"))
    assert window.empty_state.scan_button.isVisible()
    assert window.scan_button.isEnabled()
    assert "Ready to search 1 folder" in window.empty_state.message.text()


def test_folders_options_and_recent_persist(qtbot: QtBot, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    window = _window(qtbot)
    window.add_folder(str(a))
    window.add_folder(str(b))
    window.folder_panel.set_reference(str(b), True)
    options = window.options_panel
    options.identical_radio.setChecked(True)
    options.subfolders_check.setChecked(False)
    assert not options.sensitivity_combo.isEnabled()  # sensitivity only applies to similar mode
    options.similar_radio.setChecked(True)
    options.sensitivity_combo.setCurrentIndex(options.sensitivity_combo.findData("strict"))
    window.sort_actions[SortKey.FOLDER].trigger()
    window.close()

    stored = Settings()
    assert stored.folders == [str(a), str(b)]
    assert stored.reference_folders == [str(b)]
    assert stored.recent_folders[:2] == [str(b), str(a)]
    assert stored.scan_mode is ScanMode.SIMILAR
    assert stored.sensitivity is Sensitivity.STRICT
    assert stored.include_subfolders is False

    again = _window(qtbot)
    assert again.folder_panel.folders() == [str(a), str(b)]
    assert again.sort_key() is SortKey.FOLDER
    options = again.scan_options()
    assert options.roots == (str(a), str(b))
    assert options.reference_roots == (str(b),)
    assert options.mode is ScanMode.SIMILAR
    assert options.sensitivity is Sensitivity.STRICT
    assert options.recursive is False
    assert options.cache_path is not None
    assert options.cache_path.startswith(str(tmp_path.parent))  # the per-test XDG cache


def test_recent_folders_are_offered_in_the_empty_state(qtbot: QtBot, tmp_path: Path) -> None:
    folder = tmp_path / "holiday"
    folder.mkdir()
    Settings().add_recent_folder(str(folder))
    window = _window(qtbot)
    links = [
        w
        for w in window.empty_state.recent_box.findChildren(type(window.empty_state.add_button))
        if os.fsdecode(bytes(w.property("folder") or b"")) == str(folder)
    ]
    assert len(links) == 1
    qtbot.waitUntil(lambda: links[0].height() > 0)
    qtbot.mouseClick(links[0], Qt.MouseButton.LeftButton)
    assert window.folder_panel.folders() == [str(folder)]


def test_folders_dropped_on_the_window_are_added(qtbot: QtBot, tmp_path: Path) -> None:
    folder = tmp_path / "dropped"
    folder.mkdir()
    window = _window(qtbot)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(folder))])
    drop = QDropEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(drop)
    assert drop.isAccepted()
    assert window.folder_panel.folders() == [str(folder)]


def test_scan_shows_groups_selection_and_skipped(qtbot: QtBot, tmp_path: Path) -> None:
    tree = make_photo_tree(tmp_path / "photos", groups=2, singles=1)
    window = _window(qtbot, confirm_answer=False)
    window.add_folder(str(tree.root))
    summary = _scan(qtbot, window)
    assert not summary.cancelled
    assert not window.progress_panel.isVisible()
    assert window.action("scan").isEnabled()
    assert window.results_model.rowCount() == 2
    assert "2 groups" in window.statusBar().currentMessage()

    window.action("select_duplicates").trigger()
    model = window.results_model
    assert model.checked_count() == 4
    assert window.selection_label.text().startswith("4 selected · ")
    assert window.trash_button.text() == "Move 4 files to Trash"
    assert window.trash_button.isEnabled()

    # Delete asks first; answering "no" leaves every file alone.
    window.results_view.setFocus()
    window.action("trash").trigger()
    assert window.session.cleanup_worker is None
    assert all(Path(p).exists() for p in model.checked_paths())

    window.action("invert_selection").trigger()
    assert model.checked_count() > 0
    window.action("clear_selection").trigger()
    assert window.selection_label.text() == "0 selected · 0 bytes"

    assert window.action("skipped").isEnabled()
    window.action("skipped").trigger()
    dialog = window.findChild(ProblemListDialog)
    assert dialog is not None
    assert dialog.model.rowCount() == 1
    assert dialog.model.index(0, 0).data() == str(tree.broken[0])
    assert "1 file could not be read, so it was not compared" in dialog.summary_label.text()
    dialog.close()


def test_cancel_stops_the_scan_and_resets_the_window(qtbot: QtBot, tmp_path: Path) -> None:
    tree = make_photo_tree(tmp_path / "photos", groups=40, singles=0, size=(200, 150))
    window = _window(qtbot)
    window.add_folder(str(tree.root))
    with qtbot.waitSignal(window.scan_finished, timeout=TIMEOUT_MS) as finished:
        qtbot.mouseClick(window.scan_button, Qt.MouseButton.LeftButton)
        assert window.progress_panel.isVisible()
        assert window.action("cancel").isEnabled()
        assert not window.folder_panel.isEnabled()
        qtbot.mouseClick(window.progress_panel.cancel_button, Qt.MouseButton.LeftButton)
        assert not window.action("cancel").isEnabled()
    assert finished.args[0].cancelled
    assert window.session.scan_worker is None
    assert window.action("scan").isEnabled()
    assert window.folder_panel.isEnabled()
    assert "cancelled" in window.statusBar().currentMessage()


def test_closing_during_a_scan_waits_for_the_worker(qtbot: QtBot, tmp_path: Path) -> None:
    tree = make_photo_tree(tmp_path / "photos", groups=40, singles=0, size=(200, 150))
    window = _window(qtbot)
    window.add_folder(str(tree.root))
    qtbot.mouseClick(window.scan_button, Qt.MouseButton.LeftButton)
    assert window.session.scan_worker is not None
    window.close()
    assert window.session.pool.activeThreadCount() == 0


def test_about_names_the_version_and_licences(qtbot: QtBot) -> None:
    window = _window(qtbot)
    window.action("about").trigger()
    dialog = window.findChild(AboutDialog)
    assert dialog is not None
    text = dialog.text.text()
    assert __version__ in text
    assert "GPL-3.0-or-later" in text
    assert "LGPL-3.0" in text
    dialog.close()


def test_window_stays_responsive_while_scanning(qtbot: QtBot, tmp_path: Path) -> None:
    """A GUI-thread timer keeps firing while a few hundred files are scanned.

    The issue asks for no gap over ~200 ms; the bound here is looser because the test machine
    is shared and noisy. A GUI thread doing file or image work blocks for seconds, not this.
    """
    tree = make_photo_tree(
        tmp_path / "photos", groups=100, singles=20, size=(160, 120), broken=False
    )
    window = _window(qtbot)
    window.add_folder(str(tree.root))
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    try:
        summary = _scan(qtbot, window)
    finally:
        timer.stop()
    assert not summary.cancelled
    assert window.results_model.rowCount() == 100
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert len(ticks) > 10
    assert max(gaps) < 0.5, f"the event loop stalled for {max(gaps) * 1000:.0f} ms"


def test_delete_key_in_the_grid_asks_before_trashing(qtbot: QtBot, tmp_path: Path) -> None:
    tree = make_photo_tree(tmp_path / "photos", groups=2, singles=0, broken=False)
    asked: list[tuple[int, int, ActionKind]] = []

    def refuse(parent: object, plan: Plan, choice: CleanupChoice) -> bool:
        asked.append((len(plan.files), plan.total_bytes, choice.kind))
        return False

    window = MainWindow(confirm=refuse)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.add_folder(str(tree.root))
    _scan(qtbot, window)
    window.action("select_duplicates").trigger()
    model = window.results_model
    grid = window.results_view.grid
    grid.setFocus()
    qtbot.waitUntil(grid.hasFocus)
    qtbot.keyClick(grid, Qt.Key.Key_Delete)
    assert asked == [(model.checked_count(), model.checked_bytes(), ActionKind.TRASH)]
    assert window.session.cleanup_worker is None
    assert all(Path(p).exists() for p in model.checked_paths())


def test_select_in_folder_marks_only_that_folder(qtbot: QtBot, tmp_path: Path) -> None:
    tree = make_photo_tree(tmp_path / "photos", groups=2, singles=0, broken=False)
    window = _window(qtbot)
    window.add_folder(str(tree.root))
    _scan(qtbot, window)
    window.action("select_in_folder").trigger()
    dialog = window.findChild(FolderTreeDialog)
    assert dialog is not None
    item = dialog.item_of(str(tree.copies[0].parent))
    assert item is not None
    dialog.tree.setCurrentItem(item)
    dialog.ok_button.click()
    assert sorted(window.results_model.checked_paths()) == sorted(str(p) for p in tree.copies)


def test_results_save_and_open_round_trip(qtbot: QtBot, tmp_path: Path) -> None:
    tree = make_photo_tree(tmp_path / "photos", groups=2, singles=0)
    window = _window(qtbot)
    window.add_folder(str(tree.root))
    _scan(qtbot, window)
    window.action("select_duplicates").trigger()
    marked = sorted(window.results_model.checked_paths())
    saved_path = str(tmp_path / "review.json")
    with qtbot.waitSignal(window.results_saved, timeout=TIMEOUT_MS) as saved:
        window.save_results(saved_path)
    assert saved.args == [saved_path]
    assert Path(saved_path).is_file()
    csv_path = str(tmp_path / "review.csv")
    with qtbot.waitSignal(window.results_saved, timeout=TIMEOUT_MS):
        window.export_csv(csv_path)
    assert str(tree.copies[0]) in Path(csv_path).read_text(encoding="utf-8")
    window.close()

    again = _window(qtbot)
    with qtbot.waitSignal(again.results_loaded, timeout=TIMEOUT_MS):
        again.open_results(saved_path)
    assert again.results_model.rowCount() == 2
    assert sorted(again.results_model.checked_paths()) == marked
    assert again.folder_panel.folders() == [str(tree.root)]
    assert [s.path for s in again.session.skipped] == [str(tree.broken[0])]
    assert again.action("trash").isEnabled()


def test_opening_a_bad_result_file_says_why(qtbot: QtBot, tmp_path: Path) -> None:
    bad = tmp_path / "notes.json"
    bad.write_text('{"hello": "world"}', encoding="utf-8")
    window = _window(qtbot)
    shown: list[str] = []

    def close_warning() -> None:
        box = window.findChild(QMessageBox)
        if box is None or not box.isVisible():
            QTimer.singleShot(20, close_warning)
            return
        shown.append(box.text())
        box.accept()

    QTimer.singleShot(0, close_warning)
    window.open_results(str(bad))
    qtbot.waitUntil(lambda: bool(shown), timeout=TIMEOUT_MS)
    assert shown[0].startswith("Opening the result file failed.")
    assert "not a Lookalike result file" in shown[0]
    assert window.session.file_task is None
    assert window.action("open_results").isEnabled()


def test_a_crashing_scan_shows_a_bug_report_and_resets(qtbot: QtBot, tmp_path: Path) -> None:
    tree = make_photo_tree(tmp_path / "photos", groups=2, singles=0, broken=False)

    def scan_then_crash(options: ScanOptions, cancel: CancelToken) -> Iterator[ScanEvent]:
        for event in run_scan(options, cancel):
            yield event
            if isinstance(event, GroupFound):
                raise RuntimeError("grouping exploded")

    window = MainWindow(scan=scan_then_crash)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.add_folder(str(tree.root))
    reports: list[str] = []

    def close_report() -> None:
        dialog = window.findChild(ExceptionDialog)
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(20, close_report)
            return
        reports.append(dialog.details)
        dialog.reject()

    QTimer.singleShot(0, close_report)
    with qtbot.waitSignal(window.scan_failed, timeout=TIMEOUT_MS):
        qtbot.mouseClick(window.scan_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(reports), timeout=TIMEOUT_MS)
    assert "RuntimeError: grouping exploded" in reports[0]
    assert window.session.scan_worker is None
    assert window.action("scan").isEnabled()
    assert not window.progress_panel.isVisible()
    assert window.results_model.rowCount() >= 1  # what was found before the crash stays


def test_no_duplicates_hint_fits_the_mode_that_was_used(qtbot: QtBot, tmp_path: Path) -> None:
    tree = make_photo_tree(tmp_path / "photos", groups=0, singles=2)
    window = _window(qtbot)
    window.add_folder(str(tree.root))
    window.options_panel.similar_radio.setChecked(True)
    _scan(qtbot, window)
    message = window.empty_state.message.text()
    assert "No duplicates among" in message
    assert "looser sensitivity" in message
    assert "Similar photos" not in message  # that is what was just searched for

    window.options_panel.identical_radio.setChecked(True)
    _scan(qtbot, window)
    assert "Try “Similar photos”" in window.empty_state.message.text()
