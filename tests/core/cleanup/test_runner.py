"""The one batch loop: events, throttled progress with an ETA, cancel after the current file,
a true journal when interrupted, and a dry run that touches nothing."""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from urllib.parse import quote

import pytest

from lookalike.core import words
from lookalike.core.cancel import CancelToken
from lookalike.core.cleanup.events import (
    ActionKind,
    BatchFinished,
    BatchProgress,
    CleanupEvent,
    FileFinished,
    OutcomeStatus,
)
from lookalike.core.cleanup.journal import Journal
from lookalike.core.cleanup.runner import PROGRESS_INTERVAL_S, execute
from lookalike.core.model import Group
from tests.core.cleanup.helpers import (
    home_trash,
    identical_group,
    outcome_of,
    plan_in,
    run_trash,
    status_of,
    trashinfo_paths,
)

DATA = b"\xff\xd8 photo bytes " * 500


def _pairs(root: Path, count: int) -> list[Group]:
    return [
        identical_group(i, root / f"g{i}", ["keep.jpg", "copy.jpg"], DATA + i.to_bytes(4, "big"))
        for i in range(count)
    ]


def test_interrupted_batch_leaves_a_true_journal(tmp_path: Path, journal: Journal) -> None:
    groups = _pairs(tmp_path, 4)
    dups = [g.members[1].path for g in groups]
    plan = plan_in(tmp_path, groups, set(dups))
    # Every file's progress event comes between its before-line and the act: raising there is
    # what a kill or Ctrl+C at the worst moment looks like to the journal.
    events = execute(plan, journal=journal, progress_interval_s=0)

    def consume_until_the_third_file() -> None:
        for event in events:
            if isinstance(event, BatchProgress) and event.done == 2:
                raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        consume_until_the_third_file()
    events.close()

    [batch] = journal.batches()
    assert not batch.finished
    records = {r.path: r for r in batch.files}
    assert set(records) == set(dups[:3])  # the fourth file was never reached
    for done in dups[:2]:
        assert records[done].outcome == "trashed"
        assert not records[done].interrupted
        assert not os.path.exists(done)
        assert os.path.exists(records[done].destination)
    assert records[dups[2]].interrupted
    assert records[dups[2]].outcome == ""
    assert os.path.exists(dups[2])
    assert os.path.exists(dups[3])


def test_cancel_skips_the_rest(tmp_path: Path, journal: Journal) -> None:
    groups = _pairs(tmp_path, 4)
    dups = [g.members[1].path for g in groups]
    token = CancelToken()
    seen: list[tuple[int, int, str]] = []
    report = None
    for event in execute(
        plan_in(tmp_path, groups, set(dups)), journal=journal, cancel=token, progress_interval_s=0
    ):
        if isinstance(event, BatchProgress):
            seen.append((event.done, event.total, event.current))
            if event.done == 1:
                token.cancel()  # while the second file is the current one
        elif isinstance(event, BatchFinished):
            report = event.report
    assert report is not None
    assert report.cancelled
    assert [o.status for o in report.outcomes] == [OutcomeStatus.TRASHED] * 2 + [
        OutcomeStatus.SKIPPED
    ] * 2
    assert report.outcomes[3].reason == "cancelled before it was reached"
    assert os.path.exists(dups[2])
    assert os.path.exists(dups[3])
    assert seen[:2] == [(0, 4, dups[0]), (1, 4, dups[1])]
    assert seen[-1] == (4, 4, "")
    assert journal.batches()[0].finished


def test_cancel_mid_batch_with_the_real_trash_stops_after_the_current_file(
    tmp_path: Path, journal: Journal
) -> None:
    groups = _pairs(tmp_path, 30)
    dups = [g.members[1].path for g in groups]
    token = CancelToken()
    events: list[CleanupEvent] = []
    for event in execute(plan_in(tmp_path, groups, set(dups)), journal=journal, cancel=token):
        events.append(event)
        # As the window's Cancel: set while the batch runs, from the consumer's side.
        if isinstance(event, FileFinished) and event.outcome.path == dups[11]:
            token.cancel()
    report = events[-1].report  # type: ignore[union-attr]
    assert isinstance(events[-1], BatchFinished)
    assert report.cancelled
    assert report.count(OutcomeStatus.TRASHED) == 12
    assert report.count(OutcomeStatus.SKIPPED) == 18
    freed = sum(os.path.getsize(g.keeper.path) for g in groups[:12])
    assert report.freed_bytes == freed
    assert report.done_text == f"Moved 12 files to the Trash (freed {words.size(freed)})"
    # What the tally says is what is on disk and in the trash.
    assert not any(os.path.exists(d) for d in dups[:12])
    assert all(os.path.exists(d) for d in dups[12:])
    assert sorted(trashinfo_paths().values()) == sorted(quote(d) for d in dups[:12])
    assert all(os.path.exists(g.keeper.path) for g in groups)
    [batch] = journal.batches()
    assert batch.finished
    assert {r.path for r in batch.files if r.outcome == "trashed"} == set(dups[:12])
    # One FileFinished per file, every one before the report.
    finished = [e.outcome.path for e in events if isinstance(e, FileFinished)]
    assert sorted(finished) == sorted(dups)


def test_progress_is_throttled_and_has_an_eta(tmp_path: Path, journal: Journal) -> None:
    groups = _pairs(tmp_path, 40)
    dups = [g.members[1].path for g in groups]
    progress = [
        e
        for e in execute(plan_in(tmp_path, groups, set(dups)), journal=journal, dry_run=True)
        if isinstance(e, BatchProgress)
    ]
    first, last = progress[0], progress[-1]
    assert (first.done, first.total, first.current) == (0, 40, dups[0])
    assert first.eta_s is None  # no rate yet
    assert (last.done, last.total, last.current, last.eta_s) == (40, 40, "", 0.0)
    assert {e.action for e in progress} == {ActionKind.TRASH}
    # At most one event per interval, but the last one always comes.
    between = progress[:-1]
    for a, b in itertools.pairwise(between):
        assert b.elapsed_s - a.elapsed_s >= PROGRESS_INTERVAL_S
    # Unthrottled, every file reports, and the ETA is the rate so far applied to what is left.
    every = [
        e
        for e in execute(
            plan_in(tmp_path, groups, set(dups)),
            journal=journal,
            dry_run=True,
            progress_interval_s=0,
        )
        if isinstance(e, BatchProgress)
    ]
    assert [e.done for e in every] == list(range(41))
    for e in every[1:]:
        assert e.eta_s == pytest.approx(e.elapsed_s / e.done * (40 - e.done))


def test_dry_run_changes_nothing(tmp_path: Path, journal: Journal) -> None:
    group = identical_group(1, tmp_path, ["keep.jpg", "a.jpg", "b.jpg"], DATA)
    gone = group.members[2].path
    os.unlink(gone)
    dup = group.members[1].path
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    report = run_trash(plan_in(tmp_path, [group], {dup, gone}), journal=journal, dry_run=True)
    assert report.dry_run
    assert status_of(report, dup) is OutcomeStatus.PLANNED
    assert outcome_of(report, dup).reason == "would move to the trash"
    assert outcome_of(report, gone).reason == "no longer exists"
    assert report.freed_bytes == len(DATA)
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before
    assert not home_trash().exists()
    assert not journal.path.exists()
