"""The verifier on real photographs: the copies it must accept, the look-alikes it must reject.

The photos come from scikit-image's bundled data (real photographs, read from the installed
package, never committed here) or from a folder named by LOOKALIKE_TEST_PHOTOS holding files with
the same names. Without either the real-photo cases skip and say why.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import cv2
import numpy as np
import pytest

from lookalike.bench import photos
from lookalike.core.matching.verify import (
    FileRef,
    Verdict,
    View,
    _Blocks,
    accepts,
    decode_view,
    load_view,
    make_view,
    verify,
    verify_files,
)
from lookalike.core.model import IDENTITY, MatchKind, Sensitivity, Transform
from tests import images

Bgr = np.ndarray


def _photo_folder() -> Path | None:
    named = os.environ.get("LOOKALIKE_TEST_PHOTOS")
    if named:
        return Path(named)
    spec = importlib.util.find_spec("skimage")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data"


PHOTOS = _photo_folder()


def real(name: str) -> Bgr:
    path = PHOTOS / name if PHOTOS else None
    if path is None or not path.exists():
        pytest.skip(
            f"real photo {name} not found: install scikit-image (its data holds the photos) "
            "or set LOOKALIKE_TEST_PHOTOS to a folder of them"
        )
    img = cv2.imread(str(path), cv2.IMREAD_COLOR)
    assert img is not None
    return img


def as_file(img: Bgr, ext: str = ".jpg", quality: int = 92) -> View:
    """A view as the scan builds it: from encoded bytes, at reduced size."""
    params = [cv2.IMWRITE_JPEG_QUALITY, quality] if ext == ".jpg" else []
    ok, buf = cv2.imencode(ext, img, params)
    assert ok
    view = decode_view(buf.tobytes())
    assert view is not None
    return view


def turned(img: Bgr, degrees: float) -> Bgr:
    """Turned about the centre, then cropped to the largest same-shaped rectangle inside."""
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    out = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_CUBIC)
    a = np.radians(abs(degrees))
    k = min(w / (w * np.cos(a) + h * np.sin(a)), h / (w * np.sin(a) + h * np.cos(a)))
    cw, ch = int(w * k), int(h * k)
    return out[(h - ch) // 2 : (h + ch) // 2, (w - cw) // 2 : (w + cw) // 2]


def date_stamp(img: Bgr) -> Bgr:
    out = img.copy()
    h, w = img.shape[:2]
    scale = w / 600
    cv2.putText(
        out, "2019-08-14", (int(w * 0.66), int(h * 0.94)), cv2.FONT_HERSHEY_SIMPLEX, scale,
        (0, 140, 255), max(2, int(3 * scale)), cv2.LINE_AA,
    )  # fmt: skip
    return out


def check(verdict: Verdict, sensitivity: Sensitivity = Sensitivity.NORMAL) -> MatchKind | None:
    return accepts(verdict, sensitivity)


# --- copies it must accept -------------------------------------------------------------------

RESAVED = {
    "half size": lambda i: cv2.resize(i, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA),
    "re-encoded at quality 40": lambda i: i,  # encoded below at low quality
    "converted to PNG": lambda i: i,
}


@pytest.mark.parametrize("name", ["astronaut.png", "coffee.png", "chelsea.png", "rocket.jpg"])
@pytest.mark.parametrize("how", list(RESAVED))
def test_a_resaved_copy_is_the_same_picture_even_at_strict(name: str, how: str) -> None:
    img = real(name)
    copy = RESAVED[how](img)
    if how == "converted to PNG":
        b = as_file(copy, ".png")
    else:
        b = as_file(copy, quality=40 if "40" in how else 92)
    verdict = verify(as_file(img), b)
    assert check(verdict, Sensitivity.STRICT) is MatchKind.SAME_PICTURE, verdict
    t = verdict.transform
    assert (t.turn_degrees, t.mirrored) == (0.0, False)
    assert t.scale == pytest.approx(0.5 if "half" in how else 1.0, rel=0.03)


EDITS = {
    "grayscale": lambda i: cv2.cvtColor(cv2.cvtColor(i, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR),
    "brighter": lambda i: cv2.convertScaleAbs(i, alpha=1.0, beta=35),
    "more contrast": lambda i: cv2.convertScaleAbs(i, alpha=1.25, beta=-25),
    "turned 90°": lambda i: cv2.rotate(i, cv2.ROTATE_90_CLOCKWISE),
    "mirrored": lambda i: np.ascontiguousarray(i[:, ::-1]),
    "turned 17° and cropped by the turn": lambda i: turned(i, 17),
    "cropped 3 % a side": lambda i: images.crop_border(i, 0.06),
    "cropped 15 % a side": lambda i: images.crop_border(i, 0.3),
    "date stamp": date_stamp,
}


@pytest.mark.parametrize("name", ["astronaut.png", "coffee.png", "chelsea.png", "rocket.jpg"])
@pytest.mark.parametrize("how", list(EDITS))
def test_an_edited_copy_is_accepted_as_similar_and_refused_at_strict(name: str, how: str) -> None:
    img = real(name)
    verdict = verify(as_file(img), as_file(EDITS[how](img)))
    assert check(verdict) is MatchKind.SIMILAR, verdict
    assert check(verdict, Sensitivity.LOOSE) is MatchKind.SIMILAR
    assert check(verdict, Sensitivity.STRICT) is None


@pytest.mark.parametrize("name", ["hubble_deep_field.jpg", "microaneurysms.png", "moon.png"])
def test_a_fine_grained_picture_turned_180_degrees_is_accepted(name: str) -> None:
    # Stars and specks a view pixel wide: a feature fit half a pixel off failed most blocks.
    img = real(name)
    verdict = verify(as_file(img), as_file(cv2.rotate(img, cv2.ROTATE_180)))
    assert check(verdict) is MatchKind.SIMILAR, verdict
    assert verdict.transform.turn_degrees == pytest.approx(180.0, abs=0.5)


def test_a_crop_whose_features_bunch_in_one_place_is_accepted() -> None:
    # Cells on a bland background: the features the crop keeps sit in a few places, and the
    # shared fine detail proves the pair instead.
    img = real("cell.png")
    verdict = verify(as_file(img), as_file(images.crop_border(img, 0.3)))
    assert verdict.spread < 0.4
    assert check(verdict) is MatchKind.SIMILAR, verdict


@pytest.mark.parametrize("how", ["half size", "converted to PNG", "turned 90°", "mirrored"])
def test_a_whole_frame_copy_is_proven_by_its_pixels_without_features(how: str) -> None:
    img = real("coffee.png")
    made = {**RESAVED, **EDITS}[how](img)
    a, b = as_file(img), as_file(made, ".png" if "PNG" in how else ".jpg")
    verdict = verify(a, b)
    assert check(verdict) is not None, verdict
    assert verdict.inliers == 0
    # No SIFT detection ran: that is most of what a pair costs.
    assert not a._features
    assert not b._features


def test_a_logo_on_a_star_field_is_something_added() -> None:
    # Most of a star field is black on both sides: clipped alike, it agrees and is part of the
    # compared area. Left out of it, the logo on the glow in a corner seemed to cover half of
    # the rest, and the copy was refused. (The deep field exposed darker, 80 % of it black.)
    deep = real("hubble_deep_field.jpg").astype(np.float32)
    h, w = deep.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    glow = np.exp(-np.hypot(xs / w, 1 - ys / h) / 0.3)  # the lower left, where the logo goes
    img = np.clip(deep - 20 * (1 - glow)[:, :, None], 0, 255).astype(np.uint8)
    verdict = verify(as_file(img), as_file(photos.watermark(img, "lookalike photo club")))
    assert check(verdict) is MatchKind.SIMILAR, verdict
    assert 0.0 < verdict.transform.added <= 0.12


def test_a_trim_of_a_sparse_star_field_is_accepted() -> None:
    # Stars a view pixel wide on black: too few features to fit, and the thumbnails of the two
    # whole frames, 3 % apart at the edges, do not correlate; once the trim is taken into
    # account they do. (The deep field's brightest half percent: a sparse star field.)
    deep = real("hubble_deep_field.jpg").astype(np.float32)
    black = np.percentile(deep.mean(axis=2), 99.5)
    img = np.clip((deep - black) * 3, 0, 255).astype(np.uint8)
    verdict = verify(as_file(img), as_file(images.crop_border(img, 0.06)))
    assert check(verdict) is MatchKind.SIMILAR, verdict
    assert verdict.transform.first_shown == pytest.approx(0.94**2, abs=0.02)


@pytest.mark.parametrize("degrees", [14, -17])
def test_a_low_detail_picture_straightened_by_a_few_degrees_is_accepted(degrees: int) -> None:
    # Out of focus: too few features to fit, and no quarter turn of the whole frame starts dense
    # alignment close enough to reach the angle; a start at a few degrees does.
    img = cv2.GaussianBlur(real("coffee.png"), (0, 0), 8)
    verdict = verify(as_file(img), as_file(turned(img, degrees)))
    assert check(verdict) is MatchKind.SIMILAR, verdict
    assert verdict.inliers == 0
    assert verdict.transform.turn_degrees == pytest.approx(-degrees % 360, abs=1.0)


def test_a_trim_of_a_low_detail_picture_is_not_taken_for_its_whole_frame() -> None:
    # Out of focus, few features: the whole frames correlate as they are and their pixels
    # agree but along both sides, as if something had moved, which no sensitivity accepts. That
    # is a map 3 % off, not the end: dense alignment finds the trim.
    img = cv2.GaussianBlur(real("camera.png"), (0, 0), 8)
    verdict = verify(as_file(img), as_file(images.crop_border(img, 0.06)))
    assert check(verdict) is MatchKind.SIMILAR, verdict
    assert verdict.transform.first_shown == pytest.approx(0.94**2, abs=0.02)


def test_the_transform_says_what_was_done() -> None:
    img = real("astronaut.png")
    a = as_file(img)
    t = verify(a, as_file(turned(img, 17))).transform
    assert t.turn_degrees == pytest.approx(360 - 17, abs=1.0)  # counter-clockwise by 17°
    assert t.first_shown < 0.75
    assert t.second_shown > 0.95
    t = verify(a, as_file(np.ascontiguousarray(img[:, ::-1]))).transform
    assert t.mirrored
    assert t.turn_degrees == 0.0
    t = verify(a, as_file(cv2.rotate(img, cv2.ROTATE_90_CLOCKWISE))).transform
    assert t.turn_degrees == pytest.approx(90, abs=0.5)
    assert not t.mirrored
    t = verify(a, as_file(EDITS["grayscale"](img))).transform
    assert t.grayscale
    assert not t.colourised
    t = verify(a, as_file(EDITS["brighter"](img))).transform
    assert t.brightness > 0.05
    crop = images.crop_border(img, 0.3)
    kept = crop.shape[0] * crop.shape[1] / (img.shape[0] * img.shape[1])
    cropped = verify(a, as_file(crop))
    assert cropped.transform.first_shown == pytest.approx(kept, abs=0.03)
    assert cropped.transform.second_shown > 0.97
    # Seen from the crop, the original shows more: the relation reads the other way.
    back = verify(as_file(crop), a)
    assert back.transform.second_shown == pytest.approx(kept, abs=0.03)


def test_an_exif_rotated_copy_is_the_same_picture(tmp_path: Path) -> None:
    img = real("coffee.png")
    plain = images.save(tmp_path / "plain.jpg", img)
    # Stored turned, with an EXIF tag saying how to show it: shown, it is the same picture.
    rotated = images.save(tmp_path / "rotated.jpg", img, orientation=6)
    a, b = decode_view(plain.read_bytes()), decode_view(rotated.read_bytes())
    assert a is not None
    assert b is not None
    assert check(verify(a, b), Sensitivity.STRICT) is MatchKind.SAME_PICTURE


# --- look-alikes it must reject --------------------------------------------------------------


@pytest.mark.parametrize("name", ["retina.jpg", "hubble_deep_field.jpg", "coffee.png", "grass.png"])
def test_neighbouring_tiles_of_one_photo_are_different_pictures(name: str) -> None:
    img = real(name)
    h, w = img.shape[:2]
    left, right = img[:, : w // 2], img[:, w // 2 :]
    top, bottom = img[: h // 2], img[h // 2 :]
    for a, b in ((left, right), (top, bottom)):
        verdict = verify(as_file(a), as_file(b))
        assert check(verdict, Sensitivity.LOOSE) is None, verdict


def test_two_shots_of_one_scene_are_different_pictures() -> None:
    # A stereo pair: the same scene from two points a few centimetres apart.
    left, right = real("motorcycle_left.png"), real("motorcycle_right.png")
    verdict = verify(as_file(left), as_file(right))
    assert check(verdict, Sensitivity.LOOSE) is None, verdict


def test_overlapping_views_of_one_scene_are_different_pictures() -> None:
    img = real("coffee.png")
    w = img.shape[1]
    verdict = verify(as_file(img[:, : int(w * 0.7)]), as_file(img[:, int(w * 0.3) :]))
    assert check(verdict, Sensitivity.LOOSE) is None, verdict


def test_a_frame_where_something_moved_is_a_different_picture() -> None:
    # Like the next frame of a burst: most of the picture is the same, a large part changed.
    img = real("astronaut.png")
    other = img.copy()
    h, w = img.shape[:2]
    third = w // 3
    other[h // 4 : 3 * h // 4, third : 2 * third] = img[h // 4 : 3 * h // 4, :third][:, ::-1]
    verdict = verify(as_file(img), as_file(other))
    assert check(verdict, Sensitivity.LOOSE) is None, verdict


@pytest.mark.parametrize("name", ["coffee.png", "astronaut.png", "grass.png"])
def test_frames_where_a_small_thing_moved_are_different_pictures(name: str) -> None:
    # Like two frames of a fixed camera with people walking: the same background, and a small
    # thing that is here in one frame and there in the other. (A logo is only on one side.)
    img = real(name)
    h, w = img.shape[:2]
    ph, pw = h // 6, w // 8
    thing = np.ascontiguousarray(img[:ph, :pw][::-1, ::-1])
    first, second = img.copy(), img.copy()
    first[h // 2 : h // 2 + ph, w // 5 : w // 5 + pw] = thing
    second[h // 2 : h // 2 + ph, 3 * w // 5 : 3 * w // 5 + pw] = thing
    verdict = verify(as_file(first), as_file(second))
    assert check(verdict, Sensitivity.LOOSE) is None, verdict
    assert check(verify(as_file(img), as_file(first))) is MatchKind.SIMILAR  # one side only


def moved(img: Bgr, pixels: float) -> Bgr:
    """The next frame of a fixed camera filming things that move a little: every part of the
    picture shifted by up to ``pixels``, this way here and that way there."""
    h, w = img.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    dx = pixels * np.sin(2 * np.pi * ys / h * 1.5) * np.cos(2 * np.pi * xs / w)
    dy = pixels * np.cos(2 * np.pi * xs / w * 1.5)
    out: Bgr = cv2.remap(img, xs + dx, ys + dy, cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)
    return out


@pytest.mark.parametrize("name", ["astronaut.png", "coffee.png", "chelsea.png"])
def test_frames_whose_parts_moved_a_few_pixels_are_different_pictures(name: str) -> None:
    # Two frames of an optical-flow sequence: each part of the picture agrees with the other
    # frame, but lies a few pixels off where the rest puts it. A copy of either frame has all
    # its detail in place, resized and re-encoded too.
    img = cv2.resize(real(name), (584, 388), interpolation=cv2.INTER_AREA)
    frame = moved(img, 1.5)
    verdict = verify(as_file(img), as_file(frame))
    assert check(verdict, Sensitivity.LOOSE) is None, verdict
    for copy in (frame, images.resize(frame, 0.5), images.crop_border(frame, 0.06)):
        assert check(verify(as_file(frame), as_file(copy, quality=70))) is not None


def test_different_photos_are_different_pictures() -> None:
    names = ["astronaut.png", "coffee.png", "chelsea.png", "rocket.jpg", "camera.png",
             "retina.jpg", "moon.png", "grass.png", "gravel.png", "brick.png"]  # fmt: skip
    views = {n: as_file(real(n)) for n in names}
    for i, x in enumerate(names):
        for y in names[i + 1 :]:
            verdict = verify(views[x], views[y])
            assert check(verdict, Sensitivity.LOOSE) is None, (x, y, verdict)


def test_pictures_without_detail_are_never_matched_on_weak_evidence() -> None:
    # Two different smooth gradients (like two clear skies): nothing proves them one picture.
    ys, xs = np.mgrid[0:300, 0:400].astype(np.float32)
    sky = np.dstack([200 - ys / 4, 150 - ys / 6, 90 + xs / 20]).astype(np.uint8)
    other = np.dstack([205 - ys / 4.2, 150 - ys / 6, 92 + xs / 18]).astype(np.uint8)
    verdict = verify(as_file(sky), as_file(other))
    assert not verdict.proven
    assert check(verdict, Sensitivity.LOOSE) is None


# --- the file-level entry points -------------------------------------------------------------


def test_verify_files_reads_the_files_and_refuses_changed_ones(tmp_path: Path) -> None:
    img = images.photo(5, 800, 600)
    a = images.save(tmp_path / "a.jpg", img)
    b = images.save(tmp_path / "b.jpg", images.resize(img, 0.5))
    ra = FileRef(str(a), a.stat().st_size, a.stat().st_mtime_ns)
    rb = FileRef(str(b), b.stat().st_size, b.stat().st_mtime_ns)
    [result] = verify_files([(ra, rb)])
    assert result.verdict is not None
    assert check(result.verdict) is MatchKind.SAME_PICTURE
    stale = FileRef(str(b), rb.size + 1, rb.mtime_ns)
    assert load_view(stale) is None
    assert verify_files([(ra, stale)])[0].verdict is None


def test_make_view_keeps_the_real_size_for_the_scale() -> None:
    small = images.photo(6, 400, 300)
    view = make_view(small, 4000, 3000)
    assert (view.width, view.height) == (4000, 3000)
    assert max(view.gray.shape) <= 400


def test_a_transform_seen_from_the_other_side() -> None:
    t = Transform(turn_degrees=17.0, scale=0.5, first_shown=0.6, grayscale=True, brightness=0.1,
                  contrast=1.25, added=0.05)  # fmt: skip
    back = t.inverse()
    assert back.turn_degrees == pytest.approx(343.0)
    assert back.scale == pytest.approx(2.0)
    assert back.second_shown == 0.6
    assert back.colourised
    assert not back.grayscale
    assert back.brightness == -0.1
    assert back.contrast == pytest.approx(0.8)
    assert back.removed == 0.05
    assert back.added == 0.0
    again = back.inverse()
    assert again.turn_degrees == pytest.approx(17.0)
    assert again.scale == pytest.approx(0.5)
    assert again.grayscale
    assert again.added == 0.05
    mirrored = Transform(turn_degrees=90.0, mirrored=True)
    assert mirrored.inverse() == mirrored
    assert IDENTITY.inverse() == IDENTITY


@pytest.mark.parametrize(("y0", "y1", "x0", "x1", "step"), [(3, 57, 5, 40, 8), (0, 60, 0, 45, 9)])
def test_block_sums_and_spread_follow_the_windows_of_the_pixel_check(
    y0: int, y1: int, x0: int, x1: int, step: int
) -> None:
    # The blocks are the windows [by, by + step) x [bx, bx + step) for by in range(y0, y1,
    # step) and bx in range(x0, x1, step), cut by the picture's edge, as a loop would take them.
    values = np.random.default_rng(3).random((60, 45))
    blocks = _Blocks(values.shape, y0, y1, x0, x1, step)
    (sums,) = blocks.sums(values)
    windows = [
        [(slice(by, by + step), slice(bx, bx + step)) for bx in range(x0, x1, step)]
        for by in range(y0, y1, step)
    ]
    expected = np.array([[values[w].sum() for w in row] for row in windows])
    np.testing.assert_allclose(sums, expected)
    chosen = expected > np.median(expected)
    laid = np.zeros(values.shape, bool)
    for row, flags in zip(windows, chosen, strict=True):
        for window, flag in zip(row, flags, strict=True):
            laid[window] = flag
    np.testing.assert_array_equal(blocks.spread(chosen), laid)
