"""The "not duplicates" memory: members, pairs and groups the user said are not duplicates, kept
across scans in a small JSON file in the user's data folder, and resolved against a scan's files.

A choice names files, each by path, size, modification time and (where the scan knew it) content
digest. Every choice comes down to pairs of files that must never share a group: a member is
kept apart from each other file of its group, a pair from each other, and a whole group pairwise.

How a choice finds its files again in a later scan (cheaply: nothing is read for it):
- the same path with the same size and time;
- a file with the same content digest, where both digests are known (a moved copy of the file
  keeps its mark when the scan hashed it, as it does for files that share a size);
- a file with the same name, size and modification time to the nanosecond: a file moved to
  another folder (``mv`` keeps all three), found without reading it.
A file edited since has another size or time (and digest), so its old marks no longer apply.
Files of one choice that are byte-identical or look alike by name, size and time (two copies
the user said are different) are found by their exact path only, so that each mark stays on
the copy it was made on.

The file is rewritten whole (atomically) on each change; a damaged file is set aside, logged and
replaced by an empty memory, never a crash.
"""

from __future__ import annotations

import enum
import itertools
import json
import logging
import os
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lookalike.core.model import ImageFile, Member

log = logging.getLogger(__name__)

FILE_NAME = "not-duplicates.json"
FORMAT_VERSION = 1


class ChoiceKind(enum.Enum):
    """What the user marked."""

    MEMBER = "member"  # one member is not a duplicate of the rest of its group
    PAIR = "pair"  # two files are not duplicates of each other
    GROUP = "group"  # no two files of a group are duplicates


@dataclass(frozen=True, slots=True)
class MarkedFile:
    """One file of a choice, as the scan saw it when the choice was made."""

    path: str
    size: int
    mtime_ns: int
    content_hash: str = ""  # "" when the scan did not hash it

    @classmethod
    def of(cls, member: Member) -> MarkedFile:
        return cls(member.path, member.size, member.mtime_ns, member.content_hash)

    @property
    def name(self) -> str:
        return os.path.basename(self.path)


@dataclass(frozen=True, slots=True)
class Choice:
    """One "not duplicates" decision. For ``MEMBER`` the member comes first, then the other
    files of its group as they were."""

    id: int
    kind: ChoiceKind
    files: tuple[MarkedFile, ...]
    made: str  # ISO time, UTC

    def pairs(self) -> Iterator[tuple[int, int]]:
        """The pairs of ``files`` (indexes) kept apart."""
        if self.kind is ChoiceKind.MEMBER:
            yield from ((0, i) for i in range(1, len(self.files)))
        else:
            yield from itertools.combinations(range(len(self.files)), 2)


class NotDuplicatesError(Exception):
    """The memory could not be written (the reason is in the message)."""


def default_path() -> Path:
    from lookalike.core.paths import data_dir

    return data_dir() / FILE_NAME


class NotDuplicates:
    """The remembered choices, read from ``path`` on creation; every change is written at once.

    Args:
        path: the JSON file; the user's data folder when ``None``.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        self._choices: list[Choice] = self._read()

    def choices(self) -> tuple[Choice, ...]:
        """Every choice, oldest first."""
        return tuple(self._choices)

    def __len__(self) -> int:
        return len(self._choices)

    def add(self, kind: ChoiceKind, members: Sequence[Member]) -> Choice:
        """Remember a choice about these members (for ``MEMBER``: the member, then the other
        members of its group); returns it as stored."""
        if len(members) < 2:
            raise ValueError("a choice needs at least two files")
        if kind is ChoiceKind.PAIR and len(members) != 2:
            raise ValueError("a pair is two files")
        next_id = max((c.id for c in self._choices), default=0) + 1
        choice = Choice(
            next_id,
            kind,
            tuple(MarkedFile.of(m) for m in members),
            datetime.now(UTC).isoformat(timespec="seconds"),
        )
        self._write([*self._choices, choice])
        return choice

    def remove(self, ids: Iterable[int]) -> int:
        """Forget these choices (undo them); returns how many were forgotten."""
        gone = set(ids)
        kept = [c for c in self._choices if c.id not in gone]
        removed = len(self._choices) - len(kept)
        if removed:
            self._write(kept)
        return removed

    def clear(self) -> int:
        """Forget every choice; returns how many there were."""
        return self.remove([c.id for c in self._choices])

    # --- the file ---------------------------------------------------------------------------

    def _write(self, choices: list[Choice]) -> None:
        data = {"version": FORMAT_VERSION, "choices": [_choice_dict(c) for c in choices]}
        # ASCII escapes keep a file name that is not valid UTF-8 exactly (as the journal does).
        text = json.dumps(data, ensure_ascii=True, indent=1)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    f.write(text + "\n")
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, self.path)
            except BaseException:
                if os.path.lexists(tmp):
                    os.unlink(tmp)
                raise
        except OSError as exc:
            raise NotDuplicatesError(f"could not save {self.path}: {exc.strerror or exc}") from exc
        self._choices = choices

    def _read(self) -> list[Choice]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        except (OSError, UnicodeDecodeError) as exc:
            log.warning("could not read %s (%s); starting with no choices", self.path, exc)
            return []
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
                raise ValueError("not a version 1 file")
            return [_load_choice(c) for c in data["choices"]]
        except (ValueError, KeyError, TypeError) as exc:
            aside = self.path.with_name(f"{self.path.name}.damaged-{int(time.time())}")
            log.warning("%s is damaged (%s); moved to %s", self.path, exc, aside)
            try:
                os.replace(self.path, aside)
            except OSError as move_error:
                log.warning("could not move it aside: %s", move_error)
            return []


def _choice_dict(c: Choice) -> dict[str, Any]:
    return {
        "id": c.id,
        "kind": c.kind.value,
        "made": c.made,
        "files": [
            {"path": f.path, "size": f.size, "mtime_ns": f.mtime_ns, "content_hash": f.content_hash}
            for f in c.files
        ],
    }


def _load_choice(raw: Any) -> Choice:
    files = tuple(
        MarkedFile(str(f["path"]), int(f["size"]), int(f["mtime_ns"]), str(f["content_hash"]))
        for f in raw["files"]
    )
    if len(files) < 2:
        raise ValueError("a choice with fewer than two files")
    return Choice(int(raw["id"]), ChoiceKind(raw["kind"]), files, str(raw["made"]))


# --- resolving choices against a scan -----------------------------------------------------------


def apart_files(
    choices: Sequence[Choice], files: Sequence[ImageFile], digests: Mapping[str, str]
) -> dict[str, set[str]]:
    """For each scanned path that a choice names, the scanned paths it must never be grouped
    with (symmetric).

    Args:
        choices: the remembered choices.
        files: the scan's files.
        digests: the content digests the scan knows, by path.
    """
    if not choices:
        return {}
    by_path = {f.path: f for f in files}
    by_look: dict[tuple[str, int, int], list[str]] = defaultdict(list)
    by_digest: dict[str, list[str]] = defaultdict(list)
    for f in files:
        by_look[os.path.basename(f.path), f.size, f.mtime_ns].append(f.path)
        digest = digests.get(f.path)
        if digest:
            by_digest[digest].append(f.path)

    def found(mark: MarkedFile, exact: bool) -> set[str]:
        out: set[str] = set()
        f = by_path.get(mark.path)
        if f is not None and (f.size, f.mtime_ns) == (mark.size, mark.mtime_ns):
            out.add(f.path)
        if exact:
            return out
        if mark.content_hash:
            out.update(by_digest.get(mark.content_hash, ()))
        for path in by_look.get((mark.name, mark.size, mark.mtime_ns), ()):
            known = digests.get(path)
            if not (known and mark.content_hash and known != mark.content_hash):
                out.add(path)
        return out

    apart: dict[str, set[str]] = defaultdict(set)
    for choice in choices:
        alike = _alike(choice.files)
        matches = [found(m, i in alike) for i, m in enumerate(choice.files)]
        for i, j in choice.pairs():
            for a in matches[i]:
                for b in matches[j]:
                    if a != b:
                        apart[a].add(b)
                        apart[b].add(a)
    return dict(apart)


def _alike(files: Sequence[MarkedFile]) -> set[int]:
    """The files of one choice that another of its files could be mistaken for."""
    seen: dict[object, list[int]] = defaultdict(list)
    for i, f in enumerate(files):
        seen["look", f.name, f.size, f.mtime_ns].append(i)
        if f.content_hash:
            seen["digest", f.content_hash].append(i)
    return {i for group in seen.values() if len(group) > 1 for i in group}


def describe(choice: Choice) -> str:
    """The choice in words, by file name: what the manager and ``lookalike not-duplicates list``
    show."""
    from lookalike.core import words

    first = choice.files[0].name
    if choice.kind is ChoiceKind.MEMBER:
        return words.not_duplicates_member(first, len(choice.files) - 1)
    if choice.kind is ChoiceKind.PAIR:
        return words.not_duplicates_pair(first, choice.files[1].name)
    return words.not_duplicates_group(len(choice.files), first)
