"""The cleanup journal: one JSON line before and after every file action, read back for undo.

Each batch writes a ``batch-start`` line, then for each file a ``before`` line (what is about to
happen to which file) and, once the action returned, an ``after`` line (what really happened).
A batch that is killed halfway therefore leaves ``before`` lines without ``after`` lines for
exactly the files whose fate is unknown, and true ``after`` lines for the finished ones.

Every line is flushed to the operating system as soon as it is written, so it survives a crash
or kill of the app; the file is fsynced at the end of each batch (an fsync per file would cost
more than the trash move itself on a slow disk, and only a power cut could lose the tail).

Reading is forgiving: a torn line (a kill in the middle of a write), a line that is not JSON, or
one whose fields have the wrong types (a hand edit) is skipped with a warning, and every other
batch can still be read and undone.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from lookalike.core import paths

log = logging.getLogger(__name__)

JOURNAL_NAME = "journal.jsonl"
OLD_JOURNAL_NAME = "journal.1.jsonl"
# About 40,000 files' worth of lines; one older file is kept beside the current one.
JOURNAL_MAX_BYTES = 16 * 1024 * 1024
JOURNAL_VERSION = 1

PHASE_BATCH_START = "batch-start"
PHASE_BATCH_END = "batch-end"
PHASE_BEFORE = "before"
PHASE_AFTER = "after"
_FILE_PHASES = (PHASE_BEFORE, PHASE_AFTER)

# The type of every field a line may hold; a line with any other type is damaged.
_FIELD_TYPES: dict[str, type | tuple[type, ...]] = {
    "v": int,
    "time": str,
    "phase": str,
    "batch": str,
    "action": str,
    "count": int,
    "undoes": str,
    "tally": dict,
    "cancelled": bool,
    "path": str,
    "size": int,
    "mtime_ns": int,
    "content_hash": str,
    "group": (int, type(None)),
    "keeper": str,
    "destination": str,
    "outcome": str,
    "reason": str,
    "trash_info": str,
    "sidecar_of": str,
}
_PATH_FIELDS = ("path", "keeper", "destination", "trash_info", "sidecar_of")


def new_batch_id() -> str:
    """A sortable, unique batch id: UTC time to the second plus a random suffix."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:8]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True, slots=True)
class FileEntry:
    """What a before-line says about a file: enough to check it later and to undo the action."""

    path: str
    size: int = 0
    mtime_ns: int = 0
    content_hash: str = ""
    group_id: int | None = None
    keeper: str = ""
    destination: str = ""  # where the action sends it: the moved-to path, the link target
    sidecar_of: str = ""  # for a sidecar file: the photo it travels with


@dataclass(frozen=True, slots=True)
class FileRecord:
    """What the journal knows about one file of one batch, ``before`` and ``after`` merged."""

    batch_id: str
    action: str
    path: str
    size: int
    mtime_ns: int
    content_hash: str
    group_id: int | None
    keeper: str
    started: str  # ISO time of the before-line
    finished: str  # ISO time of the after-line; "" when the batch was interrupted on this file
    outcome: str  # an OutcomeStatus value; "" when interrupted
    reason: str
    destination: str  # trashed file / moved-to path / link target, when known
    trash_info: str  # the freedesktop .trashinfo written for this file, when known
    sidecar_of: str = ""  # for a sidecar file: the photo it went with

    @property
    def interrupted(self) -> bool:
        """The action started but no outcome was recorded (the app died or was interrupted)."""
        return not self.finished


@dataclass(frozen=True, slots=True)
class BatchRecord:
    """One batch read back from the journal."""

    batch_id: str
    action: str
    started: str
    finished: str  # "" when the batch never reached its end line
    undoes: str  # for an undo batch: the id of the batch it reverses
    files: tuple[FileRecord, ...]


def _problem(record: object) -> str | None:
    """Why a parsed line cannot be a journal record, or ``None`` when it can."""
    if not isinstance(record, dict):
        return "is not a record"
    for key in ("phase", "batch"):
        if key not in record:
            return f"has no {key!r}"
    if record["phase"] in _FILE_PHASES and "path" not in record:
        return "has no 'path'"
    for key, value in record.items():
        expected = _FIELD_TYPES.get(key)
        if expected is None:
            continue  # a field a newer version added: not ours to judge
        # bool is an int to isinstance, but never a size or a time.
        if not isinstance(value, expected) or (isinstance(value, bool) and expected is not bool):
            return f"has a {type(value).__name__} for {key!r}"
        if key in _PATH_FIELDS and isinstance(value, str) and "\0" in value:
            return f"has a NUL character in {key!r}"
    return None


class Journal:
    """An append-only JSON-lines file; thread-safe for one process.

    Args:
        directory: where ``journal.jsonl`` lives; the app's data folder when ``None``.
    """

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self._dir = Path(directory) if directory is not None else paths.data_dir()
        self._lock = threading.Lock()
        self._file: TextIO | None = None
        self.damaged_lines = 0  # lines the last read skipped (torn, not JSON, wrong types)

    @property
    def path(self) -> Path:
        return self._dir / JOURNAL_NAME

    # --- writing ----------------------------------------------------------------------------

    def rotate_if_large(self, max_bytes: int = JOURNAL_MAX_BYTES) -> None:
        """Start a fresh file when this one is large (call between batches, never inside one)."""
        with self._lock:
            if self._file is not None:
                return
            try:
                if self.path.stat().st_size <= max_bytes:
                    return
                os.replace(self.path, self._dir / OLD_JOURNAL_NAME)
            except OSError:
                return

    def _write(self, record: dict[str, Any]) -> None:
        record = {"v": JOURNAL_VERSION, "time": _now(), **record}
        # ASCII escapes: a file name that is not valid UTF-8 (a lone surrogate in Python) is
        # written as \udcXX and reads back as the very same name.
        line = json.dumps(record, ensure_ascii=True, separators=(",", ":")) + "\n"
        with self._lock:
            if self._file is None:
                self._dir.mkdir(parents=True, exist_ok=True)
                self._file = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - kept open per batch
            self._file.write(line)
            self._file.flush()

    def start_batch(self, batch_id: str, action: str, count: int, undoes: str = "") -> None:
        self._write(
            {
                "phase": PHASE_BATCH_START,
                "batch": batch_id,
                "action": action,
                "count": count,
                "undoes": undoes,
            }
        )

    def end_batch(self, batch_id: str, tally: dict[str, int], cancelled: bool) -> None:
        self._write(
            {"phase": PHASE_BATCH_END, "batch": batch_id, "tally": tally, "cancelled": cancelled}
        )
        self.close()

    def before(self, batch_id: str, action: str, entry: FileEntry) -> None:
        """Record that ``action`` is about to be done to ``entry.path``."""
        self._write(
            {
                "phase": PHASE_BEFORE,
                "batch": batch_id,
                "action": action,
                "path": entry.path,
                "size": entry.size,
                "mtime_ns": entry.mtime_ns,
                "content_hash": entry.content_hash,
                "group": entry.group_id,
                "keeper": entry.keeper,
                "destination": entry.destination,
                **({"sidecar_of": entry.sidecar_of} if entry.sidecar_of else {}),
            }
        )

    def after(
        self,
        batch_id: str,
        action: str,
        *,
        path: str,
        outcome: str,
        reason: str,
        destination: str = "",
        trash_info: str = "",
    ) -> None:
        """Record what really happened to ``path``."""
        self._write(
            {
                "phase": PHASE_AFTER,
                "batch": batch_id,
                "action": action,
                "path": path,
                "outcome": outcome,
                "reason": reason,
                "destination": destination,
                "trash_info": trash_info,
            }
        )

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                try:
                    self._file.flush()
                    os.fsync(self._file.fileno())
                finally:
                    self._file.close()
                    self._file = None

    # --- reading ----------------------------------------------------------------------------

    def lines(self) -> Iterator[dict[str, Any]]:
        """Every well-formed line, oldest first (the rotated file, then the current one).

        A damaged line is logged, counted in ``damaged_lines`` and skipped; the rest is true.
        """
        self.damaged_lines = 0
        for path in (self._dir / OLD_JOURNAL_NAME, self.path):
            try:
                # surrogateescape: a hand-edited line with bytes that are not UTF-8 is one
                # damaged line, not an unreadable journal.
                handle = open(path, encoding="utf-8", errors="surrogateescape")  # noqa: SIM115 - closed below
            except FileNotFoundError:
                continue
            with handle:
                for number, raw in enumerate(handle, 1):
                    raw = raw.strip()
                    if not raw:
                        continue
                    try:
                        record = json.loads(raw)
                    except (ValueError, RecursionError):
                        # A kill in the middle of a write leaves half a line.
                        problem: str | None = "is not JSON"
                    else:
                        problem = _problem(record)
                    if problem is not None:
                        self.damaged_lines += 1
                        log.warning("journal %s line %d %s; ignored", path, number, problem)
                        continue
                    yield record

    def batches(self) -> list[BatchRecord]:
        """All batches in the journal, oldest first, each with its files' merged records."""
        order: list[str] = []
        starts: dict[str, dict[str, Any]] = {}
        ends: dict[str, dict[str, Any]] = {}
        files: dict[str, dict[str, dict[str, Any]]] = {}
        for rec in self.lines():
            batch = rec["batch"]
            if batch not in starts and batch not in files:
                order.append(batch)
            phase = rec["phase"]
            if phase == PHASE_BATCH_START:
                starts[batch] = rec
            elif phase == PHASE_BATCH_END:
                ends[batch] = rec
            elif phase in _FILE_PHASES:
                files.setdefault(batch, {}).setdefault(rec["path"], {})[phase] = rec
        result = []
        for batch in order:
            start = starts.get(batch, {})
            records = [
                _file_record(batch, path, entry.get(PHASE_BEFORE, {}), entry.get(PHASE_AFTER, {}))
                for path, entry in files.get(batch, {}).items()
            ]
            result.append(
                BatchRecord(
                    batch_id=batch,
                    action=start.get("action") or (records[0].action if records else ""),
                    started=start.get("time", ""),
                    finished=ends.get(batch, {}).get("time", ""),
                    undoes=start.get("undoes", ""),
                    files=tuple(records),
                )
            )
        return result


def _file_record(
    batch: str, path: str, before: dict[str, Any], after: dict[str, Any]
) -> FileRecord:
    """One file's before- and after-lines (either may be missing) as one record."""
    return FileRecord(
        batch_id=batch,
        action=before.get("action") or after.get("action") or "",
        path=path,
        size=before.get("size", 0),
        mtime_ns=before.get("mtime_ns", 0),
        content_hash=before.get("content_hash", ""),
        group_id=before.get("group"),
        keeper=before.get("keeper", ""),
        started=before.get("time", ""),
        finished=after.get("time", ""),
        outcome=after.get("outcome", ""),
        reason=after.get("reason", ""),
        destination=after.get("destination") or before.get("destination") or "",
        trash_info=after.get("trash_info", ""),
        sidecar_of=before.get("sidecar_of", ""),
    )
