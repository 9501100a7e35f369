"""A labelled photo library built from real photographs, laid out the way real libraries look.

Each picture has one camera original (``DCIM/100CANON/IMG_1234.JPG``: the largest unedited JPEG,
with camera EXIF) and the copies a collection accumulates, each in the kind of folder and under
the kind of name it gets in life: byte copies in backups and as "IMG_1234 (1).JPG", resized
exports, messenger re-encodes, PNG conversions in "Desktop/screens", EXIF-rotated phone copies,
edits (brighter, stamped, grayscale, mirrored, cropped, straightened) and scans turned by 90°.
Pictures that must stay apart come from tiles and overlapping views of one photo, real shots of
one scene and photos of similar content.

Every file gets a label (``Item``): which picture it shows, which kind of copy it is, and what
it was cut from; ``accuracy.py`` scores a scan against them. Building takes a few minutes on two
cores, so a built library is kept beside the photos and reused while its recipe is unchanged.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from lookalike.bench import photos, sources
from lookalike.bench.photos import Bgr
from lookalike.bench.sources import Photo

# Bump when the recipe changes: a library built by another recipe is rebuilt.
RECIPE_VERSION = 1
LABELS = "labels.json"
MAX_SIDE_PX = 4000  # originals keep their size up to a 12-16 MP camera's long side

ORIGINAL = "original"
BYTE_COPY = "byte copy"
RESIZE = "resize"
REENCODE = "re-encode"
FORMAT = "format"
EXIF_ORIENTATION = "EXIF orientation"
BRIGHTNESS = "brightness/contrast"
OVERLAY = "overlay"
GRAYSCALE = "grayscale"
MIRROR = "mirror"
CROP_SMALL = "crop 2–5 %"
CROP_LARGE = "crop 10–30 %"
TURN = "turn 5–30°"
QUARTER_TURN = "turn 90°/180°"
# The kinds of copy, in report order, and those whose recall target is the strictest.
VARIANT_KINDS = (
    BYTE_COPY, RESIZE, REENCODE, FORMAT, EXIF_ORIENTATION, BRIGHTNESS, OVERLAY, GRAYSCALE, MIRROR,
    CROP_SMALL, CROP_LARGE, TURN, QUARTER_TURN,
)  # fmt: skip
STANDARD_KINDS = (RESIZE, REENCODE, FORMAT, EXIF_ORIENTATION, BRIGHTNESS, OVERLAY)

# What a picture is, relative to the photo it came from.
WHOLE_PHOTO, TILE, VIEW, SHOT = "whole", "tile", "view", "shot"

# Views: 60 % of the photo's width, starting at these fractions of it, so that two views are
# shifted by 10, 20 or 30 % of their own width.
VIEW_WIDTH = 0.6
VIEW_OFFSETS = (0.0, 0.06, 0.12, 0.18)

_CAMERAS = (
    ("Canon EOS 80D", "DCIM/100CANON", "IMG_{n:04d}.JPG"),
    ("NIKON D7500", "DCIM/100NIKON", "DSC_{n:04d}.JPG"),
    ("Google Pixel 6", "DCIM/Camera", "PXL_{date}_{time}.jpg"),
    ("SONY ILCE-6400", "DCIM/100MSDCF", "DSC0{n:04d}.JPG"),
)
_FIRST_DAY = datetime(2019, 3, 2, 9, 15, 0)
_EDITOR = "GIMP 2.10.34"
_EXPORTER = "Adobe Lightroom Classic 12.1"


@dataclass(frozen=True, slots=True)
class Item:
    """One file of the library and what it is."""

    path: str  # relative to the library's root
    picture: str  # files that show the same picture share it
    kind: str  # ORIGINAL or one of VARIANT_KINDS
    detail: str  # the exact edit ("25 %", "JPEG q50", "turned -17°")
    source: str  # the photo it was made from
    part: str = WHOLE_PHOTO  # WHOLE_PHOTO, TILE, VIEW or SHOT
    offset: float = 0.0  # views: where the view starts, in the photo's width
    tags: tuple[str, ...] = ()
    scene: str = ""  # real shots of one scene share it
    scene_kind: str = ""


@dataclass(frozen=True, slots=True)
class Library:
    """A built library: its root folder, its files' labels and the photos it was made from."""

    root: str
    items: tuple[Item, ...]
    photos: tuple[Photo, ...] = ()
    recipe: dict[str, Any] = field(default_factory=dict)

    def path(self, item: Item) -> str:
        return os.path.join(self.root, item.path)


@dataclass(frozen=True, slots=True)
class _Picture:
    """One picture to write: its pixels come from ``photo`` (cut by ``part``)."""

    name: str
    number: int  # the camera's file number
    photo: Photo
    photo_path: str
    part: str = WHOLE_PHOTO
    box: tuple[float, float, float, float] = (0.0, 0.0, 1.0, 1.0)  # x0, y0, x1, y1 fractions
    offset: float = 0.0
    full: bool = True  # every kind of copy, or only a few
    copies: int = 1  # byte copies besides the original


# --- what gets written ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Copy:
    """One copy: its label, where it goes and how it is made from the picture."""

    kind: str
    detail: str
    path: str
    make: Callable[[Bgr], Bgr]
    exif: str  # "camera", "edited", "exported" or "none"
    quality: int = 90
    orientation: int | None = None
    days_later: int = 1


def _same(img: Bgr) -> Bgr:
    return img


def _plan(pic: _Picture, stem: str, name: str, shape: tuple[int, int], seed: int) -> list[_Copy]:
    """The copies of one picture (all kinds for a full picture, three for a tile or a view)."""
    rng = np.random.default_rng(seed)
    h, w = shape
    long_side = max(h, w)
    low = stem.lower()
    n = pic.number
    copies = [
        _Copy(RESIZE, "50 %", f"Exports/{stem}_half.jpg", lambda im: photos.resize(im, 0.5),
              "exported", 88, days_later=12),
        _Copy(REENCODE, "JPEG q70", f"Telegram Desktop/photo_{n}@{_date(pic, 40):%d-%m-%Y}.jpg",
              _same, "none", 70, days_later=40),
    ]  # fmt: skip
    if not pic.full:
        copies.append(
            _Copy(CROP_SMALL, "3 % each side", f"Edited/{stem}-trim.jpg",
                  lambda im: photos.crop_sides(im, 0.03, 0.03, 0.03, 0.03), "edited", 92)
        )  # fmt: skip
        return copies
    copies += [
        _Copy(RESIZE, "25 %", f"WhatsApp Images/IMG-{_date(pic, 3):%Y%m%d}-WA{n % 10000:04d}.jpg",
              lambda im: photos.resize(im, 0.25), "none", 80, days_later=3),
        _Copy(REENCODE, "JPEG q50", f"Downloads/{low}-compressed.jpg", _same, "none", 50,
              days_later=70),
        _Copy(REENCODE, "JPEG q85", f"Edited/{stem}-resaved.jpg", _same, "edited", 85,
              days_later=8),
        _Copy(FORMAT, "PNG", f"Desktop/screens/{low}.png", _same, "none", days_later=20),
        _Copy(FORMAT, "WebP", f"Exports/web/{stem}.webp", _same, "exported", 85, days_later=21),
    ]  # fmt: skip
    if long_side >= 2400:
        copies.append(
            _Copy(RESIZE, "12.5 %", f"Pictures/thumbnails/{low}.jpg",
                  lambda im: photos.resize(im, 0.125), "none", 80, days_later=2)
        )  # fmt: skip
    if long_side <= 2600:
        copies.append(_Copy(FORMAT, "TIFF", f"Scans/{stem}.tif", _same, "none", days_later=90))
    if long_side <= 1600:
        copies.append(_Copy(FORMAT, "BMP", f"old/{low}.bmp", _same, "none", days_later=200))
    orientation = (6, 8, 3)[seed % 3]
    bright = float(rng.choice([1.15, 0.85]))
    punch = float(rng.choice([1.25, 0.8]))
    left, top, right, bottom = (float(x) for x in rng.uniform(0.02, 0.05, 4))
    cut = float(rng.uniform(0.10, 0.30))
    split_x, split_y = (float(x) for x in rng.uniform(0.2, 0.8, 2))
    angle = float(rng.uniform(5, 30)) * float(rng.choice([-1, 1]))
    turns = 1 + seed % 3
    copies += [
        _Copy(EXIF_ORIENTATION, f"tag {orientation}", f"Phone/{stem}_r.jpg", _same, "camera",
              90, orientation=orientation, days_later=5),
        _Copy(BRIGHTNESS, f"brightness ×{bright:.2f}", f"Edited/{stem}-light.jpg",
              lambda im: photos.brightness(im, bright), "edited", 92, days_later=9),
        _Copy(BRIGHTNESS, f"contrast ×{punch:.2f}", f"Edited/{stem}-contrast.jpg",
              lambda im: photos.contrast(im, punch), "edited", 92, days_later=9),
        _Copy(OVERLAY, "date stamp", f"Shared/{stem}_stamp.jpg",
              lambda im: photos.date_stamp(im, f"{_date(pic, 0):%d %m '%y}"), "edited", 92,
              days_later=30),
        _Copy(OVERLAY, "logo", f"Shared/{stem}_logo.jpg",
              lambda im: photos.watermark(im, "lookalike photo club"), "edited", 92,
              days_later=31),
        _Copy(GRAYSCALE, "grayscale", f"Edited/{stem}-bw.jpg", photos.grayscale, "edited", 92,
              days_later=10),
        _Copy(MIRROR, "mirrored", f"Edited/{stem}-mirror.jpg", photos.mirror, "edited", 92,
              days_later=10),
        _Copy(CROP_SMALL, f"{left:.0%}/{top:.0%}/{right:.0%}/{bottom:.0%} of the sides",
              f"Edited/{stem}-trim.jpg",
              lambda im: photos.crop_sides(im, left, top, right, bottom), "edited", 92,
              days_later=11),
        _Copy(CROP_LARGE, f"{cut:.0%} of width and height", f"Edited/{stem}-crop.jpg",
              lambda im: photos.crop_sides(im, cut * split_x, cut * split_y,
                                           cut * (1 - split_x), cut * (1 - split_y)),
              "edited", 92, days_later=11),
        _Copy(TURN, f"turned {angle:+.0f}°, keeps {photos.turned_keep_fraction(w, h, angle):.0%}",
              f"Edited/{stem}-straightened.jpg", lambda im: photos.turn_and_crop(im, angle),
              "edited", 92, days_later=12),
        _Copy(QUARTER_TURN, f"{90 * turns}° clockwise", f"Scans/scan_{n:04d}.jpg",
              lambda im: photos.quarter_turns(im, turns), "none", 90, days_later=150),
    ]  # fmt: skip
    return copies


_BYTE_COPY_PLACES = (
    "Backup/{year}/{name}",
    "Pictures/{stem} (1){ext}",
    "Desktop/Copy of {name}",
    "Phone backup/DCIM/{name}",
    "Pictures/Import 2/{name}",
)


def _date(pic: _Picture, days_later: int) -> datetime:
    return _FIRST_DAY + timedelta(days=pic.number % 1500 + days_later, minutes=pic.number % 600)


def _camera_name(pic: _Picture) -> tuple[str, str, str]:
    """Camera model, folder and file name of a picture's original."""
    camera, folder, pattern = _CAMERAS[pic.number % len(_CAMERAS)]
    taken = _date(pic, 0)
    name = pattern.format(n=pic.number % 10000, date=f"{taken:%Y%m%d}", time=f"{taken:%H%M%S}123")
    return camera, folder, name


def _load(pic: _Picture, max_side: int) -> Bgr:
    img = cv2.imread(pic.photo_path, cv2.IMREAD_COLOR)
    if img is None:
        raise ValueError(f"not a readable picture: {pic.photo_path}")
    h, w = img.shape[:2]
    x0, y0, x1, y1 = pic.box
    img = img[round(y0 * h) : round(y1 * h), round(x0 * w) : round(x1 * w)].copy()
    if max(img.shape[:2]) > max_side:
        img = photos.resize_long_side(img, max_side)
    return img


def _touch(path: Path, when: datetime) -> None:
    t = when.timestamp()
    os.utime(path, (t, t))


def write_picture(pic: _Picture, root: str, max_side: int) -> list[Item]:
    """Write one picture's original and its copies under ``root``; return their labels.

    A process-pool target: everything it needs comes in its arguments.
    """
    img = _load(pic, max_side)
    camera, folder, name = _camera_name(pic)
    stem, ext = os.path.splitext(name)
    taken = _date(pic, 0)
    exif_taken = f"{taken:%Y:%m:%d %H:%M:%S}"
    base = Path(root)

    def item(path: str, kind: str, detail: str) -> Item:
        p = pic.photo
        return Item(path, pic.name, kind, detail, p.id, pic.part, pic.offset, p.tags, p.scene,
                    p.scene_kind)  # fmt: skip

    original_rel = f"{folder}/{name}"
    original = photos.save(base / original_rel, img, quality=92, taken=exif_taken, camera=camera)
    # One picture in four was imported again later: its original is not the oldest file.
    reimported = (pic.number // 7) % 4 == 0
    _touch(original, _date(pic, 400) if reimported else taken)
    items = [item(original_rel, ORIGINAL, "camera file")]
    for i in range(pic.copies):
        rel = _BYTE_COPY_PLACES[i].format(year=taken.year, name=name, stem=stem, ext=ext)
        target = base / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(original, target)
        # A backup keeps the date; a download or a copy made by hand gets a new one.
        _touch(target, taken if i == 0 else _date(pic, 30 * i))
        items.append(item(rel, BYTE_COPY, f"copy {i + 1} of {pic.copies}"))
    for c in _plan(pic, stem, name, img.shape[:2], pic.number):
        meta: dict[str, Any] = {"taken": None, "camera": None}
        if c.exif == "camera":
            meta = {"taken": exif_taken, "camera": camera}
        elif c.exif == "edited":
            meta = {"taken": exif_taken, "camera": camera, "software": _EDITOR}
        elif c.exif == "exported":
            meta = {"taken": exif_taken, "camera": camera, "software": _EXPORTER}
        target = photos.save(
            base / c.path, c.make(img), quality=c.quality, orientation=c.orientation, **meta
        )
        _touch(target, _date(pic, c.days_later))
        items.append(item(c.path, c.kind, c.detail))
    return items


# --- choosing what to build -------------------------------------------------------------------


def _tile_grid(photo: Photo) -> tuple[int, int]:
    long_side = max(photo.width, photo.height)
    cols, rows = (3, 2) if long_side >= 4000 else (2, 2)
    return (cols, rows) if photo.width >= photo.height else (rows, cols)


def plan_pictures(items: Sequence[Photo], photos_dir: Path, *, full: bool = True) -> list[_Picture]:
    """Every picture the library holds, numbered like a camera's files.

    Args:
        full: give whole photos every kind of copy (False: three kinds, for a quick check).
    """
    pictures: list[_Picture] = []
    number = 1000

    def add(photo: Photo, name: str, **kw: Any) -> None:
        nonlocal number
        number += 7
        pictures.append(_Picture(name, number, photo, str(photos_dir / photo.file), **kw))

    for i, photo in enumerate(items):
        if photo.role in (sources.WHOLE, sources.BOTH):
            # Every fifth picture has 3-6 identical files (the original and 2-5 byte copies).
            copies = 2 + (i // 5) % 4 if i % 5 == 0 else 1
            add(photo, photo.id, full=full, copies=copies)
        if photo.role in (sources.TILES, sources.BOTH):
            cols, rows = _tile_grid(photo)
            for r in range(rows):
                for c in range(cols):
                    box = (c / cols, r / rows, (c + 1) / cols, (r + 1) / rows)
                    add(photo, f"{photo.id}-tile{r * cols + c + 1}", part=TILE, box=box,
                        full=False)  # fmt: skip
        if photo.role == sources.VIEWS:
            for offset in VIEW_OFFSETS:
                box = (offset, 0.0, offset + VIEW_WIDTH, 1.0)
                add(photo, f"{photo.id}-view{round(offset * 100):02d}", part=VIEW, box=box,
                    offset=offset, full=False)  # fmt: skip
        if photo.role == sources.SHOT:
            add(photo, photo.id, part=SHOT, full=False)
    return pictures


def recipe_key(items: Sequence[Photo], full: bool, max_side: int) -> str:
    text = json.dumps(
        [RECIPE_VERSION, full, max_side, [(p.id, p.file, p.width, p.height) for p in items]]
    )
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def build(
    items: Sequence[Photo],
    photos_dir: Path,
    dest: Path,
    *,
    full: bool = True,
    max_side: int = MAX_SIDE_PX,
    workers: int = 0,
    say: Callable[[str], None] = lambda _line: None,
) -> Library:
    """Build the library in ``dest/<recipe>`` (or reuse the one already there).

    Libraries built by another recipe in ``dest`` are removed once this one is complete.
    """
    key = recipe_key(items, full, max_side)
    root = dest / f"library-{key}"
    if (root / LABELS).is_file():
        return load(root, items)
    # Written under a name of its own and renamed when complete, so that two runs at once (two
    # developers on one machine) never read a half-written library.
    partial = dest / f"library-{key}.partial-{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    pictures = plan_pictures(items, photos_dir, full=full)
    say(f"Building the library: {len(pictures)} pictures from {len(items)} photos in {root}")
    written: list[Item] = []
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers or os.cpu_count() or 1, mp_context=context) as pool:
        futures = [pool.submit(write_picture, p, str(partial), max_side) for p in pictures]
        for i, future in enumerate(futures, 1):
            written += future.result()
            if i % 25 == 0 or i == len(futures):
                say(f"  {i}/{len(futures)} pictures, {len(written)} files")
    recipe = {"version": RECIPE_VERSION, "full": full, "max_side": max_side, "key": key}
    data = {"recipe": recipe, "items": [asdict(i) for i in written]}
    (partial / LABELS).write_text(json.dumps(data, ensure_ascii=False) + "\n", encoding="utf-8")
    try:
        partial.rename(root)
    except OSError:  # another run finished the same library first
        shutil.rmtree(partial, ignore_errors=True)
        return load(root, items)
    _remove_others(dest, root)
    return Library(str(root), tuple(written), tuple(items), recipe)


def _remove_others(dest: Path, keep: Path) -> None:
    """Libraries of other recipes take gigabytes: remove them, and leftovers of broken builds."""
    day_ago = time.time() - 86400
    for old in dest.glob("library-*"):
        if old == keep:
            continue
        if ".partial-" not in old.name or old.stat().st_mtime < day_ago:
            shutil.rmtree(old, ignore_errors=True)


def load(root: Path, items: Sequence[Photo] = ()) -> Library:
    data = json.loads((root / LABELS).read_text(encoding="utf-8"))
    labelled = tuple(Item(**{**i, "tags": tuple(i["tags"])}) for i in data["items"])
    return Library(str(root), labelled, tuple(items), data["recipe"])
