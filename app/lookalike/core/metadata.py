"""What a picture file says about itself before its pixels are decoded: format, size as shown,
EXIF orientation, date taken, camera and the program that saved it; and the pixel cap above
which nothing is decoded.

The scan's workers (fingerprints) and the window's preview both read these facts here, so the
two agree on a photo's date, camera and turned dimensions. Pillow parses only the header.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from PIL import Image

from lookalike.core.reading import open_regular

log = logging.getLogger(__name__)

# Larger headers are decompression bombs, or scans beyond what we compare or preview: neither
# the scan nor the window decodes them.
MAX_PIXELS = 250_000_000

_ORIENTATION_TAG = 0x0112
_MAKE_TAG, _MODEL_TAG, _SOFTWARE_TAG = 0x010F, 0x0110, 0x0131
_DATETIME_TAG, _EXIF_IFD, _DATETIME_ORIGINAL_TAG = 0x0132, 0x8769, 0x9003
_MAKER_NOTE_TAG = 0x927C
_EXIF_DATE = "%Y:%m:%d %H:%M:%S"
_SOFTWARE_CHARS = 64  # enough to name a program and its version; a hostile tag can be huge


@dataclass(frozen=True, slots=True)
class ExifFacts:
    """The EXIF fields Lookalike uses."""

    orientation: int = 1  # 1-8 as EXIF numbers them; 5-8 turn the picture by a quarter
    taken: str = ""  # DateTimeOriginal (else DateTime) as written: "2021:06:01 12:00:05"
    camera: str = ""  # make and model, the make said once
    present: bool = False  # the file has an EXIF block at all
    software: str = ""  # the Software tag (EXIF, or a PNG text chunk): who saved the file last
    rewritten: bool = False  # DateTime (last saved) is later than DateTimeOriginal (taken)
    maker_note: bool = False  # the camera's private block; editors and converters often drop it

    @property
    def quarter_turned(self) -> bool:
        return self.orientation >= 5


def exif_facts(image: Image.Image) -> ExifFacts:
    """The EXIF facts of an opened image, from its header only.

    A hostile or broken EXIF block gives no facts rather than an error: they are optional.
    """
    # PNG keeps the program's name in a text chunk, also when it has no EXIF block.
    text_software = _text(image.info.get("Software", ""))[:_SOFTWARE_CHARS]
    if image.format == "PNG" and "exif" not in image.info:
        # Pillow decodes a whole PNG to look for an eXIf chunk after the pixels (1.3 GB for a
        # 225 MP one): only a chunk met in the header counts.
        return ExifFacts(software=text_software)
    try:
        exif = image.getexif()
        if not exif:
            return ExifFacts(software=text_software)
        orientation = exif.get(_ORIENTATION_TAG, 1)
        detail = exif.get_ifd(_EXIF_IFD)
        original = _text(detail.get(_DATETIME_ORIGINAL_TAG, ""))
        saved = _text(exif.get(_DATETIME_TAG, ""))
        make = _text(exif.get(_MAKE_TAG, ""))
        model = _text(exif.get(_MODEL_TAG, ""))
        software = _text(exif.get(_SOFTWARE_TAG, "")) or text_software
        maker_note = _MAKER_NOTE_TAG in detail
    except (OSError, ValueError, SyntaxError, KeyError, TypeError):
        return ExifFacts()
    # Many cameras repeat the make in the model ("Canon" + "Canon EOS 80D").
    camera = model if model.startswith(make) else f"{make} {model}".strip()
    valid = orientation if isinstance(orientation, int) and 1 <= orientation <= 8 else 1
    rewritten = _saved_later(original, saved)
    return ExifFacts(
        valid,
        original or saved,
        camera,
        True,
        software[:_SOFTWARE_CHARS],
        rewritten,
        maker_note,
    )


# Some cameras stamp DateTime a few seconds after DateTimeOriginal while they write the file;
# a program saving it again does so minutes to years later.
_REWRITE_MIN_SECONDS = 120


def _saved_later(taken: str, saved: str) -> bool:
    """Whether the file was saved again well after the picture was taken (EXIF dates)."""
    try:
        taken_at = datetime.strptime(taken, _EXIF_DATE)
        saved_at = datetime.strptime(saved, _EXIF_DATE)
    except ValueError:  # missing, or not a date: no evidence either way
        return False
    return (saved_at - taken_at).total_seconds() > _REWRITE_MIN_SECONDS


def _text(value: object) -> str:
    """An EXIF or PNG text value as clean text (tags may be bytes, padded with NULs)."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return str(value).strip("\x00 ")


@dataclass(frozen=True, slots=True)
class PhotoInfo:
    """What a file's header says about the picture, for display."""

    width: int = 0  # as shown, after the EXIF orientation
    height: int = 0
    format: str = ""
    taken: str = ""
    camera: str = ""


def read_photo_info(path: str) -> PhotoInfo:
    """Format, dimensions as shown, date taken and camera of a file; empty when unreadable.

    Reads the header and EXIF, never the pixels. Safe on any thread.
    """
    try:
        # The engine's reader: a FIFO swapped in since the scan must not block this thread.
        f, _ = open_regular(path)
        with f, Image.open(f) as image:
            width, height = image.size
            facts = exif_facts(image)
            fmt = image.format or ""
    except Exception:  # a hostile header can make any Pillow parser raise; metadata is optional
        log.debug("no metadata for %s", path, exc_info=True)
        return PhotoInfo()
    if facts.quarter_turned:
        width, height = height, width
    return PhotoInfo(width, height, fmt, facts.taken, facts.camera)
