"""Turning verified pairs into keeper-centred groups, deterministically and without chaining.

Every member of a group matched its group's keeper directly: a run of gradually changing shots
never merges into one giant group of unlike pictures. Groups are recomputed per connected
component when new pairs arrive, so they can be shown while the scan runs, and the final
grouping depends only on the pairs, never on the order files were processed in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import replace

from lookalike.core.events import GroupFound, GroupRemoved, GroupUpdated
from lookalike.core.matching.kinds import Match, strength
from lookalike.core.model import Group, MatchKind, Member

RankKey = Callable[[Member], tuple[Hashable, ...]]


def keeper_rank_exact(m: Member) -> tuple[Hashable, ...]:
    """Identical files: reference folders first, then the oldest, then the shortest path."""
    return (not m.is_reference, m.mtime_ns, len(m.path), m.path)


def keeper_rank_similar(m: Member) -> tuple[Hashable, ...]:
    """Similar photos: reference folders first, then most pixels, largest file, EXIF present,
    oldest, shortest path."""
    return (not m.is_reference, -m.pixels, -m.size, not m.taken, m.mtime_ns, len(m.path), m.path)


class Grouper:
    """Collects verified pairs and yields group events as the grouping changes."""

    def __init__(self, rank: RankKey) -> None:
        self._rank = rank
        self._members: dict[str, Member] = {}  # path -> member facts (match/score set per group)
        self._edges: dict[str, dict[str, Match]] = defaultdict(dict)
        self._parent: dict[str, str] = {}
        self._nodes_of_root: dict[str, list[str]] = {}
        self._dirty: set[str] = set()  # component roots to regroup
        self._groups_of_root: dict[str, list[Group]] = {}
        self._next_id = 1
        self._id_of_keeper: dict[str, int] = {}

    # -- union-find over paths, for connected components ------------------------------------

    def _find(self, p: str) -> str:
        root = p
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[p] != root:
            self._parent[p], p = root, self._parent[p]
        return root

    def _union(self, a: str, b: str) -> str:
        ra, rb = self._find(a), self._find(b)
        if ra == rb:
            return ra
        if len(self._nodes_of_root[ra]) < len(self._nodes_of_root[rb]):
            ra, rb = rb, ra  # the smaller component joins the larger one
        self._parent[rb] = ra
        self._nodes_of_root[ra].extend(self._nodes_of_root.pop(rb))
        # Groups of the absorbed component are now the merged component's to replace.
        self._groups_of_root.setdefault(ra, []).extend(self._groups_of_root.pop(rb, []))
        self._dirty.discard(rb)
        return ra

    # -- input -------------------------------------------------------------------------------

    def add_pair(self, a: Member, b: Member, match: Match) -> None:
        for m in (a, b):
            if m.path not in self._parent:
                self._members[m.path] = m
                self._parent[m.path] = m.path
                self._nodes_of_root[m.path] = [m.path]
        known = self._edges[a.path].get(b.path)
        if known is not None and strength(known) >= strength(match):
            return  # found again by a weaker test (e.g. as a crop after matching whole)
        self._edges[a.path][b.path] = match
        self._edges[b.path][a.path] = match.reversed()
        self._dirty.add(self._union(a.path, b.path))

    def add_pairs(self, pairs: Iterable[tuple[Member, Member, Match]]) -> None:
        for a, b, match in pairs:
            self.add_pair(a, b, match)

    # -- output ------------------------------------------------------------------------------

    def flush(self) -> list[GroupFound | GroupUpdated | GroupRemoved]:
        """Regroup the components that changed; return what changed for the listeners."""
        events: list[GroupFound | GroupUpdated | GroupRemoved] = []
        for root in sorted(self._dirty):
            old = {g.keeper.path: g for g in self._groups_of_root.get(root, [])}
            new = self._group_component(self._nodes_of_root[root])
            for group in new:
                before = old.pop(group.keeper.path, None)
                if before is None:
                    events.append(GroupFound(group))
                elif before != group:
                    events.append(GroupUpdated(group))
            for gone in old.values():
                self._id_of_keeper.pop(gone.keeper.path, None)
                events.append(GroupRemoved(gone.id))
            self._groups_of_root[root] = new
        self._dirty.clear()
        return events

    def groups(self) -> list[Group]:
        """The current groups, largest reclaimable space first."""
        out = [g for gs in self._groups_of_root.values() for g in gs]
        return sorted(out, key=lambda g: (-g.reclaimable_bytes, g.keeper.path))

    def _group_component(self, nodes: list[str]) -> list[Group]:
        """Greedy keeper-first grouping: the best-ranked unassigned file takes every unassigned
        file it matched directly. Deterministic: depends only on ranks and pairs."""
        position = {
            p: i for i, p in enumerate(sorted(nodes, key=lambda p: self._rank(self._members[p])))
        }
        assigned: set[str] = set()
        groups: list[Group] = []
        for keeper in sorted(position, key=position.__getitem__):
            if keeper in assigned:
                continue
            mates = sorted(
                (p for p in self._edges[keeper] if p not in assigned), key=position.__getitem__
            )
            if not mates:
                continue
            assigned.add(keeper)
            assigned.update(mates)
            k = self._members[keeper]
            members = [_with_match(k, Match(MatchKind.KEEPER, 1.0))]
            members += [_with_match(self._members[p], self._edges[keeper][p]) for p in mates]
            group_id = self._id_of_keeper.get(keeper)
            if group_id is None:
                group_id = self._id_of_keeper[keeper] = self._next_id
                self._next_id += 1
            groups.append(Group(group_id, tuple(members)))
        return groups


def _with_match(m: Member, match: Match) -> Member:
    if m.match == match.kind and m.score == match.score:
        return m
    return replace(m, match=match.kind, score=match.score)
