"""The accuracy report: its arithmetic on a hand-made scan, the labelled library it builds, the
licences the fetch records, and a smoke run on a few real photos when they have been fetched."""

from __future__ import annotations

import itertools
import json
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from lookalike import cli
from lookalike.bench import accuracy, library, sources
from lookalike.bench.accuracy import Found
from lookalike.bench.library import Item, Library
from lookalike.core.model import (
    Group,
    MatchKind,
    Member,
    ScanMode,
    ScanResult,
    Sensitivity,
)
from tests import images

# --- the arithmetic, on a hand-made library and scan ------------------------------------------


def _item(path: str, picture: str, kind: str, source: str, **kw: object) -> Item:
    return Item(path, picture, kind, kw.pop("detail", kind), source, **kw)  # type: ignore[arg-type]


HAND_MADE = Library(
    "/lib",
    (
        _item("DCIM/a.JPG", "a", library.ORIGINAL, "pa", tags=("sky",)),
        _item("Backup/a.JPG", "a", library.BYTE_COPY, "pa", tags=("sky",)),
        _item("Backup/a (1).JPG", "a", library.BYTE_COPY, "pa", tags=("sky",)),
        _item("Exports/a_half.jpg", "a", library.RESIZE, "pa", tags=("sky",)),
        _item("Edited/a-crop.jpg", "a", library.CROP_LARGE, "pa", tags=("sky",)),
        _item("DCIM/b.JPG", "b", library.ORIGINAL, "pb", tags=("sky", "water")),
        _item("screens/b.png", "b", library.FORMAT, "pb", tags=("sky", "water"), detail="PNG"),
        _item("DCIM/t1.JPG", "t-1", library.ORIGINAL, "pt", part=library.TILE, tags=("leaves",)),
        _item("DCIM/t2.JPG", "t-2", library.ORIGINAL, "pt", part=library.TILE, tags=("leaves",)),
        _item("DCIM/s1.JPG", "s1", library.ORIGINAL, "s1", part=library.SHOT, scene="sc",
              scene_kind=sources.FRAMES, tags=("person",)),
        _item("DCIM/s2.JPG", "s2", library.ORIGINAL, "s2", part=library.SHOT, scene="sc",
              scene_kind=sources.FRAMES, tags=("person",)),
    ),
)  # fmt: skip


def _scan(*groups: tuple[str, ...], mode: ScanMode = ScanMode.SIMILAR) -> ScanResult:
    def member(path: str) -> Member:
        return Member(f"/lib/{path}", 1, 1, 10, 10, MatchKind.SIMILAR, 1.0)

    return ScanResult(
        roots=("/lib",),
        reference_roots=(),
        mode=mode,
        sensitivity=Sensitivity.NORMAL,
        groups=tuple(Group(i, tuple(member(p) for p in g)) for i, g in enumerate(groups)),
    )


# Keepers first. Group 1 joins two skies and keeps b's PNG; a's second byte copy and its crop
# stay out; the two tiles and the two frames are joined.
HAND_MADE_SCAN = _scan(
    ("screens/b.png", "DCIM/b.JPG", "DCIM/a.JPG", "Backup/a.JPG", "Exports/a_half.jpg"),
    ("DCIM/t1.JPG", "DCIM/t2.JPG"),
    ("DCIM/s1.JPG", "DCIM/s2.JPG"),
)


def test_pairs_are_scored_by_kind() -> None:
    s = accuracy.score(HAND_MADE, HAND_MADE_SCAN)
    # Group 1: 10 pairs, of which b.png-b.JPG and the 3 pairs among a's files are true; the 6
    # a-b pairs are two skies. Groups 2 and 3: one false pair each.
    assert (s.true_pairs, s.false_pairs) == (4, 8)
    assert s.missed_pairs == 10 + 1 - 4  # a has 5 files (10 pairs), b has 2 (1 pair)
    assert s.precision == pytest.approx(4 / 12)
    assert s.recall == pytest.approx(4 / 11)
    assert s.false_by_kind[accuracy.SIMILAR_CONTENT] == Found(6, 10)
    assert s.false_by_kind[accuracy.TILES] == Found(1, 1)
    assert s.false_by_kind[sources.FRAMES] == Found(1, 1)
    assert s.false_by_kind[accuracy.DIFFERENT] == Found(0, 55 - 11 - 10 - 1 - 1)
    assert s.false_by_kind[accuracy.VIEWS] == Found(0, 0)
    assert s.false_examples[accuracy.TILES] == ("DCIM/t1.JPG (t-1) ~ DCIM/t2.JPG (t-2)",)


def test_recall_counts_each_copy_found_with_its_original() -> None:
    s = accuracy.score(HAND_MADE, HAND_MADE_SCAN)
    assert s.recall_by_kind == {
        library.BYTE_COPY: Found(1, 2),
        library.RESIZE: Found(1, 1),
        library.FORMAT: Found(1, 1),
        library.CROP_LARGE: Found(0, 1),
    }
    assert list(s.recall_by_kind) == [  # the report's order, not the library's
        library.BYTE_COPY, library.RESIZE, library.FORMAT, library.CROP_LARGE,
    ]  # fmt: skip
    assert s.file_recall == Found(3, 5)
    assert s.missed_examples[library.CROP_LARGE] == ("Edited/a-crop.jpg (crop 10–30 %)",)


def test_pictures_lost_identical_sets_and_keepers() -> None:
    s = accuracy.score(HAND_MADE, HAND_MADE_SCAN)
    # The default suggestion selects every member but the keeper: t-2 and s2 lose their only
    # file; a keeps two unselected files and b keeps its PNG.
    assert s.pictures_lost == ("t-2: all 1 file selected", "s2: all 1 file selected")
    assert s.pictures == 6
    assert s.identical_sets == Found(0, 1)
    assert s.identical_split == ("a: 2 of 3 identical files in one group",)
    # Groups 2 and 3 keep an original (each joins two pictures of one file: the keeper's counts);
    # group 1 is mostly a's files, so a's camera file is the one it should keep.
    assert s.keeper_groups == Found(2, 3)
    assert s.kept_instead == (
        "kept screens/b.png (format: PNG) instead of DCIM/a.JPG (the group joins 2 pictures)",
    )
    assert (s.without_original, s.mixed_groups) == ((), 3)
    assert (s.groups, s.files_grouped) == (3, 9)


def test_a_byte_copy_kept_counts_as_the_original() -> None:
    scan = _scan(("Backup/a (1).JPG", "DCIM/a.JPG", "Backup/a.JPG", "Edited/a-crop.jpg"))
    s = accuracy.score(HAND_MADE, scan)
    assert s.keeper_groups == Found(1, 1)
    assert s.identical_sets == Found(1, 1)
    assert s.pictures_lost == ()
    assert s.precision == 1.0


def test_keeping_a_wrongly_joined_original_is_a_miss() -> None:
    # b's camera file is an original, but the group shows a's picture: a's original is trashed.
    scan = _scan(("DCIM/b.JPG", "DCIM/a.JPG", "Backup/a.JPG", "Backup/a (1).JPG"))
    s = accuracy.score(HAND_MADE, scan)
    assert s.keeper_groups == Found(0, 1)
    assert s.kept_instead == (
        "kept DCIM/b.JPG (original: original) instead of DCIM/a.JPG (the group joins 2 pictures)",
    )


def test_a_group_without_its_original_is_listed_not_scored() -> None:
    # a's crop and resize were split off from its camera file: no rank can keep that file.
    scan = _scan(
        ("DCIM/a.JPG", "Backup/a.JPG", "Backup/a (1).JPG"),
        ("Exports/a_half.jpg", "Edited/a-crop.jpg"),
    )
    s = accuracy.score(HAND_MADE, scan)
    assert s.keeper_groups == Found(1, 1)
    assert s.without_original == ("a: kept Exports/a_half.jpg (resize: resize), 2 files",)
    text = accuracy.format_report(HAND_MADE, [s])
    assert "| groups without their original | 1 |" in text
    assert "no original: a: kept Exports/a_half.jpg (resize: resize), 2 files" in text
    assert accuracy.to_json(HAND_MADE, [s])["levels"]["normal"]["groups_without_original"] == [
        "a: kept Exports/a_half.jpg (resize: resize), 2 files"
    ]


def test_an_empty_scan_claims_nothing() -> None:
    s = accuracy.score(HAND_MADE, _scan())
    assert (s.precision, s.recall, s.false_pairs) == (1.0, 0.0, 0)
    assert s.keeper_groups == Found(0, 0)
    assert s.pictures_lost == ()


def test_pair_totals_match_pair_by_pair_labels(tmp_path: Path) -> None:
    items = (
        *HAND_MADE.items,
        _item("v0.jpg", "v-0", library.ORIGINAL, "pv", part=library.VIEW, tags=("sky",)),
        _item("v1.jpg", "v-1", library.ORIGINAL, "pv", part=library.VIEW, tags=("sky",)),
        _item("t.jpg", "pt", library.ORIGINAL, "pt", tags=("leaves",)),  # the tiles' whole photo
        _item("x1.jpg", "x1", library.ORIGINAL, "x1", part=library.SHOT, scene="x",
              scene_kind=sources.TWO_SHOTS),
        _item("x2.jpg", "x2", library.ORIGINAL, "x2", part=library.SHOT, scene="x",
              scene_kind=sources.TWO_SHOTS),
    )  # fmt: skip
    counted: dict[str, int] = {}
    for a, b in itertools.combinations(items, 2):
        kind = accuracy.pair_kind(a, b)
        counted[kind] = counted.get(kind, 0) + 1
    totals = accuracy._pair_kind_totals(items)
    assert {k: v for k, v in totals.items() if v} == counted
    assert counted[accuracy.EXCLUDED] == 2  # each tile against its whole photo
    assert counted[accuracy.VIEWS] == 1
    assert counted[sources.TWO_SHOTS] == 1


def test_report_json_and_table() -> None:
    scores = [
        accuracy.score(HAND_MADE, HAND_MADE_SCAN),
        accuracy.score(HAND_MADE, _scan(("DCIM/a.JPG", "Backup/a.JPG"), mode=ScanMode.EXACT)),
    ]
    data = accuracy.to_json(HAND_MADE, scores)
    json.dumps(data)
    normal = data["levels"]["normal"]
    assert normal["precision"] == round(4 / 12, 4)
    assert normal["false_pairs_by_kind"][accuracy.TILES] == {"count": 1, "of": 1, "rate": 1.0}
    assert normal["keeper_is_original"]["count"] == 2
    assert len(normal["pictures_lost"]) == 2
    assert data["levels"]["identical files"]["true_pairs"] == 1
    assert data["library"]["pictures_by_part"] == {"whole": 2, "tile": 2, "shot": 2}
    text = accuracy.format_report(HAND_MADE, scores)
    assert "| measure | normal | identical files |" in text
    assert "| pairwise precision | 0.3333 | 1.0000 |" in text
    assert "| tiles of one photo | 1/1 | 0/1 |" in text
    assert "kept screens/b.png (format: PNG) instead of DCIM/a.JPG" in text
    assert "| groups joining pictures | 3 | 0 |" in text
    assert "Targets, at the default sensitivity: 1 of 7 met" in text
    assert "| pairwise precision | 0.3333 | ≥ 0.998 | no |" in text
    assert {t["measure"] for t in data["targets"]} >= {"pictures lost", "pairwise precision"}


def _size(path: str) -> tuple[int, int]:
    with Image.open(path) as img:
        return img.size


def _exif(path: str) -> dict[int, object]:
    with Image.open(path) as img:
        return dict(img.getexif())


# --- the library, built from generated pictures (it is the same code for real ones) ----------


def _photo(
    tmp: Path, id_: str, size: tuple[int, int], role: str, seed: int, **kw: str
) -> sources.Photo:
    path = images.save(tmp / "photos" / f"{id_}.png", images.photo(seed, *size))
    return sources.Photo(
        id=id_, file=path.name, package="generated", version="0", member=path.name,
        licence="none", tags=("texture",), role=role, width=size[0], height=size[1], **kw,
    )  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Library:
    tmp = tmp_path_factory.mktemp("library")
    photos = [
        _photo(tmp, "whole", (900, 600), sources.WHOLE, 1),
        _photo(tmp, "tiled", (800, 800), sources.TILES, 2),
        _photo(tmp, "wide", (1000, 500), sources.VIEWS, 3),
        _photo(tmp, "shot1", (640, 480), sources.SHOT, 4, scene="s", scene_kind=sources.TWO_SHOTS),
        _photo(tmp, "shot2", (640, 480), sources.SHOT, 5, scene="s", scene_kind=sources.TWO_SHOTS),
    ]
    return library.build(photos, tmp / "photos", tmp / "built", workers=1)


def test_every_labelled_file_is_written_with_its_kind(built: Library) -> None:
    assert all(Path(built.path(i)).is_file() for i in built.items)
    whole = [i for i in built.items if i.picture == "whole"]
    assert {i.kind for i in whole} == {library.ORIGINAL, *library.VARIANT_KINDS}
    (original,) = [i for i in whole if i.kind == library.ORIGINAL]
    # The first photo gets 3 identical files: the original and 2 byte copies.
    copies = [i for i in whole if i.kind == library.BYTE_COPY]
    assert len(copies) == 2
    data = Path(built.path(original)).read_bytes()
    assert all(Path(built.path(c)).read_bytes() == data for c in copies)
    assert original.path.startswith("DCIM/")
    exif = _exif(built.path(original))
    assert exif[0x0110]  # camera model
    assert 0x0131 not in exif  # no editing software
    (png,) = [i for i in whole if i.detail == "PNG"]
    assert png.path.startswith("Desktop/screens/")
    (rotated,) = [i for i in whole if i.kind == library.EXIF_ORIENTATION]
    assert _exif(built.path(rotated))[0x0112] in (3, 6, 8)
    (turned,) = [i for i in whole if i.kind == library.TURN]
    assert _size(built.path(turned))[0] < 900


def test_tiles_views_and_shots_are_pictures_of_their_own(built: Library) -> None:
    originals = [i for i in built.items if i.kind == library.ORIGINAL]
    tiles = [i for i in originals if i.part == library.TILE]
    views = [i for i in originals if i.part == library.VIEW]
    assert len(tiles) == 4
    assert len(views) == len(library.VIEW_OFFSETS)
    assert _size(built.path(tiles[0])) == (400, 400)
    assert accuracy.pair_kind(tiles[0], tiles[1]) == accuracy.TILES
    assert accuracy.pair_kind(views[0], views[1]) == accuracy.VIEWS
    shots = [i for i in originals if i.part == library.SHOT]
    assert accuracy.pair_kind(shots[0], shots[1]) == sources.TWO_SHOTS
    assert accuracy.pair_kind(originals[0], shots[0]) == accuracy.SIMILAR_CONTENT


def test_a_built_library_is_reused(built: Library) -> None:
    labels = Path(built.root) / library.LABELS
    before = labels.stat().st_mtime_ns
    again = library.build(built.photos, Path(built.root).parent.parent / "photos",
                          Path(built.root).parent, workers=1)  # fmt: skip
    assert again.root == built.root
    assert again.items == built.items
    assert labels.stat().st_mtime_ns == before


# --- the fetch's licences ---------------------------------------------------------------------

COPYRIGHT = """\
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/

Files: *
Copyright: the team
License: GPL-2+

Files: 16.04/Bridge_by_Sander_Klootwijk.jpg
       16.04/Dragonfly_by_Bolly.jpg
Copyright: the photographers
License: CC-BY-SA-4.0

Files: data/*
License: BSD-3-Clause
"""


def test_debian_licence_follows_the_copyright_file() -> None:
    member = "usr/share/backgrounds/Dragonfly_by_Bolly.jpg"
    assert sources.debian_licence(COPYRIGHT, member) == "CC-BY-SA-4.0"
    # A folder pattern names the source tree, not where the file was installed: not guessed.
    assert sources.debian_licence(COPYRIGHT, "usr/share/doc/x/data/baboon.jpg") == "GPL-2+"
    assert sources.debian_licence("Format: x\n", member) == "see the package's copyright file"


def test_wheel_licence_reads_the_metadata(tmp_path: Path) -> None:
    def wheel(metadata: str) -> zipfile.ZipFile:
        path = tmp_path / "w.whl"
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("x-1.dist-info/METADATA", metadata + "\n\nlong description")
        return zipfile.ZipFile(path)

    assert sources.wheel_licence(wheel("Name: x\nLicense-Expression: BSD-3-Clause")) == (
        "BSD-3-Clause"
    )
    classified = "Name: x\nLicense: a very long text\nClassifier: License :: OSI Approved :: MIT"
    assert sources.wheel_licence(wheel(classified)) == "MIT"


def test_accuracy_without_photos_says_how_to_fetch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["accuracy", "--dir", str(tmp_path)]) == cli.EXIT_USAGE
    assert "lookalike accuracy --fetch" in capsys.readouterr().err


# --- a smoke run on real photos ---------------------------------------------------------------

SMOKE_PHOTOS = ("retina", "coffee", "Storm")  # a medical image used whole and tiled, two more
# Resolved at import, before each test points HOME and the cache folder at a temporary one.
FETCHED = sources.default_dir() / "photos"


def test_smoke_run_on_a_few_real_photos(tmp_path: Path) -> None:
    photos_dir = FETCHED
    try:
        fetched = sources.load_manifest(photos_dir)
    except FileNotFoundError:
        pytest.skip(f"real photos not fetched into {photos_dir}: run `lookalike accuracy --fetch`")
    chosen = [p for p in fetched if p.id in SMOKE_PHOTOS]
    assert len(chosen) == len(SMOKE_PHOTOS)
    lib = library.build(chosen, photos_dir, tmp_path / "built", max_side=640, workers=1)
    normal, exact = accuracy.run_scans(
        lib, workers=1, cache_path=str(tmp_path / "fp.sqlite"), levels=(Sensitivity.NORMAL,)
    )
    pictures = {i.picture for i in lib.items}
    assert len(pictures) == 3 + 4  # retina, coffee, Storm and the retina's 4 tiles
    assert exact.identical_sets == Found(len(pictures), len(pictures))
    assert exact.recall_by_kind[library.BYTE_COPY].rate == 1.0
    assert exact.false_pairs == 0
    assert normal.recall_by_kind[library.BYTE_COPY].rate == 1.0
    assert normal.true_pairs > 0
    assert sum(f.total for f in normal.false_by_kind.values()) > 0
    data = accuracy.to_json(replace(lib, photos=tuple(chosen)), [normal, exact])
    assert {p["package"] for p in data["library"]["photos"]} >= {"python3-skimage"}
    json.dumps(data)
    assert "| pairwise precision |" in accuracy.format_report(lib, [normal, exact])


FETCHERS = '''
def other():
    """Copyright someone else."""
    return _fetch("data/other.png")


def retina():
    """Human retina.

    Notes
    -----
    This file is made available under the Creative Commons CC0 1.0 Universal
    Public Domain Dedication. It was taken by a fundus camera.

    Returns
    -------
    retina : ndarray
    """
    return _load("data/retina.jpg")
'''

README = """\
Image: china.jpg
Released under a creative commons license. [1]
Attribution: Some rights reserved by danielbuechele [2]
Retrieved 21st August, 2011 from [3] by Robert Layton

[1] https://creativecommons.org/licenses/by/2.0/
"""


def test_the_datas_own_licence_notes_are_recorded() -> None:
    assert sources.docstring_note(FETCHERS, "retina.jpg") == (
        "This file is made available under the Creative Commons CC0 1.0 Universal Public Domain"
        " Dedication."
    )
    assert sources.docstring_note(FETCHERS, "astronaut.png") == ""
    assert sources.readme_note(README, "china.jpg") == (
        "Released under a creative commons license. [1] Attribution: Some rights reserved by"
        " danielbuechele [2] https://creativecommons.org/licenses/by/2.0/"
    )
    assert sources.readme_note(README, "flower.jpg") == ""


def test_a_failed_download_says_what_is_missing(tmp_path: Path) -> None:
    with pytest.raises(sources.FetchError, match="lookalike-no-such-tool is needed"):
        sources._run(["lookalike-no-such-tool", "download", "x"], tmp_path)
    with pytest.raises(sources.FetchError, match="failed"):
        sources._run([sys.executable, "-c", "raise SystemExit(3)"], tmp_path)


def test_targets_are_judged_at_the_default_sensitivity() -> None:
    normal = accuracy.score(HAND_MADE, HAND_MADE_SCAN)
    found = {t.measure: t for t in accuracy.targets([normal])}
    assert found["pairwise precision"] == accuracy.Target(
        "pairwise precision", "0.3333", "≥ 0.998", False
    )
    assert found["pictures lost"].value == "2"
    assert not found["identical sets: all N in one group"].met
    worst = found["recall, 10–30 % crops and turns (worst: crop 10–30 %)"]
    assert (worst.value, worst.met) == ("0.0%", False)
    assert found["recall, every standard kind (worst: resize)"].met
    assert "recall, 2–5 % crops" not in found  # the library has no such copy
    assert found["keeper is the original (or a byte copy)"].value == "66.7%"

    every_copy = _scan(
        ("DCIM/a.JPG", "Backup/a.JPG", "Backup/a (1).JPG", "Exports/a_half.jpg",
         "Edited/a-crop.jpg"),
        ("DCIM/b.JPG", "screens/b.png"),
    )  # fmt: skip
    perfect = accuracy.targets([accuracy.score(HAND_MADE, every_copy)])
    assert all(t.met for t in perfect)
    assert accuracy.targets([]) == []
