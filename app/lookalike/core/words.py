"""The words a person reads: sizes, counts, match and transform wording, dates, skip reasons.

The CLI, the saved reports and the window all take their wording from here, so they say the same
thing the same way. Qt-free (the CLI and the reports use it too).

Shaped for translation: one function per phrase, taking the numbers as arguments and never
gluing translated fragments around them; every count goes through ``_plural``, which asks
``gettext.ngettext`` for the form, so a catalogue with another language's plural rule changes
the wording without touching a caller. Numbers, sizes, percentages and dates are formatted by
one function each.
"""

from __future__ import annotations

import errno
import gettext
import os
import stat
from datetime import datetime

from lookalike.core.model import (
    Criterion,
    Group,
    KeeperReason,
    MatchKind,
    Member,
    NotRegularFileError,
    Rule,
    Skipped,
    SkipReason,
    Transform,
)

# --- numbers ----------------------------------------------------------------------------------


def number(n: int) -> str:
    """A whole number with thousands grouped: "1,234"."""
    return f"{n:,}"


def _plural(n: int, one: str, other: str, **values: str) -> str:
    """``one`` or ``other`` for the count ``n``, with ``{n}`` and ``values`` filled in.

    The only place a plural form is chosen. Without a catalogue ngettext applies the English
    rule (``one`` for 1); a catalogue brings its language's rule and forms.
    """
    return gettext.ngettext(one, other, n).format(n=number(n), **values)


def _percent(fraction: float) -> str:
    return f"{round(fraction * 100)} %"


_UNITS = ("KB", "MB", "GB", "TB", "PB")


def size(n_bytes: int) -> str:
    """A byte count for people, in decimal units: "980 bytes", "12.3 KB", "1.5 GB"."""
    if n_bytes < 1000:
        return _plural(n_bytes, "{n} byte", "{n} bytes")
    value = float(n_bytes)
    for unit in _UNITS:
        value /= 1000
        # Compare the rounded figure, so 999,960 bytes reads "1.0 MB", not "1000.0 KB".
        if round(value, 1) < 1000 or unit == _UNITS[-1]:
            return f"{value:.1f} {unit}"
    raise AssertionError("unreachable")  # pragma: no cover


def exact_size(n_bytes: int) -> str:
    """Every byte counted: "4,123,456 bytes"."""
    return _plural(n_bytes, "{n} byte", "{n} bytes")


def duration(seconds: float) -> str:
    """A duration to two figures or so: "0.4 s", "42 s", "3 min", "1.5 h"."""
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 90:
        return f"{round(seconds)} s"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} min"
    return f"{seconds / 3600:.1f} h"


# --- counts -----------------------------------------------------------------------------------


def files(n: int) -> str:
    return _plural(n, "{n} file", "{n} files")


def files_done(done: int, total: int) -> str:
    """Progress through a list of files: "40 of 200 files"."""
    return _plural(total, "{done} of {n} file", "{done} of {n} files", done=number(done))


def image_files(n: int) -> str:
    return _plural(n, "{n} image file", "{n} image files")


def photos(n: int) -> str:
    return _plural(n, "{n} photo", "{n} photos")


def groups(n: int) -> str:
    return _plural(n, "{n} group", "{n} groups")


def duplicates(n: int) -> str:
    return _plural(n, "{n} duplicate", "{n} duplicates")


def folders(n: int) -> str:
    return _plural(n, "{n} folder", "{n} folders")


def skipped(n: int) -> str:
    return _plural(n, "{n} skipped", "{n} skipped")


def failed(n: int) -> str:
    return _plural(n, "{n} failed", "{n} failed")


def reclaimable(n_bytes: int) -> str:
    """ "12.3 MB reclaimable"."""
    return f"{size(n_bytes)} reclaimable"


# --- selection and cleanup --------------------------------------------------------------------


def selection(count: int, n_bytes: int) -> str:
    """The status bar's summary of the check marks: "3 selected · 12.3 MB"."""
    return _plural(count, "{n} selected · {size}", "{n} selected · {size}", size=size(n_bytes))


def marked_for_trash(count: int) -> str:
    """A group header's note: "2 marked for trash"."""
    return _plural(count, "{n} marked for trash", "{n} marked for trash")


def move_to_trash(count: int) -> str:
    """The trash command: "Move 3 files to Trash", or "Move to Trash" with nothing selected."""
    if not count:
        return "Move to Trash"
    return _plural(count, "Move {n} file to Trash", "Move {n} files to Trash")


def confirm_move_to_trash(count: int, n_bytes: int) -> str:
    """The confirmation question: "Move 3 files (12.3 MB) to the Trash?"."""
    return _plural(
        count,
        "Move {n} file ({size}) to the Trash?",
        "Move {n} files ({size}) to the Trash?",
        size=size(n_bytes),
    )


def moving_to_trash(count: int) -> str:
    """What a running cleanup says: "Moving 3 files to the Trash"."""
    return _plural(count, "Moving {n} file to the Trash", "Moving {n} files to the Trash")


def moved_to_trash(count: int, freed_bytes: int) -> str:
    """A finished cleanup: "Moved 3 files to the Trash (freed 12.3 MB)"."""
    return _plural(
        count,
        "Moved {n} file to the Trash (freed {size})",
        "Moved {n} files to the Trash (freed {size})",
        size=size(freed_bytes),
    )


def restored(count: int) -> str:
    """A finished undo: "Restored 3 files"."""
    return _plural(count, "Restored {n} file", "Restored {n} files")


def moved_to_folder(count: int, folder: str) -> str:
    """A finished move: "Moved 3 files to /home/me/Duplicates"."""
    return _plural(
        count, "Moved {n} file to {folder}", "Moved {n} files to {folder}", folder=folder
    )


def replaced_with_links(count: int, freed_bytes: int) -> str:
    """A finished hard-link batch: "Replaced 3 files with hard links (freed 12.3 MB)"."""
    return _plural(
        count,
        "Replaced {n} file with a hard link (freed {size})",
        "Replaced {n} files with hard links (freed {size})",
        size=size(freed_bytes),
    )


def nothing_to_trash() -> str:
    """The confirmation when the plan refused every marked file."""
    return "None of the marked files can be moved to the Trash."


def nothing_to_move() -> str:
    return "None of the marked files can be moved."


def nothing_to_link() -> str:
    return "None of the marked files can be replaced with hard links."


def confirm_move(count: int, n_bytes: int, folder: str) -> str:
    """The confirmation question of a move: "Move 3 files (12.3 MB) to /home/me/Aside?"."""
    return _plural(
        count,
        "Move {n} file ({size}) to {folder}?",
        "Move {n} files ({size}) to {folder}?",
        size=size(n_bytes),
        folder=folder,
    )


def move_files(count: int) -> str:
    """The move command's confirming button: "Move 3 files"."""
    return _plural(count, "Move {n} file", "Move {n} files")


def moving_to_folder(count: int, folder: str) -> str:
    return _plural(
        count, "Moving {n} file to {folder}", "Moving {n} files to {folder}", folder=folder
    )


def confirm_hardlink(count: int, n_bytes: int) -> str:
    """The confirmation question of a hard-link batch."""
    return _plural(
        count,
        "Replace {n} identical copy ({size}) with a hard link to its keeper?",
        "Replace {n} identical copies ({size}) with hard links to their keepers?",
        size=size(n_bytes),
    )


def replace_files(count: int) -> str:
    """The hard-link command's confirming button: "Replace 3 files"."""
    return _plural(count, "Replace {n} file", "Replace {n} files")


def replacing_with_links(count: int) -> str:
    return _plural(
        count, "Replacing {n} file with a hard link", "Replacing {n} files with hard links"
    )


def left_alone(count: int, reasons: list[str]) -> str:
    """Which marked files a cleanup leaves alone: "2 files of the marked ones will be left
    alone: 1 keeper, 1 in a reference folder."; ``reasons`` come from the ``refused_*``
    phrases."""
    return _plural(
        count,
        "{n} file of the marked ones will be left alone: {reasons}.",
        "{n} files of the marked ones will be left alone: {reasons}.",
        reasons=", ".join(reasons),
    )


def refused_keepers(n: int) -> str:
    return _plural(n, "{n} keeper", "{n} keepers")


def refused_whole_group(n: int) -> str:
    return _plural(
        n, "{n} would leave no copy of its picture", "{n} would leave no copy of their picture"
    )


def refused_reference(n: int) -> str:
    return _plural(n, "{n} in a reference folder", "{n} in a reference folder")


def refused_outside(n: int) -> str:
    return _plural(n, "{n} outside the scanned folders", "{n} outside the scanned folders")


def refused_unverified(n: int) -> str:
    return _plural(n, "{n} not verified as a copy", "{n} not verified as copies")


def refused_not_in_group(n: int) -> str:
    return _plural(n, "{n} no longer in any group", "{n} no longer in any group")


def time_left(seconds: float) -> str:
    """The rest of a running job at the rate so far: "about 42 s left"."""
    return f"about {duration(seconds)} left"


def stopping_after_current_file() -> str:
    """What a cleanup says between Cancel and its end."""
    return "Stopping after the current file…"


def unreadable(count: int) -> str:
    """The skipped files' button: "3 files could not be read"."""
    return _plural(count, "{n} file could not be read", "{n} files could not be read")


def not_compared(count: int) -> str:
    """The skipped files' list heading."""
    return _plural(
        count,
        "{n} file could not be read, so it was not compared:",
        "{n} files could not be read, so they were not compared:",
    )


def back_in_groups(count: int) -> str:
    """After an undo: "back in their groups" (the files returned to the results)."""
    return _plural(count, "{n} back in its group", "{n} back in their groups")


# --- scanning and results ---------------------------------------------------------------------


def nothing_to_scan() -> str:
    """Scan pressed with no folder to search."""
    return "There is nothing to scan yet: add a folder first with Add Folder… (Ctrl+O)."


def add_folder_here() -> str:
    """The hint beside the folder list's Add button."""
    return "Add the folders to search here"


def no_duplicates(files_scanned: int, *, similar: bool, subfolders: bool) -> str:
    """The empty result: what was searched and the one change most likely to find more."""
    among = files(files_scanned)
    if not subfolders:
        # The likeliest reason of all: the photos are in folders below the chosen ones.
        hint = "“Include subfolders”"
    elif similar:
        hint = "a looser sensitivity"
    else:
        hint = "“Similar photos”"
    return f"No duplicates among {among}. Try {hint}, or add more folders."


def opened_results(groups_opened: int, marked: int) -> str:
    """After Open Results: "Opened 12 groups · 3 files marked"."""
    return f"Opened {groups(groups_opened)} · {files(marked)} marked"


def quit_question() -> str:
    return "Save the results before quitting?"


def quit_details(marked: int, groups_shown: int) -> str:
    """Why quitting now loses something: the marks not acted on, the review not saved."""
    if marked:
        lost = _plural(
            marked,
            "{n} file is marked for the Trash and has not been moved.",
            "{n} files are marked for the Trash and have not been moved.",
        )
    else:
        lost = _plural(
            groups_shown,
            "The {n} group found has not been saved.",
            "The {n} groups found have not been saved.",
        )
    return f"{lost} Saved results keep the groups and your marks, to carry on later."


# --- matches ----------------------------------------------------------------------------------


def match_label(member: Member) -> str:
    """Why ``member`` is in its group, in a word or two: "keeper", "similar 87 %"."""
    if member.match is MatchKind.KEEPER:
        return "keeper"
    if member.match is MatchKind.IDENTICAL:
        return "identical"
    if member.match is MatchKind.SAME_PICTURE:
        return "same picture"
    return f"similar {_percent(member.score)}"


def match_reason(member: Member) -> str:
    """Why ``member`` is in its group, in a phrase: "same picture at another size, quality or
    format"."""
    if member.match is MatchKind.KEEPER:
        return "suggested keeper"
    if member.match is MatchKind.IDENTICAL:
        return "identical bytes"
    if member.match is MatchKind.SAME_PICTURE:
        return "same picture at another size, quality or format"
    return f"similar photo ({_percent(member.score)})"


_GROUP_KIND = {
    MatchKind.IDENTICAL: "identical copies",
    MatchKind.SAME_PICTURE: "same picture at other sizes",
    MatchKind.SIMILAR: "similar photos",
    MatchKind.KEEPER: "",
}


def group_count(group: Group) -> str:
    """The first part of a group's header: "4 photos"."""
    return photos(len(group.members))


def group_detail(group: Group) -> str:
    """The rest of a group's header: "12.3 MB reclaimable · identical copies"."""
    return f"{reclaimable(group.reclaimable_bytes)} · {_GROUP_KIND[group.kind]}"


_GROUP_KIND_SHORT = {
    MatchKind.IDENTICAL: "identical",
    MatchKind.SAME_PICTURE: "same picture",
    MatchKind.SIMILAR: "similar",
    MatchKind.KEEPER: "",
}


def group_detail_short(group: Group) -> str:
    """The header's detail where the full one does not fit: "12.3 MB · identical"."""
    return f"{size(group.reclaimable_bytes)} · {_GROUP_KIND_SHORT[group.kind]}"


def group_detail_shortest(group: Group) -> str:
    """The header's detail in the narrowest strips: "12.3 MB"."""
    return size(group.reclaimable_bytes)


def group_number(n: int) -> str:
    """A group by its place in the list: "Group 642"."""
    return f"Group {number(n)}"


def group_tag(n: int) -> str:
    """A group's number on its header: "#642"."""
    return f"#{number(n)}"


def marked_short(count: int) -> str:
    """A narrow group header's note: "2 marked"."""
    return _plural(count, "{n} marked", "{n} marked")


def groups_shown(shown: int, total: int) -> str:
    """How many groups a filter leaves: "12 of 796 groups"."""
    return _plural(total, "{shown} of {n} group", "{shown} of {n} groups", shown=number(shown))


def group_header(group: Group) -> str:
    """A group's header line: "4 photos · 12.3 MB reclaimable · identical copies"."""
    return f"{group_count(group)} · {group_detail(group)}"


# --- keepers and selection rules ----------------------------------------------------------------

_REASONS = {
    KeeperReason.REFERENCE: "in a reference folder",
    KeeperReason.FULL_SIZE: "full size",
    KeeperReason.OTHERS_ENLARGED: "full size (the larger copies are enlargements)",
    KeeperReason.CAMERA_ORIGINAL: "camera original",
    KeeperReason.CAMERA_DATA: "most camera data",
    KeeperReason.UNEDITED: "unedited",
    KeeperReason.ORIGINAL_NAME: "original name",
    KeeperReason.TAKEN_FIRST: "taken first",
    KeeperReason.OLDEST: "oldest file",
    KeeperReason.SHORTEST_PATH: "shortest path",
    KeeperReason.CHOSEN: "chosen by you",
}


def _quality_reason(keeper: Member) -> str:
    if keeper.origin.lossless and not keeper.origin.jpeg_past:
        return "lossless"
    if keeper.format == "JPEG" and keeper.origin.quality:
        return f"best JPEG quality ({keeper.origin.quality})"
    return "best quality"


def rule_phrase(rule: Rule) -> str:
    """What one selection rule keeps: "largest file", "in /home/me/Photos"."""
    c, back = rule.criterion, rule.reverse
    if c is Criterion.RESOLUTION:
        return "fewest pixels" if back else "most pixels"
    if c is Criterion.FILE_SIZE:
        return "smallest file" if back else "largest file"
    if c is Criterion.TAKEN:
        return "taken last" if back else "taken first"
    if c is Criterion.MODIFIED:
        return "newest file" if back else "oldest file"
    if c is Criterion.PATH_LENGTH:
        return "longest path" if back else "shortest path"
    if c is Criterion.FORMAT:
        formats = rule.value.replace("+", ", ")
        return f"not {formats}" if back else f"format {formats}"
    if c is Criterion.FOLDER:
        return f"not in {rule.value}" if back else f"in {rule.value}"
    return f"name not like {rule.value}" if back else f"name like {rule.value}"


def keeper_reason(group: Group) -> str:
    """Why the keeper was chosen: "keeper: camera original, full size", "keeper by your rules:
    largest file", "keeper: chosen by you"."""
    parts = [
        rule_phrase(r)
        if isinstance(r, Rule)
        else _quality_reason(group.keeper)
        if r is KeeperReason.QUALITY
        else _REASONS[r]
        for r in group.why
    ]
    if not parts:
        return "keeper"
    if any(isinstance(r, Rule) for r in group.why):
        return f"keeper by your rules: {', '.join(parts)}"
    return f"keeper: {', '.join(parts)}"


_CRITERIA = {
    Criterion.RESOLUTION: "Resolution",
    Criterion.FILE_SIZE: "File size",
    Criterion.TAKEN: "Date taken",
    Criterion.MODIFIED: "Date modified",
    Criterion.FORMAT: "Format",
    Criterion.FOLDER: "Folder",
    Criterion.PATH_LENGTH: "Path length",
    Criterion.NAME: "Name pattern",
}


def criterion_label(criterion: Criterion) -> str:
    """A selection criterion's name in the rules dialog: "File size"."""
    return _CRITERIA[criterion]


def rules_summary(rules: tuple[Rule, ...]) -> str:
    """The rules in one line: "largest file, then in /home/me/Photos", or Lookalike's own."""
    if not rules:
        return "Lookalike's own rank: the camera original"
    return ", then ".join(rule_phrase(r) for r in rules)


def keepers_changed(count: int) -> str:
    """After rules were applied: "The keeper changed in 3 groups"."""
    if not count:
        return "No keeper changed"
    return _plural(count, "The keeper changed in {n} group", "The keeper changed in {n} groups")


def made_keeper(name: str) -> str:
    """After "Make This the Keeper": "IMG_1234.JPG is now the keeper of its group"."""
    return f"{name} is now the keeper of its group"


def marked_in_folder(marked: int, total: int, folder: str) -> str:
    """What Select in Folder did: "Marked 1 of 30 photos in PNG conversions"."""
    return _plural(
        total,
        "Marked {marked} of {n} photo in {folder}",
        "Marked {marked} of {n} photos in {folder}",
        marked=number(marked),
        folder=folder,
    )


def not_marked_keepers(n: int) -> str:
    return _plural(
        n,
        "{n} is the keeper of its group (make another photo the keeper, or change the"
        " selection rules, to mark it)",
        "{n} are the keepers of their groups (make other photos the keepers, or change the"
        " selection rules, to mark them)",
    )


def not_marked_reference(n: int) -> str:
    return _plural(
        n,
        "{n} is in a reference folder, whose files are never marked",
        "{n} are in a reference folder, whose files are never marked",
    )


def not_marked_last_copy(n: int) -> str:
    return _plural(
        n,
        "{n} would leave its group with no copy unmarked",
        "{n} would leave their groups with no copy unmarked",
    )


def already_marked(n: int) -> str:
    return _plural(n, "{n} was marked already", "{n} were marked already")


def folder_counts(photos_in: int, can_mark: int) -> str:
    """A folder in the Select in Folder tree: "30 photos, 1 can be marked"."""
    return _plural(
        photos_in,
        "{n} photo, {marks} can be marked",
        "{n} photos, {marks} can be marked",
        marks=number(can_mark),
    )


def proof_note(member: Member) -> str:
    """For a member verified against another file than its keeper: "verified against IMG_1.JPG,
    the keeper the scan chose" (that file and the keeper show the same picture); else ""."""
    if not member.proven_with:
        return ""
    return f"verified against {os.path.basename(member.proven_with)}, the keeper the scan chose"


# --- transforms -------------------------------------------------------------------------------

# Below these a measured change is noise of the fit, not something a person would notice.
_MIN_TURN_DEG = 0.5
_MIN_SCALE_CHANGE = 0.02
_MIN_CROP = 0.005
_MIN_BRIGHTNESS = 0.03  # of the full range
_MIN_CONTRAST_CHANGE = 0.1
_MIN_OVERLAY = 0.005  # of the common region

# Sizes people name rather than measure, with how close a measured scale must be.
_NAMED_SCALES = (
    (0.5, 0.02, "half size"),
    (0.25, 0.01, "quarter size"),
    (2.0, 0.04, "twice the size"),
)


def _turned(degrees: float) -> str:
    return f"turned {round(degrees)}°"


def _cropped(fraction: float) -> str:
    return f"cropped {_percent(fraction)}"


def _shows_more(fraction: float) -> str:
    return f"shows {_percent(fraction)} more around"


def _resized(scale: float) -> str:
    for named, tolerance, phrase in _NAMED_SCALES:
        if abs(scale - named) <= tolerance:
            return phrase
    return f"resized to {_percent(scale)}"


def _resaved(fmt: str) -> str:
    return f"re-saved as {fmt}"


def transform_text(transform: Transform, new_format: str = "") -> str:
    """What changed from a keeper to its copy: "turned 17°, cropped 12 %", "mirrored",
    "same picture, half size", "grayscale, brighter", "re-saved as PNG"; "same picture" when
    nothing did.

    Args:
        transform: how the copy shows the keeper's picture (the keeper is its first file).
        new_format: the copy's file format when it differs from the keeper's, else "".
    """
    parts: list[str] = []
    if transform.mirrored:
        parts.append("mirrored")
    turn = abs((transform.turn_degrees + 180) % 360 - 180)  # the shorter way round
    if turn >= _MIN_TURN_DEG and round(turn) >= 1:  # never "turned 0°"
        parts.append(_turned(turn))
    if 1 - transform.first_shown >= _MIN_CROP:
        parts.append(_cropped(1 - transform.first_shown))
    if 1 - transform.second_shown >= _MIN_CROP:
        parts.append(_shows_more(1 - transform.second_shown))
    resized = abs(transform.scale - 1) >= _MIN_SCALE_CHANGE
    if resized:
        parts.append(_resized(transform.scale))
    if transform.grayscale:
        parts.append("grayscale")
    elif transform.colourised:
        parts.append("in colour")
    if transform.brightness >= _MIN_BRIGHTNESS:
        parts.append("brighter")
    elif transform.brightness <= -_MIN_BRIGHTNESS:
        parts.append("darker")
    if transform.contrast >= 1 + _MIN_CONTRAST_CHANGE:
        parts.append("more contrast")
    elif transform.contrast <= 1 - _MIN_CONTRAST_CHANGE:
        parts.append("less contrast")
    if transform.added >= _MIN_OVERLAY:
        parts.append("with an overlay")
    if transform.removed >= _MIN_OVERLAY:
        parts.append("without the keeper's overlay")
    if new_format:
        parts.append(_resaved(new_format))
    if not parts or parts == [_resized(transform.scale)]:
        # "half size" alone does not say that the picture itself is unchanged.
        parts.insert(0, "same picture")
    return ", ".join(parts)


# --- comparing two photos ------------------------------------------------------------------


def laid_on_each_other(transforms: list[Transform]) -> str:
    """How a blink or difference put two photos on each other: undoing the mirror, turn and
    crop the match found (``transforms``: of the copies compared with their keeper), or by
    their size alone."""
    undone = []
    for transform in transforms:
        turn = round(abs((transform.turn_degrees + 180) % 360 - 180))
        if transform.mirrored:
            undone.append("mirrored")
        if turn >= 1:
            undone.append(_turned(turn))
        if 1 - min(transform.first_shown, transform.second_shown) >= _MIN_CROP:
            undone.append("cropped")
    if undone:
        return f"aligned as matched ({', '.join(dict.fromkeys(undone))})"
    return "aligned by size"


def difference_summary(mean_difference: float, how: str) -> str:
    """Over a difference picture: "Bright where they differ · 2 % on average · …"."""
    return f"Bright where they differ · {_percent(mean_difference)} on average · {how}"


def blink_caption(number: int, photo: str, how: str) -> str:
    """Over a blink: which photo shows now ("1 of 2: keeper · IMG_1.jpg · …")."""
    return f"{number} of 2: {photo} · {how}"


# --- dates ------------------------------------------------------------------------------------


def timestamp(mtime_ns: int) -> str:
    """A file time, local, to the minute: "2021-06-01 12:00"."""
    return datetime.fromtimestamp(mtime_ns / 1e9).strftime("%Y-%m-%d %H:%M")


def precise_timestamp(mtime_ns: int) -> str:
    """A file time, local, to the second, to show that it changed: "2021-06-01 12:00:05"."""
    return datetime.fromtimestamp(mtime_ns / 1e9).strftime("%Y-%m-%d %H:%M:%S")


def exif_date(taken: str) -> str:
    """An EXIF date ("2021:06:01 12:00:05") the way ``timestamp`` writes one."""
    date, _, time = taken.partition(" ")
    return f"{date.replace(':', '-')} {time[:5]}".strip()


def photo_date(member: Member) -> str:
    """When the photo was taken (EXIF), or else when its file was last changed."""
    return exif_date(member.taken) if member.taken else timestamp(member.mtime_ns)


# --- skipped files ----------------------------------------------------------------------------


def skipped_for(path: str, error: OSError) -> Skipped:
    """Why a file could not be used, from the error that reading or listing it raised."""
    if isinstance(error, NotRegularFileError):
        return error.skipped(path)
    if isinstance(error, PermissionError):
        return Skipped(path, SkipReason.PERMISSION)
    if isinstance(error, FileNotFoundError):
        return Skipped(path, SkipReason.VANISHED)
    if error.errno == errno.ELOOP:
        return Skipped(path, SkipReason.LINK_LOOP)
    return Skipped(path, SkipReason.UNREADABLE, error.strerror or str(error))


def heif_needs_extra() -> str:
    return "HEIC/HEIF needs the optional decoder: pip install 'lookalike[heif]'"


def over_pixel_cap(cap: int) -> str:
    return f"more than {cap // 10**6} megapixels (a decompression bomb?)"


def pixels_over_cap(width: int, height: int, cap: int) -> str:
    return f"{width}×{height} pixels, more than {cap // 10**6} megapixels"


def header_too_long(limit: int) -> str:
    return f"its header goes on past the first {size(limit)}"


def file_over_cap(n_bytes: int, fmt: str, cap: int) -> str:
    return f"{size(n_bytes)}, more than the {size(cap)} a {fmt} picture may take"


def decode_over_budget(n_bytes: int, budget: int) -> str:
    return f"decoding it would need about {size(n_bytes)} of memory (at most {size(budget)})"


def link_target(target: str) -> str:
    return f"it points to {target}"


def replaced_while_read() -> str:
    return "another file took its place while it was being read"


def file_kind(mode: int) -> str:
    """What a file that is not a regular file is (from its ``st_mode``)."""
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "a special file"


# --- handing off to the desktop ---------------------------------------------------------------


def no_viewer(path: str) -> str:
    """Open found no application: "No application is set up to open IMG_1.jpg"."""
    name, folder = os.path.basename(path), os.path.dirname(path)
    return f"No application is set up to open {name}; it is in {folder}"


def no_file_manager(folder: str) -> str:
    """Show in Folder found no file manager."""
    return f"No file manager is set up to show folders; the photo is in {folder}"


# --- paths given at start ---------------------------------------------------------------------


def opened_path_not_found() -> str:
    return "not found"


def opened_path_no_access() -> str:
    return "permission denied"


def opened_folder_no_access() -> str:
    return "its folder cannot be read (permission denied)"


def opened_path_special() -> str:
    return "not a folder or a file (a device, pipe or socket)"


def opened_path_error(detail: str) -> str:
    return f"cannot be opened: {detail}"


def opened_paths_unusable_title() -> str:
    return "Could not add everything"


def opened_paths_unusable(n: int) -> str:
    return _plural(
        n,
        "{n} item Lookalike was started with could not be added:",
        "{n} items Lookalike was started with could not be added:",
    )


# --- "not duplicates" ---------------------------------------------------------------------------


def not_duplicates_member(name: str, others: int) -> str:
    """A member said not to be a duplicate of the rest of its group."""
    return _plural(
        others,
        "{name} is not a duplicate of the {n} other file",
        "{name} is not a duplicate of the {n} other files",
        name=name,
    )


def not_duplicates_pair(first: str, second: str) -> str:
    return gettext.gettext("{first} and {second} are not duplicates").format(
        first=first, second=second
    )


def not_duplicates_group(count: int, first: str) -> str:
    """A whole group said to be no duplicates of each other."""
    return _plural(
        count,
        "{first}: {n} file, none a duplicate of another",
        "{first} and the rest: {n} files, none a duplicate of another",
        first=first,
    )


def not_duplicates_remembered(count: int) -> str:
    return _plural(count, "{n} choice remembered", "{n} choices remembered")


def not_duplicates_forgotten(count: int) -> str:
    return _plural(count, "{n} choice forgotten", "{n} choices forgotten")


# --- sidecar files ------------------------------------------------------------------------------


def sidecars(names: list[str]) -> str:
    """The sidecar files that travel with a photo: "with IMG_1.xmp", "with 2 sidecar files"."""
    if len(names) == 1:
        return gettext.gettext("with {name}").format(name=names[0])
    return _plural(len(names), "with {n} sidecar file", "with {n} sidecar files")


def sidecar_badge(extensions: list[str]) -> str:
    """The card's note that a photo has sidecar files: "+XMP", "+JSON XMP"."""
    kinds = sorted({e.lstrip(".").upper() for e in extensions})
    return "+" + " ".join(kinds)


def sidecars_went_along(count: int) -> str:
    """After a cleanup or undo: the sidecar files that went with their photos."""
    return _plural(count, "{n} sidecar file went along", "{n} sidecar files went along")


# --- the application menu entry ---------------------------------------------------------------


def menu_entry_installed(n_files: int, command: str) -> str:
    return _plural(
        n_files,
        "Lookalike is in your application menu ({n} file; it runs {command}).",
        "Lookalike is in your application menu ({n} files; it runs {command}).",
        command=command,
    )


def menu_entry_removed(n_files: int) -> str:
    return _plural(
        n_files,
        "Lookalike is no longer in your application menu ({n} file removed).",
        "Lookalike is no longer in your application menu ({n} files removed).",
    )


def menu_entry_absent() -> str:
    return "Lookalike was not in your application menu."


def menu_entry_unsupported() -> str:
    return (
        "the menu entry is for Linux and BSD desktops; on Windows and macOS, see "
        "packaging/README.md"
    )
