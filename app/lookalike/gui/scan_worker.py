"""Runs one scan off the GUI thread and turns its events into batched Qt signals.

A ``GeneratorWorker`` (see ``lookalike.gui.workers``) over ``run_scan``: group events are folded
into one batch and sent as lists every ``BATCH_INTERVAL_S``, so the results model inserts rows
once per batch, not once per group. ``finished`` or ``failed`` is always the last signal.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator

from PySide6.QtCore import Signal

from lookalike.core.cancel import CancelToken
from lookalike.core.events import (
    FileSkipped,
    Finished,
    GroupFound,
    GroupRemoved,
    GroupUpdated,
    Progress,
    ScanEvent,
)
from lookalike.core.model import Group, ScanOptions, ScanSummary
from lookalike.core.not_duplicates import Choice
from lookalike.gui.workers import GeneratorWorker, WorkerSignals

ScanFunction = Callable[[ScanOptions, CancelToken], Iterator[ScanEvent]]


def default_scan(options: ScanOptions, cancel: CancelToken) -> Iterator[ScanEvent]:
    # Imported on first use so that importing the GUI does not start loading the engine's
    # heavier modules (OpenCV, numpy) before the window is up.
    from lookalike.core.scan import run_scan

    return run_scan(options, cancel)


class ScanWorkerSignals(WorkerSignals):
    """What a running scan tells the GUI; lives on the GUI thread. ``finished`` carries the
    ``ScanSummary`` (also after a cancel), ``failed`` a ``Failure``."""

    progress_changed = Signal(object)  # Progress
    groups_found = Signal(list)  # list[Group]
    groups_updated = Signal(list)  # list[Group]
    groups_removed = Signal(list)  # list[int]
    file_skipped = Signal(object)  # Skipped


class _GroupBatch:
    """Group events waiting to be sent, folded so one batch never contradicts itself."""

    def __init__(self) -> None:
        self.found: dict[int, Group] = {}
        self.updated: dict[int, Group] = {}
        self.removed: list[int] = []

    def __bool__(self) -> bool:
        return bool(self.found or self.updated or self.removed)

    def add(self, event: GroupFound | GroupUpdated | GroupRemoved) -> None:
        if isinstance(event, GroupFound):
            self.found[event.group.id] = event.group
        elif isinstance(event, GroupUpdated):
            gid = event.group.id
            # A group found in this same batch is simply sent in its newest form.
            (self.found if gid in self.found else self.updated)[gid] = event.group
        else:
            gid = event.group_id
            if self.found.pop(gid, None) is not None:
                return  # never shown, so nothing to remove
            self.updated.pop(gid, None)
            self.removed.append(gid)


class ScanWorker(GeneratorWorker[ScanWorkerSignals]):
    """One scan. Create on the GUI thread, connect ``signals``, then ``start_on`` a pool."""

    def __init__(
        self,
        options: ScanOptions,
        scan: ScanFunction | None = None,
        choices: Callable[[CancelToken], tuple[Choice, ...]] | None = None,
    ) -> None:
        """``choices``, when given, gives the "not duplicates" choices for ``options`` on the
        worker's thread (it may wait for their file)."""
        super().__init__(ScanWorkerSignals(), "scan")
        self.options = options
        self._scan: ScanFunction = scan if scan is not None else default_scan
        self._choices = choices
        self._batch = _GroupBatch()
        self._summary: ScanSummary | None = None

    def events(self) -> Iterator[ScanEvent]:
        options = self.options
        if self._choices is not None:
            options = dataclasses.replace(options, not_duplicates=self._choices(self.cancel_token))
        return self._scan(options, self.cancel_token)

    def handle(self, event: object) -> None:
        if isinstance(event, GroupFound | GroupUpdated | GroupRemoved):
            self._batch.add(event)
        elif isinstance(event, Progress):
            self.signals.progress_changed.emit(event)
        elif isinstance(event, FileSkipped):
            self.signals.file_skipped.emit(event.skipped)
        elif isinstance(event, Finished):
            self._summary = event.summary

    def result(self) -> ScanSummary:
        if self._summary is None:
            raise RuntimeError("the scan ended without a Finished event")
        return self._summary

    def cancelled_result(self) -> ScanSummary:
        return ScanSummary(cancelled=True)

    def has_pending(self) -> bool:
        return bool(self._batch)

    def flush(self) -> None:
        """Send the waiting group events: found, then updated, then removed."""
        batch, self._batch = self._batch, _GroupBatch()
        if batch.found:
            self.signals.groups_found.emit(list(batch.found.values()))
        if batch.updated:
            self.signals.groups_updated.emit(list(batch.updated.values()))
        if batch.removed:
            self.signals.groups_removed.emit(batch.removed)
