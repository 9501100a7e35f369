"""The matching pipeline (`lookalike.core.matching`): real image files fingerprinted by the worker
function, fed to the `Matcher`, and the matches it returns: kind, score and transform."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from lookalike.core.matching.fingerprint import FileTask, Fingerprint, fingerprint_files
from lookalike.core.matching.kinds import IDENTITY, Match, Transform
from lookalike.core.matching.matcher import Matcher
from lookalike.core.model import MatchKind, Sensitivity
from tests import images


def _prints(paths: list[Path]) -> list[Fingerprint]:
    tasks = []
    for p in paths:
        st = os.stat(p)
        tasks.append(FileTask(str(p), st.st_size, st.st_mtime_ns, False))
    out = fingerprint_files(tasks)
    assert all(isinstance(r, Fingerprint) for r in out)
    return [r for r in out if isinstance(r, Fingerprint)]


def _matches(tmp_path: Path, copy: images.Bgr, sensitivity: Sensitivity) -> list[Match]:
    original = images.save(tmp_path / "original.jpg", images.photo(31, 800, 600))
    other = images.save(tmp_path / "other.jpg", images.photo(32, 800, 600))
    made = images.save(tmp_path / "copy.jpg", copy)
    matcher = Matcher(sensitivity, find_rotated=True)
    # One image per batch: pairs across batches are found as well as within one.
    found = [m for fp in _prints([original, other, made]) for m in matcher.add([fp])]
    assert all("other" not in a and "other" not in b for a, b, _ in found)
    # Transforms map the first path onto the second: say them from the original.
    return [m if a.endswith("original.jpg") else m.reversed() for a, b, m in found]


def test_resized_copy_is_the_same_picture(tmp_path: Path) -> None:
    found = _matches(tmp_path, images.resize(images.photo(31, 800, 600), 0.5), Sensitivity.NORMAL)
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
    found = _matches(tmp_path, make(images.photo(31, 800, 600)), Sensitivity.NORMAL)
    assert [m.kind for m in found] == [MatchKind.SIMILAR]
    assert (found[0].transform.turn_degrees, found[0].transform.mirrored) == (turn, mirrored)


def test_cropped_copy_is_found_by_the_crop_source_at_normal_only(tmp_path: Path) -> None:
    cropped = images.crop_border(images.photo(31, 800, 600), 0.16)
    found = _matches(tmp_path, cropped, Sensitivity.NORMAL)
    assert [m.kind for m in found] == [MatchKind.SIMILAR]
    assert found[0].transform.first_shown < 0.8  # the copy shows about 70 % of the original
    assert found[0].transform.second_shown == 1.0
    assert _matches(tmp_path, cropped, Sensitivity.STRICT) == []


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
