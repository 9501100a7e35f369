"""The built-in self-test: a tiny real scan of generated photos that proves an install works.

``lookalike --self-test`` runs it. It needs no display and no files of the user's: it draws a few
photo-like pictures and their copies in a temporary folder, scans them through the engine's
process pool (the part a frozen bundle most often breaks), and succeeds only if exactly the
expected groups come back.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import TextIO

import cv2
import numpy as np

from lookalike.core.events import Finished, GroupFound, GroupRemoved, GroupUpdated
from lookalike.core.model import Group, ScanMode, ScanOptions, ScanSummary

_WIDTH_PX = 640
_HEIGHT_PX = 480
# Two workers: enough to prove the pool starts, hands out work and collects results.
_WORKERS = 2


def _photo(seed: int) -> np.ndarray:
    """A deterministic photo-like BGR picture: smooth colour fields, shapes, edges and grain.

    Flat synthetic images hash unlike photos, so the content is textured on several scales.
    """
    rng = np.random.default_rng(seed)
    channels = []
    for _ in range(3):
        field = np.zeros((_HEIGHT_PX, _WIDTH_PX), np.float32)
        for cells, weight in ((3, 1.0), (6, 0.55), (12, 0.3), (24, 0.17)):
            grid = rng.random((cells, cells)).astype(np.float32)
            field += weight * cv2.resize(
                grid, (_WIDTH_PX, _HEIGHT_PX), interpolation=cv2.INTER_CUBIC
            )
        field -= field.min()
        channels.append(field / max(float(field.max()), 1e-6))
    img = (np.stack(channels, axis=-1) * 255).astype(np.uint8)
    for _ in range(10):
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        centre = (int(rng.integers(0, _WIDTH_PX)), int(rng.integers(0, _HEIGHT_PX)))
        axes = (int(rng.integers(15, 120)), int(rng.integers(15, 120)))
        angle = float(rng.uniform(0, 180))
        cv2.ellipse(img, centre, axes, angle, 0, 360, colour, -1, cv2.LINE_AA)
    for _ in range(5):
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        start = (int(rng.integers(0, _WIDTH_PX)), int(rng.integers(0, _HEIGHT_PX)))
        end = (int(rng.integers(0, _WIDTH_PX)), int(rng.integers(0, _HEIGHT_PX)))
        cv2.line(img, start, end, colour, 4, cv2.LINE_AA)
    grain = rng.normal(0.0, 4.0, size=(_HEIGHT_PX, _WIDTH_PX, 3)).astype(np.float32)
    blurred = np.asarray(cv2.GaussianBlur(img, (0, 0), 0.8), dtype=np.float32)
    result: np.ndarray = np.clip(blurred + grain, 0, 255).astype(np.uint8)
    return result


def _write(path: Path, img: np.ndarray, params: list[int] | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not cv2.imwrite(str(path), img, params or []):
        raise OSError(f"could not write {path}")


def _half(img: np.ndarray) -> np.ndarray:
    h, w = img.shape[:2]
    return cv2.resize(img, (w // 2, h // 2), interpolation=cv2.INTER_AREA)


def make_photos(folder: Path) -> list[frozenset[str]]:
    """Write the test pictures into ``folder``; return the groups a correct scan must find."""
    jpeg = cv2.IMWRITE_JPEG_QUALITY
    first = _photo(1)
    _write(folder / "holiday.jpg", first, [jpeg, 92])
    (folder / "backup").mkdir()
    shutil.copyfile(folder / "holiday.jpg", folder / "backup" / "holiday.jpg")  # byte copy
    _write(folder / "holiday-small.jpg", _half(first), [jpeg, 70])  # resized + re-encoded
    _write(folder / "exports" / "holiday.png", first)  # format conversion
    second = _photo(2)
    _write(folder / "garden.jpg", second, [jpeg, 90])
    _write(folder / "phone" / "garden.jpg", second, [jpeg, 55])  # recompressed
    _write(folder / "unrelated.jpg", _photo(3), [jpeg, 90])  # must stay out of every group
    return [
        frozenset(
            {
                "holiday.jpg",
                "backup/holiday.jpg",
                "holiday-small.jpg",
                "exports/holiday.png",
            }
        ),
        frozenset({"garden.jpg", "phone/garden.jpg"}),
    ]


def _collect(options: ScanOptions) -> tuple[dict[int, Group], ScanSummary | None]:
    # Imported here so ``lookalike --version`` and friends do not pay for the engine's imports.
    from lookalike.core.scan import run_scan

    groups: dict[int, Group] = {}
    summary: ScanSummary | None = None
    for event in run_scan(options):
        if isinstance(event, GroupFound | GroupUpdated):
            groups[event.group.id] = event.group
        elif isinstance(event, GroupRemoved):
            groups.pop(event.group_id, None)
        elif isinstance(event, Finished):
            summary = event.summary
    return groups, summary


def run_self_test(out: TextIO | None = None) -> int:
    """Scan generated photos through the process pool; 0 if exactly the right groups are found.

    Args:
        out: where the short report goes; standard output by default.

    Returns:
        0 on success, 1 if the scan found the wrong groups or failed.
    """
    stream = out if out is not None else sys.stdout

    def say(line: str) -> None:
        # A windowed Windows build has no standard output unless a console was attached.
        if stream is not None:
            stream.write(line + "\n")
            stream.flush()

    from lookalike import __version__
    from lookalike.dependencies import COMPONENTS, installed_version

    say(f"Lookalike {__version__} self-test")
    versions = {c.distribution: installed_version(c.distribution) for c in COMPONENTS}
    say("  with " + ", ".join(f"{name} {version or '?'}" for name, version in versions.items()))
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="lookalike-selftest-") as tmp:
        folder = Path(tmp)
        expected = make_photos(folder)
        made = sum(1 for p in folder.rglob("*") if p.is_file())
        say(f"  made {made} pictures in {folder}")
        options = ScanOptions(
            roots=(str(folder),), mode=ScanMode.SIMILAR, workers=_WORKERS, cache_path=None
        )
        try:
            groups, summary = _collect(options)
        except Exception as exc:  # noqa: BLE001 - any failure of the scan is a failed self-test
            say(f"FAIL: the scan raised {type(exc).__name__}: {exc}")
            return 1
        found = [
            frozenset(Path(m.path).relative_to(folder).as_posix() for m in group.members)
            for group in groups.values()
        ]
        for group in groups.values():
            names = ", ".join(
                f"{Path(m.path).relative_to(folder).as_posix()} ({m.match.value})"
                for m in group.members
            )
            say(f"  group {group.id}: {names}")

    elapsed_s = time.perf_counter() - started
    # Without the packages' metadata (a bundle built without it) Help → About shows no versions.
    problems = [
        f"no package metadata for {name} (Help → About cannot show its version)"
        for name, version in versions.items()
        if version is None
    ]
    if summary is None:
        problems.append("the scan ended without a summary")
    else:
        if summary.files != made:
            problems.append(f"the scan saw {summary.files} of the {made} pictures")
        if summary.skipped:
            problems.append(f"{summary.skipped} file(s) skipped: {summary.skipped_by_reason}")
    missing = [sorted(g) for g in expected if g not in found]
    unexpected = [sorted(g) for g in found if g not in expected]
    if missing:
        problems.append(f"expected but not found: {missing}")
    if unexpected:
        problems.append(f"found but not expected: {unexpected}")
    if len(found) != len(set(found)):
        problems.append("a group was reported twice")
    if problems:
        for problem in problems:
            say(f"FAIL: {problem}")
        return 1
    say(f"OK: {len(found)} groups found as expected, {_WORKERS} workers, {elapsed_s:.1f} s")
    return 0
