"""The cleanup plan: which selected files may be acted on, and why the others may not.

The rules no window or command line can bypass: never every member of a group, never the keeper,
never a file in a reference folder, only members verified to show their keeper's picture, and
only files inside the folders that were scanned. The plan is pure (no file system access) and
linear in the number of members, so the window plans on the GUI thread and its confirmation
shows the plan's real numbers, refusals included; the last-moment checks (``checks.py``) look at
the disk just before each file is acted on.
"""

from __future__ import annotations

import enum
import os
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from lookalike.core.model import Group, MatchKind, Member, ScanResult

# The relations the scan proves; any other label on a non-keeper member (a hand-edited result
# file) means nobody verified it.
VERIFIED_KINDS = frozenset({MatchKind.IDENTICAL, MatchKind.SAME_PICTURE, MatchKind.SIMILAR})


class RefusalReason(enum.Enum):
    """Why the plan will not act on a selected file."""

    WHOLE_GROUP = "would remove every copy of this picture"
    REFERENCE = "is in a reference folder"
    KEEPER = "is the keeper of its group"
    OUTSIDE_ROOTS = "is outside the scanned folders"
    NOT_VERIFIED = "was not verified to show its keeper's picture"
    NOT_IN_GROUP = "is not in any duplicate group"


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
class Plan:
    """Which files a batch will act on, which selected files were refused, and the scanned
    folders the last-moment checks hold every file to."""

    files: tuple[PlannedFile, ...]
    refused: tuple[Refusal, ...] = ()
    roots: tuple[str, ...] = ()

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.files)

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(f.path for f in self.files)

    def refusal_counts(self) -> dict[RefusalReason, int]:
        """How many selected files each rule refused, most first."""
        return dict(Counter(r.reason for r in self.refused).most_common())


def normalize(path: str) -> str:
    """The one spelling of a path the plan and the checks compare (absolute, no ``..``)."""
    return os.path.abspath(path)


def is_under(path: str, roots: Iterable[str]) -> bool:
    """Whether the normalized ``path`` is one of ``roots`` or inside one (by name, no I/O)."""
    for root in roots:
        root = normalize(root)
        if path == root or path.startswith(root.rstrip(os.sep) + os.sep):
            return True
    return False


def default_selection(groups: Iterable[Group]) -> frozenset[str]:
    """Every member but the keeper of each group, leaving reference files alone."""
    return frozenset(m.path for g in groups for m in g.duplicates if not m.is_reference)


def _refusal(
    member: Member, path: str, keepers: set[str], roots: Sequence[str], refs: Sequence[str]
) -> RefusalReason | None:
    if member.is_reference or is_under(path, refs):
        return RefusalReason.REFERENCE
    if path in keepers:
        return RefusalReason.KEEPER
    if not is_under(path, roots):
        return RefusalReason.OUTSIDE_ROOTS
    if member.match not in VERIFIED_KINDS:
        return RefusalReason.NOT_VERIFIED
    return None


def plan_cleanup(
    groups: Sequence[Group],
    selected: Collection[str],
    *,
    roots: Sequence[str],
    reference_roots: Sequence[str] = (),
) -> Plan:
    """Decide which selected files may be acted on, enforcing the rules no UI can bypass.

    Args:
        groups: the scan's groups; each group's ``members[0]`` is its keeper.
        selected: paths the user asked to remove.
        roots: the folders that were scanned; nothing outside them is ever touched.
        reference_roots: folders whose files are never touched, on top of ``is_reference``.

    Returns:
        The files to act on (with their keepers) and the refused selections with reasons.
    """
    wanted = {normalize(p) for p in selected}
    keepers = {normalize(g.keeper.path) for g in groups}
    roots = tuple(normalize(r) for r in roots)
    refs = tuple(normalize(r) for r in reference_roots)
    files: list[PlannedFile] = []
    refused: list[Refusal] = []
    seen: set[str] = set()
    for group in groups:
        paths = [normalize(m.path) for m in group.members]
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
            reason = _refusal(member, path, keepers, roots, refs)
            if reason is not None:
                refused.append(Refusal(path, group.id, reason))
            else:
                files.append(PlannedFile(member, group.keeper, group.id))
    refused += [Refusal(p, None, RefusalReason.NOT_IN_GROUP) for p in sorted(wanted - seen)]
    return Plan(tuple(files), tuple(refused), roots)


def plan_from_result(result: ScanResult, selected: Collection[str] | None = None) -> Plan:
    """Plan a cleanup of a scan result: the given selection, else the result's saved selection,
    else every member but the keeper of each group. Only files inside the result's own scanned
    folders can be planned, whatever a (hand-edited) result file lists."""
    if selected is None:
        selected = result.selected or default_selection(result.groups)
    return plan_cleanup(
        result.groups, selected, roots=result.roots, reference_roots=result.reference_roots
    )
