"""Verifier benchmark (issue 10): what proving one candidate pair costs, stage by stage.

For camera-sized JPEGs (12 MP and 2 MP, generated once under /tmp like bench_scan.py's, each with
a half-size re-save and a 17° turned crop as its candidates, plus a different photo as a
rejected candidate) it prints, in ms, median over the pairs:

- the reduced colour decode of one file (``decode_view``: the largest DCT scaling that keeps
  the long side at the view size), and the fingerprint stage's own reduced decode for scale;
- SIFT features of one view; matching + RANSAC + pixel check of a pair with features known;
- one whole pair as a scan pays it (``verify_files``: read, decode both, features, verdict);
- the verdicts (accepted or not at the default sensitivity).

The fingerprint stage pays nothing per file for verification (no features, no extra bytes: the
parent keeps a path, size and date per queued pair only), so the cost of verification is
(pairs the grouping asks about) x (cost per pair); the scan benchmark (bench_scan.py) measures
what that does to a whole scan.

With ``--library`` (a library built by `lookalike accuracy`) it prints instead the CPU time of
one pair as the scan pays it, by kind of pair: each kind of copy against its camera original
and each kind of look-alike (tiles, shifted views, shots and frames of one scene, different
photos), as a multiple of the fingerprint stage's reduced decode of the same files. CPU time,
not wall time: the machine is shared, and a ratio in one run is what compares two versions.

    .venv/bin/python tests/bench/bench_verify.py
    .venv/bin/python tests/bench/bench_verify.py --photos 8 --mp 12 2
    .venv/bin/python tests/bench/bench_verify.py --library ~/.cache/lookalike/eval/full/library-*
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from lookalike.bench.photos import photo
from lookalike.core.matching import verify as v
from lookalike.core.model import Sensitivity

ROOT = Path(tempfile.gettempdir()) / "lookalike-bench-verify"


def _camera_like(seed: int, mp: float) -> np.ndarray:
    width = round((mp * 1e6 * 4 / 3) ** 0.5 / 16) * 16
    height = width * 3 // 4
    base = photo(20_000 + seed, width // 4, height // 4)
    img = cv2.resize(base, (width, height), interpolation=cv2.INTER_CUBIC)
    grain = np.empty((height, width), np.float32)
    cv2.setRNGSeed(seed)
    cv2.randn(grain, 0.0, 5.0)
    out: np.ndarray = cv2.add(img, cv2.cvtColor(grain, cv2.COLOR_GRAY2BGR), dtype=cv2.CV_8U)
    return out


def _turned(img: np.ndarray, degrees: float) -> np.ndarray:
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    out = cv2.warpAffine(img, m, (w, h))
    a = np.radians(degrees)
    k = min(w / (w * np.cos(a) + h * np.sin(a)), h / (w * np.sin(a) + h * np.cos(a)))
    cw, ch = int(w * k), int(h * k)
    cropped: np.ndarray = out[(h - ch) // 2 : (h + ch) // 2, (w - cw) // 2 : (w + cw) // 2]
    return cropped


def _write(path: Path, img: np.ndarray) -> Path:
    if not path.exists():
        ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 90])
        assert ok
        path.write_bytes(buf.tobytes())
    return path


def photo_set(count: int, mp: float) -> list[tuple[Path, dict[str, Path]]]:
    """Originals with their candidates: a half-size copy, a turned crop, another photo."""
    folder = ROOT / f"{mp:g}mp"
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(count):
        original = folder / f"p{i}.jpg"
        if not original.exists():
            img = _camera_like(i, mp)
            _write(original, img)
            half = cv2.resize(img, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
            _write(folder / f"p{i}-half.jpg", half)
            _write(folder / f"p{i}-turned.jpg", _turned(img, 17))
        candidates = {
            "half size": folder / f"p{i}-half.jpg",
            "turned 17°": folder / f"p{i}-turned.jpg",
            "another photo": folder / f"p{(i + 1) % count}.jpg",
        }
        out.append((original, candidates))
    return out


def _ms(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best * 1000, result


def _ref(path: Path) -> v.FileRef:
    st = path.stat()
    return v.FileRef(str(path), st.st_size, st.st_mtime_ns)


def bench(count: int, mp: float) -> None:
    print(f"\n{mp:g} MP JPEGs, {count} originals, 3 candidates each", flush=True)
    cv2.setNumThreads(1)  # as in the scan's workers
    fingerprint_decode, view_decode, features, fit_and_check, pair = [], [], [], [], []
    verdicts: dict[str, list[bool]] = {}
    for original, candidates in photo_set(count, mp):
        data = original.read_bytes()
        buf = np.frombuffer(data, np.uint8)
        ms, _ = _ms(lambda: cv2.imdecode(buf, cv2.IMREAD_REDUCED_GRAYSCALE_8), 2)  # noqa: B023
        fingerprint_decode.append(ms)
        ms, a = _ms(lambda: v.decode_view(data), 2)  # noqa: B023
        view_decode.append(ms)
        assert a is not None
        ms, _ = _ms(lambda: a.features(False))  # noqa: B023  (the first call computes them)
        features.append(ms)
        for kind, path in candidates.items():
            b = v.decode_view(path.read_bytes())
            assert b is not None
            b.features(False)
            b.features(True)
            a.features(True)
            ms, verdict = _ms(lambda: v.verify(a, b), 2)  # noqa: B023
            fit_and_check.append(ms)
            v._views.clear()  # a scan's worker meets most pairs with neither view decoded
            ms, _ = _ms(lambda: v.verify_files([(_ref(original), _ref(path))]))  # noqa: B023
            pair.append(ms)
            verdicts.setdefault(kind, []).append(v.accepts(verdict, Sensitivity.NORMAL) is not None)

    def line(label: str, values: list[float]) -> None:
        print(f"  {label:<58} {statistics.median(values):8.1f} ms")

    line("fingerprint stage's decode of a file (REDUCED_GRAYSCALE_8)", fingerprint_decode)
    line("verifier's decode of a file (decode_view, reduced colour)", view_decode)
    line("SIFT features of one view", features)
    line("match + RANSAC + pixel check of a pair (features known)", fit_and_check)
    line("one candidate pair as the scan pays it (verify_files)", pair)
    ratio = statistics.median(pair) / statistics.median(fingerprint_decode)
    print(f"  one pair costs {ratio:.1f}× a file's fingerprint decode")
    for kind, accepted in verdicts.items():
        print(f"  accepted at normal: {kind:<14} {sum(accepted)}/{len(accepted)}")


def _library_pairs(root: Path, per_kind: int) -> dict[str, list[tuple[Path, Path]]]:
    """Pairs of each kind from a labelled library, a few of each (a fixed random choice)."""
    items = json.loads((root / "labels.json").read_text(encoding="utf-8"))["items"]
    originals = {i["picture"]: i for i in items if i["kind"] == "original"}
    kinds: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = {}
    for i in items:
        first = originals[i["picture"]]
        if i["kind"] not in ("original", "byte copy") and first["part"] == "whole":
            kinds.setdefault(i["kind"], []).append((first, i))
    for a, b in itertools.combinations(list(originals.values()), 2):
        if a["source"] == b["source"] and a["part"] == b["part"] in ("tile", "view"):
            kinds.setdefault(f"look-alike: {a['part']}s of one photo", []).append((a, b))
        elif a["scene"] and a["scene"] == b["scene"]:
            kinds.setdefault("look-alike: shots of one scene", []).append((a, b))
        elif a["part"] == b["part"] == "whole":
            kinds.setdefault("look-alike: different photos", []).append((a, b))
    rng = random.Random(1)
    return {
        kind: [
            (root / a["path"], root / b["path"]) for a, b in rng.sample(p, min(per_kind, len(p)))
        ]
        for kind, p in kinds.items()
    }


def bench_library(root: Path, per_kind: int) -> None:
    cv2.setNumThreads(1)  # as in the scan's workers
    pairs = _library_pairs(root, per_kind)
    decodes: list[float] = []
    costs: dict[str, list[float]] = {}
    for kind, chosen in pairs.items():
        for a, b in chosen:
            for path in (a, b):
                buf = np.frombuffer(path.read_bytes(), np.uint8)
                began = time.process_time()
                cv2.imdecode(buf, cv2.IMREAD_REDUCED_GRAYSCALE_4)
                decodes.append(time.process_time() - began)
            v._views.clear()  # a scan's worker meets most pairs with neither view decoded
            began = time.process_time()
            v.verify_files([(_ref(a), _ref(b))])
            costs.setdefault(kind, []).append(time.process_time() - began)
    decode = statistics.mean(decodes)
    print(f"\n{root}: {per_kind} pairs of each kind, CPU ms (mean)")
    print(f"  fingerprint stage's decode of a file (REDUCED_GRAYSCALE_4) {decode * 1000:8.1f} ms")
    for kind, spent in costs.items():
        mean = statistics.mean(spent)
        print(f"  {kind:<34} {mean * 1000:8.1f} ms a pair = {mean / decode:5.1f}× a decode")
    overall = statistics.mean(statistics.mean(spent) for spent in costs.values())
    print(
        f"  {'mean over the kinds':<34} {overall * 1000:8.1f} ms a pair = {overall / decode:5.1f}×"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, default=6)
    parser.add_argument("--mp", type=float, nargs="+", default=[12.0, 2.0])
    parser.add_argument("--library", type=Path, help="a library built by `lookalike accuracy`")
    parser.add_argument("--pairs", type=int, default=5, help="pairs of each kind (--library)")
    args = parser.parse_args()
    if args.library:
        bench_library(args.library, args.pairs)
        return
    for mp in args.mp:
        bench(args.photos, mp)


if __name__ == "__main__":
    main()
