"""The cleanup flow's Qt side: the confirmation (showing the plan's real numbers, refusals
included), a worker running the cleanup runner off the GUI thread, and the per-file tally
afterwards. The rules and the file work live in ``lookalike.core.cleanup``; this module only
asks, runs and reports."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from PySide6.QtCore import Signal
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
from lookalike.gui.workers import GeneratorWorker, WorkerSignals

CONFIRM_BOX_NAME = "confirm_trash"


_REFUSED = {
    RefusalReason.WHOLE_GROUP: words.refused_whole_group,
    RefusalReason.REFERENCE: words.refused_reference,
    RefusalReason.KEEPER: words.refused_keepers,
    RefusalReason.OUTSIDE_ROOTS: words.refused_outside,
    RefusalReason.NOT_VERIFIED: words.refused_unverified,
    RefusalReason.NOT_IN_GROUP: words.refused_not_in_group,
}


def refusal_summary(plan: Plan) -> str:
    """Which marked files the plan leaves alone, and why ("" when none)."""
    counts = plan.refusal_counts()
    if not counts:
        return ""
    return words.left_alone(
        len(plan.refused), [_REFUSED[reason](n) for reason, n in counts.items()]
    )


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
        box.setText(words.nothing_to_trash())
        box.setInformativeText(refused)
        box.addButton(QMessageBox.StandardButton.Close)
        box.exec()
        return False
    box.setIcon(QMessageBox.Icon.Question)
    box.setText(words.confirm_move_to_trash(count, plan.total_bytes))
    box.setInformativeText(
        (f"{refused}\n\n" if refused else "")
        + "Each file is checked again first: the suggested keeper of every group stays, and "
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


class CleanupWorkerSignals(WorkerSignals):
    """What a running cleanup tells the GUI; lives on the GUI thread. ``finished`` carries the
    ``CleanupReport`` (also after a cancel), ``failed`` a ``Failure``."""

    progress_changed = Signal(object)  # BatchProgress, at most ~10 a second


EventSource = Callable[[CancelToken], Iterator[CleanupEvent]]


class CleanupWorker(GeneratorWorker[CleanupWorkerSignals]):
    """Runs one cleanup or undo batch on a pool thread, turning the runner's events into
    signals; build it with ``run_plan`` or ``undo``."""

    def __init__(self, events: EventSource, description: str = "cleanup") -> None:
        super().__init__(CleanupWorkerSignals(), description)
        self._events = events
        self._report: BatchReport | None = None

    @classmethod
    def run_plan(cls, plan: Plan, kind: ActionKind = ActionKind.TRASH) -> CleanupWorker:
        """Act on a plan made on the GUI thread; every file is checked again just before."""
        return cls(lambda cancel: runner.execute(plan, kind, cancel=cancel))

    @classmethod
    def undo(cls) -> CleanupWorker:
        """Put back the files of the last batch."""
        return cls(lambda cancel: runner.undo_last_batch(cancel=cancel), "undo")

    def events(self) -> Iterator[CleanupEvent]:
        return self._events(self.cancel_token)

    def handle(self, event: object) -> None:
        # The runner already sends progress at most ~10 times a second, and per-file outcomes
        # come back all together in the report.
        if isinstance(event, BatchProgress):
            self.signals.progress_changed.emit(event)
        elif isinstance(event, BatchFinished):
            self._report = event.report

    def result(self) -> CleanupReport:
        if self._report is None:
            raise RuntimeError("the cleanup ended without its report")
        return CleanupReport(self._report)

    def cancelled_result(self) -> CleanupReport:
        # The runner reports a cancel in its report (after the current file), never by raising.
        return self.result()
