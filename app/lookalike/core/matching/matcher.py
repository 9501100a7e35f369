"""The matching pipeline for a stream of pictures: every candidate source proposes pairs as
fingerprints arrive, and the verifier checks the pairs the grouping asks about.

Pictures are named by the caller's ids (the scan gives one id per content digest, so byte copies
are one picture). Only pictures with something to compare enter the indexes: a plain
single-colour image is matched by its bytes alone.
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Callable, Iterator, Sequence
from itertools import islice

import numpy as np

from lookalike.core.matching.candidates import (
    Candidate,
    CandidateSource,
    Evidence,
    Ids,
    Proposals,
    Verifier,
)
from lookalike.core.matching.fingerprint import ALGORITHM_VERSION, Fingerprint
from lookalike.core.matching.kinds import Match
from lookalike.core.matching.policy import Thresholds, thresholds
from lookalike.core.matching.regions import RegionCandidates
from lookalike.core.matching.signature import SignatureVerifier
from lookalike.core.matching.whole import InnerCandidates, WholeCandidates
from lookalike.core.model import MatchKind, Sensitivity

PairKey = tuple[str, str]
EvidenceLookup = Callable[[Sequence[PairKey]], dict[PairKey, Evidence]]
"""Evidence measured before (by a scan's cache) for pairs of picture keys, as far as known."""


def candidate_sources(t: Thresholds, find_rotated: bool) -> list[CandidateSource]:
    """The sources one sensitivity level uses; a new way of finding candidates is added here."""
    whole = WholeCandidates(t.max_hash_distance, find_rotated)
    sources: list[CandidateSource] = [whole]
    if t.region_hash_distance:
        sources.append(RegionCandidates(t.region_hash_distance, whole.index))
        # Where crops are searched, so are marks near the borders (same radius as the whole).
        sources.append(InnerCandidates(t.max_hash_distance))
    return sources


# Bump when a source's rule changes what it proposes (the radii and fingerprints are in the
# version already): candidate pairs cached by an older rule are then searched for again.
CANDIDATE_RULES_VERSION = 2

# What `Matcher.verify` answers, while guessing, for a pair never measured: a match, so the
# grouping asks the next question a picture's placing needs only once this one proves false (a
# picture stops at its first match), which keeps the questions close to those the answers need.
_GUESS = Match(MatchKind.SIMILAR, 0.0)

CandidateLookup = Callable[[str, str], bytes | None]
"""(version, digest of the sorted picture keys) -> the pairs an earlier scan stored, or None."""


def _digest(sorted_keys: Sequence[str]) -> str:
    h = hashlib.sha1(usedforsecurity=False)
    for key in sorted_keys:
        # Keys hold paths, which may carry undecodable bytes as surrogates.
        data = key.encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(4, "little") + data)
    return h.hexdigest()


class _PairLog:
    """Every candidate pair proposed so far, to answer "which candidates has this image?".

    The sources propose each pair once, by a rule symmetric in the pair, when the later of the
    two arrives (or in `finish`), so the pairs proposed so far are an image's candidates: no
    search runs again for it (a re-search cost a query of every index, about 1 ms, each time
    the grouping placed a picture again). The pairs are kept both ways in runs sorted by image,
    merged like a binary counter, so a lookup reads about log2(batches) runs: 32 bytes a pair.
    """

    def __init__(self) -> None:
        self._runs: list[tuple[Ids, Ids]] = []  # (images sorted, their candidates)

    def add(self, first: Ids, second: Ids) -> None:
        if not first.shape[0]:
            return
        ends = np.concatenate([first, second])
        others = np.concatenate([second, first])
        order = np.argsort(ends, kind="stable")
        self._runs.append((ends[order], others[order]))
        while len(self._runs) > 1 and self._runs[-2][0].shape[0] <= 2 * self._runs[-1][0].shape[0]:
            (a_ends, a_others), (b_ends, b_others) = self._runs.pop(-2), self._runs.pop()
            ends = np.concatenate([a_ends, b_ends])
            others = np.concatenate([a_others, b_others])
            order = np.argsort(ends, kind="stable")
            self._runs.append((ends[order], others[order]))

    def pairs(self) -> tuple[Ids, Ids]:
        """Every pair once (the smaller id first)."""
        if not self._runs:
            none = np.zeros(0, dtype=np.int64)
            return none, none.copy()
        ends = np.concatenate([run[0] for run in self._runs])
        others = np.concatenate([run[1] for run in self._runs])
        once = ends < others
        return ends[once], others[once]

    def of(self, image: int) -> Ids:
        found = []
        for ends, others in self._runs:
            lo, hi = np.searchsorted(ends, (image, image + 1))
            if hi > lo:
                found.append(others[lo:hi])
        return np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)


class Matcher:
    """Candidate pairs among all pictures given to `add`, and their verification on demand.

    A picture's key (its content digest, or its file's path, size and time when it has none)
    orders every pair the same way for the verifier, so a pair gets one answer whatever order the
    pictures came in, and names the pair's evidence: measured once, kept by the caller
    (``measured``, ``lookup``) and judged at this matcher's sensitivity each time.
    """

    def __init__(
        self,
        sensitivity: Sensitivity,
        find_rotated: bool,
        verifier: Verifier | None = None,
        lookup: EvidenceLookup | None = None,
    ) -> None:
        self.thresholds = thresholds(sensitivity)
        self._sources = candidate_sources(self.thresholds, find_rotated)
        self._find_rotated = find_rotated
        self._verifier = verifier or SignatureVerifier(self.thresholds, find_rotated)
        self._lookup = lookup
        self._evidence: dict[PairKey, Evidence] = {}
        self.measured: list[tuple[str, str, Evidence]] = []  # new since the caller last took it
        self.measured_count = 0  # pairs measured by the verifier, not found in ``lookup``
        # While ``guess`` is on, `verify` measures nothing: a pair without evidence is guessed
        # and kept here (key -> index ids) until `measure_guessed`, and `forget_guesses` once
        # the grouping that read the guesses is gone.
        self.guess = False
        self.guessed: dict[PairKey, tuple[int, int]] = {}
        # By index id (the order pictures entered the sources):
        self._prints: list[Fingerprint] = []
        self._keys: list[str] = []
        self._picture_of = array("q")
        self._index_of = array("q")  # by picture id: its index id, or -1 when not indexed
        self._pairs = _PairLog()  # in index ids

    def add(
        self, pictures: Sequence[int], keys: Sequence[str], prints: Sequence[Fingerprint]
    ) -> Proposals:
        """Take new pictures (ids, keys and one fingerprint each); return the candidate pairs,
        as picture ids, that involve one of them (all of them, but for those `finish` gives)."""
        start = self._register(pictures, keys, prints)
        if start == len(self._prints):
            return Proposals.empty()
        ids = np.arange(start, len(self._prints), dtype=np.int64)
        batch = self._prints[start:]
        return self._as_pictures([source.add(ids, batch) for source in self._sources])

    def cached_pairs(
        self, keys: Sequence[str], prints: Sequence[Fingerprint], known: CandidateLookup
    ) -> Ids | None:
        """The candidate pairs an earlier scan found among exactly these pictures (``known``,
        by `candidate_set`'s digest), as positions in sorted key order (rows of two), or None.

        They are what the search would find again: each source's rule reads only the two
        fingerprints, which the keys stand for, and the version names the rules and radii.
        """
        ordered = sorted(key for key, fp in zip(keys, prints, strict=True) if fp.signature)
        if not ordered:
            return None
        blob = known(self.candidates_version, _digest(ordered))
        if blob is None or len(blob) % 8:
            return None
        at = np.frombuffer(blob, dtype="<i4").astype(np.int64).reshape(-1, 2)
        if at.shape[0] and not 0 <= at.min() <= at.max() < len(ordered):
            return None  # a damaged row: search instead
        return at

    def adopt(
        self,
        pictures: Sequence[int],
        keys: Sequence[str],
        prints: Sequence[Fingerprint],
        pairs: Ids,
    ) -> Proposals:
        """Take every picture of a scan at once with the pairs `cached_pairs` gave for them,
        instead of searching (a rescan of unchanged files); returns them as picture ids."""
        start = self._register(pictures, keys, prints)
        # Sorted key position -> index id.
        by_key = sorted(range(start, len(self._prints)), key=self._keys.__getitem__)
        ends = np.array(by_key, dtype=np.int64)[pairs]
        return self._as_pictures([Proposals(ends[:, 0].copy(), ends[:, 1].copy())])

    def candidate_set(self) -> tuple[str, str, bytes]:
        """What `adopt` needs to skip the search next time: the version, the digest of the
        pictures' keys and every pair proposed (positions in sorted key order, int32 pairs)."""
        order = sorted(range(len(self._keys)), key=self._keys.__getitem__)
        position = np.empty(len(order), dtype=np.int64)
        position[np.array(order, dtype=np.int64)] = np.arange(len(order))
        first, second = self._pairs.pairs()
        pairs = np.stack([position[first], position[second]], axis=1).astype("<i4").tobytes()
        return self.candidates_version, _digest([self._keys[i] for i in order]), pairs

    @property
    def candidates_version(self) -> str:
        """What the candidate pairs depend on: the sources' rules and radii, the fingerprints."""
        t = self.thresholds
        radii = (t.max_hash_distance, t.crop_hash_distance, t.region_hash_distance)
        names = "+".join(source.name for source in self._sources)
        rules = f"{names}-{CANDIDATE_RULES_VERSION}/{radii}/turns-{self._find_rotated}"
        return f"{rules}/fingerprint-{ALGORITHM_VERSION}"

    def _register(
        self, pictures: Sequence[int], keys: Sequence[str], prints: Sequence[Fingerprint]
    ) -> int:
        """Give index ids to the pictures worth comparing; returns the first new index id."""
        usable = [i for i, fp in enumerate(prints) if fp.signature]
        if pictures:
            grow = max(pictures) + 1 - len(self._index_of)
            if grow > 0:
                self._index_of.extend([-1] * grow)
        start = len(self._prints)
        for n, i in enumerate(usable):
            self._index_of[pictures[i]] = start + n
            self._picture_of.append(pictures[i])
            self._keys.append(keys[i])
            self._prints.append(prints[i])
        return start

    def finish(self) -> Iterator[Proposals]:
        """Once every picture is in: the candidate pairs `add` could not give (the region
        search's), as picture ids, a batch at a time."""
        for source in self._sources:
            for found in source.finish():
                yield self._as_pictures([found])

    def pairs(self) -> Proposals:
        """Every candidate pair proposed so far, once, as picture ids."""
        first, second = self._pairs.pairs()
        return Proposals(self._pictures(first), self._pictures(second))

    def neighbours(self, picture: int) -> Ids:
        """Every candidate of a picture given to `add` before (picture ids)."""
        index = self._index_of[picture] if picture < len(self._index_of) else -1
        if index < 0:
            return np.zeros(0, dtype=np.int64)
        return self._pictures(self._pairs.of(index))

    @property
    def evidence_version(self) -> str:
        """What the evidence depends on: the verifier's measurement and the fingerprints'."""
        return f"{self._verifier.version}/fingerprint-{ALGORITHM_VERSION}"

    def verify(self, pairs: Sequence[tuple[int, int]]) -> list[Match | None]:
        """Verify candidate pairs of picture ids; each match maps the first onto the second.

        A pair measured before (this run, or a run ``lookup`` remembers) is not measured again;
        while ``guess`` is on, a pair never measured is answered by a guess (`guessed`).
        """
        ordered: list[tuple[PairKey, int, int, bool]] = []
        for a, b in pairs:
            ia, ib = self._index_of[a], self._index_of[b]
            swap = self._keys[ia] > self._keys[ib]
            if swap:
                ia, ib = ib, ia
            ordered.append(((self._keys[ia], self._keys[ib]), ia, ib, swap))
        wanted = list(dict.fromkeys(key for key, _, _, _ in ordered if key not in self._evidence))
        if wanted and self._lookup is not None:
            self._evidence.update(self._lookup(wanted))
        todo = {key: (ia, ib) for key, ia, ib, _ in ordered if key not in self._evidence}
        if todo and self.guess:
            self.guessed.update(todo)
            return [
                _GUESS if key in todo else self._judged(key, swap) for key, _, _, swap in ordered
            ]
        if todo:
            candidates = [Candidate(self._prints[ia], self._prints[ib]) for ia, ib in todo.values()]
            for key, evidence in zip(todo, self._verifier.measure(candidates), strict=True):
                self._evidence[key] = evidence
                self.measured.append((*key, evidence))
            self.measured_count += len(todo)
        return [self._judged(key, swap) for key, _, _, swap in ordered]

    def _judged(self, key: PairKey, swap: bool) -> Match | None:
        m = self._verifier.accept(self._evidence[key])
        return m.reversed() if m is not None and swap else m

    def measure_guessed(self, batch: int) -> Iterator[tuple[int, int]]:
        """Measure the guessed pairs not measured yet, ``batch`` at a time (the verifier works
        on a batch's pairs side by side); yields (measured, of) after each batch, so the caller
        can stop between batches. The guesses stay until `forget_guesses`."""
        todo = [(key, at) for key, at in self.guessed.items() if key not in self._evidence]
        done = 0
        pending = iter(todo)
        while part := list(islice(pending, batch)):
            candidates = [Candidate(self._prints[ia], self._prints[ib]) for _, (ia, ib) in part]
            for (key, _), evidence in zip(part, self._verifier.measure(candidates), strict=True):
                self._evidence[key] = evidence
                self.measured.append((*key, evidence))
            self.measured_count += len(part)
            done += len(part)
            yield done, len(todo)

    def forget_guesses(self) -> None:
        """The grouping that read the guesses is replaced: they are no longer in use."""
        self.guessed.clear()

    def _as_pictures(self, found: list[Proposals]) -> Proposals:
        """One row per unordered pair, whichever sources found it, as picture ids."""
        first = np.concatenate([f.first for f in found])
        second = np.concatenate([f.second for f in found])
        if not first.shape[0]:
            return Proposals.empty()
        n = len(self._prints)
        low, high = np.minimum(first, second), np.maximum(first, second)
        pairs = np.unique(low * n + high)
        low, high = pairs // n, pairs % n
        self._pairs.add(low, high)
        return Proposals(self._pictures(low), self._pictures(high))

    def _pictures(self, index_ids: Ids) -> Ids:
        view = np.frombuffer(self._picture_of, dtype=np.int64)
        out = view[index_ids]  # a copy: fancy indexing
        del view  # releases the buffer, so the array can grow again
        return out
