"""The journal: lines written before and after actions read back as batches; torn, foreign and
hand-damaged lines are skipped with a warning."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from lookalike.core import paths
from lookalike.core.cleanup.journal import (
    JOURNAL_NAME,
    OLD_JOURNAL_NAME,
    FileEntry,
    Journal,
    new_batch_id,
)


def _before(journal: Journal, batch: str, path: str) -> None:
    entry = FileEntry(path, size=10, mtime_ns=5, content_hash="abc", group_id=3, keeper="/k.jpg")
    journal.before(batch, "trash", entry)


def test_records_merge_into_batches(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    first, second = new_batch_id(), new_batch_id()
    assert first != second
    journal.start_batch(first, "trash", 2)
    _before(journal, first, "/a.jpg")
    journal.after(
        first,
        "trash",
        path="/a.jpg",
        outcome="trashed",
        reason="",
        destination="/T/files/a.jpg",
        trash_info="/T/info/a.jpg.trashinfo",
    )
    journal.after(first, "trash", path="/b.jpg", outcome="skipped", reason="no longer exists")
    journal.end_batch(first, {"trashed": 1, "skipped": 1}, cancelled=False)
    journal.start_batch(second, "restore", 1, undoes=first)
    _before(journal, second, "/a.jpg")
    journal.close()

    b1, b2 = journal.batches()
    assert b1.batch_id == first
    assert b1.action == "trash"
    assert b1.finished
    a, b = b1.files
    assert (a.path, a.outcome, a.destination, a.trash_info) == (
        "/a.jpg",
        "trashed",
        "/T/files/a.jpg",
        "/T/info/a.jpg.trashinfo",
    )
    assert (a.size, a.mtime_ns, a.content_hash, a.group_id, a.keeper) == (10, 5, "abc", 3, "/k.jpg")
    assert not a.interrupted
    assert (b.outcome, b.reason) == ("skipped", "no longer exists")
    assert b2.undoes == first
    assert not b2.finished
    [pending] = b2.files
    assert pending.interrupted


def test_every_line_is_on_disk_before_the_action(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    batch = new_batch_id()
    journal.start_batch(batch, "trash", 1)
    _before(journal, batch, "/a.jpg")
    # Not closed: another reader (or a crash right now) must already see the before-line.
    lines = [json.loads(x) for x in (tmp_path / JOURNAL_NAME).read_text().splitlines()]
    assert [x["phase"] for x in lines] == ["batch-start", "before"]
    assert lines[1]["path"] == "/a.jpg"
    assert lines[1]["time"].endswith("+00:00")
    journal.close()


def test_torn_and_foreign_lines_are_ignored(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    batch = new_batch_id()
    _before(journal, batch, "/a.jpg")
    journal.close()
    with (tmp_path / JOURNAL_NAME).open("a") as f:
        f.write('["not", "a", "record"]\n\n{"phase": "after", "batch": "' + batch + '", "pa')
    [b] = journal.batches()
    assert b.files[0].interrupted


def test_missing_journal_reads_as_empty(tmp_path: Path) -> None:
    assert Journal(tmp_path / "none").batches() == []


def test_default_location_is_the_data_dir() -> None:
    assert Journal().path == paths.data_dir() / JOURNAL_NAME


def test_a_large_journal_rotates_between_batches_and_is_still_read(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    old = new_batch_id()
    _before(journal, old, "/old.jpg")
    journal.close()
    journal.rotate_if_large(max_bytes=10)
    assert (tmp_path / OLD_JOURNAL_NAME).exists()
    assert not (tmp_path / JOURNAL_NAME).exists()
    new = new_batch_id()
    _before(journal, new, "/new.jpg")
    journal.rotate_if_large(max_bytes=10)  # inside a batch: never
    journal.close()
    assert [b.batch_id for b in journal.batches()] == [old, new]


def test_lines_with_wrong_types_are_skipped_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    journal = Journal(tmp_path)
    good = new_batch_id()
    _before(journal, good, "/a.jpg")
    journal.close()
    with (tmp_path / JOURNAL_NAME).open("a") as f:
        f.write('{"phase": "before", "batch": "b", "path": "/x.jpg", "size": "10"}\n')
        f.write('{"phase": "before", "batch": "b", "path": "/x.jpg", "mtime_ns": true}\n')
        f.write('{"phase": "after", "batch": "b", "path": ["/x.jpg"]}\n')
        f.write('{"phase": "before", "batch": "b"}\n')
        newer = {"phase": "before", "batch": good, "path": "/b.jpg", "v": 2, "new": 1}
        f.write(json.dumps(newer) + "\n")
    batches = journal.batches()
    assert journal.damaged_lines == 4
    [batch] = batches
    assert [r.path for r in batch.files] == ["/a.jpg", "/b.jpg"]  # unknown fields are fine
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 4
    assert "line 2 has a str for 'size'; ignored" in warnings[0]
    assert "line 3 has a bool for 'mtime_ns'" in warnings[1]
    assert "line 4 has a list for 'path'" in warnings[2]
    assert "line 5 has no 'path'" in warnings[3]


def test_a_name_that_is_not_utf8_reads_back_as_the_same_name(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    name = os.fsdecode(b"/photos/b\xc3(.jpg")
    batch = new_batch_id()
    _before(journal, batch, name)
    journal.after(batch, "trash", path=name, outcome="trashed", reason="")
    journal.close()
    [record] = journal.batches()[0].files
    assert os.fsencode(record.path) == b"/photos/b\xc3(.jpg"
    assert not record.interrupted
    assert journal.damaged_lines == 0
