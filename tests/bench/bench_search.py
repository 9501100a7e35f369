"""Benchmark of the candidate search at the default settings on realistic hashes (issue 14):
whole pictures in all 8 orientations and the region hashes (crops, trims, straightened copies),
exactly as the scan runs them (`matcher.candidate_sources` at normal sensitivity), batch and
streaming.

Realistic hashes: the fingerprints of many small crops of the real photographs of `lookalike
accuracy --fetch` (4-40 % of a side, random position, shrunk to 96×72), so they cluster the
way real pHashes do (sky, walls, foliage, shared scenes); 5 % of the crops are copies of an
earlier one (re-encoded at quality 75, or turned by a quarter, or trimmed by 8 %), so true
pairs exist in every orientation. Made once per size and kept in /tmp as .npy (29 uint64s per
picture: 8 orientations, the inner region, 20 regions).

Each measurement runs in a fresh process, so its peak RSS is its own; the fingerprints it
feeds (~0.3 KB each) are counted apart, as `prints_mb`.

    .venv/bin/python tests/bench/bench_search.py --n 100000 1000000
    .venv/bin/python tests/bench/bench_search.py --n 100000 --mode stream --batch 256
    .venv/bin/python tests/bench/bench_search.py --n 1000000 --sample 0.002

With `--sample s` the indexes are built on all n pictures as the sources build them (the whole
pictures' canonical hashes and the inner hashes, at the default radii), but only a random share
s of the pictures send their queries (8 orientations to the whole index, the regions to the same
index, the inner hash to the inner index); each source's seconds are then projected to all n
(`projected_s`, seconds / s). A full search at a million pictures is hours on this machine, and
the query cost of a picture does not depend on which pictures were sampled, only on the index.
In streaming mode every batch is added (the index maintenance is measured in full) and a share s
of the batches is queried; the region search runs once all are in, as in the scan.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import cv2
import numpy as np

from lookalike.core.matching.candidates import Proposals
from lookalike.core.matching.fingerprint import ALGORITHM_VERSION, Fingerprint, whole_and_inner
from lookalike.core.matching.index import HashIndex
from lookalike.core.matching.matcher import candidate_sources
from lookalike.core.matching.policy import thresholds
from lookalike.core.matching.regions import REGION_COUNT, region_hashes
from lookalike.core.model import Sensitivity

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.bench.photo_sets import source_paths

CACHE = Path(tempfile.gettempdir()) / "lookalike-speed"
COPY_EVERY = 20
_grays: list[np.ndarray] = []


def _load(paths: list[str]) -> None:
    cv2.setNumThreads(1)
    for p in paths:
        g = cv2.imread(p, cv2.IMREAD_GRAYSCALE)
        if g is not None and min(g.shape) >= 200:
            scale = 1200 / max(g.shape)
            if scale < 1:
                g = cv2.resize(g, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
            _grays.append(g)


def _fingerprint_hashes(gray: np.ndarray) -> tuple[bytes, bool]:
    hashes, signature = whole_and_inner(gray)
    return hashes + region_hashes(gray), bool(signature)


def _crop(rng: random.Random) -> np.ndarray:
    g = rng.choice(_grays)
    h, w = g.shape
    cw = int(min(w, h * 4 / 3) * rng.uniform(0.04, 0.4))
    ch = max(int(cw * 3 / 4), 6)
    cw = max(cw, 8)
    x, y = rng.randint(0, w - cw), rng.randint(0, h - ch)
    return cv2.resize(g[y : y + ch, x : x + cw], (96, 72), interpolation=cv2.INTER_AREA)


def _copy(rng: random.Random, img: np.ndarray) -> np.ndarray:
    kind = rng.randrange(3)
    if kind == 0:
        ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 75])
        return cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE) if ok else img
    if kind == 1:
        return np.ascontiguousarray(np.rot90(img, rng.choice((1, 2, 3))))
    return img[3:-3, 4:-4]


def _make_range(args: tuple[int, int]) -> tuple[bytes, bytes]:
    start, stop = args
    out, flat = bytearray(), bytearray()
    recent: list[np.ndarray] = []
    for i in range(start, stop):
        rng = random.Random(i)
        if i % COPY_EVERY == COPY_EVERY - 1 and recent:
            img = _copy(rng, rng.choice(recent))
        else:
            img = _crop(rng)
            recent = [*recent[-50:], img]
        hashes, usable = _fingerprint_hashes(img)
        out += hashes
        flat.append(usable)
    return bytes(out), bytes(flat)


def realistic(n: int) -> tuple[np.ndarray, np.ndarray]:
    """(n, 29) uint64 hashes of n crops of real photos, and which have a usable signature."""
    # Named by the fingerprint version: a new region family makes other hashes.
    path = CACHE / f"hashes-{n}-v{ALGORITHM_VERSION}.npy"
    usable_path = CACHE / f"hashes-{n}-v{ALGORITHM_VERSION}-usable.npy"
    if path.exists() and usable_path.exists():
        return np.load(path), np.load(usable_path)
    CACHE.mkdir(parents=True, exist_ok=True)
    paths = [str(p) for p in source_paths()]
    step = 5000
    jobs = [(s, min(s + step, n)) for s in range(0, n, step)]
    parts, flags = [], []
    started = time.monotonic()
    with ProcessPoolExecutor(os.cpu_count(), initializer=_load, initargs=(paths,)) as pool:
        for hashes, usable in pool.map(_make_range, jobs):
            parts.append(hashes)
            flags.append(usable)
    h = np.frombuffer(b"".join(parts), dtype="<u8").reshape(n, -1).astype(np.uint64)
    u = np.frombuffer(b"".join(flags), dtype=np.uint8).astype(bool)
    np.save(path, h)
    np.save(usable_path, u)
    print(f"made {n} realistic fingerprints in {time.monotonic() - started:.0f} s", flush=True)
    return h, u


def _keys(p: Proposals, n: int) -> np.ndarray:
    """One number per unordered pair."""
    key: np.ndarray = np.minimum(p.first, p.second) * n + np.maximum(p.first, p.second)
    return key


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def run(n: int, mode: str, batch: int) -> dict[str, object]:
    h, usable = realistic(n)
    h = h[usable]
    base = _rss_mb()
    prints = [
        Fingerprint("", 96, 72, "JPEG", "", "", False, row.astype("<u8").tobytes(), b"x")
        for row in h
    ]
    prints_mb = _rss_mb() - base
    sources = candidate_sources(thresholds(Sensitivity.NORMAL), find_rotated=True)
    found: dict[str, list[np.ndarray]] = {s.name: [] for s in sources}
    seconds = {s.name: 0.0 for s in sources}
    start, cpu_start = time.perf_counter(), time.process_time()
    step = len(prints) if mode == "batch" else batch
    worst = 0.0
    for lo in range(0, len(prints), step):
        ids = np.arange(lo, min(lo + step, len(prints)), dtype=np.int64)
        t_batch = time.perf_counter()
        for s in sources:
            t0 = time.perf_counter()
            found[s.name].append(_keys(s.add(ids, prints[lo : lo + step]), len(prints)))
            seconds[s.name] += time.perf_counter() - t0
        worst = max(worst, time.perf_counter() - t_batch)
    for s in sources:
        t0 = time.perf_counter()
        found[s.name] += [_keys(late, len(prints)) for late in s.finish()]
        seconds[s.name] += time.perf_counter() - t0
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    pairs = {name: int(np.unique(np.concatenate(parts)).shape[0]) for name, parts in found.items()}
    every = np.unique(np.concatenate([np.concatenate(parts) for parts in found.values()]))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "n": len(prints),
        "mode": mode,
        "batch": step,
        "time_s": round(elapsed, 1),
        "cpu_s": round(cpu, 1),
        "seconds_by_source": {k: round(v, 1) for k, v in seconds.items()},
        "pairs_by_source": pairs,
        "pairs": int(every.shape[0]),
        "worst_batch_s": round(worst, 2),
        "peak_rss_mb": round(peak),
        "prints_mb": round(prints_mb),
        "search_mb": round(peak - base - prints_mb),
        "load": round(os.getloadavg()[0], 1),
    }


def run_sampled(n: int, mode: str, batch: int, share: float) -> dict[str, object]:
    """The default sources' index work on n pictures, a share of them querying (see above)."""
    h, usable = realistic(n)
    h = h[usable]
    count = h.shape[0]
    if h.shape[1] != 9 + REGION_COUNT:
        raise SystemExit(f"{h.shape[1]} hashes a picture, the fingerprint has {9 + REGION_COUNT}")
    t = thresholds(Sensitivity.NORMAL)
    variants, inner, regions = h[:, :8], h[:, 8], h[:, 9:]
    whole_index, inner_index = HashIndex(t.max_hash_distance), HashIndex(t.max_hash_distance)
    if t.region_hash_distance != t.max_hash_distance:
        raise SystemExit("the region search would index the whole pictures again at its radius")
    base = _rss_mb()
    seconds = {"add": 0.0, "whole": 0.0, "inner": 0.0, "region": 0.0}
    cpu = dict.fromkeys(seconds, 0.0)  # CPU seconds: the machine is shared
    hits = dict.fromkeys(("whole", "inner", "region"), 0)
    rng = np.random.default_rng(0)

    def query(name: str, index: HashIndex, q: np.ndarray, ids: np.ndarray, per: int) -> None:
        t0, c0 = time.perf_counter(), time.process_time()
        found = index.query(q.reshape(-1), np.repeat(ids, per))
        seconds[name] += time.perf_counter() - t0
        cpu[name] += time.process_time() - c0
        hits[name] += len(found)

    step = count if mode == "batch" else batch
    queried = 0
    for lo in range(0, count, step):
        ids = np.arange(lo, min(lo + step, count), dtype=np.int64)
        t0, c0 = time.perf_counter(), time.process_time()
        whole_index.add(variants[ids, 0])
        inner_index.add(inner[ids])
        seconds["add"] += time.perf_counter() - t0
        cpu["add"] += time.process_time() - c0
        if mode == "batch":
            ids = np.sort(rng.choice(count, max(1, round(share * count)), replace=False))
        elif rng.random() >= share:
            continue
        queried += ids.shape[0]
        for part in np.array_split(ids, max(1, ids.shape[0] // 4096)):
            query("whole", whole_index, variants[part], part, 8)
            query("inner", inner_index, inner[part], part, 1)
    # The region search runs once all pictures are in, in either mode, on the whole pictures'
    # index made one segment (`RegionCandidates.finish`).
    t0, c0 = time.perf_counter(), time.process_time()
    whole_index.compact()
    seconds["add"] += time.perf_counter() - t0
    cpu["add"] += time.process_time() - c0
    sampled = np.sort(rng.choice(count, max(1, round(share * count)), replace=False))
    for part in np.array_split(sampled, max(1, sampled.shape[0] // (65536 // REGION_COUNT))):
        query("region", whole_index, regions[part], part, REGION_COUNT)
    share_of = {"whole": queried, "inner": queried, "region": int(sampled.shape[0])}
    per_image = {k: seconds[k] / share_of[k] for k in share_of}
    cpu_per_image = {k: cpu[k] / share_of[k] for k in share_of}
    projected = seconds["add"] + count * sum(per_image.values())
    projected_cpu = cpu["add"] + count * sum(cpu_per_image.values())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "n": count,
        "mode": mode,
        "batch": step,
        "queried": {"whole+inner": queried, "region": int(sampled.shape[0])},
        "add_s": round(seconds["add"], 1),
        "add_cpu_s": round(cpu["add"], 1),
        "us_per_image": {k: round(v * 1e6) for k, v in per_image.items()},
        "cpu_us_per_image": {k: round(v * 1e6) for k, v in cpu_per_image.items()},
        "hits_per_image": {
            "whole": round(hits["whole"] / queried, 1),
            "inner": round(hits["inner"] / queried, 1),
            "region": round(hits["region"] / sampled.shape[0], 1),
        },
        "projected_s": round(projected),
        "projected_cpu_s": round(projected_cpu),
        "projected_cpu_us_per_image": round(projected_cpu / count * 1e6),
        "index_mb": round(peak - base),
        "load": round(os.getloadavg()[0], 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, nargs="+", default=[100_000])
    parser.add_argument("--mode", choices=("batch", "stream", "both"), default="both")
    parser.add_argument("--batch", type=int, default=256, help="streaming batch (images)")
    parser.add_argument("--make", action="store_true", help="only make the hashes")
    parser.add_argument("--sample", type=float, help="share of pictures that query (projected)")
    parser.add_argument("--one", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        n, mode, batch = int(args.one[0]), args.one[1], int(args.one[2])
        share = float(args.one[3])
        print(json.dumps(run(n, mode, batch) if share >= 1 else run_sampled(n, mode, batch, share)))
        return 0
    modes = ("batch", "stream") if args.mode == "both" else (args.mode,)
    for n in args.n:
        realistic(n)
        if args.make:
            continue
        for mode in modes:
            share = str(1.0 if args.sample is None else args.sample)
            cmd = [sys.executable, __file__, "--one", str(n), mode, str(args.batch), share]
            done = subprocess.run(cmd, capture_output=True, text=True, check=False)
            lines = done.stdout.strip().splitlines()
            print(lines[-1] if lines else done.stderr.strip()[-500:], flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
