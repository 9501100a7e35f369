"""What keeps a scan's cost linear in the files: a picture with many byte copies."""

from __future__ import annotations

import shutil
from pathlib import Path

from lookalike.core.cancel import CancelToken
from lookalike.core.matching.fingerprint import Fingerprint
from lookalike.core.model import ScanOptions
from lookalike.core.scan import _Scan, collect_result, run_scan
from tests import images


def test_a_batch_names_each_picture_that_gained_files_once(tmp_path: Path) -> None:
    # The grouping ranks all of a picture's files each time it hears of one more: a picture
    # named once a copy costs the square of its copies (a flat crop of a sky had 564).
    scan = _Scan(ScanOptions(roots=(str(tmp_path),)), CancelToken())
    digest = "ab" * 20
    prints = [
        Fingerprint(f"/p/{i}.jpg", 96, 72, "JPEG", "", "", False, b"", b"\x01", digest)
        for i in range(6)
    ]
    new, _, _, copied = scan._pictures_of(prints)
    assert len(new) == 1
    assert copied == new
    assert scan.copies[new[0]] == [fp.path for fp in prints]


def test_a_picture_with_many_byte_copies_is_one_group_cold_and_warm(tmp_path: Path) -> None:
    original = images.save(tmp_path / "p" / "sky.jpg", images.photo(7, 96, 72))
    for i in range(40):
        shutil.copy(original, tmp_path / "p" / f"sky-{i:02}.jpg")
    options = ScanOptions(roots=(str(tmp_path / "p"),), cache_path=str(tmp_path / "c.sqlite3"))
    for _ in range(2):  # cold, then warm from the cache
        [group] = collect_result(options, run_scan(options)).groups
        assert len(group.members) == 41
