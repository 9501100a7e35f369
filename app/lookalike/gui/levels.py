"""Getting the other sensitivity levels ready after a scan: each is regrouped in the background,
from the cache, so the pairs it asks about are measured (and kept) before the user switches.

A level is ready when a scan of the same files at that level ran to its end: the fingerprint
cache then holds every pair its grouping reads, and switching to it regroups in seconds. The
groups found here are not shown; the session regroups again when the user switches.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence

from PySide6.QtCore import Signal

from lookalike.core.cancel import CancelToken
from lookalike.core.events import Finished
from lookalike.core.model import ScanOptions, ScanSummary, Sensitivity
from lookalike.core.not_duplicates import Choice
from lookalike.gui.scan_worker import ScanFunction, default_scan
from lookalike.gui.workers import GeneratorWorker, WorkerSignals


class LevelsWorkerSignals(WorkerSignals):
    """``level_ready`` carries a `Sensitivity` whose pairs the cache now holds; ``finished``
    comes once every level is ready or the work was cancelled."""

    level_ready = Signal(object)  # Sensitivity


class LevelsWorker(GeneratorWorker[LevelsWorkerSignals]):
    """Scans ``options``' files at each of ``levels`` in turn and drops the events; Cancel stops
    it within a batch of pairs. What it measured stays in the cache even when cancelled."""

    def __init__(
        self,
        options: ScanOptions,
        levels: Sequence[Sensitivity],
        scan: ScanFunction | None = None,
        choices: Callable[[CancelToken], tuple[Choice, ...]] | None = None,
    ) -> None:
        super().__init__(LevelsWorkerSignals(), "levels")
        self.options = options
        self.levels = tuple(levels)
        self._scan: ScanFunction = scan if scan is not None else default_scan
        self._choices = choices

    def events(self) -> Iterator[object]:
        options = self.options
        if self._choices is not None:
            options = dataclasses.replace(options, not_duplicates=self._choices(self.cancel_token))
        for level in self.levels:
            summary: ScanSummary | None = None
            for event in self._scan(
                dataclasses.replace(options, sensitivity=level, background=True),
                self.cancel_token,
            ):
                if isinstance(event, Finished):
                    summary = event.summary
            if summary is None or summary.cancelled:
                return
            yield level

    def handle(self, event: object) -> None:
        self.signals.level_ready.emit(event)

    def result(self) -> None:
        return None

    def cancelled_result(self) -> None:
        return None
