"""The grid's painter: each group row becomes a strip (a header line and its members' cards,
laid out left to right and wrapping), drawn from the model's data and the thumbnail cache.

It reads what the model's rows hand out: the ``Group`` and ``Member`` records and the roles
for check marks and thumbnails (see the contract at the top of ``results_model``).

Geometry lives in ``StripLayout`` so the view hit-tests clicks with the very rectangles the
delegate paints. The size of a strip depends only on its member count and the view width, never
on images, so laying out 10,000 groups costs 10,000 cheap calls.
"""

from __future__ import annotations

import enum
import math
import os

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QStyledItemDelegate,
    QStyleOptionViewItem,
)

from lookalike.core import names, words
from lookalike.core.model import Group, MatchKind, Member
from lookalike.gui.results_model import (
    BrokenRole,
    CheckedRole,
    GroupRole,
    MemberRole,
    ThumbnailRole,
)

THUMB_EDGE_PX = 160  # logical pixels; the cache is asked for this times the device pixel ratio
_PAD_PX = 8  # inside a card
_SPACING_PX = 10  # between cards
MARGIN_PX = 14  # strip sides
_TEXT_LINES = 5  # resolution + size, file name, folder, date, match reason
_BADGE_PX = 22  # checkbox, lock and keeper badges
_FALLBACK_WIDTH_PX = 800  # before the view has a width
_NOTE_GAP_PX = 12  # between a header's detail and its "2 marked for trash"

# Accents that read on light and dark palettes alike (mid lightness, white text on top).
_KEEPER_TONE = QColor(0x2E, 0x8B, 0x57)
_MATCH_TONES = {
    MatchKind.KEEPER: _KEEPER_TONE,
    MatchKind.IDENTICAL: QColor(0x3A, 0x6E, 0xA5),
    MatchKind.SAME_PICTURE: QColor(0x5B, 0x5F, 0xC7),
    MatchKind.SIMILAR: QColor(0xB2, 0x6B, 0x12),
}
_TRASH_TONE = QColor(0xD0, 0x3A, 0x2F)
_SIDECAR_TONE = QColor(0x5A, 0x6B, 0x7D)  # a quiet slate: a fact about the file, not a state
_ON_ACCENT = QColor(0xFF, 0xFF, 0xFF)


class Part(enum.Enum):
    """What a point in a strip falls on."""

    NOTHING = "nothing"
    HEADER = "header"
    TOGGLE = "toggle"  # the header's collapse/expand arrow
    CARD = "card"
    CHECKBOX = "checkbox"


class StripLayout:
    """Where the header and each card of a strip go, for a font and a view width."""

    def __init__(self, font: QFont) -> None:
        metrics = QFontMetrics(font)
        self.line_px = metrics.height()
        self.header_px = self.line_px + 18
        self.card_w = THUMB_EDGE_PX + 2 * _PAD_PX
        self.card_h = _PAD_PX + THUMB_EDGE_PX + 6 + _TEXT_LINES * self.line_px + 4 + _PAD_PX
        self.bottom_px = 12

    def per_line(self, width: int) -> int:
        usable = width - 2 * MARGIN_PX + _SPACING_PX
        return max(1, usable // (self.card_w + _SPACING_PX))

    def size(self, count: int, width: int, *, collapsed: bool = False) -> QSize:
        if collapsed:
            return QSize(width, self.header_px + self.bottom_px // 2)
        lines = max(1, math.ceil(count / self.per_line(width)))
        height = self.header_px + lines * self.card_h + (lines - 1) * _SPACING_PX + self.bottom_px
        return QSize(width, height)

    def toggle_rect(self, strip: QRect) -> QRect:
        """The collapse/expand arrow at the start of the header."""
        edge = self.line_px
        return QRect(
            strip.left() + MARGIN_PX - 4, strip.top() + (self.header_px - edge) // 2, edge, edge
        )

    def header_rect(self, strip: QRect) -> QRect:
        """Where the header's words go (after the arrow)."""
        left = self.toggle_rect(strip).right() + 4
        return QRect(left, strip.top(), strip.right() - MARGIN_PX - left, self.header_px)

    def card_rect(self, strip: QRect, member_row: int) -> QRect:
        per_line = self.per_line(strip.width())
        line, column = divmod(member_row, per_line)
        return QRect(
            strip.left() + MARGIN_PX + column * (self.card_w + _SPACING_PX),
            strip.top() + self.header_px + line * (self.card_h + _SPACING_PX),
            self.card_w,
            self.card_h,
        )

    def thumb_rect(self, card: QRect) -> QRect:
        return QRect(card.left() + _PAD_PX, card.top() + _PAD_PX, THUMB_EDGE_PX, THUMB_EDGE_PX)

    def checkbox_rect(self, card: QRect) -> QRect:
        thumb = self.thumb_rect(card)
        return QRect(thumb.right() - _BADGE_PX - 3, thumb.top() + 4, _BADGE_PX, _BADGE_PX)

    def hit(
        self, strip: QRect, count: int, pos: QPoint, *, collapsed: bool = False
    ) -> tuple[Part, int]:
        """What ``pos`` (same coordinates as ``strip``) falls on, and which member."""
        if not strip.contains(pos):
            return Part.NOTHING, -1
        if pos.y() < strip.top() + self.header_px:
            # A generous target: the arrow's row up to the start of the words.
            toggle = self.toggle_rect(strip)
            if pos.x() <= toggle.right() + 4:
                return Part.TOGGLE, -1
            return Part.HEADER, -1
        if collapsed:
            return Part.NOTHING, -1
        for row in range(count):
            card = self.card_rect(strip, row)
            if card.contains(pos):
                # A slightly larger target than the drawn box: easier to hit with a mouse.
                target = self.checkbox_rect(card).adjusted(-4, -4, 4, 4)
                return (Part.CHECKBOX if target.contains(pos) else Part.CARD), row
        return Part.NOTHING, -1


class ThumbDelegate(QStyledItemDelegate):
    """Paints a group row as a strip of member cards."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._layout_font = QFont()
        self._layout: StripLayout | None = None
        self._sizes: dict[tuple[int, int, bool], QSize] = {}
        self.current_group: QPersistentModelIndex = QPersistentModelIndex()
        self.current_member_row = -1
        self.hover_group: QPersistentModelIndex = QPersistentModelIndex()
        self.hover_member_row = -1
        self.compare_path = ""  # the member picked as the other side of a comparison
        self.collapsed: set[int] = set()  # ids of the groups shown as their header only

    def layout_for(self, font: QFont) -> StripLayout:
        # One font per view in practice; comparing fonts is far cheaper than QFont.key().
        if self._layout is None or font != self._layout_font:
            self._layout_font = QFont(font)
            self._layout = StripLayout(font)
            self._sizes.clear()
        return self._layout

    # --- Qt delegate interface ------------------------------------------------------------

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        widget = option.widget
        if isinstance(widget, QAbstractScrollArea):
            width = widget.viewport().width()
        else:
            width = _FALLBACK_WIDTH_PX
        layout = self.layout_for(option.font)
        group = index.data(GroupRole)
        collapsed = isinstance(group, Group) and group.id in self.collapsed
        return self.strip_size(layout, index.model().rowCount(index), max(width, 1), collapsed)

    def strip_size(self, layout: StripLayout, count: int, width: int, collapsed: bool) -> QSize:
        """The size of a strip of ``count`` cards (the grid lays out 10,000 of them with this:
        keep it to a dictionary lookup)."""
        key = (count, width, collapsed)
        size = self._sizes.get(key)
        if size is None:
            size = self._sizes[key] = layout.size(count, width, collapsed=collapsed)
        return size

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        model = index.model()
        group = index.data(GroupRole)
        if not isinstance(group, Group):
            return
        rect: QRect = option.rect
        palette: QPalette = option.palette
        font: QFont = option.font
        layout = self.layout_for(font)
        is_current_group = self.current_group.isValid() and self.current_group == index
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        if is_current_group:
            band = QColor(palette.color(QPalette.ColorRole.Highlight))
            band.setAlpha(22)
            painter.fillRect(rect, band)
        collapsed = group.id in self.collapsed
        self._paint_toggle(painter, layout.toggle_rect(rect), collapsed, palette)
        self._paint_header(painter, layout.header_rect(rect), group, model, index, palette, font)
        for row in range(0 if collapsed else model.rowCount(index)):
            card = layout.card_rect(rect, row)
            if card.top() > rect.bottom():
                break
            member_index = model.index(row, 0, index)
            member = member_index.data(MemberRole)
            if not isinstance(member, Member):
                continue
            self._paint_card(
                painter,
                layout,
                card,
                group,
                member,
                member_index,
                palette,
                font,
                current=is_current_group and row == self.current_member_row,
                hover=self.hover_group == index and row == self.hover_member_row,
            )
        separator = QColor(palette.color(QPalette.ColorRole.Mid))
        separator.setAlpha(90)
        painter.setPen(QPen(separator, 1))
        painter.drawLine(
            rect.left() + MARGIN_PX, rect.bottom(), rect.right() - MARGIN_PX, rect.bottom()
        )
        painter.restore()

    # --- pieces ---------------------------------------------------------------------------

    def _paint_toggle(
        self, painter: QPainter, rect: QRect, collapsed: bool, palette: QPalette
    ) -> None:
        """A small arrow: pointing right when the group is collapsed, down when open."""
        r = QRectF(rect).adjusted(3, 3, -3, -3)
        if collapsed:
            points = [r.topLeft(), QPointF(r.right(), r.center().y()), r.bottomLeft()]
            points = [QPointF(p.x() + r.width() * 0.15, p.y()) for p in points]
        else:
            points = [
                QPointF(r.left(), r.top() + r.height() * 0.15),
                QPointF(r.right(), r.top() + r.height() * 0.15),
                QPointF(r.center().x(), r.bottom() - r.height() * 0.1),
            ]
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(palette.color(QPalette.ColorRole.PlaceholderText))
        painter.drawPolygon(QPolygonF(points))

    def header_texts(
        self, group: Group, number: int, checked: int, font: QFont, width: int
    ) -> tuple[str, str, str]:
        """The header's bold part, its detail and its right-hand note, in the longest wording
        that fits ``width``: narrow strips and large fonts get shorter words, never words cut
        off ("56.8 KB reclai…")."""
        bold = QFont(font)
        bold.setBold(True)
        strong, plain = QFontMetrics(bold), QFontMetrics(font)
        tag = words.group_tag(number)
        count = words.group_count(group)
        long_note = words.marked_for_trash(checked) if checked else ""
        short_note = words.marked_short(checked) if checked else ""
        candidates = (
            (f"{tag}  {count}", f" · {words.group_detail(group)}", long_note),
            (f"{tag}  {count}", f" · {words.group_detail_short(group)}", long_note),
            (f"{tag}  {count}", f" · {words.group_detail_short(group)}", short_note),
            (f"{tag}  {count}", f" · {words.group_detail_shortest(group)}", short_note),
            (count, f" · {words.group_detail_shortest(group)}", short_note),
            (count, "", short_note),
            (count, "", ""),
        )
        for first, detail, note in candidates:
            needed = strong.horizontalAdvance(first) + plain.horizontalAdvance(detail)
            if note:
                needed += plain.horizontalAdvance(note) + _NOTE_GAP_PX
            if needed <= width:
                return first, detail, note
        return candidates[-1]

    def _paint_header(
        self,
        painter: QPainter,
        rect: QRect,
        group: Group,
        model: QAbstractItemModel,
        index: QModelIndex | QPersistentModelIndex,
        palette: QPalette,
        font: QFont,
    ) -> None:
        rows = range(model.rowCount(index))
        checked = sum(1 for row in rows if model.index(row, 0, index).data(CheckedRole))
        first, detail, note = self.header_texts(group, index.row() + 1, checked, font, rect.width())
        bold = QFont(font)
        bold.setBold(True)
        metrics = QFontMetrics(font)
        baseline = rect.top() + (rect.height() + metrics.ascent()) // 2 + 2
        painter.setFont(bold)
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        bold_metrics = QFontMetrics(bold)
        # Only the narrowest strips reach this: the count alone does not fit.
        painter.drawText(
            QPoint(rect.left(), baseline),
            bold_metrics.elidedText(first, Qt.TextElideMode.ElideRight, rect.width()),
        )
        x = rect.left() + bold_metrics.horizontalAdvance(first)
        painter.setFont(font)
        painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        if detail:
            painter.drawText(QPoint(x, baseline), detail)
        if note:
            painter.setPen(
                _TRASH_TONE
                if palette.color(QPalette.ColorRole.Base).lightness() > 128
                else _TRASH_TONE.lighter(140)
            )
            painter.drawText(QPoint(rect.right() - metrics.horizontalAdvance(note), baseline), note)

    def _paint_card(
        self,
        painter: QPainter,
        layout: StripLayout,
        card: QRect,
        group: Group,
        member: Member,
        index: QModelIndex,
        palette: QPalette,
        font: QFont,
        *,
        current: bool,
        hover: bool,
    ) -> None:
        checked = bool(index.data(CheckedRole))
        keeper = index.row() == 0
        card_f = QRectF(card).adjusted(0.5, 0.5, -0.5, -0.5)
        background = QColor(palette.color(QPalette.ColorRole.Base))
        if hover:
            background = QColor(palette.color(QPalette.ColorRole.AlternateBase))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(background)
        painter.drawRoundedRect(card_f, 7, 7)
        if checked:
            tint = QColor(_TRASH_TONE)
            tint.setAlpha(38)
            painter.setBrush(tint)
            painter.drawRoundedRect(card_f, 7, 7)
        border = QColor(palette.color(QPalette.ColorRole.Mid))
        width = 1.0
        if checked:
            border, width = QColor(_TRASH_TONE), 1.5
        if current:
            border, width = QColor(palette.color(QPalette.ColorRole.Highlight)), 2.5
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(border, width))
        painter.drawRoundedRect(card_f, 7, 7)

        thumb = layout.thumb_rect(card)
        self._paint_thumbnail(painter, thumb, index, palette, font, dimmed=checked)
        if keeper:
            self._paint_keeper_badge(painter, thumb, font)
        left = thumb.left() + 4
        if member.path == self.compare_path:
            pill = self._paint_pill(
                painter,
                QPoint(left, thumb.bottom() - 4 - _BADGE_PX),
                "compare",
                palette.color(QPalette.ColorRole.Highlight),
                font,
                anchor_bottom=False,
            )
            left = round(pill.right()) + 4
        if member.sidecars:
            # Its .xmp / .json files go wherever the photo goes: say so on the card.
            self._paint_pill(
                painter,
                QPoint(left, thumb.bottom() - 4 - _BADGE_PX),
                words.sidecar_badge([os.path.splitext(p)[1] for p in member.sidecars]),
                _SIDECAR_TONE,
                font,
                anchor_bottom=False,
            )
        badge = layout.checkbox_rect(card)
        if member.is_reference:
            self._paint_lock(painter, badge, palette)
        else:
            self._paint_checkbox(painter, badge, checked, palette)
        self._paint_text(painter, layout, card, thumb, group, member, palette, font)

    def _paint_thumbnail(
        self,
        painter: QPainter,
        thumb: QRect,
        index: QModelIndex,
        palette: QPalette,
        font: QFont,
        *,
        dimmed: bool,
    ) -> None:
        well = QColor(palette.color(QPalette.ColorRole.Mid))
        well.setAlpha(45)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(well)
        painter.drawRoundedRect(QRectF(thumb), 4, 4)
        pixmap = index.data(ThumbnailRole)
        if isinstance(pixmap, QPixmap) and not pixmap.isNull():
            size = pixmap.deviceIndependentSize()
            target = QRectF(0, 0, size.width(), size.height())
            target.moveCenter(QRectF(thumb).center())
            if dimmed:
                painter.setOpacity(0.7)
            painter.drawPixmap(target, pixmap, QRectF(pixmap.rect()))
            painter.setOpacity(1.0)
            if index.data(BrokenRole):
                painter.setFont(font)
                painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
                painter.drawText(
                    thumb.adjusted(4, 0, -4, -10),
                    Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                    self.tr("Cannot show this file"),
                )
            return
        # Still loading: a quiet frame glyph, not a spinner (hundreds would flicker at once).
        glyph = QColor(palette.color(QPalette.ColorRole.PlaceholderText))
        glyph.setAlpha(110)
        painter.setPen(QPen(glyph, 1.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        frame = QRectF(0, 0, THUMB_EDGE_PX * 0.3, THUMB_EDGE_PX * 0.22)
        frame.moveCenter(QRectF(thumb).center())
        painter.drawRoundedRect(frame, 3, 3)
        painter.drawEllipse(
            QPointF(frame.left() + frame.width() * 0.7, frame.top() + frame.height() * 0.32),
            2.5,
            2.5,
        )

    def _paint_keeper_badge(self, painter: QPainter, thumb: QRect, font: QFont) -> None:
        pill = self._paint_pill(
            painter,
            QPoint(thumb.left() + 4, thumb.top() + 4),
            "   Keeper",
            _KEEPER_TONE,
            font,
            anchor_bottom=False,
        )
        centre = QPointF(pill.left() + 11, pill.center().y())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(_ON_ACCENT)
        painter.drawPolygon(_star(centre, 6.0))

    def _paint_pill(
        self,
        painter: QPainter,
        top_left: QPoint,
        text: str,
        tone: QColor,
        font: QFont,
        *,
        anchor_bottom: bool,
        max_width: int = 0,
    ) -> QRectF:
        small = QFont(font)
        small.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        small.setBold(True)
        metrics = QFontMetrics(small)
        if max_width:  # a long "what changed" ends in an ellipsis inside the card
            text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, max_width - 12)
        pill = QRectF(
            top_left.x(), top_left.y(), metrics.horizontalAdvance(text) + 12, _BADGE_PX - 2
        )
        if anchor_bottom:
            pill.moveBottom(top_left.y())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(tone)
        painter.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2)
        painter.setFont(small)
        painter.setPen(_ON_ACCENT)
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)
        painter.setFont(font)
        return pill

    def _paint_checkbox(
        self,
        painter: QPainter,
        rect: QRect,
        checked: bool,
        palette: QPalette,
    ) -> None:
        # A solid backing keeps the box readable over any photo.
        backing = QColor(palette.color(QPalette.ColorRole.Base))
        backing.setAlpha(225)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(backing)
        painter.drawRoundedRect(QRectF(rect), 5, 5)
        inner = QRectF(rect).adjusted(4, 4, -4, -4)
        if not checked:
            # Drawn, not the style's indicator: that one is Base-on-Base in some dark themes
            # and vanishes over a photo.
            edge = QColor(palette.color(QPalette.ColorRole.Text))
            edge.setAlpha(150)
            painter.setPen(QPen(edge, 1.5))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(inner, 3, 3)
        else:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(_TRASH_TONE)
            painter.drawRoundedRect(inner, 3, 3)
            tick = QPen(_ON_ACCENT, 2.2)
            tick.setCapStyle(Qt.PenCapStyle.RoundCap)
            tick.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            painter.setPen(tick)
            painter.drawPolyline(
                [
                    QPointF(inner.left() + inner.width() * 0.22, inner.center().y()),
                    QPointF(
                        inner.left() + inner.width() * 0.43, inner.bottom() - inner.height() * 0.25
                    ),
                    QPointF(
                        inner.right() - inner.width() * 0.2, inner.top() + inner.height() * 0.25
                    ),
                ]
            )

    def _paint_lock(self, painter: QPainter, rect: QRect, palette: QPalette) -> None:
        backing = QColor(palette.color(QPalette.ColorRole.Base))
        backing.setAlpha(225)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(backing)
        painter.drawRoundedRect(QRectF(rect), 5, 5)
        ink = palette.color(QPalette.ColorRole.Text)
        r = QRectF(rect)
        body = QRectF(
            r.left() + r.width() * 0.25,
            r.top() + r.height() * 0.45,
            r.width() * 0.5,
            r.height() * 0.38,
        )
        painter.setBrush(ink)
        painter.drawRoundedRect(body, 1.5, 1.5)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(ink, 1.8))
        shackle = QPainterPath()
        shackle.moveTo(body.left() + body.width() * 0.2, body.top())
        shackle.lineTo(body.left() + body.width() * 0.2, r.top() + r.height() * 0.32)
        shackle.arcTo(
            QRectF(
                body.left() + body.width() * 0.2,
                r.top() + r.height() * 0.18,
                body.width() * 0.6,
                r.height() * 0.28,
            ),
            180,
            -180,
        )
        shackle.lineTo(body.right() - body.width() * 0.2, body.top())
        painter.drawPath(shackle)

    def _paint_text(
        self,
        painter: QPainter,
        layout: StripLayout,
        card: QRect,
        thumb: QRect,
        group: Group,
        member: Member,
        palette: QPalette,
        font: QFont,
    ) -> None:
        metrics = QFontMetrics(font)
        left, right = card.left() + _PAD_PX, card.right() - _PAD_PX
        width = right - left
        y = thumb.bottom() + 6
        line = layout.line_px
        text_colour = palette.color(QPalette.ColorRole.Text)
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        bold = QFont(font)
        bold.setBold(True)

        def row(n: int) -> QRect:
            return QRect(left, y + n * line, width, line)

        painter.setFont(bold)
        painter.setPen(text_colour)
        align_left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        align_right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(row(0), align_left, f"{member.width}×{member.height}")
        painter.setFont(font)
        painter.drawText(row(0), align_right, words.size(member.size))
        name = names.quoted(os.path.basename(member.path))
        folder = names.quoted(os.path.dirname(member.path))
        elide = Qt.TextElideMode.ElideMiddle
        painter.drawText(row(1), align_left, metrics.elidedText(name, elide, width))
        painter.setPen(muted)
        painter.drawText(row(2), align_left, metrics.elidedText(folder, elide, width))
        painter.drawText(row(3), align_left, words.photo_date(member))
        reason = words.match_badge(group, member)
        self._paint_pill(
            painter,
            QPoint(left, y + 4 * line + 2),
            reason,
            _MATCH_TONES[member.match],
            font,
            anchor_bottom=False,
            max_width=width,
        )


def _star(centre: QPointF, radius: float) -> QPolygonF:
    points = []
    for n in range(10):
        r = radius if n % 2 == 0 else radius * 0.45
        angle = -math.pi / 2 + n * math.pi / 5
        points.append(QPointF(centre.x() + r * math.cos(angle), centre.y() + r * math.sin(angle)))
    return QPolygonF(points)
