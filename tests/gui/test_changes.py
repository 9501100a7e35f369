"""What changed, through the real window: a verified copy says how it differs from the file it
was proven against ("mirrored", "half size") in the preview's details and the table's Match
column, and the card's badge is painted from the same words."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from lookalike.core import words
from lookalike.gui.main_window import MainWindow
from lookalike.gui.results_table import Column
from tests import images

TIMEOUT_MS = 120_000


def _scanned_window(qtbot: QtBot, folder: Path) -> MainWindow:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.add_folder(str(folder))
    with qtbot.waitSignal(window.scan_finished, timeout=TIMEOUT_MS):
        qtbot.mouseClick(window.scan_button, Qt.MouseButton.LeftButton)
    return window


def test_a_verified_copy_says_what_changed(qtbot: QtBot, tmp_path: Path) -> None:
    img = images.photo(410, 640, 480)
    camera = images.save(tmp_path / "DCIM" / "IMG_0410.JPG", img, quality=92)
    mirrored = images.save(tmp_path / "Edited" / "mirror.jpg", images.mirror(img), camera=None)
    half = images.save(tmp_path / "Small" / "half.jpg", images.resize(img, 0.5), camera=None)
    window = _scanned_window(qtbot, tmp_path)

    group = window.results_model.group_of_path(str(camera))
    assert group is not None
    assert group.keeper.path == str(camera)
    by_path = {m.path: m for m in group.members}
    assert set(by_path) == {str(camera), str(mirrored), str(half)}
    said = {path: words.changes(group, m) for path, m in by_path.items()}
    assert said[str(camera)] == ""  # the keeper changed nothing
    assert "mirrored" in said[str(mirrored)]
    assert "half size" in said[str(half)]

    # The preview's details name the change of the member shown, and only of a copy.
    row = window.results_model.groups().index(group)
    for member_row, member in enumerate(group.members):
        window.results_view.grid.set_current(row, member_row)
        details = window.results_view.preview.sides[0].info.text()
        if said[member.path]:
            assert f"Changed: {said[member.path]}" in details
        else:
            assert "Changed:" not in details

    # The table's Match column says it beside the match.
    window.action("view_table").trigger()
    table = window.results_view.table_model
    shown = {}
    for table_row in range(table.rowCount()):
        index = table.index(table_row, Column.MATCH)
        member = table.member_at(index)
        if member is not None and member.path in said:
            shown[member.path] = index.data(Qt.ItemDataRole.DisplayRole)
    assert shown[str(mirrored)] == words.match_badge(group, by_path[str(mirrored)])
    assert shown[str(mirrored)].endswith("· " + said[str(mirrored)])
    assert shown[str(camera)] == words.match_label(by_path[str(camera)])
