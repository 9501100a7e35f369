"""Candidates for cropped copies: the whole-picture hash of one image within the radius of the
inner-region hash of another (a copy with 10-20 % cut off shows about the inner region)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from lookalike.core.matching.candidates import Ids, Proposals
from lookalike.core.matching.fingerprint import Fingerprint
from lookalike.core.matching.index import HashIndex


class CropCandidates:
    """Indexes each image's inner hash; queries whole against inner and inner against whole.

    The whole-picture hashes come from ``whole``, the index the whole-picture source keeps (its
    radius must be at least ``radius``), so they are stored once. The rule is symmetric: a pair is
    proposed when the whole of either lies within ``radius`` of the inner part of the other.
    """

    name = "crop"

    def __init__(self, radius: int, whole: HashIndex) -> None:
        if whole.max_distance < radius:
            raise ValueError("the whole-picture index must search at least the crop radius")
        self._inner = HashIndex(radius)
        self._whole = whole
        self._radius = radius

    def add(self, ids: Ids, batch: Sequence[Fingerprint]) -> Proposals:
        self._inner.add(np.array([fp.inner_hash for fp in batch], dtype=np.uint64))
        return self._search(ids)

    def finish(self) -> Iterator[Proposals]:
        return iter(())  # `add` finds every pair

    def neighbours(self, image: Ids) -> Ids:
        return self._search(image).second  # every row's first is the querying image

    def _search(self, ids: Ids) -> Proposals:
        # Is one of these images a crop of a known one (its whole ~ their inner part), or the
        # reverse? Both directions, so the answer does not depend on which came first.
        a = self._inner.query(self._whole.hashes[ids], ids)
        b = self._whole.query(self._inner.hashes[ids], ids)
        near = b.distance <= self._radius  # the whole index searches wider
        first = np.concatenate([a.first, b.first[near]])
        second = np.concatenate([a.second, b.second[near]])
        return Proposals(first, second)
