"""The interim verifier: normalised correlation of the 16x16 signatures, in the orientation the
hashes agree on best, or of one picture's inner region against the other for crops.

It cannot tell low-detail pictures apart nor follow a small turn; `verify.py` (local features,
RANSAC and a pixel check, issue 10 item 2) replaces it as the scan's verifier.
"""

from __future__ import annotations

from collections.abc import Sequence

from lookalike.core.matching.candidates import Candidate
from lookalike.core.matching.fingerprint import (
    INNER_CROP_FRACTION,
    Fingerprint,
    orient,
    signature_similarity,
)
from lookalike.core.matching.kinds import IDENTITY, Match, Transform, strength
from lookalike.core.matching.policy import (
    SAME_PICTURE_MAX_DISTANCE,
    SAME_PICTURE_MIN_SIMILARITY,
    Thresholds,
)
from lookalike.core.model import MatchKind

# The inner region keeps (1 - INNER_CROP_FRACTION) of each side.
_INNER_SHOWN = round((1 - INNER_CROP_FRACTION) ** 2, 3)


class SignatureVerifier:
    """Accepts a candidate when its signatures correlate above the sensitivity's threshold."""

    def __init__(self, thresholds: Thresholds, find_rotated: bool) -> None:
        self._t = thresholds
        self._orientations = range(8) if find_rotated else range(1)

    def verify(self, candidates: Sequence[Candidate]) -> list[Match | None]:
        out: list[Match | None] = []
        for c in candidates:
            found = [
                m for m in (self._whole(c.first, c.second), self._crop(c.first, c.second)) if m
            ]
            out.append(max(found, key=strength) if found else None)
        return out

    def _whole(self, a: Fingerprint, b: Fingerprint) -> Match | None:
        variants = a.hash_variants()
        distances = [bin(int(variants[t]) ^ b.phash).count("1") for t in self._orientations]
        t = min(self._orientations, key=lambda i: (distances[i], i))
        if distances[t] > self._t.max_hash_distance:
            return None
        similarity = signature_similarity(orient(a.signature_array(), t), b.signature_array())
        if similarity < self._t.min_similarity:
            return None
        same = (
            t == 0
            and distances[t] <= SAME_PICTURE_MAX_DISTANCE
            and similarity >= SAME_PICTURE_MIN_SIMILARITY
        )
        kind = MatchKind.SAME_PICTURE if same else MatchKind.SIMILAR
        transform = Transform(turn_degrees=90.0 * (t % 4), mirrored=t >= 4) if t else IDENTITY
        return Match(kind, round(similarity, 3), transform)

    def _crop(self, a: Fingerprint, b: Fingerprint) -> Match | None:
        """Accept the pair if one picture shows the inner part of the other."""
        if not self._t.crop_hash_distance:
            return None
        best, best_match = 0.0, None
        for whole, part, flip in ((a, b, False), (b, a, True)):  # "part" may be a crop of "whole"
            if not whole.has_inner:
                continue
            if bin(whole.inner_hash ^ part.phash).count("1") > self._t.crop_hash_distance:
                continue
            similarity = signature_similarity(whole.inner_signature_array(), part.signature_array())
            if similarity > best:
                best = similarity
                cropped = Transform(first_shown=_INNER_SHOWN)
                best_match = Match(
                    MatchKind.SIMILAR, round(similarity, 3), cropped.inverse() if flip else cropped
                )
        return best_match if best >= self._t.crop_min_similarity else None
