"""The matching pipeline for a stream of pictures: every candidate source proposes pairs as
fingerprints arrive, and the verifier checks the pairs the grouping asks about.

Pictures are named by the caller's ids (the scan gives one id per content digest, so byte copies
are one picture). Only pictures with something to compare enter the indexes: a plain
single-colour image is matched by its bytes alone.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator, Sequence

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
from lookalike.core.matching.whole import WholeCandidates
from lookalike.core.model import Sensitivity

PairKey = tuple[str, str]
EvidenceLookup = Callable[[Sequence[PairKey]], dict[PairKey, Evidence]]
"""Evidence measured before (by a scan's cache) for pairs of picture keys, as far as known."""


def candidate_sources(t: Thresholds, find_rotated: bool) -> list[CandidateSource]:
    """The sources one sensitivity level uses; a new way of finding candidates is added here."""
    whole = WholeCandidates(t.max_hash_distance, find_rotated)
    sources: list[CandidateSource] = [whole]
    if t.region_hash_distance:
        sources.append(RegionCandidates(t.region_hash_distance, whole.index))
    return sources


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
        self._verifier = verifier or SignatureVerifier(self.thresholds, find_rotated)
        self._lookup = lookup
        self._evidence: dict[PairKey, Evidence] = {}
        self.measured: list[tuple[str, str, Evidence]] = []  # new since the caller last took it
        self.measured_count = 0  # pairs measured by the verifier, not found in ``lookup``
        # By index id (the order pictures entered the sources):
        self._prints: list[Fingerprint] = []
        self._keys: list[str] = []
        self._picture_of = array("q")
        self._index_of = array("q")  # by picture id: its index id, or -1 when not indexed

    def add(
        self, pictures: Sequence[int], keys: Sequence[str], prints: Sequence[Fingerprint]
    ) -> Proposals:
        """Take new pictures (ids, keys and one fingerprint each); return the candidate pairs,
        as picture ids, that involve one of them (all of them, but for those `finish` gives)."""
        usable = [i for i, fp in enumerate(prints) if fp.signature]
        if pictures:
            grow = max(pictures) + 1 - len(self._index_of)
            if grow > 0:
                self._index_of.extend([-1] * grow)
        if not usable:
            return Proposals.empty()
        start = len(self._prints)
        for n, i in enumerate(usable):
            self._index_of[pictures[i]] = start + n
            self._picture_of.append(pictures[i])
            self._keys.append(keys[i])
            self._prints.append(prints[i])
        ids = np.arange(start, start + len(usable), dtype=np.int64)
        batch = self._prints[start:]
        return self._as_pictures([source.add(ids, batch) for source in self._sources])

    def finish(self) -> Iterator[Proposals]:
        """Once every picture is in: the candidate pairs `add` could not give (the region
        search's), as picture ids, a batch at a time."""
        for source in self._sources:
            for found in source.finish():
                yield self._as_pictures([found])

    def neighbours(self, picture: int) -> Ids:
        """Every candidate of a picture given to `add` before (picture ids)."""
        index = self._index_of[picture] if picture < len(self._index_of) else -1
        if index < 0:
            return np.zeros(0, dtype=np.int64)
        image = np.array([index], dtype=np.int64)
        found = np.unique(np.concatenate([s.neighbours(image) for s in self._sources]))
        return self._pictures(found)

    @property
    def evidence_version(self) -> str:
        """What the evidence depends on: the verifier's measurement and the fingerprints'."""
        return f"{self._verifier.version}/fingerprint-{ALGORITHM_VERSION}"

    def verify(self, pairs: Sequence[tuple[int, int]]) -> list[Match | None]:
        """Verify candidate pairs of picture ids; each match maps the first onto the second.

        A pair measured before (this run, or a run ``lookup`` remembers) is not measured again.
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
        if todo:
            candidates = [Candidate(self._prints[ia], self._prints[ib]) for ia, ib in todo.values()]
            for key, evidence in zip(todo, self._verifier.measure(candidates), strict=True):
                self._evidence[key] = evidence
                self.measured.append((*key, evidence))
            self.measured_count += len(todo)
        out = []
        for key, _, _, swap in ordered:
            m = self._verifier.accept(self._evidence[key])
            out.append(m.reversed() if m is not None and swap else m)
        return out

    def _as_pictures(self, found: list[Proposals]) -> Proposals:
        """One row per unordered pair, whichever sources found it, as picture ids."""
        first = np.concatenate([f.first for f in found])
        second = np.concatenate([f.second for f in found])
        if not first.shape[0]:
            return Proposals.empty()
        n = len(self._prints)
        low, high = np.minimum(first, second), np.maximum(first, second)
        pairs = np.unique(low * n + high)
        return Proposals(self._pictures(pairs // n), self._pictures(pairs % n))

    def _pictures(self, index_ids: Ids) -> Ids:
        view = np.frombuffer(self._picture_of, dtype=np.int64)
        out = view[index_ids]  # a copy: fancy indexing
        del view  # releases the buffer, so the array can grow again
        return out
