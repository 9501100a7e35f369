"""Photo-like picture generator, the edits a photo collection accumulates, and writing them with
camera-like metadata (shared by the accuracy benchmark and the tests).

Content is textured on several scales (smooth noise fields, shapes, edges, text), because flat
synthetic images behave unlike photos for perceptual hashing.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image

Bgr = npt.NDArray[Any]  # cv2 and numpy disagree on the exact dtype; all are uint8 BGR


def _noise_field(rng: np.random.Generator, h: int, w: int) -> npt.NDArray[np.float32]:
    """Multi-octave value noise in [0, 1], shape (h, w)."""
    out = np.zeros((h, w), np.float32)
    amp, total = 1.0, 0.0
    for cells in (3, 6, 12, 24, 48):
        grid = rng.random((cells, cells)).astype(np.float32)
        out += amp * cv2.resize(grid, (w, h), interpolation=cv2.INTER_CUBIC)
        total += amp
        amp *= 0.55
    out /= total
    spread = max(float(np.ptp(out)), 1e-6)
    result: npt.NDArray[np.float32] = (out - out.min()) / np.float32(spread)
    return result


def photo(seed: int, width: int = 640, height: int = 480) -> Bgr:
    """A deterministic, photo-like colour picture (BGR, uint8)."""
    rng = np.random.default_rng(seed)
    base = np.stack([_noise_field(rng, height, width) for _ in range(3)], axis=-1)
    tint = rng.uniform(0.3, 1.0, 3).astype(np.float32)
    img = (base * tint * 255).astype(np.uint8)
    scale = max(width, height) / 640
    for _ in range(12):
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        centre = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        axes = (int(rng.integers(10, 120) * scale), int(rng.integers(10, 120) * scale))
        cv2.ellipse(img, centre, axes, float(rng.uniform(0, 180)), 0, 360, colour, -1, cv2.LINE_AA)
    for _ in range(6):
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        p1 = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        p2 = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        cv2.line(img, p1, p2, colour, max(1, int(4 * scale)), cv2.LINE_AA)
    text_pos = (int(width * 0.1), int(height * 0.85))
    cv2.putText(
        img,
        f"#{seed}",
        text_pos,
        cv2.FONT_HERSHEY_SIMPLEX,
        1.5 * scale,
        (250, 250, 250),
        max(1, int(3 * scale)),
        cv2.LINE_AA,
    )
    grain = rng.normal(0, 4, img.shape).astype(np.float32)
    img = np.clip(cv2.GaussianBlur(img, (0, 0), 0.8).astype(np.float32) + grain, 0, 255)
    return img.astype(np.uint8)


# --- variants of one picture --------------------------------------------------------------


def resize(img: Bgr, factor: float) -> Bgr:
    h, w = img.shape[:2]
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    return cv2.resize(img, size, interpolation=cv2.INTER_AREA)


def resize_long_side(img: Bgr, long_side: int) -> Bgr:
    return resize(img, long_side / max(img.shape[:2]))


def crop_border(img: Bgr, fraction: float) -> Bgr:
    """Cut ``fraction`` of the width and height, split evenly between the two sides."""
    h, w = img.shape[:2]
    dy, dx = round(h * fraction / 2), round(w * fraction / 2)
    return img[dy : h - dy, dx : w - dx].copy()


def brightness(img: Bgr, factor: float) -> Bgr:
    out: Bgr = np.clip(img.astype(np.float32) * factor, 0, 255).astype(np.uint8)
    return out


def grayscale(img: Bgr) -> Bgr:
    return cv2.cvtColor(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)


def rotate90(img: Bgr) -> Bgr:
    return cv2.rotate(img, cv2.ROTATE_90_CLOCKWISE)


def mirror(img: Bgr) -> Bgr:
    return cv2.flip(img, 1)


def window(scene: Bgr, x_fraction: float, width_fraction: float = 0.6) -> Bgr:
    """A full-height view of ``scene`` starting at ``x_fraction`` of its width."""
    w = scene.shape[1]
    x0 = round(w * x_fraction)
    return scene[:, x0 : x0 + round(w * width_fraction)].copy()


def crop_sides(img: Bgr, left: float, top: float, right: float, bottom: float) -> Bgr:
    """Cut the given fraction of the width (left, right) and height (top, bottom) off each side."""
    h, w = img.shape[:2]
    x0, x1 = round(w * left), w - round(w * right)
    y0, y1 = round(h * top), h - round(h * bottom)
    return img[y0:y1, x0:x1].copy()


def contrast(img: Bgr, factor: float) -> Bgr:
    """Stretch (>1) or flatten (<1) the tones around the picture's mean."""
    f = img.astype(np.float32)
    mean = float(f.mean())
    out: Bgr = np.clip((f - mean) * factor + mean, 0, 255).astype(np.uint8)
    return out


def quarter_turns(img: Bgr, turns: int) -> Bgr:
    """Turned clockwise by ``turns`` × 90° (the pixels, no EXIF tag)."""
    codes = {1: cv2.ROTATE_90_CLOCKWISE, 2: cv2.ROTATE_180, 3: cv2.ROTATE_90_COUNTERCLOCKWISE}
    out: Bgr = cv2.rotate(img, codes[turns % 4]) if turns % 4 else img.copy()
    return out


def turn_and_crop(img: Bgr, degrees: float) -> Bgr:
    """Turned by ``degrees`` (clockwise) and cut to the largest rectangle of the same shape that
    holds no corner left empty by the turn, as a photo editor's "straighten" does."""
    h, w = img.shape[:2]
    a = np.radians(abs(degrees))
    cos, sin = float(np.cos(a)), float(np.sin(a))
    keep = min(w / (w * cos + h * sin), h / (w * sin + h * cos))
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), -degrees, 1.0)
    turned = cv2.warpAffine(img, matrix, (w, h), flags=cv2.INTER_CUBIC)
    cw, ch = int(w * keep), int(h * keep)
    x0, y0 = (w - cw) // 2, (h - ch) // 2
    return turned[y0 : y0 + ch, x0 : x0 + cw].copy()


def turned_keep_fraction(width: int, height: int, degrees: float) -> float:
    """The share of the area that ``turn_and_crop`` keeps."""
    a = np.radians(abs(degrees))
    cos, sin = float(np.cos(a)), float(np.sin(a))
    keep = min(width / (width * cos + height * sin), height / (width * sin + height * cos))
    return keep * keep


def date_stamp(img: Bgr, text: str) -> Bgr:
    """An orange date in the lower right corner, as old cameras printed it."""
    out = img.copy()
    h, w = out.shape[:2]
    scale = max(h, w) / 1400
    thickness = max(1, round(3 * scale))
    (tw, _th), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_DUPLEX, scale, thickness)
    org = (w - tw - round(0.04 * w), h - round(0.05 * h))
    cv2.putText(out, text, org, cv2.FONT_HERSHEY_DUPLEX, scale, (40, 140, 255), thickness,
                cv2.LINE_AA)  # fmt: skip
    return out


def watermark(img: Bgr, text: str) -> Bgr:
    """A half-transparent logo (a ring and a name) in the lower left, as sharing sites add."""
    out = img.copy()
    h, w = out.shape[:2]
    scale = max(h, w) / 1000
    layer = out.copy()
    centre = (round(0.08 * w), round(h - 0.1 * h))
    radius = max(4, round(0.04 * max(h, w)))
    cv2.circle(layer, centre, radius, (255, 255, 255), max(2, round(radius / 4)), cv2.LINE_AA)
    org = (centre[0] + round(1.4 * radius), centre[1] + round(radius / 2))
    cv2.putText(layer, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, (255, 255, 255),
                max(1, round(2 * scale)), cv2.LINE_AA)  # fmt: skip
    blended: Bgr = cv2.addWeighted(layer, 0.6, out, 0.4, 0)
    return blended


def tiles(img: Bgr, cols: int, rows: int) -> list[Bgr]:
    """Non-overlapping tiles, row by row, covering the picture."""
    h, w = img.shape[:2]
    xs = [round(w * i / cols) for i in range(cols + 1)]
    ys = [round(h * j / rows) for j in range(rows + 1)]
    return [
        img[ys[j] : ys[j + 1], xs[i] : xs[i + 1]].copy() for j in range(rows) for i in range(cols)
    ]


# --- writing files ------------------------------------------------------------------------

# EXIF Orientation value -> how the stored pixels were turned so that the viewer, applying the
# tag, shows the original picture.
_STORE_FOR_ORIENTATION: dict[int, Callable[[Bgr], Bgr]] = {
    3: lambda im: cv2.rotate(im, cv2.ROTATE_180),
    6: lambda im: cv2.rotate(im, cv2.ROTATE_90_COUNTERCLOCKWISE),
    8: lambda im: cv2.rotate(im, cv2.ROTATE_90_CLOCKWISE),
}


def _exif_bytes(
    orientation: int | None, taken: str | None, camera: str | None, software: str | None
) -> bytes:
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    if camera is not None:
        exif[0x010F] = camera.split()[0]
        exif[0x0110] = camera
    if software is not None:
        exif[0x0131] = software
    if taken is not None:
        exif[0x0132] = taken
        # DateTimeOriginal, in the Exif IFD given as a dict: Pillow 10.4 does not write an IFD
        # that only get_ifd() created.
        exif[0x8769] = {0x9003: taken}
    return exif.tobytes()


def save(
    path: Path,
    img: Bgr,
    *,
    quality: int = 90,
    orientation: int | None = None,
    taken: str | None = "2021:06:01 12:00:00",
    camera: str | None = "Testcam Model 1",
    software: str | None = None,
) -> Path:
    """Write ``img`` in the format named by the suffix; JPEG and WebP get EXIF unless None
    (``software``: the editor that saved it, as EXIF's Software tag).

    With ``orientation`` the pixels are stored turned and tagged so viewers show ``img``.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if orientation is not None:
        img = _STORE_FOR_ORIENTATION[orientation](img)
    pil = Image.fromarray(cv2.cvtColor(img, cv2.COLOR_BGR2RGB))
    suffix = path.suffix.lower()
    exif = _exif_bytes(orientation, taken, camera, software)
    if suffix in (".jpg", ".jpeg"):
        pil.save(path, "JPEG", quality=quality, exif=exif)
    elif suffix == ".webp":
        pil.save(path, "WEBP", quality=quality, exif=exif)
    elif suffix == ".png":
        # Level 1: about as small as the default level on photos, several times faster.
        pil.save(path, "PNG", compress_level=1)
    elif suffix in (".tif", ".tiff"):
        pil.save(path, "TIFF", compression="tiff_deflate")
    else:
        pil.save(path)
    return path


def jpeg_bytes(img: Bgr, quality: int = 90) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(cv2.cvtColor(img, cv2.COLOR_BGR2RGB)).save(buf, "JPEG", quality=quality)
    return buf.getvalue()
