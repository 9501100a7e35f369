"""Safe cleanup: plan -> check -> journal -> act -> verify, one outcome per file, and undo.

The public surface, used alike by the window (from a QRunnable) and the CLI:

- ``plan_removal(groups, selected)`` decides which selected files may be acted on and refuses
  the rest with a reason: the keeper, a file in a reference folder, and every selected file of a
  group whose whole membership was selected ("would remove every copy of this picture").
- ``execute(plan, action)`` sends the planned files to the system trash (default), moves them to
  a folder, or replaces identical copies with hard links. Just before each file it re-checks that
  the file is the one the scan saw (size and mtime), that its keeper still exists and, for
  byte-identical copies, that both still have the scanned content. It journals each action
  before and after, never falls back to permanent deletion, checks that a trashed file is really
  gone, and returns a ``BatchReport`` with one ``FileOutcome`` per selected file.
- ``undo_last_batch()`` puts the files of the last trash or move batch back where they were
  (freedesktop trash on Linux; elsewhere it says where the files are).
- ``delete_permanently(paths, confirmed_paths=..., plan=...)`` is the only way to destroy files,
  and only when the caller's confirmation names exactly the same files.

Every function takes an optional ``Journal`` (the app's data folder by default), a
``CancelToken`` checked between files, and ``progress(done, total, path)``, called once per file
just before it is acted on (after its journal before-line is written).
"""

from __future__ import annotations

import enum
import errno
import logging
import os
import shutil
import stat
import sys
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import unquote

import send2trash

from lookalike.core import hashing
from lookalike.core.cancel import CancelToken
from lookalike.core.journal import FileRecord, Journal, new_batch_id
from lookalike.core.model import Group, MatchKind, Member, ScanResult

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int, str], None]

# Files the trash took must be gone from their place; some backends (network shares, gio with
# a broken trash) report success without moving anything.
_TRASHINFO_SUFFIX = ".trashinfo"


class Action(enum.Enum):
    """What a batch does to each planned file."""

    TRASH = "trash"
    MOVE = "move"
    HARDLINK = "hardlink"
    DELETE = "delete"  # permanent; only through delete_permanently()
    RESTORE = "restore"  # undo


class OutcomeStatus(enum.Enum):
    """How one file ended."""

    TRASHED = "trashed"
    MOVED = "moved"
    LINKED = "linked"
    DELETED = "deleted"
    RESTORED = "restored"
    PLANNED = "planned"  # dry run: the checks passed and the action would run
    SKIPPED = "skipped"  # not acted on, with the reason
    FAILED = "failed"  # the action was tried and did not happen, with the reason

    @property
    def done(self) -> bool:
        return self not in (OutcomeStatus.PLANNED, OutcomeStatus.SKIPPED, OutcomeStatus.FAILED)


_DONE_STATUS = {
    Action.TRASH: OutcomeStatus.TRASHED,
    Action.MOVE: OutcomeStatus.MOVED,
    Action.HARDLINK: OutcomeStatus.LINKED,
    Action.DELETE: OutcomeStatus.DELETED,
    Action.RESTORE: OutcomeStatus.RESTORED,
}

# Actions whose success frees the file's bytes from the scanned folders' disk.
_FREES_BYTES = {Action.TRASH, Action.HARDLINK, Action.DELETE}


class RefusalReason(enum.Enum):
    """Why ``plan_removal`` will not act on a selected file."""

    WHOLE_GROUP = "would remove every copy of this picture"
    REFERENCE = "is in a reference folder"
    KEEPER = "is the keeper of its group"
    NOT_IN_GROUP = "is not in any duplicate group"


class ConfirmationError(ValueError):
    """``delete_permanently`` was called without a confirmation naming exactly its files."""


@dataclass(frozen=True, slots=True)
class PlannedFile:
    """A selected file that passed the plan's rules, with the keeper it is checked against."""

    member: Member
    keeper: Member
    group_id: int

    @property
    def path(self) -> str:
        return self.member.path

    @property
    def size(self) -> int:
        return self.member.size


@dataclass(frozen=True, slots=True)
class Refusal:
    """A selected file the plan will not touch, and why."""

    path: str
    group_id: int | None
    reason: RefusalReason

    @property
    def message(self) -> str:
        return self.reason.value


@dataclass(frozen=True, slots=True)
class RemovalPlan:
    """Which files a batch will act on, and which selected files were refused."""

    files: tuple[PlannedFile, ...]
    refused: tuple[Refusal, ...] = ()

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.files)

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(f.path for f in self.files)


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """How one file ended: done, planned (dry run), skipped or failed, with a plain reason."""

    path: str
    status: OutcomeStatus
    reason: str = ""
    destination: str = ""  # where it went: the trashed file, the moved-to path, the link target
    size: int = 0


@dataclass(frozen=True, slots=True)
class BatchReport:
    """The tally of one batch."""

    batch_id: str
    action: Action
    outcomes: tuple[FileOutcome, ...]
    dry_run: bool = False
    cancelled: bool = False
    message: str = ""  # a sentence for the user when the batch as a whole has something to say
    counts: dict[OutcomeStatus, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        counts: dict[OutcomeStatus, int] = {}
        for o in self.outcomes:
            counts[o.status] = counts.get(o.status, 0) + 1
        object.__setattr__(self, "counts", counts)

    def count(self, status: OutcomeStatus) -> int:
        return self.counts.get(status, 0)

    @property
    def done(self) -> int:
        return sum(n for s, n in self.counts.items() if s.done)

    @property
    def skipped(self) -> int:
        return self.count(OutcomeStatus.SKIPPED)

    @property
    def failed(self) -> int:
        return self.count(OutcomeStatus.FAILED)

    @property
    def ok(self) -> bool:
        """Nothing failed (skips are not failures: they are the guarantees at work)."""
        return self.failed == 0

    @property
    def freed_bytes(self) -> int:
        """Bytes removed from the scanned folders (a dry run: bytes that would be)."""
        if self.action not in _FREES_BYTES:
            return 0
        wanted = OutcomeStatus.PLANNED if self.dry_run else _DONE_STATUS[self.action]
        return sum(o.size for o in self.outcomes if o.status is wanted)


# --- the plan --------------------------------------------------------------------------------


def _norm(path: str) -> str:
    return os.path.abspath(path)


def _under(path: str, roots: Iterable[str]) -> bool:
    for root in roots:
        root = _norm(root)
        if path == root or path.startswith(root.rstrip(os.sep) + os.sep):
            return True
    return False


def default_selection(groups: Iterable[Group]) -> frozenset[str]:
    """Every member but the keeper of each group, leaving reference files alone."""
    return frozenset(m.path for g in groups for m in g.duplicates if not m.is_reference)


def plan_removal(
    groups: Sequence[Group],
    selected: Collection[str],
    *,
    reference_roots: Sequence[str] = (),
) -> RemovalPlan:
    """Decide which selected files may be removed, enforcing the rules no UI can bypass.

    Args:
        groups: the scan's groups; each group's ``members[0]`` is its keeper.
        selected: paths the user asked to remove.
        reference_roots: folders whose files are never touched, on top of ``is_reference``.

    Returns:
        The files to act on (with their keepers) and the refused selections with reasons.
    """
    wanted = {_norm(p) for p in selected}
    keepers = {_norm(g.keeper.path) for g in groups}
    files: list[PlannedFile] = []
    refused: list[Refusal] = []
    seen: set[str] = set()
    for group in groups:
        paths = [_norm(m.path) for m in group.members]
        chosen = [p for p in paths if p in wanted]
        if not chosen:
            continue
        if len(chosen) == len(paths):
            refused += [Refusal(p, group.id, RefusalReason.WHOLE_GROUP) for p in chosen]
            seen.update(chosen)
            continue
        for member, path in zip(group.members, paths, strict=True):
            if path not in wanted or path in seen:
                continue
            seen.add(path)
            if member.is_reference or _under(path, reference_roots):
                refused.append(Refusal(path, group.id, RefusalReason.REFERENCE))
            elif path in keepers:
                refused.append(Refusal(path, group.id, RefusalReason.KEEPER))
            else:
                files.append(PlannedFile(member, group.keeper, group.id))
    refused += [Refusal(p, None, RefusalReason.NOT_IN_GROUP) for p in sorted(wanted - seen)]
    return RemovalPlan(tuple(files), tuple(refused))


def plan_from_result(result: ScanResult, selected: Collection[str] | None = None) -> RemovalPlan:
    """Plan a cleanup of a scan result: the given selection, else the result's saved selection,
    else every member but the keeper of each group."""
    if selected is None:
        selected = result.selected or default_selection(result.groups)
    return plan_removal(result.groups, selected, reference_roots=result.reference_roots)


# --- the checks just before acting ------------------------------------------------------------


def _content_hash(path: str) -> str:
    """The scan's content hash of a file (the same function, so the digests compare)."""
    return hashing.file_digest(path)


def _fmt_time(ns: int) -> str:
    return datetime.fromtimestamp(ns / 1e9).strftime("%Y-%m-%d %H:%M:%S")


class _Checker:
    """Re-checks planned files against what the scan saw; caches keeper digests per batch."""

    def __init__(self) -> None:
        self._keeper_digests: dict[tuple[str, int, int], str] = {}

    def problem(self, item: PlannedFile) -> str | None:
        """Why ``item`` must be skipped now, or ``None`` when it is still the scanned file."""
        member, keeper = item.member, item.keeper
        try:
            st = os.lstat(member.path)
        except FileNotFoundError:
            return "no longer exists"
        except OSError as exc:
            return f"could not be checked ({exc.strerror or exc})"
        if not stat.S_ISREG(st.st_mode):
            return "is no longer a regular file"
        if st.st_size != member.size:
            return f"changed since the scan (size {member.size} → {st.st_size} bytes)"
        if st.st_mtime_ns != member.mtime_ns:
            return (
                "changed since the scan (modified "
                f"{_fmt_time(member.mtime_ns)} → {_fmt_time(st.st_mtime_ns)})"
            )
        try:
            kst = os.stat(keeper.path)
        except OSError:
            return f"its keeper {keeper.path} no longer exists"
        if not stat.S_ISREG(kst.st_mode):
            return f"its keeper {keeper.path} is no longer a file"
        if os.path.realpath(keeper.path) == os.path.realpath(member.path):
            # The keeper became a symbolic link to this file: removing it would lose both.
            return f"its keeper {keeper.path} is a link to this very file"
        if member.match is MatchKind.IDENTICAL:
            return self._identical_problem(item, kst)
        return None

    def _identical_problem(self, item: PlannedFile, kst: os.stat_result) -> str | None:
        member, keeper = item.member, item.keeper
        key = (keeper.path, kst.st_size, kst.st_mtime_ns)
        try:
            keeper_now = self._keeper_digests.get(key) or _content_hash(keeper.path)
        except OSError as exc:
            return f"its keeper {keeper.path} could not be read ({exc.strerror or exc})"
        self._keeper_digests[key] = keeper_now
        if keeper.content_hash and keeper_now != keeper.content_hash:
            return f"its keeper {keeper.path} changed since the scan; its content no longer matches"
        try:
            member_now = _content_hash(member.path)
        except OSError as exc:
            return f"could not be read to compare with its keeper ({exc.strerror or exc})"
        expected = member.content_hash or keeper_now
        if member_now != expected or member_now != keeper_now:
            return f"its content no longer matches its keeper {keeper.path}"
        return None


# --- the freedesktop trash (Linux and other Unix desktops) ------------------------------------


def _uses_freedesktop_trash() -> bool:
    return sys.platform not in ("win32", "darwin")


def _data_home() -> str:
    return os.path.expanduser(os.environ.get("XDG_DATA_HOME") or "~/.local/share")


def _home_trash() -> str:
    return os.path.join(_data_home(), "Trash")


def _sync_send2trash_env() -> None:
    """Make send2trash's own freedesktop code use the current ``XDG_DATA_HOME``.

    ``send2trash.plat_other`` reads ``XDG_DATA_HOME`` once, at import. Undo looks for trashed
    files under the *current* value, so both must agree (they differ when the environment
    changed after import, as in tests that give every test its own data folder).
    """
    module = sys.modules.get("send2trash.plat_other")
    if module is None or getattr(send2trash.send2trash, "__module__", "") != module.__name__:
        return
    data_home = os.fsencode(_data_home())
    home_trash = os.path.join(data_home, b"Trash")
    setattr(module, "XDG_DATA_HOME", data_home)  # noqa: B010 - untyped module constants
    setattr(module, "HOMETRASH_B", home_trash)  # noqa: B010
    setattr(module, "HOMETRASH", os.fsdecode(home_trash))  # noqa: B010


def _mount_point(path: str) -> str:
    path = os.path.realpath(path)
    while not os.path.ismount(path):
        parent = os.path.dirname(path)
        if parent == path:
            break
        path = parent
    return path


def _trash_dirs(original: str) -> Iterator[tuple[str, str]]:
    """Candidate trash folders for a file, each with the folder its relative ``Path=`` is
    relative to: the home trash, then the volume's ``.Trash/$uid`` and ``.Trash-$uid``.

    Lazy: finding the volume's mount point costs a stat per folder level, and most files go
    to the home trash.
    """
    yield _home_trash(), _data_home()
    if hasattr(os, "getuid"):
        top = _mount_point(os.path.dirname(original) or ".")
        uid = str(os.getuid())
        yield os.path.join(top, ".Trash", uid), top
        yield os.path.join(top, f".Trash-{uid}"), top


@dataclass(frozen=True, slots=True)
class _TrashEntry:
    files_path: str
    info_path: str
    original: str
    deleted: datetime | None


def _read_trashinfo(info_path: str, topdir: str) -> tuple[str, datetime | None] | None:
    try:
        text = Path(info_path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    original = ""
    deleted: datetime | None = None
    for line in text.splitlines():
        key, _, value = line.partition("=")
        if key.strip() == "Path":
            original = unquote(value.strip())
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


def _entry_at(trash_dir: str, topdir: str, name: str, original: str) -> _TrashEntry | None:
    info_path = os.path.join(trash_dir, "info", name + _TRASHINFO_SUFFIX)
    files_path = os.path.join(trash_dir, "files", name)
    info = _read_trashinfo(info_path, topdir)
    if info is None or info[0] != original or not os.path.lexists(files_path):
        return None
    return _TrashEntry(files_path, info_path, original, info[1])


def _find_in_trash(original: str, *, scan_all: bool = False) -> list[_TrashEntry]:
    """Trash entries whose ``.trashinfo`` names ``original``.

    The quick way follows send2trash's naming (``name``, ``name 1.ext``, ``name 2.ext``...: the
    first free one) and stops at the first name free in both ``files`` and ``info``; with
    ``scan_all`` every ``.trashinfo`` of the candidate trash folders is read.
    """
    original = os.path.normpath(original)
    found: list[_TrashEntry] = []
    base = os.path.basename(original)
    stem, ext = os.path.splitext(base)
    for trash_dir, topdir in _trash_dirs(original):
        info_dir = os.path.join(trash_dir, "info")
        if not os.path.isdir(info_dir):
            continue
        if scan_all:
            try:
                names = [
                    n[: -len(_TRASHINFO_SUFFIX)]
                    for n in os.listdir(info_dir)
                    if n.endswith(_TRASHINFO_SUFFIX)
                ]
            except OSError:
                continue
            for name in names:
                entry = _entry_at(trash_dir, topdir, name, original)
                if entry is not None:
                    found.append(entry)
            continue
        counter = 0
        while True:
            name = base if counter == 0 else f"{stem} {counter}{ext}"
            info_path = os.path.join(info_dir, name + _TRASHINFO_SUFFIX)
            files_path = os.path.join(trash_dir, "files", name)
            if not os.path.lexists(info_path) and not os.path.lexists(files_path):
                break
            entry = _entry_at(trash_dir, topdir, name, original)
            if entry is not None:
                found.append(entry)
            counter += 1
        if found:
            # send2trash puts a file in exactly one trash; the first that holds it is the one.
            break
    return found


def _latest(entries: list[_TrashEntry]) -> _TrashEntry | None:
    if not entries:
        return None
    return max(entries, key=lambda e: (e.deleted or datetime.min, e.info_path))


def _remove_orphan_trashinfo(original: str) -> None:
    """send2trash writes the ``.trashinfo`` before moving the file; when the move fails the
    record is left behind describing a file that is not in the trash. Remove such records."""
    original = os.path.normpath(original)
    base = os.path.basename(original)
    stem, ext = os.path.splitext(base)
    for trash_dir, topdir in _trash_dirs(original):
        counter = 0
        while counter < 1000:
            name = base if counter == 0 else f"{stem} {counter}{ext}"
            info_path = os.path.join(trash_dir, "info", name + _TRASHINFO_SUFFIX)
            files_path = os.path.join(trash_dir, "files", name)
            if not os.path.lexists(info_path) and not os.path.lexists(files_path):
                break
            info = _read_trashinfo(info_path, topdir)
            if info is not None and info[0] == original and not os.path.lexists(files_path):
                try:
                    os.unlink(info_path)
                except OSError as exc:
                    log.warning("could not remove orphan %s: %s", info_path, exc)
            counter += 1


# --- file operations --------------------------------------------------------------------------


def _temp_name(near: str) -> str:
    directory, name = os.path.split(near)
    return os.path.join(directory, f".{name}.lookalike-{uuid.uuid4().hex[:12]}.tmp")


def _place_without_overwrite(src: str, dst: str) -> None:
    """Move ``src`` to ``dst``, failing with ``FileExistsError`` if ``dst`` exists.

    A hard link is the atomic "create only if absent" for a file; across drives (or where hard
    links are not supported) the bytes are copied beside ``dst`` first, then linked into place.
    """
    os.makedirs(os.path.dirname(dst) or ".", exist_ok=True)
    try:
        os.link(src, dst, follow_symlinks=False)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.ENOTSUP, errno.EMLINK, errno.ENOSYS):
            raise
        tmp = _temp_name(dst)
        try:
            shutil.copy2(src, tmp, follow_symlinks=False)
            try:
                os.link(tmp, dst, follow_symlinks=False)
            except FileExistsError:
                raise
            except OSError:
                # No hard links on this file system (FAT, some shares): check, then rename.
                if os.path.lexists(dst):
                    raise FileExistsError(errno.EEXIST, "File exists", dst) from None
                os.rename(tmp, dst)
        finally:
            if os.path.lexists(tmp):
                os.unlink(tmp)
    os.unlink(src)


def _os_reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower() if exc.strerror[:1].isupper() else exc.strerror
    return str(exc) or type(exc).__name__


@dataclass(frozen=True, slots=True)
class _Result:
    status: OutcomeStatus
    reason: str = ""
    destination: str = ""
    trash_info: str = ""


def _trash_one(path: str) -> _Result:
    if _uses_freedesktop_trash():
        _sync_send2trash_env()
    try:
        send2trash.send2trash(path)
    except Exception as exc:  # noqa: BLE001 - any backend error is this file's failure, not the batch's
        if _uses_freedesktop_trash():
            _remove_orphan_trashinfo(path)
        return _Result(
            OutcomeStatus.FAILED,
            f"the trash refused it ({_os_reason(exc)}); it was left in place",
        )
    if os.path.lexists(path):
        return _Result(
            OutcomeStatus.FAILED, "the trash reported success but the file is still in place"
        )
    if _uses_freedesktop_trash():
        entry = _latest(_find_in_trash(path))
        if entry is not None:
            return _Result(OutcomeStatus.TRASHED, "", entry.files_path, entry.info_path)
    return _Result(OutcomeStatus.TRASHED)


def _move_one(path: str, destination: str) -> _Result:
    if os.path.lexists(destination):
        return _Result(OutcomeStatus.SKIPPED, f"{destination} already exists; not overwritten")
    try:
        _place_without_overwrite(path, destination)
    except FileExistsError:
        return _Result(OutcomeStatus.SKIPPED, f"{destination} already exists; not overwritten")
    except OSError as exc:
        if os.path.lexists(destination) and os.path.lexists(path):
            return _Result(
                OutcomeStatus.FAILED,
                f"was copied to {destination} but could not be removed ({_os_reason(exc)})",
                destination,
            )
        return _Result(OutcomeStatus.FAILED, f"could not be moved ({_os_reason(exc)})")
    if os.path.lexists(path):
        return _Result(OutcomeStatus.FAILED, "was copied but is still in place", destination)
    if not os.path.lexists(destination):
        return _Result(OutcomeStatus.FAILED, f"left its place but is not at {destination}")
    return _Result(OutcomeStatus.MOVED, "", destination)


def _hardlink_problem(item: PlannedFile) -> str | None:
    if item.member.match is not MatchKind.IDENTICAL:
        return "is not a byte-for-byte copy of its keeper; only identical files are linked"
    try:
        st, kst = os.stat(item.path), os.stat(item.keeper.path)
    except OSError as exc:
        return f"could not be checked ({_os_reason(exc)})"
    if st.st_dev != kst.st_dev:
        return "is on a different drive than its keeper"
    if st.st_ino == kst.st_ino:
        return "is already a hard link to its keeper"
    return None


def _hardlink_one(item: PlannedFile) -> _Result:
    path, keeper = item.path, item.keeper.path
    tmp = _temp_name(path)
    try:
        os.link(keeper, tmp)
        # os.replace is atomic: the path always names either the old copy or the keeper's bytes.
        os.replace(tmp, path)
    except OSError as exc:
        if os.path.lexists(tmp):
            os.unlink(tmp)
        return _Result(OutcomeStatus.FAILED, f"could not be linked ({_os_reason(exc)})")
    try:
        same = os.path.samefile(path, keeper)
    except OSError:
        same = False
    if not same:
        return _Result(OutcomeStatus.FAILED, "the link did not take its place")
    return _Result(OutcomeStatus.LINKED, "", keeper)


def _delete_one(path: str) -> _Result:
    try:
        os.unlink(path)
    except OSError as exc:
        return _Result(OutcomeStatus.FAILED, f"could not be deleted ({_os_reason(exc)})")
    if os.path.lexists(path):
        return _Result(OutcomeStatus.FAILED, "was not deleted")
    return _Result(OutcomeStatus.DELETED)


# --- the batch runner -------------------------------------------------------------------------


def _move_destination(path: str, destination: str, layout_root: str) -> str:
    """Where ``path`` goes under ``destination``: its place below ``layout_root``, or (for a
    file outside it) its whole absolute path below ``destination``, never above it."""
    try:
        relative = os.path.relpath(path, layout_root)
    except ValueError:  # another drive on Windows
        relative = os.pardir
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        drive, rest = os.path.splitdrive(path)
        relative = os.path.join(drive.strip(":\\/"), rest.lstrip("\\/"))
    return os.path.join(destination, relative)


def _layout_root(plan: RemovalPlan, layout_root: str | None) -> str:
    if layout_root is not None:
        return _norm(layout_root)
    parents = [os.path.dirname(p) for p in plan.paths]
    return os.path.commonpath(parents) if parents else os.sep


_DRY_RUN_TEXT = {
    Action.TRASH: "would move to the trash",
    Action.DELETE: "would delete permanently",
}


def _close_batch(
    journal: Journal, batch_id: str, outcomes: list[FileOutcome], expected: int, cancelled: bool
) -> None:
    """Write the batch's end line, unless it was interrupted (then the lines so far stay as
    the true record, flushed and synced, and no end line claims the batch finished)."""
    if len(outcomes) != expected:
        journal.close()
        return
    tally: dict[str, int] = {}
    for o in outcomes:
        tally[o.status.value] = tally.get(o.status.value, 0) + 1
    journal.end_batch(batch_id, tally, cancelled)


def _run(
    plan: RemovalPlan,
    action: Action,
    *,
    destination: str | None,
    layout_root: str | None,
    journal: Journal | None,
    cancel: CancelToken | None,
    progress: ProgressCallback | None,
    dry_run: bool,
) -> BatchReport:
    batch_id = new_batch_id()
    outcomes: list[FileOutcome] = [
        FileOutcome(r.path, OutcomeStatus.SKIPPED, r.message) for r in plan.refused
    ]
    root = ""
    if action is Action.MOVE:
        if not destination:
            raise ValueError("moving files needs a destination folder")
        destination = _norm(destination)
        root = _layout_root(plan, layout_root)
    if not dry_run and journal is None:
        journal = Journal()
    checker = _Checker()
    total = len(plan.files)
    cancelled = False
    if journal is not None and not dry_run:
        journal.rotate_if_large()
        journal.start_batch(batch_id, action.value, total)
    try:
        for index, item in enumerate(plan.files):
            path = item.path
            if cancel is not None and cancel.cancelled:
                cancelled = True
                outcomes += [
                    FileOutcome(f.path, OutcomeStatus.SKIPPED, "cancelled before it was reached")
                    for f in plan.files[index:]
                ]
                break
            target = ""
            if action is Action.MOVE:
                assert destination is not None
                target = _move_destination(path, destination, root)
            elif action is Action.HARDLINK:
                target = item.keeper.path
            problem = checker.problem(item)
            if problem is None and action is Action.HARDLINK:
                problem = _hardlink_problem(item)
            if problem is None and action is Action.MOVE and os.path.lexists(target):
                problem = f"{target} already exists; not overwritten"
            if problem is not None or dry_run:
                if problem is not None:
                    outcome = FileOutcome(path, OutcomeStatus.SKIPPED, problem, size=item.size)
                else:
                    text = _DRY_RUN_TEXT.get(action) or (
                        f"would move to {target}"
                        if action is Action.MOVE
                        else f"would become a hard link to {target}"
                    )
                    outcome = FileOutcome(path, OutcomeStatus.PLANNED, text, target, item.size)
                outcomes.append(outcome)
                if journal is not None and not dry_run:
                    journal.after(
                        batch_id,
                        action.value,
                        path=path,
                        outcome=outcome.status.value,
                        reason=outcome.reason,
                    )
                if progress is not None:
                    progress(index, total, path)
                continue
            assert journal is not None
            journal.before(
                batch_id,
                action.value,
                path=path,
                size=item.size,
                mtime_ns=item.member.mtime_ns,
                content_hash=item.member.content_hash,
                group_id=item.group_id,
                keeper=item.keeper.path,
                destination=target,
            )
            if progress is not None:
                progress(index, total, path)
            if action is Action.TRASH:
                result = _trash_one(path)
            elif action is Action.MOVE:
                result = _move_one(path, target)
            elif action is Action.HARDLINK:
                result = _hardlink_one(item)
            elif action is Action.DELETE:
                result = _delete_one(path)
            else:
                raise ValueError(f"{action} is not a cleanup action")
            journal.after(
                batch_id,
                action.value,
                path=path,
                outcome=result.status.value,
                reason=result.reason,
                destination=result.destination,
                trash_info=result.trash_info,
            )
            outcomes.append(
                FileOutcome(path, result.status, result.reason, result.destination, item.size)
            )
            log.info("%s %s: %s %s", action.value, path, result.status.value, result.reason)
        if progress is not None:
            progress(total, total, "")
    finally:
        # Reached on KeyboardInterrupt too: the end line is not written (the batch did not end),
        # but the lines written so far are flushed and synced.
        if journal is not None and not dry_run:
            _close_batch(journal, batch_id, outcomes, len(plan.refused) + total, cancelled)
    return BatchReport(batch_id, action, tuple(outcomes), dry_run=dry_run, cancelled=cancelled)


def execute(
    plan: RemovalPlan,
    action: Action = Action.TRASH,
    *,
    destination: str | None = None,
    layout_root: str | None = None,
    journal: Journal | None = None,
    cancel: CancelToken | None = None,
    progress: ProgressCallback | None = None,
    dry_run: bool = False,
) -> BatchReport:
    """Act on every planned file, each one re-checked, journaled and verified.

    Args:
        plan: from ``plan_removal``; its refusals come back as skipped outcomes.
        action: ``TRASH`` (default), ``MOVE`` (needs ``destination``) or ``HARDLINK``.
            Permanent deletion is not available here: see ``delete_permanently``.
        destination: the folder files are moved into (``MOVE`` only).
        layout_root: the folder whose relative layout is kept under ``destination``; by
            default the deepest folder holding every planned file.
        journal: where actions are recorded; the app's data folder when ``None``.
        cancel: checked before each file; the rest are skipped as "cancelled".
        progress: ``progress(done, total, path)`` before each file, and ``(total, total, "")``
            at the end.
        dry_run: run every check and report ``PLANNED`` outcomes without touching anything
            (and without journaling).

    Returns:
        One outcome per selected file: done, planned, skipped or failed, with a reason.
    """
    if action is Action.DELETE:
        raise ValueError("permanent deletion needs delete_permanently() and its confirmation")
    if action is Action.RESTORE:
        raise ValueError("use undo_last_batch() to restore files")
    return _run(
        plan,
        action,
        destination=destination,
        layout_root=layout_root,
        journal=journal,
        cancel=cancel,
        progress=progress,
        dry_run=dry_run,
    )


def move_files(
    plan: RemovalPlan,
    destination: str,
    *,
    layout_root: str | None = None,
    journal: Journal | None = None,
    cancel: CancelToken | None = None,
    progress: ProgressCallback | None = None,
    dry_run: bool = False,
) -> BatchReport:
    """Move the planned files into ``destination``, keeping their layout below
    ``layout_root`` and never overwriting a file already there."""
    return execute(
        plan,
        Action.MOVE,
        destination=destination,
        layout_root=layout_root,
        journal=journal,
        cancel=cancel,
        progress=progress,
        dry_run=dry_run,
    )


def hardlink_duplicates(
    plan: RemovalPlan,
    *,
    journal: Journal | None = None,
    cancel: CancelToken | None = None,
    progress: ProgressCallback | None = None,
    dry_run: bool = False,
) -> BatchReport:
    """Replace each planned byte-identical copy with a hard link to its keeper (same drive
    only), atomically through a temporary name; other files are skipped with a reason."""
    return execute(
        plan, Action.HARDLINK, journal=journal, cancel=cancel, progress=progress, dry_run=dry_run
    )


def delete_permanently(
    paths: Sequence[str],
    *,
    confirmed_paths: Sequence[str],
    plan: RemovalPlan,
    journal: Journal | None = None,
    cancel: CancelToken | None = None,
    progress: ProgressCallback | None = None,
    dry_run: bool = False,
) -> BatchReport:
    """Destroy files for good: never a fallback, only this explicit, confirmed call.

    Args:
        paths: the files to destroy; each must be a planned file of ``plan`` (so the keeper,
            reference and whole-group rules and the re-checks still apply).
        confirmed_paths: the list the user confirmed; must name exactly the same files.
        plan: the plan the files come from.

    Raises:
        ConfirmationError: the confirmation does not name exactly ``paths``, or a path is not
            in the plan. Nothing is touched.
    """
    wanted = [_norm(p) for p in paths]
    if not wanted:
        raise ConfirmationError("no files were named for permanent deletion")
    if sorted(set(wanted)) != sorted({_norm(p) for p in confirmed_paths}):
        raise ConfirmationError(
            "the confirmation does not name exactly the files to delete permanently"
        )
    planned = {f.path: f for f in plan.files}
    missing = [p for p in wanted if p not in planned]
    if missing:
        raise ConfirmationError(f"{missing[0]} is not among the files planned for removal")
    subset = RemovalPlan(tuple(planned[p] for p in dict.fromkeys(wanted)))
    return _run(
        subset,
        Action.DELETE,
        destination=None,
        layout_root=None,
        journal=journal,
        cancel=cancel,
        progress=progress,
        dry_run=dry_run,
    )


# --- undo -------------------------------------------------------------------------------------


def _parse_utc(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text).astimezone().replace(tzinfo=None)
    except ValueError:
        return None


def _matches_time(entry: _TrashEntry, record: FileRecord) -> bool:
    """DeletionDate is local time to the second; it must fall inside the journaled action."""
    start, end = _parse_utc(record.started), _parse_utc(record.finished)
    if entry.deleted is None or start is None:
        return True
    slack = timedelta(seconds=2)
    return start - slack <= entry.deleted <= (end or start) + slack


def _trash_entry_for(record: FileRecord) -> _TrashEntry | None:
    if record.destination and record.trash_info:
        topdir = _data_home()
        for trash_dir, top in _trash_dirs(record.path):
            if record.trash_info.startswith(trash_dir + os.sep):
                topdir = top
        info = _read_trashinfo(record.trash_info, topdir)
        if (
            info is not None
            and info[0] == os.path.normpath(record.path)
            and os.path.lexists(record.destination)
        ):
            entry = _TrashEntry(record.destination, record.trash_info, info[0], info[1])
            if _matches_time(entry, record):
                return entry
    candidates = [e for e in _find_in_trash(record.path, scan_all=True) if _matches_time(e, record)]
    return _latest(candidates)


def _restore_from_trash(record: FileRecord) -> _Result:
    if os.path.lexists(record.path):
        return _Result(
            OutcomeStatus.SKIPPED, "a file now exists at its original place; it was not overwritten"
        )
    entry = _trash_entry_for(record)
    if entry is None:
        return _Result(OutcomeStatus.SKIPPED, "is no longer in the trash")
    try:
        size = os.lstat(entry.files_path).st_size
    except OSError as exc:
        return _Result(OutcomeStatus.FAILED, f"could not be read in the trash ({_os_reason(exc)})")
    if record.size and size != record.size:
        return _Result(
            OutcomeStatus.SKIPPED,
            f"the file in the trash is not the one Lookalike put there ({size} bytes, "
            f"expected {record.size})",
        )
    try:
        _place_without_overwrite(entry.files_path, record.path)
    except FileExistsError:
        return _Result(
            OutcomeStatus.SKIPPED, "a file now exists at its original place; it was not overwritten"
        )
    except OSError as exc:
        return _Result(OutcomeStatus.FAILED, f"could not be restored ({_os_reason(exc)})")
    try:
        os.unlink(entry.info_path)
    except OSError as exc:
        log.warning("restored %s but could not remove %s: %s", record.path, entry.info_path, exc)
    return _Result(OutcomeStatus.RESTORED, "", record.path)


def _move_back(record: FileRecord) -> _Result:
    if os.path.lexists(record.path):
        return _Result(
            OutcomeStatus.SKIPPED, "a file now exists at its original place; it was not overwritten"
        )
    if not record.destination or not os.path.lexists(record.destination):
        return _Result(OutcomeStatus.SKIPPED, f"is no longer at {record.destination}")
    try:
        _place_without_overwrite(record.destination, record.path)
    except FileExistsError:
        return _Result(
            OutcomeStatus.SKIPPED, "a file now exists at its original place; it was not overwritten"
        )
    except OSError as exc:
        return _Result(OutcomeStatus.FAILED, f"could not be moved back ({_os_reason(exc)})")
    return _Result(OutcomeStatus.RESTORED, "", record.path)


_UNDOABLE = {Action.TRASH.value: OutcomeStatus.TRASHED, Action.MOVE.value: OutcomeStatus.MOVED}


def undo_last_batch(
    journal: Journal | None = None,
    *,
    cancel: CancelToken | None = None,
    progress: ProgressCallback | None = None,
) -> BatchReport:
    """Put back the files of the most recent trash or move batch not yet undone.

    On Linux (freedesktop trash) each trashed file is found through the journal and its
    ``.trashinfo`` (``Path=`` and ``DeletionDate``) and moved back, never over a file that now
    exists at its original path. On Windows and macOS the report's ``message`` says where the
    files are. Moved files are moved back on every platform.
    """
    journal = journal or Journal()
    batches = journal.batches()
    restored: dict[str, set[str]] = {}
    for b in batches:
        if b.action == Action.RESTORE.value and b.undoes:
            done = {f.path for f in b.files if f.outcome == OutcomeStatus.RESTORED.value}
            restored.setdefault(b.undoes, set()).update(done)
    target = None
    for b in reversed(batches):
        if b.action not in _UNDOABLE:
            continue
        pending = [
            f
            for f in b.files
            if f.path not in restored.get(b.batch_id, ())
            and (
                f.outcome == _UNDOABLE[b.action].value
                # Interrupted between the action and its after-line: if the file left its
                # place, the trash entry (matched by Path= and DeletionDate) tells the rest.
                or (f.interrupted and not os.path.lexists(f.path))
            )
        ]
        if pending:
            target = (b, pending)
            break
    batch_id = new_batch_id()
    if target is None:
        return BatchReport(batch_id, Action.RESTORE, (), message="There is nothing to undo.")
    batch, pending = target
    if batch.action == Action.TRASH.value and not _uses_freedesktop_trash():
        where = "the Recycle Bin" if sys.platform == "win32" else "the Trash"
        return BatchReport(
            batch_id,
            Action.RESTORE,
            tuple(
                FileOutcome(f.path, OutcomeStatus.SKIPPED, f"is in {where}", size=f.size)
                for f in pending
            ),
            message=(
                f"Lookalike cannot take files back out of {where} on this system. "
                f"The {len(pending)} file(s) of the last cleanup are in {where}; "
                "use its Put Back / Restore command."
            ),
        )
    outcomes: list[FileOutcome] = []
    cancelled = False
    journal.start_batch(batch_id, Action.RESTORE.value, len(pending), undoes=batch.batch_id)
    try:
        for index, record in enumerate(pending):
            if cancel is not None and cancel.cancelled:
                cancelled = True
                outcomes += [
                    FileOutcome(f.path, OutcomeStatus.SKIPPED, "cancelled before it was reached")
                    for f in pending[index:]
                ]
                break
            journal.before(
                batch_id,
                Action.RESTORE.value,
                path=record.path,
                size=record.size,
                mtime_ns=record.mtime_ns,
                content_hash=record.content_hash,
                group_id=record.group_id,
                keeper=record.keeper,
                destination=record.destination,
            )
            if progress is not None:
                progress(index, len(pending), record.path)
            if batch.action == Action.TRASH.value:
                result = _restore_from_trash(record)
            else:
                result = _move_back(record)
            journal.after(
                batch_id,
                Action.RESTORE.value,
                path=record.path,
                outcome=result.status.value,
                reason=result.reason,
                destination=result.destination,
            )
            outcomes.append(
                FileOutcome(
                    record.path, result.status, result.reason, result.destination, record.size
                )
            )
        if progress is not None:
            progress(len(pending), len(pending), "")
    finally:
        _close_batch(journal, batch_id, outcomes, len(pending), cancelled)
    return BatchReport(batch_id, Action.RESTORE, tuple(outcomes), cancelled=cancelled)
