"""The "not duplicates" memory as the window uses it: its JSON file read and written on one
worker thread, in the order asked, never on the GUI thread (the project's rule for file work).

The GUI thread sees the choices known so far (``choices``); a scan asks from its own thread for
the choices once the file is read and every change asked before is written
(``settled_choices``), so a scan started at once after a mark honours it.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Collection, Sequence
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

from lookalike.core.cancel import CancelToken
from lookalike.core.model import Member
from lookalike.core.not_duplicates import Choice, ChoiceKind, NotDuplicates
from lookalike.gui.i18n import QT_TRANSLATE_NOOP
from lookalike.gui.workers import Failure, OneShotWorker

# What each task does, for the message when it fails (translated where it is shown).
READING = QT_TRANSLATE_NOOP("Session", "Reading the not-duplicates choices")
REMEMBERING = QT_TRANSLATE_NOOP("Session", "Remembering the choice")
FORGETTING = QT_TRANSLATE_NOOP("Session", "Forgetting the choice")
SETTLE_POLL_S = 0.05  # how often a scan waiting for the memory checks its cancel token


class Memory(QObject):
    """The remembered choices, loaded and changed on ``pool`` (one thread, so in order).

    Args:
        memory: an open memory (tests pass one on ``tmp_path``); None reads the user's own,
            on the worker thread.
    """

    loaded = Signal()
    remembered = Signal(object, list)  # Choice, the members it is about
    forgotten = Signal(int)  # how many choices
    failed = Signal(str, object)  # what was being done, Failure

    def __init__(self, memory: NotDuplicates | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._memory = memory
        self._pending = 0  # tasks asked for and not yet done
        self._settled = threading.Condition()
        self._running: set[OneShotWorker] = set()  # referenced until they end
        if memory is None:
            self._start(self._read, READING, self._on_read)

    @property
    def ready(self) -> bool:
        """Whether the file has been read."""
        return self._memory is not None

    def choices(self) -> tuple[Choice, ...]:
        """The choices known now (none until the file is read)."""
        memory = self._memory
        return memory.choices() if memory is not None else ()

    def settled_choices(self, cancel: CancelToken) -> tuple[Choice, ...]:
        """On a worker thread (never the GUI thread): the choices once the file is read and
        every change asked for so far is written; raises ``CancelledError`` if cancelled."""
        with self._settled:
            while not self._settled.wait_for(lambda: self._pending == 0, SETTLE_POLL_S):
                cancel.raise_if_cancelled()
        return self.choices()

    def remember(self, kind: ChoiceKind, members: Sequence[Member]) -> None:
        """Remember a choice about ``members``; ``remembered`` or ``failed`` follows."""
        self._start(
            functools.partial(self._add, kind, list(members)),
            REMEMBERING,
            self._on_added,
        )

    def forget(self, ids: Collection[int]) -> None:
        """Forget these choices; ``forgotten`` (with how many) or ``failed`` follows."""
        self._start(functools.partial(self._remove, set(ids)), FORGETTING, self._on_removed)

    def shutdown(self, timeout_ms: int) -> bool:
        return self.pool.waitForDone(timeout_ms)

    # --- on the worker thread ---------------------------------------------------------------

    def _read(self) -> None:
        self._memory = NotDuplicates()

    def _add(self, kind: ChoiceKind, members: list[Member]) -> tuple[Choice, list[Member]]:
        assert self._memory is not None  # the read was queued first, on the same thread
        return self._memory.add(kind, members), members

    def _remove(self, ids: set[int]) -> int:
        assert self._memory is not None
        return self._memory.remove(ids)

    def _done(self, call: Callable[[], object]) -> object:
        try:
            return call()
        finally:
            with self._settled:
                self._pending -= 1
                self._settled.notify_all()

    # --- on the GUI thread ------------------------------------------------------------------

    def _start(
        self, call: Callable[[], object], description: str, on_finished: Callable[[Any], None]
    ) -> None:
        with self._settled:
            self._pending += 1
        task = OneShotWorker(functools.partial(self._done, call), description)
        task.signals.finished.connect(on_finished)
        task.signals.failed.connect(self._on_task_failed)
        task.signals.finished.connect(self._on_task_ended)
        task.signals.failed.connect(self._on_task_ended)
        self._running.add(task)
        task.start_on(self.pool)

    @Slot(object)
    def _on_read(self, _: object) -> None:
        self.loaded.emit()

    @Slot(object)
    def _on_added(self, result: tuple[Choice, list[Member]]) -> None:
        choice, members = result
        self.remembered.emit(choice, members)

    @Slot(object)
    def _on_removed(self, count: int) -> None:
        self.forgotten.emit(count)

    @Slot(object)
    def _on_task_failed(self, failure: Failure) -> None:
        task = self.sender()
        description = next((t.description for t in self._running if t.signals is task), REMEMBERING)
        self.failed.emit(description, failure)

    @Slot(object)
    def _on_task_ended(self, _: object) -> None:
        sender = self.sender()
        self._running = {t for t in self._running if t.signals is not sender}
