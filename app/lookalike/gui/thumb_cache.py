"""The thumbnail cache: decodes thumbnails on its own thread pool and keeps a bounded LRU of
pixmaps for the grid.

Decoding happens off the GUI thread into a ``QImage`` (``QImageReader.setScaledSize`` lets
libjpeg decode at 1/2, 1/4 or 1/8 scale, which is most of the cost saved); only the GUI thread
turns an image into a ``QPixmap``, because QPixmap is GUI-thread only. A file that cannot be
decoded is remembered as broken and gets a drawn placeholder, never a retry loop.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Collection
from typing import BinaryIO

from PIL import Image, ImageOps
from PySide6.QtCore import (
    QFile,
    QFileDevice,
    QIODevice,
    QObject,
    QPointF,
    QRectF,
    QRunnable,
    QSize,
    Qt,
    QThreadPool,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QGuiApplication, QImage, QImageReader, QPainter, QPen, QPixmap

from lookalike.core.metadata import MAX_PIXELS
from lookalike.core.reading import open_regular

log = logging.getLogger(__name__)

THUMB_BUDGET_BYTES = 256 * 1024 * 1024  # ~800 thumbnails of 320 x 240 px at 4 bytes a pixel

Key = tuple[str, int]


def load_thumbnail(path: str, edge_px: int) -> QImage:
    """Decode ``path`` to fit in ``edge_px`` x ``edge_px`` with EXIF orientation applied.

    Safe on any thread. Returns a null QImage when the file cannot be decoded.
    """
    # Opened by the engine's reader, then handed to Qt as a descriptor: a FIFO or a link swapped
    # in since the scan is refused without blocking this thread, and a name that is not UTF-8
    # reaches the file (a QString cannot hold its undecodable bytes; Qt would open another).
    try:
        f, _ = open_regular(path)
    except OSError:
        return QImage()
    with f:
        device = QFile()
        if not device.open(
            f.fileno(), QIODevice.OpenModeFlag.ReadOnly, QFileDevice.FileHandleFlag.DontCloseHandle
        ):
            return QImage()
        try:
            return _decode_thumbnail(device, f, path, edge_px)
        finally:
            device.close()


def _decode_thumbnail(device: QFile, f: BinaryIO, path: str, edge_px: int) -> QImage:
    reader = QImageReader(device)
    reader.setAutoTransform(True)
    reader.setDecideFormatFromContent(True)
    if reader.canRead():
        size = reader.size()
        if size.isValid():
            if size.width() * size.height() > MAX_PIXELS:
                return QImage()
            if size.width() > edge_px or size.height() > edge_px:
                # The box is square, so fitting the stored size also fits the rotated one.
                reader.setScaledSize(
                    size.scaled(edge_px, edge_px, Qt.AspectRatioMode.KeepAspectRatio)
                )
        image = reader.read()
        if not image.isNull():
            if image.width() > edge_px or image.height() > edge_px:
                image = image.scaled(
                    edge_px,
                    edge_px,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            return _display_ready(image)
        return QImage()
    # No Qt plugin for this format (AVIF, HEIC with pillow-heif): Pillow can still decode it.
    f.seek(0)
    return _load_with_pillow(f, path, edge_px)


def _display_ready(image: QImage) -> QImage:
    # Premultiplied ARGB is what the raster paint engine blits without converting per paint.
    target = (
        QImage.Format.Format_ARGB32_Premultiplied
        if image.hasAlphaChannel()
        else QImage.Format.Format_RGB32
    )
    return image if image.format() == target else image.convertToFormat(target)


def _load_with_pillow(f: BinaryIO, path: str, edge_px: int) -> QImage:
    try:
        with Image.open(f) as opened:
            if opened.width * opened.height > MAX_PIXELS:
                return QImage()
            opened.draft("RGB", (edge_px, edge_px))
            picture = ImageOps.exif_transpose(opened).convert("RGBA")
            picture.thumbnail((edge_px, edge_px))
            data = picture.tobytes()
            image = QImage(
                data,
                picture.width,
                picture.height,
                picture.width * 4,
                QImage.Format.Format_RGBA8888,
            )
            return _display_ready(image.copy())  # copy: ``data`` dies with this frame
    except Exception:  # a hostile file can make any Pillow parser raise anything
        log.debug("no thumbnail for %s", path, exc_info=True)
        return QImage()


class _LoaderSignals(QObject):
    """Carries results from the pool to the GUI thread (QRunnable is not a QObject)."""

    # path, edge_px, image (null when the decode failed). The path travels as a Python object:
    # a QString would drop the undecodable bytes of a name that is not UTF-8.
    loaded = Signal(object, int, QImage)


class _Loader(QRunnable):
    def __init__(self, path: str, edge_px: int, signals: _LoaderSignals) -> None:
        super().__init__()
        self.path = path
        self.edge_px = edge_px
        self._signals = signals
        # The cache holds the reference until the result arrives; Qt must not delete it.
        self.setAutoDelete(False)

    def run(self) -> None:
        image = load_thumbnail(self.path, self.edge_px)
        self._signals.loaded.emit(self.path, self.edge_px, image)


class ThumbCache(QObject):
    """Thumbnails by (path, edge in device pixels), loaded lazily, kept in a bounded LRU."""

    thumbnail_ready = Signal(object)  # a thumbnail (or the broken mark) for this path (a str)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        budget_bytes: int = THUMB_BUDGET_BYTES,
        threads: int | None = None,
    ) -> None:
        super().__init__(parent)
        self._budget = budget_bytes
        self._cost = 0
        self._pixmaps: OrderedDict[Key, QPixmap] = OrderedDict()
        self._broken: set[str] = set()
        self._placeholders: dict[int, QPixmap] = {}
        self._pending: dict[Key, _Loader] = {}
        self.device_pixel_ratio = 1.0
        # The pool goes first: children are destroyed in creation order, so the pool waits
        # for running loads before the signal carrier they emit on is gone.
        self._pool = QThreadPool(self)
        # The scan owns the cores' worth of processes; two decoders keep scrolling fed on
        # the 2-core baseline without starving it (a 12 MP JPEG thumbnail costs ~35 ms).
        ideal = QThreadPool.globalInstance().maxThreadCount()
        self._pool.setMaxThreadCount(threads or max(2, min(4, ideal // 2)))
        self._signals = _LoaderSignals(self)
        self._signals.loaded.connect(self._on_loader_loaded)

    # --- the public surface ---------------------------------------------------------------

    def get(self, path: str, edge_px: int) -> QPixmap | None:
        """The thumbnail of ``path`` fitting ``edge_px``, the broken placeholder for a file
        that cannot be decoded, or None while it loads (a miss queues one load)."""
        if path in self._broken:
            return self.broken_pixmap(edge_px)
        key = (path, edge_px)
        pixmap = self._pixmaps.get(key)
        if pixmap is not None:
            self._pixmaps.move_to_end(key)
            return pixmap
        if key not in self._pending:
            loader = _Loader(path, edge_px, self._signals)
            self._pending[key] = loader
            self._pool.start(loader)
        return None

    def is_broken(self, path: str) -> bool:
        return path in self._broken

    def contains(self, path: str, edge_px: int) -> bool:
        return (path, edge_px) in self._pixmaps

    @property
    def in_flight(self) -> int:
        """Loads queued or running."""
        return len(self._pending)

    @property
    def cost_bytes(self) -> int:
        return self._cost

    @property
    def budget_bytes(self) -> int:
        return self._budget

    def __len__(self) -> int:
        return len(self._pixmaps)

    def keep_pending_only(self, paths: Collection[str]) -> int:
        """Drop queued (not yet running) loads for paths outside ``paths``, e.g. rows that
        scrolled out of view. Returns how many were dropped."""
        dropped = 0
        for key, loader in list(self._pending.items()):
            if key[0] not in paths and self._pool.tryTake(loader):
                del self._pending[key]
                dropped += 1
        return dropped

    def forget(self, paths: Collection[str]) -> None:
        """Drop everything known about ``paths`` (trashed or changed files)."""
        for key in [k for k in self._pixmaps if k[0] in paths]:
            self._cost -= _cost_of(self._pixmaps.pop(key))
        self._broken.difference_update(paths)

    def clear(self) -> None:
        """Drop cached pixmaps and queued loads; loads already running finish unheard."""
        for key, loader in list(self._pending.items()):
            if self._pool.tryTake(loader):
                del self._pending[key]
        self._pixmaps.clear()
        self._broken.clear()
        self._cost = 0

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Cancel queued loads and wait for running ones; True if the pool went idle."""
        self.clear()
        done = self._pool.waitForDone(timeout_ms)
        self._pending.clear()
        return done

    def broken_pixmap(self, edge_px: int) -> QPixmap:
        """A drawn "cannot show this picture" mark, in the palette's colours."""
        pixmap = self._placeholders.get(edge_px)
        if pixmap is None:
            pixmap = _draw_broken(edge_px)
            pixmap.setDevicePixelRatio(self.device_pixel_ratio)
            self._placeholders[edge_px] = pixmap
        return pixmap

    # --- results --------------------------------------------------------------------------

    @Slot(object, int, QImage)
    def _on_loader_loaded(self, path: str, edge_px: int, image: QImage) -> None:
        key = (path, edge_px)
        if self._pending.pop(key, None) is None:
            return  # cleared meanwhile: the result belongs to no one
        if image.isNull():
            self._broken.add(path)
        else:
            pixmap = QPixmap.fromImage(image)
            pixmap.setDevicePixelRatio(self.device_pixel_ratio)
            self._insert(key, pixmap)
        self.thumbnail_ready.emit(path)

    def _insert(self, key: Key, pixmap: QPixmap) -> None:
        old = self._pixmaps.pop(key, None)
        if old is not None:
            self._cost -= _cost_of(old)
        self._pixmaps[key] = pixmap
        self._cost += _cost_of(pixmap)
        # Evict the least recently used, but never the one just inserted.
        while self._cost > self._budget and len(self._pixmaps) > 1:
            _, evicted = self._pixmaps.popitem(last=False)
            self._cost -= _cost_of(evicted)


def _cost_of(pixmap: QPixmap) -> int:
    return pixmap.width() * pixmap.height() * max(1, pixmap.depth() // 8)


def _draw_broken(edge_px: int) -> QPixmap:
    """A picture frame with a crack through it, for files that cannot be decoded."""
    edge = max(16, edge_px)
    side = edge * 3 // 4
    pixmap = QPixmap(QSize(edge, side))
    pixmap.fill(Qt.GlobalColor.transparent)
    palette = QGuiApplication.palette()
    ink = QColor(palette.color(palette.ColorRole.PlaceholderText))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    unit = edge / 16
    pen = QPen(ink, max(1.0, unit * 0.6))
    painter.setPen(pen)
    frame = QRectF(edge * 0.3, side * 0.25, edge * 0.4, side * 0.5)
    painter.drawRoundedRect(frame, unit * 0.6, unit * 0.6)
    # Mountains and a sun, the usual "picture" glyph.
    painter.drawPolyline(
        [
            QPointF(frame.left(), frame.bottom() - frame.height() * 0.2),
            QPointF(frame.left() + frame.width() * 0.35, frame.top() + frame.height() * 0.45),
            QPointF(frame.left() + frame.width() * 0.6, frame.bottom() - frame.height() * 0.35),
            QPointF(frame.right(), frame.top() + frame.height() * 0.3),
        ]
    )
    painter.drawEllipse(
        QPointF(frame.left() + frame.width() * 0.72, frame.top() + frame.height() * 0.28),
        unit * 0.7,
        unit * 0.7,
    )
    # The crack: a zigzag across the frame, in the error tone.
    crack = QColor(ink)
    crack.setRgb(0xD0, 0x3A, 0x2F)
    painter.setPen(QPen(crack, max(1.0, unit * 0.8)))
    painter.drawPolyline(
        [
            QPointF(frame.left() + frame.width() * 0.55, frame.top() - unit),
            QPointF(frame.left() + frame.width() * 0.45, frame.top() + frame.height() * 0.35),
            QPointF(frame.left() + frame.width() * 0.6, frame.top() + frame.height() * 0.55),
            QPointF(frame.left() + frame.width() * 0.48, frame.bottom() + unit),
        ]
    )
    painter.end()
    return pixmap
