"""The matching pipeline (`lookalike.core.matching`): real image files fingerprinted by the worker
function, fed to the `Matcher`; the candidates it proposes and the matches it verifies (kind,
score, transform), in any arrival order."""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from pathlib import Path

import pytest

from lookalike.core.matching.fingerprint import FileTask, Fingerprint, fingerprint_files
from lookalike.core.matching.kinds import IDENTITY, Match, Transform
from lookalike.core.matching.matcher import Matcher
from lookalike.core.model import MatchKind, Sensitivity
from tests import images


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
    for i in order or range(len(prints)):
        fp = prints[i]
        proposals = matcher.add([i], [fp.path], [fp])
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


def test_cropped_copy_is_found_by_the_crop_source_at_normal_only(tmp_path: Path) -> None:
    cropped = images.crop_border(images.photo(31, 800, 600), 0.16)
    found = copy_matches(tmp_path, cropped, Sensitivity.NORMAL)
    assert [m.kind for m in found] == [MatchKind.SIMILAR]
    assert found[0].transform.first_shown < 0.8  # the copy shows about 70 % of the original
    assert found[0].transform.second_shown == 1.0
    assert copy_matches(tmp_path, cropped, Sensitivity.STRICT) == []


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
