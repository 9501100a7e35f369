"""The one way the window runs work off the GUI thread: a worker base, a generator worker for
engine runs that stream events, and a one-shot worker for a single call.

The shape follows superqt's GeneratorWorker: a ``QRunnable`` (not a QObject) owning a small
signals QObject created on the GUI thread, so connections to GUI-thread slots are queued. Every
worker ends with exactly one of ``finished(result)`` or ``failed(Failure)``, and nothing after
it. A running worker is referenced from ``Worker._running`` until that last signal reaches the
GUI thread: the pool holds only the C++ side, so without it Python could collect a worker whose
caller kept no reference.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import ClassVar, Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from lookalike.core.cancel import CancelledError, CancelToken

log = logging.getLogger(__name__)

BATCH_INTERVAL_S = 0.1  # how often a generator worker sends what it batched (~10 per second)


@dataclass(frozen=True, slots=True)
class Failure:
    """Why a worker stopped: the exception, to choose how to tell the user (a file error is a
    message, anything else a bug report), and the traceback text for the bug report."""

    error: Exception
    details: str


class WorkerSignals(QObject):
    """What a worker tells the GUI; lives on the GUI thread. Subclasses add their own signals."""

    finished = Signal(object)  # the result; the last signal of a worker that ended normally
    failed = Signal(object)  # Failure; the last signal of a worker that raised

    def __init__(self) -> None:
        super().__init__()
        self._worker: Worker[WorkerSignals] | None = None
        # Queued to this object's (the GUI) thread, so the worker's last reference is dropped
        # there and never on the pool thread.
        self.finished.connect(self._release)
        self.failed.connect(self._release)

    def _hold(self, worker: Worker[WorkerSignals]) -> None:
        self._worker = worker
        Worker._running.add(worker)

    @Slot()
    def _release(self) -> None:
        if self._worker is not None:
            Worker._running.discard(self._worker)
            self._worker = None


# Covariant: a worker with richer signals is still a worker (for the keep-alive set).
SignalsT = TypeVar("SignalsT", bound=WorkerSignals, covariant=True)


class Worker(QRunnable, Generic[SignalsT]):
    """Runs ``work()`` once on a pool thread. Create it on the GUI thread, connect ``signals``,
    then ``start_on`` a pool."""

    _running: ClassVar[set[Worker[WorkerSignals]]] = set()

    def __init__(self, signals: SignalsT, description: str) -> None:
        super().__init__()
        self.signals = signals
        self.description = description  # for the log, and for the user when it fails
        self.cancel_token = CancelToken()

    def work(self) -> object:
        """The job, on the pool thread; its return value is sent with ``finished``."""
        raise NotImplementedError

    def before_last_signal(self) -> None:
        """Send whatever is still waiting; runs on the pool thread just before the last
        signal."""

    def cancel(self) -> None:
        """Ask the work to stop; it checks the token between small units of work."""
        self.cancel_token.cancel()

    @property
    def is_cancelled(self) -> bool:
        return self.cancel_token.cancelled

    def start_on(self, pool: QThreadPool) -> None:
        """Start on ``pool`` and keep this worker referenced until its last signal."""
        self.signals._hold(self)
        pool.start(self)

    def run(self) -> None:
        try:
            result = self.work()
        except Exception as exc:  # any crash must reach the GUI as `failed`, never vanish
            log.exception("%s failed", self.description)
            self.before_last_signal()
            self.signals.failed.emit(Failure(exc, traceback.format_exc()))
        else:
            self.before_last_signal()
            self.signals.finished.emit(result)


class GeneratorWorker(Worker[SignalsT]):
    """Iterates an engine generator (``run_scan``, a cleanup run), maps each event to a signal
    or a batch in ``handle``, and sends the batch every ``BATCH_INTERVAL_S`` and once more
    before the last signal, so a model changes once per batch, not once per event."""

    def __init__(self, signals: SignalsT, description: str) -> None:
        super().__init__(signals, description)
        self._last_flush = 0.0

    def events(self) -> Iterator[object]:
        """The engine generator to iterate, given ``self.cancel_token``."""
        raise NotImplementedError

    def handle(self, event: object) -> None:
        """Turn one event into a signal, or add it to the batch."""
        raise NotImplementedError

    def result(self) -> object:
        """What ``finished`` sends once the generator is exhausted."""
        raise NotImplementedError

    def cancelled_result(self) -> object:
        """What ``finished`` sends when the generator raised ``CancelledError``."""
        raise NotImplementedError

    def has_pending(self) -> bool:
        """Whether the batch holds anything to send."""
        return False

    def flush(self) -> None:
        """Send the batch."""

    def work(self) -> object:
        try:
            for event in self.events():
                self.handle(event)
                if self.has_pending() and time.monotonic() - self._last_flush >= BATCH_INTERVAL_S:
                    self._flush_now()
        except CancelledError:
            return self.cancelled_result()
        return self.result()

    def before_last_signal(self) -> None:
        self._flush_now()

    def _flush_now(self) -> None:
        self._last_flush = time.monotonic()
        self.flush()


class OneShotWorker(Worker[WorkerSignals]):
    """Runs ``call()`` once off the GUI thread: ``finished`` carries its return value,
    ``failed`` the exception it raised."""

    def __init__(self, call: Callable[[], object], description: str) -> None:
        super().__init__(WorkerSignals(), description)
        self._call = call

    def work(self) -> object:
        return self._call()
