"""End to end through the real window: add a folder, scan, select duplicates, move them to the
(temporary) Trash, and check what is in the Trash and that every keeper is still in place."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from lookalike import __version__
from lookalike.core.model import ScanSummary
from lookalike.gui.cleanup import CONFIRM_BOX_NAME, CleanupReport
from lookalike.gui.main_window import MainWindow
from tests.gui.photo_tree import make_photo_tree

TIMEOUT_MS = 120_000


def _accept_confirmation_when_shown(window: MainWindow, seen: list[str]) -> None:
    """Press the confirm box's "Move … to Trash" button as soon as the box is up."""

    def poll() -> None:
        box = window.findChild(QMessageBox, CONFIRM_BOX_NAME)
        if box is None or not box.isVisible():
            QTimer.singleShot(20, poll)
            return
        seen.append(box.text())
        (accept,) = [
            b for b in box.buttons() if box.buttonRole(b) is QMessageBox.ButtonRole.AcceptRole
        ]
        accept.click()

    QTimer.singleShot(0, poll)


def test_scan_select_and_trash(qtbot: QtBot, tmp_path: Path, isolated_home: Path) -> None:
    tree = make_photo_tree(tmp_path / "photos", groups=3, singles=2)
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.stack.currentWidget() is window.empty_state

    assert window.add_folder(str(tree.root))
    assert window.folder_panel.folders() == [str(tree.root)]
    window.options_panel.similar_radio.setChecked(True)

    with qtbot.waitSignal(window.scan_finished, timeout=TIMEOUT_MS) as finished:
        qtbot.mouseClick(window.scan_button, Qt.MouseButton.LeftButton)
    summary = finished.args[0]
    assert isinstance(summary, ScanSummary)
    assert not summary.cancelled

    # The grid shows one group per picture: original, byte copy and resized copy.
    model = window.results_model
    assert window.stack.currentWidget() is window.results_view
    groups = model.groups()
    assert len(groups) == 3
    assert model.rowCount() == 3
    for group in groups:
        assert len(group.members) == 3
    assert window.skipped_button.isVisible()
    assert window.skipped_button.text() == "1 file could not be read"

    qtbot.mouseClick(window.trash_button, Qt.MouseButton.LeftButton)  # nothing selected yet
    assert window.session.cleanup_worker is None

    window.action("select_duplicates").trigger()
    keepers = {g.keeper.path for g in groups}
    doomed = [m.path for g in groups for m in g.duplicates]
    assert sorted(model.checked_paths()) == sorted(doomed)
    assert window.selection_label.text().startswith("6 selected · ")
    assert window.trash_button.text() == "Move 6 files to Trash"

    prompts: list[str] = []
    _accept_confirmation_when_shown(window, prompts)
    with qtbot.waitSignal(window.cleanup_finished, timeout=TIMEOUT_MS) as cleaned:
        qtbot.mouseClick(window.trash_button, Qt.MouseButton.LeftButton)
    assert len(prompts) == 1
    assert prompts[0].startswith("Move 6 files (")
    report = cleaned.args[0]
    assert isinstance(report, CleanupReport)
    assert sorted(report.done_paths) == sorted(doomed)
    assert report.problems == []

    # Trashed files are in the freedesktop trash of the temporary XDG_DATA_HOME, with a
    # .trashinfo naming where each came from; every keeper is still in place.
    trash = Path(os.environ["XDG_DATA_HOME"]) / "Trash"
    assert trash.is_relative_to(isolated_home)
    infos = list((trash / "info").glob("*.trashinfo"))
    assert len(infos) == len(doomed)
    origins = set()
    for info in infos:
        text = info.read_text()
        (line,) = [x for x in text.splitlines() if x.startswith("Path=")]
        origins.add(line.removeprefix("Path="))
        assert (trash / "files" / info.name.removesuffix(".trashinfo")).is_file()
    assert {unquote(o) for o in origins} == set(doomed)
    for path in doomed:
        assert not os.path.exists(path)
    for path in keepers:
        assert os.path.isfile(path)

    # Groups left with one member disappear; the window says what happened and can undo it.
    assert model.rowCount() == 0
    assert window.stack.currentWidget() is window.empty_state
    assert "Nothing left to review" in window.empty_state.message.text()
    assert window.selection_label.text() == "0 selected · 0 bytes"
    assert window.action("undo_cleanup").isEnabled()
    assert "Moved 6 files to the Trash" in window.statusBar().currentMessage()

    with qtbot.waitSignal(window.cleanup_finished, timeout=TIMEOUT_MS) as undone:
        window.action("undo_cleanup").trigger()
    assert isinstance(undone.args[0], CleanupReport)
    for path in doomed:
        assert os.path.isfile(path)
    assert not window.action("undo_cleanup").isEnabled()
    # The files are back in their groups, without a scan, and unmarked.
    assert window.stack.currentWidget() is window.results_view
    assert sorted(tuple(sorted(m.path for m in g.members)) for g in model.groups()) == sorted(
        tuple(sorted(m.path for m in g.members)) for g in groups
    )
    assert model.checked_paths() == []
    assert "Restored 6 files · 6 back in their groups" in window.statusBar().currentMessage()
    window.close()


def test_run_gui_opens_the_window_and_quits_cleanly(tmp_path: Path) -> None:
    """``run_gui`` in a fresh process: identity, icon, log file, the window, a clean exit."""
    script = (
        "import sys\n"
        "from PySide6.QtCore import QTimer\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication(sys.argv)\n"
        "def check():\n"
        "    from lookalike.gui.main_window import MainWindow\n"
        "    windows = [w for w in app.topLevelWidgets() if isinstance(w, MainWindow)]\n"
        "    if len(windows) != 1 or not windows[0].isVisible() or app.windowIcon().isNull():\n"
        "        print('no visible main window with an icon', windows, file=sys.stderr)\n"
        "        app.exit(3)\n"
        "        return\n"
        "    windows[0].close()\n"
        "QTimer.singleShot(200, check)\n"
        "from lookalike.gui.application import run_gui\n"
        "sys.exit(run_gui())\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    log_files = list(Path(os.environ["XDG_STATE_HOME"]).rglob("lookalike.log"))
    assert len(log_files) == 1
    assert f"Lookalike {__version__} starting" in log_files[0].read_text(encoding="utf-8")


def test_launcher_arguments_open_the_window(tmp_path: Path) -> None:
    """``lookalike /does-not-exist a.jpg b.jpg`` (what a file manager passes through %F) goes
    through the real entry point to the window, never to "invalid choice"."""
    phone = tmp_path / "Phone"
    phone.mkdir()
    for name in ("a.jpg", "b.jpg"):
        (phone / name).write_bytes(b"\xff\xd8\xff")
    args = ["/does-not-exist", str(phone / "a.jpg"), str(phone / "b.jpg")]
    script = (
        "import json, sys\n"
        "from PySide6.QtCore import QTimer, Qt\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication(sys.argv[:1])\n"
        "def check():\n"
        "    from lookalike.gui.errors import ProblemListDialog\n"
        "    from lookalike.gui.main_window import MainWindow\n"
        "    (window,) = [w for w in app.topLevelWidgets() if isinstance(w, MainWindow)]\n"
        "    dialog = window.findChild(ProblemListDialog)\n"
        "    m = dialog.model\n"
        "    rows = [[m.data(m.index(r, c), Qt.ItemDataRole.DisplayRole) for c in (0, 1)]\n"
        "            for r in range(m.rowCount())]\n"
        "    print(json.dumps({'visible': window.isVisible(), 'dialog': dialog.isVisible(),\n"
        "                      'folders': window.folder_panel.folders(), 'rows': rows}))\n"
        "    window.close()\n"
        "QTimer.singleShot(200, check)\n"
        "sys.argv[0] = 'lookalike'\n"
        "from lookalike.__main__ import main\n"
        "sys.exit(main())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "invalid choice" not in done.stderr
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    assert shown == {
        "visible": True,
        "dialog": True,
        "folders": [str(phone)],
        "rows": [["/does-not-exist", "not found"]],
    }


def test_a_command_still_goes_to_the_command_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lookalike", "scan", "/does-not-exist"],
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == "lookalike: error: not found: /does-not-exist"
