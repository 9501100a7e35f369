"""The three error routes: bug reports (excepthooks), failed user actions, and problem lists.

1. Bugs: ``install_excepthooks`` routes ``sys.excepthook`` and ``threading.excepthook`` to the
   log and to a dialog with the traceback and a copy button, shown on the GUI thread.
2. A failed user action: ``show_action_error`` names what failed in plain words, no traceback.
3. Files that were skipped or failed: ``ProblemListDialog`` lists each file with its reason
   (the skipped-files list after a scan, the tally after a cleanup).
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Sequence
from types import TracebackType

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger(__name__)


# --- route 1: bugs ------------------------------------------------------------------------


class ExceptionDialog(QDialog):
    """Says something went wrong, shows the traceback, and copies it for a bug report."""

    def __init__(self, summary: str, details: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Lookalike ran into a problem"))
        self.setAccessibleName(self.tr("Error report"))
        self.details = details
        intro = QLabel(
            f"<b>{_escape(summary)}</b><br>"
            + self.tr(
                "This is a bug in Lookalike. Your files were not changed by this error. "
                "Copying the details below into a bug report helps us fix it."
            )
        )
        intro.setWordWrap(True)
        text = QPlainTextEdit(details)
        text.setReadOnly(True)
        text.setAccessibleName(self.tr("Error details"))
        text.setMinimumSize(560, 220)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(self.tr("&Copy details"))
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self._on_copy_clicked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(text)
        layout.addWidget(buttons)

    @Slot()
    def _on_copy_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.details)
        self.copy_button.setText(self.tr("Copied"))


class _ErrorBridge(QObject):
    """Carries a crash from any thread to the GUI thread, where the dialog may be shown."""

    error_raised = Signal(str, str)

    def __init__(self) -> None:
        super().__init__()
        self._showing = False
        self.error_raised.connect(self._on_error_raised)

    @Slot(str, str)
    def _on_error_raised(self, summary: str, details: str) -> None:
        # One dialog at a time: a crash that repeats on every repaint would otherwise stack
        # dialogs forever; the later ones are still in the log.
        if self._showing:
            return
        self._showing = True
        try:
            show_bug_report(summary, details, QApplication.activeWindow())
        finally:
            self._showing = False


_bridge: _ErrorBridge | None = None


def show_bug_report(summary: str, details: str, parent: QWidget | None = None) -> None:
    """Route 1 for errors already logged, such as a scan worker's ``failed`` signal."""
    ExceptionDialog(summary, details, parent).exec()


def _format(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> str:
    return "".join(traceback.format_exception(exc_type, exc, tb))


def _sys_hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    details = _format(exc_type, exc, tb)
    log.critical("uncaught exception\n%s", details)
    if _bridge is not None:
        _bridge.error_raised.emit(f"{exc_type.__name__}: {exc}", details)


def _thread_hook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None:
        return
    details = _format(args.exc_type, args.exc_value, args.exc_traceback)
    name = args.thread.name if args.thread is not None else "?"
    log.critical("uncaught exception in thread %s\n%s", name, details)
    if _bridge is not None:
        _bridge.error_raised.emit(f"{args.exc_type.__name__}: {args.exc_value}", details)


def install_excepthooks() -> None:
    """Log every uncaught exception and show it to the user; call once the app exists."""
    global _bridge
    if _bridge is None:
        _bridge = _ErrorBridge()
    sys.excepthook = _sys_hook
    threading.excepthook = _thread_hook


# --- route 2: a failed user action --------------------------------------------------------


def show_action_error(parent: QWidget | None, action: str, reason: str) -> None:
    """Tell the user that ``action`` failed and why, in plain words (no traceback)."""
    log.warning("%s failed: %s", action, reason)
    message = QCoreApplication.translate("Errors", "{action} failed.\n\n{reason}")
    QMessageBox.warning(parent, "Lookalike", message.format(action=action, reason=reason))


# --- route 3: lists of files with reasons -------------------------------------------------


class ProblemTableModel(QAbstractTableModel):
    """A read-only table of strings (one row per file), cheap for thousands of rows."""

    def __init__(
        self, headers: Sequence[str], rows: Sequence[Sequence[str]], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._headers = list(headers)
        self._rows = [tuple(r) for r in rows]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._rows[index.row()][index.column()]
        return None

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def as_text(self) -> str:
        lines = ["\t".join(self._headers)]
        lines.extend("\t".join(row) for row in self._rows)
        return "\n".join(lines)


MIN_WIDTH_PX = 720
PATH_COLUMN_MAX_PX = 900  # beyond this a path is elided in the middle (whole in its tooltip)
WIDTH_SAMPLE_ROWS = 500  # rows measured for the column widths
_CHROME_PX = 60  # the dialog's margins, the table's frame and its scroll bar
MIN_COLUMN_PX = 60


class ProblemListDialog(QDialog):
    """A summary line over a table of files and reasons, with a copy button."""

    def __init__(
        self,
        title: str,
        summary: str,
        headers: Sequence[str],
        rows: Sequence[Sequence[str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.summary_label = QLabel(summary)
        self.summary_label.setWordWrap(True)
        self.model = ProblemTableModel(headers, rows, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("Files and reasons"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        # A long path keeps its start (the folder) and its end (the name): "/home/…/IMG_1.jpg".
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        # Every column can be widened by hand; the last one takes what is left.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        widths = self._column_widths(headers, rows)
        self.table.setVisible(self.model.rowCount() > 0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(self.tr("&Copy list"))
        self.copy_button.setEnabled(self.model.rowCount() > 0)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self._on_copy_clicked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        # Wide enough for the paths, within the screen; on a small screen the path column
        # gives way so that every column is in sight.
        screen = self.screen().availableGeometry().width() if self.screen() else 1280
        width = max(MIN_WIDTH_PX, min(sum(widths) + _CHROME_PX, int(screen * 0.85)))
        room = width - _CHROME_PX
        if widths and sum(widths) > room:
            widths[0] = max(room - sum(widths[1:]), room // 2)
            if len(widths) > 1 and sum(widths) > room:
                # The last column (a reason) elides too, whole in its tooltip.
                widths[-1] = max(MIN_COLUMN_PX, room - sum(widths[:-1]))
        for column, column_width in enumerate(widths):
            header.resizeSection(column, column_width)
        self.resize(width, 420 if rows else 120)

    def _column_widths(self, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[int]:
        """Each column as wide as its longest text (the first rows of a long list), the first
        one (the paths) up to ``PATH_COLUMN_MAX_PX``, the others up to a third of that."""
        metrics = self.table.fontMetrics()
        sample = rows[:WIDTH_SAMPLE_ROWS]
        widths = []
        for column, heading in enumerate(headers):
            longest = max(
                (metrics.horizontalAdvance(r[column]) for r in sample if column < len(r)),
                default=0,
            )
            cap = PATH_COLUMN_MAX_PX if column == 0 else PATH_COLUMN_MAX_PX // 3
            widths.append(min(cap, max(longest, metrics.horizontalAdvance(heading)) + 24))
        return widths

    @Slot()
    def _on_copy_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.model.as_text())


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
