"""The cleanup journal: one JSON line before and after every file action, read back for undo.

Each batch writes a ``batch-start`` line, then for each file a ``before`` line (what is about to
happen to which file) and, once the action returned, an ``after`` line (what really happened).
A batch that is killed halfway therefore leaves ``before`` lines without ``after`` lines for
exactly the files whose fate is unknown, and true ``after`` lines for the finished ones.

Every line is flushed to the operating system as soon as it is written, so it survives a crash
or kill of the app; the file is fsynced at the end of each batch (an fsync per file would cost
more than the trash move itself on a slow disk, and only a power cut could lose the tail).
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


def new_batch_id() -> str:
    """A sortable, unique batch id: UTC time to the second plus a random suffix."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:8]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


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


class Journal:
    """An append-only JSON-lines file; thread-safe for one process.

    Args:
        directory: where ``journal.jsonl`` lives; the app's data folder when ``None``.
    """

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self._dir = Path(directory) if directory is not None else paths.data_dir()
        self._lock = threading.Lock()
        self._file: TextIO | None = None

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
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
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

    def before(
        self,
        batch_id: str,
        action: str,
        *,
        path: str,
        size: int,
        mtime_ns: int,
        content_hash: str,
        group_id: int | None,
        keeper: str,
        destination: str = "",
    ) -> None:
        """Record that ``action`` is about to be done to ``path``."""
        self._write(
            {
                "phase": PHASE_BEFORE,
                "batch": batch_id,
                "action": action,
                "path": path,
                "size": size,
                "mtime_ns": mtime_ns,
                "content_hash": content_hash,
                "group": group_id,
                "keeper": keeper,
                "destination": destination,
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
        """Every well-formed line, oldest first (the rotated file, then the current one); a
        torn or foreign line is logged and skipped."""
        for path in (self._dir / OLD_JOURNAL_NAME, self.path):
            try:
                handle = open(path, encoding="utf-8")  # noqa: SIM115 - closed below
            except FileNotFoundError:
                continue
            with handle:
                for number, raw in enumerate(handle, 1):
                    raw = raw.strip()
                    if not raw:
                        continue
                    try:
                        record = json.loads(raw)
                    except ValueError:
                        # A kill in the middle of a write leaves half a line; the rest is true.
                        log.warning("journal %s line %d is not JSON; ignored", path, number)
                        continue
                    if isinstance(record, dict) and "phase" in record and "batch" in record:
                        yield record

    def batches(self) -> list[BatchRecord]:
        """All batches in the journal, oldest first, each with its files' merged records."""
        order: list[str] = []
        starts: dict[str, dict[str, Any]] = {}
        ends: dict[str, dict[str, Any]] = {}
        files: dict[str, dict[str, dict[str, Any]]] = {}
        for rec in self.lines():
            batch = str(rec["batch"])
            if batch not in starts and batch not in files:
                order.append(batch)
            phase = rec["phase"]
            if phase == PHASE_BATCH_START:
                starts[batch] = rec
            elif phase == PHASE_BATCH_END:
                ends[batch] = rec
            elif phase in (PHASE_BEFORE, PHASE_AFTER) and "path" in rec:
                entry = files.setdefault(batch, {}).setdefault(str(rec["path"]), {})
                entry[phase] = rec
        result = []
        for batch in order:
            start = starts.get(batch, {})
            records = []
            for path, entry in files.get(batch, {}).items():
                before = entry.get(PHASE_BEFORE, {})
                after = entry.get(PHASE_AFTER, {})
                group = before.get("group")
                records.append(
                    FileRecord(
                        batch_id=batch,
                        action=str(before.get("action") or after.get("action") or ""),
                        path=path,
                        size=int(before.get("size") or 0),
                        mtime_ns=int(before.get("mtime_ns") or 0),
                        content_hash=str(before.get("content_hash") or ""),
                        group_id=int(group) if isinstance(group, int) else None,
                        keeper=str(before.get("keeper") or ""),
                        started=str(before.get("time") or ""),
                        finished=str(after.get("time") or ""),
                        outcome=str(after.get("outcome") or ""),
                        reason=str(after.get("reason") or ""),
                        destination=str(
                            after.get("destination") or before.get("destination") or ""
                        ),
                        trash_info=str(after.get("trash_info") or ""),
                    )
                )
            result.append(
                BatchRecord(
                    batch_id=batch,
                    action=str(start.get("action") or (records[0].action if records else "")),
                    started=str(start.get("time") or ""),
                    finished=str(ends.get(batch, {}).get("time") or ""),
                    undoes=str(start.get("undoes") or ""),
                    files=tuple(records),
                )
            )
        return result
