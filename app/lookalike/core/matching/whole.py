"""Candidates for whole-picture copies: the 64-bit hash of one image, under each of the 8
orientations, within the search radius of another's (resized, re-encoded, converted, EXIF-rotated,
mirrored, brightened copies)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lookalike.core.matching.candidates import Ids, Proposals
from lookalike.core.matching.fingerprint import Fingerprint
from lookalike.core.matching.index import HashIndex


class WholeCandidates:
    """Indexes each image's canonical hash; queries all orientations of each new image."""

    name = "whole"

    def __init__(self, radius: int, find_rotated: bool) -> None:
        self.index = HashIndex(radius)
        self._find_rotated = find_rotated

    def add(self, ids: Ids, batch: Sequence[Fingerprint]) -> Proposals:
        added = self.index.add(np.array([fp.phash for fp in batch], dtype=np.uint64))
        if not np.array_equal(added, ids):
            raise ValueError("images must be added to every source in the same order")
        if self._find_rotated:
            queries = np.concatenate([fp.hash_variants() for fp in batch])
            owners = np.repeat(ids, 8)
        else:
            queries, owners = self.index.hashes[ids], ids
        found = self.index.query(queries, owners)
        return Proposals(found.first, found.second)
