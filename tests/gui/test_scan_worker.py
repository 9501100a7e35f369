"""The scan worker on the real engine: signal order, batching, cancel, and the failure route."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import QObject, QThreadPool, Slot
from pytestqt.qtbot import QtBot

from lookalike.core.cancel import CancelToken
from lookalike.core.events import GroupFound, GroupRemoved, GroupUpdated, Progress, ScanEvent
from lookalike.core.model import (
    Group,
    MatchKind,
    Member,
    ScanMode,
    ScanOptions,
    ScanSummary,
    Skipped,
)
from lookalike.core.scan import run_scan
from lookalike.gui.scan_worker import ScanWorker, _GroupBatch
from lookalike.gui.workers import Failure, Worker
from tests.gui.photo_tree import make_photo_tree

TIMEOUT_MS = 90_000


class Recorder(QObject):
    """Receives a worker's signals on the GUI thread, in order."""

    def __init__(self, worker: ScanWorker) -> None:
        super().__init__()
        self.events: list[tuple[str, object]] = []
        s = worker.signals
        s.progress_changed.connect(self.on_progress)
        s.groups_found.connect(self.on_found)
        s.groups_updated.connect(self.on_updated)
        s.groups_removed.connect(self.on_removed)
        s.file_skipped.connect(self.on_skipped)
        s.finished.connect(self.on_finished)
        s.failed.connect(self.on_failed)

    @Slot(object)
    def on_progress(self, p: Progress) -> None:
        self.events.append(("progress", p))

    @Slot(list)
    def on_found(self, groups: list[Group]) -> None:
        self.events.append(("found", groups))

    @Slot(list)
    def on_updated(self, groups: list[Group]) -> None:
        self.events.append(("updated", groups))

    @Slot(list)
    def on_removed(self, ids: list[int]) -> None:
        self.events.append(("removed", ids))

    @Slot(object)
    def on_skipped(self, skipped: Skipped) -> None:
        self.events.append(("skipped", skipped))

    @Slot(object)
    def on_finished(self, summary: ScanSummary) -> None:
        self.events.append(("finished", summary))

    @Slot(object)
    def on_failed(self, failure: Failure) -> None:
        self.events.append(("failed", failure))

    def names(self) -> list[str]:
        return [name for name, _ in self.events]

    def final_groups(self) -> dict[int, Group]:
        """The groups a model would hold after applying every batch in order."""
        groups: dict[int, Group] = {}
        for name, payload in self.events:
            if name in ("found", "updated"):
                assert isinstance(payload, list)
                groups.update((g.id, g) for g in payload)
            elif name == "removed":
                assert isinstance(payload, list)
                for gid in payload:
                    groups.pop(gid)
        return groups


def _run(qtbot: QtBot, worker: ScanWorker) -> Recorder:
    recorder = Recorder(worker)
    pool = QThreadPool()
    with qtbot.waitSignals(
        [worker.signals.finished],
        timeout=TIMEOUT_MS,
        raising=True,
    ):
        worker.start_on(pool)
    assert pool.waitForDone(TIMEOUT_MS)
    qtbot.waitUntil(lambda: worker not in Worker._running)
    return recorder


def test_signal_order_on_a_real_folder(qtbot: QtBot, tmp_path: Path) -> None:
    tree = make_photo_tree(tmp_path / "photos", groups=3, singles=2)
    options = ScanOptions(roots=(str(tree.root),), mode=ScanMode.SIMILAR, workers=1)
    recorder = _run(qtbot, ScanWorker(options))

    names = recorder.names()
    assert names[-1] == "finished"
    assert names.count("finished") == 1
    assert "failed" not in names
    assert names.index("progress") < names.index("found")
    summary = recorder.events[-1][1]
    assert isinstance(summary, ScanSummary)
    assert not summary.cancelled
    assert summary.groups == 3

    groups = recorder.final_groups()
    assert len(groups) == 3
    for original, copy, small in zip(tree.originals, tree.copies, tree.resized, strict=True):
        (group,) = [g for g in groups.values() if str(original) in {m.path for m in g.members}]
        assert {m.path for m in group.members} == {str(original), str(copy), str(small)}
    skipped = [payload for name, payload in recorder.events if name == "skipped"]
    assert [s.path for s in skipped if isinstance(s, Skipped)] == [str(tree.broken[0])]


def test_cancel_ends_with_a_cancelled_summary(qtbot: QtBot, tmp_path: Path) -> None:
    tree = make_photo_tree(tmp_path / "photos", groups=20, singles=0, size=(160, 120))
    worker = ScanWorker(ScanOptions(roots=(str(tree.root),), workers=1))
    worker.cancel()  # before it even starts: the engine must still end with Finished
    recorder = _run(qtbot, worker)
    names = recorder.names()
    assert names[-1] == "finished"
    summary = recorder.events[-1][1]
    assert isinstance(summary, ScanSummary)
    assert summary.cancelled


def test_a_crash_in_the_scan_ends_with_failed(qtbot: QtBot, tmp_path: Path) -> None:
    tree = make_photo_tree(tmp_path / "photos", groups=2, singles=0, broken=False)

    def scan_then_crash(options: ScanOptions, cancel: CancelToken) -> Iterator[ScanEvent]:
        for event in run_scan(options, cancel):
            yield event
            if isinstance(event, GroupFound):
                raise OSError("disk unplugged")

    options = ScanOptions(roots=(str(tree.root),), mode=ScanMode.EXACT, workers=1)
    worker = ScanWorker(options, scan=scan_then_crash)
    recorder = Recorder(worker)
    pool = QThreadPool()
    with qtbot.waitSignal(worker.signals.failed, timeout=TIMEOUT_MS) as blocker:
        worker.start_on(pool)
    assert pool.waitForDone(TIMEOUT_MS)
    failure = blocker.args[0]
    assert isinstance(failure, Failure)
    assert isinstance(failure.error, OSError)
    assert "disk unplugged" in failure.details
    assert "Traceback" in failure.details
    names = recorder.names()
    assert names[-1] == "failed"
    assert "finished" not in names
    # The group found before the crash was still delivered, before the failure.
    assert "found" in names


def _group(gid: int, *paths: str) -> Group:
    members = tuple(
        Member(p, 10, 0, 4, 4, MatchKind.KEEPER if i == 0 else MatchKind.IDENTICAL, 1.0)
        for i, p in enumerate(paths)
    )
    return Group(gid, members)


def test_group_batch_folds_events_without_contradiction() -> None:
    batch = _GroupBatch()
    batch.add(GroupFound(_group(1, "a", "b")))
    batch.add(GroupUpdated(_group(1, "a", "b", "c")))  # found in this batch: send newest form
    batch.add(GroupFound(_group(2, "d", "e")))
    batch.add(GroupRemoved(2))  # never sent, so nothing to remove
    batch.add(GroupUpdated(_group(3, "f", "g")))  # sent in an earlier batch
    batch.add(GroupUpdated(_group(4, "h", "i")))
    batch.add(GroupRemoved(4))
    assert [len(g.members) for g in batch.found.values()] == [3]
    assert list(batch.updated) == [3]
    assert batch.removed == [4]
