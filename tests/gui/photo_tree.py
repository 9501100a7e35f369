"""Small generated photo folders for the GUI tests: originals with exact and resized copies."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from tests import images


@dataclass
class PhotoTree:
    root: Path
    originals: list[Path] = field(default_factory=list)
    copies: list[Path] = field(default_factory=list)  # byte-identical copies
    resized: list[Path] = field(default_factory=list)  # the same picture at half size
    singles: list[Path] = field(default_factory=list)  # photos with no duplicate
    broken: list[Path] = field(default_factory=list)


def make_photo_tree(
    root: Path,
    groups: int = 3,
    singles: int = 2,
    *,
    size: tuple[int, int] = (320, 240),
    resized: bool = True,
    broken: bool = True,
) -> PhotoTree:
    """``groups`` pictures, each as an original, a byte copy in ``copies/`` and (optionally) a
    half-size re-encode in ``small/``; plus unrelated photos and a truncated JPEG."""
    tree = PhotoTree(root)
    width, height = size
    for i in range(groups):
        img = images.photo(1000 + i, width, height)
        original = images.save(root / "camera" / f"img_{i:04d}.jpg", img, quality=92)
        tree.originals.append(original)
        copy = root / "copies" / f"img_{i:04d} (copy).jpg"
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(original, copy)
        tree.copies.append(copy)
        if resized:
            small = images.save(root / "small" / f"img_{i:04d}_small.jpg", images.resize(img, 0.5))
            tree.resized.append(small)
    for j in range(singles):
        tree.singles.append(
            images.save(root / "camera" / f"single_{j:04d}.jpg", images.photo(5000 + j, *size))
        )
    if broken:
        tree.broken.append(
            images.write_truncated(root / "camera" / "broken.jpg", images.photo(9000, *size))
        )
    return tree


def make_many_groups(root: Path, count: int, *, edge: int = 48) -> list[Path]:
    """``count`` distinct small pictures, each with a byte-identical copy (an identical-files
    scan finds ``count`` groups without decoding a picture). Returns the originals."""
    base = images.photo(77, edge, edge * 3 // 4)
    originals = []
    for i in range(count):
        picture = base.copy()
        # A pixel of its own makes every (lossless) file different, quickly.
        picture[0, 0] = (i % 256, i // 256 % 256, 128)
        original = images.save(root / "camera" / f"pic_{i:04d}.png", picture)
        copy = root / "backup" / f"pic_{i:04d}.png"
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(original, copy)
        originals.append(original)
    return originals
