"""The keeper rank on pairs of each kind (real photos when fetched, generated ones always), the
selection rules on generated files, and moving a keeper without losing a member's proof."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from lookalike.bench import sources
from lookalike.core import ranking, words
from lookalike.core.model import (
    Group,
    KeeperReason,
    MatchKind,
    Rule,
    RuleError,
    ScanOptions,
    ScanResult,
    parse_rules,
)
from lookalike.core.scan import collect_result, run_scan
from tests import images

# Resolved at import, before each test points HOME and the cache folder at a temporary one.
FETCHED = sources.default_dir() / "photos"
SAME_TIME = 1_600_000_000  # every file of a pair gets it, unless the pair is about dates

Bgr = np.ndarray
Writer = Callable[[Path, Bgr], None]


def _jpeg(path: Path, img: Bgr, quality: int = 90, exif: Image.Exif | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pil = Image.fromarray(cv2.cvtColor(img, cv2.COLOR_BGR2RGB))
    pil.save(path, "JPEG", quality=quality, exif=(exif or Image.Exif()).tobytes())


def _png(path: Path, img: Bgr) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    assert cv2.imwrite(str(path), img)


def _decoded(img: Bgr, quality: int) -> Bgr:
    return cv2.imdecode(cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])[1], 1)


def _camera_exif(
    taken: str = "2019:03:02 09:15:00", saved: str = "", software: str = ""
) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Canon", "Canon EOS 80D"
    exif[0x0132] = saved or taken
    if software:
        exif[0x0131] = software
    exif[0x8769] = {0x9003: taken}  # a dict: Pillow 10.4 writes no sub-IFD that get_ifd made
    return exif


def _enlarged(img: Bgr, factor: float) -> Bgr:
    h, w = img.shape[:2]
    rgb = Image.fromarray(cv2.cvtColor(img, cv2.COLOR_BGR2RGB))
    big = rgb.resize((round(w * factor), round(h * factor)), Image.Resampling.BICUBIC)
    return cv2.cvtColor(np.asarray(big), cv2.COLOR_RGB2BGR)


def _cut_and_enlarged(img: Bgr, side: float) -> Bgr:
    """``img`` cropped by ``side`` of its width and height, then resized back to its size."""
    h, w = img.shape[:2]
    cut = images.crop_border(img, side)
    return cv2.resize(cut, (w, h), interpolation=cv2.INTER_CUBIC)


# Each pair: the file that must be kept, the copy, and the first reason the keeper must give.
# Names and dates are the same unless the pair is about them, so each pair tests one signal.
PAIRS: dict[str, tuple[Writer, Writer, KeeperReason]] = {
    "enlarged": (
        lambda p, im: _jpeg(p / "photo.jpg", im, 90),
        lambda p, im: _png(p / "photo.png", _enlarged(im, 1.5)),
        KeeperReason.OTHERS_ENLARGED,
    ),
    "png-of-a-jpeg": (
        lambda p, im: _jpeg(p / "photo.jpg", im, 75),
        lambda p, im: _png(p / "photo.png", _decoded(im, 75)),
        KeeperReason.QUALITY,
    ),
    "lossless-master": (
        lambda p, im: _png(p / "photo.png", im),
        lambda p, im: _jpeg(p / "photo.jpg", im, 90),
        KeeperReason.QUALITY,
    ),
    "jpeg-quality": (
        lambda p, im: _jpeg(p / "a.jpg", im, 92),
        lambda p, im: _jpeg(p / "b.jpg", im, 70),
        KeeperReason.QUALITY,
    ),
    "camera-vs-stripped": (
        lambda p, im: _jpeg(p / "a.jpg", im, 90, _camera_exif()),
        lambda p, im: _png(p / "b.png", im),
        KeeperReason.CAMERA_ORIGINAL,
    ),
    "camera-vs-edited": (
        lambda p, im: _jpeg(p / "a.jpg", im, 90, _camera_exif()),
        lambda p, im: _jpeg(
            p / "b.jpg", images.brightness(im, 1.15), 90, _camera_exif(software="GIMP 2.10.34")
        ),
        KeeperReason.CAMERA_ORIGINAL,
    ),
    "camera-vs-rewritten": (
        lambda p, im: _jpeg(p / "a.jpg", im, 90, _camera_exif()),
        lambda p, im: _jpeg(p / "b.jpg", im, 90, _camera_exif(saved="2020:01:01 10:00:00")),
        KeeperReason.CAMERA_ORIGINAL,
    ),
    # The edits are saved at a higher quality than their original: the edit step comes first.
    "grayscale": (
        lambda p, im: _jpeg(p / "a.jpg", im, 85),
        lambda p, im: _jpeg(p / "b.jpg", images.grayscale(im), 95),
        KeeperReason.UNEDITED,
    ),
    "crop-enlarged-back": (
        lambda p, im: _jpeg(p / "a.jpg", im, 85),
        lambda p, im: _jpeg(p / "b.jpg", _cut_and_enlarged(im, 0.08), 95),
        KeeperReason.UNEDITED,
    ),
    "names": (
        lambda p, im: _jpeg(p / "DCIM/100CANON/IMG_1234.JPG", im),
        lambda p, im: _jpeg(p / "Downloads/IMG_1234 (1).JPG", im),
        KeeperReason.ORIGINAL_NAME,
    ),
    "taken": (
        lambda p, im: _jpeg(p / "a.jpg", im, 90, _camera_exif("2019:03:02 09:15:00")),
        lambda p, im: _jpeg(p / "b.jpg", im, 90, _camera_exif("2019:03:03 09:15:00")),
        KeeperReason.TAKEN_FIRST,
    ),
    "modified": (
        lambda p, im: _jpeg(p / "a.jpg", im),
        lambda p, im: _jpeg(p / "b.jpg", im),
        KeeperReason.OLDEST,
    ),
    # Cameras save "fine" JPEGs (quality 95-98), whose tables leave steps of 1 at low
    # frequencies: the PNG made from one holds no more than it. Last, so that the generated
    # pictures of the pairs above keep their seeds.
    "png-of-a-fine-jpeg": (
        lambda p, im: _jpeg(p / "photo.jpg", im, 96),
        lambda p, im: _png(p / "photo.png", _decoded(im, 96)),
        KeeperReason.QUALITY,
    ),
    # Two edits the matcher proves but whose direction its transform cannot tell (either file
    # is the other turned or mirrored): the camera's metadata decides, whatever the quality.
    "scan-turned-90": (
        lambda p, im: _jpeg(p / "a.jpg", im, 85, _camera_exif()),
        lambda p, im: _jpeg(p / "b.jpg", np.ascontiguousarray(np.rot90(im)), 95),
        KeeperReason.CAMERA_ORIGINAL,
    ),
    "mirrored-edit": (
        lambda p, im: _jpeg(p / "a.jpg", im, 85, _camera_exif()),
        lambda p, im: _jpeg(
            p / "b.jpg", cv2.flip(im, 1), 95, _camera_exif(software="Adobe Photoshop 25.0")
        ),
        KeeperReason.CAMERA_ORIGINAL,
    ),
}
# Real photos for each pair: the enlargement needs one whose enlargements leave a trace, the
# lossless master one that never was a JPEG.
REAL = {
    "enlarged": "chelsea",
    "png-of-a-jpeg": "Storm",
    "png-of-a-fine-jpeg": "Dragonfly",
    "scan-turned-90": "Bridge",
    "mirrored-edit": "Picture_0B",
    "lossless-master": "astronaut",
    "jpeg-quality": "china",
    "camera-vs-stripped": "Wood",
    "camera-vs-edited": "TwoWings",
    "camera-vs-rewritten": "free",
    "grayscale": "Aqua",
    "crop-enlarged-back": "ColorfulCups",
    "names": "friends",
    "taken": "Garden",
    "modified": "LadyBird",
    "reference": "Kite",
}


def _real(photo_id: str) -> Bgr:
    try:
        fetched = {p.id: p for p in sources.load_manifest(FETCHED)}
    except FileNotFoundError:
        pytest.skip(f"real photos not fetched into {FETCHED}: run `lookalike accuracy --fetch`")
    img = cv2.imread(str(FETCHED / fetched[photo_id].file), cv2.IMREAD_COLOR)
    assert img is not None
    scale = min(0.99, 700 / max(img.shape[:2]))
    return cv2.resize(img, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)


def _write_pairs(root: Path, picture: Callable[[str], Bgr]) -> None:
    for kind, (keep, copy, _) in PAIRS.items():
        folder = root / "pairs" / kind
        img = picture(kind)
        keep(folder, img)
        kept = set(folder.rglob("*"))
        copy(folder, img)
        for path in folder.rglob("*"):
            if path.is_file():
                later = kind == "modified" and path not in kept
                os.utime(path, (SAME_TIME, SAME_TIME + 3600 * later))
    # A smaller copy in a reference folder is kept over the full-size camera original.
    img = picture("reference")
    _jpeg(root / "reference" / "small.jpg", images.resize(img, 0.5), 80)
    _jpeg(root / "pairs" / "reference" / "IMG_0001.JPG", img, 95, _camera_exif())


@pytest.fixture(scope="module", params=["real", "generated"])
def scanned(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> ScanResult:
    root = tmp_path_factory.mktemp(request.param)
    if request.param == "real":
        _write_pairs(root, lambda kind: _real(REAL[kind]))
    else:
        seeds = {kind: 60 + i for i, kind in enumerate([*PAIRS, "reference"])}
        _write_pairs(root, lambda kind: images.photo(seeds[kind], 700, 500))
    options = ScanOptions(roots=(str(root),), reference_roots=(str(root / "reference"),))
    return collect_result(options, run_scan(options))


def _group_of(result: ScanResult, kind: str) -> Group:
    folder = os.sep + os.path.join("pairs", kind) + os.sep
    found = [g for g in result.groups if any(folder in m.path for m in g.members)]
    assert len(found) == 1, f"{kind}: {len(found)} groups"
    return found[0]


@pytest.mark.parametrize("kind", PAIRS)
def test_the_rank_keeps_the_original_of_each_pair(scanned: ScanResult, kind: str) -> None:
    group = _group_of(scanned, kind)
    assert len(group.members) == 2
    keep, _, reason = PAIRS[kind]
    kept = _relative(group.keeper.path, kind)
    assert kept == _first_written(keep), (kind, kept, group.why)
    assert group.why[0] is reason, group.why
    assert words.keeper_reason(group).startswith("keeper: ")


def _relative(path: str, kind: str) -> str:
    return path.split(os.sep + os.path.join("pairs", kind) + os.sep, 1)[1]


def _first_written(keep: Writer) -> str:
    """The file name (relative to its pair's folder) a pair's keeper writer makes."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        keep(Path(tmp), images.photo(1, 64, 48))
        (made,) = [p for p in Path(tmp).rglob("*") if p.is_file()]
        return str(made.relative_to(tmp))


def test_a_reference_folder_wins_over_everything(scanned: ScanResult) -> None:
    group = _group_of(scanned, "reference")
    assert group.keeper.is_reference
    assert group.why[0] is KeeperReason.REFERENCE
    assert words.keeper_reason(group) == "keeper: in a reference folder"


def test_the_reasons_read_as_a_sentence(scanned: ScanResult) -> None:
    group = _group_of(scanned, "camera-vs-stripped")
    assert words.keeper_reason(group) == "keeper: camera original"
    group = _group_of(scanned, "lossless-master")
    assert words.keeper_reason(group) == "keeper: lossless"
    group = _group_of(scanned, "jpeg-quality")
    assert words.keeper_reason(group) == "keeper: best JPEG quality (92)"


# --- names and folders ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("original", "copy"),
    [
        ("/p/DCIM/100CANON/IMG_1234.JPG", "/p/Backup/IMG_1234 (1).JPG"),
        ("/p/DCIM/Camera/PXL_20210601_120005123.jpg", "/p/Downloads/PXL_20210601_120005123.jpg"),
        ("/p/Pictures/DSC_0042.JPG", "/p/Pictures/DSC_0042-edited.jpg"),
        ("/p/Pictures/DSCF0042.JPG", "/p/Pictures/Copy of DSCF0042.JPG"),
        ("/p/Photos/20190302_091500.jpg", "/p/WhatsApp Images/IMG-20190302-WA0001.jpg"),
        ("/p/Photos/holiday.jpg", "/p/Exports/holiday.jpg"),
        ("/p/Photos/holiday.jpg", "/p/Photos/holiday_small.jpg"),
        ("/p/Photos/holiday.jpg", "/p/Desktop/Screenshot 2021-06-01.png"),
    ],
)
def test_names_and_folders_that_look_original_score_higher(original: str, copy: str) -> None:
    assert ranking.name_score(original) > ranking.name_score(copy)


@pytest.mark.parametrize(
    ("software", "editor"),
    [("GIMP 2.10.34", True), ("Adobe Photoshop Lightroom Classic 12.1", True),
     ("Ver.1.00", False), ("HDR+ 1.0.445", False), ("16.1", False), ("", False)],
)  # fmt: skip
def test_editing_programs_are_told_from_camera_firmware(software: str, editor: bool) -> None:
    assert ranking.is_editor(software) is editor


# --- rules ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def variety(tmp_path_factory: pytest.TempPathFactory) -> Group:
    """One scanned group whose members differ in every way a rule can compare."""
    root = tmp_path_factory.mktemp("rules")
    img = images.photo(77, 800, 600)
    files = {
        "DCIM/IMG_0001.JPG": (lambda p: _jpeg(p, img, 90, _camera_exif()), 100),
        "Archive/long folder name/picture.png": (lambda p: _png(p, img), 300),
        "half.jpg": (lambda p: _jpeg(p, images.resize(img, 0.5), 70), 200),
        "Archive/IMG_0001-2.jpg": (
            lambda p: _jpeg(p, img, 60, _camera_exif("2018:01:01 08:00:00")), 400),
    }  # fmt: skip
    for rel, (write, age) in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        write(path)
        os.utime(path, (SAME_TIME - age, SAME_TIME - age))
    options = ScanOptions(roots=(str(root),))
    (group,) = collect_result(options, run_scan(options)).groups
    assert len(group.members) == 4
    return group


def _kept(group: Group, rules: str) -> str:
    moved = ranking.apply_rules(group, parse_rules(rules))
    root = os.path.commonpath([m.path for m in group.members])
    return os.path.relpath(moved.keeper.path, root)


@pytest.mark.parametrize(
    ("rules", "kept"),
    [
        ("resolution", "DCIM/IMG_0001.JPG"),  # most pixels; the rank breaks the tie
        ("-resolution", "half.jpg"),
        ("size", "Archive/long folder name/picture.png"),
        ("-size", "half.jpg"),
        ("taken", "Archive/IMG_0001-2.jpg"),  # the oldest date taken
        ("-taken", "DCIM/IMG_0001.JPG"),  # newest taken; files without a date stay last
        ("modified", "Archive/IMG_0001-2.jpg"),
        ("-modified", "DCIM/IMG_0001.JPG"),
        ("format=png", "Archive/long folder name/picture.png"),
        ("format=jpg+png,-resolution", "half.jpg"),
        ("-format=jpeg", "Archive/long folder name/picture.png"),
        ("path", "half.jpg"),
        ("-path", "Archive/long folder name/picture.png"),
        ("name=*-2.jpg", "Archive/IMG_0001-2.jpg"),
        ("-name=IMG_*,-size", "half.jpg"),
    ],
)
def test_each_rule_chooses_the_keeper(variety: Group, rules: str, kept: str) -> None:
    assert _kept(variety, rules) == kept


def test_the_folder_rule_keeps_files_in_that_folder(variety: Group) -> None:
    root = os.path.commonpath([m.path for m in variety.members])
    archive = os.path.join(root, "Archive")
    assert _kept(variety, f"folder={archive},-size") == "Archive/IMG_0001-2.jpg"
    assert _kept(variety, f"-folder={archive},-resolution") == "half.jpg"


def test_rules_say_why_in_words(variety: Group) -> None:
    moved = ranking.apply_rules(variety, parse_rules("-size"))
    assert moved.why == (Rule.parse("-size"),)
    assert words.keeper_reason(moved) == "keeper by your rules: smallest file"


def test_no_rules_give_the_default_rank_back(variety: Group) -> None:
    moved = ranking.apply_rules(variety, parse_rules("-size"))
    back = ranking.apply_rules(moved, ())
    assert back.keeper.path == variety.keeper.path
    assert back.why == variety.why
    assert [m.match for m in back.members] == [m.match for m in variety.members]


@pytest.mark.parametrize(
    ("text", "message"),
    [("sharpness", "unknown rule"), ("folder", "needs a value"), ("size=3", "takes no value"),
     (" , ", "no rules")],
)  # fmt: skip
def test_bad_rules_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(RuleError, match=message):
        parse_rules(text)


def test_rules_read_back_as_written() -> None:
    rules = parse_rules("resolution, -size,format=jpg+tif,name=IMG_*")
    assert ",".join(r.text for r in rules) == "resolution,-size,format=JPEG+TIFF,name=IMG_*"


# --- moving the keeper --------------------------------------------------------------------------


def test_a_member_made_keeper_keeps_every_proof(variety: Group) -> None:
    centre = variety.keeper
    half = next(m for m in variety.members if m.path.endswith("half.jpg"))
    moved = ranking.with_keeper(variety, half.path)
    assert moved.keeper.path == half.path
    assert moved.keeper.match is MatchKind.KEEPER
    assert moved.why == (KeeperReason.CHOSEN,)
    by_path = {m.path: m for m in moved.members}
    # The scan's keeper is related to the new keeper by the new keeper's own proof.
    assert by_path[centre.path].match is half.match
    assert by_path[centre.path].proven_with == ""
    # The others were verified against the scan's keeper, and say so.
    others = [m for m in moved.duplicates if m.path != centre.path]
    assert others
    assert all(m.proven_with == centre.path for m in others)
    assert all(words.proof_note(m).startswith("verified against IMG_0001.JPG") for m in others)
    assert moved.reclaimable_bytes == sum(m.size for m in variety.members) - half.size


def test_moving_the_keeper_twice_comes_back_to_the_scan(variety: Group) -> None:
    png = next(m for m in variety.members if m.path.endswith(".png"))
    half = next(m for m in variety.members if m.path.endswith("half.jpg"))
    twice = ranking.with_keeper(ranking.with_keeper(variety, png.path), half.path)
    assert {m.path: m.proven_with for m in twice.members} == {
        m.path: m.proven_with for m in ranking.with_keeper(variety, half.path).members
    }
    back = ranking.with_keeper(twice, variety.keeper.path, variety.why)
    assert back.keeper == variety.keeper
    assert back.why == variety.why
    assert {m.path: m for m in back.members} == {m.path: m for m in variety.members}


def test_byte_copies_stay_identical_to_a_new_keeper(tmp_path: Path) -> None:
    img = images.photo(88, 640, 480)
    _jpeg(tmp_path / "IMG_0002.JPG", img, 90, _camera_exif())
    (tmp_path / "copy").mkdir()
    (tmp_path / "copy" / "IMG_0002.JPG").write_bytes((tmp_path / "IMG_0002.JPG").read_bytes())
    _jpeg(tmp_path / "small.jpg", images.resize(img, 0.5), 80)
    options = ScanOptions(roots=(str(tmp_path),))
    (group,) = collect_result(options, run_scan(options)).groups
    small = next(m for m in group.members if m.path.endswith("small.jpg"))
    moved = ranking.with_keeper(group, small.path)
    # Both byte copies are related to the new keeper directly: its proof holds for either.
    assert [(m.match, m.proven_with) for m in moved.duplicates] == [(small.match, "")] * 2
    copy = next(m for m in group.members if "copy" in m.path)
    again = ranking.with_keeper(moved, copy.path)
    assert {m.path: m.match for m in again.duplicates}[group.keeper.path] is MatchKind.IDENTICAL


def test_a_member_that_is_not_in_the_group_cannot_be_keeper(variety: Group) -> None:
    with pytest.raises(KeyError):
        ranking.with_keeper(variety, "/not/a/member.jpg")
    broken = replace(
        variety, members=(variety.keeper, replace(variety.members[1], proven_with="/elsewhere.jpg"))
    )
    with pytest.raises(ValueError, match="not a member"):
        ranking.with_keeper(broken, variety.keeper.path)
