"""A background scan (the window getting other sensitivity levels ready while the user reviews)
runs its worker processes at the lowest CPU priority; a scan the user waits for does not."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest

from lookalike.core.model import ScanOptions, ScanResult, Sensitivity
from lookalike.core.pool import BACKGROUND_NICENESS
from lookalike.core.scan import collect_result, run_scan
from tests.core.test_regroup import library

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def pool_worker_niceness() -> dict[int, int]:
    """The niceness of every grandchild of this process, by pid: the pools' workers, which the
    forkserver (a child, like resource_tracker) starts."""
    parents: dict[int, tuple[int, int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rpartition(")")[2].split()
        except OSError:
            continue  # ended meanwhile
        parents[int(entry)] = (int(fields[1]), int(fields[16]))  # ppid, nice
    children = {pid for pid, (ppid, _) in parents.items() if ppid == os.getpid()}
    return {pid: nice for pid, (ppid, nice) in parents.items() if ppid in children}


def scan_watching_workers(options: ScanOptions) -> tuple[ScanResult, dict[int, int]]:
    """Run the scan in a thread and note each pool worker's niceness while it runs."""
    seen: dict[int, int] = {}
    result: list[ScanResult] = []
    thread = threading.Thread(
        target=lambda: result.append(collect_result(options, run_scan(options)))
    )
    thread.start()
    while thread.is_alive():
        seen.update(pool_worker_niceness())
        thread.join(0.005)
    return result[0], seen


@pytest.mark.parametrize("background", [True, False])
def test_only_a_background_scan_runs_its_workers_at_the_lowest_priority(
    tmp_path: Path, background: bool
) -> None:
    root = tmp_path / "photos"
    library(root)
    options = ScanOptions(
        roots=(str(root),), sensitivity=Sensitivity.NORMAL, workers=2, background=background
    )
    result, seen = scan_watching_workers(options)
    assert result.summary.groups == 6  # fingerprinted and verified: both pools worked
    assert len(seen) >= 2
    ours = os.nice(0)
    expected = min(ours + BACKGROUND_NICENESS, 19) if background else ours
    assert set(seen.values()) == {expected}
