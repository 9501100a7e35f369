"""Capture ``main-window.png``: the real window after scanning a generated demo collection.

Run under a display (the README's screenshot is made under Xvfb):

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python resources/screenshots/capture.py

Everything it touches (photos, settings, cache, trash) lives in a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def _make_collection(root: Path) -> Path:
    """A small photo library with the usual accidents: backups, resized shares, conversions."""
    from tests import images

    library = root / "Pictures"
    for i, seed in enumerate((11, 23, 37, 41, 53, 67, 71, 89)):
        img = images.photo(seed, 1600, 1200)
        name = f"IMG_{2040 + i}.jpg"
        original = images.save(library / "Camera" / name, img, quality=92)
        if i % 2 == 0:
            backup = library / "Phone backup" / name
            backup.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(original, backup)
        if i % 3 != 2:
            images.save(
                library / "Shared" / f"holiday-{i + 1}.jpg", images.resize(img, 0.5), quality=80
            )
        if i in (1, 4):
            edited = images.brightness(images.resize(img, 0.75), 1.1)
            images.save(library / "Edited" / f"IMG_{2040 + i}-edit.jpg", edited, quality=85)
    for seed in range(200, 206):
        images.save(library / "Camera" / f"IMG_{seed + 1800}.jpg", images.photo(seed, 1600, 1200))
    images.write_truncated(library / "Camera" / "IMG_2099.jpg", images.photo(999, 800, 600))
    return library


def _shrink(path: str) -> None:
    """Palette PNG: the README image stays small (photos in thumbnails compress badly)."""
    from PIL import Image

    with Image.open(path) as shot:
        small = shot.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def _use_dark_palette(app: object) -> None:
    """What a dark desktop theme hands Qt: checks that nothing paints with fixed colours."""
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QApplication

    assert isinstance(app, QApplication)
    app.setStyle("Fusion")
    role = QPalette.ColorRole
    palette = QPalette()
    for r, colour in (
        (role.Window, "#2b2b2b"),
        (role.WindowText, "#e6e6e6"),
        (role.Base, "#1e1e1e"),
        (role.AlternateBase, "#2a2a2a"),
        (role.Text, "#e6e6e6"),
        (role.Button, "#353535"),
        (role.ButtonText, "#e6e6e6"),
        (role.Highlight, "#3d7bd9"),
        (role.HighlightedText, "#ffffff"),
        (role.ToolTipBase, "#353535"),
        (role.ToolTipText, "#e6e6e6"),
        (role.PlaceholderText, "#8a8a8a"),
        (role.Link, "#7fb2ff"),
        (role.Mid, "#4a4a4a"),
        (role.Midlight, "#3f3f3f"),
        (role.Dark, "#202020"),
        (role.Light, "#505050"),
    ):
        palette.setColor(r, QColor(colour))
    palette.setColor(QPalette.ColorGroup.Disabled, role.Text, QColor("#7a7a7a"))
    palette.setColor(QPalette.ColorGroup.Disabled, role.ButtonText, QColor("#7a7a7a"))
    palette.setColor(QPalette.ColorGroup.Disabled, role.WindowText, QColor("#7a7a7a"))
    app.setPalette(palette)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(Path(__file__).with_name("main-window.png")))
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=800)
    parser.add_argument("--empty", action="store_true", help="the first-run window instead")
    parser.add_argument("--dark", action="store_true", help="a dark palette, as a dark desktop")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="lookalike-shot-"))
    for var, sub in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_STATE_HOME", "state"),
    ):
        os.environ[var] = str(work / sub)
    library = _make_collection(work)

    from PySide6.QtCore import QCoreApplication, QEventLoop, QSettings
    from PySide6.QtWidgets import QApplication

    from lookalike.gui.application import app_icon, set_identity

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "config"))
    set_identity()
    app = QApplication(sys.argv)
    if args.dark:
        _use_dark_palette(app)
    app.setWindowIcon(app_icon())
    from lookalike.gui.main_window import MainWindow

    if args.empty:
        from lookalike.gui.settings import Settings

        for folder in (library / "Camera", library / "Shared", library):
            Settings().add_recent_folder(str(folder))
    window = MainWindow()
    window.resize(args.width, args.height)
    window.show()

    def pump(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)

    if args.empty:
        pump(1.0)
        window.grab().toImage().save(args.out)
        _shrink(args.out)
        window.close()
        shutil.rmtree(work, ignore_errors=True)
        sys.stdout.write(f"saved {args.out} ({os.path.getsize(args.out):,} bytes)\n")
        return 0
    window.add_folder(str(library))
    done: list[object] = []
    window.scan_finished.connect(done.append)
    window.start_scan()
    while not done:
        pump(0.1)
    window.select_duplicates()
    window.results_view.set_current(0, 1)
    window.results_view.grid.setFocus()
    pump(3.0)  # thumbnails and the preview decode on their pools
    window.grab().toImage().save(args.out)
    _shrink(args.out)
    window.close()
    app.processEvents()
    shutil.rmtree(work, ignore_errors=True)
    sys.stdout.write(f"saved {args.out} ({os.path.getsize(args.out):,} bytes)\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
