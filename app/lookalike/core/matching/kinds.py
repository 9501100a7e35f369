"""What a verified match says: how strongly two files are one picture, and how one was made
from the other (turned, mirrored, resized, cropped, recoloured, marked: a ``Transform``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from lookalike.core.model import IDENTITY, MatchKind, Transform

# Transform lives with the engine's other records (a Member carries one); it is named here too
# because it is half of what a match says.
__all__ = ["IDENTITY", "Match", "Transform", "strength"]


@dataclass(frozen=True, slots=True)
class Match:
    """A verified relation between two files; ``transform`` maps the first onto the second."""

    kind: MatchKind
    score: float
    transform: Transform = field(default=IDENTITY)

    def reversed(self) -> Match:
        """The same match seen from the second file."""
        if self.transform == IDENTITY:
            return self
        return Match(self.kind, self.score, self.transform.inverse())


# How much a match proves, weakest first: a pair found twice keeps its strongest match.
_KIND_STRENGTH = {MatchKind.SIMILAR: 0, MatchKind.SAME_PICTURE: 1, MatchKind.IDENTICAL: 2}


def strength(match: Match) -> tuple[int, float]:
    """Order of matches by what they prove: kind first, then score."""
    return _KIND_STRENGTH.get(match.kind, 0), match.score
