"""The cleanup actions, one small object each: what it checks, what it does, how it is undone,
and how it is said.

- ``TrashAction``: to the system trash through send2trash; undone from the freedesktop trash.
- ``MoveAction``: into a folder, keeping the layout below a root, never over an existing file;
  undone by moving back.
- ``HardlinkAction``: a byte-identical copy becomes a hard link to its keeper (same drive); not
  undoable, and nothing to undo: the picture's bytes are still there under both names.
- ``RestoreAction``: the undo of a trash or move batch, one journal record at a time.

There is no permanent deletion: the window and the command line offer none, and the safety
rules ask for an explicit confirmation naming what would be destroyed before there ever is.
Each action satisfies ``BatchAction``, the contract of the one batch loop in ``runner.py``.
"""

from __future__ import annotations

import abc
import errno
import os
import shutil
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol, TypeVar

from lookalike.core import words
from lookalike.core.cleanup import freedesktop
from lookalike.core.cleanup.checks import LastMomentChecks, os_reason
from lookalike.core.cleanup.events import ActionKind, OutcomeStatus
from lookalike.core.cleanup.journal import FileEntry, FileRecord
from lookalike.core.cleanup.plan import PlannedFile, normalize
from lookalike.core.model import MatchKind

_NOT_OVERWRITTEN = "a file now exists at its original place; it was not overwritten"

Item = TypeVar("Item", contravariant=True)


@dataclass(frozen=True, slots=True)
class Result:
    """What acting on one file did."""

    status: OutcomeStatus
    reason: str = ""
    destination: str = ""
    trash_info: str = ""


class BatchAction(Protocol[Item]):
    """What the runner needs from an action to run it over a batch of items."""

    @property
    def kind(self) -> ActionKind: ...

    @property
    def frees_bytes(self) -> bool:
        """Whether a done file's bytes left the scanned folders' disk."""

    def entry(self, item: Item) -> FileEntry:
        """What the journal's before-line records about ``item`` (and where it will go)."""

    def check(self, item: Item, entry: FileEntry) -> str | None:
        """Why ``item`` must be skipped now, or ``None``; never changes anything."""

    def act(self, item: Item, entry: FileEntry) -> Result:
        """Do it; every failure is a ``Result``, never an exception."""

    def planned_text(self, entry: FileEntry) -> str:
        """What a dry run says would happen."""

    def done_text(self, count: int, freed_bytes: int) -> str:
        """The batch's result in a sentence: "Moved 3 files to the Trash (freed 12.3 MB)"."""

    def sidecars(self, item: Item, entry: FileEntry) -> Sequence[FileEntry]:
        """The sidecar files that go where ``item`` went, as journal entries (after it)."""

    def sidecar_problem(self, entry: FileEntry) -> str | None:
        """Why a sidecar file must stay, or ``None``."""

    def act_sidecar(self, entry: FileEntry) -> Result:
        """Send a sidecar file where its photo went; failures are a ``Result``."""


# --- placing a file without overwriting -----------------------------------------------------


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


def _put_back(src: str, record: FileRecord, failure: str) -> Result:
    try:
        _place_without_overwrite(src, record.path)
    except FileExistsError:
        return Result(OutcomeStatus.SKIPPED, _NOT_OVERWRITTEN)
    except OSError as exc:
        return Result(OutcomeStatus.FAILED, f"{failure} ({os_reason(exc)})")
    return Result(OutcomeStatus.RESTORED, "", record.path)


# --- the actions on planned files -----------------------------------------------------------


class FileAction(abc.ABC):
    """The shared part of the actions on planned files: the last-moment checks come first."""

    kind: ClassVar[ActionKind]
    done_status: ClassVar[OutcomeStatus]  # how a file it acted on ends
    frees_bytes: ClassVar[bool]
    undoable: ClassVar[bool]
    carries_sidecars: ClassVar[bool] = True  # a photo's sidecar files go where it goes

    def __init__(self, checks: LastMomentChecks) -> None:
        self.checks = checks

    def target(self, item: PlannedFile) -> str:
        """Where the file goes ("" when the action does not say)."""
        return ""

    def entry(self, item: PlannedFile) -> FileEntry:
        m = item.member
        return FileEntry(
            path=m.path,
            size=m.size,
            mtime_ns=m.mtime_ns,
            content_hash=m.content_hash,
            group_id=item.group_id,
            keeper=item.keeper.path,
            destination=self.target(item),
        )

    def check(self, item: PlannedFile, entry: FileEntry) -> str | None:
        return self.checks.problem(item) or self._own_problem(item, entry)

    def _own_problem(self, item: PlannedFile, entry: FileEntry) -> str | None:
        return None

    @abc.abstractmethod
    def act(self, item: PlannedFile, entry: FileEntry) -> Result:
        """Do it; every failure is a ``Result``, never an exception."""

    @abc.abstractmethod
    def planned_text(self, entry: FileEntry) -> str:
        """What a dry run says would happen."""

    @abc.abstractmethod
    def done_text(self, count: int, freed_bytes: int) -> str:
        """The batch's result in a sentence: "Moved 3 files to the Trash (freed 12.3 MB)"."""

    @staticmethod
    def undo(record: FileRecord) -> Result:
        """Put one journaled file back (only for ``undoable`` actions)."""
        raise NotImplementedError

    # --- sidecar files: they go where their photo went, in the same batch ---------------------

    def sidecars(self, item: PlannedFile, entry: FileEntry) -> list[FileEntry]:
        out: list[FileEntry] = []
        if not self.carries_sidecars:
            return out
        for path in item.member.sidecars:
            try:
                st = os.lstat(path)
            except FileNotFoundError:
                continue  # gone since the scan: nothing to carry
            except (OSError, ValueError):
                st = None  # the check says why it stays
            out.append(
                FileEntry(
                    path=path,
                    size=st.st_size if st else 0,
                    mtime_ns=st.st_mtime_ns if st else 0,
                    group_id=item.group_id,
                    keeper=item.keeper.path,
                    destination=self.sidecar_target(path, entry),
                    sidecar_of=item.path,
                )
            )
        return out

    def sidecar_target(self, path: str, photo: FileEntry) -> str:
        """Where a sidecar file goes ("" when the action does not say)."""
        return ""

    def sidecar_problem(self, entry: FileEntry) -> str | None:
        return self.checks.sidecar_problem(entry.path)

    def act_sidecar(self, entry: FileEntry) -> Result:
        """Send a sidecar file where its photo went."""
        raise NotImplementedError


class TrashAction(FileAction):
    """To the system trash; never a permanent deletion, also when the trash fails."""

    kind = ActionKind.TRASH
    done_status = OutcomeStatus.TRASHED
    frees_bytes = True
    undoable = True

    def act(self, item: PlannedFile, entry: FileEntry) -> Result:
        return self._send(item.path)

    def act_sidecar(self, entry: FileEntry) -> Result:
        return self._send(entry.path)

    @staticmethod
    def _send(path: str) -> Result:
        try:
            landed = freedesktop.send(path)
        except Exception as exc:  # noqa: BLE001 - any backend error is this file's failure, not the batch's
            return Result(
                OutcomeStatus.FAILED,
                f"the trash refused it ({os_reason(exc)}); it was left in place",
            )
        # Some backends (network shares, gio with a broken trash) report success without
        # moving anything.
        if os.path.lexists(path):
            return Result(
                OutcomeStatus.FAILED, "the trash reported success but the file is still in place"
            )
        if landed is None:
            return Result(OutcomeStatus.TRASHED)
        return Result(OutcomeStatus.TRASHED, "", landed.files_path, landed.info_path)

    def planned_text(self, entry: FileEntry) -> str:
        return "would move to the trash"

    def done_text(self, count: int, freed_bytes: int) -> str:
        return words.moved_to_trash(count, freed_bytes)

    @staticmethod
    def undo(record: FileRecord) -> Result:
        entry = freedesktop.entry_for(record)
        if entry is None:
            return Result(OutcomeStatus.SKIPPED, "is no longer in the trash")
        try:
            size = os.lstat(entry.files_path).st_size
        except OSError as exc:
            return Result(
                OutcomeStatus.FAILED, f"could not be read in the trash ({os_reason(exc)})"
            )
        if record.size and size != record.size:
            return Result(
                OutcomeStatus.SKIPPED,
                f"the file in the trash is not the one Lookalike put there ({size} bytes, "
                f"expected {record.size})",
            )
        result = _put_back(entry.files_path, record, "could not be restored")
        if result.status is OutcomeStatus.RESTORED:
            freedesktop.forget(entry)
        return result


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


def common_folder(paths: Sequence[str]) -> str:
    """The deepest folder holding every one of ``paths`` (the default layout root)."""
    parents = [os.path.dirname(normalize(p)) for p in paths]
    return os.path.commonpath(parents) if parents else os.sep


class MoveAction(FileAction):
    """Into ``destination``, keeping the layout below ``layout_root``; never over a file."""

    kind = ActionKind.MOVE
    done_status = OutcomeStatus.MOVED
    frees_bytes = False
    undoable = True

    def __init__(self, checks: LastMomentChecks, destination: str, layout_root: str) -> None:
        super().__init__(checks)
        if not destination:
            raise ValueError("moving files needs a destination folder")
        self.destination = normalize(destination)
        self.layout_root = normalize(layout_root)

    def target(self, item: PlannedFile) -> str:
        return _move_destination(normalize(item.path), self.destination, self.layout_root)

    def _own_problem(self, item: PlannedFile, entry: FileEntry) -> str | None:
        return self._own_problem_at(entry.destination)

    def sidecar_target(self, path: str, photo: FileEntry) -> str:
        return os.path.join(os.path.dirname(photo.destination), os.path.basename(path))

    def sidecar_problem(self, entry: FileEntry) -> str | None:
        return super().sidecar_problem(entry) or self._own_problem_at(entry.destination)

    def act_sidecar(self, entry: FileEntry) -> Result:
        return self._move(entry.path, entry.destination)

    def _own_problem_at(self, target: str) -> str | None:
        if os.path.lexists(target):
            return f"{target} already exists; not overwritten"
        return None

    def act(self, item: PlannedFile, entry: FileEntry) -> Result:
        return self._move(item.path, entry.destination)

    @staticmethod
    def _move(path: str, target: str) -> Result:
        try:
            _place_without_overwrite(path, target)
        except FileExistsError:
            return Result(OutcomeStatus.SKIPPED, f"{target} already exists; not overwritten")
        except OSError as exc:
            if os.path.lexists(target) and os.path.lexists(path):
                return Result(
                    OutcomeStatus.FAILED,
                    f"was copied to {target} but could not be removed ({os_reason(exc)})",
                    target,
                )
            return Result(OutcomeStatus.FAILED, f"could not be moved ({os_reason(exc)})")
        if os.path.lexists(path):
            return Result(OutcomeStatus.FAILED, "was copied but is still in place", target)
        if not os.path.lexists(target):
            return Result(OutcomeStatus.FAILED, f"left its place but is not at {target}")
        return Result(OutcomeStatus.MOVED, "", target)

    def planned_text(self, entry: FileEntry) -> str:
        return f"would move to {entry.destination}"

    def done_text(self, count: int, freed_bytes: int) -> str:
        return words.moved_to_folder(count, self.destination)

    @staticmethod
    def undo(record: FileRecord) -> Result:
        if not record.destination or not os.path.lexists(record.destination):
            return Result(OutcomeStatus.SKIPPED, f"is no longer at {record.destination}")
        return _put_back(record.destination, record, "could not be moved back")


class HardlinkAction(FileAction):
    """A byte-identical copy becomes a hard link to its keeper, atomically."""

    kind = ActionKind.HARDLINK
    done_status = OutcomeStatus.LINKED
    frees_bytes = True
    undoable = False
    carries_sidecars = False  # the photo stays in place (as a link), its sidecar files too

    def target(self, item: PlannedFile) -> str:
        return item.keeper.path

    def _own_problem(self, item: PlannedFile, entry: FileEntry) -> str | None:
        if item.member.match is not MatchKind.IDENTICAL:
            return "is not a byte-for-byte copy of its keeper; only identical files are linked"
        try:
            st, kst = os.stat(item.path), os.stat(item.keeper.path)
        except OSError as exc:
            return f"could not be checked ({os_reason(exc)})"
        if st.st_dev != kst.st_dev:
            return "is on a different drive than its keeper"
        if st.st_ino == kst.st_ino:
            return "is already a hard link to its keeper"
        return None

    def act(self, item: PlannedFile, entry: FileEntry) -> Result:
        path, keeper = item.path, item.keeper.path
        tmp = _temp_name(path)
        try:
            os.link(keeper, tmp)
            # os.replace is atomic: the path always names either the old copy or the keeper's
            # bytes.
            os.replace(tmp, path)
        except OSError as exc:
            if os.path.lexists(tmp):
                os.unlink(tmp)
            return Result(OutcomeStatus.FAILED, f"could not be linked ({os_reason(exc)})")
        try:
            same = os.path.samefile(path, keeper)
        except OSError:
            same = False
        if not same:
            return Result(OutcomeStatus.FAILED, "the link did not take its place")
        return Result(OutcomeStatus.LINKED, "", keeper)

    def planned_text(self, entry: FileEntry) -> str:
        return f"would become a hard link to {entry.destination}"

    def done_text(self, count: int, freed_bytes: int) -> str:
        return words.replaced_with_links(count, freed_bytes)


def file_action(
    kind: ActionKind,
    checks: LastMomentChecks,
    *,
    destination: str | None = None,
    layout_root: str | None = None,
) -> FileAction:
    """The action object for ``kind`` (``MOVE`` needs ``destination`` and ``layout_root``)."""
    if kind is ActionKind.TRASH:
        return TrashAction(checks)
    if kind is ActionKind.HARDLINK:
        return HardlinkAction(checks)
    if kind is ActionKind.MOVE:
        if not destination or layout_root is None:
            raise ValueError("moving files needs a destination folder and a layout root")
        return MoveAction(checks, destination, layout_root)
    raise ValueError(f"{kind} is not an action on planned files; undo has its own batch")


UNDOABLE: dict[ActionKind, type[FileAction]] = {
    a.kind: a for a in (TrashAction, MoveAction, HardlinkAction) if a.undoable
}


class RestoreAction:
    """Puts back the files of one trash or move batch, never over a file now in their place."""

    kind = ActionKind.RESTORE
    frees_bytes = False

    def __init__(self, undone: ActionKind, back: Collection[str] = ()) -> None:
        """``back``: the batch's photos an earlier undo already put back."""
        self.undone = UNDOABLE[undone]
        self._back = set(back)

    def entry(self, item: FileRecord) -> FileEntry:
        return FileEntry(
            path=item.path,
            size=item.size,
            mtime_ns=item.mtime_ns,
            content_hash=item.content_hash,
            group_id=item.group_id,
            keeper=item.keeper,
            destination=item.destination,
            sidecar_of=item.sidecar_of,
        )

    def check(self, item: FileRecord, entry: FileEntry) -> str | None:
        if os.path.lexists(item.path):
            return _NOT_OVERWRITTEN
        if item.sidecar_of and item.sidecar_of not in self._back:
            # Beside whatever now stands in its photo's place it would describe the wrong file.
            return f"its photo {item.sidecar_of} was not put back"
        return None

    def act(self, item: FileRecord, entry: FileEntry) -> Result:
        result = self.undone.undo(item)
        if result.status is OutcomeStatus.RESTORED:
            self._back.add(item.path)
        return result

    def sidecars(self, item: FileRecord, entry: FileEntry) -> Sequence[FileEntry]:
        return ()  # a sidecar file has a journal record of its own, put back after its photo

    def sidecar_problem(self, entry: FileEntry) -> str | None:
        return None

    def act_sidecar(self, entry: FileEntry) -> Result:
        raise NotImplementedError("sidecar files are put back from their own records")

    def planned_text(self, entry: FileEntry) -> str:
        return "would be put back"

    def done_text(self, count: int, freed_bytes: int) -> str:
        return words.restored(count)
