"""The verifier's workers keep the views (and features) of files they decoded lately, so a file
met by many candidate pairs is read and decoded once, within a memory budget."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from lookalike.core.matching import verify as v
from lookalike.core.matching.candidates import Candidate
from lookalike.core.matching.fingerprint import Fingerprint
from lookalike.core.matching.verify import FileRef, ProcessVerifier, load_view, verify_files
from lookalike.core.model import Sensitivity
from tests import images


def _files(folder: Path, count: int, size: tuple[int, int] = (96, 72)) -> list[FileRef]:
    refs = []
    for i in range(count):
        path = images.save(folder / f"f{i:03}.jpg", images.photo(100 + i, *size))
        st = path.stat()
        refs.append(FileRef(str(path), st.st_size, st.st_mtime_ns))
    return refs


@pytest.fixture
def views() -> Iterator[v._ViewCache]:
    """This process's view cache, empty."""
    v._views.clear()
    yield v._views
    v._views.clear()


def test_a_worker_decodes_each_file_once_however_many_pairs_share_it(tmp_path: Path) -> None:
    # 40 small files: a keeper met by every other file, then the others by their neighbours.
    # A worker that kept only the last 32 files it read would read the keeper again.
    refs = _files(tmp_path, 40)
    by_path = {r.path: r for r in refs}
    verifier = ProcessVerifier(Sensitivity.NORMAL, by_path.__getitem__, workers=1)
    try:
        pairs = [(refs[0], r) for r in refs[1:]] + list(itertools.pairwise(refs[1:]))
        for first, second in pairs:  # one at a time, as the grouping often asks
            verifier.measure([_candidate(first, second)])
        assert verifier.decoded == len(refs)
    finally:
        verifier.close()


def _candidate(first: FileRef, second: FileRef) -> Candidate:
    def side(ref: FileRef) -> Fingerprint:
        return Fingerprint(ref.path, 96, 72, "JPEG", "", "", False, b"", b"")

    return Candidate(side(first), side(second))


def test_the_views_kept_stay_within_the_budget(
    tmp_path: Path, views: v._ViewCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    refs = _files(tmp_path, 12, (480, 360))
    before = views.decoded  # in this process's life: other tests' files too
    [result] = verify_files([(refs[0], refs[1])])
    assert result.decoded == 2
    one = views._bytes / 2  # a view with its features, as kept
    monkeypatch.setattr(views, "budget", int(4.5 * one))
    for r in refs[2:]:
        verify_files([(refs[0], r)])  # the keeper stays: it is used by every pair
    assert views._bytes <= views.budget
    assert views.decoded - before == len(refs)
    # The keeper is served from memory; a file read long ago is read again.
    assert verify_files([(refs[0], refs[-1])])[0].decoded == 0
    assert verify_files([(refs[0], refs[2])])[0].decoded == 1
    assert load_view(refs[2]) is not None
