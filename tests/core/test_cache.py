"""The fingerprint cache on its own: what it serves back, what it refuses, and how it survives a
bad file or a second instance."""

from __future__ import annotations

import dataclasses
import itertools
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from lookalike.core.cache import SLIM_SIGNATURE, FingerprintCache, pairs_query
from lookalike.core.matching.fingerprint import ALGORITHM_VERSION, Fingerprint, fingerprint_bytes
from lookalike.core.model import NO_ORIGIN, ImageFile, Skipped, SkipReason
from tests import images


def image_file(path: Path) -> ImageFile:
    st = os.stat(path)
    return ImageFile(str(path), st.st_size, st.st_mtime_ns, st.st_ino)


@pytest.fixture
def photo(tmp_path: Path) -> tuple[ImageFile, Fingerprint]:
    path = images.save(tmp_path / "photos" / "p.jpg", images.photo(51, 320, 240))
    return image_file(path), fingerprint_bytes(str(path), path.read_bytes(), True)


def test_what_is_stored_comes_back_in_a_new_instance(
    tmp_path: Path, photo: tuple[ImageFile, Fingerprint]
) -> None:
    f, fp = photo
    cache = FingerprintCache(str(tmp_path / "c" / "cache.sqlite3"))  # its folder is made
    cache.store([f], {}, {f.path: fp})
    cache.close()
    again = FingerprintCache(cache.path)
    hashes, prints, _ = again.lookup([f])
    again.close()
    assert prints == {f.path: fp}  # every field, hashes and signature bytes included
    assert hashes == {f.path: fp.content_hash}


def test_a_content_hash_alone_is_kept_too(tmp_path: Path) -> None:
    path = images.save(tmp_path / "a.png", images.photo(52, 64, 48))
    f = image_file(path)
    cache = FingerprintCache(str(tmp_path / "cache.sqlite3"))
    cache.store([f], {f.path: "ab" * 20}, {})
    assert cache.lookup([f]) == ({f.path: "ab" * 20}, {}, {})
    cache.close()


@pytest.mark.parametrize(
    "change",
    [{"size": 1}, {"mtime_ns": 1}, {"inode": 1}],
    ids=["size", "mtime", "inode"],
)
def test_a_changed_file_is_never_served_a_stale_entry(
    tmp_path: Path, photo: tuple[ImageFile, Fingerprint], change: dict[str, int]
) -> None:
    f, fp = photo
    cache = FingerprintCache(str(tmp_path / "cache.sqlite3"))
    cache.store([f], {}, {f.path: fp})
    moved = dataclasses.replace(f, **{k: getattr(f, k) + v for k, v in change.items()})
    assert cache.lookup([moved]) == ({}, {}, {})
    assert cache.lookup([f])[1] == {f.path: fp}  # the unchanged file is still served
    cache.close()


def test_fingerprints_of_another_algorithm_are_recomputed_but_hashes_kept(
    tmp_path: Path, photo: tuple[ImageFile, Fingerprint]
) -> None:
    f, fp = photo
    cache = FingerprintCache(str(tmp_path / "cache.sqlite3"))
    cache.store([f], {}, {f.path: fp})
    cache.close()
    with sqlite3.connect(cache.path) as db:  # as an older Lookalike would have left it
        db.execute("UPDATE files SET fp_version = ?", (ALGORITHM_VERSION - 1,))
    again = FingerprintCache(cache.path)
    assert again.lookup([f]) == ({f.path: fp.content_hash}, {}, {})
    again.close()


def test_lookups_of_many_files_at_once(tmp_path: Path) -> None:
    # More paths than one SQL statement takes: the lookup goes in batches.
    f = ImageFile(str(tmp_path / "p.jpg"), 10, 20, 30)
    files = [dataclasses.replace(f, path=f"{f.path}.{n}") for n in range(1234)]
    cache = FingerprintCache(str(tmp_path / "cache.sqlite3"))
    cache.store(files, {g.path: f"{n:040x}" for n, g in enumerate(files)}, {})
    hashes = cache.lookup(files).hashes
    cache.close()
    assert hashes == {g.path: f"{n:040x}" for n, g in enumerate(files)}


def _foreign_database(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE files (name TEXT, colour TEXT)")
        db.execute("INSERT INTO files VALUES ('x', 'blue')")


def _newer_schema(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version=99")


@pytest.mark.parametrize(
    "spoil",
    [
        lambda p: p.write_bytes(b"this is not a database" * 100),
        lambda p: p.write_bytes(b""),
        _foreign_database,
        _newer_schema,
    ],
    ids=["garbage", "empty", "foreign", "newer"],
)
def test_an_unusable_cache_file_is_set_aside_and_rebuilt(
    tmp_path: Path, photo: tuple[ImageFile, Fingerprint], spoil: object
) -> None:
    f, fp = photo
    path = tmp_path / "cache.sqlite3"
    assert callable(spoil)
    spoil(path)
    before = path.read_bytes()
    cache = FingerprintCache(str(path))
    cache.store([f], {}, {f.path: fp})
    assert cache.lookup([f])[1] == {f.path: fp}
    cache.close()
    if not before:
        return  # an empty file is a valid empty database: nothing to keep aside
    (aside,) = tmp_path.glob("cache.sqlite3.corrupt-*")
    assert aside.read_bytes() == before  # kept as it was, for a bug report


_WRITER = """
import sys
from lookalike.core.cache import SLIM_SIGNATURE, FingerprintCache, pairs_query
from lookalike.core.model import ImageFile, Skipped, SkipReason
path, tag = sys.argv[1], sys.argv[2]
cache = FingerprintCache(path)
for n in range(200):  # one transaction each: many chances to meet the other writer
    f = ImageFile(f"/{tag}/{n}.jpg", n, n, n)
    cache.store([f], {f.path: f"{tag}{n}"}, {})
cache.close()
"""


def test_two_instances_write_at_once_without_losing_anything(tmp_path: Path) -> None:
    path = str(tmp_path / "cache.sqlite3")
    FingerprintCache(path).close()  # created once, as the first instance would
    writers = [
        subprocess.Popen([sys.executable, "-c", _WRITER, path, tag], stderr=subprocess.PIPE)
        for tag in ("a", "b")
    ]
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err.decode()
    files = [ImageFile(f"/{tag}/{n}.jpg", n, n, n) for tag in ("a", "b") for n in range(200)]
    cache = FingerprintCache(path)
    hashes = cache.lookup(files).hashes
    cache.close()
    assert hashes == {f.path: f.path.split("/")[1] + str(f.size) for f in files}
    assert not list(tmp_path.glob("*.corrupt-*"))


def test_a_name_that_is_not_utf8_is_cached_like_any_other(
    tmp_path: Path, photo: tuple[ImageFile, Fingerprint]
) -> None:
    f, fp = photo
    odd = os.fsdecode(os.fsencode(f.path)[: -len("p.jpg")] + b"b\xc3(.jpg")  # invalid UTF-8
    os.rename(f.path, odd)
    g = image_file(Path(odd))
    fp = dataclasses.replace(fp, path=g.path)
    cache = FingerprintCache(str(tmp_path / "cache.sqlite3"))
    cache.store([g], {}, {g.path: fp})
    cache.close()
    again = FingerprintCache(cache.path)
    assert again.lookup([g]).prints == {g.path: fp}
    again.close()


def test_skips_are_remembered_until_the_file_or_the_rules_change(tmp_path: Path) -> None:
    files = {
        reason: image_file(images.write_fake(tmp_path / f"{reason.name}.jpg"))
        for reason in (SkipReason.NOT_AN_IMAGE, SkipReason.DAMAGED, SkipReason.UNSUPPORTED)
    }
    skips = {f.path: Skipped(f.path, r, "detail \udcff") for r, f in files.items()}
    cache = FingerprintCache(str(tmp_path / "cache.sqlite3"))
    cache.store(files.values(), {}, {}, skips)
    remembered = cache.lookup(list(files.values())).skips
    # A missing decoder may be installed later: that skip is not remembered.
    assert remembered == {p: s for p, s in skips.items() if "UNSUPPORTED" not in p}
    damaged = files[SkipReason.DAMAGED]
    for change in ({"size": 1}, {"mtime_ns": 1}):
        changed = dataclasses.replace(
            damaged, **{k: getattr(damaged, k) + v for k, v in change.items()}
        )
        assert cache.lookup([changed]).skips == {}
    cache.close()
    with sqlite3.connect(cache.path) as db:  # judged by other rules or decoders than today's
        db.execute("UPDATE files SET skip_stamp = 'rules 0, pillow 1, opencv 2'")
    again = FingerprintCache(cache.path)
    assert again.lookup(list(files.values())).skips == {}
    again.close()


def test_a_version_1_cache_is_migrated_and_keeps_its_entries(
    tmp_path: Path, photo: tuple[ImageFile, Fingerprint]
) -> None:
    f, fp = photo
    path = tmp_path / "cache.sqlite3"
    with sqlite3.connect(path) as db:  # as Lookalike 0.1 left it: text keys, no skips
        db.execute(
            "CREATE TABLE files (path TEXT PRIMARY KEY, size INTEGER NOT NULL,"
            " mtime_ns INTEGER NOT NULL, inode INTEGER NOT NULL, content_hash TEXT,"
            " fp_version INTEGER, width INTEGER, height INTEGER, format TEXT, taken TEXT,"
            " camera TEXT, has_exif INTEGER, hashes BLOB, signature BLOB)"
        )
        db.execute(
            "INSERT INTO files VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (f.path, f.size, f.mtime_ns, f.inode, fp.content_hash, ALGORITHM_VERSION, fp.width,
             fp.height, fp.format, fp.taken, fp.camera, int(fp.has_exif), fp.hashes,
             fp.signature),
        )  # fmt: skip
        db.execute("PRAGMA user_version=1")
    cache = FingerprintCache(str(path))
    # A file of that version holds no origin facts (the keeper rank's): served without them.
    assert cache.lookup([f]).prints == {f.path: dataclasses.replace(fp, origin=NO_ORIGIN)}
    cache.close()
    assert not list(tmp_path.glob("*.corrupt-*"))


def many_entries(cache: FingerprintCache, n: int = 400) -> list[ImageFile]:
    files = [ImageFile(f"/p/{i}.jpg", i, i, i) for i in range(n)]
    prints = {
        f.path: Fingerprint(f.path, 10, 10, "JPEG", "", "", False, b"h" * 72, b"s" * 512)
        for f in files
    }
    cache.store(files, {}, prints)
    return files


def spoil_inner_pages(path: Path) -> None:
    """Overwrite the last quarter of the database's pages: the file still opens (its header and
    first pages are fine), and SQLite finds the damage only when a query reaches them."""
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    pages = len(data) // page
    assert pages >= 8
    for n in range(pages - pages // 4, pages):
        data[n * page : (n + 1) * page] = b"\xde\xad\xbe\xef" * (page // 4)
    path.write_bytes(bytes(data))


def copies_aside(folder: Path) -> list[Path]:
    """The damaged databases set aside (each may have its -wal and -shm beside it)."""
    found = folder.glob("cache.sqlite3.corrupt-*")
    return [p for p in found if not p.name.endswith(("-wal", "-shm"))]


def test_damage_found_during_use_sets_the_cache_aside_once_and_rebuilds_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "cache.sqlite3"
    for round_ in range(2):
        cache = FingerprintCache(str(path))
        files = many_entries(cache)
        cache.close()
        spoil_inner_pages(path)
        cache = FingerprintCache(str(path))  # opens: nothing wrong is seen yet
        assert len(copies_aside(tmp_path)) == round_
        assert cache.lookup(files) == ({}, {}, {})  # the damage met, set aside, rebuilt empty
        many_entries(cache)  # the rebuilt cache takes the scan's results
        cache.close()
        again = FingerprintCache(str(path))
        assert len(again.lookup(files).prints) == len(files)
        again.close()
        # Only the latest damaged copy is kept.
        (aside,) = copies_aside(tmp_path)
        with pytest.raises(sqlite3.DatabaseError), sqlite3.connect(aside) as db:
            db.execute("SELECT * FROM files").fetchall()


def test_damage_found_again_after_the_rebuild_is_an_error_not_a_loop(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    cache = FingerprintCache(str(path))
    files = many_entries(cache)
    cache.close()
    spoil_inner_pages(path)
    cache = FingerprintCache(str(path))
    cache.lookup(files)  # rebuilt once
    many_entries(cache)
    cache.close()
    spoil_inner_pages(path)
    cache = FingerprintCache(str(path))
    cache._rebuilt = True  # as if the same instance met damage a second time
    with pytest.raises(sqlite3.DatabaseError, match="malformed"):
        cache.lookup(files)
    cache.close()


def test_pair_evidence_keyed_by_names_that_are_not_utf8_comes_back(tmp_path: Path) -> None:
    odd = os.fsdecode(b"/p/b\xc3(.jpg") + ":1:2"  # a picture key made of a path, size and time
    plain = "0123abcd" * 5
    cache = FingerprintCache(str(tmp_path / "cache.sqlite3"))
    cache.store_pairs("v1", [(odd, plain, (0.5, 2.0))])
    assert cache.lookup_pairs("v1", [(odd, plain)]) == {(odd, plain): (0.5, 2.0)}
    assert cache.pairs_among("v1", [odd, plain]) == {(odd, plain): (0.5, 2.0)}
    cache.close()


def test_a_rescan_holds_pair_evidence_compactly(tmp_path: Path) -> None:
    # Hundreds of thousands of pairs come back at a rescan: their keys are the caller's own
    # strings and equal measurements share one number object, while -0.0 stays -0.0.
    keys = [f"{i:040x}" for i in range(30)]
    pairs = list(itertools.pairwise(keys))
    rows = [(a, b, (1.0, 0.0, -0.0, 0.25 * (i % 3))) for i, (a, b) in enumerate(pairs)]
    cache = FingerprintCache(str(tmp_path / "cache.sqlite3"))
    cache.store_pairs("v1", rows)
    asked = [k.encode().decode() for k in keys]  # equal strings, other objects
    found = cache.pairs_among("v1", asked)
    cache.close()
    assert found == {(a, b): e for a, b, e in rows}
    mine = {id(k) for k in asked}
    assert all(id(a) in mine and id(b) in mine for a, b in found)
    values = list(found.values())
    assert len({id(e[0]) for e in values}) == 1
    assert len({id(e[3]) for e in values}) == 3
    assert all(str(e[2]) == "-0.0" and str(e[1]) == "0.0" for e in values)


def test_a_slim_lookup_leaves_out_what_only_the_search_reads(
    tmp_path: Path, photo: tuple[ImageFile, Fingerprint]
) -> None:
    f, fp = photo
    flat = image_file(images.save(tmp_path / "flat.png", np.full((64, 64, 3), 128, np.uint8)))
    flat_fp = fingerprint_bytes(flat.path, Path(flat.path).read_bytes(), True)
    assert isinstance(flat_fp, Fingerprint)
    assert not flat_fp.signature  # a flat picture: not searched
    cache = FingerprintCache(str(tmp_path / "cache.sqlite3"))
    cache.store([f, flat], {}, {f.path: fp, flat.path: flat_fp})
    prints = cache.lookup([f, flat], slim=True).prints
    assert prints[f.path] == dataclasses.replace(fp, hashes=b"", signature=SLIM_SIGNATURE)
    assert prints[flat.path] == dataclasses.replace(flat_fp, hashes=b"")
    assert cache.lookup([f, flat]).prints == {f.path: fp, flat.path: flat_fp}
    cache.close()


def test_pair_lookups_search_the_key_rather_than_scan_the_table(tmp_path: Path) -> None:
    # A cold scan asks after every pair before measuring it while the table grows: a scan of
    # the table per question would cost the square of the pairs.
    cache = FingerprintCache(str(tmp_path / "cache.sqlite3"))
    rows = [(f"a{i}", f"b{i}", (float(i),)) for i in range(50)]
    cache.store_pairs("v1", rows)
    wanted = [("a3", "b3"), ("a7", "b7"), ("a7", "b8")]
    assert cache.lookup_pairs("v1", wanted) == {("a3", "b3"): (3.0,), ("a7", "b7"): (7.0,)}
    cache.close()
    with sqlite3.connect(cache.path) as db:
        keys = [k.encode() for pair in wanted for k in pair]
        plan = db.execute(f"EXPLAIN QUERY PLAN {pairs_query(3)}", [*keys, "v1"]).fetchall()
    steps = [row[-1] for row in plan]
    assert any(s.startswith("SEARCH p USING PRIMARY KEY") for s in steps), steps
    assert not any(s.startswith("SCAN p") for s in steps), steps
