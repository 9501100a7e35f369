"""The one batch loop: trash, move, hard link and undo all run through ``run_batch``.

For each file: check (the plan's last-moment checks and the action's own), write the journal's
before-line, act, write the after-line, and report the outcome. It yields events like
``run_scan`` does: ``BatchProgress`` at most ~10 times a second with an ETA, a ``FileFinished``
per file, and ``BatchFinished`` last (also when cancelled). The ``CancelToken`` is checked
before each file, so a cancel stops after the current one and the tally says what was done.

An interrupted batch (an exception, a closed generator) writes no end line: its journal lines so
far are the true record, flushed and synced, and undo reads them.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Generator, Iterable, Sequence
from typing import TypeVar

from lookalike.core import words
from lookalike.core.cancel import CancelToken
from lookalike.core.cleanup import freedesktop
from lookalike.core.cleanup.actions import (
    UNDOABLE,
    BatchAction,
    RestoreAction,
    common_folder,
    file_action,
)
from lookalike.core.cleanup.checks import LastMomentChecks, Reverifier
from lookalike.core.cleanup.events import (
    ActionKind,
    BatchFinished,
    BatchProgress,
    BatchReport,
    CleanupEvent,
    FileFinished,
    FileOutcome,
    OutcomeStatus,
)
from lookalike.core.cleanup.journal import (
    BatchRecord,
    FileEntry,
    FileRecord,
    Journal,
    new_batch_id,
)
from lookalike.core.cleanup.plan import Plan

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_S = 0.1  # at most ~10 progress events a second, as the scan
CANCELLED = "cancelled before it was reached"
NOTHING_TO_UNDO = "There is nothing to undo."

Item = TypeVar("Item")


class _Progress:
    """Time-based throttle for progress events, with the ETA at the rate so far."""

    def __init__(self, action: ActionKind, total: int, interval_s: float) -> None:
        self._action, self._total, self._interval = action, total, interval_s
        self._started = time.monotonic()
        self._last: float | None = None

    def due(self) -> bool:
        return self._last is None or time.monotonic() - self._last >= self._interval

    def event(self, done: int, current: str) -> BatchProgress:
        now = time.monotonic()
        self._last = now
        elapsed = now - self._started
        eta = elapsed / done * (self._total - done) if done and elapsed > 0 else None
        return BatchProgress(self._action, done, self._total, current, elapsed, eta)


def _close_batch(
    journal: Journal, batch_id: str, outcomes: list[FileOutcome], expected: int, cancelled: bool
) -> None:
    """Write the batch's end line, unless it was interrupted (then the lines so far stay as
    the true record, flushed and synced, and no end line claims the batch finished)."""
    if len(outcomes) != expected:
        journal.close()
        return
    tally: dict[str, int] = {}
    for o in outcomes:
        tally[o.status.value] = tally.get(o.status.value, 0) + 1
    journal.end_batch(batch_id, tally, cancelled)


def run_batch(
    action: BatchAction[Item],
    items: Sequence[Item],
    *,
    refused: Sequence[FileOutcome] = (),
    journal: Journal | None = None,
    cancel: CancelToken | None = None,
    dry_run: bool = False,
    undoes: str = "",
    message: str = "",
    progress_interval_s: float = PROGRESS_INTERVAL_S,
) -> Generator[CleanupEvent, None, None]:
    """Run ``action`` over ``items``, each checked, journaled and reported.

    Args:
        action: what to do to each item.
        items: the files, in order.
        refused: outcomes decided before the batch (the plan's refusals), reported first.
        journal: where actions are recorded; the app's data folder when ``None``.
        cancel: checked before each file; the rest are skipped as "cancelled".
        dry_run: run every check and report ``PLANNED`` outcomes; touch and journal nothing.
        undoes: for an undo batch, the id of the batch it reverses (for the journal).
        message: a sentence for the report (a batch-wide remark).
        progress_interval_s: the least time between two progress events.
    """
    batch_id = new_batch_id()
    outcomes = list(refused)
    for o in refused:
        yield FileFinished(o)
    if dry_run:
        journal = None  # a dry run writes nothing anywhere
    elif journal is None:
        journal = Journal()
    total = len(items)
    progress = _Progress(action.kind, total, progress_interval_s)
    cancelled = False
    if journal is not None:
        journal.rotate_if_large()
        journal.start_batch(batch_id, action.kind.value, total, undoes=undoes)
    try:
        for index, item in enumerate(items):
            if cancel is not None and cancel.cancelled:
                cancelled = True
                rest = [action.entry(i) for i in items[index:]]
                for e in rest:
                    outcome = FileOutcome(
                        e.path,
                        OutcomeStatus.SKIPPED,
                        CANCELLED,
                        size=e.size,
                        sidecar_of=e.sidecar_of,
                    )
                    outcomes.append(outcome)
                    yield FileFinished(outcome)
                break
            entry = action.entry(item)
            problem = action.check(item, entry)
            if problem is not None or dry_run:
                if problem is not None:
                    outcome = FileOutcome(
                        entry.path,
                        OutcomeStatus.SKIPPED,
                        problem,
                        size=entry.size,
                        sidecar_of=entry.sidecar_of,
                    )
                else:
                    outcome = FileOutcome(
                        entry.path,
                        OutcomeStatus.PLANNED,
                        action.planned_text(entry),
                        entry.destination,
                        entry.size,
                        entry.sidecar_of,
                    )
                if journal is not None:
                    journal.after(
                        batch_id,
                        action.kind.value,
                        path=entry.path,
                        outcome=outcome.status.value,
                        reason=outcome.reason,
                    )
                if progress.due():
                    yield progress.event(index, entry.path)
                outcomes.append(outcome)
                yield FileFinished(outcome)
                if problem is None:  # a dry run: its sidecar files would go along
                    for side in action.sidecars(item, entry):
                        outcome = _sidecar_outcome(action, side, None, dry_run=True)
                        outcomes.append(outcome)
                        yield FileFinished(outcome)
            else:
                assert journal is not None
                journal.before(batch_id, action.kind.value, entry)
                # Yielded between the before-line and the act: whatever the consumer does
                # here (even raising) leaves the journal true.
                if progress.due():
                    yield progress.event(index, entry.path)
                result = action.act(item, entry)
                journal.after(
                    batch_id,
                    action.kind.value,
                    path=entry.path,
                    outcome=result.status.value,
                    reason=result.reason,
                    destination=result.destination,
                    trash_info=result.trash_info,
                )
                outcome = FileOutcome(
                    entry.path,
                    result.status,
                    result.reason,
                    result.destination,
                    entry.size,
                    entry.sidecar_of,
                )
                log.info(
                    "%s %s: %s %s",
                    action.kind.value,
                    entry.path,
                    outcome.status.value,
                    outcome.reason,
                )
                outcomes.append(outcome)
                yield FileFinished(outcome)
                if result.status.done:
                    # Its sidecar files go where it went, journaled like it, before the next
                    # file: an interrupted batch leaves a true record of each.
                    for side in action.sidecars(item, entry):
                        outcome = _sidecar_outcome(action, side, (journal, batch_id))
                        outcomes.append(outcome)
                        yield FileFinished(outcome)
        yield progress.event(total, "")
    finally:
        # Reached when the consumer stops early too (KeyboardInterrupt, a closed generator):
        # then no end line is written, but the lines so far are flushed and synced.
        if journal is not None:
            _close_batch(journal, batch_id, outcomes, len(refused) + total, cancelled)
    freed = 0
    if action.frees_bytes:
        counted = (lambda s: s is OutcomeStatus.PLANNED) if dry_run else (lambda s: s.done)
        freed = sum(o.size for o in outcomes if counted(o.status))
    done = sum(1 for o in outcomes if o.status.done and not o.sidecar_of)
    sidecars = sum(1 for o in outcomes if o.status.done and o.sidecar_of)
    done_text = action.done_text(done, freed)
    if sidecars:
        done_text += f" · {words.sidecars_went_along(sidecars)}"
    yield BatchFinished(
        BatchReport(
            batch_id,
            action.kind,
            tuple(outcomes),
            dry_run=dry_run,
            cancelled=cancelled,
            message=message,
            freed_bytes=freed,
            done_text=done_text,
        )
    )


def _sidecar_outcome(
    action: BatchAction[Item],
    entry: FileEntry,
    journaled: tuple[Journal, str] | None,
    dry_run: bool = False,
) -> FileOutcome:
    """Check and act on one sidecar file of a photo that was acted on (or, in a dry run, would
    be); a sidecar that must stay is skipped with its reason."""
    problem = action.sidecar_problem(entry)
    if problem is not None or dry_run:
        status = OutcomeStatus.SKIPPED if problem else OutcomeStatus.PLANNED
        reason = problem or action.planned_text(entry)
        if journaled is not None:
            journal, batch_id = journaled
            journal.after(
                batch_id, action.kind.value, path=entry.path, outcome=status.value, reason=reason
            )
        return FileOutcome(
            entry.path, status, reason, entry.destination, entry.size, entry.sidecar_of
        )
    assert journaled is not None
    journal, batch_id = journaled
    journal.before(batch_id, action.kind.value, entry)
    result = action.act_sidecar(entry)
    journal.after(
        batch_id,
        action.kind.value,
        path=entry.path,
        outcome=result.status.value,
        reason=result.reason,
        destination=result.destination,
        trash_info=result.trash_info,
    )
    log.info(
        "%s sidecar %s: %s %s", action.kind.value, entry.path, result.status.value, result.reason
    )
    return FileOutcome(
        entry.path, result.status, result.reason, result.destination, entry.size, entry.sidecar_of
    )


def execute(
    plan: Plan,
    kind: ActionKind = ActionKind.TRASH,
    *,
    destination: str | None = None,
    layout_root: str | None = None,
    reverify: Reverifier | None = None,
    journal: Journal | None = None,
    cancel: CancelToken | None = None,
    dry_run: bool = False,
    progress_interval_s: float = PROGRESS_INTERVAL_S,
) -> Generator[CleanupEvent, None, None]:
    """Act on every planned file; the plan's refusals come back as skipped outcomes.

    Args:
        plan: from ``plan.plan_cleanup``; its roots bound every file acted on.
        kind: ``TRASH`` (default), ``MOVE`` (needs ``destination``) or ``HARDLINK``.
        destination: the folder files are moved into (``MOVE`` only).
        layout_root: the folder whose layout is kept below ``destination``; by default the
            deepest folder holding every planned file.
        reverify: proves again, just before acting, that a similar member still shows its
            keeper's picture.
    """
    if kind is ActionKind.MOVE and layout_root is None:
        layout_root = common_folder(plan.paths)
    action = file_action(
        kind,
        LastMomentChecks(plan.roots, reverify),
        destination=destination,
        layout_root=layout_root,
    )
    refused = [FileOutcome(r.path, OutcomeStatus.SKIPPED, r.message) for r in plan.refused]
    yield from run_batch(
        action,
        plan.files,
        refused=refused,
        journal=journal,
        cancel=cancel,
        dry_run=dry_run,
        progress_interval_s=progress_interval_s,
    )


def _sweep_orphans(batches: Iterable[BatchRecord]) -> int:
    """Remove the ``.trashinfo`` records a kill left behind for files that never reached the
    trash: those of trash actions that were interrupted."""
    if not freedesktop.in_use():
        return 0
    return sum(
        freedesktop.remove_orphans(f.path)
        for b in batches
        if b.action == ActionKind.TRASH.value
        for f in b.files
        if f.interrupted
    )


def _pending(
    batches: Sequence[BatchRecord],
) -> tuple[BatchRecord, list[FileRecord], set[str]] | None:
    """The most recent trash or move batch with files not yet put back, those files, and the
    ones an earlier undo of it put back."""
    restored: dict[str, set[str]] = {}
    for b in batches:
        if b.action == ActionKind.RESTORE.value and b.undoes:
            done = {f.path for f in b.files if f.outcome == OutcomeStatus.RESTORED.value}
            restored.setdefault(b.undoes, set()).update(done)
    done_status = {kind.value: action.done_status for kind, action in UNDOABLE.items()}
    for b in reversed(batches):
        status = done_status.get(b.action)
        if status is None:
            continue
        pending = [
            f
            for f in b.files
            if f.path not in restored.get(b.batch_id, ())
            and (
                f.outcome == status.value
                # Interrupted between the action and its after-line: if the file left its
                # place, the trash entry (matched by Path= and DeletionDate) tells the rest.
                or (f.interrupted and not os.path.lexists(f.path))
            )
        ]
        if pending:
            return b, pending, restored.get(b.batch_id, set())
    return None


def undo_last_batch(
    journal: Journal | None = None,
    *,
    cancel: CancelToken | None = None,
    progress_interval_s: float = PROGRESS_INTERVAL_S,
) -> Generator[CleanupEvent, None, None]:
    """Put back the files of the most recent trash or move batch not yet undone.

    On Linux (freedesktop trash) each trashed file is found through the journal and its
    ``.trashinfo`` (``Path=`` and ``DeletionDate``) and moved back, never over a file that now
    exists at its original path. On Windows and macOS the report's ``message`` says where the
    files are. Moved files are moved back on every platform. Records a kill left in the trash
    for files that never got there are removed on the way.
    """
    journal = journal or Journal()
    batches = journal.batches()
    notes = []
    if journal.damaged_lines == 1:
        notes.append("1 damaged line of the journal was ignored.")
    elif journal.damaged_lines:
        notes.append(f"{journal.damaged_lines:,} damaged lines of the journal were ignored.")
    orphans = _sweep_orphans(batches)
    if orphans:
        log.info("removed %d trash records of files that never reached the trash", orphans)
    target = _pending(batches)
    if target is None:
        report = BatchReport(
            new_batch_id(), ActionKind.RESTORE, (), message=" ".join([NOTHING_TO_UNDO, *notes])
        )
        yield BatchFinished(report)
        return
    batch, pending, back = target
    if batch.action == ActionKind.TRASH.value and not freedesktop.in_use():
        where = "the Recycle Bin" if sys.platform == "win32" else "the Trash"
        outcomes = tuple(
            FileOutcome(f.path, OutcomeStatus.SKIPPED, f"is in {where}", size=f.size)
            for f in pending
        )
        message = (
            f"Lookalike cannot take files back out of {where} on this system. "
            f"The {len(pending)} file(s) of the last cleanup are in {where}; "
            "use its Put Back / Restore command."
        )
        for o in outcomes:
            yield FileFinished(o)
        yield BatchFinished(
            BatchReport(
                new_batch_id(), ActionKind.RESTORE, outcomes, message=" ".join([message, *notes])
            )
        )
        return
    yield from run_batch(
        RestoreAction(ActionKind(batch.action), back),
        pending,
        journal=journal,
        cancel=cancel,
        undoes=batch.batch_id,
        message=" ".join(notes),
        progress_interval_s=progress_interval_s,
    )


def collect(events: Iterable[CleanupEvent]) -> BatchReport:
    """Run a batch to its end and return its report."""
    report: BatchReport | None = None
    for event in events:
        if isinstance(event, BatchFinished):
            report = event.report
    if report is None:
        raise RuntimeError("the batch ended without its report")
    return report
