"""SIGTERM and SIGHUP end the window as closing it does: in a real process started by
``run_gui``, during a real scan with its process pool, the workers stop, the pool's processes
end, the settings are written, and the exit status is 128 + the signal's number (as the CLI's)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import images

ROOT = Path(__file__).resolve().parents[2]

# The real run_gui and the real engine; the scan is slowed between its events (a sleep around
# run_scan, nothing replaced) so that the signal lands while its process pool runs.
SCRIPT = """
import json, multiprocessing, sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from lookalike.core.scan import run_scan
from lookalike.gui import scan_worker
from lookalike.gui.main_window import MainWindow
from lookalike.launcher import LaunchPaths

def slowed_scan(options, cancel):
    for event in run_scan(options, cancel):
        yield event
        time.sleep(0.2)

scan_worker._default_scan = slowed_scan
app = QApplication(sys.argv[:1])
started = False

def check():
    global started
    windows = [w for w in app.topLevelWidgets() if isinstance(w, MainWindow)]
    if windows and windows[0].isVisible():
        window = windows[0]
        if not started:
            started = window.session.start_scan(window.scan_options())
        if started and window.session.scan_worker is None:  # fail, rather than wait for ever
            print(json.dumps({"missed": "the scan ended before its pool was seen"}), flush=True)
            return
        children = [p.pid for p in multiprocessing.active_children()]
        if started and children and window.session.scan_worker is not None:
            print(json.dumps({"children": children, "settings": window.settings.file_name}),
                  flush=True)
            return
    QTimer.singleShot(50, check)

QTimer.singleShot(0, check)
from lookalike.gui.application import run_gui
sys.exit(run_gui(LaunchPaths(folders=[sys.argv[1]])))
"""


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # Still there; a zombie waiting for init to reap it counts as ended.
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split(") ")[-1].startswith("Z")


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="POSIX signals")
@pytest.mark.parametrize("signum", [signal.SIGTERM, getattr(signal, "SIGHUP", 1)])
def test_a_stop_signal_closes_the_window_cleanly(tmp_path: Path, signum: int) -> None:
    folder = tmp_path / "photos"
    # Big enough to be cut into several pool chunks (1 MB each), so the pool outlives a few
    # of the slowed events and the window sees it running.
    for i in range(24):
        images.save(folder / f"p{i:02d}.jpg", images.photo(300 + i, 1600, 1200))
    with subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(folder)],
        cwd=ROOT,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        try:
            line = process.stdout.readline()
            assert line, process.stderr.read()
            ready = json.loads(line)
            assert "missed" not in ready, ready
            assert ready["children"]  # the scan's process pool is running
            process.send_signal(signum)
            status = process.wait(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
        stderr = process.stderr.read()
    assert status == 128 + signum, stderr
    deadline = time.monotonic() + 10
    while not all(_gone(pid) for pid in ready["children"]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(_gone(pid) for pid in ready["children"])
    # Settings written on the way out: the window's geometry is saved only when it closes.
    settings = Path(ready["settings"]).read_text(encoding="utf-8")
    assert "[window]" in settings
    assert "\ngeometry=" in settings
    assert str(folder) in settings
    log = next(Path(os.environ["XDG_STATE_HOME"]).rglob("lookalike.log")).read_text("utf-8")
    assert f"stopping on {signal.Signals(signum).name}" in log
    assert f"exiting with status {128 + signum}" in log
