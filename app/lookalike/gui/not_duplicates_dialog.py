"""The "not duplicates" manager: every remembered choice with its files, and Forget to undo one,
several or all of them (the session then regroups the last scan, so the files come back)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from lookalike.core import words
from lookalike.core.not_duplicates import describe
from lookalike.gui.session import Session

_ID_ROLE = int(Qt.ItemDataRole.UserRole) + 1


class NotDuplicatesDialog(QDialog):
    """Lists the session's remembered choices, newest first; Forget undoes the selected ones."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("not_duplicates")
        self.setWindowTitle(self.tr("Not Duplicates"))
        self.resize(640, 380)
        self._session = session
        self.summary = QLabel()
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([self.tr("Choice"), self.tr("Made")])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setUniformRowHeights(True)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.tree.header().setStretchLastSection(False)
        self.tree.setColumnWidth(0, 460)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.forget_button = QPushButton(self.tr("&Forget"))
        self.forget_button.setToolTip(
            self.tr("Undo the selected choices: the files may be grouped again")
        )
        self.forget_all_button = QPushButton(self.tr("Forget &All"))
        for button in (self.forget_button, self.forget_all_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.forget_button.clicked.connect(self._on_forget_clicked)
        self.forget_all_button.clicked.connect(self._on_forget_all_clicked)
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        session.not_duplicates_changed.connect(self.refresh)
        # Forget waits while the session regroups; its end makes Forget available again.
        session.scan_finished.connect(self._update_buttons)
        session.scan_failed.connect(self._update_buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree)
        layout.addWidget(buttons)
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        self.tree.clear()
        choices = self._session.memory.choices()
        for choice in reversed(choices):
            item = QTreeWidgetItem([describe(choice), choice.made.replace("T", " ")[:16]])
            item.setData(0, _ID_ROLE, choice.id)
            for f in choice.files:
                child = QTreeWidgetItem([f.path])
                child.setToolTip(0, f.path)
                child.setFlags(child.flags() & ~Qt.ItemFlag.ItemIsSelectable)
                item.addChild(child)
            self.tree.addTopLevelItem(item)
        self.summary.setText(words.not_duplicates_remembered(len(choices)))
        self._update_buttons()

    def _selected_ids(self) -> list[int]:
        return [int(item.data(0, _ID_ROLE)) for item in self.tree.selectedItems()]

    @Slot()
    def _update_buttons(self) -> None:
        idle = not self._session.is_busy()
        self.forget_button.setEnabled(idle and bool(self._selected_ids()))
        self.forget_all_button.setEnabled(idle and self.tree.topLevelItemCount() > 0)

    @Slot()
    def _on_forget_clicked(self) -> None:
        self._forget(self._selected_ids())

    @Slot()
    def _on_forget_all_clicked(self) -> None:
        self._forget([c.id for c in self._session.memory.choices()])

    def _forget(self, ids: list[int]) -> None:
        # The list follows not_duplicates_changed once the file is written; a failure is
        # reported by the window (file_task_failed).
        self._session.forget_not_duplicates(ids)
