"""The command table through the real window: every command is reachable from a menu, no two
share a shortcut (Qt would fire neither), and each is enabled exactly in the states its
``enabled_when`` names."""

from __future__ import annotations

import dataclasses

from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot

from lookalike.gui.actions import MENUS, TOOLBAR, Submenu, UiState, window_actions
from lookalike.gui.main_window import MainWindow

IDLE = UiState(
    busy=False,
    scanning=False,
    running=False,
    cancelling=False,
    has_folders=False,
    has_groups=False,
    checked=0,
    can_undo=False,
    skipped=0,
)


def _window(qtbot: QtBot) -> MainWindow:
    window = MainWindow()
    qtbot.addWidget(window)
    return window


def _menu_actions(window: MainWindow) -> list[QAction]:
    found: list[QAction] = []
    # Up to PySide6 6.11.1 the QMenu that QAction.menu() returns dies with that QAction's Python
    # wrapper ("Internal C++ object already deleted"), so every action stays referenced here.
    held = list(window.menuBar().actions())
    pending = [a.menu() for a in held]
    while pending:
        menu = pending.pop()
        actions = menu.actions()
        held.extend(actions)
        for action in actions:
            if action.menu() is not None:
                pending.append(action.menu())
            elif not action.isSeparator():
                found.append(action)
    return found


def test_every_command_is_in_a_menu_and_on_the_window(qtbot: QtBot) -> None:
    window = _window(qtbot)
    names = [spec.name for spec in window_actions()]
    assert len(names) == len(set(names))
    listed = [i for _, items in MENUS for i in items if isinstance(i, str)]
    assert sorted(listed) == sorted(names)  # each command once, none missing
    assert {i for i in TOOLBAR if i is not None} <= set(names)
    in_menus = _menu_actions(window)
    on_window = window.actions()
    for name in names:
        action = window.action(name)
        assert action in in_menus
        assert action in on_window  # so its shortcut works with the toolbar hidden
    submenus = [i.title for _, items in MENUS for i in items if isinstance(i, Submenu)]
    titles = [a.text() for m in window.menuBar().actions() for a in m.menu().actions()]
    assert all(title in titles for title in submenus)


def test_no_two_commands_share_a_shortcut(qtbot: QtBot) -> None:
    window = _window(qtbot)
    keys = [k.toString() for a in window.actions() for k in a.shortcuts() if not k.isEmpty()]
    assert keys  # Ctrl+O, Del, Ctrl+Z, ... are there at all
    assert len(keys) == len(set(keys)), sorted(keys)


def test_each_command_is_enabled_in_the_states_it_names(qtbot: QtBot) -> None:
    window = _window(qtbot)
    table = window.actions_table

    def enabled(state: UiState) -> set[str]:
        table.update(state)
        return {s.name for s in window_actions() if window.action(s.name).isEnabled()}

    always = {"quit", "about", "about_qt", "shortcuts", "view_grid", "view_table", "filter"}
    # Scan is there without folders too: it then says why it cannot start.
    idle = always | {"add_folder", "open_results", "scan", "not_duplicates_manager"}
    idle |= {"selection_rules"}
    assert enabled(IDLE) == idle
    assert enabled(dataclasses.replace(IDLE, has_folders=True)) == idle
    assert enabled(dataclasses.replace(IDLE, table=True)) == idle | {"duplicates_only"}
    with_groups = dataclasses.replace(IDLE, has_groups=True)
    grouped = {"save_results", "export_csv", "select_duplicates", "go_to_group"}
    grouped |= {"select_in_folder", "invert_selection", "collapse_all", "expand_all"}
    grouped |= {"not_duplicate", "not_duplicates_pair", "not_duplicates_group", "make_keeper"}
    assert enabled(with_groups) == idle | grouped
    in_table = dataclasses.replace(with_groups, table=True)
    assert enabled(in_table) == idle | grouped - {"collapse_all", "expand_all"} | {
        "duplicates_only"
    }
    marked = dataclasses.replace(with_groups, checked=3, can_undo=True, skipped=2)
    acting = {"clear_selection", "trash", "move_to_folder", "hardlink"}
    assert enabled(marked) == idle | grouped | acting | {"undo_cleanup", "skipped"}
    scanning = dataclasses.replace(marked, busy=True, scanning=True, running=True)
    # The groups found so far can be collapsed while the scan runs.
    browsing = always | {"collapse_all", "expand_all"}
    assert enabled(scanning) == browsing | {"cancel", "skipped"}
    assert window.action("cancel").isVisible()
    assert enabled(dataclasses.replace(scanning, cancelling=True)) == browsing | {"skipped"}
    assert window.action("cancel").isVisible()
    saving = dataclasses.replace(IDLE, busy=True, has_groups=True)  # a file task: no Cancel
    assert enabled(saving) == always | {"collapse_all", "expand_all"}
    assert not window.action("cancel").isVisible()
