"""A labelled folder of photos, their copies and look-alikes, shared by the engine tests."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from tests import images

# Variants a scan must put in the original's group, by file name.
STANDARD_VARIANTS = (
    "copy.jpg", "q50.jpg", "q95.jpg", "half.jpg", "quarter.jpg", "long800.jpg", "converted.png",
    "converted.webp", "no-exif.jpg", "exif-rotated.jpg", "crop3.jpg", "brighter.jpg",
    "darker.jpg",
)  # fmt: skip
HARDER_VARIANTS = (
    "gray.jpg",
    "rotated90.jpg",
    "mirrored.jpg",
    "crop10.jpg",
    "crop15.jpg",
    "crop20.jpg",
)
LOOKALIKES = ("scene-left.jpg", "scene-right.jpg", "view-a.jpg", "view-b.jpg", "other.jpg")


@dataclass(frozen=True)
class Corpus:
    root: Path
    original: Path

    def variant(self, name: str) -> Path:
        return self.root / "variants" / name

    def lookalike(self, name: str) -> Path:
        return self.root / "lookalikes" / name


def build(root: Path, seed: int = 7, width: int = 1024, height: int = 768) -> Corpus:
    """Write the original, its variants and the look-alikes under ``root``."""
    img = images.photo(seed, width, height)
    original = images.save(root / "original.jpg", img)
    v = root / "variants"
    v.mkdir(parents=True)
    shutil.copy2(original, v / "copy.jpg")
    images.save(v / "q50.jpg", img, quality=50)
    images.save(v / "q95.jpg", img, quality=95)
    images.save(v / "half.jpg", images.resize(img, 0.5))
    images.save(v / "quarter.jpg", images.resize(img, 0.25))
    images.save(v / "long800.jpg", images.resize_long_side(img, 800))
    images.save(v / "converted.png", img)
    images.save(v / "converted.webp", img)
    images.save(v / "no-exif.jpg", img, taken=None, camera=None)
    images.save(v / "exif-rotated.jpg", img, orientation=6)
    images.save(v / "crop3.jpg", images.crop_border(img, 0.03))
    images.save(v / "brighter.jpg", images.brightness(img, 1.1))
    images.save(v / "darker.jpg", images.brightness(img, 0.9))
    images.save(v / "gray.jpg", images.grayscale(img))
    images.save(v / "rotated90.jpg", images.rotate90(img))
    images.save(v / "mirrored.jpg", images.mirror(img))
    for pct in (10, 15, 20):
        images.save(v / f"crop{pct}.jpg", images.crop_border(img, pct / 100))

    look = root / "lookalikes"
    look.mkdir()
    scene = images.photo(seed + 100, 2 * width, height)
    # Neighbouring crops of one wide scene, overlapping by 10 % of the scene.
    images.save(look / "scene-left.jpg", images.window(scene, 0.0, 0.55))
    images.save(look / "scene-right.jpg", images.window(scene, 0.45, 0.55))
    # The same scene seen twice, the second view shifted right by a fifth of its width.
    scene2 = images.photo(seed + 200, 2 * width, height)
    images.save(look / "view-a.jpg", images.window(scene2, 0.1, 0.6))
    images.save(look / "view-b.jpg", images.window(scene2, 0.22, 0.6))
    images.save(look / "other.jpg", images.photo(seed + 300, width, height))
    return Corpus(root, original)
