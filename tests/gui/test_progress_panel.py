"""The progress panel on its own: stage, counts and busy state, cleanup progress, and the
Cancel button that follows (and triggers) the window's cancel action."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot

from lookalike.core.cleanup.events import ActionKind, BatchProgress
from lookalike.core.events import Progress, Stage
from lookalike.gui.progress_panel import ProgressPanel


def _panel(qtbot: QtBot) -> tuple[ProgressPanel, QAction]:
    cancel = QAction("Cancel")
    panel = ProgressPanel(cancel)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    return panel, cancel


def test_progress_panel_shows_stage_counts_and_busy_state(qtbot: QtBot) -> None:
    panel, _cancel = _panel(qtbot)
    panel.start("Finding files")
    assert panel.isVisible()
    assert (panel.bar.minimum(), panel.bar.maximum()) == (0, 0)  # busy until a total is known
    panel.show_progress(Progress(Stage.WALK, 120, 0))
    assert panel.stage_label.text() == Stage.WALK.value
    assert panel.detail_label.text() == "120 files"
    panel.show_progress(Progress(Stage.FINGERPRINT, 40, 200, "/photos/a.jpg"))
    assert panel.stage_label.text() == Stage.FINGERPRINT.value
    assert (panel.bar.maximum(), panel.bar.value()) == (200, 40)
    assert panel.detail_label.text().startswith("40 of 200 files")
    assert panel.detail_label.toolTip() == "/photos/a.jpg"
    panel.show_cancelling("Cancelling…")
    assert panel.stage_label.text() == "Cancelling…"


def test_cleanup_progress_shows_counts_time_left_and_the_current_file(qtbot: QtBot) -> None:
    panel, _cancel = _panel(qtbot)
    panel.start("Moving 7 files to the Trash")
    panel.show_cleanup_progress(BatchProgress(ActionKind.TRASH, 3, 7, "/photos/c.jpg", 15.0, 20.0))
    assert (panel.bar.maximum(), panel.bar.value()) == (7, 3)
    assert panel.detail_label.text() == "3 of 7 files · about 20 s left"
    assert panel.detail_label.toolTip() == "/photos/c.jpg"
    panel.show_cleanup_progress(BatchProgress(ActionKind.TRASH, 7, 7, "", 3.0, 0.0))
    assert panel.detail_label.text() == "7 of 7 files"


def test_cancel_button_follows_and_triggers_the_action(qtbot: QtBot) -> None:
    panel, cancel = _panel(qtbot)
    panel.start("Finding files")
    assert panel.cancel_button.isEnabled()
    with qtbot.waitSignal(cancel.triggered, timeout=1000):
        qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    cancel.setEnabled(False)
    assert not panel.cancel_button.isEnabled()
    with qtbot.assertNotEmitted(cancel.triggered):
        qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    cancel.setEnabled(True)
    assert panel.cancel_button.isEnabled()
