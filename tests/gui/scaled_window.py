"""Run the real window in this process, scan a folder, compare two photos, and print as JSON
what would be cut off: group headers whose words do not fit, details wider than their place.

Started by tests/gui/test_review_edges.py in a subprocess with ``QT_SCALE_FACTOR=2``:

    QT_SCALE_FACTOR=2 python -m tests.gui.scaled_window FOLDER WIDTH HEIGHT
"""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def clipped(window: object) -> dict[str, object]:
    """What the window shows cut off (empty lists: nothing)."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QFont, QFontMetrics

    # Layouts settle in posted events (a label's new minimum height, its parent's relayout).
    for _ in range(3):
        QCoreApplication.processEvents()

    from lookalike.gui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    grid = window.results_view.grid
    delegate = grid.itemDelegate()
    layout = grid.strip_layout()
    font = grid.font()
    bold = QFont(font)
    bold.setBold(True)
    headers = []
    for row, group in enumerate(window.results_model.groups()):
        strip = grid.strip_rect(row)
        if strip.isEmpty():
            continue
        room = layout.header_rect(strip).width()
        checked = sum(1 for m in group.members if window.results_model.is_checked(m.path))
        first, detail, note = delegate.header_texts(group, row + 1, checked, font, room)
        needed = QFontMetrics(bold).horizontalAdvance(first)
        needed += QFontMetrics(font).horizontalAdvance(detail + note)
        headers.append({"row": row, "room": room, "needed": needed, "texts": [first, detail, note]})
    preview = window.results_view.preview
    details = []
    for side in preview.sides:
        if not side.details_area.isVisible():
            continue
        pane_right = preview.mapToGlobal(preview.rect().topRight()).x()
        for label in side.info.values:
            if not label.isVisible():
                continue
            _, height, widest = label.layout_lines(label.width())
            right = label.mapToGlobal(label.rect().topRight()).x()
            details.append(
                {
                    "text": label.text(),
                    "width": label.width(),
                    "height": label.height(),
                    "needed": [round(widest, 1), round(height, 1)],
                    "fits": widest <= label.width() + 0.5
                    and height <= label.height() + 0.5
                    and right <= pane_right,
                    "whole_in_tooltip": label.toolTip() == label.text(),
                }
            )
    return {
        "device_pixel_ratio": grid.devicePixelRatioF(),
        "headers": headers,
        "details": details,
    }


def main() -> int:
    folder, width, height = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    from PySide6.QtCore import QCoreApplication, QEventLoop
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    from lookalike.gui.main_window import MainWindow

    window = MainWindow()
    window.resize(width, height)
    window.show()
    window.add_folder(folder)
    done: list[object] = []
    window.scan_finished.connect(done.append)
    window.start_scan()

    def pump(until: object, seconds: float) -> None:
        end = time.monotonic() + seconds
        while not until() and time.monotonic() < end:  # type: ignore[operator]
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)

    pump(lambda: done, 120)
    window.select_duplicates()
    window.results_view.set_current(0, 1)
    window.results_view.compare(None)
    preview = window.results_view.preview
    pump(lambda: not preview.busy, 30)
    app.processEvents()
    sys.stdout.write(json.dumps(clipped(window)) + "\n")
    window.results_view.shutdown()
    window.session.shutdown(5000)
    return 0


if __name__ == "__main__":
    sys.exit(main())
