"""Help ▸ Keyboard Shortcuts: every command of the window's action table with its keys, then the
keys the results understand. Read from the live actions, so it never disagrees with them."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from lookalike.gui.actions import RESULT_KEYS, Actions, translated


def _plain(text: str) -> str:
    """A menu text as read: no mnemonic ampersand, no trailing ellipsis."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").removesuffix("…")


def shortcut_rows(actions: Actions) -> list[tuple[str, str, str]]:
    """(command, keys, what it does) for every command that has keys, in table order."""
    rows = []
    for spec in actions.specs():
        action = actions[spec.name]
        keys = ", ".join(
            k.toString(QKeySequence.SequenceFormat.NativeText)
            for k in action.shortcuts()
            if not k.isEmpty()
        )
        if keys:
            rows.append((_plain(action.text()), keys, translated(spec.tip)))
    return rows


class ShortcutsDialog(QDialog):
    """A two-part list: the window's commands, then the keys of the grid and the table."""

    def __init__(self, actions: Actions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcuts")
        self.setWindowTitle(self.tr("Keyboard Shortcuts"))
        self.tree = QTreeWidget(self)
        self.tree.setAccessibleName(self.tr("Keyboard shortcuts"))
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels([self.tr("Keys"), self.tr("Does")])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        commands = QTreeWidgetItem(self.tree, [self.tr("Commands")])
        for command, keys, tip in shortcut_rows(actions):
            item = QTreeWidgetItem(commands, [keys, command])
            item.setToolTip(1, tip)
        results = QTreeWidgetItem(self.tree, [self.tr("In the results")])
        for keys, does in RESULT_KEYS:
            QTreeWidgetItem(results, [translated(keys), translated(does)])
        for section in (commands, results):
            font = section.font(0)
            font.setBold(True)
            section.setFont(0, font)
            section.setFirstColumnSpanned(True)
        self.tree.expandAll()
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree)
        layout.addWidget(buttons)
        self.resize(560, 520)

    def rows(self) -> list[tuple[str, str]]:
        """(keys, what they do) of every line, in order (sections excluded)."""
        lines = []
        for n in range(self.tree.topLevelItemCount()):
            section = self.tree.topLevelItem(n)
            if section is None:
                continue
            for m in range(section.childCount()):
                child = section.child(m)
                if child is not None:
                    lines.append((child.text(0), child.text(1)))
        return lines
