"""The cleanup guarantees of issue 4, each against real files and the real freedesktop trash."""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest

from lookalike.core.cancel import CancelToken
from lookalike.core.journal import Journal
from lookalike.core.model import Group, MatchKind
from lookalike.core.trash import (
    Action,
    ConfirmationError,
    OutcomeStatus,
    RefusalReason,
    delete_permanently,
    execute,
    hardlink_duplicates,
    move_files,
    plan_removal,
    undo_last_batch,
)
from tests.core.cleanup_helpers import (
    home_trash,
    identical_group,
    member,
    read_only_dir,
    read_only_possible,
    similar_group,
    trashinfo_paths,
    write,
)

DATA = b"\xff\xd8 photo bytes " * 500


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    return Journal(tmp_path / "journal")


def _status(report: object, path: str) -> OutcomeStatus:
    outcomes = {o.path: o for o in report.outcomes}  # type: ignore[attr-defined]
    return outcomes[path].status


def _outcome(report: object, path: str) -> object:
    return {o.path: o for o in report.outcomes}[path]  # type: ignore[attr-defined]


# --- guarantee 1: the system trash -----------------------------------------------------------


def test_trashed_file_lands_in_the_freedesktop_trash_with_trashinfo(
    tmp_path: Path, journal: Journal
) -> None:
    group = identical_group(1, tmp_path / "photos", ["keep.jpg", "copy.jpg"], DATA)
    dup = group.members[1].path
    plan = plan_removal([group], {dup})
    assert plan.paths == (dup,)
    assert plan.total_bytes == len(DATA)

    report = execute(plan, journal=journal)

    assert report.count(OutcomeStatus.TRASHED) == 1
    assert report.ok
    assert report.freed_bytes == len(DATA)
    assert not os.path.lexists(dup)
    assert Path(group.keeper.path).read_bytes() == DATA
    trashed = home_trash() / "files" / "copy.jpg"
    assert trashed.read_bytes() == DATA
    assert trashinfo_paths() == {"copy.jpg": quote(dup)}
    outcome = _outcome(report, dup)
    assert outcome.destination == str(trashed)  # type: ignore[attr-defined]
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
    plan = plan_removal([g1, g2], {g1.members[1].path, g2.members[1].path})
    report = execute(plan, journal=journal)
    assert report.count(OutcomeStatus.TRASHED) == 2
    dests = {o.destination for o in report.outcomes}
    assert dests == {str(home_trash() / "files" / "x.jpg"), str(home_trash() / "files" / "x 1.jpg")}
    for o in report.outcomes:
        assert trashinfo_paths()[Path(o.destination).name] == quote(o.path)


# --- guarantee 2: never a whole group, never a reference file -------------------------------


def test_whole_group_is_refused_and_untouched(tmp_path: Path, journal: Journal) -> None:
    group = identical_group(1, tmp_path, ["a.jpg", "b.jpg", "c.jpg"], DATA)
    paths = {m.path for m in group.members}
    plan = plan_removal([group], paths)
    assert plan.files == ()
    assert {r.reason for r in plan.refused} == {RefusalReason.WHOLE_GROUP}
    report = execute(plan, journal=journal)
    assert report.count(OutcomeStatus.SKIPPED) == 3
    assert {o.reason for o in report.outcomes} == {"would remove every copy of this picture"}
    assert all(os.path.exists(p) for p in paths)


def test_reference_files_and_keepers_are_refused(tmp_path: Path, journal: Journal) -> None:
    names = ["keep.jpg", "ref.jpg", "dup.jpg", "stays.jpg"]
    group = identical_group(1, tmp_path / "g", names, DATA, reference=1)
    ref_root = tmp_path / "archive"
    in_ref_root = identical_group(2, tmp_path, ["k2.jpg", "archive/d2.jpg"], DATA + b"x")
    keeper, ref, dup, _ = (m.path for m in group.members)
    d2 = in_ref_root.members[1].path
    plan = plan_removal(
        [group, in_ref_root],
        {keeper, ref, dup, d2, "/nowhere.jpg"},
        reference_roots=[str(ref_root)],
    )
    reasons = {r.path: r.reason for r in plan.refused}
    assert reasons == {
        keeper: RefusalReason.KEEPER,
        ref: RefusalReason.REFERENCE,
        d2: RefusalReason.REFERENCE,
        "/nowhere.jpg": RefusalReason.NOT_IN_GROUP,
    }
    assert plan.paths == (dup,)
    report = execute(plan, journal=journal)
    assert _status(report, dup) is OutcomeStatus.TRASHED
    assert _outcome(report, ref).reason == "is in a reference folder"  # type: ignore[attr-defined]
    assert all(os.path.exists(p) for p in (keeper, ref, d2))


def test_whole_group_refused_even_when_a_reference_member_is_selected(tmp_path: Path) -> None:
    group = identical_group(1, tmp_path, ["a.jpg", "b.jpg"], DATA, reference=1)
    plan = plan_removal([group], {m.path for m in group.members})
    assert plan.files == ()
    assert {r.reason for r in plan.refused} == {RefusalReason.WHOLE_GROUP}


# --- guarantee 3: re-checks just before acting ----------------------------------------------


def test_file_modified_after_the_scan_is_skipped(tmp_path: Path, journal: Journal) -> None:
    group = identical_group(1, tmp_path, ["keep.jpg", "grown.jpg", "touched.jpg"], DATA)
    _, grown, touched = (m.path for m in group.members)
    Path(grown).write_bytes(DATA + b"more")
    os.utime(touched, ns=(1_000_000_000, 1_000_000_000))
    report = execute(plan_removal([group], {grown, touched}), journal=journal)
    assert _outcome(report, grown).reason == (  # type: ignore[attr-defined]
        f"changed since the scan (size {len(DATA)} → {len(DATA) + 4} bytes)"
    )
    assert _outcome(report, touched).reason.startswith(  # type: ignore[attr-defined]
        "changed since the scan (modified"
    )
    assert report.count(OutcomeStatus.SKIPPED) == 2
    assert report.ok
    assert os.path.exists(grown)
    assert os.path.exists(touched)
    assert not (home_trash() / "files").exists()


def test_file_deleted_after_the_scan_is_skipped(tmp_path: Path, journal: Journal) -> None:
    group = identical_group(1, tmp_path, ["keep.jpg", "gone.jpg"], DATA)
    os.unlink(group.members[1].path)
    report = execute(plan_removal([group], {group.members[1].path}), journal=journal)
    assert _outcome(report, group.members[1].path).reason == "no longer exists"  # type: ignore[attr-defined]


def test_keeper_deleted_after_the_scan_skips_its_duplicates(
    tmp_path: Path, journal: Journal
) -> None:
    group = similar_group(1, tmp_path, ["keep.jpg", "small.jpg"], b"pixels")
    os.unlink(group.keeper.path)
    dup = group.members[1].path
    report = execute(plan_removal([group], {dup}), journal=journal)
    assert _status(report, dup) is OutcomeStatus.SKIPPED
    assert _outcome(report, dup).reason == f"its keeper {group.keeper.path} no longer exists"  # type: ignore[attr-defined]
    assert os.path.exists(dup)


def test_identical_group_whose_keeper_content_changed_is_skipped(
    tmp_path: Path, journal: Journal
) -> None:
    group = identical_group(1, tmp_path, ["keep.jpg", "copy.jpg"], DATA)
    keeper, dup = group.keeper.path, group.members[1].path
    # Same size, same mtime, different bytes: only the content hash can tell.
    st = os.stat(keeper)
    Path(keeper).write_bytes(DATA[:-1] + b"!")
    os.utime(keeper, ns=(st.st_atime_ns, st.st_mtime_ns))
    report = execute(plan_removal([group], {dup}), journal=journal)
    assert _status(report, dup) is OutcomeStatus.SKIPPED
    assert "its keeper" in _outcome(report, dup).reason  # type: ignore[attr-defined]
    assert "content no longer matches" in _outcome(report, dup).reason  # type: ignore[attr-defined]
    assert os.path.exists(dup)


def test_identical_copy_whose_own_content_changed_is_skipped(
    tmp_path: Path, journal: Journal
) -> None:
    group = identical_group(1, tmp_path, ["keep.jpg", "copy.jpg"], DATA)
    dup = group.members[1].path
    st = os.stat(dup)
    Path(dup).write_bytes(b"?" + DATA[1:])
    os.utime(dup, ns=(st.st_atime_ns, st.st_mtime_ns))
    report = execute(plan_removal([group], {dup}), journal=journal)
    assert (
        _outcome(report, dup).reason
        == f"its content no longer matches its keeper {group.keeper.path}"
    )  # type: ignore[attr-defined]
    assert os.path.exists(dup)


# --- guarantees 5 and 6: failures are reported, never fatal, never a silent delete ----------


def test_read_only_folder_fails_that_file_and_the_batch_goes_on(
    tmp_path: Path, journal: Journal
) -> None:
    if not read_only_possible(tmp_path):
        pytest.skip("running as root without chattr +i: no real way to make a folder read-only")
    locked = identical_group(1, tmp_path / "locked", ["keep.jpg", "copy.jpg"], DATA)
    free = identical_group(2, tmp_path / "free", ["keep.jpg", "copy.jpg"], DATA + b"2")
    locked_dup, free_dup = locked.members[1].path, free.members[1].path
    plan = plan_removal([locked, free], {locked_dup, free_dup})
    with read_only_dir(tmp_path / "locked"):
        report = execute(plan, journal=journal)
    assert _status(report, locked_dup) is OutcomeStatus.FAILED
    reason = _outcome(report, locked_dup).reason  # type: ignore[attr-defined]
    assert reason.startswith("the trash refused it (")
    assert reason.endswith("left in place")
    assert Path(locked_dup).read_bytes() == DATA  # left in place, not deleted
    assert _status(report, free_dup) is OutcomeStatus.TRASHED
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
        report = execute(plan_removal([group], {dup}), journal=journal)
    assert _status(report, dup) is OutcomeStatus.FAILED
    assert Path(dup).read_bytes() == DATA
    assert list((trash / "files").iterdir()) == []


# --- guarantee 4: an interrupted batch leaves a true journal -------------------------------


def test_interrupted_batch_leaves_a_true_journal(tmp_path: Path, journal: Journal) -> None:
    groups = [
        identical_group(i, tmp_path / f"g{i}", ["keep.jpg", "copy.jpg"], DATA + bytes([i]))
        for i in range(4)
    ]
    dups = [g.members[1].path for g in groups]
    plan = plan_removal(groups, set(dups))

    def interrupt_on_third(done: int, total: int, path: str) -> None:
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        execute(plan, journal=journal, progress=interrupt_on_third)

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
    groups = [
        identical_group(i, tmp_path / f"g{i}", ["keep.jpg", "copy.jpg"], DATA + bytes([i]))
        for i in range(4)
    ]
    dups = [g.members[1].path for g in groups]
    token = CancelToken()
    seen: list[tuple[int, int, str]] = []

    def cancel_after_second(done: int, total: int, path: str) -> None:
        seen.append((done, total, path))
        if done == 1:
            token.cancel()

    report = execute(
        plan_removal(groups, set(dups)), journal=journal, cancel=token, progress=cancel_after_second
    )
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


# --- dry run ---------------------------------------------------------------------------------


def test_dry_run_changes_nothing(tmp_path: Path, journal: Journal) -> None:
    group = identical_group(1, tmp_path, ["keep.jpg", "a.jpg", "b.jpg"], DATA)
    gone = group.members[2].path
    os.unlink(gone)
    dup = group.members[1].path
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    report = execute(plan_removal([group], {dup, gone}), journal=journal, dry_run=True)
    assert report.dry_run
    assert _status(report, dup) is OutcomeStatus.PLANNED
    assert _outcome(report, dup).reason == "would move to the trash"  # type: ignore[attr-defined]
    assert _outcome(report, gone).reason == "no longer exists"  # type: ignore[attr-defined]
    assert report.freed_bytes == len(DATA)
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before
    assert not home_trash().exists()
    assert not journal.path.exists()


# --- guarantee 7: undo ------------------------------------------------------------------------


def test_undo_restores_exact_bytes_and_paths(tmp_path: Path, journal: Journal) -> None:
    groups = [
        identical_group(i, tmp_path / f"deep/g{i}", ["keep.jpg", "copy.jpg"], DATA + bytes([i]))
        for i in range(3)
    ]
    dups = {g.members[1].path: Path(g.members[1].path).read_bytes() for g in groups}
    report = execute(plan_removal(groups, set(dups)), journal=journal)
    assert report.count(OutcomeStatus.TRASHED) == 3
    undo = undo_last_batch(journal)
    assert undo.action is Action.RESTORE
    assert undo.count(OutcomeStatus.RESTORED) == 3
    for path, data in dups.items():
        assert Path(path).read_bytes() == data
    assert list((home_trash() / "files").iterdir()) == []
    assert trashinfo_paths() == {}
    # Nothing left to undo: the trash batch is fully restored.
    again = undo_last_batch(journal)
    assert again.outcomes == ()
    assert again.message == "There is nothing to undo."


def test_undo_recreates_a_removed_folder(tmp_path: Path, journal: Journal) -> None:
    group = identical_group(1, tmp_path, ["keep.jpg", "sub/copy.jpg"], DATA)
    dup = group.members[1].path
    execute(plan_removal([group], {dup}), journal=journal)
    os.rmdir(tmp_path / "sub")
    undo = undo_last_batch(journal)
    assert undo.count(OutcomeStatus.RESTORED) == 1
    assert Path(dup).read_bytes() == DATA


def test_undo_never_overwrites_and_can_finish_later(tmp_path: Path, journal: Journal) -> None:
    g1 = identical_group(1, tmp_path / "a", ["keep.jpg", "copy.jpg"], DATA)
    g2 = identical_group(2, tmp_path / "b", ["keep.jpg", "copy.jpg"], DATA + b"2")
    d1, d2 = g1.members[1].path, g2.members[1].path
    execute(plan_removal([g1, g2], {d1, d2}), journal=journal)
    write(Path(d1), b"a new file took its place")

    undo = undo_last_batch(journal)
    assert _status(undo, d1) is OutcomeStatus.SKIPPED
    assert "not overwritten" in _outcome(undo, d1).reason  # type: ignore[attr-defined]
    assert Path(d1).read_bytes() == b"a new file took its place"
    assert _status(undo, d2) is OutcomeStatus.RESTORED
    assert Path(d2).read_bytes() == DATA + b"2"

    os.unlink(d1)
    later = undo_last_batch(journal)
    assert [(o.path, o.status) for o in later.outcomes] == [(d1, OutcomeStatus.RESTORED)]
    assert Path(d1).read_bytes() == DATA


def test_undo_finds_the_file_by_trashinfo_when_the_journal_lacks_the_location(
    tmp_path: Path, journal: Journal
) -> None:
    group = identical_group(1, tmp_path, ["keep.jpg", "copy.jpg"], DATA)
    dup = group.members[1].path
    execute(plan_removal([group], {dup}), journal=journal)
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
    undo = undo_last_batch(journal)
    assert _status(undo, dup) is OutcomeStatus.RESTORED
    assert Path(dup).read_bytes() == DATA
    assert not other.exists()


# --- other actions ----------------------------------------------------------------------------


def test_hardlink_replaces_identical_copies(tmp_path: Path, journal: Journal) -> None:
    ident = identical_group(1, tmp_path / "i", ["keep.jpg", "copy.jpg"], DATA)
    similar = similar_group(2, tmp_path / "s", ["keep.jpg", "small.jpg"], b"px")
    dup, sim = ident.members[1].path, similar.members[1].path
    report = hardlink_duplicates(plan_removal([ident, similar], {dup, sim}), journal=journal)
    assert _status(report, dup) is OutcomeStatus.LINKED
    assert os.stat(dup).st_ino == os.stat(ident.keeper.path).st_ino
    assert Path(dup).read_bytes() == DATA
    assert report.freed_bytes == len(DATA)
    assert _status(report, sim) is OutcomeStatus.SKIPPED
    assert "only identical files" in _outcome(report, sim).reason  # type: ignore[attr-defined]
    assert os.stat(sim).st_ino != os.stat(similar.keeper.path).st_ino
    assert not list(tmp_path.rglob("*.tmp"))  # no temporary name left behind
    # Linking again: the copy now has a new mtime/inode, and is already linked anyway.
    again = hardlink_duplicates(plan_removal([ident], {dup}), journal=journal)
    assert _status(again, dup) is OutcomeStatus.SKIPPED


def test_move_keeps_layout_and_never_overwrites(tmp_path: Path, journal: Journal) -> None:
    root = tmp_path / "photos"
    g1 = identical_group(1, root, ["2020/keep.jpg", "2020/trip/copy.jpg"], DATA)
    g2 = identical_group(2, root, ["2021/keep.jpg", "2021/copy.jpg"], DATA + b"2")
    d1, d2 = g1.members[1].path, g2.members[1].path
    dest = tmp_path / "sorted"
    write(dest / "2021" / "copy.jpg", b"already here")

    report = move_files(
        plan_removal([g1, g2], {d1, d2}), str(dest), layout_root=str(root), journal=journal
    )

    assert _status(report, d1) is OutcomeStatus.MOVED
    assert (dest / "2020" / "trip" / "copy.jpg").read_bytes() == DATA
    assert not os.path.exists(d1)
    assert _status(report, d2) is OutcomeStatus.SKIPPED
    assert "not overwritten" in _outcome(report, d2).reason  # type: ignore[attr-defined]
    assert (dest / "2021" / "copy.jpg").read_bytes() == b"already here"
    assert Path(d2).read_bytes() == DATA + b"2"

    undo = undo_last_batch(journal)
    assert [(o.path, o.status) for o in undo.outcomes] == [(d1, OutcomeStatus.RESTORED)]
    assert Path(d1).read_bytes() == DATA
    assert not (dest / "2020" / "trip" / "copy.jpg").exists()


def test_move_default_layout_root_is_the_common_folder(tmp_path: Path, journal: Journal) -> None:
    g = identical_group(1, tmp_path / "p", ["keep.jpg", "a/x.jpg", "b/y.jpg"], DATA)
    plan = plan_removal([g], {g.members[1].path, g.members[2].path})
    report = move_files(plan, str(tmp_path / "out"), journal=journal, dry_run=True)
    assert {o.destination for o in report.outcomes} == {
        str(tmp_path / "out" / "a" / "x.jpg"),
        str(tmp_path / "out" / "b" / "y.jpg"),
    }
    assert not (tmp_path / "out").exists()


def test_permanent_delete_needs_an_exact_confirmation(tmp_path: Path, journal: Journal) -> None:
    group = identical_group(1, tmp_path, ["keep.jpg", "a.jpg", "b.jpg"], DATA)
    keeper, a, b = (m.path for m in group.members)
    plan = plan_removal([group], {a, b})
    with pytest.raises(ConfirmationError):
        delete_permanently([a, b], confirmed_paths=[a], plan=plan, journal=journal)
    with pytest.raises(ConfirmationError):
        delete_permanently([keeper], confirmed_paths=[keeper], plan=plan, journal=journal)
    with pytest.raises(ConfirmationError):
        delete_permanently([], confirmed_paths=[], plan=plan, journal=journal)
    assert all(os.path.exists(p) for p in (keeper, a, b))
    with pytest.raises(ValueError, match="delete_permanently"):
        execute(plan, Action.DELETE, journal=journal)

    report = delete_permanently([a], confirmed_paths=[a], plan=plan, journal=journal)
    assert _status(report, a) is OutcomeStatus.DELETED
    assert not os.path.exists(a)
    assert os.path.exists(b)
    assert os.path.exists(keeper)
    assert not home_trash().exists()
    assert journal.batches()[-1].files[0].outcome == "deleted"


def test_a_file_in_two_groups_is_acted_on_once(tmp_path: Path, journal: Journal) -> None:
    group = identical_group(1, tmp_path, ["keep.jpg", "copy.jpg"], DATA)
    twin = Group(2, (member(tmp_path / "keep.jpg", MatchKind.KEEPER), group.members[1]))
    plan = plan_removal([group, twin], {group.members[1].path})
    assert plan.paths == (group.members[1].path,)


def test_move_never_escapes_the_destination(tmp_path: Path, journal: Journal) -> None:
    g = identical_group(1, tmp_path / "p", ["keep.jpg", "x.jpg"], DATA)
    dup = g.members[1].path
    out = tmp_path / "out"
    report = move_files(
        plan_removal([g], {dup}), str(out), layout_root=str(tmp_path / "elsewhere"), journal=journal
    )
    assert _status(report, dup) is OutcomeStatus.MOVED
    landed = Path(_outcome(report, dup).destination)  # type: ignore[attr-defined]
    assert landed == out / dup.lstrip("/")
    assert landed.read_bytes() == DATA


@pytest.mark.parametrize(("platform", "where"), [("win32", "Recycle Bin"), ("darwin", "Trash")])
def test_undo_elsewhere_says_where_the_files_are(
    tmp_path: Path, journal: Journal, monkeypatch: pytest.MonkeyPatch, platform: str, where: str
) -> None:
    g = identical_group(1, tmp_path, ["keep.jpg", "x.jpg"], DATA)
    dup = g.members[1].path
    execute(plan_removal([g], {dup}), journal=journal)
    monkeypatch.setattr("sys.platform", platform)
    undo = undo_last_batch(journal)
    assert where in undo.message
    assert "1 file(s)" in undo.message
    assert _status(undo, dup) is OutcomeStatus.SKIPPED
    assert not os.path.exists(dup)


def test_keeper_replaced_by_a_symlink_to_the_copy_is_caught(
    tmp_path: Path, journal: Journal
) -> None:
    group = similar_group(1, tmp_path, ["keep.jpg", "copy.jpg"], b"px")
    keeper, dup = group.keeper.path, group.members[1].path
    os.unlink(keeper)
    os.symlink(dup, keeper)
    report = execute(plan_removal([group], {dup}), journal=journal)
    assert _outcome(report, dup).reason == f"its keeper {keeper} is a link to this very file"  # type: ignore[attr-defined]
    assert os.path.exists(dup)


def test_undo_also_restores_a_file_whose_after_line_was_never_written(
    tmp_path: Path, journal: Journal
) -> None:
    groups = [
        identical_group(i, tmp_path / f"g{i}", ["keep.jpg", "copy.jpg"], DATA + bytes([i]))
        for i in range(2)
    ]
    dups = [g.members[1].path for g in groups]
    execute(plan_removal(groups, set(dups)), journal=journal)
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

    undo = undo_last_batch(journal)
    assert undo.count(OutcomeStatus.RESTORED) == 2
    for i, d in enumerate(dups):
        assert Path(d).read_bytes() == DATA + bytes([i])


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
        report = execute(plan_removal([group], {dup}), journal=journal)
        assert _status(report, dup) is OutcomeStatus.TRASHED
        landed = Path(_outcome(report, dup).destination)  # type: ignore[attr-defined]
        assert landed.parent == volume_trash / "files"
        assert landed.read_bytes() == DATA
        assert not home_trash().exists()

        undo = undo_last_batch(journal)
        assert _status(undo, dup) is OutcomeStatus.RESTORED
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
        report = move_files(
            plan_removal([g], {dup}), str(out), layout_root=str(tmp_path / "p"), journal=journal
        )
        assert _status(report, dup) is OutcomeStatus.MOVED
        assert (out / "sub" / "x.jpg").read_bytes() == DATA
        assert not os.path.exists(dup)
        assert [p.name for p in (out / "sub").iterdir()] == ["x.jpg"]  # no temporary copy left
        undo = undo_last_batch(journal)
        assert _status(undo, dup) is OutcomeStatus.RESTORED
        assert Path(dup).read_bytes() == DATA
    finally:
        shutil.rmtree(out, ignore_errors=True)
