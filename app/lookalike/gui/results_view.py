"""The results view: the grid of duplicate groups (one painted strip per group) or the table of
their photos, a bar to filter them and jump to a group, and the preview/compare pane beside.

The grid is a ``QAbstractItemView`` over the model's top-level rows with its own layout: a
strip's height follows from its member count, the view width and whether it is collapsed, so
the layout of 10,000 groups is one pass of arithmetic (prefix sums of heights) instead of
10,000 calls of a delegate's ``sizeHint`` (``QListView`` took ~300 ms, and in its batched mode
a keyboard jump past the first batch had nothing to scroll to). That layout is redone at once
after every change of the model, which lets the grid keep the strip under the pointer (or the
top one) where it was while groups above it grow or go.

The current *member* (which item views have no notion of) is tracked here as the current group
index plus a member row; the table follows it and sets it.
"""

from __future__ import annotations

import bisect
import os
from collections.abc import Callable, Sequence

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QAction,
    QContextMenuEvent,
    QHelpEvent,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QRegion,
    QResizeEvent,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QStyleOptionViewItem,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from lookalike.core import words
from lookalike.core.model import Group, MatchKind, Member
from lookalike.gui.preview import PreviewPane, open_file, show_in_folder
from lookalike.gui.results_model import CheckableRole, ResultsModel
from lookalike.gui.results_table import ResultsTable, ResultsTableModel
from lookalike.gui.thumb_cache import ThumbCache
from lookalike.gui.thumb_delegate import (
    MARGIN_PX,
    THUMB_EDGE_PX,
    Part,
    StripLayout,
    ThumbDelegate,
)

_PRUNE_DELAY_MS = 120  # after scrolling settles, forget queued thumbnails no longer in view
_SCROLL_STEP_PX = 48
_SCROLL_MARGIN_PX = 8  # space kept around a card scrolled into view
FOLD_SLICE = 1000  # groups folded for the filter per idle turn (~3 ms)


class FoldedPaths:
    """Each group's paths in one case-folded string, made once per group record (a group the
    scan replaces is folded again), for filters to search."""

    def __init__(self) -> None:
        self._folded: dict[int, tuple[Group, str]] = {}

    def of(self, group: Group) -> str:
        cached = self._folded.get(group.id)
        if cached is None or cached[0] is not group:
            cached = (group, "\n".join([m.path for m in group.members]).casefold())
            self._folded[group.id] = cached
        return cached[1]

    def fold_some(self, groups: list[Group], budget: int) -> bool:
        """Fold up to ``budget`` groups not folded yet; whether some remain."""
        folded = self._folded
        for group in groups:
            cached = folded.get(group.id)
            if cached is None or cached[0] is not group:
                if budget == 0:
                    return True
                folded[group.id] = (group, "\n".join([m.path for m in group.members]).casefold())
                budget -= 1
        return False

    def containing(self, groups: list[Group], needle: str) -> dict[int, bool]:
        """For each group's id, whether its paths contain ``needle`` (in one loop: 10,000
        groups are searched in a few milliseconds)."""
        folded = self._folded
        found = {}
        for group in groups:
            cached = folded.get(group.id)
            if cached is None or cached[0] is not group:
                cached = (group, "\n".join([m.path for m in group.members]).casefold())
                folded[group.id] = cached
            found[group.id] = needle in cached[1]
        return found

    def clear(self) -> None:
        self._folded.clear()


class GroupFilter:
    """Which groups a filter text lets through: those with a file whose path (name or folder)
    contains it, ignoring case."""

    def __init__(self, text: str = "", folded: FoldedPaths | None = None) -> None:
        self.text = text
        self._needle = text.strip().casefold()
        self._folded = folded if folded is not None else FoldedPaths()
        # The grid and the table both ask about every group: each is searched once (for the
        # record it was searched in: the scan may replace a group).
        self._verdicts: dict[int, bool] = {}
        self._records: dict[int, Group] = {}

    @property
    def active(self) -> bool:
        return bool(self._needle)

    def search(self, groups: list[Group]) -> None:
        """Decide for all ``groups`` at once (what ``accepts`` then answers)."""
        if self._needle:
            self._verdicts.update(self._folded.containing(groups, self._needle))
            self._records.update((g.id, g) for g in groups)

    def accepts(self, group: Group) -> bool:
        if not self._needle:
            return True
        if self._records.get(group.id) is not group:
            self._records[group.id] = group
            self._verdicts[group.id] = self._needle in self._folded.of(group)
        return self._verdicts[group.id]


class ResultsGrid(QAbstractItemView):
    """Groups as strips of thumbnail cards; arrows move between cards, Space toggles."""

    current_member_changed = Signal(object)  # Member | None
    member_activated = Signal(object)  # Member: Enter or double-click
    compare_requested = Signal(object)  # Member: Ctrl+click picks the other side of a comparison
    launch_failed = Signal(str)  # what could not be opened, in words
    keeper_requested = Signal(object)  # Member: "Make This the Keeper" from its menu

    def __init__(self, model: ResultsModel, cache: ThumbCache, parent: QWidget | None = None):
        super().__init__(parent)
        self._model = model
        self._cache = cache
        self._delegate = ThumbDelegate(self)
        self._group = QPersistentModelIndex()
        self._member_row = -1
        self._tops: list[int] = [0]  # y of each strip in the content, then the total height
        self._laid_out_width = -1
        self._hidden: set[int] = set()  # ids of the groups the filter hides
        self._filter: Callable[[Group], bool] | None = None
        self._pointer: QPoint | None = None  # last pointer position over the viewport
        self._anchor: tuple[int, int] | None = None  # (group id, its top in the viewport)
        self._follow_current = False  # after a sort: scroll to the current card
        # Whether the user picked the current card (else it is the first one the scan showed,
        # and after the final sort the first card is current again).
        self._user_chose = False
        self.setModel(model)
        self.setItemDelegate(self._delegate)
        self.verticalScrollBar().setSingleStep(_SCROLL_STEP_PX)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # We scroll to the current card ourselves; Qt's auto-scroll to the current group
        # would yank the view back whenever the scan updates groups.
        self.setAutoScroll(False)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(self.tr("Duplicate groups"))
        self.setAccessibleDescription(
            self.tr(
                "Arrow keys move between photos, Space marks a photo for the trash, Enter previews "
                "it, minus and plus collapse and expand a group"
            )
        )
        self._dpr = 0.0
        self._sync_device_pixel_ratio()

        self._prune_timer = QTimer(self)
        self._prune_timer.setSingleShot(True)
        self._prune_timer.setInterval(_PRUNE_DELAY_MS)
        self._prune_timer.timeout.connect(self._on_prune_timer_timeout)
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)

        model.rowsAboutToBeInserted.connect(self._on_model_about_to_change)
        model.rowsAboutToBeRemoved.connect(self._on_model_about_to_change)
        model.layoutAboutToBeChanged.connect(self._on_model_layout_about_to_change)
        model.rowsInserted.connect(self._on_model_rows_inserted)
        model.rowsRemoved.connect(self._on_model_rows_removed)
        model.modelReset.connect(self._on_model_reset)
        model.layoutChanged.connect(self._on_model_layout_changed)
        model.dataChanged.connect(self._on_model_data_changed)
        self._fit_one_card()
        self._relayout()

    def _fit_one_card(self) -> None:
        """Never narrower than one card: a splitter or a small window at 2x would otherwise cut
        the cards off at the right."""
        layout = self.strip_layout()
        bar = self.verticalScrollBar().sizeHint().width()
        self.setMinimumWidth(layout.card_w + 2 * MARGIN_PX + bar + 2 * self.frameWidth())

    # --- layout ---------------------------------------------------------------------------

    def strip_layout(self) -> StripLayout:
        return self._delegate.layout_for(self.font())

    def _relayout(self, from_row: int = 0) -> None:
        """Recompute the strips' places (hidden ones take no room) from ``from_row`` on (the
        rows above it did not change) and the scroll range; repaint only if a strip in sight
        may have changed, so groups appended below the screen cost no painting."""
        layout = self.strip_layout()
        width = max(1, self.viewport().width())
        if width != self._laid_out_width:
            from_row = 0
        groups = self._model.groups()
        from_row = max(0, min(from_row, len(self._tops) - 1, len(groups)))
        collapsed, hidden = self._delegate.collapsed, self._hidden
        tops = self._tops[: from_row + 1]
        y = tops[-1]
        size_of = self._delegate.strip_size
        heights: dict[tuple[int, bool], int] = {}
        for group in groups[from_row:]:
            if group.id in hidden:
                tops.append(y)
                continue
            shut = group.id in collapsed
            key = (len(group.members), shut)
            height = heights.get(key)
            if height is None:
                height = heights[key] = size_of(layout, key[0], width, shut).height()
            y += height
            tops.append(y)
        self._tops = tops
        self._laid_out_width = width
        self.updateGeometries()
        if tops[from_row] <= self.verticalScrollBar().value() + self.viewport().height():
            self.viewport().update()

    def content_height(self) -> int:
        return self._tops[-1]

    def strip_rect(self, row: int) -> QRect:
        """Where group ``row``'s strip is, in viewport coordinates (empty when hidden)."""
        if not 0 <= row < len(self._tops) - 1:
            return QRect()
        top, bottom = self._tops[row], self._tops[row + 1]
        if bottom == top:
            return QRect()
        scroll = self.verticalScrollBar().value()
        return QRect(0, top - scroll, self.viewport().width(), bottom - top)

    def _row_at_y(self, y: int) -> int:
        """The row whose strip holds content coordinate ``y``, or -1."""
        if y < 0 or y >= self._tops[-1]:
            return -1
        return bisect.bisect_right(self._tops, y) - 1

    def updateGeometries(self) -> None:
        bar = self.verticalScrollBar()
        page = self.viewport().height()
        bar.setPageStep(page)
        bar.setRange(0, max(0, self._tops[-1] - page))
        super().updateGeometries()

    # --- QAbstractItemView interface ------------------------------------------------------

    def visualRect(self, index: QModelIndex | QPersistentModelIndex) -> QRect:
        if not index.isValid() or index.model() is not self._model:
            return QRect()
        parent = index.parent()
        if not parent.isValid():
            return self.strip_rect(index.row())
        return self.card_rect(self._model.index(parent.row(), 0), index.row())

    def scrollTo(
        self,
        index: QModelIndex | QPersistentModelIndex,
        hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible,
    ) -> None:
        rect = self.visualRect(index)
        if rect.isEmpty():
            return
        self._scroll_rect_into_view(rect, hint)

    def _scroll_rect_into_view(
        self, rect: QRect, hint: QAbstractItemView.ScrollHint, margin: int = 0
    ) -> None:
        bar = self.verticalScrollBar()
        viewport = self.viewport().rect()
        hints = QAbstractItemView.ScrollHint
        if hint == hints.PositionAtTop:
            bar.setValue(bar.value() + rect.top() - margin)
        elif hint == hints.PositionAtBottom:
            bar.setValue(bar.value() + rect.bottom() - viewport.bottom() + margin)
        elif hint == hints.PositionAtCenter:
            bar.setValue(bar.value() + rect.center().y() - viewport.center().y())
        elif rect.height() + 2 * margin > viewport.height() or rect.top() < viewport.top():
            bar.setValue(bar.value() + rect.top() - margin)
        elif rect.bottom() > viewport.bottom():
            bar.setValue(bar.value() + rect.bottom() - viewport.bottom() + margin)

    def dataChanged(
        self,
        top_left: QModelIndex | QPersistentModelIndex,
        bottom_right: QModelIndex | QPersistentModelIndex,
        roles: Sequence[int] = (),
    ) -> None:
        # The base class asks visualRect of every index in a range to find what to repaint
        # (10,000 calls for one Select Duplicates); the strips in sight are few: repaint them.
        if top_left == bottom_right and not top_left.parent().isValid():
            self.viewport().update(self.strip_rect(top_left.row()))
        else:
            self.viewport().update()

    def indexAt(self, point: QPoint) -> QModelIndex:
        row = self._row_at_y(point.y() + self.verticalScrollBar().value())
        return self._model.index(row, 0) if row >= 0 else QModelIndex()

    def moveCursor(
        self, _action: QAbstractItemView.CursorAction, _modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        # keyPressEvent moves between cards itself; the base class never gets a move key.
        return self.currentIndex()

    def horizontalOffset(self) -> int:
        return 0

    def verticalOffset(self) -> int:
        return self.verticalScrollBar().value()

    def isIndexHidden(self, index: QModelIndex | QPersistentModelIndex) -> bool:
        group = self._model.group_at(index)
        return group is not None and group.id in self._hidden

    def setSelection(self, rect: QRect, command: QItemSelectionModel.SelectionFlag) -> None:
        # No item selection: check marks live in the model, the current card here.
        return

    def visualRegionForSelection(self, selection: QItemSelection) -> QRegion:
        return QRegion()

    # --- filter and collapse --------------------------------------------------------------

    def set_group_filter(self, accepts: Callable[[Group], bool] | None) -> None:
        """Show only the groups ``accepts`` (None: all of them)."""
        self._filter = accepts
        self._capture_anchor()
        self._apply_filter()
        self._relayout()
        self._restore_anchor()
        self._keep_current_visible()

    def _apply_filter(self) -> None:
        accepts = self._filter
        if accepts is None:
            self._hidden = set()
        else:
            self._hidden = {g.id for g in self._model.groups() if not accepts(g)}

    def is_row_hidden(self, row: int) -> bool:
        return self.strip_rect(row).isEmpty() and 0 <= row < self._model.rowCount()

    def visible_rows(self) -> int:
        """How many groups are shown (not hidden by the filter)."""
        if not self._hidden:
            return self._model.rowCount()
        return sum(1 for g in self._model.groups() if g.id not in self._hidden)

    def is_collapsed(self, row: int) -> bool:
        group = self._model.group_at(self._model.index(row, 0))
        return group is not None and group.id in self._delegate.collapsed

    def set_collapsed(self, row: int, collapsed: bool) -> None:
        """Show group ``row`` as its header only, or whole again."""
        group = self._model.group_at(self._model.index(row, 0))
        if group is None or (group.id in self._delegate.collapsed) == collapsed:
            return
        self._capture_anchor(prefer_row=row)
        if collapsed:
            self._delegate.collapsed.add(group.id)
        else:
            self._delegate.collapsed.discard(group.id)
        self._relayout(row)
        self._restore_anchor()
        if self._group.isValid() and self._group.row() == row:
            self._change_current(self.current_group(), 0 if collapsed else self._member_row)

    def set_all_collapsed(self, collapsed: bool) -> None:
        self._capture_anchor(prefer_row=self._group.row() if self._group.isValid() else None)
        if collapsed:
            self._delegate.collapsed = {g.id for g in self._model.groups()}
        else:
            self._delegate.collapsed = set()
        self._relayout()
        self._restore_anchor()
        if self._group.isValid():
            self._change_current(self.current_group(), 0 if collapsed else self._member_row)
            self._scroll_to_current()

    def _members_shown(self, row: int) -> int:
        """How many cards group ``row`` shows (a collapsed group counts as one stop)."""
        if self.is_collapsed(row):
            return 1
        return self._model.rowCount(self._model.index(row, 0))

    # --- keeping the view still while the model changes -----------------------------------

    def _capture_anchor(self, prefer_row: int | None = None) -> None:
        """Remember which strip to keep in place: ``prefer_row``, the one under the pointer,
        or the top one; the first capture of a change wins."""
        if self._anchor is not None:
            return
        row = -1
        if prefer_row is not None and 0 <= prefer_row < self._model.rowCount():
            row = prefer_row
        elif self._pointer is not None:
            row = self.indexAt(self._pointer).row()
        if row < 0:
            row = self._row_at_y(self.verticalScrollBar().value())
        group = self._model.group_at(self._model.index(row, 0)) if row >= 0 else None
        rect = self.strip_rect(row) if row >= 0 else QRect()
        if group is not None and not rect.isEmpty():
            self._anchor = (group.id, rect.top())

    def _restore_anchor(self) -> None:
        anchor, self._anchor = self._anchor, None
        if anchor is None:
            return
        group_id, top = anchor
        row = self._model.group_row(group_id)
        rect = self.strip_rect(row) if row >= 0 else QRect()
        if rect.isEmpty():
            return
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + rect.top() - top)

    @Slot()
    def _on_model_about_to_change(self) -> None:
        self._capture_anchor()

    @Slot()
    def _on_model_layout_about_to_change(self) -> None:
        # A sort: nothing stays where it was, so the current card is what to keep in sight.
        self._follow_current = True

    # --- the current member ---------------------------------------------------------------

    def current_member(self) -> Member | None:
        return self._model.member_at(self._model.index(self._member_row, 0, self.current_group()))

    def current_group(self) -> QModelIndex:
        if not self._group.isValid():
            return QModelIndex()
        return self._model.index(self._group.row(), 0)

    def current_position(self) -> tuple[int, int]:
        """(group row, member row), or (-1, -1) when nothing is current."""
        return (self._group.row(), self._member_row) if self._group.isValid() else (-1, -1)

    def set_current(self, group_row: int, member_row: int) -> None:
        """Make a member current (clamped into range; a hidden group gives way to the nearest
        shown one) and scroll it into view: the user's choice, which a sort then keeps."""
        self._user_chose = True
        self._set_current(group_row, member_row)

    def _set_current(self, group_row: int, member_row: int) -> None:
        rows = self._model.rowCount()
        if rows == 0:
            self._change_current(QModelIndex(), -1)
            return
        group_row = self._nearest_visible(min(max(group_row, 0), rows - 1))
        if group_row < 0:
            self._change_current(QModelIndex(), -1)
            return
        group_index = self._model.index(group_row, 0)
        count = self._members_shown(group_row)
        self._change_current(group_index, min(max(member_row, 0), count - 1))
        self._scroll_to_current()

    def _nearest_visible(self, row: int) -> int:
        """``row`` if shown, else the next shown row below it, else the one above; -1: none."""
        rows = len(self._tops) - 1
        for candidate in range(row, rows):
            if self._tops[candidate + 1] > self._tops[candidate]:
                return candidate
        for candidate in range(min(row, rows) - 1, -1, -1):
            if self._tops[candidate + 1] > self._tops[candidate]:
                return candidate
        return -1

    def _step_visible(self, row: int, step: int) -> int:
        """The next shown row from ``row`` in direction ``step`` (+1 or -1), or -1."""
        rows = len(self._tops) - 1
        candidate = row + step
        while 0 <= candidate < rows:
            if self._tops[candidate + 1] > self._tops[candidate]:
                return candidate
            candidate += step
        return -1

    def _change_current(self, group_index: QModelIndex, member_row: int) -> None:
        before = self.current_member(), self.current_position()
        old_group = self.current_group()
        self._group = QPersistentModelIndex(group_index)
        self._member_row = member_row
        self._delegate.current_group = self._group
        self._delegate.current_member_row = member_row
        if self.currentIndex() != group_index:
            # (The base class then repaints both strips.)
            self.selectionModel().setCurrentIndex(
                group_index, QItemSelectionModel.SelectionFlag.NoUpdate
            )
        member = self.current_member()
        if (member, self.current_position()) != before:
            for index in (old_group, group_index):
                if index.isValid():
                    self.viewport().update(self.visualRect(index))
            self.setAccessibleDescription(_spoken(member) if member else "")
            self.current_member_changed.emit(member)

    def set_compare_path(self, path: str) -> None:
        if path != self._delegate.compare_path:
            self._delegate.compare_path = path
            self.viewport().update()

    def _scroll_to_current(self) -> None:
        group_index = self.current_group()
        if not group_index.isValid():
            return
        if self._laid_out_width != max(1, self.viewport().width()):
            self._relayout()
        if self.is_collapsed(group_index.row()):
            target = self.strip_rect(group_index.row())
        else:
            target = self.card_rect(group_index, self._member_row)
            # The header too when the card is on the strip's first line.
            strip = self.strip_rect(group_index.row())
            if target.top() - strip.top() <= self.strip_layout().header_px + _SCROLL_MARGIN_PX:
                target = target.united(QRect(target.left(), strip.top(), 1, 1))
        self._scroll_rect_into_view(
            target, QAbstractItemView.ScrollHint.EnsureVisible, _SCROLL_MARGIN_PX
        )

    def card_rect(self, group_index: QModelIndex, member_row: int) -> QRect:
        """Where a member's card is, in viewport coordinates."""
        strip = self.strip_rect(group_index.row())
        if strip.isEmpty():
            return QRect()
        return self.strip_layout().card_rect(strip, member_row)

    def hit(self, pos: QPoint) -> tuple[QModelIndex, Part, int]:
        """The group under ``pos`` (viewport coordinates), the part hit and the member row."""
        group_index = self.indexAt(pos)
        if not group_index.isValid():
            return QModelIndex(), Part.NOTHING, -1
        count = self._model.rowCount(group_index)
        part, row = self.strip_layout().hit(
            self.strip_rect(group_index.row()),
            count,
            pos,
            collapsed=self.is_collapsed(group_index.row()),
        )
        return group_index, part, row

    # --- keyboard -------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if self._model.rowCount() == 0:
            super().keyPressEvent(event)
            return
        if not self._group.isValid():
            if key in _MOVES:
                self.set_current(0, 0)
                return
            super().keyPressEvent(event)
            return
        group_row, member_row = self.current_position()
        count = self._members_shown(group_row)
        per_line = self.strip_layout().per_line(self.viewport().width())
        line, column = divmod(member_row, per_line)
        control = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        below, above = self._step_visible(group_row, 1), self._step_visible(group_row, -1)
        if key == Qt.Key.Key_Right:
            if member_row + 1 < count:
                self.set_current(group_row, member_row + 1)
            elif below >= 0:
                self.set_current(below, 0)
        elif key == Qt.Key.Key_Left:
            if member_row > 0:
                self.set_current(group_row, member_row - 1)
            elif above >= 0:
                self.set_current(above, self._members_shown(above) - 1)
        elif key == Qt.Key.Key_Down:
            if (line + 1) * per_line < count:
                self.set_current(group_row, min(member_row + per_line, count - 1))
            elif below >= 0:
                self.set_current(below, column)
        elif key == Qt.Key.Key_Up:
            if line > 0:
                self.set_current(group_row, member_row - per_line)
            elif above >= 0:
                shown = self._members_shown(above)
                last_line = (shown - 1) // per_line
                self.set_current(above, min(last_line * per_line + column, shown - 1))
        elif key == Qt.Key.Key_Home and control:
            self.set_current(self._nearest_visible(0), 0)
        elif key == Qt.Key.Key_End and control:
            last = self._step_visible(self._model.rowCount(), -1)
            self.set_current(last, self._members_shown(last) - 1)
        elif key == Qt.Key.Key_Home:
            self.set_current(group_row, 0)
        elif key == Qt.Key.Key_End:
            self.set_current(group_row, count - 1)
        elif key in (Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
            self._page(1 if key == Qt.Key.Key_PageDown else -1, column)
        elif key == Qt.Key.Key_Space:
            self.toggle_current()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            member = self.current_member()
            if member is not None:
                self.member_activated.emit(member)
        elif key == Qt.Key.Key_Minus:
            self.set_collapsed(group_row, True)
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.set_collapsed(group_row, False)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def _page(self, direction: int, column: int) -> None:
        """Move a screenful up or down, to the card at the same place on the next page."""
        group_index = self.current_group()
        card = self.card_rect(group_index, self._member_row)
        if card.isEmpty():
            card = self.strip_rect(group_index.row())
        y = card.center().y() + self.verticalScrollBar().value()
        target = self._row_at_y(y + direction * self.viewport().height())
        if target < 0:
            last = self._step_visible(self._model.rowCount(), -1)
            target = last if direction > 0 else self._nearest_visible(0)
        self.set_current(target, column)

    def toggle_current(self) -> bool:
        """Flip the current member's check mark; False when the rules refuse it."""
        index = self._model.index(self._member_row, 0, self.current_group())
        return index.isValid() and self._model.toggle_checked(index)

    # --- mouse ----------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        group_index, part, row = self.hit(event.position().toPoint())
        if not group_index.isValid():
            return
        if part is Part.TOGGLE and event.button() == Qt.MouseButton.LeftButton:
            self.set_collapsed(group_index.row(), not self.is_collapsed(group_index.row()))
        elif part in (Part.HEADER, Part.TOGGLE):
            self.set_current(group_index.row(), max(0, self._member_row))
        elif part in (Part.CARD, Part.CHECKBOX):
            control = event.modifiers() & Qt.KeyboardModifier.ControlModifier
            if part is Part.CARD and control and event.button() == Qt.MouseButton.LeftButton:
                # Ctrl+click picks the other side of a comparison; the current one stays.
                member = self._model.member_at(self._model.index(row, 0, group_index))
                self.compare_requested.emit(member)
                event.accept()
                return
            self.set_current(group_index.row(), row)
            if part is Part.CHECKBOX and event.button() == Qt.MouseButton.LeftButton:
                self.toggle_current()
        event.accept()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        group_index, part, row = self.hit(event.position().toPoint())
        if part is Part.CARD:
            member = self._model.member_at(self._model.index(row, 0, group_index))
            if member is not None:
                self.member_activated.emit(member)
        elif part is Part.HEADER:
            self.set_collapsed(group_index.row(), not self.is_collapsed(group_index.row()))
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self._pointer = event.position().toPoint()
        group_index, part, row = self.hit(self._pointer)
        hovering = part in (Part.CARD, Part.CHECKBOX)
        new_group = QPersistentModelIndex(group_index) if hovering else QPersistentModelIndex()
        new_row = row if hovering else -1
        if new_group != self._delegate.hover_group or new_row != self._delegate.hover_member_row:
            old = self._delegate.hover_group
            self._delegate.hover_group, self._delegate.hover_member_row = new_group, new_row
            for index in (old, new_group):
                if index.isValid():
                    self.viewport().update(self.strip_rect(index.row()))
        self.viewport().setCursor(
            Qt.CursorShape.PointingHandCursor
            if part in (Part.CHECKBOX, Part.TOGGLE)
            else Qt.CursorShape.ArrowCursor
        )

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        event.accept()  # the press did the work; the base class would change the selection

    def leaveEvent(self, event: QEvent) -> None:
        self._pointer = None
        self._delegate.hover_group, self._delegate.hover_member_row = QPersistentModelIndex(), -1
        self.viewport().update()
        super().leaveEvent(event)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            group_index, part, row = self.hit(event.pos())
            member = self._model.member_at(self._model.index(row, 0, group_index))
            group = self._model.group_at(group_index)
            if member is not None and group is not None and part in (Part.CARD, Part.CHECKBOX):
                QToolTip.showText(event.globalPos(), _tooltip(member, group), self.viewport())
            elif part is Part.TOGGLE:
                collapsed = self.is_collapsed(group_index.row())
                QToolTip.showText(
                    event.globalPos(),
                    self.tr("Expand (+)") if collapsed else self.tr("Collapse (-)"),
                    self,
                )
            else:
                QToolTip.hideText()
            return True
        if event.type() == QEvent.Type.Leave:
            self._pointer = None
        return super().viewportEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        group_index, part, row = self.hit(self.viewport().mapFrom(self, event.pos()))
        if part not in (Part.CARD, Part.CHECKBOX):
            return
        member = self._model.member_at(self._model.index(row, 0, group_index))
        if member is None:
            return
        self.set_current(group_index.row(), row)
        menu = MemberMenu(self, self._model, member)
        menu.keeper_chosen.connect(self.keeper_requested)
        menu.preview.triggered.connect(self._on_preview_triggered)
        menu.compare.triggered.connect(self._on_compare_triggered)
        menu.toggle.triggered.connect(self.toggle_current)
        menu.open_file.triggered.connect(self._on_open_triggered)
        menu.show_folder.triggered.connect(self._on_show_in_folder_triggered)
        menu.exec(event.globalPos())

    @Slot()
    def _on_preview_triggered(self) -> None:
        member = self.current_member()
        if member is not None:
            self.member_activated.emit(member)

    @Slot()
    def _on_compare_triggered(self) -> None:
        member = self.current_member()
        if member is not None:
            self.compare_requested.emit(member)

    @Slot()
    def _on_open_triggered(self) -> None:
        member = self.current_member()
        if member is not None and not open_file(member.path):
            self.launch_failed.emit(words.no_viewer(member.path))

    @Slot()
    def _on_show_in_folder_triggered(self) -> None:
        member = self.current_member()
        if member is not None and not show_in_folder(member.path):
            self.launch_failed.emit(words.no_file_manager(os.path.dirname(member.path)))

    # --- painting, size and thumbnails ----------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        self._sync_device_pixel_ratio()
        painter = QPainter(self.viewport())
        if self._model.rowCount() == 0 or self.content_height() == 0:
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(
                self.viewport().rect(),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self.tr("Duplicate groups appear here as the scan finds them")
                if self._model.rowCount() == 0
                else self.tr("No group matches the filter"),
            )
            return
        scroll = self.verticalScrollBar().value()
        area = event.rect()
        row = max(0, self._row_at_y(scroll + area.top()))
        last = self._row_at_y(scroll + area.bottom())
        last = len(self._tops) - 2 if last < 0 else last
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        for r in range(row, last + 1):
            rect = self.strip_rect(r)
            if rect.isEmpty():
                continue
            option.rect = rect
            self._delegate.paint(painter, option, self._model.index(r, 0))

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._capture_anchor()
        super().resizeEvent(event)
        if self._laid_out_width != max(1, self.viewport().width()):
            self._relayout()
        else:
            self.updateGeometries()
        self._restore_anchor()
        self._prune_timer.start()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_one_card()
            self._relayout()

    def _sync_device_pixel_ratio(self) -> None:
        """Ask for thumbnails at the screen's pixel density (sharp on high-DPI)."""
        dpr = self.devicePixelRatioF()
        if dpr != self._dpr:
            self._dpr = dpr
            self._cache.device_pixel_ratio = dpr
            self._model.set_thumb_cache(self._cache, round(THUMB_EDGE_PX * dpr))

    def visible_paths(self) -> set[str]:
        """Paths of the members of every group at least partly in view."""
        paths: set[str] = set()
        scroll = self.verticalScrollBar().value()
        row = max(0, self._row_at_y(scroll))
        bottom = scroll + self.viewport().height()
        groups = self._model.groups()
        while row < len(groups) and self._tops[row] < bottom:
            if self._tops[row + 1] > self._tops[row]:
                paths.update(m.path for m in groups[row].members)
            row += 1
        return paths

    @Slot(int)
    def _on_scrolled(self, _value: int) -> None:
        self._prune_timer.start()

    @Slot()
    def _on_prune_timer_timeout(self) -> None:
        self._cache.keep_pending_only(self.visible_paths())

    # --- model changes --------------------------------------------------------------------

    @Slot(QModelIndex, int, int)
    def _on_model_rows_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        if not parent.isValid() and self._filter is not None:
            groups = self._model.groups()
            self._hidden.update(
                groups[r].id for r in range(first, last + 1) if not self._filter(groups[r])
            )
        self._on_model_structure_changed(first if not parent.isValid() else parent.row())
        if not parent.isValid() and not self._group.isValid():
            self._set_current(first, 0)

    @Slot(QModelIndex, int, int)
    def _on_model_rows_removed(self, parent: QModelIndex, first: int, last: int) -> None:
        self._on_model_structure_changed(first if not parent.isValid() else parent.row())

    @Slot()
    def _on_model_layout_changed(self) -> None:
        self._on_model_structure_changed()

    @Slot(QModelIndex, QModelIndex, list)
    def _on_model_data_changed(
        self, top_left: QModelIndex, bottom_right: QModelIndex, roles: list[int]
    ) -> None:
        if roles or top_left.parent().isValid() or self._filter is None:
            return
        # A group was replaced: its files (what the filter reads) may have changed.
        before = set(self._hidden)
        self._apply_filter()
        if self._hidden != before:
            self._capture_anchor()
            self._relayout()
            self._restore_anchor()
            self._keep_current_visible()

    @Slot()
    def _on_model_reset(self) -> None:
        self._anchor = None
        self._user_chose = False
        self._hidden = set()
        self._delegate.collapsed = set()
        self._relayout()
        self.verticalScrollBar().setValue(0)
        self._on_model_structure_changed()

    def _on_model_structure_changed(self, from_row: int = 0) -> None:
        self._relayout(from_row)
        follow, self._follow_current = self._follow_current, False
        if follow:
            self._anchor = None
        else:
            self._restore_anchor()
        # Keep a current member after removals and sorting: the same group if it still exists
        # (persistent indexes follow it), else the nearest one.
        group_row = self._group.row() if self._group.isValid() else -1
        if group_row < 0:
            group_row = max(0, self.currentIndex().row())
        member_row = self._member_row
        if follow and not self._user_chose:
            group_row, member_row = 0, 0
        rows = self._model.rowCount()
        if rows == 0:
            self._change_current(QModelIndex(), -1)
            return
        group_row = self._nearest_visible(min(group_row, rows - 1))
        if group_row < 0:
            self._change_current(QModelIndex(), -1)
            return
        group_index = self._model.index(group_row, 0)
        count = self._members_shown(group_row)
        self._change_current(group_index, min(max(member_row, 0), count - 1))
        if follow:
            self._scroll_to_current()

    def _keep_current_visible(self) -> None:
        """After a filter change: the current card must be one that is shown."""
        if self._model.rowCount() == 0:
            return
        row = self._group.row() if self._group.isValid() else 0
        if self.is_row_hidden(row) or not self._group.isValid():
            self._set_current(row, 0)
        else:
            self._scroll_to_current()


_MOVES = {
    Qt.Key.Key_Left,
    Qt.Key.Key_Right,
    Qt.Key.Key_Up,
    Qt.Key.Key_Down,
    Qt.Key.Key_Home,
    Qt.Key.Key_End,
    Qt.Key.Key_PageUp,
    Qt.Key.Key_PageDown,
}


class MemberMenu(QMenu):
    """The context menu of a photo, in the grid and in the table."""

    keeper_chosen = Signal(object)  # Member: make it the keeper of its group

    def __init__(self, parent: QWidget, model: ResultsModel, member: Member) -> None:
        super().__init__(parent)
        checked = model.is_checked(member.path)
        self.toggle = QAction(self.tr("Unmark") if checked else self.tr("Mark for trash"), self)
        index = _index_of(model, member)
        self.toggle.setEnabled(bool(index.data(CheckableRole)) if index.isValid() else False)
        self.keep = QAction(self.tr("Keep only this one"), self)
        self.keep.setToolTip(self.tr("Mark every other photo of this group for the trash"))
        self.make_keeper = QAction(self.tr("Make This the &Keeper"), self)
        self.make_keeper.setToolTip(self.tr("Keep this photo instead of the suggested keeper"))
        self.make_keeper.setEnabled(member.match is not MatchKind.KEEPER)
        self._member = member
        self.preview = QAction(self.tr("Preview"), self)
        self.compare = QAction(self.tr("Compare with current"), self)
        self.open_file = QAction(self.tr("Open"), self)
        self.show_folder = QAction(self.tr("Show in folder"), self)
        self._model = model
        self._index = QPersistentModelIndex(index)
        self.keep.triggered.connect(self._on_keep_triggered)
        self.make_keeper.triggered.connect(self._on_make_keeper_triggered)
        for action in (
            self.toggle,
            self.keep,
            self.make_keeper,
            None,
            self.preview,
            self.compare,
            None,
            self.open_file,
            self.show_folder,
        ):
            if action is None:
                self.addSeparator()
            else:
                self.addAction(action)

    @Slot()
    def _on_make_keeper_triggered(self) -> None:
        self.keeper_chosen.emit(self._member)

    @Slot()
    def _on_keep_triggered(self) -> None:
        if self._index.isValid():
            self._model.keep_only(self._model.index(self._index.row(), 0, self._index.parent()))


def _index_of(model: ResultsModel, member: Member) -> QModelIndex:
    for row, group in enumerate(model.groups()):
        for member_row, candidate in enumerate(group.members):
            if candidate is member or candidate.path == member.path:
                return model.index(member_row, 0, model.index(row, 0))
    return QModelIndex()


def _tooltip(member: Member, group: Group) -> str:
    why = words.keeper_reason(group) if member.path == group.keeper.path else ""
    proof = words.proof_note(member)
    return (
        f"{member.path}\n{member.width} × {member.height} · {words.size(member.size)}"
        f" · {words.photo_date(member)}\n{why or words.match_badge(group, member)}"
        + (f"\n{proof}" if proof else "")
        + ("\nIn a reference folder: never marked for the trash" if member.is_reference else "")
    )


def _spoken(member: Member) -> str:
    return (
        f"{os.path.basename(member.path)}, {words.match_label(member)}, "
        f"{member.width} by {member.height}, {words.size(member.size)}"
    )


class ResultsBar(QWidget):
    """Above the results: the filter, "go to group", and the table's "duplicates only"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText(self.tr("Filter by file or folder name"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName(self.tr("Filter groups by file or folder name"))
        self.filter_edit.setMinimumWidth(self.filter_edit.fontMetrics().averageCharWidth() * 14)
        self.filter_edit.setToolTip(
            self.tr("Show only the groups with a file whose name or folder contains this")
        )
        self.count_label = QLabel(self)
        self.count_label.setAccessibleName(self.tr("Groups shown"))
        self.group_label = QLabel(self.tr("&Group:"), self)
        self.group_spin = QSpinBox(self)
        self.group_spin.setRange(0, 0)
        self.group_spin.setAccessibleName(self.tr("Go to group number"))
        self.group_spin.setToolTip(self.tr("Type a group's number and press Enter to go there"))
        self.group_spin.setKeyboardTracking(False)
        self.group_label.setBuddy(self.group_spin)
        self.duplicates_check = QCheckBox(self.tr("&Duplicates only"), self)
        self.duplicates_check.setToolTip(
            self.tr("Hide the keepers: list only the files a cleanup acts on")
        )
        self.duplicates_check.hide()  # a table option: shown with the table
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.addWidget(self.filter_edit, 3)
        layout.addWidget(self.count_label)
        layout.addSpacing(12)
        layout.addWidget(self.group_label)
        layout.addWidget(self.group_spin)
        layout.addSpacing(12)
        layout.addWidget(self.duplicates_check)
        layout.addStretch(1)


class ResultsView(QWidget):
    """The grid (or table) of duplicate groups with a preview/compare pane beside it."""

    member_activated = Signal(object)  # Member: Enter or double-click on a card
    current_member_changed = Signal(object)  # Member | None
    message_requested = Signal(str)  # something to tell the user in the window's status bar
    keeper_requested = Signal(object)  # Member: a person asked for it to be its group's keeper

    def __init__(
        self,
        model: ResultsModel | None = None,
        parent: QWidget | None = None,
        *,
        cache: ThumbCache | None = None,
    ) -> None:
        super().__init__(parent)
        self._model = model if model is not None else ResultsModel(self)
        self.cache = cache if cache is not None else ThumbCache(self)
        self.bar = ResultsBar(self)
        self.grid = ResultsGrid(self._model, self.cache, self)
        self.table_model = ResultsTableModel(self._model, self)
        self.table_model.set_active(False)  # the grid is shown first
        self.table = ResultsTable(self.table_model, self)
        self.views = QStackedWidget(self)
        self.views.addWidget(self.grid)
        self.views.addWidget(self.table)
        self.preview = PreviewPane(self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("results_splitter")  # saved and restored by the window
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.bar)
        left_layout.addWidget(self.views, 1)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.preview)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        # Start with the grid wide enough for four or five cards a line (the window may
        # restore its own sizes later).
        self.splitter.setSizes([640, 360])
        self.splitter.setChildrenCollapsible(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self.setFocusProxy(self.grid)
        self._compare_path = ""
        self._folded = FoldedPaths()
        self._filter = GroupFilter("", self._folded)
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(150)  # typing a word filters once, not per letter
        self._filter_timer.timeout.connect(self._on_filter_timer_timeout)
        # The paths are folded for the filter a slice at a time while nothing else happens,
        # so the first filter of a big result need not fold 10,000 groups at once.
        self._fold_timer = QTimer(self)
        self._fold_timer.setSingleShot(True)
        self._fold_timer.setInterval(0)
        self._fold_timer.timeout.connect(self._on_fold_timer_timeout)

        self.grid.current_member_changed.connect(self._on_grid_current_member_changed)
        self.grid.member_activated.connect(self._on_grid_member_activated)
        self.grid.compare_requested.connect(self._on_grid_compare_requested)
        self.grid.launch_failed.connect(self._on_launch_failed)
        self.grid.keeper_requested.connect(self.keeper_requested)
        self.table.current_member_changed.connect(self._on_table_current_member_changed)
        self.table.member_activated.connect(self._on_grid_member_activated)
        self.table.customContextMenuRequested.connect(self._on_table_context_menu_requested)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.preview.compare_toggled.connect(self._on_preview_compare_toggled)
        self.preview.launch_failed.connect(self._on_launch_failed)
        self.bar.filter_edit.textChanged.connect(self._on_filter_text_changed)
        self.bar.filter_edit.returnPressed.connect(self._on_filter_timer_timeout)
        self.bar.group_spin.editingFinished.connect(self._on_group_spin_editing_finished)
        self.bar.duplicates_check.toggled.connect(self.table_model.set_duplicates_only)
        self._model.modelReset.connect(self._on_model_reset)
        for signal in (
            self._model.rowsInserted,
            self._model.rowsRemoved,
            self._model.layoutChanged,
            self._model.modelReset,
        ):
            signal.connect(self._on_model_structure_changed)
        # Escape in the filter box clears it and goes back to the results.
        clear = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.bar.filter_edit)
        clear.setContext(Qt.ShortcutContext.WidgetShortcut)
        clear.activated.connect(self._on_filter_escape)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)
        self._update_counts()
        if self._model.rowCount():
            self.grid.set_current(0, 0)

    @property
    def model(self) -> ResultsModel:
        return self._model

    def current_member(self) -> Member | None:
        return self.grid.current_member()

    def set_current(self, group_row: int, member_row: int) -> None:
        self.grid.set_current(group_row, member_row)
        self._sync_table_to_grid()

    def current_group_record(self) -> Group | None:
        """The group of the current card."""
        return self._model.group_at(self.grid.current_group())

    def current_pair(self) -> tuple[Member, Member] | None:
        """The current member and the one it is (or would be) compared with."""
        member = self.grid.current_member()
        if member is None:
            return None
        partner = self._partner(member, self.current_group_record())
        return (member, partner) if partner is not None else None

    def open_preview(self) -> None:
        """Make sure the preview pane is visible (it may have been collapsed)."""
        sizes = self.splitter.sizes()
        if len(sizes) == 2 and sizes[1] == 0:
            total = sum(sizes)
            self.splitter.setSizes([total * 3 // 5, total - total * 3 // 5])

    def compare(self, other: Member | None) -> None:
        """Show ``other`` next to the current member (None: the group's best counterpart)."""
        self._compare_path = other.path if other is not None else ""
        self.preview.set_comparing(True)
        self._show_current()

    @Slot()
    def shutdown(self) -> None:
        """Stop the decoding pools (called on quit; tests call it directly)."""
        self.cache.shutdown()
        self.preview.shutdown()

    # --- grid or table --------------------------------------------------------------------

    def _active_view(self) -> QAbstractItemView:
        return self.table if self.is_table_shown() else self.grid

    def is_table_shown(self) -> bool:
        return self.views.currentWidget() is self.table

    def show_table(self, on: bool) -> None:
        """Show the table (True) or the grid in the same place, on the same photo."""
        if on == self.is_table_shown():
            return
        focused = self._active_view().hasFocus()
        self.table_model.set_active(on)
        if on:
            self.views.setCurrentWidget(self.table)
            self._sync_table_to_grid()
        else:
            self.views.setCurrentWidget(self.grid)
            self.grid._scroll_to_current()
        self.bar.duplicates_check.setVisible(on)
        self.setFocusProxy(self._active_view())
        if focused:
            self._active_view().setFocus()

    def set_duplicates_only(self, on: bool) -> None:
        self.bar.duplicates_check.setChecked(on)

    def duplicates_only(self) -> bool:
        return self.table_model.duplicates_only

    # --- filter, go to group, collapse ----------------------------------------------------

    def set_filter_text(self, text: str) -> None:
        """Show only the groups with a file whose name or folder contains ``text``."""
        if self.bar.filter_edit.text() != text:
            self.bar.filter_edit.setText(text)
        self._filter_timer.stop()
        if text == self._filter.text:
            return
        self._filter = GroupFilter(text, self._folded)
        self._filter.search(self._model.groups())
        accepts = self._filter.accepts if self._filter.active else None
        self.grid.set_group_filter(accepts)
        self.table_model.set_group_filter(accepts)
        self._update_counts()
        self._sync_table_to_grid()

    def filter_text(self) -> str:
        return self._filter.text

    def focus_filter(self) -> None:
        self.bar.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.bar.filter_edit.selectAll()

    def focus_group_number(self) -> None:
        self.bar.group_spin.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.bar.group_spin.selectAll()

    def go_to_group(self, number: int) -> bool:
        """Make group ``number`` (1 is the first) current and show it; a filter that hides
        it is cleared. False when there is no such group."""
        row = number - 1
        if not 0 <= row < self._model.rowCount():
            return False
        if self.grid.is_row_hidden(row):
            self.set_filter_text("")
        self.grid.set_current(row, 0)
        self._sync_table_to_grid()
        self._active_view().setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def collapse_all(self) -> None:
        self.grid.set_all_collapsed(True)

    def expand_all(self) -> None:
        self.grid.set_all_collapsed(False)

    def _update_counts(self) -> None:
        total = self._model.rowCount()
        spin = self.bar.group_spin
        spin.setRange(min(1, total), total)
        shown = self.grid.visible_rows()
        self.bar.count_label.setText(words.groups_shown(shown, total) if shown != total else "")

    # --- wiring ---------------------------------------------------------------------------

    def _partner(self, member: Member, group: Group | None) -> Member | None:
        """The other side of a comparison: the member picked with Ctrl+click if it is in the
        same group, else the keeper (or, for the keeper itself, the next member)."""
        if group is None:
            return None
        for candidate in group.members:
            if candidate.path == self._compare_path and candidate.path != member.path:
                return candidate
        if member.path != group.keeper.path:
            return group.keeper
        return group.members[1] if len(group.members) > 1 else None

    def _show_current(self) -> None:
        member = self.grid.current_member()
        group = self._model.group_at(self.grid.current_group())
        partner = self._partner(member, group) if member is not None else None
        self.grid.set_compare_path(
            partner.path if partner is not None and self.preview.is_comparing() else ""
        )
        self.preview.show_member(member, partner, group)

    def _sync_table_to_grid(self) -> None:
        """Make the table's current row the grid's current member (or, with keepers hidden,
        the first duplicate of its group)."""
        if not self.is_table_shown():
            return
        self.table_model.catch_up()
        group = self._model.group_at(self.grid.current_group())
        member = self.grid.current_member()
        if group is None or member is None:
            return
        if self.table.current_member() == member:
            return
        for candidate in (member, *group.members):
            if self.table.set_current_member(group.id, candidate.path):
                return

    @Slot(object)
    def _on_grid_current_member_changed(self, member: object) -> None:
        self._show_current()
        self._sync_table_to_grid()
        self.current_member_changed.emit(member)

    @Slot(object)
    def _on_table_current_member_changed(self, member: object) -> None:
        if not self.is_table_shown() or not isinstance(member, Member):
            return
        index = self.table.currentIndex()
        group_row, member_row = self.table_model.source_position(index.row())
        if group_row >= 0 and member_row >= 0:
            self.grid.set_current(group_row, member_row)

    @Slot(QPoint)
    def _on_table_context_menu_requested(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        member = self.table_model.member_at(index)
        if member is None:
            return
        self.table.setCurrentIndex(index)
        menu = MemberMenu(self.table, self._model, member)
        menu.keeper_chosen.connect(self.keeper_requested)
        menu.preview.triggered.connect(self.grid._on_preview_triggered)
        menu.compare.triggered.connect(self.grid._on_compare_triggered)
        menu.toggle.triggered.connect(self.grid.toggle_current)
        menu.open_file.triggered.connect(self.grid._on_open_triggered)
        menu.show_folder.triggered.connect(self.grid._on_show_in_folder_triggered)
        menu.exec(self.table.viewport().mapToGlobal(pos))

    @Slot(object)
    def _on_grid_member_activated(self, member: object) -> None:
        self.open_preview()
        self.member_activated.emit(member)

    @Slot(object)
    def _on_grid_compare_requested(self, member: object) -> None:
        current = self.grid.current_member()
        if isinstance(member, Member) and current is not None and member.path == current.path:
            self.compare(None)
        elif isinstance(member, Member):
            self.compare(member)

    @Slot(bool)
    def _on_preview_compare_toggled(self, on: bool) -> None:
        self._show_current()

    @Slot(str)
    def _on_launch_failed(self, message: str) -> None:
        self.preview.show_notice(message)
        self.message_requested.emit(message)

    @Slot(str)
    def _on_filter_text_changed(self, text: str) -> None:
        self._filter_timer.start()

    @Slot()
    def _on_filter_timer_timeout(self) -> None:
        self.set_filter_text(self.bar.filter_edit.text())

    @Slot()
    def _on_filter_escape(self) -> None:
        self.set_filter_text("")
        self._active_view().setFocus(Qt.FocusReason.ShortcutFocusReason)

    @Slot()
    def _on_group_spin_editing_finished(self) -> None:
        if self.bar.group_spin.hasFocus():
            self.go_to_group(self.bar.group_spin.value())

    @Slot()
    def _on_model_structure_changed(self) -> None:
        # The partner shown beside the current photo may be the file a cleanup just removed.
        self._show_current()
        self._update_counts()
        self._fold_timer.start()

    @Slot()
    def _on_fold_timer_timeout(self) -> None:
        if self._folded.fold_some(self._model.groups(), FOLD_SLICE):
            self._fold_timer.start()

    @Slot()
    def _on_model_reset(self) -> None:
        # A new scan: files may have changed on disk since their thumbnails were made.
        self.cache.clear()
        self._folded.clear()
        self.set_filter_text("")
