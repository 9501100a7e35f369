"""Regrouping at another sensitivity from the cache: no image decoded again, no pair measured
twice, and the same groups as a fresh scan at that sensitivity."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

from lookalike.core.cancel import CancelToken
from lookalike.core.events import GroupFound, Progress, Stage
from lookalike.core.model import ScanOptions, ScanResult, Sensitivity
from lookalike.core.scan import collect_result, run_scan
from tests import images


def library(root: Path) -> None:
    """Pictures with copies that the three levels tell apart differently."""
    for i in range(6):
        img = images.photo(300 + i, 480, 360)
        images.save(root / f"p{i}.jpg", img, quality=95)
        images.save(root / f"p{i}_half.jpg", images.resize(img, 0.5), quality=80)
        images.save(root / f"p{i}_bright.jpg", images.brightness(img, 1.2 + 0.05 * i))
        images.save(root / f"p{i}_crop.jpg", images.crop_border(img, 0.12 + 0.01 * i))
        images.save(root / f"p{i}_gray.jpg", images.grayscale(img))


def scan(root: Path, level: Sensitivity, cache: Path | None) -> ScanResult:
    options = ScanOptions(
        roots=(str(root),),
        sensitivity=level,
        workers=2,
        cache_path=str(cache) if cache else None,
    )
    return collect_result(options, run_scan(options))


def shape(result: ScanResult) -> set[frozenset[tuple[str, str, float]]]:
    return {
        frozenset((Path(m.path).name, m.match.value, m.score) for m in g.members)
        for g in result.groups
    }


def test_regroup_reads_fingerprints_and_pair_evidence_from_the_cache(tmp_path: Path) -> None:
    root = tmp_path / "photos"
    library(root)
    cache = tmp_path / "cache.sqlite3"
    first = scan(root, Sensitivity.NORMAL, cache)
    assert first.summary.decoded == first.summary.files == 30
    assert first.summary.measured > 0
    shapes = {}
    for level in (Sensitivity.STRICT, Sensitivity.LOOSE, Sensitivity.NORMAL):
        regroup = scan(root, level, cache)
        assert regroup.summary.decoded == 0, level
        again = scan(root, level, cache)
        assert again.summary.decoded == 0, level
        assert again.summary.measured == 0, level
        fresh = scan(root, level, None)  # no cache at all: every pair measured now
        assert fresh.summary.measured >= regroup.summary.measured
        assert shape(regroup) == shape(again) == shape(fresh), level
        shapes[level] = shape(regroup)
    assert len(set(map(frozenset, shapes.values()))) > 1  # the levels do group differently
    with sqlite3.connect(cache) as db:
        (pairs,) = db.execute("SELECT count(*) FROM pairs").fetchone()
    assert pairs > 0


def test_a_changed_file_is_measured_again(tmp_path: Path) -> None:
    root = tmp_path / "photos"
    library(root)
    cache = tmp_path / "cache.sqlite3"
    scan(root, Sensitivity.NORMAL, cache)
    images.save(root / "p0_bright.jpg", images.photo(999, 480, 360))  # another picture now
    after = scan(root, Sensitivity.NORMAL, cache)
    assert after.summary.decoded == 1
    assert not any(any(m.path.endswith("p0_bright.jpg") for m in g.members) for g in after.groups)
    assert shape(after) == shape(scan(root, Sensitivity.NORMAL, None))


def strict_after_normal(tmp_path: Path) -> tuple[Path, Path, ScanOptions]:
    """The library scanned at normal into a cache, and the options of a regroup at strict."""
    root = tmp_path / "photos"
    library(root)
    cache = tmp_path / "cache.sqlite3"
    scan(root, Sensitivity.NORMAL, cache)
    options = ScanOptions(
        roots=(str(root),), sensitivity=Sensitivity.STRICT, workers=2, cache_path=str(cache)
    )
    return root, cache, options


def test_a_first_visit_measures_the_pairs_it_guessed_together(tmp_path: Path) -> None:
    root, _, options = strict_after_normal(tmp_path)
    events = list(run_scan(options))
    result = collect_result(options, events)
    assert result.summary.decoded == 0
    assert result.summary.measured > 0  # strict asks about pairs normal never needed
    compared = [e for e in events if isinstance(e, Progress) and e.stage is Stage.VERIFY]
    assert compared[-1].done == compared[-1].total == result.summary.measured
    # Nothing guessed is ever shown: no group before the pairs were measured.
    first_group = next(i for i, e in enumerate(events) if isinstance(e, GroupFound))
    assert first_group > events.index(compared[-1])
    assert shape(result) == shape(scan(root, Sensitivity.STRICT, None))


def test_a_regroup_cancelled_while_comparing_shows_no_guess(tmp_path: Path) -> None:
    root, cache, options = strict_after_normal(tmp_path)
    cancel = CancelToken()
    events = []
    for event in run_scan(options, cancel):
        events.append(event)
        if isinstance(event, Progress) and event.stage is Stage.VERIFY:
            cancel.cancel()
    result = collect_result(options, events)
    assert result.summary.cancelled
    assert result.groups == ()  # every group read a guess: none is shown
    assert not multiprocessing.active_children()  # the verifier's processes are gone
    # The next regroup goes on from the cache the cancelled one left.
    again = scan(root, Sensitivity.STRICT, cache)
    assert shape(again) == shape(scan(root, Sensitivity.STRICT, None))
