"""Candidates for whole-picture copies: the 64-bit hash of one image, under each of the 8
orientations, within the search radius of another's (resized, re-encoded, converted, EXIF-rotated,
mirrored, brightened copies)."""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence

import numpy as np

from lookalike.core.matching.candidates import Ids, Proposals
from lookalike.core.matching.fingerprint import Fingerprint
from lookalike.core.matching.index import HashIndex


class WholeCandidates:
    """Indexes each image's canonical hash; queries all orientations of each image.

    The rule is symmetric: a pair is proposed when each image, in its best orientation, lies
    within ``radius`` of the other's canonical hash. (The orientation hashes are derived from one
    DCT and thresholded at their own median, so "a turned onto b" and "b turned onto a" can differ
    by a bit or two; asking for both keeps the answer the same whichever image came first.)
    """

    name = "whole"

    def __init__(self, radius: int, find_rotated: bool) -> None:
        self.index = HashIndex(radius)  # the region search reads its hashes too
        self._radius = radius
        self._find_rotated = find_rotated
        self._variants = array("Q")  # 8 orientation hashes per image, when turns are searched

    def add(self, ids: Ids, batch: Sequence[Fingerprint]) -> Proposals:
        added = self.index.add(np.array([fp.phash for fp in batch], dtype=np.uint64))
        if not np.array_equal(added, ids):
            raise ValueError("images must be added to every source in the same order")
        if self._find_rotated:
            for fp in batch:
                self._variants.frombytes(fp.hashes[:64])
        return self._search(ids)

    def finish(self) -> Iterator[Proposals]:
        return iter(())  # `add` finds every pair

    def _search(self, ids: Ids) -> Proposals:
        canonical = self.index.hashes
        if not self._find_rotated:
            found = self.index.query(canonical[ids], ids)
            return Proposals(found.first, found.second)
        variants = np.frombuffer(self._variants, dtype=np.uint64).reshape(-1, 8)
        found = self.index.query(variants[ids].reshape(-1), np.repeat(ids, 8))
        a, b = found.first, found.second
        a_onto_b = np.bitwise_count(variants[a] ^ canonical[b][:, None]).min(axis=1)
        b_onto_a = np.bitwise_count(variants[b] ^ canonical[a][:, None]).min(axis=1)
        keep = np.maximum(a_onto_b, b_onto_a) <= self._radius
        del variants  # releases the buffer, so the array can grow again
        return Proposals(a[keep], b[keep])


class InnerCandidates:
    """Candidates for copies marked near their borders (a logo or a date stamp in a corner, a
    frame): the inner hashes (the picture without 8 % of each side) of two images within the
    radius, where the mark moved the whole-picture hash beyond it (measured: a logo copy 12
    bits from its original whole, 8 inner).

    Upright only: a turned or mirrored copy with a logo is a rarer edit, and its inner hash
    under the other orientations is not kept. Images whose inner region is flat have no inner
    hash to compare (all would collide) and are never proposed here.
    """

    name = "inner"

    def __init__(self, radius: int) -> None:
        self._index = HashIndex(radius)
        self._usable = array("b")  # by image: 1 when it has an inner hash

    def add(self, ids: Ids, batch: Sequence[Fingerprint]) -> Proposals:
        added = self._index.add(np.array([fp.inner_hash for fp in batch], dtype=np.uint64))
        if not np.array_equal(added, ids):
            raise ValueError("images must be added to every source in the same order")
        self._usable.extend(fp.has_inner for fp in batch)
        found = self._index.query(self._index.hashes[ids], ids)
        usable = np.frombuffer(self._usable, dtype=np.int8).astype(bool)
        keep = usable[found.first] & usable[found.second]
        return Proposals(found.first[keep], found.second[keep])

    def finish(self) -> Iterator[Proposals]:
        return iter(())  # `add` finds every pair
