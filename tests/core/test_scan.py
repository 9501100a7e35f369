"""The scan as a whole: bad inputs, events, cache, cancellation, crashes, the no-Qt rule."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from lookalike.cli import main
from lookalike.core.cancel import CancelToken
from lookalike.core.events import FileSkipped, Finished, GroupFound, Progress, Stage
from lookalike.core.matching.fingerprint import CRASH_MARKER_ENV
from lookalike.core.model import ScanMode, ScanOptions, ScanResult, SkipReason
from lookalike.core.scan import collect_result, run_scan
from tests import images
from tests.core.test_cache import copies_aside, spoil_inner_pages


def photos(
    folder: Path, count: int, copies: int = 1, size: tuple[int, int] = (320, 240)
) -> list[Path]:
    """``count`` different photos, each with ``copies`` half-size re-encoded copies."""
    out = []
    for i in range(count):
        img = images.photo(1000 + i, *size)
        out.append(images.save(folder / f"photo{i:03d}.jpg", img))
        for c in range(copies):
            images.save(
                folder / "copies" / f"photo{i:03d}-{c}.jpg", images.resize(img, 0.5), quality=70
            )
    return out


def scan(root: Path, **kw: object) -> ScanResult:
    options = ScanOptions(roots=(str(root),), workers=2, **kw)  # type: ignore[arg-type]
    return collect_result(options, run_scan(options))


def skipped_reasons(result: ScanResult) -> dict[str, SkipReason]:
    return {Path(s.path).name: s.reason for s in result.skipped}


def test_bad_files_are_skipped_with_reasons_and_never_grouped(tmp_path: Path) -> None:
    photos(tmp_path, 2)
    good = images.photo(5)
    (tmp_path / "empty.jpg").write_bytes(b"")
    images.write_truncated(tmp_path / "truncated.jpg", good)
    images.write_fake(tmp_path / "fake.jpg")
    images.write_bomb_png(tmp_path / "bomb.png")
    images.save(tmp_path / "tiny.png", good[:1, :1])
    images.save(tmp_path / "Ünïcødé фото 照片.jpg", images.photo(1000, 320, 240))
    deep = tmp_path / ("very long folder name " * 5).strip()
    deep = deep / ("and another long one " * 5).strip()
    images.save(deep / ("a long file name " * 8 + ".jpg"), images.photo(1001, 320, 240))

    result = scan(tmp_path)

    assert skipped_reasons(result) == {
        "empty.jpg": SkipReason.EMPTY,
        "truncated.jpg": SkipReason.DAMAGED,
        "fake.jpg": SkipReason.NOT_AN_IMAGE,
        "bomb.png": SkipReason.TOO_LARGE,
        "tiny.png": SkipReason.TOO_SMALL,
    }
    grouped = {Path(m.path).name for g in result.groups for m in g.members}
    assert "Ünïcødé фото 照片.jpg" in grouped
    assert any(name.startswith("a long file name") for name in grouped)
    assert not grouped & set(skipped_reasons(result))
    assert result.summary.skipped_by_reason["empty file"] == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_file_is_skipped(tmp_path: Path) -> None:
    (p,) = photos(tmp_path, 1, copies=0)
    p.chmod(0)
    assert skipped_reasons(scan(tmp_path)) == {p.name: SkipReason.PERMISSION}


def test_symlink_loops_and_links_never_repeat_a_file(tmp_path: Path) -> None:
    (p,) = photos(tmp_path / "a", 1)
    (tmp_path / "a" / "loop").symlink_to(tmp_path / "a", target_is_directory=True)
    (tmp_path / "self-loop.jpg").symlink_to(tmp_path / "self-loop.jpg")
    os.link(p, tmp_path / "hardlink.jpg")
    (tmp_path / "symlink.jpg").symlink_to(p)

    for follow in (False, True):
        # The root is given twice, and once more through its parent: overlapping roots.
        options = ScanOptions(
            roots=(str(tmp_path), str(tmp_path / "a"), str(tmp_path)), follow_symlinks=follow
        )
        result = collect_result(options, run_scan(options))
        reasons = skipped_reasons(result)
        assert reasons["self-loop.jpg"] is SkipReason.LINK_LOOP
        # Files of a folder come before its subfolders: the hard link is met first, then the
        # original path is the same file again. A symlink is never a member.
        same = {name for name, reason in reasons.items() if reason is SkipReason.SAME_FILE}
        assert same == {"photo000.jpg"}
        assert reasons["symlink.jpg"] is SkipReason.SYMLINK
        (group,) = result.groups
        assert len(group.members) == 2  # the photo and its real copy, each once
        assert result.summary.files == 2


def test_a_symlink_is_never_kept_counted_or_trashed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The folder's only real copy of a picture, and a link (sorting first, so it would make the
    # better keeper by name) to an identical file outside the folder.
    folder, outside = tmp_path / "photos", tmp_path / "elsewhere"
    (real,) = photos(folder, 1, copies=0)
    outside.mkdir()
    shutil.copyfile(real, outside / "copy.jpg")
    (folder / "a-link.jpg").symlink_to(outside / "copy.jpg")
    (folder / "b-link-in.jpg").symlink_to(real)
    for mode in ScanMode:
        result = scan(folder, mode=mode)
        assert result.groups == ()
        assert result.summary.reclaimable_bytes == 0
        assert skipped_reasons(result) == {
            "a-link.jpg": SkipReason.SYMLINK,
            "b-link-in.jpg": SkipReason.SYMLINK,
        }
    assert main(["clean", str(folder), "--yes", "--no-cache"]) == 0
    assert real.exists()
    assert (folder / "a-link.jpg").is_symlink()
    assert (outside / "copy.jpg").exists()
    assert "trashed" not in capsys.readouterr().out


def test_hidden_and_junk_folders_are_skipped_by_default(tmp_path: Path) -> None:
    img = images.photo(3, 320, 240)
    images.save(tmp_path / "photo.jpg", img)
    for junk in (".hidden", ".Trash-1000", "@eaDir", ".thumbnails"):
        images.save(tmp_path / junk / "photo.jpg", img)
    assert scan(tmp_path).groups == ()
    assert len(scan(tmp_path, include_hidden=True).groups) == 1


def test_events_report_every_group_and_finish_last(tmp_path: Path) -> None:
    photos(tmp_path, 12)
    events = list(run_scan(ScanOptions(roots=(str(tmp_path),), workers=2)))
    assert isinstance(events[-1], Finished)
    assert sum(isinstance(e, Finished) for e in events) == 1
    stages = [e.stage for e in events if isinstance(e, Progress)]
    assert stages.index(Stage.WALK) < stages.index(Stage.FINGERPRINT) < stages.index(Stage.DONE)
    found = [e.group for e in events if isinstance(e, GroupFound)]
    assert len(found) == 12
    summary = events[-1].summary
    assert (summary.files, summary.groups, summary.duplicates, summary.decoded) == (24, 12, 12, 24)
    assert summary.reclaimable_bytes == sum(g.reclaimable_bytes for g in found)


def test_groups_stream_while_pictures_are_still_being_analysed(tmp_path: Path) -> None:
    # Each photo sits next to its copy, so pairs complete from the first files on.
    for i in range(40):
        img = images.photo(2000 + i, 1024, 768)
        images.save(tmp_path / f"p{i:02d}.jpg", img)
        images.save(tmp_path / f"p{i:02d}-small.jpg", images.resize(img, 0.5))
    events = list(run_scan(ScanOptions(roots=(str(tmp_path),), workers=1)))
    first_group = next(i for i, e in enumerate(events) if isinstance(e, GroupFound))
    still_working = [
        i
        for i, e in enumerate(events)
        if isinstance(e, Progress) and e.stage is Stage.FINGERPRINT and 0 < e.done < e.total
    ]
    assert still_working
    assert first_group < still_working[-1]


def test_groups_do_not_depend_on_file_order(tmp_path: Path) -> None:
    photos(tmp_path / "x", 4, copies=2)
    first = scan(tmp_path / "x")
    shutil.move(tmp_path / "x" / "copies", tmp_path / "0-copies-first")
    shutil.move(tmp_path / "x", tmp_path / "z")
    second = scan(tmp_path)

    def shape(r: ScanResult) -> set[tuple[str, frozenset[str]]]:
        return {
            (Path(g.keeper.path).name, frozenset(Path(m.path).name for m in g.members))
            for g in r.groups
        }

    assert shape(first) == shape(second)


def test_rescan_uses_the_cache_and_decodes_nothing(tmp_path: Path) -> None:
    photos(tmp_path / "p", 6)
    shutil.copy(tmp_path / "p" / "photo000.jpg", tmp_path / "p" / "same-bytes.jpg")
    cache = str(tmp_path / "cache.sqlite3")
    cold = scan(tmp_path / "p", cache_path=cache)
    warm = scan(tmp_path / "p", cache_path=cache)
    assert cold.summary.decoded == 13
    assert (warm.summary.decoded, warm.summary.cached) == (0, 13)
    assert warm.groups == cold.groups

    # A changed file is decoded again; the others still come from the cache.
    images.save(tmp_path / "p" / "photo001.jpg", images.photo(77, 320, 240))
    third = scan(tmp_path / "p", cache_path=cache)
    assert third.summary.decoded == 1
    exact = scan(tmp_path / "p", cache_path=cache, mode=ScanMode.EXACT)
    assert len(exact.groups) == 1


def members(result: ScanResult) -> set[frozenset[str]]:
    return {frozenset(Path(m.path).name for m in g.members) for g in result.groups}


def test_an_unchanged_rescan_takes_its_candidate_pairs_from_the_cache(tmp_path: Path) -> None:
    """A rescan of the same pictures reads the candidate pairs the last scan found instead of
    searching; any change of the picture set searches again."""
    photos(tmp_path / "p", 5)
    cache = str(tmp_path / "cache.sqlite3")
    cold = scan(tmp_path / "p", cache_path=cache)
    assert len(cold.groups) == 5
    with sqlite3.connect(cache) as db:
        (stored,) = db.execute("SELECT pairs FROM candidate_sets").fetchone()
    assert len(stored) >= 5 * 8  # at least the five pairs, two int32 positions each
    assert members(scan(tmp_path / "p", cache_path=cache)) == members(cold)

    # The pairs kept are the ones used: with them emptied, the same files form no group ...
    with sqlite3.connect(cache) as db:
        db.execute("UPDATE candidate_sets SET pairs = x''")
    assert scan(tmp_path / "p", cache_path=cache).groups == ()
    # ... a damaged row is searched again, and so is a set with a picture more.
    with sqlite3.connect(cache) as db:
        db.execute("UPDATE candidate_sets SET pairs = x'0102'")
    assert members(scan(tmp_path / "p", cache_path=cache)) == members(cold)
    with sqlite3.connect(cache) as db:
        db.execute("UPDATE candidate_sets SET pairs = x''")
    images.save(tmp_path / "p" / "other.jpg", images.photo(99, 320, 240))
    assert members(scan(tmp_path / "p", cache_path=cache)) == members(cold)


def test_corrupt_cache_is_set_aside_and_rebuilt(tmp_path: Path) -> None:
    photos(tmp_path / "p", 2)
    cache = tmp_path / "cache.sqlite3"
    cache.write_bytes(b"this is not a database" * 100)
    result = scan(tmp_path / "p", cache_path=str(cache))
    assert len(result.groups) == 2
    assert list(tmp_path.glob("cache.sqlite3.corrupt-*"))
    with sqlite3.connect(cache) as db:
        assert db.execute("SELECT COUNT(*) FROM files").fetchone()[0] == 4


def test_a_cache_damaged_inside_is_rebuilt_during_the_scan(tmp_path: Path) -> None:
    photos(tmp_path / "p", 12)
    cache = tmp_path / "cache.sqlite3"
    first = scan(tmp_path / "p", cache_path=str(cache))
    spoil_inner_pages(cache)
    damaged = scan(tmp_path / "p", cache_path=str(cache))
    assert len(damaged.groups) == len(first.groups) == 12
    assert damaged.summary.decoded == 24  # nothing could be trusted: all decoded again
    assert len(copies_aside(tmp_path)) == 1
    rescan = scan(tmp_path / "p", cache_path=str(cache))
    assert (rescan.summary.decoded, rescan.summary.cached) == (0, 24)  # rebuilt, and used
    spoil_inner_pages(cache)
    scan(tmp_path / "p", cache_path=str(cache))
    assert len(copies_aside(tmp_path)) == 1  # only the latest damaged copy is kept


def test_unusable_files_are_remembered_until_they_change(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    photos(folder, 2, copies=0)
    for i in range(20):
        (folder / f"fake{i:02d}.jpg").write_text("this is text, not a picture\n" * 200)
    images.write_truncated(folder / "cut.jpg", images.photo(7, 320, 240))
    cache = str(tmp_path / "cache.sqlite3")
    first = scan(folder, cache_path=cache)
    assert first.summary.files == 2  # the pictures compared; the 21 others are skipped
    assert first.summary.skipped == 21
    # A fake made a real picture of the same size, its date put back: the cache still knows it
    # as "not an image" (keyed by size and date), so it is not opened again...
    fake = folder / "fake00.jpg"
    st = fake.stat()
    real = images.jpeg_bytes(images.photo(8, 64, 48))
    assert len(real) <= st.st_size
    fake.write_bytes(real + b"\0" * (st.st_size - len(real)))
    os.utime(fake, ns=(st.st_atime_ns, st.st_mtime_ns))
    again = scan(folder, cache_path=cache)
    assert skipped_reasons(again) == skipped_reasons(first)
    assert (again.summary.decoded, again.summary.cached) == (0, 2)
    # ... and is tried again once its date changes.
    os.utime(fake, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    touched = scan(folder, cache_path=cache)
    assert "fake00.jpg" not in skipped_reasons(touched)
    assert (touched.summary.decoded, touched.summary.files) == (1, 3)


def test_cancel_stops_promptly_and_still_finishes(tmp_path: Path) -> None:
    # Photos big enough to take several pool chunks (1 MB each) and longer to fingerprint than
    # the progress interval, so the cancel lands while chunks are still waiting.
    photos(tmp_path, 60, copies=1, size=(1024, 768))
    cancel = CancelToken()
    events = []
    for event in run_scan(
        ScanOptions(roots=(str(tmp_path),), workers=2, cache_path=str(tmp_path / "c.db")), cancel
    ):
        events.append(event)
        if isinstance(event, Progress) and event.stage is Stage.FINGERPRINT and event.done >= 8:
            cancel.cancel()
    final = events[-1]
    assert isinstance(final, Finished)
    assert final.summary.cancelled
    assert final.summary.decoded < 120
    # What was done is in the cache, consistent: the next scan reuses it.
    again = scan(tmp_path, cache_path=str(tmp_path / "c.db"))
    assert again.summary.cached >= final.summary.decoded
    assert len(again.groups) == 60


def test_cancel_from_another_thread(tmp_path: Path) -> None:
    photos(tmp_path, 40, size=(640, 480))
    cancel = CancelToken()
    timer = threading.Timer(0.3, cancel.cancel)
    timer.start()
    events = list(run_scan(ScanOptions(roots=(str(tmp_path),), workers=1), cancel))
    timer.join()
    assert isinstance(events[-1], Finished)


def test_a_crashing_decoder_costs_one_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    photos(tmp_path, 10)
    images.save(tmp_path / "CRASHME.jpg", images.photo(5, 320, 240))
    monkeypatch.setenv(CRASH_MARKER_ENV, "CRASHME")
    result = scan(tmp_path)
    assert skipped_reasons(result) == {"CRASHME.jpg": SkipReason.DECODER_CRASH}
    assert len(result.groups) == 10


def test_file_vanishing_mid_scan_is_reported(tmp_path: Path) -> None:
    photos(tmp_path, 30, size=(640, 480))
    victim = tmp_path / "copies" / "photo029-0.jpg"
    events = []
    for event in run_scan(ScanOptions(roots=(str(tmp_path),), workers=1)):
        if isinstance(event, Progress) and event.stage is Stage.FINGERPRINT and victim.exists():
            victim.unlink()
        events.append(event)
    skipped = [e.skipped for e in events if isinstance(e, FileSkipped)]
    assert [(Path(s.path).name, s.reason) for s in skipped] == [(victim.name, SkipReason.VANISHED)]


def test_engine_never_imports_qt() -> None:
    code = (
        "import pkgutil, importlib, sys, lookalike.core\n"
        "for m in pkgutil.iter_modules(lookalike.core.__path__):\n"
        "    importlib.import_module('lookalike.core.' + m.name)\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_heic_without_its_decoder_says_how_to_get_it(tmp_path: Path) -> None:
    try:
        import pillow_heif  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("pillow-heif is installed here")
    (tmp_path / "IMG_0001.HEIC").write_bytes(
        b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00" + bytes(200)
    )
    (skipped,) = scan(tmp_path).skipped
    assert skipped.reason is SkipReason.UNSUPPORTED
    assert "lookalike[heif]" in skipped.detail
