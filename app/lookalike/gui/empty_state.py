"""What the window shows before there are results: the invitation to add folders and scan, the
message that says what happened last, and the recent folders as links."""

from __future__ import annotations

import os

from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtGui import QAction, QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from lookalike.core.names import quoted

RECENT_SHOWN = 5  # recent folders offered as links; the File menu lists every remembered one


class EmptyState(QWidget):
    """What the window shows before there are results: an invitation to add folders and scan."""

    # object, not str: a QString would drop the undecodable bytes of a name that is not UTF-8.
    recent_folder_chosen = Signal(object)

    def __init__(self, add_action: QAction, scan_action: QAction, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName(self.tr("Getting started"))
        self.title = QLabel(self.tr("Find duplicate photos"))
        title_font = QFont(self.title.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.8)
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.add_button = QPushButton(self.tr("Add folder…"))
        self.add_button.setAccessibleName(self.tr("Add folder"))
        self.add_button.setIcon(add_action.icon())
        self.add_button.clicked.connect(add_action.trigger)
        self.scan_button = QPushButton(self.tr("Scan"))
        self.scan_button.setAccessibleName(self.tr("Start scanning"))
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
        recent = recent[:RECENT_SHOWN]
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
            heading = QLabel(self.tr("Recent folders"))
            heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.recent_layout.addWidget(heading)
            for folder in recent:
                link = QPushButton(quoted(folder))
                link.setFlat(True)
                link.setStyleSheet("color: palette(link);")  # a link, in the system's colours
                link.setCursor(Qt.CursorShape.PointingHandCursor)
                link.setAccessibleName(
                    self.tr("Add recent folder {folder}").format(folder=quoted(folder))
                )
                # Bytes: a QString would drop the undecodable bytes of a name that is not UTF-8.
                link.setProperty("folder", os.fsencode(folder))
                link.clicked.connect(self._on_recent_clicked)
                self.recent_layout.addWidget(link)

    @Slot()
    def _on_recent_clicked(self) -> None:
        sender = self.sender()
        if sender is not None:
            self.recent_folder_chosen.emit(os.fsdecode(bytes(sender.property("folder"))))
