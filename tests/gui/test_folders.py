"""The folder panel: add, remove, reference toggles, and folders dropped onto it."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QColor, QDropEvent, QPalette
from pytestqt.qtbot import QtBot

from lookalike.gui.folders import FolderPanel, folders_in_mime


def _panel(qtbot: QtBot) -> FolderPanel:
    panel = FolderPanel()
    qtbot.addWidget(panel)
    return panel


def test_add_remove_and_reference(qtbot: QtBot, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    panel = _panel(qtbot)
    with qtbot.waitSignal(panel.folders_changed):
        assert panel.add_folder(str(a))
    assert not panel.add_folder(str(a) + "/")  # the same folder, spelled differently
    assert not panel.add_folder(str(tmp_path / "missing"))
    assert panel.add_folder(str(b))
    assert panel.folders() == [str(a), str(b)]

    with qtbot.waitSignal(panel.folders_changed):
        assert panel.set_reference(str(b), True)
    assert panel.reference_folders() == [str(b)]
    panel.set_reference(str(b), False)
    assert panel.reference_folders() == []

    with qtbot.waitSignal(panel.folders_changed):
        assert panel.remove_folder(str(a))
    assert panel.folders() == [str(b)]
    assert not panel.remove_folder(str(a))


def test_keyboard_space_toggles_reference_and_delete_removes(qtbot: QtBot, tmp_path: Path) -> None:
    panel = _panel(qtbot)
    for name in ("x", "y"):
        (tmp_path / name).mkdir()
        panel.add_folder(str(tmp_path / name))
    panel.show()
    qtbot.waitExposed(panel)
    panel.tree.setCurrentItem(panel.tree.topLevelItem(0))
    assert panel.remove_button.isEnabled()
    panel.tree.setFocus()
    qtbot.keyClick(panel.tree, Qt.Key.Key_Space)  # Space toggles "Reference"
    assert panel.reference_folders() == [str(tmp_path / "x")]
    qtbot.keyClick(panel.tree, Qt.Key.Key_Space)
    assert panel.reference_folders() == []
    qtbot.keyClick(panel.tree, Qt.Key.Key_Delete)
    assert panel.folders() == [str(tmp_path / "y")]


def test_set_folders_restores_references_and_drops_vanished(qtbot: QtBot, tmp_path: Path) -> None:
    keep, ref = tmp_path / "keep", tmp_path / "ref"
    keep.mkdir()
    ref.mkdir()
    panel = _panel(qtbot)
    panel.set_folders([str(keep), str(ref), str(tmp_path / "gone")], [str(ref)])
    assert panel.folders() == [str(keep), str(ref)]
    assert panel.reference_folders() == [str(ref)]


def test_dropping_folders_adds_only_local_folders(qtbot: QtBot, tmp_path: Path) -> None:
    folder = tmp_path / "dropped"
    folder.mkdir()
    a_file = tmp_path / "photo.jpg"
    a_file.write_bytes(b"x")
    mime = QMimeData()
    mime.setUrls(
        [
            QUrl.fromLocalFile(str(folder)),
            QUrl.fromLocalFile(str(a_file)),
            QUrl("https://example.com/photos/"),
        ]
    )
    assert folders_in_mime(mime) == [str(folder)]

    panel = _panel(qtbot)
    drop = QDropEvent(
        QPoint(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(panel.folders_changed):
        panel.dropEvent(drop)
    assert drop.isAccepted()
    assert panel.folders() == [str(folder)]


def _hint_pixels(panel: FolderPanel, hint: QColor) -> int:
    image = panel.tree.viewport().grab().toImage()
    # Antialiased glyphs blend into the background: count pixels near the hint colour.
    return sum(
        abs(colour.red() - hint.red()) + abs(colour.green() - hint.green()) < 120
        and abs(colour.blue() - hint.blue()) < 60
        for colour in (
            image.pixelColor(x, y) for y in range(image.height()) for x in range(image.width())
        )
    )


def test_empty_list_shows_a_hint(qtbot: QtBot, tmp_path: Path) -> None:
    panel = _panel(qtbot)
    hint = QColor(255, 0, 255)  # a colour nothing else in the list uses
    palette = panel.tree.palette()
    palette.setColor(QPalette.ColorRole.PlaceholderText, hint)
    panel.tree.setPalette(palette)
    panel.resize(300, 250)
    panel.show()
    qtbot.waitExposed(panel)
    assert "add one or drop it here" in panel.tree.placeholder_text
    assert _hint_pixels(panel, hint) > 50  # the hint is painted while the list is empty
    (tmp_path / "a").mkdir()
    panel.add_folder(str(tmp_path / "a"))
    assert _hint_pixels(panel, hint) == 0  # and goes away with the first folder
    panel.remove_folder(str(tmp_path / "a"))
    assert _hint_pixels(panel, hint) > 50


def test_folders_with_the_same_name_are_told_apart(qtbot: QtBot, tmp_path: Path) -> None:
    panel = _panel(qtbot)
    for year in ("2019", "2020"):
        (tmp_path / year / "Photos").mkdir(parents=True)
    (tmp_path / "Scans").mkdir()
    panel.add_folders([str(tmp_path / "2019" / "Photos"), str(tmp_path / "Scans")])
    labels = [panel.tree.topLevelItem(i).text(0) for i in range(panel.tree.topLevelItemCount())]
    assert labels == ["Photos", "Scans"]
    panel.add_folder(str(tmp_path / "2020" / "Photos"))
    labels = [panel.tree.topLevelItem(i).text(0) for i in range(panel.tree.topLevelItemCount())]
    assert labels == [
        "2019/Photos".replace("/", os.sep),
        "Scans",
        "2020/Photos".replace("/", os.sep),
    ]
    panel.remove_folder(str(tmp_path / "2019" / "Photos"))
    assert panel.tree.topLevelItem(1).text(0) == "Photos"  # unique again: the short name
