"""Print how far copies and look-alikes sit from their original, to set the sensitivity levels.

For each variant type: the best-orientation hash distance and the signature similarity to the
original (whole picture), or to the original's inner region for the crop columns. Thresholds
in ``lookalike.core.matching.policy.THRESHOLDS`` must keep every copy inside and every
look-alike outside.

    .venv/bin/python tests/bench/calibrate.py [--photos DIR]

DIR defaults to Debian's wallpaper photos (``apt-get install plasma-workspace-wallpapers``);
generated photos are always measured too.
"""

from __future__ import annotations

import argparse
import glob
import itertools
import sys
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from lookalike.core.matching import fingerprint as fp
from tests import images

Variant = Callable[[np.ndarray], tuple[np.ndarray, str]]
VARIANTS: dict[str, Variant] = {
    "jpeg q50": lambda x: (x, ".jpg"),
    "resize 50%": lambda x: (images.resize(x, 0.5), ".jpg"),
    "resize 25%": lambda x: (images.resize(x, 0.25), ".jpg"),
    "png": lambda x: (x, ".png"),
    "webp": lambda x: (x, ".webp"),
    "brightness +10%": lambda x: (images.brightness(x, 1.1), ".jpg"),
    "brightness -10%": lambda x: (images.brightness(x, 0.9), ".jpg"),
    "grayscale": lambda x: (images.grayscale(x), ".jpg"),
    "rotate 90": lambda x: (images.rotate90(x), ".jpg"),
    "mirror": lambda x: (images.mirror(x), ".jpg"),
    "crop 3%": lambda x: (images.crop_border(x, 0.03), ".jpg"),
}
CROPS = (0.10, 0.15, 0.20)
SHIFTS = (0.1, 0.2, 0.3)


def fingerprint(img: np.ndarray, ext: str = ".jpg") -> fp.Fingerprint:
    params = [cv2.IMWRITE_JPEG_QUALITY, 50] if ext == ".jpg" else []
    data = cv2.imencode(ext, img, params)[1].tobytes()
    return fp.fingerprint_bytes("x" + ext, data, want_content_hash=False)


def whole(a: fp.Fingerprint, b: fp.Fingerprint) -> tuple[int, float]:
    distances = [bin(int(v) ^ b.phash).count("1") for v in a.hash_variants()]
    t = int(np.argmin(distances))
    return distances[t], fp.signature_similarity(
        fp.orient(a.signature_array(), t), b.signature_array()
    )


def inner(a: fp.Fingerprint, b: fp.Fingerprint) -> tuple[int, float]:
    """How well ``b`` matches the inner region of ``a`` (b a crop of a)."""
    d = bin(a.inner_hash ^ b.phash).count("1")
    return d, fp.signature_similarity(a.inner_signature_array(), b.signature_array())


def report(name: str, rows: list[tuple[int, float]], worst: str) -> None:
    d = [r[0] for r in rows]
    s = [r[1] for r in rows]
    # Copies: the farthest one matters; look-alikes: the closest one.
    far, near = (max(d), min(s)) if worst == "max" else (min(d), max(s))
    other = "min" if worst == "max" else "max"
    print(
        f"  {name:28s} distance {worst} {far:2d} mean {np.mean(d):4.1f}"
        f"   similarity {other} {near:.3f}"
    )


def measure(label: str, originals: list[np.ndarray]) -> None:
    print(f"== {label}: {len(originals)} originals")
    base = [fingerprint(o) for o in originals]
    for name, make in VARIANTS.items():
        report(
            name,
            [whole(b, fingerprint(*make(o))) for b, o in zip(base, originals, strict=True)],
            "max",
        )
    for c in CROPS:
        rows = [
            inner(b, fingerprint(images.crop_border(o, c)))
            for b, o in zip(base, originals, strict=True)
        ]
        report(f"crop {c:.0%} (vs inner)", rows, "max")
    print("  look-alikes:")
    for shift in SHIFTS:
        rows = []
        for o in originals:
            a, b = fingerprint(images.window(o, 0.0)), fingerprint(images.window(o, shift))
            rows += [whole(a, b), inner(a, b), inner(b, a)]
        report(f"view shifted {shift:.0%}", rows, "min")
    pairs = list(itertools.permutations(base, 2))
    report("different photos", [whole(a, b) for a, b in pairs], "min")
    report("different photos (vs inner)", [inner(a, b) for a, b in pairs], "min")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--photos", default="/usr/share/wallpapers/*/contents/images/*.jpg")
    args = parser.parse_args()
    pattern = args.photos if "*" in args.photos else str(Path(args.photos) / "*")
    # One file per folder: wallpaper packages ship each picture at several sizes.
    one_each = {str(Path(p).parent): p for p in sorted(glob.glob(pattern))}
    real = [cv2.imread(p) for p in list(one_each.values())[:20]]
    real = [
        cv2.resize(r, (1600, 1000), interpolation=cv2.INTER_AREA) for r in real if r is not None
    ]
    if real:
        measure("photographs", real)
    else:
        print(f"no photographs found at {pattern}")
    measure("generated", [images.photo(i, 1200, 900) for i in range(8)])


if __name__ == "__main__":
    main()
