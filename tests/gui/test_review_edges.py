"""The rough edges of issue 13 through the real window: readable report dialogs, Scan without
folders, the shortcuts list and the theme, nothing cut off when narrow or at 2x, Open without a
launcher, and the small mismatches (counts, sensitivity, subfolders, plurals)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeySequence, QPalette
from PySide6.QtWidgets import QApplication, QHeaderView
from pytestqt.qtbot import QtBot

from lookalike.core import words
from lookalike.core.events import Progress, Stage
from lookalike.core.model import ScanMode, Sensitivity
from lookalike.gui.actions import RESULT_KEYS
from lookalike.gui.errors import ProblemListDialog
from lookalike.gui.main_window import MainWindow
from lookalike.gui.settings import Settings
from lookalike.gui.shortcuts import ShortcutsDialog
from lookalike.gui.theme import Theme, dark_palette
from tests.gui.photo_tree import make_photo_tree
from tests.gui.scanned_window import TIMEOUT_MS, open_window, scan

ROOT = Path(__file__).resolve().parents[2]
DEEP = "Pictures/2021/Summer holiday with the whole family in the mountains/Phone backup"


# --- 13. report dialogs -------------------------------------------------------------------


def _check_paths_are_readable(dialog: ProblemListDialog, paths: list[str]) -> None:
    table, header = dialog.table, dialog.table.horizontalHeader()
    assert table.textElideMode() is Qt.TextElideMode.ElideMiddle
    for column in range(dialog.model.columnCount()):
        assert header.sectionResizeMode(column) is QHeaderView.ResizeMode.Interactive
    # Wide enough for the paths at their default size (or elided in the middle: both ends).
    path_width = header.sectionSize(0)
    metrics = table.fontMetrics()
    for row, path in enumerate(paths):
        index = dialog.model.index(row, 0)
        assert index.data(Qt.ItemDataRole.ToolTipRole) == path
        shown = metrics.elidedText(path, Qt.TextElideMode.ElideMiddle, path_width - 12)
        assert shown.endswith(os.path.basename(path))
        assert shown.startswith(path[:4])
        assert len(shown) > 30  # not "/t…"
    # Every column in sight at the default size, within the screen.
    widths = [header.sectionSize(c) for c in range(dialog.model.columnCount())]
    assert sum(widths) <= table.viewport().width() + 1
    assert path_width >= table.viewport().width() * 0.4
    assert dialog.width() <= dialog.screen().availableGeometry().width()


def test_skipped_and_cleanup_dialogs_show_readable_paths(qtbot: QtBot, tmp_path: Path) -> None:
    tree = make_photo_tree(tmp_path / DEEP, groups=2, singles=0)
    window = open_window(qtbot, tmp_path / "Pictures", confirm=lambda parent, plan, choice: True)
    scan(qtbot, window)
    qtbot.mouseClick(window.skipped_button, Qt.MouseButton.LeftButton)
    skipped = window.findChild(ProblemListDialog)
    assert skipped is not None
    qtbot.waitExposed(skipped)
    _check_paths_are_readable(skipped, [str(tree.broken[0])])
    skipped.close()

    # A marked copy changed after the scan: the cleanup leaves it and lists it.
    changed = tree.copies[0]
    window.results_model.set_checked(str(changed), True)
    with changed.open("ab") as f:
        f.write(b"edited later")
    with qtbot.waitSignal(window.cleanup_finished, timeout=TIMEOUT_MS):
        window.action("trash").trigger()
    report = window.findChild(ProblemListDialog, "cleanup_report")
    assert report is not None
    qtbot.waitExposed(report)
    _check_paths_are_readable(report, [str(changed)])
    report.close()


# --- 14. Scan without folders -------------------------------------------------------------


# The hint is a tooltip, which the offscreen platform cannot raise above the window.
@pytest.mark.qt_log_ignore("does not support raise")
def test_scan_without_folders_says_why_and_points_at_add_folder(qtbot: QtBot) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.scan_button.isEnabled()
    qtbot.mouseClick(window.scan_button, Qt.MouseButton.LeftButton)
    assert not window.session.is_scanning()
    assert window.statusBar().currentMessage() == words.nothing_to_scan()
    assert window.empty_state.message.text() == words.nothing_to_scan()
    assert "Add Folder" in words.nothing_to_scan()
    assert window.focusWidget() is window.empty_state.add_button
    assert window.empty_state.add_button.isDefault()


# --- 15. shortcuts and theme --------------------------------------------------------------


def test_help_lists_every_shortcut_of_the_action_table(qtbot: QtBot) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.action("shortcuts").trigger()
    dialog = window.findChild(ShortcutsDialog)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    rows = dialog.rows()
    for spec in window.actions_table.specs():
        action = window.action(spec.name)
        keys = [
            k.toString(QKeySequence.SequenceFormat.NativeText)
            for k in action.shortcuts()
            if not k.isEmpty()  # a standard key the platform leaves unset (Quit, offscreen)
        ]
        if keys:
            line = next(r for r in rows if r[0] == ", ".join(keys))
            assert line[1] == action.text().replace("&", "").removesuffix("…")
    assert ("Ctrl+O", "Add Folder") in rows
    assert ("Ctrl+G", "Go to Group") in rows
    assert ("F1", "Keyboard Shortcuts") in rows
    for keys, does in RESULT_KEYS:
        assert (keys, does) in rows
    dialog.close()


def test_the_theme_is_chosen_applied_and_remembered(qtbot: QtBot, settings: Settings) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    original = app.palette().color(QPalette.ColorRole.Window)
    window = MainWindow(settings)
    qtbot.addWidget(window)
    try:
        window.theme_actions[Theme.DARK].trigger()
        assert app.palette().color(QPalette.ColorRole.Window) == QColor("#2b2b2b")
        assert app.palette().color(QPalette.ColorRole.Window) == dark_palette().color(
            QPalette.ColorRole.Window
        )
        assert settings.theme == "dark"
        window.theme_actions[Theme.LIGHT].trigger()
        assert app.palette().color(QPalette.ColorRole.Window).lightness() > 200
        window.theme_actions[Theme.DARK].trigger()
        window.close()

        again = MainWindow(Settings())
        qtbot.addWidget(again)
        assert again.theme_actions[Theme.DARK].isChecked()
        assert app.palette().color(QPalette.ColorRole.Window) == QColor("#2b2b2b")
        again.theme_actions[Theme.SYSTEM].trigger()
        assert app.palette().color(QPalette.ColorRole.Window) == original
        assert Settings().theme == "system"
    finally:
        window.theme_actions[Theme.SYSTEM].trigger()


# --- 16. nothing cut off when narrow or at 2x ---------------------------------------------


def _assert_nothing_cut_off(report: dict) -> None:
    assert report["headers"]
    for header in report["headers"]:
        assert header["needed"] <= header["room"], header
    assert report["details"]
    for detail in report["details"]:
        # Every value whole: wrapped to its width, none of it beyond its edge or its height.
        assert detail["fits"], detail
        assert detail["whole_in_tooltip"], detail


def test_headers_and_details_are_not_cut_off_in_a_narrow_window(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from tests.gui.scaled_window import clipped

    long_name = tmp_path / "photos" / "PXL_20150627_175701807_with_a_long_name_indeed"
    tree = make_photo_tree(long_name, groups=2, singles=0, broken=False)
    window = open_window(qtbot, tree.root)
    window.resize(720, 520)
    scan(qtbot, window)
    window.select_duplicates()
    window.results_view.set_current(0, 1)
    window.results_view.compare(None)
    qtbot.waitUntil(lambda: not window.results_view.preview.busy, timeout=TIMEOUT_MS)
    report = clipped(window)
    _assert_nothing_cut_off(report)
    # Narrow enough that the full header wording did not fit somewhere: the test means it.
    full = [words.group_detail(g) for g in window.results_model.groups()]
    assert any(h["texts"][1] != f" · {f}" for h, f in zip(report["headers"], full, strict=False))


@pytest.mark.slow
def test_headers_and_details_are_not_cut_off_at_twice_the_scale(tmp_path: Path) -> None:
    tree = make_photo_tree(tmp_path / "photos" / "PXL_20150627_175701807", groups=2, singles=0)
    env = dict(os.environ, QT_SCALE_FACTOR="2", QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-m", "tests.gui.scaled_window", str(tree.root), "900", "640"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["device_pixel_ratio"] == 2.0
    _assert_nothing_cut_off(report)


# --- 17. Open and Show in Folder without a launcher ---------------------------------------


@pytest.mark.qt_log_ignore("does not support QPlatformServices")
def test_open_and_show_in_folder_say_so_without_a_launcher(qtbot: QtBot, tmp_path: Path) -> None:
    # The offscreen platform, like a desktop without xdg-open, has nothing to hand a file to.
    tree = make_photo_tree(tmp_path / "photos", groups=1, singles=0, broken=False)
    window = open_window(qtbot, tree.root)
    scan(qtbot, window)
    preview = window.results_view.preview
    member = preview.member
    assert member is not None
    qtbot.mouseClick(preview.open_button, Qt.MouseButton.LeftButton)
    assert window.statusBar().currentMessage() == words.no_viewer(member.path)
    assert preview.notice.isVisible()
    assert preview.notice.text() == words.no_viewer(member.path)
    qtbot.mouseClick(preview.folder_button, Qt.MouseButton.LeftButton)
    expected = words.no_file_manager(os.path.dirname(member.path))
    assert window.statusBar().currentMessage() == expected
    assert preview.notice.text() == expected
    # The next photo clears the note.
    window.results_view.set_current(0, 1)
    assert not preview.notice.isVisible()


# --- 18. smaller mismatches ---------------------------------------------------------------


@pytest.mark.parametrize("mode", [ScanMode.SIMILAR, ScanMode.EXACT])
def test_progress_counts_the_files_the_summary_counts(
    qtbot: QtBot, tmp_path: Path, mode: ScanMode
) -> None:
    tree = make_photo_tree(tmp_path / "photos", groups=2, singles=2)
    (tree.root / "camera" / "empty.jpg").write_bytes(b"")
    window = open_window(qtbot, tree.root, mode=mode)
    totals: set[int] = set()
    details: list[str] = []

    def record(progress: Progress) -> None:
        if progress.stage in (Stage.HASH, Stage.FINGERPRINT):
            totals.add(progress.total)
            details.append(window.progress_panel.detail_label.text())

    window.session.scan_progress_changed.connect(record)
    summary = scan(qtbot, window)
    # One count from the first progress to the last word: every file found (compared or
    # skipped, as the status bar's "could not be read" then says).
    found = summary.files + len(window.session.skipped)
    assert totals == {found} == {2 * 3 + 2 + 1 + 1}  # groups, singles, broken, empty
    assert f"of {words.number(found)} files" in details[-1]
    assert window.statusBar().currentMessage().startswith(f"Scanned {words.files(found)} in ")
    assert window.skipped_button.text() == words.unreadable(len(window.session.skipped))


def test_open_results_sets_the_sensitivity_it_was_scanned_with(
    qtbot: QtBot, tmp_path: Path
) -> None:
    tree = make_photo_tree(tmp_path / "photos", groups=1, singles=0, broken=False)
    window = open_window(qtbot, tree.root)
    window.options_panel.set_sensitivity(Sensitivity.STRICT)
    scan(qtbot, window)
    saved = tmp_path / "strict.json"
    with qtbot.waitSignal(window.results_saved, timeout=TIMEOUT_MS):
        window.save_results(str(saved))
    # Another window, set to Loose before any scan of its own, opens the strict result.
    other = open_window(qtbot, tree.root)
    other.options_panel.set_sensitivity(Sensitivity.LOOSE)
    with qtbot.waitSignal(other.results_loaded, timeout=TIMEOUT_MS):
        other.open_results(str(saved))
    assert other.options_panel.sensitivity() is Sensitivity.STRICT
    assert not other.session.is_busy()  # the control follows the file: no regrouping


def test_without_subfolders_the_empty_result_suggests_them(qtbot: QtBot, tmp_path: Path) -> None:
    tree = make_photo_tree(tmp_path / "photos", groups=2, singles=0, broken=False)
    window = open_window(qtbot, tree.root)
    window.options_panel.set_include_subfolders(False)
    summary = scan(qtbot, window)
    assert summary.files == 0  # every photo is in a subfolder
    message = window.empty_state.message.text()
    assert "“Include subfolders”" in message
    assert "Similar photos" not in message
    assert "sensitivity" not in message


def test_one_group_is_one_group(qtbot: QtBot, tmp_path: Path) -> None:
    tree = make_photo_tree(tmp_path / "photos", groups=1, singles=0, broken=False)
    window = open_window(qtbot, tree.root)
    scan(qtbot, window)
    message = window.statusBar().currentMessage()
    assert " · 1 group · " in message
    assert "1 groups" not in message
    window.action("select_duplicates").trigger()
    assert window.selection_label.text().startswith("2 selected")
