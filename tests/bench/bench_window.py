"""Benchmark of the main window's event loop during a real scan: the longest and the 99th
percentile gap between ticks of a 10 ms GUI-thread timer, the time to the first group on screen,
and the scan's wall time. The design's target: no gap over 100 ms.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench/bench_window.py --groups 300
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=300, help="pictures with copies")
    parser.add_argument("--singles", type=int, default=200, help="pictures without copies")
    parser.add_argument("--edge", type=int, default=640, help="long side of each photo (px)")
    parser.add_argument("--mode", choices=("similar", "exact"), default="similar")
    parser.add_argument(
        "--cancel-after", type=float, default=0.0, help="press Cancel after this many seconds"
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="lookalike-bench-window-"))
    for var in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        os.environ[var] = str(work / var.lower())
    from tests.gui.photo_tree import make_photo_tree

    t0 = time.perf_counter()
    size = (args.edge, args.edge * 3 // 4)
    tree = make_photo_tree(work / "photos", args.groups, args.singles, size=size)
    files = sum(1 for p in tree.root.rglob("*") if p.is_file())
    print(f"generated {files} files in {time.perf_counter() - t0:.1f} s")

    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from lookalike.core.model import ScanMode
    from lookalike.gui.main_window import MainWindow

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "cfg"))
    app = QApplication(sys.argv)
    window = MainWindow()
    window.resize(1280, 800)
    window.show()
    window.add_folder(str(tree.root))
    (
        window.options_panel.similar_radio
        if args.mode == "similar"
        else window.options_panel.identical_radio
    ).setChecked(True)
    assert window.options_panel.mode() is ScanMode(args.mode)

    ticks: list[float] = []
    first_group: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    window.results_model.rowsInserted.connect(
        lambda *_: first_group.append(time.perf_counter()) if not first_group else None
    )
    window.scan_finished.connect(lambda _summary: app.quit())
    cancelled_at: list[float] = []
    if args.cancel_after > 0:

        def cancel() -> None:
            cancelled_at.append(time.perf_counter())
            window.action("cancel").trigger()

        QTimer.singleShot(round(args.cancel_after * 1000), cancel)
    start = time.perf_counter()
    timer.start()
    window.start_scan()
    app.exec()
    end = time.perf_counter()
    timer.stop()

    if cancelled_at:
        print(f"Cancel to finished: {(end - cancelled_at[0]) * 1000:.0f} ms")
    gaps = sorted(b - a for a, b in itertools.pairwise(ticks))
    p99 = gaps[int(len(gaps) * 0.99)] if gaps else 0.0
    print(f"scan of {files} files ({args.mode}): {end - start:.2f} s wall")
    print(f"groups shown: {window.results_model.rowCount()}")
    if first_group:
        print(f"first group on screen after {first_group[0] - start:.2f} s")
    print(
        f"timer ticks: {len(ticks)}; longest gap {gaps[-1] * 1000:.0f} ms; p99 {p99 * 1000:.0f} ms"
    )
    window.close()
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
