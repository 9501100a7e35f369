"""The results view: the grid of duplicate groups (one painted strip per group) and the
preview/compare pane beside it, with the keyboard and mouse handling that moves through members.

The grid is a QListView over the model's top-level rows; the current *member* (which the list
view has no notion of) is tracked here as the current group index plus a member row.
"""

from __future__ import annotations

import os

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    Qt,
    QTimer,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QAction,
    QContextMenuEvent,
    QDesktopServices,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QMenu,
    QSplitter,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from lookalike.core import words
from lookalike.core.model import Group, Member
from lookalike.gui.preview import PreviewPane
from lookalike.gui.results_model import (
    CheckableRole,
    ResultsModel,
)
from lookalike.gui.thumb_cache import ThumbCache
from lookalike.gui.thumb_delegate import THUMB_EDGE_PX, Part, ThumbDelegate

_PRUNE_DELAY_MS = 120  # after scrolling settles, forget queued thumbnails no longer in view
_SCROLL_STEP_PX = 48


class ResultsGrid(QListView):
    """Groups as strips of thumbnail cards; arrows move between cards, Space toggles."""

    current_member_changed = Signal(object)  # Member | None
    member_activated = Signal(object)  # Member: Enter or double-click
    compare_requested = Signal(object)  # Member: Ctrl+click picks the other side of a comparison

    def __init__(self, model: ResultsModel, cache: ThumbCache, parent: QWidget | None = None):
        super().__init__(parent)
        self._model = model
        self._cache = cache
        self._delegate = ThumbDelegate(self)
        self._group = QPersistentModelIndex()
        self._member_row = -1
        self.setModel(model)
        self.setItemDelegate(self._delegate)
        self.setViewMode(QListView.ViewMode.ListMode)
        self.setFlow(QListView.Flow.TopToBottom)
        self.setWrapping(False)
        self.setUniformItemSizes(False)
        # Re-ask size hints when the width changes: cards per line depend on it.
        self.setResizeMode(QListView.ResizeMode.Adjust)
        # Lay out long result lists in slices so the event loop keeps breathing.
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(500)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalScrollBar().setSingleStep(_SCROLL_STEP_PX)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # We scroll to the current card ourselves; Qt's auto-scroll to the current group
        # would yank the view back whenever the scan updates groups.
        self.setAutoScroll(False)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Duplicate groups")
        self.setAccessibleDescription(
            "Arrow keys move between photos, Space marks a photo for the trash, Enter previews it"
        )
        self._dpr = 0.0
        self._sync_device_pixel_ratio()

        self._prune_timer = QTimer(self)
        self._prune_timer.setSingleShot(True)
        self._prune_timer.setInterval(_PRUNE_DELAY_MS)
        self._prune_timer.timeout.connect(self._on_prune_timer_timeout)
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)

        model.rowsInserted.connect(self._on_model_rows_inserted)
        model.rowsRemoved.connect(self._on_model_structure_changed)
        model.modelReset.connect(self._on_model_structure_changed)
        model.layoutChanged.connect(self._on_model_structure_changed)

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
        """Make a member current (clamped into range) and scroll it into view."""
        rows = self._model.rowCount()
        if rows == 0:
            self._change_current(QModelIndex(), -1)
            return
        group_row = min(max(group_row, 0), rows - 1)
        group_index = self._model.index(group_row, 0)
        count = self._model.rowCount(group_index)
        self._change_current(group_index, min(max(member_row, 0), count - 1))
        self._scroll_to_current()

    def _change_current(self, group_index: QModelIndex, member_row: int) -> None:
        before = self.current_member(), self.current_position()
        old_group = self.current_group()
        self._group = QPersistentModelIndex(group_index)
        self._member_row = member_row
        self._delegate.current_group = self._group
        self._delegate.current_member_row = member_row
        self.setCurrentIndex(group_index)
        for index in (old_group, group_index):
            if index.isValid():
                self.viewport().update(self.visualRect(index))
        member = self.current_member()
        if (member, self.current_position()) != before:
            self.setAccessibleDescription(_spoken(member) if member else "")
            self.current_member_changed.emit(member)

    def set_compare_path(self, path: str) -> None:
        self._delegate.compare_path = path
        self.viewport().update()

    def _scroll_to_current(self) -> None:
        group_index = self.current_group()
        if not group_index.isValid():
            return
        self.scrollTo(group_index, QAbstractItemView.ScrollHint.EnsureVisible)
        card = self.card_rect(group_index, self._member_row)
        viewport = self.viewport().rect()
        bar = self.verticalScrollBar()
        if card.bottom() > viewport.bottom():
            bar.setValue(bar.value() + card.bottom() - viewport.bottom() + 8)
        if card.top() < viewport.top():
            bar.setValue(bar.value() - (viewport.top() - card.top()) - 8)

    def card_rect(self, group_index: QModelIndex, member_row: int) -> QRect:
        """Where a member's card is, in viewport coordinates."""
        layout = self._delegate.layout_for(self.font())
        return layout.card_rect(self.visualRect(group_index), member_row)

    def hit(self, pos: QPoint) -> tuple[QModelIndex, Part, int]:
        """The group under ``pos`` (viewport coordinates), the part hit and the member row."""
        group_index = self.indexAt(pos)
        if not group_index.isValid():
            return QModelIndex(), Part.NOTHING, -1
        layout = self._delegate.layout_for(self.font())
        count = self._model.rowCount(group_index)
        part, row = layout.hit(self.visualRect(group_index), count, pos)
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
        count = self._model.rowCount(self.current_group())
        per_line = self._delegate.layout_for(self.font()).per_line(self.viewport().width())
        line, column = divmod(member_row, per_line)
        if key == Qt.Key.Key_Right:
            if member_row + 1 < count:
                self.set_current(group_row, member_row + 1)
            elif group_row + 1 < self._model.rowCount():
                self.set_current(group_row + 1, 0)
        elif key == Qt.Key.Key_Left:
            if member_row > 0:
                self.set_current(group_row, member_row - 1)
            elif group_row > 0:
                self.set_current(
                    group_row - 1, self._model.rowCount(self._model.index(group_row - 1, 0)) - 1
                )
        elif key == Qt.Key.Key_Down:
            if (line + 1) * per_line < count:
                self.set_current(group_row, min(member_row + per_line, count - 1))
            elif group_row + 1 < self._model.rowCount():
                self.set_current(group_row + 1, column)
        elif key == Qt.Key.Key_Up:
            if line > 0:
                self.set_current(group_row, member_row - per_line)
            elif group_row > 0:
                above = self._model.rowCount(self._model.index(group_row - 1, 0))
                last_line = (above - 1) // per_line
                self.set_current(group_row - 1, min(last_line * per_line + column, above - 1))
        elif key == Qt.Key.Key_Home and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.set_current(0, 0)
        elif key == Qt.Key.Key_End and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            last = self._model.rowCount() - 1
            self.set_current(last, self._model.rowCount(self._model.index(last, 0)) - 1)
        elif key == Qt.Key.Key_Home:
            self.set_current(group_row, 0)
        elif key == Qt.Key.Key_End:
            self.set_current(group_row, count - 1)
        elif key in (Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
            step = self.viewport().height() * (1 if key == Qt.Key.Key_PageDown else -1)
            target = self.indexAt(
                self.card_rect(self.current_group(), member_row).center() + QPoint(0, step)
            )
            if not target.isValid():
                target = self._model.index(self._model.rowCount() - 1 if step > 0 else 0, 0)
            self.set_current(target.row(), column)
        elif key == Qt.Key.Key_Space:
            self.toggle_current()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            member = self.current_member()
            if member is not None:
                self.member_activated.emit(member)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

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
        if part is Part.HEADER:
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
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        group_index, part, row = self.hit(event.position().toPoint())
        hovering = part in (Part.CARD, Part.CHECKBOX)
        new_group = QPersistentModelIndex(group_index) if hovering else QPersistentModelIndex()
        new_row = row if hovering else -1
        if new_group != self._delegate.hover_group or new_row != self._delegate.hover_member_row:
            old = self._delegate.hover_group
            self._delegate.hover_group, self._delegate.hover_member_row = new_group, new_row
            for index in (old, new_group):
                if index.isValid():
                    self.viewport().update(self.visualRect(self._model.index(index.row(), 0)))
        self.viewport().setCursor(
            Qt.CursorShape.PointingHandCursor
            if part is Part.CHECKBOX
            else Qt.CursorShape.ArrowCursor
        )

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        event.accept()  # the press did the work; the base class would change the selection

    def leaveEvent(self, event: QEvent) -> None:
        self._delegate.hover_group, self._delegate.hover_member_row = QPersistentModelIndex(), -1
        self.viewport().update()
        super().leaveEvent(event)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            group_index, part, row = self.hit(event.pos())
            member = self._model.member_at(self._model.index(row, 0, group_index))
            if member is not None and part in (Part.CARD, Part.CHECKBOX):
                QToolTip.showText(event.globalPos(), _tooltip(member), self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        group_index, part, row = self.hit(self.viewport().mapFrom(self, event.pos()))
        if part not in (Part.CARD, Part.CHECKBOX):
            return
        index = self._model.index(row, 0, group_index)
        member = self._model.member_at(index)
        if member is None:
            return
        self.set_current(group_index.row(), row)
        menu = QMenu(self)
        checked = self._model.is_checked(member.path)
        toggle = QAction("Unmark" if checked else "Mark for trash", menu)
        toggle.setEnabled(bool(index.data(CheckableRole)))
        toggle.triggered.connect(self.toggle_current)
        keep = QAction("Keep only this one", menu)
        keep.setToolTip("Mark every other photo of this group for the trash")
        keep.triggered.connect(self._on_keep_only_triggered)
        preview = QAction("Preview", menu)
        preview.triggered.connect(self._on_preview_triggered)
        compare = QAction("Compare with current", menu)
        compare.triggered.connect(self._on_compare_triggered)
        open_file = QAction("Open", menu)
        open_file.triggered.connect(self._on_open_triggered)
        show = QAction("Show in folder", menu)
        show.triggered.connect(self._on_show_in_folder_triggered)
        for action in (toggle, keep, None, preview, compare, None, open_file, show):
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        menu.exec(event.globalPos())

    @Slot()
    def _on_keep_only_triggered(self) -> None:
        self._model.keep_only(self._model.index(self._member_row, 0, self.current_group()))

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
        if member is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(member.path))

    @Slot()
    def _on_show_in_folder_triggered(self) -> None:
        member = self.current_member()
        if member is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(os.path.dirname(member.path)))

    # --- painting, size and thumbnails ----------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        self._sync_device_pixel_ratio()
        if self._model.rowCount() == 0:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(
                self.viewport().rect(),
                Qt.AlignmentFlag.AlignCenter,
                "Duplicate groups appear here as the scan finds them",
            )
            return
        super().paintEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._prune_timer.start()

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
        viewport = self.viewport().rect()
        index = self.indexAt(QPoint(viewport.center().x(), viewport.top()))
        row = index.row() if index.isValid() else 0
        while row < self._model.rowCount():
            group_index = self._model.index(row, 0)
            if self.visualRect(group_index).top() > viewport.bottom():
                break
            group = self._model.group_at(group_index)
            if group is not None:
                paths.update(m.path for m in group.members)
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
        if not parent.isValid() and not self._group.isValid():
            self.set_current(0, 0)

    @Slot()
    def _on_model_structure_changed(self) -> None:
        # Keep a current member after removals and sorting: the same group if it still exists
        # (persistent indexes follow it), else the nearest one.
        if self._group.isValid():
            group_row = self._group.row()
        else:
            group_row = max(0, self.currentIndex().row())
        rows = self._model.rowCount()
        if rows == 0:
            self._change_current(QModelIndex(), -1)
            return
        # No scrolling here: groups change under the user while a scan runs.
        group_index = self._model.index(min(group_row, rows - 1), 0)
        count = self._model.rowCount(group_index)
        self._change_current(group_index, min(max(self._member_row, 0), count - 1))


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


def _tooltip(member: Member) -> str:
    return (
        f"{member.path}\n{member.width} × {member.height} · {words.size(member.size)}"
        f" · {words.photo_date(member)}\n{words.match_label(member)}"
        + ("\nIn a reference folder: never marked for the trash" if member.is_reference else "")
    )


def _spoken(member: Member) -> str:
    return (
        f"{os.path.basename(member.path)}, {words.match_label(member)}, "
        f"{member.width} by {member.height}, {words.size(member.size)}"
    )


class ResultsView(QWidget):
    """The grid of duplicate groups with a preview/compare pane beside it."""

    member_activated = Signal(object)  # Member: Enter or double-click on a card
    current_member_changed = Signal(object)  # Member | None

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
        self.grid = ResultsGrid(self._model, self.cache, self)
        self.preview = PreviewPane(self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("results_splitter")  # saved and restored by the window
        self.splitter.addWidget(self.grid)
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

        self.grid.current_member_changed.connect(self._on_grid_current_member_changed)
        self.grid.member_activated.connect(self._on_grid_member_activated)
        self.grid.compare_requested.connect(self._on_grid_compare_requested)
        self.preview.compare_toggled.connect(self._on_preview_compare_toggled)
        self._model.modelReset.connect(self._on_model_reset)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)
        if self._model.rowCount():
            self.grid.set_current(0, 0)

    @property
    def model(self) -> ResultsModel:
        return self._model

    def current_member(self) -> Member | None:
        return self.grid.current_member()

    def set_current(self, group_row: int, member_row: int) -> None:
        self.grid.set_current(group_row, member_row)

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
        self.preview.show_member(member, partner)

    @Slot(object)
    def _on_grid_current_member_changed(self, member: object) -> None:
        self._show_current()
        self.current_member_changed.emit(member)

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

    @Slot()
    def _on_model_reset(self) -> None:
        # A new scan: files may have changed on disk since their thumbnails were made.
        self.cache.clear()
