"""Capture the README's screenshots: the real window after a real scan, the results as the
table (``main-window.png``), and compare showing the difference of a copy laid on its keeper
(``compare-difference.png``, with ``--compare``).

Run under a display (the README's screenshots are made under Xvfb), on real photographs: a
library built by ``lookalike accuracy --fetch`` (read only: a few of its pictures and all their
copies are copied into a temporary folder first), or else a generated demo collection:

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python resources/screenshots/capture.py \
        --photos ~/.cache/lookalike/eval/quick/library-*
    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python resources/screenshots/capture.py \
        --photos ~/.cache/lookalike/eval/quick/library-* --compare

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


# The copies shown of each picture of the real-photo library, most telling first.
_KINDS_SHOWN = (
    "original",
    "overlay",
    "mirror",
    "turn 90°/180°",
    "byte copy",
    "resize",
    "crop 10–30 %",
    "format",
    "re-encode",
)
_EDITS = ("overlay", "mirror")
PICTURES = 14
COPIES = 5  # of each picture, besides the original: a screenful shows several groups


def _copy_library(library: Path, root: Path, count: int, *, overlays: bool) -> Path:
    """Copy ``count`` pictures of a labelled library, each with a few of its copies (edited
    ones, with a logo added or mirrored, only if ``overlays``), into ``root/Pictures``: the
    originals stay untouched, and the paths shown are short."""
    import json

    items = json.loads((library / "labels.json").read_text())["items"]
    by_picture: dict[str, list[dict[str, str]]] = {}
    for item in items:
        by_picture.setdefault(item["picture"], []).append(item)
    # Pictures with an added logo or date stamp first (what the difference shows best).
    ranked = sorted(
        (p for p, group in by_picture.items() if len(group) > 2),
        key=lambda p: (not any(i["kind"] == "overlay" for i in by_picture[p]), p),
    )
    target = root / "Pictures"
    for picture in ranked[:count]:
        # Edited copies (a logo, a mirror) only where the difference is the point.
        kinds = _KINDS_SHOWN if overlays else tuple(k for k in _KINDS_SHOWN if k not in _EDITS)
        shown = sorted(
            (i for i in by_picture[picture] if i["kind"] in kinds),
            key=lambda i: _KINDS_SHOWN.index(i["kind"]),
        )
        for item in shown[: COPIES + 1]:
            copy = target / item["path"]
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(library / item["path"], copy)
    return target


def _shrink(path: str) -> None:
    """Palette PNG: the README image stays small (photos in thumbnails compress badly)."""
    from PIL import Image

    with Image.open(path) as shot:
        small = shot.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def _show_difference(window: object, pump: object) -> None:
    """Compare a copy with a logo or date added with another, turned copy, as their
    difference: laid on each other through their keeper, only the addition stands out. The
    grid is beside a wide preview."""
    from lookalike.core.model import MatchKind
    from lookalike.gui.main_window import MainWindow
    from lookalike.gui.preview import CompareMode

    assert isinstance(window, MainWindow)
    view = window.results_view
    row, member_row, other = 0, 1, None
    for n, group in enumerate(window.results_model.groups()):
        turned = [
            k
            for k, m in enumerate(group.members)
            if m.match is MatchKind.SIMILAR and 2 <= m.transform.turn_degrees <= 358
        ]
        # The library names its overlaid copies so: "_logo", "_stamp".
        marked = [
            k for k, m in enumerate(group.members) if m.path.endswith(("_logo.jpg", "_stamp.jpg"))
        ]
        if turned and marked:
            # The marked copy upright on the left, the turned one laid on it.
            row, member_row, other = n, marked[0], group.members[turned[0]]
            break
    window.splitter.setSizes([210, 1070])
    view.splitter.setSizes([400, 670])
    view.set_current(row, member_row)
    view.compare(other)
    view.preview.set_compare_mode(CompareMode.DIFFERENCE)
    aligned: list[object] = []
    view.preview.pair_aligned.connect(lambda: aligned.append(1))
    end = time.monotonic() + 60
    while not aligned and view.preview.aligned is None and time.monotonic() < end:
        pump(0.1)  # type: ignore[operator]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(Path(__file__).with_name("main-window.png")))
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=800)
    parser.add_argument("--empty", action="store_true", help="the first-run window instead")
    parser.add_argument("--dark", action="store_true", help="a dark palette, as a dark desktop")
    parser.add_argument("--photos", type=Path, help="a labelled real-photo library (read only)")
    parser.add_argument("--pictures", type=int, default=PICTURES, help="pictures of it shown")
    parser.add_argument(
        "--compare", action="store_true", help="compare-difference.png: a copy on its keeper"
    )
    args = parser.parse_args()
    if args.compare and args.out == parser.get_default("out"):
        args.out = str(Path(__file__).with_name("compare-difference.png"))

    # A short folder, so the paths in the picture are readable.
    work = Path(tempfile.mkdtemp(prefix="shot"))
    for var, sub in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_STATE_HOME", "state"),
    ):
        os.environ[var] = str(work / sub)
    library = (
        _copy_library(args.photos, work, args.pictures, overlays=args.compare)
        if args.photos
        else _make_collection(work)
    )

    from PySide6.QtCore import QCoreApplication, QEventLoop, QSettings
    from PySide6.QtWidgets import QApplication

    from lookalike.gui.application import app_icon, set_identity

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "config"))
    set_identity()
    app = QApplication(sys.argv)
    if args.dark:
        from lookalike.gui.theme import Theme, apply_theme

        apply_theme(app, Theme.DARK)
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
    view = window.results_view
    if args.compare:
        _show_difference(window, pump)
    else:
        window.action("view_table").trigger()
        window.splitter.setSizes([190, 1090])
        view.splitter.setSizes([760, 330])
        view.set_current(0, 1)
        view.table.setFocus()
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
