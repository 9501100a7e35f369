"""The matching pipeline for a stream of fingerprints: every candidate source proposes pairs,
one verifier checks them, and what it accepts comes out as (path, path, Match)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lookalike.core.matching.candidates import Candidate, CandidateSource, Verifier
from lookalike.core.matching.crops import CropCandidates
from lookalike.core.matching.fingerprint import Fingerprint
from lookalike.core.matching.kinds import Match
from lookalike.core.matching.policy import Thresholds, thresholds
from lookalike.core.matching.signature import SignatureVerifier
from lookalike.core.matching.whole import WholeCandidates
from lookalike.core.model import Sensitivity

PathPair = tuple[str, str, Match]


def candidate_sources(t: Thresholds, find_rotated: bool) -> list[CandidateSource]:
    """The sources one sensitivity level uses; a new way of finding candidates is added here."""
    whole = WholeCandidates(max(t.max_hash_distance, t.crop_hash_distance), find_rotated)
    sources: list[CandidateSource] = [whole]
    if t.crop_hash_distance:
        sources.append(CropCandidates(t.crop_hash_distance, whole.index))
    return sources


class Matcher:
    """Finds the verified matches among all fingerprints given to `add`, batch by batch.

    Each pair of images is proposed by the batch of the later of the two, so every match is
    returned once over a whole scan (once per source that finds it; the grouping keeps the
    strongest).
    """

    def __init__(
        self, sensitivity: Sensitivity, find_rotated: bool, verifier: Verifier | None = None
    ) -> None:
        self.thresholds = thresholds(sensitivity)
        self._sources = candidate_sources(self.thresholds, find_rotated)
        self._verifier = verifier or SignatureVerifier(self.thresholds, find_rotated)
        self._prints: list[Fingerprint] = []  # by image id

    def add(self, batch: Sequence[Fingerprint]) -> list[PathPair]:
        """Take a batch of new fingerprints; return the matches that involve any of them."""
        usable = [fp for fp in batch if fp.signature]  # plain single-colour images: bytes only
        if not usable:
            return []
        start = len(self._prints)
        ids = np.arange(start, start + len(usable), dtype=np.int64)
        self._prints += usable
        candidates: list[Candidate] = []
        for source in self._sources:
            found = source.add(ids, usable)
            seen: set[tuple[int, int]] = set()
            for a, b in zip(found.first.tolist(), found.second.tolist(), strict=True):
                key = (a, b) if a < b else (b, a)
                if key not in seen:
                    seen.add(key)
                    candidates.append(Candidate(self._prints[a], self._prints[b], source.name))
        verdicts = self._verifier.verify(candidates)
        return [
            (c.first.path, c.second.path, m)
            for c, m in zip(candidates, verdicts, strict=True)
            if m is not None
        ]
