"""The plan's rules, which no window or command line can bypass: never a whole group, never a
keeper or a reference file, only verified members, only files inside the scanned folders."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from lookalike.core.cleanup.events import OutcomeStatus
from lookalike.core.cleanup.journal import Journal
from lookalike.core.cleanup.plan import RefusalReason, plan_cleanup, plan_from_result
from lookalike.core.model import Group, MatchKind, ScanMode, ScanResult, Sensitivity
from tests.core.cleanup.helpers import (
    identical_group,
    member,
    outcome_of,
    plan_in,
    run_trash,
    similar_group,
    status_of,
    write,
)

DATA = b"\xff\xd8 photo bytes " * 500


def test_whole_group_is_refused_and_untouched(tmp_path: Path, journal: Journal) -> None:
    group = identical_group(1, tmp_path, ["a.jpg", "b.jpg", "c.jpg"], DATA)
    paths = {m.path for m in group.members}
    plan = plan_in(tmp_path, [group], paths)
    assert plan.files == ()
    assert {r.reason for r in plan.refused} == {RefusalReason.WHOLE_GROUP}
    report = run_trash(plan, journal=journal)
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
    plan = plan_in(
        tmp_path,
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
    report = run_trash(plan, journal=journal)
    assert status_of(report, dup) is OutcomeStatus.TRASHED
    assert outcome_of(report, ref).reason == "is in a reference folder"
    assert all(os.path.exists(p) for p in (keeper, ref, d2))


def test_whole_group_refused_even_when_a_reference_member_is_selected(tmp_path: Path) -> None:
    group = identical_group(1, tmp_path, ["a.jpg", "b.jpg"], DATA, reference=1)
    plan = plan_in(tmp_path, [group], {m.path for m in group.members})
    assert plan.files == ()
    assert {r.reason for r in plan.refused} == {RefusalReason.WHOLE_GROUP}


def test_a_file_in_two_groups_is_acted_on_once(tmp_path: Path, journal: Journal) -> None:
    group = identical_group(1, tmp_path, ["keep.jpg", "copy.jpg"], DATA)
    twin = Group(2, (member(tmp_path / "keep.jpg", MatchKind.KEEPER), group.members[1]))
    plan = plan_in(tmp_path, [group, twin], {group.members[1].path})
    assert plan.paths == (group.members[1].path,)


def test_files_outside_the_scanned_folders_are_refused(tmp_path: Path) -> None:
    scanned = tmp_path / "photos"
    inside = identical_group(1, scanned, ["keep.jpg", "copy.jpg"], DATA)
    # A keeper inside, copies outside: by name, by "..", and in a folder whose name only
    # starts with the root's.
    keeper = identical_group(2, scanned, ["keep2.jpg"], DATA + b"2").keeper
    elsewhere = member(write(tmp_path / "elsewhere" / "x.jpg", DATA + b"2"))
    prefixed = member(write(tmp_path / "photos-old" / "x.jpg", DATA + b"2"))
    dotted = dataclasses.replace(elsewhere, path=f"{scanned}/../elsewhere/y.jpg")
    outside = Group(2, (keeper, elsewhere, prefixed, dotted))
    selected = {inside.members[1].path, *(m.path for m in outside.duplicates)}
    plan = plan_cleanup([inside, outside], selected, roots=[str(scanned)])
    assert plan.paths == (inside.members[1].path,)
    reasons = {r.path: r.reason for r in plan.refused}
    assert reasons == {
        elsewhere.path: RefusalReason.OUTSIDE_ROOTS,
        prefixed.path: RefusalReason.OUTSIDE_ROOTS,
        str(tmp_path / "elsewhere" / "y.jpg"): RefusalReason.OUTSIDE_ROOTS,
    }
    assert plan.refusal_counts() == {RefusalReason.OUTSIDE_ROOTS: 3}
    assert plan.roots == (str(scanned),)
    assert RefusalReason.OUTSIDE_ROOTS.value == "is outside the scanned folders"


def test_no_roots_means_nothing_is_planned(tmp_path: Path) -> None:
    group = identical_group(1, tmp_path, ["keep.jpg", "copy.jpg"], DATA)
    plan = plan_cleanup([group], {group.members[1].path}, roots=[])
    assert plan.files == ()
    assert [r.reason for r in plan.refused] == [RefusalReason.OUTSIDE_ROOTS]


def test_only_verified_members_are_planned(tmp_path: Path) -> None:
    group = similar_group(1, tmp_path, ["keep.jpg", "a.jpg", "b.jpg"], b"px")
    # A second "keeper" in a group (a hand-edited result file) was never verified against the
    # real keeper.
    unverified = dataclasses.replace(group.members[2], match=MatchKind.KEEPER)
    group = Group(1, (*group.members[:2], unverified))
    plan = plan_in(tmp_path, [group], {group.members[1].path, unverified.path})
    assert plan.paths == (group.members[1].path,)
    assert [(r.path, r.reason) for r in plan.refused] == [
        (unverified.path, RefusalReason.NOT_VERIFIED)
    ]
    assert RefusalReason.NOT_VERIFIED.value == "was not verified to show its keeper's picture"


def test_the_plan_never_touches_the_disk(tmp_path: Path) -> None:
    # Pure: files that vanished are still planned (the last-moment checks skip them), so the
    # window can plan on its GUI thread.
    group = identical_group(1, tmp_path, ["keep.jpg", "a.jpg", "b.jpg"], DATA)
    for m in group.members:
        os.unlink(m.path)
    plan = plan_in(tmp_path, [group], {m.path for m in group.duplicates})
    assert plan.paths == tuple(m.path for m in group.duplicates)
    assert plan.total_bytes == 2 * len(DATA)
    assert plan.refused == ()


def test_plan_from_result_keeps_to_the_result_s_own_roots(tmp_path: Path) -> None:
    scanned = tmp_path / "photos"
    group = identical_group(1, scanned, ["keep.jpg", "copy.jpg"], DATA)
    stray = identical_group(2, tmp_path / "other", ["keep.jpg", "copy.jpg"], DATA + b"2")
    result = ScanResult(
        roots=(str(scanned),),
        reference_roots=(),
        mode=ScanMode.EXACT,
        sensitivity=Sensitivity.NORMAL,
        groups=(group, stray),
    )
    plan = plan_from_result(result)
    assert plan.paths == (group.members[1].path,)
    assert {r.path: r.reason for r in plan.refused} == {
        stray.members[1].path: RefusalReason.OUTSIDE_ROOTS
    }
