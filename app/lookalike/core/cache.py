"""The SQLite fingerprint cache: content hashes and fingerprints of files seen before.

Keyed by path and checked against size, mtime_ns and inode, so a changed file is never served a
stale entry. A corrupt or foreign cache file is set aside and rebuilt, never a crash; WAL mode and
a busy timeout let two running instances share it.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
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
_BATCH = 500  # SQLite's variable limit is 32766; stay far below it


class FingerprintCache:
    """Look up and store per-file results. Use from one thread (the scan's)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._db = self._open()

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
