"""Render the app icon's SVG source into the PNG sizes, the Windows .ico and the macOS .icns.

Run after editing the source, ``app/lookalike/share/icons/hicolor/scalable/apps/lookalike.svg``,
and commit the outputs (the PNGs beside it in ``share/icons/hicolor``, which the package ships,
and ``resources/icons/lookalike.ico`` and ``.icns``, which only the bundles use)::

    .venv/bin/python resources/render_icons.py

Qt's own SVG renderer draws the PNGs, so what the bundles show is what the running app shows.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

# A script run on a machine without a display (CI, a build container) still needs a
# QGuiApplication for fonts and painting; the offscreen platform needs no display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

log = logging.getLogger("render_icons")

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
HICOLOR = ROOT / "app" / "lookalike" / "share" / "icons" / "hicolor"
SOURCE = HICOLOR / "scalable" / "apps" / "lookalike.svg"
# The freedesktop hicolor sizes desktops look for; 512 also feeds the macOS .icns.
PNG_SIZES_PX = (16, 24, 32, 48, 64, 128, 256, 512)
# Windows shows 16-48 in Explorer and lists, 256 in large-icon views.
ICO_SIZES_PX = (16, 24, 32, 48, 64, 128, 256)


def png_path(size_px: int) -> Path:
    return HICOLOR / f"{size_px}x{size_px}" / "apps" / "lookalike.png"


def render(renderer: QSvgRenderer, size_px: int) -> QImage:
    """Draw the SVG into a transparent square of ``size_px``."""
    image = QImage(size_px, size_px, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        log.error("cannot parse %s", SOURCE)
        return 1
    for size_px in PNG_SIZES_PX:
        target = png_path(size_px)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not render(renderer, size_px).save(str(target), "PNG"):
            log.error("cannot write %s", target)
            return 1
        log.info("wrote %s", target.relative_to(ROOT))
    del app

    # Pillow writes both container formats on every OS; each size is drawn by Qt above rather
    # than downscaled by Pillow, so small sizes keep their crisp edges.
    largest = Image.open(png_path(max(PNG_SIZES_PX))).convert("RGBA")
    ico_images = [Image.open(png_path(s)).convert("RGBA") for s in ICO_SIZES_PX]
    ico = ICONS / "lookalike.ico"
    ico_images[-1].save(
        ico, format="ICO", sizes=[(s, s) for s in ICO_SIZES_PX], append_images=ico_images[:-1]
    )
    log.info("wrote %s", ico.relative_to(ROOT))
    icns = ICONS / "lookalike.icns"
    icns_extra = [Image.open(png_path(s)).convert("RGBA") for s in (16, 32, 64, 128, 256)]
    largest.save(icns, format="ICNS", append_images=icns_extra)
    log.info("wrote %s", icns.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
