"""The app icon loads from the compiled Qt resources, whatever the working directory."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon, QImage
from PySide6.QtWidgets import QApplication

import lookalike.gui.resources_rc  # noqa: F401 - registers the ":/icons" resources


@pytest.mark.parametrize("size_px", [16, 24, 32, 48, 64, 128, 256])
def test_png_icon_sizes_are_compiled_in(qapp: QApplication, size_px: int) -> None:
    image = QImage(f":/icons/lookalike-{size_px}.png")
    assert not image.isNull()
    assert image.size() == QSize(size_px, size_px)


def test_svg_icon_renders_at_any_size(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no resources/ folder next to us: only ":/" can work
    assert not Path("resources").exists()
    icon = QIcon(":/icons/lookalike.svg")
    assert not icon.isNull()
    image = icon.pixmap(QSize(96, 96)).toImage()
    assert image.size() == QSize(96, 96)
    assert image.pixelColor(48, 48).alpha() == 255  # the mark itself, not an empty canvas
    assert image.pixelColor(0, 0).alpha() == 0  # transparent corner
