"""Turning candidate pairs into keeper-centred groups: no chaining, the same groups whatever order
the pictures arrive in, and a cost per update that does not grow with the size of a cluster.

Pictures, not files. The scan names each picture by an id: one content digest is one picture,
so every byte-identical copy of a member is in its group (``files_of`` lists a picture's files;
the best-ranked one stands for it). Groups are expanded into files only when they are emitted.

The rule, which is what a batch grouping of the same pairs gives. Sort the pictures by rank (the
keeper rank of their best file) and walk them best first: a picture that matched no earlier
keeper is a keeper; any other joins the best-ranked earlier keeper it matched. A group is a
keeper and the pictures that joined it (with their byte copies), so every member was verified
against its group's keeper: a run of gradually changing shots never chains into one group of
unlike pictures. In graph terms the keepers are the lexicographically first maximal independent
set of the match graph in rank order, and each other picture hangs on its first keeper.

Verified only when needed. A pair is verified when the rule needs its answer: a picture against
its earlier candidates that are keepers, best first, until one matches; a new keeper against its
later candidates that belong to a worse keeper (or are keepers themselves). In a burst of
thousands of mutually similar pictures that is one verification per picture, not one per pair,
and the answers equal those of verifying every pair, because the rule reads no other.

Kept up to date locally. A new picture is placed by the rule; only when it becomes a keeper can
others move: the later candidates it matched join it, and a keeper that joins it frees its
members, which are placed again (their full candidate lists come from ``neighbours``). Pictures
are settled in rank order from a heap, so each is placed once its betters are final, and the
result is the same fixpoint as the batch rule. Ranks are computed once per picture; a group's
members stay sorted by rank as they join and leave; ``flush`` rebuilds only the groups that
changed.

Kept apart. The user may say that two pictures are not duplicates (``apart``); then neither joins
a group that already holds the other: a picture joins the best-ranked earlier keeper it matched
whose group has no better-ranked picture kept apart from it. When a picture changes group, the
worse-ranked pictures kept apart from it are placed again, so the answer stays that of the batch
rule whatever the order.
"""

from __future__ import annotations

import bisect
import heapq
import time
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from lookalike.core.events import GroupFound, GroupRemoved, GroupUpdated
from lookalike.core.matching.kinds import Match
from lookalike.core.model import Group, MatchKind, Member

Rank = tuple[Hashable, ...]
RankKey = Callable[[Member], Rank]
Ids = npt.NDArray[np.int64]
FilesOf = Callable[[int], list[Member]]
Verify = Callable[[Sequence[tuple[int, int]]], list[Match | None]]
Neighbours = Callable[[int], Ids]
Apart = Callable[[int], Iterable[int]]

_AS_KEEPER = Match(MatchKind.KEEPER, 1.0)
_AS_IDENTICAL = Match(MatchKind.IDENTICAL, 1.0)
# Pictures waiting to be placed whose next verification is asked for together with the one the
# rule waits for (see `Grouper._prefetch`): enough to keep a few verifier processes busy, few
# enough that a change of keeper before their turn wastes little.
_PREFETCH_PICTURES = 8
# A waiting picture with more candidates than this is left out of the prefetch: finding its next
# question sorts its candidates, which in a dense cluster (thousands of look-alike skies) cost
# more than the answer, every time it is looked at again.
_PREFETCH_MAX_CANDIDATES = 64
# Answers faster than this a pair come from memory (a rescan's cached evidence): asking ahead
# then only costs the search for the next questions.
_COSTLY_ANSWER_S = 0.002
_NO_BOSS = -1  # a picture that lost its keeper and waits to be placed again
_ABSENT, _MEMBER, _KEEPER, _ARRIVING = 0, 1, 2, 3


class _Picture:
    """One picture's place in the grouping."""

    __slots__ = ("boss", "dirty", "files", "match", "members", "rank", "shown")

    def __init__(self, files: list[Member], rank: Rank) -> None:
        self.files = files  # best-ranked first
        self.rank = rank
        self.boss = _NO_BOSS  # its keeper: itself when it is one
        self.match: Match | None = None  # from its keeper's picture onto this one
        self.members: list[tuple[Rank, int]] = []  # a keeper's members, sorted by rank
        self.dirty = False  # waiting in the heap to be placed
        self.shown: tuple[Match | None, list[Member]] = (None, [])  # files as last shown

    def as_member(self) -> list[Member]:
        """The files as members of their keeper's group (made again only when they change)."""
        match, shown = self.shown
        if match is not self.match or len(shown) != len(self.files):
            assert self.match is not None
            shown = [_with_match(f, self.match) for f in self.files]
            self.shown = (self.match, shown)
        return shown


class Grouper:
    """Collects candidate pairs of pictures and yields group events as the grouping changes.

    Args:
        rank: the keeper rank of a file (smaller is better).
        files_of: the files of a picture so far (at least one).
        verify: answers candidate pairs of pictures (a match maps the first onto the second).
        neighbours: every candidate of a picture that has been given to the candidate search.
        apart: the pictures the user said are not duplicates of a picture (symmetric; only
            pictures known to the grouping count).
        first_id: the id of the first group (a grouping that replaces another one whose groups
            were shown starts after that one's `next_id`, so no id names two groups).
    """

    def __init__(
        self,
        rank: RankKey,
        files_of: FilesOf,
        verify: Verify | None = None,
        neighbours: Neighbours | None = None,
        apart: Apart | None = None,
        first_id: int = 1,
    ) -> None:
        self._rank = rank
        self._files_of = files_of
        self._verify = verify
        self._neighbours = neighbours
        self._apart = apart
        self._heap: list[tuple[Rank, int]] = []  # pictures waiting to be placed, best first
        self._pictures: dict[int, _Picture] = {}
        self._state = bytearray()  # by picture id: _ABSENT, _MEMBER (or waiting) or _KEEPER
        self._verdicts: dict[tuple[int, int], Match | None] = {}  # during one settle
        self._costly = True  # the last answers took a measurement: worth asking ahead
        self._changed: set[int] = set()  # keepers whose group must be emitted again
        self._groups: dict[int, Group] = {}  # by keeper picture
        self._group_ids: dict[int, int] = {}
        self.next_id = first_id

    # -- input -------------------------------------------------------------------------------

    def add_candidates(self, new: Sequence[int], first: Ids, second: Ids) -> None:
        """Pictures ``new`` entered the candidate search, and these are their candidate pairs
        (picture ids): every pair with a picture seen before or with each other, each once."""
        ends = np.concatenate([first, second])
        others = np.concatenate([second, first])
        top = max(int(ends.max()) if ends.shape[0] else -1, max(new, default=-1))
        if top >= len(self._state):
            self._state.extend(bytes(top + 1 - len(self._state)))
        for p in new:
            if p in self._pictures:
                raise ValueError(f"picture {p} entered the candidate search before")
            self._state[p] = _ARRIVING
        state = np.frombuffer(self._state, dtype=np.uint8)
        ends_state = state[ends]
        del state  # releases the buffer, so the bytearray can grow again
        for p in np.unique(ends[ends_state == _ABSENT]).tolist():
            # Seen before with no candidate until now: it was a keeper of its own.
            self._add_picture(p, keeper=True)
        # A new picture has no candidate but these, so its rows are all it has.
        wanted = ends_state == _ARRIVING
        ends, others = ends[wanted], others[wanted]
        order = np.argsort(ends, kind="stable")
        ends, others = ends[order], others[order]
        rows: dict[int, Ids] = {}
        if ends.shape[0]:
            starts = np.flatnonzero(np.r_[True, ends[1:] != ends[:-1]])
            stops = np.r_[starts[1:], ends.shape[0]]
            for start, stop in zip(starts.tolist(), stops.tolist(), strict=True):
                rows[int(ends[start])] = others[start:stop]
        for p in new:
            if p in rows:
                self._add_picture(p, keeper=False)
            else:  # nothing to compare with yet: not part of the grouping
                self._state[p] = _ABSENT
        self._settle([p for p in new if p in rows], rows)

    def add_late(self, first: Ids, second: Ids) -> None:
        """Candidate pairs of pictures already given, that the candidate search could not give
        when they arrived (a copy that came before its original). Both ends are placed again
        with all their candidates (from ``neighbours``)."""
        ends = np.unique(np.concatenate([first, second])).tolist()
        for p in ends:
            if p not in self._pictures:
                self._add_picture(p, keeper=True)
        self._settle(ends, {})

    def add_files(self, pictures: Iterable[int]) -> None:
        """These pictures have more files than before (``files_of`` says which)."""
        moved = []
        for p in pictures:
            node = self._pictures.get(p)
            if node is None:  # no candidate yet: a keeper of its own copies
                self._add_picture(p, keeper=True)
                self._changed.add(p)
                continue
            files = sorted(self._files_of(p), key=self._rank)
            rank = self._rank(files[0])
            node.files = files
            if rank == node.rank:
                self._changed.add(node.boss)
                continue
            # A better copy now stands for the picture: it may lead others or join another.
            self._detach(p)
            node.rank = rank
            self._changed.add(p)
            moved.append(p)
        self._settle(moved, {})

    # -- output ------------------------------------------------------------------------------

    def flush(self) -> list[GroupFound | GroupUpdated | GroupRemoved]:
        """The groups that changed since the last flush, as events for the listeners."""
        events: list[GroupFound | GroupUpdated | GroupRemoved] = []
        for keeper in sorted(self._changed):
            group = self._build(keeper)
            before = self._groups.get(keeper)
            if group is None:
                if before is not None:
                    del self._groups[keeper]
                    del self._group_ids[keeper]
                    events.append(GroupRemoved(before.id))
                continue
            if before is None:
                events.append(GroupFound(group))
            elif before != group:
                events.append(GroupUpdated(group))
            self._groups[keeper] = group
        self._changed.clear()
        return events

    def groups(self) -> list[Group]:
        """The groups as of the last flush, largest reclaimable space first."""
        return sorted(self._groups.values(), key=lambda g: (-g.reclaimable_bytes, g.keeper.path))

    def _build(self, keeper: int) -> Group | None:
        node = self._pictures.get(keeper)
        if node is None or self._state[keeper] != _KEEPER:
            return None
        if len(node.files) < 2 and not node.members:
            return None
        members = [_with_match(node.files[0], _AS_KEEPER)]
        members += [_with_match(f, _AS_IDENTICAL) for f in node.files[1:]]
        for _, p in node.members:
            members += self._pictures[p].as_member()
        group_id = self._group_ids.get(keeper)
        if group_id is None:
            group_id = self._group_ids[keeper] = self.next_id
            self.next_id += 1
        return Group(group_id, tuple(members))

    # -- the rule ------------------------------------------------------------------------------

    def _add_picture(self, p: int, keeper: bool) -> None:
        files = sorted(self._files_of(p), key=self._rank)
        node = self._pictures[p] = _Picture(files, self._rank(files[0]))
        if p >= len(self._state):
            self._state.extend(bytes(p + 1 - len(self._state)))
        if keeper:
            node.boss = p
            self._state[p] = _KEEPER
        else:
            self._state[p] = _MEMBER

    def _settle(self, pictures: list[int], rows: dict[int, Ids]) -> None:
        """Place these pictures, and every picture their placing frees, in rank order."""
        for p in pictures:
            self._mark(p)
        heap = self._heap
        while heap:
            _, p = heapq.heappop(heap)
            node = self._pictures[p]
            if not node.dirty:
                continue  # pushed twice
            node.dirty = False
            candidates = rows.pop(p, None)
            if candidates is None:
                candidates = self._candidates(p)
            self._place(p, candidates, rows)
        self._verdicts.clear()

    def _mark(self, p: int) -> None:
        node = self._pictures[p]
        node.dirty = True
        heapq.heappush(self._heap, (node.rank, p))

    def _moved(self, p: int) -> None:
        """``p`` changed group: the worse pictures kept apart from it may be placed otherwise."""
        if self._apart is None:
            return
        rank = self._pictures[p].rank
        for q in self._apart(p):
            other = self._pictures.get(q)
            if other is not None and not other.dirty and other.rank > rank:
                self._mark(q)

    def _allowed(self, p: int, keeper: int) -> bool:
        """Whether ``p`` may join ``keeper``'s group: no better picture kept apart from ``p`` is
        that keeper or in its group."""
        if self._apart is None:
            return True
        rank = self._pictures[p].rank
        for q in self._apart(p):
            if q == keeper:
                return False
            other = self._pictures.get(q)
            if other is not None and other.boss == keeper and other.rank < rank:
                return False
        return True

    def _candidates(self, p: int) -> Ids:
        if self._neighbours is None:
            return np.zeros(0, dtype=np.int64)
        found = self._neighbours(p)
        for q in found.tolist():
            if q not in self._pictures:
                # Paired only by a late pair not given yet: a keeper of its own until then.
                self._add_picture(q, keeper=True)
        return found

    def _place(self, p: int, candidates: Ids, rows: dict[int, Ids]) -> None:
        node = self._pictures[p]
        was_keeper = self._state[p] == _KEEPER
        if not was_keeper:
            self._detach(p)
        for k in self._earlier_keepers(p, candidates):
            if not self._allowed(p, k):
                continue
            if self._costly and (k, p) not in self._verdicts and self._pictures[p].boss != k:
                self._prefetch((k, p), rows)
            match = self._check(k, p)
            if match is not None:
                if was_keeper:
                    self._demote(p)
                self._attach(p, k, match)
                return
        if not was_keeper:
            node.boss = p
            node.match = None
            self._state[p] = _KEEPER
            self._moved(p)
        self._changed.add(p)
        self._lead(p, candidates)

    def _earlier_keepers(self, p: int, candidates: Ids) -> list[int]:
        """The keepers among ``p``'s candidates that rank before it, best first."""
        rank = self._pictures[p].rank
        state = np.frombuffer(self._state, dtype=np.uint8)
        keepers = candidates[state[candidates] == _KEEPER].tolist()
        del state  # releases the buffer, so the bytearray can grow again
        earlier = sorted(
            (self._pictures[k].rank, k) for k in keepers if k != p and self._pictures[k].rank < rank
        )
        return [k for _, k in earlier]

    def _prefetch(self, pair: tuple[int, int], rows: dict[int, Ids]) -> None:
        """Verify ``pair`` together with the next question of each of the next few pictures
        waiting to be placed, so the verifier's workers answer them side by side.

        The rule asks one pair at a time and waits for the answer, which left all but one
        verifier process idle (a regroup at another level measured 2,162 new pairs one by one
        in 235 s on 10,000 files). Each waiting picture's next question is the first pair of
        its earlier keepers whose answer is not known yet, as `_place` will ask it if nothing
        changes before then; when something does, the answer is kept and only its work was
        spent in vain. The answers are the verifier's, so the groups are the same.
        """
        ask = [pair]
        waiting: list[tuple[Rank, int]] = []
        while self._heap and len(waiting) < _PREFETCH_PICTURES:
            entry = heapq.heappop(self._heap)
            waiting.append(entry)
            q = entry[1]
            if not self._pictures[q].dirty:
                continue
            question = self._next_question(q, rows)
            if question is not None and question not in ask:
                ask.append(question)
        for entry in waiting:
            heapq.heappush(self._heap, entry)
        for key, match in zip(ask, self._answers(ask), strict=True):
            self._verdicts[key] = match

    def _next_question(self, q: int, rows: dict[int, Ids]) -> tuple[int, int] | None:
        """The first pair `_place` would ask about ``q`` whose answer is not known, if the
        grouping stays as it is (None when a known answer already places it)."""
        candidates = rows.get(q)
        if candidates is not None and candidates.shape[0] > _PREFETCH_MAX_CANDIDATES:
            return None
        if candidates is None:
            if self._neighbours is None:
                return None
            found = self._neighbours(q)
            if found.shape[0] > _PREFETCH_MAX_CANDIDATES:
                return None
            # Without `_candidates`' side effect: pictures not yet known are not keepers yet.
            known = np.array([x in self._pictures for x in found.tolist()], dtype=bool)
            candidates = found[known] if found.shape[0] else found
        for k in self._earlier_keepers(q, candidates):
            if self._pictures[q].boss == k:
                return None  # it matched this keeper before: the answer is known
            if not self._allowed(q, k):
                continue
            if (k, q) not in self._verdicts:
                return (k, q)
            if self._verdicts[k, q] is not None:
                return None
        return None

    def _lead(self, p: int, candidates: Ids) -> None:
        """Keeper ``p`` takes every later candidate it matches that has a worse keeper."""
        node = self._pictures[p]
        takes = []
        for x in candidates.tolist():
            other = self._pictures[x]
            if x == p or other.dirty or other.rank < node.rank:
                continue  # a waiting picture finds p itself when it is placed
            boss = other.boss
            if (boss == x or self._pictures[boss].rank > node.rank) and self._allowed(x, p):
                takes.append(x)
        if not takes:
            return
        for x, match in zip(takes, self._check_many(p, takes), strict=True):
            if match is None or self._pictures[x].dirty:
                continue  # freed by an earlier take: it is placed again
            if self._state[x] == _KEEPER:
                self._demote(x)
            else:
                self._detach(x)
            self._attach(x, p, match)

    def _demote(self, p: int) -> None:
        """Keeper ``p`` joins another: its members must be placed again."""
        node = self._pictures[p]
        for _, m in node.members:
            self._pictures[m].boss = _NO_BOSS
            self._mark(m)
            self._moved(m)
        node.members = []
        self._state[p] = _MEMBER
        node.boss = _NO_BOSS
        self._changed.add(p)
        self._moved(p)

    def _attach(self, p: int, keeper: int, match: Match) -> None:
        node = self._pictures[p]
        node.boss = keeper
        node.match = match
        bisect.insort(self._pictures[keeper].members, (node.rank, p))
        self._changed.add(keeper)
        self._moved(p)

    def _detach(self, p: int) -> None:
        """Take a member out of its keeper's group (nothing for a keeper or a waiting one)."""
        node = self._pictures[p]
        boss = node.boss
        if boss in (_NO_BOSS, p):
            return
        members = self._pictures[boss].members
        del members[bisect.bisect_left(members, (node.rank, p))]
        node.boss = _NO_BOSS
        node.match = None
        self._changed.add(boss)
        self._moved(p)

    # -- verification --------------------------------------------------------------------------

    def _check(self, keeper: int, p: int) -> Match | None:
        return self._check_many(keeper, [p])[0]

    def _check_many(self, keeper: int, pictures: list[int]) -> list[Match | None]:
        """Verify ``keeper`` against each picture; each match maps the keeper onto the picture.
        A member's match with its own keeper is known already."""
        ask = [
            p
            for p in pictures
            if self._pictures[p].boss != keeper and (keeper, p) not in self._verdicts
        ]
        if ask:
            answers = self._answers([(keeper, p) for p in ask])
            for p, match in zip(ask, answers, strict=True):
                self._verdicts[keeper, p] = match
        return [
            self._pictures[p].match
            if self._pictures[p].boss == keeper
            else self._verdicts[keeper, p]
            for p in pictures
        ]

    def _answers(self, pairs: list[tuple[int, int]]) -> list[Match | None]:
        """The verifier's answers, noting whether they took a measurement (see `_prefetch`)."""
        if self._verify is None:
            raise RuntimeError("candidate pairs need a verifier")
        started = time.perf_counter()
        answers = self._verify(pairs)
        self._costly = time.perf_counter() - started > _COSTLY_ANSWER_S * len(pairs)
        return answers


def _with_match(m: Member, match: Match) -> Member:
    if m.match == match.kind and m.score == match.score and m.transform == match.transform:
        return m
    return replace(m, match=match.kind, score=match.score, transform=match.transform)
