"""Identical sets are atomic (issue 10 item 1): every byte-identical copy of any member is in the
group, labelled identical to the keeper when it is a copy of the keeper, in both modes; and
`lookalike clean --hardlink` links every one of them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lookalike.cli import main
from lookalike.core.model import MatchKind, ScanMode, ScanOptions, ScanResult
from lookalike.core.scan import collect_result, run_scan
from tests import images


def scan(root: Path, mode: ScanMode, cache: Path | None = None) -> ScanResult:
    options = ScanOptions(
        roots=(str(root),), mode=mode, workers=2, cache_path=str(cache) if cache else None
    )
    return collect_result(options, run_scan(options))


def six_copies(root: Path) -> list[Path]:
    original = images.save(root / "x.jpg", images.photo(61, 640, 480))
    copies = [original]
    for name in "abcde":
        copy = root / "sub" / name / f"{name}.jpg"
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(original.read_bytes())
        copies.append(copy)
    # The oldest copy, the keeper, is neither the first nor the last one the walk finds.
    os.utime(copies[3], ns=(10**18, 10**18))
    images.save(root / "unrelated.jpg", images.photo(62, 640, 480))
    return copies


@pytest.mark.parametrize("mode", [ScanMode.EXACT, ScanMode.SIMILAR])
def test_six_copies_give_six_members(tmp_path: Path, mode: ScanMode) -> None:
    copies = six_copies(tmp_path)
    (group,) = scan(tmp_path, mode).groups
    assert sorted(m.path for m in group.members) == sorted(str(p) for p in copies)
    assert group.keeper.path == str(copies[3])
    assert [m.match for m in group.duplicates] == [MatchKind.IDENTICAL] * 5


def test_copies_of_a_similar_member_join_with_it(tmp_path: Path) -> None:
    """Three byte copies of a photo and two of its half-size version: one group of five, with
    the half-size pair the same picture as the keeper; warm and cold scans agree."""
    photo = images.photo(63, 800, 600)
    big = images.save(tmp_path / "big.jpg", photo)
    small = images.save(tmp_path / "small.jpg", images.resize(photo, 0.5))
    for path, n in ((big, 2), (small, 1)):
        for i in range(n):
            (tmp_path / f"{path.stem}-copy{i}.jpg").write_bytes(path.read_bytes())
    cache = tmp_path / "cache.sqlite3"
    cold = scan(tmp_path, ScanMode.SIMILAR, cache)
    (group,) = cold.groups
    kinds = {Path(m.path).name: m.match for m in group.members}
    assert kinds.pop(group.keeper.path.rsplit("/", 1)[1]) is MatchKind.KEEPER
    assert sorted(k for k, v in kinds.items() if v is MatchKind.IDENTICAL) == sorted(
        n for n in ("big.jpg", "big-copy0.jpg", "big-copy1.jpg") if n in kinds
    )
    assert {kinds["small.jpg"], kinds["small-copy0.jpg"]} == {MatchKind.SAME_PICTURE}
    warm = scan(tmp_path, ScanMode.SIMILAR, cache)
    assert warm.summary.decoded == 0
    assert warm.groups == cold.groups


@pytest.mark.parametrize("mode", ["exact", "similar"])
def test_hardlink_links_every_copy(
    tmp_path: Path, mode: str, capsys: pytest.CaptureFixture[str]
) -> None:
    copies = six_copies(tmp_path / "photos")
    args = ["clean", "--mode", mode, "--no-cache", "--workers", "1", "--hardlink", "--yes"]
    assert main([*args, str(tmp_path / "photos")]) == 0
    out = capsys.readouterr().out
    assert "not a byte-for-byte copy" not in out
    assert len({os.stat(p).st_ino for p in copies}) == 1  # one file, six names
    assert os.stat(copies[0]).st_nlink == 6
