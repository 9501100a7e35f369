"""The last-moment checks: a file that changed since the scan, or whose keeper changed, is
skipped with the reason, and a similar member can be proven again to show its keeper's picture."""

from __future__ import annotations

import os
from pathlib import Path

from send2trash import send2trash

from lookalike.core.cleanup.checks import LastMomentChecks, os_reason
from lookalike.core.cleanup.events import OutcomeStatus
from lookalike.core.cleanup.journal import Journal
from lookalike.core.model import Member
from tests.core.cleanup.helpers import (
    home_trash,
    identical_group,
    outcome_of,
    plan_in,
    run_trash,
    similar_group,
    status_of,
    write,
)

DATA = b"\xff\xd8 photo bytes " * 500


def test_file_modified_after_the_scan_is_skipped(tmp_path: Path, journal: Journal) -> None:
    group = identical_group(1, tmp_path, ["keep.jpg", "grown.jpg", "touched.jpg"], DATA)
    _, grown, touched = (m.path for m in group.members)
    Path(grown).write_bytes(DATA + b"more")
    os.utime(touched, ns=(1_000_000_000, 1_000_000_000))
    report = run_trash(plan_in(tmp_path, [group], {grown, touched}), journal=journal)
    assert outcome_of(report, grown).reason == (
        f"changed since the scan (size {len(DATA)} → {len(DATA) + 4} bytes)"
    )
    assert outcome_of(report, touched).reason.startswith("changed since the scan (modified")
    assert report.count(OutcomeStatus.SKIPPED) == 2
    assert report.ok
    assert os.path.exists(grown)
    assert os.path.exists(touched)
    assert not (home_trash() / "files").exists()


def test_file_deleted_after_the_scan_is_skipped(tmp_path: Path, journal: Journal) -> None:
    group = identical_group(1, tmp_path, ["keep.jpg", "gone.jpg"], DATA)
    os.unlink(group.members[1].path)
    report = run_trash(plan_in(tmp_path, [group], {group.members[1].path}), journal=journal)
    assert outcome_of(report, group.members[1].path).reason == "no longer exists"


def test_keeper_deleted_after_the_scan_skips_its_duplicates(
    tmp_path: Path, journal: Journal
) -> None:
    group = similar_group(1, tmp_path, ["keep.jpg", "small.jpg"], b"pixels")
    os.unlink(group.keeper.path)
    dup = group.members[1].path
    report = run_trash(plan_in(tmp_path, [group], {dup}), journal=journal)
    assert status_of(report, dup) is OutcomeStatus.SKIPPED
    assert outcome_of(report, dup).reason == f"its keeper {group.keeper.path} no longer exists"
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
    report = run_trash(plan_in(tmp_path, [group], {dup}), journal=journal)
    assert status_of(report, dup) is OutcomeStatus.SKIPPED
    assert "its keeper" in outcome_of(report, dup).reason
    assert "content no longer matches" in outcome_of(report, dup).reason
    assert os.path.exists(dup)


def test_identical_copy_whose_own_content_changed_is_skipped(
    tmp_path: Path, journal: Journal
) -> None:
    group = identical_group(1, tmp_path, ["keep.jpg", "copy.jpg"], DATA)
    dup = group.members[1].path
    st = os.stat(dup)
    Path(dup).write_bytes(b"?" + DATA[1:])
    os.utime(dup, ns=(st.st_atime_ns, st.st_mtime_ns))
    report = run_trash(plan_in(tmp_path, [group], {dup}), journal=journal)
    assert (
        outcome_of(report, dup).reason
        == f"its content no longer matches its keeper {group.keeper.path}"
    )
    assert os.path.exists(dup)


def test_keeper_replaced_by_a_symlink_to_the_copy_is_caught(
    tmp_path: Path, journal: Journal
) -> None:
    group = similar_group(1, tmp_path, ["keep.jpg", "copy.jpg"], b"px")
    keeper, dup = group.keeper.path, group.members[1].path
    os.unlink(keeper)
    os.symlink(dup, keeper)
    report = run_trash(plan_in(tmp_path, [group], {dup}), journal=journal)
    assert outcome_of(report, dup).reason == f"its keeper {keeper} is a link to this very file"
    assert os.path.exists(dup)


def test_keeper_overwritten_after_the_scan_skips_its_similar_copy(
    tmp_path: Path, journal: Journal
) -> None:
    # Issue 11 item 8: another photo saved over the keeper (new size, new time) after the scan.
    group = similar_group(1, tmp_path, ["keep.jpg", "small.jpg"], b"pixels")
    keeper, dup = group.keeper.path, group.members[1].path
    Path(keeper).write_bytes(b"a different photo altogether")
    report = run_trash(plan_in(tmp_path, [group], {dup}), journal=journal)
    assert status_of(report, dup) is OutcomeStatus.SKIPPED
    assert outcome_of(report, dup).reason == (
        f"its keeper {keeper} changed since the scan "
        f"(size {group.keeper.size} → {len(b'a different photo altogether')} bytes)"
    )
    assert Path(dup).read_bytes() == b"pixels" * 3
    assert not (home_trash() / "files").exists()


def test_keeper_touched_after_the_scan_skips_its_copy(tmp_path: Path, journal: Journal) -> None:
    group = similar_group(1, tmp_path, ["keep.jpg", "small.jpg"], b"pixels")
    keeper, dup = group.keeper.path, group.members[1].path
    # Same size, same first bytes, another modification time: edited in place.
    os.utime(keeper, ns=(2_000_000_000 * 10**9, 2_000_000_000 * 10**9))
    report = run_trash(plan_in(tmp_path, [group], {dup}), journal=journal)
    assert outcome_of(report, dup).reason.startswith(
        f"its keeper {keeper} changed since the scan (modified "
    )
    assert os.path.exists(dup)


def test_keeper_that_is_a_link_to_another_file_stops_its_copy(
    tmp_path: Path, journal: Journal
) -> None:
    group = similar_group(1, tmp_path, ["keep.jpg", "small.jpg"], b"px")
    keeper, dup = group.keeper.path, group.members[1].path
    elsewhere = write(tmp_path / "moved" / "keep.jpg", Path(keeper).read_bytes())
    os.unlink(keeper)
    os.symlink(elsewhere, keeper)
    report = run_trash(plan_in(tmp_path, [group], {dup}), journal=journal)
    assert outcome_of(report, dup).reason == f"its keeper {keeper} is a link, not a file"
    assert os.path.exists(dup)


def test_member_replaced_by_a_link_or_a_fifo_is_skipped(tmp_path: Path, journal: Journal) -> None:
    group = identical_group(1, tmp_path, ["keep.jpg", "link.jpg", "pipe.jpg"], DATA)
    keeper, link, pipe = (m.path for m in group.members)
    os.unlink(link)
    os.symlink(keeper, link)
    os.unlink(pipe)
    os.mkfifo(pipe)  # would block for ever if anything opened it to hash it
    report = run_trash(plan_in(tmp_path, [group], {link, pipe}), journal=journal)
    assert outcome_of(report, link).reason == "is a link, not a file"
    assert outcome_of(report, pipe).reason == "is no longer a regular file"
    assert os.path.islink(link)
    assert Path(keeper).read_bytes() == DATA


def test_a_file_outside_the_checked_roots_is_never_acted_on(tmp_path: Path) -> None:
    group = identical_group(1, tmp_path / "photos", ["keep.jpg", "copy.jpg"], DATA)
    [item] = plan_in(tmp_path, [group], {group.members[1].path}).files
    assert LastMomentChecks([str(tmp_path / "photos")]).problem(item) is None
    checks = LastMomentChecks([str(tmp_path / "other")])
    assert checks.problem(item) == "is outside the scanned folders"


class _SeedReverifier:
    """A real re-verification for the files ``similar_group`` writes (a seed repeated a number
    of times): both files must still be made of the seed the keeper is made of."""

    def __init__(self, seed: bytes) -> None:
        self.seed = seed
        self.pairs: list[tuple[str, str]] = []

    def __call__(self, keeper: Member, member: Member) -> bool:
        self.pairs.append((keeper.path, member.path))
        data = Path(member.path).read_bytes()
        return Path(keeper.path).read_bytes().startswith(self.seed) and data == self.seed * (
            len(data) // len(self.seed)
        )


def test_a_similar_copy_is_verified_again_just_before_it_goes(
    tmp_path: Path, journal: Journal
) -> None:
    similar = similar_group(1, tmp_path / "s", ["keep.jpg", "same.jpg", "edited.jpg"], b"px")
    identical = identical_group(2, tmp_path / "i", ["keep.jpg", "copy.jpg"], DATA)
    keeper, same, edited = (m.path for m in similar.members)
    # Rewritten in place with other content of the same size and time: only a re-verification
    # can tell.
    st = os.stat(edited)
    Path(edited).write_bytes(b"qz" * (st.st_size // 2))
    os.utime(edited, ns=(st.st_atime_ns, st.st_mtime_ns))
    reverify = _SeedReverifier(b"px")
    selected = {same, edited, identical.members[1].path}
    report = run_trash(
        plan_in(tmp_path, [similar, identical], selected), journal=journal, reverify=reverify
    )
    assert status_of(report, same) is OutcomeStatus.TRASHED
    assert status_of(report, edited) is OutcomeStatus.SKIPPED
    assert outcome_of(report, edited).reason == (
        f"no longer shows the same picture as its keeper {keeper}"
    )
    assert os.path.exists(edited)
    # Called for the similar members only; identical copies are proven by their content hash.
    assert reverify.pairs == [(keeper, same), (keeper, edited)]
    assert status_of(report, identical.members[1].path) is OutcomeStatus.TRASHED


def test_a_reverifier_that_cannot_read_skips_with_the_reason(
    tmp_path: Path, journal: Journal
) -> None:
    group = similar_group(1, tmp_path, ["keep.jpg", "small.jpg"], b"px")
    dup = group.members[1].path

    def unreadable(keeper: Member, member: Member) -> bool:
        return bool(Path(member.path).with_suffix(".gone").read_bytes())

    report = run_trash(plan_in(tmp_path, [group], {dup}), journal=journal, reverify=unreadable)
    assert outcome_of(report, dup).reason == (
        "could not be compared with its keeper again (no such file or directory)"
    )
    assert os.path.exists(dup)


def test_an_error_text_keeps_the_case_of_the_path_it_names(tmp_path: Path) -> None:
    missing = tmp_path / "Holiday Photos" / "IMG_0001.JPG"
    try:
        send2trash(str(missing))  # the real library's error, which names the path
    except OSError as exc:
        reason = os_reason(exc)
    assert reason == f"file not found: {missing}"
    assert os_reason(PermissionError(13, "Permission denied")) == "permission denied"
    assert os_reason(OSError(28, "ENOSPC on /Volumes/Card")) == "ENOSPC on /Volumes/Card"
