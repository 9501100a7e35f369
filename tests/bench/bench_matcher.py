"""Benchmark of the whole candidate search (`lookalike.core.matching.matcher.Matcher.add`, every
source of a sensitivity level) on many fingerprints: time per file and the parent's memory.

Fingerprints are made up (no decoding): random 64-bit hashes for the whole picture, its 8
orientations, its inner region and its region family, with 1 % planted copies whose hashes lie
a few bits from their original's. Uniform random hashes are the easy case: real pHashes
cluster, so buckets are fuller (see bench_candidates.py for real photos). Each run is a fresh
process, so its peak RSS is its own.

    .venv/bin/python tests/bench/bench_matcher.py --n 100000 [--sensitivity normal]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

# After the path setup:
from lookalike.core.matching.fingerprint import Fingerprint  # noqa: E402
from lookalike.core.matching.matcher import Matcher  # noqa: E402
from lookalike.core.matching.regions import REGION_COUNT  # noqa: E402
from lookalike.core.model import Sensitivity  # noqa: E402

BATCH = 256  # as a rescan feeds cached fingerprints


def made_up(n: int, seed: int = 0) -> list[Fingerprint]:
    rng = np.random.default_rng(seed)
    per_file = 9 + REGION_COUNT
    hashes = rng.integers(0, 2**64, (n, per_file), dtype=np.uint64)
    copies = rng.choice(n, size=(n // 100, 2), replace=False)
    flips = np.uint64(1) << rng.integers(0, 64, (len(copies), 3)).astype(np.uint64)
    hashes[copies[:, 1]] = hashes[copies[:, 0]] ^ np.bitwise_or.reduce(flips, axis=1)[:, None]
    signature = bytes(range(256)) * 2
    return [
        Fingerprint(f"/p/{i:07d}.jpg", 4000, 3000, "JPEG", "", "", False, row.tobytes(), signature)
        for i, row in enumerate(hashes.astype("<u8"))
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--sensitivity", default="normal", choices=[s.value for s in Sensitivity])
    args = parser.parse_args()
    prints = made_up(args.n)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()
    matcher = Matcher(Sensitivity(args.sensitivity), find_rotated=True)
    started = time.perf_counter()
    pairs = 0
    for start in range(0, len(prints), BATCH):
        batch = prints[start : start + BATCH]
        ids = list(range(start, start + len(batch)))
        pairs += len(matcher.add(ids, [fp.path for fp in batch], batch))
    streamed = time.perf_counter() - started
    pairs += sum(len(late) for late in matcher.finish())
    elapsed = time.perf_counter() - started
    _, traced_peak = tracemalloc.get_traced_memory()
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"n={args.n} {args.sensitivity}: {elapsed:.1f} s ({elapsed / args.n * 1e6:.0f} us a file;"
        f" {elapsed - streamed:.1f} s of it once all are in),"
        f" {pairs} candidate pairs; the search holds {held / args.n:.0f} bytes a file"
        f" (peak {traced_peak / 2**20:.0f} MB); peak RSS {rss:.0f} MB"
        f" ({rss_before:.0f} MB with the made-up fingerprints)"
    )


if __name__ == "__main__":
    main()
