"""Select in Folder: the folders of the groups shown as a tree, each saying how many of its
photos (at any depth) could be marked, so a person sees before choosing that keepers and
reference folders are left alone."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from lookalike.core import names, words
from lookalike.core.model import Group

_FOLDER_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(slots=True)
class _Node:
    """One folder: its photos in groups and the ones that could be marked, subfolders too."""

    photos: int = 0
    markable: int = 0
    children: dict[str, _Node] = field(default_factory=dict)


def _folder_tree(groups: Iterable[Group]) -> tuple[str, _Node]:
    """The common folder of every member, and the tree of folders below it."""
    members = [(m, row) for g in groups for row, m in enumerate(g.members)]
    folders = [os.path.dirname(os.path.normpath(m.path)) for m, _ in members]
    root_path = os.path.commonpath(folders) if folders else ""
    root = _Node()
    for (member, row), folder in zip(members, folders, strict=True):
        markable = row != 0 and not member.is_reference
        node = root
        node.photos += 1
        node.markable += markable
        relative = os.path.relpath(folder, root_path)
        for part in [] if relative == os.curdir else relative.split(os.sep):
            node = node.children.setdefault(part, _Node())
            node.photos += 1
            node.markable += markable
    return root_path, root


class FolderTreeDialog(QDialog):
    """Choose the folder whose photos to mark; ``folder()`` once accepted."""

    def __init__(self, groups: Iterable[Group], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Select in Folder"))
        intro = QLabel(
            self.tr(
                "Mark the photos inside a folder and its subfolders. The keeper of each group and"
                " the photos in reference folders are never marked."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels([self.tr("Folder"), self.tr("Photos")])
        self.tree.setAccessibleName(self.tr("Folders of the groups"))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("&Mark"))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.tree.itemDoubleClicked.connect(self._on_tree_item_double_clicked)
        self.tree.currentItemChanged.connect(self._on_tree_current_item_changed)

        self.set_groups(groups)

    def set_groups(self, groups: Iterable[Group]) -> None:
        """List the folders of these groups (the dialog is kept and shown again)."""
        self.tree.clear()
        root_path, root = _folder_tree(groups)
        if root_path:
            top = self._add(None, root_path, root_path, root)
            self.tree.expandToDepth(1)
            self.tree.setCurrentItem(top)
        self.tree.resizeColumnToContents(0)
        self.ok_button.setEnabled(self.tree.currentItem() is not None)

    def folder(self) -> str:
        """The folder chosen ("" when none)."""
        item = self.tree.currentItem()
        return str(item.data(0, _FOLDER_ROLE)) if item is not None else ""

    def item_of(self, folder: str) -> QTreeWidgetItem | None:
        """The tree's row for ``folder``, if it lists it."""
        wanted = os.path.normpath(folder)
        stack = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        while stack:
            item = stack.pop()
            if item is None:
                continue
            if item.data(0, _FOLDER_ROLE) == wanted:
                return item
            stack += [item.child(i) for i in range(item.childCount())]
        return None

    def _add(
        self, parent: QTreeWidgetItem | None, label: str, path: str, node: _Node
    ) -> QTreeWidgetItem:
        texts = [names.quoted(label), words.folder_counts(node.photos, node.markable)]
        item = QTreeWidgetItem(texts) if parent is None else QTreeWidgetItem(parent, texts)
        if parent is None:
            self.tree.addTopLevelItem(item)
        item.setData(0, _FOLDER_ROLE, path)
        item.setToolTip(0, names.quoted(path))
        for name in sorted(node.children, key=str.casefold):
            self._add(item, name, os.path.join(path, name), node.children[name])
        return item

    @Slot(QTreeWidgetItem, int)
    def _on_tree_item_double_clicked(self, item: QTreeWidgetItem, column: int) -> None:
        self.tree.setCurrentItem(item)
        self.accept()

    @Slot(QTreeWidgetItem, QTreeWidgetItem)
    def _on_tree_current_item_changed(
        self, current: QTreeWidgetItem | None, previous: QTreeWidgetItem | None
    ) -> None:
        self.ok_button.setEnabled(current is not None)
