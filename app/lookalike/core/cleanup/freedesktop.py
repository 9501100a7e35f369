"""The freedesktop.org trash (Linux and other Unix desktops): sending a file there through
send2trash, finding it again for undo by its ``.trashinfo`` record, and tidying records that
describe nothing.

A trashed file lives in ``<trash>/files/NAME`` with ``<trash>/info/NAME.trashinfo`` saying where
it came from (``Path=``) and when (``DeletionDate=``, local time to the second). The trash is the
home trash (``$XDG_DATA_HOME/Trash``) or, for a file on another volume, that volume's
``.Trash/$uid`` or ``.Trash-$uid``. See https://specifications.freedesktop.org/trash-spec/.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import unquote

import send2trash

from lookalike.core.cleanup.journal import FileRecord

log = logging.getLogger(__name__)

TRASHINFO_SUFFIX = ".trashinfo"
# send2trash names the n-th file of one name "stem n.ext"; past this many a search gives up.
_MAX_SAME_NAME = 1000
# DeletionDate has a resolution of one second and the clock may step a little.
_DATE_SLACK = timedelta(seconds=2)


def in_use() -> bool:
    """Whether this platform's trash is the freedesktop one (so undo can take files back)."""
    return sys.platform not in ("win32", "darwin")


def data_home() -> str:
    return os.path.expanduser(os.environ.get("XDG_DATA_HOME") or "~/.local/share")


def home_trash() -> str:
    return os.path.join(data_home(), "Trash")


def sync_send2trash_env() -> None:
    """Make send2trash's own freedesktop code use the current ``XDG_DATA_HOME``.

    ``send2trash.plat_other`` reads ``XDG_DATA_HOME`` once, at import. Undo looks for trashed
    files under the *current* value, so both must agree (they differ when the environment
    changed after import, as in tests that give every test its own data folder).
    """
    module = sys.modules.get("send2trash.plat_other")
    if module is None or getattr(send2trash.send2trash, "__module__", "") != module.__name__:
        return
    home = os.fsencode(data_home())
    trash = os.path.join(home, b"Trash")
    setattr(module, "XDG_DATA_HOME", home)  # noqa: B010 - untyped module constants
    setattr(module, "HOMETRASH_B", trash)  # noqa: B010
    setattr(module, "HOMETRASH", os.fsdecode(trash))  # noqa: B010


def _mount_point(path: str) -> str:
    path = os.path.realpath(path)
    while not os.path.ismount(path):
        parent = os.path.dirname(path)
        if parent == path:
            break
        path = parent
    return path


def trash_dirs(original: str) -> Iterator[tuple[str, str]]:
    """Candidate trash folders for a file, each with the folder its relative ``Path=`` is
    relative to: the home trash, then the volume's ``.Trash/$uid`` and ``.Trash-$uid``.

    Lazy: finding the volume's mount point costs a stat per folder level, and most files go
    to the home trash.
    """
    yield home_trash(), data_home()
    if hasattr(os, "getuid"):
        top = _mount_point(os.path.dirname(original) or ".")
        uid = str(os.getuid())
        yield os.path.join(top, ".Trash", uid), top
        yield os.path.join(top, f".Trash-{uid}"), top


@dataclass(frozen=True, slots=True)
class TrashEntry:
    """One file in a trash: where it is, its record, where it came from and when it left."""

    files_path: str
    info_path: str
    original: str
    deleted: datetime | None


def read_trashinfo(info_path: str, topdir: str) -> tuple[str, datetime | None] | None:
    """``(Path, DeletionDate)`` of a ``.trashinfo``, or ``None`` when it cannot be read."""
    try:
        text = Path(info_path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    original = ""
    deleted: datetime | None = None
    for line in text.splitlines():
        key, _, value = line.partition("=")
        if key.strip() == "Path":
            # Percent-encoded bytes; surrogateescape gives back the name os.fsdecode gave, also
            # for a name that is not valid UTF-8.
            original = unquote(value.strip(), errors="surrogateescape")
        elif key.strip() == "DeletionDate":
            try:
                deleted = datetime.fromisoformat(value.strip())
            except ValueError:
                deleted = None
    if not original:
        return None
    if not os.path.isabs(original):
        original = os.path.join(topdir, original)
    return os.path.normpath(original), deleted


def _names(original: str) -> Iterator[str]:
    """The names send2trash gives ``original`` in a trash, in the order it tries them."""
    base = os.path.basename(original)
    stem, ext = os.path.splitext(base)
    yield base
    for counter in range(1, _MAX_SAME_NAME):
        yield f"{stem} {counter}{ext}"


def _entry_at(trash_dir: str, topdir: str, name: str, original: str) -> TrashEntry | None:
    info_path = os.path.join(trash_dir, "info", name + TRASHINFO_SUFFIX)
    files_path = os.path.join(trash_dir, "files", name)
    info = read_trashinfo(info_path, topdir)
    if info is None or info[0] != original or not os.path.lexists(files_path):
        return None
    return TrashEntry(files_path, info_path, original, info[1])


def find_in_trash(original: str, *, scan_all: bool = False) -> list[TrashEntry]:
    """Trash entries whose ``.trashinfo`` names ``original``.

    The quick way follows send2trash's naming (``name``, ``name 1.ext``, ``name 2.ext``...: the
    first free one) and stops at the first name free in both ``files`` and ``info``; with
    ``scan_all`` every ``.trashinfo`` of the candidate trash folders is read.
    """
    original = os.path.normpath(original)
    found: list[TrashEntry] = []
    for trash_dir, topdir in trash_dirs(original):
        info_dir = os.path.join(trash_dir, "info")
        if not os.path.isdir(info_dir):
            continue
        if scan_all:
            try:
                names = [
                    n.removesuffix(TRASHINFO_SUFFIX)
                    for n in os.listdir(info_dir)
                    if n.endswith(TRASHINFO_SUFFIX)
                ]
            except OSError:
                continue
        else:
            names = []
            for name in _names(original):
                info_path = os.path.join(info_dir, name + TRASHINFO_SUFFIX)
                if not os.path.lexists(info_path) and not os.path.lexists(
                    os.path.join(trash_dir, "files", name)
                ):
                    break
                names.append(name)
        found += [e for n in names if (e := _entry_at(trash_dir, topdir, n, original))]
        if found:
            # send2trash puts a file in exactly one trash; the first that holds it is the one.
            break
    return found


def latest(entries: list[TrashEntry]) -> TrashEntry | None:
    if not entries:
        return None
    return max(entries, key=lambda e: (e.deleted or datetime.min, e.info_path))


def remove_orphans(original: str) -> int:
    """Remove the ``.trashinfo`` records naming ``original`` that have no file in the trash.

    send2trash writes the record before it moves the file: when the move fails, or the app is
    killed in between, the record is left behind describing a file that is not in the trash.
    Returns how many were removed.
    """
    original = os.path.normpath(original)
    removed = 0
    for trash_dir, topdir in trash_dirs(original):
        for name in _names(original):
            info_path = os.path.join(trash_dir, "info", name + TRASHINFO_SUFFIX)
            files_path = os.path.join(trash_dir, "files", name)
            if not os.path.lexists(info_path) and not os.path.lexists(files_path):
                break
            info = read_trashinfo(info_path, topdir)
            if info is not None and info[0] == original and not os.path.lexists(files_path):
                try:
                    os.unlink(info_path)
                    removed += 1
                except OSError as exc:
                    log.warning("could not remove orphan %s: %s", info_path, exc)
    return removed


def send(path: str) -> TrashEntry | None:
    """Move ``path`` to the trash; return where it landed when the trash can say so.

    Raises:
        Exception: whatever the trash backend raised; the file was not trashed, and no orphan
            record is left behind.
    """
    if not in_use():
        send2trash.send2trash(path)
        return None
    sync_send2trash_env()
    try:
        send2trash.send2trash(path)
    except BaseException:
        remove_orphans(path)
        raise
    return latest(find_in_trash(path))


def _parse_utc(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text).astimezone().replace(tzinfo=None)
    except ValueError:
        return None


def _matches_time(entry: TrashEntry, record: FileRecord) -> bool:
    """DeletionDate is local time to the second; it must fall inside the journaled action."""
    start, end = _parse_utc(record.started), _parse_utc(record.finished)
    if entry.deleted is None or start is None:
        return True
    return start - _DATE_SLACK <= entry.deleted <= (end or start) + _DATE_SLACK


def entry_for(record: FileRecord) -> TrashEntry | None:
    """The trash entry of a journaled trash action: the one the journal names if it is still
    there and matches, else the latest entry for that path deleted during the action."""
    if record.destination and record.trash_info:
        topdir = data_home()
        for trash_dir, top in trash_dirs(record.path):
            if record.trash_info.startswith(trash_dir + os.sep):
                topdir = top
        info = read_trashinfo(record.trash_info, topdir)
        if (
            info is not None
            and info[0] == os.path.normpath(record.path)
            and os.path.lexists(record.destination)
        ):
            entry = TrashEntry(record.destination, record.trash_info, info[0], info[1])
            if _matches_time(entry, record):
                return entry
    candidates = [e for e in find_in_trash(record.path, scan_all=True) if _matches_time(e, record)]
    return latest(candidates)


def forget(entry: TrashEntry) -> None:
    """Drop the record of an entry whose file was taken back out of the trash."""
    try:
        os.unlink(entry.info_path)
    except OSError as exc:
        log.warning("restored %s but could not remove %s: %s", entry.original, entry.info_path, exc)
