"""Starts the desktop app: the QApplication, its identity and icon, logging, error hooks, and
the main window."""

from __future__ import annotations

import logging
import logging.handlers
import sys

from PySide6.QtCore import QCoreApplication, QSize
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from lookalike import APP_NAME, __version__, desktop
from lookalike.core.paths import log_dir
from lookalike.gui.errors import install_excepthooks
from lookalike.gui.settings import APPLICATION, ORGANIZATION

log = logging.getLogger(__name__)

LOG_FILE_MAX_BYTES = 1_000_000
LOG_FILE_BACKUPS = 3


def configure_logging() -> str:
    """Log INFO and above to a rotating file in the log folder; returns the file's path."""
    path = log_dir() / "lookalike.log"
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=LOG_FILE_MAX_BYTES, backupCount=LOG_FILE_BACKUPS, encoding="utf-8"
    )
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return str(path)


def app_icon() -> QIcon:
    """The icon from the package's own files (the ones the menu entry installs). The PNGs, not
    the SVG: Qt's SVG icon engine keeps one added pixmap per mode, and the PNGs need no plugin;
    other sizes are scaled from the next larger PNG."""
    icon = QIcon()
    for size_px in desktop.ICON_SIZES_PX:
        icon.addFile(str(desktop.png_icon_path(size_px)), QSize(size_px, size_px))
    return icon


def set_identity() -> None:
    """Names used by QSettings, the window manager and the desktop file."""
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    QCoreApplication.setApplicationVersion(__version__)
    QGuiApplication.setApplicationDisplayName(APP_NAME)
    # Lets Wayland and the taskbar match the window with its desktop entry and icon.
    QGuiApplication.setDesktopFileName(desktop.APP_ID)


def run_gui(folders: list[str] | None = None) -> int:
    """Run the window until it is closed, with ``folders`` added; returns the exit status."""
    log_path = configure_logging()
    set_identity()
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    icon = app_icon()
    if not icon.isNull():
        app.setWindowIcon(icon)
    install_excepthooks()
    log.info("%s %s starting; log file %s", APP_NAME, __version__, log_path)

    from lookalike.gui.main_window import MainWindow

    window = MainWindow()
    for folder in folders or []:
        window.add_folder(folder)
    window.show()
    status = app.exec()
    log.info("%s exiting with status %d", APP_NAME, status)
    return status
