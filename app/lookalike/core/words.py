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
from collections.abc import Callable
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

# --- translation and locale -------------------------------------------------------------------

# The hooks the window sets (lookalike.gui.i18n) to Qt's catalogue and QLocale; the CLI and the
# reports keep these defaults: English, Python's formatting.
_Lookup = Callable[[str, str, str | None, int], str | None]
_lookup: _Lookup | None = None


def _group_digits(n: int) -> str:
    return f"{n:,}"


def _fixed_point(value: float, places: int) -> str:
    return f"{value:.{places}f}"


def _iso_minutes(when: datetime, seconds: bool) -> str:
    return when.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


_integer: Callable[[int], str] = _group_digits
_decimal: Callable[[float, int], str] = _fixed_point
_date_time: Callable[[datetime, bool], str] = _iso_minutes


def use_locale(
    lookup: _Lookup | None = None,
    *,
    integer: Callable[[int], str] = _group_digits,
    decimal: Callable[[float, int], str] = _fixed_point,
    date_time: Callable[[datetime, bool], str] = _iso_minutes,
) -> None:
    """Route the wording through a catalogue and the numbers and dates through a locale.

    Args:
        lookup: ``(context, source, disambiguation, n)`` to the translation, or "" where the
            catalogue has none (Qt's ``QTranslator.translate``); None keeps the English source.
        integer: a whole number with the locale's digit grouping.
        decimal: a number with a fixed count of decimal places.
        date_time: a local time, to the second when the flag says so.

    Called with no arguments it puts back the defaults (English, Python's formatting).
    """
    global _lookup, _integer, _decimal, _date_time
    _lookup, _integer, _decimal, _date_time = lookup, integer, decimal, date_time


class Words:
    """The translation context of the phrases here. Qt's ``pyside6-lupdate`` extracts every
    ``Words.tr(...)`` call of this module under the context "Words" (it reads the name before
    ``.tr``), so the window's translators can serve them while this module stays Qt-free."""

    @staticmethod
    def tr(source: str, singular: str | None = None, n: int = -1) -> str:
        """``source`` in the catalogue's language.

        Args:
            source: the English text; for a count, its plural form.
            singular: for a count, the English singular; it is also the message's
                disambiguation in the catalogue, which tells the translator the other form.
            n: the count that picks the plural form (Qt's numerus), or -1 for none.
        """
        if _lookup is not None:
            found = _lookup("Words", source, singular, n)
            if found:
                return found
        if singular is not None and n >= 0:
            # Without a catalogue, the English rule through gettext (a Python catalogue
            # installed with gettext.install still works for the CLI).
            return gettext.ngettext(singular, source, n)
        return source


# --- numbers ----------------------------------------------------------------------------------


def number(n: int) -> str:
    """A whole number with thousands grouped: "1,234"."""
    return _integer(n)


def _plural(n: int, phrase: str, **values: str) -> str:
    """A counted ``phrase`` (from ``Words.tr(plural, singular, n)``, which chose the form for
    ``n``) with ``{n}`` and ``values`` filled in. Keeps the numbers out of the catalogue's
    strings, so one translation serves every count."""
    return phrase.format(n=number(n), **values)


def _percent(fraction: float) -> str:
    return Words.tr("{value} %").format(value=number(round(fraction * 100)))


# Decimal units, each a phrase of its own (a language may put the unit first, or space it).
_UNITS: tuple[Callable[[], str], ...] = (
    lambda: Words.tr("{value} KB"),
    lambda: Words.tr("{value} MB"),
    lambda: Words.tr("{value} GB"),
    lambda: Words.tr("{value} TB"),
    lambda: Words.tr("{value} PB"),
)


def size(n_bytes: int) -> str:
    """A byte count for people, in decimal units: "980 bytes", "12.3 KB", "1.5 GB"."""
    if n_bytes < 1000:
        return _plural(n_bytes, Words.tr("{n} bytes", "{n} byte", n_bytes))
    value = float(n_bytes)
    for unit in _UNITS:
        value /= 1000
        # Compare the rounded figure, so 999,960 bytes reads "1.0 MB", not "1000.0 KB".
        if round(value, 1) < 1000 or unit == _UNITS[-1]:
            return unit().format(value=_decimal(value, 1))
    raise AssertionError("unreachable")  # pragma: no cover


def exact_size(n_bytes: int) -> str:
    """Every byte counted: "4,123,456 bytes"."""
    return _plural(n_bytes, Words.tr("{n} bytes", "{n} byte", n_bytes))


def duration(seconds: float) -> str:
    """A duration to two figures or so: "0.4 s", "42 s", "3 min", "1.5 h"."""
    if seconds < 10:
        return Words.tr("{value} s").format(value=_decimal(seconds, 1))
    if seconds < 90:
        return Words.tr("{value} s").format(value=number(round(seconds)))
    if seconds < 90 * 60:
        return Words.tr("{value} min").format(value=number(round(seconds / 60)))
    return Words.tr("{value} h").format(value=_decimal(seconds / 3600, 1))


# --- counts -----------------------------------------------------------------------------------


def files(n: int) -> str:
    return _plural(n, Words.tr("{n} files", "{n} file", n))


def files_done(done: int, total: int) -> str:
    """Progress through a list of files: "40 of 200 files"."""
    return _plural(
        total, Words.tr("{done} of {n} files", "{done} of {n} file", total), done=number(done)
    )


def pairs_done(done: int, total: int) -> str:
    """Progress through pairs of pictures compared: "40 of 200 pairs"."""
    return _plural(
        total, Words.tr("{done} of {n} pairs", "{done} of {n} pair", total), done=number(done)
    )


def image_files(n: int) -> str:
    return _plural(n, Words.tr("{n} image files", "{n} image file", n))


def photos(n: int) -> str:
    return _plural(n, Words.tr("{n} photos", "{n} photo", n))


def groups(n: int) -> str:
    return _plural(n, Words.tr("{n} groups", "{n} group", n))


def duplicates(n: int) -> str:
    return _plural(n, Words.tr("{n} duplicates", "{n} duplicate", n))


def folders(n: int) -> str:
    return _plural(n, Words.tr("{n} folders", "{n} folder", n))


def skipped(n: int) -> str:
    return _plural(n, Words.tr("{n} skipped", "{n} skipped", n))


def failed(n: int) -> str:
    return _plural(n, Words.tr("{n} failed", "{n} failed", n))


def reclaimable(n_bytes: int) -> str:
    """ "12.3 MB reclaimable"."""
    return Words.tr("{size} reclaimable").format(size=size(n_bytes))


# --- selection and cleanup --------------------------------------------------------------------


def selection(count: int, n_bytes: int) -> str:
    """The status bar's summary of the check marks: "3 selected · 12.3 MB"."""
    return _plural(
        count, Words.tr("{n} selected · {size}", "{n} selected · {size}", count), size=size(n_bytes)
    )


def marked_for_trash(count: int) -> str:
    """A group header's note: "2 marked for trash"."""
    return _plural(count, Words.tr("{n} marked for trash", "{n} marked for trash", count))


def move_to_trash(count: int) -> str:
    """The trash command: "Move 3 files to Trash", or "Move to Trash" with nothing selected."""
    if not count:
        return Words.tr("Move to Trash")
    return _plural(count, Words.tr("Move {n} files to Trash", "Move {n} file to Trash", count))


def confirm_move_to_trash(count: int, n_bytes: int) -> str:
    """The confirmation question: "Move 3 files (12.3 MB) to the Trash?"."""
    return _plural(
        count,
        Words.tr(
            "Move {n} files ({size}) to the Trash?", "Move {n} file ({size}) to the Trash?", count
        ),
        size=size(n_bytes),
    )


def moving_to_trash(count: int) -> str:
    """What a running cleanup says: "Moving 3 files to the Trash"."""
    return _plural(
        count, Words.tr("Moving {n} files to the Trash", "Moving {n} file to the Trash", count)
    )


def moved_to_trash(count: int, freed_bytes: int) -> str:
    """A finished cleanup: "Moved 3 files to the Trash (freed 12.3 MB)"."""
    return _plural(
        count,
        Words.tr(
            "Moved {n} files to the Trash (freed {size})",
            "Moved {n} file to the Trash (freed {size})",
            count,
        ),
        size=size(freed_bytes),
    )


def restored(count: int) -> str:
    """A finished undo: "Restored 3 files"."""
    return _plural(count, Words.tr("Restored {n} files", "Restored {n} file", count))


def moved_to_folder(count: int, folder: str) -> str:
    """A finished move: "Moved 3 files to /home/me/Duplicates"."""
    return _plural(
        count,
        Words.tr("Moved {n} files to {folder}", "Moved {n} file to {folder}", count),
        folder=folder,
    )


def replaced_with_links(count: int, freed_bytes: int) -> str:
    """A finished hard-link batch: "Replaced 3 files with hard links (freed 12.3 MB)"."""
    return _plural(
        count,
        Words.tr(
            "Replaced {n} files with hard links (freed {size})",
            "Replaced {n} file with a hard link (freed {size})",
            count,
        ),
        size=size(freed_bytes),
    )


def nothing_to_trash() -> str:
    """The confirmation when the plan refused every marked file."""
    return Words.tr("None of the marked files can be moved to the Trash.")


def nothing_to_move() -> str:
    return Words.tr("None of the marked files can be moved.")


def nothing_to_link() -> str:
    return Words.tr("None of the marked files can be replaced with hard links.")


def confirm_move(count: int, n_bytes: int, folder: str) -> str:
    """The confirmation question of a move: "Move 3 files (12.3 MB) to /home/me/Aside?"."""
    return _plural(
        count,
        Words.tr(
            "Move {n} files ({size}) to {folder}?", "Move {n} file ({size}) to {folder}?", count
        ),
        size=size(n_bytes),
        folder=folder,
    )


def move_files(count: int) -> str:
    """The move command's confirming button: "Move 3 files"."""
    return _plural(count, Words.tr("Move {n} files", "Move {n} file", count))


def moving_to_folder(count: int, folder: str) -> str:
    return _plural(
        count,
        Words.tr("Moving {n} files to {folder}", "Moving {n} file to {folder}", count),
        folder=folder,
    )


def confirm_hardlink(count: int, n_bytes: int) -> str:
    """The confirmation question of a hard-link batch."""
    return _plural(
        count,
        Words.tr(
            "Replace {n} identical copies ({size}) with hard links to their keepers?",
            "Replace {n} identical copy ({size}) with a hard link to its keeper?",
            count,
        ),
        size=size(n_bytes),
    )


def replace_files(count: int) -> str:
    """The hard-link command's confirming button: "Replace 3 files"."""
    return _plural(count, Words.tr("Replace {n} files", "Replace {n} file", count))


def replacing_with_links(count: int) -> str:
    return _plural(
        count,
        Words.tr(
            "Replacing {n} files with hard links", "Replacing {n} file with a hard link", count
        ),
    )


def left_alone(count: int, reasons: list[str]) -> str:
    """Which marked files a cleanup leaves alone: "2 files of the marked ones will be left
    alone: 1 keeper, 1 in a reference folder."; ``reasons`` come from the ``refused_*``
    phrases."""
    return _plural(
        count,
        Words.tr(
            "{n} files of the marked ones will be left alone: {reasons}.",
            "{n} file of the marked ones will be left alone: {reasons}.",
            count,
        ),
        reasons=", ".join(reasons),
    )


def refused_keepers(n: int) -> str:
    return _plural(n, Words.tr("{n} keepers", "{n} keeper", n))


def refused_whole_group(n: int) -> str:
    return _plural(
        n,
        Words.tr(
            "{n} would leave no copy of their picture", "{n} would leave no copy of its picture", n
        ),
    )


def refused_reference(n: int) -> str:
    return _plural(n, Words.tr("{n} in a reference folder", "{n} in a reference folder", n))


def refused_outside(n: int) -> str:
    return _plural(
        n, Words.tr("{n} outside the scanned folders", "{n} outside the scanned folders", n)
    )


def refused_unverified(n: int) -> str:
    return _plural(n, Words.tr("{n} not verified as copies", "{n} not verified as a copy", n))


def refused_not_in_group(n: int) -> str:
    return _plural(n, Words.tr("{n} no longer in any group", "{n} no longer in any group", n))


def time_left(seconds: float) -> str:
    """The rest of a running job at the rate so far: "about 42 s left"."""
    return Words.tr("about {duration} left").format(duration=duration(seconds))


def stopping_after_current_file() -> str:
    """What a cleanup says between Cancel and its end."""
    return Words.tr("Stopping after the current file…")


def unreadable(count: int) -> str:
    """The skipped files' button: "3 files could not be read"."""
    return _plural(
        count, Words.tr("{n} files could not be read", "{n} file could not be read", count)
    )


def not_compared(count: int) -> str:
    """The skipped files' list heading."""
    return _plural(
        count,
        Words.tr(
            "{n} files could not be read, so they were not compared:",
            "{n} file could not be read, so it was not compared:",
            count,
        ),
    )


def back_in_groups(count: int) -> str:
    """After an undo: "back in their groups" (the files returned to the results)."""
    return _plural(count, Words.tr("{n} back in their groups", "{n} back in its group", count))


# --- scanning and results ---------------------------------------------------------------------


def nothing_to_scan() -> str:
    """Scan pressed with no folder to search."""
    return Words.tr("There is nothing to scan yet: add a folder first with Add Folder… (Ctrl+O).")


def add_folder_here() -> str:
    """The hint beside the folder list's Add button."""
    return Words.tr("Add the folders to search here")


def no_duplicates(files_scanned: int, *, similar: bool, subfolders: bool) -> str:
    """The empty result: what was searched and the one change most likely to find more."""
    among = files(files_scanned)
    if not subfolders:
        # The likeliest reason of all: the photos are in folders below the chosen ones.
        return Words.tr(
            "No duplicates among {files}. Try “Include subfolders”, or add more folders."
        ).format(files=among)
    if similar:
        return Words.tr(
            "No duplicates among {files}. Try a looser sensitivity, or add more folders."
        ).format(files=among)
    return Words.tr(
        "No duplicates among {files}. Try “Similar photos”, or add more folders."
    ).format(files=among)


def opened_results(groups_opened: int, marked: int) -> str:
    """After Open Results: "Opened 12 groups · 3 files marked"."""
    return Words.tr("Opened {groups} · {files} marked").format(
        groups=groups(groups_opened), files=files(marked)
    )


def quit_question() -> str:
    return Words.tr("Save the results before quitting?")


def quit_details(marked: int, groups_shown: int) -> str:
    """Why quitting now loses something: the marks not acted on, the review not saved."""
    if marked:
        lost = _plural(
            marked,
            Words.tr(
                "{n} files are marked for the Trash and have not been moved.",
                "{n} file is marked for the Trash and has not been moved.",
                marked,
            ),
        )
    else:
        lost = _plural(
            groups_shown,
            Words.tr(
                "The {n} groups found have not been saved.",
                "The {n} group found has not been saved.",
                groups_shown,
            ),
        )
    return Words.tr(
        "{lost} Saved results keep the groups and your marks, to carry on later."
    ).format(lost=lost)


# --- matches ----------------------------------------------------------------------------------


def match_label(member: Member) -> str:
    """Why ``member`` is in its group, in a word or two: "keeper", "similar 87 %"."""
    if member.match is MatchKind.KEEPER:
        return Words.tr("keeper")
    if member.match is MatchKind.IDENTICAL:
        return Words.tr("identical")
    if member.match is MatchKind.SAME_PICTURE:
        return Words.tr("same picture")
    return Words.tr("similar {percent}").format(percent=_percent(member.score))


def changes(group: Group, member: Member) -> str:
    """What changed from the keeper to a verified copy, in words ("mirrored", "turned 17°,
    cropped 12 %"); "" for the keeper and for byte copies."""
    if member.match not in (MatchKind.SAME_PICTURE, MatchKind.SIMILAR):
        return ""
    # A member proven against another file than the keeper is described against that file.
    base = next((m for m in group.members if m.path == member.proven_with), group.keeper)
    new_format = member.format if member.format != base.format else ""
    return transform_text(member.transform, new_format)


def match_badge(group: Group, member: Member) -> str:
    """A card's badge and the table's Match column: why the member is in its group, what
    changed and whether it lies in a reference folder, "similar 98 % · mirrored · reference"."""
    badge = match_label(member)
    changed = changes(group, member)
    if changed:
        badge = Words.tr("{match} · {changed}").format(match=badge, changed=changed)
    if member.is_reference:
        badge = Words.tr("{match} · reference").format(match=badge)
    return badge


def match_reason(member: Member) -> str:
    """Why ``member`` is in its group, in a phrase: "same picture at another size, quality or
    format"."""
    if member.match is MatchKind.KEEPER:
        return Words.tr("suggested keeper")
    if member.match is MatchKind.IDENTICAL:
        return Words.tr("identical bytes")
    if member.match is MatchKind.SAME_PICTURE:
        return Words.tr("same picture at another size, quality or format")
    return Words.tr("similar photo ({percent})").format(percent=_percent(member.score))


_GROUP_KIND: dict[MatchKind, Callable[[], str]] = {
    MatchKind.IDENTICAL: lambda: Words.tr("identical copies"),
    MatchKind.SAME_PICTURE: lambda: Words.tr("same picture at other sizes"),
    MatchKind.SIMILAR: lambda: Words.tr("similar photos"),
    MatchKind.KEEPER: str,
}


def group_count(group: Group) -> str:
    """The first part of a group's header: "4 photos"."""
    return photos(len(group.members))


def group_detail(group: Group) -> str:
    """The rest of a group's header: "12.3 MB reclaimable · identical copies"."""
    return Words.tr("{reclaimable} · {kind}").format(
        reclaimable=reclaimable(group.reclaimable_bytes), kind=_GROUP_KIND[group.kind]()
    )


_GROUP_KIND_SHORT: dict[MatchKind, Callable[[], str]] = {
    MatchKind.IDENTICAL: lambda: Words.tr("identical"),
    MatchKind.SAME_PICTURE: lambda: Words.tr("same picture"),
    MatchKind.SIMILAR: lambda: Words.tr("similar"),
    MatchKind.KEEPER: str,
}


def group_detail_short(group: Group) -> str:
    """The header's detail where the full one does not fit: "12.3 MB · identical"."""
    return Words.tr("{size} · {kind}").format(
        size=size(group.reclaimable_bytes), kind=_GROUP_KIND_SHORT[group.kind]()
    )


def group_detail_shortest(group: Group) -> str:
    """The header's detail in the narrowest strips: "12.3 MB"."""
    return size(group.reclaimable_bytes)


def group_number(n: int) -> str:
    """A group by its place in the list: "Group 642"."""
    return Words.tr("Group {number}").format(number=number(n))


def group_tag(n: int) -> str:
    """A group's number on its header: "#642"."""
    return Words.tr("#{number}").format(number=number(n))


def marked_short(count: int) -> str:
    """A narrow group header's note: "2 marked"."""
    return _plural(count, Words.tr("{n} marked", "{n} marked", count))


def groups_shown(shown: int, total: int) -> str:
    """How many groups a filter leaves: "12 of 796 groups"."""
    return _plural(
        total, Words.tr("{shown} of {n} groups", "{shown} of {n} group", total), shown=number(shown)
    )


def group_header(group: Group) -> str:
    """A group's header line: "4 photos · 12.3 MB reclaimable · identical copies"."""
    return Words.tr("{count} · {detail}").format(
        count=group_count(group), detail=group_detail(group)
    )


# --- keepers and selection rules ----------------------------------------------------------------

_REASONS: dict[KeeperReason, Callable[[], str]] = {
    KeeperReason.REFERENCE: lambda: Words.tr("in a reference folder"),
    KeeperReason.FULL_SIZE: lambda: Words.tr("full size"),
    KeeperReason.OTHERS_ENLARGED: lambda: Words.tr(
        "full size (the larger copies are enlargements)"
    ),
    KeeperReason.CAMERA_ORIGINAL: lambda: Words.tr("camera original"),
    KeeperReason.CAMERA_DATA: lambda: Words.tr("most camera data"),
    KeeperReason.UNEDITED: lambda: Words.tr("unedited"),
    KeeperReason.ORIGINAL_NAME: lambda: Words.tr("original name"),
    KeeperReason.TAKEN_FIRST: lambda: Words.tr("taken first"),
    KeeperReason.OLDEST: lambda: Words.tr("oldest file"),
    KeeperReason.SHORTEST_PATH: lambda: Words.tr("shortest path"),
    KeeperReason.CHOSEN: lambda: Words.tr("chosen by you"),
}


def _quality_reason(keeper: Member) -> str:
    if keeper.origin.lossless and not keeper.origin.jpeg_past:
        return Words.tr("lossless")
    if keeper.format == "JPEG" and keeper.origin.quality:
        return Words.tr("best JPEG quality ({quality})").format(
            quality=number(keeper.origin.quality)
        )
    return Words.tr("best quality")


def rule_phrase(rule: Rule) -> str:
    """What one selection rule keeps: "largest file", "in /home/me/Photos"."""
    c, back = rule.criterion, rule.reverse
    if c is Criterion.RESOLUTION:
        return Words.tr("fewest pixels") if back else Words.tr("most pixels")
    if c is Criterion.FILE_SIZE:
        return Words.tr("smallest file") if back else Words.tr("largest file")
    if c is Criterion.TAKEN:
        return Words.tr("taken last") if back else Words.tr("taken first")
    if c is Criterion.MODIFIED:
        return Words.tr("newest file") if back else Words.tr("oldest file")
    if c is Criterion.PATH_LENGTH:
        return Words.tr("longest path") if back else Words.tr("shortest path")
    if c is Criterion.FORMAT:
        formats = rule.value.replace("+", ", ")
        phrase = Words.tr("not {formats}") if back else Words.tr("format {formats}")
        return phrase.format(formats=formats)
    if c is Criterion.FOLDER:
        phrase = Words.tr("not in {folder}") if back else Words.tr("in {folder}")
        return phrase.format(folder=rule.value)
    phrase = Words.tr("name not like {pattern}") if back else Words.tr("name like {pattern}")
    return phrase.format(pattern=rule.value)


def keeper_reason(group: Group) -> str:
    """Why the keeper was chosen: "keeper: camera original, full size", "keeper by your rules:
    largest file", "keeper: chosen by you"."""
    parts = _keeper_parts(group)
    if not parts:
        return Words.tr("keeper")
    listed = Words.tr(", ").join(parts)
    if any(isinstance(r, Rule) for r in group.why):
        return Words.tr("keeper by your rules: {reasons}").format(reasons=listed)
    return Words.tr("keeper: {reasons}").format(reasons=listed)


def keeper_why(group: Group) -> str:
    """The reasons alone, where the keeper is already named: "camera original, full size",
    "by your rules: largest file"; "" when there are none."""
    parts = _keeper_parts(group)
    if not parts:
        return ""
    listed = Words.tr(", ").join(parts)
    if any(isinstance(r, Rule) for r in group.why):
        return Words.tr("by your rules: {reasons}").format(reasons=listed)
    return listed


def _keeper_parts(group: Group) -> list[str]:
    return [
        rule_phrase(r)
        if isinstance(r, Rule)
        else _quality_reason(group.keeper)
        if r is KeeperReason.QUALITY
        else _REASONS[r]()
        for r in group.why
    ]


_CRITERIA: dict[Criterion, Callable[[], str]] = {
    Criterion.RESOLUTION: lambda: Words.tr("Resolution"),
    Criterion.FILE_SIZE: lambda: Words.tr("File size"),
    Criterion.TAKEN: lambda: Words.tr("Date taken"),
    Criterion.MODIFIED: lambda: Words.tr("Date modified"),
    Criterion.FORMAT: lambda: Words.tr("Format"),
    Criterion.FOLDER: lambda: Words.tr("Folder"),
    Criterion.PATH_LENGTH: lambda: Words.tr("Path length"),
    Criterion.NAME: lambda: Words.tr("Name pattern"),
}


def criterion_label(criterion: Criterion) -> str:
    """A selection criterion's name in the rules dialog: "File size"."""
    return _CRITERIA[criterion]()


def rules_summary(rules: tuple[Rule, ...]) -> str:
    """The rules in one line: "largest file, then in /home/me/Photos", or Lookalike's own."""
    if not rules:
        return Words.tr("Lookalike's own rank: the camera original")
    return Words.tr(", then ").join(rule_phrase(r) for r in rules)


def keepers_changed(count: int) -> str:
    """After rules were applied: "The keeper changed in 3 groups"."""
    if not count:
        return Words.tr("No keeper changed")
    return _plural(
        count,
        Words.tr("The keeper changed in {n} groups", "The keeper changed in {n} group", count),
    )


def made_keeper(name: str) -> str:
    """After "Make This the Keeper": "IMG_1234.JPG is now the keeper of its group"."""
    return Words.tr("{name} is now the keeper of its group").format(name=name)


def marked_in_folder(marked: int, total: int, folder: str) -> str:
    """What Select in Folder did: "Marked 1 of 30 photos in PNG conversions"."""
    return _plural(
        total,
        Words.tr(
            "Marked {marked} of {n} photos in {folder}",
            "Marked {marked} of {n} photo in {folder}",
            total,
        ),
        marked=number(marked),
        folder=folder,
    )


def not_marked_keepers(n: int) -> str:
    return _plural(
        n,
        Words.tr(
            "{n} are the keepers of their groups (make other photos the keepers, or change the"
            " selection rules, to mark them)",
            "{n} is the keeper of its group (make another photo the keeper, or change the"
            " selection rules, to mark it)",
            n,
        ),
    )


def not_marked_reference(n: int) -> str:
    return _plural(
        n,
        Words.tr(
            "{n} are in a reference folder, whose files are never marked",
            "{n} is in a reference folder, whose files are never marked",
            n,
        ),
    )


def not_marked_last_copy(n: int) -> str:
    return _plural(
        n,
        Words.tr(
            "{n} would leave their groups with no copy unmarked",
            "{n} would leave its group with no copy unmarked",
            n,
        ),
    )


def already_marked(n: int) -> str:
    return _plural(n, Words.tr("{n} were marked already", "{n} was marked already", n))


def folder_counts(photos_in: int, can_mark: int) -> str:
    """A folder in the Select in Folder tree: "30 photos, 1 can be marked"."""
    return _plural(
        photos_in,
        Words.tr(
            "{n} photos, {marks} can be marked", "{n} photo, {marks} can be marked", photos_in
        ),
        marks=number(can_mark),
    )


def proof_note(member: Member) -> str:
    """For a member verified against another file than its keeper: "verified against IMG_1.JPG,
    the keeper the scan chose" (that file and the keeper show the same picture); else ""."""
    if not member.proven_with:
        return ""
    return Words.tr("verified against {name}, the keeper the scan chose").format(
        name=os.path.basename(member.proven_with)
    )


# --- transforms -------------------------------------------------------------------------------

# Below these a measured change is noise of the fit, not something a person would notice.
_MIN_TURN_DEG = 0.5
_MIN_SCALE_CHANGE = 0.02
# A plain re-save's fit is off by a pixel on a side, which reads as up to ~1 % of the area both
# cropped and shown more; a real crop of even 1 % a side cuts 4 %.
_MIN_CROP = 0.02
_MIN_BRIGHTNESS = 0.03  # of the full range
_MIN_CONTRAST_CHANGE = 0.1
_MIN_OVERLAY = 0.005  # of the common region

# Sizes people name rather than measure, with how close a measured scale must be.
_NAMED_SCALES: tuple[tuple[float, float, Callable[[], str]], ...] = (
    (0.5, 0.02, lambda: Words.tr("half size")),
    (0.25, 0.01, lambda: Words.tr("quarter size")),
    (2.0, 0.04, lambda: Words.tr("twice the size")),
)


def _turned(degrees: float) -> str:
    return Words.tr("turned {degrees}°").format(degrees=number(round(degrees)))


def _cropped(fraction: float) -> str:
    return Words.tr("cropped {percent}").format(percent=_percent(fraction))


def _shows_more(fraction: float) -> str:
    return Words.tr("shows {percent} more around").format(percent=_percent(fraction))


def _resized(scale: float) -> str:
    for named, tolerance, phrase in _NAMED_SCALES:
        if abs(scale - named) <= tolerance:
            return phrase()
    return Words.tr("resized to {percent}").format(percent=_percent(scale))


def _resaved(fmt: str) -> str:
    return Words.tr("re-saved as {format}").format(format=fmt)


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
        parts.append(Words.tr("mirrored"))
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
        parts.append(Words.tr("grayscale"))
    elif transform.colourised:
        parts.append(Words.tr("in colour"))
    if transform.brightness >= _MIN_BRIGHTNESS:
        parts.append(Words.tr("brighter"))
    elif transform.brightness <= -_MIN_BRIGHTNESS:
        parts.append(Words.tr("darker"))
    if transform.contrast >= 1 + _MIN_CONTRAST_CHANGE:
        parts.append(Words.tr("more contrast"))
    elif transform.contrast <= 1 - _MIN_CONTRAST_CHANGE:
        parts.append(Words.tr("less contrast"))
    if transform.added >= _MIN_OVERLAY:
        parts.append(Words.tr("with an overlay"))
    if transform.removed >= _MIN_OVERLAY:
        parts.append(Words.tr("without the keeper's overlay"))
    if new_format:
        parts.append(_resaved(new_format))
    if not parts or parts == [_resized(transform.scale)]:
        # "half size" alone does not say that the picture itself is unchanged.
        parts.insert(0, Words.tr("same picture"))
    return Words.tr(", ").join(parts)


# --- comparing two photos ------------------------------------------------------------------


def laid_on_each_other(transforms: list[Transform]) -> str:
    """How a blink or difference put two photos on each other: undoing the mirror, turn and
    crop the match found (``transforms``: of the copies compared with their keeper), or by
    their size alone."""
    undone = []
    for transform in transforms:
        turn = round(abs((transform.turn_degrees + 180) % 360 - 180))
        if transform.mirrored:
            undone.append(Words.tr("mirrored"))
        if turn >= 1:
            undone.append(_turned(turn))
        if 1 - min(transform.first_shown, transform.second_shown) >= _MIN_CROP:
            undone.append(Words.tr("cropped"))
    if undone:
        return Words.tr("aligned as matched ({undone})").format(
            undone=Words.tr(", ").join(dict.fromkeys(undone))
        )
    return Words.tr("aligned by size")


def difference_summary(mean_difference: float, how: str) -> str:
    """Over a difference picture: "Bright where they differ · 2 % on average · …"."""
    return Words.tr("Bright where they differ · {percent} on average · {how}").format(
        percent=_percent(mean_difference), how=how
    )


def blink_caption(number: int, photo: str, how: str) -> str:
    """Over a blink: which photo shows now ("1 of 2: keeper · IMG_1.jpg · …")."""
    return Words.tr("{number} of 2: {photo} · {how}").format(number=number, photo=photo, how=how)


# --- dates ------------------------------------------------------------------------------------


def timestamp(mtime_ns: int) -> str:
    """A file time, local, to the minute: "2021-06-01 12:00"."""
    return _date_time(datetime.fromtimestamp(mtime_ns / 1e9), False)


def precise_timestamp(mtime_ns: int) -> str:
    """A file time, local, to the second, to show that it changed: "2021-06-01 12:00:05"."""
    return _date_time(datetime.fromtimestamp(mtime_ns / 1e9), True)


def exif_date(taken: str) -> str:
    """An EXIF date ("2021:06:01 12:00:05") the way ``timestamp`` writes one."""
    try:
        when = datetime.strptime(taken[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        # A camera's own spelling (a date alone, blanks): shown as it came, in ISO order.
        date, _, time = taken.partition(" ")
        return f"{date.replace(':', '-')} {time[:5]}".strip()
    return _date_time(when, False)


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
    return Words.tr("HEIC/HEIF needs the optional decoder: pip install 'lookalike[heif]'")


def over_pixel_cap(cap: int) -> str:
    return Words.tr("more than {megapixels} megapixels (a decompression bomb?)").format(
        megapixels=number(cap // 10**6)
    )


def pixels_over_cap(width: int, height: int, cap: int) -> str:
    return Words.tr("{width}×{height} pixels, more than {megapixels} megapixels").format(
        width=width, height=height, megapixels=number(cap // 10**6)
    )


def header_too_long(limit: int) -> str:
    return Words.tr("its header goes on past the first {size}").format(size=size(limit))


def file_over_cap(n_bytes: int, fmt: str, cap: int) -> str:
    return Words.tr("{size}, more than the {cap} a {format} picture may take").format(
        size=size(n_bytes), cap=size(cap), format=fmt
    )


def decode_over_budget(n_bytes: int, budget: int) -> str:
    return Words.tr("decoding it would need about {size} of memory (at most {budget})").format(
        size=size(n_bytes), budget=size(budget)
    )


def link_target(target: str) -> str:
    return Words.tr("it points to {target}").format(target=target)


def replaced_while_read() -> str:
    return Words.tr("another file took its place while it was being read")


def file_kind(mode: int) -> str:
    """What a file that is not a regular file is (from its ``st_mode``)."""
    if stat.S_ISFIFO(mode):
        return Words.tr("a named pipe (FIFO)")
    if stat.S_ISSOCK(mode):
        return Words.tr("a socket")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return Words.tr("a device")
    if stat.S_ISLNK(mode):
        return Words.tr("a symbolic link")
    if stat.S_ISDIR(mode):
        return Words.tr("a folder")
    return Words.tr("a special file")


# --- handing off to the desktop ---------------------------------------------------------------


def no_viewer(path: str) -> str:
    """Open found no application: "No application is set up to open IMG_1.jpg"."""
    name, folder = os.path.basename(path), os.path.dirname(path)
    return Words.tr("No application is set up to open {name}; it is in {folder}").format(
        name=name, folder=folder
    )


def no_file_manager(folder: str) -> str:
    """Show in Folder found no file manager."""
    return Words.tr("No file manager is set up to show folders; the photo is in {folder}").format(
        folder=folder
    )


# --- paths given at start ---------------------------------------------------------------------


def opened_path_not_found() -> str:
    return Words.tr("not found")


def opened_path_no_access() -> str:
    return Words.tr("permission denied")


def opened_folder_no_access() -> str:
    return Words.tr("its folder cannot be read (permission denied)")


def opened_path_special() -> str:
    return Words.tr("not a folder or a file (a device, pipe or socket)")


def opened_path_error(detail: str) -> str:
    return Words.tr("cannot be opened: {detail}").format(detail=detail)


def opened_paths_unusable_title() -> str:
    return Words.tr("Could not add everything")


def opened_paths_unusable(n: int) -> str:
    return _plural(
        n,
        Words.tr(
            "{n} items Lookalike was started with could not be added:",
            "{n} item Lookalike was started with could not be added:",
            n,
        ),
    )


# --- "not duplicates" ---------------------------------------------------------------------------


def not_duplicates_member(name: str, others: int) -> str:
    """A member said not to be a duplicate of the rest of its group."""
    return _plural(
        others,
        Words.tr(
            "{name} is not a duplicate of the {n} other files",
            "{name} is not a duplicate of the {n} other file",
            others,
        ),
        name=name,
    )


def not_duplicates_pair(first: str, second: str) -> str:
    return Words.tr("{first} and {second} are not duplicates").format(first=first, second=second)


def not_duplicates_group(count: int, first: str) -> str:
    """A whole group said to be no duplicates of each other."""
    return _plural(
        count,
        Words.tr(
            "{first} and the rest: {n} files, none a duplicate of another",
            "{first}: {n} file, none a duplicate of another",
            count,
        ),
        first=first,
    )


def not_duplicates_remembered(count: int) -> str:
    return _plural(count, Words.tr("{n} choices remembered", "{n} choice remembered", count))


def not_duplicates_forgotten(count: int) -> str:
    return _plural(count, Words.tr("{n} choices forgotten", "{n} choice forgotten", count))


# --- sidecar files ------------------------------------------------------------------------------


def sidecars(names: list[str]) -> str:
    """The sidecar files that travel with a photo: "with IMG_1.xmp", "with 2 sidecar files"."""
    if len(names) == 1:
        return Words.tr("with {name}").format(name=names[0])
    return _plural(
        len(names), Words.tr("with {n} sidecar files", "with {n} sidecar file", len(names))
    )


def sidecar_badge(extensions: list[str]) -> str:
    """The card's note that a photo has sidecar files: "+XMP", "+JSON XMP"."""
    kinds = sorted({e.lstrip(".").upper() for e in extensions})
    return "+" + " ".join(kinds)


def sidecars_went_along(count: int) -> str:
    """After a cleanup or undo: the sidecar files that went with their photos."""
    return _plural(
        count, Words.tr("{n} sidecar files went along", "{n} sidecar file went along", count)
    )


# --- the application menu entry ---------------------------------------------------------------


def menu_entry_installed(n_files: int, command: str) -> str:
    return _plural(
        n_files,
        Words.tr(
            "Lookalike is in your application menu ({n} files; it runs {command}).",
            "Lookalike is in your application menu ({n} file; it runs {command}).",
            n_files,
        ),
        command=command,
    )


def menu_entry_removed(n_files: int) -> str:
    return _plural(
        n_files,
        Words.tr(
            "Lookalike is no longer in your application menu ({n} files removed).",
            "Lookalike is no longer in your application menu ({n} file removed).",
            n_files,
        ),
    )


def menu_entry_absent() -> str:
    return Words.tr("Lookalike was not in your application menu.")


def menu_entry_unsupported() -> str:
    return Words.tr(
        "the menu entry is for Linux and BSD desktops; on Windows and macOS, see "
        "packaging/README.md"
    )
