"""Candidates for whole-picture copies: the 64-bit hash of one image, under each of the 8
orientations, within the search radius of another's (resized, re-encoded, converted, EXIF-rotated,
mirrored, brightened copies); and for copies marked near their borders, the hashes of their inner
windows."""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence

import numpy as np

from lookalike.core.matching.candidates import Ids, Proposals
from lookalike.core.matching.fingerprint import Fingerprint
from lookalike.core.matching.index import HashIndex
from lookalike.core.matching.regions import CENTRE


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
    bits from its original whole, 8 inner), or the hashes of their centre windows (without
    12.5 % of each side, `regions.CENTRE`). A mark reaching further in than 8 % moves the inner
    hash too, most of all on a texture whose low frequencies are faint (a brick wall with a
    logo in a corner: 16 bits whole, 12 inner, 0 centre).

    Upright only: a turned or mirrored copy with a logo is a rarer edit, and its inner hash
    under the other orientations is not kept. Images whose inner region is flat have no inner
    hash to compare (all would collide) and are never proposed here.
    """

    name = "inner"

    def __init__(self, radius: int) -> None:
        self._indexes = (HashIndex(radius), HashIndex(radius))  # inner, centre
        self._usable = array("b")  # by image: 1 when it has an inner hash

    def add(self, ids: Ids, batch: Sequence[Fingerprint]) -> Proposals:
        at = CENTRE * 8
        inner = np.array([fp.inner_hash for fp in batch], dtype=np.uint64)
        centre = np.frombuffer(b"".join(fp.regions[at : at + 8] for fp in batch), "<u8")
        self._usable.extend(fp.has_inner for fp in batch)
        usable = np.frombuffer(self._usable, dtype=np.int8).astype(bool)
        first, second = [], []
        for index, hashes in zip(self._indexes, (inner, centre), strict=True):
            added = index.add(hashes.astype(np.uint64))
            if not np.array_equal(added, ids):
                raise ValueError("images must be added to every source in the same order")
            found = index.query(index.hashes[ids], ids)
            keep = usable[found.first] & usable[found.second]
            first.append(found.first[keep])
            second.append(found.second[keep])
        # A pair both windows find is proposed once.
        pairs = np.unique(np.stack([np.concatenate(first), np.concatenate(second)]), axis=1)
        return Proposals(pairs[0], pairs[1])

    def finish(self) -> Iterator[Proposals]:
        return iter(())  # `add` finds every pair
