"""ResultsModel: structure (checked by Qt's model tester), check-mark rules and commands."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from PySide6.QtCore import QPersistentModelIndex, Qt

from lookalike.core import words
from lookalike.core.model import Group, MatchKind
from lookalike.gui.results_model import (
    CheckableRole,
    CheckedRole,
    GroupRole,
    MemberRole,
    ResultsModel,
    SortKey,
    ThumbnailRole,
)
from lookalike.gui.thumb_cache import ThumbCache
from tests.gui.model_rows import indexes_of_path
from tests.gui.sample_groups import photo_group


@pytest.fixture
def groups(tmp_path: Path) -> list[Group]:
    return [
        photo_group(tmp_path, 1, seed=1, copies=2),
        photo_group(tmp_path, 2, seed=2, copies=3),
        photo_group(tmp_path, 3, seed=3, copies=1, reference=True),
    ]


@pytest.fixture
def model(qtmodeltester, groups: list[Group]) -> ResultsModel:
    model = ResultsModel()
    # Attached before any change, the tester checks every signal the model emits from here on.
    qtmodeltester.check(model)
    model.add_groups(groups[:2])
    model.add_groups(groups[2:])
    return model


def test_structure_groups_then_members(model: ResultsModel, groups: list[Group]) -> None:
    assert model.rowCount() == 3
    assert [model.rowCount(model.index(r, 0)) for r in range(3)] == [3, 4, 2]
    group_index = model.index(1, 0)
    assert model.data(group_index, GroupRole) is groups[1]
    assert model.data(group_index) == words.group_header(groups[1])
    assert "4 photos" in model.data(group_index)
    first, second = model.index(0, 0, group_index), model.index(1, 0, group_index)
    assert model.data(first, MemberRole) == groups[1].keeper
    assert model.data(second, MemberRole) == groups[1].members[1]
    assert model.data(first, MemberRole).match is MatchKind.KEEPER
    assert model.data(second, MemberRole).match is MatchKind.IDENTICAL
    assert model.data(second, GroupRole) is groups[1]
    assert "identical" in model.data(second, Qt.ItemDataRole.AccessibleTextRole)
    assert model.parent(second) == group_index
    assert model.groups() == groups


def test_add_groups_inserts_one_batch_and_skips_known_ids(
    qtbot, model: ResultsModel, groups: list[Group], tmp_path: Path
) -> None:
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda parent, first, last: inserted.append((first, last)))
    batch = [photo_group(tmp_path, 10 + n, seed=10 + n) for n in range(3)]
    model.add_groups(batch)
    assert inserted == [(3, 5)]
    model.add_groups([groups[0]])  # already shown: an update, not a second row
    assert model.rowCount() == 6


def test_select_duplicates_never_keepers_nor_references(
    qtbot, model: ResultsModel, groups: list[Group]
) -> None:
    with qtbot.waitSignal(model.selection_changed) as blocker:
        model.select_duplicates()
    expected = [m.path for g in groups for m in g.duplicates if not m.is_reference]
    assert model.checked_paths() == expected
    assert blocker.args == [len(expected), sum(g.reclaimable_bytes for g in groups)]
    for group in groups:
        assert not model.is_checked(group.keeper.path)
    assert model.checked_bytes() == model.reclaimable_bytes()


def test_reference_files_can_never_be_checked(model: ResultsModel, groups: list[Group]) -> None:
    reference = groups[2].keeper
    assert reference.is_reference
    index = indexes_of_path(model, reference.path)[0]
    assert model.data(index, MemberRole).is_reference
    assert model.data(index, CheckableRole) is False
    assert not model.flags(index) & Qt.ItemFlag.ItemIsUserCheckable
    assert model.set_checked(reference.path, True) is False
    assert model.setData(index, Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole) is False
    model.invert_selection()
    assert not model.is_checked(reference.path)


def test_a_whole_group_is_never_checked(model: ResultsModel, groups: list[Group]) -> None:
    group = groups[0]
    assert model.set_checked(group.members[1].path, True)
    assert model.set_checked(group.members[2].path, True)
    # The last unchecked member (here the keeper) cannot be checked too.
    assert model.set_checked(group.keeper.path, False) is True
    assert model.set_checked(group.keeper.path, True) is False
    index = indexes_of_path(model, group.keeper.path)[0]
    assert model.data(index, CheckableRole) is False
    # Unchecking a duplicate frees the keeper to be checked: the user picked another keeper.
    assert model.set_checked(group.members[2].path, False)
    assert model.set_checked(group.keeper.path, True)
    assert model.data(index, CheckedRole) is True
    assert model.data(index, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked


def test_invert_keeps_a_keeper_where_a_group_would_be_all_checked(
    model: ResultsModel, groups: list[Group]
) -> None:
    model.invert_selection()  # nothing was checked: every group would end up fully checked
    for group in groups:
        assert not model.is_checked(group.keeper.path)
        for m in group.duplicates:
            assert model.is_checked(m.path) != m.is_reference
    # Inverting a partial selection flips it, keepers included, since no group is full.
    model.clear_selection()
    model.set_checked(groups[1].members[1].path, True)
    model.invert_selection()
    flipped = {groups[1].keeper.path, groups[1].members[2].path, groups[1].members[3].path}
    assert flipped <= set(model.checked_paths())
    assert not model.is_checked(groups[1].members[1].path)


def test_select_in_folder(model: ResultsModel, groups: list[Group], tmp_path: Path) -> None:
    model.select_in_folder(str(tmp_path / "set2"))
    assert model.checked_paths() == [m.path for m in groups[1].duplicates]
    model.clear_selection()
    # Keepers stay unchecked even when their folder is chosen.
    model.select_in_folder(str(tmp_path))
    assert model.checked_paths() == [
        m.path for g in groups for m in g.duplicates if not m.is_reference
    ]
    model.clear_selection()
    model.select_in_folder(str(tmp_path / "set"))  # a name prefix is not a parent folder
    assert model.checked_paths() == []


def test_clear_selection_reports_zero(qtbot, model: ResultsModel) -> None:
    model.select_duplicates()
    with qtbot.waitSignal(model.selection_changed) as blocker:
        model.clear_selection()
    assert blocker.args == [0, 0]
    assert model.checked_paths() == []


def test_update_groups_keeps_checks_of_paths_still_present(
    model: ResultsModel, groups: list[Group]
) -> None:
    model.select_duplicates()
    old = groups[1]
    # The engine found a better keeper: the last member moves to the front, one copy is gone.
    new_members = (old.members[3], old.members[0], old.members[1])
    updated = dataclasses.replace(old, members=new_members)
    model.update_groups([updated])
    group_index = model.index(1, 0)
    assert model.rowCount(group_index) == 3
    assert model.data(group_index, GroupRole) == updated
    # Marks of paths still present stay as they were (the user's marks, not the keeper's);
    # the dropped copy's mark is gone.
    assert model.is_checked(old.members[3].path)
    assert not model.is_checked(old.keeper.path)
    assert model.is_checked(old.members[1].path)
    assert not model.is_checked(old.members[2].path)
    assert model.checked_count() == 2 + 2 + 1


def test_update_groups_growing_a_group(model: ResultsModel, groups: list[Group], tmp_path: Path):
    extra = photo_group(tmp_path, 99, seed=7, copies=2).duplicates
    updated = dataclasses.replace(groups[0], members=groups[0].members + extra)
    model.update_groups([updated])
    assert model.rowCount(model.index(0, 0)) == 5
    assert model.data(model.member_index(0, 4), MemberRole) == extra[1]


def test_remove_paths_drops_members_and_small_groups(
    qtbot, model: ResultsModel, groups: list[Group]
) -> None:
    model.select_duplicates()
    trashed = [groups[0].members[1].path, groups[1].members[1].path, groups[1].members[2].path]
    trashed.append(groups[2].members[1].path)
    model.remove_paths(trashed)
    assert [g.id for g in model.groups()] == [1, 2]  # group 3 kept one member: gone
    assert model.rowCount(model.index(0, 0)) == 2
    assert model.rowCount(model.index(1, 0)) == 2
    assert model.checked_paths() == [groups[0].members[2].path, groups[1].members[3].path]
    assert model.checked_count() == 2


def test_remove_groups(model: ResultsModel, groups: list[Group]) -> None:
    model.select_duplicates()
    model.remove_groups([1, 3])
    assert [g.id for g in model.groups()] == [2]
    assert model.checked_paths() == [m.path for m in groups[1].duplicates]
    assert indexes_of_path(model, groups[0].keeper.path) == []


def test_clear(qtbot, model: ResultsModel) -> None:
    model.select_duplicates()
    with qtbot.waitSignal(model.selection_changed) as blocker:
        model.clear()
    assert blocker.args == [0, 0]
    assert model.rowCount() == 0


def test_sort_groups_moves_rows_and_persistent_indexes(
    model: ResultsModel, groups: list[Group]
) -> None:
    model.select_duplicates()
    tracked = QPersistentModelIndex(model.index(0, 0))  # group 1
    tracked_member = QPersistentModelIndex(model.member_index(0, 2))
    model.sort_groups(SortKey.RECLAIMABLE)
    order = sorted(groups, key=lambda g: -g.reclaimable_bytes)
    assert [g.id for g in model.groups()] == [g.id for g in order]
    assert model.data(tracked, GroupRole) == groups[0]
    assert model.data(tracked_member, MemberRole) == groups[0].members[2]
    assert model.checked_paths() == [
        m.path for g in order for m in g.duplicates if not m.is_reference
    ]
    model.sort_groups(SortKey.FOLDER)
    # Folder order: reference/ < set1/ < set2/.
    assert [g.id for g in model.groups()] == [3, 1, 2]
    model.sort_groups(SortKey.SIMILARITY)
    # Groups 1 and 2 have resized copies scoring 0.96 and 0.95; group 3 is identical copies.
    assert [g.id for g in model.groups()] == [3, 1, 2]


def test_thumbnail_role_loads_through_the_cache(
    qtbot, model: ResultsModel, groups: list[Group]
) -> None:
    cache = ThumbCache()
    try:
        model.set_thumb_cache(cache, 96)
        index = model.member_index(0, 1)
        assert model.data(index, ThumbnailRole) is None  # a miss queues the load
        changed: list[int] = []
        model.dataChanged.connect(lambda top, bottom, roles: changed.append(top.internalId()))
        with qtbot.waitSignal(cache.thumbnail_ready, timeout=10_000):
            pass
        qtbot.waitUntil(lambda: model.data(index, ThumbnailRole) is not None, timeout=10_000)
        pixmap = model.data(index, ThumbnailRole)
        assert max(pixmap.width(), pixmap.height()) == 96
        # Both the member and its group row (which the grid paints) were announced.
        assert 0 in changed
        assert any(i != 0 for i in changed)
    finally:
        cache.shutdown()


def test_keep_only_marks_the_rest_of_the_group(model: ResultsModel, groups: list[Group]) -> None:
    chosen = model.member_index(1, 2)  # a resized copy: the user prefers it
    model.keep_only(chosen)
    expected = {m.path for m in groups[1].members} - {groups[1].members[2].path}
    assert set(model.checked_paths()) == expected
    # In a group with a reference file, the reference stays unmarked.
    model.clear_selection()
    model.keep_only(model.member_index(2, 1))
    assert model.checked_paths() == []


def test_set_checked_paths_restores_a_selection_in_one_change(
    model: ResultsModel, groups: list[Group], tmp_path: Path
) -> None:
    model.set_checked(groups[0].members[1].path, True)  # replaced, not added to
    whole_group = [m.path for m in groups[1].members]
    reference_keeper, reference_copy = (m.path for m in groups[2].members)
    emitted: list[tuple[int, int]] = []
    changed_groups: list[int] = []
    model.selection_changed.connect(lambda count, size: emitted.append((count, size)))
    model.dataChanged.connect(
        lambda first, last, roles: (
            changed_groups.append(first.parent().row()) if first.parent().isValid() else None
        )
    )
    model.set_checked_paths(
        [*whole_group, reference_keeper, reference_copy, str(tmp_path / "unknown.jpg")]
    )
    expected = [*whole_group[1:], reference_copy]  # the keeper stays; references never
    sizes = {m.path: m.size for g in groups for m in g.members}
    assert model.checked_paths() == expected
    assert emitted == [(len(expected), sum(sizes[p] for p in expected))]
    assert sorted(changed_groups) == [0, 1, 2]  # one dataChanged per group that changed

    emitted.clear()
    model.set_checked_paths(expected)  # nothing to change: no signal
    assert emitted == []
    model.set_checked_paths([])
    assert model.checked_paths() == []
    assert emitted == [(0, 0)]
