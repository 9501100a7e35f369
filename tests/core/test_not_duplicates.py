"""The "not duplicates" memory: the store on disk, and scans that honour it (a member, a pair or a
whole group kept apart; byte-identical copies; moved files; identical-files mode)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from lookalike.core.model import ScanMode, ScanOptions, ScanResult
from lookalike.core.not_duplicates import ChoiceKind, NotDuplicates
from lookalike.core.scan import collect_result, run_scan
from tests import images


def scan(root: Path, memory: NotDuplicates | None = None, **kw: object) -> ScanResult:
    options = ScanOptions(
        roots=(str(root),),
        workers=2,
        not_duplicates=memory.choices() if memory else (),
        **kw,  # type: ignore[arg-type]
    )
    return collect_result(options, run_scan(options))


def names(result: ScanResult) -> list[set[str]]:
    return sorted(({Path(m.path).name for m in g.members} for g in result.groups), key=sorted)


@pytest.fixture
def family(tmp_path: Path) -> Path:
    """One picture in four files: the original, a half-size copy, a re-encoded copy and a
    brightened copy; and an unrelated photo."""
    root = tmp_path / "photos"
    img = images.photo(7, 480, 360)
    images.save(root / "a_original.jpg", img, quality=95)
    images.save(root / "b_half.jpg", images.resize(img, 0.5), quality=85)
    images.save(root / "c_resaved.jpg", img, quality=70)
    images.save(root / "d_bright.jpg", images.brightness(img, 1.1), quality=90)
    images.save(root / "other.jpg", images.photo(8, 480, 360))
    return root


def test_a_member_marked_leaves_its_group_and_stays_out_in_later_scans(
    family: Path, tmp_path: Path
) -> None:
    before = scan(family)
    assert names(before) == [{"a_original.jpg", "b_half.jpg", "c_resaved.jpg", "d_bright.jpg"}]
    memory = NotDuplicates(tmp_path / "memory.json")
    group = before.groups[0]
    chosen = next(m for m in group.members if m.path.endswith("d_bright.jpg"))
    memory.add(ChoiceKind.MEMBER, [chosen, *(m for m in group.members if m is not chosen)])

    after = scan(family, NotDuplicates(tmp_path / "memory.json"))  # read back from disk
    assert names(after) == [{"a_original.jpg", "b_half.jpg", "c_resaved.jpg"}]
    assert names(scan(family)) == names(before)  # the memory, not the files, made the change


def test_a_pair_marked_is_never_grouped_whoever_is_keeper(family: Path, tmp_path: Path) -> None:
    before = scan(family)
    memory = NotDuplicates(tmp_path / "memory.json")
    group = before.groups[0]
    keeper = group.keeper
    half = next(m for m in group.members if m.path.endswith("b_half.jpg"))
    memory.add(ChoiceKind.PAIR, [keeper, half])

    after = scan(family, memory)
    grouped = [g for g in after.groups if {m.path for m in g.members} >= {keeper.path}]
    assert all(half.path not in {m.path for m in g.members} for g in grouped)
    # The half-size copy is still a copy of the others: it is not lost, only kept apart.
    assert names(after) == [{"a_original.jpg", "c_resaved.jpg", "d_bright.jpg"}]

    # Two members that are not the keeper: the worse one of the two leaves.
    memory.clear()
    resaved = next(m for m in group.members if m.path.endswith("c_resaved.jpg"))
    bright = next(m for m in group.members if m.path.endswith("d_bright.jpg"))
    memory.add(ChoiceKind.PAIR, [resaved, bright])
    after = scan(family, memory)
    for g in after.groups:
        paths = {m.path for m in g.members}
        assert not {resaved.path, bright.path} <= paths
    assert sum(len(g.members) for g in after.groups) == 3


def test_a_whole_group_marked_is_no_group_any_more(family: Path, tmp_path: Path) -> None:
    before = scan(family)
    memory = NotDuplicates(tmp_path / "memory.json")
    memory.add(ChoiceKind.GROUP, list(before.groups[0].members))
    assert scan(family, memory).groups == ()
    # Undone: the group is back as it was.
    assert memory.remove([memory.choices()[0].id]) == 1
    assert names(scan(family, memory)) == names(before)


def test_byte_identical_copies_can_be_kept_apart_in_both_modes(tmp_path: Path) -> None:
    root = tmp_path / "photos"
    img = images.photo(11, 400, 300)
    first = images.save(root / "x" / "IMG_1.jpg", img)
    for folder in ("y", "z"):
        (root / folder).mkdir()
        shutil.copy2(first, root / folder / "IMG_1.jpg")  # same name, size and time: copies
    for mode in (ScanMode.EXACT, ScanMode.SIMILAR):
        before = scan(root, mode=mode)
        (group,) = before.groups
        assert len(group.members) == 3
        memory = NotDuplicates(tmp_path / f"{mode.value}.json")
        x, y = (next(m for m in group.members if f"/{d}/" in m.path) for d in "xy")
        memory.add(ChoiceKind.PAIR, [x, y])
        after = scan(root, memory, mode=mode)
        for g in after.groups:
            assert not {x.path, y.path} <= {m.path for m in g.members}
        # z is a copy of both, so it stays with one of them, as an identical copy.
        (g,) = after.groups
        assert len(g.members) == 2
        assert str(root / "z" / "IMG_1.jpg") in {m.path for m in g.members}
        assert g.members[1].match.value == "identical"


def test_a_moved_file_keeps_its_mark(family: Path, tmp_path: Path) -> None:
    before = scan(family)
    memory = NotDuplicates(tmp_path / "memory.json")
    group = before.groups[0]
    bright = next(m for m in group.members if m.path.endswith("d_bright.jpg"))
    memory.add(ChoiceKind.MEMBER, [bright, *(m for m in group.members if m is not bright)])
    (family / "moved").mkdir()
    os.rename(family / "d_bright.jpg", family / "moved" / "d_bright.jpg")  # keeps size and time
    after = scan(family, memory)
    assert names(after) == [{"a_original.jpg", "b_half.jpg", "c_resaved.jpg"}]
    # Edited since (another size and time): the mark no longer applies to it.
    images.save(
        family / "moved" / "d_bright.jpg", images.brightness(images.photo(7, 480, 360), 1.15)
    )
    edited = scan(family, memory)
    assert len(edited.groups[0].members) == 4


def test_the_store_survives_damage_and_keeps_odd_names(tmp_path: Path, family: Path) -> None:
    path = tmp_path / "memory.json"
    path.write_text("{not json")
    memory = NotDuplicates(path)
    assert len(memory) == 0
    assert list(tmp_path.glob("memory.json.damaged-*"))  # set aside, for a bug report
    result = scan(family)
    odd = family / "caf\udce9.jpg"  # a name that is not UTF-8
    shutil.copy2(family / "b_half.jpg", os.fsencode(odd))
    members = list(result.groups[0].members[:1])
    members.append(type(members[0])(**{**_fields(members[0]), "path": str(odd)}))
    memory.add(ChoiceKind.PAIR, members)
    again = NotDuplicates(path)
    assert again.choices() == memory.choices()
    assert again.choices()[0].files[1].path == str(odd)
    data = json.loads(path.read_text())
    assert data["version"] == 1
    assert data["choices"][0]["kind"] == "pair"


def _fields(m: object) -> dict[str, object]:
    return {f: getattr(m, f) for f in m.__slots__}  # type: ignore[attr-defined]
