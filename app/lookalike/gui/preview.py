"""The preview pane: the current photo large with its metadata, or two members side by side
with shared zoom and pan; "Open" and "Show in folder" hand off to the desktop.

Pictures and EXIF are read on the pane's own thread pool; the GUI thread only paints.
"""

from __future__ import annotations

import enum
import math
import os
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import (
    QCoreApplication,
    QObject,
    QPointF,
    QRectF,
    QRunnable,
    QSize,
    Qt,
    QThreadPool,
    QTimer,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QDesktopServices,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QTextLayout,
    QTextOption,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from lookalike.core import names, words
from lookalike.core.alignment import align, second_to_first
from lookalike.core.metadata import PhotoInfo, read_photo_info
from lookalike.core.model import Group, MatchKind, Member
from lookalike.gui.thumb_cache import load_thumbnail

PREVIEW_EDGE_PX = 2048  # decoded size cap: sharp on a 4K pane, ~16 MB per picture at most
MAX_ZOOM = 12.0  # relative to "fit"
ALIGN_EDGE_PX = 1024  # both pictures of a blink or difference are decoded to fit this
BLINK_INTERVAL_MS = 550  # long enough to see each picture, short enough to see a change
_WHEEL_STEP = 1.25


def open_file(path: str) -> bool:
    """Open ``path`` in the desktop's default viewer; False when there is none to ask."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(path))


def show_in_folder(path: str) -> bool:
    """Open the folder holding ``path`` in the file manager; False when there is none."""
    # Selecting the file inside its folder needs a per-desktop protocol (D-Bus
    # FileManager1, Explorer /select, Finder reveal); the folder itself works everywhere.
    return QDesktopServices.openUrl(QUrl.fromLocalFile(os.path.dirname(path)))


class CompareMode(enum.Enum):
    """How two members are compared."""

    SIDE_BY_SIDE = "side by side"
    BLINK = "blink"  # one on the other, shown in turn
    DIFFERENCE = "difference"  # where they differ, over the first dimmed


@dataclass(frozen=True, slots=True)
class AlignedPair:
    """Two members' pictures in the first one's frame, and their difference (GUI images)."""

    first: QImage
    second: QImage
    difference: QImage
    mean_difference: float
    covered: float
    how: str  # how they were laid on each other, in words


def _to_bgr(image: QImage) -> np.ndarray:
    bgr = image.convertToFormat(QImage.Format.Format_BGR888)
    w, h, line = bgr.width(), bgr.height(), bgr.bytesPerLine()
    rows = np.frombuffer(bgr.constBits(), np.uint8, count=line * h).reshape(h, line)
    return rows[:, : w * 3].reshape(h, w, 3).copy()


def _to_image(pixels: np.ndarray) -> QImage:
    pixels = np.ascontiguousarray(pixels)
    h, w = pixels.shape[:2]
    image = QImage(pixels.data, w, h, pixels.strides[0], QImage.Format.Format_BGR888)
    return image.copy()  # the array dies with this frame


def align_members(first: Member, second: Member, edge_px: int = ALIGN_EDGE_PX) -> AlignedPair:
    """Decode both pictures (EXIF orientation applied) and lay the second on the first, undoing
    the turn, mirror and crop the matcher recorded for each. Any thread. Raises OSError when a
    picture cannot be decoded."""
    first_image = load_thumbnail(first.path, edge_px)
    second_image = load_thumbnail(second.path, edge_px)
    if first_image.isNull() or second_image.isNull():
        raise OSError(f"cannot decode {first.path if first_image.isNull() else second.path}")
    a, b = _to_bgr(first_image), _to_bgr(second_image)
    to_first = None
    if first.width and first.height and second.width and second.height:
        to_first = second_to_first(
            first.transform,
            second.transform,
            (first.width, first.height),
            (second.width, second.height),
            a.shape[1] / first.width,
            b.shape[1] / second.width,
        )
    changes = [m.transform for m in (first, second) if m.match is not MatchKind.KEEPER]
    crop = any(
        min(m.transform.first_shown, m.transform.second_shown) < 0.995 for m in (first, second)
    )
    result = align(a, b, to_first, crop=crop)
    return AlignedPair(
        _to_image(result.first),
        _to_image(result.second),
        _to_image(result.difference),
        result.mean_difference,
        result.covered,
        words.laid_on_each_other(changes),
    )


class _AlignSignals(QObject):
    aligned = Signal(int, object)  # token, AlignedPair | str (why it failed)


class _AlignLoader(QRunnable):
    def __init__(self, token: int, first: Member, second: Member, signals: _AlignSignals):
        super().__init__()
        self.token = token
        self._pair = (first, second)
        self._signals = signals
        self.setAutoDelete(False)  # the pane keeps it until its result arrives

    def run(self) -> None:
        try:
            result: AlignedPair | str = align_members(*self._pair)
        except OSError as exc:
            result = str(exc)
        self._signals.aligned.emit(self.token, result)


class _PreviewSignals(QObject):
    # token, path (a Python str: a QString drops undecodable bytes), image (null: failed), info
    loaded = Signal(int, object, QImage, object)


class _PreviewLoader(QRunnable):
    def __init__(self, token: int, path: str, edge_px: int, signals: _PreviewSignals) -> None:
        super().__init__()
        self.token = token
        self.path = path
        self.edge_px = edge_px
        self._signals = signals
        self.setAutoDelete(False)  # the pane keeps it until its result arrives

    def run(self) -> None:
        image = load_thumbnail(self.path, self.edge_px)
        info = read_photo_info(self.path)
        self._signals.loaded.emit(self.token, self.path, image, info)


class ZoomState(QObject):
    """Zoom (1.0 = fit) and the picture point at the canvas centre (0..1 of its width and
    height), shared by the canvases of a comparison so they show the same region."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.zoom = 1.0
        self.centre = QPointF(0.5, 0.5)

    def set(self, zoom: float, centre: QPointF) -> None:
        zoom = min(MAX_ZOOM, max(1.0, zoom))
        if zoom == 1.0:
            centre = QPointF(0.5, 0.5)
        centre = QPointF(min(1.0, max(0.0, centre.x())), min(1.0, max(0.0, centre.y())))
        if zoom != self.zoom or centre != self.centre:
            self.zoom, self.centre = zoom, centre
            self.changed.emit()

    def reset(self) -> None:
        self.set(1.0, QPointF(0.5, 0.5))


class ImageCanvas(QWidget):
    """Paints one picture at the shared zoom; wheel zooms at the cursor, drag pans,
    double-click fits."""

    def __init__(self, state: ZoomState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._image = QImage()
        self._message = self.tr("No photo selected")
        self._drag_from: QPointF | None = None
        self._drag_centre = QPointF()
        state.changed.connect(self.update)
        self.setMinimumSize(160, 120)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.OpenHandCursor)

    @property
    def image(self) -> QImage:
        return self._image

    @property
    def message(self) -> str:
        return self._message

    def set_image(self, image: QImage, message: str = "") -> None:
        self._image = image
        self._message = message
        self.update()

    def image_rect(self) -> QRectF:
        """Where the picture is drawn, in widget coordinates."""
        if self._image.isNull():
            return QRectF()
        dpr = self._image.devicePixelRatio()
        w, h = self._image.width() / dpr, self._image.height() / dpr
        # Small pictures are scaled up too: side by side, both sides must show the same region.
        fit = min(self.width() / w, self.height() / h)
        scale = fit * self._state.zoom
        sw, sh = w * scale, h * scale
        # The shared centre point sits at the canvas centre, but the picture never leaves
        # empty margins on a side it could fill.
        x = self.width() / 2 - self._state.centre.x() * sw
        y = self.height() / 2 - self._state.centre.y() * sh
        x = min(0.0, max(self.width() - sw, x)) if sw > self.width() else (self.width() - sw) / 2
        y = min(0.0, max(self.height() - sh, y)) if sh > self.height() else (self.height() - sh) / 2
        return QRectF(x, y, sw, sh)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        if self._image.isNull():
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self._message)
            return
        painter.drawImage(self.image_rect(), self._image)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if not steps or self._image.isNull():
            return
        rect = self.image_rect()
        pos = event.position()
        # Keep the picture point under the cursor where it is.
        point = QPointF((pos.x() - rect.x()) / rect.width(), (pos.y() - rect.y()) / rect.height())
        zoom = self._state.zoom * _WHEEL_STEP**steps
        zoom = min(MAX_ZOOM, max(1.0, zoom))
        factor = zoom / self._state.zoom
        sw, sh = rect.width() * factor, rect.height() * factor
        centre = QPointF(
            point.x() + (self.width() / 2 - pos.x()) / sw,
            point.y() + (self.height() / 2 - pos.y()) / sh,
        )
        self._state.set(zoom, centre)
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._drag_from = event.position()
            self._drag_centre = QPointF(self._state.centre)
            self.setCursor(Qt.CursorShape.ClosedHandCursor)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        rect = self.image_rect()
        if self._drag_from is None or rect.isEmpty():
            return
        delta = event.position() - self._drag_from
        self._state.set(
            self._state.zoom,
            QPointF(
                self._drag_centre.x() - delta.x() / rect.width(),
                self._drag_centre.y() - delta.y() / rect.height(),
            ),
        )

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._drag_from = None
        self.setCursor(Qt.CursorShape.OpenHandCursor)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if self._state.zoom > 1.0:
            self._state.reset()
        else:
            rect = self.image_rect()
            if rect.isEmpty():
                return
            pos = event.position()
            self._state.set(
                3.0,
                QPointF((pos.x() - rect.x()) / rect.width(), (pos.y() - rect.y()) / rect.height()),
            )

    def sizeHint(self) -> QSize:
        return QSize(420, 320)


class ElidedLabel(QLabel):
    """A one-line label that shortens its text in the middle ("IMG_20…1234.jpg") to fit its
    width, so a file name keeps both its start and its extension. ``text()`` stays whole."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        # Ignored: the label takes the width it is given and never widens its pane.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def shown_text(self) -> str:
        """The text as painted at the current width."""
        return self.fontMetrics().elidedText(
            self.text(), Qt.TextElideMode.ElideMiddle, self.contentsRect().width()
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        self.style().drawItemText(
            painter,
            self.contentsRect(),
            int(self.alignment()),
            self.palette(),
            self.isEnabled(),
            self.shown_text(),
            self.foregroundRole(),
        )


class WrappedText(QWidget):
    """Text that wraps to the width it gets: at word boundaries where it can, inside a long
    word (a file name, a folder) where it must, so none of it is ever cut off."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = text
        policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def text(self) -> str:
        return self._text

    def layout_lines(self, width: int) -> tuple[QTextLayout, float, float]:
        """The text laid out in ``width``: the layout, its height and its widest line."""
        layout = QTextLayout(self._text, self.font())
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        layout.beginLayout()
        y = widest = 0.0
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(max(1, width))
            line.setPosition(QPointF(0, y))
            y += line.height()
            widest = max(widest, line.naturalTextWidth())
        layout.endLayout()
        return layout, y, widest

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return max(self.fontMetrics().height(), math.ceil(self.layout_lines(width)[1]))

    def sizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        return QSize(metrics.horizontalAdvance(self._text) + 1, metrics.height())

    def minimumSizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        return QSize(metrics.averageCharWidth() * 4, metrics.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # Held as a minimum too: not every Qt honours height-for-width inside a grid (6.7
        # gave a wrapped path 266 px where it needed 280), but every one honours a minimum.
        needed = self.heightForWidth(self.width())
        if needed != self.minimumHeight():
            self.setMinimumHeight(needed)

    def setText(self, text: str) -> None:
        if text != self._text:
            self._text = text
            self.setMinimumHeight(self.heightForWidth(self.width()))
            self.updateGeometry()
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        self.layout_lines(self.width())[0].draw(painter, QPointF(0, 0))


class DetailsView(QWidget):
    """A photo's facts as lines of a name and a value. A long value (a file name, a folder)
    wraps to the width it gets (and is whole in its tooltip): at a narrow pane or 2x scaling
    nothing is cut off at the edge."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(10)
        self._grid.setVerticalSpacing(1)
        self._grid.setColumnStretch(1, 1)
        self._keys: list[QLabel] = []
        self.values: list[WrappedText] = []
        self._rows: list[tuple[str, str]] = []

    def set_rows(self, rows: list[tuple[str, str]]) -> None:
        while len(self._keys) < len(rows):
            key = QLabel(self)
            key.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            key.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            value = WrappedText("", self)
            self._grid.addWidget(key, len(self._keys), 0)
            self._grid.addWidget(value, len(self._keys), 1)
            self._keys.append(key)
            self.values.append(value)
        for n, (key, value) in enumerate(zip(self._keys, self.values, strict=True)):
            shown = n < len(rows)
            key.setVisible(shown)
            value.setVisible(shown)
            key.setText(rows[n][0] if shown else "")
            value.setText(rows[n][1] if shown else "")
            value.setToolTip(rows[n][1] if shown else "")
        self._rows = list(rows)

    def text(self) -> str:
        """Every line, whole: "File: IMG_1.jpg", one a line."""
        return "\n".join(f"{k}: {v}" for k, v in self._rows)


class _DetailsArea(QScrollArea):
    """The details, scrolled when the pane is too short for them all (a small window at 2x):
    wrapped values then stay whole rather than being squeezed shorter than their lines."""

    def __init__(self, details: DetailsView, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWidget(details)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def sizeHint(self) -> QSize:
        # As tall as the details at the width they have now: all of them when there is room.
        details = self.widget()
        if details is None:
            return super().sizeHint()
        return QSize(super().sizeHint().width(), details.heightForWidth(self.viewport().width()))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.updateGeometry()


class _Side:
    """One side of the pane: caption, canvas and metadata, placed in the pane's grid so both
    sides' pictures line up whatever the length of their details."""

    def __init__(self, state: ZoomState, name: str, parent: QWidget) -> None:
        self.caption = ElidedLabel("", parent)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.hide()  # shown when comparing, to say which side is which
        self.canvas = ImageCanvas(state, parent)
        self.canvas.setAccessibleName(f"{name} picture")
        self.info = DetailsView(f"{name} details")
        self.details_area = _DetailsArea(self.info, parent)
        self.member: Member | None = None
        self.group: Group | None = None  # the member's group, for why it is kept or proven
        self.photo_info = PhotoInfo()

    def set_visible(self, visible: bool, *, caption: bool) -> None:
        self.canvas.setVisible(visible)
        self.details_area.setVisible(visible)
        self.caption.setVisible(visible and caption)

    def show_info(self) -> None:
        member, info = self.member, self.photo_info
        if member is None:
            self.info.set_rows([])
            self.caption.setText("")
            self.caption.setToolTip("")
            return
        name = names.quoted(os.path.basename(member.path))
        self.caption.setText(f"{words.match_label(member)} · {name}")
        self.caption.setToolTip(names.quoted(member.path))
        width, height = info.width or member.width, info.height or member.height
        taken = info.taken or member.taken
        unknown = QCoreApplication.translate("PreviewPane", "unknown")
        taken_text = words.exif_date(taken) if taken else unknown
        self.info.set_rows(
            [
                (
                    QCoreApplication.translate("PreviewPane", "File"),
                    names.quoted(os.path.basename(member.path)),
                ),
                (
                    QCoreApplication.translate("PreviewPane", "Folder"),
                    names.quoted(os.path.dirname(member.path)),
                ),
                (
                    QCoreApplication.translate("PreviewPane", "Dimensions"),
                    QCoreApplication.translate("PreviewPane", "{width} × {height} px").format(
                        width=width, height=height
                    ),
                ),
                (
                    QCoreApplication.translate("PreviewPane", "Size"),
                    QCoreApplication.translate("PreviewPane", "{size} ({exact})").format(
                        size=words.size(member.size), exact=words.exact_size(member.size)
                    ),
                ),
                (
                    QCoreApplication.translate("PreviewPane", "Format"),
                    info.format or member.format or unknown,
                ),
                (QCoreApplication.translate("PreviewPane", "Taken"), taken_text),
                (
                    QCoreApplication.translate("PreviewPane", "Modified"),
                    words.timestamp(member.mtime_ns),
                ),
                (QCoreApplication.translate("PreviewPane", "Camera"), info.camera or unknown),
                (
                    QCoreApplication.translate("PreviewPane", "Match"),
                    words.match_label(member)
                    + (
                        QCoreApplication.translate("PreviewPane", " · reference folder")
                        if member.is_reference
                        else ""
                    ),
                ),
                *self._changed(member),
                *self._why(member),
            ]
        )

    def _changed(self, member: Member) -> list[tuple[str, str]]:
        """What the verifier found changed from the file the member was proven against."""
        changed = words.changes(self.group, member) if self.group is not None else ""
        return [(QCoreApplication.translate("PreviewPane", "Changed"), changed)] if changed else []

    def _why(self, member: Member) -> list[tuple[str, str]]:
        """Why the keeper is kept, or which file a member was verified against."""
        group = self.group
        if group is not None and group.keeper.path == member.path:
            kept = words.keeper_why(group)
            return [(QCoreApplication.translate("PreviewPane", "Kept"), kept)]
        note = words.proof_note(member)
        return [(QCoreApplication.translate("PreviewPane", "Proof"), note)] if note else []


class PreviewPane(QWidget):
    """The current member large, or two members compared (side by side, blinking one on the
    other, or their difference), with their details."""

    compare_toggled = Signal(bool)
    launch_failed = Signal(str)  # Open or Show in Folder found nothing to hand the photo to
    pair_aligned = Signal()  # a blink or difference has its pictures

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Preview"))
        # The pool goes first so it is destroyed (waiting for running loads) before the
        # signal carriers those loads emit on.
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._signals = _PreviewSignals(self)
        self._signals.loaded.connect(self._on_loader_loaded)
        self._align_signals = _AlignSignals(self)
        self._align_signals.aligned.connect(self._on_aligner_aligned)
        self._pending: dict[int, QRunnable] = {}
        self._token = 0
        self._wanted: dict[int, str] = {}  # side -> path it should show
        self._tokens: dict[int, int] = {}  # side -> token of its latest request
        self._current: Member | None = None
        self._other: Member | None = None
        self._swapped = False
        self._mode = CompareMode.SIDE_BY_SIDE
        self._aligned: AlignedPair | None = None
        self._aligned_pair: tuple[str, str] = ("", "")  # (first, second) paths it shows
        self._align_token = 0
        self._blink_second = False
        self.zoom = ZoomState(self)

        self.title = ElidedLabel(self.tr("No photo selected"), self)
        title_font = self.title.font()
        title_font.setBold(True)
        title_font.setPointSizeF(title_font.pointSizeF() * 1.1)
        self.title.setFont(title_font)
        self.title.setAccessibleName(self.tr("Photo name"))

        self.compare_button = QToolButton(self)
        self.compare_button.setText(self.tr("Compare"))
        self.compare_button.setCheckable(True)
        self.compare_button.setToolTip(
            self.tr("Show this photo next to another member of its group")
        )
        self.compare_button.setAccessibleName(self.tr("Compare side by side"))
        self.compare_button.toggled.connect(self._on_compare_button_toggled)
        self.fit_button = QToolButton(self)
        self.fit_button.setText(self.tr("Fit"))
        self.fit_button.setToolTip(
            self.tr("Fit the whole picture (double-click the picture to zoom)")
        )
        self.fit_button.setAccessibleName(self.tr("Zoom to fit"))
        self.fit_button.clicked.connect(self.zoom.reset)
        self.open_button = QPushButton(self.tr("Open"), self)
        self.open_button.setToolTip(self.tr("Open with the default image viewer"))
        self.open_button.setAccessibleName(self.tr("Open in default viewer"))
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.folder_button = QPushButton(self.tr("Show in folder"), self)
        self.folder_button.setToolTip(self.tr("Open the folder that holds this photo"))
        self.folder_button.setAccessibleName(self.tr("Show in folder"))
        self.folder_button.clicked.connect(self._on_folder_button_clicked)

        for tool in (self.compare_button, self.fit_button):
            # As tall as the push buttons beside them, so the row lines up.
            tool.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        # The name has a line of its own: beside four buttons a narrow pane left it a stub.
        bar = QHBoxLayout()
        bar.setSpacing(6)
        bar.addWidget(self.compare_button)
        bar.addWidget(self.fit_button)
        bar.addStretch(1)
        bar.addWidget(self.open_button)
        bar.addWidget(self.folder_button)

        # The comparison's own tools, on a line of their own while comparing.
        self.compare_tools = QWidget(self)
        tools = QHBoxLayout(self.compare_tools)
        tools.setContentsMargins(0, 0, 0, 0)
        tools.setSpacing(6)
        self.swap_button = QToolButton(self.compare_tools)
        self.swap_button.setText(self.tr("⇄ Swap"))
        self.swap_button.setToolTip(self.tr("Swap the two sides"))
        self.swap_button.setAccessibleName(self.tr("Swap sides"))
        self.swap_button.clicked.connect(self.swap)
        tools.addWidget(self.swap_button)
        tools.addSpacing(8)
        self.mode_buttons: dict[CompareMode, QToolButton] = {}
        self._mode_group = QButtonGroup(self)
        for mode, text, tip in (
            (
                CompareMode.SIDE_BY_SIDE,
                self.tr("Side by Side"),
                self.tr("The two photos next to each other"),
            ),
            (CompareMode.BLINK, self.tr("Blink"), self.tr("One photo on the other, shown in turn")),
            (
                CompareMode.DIFFERENCE,
                self.tr("Difference"),
                self.tr(
                    "Where the two photos differ, laid one on the other as the match found them"
                ),
            ),
        ):
            button = QToolButton(self.compare_tools)
            button.setText(text)
            button.setToolTip(tip)
            button.setAccessibleName(self.tr("Compare: {mode}").format(mode=text))
            button.setCheckable(True)
            button.setProperty("mode", mode.value)
            self._mode_group.addButton(button)
            self.mode_buttons[mode] = button
            tools.addWidget(button)
        self.mode_buttons[CompareMode.SIDE_BY_SIDE].setChecked(True)
        self._mode_group.buttonClicked.connect(self._on_mode_button_clicked)
        tools.addStretch(1)
        for tool in (self.swap_button, *self.mode_buttons.values()):
            tool.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.compare_tools.hide()

        self.sides = (
            _Side(self.zoom, self.tr("Current"), self),
            _Side(self.zoom, self.tr("Compared"), self),
        )
        # One picture over both columns for a blink or a difference.
        self.overlay = ImageCanvas(self.zoom, self)
        self.overlay.setAccessibleName(self.tr("Compared pictures"))
        self.overlay_caption = ElidedLabel("", self)
        self.overlay_caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.overlay_caption.setAccessibleName(self.tr("Comparison"))
        pictures = QGridLayout()
        pictures.setHorizontalSpacing(10)
        pictures.setVerticalSpacing(6)
        for column, side in enumerate(self.sides):
            pictures.addWidget(side.caption, 0, column)
            pictures.addWidget(side.canvas, 1, column)
            pictures.addWidget(side.details_area, 2, column)
            pictures.setColumnStretch(column, 1)
        pictures.addWidget(self.overlay_caption, 0, 0, 1, 2)
        pictures.addWidget(self.overlay, 1, 0, 1, 2)
        pictures.setRowStretch(1, 1)
        self._pictures = pictures
        self._blink_timer = QTimer(self)
        self._blink_timer.setInterval(BLINK_INTERVAL_MS)
        self._blink_timer.timeout.connect(self._on_blink_timer_timeout)
        self._show_second_side(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.title)
        layout.addLayout(bar)
        layout.addWidget(self.compare_tools)
        self.notice = QLabel(self)
        self.notice.setWordWrap(True)
        self.notice.setAccessibleName(self.tr("Notice"))
        self.notice.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.notice.hide()
        layout.addWidget(self.notice)
        layout.addLayout(pictures, 1)
        self._update_buttons()

    # --- what to show ---------------------------------------------------------------------

    @property
    def member(self) -> Member | None:
        """The current photo (on the left, unless swapped)."""
        return self._current

    @property
    def compared_member(self) -> Member | None:
        return self._other if self.is_comparing() else None

    def is_comparing(self) -> bool:
        return self.compare_button.isChecked()

    def is_swapped(self) -> bool:
        return self._swapped

    @property
    def aligned(self) -> AlignedPair | None:
        """The pictures of the blink or difference on screen (None while they are made)."""
        return self._aligned

    def show_member(
        self, member: Member | None, other: Member | None = None, group: Group | None = None
    ) -> None:
        """Show ``member``; when comparing, ``other`` goes on the right (left when swapped).
        ``group``, their group, lets the details say why its keeper is kept."""
        for side in self.sides:
            if side.group != group:
                side.group = group
                if side.member is not None:
                    side.show_info()
        if member is None or member != self._current:
            self.show_notice("")
        self._current = member
        self._other = other if self.is_comparing() and member is not None else None
        left: Member | None = member
        right: Member | None = self._other
        if self._swapped and self._other is not None:
            left, right = right, left
        self._load(0, left)
        self._load(1, right)
        name = (
            names.quoted(os.path.basename(member.path)) if member else self.tr("No photo selected")
        )
        self.title.setText(name)
        self.title.setToolTip(names.quoted(member.path) if member else "")
        self._update_buttons()
        self._update_overlay()

    def set_comparing(self, on: bool) -> None:
        self.compare_button.setChecked(on)

    def set_compare_mode(self, mode: CompareMode) -> None:
        """Side by side, blink or difference (while comparing)."""
        self.mode_buttons[mode].setChecked(True)
        if mode is not self._mode:
            self._mode = mode
            self._show_second_side(self.is_comparing())
            self._update_overlay()

    @Slot()
    def swap(self) -> None:
        """Put the compared photo on the left and the current one on the right, or back."""
        if not self.is_comparing():
            return
        self._swapped = not self._swapped
        self.show_member(self._current, self._other)

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        self._blink_timer.stop()
        for token, loader in list(self._pending.items()):
            if self._pool.tryTake(loader):
                del self._pending[token]
        done = self._pool.waitForDone(timeout_ms)
        self._pending.clear()
        return done

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    # --- loading --------------------------------------------------------------------------

    def _load(self, side_no: int, member: Member | None) -> None:
        side = self.sides[side_no]
        if member is not None and side.member == member and side_no in self._wanted:
            return  # already shown or on its way
        side.member = member
        side.photo_info = PhotoInfo()
        side.show_info()
        old = self._tokens.pop(side_no, None)
        if old is not None and old in self._pending and self._pool.tryTake(self._pending[old]):
            del self._pending[old]  # never started: a newer photo replaces it
        if member is None:
            self._wanted.pop(side_no, None)
            side.canvas.set_image(QImage(), self.tr("No photo selected") if side_no == 0 else "")
            return
        self._token += 1
        self._wanted[side_no] = member.path
        self._tokens[side_no] = self._token
        side.canvas.set_image(QImage(), self.tr("Loading…"))
        edge = int(PREVIEW_EDGE_PX * max(1.0, self.devicePixelRatioF()) // 1)
        loader = _PreviewLoader(self._token, member.path, min(edge, 4096), self._signals)
        self._pending[self._token] = loader
        self._pool.start(loader)

    @Slot(int, object, QImage, object)
    def _on_loader_loaded(self, token: int, path: str, image: QImage, info: object) -> None:
        self._pending.pop(token, None)
        for side_no, side_token in self._tokens.items():
            if side_token != token:
                continue
            side = self.sides[side_no]
            if not image.isNull():
                image.setDevicePixelRatio(max(1.0, self.devicePixelRatioF()))
            side.canvas.set_image(
                image, "" if not image.isNull() else self.tr("Cannot show this file")
            )
            if isinstance(info, PhotoInfo):
                side.photo_info = info
            side.show_info()

    # --- blink and difference -------------------------------------------------------------

    def _overlaid(self) -> bool:
        return self.is_comparing() and self._mode is not CompareMode.SIDE_BY_SIDE

    def _update_overlay(self) -> None:
        """Show (or start making) the blink or difference of the two sides."""
        if not self._overlaid():
            self._blink_timer.stop()
            return
        first, second = self.sides[0].member, self.sides[1].member
        if first is None or second is None:
            self._aligned = None
            self._blink_timer.stop()
            self.overlay.set_image(QImage(), self.tr("Pick a second photo to compare"))
            self.overlay_caption.setText("")
            return
        pair = (first.path, second.path)
        if pair != self._aligned_pair:
            self._aligned = None
            self._aligned_pair = pair
            self._token += 1
            self._align_token = self._token
            loader = _AlignLoader(self._token, first, second, self._align_signals)
            self._pending[self._token] = loader
            self._pool.start(loader)
        if self._aligned is None:
            self._blink_timer.stop()
            self.overlay.set_image(QImage(), self.tr("Laying one photo on the other…"))
            self.overlay_caption.setText("")
            return
        self._show_aligned()

    def _show_aligned(self) -> None:
        aligned = self._aligned
        first, second = self.sides[0].member, self.sides[1].member
        if aligned is None or first is None or second is None:
            return
        if self._mode is CompareMode.DIFFERENCE:
            self._blink_timer.stop()
            self.overlay.set_image(self._with_ratio(aligned.difference))
            self.overlay_caption.setText(
                words.difference_summary(aligned.mean_difference, aligned.how)
            )
        else:
            if not self._blink_timer.isActive():
                self._blink_timer.start()
            shown = second if self._blink_second else first
            image = aligned.second if self._blink_second else aligned.first
            self.overlay.set_image(self._with_ratio(image))
            self.overlay_caption.setText(
                words.blink_caption(
                    2 if self._blink_second else 1,
                    f"{words.match_label(shown)} · {os.path.basename(shown.path)}",
                    aligned.how,
                )
            )
        self.overlay_caption.setToolTip(self.overlay_caption.text())

    def _with_ratio(self, image: QImage) -> QImage:
        shown = QImage(image)
        shown.setDevicePixelRatio(max(1.0, self.devicePixelRatioF()))
        return shown

    @Slot(int, object)
    def _on_aligner_aligned(self, token: int, result: object) -> None:
        self._pending.pop(token, None)
        if token != self._align_token:
            return  # a pair no longer shown
        if isinstance(result, AlignedPair):
            self._aligned = result
            self._show_aligned()
            self.pair_aligned.emit()
        else:
            self.overlay.set_image(
                QImage(), self.tr("Cannot compare these photos: {reason}").format(reason=result)
            )

    @Slot()
    def _on_blink_timer_timeout(self) -> None:
        self._blink_second = not self._blink_second
        self._show_aligned()

    @Slot()
    def _on_mode_button_clicked(self) -> None:
        button = self._mode_group.checkedButton()
        if button is not None:
            self.set_compare_mode(CompareMode(button.property("mode")))

    # --- buttons --------------------------------------------------------------------------

    def show_notice(self, text: str) -> None:
        """A line under the buttons (a launch that failed); the next photo clears it."""
        self.notice.setText(text)
        self.notice.setToolTip(text)
        self.notice.setVisible(bool(text))

    def _update_buttons(self) -> None:
        has = self._current is not None
        self.open_button.setEnabled(has)
        self.folder_button.setEnabled(has)
        self.fit_button.setEnabled(has)
        self.swap_button.setEnabled(self._other is not None)

    @Slot(bool)
    def _on_compare_button_toggled(self, on: bool) -> None:
        if not on:
            self._swapped = False
            self._other = None
            self._load(1, None)
            self._load(0, self._current)
        self._show_second_side(on)
        self._update_buttons()
        self.compare_toggled.emit(on)

    def _show_second_side(self, on: bool) -> None:
        overlaid = on and self._mode is not CompareMode.SIDE_BY_SIDE
        self.compare_tools.setVisible(on)
        for side_no, side in enumerate(self.sides):
            side.set_visible(on or side_no == 0, caption=on and not overlaid)
            side.canvas.setVisible((on or side_no == 0) and not overlaid)
        self.overlay.setVisible(overlaid)
        self.overlay_caption.setVisible(overlaid)
        if not overlaid:
            self._blink_timer.stop()
        # An empty column with a stretch factor would still take half the width.
        self._pictures.setColumnStretch(1, 1 if on else 0)

    @Slot()
    def _on_open_button_clicked(self) -> None:
        member = self._current
        if member is not None and not open_file(member.path):
            self.launch_failed.emit(words.no_viewer(member.path))

    @Slot()
    def _on_folder_button_clicked(self) -> None:
        member = self._current
        if member is not None and not show_in_folder(member.path):
            self.launch_failed.emit(words.no_file_manager(os.path.dirname(member.path)))
