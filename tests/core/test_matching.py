"""The matching pipeline (`lookalike.core.matching`): real image files fingerprinted by the worker
function, fed to the `Matcher`; the candidates it proposes and the matches it verifies (kind,
score, transform), in any arrival order."""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from lookalike.bench import photos
from lookalike.core.matching import fingerprint as fp_module
from lookalike.core.matching import regions
from lookalike.core.matching.fingerprint import FileTask, Fingerprint, fingerprint_files
from lookalike.core.matching.kinds import IDENTITY, Match, Transform
from lookalike.core.matching.matcher import Matcher
from lookalike.core.model import MatchKind, Sensitivity
from tests import images
from tests.core.test_verify import real


def fingerprints(paths: list[Path]) -> list[Fingerprint]:
    tasks = []
    for p in paths:
        st = os.stat(p)
        tasks.append(FileTask(str(p), st.st_size, st.st_mtime_ns, False))
    out = fingerprint_files(tasks)
    assert all(isinstance(r, Fingerprint) for r in out)
    return [r for r in out if isinstance(r, Fingerprint)]


def matches(
    prints: list[Fingerprint], sensitivity: Sensitivity, order: list[int] | None = None
) -> dict[tuple[str, str], Match]:
    """Every verified pair among ``prints`` (fed one at a time in ``order``), by file name in
    sorted order, the match mapping the first name onto the second."""
    matcher = Matcher(sensitivity, find_rotated=True)
    found: dict[tuple[str, str], Match] = {}
    added = [matcher.add([i], [prints[i].path], [prints[i]]) for i in order or range(len(prints))]
    for proposals in [*added, *matcher.finish()]:
        pairs = list(zip(proposals.first.tolist(), proposals.second.tolist(), strict=True))
        for (a, b), match in zip(pairs, matcher.verify(pairs), strict=True):
            if match is None:
                continue
            na, nb = Path(prints[a].path).name, Path(prints[b].path).name
            found[min(na, nb), max(na, nb)] = match if na < nb else match.reversed()
    return found


def copy_matches(tmp_path: Path, copy: images.Bgr, sensitivity: Sensitivity) -> list[Match]:
    """The matches of a copy of photo 31 with it (as "a-original" onto "b-copy"), beside an
    unrelated photo."""
    original = images.save(tmp_path / "a-original.jpg", images.photo(31, 800, 600))
    other = images.save(tmp_path / "c-other.jpg", images.photo(32, 800, 600))
    made = images.save(tmp_path / "b-copy.jpg", copy)
    found = matches(fingerprints([original, other, made]), sensitivity)
    assert all("c-other.jpg" not in pair for pair in found)
    return list(found.values())


def test_resized_copy_is_the_same_picture(tmp_path: Path) -> None:
    copy = images.resize(images.photo(31, 800, 600), 0.5)
    found = copy_matches(tmp_path, copy, Sensitivity.NORMAL)
    assert [m.kind for m in found] == [MatchKind.SAME_PICTURE]
    assert found[0].transform == IDENTITY
    assert found[0].score > 0.99


@pytest.mark.parametrize(
    ("make", "turn", "mirrored"),
    [(images.rotate90, 90.0, False), (images.mirror, 0.0, True)],
)
def test_turned_and_mirrored_copies_say_how(
    tmp_path: Path, make: Callable[[images.Bgr], images.Bgr], turn: float, mirrored: bool
) -> None:
    found = copy_matches(tmp_path, make(images.photo(31, 800, 600)), Sensitivity.NORMAL)
    assert [m.kind for m in found] == [MatchKind.SIMILAR]
    assert (found[0].transform.turn_degrees, found[0].transform.mirrored) == (turn, mirrored)


def test_cropped_copy_is_found_at_normal_only(tmp_path: Path) -> None:
    cropped = images.crop_border(images.photo(31, 800, 600), 0.16)
    found = copy_matches(tmp_path, cropped, Sensitivity.NORMAL)
    assert [m.kind for m in found] == [MatchKind.SIMILAR]
    assert found[0].transform.first_shown < 0.8  # the copy shows about 70 % of the original
    assert found[0].transform.second_shown == 1.0
    assert copy_matches(tmp_path, cropped, Sensitivity.STRICT) == []


def proposed(prints: list[Fingerprint], sensitivity: Sensitivity) -> set[tuple[str, str]]:
    """The candidate pairs (file names, sorted) before verification."""
    matcher = Matcher(sensitivity, find_rotated=True)
    found = set()
    added = [matcher.add([i], [fp.path], [fp]) for i, fp in enumerate(prints)]
    for proposals in [*added, *matcher.finish()]:
        for a, b in zip(proposals.first.tolist(), proposals.second.tolist(), strict=True):
            na, nb = Path(prints[a].path).name, Path(prints[b].path).name
            found.add((min(na, nb), max(na, nb)))
    return found


@pytest.mark.parametrize("crop_first", [False, True])
def test_trimmed_cropped_and_straightened_copies_are_proposed(
    tmp_path: Path, crop_first: bool
) -> None:
    """Region hashes propose a copy trimmed by 3-4 %, one with 20 % cut off unevenly and one
    turned by 17° or 29° and cut to its upright rectangle, whichever file comes first."""
    base = images.photo(36, 900, 600)
    made = {
        "trimmed": images.crop_sides(base, 0.04, 0.03, 0.03, 0.04),
        "cropped": images.crop_sides(base, 0.08, 0.12, 0.12, 0.08),
        "turned17": images.turn_and_crop(base, 17),
        "turned-29": images.turn_and_crop(base, -29),
    }
    copies = [images.save(tmp_path / f"{name}.jpg", img) for name, img in made.items()]
    original = images.save(tmp_path / "original.jpg", base)
    other = images.save(tmp_path / "other.jpg", images.photo(37, 900, 600))
    prints = fingerprints([*copies, original, other] if crop_first else [original, other, *copies])
    expected = {tuple(sorted(("original.jpg", f"{name}.jpg"))) for name in made}
    assert expected <= proposed(prints, Sensitivity.NORMAL)
    assert not any("other.jpg" in pair for pair in proposed(prints, Sensitivity.NORMAL))
    # Strict has no region search: the whole-picture hashes miss the cropped and turned ones.
    missed = {pair for pair in expected if "trimmed.jpg" not in pair}
    assert not missed & proposed(prints, Sensitivity.STRICT)


def test_region_hashes_agree_with_the_whole_picture_hash(tmp_path: Path) -> None:
    """The identity region sampled the regions' way lands on the pHash, and each region of a
    picture is the pHash of that region cut out at full resolution."""
    base = images.photo(38, 800, 600)
    gray = cv2.cvtColor(base, cv2.COLOR_BGR2GRAY)
    specs = regions.region_specs(800, 600)
    hashes = np.frombuffer(regions.region_hashes(gray), dtype="<u8")
    assert len(hashes) == regions.REGION_COUNT == len(specs)
    _, _, keep, degrees = specs[0]
    assert degrees == 0
    w, h = round(800 * keep), round(600 * keep)
    cut = np.ascontiguousarray(gray[300 - h // 2 : 300 + h // 2, 400 - w // 2 : 400 + w // 2])
    whole = int.from_bytes(fp_module.hashes_and_signature(cut)[0][:8], "little")
    assert bin(whole ^ int(hashes[0])).count("1") <= 6
    turned = cv2.cvtColor(images.turn_and_crop(base, specs[-1][3]), cv2.COLOR_BGR2GRAY)
    turned_hash = int.from_bytes(fp_module.hashes_and_signature(turned)[0][:8], "little")
    assert bin(turned_hash ^ int(hashes[-1])).count("1") <= 6


def test_candidates_and_verdicts_do_not_depend_on_arrival_order(tmp_path: Path) -> None:
    """Copies of every kind, neighbouring views of one scene and unrelated photos: every order
    of arrival gives the same verified pairs with the same matches."""
    base = images.photo(33, 800, 600)
    scene = images.photo(34, 1200, 600)
    pictures = {
        "original": base,
        "half": images.resize(base, 0.5),
        "turned": images.rotate90(base),
        "mirrored": images.mirror(images.resize(base, 0.7)),
        "cropped": images.crop_border(base, 0.14),
        "view0": images.window(scene, 0.0, 0.5),
        "view1": images.window(scene, 0.01, 0.5),
        "view2": images.window(scene, 0.02, 0.5),
        "other": images.photo(35, 800, 600),
    }
    paths = [images.save(tmp_path / f"{name}.jpg", img) for name, img in pictures.items()]
    prints = fingerprints(paths)
    reference = matches(prints, Sensitivity.NORMAL)
    assert ("half.jpg", "original.jpg") in reference
    assert ("original.jpg", "turned.jpg") in reference
    assert ("view0.jpg", "view1.jpg") in reference
    assert ("view0.jpg", "view2.jpg") not in reference  # two steps apart: too far
    rng = random.Random(5)
    for _ in range(15):
        order = list(range(len(prints)))
        rng.shuffle(order)
        assert matches(prints, Sensitivity.NORMAL, order) == reference


def test_transform_inverse_round_trips() -> None:
    t = Transform(turn_degrees=17.0, mirrored=False, scale=0.5, first_shown=0.8)
    back = t.inverse()
    assert (back.turn_degrees, back.scale, back.first_shown, back.second_shown) == (
        343.0,
        2.0,
        1.0,
        0.8,
    )
    assert back.inverse() == t
    mirrored = Transform(turn_degrees=90.0, mirrored=True)
    assert mirrored.inverse() == mirrored  # mirror-then-turn undoes itself


def test_a_copy_marked_along_its_borders_is_proposed_by_its_inner_hash(tmp_path: Path) -> None:
    """A caption band and a mark along the edges move the whole-picture hash beyond the radius;
    the inner hashes (without 8 % of each side) still agree, so the pair is proposed."""
    base = images.photo(38, 900, 600)
    marked = base.copy()
    h, w = marked.shape[:2]
    band = int(0.07 * h)
    marked[h - band :] = (250, 250, 250)
    cv2.putText(marked, "lookalike photo club", (int(0.1 * w), h - band // 4),
                cv2.FONT_HERSHEY_SIMPLEX, 1.2, (20, 20, 20), 3, cv2.LINE_AA)  # fmt: skip
    marked[:, : int(0.07 * w)] = (250, 250, 250)
    original = images.save(tmp_path / "original.jpg", base)
    copy = images.save(tmp_path / "marked.jpg", marked)
    other = images.save(tmp_path / "other.jpg", images.photo(39, 900, 600))
    prints = fingerprints([original, copy, other])
    whole = bin(prints[0].phash ^ prints[1].phash).count("1")
    inner = bin(prints[0].inner_hash ^ prints[1].inner_hash).count("1")
    radius = Matcher(Sensitivity.NORMAL, find_rotated=True).thresholds.max_hash_distance
    assert inner <= radius < whole
    found = proposed(prints, Sensitivity.NORMAL)
    assert ("marked.jpg", "original.jpg") in found
    assert not any("other.jpg" in pair for pair in found)


def test_a_texture_with_a_logo_in_a_corner_is_proposed_by_its_centre(tmp_path: Path) -> None:
    """A brick wall's low frequencies are faint: a logo in its lower left corner moves the
    whole-picture hash and the inner one beyond the radius. The centre windows (without 12.5 %
    of each side) leave the logo out and agree."""
    wall = real("brick.png")
    original = images.save(tmp_path / "original.jpg", wall)
    logo = images.save(tmp_path / "logo.jpg", photos.watermark(wall, "lookalike photo club"))
    other = images.save(tmp_path / "other.jpg", real("gravel.png"))
    prints = fingerprints([original, logo, other])
    radius = Matcher(Sensitivity.NORMAL, find_rotated=True).thresholds.max_hash_distance
    assert bin(prints[0].phash ^ prints[1].phash).count("1") > radius
    assert bin(prints[0].inner_hash ^ prints[1].inner_hash).count("1") > radius
    found = proposed(prints, Sensitivity.NORMAL)
    assert ("logo.jpg", "original.jpg") in found
    assert not any("other.jpg" in pair for pair in found)


def test_a_crop_taken_mostly_from_one_side_is_proposed(tmp_path: Path) -> None:
    """24 % of the width and height cut, most of it from one side: the window kept sits off
    centre along one axis, where the regions shifted along an axis find it."""
    base = images.photo(40, 900, 600)
    made = {
        "right": images.crop_sides(base, 0.03, 0.12, 0.21, 0.12),
        "bottom": images.crop_sides(base, 0.12, 0.03, 0.12, 0.21),
        "left": images.crop_sides(base, 0.21, 0.12, 0.03, 0.12),
    }
    copies = [images.save(tmp_path / f"{name}.jpg", img) for name, img in made.items()]
    original = images.save(tmp_path / "original.jpg", base)
    other = images.save(tmp_path / "other.jpg", images.photo(41, 900, 600))
    prints = fingerprints([original, other, *copies])
    for copy in prints[2:]:
        # Too far for the whole-picture hash: only a region proposes it.
        assert bin(prints[0].phash ^ copy.phash).count("1") > 10
    found = proposed(prints, Sensitivity.NORMAL)
    assert {tuple(sorted(("original.jpg", f"{name}.jpg"))) for name in made} <= found
    assert not any("other.jpg" in pair for pair in found)
