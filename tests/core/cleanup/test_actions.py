"""The actions against real files: the freedesktop trash (with ``XDG_DATA_HOME`` in the test's
folder), moving aside, hard links; each failure is that file's, never the batch's."""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest

from lookalike.core.cleanup.events import OutcomeStatus
from lookalike.core.cleanup.journal import Journal
from lookalike.core.model import Group, MatchKind
from tests.core.cleanup.helpers import (
    home_trash,
    identical_group,
    member,
    outcome_of,
    plan_in,
    read_only_dir,
    read_only_possible,
    run_hardlink,
    run_move,
    run_trash,
    run_undo,
    similar_group,
    status_of,
    trashinfo_paths,
    write,
)

DATA = b"\xff\xd8 photo bytes " * 500


def test_trashed_file_lands_in_the_freedesktop_trash_with_trashinfo(
    tmp_path: Path, journal: Journal
) -> None:
    group = identical_group(1, tmp_path / "photos", ["keep.jpg", "copy.jpg"], DATA)
    dup = group.members[1].path
    plan = plan_in(tmp_path, [group], {dup})
    assert plan.paths == (dup,)
    assert plan.total_bytes == len(DATA)

    report = run_trash(plan, journal=journal)

    assert report.count(OutcomeStatus.TRASHED) == 1
    assert report.ok
    assert report.freed_bytes == len(DATA)
    assert not os.path.lexists(dup)
    assert Path(group.keeper.path).read_bytes() == DATA
    trashed = home_trash() / "files" / "copy.jpg"
    assert trashed.read_bytes() == DATA
    assert trashinfo_paths() == {"copy.jpg": quote(dup)}
    outcome = outcome_of(report, dup)
    assert outcome.destination == str(trashed)
    [batch] = journal.batches()
    [record] = batch.files
    assert record.outcome == "trashed"
    assert record.destination == str(trashed)
    assert record.trash_info.endswith("copy.jpg.trashinfo")
    assert record.keeper == group.keeper.path
    assert record.group_id == 1
    assert record.content_hash == group.members[1].content_hash
    assert record.size == len(DATA)
    assert batch.finished


def test_same_name_twice_gets_distinct_trash_entries(tmp_path: Path, journal: Journal) -> None:
    g1 = identical_group(1, tmp_path / "a", ["keep.jpg", "x.jpg"], DATA)
    g2 = identical_group(2, tmp_path / "b", ["keep.jpg", "x.jpg"], DATA + b"2")
    plan = plan_in(tmp_path, [g1, g2], {g1.members[1].path, g2.members[1].path})
    report = run_trash(plan, journal=journal)
    assert report.count(OutcomeStatus.TRASHED) == 2
    dests = {o.destination for o in report.outcomes}
    assert dests == {str(home_trash() / "files" / "x.jpg"), str(home_trash() / "files" / "x 1.jpg")}
    for o in report.outcomes:
        assert trashinfo_paths()[Path(o.destination).name] == quote(o.path)


def test_read_only_folder_fails_that_file_and_the_batch_goes_on(
    tmp_path: Path, journal: Journal
) -> None:
    if not read_only_possible(tmp_path):
        pytest.skip("running as root without chattr +i: no real way to make a folder read-only")
    locked = identical_group(1, tmp_path / "locked", ["keep.jpg", "copy.jpg"], DATA)
    free = identical_group(2, tmp_path / "free", ["keep.jpg", "copy.jpg"], DATA + b"2")
    locked_dup, free_dup = locked.members[1].path, free.members[1].path
    plan = plan_in(tmp_path, [locked, free], {locked_dup, free_dup})
    with read_only_dir(tmp_path / "locked"):
        report = run_trash(plan, journal=journal)
    assert status_of(report, locked_dup) is OutcomeStatus.FAILED
    reason = outcome_of(report, locked_dup).reason
    assert reason.startswith("the trash refused it (")
    assert reason.endswith("left in place")
    assert Path(locked_dup).read_bytes() == DATA  # left in place, not deleted
    assert status_of(report, free_dup) is OutcomeStatus.TRASHED
    assert not report.ok
    assert report.failed == 1
    # No .trashinfo is left describing a file that never reached the trash.
    assert set(trashinfo_paths().values()) == {quote(free_dup)}
    records = {r.path: r for r in journal.batches()[-1].files}
    assert records[locked_dup].outcome == "failed"
    assert not records[locked_dup].interrupted


def test_unusable_trash_leaves_files_in_place(tmp_path: Path, journal: Journal) -> None:
    if not read_only_possible(tmp_path):
        pytest.skip("running as root without chattr +i: no real way to make the trash read-only")
    group = identical_group(1, tmp_path / "p", ["keep.jpg", "copy.jpg"], DATA)
    dup = group.members[1].path
    trash = home_trash()
    (trash / "files").mkdir(parents=True)
    (trash / "info").mkdir()
    with read_only_dir(trash / "info"):
        report = run_trash(plan_in(tmp_path, [group], {dup}), journal=journal)
    assert status_of(report, dup) is OutcomeStatus.FAILED
    assert Path(dup).read_bytes() == DATA
    assert list((trash / "files").iterdir()) == []


def test_hardlink_replaces_identical_copies(tmp_path: Path, journal: Journal) -> None:
    ident = identical_group(1, tmp_path / "i", ["keep.jpg", "copy.jpg"], DATA)
    similar = similar_group(2, tmp_path / "s", ["keep.jpg", "small.jpg"], b"px")
    dup, sim = ident.members[1].path, similar.members[1].path
    report = run_hardlink(plan_in(tmp_path, [ident, similar], {dup, sim}), journal=journal)
    assert status_of(report, dup) is OutcomeStatus.LINKED
    assert os.stat(dup).st_ino == os.stat(ident.keeper.path).st_ino
    assert Path(dup).read_bytes() == DATA
    assert report.freed_bytes == len(DATA)
    assert status_of(report, sim) is OutcomeStatus.SKIPPED
    assert "only identical files" in outcome_of(report, sim).reason
    assert os.stat(sim).st_ino != os.stat(similar.keeper.path).st_ino
    assert not list(tmp_path.rglob("*.tmp"))  # no temporary name left behind
    # Linking again: the copy now has a new mtime/inode, and is already linked anyway.
    again = run_hardlink(plan_in(tmp_path, [ident], {dup}), journal=journal)
    assert status_of(again, dup) is OutcomeStatus.SKIPPED


def test_move_keeps_layout_and_never_overwrites(tmp_path: Path, journal: Journal) -> None:
    root = tmp_path / "photos"
    g1 = identical_group(1, root, ["2020/keep.jpg", "2020/trip/copy.jpg"], DATA)
    g2 = identical_group(2, root, ["2021/keep.jpg", "2021/copy.jpg"], DATA + b"2")
    d1, d2 = g1.members[1].path, g2.members[1].path
    dest = tmp_path / "sorted"
    write(dest / "2021" / "copy.jpg", b"already here")

    report = run_move(
        plan_in(tmp_path, [g1, g2], {d1, d2}), str(dest), layout_root=str(root), journal=journal
    )

    assert status_of(report, d1) is OutcomeStatus.MOVED
    assert (dest / "2020" / "trip" / "copy.jpg").read_bytes() == DATA
    assert not os.path.exists(d1)
    assert status_of(report, d2) is OutcomeStatus.SKIPPED
    assert "not overwritten" in outcome_of(report, d2).reason
    assert (dest / "2021" / "copy.jpg").read_bytes() == b"already here"
    assert Path(d2).read_bytes() == DATA + b"2"

    undo = run_undo(journal)
    assert [(o.path, o.status) for o in undo.outcomes] == [(d1, OutcomeStatus.RESTORED)]
    assert Path(d1).read_bytes() == DATA
    assert not (dest / "2020" / "trip" / "copy.jpg").exists()


def test_move_default_layout_root_is_the_common_folder(tmp_path: Path, journal: Journal) -> None:
    g = identical_group(1, tmp_path / "p", ["keep.jpg", "a/x.jpg", "b/y.jpg"], DATA)
    plan = plan_in(tmp_path, [g], {g.members[1].path, g.members[2].path})
    report = run_move(plan, str(tmp_path / "out"), journal=journal, dry_run=True)
    assert {o.destination for o in report.outcomes} == {
        str(tmp_path / "out" / "a" / "x.jpg"),
        str(tmp_path / "out" / "b" / "y.jpg"),
    }
    assert not (tmp_path / "out").exists()


def test_move_never_escapes_the_destination(tmp_path: Path, journal: Journal) -> None:
    g = identical_group(1, tmp_path / "p", ["keep.jpg", "x.jpg"], DATA)
    dup = g.members[1].path
    out = tmp_path / "out"
    report = run_move(
        plan_in(tmp_path, [g], {dup}),
        str(out),
        layout_root=str(tmp_path / "elsewhere"),
        journal=journal,
    )
    assert status_of(report, dup) is OutcomeStatus.MOVED
    landed = Path(outcome_of(report, dup).destination)
    assert landed == out / dup.lstrip("/")
    assert landed.read_bytes() == DATA


def _separate_volume() -> Path | None:
    """A writable folder on another file system than the home folder (tmpfs /dev/shm)."""
    shm = Path("/dev/shm")
    try:
        if not os.access(shm, os.W_OK) or shm.stat().st_dev == Path.home().stat().st_dev:
            return None
    except OSError:
        return None
    return shm


def test_file_on_another_volume_goes_to_its_trash_and_comes_back(
    tmp_path: Path, journal: Journal
) -> None:
    volume = _separate_volume()
    if volume is None:
        pytest.skip("no writable file system other than the home folder's")
    volume_trash = volume / f".Trash-{os.getuid()}"
    existed = volume_trash.exists()
    work = volume / f"lookalike-test-{os.getpid()}-{tmp_path.name}"
    try:
        group = identical_group(1, work, ["keep.jpg", "copy.jpg"], DATA)
        dup = group.members[1].path
        report = run_trash(plan_in(work, [group], {dup}), journal=journal)
        assert status_of(report, dup) is OutcomeStatus.TRASHED
        landed = Path(outcome_of(report, dup).destination)
        assert landed.parent == volume_trash / "files"
        assert landed.read_bytes() == DATA
        assert not home_trash().exists()

        undo = run_undo(journal)
        assert status_of(undo, dup) is OutcomeStatus.RESTORED
        assert Path(dup).read_bytes() == DATA
        assert not landed.exists()
    finally:
        for entry in (volume_trash / "info").glob("*.trashinfo"):
            if str(work) in entry.read_text():
                name = entry.name[: -len(".trashinfo")]
                (volume_trash / "files" / name).unlink(missing_ok=True)
                entry.unlink()
        if not existed and volume_trash.exists():
            for sub in ("files", "info"):
                with contextlib.suppress(OSError):
                    (volume_trash / sub).rmdir()
            with contextlib.suppress(OSError):
                volume_trash.rmdir()
        shutil.rmtree(work, ignore_errors=True)


def test_move_to_another_volume_copies_then_removes(tmp_path: Path, journal: Journal) -> None:
    volume = _separate_volume()
    if volume is None:
        pytest.skip("no writable file system other than the home folder's")
    out = volume / f"lookalike-move-{os.getpid()}-{tmp_path.name}"
    try:
        g = identical_group(1, tmp_path / "p", ["keep.jpg", "sub/x.jpg"], DATA)
        dup = g.members[1].path
        report = run_move(
            plan_in(tmp_path, [g], {dup}),
            str(out),
            layout_root=str(tmp_path / "p"),
            journal=journal,
        )
        assert status_of(report, dup) is OutcomeStatus.MOVED
        assert (out / "sub" / "x.jpg").read_bytes() == DATA
        assert not os.path.exists(dup)
        assert [p.name for p in (out / "sub").iterdir()] == ["x.jpg"]  # no temporary copy left
        undo = run_undo(journal)
        assert status_of(undo, dup) is OutcomeStatus.RESTORED
        assert Path(dup).read_bytes() == DATA
    finally:
        shutil.rmtree(out, ignore_errors=True)


def test_a_name_that_is_not_utf8_is_trashed_journaled_and_restored(
    tmp_path: Path, journal: Journal
) -> None:
    # Issue 11 item 4: any name the system allows, here the bytes b"b\xc3(.jpg".
    group = identical_group(1, tmp_path, ["keep.jpg"], DATA)
    odd = write(Path(os.fsdecode(os.fsencode(tmp_path) + b"/b\xc3(.jpg")), DATA)
    group = Group(1, (group.keeper, member(odd, MatchKind.IDENTICAL)))
    report = run_trash(plan_in(tmp_path, [group], {str(odd)}), journal=journal)
    assert status_of(report, str(odd)) is OutcomeStatus.TRASHED
    assert not os.path.lexists(odd)
    assert [r.path for r in journal.batches()[-1].files] == [str(odd)]
    undo = run_undo(journal)
    assert status_of(undo, str(odd)) is OutcomeStatus.RESTORED
    assert odd.read_bytes() == DATA
    assert b"b\xc3(.jpg" in os.listdir(os.fsencode(tmp_path))
    assert trashinfo_paths() == {}
