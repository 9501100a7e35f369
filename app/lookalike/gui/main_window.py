"""The main window: the widgets around one ``Session``.

The window lays out the folders, the options, the progress, the results and the status bar,
turns clicks into ``Session`` calls, asks the questions (the file dialogs, the confirmation) and
shows what the session's signals say. The session owns the workers, the results and the undo
state; the commands are declared in ``lookalike.gui.actions``. Nothing here reads files or
decodes images.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QGroupBox,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from lookalike import APP_NAME
from lookalike.core import names, report, words
from lookalike.core.cleanup.events import ActionKind, BatchProgress
from lookalike.core.cleanup.plan import Plan
from lookalike.core.events import Progress, Stage
from lookalike.core.model import (
    MatchKind,
    Member,
    Rule,
    ScanMode,
    ScanOptions,
    ScanResult,
    ScanSummary,
    Sensitivity,
    Skipped,
)
from lookalike.core.not_duplicates import Choice, ChoiceKind, NotDuplicatesError, describe
from lookalike.core.paths import default_cache_path
from lookalike.gui.about import AboutDialog
from lookalike.gui.actions import RECENT_MENU, SORT_MENU, THEME_MENU, Actions, UiState
from lookalike.gui.cleanup import (
    CleanupChoice,
    CleanupReport,
    confirm_cleanup,
    show_cleanup_report,
)
from lookalike.gui.empty_state import EmptyState
from lookalike.gui.errors import ProblemListDialog, show_action_error, show_bug_report
from lookalike.gui.folder_dialog import FolderTreeDialog
from lookalike.gui.folders import FolderPanel, folders_in_mime, normalize_folder
from lookalike.gui.i18n import QT_TRANSLATE_NOOP
from lookalike.gui.not_duplicates_dialog import NotDuplicatesDialog
from lookalike.gui.options_panel import OptionsPanel
from lookalike.gui.progress_panel import ProgressPanel
from lookalike.gui.results_model import FolderMarks, SortKey
from lookalike.gui.results_view import ResultsView
from lookalike.gui.rules_dialog import RulesDialog
from lookalike.gui.scan_worker import ScanFunction
from lookalike.gui.session import Session
from lookalike.gui.settings import Settings
from lookalike.gui.shortcuts import ShortcutsDialog
from lookalike.gui.theme import THEME_LABELS, Theme, apply_theme
from lookalike.gui.workers import Failure

log = logging.getLogger(__name__)

SHUTDOWN_WAIT_MS = 5000  # how long closing the window waits for a cancelled scan to stop
SIDE_PANEL_PX = 250  # initial width of the folders/options column
PREVIEW_PANE_PX = 400  # initial width of the preview beside the grid
_SORT_KEYS = (
    (SortKey.RECLAIMABLE, QT_TRANSLATE_NOOP("MainWindow", "Space Reclaimable")),
    (SortKey.SIMILARITY, QT_TRANSLATE_NOOP("MainWindow", "Similarity")),
    (SortKey.FOLDER, QT_TRANSLATE_NOOP("MainWindow", "Folder")),
)

ConfirmCleanup = Callable[[QWidget, Plan, CleanupChoice], bool]
QUIT_BOX_NAME = "confirm_quit"
FOLDER_MARKS_BOX_NAME = "folder_marks"


class MainWindow(QMainWindow):
    """Lookalike's one window."""

    # Emitted once the window shows the outcome (the session's own signals come before that).
    scan_started = Signal()
    scan_finished = Signal(object)  # ScanSummary; also after a cancel
    scan_failed = Signal(str)  # traceback text
    cleanup_finished = Signal(object)  # CleanupReport
    results_saved = Signal(str)  # the file written
    results_loaded = Signal(object)  # ScanResult

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        confirm: ConfirmCleanup = confirm_cleanup,
        scan: ScanFunction | None = None,
        prepare_levels: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        """``prepare_levels``: get the other sensitivity levels ready in the background after a
        scan (the application does; tests that do not need it leave it off)."""
        super().__init__(parent)
        self.settings = settings if settings is not None else Settings()
        # Injected so that tests (and a future "don't ask again") can answer the question.
        self.confirm_cleanup = confirm
        self.setWindowTitle(APP_NAME)
        self.setAcceptDrops(True)
        self.session = Session(scan, self, prepare_levels=prepare_levels)
        self.results_model = self.session.results_model

        self._state_timer = QTimer(self)
        self._state_timer.setSingleShot(True)
        self._state_timer.setInterval(0)
        self._state_timer.timeout.connect(self._update_state)
        self._skipped_timer = QTimer(self)
        self._skipped_timer.setSingleShot(True)
        self._skipped_timer.setInterval(200)
        self._skipped_timer.timeout.connect(self._on_skipped_timer_timeout)
        self.actions_table = Actions(self)
        self.rules_dialog: RulesDialog | None = None
        self.folder_dialog: FolderTreeDialog | None = None
        self._ask_before_closing = False  # the Quit command (or the window manager) closes
        self._close_after_save = False
        self._create_sort_actions()
        self._create_theme_actions()
        self._create_widgets()
        self._create_menus()
        self._create_toolbar()
        self._restore_settings()
        # Connected only now, so restoring one control cannot save the others' defaults.
        self.options_panel.options_changed.connect(self._on_options_changed)
        self.results_model.selection_changed.connect(self._on_model_selection_changed)
        self.results_model.rowsInserted.connect(self._on_model_rows_changed)
        self.results_model.rowsRemoved.connect(self._on_model_rows_changed)
        self.results_model.modelReset.connect(self._on_model_rows_changed)
        self._connect_session()
        self._update_state()

    def action(self, name: str) -> QAction:
        """The command ``name`` of ``lookalike.gui.actions.ACTIONS``."""
        return self.actions_table[name]

    # --- construction ---------------------------------------------------------------------

    def _create_sort_actions(self) -> None:
        self.sort_group = QActionGroup(self)
        self.sort_actions: dict[SortKey, QAction] = {}
        for key, label in _SORT_KEYS:
            action = QAction(QCoreApplication.translate("MainWindow", label), self)
            action.setCheckable(True)
            action.setData(key.value)
            action.triggered.connect(self._on_sort_action_triggered)
            self.sort_group.addAction(action)
            self.sort_actions[key] = action
        self.sort_actions[SortKey.RECLAIMABLE].setChecked(True)

    def _create_theme_actions(self) -> None:
        self.theme_group = QActionGroup(self)
        self.theme_actions: dict[Theme, QAction] = {}
        for theme in Theme:
            action = QAction(QCoreApplication.translate("MainWindow", THEME_LABELS[theme]), self)
            action.setCheckable(True)
            action.setData(theme.value)
            action.triggered.connect(self._on_theme_action_triggered)
            self.theme_group.addAction(action)
            self.theme_actions[theme] = action

    def _create_widgets(self) -> None:
        # Left: folders, options, the scan button.
        self.folder_panel = FolderPanel()
        self.folder_panel.add_requested.connect(self.choose_folder)
        self.folder_panel.folders_changed.connect(self._on_folder_panel_folders_changed)
        folders_box = QGroupBox(self.tr("Folders"))
        folders_layout = QVBoxLayout(folders_box)
        folders_layout.addWidget(self.folder_panel)
        self.options_panel = OptionsPanel()

        scan_action = self.action("scan")
        self.scan_button = QPushButton(scan_action.icon(), self.tr("Scan"))
        self.scan_button.setAccessibleName(self.tr("Scan"))
        self.scan_button.setMinimumHeight(36)
        self.scan_button.clicked.connect(scan_action.trigger)

        self.side_panel = QWidget()
        side = QVBoxLayout(self.side_panel)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(folders_box, 1)
        side.addWidget(self.options_panel)
        side.addWidget(self.scan_button)

        # Right: progress over the results (or the empty state).
        self.progress_panel = ProgressPanel(self.action("cancel"))
        self.progress_panel.hide()
        self.empty_state = EmptyState(self.action("add_folder"), scan_action)
        self.empty_state.recent_folder_chosen.connect(self.add_folder)
        self.results_view = ResultsView(self.results_model)
        self.results_view.message_requested.connect(self._on_results_view_message_requested)
        self.results_view.keeper_requested.connect(self._on_results_view_keeper_requested)
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
        self.selection_label.setAccessibleName(self.tr("Selection summary"))
        self.skipped_button = QPushButton()
        self.skipped_button.setFlat(True)
        self.skipped_button.setAccessibleName(self.tr("Show files that could not be read"))
        self.skipped_button.clicked.connect(self.action("skipped").trigger)
        trash_action = self.action("trash")
        self.trash_button = QPushButton(trash_action.icon(), self.tr("Move to Trash"))
        self.trash_button.setAccessibleName(self.tr("Move the selected files to the Trash"))
        self.trash_button.clicked.connect(trash_action.trigger)
        status = self.statusBar()
        status.addPermanentWidget(self.skipped_button)
        status.addPermanentWidget(self.selection_label)
        status.addPermanentWidget(self.trash_button)

    def _create_menus(self) -> None:
        submenus = self.actions_table.fill_menus(self.menuBar())
        self.recent_menu = submenus[RECENT_MENU.key]
        self.recent_menu.aboutToShow.connect(self._on_recent_menu_about_to_show)
        sort_menu = submenus[SORT_MENU.key]
        for action in self.sort_group.actions():
            sort_menu.addAction(action)
        theme_menu = submenus[THEME_MENU.key]
        for action in self.theme_group.actions():
            theme_menu.addAction(action)

    def _create_toolbar(self) -> None:
        self.toolbar = QToolBar(self.tr("Main"))
        self.toolbar.setObjectName("main_toolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.actions_table.fill_toolbar(self.toolbar)
        self.addToolBar(self.toolbar)

    def _connect_session(self) -> None:
        s = self.session
        s.scan_progress_changed.connect(self._on_session_scan_progress_changed)
        s.file_skipped.connect(self._on_session_file_skipped)
        s.scan_finished.connect(self._on_session_scan_finished)
        s.scan_failed.connect(self._on_session_scan_failed)
        s.cleanup_progress_changed.connect(self._on_session_cleanup_progress_changed)
        s.cleanup_finished.connect(self._on_session_cleanup_finished)
        s.cleanup_failed.connect(self._on_session_cleanup_failed)
        s.results_saved.connect(self._on_session_results_saved)
        s.results_loaded.connect(self._on_session_results_loaded)
        s.file_task_failed.connect(self._on_session_file_task_failed)
        s.not_duplicates_remembered.connect(self._on_session_not_duplicates_remembered)

    # --- settings -------------------------------------------------------------------------

    def _restore_settings(self) -> None:
        s = self.settings
        self.folder_panel.set_folders(s.folders, s.reference_folders)
        self.options_panel.set_mode(s.scan_mode)
        self.options_panel.set_sensitivity(s.sensitivity)
        self.options_panel.set_include_subfolders(s.include_subfolders)
        sort_action = next(
            (a for a in self.sort_group.actions() if a.data() == s.sort_key),
            self.sort_actions[SortKey.RECLAIMABLE],
        )
        sort_action.setChecked(True)
        self.session.sort_key = self.sort_key()
        self.session.keeper_rules = s.keeper_rules
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
        if not s.table_header_state.isEmpty():
            self.results_view.table.horizontalHeader().restoreState(s.table_header_state)
        self.results_view.set_duplicates_only(s.duplicates_only)
        self.results_view.show_table(s.results_as_table)
        try:
            theme = Theme(s.theme)
        except ValueError:
            theme = Theme.SYSTEM
        self.theme_actions[theme].setChecked(True)
        self._apply_theme(theme)

    def save_settings(self) -> None:
        s = self.settings
        s.folders = self.folder_panel.folders()
        s.reference_folders = self.folder_panel.reference_folders()
        s.scan_mode = self.options_panel.mode()
        s.sensitivity = self.options_panel.sensitivity()
        s.include_subfolders = self.options_panel.include_subfolders()
        s.window_geometry = self.saveGeometry()
        s.window_state = self.saveState()
        s.splitter_state = self.splitter.saveState()
        s.results_splitter_state = self.results_view.splitter.saveState()
        s.table_header_state = self.results_view.table.horizontalHeader().saveState()
        s.results_as_table = self.results_view.is_table_shown()
        s.duplicates_only = self.results_view.duplicates_only()
        s.sync()

    def scan_options(self) -> ScanOptions:
        """What the next scan will do, built from the controls (the engine never reads
        settings)."""
        return ScanOptions(
            roots=tuple(self.folder_panel.folders()),
            reference_roots=tuple(self.folder_panel.reference_folders()),
            mode=self.options_panel.mode(),
            sensitivity=self.options_panel.sensitivity(),
            recursive=self.options_panel.include_subfolders(),
            cache_path=default_cache_path(),
        )

    # --- folders --------------------------------------------------------------------------

    @Slot()
    def choose_folder(self) -> None:
        start = self.settings.last_browse_dir or os.path.expanduser("~")
        folder = QFileDialog.getExistingDirectory(self, self.tr("Add a folder to search"), start)
        if folder:
            self.settings.last_browse_dir = os.path.dirname(normalize_folder(folder))
            self.add_folder(folder)

    @Slot(str)
    def add_folder(self, path: str) -> bool:
        """Add ``path`` to the folders to scan and to the recent folders."""
        if not os.path.isdir(path):
            show_action_error(
                self,
                self.tr("Adding the folder"),
                self.tr("{path} is not a folder any more.").format(path=path),
            )
            return False
        added = self.folder_panel.add_folder(path)
        self.settings.add_recent_folder(normalize_folder(path))
        self._update_state()
        return added

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if not self.session.is_busy() and folders_in_mime(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        folders = folders_in_mime(event.mimeData())
        if self.session.is_busy() or not folders:
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
            action = self.recent_menu.addAction(names.quoted(folder))
            # Bytes: a QString would drop the undecodable bytes of a name that is not UTF-8.
            action.setData(os.fsencode(folder))
            action.triggered.connect(self._on_recent_action_triggered)
        if recent:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction(self.tr("Clear List")).triggered.connect(
                self._on_clear_recent
            )
        else:
            self.recent_menu.addAction(self.tr("No recent folders")).setEnabled(False)

    @Slot()
    def _on_recent_action_triggered(self) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            self.add_folder(os.fsdecode(bytes(action.data())))

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
        self.settings.scan_mode = self.options_panel.mode()
        self.settings.sensitivity = self.options_panel.sensitivity()
        self.settings.include_subfolders = self.options_panel.include_subfolders()
        sensitivity = self.options_panel.sensitivity()
        # A new sensitivity regroups the groups shown at once, from the cache (no decoding).
        if self.options_panel.mode() is ScanMode.SIMILAR and self.session.can_regroup(sensitivity):
            self._regroup(sensitivity)
        self._update_state()

    def _regroup(self, sensitivity: Sensitivity | None = None) -> None:
        if self.session.regroup(sensitivity):
            self.progress_panel.start(Stage.WALK.value)
            self.statusBar().clearMessage()
            self._update_state()
            self.scan_started.emit()

    # --- "not duplicates" -------------------------------------------------------------------

    @Slot()
    def mark_not_duplicate(self) -> None:
        """The current member is not a duplicate of the rest of its group."""
        member = self.results_view.current_member()
        group = self.results_view.current_group_record()
        if member is None or group is None:
            return
        others = [m for m in group.members if m.path != member.path]
        self._remember(ChoiceKind.MEMBER, [member, *others])

    @Slot()
    def mark_pair_not_duplicates(self) -> None:
        """The current member and the one it is compared with are not duplicates."""
        pair = self.results_view.current_pair()
        if pair is not None:
            self._remember(ChoiceKind.PAIR, list(pair))

    @Slot()
    def mark_group_not_duplicates(self) -> None:
        """No two files of the current group are duplicates."""
        group = self.results_view.current_group_record()
        if group is not None:
            self._remember(ChoiceKind.GROUP, list(group.members))

    def _remember(self, kind: ChoiceKind, members: list[Member]) -> None:
        self.session.mark_not_duplicates(kind, members)

    @Slot(object)
    def _on_session_not_duplicates_remembered(self, choice: Choice) -> None:
        self.statusBar().showMessage(
            self.tr("Remembered: {choice}").format(choice=describe(choice))
        )
        self._update_state()

    @Slot()
    def show_not_duplicates(self) -> None:
        dialog = NotDuplicatesDialog(self.session, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    # --- scanning -------------------------------------------------------------------------

    @Slot()
    def start_scan(self) -> None:
        if self.session.is_busy():
            return
        if self.folder_panel.is_empty():
            self._point_at_add_folder()
            return
        if not self.session.start_scan(self.scan_options()):
            return
        self.progress_panel.start(Stage.WALK.value)
        self.stack.setCurrentWidget(self.results_view)
        self._update_state()
        self.statusBar().clearMessage()
        self.scan_started.emit()

    def _point_at_add_folder(self) -> None:
        """Scan with nothing to scan: say so where the user looks, and put the focus on the
        button that fixes it."""
        message = words.nothing_to_scan()
        self.statusBar().showMessage(message)
        self.stack.setCurrentWidget(self.empty_state)
        self.empty_state.show_state(message, can_scan=False, recent=self.settings.recent_folders)
        self.empty_state.add_button.setDefault(True)
        self.empty_state.add_button.setFocus(Qt.FocusReason.OtherFocusReason)
        button = self.folder_panel.add_button
        QToolTip.showText(
            button.mapToGlobal(button.rect().bottomLeft()), words.add_folder_here(), button
        )

    @Slot()
    def cancel_running(self) -> None:
        """Cancel what runs: the scan, or a cleanup or undo (after its current file)."""
        scanning = self.session.is_scanning()
        if self.session.cancel():
            self.progress_panel.show_cancelling(
                "Cancelling…" if scanning else words.stopping_after_current_file()
            )
            self._update_state()

    @Slot(object)
    def _on_session_scan_progress_changed(self, progress: Progress) -> None:
        self.progress_panel.show_progress(progress)

    @Slot(object)
    def _on_session_file_skipped(self, skipped: Skipped) -> None:
        # A folder of non-images skips thousands of files; relabel a few times a second only.
        if not self._skipped_timer.isActive():
            self._skipped_timer.start()

    @Slot(object)
    def _on_session_scan_finished(self, summary: ScanSummary) -> None:
        self.progress_panel.hide()
        groups = self.results_model.rowCount()
        if summary.cancelled:
            message = self.tr("Scan cancelled · {groups} found so far").format(
                groups=words.groups(groups)
            )
        else:
            reclaimable = words.reclaimable(self.results_model.reclaimable_bytes())
            # The count the progress showed ("of 3,006 files"), skipped files included (the
            # status bar lists those beside).
            found = max(self.session.files_found, summary.files)
            message = self.tr("Scanned {files} in {duration} · {groups} · {reclaimable}").format(
                files=words.files(found),
                duration=words.duration(summary.elapsed_s),
                groups=words.groups(groups),
                reclaimable=reclaimable,
            )
        self.statusBar().showMessage(message)
        self._update_state()
        if groups:
            self.results_view.setFocus()  # arrows, Space and Delete work straight away
        self.scan_finished.emit(summary)

    @Slot(object)
    def _on_session_scan_failed(self, failure: Failure) -> None:
        self.progress_panel.hide()
        self._update_state()
        self.statusBar().showMessage(self.tr("The scan stopped because of an error"))
        self.scan_failed.emit(failure.details)
        show_bug_report(self.tr("The scan stopped because of an error."), failure.details, self)

    # --- selection ------------------------------------------------------------------------

    def sort_key(self) -> SortKey:
        action = self.sort_group.checkedAction()
        return SortKey(action.data()) if action is not None else SortKey.RECLAIMABLE

    @Slot()
    def _on_sort_action_triggered(self) -> None:
        key = self.sort_key()
        self.settings.sort_key = key.value
        self.session.sort_key = key
        self.results_model.sort_groups(key)

    # --- view ---------------------------------------------------------------------------

    @Slot()
    def show_grid(self) -> None:
        self.results_view.show_table(False)
        self._update_state()

    @Slot()
    def show_table(self) -> None:
        self.results_view.show_table(True)
        self._update_state()

    @Slot()
    def toggle_duplicates_only(self) -> None:
        self.results_view.set_duplicates_only(not self.results_view.duplicates_only())
        self._update_state()

    @Slot()
    def focus_filter(self) -> None:
        self.results_view.focus_filter()

    @Slot()
    def focus_group_number(self) -> None:
        self.results_view.focus_group_number()

    @Slot()
    def collapse_groups(self) -> None:
        self.results_view.collapse_all()

    @Slot()
    def expand_groups(self) -> None:
        self.results_view.expand_all()

    @Slot()
    def _on_theme_action_triggered(self) -> None:
        action = self.theme_group.checkedAction()
        theme = Theme(action.data()) if action is not None else Theme.SYSTEM
        self.settings.theme = theme.value
        self._apply_theme(theme)

    def _apply_theme(self, theme: Theme) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, theme)
            self.actions_table.refresh_icons(self)

    @Slot(str)
    def _on_results_view_message_requested(self, message: str) -> None:
        self.statusBar().showMessage(message)

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
        """Offer the folders of the groups as a tree; mark the photos inside the one chosen,
        then say what could not be marked, and why."""
        groups = self.results_model.groups()
        if not groups:
            return
        if self.folder_dialog is None:
            # Kept and shown again, as the rules dialog is.
            self.folder_dialog = FolderTreeDialog(groups, self)
            self.folder_dialog.accepted.connect(self._on_folder_dialog_accepted)
        else:
            self.folder_dialog.set_groups(groups)
        self.folder_dialog.open()

    @Slot()
    def _on_folder_dialog_accepted(self) -> None:
        folder = self.folder_dialog.folder() if self.folder_dialog is not None else ""
        if folder:
            self.select_in_folder(folder)

    def select_in_folder(self, folder: str) -> FolderMarks:
        """Mark the photos inside ``folder``; the status bar says how many, and a message what
        was left unmarked and why."""
        marks = self.results_model.select_in_folder(folder)
        name = os.path.basename(folder) or folder
        done = words.marked_in_folder(marks.marked + marks.already, marks.photos, name)
        self.statusBar().showMessage(done)
        reasons = [
            text
            for count, text in (
                (marks.already, words.already_marked(marks.already)),
                (marks.keepers, words.not_marked_keepers(marks.keepers)),
                (marks.reference, words.not_marked_reference(marks.reference)),
                (marks.last_copy, words.not_marked_last_copy(marks.last_copy)),
            )
            if count
        ]
        if marks.keepers or marks.reference or marks.last_copy:
            box = QMessageBox(
                QMessageBox.Icon.Information, self.tr("Select in Folder"), done + ".", parent=self
            )
            box.setObjectName(FOLDER_MARKS_BOX_NAME)
            box.setInformativeText("\n".join(f"• {r}." for r in reasons))
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()
        return marks

    # --- keepers --------------------------------------------------------------------------

    @Slot()
    def make_current_keeper(self) -> None:
        member = self.results_view.current_member()
        if member is not None:
            self.make_keeper(member)

    @Slot(object)
    def _on_results_view_keeper_requested(self, member: object) -> None:
        if isinstance(member, Member):
            self.make_keeper(member)

    def make_keeper(self, member: Member) -> None:
        """Make ``member`` its group's keeper: the badge, the marks and the reclaimable size
        follow at once."""
        if self.session.make_keeper(member.path) or member.match is MatchKind.KEEPER:
            self.statusBar().showMessage(words.made_keeper(os.path.basename(member.path)))

    @Slot()
    def choose_selection_rules(self) -> None:
        """Edit the selection rules; accepted, they choose the keeper of every group and are
        saved for the next scans."""
        if self.rules_dialog is None:
            # One dialog, kept and shown again: deleted on close (WA_DeleteOnClose), it crashed
            # PySide 6 in the tests, a posted event reaching the half-deleted dialog.
            self.rules_dialog = RulesDialog(self.session.keeper_rules, self)
            self.rules_dialog.accepted.connect(self._on_rules_dialog_accepted)
        else:
            self.rules_dialog.set_rules(self.session.keeper_rules)
        self.rules_dialog.open()

    @Slot()
    def _on_rules_dialog_accepted(self) -> None:
        if self.rules_dialog is not None:
            self.set_keeper_rules(self.rules_dialog.rules())

    def set_keeper_rules(self, rules: tuple[Rule, ...]) -> None:
        self.settings.keeper_rules = rules
        changed = self.session.set_keeper_rules(rules)
        self.statusBar().showMessage(
            self.tr("{rules}. {changed}.").format(
                rules=words.rules_summary(rules), changed=words.keepers_changed(changed)
            )
        )

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
        self.action("trash").setText(f"&{label}…")

    # --- cleanup --------------------------------------------------------------------------

    @Slot()
    def trash_selection(self) -> None:
        """Ask, then move the checked files to the Trash on the session's pool."""
        self.clean_selection(CleanupChoice(ActionKind.TRASH))

    @Slot()
    def move_selection(self) -> None:
        """Ask for a folder, then move the checked files into it."""
        if self.session.is_busy() or not self.results_model.checked_count():
            return
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Move the Marked Photos to"), self._result_dialog_dir()
        )
        if folder:
            self.clean_selection(CleanupChoice(ActionKind.MOVE, normalize_folder(folder)))

    @Slot()
    def hardlink_selection(self) -> None:
        """Ask, then replace the checked identical copies with hard links to their keepers."""
        self.clean_selection(CleanupChoice(ActionKind.HARDLINK))

    def clean_selection(self, choice: CleanupChoice) -> None:
        """Plan the checked files (here: the plan is pure and fast), ask with the plan's real
        numbers, then run ``choice`` on the session's pool."""
        if self.session.is_busy():
            return
        checked = self.results_model.checked_paths()
        if not checked:
            return
        plan = self.session.plan_cleanup(checked)
        if not self.confirm_cleanup(self, plan, choice):
            return
        if self.session.clean(plan, choice):
            self._show_cleanup_started(choice.running_text(len(plan.files)))

    @Slot()
    def undo_last_cleanup(self) -> None:
        if self.session.undo_last_cleanup():
            self._show_cleanup_started(self.tr("Restoring the last cleanup"))

    def _show_cleanup_started(self, text: str) -> None:
        self.progress_panel.start(text)
        self._update_state()

    @Slot(object)
    def _on_session_cleanup_progress_changed(self, progress: BatchProgress) -> None:
        self.progress_panel.show_cleanup_progress(progress)

    @Slot(object)
    def _on_session_cleanup_finished(self, cleanup: CleanupReport) -> None:
        self.progress_panel.hide()
        message = cleanup.summary_text()
        if cleanup.is_undo and self.session.restored_into_groups:
            message = self.tr("{summary} · {restored}").format(
                summary=message, restored=words.back_in_groups(self.session.restored_into_groups)
            )
        self.statusBar().showMessage(message)
        self._update_state()
        self.cleanup_finished.emit(cleanup)
        if cleanup.problems:
            show_cleanup_report(self, cleanup)

    @Slot(object)
    def _on_session_cleanup_failed(self, failure: Failure) -> None:
        self.progress_panel.hide()
        self._update_state()
        show_bug_report(self.tr("The cleanup stopped because of an error."), failure.details, self)

    # --- result files ---------------------------------------------------------------------

    def current_result(self) -> ScanResult:
        """The groups on screen, the marks and the skipped files, as a result to save."""
        return self.session.current_result(self.scan_options())

    def _result_dialog_dir(self) -> str:
        return self.settings.last_browse_dir or os.path.expanduser("~")

    @Slot()
    def choose_results_file(self) -> None:
        start = os.path.join(self._result_dialog_dir(), "lookalike-results.json")
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save results"), start, self.tr("Lookalike results (*.json)")
        )
        if path:
            self.save_results(path)

    @Slot()
    def choose_csv_file(self) -> None:
        start = os.path.join(self._result_dialog_dir(), "lookalike-results.csv")
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export as CSV"), start, self.tr("CSV files (*.csv)")
        )
        if path:
            self.export_csv(path)

    @Slot()
    def choose_results_to_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Open results"),
            self._result_dialog_dir(),
            self.tr("Lookalike results (*.json)"),
        )
        if path:
            self.open_results(path)

    def save_results(self, path: str) -> None:
        """Write the current result to ``path`` (JSON) off the GUI thread."""
        if self.session.save_results(path, self.current_result()):
            self._show_file_task_started()

    def export_csv(self, path: str) -> None:
        if self.session.export_csv(path, self.current_result()):
            self._show_file_task_started()

    def open_results(self, path: str) -> None:
        """Read a saved result off the GUI thread, then show it in place of the current one."""
        if self.session.open_results(path):
            self._show_file_task_started()

    def _show_file_task_started(self) -> None:
        task = self.session.file_task
        if task is not None:
            described = QCoreApplication.translate("Session", task.description)
            self.statusBar().showMessage(self.tr("{task}…").format(task=described))
        self._update_state()

    @Slot(str)
    def _on_session_results_saved(self, path: str) -> None:
        self.settings.last_browse_dir = os.path.dirname(path)
        self.statusBar().showMessage(self.tr("Saved {path}").format(path=path))
        self._update_state()
        self.results_saved.emit(path)
        if self._close_after_save:
            self._close_after_save = False
            self.close()

    @Slot(object)
    def _on_session_results_loaded(self, result: ScanResult) -> None:
        self.folder_panel.set_folders(result.roots, result.reference_roots)
        self.options_panel.set_mode(result.mode)
        self.options_panel.set_sensitivity(result.sensitivity)
        self.statusBar().showMessage(
            words.opened_results(len(result.groups), self.results_model.checked_count())
        )
        self._update_state()
        self.results_loaded.emit(result)

    @Slot(str, object)
    def _on_session_file_task_failed(self, description: str, failure: Failure) -> None:
        self._update_state()
        self.statusBar().clearMessage()
        self._close_after_save = False  # the save before quitting failed: stay open
        action = (
            QCoreApplication.translate("Session", description)
            if description
            else self.tr("The file operation")
        )
        error = failure.error
        if isinstance(error, report.ReportError | NotDuplicatesError | OSError):
            show_action_error(self, action, str(error))
        else:
            show_bug_report(f"{action} failed: {error!r}", failure.details, self)

    # --- dialogs --------------------------------------------------------------------------

    @Slot()
    def show_skipped(self) -> None:
        skipped = self.session.skipped
        dialog = ProblemListDialog(
            self.tr("Skipped files"),
            words.not_compared(len(skipped)),
            [self.tr("File"), self.tr("Reason")],
            [(s.path, s.message) for s in skipped],
            self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    @Slot()
    def show_shortcuts(self) -> None:
        dialog = ShortcutsDialog(self.actions_table, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    @Slot()
    def show_about(self) -> None:
        dialog = AboutDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    @Slot()
    def show_about_qt(self) -> None:
        QApplication.aboutQt()

    # --- state ----------------------------------------------------------------------------

    def ui_state(self) -> UiState:
        """What the commands' ``enabled_when`` read."""
        session = self.session
        return UiState(
            busy=session.is_busy(),
            scanning=session.is_scanning(),
            running=session.is_scanning() or session.is_cleaning(),
            cancelling=session.is_cancelling(),
            has_folders=not self.folder_panel.is_empty(),
            has_groups=self.results_model.rowCount() > 0,
            checked=self.results_model.checked_count(),
            can_undo=session.can_undo,
            skipped=len(session.skipped),
            table=self.results_view.is_table_shown(),
            duplicates_only=self.results_view.duplicates_only(),
        )

    @Slot()
    def _on_skipped_timer_timeout(self) -> None:
        state = self.ui_state()
        self.actions_table.update(state)
        self._show_skipped_count(state.skipped)

    def _show_skipped_count(self, count: int) -> None:
        self.skipped_button.setText(words.unreadable(count))
        self.skipped_button.setVisible(count > 0)

    @Slot()
    def _update_state(self) -> None:
        state = self.ui_state()
        self.actions_table.update(state)
        self.scan_button.setEnabled(self.action("scan").isEnabled())
        self.trash_button.setEnabled(self.action("trash").isEnabled())
        self.folder_panel.setEnabled(not state.busy)
        self.options_panel.set_editable(not state.busy)
        self._update_selection_summary(state.checked, self.results_model.checked_bytes())
        self._show_skipped_count(state.skipped)
        if state.has_groups or state.scanning:
            self.stack.setCurrentWidget(self.results_view)
        else:
            self.stack.setCurrentWidget(self.empty_state)
            self.empty_state.show_state(
                self._empty_message(state.has_folders),
                can_scan=state.has_folders and not state.busy,
                recent=[] if state.has_folders else self.settings.recent_folders,
            )

    def _empty_message(self, has_folders: bool) -> str:
        summary = self.session.last_summary
        cleanup = self.session.last_cleanup
        if cleanup is not None and not cleanup.is_undo and cleanup.done_paths:
            return self.tr(
                "Nothing left to review: {summary}. Scan again to look for more."
            ).format(summary=cleanup.summary_text())
        if cleanup is not None and cleanup.is_undo and cleanup.batch.done:
            # The restored files are back on disk but not in the (empty) results: "no
            # duplicates" would be wrong here.
            return self.tr("{summary}. Scan again to see them in the results.").format(
                summary=cleanup.summary_text()
            )

        if summary is not None and not summary.cancelled:
            options = self.session.last_options
            return words.no_duplicates(
                summary.files,
                similar=options is None or options.mode is ScanMode.SIMILAR,
                subfolders=options is None or options.recursive,
            )
        if has_folders:
            count = len(self.folder_panel.folders())
            return self.tr("Ready to search {folders}. Press Scan to start.").format(
                folders=words.folders(count)
            )
        return self.tr("Add the folders to search, or drop them onto this window.")

    # --- shutdown -------------------------------------------------------------------------

    @Slot()
    def request_quit(self) -> None:
        """File ▸ Quit: close the window, asking first if marks or results would be lost."""
        self._ask_before_closing = True
        try:
            self.close()
        finally:
            self._ask_before_closing = False

    def _may_close(self) -> bool:
        """Ask before marks or unsaved results are lost: Save…, Quit Without Saving or
        Cancel. False keeps the window open (after Save…, until the file is written)."""
        session = self.session
        marked = self.results_model.checked_count()
        if session.is_busy() or not (marked or session.results_unsaved):
            return True
        box = QMessageBox(self)
        box.setObjectName(QUIT_BOX_NAME)
        box.setWindowTitle(self.tr("Quit {app}").format(app=APP_NAME))
        box.setIcon(QMessageBox.Icon.Question)
        box.setText(words.quit_question())
        box.setInformativeText(words.quit_details(marked, self.results_model.rowCount()))
        save = box.addButton(self.tr("&Save Results…"), QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton(
            self.tr("&Quit Without Saving"), QMessageBox.ButtonRole.DestructiveRole
        )
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(save)
        box.setEscapeButton(cancel)
        box.exec()
        clicked = box.clickedButton()
        box.deleteLater()  # parented to the window: it would live as long as the window
        if clicked is discard:
            return True
        if clicked is save:
            start = os.path.join(self._result_dialog_dir(), "lookalike-results.json")
            path, _ = QFileDialog.getSaveFileName(
                self, self.tr("Save results"), start, self.tr("Lookalike results (*.json)")
            )
            if path and self.session.save_results(path, self.current_result()):
                self._close_after_save = True
                self._show_file_task_started()
        return False

    def closeEvent(self, event: QCloseEvent) -> None:
        # Only a person closing asks (the Quit command, the window's close button); a
        # program closing the window, as the tests do, is not asked.
        if (event.spontaneous() or self._ask_before_closing) and not self._may_close():
            event.ignore()
            return
        self.save_settings()
        if not self.session.shutdown(SHUTDOWN_WAIT_MS):
            log.warning("background work still running after %d ms", SHUTDOWN_WAIT_MS)
        self.results_view.shutdown()
        super().closeEvent(event)
