"""Candidates for cropped copies: the whole-picture hash of one image within the radius of the
inner-region hash of another (a copy with 10-20 % cut off shows about the inner region)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lookalike.core.matching.candidates import Ids, Proposals
from lookalike.core.matching.fingerprint import Fingerprint
from lookalike.core.matching.index import HashIndex


class CropCandidates:
    """Indexes each image's inner hash; queries whole against inner and inner against whole.

    The whole-picture hashes come from ``whole``, the index the whole-picture source keeps
    (its radius must be at least ``radius``), so they are stored once.
    """

    name = "crop"

    def __init__(self, radius: int, whole: HashIndex) -> None:
        if whole.max_distance < radius:
            raise ValueError("the whole-picture index must search at least the crop radius")
        self._inner = HashIndex(radius)
        self._whole = whole

    def add(self, ids: Ids, batch: Sequence[Fingerprint]) -> Proposals:
        inner = np.array([fp.inner_hash for fp in batch], dtype=np.uint64)
        self._inner.add(inner)
        # Is a new image a crop of a known one (its whole ~ their inner part), or the reverse?
        a = self._inner.query(self._whole.hashes[ids], ids)
        b = self._whole.query(inner, ids)
        return Proposals(np.concatenate([a.first, b.first]), np.concatenate([a.second, b.second]))
