"""The preview pane's header: a long file name stays readable in a narrow pane."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from pytestqt.qtbot import QtBot

from lookalike.core.model import MatchKind
from lookalike.gui.preview import PreviewPane
from tests import images
from tests.gui.sample_groups import member

LONG_NAME = "holiday-2021-06-01-grandmother-birthday-garden-party-0042.jpg"


def test_long_name_is_shortened_in_the_middle_on_its_own_line(qtbot: QtBot, tmp_path: Path) -> None:
    path = images.save(tmp_path / "Phone backup" / LONG_NAME, images.photo(5, 320, 240))
    shown = member(path, MatchKind.IDENTICAL, width=320, height=240)
    pane = PreviewPane()
    qtbot.addWidget(pane)
    pane.resize(360, 600)
    pane.show()
    qtbot.waitExposed(pane)
    pane.show_member(shown)
    qtbot.waitUntil(lambda: not pane.busy, timeout=10_000)

    assert pane.title.text() == LONG_NAME  # the whole name for accessibility and copying
    assert pane.title.toolTip() == str(path)  # and the whole path on hover
    painted = pane.title.shown_text()
    assert "…" in painted
    assert painted.startswith("holiday-")  # both ends survive: start and extension
    assert painted.endswith("0042.jpg")
    # Its own line, above the buttons, as wide as the pane, so the name is not a stub.
    assert pane.title.geometry().bottom() < pane.open_button.geometry().top()
    assert pane.title.width() > pane.width() * 0.8

    pane.resize(1400, 600)
    qtbot.waitUntil(lambda: pane.title.shown_text() == LONG_NAME)  # wide enough: no "…"
    pane.shutdown()


def test_compare_captions_name_each_side_in_full_on_hover(qtbot: QtBot, tmp_path: Path) -> None:
    left = member(
        images.save(tmp_path / "a" / LONG_NAME, images.photo(6, 320, 240)), MatchKind.KEEPER
    )
    right = dataclasses.replace(left, path=str(tmp_path / "b" / LONG_NAME), match=MatchKind.SIMILAR)
    pane = PreviewPane()
    qtbot.addWidget(pane)
    pane.resize(500, 600)
    pane.show()
    qtbot.waitExposed(pane)
    pane.set_comparing(True)
    pane.show_member(left, right)
    assert [side.caption.toolTip() for side in pane.sides] == [left.path, right.path]
    assert all("…" in side.caption.shown_text() for side in pane.sides)
    pane.shutdown()
