"""The shared wording: sizes, plurals, match and transform words, dates, skip reasons."""

from __future__ import annotations

import errno
import os
from datetime import datetime
from pathlib import Path

import pytest

from lookalike.core import words
from lookalike.core.model import Group, MatchKind, Member, SkipReason, Transform


def member(match: MatchKind = MatchKind.IDENTICAL, **kw: object) -> Member:
    fields: dict[str, object] = {
        "path": "/p/a.jpg",
        "size": 1000,
        "mtime_ns": 0,
        "width": 4,
        "height": 3,
        "match": match,
        "score": 1.0,
    }
    fields.update(kw)
    return Member(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("n_bytes", "text"),
    [
        (0, "0 bytes"),
        (1, "1 byte"),
        (980, "980 bytes"),
        (999, "999 bytes"),
        (1000, "1.0 KB"),
        (12_345, "12.3 KB"),
        (999_949, "999.9 KB"),
        (999_960, "1.0 MB"),  # never "1000.0 KB"
        (4_100_000, "4.1 MB"),
        (1_500_000_000, "1.5 GB"),
        (1_200_000_000_000, "1.2 TB"),
        (3 * 10**18, "3000.0 PB"),
    ],
)
def test_one_size_formatter(n_bytes: int, text: str) -> None:
    assert words.size(n_bytes) == text


def test_exact_size_and_numbers_group_thousands() -> None:
    assert words.exact_size(4_123_456) == "4,123,456 bytes"
    assert words.exact_size(1) == "1 byte"
    assert words.number(1234567) == "1,234,567"


@pytest.mark.parametrize(
    ("phrase", "one", "many"),
    [
        (words.files, "1 file", "2,000 files"),
        (words.image_files, "1 image file", "2,000 image files"),
        (words.photos, "1 photo", "2,000 photos"),
        (words.groups, "1 group", "2,000 groups"),
        (words.duplicates, "1 duplicate", "2,000 duplicates"),
        (words.folders, "1 folder", "2,000 folders"),
        (words.restored, "Restored 1 file", "Restored 2,000 files"),
        (words.unreadable, "1 file could not be read", "2,000 files could not be read"),
        (words.move_to_trash, "Move 1 file to Trash", "Move 2,000 files to Trash"),
        (words.moving_to_trash, "Moving 1 file to the Trash", "Moving 2,000 files to the Trash"),
    ],
)
def test_counts_choose_their_plural_form(phrase: object, one: str, many: str) -> None:
    assert callable(phrase)
    assert phrase(1) == one
    assert phrase(2000) == many


def test_zero_takes_the_plural_form_and_trash_names_no_count() -> None:
    assert words.files(0) == "0 files"
    assert words.move_to_trash(0) == "Move to Trash"


def test_phrases_with_sizes() -> None:
    assert words.selection(3, 12_300_000) == "3 selected · 12.3 MB"
    assert words.confirm_move_to_trash(1, 980) == "Move 1 file (980 bytes) to the Trash?"
    assert words.moved_to_trash(2, 2_000) == "Moved 2 files to the Trash (freed 2.0 KB)"
    assert words.marked_for_trash(2) == "2 marked for trash"
    assert words.not_compared(1) == "1 file could not be read, so it was not compared:"
    assert words.not_compared(3).startswith("3 files could not be read, so they were")


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0.24, "0.2 s"), (9.94, "9.9 s"), (42, "42 s"), (300, "5 min"), (5400, "1.5 h")],
)
def test_duration(seconds: float, text: str) -> None:
    assert words.duration(seconds) == text


@pytest.mark.parametrize(
    ("match", "score", "label", "reason"),
    [
        (MatchKind.KEEPER, 1.0, "keeper", "suggested keeper"),
        (MatchKind.IDENTICAL, 1.0, "identical", "identical bytes"),
        (
            MatchKind.SAME_PICTURE,
            0.99,
            "same picture",
            "same picture at another size, quality or format",
        ),
        (MatchKind.SIMILAR, 0.874, "similar 87 %", "similar photo (87 %)"),
    ],
)
def test_match_wording(match: MatchKind, score: float, label: str, reason: str) -> None:
    m = member(match, score=score)
    assert words.match_label(m) == label
    assert words.match_reason(m) == reason


def test_a_badge_says_the_match_what_changed_and_a_reference_folder() -> None:
    keeper = member(MatchKind.KEEPER, path="/k.jpg", format="JPEG")
    mirrored = member(
        MatchKind.SIMILAR, path="/m.jpg", score=0.99, format="JPEG",
        transform=Transform(mirrored=True), is_reference=True,
    )  # fmt: skip
    copy = member(MatchKind.IDENTICAL, path="/c.jpg")
    group = Group(1, (keeper, mirrored, copy))
    assert words.match_badge(group, keeper) == "keeper"
    assert words.match_badge(group, copy) == "identical"  # a byte copy changed nothing
    assert words.match_badge(group, mirrored) == "similar 99 % · mirrored · reference"


def test_group_header_names_count_bytes_and_the_loosest_kind() -> None:
    group = Group(
        1,
        (
            member(MatchKind.KEEPER, path="/k.jpg", size=5_000_000),
            member(MatchKind.IDENTICAL, path="/i.jpg", size=5_000_000),
            member(MatchKind.SAME_PICTURE, path="/s.png", size=2_300_000),
            member(MatchKind.SAME_PICTURE, path="/r.jpg", size=9, is_reference=True),
        ),
    )
    assert words.group_count(group) == "4 photos"
    assert words.group_detail(group) == "7.3 MB reclaimable · same picture at other sizes"
    assert (
        words.group_header(group) == "4 photos · 7.3 MB reclaimable · same picture at other sizes"
    )


@pytest.mark.parametrize(
    ("transform", "new_format", "text"),
    [
        (Transform(), "", "same picture"),
        (Transform(scale=0.5), "", "same picture, half size"),
        (Transform(scale=0.51), "", "same picture, half size"),
        (Transform(scale=0.25), "", "same picture, quarter size"),
        (Transform(scale=2.0), "", "same picture, twice the size"),
        (Transform(scale=0.75), "", "same picture, resized to 75 %"),
        (Transform(scale=1.01), "", "same picture"),  # within the fit's noise
        (Transform(turn_degrees=17.2, first_shown=0.88), "", "turned 17°, cropped 12 %"),
        (Transform(turn_degrees=270), "", "turned 90°"),  # the shorter way round
        (Transform(turn_degrees=350), "", "turned 10°"),
        (Transform(turn_degrees=0.2), "", "same picture"),
        (Transform(mirrored=True), "", "mirrored"),
        (Transform(mirrored=True, turn_degrees=90), "", "mirrored, turned 90°"),
        (Transform(second_shown=0.8), "", "shows 20 % more around"),
        (Transform(first_shown=0.996), "", "same picture"),
        # A re-save's fit, a pixel off on a side, measured on the real-photo eval.
        (Transform(turn_degrees=180, first_shown=0.992, second_shown=0.992), "", "turned 180°"),
        (Transform(first_shown=0.99, second_shown=0.907), "", "shows 9 % more around"),
        (Transform(), "PNG", "re-saved as PNG"),
        (Transform(grayscale=True), "", "grayscale"),
        (Transform(colourised=True), "", "in colour"),
        (Transform(brightness=0.2), "", "brighter"),
        (Transform(brightness=-0.2), "", "darker"),
        (Transform(brightness=0.01, contrast=1.05), "", "same picture"),  # within the noise
        (Transform(contrast=1.3), "", "more contrast"),
        (Transform(contrast=0.7), "", "less contrast"),
        (Transform(added=0.04), "", "with an overlay"),
        (Transform(removed=0.04), "", "without the keeper's overlay"),
        (
            Transform(turn_degrees=3, first_shown=0.9, grayscale=True, brightness=0.1),
            "JPEG",
            "turned 3°, cropped 10 %, grayscale, brighter, re-saved as JPEG",
        ),
        (Transform(scale=0.5), "WEBP", "half size, re-saved as WEBP"),
    ],
)
def test_transform_in_words(transform: Transform, new_format: str, text: str) -> None:
    assert words.transform_text(transform, new_format) == text


def test_dates_prefer_exif_and_else_the_file_time() -> None:
    mtime = datetime(2020, 5, 4, 3, 2, 1).timestamp()
    taken = member(taken="2021:06:01 12:00:05", mtime_ns=int(mtime * 1e9))
    assert words.photo_date(taken) == "2021-06-01 12:00"
    untaken = member(mtime_ns=int(mtime * 1e9))
    assert words.photo_date(untaken) == "2020-05-04 03:02"
    assert words.timestamp(int(mtime * 1e9)) == "2020-05-04 03:02"
    assert words.precise_timestamp(int(mtime * 1e9)) == "2020-05-04 03:02:01"


def _error_of(action: object) -> OSError:
    assert callable(action)
    try:
        action()
    except OSError as exc:
        return exc
    raise AssertionError("no error")


def test_skipped_for_real_errors(tmp_path: Path) -> None:
    missing = tmp_path / "gone.jpg"
    assert words.skipped_for(str(missing), _error_of(missing.read_bytes)).reason is (
        SkipReason.VANISHED
    )
    loop = tmp_path / "loop.jpg"
    loop.symlink_to(loop)
    assert words.skipped_for(str(loop), _error_of(loop.read_bytes)).reason is SkipReason.LINK_LOOP
    folder = tmp_path / "folder.jpg"
    folder.mkdir()
    skipped = words.skipped_for(str(folder), _error_of(folder.read_bytes))
    assert (skipped.path, skipped.reason) == (str(folder), SkipReason.UNREADABLE)
    assert skipped.detail == os.strerror(errno.EISDIR)  # in the system's words
    denied = PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(folder))
    assert words.skipped_for(str(folder), denied).reason is SkipReason.PERMISSION
