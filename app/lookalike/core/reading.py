"""Opening the files a scan reads: regular files only, never blocking, never through a link,
never more than their header before deciding.

Every read of a file's bytes by the engine (the walk's sniffing of names without an extension,
the content hashes, the fingerprints) opens it here. A FIFO blocks whoever opens it for reading
until a writer comes, a device can do anything when opened, and a file can be replaced by either
between the walk and the read. So the path is checked first without opening it (``lstat``), then
opened with ``O_NONBLOCK`` (a FIFO swapped in meanwhile cannot block) and ``O_NOFOLLOW`` (nor
can a link), and the opened descriptor is checked again (``fstat``): still the same regular file.

A picture's header is parsed through a window on the open file (``HeaderWindow``): a parser
may read that far and no further, so a 3 GB file named ``.jpg`` costs 16 MB at most to be
found out. Per-format size caps then stop files far larger than any photo of that format.
"""

from __future__ import annotations

import errno
import io
import os
import stat
import warnings
from typing import IO, BinaryIO, cast

import PIL
from PIL import Image, UnidentifiedImageError

from lookalike.core import words
from lookalike.core.model import NotRegularFileError, SkipFileError, SkipReason

MB = 10**6  # decimal, as the words show sizes
# Bump when a change to the caps or budgets below (or in how pictures are decoded) may make a
# file that was skipped usable: the cache then tries every remembered skip again.
READ_RULES_VERSION = 1
HEADER_WINDOW_BYTES = 16 * MB  # a JPEG's metadata segments are 64 KB each: ample
# The largest file of each format that is read at all. A photo of MAX_PIXELS stays below these
# (a 250 MP JPEG at quality 95 is ~120 MB, a PNG of it compresses below its 250 MB of gray);
# beyond them lie padded, hostile or scientific files. Formats not listed: the default.
MAX_FILE_BYTES = {"JPEG": 250 * MB, "PNG": 300 * MB, "TIFF": 300 * MB, "BMP": 250 * MB}
DEFAULT_MAX_FILE_BYTES = 60 * MB  # WebP, GIF, AVIF, HEIF: compressed, and capped in pixels

# Missing on Windows, where neither FIFOs nor this kind of link race exist in the same form.
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def _not_regular(mode: int) -> NotRegularFileError:
    if stat.S_ISLNK(mode):
        return NotRegularFileError(SkipReason.SYMLINK)
    return NotRegularFileError(SkipReason.NOT_REGULAR, words.file_kind(mode))


def open_regular(path: str) -> tuple[BinaryIO, os.stat_result]:
    """Open a regular file for reading, with its status as opened.

    Raises:
        NotRegularFileError: the path is (now) a link, a FIFO, a socket, a device or a folder,
            or was replaced while being opened.
        OSError: it could not be opened (missing, permission, I/O error).
    """
    before = os.lstat(path)
    if not stat.S_ISREG(before.st_mode):
        raise _not_regular(before.st_mode)
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # O_NOFOLLOW met a link put there since the lstat
            raise NotRegularFileError(SkipReason.SYMLINK) from None
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _not_regular(st.st_mode)
        if (st.st_dev, st.st_ino) != (before.st_dev, before.st_ino):
            raise NotRegularFileError(SkipReason.CHANGED, words.replaced_while_read())
        # O_NONBLOCK stays set: it has no effect on a regular file's reads.
        return os.fdopen(fd, "rb"), st
    except BaseException:
        os.close(fd)
        raise


def read_prefix(path: str, size: int) -> bytes:
    """The first ``size`` bytes of a regular file; empty for anything else or on any error."""
    try:
        f, _ = open_regular(path)
    except OSError:
        return b""
    with f:
        try:
            return f.read(size)
        except OSError:
            return b""


class HeaderTooLongError(Exception):
    """A header parser asked for bytes beyond the window (not an OSError, so that no parser
    takes it for a truncated file and goes on)."""


class HeaderWindow(io.RawIOBase):
    """A read-only view of the first ``limit`` bytes of an open file, for header parsers."""

    def __init__(self, f: BinaryIO, limit: int = HEADER_WINDOW_BYTES) -> None:
        super().__init__()
        self._f = f
        self._limit = limit

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return self._f.seek(offset, whence)

    def tell(self) -> int:
        return self._f.tell()

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        if self._f.tell() + len(view) > self._limit:
            raise HeaderTooLongError
        data = self._f.read(len(view))
        view[: len(data)] = data
        return len(data)


_heif_available = False


def register_optional_decoders() -> None:
    """Let Pillow open HEIC/HEIF where the optional decoder is installed (once per process)."""
    global _heif_available
    try:
        import pillow_heif

        pillow_heif.register_heif_opener()
        _heif_available = True
    except ImportError:
        pass  # HEIC/HEIF support is the optional `heif` extra


def open_header(fp: IO[bytes] | HeaderWindow, path: str) -> Image.Image:
    """Parse a picture's header with Pillow; nothing is decoded.

    Raises:
        SkipFileError: not a picture, a format without a decoder here, a damaged or oversized
            header; the reason says which in plain words.
    """
    try:
        with warnings.catch_warnings():
            # The scan applies its own, stricter pixel cap and says so plainly.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            # Pillow only reads, seeks and tells, which a HeaderWindow does.
            return Image.open(cast(IO[bytes], fp))
    except UnidentifiedImageError:
        if os.path.splitext(path)[1].lower() in (".heic", ".heif") and not _heif_available:
            raise SkipFileError(SkipReason.UNSUPPORTED, words.heif_needs_extra()) from None
        raise SkipFileError(SkipReason.NOT_AN_IMAGE) from None
    except Image.DecompressionBombError:
        # The cap Pillow applied: the scan's workers set it to metadata.MAX_PIXELS.
        cap = Image.MAX_IMAGE_PIXELS or 0
        raise SkipFileError(SkipReason.TOO_LARGE, words.over_pixel_cap(cap)) from None
    except HeaderTooLongError:
        raise SkipFileError(
            SkipReason.TOO_LARGE, words.header_too_long(HEADER_WINDOW_BYTES)
        ) from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise SkipFileError(SkipReason.DAMAGED, str(exc)) from None


def check_file_size(fmt: str, size: int) -> None:
    """Raises SkipFileError when a file is larger than any picture of its format should be."""
    cap = MAX_FILE_BYTES.get(fmt, DEFAULT_MAX_FILE_BYTES)
    if size > cap:
        raise SkipFileError(SkipReason.TOO_LARGE, words.file_over_cap(size, fmt, cap))


def skip_stamp() -> str:
    """What a remembered skip depended on besides the file: these rules and the decoders."""
    import cv2

    return f"rules {READ_RULES_VERSION}, pillow {PIL.__version__}, opencv {cv2.__version__}"
