"""The engine's vocabulary: options, files, groups, members and why a file was skipped."""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the memory's module reads these records, so it is named here only
    from lookalike.core.not_duplicates import Choice


class ScanMode(enum.Enum):
    """What counts as a duplicate."""

    EXACT = "exact"  # identical bytes only
    SIMILAR = "similar"  # the same picture at another size, quality, format or orientation


class Sensitivity(enum.Enum):
    """How different two photos may be and still be reported as one picture."""

    STRICT = "strict"
    NORMAL = "normal"
    LOOSE = "loose"


class MatchKind(enum.Enum):
    """Why a member is in its group, relative to the group's keeper."""

    KEEPER = "keeper"
    IDENTICAL = "identical"  # byte-for-byte the same file
    SAME_PICTURE = "same-picture"  # the same pixels at another size, quality or format
    SIMILAR = "similar"  # visibly the same photo, edited (crop, brightness, rotation...)


class SkipReason(enum.Enum):
    """Why a file found by the walk did not take part in the comparison."""

    EMPTY = "empty file"
    NOT_AN_IMAGE = "not an image"
    UNREADABLE = "could not be read"
    DAMAGED = "damaged or truncated image"
    TOO_LARGE = "image too large"
    TOO_SMALL = "image too small to compare"
    UNSUPPORTED = "format not supported"
    PERMISSION = "permission denied"
    VANISHED = "file disappeared during the scan"
    CHANGED = "file changed during the scan"
    LINK_LOOP = "symbolic link loop"
    SAME_FILE = "the same file as another path (a link), listed once"
    DECODER_CRASH = "the image decoder crashed on this file"
    NOT_REGULAR = "not a regular file"
    SYMLINK = "a symbolic link: links are never compared, kept or removed, only real files"
    DANGLING_LINK = "a symbolic link to a file that does not exist"


@dataclass(frozen=True, slots=True)
class ScanOptions:
    """Everything one scan needs to know; built by the CLI or the GUI, never mutated."""

    roots: tuple[str, ...]
    reference_roots: tuple[str, ...] = ()
    mode: ScanMode = ScanMode.SIMILAR
    sensitivity: Sensitivity = Sensitivity.NORMAL
    recursive: bool = True
    follow_symlinks: bool = False
    include_hidden: bool = False
    find_rotated: bool = True
    workers: int = 0  # 0: one per core
    cache_path: str | None = None  # None: no cache
    not_duplicates: tuple[Choice, ...] = ()  # what the user said are not duplicates
    # Nobody waits for it (the window getting other levels ready while the user reviews):
    # its worker processes take CPU only when nothing else wants it.
    background: bool = False


@dataclass(frozen=True, slots=True)
class ImageFile:
    """One real file found by the walk (hard links and repeated roots collapsed)."""

    path: str
    size: int
    mtime_ns: int
    inode: int
    is_reference: bool = False
    sidecars: tuple[str, ...] = ()  # the .xmp, .aae, .thm or .json files that belong to it


@dataclass(frozen=True, slots=True)
class Transform:
    """How the second file of a verified pair shows the first one's picture.

    The second picture is the first one mirrored left-right (if ``mirrored``), then turned
    clockwise by ``turn_degrees``, then scaled by ``scale`` (its pixels per pixel of the first);
    ``first_shown`` is the fraction of the first picture's area that the second still shows
    (below 1: the second is a crop), and ``second_shown`` the fraction of the second's area that
    comes from the first (below 1: the second shows more, e.g. the first is its crop). The
    remaining fields say how the pixels changed: colour dropped (``grayscale``) or present only
    in the second (``colourised``), the mean level moved by ``brightness`` (a fraction of the full
    range, second minus first), contrast multiplied by ``contrast``, and the fractions of the
    common region covered by something only the second shows (``added``: text, a logo, a date
    stamp) or only the first shows (``removed``).
    """

    turn_degrees: float = 0.0
    mirrored: bool = False
    scale: float = 1.0
    first_shown: float = 1.0
    second_shown: float = 1.0
    grayscale: bool = False
    colourised: bool = False
    brightness: float = 0.0
    contrast: float = 1.0
    added: float = 0.0
    removed: float = 0.0

    def inverse(self) -> Transform:
        """The same relation seen from the second file."""
        # Undoing "mirror, then turn by a" is "turn back by a, then mirror", which equals
        # "mirror, then turn by a" again; without a mirror it is a turn by -a.
        turn = self.turn_degrees if self.mirrored else (-self.turn_degrees) % 360.0
        return Transform(
            turn_degrees=turn,
            mirrored=self.mirrored,
            scale=1.0 / self.scale if self.scale else 0.0,
            first_shown=self.second_shown,
            second_shown=self.first_shown,
            grayscale=self.colourised,
            colourised=self.grayscale,
            brightness=-self.brightness,
            contrast=1.0 / self.contrast if self.contrast else 0.0,
            added=self.removed,
            removed=self.added,
        )


IDENTITY = Transform()


@dataclass(frozen=True, slots=True)
class Origin:
    """What a file says about where it came from, beyond its size: the facts the keeper rank
    reads (``core/ranking.py``) to tell the camera's file from the copies made of it.

    Computed by the scan's workers from what they read anyway (the header, the EXIF block, the
    JPEG quantisation tables, the reduced decode) and cached with the fingerprint.
    """

    software: str = ""  # EXIF (or PNG) Software: the program that last saved the file
    rewritten: bool = False  # EXIF DateTime later than DateTimeOriginal: saved again after capture
    maker_note: bool = False  # the camera's own EXIF block (MakerNote) is still there
    lossless: bool = False  # PNG, TIFF, BMP, lossless WebP: the format itself loses nothing
    quality: int = 0  # a JPEG's quality (1-100) estimated from its quantisation tables
    # A lossless file whose pixels are a decoded JPEG: that JPEG's quality (0: no JPEG past).
    jpeg_past: int = 0
    upscale: float = 1.0  # how many times the picture was enlarged (1.0: its pixels are real)


NO_ORIGIN = Origin()


@dataclass(frozen=True, slots=True)
class Member:
    """One file of a duplicate group, with what the scan learned about it.

    ``match`` and ``score`` say how it relates to its group's keeper. After the keeper was
    changed by hand or by a rule, a member may have been verified only against the file that
    was the keeper when the scan grouped them: ``proven_with`` then names that file, and
    ``match`` and ``score`` are its relation to that file (the keeper itself was verified against
    the same file, so the member is still proven to show the keeper's picture).
    """

    path: str
    size: int
    mtime_ns: int
    width: int
    height: int
    match: MatchKind
    score: float  # 1.0 for the keeper and identical copies; the verified similarity otherwise
    is_reference: bool = False
    content_hash: str = ""  # hex digest of the bytes; empty when the scan did not need it
    format: str = ""
    taken: str = ""  # EXIF DateTimeOriginal as written in the file, when present
    sidecars: tuple[str, ...] = ()  # its sidecar files: trashed, moved and restored with it
    # How this file shows its keeper's picture (the keeper's own is the identity).
    transform: Transform = IDENTITY
    camera: str = ""  # EXIF make and model, when present
    origin: Origin = NO_ORIGIN
    proven_with: str = ""  # "" when ``match`` relates it to the keeper itself (see above)

    @property
    def pixels(self) -> int:
        return self.width * self.height


class KeeperReason(enum.Enum):
    """Why a group's keeper was chosen over the other members (``core/ranking.py``)."""

    REFERENCE = "reference"  # it is in a reference folder
    FULL_SIZE = "full size"  # the most real pixels
    OTHERS_ENLARGED = "others enlarged"  # the larger members are enlargements
    CAMERA_ORIGINAL = "camera original"  # the camera's metadata, never rewritten
    CAMERA_DATA = "camera data"  # more of the camera's metadata than the others
    QUALITY = "quality"  # lossless, or the best JPEG quality
    UNEDITED = "unedited"  # the others are edits of it (cropped, grayscale, overlaid)
    ORIGINAL_NAME = "original name"  # its name and folder look like a camera's
    TAKEN_FIRST = "taken first"  # the oldest date taken
    OLDEST = "oldest"  # the oldest file
    SHORTEST_PATH = "shortest path"
    CHOSEN = "chosen"  # a person made it the keeper


class Criterion(enum.Enum):
    """What a selection rule compares; the value is the rule's name on the command line."""

    RESOLUTION = "resolution"  # most pixels
    FILE_SIZE = "size"  # largest file
    TAKEN = "taken"  # oldest date taken (files without one last)
    MODIFIED = "modified"  # oldest modification date
    FORMAT = "format"  # formats in the order given (format=jpeg+heic+png)
    FOLDER = "folder"  # files inside a folder (folder=/home/me/Photos)
    PATH_LENGTH = "path"  # shortest path
    NAME = "name"  # names matching a pattern (name=IMG_*)


RULES_WITH_VALUE = frozenset({Criterion.FORMAT, Criterion.FOLDER, Criterion.NAME})
_FORMAT_ALIASES = {"JPG": "JPEG", "TIF": "TIFF", "HEIC": "HEIF"}  # what people call a format


class RuleError(ValueError):
    """A selection rule that cannot be read, with a sentence saying why."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One selection rule: a criterion, its direction, and a value for the ones that take one.

    Written as text the same way on the command line and in the settings: ``size`` keeps the
    largest file, ``-size`` the smallest; ``folder=/home/me/Photos`` keeps files inside that
    folder, ``-folder=/home/me/Downloads`` files outside it; ``format=jpeg+heic`` prefers those
    formats in that order; ``name=IMG_*`` names matching a pattern (any case), ``-name=*copy*``
    names that do not.
    """

    criterion: Criterion
    reverse: bool = False
    value: str = ""

    @property
    def text(self) -> str:
        sign = "-" if self.reverse else ""
        value = f"={self.value}" if self.criterion in RULES_WITH_VALUE else ""
        return f"{sign}{self.criterion.value}{value}"

    @classmethod
    def parse(cls, text: str) -> Rule:
        """Read one rule; raises ``RuleError`` saying what is wrong."""
        word = text.strip()
        reverse = word.startswith("-")
        name, has_value, value = word.lstrip("-").partition("=")
        try:
            criterion = Criterion(name.strip().lower())
        except ValueError:
            known = ", ".join(c.value for c in Criterion)
            raise RuleError(f"unknown rule {word!r} (the rules are: {known})") from None
        value = value.strip()
        if criterion in RULES_WITH_VALUE and not value:
            raise RuleError(f"the rule {criterion.value!r} needs a value: {criterion.value}=…")
        if criterion not in RULES_WITH_VALUE and has_value:
            raise RuleError(f"the rule {criterion.value!r} takes no value")
        if criterion is Criterion.FOLDER:
            value = os.path.abspath(os.path.expanduser(value))
        if criterion is Criterion.FORMAT:
            value = "+".join(format_name(f) for f in value.split("+") if f.strip())
        return cls(criterion, reverse, value)


def format_name(fmt: str) -> str:
    """A format as Pillow names it ("JPEG"), from what people call it ("jpg")."""
    upper = fmt.strip().upper()
    return _FORMAT_ALIASES.get(upper, upper)


def parse_rules(text: str) -> tuple[Rule, ...]:
    """Rules written ``resolution,-size,folder=~/Photos``; raises ``RuleError``."""
    rules = tuple(Rule.parse(item) for item in text.split(",") if item.strip())
    if not rules:
        raise RuleError("no rules given")
    return rules


def rules_text(rules: tuple[Rule, ...]) -> str:
    """Rules in the form ``parse_rules`` reads (the settings store them so)."""
    return ",".join(rule.text for rule in rules)


Reason = KeeperReason | Rule  # a rule, when a person's selection rules chose the keeper


@dataclass(frozen=True, slots=True)
class Group:
    """Files that show the same picture. ``members[0]`` is the suggested keeper, and ``why``
    says, most important first, what made it win."""

    id: int
    members: tuple[Member, ...]
    why: tuple[Reason, ...] = ()

    @property
    def keeper(self) -> Member:
        return self.members[0]

    @property
    def duplicates(self) -> tuple[Member, ...]:
        return self.members[1:]

    @property
    def reclaimable_bytes(self) -> int:
        """Bytes freed by removing every member but the keeper (reference files stay)."""
        return sum(m.size for m in self.duplicates if not m.is_reference)

    @property
    def kind(self) -> MatchKind:
        """The loosest relation of any member to the keeper."""
        order = (MatchKind.IDENTICAL, MatchKind.SAME_PICTURE, MatchKind.SIMILAR)
        return max((m.match for m in self.duplicates), key=order.index, default=MatchKind.IDENTICAL)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file that took no part in the comparison, and why, in plain words."""

    path: str
    reason: SkipReason
    detail: str = ""

    @property
    def message(self) -> str:
        return f"{self.reason.value}: {self.detail}" if self.detail else self.reason.value


class SkipFileError(Exception):
    """A per-file problem that turns into a ``Skipped`` record."""

    def __init__(self, reason: SkipReason, detail: str = "") -> None:
        super().__init__(detail or reason.value)
        self.reason = reason
        self.detail = detail

    def skipped(self, path: str) -> Skipped:
        return Skipped(path, self.reason, self.detail)


class NotRegularFileError(OSError):
    """A path that is not, or is no longer, the regular file it was: a link, a FIFO, a socket, a
    device or a folder (never opened), or another file swapped in while it was being opened.

    An OSError, so that every caller that handles unreadable files handles these too; its text
    is the skip reason's.
    """

    def __init__(self, reason: SkipReason, detail: str = "") -> None:
        super().__init__(f"{reason.value}: {detail}" if detail else reason.value)
        self.reason = reason
        self.detail = detail

    def skipped(self, path: str) -> Skipped:
        return Skipped(path, self.reason, self.detail)


@dataclass(frozen=True, slots=True)
class ScanSummary:
    """The totals a scan ends with."""

    files: int = 0
    groups: int = 0
    duplicates: int = 0
    reclaimable_bytes: int = 0
    skipped: int = 0
    skipped_by_reason: dict[str, int] = field(default_factory=dict)
    decoded: int = 0  # images decoded this run (0 on a rescan served by the cache)
    cached: int = 0  # images whose fingerprint came from the cache
    measured: int = 0  # candidate pairs the verifier measured this run (not served by the cache)
    views_decoded: int = 0  # files the verifier decoded for them (its workers keep views)
    elapsed_s: float = 0.0
    cancelled: bool = False


@dataclass(frozen=True, slots=True)
class ScanResult:
    """A finished (or loaded) scan: what the review, the cleanup and the saved report share."""

    roots: tuple[str, ...]
    reference_roots: tuple[str, ...]
    mode: ScanMode
    sensitivity: Sensitivity
    groups: tuple[Group, ...]
    skipped: tuple[Skipped, ...] = ()
    summary: ScanSummary = field(default_factory=ScanSummary)
    selected: frozenset[str] = frozenset()  # paths the user marked for removal
