"""ResultsView: keyboard and mouse through the grid, Space toggles, Enter activates, the
selection commands, and the preview/compare pane following the current member."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices

from lookalike.core.model import Group
from lookalike.gui.results_view import ResultsView
from tests.gui.model_rows import row_of_group
from tests.gui.sample_groups import photo_group


@pytest.fixture
def groups(tmp_path: Path) -> list[Group]:
    return [
        photo_group(tmp_path, 1, seed=31, copies=2),  # 3 members
        photo_group(tmp_path, 2, seed=32, copies=1, reference=True),  # 2 members
        photo_group(tmp_path, 3, seed=33, copies=3),  # 4 members
    ]


@pytest.fixture
def view(qtbot, groups: list[Group]) -> Iterator[ResultsView]:
    view = ResultsView()
    qtbot.addWidget(view)
    view.resize(1300, 800)
    view.model.add_groups(groups)
    view.show()
    qtbot.waitExposed(view)
    yield view
    view.shutdown()


def key(qtbot, view: ResultsView, k: Qt.Key) -> None:
    qtbot.keyClick(view.grid, k)


def test_first_member_becomes_current(view: ResultsView, groups: list[Group]) -> None:
    assert view.current_member() == groups[0].keeper
    assert view.grid.current_position() == (0, 0)


def test_arrows_move_through_cards_and_groups(qtbot, view: ResultsView, groups) -> None:
    key(qtbot, view, Qt.Key.Key_Right)
    assert view.current_member() == groups[0].members[1]
    key(qtbot, view, Qt.Key.Key_Right)
    key(qtbot, view, Qt.Key.Key_Right)  # past the end: first member of the next group
    assert view.current_member() == groups[1].keeper
    key(qtbot, view, Qt.Key.Key_Left)  # back: last member of the previous group
    assert view.current_member() == groups[0].members[2]
    key(qtbot, view, Qt.Key.Key_Down)  # same column in the next group, clamped
    assert view.current_member() == groups[1].members[1]
    key(qtbot, view, Qt.Key.Key_Down)
    assert view.current_member() == groups[2].members[1]
    key(qtbot, view, Qt.Key.Key_Up)
    assert view.current_member() == groups[1].members[1]
    key(qtbot, view, Qt.Key.Key_End)
    key(qtbot, view, Qt.Key.Key_Down)
    key(qtbot, view, Qt.Key.Key_End)
    assert view.current_member() == groups[2].members[3]
    key(qtbot, view, Qt.Key.Key_Right)  # nothing after the very last member
    assert view.current_member() == groups[2].members[3]
    key(qtbot, view, Qt.Key.Key_Home)
    assert view.current_member() == groups[2].keeper


def test_up_and_down_inside_a_wrapped_group(qtbot, view: ResultsView, groups) -> None:
    view.resize(560, 800)  # a narrow grid: the 4-member group wraps onto two lines
    qtbot.waitUntil(lambda: view.grid.viewport().width() < 500)
    view.preview.hide()
    per_line = view.grid._delegate.layout_for(view.grid.font()).per_line(
        view.grid.viewport().width()
    )
    assert per_line < 4
    view.set_current(2, 0)
    key(qtbot, view, Qt.Key.Key_Down)
    assert view.grid.current_position() == (2, per_line)
    key(qtbot, view, Qt.Key.Key_Up)
    assert view.grid.current_position() == (2, 0)


def test_space_toggles_the_current_member(qtbot, view: ResultsView, groups) -> None:
    key(qtbot, view, Qt.Key.Key_Right)
    with qtbot.waitSignal(view.model.selection_changed) as blocker:
        key(qtbot, view, Qt.Key.Key_Space)
    assert blocker.args == [1, groups[0].members[1].size]
    assert view.model.checked_paths() == [groups[0].members[1].path]
    key(qtbot, view, Qt.Key.Key_Space)
    assert view.model.checked_paths() == []


def test_space_never_checks_a_reference_file(qtbot, view: ResultsView, groups) -> None:
    view.set_current(1, 0)
    assert view.current_member().is_reference
    key(qtbot, view, Qt.Key.Key_Space)
    assert view.model.checked_paths() == []


def test_space_never_checks_a_whole_group(qtbot, view: ResultsView, groups) -> None:
    for member_row in range(3):
        view.set_current(0, member_row)
        key(qtbot, view, Qt.Key.Key_Space)
    assert len(view.model.checked_paths()) == 2
    assert not view.model.is_checked(groups[0].members[2].path)


def test_enter_activates_and_opens_the_preview(qtbot, view: ResultsView, groups) -> None:
    view.splitter.setSizes([1300, 0])  # preview collapsed
    key(qtbot, view, Qt.Key.Key_Right)
    with qtbot.waitSignal(view.member_activated) as blocker:
        key(qtbot, view, Qt.Key.Key_Return)
    assert blocker.args == [groups[0].members[1]]
    assert view.splitter.sizes()[1] > 0


def test_clicks_pick_a_card_and_toggle_its_checkbox(qtbot, view: ResultsView, groups) -> None:
    grid = view.grid
    group_index = view.model.index(2, 0)
    grid.scrollTo(group_index)
    card = grid.card_rect(group_index, 3)
    qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=card.center())
    assert view.current_member() == groups[2].members[3]
    assert view.model.checked_paths() == []
    layout = grid._delegate.layout_for(grid.font())
    qtbot.mouseClick(
        grid.viewport(), Qt.MouseButton.LeftButton, pos=layout.checkbox_rect(card).center()
    )
    assert view.model.checked_paths() == [groups[2].members[3].path]
    with qtbot.waitSignal(view.member_activated) as blocker:
        qtbot.mouseDClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=card.center())
    assert blocker.args == [groups[2].members[3]]


def test_selection_commands_keep_the_view_consistent(qtbot, view: ResultsView, groups) -> None:
    view.set_current(2, 3)
    view.model.select_duplicates()
    assert len(view.model.checked_paths()) == 2 + 1 + 3
    view.model.invert_selection()
    # Now only the keepers are marked, except the one in a reference folder.
    assert view.model.checked_paths() == [groups[0].keeper.path, groups[2].keeper.path]
    view.model.clear_selection()
    assert view.model.checked_paths() == []
    view.model.select_duplicates()
    # Trashing members removes them; the current member moves to what is still there.
    view.model.remove_paths(view.model.checked_paths())
    assert view.model.rowCount() == 0
    assert view.current_member() is None
    view.model.add_groups(groups)
    assert view.current_member() == groups[0].keeper


def test_current_member_survives_sorting(qtbot, view: ResultsView, groups) -> None:
    from lookalike.gui.results_model import SortKey

    view.set_current(2, 1)
    view.model.sort_groups(SortKey.FOLDER)
    assert view.current_member() == groups[2].members[1]
    assert view.grid.current_position()[0] == row_of_group(view.model, 3)


def test_preview_follows_the_current_member(qtbot, view: ResultsView, groups) -> None:
    preview = view.preview
    qtbot.waitUntil(lambda: not preview.sides[0].canvas.image.isNull(), timeout=10_000)
    assert preview.member == groups[0].keeper
    # Alone, the picture gets the pane's whole width (no empty compare column).
    assert preview.sides[0].canvas.width() > preview.width() * 0.8
    assert "Testcam Model 1" in preview.sides[0].info.text()
    assert "320 × 240" in preview.sides[0].info.text()
    key(qtbot, view, Qt.Key.Key_Right)
    assert preview.member == groups[0].members[1]
    qtbot.waitUntil(lambda: not preview.busy, timeout=10_000)
    assert "copy0.jpg" in preview.sides[0].info.text()


def test_compare_shows_the_keeper_beside_the_current(qtbot, view: ResultsView, groups) -> None:
    preview = view.preview
    view.set_current(0, 2)
    preview.compare_button.click()
    assert preview.is_comparing()
    assert preview.compared_member == groups[0].keeper
    qtbot.waitUntil(lambda: not preview.busy, timeout=10_000)
    left, right = preview.sides
    assert not left.canvas.image.isNull()
    assert not right.canvas.image.isNull()
    # Shared zoom: zooming one side zooms the other to the same region.
    preview.zoom.set(3.0, preview.zoom.centre)
    assert left.canvas.image_rect().width() / left.canvas.width() == pytest.approx(
        right.canvas.image_rect().width() / right.canvas.width(), rel=0.05
    )
    # Ctrl+click another card: it becomes the other side, the current one stays.
    grid = view.grid
    card = grid.card_rect(view.model.index(0, 0), 1)
    qtbot.mouseClick(
        grid.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ControlModifier,
        card.center(),
    )
    assert view.current_member() == groups[0].members[2]
    assert preview.compared_member == groups[0].members[1]
    preview.compare_button.click()
    assert preview.compared_member is None


class _UrlCatcher(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


def test_open_and_show_in_folder_use_the_desktop(qtbot, view: ResultsView, groups) -> None:
    catcher = _UrlCatcher()
    # Stands in for the desktop's handler so the test opens nothing on the machine.
    QDesktopServices.setUrlHandler("file", catcher, "open")
    try:
        view.set_current(1, 1)
        view.preview.open_button.click()
        view.preview.folder_button.click()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    member = groups[1].members[1]
    assert [u.toLocalFile() for u in catcher.urls] == [
        member.path,
        str(Path(member.path).parent),
    ]


def test_only_groups_in_view_count_as_visible(qtbot, view: ResultsView, groups, tmp_path) -> None:
    more = [photo_group(tmp_path / "more", 100 + n, seed=40 + n, copies=1) for n in range(12)]
    view.model.add_groups(more)
    view.resize(1300, 500)
    qtbot.waitUntil(lambda: view.grid.viewport().height() < 500)
    visible = view.grid.visible_paths()
    assert groups[0].keeper.path in visible
    assert more[-1].keeper.path not in visible
    view.set_current(view.model.rowCount() - 1, 0)  # scrolls to the end
    visible = view.grid.visible_paths()
    assert more[-1].keeper.path in visible
    assert groups[0].keeper.path not in visible


def test_updates_elsewhere_do_not_scroll_the_grid(qtbot, view: ResultsView, groups, tmp_path):
    more = [photo_group(tmp_path / "more", 100 + n, seed=40 + n, copies=2) for n in range(10)]
    view.model.add_groups(more)
    bar = view.grid.verticalScrollBar()
    bar.setValue(bar.maximum())  # the user scrolled to the end; the current member is at the top
    assert view.grid.current_position() == (0, 0)
    # The scan drops a copy from the first group and removes the second one.
    first = groups[0]
    view.model.update_groups([dataclasses.replace(first, members=first.members[:2])])
    view.model.remove_groups([groups[1].id])
    assert bar.value() == bar.maximum()
    assert view.current_member() == first.keeper
