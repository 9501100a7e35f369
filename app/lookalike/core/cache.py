"""The SQLite fingerprint cache: content hashes, fingerprints and skips of files seen before, and
what the verifier measured about pairs of pictures.

Files are keyed by path and checked against size, mtime_ns and inode, so a changed file is never
served a stale entry. Pairs are keyed by the two pictures' keys (a content digest, or a path with
its size and time: either changes when the file does) and the evidence's version, so a rescan or
a regroup at another sensitivity never measures a pair twice. Paths, and the pair keys made of
them, are stored as the operating system's bytes (``os.fsencode``), so a name that is not valid
UTF-8 is cached like any other. A file that could not be used for what it contains (not a
picture, damaged, too large) is remembered too, with the rules and decoder versions that judged
it, and tried again when the file or those change: a folder of unreadable files rescans as fast
as one of photos.

A corrupt or foreign cache file is set aside and rebuilt, never a crash: at open, and also when
SQLite finds a damaged page later, during a lookup or a store (once per instance; the last copy
set aside is kept for a bug report, older ones are removed). WAL mode and a busy timeout let two
running instances share it.
"""

from __future__ import annotations

import glob
import json
import logging
import os
import sqlite3
import time
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import astuple
from typing import NamedTuple, TypeVar

from lookalike.core.matching.fingerprint import ALGORITHM_VERSION, Fingerprint
from lookalike.core.model import NO_ORIGIN, ImageFile, Origin, Skipped, SkipReason
from lookalike.core.reading import skip_stamp

log = logging.getLogger(__name__)

_SCHEMA_VERSION = 3
_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    path BLOB PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    inode INTEGER NOT NULL,
    content_hash TEXT,
    fp_version INTEGER,
    width INTEGER, height INTEGER, format TEXT, taken TEXT, camera TEXT, has_exif INTEGER,
    hashes BLOB, signature BLOB,
    skip_reason TEXT, skip_detail BLOB, skip_stamp TEXT,
    origin TEXT
)
"""
_PAIRS_SCHEMA = """
CREATE TABLE IF NOT EXISTS pairs (
    first TEXT NOT NULL, second TEXT NOT NULL, version TEXT NOT NULL, evidence BLOB NOT NULL,
    PRIMARY KEY (first, second, version)
) WITHOUT ROWID
"""
# The candidate pairs a scan found among exactly one set of pictures (by the digest of their
# keys), so a rescan of unchanged files skips the search. A few sets are kept: one per folder
# selection and sensitivity in use.
_CANDIDATES_SCHEMA = """
CREATE TABLE IF NOT EXISTS candidate_sets (
    version TEXT NOT NULL, digest TEXT NOT NULL, stored REAL NOT NULL, pairs BLOB NOT NULL,
    PRIMARY KEY (version, digest)
) WITHOUT ROWID
"""
_CANDIDATE_SETS_KEPT = 8
_COLUMNS = (
    "path, size, mtime_ns, inode, content_hash, fp_version, width, height, format, taken,"
    " camera, has_exif, hashes, signature, skip_reason, skip_detail, skip_stamp, origin"
)
# The same with the lengths of the two blobs in their place (`FingerprintCache.lookup`'s slim).
_SLIM_COLUMNS = _COLUMNS.replace(" hashes, signature,", " length(hashes), length(signature),")
SLIM_SIGNATURE = b"\x01"  # the signature of a slim fingerprint: there is one, left out
# What brings a file of each older version to the next one. Version 1 keyed paths as text (so a
# non-UTF-8 name could not be stored) and kept no skips; its text keys are the UTF-8 bytes that
# os.fsencode gives for the same names. Version 2 kept no origin facts (the keeper rank's).
_MIGRATIONS = {
    1: (
        "ALTER TABLE files ADD COLUMN skip_reason TEXT",
        "ALTER TABLE files ADD COLUMN skip_detail BLOB",
        "ALTER TABLE files ADD COLUMN skip_stamp TEXT",
        "UPDATE files SET path = CAST(path AS BLOB)",
        "UPDATE pairs SET first = CAST(first AS BLOB), second = CAST(second AS BLOB)",
    ),
    2: ("ALTER TABLE files ADD COLUMN origin TEXT",),
}


def _origin_text(origin: Origin) -> str | None:
    """An origin as a short JSON list, in the field order of ``Origin``; None for no facts."""
    if origin == NO_ORIGIN:
        return None
    return json.dumps(astuple(origin), ensure_ascii=False, separators=(",", ":"))


def _origin_from(text: str | None) -> Origin:
    if not text:
        return NO_ORIGIN
    try:
        return Origin(*json.loads(text))
    except (ValueError, TypeError):  # a damaged row: the facts are optional, the rank copes
        return NO_ORIGIN


_BATCH = 500  # SQLite's variable limit is 32766; stay far below it
# Judged by the file's bytes alone, so worth remembering until the file changes. Not the others:
# a missing decoder can be installed, a crash or an I/O error may not happen again.
REMEMBERED_SKIPS = frozenset(
    {SkipReason.NOT_AN_IMAGE, SkipReason.DAMAGED, SkipReason.TOO_LARGE, SkipReason.TOO_SMALL}
)
# SQLITE_CORRUPT and SQLITE_NOTADB, the primary codes of a damaged file ("database disk image is
# malformed"); "locked" or "busy" are DatabaseErrors too, and no damage.
_DAMAGED = frozenset({11, 26})

T = TypeVar("T")


class Known(NamedTuple):
    """What the cache still knows of the files looked up, by path."""

    hashes: dict[str, str]
    prints: dict[str, Fingerprint]
    skips: dict[str, Skipped]


def _key(path: str) -> bytes:
    return os.fsencode(path)


def _text(value: str) -> bytes:
    return value.encode("utf-8", "surrogateescape")


def _from_text(value: bytes | str) -> str:
    return value.decode("utf-8", "surrogateescape") if isinstance(value, bytes) else value


def _is_damage(exc: sqlite3.DatabaseError) -> bool:
    return getattr(exc, "sqlite_errorcode", 0) & 0xFF in _DAMAGED


class FingerprintCache:
    """Look up and store per-file results. Use from one thread (the scan's)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._rebuilt = False
        self._db = self._open()
        self._pruned = False

    def _open(self) -> sqlite3.Connection:
        os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
        try:
            return self._connect()
        except sqlite3.DatabaseError as exc:
            self._set_aside(exc)
            return self._connect()

    def _set_aside(self, exc: Exception) -> None:
        aside = f"{self.path}.corrupt-{time.time_ns()}"
        log.warning("cache %s is unusable (%s); moved to %s", self.path, exc, aside)
        # One copy is enough for a bug report; a cache that keeps breaking must not fill the disk.
        for old in glob.glob(glob.escape(self.path) + ".corrupt-*"):
            os.unlink(old)
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(self.path + suffix):
                os.replace(self.path + suffix, aside + suffix)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version != 0 and version not in _MIGRATIONS and version != _SCHEMA_VERSION:
                raise sqlite3.DatabaseError(f"unknown cache schema version {version}")
            db.execute(_SCHEMA)
            if version in _MIGRATIONS:
                with db:
                    db.execute("BEGIN IMMEDIATE")
                    # Another instance may have migrated it meanwhile.
                    current = db.execute("PRAGMA user_version").fetchone()[0]
                    if current in _MIGRATIONS:
                        db.execute(_PAIRS_SCHEMA)  # a version 1 file may predate it
                        for step in range(current, _SCHEMA_VERSION):
                            for statement in _MIGRATIONS[step]:
                                db.execute(statement)
                        # In the same transaction: another instance waits.
                        db.execute(f"PRAGMA user_version={_SCHEMA_VERSION}")
            db.execute(f"SELECT {_COLUMNS} FROM files LIMIT 1")
            # Changed and stamped only once the file proved to be ours: a foreign one is set
            # aside unchanged.
            db.execute(_PAIRS_SCHEMA)
            db.execute(_CANDIDATES_SCHEMA)
            db.execute(f"PRAGMA user_version={_SCHEMA_VERSION}")
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def _guarded(self, operation: Callable[[], T]) -> T:
        """Run ``operation``; if SQLite finds the file damaged, rebuild it once and run again."""
        try:
            return operation()
        except sqlite3.DatabaseError as exc:
            if self._rebuilt or not _is_damage(exc):
                raise
            self._rebuilt = True
            self._db.close()
            self._set_aside(exc)
            self._db = self._connect()
            return operation()

    def close(self) -> None:
        self._db.close()

    def lookup(self, files: Sequence[ImageFile], slim: bool = False) -> Known:
        """Content hashes, fingerprints and remembered skips of these files, where still valid.

        ``slim`` fingerprints leave out the hashes and the signature, which only the candidate
        search reads (800 of the ~1,100 bytes a fingerprint holds): their ``hashes`` is empty
        and their ``signature`` is `SLIM_SIGNATURE` when the picture has one. A rescan that
        adopts the candidate pairs kept for unchanged pictures needs nothing more.
        """
        return self._guarded(lambda: self._lookup(files, slim))

    def _lookup(self, files: Sequence[ImageFile], slim: bool) -> Known:
        known = Known({}, {}, {})
        # Formats, cameras and origins repeat from file to file: one object each (a rescan
        # holds 100,000 fingerprints).
        texts: dict[str, str] = {}
        origins: dict[str | None, Origin] = {}
        by_key = {_key(f.path): f for f in files}
        keys = list(by_key)
        stamp = skip_stamp()
        for i in range(0, len(keys), _BATCH):
            chunk = keys[i : i + _BATCH]
            rows = self._db.execute(
                f"SELECT {_SLIM_COLUMNS if slim else _COLUMNS} FROM files"
                f" WHERE path IN ({','.join('?' * len(chunk))})",
                chunk,
            ).fetchall()
            for (
                key,
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
                reason,
                detail,
                judged_by,
                origin,
            ) in rows:
                f = by_key[key]
                if (size, mtime_ns, inode) != (f.size, f.mtime_ns, f.inode):
                    continue
                if chash:
                    known.hashes[f.path] = chash
                if version == ALGORITHM_VERSION and hs is not None:
                    if origin not in origins:
                        origins[origin] = _origin_from(origin)
                    known.prints[f.path] = Fingerprint(
                        f.path,
                        w,
                        h,
                        texts.setdefault(fmt, fmt),
                        taken,
                        texts.setdefault(cam, cam),
                        bool(exif),
                        b"" if slim else hs,
                        (SLIM_SIGNATURE if sig else b"") if slim else sig,
                        chash or "",
                        origins[origin],
                    )
                elif version == ALGORITHM_VERSION and reason and judged_by == stamp:
                    text = _from_text(detail)
                    known.skips[f.path] = Skipped(f.path, SkipReason[reason], text)
        return known

    def store(
        self,
        files: Iterable[ImageFile],
        hashes: dict[str, str],
        prints: dict[str, Fingerprint],
        skips: dict[str, Skipped] | None = None,
    ) -> None:
        """Save everything known of these files (one transaction), replacing older entries.

        Pass all that is known, cached or new: a row is rewritten whole. Of the skips, only the
        ``REMEMBERED_SKIPS`` are kept.
        """
        skips = skips or {}
        stamp = skip_stamp()
        rows = []
        for f in files:
            fp = prints.get(f.path)
            chash = hashes.get(f.path) or (fp.content_hash if fp else "") or None
            skip = skips.get(f.path) if fp is None else None
            if skip is not None and skip.reason not in REMEMBERED_SKIPS:
                skip = None
            if fp is None and chash is None and skip is None:
                continue
            rows.append((
                _key(f.path), f.size, f.mtime_ns, f.inode, chash,
                ALGORITHM_VERSION if fp or skip else None,
                fp.width if fp else None, fp.height if fp else None, fp.format if fp else None,
                fp.taken if fp else None, fp.camera if fp else None,
                int(fp.has_exif) if fp else None, fp.hashes if fp else None,
                fp.signature if fp else None,
                skip.reason.name if skip else None, _text(skip.detail) if skip else None,
                stamp if skip else None, _origin_text(fp.origin) if fp else None,
            ))  # fmt: skip
        if rows:
            self._guarded(lambda: self._write(rows))

    def _write(self, rows: Sequence[tuple[object, ...]]) -> None:
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany(
                f"INSERT OR REPLACE INTO files ({_COLUMNS})"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                rows,
            )

    def lookup_pairs(
        self, version: str, keys: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], tuple[float, ...]]:
        """The evidence stored for these pairs of picture keys, where this version has some."""
        return self._guarded(lambda: self._lookup_pairs(version, keys))

    def _lookup_pairs(
        self, version: str, keys: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], tuple[float, ...]]:
        found: dict[tuple[str, str], tuple[float, ...]] = {}
        step = _BATCH // 2
        for i in range(0, len(keys), step):
            chunk = keys[i : i + step]
            rows = self._db.execute(
                pairs_query(len(chunk)), [*(_text(k) for pair in chunk for k in pair), version]
            ).fetchall()
            found.update(_evidence_rows(rows))
        return found

    def pairs_among(
        self, version: str, keys: Iterable[str]
    ) -> dict[tuple[str, str], tuple[float, ...]]:
        """All the evidence this version stored for pairs of these picture keys (one query: a
        rescan fetches what it needs at once instead of pair by pair)."""
        named = {_text(k): k for k in keys}
        return self._guarded(lambda: self._pairs_among(version, named))

    def _pairs_among(
        self, version: str, named: dict[bytes, str]
    ) -> dict[tuple[str, str], tuple[float, ...]]:
        db = self._db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (key TEXT PRIMARY KEY) WITHOUT ROWID")
        try:
            db.executemany("INSERT OR IGNORE INTO temp.wanted VALUES (?)", ((k,) for k in named))
            rows = db.execute(
                "SELECT p.first, p.second, p.evidence FROM pairs p JOIN temp.wanted w"
                " ON p.first = w.key WHERE p.version = ?"
                " AND p.second IN (SELECT key FROM temp.wanted)",
                (version,),
            ).fetchall()
        finally:
            db.execute("DELETE FROM temp.wanted")
        return _evidence_rows(rows, named)

    def store_pairs(self, version: str, rows: Iterable[tuple[str, str, tuple[float, ...]]]) -> None:
        """Save measured evidence (one transaction); evidence of other versions is dropped the
        first time, as no scan of this version can use it."""
        values = [(_text(a), _text(b), version, array("d", e).tobytes()) for a, b, e in rows]
        if values:
            self._guarded(lambda: self._write_pairs(version, values))

    def _write_pairs(self, version: str, values: Sequence[tuple[object, ...]]) -> None:
        with self._db:
            self._db.execute("BEGIN")
            if not self._pruned:
                self._db.execute("DELETE FROM pairs WHERE version != ?", (version,))
                self._pruned = True
            self._db.executemany("INSERT OR REPLACE INTO pairs VALUES (?,?,?,?)", values)

    def candidate_pairs(self, version: str, digest: str) -> bytes | None:
        """The candidate pairs stored for this set of pictures, or None."""
        return self._guarded(lambda: self._candidate_pairs(version, digest))

    def _candidate_pairs(self, version: str, digest: str) -> bytes | None:
        row = self._db.execute(
            "SELECT pairs FROM candidate_sets WHERE version = ? AND digest = ?", (version, digest)
        ).fetchone()
        return row[0] if row is not None and isinstance(row[0], bytes) else None

    def store_candidate_pairs(self, version: str, digest: str, pairs: bytes) -> None:
        """Keep a set's candidate pairs, and only the most recent few sets."""
        self._guarded(lambda: self._write_candidates(version, digest, pairs))

    def _write_candidates(self, version: str, digest: str, pairs: bytes) -> None:
        with self._db:
            self._db.execute("BEGIN")
            self._db.execute(
                "INSERT OR REPLACE INTO candidate_sets VALUES (?,?,?,?)",
                (version, digest, time.time(), pairs),
            )
            self._db.execute(
                "DELETE FROM candidate_sets WHERE (version, digest) NOT IN (SELECT version,"
                " digest FROM candidate_sets ORDER BY stored DESC LIMIT ?)",
                (_CANDIDATE_SETS_KEPT,),
            )


def pairs_query(count: int) -> str:
    """The query of `FingerprintCache.lookup_pairs` for ``count`` pairs (their two keys each,
    then the version). Each pair is a search of the primary key: a row-value ``IN (VALUES ...)``
    scans the whole table instead, so a cold scan, which asks after every pair it is about to
    measure while it stores what it measured, cost the square of its pairs (a fifth of the
    parent's time at 100,000 files)."""
    values = ",".join(["(?,?)"] * count)
    return (
        f"WITH wanted(a, b) AS (VALUES {values}) SELECT p.first, p.second, p.evidence"
        " FROM wanted w CROSS JOIN pairs p ON p.first = w.a AND p.second = w.b AND p.version = ?"
    )


def _evidence_rows(
    rows: Iterable[tuple[bytes | str, bytes | str, bytes]], named: dict[bytes, str] | None = None
) -> dict[tuple[str, str], tuple[float, ...]]:
    """The rows' evidence by pair of keys. A rescan holds every pair measured before (hundreds of
    thousands in a library of look-alike crops), so the key strings are the caller's own
    (``named``) and equal numbers one float object: the verifier rounds its measurements, so
    few values recur (0.0, 1.0, scores), and a pair costs its tuple, not ~20 floats of 24 bytes."""
    found: dict[tuple[str, str], tuple[float, ...]] = {}
    names = named or {}
    floats: dict[int, float] = {}
    for first, second, blob in rows:
        if isinstance(blob, bytes) and len(blob) % 8 == 0:
            a = names.get(first) if isinstance(first, bytes) else None
            b = names.get(second) if isinstance(second, bytes) else None
            key = (a or _from_text(first), b or _from_text(second))
            # By bit pattern, so -0.0 and 0.0 stay apart.
            values = zip(array("q", blob), array("d", blob), strict=True)
            found[key] = tuple([floats.setdefault(bits, x) for bits, x in values])
        # Anything else is a damaged row: the pair is measured again.
    return found
