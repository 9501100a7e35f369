"""Undo: the files of the last trash or move batch come back exactly where they were, never over
a file that took their place, also after a kill, a damaged journal line or a cancel."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

import pytest

from lookalike.core.cancel import CancelToken
from lookalike.core.cleanup.events import (
    ActionKind,
    BatchFinished,
    BatchProgress,
    FileFinished,
    OutcomeStatus,
)
from lookalike.core.cleanup.journal import Journal
from lookalike.core.cleanup.runner import execute, undo_last_batch
from tests.core.cleanup.helpers import (
    home_trash,
    identical_group,
    outcome_of,
    plan_in,
    run_trash,
    run_undo,
    status_of,
    trashinfo_paths,
    write,
)

DATA = b"\xff\xd8 photo bytes " * 500


def test_undo_restores_exact_bytes_and_paths(tmp_path: Path, journal: Journal) -> None:
    groups = [
        identical_group(i, tmp_path / f"deep/g{i}", ["keep.jpg", "copy.jpg"], DATA + bytes([i]))
        for i in range(3)
    ]
    dups = {g.members[1].path: Path(g.members[1].path).read_bytes() for g in groups}
    report = run_trash(plan_in(tmp_path, groups, set(dups)), journal=journal)
    assert report.count(OutcomeStatus.TRASHED) == 3
    undo = run_undo(journal)
    assert undo.action is ActionKind.RESTORE
    assert undo.count(OutcomeStatus.RESTORED) == 3
    for path, data in dups.items():
        assert Path(path).read_bytes() == data
    assert list((home_trash() / "files").iterdir()) == []
    assert trashinfo_paths() == {}
    # Nothing left to undo: the trash batch is fully restored.
    again = run_undo(journal)
    assert again.outcomes == ()
    assert again.message == "There is nothing to undo."


def test_undo_recreates_a_removed_folder(tmp_path: Path, journal: Journal) -> None:
    group = identical_group(1, tmp_path, ["keep.jpg", "sub/copy.jpg"], DATA)
    dup = group.members[1].path
    run_trash(plan_in(tmp_path, [group], {dup}), journal=journal)
    os.rmdir(tmp_path / "sub")
    undo = run_undo(journal)
    assert undo.count(OutcomeStatus.RESTORED) == 1
    assert Path(dup).read_bytes() == DATA


def test_undo_never_overwrites_and_can_finish_later(tmp_path: Path, journal: Journal) -> None:
    g1 = identical_group(1, tmp_path / "a", ["keep.jpg", "copy.jpg"], DATA)
    g2 = identical_group(2, tmp_path / "b", ["keep.jpg", "copy.jpg"], DATA + b"2")
    d1, d2 = g1.members[1].path, g2.members[1].path
    run_trash(plan_in(tmp_path, [g1, g2], {d1, d2}), journal=journal)
    write(Path(d1), b"a new file took its place")

    undo = run_undo(journal)
    assert status_of(undo, d1) is OutcomeStatus.SKIPPED
    assert "not overwritten" in outcome_of(undo, d1).reason
    assert Path(d1).read_bytes() == b"a new file took its place"
    assert status_of(undo, d2) is OutcomeStatus.RESTORED
    assert Path(d2).read_bytes() == DATA + b"2"

    os.unlink(d1)
    later = run_undo(journal)
    assert [(o.path, o.status) for o in later.outcomes] == [(d1, OutcomeStatus.RESTORED)]
    assert Path(d1).read_bytes() == DATA


def test_undo_finds_the_file_by_trashinfo_when_the_journal_lacks_the_location(
    tmp_path: Path, journal: Journal
) -> None:
    group = identical_group(1, tmp_path, ["keep.jpg", "copy.jpg"], DATA)
    dup = group.members[1].path
    run_trash(plan_in(tmp_path, [group], {dup}), journal=journal)
    # Another file of the same name trashed later by someone else must not be restored instead.
    other = write(tmp_path / "elsewhere" / "copy.jpg", b"other")
    import send2trash

    send2trash.send2trash(str(other))
    lines = journal.path.read_text().splitlines()
    stripped = [
        line.replace('"trash_info":"', '"trash_info":"x').replace(
            '"destination":"/', '"destination":"/x'
        )
        for line in lines
    ]
    journal.path.write_text("\n".join(stripped) + "\n")
    undo = run_undo(journal)
    assert status_of(undo, dup) is OutcomeStatus.RESTORED
    assert Path(dup).read_bytes() == DATA
    assert not other.exists()


@pytest.mark.parametrize(("platform", "where"), [("win32", "Recycle Bin"), ("darwin", "Trash")])
def test_undo_elsewhere_says_where_the_files_are(
    tmp_path: Path, journal: Journal, monkeypatch: pytest.MonkeyPatch, platform: str, where: str
) -> None:
    g = identical_group(1, tmp_path, ["keep.jpg", "x.jpg"], DATA)
    dup = g.members[1].path
    run_trash(plan_in(tmp_path, [g], {dup}), journal=journal)
    monkeypatch.setattr("sys.platform", platform)
    undo = run_undo(journal)
    assert where in undo.message
    assert "1 file(s)" in undo.message
    assert status_of(undo, dup) is OutcomeStatus.SKIPPED
    assert not os.path.exists(dup)


def test_undo_also_restores_a_file_whose_after_line_was_never_written(
    tmp_path: Path, journal: Journal
) -> None:
    groups = [
        identical_group(i, tmp_path / f"g{i}", ["keep.jpg", "copy.jpg"], DATA + bytes([i]))
        for i in range(2)
    ]
    dups = [g.members[1].path for g in groups]
    run_trash(plan_in(tmp_path, groups, set(dups)), journal=journal)
    # As if the app was killed right after send2trash moved the second file: drop its after-line
    # and the batch's end line.
    lines = journal.path.read_text().splitlines()
    kept = [
        line
        for line in lines
        if not ('"phase":"after"' in line and dups[1] in line) and '"batch-end"' not in line
    ]
    assert len(kept) == len(lines) - 2
    journal.path.write_text("\n".join(kept) + "\n")
    assert journal.batches()[0].files[1].interrupted

    undo = run_undo(journal)
    assert undo.count(OutcomeStatus.RESTORED) == 2
    for i, d in enumerate(dups):
        assert Path(d).read_bytes() == DATA + bytes([i])


def _trashed_pairs(root: Path, count: int, journal: Journal) -> list[str]:
    groups = [
        identical_group(i, root / f"g{i}", ["keep.jpg", "copy.jpg"], DATA + i.to_bytes(4, "big"))
        for i in range(count)
    ]
    dups = [g.members[1].path for g in groups]
    report = run_trash(plan_in(root, groups, set(dups)), journal=journal)
    assert report.count(OutcomeStatus.TRASHED) == count
    return dups


def _write_trashinfo(name: str, original: str) -> Path:
    """A record as send2trash writes it before it moves the file."""
    info = home_trash() / "info" / f"{name}.trashinfo"
    info.parent.mkdir(parents=True, exist_ok=True)
    info.write_text(f"[Trash Info]\nPath={quote(original)}\nDeletionDate=2024-05-01T10:00:00\n")
    return info


def test_undo_removes_the_orphan_trashinfo_a_kill_left(tmp_path: Path, journal: Journal) -> None:
    groups = [
        identical_group(i, tmp_path / f"g{i}", ["keep.jpg", "copy.jpg"], DATA + bytes([i]))
        for i in range(3)
    ]
    dups = [g.members[1].path for g in groups]
    events = execute(plan_in(tmp_path, groups, set(dups)), journal=journal, progress_interval_s=0)

    def killed_on_the_third_file() -> None:
        for event in events:
            if isinstance(event, BatchProgress) and event.done == 2:
                raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        killed_on_the_third_file()
    events.close()
    # The kill came after send2trash wrote the third file's record and before it moved it.
    orphan = _write_trashinfo("copy 2.jpg", dups[2])
    someone_elses = _write_trashinfo("notes.txt", str(tmp_path / "notes.txt"))
    assert os.path.exists(dups[2])
    assert journal.batches()[0].files[2].interrupted

    undo = run_undo(journal)

    assert undo.count(OutcomeStatus.RESTORED) == 2
    assert all(Path(d).read_bytes() == DATA + bytes([i]) for i, d in enumerate(dups))
    assert not orphan.exists()
    assert someone_elses.exists()  # not a record of Lookalike's: left alone
    assert trashinfo_paths() == {"notes.txt": quote(str(tmp_path / "notes.txt"))}


def test_a_damaged_journal_line_is_skipped_and_other_batches_still_undo(
    tmp_path: Path, journal: Journal, caplog: pytest.LogCaptureFixture
) -> None:
    first = _trashed_pairs(tmp_path / "first", 2, journal)
    last = _trashed_pairs(tmp_path / "last", 2, journal)
    with journal.path.open("a") as f:
        # Hand edits and damage: wrong types, a NUL in a path, JSON nested beyond any parser.
        f.write('{"phase": "after", "batch": "x", "path": "/p.jpg", "size": "big"}\n')
        f.write('{"phase": "before", "batch": 5, "path": "/p.jpg"}\n')
        f.write('{"phase": "before", "batch": "y", "path": "/p\\u0000.jpg", "size": 1}\n')
        f.write("[" * 100_000 + "]" * 100_000 + "\n")
        f.write('{"phase": "before", "batch": "z", "path": "/p.jpg", "group": true}\n')

    undo = run_undo(journal)

    assert [(o.path, o.status) for o in undo.outcomes] == [
        (p, OutcomeStatus.RESTORED) for p in last
    ]
    assert undo.message == "5 damaged lines of the journal were ignored."
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) >= 5
    assert any("has a str for 'size'" in w for w in warnings)
    # The batch before can still be undone too.
    again = run_undo(journal)
    assert [(o.path, o.status) for o in again.outcomes] == [
        (p, OutcomeStatus.RESTORED) for p in first
    ]
    assert all(os.path.exists(p) for p in first + last)


def test_undo_can_be_cancelled_and_finished_later(tmp_path: Path, journal: Journal) -> None:
    dups = _trashed_pairs(tmp_path, 8, journal)
    token = CancelToken()
    report = None
    for event in undo_last_batch(journal, cancel=token):
        if isinstance(event, FileFinished) and event.outcome.path == dups[2]:
            token.cancel()
        elif isinstance(event, BatchFinished):
            report = event.report
    assert report is not None
    assert report.cancelled
    assert report.action is ActionKind.RESTORE
    assert report.count(OutcomeStatus.RESTORED) == 3
    assert report.count(OutcomeStatus.SKIPPED) == 5
    assert report.done_text == "Restored 3 files"
    assert [os.path.exists(d) for d in dups] == [True] * 3 + [False] * 5

    rest = run_undo(journal)
    assert [(o.path, o.status) for o in rest.outcomes] == [
        (d, OutcomeStatus.RESTORED) for d in dups[3:]
    ]
    assert all(os.path.exists(d) for d in dups)
    assert trashinfo_paths() == {}
