"""The grouping (`lookalike.core.grouping`) on its own: no chaining, byte copies kept whole, and
streamed groups equal to the batch rule over the same pairs whatever the arrival order.

Most tests give the grouper a match graph (which pairs are candidates, which of those verify) and
compare its streamed result with the rule written out plainly here; one test runs it on real
files with the real matcher.
"""

from __future__ import annotations

import itertools
import math
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from lookalike.core.events import GroupFound, GroupRemoved, GroupUpdated
from lookalike.core.grouping import Grouper, Ids
from lookalike.core.matching.kinds import Match, Transform
from lookalike.core.matching.matcher import Matcher
from lookalike.core.model import Group, MatchKind, Member, Sensitivity
from lookalike.core.ranking import keeper_rank
from tests import images
from tests.core.test_matching import fingerprints

Shape = set[tuple[str, frozenset[tuple[str, str, float]]]]


def member(path: str, rng: random.Random) -> Member:
    """A file with random keeper-rank facts (a few share a size or date, so later keys count)."""
    return Member(
        path=path,
        size=rng.choice((1000, 2000, 3000)),
        mtime_ns=rng.choice((1, 2, 3)) * 10**18,
        width=rng.choice((400, 800)),
        height=300,
        match=MatchKind.KEEPER,
        score=1.0,
        is_reference=rng.random() < 0.1,
        taken=rng.choice(("", "2021:06:01 12:00:00")),
    )


@dataclass
class Library:
    """Pictures (each with one or more byte-identical files) and their match graph."""

    files: list[list[Member]]
    candidates: set[tuple[int, int]]  # unordered pairs, smaller id first
    verified: dict[tuple[int, int], Match]  # a subset; the match maps the smaller id onto the other
    asked: list[tuple[int, int]] = field(default_factory=list)
    calls: int = 0  # how many times the grouping waited for answers
    seconds_a_pair: float = 0.0  # what a measurement costs (the real verifier reads two files)

    def verify(self, pairs: Sequence[tuple[int, int]]) -> list[Match | None]:
        self.calls += 1
        time.sleep(self.seconds_a_pair * len(pairs))
        out = []
        for a, b in pairs:
            key = (min(a, b), max(a, b))
            assert key in self.candidates, "only candidate pairs are verified"
            self.asked.append(key)
            m = self.verified.get(key)
            out.append(m if m is None or a < b else m.reversed())
        return out

    def rank(self, p: int) -> tuple[object, ...]:
        return min(keeper_rank(m) for m in self.files[p])


def random_library(rng: random.Random, n: int, p_candidate: float, p_verified: float) -> Library:
    files = [
        [member(f"/p{p:03d}/copy{c}.jpg", rng) for c in range(rng.choice((1, 1, 1, 2, 3)))]
        for p in range(n)
    ]
    candidates = {
        (a, b) for a, b in itertools.combinations(range(n), 2) if rng.random() < p_candidate
    }
    verified = {
        pair: Match(MatchKind.SIMILAR, round(rng.uniform(0.9, 1.0), 3), Transform(turn_degrees=90))
        for pair in sorted(candidates)
        if rng.random() < p_verified
    }
    return Library(files, candidates, verified)


def batch_rule(lib: Library) -> Shape:
    """The rule as written in the module docstring: best first, a picture joins the best earlier
    keeper it matched, or is a keeper; copies of the keeper are identical."""
    keepers: list[int] = []
    boss: dict[int, int] = {}
    for p in sorted(range(len(lib.files)), key=lib.rank):
        matched = [k for k in keepers if (min(k, p), max(k, p)) in lib.verified]
        boss[p] = matched[0] if matched else p
        if not matched:
            keepers.append(p)
    shape: Shape = set()
    for k in keepers:
        files = sorted(lib.files[k], key=keeper_rank)
        rows = {(f.path, "identical", 1.0) for f in files[1:]}
        for p in (p for p in boss if boss[p] == k and p != k):
            match = lib.verified[min(k, p), max(k, p)]
            rows |= {(f.path, match.kind.value, match.score) for f in lib.files[p]}
        if rows:
            shape.add((files[0].path, frozenset(rows)))
    return shape


def shape(groups: Sequence[Group]) -> Shape:
    return {
        (g.keeper.path, frozenset((m.path, m.match.value, m.score) for m in g.duplicates))
        for g in groups
    }


def stream(
    lib: Library, rng: random.Random, late_share: float = 0.0
) -> tuple[Grouper, dict[int, Group]]:
    """Feed the library's files in a random order and random batches, the way a scan does: the
    first file of a picture enters the candidate search, a later one is a copy; ``late_share``
    of the candidate pairs come only at the end (as the region search gives the pairs whose
    copy came first). Returns the grouper and the groups its events describe."""
    late = {pair for pair in sorted(lib.candidates) if rng.random() < late_share}
    arrived: dict[int, list[Member]] = {}
    known: set[int] = set()

    mates: dict[int, list[int]] = {p: [] for p in range(len(lib.files))}
    for a, b in sorted(lib.candidates):
        mates[a].append(b)
        mates[b].append(a)

    def neighbours(p: int) -> Ids:
        return np.array([q for q in mates[p] if q in known], dtype=np.int64)

    grouper = Grouper(keeper_rank, lambda p: list(arrived[p]), lib.verify, neighbours)
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
        pairs = [
            (a, b)
            for a in new
            for b in mates[a]
            if (b in known or (b in new and a < b)) and (min(a, b), max(a, b)) not in late
        ]
        known.update(new)
        first = np.array([a for a, _ in pairs], dtype=np.int64)
        second = np.array([b for _, b in pairs], dtype=np.int64)
        grouper.add_candidates(new, first, second)
        grouper.add_files(copies)
        if start == len(order):
            grouper.add_late(
                np.array([a for a, _ in sorted(late)], dtype=np.int64),
                np.array([b for _, b in sorted(late)], dtype=np.int64),
            )
        if rng.random() < 0.5 or start == len(order):
            for e in grouper.flush():
                if isinstance(e, GroupFound | GroupUpdated):
                    events[e.group.id] = e.group
                elif isinstance(e, GroupRemoved):
                    del events[e.group_id]
    return grouper, events


def test_streamed_groups_equal_the_batch_rule_in_any_order() -> None:
    for seed in range(60):
        rng = random.Random(seed)
        lib = random_library(rng, rng.randint(2, 40), rng.choice((0.05, 0.2, 0.6)), 0.7)
        expected = batch_rule(lib)
        for late_share in (0.0, 0.0, 0.3):
            grouper, events = stream(lib, rng, late_share)
            assert shape(grouper.groups()) == expected, seed
            assert shape(list(events.values())) == expected, seed  # the events tell the same


def test_no_chaining_every_member_matched_its_keeper() -> None:
    """A chain a-b-c-d-e where only neighbours match: never one group of five."""
    rng = random.Random(1)
    files = [[member(f"/chain/{name}.jpg", rng)] for name in "abcde"]
    pairs = {(i, i + 1) for i in range(4)}
    match = Match(MatchKind.SIMILAR, 0.95)
    lib = Library(files, pairs | {(0, 2), (1, 3), (2, 4)}, dict.fromkeys(pairs, match))
    for _ in range(20):
        grouper, _ = stream(lib, rng)
        groups = grouper.groups()
        assert groups
        assert shape(groups) == batch_rule(lib)
        for g in groups:
            k = "abcde".index(g.keeper.path[-5])
            for m in g.duplicates:
                i = "abcde".index(m.path[-5])
                assert (min(i, k), max(i, k)) in pairs


def test_every_byte_copy_is_in_the_group_as_identical() -> None:
    """Six copies of a picture and two of a similar one: one group of eight; the keeper's
    copies are identical, the similar picture's copies carry its match."""
    rng = random.Random(2)
    files = [
        [member(f"/a/copy{c}.jpg", rng) for c in range(6)],
        [member(f"/b/copy{c}.jpg", rng) for c in range(2)],
    ]
    match = Match(MatchKind.SAME_PICTURE, 0.99)
    lib = Library(files, {(0, 1)}, {(0, 1): match})
    for _ in range(20):
        grouper, _ = stream(lib, rng)
        (group,) = grouper.groups()
        assert len(group.members) == 8
        keeper_dir = Path(group.keeper.path).parent
        kinds = {m.path: m.match for m in group.duplicates if Path(m.path).parent == keeper_dir}
        assert set(kinds.values()) == {MatchKind.IDENTICAL}
        assert len(kinds) == 5
        others = [m for m in group.duplicates if Path(m.path).parent != keeper_dir]
        assert len(others) in (2, 6)
        assert {m.match for m in others} == {MatchKind.SAME_PICTURE}


def test_a_burst_is_verified_once_a_picture_not_once_a_pair() -> None:
    """Hundreds of mutually matching pictures: every pair is a candidate, but the grouping asks
    about a few pairs per picture (those with the keeper as it changes), not all of them."""
    rng = random.Random(3)
    n = 300
    files = [[member(f"/burst/{p:04d}.jpg", rng)] for p in range(n)]
    everything = set(itertools.combinations(range(n), 2))
    lib = Library(files, everything, dict.fromkeys(everything, Match(MatchKind.SIMILAR, 0.97)))
    grouper, _ = stream(lib, rng)
    (group,) = grouper.groups()
    assert len(group.members) == n
    # Each picture meets the keeper of its time, and each new best keeper meets the rest: about
    # n * (1 + ln n) asks when pictures come in a random order, against n * (n - 1) / 2 pairs.
    assert len(lib.asked) < 2 * n * (1 + math.log(n))
    assert len(lib.asked) < len(everything) / 10


def test_pictures_waiting_together_are_verified_together() -> None:
    """A rescan gives every picture at once: when answers take a measurement, the grouping
    asks about the pairs of the next pictures waiting side by side (so the verifier's processes
    work in parallel), not one pair at a time, and still groups by the rule."""
    rng = random.Random(4)
    n = 240
    files = [[member(f"/pairs/{p:04d}.jpg", rng)] for p in range(n)]
    pairs = {(p, p + 1) for p in range(0, n, 2)} | {(p, p + 2) for p in range(0, n - 2, 4)}
    verified = {
        pair: Match(MatchKind.SIMILAR, 0.95) for pair in sorted(pairs) if rng.random() < 0.6
    }
    lib = Library(files, pairs, verified, seconds_a_pair=0.005)
    mates: dict[int, list[int]] = {p: [] for p in range(n)}
    for a, b in sorted(pairs):
        mates[a] += [b]
        mates[b] += [a]
    grouper = Grouper(
        keeper_rank,
        lambda p: list(files[p]),
        lib.verify,
        lambda p: np.array(mates[p], dtype=np.int64),
    )
    first = np.array([a for a, _ in sorted(pairs)], dtype=np.int64)
    second = np.array([b for _, b in sorted(pairs)], dtype=np.int64)
    grouper.add_candidates(list(range(n)), first, second)
    grouper.flush()
    assert shape(grouper.groups()) == batch_rule(lib)
    assert len(set(lib.asked)) > 60
    assert lib.calls < len(set(lib.asked)) / 4


def test_real_files_group_the_same_in_any_order(tmp_path: Path) -> None:
    """Real photos through the real matcher: copies of two photos, views of one scene that chain
    (each next to the previous only), an unrelated photo; byte copies included."""
    a, b = images.photo(51, 640, 480), images.photo(52, 640, 480)
    scene = images.photo(53, 1200, 600)
    made = {
        "a.jpg": a,
        "a-half.jpg": images.resize(a, 0.5),
        "a-turned.jpg": images.rotate90(a),
        "b.jpg": b,
        "b-mirrored.jpg": images.mirror(b),
        "other.jpg": images.photo(54, 640, 480),
    }
    made |= {f"view{i}.jpg": images.window(scene, 0.01 * i, 0.5) for i in range(5)}
    paths = [images.save(tmp_path / name, img) for name, img in made.items()]
    for name in ("a.jpg", "a.jpg", "view2.jpg"):
        copy = tmp_path / f"copy{len(paths)}-{name}"
        copy.write_bytes((tmp_path / name).read_bytes())
        paths.append(copy)
    prints = fingerprints(paths)
    by_bytes = {p.read_bytes(): i for i, p in reversed(list(enumerate(paths)))}
    picture_of = [by_bytes[p.read_bytes()] for p in paths]
    members = [
        Member(str(p), p.stat().st_size, 10**18, fp.width, fp.height, MatchKind.KEEPER, 1.0)
        for p, fp in zip(paths, prints, strict=True)
    ]

    def scan_in(order: list[int]) -> Shape:
        matcher = Matcher(Sensitivity.NORMAL, find_rotated=True)
        arrived: dict[int, list[Member]] = {}
        grouper = Grouper(keeper_rank, lambda p: arrived[p], matcher.verify, matcher.neighbours)
        for i in order:
            picture = picture_of[i]
            copy = picture in arrived
            arrived.setdefault(picture, []).append(members[i])
            if copy:
                grouper.add_files([picture])
            else:
                found = matcher.add([picture], [str(picture)], [prints[i]])
                grouper.add_candidates([picture], found.first, found.second)
        for late in matcher.finish():
            grouper.add_late(late.first, late.second)
        grouper.flush()
        groups = grouper.groups()
        for g in groups:  # no chaining: each member verifies against its keeper
            k = next(i for i, m in enumerate(members) if m.path == g.keeper.path)
            for m in g.duplicates:
                i = next(i for i, x in enumerate(members) if x.path == m.path)
                if picture_of[i] != picture_of[k]:
                    (match,) = matcher.verify([(picture_of[k], picture_of[i])])
                    assert match is not None
                    assert match.kind.value == m.match.value
        return shape(groups)

    rng = random.Random(4)
    reference = scan_in(list(range(len(paths))))
    names = {frozenset(Path(p).name for p, _, _ in rows) | {Path(k).name} for k, rows in reference}
    assert {"a.jpg", "a-half.jpg", "a-turned.jpg"} <= next(g for g in names if "a.jpg" in g)
    assert sum(len(g) for g in names if "a.jpg" in g) == 5  # two byte copies of a.jpg too
    assert not any({"view0.jpg", "view2.jpg"} <= g for g in names)  # not chained
    for _ in range(12):
        order = list(range(len(paths)))
        rng.shuffle(order)
        assert scan_in(order) == reference
