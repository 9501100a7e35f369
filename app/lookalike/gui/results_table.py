"""The table of the results: one row per photo, flattened from the groups of ``ResultsModel``,
with sortable columns (group, keeper, file, folder, size, dimensions, date taken, match, score),
a "duplicates only" switch and the same check marks as the grid.

``ResultsTableModel`` is a flattening proxy: it holds no marks of its own (a check in the table
is ``ResultsModel.set_checked``, so grid and table always agree) and follows the source's
changes. Sorting and filtering are done here with Python's sort over precomputed keys, not by a
``QSortFilterProxyModel``, whose ``lessThan`` would call back into Python for every comparison
(half a million of them for 30,000 rows). Structure changes of the source are coalesced and
applied as removals, insertions and one reordering, so the view's current row, selection and
scroll position survive a running scan.
"""

from __future__ import annotations

import enum
import os
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QFont, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from lookalike.core import words
from lookalike.core.model import Group, MatchKind, Member
from lookalike.gui.i18n import QT_TRANSLATE_NOOP
from lookalike.gui.results_model import (
    CheckedRole,
    GroupRole,
    MemberRole,
    ResultsModel,
)

Index = QModelIndex | QPersistentModelIndex
Key = tuple[int, str]  # (group id, member path): one row, stable through group updates


class Column(enum.IntEnum):
    """The table's columns, in order."""

    GROUP = 0
    KEEPER = 1
    FILE = 2
    FOLDER = 3
    SIZE = 4
    DIMENSIONS = 5
    TAKEN = 6
    MATCH = 7
    SCORE = 8


_HEADINGS = {
    Column.GROUP: QT_TRANSLATE_NOOP("ResultsTableModel", "Group"),
    Column.KEEPER: QT_TRANSLATE_NOOP("ResultsTableModel", "Keeper"),
    Column.FILE: QT_TRANSLATE_NOOP("ResultsTableModel", "File"),
    Column.FOLDER: QT_TRANSLATE_NOOP("ResultsTableModel", "Folder"),
    Column.SIZE: QT_TRANSLATE_NOOP("ResultsTableModel", "Size"),
    Column.DIMENSIONS: QT_TRANSLATE_NOOP("ResultsTableModel", "Dimensions"),
    Column.TAKEN: QT_TRANSLATE_NOOP("ResultsTableModel", "Date taken"),
    Column.MATCH: QT_TRANSLATE_NOOP("ResultsTableModel", "Match"),
    Column.SCORE: QT_TRANSLATE_NOOP("ResultsTableModel", "Score"),
}
_NUMERIC = {Column.GROUP, Column.SIZE, Column.DIMENSIONS, Column.SCORE}
_MATCH_ORDER = {
    MatchKind.KEEPER: 0,
    MatchKind.IDENTICAL: 1,
    MatchKind.SAME_PICTURE: 2,
    MatchKind.SIMILAR: 3,
}
_CHECK_ROLES = {CheckedRole, int(Qt.ItemDataRole.CheckStateRole)}


def _taken_key(member: Member) -> str:
    # EXIF dates ("2021:06:01 12:00:05") sort as text; a file time is written the same way.
    if member.taken:
        return member.taken
    return time.strftime("%Y:%m:%d %H:%M:%S", time.localtime(member.mtime_ns / 1e9))


def _name(path: str) -> str:
    return path.rpartition(os.sep)[2]


def _folder(path: str) -> str:
    return path.rpartition(os.sep)[0]


class ResultsTableModel(QAbstractTableModel):
    """The photos of ``ResultsModel``'s groups as flat, sortable rows with the same marks.

    Every photo of every group is a *base* row, kept in parallel lists rebuilt when the
    source's structure changes; the table shows a subset of them (the filter, "duplicates
    only") in the sort order. A sort only reorders (``layoutChanged``, the current row and the
    selection follow); a change of which rows are shown resets the model, and the view keeps
    its current photo and the top row in place (``ResultsTable``).
    """

    rows_synced = Signal()  # the rows follow the source again (after a coalesced change)

    def __init__(self, source: ResultsModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source = source
        # Base rows, one per photo of each group, in group order.
        self._groups: list[Group] = []
        self._members: list[Member] = []
        self._group_rows: list[int] = []  # the group's row in the source (its number - 1)
        self._member_rows: list[int] = []  # 0: the keeper
        self._base_of: dict[Key, int] = {}
        self._spans: list[tuple[Group, int, int]] = []  # each group's run of base rows
        self._sort_keys: dict[Column, list[Any]] = {}  # per column, until the base changes
        self._shown: list[int] = []  # base rows in display order
        self._row_of_base: list[int] | None = None  # inverse of _shown, built on demand
        self._sort_column = Column.GROUP
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._duplicates_only = False
        self._group_filter: Callable[[Group], bool] | None = None
        self._active = True
        self._stale = False
        # Source changes arrive in bursts (a scan batch is several signals): one sync per
        # burst, and while a big scan streams in, not more often than a few times its cost.
        self._sync_timer = QTimer(self)
        self._sync_timer.setSingleShot(True)
        self._sync_timer.setInterval(0)
        self._sync_timer.timeout.connect(self.sync)
        # Check marks change by the thousand (Select Duplicates): one repaint for all of them.
        self._checks_timer = QTimer(self)
        self._checks_timer.setSingleShot(True)
        self._checks_timer.setInterval(0)
        self._checks_timer.timeout.connect(self._on_checks_timer_timeout)
        for signal in (
            source.rowsInserted,
            source.rowsRemoved,
            source.rowsMoved,
            source.modelReset,
            source.layoutChanged,
        ):
            signal.connect(self._on_source_structure_changed)
        source.dataChanged.connect(self._on_source_data_changed)
        self.sync()

    @property
    def source(self) -> ResultsModel:
        return self._source

    # --- options --------------------------------------------------------------------------

    @property
    def duplicates_only(self) -> bool:
        return self._duplicates_only

    def set_duplicates_only(self, on: bool) -> None:
        """Hide the keepers: only the files a cleanup could act on."""
        if on != self._duplicates_only:
            self._duplicates_only = on
            self._refresh()

    def set_group_filter(self, accepts: Callable[[Group], bool] | None) -> None:
        """Show only the groups ``accepts`` (None: all)."""
        self._group_filter = accepts
        self._refresh()

    def set_active(self, active: bool) -> None:
        """Follow the source at once (a shown table), or only note that it changed and catch
        up when made active again: a hidden table costs a scan nothing."""
        self._active = active
        if active and self._stale:
            self.sync()

    def sort_column(self) -> Column:
        return self._sort_column

    # --- lookups --------------------------------------------------------------------------

    def member_at(self, index: Index) -> Member | None:
        if not index.isValid() or index.row() >= len(self._shown):
            return None
        return self._members[self._shown[index.row()]]

    def group_at(self, index: Index) -> Group | None:
        if not index.isValid() or index.row() >= len(self._shown):
            return None
        return self._groups[self._shown[index.row()]]

    def group_number(self, row: int) -> int:
        """The number (1 is the first) of the group of table row ``row``."""
        return self._group_rows[self._shown[row]] + 1

    def key_of(self, row: int) -> Key:
        base = self._shown[row]
        return self._groups[base].id, self._members[base].path

    def row_of(self, group_id: int, path: str) -> int:
        """The row showing ``path`` of group ``group_id``, or -1."""
        base = self._base_of.get((group_id, path))
        if base is None:
            return -1
        if self._row_of_base is None:
            inverse = [-1] * len(self._members)
            for row, b in enumerate(self._shown):
                inverse[b] = row
            self._row_of_base = inverse
        return self._row_of_base[base]

    def source_position(self, row: int) -> tuple[int, int]:
        """(group row, member row) in the source of a table row, read from the source now (the
        table's copy may lag a coalesced change by one event-loop turn)."""
        group_id, path = self.key_of(row)
        return self._source.position(group_id, path)

    # --- Qt model interface ---------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.tr(_HEADINGS[Column(section)])
        if role == Qt.ItemDataRole.TextAlignmentRole and Column(section) in _NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        flags |= Qt.ItemFlag.ItemNeverHasChildren
        member = self._members[self._shown[index.row()]]
        if index.column() == Column.FILE and not member.is_reference:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._shown):
            return None
        base = self._shown[index.row()]
        column = Column(index.column())
        member = self._members[base]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(base, column)
        if role == Qt.ItemDataRole.CheckStateRole and column == Column.FILE:
            if member.is_reference:
                return None
            checked = self._source.is_checked(member.path)
            return Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        if role == CheckedRole:
            return self._source.is_checked(member.path)
        if role == MemberRole:
            return member
        if role == GroupRole:
            return self._groups[base]
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == Column.KEEPER:
                return words.match_reason(member) if self._member_rows[base] == 0 else None
            if column == Column.FOLDER:
                return os.path.dirname(member.path)
            if column == Column.MATCH:
                return words.match_reason(member)
            return member.path
        if role == Qt.ItemDataRole.TextAlignmentRole and column in _NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == Column.KEEPER:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.FontRole and self._member_rows[base] == 0:
            bold = QFont()
            bold.setBold(True)
            return bold
        if role == Qt.ItemDataRole.AccessibleTextRole:
            number = words.group_number(self._group_rows[base] + 1)
            return f"{number}, {self._display(base, column)}"
        return None

    def _display(self, base: int, column: Column) -> str:
        member = self._members[base]
        if column == Column.GROUP:
            return words.number(self._group_rows[base] + 1)
        if column == Column.KEEPER:
            return "★" if self._member_rows[base] == 0 else ""
        if column == Column.FILE:
            return os.path.basename(member.path)
        if column == Column.FOLDER:
            return os.path.dirname(member.path)
        if column == Column.SIZE:
            return words.size(member.size)
        if column == Column.DIMENSIONS:
            return f"{member.width} × {member.height}"
        if column == Column.TAKEN:
            return words.photo_date(member)
        if column == Column.MATCH:
            return words.match_badge(self._groups[base], member)
        return QLocale().toString(member.score, "f", 3)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        member = self.member_at(index)
        if member is None:
            return False
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == Column.FILE:
            state = Qt.CheckState(value) if isinstance(value, int) else value
            return self._source.set_checked(member.path, state == Qt.CheckState.Checked)
        if role == CheckedRole:
            return self._source.set_checked(member.path, bool(value))
        return False

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(Column):
            return
        if (Column(column), order) == (self._sort_column, self._sort_order):
            return
        self._sort_column = Column(column)
        self._sort_order = order
        self._refresh(same_rows=True)

    # --- following the source -------------------------------------------------------------

    @Slot()
    def _on_source_structure_changed(self) -> None:
        self._stale = True
        if self._active:
            self._sync_timer.start()

    @Slot(QModelIndex, QModelIndex, list)
    def _on_source_data_changed(
        self, top_left: QModelIndex, bottom_right: QModelIndex, roles: list[int]
    ) -> None:
        if roles and set(roles) <= _CHECK_ROLES:
            if self._active:
                self._checks_timer.start()
        elif not roles and not top_left.parent().isValid():
            # A group was replaced (its keeper or members changed).
            self._on_source_structure_changed()

    @Slot()
    def _on_checks_timer_timeout(self) -> None:
        if self._shown:
            # Repaint the column that shows the marks (the view only paints the rows in
            # sight), rather than look up each changed path.
            first = self.index(0, Column.FILE)
            last = self.index(len(self._shown) - 1, Column.FILE)
            self.dataChanged.emit(first, last, [Qt.ItemDataRole.CheckStateRole, CheckedRole])

    def catch_up(self) -> None:
        """Sync now if a change of the source is waiting (else nothing to do)."""
        if self._stale or self._sync_timer.isActive():
            self.sync()

    @Slot()
    def sync(self) -> None:
        """Bring the rows in line with the source now (a coalesced change otherwise waits for
        the next event-loop turn)."""
        self._sync_timer.stop()
        started = time.perf_counter()
        if self._stale or not self._members:
            self._rebuild_base()
        self._refresh()
        # A sync of a big result costs tens of ms: while a scan streams batches in, leave the
        # event loop several times that for everything else.
        cost_ms = (time.perf_counter() - started) * 1000
        self._sync_timer.setInterval(0 if cost_ms < 10 else min(1000, round(cost_ms * 4)))

    def _rebuild_base(self) -> None:
        self._stale = False
        groups: list[Group] = []
        members: list[Member] = []
        group_rows: list[int] = []
        member_rows: list[int] = []
        spans: list[tuple[Group, int, int]] = []
        for group_row, group in enumerate(self._source.groups()):
            n = len(group.members)
            spans.append((group, len(members), len(members) + n))
            groups.extend([group] * n)
            members.extend(group.members)
            group_rows.extend([group_row] * n)
            member_rows.extend(range(n))
        self._groups, self._members = groups, members
        self._group_rows, self._member_rows = group_rows, member_rows
        self._spans = spans
        self._base_of = {
            (g.id, m.path): i for i, (g, m) in enumerate(zip(groups, members, strict=True))
        }
        self._sort_keys = {}

    def _keys(self, column: Column) -> list[Any]:
        keys = self._sort_keys.get(column)
        if keys is not None:
            return keys
        members = self._members
        if column == Column.KEEPER:
            keys = [row != 0 for row in self._member_rows]
        elif column == Column.FILE:
            keys = [_name(m.path).casefold() for m in members]
        elif column == Column.FOLDER:
            # One string (folder, a separator below any character, name) compares faster
            # than a pair.
            keys = [f"{_folder(m.path)}\0{_name(m.path)}".casefold() for m in members]
        elif column == Column.SIZE:
            keys = [m.size for m in members]
        elif column == Column.DIMENSIONS:
            # Plain numbers and strings, never tuples: 30,000 new tuples are work for the
            # garbage collector in the middle of a click.
            keys = [(m.width * m.height << 16) + m.width for m in members]
        elif column == Column.TAKEN:
            keys = [_taken_key(m) for m in members]
        elif column == Column.MATCH:
            # The kind first, then the higher score (a score is within 0..1).
            keys = [_MATCH_ORDER[m.match] - m.score / 2 for m in members]
        else:
            keys = [m.score for m in members]
        self._sort_keys[column] = keys
        return keys

    def _wanted(self) -> list[int]:
        """The base rows to show, in display order."""
        accepts = self._group_filter
        if accepts is None and not self._duplicates_only:
            rows = list(range(len(self._members)))
        else:
            # Group by group: a group's photos are one run of base rows, its keeper first.
            skip = 1 if self._duplicates_only else 0
            rows = []
            for group, first, end in self._spans:
                if accepts is None or accepts(group):
                    rows.extend(range(first + skip, end))
        if self._sort_column is not Column.GROUP:
            # Stable: rows with equal values keep the group order.
            rows.sort(key=self._keys(self._sort_column).__getitem__)
        if self._sort_order == Qt.SortOrder.DescendingOrder:
            rows.reverse()
        return rows

    def _refresh(self, *, same_rows: bool = False) -> None:
        """Show the wanted rows: a reordering if the same rows are shown (``same_rows``: known
        to be, a new sort order), else a reset."""
        if not self._active:
            self._stale = True
            return
        if self._stale:
            # A change of the source is still waiting for its (coalesced) sync: the new
            # order or filter applies to the rows as they are now.
            self._sync_timer.stop()
            self._rebuild_base()
        wanted = self._wanted()
        old = self._shown
        if len(wanted) == len(old) and (same_rows or set(wanted) == set(old)):
            if wanted != old:
                self._reorder(wanted)
            elif old:
                # The same rows, but a group may have been replaced by one with new facts.
                last = self.index(len(old) - 1, len(Column) - 1)
                self.dataChanged.emit(self.index(0, 0), last)
        else:
            self.beginResetModel()
            self._shown = wanted
            self._row_of_base = None
            self.endResetModel()
        self.rows_synced.emit()

    def _reorder(self, wanted: list[int]) -> None:
        # PySide6 only exposes the argument-less overload (all parents, no hint).
        self.layoutAboutToBeChanged.emit()
        old = self._shown
        self._shown = wanted
        self._row_of_base = None
        old_persistent = self.persistentIndexList()
        new_persistent = [
            self.index(self.row_of(*self._key_at_base(old[index.row()])), index.column())
            for index in old_persistent
        ]
        self.changePersistentIndexList(old_persistent, new_persistent)
        self.layoutChanged.emit()

    def _key_at_base(self, base: int) -> Key:
        return self._groups[base].id, self._members[base].path


class _BandDelegate(QStyledItemDelegate):
    """Tints every other group, so the rows of one group read as a block when sorted by group;
    folders are shortened from the left."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:
        super().initStyleOption(option, index)
        if index.column() == Column.FOLDER:
            # A folder's last parts say the most: "…/Phone backup/DCIM".
            option.textElideMode = Qt.TextElideMode.ElideLeft
        model = index.model()
        if (
            isinstance(model, ResultsTableModel)
            and model.sort_column() is Column.GROUP
            and model.group_number(index.row()) % 2 == 0
        ):
            option.backgroundBrush = option.palette.brush(QPalette.ColorRole.AlternateBase)


class ResultsTable(QTableView):
    """The results as a table: click a heading to sort, Space marks the current photo, Enter
    previews it."""

    current_member_changed = Signal(object)  # Member | None
    member_activated = Signal(object)  # Member: Enter or double-click

    def __init__(self, model: ResultsTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._table = model
        self.setModel(model)
        self.setItemDelegate(_BandDelegate(self))
        self.setSortingEnabled(True)
        self.sortByColumn(Column.GROUP, Qt.SortOrder.AscendingOrder)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setWordWrap(False)
        self.setShowGrid(False)
        self.setAccessibleName(self.tr("Duplicate photos table"))
        self.verticalHeader().setVisible(False)
        # Uniform rows: the view never asks 30,000 rows for their heights.
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionsMovable(True)
        metrics = self.fontMetrics()
        # Room for typical values (each column can be widened; long ones elide in the middle).
        widths = {
            Column.GROUP: "Group ▾ ",
            Column.KEEPER: "Keeper",
            Column.FILE: "IMG_20240101_1234.jpg  ",
            Column.FOLDER: "/home/someone/Pictures/2024",
            Column.SIZE: "999.9 MB",
            Column.DIMENSIONS: "9999 × 9999",
            Column.TAKEN: "2024-01-01 12:00",
            Column.MATCH: "similar 100 %",
            Column.SCORE: "Score ",
        }
        for column, sample in widths.items():
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 24)
        self._kept: tuple[Key | None, Key | None, int] = (None, None, 0)
        model.modelAboutToBeReset.connect(self._on_model_about_to_be_reset)
        model.modelReset.connect(self._on_model_reset)
        model.rows_synced.connect(self._on_model_rows_synced)
        self.doubleClicked.connect(self._on_double_clicked)

    def current_member(self) -> Member | None:
        return self._table.member_at(self.currentIndex())

    def set_current_member(self, group_id: int, path: str) -> bool:
        """Make the row of ``path`` in group ``group_id`` current and scroll to it."""
        row = self._table.row_of(group_id, path)
        if row < 0:
            return False
        self.setCurrentIndex(self._table.index(row, Column.FILE))
        # Scrolled by its first column: only up or down, never sideways to the file's column.
        self.scrollTo(self._table.index(row, 0), QAbstractItemView.ScrollHint.EnsureVisible)
        return True

    def toggle_current(self) -> bool:
        member = self.current_member()
        if member is None:
            return False
        source = self._table.source
        return source.set_checked(member.path, not source.is_checked(member.path))

    def currentChanged(self, current: Index, previous: Index) -> None:
        super().currentChanged(current, previous)
        if current.row() != previous.row() or not previous.isValid():
            self.current_member_changed.emit(self._table.member_at(current))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Space and not event.modifiers():
            self.toggle_current()
            event.accept()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            member = self.current_member()
            if member is not None:
                self.member_activated.emit(member)
            event.accept()
            return
        super().keyPressEvent(event)

    @Slot(QModelIndex)
    def _on_double_clicked(self, index: QModelIndex) -> None:
        member = self._table.member_at(index)
        if member is not None:
            self.member_activated.emit(member)

    @Slot()
    def _on_model_about_to_be_reset(self) -> None:
        # Which rows are shown changes (a filter, a scan batch): remember the current photo
        # and the top row, to put them back where they were.
        model = self._table
        current = self.currentIndex()
        top = self.rowAt(0)
        self._kept = (
            model.key_of(current.row()) if current.isValid() else None,
            model.key_of(top) if top >= 0 else None,
            current.row() if current.isValid() else 0,
        )

    @Slot()
    def _on_model_reset(self) -> None:
        model = self._table
        current_key, top_key, current_row = self._kept
        self._kept = (None, None, 0)
        if not model.rowCount():
            return
        top = model.row_of(*top_key) if top_key is not None else -1
        row = model.row_of(*current_key) if current_key is not None else -1
        if row < 0:
            # The current photo is gone (or filtered out): the one that took its place.
            row = min(current_row, model.rowCount() - 1)
        self.selectionModel().setCurrentIndex(
            model.index(row, Column.FILE),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        if top >= 0:
            self.verticalScrollBar().setValue(top)
        else:
            self.scrollTo(model.index(row, 0))

    @Slot()
    def _on_model_rows_synced(self) -> None:
        current = self.currentIndex()
        if not current.isValid() and self._table.rowCount():
            # The first rows of a scan, or the current row filtered away: a row is always current.
            self.setCurrentIndex(self._table.index(0, Column.FILE))
