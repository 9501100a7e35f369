"""The error routes: a crash in any thread reaches a dialog on the GUI thread, with the
traceback to copy; problem lists show each file with its reason."""

from __future__ import annotations

import sys
import threading

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from lookalike.gui import errors
from lookalike.gui.errors import ExceptionDialog, ProblemListDialog


def _close_dialog_when_shown(seen: list[str]) -> None:
    def poll() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, ExceptionDialog) and widget.isVisible():
                seen.append(widget.details)
                widget.reject()
                return
        QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)


def test_a_crash_in_a_thread_is_logged_and_shown(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    errors.install_excepthooks()
    assert threading.excepthook is errors._thread_hook
    assert errors._bridge is not None

    def crash() -> None:
        raise ValueError("pixels on fire")

    seen: list[str] = []
    _close_dialog_when_shown(seen)
    with qtbot.waitSignal(errors._bridge.error_raised, timeout=10_000):
        thread = threading.Thread(target=crash, name="crasher")
        thread.start()
        thread.join()
    qtbot.waitUntil(lambda: len(seen) == 1, timeout=10_000)
    assert "ValueError: pixels on fire" in seen[0]
    assert "uncaught exception in thread crasher" in caplog.text


def test_exception_dialog_copies_the_details(qtbot: QtBot) -> None:
    dialog = ExceptionDialog("ValueError: boom", "Traceback ...\nValueError: boom")
    qtbot.addWidget(dialog)
    dialog.copy_button.click()
    assert QApplication.clipboard().text() == "Traceback ...\nValueError: boom"


def test_problem_list_shows_each_file_and_copies_the_list(qtbot: QtBot) -> None:
    rows = [(f"/photos/{i}.jpg", "damaged or truncated image") for i in range(1000)]
    dialog = ProblemListDialog(
        "Skipped files", "1,000 files could not be read", ["File", "Reason"], rows
    )
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == 1000
    assert dialog.model.index(999, 0).data() == "/photos/999.jpg"
    dialog.copy_button.click()
    text = QApplication.clipboard().text().splitlines()
    assert text[0] == "File\tReason"
    assert text[1] == "/photos/0.jpg\tdamaged or truncated image"
    assert len(text) == 1001
