"""The preview pane: the current photo large with its metadata, or two members side by side
with shared zoom and pan; "Open" and "Show in folder" hand off to the desktop.

Pictures and EXIF are read on the pane's own thread pool; the GUI thread only paints.
"""

from __future__ import annotations

import html
import os

from PySide6.QtCore import (
    QObject,
    QPointF,
    QRectF,
    QRunnable,
    QSize,
    Qt,
    QThreadPool,
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
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from lookalike.core import names, words
from lookalike.core.metadata import PhotoInfo, read_photo_info
from lookalike.core.model import Member
from lookalike.gui.thumb_cache import load_thumbnail

PREVIEW_EDGE_PX = 2048  # decoded size cap: sharp on a 4K pane, ~16 MB per picture at most
MAX_ZOOM = 12.0  # relative to "fit"
_WHEEL_STEP = 1.25


def open_file(path: str) -> bool:
    """Open ``path`` in the desktop's default viewer; False when there is none to ask."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(path))


def show_in_folder(path: str) -> bool:
    """Open the folder holding ``path`` in the file manager; False when there is none."""
    # Selecting the file inside its folder needs a per-desktop protocol (D-Bus
    # FileManager1, Explorer /select, Finder reveal); the folder itself works everywhere.
    return QDesktopServices.openUrl(QUrl.fromLocalFile(os.path.dirname(path)))


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
        self._message = "No photo selected"
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


class _Side:
    """One side of the pane: caption, canvas and metadata, placed in the pane's grid so both
    sides' pictures line up whatever the length of their details."""

    def __init__(self, state: ZoomState, name: str, parent: QWidget) -> None:
        self.caption = ElidedLabel("", parent)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.hide()  # shown when comparing, to say which side is which
        self.canvas = ImageCanvas(state, parent)
        self.canvas.setAccessibleName(f"{name} picture")
        self.info = QLabel(parent)
        self.info.setTextFormat(Qt.TextFormat.RichText)
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.info.setWordWrap(True)
        self.info.setAccessibleName(f"{name} details")
        self.info.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.info.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.member: Member | None = None
        self.photo_info = PhotoInfo()

    def set_visible(self, visible: bool, *, caption: bool) -> None:
        self.canvas.setVisible(visible)
        self.info.setVisible(visible)
        self.caption.setVisible(visible and caption)

    def palette(self) -> QPalette:
        return self.info.palette()

    def show_info(self) -> None:
        member, info = self.member, self.photo_info
        if member is None:
            self.info.setText("")
            self.caption.setText("")
            self.caption.setToolTip("")
            return
        name = names.quoted(os.path.basename(member.path))
        self.caption.setText(f"{words.match_label(member)} · {name}")
        self.caption.setToolTip(names.quoted(member.path))
        width, height = info.width or member.width, info.height or member.height
        taken = info.taken or member.taken
        taken_text = words.exif_date(taken) if taken else "unknown"
        rows = [
            ("File", names.quoted(os.path.basename(member.path))),
            ("Folder", names.quoted(os.path.dirname(member.path))),
            ("Dimensions", f"{width} × {height} px"),
            ("Size", f"{words.size(member.size)} ({words.exact_size(member.size)})"),
            ("Format", info.format or member.format or "unknown"),
            ("Taken", taken_text),
            ("Modified", words.timestamp(member.mtime_ns)),
            ("Camera", info.camera or "unknown"),
            (
                "Match",
                words.match_label(member) + (" · reference folder" if member.is_reference else ""),
            ),
        ]
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText).name()
        body = "".join(
            f"<tr><td style='color:{muted}; padding-right:10px'>{html.escape(k)}</td>"
            f"<td>{html.escape(v)}</td></tr>"
            for k, v in rows
        )
        self.info.setText(f"<table cellspacing='0' cellpadding='1'>{body}</table>")


class PreviewPane(QWidget):
    """The current member large, or two members compared, with their details."""

    compare_toggled = Signal(bool)
    launch_failed = Signal(str)  # Open or Show in Folder found nothing to hand the photo to

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Preview")
        # The pool goes first so it is destroyed (waiting for running loads) before the
        # signal carrier those loads emit on.
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._signals = _PreviewSignals(self)
        self._signals.loaded.connect(self._on_loader_loaded)
        self._pending: dict[int, _PreviewLoader] = {}
        self._token = 0
        self._wanted: dict[int, str] = {}  # side -> path it should show
        self._tokens: dict[int, int] = {}  # side -> token of its latest request
        self.zoom = ZoomState(self)

        self.title = ElidedLabel("No photo selected", self)
        title_font = self.title.font()
        title_font.setBold(True)
        title_font.setPointSizeF(title_font.pointSizeF() * 1.1)
        self.title.setFont(title_font)
        self.title.setAccessibleName("Photo name")

        self.compare_button = QToolButton(self)
        self.compare_button.setText("Compare")
        self.compare_button.setCheckable(True)
        self.compare_button.setToolTip("Show this photo next to another member of its group")
        self.compare_button.setAccessibleName("Compare side by side")
        self.compare_button.toggled.connect(self._on_compare_button_toggled)
        self.fit_button = QToolButton(self)
        self.fit_button.setText("Fit")
        self.fit_button.setToolTip("Fit the whole picture (double-click the picture to zoom)")
        self.fit_button.setAccessibleName("Zoom to fit")
        self.fit_button.clicked.connect(self.zoom.reset)
        self.open_button = QPushButton("Open", self)
        self.open_button.setToolTip("Open with the default image viewer")
        self.open_button.setAccessibleName("Open in default viewer")
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.folder_button = QPushButton("Show in folder", self)
        self.folder_button.setToolTip("Open the folder that holds this photo")
        self.folder_button.setAccessibleName("Show in folder")
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

        self.sides = (_Side(self.zoom, "Current", self), _Side(self.zoom, "Compared", self))
        pictures = QGridLayout()
        pictures.setHorizontalSpacing(10)
        pictures.setVerticalSpacing(6)
        for column, side in enumerate(self.sides):
            pictures.addWidget(side.caption, 0, column)
            pictures.addWidget(side.canvas, 1, column)
            pictures.addWidget(side.info, 2, column)
            pictures.setColumnStretch(column, 1)
        pictures.setRowStretch(1, 1)
        self._pictures = pictures
        self._show_second_side(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.title)
        layout.addLayout(bar)
        self.notice = QLabel(self)
        self.notice.setWordWrap(True)
        self.notice.setAccessibleName("Notice")
        self.notice.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.notice.hide()
        layout.addWidget(self.notice)
        layout.addLayout(pictures, 1)
        self._update_buttons()

    # --- what to show ---------------------------------------------------------------------

    @property
    def member(self) -> Member | None:
        return self.sides[0].member

    @property
    def compared_member(self) -> Member | None:
        return self.sides[1].member if self.is_comparing() else None

    def is_comparing(self) -> bool:
        return self.compare_button.isChecked()

    def show_member(self, member: Member | None, other: Member | None = None) -> None:
        """Show ``member``; when comparing, ``other`` goes on the right."""
        if member is None or member != self.sides[0].member:
            self.show_notice("")
        self._load(0, member)
        self._load(1, other if self.is_comparing() else None)
        name = names.quoted(os.path.basename(member.path)) if member else "No photo selected"
        self.title.setText(name)
        self.title.setToolTip(names.quoted(member.path) if member else "")
        self._update_buttons()

    def set_comparing(self, on: bool) -> None:
        self.compare_button.setChecked(on)

    def shutdown(self, timeout_ms: int = 5000) -> bool:
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
            side.canvas.set_image(QImage(), "No photo selected" if side_no == 0 else "")
            return
        self._token += 1
        self._wanted[side_no] = member.path
        self._tokens[side_no] = self._token
        side.canvas.set_image(QImage(), "Loading…")
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
            side.canvas.set_image(image, "" if not image.isNull() else "Cannot show this file")
            if isinstance(info, PhotoInfo):
                side.photo_info = info
            side.show_info()

    # --- buttons --------------------------------------------------------------------------

    def _update_buttons(self) -> None:
        has = self.member is not None
        self.open_button.setEnabled(has)
        self.folder_button.setEnabled(has)
        self.fit_button.setEnabled(has)

    @Slot(bool)
    def _on_compare_button_toggled(self, on: bool) -> None:
        self._show_second_side(on)
        if not on:
            self._load(1, None)
        self.compare_toggled.emit(on)

    def _show_second_side(self, on: bool) -> None:
        self.sides[0].set_visible(True, caption=on)
        self.sides[1].set_visible(on, caption=on)
        # An empty column with a stretch factor would still take half the width.
        self._pictures.setColumnStretch(1, 1 if on else 0)

    def show_notice(self, text: str) -> None:
        """A line under the buttons (a launch that failed); the next photo clears it."""
        self.notice.setText(text)
        self.notice.setToolTip(text)
        self.notice.setVisible(bool(text))

    @Slot()
    def _on_open_button_clicked(self) -> None:
        member = self.member
        if member is not None and not open_file(member.path):
            self.launch_failed.emit(words.no_viewer(member.path))

    @Slot()
    def _on_folder_button_clicked(self) -> None:
        member = self.member
        if member is not None and not show_in_folder(member.path):
            self.launch_failed.emit(words.no_file_manager(os.path.dirname(member.path)))
