"""ThumbDelegate: strips painted into a QImage show thumbnails, badges and check marks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QListView, QStyleOptionViewItem

from lookalike.core.model import Group, MatchKind
from lookalike.gui.results_model import ResultsModel, ThumbnailRole
from lookalike.gui.thumb_cache import ThumbCache
from lookalike.gui.thumb_delegate import THUMB_EDGE_PX, Part, ThumbDelegate
from tests import images
from tests.gui.model_rows import member_indexes
from tests.gui.sample_groups import member, photo_group

WIDTH = 900
KEEPER_GREEN = QColor(0x2E, 0x8B, 0x57)
TRASH_RED = QColor(0xD0, 0x3A, 0x2F)


@pytest.fixture
def cache() -> Iterator[ThumbCache]:
    cache = ThumbCache(threads=1)
    yield cache
    assert cache.shutdown()


@pytest.fixture
def setup(qtbot, tmp_path: Path, cache: ThumbCache):
    groups = [
        photo_group(tmp_path, 1, seed=21, copies=2),
        photo_group(tmp_path, 2, seed=22, copies=1, reference=True),
    ]
    broken = images.write_fake(tmp_path / "bad.jpg")
    groups.append(Group(id=3, members=(groups[0].keeper, member(broken, MatchKind.SIMILAR, 0.87))))
    model = ResultsModel()
    model.set_thumb_cache(cache, THUMB_EDGE_PX)
    model.add_groups(groups)
    view = QListView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(WIDTH + 40, 600)
    delegate = ThumbDelegate(view)
    return model, view, delegate, groups


def paint(view: QListView, delegate: ThumbDelegate, model: ResultsModel, row: int) -> QImage:
    index = model.index(row, 0)
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)
    option.widget = view
    size = delegate.layout_for(option.font).size(model.rowCount(index), WIDTH)
    option.rect = QRect(0, 0, WIDTH, size.height())
    image = QImage(option.rect.size(), QImage.Format.Format_ARGB32)
    image.fill(option.palette.base().color())
    painter = QPainter(image)
    delegate.paint(painter, option, index)
    painter.end()
    return image


def colours_in(image: QImage, rect: QRect) -> list[QColor]:
    return [
        image.pixelColor(x, y)
        for x in range(rect.left(), rect.right(), 2)
        for y in range(rect.top(), rect.bottom(), 2)
    ]


def near(a: QColor, b: QColor, tolerance: int = 12) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a.getRgb()[:3], b.getRgb()[:3], strict=True))


def load_all(qtbot, model: ResultsModel, cache: ThumbCache) -> None:
    for index, _member in member_indexes(model):
        index.data(ThumbnailRole)
    qtbot.waitUntil(lambda: cache.in_flight == 0, timeout=15_000)


def test_thumbnails_replace_the_placeholder(qtbot, setup, cache: ThumbCache) -> None:
    model, view, delegate, _groups = setup
    before = paint(view, delegate, model, 0)  # asks the cache: placeholders for now
    load_all(qtbot, model, cache)
    after = paint(view, delegate, model, 0)
    layout = delegate.layout_for(view.font())
    thumb = layout.thumb_rect(layout.card_rect(QRect(0, 0, WIDTH, 10), 1)).adjusted(
        20, 30, -20, -30
    )
    # The placeholder is a flat well with a small line glyph; a photo has many colours.
    assert len({c.rgb() for c in colours_in(before, thumb)}) < 60
    assert len({c.rgb() for c in colours_in(after, thumb)}) > 300


def test_keeper_badge_and_check_marks(qtbot, setup) -> None:
    model, view, delegate, _groups = setup
    layout = delegate.layout_for(view.font())
    strip = QRect(0, 0, WIDTH, 10)
    keeper_thumb = layout.thumb_rect(layout.card_rect(strip, 0))
    badge_area = QRect(keeper_thumb.left() + 4, keeper_thumb.top() + 4, 60, 18)
    unchecked = paint(view, delegate, model, 0)
    assert any(near(c, KEEPER_GREEN) for c in colours_in(unchecked, badge_area))
    # No keeper badge on a duplicate.
    copy_thumb = layout.thumb_rect(layout.card_rect(strip, 1))
    copy_badge = QRect(copy_thumb.left() + 4, copy_thumb.top() + 4, 60, 18)
    assert not any(near(c, KEEPER_GREEN) for c in colours_in(unchecked, copy_badge))

    box = layout.checkbox_rect(layout.card_rect(strip, 1))
    assert not any(near(c, TRASH_RED) for c in colours_in(unchecked, box))
    model.select_duplicates()
    checked = paint(view, delegate, model, 0)
    assert any(near(c, TRASH_RED) for c in colours_in(checked, box))
    keeper_box = layout.checkbox_rect(layout.card_rect(strip, 0))
    assert not any(near(c, TRASH_RED) for c in colours_in(checked, keeper_box))


def test_reference_member_shows_a_lock_not_a_checkbox(qtbot, setup) -> None:
    model, view, delegate, groups = setup
    assert groups[1].keeper.is_reference
    layout = delegate.layout_for(view.font())
    box = layout.checkbox_rect(layout.card_rect(QRect(0, 0, WIDTH, 10), 0))
    image = paint(view, delegate, model, 1)
    text = view.palette().text().color()
    # The lock is drawn in the text colour, solid: many pixels of it in the badge.
    assert sum(near(c, text, 30) for c in colours_in(image, box)) >= 6
    plain = paint(view, delegate, model, 0)
    assert sum(near(c, text, 30) for c in colours_in(plain, box)) < sum(
        near(c, text, 30) for c in colours_in(image, box)
    )


def test_broken_file_gets_the_broken_mark(qtbot, setup, cache: ThumbCache) -> None:
    model, view, delegate, groups = setup
    load_all(qtbot, model, cache)
    assert cache.is_broken(groups[2].members[1].path)
    layout = delegate.layout_for(view.font())
    thumb = layout.thumb_rect(layout.card_rect(QRect(0, 0, WIDTH, 10), 1))
    image = paint(view, delegate, model, 2)
    # The crack of the broken-picture glyph is red; the card is not checked.
    assert any(near(c, TRASH_RED, 30) for c in colours_in(image, thumb))


def test_size_hint_depends_on_member_count_only(qtbot, setup, cache: ThumbCache) -> None:
    model, view, delegate, _groups = setup
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)
    option.widget = view
    two = delegate.sizeHint(option, model.index(1, 0))
    three = delegate.sizeHint(option, model.index(0, 0))
    assert two == delegate.sizeHint(option, model.index(2, 0))
    assert two.height() == three.height()  # both fit on one line at this width
    load_all(qtbot, model, cache)
    assert delegate.sizeHint(option, model.index(0, 0)) == three
    layout = delegate.layout_for(view.font())
    per_line = layout.per_line(WIDTH)
    assert layout.size(per_line + 1, WIDTH).height() > layout.size(per_line, WIDTH).height()
    assert layout.size(3, WIDTH) == QSize(WIDTH, three.height())


def test_hit_testing_matches_the_painted_cards(setup) -> None:
    _model, view, delegate, _groups = setup
    layout = delegate.layout_for(view.font())
    strip = QRect(0, 100, WIDTH, layout.size(3, WIDTH).height())
    card = layout.card_rect(strip, 2)
    assert layout.hit(strip, 3, card.center()) == (Part.CARD, 2)
    assert layout.hit(strip, 3, layout.checkbox_rect(card).center()) == (Part.CHECKBOX, 2)
    assert layout.hit(strip, 3, strip.topLeft() + QPoint(40, 5)) == (Part.HEADER, -1)
    below_cards = QPoint(strip.right() - 5, strip.bottom() - 2)
    assert layout.hit(strip, 3, below_cards) == (Part.NOTHING, -1)
