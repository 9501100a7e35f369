"""The main window: folders and options, scan with progress, the results, selection and cleanup.

The window is thin: it turns user intent into a ``ScanOptions`` or a cleanup request, runs the
engine on its own ``QThreadPool`` through ``ScanWorker``/``CleanupWorker``, and turns their
signals into model changes. Nothing here reads files or decodes images.
"""

from __future__ import annotations

import functools
import logging
import os
import time
from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QFont,
    QIcon,
    QKeySequence,
    QPainter,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSplitter,
    QStackedWidget,
    QStyle,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from lookalike import APP_NAME
from lookalike.core import report, words
from lookalike.core.cleanup.events import BatchProgress
from lookalike.core.cleanup.plan import Plan, plan_cleanup
from lookalike.core.events import Progress, Stage
from lookalike.core.model import (
    Group,
    ScanMode,
    ScanOptions,
    ScanResult,
    ScanSummary,
    Sensitivity,
    Skipped,
)
from lookalike.core.paths import default_cache_path
from lookalike.gui.about import AboutDialog
from lookalike.gui.cleanup import CleanupReport, CleanupWorker, confirm_trash, show_cleanup_report
from lookalike.gui.errors import ProblemListDialog, show_action_error, show_bug_report
from lookalike.gui.folders import FolderPanel, folders_in_mime, normalize_folder
from lookalike.gui.results_model import ResultsModel, SortKey
from lookalike.gui.results_view import ResultsView
from lookalike.gui.scan_worker import ScanFunction, ScanWorker
from lookalike.gui.settings import Settings
from lookalike.gui.workers import Failure, OneShotWorker

log = logging.getLogger(__name__)

SHUTDOWN_WAIT_MS = 5000  # how long closing the window waits for a cancelled scan to stop
SIDE_PANEL_PX = 250  # initial width of the folders/options column
PREVIEW_PANE_PX = 400  # initial width of the preview beside the grid
_SENSITIVITIES = (
    (Sensitivity.STRICT, "Strict", "Only near-identical copies (resized or recompressed)"),
    (Sensitivity.NORMAL, "Normal", "Copies and lightly edited versions (recommended)"),
    (Sensitivity.LOOSE, "Loose", "Also more heavily edited versions; review before deleting"),
)
_SORT_KEYS = (
    (SortKey.RECLAIMABLE, "Space Reclaimable"),
    (SortKey.SIMILARITY, "Similarity"),
    (SortKey.FOLDER, "Folder"),
)

ConfirmTrash = Callable[[QWidget, Plan], bool]


def _search_icon(palette: QPalette) -> QIcon:
    """A magnifying glass in the palette's text colour: the styles' own icons have no "search",
    and their "play" arrow is black on a dark desktop."""
    icon = QIcon()
    colour = palette.color(QPalette.ColorRole.ButtonText)
    for edge in (16, 24, 32, 48):
        pixmap = QPixmap(edge, edge)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(colour, max(1.5, edge / 10))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        lens = edge * 0.58
        painter.drawEllipse(QRectF(edge * 0.1, edge * 0.1, lens, lens))
        pen.setWidthF(max(2.0, edge / 7))
        painter.setPen(pen)
        handle = edge * 0.1 + lens * 0.85
        painter.drawLine(QPointF(handle, handle), QPointF(edge * 0.9, edge * 0.9))
        painter.end()
        icon.addPixmap(pixmap)
    return icon


class ProgressPanel(QFrame):
    """The stage, a bar, files done/total with speed and time left, and Cancel."""

    def __init__(self, cancel_action: QAction, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.stage_label = QLabel()
        font = self.stage_label.font()
        font.setBold(True)
        self.stage_label.setFont(font)
        self.bar = QProgressBar()
        self.bar.setAccessibleName("Scan progress")
        self.bar.setTextVisible(False)
        self.detail_label = QLabel()
        self.detail_label.setAccessibleName("Scan progress details")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel the running scan or cleanup")
        self.cancel_button.clicked.connect(cancel_action.trigger)
        top = QHBoxLayout()
        top.addWidget(self.stage_label)
        top.addStretch(1)
        top.addWidget(self.detail_label)
        row = QHBoxLayout()
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(top)
        layout.addLayout(row)
        self._stage: Stage | None = None
        self._stage_started = 0.0

    def start(self, text: str) -> None:
        self._stage = None
        self.stage_label.setText(text)
        self.detail_label.clear()
        self.bar.setRange(0, 0)
        self.cancel_button.setEnabled(True)
        self.show()

    def show_progress(self, progress: Progress) -> None:
        now = time.monotonic()
        if progress.stage is not self._stage:
            self._stage = progress.stage
            self._stage_started = now
        self.stage_label.setText(progress.stage.value)
        if progress.total <= 0:
            self.bar.setRange(0, 0)  # busy indicator until the total is known
            self.detail_label.setText(words.files(progress.done) if progress.done else "")
            return
        self.bar.setRange(0, progress.total)
        self.bar.setValue(min(progress.done, progress.total))
        parts = [words.files_done(progress.done, progress.total)]
        elapsed = now - self._stage_started
        if progress.done > 0 and elapsed > 0.5:
            rate = progress.done / elapsed
            parts.append(f"{rate:,.0f} files/s")
            remaining = progress.total - progress.done
            if remaining > 0:
                parts.append(f"about {words.duration(remaining / rate)} left")
        self.detail_label.setText(" · ".join(parts))
        if progress.current:
            self.detail_label.setToolTip(progress.current)

    def show_cleanup_progress(self, progress: BatchProgress) -> None:
        self.bar.setRange(0, max(progress.total, 1))
        self.bar.setValue(progress.done)
        parts = [words.files_done(progress.done, progress.total)]
        if progress.eta_s is not None and progress.done < progress.total:
            parts.append(words.time_left(progress.eta_s))
        self.detail_label.setText(" · ".join(parts))
        self.detail_label.setToolTip(progress.current)


class EmptyState(QWidget):
    """What the window shows before there are results: an invitation to add folders and scan."""

    recent_folder_chosen = Signal(str)

    def __init__(self, add_action: QAction, scan_action: QAction, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Getting started")
        self.title = QLabel("Find duplicate photos")
        title_font = QFont(self.title.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.8)
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.add_button = QPushButton("Add folder…")
        self.add_button.setAccessibleName("Add folder")
        self.add_button.setIcon(add_action.icon())
        self.add_button.clicked.connect(add_action.trigger)
        self.scan_button = QPushButton("Scan")
        self.scan_button.setAccessibleName("Start scanning")
        self.scan_button.setIcon(scan_action.icon())
        self.scan_button.clicked.connect(scan_action.trigger)
        for button in (self.add_button, self.scan_button):
            button.setMinimumSize(QSize(220, 48))
            big = QFont(button.font())
            big.setPointSizeF(big.pointSizeF() * 1.25)
            button.setFont(big)
            button.setIconSize(QSize(24, 24))
        self.recent_box = QWidget()
        self.recent_layout = QVBoxLayout(self.recent_box)
        self.recent_layout.setContentsMargins(0, 12, 0, 0)
        self.recent_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self._recent_shown: list[str] = []

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.scan_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(self.title)
        layout.addWidget(self.message)
        layout.addSpacing(16)
        layout.addLayout(buttons)
        layout.addWidget(self.recent_box)
        layout.addStretch(3)

    def show_state(self, message: str, *, can_scan: bool, recent: list[str]) -> None:
        self.message.setText(message)
        self.scan_button.setVisible(can_scan)
        self.scan_button.setDefault(can_scan)
        self.add_button.setDefault(not can_scan)
        recent = recent[:5]
        if recent == self._recent_shown:
            return
        self._recent_shown = recent
        while self.recent_layout.count():
            item = self.recent_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.setParent(None)  # gone from the box now, not at the next event loop
                widget.deleteLater()
        if recent:
            heading = QLabel("Recent folders")
            heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.recent_layout.addWidget(heading)
            for folder in recent:
                link = QPushButton(folder)
                link.setFlat(True)
                link.setStyleSheet("color: palette(link);")  # a link, in the system's colours
                link.setCursor(Qt.CursorShape.PointingHandCursor)
                link.setAccessibleName(f"Add recent folder {folder}")
                link.setProperty("folder", folder)
                link.clicked.connect(self._on_recent_clicked)
                self.recent_layout.addWidget(link)

    @Slot()
    def _on_recent_clicked(self) -> None:
        sender = self.sender()
        if sender is not None:
            self.recent_folder_chosen.emit(str(sender.property("folder")))


class MainWindow(QMainWindow):
    """Lookalike's one window."""

    scan_started = Signal()
    scan_finished = Signal(object)  # ScanSummary; also after a cancel
    scan_failed = Signal(str)
    cleanup_finished = Signal(object)  # CleanupReport
    results_saved = Signal(str)  # the file written
    results_loaded = Signal(object)  # ScanResult

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        confirm: ConfirmTrash = confirm_trash,
        scan: ScanFunction | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings if settings is not None else Settings()
        # Injected so that tests (and a future "don't ask again") can answer the question.
        self.confirm_trash = confirm
        self._scan_function = scan  # None: the engine's run_scan
        self.setWindowTitle(APP_NAME)
        self.setAcceptDrops(True)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(2)  # one scan and one cleanup at most
        self.scan_worker: ScanWorker | None = None
        self.cleanup_worker: CleanupWorker | None = None
        self.file_task: OneShotWorker | None = None
        self.skipped: list[Skipped] = []
        self.last_summary: ScanSummary | None = None
        self.last_options: ScanOptions | None = None
        self.last_cleanup: CleanupReport | None = None
        self.can_undo = False

        self.results_model = ResultsModel(self)
        self._state_timer = QTimer(self)
        self._state_timer.setSingleShot(True)
        self._state_timer.setInterval(0)
        self._state_timer.timeout.connect(self._update_state)
        self._skipped_timer = QTimer(self)
        self._skipped_timer.setSingleShot(True)
        self._skipped_timer.setInterval(200)
        self._skipped_timer.timeout.connect(self._update_skipped_button)
        self._create_actions()
        self._create_widgets()
        self._create_menus()
        self._create_toolbar()
        self._restore_settings()
        # Connected only now, so restoring one control cannot save the others' defaults.
        self.identical_radio.toggled.connect(self._on_options_changed)
        self.sensitivity_combo.currentIndexChanged.connect(self._on_options_changed)
        self.subfolders_check.toggled.connect(self._on_options_changed)
        self.results_model.selection_changed.connect(self._on_model_selection_changed)
        self.results_model.rowsInserted.connect(self._on_model_rows_changed)
        self.results_model.rowsRemoved.connect(self._on_model_rows_changed)
        self.results_model.modelReset.connect(self._on_model_rows_changed)
        self._update_state()

    # --- construction ---------------------------------------------------------------------

    def _icon(self, theme: QIcon.ThemeIcon | str, fallback: QStyle.StandardPixmap | QIcon) -> QIcon:
        """The desktop theme's icon (Qt maps these names on Windows and macOS too), else
        ``fallback``."""
        if isinstance(fallback, QStyle.StandardPixmap):
            fallback = self.style().standardIcon(fallback)
        return QIcon.fromTheme(theme, fallback)

    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        tip: str = "",
        icon: QIcon | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        if icon is not None:
            action.setIcon(icon)
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work even when the toolbar is hidden
        return action

    def _create_actions(self) -> None:
        sp = QStyle.StandardPixmap
        self.add_folder_action = self._action(
            "&Add Folder…",
            self.choose_folder,
            QKeySequence.StandardKey.Open,
            "Add a folder to search for duplicates",
            self._icon(QIcon.ThemeIcon.FolderNew, sp.SP_DirOpenIcon),
        )
        self.scan_action = self._action(
            "&Scan",
            self.start_scan,
            "Ctrl+R",
            "Search the folders for duplicate photos",
            self._icon(QIcon.ThemeIcon.SystemSearch, _search_icon(self.palette())),
        )
        self.scan_action.setShortcuts([QKeySequence("Ctrl+R"), QKeySequence("F5")])
        self.cancel_action = self._action(
            "&Cancel",
            self.cancel_scan,
            "Esc",
            "Stop the running scan, or the cleanup after its current file",
            self._icon(QIcon.ThemeIcon.ProcessStop, sp.SP_BrowserStop),
        )
        self.open_results_action = self._action(
            "&Open Results…",
            self.choose_results_to_open,
            "Ctrl+Shift+O",
            "Open a saved result to continue reviewing it",
            self._icon(QIcon.ThemeIcon.DocumentOpen, sp.SP_DialogOpenButton),
        )
        self.save_results_action = self._action(
            "Save &Results…",
            self.choose_results_file,
            QKeySequence.StandardKey.Save,
            "Save the groups and your marks to review them later",
            self._icon(QIcon.ThemeIcon.DocumentSave, sp.SP_DialogSaveButton),
        )
        self.export_csv_action = self._action(
            "&Export as CSV…",
            self.choose_csv_file,
            None,
            "Write one line per photo, for a spreadsheet",
        )
        self.quit_action = self._action(
            "&Quit", self.close, QKeySequence.StandardKey.Quit, "Quit Lookalike"
        )
        self.select_duplicates_action = self._action(
            "Select &Duplicates",
            self.select_duplicates,
            "Ctrl+D",
            "Mark every photo except the suggested keeper in each group",
            self._icon(QIcon.ThemeIcon.EditSelectAll, sp.SP_DialogApplyButton),
        )
        self.select_in_folder_action = self._action(
            "Select in &Folder…",
            self.choose_select_in_folder,
            None,
            "Mark the duplicates that are inside one folder",
        )
        self.invert_selection_action = self._action(
            "&Invert Selection", self.invert_selection, "Ctrl+I", "Flip every mark"
        )
        self.clear_selection_action = self._action(
            "C&lear Selection", self.clear_selection, "Ctrl+Shift+A", "Remove every mark"
        )
        self.trash_action = self._action(
            "&Move to Trash…",
            self.trash_selection,
            QKeySequence.StandardKey.Delete,
            "Move the marked photos to the Trash",
            self._icon("user-trash", sp.SP_TrashIcon),
        )
        self.undo_cleanup_action = self._action(
            "&Undo Last Cleanup",
            self.undo_last_cleanup,
            QKeySequence.StandardKey.Undo,
            "Put the files of the last cleanup back where they were",
            self._icon(QIcon.ThemeIcon.EditUndo, sp.SP_ArrowBack),
        )
        self.skipped_action = self._action(
            "&Skipped Files…",
            self.show_skipped,
            None,
            "The files that could not be read, with the reasons",
        )
        self.about_action = self._action(
            f"&About {APP_NAME}", self.show_about, None, "Version and licences"
        )
        self.about_qt_action = self._action("About &Qt", QApplication.aboutQt)
        self.sort_group = QActionGroup(self)
        self.sort_actions: dict[SortKey, QAction] = {}
        for key, label in _SORT_KEYS:
            action = QAction(label, self)
            action.setCheckable(True)
            action.setData(key.value)
            action.triggered.connect(self._on_sort_action_triggered)
            self.sort_group.addAction(action)
            self.sort_actions[key] = action
        self.sort_actions[SortKey.RECLAIMABLE].setChecked(True)

    def _create_widgets(self) -> None:
        # Left: folders, options, the scan button.
        self.folder_panel = FolderPanel()
        self.folder_panel.add_requested.connect(self.choose_folder)
        self.folder_panel.folders_changed.connect(self._on_folder_panel_folders_changed)
        folders_box = QGroupBox("Folders")
        folders_layout = QVBoxLayout(folders_box)
        folders_layout.addWidget(self.folder_panel)

        options_box = QGroupBox("Find")
        self.identical_radio = QRadioButton("&Identical files only")
        self.identical_radio.setToolTip("Byte-for-byte copies; the fastest scan")
        self.similar_radio = QRadioButton("Similar &photos")
        self.similar_radio.setToolTip(
            "The same picture resized, recompressed, converted, rotated or lightly edited"
        )
        self.mode_group = QButtonGroup(self)
        self.mode_group.addButton(self.identical_radio)
        self.mode_group.addButton(self.similar_radio)
        self.sensitivity_combo = QComboBox()
        self.sensitivity_combo.setAccessibleName("Sensitivity")
        for sensitivity, label, tip in _SENSITIVITIES:
            self.sensitivity_combo.addItem(label, sensitivity.value)
            self.sensitivity_combo.setItemData(
                self.sensitivity_combo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole
            )
        self.subfolders_check = QCheckBox("Include &subfolders")
        self.subfolders_check.setAccessibleName("Include subfolders")
        form = QFormLayout(options_box)
        form.addRow(self.identical_radio)
        form.addRow(self.similar_radio)
        self.sensitivity_label = QLabel("Se&nsitivity:")
        self.sensitivity_label.setBuddy(self.sensitivity_combo)
        form.addRow(self.sensitivity_label, self.sensitivity_combo)
        form.addRow(self.subfolders_check)

        self.scan_button = QPushButton(self.scan_action.icon(), "Scan")
        self.scan_button.setAccessibleName("Scan")
        self.scan_button.setMinimumHeight(36)
        self.scan_button.clicked.connect(self.scan_action.trigger)

        self.side_panel = QWidget()
        side = QVBoxLayout(self.side_panel)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(folders_box, 1)
        side.addWidget(options_box)
        side.addWidget(self.scan_button)

        # Right: progress over the results (or the empty state).
        self.progress_panel = ProgressPanel(self.cancel_action)
        self.progress_panel.hide()
        self.empty_state = EmptyState(self.add_folder_action, self.scan_action)
        self.empty_state.recent_folder_chosen.connect(self.add_folder)
        self.results_view = ResultsView(self.results_model)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty_state)
        self.stack.addWidget(self.results_view)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.progress_panel)
        right_layout.addWidget(self.stack, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.side_panel)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([SIDE_PANEL_PX, 1000])
        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(6, 6, 6, 0)
        central_layout.addWidget(self.splitter)
        self.setCentralWidget(central)

        # Status bar: the selection summary is always visible, with the two follow-up actions.
        self.selection_label = QLabel()
        self.selection_label.setAccessibleName("Selection summary")
        self.skipped_button = QPushButton()
        self.skipped_button.setFlat(True)
        self.skipped_button.setAccessibleName("Show files that could not be read")
        self.skipped_button.clicked.connect(self.skipped_action.trigger)
        self.trash_button = QPushButton(self.trash_action.icon(), "Move to Trash")
        self.trash_button.setAccessibleName("Move the selected files to the Trash")
        self.trash_button.clicked.connect(self.trash_action.trigger)
        status = self.statusBar()
        status.addPermanentWidget(self.skipped_button)
        status.addPermanentWidget(self.selection_label)
        status.addPermanentWidget(self.trash_button)

    def _create_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.add_folder_action)
        self.recent_menu = QMenu("Add &Recent Folder", self)
        self.recent_menu.aboutToShow.connect(self._on_recent_menu_about_to_show)
        file_menu.addMenu(self.recent_menu)
        file_menu.addSeparator()
        file_menu.addAction(self.scan_action)
        file_menu.addAction(self.cancel_action)
        file_menu.addSeparator()
        file_menu.addAction(self.open_results_action)
        file_menu.addAction(self.save_results_action)
        file_menu.addAction(self.export_csv_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addAction(self.undo_cleanup_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.select_duplicates_action)
        edit_menu.addAction(self.select_in_folder_action)
        edit_menu.addAction(self.invert_selection_action)
        edit_menu.addAction(self.clear_selection_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.trash_action)
        view_menu = bar.addMenu("&View")
        sort_menu = view_menu.addMenu("&Sort Groups By")
        for action in self.sort_group.actions():
            sort_menu.addAction(action)
        view_menu.addAction(self.skipped_action)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.about_action)
        help_menu.addAction(self.about_qt_action)

    def _create_toolbar(self) -> None:
        self.toolbar = QToolBar("Main")
        self.toolbar.setObjectName("main_toolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toolbar.addAction(self.add_folder_action)
        self.toolbar.addAction(self.scan_action)
        self.toolbar.addAction(self.cancel_action)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.select_duplicates_action)
        self.toolbar.addAction(self.trash_action)
        self.toolbar.addAction(self.undo_cleanup_action)
        self.addToolBar(self.toolbar)

    # --- settings -------------------------------------------------------------------------

    def _restore_settings(self) -> None:
        s = self.settings
        self.folder_panel.set_folders(s.folders, s.reference_folders)
        (
            self.similar_radio if s.scan_mode is ScanMode.SIMILAR else self.identical_radio
        ).setChecked(True)
        self.sensitivity_combo.setCurrentIndex(
            max(0, self.sensitivity_combo.findData(s.sensitivity.value))
        )
        self.subfolders_check.setChecked(s.include_subfolders)
        sort_action = next(
            (a for a in self.sort_group.actions() if a.data() == s.sort_key),
            self.sort_actions[SortKey.RECLAIMABLE],
        )
        sort_action.setChecked(True)
        if not s.window_geometry.isEmpty():
            self.restoreGeometry(s.window_geometry)
        else:
            self.resize(1200, 780)
        if not s.window_state.isEmpty():
            self.restoreState(s.window_state)
        if not s.splitter_state.isEmpty():
            self.splitter.restoreState(s.splitter_state)
        if not s.results_splitter_state.isEmpty():
            self.results_view.splitter.restoreState(s.results_splitter_state)
        else:
            self.results_view.splitter.setSizes([1000 - PREVIEW_PANE_PX, PREVIEW_PANE_PX])

    def save_settings(self) -> None:
        s = self.settings
        s.folders = self.folder_panel.folders()
        s.reference_folders = self.folder_panel.reference_folders()
        s.scan_mode = self.scan_mode()
        s.sensitivity = self.sensitivity()
        s.include_subfolders = self.subfolders_check.isChecked()
        s.window_geometry = self.saveGeometry()
        s.window_state = self.saveState()
        s.splitter_state = self.splitter.saveState()
        s.results_splitter_state = self.results_view.splitter.saveState()
        s.sync()

    def scan_mode(self) -> ScanMode:
        return ScanMode.SIMILAR if self.similar_radio.isChecked() else ScanMode.EXACT

    def sensitivity(self) -> Sensitivity:
        return Sensitivity(self.sensitivity_combo.currentData())

    def scan_options(self) -> ScanOptions:
        """What the next scan will do, built from the controls (the engine never reads
        settings)."""
        return ScanOptions(
            roots=tuple(self.folder_panel.folders()),
            reference_roots=tuple(self.folder_panel.reference_folders()),
            mode=self.scan_mode(),
            sensitivity=self.sensitivity(),
            recursive=self.subfolders_check.isChecked(),
            cache_path=default_cache_path(),
        )

    # --- folders --------------------------------------------------------------------------

    @Slot()
    def choose_folder(self) -> None:
        start = self.settings.last_browse_dir or os.path.expanduser("~")
        folder = QFileDialog.getExistingDirectory(self, "Add a folder to search", start)
        if folder:
            self.settings.last_browse_dir = os.path.dirname(normalize_folder(folder))
            self.add_folder(folder)

    @Slot(str)
    def add_folder(self, path: str) -> bool:
        """Add ``path`` to the folders to scan and to the recent folders."""
        if not os.path.isdir(path):
            show_action_error(self, "Adding the folder", f"{path} is not a folder any more.")
            return False
        added = self.folder_panel.add_folder(path)
        self.settings.add_recent_folder(normalize_folder(path))
        self._update_state()
        return added

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if not self.is_busy() and folders_in_mime(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        folders = folders_in_mime(event.mimeData())
        if self.is_busy() or not folders:
            event.ignore()
            return
        for folder in folders:
            self.add_folder(folder)
        event.acceptProposedAction()

    @Slot()
    def _on_recent_menu_about_to_show(self) -> None:
        self.recent_menu.clear()
        recent = self.settings.recent_folders
        for folder in recent:
            action = self.recent_menu.addAction(folder)
            action.setData(folder)
            action.triggered.connect(self._on_recent_action_triggered)
        if recent:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear List").triggered.connect(self._on_clear_recent)
        else:
            self.recent_menu.addAction("No recent folders").setEnabled(False)

    @Slot()
    def _on_recent_action_triggered(self) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            self.add_folder(str(action.data()))

    @Slot()
    def _on_clear_recent(self) -> None:
        self.settings.clear_recent_folders()
        self._update_state()

    @Slot()
    def _on_folder_panel_folders_changed(self) -> None:
        self.settings.folders = self.folder_panel.folders()
        self.settings.reference_folders = self.folder_panel.reference_folders()
        self._update_state()

    @Slot()
    def _on_options_changed(self) -> None:
        self.settings.scan_mode = self.scan_mode()
        self.settings.sensitivity = self.sensitivity()
        self.settings.include_subfolders = self.subfolders_check.isChecked()
        self._update_state()

    # --- scanning -------------------------------------------------------------------------

    def is_busy(self) -> bool:
        return (
            self.scan_worker is not None
            or self.cleanup_worker is not None
            or self.file_task is not None
        )

    @Slot()
    def start_scan(self) -> None:
        if self.is_busy():
            return
        if self.folder_panel.is_empty():
            self.choose_folder()
            if self.folder_panel.is_empty():
                return
        options = self.scan_options()
        log.info("scan starting: %s", options)
        self.results_model.clear()
        self.skipped = []
        self.last_summary = None
        self.last_options = options
        self.last_cleanup = None
        worker = ScanWorker(options, self._scan_function)
        signals = worker.signals
        signals.progress_changed.connect(self._on_worker_progress_changed)
        signals.groups_found.connect(self._on_worker_groups_found)
        signals.groups_updated.connect(self._on_worker_groups_updated)
        signals.groups_removed.connect(self._on_worker_groups_removed)
        signals.file_skipped.connect(self._on_worker_file_skipped)
        signals.finished.connect(self._on_worker_finished)
        signals.failed.connect(self._on_worker_failed)
        self.scan_worker = worker
        self.progress_panel.start(Stage.WALK.value)
        self.stack.setCurrentWidget(self.results_view)
        self._update_state()
        self.statusBar().clearMessage()
        worker.start_on(self.pool)
        self.scan_started.emit()

    @Slot()
    def cancel_scan(self) -> None:
        """Cancel what runs: the scan, or a cleanup or undo (after its current file)."""
        if self.scan_worker is not None and not self.scan_worker.is_cancelled:
            self.scan_worker.cancel()
            self.progress_panel.stage_label.setText("Cancelling…")
        elif self.cleanup_worker is not None and not self.cleanup_worker.is_cancelled:
            self.cleanup_worker.cancel()
            self.progress_panel.stage_label.setText(words.stopping_after_current_file())
        else:
            return
        self.progress_panel.cancel_button.setEnabled(False)
        self.cancel_action.setEnabled(False)

    @Slot(object)
    def _on_worker_progress_changed(self, progress: Progress) -> None:
        if self.scan_worker is not None and not self.scan_worker.is_cancelled:
            self.progress_panel.show_progress(progress)

    @Slot(list)
    def _on_worker_groups_found(self, groups: list[Group]) -> None:
        self.results_model.add_groups(groups)

    @Slot(list)
    def _on_worker_groups_updated(self, groups: list[Group]) -> None:
        self.results_model.update_groups(groups)

    @Slot(list)
    def _on_worker_groups_removed(self, group_ids: list[int]) -> None:
        self.results_model.remove_groups(group_ids)

    @Slot(object)
    def _on_worker_file_skipped(self, skipped: Skipped) -> None:
        self.skipped.append(skipped)
        # A folder of non-images skips thousands of files; relabel a few times a second only.
        if not self._skipped_timer.isActive():
            self._skipped_timer.start()

    @Slot(object)
    def _on_worker_finished(self, summary: ScanSummary) -> None:
        self.scan_worker = None
        self.last_summary = summary
        self.progress_panel.hide()
        self.results_model.sort_groups(self.sort_key())
        groups = self.results_model.rowCount()
        if summary.cancelled:
            message = f"Scan cancelled · {words.groups(groups)} found so far"
        else:
            reclaimable = words.reclaimable(self.results_model.reclaimable_bytes())
            message = (
                f"Scanned {words.files(summary.files)} in {words.duration(summary.elapsed_s)} · "
                f"{words.groups(groups)} · {reclaimable}"
            )
        self.statusBar().showMessage(message)
        log.info("scan finished: %s", summary)
        self._update_state()
        if groups:
            self.results_view.setFocus()  # arrows, Space and Delete work straight away
        self.scan_finished.emit(summary)

    @Slot(object)
    def _on_worker_failed(self, failure: Failure) -> None:
        self.scan_worker = None
        self.progress_panel.hide()
        self._update_state()
        self.statusBar().showMessage("The scan stopped because of an error")
        self.scan_failed.emit(failure.details)
        show_bug_report("The scan stopped because of an error.", failure.details, self)

    # --- selection ------------------------------------------------------------------------

    def sort_key(self) -> SortKey:
        action = self.sort_group.checkedAction()
        return SortKey(action.data()) if action is not None else SortKey.RECLAIMABLE

    @Slot()
    def _on_sort_action_triggered(self) -> None:
        self.settings.sort_key = self.sort_key().value
        self.results_model.sort_groups(self.sort_key())

    @Slot()
    def select_duplicates(self) -> None:
        self.results_model.select_duplicates()

    @Slot()
    def invert_selection(self) -> None:
        self.results_model.invert_selection()

    @Slot()
    def clear_selection(self) -> None:
        self.results_model.clear_selection()

    @Slot()
    def choose_select_in_folder(self) -> None:
        folders = sorted(
            {os.path.dirname(m.path) for g in self.results_model.groups() for m in g.duplicates}
        )
        if not folders:
            return
        folder, ok = QInputDialog.getItem(
            self, "Select in folder", "Mark the duplicates inside:", folders, 0, False
        )
        if ok and folder:
            self.results_model.select_in_folder(folder)

    @Slot(int, int)
    def _on_model_selection_changed(self, count: int, size: int) -> None:
        self._update_selection_summary(count, size)
        self._update_state()

    @Slot()
    def _on_model_rows_changed(self) -> None:
        # Removing trashed files emits one rowsRemoved per member; refresh once afterwards.
        self._state_timer.start()

    def _update_selection_summary(self, count: int, size: int) -> None:
        self.selection_label.setText(words.selection(count, size))
        label = words.move_to_trash(count)
        self.trash_button.setText(label)
        self.trash_action.setText(f"&{label}…")

    # --- cleanup --------------------------------------------------------------------------

    @Slot()
    def trash_selection(self) -> None:
        """Ask, then move the checked files to the Trash on the pool."""
        if self.is_busy():
            return
        groups = self.results_model.groups()
        checked = self.results_model.checked_paths()
        if not checked:
            return
        options = self.last_options
        # The plan is pure and fast: made here, so the confirmation shows its real numbers.
        plan = plan_cleanup(
            groups,
            checked,
            roots=options.roots if options else (),
            reference_roots=options.reference_roots if options else (),
        )
        if not self.confirm_trash(self, plan):
            return
        worker = CleanupWorker.run_plan(plan)
        self._start_cleanup(worker, words.moving_to_trash(len(plan.files)))

    @Slot()
    def undo_last_cleanup(self) -> None:
        if self.is_busy():
            return
        self._start_cleanup(CleanupWorker.undo(), "Restoring the last cleanup")

    def _start_cleanup(self, worker: CleanupWorker, text: str) -> None:
        worker.signals.progress_changed.connect(self._on_cleanup_progress_changed)
        worker.signals.finished.connect(self._on_cleanup_finished)
        worker.signals.failed.connect(self._on_cleanup_failed)
        self.cleanup_worker = worker
        self.progress_panel.start(text)
        self._update_state()
        worker.start_on(self.pool)

    @Slot(object)
    def _on_cleanup_progress_changed(self, progress: BatchProgress) -> None:
        self.progress_panel.show_cleanup_progress(progress)

    @Slot(object)
    def _on_cleanup_finished(self, report: CleanupReport) -> None:
        self.cleanup_worker = None
        self.progress_panel.hide()
        if report.done_paths:
            self.results_model.remove_paths(report.done_paths)
        self.last_cleanup = report
        message = report.summary_text()
        if report.is_undo:
            self.can_undo = False
            if report.batch.done:
                message += " · scan again to see them in the results"
        elif report.done_paths:
            self.can_undo = True
        self.statusBar().showMessage(message)
        self._update_state()
        self.cleanup_finished.emit(report)
        if report.problems:
            show_cleanup_report(self, report)

    @Slot(object)
    def _on_cleanup_failed(self, failure: Failure) -> None:
        self.cleanup_worker = None
        self.progress_panel.hide()
        self._update_state()
        show_bug_report("The cleanup stopped because of an error.", failure.details, self)

    # --- result files ---------------------------------------------------------------------

    def current_result(self) -> ScanResult:
        """The groups on screen, the marks and the skipped files, as a result to save."""
        options = self.last_options or self.scan_options()
        return ScanResult(
            roots=options.roots,
            reference_roots=options.reference_roots,
            mode=options.mode,
            sensitivity=options.sensitivity,
            groups=tuple(self.results_model.groups()),
            skipped=tuple(self.skipped),
            summary=self.last_summary or ScanSummary(),
            selected=frozenset(self.results_model.checked_paths()),
        )

    def _result_dialog_dir(self) -> str:
        return self.settings.last_browse_dir or os.path.expanduser("~")

    @Slot()
    def choose_results_file(self) -> None:
        start = os.path.join(self._result_dialog_dir(), "lookalike-results.json")
        path, _ = QFileDialog.getSaveFileName(
            self, "Save results", start, "Lookalike results (*.json)"
        )
        if path:
            self.save_results(path)

    @Slot()
    def choose_csv_file(self) -> None:
        start = os.path.join(self._result_dialog_dir(), "lookalike-results.csv")
        path, _ = QFileDialog.getSaveFileName(self, "Export as CSV", start, "CSV files (*.csv)")
        if path:
            self.export_csv(path)

    @Slot()
    def choose_results_to_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open results", self._result_dialog_dir(), "Lookalike results (*.json)"
        )
        if path:
            self.open_results(path)

    def save_results(self, path: str) -> None:
        """Write the current result to ``path`` (JSON) off the GUI thread."""
        result = self.current_result()

        def save() -> str:
            report.save_json(result, path)
            return path

        self._start_file_task(OneShotWorker(save, "Saving the results"))

    def export_csv(self, path: str) -> None:
        result = self.current_result()

        def export() -> str:
            report.save_csv(result, path)
            return path

        self._start_file_task(OneShotWorker(export, "Exporting the results"))

    def open_results(self, path: str) -> None:
        """Read a saved result off the GUI thread, then show it in place of the current one."""
        self._start_file_task(
            OneShotWorker(functools.partial(report.load_json, path), "Opening the result file")
        )

    def _start_file_task(self, task: OneShotWorker) -> None:
        if self.is_busy():
            return
        task.signals.finished.connect(self._on_file_task_succeeded)
        task.signals.failed.connect(self._on_file_task_failed)
        self.file_task = task
        self.statusBar().showMessage(f"{task.description}…")
        self._update_state()
        task.start_on(self.pool)

    @Slot(object)
    def _on_file_task_succeeded(self, value: object) -> None:
        self.file_task = None
        if isinstance(value, ScanResult):
            self._show_result(value)
            self.statusBar().showMessage(
                f"Opened {words.groups(len(value.groups))} · "
                f"{words.files(self.results_model.checked_count())} marked"
            )
            self.results_loaded.emit(value)
        else:
            path = str(value)
            self.settings.last_browse_dir = os.path.dirname(path)
            self.statusBar().showMessage(f"Saved {path}")
            self.results_saved.emit(path)
        self._update_state()

    @Slot(object)
    def _on_file_task_failed(self, failure: Failure) -> None:
        error = failure.error
        task, self.file_task = self.file_task, None
        self._update_state()
        self.statusBar().clearMessage()
        action = task.description if task is not None else "The file operation"
        if isinstance(error, report.ReportError | OSError):
            show_action_error(self, action, str(error))
        else:
            show_bug_report(f"{action} failed: {error!r}", failure.details, self)

    def _show_result(self, result: ScanResult) -> None:
        self.folder_panel.set_folders(result.roots, result.reference_roots)
        similar = result.mode is ScanMode.SIMILAR
        (self.similar_radio if similar else self.identical_radio).setChecked(True)
        self.results_model.clear()
        self.results_model.add_groups(list(result.groups))
        self.results_model.sort_groups(self.sort_key())
        self.results_model.set_checked_paths(result.selected)
        self.skipped = list(result.skipped)
        self.last_summary = result.summary
        self.last_options = ScanOptions(
            roots=result.roots,
            reference_roots=result.reference_roots,
            mode=result.mode,
            sensitivity=result.sensitivity,
        )
        self.can_undo = False
        self.last_cleanup = None

    # --- dialogs --------------------------------------------------------------------------

    @Slot()
    def show_skipped(self) -> None:
        count = len(self.skipped)
        dialog = ProblemListDialog(
            "Skipped files",
            words.not_compared(count),
            ["File", "Reason"],
            [(s.path, s.message) for s in self.skipped],
            self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    @Slot()
    def show_about(self) -> None:
        dialog = AboutDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    # --- state ----------------------------------------------------------------------------

    @Slot()
    def _update_skipped_button(self) -> None:
        count = len(self.skipped)
        self.skipped_button.setText(words.unreadable(count))
        self.skipped_button.setVisible(count > 0)
        self.skipped_action.setEnabled(count > 0)

    @Slot()
    def _update_state(self) -> None:
        scanning = self.scan_worker is not None
        busy = self.is_busy()
        has_folders = not self.folder_panel.is_empty()
        has_groups = self.results_model.rowCount() > 0
        checked = self.results_model.checked_count()
        self.add_folder_action.setEnabled(not busy)
        self.scan_action.setEnabled(not busy and has_folders)
        self.scan_button.setEnabled(not busy and has_folders)
        running = self.scan_worker or self.cleanup_worker
        self.cancel_action.setEnabled(running is not None and not running.is_cancelled)
        self.cancel_action.setVisible(running is not None)
        self.folder_panel.setEnabled(not busy)
        for widget in (self.identical_radio, self.similar_radio, self.subfolders_check):
            widget.setEnabled(not busy)
        similar = self.similar_radio.isChecked()
        self.sensitivity_combo.setEnabled(not busy and similar)
        self.sensitivity_label.setEnabled(not busy and similar)
        for action in (
            self.select_duplicates_action,
            self.select_in_folder_action,
            self.invert_selection_action,
        ):
            action.setEnabled(has_groups and not busy)
        self.clear_selection_action.setEnabled(checked > 0 and not busy)
        self.trash_action.setEnabled(checked > 0 and not busy)
        self.trash_button.setEnabled(checked > 0 and not busy)
        self.undo_cleanup_action.setEnabled(self.can_undo and not busy)
        self.open_results_action.setEnabled(not busy)
        self.save_results_action.setEnabled(has_groups and not busy)
        self.export_csv_action.setEnabled(has_groups and not busy)
        self._update_selection_summary(checked, self.results_model.checked_bytes())
        self._update_skipped_button()
        if has_groups or scanning:
            self.stack.setCurrentWidget(self.results_view)
        else:
            self.stack.setCurrentWidget(self.empty_state)
            self.empty_state.show_state(
                self._empty_message(has_folders),
                can_scan=has_folders and not busy,
                recent=[] if has_folders else self.settings.recent_folders,
            )

    def _empty_message(self, has_folders: bool) -> str:
        summary = self.last_summary
        cleanup = self.last_cleanup
        if cleanup is not None and not cleanup.is_undo and cleanup.done_paths:
            return f"Nothing left to review: {cleanup.summary_text()}. Scan again to look for more."
        if cleanup is not None and cleanup.is_undo and cleanup.batch.done:
            # The restored files are back on disk but not in the (empty) results: "no
            # duplicates" would be wrong here.
            return f"{cleanup.summary_text()}. Scan again to see them in the results."
        if summary is not None and not summary.cancelled:
            similar = self.last_options is None or self.last_options.mode is ScanMode.SIMILAR
            # Only suggest "Similar photos" to someone who searched for identical files.
            hint = "a looser sensitivity" if similar else "“Similar photos”"
            among = words.files(summary.files)
            return f"No duplicates among {among}. Try {hint}, or add more folders."
        if has_folders:
            count = len(self.folder_panel.folders())
            return f"Ready to search {words.folders(count)}. Press Scan to start."
        return "Add the folders to search, or drop them onto this window."

    # --- shutdown -------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_settings()
        if self.scan_worker is not None:
            self.scan_worker.cancel()
        if self.cleanup_worker is not None:
            self.cleanup_worker.cancel()
        # The workers check their cancel token between files; wait so no thread outlives the
        # window and writes into a model that is gone.
        if not self.pool.waitForDone(SHUTDOWN_WAIT_MS):
            log.warning("background work still running after %d ms", SHUTDOWN_WAIT_MS)
        self.results_view.shutdown()
        super().closeEvent(event)
