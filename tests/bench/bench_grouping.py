"""Benchmark of the grouping (`lookalike.core.grouping`) on large clusters: thousands of mutually
similar pictures, the way bursts, screenshots and scanned pages come.

Two parts, each timed per cluster size so the cost per picture can be compared across sizes:

1. the grouper alone on a clique (every pair a candidate and a match), fed in a random order in
   batches of 8 as the scan does, flushed every 25 batches: time, verifications per picture;
2. the real pipeline (matcher + grouper) on fingerprints of a burst: frames of one photo with
   a little noise each (decoded in-process once, then fed in a random order): candidate pairs,
   verifications, time in the candidate search and in the grouping.

    .venv/bin/python tests/bench/bench_grouping.py                    # 1k-8k and 500-2000
    .venv/bin/python tests/bench/bench_grouping.py --sizes 1000 2000 --burst 500
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

# After the path setup:
from lookalike.core.grouping import Grouper, Ids  # noqa: E402
from lookalike.core.matching.fingerprint import Fingerprint, fingerprint_bytes  # noqa: E402
from lookalike.core.matching.kinds import Match  # noqa: E402
from lookalike.core.matching.matcher import Matcher  # noqa: E402
from lookalike.core.model import MatchKind, Member, Sensitivity  # noqa: E402
from lookalike.core.ranking import keeper_rank  # noqa: E402
from tests import images  # noqa: E402

BATCH = 8
FLUSH_EVERY = 25
_MATCH = Match(MatchKind.SIMILAR, 0.97)


def members(n: int, rng: random.Random) -> list[Member]:
    return [
        Member(
            path=f"/burst/IMG_{i:05d}.jpg",
            size=rng.randint(2_000_000, 4_000_000),
            mtime_ns=rng.randint(1, 10**6) * 10**12,
            width=4000,
            height=3000,
            match=MatchKind.KEEPER,
            score=1.0,
            taken="2024:05:01 10:00:00",
        )
        for i in range(n)
    ]


def clique(n: int, seed: int = 0) -> tuple[float, int, int, int]:
    """Seconds, verifications, groups and the largest group of a clique of n."""
    rng = random.Random(seed)
    files = members(n, rng)
    asked = 0

    def verify(pairs: Sequence[tuple[int, int]]) -> list[Match | None]:
        nonlocal asked
        asked += len(pairs)
        return [_MATCH] * len(pairs)

    order = list(range(n))
    rng.shuffle(order)
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(n)

    arrived = 0

    def neighbours(p: int) -> Ids:
        mates = np.array(order[:arrived], dtype=np.int64)
        return mates[mates != p]

    grouper = Grouper(keeper_rank, lambda p: [files[p]], verify, neighbours)
    started = time.perf_counter()
    for b, start in enumerate(range(0, n, BATCH)):
        new = np.array(order[start : start + BATCH], dtype=np.int64)
        arrived = start + len(new)
        seen = np.array(order[:arrived], dtype=np.int64)
        # Every pair of a new picture with one seen before or with another new one, once.
        first = np.repeat(new, len(seen))
        second = np.tile(seen, len(new))
        keep = (position[second] < position[first]) & (first != second)
        grouper.add_candidates(new.tolist(), first[keep], second[keep])
        if b % FLUSH_EVERY == 0:
            grouper.flush()
    grouper.flush()
    elapsed = time.perf_counter() - started
    groups = grouper.groups()
    return elapsed, asked, len(groups), max(len(g.members) for g in groups)


def burst_prints(n: int, seed: int = 0) -> list[Fingerprint]:
    rng = np.random.default_rng(seed)
    base = images.photo(71, 640, 480).astype(np.float32)
    out = []
    for i in range(n):
        frame = np.clip(base + rng.normal(0, 4, base.shape), 0, 255).astype(np.uint8)
        data = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 85])[1].tobytes()
        out.append(fingerprint_bytes(f"/burst/IMG_{i:05d}.jpg", data, want_content_hash=False))
    return out


def pipeline(prints: list[Fingerprint], seed: int = 0) -> dict[str, float]:
    rng = random.Random(seed)
    files = members(len(prints), rng)
    matcher = Matcher(Sensitivity.NORMAL, find_rotated=True)
    asked = 0

    def verify(pairs: Sequence[tuple[int, int]]) -> list[Match | None]:
        nonlocal asked
        asked += len(pairs)
        return matcher.verify(pairs)

    grouper = Grouper(keeper_rank, lambda p: [files[p]], verify, matcher.neighbours)
    order = list(range(len(prints)))
    rng.shuffle(order)
    search = group = 0.0
    candidates = 0
    for b, start in enumerate(range(0, len(order), BATCH)):
        new = order[start : start + BATCH]
        t0 = time.perf_counter()
        found = matcher.add(new, [prints[i].path for i in new], [prints[i] for i in new])
        t1 = time.perf_counter()
        grouper.add_candidates(new, found.first, found.second)
        if b % FLUSH_EVERY == 0:
            grouper.flush()
        t2 = time.perf_counter()
        search += t1 - t0
        group += t2 - t1
        candidates += len(found)
    t0 = time.perf_counter()
    grouper.flush()
    group += time.perf_counter() - t0
    sizes = sorted((len(g.members) for g in grouper.groups()), reverse=True)
    return {
        "search": search,
        "group": group,
        "candidates": candidates,
        "asked": asked,
        "largest": sizes[0] if sizes else 0,
        "groups": len(sizes),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 2000, 4000, 8000])
    parser.add_argument("--burst", type=int, nargs="*", default=[500, 1000, 2000])
    args = parser.parse_args()

    print("1. grouper alone, a clique of n (all pairs candidates and matches), random order")
    print(
        f"{'n':>6} {'pairs':>11} {'seconds':>8} {'us/picture':>11} {'ns/pair':>8}"
        f" {'verified/picture':>17} {'groups':>6} {'largest':>8}"
    )
    for n in args.sizes:
        s, asked, groups, largest = clique(n)
        pairs = n * (n - 1) // 2
        print(
            f"{n:6d} {pairs:11d} {s:8.2f} {s / n * 1e6:11.0f} {s / pairs * 1e9:8.0f}"
            f" {asked / n:17.2f} {groups:6d} {largest:8d}"
        )

    print("\n2. matcher + grouper on a burst of n noisy frames of one photo (real fingerprints)")
    print(
        f"{'n':>6} {'candidates':>11} {'search s':>9} {'group s':>8} {'us/picture':>11}"
        f" {'verified/picture':>17} {'groups':>6} {'largest':>8}"
    )
    for n in args.burst:
        prints = burst_prints(n)
        r = pipeline(prints)
        print(
            f"{n:6d} {int(r['candidates']):11d} {r['search']:9.2f} {r['group']:8.2f}"
            f" {r['group'] / n * 1e6:11.0f} {r['asked'] / n:17.2f} {int(r['groups']):6d}"
            f" {int(r['largest']):8d}"
        )


if __name__ == "__main__":
    main()
