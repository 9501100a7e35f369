"""The results model: duplicate groups as top-level rows, their members as children, and the
user's check marks (which files to move to the trash).

Check marks live here, keyed by path, so they survive scrolling, sorting and group updates. The
safety guards are enforced in one place (``_guarded``): a reference file is never checked, and no
group is ever left with every member checked.
"""

from __future__ import annotations

import dataclasses
import enum
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)

from lookalike.core import names, words
from lookalike.core.model import Group, MatchKind, Member

if TYPE_CHECKING:
    from lookalike.gui.thumb_cache import ThumbCache

Index = QModelIndex | QPersistentModelIndex

# The contract with the views: a row hands out the engine's own record (GroupRole, MemberRole),
# and roles carry only what that record does not hold: the user's check marks and the
# thumbnail cache's state. Facts about a file (keeper, reference, size, match) are read from
# the Member, and their wording comes from ``lookalike.core.words``.
_USER = int(Qt.ItemDataRole.UserRole)
GroupRole = _USER + 1  # Group of a group row (and of a member row: its group)
MemberRole = _USER + 2  # Member of a member row
ThumbnailRole = _USER + 3  # QPixmap | None: the cached thumbnail; a miss queues a load
BrokenRole = _USER + 4  # bool: the thumbnail could not be decoded
CheckedRole = _USER + 5  # bool: the member is marked for the trash
CheckableRole = _USER + 6  # bool: the member may be checked right now

_TOP = 0  # internal id of top-level indexes; member indexes carry their group's serial (>= 1)


class SortKey(enum.Enum):
    """How the groups are ordered."""

    RECLAIMABLE = "reclaimable"  # most bytes to gain first
    SIMILARITY = "similarity"  # most certain matches first (identical, then by score)
    FOLDER = "folder"  # by the keeper's folder, then file name


@dataclasses.dataclass(frozen=True, slots=True)
class FolderMarks:
    """What *Select in Folder* did with the photos of the groups inside a folder."""

    photos: int  # photos of the groups shown that are inside the folder
    marked: int  # marked now
    already: int  # marked before
    keepers: int  # not marked: the keepers of their groups
    reference: int  # not marked: in a reference folder
    last_copy: int  # not marked: their group would have no unmarked copy left


@dataclasses.dataclass(slots=True)
class _Entry:
    """One group row: the group and the serial its member indexes carry as internal id."""

    group: Group
    serial: int


class ResultsModel(QAbstractItemModel):
    """Duplicate groups (top-level rows) and their members (child rows), plus check marks."""

    selection_changed = Signal(int, int)  # (checked files, their bytes)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entries: list[_Entry] = []
        self._next_serial = 1
        self._row_by_serial: dict[int, int] = {}
        self._row_by_id: dict[int, int] = {}
        self._serials_by_path: dict[str, list[int]] = {}
        self._size_by_path: dict[str, int] = {}
        self._checked: set[str] = set()
        self._cache: ThumbCache | None = None
        self._thumb_px = 0

    # --- thumbnails -----------------------------------------------------------------------

    def set_thumb_cache(self, cache: ThumbCache | None, request_px: int) -> None:
        """Serve ThumbnailRole from ``cache`` at ``request_px`` (the edge times the screen's
        device pixel ratio); a thumbnail's arrival becomes dataChanged of its member."""
        if self._cache is not None:
            self._cache.thumbnail_ready.disconnect(self._on_cache_thumbnail_ready)
        self._cache = cache
        self._thumb_px = request_px
        if cache is not None:
            cache.thumbnail_ready.connect(self._on_cache_thumbnail_ready)

    @Slot(object)
    def _on_cache_thumbnail_ready(self, path: str) -> None:
        roles = [ThumbnailRole, BrokenRole]
        for serial in self._serials_by_path.get(path, ()):
            row = self._row_by_serial[serial]
            group_index = self.index(row, 0)
            for member_row, member in enumerate(self._entries[row].group.members):
                if member.path == path:
                    member_index = self.index(member_row, 0, group_index)
                    self.dataChanged.emit(member_index, member_index, roles)
            # The grid paints a whole group per row, so its row must repaint too.
            self.dataChanged.emit(group_index, group_index, roles)

    # --- Qt model interface ---------------------------------------------------------------

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column != 0 or row < 0:
            return QModelIndex()
        if not parent.isValid():
            if row >= len(self._entries):
                return QModelIndex()
            return self.createIndex(row, 0, _TOP)
        if parent.internalId() != _TOP or parent.column() != 0:
            return QModelIndex()
        entry = self._entries[parent.row()]
        if row >= len(entry.group.members):
            return QModelIndex()
        return self.createIndex(row, 0, entry.serial)

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        # Qt's overloaded parent() (QObject.parent vs. the model's) cannot be typed as one.
        if not index.isValid() or index.internalId() == _TOP:
            return QModelIndex()
        row = self._row_by_serial.get(index.internalId())
        return QModelIndex() if row is None else self.createIndex(row, 0, _TOP)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._entries)
        if parent.internalId() != _TOP or parent.column() != 0:
            return 0
        return len(self._entries[parent.row()].group.members)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 1

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return self.rowCount(parent) > 0

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        member = self.member_at(index)
        if member is not None:
            flags |= Qt.ItemFlag.ItemNeverHasChildren
            if not member.is_reference:
                flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == _TOP:
            return self._group_data(self._entries[index.row()].group, role)
        row = self._row_by_serial.get(index.internalId())
        if row is None:
            return None
        group = self._entries[row].group
        return self._member_data(group, index.row(), role)

    def _group_data(self, group: Group, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return words.group_header(group)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"Group of {words.group_header(group)}"
        if role == GroupRole:
            return group
        return None

    def _member_data(self, group: Group, member_row: int, role: int) -> Any:
        member = group.members[member_row]
        if role == Qt.ItemDataRole.DisplayRole:
            return names.quoted(os.path.basename(member.path))
        if role == MemberRole:
            return member
        if role == GroupRole:
            return group
        if role == CheckedRole:
            return member.path in self._checked
        if role == Qt.ItemDataRole.CheckStateRole:
            if member.is_reference:
                return None
            checked = member.path in self._checked
            return Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        if role == CheckableRole:
            return self._may_check(group, member)
        if role == ThumbnailRole:
            if self._cache is None:
                return None
            return self._cache.get(member.path, self._thumb_px)
        if role == BrokenRole:
            return self._cache is not None and self._cache.is_broken(member.path)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.StatusTipRole):
            if member.sidecars:
                return f"{names.quoted(member.path)}\n{_sidecar_text(member)}"
            return names.quoted(member.path)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            state = "checked for trash" if member.path in self._checked else "not checked"
            sidecars = f", {_sidecar_text(member)}" if member.sidecars else ""
            return (
                f"{names.quoted(os.path.basename(member.path))}, {words.match_label(member)}, "
                f"{member.width} by {member.height}, {words.size(member.size)}{sidecars}, {state}"
            )
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        member = self.member_at(index)
        if member is None:
            return False
        if role == Qt.ItemDataRole.CheckStateRole:
            state = Qt.CheckState(value) if isinstance(value, int) else value
            return self.set_checked(member.path, state == Qt.CheckState.Checked)
        if role == CheckedRole:
            return self.set_checked(member.path, bool(value))
        return False

    # --- lookups --------------------------------------------------------------------------

    def group_at(self, index: Index) -> Group | None:
        """The group of a group row or of a member row."""
        if not index.isValid():
            return None
        if index.internalId() == _TOP:
            return self._entries[index.row()].group
        row = self._row_by_serial.get(index.internalId())
        return None if row is None else self._entries[row].group

    def member_at(self, index: Index) -> Member | None:
        if not index.isValid() or index.internalId() == _TOP:
            return None
        row = self._row_by_serial.get(index.internalId())
        if row is None:
            return None
        members = self._entries[row].group.members
        return members[index.row()] if index.row() < len(members) else None

    def group_row(self, group_id: int) -> int:
        """The row of the group with id ``group_id``, or -1."""
        return self._row_by_id.get(group_id, -1)

    def position(self, group_id: int, path: str) -> tuple[int, int]:
        """(group row, member row) of ``path`` in group ``group_id``, or (-1, -1)."""
        row = self._row_by_id.get(group_id, -1)
        if row < 0:
            return -1, -1
        for member_row, member in enumerate(self._entries[row].group.members):
            if member.path == path:
                return row, member_row
        return -1, -1

    def member_index(self, group_row: int, member_row: int) -> QModelIndex:
        return self.index(member_row, 0, self.index(group_row, 0))

    def groups(self) -> list[Group]:
        return [entry.group for entry in self._entries]

    def group_of_path(self, path: str) -> Group | None:
        """The group ``path`` is a member of (the first, should it be in two)."""
        serials = self._serials_by_path.get(path)
        if not serials:
            return None
        return self._entries[self._row_by_serial[serials[0]]].group

    def is_checked(self, path: str) -> bool:
        return path in self._checked

    def checked_paths(self) -> list[str]:
        """Checked files in display order."""
        seen: set[str] = set()
        ordered = []
        for entry in self._entries:
            for member in entry.group.members:
                if member.path in self._checked and member.path not in seen:
                    seen.add(member.path)
                    ordered.append(member.path)
        return ordered

    def checked_count(self) -> int:
        return len(self._checked)

    def checked_bytes(self) -> int:
        return sum(self._size_by_path.get(path, 0) for path in self._checked)

    def reclaimable_bytes(self) -> int:
        """What "Select duplicates" would free, over all groups."""
        return sum(entry.group.reclaimable_bytes for entry in self._entries)

    # --- structure changes ----------------------------------------------------------------

    def add_groups(self, groups: list[Group]) -> None:
        """Append a batch of groups with one row insertion."""
        fresh = [g for g in groups if g.id not in self._row_by_id]
        if len(fresh) != len(groups):
            # An id seen before is an update, not a second copy of the group.
            self.update_groups([g for g in groups if g.id in self._row_by_id])
        if not fresh:
            return
        first = len(self._entries)
        self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
        for offset, group in enumerate(fresh):
            entry = _Entry(group, self._next_serial)
            self._next_serial += 1
            self._entries.append(entry)
            self._index_entry(entry, first + offset)
        self.endInsertRows()

    def update_groups(self, groups: Iterable[Group]) -> None:
        """Replace groups by id (members and keeper may change); check marks of paths still
        present are kept. Unknown ids are appended."""
        unknown = []
        before = set(self._checked)
        for group in groups:
            row = self._row_by_id.get(group.id)
            if row is None:
                unknown.append(group)
                continue
            self._replace_group(row, group)
        self._rebuild_path_index()
        self._checked = self._guarded(self._checked)
        self._checked_changed(before)
        if unknown:
            self.add_groups(unknown)

    def _replace_group(self, row: int, group: Group) -> None:
        entry = self._entries[row]
        parent = self.index(row, 0)
        old_count, new_count = len(entry.group.members), len(group.members)
        if old_count > new_count:
            self.beginRemoveRows(parent, new_count, old_count - 1)
            entry.group = dataclasses.replace(entry.group, members=entry.group.members[:new_count])
            self.endRemoveRows()
        elif new_count > old_count:
            self.beginInsertRows(parent, old_count, new_count - 1)
            entry.group = group
            self.endInsertRows()
        entry.group = group
        self.dataChanged.emit(parent, parent)
        if new_count:
            self.dataChanged.emit(self.index(0, 0, parent), self.index(new_count - 1, 0, parent))

    def remove_groups(self, ids: Iterable[int]) -> None:
        rows = sorted({self._row_by_id[i] for i in ids if i in self._row_by_id}, reverse=True)
        if not rows:
            return
        before = set(self._checked)
        # Remove contiguous runs from the bottom up, so earlier rows keep their numbers.
        runs: list[tuple[int, int]] = []
        for row in rows:
            if runs and runs[-1][0] == row + 1:
                runs[-1] = (row, runs[-1][1])
            else:
                runs.append((row, row))
        for first, last in runs:
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._entries[first : last + 1]
            self._rebuild_row_index()
            self.endRemoveRows()
        self._rebuild_path_index()
        self._checked = {p for p in self._checked if p in self._size_by_path}
        self._checked_changed(before)

    def remove_paths(self, paths: Iterable[str]) -> None:
        """Drop members (e.g. after they went to the trash); a group left with fewer than two
        members disappears."""
        gone = set(paths)
        doomed: list[int] = []
        changed = False
        before = set(self._checked)
        for row, entry in enumerate(self._entries):
            members = entry.group.members
            if not any(m.path in gone for m in members):
                continue
            kept = tuple(m for m in members if m.path not in gone)
            if len(kept) < 2:
                doomed.append(entry.group.id)
                continue
            parent = self.index(row, 0)
            for member_row in range(len(members) - 1, -1, -1):
                if members[member_row].path in gone:
                    self.beginRemoveRows(parent, member_row, member_row)
                    current = entry.group.members
                    entry.group = dataclasses.replace(
                        entry.group, members=current[:member_row] + current[member_row + 1 :]
                    )
                    self.endRemoveRows()
            self.dataChanged.emit(parent, parent)
            changed = True
        if changed:
            self._rebuild_path_index()
        self._checked -= gone
        if doomed:
            self.remove_groups(doomed)  # rebuilds the path index and reports the selection
        else:
            self._checked_changed(before)

    def clear(self) -> None:
        before = set(self._checked)
        if self._entries:
            self.beginResetModel()
            self._entries.clear()
            self._rebuild_row_index()
            self._rebuild_path_index()
            self._checked.clear()
            self.endResetModel()
        self._checked_changed(before)

    def sort_groups(self, key: SortKey) -> None:
        """Reorder the groups (stable); member order never changes."""
        if key is SortKey.RECLAIMABLE:
            order = sorted(self._entries, key=lambda e: -e.group.reclaimable_bytes)
        elif key is SortKey.SIMILARITY:
            order = sorted(self._entries, key=lambda e: -_certainty(e.group))
        else:
            order = sorted(self._entries, key=lambda e: _folder_key(e.group))
        # PySide6 only exposes the argument-less overload (all parents, no hint).
        self.layoutAboutToBeChanged.emit()
        serial_at_old_row = [entry.serial for entry in self._entries]
        self._entries = order
        self._rebuild_row_index()
        old_persistent = self.persistentIndexList()
        new_persistent = []
        for index in old_persistent:
            if index.internalId() == _TOP:
                new_row = self._row_by_serial[serial_at_old_row[index.row()]]
                new_persistent.append(self.createIndex(new_row, 0, _TOP))
            else:
                # Member indexes carry their group's serial, which sorting does not change.
                new_persistent.append(self.createIndex(index.row(), 0, index.internalId()))
        self.changePersistentIndexList(old_persistent, new_persistent)
        self.layoutChanged.emit()

    # --- check marks ----------------------------------------------------------------------

    def set_checked(self, path: str, checked: bool) -> bool:
        """Check or uncheck one file; refused (False) for a reference file, or when it would
        leave a group with every member checked."""
        if checked == (path in self._checked):
            return path in self._size_by_path
        if path not in self._size_by_path:
            return False
        if checked:
            # Only the groups holding this path can break a rule (O(group), not O(model)).
            for serial in self._serials_by_path[path]:
                group = self._entries[self._row_by_serial[serial]].group
                member = next(m for m in group.members if m.path == path)
                if not self._may_check(group, member):
                    return False
        before = set(self._checked)
        self._checked = self._checked | {path} if checked else self._checked - {path}
        self._checked_changed(before)
        return True

    def set_checked_paths(self, paths: Iterable[str]) -> None:
        """Make ``paths`` the checked files, in one change (restoring a saved selection).

        The usual rules apply: reference files and unknown paths are left out, and a group
        whose every member is listed keeps its keeper unchecked. One ``selection_changed``
        and one dataChanged per affected group, however many paths; linear in the model.
        """
        before = self._checked
        self._checked = self._guarded({p for p in paths if p in self._size_by_path})
        self._checked_changed(before)

    def toggle_checked(self, index: Index) -> bool:
        """Flip the check mark of a member; returns whether it changed."""
        member = self.member_at(index)
        if member is None:
            return False
        return self.set_checked(member.path, member.path not in self._checked)

    def keep_only(self, index: Index) -> None:
        """Check every other member of this member's group, leaving this one unchecked."""
        member, group = self.member_at(index), self.group_at(index)
        if member is None or group is None:
            return
        before = set(self._checked)
        others = {m.path for m in group.members if m.path != member.path}
        self._checked = self._guarded((self._checked - {member.path}) | others)
        self._checked_changed(before)

    def select_duplicates(self) -> None:
        """Check every member except the keeper, in every group."""
        before = set(self._checked)
        wanted = set(self._checked)
        for entry in self._entries:
            wanted.discard(entry.group.keeper.path)
            wanted.update(m.path for m in entry.group.duplicates)
        self._checked = self._guarded(wanted, protect_keepers=True)
        self._checked_changed(before)

    def select_in_folder(self, folder: str) -> FolderMarks:
        """Check the files under ``folder`` (at any depth), except keepers; return what was
        marked and why the others were not."""
        prefix = os.path.join(os.path.normpath(folder), "")
        inside: set[str] = set()
        keepers: set[str] = set()
        reference: set[str] = set()
        for entry in self._entries:
            for row, member in enumerate(entry.group.members):
                if not os.path.normpath(member.path).startswith(prefix):
                    continue
                inside.add(member.path)
                if member.is_reference:
                    reference.add(member.path)
                elif row == 0:
                    keepers.add(member.path)
        before = set(self._checked)
        self._checked = self._guarded(before | (inside - keepers - reference), protect_keepers=True)
        self._checked_changed(before)
        markable = inside - keepers - reference
        return FolderMarks(
            photos=len(inside),
            marked=len(markable & (self._checked - before)),
            already=len(markable & before & self._checked),
            keepers=len(keepers),
            reference=len(reference),
            last_copy=len(markable - self._checked),
        )

    def invert_selection(self) -> None:
        """Flip every check mark; a group that would end up fully checked keeps its keeper."""
        before = set(self._checked)
        wanted = {
            m.path
            for entry in self._entries
            for m in entry.group.members
            if m.path not in self._checked
        }
        self._checked = self._guarded(wanted)
        self._checked_changed(before)

    def clear_selection(self) -> None:
        before = set(self._checked)
        self._checked = set()
        self._checked_changed(before)

    # --- internals ------------------------------------------------------------------------

    def _may_check(self, group: Group, member: Member) -> bool:
        if member.is_reference:
            return False
        if member.path in self._checked:
            return True
        return any(m.path not in self._checked for m in group.members if m is not member)

    def _guarded(self, wanted: set[str], *, protect_keepers: bool = False) -> set[str]:
        """``wanted`` minus what the safety rules forbid: reference files, (optionally)
        keepers, and for a group that would be fully checked, its keeper."""
        allowed = set()
        for entry in self._entries:
            members = entry.group.members
            chosen = [
                m.path
                for row, m in enumerate(members)
                if m.path in wanted and not m.is_reference and not (protect_keepers and row == 0)
            ]
            if len(chosen) == len(members):
                chosen = [p for p in chosen if p != members[0].path]
            allowed.update(chosen)
        return allowed

    def _checked_changed(self, before: set[str]) -> None:
        changed = before ^ self._checked
        if not changed:
            return
        roles = [CheckedRole, Qt.ItemDataRole.CheckStateRole, Qt.ItemDataRole.AccessibleTextRole]
        rows = sorted(
            {self._row_by_serial[s] for p in changed for s in self._serials_by_path.get(p, ())}
        )
        for row in rows:
            parent = self.index(row, 0)
            last = len(self._entries[row].group.members) - 1
            self.dataChanged.emit(self.index(0, 0, parent), self.index(last, 0, parent), roles)
        if rows:
            self.dataChanged.emit(self.index(rows[0], 0), self.index(rows[-1], 0), roles)
        self.selection_changed.emit(len(self._checked), self.checked_bytes())

    def _index_entry(self, entry: _Entry, row: int) -> None:
        self._row_by_serial[entry.serial] = row
        self._row_by_id[entry.group.id] = row
        for member in entry.group.members:
            self._serials_by_path.setdefault(member.path, []).append(entry.serial)
            self._size_by_path[member.path] = member.size

    def _rebuild_row_index(self) -> None:
        self._row_by_serial = {e.serial: row for row, e in enumerate(self._entries)}
        self._row_by_id = {e.group.id: row for row, e in enumerate(self._entries)}

    def _rebuild_path_index(self) -> None:
        self._serials_by_path = {}
        self._size_by_path = {}
        for entry in self._entries:
            for member in entry.group.members:
                self._serials_by_path.setdefault(member.path, []).append(entry.serial)
                self._size_by_path[member.path] = member.size


def _certainty(group: Group) -> float:
    """How sure the match is: identical bytes above everything, then the weakest score."""
    if group.kind is MatchKind.IDENTICAL:
        return 2.0
    return min((m.score for m in group.duplicates), default=1.0)


def _folder_key(group: Group) -> tuple[str, str]:
    folder, name = os.path.split(group.keeper.path)
    return folder.casefold(), name.casefold()


def _sidecar_text(member: Member) -> str:
    return words.sidecars([names.quoted(os.path.basename(p)) for p in member.sidecars])
