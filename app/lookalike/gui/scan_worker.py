"""Runs one scan off the GUI thread and turns its events into batched Qt signals.

The shape follows superqt's GeneratorWorker: a ``QRunnable`` (not a QObject) owning a small
signals QObject created on the GUI thread, so connections to GUI-thread slots are queued. Group
events are coalesced and emitted as lists every ``GROUP_BATCH_INTERVAL_S`` so the results model
inserts rows once per batch, not once per group. ``finished`` or ``failed`` is always the last
signal a worker emits.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable, Iterator
from typing import ClassVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from lookalike.core.cancel import CancelledError, CancelToken
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

log = logging.getLogger(__name__)

GROUP_BATCH_INTERVAL_S = 0.1

ScanFunction = Callable[[ScanOptions, CancelToken], Iterator[ScanEvent]]


def _default_scan(options: ScanOptions, cancel: CancelToken) -> Iterator[ScanEvent]:
    # Imported on first use so that importing the GUI does not start loading the engine's
    # heavier modules (OpenCV, numpy) before the window is up.
    from lookalike.core.scan import run_scan

    return run_scan(options, cancel)


class ScanWorkerSignals(QObject):
    """What a running scan tells the GUI; lives on the GUI thread."""

    progress_changed = Signal(object)  # Progress
    groups_found = Signal(list)  # list[Group]
    groups_updated = Signal(list)  # list[Group]
    groups_removed = Signal(list)  # list[int]
    file_skipped = Signal(object)  # Skipped
    finished = Signal(object)  # ScanSummary; last signal of a scan that ended normally
    failed = Signal(str)  # traceback text; last signal of a scan that crashed

    def __init__(self, owner: ScanWorker) -> None:
        super().__init__()
        self._owner: ScanWorker | None = owner
        # Queued to this object's (the GUI) thread, so the worker's last reference is dropped
        # there and never on the pool thread.
        self.finished.connect(self._release)
        self.failed.connect(self._release)

    @Slot()
    def _release(self) -> None:
        if self._owner is not None:
            ScanWorker._running.discard(self._owner)
            self._owner = None


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


class ScanWorker(QRunnable):
    """One scan. Create on the GUI thread, connect ``signals``, then ``start`` it on a pool."""

    # Keeps running workers alive until they finish: the pool holds only the C++ side.
    _running: ClassVar[set[ScanWorker]] = set()

    def __init__(self, options: ScanOptions, scan: ScanFunction | None = None) -> None:
        super().__init__()
        self.options = options
        self.cancel_token = CancelToken()
        self.signals = ScanWorkerSignals(self)
        self._scan: ScanFunction = scan if scan is not None else _default_scan
        self._batch = _GroupBatch()
        self._last_flush = 0.0

    def cancel(self) -> None:
        """Ask the scan to stop; it ends soon after with ``finished`` (summary.cancelled)."""
        self.cancel_token.cancel()

    @property
    def is_cancelled(self) -> bool:
        return self.cancel_token.cancelled

    def start_on(self, pool: QThreadPool) -> None:
        """Start on ``pool`` and keep this worker referenced until it ends."""
        ScanWorker._running.add(self)
        pool.start(self)

    def run(self) -> None:
        try:
            summary = self._iterate()
        except CancelledError:
            self._flush()
            self.signals.finished.emit(ScanSummary(cancelled=True))
        except Exception:  # any crash must reach the GUI as `failed`, never vanish
            log.exception("scan failed")
            self._flush()
            self.signals.failed.emit(traceback.format_exc())
        else:
            self._flush()
            self.signals.finished.emit(summary)

    def _iterate(self) -> ScanSummary:
        summary: ScanSummary | None = None
        for event in self._scan(self.options, self.cancel_token):
            if isinstance(event, GroupFound | GroupUpdated | GroupRemoved):
                self._batch.add(event)
            elif isinstance(event, Progress):
                self.signals.progress_changed.emit(event)
            elif isinstance(event, FileSkipped):
                self.signals.file_skipped.emit(event.skipped)
            elif isinstance(event, Finished):
                summary = event.summary
            if self._batch and time.monotonic() - self._last_flush >= GROUP_BATCH_INTERVAL_S:
                self._flush()
        if summary is None:
            raise RuntimeError("the scan ended without a Finished event")
        return summary

    def _flush(self) -> None:
        """Send the waiting group events: found, then updated, then removed."""
        batch, self._batch = self._batch, _GroupBatch()
        self._last_flush = time.monotonic()
        if batch.found:
            self.signals.groups_found.emit(list(batch.found.values()))
        if batch.updated:
            self.signals.groups_updated.emit(list(batch.updated.values()))
        if batch.removed:
            self.signals.groups_removed.emit(batch.removed)
