"""The fingerprint cache on its own: what it serves back, what it refuses, and how it survives a
bad file or a second instance."""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from lookalike.core.cache import FingerprintCache
from lookalike.core.matching.fingerprint import ALGORITHM_VERSION, Fingerprint, fingerprint_bytes
from lookalike.core.model import ImageFile
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
    hashes, prints = again.lookup([f])
    again.close()
    assert prints == {f.path: fp}  # every field, hashes and signature bytes included
    assert hashes == {f.path: fp.content_hash}


def test_a_content_hash_alone_is_kept_too(tmp_path: Path) -> None:
    path = images.save(tmp_path / "a.png", images.photo(52, 64, 48))
    f = image_file(path)
    cache = FingerprintCache(str(tmp_path / "cache.sqlite3"))
    cache.store([f], {f.path: "ab" * 20}, {})
    assert cache.lookup([f]) == ({f.path: "ab" * 20}, {})
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
    assert cache.lookup([moved]) == ({}, {})
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
    assert again.lookup([f]) == ({f.path: fp.content_hash}, {})
    again.close()


def test_lookups_of_many_files_at_once(tmp_path: Path) -> None:
    # More paths than one SQL statement takes: the lookup goes in batches.
    f = ImageFile(str(tmp_path / "p.jpg"), 10, 20, 30)
    files = [dataclasses.replace(f, path=f"{f.path}.{n}") for n in range(1234)]
    cache = FingerprintCache(str(tmp_path / "cache.sqlite3"))
    cache.store(files, {g.path: f"{n:040x}" for n, g in enumerate(files)}, {})
    hashes, _ = cache.lookup(files)
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
from lookalike.core.cache import FingerprintCache
from lookalike.core.model import ImageFile
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
    hashes, _ = cache.lookup(files)
    cache.close()
    assert hashes == {f.path: f.path.split("/")[1] + str(f.size) for f in files}
    assert not list(tmp_path.glob("*.corrupt-*"))
