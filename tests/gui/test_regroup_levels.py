"""Changing the sensitivity after a scan, through the real window: the other levels are got
ready in the background, so a switch regroups from the cache without measuring a pair, and each
level's groups are a fresh scan's at that level; switching early and quitting stay clean."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
from contextlib import closing
from pathlib import Path

from pytestqt.qtbot import QtBot

from lookalike.core.events import Progress, Stage
from lookalike.core.model import ScanSummary, Sensitivity
from lookalike.core.pool import BACKGROUND_NICENESS
from lookalike.gui.main_window import MainWindow
from tests.core.test_background import pool_worker_niceness
from tests.core.test_regroup import library, scan, shape
from tests.gui.scanned_window import TIMEOUT_MS, open_window
from tests.gui.scanned_window import scan as press_scan


def _pairs_kept(window: MainWindow) -> int:
    """The pairs the verifier measured, as the cache keeps them."""
    options = window.session.last_options
    assert options is not None
    assert options.cache_path is not None
    with closing(sqlite3.connect(options.cache_path)) as db:
        (count,) = db.execute("SELECT count(*) FROM pairs").fetchone()
    assert isinstance(count, int)
    return count


def _switch(qtbot: QtBot, window: MainWindow, level: Sensitivity) -> ScanSummary:
    with qtbot.waitSignal(window.scan_finished, timeout=TIMEOUT_MS) as regrouped:
        window.options_panel.set_sensitivity(level)  # no Scan click: at once
    summary = regrouped.args[0]
    assert isinstance(summary, ScanSummary)
    return summary


def _shown(window: MainWindow) -> set[frozenset[tuple[str, str, float]]]:
    options = window.session.last_options
    assert options is not None
    return shape(window.session.current_result(options))


def test_a_switch_after_the_levels_are_ready_measures_nothing(qtbot: QtBot, tmp_path: Path) -> None:
    root = tmp_path / "photos"
    library(root)
    window = open_window(qtbot, root, prepare_levels=True)
    window.options_panel.set_sensitivity(Sensitivity.NORMAL)
    assert press_scan(qtbot, window).decoded == 30
    session = window.session
    workers: dict[int, int] = {}

    def ready() -> bool:
        workers.update(pool_worker_niceness())
        return session.ready_levels == set(Sensitivity) and session.levels_worker is None

    qtbot.waitUntil(ready, timeout=TIMEOUT_MS)
    # Measured by workers at the lowest priority, so the review beside them stays smooth.
    assert min(os.nice(0) + BACKGROUND_NICENESS, 19) in workers.values()
    kept = _pairs_kept(window)
    for level in (Sensitivity.STRICT, Sensitivity.LOOSE, Sensitivity.NORMAL):
        summary = _switch(qtbot, window, level)
        assert (summary.decoded, summary.measured) == (0, 0), level
        assert _pairs_kept(window) == kept, level  # the verifier was not asked again
        assert _shown(window) == shape(scan(root, level, None)), level
    assert session.levels_worker is None  # every level is ready: nothing runs behind
    # A scan the user starts may meet changed files: no level counts as ready any more.
    options = session.last_options
    assert options is not None
    with qtbot.waitSignal(window.scan_finished, timeout=TIMEOUT_MS):
        assert session.start_scan(options)
        assert session.ready_levels == set()
    window.close()


def _scanned_at_normal(qtbot: QtBot, tmp_path: Path) -> tuple[Path, MainWindow]:
    """A window that scanned the library at normal and prepares the other levels."""
    root = tmp_path / "photos"
    library(root)
    window = open_window(qtbot, root, prepare_levels=True)
    window.options_panel.set_sensitivity(Sensitivity.NORMAL)
    press_scan(qtbot, window)
    return root, window


def test_a_switch_before_the_level_is_ready_compares_in_the_window(
    qtbot: QtBot, tmp_path: Path
) -> None:
    root, window = _scanned_at_normal(qtbot, tmp_path)
    session = window.session
    background = session.levels_worker
    assert background is not None  # started once the scan ended
    stages: list[str] = []

    def shown_stage(progress: Progress) -> None:
        if progress.stage is Stage.VERIFY:
            stages.append(window.progress_panel.stage_label.text())

    session.scan_progress_changed.connect(shown_stage)
    summary = _switch(qtbot, window, Sensitivity.STRICT)
    assert background.is_cancelled  # the switch stopped the background work at once
    assert summary.decoded == 0
    if summary.measured:  # what the background had not measured yet, compared in the window
        assert stages
        assert stages[-1] == Stage.VERIFY.value
    assert _shown(window) == shape(scan(root, Sensitivity.STRICT, None))
    window.close()


def test_quitting_while_levels_are_got_ready_ends_cleanly(qtbot: QtBot, tmp_path: Path) -> None:
    _, window = _scanned_at_normal(qtbot, tmp_path)
    session = window.session
    assert session.is_preparing()
    window.close()
    assert session.levels_worker is None or session.levels_worker.is_cancelled
    assert session.pool.activeThreadCount() == 0  # the close waited for it
    assert not multiprocessing.active_children()  # and its verifier processes ended
    assert not session.is_preparing()
