"""The two seams of the matching pipeline: what proposes candidate pairs, and what verifies them.

A `CandidateSource` indexes fingerprints as they arrive and proposes pairs worth verifying,
without comparing all pairs. A `Verifier` decides which of those pairs show one picture and
returns the `Match` (kind, score, transform). `matcher.Matcher` runs every source, then one
verifier, over each batch of fingerprints.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from lookalike.core.matching.fingerprint import Fingerprint
from lookalike.core.matching.kinds import Match

Ids = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Proposals:
    """Pairs of image ids proposed by one source, as parallel arrays (one row per pair)."""

    first: Ids
    second: Ids

    def __len__(self) -> int:
        return int(self.first.shape[0])


@dataclass(frozen=True, slots=True)
class Candidate:
    """A pair worth verifying, and the name of the source that proposed it."""

    first: Fingerprint
    second: Fingerprint
    source: str


class CandidateSource(Protocol):
    """Proposes pairs among the fingerprints seen so far."""

    name: str

    def add(self, ids: Ids, batch: Sequence[Fingerprint]) -> Proposals:
        """Index a batch (``ids[i]`` is the id of ``batch[i]``; ids grow from 0 in the order
        images arrive) and propose every pair that involves one of them."""
        ...


class Verifier(Protocol):
    """Decides which candidates show one picture."""

    def verify(self, candidates: Sequence[Candidate]) -> list[Match | None]:
        """One answer per candidate: the match found, or None when it is not the same picture.
        The match's transform maps ``candidate.first`` onto ``candidate.second``."""
        ...
