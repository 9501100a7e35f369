"""Proof that two images show the same picture, and the transform between them.

Two reduced-size views are compared. First their whole frames, under the 8 quarter turns and
mirrors: a resized, re-encoded, converted, recoloured, stamped, mirrored or turned copy is
proven by its pixels alone, without features (a few ms instead of two SIFT detections). Then in
four steps: local features (SIFT) matched with a ratio test; a similarity transform (turn,
uniform scale, shift) fitted by RANSAC, on the mirrored picture too; the inliers' spread over
the common region; then the pixel check: the second view is warped onto the first (the fit
polished by dense alignment when it falls short) and the aligned overlap is compared block by
block after a global brightness/contrast fit, so a re-saved, resized, grayscale, brightened,
turned or cropped copy agrees everywhere and a date stamp or a logo disagrees only locally,
while another photo, a neighbouring tile or a different burst frame disagrees broadly.

A low-detail picture (a sky, a retina) may have too few features, or all in one place: its whole
frame is then refined by dense alignment (ECC), and without features spread over the common
region to vouch for the alignment, its fine detail must correlate more strongly (a copy keeps
the grain of its sky; a neighbouring tile shares none of it).

Fail safe: a pair without that proof (too few features, pixels that disagree, too little shared
detail) is no match. A verdict carries the measurements; `accepts` turns them into a match kind
for a sensitivity level.
"""

from __future__ import annotations

import io
import itertools
import logging
import os
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, fields
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from lookalike.core.matching.candidates import Candidate, Evidence
from lookalike.core.matching.kinds import Match
from lookalike.core.matching.regions import turned_keep
from lookalike.core.model import IDENTITY, MatchKind, Member, Sensitivity, Transform

log = logging.getLogger(__name__)

Gray = npt.NDArray[np.uint8]
Points = npt.NDArray[np.float32]

# Bump when a change moves verdicts; cached verdicts are then recomputed.
VERIFY_VERSION = 6

VIEW_LONG_PX = 384  # both pictures are compared at this long side, whatever their real size
MAX_FEATURES = 600
SIFT_CONTRAST = 0.02
MIN_FEATURES = 24  # fewer keypoints than this: too little detail to prove anything
RATIO_TEST = 0.8  # Lowe's ratio: a match must be clearly better than the second best
RANSAC_PX = 3.0  # reprojection tolerance at view size
MIN_INLIERS = 16
STRONG_INLIERS = 64  # a fit this strong knows where the pictures lie
MIN_INLIER_SHARE = 0.15  # of the ratio-test matches: below, the fit is a coincidence
SPREAD_GRID = 4  # the common region is cut into 4x4 cells to measure how inliers spread
MIN_SPREAD = 0.4  # share of those cells holding an inlier
MIN_SCALE, MAX_SCALE = 0.15, 6.0  # view-to-view scales beyond these are not a copy
# A crop lies inside its original: one picture must come (almost) wholly from the other. Two
# overlapping views of one scene (neighbouring shots, a panorama's parts) do not.
MIN_CONTAINED = 0.96
NEVER_CONTAINED = 0.92  # below this even a polished fit would not reach MIN_CONTAINED
NOT_CONTAINED = "neither picture lies inside the other"

# The aligned overlap is compared in about 16x16 blocks: a date stamp covers a few of them.
COMPARE_BLOCKS = 16
MIN_OVERLAY = 0.01  # a smaller share of disagreeing blocks is noise, not something added
# Something that moved (people walking past a fixed camera, the next frame of a burst) leaves
# detail of its own on both sides: where it was and where it is. A logo or a stamp is added to
# one side only (measured on the eval's copies: at most 0.012 "removed" beside a logo; frames
# of a street scene 0.034 and more of each).
MIN_MOVED = 0.02
OUTLIER_GREY = 24.0  # a pixel this far off the fitted levels was drawn over, not re-encoded
MIN_MARKED = 0.002  # share of such pixels that tells a mark (a date stamp) from noise
# Objects that moved a few pixels between two frames (each block still agrees): SHIFTED_PX is
# how far a block's detail may lie off the rest, MIN_SHIFT_GRADIENT (grey levels a pixel, both
# ways) what pins a block's shift down, and below MIN_SHIFT_BLOCKS such blocks say nothing.
SHIFTED_PX = 0.5
MIN_SHIFT_GRADIENT = 4.0
MIN_SHIFT_BLOCKS = 12
MAX_SHIFTED = 0.1  # share of such blocks off by more than SHIFTED_PX: frames, not copies
CLIPPED = 2  # grey levels this close to black or white may be clipped
MIN_BLOCK_MEASURED = 0.1  # share of a block's pixels, unclipped on one side, it is judged by
BLOCK_MAX_ERROR = 0.3  # RMS difference per block, in units of the overlap's contrast
MIN_BLOCK_TEXTURE = 0.15  # below this a block is flat: its correlation says nothing
BLOCK_MIN_CORRELATION = 0.7
MIN_OVERLAP_STD = 4.0  # grey levels: an overlap flatter than this cannot be compared
MIN_PROVEN_SCORE = 0.85  # share of agreeing blocks below which nothing is proven
MIN_DETAIL = 0.3  # fine-detail correlation over the agreeing region, features vouching
MIN_DETAIL_DIRECT = 0.75  # the same without features (low-detail pictures): stricter
MIN_SHARED_SCORE = 0.95  # or, agreeing almost everywhere, a detail correlation this high
MIN_SHARED_DETAIL = 0.4
FEW_FEATURES = 80  # below this many keypoints the whole-frame path is tried too
MIN_DIRECT_THUMB_CORRELATION = 0.8
ECC_LONG_PX = 128  # dense alignment of low-detail pictures runs at this size
# Dense alignment of a low-detail picture also starts from these turns (degrees, either way),
# with the crop to the largest upright rectangle that goes with each: it reaches 2 degrees.
TURN_STARTS = tuple(sign * d for d in (4, 8, 12, 16, 20, 24, 28) for sign in (1, -1))
TRIM_START = 0.03  # whole frames are also tried with one trimmed by this much a side
MIN_POLISH_SCORE = 0.5  # a feature fit agreeing less than this is not polished: not one picture
COLOURFUL = 6.0  # mean chroma (0-255 scale) above which a picture is in colour
GRAY_CHROMA = 2.0  # and below which it is grayscale


@dataclass(frozen=True, slots=True)
class View:
    """One picture as the verifier compares it: a small grayscale array plus a few facts."""

    gray: Gray  # long side at most VIEW_LONG_PX
    width: int  # the picture's real size as displayed (EXIF orientation applied)
    height: int
    chroma: float  # mean colour saturation; near 0 for a grayscale picture
    _features: dict[bool, tuple[Points, Any]] = field(default_factory=dict, compare=False)

    def features(self, mirrored: bool) -> tuple[Points, Any]:
        """Keypoint positions and descriptors, of the mirrored view if asked (computed once)."""
        if mirrored not in self._features:
            if mirrored:
                points, descriptors = self.features(False)
                self._features[True] = _mirrored(points, descriptors, self.gray.shape[1])
            else:
                self._features[False] = _detect(self.gray)
        return self._features[mirrored]


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the verifier found for one pair; ``transform`` maps the first onto the second."""

    proven: bool  # the pixels prove one picture
    reason: str  # why not, when not proven
    score: float = 0.0  # share of the aligned overlap that agrees, in [0, 1]
    transform: Transform = IDENTITY
    inliers: int = 0
    spread: float = 0.0
    agreement: float = 0.0  # mean correlation of the agreeing textured blocks
    detail: float = 0.0  # correlation of the fine detail over the agreeing region
    turn_keep: float = 1.0  # share of the area any copy turned by this angle loses

    @property
    def similarity(self) -> float:
        """How much of the two pictures is one: the agreeing share of the common region times
        the share of the bigger picture that region covers (a crop keeping 70 %: 0.7)."""
        t = self.transform
        return self.score * min(t.first_shown, t.second_shown)

    @property
    def resaved(self) -> bool:
        """The same picture re-saved: resized, re-encoded, converted, EXIF-rotated, nothing
        else (a tiny turn or shift from a resampler is allowed)."""
        t = self.transform
        turned = min(t.turn_degrees % 360.0, 360.0 - t.turn_degrees % 360.0)
        return (
            self.proven
            and turned < 0.5
            and not t.mirrored
            and min(t.first_shown, t.second_shown) >= 0.97
            and not (t.grayscale or t.colourised)
            and abs(t.brightness) < 0.03
            and abs(t.contrast - 1.0) < 0.06
            and t.added == 0.0
            and t.removed == 0.0
            and self.score >= 0.99
        )


_TRANSFORM_FIELDS = tuple(f.name for f in fields(Transform))


def to_evidence(verdict: Verdict | None) -> Evidence:
    """A verdict as plain numbers (the fingerprint cache keeps them per pair); () when the
    files could not be compared."""
    if verdict is None:
        return ()
    t = verdict.transform
    return (
        float(verdict.proven), verdict.score, float(verdict.inliers), verdict.spread,
        verdict.agreement, verdict.detail, verdict.turn_keep,
        *(float(getattr(t, name)) for name in _TRANSFORM_FIELDS),
    )  # fmt: skip


def from_evidence(evidence: Evidence) -> Verdict | None:
    """The verdict kept by `to_evidence`; None for anything else (evidence of another shape)."""
    if len(evidence) != 7 + len(_TRANSFORM_FIELDS):
        return None
    proven, score, inliers, spread, agreement, detail, turn_keep = evidence[:7]
    values: dict[str, Any] = dict(zip(_TRANSFORM_FIELDS, evidence[7:], strict=True))
    for f in fields(Transform):
        if isinstance(f.default, bool):
            values[f.name] = bool(values[f.name])
    return Verdict(
        proven=bool(proven),
        reason="" if proven else "not proven",
        score=score,
        transform=Transform(**values),
        inliers=int(inliers),
        spread=spread,
        agreement=agreement,
        detail=detail,
        turn_keep=turn_keep,
    )


@dataclass(frozen=True, slots=True)
class _Level:
    min_score: float  # share of agreeing blocks
    min_shown: float  # share of the bigger picture that a crop keeps
    max_overlay: float  # a local difference may cover this share of the overlap
    edits: bool  # accept edited copies, not only re-saved ones


# What each sensitivity accepts. Strict: only the same picture re-saved. Normal: edits too,
# crops keeping at least about half the picture, a date stamp or a logo. Loose: bigger crops.
LEVELS = {
    Sensitivity.STRICT: _Level(min_score=0.99, min_shown=0.97, max_overlay=0.0, edits=False),
    Sensitivity.NORMAL: _Level(min_score=0.88, min_shown=0.45, max_overlay=0.12, edits=True),
    Sensitivity.LOOSE: _Level(min_score=0.85, min_shown=0.3, max_overlay=0.15, edits=True),
}


def accepts(verdict: Verdict, sensitivity: Sensitivity) -> MatchKind | None:
    """The match kind this verdict earns at a sensitivity level, or None."""
    if not verdict.proven:
        return None
    if verdict.resaved:
        return MatchKind.SAME_PICTURE
    level = LEVELS[sensitivity]
    t = verdict.transform
    if (
        not level.edits
        or verdict.score < level.min_score
        or max(t.added, t.removed) > level.max_overlay
        or min(t.added, t.removed) >= MIN_MOVED
        or max(t.first_shown, t.second_shown) < MIN_CONTAINED
        or min(t.first_shown, t.second_shown) / verdict.turn_keep < level.min_shown
    ):
        return None
    return MatchKind.SIMILAR


# --- views -----------------------------------------------------------------------------------


def make_view(image: npt.NDArray[Any], width: int = 0, height: int = 0) -> View:
    """A view of a decoded picture (grayscale, or BGR as OpenCV decodes colour).

    ``width`` and ``height`` are the picture's real size when ``image`` is a reduced decode
    (0: the array's own size); they only scale the reported transform.
    """
    h, w = image.shape[:2]
    if image.ndim == 3:
        ycrcb = cv2.cvtColor(np.ascontiguousarray(image[:, :, :3]), cv2.COLOR_BGR2YCrCb)
        gray = ycrcb[:, :, 0]
        small = cv2.resize(ycrcb, (32, 32), interpolation=cv2.INTER_AREA).astype(np.float32)
        chroma = float(np.mean(np.abs(small[:, :, 1:] - 128.0)))
    else:
        gray, chroma = image, 0.0
    scale = VIEW_LONG_PX / max(h, w)
    if scale < 1.0:
        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        gray = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
    return View(np.ascontiguousarray(gray, dtype=np.uint8), width or w, height or h, chroma)


def _reduced_colour_flag(long_side: int) -> int:
    # The largest DCT scaling that keeps the long side at VIEW_LONG_PX or more (the view's own
    # size): libjpeg then skips most of the work (limits.md section 1). A 12 MP JPEG decodes at
    # 1/8 (500 x 375), a quarter of the pixels the short side's rule decoded.
    for factor, flag in (
        (8, cv2.IMREAD_REDUCED_COLOR_8),
        (4, cv2.IMREAD_REDUCED_COLOR_4),
        (2, cv2.IMREAD_REDUCED_COLOR_2),
    ):
        if long_side // factor >= VIEW_LONG_PX:
            return flag
    return cv2.IMREAD_COLOR


def decode_view(data: bytes) -> View | None:
    """Decode a file's bytes at reduced size into a view (EXIF orientation applied); None when
    the bytes are no picture."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        header = Image.open(io.BytesIO(data))
        width, height = header.size
        orientation = header.getexif().get(0x0112, 1)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None
    if orientation in (5, 6, 7, 8):  # these turn the picture by 90 degrees
        width, height = height, width
    flag = _reduced_colour_flag(max(width, height)) if header.format == "JPEG" else cv2.IMREAD_COLOR
    image = None
    if header.format in ("JPEG", "PNG", "WEBP", "BMP", "TIFF"):
        image = cv2.imdecode(np.frombuffer(data, np.uint8), flag)
    if image is None:  # a format OpenCV lacks (GIF, AVIF, HEIC) or refused: ask Pillow
        try:
            header.draft("RGB", (VIEW_LONG_PX, VIEW_LONG_PX))
            shown = ImageOps.exif_transpose(header) or header
            image = cv2.cvtColor(np.asarray(shown.convert("RGB")), cv2.COLOR_RGB2BGR)
        except (OSError, ValueError, SyntaxError):
            return None
    return make_view(image, width, height)


# --- features and the geometric fit ------------------------------------------------------------


_detector: Any = None
_matcher: Any = None


def _detect(gray: Gray) -> tuple[Points, Any]:
    global _detector
    if _detector is None:
        # SIFT over ORB: on the development photos both found the same copies, but SIFT
        # matches a pair in ~2 ms against ORB's ~8 ms (600 float descriptors against 1,200
        # binary ones) and holds up better at 4x scale. A lower contrast threshold than the
        # default 0.04 finds keypoints in skies, skin and water, where the default finds none.
        create = cv2.SIFT_create  # type: ignore[attr-defined]  # missing from cv2's stubs
        _detector = create(nfeatures=MAX_FEATURES, contrastThreshold=SIFT_CONTRAST)
    keypoints, descriptors = _detector.detectAndCompute(np.ascontiguousarray(gray), None)
    points = np.array([k.pt for k in keypoints], np.float32).reshape(-1, 2)
    return points, descriptors


# A SIFT descriptor is 4 x 4 cells (rows, columns in the keypoint's own turned frame) of 8
# orientation bins. Mirroring the picture reverses the keypoint's angle, so in its frame the
# rows come in reverse order and every gradient direction is reflected: the descriptor of the
# mirrored picture is a permutation of the original one, which saves a second detection
# (measured on scikit-image's astronaut: mean distance 105 to the descriptors SIFT computes on
# the mirrored picture, against 422 unpermuted; the ratio test keeps such matches).
_MIRROR_ORDER = np.arange(128).reshape(4, 4, 8)[::-1][:, :, (-np.arange(8)) % 8].reshape(128)


def _mirrored(points: Points, descriptors: Any, width: int) -> tuple[Points, Any]:
    flipped = points.copy()
    flipped[:, 0] = width - 1 - flipped[:, 0]
    return flipped, None if descriptors is None else descriptors[:, _MIRROR_ORDER]


def _ratio_matches(da: Any, db: Any) -> list[tuple[int, int]]:
    global _matcher
    if _matcher is None:
        _matcher = cv2.BFMatcher(cv2.NORM_L2)
    pairs = _matcher.knnMatch(da, db, k=2)
    return [
        (m[0].queryIdx, m[0].trainIdx)
        for m in pairs
        if len(m) == 2 and m[0].distance < RATIO_TEST * m[1].distance
    ]


@dataclass(frozen=True, slots=True)
class _Fit:
    matrix: npt.NDArray[np.float64]  # 2x3, first view (mirrored if so) -> second view
    mirrored: bool
    inliers_a: Points  # inlier positions in the first view's (possibly mirrored) frame
    matches: int


def _fit(a: View, b: View, mirrored: bool) -> _Fit | None:
    pa, da = a.features(mirrored)
    pb, db = b.features(False)
    if len(pa) < MIN_FEATURES or len(pb) < MIN_FEATURES:
        return None
    pairs = _ratio_matches(da, db)
    if len(pairs) < MIN_INLIERS:
        return None
    ia, ib = np.array(pairs).T
    src, dst = pa[ia], pb[ib]
    matrix, mask = cv2.estimateAffinePartial2D(
        src, dst, method=cv2.RANSAC, ransacReprojThreshold=RANSAC_PX, maxIters=3000,
        confidence=0.999, refineIters=10,
    )  # fmt: skip
    if matrix is None:
        return None
    keep = mask.ravel().astype(bool)
    return _Fit(matrix.astype(np.float64), mirrored, src[keep], len(pairs))


def _rect(w: int, h: int) -> Points:
    return np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)


def _apply(matrix: npt.NDArray[np.float64], points: Points) -> Points:
    out: Points = (points @ matrix[:, :2].T + matrix[:, 2]).astype(np.float32)
    return out


def _invert(matrix: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    inverse: npt.NDArray[np.float64] = cv2.invertAffineTransform(matrix).astype(np.float64)
    return inverse


def _intersection(p: Points, q: Points) -> tuple[float, Points]:
    area, polygon = cv2.intersectConvexConvex(p, q)
    if polygon is None or area <= 0:
        return 0.0, np.zeros((0, 2), np.float32)
    return float(area), polygon.reshape(-1, 2).astype(np.float32)


def _spread(points: Points, polygon: Points) -> float:
    """Share of the grid cells of the common region (in the same frame as ``points``) that hold
    an inlier."""
    x0, y0 = polygon.min(axis=0)
    x1, y1 = polygon.max(axis=0)
    cw, ch = (x1 - x0) / SPREAD_GRID, (y1 - y0) / SPREAD_GRID
    if cw <= 0 or ch <= 0:
        return 0.0
    contour = polygon.reshape(-1, 1, 2)
    cells = 0
    held: set[tuple[int, int]] = set()
    for i in range(SPREAD_GRID):
        for j in range(SPREAD_GRID):
            centre = (float(x0 + (i + 0.5) * cw), float(y0 + (j + 0.5) * ch))
            if cv2.pointPolygonTest(contour, centre, False) >= 0:
                cells += 1
    for x, y in points.tolist():
        i = min(int((x - x0) / cw), SPREAD_GRID - 1)
        j = min(int((y - y0) / ch), SPREAD_GRID - 1)
        centre = (float(x0 + (i + 0.5) * cw), float(y0 + (j + 0.5) * ch))
        if i >= 0 and j >= 0 and cv2.pointPolygonTest(contour, centre, False) >= 0:
            held.add((i, j))
    return len(held) / cells if cells else 0.0


# --- the pixel check ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Pixels:
    score: float  # share of compared blocks that agree
    agreement: float  # mean correlation of the agreeing textured blocks
    detail: float  # correlation of the fine detail (band-pass) over the agreeing blocks
    shifted: float  # share of the agreeing textured blocks whose detail moved (`_shifted_share`)
    contrast: float  # second's contrast over the first's
    brightness: float  # second's mean minus the first's, as a fraction of 255
    added: float  # share of the overlap where the second has detail the first lacks
    removed: float


def _ncc(x: npt.NDArray[Any], y: npt.NDArray[Any]) -> float:
    dx, dy = x - x.mean(), y - y.mean()
    denom = float(np.sqrt(float((dx * dx).sum()) * float((dy * dy).sum())))
    return float((dx * dy).sum()) / denom if denom > 0 else 0.0


def _block_shifts(
    first: npt.NDArray[Any],
    second: npt.NDArray[Any],
    valid: npt.NDArray[np.bool_],
    corners: list[tuple[int, int]],
    step: int,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """How far the second's detail lies from the first's in each block (top left corners, of
    ``step`` pixels), in pixels, and the blocks' centres: one step of Lucas-Kanade (the shift
    that best explains the difference by the first's gradient), beside a gain and an offset of
    each block's own (a brightened copy's levels bend: in a block that is a ramp, a change of
    level would pass for a shift). Blocks whose gradients do not pin a shift down in both
    directions (one straight edge slides along itself) are left out."""
    none = np.zeros((0, 2))
    if not corners:
        return none, none
    ys, xs = np.array(corners).T
    y0, x0 = int(ys.min()), int(xs.min())
    rows, cols = (int(ys.max()) - y0) // step + 1, (int(xs.max()) - x0) // step + 1
    # Every other pixel each way is enough to sum the model's terms over a block (a quarter
    # of the work; the gradients are taken at full resolution first).
    region = (slice(y0, y0 + rows * step, 2), slice(x0, x0 + cols * step, 2))
    a = first[region]
    weight = valid[region].astype(np.float32)
    gx = cv2.Sobel(first, cv2.CV_32F, 1, 0)[region] / 8.0
    gy = cv2.Sobel(first, cv2.CV_32F, 0, 1)[region] / 8.0
    diff = second[region] - a
    columns = (gx, gy, a, np.ones_like(a))  # the model: shift x, shift y, gain, offset
    weighted = [c * weight for c in columns]
    products = [weighted[i] * columns[j] for i in range(4) for j in range(i, 4)]
    products += [c * diff for c in weighted]
    # Every block's sums at once: block j holds the samples from ceil(j * step / 2) on.
    starts_y = (np.arange(rows) * step + 1) // 2
    starts_x = (np.arange(cols) * step + 1) // 2
    stack = np.stack(products)
    grid = np.add.reduceat(
        np.add.reduceat(stack.astype(np.float64), starts_y[starts_y < a.shape[0]], axis=1),
        starts_x[starts_x < a.shape[1]],
        axis=2,
    )
    at_y, at_x = (ys - y0) // step, (xs - x0) // step
    sums = list(grid[:, at_y, at_x])
    count = np.maximum(sums[9], 1.0)  # the ones column with itself: the block's pixels
    normal = np.zeros((len(corners), 4, 4))
    at = 0
    for i in range(4):
        for j in range(i, 4):
            normal[:, i, j] = normal[:, j, i] = sums[at] / count
            at += 1
    target = np.stack(sums[10:], axis=1) / count[:, None]
    # The gradients' part once the levels are accounted for: how well it pins a shift down.
    levels = normal[:, 2:, 2:]
    usable = np.linalg.det(levels) > 1e-9
    pinned = normal[usable, :2, :2] - normal[usable, :2, 2:] @ np.linalg.solve(
        levels[usable], normal[usable, 2:, :2]
    )
    xx, xy, yy = pinned[:, 0, 0], pinned[:, 0, 1], pinned[:, 1, 1]
    smallest = 0.5 * (xx + yy) - np.hypot(0.5 * (xx - yy), xy)
    keep = np.flatnonzero(usable)[smallest >= MIN_SHIFT_GRADIENT]
    if not len(keep):
        return none, none
    solved = np.linalg.solve(normal[keep], target[keep][:, :, None])[:, :2, 0]
    centres = np.column_stack([xs[keep] + step / 2, ys[keep] + step / 2]).astype(np.float64)
    return solved, centres


def _shifted_share(shifts: npt.NDArray[np.float64], centres: npt.NDArray[np.float64]) -> float:
    """Share of the agreeing textured blocks whose detail lies more than SHIFTED_PX off where
    the rest of the picture puts it. A copy, once aligned, has every block's detail in place,
    or off by a smooth remainder of the alignment (a fraction of a degree of turn), which an
    affine fit of the shifts over the picture takes out; two frames of a scene whose objects
    moved a few pixels agree block by block, but their detail lies shifted here and there."""
    if len(shifts) < MIN_SHIFT_BLOCKS:
        return 0.0
    d = shifts
    where = np.column_stack([centres, np.ones(len(centres))])
    inliers = np.ones(len(d), bool)
    for _ in range(3):  # refit without the blocks that moved
        coef, *_ = np.linalg.lstsq(where[inliers], d[inliers], rcond=None)
        off = np.hypot(*(d - where @ coef).T)
        inliers = off <= SHIFTED_PX
        if inliers.sum() < 3:
            break
    return float((off > SHIFTED_PX).mean())


class _Blocks:
    """The square blocks of ``step`` pixels that tile [y0, y1) x [x0, x1) from its top left
    corner, the last row and column running on to the picture's edge as far as a full block."""

    def __init__(
        self, shape: tuple[int, ...], y0: int, y1: int, x0: int, x1: int, step: int
    ) -> None:
        self.rows = np.arange(0, y1 - y0, step)
        self.cols = np.arange(0, x1 - x0, step)
        self.y0, self.x0 = y0, x0
        self.y_end = min(y0 + int(self.rows[-1]) + step, shape[0])
        self.x_end = min(x0 + int(self.cols[-1]) + step, shape[1])
        self.shape = shape

    def sums(self, *values: npt.NDArray[Any]) -> list[npt.NDArray[np.float64]]:
        """Each array summed over each block (rows of blocks by columns)."""
        out = []
        for value in values:
            region = value[self.y0 : self.y_end, self.x0 : self.x_end].astype(np.float64)
            by_rows = np.add.reduceat(region, self.rows, axis=0)
            out.append(np.add.reduceat(by_rows, self.cols, axis=1))
        return out

    def spread(self, per_block: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
        """A value per block laid over the block's pixels (False outside the blocks)."""
        heights = np.diff(np.append(self.rows, self.y_end - self.y0))
        widths = np.diff(np.append(self.cols, self.x_end - self.x0))
        out = np.zeros(self.shape[:2], bool)
        out[self.y0 : self.y_end, self.x0 : self.x_end] = np.repeat(
            np.repeat(per_block, heights, axis=0), widths, axis=1
        )
        return out


def _compare(
    a: npt.NDArray[Any], b_on_a: npt.NDArray[Any], valid: npt.NDArray[np.bool_]
) -> _Pixels | None:
    """Compare the first view with the second warped onto it, over ``valid``."""
    # A clipped pixel (a brightened sky at 255) carries no level to fit or compare. Clipped
    # alike on both sides (the black between the stars, a window blown out in both), it still
    # agrees and is part of the compared area, or a logo on a star field would seem to cover
    # most of it (77 % of one is black); clipped at opposite ends (white text on black), it
    # disagrees. Only a pixel clipped on one side is unknown.
    low_a, high_a, low_b, high_b = (
        a <= CLIPPED,
        a >= 255 - CLIPPED,
        b_on_a <= CLIPPED,
        b_on_a >= 255 - CLIPPED,
    )
    alike = valid & ((low_a & low_b) | (high_a & high_b))
    opposite = valid & ((low_a & high_b) | (high_a & low_b))
    valid = valid & ~(low_a | high_a | low_b | high_b)
    fa = cv2.GaussianBlur(a.astype(np.float32), (0, 0), 1.0)
    fb = cv2.GaussianBlur(b_on_a.astype(np.float32), (0, 0), 1.0)
    xa, xb = fa[valid], fb[valid]
    if xa.size < 400:
        return None
    sa, sb = float(xa.std()), float(xb.std())
    if sa < MIN_OVERLAP_STD or sb < MIN_OVERLAP_STD:
        return None
    # Global brightness/contrast: bring the second to the first's levels, robustly (refit
    # without the worst tenth, which is where a stamp or a logo sits).
    gain, offset = sa / sb, float(xa.mean()) - sa / sb * float(xb.mean())
    for _ in range(2):
        residual = np.abs(xb * gain + offset - xa)
        keep = residual <= np.quantile(residual, 0.9)
        ka, kb = xa[keep], xb[keep]
        cov = float(np.cov(ka, kb)[0, 1])
        var_b = float(kb.var())
        if var_b <= 0 or cov <= 0:
            return None
        gain = cov / var_b
        offset = float(ka.mean()) - gain * float(kb.mean())
    matched = fb * gain + offset
    # Fine detail: what is left after removing the broad shapes. Two bland look-alikes (two
    # skies, two retinas) share their broad shapes, never their fine detail.
    band_a = fa - cv2.GaussianBlur(fa, (0, 0), 3.0)
    band_b = matched - cv2.GaussianBlur(matched, (0, 0), 3.0)
    grad_a = cv2.magnitude(cv2.Sobel(fa, cv2.CV_32F, 1, 0), cv2.Sobel(fa, cv2.CV_32F, 0, 1))
    grad_b = cv2.magnitude(
        cv2.Sobel(matched, cv2.CV_32F, 1, 0), cv2.Sobel(matched, cv2.CV_32F, 0, 1)
    )
    measured = valid | opposite
    ys, xs = np.nonzero(measured | alike)
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    step = max(8, round(max(y1 - y0, x1 - x0) / COMPARE_BLOCKS))
    blocks = _Blocks(valid.shape, y0, y1, x0, x1, step)
    m = measured.astype(np.float32)
    n, same, sum_a, sum_b, sum_aa, sum_bb, sum_ab, sum_dd, sum_ga, sum_gb = blocks.sums(
        m, alike, m * fa, m * matched, m * fa * fa, m * matched * matched, m * fa * matched,
        m * (fa - matched) ** 2, m * grad_a, m * grad_b,
    )  # fmt: skip
    present = n + same >= 0.5 * step * step
    # A block clipped alike almost wholly agrees; the others are judged by their pixels.
    judged = present & (n >= MIN_BLOCK_MEASURED * step * step)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_a, mean_b = sum_a / n, sum_b / n
        spread_a = np.maximum(sum_aa / n - mean_a * mean_a, 0.0)
        spread_b = np.maximum(sum_bb / n - mean_b * mean_b, 0.0)
        error = np.sqrt(sum_dd / n) / sa
        texture = np.sqrt(np.maximum(spread_a, spread_b)) / sa
        denom = np.sqrt(spread_a * spread_b)
        corr = np.where(denom > 0, (sum_ab / n - mean_a * mean_b) / denom, 0.0)
    textured_ok = judged & (error <= BLOCK_MAX_ERROR) & (texture >= MIN_BLOCK_TEXTURE)
    textured_ok &= corr >= BLOCK_MIN_CORRELATION
    ok = present & (~judged | ((error <= BLOCK_MAX_ERROR) & (texture < MIN_BLOCK_TEXTURE)))
    ok |= textured_ok
    area = n + same
    total_area = float(area[present].sum())
    agree_area = float(area[ok].sum())
    # Whichever side has more edges in a disagreeing block carries the addition (text, a logo).
    wrong = present & ~ok
    more_in_second = sum_gb >= sum_ga
    added_area = float(area[wrong & more_in_second].sum())
    removed_area = float(area[wrong & ~more_in_second].sum())
    agree = blocks.spread(ok) & valid
    correlations = corr[textured_ok]
    rows, cols = np.nonzero(textured_ok)  # row by row, as the blocks lie
    textured = [(y0 + step * r, x0 + step * c) for r, c in zip(rows, cols, strict=True)]
    if total_area == 0:
        return None
    detail = _ncc(band_a[agree], band_b[agree]) if agree.sum() >= 400 else 0.0
    # Something small added (a date stamp, a logo) can hide inside agreeing blocks: look for
    # pixels far off the fit, beyond what resampling and re-encoding move a pixel.
    residual = np.abs(fa - matched)
    noise = 1.4826 * float(np.median(residual[valid]))
    outliers = measured & (residual > max(OUTLIER_GREY, 6.0 * noise))
    marked = float(outliers.sum()) / float((measured | alike).sum())
    if added_area + removed_area < MIN_OVERLAY * total_area:  # one odd block is noise
        added_area = removed_area = 0.0
    if marked >= MIN_MARKED and added_area + removed_area == 0.0:
        if float(grad_b[outliers].sum()) >= float(grad_a[outliers].sum()):
            added_area = marked * total_area
        else:
            removed_area = marked * total_area
    return _Pixels(
        score=agree_area / total_area,
        agreement=float(np.mean(correlations)) if correlations.size else 0.0,
        detail=detail,
        shifted=_shifted_share(*_block_shifts(fa, matched, valid, textured, step)),
        contrast=1.0 / gain,
        brightness=(float(xb.mean()) - float(xa.mean())) / 255.0,
        added=added_area / total_area,
        removed=removed_area / total_area,
    )


# --- the verifier ----------------------------------------------------------------------------


def _turn_keep(degrees: float, width: float, height: float) -> float:
    """Share of a w x h picture's area left by the largest same-shaped rectangle inside it
    turned by ``degrees``: what a turned copy must lose even when cropped no further."""
    angle = np.radians(min(degrees % 90.0, 90.0 - degrees % 90.0))
    c, s = float(np.cos(angle)), float(np.sin(angle))
    k = min(width / (width * c + height * s), height / (width * s + height * c))
    return k * k


def _orientation_matrix(index: int, a: View, b: View) -> npt.NDArray[np.float64] | None:
    """The 2x3 map of a (mirrored for index >= 4) onto b, turned clockwise by 90 degrees x
    index and stretched to b's frame; None when the shapes do not fit (a crop)."""
    ha, wa = a.gray.shape
    hb, wb = b.gray.shape
    quarter = index % 4
    turned_w, turned_h = (wa, ha) if quarter % 2 == 0 else (ha, wa)
    sx, sy = wb / turned_w, hb / turned_h
    if abs(sx / sy - 1.0) > 0.1:
        return None
    # In edge coordinates (pixel centres at +0.5) a quarter turn maps the frame onto itself
    # exactly; pixel coordinates are shifted in and out around it.
    turn = {0: ((1, 0, 0), (0, 1, 0)), 1: ((0, -1, ha), (1, 0, 0)),
            2: ((-1, 0, wa), (0, -1, ha)), 3: ((0, 1, 0), (-1, 0, wa))}[quarter]  # fmt: skip
    to_edge = np.array([[1, 0, 0.5], [0, 1, 0.5], [0, 0, 1]], np.float64)
    to_pixel = np.array([[1, 0, -0.5], [0, 1, -0.5], [0, 0, 1]], np.float64)
    scale = np.diag([(sx + sy) / 2, (sx + sy) / 2, 1.0])
    full = to_pixel @ scale @ np.vstack([np.array(turn, np.float64), [0, 0, 1]]) @ to_edge
    matrix: npt.NDArray[np.float64] = full[:2]
    return matrix


MOVED = "parts of the picture moved between the two"
_DISAGREE = {True: "the aligned pixels disagree", False: "too little shared detail"}


def _proven(pixels: _Pixels, vouched: bool) -> bool:
    """Do the aligned pixels prove one picture? Without features spread over the common region
    to vouch for the alignment (a low-detail picture, or features bunched in one place), the fine
    detail must agree more strongly: a copy of a sky keeps its grain (measured: 0.44-0.69 on
    2-30 % crops of real skies and mists), two neighbouring tiles of one gradient share none of
    it (0.07 and below where their blocks agree)."""
    if pixels.score < MIN_PROVEN_SCORE or pixels.shifted > MAX_SHIFTED:
        return False
    if vouched:
        return pixels.detail >= MIN_DETAIL
    return pixels.detail >= MIN_DETAIL_DIRECT or (
        pixels.score >= MIN_SHARED_SCORE and pixels.detail >= MIN_SHARED_DETAIL
    )


def _check(
    a: View, b: View, m: npt.NDArray[np.float64], mirrored: bool, inliers: Points | None
) -> Verdict:
    """Measure the common region and the pixels of a (mirrored if so) mapped onto b by ``m``."""
    count = 0 if inliers is None else len(inliers)
    view_scale = float(np.hypot(m[0, 0], m[1, 0]))
    if not MIN_SCALE <= view_scale <= MAX_SCALE:
        return Verdict(False, "implausible scale", inliers=count)
    ha, wa = a.gray.shape
    hb, wb = b.gray.shape
    inverse = _invert(m)
    area, common = _intersection(_rect(wa, ha), _apply(inverse, _rect(wb, hb)))  # a's frame
    if area <= 0:
        return Verdict(False, "no common region", inliers=count)
    spread = 1.0 if inliers is None else _spread(inliers, common)
    # Features bunched in one place (a bird on a sky) still give an alignment, but vouch for
    # nothing beyond it: the pixels must then prove the pair as for a picture without features.
    vouched = inliers is not None and spread >= MIN_SPREAD
    first_shown = area / (wa * ha)
    second_shown = area * view_scale**2 / (wb * hb)
    if max(first_shown, second_shown) < NEVER_CONTAINED:
        # Overlapping views (a shifted shot, a panorama's parts): no sensitivity accepts them
        # (MIN_CONTAINED), so their pixels need no check.
        return Verdict(False, NOT_CONTAINED, inliers=count, spread=spread)

    # Compare in the frame that shows the common region with fewer pixels, so that neither
    # side is upsampled into detail it never had.
    mirrored_a: npt.NDArray[Any] = np.ascontiguousarray(a.gray[:, ::-1]) if mirrored else a.gray
    moved: npt.NDArray[Any]
    if view_scale >= 1.0:  # b shows the common region larger: bring b down onto a
        base, moved, to_base, size, shrink = mirrored_a, b.gray, inverse, (wa, ha), view_scale
    else:
        base, moved, to_base, size, shrink = b.gray, mirrored_a, m, (wb, hb), 1 / view_scale
    if shrink > 1.05:  # pre-blur what is shrunk, or the warp aliases its detail
        moved = cv2.GaussianBlur(moved, (0, 0), 0.6 * float(np.sqrt(shrink * shrink - 1.0)))
    warped = cv2.warpAffine(moved, to_base, size, flags=cv2.INTER_LINEAR)
    inside = cv2.warpAffine(
        np.full(moved.shape, 255, np.uint8), to_base, size, flags=cv2.INTER_NEAREST
    )
    valid = cv2.erode(inside, np.ones((5, 5), np.uint8)) > 0
    # Levels are measured as "second against first" in either frame.
    pixels = _compare(base, warped, valid) if view_scale >= 1.0 else _compare(warped, base, valid)
    if pixels is None:
        return Verdict(
            False, "too little detail in the common region", inliers=count, spread=spread
        )

    turn = float(np.degrees(np.arctan2(m[1, 0], m[0, 0]))) % 360.0
    if min(turn, 360.0 - turn) < 0.25:
        turn = 0.0
    ratio_a, ratio_b = a.width / wa, b.width / wb  # real pixels per view pixel
    transform = Transform(
        turn_degrees=round(turn, 1),
        mirrored=mirrored,
        scale=round(view_scale * ratio_b / ratio_a, 4),
        first_shown=round(min(first_shown, 1.0), 3),
        second_shown=round(min(second_shown, 1.0), 3),
        grayscale=a.chroma >= COLOURFUL and b.chroma < GRAY_CHROMA,
        colourised=b.chroma >= COLOURFUL and a.chroma < GRAY_CHROMA,
        brightness=round(pixels.brightness, 3),
        contrast=round(pixels.contrast, 3),
        added=round(pixels.added, 3),
        removed=round(pixels.removed, 3),
    )
    proven = _proven(pixels, vouched)
    container = (wa, ha) if first_shown <= second_shown else (wb, hb)
    return Verdict(
        proven,
        "" if proven else MOVED if pixels.shifted > MAX_SHIFTED else _DISAGREE[vouched],
        score=round(pixels.score, 4),
        transform=transform,
        inliers=count,
        spread=round(spread, 3),
        agreement=round(pixels.agreement, 4),
        detail=round(pixels.detail, 4),
        turn_keep=round(_turn_keep(turn, *container), 3),
    )


def _whole_frame(a: View, b: View) -> tuple[npt.NDArray[np.float64], bool] | None:
    """The quarter turn or mirror of a's whole frame onto b's whose small thumbnails correlate
    best (the map and whether mirrored), or None when no shape fits or none correlates.

    When none does, each is tried with either picture trimmed by TRIM_START a side: the
    thumbnails of a fine-grained picture (a star field) and its 3 % trim correlate only once
    the trim is taken into account, and dense alignment starts from there."""
    hb, wb = b.gray.shape
    ha, wa = a.gray.shape
    keep = 1.0 - 2.0 * TRIM_START
    inner = (slice(round(hb * TRIM_START), hb - round(hb * TRIM_START)),
             slice(round(wb * TRIM_START), wb - round(wb * TRIM_START)))  # fmt: skip
    everything = (slice(None), slice(None))
    thumbs = [_thumb(b.gray), _thumb(b.gray[inner])]
    # 1: the whole frames; then 1/keep: b is a's trim, keep: a is b's (it fills b's inner part).
    for scales in ((1.0,), (1.0 / keep, keep)):
        best: tuple[float, int, npt.NDArray[np.float64]] | None = None
        for index in range(8):
            m = _orientation_matrix(index, a, b)
            if m is None:
                continue
            src = np.ascontiguousarray(a.gray[:, ::-1] if index >= 4 else a.gray)
            for k in scales:
                about = np.array(
                    [[k, 0, (1 - k) * (wa - 1) / 2], [0, k, (1 - k) * (ha - 1) / 2], [0, 0, 1]]
                )
                mk = m @ about
                warped = cv2.warpAffine(src, mk, (wb, hb))[inner if k < 1.0 else everything]
                corr = _ncc(_thumb(warped), thumbs[k < 1.0])
                if best is None or corr > best[0]:
                    best = (corr, index, mk)
        if best is not None and best[0] >= MIN_DIRECT_THUMB_CORRELATION:
            return best[2], best[1] >= 4
    return None


def _turned_frame(a: View, b: View) -> npt.NDArray[np.float64] | None:
    """The map of a onto b, one picture being the other turned by one of TURN_STARTS degrees
    and cut to its largest upright rectangle of the same shape, whose small thumbnails
    correlate best; None when the shapes differ or none correlates."""
    ha, wa = a.gray.shape
    hb, wb = b.gray.shape
    if abs((wa / ha) / (wb / hb) - 1.0) > 0.1:
        return None
    best: tuple[float, npt.NDArray[np.float64]] | None = None
    for degrees, b_inside in itertools.product(TURN_STARTS, (True, False)):
        inner, outer = (b, a) if b_inside else (a, b)
        hi, wi = inner.gray.shape
        ho, wo = outer.gray.shape
        scale = wi / (wo * turned_keep(wo, ho, degrees))
        turn = np.radians(degrees)
        c, s = scale * np.cos(turn), scale * np.sin(turn)
        ox, oy, ix, iy = (wo - 1) / 2, (ho - 1) / 2, (wi - 1) / 2, (hi - 1) / 2
        m = np.array([[c, -s, ix - c * ox + s * oy], [s, c, iy - s * ox - c * oy]], np.float64)
        warped = cv2.warpAffine(outer.gray, m, (wi, hi))
        corr = _ncc(_thumb(warped), _thumb(inner.gray))
        if best is None or corr > best[0]:
            best = (corr, m if b_inside else _invert(m))
    if best is None or best[0] < MIN_DIRECT_THUMB_CORRELATION:
        return None
    return best[1]


def _thumb(gray: npt.NDArray[Any]) -> npt.NDArray[np.float32]:
    out: npt.NDArray[np.float32] = cv2.resize(gray, (32, 32), interpolation=cv2.INTER_AREA).astype(
        np.float32
    )
    return out


def _refined_frame(
    a: View, b: View, m: npt.NDArray[np.float64], mirrored: bool, verdict: Verdict
) -> Verdict:
    """For pictures with too few features, when their whole frames do not prove one picture as
    they are: perhaps slightly cropped or turned. The map is refined by dense alignment first
    at a small size (a true quarter turn is more exact than that: only tried now), then at the
    view's own size (the fine detail the check demands of a low-detail picture only correlates
    when the two are aligned to a fraction of a view pixel). Either picture may be the crop:
    b is tried inside a first, then a inside b."""
    # Views no larger than the small size were refined at their own size already.
    small = max(*a.gray.shape, *b.gray.shape) <= ECC_LONG_PX
    for a_inside in (False, True):
        refined = _refine(a, b, m, mirrored, a_inside=a_inside)
        if refined is None:
            continue
        polished = None if small else _refine(a, b, refined, mirrored, VIEW_LONG_PX, a_inside)
        checked = _check(a, b, refined if polished is None else polished, mirrored, None)
        if checked.proven:
            return checked
        if checked.score > verdict.score:
            verdict = checked
    return verdict


def _resized_coordinates(
    full: npt.NDArray[Any], small: npt.NDArray[Any]
) -> npt.NDArray[np.float64]:
    """The 3x3 map of pixel coordinates of ``full`` onto those of its resized copy ``small``
    (pixel centres sit at +0.5 in both, so a plain scale would shift a turned picture)."""
    sx, sy = small.shape[1] / full.shape[1], small.shape[0] / full.shape[0]
    return np.array([[sx, 0, 0.5 * sx - 0.5], [0, sy, 0.5 * sy - 0.5], [0, 0, 1]], np.float64)


def _refine(
    a: View,
    b: View,
    m: npt.NDArray[np.float64],
    mirrored: bool,
    long_px: int = ECC_LONG_PX,
    a_inside: bool = False,
) -> npt.NDArray[np.float64] | None:
    """Refine the map of a onto b by dense alignment (ECC, which maximises the correlation of
    the two, so brightness and contrast do not pull it), at ``long_px``: a small crop or a
    slight turn of a low-detail picture is found without features, and a fit a fraction of a
    pixel off is put right.

    ECC finds where each pixel of its template lies in the other picture, so the template must
    be the one that lies inside the other (the crop): b by default, a when ``a_inside``.
    """
    src = np.ascontiguousarray(a.gray[:, ::-1]) if mirrored else a.gray
    ka = min(1.0, long_px / max(src.shape))
    kb = min(1.0, long_px / max(b.gray.shape))
    small_a = cv2.resize(src, None, fx=ka, fy=ka, interpolation=cv2.INTER_AREA)
    small_b = cv2.resize(b.gray, None, fx=kb, fy=kb, interpolation=cv2.INTER_AREA)
    scale_a, scale_b = _resized_coordinates(src, small_a), _resized_coordinates(b.gray, small_b)
    a_to_b = np.vstack([m, [0, 0, 1]])
    if a_inside:  # the warp maps a's small coordinates into b's
        template, image, start_map = small_a, small_b, scale_b @ a_to_b @ np.linalg.inv(scale_a)
    else:  # b's into a's
        template, image = small_b, small_a
        start_map = scale_a @ np.linalg.inv(a_to_b) @ np.linalg.inv(scale_b)
    criteria = (cv2.TERM_CRITERIA_COUNT | cv2.TERM_CRITERIA_EPS, 60, 1e-5)
    try:
        everywhere = np.full(template.shape, 255, np.uint8)
        _, found = cv2.findTransformECC(
            template, image, start_map[:2].astype(np.float32), cv2.MOTION_AFFINE, criteria,
            everywhere, 3,
        )  # fmt: skip
    except cv2.error:
        return None  # did not converge: keep the map it started from
    warp = np.vstack([np.asarray(found, np.float64), [0, 0, 1]])
    if a_inside:
        refined = np.linalg.inv(scale_b) @ warp @ scale_a
    else:
        refined = np.linalg.inv(np.linalg.inv(scale_a) @ warp @ scale_b)
    out: npt.NDArray[np.float64] = refined[:2]
    return out


def _checked_fit(a: View, b: View, fit: _Fit) -> Verdict:
    """The pixel check of a feature fit, polished by dense alignment when it falls short: a fit
    a fraction of a pixel off (a star field turned 180°, fine texture) fails blocks whose
    pixels agree once aligned."""
    verdict = _check(a, b, fit.matrix, fit.mirrored, fit.inliers_a)
    if verdict.proven or verdict.score < MIN_POLISH_SCORE:
        return verdict
    polished = _refine(a, b, fit.matrix, fit.mirrored, VIEW_LONG_PX)
    if polished is None:
        return verdict
    again = _check(a, b, polished, fit.mirrored, fit.inliers_a)
    return again if again.proven or again.score > verdict.score else verdict


def _final(verdict: Verdict) -> bool:
    """A proof that some sensitivity accepts ends the search. One that none does may come
    from a map slightly off, which another path puts right: the whole frames of a 3 % trim
    disagree a little along both sides, as if something had moved."""
    return verdict.proven and accepts(verdict, Sensitivity.LOOSE) is not None


def verify(a: View, b: View) -> Verdict:
    """Decide whether ``a`` and ``b`` show the same picture; the transform maps a onto b."""
    # The whole frame first, under its 8 quarter turns and mirrors: a resized, re-encoded,
    # converted, recoloured, stamped, mirrored or turned copy is proven by its pixels alone, at
    # the strict standard of a picture without features, for a few ms instead of two SIFT
    # detections (most of a pair's cost).
    frame = _whole_frame(a, b)
    whole = None if frame is None else _check(a, b, frame[0], frame[1], None)
    if whole is not None and _final(whole):
        return whole
    verdict = Verdict(False, "too few matching features")
    for mirrored in (False, True):
        # The mirrored fit is tried when the straight one proves nothing: a symmetric picture
        # (a butterfly) fits its mirrored copy straight too, with a turn, and then fails.
        fit = _fit(a, b, mirrored)
        if fit is None:
            continue
        inliers = len(fit.inliers_a)
        if inliers < MIN_INLIERS or inliers < MIN_INLIER_SHARE * fit.matches:
            if not verdict.score and inliers > verdict.inliers:
                verdict = Verdict(False, "too few matching features", inliers=inliers)
            continue
        checked = _checked_fit(a, b, fit)
        if checked.proven:
            return checked
        if checked.score >= verdict.score:
            verdict = checked
        if checked.reason == NOT_CONTAINED and inliers >= STRONG_INLIERS:
            break  # a strong fit placed two overlapping views: a mirror would not place them
    # A low-detail picture (a sky with one pole) has too few features, or all in one place, to
    # prove anything: its whole frame may still, under the stricter detail test.
    few = min(len(a.features(False)[0]), len(b.features(False)[0])) < FEW_FEATURES
    if few and frame is not None and whole is not None:
        direct = _refined_frame(a, b, frame[0], frame[1], whole)
        if direct.proven:
            return direct
        if not verdict.score:
            verdict = direct
    if few:
        # Or it was turned by a few degrees and cut to its upright rectangle ("straightened"):
        # no quarter turn starts dense alignment close enough to reach that angle.
        start = _turned_frame(a, b)
        if start is not None:
            turned = _refined_frame(a, b, start, False, verdict)
            if turned.proven:
                return turned
    return verdict


# --- files: what the scan's worker processes and the cleanup's last check call --------------


@dataclass(frozen=True, slots=True)
class FileRef:
    """A file as the scan saw it: verification refuses it if it changed since."""

    path: str
    size: int
    mtime_ns: int


@dataclass(frozen=True, slots=True)
class PairVerdict:
    """The verdict on one candidate pair, or None when a file could not be read or decoded."""

    first: str
    second: str
    verdict: Verdict | None
    decoded: int = 0  # files this pair had to read and decode (not in the worker's cache)


# Per process: the views decoded lately, with the features the verifier computed on them. A
# scan's candidate pairs share files (a 96x72 crop of a cluster meets ~8-34 candidates, a
# keeper all its copies), and decoding plus SIFT costs as much as the rest of a pair; on 10,000
# such crops the verifier decoded 23,000 views for 17,000 pairs with 32 views kept, 7,200 with
# 1,500. Bounded by memory, not by count: a small crop's view and features take ~20 KB, a 12 MP
# photo's 384 px view with 600 features ~400 KB (the mirrored ones are kept too).
VIEW_CACHE_BYTES = 32 << 20
_VIEW_OVERHEAD_BYTES = 512  # the View and its dict beside the arrays


class _ViewCache:
    """The least recently used views of files as scanned, up to ``budget`` bytes."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self._views: OrderedDict[FileRef, tuple[View | None, int]] = OrderedDict()
        self._bytes = 0
        self.decoded = 0  # files read and decoded, in this process's life

    def get(self, ref: FileRef) -> tuple[bool, View | None]:
        """(found, view); a found view becomes the most recently used."""
        entry = self._views.get(ref)
        if entry is None:
            return False, None
        self._views.move_to_end(ref)
        return True, entry[0]

    def put(self, ref: FileRef, view: View | None) -> None:
        """Keep (or measure again, once its features were computed) a file's view, and forget
        the least recently used ones beyond the budget."""
        old = self._views.pop(ref, None)
        if old is not None:
            self._bytes -= old[1]
        size = _view_bytes(view)
        self._views[ref] = (view, size)
        self._bytes += size
        while self._bytes > self.budget and len(self._views) > 1:
            _, (_, freed) = self._views.popitem(last=False)
            self._bytes -= freed

    def clear(self) -> None:
        self._views.clear()
        self._bytes = 0


def _view_bytes(view: View | None) -> int:
    if view is None:
        return _VIEW_OVERHEAD_BYTES
    size = _VIEW_OVERHEAD_BYTES + view.gray.nbytes
    for points, descriptors in view._features.values():
        size += points.nbytes + (0 if descriptors is None else descriptors.nbytes)
    return size


_views = _ViewCache(VIEW_CACHE_BYTES)


def load_view(ref: FileRef) -> View | None:
    """The view of a file as scanned, or None if it changed, vanished or is no picture."""
    found, view = _views.get(ref)
    if found:
        return view
    try:
        with open(ref.path, "rb") as f:
            st = os.fstat(f.fileno())
            if st.st_size != ref.size or st.st_mtime_ns != ref.mtime_ns:
                return None
            data = f.read()
    except OSError:
        return None
    view = decode_view(data)
    _views.decoded += 1
    _views.put(ref, view)
    return view


def verify_files(pairs: Sequence[tuple[FileRef, FileRef]]) -> list[PairVerdict]:
    """Process-pool target: verify a chunk of candidate pairs from their files."""
    out = []
    for first, second in pairs:
        before = _views.decoded
        a, b = load_view(first), load_view(second)
        verdict = None
        if a is not None and b is not None:
            verdict = verify(a, b)
            # Their features are computed now: the budget counts them.
            _views.put(first, a)
            _views.put(second, b)
        out.append(PairVerdict(first.path, second.path, verdict, _views.decoded - before))
    return out


def reverifier(
    sensitivity: Sensitivity = Sensitivity.LOOSE,
) -> Callable[[Member, Member], bool]:
    """The cleanup's last-moment proof (``cleanup.checks.Reverifier``): do the keeper and the
    member, as they are on disk now, still show one picture at this sensitivity? (The verdict
    on unchanged files is the scan's; the default, the loosest level, still refuses a keeper
    that now holds another picture.)

    Runs in the calling thread: both files decoded in the scan's workers already, and their size
    and modification time are checked just before, so they are the files that decoded safely.
    """

    def same(keeper: Member, member: Member) -> bool:
        a = load_view(FileRef(keeper.path, keeper.size, keeper.mtime_ns))
        b = load_view(FileRef(member.path, member.size, member.mtime_ns))
        return a is not None and b is not None and accepts(verify(a, b), sensitivity) is not None

    return same


class ProcessVerifier:
    """The scan's verifier (``matching.candidates.Verifier``): proves candidate pairs from their
    files in worker processes of its own.

    Decoding runs there, never in the scan's process, so a decoder that crashes on a file costs
    that pair (no match), not the scan. Processes of its own rather than places in the
    fingerprint pool: the grouping asks for answers one pair at a time and waits for them, and
    in the shared pool each answer would queue behind every fingerprint chunk in flight, idling
    the other workers while the scan waits; here the fingerprint workers keep decoding meanwhile.
    What a pair measured (``measure``) is plain numbers the matcher keeps, and the fingerprint
    cache across scans; ``accept`` judges them at the scan's sensitivity.

    Args:
        sensitivity: what a verdict must show to be a match (``LEVELS``).
        file_of: the file as the walk saw it (size and modification time), by path.
        workers: processes (pairs asked about together are verified in parallel).
        crash_marker: the test hook of ``fingerprint.init_worker``.
        background: run the worker processes at the lowest priority (``pool.start_worker``).
    """

    def __init__(
        self,
        sensitivity: Sensitivity,
        file_of: Callable[[str], FileRef],
        workers: int = 1,
        crash_marker: str = "",
        background: bool = False,
    ) -> None:
        self._sensitivity = sensitivity
        self._background = background
        self._file_of = file_of
        self._workers = max(1, workers)
        self._crash_marker = crash_marker
        self._pool: ProcessPoolExecutor | None = None
        self.decoded = 0  # files the workers read and decoded (not in their view caches)

    @property
    def version(self) -> str:
        return f"verify-{VERIFY_VERSION}"

    def measure(self, candidates: Sequence[Candidate]) -> list[Evidence]:
        pairs = [(self._file_of(c.first.path), self._file_of(c.second.path)) for c in candidates]
        return [to_evidence(v) for v in self._run(pairs)]

    def accept(self, evidence: Evidence) -> Match | None:
        verdict = from_evidence(evidence)
        kind = accepts(verdict, self._sensitivity) if verdict is not None else None
        if kind is None or verdict is None:
            return None
        return Match(kind, round(verdict.similarity, 3), verdict.transform)

    def _run(self, pairs: list[tuple[FileRef, FileRef]]) -> list[Verdict | None]:
        # One task per pair: the grouping often asks about several pairs at once (a new keeper
        # against its candidates), and each pair is worth a few fingerprints of work.
        try:
            futures = [self._submit([pair]) for pair in pairs]
            return [self._verdict(future.result()[0]) for future in futures]
        except BrokenProcessPool:
            pass
        # A worker died (a decoder crash) and took every pair in flight with it: ask again one
        # pair at a time, so only a pair whose file crashes the decoder is lost (no match).
        verdicts: list[Verdict | None] = []
        for pair in pairs:
            verdict = None
            for _ in range(2):  # the first try may meet the pool the crash broke
                try:
                    verdict = self._verdict(self._submit([pair]).result()[0])
                    break
                except BrokenProcessPool:
                    self._restart()
            else:
                log.warning("the decoder crashed on %s or %s", pair[0].path, pair[1].path)
            verdicts.append(verdict)
        return verdicts

    def _verdict(self, result: PairVerdict) -> Verdict | None:
        self.decoded += result.decoded
        return result.verdict

    def _submit(self, pairs: list[tuple[FileRef, FileRef]]) -> Future[list[PairVerdict]]:
        if self._pool is None:
            from lookalike.core.pool import pool_context, start_worker

            self._pool = ProcessPoolExecutor(
                self._workers, pool_context(), initializer=start_worker,
                initargs=(self._crash_marker, self._background),
            )  # fmt: skip
        return self._pool.submit(verify_files, pairs)

    def _restart(self) -> None:
        """Start afresh at the next submit (a broken pool cannot be used again)."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = None

    def close(self) -> None:
        """End the worker process (it also ends by itself when the scan process does)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
