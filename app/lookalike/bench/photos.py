"""Photo-like picture generator and the edits a photo collection accumulates (shared by the
accuracy benchmark and the tests).

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


# --- writing files ------------------------------------------------------------------------

# EXIF Orientation value -> how the stored pixels were turned so that the viewer, applying the
# tag, shows the original picture.
_STORE_FOR_ORIENTATION: dict[int, Callable[[Bgr], Bgr]] = {
    3: lambda im: cv2.rotate(im, cv2.ROTATE_180),
    6: lambda im: cv2.rotate(im, cv2.ROTATE_90_COUNTERCLOCKWISE),
    8: lambda im: cv2.rotate(im, cv2.ROTATE_90_CLOCKWISE),
}


def _exif_bytes(orientation: int | None, taken: str | None, camera: str | None) -> bytes:
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    if camera is not None:
        exif[0x010F] = camera.split()[0]
        exif[0x0110] = camera
    if taken is not None:
        exif[0x0132] = taken
        exif.get_ifd(0x8769)[0x9003] = taken  # DateTimeOriginal
    return exif.tobytes()


def save(
    path: Path,
    img: Bgr,
    *,
    quality: int = 90,
    orientation: int | None = None,
    taken: str | None = "2021:06:01 12:00:00",
    camera: str | None = "Testcam Model 1",
) -> Path:
    """Write ``img`` in the format named by the suffix; JPEG and WebP get EXIF unless None.

    With ``orientation`` the pixels are stored turned and tagged so viewers show ``img``.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if orientation is not None:
        img = _STORE_FOR_ORIENTATION[orientation](img)
    pil = Image.fromarray(cv2.cvtColor(img, cv2.COLOR_BGR2RGB))
    suffix = path.suffix.lower()
    exif = _exif_bytes(orientation, taken, camera)
    if suffix in (".jpg", ".jpeg"):
        pil.save(path, "JPEG", quality=quality, exif=exif)
    elif suffix == ".webp":
        pil.save(path, "WEBP", quality=quality, exif=exif)
    elif suffix == ".png":
        pil.save(path, "PNG")
    else:
        pil.save(path)
    return path


def jpeg_bytes(img: Bgr, quality: int = 90) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(cv2.cvtColor(img, cv2.COLOR_BGR2RGB)).save(buf, "JPEG", quality=quality)
    return buf.getvalue()
