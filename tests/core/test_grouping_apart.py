"""The grouping with pictures kept apart ("not duplicates"): streamed in any order, the groups
equal the batch rule, and no group ever holds two pictures kept apart."""

from __future__ import annotations

import itertools
import random

import numpy as np

from lookalike.core.events import GroupFound, GroupRemoved, GroupUpdated
from lookalike.core.grouping import Grouper, Ids
from lookalike.core.model import Group, Member
from lookalike.core.ranking import keeper_rank
from tests.core.test_grouping import Library, Shape, random_library, shape


def batch_rule(lib: Library, apart: dict[int, set[int]]) -> Shape:
    """Best first, a picture joins the best earlier keeper it matched whose group so far holds
    nothing kept apart from it (the keeper included), or is a keeper."""
    keepers: list[int] = []
    boss: dict[int, int] = {}
    for p in sorted(range(len(lib.files)), key=lib.rank):
        matched = [
            k
            for k in keepers
            if (min(k, p), max(k, p)) in lib.verified
            and not any(q == k or boss.get(q) == k for q in apart.get(p, ()))
        ]
        boss[p] = matched[0] if matched else p
        if not matched:
            keepers.append(p)
    out: Shape = set()
    for k in keepers:
        files = sorted(lib.files[k], key=keeper_rank)
        rows = {(f.path, "identical", 1.0) for f in files[1:]}
        for p in (p for p in boss if boss[p] == k and p != k):
            match = lib.verified[min(k, p), max(k, p)]
            rows |= {(f.path, match.kind.value, match.score) for f in lib.files[p]}
        if rows:
            out.add((files[0].path, frozenset(rows)))
    return out


def stream(lib: Library, apart: dict[int, set[int]], rng: random.Random) -> list[Group]:
    """The pictures in a random order and random batches, as a scan feeds them."""
    arrived: dict[int, list[Member]] = {}
    known: set[int] = set()
    mates: dict[int, list[int]] = {p: [] for p in range(len(lib.files))}
    for a, b in sorted(lib.candidates):
        mates[a].append(b)
        mates[b].append(a)

    def neighbours(p: int) -> Ids:
        return np.array([q for q in mates[p] if q in known], dtype=np.int64)

    def kept_apart(p: int) -> set[int]:
        return {q for q in apart.get(p, ()) if q in arrived}

    def verify(pairs: list[tuple[int, int]]) -> list[object]:
        return [
            None if b in apart.get(a, ()) else m
            for (a, b), m in zip(pairs, lib.verify(pairs), strict=False)
        ]

    grouper = Grouper(keeper_rank, lambda p: list(arrived[p]), verify, neighbours, kept_apart)
    events: dict[int, Group] = {}
    order = [(p, f) for p, fs in enumerate(lib.files) for f in fs]
    rng.shuffle(order)
    start = 0
    while start < len(order):
        batch = order[start : start + rng.randint(1, 6)]
        start += len(batch)
        new: list[int] = []
        copies: list[int] = []
        for p, f in batch:
            arrived.setdefault(p, []).append(f)
            (copies if p in known or p in new else new).append(p)
        pairs = [(a, b) for a in new for b in mates[a] if b in known or (b in new and a < b)]
        known.update(new)
        grouper.add_candidates(
            new,
            np.array([a for a, _ in pairs], dtype=np.int64),
            np.array([b for _, b in pairs], dtype=np.int64),
        )
        grouper.add_files(copies)
        if rng.random() < 0.5 or start == len(order):
            for e in grouper.flush():
                if isinstance(e, GroupFound | GroupUpdated):
                    events[e.group.id] = e.group
                elif isinstance(e, GroupRemoved):
                    del events[e.group_id]
    assert shape(list(events.values())) == shape(grouper.groups())  # the events tell the same
    return grouper.groups()


def test_pictures_kept_apart_never_share_a_group_and_match_the_batch_rule() -> None:
    for seed in range(80):
        rng = random.Random(seed)
        n = rng.randint(3, 30)
        lib = random_library(rng, n, rng.choice((0.2, 0.6, 0.9)), 0.8)
        apart: dict[int, set[int]] = {}
        for a, b in itertools.combinations(range(n), 2):
            if rng.random() < 0.15:
                apart.setdefault(a, set()).add(b)
                apart.setdefault(b, set()).add(a)
        expected = batch_rule(lib, apart)
        owner = {f.path: p for p, fs in enumerate(lib.files) for f in fs}
        for _ in range(3):
            groups = stream(lib, apart, rng)
            assert shape(groups) == expected, seed
            for g in groups:
                pictures = {owner[m.path] for m in g.members}
                for p in pictures:
                    assert not (apart.get(p, set()) & pictures), seed
