"""The cleanup flow's Qt side: the confirmation, a worker running the trash engine off the GUI
thread, and the per-file tally afterwards. The rules and the file work live in
``lookalike.core.trash``; this module only asks, runs and reports."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from lookalike.core import trash, words
from lookalike.core.cancel import CancelToken
from lookalike.core.model import Group
from lookalike.gui.errors import ProblemListDialog

log = logging.getLogger(__name__)

CONFIRM_BOX_NAME = "confirm_trash"


def confirm_trash(parent: QWidget, count: int, size: int) -> bool:
    """Ask before moving ``count`` files (``size`` bytes) to the Trash; Cancel is the default."""
    box = QMessageBox(parent)
    box.setObjectName(CONFIRM_BOX_NAME)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Move to Trash")
    box.setText(words.confirm_move_to_trash(count, size))
    box.setInformativeText(
        "Each file is checked again first: the suggested keeper of every group stays, and "
        "files in reference folders are never touched. You can undo this with "
        "Edit ▸ Undo Last Cleanup, or restore the files from the Trash."
    )
    move = box.addButton(words.move_to_trash(count), QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is move


@dataclass(frozen=True, slots=True)
class CleanupReport:
    """A finished batch as the window needs it."""

    batch: trash.BatchReport

    @property
    def is_undo(self) -> bool:
        return self.batch.action is trash.Action.RESTORE

    @property
    def trashed_paths(self) -> list[str]:
        """Files that left the scanned folders (to drop from the results)."""
        if self.is_undo:
            return []
        return [o.path for o in self.batch.outcomes if o.status.done]

    @property
    def problems(self) -> list[trash.FileOutcome]:
        return [o for o in self.batch.outcomes if not o.status.done]

    def summary_text(self) -> str:
        b = self.batch
        if self.is_undo:
            if not b.outcomes and b.message:
                return b.message
            text = words.restored(b.done)
        else:
            text = words.moved_to_trash(b.done, b.freed_bytes)
        if b.skipped:
            text += f" · {words.skipped(b.skipped)}"
        if b.failed:
            text += f" · {words.failed(b.failed)}"
        if b.cancelled:
            text += " · cancelled"
        return text


def show_cleanup_report(parent: QWidget, report: CleanupReport) -> ProblemListDialog:
    """The per-file tally: what happened, and why each skipped or failed file was left alone."""
    rows = [(o.path, o.status.value, o.reason) for o in report.problems]
    summary = report.summary_text() + "."
    if report.batch.message:
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

    progress_changed = Signal(int, int)  # done, total
    finished = Signal(object)  # CleanupReport; last signal of a batch that ran
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


BatchFunction = Callable[[CancelToken, trash.ProgressCallback], trash.BatchReport]


class CleanupWorker(QRunnable):
    """Runs one trash or undo batch on a pool thread; build it with ``trash`` or ``undo``."""

    _running: ClassVar[set[CleanupWorker]] = set()

    def __init__(self, batch: BatchFunction) -> None:
        super().__init__()
        self.cancel_token = CancelToken()
        self.signals = CleanupWorkerSignals(self)
        self._batch = batch

    @classmethod
    def trash(
        cls, groups: Sequence[Group], selected: Sequence[str], reference_roots: Sequence[str] = ()
    ) -> CleanupWorker:
        """Move ``selected`` to the Trash, under the engine's plan and re-checks."""
        groups = tuple(groups)
        selected = tuple(selected)
        roots = tuple(reference_roots)

        def batch(cancel: CancelToken, progress: trash.ProgressCallback) -> trash.BatchReport:
            plan = trash.plan_removal(groups, selected, reference_roots=roots)
            return trash.execute(plan, trash.Action.TRASH, cancel=cancel, progress=progress)

        return cls(batch)

    @classmethod
    def undo(cls) -> CleanupWorker:
        """Put back the files of the last batch."""

        def batch(cancel: CancelToken, progress: trash.ProgressCallback) -> trash.BatchReport:
            return trash.undo_last_batch(cancel=cancel, progress=progress)

        return cls(batch)

    def cancel(self) -> None:
        """Stop before the next file; files already handled stay handled (and journaled)."""
        self.cancel_token.cancel()

    def start_on(self, pool: QThreadPool) -> None:
        CleanupWorker._running.add(self)
        pool.start(self)

    def run(self) -> None:
        try:
            report = self._batch(self.cancel_token, self._on_progress)
        except Exception:  # any crash must reach the GUI as `failed`, never vanish
            log.exception("cleanup failed")
            self.signals.failed.emit(traceback.format_exc())
        else:
            self.signals.finished.emit(CleanupReport(report))

    def _on_progress(self, done: int, total: int, path: str) -> None:
        self.signals.progress_changed.emit(done, total)
