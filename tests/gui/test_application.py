"""Application start-up pieces: the rotating log file, the compiled icon, the app's identity."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from pytestqt.qtbot import QtBot

from lookalike import __version__
from lookalike.core.paths import log_dir
from lookalike.gui.application import app_icon, configure_logging, set_identity


@pytest.fixture
def restore_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers = handlers
    root.setLevel(level)


@pytest.mark.usefixtures("restore_root_logger")
def test_logging_goes_to_a_rotating_file_in_the_log_folder(isolated_home: Path) -> None:
    path = Path(configure_logging())
    assert path.parent == log_dir()
    assert path.is_relative_to(isolated_home)
    logging.getLogger("lookalike.gui.test").info("hello %s", "log")
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert "lookalike.gui.test: hello log" in path.read_text(encoding="utf-8")


def test_icon_and_identity(qtbot: QtBot) -> None:
    assert not app_icon().isNull()
    set_identity()
    assert QCoreApplication.applicationName() == "Lookalike"
    assert QCoreApplication.applicationVersion() == __version__
