"""What a verified match says: how strongly two files are one picture, and how one was made
from the other (turned, mirrored, resized, cropped)."""

from __future__ import annotations

from dataclasses import dataclass, field

from lookalike.core.model import MatchKind


@dataclass(frozen=True, slots=True)
class Transform:
    """How the second file of a pair shows the first one's picture.

    The second picture is the first one mirrored left-right (if ``mirrored``), then turned
    clockwise by ``turn_degrees``, then scaled by ``scale``; ``first_shown`` is the fraction of
    the first picture's area that the second still shows (below 1: the second is a crop), and
    ``second_shown`` the fraction of the second's area that comes from the first (below 1: the
    second shows more, e.g. the first is its crop).
    """

    turn_degrees: float = 0.0
    mirrored: bool = False
    scale: float = 1.0
    first_shown: float = 1.0
    second_shown: float = 1.0

    def inverse(self) -> Transform:
        """The same relation seen from the second file."""
        # Undoing "mirror, then turn by a" is "turn back by a, then mirror", which equals
        # "mirror, then turn by a" again; without a mirror it is a turn by -a.
        turn = self.turn_degrees if self.mirrored else (-self.turn_degrees) % 360.0
        return Transform(
            turn_degrees=turn,
            mirrored=self.mirrored,
            scale=1.0 / self.scale if self.scale else 0.0,
            first_shown=self.second_shown,
            second_shown=self.first_shown,
        )


IDENTITY = Transform()


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
