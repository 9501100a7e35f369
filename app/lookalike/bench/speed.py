"""The speed benchmark behind ``lookalike bench``: Lookalike's stages against naive scripts.

For growing subsets of a folder it times the fingerprint stage run serially, on a thread pool and
on a process pool, the whole scan, and the all-pairs comparisons a typical duplicate-finding
script does (pixel difference of 64×64 thumbnails, RMS of colour histograms). The naive methods
are quadratic, so above ``naive_max`` files their time is extrapolated from the measured per-file
and per-pair costs, and marked as estimated.
"""

from __future__ import annotations

import json
import math
import multiprocessing
import os
import platform
import random
import resource
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any, TextIO

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image

from lookalike.core.matching.fingerprint import FileTask, fingerprint_files, init_worker
from lookalike.core.model import ImageFile, ScanOptions
from lookalike.core.scan import collect_result, file_chunks, run_scan
from lookalike.core.walk import WalkOptions, walk

DECODE_ONLY = "decode only (the limit)"
SERIAL = "fingerprints, serial"
THREADS = "fingerprints, thread pool"
PROCESSES = "fingerprints, process pool"
SCAN = "whole scan (Lookalike)"
NAIVE_PIXELS = "naive: all pairs, 64×64 pixel diff"
NAIVE_HISTOGRAMS = "naive: all pairs, histogram RMS"
METHODS = (DECODE_ONLY, SERIAL, THREADS, PROCESSES, SCAN, NAIVE_PIXELS, NAIVE_HISTOGRAMS)

NAIVE_EDGE_PX = 64  # the thumbnail a typical script compares pixel by pixel
PROJECTION_FILES = 10_000  # the collection size the summary projects every method to


@dataclass(frozen=True, slots=True)
class Timing:
    """One method on one subset."""

    method: str
    files: int
    seconds: float
    cpu_seconds: float  # this process and all its descendants (worker processes included)
    estimated: bool = False  # extrapolated, not measured

    @property
    def files_per_s(self) -> float:
        return self.files / self.seconds if self.seconds > 0 else math.inf

    @property
    def cpu_per_file(self) -> float:
        return self.cpu_seconds / self.files if self.files else 0.0


@dataclass(frozen=True, slots=True)
class BenchReport:
    """Everything one ``lookalike bench`` run measured."""

    folder: str
    files_available: int
    workers: int
    naive_max: int
    timings: tuple[Timing, ...]
    naive_costs: NaiveCosts | None = None

    def timing(self, method: str, files: int) -> Timing | None:
        for t in self.timings:
            if t.method == method and t.files == files:
                return t
        return None

    def speedup(self, t: Timing) -> float | None:
        """How many times faster than the serial fingerprint stage on the same files."""
        serial = self.timing(SERIAL, t.files)
        if serial is None or t.seconds <= 0:
            return None
        return serial.seconds / t.seconds

    def to_json(self) -> dict[str, Any]:
        rows = []
        for t in self.timings:
            row = asdict(t)
            row["files_per_s"] = round(t.files_per_s, 2)
            row["cpu_seconds_per_file"] = round(t.cpu_per_file, 5)
            speedup = self.speedup(t)
            row["speedup_vs_serial"] = round(speedup, 3) if speedup is not None else None
            rows.append(row)
        return {
            "folder": self.folder,
            "files_available": self.files_available,
            "workers": self.workers,
            "naive_max": self.naive_max,
            "machine": machine_facts(),
            "timings": rows,
            "naive_unit_costs": asdict(self.naive_costs) if self.naive_costs else None,
        }


def machine_facts() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "opencv": cv2.__version__,
    }


# --- measuring --------------------------------------------------------------------------------


def _proc_stats() -> dict[int, tuple[int, list[bytes]]]:
    """Every process's parent and /proc/PID/stat fields after the command name (Linux)."""
    stats: dict[int, tuple[int, list[bytes]]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                raw = f.read()
        except OSError:
            continue  # ended meanwhile
        fields = raw[raw.rfind(b")") + 2 :].split()
        stats[int(name)] = (int(fields[1]), fields)
    return stats


def _tree_sum(
    stats: dict[int, tuple[int, list[bytes]]], value: Callable[[list[bytes]], int]
) -> int:
    """``value`` of this process's stat fields and of every descendant's, summed."""
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in stats.items():
        children.setdefault(ppid, []).append(pid)
    total, stack = 0, [os.getpid()]
    while stack:
        pid = stack.pop()
        if pid in stats:
            total += value(stats[pid][1])
        stack.extend(children.get(pid, ()))
    return total


def tree_cpu_seconds() -> float:
    """CPU seconds used so far by this process and every process it started, live or ended.

    Worker processes of a forkserver pool are children of the forkserver, not of this process,
    so ``RUSAGE_CHILDREN`` misses them; on Linux the process tree in /proc is summed instead
    (user + system time, plus the time of reaped children of each). Elsewhere only this
    process and its direct children count.
    """
    try:
        # utime stime cutime cstime
        ticks = _tree_sum(_proc_stats(), lambda f: sum(int(x) for x in f[11:15]))
        return ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        own = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def tree_rss_kb() -> int:
    """Resident memory of this process and all its descendants now, in KiB (Linux /proc)."""
    page_kb = os.sysconf("SC_PAGE_SIZE") // 1024
    return _tree_sum(_proc_stats(), lambda f: int(f[21]) * page_kb)


@contextmanager
def _measure() -> Iterator[list[float]]:
    """Yield a list that holds (wall seconds, CPU seconds) once the block ends."""
    out: list[float] = []
    cpu0, t0 = tree_cpu_seconds(), time.perf_counter()
    yield out
    wall = time.perf_counter() - t0
    out += [wall, tree_cpu_seconds() - cpu0]


def pool_context() -> multiprocessing.context.BaseContext:
    """The start method the scan uses (never fork: a GUI process has Qt threads)."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def decode_reduced(paths: Sequence[str]) -> int:
    """Process-pool target of the decode-only limit: read and decode at 1/8 scale, nothing else.

    Returns how many files decoded.
    """
    done = 0
    for path in paths:
        try:
            with open(path, "rb") as f:
                data = np.frombuffer(f.read(), np.uint8)
            done += cv2.imdecode(data, cv2.IMREAD_REDUCED_GRAYSCALE_8) is not None
        except (OSError, cv2.error):
            continue  # unreadable or undecodable: the scan skips it too
    return done


def _tasks(files: Sequence[ImageFile]) -> list[FileTask]:
    return [FileTask(f.path, f.size, f.mtime_ns, False) for f in files]


def time_decode_only(files: Sequence[ImageFile], workers: int) -> Timing:
    # The scan's own chunks, so the limit pays the same task overhead and no more.
    chunks = [[t.path for t in chunk] for chunk in file_chunks(_tasks(files))]
    with (
        _measure() as m,
        ProcessPoolExecutor(workers, pool_context(), initializer=init_worker) as pool,
    ):
        sum(pool.map(decode_reduced, chunks))
    return Timing(DECODE_ONLY, len(files), m[0], m[1])


def time_serial(files: Sequence[ImageFile]) -> Timing:
    chunks = file_chunks(_tasks(files))
    with _measure() as m:
        for chunk in chunks:
            fingerprint_files(chunk)
    return Timing(SERIAL, len(files), m[0], m[1])


def time_threads(files: Sequence[ImageFile], workers: int) -> Timing:
    chunks = file_chunks(_tasks(files))
    with _measure() as m, ThreadPoolExecutor(workers) as pool:
        list(pool.map(fingerprint_files, chunks))
    return Timing(THREADS, len(files), m[0], m[1])


def time_processes(files: Sequence[ImageFile], workers: int) -> Timing:
    chunks = file_chunks(_tasks(files))
    # Pool start-up is inside the timing: a scan pays it too.
    with (
        _measure() as m,
        ProcessPoolExecutor(workers, pool_context(), initializer=init_worker) as pool,
    ):
        list(pool.map(fingerprint_files, chunks))
    return Timing(PROCESSES, len(files), m[0], m[1])


def time_scan(files: Sequence[ImageFile], workers: int) -> Timing:
    options = ScanOptions(roots=tuple(f.path for f in files), workers=workers, cache_path=None)
    with _measure() as m:
        collect_result(options, run_scan(options))
    return Timing(SCAN, len(files), m[0], m[1])


# --- the naive script ---------------------------------------------------------------------

FloatArray = npt.NDArray[np.float32]


def naive_load(path: str) -> tuple[FloatArray, list[int]] | None:
    """What a typical script does per file: a full Pillow decode, a 64×64 gray thumbnail and a
    colour histogram. None for a file Pillow cannot read."""
    try:
        with Image.open(path) as img:
            rgb = img.convert("RGB")
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None
    thumb = np.asarray(rgb.convert("L").resize((NAIVE_EDGE_PX, NAIVE_EDGE_PX)), np.float32)
    return thumb, rgb.histogram()


def pixel_difference(a: FloatArray, b: FloatArray) -> float:
    """Mean absolute difference of two thumbnails (0 = identical)."""
    return float(np.mean(np.abs(a - b)))


def histogram_rms(a: Sequence[int], b: Sequence[int]) -> float:
    """The classic pure-Python histogram RMS recipe (0 = identical)."""
    return math.sqrt(sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) / len(a))


@dataclass(frozen=True, slots=True)
class NaiveCosts:
    """Measured unit costs of the naive script, for extrapolating beyond what was run."""

    load_s: float  # per file, shared by both methods (one decode feeds both)
    load_cpu: float
    pixel_pair_s: float
    histogram_pair_s: float


def time_naive(files: Sequence[ImageFile]) -> tuple[Timing, Timing, NaiveCosts]:
    with _measure() as load:
        loaded = [x for x in (naive_load(f.path) for f in files) if x is not None]
    thumbs = [t for t, _ in loaded]
    hists = [h for _, h in loaded]
    n = len(loaded)
    with _measure() as pix:
        for i in range(n):
            for j in range(i + 1, n):
                pixel_difference(thumbs[i], thumbs[j])
    with _measure() as hist:
        for i in range(n):
            for j in range(i + 1, n):
                histogram_rms(hists[i], hists[j])
    pairs = max(n * (n - 1) // 2, 1)
    tried = max(len(files), 1)  # unreadable files cost their failed decode, then drop out
    costs = NaiveCosts(load[0] / tried, load[1] / tried, pix[0] / pairs, hist[0] / pairs)
    return (
        Timing(NAIVE_PIXELS, len(files), load[0] + pix[0], load[1] + pix[1]),
        Timing(NAIVE_HISTOGRAMS, len(files), load[0] + hist[0], load[1] + hist[1]),
        costs,
    )


def naive_estimate(costs: NaiveCosts, n: int) -> tuple[Timing, Timing]:
    """Time of the naive methods on ``n`` files: linear decoding plus quadratic pairs."""
    pairs = n * (n - 1) // 2
    load = costs.load_s * n
    cpu_load = costs.load_cpu * n
    # The pair loops are single-threaded Python: CPU time equals wall time.
    pixels = costs.pixel_pair_s * pairs
    hists = costs.histogram_pair_s * pairs
    return (
        Timing(NAIVE_PIXELS, n, load + pixels, cpu_load + pixels, estimated=True),
        Timing(NAIVE_HISTOGRAMS, n, load + hists, cpu_load + hists, estimated=True),
    )


# --- the run ------------------------------------------------------------------------------


def image_files(folder: str) -> list[ImageFile]:
    """The image files under ``folder``, in a fixed pseudo-random order so that each subset
    samples the whole folder rather than its first subfolders."""
    files = [e for e in walk(WalkOptions((folder,))) if isinstance(e, ImageFile) and e.size]
    random.Random(0).shuffle(files)
    return files


def default_sizes(available: int, start: int = 100) -> list[int]:
    """100, 200, 400, ... up to what the folder holds, which is always the last size."""
    sizes: list[int] = []
    n = start
    while n < available:
        sizes.append(n)
        n *= 2
    return [*sizes, available] if available else []


def _lookalike_methods(subset: Sequence[ImageFile], workers: int) -> Iterator[Timing]:
    yield time_decode_only(subset, workers)
    yield time_serial(subset)
    yield time_threads(subset, workers)
    yield time_processes(subset, workers)
    yield time_scan(subset, workers)


def run_bench(
    folder: str,
    sizes: Sequence[int] | None = None,
    workers: int = 0,
    naive_max: int = 200,
    out: TextIO | None = None,
) -> BenchReport:
    """Time every method on growing subsets of the images in ``folder``.

    Args:
        sizes: subset sizes; sizes above the number of images are dropped.
        workers: pool size for the parallel methods (0: one per core).
        naive_max: largest subset the quadratic naive methods really run on.
        out: where to report each measurement as it completes.
    """
    files = image_files(folder)
    workers = workers or os.cpu_count() or 1
    wanted = sorted({n for n in (sizes or default_sizes(len(files))) if 0 < n <= len(files)})
    if not wanted and files:
        wanted = [len(files)]
    timings: list[Timing] = []
    costs: NaiveCosts | None = None
    threads_before = cv2.getNumThreads()
    init_worker()  # one OpenCV thread, as in a pool worker, so serial really is one core
    try:
        for n in wanted:
            subset = files[:n]
            for timing in _lookalike_methods(subset, workers):
                timings.append(timing)
                _report(out, timing)
            if n <= naive_max:
                pixels, hists, costs = time_naive(subset)
            elif costs is None:
                # Measure the unit costs on naive_max files, then extrapolate.
                _, _, costs = time_naive(files[: max(naive_max, 2)])
                pixels, hists = naive_estimate(costs, n)
            else:
                pixels, hists = naive_estimate(costs, n)
            for timing in (pixels, hists):
                timings.append(timing)
                _report(out, timing)
    finally:
        cv2.setNumThreads(threads_before)
    return BenchReport(
        os.path.abspath(folder), len(files), workers, naive_max, tuple(timings), costs
    )


def _report(out: TextIO | None, t: Timing) -> None:
    if out is not None:
        mark = " (estimated)" if t.estimated else ""
        out.write(f"  {t.files:>6} files  {t.method:<38} {t.seconds:9.2f} s{mark}\n")
        out.flush()


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.1f} s"
    if seconds < 7200:
        return f"{seconds / 60:.1f} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def format_table(report: BenchReport) -> str:
    """The results as a Markdown table (readable in a terminal, pasteable into the README)."""
    lines = [
        "| files | method | seconds | files/s | CPU s per file | speed-up vs serial |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for t in report.timings:
        speedup = report.speedup(t)
        star = "*" if t.estimated else ""
        lines.append(
            f"| {t.files} | {t.method}{star} | {t.seconds:.2f} | {t.files_per_s:.1f} |"
            f" {t.cpu_per_file:.4f} | {f'{speedup:.2f}×' if speedup is not None else '–'} |"
        )
    if any(t.estimated for t in report.timings):
        lines.append(
            f"\n\\* estimated: measured on {report.naive_max} files (per-file decode and per-pair"
            " costs), extrapolated as decode × n + pair × n(n-1)/2."
        )
    return "\n".join(lines)


def projection(report: BenchReport, files: int = PROJECTION_FILES) -> list[tuple[str, float]]:
    """Each method's time on ``files`` files: linear from its largest run for Lookalike's
    methods, decode × n + pair × n(n-1)/2 from the measured unit costs for the naive ones."""
    largest: dict[str, Timing] = {}
    for m in report.timings:
        if not m.estimated and (m.method not in largest or m.files > largest[m.method].files):
            largest[m.method] = m
    naive = naive_estimate(report.naive_costs, files) if report.naive_costs else ()
    projected = []
    for method in METHODS:
        t = largest.get(method)
        if method in (NAIVE_PIXELS, NAIVE_HISTOGRAMS):
            projected += [(e.method, e.seconds) for e in naive if e.method == method]
        elif t is not None:
            projected.append((method, t.seconds / t.files * files))
    return projected


def format_projection(report: BenchReport, files: int = PROJECTION_FILES) -> str:
    rows = projection(report, files)
    if not rows:
        return ""
    width = max(len(m) for m, _ in rows)
    lines = [f"Projected to {files:,} files of the same kind (linear for Lookalike, quadratic"
             " pairs for the naive scripts):"]  # fmt: skip
    lines += [f"  {m:<{width}}  {_duration(s)}" for m, s in rows]
    return "\n".join(lines)


def save_json(report: BenchReport, path: str) -> None:
    data = report.to_json()
    data["projection"] = {m: round(s, 1) for m, s in projection(report)}
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2)
        f.write("\n")


MATPLOTLIB_MISSING = (
    "the plot needs matplotlib: pip install 'lookalike[bench]' (or pip install matplotlib)"
)


def plot_projection_sizes(report: BenchReport) -> list[int]:
    """Collection sizes beyond the largest subset, up to PROJECTION_FILES, for the dashed part
    of the plot (where quadratic and linear growth part ways)."""
    largest = max((t.files for t in report.timings), default=0)
    steps = (1_000, 2_000, 5_000, PROJECTION_FILES)
    return [n for n in steps if largest < n <= PROJECTION_FILES]


def save_plot(report: BenchReport, path: str) -> None:
    """Time against number of files, one line per method; estimates and projections dashed.

    Raises:
        ModuleNotFoundError: matplotlib is not installed (see MATPLOTLIB_MISSING).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    projected: dict[str, list[tuple[int, float]]] = {}
    for n in plot_projection_sizes(report):
        for method, seconds in projection(report, n):
            projected.setdefault(method, []).append((n, seconds))

    fig, ax = plt.subplots(figsize=(7.5, 4.8), dpi=100)
    for method in METHODS:
        points = sorted(
            (t.files, t.seconds, t.estimated) for t in report.timings if t.method == method
        )
        measured = [(n, s) for n, s, est in points if not est]
        if not measured:
            continue
        estimated = [(n, s) for n, s, est in points if est] + projected.get(method, [])
        (line,) = ax.plot(*zip(*measured, strict=True), marker="o", label=method)
        if estimated:
            ax.plot(
                *zip(*(measured[-1:] + sorted(estimated)), strict=True),
                linestyle="--",
                color=line.get_color(),
            )
    ax.set_xscale("log")
    ax.set_yscale("log")
    whole = FuncFormatter(lambda x, _pos: f"{x:,.0f}")
    ax.xaxis.set_major_formatter(whole)
    ax.yaxis.set_major_formatter(whole)
    ax.set_xlabel("number of photos")
    ax.set_ylabel("seconds")
    ax.set_title(
        f"Time against collection size, {report.workers} workers"
        " (solid: measured; dashed: extrapolated)",
        fontsize=10,
    )
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
