"""The window's commands as one table: each action's text, shortcuts, tip, icon, the window slot
it calls and when it is enabled; the menus and the toolbar list them by name.

A new command is one ``ActionSpec`` in ``window_actions`` (plus its slot on ``MainWindow``) and
its name in ``MENUS`` or ``TOOLBAR``; ``Actions.update`` then enables it from the window's
``UiState`` with every other command, so no command's state is set by hand in several places.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QMenu, QMenuBar, QStyle, QToolBar, QWidget

from lookalike import APP_NAME
from lookalike.gui.i18n import QT_TRANSLATE_NOOP

if TYPE_CHECKING:
    from lookalike.gui.main_window import MainWindow


@dataclass(frozen=True, slots=True)
class UiState:
    """What decides which commands are available, read from the session and the window."""

    busy: bool  # a scan, a cleanup or a file task is running
    scanning: bool
    running: bool  # a scan or a cleanup (which Cancel stops) is running
    cancelling: bool  # it was asked to stop and has not ended yet
    has_folders: bool
    has_groups: bool
    checked: int  # files marked for the Trash
    can_undo: bool
    skipped: int  # files the last scan could not read
    table: bool = False  # the results are shown as the table (else the grid)
    duplicates_only: bool = False  # the table hides the keepers


Predicate = Callable[[UiState], bool]


def _always(state: UiState) -> bool:
    return True


def _idle(state: UiState) -> bool:
    return not state.busy


def _idle_with_groups(state: UiState) -> bool:
    return not state.busy and state.has_groups


def _idle_with_marks(state: UiState) -> bool:
    return not state.busy and state.checked > 0


def _can_cancel(state: UiState) -> bool:
    return state.running and not state.cancelling


def _running(state: UiState) -> bool:
    return state.running


def _can_undo(state: UiState) -> bool:
    return not state.busy and state.can_undo


def _has_skipped(state: UiState) -> bool:
    return state.skipped > 0


def _has_groups_in_grid(state: UiState) -> bool:
    return state.has_groups and not state.table


def _table_shown(state: UiState) -> bool:
    return state.table


def _grid_shown(state: UiState) -> bool:
    return not state.table


def _duplicates_only(state: UiState) -> bool:
    return state.duplicates_only


def search_icon(palette: QPalette) -> QIcon:
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


@dataclass(frozen=True, slots=True)
class Icon:
    """The desktop theme's icon (Qt maps these names on Windows and macOS too), else the
    fallback: a style's standard icon, or one drawn for the window's palette."""

    theme: QIcon.ThemeIcon | str
    fallback: QStyle.StandardPixmap | Callable[[QPalette], QIcon]

    def make(self, widget: QWidget) -> QIcon:
        if isinstance(self.fallback, QStyle.StandardPixmap):
            fallback = widget.style().standardIcon(self.fallback)
        else:
            fallback = self.fallback(widget.palette())
        return QIcon.fromTheme(self.theme, fallback)


Shortcut = QKeySequence.StandardKey | str
# Picks the bound slot off the window: the table is written before any window exists, and a
# getter (not a method name in a string) lets mypy and vulture see which method it calls.
SlotOf = Callable[["MainWindow"], Callable[[], object]]


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """One command of the window."""

    name: str  # the key for ``Actions[...]``, ``MENUS`` and ``TOOLBAR``
    text: str  # marked for translation; ``translated`` gives the window's words
    slot: SlotOf  # the window's @Slot method that ``triggered`` calls
    shortcuts: tuple[Shortcut, ...] = ()
    tip: str = ""  # status tip and tooltip
    icon: Icon | None = None
    enabled_when: Predicate = _always
    visible_when: Predicate = _always
    checked_when: Predicate | None = None  # a checkable command, checked when this holds


_SP = QStyle.StandardPixmap
_THEME = QIcon.ThemeIcon


def window_actions() -> tuple[ActionSpec, ...]:
    """The window's commands, in the order they are added to it.

    A function rather than a module constant: the slot getters name ``MainWindow`` methods,
    and ``main_window`` imports this module, so mypy can only type them in a function body.
    """
    return (
        ActionSpec(
            "add_folder",
            QT_TRANSLATE_NOOP("Actions", "&Add Folder…"),
            lambda w: w.choose_folder,
            (QKeySequence.StandardKey.Open,),
            QT_TRANSLATE_NOOP("Actions", "Add a folder to search for duplicates"),
            Icon(_THEME.FolderNew, _SP.SP_DirOpenIcon),
            _idle,
        ),
        ActionSpec(
            "scan",
            QT_TRANSLATE_NOOP("Actions", "&Scan"),
            lambda w: w.start_scan,
            ("Ctrl+R", "F5"),
            QT_TRANSLATE_NOOP("Actions", "Search the folders for duplicate photos"),
            Icon(_THEME.SystemSearch, search_icon),
            # Also without folders: Scan then says why it cannot start and where to add one.
            _idle,
        ),
        ActionSpec(
            "cancel",
            QT_TRANSLATE_NOOP("Actions", "&Cancel"),
            lambda w: w.cancel_running,
            ("Esc",),
            QT_TRANSLATE_NOOP(
                "Actions", "Stop the running scan, or the cleanup after its current file"
            ),
            Icon(_THEME.ProcessStop, _SP.SP_BrowserStop),
            _can_cancel,
            _running,
        ),
        ActionSpec(
            "open_results",
            QT_TRANSLATE_NOOP("Actions", "&Open Results…"),
            lambda w: w.choose_results_to_open,
            ("Ctrl+Shift+O",),
            QT_TRANSLATE_NOOP("Actions", "Open a saved result to continue reviewing it"),
            Icon(_THEME.DocumentOpen, _SP.SP_DialogOpenButton),
            _idle,
        ),
        ActionSpec(
            "save_results",
            QT_TRANSLATE_NOOP("Actions", "Save &Results…"),
            lambda w: w.choose_results_file,
            (QKeySequence.StandardKey.Save,),
            QT_TRANSLATE_NOOP("Actions", "Save the groups and your marks to review them later"),
            Icon(_THEME.DocumentSave, _SP.SP_DialogSaveButton),
            _idle_with_groups,
        ),
        ActionSpec(
            "export_csv",
            QT_TRANSLATE_NOOP("Actions", "&Export as CSV…"),
            lambda w: w.choose_csv_file,
            (),
            QT_TRANSLATE_NOOP("Actions", "Write one line per photo, for a spreadsheet"),
            enabled_when=_idle_with_groups,
        ),
        ActionSpec(
            "quit",
            QT_TRANSLATE_NOOP("Actions", "&Quit"),
            lambda w: w.request_quit,
            (QKeySequence.StandardKey.Quit,),
            QT_TRANSLATE_NOOP("Actions", "Quit {app}"),
        ),
        ActionSpec(
            "select_duplicates",
            QT_TRANSLATE_NOOP("Actions", "Select &Duplicates"),
            lambda w: w.select_duplicates,
            ("Ctrl+D",),
            QT_TRANSLATE_NOOP(
                "Actions", "Mark every photo except the suggested keeper in each group"
            ),
            Icon(_THEME.EditSelectAll, _SP.SP_DialogApplyButton),
            _idle_with_groups,
        ),
        ActionSpec(
            "select_in_folder",
            QT_TRANSLATE_NOOP("Actions", "Select in &Folder…"),
            lambda w: w.choose_select_in_folder,
            (),
            QT_TRANSLATE_NOOP("Actions", "Mark the duplicates that are inside one folder"),
            enabled_when=_idle_with_groups,
        ),
        ActionSpec(
            "make_keeper",
            QT_TRANSLATE_NOOP("Actions", "Make This the &Keeper"),
            lambda w: w.make_current_keeper,
            ("Ctrl+K",),
            QT_TRANSLATE_NOOP(
                "Actions", "Keep the current photo instead of its group's suggested keeper"
            ),
            enabled_when=_idle_with_groups,
        ),
        ActionSpec(
            "selection_rules",
            QT_TRANSLATE_NOOP("Actions", "Selection &Rules…"),
            lambda w: w.choose_selection_rules,
            (),
            QT_TRANSLATE_NOOP(
                "Actions",
                "Choose the keeper of every group by your own rules"
                " (resolution, size, date, folder…)",
            ),
            enabled_when=_idle,
        ),
        ActionSpec(
            "invert_selection",
            QT_TRANSLATE_NOOP("Actions", "&Invert Selection"),
            lambda w: w.invert_selection,
            ("Ctrl+I",),
            QT_TRANSLATE_NOOP("Actions", "Flip every mark"),
            enabled_when=_idle_with_groups,
        ),
        ActionSpec(
            "clear_selection",
            QT_TRANSLATE_NOOP("Actions", "C&lear Selection"),
            lambda w: w.clear_selection,
            ("Ctrl+Shift+A",),
            QT_TRANSLATE_NOOP("Actions", "Remove every mark"),
            enabled_when=_idle_with_marks,
        ),
        ActionSpec(
            "trash",
            QT_TRANSLATE_NOOP("Actions", "&Move to Trash…"),
            lambda w: w.trash_selection,
            (QKeySequence.StandardKey.Delete,),
            QT_TRANSLATE_NOOP("Actions", "Move the marked photos to the Trash"),
            Icon("user-trash", _SP.SP_TrashIcon),
            _idle_with_marks,
        ),
        ActionSpec(
            "move_to_folder",
            QT_TRANSLATE_NOOP("Actions", "Mo&ve to Folder…"),
            lambda w: w.move_selection,
            (),
            QT_TRANSLATE_NOOP(
                "Actions", "Move the marked photos into a folder you choose, keeping their folders"
            ),
            enabled_when=_idle_with_marks,
        ),
        ActionSpec(
            "hardlink",
            QT_TRANSLATE_NOOP("Actions", "Replace with &Hard Links…"),
            lambda w: w.hardlink_selection,
            (),
            QT_TRANSLATE_NOOP(
                "Actions", "Replace the marked identical copies with hard links to their keepers"
            ),
            enabled_when=_idle_with_marks,
        ),
        ActionSpec(
            "not_duplicate",
            QT_TRANSLATE_NOOP("Actions", "&Not a Duplicate"),
            lambda w: w.mark_not_duplicate,
            ("Ctrl+Shift+N",),
            QT_TRANSLATE_NOOP(
                "Actions",
                "Take the current photo out of its group, and never group it with these again",
            ),
            enabled_when=_idle_with_groups,
        ),
        ActionSpec(
            "not_duplicates_pair",
            QT_TRANSLATE_NOOP("Actions", "These &Two Are Not Duplicates"),
            lambda w: w.mark_pair_not_duplicates,
            (),
            QT_TRANSLATE_NOOP(
                "Actions", "Never group the current photo with the one it is compared with"
            ),
            enabled_when=_idle_with_groups,
        ),
        ActionSpec(
            "not_duplicates_group",
            QT_TRANSLATE_NOOP("Actions", "&Group Is Not Duplicates"),
            lambda w: w.mark_group_not_duplicates,
            (),
            QT_TRANSLATE_NOOP(
                "Actions", "Dissolve the current group, and never group its photos together again"
            ),
            enabled_when=_idle_with_groups,
        ),
        ActionSpec(
            "not_duplicates_manager",
            QT_TRANSLATE_NOOP("Actions", "Not &Duplicates…"),
            lambda w: w.show_not_duplicates,
            (),
            QT_TRANSLATE_NOOP(
                "Actions", "The photos you said are not duplicates, to undo a choice"
            ),
            enabled_when=_idle,
        ),
        ActionSpec(
            "undo_cleanup",
            QT_TRANSLATE_NOOP("Actions", "&Undo Last Cleanup"),
            lambda w: w.undo_last_cleanup,
            (QKeySequence.StandardKey.Undo,),
            QT_TRANSLATE_NOOP("Actions", "Put the files of the last cleanup back where they were"),
            Icon(_THEME.EditUndo, _SP.SP_ArrowBack),
            _can_undo,
        ),
        ActionSpec(
            "skipped",
            QT_TRANSLATE_NOOP("Actions", "&Skipped Files…"),
            lambda w: w.show_skipped,
            (),
            QT_TRANSLATE_NOOP("Actions", "The files that could not be read, with the reasons"),
            enabled_when=_has_skipped,
        ),
        ActionSpec(
            "view_grid",
            QT_TRANSLATE_NOOP("Actions", "As &Grid"),
            lambda w: w.show_grid,
            ("Ctrl+1",),
            QT_TRANSLATE_NOOP("Actions", "Show each group as a strip of thumbnails"),
            checked_when=_grid_shown,
        ),
        ActionSpec(
            "view_table",
            QT_TRANSLATE_NOOP("Actions", "As &Table"),
            lambda w: w.show_table,
            ("Ctrl+2",),
            QT_TRANSLATE_NOOP(
                "Actions", "Show every photo as a row of a table you can sort by any column"
            ),
            checked_when=_table_shown,
        ),
        ActionSpec(
            "duplicates_only",
            QT_TRANSLATE_NOOP("Actions", "&Duplicates Only"),
            lambda w: w.toggle_duplicates_only,
            (),
            QT_TRANSLATE_NOOP(
                "Actions", "List only the files a cleanup could act on: hide the keepers"
            ),
            enabled_when=_table_shown,
            checked_when=_duplicates_only,
        ),
        ActionSpec(
            "filter",
            QT_TRANSLATE_NOOP("Actions", "&Filter…"),
            lambda w: w.focus_filter,
            (QKeySequence.StandardKey.Find,),
            QT_TRANSLATE_NOOP(
                "Actions",
                "Show only the groups with a file whose name or folder contains some text",
            ),
        ),
        ActionSpec(
            "go_to_group",
            QT_TRANSLATE_NOOP("Actions", "&Go to Group…"),
            lambda w: w.focus_group_number,
            ("Ctrl+G",),
            QT_TRANSLATE_NOOP("Actions", "Jump to a group by its number"),
            enabled_when=_idle_with_groups,
        ),
        ActionSpec(
            "collapse_all",
            QT_TRANSLATE_NOOP("Actions", "&Collapse All Groups"),
            lambda w: w.collapse_groups,
            (),
            QT_TRANSLATE_NOOP(
                "Actions",
                "Show each group as its header line only (Minus collapses the current one)",
            ),
            enabled_when=_has_groups_in_grid,
        ),
        ActionSpec(
            "expand_all",
            QT_TRANSLATE_NOOP("Actions", "&Expand All Groups"),
            lambda w: w.expand_groups,
            (),
            QT_TRANSLATE_NOOP(
                "Actions", "Show every group's photos again (Plus expands the current one)"
            ),
            enabled_when=_has_groups_in_grid,
        ),
        ActionSpec(
            "shortcuts",
            QT_TRANSLATE_NOOP("Actions", "&Keyboard Shortcuts"),
            lambda w: w.show_shortcuts,
            (QKeySequence.StandardKey.HelpContents,),
            QT_TRANSLATE_NOOP("Actions", "Every command's keys, and the keys of the results"),
        ),
        ActionSpec(
            "about",
            QT_TRANSLATE_NOOP("Actions", "&About {app}"),
            lambda w: w.show_about,
            (),
            QT_TRANSLATE_NOOP("Actions", "Version and licences"),
        ),
        ActionSpec(
            "about_qt", QT_TRANSLATE_NOOP("Actions", "About &Qt"), lambda w: w.show_about_qt
        ),
    )


@dataclass(frozen=True, slots=True)
class Submenu:
    """A submenu whose entries the window fills (recent folders, sort order)."""

    key: str
    title: str


MenuItem = str | Submenu | None  # an action's name, a submenu, or a separator
RECENT_MENU = Submenu("recent", QT_TRANSLATE_NOOP("Actions", "Add &Recent Folder"))
SORT_MENU = Submenu("sort", QT_TRANSLATE_NOOP("Actions", "&Sort Groups By"))
THEME_MENU = Submenu("theme", QT_TRANSLATE_NOOP("Actions", "T&heme"))

MENUS: tuple[tuple[str, tuple[MenuItem, ...]], ...] = (
    (
        QT_TRANSLATE_NOOP("Actions", "&File"),
        (
            "add_folder",
            RECENT_MENU,
            None,
            "scan",
            "cancel",
            None,
            "open_results",
            "save_results",
            "export_csv",
            None,
            "quit",
        ),
    ),
    (
        QT_TRANSLATE_NOOP("Actions", "&Edit"),
        (
            "undo_cleanup",
            None,
            "select_duplicates",
            "select_in_folder",
            "invert_selection",
            "clear_selection",
            None,
            "make_keeper",
            "selection_rules",
            None,
            "trash",
            "move_to_folder",
            "hardlink",
            None,
            "not_duplicate",
            "not_duplicates_pair",
            "not_duplicates_group",
        ),
    ),
    (
        QT_TRANSLATE_NOOP("Actions", "&View"),
        (
            "view_grid",
            "view_table",
            "duplicates_only",
            None,
            "filter",
            "go_to_group",
            "collapse_all",
            "expand_all",
            None,
            SORT_MENU,
            THEME_MENU,
            None,
            "skipped",
            "not_duplicates_manager",
        ),
    ),
    (QT_TRANSLATE_NOOP("Actions", "&Help"), ("shortcuts", None, "about", "about_qt")),
)

TOOLBAR: tuple[str | None, ...] = (
    "add_folder",
    "scan",
    "cancel",
    None,
    "select_duplicates",
    "trash",
    "undo_cleanup",
)


# Keys the results understand that are not window commands (the shortcuts dialog lists them
# after the commands).
RESULT_KEYS: tuple[tuple[str, str], ...] = (
    (
        QT_TRANSLATE_NOOP("Actions", "Arrow keys"),
        QT_TRANSLATE_NOOP("Actions", "Move between photos and groups"),
    ),
    (
        QT_TRANSLATE_NOOP("Actions", "Page Up, Page Down"),
        QT_TRANSLATE_NOOP("Actions", "Move a screenful"),
    ),
    (
        QT_TRANSLATE_NOOP("Actions", "Ctrl+Home, Ctrl+End"),
        QT_TRANSLATE_NOOP("Actions", "Go to the first or the last photo"),
    ),
    (
        QT_TRANSLATE_NOOP("Actions", "Space"),
        QT_TRANSLATE_NOOP("Actions", "Mark the photo for the Trash, or unmark it"),
    ),
    (QT_TRANSLATE_NOOP("Actions", "Enter"), QT_TRANSLATE_NOOP("Actions", "Preview the photo")),
    (
        QT_TRANSLATE_NOOP("Actions", "Ctrl+click"),
        QT_TRANSLATE_NOOP("Actions", "Compare a photo with the current one"),
    ),
    (
        QT_TRANSLATE_NOOP("Actions", "Minus, Plus"),
        QT_TRANSLATE_NOOP("Actions", "Collapse or expand the current group (grid)"),
    ),
    (
        QT_TRANSLATE_NOOP("Actions", "Esc"),
        QT_TRANSLATE_NOOP("Actions", "Clear the filter (in the filter box)"),
    ),
    (
        QT_TRANSLATE_NOOP("Actions", "Enter"),
        QT_TRANSLATE_NOOP("Actions", "Go to the group typed in the Group box"),
    ),
)


def translated(text: str) -> str:
    """A text of the tables above in the window's language (they are written before any
    translator is installed, so they are marked for lupdate and looked up when used)."""
    return QCoreApplication.translate("Actions", text).replace("{app}", APP_NAME)


class Actions:
    """The ``QAction`` of every ``ActionSpec``, by name, owned by and added to ``window`` (so
    the shortcuts work even with the toolbar hidden)."""

    def __init__(self, window: MainWindow) -> None:
        self._specs = window_actions()
        self._actions: dict[str, QAction] = {}
        for spec in self._specs:
            action = QAction(translated(spec.text), window)
            if spec.shortcuts:
                action.setShortcuts([QKeySequence(s) for s in spec.shortcuts])
            if spec.tip:
                action.setStatusTip(translated(spec.tip))
                action.setToolTip(translated(spec.tip))
            if spec.icon is not None:
                action.setIcon(spec.icon.make(window))
            action.setCheckable(spec.checked_when is not None)
            action.triggered.connect(spec.slot(window))
            window.addAction(action)
            self._actions[spec.name] = action

    def __getitem__(self, name: str) -> QAction:
        return self._actions[name]

    def specs(self) -> tuple[ActionSpec, ...]:
        return self._specs

    def update(self, state: UiState) -> None:
        """Enable, show and check each action as its spec says for ``state``."""
        for spec in self._specs:
            action = self._actions[spec.name]
            action.setEnabled(spec.enabled_when(state))
            action.setVisible(spec.visible_when(state))
            if spec.checked_when is not None:
                action.setChecked(spec.checked_when(state))

    def refresh_icons(self, window: QWidget) -> None:
        """Draw the icons again for the window's palette (after a theme change)."""
        for spec in self._specs:
            if spec.icon is not None:
                self._actions[spec.name].setIcon(spec.icon.make(window))

    def fill_menus(self, bar: QMenuBar) -> dict[str, QMenu]:
        """Build the menu bar from ``MENUS``; returns the submenus by key for the window to
        fill."""
        submenus: dict[str, QMenu] = {}
        for title, items in MENUS:
            menu = bar.addMenu(translated(title))
            for item in items:
                if item is None:
                    menu.addSeparator()
                elif isinstance(item, Submenu):
                    submenus[item.key] = menu.addMenu(translated(item.title))
                else:
                    menu.addAction(self._actions[item])
        return submenus

    def fill_toolbar(self, toolbar: QToolBar) -> None:
        for item in TOOLBAR:
            if item is None:
                toolbar.addSeparator()
            else:
                toolbar.addAction(self._actions[item])
