"""Regroup benchmark (issue 13 item 9): a sensitivity change after a scan, on 10,000 files.

Generates (once, cached under /tmp) a folder of photo-like JPEGs in which most pictures have
copies (half size, re-encoded, brightened, grayscale, cropped, mirrored), scans it cold with a
fresh cache, then regroups at each sensitivity from that cache and prints, for each run: the
wall time, how many images were decoded (0 is the point) and how many candidate pairs were
measured by the verifier rather than read from the cache, and the groups found.

The first regroup at a level measures the pairs that level asks about for the first time (the
grouping guesses them, then the verifier measures them side by side); the window runs exactly
that scan in the background once a scan ends (`gui.levels.LevelsWorker`), so it is the time a
level takes to get ready. The second one at the same level is what the user's switch costs once
the level is ready: a regroup served wholly by the cache.

    nice .venv/bin/python tests/bench/bench_regroup.py                 # 10,000 files
    nice .venv/bin/python tests/bench/bench_regroup.py --count 2000
    # one cold scan for several runs (of several versions of the code):
    nice .venv/bin/python tests/bench/bench_regroup.py --cold-cache /tmp/cold.sqlite3
    # the window's session instead: the levels got ready in the background after a scan (the
    # time, and the longest gap between ticks of a 10 ms GUI-thread timer), then each switch:
    nice .venv/bin/python tests/bench/bench_regroup.py --cold-cache /tmp/cold.sqlite3 --window
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing
from pathlib import Path

import cv2

# Run as a script from anywhere: the repository root holds the `app` package.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from lookalike.bench import photos
from lookalike.bench.speed import machine_facts
from lookalike.core.model import ScanOptions, ScanResult, Sensitivity
from lookalike.core.scan import collect_result, run_scan

GENERATOR_VERSION = 1
DEFAULT_SET_ROOT = Path(tempfile.gettempdir()) / "lookalike-bench"
EDGE_PX = (480, 360)
# What the copies of one picture are; picture i has the first (i % 4) + 1 of them, so the set
# holds single pictures and groups of two to five files.
COPIES = (
    ("half", lambda img: photos.resize(img, 0.5)),
    ("bright", lambda img: photos.brightness(img, 1.15)),
    ("gray", photos.grayscale),
    ("crop", lambda img: photos.crop_border(img, 0.06)),
)


def _write_picture(args: tuple[Path, int]) -> int:
    folder, index = args
    img = photos.photo(50_000 + index, *EDGE_PX)
    written = 0
    variants = [("orig", img)] + [(n, f(img)) for n, f in COPIES[: index % (len(COPIES) + 1)]]
    for name, variant in variants:
        path = folder / f"P{index:05d}_{name}.jpg"
        if not path.exists():
            cv2.imwrite(str(path), variant, [cv2.IMWRITE_JPEG_QUALITY, 88])
        written += 1
    return written


def ensure_set(root: Path, count: int, workers: int) -> Path:
    """A folder of about ``count`` files, made (or completed) only when missing."""
    folder = root / f"regroup-{count}-v{GENERATOR_VERSION}"
    marker = folder / ".complete"
    if marker.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    # Picture i has 1 + i % 5 files: 3 files a picture on average.
    pictures = count // 3
    print(f"Generating about {count} JPEGs in {folder} ...", flush=True)
    started = time.monotonic()
    total = 0
    with ProcessPoolExecutor(workers) as pool:
        jobs = [(folder, i) for i in range(pictures)]
        for n, files in enumerate(pool.map(_write_picture, jobs, chunksize=16), 1):
            total += files
            if n % 500 == 0:
                print(f"  {total} files ({time.monotonic() - started:.0f} s)", flush=True)
    marker.write_text(f"{total} files\n")
    return folder


def timed_scan(folder: Path, sensitivity: Sensitivity, cache: str) -> tuple[float, ScanResult]:
    options = ScanOptions(roots=(str(folder),), sensitivity=sensitivity, cache_path=cache)
    started = time.perf_counter()
    result = collect_result(options, run_scan(options))
    return time.perf_counter() - started, result


def _cpu_seconds() -> float:
    """CPU time of this process, the parent of the scan (its pools' workers are children of the
    forkserver, not counted): on a loaded machine the wall time is mostly waiting for a core."""
    t = os.times()
    return t.user + t.system


def copy_cache(source: str, target: str) -> None:
    """A consistent copy of a SQLite cache (its WAL included)."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def window_run(folder: Path, cache: str) -> None:
    """The session of the window: a rescan at normal, the other levels got ready behind it,
    then a switch to each level, with the GUI thread's longest stall while they run."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from lookalike.gui.session import Session

    app = QApplication.instance() or QApplication([])
    session = Session(prepare_levels=True)
    gaps: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.elapsed()]

    def tick() -> None:
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now

    ticker = QTimer()
    ticker.setInterval(10)
    ticker.timeout.connect(tick)
    ticker.start()

    def wait(done: Callable[[], bool]) -> float:
        started = time.perf_counter()
        loop = QEventLoop()
        poll = QTimer()
        poll.setInterval(20)

        def check() -> None:
            if done():
                loop.quit()

        poll.timeout.connect(check)
        poll.start()
        loop.exec()
        poll.stop()
        return time.perf_counter() - started

    # The same timer with nothing running: what the machine's load alone costs the GUI thread.
    idle_until = time.perf_counter() + 5.0
    wait(lambda: time.perf_counter() > idle_until)
    print(f"{'idle, 5 s':>22}: longest GUI stall {max(gaps, default=0):.0f} ms", flush=True)
    options = ScanOptions(roots=(str(folder),), sensitivity=Sensitivity.NORMAL, cache_path=cache)
    session.start_scan(options)
    seconds = wait(lambda: not session.is_scanning())
    print(f"{'rescan normal':>22}: {seconds:7.2f} s  {session.last_summary}", flush=True)
    gaps.clear()
    cpu = _cpu_seconds()
    seconds = wait(lambda: session.levels_worker is None)
    cpu = _cpu_seconds() - cpu
    ready = sorted(s.value for s in session.ready_levels)
    print(
        f"{'levels ready behind':>22}: {seconds:7.2f} s  parent cpu {cpu:.1f} s"
        f"  ({', '.join(ready)})  load {os.getloadavg()[0]:.1f}; longest GUI"
        f" stall {max(gaps, default=0):.0f} ms, {sum(g > 100 for g in gaps)} over 100 ms",
        flush=True,
    )
    for level in (Sensitivity.STRICT, Sensitivity.LOOSE, Sensitivity.NORMAL):
        gaps.clear()
        cpu = _cpu_seconds()
        assert session.regroup(level)
        seconds = wait(lambda: not session.is_scanning())
        cpu = _cpu_seconds() - cpu
        s = session.last_summary
        assert s is not None
        print(
            f"{'switch to ' + level.value:>22}: {seconds:7.2f} s  parent cpu {cpu:.1f} s"
            f"  decoded {s.decoded}  pairs"
            f" measured {s.measured}  groups {s.groups}; longest GUI stall"
            f" {max(gaps, default=0):.0f} ms",
            flush=True,
        )
    ticker.stop()
    session.shutdown(10_000)
    del app


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="files (about)")
    parser.add_argument("--root", type=Path, default=DEFAULT_SET_ROOT)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--cold-cache",
        type=Path,
        help="the cache of the cold scan: copied there after it, or copied from there (and the"
        " cold scan skipped) when it exists",
    )
    parser.add_argument(
        "--window", action="store_true", help="through the window's session (see above)"
    )
    args = parser.parse_args()
    folder = ensure_set(args.root, args.count, args.workers)
    print(machine_facts())
    with tempfile.TemporaryDirectory() as tmp:
        cache = os.path.join(tmp, "cache.sqlite3")
        rows = []
        runs = [("cold scan", Sensitivity.NORMAL)]
        if args.cold_cache is not None and args.cold_cache.exists():
            copy_cache(str(args.cold_cache), cache)
            runs = []
        if args.window:
            if runs:
                timed_scan(folder, Sensitivity.NORMAL, cache)
            window_run(folder, cache)
            return 0
        for level in (Sensitivity.STRICT, Sensitivity.LOOSE, Sensitivity.NORMAL):
            runs += [(f"regroup {level.value}", level), (f"again {level.value}", level)]
        for label, level in runs:
            before = _cpu_seconds()
            seconds, result = timed_scan(folder, level, cache)
            cpu = _cpu_seconds() - before
            s = result.summary
            grouped = sum(len(g.members) for g in result.groups)
            rows.append((label, seconds, s.files, s.decoded, s.measured, s.groups))
            print(
                f"{label:>16}: {seconds:7.2f} s  parent cpu {cpu:6.1f} s  files {s.files:>6}"
                f"  decoded {s.decoded:>6}  pairs measured {s.measured:>6}  groups {s.groups:>5}"
                f" ({grouped} files)  load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
            if label == "cold scan" and args.cold_cache is not None:
                copy_cache(cache, str(args.cold_cache))
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")
        switches = [r[1] for r in rows if r[0].startswith("again")]
        print(
            f"\na switch to a level that is ready: {min(switches):.2f}-{max(switches):.2f} s"
            f" for {rows[-1][2]} files"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
