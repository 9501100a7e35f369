"""Keepers through the real window: the rank's reason shown, "Make This the Keeper" on any
member (badges, marks and reclaimable sizes follow at once, saved results remember it), the
Selection Rules dialog applied to every group and saved, and Select in Folder's tree saying what
it could not mark and why."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent, QImage, QPainter
from PySide6.QtWidgets import QApplication, QMessageBox, QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from lookalike.core import words
from lookalike.core.model import Criterion, Group, KeeperReason, Rule, ScanSummary
from lookalike.gui.folder_dialog import FolderTreeDialog
from lookalike.gui.main_window import FOLDER_MARKS_BOX_NAME, MainWindow
from lookalike.gui.results_model import GroupRole
from lookalike.gui.results_view import MemberMenu
from lookalike.gui.rules_dialog import RulesDialog
from lookalike.gui.settings import Settings
from tests import images
from tests.gui.test_thumb_delegate import KEEPER_GREEN, WIDTH, colours_in, near

TIMEOUT_MS = 120_000


def _photos(root: Path, count: int = 2) -> list[dict[str, Path]]:
    """``count`` pictures, each as a camera JPEG, its PNG conversion and a half-size copy."""
    made = []
    for i in range(count):
        img = images.photo(300 + i, 480, 360)
        made.append(
            {
                "camera": images.save(root / "DCIM" / f"IMG_{i:04d}.JPG", img, quality=90),
                "png": images.save(root / "Converted" / f"img_{i:04d}.png", img, camera=None),
                "half": images.save(
                    root / "Small" / f"IMG_{i:04d}.jpg", images.resize(img, 0.5), camera=None
                ),
            }
        )
    return made


def _window(qtbot: QtBot) -> MainWindow:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _scan(qtbot: QtBot, window: MainWindow, folder: Path) -> ScanSummary:
    window.add_folder(str(folder))
    with qtbot.waitSignal(window.scan_finished, timeout=TIMEOUT_MS) as finished:
        qtbot.mouseClick(window.scan_button, Qt.MouseButton.LeftButton)
    summary = finished.args[0]
    assert isinstance(summary, ScanSummary)
    return summary


def _group_of(window: MainWindow, path: Path) -> Group:
    group = window.results_model.group_of_path(str(path))
    assert group is not None, path
    return group


def _focus(window: MainWindow, path: Path) -> None:
    for row, group in enumerate(window.results_model.groups()):
        for member_row, m in enumerate(group.members):
            if m.path == str(path):
                window.results_view.grid.set_current(row, member_row)
                return
    raise AssertionError(f"{path} is not shown")


def _badge_on_first_card_only(window: MainWindow, path: Path) -> bool:
    """Whether the grid paints the Keeper badge on the card of ``path`` and on no other card of
    its group (painted by the real delegate into an image)."""
    grid = window.results_view.grid
    delegate = grid.itemDelegate()
    model = window.results_model
    row = next(
        r for r, g in enumerate(model.groups()) if any(m.path == str(path) for m in g.members)
    )
    index = model.index(row, 0)
    group = index.data(GroupRole)
    option = QStyleOptionViewItem()
    grid.initViewItemOption(option)
    option.widget = grid
    layout = delegate.layout_for(option.font)
    option.rect = QRect(0, 0, WIDTH, layout.size(model.rowCount(index), WIDTH).height())
    image = QImage(option.rect.size(), QImage.Format.Format_ARGB32)
    image.fill(option.palette.base().color())
    painter = QPainter(image)
    delegate.paint(painter, option, index)
    painter.end()
    badges = []
    for card, member in enumerate(group.members):
        thumb = layout.thumb_rect(layout.card_rect(QRect(0, 0, WIDTH, 10), card))
        area = QRect(thumb.left() + 4, thumb.top() + 4, 60, 18)
        if any(near(c, KEEPER_GREEN) for c in colours_in(image, area)):
            badges.append(member.path)
    return badges == [str(path)]


def _choose_from_menu(qtbot: QtBot, window: MainWindow, path: Path) -> bool:
    """Right-click the card of ``path`` and choose "Make This the Keeper" if it is enabled
    (else close the menu); whether it was."""
    grid = window.results_view.grid
    model = window.results_model
    row, member_row = next(
        (r, m)
        for r, g in enumerate(model.groups())
        for m, member in enumerate(g.members)
        if member.path == str(path)
    )
    rect = grid.visualRect(model.member_index(row, member_row))
    chosen: list[bool] = []

    def choose() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, MemberMenu):
            QTimer.singleShot(20, choose)
            return
        chosen.append(menu.make_keeper.isEnabled())
        if menu.make_keeper.isEnabled():
            menu.make_keeper.trigger()
        menu.close()

    QTimer.singleShot(0, choose)
    where = rect.center()
    event = QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, where, grid.viewport().mapToGlobal(where)
    )
    QApplication.sendEvent(grid.viewport(), event)
    qtbot.waitUntil(lambda: bool(chosen), timeout=5000)
    return chosen[0]


def test_the_camera_original_is_kept_and_says_why(qtbot: QtBot, tmp_path: Path) -> None:
    made = _photos(tmp_path / "photos")
    window = _window(qtbot)
    _scan(qtbot, window, tmp_path / "photos")
    for picture in made:
        group = _group_of(window, picture["camera"])
        assert group.keeper.path == str(picture["camera"])
        assert group.why == (KeeperReason.FULL_SIZE, KeeperReason.CAMERA_ORIGINAL)
    _focus(window, made[0]["camera"])
    details = window.results_view.preview.sides[0].info.text()
    assert "Kept: full size, camera original" in details


# A context menu is a popup: the offscreen platform cannot raise it or give it the keyboard.
@pytest.mark.qt_log_ignore(
    "This plugin does not support raise", "This plugin does not support grabbing the keyboard"
)
def test_make_this_the_keeper_moves_badge_marks_and_reclaimable_size(
    qtbot: QtBot, tmp_path: Path
) -> None:
    made = _photos(tmp_path / "photos")
    window = _window(qtbot)
    _scan(qtbot, window, tmp_path / "photos")
    model = window.results_model
    window.action("select_duplicates").trigger()
    before = _group_of(window, made[0]["png"])
    camera, png, half = (str(made[0][k]) for k in ("camera", "png", "half"))
    assert model.is_checked(png)
    assert not model.is_checked(camera)
    total = sum(m.size for m in before.members)

    # The photo's own menu (right-click on its card) offers it.
    offered = _choose_from_menu(qtbot, window, made[0]["png"])
    assert offered

    after = _group_of(window, made[0]["png"])
    assert after.keeper.path == png
    assert after.why == (KeeperReason.CHOSEN,)
    assert after.reclaimable_bytes == total - Path(png).stat().st_size
    # The marks follow: the new keeper is unmarked, the old one marked in its place.
    assert not model.is_checked(png)
    assert model.is_checked(camera)
    assert model.is_checked(half)
    assert _badge_on_first_card_only(window, made[0]["png"])
    header = model.index(model.groups().index(after), 0).data(Qt.ItemDataRole.DisplayRole)
    assert words.reclaimable(after.reclaimable_bytes) in header
    assert window.statusBar().currentMessage() == words.made_keeper("img_0000.png")
    # The half-size copy was verified against the camera JPEG, and says so.
    _focus(window, made[0]["half"])
    assert (
        "Proof: verified against IMG_0000.JPG" in window.results_view.preview.sides[0].info.text()
    )
    # The other group is untouched.
    assert _group_of(window, made[1]["camera"]).keeper.path == str(made[1]["camera"])

    # Saved results remember it.
    saved = str(tmp_path / "review.json")
    with qtbot.waitSignal(window.results_saved, timeout=TIMEOUT_MS):
        window.save_results(saved)
    again = _window(qtbot)
    with qtbot.waitSignal(again.results_loaded, timeout=TIMEOUT_MS):
        again.open_results(saved)
    reopened = _group_of(again, made[0]["png"])
    assert reopened.keeper.path == png
    assert reopened.why == (KeeperReason.CHOSEN,)
    assert again.results_model.is_checked(camera)
    assert _badge_on_first_card_only(again, made[0]["png"])

    # The keeper's own menu has nothing to offer; Ctrl+K on another photo moves it back.
    assert not _choose_from_menu(qtbot, again, made[0]["png"])
    _focus(again, made[0]["camera"])
    again.action("make_keeper").trigger()
    assert _group_of(again, made[0]["camera"]).keeper.path == camera
    assert all(not m.proven_with for m in _group_of(again, made[0]["camera"]).members)


def test_the_rules_dialog_chooses_every_keeper_and_is_saved(qtbot: QtBot, tmp_path: Path) -> None:
    made = _photos(tmp_path / "photos", count=3)
    window = _window(qtbot)
    _scan(qtbot, window, tmp_path / "photos")
    window.action("select_duplicates").trigger()

    window.action("selection_rules").trigger()
    dialog = window.findChild(RulesDialog)
    assert dialog is not None
    assert dialog.isVisible()
    assert dialog.rules() == ()
    # Keep the files in the folder of small copies, then the largest file.
    dialog.choose(Criterion.FOLDER, value=str(tmp_path / "photos" / "Small"))
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    dialog.choose(Criterion.FILE_SIZE)
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    # A rule without its value says why it cannot be added.
    dialog.choose(Criterion.NAME)
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert "needs a value" in dialog.error_label.text()
    # Reorder: size first.
    dialog.chosen.setCurrentRow(1)
    qtbot.mouseClick(dialog.up_button, Qt.MouseButton.LeftButton)
    assert [r.criterion for r in dialog.rules()] == [Criterion.FILE_SIZE, Criterion.FOLDER]
    assert dialog.summary.text() == (f"Keep: largest file, then in {tmp_path / 'photos' / 'Small'}")
    dialog.ok_button.click()  # closing deletes the dialog: no mouse event may follow

    model = window.results_model
    for picture in made:
        group = _group_of(window, picture["png"])
        assert group.keeper.path == str(picture["png"])  # the largest file
        assert group.why[0] == Rule(Criterion.FILE_SIZE)
        assert words.keeper_reason(group) == "keeper by your rules: largest file"
        assert not model.is_checked(str(picture["png"]))
        assert model.is_checked(str(picture["camera"]))
        assert _badge_on_first_card_only(window, picture["png"])
    assert words.keepers_changed(3) in window.statusBar().currentMessage()
    saved = Settings().keeper_rules
    assert [r.criterion for r in saved] == [Criterion.FILE_SIZE, Criterion.FOLDER]

    # The next window starts with them, and a new scan keeps by them.
    window.close()
    again = _window(qtbot)
    _scan(qtbot, again, tmp_path / "photos")
    assert _group_of(again, made[0]["png"]).keeper.path == str(made[0]["png"])

    # Back to Lookalike's own rank: the camera originals again.
    again.action("selection_rules").trigger()
    dialog = again.findChild(RulesDialog)
    assert dialog is not None
    assert [r.criterion for r in dialog.rules()] == [Criterion.FILE_SIZE, Criterion.FOLDER]
    qtbot.mouseClick(dialog.reset_button, Qt.MouseButton.LeftButton)
    assert dialog.summary.text() == "Keep: Lookalike's own rank: the camera original"
    dialog.ok_button.click()  # closing deletes the dialog: no mouse event may follow
    for picture in made:
        assert _group_of(again, picture["png"]).keeper.path == str(picture["camera"])
    assert Settings().keeper_rules == ()


def test_select_in_folder_offers_a_tree_and_says_what_it_cannot_mark(
    qtbot: QtBot, tmp_path: Path
) -> None:
    made = _photos(tmp_path / "photos", count=3)
    window = _window(qtbot)
    _scan(qtbot, window, tmp_path / "photos")
    # One PNG conversion is made the keeper: that folder then holds a keeper.
    window.session.make_keeper(str(made[0]["png"]))

    window.action("select_in_folder").trigger()
    dialog = window.findChild(FolderTreeDialog)
    assert dialog is not None
    assert dialog.isVisible()
    root = dialog.tree.topLevelItem(0)
    assert root.text(0) == str(tmp_path / "photos")
    assert root.text(1) == "9 photos, 6 can be marked"
    converted = dialog.item_of(str(tmp_path / "photos" / "Converted"))
    dcim = dialog.item_of(str(tmp_path / "photos" / "DCIM"))
    assert converted is not None
    assert dcim is not None
    assert converted.text(1) == "3 photos, 2 can be marked"
    assert dcim.text(1) == "3 photos, 1 can be marked"
    dialog.tree.setCurrentItem(dcim)
    dialog.ok_button.click()  # closing deletes the dialog: no mouse event may follow

    model = window.results_model
    assert model.checked_paths() == [str(made[0]["camera"])]
    box = window.findChild(QMessageBox, FOLDER_MARKS_BOX_NAME)
    assert box is not None
    assert box.isVisible()
    assert box.text() == "Marked 1 of 3 photos in DCIM."
    assert "2 are the keepers of their groups" in box.informativeText()
    box.accept()

    # A folder with nothing held back marks all and asks nothing.
    marks = window.select_in_folder(str(tmp_path / "photos" / "Small"))
    assert (marks.marked, marks.photos, marks.keepers) == (3, 3, 0)
    assert window.statusBar().currentMessage() == "Marked 3 of 3 photos in Small"
    assert all(model.is_checked(str(p["half"])) for p in made)


def test_select_in_folder_names_reference_folders(qtbot: QtBot, tmp_path: Path) -> None:
    _photos(tmp_path / "photos", count=1)
    _photos(tmp_path / "archive", count=1)  # the same pictures, kept in a reference folder
    window = _window(qtbot)
    window.folder_panel.set_folders(
        [str(tmp_path / "photos"), str(tmp_path / "archive")], [str(tmp_path / "archive")]
    )
    with qtbot.waitSignal(window.scan_finished, timeout=TIMEOUT_MS):
        qtbot.mouseClick(window.scan_button, Qt.MouseButton.LeftButton)
    marks = window.select_in_folder(str(tmp_path / "archive"))
    assert (marks.reference, marks.marked) == (3, 0)
    box = window.findChild(QMessageBox, FOLDER_MARKS_BOX_NAME)
    assert box is not None
    assert "3 are in a reference folder, whose files are never marked" in box.informativeText()


def test_a_keeper_made_by_hand_survives_a_regroup(qtbot: QtBot, tmp_path: Path) -> None:
    made = _photos(tmp_path / "photos", count=1)
    window = _window(qtbot)
    _scan(qtbot, window, tmp_path / "photos")
    assert window.session.make_keeper(str(made[0]["half"]))
    with qtbot.waitSignal(window.scan_finished, timeout=TIMEOUT_MS):
        assert window.session.regroup()
    assert _group_of(window, made[0]["half"]).keeper.path == str(made[0]["half"])
