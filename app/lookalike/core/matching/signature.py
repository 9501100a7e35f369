"""The interim verifier: normalised correlation of the 16x16 signatures, in the orientation the
hashes agree on best, or of one picture's inner region against the other for crops.

It cannot tell low-detail pictures apart nor follow a small turn; `verify.py` (local features,
RANSAC and a pixel check) replaces it as the scan's verifier.
"""

from __future__ import annotations

from collections.abc import Sequence

from lookalike.core.matching.candidates import Candidate, Evidence
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


# Bump when a change moves what ``measure`` computes; cached evidence is then measured again.
_VERSION = 1
_NONE = -1.0  # a crop direction that cannot be measured (no inner region)


class SignatureVerifier:
    """Accepts a candidate when its signatures correlate above the sensitivity's threshold.

    The evidence of a pair is ``(turn, distance, similarity)`` for the whole pictures in the
    orientation the hashes agree on best, then ``(distance, similarity)`` for the first's inner
    region against the second, and the same the other way round (``-1`` where a picture has no
    inner region): everything every sensitivity level reads.
    """

    def __init__(self, thresholds: Thresholds, find_rotated: bool) -> None:
        self._t = thresholds
        self._orientations = range(8) if find_rotated else range(1)
        self.version = f"signature-{_VERSION}-{'turns' if find_rotated else 'upright'}"

    def measure(self, candidates: Sequence[Candidate]) -> list[Evidence]:
        return [self._whole(c.first, c.second) + self._crops(c.first, c.second) for c in candidates]

    def accept(self, evidence: Evidence) -> Match | None:
        whole, crop = self._accept_whole(evidence[:3]), self._accept_crop(evidence[3:])
        found = [m for m in (whole, crop) if m]
        return max(found, key=strength) if found else None

    def _whole(self, a: Fingerprint, b: Fingerprint) -> Evidence:
        variants = a.hash_variants()
        distances = [bin(int(variants[t]) ^ b.phash).count("1") for t in self._orientations]
        t = min(self._orientations, key=lambda i: (distances[i], i))
        similarity = signature_similarity(orient(a.signature_array(), t), b.signature_array())
        return (float(t), float(distances[t]), similarity)

    def _crops(self, a: Fingerprint, b: Fingerprint) -> Evidence:
        """Whether one picture shows the inner part of the other, both ways round."""
        out: list[float] = []
        for whole, part in ((a, b), (b, a)):  # "part" may be a crop of "whole"
            if not whole.has_inner:
                out += [_NONE, _NONE]
                continue
            distance = bin(whole.inner_hash ^ part.phash).count("1")
            similarity = signature_similarity(whole.inner_signature_array(), part.signature_array())
            out += [float(distance), similarity]
        return tuple(out)

    def _accept_whole(self, evidence: Evidence) -> Match | None:
        turn, distance, similarity = evidence
        t = int(turn)
        if distance > self._t.max_hash_distance or similarity < self._t.min_similarity:
            return None
        same = (
            t == 0
            and distance <= SAME_PICTURE_MAX_DISTANCE
            and similarity >= SAME_PICTURE_MIN_SIMILARITY
        )
        kind = MatchKind.SAME_PICTURE if same else MatchKind.SIMILAR
        transform = Transform(turn_degrees=90.0 * (t % 4), mirrored=t >= 4) if t else IDENTITY
        return Match(kind, round(similarity, 3), transform)

    def _accept_crop(self, evidence: Evidence) -> Match | None:
        if not self._t.crop_hash_distance:
            return None
        best, best_match = 0.0, None
        for flip, (distance, similarity) in enumerate((evidence[:2], evidence[2:])):
            if distance == _NONE or distance > self._t.crop_hash_distance:
                continue
            if similarity > best:
                best = similarity
                cropped = Transform(first_shown=_INNER_SHOWN)
                best_match = Match(
                    MatchKind.SIMILAR, round(similarity, 3), cropped.inverse() if flip else cropped
                )
        return best_match if best >= self._t.crop_min_similarity else None
