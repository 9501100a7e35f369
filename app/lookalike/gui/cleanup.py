"""The cleanup flow's Qt side: the confirmation (showing the plan's real numbers, refusals
included), a worker running the cleanup runner off the GUI thread, and the per-file tally
afterwards. The rules and the file work live in ``lookalike.core.cleanup``; this module only
asks, runs and reports."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Signal
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

CONFIRM_BOX_NAME = "confirm_cleanup"


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


@dataclass(frozen=True, slots=True)
class CleanupChoice:
    """What the user asked the marked files to go through: the action, and for a move the
    folder they go to."""

    kind: ActionKind = ActionKind.TRASH
    destination: str = ""

    def running_text(self, count: int) -> str:
        """What the progress panel says while it runs."""
        if self.kind is ActionKind.MOVE:
            return words.moving_to_folder(count, self.destination)
        if self.kind is ActionKind.HARDLINK:
            return words.replacing_with_links(count)
        return words.moving_to_trash(count)


def _wording(plan: Plan, choice: CleanupChoice) -> tuple[str, str, str, str, str]:
    """Title, nothing-to-do text, question, details and confirming button for ``choice``."""
    count, size = len(plan.files), plan.total_bytes
    if choice.kind is ActionKind.MOVE:
        return (
            QCoreApplication.translate("Cleanup", "Move to Folder"),
            words.nothing_to_move(),
            words.confirm_move(count, size, choice.destination),
            QCoreApplication.translate(
                "Cleanup",
                "Each file is checked again first: the suggested keeper of every group stays, "
                "and files in reference folders are never touched. Their folders are made "
                "again inside it, and no file there is overwritten. Edit ▸ Undo Last Cleanup "
                "moves them back.",
            ),
            words.move_files(count),
        )
    if choice.kind is ActionKind.HARDLINK:
        return (
            QCoreApplication.translate("Cleanup", "Replace with Hard Links"),
            words.nothing_to_link(),
            words.confirm_hardlink(count, size),
            QCoreApplication.translate(
                "Cleanup",
                "Each file is checked again first: the suggested keeper of every group stays, "
                "and files in reference folders are never touched. Only byte-for-byte copies "
                "on the keeper's drive are linked; the others are skipped. Every name stays, "
                "but the names then share one file: a change through one of them shows in "
                "all. Undo Last Cleanup cannot separate them.",
            ),
            words.replace_files(count),
        )
    return (
        QCoreApplication.translate("Cleanup", "Move to Trash"),
        words.nothing_to_trash(),
        words.confirm_move_to_trash(count, size),
        QCoreApplication.translate(
            "Cleanup",
            "Each file is checked again first: the suggested keeper of every group stays, and "
            "files in reference folders are never touched. You can undo this with Edit ▸ Undo "
            "Last Cleanup, or restore the files from the Trash.",
        ),
        words.move_to_trash(count),
    )


def confirm_cleanup(parent: QWidget, plan: Plan, choice: CleanupChoice) -> bool:
    """Ask before acting on the plan's files, with its real numbers and refusals; Cancel is
    the default. A plan with nothing to do only says why."""
    box = QMessageBox(parent)
    try:
        return _ask(box, plan, choice)
    finally:
        # Parented to the window, the box would live as long as it: one more per cleanup.
        box.deleteLater()


def _ask(box: QMessageBox, plan: Plan, choice: CleanupChoice) -> bool:
    title, nothing, question, details, accept = _wording(plan, choice)
    box.setObjectName(CONFIRM_BOX_NAME)
    box.setWindowTitle(title)
    refused = refusal_summary(plan)
    if not plan.files:
        box.setIcon(QMessageBox.Icon.Information)
        box.setText(nothing)
        box.setInformativeText(refused)
        box.addButton(QMessageBox.StandardButton.Close)
        box.exec()
        return False
    box.setIcon(QMessageBox.Icon.Question)
    box.setText(question)
    box.setInformativeText((f"{refused}\n\n" if refused else "") + details)
    go = box.addButton(accept, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is go


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
    def restored_paths(self) -> list[str]:
        """Files an undo put back where they were (none for any other batch)."""
        if not self.is_undo:
            return []
        return [o.path for o in self.batch.outcomes if o.status.done]

    @property
    def undoable(self) -> bool:
        """Whether Undo Last Cleanup can put this batch's files back (a trash or a move)."""
        return self.batch.action in (ActionKind.TRASH, ActionKind.MOVE)

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
        summary += "\n\n" + QCoreApplication.translate(
            "Cleanup", "These files were left where they are:"
        )
    dialog = ProblemListDialog(
        QCoreApplication.translate("Cleanup", "Undo result")
        if report.is_undo
        else QCoreApplication.translate("Cleanup", "Cleanup result"),
        summary,
        [
            QCoreApplication.translate("Cleanup", "File"),
            QCoreApplication.translate("Cleanup", "Outcome"),
            QCoreApplication.translate("Cleanup", "Reason"),
        ],
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
    def run_plan(
        cls, plan: Plan, choice: CleanupChoice, layout_root: str | None = None
    ) -> CleanupWorker:
        """Act on a plan made on the GUI thread; every file is checked again just before. A
        move keeps the layout below ``layout_root``."""
        from lookalike.core.matching.verify import reverifier  # OpenCV: not at start-up

        return cls(
            lambda cancel: runner.execute(
                plan,
                choice.kind,
                destination=choice.destination or None,
                layout_root=layout_root,
                reverify=reverifier(),
                cancel=cancel,
            )
        )

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
