"""Laying one copy on another: the matcher's transform (mirror, turn, scale) undone, a crop's
offset fitted, and the difference small for true copies and large for other pictures."""

from __future__ import annotations

import numpy as np
import pytest

from lookalike.bench.photos import crop_sides, quarter_turns
from lookalike.core.alignment import align, second_to_first
from lookalike.core.model import IDENTITY, Transform
from tests import images

EDGE = 320


@pytest.fixture(scope="module")
def picture() -> np.ndarray:
    return images.photo(4242, EDGE, EDGE * 3 // 4)


def _size(picture: np.ndarray) -> tuple[int, int]:
    return picture.shape[1], picture.shape[0]


def _aligned_difference(keeper: np.ndarray, copy: np.ndarray, transform: Transform) -> float:
    to_first = second_to_first(IDENTITY, transform, _size(keeper), _size(copy))
    crop = transform.first_shown < 1 or transform.second_shown < 1
    return align(keeper, copy, to_first, crop=crop).mean_difference


@pytest.mark.parametrize(
    ("make", "transform"),
    [
        (lambda p: images.resize(p, 0.5), Transform(scale=0.5)),
        (images.mirror, Transform(mirrored=True)),
        (lambda p: quarter_turns(p, 1), Transform(turn_degrees=90.0)),
        (lambda p: quarter_turns(p, 3), Transform(turn_degrees=270.0)),
        (
            lambda p: images.resize(images.mirror(quarter_turns(p, 1)), 0.75),
            # Mirrored first, then turned: the mirror of a turn by -90 is a turn by 90 then a
            # mirror, so this copy is "mirror, then turn by 270".
            Transform(turn_degrees=270.0, mirrored=True, scale=0.75),
        ),
        (
            lambda p: crop_sides(p, 0.2, 0.1, 0.05, 0.15),
            Transform(first_shown=0.75 * 0.75),
        ),
    ],
    ids=["half", "mirror", "turn90", "turn270", "mirror-turn-scale", "crop"],
)
def test_a_copy_lies_on_its_keeper(picture, make, transform) -> None:
    copy = make(picture)
    fitted = _aligned_difference(picture, copy, transform)
    assert fitted < 0.03
    # Without the transform (resized onto the keeper only) the same pair is far apart: the
    # alignment is doing the work.
    if transform.mirrored or transform.turn_degrees:
        assert align(picture, copy).mean_difference > 3 * fitted


def test_the_inverse_direction_lies_too(picture) -> None:
    """The keeper laid on its copy: the copy's transform undone the other way round."""
    copy = images.resize(quarter_turns(picture, 1), 0.5)
    turned = Transform(turn_degrees=90.0, scale=0.5)
    to_first = second_to_first(turned, IDENTITY, _size(copy), _size(picture))
    assert align(copy, picture, to_first).mean_difference < 0.03


def test_two_copies_meet_through_their_keeper(picture) -> None:
    """Neither side is the keeper: each transform goes back to it."""
    mirrored = images.mirror(picture)
    turned = quarter_turns(picture, 1)
    to_first = second_to_first(
        Transform(mirrored=True), Transform(turn_degrees=90.0), _size(mirrored), _size(turned)
    )
    assert align(mirrored, turned, to_first).mean_difference < 0.03


def test_decoded_sizes_are_taken_into_account(picture) -> None:
    """Pictures decoded at a fraction of their size: the fractions enter the map."""
    copy = images.resize(picture, 0.5)  # the copy at half size ...
    small_keeper = images.resize(picture, 0.5)  # ... and the keeper decoded at half size too
    to_first = second_to_first(IDENTITY, IDENTITY, _size(picture), _size(copy), 0.5, 1.0)
    assert align(small_keeper, copy, to_first).mean_difference < 0.03


def test_the_scale_comes_from_the_sizes_not_the_recorded_one(picture) -> None:
    """A match found by the signatures records the turn only: the size still fits."""
    copy = images.resize(quarter_turns(picture, 1), 0.4)
    unmeasured = Transform(turn_degrees=90.0)  # scale left at 1.0
    to_first = second_to_first(IDENTITY, unmeasured, _size(picture), _size(copy))
    assert align(picture, copy, to_first).mean_difference < 0.03


def test_an_edit_shows_where_it_is(picture) -> None:
    edited = picture.copy()
    edited[10:60, 20:120] = (0, 0, 255)  # a red label
    result = align(picture, edited, second_to_first(IDENTITY, IDENTITY, (1, 1), (1, 1)))
    strength = result.difference.astype(int).sum(axis=2)
    assert strength[20:50, 30:110].mean() > 3 * strength[120:, 150:].mean()
    assert result.covered > 0.95


def test_another_picture_differs_a_lot(picture) -> None:
    other = images.photo(777, EDGE, EDGE * 3 // 4)
    same_size = second_to_first(IDENTITY, IDENTITY, (1, 1), (1, 1))
    assert align(picture, other, same_size).mean_difference > 0.1


def test_an_unknown_transform_falls_back_to_resizing(picture) -> None:
    copy = images.resize(picture, 0.5)
    result = align(picture, copy)
    assert not result.used_transform
    assert result.mean_difference < 0.03
    assert result.second.shape == picture.shape


def test_a_fit_a_little_off_is_polished_on_the_pixels(picture) -> None:
    """A crop's share measured 4 % short and half a degree of turn: a few pixels off at the
    edges, which the polish (ECC on the pixels) takes out."""
    copy = crop_sides(picture, 0.06, 0.06, 0.06, 0.06)  # shows 77 % of the area
    measured = Transform(first_shown=0.74, turn_degrees=0.5)
    assert _aligned_difference(picture, copy, measured) < 0.03
