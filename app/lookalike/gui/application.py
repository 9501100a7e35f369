"""Starts the desktop app: the QApplication, its identity and icon, logging, error hooks, and
the main window."""

from __future__ import annotations

import logging
import logging.handlers
import signal
import socket
import sys
from types import FrameType
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QSize, QSocketNotifier, Qt, Slot
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from lookalike import APP_NAME, __version__, desktop
from lookalike.core import words
from lookalike.core.paths import log_dir
from lookalike.gui.errors import ProblemListDialog, install_excepthooks
from lookalike.gui.i18n import install_translations
from lookalike.gui.settings import APPLICATION, ORGANIZATION
from lookalike.launcher import LaunchPaths

if TYPE_CHECKING:
    from lookalike.gui.main_window import MainWindow

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


# The signals a desktop session or `kill` sends to end a program (SIGHUP: its terminal closed).
STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)


def _note_signal(signum: int, frame: FrameType | None) -> None:
    """The Python-level handler: the work is done by ``SignalCloser`` on the GUI thread, woken
    by the byte the C-level handler writes to the wakeup socket."""


class SignalCloser(QObject):
    """SIGTERM and SIGHUP close the windows as a program closing them does (no question: the
    settings are saved, the scan or cleanup is cancelled and its workers and process pool
    shut down), then the event loop ends with 128 + the signal's number, as the CLI exits.

    Python runs a signal handler only between bytecodes, which an idle Qt event loop never
    reaches; ``signal.set_wakeup_fd`` makes the C-level handler write the signal's number to a
    socket that a ``QSocketNotifier`` watches, so the signal is handled at once, without a
    polling timer.
    """

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._app = app
        self._stopping = False
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno())
        self._previous = {sig: signal.signal(sig, _note_signal) for sig in STOP_SIGNALS}
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_notifier_activated)

    @Slot()
    def _on_notifier_activated(self) -> None:
        try:
            received = self._reader.recv(64)
        except BlockingIOError:
            return
        stops = [n for n in received if n in STOP_SIGNALS]
        if not stops or self._stopping:
            return  # a second signal while closing: the first one's close goes on
        self._stopping = True
        signum = stops[0]
        log.info("stopping on %s: closing the window", signal.Signals(signum).name)
        self._app.closeAllWindows()
        self._app.exit(128 + signum)

    def uninstall(self) -> None:
        """Put the previous handlers back (after the event loop ended)."""
        self._notifier.setEnabled(False)
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        signal.set_wakeup_fd(self._previous_fd)
        self._reader.close()
        self._writer.close()


def _shown_path(path: str) -> str:
    """``path`` as Qt can show it: a name that is not valid UTF-8 reaches Python with lone
    surrogates, which a QString cannot hold; those bytes are shown as U+FFFD."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def show_main_window(start: LaunchPaths) -> MainWindow:
    """Show the window with the folders Lookalike was started with, and list the paths that
    could not be added with their reasons."""
    from lookalike.gui.main_window import MainWindow

    window = MainWindow(prepare_levels=True)
    for folder in start.folders:
        window.add_folder(folder)
    window.show()
    if start.unusable:
        dialog = ProblemListDialog(
            words.opened_paths_unusable_title(),
            words.opened_paths_unusable(len(start.unusable)),
            [
                QCoreApplication.translate("Application", "Item"),
                QCoreApplication.translate("Application", "Reason"),
            ],
            [(_shown_path(u.path), u.reason) for u in start.unusable],
            window,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
    return window


def run_gui(start: LaunchPaths | None = None) -> int:
    """Run the window until it is closed, started with ``start``; returns the exit status."""
    log_path = configure_logging()
    set_identity()
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    icon = app_icon()
    if not icon.isNull():
        app.setWindowIcon(icon)
    install_excepthooks()
    _translations = install_translations(app)  # the translators live while the window does
    log.info("%s %s starting; log file %s", APP_NAME, __version__, log_path)
    closer = SignalCloser(app)
    _window = show_main_window(start or LaunchPaths())  # referenced until the loop ends
    status = app.exec()
    closer.uninstall()
    log.info("%s exiting with status %d", APP_NAME, status)
    return status
