"""Through the real window (issue 13 items 3, 8 and 9): "not duplicates" marks and their
manager, regrouping when the sensitivity changes, and sidecar files on the cards, in the trash
and back on undo."""

from __future__ import annotations

import json
import os
import shutil
import sys
import threading
from pathlib import Path

from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from lookalike.core.model import ScanSummary, Sensitivity
from lookalike.gui.cleanup import CleanupReport
from lookalike.gui.main_window import MainWindow
from lookalike.gui.not_duplicates_dialog import NotDuplicatesDialog
from lookalike.gui.results_model import MemberRole
from tests import images
from tests.gui.model_rows import member_indexes

TIMEOUT_MS = 120_000
MEMORY_FILE = "not-duplicates.json"

# Every open, os.open and os.replace of the memory's file (and its temporary copy), with whether
# it ran on the GUI thread: Python's audit events see the real calls, whoever makes them.
_memory_file_work: list[tuple[str, bool]] | None = None


def _audit(event: str, args: tuple[object, ...]) -> None:
    work = _memory_file_work
    if work is None or event not in ("open", "os.rename"):
        return
    names = [os.fsdecode(a) for a in args if isinstance(a, str | bytes)]
    if any(MEMORY_FILE in name for name in names):
        work.append((event, threading.current_thread() is threading.main_thread()))


sys.addaudithook(_audit)  # for the whole run (hooks cannot be removed); records when asked


def _window(qtbot: QtBot) -> MainWindow:
    window = MainWindow(confirm=lambda parent, plan, choice: True)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _scan(qtbot: QtBot, window: MainWindow) -> ScanSummary:
    with qtbot.waitSignal(window.scan_finished, timeout=TIMEOUT_MS) as finished:
        window.action("scan").trigger()
    summary = finished.args[0]
    assert isinstance(summary, ScanSummary)
    return summary


def _family(root: Path) -> None:
    """One picture as an original, a half-size copy and a copy with 16 % cut off; a second picture
    as an original and a re-encoded copy."""
    img = images.photo(40, 480, 360)
    images.save(root / "a_original.jpg", img, quality=95)
    images.save(root / "b_half.jpg", images.resize(img, 0.5), quality=85)
    images.save(root / "c_crop.jpg", images.crop_border(img, 0.16))
    other = images.photo(41, 480, 360)
    images.save(root / "x_original.jpg", other, quality=95)
    images.save(root / "y_resaved.jpg", other, quality=60)


def _groups(window: MainWindow) -> list[set[str]]:
    return sorted(
        ({Path(m.path).name for m in g.members} for g in window.results_model.groups()), key=sorted
    )


def _focus(window: MainWindow, name: str) -> None:
    for index, member in member_indexes(window.results_model):
        if Path(member.path).name == name:
            window.results_view.set_current(index.parent().row(), index.row())
            assert window.results_view.current_member() == member
            return
    raise AssertionError(f"{name} is not shown")


def test_not_duplicates_marks_are_kept_honoured_and_undone(
    qtbot: QtBot, tmp_path: Path, isolated_home: Path
) -> None:
    root = tmp_path / "photos"
    _family(root)
    window = _window(qtbot)
    window.add_folder(str(root))
    _scan(qtbot, window)
    assert _groups(window) == [
        {"a_original.jpg", "b_half.jpg", "c_crop.jpg"},
        {"x_original.jpg", "y_resaved.jpg"},
    ]

    # A member: it leaves its group at once, and the choice is on disk.
    _focus(window, "c_crop.jpg")
    with qtbot.waitSignal(window.session.not_duplicates_remembered, timeout=TIMEOUT_MS):
        window.action("not_duplicate").trigger()
    assert _groups(window) == [
        {"a_original.jpg", "b_half.jpg"},
        {"x_original.jpg", "y_resaved.jpg"},
    ]
    assert "c_crop.jpg is not a duplicate of the 2 other files" in (
        window.statusBar().currentMessage()
    )
    stored = isolated_home / ".local/share/lookalike/not-duplicates.json"
    assert json.loads(stored.read_text())["choices"][0]["kind"] == "member"

    # A whole group dissolves.
    _focus(window, "y_resaved.jpg")
    with qtbot.waitSignal(window.session.not_duplicates_remembered, timeout=TIMEOUT_MS):
        window.action("not_duplicates_group").trigger()
    assert _groups(window) == [{"a_original.jpg", "b_half.jpg"}]

    # A new scan honours both.
    _scan(qtbot, window)
    assert _groups(window) == [{"a_original.jpg", "b_half.jpg"}]

    # The pair compared: the half-size copy against its keeper.
    _focus(window, "b_half.jpg")
    pair = window.results_view.current_pair()
    assert pair is not None
    assert {Path(m.path).name for m in pair} == {"a_original.jpg", "b_half.jpg"}
    with qtbot.waitSignal(window.session.not_duplicates_remembered, timeout=TIMEOUT_MS):
        window.action("not_duplicates_pair").trigger()
    assert _groups(window) == []

    # The manager lists the three choices and undoes them: the files come back at once.
    window.action("not_duplicates_manager").trigger()
    dialog = window.findChild(NotDuplicatesDialog)
    assert dialog is not None
    assert dialog.tree.topLevelItemCount() == 3
    assert dialog.summary.text() == "3 choices remembered"
    newest = dialog.tree.topLevelItem(0).text(0)
    assert newest in {
        "b_half.jpg and a_original.jpg are not duplicates",
        "a_original.jpg and b_half.jpg are not duplicates",
    }
    newest_member = dialog.tree.topLevelItem(2)
    assert newest_member.text(0).startswith("c_crop.jpg is not a duplicate")
    dialog.tree.topLevelItem(0).setSelected(True)  # the pair
    with qtbot.waitSignal(window.scan_finished, timeout=TIMEOUT_MS) as regrouped:
        dialog.forget_button.click()
    assert regrouped.args[0].decoded == 0  # from the cache
    assert _groups(window) == [{"a_original.jpg", "b_half.jpg"}]
    assert dialog.tree.topLevelItemCount() == 2
    assert dialog.forget_all_button.isEnabled()
    with qtbot.waitSignal(window.scan_finished, timeout=TIMEOUT_MS):
        dialog.forget_all_button.click()
    assert _groups(window) == [
        {"a_original.jpg", "b_half.jpg", "c_crop.jpg"},
        {"x_original.jpg", "y_resaved.jpg"},
    ]
    assert json.loads(stored.read_text())["choices"] == []
    dialog.findChild(QDialogButtonBox).rejected.emit()
    window.close()


def test_a_new_sensitivity_regroups_at_once_from_the_cache(qtbot: QtBot, tmp_path: Path) -> None:
    root = tmp_path / "photos"
    _family(root)
    window = _window(qtbot)
    window.add_folder(str(root))
    window.options_panel.set_sensitivity(Sensitivity.NORMAL)
    first = _scan(qtbot, window)
    assert first.decoded == 5
    assert {"a_original.jpg", "b_half.jpg", "c_crop.jpg"} in _groups(window)
    window.action("select_duplicates").trigger()
    marked = set(window.results_model.checked_paths())

    with qtbot.waitSignal(window.scan_finished, timeout=TIMEOUT_MS) as regrouped:
        window.options_panel.set_sensitivity(Sensitivity.STRICT)  # no Scan click: at once
    strict = regrouped.args[0]
    assert strict.decoded == 0
    assert strict.cached == 5
    # Strict takes no cropped copy: the cut one is no duplicate there.
    assert _groups(window) == [
        {"a_original.jpg", "b_half.jpg"},
        {"x_original.jpg", "y_resaved.jpg"},
    ]
    # The marks on files still grouped stay.
    still = {m.path for g in window.results_model.groups() for m in g.duplicates}
    assert set(window.results_model.checked_paths()) == marked & still
    assert window.session.last_options is not None
    assert window.session.last_options.sensitivity is Sensitivity.STRICT

    with qtbot.waitSignal(window.scan_finished, timeout=TIMEOUT_MS) as back:
        window.options_panel.set_sensitivity(Sensitivity.NORMAL)
    assert back.args[0].decoded == 0
    assert back.args[0].measured == 0  # every pair was measured before
    assert {"a_original.jpg", "b_half.jpg", "c_crop.jpg"} in _groups(window)
    window.close()


def _slate_pixels(window: MainWindow) -> int:
    """Pixels of the sidecar badge's colour in the grid as painted."""
    image: QImage = window.results_view.grid.viewport().grab().toImage()
    tone = QColor(0x5A, 0x6B, 0x7D).rgb()
    return sum(
        1 for y in range(image.height()) for x in range(image.width()) if image.pixel(x, y) == tone
    )


def test_sidecars_show_on_the_card_and_travel_with_the_photo(
    qtbot: QtBot, tmp_path: Path, isolated_home: Path
) -> None:
    root = tmp_path / "photos"
    original = images.save(root / "IMG_7.jpg", images.photo(70, 320, 240))
    (root / "IMG_7.xmp").write_text("<keeper's/>")
    (root / "copies").mkdir()
    copy = root / "copies" / "IMG_7.jpg"
    shutil.copy2(original, copy)
    (root / "copies" / "IMG_7.jpg.xmp").write_text("<copy's/>")
    (root / "copies" / "IMG_7.jpg.json").write_text("{}")
    window = _window(qtbot)
    window.add_folder(str(root))
    _scan(qtbot, window)
    (group,) = window.results_model.groups()
    by_name = {m.path: m for m in group.members}
    assert [Path(s).name for s in by_name[str(copy)].sidecars] == [
        "IMG_7.jpg.json",
        "IMG_7.jpg.xmp",
    ]
    tips = {
        index.data(MemberRole).path: index.data(0x03)  # Qt.ToolTipRole
        for index, _ in member_indexes(window.results_model)
    }
    assert tips[str(copy)].endswith("with 2 sidecar files")
    assert tips[str(original)].endswith("with IMG_7.xmp")
    qtbot.waitUntil(lambda: _slate_pixels(window) > 50, timeout=10_000)

    window.action("select_duplicates").trigger()
    assert window.results_model.checked_paths() == [group.members[1].path]
    doomed = Path(group.members[1].path)
    with qtbot.waitSignal(window.cleanup_finished, timeout=TIMEOUT_MS) as cleaned:
        window.action("trash").trigger()
    report = cleaned.args[0]
    assert isinstance(report, CleanupReport)
    assert "1 sidecar file" in report.summary_text() or "2 sidecar files" in report.summary_text()
    trash = Path(os.environ["XDG_DATA_HOME"]) / "Trash" / "files"
    kept = group.keeper
    assert sorted(p.name for p in trash.iterdir()) == sorted(
        [doomed.name, *(Path(s).name for s in group.members[1].sidecars)]
    )
    for s in kept.sidecars:
        assert Path(s).exists()  # the keeper keeps its own
    with qtbot.waitSignal(window.cleanup_finished, timeout=TIMEOUT_MS):
        window.action("undo_cleanup").trigger()
    assert doomed.exists()
    for s in group.members[1].sidecars:
        assert Path(s).exists()
    assert list(trash.iterdir()) == []
    window.close()


def test_the_sidecar_badge_is_painted_only_for_photos_that_have_them(
    qtbot: QtBot, tmp_path: Path
) -> None:
    root = tmp_path / "photos"
    original = images.save(root / "IMG_8.jpg", images.photo(80, 320, 240))
    (root / "copies").mkdir()
    shutil.copy2(original, root / "copies" / "IMG_8.jpg")
    window = _window(qtbot)
    window.add_folder(str(root))
    _scan(qtbot, window)
    qtbot.waitUntil(lambda: window.results_model.rowCount() == 1, timeout=10_000)
    qtbot.wait(200)
    assert _slate_pixels(window) == 0
    window.close()


def test_the_memory_s_file_is_never_read_or_written_on_the_gui_thread(
    qtbot: QtBot, tmp_path: Path, isolated_home: Path
) -> None:
    """Read when a window opens, written by a mark and by Forget: always on a worker thread.
    A scan started at once after a mark waits for it to be written, and honours it."""
    global _memory_file_work
    root = tmp_path / "photos"
    _family(root)
    _memory_file_work = []
    try:
        window = _window(qtbot)
        window.add_folder(str(root))
        _scan(qtbot, window)
        _focus(window, "c_crop.jpg")
        window.action("not_duplicate").trigger()
        # Before the choice is written (its signal is still to come): the scan waits for it.
        finished = _scan(qtbot, window)
        assert not finished.cancelled
        assert {"a_original.jpg", "b_half.jpg"} in _groups(window)
        assert all("c_crop.jpg" not in g for g in _groups(window))
        window.close()

        again = _window(qtbot)
        qtbot.waitUntil(lambda: again.session.memory.ready)
        assert len(again.session.memory.choices()) == 1
        again.action("not_duplicates_manager").trigger()
        dialog = again.findChild(NotDuplicatesDialog)
        assert dialog is not None
        with qtbot.waitSignal(again.session.memory.forgotten, timeout=TIMEOUT_MS):
            dialog.forget_all_button.click()
        assert dialog.tree.topLevelItemCount() == 0
        dialog.findChild(QDialogButtonBox).rejected.emit()
        again.close()
        work = list(_memory_file_work)
    finally:
        _memory_file_work = None
    stored = isolated_home / ".local/share/lookalike" / MEMORY_FILE
    assert json.loads(stored.read_text())["choices"] == []
    assert ("os.rename", False) in work  # written (twice: the mark, then Forget) ...
    assert ("open", False) in work  # ... and read
    assert not [event for event, on_gui_thread in work if on_gui_thread]
