"""Sidecar files: found beside their photo by name during the walk, trashed, moved and restored
with it in the same journaled batch, never taken from the keeper, never when in doubt."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from lookalike.core.cleanup import freedesktop
from lookalike.core.cleanup.events import ActionKind, OutcomeStatus
from lookalike.core.cleanup.journal import Journal
from lookalike.core.cleanup.plan import plan_from_result
from lookalike.core.cleanup.runner import collect, execute, undo_last_batch
from lookalike.core.model import ImageFile, ScanMode, ScanOptions, ScanResult
from lookalike.core.scan import collect_result, run_scan
from lookalike.core.sidecars import sidecars_by_photo
from lookalike.core.walk import WalkOptions, walk
from tests import images

LONG = "PXL_20150627_175701807_and_a_long_title_for_it_too.jpg"  # 55 characters


def folder_of(root: Path, names: list[str]) -> dict[str, tuple[str, ...]]:
    """Make these files in ``root`` (pictures as real JPEGs) and walk it: each photo's
    sidecars, by name."""
    picture = images.jpeg_bytes(images.photo(3, 96, 72))  # the walk reads no picture's bytes
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        if os.path.splitext(name)[1].lower() in (".jpg", ".jpeg", ".png", ".heic"):
            (root / name).write_bytes(picture)
        else:
            (root / name).write_text("{}")
    found = {}
    for entry in walk(WalkOptions((str(root),))):
        if isinstance(entry, ImageFile) and entry.sidecars:
            found[Path(entry.path).name] = tuple(Path(s).name for s in entry.sidecars)
    return found


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["IMG_1.JPG", "IMG_1.JPG.xmp"], {"IMG_1.JPG": ("IMG_1.JPG.xmp",)}),
        (["IMG_1.JPG", "IMG_1.xmp", "IMG_1.XMP.bak"], {"IMG_1.JPG": ("IMG_1.xmp",)}),
        (["IMG_1234.HEIC", "IMG_1234.AAE", "IMG_O1234.AAE"],
         {"IMG_1234.HEIC": ("IMG_1234.AAE", "IMG_O1234.AAE")}),
        (["MVI_1.JPG", "MVI_1.THM"], {"MVI_1.JPG": ("MVI_1.THM",)}),
        (["IMG_1.JPG", "IMG_1.JPG.json", "IMG_1.json"],
         {"IMG_1.JPG": ("IMG_1.JPG.json", "IMG_1.json")}),
        (["IMG_1.jpg", "IMG_1.jpg.supplemental-metadata.json"],
         {"IMG_1.jpg": ("IMG_1.jpg.supplemental-metadata.json",)}),
        (["IMG_1.jpg", "IMG_1.jpg.supplemental-me.json", "IMG_1.jpg..json"],
         {"IMG_1.jpg": ("IMG_1.jpg..json", "IMG_1.jpg.supplemental-me.json")}),
        (["IMG_1.jpg", "IMG_1(1).jpg", "IMG_1.jpg.json", "IMG_1.jpg(1).json"],
         {"IMG_1.jpg": ("IMG_1.jpg.json",), "IMG_1(1).jpg": ("IMG_1.jpg(1).json",)}),
        ([LONG, LONG[:46] + ".json"], {LONG: (LONG[:46] + ".json",)}),
        # A raw file or a live photo's video shares the name: "IMG_1.xmp" may be theirs.
        (["IMG_1.JPG", "IMG_1.CR2", "IMG_1.xmp", "IMG_1.JPG.xmp"],
         {"IMG_1.JPG": ("IMG_1.JPG.xmp",)}),
        (["IMG_1.HEIC", "IMG_1.MOV", "IMG_1.AAE"], {}),
        # Two photos claim one sidecar equally: it belongs to neither.
        (["IMG_1.JPG", "IMG_1.PNG", "IMG_1.json"], {}),
        (["a.jpg", "b.jpg.xmp", "album/metadata.json", ".hidden.jpg.xmp"], {}),
    ],
)  # fmt: skip
def test_sidecars_are_found_by_name(
    tmp_path: Path, names: list[str], expected: dict[str, tuple[str, ...]]
) -> None:
    assert folder_of(tmp_path, names) == expected


def test_a_link_or_a_folder_named_like_a_sidecar_is_none(tmp_path: Path) -> None:
    (tmp_path / "IMG_1.JPG.xmp").mkdir(parents=True)
    (tmp_path / "elsewhere.xmp").write_text("<x/>")
    os.symlink(tmp_path / "elsewhere.xmp", tmp_path / "IMG_1.xmp")
    assert folder_of(tmp_path, ["IMG_1.JPG"]) == {}
    assert sidecars_by_photo({"IMG_1.JPG"}, ["IMG_1.xmp"], ["IMG_1.JPG"]) == {
        "IMG_1.JPG": ("IMG_1.xmp",)
    }


def scan(root: Path, mode: ScanMode = ScanMode.EXACT) -> ScanResult:
    options = ScanOptions(roots=(str(root),), mode=mode, workers=1)
    return collect_result(options, run_scan(options))


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """A keeper and a copy, each with sidecars of its own."""
    root = tmp_path / "photos"
    original = images.save(root / "2019" / "IMG_1.jpg", images.photo(9, 200, 150))
    (root / "2019" / "IMG_1.xmp").write_text("<keeper's edits/>")
    (root / "copies").mkdir()
    shutil.copy2(original, root / "copies" / "IMG_1 (copy).jpg")
    (root / "copies" / "IMG_1 (copy).jpg.xmp").write_text("<copy's edits/>")
    (root / "copies" / "IMG_1 (copy).jpg.json").write_text('{"title": "copy"}')
    return root


def test_sidecars_go_to_the_trash_with_their_photo_and_come_back(
    library: Path, isolated_home: Path
) -> None:
    result = scan(library)
    (group,) = result.groups
    assert group.keeper.path.endswith("2019/IMG_1.jpg")
    assert [Path(s).name for s in group.keeper.sidecars] == ["IMG_1.xmp"]
    copy = group.members[1]
    assert [Path(s).name for s in copy.sidecars] == [
        "IMG_1 (copy).jpg.json",
        "IMG_1 (copy).jpg.xmp",
    ]

    journal = Journal(isolated_home / "journal")
    freedesktop.sync_send2trash_env()
    report = collect(execute(plan_from_result(result), ActionKind.TRASH, journal=journal))
    assert report.ok
    assert report.count(OutcomeStatus.TRASHED) == 1  # photos are counted; sidecars go along
    assert report.sidecars_done == 2
    assert "2 sidecar files went along" in report.done_text
    trash = Path(freedesktop.home_trash()) / "files"
    assert sorted(p.name for p in trash.iterdir()) == [
        "IMG_1 (copy).jpg", "IMG_1 (copy).jpg.json", "IMG_1 (copy).jpg.xmp"
    ]  # fmt: skip
    assert not (library / "copies" / "IMG_1 (copy).jpg.xmp").exists()
    # The keeper keeps its own.
    assert (library / "2019" / "IMG_1.xmp").read_text() == "<keeper's edits/>"
    (batch,) = journal.batches()
    assert {f.path: f.sidecar_of for f in batch.files} == {
        copy.path: "",
        copy.sidecars[0]: copy.path,
        copy.sidecars[1]: copy.path,
    }

    undone = collect(undo_last_batch(journal))
    assert undone.ok
    assert undone.count(OutcomeStatus.RESTORED) == 1
    assert undone.sidecars_done == 2
    assert (library / "copies" / "IMG_1 (copy).jpg.xmp").read_text() == "<copy's edits/>"
    assert (library / "copies" / "IMG_1 (copy).jpg.json").exists()
    assert list(trash.iterdir()) == []


def test_sidecars_move_with_their_photo_and_stay_with_a_hard_link(
    library: Path, tmp_path: Path, isolated_home: Path
) -> None:
    result = scan(library)
    journal = Journal(isolated_home / "journal")
    dest = tmp_path / "moved"
    report = collect(
        execute(
            plan_from_result(result),
            ActionKind.MOVE,
            destination=str(dest),
            layout_root=str(library),
            journal=journal,
        )
    )
    assert report.ok
    assert sorted(p.name for p in (dest / "copies").iterdir()) == [
        "IMG_1 (copy).jpg", "IMG_1 (copy).jpg.json", "IMG_1 (copy).jpg.xmp"
    ]  # fmt: skip
    collect(undo_last_batch(journal))
    assert sorted(p.name for p in (library / "copies").iterdir()) == [
        "IMG_1 (copy).jpg", "IMG_1 (copy).jpg.json", "IMG_1 (copy).jpg.xmp"
    ]  # fmt: skip

    linked = collect(execute(plan_from_result(scan(library)), ActionKind.HARDLINK, journal=journal))
    assert linked.count(OutcomeStatus.LINKED) == 1
    assert linked.sidecars_done == 0
    assert (library / "copies" / "IMG_1 (copy).jpg.xmp").exists()


def test_a_sidecar_that_cannot_go_is_reported_and_an_unrestored_photo_keeps_it_out(
    library: Path, tmp_path: Path, isolated_home: Path
) -> None:
    result = scan(library)
    journal = Journal(isolated_home / "journal")
    dest = tmp_path / "moved"
    (dest / "copies").mkdir(parents=True)
    (dest / "copies" / "IMG_1 (copy).jpg.json").write_text("already here")
    report = collect(
        execute(
            plan_from_result(result),
            ActionKind.MOVE,
            destination=str(dest),
            layout_root=str(library),
            journal=journal,
        )
    )
    by_name = {Path(o.path).name: o for o in report.outcomes}
    assert by_name["IMG_1 (copy).jpg"].status is OutcomeStatus.MOVED
    assert by_name["IMG_1 (copy).jpg.xmp"].status is OutcomeStatus.MOVED
    skipped = by_name["IMG_1 (copy).jpg.json"]
    assert skipped.status is OutcomeStatus.SKIPPED
    assert "already exists; not overwritten" in skipped.reason
    assert skipped.sidecar_of.endswith("IMG_1 (copy).jpg")
    assert (dest / "copies" / "IMG_1 (copy).jpg.json").read_text() == "already here"

    # Something now stands where the photo was: it stays out, and so does its sidecar.
    (library / "copies" / "IMG_1 (copy).jpg").write_bytes(b"a new file")
    undone = collect(undo_last_batch(journal))
    by_name = {Path(o.path).name: o for o in undone.outcomes}
    assert by_name["IMG_1 (copy).jpg"].status is OutcomeStatus.SKIPPED
    assert by_name["IMG_1 (copy).jpg.xmp"].status is OutcomeStatus.SKIPPED
    assert "was not put back" in by_name["IMG_1 (copy).jpg.xmp"].reason
    assert not (library / "copies" / "IMG_1 (copy).jpg.xmp").exists()


def test_a_dry_run_lists_the_sidecars_that_would_go(library: Path) -> None:
    report = collect(execute(plan_from_result(scan(library)), ActionKind.TRASH, dry_run=True))
    planned = [Path(o.path).name for o in report.outcomes if o.status is OutcomeStatus.PLANNED]
    assert planned == ["IMG_1 (copy).jpg", "IMG_1 (copy).jpg.json", "IMG_1 (copy).jpg.xmp"]
    assert (library / "copies" / "IMG_1 (copy).jpg.xmp").exists()
