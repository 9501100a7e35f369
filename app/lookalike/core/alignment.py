"""Putting one member's picture on top of another's, to show where they differ: undo how each
was made from the keeper (mirror, turn, scale: the matcher's transform), fit what is left of the
offset (a crop) by phase correlation, and draw the difference.

Works on decoded pixels (BGR ``uint8`` arrays) the caller made at a modest size; Qt-free, so the
window runs it on a worker thread and a test or a script can run it anywhere.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from lookalike.core.model import Transform

# Differences below this (of 255) are resampling and re-encoding noise, not an edit.
NOISE_LEVEL = 10
# Shown differences are stretched so that a difference of this (of 255) is full strength.
FULL_STRENGTH_LEVEL = 64
_BLUR_SIGMA_PX = 1.0  # both pictures, before comparing: resampling leaves one-pixel ripples
_UNCOVERED_GREY = 96  # where the second picture shows nothing
REFINE_EDGE_PX = 480  # the polish of the fit works on copies this large
REFINE_STEPS = 60
REFINE_MAX_SHIFT = 0.05  # of the picture's size: a polish moves no corner further


@dataclass(frozen=True, slots=True)
class Aligned:
    """Two pictures in the first one's frame, and where they differ."""

    first: np.ndarray  # the first picture (BGR)
    second: np.ndarray  # the second, moved onto the first (BGR, same shape); grey where uncovered
    difference: np.ndarray  # the first dimmed to grey, differences in warm colours (BGR)
    covered: float  # fraction of the first's area the second shows
    mean_difference: float  # average difference over the covered area, 0..1
    used_transform: bool  # the matcher's transform was known and used (else: size only)


def _turn_and_mirror(transform: Transform) -> np.ndarray:
    """The 2x2 map of ``transform``'s turn and mirror in pixel coordinates (x right, y down):
    mirror left-right, then turn clockwise."""
    angle = math.radians(transform.turn_degrees)
    cos, sin = math.cos(angle), math.sin(angle)
    turn = np.array([[cos, -sin], [sin, cos]])
    mirror = np.diag([-1.0, 1.0]) if transform.mirrored else np.eye(2)
    linear: np.ndarray = turn @ mirror
    return linear


def _keeper_scale_squared(transform: Transform, size: tuple[int, int]) -> float:
    """A member's scale from its keeper, squared, times the keeper's area (which cancels)."""
    width, height = size
    return width * height * transform.second_shown / max(transform.first_shown, 1e-6)


def second_to_first(
    first: Transform,
    second: Transform,
    first_size: tuple[int, int],
    second_size: tuple[int, int],
    first_decoded: float = 1.0,
    second_decoded: float = 1.0,
) -> np.ndarray:
    """The 2x2 map from the second picture's decoded pixels to the first one's.

    Args:
        first, second: how each member shows its keeper's picture (the keeper's own is the
            identity), so the second goes back to the keeper and on to the first.
        first_size, second_size: each picture's full size (width, height), as shown upright.
        first_decoded, second_decoded: the fraction of its full width each was decoded at.

    The scale comes from the sizes and the shares of the picture each shows (a member showing
    the fraction ``first_shown`` of its keeper's area, of which it is ``second_shown``, has
    ``scale² = area × second_shown / (first_shown × keeper area)``), not from the transform's
    own ``scale``: a match found by the signatures records the turn but not the size.
    """
    turn = _turn_and_mirror(first) @ np.linalg.inv(_turn_and_mirror(second))
    scale = math.sqrt(
        _keeper_scale_squared(first, first_size) / _keeper_scale_squared(second, second_size)
    )
    return (first_decoded / second_decoded) * scale * turn


def _phase_shift(
    first_gray: np.ndarray, second_gray: np.ndarray, covered: np.ndarray
) -> tuple[tuple[float, float], float]:
    """The shift (dx, dy) that best lays ``second_gray`` on ``first_gray``, and how sure the
    fit is (0..1)."""
    a = first_gray.astype(np.float32)
    b = second_gray.astype(np.float32)
    # Uncovered pixels take the covered mean, so the empty border is not a feature to match.
    if covered.any():
        b[~covered] = float(b[covered].mean())
    window = cv2.createHanningWindow((a.shape[1], a.shape[0]), cv2.CV_32F)
    (dx, dy), response = cv2.phaseCorrelate(b, a, window)
    return (float(dx), float(dy)), float(response)


def align(
    first: np.ndarray,
    second: np.ndarray,
    to_first: np.ndarray | None = None,
    *,
    crop: bool = False,
) -> Aligned:
    """Lay ``second`` on ``first`` and compare them.

    Args:
        first: BGR picture whose frame the result uses.
        second: BGR picture to move onto it.
        to_first: the 2x2 map from ``second``'s pixels to ``first``'s (see
            ``second_to_first``); None: the second is only resized to the first's size, with
            its orientation as decoded.
        crop: one picture shows more than the other, so the centres need not meet: the offset
            is fitted from the pixels.
    """
    h, w = first.shape[:2]
    if to_first is None:
        matrix = np.array(
            [[w / second.shape[1], 0.0, 0.0], [0.0, h / second.shape[0], 0.0]], dtype=np.float64
        )
    else:
        # Centre onto centre, then the fitted offset for a crop.
        centre_first = np.array([(w - 1) / 2, (h - 1) / 2])
        centre_second = np.array([(second.shape[1] - 1) / 2, (second.shape[0] - 1) / 2])
        offset = centre_first - to_first @ centre_second
        matrix = np.hstack([to_first, offset.reshape(2, 1)])
    moved, covered = _warp(second, matrix, (w, h))
    if crop or to_first is None:
        (dx, dy), response = _phase_shift(_gray(first), _gray(moved), covered)
        # A weak peak is no evidence: keep the centred fit.
        if response > 0.05 and abs(dx) < w / 2 and abs(dy) < h / 2:
            matrix[:, 2] += (dx, dy)
            moved, covered = _warp(second, matrix, (w, h))
    refined = _refine(first, second, matrix)
    if refined is not None:
        moved, covered = _warp(second, refined, (w, h))
    return _compare(first, moved, covered, used_transform=to_first is not None)


def _refine(first: np.ndarray, second: np.ndarray, matrix: np.ndarray) -> np.ndarray | None:
    """The fit polished on the pixels (ECC, affine, on small grey copies): a crop's measured
    share or a turn of half a degree is a few pixels off at full size, and a few pixels show
    as a bright outline on every edge. None when it does not converge (the fit stays)."""
    h, w = first.shape[:2]
    factor = min(1.0, REFINE_EDGE_PX / max(h, w))
    small_first = cv2.resize(_gray(first), None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    scale_second = min(1.0, REFINE_EDGE_PX / max(second.shape[:2]))
    small_second = cv2.resize(
        _gray(second), None, fx=scale_second, fy=scale_second, interpolation=cv2.INTER_AREA
    )
    # From the second's small pixels to the first's small pixels, then inverted: ECC warps
    # its input (the second) by a map from the template's (the first's) coordinates.
    to_small = np.diag([factor, factor, 1.0]) @ np.vstack([matrix, [0, 0, 1]])
    to_small = to_small @ np.diag([1 / scale_second, 1 / scale_second, 1.0])
    warp = np.linalg.inv(to_small)[:2].astype(np.float32)
    criteria = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, REFINE_STEPS, 1e-5)
    # Every pixel of the second counts; ECC itself leaves out the first's pixels that the
    # moved second does not reach (a crop).
    mask = np.full(small_second.shape, 255, np.uint8)
    try:
        _, found = cv2.findTransformECC(
            small_first.astype(np.float32),
            small_second.astype(np.float32),
            warp,
            cv2.MOTION_AFFINE,
            criteria,
            mask,
            5,
        )
    except cv2.error:
        return None
    back = np.linalg.inv(np.vstack([np.asarray(found, np.float64), [0, 0, 1]]))
    full = np.diag([1 / factor, 1 / factor, 1.0]) @ back @ np.diag([scale_second, scale_second, 1])
    refined: np.ndarray = full[:2]
    # A polish, not a new fit: a result far from the matcher's is a wrong turn of ECC.
    corners = np.array([[0, 0, 1], [w, 0, 1], [0, h, 1], [w, h, 1]], dtype=np.float64).T
    inverse_before = np.linalg.inv(np.vstack([matrix, [0, 0, 1]]))[:2]
    inverse_after = np.linalg.inv(np.vstack([refined, [0, 0, 1]]))[:2]
    moved = np.abs(inverse_before @ corners - inverse_after @ corners).max()
    return refined if moved < REFINE_MAX_SHIFT * max(h, w) else None


def _warp(
    picture: np.ndarray, matrix: np.ndarray, size: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    moved = cv2.warpAffine(
        picture,
        matrix,
        size,
        flags=cv2.INTER_AREA if abs(np.linalg.det(matrix[:, :2])) < 1 else cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=(_UNCOVERED_GREY,) * 3,
    )
    ones = np.full(picture.shape[:2], 255, np.uint8)
    mask = cv2.warpAffine(ones, matrix, size, flags=cv2.INTER_NEAREST, borderValue=0)
    # One pixel in from the edge: the border's interpolated pixels are half grey.
    covered = cv2.erode(mask, np.ones((3, 3), np.uint8)) > 0
    return moved, covered


def _gray(picture: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(picture, cv2.COLOR_BGR2GRAY)


def _compare(
    first: np.ndarray, second: np.ndarray, covered: np.ndarray, *, used_transform: bool
) -> Aligned:
    a = cv2.GaussianBlur(first, (0, 0), _BLUR_SIGMA_PX)
    b = cv2.GaussianBlur(second, (0, 0), _BLUR_SIGMA_PX)
    delta = cv2.absdiff(a, b).max(axis=2)
    delta[~covered] = 0
    signal = np.clip(delta.astype(np.int16) - NOISE_LEVEL, 0, None)
    strength = np.clip(signal * (255.0 / FULL_STRENGTH_LEVEL), 0, 255).astype(np.uint8)
    base = cv2.cvtColor(_gray(first), cv2.COLOR_GRAY2BGR)
    base = (base * 0.45).astype(np.uint8)
    heat = cv2.applyColorMap(strength, cv2.COLORMAP_INFERNO)
    alpha = (strength.astype(np.float32) / 255.0)[..., None]
    shown = (base * (1 - alpha) + heat * alpha).astype(np.uint8)
    shown[~covered] = _UNCOVERED_GREY
    area = int(covered.sum())
    mean = float(delta[covered].mean()) / 255.0 if area else 0.0
    return Aligned(
        first=first,
        second=second,
        difference=shown,
        covered=area / covered.size if covered.size else 0.0,
        mean_difference=mean,
        used_transform=used_transform,
    )
