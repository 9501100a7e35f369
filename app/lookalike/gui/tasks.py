"""One-shot background calls for the window (saving or opening a result file): the call runs on
a pool thread and its result or error comes back as a signal on the GUI thread."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import ClassVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


class TaskSignals(QObject):
    """Lives on the GUI thread; exactly one of the two signals is emitted per task."""

    succeeded = Signal(object)  # the call's return value
    failed = Signal(object)  # the exception the call raised

    def __init__(self, owner: Task) -> None:
        super().__init__()
        self._owner: Task | None = owner
        self.succeeded.connect(self._release)
        self.failed.connect(self._release)

    @Slot()
    def _release(self) -> None:
        if self._owner is not None:
            Task._running.discard(self._owner)
            self._owner = None


class Task(QRunnable):
    """Runs ``call()`` once off the GUI thread."""

    _running: ClassVar[set[Task]] = set()

    def __init__(self, call: Callable[[], object], description: str) -> None:
        super().__init__()
        self.description = description
        self.signals = TaskSignals(self)
        self._call = call

    def start_on(self, pool: QThreadPool) -> None:
        Task._running.add(self)
        pool.start(self)

    def run(self) -> None:
        try:
            result = self._call()
        except Exception as exc:  # reported to the user by the window, by kind
            log.exception("%s failed", self.description)
            self.signals.failed.emit(exc)
        else:
            self.signals.succeeded.emit(result)
