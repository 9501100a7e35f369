"""The SQLite fingerprint cache: content hashes and fingerprints of files seen before, and what
the verifier measured about pairs of pictures.

Files are keyed by path and checked against size, mtime_ns and inode, so a changed file is never
served a stale entry. Pairs are keyed by the two pictures' keys (a content digest, or a path with
its size and time: either changes when the file does) and the evidence's version, so a rescan or
a regroup at another sensitivity never measures a pair twice. A corrupt or foreign cache file is
set aside and rebuilt, never a crash; WAL mode and a busy timeout let two running instances
share it.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from array import array
from collections.abc import Iterable, Sequence

from lookalike.core.matching.fingerprint import ALGORITHM_VERSION, Fingerprint
from lookalike.core.model import ImageFile

log = logging.getLogger(__name__)

_SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    inode INTEGER NOT NULL,
    content_hash TEXT,
    fp_version INTEGER,
    width INTEGER, height INTEGER, format TEXT, taken TEXT, camera TEXT, has_exif INTEGER,
    hashes BLOB, signature BLOB
)
"""
_PAIRS_SCHEMA = """
CREATE TABLE IF NOT EXISTS pairs (
    first TEXT NOT NULL, second TEXT NOT NULL, version TEXT NOT NULL, evidence BLOB NOT NULL,
    PRIMARY KEY (first, second, version)
) WITHOUT ROWID
"""
_BATCH = 500  # SQLite's variable limit is 32766; stay far below it


class FingerprintCache:
    """Look up and store per-file results. Use from one thread (the scan's)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._db = self._open()
        self._pruned = False

    def _open(self) -> sqlite3.Connection:
        os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
        try:
            return self._connect()
        except sqlite3.DatabaseError as exc:
            aside = f"{self.path}.corrupt-{int(time.time())}"
            log.warning("cache %s is unusable (%s); moved to %s", self.path, exc, aside)
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(self.path + suffix):
                    os.replace(self.path + suffix, aside + suffix)
            return self._connect()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, _SCHEMA_VERSION):
                raise sqlite3.DatabaseError(f"unknown cache schema version {version}")
            db.execute(_SCHEMA)
            db.execute(
                "SELECT path, size, mtime_ns, inode, content_hash, fp_version, width, height,"
                " format, taken, camera, has_exif, hashes, signature FROM files LIMIT 1"
            )
            # Stamped only once the file proved to be ours: a foreign one is set aside unchanged.
            db.execute(_PAIRS_SCHEMA)
            db.execute(f"PRAGMA user_version={_SCHEMA_VERSION}")
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def close(self) -> None:
        self._db.close()

    def lookup(self, files: Sequence[ImageFile]) -> tuple[dict[str, str], dict[str, Fingerprint]]:
        """Content hashes and fingerprints cached for these files, by path, where still valid."""
        hashes: dict[str, str] = {}
        prints: dict[str, Fingerprint] = {}
        by_path = {f.path: f for f in files}
        paths = list(by_path)
        for i in range(0, len(paths), _BATCH):
            chunk = paths[i : i + _BATCH]
            rows = self._db.execute(
                "SELECT path, size, mtime_ns, inode, content_hash, fp_version, width, height,"
                " format, taken, camera, has_exif, hashes, signature FROM files"
                f" WHERE path IN ({','.join('?' * len(chunk))})",
                chunk,
            ).fetchall()
            for (
                path,
                size,
                mtime_ns,
                inode,
                chash,
                version,
                w,
                h,
                fmt,
                taken,
                cam,
                exif,
                hs,
                sig,
            ) in rows:
                f = by_path[path]
                if (size, mtime_ns, inode) != (f.size, f.mtime_ns, f.inode):
                    continue
                if chash:
                    hashes[path] = chash
                if version == ALGORITHM_VERSION and hs is not None:
                    prints[path] = Fingerprint(
                        path, w, h, fmt, taken, cam, bool(exif), hs, sig, chash or ""
                    )
        return hashes, prints

    def store(
        self, files: Iterable[ImageFile], hashes: dict[str, str], prints: dict[str, Fingerprint]
    ) -> None:
        """Save everything known of these files (one transaction), replacing older entries.

        Pass all that is known, cached or new: a row is rewritten whole.
        """
        rows = []
        for f in files:
            fp = prints.get(f.path)
            chash = hashes.get(f.path) or (fp.content_hash if fp else "") or None
            if fp is None and chash is None:
                continue
            rows.append((
                f.path, f.size, f.mtime_ns, f.inode, chash,
                ALGORITHM_VERSION if fp else None,
                fp.width if fp else None, fp.height if fp else None, fp.format if fp else None,
                fp.taken if fp else None, fp.camera if fp else None,
                int(fp.has_exif) if fp else None, fp.hashes if fp else None,
                fp.signature if fp else None,
            ))  # fmt: skip
        if not rows:
            return
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT OR REPLACE INTO files VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows
            )

    def lookup_pairs(
        self, version: str, keys: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], tuple[float, ...]]:
        """The evidence stored for these pairs of picture keys, where this version has some."""
        found: dict[tuple[str, str], tuple[float, ...]] = {}
        step = _BATCH // 2
        for i in range(0, len(keys), step):
            chunk = keys[i : i + step]
            rows = self._db.execute(
                "SELECT first, second, evidence FROM pairs WHERE version = ? AND (first, second)"
                f" IN (VALUES {','.join(['(?,?)'] * len(chunk))})",
                [version, *(k for pair in chunk for k in pair)],
            ).fetchall()
            found.update(_evidence_rows(rows))
        return found

    def pairs_among(
        self, version: str, keys: Iterable[str]
    ) -> dict[tuple[str, str], tuple[float, ...]]:
        """All the evidence this version stored for pairs of these picture keys (one query: a
        rescan fetches what it needs at once instead of pair by pair)."""
        db = self._db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (key TEXT PRIMARY KEY) WITHOUT ROWID")
        try:
            db.executemany("INSERT OR IGNORE INTO temp.wanted VALUES (?)", ((k,) for k in keys))
            rows = db.execute(
                "SELECT p.first, p.second, p.evidence FROM pairs p JOIN temp.wanted w"
                " ON p.first = w.key WHERE p.version = ?"
                " AND p.second IN (SELECT key FROM temp.wanted)",
                (version,),
            ).fetchall()
        finally:
            db.execute("DELETE FROM temp.wanted")
        return _evidence_rows(rows)

    def store_pairs(self, version: str, rows: Iterable[tuple[str, str, tuple[float, ...]]]) -> None:
        """Save measured evidence (one transaction); evidence of other versions is dropped the
        first time, as no scan of this version can use it."""
        values = [(a, b, version, array("d", e).tobytes()) for a, b, e in rows]
        if not values:
            return
        with self._db:
            self._db.execute("BEGIN")
            if not self._pruned:
                self._db.execute("DELETE FROM pairs WHERE version != ?", (version,))
                self._pruned = True
            self._db.executemany("INSERT OR REPLACE INTO pairs VALUES (?,?,?,?)", values)


def _evidence_rows(
    rows: Iterable[tuple[str, str, bytes]],
) -> dict[tuple[str, str], tuple[float, ...]]:
    found: dict[tuple[str, str], tuple[float, ...]] = {}
    for first, second, blob in rows:
        if isinstance(blob, bytes) and len(blob) % 8 == 0:
            found[first, second] = tuple(array("d", blob))
        # Anything else is a damaged row: the pair is measured again.
    return found
