"""Rescans of a folder of unusable files (issue 11): are skips remembered by the cache?

Writes (once, under /tmp) a folder of N files that carry a picture's name but are not pictures
(text, truncated JPEGs, zero-filled files), plus a few real photos, then times with a fresh cache
file: the cold scan, the rescan with the cache it filled, and a rescan after one file changed.
Each scan runs in a fresh interpreter (``python -m lookalike scan``), as a user would run it.

    nice .venv/bin/python tests/bench/bench_skips.py               # 50,000 files
    nice .venv/bin/python tests/bench/bench_skips.py --files 5000
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lookalike.bench.photos import jpeg_bytes, photo, save

ROOT = Path(tempfile.gettempdir()) / "lookalike-bench-skips"


def make_folder(files: int) -> Path:
    folder = ROOT / str(files)
    done = folder / ".complete"
    if done.exists():
        return folder
    cut = jpeg_bytes(photo(5, 640, 480))[:4000]  # a JPEG that ends early
    for i in range(files):
        sub = folder / f"{i // 1000:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        kind = i % 3
        path = sub / f"file{i:06d}.jpg"
        if kind == 0:
            path.write_text("not a picture, only text with a picture's name\n")
        elif kind == 1:
            path.write_bytes(cut)
        else:
            path.write_bytes(b"\0" * 2048)
    for i in range(10):
        save(folder / "photos" / f"photo{i}.jpg", photo(100 + i, 640, 480))
    done.touch()
    return folder


def timed_scan(folder: Path, cache_home: Path) -> tuple[float, str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "lookalike", "scan", str(folder), "--workers", "2"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return time.perf_counter() - started, out.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=50_000)
    args = parser.parse_args()
    folder = make_folder(args.files)
    with tempfile.TemporaryDirectory() as cache_home:
        cold, cold_line = timed_scan(folder, Path(cache_home))
        warm, warm_line = timed_scan(folder, Path(cache_home))
        changed = next(folder.glob("000/*.jpg"))
        os.utime(changed)
        touched, _ = timed_scan(folder, Path(cache_home))
    print(f"{args.files:,} unusable files + 10 photos, 2 workers")
    print(f"  cold scan:                {cold:6.1f} s   ({cold_line})")
    print(f"  rescan, cache warm:       {warm:6.1f} s   ({warm_line})")
    print(f"  rescan, one file touched: {touched:6.1f} s")
    print(f"  cold / warm: {cold / warm:.1f}×")


if __name__ == "__main__":
    main()
