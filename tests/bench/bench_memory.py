"""Peak memory of a whole scan on hostile input (issue 11): is it bounded whatever the folder holds?

Writes (once, under /tmp) a folder of 12 MP camera-like JPEGs mixed with the files that used to
blow a worker up: valid 225 MP PNGs (a decompression bomb that really decodes), a 100 MP
progressive JPEG (libjpeg keeps all its coefficients), an 80 MP BMP, a 50 MP WebP, a header
claiming 300 MP, and 3 GB sparse files named .jpg and .png. Then it runs ``python -m lookalike
scan`` on it with 2 workers and samples every process of the scan's tree (found in /proc by an
environment tag that the forkserver, the workers and resource_tracker inherit) every 20 ms:

- peak of the summed RSS (shared pages counted once per process: an upper bound),
- peak of the summed PSS (shared pages split between their users: the machine's real cost),
- the largest single-process peak (VmHWM).

    nice .venv/bin/python tests/bench/bench_memory.py
    nice .venv/bin/python tests/bench/bench_memory.py --no-huge   # without the 3 GB files
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import cv2
import numpy as np

# The test helpers (repository root on the path when run as a script).
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests import images

ROOT = Path(tempfile.gettempdir()) / "lookalike-bench-memory"
TAG = "LOOKALIKE_BENCH_TAG"
MB = 10**6


def camera_like(seed: int, width: int, height: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 255, (height // 16, width // 16, 3), dtype=np.uint8)
    img = cv2.resize(small, (width, height), interpolation=cv2.INTER_CUBIC)
    grain = rng.normal(0, 5, img.shape).astype(np.int16)
    return np.clip(img.astype(np.int16) + grain, 0, 255).astype(np.uint8)


def make_folder() -> Path:
    folder = ROOT / "set-1"
    if (folder / ".complete").exists():
        return folder
    (folder / "huge").mkdir(parents=True, exist_ok=True)
    for i in range(24):
        cv2.imwrite(str(folder / f"photo{i:02d}.jpg"), camera_like(i, 4000, 3000))
    for i in range(3):
        images.write_plain_png(folder / f"panorama{i}-225mp.png", 15000, 15000)
    big = camera_like(99, 10000, 10000)
    cv2.imwrite(str(folder / "scan-100mp-progressive.jpg"), big, [cv2.IMWRITE_JPEG_PROGRESSIVE, 1])
    cv2.imwrite(str(folder / "poster-80mp.bmp"), big[:8000])
    cv2.imwrite(str(folder / "render-50mp.webp"), big[:5000], [cv2.IMWRITE_WEBP_QUALITY, 80])
    images.write_bomb_png(folder / "bomb-300mp.png", 20000, 15000)
    jpeg = images.jpeg_bytes(images.photo(1, 640, 480))
    png = images.write_plain_png(folder / "small.png", 64, 64).read_bytes()
    images.write_sparse(folder / "huge" / "video-named.jpg", jpeg, 3 * 10**9)
    images.write_sparse(folder / "huge" / "disk-image.png", png, 3 * 10**9)
    images.write_sparse(folder / "huge" / "zeros.jpg", b"", 3 * 10**9)
    (folder / ".complete").touch()
    return folder


def tagged(tag: str) -> list[int]:
    needle = f"{TAG}={tag}".encode()
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/environ", "rb") as f:
                    if needle in f.read().split(b"\0"):
                        found.append(int(entry))
            except OSError:
                continue
    return found


def _field_kb(path: str, name: str) -> int:
    with open(path) as f:
        for line in f:
            if line.startswith(name):
                return int(line.split()[1])
    return 0


def measure(folder: Path, skip_huge: bool) -> dict[str, float]:
    tag = uuid.uuid4().hex
    env = {**os.environ, TAG: tag}
    args = [sys.executable, "-m", "lookalike", "scan", str(folder), "--no-cache", "--workers", "2"]
    if skip_huge:
        args += ["--no-recursive"]  # the 3 GB files sit in huge/
    peaks = {"rss": 0, "pss": 0, "hwm": 0}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            rss = pss = 0
            for pid in tagged(tag):
                try:
                    rss += _field_kb(f"/proc/{pid}/status", "VmRSS:")
                    pss += _field_kb(f"/proc/{pid}/smaps_rollup", "Pss:")
                    peaks["hwm"] = max(peaks["hwm"], _field_kb(f"/proc/{pid}/status", "VmHWM:"))
                except OSError:
                    continue
            peaks["rss"] = max(peaks["rss"], rss)
            peaks["pss"] = max(peaks["pss"], pss)
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    out = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    print(out.stdout.strip().split("\n\n")[-2] if "\n\n" in out.stdout else out.stderr[-2000:])
    print(out.stdout.strip().splitlines()[-1] if out.stdout else "")
    return {k: v * 1024 / MB for k, v in peaks.items()} | {"seconds": elapsed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-huge", action="store_true", help="leave out the 3 GB files")
    args = parser.parse_args()
    folder = make_folder()
    figures = measure(folder, args.no_huge)
    print(
        f"peak RSS of the process tree {figures['rss']:.0f} MB, peak PSS {figures['pss']:.0f} MB,"
        f" largest process {figures['hwm']:.0f} MB, {figures['seconds']:.1f} s"
    )


if __name__ == "__main__":
    main()
