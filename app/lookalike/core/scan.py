"""One scan, end to end: walk, identical files, fingerprints, candidates, verification, groups.

``run_scan`` is the engine's single entry point. It yields events as it goes, owns the process
pool that decodes images, and always ends with ``Finished`` (also when cancelled).
"""

from __future__ import annotations

import itertools
import logging
import os
import sqlite3
import time
from collections import Counter
from collections.abc import Generator, Iterable, Iterator, Sequence
from concurrent.futures import (
    FIRST_COMPLETED,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from concurrent.futures.process import BrokenProcessPool

import numpy as np

from lookalike.core import ranking
from lookalike.core.cache import FingerprintCache
from lookalike.core.cancel import CancelledError, CancelToken
from lookalike.core.events import (
    FileSkipped,
    Finished,
    GroupFound,
    GroupRemoved,
    GroupUpdated,
    Progress,
    ScanEvent,
    Stage,
)
from lookalike.core.grouping import Grouper
from lookalike.core.hashing import HASH_THREADS, identical_sets, size_buckets
from lookalike.core.matching.candidates import Evidence
from lookalike.core.matching.fingerprint import (
    CRASH_MARKER_ENV,
    FileTask,
    Fingerprint,
    RunAlone,
    fingerprint_files,
)
from lookalike.core.matching.kinds import Match
from lookalike.core.matching.matcher import Matcher, PairKey
from lookalike.core.matching.verify import FileRef, ProcessVerifier
from lookalike.core.model import (
    NO_ORIGIN,
    Group,
    ImageFile,
    MatchKind,
    Member,
    ScanMode,
    ScanOptions,
    ScanResult,
    ScanSummary,
    Skipped,
    SkipReason,
)
from lookalike.core.not_duplicates import apart_files
from lookalike.core.pool import pool_context, start_worker
from lookalike.core.walk import WalkOptions, walk

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_S = 0.1  # at most ~10 progress events a second
REGROUP_INTERVAL_S = 0.2  # how often streamed groups are brought up to date
CACHE_FLUSH_INTERVAL_S = 2.0
CHUNK_FILES = 8  # per pool task at least: amortises the ~0.2 ms task overhead
# ... and more small files, up to these: a 96x72 JPEG costs ~0.2 ms, so eight of them would be
# all overhead (task, pickling, a wake-up of the scan per chunk).
CHUNK_BYTES = 1 << 20
CHUNK_MAX_FILES = 256
CHUNKS_IN_FLIGHT = 3  # per worker: keeps every worker busy while results are handled
# Guessed pairs measured at a time, per verifier process: enough that the processes rarely wait
# for the slowest pair of a batch, few enough that Cancel is answered within a second.
GUESSED_PAIRS_PER_WORKER = 8
_IDENTICAL = Match(MatchKind.IDENTICAL, 1.0)


def run_scan(
    options: ScanOptions, cancel: CancelToken | None = None
) -> Generator[ScanEvent, None, None]:
    """Scan ``options.roots`` and yield events; the last one is always ``Finished``.

    Closing the generator early (or an exception such as Ctrl+C inside it) shuts the worker
    pool down before it returns.
    """
    yield from _Scan(options, cancel or CancelToken()).run()


def collect_result(options: ScanOptions, events: Iterable[ScanEvent]) -> ScanResult:
    """Consume a scan's events into the final result (what the CLI and reports use)."""
    groups: dict[int, Group] = {}
    skipped: list[Skipped] = []
    summary = ScanSummary()
    for event in events:
        if isinstance(event, GroupFound | GroupUpdated):
            groups[event.group.id] = event.group
        elif isinstance(event, GroupRemoved):
            groups.pop(event.group_id, None)
        elif isinstance(event, FileSkipped):
            skipped.append(event.skipped)
        elif isinstance(event, Finished):
            summary = event.summary
    ordered = sorted(groups.values(), key=lambda g: (-g.reclaimable_bytes, g.keeper.path))
    return ScanResult(
        roots=tuple(os.path.abspath(r) for r in options.roots),
        reference_roots=tuple(os.path.abspath(r) for r in options.reference_roots),
        mode=options.mode,
        sensitivity=options.sensitivity,
        groups=tuple(ordered),
        skipped=tuple(skipped),
        summary=summary,
    )


def file_chunks(tasks: list[FileTask]) -> list[list[FileTask]]:
    """Cut the tasks into pool chunks of at least CHUNK_FILES files, more while they are small."""
    chunks: list[list[FileTask]] = []
    chunk: list[FileTask] = []
    size = 0
    for task in tasks:
        chunk.append(task)
        size += task.size
        if len(chunk) >= CHUNK_MAX_FILES or (len(chunk) >= CHUNK_FILES and size >= CHUNK_BYTES):
            chunks.append(chunk)
            chunk, size = [], 0
    if chunk:
        chunks.append(chunk)
    return chunks


def _member(f: ImageFile, fp: Fingerprint | None, content_hash: str) -> Member:
    return Member(
        path=f.path,
        size=f.size,
        mtime_ns=f.mtime_ns,
        width=fp.width if fp else 0,
        height=fp.height if fp else 0,
        match=MatchKind.KEEPER,
        score=1.0,
        is_reference=f.is_reference,
        content_hash=content_hash,
        format=fp.format if fp else "",
        taken=fp.taken if fp else "",
        sidecars=f.sidecars,
        camera=fp.camera if fp else "",
        origin=fp.origin if fp else NO_ORIGIN,
    )


class _Scan:
    """The state of one scan; ``run`` drives it."""

    def __init__(self, options: ScanOptions, cancel: CancelToken) -> None:
        self.options = options
        self.cancel = cancel
        # Every candidate pair that is not byte-identical is proven from its files (verify.py).
        self.verifier = ProcessVerifier(
            options.sensitivity,
            self._file_ref,
            options.workers or os.cpu_count() or 1,
            os.environ.get(CRASH_MARKER_ENV, ""),
            options.background,
        )
        self.matcher = Matcher(
            options.sensitivity, options.find_rotated, self.verifier, lookup=self._evidence
        )
        self.grouper = self._new_grouper()
        self.groups: dict[int, Group] = {}  # as last emitted, by id
        self.files: list[ImageFile] = []
        self.skipped: list[Skipped] = []
        self.hashes: dict[str, str] = {}  # path -> content digest
        self.prints: dict[str, Fingerprint] = {}
        # Files the cache remembers as unusable (unchanged since), and new such verdicts.
        self.remembered_skips: dict[str, Skipped] = {}
        self.new_skips: dict[str, Skipped] = {}
        self.unsaved: list[ImageFile] = []
        self.cache: FingerprintCache | None = None
        self.slim = False  # the fingerprints read from the cache lack the search's hashes
        # Pair evidence read at the start for the pictures the cache knew, and their keys.
        self.prefetched: dict[PairKey, Evidence] = {}
        self.prefetched_keys: set[str] = set()
        self.decoded = 0
        self.cached = 0
        self.by_path: dict[str, ImageFile] = {}
        # One picture per content digest (or per file without one): its id, the first file seen
        # with it, and every file of the pictures that have more than one.
        self.picture_ids: dict[str, int] = {}
        self.picture_paths: list[str] = []
        self.picture_digests: list[str] = []  # "" where not known
        self.copies: dict[int, list[str]] = {}
        # What the user said are not duplicates, by path, and the picture of each such path.
        self.apart: dict[str, set[str]] = {}
        self.picture_of: dict[str, int] = {}
        self._last_progress = 0.0
        self._last_regroup = 0.0
        self._last_cache_flush = time.monotonic()

    def _new_grouper(self, first_id: int = 1) -> Grouper:
        return Grouper(
            ranking.keeper_rank,
            self._files_of,
            self._verify,
            self.matcher.neighbours,
            self._apart_pictures if self.options.not_duplicates else None,
            first_id,
        )

    # -- driver ------------------------------------------------------------------------------

    def run(self) -> Iterator[ScanEvent]:
        started = time.monotonic()
        cancelled = False
        try:
            yield from self._walk()
            self._open_cache()
            self.apart = apart_files(self.options.not_duplicates, self.files, self.hashes)
            self._prefetch_evidence()
            if self.options.mode is ScanMode.EXACT:
                yield from self._identical_stage()
            else:
                yield from self._similar_stage()
        except CancelledError:
            cancelled = True
        finally:
            self.verifier.close()
            self._save_cache()
            if self.cache is not None:
                self.cache.close()
        yield from self._flush()
        groups = list(self.groups.values())
        reasons = Counter(s.reason.value for s in self.skipped)
        yield Progress(Stage.DONE, len(self.files), len(self.files))
        # The image files compared: a file skipped after the walk (not a picture, damaged) is
        # counted among the skipped ones only.
        compared = len({f.path for f in self.files} - {s.path for s in self.skipped})
        yield Finished(
            ScanSummary(
                files=compared,
                groups=len(groups),
                duplicates=sum(len(g.members) - 1 for g in groups),
                reclaimable_bytes=sum(g.reclaimable_bytes for g in groups),
                skipped=len(self.skipped),
                skipped_by_reason=dict(reasons),
                decoded=self.decoded,
                cached=self.cached,
                measured=self.matcher.measured_count,
                views_decoded=self.verifier.decoded,
                elapsed_s=time.monotonic() - started,
                cancelled=cancelled,
            )
        )

    def _progress(
        self, stage: Stage, done: int, total: int, current: str = "", force: bool = False
    ) -> Iterator[Progress]:
        now = time.monotonic()
        if force or now - self._last_progress >= PROGRESS_INTERVAL_S:
            self._last_progress = now
            yield Progress(stage, done, total, current)

    def _skip(self, s: Skipped) -> FileSkipped:
        self.skipped.append(s)
        return FileSkipped(s)

    # -- stage 1: walk -------------------------------------------------------------------------

    def _walk(self) -> Iterator[ScanEvent]:
        o = self.options
        walk_options = WalkOptions(
            o.roots, o.reference_roots, o.recursive, o.follow_symlinks, o.include_hidden
        )
        yield Progress(Stage.WALK, 0, 0)
        for entry in walk(walk_options, self.cancel):
            if isinstance(entry, Skipped):
                yield self._skip(entry)
            else:
                self.files.append(entry)
                yield from self._progress(Stage.WALK, len(self.files), 0, entry.path)
        yield Progress(Stage.WALK, len(self.files), len(self.files))

    # -- cache -------------------------------------------------------------------------------

    def _open_cache(self) -> None:
        if not self.options.cache_path:
            return
        try:
            self.cache = FingerprintCache(self.options.cache_path)
            # A rescan of unchanged pictures adopts the candidate pairs kept for them and never
            # searches, so it reads the fingerprints without the search's hashes; any other
            # similar scan reads the full ones of what it searches (`_full_prints`).
            slim = self.options.mode is ScanMode.SIMILAR
            self.hashes, self.prints, self.remembered_skips = self.cache.lookup(self.files, slim)
            self.slim = slim
        except (OSError, sqlite3.Error) as exc:
            log.warning("scanning without the cache %s: %s", self.options.cache_path, exc)
            self.cache = None

    def _save_cache(self, force: bool = True) -> None:
        if self.cache is None or not (self.unsaved or self.matcher.measured):
            return
        if not force and time.monotonic() - self._last_cache_flush < CACHE_FLUSH_INTERVAL_S:
            return
        try:
            self.cache.store(self.unsaved, self.hashes, self.prints, self.new_skips)
            self.cache.store_pairs(self.matcher.evidence_version, self.matcher.measured)
        except sqlite3.Error as exc:
            # The cache already rebuilt itself once if it was damaged: go on without it rather
            # than warn at every flush.
            log.warning(
                "could not update the cache %s, going on without it: %s", self.cache.path, exc
            )
            self.cache.close()
            self.cache = None
        self.unsaved.clear()
        self.matcher.measured.clear()
        self._last_cache_flush = time.monotonic()

    def _prefetch_evidence(self) -> None:
        """Read at once the evidence kept for pairs among the pictures the cache knows (a
        regroup needs nothing else), rather than pair by pair."""
        if self.cache is None or self.options.mode is not ScanMode.SIMILAR:
            return
        self.by_path = {f.path: f for f in self.files}
        keys = {self._key_of(path) for path in self.prints if path in self.by_path}
        try:
            self.prefetched = self.cache.pairs_among(self.matcher.evidence_version, keys)
        except sqlite3.Error as exc:
            log.warning("could not read measured pairs from the cache: %s", exc)
            return
        self.prefetched_keys = keys

    def _evidence(self, keys: Sequence[PairKey]) -> dict[PairKey, Evidence]:
        """What earlier scans measured about these pairs (the cache's pair table)."""
        known = self.prefetched_keys
        found = {k: self.prefetched[k] for k in keys if k in self.prefetched}
        ask = [k for k in keys if k not in found and not (k[0] in known and k[1] in known)]
        if self.cache is None or not ask:
            return found
        try:
            found.update(self.cache.lookup_pairs(self.matcher.evidence_version, ask))
        except sqlite3.Error as exc:
            log.warning("could not read measured pairs from the cache: %s", exc)
        return found

    # -- stage 2: identical files --------------------------------------------------------------

    def _identical_stage(self) -> Iterator[ScanEvent]:
        for f in self.files:
            if f.size == 0:
                yield self._skip(Skipped(f.path, SkipReason.EMPTY))
        buckets = size_buckets(self.files)
        # Progress counts every file found, as the summary does: a file with a size of its own
        # (or none) is settled without reading it.
        total = len(self.files)
        done = total - sum(len(b) for b in buckets)
        yield Progress(Stage.HASH, done, total)
        with ThreadPoolExecutor(HASH_THREADS, thread_name_prefix="hash") as pool:
            for bucket in buckets:
                self.cancel.raise_if_cancelled()
                # Only this bucket's files can gain a hash (a copy of the whole dict per bucket
                # was quadratic: 30 s for a warm rescan of 100,000 files).
                unhashed = [f for f in bucket if f.path not in self.hashes]
                sets, skipped = identical_sets(bucket, pool, self.hashes)
                self.unsaved += [f for f in unhashed if f.path in self.hashes]
                for s in skipped:
                    yield self._skip(s)
                for same in sets:
                    self.by_path.update((f.path, f) for f, _ in same)
                    self._identical_set([f.path for f, _ in same], same[0][1])
                yield from self._flush()
                done += len(bucket)
                yield from self._progress(Stage.HASH, done, total, bucket[-1].path)
                self._save_cache(force=False)
        yield Progress(Stage.HASH, total, total)

    def _identical_set(self, paths: list[str], digest: str) -> None:
        """Files with one content: one picture, but for the copies the user said are not
        duplicates of another copy, which are pictures of their own, compared by content."""
        split = [p for p in paths if self._split(p, digest)]
        rest = [p for p in paths if p not in split]
        pictures = []
        if rest:
            pictures.append(self._picture(digest, rest[0]))
            self.copies[pictures[0]] = rest
            self.picture_of.update((p, pictures[0]) for p in rest)
        pictures += [self._picture(f"{digest}\0{p}", p) for p in split]
        if not split:
            self.grouper.add_files(pictures)
            return
        pairs = np.array(list(itertools.combinations(pictures, 2)), dtype=np.int64).reshape(-1, 2)
        self.grouper.add_candidates(pictures, pairs[:, 0], pairs[:, 1])

    def _split(self, path: str, digest: str) -> bool:
        """Whether the user said this file is not a duplicate of a byte-identical one."""
        return any(self.hashes.get(q) == digest for q in self.apart.get(path, ()))

    # -- stage 3-6: fingerprints, candidates, verification, groups ------------------------------

    def _similar_stage(self) -> Iterator[ScanEvent]:
        same_size = {f.path for bucket in size_buckets(self.files) for f in bucket}
        self.by_path = by_path = {f.path: f for f in self.files}

        ready: list[Fingerprint] = []
        tasks: list[FileTask] = []
        for f in self.files:
            if f.size == 0:
                yield self._skip(Skipped(f.path, SkipReason.EMPTY))
                continue
            remembered = self.remembered_skips.get(f.path)
            if remembered is not None:
                yield self._skip(remembered)
                continue
            need_hash = f.path in same_size and f.path not in self.hashes
            fp = self.prints.get(f.path)
            if fp is not None and not need_hash:
                ready.append(fp)
            else:
                tasks.append(FileTask(f.path, f.size, f.mtime_ns, need_hash))
        # With every fingerprint cached (a regroup at another sensitivity, a rescan), a pair the
        # grouping asks about that no scan measured is guessed, and the guessed pairs are then
        # measured side by side (`_answer_guesses`) rather than one question at a time.
        self.matcher.guess = not tasks
        # A rescan starts with what the cache knows, so its groups show at once; when nothing
        # changed, with the candidate pairs the last scan found, without searching.
        adopted = bool(ready) and not tasks and self._adopt(ready)
        if not adopted:
            ready = self._full_prints(ready, tasks, same_size)
            self.matcher.guess = not tasks  # a file whose row went meanwhile is decoded
        # Progress counts every file found, as the summary does; empty ones are settled at once.
        total = len(self.files)
        empty = total - len(ready) - len(tasks)
        self.cached = len(ready)
        yield Progress(Stage.FINGERPRINT, empty, total)
        if not adopted:
            for i in range(0, len(ready), 256):
                self.cancel.raise_if_cancelled()
                self._compare(ready[i : i + 256])
                yield from self._regroup()
                yield from self._progress(Stage.FINGERPRINT, empty + i, total)
        done = empty + len(ready)
        for results in self._fingerprint_in_pool(tasks):
            fresh: list[Fingerprint] = []
            for result in results:
                if isinstance(result, Skipped):
                    yield self._skip(result)
                    self.new_skips[result.path] = result
                    self.unsaved.append(by_path[result.path])
                    continue
                fresh.append(result)
                self.prints[result.path] = result
                if result.content_hash:
                    self.hashes[result.path] = result.content_hash
                self.unsaved.append(by_path[result.path])
            self.decoded += len(fresh)
            self._compare(fresh)
            done += len(results)
            yield from self._regroup()
            yield from self._progress(Stage.FINGERPRINT, done, total, results[-1].path)
            self._save_cache(force=False)
        # Cropped and turned copies: searched once every picture is in.
        for late in self.matcher.finish():
            self.cancel.raise_if_cancelled()
            self.grouper.add_late(late.first, late.second)
            yield from self._regroup()
            yield from self._progress(Stage.FINGERPRINT, total, total)
        yield from self._answer_guesses()
        self._store_candidates()
        yield Progress(Stage.FINGERPRINT, total, total)

    def _answer_guesses(self) -> Iterator[ScanEvent]:
        """Measure the pairs the grouping guessed, together, and group every picture again
        with the answers; until a grouping needs no guess. Its groups are the ones asking one
        question at a time gives: the rule reads nothing but the answers, and a grouping of all
        pairs at once equals the streamed one."""
        workers = self.options.workers or os.cpu_count() or 1
        done_before = total_before = 0
        while self.matcher.guessed:
            done = total = 0
            for done, total in self.matcher.measure_guessed(GUESSED_PAIRS_PER_WORKER * workers):
                # A batch takes a good part of a second: each is worth a progress event.
                yield Progress(Stage.VERIFY, done_before + done, total_before + total)
                self.cancel.raise_if_cancelled()
                self._save_cache(force=False)
            done_before += done
            total_before += total
            self.matcher.forget_guesses()
            # The groups shown so far (from before the first guess) make way for the new ones.
            for group_id in list(self.groups):
                del self.groups[group_id]
                yield GroupRemoved(group_id)
            self.grouper = self._new_grouper(self.grouper.next_id)
            pairs = self.matcher.pairs()
            self.grouper.add_candidates(range(len(self.picture_paths)), pairs.first, pairs.second)
            self.grouper.add_files(list(self.copies))

    def _regroup(self) -> Iterator[ScanEvent]:
        now = time.monotonic()
        if now - self._last_regroup >= REGROUP_INTERVAL_S:
            self._last_regroup = now
            yield from self._flush()

    def _flush(self) -> Iterator[ScanEvent]:
        """The grouping's changes, each group with the reasons its keeper was chosen."""
        if self.matcher.guessed:
            return  # the grouping read guesses: none of its groups is shown
        for event in self.grouper.flush():
            if isinstance(event, GroupRemoved):
                self.groups.pop(event.group_id, None)
                yield event
                continue
            group = ranking.settle(event.group)
            self.groups[group.id] = group
            yield GroupFound(group) if isinstance(event, GroupFound) else GroupUpdated(group)

    def _fingerprint_in_pool(self, tasks: list[FileTask]) -> Iterator[list[Fingerprint | Skipped]]:
        """Run the tasks in worker processes; yield each chunk's results as they come.

        A worker that dies (a native decoder crash) breaks the whole pool. The pool is then
        rebuilt and the files of the lost chunks are retried one at a time, so only the file
        that crashes is lost, reported as skipped.

        A file whose decode is large (``RunAlone``: a huge panorama, a progressive JPEG of a
        hundred megapixels) comes back from its chunk unread and is sent again on its own, one
        such file in the pool at a time: the pool's memory stays bounded however many there are.
        """
        if not tasks:
            return
        workers = self.options.workers or os.cpu_count() or 1
        chunks = file_chunks(tasks)
        chunks.reverse()  # taken from the end
        suspects: list[FileTask] = []  # from chunks lost in a crash: retried alone
        large: list[FileTask] = []  # run one at a time beside the chunks
        crash_marker = os.environ.get(CRASH_MARKER_ENV, "")
        lone_crashes = 0
        any_success = False
        while chunks or suspects or large:
            pool = ProcessPoolExecutor(
                workers,
                pool_context(),
                initializer=start_worker,
                initargs=(crash_marker, self.options.background),
            )
            in_flight: dict[Future[list[Fingerprint | Skipped | RunAlone]], list[FileTask]] = {}
            alone: list[FileTask] | None = None  # a suspect running with nothing beside it
            big: list[FileTask] | None = None  # the one large file in flight
            broken = False
            ended = False
            try:
                while (chunks or suspects or large or in_flight) and not broken:
                    self.cancel.raise_if_cancelled()
                    if suspects and not in_flight:
                        alone = [suspects.pop()]
                        in_flight[pool.submit(fingerprint_files, alone, True)] = alone
                    if not suspects and large and big is None:
                        big = [large.pop()]
                        in_flight[pool.submit(fingerprint_files, big, True)] = big
                    while not suspects and chunks and len(in_flight) < workers * CHUNKS_IN_FLIGHT:
                        chunk = chunks.pop()
                        in_flight[pool.submit(fingerprint_files, chunk)] = chunk
                    done, _ = wait(in_flight, PROGRESS_INTERVAL_S, FIRST_COMPLETED)
                    for future in done:
                        chunk = in_flight.pop(future)
                        if chunk is big:
                            big = None
                        if isinstance(future.exception(), BrokenProcessPool):
                            broken = True
                            if chunk is alone:
                                lone_crashes += 1
                                if lone_crashes >= 3 and not any_success:
                                    raise RuntimeError("the image worker processes cannot start")
                                yield [Skipped(chunk[0].path, SkipReason.DECODER_CRASH)]
                            else:
                                suspects.extend(chunk)
                            continue
                        any_success = True
                        results: list[Fingerprint | Skipped] = []
                        for result in future.result():
                            if isinstance(result, RunAlone):
                                large.append(result.task)
                            else:
                                results.append(result)
                        if results:
                            yield results
                # The chunks still in flight in a broken pool are lost with it.
                for chunk in in_flight.values():
                    suspects.extend(chunk)
                ended = True
            finally:
                if broken or not ended:
                    # A broken pool can wait forever on a surviving worker (Python 3.11), and a
                    # cancelled scan (Cancel, a signal) must not wait for the chunks already
                    # queued to the workers (seconds on a busy machine): end the workers
                    # ourselves. They only read files; a retry has its chunks queued already.
                    for process in list(pool._processes.values()):
                        process.kill()
                # Otherwise the queue is empty and the workers exit at once.
                pool.shutdown(wait=True, cancel_futures=True)

    def _compare(self, batch: list[Fingerprint]) -> None:
        """Give a batch of fingerprints to the matching: a byte copy of a known picture joins it,
        a new picture goes to the candidate search, and the candidates to the grouping."""
        new, keys, prints, copied = self._pictures_of(batch)
        found = self.matcher.add(new, keys, prints)
        self.grouper.add_candidates(new, found.first, found.second)
        self.grouper.add_files(copied)

    def _full_prints(
        self, batch: list[Fingerprint], tasks: list[FileTask], same_size: set[str]
    ) -> list[Fingerprint]:
        """The batch's fingerprints with the hashes and signatures a slim lookup left out, to
        search with; a file whose row is gone meanwhile (another instance) joins the tasks."""
        if not self.slim or self.cache is None:
            return batch
        self.slim = False
        try:
            full = self.cache.lookup([self.by_path[fp.path] for fp in batch]).prints
        except sqlite3.Error as exc:
            log.warning("could not read fingerprints from the cache: %s", exc)
            full = {}
        kept = []
        for fp in batch:
            again = full.get(fp.path)
            if again is not None:
                self.prints[fp.path] = again
                kept.append(again)
                continue
            del self.prints[fp.path]
            f = self.by_path[fp.path]
            need_hash = f.path in same_size and f.path not in self.hashes
            tasks.append(FileTask(f.path, f.size, f.mtime_ns, need_hash))
        return kept

    def _adopt(self, batch: list[Fingerprint]) -> bool:
        """All the scan's fingerprints at once, with the candidate pairs the cache kept for
        exactly these pictures; False (and nothing done) when it kept none."""
        if self.cache is None:
            return False
        firsts: dict[str, Fingerprint] = {}
        for fp in batch:
            firsts.setdefault(self._key_of(fp.path, fp.content_hash), fp)
        try:
            pairs = self.matcher.cached_pairs(
                list(firsts), list(firsts.values()), self.cache.candidate_pairs
            )
        except sqlite3.Error as exc:
            log.warning("could not read candidate pairs from the cache: %s", exc)
            return False
        if pairs is None:
            return False
        new, keys, prints, copied = self._pictures_of(batch)
        found = self.matcher.adopt(new, keys, prints, pairs)
        self.grouper.add_candidates(new, found.first, found.second)
        self.grouper.add_files(copied)
        return True

    def _store_candidates(self) -> None:
        if self.cache is None:
            return
        try:
            self.cache.store_candidate_pairs(*self.matcher.candidate_set())
        except sqlite3.Error as exc:
            log.warning("could not keep candidate pairs in the cache: %s", exc)

    def _pictures_of(
        self, batch: list[Fingerprint]
    ) -> tuple[list[int], list[str], list[Fingerprint], list[int]]:
        """Sort a batch into new pictures (ids, keys, fingerprints) and byte copies of known
        ones (the pictures that gained a file)."""
        new: list[int] = []
        keys: list[str] = []
        prints: list[Fingerprint] = []
        copied: list[int] = []
        for fp in batch:
            key = self._key_of(fp.path, fp.content_hash)
            known = self.picture_ids.get(key)
            if known is None:
                new.append(self._picture(key, fp.path))
                keys.append(key)
                prints.append(fp)
            else:
                self.copies.setdefault(known, [self.picture_paths[known]]).append(fp.path)
                self.picture_of[fp.path] = known
                copied.append(known)
        # Each picture once: the grouping ranks all of a picture's files each time it hears of
        # one more, so a picture of 564 byte copies (a flat crop of a sky, in the 100,000 crops)
        # named once a copy cost 160,000 ranks of a file (half of a warm rescan's time).
        return new, keys, prints, list(dict.fromkeys(copied))

    def _key_of(self, path: str, content_hash: str = "") -> str:
        """A picture's key: its content digest, else its file's path, size and time (a key that
        changes with the file, as the pair evidence kept under it must). A copy the user said
        is not a duplicate of a byte-identical file is a picture of its own."""
        digest = self.hashes.get(path) or content_hash
        if digest:
            return f"{digest}\0{path}" if self._split(path, digest) else digest
        f = self.by_path[path]
        return f"{path}\0{f.size}\0{f.mtime_ns}"

    def _picture(self, key: str, path: str) -> int:
        picture = self.picture_ids[key] = len(self.picture_paths)
        self.picture_paths.append(path)
        self.picture_digests.append(self.hashes.get(path, ""))
        self.picture_of[path] = picture
        return picture

    def _apart_pictures(self, picture: int) -> set[int]:
        """The pictures the user said are not duplicates of this one (as far as seen)."""
        out = {
            self.picture_of[q]
            for p in self.copies.get(picture) or [self.picture_paths[picture]]
            for q in self.apart.get(p, ())
            if q in self.picture_of
        }
        out.discard(picture)
        return out

    def _verify(self, pairs: Sequence[tuple[int, int]]) -> list[Match | None]:
        """The grouping's questions: no for pictures kept apart, identical for copies with one
        content, the matcher's answer for the rest."""
        out: list[Match | None] = [None] * len(pairs)
        ask: list[tuple[int, int]] = []
        where: list[int] = []
        for i, (a, b) in enumerate(pairs):
            if self.apart and b in self._apart_pictures(a):
                continue
            digest = self.picture_digests[a]
            if digest and digest == self.picture_digests[b]:
                out[i] = _IDENTICAL
                continue
            ask.append((a, b))
            where.append(i)
        if ask:
            for i, match in zip(where, self.matcher.verify(ask), strict=True):
                out[i] = match
        return out

    def _files_of(self, picture: int) -> list[Member]:
        paths = self.copies.get(picture) or [self.picture_paths[picture]]
        return [self._member_of(p) for p in paths]

    def _file_ref(self, path: str) -> FileRef:
        f = self.by_path[path]
        return FileRef(f.path, f.size, f.mtime_ns)

    def _member_of(self, path: str) -> Member:
        return _member(self.by_path[path], self.prints.get(path), self.hashes.get(path, ""))
