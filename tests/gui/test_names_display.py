"""Names that are not UTF-8, or hold a line break, in the window: shown quoted, never another
file's name (a QString drops undecodable bytes), and their thumbnails and previews load."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from lookalike.core import names
from lookalike.core.model import ScanOptions
from lookalike.core.scan import collect_result, run_scan
from lookalike.gui.folders import FolderPanel
from lookalike.gui.main_window import MainWindow
from lookalike.gui.preview import PreviewPane
from lookalike.gui.results_model import BrokenRole, MemberRole, ResultsModel, ThumbnailRole
from lookalike.gui.settings import Settings
from lookalike.gui.thumb_cache import ThumbCache
from tests import images

ODD = b"b\xc3(.jpg"
NEWLINE = b"new\nline.jpg"


def odd_folder(tmp_path: Path) -> Path:
    original = images.save(tmp_path / "a.jpg", images.photo(81, 400, 300))
    for raw in (ODD, NEWLINE):
        shutil.copyfile(original, os.fsencode(tmp_path) + b"/" + raw)
    return tmp_path


def test_the_grid_shows_odd_names_quoted_and_loads_their_thumbnails(
    qtbot: QtBot, tmp_path: Path
) -> None:
    options = ScanOptions(roots=(str(odd_folder(tmp_path)),), workers=1)
    (group,) = collect_result(options, run_scan(options)).groups
    cache = ThumbCache(threads=1)
    model = ResultsModel()
    model.set_thumb_cache(cache, 128)
    model.add_groups([group])
    group_index = model.index(0, 0)
    rows = [model.index(r, 0, group_index) for r in range(model.rowCount(group_index))]
    shown = {model.data(i, MemberRole).path: model.data(i) for i in rows}
    assert shown == {m.path: names.quoted(os.path.basename(m.path)) for m in group.members}
    assert '"b\\xc3(.jpg"' in shown.values()
    assert '"new\\nline.jpg"' in shown.values()
    for index in rows:
        model.data(index, ThumbnailRole)  # queues the load
    qtbot.waitUntil(
        lambda: all(model.data(i, ThumbnailRole) is not None for i in rows), timeout=10_000
    )
    assert not any(model.data(i, BrokenRole) for i in rows)
    assert cache.shutdown()


def test_the_preview_names_and_shows_a_file_whose_name_is_not_utf8(
    qtbot: QtBot, tmp_path: Path
) -> None:
    options = ScanOptions(roots=(str(odd_folder(tmp_path)),), workers=1)
    (group,) = collect_result(options, run_scan(options)).groups
    (odd,) = [m for m in group.members if os.fsencode(m.path).endswith(ODD)]
    pane = PreviewPane()
    qtbot.addWidget(pane)
    pane.show_member(odd)
    qtbot.waitUntil(lambda: not pane.busy, timeout=10_000)
    assert pane.title.text() == '"b\\xc3(.jpg"'
    assert pane.title.toolTip() == names.quoted(odd.path)
    canvas = pane.sides[0].canvas
    assert not canvas.image.isNull(), canvas.message
    assert (canvas.image.width(), canvas.image.height()) == (400, 300)
    pane.shutdown()


def test_a_folder_whose_name_is_not_utf8_is_listed_quoted_and_scanned_as_itself(
    qtbot: QtBot, tmp_path: Path
) -> None:
    folder = os.fsdecode(os.fsencode(tmp_path) + b"/Fotos \xe9t\xe9")  # Latin-1 "été"
    os.mkdir(folder)
    panel = FolderPanel()
    qtbot.addWidget(panel)
    assert panel.add_folder(folder)
    assert panel.folders() == [folder]  # the very folder, not one named without its bytes
    item = panel.tree.topLevelItem(0)
    assert item is not None
    assert item.text(0) == '"Fotos \\xe9t\\xe9"'
    assert panel.set_reference(folder, True)
    assert panel.reference_folders() == [folder]


def test_a_recent_folder_that_is_not_utf8_comes_back_whole(qtbot: QtBot, tmp_path: Path) -> None:
    """Through the settings, the File menu and the empty state's links: the same folder, not
    the one its name loses its bytes to (a sibling "caf" is there to be picked by mistake)."""
    raw = os.fsencode(tmp_path) + b"/caf\xe9"
    os.mkdir(raw)
    (tmp_path / "caf").mkdir()
    odd = os.fsdecode(raw)
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.add_folder(odd)
    window.close()
    assert Settings().recent_folders == [odd]

    again = MainWindow()
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    again.recent_menu.aboutToShow.emit()
    (entry,) = [a for a in again.recent_menu.actions() if a.data() is not None]
    assert entry.text() == names.quoted(odd)  # shown with its odd byte escaped
    entry.trigger()
    assert again.folder_panel.folders() == [odd]
    assert again.folder_panel.remove_folder(odd)

    links = [
        b
        for b in again.empty_state.recent_box.findChildren(QPushButton)
        if b.property("folder") is not None
    ]
    assert [b.text() for b in links] == [names.quoted(odd)]
    qtbot.waitUntil(lambda: links[0].height() > 0)
    qtbot.mouseClick(links[0], Qt.MouseButton.LeftButton)
    assert again.folder_panel.folders() == [odd]
    again.close()
