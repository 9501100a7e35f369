"""The cleanup's Qt side: the tally's wording on real batches, the confirmation showing the
plan's real numbers and refusals, the worker turning the runner's events into signals, and
Cancel in the window's progress panel for a cleanup and for an undo."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer, Slot
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from lookalike.core import report, words
from lookalike.core.cleanup import runner
from lookalike.core.cleanup.events import ActionKind, BatchProgress, OutcomeStatus
from lookalike.core.cleanup.journal import Journal
from lookalike.core.cleanup.plan import Plan
from lookalike.core.model import Group, Member, ScanMode, ScanResult, Sensitivity
from lookalike.gui.cleanup import (
    CONFIRM_BOX_NAME,
    CleanupChoice,
    CleanupReport,
    CleanupWorker,
    confirm_cleanup,
    refusal_summary,
)
from lookalike.gui.main_window import ConfirmCleanup, MainWindow
from tests import images
from tests.core.cleanup.helpers import identical_group, plan_in, similar_group, trashinfo_paths

DATA = b"\xff\xd8 photo bytes " * 64
TIMEOUT_MS = 60_000


def _pairs(root: Path, count: int) -> list[Group]:
    """Pairs of identical real JPEGs (the window draws their thumbnails), each pair unlike the
    others by a comment segment."""
    jpeg = images.jpeg_bytes(images.photo(1, 24, 16))
    groups = []
    for i in range(count):
        comment = f"pair {i}".encode()
        data = jpeg[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + jpeg[2:]
        groups.append(identical_group(i, root / f"g{i}", ["keep.jpg", "copy.jpg"], data))
    return groups


def _batch(plan: Plan, journal: Journal) -> CleanupReport:
    return CleanupReport(runner.collect(runner.execute(plan, journal=journal)))


def _undo(journal: Journal) -> CleanupReport:
    return CleanupReport(runner.collect(runner.undo_last_batch(journal)))


def test_summary_counts_one_file_in_the_singular(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal")
    one = identical_group(1, tmp_path / "one", ["keep.jpg", "a.jpg"], DATA)
    two = identical_group(2, tmp_path / "two", ["keep.jpg", "a.jpg", "b.jpg"], DATA + b"2")

    first = _batch(plan_in(tmp_path, [one], {one.members[1].path}), journal)
    assert first.summary_text().startswith("Moved 1 file to the Trash (freed ")
    second = _batch(plan_in(tmp_path, [two], {m.path for m in two.duplicates}), journal)
    assert second.summary_text().startswith("Moved 2 files to the Trash (freed ")
    # One file comes back; the other's place was taken meanwhile: "1 skipped".
    Path(two.members[1].path).write_bytes(b"a new file took its place")
    restored = _undo(journal)
    assert restored.is_undo
    assert restored.summary_text() == "Restored 1 file · 1 skipped"
    assert [o.status for o in restored.problems] == [OutcomeStatus.SKIPPED]
    os.unlink(two.members[1].path)
    assert _undo(journal).summary_text() == "Restored 1 file"


class _ConfirmAnswer(QObject):
    """Presses a button of the confirm box once it is up, noting what the box said."""

    def __init__(self, button_text: str) -> None:
        super().__init__()
        self.button_text = button_text
        self.seen: list[tuple[str, str, list[str]]] = []

    @Slot()
    def answer(self) -> None:
        for widget in QApplication.topLevelWidgets():
            # An earlier box may still exist, hidden; the order of topLevelWidgets() is not
            # defined (Qt 6.7 lists the old one first), so only the box on screen counts.
            if (
                isinstance(widget, QMessageBox)
                and widget.objectName() == CONFIRM_BOX_NAME
                and widget.isVisible()
            ):
                buttons = widget.buttons()
                self.seen.append(
                    (widget.text(), widget.informativeText(), [b.text() for b in buttons])
                )
                for button in buttons:
                    if button.text().startswith(self.button_text):
                        button.click()
                        return
        QTimer.singleShot(10, self.answer)


def test_confirmation_shows_the_plan_s_numbers_and_refusals(qtbot: QtBot, tmp_path: Path) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    group = identical_group(1, tmp_path / "p", ["keep.jpg", "a.jpg", "b.jpg"], DATA)
    whole = identical_group(2, tmp_path / "w", ["keep.jpg", "a.jpg"], DATA + b"w")
    marked = {m.path for m in group.members} | {m.path for m in whole.members}
    plan = plan_in(tmp_path, [group, whole], marked - {group.keeper.path})
    assert len(plan.files) == 2
    answer = _ConfirmAnswer("Move 2 files")
    QTimer.singleShot(0, answer.answer)
    assert confirm_cleanup(parent, plan, CleanupChoice())
    [(text, info, _)] = answer.seen
    assert text == f"Move 2 files ({2 * len(DATA) / 1000:.1f} KB) to the Trash?"
    assert info.startswith(
        "2 files of the marked ones will be left alone: 2 would leave no copy of their picture."
    )
    assert refusal_summary(plan_in(tmp_path, [group], {group.members[1].path})) == ""


def test_each_confirmation_box_is_deleted_once_answered(qtbot: QtBot, tmp_path: Path) -> None:
    """A window asks before every cleanup; the boxes must not pile up as its children."""
    parent = QWidget()
    qtbot.addWidget(parent)
    group = identical_group(1, tmp_path / "p", ["keep.jpg", "a.jpg"], DATA)
    plan = plan_in(tmp_path, [group], {group.members[1].path})
    for button, expected in (("Move 1 file", True), ("Cancel", False)):
        answer = _ConfirmAnswer(button)
        QTimer.singleShot(0, answer.answer)
        assert confirm_cleanup(parent, plan, CleanupChoice()) is expected
        assert len(answer.seen) == 1
        qtbot.waitUntil(lambda: not parent.findChildren(QMessageBox))


def test_confirmation_of_a_plan_with_nothing_to_do_only_explains(
    qtbot: QtBot, tmp_path: Path
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    group = identical_group(1, tmp_path / "p", ["keep.jpg", "a.jpg"], DATA)
    plan = plan_in(tmp_path / "elsewhere", [group], {group.members[1].path})
    answer = _ConfirmAnswer("Close")
    QTimer.singleShot(0, answer.answer)
    assert not confirm_cleanup(parent, plan, CleanupChoice())
    [(text, info, buttons)] = answer.seen
    assert text == "None of the marked files can be moved to the Trash."
    assert info == "1 file of the marked ones will be left alone: 1 outside the scanned folders."
    assert buttons == ["Close"]


class _Progress(QObject):
    """Collects a worker's progress on the GUI thread (a slot, so it runs here)."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[BatchProgress] = []

    @Slot(object)
    def on_progress(self, event: BatchProgress) -> None:
        self.events.append(event)


def test_worker_cancel_stops_after_the_current_file(qtbot: QtBot, tmp_path: Path) -> None:
    groups = [
        similar_group(i, tmp_path / f"g{i}", ["keep.jpg", "small.jpg"], b"px") for i in range(6)
    ]
    dups = [g.members[1].path for g in groups]
    plan = plan_in(tmp_path, groups, set(dups))
    reached_third = threading.Event()
    cancelled = threading.Event()

    def reverify(keeper: Member, member: Member) -> bool:
        # The third file's last-moment proof waits until the GUI has pressed Cancel: so the
        # cancel arrives, deterministically, while that file is the current one.
        if member.path == dups[2]:
            reached_third.set()
            assert cancelled.wait(TIMEOUT_MS / 1000)
        return Path(member.path).read_bytes().startswith(b"px")

    worker = CleanupWorker(lambda cancel: runner.execute(plan, reverify=reverify, cancel=cancel))
    progress = _Progress()
    worker.signals.progress_changed.connect(progress.on_progress)
    with qtbot.waitSignal(worker.signals.finished, timeout=TIMEOUT_MS) as done:
        worker.start_on(QThreadPool.globalInstance())
        qtbot.waitUntil(reached_third.is_set, timeout=TIMEOUT_MS)
        worker.cancel()
        cancelled.set()
    result: CleanupReport = done.args[0]
    assert result.batch.cancelled
    assert result.done_paths == dups[:3]  # the current file was finished, then it stopped
    assert [o.reason for o in result.problems] == ["cancelled before it was reached"] * 3
    assert result.summary_text().endswith(" · 3 skipped · cancelled")
    assert all(os.path.exists(d) for d in dups[3:])
    assert progress.events
    assert progress.events[-1].done == 6


def _window_with(
    qtbot: QtBot, tmp_path: Path, groups: list[Group], confirm: ConfirmCleanup | None = None
) -> MainWindow:
    saved = tmp_path / "result.json"
    report.save_json(
        ScanResult(
            roots=(str(tmp_path / "photos"),),
            reference_roots=(),
            mode=ScanMode.EXACT,
            sensitivity=Sensitivity.NORMAL,
            groups=tuple(groups),
        ),
        saved,
    )
    window = MainWindow(confirm=confirm or (lambda parent, plan, choice: True))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.results_loaded, timeout=TIMEOUT_MS):
        window.open_results(str(saved))
    return window


def _cancel_once_past(qtbot: QtBot, window: MainWindow, done: int) -> None:
    """Press the progress panel's Cancel once the batch has done more than ``done`` files."""
    qtbot.waitUntil(lambda: window.progress_panel.bar.value() > done, timeout=TIMEOUT_MS)
    assert window.progress_panel.cancel_button.isEnabled()
    qtbot.mouseClick(window.progress_panel.cancel_button, Qt.MouseButton.LeftButton)
    assert not window.progress_panel.cancel_button.isEnabled()


def test_cancel_in_the_window_stops_a_cleanup_and_an_undo(qtbot: QtBot, tmp_path: Path) -> None:
    # Enough files that each batch is still running when the GUI presses Cancel (about 600
    # files trashed a second here, 1,400 restored).
    groups = _pairs(tmp_path / "photos", 1500)
    dups = [g.members[1].path for g in groups]
    window = _window_with(qtbot, tmp_path, groups)
    window.action("select_duplicates").trigger()
    with qtbot.waitSignal(window.cleanup_finished, timeout=TIMEOUT_MS) as cleaned:
        window.action("trash").trigger()
        _cancel_once_past(qtbot, window, 500)
    trashed: CleanupReport = cleaned.args[0]
    assert trashed.batch.cancelled
    assert 500 < len(trashed.done_paths) < len(dups)
    assert "cancelled" in window.statusBar().currentMessage()
    # What the tally says is what happened: exactly those files are in the trash.
    assert len(trashinfo_paths()) == len(trashed.done_paths)
    assert all(not os.path.exists(p) for p in trashed.done_paths)
    assert sum(os.path.exists(d) for d in dups) == len(dups) - len(trashed.done_paths)
    assert window.results_model.checked_count() == len(dups) - len(trashed.done_paths)

    assert window.action("undo_cleanup").isEnabled()
    with qtbot.waitSignal(window.cleanup_finished, timeout=TIMEOUT_MS) as undone:
        window.action("undo_cleanup").trigger()
        _cancel_once_past(qtbot, window, 0)
    restored: CleanupReport = undone.args[0]
    assert restored.is_undo
    assert restored.batch.cancelled
    back = restored.batch.count(OutcomeStatus.RESTORED)
    assert 0 < back < len(trashed.done_paths)
    assert back + len(trashinfo_paths()) == len(trashed.done_paths)
    assert sum(os.path.exists(d) for d in dups) == len(dups) - len(trashed.done_paths) + back


def test_confirmation_of_a_move_and_of_hard_links_names_what_happens(
    qtbot: QtBot, tmp_path: Path
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    group = identical_group(1, tmp_path / "p", ["keep.jpg", "a.jpg", "b.jpg"], DATA)
    plan = plan_in(tmp_path, [group], {m.path for m in group.duplicates})
    size = f"{2 * len(DATA) / 1000:.1f} KB"
    aside = str(tmp_path / "aside")
    answer = _ConfirmAnswer("Move 2 files")
    QTimer.singleShot(0, answer.answer)
    assert confirm_cleanup(parent, plan, CleanupChoice(ActionKind.MOVE, aside))
    [(text, info, buttons)] = answer.seen
    assert text == f"Move 2 files ({size}) to {aside}?"
    assert "no file there is overwritten" in info
    assert "Move 2 files" in buttons
    refuse = _ConfirmAnswer("Cancel")
    QTimer.singleShot(0, refuse.answer)
    assert not confirm_cleanup(parent, plan, CleanupChoice(ActionKind.HARDLINK))
    [(text, info, buttons)] = refuse.seen
    assert text == f"Replace 2 identical copies ({size}) with hard links to their keepers?"
    assert "Undo Last Cleanup cannot separate them" in info
    assert "Replace 2 files" in buttons


class _Choices:
    """A confirmation that says yes and remembers what it was asked."""

    def __init__(self) -> None:
        self.asked: list[tuple[int, CleanupChoice]] = []

    def __call__(self, parent: QWidget, plan: Plan, choice: CleanupChoice) -> bool:
        self.asked.append((len(plan.files), choice))
        return True


def test_the_window_moves_the_marked_files_to_a_folder_and_back(
    qtbot: QtBot, tmp_path: Path
) -> None:
    groups = _pairs(tmp_path / "photos", 3)
    dups = [g.members[1].path for g in groups]
    choices = _Choices()
    window = _window_with(qtbot, tmp_path, groups, confirm=choices)
    assert not window.action("move_to_folder").isEnabled()  # nothing marked yet
    window.action("select_duplicates").trigger()
    assert window.action("move_to_folder").isEnabled()
    assert window.action("hardlink").isEnabled()
    aside = tmp_path / "aside"
    with qtbot.waitSignal(window.cleanup_finished, timeout=TIMEOUT_MS) as moved:
        window.clean_selection(CleanupChoice(ActionKind.MOVE, str(aside)))
    assert choices.asked == [(3, CleanupChoice(ActionKind.MOVE, str(aside)))]
    result: CleanupReport = moved.args[0]
    assert sorted(result.done_paths) == sorted(dups)
    # The layout below the scanned folder is kept inside the chosen one.
    for i, dup in enumerate(dups):
        assert not os.path.exists(dup)
        assert (aside / f"g{i}" / "copy.jpg").read_bytes() == Path(
            groups[i].keeper.path
        ).read_bytes()
    assert window.statusBar().currentMessage() == f"Moved 3 files to {aside}"
    assert window.results_model.rowCount() == 0
    assert window.action("undo_cleanup").isEnabled()

    with qtbot.waitSignal(window.cleanup_finished, timeout=TIMEOUT_MS) as undone:
        window.action("undo_cleanup").trigger()
    assert undone.args[0].batch.count(OutcomeStatus.RESTORED) == 3
    assert all(os.path.isfile(d) for d in dups)
    assert not any((aside / f"g{i}" / "copy.jpg").exists() for i in range(3))


def test_the_window_replaces_identical_copies_with_hard_links(qtbot: QtBot, tmp_path: Path) -> None:
    groups = _pairs(tmp_path / "photos", 2)
    choices = _Choices()
    window = _window_with(qtbot, tmp_path, groups, confirm=choices)
    window.action("select_duplicates").trigger()
    with qtbot.waitSignal(window.cleanup_finished, timeout=TIMEOUT_MS) as linked:
        window.action("hardlink").trigger()
    assert [c.kind for _, c in choices.asked] == [ActionKind.HARDLINK]
    result: CleanupReport = linked.args[0]
    assert result.batch.count(OutcomeStatus.LINKED) == 2
    for g in groups:
        assert os.path.samefile(g.members[1].path, g.keeper.path)
    freed = sum(os.path.getsize(g.keeper.path) for g in groups)
    assert window.statusBar().currentMessage() == (
        f"Replaced 2 files with hard links (freed {words.size(freed)})"
    )
    # Nothing to put back, and Undo must not reach for an older batch instead.
    assert not window.action("undo_cleanup").isEnabled()
