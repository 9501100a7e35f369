"""Candidates for cropped and turned copies: region hashes.

A copy with its borders trimmed, a large part cut out, or the picture turned by a few degrees and
cut to the largest upright rectangle (a photo editor's "straighten") shows one region of the
original. Each image gets the 64-bit hash of a fixed family of such regions; a pair is proposed
when the whole-picture hash of one lies within the radius of a region hash of the other (either
may be the original, so the rule is symmetric).

The family, chosen on the real photographs of `lookalike accuracy` (tests/bench/
bench_candidates.py prints what it finds): one window without 8 % of each side (copies trimmed
by 2-5 % a side); 10 windows keeping 75 % and 85 % of each side, at the centre and shifted
diagonally by 5 % and 3 %, and 4 keeping 75 % shifted by 7 % along one axis (10-30 % cut off,
not always evenly: a cut taken mostly from one side moves the window along that axis; the 4
raised the share of the eval's 10-30 % crops proposed from 75 to 80 of 85); and the largest
upright window of the picture turned by 8, 16, 24, 32 and 40° either way (the pHash tolerates
about 4° of turn). Quarter turns and mirrors of the whole picture are the whole-picture
source's job.

Region hashes are cheap: the decoded image is shrunk once to 64 pixels, every region is sampled
from it in one `cv2.remap` at 2x2 samples per hash cell, and the 8x8 low frequencies of all of
them come from two matrix products. The hash agrees with `fingerprint.hashes_and_signature`'s
pHash (median 0, 90th percentile 2 bits apart on the whole picture), so the region hashes of one
image can be compared with the whole-picture hash of another.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
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
AXIS_WINDOWS = ((0.75, 0.07),)  # (side kept, shift of the 4 along one axis)
TURN_DEGREES = (8, 16, 24, 32, 40)
REGION_COUNT = 1 + 5 * len(CROP_WINDOWS) + 4 * len(AXIS_WINDOWS) + 2 * len(TURN_DEGREES)
CENTRE = 1  # the family's centre window keeping 75 % of each side, by its place in the family

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
    for keep, shift in AXIS_WINDOWS:
        specs += [
            (0.5 + dx, 0.5 + dy, keep, 0.0)
            for dx, dy in ((-shift, 0.0), (shift, 0.0), (0.0, -shift), (0.0, shift))
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
    # takes a slow path (about 4x slower, measured on this project's 2-core machine).
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
    # packbits is big-endian within a row: its bytes reversed are that number's little-endian
    # uint64.
    return np.packbits(flat > median, axis=1)[:, ::-1].tobytes()


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
    """Searches every image's region hashes against the whole-picture hashes, once all are in.

    The whole-picture hashes come from ``whole`` (the whole-picture source's index) and the
    region hashes from the fingerprints the images came with, so nothing is stored while the
    images arrive. The search runs in `finish` (REGION_COUNT queries an image, in large
    batches of about 3,000 images, so a scan can be cancelled between them), when every image
    is in, so it finds every pair whichever came first; cropped and turned copies join their
    groups then.
    """

    name = "region"

    def __init__(self, radius: int, whole: HashIndex) -> None:
        self._whole = whole
        self._radius = radius
        self._regions: list[bytes] = []  # by image: its region hashes (the fingerprint's bytes)

    def add(self, ids: Ids, batch: Sequence[Fingerprint]) -> Proposals:
        self._regions += [fp.regions for fp in batch]
        return Proposals.empty()

    def finish(self) -> Iterator[Proposals]:
        wholes = self._whole
        if wholes.max_distance != self._radius:
            # Not the radius wanted (a probe at a wider one costs far more): the whole pictures
            # are indexed again, once, at this radius.
            wholes = HashIndex(self._radius)
            wholes.add(self._whole.hashes)
        else:
            wholes.compact()  # one segment, not one per level: 1.2x faster queries at 1 M
        step = max(1, 65536 // REGION_COUNT)  # images a query batch: bounded memory and time
        for start in range(0, len(self._regions), step):
            ids = np.arange(start, min(start + step, len(self._regions)), dtype=np.int64)
            hashes = np.frombuffer(b"".join(self._regions[start : ids[-1] + 1]), dtype="<u8")
            # An image's regions never pair with its own whole (the index leaves owner == id out).
            found = wholes.query(hashes, np.repeat(ids, REGION_COUNT))
            yield Proposals(found.first, found.second)
