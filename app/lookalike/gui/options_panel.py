"""The scan options beside the folders: identical files or similar photos, the sensitivity (for
similar photos only) and whether subfolders are searched."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QRadioButton,
    QWidget,
)

from lookalike.core.model import ScanMode, Sensitivity
from lookalike.gui.i18n import QT_TRANSLATE_NOOP

_SENSITIVITIES = (
    (
        Sensitivity.STRICT,
        QT_TRANSLATE_NOOP("OptionsPanel", "Strict"),
        QT_TRANSLATE_NOOP("OptionsPanel", "Only near-identical copies (resized or recompressed)"),
    ),
    (
        Sensitivity.NORMAL,
        QT_TRANSLATE_NOOP("OptionsPanel", "Normal"),
        QT_TRANSLATE_NOOP("OptionsPanel", "Copies and lightly edited versions (recommended)"),
    ),
    (
        Sensitivity.LOOSE,
        QT_TRANSLATE_NOOP("OptionsPanel", "Loose"),
        QT_TRANSLATE_NOOP(
            "OptionsPanel", "Also more heavily edited versions; review before deleting"
        ),
    ),
)


class OptionsPanel(QGroupBox):
    """What the next scan looks for. The window builds the ``ScanOptions`` from it and saves
    each change in the settings."""

    options_changed = Signal()  # mode, sensitivity or subfolders changed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Find"))
        self.identical_radio = QRadioButton(self.tr("&Identical files only"))
        self.identical_radio.setToolTip(self.tr("Byte-for-byte copies; the fastest scan"))
        self.similar_radio = QRadioButton(self.tr("Similar &photos"))
        self.similar_radio.setToolTip(
            self.tr("The same picture resized, recompressed, converted, rotated or lightly edited")
        )
        self.mode_group = QButtonGroup(self)
        self.mode_group.addButton(self.identical_radio)
        self.mode_group.addButton(self.similar_radio)
        self.sensitivity_combo = QComboBox()
        self.sensitivity_combo.setAccessibleName(self.tr("Sensitivity"))
        for sensitivity, label, tip in _SENSITIVITIES:
            self.sensitivity_combo.addItem(self.tr(label), sensitivity.value)
            self.sensitivity_combo.setItemData(
                self.sensitivity_combo.count() - 1, self.tr(tip), Qt.ItemDataRole.ToolTipRole
            )
        self.subfolders_check = QCheckBox(self.tr("Include &subfolders"))
        self.subfolders_check.setAccessibleName(self.tr("Include subfolders"))
        form = QFormLayout(self)
        form.addRow(self.identical_radio)
        form.addRow(self.similar_radio)
        self.sensitivity_label = QLabel(self.tr("Se&nsitivity:"))
        self.sensitivity_label.setBuddy(self.sensitivity_combo)
        form.addRow(self.sensitivity_label, self.sensitivity_combo)
        form.addRow(self.subfolders_check)
        self._editable = True
        # One of the two radios is enough: they toggle together.
        self.identical_radio.toggled.connect(self._on_control_changed)
        self.sensitivity_combo.currentIndexChanged.connect(self._on_control_changed)
        self.subfolders_check.toggled.connect(self._on_control_changed)
        self._update_enabled()

    def mode(self) -> ScanMode:
        return ScanMode.SIMILAR if self.similar_radio.isChecked() else ScanMode.EXACT

    def set_mode(self, mode: ScanMode) -> None:
        (self.similar_radio if mode is ScanMode.SIMILAR else self.identical_radio).setChecked(True)

    def sensitivity(self) -> Sensitivity:
        return Sensitivity(self.sensitivity_combo.currentData())

    def set_sensitivity(self, sensitivity: Sensitivity) -> None:
        self.sensitivity_combo.setCurrentIndex(
            max(0, self.sensitivity_combo.findData(sensitivity.value))
        )

    def include_subfolders(self) -> bool:
        return self.subfolders_check.isChecked()

    def set_include_subfolders(self, include: bool) -> None:
        self.subfolders_check.setChecked(include)

    def set_editable(self, editable: bool) -> None:
        """Lock the controls while a scan or cleanup runs (the box itself stays readable)."""
        self._editable = editable
        self._update_enabled()

    def _update_enabled(self) -> None:
        for widget in (self.identical_radio, self.similar_radio, self.subfolders_check):
            widget.setEnabled(self._editable)
        # The sensitivity only applies to similar photos.
        similar = self._editable and self.similar_radio.isChecked()
        self.sensitivity_combo.setEnabled(similar)
        self.sensitivity_label.setEnabled(similar)

    @Slot()
    def _on_control_changed(self) -> None:
        self._update_enabled()
        self.options_changed.emit()
