"""The cleanup flow's Qt side: the confirmation (showing the plan's real numbers, refusals
included), a worker running the cleanup runner off the GUI thread, and the per-file tally
afterwards. The rules and the file work live in ``lookalike.core.cleanup``; this module only
asks, runs and reports."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import ClassVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from lookalike.core import words
from lookalike.core.cancel import CancelToken
from lookalike.core.cleanup import runner
from lookalike.core.cleanup.events import (
    ActionKind,
    BatchFinished,
    BatchProgress,
    BatchReport,
    CleanupEvent,
    FileOutcome,
)
from lookalike.core.cleanup.plan import Plan, RefusalReason
from lookalike.gui.errors import ProblemListDialog

log = logging.getLogger(__name__)

CONFIRM_BOX_NAME = "confirm_trash"


def _files(count: int) -> str:
    return f"{count:,} file" if count == 1 else f"{count:,} files"


_REFUSED_BECAUSE = {
    RefusalReason.WHOLE_GROUP: "would leave no copy of their picture",
    RefusalReason.REFERENCE: "in a reference folder",
    RefusalReason.OUTSIDE_ROOTS: "outside the scanned folders",
    RefusalReason.NOT_VERIFIED: "not verified as a copy",
    RefusalReason.NOT_IN_GROUP: "no longer in any group",
}


def _refusal_text(reason: RefusalReason, count: int) -> str:
    if reason is RefusalReason.KEEPER:
        return f"{count:,} {'keeper' if count == 1 else 'keepers'}"
    return f"{count:,} {_REFUSED_BECAUSE[reason]}"


def refusal_summary(plan: Plan) -> str:
    """Which marked files the plan leaves alone, and why: "Left alone: 1 keeper, 2 in a
    reference folder." ("" when none)."""
    counts = plan.refusal_counts()
    if not counts:
        return ""
    parts = ", ".join(_refusal_text(reason, n) for reason, n in counts.items())
    return f"{_files(len(plan.refused))} of the marked ones will be left alone: {parts}."


def confirm_trash(parent: QWidget, plan: Plan) -> bool:
    """Ask before moving the plan's files to the Trash, with its real numbers; Cancel is the
    default. A plan with nothing to do only says why."""
    count = len(plan.files)
    box = QMessageBox(parent)
    box.setObjectName(CONFIRM_BOX_NAME)
    box.setWindowTitle("Move to Trash")
    refused = refusal_summary(plan)
    if count == 0:
        box.setIcon(QMessageBox.Icon.Information)
        box.setText("None of the marked files can be moved to the Trash.")
        box.setInformativeText(refused)
        box.addButton(QMessageBox.StandardButton.Close)
        box.exec()
        return False
    box.setIcon(QMessageBox.Icon.Question)
    box.setText(f"Move {_files(count)} ({words.size(plan.total_bytes)}) to the Trash?")
    box.setInformativeText(
        (f"{refused}\n\n" if refused else "")
        + "Each file is checked again first: the suggested keeper of every group stays, and "
        "files in reference folders are never touched. You can undo this with "
        "Edit ▸ Undo Last Cleanup, or restore the files from the Trash."
    )
    move = box.addButton(f"Move {_files(count)} to Trash", QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is move


@dataclass(frozen=True, slots=True)
class CleanupReport:
    """A finished batch as the window needs it."""

    batch: BatchReport

    @property
    def is_undo(self) -> bool:
        return self.batch.action is ActionKind.RESTORE

    @property
    def done_paths(self) -> list[str]:
        """Files the batch dealt with, to drop from the results (none for an undo)."""
        if self.is_undo:
            return []
        return [o.path for o in self.batch.outcomes if o.status.done]

    @property
    def problems(self) -> list[FileOutcome]:
        return [o for o in self.batch.outcomes if not o.status.done]

    def summary_text(self) -> str:
        b = self.batch
        if self.is_undo and not b.outcomes and b.message:
            return b.message
        text = b.done_text
        if b.freed_bytes:
            text += f" (freed {words.size(b.freed_bytes)})"
        if b.skipped:
            text += f" · {b.skipped:,} skipped"
        if b.failed:
            text += f" · {b.failed:,} failed"
        if b.cancelled:
            text += " · cancelled"
        return text


def show_cleanup_report(parent: QWidget, report: CleanupReport) -> ProblemListDialog:
    """The per-file tally: what happened, and why each skipped or failed file was left alone."""
    rows = [(o.path, o.status.value, o.reason) for o in report.problems]
    summary = report.summary_text() + "."
    if report.batch.message and report.batch.outcomes:
        summary += f"\n\n{report.batch.message}"
    if rows:
        summary += "\n\nThese files were left where they are:"
    dialog = ProblemListDialog(
        "Undo result" if report.is_undo else "Cleanup result",
        summary,
        ["File", "Outcome", "Reason"],
        rows,
        parent,
    )
    dialog.setObjectName("cleanup_report")
    dialog.open()
    return dialog


class CleanupWorkerSignals(QObject):
    """What a running cleanup tells the GUI; lives on the GUI thread."""

    progress_changed = Signal(object)  # BatchProgress, at most ~10 a second
    finished = Signal(object)  # CleanupReport; last signal of a batch that ran or was cancelled
    failed = Signal(str)  # traceback text; last signal of a batch that crashed

    def __init__(self, owner: CleanupWorker) -> None:
        super().__init__()
        self._owner: CleanupWorker | None = owner
        self.finished.connect(self._release)
        self.failed.connect(self._release)

    @Slot()
    def _release(self) -> None:
        if self._owner is not None:
            CleanupWorker._running.discard(self._owner)
            self._owner = None


EventSource = Callable[[CancelToken], Iterator[CleanupEvent]]


class CleanupWorker(QRunnable):
    """Runs one cleanup or undo batch on a pool thread, turning the runner's events into
    signals; build it with ``run_plan`` or ``undo``."""

    _running: ClassVar[set[CleanupWorker]] = set()

    def __init__(self, events: EventSource) -> None:
        super().__init__()
        self.cancel_token = CancelToken()
        self.signals = CleanupWorkerSignals(self)
        self._events = events

    @classmethod
    def run_plan(cls, plan: Plan, kind: ActionKind = ActionKind.TRASH) -> CleanupWorker:
        """Act on a plan made on the GUI thread; every file is checked again just before."""
        return cls(lambda cancel: runner.execute(plan, kind, cancel=cancel))

    @classmethod
    def undo(cls) -> CleanupWorker:
        """Put back the files of the last batch."""
        return cls(lambda cancel: runner.undo_last_batch(cancel=cancel))

    @property
    def is_cancelled(self) -> bool:
        return self.cancel_token.cancelled

    def cancel(self) -> None:
        """Stop after the current file; files already handled stay handled (and journaled)."""
        self.cancel_token.cancel()

    def start_on(self, pool: QThreadPool) -> None:
        CleanupWorker._running.add(self)
        pool.start(self)

    def run(self) -> None:
        try:
            report = None
            for event in self._events(self.cancel_token):
                if isinstance(event, BatchProgress):
                    self.signals.progress_changed.emit(event)
                elif isinstance(event, BatchFinished):
                    report = event.report
            if report is None:
                raise RuntimeError("the cleanup ended without its report")
        except Exception:  # any crash must reach the GUI as `failed`, never vanish
            log.exception("cleanup failed")
            self.signals.failed.emit(traceback.format_exc())
        else:
            self.signals.finished.emit(CleanupReport(report))
