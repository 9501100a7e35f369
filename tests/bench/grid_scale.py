"""How the results grid copes with 10,000 groups: inserting them in scan-sized batches, laying
them out, painting a screenful, jumping to the end and stepping with the keyboard.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.bench.grid_scale [groups]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from lookalike.core.model import Group, MatchKind, Member
from tests import images

BATCH = 100  # the scan worker coalesces ~100 ms of groups per batch


def make_groups(root: Path, count: int) -> list[Group]:
    # A few real files shared by every group: the cost measured is the grid's, not decoding.
    files = [images.save(root / f"p{n}.jpg", images.photo(n, 640, 480)) for n in range(12)]
    groups = []
    for gid in range(count):
        size = 2 + gid % 4
        members = tuple(
            Member(
                path=str(files[(gid + k) % len(files)]) if k else str(files[gid % len(files)]),
                size=100_000 + gid * 7 + k,
                mtime_ns=1_600_000_000_000_000_000 + gid,
                width=640,
                height=480,
                match=MatchKind.KEEPER if k == 0 else MatchKind.SIMILAR,
                score=1.0 if k == 0 else 0.9,
            )
            for k in range(size)
        )
        groups.append(Group(id=gid, members=members))
    return groups


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    app = QApplication.instance() or QApplication([])
    from lookalike.gui.results_model import SortKey
    from lookalike.gui.results_view import ResultsView

    with tempfile.TemporaryDirectory() as tmp:
        groups = make_groups(Path(tmp), count)
        view = ResultsView()
        view.resize(1400, 900)
        view.show()
        app.processEvents()

        t0 = time.perf_counter()
        worst = 0.0
        for start in range(0, count, BATCH):
            t = time.perf_counter()
            view.model.add_groups(groups[start : start + BATCH])
            app.processEvents()  # the view lays out and paints between batches, as in a scan
            worst = max(worst, time.perf_counter() - t)
        t_insert = time.perf_counter() - t0
        print(
            f"insert {count} groups in batches of {BATCH}: {t_insert:.2f} s total, "
            f"worst batch incl. events {worst * 1000:.0f} ms"
        )

        t = time.perf_counter()
        view.grid.set_all_collapsed(False)  # one full layout pass, as after any model change
        t_layout = time.perf_counter() - t
        print(f"full layout of {count} strips: {t_layout * 1000:.0f} ms")

        t = time.perf_counter()
        view.grid.grab()
        print(f"paint one screenful: {(time.perf_counter() - t) * 1000:.0f} ms")

        t = time.perf_counter()
        QTest.keyClick(view.grid, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
        view.grid.grab()
        print(f"jump to the last group and paint: {(time.perf_counter() - t) * 1000:.0f} ms")

        t = time.perf_counter()
        steps = 200
        for _ in range(steps):
            QTest.keyClick(view.grid, Qt.Key.Key_Up)
        app.processEvents()
        print(
            f"keyboard step (Up, {steps}x): {(time.perf_counter() - t) / steps * 1000:.1f} ms each"
        )

        t = time.perf_counter()
        view.model.select_duplicates()
        print(f"select duplicates over {count} groups: {(time.perf_counter() - t) * 1000:.0f} ms")
        t = time.perf_counter()
        view.model.sort_groups(SortKey.FOLDER)
        app.processEvents()
        print(f"sort by folder: {(time.perf_counter() - t) * 1000:.0f} ms")
        view.shutdown()


if __name__ == "__main__":
    main()
