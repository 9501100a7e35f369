"""What reading the keeper rank's facts (``core/origin.py``) adds to a worker's time per file.

For each kind of file the scan meets (camera-sized JPEGs, PNG conversions of them, small JPEGs
and PNGs), times the whole ``fingerprint_bytes`` and the ``origin_of`` step inside it on the same
bytes, in one process, and prints milliseconds per file and the share of the fingerprint's time.
The pictures are the real photos of ``lookalike accuracy`` when fetched (resized to each size),
else generated ones.

    nice .venv/bin/python tests/bench/bench_origin.py
    nice .venv/bin/python tests/bench/bench_origin.py --repeat 5 --photos 6
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from lookalike.bench import sources
from lookalike.bench.photos import photo
from lookalike.core.matching.fingerprint import _decode_gray, fingerprint_bytes
from lookalike.core.metadata import exif_facts
from lookalike.core.origin import origin_of

SIZES = {"12 MP": (4000, 3000), "2 MP": (1600, 1200)}


def pictures(count: int) -> list[np.ndarray]:
    try:
        fetched = sources.load_manifest(sources.default_dir() / "photos")
    except FileNotFoundError:
        return [photo(i, 4000, 3000) for i in range(count)]
    folder = sources.default_dir() / "photos"
    big = [p for p in fetched if p.width * p.height >= 4_000_000][:count]
    return [cv2.imread(str(folder / p.file), cv2.IMREAD_COLOR) for p in big]


def encoded(img: np.ndarray, size: tuple[int, int], fmt: str) -> bytes:
    resized = cv2.resize(img, size, interpolation=cv2.INTER_AREA)
    if fmt == "PNG":
        # A conversion of a JPEG: the decoded JPEG's pixels, saved as PNG.
        decoded = cv2.imdecode(cv2.imencode(".jpg", resized, [cv2.IMWRITE_JPEG_QUALITY, 85])[1], 1)
        return bytes(cv2.imencode(".png", decoded, [cv2.IMWRITE_PNG_COMPRESSION, 1])[1])
    return bytes(cv2.imencode(".jpg", resized, [cv2.IMWRITE_JPEG_QUALITY, 92])[1])


def time_one(data: bytes, repeat: int) -> tuple[float, float]:
    """Best-of-``repeat`` seconds of the whole fingerprint and of the origin step alone."""
    whole, step = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        fingerprint_bytes("bench", data, False)
        whole.append(time.perf_counter() - start)
        header = Image.open(io.BytesIO(data))
        fmt = header.format or ""
        exif = exif_facts(header)
        gray = _decode_gray(data, fmt, header, min(header.size))
        start = time.perf_counter()
        origin_of(fmt, header, data, exif, None if fmt == "JPEG" else gray)
        step.append(time.perf_counter() - start)
    return min(whole), min(step)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    cv2.setNumThreads(1)  # as in the scan's workers
    imgs = pictures(args.photos)
    print(f"{len(imgs)} pictures, best of {args.repeat}, one process, one OpenCV thread\n")
    print("| file | fingerprint ms | origin facts ms | share |")
    print("|---|---:|---:|---:|")
    for label, size in SIZES.items():
        for fmt in ("JPEG", "PNG"):
            times = [time_one(encoded(img, size, fmt), args.repeat) for img in imgs]
            whole = statistics.median(t[0] for t in times) * 1000
            step = statistics.median(t[1] for t in times) * 1000
            print(f"| {label} {fmt} | {whole:.1f} | {step:.2f} | {step / whole:.1%} |")


if __name__ == "__main__":
    main()
