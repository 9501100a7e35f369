"""Reviewing many groups through the real window (issue 13): the table view, the filter, going
to a group, collapsing, the list that stays put under the pointer, keyboard jumps that scroll,
the preview that follows the current card, undo back into the groups, and quitting safely.

Every test scans real generated folders with the real engine."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from lookalike.bench.photos import quarter_turns
from lookalike.core import words
from lookalike.core.cancel import CancelToken
from lookalike.core.events import Finished, GroupUpdated, Progress, ScanEvent, Stage
from lookalike.core.model import Group, MatchKind, Member, ScanMode, ScanOptions
from lookalike.core.scan import run_scan
from lookalike.gui.main_window import QUIT_BOX_NAME
from lookalike.gui.preview import CompareMode
from lookalike.gui.results_model import SortKey
from lookalike.gui.results_table import Column
from lookalike.gui.results_view import ResultsGrid
from lookalike.gui.scan_worker import ScanFunction
from tests import images
from tests.gui.photo_tree import make_many_groups, make_photo_tree
from tests.gui.scanned_window import TIMEOUT_MS, open_window, scan


def _card_in_view(grid: ResultsGrid) -> bool:
    group_row, member_row = grid.current_position()
    group_index = grid.model().index(group_row, 0)
    rect = (
        grid.strip_rect(group_row)
        if grid.is_collapsed(group_row)
        else grid.card_rect(group_index, member_row)
    )
    return grid.viewport().rect().contains(rect)


def _answer_box(name: str, choose: Callable[[QMessageBox], object], seen: list[str]) -> None:
    """Press a button of the message box ``name`` as soon as it is up."""

    def poll() -> None:
        box = next(
            (w for w in QApplication.topLevelWidgets() if w.objectName() == name and w.isVisible()),
            None,
        )
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, poll)
            return
        seen.append(box.informativeText())
        button = choose(box)
        assert button is not None
        button.click()

    QTimer.singleShot(0, poll)


def _button(role: QMessageBox.ButtonRole) -> Callable[[QMessageBox], object]:
    def pick(box: QMessageBox) -> object:
        return next(b for b in box.buttons() if box.buttonRole(b) is role)

    return pick


# --- 1. the table -------------------------------------------------------------------------


def test_the_table_lists_every_photo_sorts_and_shares_the_marks(
    qtbot: QtBot, tmp_path: Path, qtmodeltester
) -> None:
    tree = make_photo_tree(tmp_path / "photos", groups=3, singles=1, broken=False)
    window = open_window(qtbot, tree.root)
    scan(qtbot, window)
    view = window.results_view
    assert not view.is_table_shown()
    window.action("view_table").trigger()
    assert view.is_table_shown()
    assert window.action("view_table").isChecked()
    table, model = view.table, view.table_model
    qtmodeltester.check(model)
    headings = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headings == [
        "Group",
        "Keeper",
        "File",
        "Folder",
        "Size",
        "Dimensions",
        "Date taken",
        "Match",
        "Score",
    ]
    groups = window.results_model.groups()
    assert model.rowCount() == sum(len(g.members) for g in groups) == 9
    # The table starts on the grid's current photo.
    assert table.current_member() == view.grid.current_member()

    # A click on a heading sorts by it, another click the other way round.
    header = table.horizontalHeader()
    at = QPoint(header.sectionViewportPosition(Column.SIZE) + 8, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=at)
    sizes = [model.member_at(model.index(r, 0)).size for r in range(model.rowCount())]
    assert sizes == sorted(sizes)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=at)
    sizes = [model.member_at(model.index(r, 0)).size for r in range(model.rowCount())]
    assert sizes == sorted(sizes, reverse=True)
    qtmodeltester.check(model)

    # Space in the table marks the photo in the one model the grid shows too.
    duplicate_row = next(
        r
        for r in range(model.rowCount())
        if model.member_at(model.index(r, 0)).match is not MatchKind.KEEPER
    )
    table.setFocus()
    table.setCurrentIndex(model.index(duplicate_row, Column.FILE))
    qtbot.keyClick(table, Qt.Key.Key_Space)
    marked = model.member_at(model.index(duplicate_row, 0))
    assert window.results_model.is_checked(marked.path)
    assert window.selection_label.text().startswith("1 selected")
    assert model.index(duplicate_row, Column.FILE).data(Qt.ItemDataRole.CheckStateRole) == (
        Qt.CheckState.Checked
    )
    # The grid's Select Duplicates shows in the table.
    window.action("select_duplicates").trigger()
    qtbot.waitUntil(
        lambda: all(
            (
                model.index(r, Column.FILE).data(Qt.ItemDataRole.CheckStateRole)
                == Qt.CheckState.Checked
            )
            == (model.member_at(model.index(r, 0)).match is not MatchKind.KEEPER)
            for r in range(model.rowCount())
        )
    )

    # Duplicates only: the keepers go, the rest stay marked.
    window.action("duplicates_only").trigger()
    assert model.duplicates_only
    assert model.rowCount() == 6
    assert all(
        model.member_at(model.index(r, 0)).match is not MatchKind.KEEPER
        for r in range(model.rowCount())
    )
    qtmodeltester.check(model)

    # Back to the grid, on the table's current photo.
    table.setCurrentIndex(model.index(3, Column.FILE))
    current = table.current_member()
    window.action("view_grid").trigger()
    assert not view.is_table_shown()
    assert view.grid.current_member() == current
    assert view.preview.member == current


def test_group_642_is_a_few_keys_away(qtbot: QtBot, tmp_path: Path) -> None:
    make_many_groups(tmp_path / "many", 650)
    window = open_window(qtbot, tmp_path / "many", mode=ScanMode.EXACT)
    scan(qtbot, window)
    assert window.results_model.rowCount() == 650
    window.activateWindow()
    qtbot.waitActive(window)
    grid = window.results_view.grid
    grid.setFocus()

    presses = 0

    def press(widget, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
        nonlocal presses
        presses += 1
        qtbot.keyClick(widget, key, modifier)

    press(grid, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    spin = window.results_view.bar.group_spin
    assert spin.hasFocus()
    for digit in "642":
        press(spin, getattr(Qt.Key, f"Key_{digit}"))
    press(spin, Qt.Key.Key_Return)
    assert presses == 5
    assert grid.current_position() == (641, 0)
    assert grid.hasFocus()  # back in the results, ready for arrows and Space
    assert _card_in_view(grid)
    assert grid.viewport().rect().contains(grid.strip_rect(641).topLeft())
    assert window.results_view.preview.member == grid.current_member()

    # The same in the table.
    window.action("view_table").trigger()
    table = window.results_view.table
    press(table, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    for digit in "17":
        press(spin, getattr(Qt.Key, f"Key_{digit}"))
    press(spin, Qt.Key.Key_Return)
    row = table.currentIndex().row()
    assert window.results_view.table_model.group_number(row) == 17
    assert table.viewport().rect().intersects(table.visualRect(table.currentIndex()))


# --- 2. filter, go to, collapse -----------------------------------------------------------


def test_filter_by_name_or_folder_then_collapse_and_expand(qtbot: QtBot, tmp_path: Path) -> None:
    tree = make_photo_tree(tmp_path / "photos", groups=3, singles=1, broken=False)
    window = open_window(qtbot, tree.root)
    scan(qtbot, window)
    view, grid = window.results_view, window.results_view.grid
    target = tree.originals[1].name  # img_0001.jpg

    window.action("filter").trigger()
    assert view.bar.filter_edit.hasFocus()
    qtbot.keyClicks(view.bar.filter_edit, "IMG_0001")  # case does not matter
    qtbot.keyClick(view.bar.filter_edit, Qt.Key.Key_Return)
    assert grid.visible_rows() == 1
    assert view.bar.count_label.text() == "1 of 3 groups"
    shown_row = next(r for r in range(3) if not grid.is_row_hidden(r))
    shown = window.results_model.groups()[shown_row]
    assert any(os.path.basename(m.path) == target for m in shown.members)
    # The current card is one that is shown, and the preview shows it.
    assert grid.current_position()[0] == shown_row
    assert view.preview.member in shown.members
    # The table shows the same group.
    window.action("view_table").trigger()
    assert view.table_model.rowCount() == len(shown.members)
    window.action("view_grid").trigger()

    # A folder name filters too; Escape clears.
    view.set_filter_text("copies")
    assert grid.visible_rows() == 3
    view.set_filter_text("no such name")
    assert grid.visible_rows() == 0
    assert grid.current_member() is None
    assert view.preview.member is None
    qtbot.keyClick(view.bar.filter_edit, Qt.Key.Key_Escape)
    assert grid.visible_rows() == 3
    assert view.bar.count_label.text() == ""

    # Going to a group the filter hides clears the filter.
    view.set_filter_text(target)
    hidden = next(r for r in range(3) if grid.is_row_hidden(r))
    assert view.go_to_group(hidden + 1)
    assert view.filter_text() == ""
    assert grid.current_position()[0] == hidden

    # Minus collapses the current group to its header, Plus opens it again.
    layout = grid.strip_layout()
    width = grid.viewport().width()
    grid.setFocus()
    view.set_current(1, 1)
    full = grid.strip_rect(1).height()
    qtbot.keyClick(grid, Qt.Key.Key_Minus)
    assert grid.is_collapsed(1)
    assert grid.strip_rect(1).height() == layout.size(3, width, collapsed=True).height() < full
    assert grid.current_position() == (1, 0)
    qtbot.keyClick(grid, Qt.Key.Key_Down)  # a collapsed group is one stop
    assert grid.current_position()[0] == 2
    qtbot.keyClick(grid, Qt.Key.Key_Up)
    assert grid.current_position() == (1, 0)
    qtbot.keyClick(grid, Qt.Key.Key_Plus)
    assert grid.strip_rect(1).height() == full
    # The arrow on the header toggles it with the mouse.
    toggle = layout.toggle_rect(grid.strip_rect(1))
    qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=toggle.center())
    assert grid.is_collapsed(1)
    qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=toggle.center())
    assert not grid.is_collapsed(1)

    window.action("collapse_all").trigger()
    assert all(grid.is_collapsed(r) for r in range(3))
    assert grid.content_height() == 3 * layout.size(3, width, collapsed=True).height()
    window.action("expand_all").trigger()
    assert not any(grid.is_collapsed(r) for r in range(3))


# --- 10. the list stays put ---------------------------------------------------------------


class _GatedScan:
    """The real engine's scan, held open before its end: the groups found so far are on
    screen and the scan is still running; then ``extra`` events (what a longer scan would
    send) and the end, each after its gate opens."""

    def __init__(self) -> None:
        self.extra: list[ScanEvent] = []
        self.show_extra = threading.Event()
        self.finish = threading.Event()

    def __call__(self, options: ScanOptions, cancel: CancelToken) -> Iterator[ScanEvent]:
        finished = None
        for event in run_scan(options, cancel):
            if isinstance(event, Finished):
                finished = event
                break
            yield event
        yield from self._hold(self.show_extra, cancel)
        yield from self.extra
        yield from self._hold(self.finish, cancel)
        if finished is not None:
            yield finished

    @staticmethod
    def _hold(gate: threading.Event, cancel: CancelToken) -> Iterator[ScanEvent]:
        # Events keep coming while held, so the worker sends what it has batched.
        while not gate.wait(0.05) and not cancel.cancelled:
            yield Progress(Stage.FINGERPRINT, 1, 1)


def test_the_group_under_the_pointer_stays_put_while_a_group_above_grows(
    qtbot: QtBot, tmp_path: Path
) -> None:
    make_many_groups(tmp_path / "many", 24)
    gated = _GatedScan()
    gated_scan: ScanFunction = gated
    window = open_window(qtbot, tmp_path / "many", mode=ScanMode.EXACT, scan=gated_scan)
    grid = window.results_view.grid
    model = window.results_model
    layout = grid.strip_layout()
    try:
        qtbot.mouseClick(window.scan_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: model.rowCount() == 24, timeout=TIMEOUT_MS)
        assert window.session.is_scanning()
        # Two cards a line: a third member takes a new line (about 270 px).
        window.results_view.splitter.setSizes([480, 700])
        qtbot.waitUntil(lambda: layout.per_line(grid.viewport().width()) == 2)
        # The user scrolled down and points at a card of group 12.
        grid.scrollTo(model.index(12, 0), grid.ScrollHint.PositionAtCenter)
        strip = grid.strip_rect(12)
        pointer = grid.strip_layout().card_rect(strip, 1).center()
        qtbot.mouseMove(grid.viewport(), pointer)
        pointed = model.group_at(grid.indexAt(pointer))
        assert pointed is not None
        top_before = grid.strip_rect(12).top()
        scroll_before = grid.verticalScrollBar().value()
        assert grid.strip_rect(0).bottom() < 0  # group 0 is above, out of sight

        # The scan finds another copy of group 0's picture: that group grows by a line.
        first = model.groups()[0]
        extra = tmp_path / "many" / "late" / os.path.basename(first.keeper.path)
        extra.parent.mkdir()
        extra.write_bytes(Path(first.keeper.path).read_bytes())
        stat = extra.stat()
        late = Member(
            str(extra),
            stat.st_size,
            stat.st_mtime_ns,
            first.keeper.width,
            first.keeper.height,
            MatchKind.IDENTICAL,
            1.0,
        )
        grown = Group(first.id, (*first.members, late))
        height_before = grid.strip_rect(0).height()
        gated.extra.append(GroupUpdated(grown))
        gated.show_extra.set()
        qtbot.waitUntil(lambda: len(model.groups()[0].members) == 3, timeout=TIMEOUT_MS)
        assert window.session.is_scanning()
        assert grid.strip_rect(0).height() > height_before + layout.card_h
        # Everything below moved down in the content, but not on screen.
        assert grid.verticalScrollBar().value() > scroll_before
        assert grid.strip_rect(12).top() == top_before
        assert model.group_at(grid.indexAt(pointer)) == pointed
    finally:
        gated.show_extra.set()
        gated.finish.set()
    qtbot.waitUntil(lambda: not window.session.is_scanning(), timeout=TIMEOUT_MS)


# --- 11 and 12. keyboard jumps scroll; the preview follows --------------------------------


def test_keyboard_jumps_always_show_the_current_card(qtbot: QtBot, tmp_path: Path) -> None:
    make_many_groups(tmp_path / "many", 650)
    window = open_window(qtbot, tmp_path / "many", mode=ScanMode.EXACT)
    scan(qtbot, window)
    grid = window.results_view.grid
    preview = window.results_view.preview
    grid.setFocus()
    qtbot.keyClick(grid, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert grid.current_position()[0] == 649
    assert _card_in_view(grid)
    assert preview.member == grid.current_member()
    qtbot.keyClick(grid, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    assert grid.current_position() == (0, 0)
    assert _card_in_view(grid)
    # A long run of Down: every step keeps the current card in sight, well past 500 groups.
    for step in range(1, 600):
        qtbot.keyClick(grid, Qt.Key.Key_Down)
        assert grid.current_position()[0] == step
        assert _card_in_view(grid), step
    assert preview.member == grid.current_member()
    qtbot.keyClick(grid, Qt.Key.Key_PageUp)
    assert _card_in_view(grid)
    assert grid.current_position()[0] < 599


def test_the_preview_never_shows_a_removed_file_or_a_card_out_of_sight(
    qtbot: QtBot, tmp_path: Path
) -> None:
    tree = make_photo_tree(tmp_path / "photos", groups=6, singles=0, broken=False)
    window = open_window(qtbot, tree.root, confirm=lambda parent, plan, choice: True)
    scan(qtbot, window)
    view, grid, preview = window.results_view, window.results_view.grid, window.results_view.preview
    # After the scan: the first card is current, in sight and previewed.
    assert grid.current_position() == (0, 0)
    assert _card_in_view(grid)
    assert preview.member == grid.current_member()

    # Compare a copy with another copy of its group, then move both to the Trash.
    view.set_current(4, 1)
    current = grid.current_member()
    group = window.results_model.groups()[4]
    other = next(m for m in group.duplicates if m != current)
    view.compare(other)
    assert preview.compared_member == other
    window.results_model.set_checked(current.path, True)
    window.results_model.set_checked(other.path, True)
    with qtbot.waitSignal(window.cleanup_finished, timeout=TIMEOUT_MS):
        window.action("trash").trigger()
    assert not os.path.exists(current.path)
    for shown in (preview.member, preview.compared_member):
        assert shown is not None
        assert shown.path not in (current.path, other.path)
        assert os.path.exists(shown.path)
    assert preview.member == grid.current_member()
    assert _card_in_view(grid)

    # After a sort the same photo stays current, in sight and previewed.
    view.set_current(5, 2)
    current = grid.current_member()
    window.sort_actions[SortKey.FOLDER].trigger()
    assert grid.current_member() == current
    assert _card_in_view(grid)
    assert preview.member == current


# --- 4. compare: swap, blink, difference --------------------------------------------------


def test_compare_swaps_blinks_and_shows_the_difference(qtbot: QtBot, tmp_path: Path) -> None:
    picture = images.photo(2024, 480, 360)
    root = tmp_path / "photos"
    images.save(root / "camera" / "IMG_1.jpg", picture, quality=92)
    mirrored = images.save(root / "backup" / "IMG_1-mirror.jpg", images.mirror(picture))
    turned = images.save(
        root / "shared" / "IMG_1-turned.jpg", images.resize(quarter_turns(picture, 1), 0.5)
    )
    window = open_window(qtbot, root)
    scan(qtbot, window)
    view, preview = window.results_view, window.results_view.preview
    (group,) = window.results_model.groups()
    paths = [m.path for m in group.members]
    row = paths.index(str(mirrored))
    view.set_current(0, row)
    copy = group.members[row]
    assert copy.transform.mirrored  # as the matcher found it
    preview.compare_button.click()
    assert preview.compared_member == group.keeper
    assert preview.sides[0].member == copy
    assert preview.swap_button.isVisible()

    preview.swap_button.click()
    assert preview.is_swapped()
    assert preview.sides[0].member == group.keeper
    assert preview.sides[1].member == copy
    assert preview.member == copy  # still the current photo (Open, Show in folder)
    preview.swap_button.click()
    assert preview.sides[0].member == copy

    with qtbot.waitSignal(preview.pair_aligned, timeout=TIMEOUT_MS):
        preview.mode_buttons[CompareMode.DIFFERENCE].click()
    aligned = preview.aligned
    assert aligned is not None
    assert preview.overlay.isVisible()
    assert not preview.sides[0].canvas.isVisible()
    # The mirrored copy laid on its keeper, the mirror undone: little difference is left.
    assert aligned.first.size() == aligned.second.size() == aligned.difference.size()
    assert aligned.mean_difference < 0.04
    assert aligned.covered > 0.95
    assert "mirrored" in aligned.how
    assert not preview.overlay.image.isNull()
    assert "on average" in preview.overlay_caption.text()

    # The next photo: turned and at half size, laid on the keeper too.
    with qtbot.waitSignal(preview.pair_aligned, timeout=TIMEOUT_MS):
        view.set_current(0, paths.index(str(turned)))
    assert preview.aligned is not None
    assert preview.aligned.mean_difference < 0.04
    assert "turned 90°" in preview.aligned.how

    preview.mode_buttons[CompareMode.BLINK].click()
    captions: set[str] = set()

    def both_shown() -> bool:
        captions.add(preview.overlay_caption.text()[:6])
        return {"1 of 2", "2 of 2"} <= captions

    qtbot.waitUntil(both_shown, timeout=10_000)

    preview.mode_buttons[CompareMode.SIDE_BY_SIDE].click()
    assert preview.sides[0].canvas.isVisible()
    assert preview.sides[1].canvas.isVisible()
    assert not preview.overlay.isVisible()


# --- 6. undo --------------------------------------------------------------------------------


def test_a_one_file_undo_puts_the_file_back_in_its_group(qtbot: QtBot, tmp_path: Path) -> None:
    tree = make_photo_tree(tmp_path / "photos", groups=2, singles=0, broken=False)
    window = open_window(qtbot, tree.root, confirm=lambda parent, plan, choice: True)
    scan(qtbot, window)
    model = window.results_model
    before = {g.id: g for g in model.groups()}
    copy = str(tree.copies[0])
    assert model.set_checked(copy, True)
    with qtbot.waitSignal(window.cleanup_finished, timeout=TIMEOUT_MS):
        window.action("trash").trigger()
    assert not os.path.exists(copy)
    assert all(copy not in (m.path for m in g.members) for g in model.groups())

    with qtbot.waitSignal(window.cleanup_finished, timeout=TIMEOUT_MS):
        window.action("undo_cleanup").trigger()
    assert os.path.exists(copy)
    after = {g.id: g for g in model.groups()}
    assert after == before  # every group as the scan found it, the file in its place
    assert not model.is_checked(copy)
    assert "1 back in its group" in window.statusBar().currentMessage()
    assert window.stack.currentWidget() is window.results_view


# --- 7. quitting --------------------------------------------------------------------------


def test_quitting_with_marked_files_asks_first(qtbot: QtBot, tmp_path: Path) -> None:
    tree = make_photo_tree(tmp_path / "photos", groups=2, singles=0, broken=False)
    window = open_window(qtbot, tree.root)
    scan(qtbot, window)
    window.action("select_duplicates").trigger()
    seen: list[str] = []
    _answer_box(QUIT_BOX_NAME, _button(QMessageBox.ButtonRole.RejectRole), seen)
    window.action("quit").trigger()
    assert seen == [words.quit_details(4, 2)]
    assert window.isVisible()  # Cancel: nothing lost
    # The box answered is deleted, not kept by the window for as long as it lives.
    qtbot.waitUntil(lambda: not window.findChildren(QMessageBox, QUIT_BOX_NAME))

    _answer_box(QUIT_BOX_NAME, _button(QMessageBox.ButtonRole.DestructiveRole), seen)
    window.action("quit").trigger()
    assert len(seen) == 2
    assert not window.isVisible()


def test_quitting_with_unsaved_results_can_save_them_first(qtbot: QtBot, tmp_path: Path) -> None:
    tree = make_photo_tree(tmp_path / "photos", groups=2, singles=0, broken=False)
    window = open_window(qtbot, tree.root)
    scan(qtbot, window)
    saved = tmp_path / "review.json"
    seen: list[str] = []

    def fill_in_the_file_dialog() -> None:
        dialog = next(
            (
                w
                for w in QApplication.topLevelWidgets()
                if isinstance(w, QFileDialog) and w.isVisible()
            ),
            None,
        )
        if dialog is None:
            QTimer.singleShot(20, fill_in_the_file_dialog)
            return
        # Typed into the name box: selectFile() leaves the box alone while it has the focus,
        # which it has once earlier tests made the offscreen window active.
        name_box = dialog.findChild(QLineEdit, "fileNameEdit")
        assert isinstance(name_box, QLineEdit)
        name_box.setText(str(saved))
        dialog.accept()

    _answer_box(QUIT_BOX_NAME, _button(QMessageBox.ButtonRole.AcceptRole), seen)
    QTimer.singleShot(0, fill_in_the_file_dialog)
    with qtbot.waitSignal(window.results_saved, timeout=TIMEOUT_MS) as written:
        window.action("quit").trigger()
    assert seen == [words.quit_details(0, 2)]
    assert written.args == [str(saved)]
    assert saved.is_file()
    qtbot.waitUntil(lambda: not window.isVisible())

    # Saved, nothing marked since: a second window quits without a question.
    again = open_window(qtbot, tree.root)
    again.open_results(str(saved))
    qtbot.waitUntil(lambda: again.results_model.rowCount() == 2, timeout=TIMEOUT_MS)
    again.action("quit").trigger()
    assert not again.isVisible()
