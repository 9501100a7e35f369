"""Candidates for cropped and turned copies: region hashes.

A copy with its borders trimmed, a large part cut out, or the picture turned by a few degrees and
cut to the largest upright rectangle (a photo editor's "straighten") shows one region of the
original. Each image gets the 64-bit hash of a fixed family of such regions; a pair is proposed
when the whole-picture hash of one lies within the radius of a region hash of the other. The
rule is symmetric (either may be the original), so the answer does not depend on which came
first; both directions are searched.

The family, measured on the real photographs of `lookalike accuracy` (tests/bench/
bench_candidates.py prints the figures): one window without 8 % of each side (copies trimmed by
2-5 % a side), 15 windows of 75-85 % of the picture at and around the centre (10-30 % cut off,
not always evenly), and the largest upright window of the picture turned by 8-44° either way, in
steps of 6° (the pHash tolerates about 3° of turn). Quarter turns and mirrors of the whole
picture are the whole-picture source's job.

Region hashes are cheap: the decoded image is shrunk once to 64 pixels, every region is sampled
from it in one `cv2.remap` at 2x2 samples per hash cell, and the 8x8 low frequencies of all of
them come from two matrix products. The hash agrees with `fingerprint.hashes_and_signature`'s
pHash (median 0, 90th percentile 2 bits apart on the whole picture), so the region hashes of one
image can be compared with the whole-picture hash of another.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence
from functools import cache, lru_cache
from typing import TYPE_CHECKING

import cv2
import numpy as np
import numpy.typing as npt

from lookalike.core.matching.candidates import Ids, Proposals
from lookalike.core.matching.index import HashIndex

if TYPE_CHECKING:  # fingerprint.py imports this module
    from lookalike.core.matching.fingerprint import Fingerprint

_EDGE = 32  # hash cells per side, as the whole-picture pHash
_OVERSAMPLE = 2  # samples per cell and axis, averaged: enough against aliasing (measured)
_SMALL_PX = 64  # long side of the shrunk image the regions are sampled from

TRIM_KEEP = 0.92
CROP_WINDOWS = ((0.75, 0.05), (0.85, 0.03))  # (side kept, shift of the 4 diagonal ones)
TURN_DEGREES = (8, 16, 24, 32, 40)
REGION_COUNT = 1 + 5 * len(CROP_WINDOWS) + 2 * len(TURN_DEGREES)

Gray = npt.NDArray[np.uint8]


def turned_keep(width: int, height: int, degrees: float) -> float:
    """The side of the largest upright window of the same shape inside the picture turned by
    ``degrees``, as a fraction of the picture's side."""
    a = math.radians(abs(degrees))
    cos, sin = math.cos(a), math.sin(a)
    return min(width / (width * cos + height * sin), height / (width * sin + height * cos))


def region_specs(width: int, height: int) -> list[tuple[float, float, float, float]]:
    """The family: (centre x, centre y, side kept, clockwise degrees), in fractions of the
    picture's width and height."""
    specs = [(0.5, 0.5, TRIM_KEEP, 0.0)]
    for keep, shift in CROP_WINDOWS:
        specs.append((0.5, 0.5, keep, 0.0))
        specs += [
            (0.5 + dx, 0.5 + dy, keep, 0.0) for dx in (-shift, shift) for dy in (-shift, shift)
        ]
    for degrees in TURN_DEGREES:
        for signed in (degrees, -degrees):
            specs.append((0.5, 0.5, turned_keep(width, height, signed), float(signed)))
    return specs


@cache
def _dct_rows() -> npt.NDArray[np.float32]:
    """The first 8 rows of the orthonormal DCT-II of size 32 (what cv2.dct computes)."""
    i = np.arange(_EDGE)
    rows = np.cos(np.pi * (2 * i[None, :] + 1) * np.arange(8)[:, None] / (2 * _EDGE))
    rows[0] /= math.sqrt(2)
    out: npt.NDArray[np.float32] = (rows * math.sqrt(2 / _EDGE)).astype(np.float32)
    return out


def region_hashes(gray: Gray) -> bytes:
    """The family's pHashes of a grayscale picture (as displayed), 8 little-endian bytes each."""
    h, w = gray.shape
    f = _SMALL_PX / max(h, w)
    sw, sh = max(8, round(w * f)), max(8, round(h * f))
    # Bilinear to twice the size, then an exact 2:1 area average: INTER_AREA at other ratios
    # takes a slow path (limits.md section 2).
    double = cv2.resize(gray, (2 * sw, 2 * sh), interpolation=cv2.INTER_LINEAR)
    small = cv2.resize(double, (sw, sh), interpolation=cv2.INTER_AREA).astype(np.float32)
    map_x, map_y = _sample_maps(w, h, sw, sh)
    samples = cv2.remap(small, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    count = map_x.shape[1] // (_EDGE * _OVERSAMPLE)
    cells = cv2.resize(samples, (_EDGE * count, _EDGE), interpolation=cv2.INTER_AREA)
    dct = _dct_rows()
    low = dct @ cells.reshape(_EDGE, count, _EDGE).transpose(1, 0, 2) @ dct.T  # (count, 8, 8)
    flat = low.reshape(count, 64)
    # As the whole-picture hash: each low frequency above the median of the 63 AC ones (the
    # 32nd smallest; np.partition is ten times faster than np.median on rows this short).
    median = np.partition(flat[:, 1:], 31, axis=1)[:, 31:32]
    bits = np.packbits(flat > median, axis=1)
    return b"".join(int.from_bytes(row.tobytes(), "big").to_bytes(8, "little") for row in bits)


@lru_cache(maxsize=64)
def _sample_maps(
    width: int, height: int, sw: int, sh: int
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """Where to sample each region in the shrunk image: the regions side by side, each
    32 x 2 samples square. Pictures of one camera share them."""
    specs = np.array(region_specs(width, height), dtype=np.float64)
    cx, cy, keep, degrees = (specs[:, i, None, None] for i in range(4))
    n = _EDGE * _OVERSAMPLE
    steps = (np.arange(n) + 0.5) / n - 0.5
    u = steps[None, None, :] * keep * sw  # along each region's width
    v = steps[None, :, None] * keep * sh
    # A copy turned clockwise shows the picture along axes turned the other way (with y
    # pointing down, a positive angle here turns counter-clockwise on screen).
    cos, sin = np.cos(np.radians(-degrees)), np.sin(np.radians(-degrees))
    x = cx * sw + u * cos - v * sin - 0.5
    y = cy * sh + u * sin + v * cos - 0.5
    side_by_side = (1, 0, 2)  # (region, row, column) -> (row, region, column)
    map_x = x.transpose(side_by_side).reshape(n, -1).astype(np.float32)
    map_y = y.transpose(side_by_side).reshape(n, -1).astype(np.float32)
    return map_x, map_y


class RegionCandidates:
    """Indexes each image's region hashes; searches whole pictures against them.

    The whole-picture hashes come from ``whole``, the index the whole-picture source keeps (its
    radius must be at least ``radius``), so they are stored once.

    Searching each image's regions against every whole picture would cost REGION_COUNT queries
    per image. Instead `add` searches each new whole picture against the regions seen so far
    (one query: it finds copies that come after their original), and `finish`, once every
    image is in, searches every whole picture against the regions of the images that came
    after it (the copies that came first). Together they find every pair the rule admits,
    whatever the order.
    """

    name = "region"

    def __init__(self, radius: int, whole: HashIndex) -> None:
        if whole.max_distance < radius:
            raise ValueError("the whole-picture index must search at least the region radius")
        self._regions = HashIndex(radius)  # REGION_COUNT entries per image, in id order
        self._whole = whole
        self._radius = radius
        self._seen = array("q")  # by image: how many images there were when it was searched

    def add(self, ids: Ids, batch: Sequence[Fingerprint]) -> Proposals:
        self._regions.add(np.frombuffer(b"".join(fp.regions for fp in batch), dtype="<u8"))
        self._seen.extend([len(self._seen) + len(batch)] * len(batch))
        # Regions of these images and earlier ones near these whole pictures.
        return self._whole_near_regions(ids, later=False)

    def finish(self) -> Proposals:
        """The pairs whose copy came before its original (see the class docstring)."""
        n = len(self._seen)
        parts = [
            self._whole_near_regions(np.arange(start, min(start + 4096, n)), later=True)
            for start in range(0, n, 4096)
        ]
        if not parts:
            return Proposals.empty()
        return Proposals(
            np.concatenate([p.first for p in parts]), np.concatenate([p.second for p in parts])
        )

    def neighbours(self, image: Ids) -> Ids:
        found = self._whole_near_regions(image, later=False).second
        # This image's regions near other whole pictures.
        entries = image[0] * REGION_COUNT + np.arange(REGION_COUNT)
        near = self._whole.query(self._regions.hashes[entries], np.repeat(image, REGION_COUNT))
        return np.concatenate([found, near.second[near.distance <= self._radius]])

    def _whole_near_regions(self, ids: Ids, later: bool) -> Proposals:
        """Pairs (image of ``ids``, image with a region near its whole picture): among the
        images up to the last of ``ids``, or with ``later`` only those after each image."""
        # Owners are negative so that no owner is mistaken for a region entry's id.
        found = self._regions.query(self._whole.hashes[ids], -1 - ids)
        first, second = -1 - found.first, found.second // REGION_COUNT
        if later:
            seen = np.frombuffer(self._seen, dtype=np.int64)
            keep = second >= seen[first]  # not in the index yet when `add` searched
            del seen  # releases the buffer, so the array can grow again
        else:
            keep = second != first
        return Proposals(first[keep], second[keep])
