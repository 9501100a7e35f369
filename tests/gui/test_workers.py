"""The worker base: one-shot results and errors, generator batching and the last signal, the
cancel route, and the keep-alive reference held from start to the last signal."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot
from pytestqt.qtbot import QtBot

from lookalike.gui.workers import (
    Failure,
    GeneratorWorker,
    OneShotWorker,
    Worker,
    WorkerSignals,
)

TIMEOUT_MS = 10_000


class Recorder(QObject):
    """Receives a worker's signals on the GUI thread, in order."""

    def __init__(self, signals: WorkerSignals) -> None:
        super().__init__()
        self.events: list[tuple[str, object]] = []
        signals.finished.connect(self.on_finished)
        signals.failed.connect(self.on_failed)
        if isinstance(signals, CountSignals):
            signals.counted.connect(self.on_counted)

    @Slot(object)
    def on_finished(self, result: object) -> None:
        self.events.append(("finished", result))

    @Slot(object)
    def on_failed(self, failure: Failure) -> None:
        self.events.append(("failed", failure))

    @Slot(list)
    def on_counted(self, numbers: list[int]) -> None:
        self.events.append(("counted", numbers))

    def names(self) -> list[str]:
        return [name for name, _ in self.events]

    def batches(self) -> list[list[int]]:
        return [payload for name, payload in self.events if isinstance(payload, list)]


class CountSignals(WorkerSignals):
    counted = Signal(list)  # list[int]


class CountWorker(GeneratorWorker[CountSignals]):
    """Counts to ``n`` and sends the numbers in batches; raises ``CancelledError`` when its
    token is set, as the engine does between units of work."""

    def __init__(self, n: int) -> None:
        super().__init__(CountSignals(), "counting")
        self.n = n
        self.batch: list[int] = []
        self.seen = 0

    def events(self) -> Iterator[int]:
        for i in range(self.n):
            self.cancel_token.raise_if_cancelled()
            yield i

    def handle(self, event: object) -> None:
        assert isinstance(event, int)
        self.batch.append(event)
        self.seen += 1

    def result(self) -> int:
        return self.seen

    def cancelled_result(self) -> str:
        return "cancelled"

    def has_pending(self) -> bool:
        return bool(self.batch)

    def flush(self) -> None:
        batch, self.batch = self.batch, []
        if batch:
            self.signals.counted.emit(batch)


def _run(qtbot: QtBot, worker: Worker[WorkerSignals]) -> Recorder:
    """Run ``worker`` to its last signal and until the keep-alive has let it go."""
    recorder = Recorder(worker.signals)
    pool = QThreadPool()
    worker.start_on(pool)
    assert worker in Worker._running
    qtbot.waitUntil(lambda: worker not in Worker._running, timeout=TIMEOUT_MS)
    assert pool.waitForDone(TIMEOUT_MS)
    return recorder


def test_one_shot_sends_the_return_value(qtbot: QtBot) -> None:
    recorder = _run(qtbot, OneShotWorker(lambda: {"answer": 42}, "answering"))
    assert recorder.events == [("finished", {"answer": 42})]


def test_one_shot_sends_the_exception_and_its_traceback(qtbot: QtBot) -> None:
    def read_missing() -> bytes:
        with open("/nonexistent/lookalike/result.json", "rb") as f:
            return f.read()

    recorder = _run(qtbot, OneShotWorker(read_missing, "Opening the result file"))
    assert recorder.names() == ["failed"]
    failure = recorder.events[0][1]
    assert isinstance(failure, Failure)
    assert isinstance(failure.error, FileNotFoundError)
    assert "Traceback" in failure.details
    assert "read_missing" in failure.details


def test_generator_batches_events_and_flushes_before_finishing(qtbot: QtBot) -> None:
    recorder = _run(qtbot, CountWorker(20_000))
    names = recorder.names()
    assert names[-1] == "finished"
    assert names.count("finished") == 1
    assert "failed" not in names
    assert recorder.events[-1][1] == 20_000
    batches = recorder.batches()
    # Everything arrives, in order, in far fewer signals than events.
    assert [n for batch in batches for n in batch] == list(range(20_000))
    assert len(batches) < 20_000 // 10


def test_generator_cancelled_ends_with_its_cancelled_result(qtbot: QtBot) -> None:
    worker = CountWorker(1_000)
    worker.cancel()
    assert worker.is_cancelled
    recorder = _run(qtbot, worker)
    assert recorder.events == [("finished", "cancelled")]


def test_a_crash_in_the_generator_still_flushes_then_fails(qtbot: QtBot) -> None:
    class Crashing(CountWorker):
        def handle(self, event: object) -> None:
            super().handle(event)
            if event == 5:
                raise ValueError("bad event")

    recorder = _run(qtbot, Crashing(100))
    names = recorder.names()
    assert names[-1] == "failed"
    assert "finished" not in names
    delivered = [n for batch in recorder.batches() for n in batch]
    assert delivered == list(range(6))  # what was handled before the crash is not lost


def test_a_running_worker_is_held_until_its_last_signal(qtbot: QtBot) -> None:
    release = threading.Event()
    pool = QThreadPool()

    def start() -> tuple[Recorder, weakref.ref[OneShotWorker]]:
        worker = OneShotWorker(lambda: release.wait(TIMEOUT_MS / 1000), "waiting")
        recorder = Recorder(worker.signals)
        worker.start_on(pool)
        return recorder, weakref.ref(worker)

    recorder, ref = start()  # the caller keeps no reference to the worker
    gc.collect()
    worker = ref()
    assert worker is not None
    assert worker in Worker._running
    del worker
    release.set()
    qtbot.waitUntil(lambda: bool(recorder.events), timeout=TIMEOUT_MS)
    assert recorder.events == [("finished", True)]
    assert pool.waitForDone(TIMEOUT_MS)
    assert not any(w is ref() for w in Worker._running)
