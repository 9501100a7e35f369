"""The Selection Rules dialog: an ordered list of criteria that chooses the keeper of every group
at once (like dupeGuru's re-prioritize dialog), saved with the settings.

The criteria are listed on the left; each can be added either way round ("largest file",
"smallest file"), the ones that take a value (a format order, a folder, a name pattern) with it.
The rules chosen are on the right, first decides first. Lookalike's own rank breaks whatever
they leave tied, and files in reference folders are always kept first; no rules at all means
Lookalike's own rank.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from lookalike.core import words
from lookalike.core.model import RULES_WITH_VALUE, Criterion, Rule, RuleError

_RULE_ROLE = Qt.ItemDataRole.UserRole + 1
_HINTS = {
    Criterion.FORMAT: "formats in order: jpeg+heic+png",
    Criterion.FOLDER: "a folder",
    Criterion.NAME: "a name pattern: IMG_*",
}


class RulesDialog(QDialog):
    """Edit the selection rules; ``rules()`` is what was chosen once the dialog is accepted."""

    def __init__(self, rules: tuple[Rule, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Selection Rules"))
        intro = QLabel(
            self.tr(
                "Each group keeps the photo that comes first by these rules, in this order; the"
                " others can be marked with Select Duplicates. Photos in reference folders are"
                " always kept first, and Lookalike's own rank (the camera original) decides what"
                " the rules leave tied."
            ),
            self,
        )
        intro.setWordWrap(True)

        self.criteria = QListWidget(self)
        self.criteria.setAccessibleName(self.tr("Criteria"))
        for criterion in Criterion:
            item = QListWidgetItem(words.criterion_label(criterion), self.criteria)
            item.setData(_RULE_ROLE, criterion.value)
        self.direction = QComboBox(self)
        self.direction.setAccessibleName(self.tr("Which way round"))
        self.value_edit = QLineEdit(self)
        self.value_edit.setAccessibleName(self.tr("Value"))
        self.browse_button = QPushButton(self.tr("&Browse…"), self)
        self.add_button = QPushButton(self.tr("&Add →"), self)
        self.add_button.setToolTip(self.tr("Add this rule after the ones chosen"))
        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setAccessibleName(self.tr("Why the rule cannot be added"))

        self.chosen = QListWidget(self)
        self.chosen.setAccessibleName(self.tr("Rules, first decides first"))
        self.remove_button = QPushButton(self.tr("&Remove"), self)
        self.up_button = QPushButton(self.tr("Move &Up"), self)
        self.down_button = QPushButton(self.tr("Move &Down"), self)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(self.tr("The rules in one line"))

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.Reset,
            self,
        )
        self.reset_button = self.buttons.button(QDialogButtonBox.StandardButton.Reset)
        self.reset_button.setText(self.tr("Use Lookalike's &Rank"))
        self.reset_button.setToolTip(self.tr("Remove every rule: keep the camera original"))
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Apply to Every Group"))

        left = QGridLayout()
        left.addWidget(QLabel(self.tr("Criteria:"), self), 0, 0, 1, 2)
        left.addWidget(self.criteria, 1, 0, 1, 2)
        left.addWidget(self.direction, 2, 0, 1, 2)
        left.addWidget(self.value_edit, 3, 0)
        left.addWidget(self.browse_button, 3, 1)
        left.addWidget(self.add_button, 4, 0, 1, 2)
        left.addWidget(self.error_label, 5, 0, 1, 2)
        moves = QHBoxLayout()
        for button in (self.remove_button, self.up_button, self.down_button):
            moves.addWidget(button)
        right = QVBoxLayout()
        right.addWidget(QLabel(self.tr("Keep the photo that is, first to last:"), self))
        right.addWidget(self.chosen, 1)
        right.addLayout(moves)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(columns, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)

        self.criteria.currentRowChanged.connect(self._on_criteria_current_row_changed)
        self.add_button.clicked.connect(self._on_add_clicked)
        self.browse_button.clicked.connect(self._on_browse_clicked)
        self.remove_button.clicked.connect(self._on_remove_clicked)
        self.up_button.clicked.connect(self._on_up_clicked)
        self.down_button.clicked.connect(self._on_down_clicked)
        self.chosen.currentRowChanged.connect(self._on_chosen_current_row_changed)
        self.reset_button.clicked.connect(self._on_reset_clicked)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        self.set_rules(rules)

    def set_rules(self, rules: tuple[Rule, ...]) -> None:
        """Start from these rules (the dialog is kept and shown again)."""
        self.chosen.clear()
        for rule in rules:
            self._append(rule)
        self.criteria.setCurrentRow(0)
        self._on_criteria_current_row_changed(0)
        self.error_label.clear()
        self._update()

    # --- what was chosen -------------------------------------------------------------------

    def rules(self) -> tuple[Rule, ...]:
        """The rules in the list, first first."""
        return tuple(self._rule_at(row) for row in range(self.chosen.count()))

    def criterion(self) -> Criterion:
        item = self.criteria.currentItem()
        return Criterion(item.data(_RULE_ROLE)) if item is not None else Criterion.RESOLUTION

    def choose(self, criterion: Criterion, reverse: bool = False, value: str = "") -> None:
        """Pick a criterion on the left, its direction and value (what a click does)."""
        self.criteria.setCurrentRow(list(Criterion).index(criterion))
        self.direction.setCurrentIndex(1 if reverse else 0)
        self.value_edit.setText(value)

    # --- slots ----------------------------------------------------------------------------

    @Slot(int)
    def _on_criteria_current_row_changed(self, row: int) -> None:
        criterion = self.criterion()
        self.direction.clear()
        placeholder = "…" if criterion in RULES_WITH_VALUE else ""
        for reverse in (False, True):
            self.direction.addItem(words.rule_phrase(Rule(criterion, reverse, placeholder)))
        takes_value = criterion in RULES_WITH_VALUE
        self.value_edit.setEnabled(takes_value)
        self.value_edit.setPlaceholderText(_HINTS.get(criterion, ""))
        self.value_edit.clear()
        self.browse_button.setEnabled(criterion is Criterion.FOLDER)
        self.error_label.clear()

    @Slot()
    def _on_add_clicked(self) -> None:
        criterion = self.criterion()
        sign = "-" if self.direction.currentIndex() == 1 else ""
        value = f"={self.value_edit.text()}" if criterion in RULES_WITH_VALUE else ""
        try:
            rule = Rule.parse(f"{sign}{criterion.value}{value}")
        except RuleError as exc:
            self.error_label.setText(str(exc))
            return
        if rule in self.rules():
            self.error_label.setText(f"“{words.rule_phrase(rule)}” is in the list already")
            return
        self.error_label.clear()
        self._append(rule)
        self.chosen.setCurrentRow(self.chosen.count() - 1)
        self._update()

    @Slot()
    def _on_browse_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Keep the Photos in"), self.value_edit.text()
        )
        if folder:
            self.value_edit.setText(folder)

    @Slot()
    def _on_remove_clicked(self) -> None:
        row = self.chosen.currentRow()
        if row >= 0:
            self.chosen.takeItem(row)
        self._update()

    @Slot()
    def _on_up_clicked(self) -> None:
        self._move(-1)

    @Slot()
    def _on_down_clicked(self) -> None:
        self._move(1)

    @Slot(int)
    def _on_chosen_current_row_changed(self, row: int) -> None:
        self._update()

    @Slot()
    def _on_reset_clicked(self) -> None:
        self.chosen.clear()
        self._update()

    # --- internals ------------------------------------------------------------------------

    def _append(self, rule: Rule) -> None:
        item = QListWidgetItem(words.rule_phrase(rule), self.chosen)
        item.setData(_RULE_ROLE, rule.text)

    def _rule_at(self, row: int) -> Rule:
        return Rule.parse(str(self.chosen.item(row).data(_RULE_ROLE)))

    def _move(self, step: int) -> None:
        row = self.chosen.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.chosen.count():
            return
        item = self.chosen.takeItem(row)
        self.chosen.insertItem(target, item)
        self.chosen.setCurrentRow(target)
        self._update()

    def _update(self) -> None:
        row = self.chosen.currentRow()
        count = self.chosen.count()
        self.remove_button.setEnabled(row >= 0)
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < count - 1)
        self.reset_button.setEnabled(count > 0)
        self.summary.setText(f"Keep: {words.rules_summary(self.rules())}")
