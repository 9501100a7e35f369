"""The options panel on its own: mode, sensitivity and subfolders read back as set, one signal
per change, sensitivity only for similar photos, and locking while busy."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from lookalike.core.model import ScanMode, Sensitivity
from lookalike.gui.options_panel import OptionsPanel


def _panel(qtbot: QtBot) -> OptionsPanel:
    panel = OptionsPanel()
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def test_options_read_back_as_set_and_each_change_is_signalled(qtbot: QtBot) -> None:
    panel = _panel(qtbot)
    changes: list[tuple[ScanMode, Sensitivity, bool]] = []

    def record() -> None:
        changes.append((panel.mode(), panel.sensitivity(), panel.include_subfolders()))

    panel.options_changed.connect(record)
    panel.set_mode(ScanMode.EXACT)
    panel.set_sensitivity(Sensitivity.LOOSE)
    panel.set_include_subfolders(True)
    panel.set_mode(ScanMode.SIMILAR)
    panel.set_mode(ScanMode.SIMILAR)  # no change, no signal
    panel.set_include_subfolders(True)
    assert changes == [
        (ScanMode.EXACT, Sensitivity.STRICT, False),
        (ScanMode.EXACT, Sensitivity.LOOSE, False),
        (ScanMode.EXACT, Sensitivity.LOOSE, True),
        (ScanMode.SIMILAR, Sensitivity.LOOSE, True),
    ]


def test_sensitivity_is_only_for_similar_photos_and_busy_locks_all(qtbot: QtBot) -> None:
    panel = _panel(qtbot)
    panel.set_mode(ScanMode.EXACT)
    assert panel.identical_radio.isEnabled()
    assert not panel.sensitivity_combo.isEnabled()
    assert not panel.sensitivity_label.isEnabled()
    panel.similar_radio.click()
    assert panel.mode() is ScanMode.SIMILAR
    assert panel.sensitivity_combo.isEnabled()
    panel.set_editable(False)
    for widget in (
        panel.identical_radio,
        panel.similar_radio,
        panel.subfolders_check,
        panel.sensitivity_combo,
    ):
        assert not widget.isEnabled()
    assert panel.isEnabled()  # the box stays readable; only its controls lock
    panel.set_editable(True)
    assert panel.sensitivity_combo.isEnabled()
    assert panel.subfolders_check.isEnabled()
