"""The app icon loads from the package's own data files, whatever the working directory."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon, QImage
from PySide6.QtWidgets import QApplication

from lookalike import desktop
from lookalike.gui.application import app_icon


@pytest.mark.parametrize("size_px", desktop.ICON_SIZES_PX)
def test_png_icon_sizes_load_from_the_package(qapp: QApplication, size_px: int) -> None:
    image = QImage(str(desktop.png_icon_path(size_px)))
    assert not image.isNull()
    assert image.size() == QSize(size_px, size_px)


def test_app_icon_renders_at_any_size(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no resources/ folder next to us: only the package data can work
    assert not Path("resources").exists()
    icon = app_icon()
    assert not icon.isNull()
    assert {QSize(s, s) for s in desktop.ICON_SIZES_PX} <= set(icon.availableSizes())
    small = (
        icon.pixmap(QSize(16, 16))
        .toImage()
        .convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
    )
    drawn = QImage(str(desktop.png_icon_path(16))).convertToFormat(
        QImage.Format.Format_ARGB32_Premultiplied
    )
    assert small == drawn  # the hand-checked small size, not a blurry downscale
    image = icon.pixmap(QSize(96, 96)).toImage()  # no PNG of that size: scaled from 128
    assert image.size() == QSize(96, 96)
    assert image.pixelColor(48, 48).alpha() == 255  # the mark itself, not an empty canvas
    assert image.pixelColor(0, 0).alpha() == 0  # transparent corner


def test_svg_icon_is_valid_on_its_own(qapp: QApplication) -> None:
    # The scalable icon the menu entry installs for desktops that prefer SVG.
    icon = QIcon(str(desktop.svg_icon_path()))
    assert icon.pixmap(QSize(40, 40)).toImage().pixelColor(20, 20).alpha() == 255
