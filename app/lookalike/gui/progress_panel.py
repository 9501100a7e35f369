"""The progress area above the results: the stage, a bar, counts with speed and time left, and
a Cancel button that follows the window's cancel action."""

from __future__ import annotations

import time

from PySide6.QtCore import Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from lookalike.core import words
from lookalike.core.cleanup.events import BatchProgress
from lookalike.core.events import Progress, Stage


class ProgressPanel(QFrame):
    """The stage, a bar, files done/total with speed and time left, and Cancel."""

    def __init__(self, cancel_action: QAction, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.stage_label = QLabel()
        font = self.stage_label.font()
        font.setBold(True)
        self.stage_label.setFont(font)
        self.bar = QProgressBar()
        self.bar.setAccessibleName(self.tr("Scan progress"))
        self.bar.setTextVisible(False)
        self.detail_label = QLabel()
        self.detail_label.setAccessibleName(self.tr("Scan progress details"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setAccessibleName(self.tr("Cancel the running scan or cleanup"))
        self._cancel_action = cancel_action
        self.cancel_button.clicked.connect(cancel_action.trigger)
        # The button is the action's second face: enabled exactly when the action is.
        cancel_action.changed.connect(self._on_cancel_action_changed)
        self._on_cancel_action_changed()
        top = QHBoxLayout()
        top.addWidget(self.stage_label)
        top.addStretch(1)
        top.addWidget(self.detail_label)
        row = QHBoxLayout()
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(top)
        layout.addLayout(row)
        self._stage: Stage | None = None
        self._stage_started = 0.0
        self._done_at_start = 0

    def start(self, text: str) -> None:
        self._stage = None
        self.stage_label.setText(text)
        self.detail_label.clear()
        self.bar.setRange(0, 0)
        self.show()

    def show_cancelling(self, text: str) -> None:
        self.stage_label.setText(text)

    def show_progress(self, progress: Progress) -> None:
        now = time.monotonic()
        if progress.stage is not self._stage:
            self._stage = progress.stage
            self._stage_started = now
            # Files settled without work (cached, unique sizes) are not part of the speed.
            self._done_at_start = progress.done
        self.stage_label.setText(progress.stage.value)
        if progress.total <= 0:
            self.bar.setRange(0, 0)  # busy indicator until the total is known
            self.detail_label.setText(words.files(progress.done) if progress.done else "")
            return
        self.bar.setRange(0, progress.total)
        self.bar.setValue(min(progress.done, progress.total))
        pairs = progress.stage is Stage.VERIFY  # counts pairs of pictures, not files
        done = words.pairs_done if pairs else words.files_done
        parts = [done(progress.done, progress.total)]
        elapsed = now - self._stage_started
        worked = progress.done - self._done_at_start
        if worked > 0 and elapsed > 0.5:
            rate = worked / elapsed
            parts.append(f"{rate:,.0f} {'pairs' if pairs else 'files'}/s")
            remaining = progress.total - progress.done
            if remaining > 0:
                parts.append(f"about {words.duration(remaining / rate)} left")
        self.detail_label.setText(" · ".join(parts))
        if progress.current:
            self.detail_label.setToolTip(progress.current)

    def show_cleanup_progress(self, progress: BatchProgress) -> None:
        self.bar.setRange(0, max(progress.total, 1))
        self.bar.setValue(progress.done)
        parts = [words.files_done(progress.done, progress.total)]
        if progress.eta_s is not None and progress.done < progress.total:
            parts.append(words.time_left(progress.eta_s))
        self.detail_label.setText(" · ".join(parts))
        self.detail_label.setToolTip(progress.current)

    @Slot()
    def _on_cancel_action_changed(self) -> None:
        self.cancel_button.setEnabled(self._cancel_action.isEnabled())
