"""Benchmark of the Hamming candidate search (`lookalike.core.matching.index`): batch search
time, pairs found, planted-pair recall and peak RSS; brute force for a ratio; streaming add +
query cost per image.

Each measurement runs in a fresh Python process, so its peak RSS is its own.

    .venv/bin/python tests/bench/bench_index.py                     # everything (a few minutes)
    .venv/bin/python tests/bench/bench_index.py --n 1000000 --k 8   # one batch configuration
    .venv/bin/python tests/bench/bench_index.py --no-brute --no-stream --k 4 8
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from lookalike.core.matching.index import HashIndex  # noqa: E402  (after the path setup)
from tests.bench.pairs import pairs_within  # noqa: E402

PLANTED_FRACTION = 0.01
VARIANTS = 8


def planted(
    n: int, k: int, seed: int = 0
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """n random hashes; 1 % of them are copies of another hash with 0..k random bits flipped.

    Returns the hashes and the planted pairs (source, copy).
    """
    rng = np.random.default_rng(seed)
    h = rng.integers(0, 2**64, n, dtype=np.uint64)
    m = int(n * PLANTED_FRACTION)
    chosen = rng.choice(n, size=2 * m, replace=False)
    source, copy = chosen[:m], chosen[m:]  # disjoint, so no plant overwrites another's source
    # A random set of d bits per pair: the first d positions of a random permutation of 0..63.
    d = rng.integers(0, k + 1, m)
    perm = np.argsort(rng.random((m, 64)), axis=1)
    take = np.arange(64)[None, :] < d[:, None]
    masks = np.zeros(m, dtype=np.uint64)
    for col in range(64):
        masks |= np.where(take[:, col], np.uint64(1) << perm[:, col].astype(np.uint64), 0)
    h[copy] = h[source] ^ masks
    return h, source.astype(np.int64), copy.astype(np.int64)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def run_batch(n: int, k: int, bands: int | None) -> dict[str, object]:
    h, source, copy = planted(n, k)
    start = time.perf_counter()
    found = pairs_within(h, k, bands=bands)
    elapsed = time.perf_counter() - start
    keys = found.first * n + found.second
    want = np.minimum(source, copy) * n + np.maximum(source, copy)
    recall = float(np.isin(want, keys).mean()) if want.size else 1.0
    return {
        "time_s": round(elapsed, 2),
        "pairs": len(found),
        "planted": int(want.size),
        "recall": recall,
        "peak_rss_mb": round(peak_rss_mb()),
    }


def run_stream(n: int, k: int, batch: int) -> dict[str, object]:
    """Add batches of canonical hashes and query each batch's 8 variants, as a scan does."""
    h = planted(n, k)[0]
    rng = np.random.default_rng(1)
    variants = rng.integers(0, 2**64, (n, VARIANTS), dtype=np.uint64)
    variants[:, 0] = h  # variant 0 is the canonical hash; the others are unrelated
    index = HashIndex(k)
    found = 0
    worst = 0.0
    start = time.perf_counter()
    for lo in range(0, n, batch):
        t0 = time.perf_counter()
        ids = index.add(h[lo : lo + batch])
        found += len(index.query(variants[lo : lo + batch].reshape(-1), np.repeat(ids, VARIANTS)))
        worst = max(worst, time.perf_counter() - t0)
    elapsed = time.perf_counter() - start
    return {
        "time_s": round(elapsed, 2),
        "us_per_image": round(elapsed / n * 1e6, 1),
        "worst_batch_ms": round(worst * 1e3, 1),
        "pairs": found,
        "peak_rss_mb": round(peak_rss_mb()),
    }


def child(args: list[str]) -> dict[str, object]:
    """Run one measurement in a fresh interpreter and return its JSON result."""
    out = subprocess.run(
        [sys.executable, __file__, "--one", *args], capture_output=True, text=True, check=True
    )
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--k", type=int, nargs="+", default=[4, 8, 10, 12])
    parser.add_argument("--bands", type=int, default=None, help="force a band count (0 = brute)")
    parser.add_argument("--brute-n", type=int, default=100_000, help="brute-force size (k = 8)")
    parser.add_argument("--no-brute", action="store_true")
    parser.add_argument("--stream-n", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--stream-k", type=int, default=8)
    parser.add_argument("--batch", type=int, nargs="+", default=[1, 8, 64])
    parser.add_argument("--no-stream", action="store_true")
    parser.add_argument("--one", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.one:  # child mode: kind, n, k, extra
        kind, n, k, extra = args.one[0], int(args.one[1]), int(args.one[2]), args.one[3]
        if kind == "batch":
            result = run_batch(n, k, None if extra == "auto" else int(extra))
        else:
            result = run_stream(n, k, int(extra))
        print(json.dumps(result))
        return

    bands = "auto" if args.bands is None else str(args.bands)
    print(f"batch search, {PLANTED_FRACTION:.0%} planted pairs at distance 0..k, bands={bands}")
    for n in args.n:
        for k in args.k:
            print(f"  n={n:>9,} k={k:>2}: {child(['batch', str(n), str(k), bands])}", flush=True)
    if not args.no_brute:
        r = child(["batch", str(args.brute_n), "8", "0"])
        print(f"brute force n={args.brute_n:,} k=8: {r}", flush=True)
    if not args.no_stream:
        print(f"streaming add + query, {VARIANTS} variants per image, k={args.stream_k}")
        for n in args.stream_n:
            for batch in args.batch:
                r = child(["stream", str(n), str(args.stream_k), str(batch)])
                print(f"  n={n:>9,} batch={batch:>3}: {r}", flush=True)


if __name__ == "__main__":
    main()
