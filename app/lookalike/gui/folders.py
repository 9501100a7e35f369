"""The list of folders to scan: add, remove, mark as reference, and drop folders onto it."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

from PySide6.QtCore import QEvent, QMimeData, QSize, Qt, Signal, Slot
from PySide6.QtGui import (
    QDragEnterEvent,
    QDropEvent,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPalette,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from lookalike.core.names import quoted
from lookalike.gui.i18n import QT_TRANSLATE_NOOP

_PATH_ROLE = Qt.ItemDataRole.UserRole
_FOLDER_COLUMN = 0
_REFERENCE_COLUMN = 1


def normalize_folder(path: str) -> str:
    """One spelling per folder, so the same folder is never listed twice."""
    return os.path.normpath(os.path.abspath(os.path.expanduser(path)))


def folders_in_mime(mime: QMimeData) -> list[str]:
    """The local folders among the URLs of a drag (files and remote URLs are ignored)."""
    if not mime.hasUrls():
        return []
    folders = []
    for url in mime.urls():
        if url.isLocalFile():
            path = url.toLocalFile()
            if os.path.isdir(path):
                folders.append(normalize_folder(path))
    return folders


class _FolderTree(QTreeWidget):
    """The folder list; claims the Delete key while focused (the window uses it to trash),
    and says what goes in it while it is empty."""

    delete_pressed = Signal()
    placeholder_text = QT_TRANSLATE_NOOP("_FolderTree", "No folders yet —\nadd one or drop it here")

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.topLevelItemCount() == 0:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            area = self.viewport().rect().adjusted(12, 12, -12, -12)
            painter.drawText(
                area,
                int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
                self.tr(self.placeholder_text),
            )

    def event(self, event: QEvent) -> bool:
        # Overriding the shortcut here beats the window's Delete action only while the list
        # has focus, so the same key removes folders here and trashes photos elsewhere.
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.matches(QKeySequence.StandardKey.Delete)
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Delete):
            self.delete_pressed.emit()
            event.accept()
            return
        item = self.currentItem()
        if event.key() == Qt.Key.Key_Space and item is not None:
            # The checkbox sits in the second column, which keyboard focus never reaches.
            checked = item.checkState(_REFERENCE_COLUMN) == Qt.CheckState.Checked
            item.setCheckState(
                _REFERENCE_COLUMN, Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked
            )
            event.accept()
            return
        super().keyPressEvent(event)


class FolderPanel(QWidget):
    """Folders to scan, each with a "Reference" checkbox: files there are never selected."""

    folders_changed = Signal()
    add_requested = Signal()  # the "Add folder…" button: the window owns the file dialog

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.tree = _FolderTree()
        self.tree.setAccessibleName(self.tr("Folders to scan"))
        self.tree.setAccessibleDescription(
            self.tr("Folders Lookalike will search. Tick Reference to protect a folder's files.")
        )
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels([self.tr("Folder"), self.tr("Reference")])
        self.tree.headerItem().setToolTip(
            _REFERENCE_COLUMN,
            self.tr("Files in a reference folder are never selected or moved to Trash"),
        )
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(_FOLDER_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(_REFERENCE_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemChanged.connect(self._on_tree_item_changed)
        self.tree.itemSelectionChanged.connect(self._on_tree_selection_changed)

        self.add_button = QPushButton(self.tr("&Add folder…"))
        self.add_button.setAccessibleName(self.tr("Add folder"))
        self.add_button.clicked.connect(self.add_requested)
        self.remove_button = QPushButton(self.tr("&Remove"))
        self.remove_button.setAccessibleName(self.tr("Remove selected folders"))
        self.remove_button.setEnabled(False)
        self.remove_button.clicked.connect(self.remove_selected)
        self.tree.delete_pressed.connect(self.remove_selected)

        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)

    def sizeHint(self) -> QSize:
        return QSize(280, 160)

    # --- queries --------------------------------------------------------------------------

    def folders(self) -> list[str]:
        return [self._path(item) for item in self._items()]

    def reference_folders(self) -> list[str]:
        return [
            self._path(item)
            for item in self._items()
            if item.checkState(_REFERENCE_COLUMN) == Qt.CheckState.Checked
        ]

    def is_empty(self) -> bool:
        return self.tree.topLevelItemCount() == 0

    # --- commands -------------------------------------------------------------------------

    def add_folder(self, path: str, *, reference: bool = False) -> bool:
        """Add ``path``; returns False when it is not a folder or already listed."""
        folder = normalize_folder(path)
        if not os.path.isdir(folder) or folder in self.folders():
            return False
        self._append(folder, reference)
        self._relabel()
        self.folders_changed.emit()
        return True

    def add_folders(self, paths: Iterable[str]) -> int:
        """Add several folders with one change notification; returns how many were new."""
        known = set(self.folders())
        added = 0
        for path in paths:
            folder = normalize_folder(path)
            if os.path.isdir(folder) and folder not in known:
                self._append(folder, False)
                known.add(folder)
                added += 1
        if added:
            self._relabel()
            self.folders_changed.emit()
        return added

    def set_folders(self, folders: Sequence[str], references: Iterable[str] = ()) -> None:
        """Replace the list (restoring saved settings); folders that vanished are dropped."""
        refs = {normalize_folder(r) for r in references}
        self.tree.clear()
        seen: set[str] = set()
        for path in folders:
            folder = normalize_folder(path)
            if os.path.isdir(folder) and folder not in seen:
                seen.add(folder)
                self._append(folder, folder in refs)
        self._relabel()
        self.folders_changed.emit()

    def remove_folder(self, path: str) -> bool:
        folder = normalize_folder(path)
        for item in self._items():
            if self._path(item) == folder:
                self.tree.takeTopLevelItem(self.tree.indexOfTopLevelItem(item))
                self._relabel()
                self.folders_changed.emit()
                return True
        return False

    @Slot()
    def remove_selected(self) -> None:
        selected = self.tree.selectedItems()
        for item in selected:
            self.tree.takeTopLevelItem(self.tree.indexOfTopLevelItem(item))
        if selected:
            self._relabel()
            self.folders_changed.emit()

    def set_reference(self, path: str, reference: bool) -> bool:
        folder = normalize_folder(path)
        for item in self._items():
            if self._path(item) == folder:
                state = Qt.CheckState.Checked if reference else Qt.CheckState.Unchecked
                item.setCheckState(_REFERENCE_COLUMN, state)  # itemChanged emits for us
                return True
        return False

    # --- drag and drop --------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if folders_in_mime(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        folders = folders_in_mime(event.mimeData())
        if folders:
            self.add_folders(folders)
            event.acceptProposedAction()
        else:
            event.ignore()

    # --- internals ------------------------------------------------------------------------

    def _append(self, folder: str, reference: bool) -> None:
        item = QTreeWidgetItem()
        item.setText(_FOLDER_COLUMN, quoted(os.path.basename(folder) or folder))
        item.setToolTip(_FOLDER_COLUMN, quoted(folder))
        # Kept as bytes: a QString would drop the undecodable bytes of a name that is not UTF-8.
        item.setData(_FOLDER_COLUMN, _PATH_ROLE, os.fsencode(folder))
        item.setFlags(
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsUserCheckable
        )
        item.setCheckState(
            _REFERENCE_COLUMN, Qt.CheckState.Checked if reference else Qt.CheckState.Unchecked
        )
        item.setToolTip(_REFERENCE_COLUMN, self.tr("Never select or delete files in this folder"))
        # Signals off while building: the caller emits one folders_changed for the whole change.
        blocked = self.tree.blockSignals(True)
        self.tree.addTopLevelItem(item)
        self.tree.blockSignals(blocked)

    def _relabel(self) -> None:
        """Name each folder by its last part, plus its parent where two share that part
        ("2019/Photos" and "2020/Photos"), so no two rows read the same."""
        items = self._items()
        names = [os.path.basename(self._path(item)) for item in items]
        blocked = self.tree.blockSignals(True)
        for item, name in zip(items, names, strict=True):
            path = self._path(item)
            if not name or names.count(name) > 1:
                parent = os.path.basename(os.path.dirname(path))
                name = os.path.join(parent, name) if name and parent else path
            item.setText(_FOLDER_COLUMN, quoted(name))
        self.tree.blockSignals(blocked)

    def _items(self) -> list[QTreeWidgetItem]:
        items = (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))
        return [item for item in items if item is not None]

    @staticmethod
    def _path(item: QTreeWidgetItem) -> str:
        return os.fsdecode(bytes(item.data(_FOLDER_COLUMN, _PATH_ROLE)))

    @Slot(QTreeWidgetItem, int)
    def _on_tree_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if column == _REFERENCE_COLUMN:
            self.folders_changed.emit()

    @Slot()
    def _on_tree_selection_changed(self) -> None:
        self.remove_button.setEnabled(bool(self.tree.selectedItems()))
