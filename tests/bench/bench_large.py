"""Benchmark of whole scans at scale (issue 14): cold and warm, similar and identical-files mode,
next to decode-only and (optionally) Czkawka's engine, on the same folders, interleaved.

Every measurement runs in a fresh Python process, so its memory is its own: the table gives wall
seconds, CPU seconds of the whole process tree (workers included), the peak RSS of the parent
alone and the peak of the whole tree (sampled every 100 ms), and the load average when it ran.

    .venv/bin/python tests/bench/bench_large.py /tmp/lookalike-speed/tiny-100k
    .venv/bin/python tests/bench/bench_large.py DIR --runs decode cold warm exact-cold exact-warm
    .venv/bin/python tests/bench/bench_large.py DIR --subfolders 10 --rounds 2 --czkawka
    .venv/bin/python tests/bench/bench_large.py DIR --sensitivity strict --runs cold warm
    .venv/bin/python tests/bench/bench_large.py DIR --runs warm --keep /tmp/caches  # cold's again

A run's kind is one of: ``decode`` (read + reduced decode in a pool of the scan's size, nothing
else), ``cold`` (a scan with a fresh cache file), ``warm`` (a rescan with the cache ``cold`` left),
``exact-cold`` / ``exact-warm`` (the same in identical-files mode), ``czkawka`` (its Python
bindings, similarity 10 on its 8×8 hash, its own cache removed first), ``walk`` (the walk alone).
Files stay in the page cache between runs (a cold page cache is `bench_scan.py`'s business).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

KINDS = ("walk", "decode", "cold", "warm", "exact-cold", "exact-warm", "czkawka")
# The tree's memory is sampled this often, in a thread of the measured process: a walk of /proc
# every 20 ms took a third of the scan process's samples (py-spy, 100,000 files, load 11).
SAMPLE_S = 0.1


class _PeakSampler:
    def __init__(self) -> None:
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        from lookalike.bench.speed import tree_rss_kb

        while not self._stop.wait(SAMPLE_S):
            self.peak_kb = max(self.peak_kb, tree_rss_kb())

    def __enter__(self) -> _PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _groups_digest(groups: list[list[str]]) -> str:
    canon = sorted(sorted(g) for g in groups)
    return hashlib.sha1(json.dumps(canon).encode()).hexdigest()[:12]


def one(
    kind: str, roots: list[str], cache: str, workers: int, sensitivity: str
) -> dict[str, object]:
    """Run one measurement in this (fresh) process."""
    from lookalike.bench.speed import time_decode_only, tree_cpu_seconds
    from lookalike.core.model import ImageFile, ScanMode, ScanOptions, Sensitivity
    from lookalike.core.scan import collect_result, run_scan
    from lookalike.core.walk import WalkOptions, walk

    out: dict[str, object] = {"kind": kind, "load": os.getloadavg()[0]}
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cpu0 = tree_cpu_seconds()
    with _PeakSampler() as sampler:
        t0 = time.perf_counter()
        if kind == "walk":
            files = [e for e in walk(WalkOptions(tuple(roots))) if isinstance(e, ImageFile)]
            out["files"] = len(files)
        elif kind == "decode":
            files = [e for e in walk(WalkOptions(tuple(roots))) if isinstance(e, ImageFile)]
            out["files"] = len(files)
            time_decode_only(files, workers)
        elif kind == "czkawka":
            from czkawka import ImageSimilarity

            finder = ImageSimilarity()
            finder.set_directories(roots)
            finder.set_similarity(10)
            groups = finder.find_similar()
            out["groups"] = len(groups)
            out["duplicates"] = sum(len(g) - 1 for g in groups)
        else:
            mode = ScanMode.EXACT if kind.startswith("exact") else ScanMode.SIMILAR
            options = ScanOptions(
                roots=tuple(roots),
                mode=mode,
                workers=workers,
                cache_path=cache,
                sensitivity=Sensitivity(sensitivity),
            )
            result = collect_result(options, run_scan(options))
            s = result.summary
            out.update(
                files=s.files,
                groups=s.groups,
                duplicates=s.duplicates,
                decoded=s.decoded,
                cached=s.cached,
                verified=s.measured,
                views_decoded=s.views_decoded,
                digest=_groups_digest([[m.path for m in g.members] for g in result.groups]),
            )
        out["seconds"] = round(time.perf_counter() - t0, 2)
    out["cpu_s"] = round(tree_cpu_seconds() - cpu0, 2)
    out["parent_peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    out["parent_start_mb"] = round(base_rss / 1024)
    out["tree_peak_mb"] = round(sampler.peak_kb / 1024)
    return out


def _child(
    kind: str, roots: list[str], cache: str, workers: int, sensitivity: str
) -> dict[str, object]:
    cmd = [sys.executable, __file__, "--one", kind, cache, str(workers), sensitivity, *roots]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"kind": kind, "error": done.stderr.strip().splitlines()[-1:]}
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _czkawka_cache_dirs() -> list[Path]:
    home = Path.home()
    return [home / ".cache" / "czkawka", home / ".config" / "czkawka"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path)
    parser.add_argument("--subfolders", type=int, default=0, help="scan only the first N")
    parser.add_argument("--runs", nargs="+", default=["decode", "cold", "warm"], choices=KINDS)
    parser.add_argument("--czkawka", action="store_true", help="add Czkawka's engine")
    parser.add_argument("--rounds", type=int, default=1, help="interleaved rounds")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--sensitivity", default="normal", choices=("strict", "normal", "loose"))
    parser.add_argument("--json", type=Path)
    parser.add_argument("--keep", type=Path, help="keep the caches here (a later warm run)")
    parser.add_argument("--one", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        kind, cache, workers, sensitivity, *roots = args.one
        print(json.dumps(one(kind, roots, cache, int(workers), sensitivity)))
        return 0
    if args.folder is None:
        parser.error("a folder is needed")
    subs = sorted(p for p in args.folder.iterdir() if p.is_dir())
    roots = [str(p) for p in subs[: args.subfolders]] if args.subfolders else [str(args.folder)]
    kinds = list(args.runs) + (["czkawka"] if args.czkawka else [])
    results: list[dict[str, object]] = []
    work = args.keep or Path(tempfile.mkdtemp(prefix="lookalike-large-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        for r in range(args.rounds):
            for kind in kinds:
                mode = "exact" if kind.startswith("exact") else "similar"
                cache = str(work / f"{mode}-{r}.sqlite")
                if kind in ("cold", "exact-cold"):
                    for suffix in ("", "-wal", "-shm"):
                        Path(cache + suffix).unlink(missing_ok=True)
                if kind == "czkawka":
                    for d in _czkawka_cache_dirs():
                        shutil.rmtree(d, ignore_errors=True)
                res = _child(kind, roots, cache, args.workers, args.sensitivity)
                res["round"] = r + 1
                results.append(res)
                print(json.dumps(res), flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
