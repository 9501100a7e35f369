"""Benchmark sets cut from the real photographs of the accuracy library (issue 14).

The sets are made from the real photos that ``lookalike accuracy --fetch`` puts in the user's
cache (read only), by cropping and resizing, never committed:

- ``12mp`` (4000×3000), ``2mp`` (1632×1224), ``0.5mp`` (816×612): random 4:3 crops of 60-100 % of
  a photo, resized, a little luminance grain (so they compress like camera files), quality 90;
- ``tiny`` (96×72): small random crops (4-40 % of a side) of any photo, quality 85, the kind of
  file a library of thumbnails, icons or web images holds in the hundred thousands.

With ``--distinct`` every file comes from another photo (as many files as photos, 90-100 % of
each): a library of different pictures rather than many views of a few, whose overlapping
crops are each other's cropped copies.

Every 20th file (5 %) is a copy of an earlier one: alternately a byte copy and a re-encode at
quality 75, so both the identical-file and the similar-picture paths are exercised.

    .venv/bin/python tests/bench/photo_sets.py tiny 100000 /tmp/lookalike-speed/tiny-100k
    .venv/bin/python tests/bench/photo_sets.py 2mp 2000 /tmp/lookalike-speed/2mp-2k
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import cv2
import numpy as np

PHOTOS = Path.home() / ".cache" / "lookalike" / "eval" / "photos"
SIZES = {"12mp": (4000, 3000), "2mp": (1632, 1224), "0.5mp": (816, 612), "tiny": (96, 72)}
COPY_EVERY = 20
PER_FOLDER = 1000  # files per subfolder, as a camera or an export tool lays them out
_SOURCE_EDGE_PX = 2400  # sources are shrunk to this once: crops for the sets never need more

_sources: list[np.ndarray] = []


def source_paths(root: Path = PHOTOS) -> list[Path]:
    exts = {".jpg", ".jpeg", ".png"}
    return sorted(p for p in root.rglob("*") if p.suffix.lower() in exts and p.is_file())


def _load_sources(paths: list[str], min_short_side: int) -> None:
    for path in paths:
        img = cv2.imread(path, cv2.IMREAD_COLOR)
        if img is None or min(img.shape[:2]) < min_short_side:
            continue
        scale = _SOURCE_EDGE_PX / max(img.shape[:2])
        if scale < 1:
            img = cv2.resize(img, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        _sources.append(img)


def _crop(
    rng: random.Random, img: np.ndarray, size: tuple[int, int], tiny: bool, distinct: bool
) -> np.ndarray:
    h, w = img.shape[:2]
    width, height = size
    aspect = width / height
    share = (
        rng.uniform(0.9, 1.0)
        if distinct
        else rng.uniform(0.04, 0.4)
        if tiny
        else rng.uniform(0.6, 1.0)
    )
    cw = min(w, round(h * aspect)) * share
    ch = cw / aspect
    cw, ch = max(int(cw), 8), max(int(ch), 6)
    x, y = rng.randint(0, w - cw), rng.randint(0, h - ch)
    part = img[y : y + ch, x : x + cw]
    grow = width > cw
    out = cv2.resize(part, size, interpolation=cv2.INTER_CUBIC if grow else cv2.INTER_AREA)
    if not tiny:
        grain = np.empty((height, width), np.float32)
        cv2.randn(grain, 0.0, rng.uniform(1.5, 4.0))
        out = cv2.add(out, cv2.cvtColor(grain, cv2.COLOR_GRAY2BGR), dtype=cv2.CV_8U)
    return out


def _path(folder: Path, index: int) -> Path:
    return folder / f"{index // PER_FOLDER:03d}" / f"IMG_{index:06d}.jpg"


def _write_range(args: tuple[str, str, int, int, int, bool]) -> int:
    folder, kind, start, stop, seed, distinct = args
    size = SIZES[kind]
    tiny = kind == "tiny"
    written = 0
    for i in range(start, stop):
        path = _path(Path(folder), i)
        if path.exists():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        rng = random.Random(seed * 1_000_003 + i)
        if i % COPY_EVERY == COPY_EVERY - 1:
            original = _path(Path(folder), i - rng.randint(1, min(i, 500)))
            if not original.exists():
                continue  # written by another worker later; the next run fills it in
            if (i // COPY_EVERY) % 2:
                shutil.copyfile(original, path)
            else:
                img = cv2.imread(str(original), cv2.IMREAD_COLOR)
                cv2.imwrite(str(path), img, [cv2.IMWRITE_JPEG_QUALITY, 75])
        else:
            source = _sources[i % len(_sources)] if distinct else rng.choice(_sources)
            img = _crop(rng, source, size, tiny, distinct)
            quality = 85 if tiny else 90
            cv2.imwrite(str(path), img, [cv2.IMWRITE_JPEG_QUALITY, quality])
        written += 1
    return written


def build(
    kind: str, count: int, folder: Path, workers: int, seed: int = 14, distinct: bool = False
) -> Path:
    """Make (or complete) the set; returns its folder. Idempotent: existing files are kept."""
    marker = folder / ".complete"
    if marker.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    paths = [str(p) for p in source_paths()]
    if not paths:
        raise SystemExit(f"no photos under {PHOTOS}: run `lookalike accuracy --fetch` first")
    min_side = 200 if kind == "tiny" else 600
    step = 2000
    # Two passes: copies whose original fell to another worker are written in the second.
    for _ in range(2):
        jobs = [
            (str(folder), kind, s, min(s + step, count), seed, distinct)
            for s in range(0, count, step)
        ]
        with ProcessPoolExecutor(
            workers, initializer=_load_sources, initargs=(paths, min_side)
        ) as pool:
            done = sum(pool.map(_write_range, jobs))
        print(f"  wrote {done} files", flush=True)
    marker.write_text(f"{count} {kind} files from {len(paths)} photos\n")
    return folder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=sorted(SIZES))
    parser.add_argument("count", type=int)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--distinct", action="store_true", help="one file per photo")
    args = parser.parse_args()
    started = time.monotonic()
    build(args.kind, args.count, args.folder, args.workers, distinct=args.distinct)
    print(f"{args.folder}: {time.monotonic() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
