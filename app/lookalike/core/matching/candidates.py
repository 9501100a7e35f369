"""The two seams of the matching pipeline: what proposes candidate pairs, and what verifies them.

A `CandidateSource` indexes fingerprints as they arrive and proposes pairs worth verifying,
without comparing all pairs. A `Verifier` measures a pair (evidence the fingerprint cache
keeps, whatever the sensitivity) and decides from that evidence whether the pair shows one
picture, returning the `Match` (kind, score, transform). `matcher.Matcher` runs every source
over each batch of fingerprints and verifies the pairs the grouping asks about.

Both must not depend on the order images arrive in, or a rescan (fingerprints from the cache, in
another order) would group differently from the first scan: a source proposes a pair by a
symmetric rule, whichever of the two came first, and a verifier gives one answer per unordered
pair (the matcher always hands it a pair in the same order).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np
import numpy.typing as npt

from lookalike.core.matching.kinds import Match

if TYPE_CHECKING:  # the fingerprint module computes region hashes with `regions`
    from lookalike.core.matching.fingerprint import Fingerprint

Ids = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Proposals:
    """Pairs of image ids, as parallel arrays (one row per pair)."""

    first: Ids
    second: Ids

    def __len__(self) -> int:
        return int(self.first.shape[0])

    @classmethod
    def empty(cls) -> Proposals:
        """No pairs."""
        none = np.zeros(0, dtype=np.int64)
        return cls(none, none.copy())


@dataclass(frozen=True, slots=True)
class Candidate:
    """A pair worth verifying."""

    first: Fingerprint
    second: Fingerprint


class CandidateSource(Protocol):
    """Proposes pairs among the fingerprints seen so far, by a rule symmetric in the pair."""

    name: str

    def add(self, ids: Ids, batch: Sequence[Fingerprint]) -> Proposals:
        """Index a batch (``ids[i]`` is the id of ``batch[i]``; ids grow from 0 in the order
        images arrive) and propose the pairs that involve one of them (all of them, but for
        those `finish` gives)."""
        ...

    def finish(self) -> Iterator[Proposals]:
        """Once every image is in: the pairs `add` left out, a batch at a time (a source that
        searches only once all images are in gives them here; others give none)."""
        ...


Evidence = tuple[float, ...]
"""What a verifier measured about a pair, before any sensitivity judged it: plain numbers, so the
fingerprint cache can keep it and a regroup at another sensitivity needs no new measurement."""


class Verifier(Protocol):
    """Decides which candidates show one picture, in two steps: ``measure`` (the costly part,
    the same at every sensitivity, cached per pair) and ``accept`` (this level's judgement)."""

    @property
    def version(self) -> str:
        """Names what ``measure`` computes; cached evidence of another version is measured
        again."""
        ...

    def measure(self, candidates: Sequence[Candidate]) -> list[Evidence]:
        """One measurement per candidate, of ``candidate.first`` against ``candidate.second``."""
        ...

    def accept(self, evidence: Evidence) -> Match | None:
        """The match the evidence proves at this verifier's sensitivity, or None when it is not
        the same picture. The match's transform maps the first onto the second."""
        ...
