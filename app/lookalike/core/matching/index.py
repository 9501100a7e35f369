"""Candidate search over 64-bit perceptual hashes: every pair within Hamming distance k, without
comparing all pairs, in an index that grows as a scan's fingerprints arrive (`HashIndex`). The
batch self-join of a fixed set, which the benchmark times at a million hashes, is built from the
same blocks in `tests/bench/pairs.py`.

Why multi-index hashing (MIH). Cut the 64 bits into m contiguous bands and give band t a probe
radius r_t with sum(r_t + 1) == k + 1. If two hashes differ in at most k bits, some band t differs
in at most r_t bits (otherwise the distance would be at least sum(r_t + 1) = k + 1): this is the
pigeonhole principle of Norouzi, Punjani & Fleet, "Fast Search in Hamming Space with Multi-Index
Hashing" (CVPR 2012). So it is enough to look, in each band, at the buckets whose band value lies
within r_t of the query's band value, and to check the full 64-bit distance of what is found there.
Unequal radii matter: at k = 12 with four bands the radii are (3, 2, 2, 2), not (3, 3, 3, 3).

Why these band widths. A band of w bits needs sum_{i<=r} C(w, i) probes per query and each probe
finds about n / 2**w random items, so narrow bands mean many candidates and wide bands mean many
probes; the best width is about log2(n) (measured on the 2-core machine: m = 3 bands at 1 M
hashes, m = 4 for k = 10 at 100 k). Rather than hard-wire that, `_plan` evaluates a small cost
model (calibrated with `tests/bench/bench_index.py` on the 2-core machine) for every band count
from 3 to 12, with even widths or wider bands where the probe radius is larger, and for brute
force, and takes the cheapest. Bands are at most 22 bits wide so every
band gets a dense bucket table (2**w + 1 int32 offsets, at most 16 MB), which turns a probe into
one or two array reads. Bands are contiguous bit ranges because
numpy has no cheap bit gather; real pHash bits are correlated, so buckets are less even than with
random hashes and searches run slower.

Why numpy works here. Every probe is a vectorised gather into a bucket table of the band values
sorted once, and only non-empty buckets are expanded into candidates (a ragged range expansion
with `np.repeat`), so the cost is (probes + candidates) element operations, never probes x n
(an earlier version that scanned all n band values per probe took 35 s at 1 M, k = 8). A pair
is kept only in the first band that can find it instead of de-duplicating afterwards.

The streaming index is a small log-structured merge: new hashes go to a buffer that is searched by
brute force; a full buffer becomes an immutable segment (its own band tables, its own plan for its
size) and segments are merged level by level (each level holds up to `_LEVEL_RATIO` times the
previous one), so a query visits the buffer plus about log8(n / 1024) segments and every hash is
re-indexed a few times per level.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

MAX_DISTANCE = 16
"""Largest supported search radius in bits."""

_HASH_BITS = 64
_MIN_BANDS = 3  # 64 / 3 -> bands of 22, 21, 21 bits: dense tables of 2**22 entries at most
_MAX_BANDS = 12
_MIN_WIDTH, _MAX_WIDTH = 4, 22  # band widths the planner may choose beyond the even split


@dataclass(frozen=True, slots=True)
class _Costs:
    """Cost in ns of one element operation of each kind, for `_plan`'s model."""

    brute_pair: float  # one brute-force pair check (XOR + popcount + test)
    probe: float  # one probe of one bucket
    candidate: float  # one candidate: range expansion, gathers of two hashes, XOR + popcount
    table_entry: float  # one bucket-table entry when the table is built


# Fitted so that `_plan` picks the fastest measured band count on the 2-core machine.
# Streaming segments: 512 query hashes against n in {4 k, 16 k, 64 k, 256 k} x k in {4, 8, 12}.
# Random query hashes read the tables at random, so a probe costs a cache miss once a table
# outgrows the CPU caches (22-bit tables: ~70 ns per probe against ~25 ns per candidate).
_QUERY_COSTS = _Costs(brute_pair=1.3, probe=50.0, candidate=25.0, table_entry=15.0)
# A segment's lifetime query count per stored hash: each later image sends 8 variants.
_QUERIES_PER_SEGMENT_HASH = 8

# Bound on the candidate count of one step, so memory stays flat whatever n and however crowded
# the buckets (1 M candidates x ~8 arrays of 4-8 bytes ~ 50 MB at worst).
_CHUNK_ELEMENTS = 1 << 20
# Probe arrays of one step: small enough to stay in the CPU caches (measured at 1 M hashes, k = 8:
# 2**16 elements per step 5-15 % faster than 2**18, which is 1.2-1.5x faster than 2**20).
_PROBE_CHUNK = 1 << 16
# Brute force compares tiles of this many query hashes x stored hashes at a time.
_BRUTE_ROWS = 64
_BRUTE_COLUMNS = 4096

_BUFFER_SIZE = 1024  # hashes searched by brute force before they are frozen into a segment
# Level i of the streaming index holds up to _BUFFER_SIZE * 8**(i + 1) hashes: three segments at
# 100 k hashes, four at 1 M. A query pays ~50-100 us of numpy calls per segment, a merge re-indexes
# the level; 8 and 16 measured within 10 % of each other at 30 k and 100 k hashes.
_LEVEL_RATIO = 8

Int64Array = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]  # positions inside one table: n < 2**31 hashes
UInt64Array = npt.NDArray[np.uint64]
UInt8Array = npt.NDArray[np.uint8]


@dataclass(frozen=True, slots=True)
class Matches:
    """Pairs of hashes within the search radius, as parallel arrays (one row per pair).

    Attributes:
        first: id of one image of the pair. For `HashIndex.query` it is the owner of the query
            hash that achieved `distance`; for the batch self-join it is the smaller index.
        second: id of the other image (an indexed id for `HashIndex.query`; the larger index for
            the batch self-join). Never equal to `first`; each unordered pair appears once.
        distance: Hamming distance in bits (the minimum over all query variants of the pair).
        via: position, in the query `hashes` array, of the hash that achieved `distance` (so
            `via % 8` is the variant number when each owner sends 8 variants in a row). For
            the batch self-join the query is the hash of `first` itself, so `via == first`.
    """

    first: Int64Array
    second: Int64Array
    distance: UInt8Array
    via: Int64Array

    def __len__(self) -> int:
        return int(self.first.shape[0])

    @classmethod
    def empty(cls) -> Matches:
        """No pairs."""
        none = np.zeros(0, dtype=np.int64)
        return cls(none, none.copy(), np.zeros(0, dtype=np.uint8), none.copy())


class HashIndex:
    """A growing set of 64-bit hashes that answers "which stored hashes are within k bits?".

    Ids are assigned by `add` in order, from 0. Typical use during a scan, one batch at a time::

        ids = index.add(canonical_hashes)                # (b,) -> ids of the new images
        found = index.query(variant_hashes, owners=np.repeat(ids, 8))

    `query` compares every query hash with every stored hash (including those just added, so
    pairs inside the batch are found too), drops self-pairs (owner == stored id), and returns each
    unordered pair once with its smallest distance over the variants. In this flow every pair of
    images is reported exactly once over a whole scan: by the batch of the later of the two.

    Cost: a query runs brute force over the buffer of the last < 1024 hashes and multi-index
    hashing over a few immutable segments (see the module docstring): about 0.1-0.4 ms per image
    at 100 k stored hashes with 8 variants, less per image in bigger batches; an `add` that
    completes a level re-indexes it (up to ~0.1 s at 100 k, rarely). Not thread-safe: use it
    from one thread.
    """

    def __init__(self, max_distance: int) -> None:
        self._k = _check_distance(max_distance)
        self._hashes = np.zeros(1024, dtype=np.uint64)
        self._size = 0
        self._buffer_start = 0  # ids [buffer_start, size) are not in any segment yet
        # levels[i] is None or a segment; deeper levels hold older, contiguous id ranges.
        self._levels: list[_Segment | None] = []

    @property
    def max_distance(self) -> int:
        """Search radius in bits."""
        return self._k

    @property
    def hashes(self) -> UInt64Array:
        """The stored hashes, indexed by id (a read-only view)."""
        view = self._hashes[: self._size]
        view.setflags(write=False)
        return view

    def __len__(self) -> int:
        return self._size

    def add(self, hashes: npt.ArrayLike) -> Int64Array:
        """Store hashes (shape (n,)) and return their ids, consecutive from `len(self)`."""
        h = _as_hashes(hashes)
        n = h.shape[0]
        if self._size + n > self._hashes.shape[0]:
            grown = np.zeros(max(2 * self._hashes.shape[0], self._size + n), dtype=np.uint64)
            grown[: self._size] = self._hashes[: self._size]
            self._hashes = grown
        ids = np.arange(self._size, self._size + n, dtype=np.int64)
        self._hashes[self._size : self._size + n] = h
        self._size += n
        full = (self._size - self._buffer_start) // _BUFFER_SIZE * _BUFFER_SIZE
        if full:
            # One flush for a large add: it lands in the level that holds it, indexed once
            # (flushing 1024 at a time re-indexed every level on the way: seconds at 100 k).
            self._flush(self._buffer_start + full)
        return ids

    def query(self, hashes: npt.ArrayLike, owners: npt.ArrayLike) -> Matches:
        """Stored hashes within the radius of any query hash.

        Args:
            hashes: query hashes, shape (m,); several may belong to one image (its variants).
            owners: image id of each query hash, shape (m,). Pairs (owner, id) with
                owner == id are never returned.

        Returns:
            One row per unordered pair {owner, stored id}: `first` is the owner of the query
            hash with the smallest distance, `second` the stored id and `via` that query hash's
            position in `hashes`. Sorted by (first, second).
        """
        q = _as_hashes(hashes)
        own = np.asarray(owners, dtype=np.int64).reshape(-1)
        if own.shape != q.shape:
            raise ValueError(f"owners has shape {own.shape}, hashes has {q.shape}")
        k = self._k
        if q.shape[0] == 0 or self._size == 0:
            return Matches.empty()
        parts: list[tuple[Int64Array, Int64Array, UInt8Array]] = []
        for seg in self._levels:
            if seg is not None:
                parts.extend(seg.search(q, k))
        if self._buffer_start < self._size:
            buffer = self._hashes[self._buffer_start : self._size]
            for qi, item, dist in _brute_cross(q, buffer, k):
                parts.append((qi, item + self._buffer_start, dist))
        if not parts:
            return Matches.empty()
        via = np.concatenate([p[0] for p in parts])
        second = np.concatenate([p[1] for p in parts])
        dist = np.concatenate([p[2] for p in parts])
        first = own[via]
        keep = first != second
        first, second, dist, via = first[keep], second[keep], dist[keep], via[keep]
        # One row per unordered pair: sort by (low id, high id, distance) and keep the first row.
        low, high = np.minimum(first, second), np.maximum(first, second)
        order = np.lexsort((via, dist, high, low))
        low, high = low[order], high[order]
        head = np.ones(low.shape[0], dtype=bool)
        head[1:] = (low[1:] != low[:-1]) | (high[1:] != high[:-1])
        rows = order[head]
        first, second, dist, via = first[rows], second[rows], dist[rows], via[rows]
        order = np.lexsort((second, first))
        return Matches(first[order], second[order], dist[order], via[order])

    def compact(self) -> None:
        """Index every stored hash in one segment, the buffer's too.

        A grown index holds one segment per level and a query visits each of them; before a
        large search (the region hashes of every picture, once all are in) one segment is
        cheaper: at a million hashes of real photo crops, grown in batches of 256 (four
        segments), the 25 region queries of a picture took 2.1 against 2.6 ms of CPU, for one
        re-indexing of 0.6 s. Later adds work as before (the segment sits in the level that
        holds it).
        """
        if self._buffer_start == self._size and sum(s is not None for s in self._levels) <= 1:
            return
        level = 0
        while _BUFFER_SIZE * _LEVEL_RATIO ** (level + 1) < self._size:
            level += 1
        merged = _Segment(self._hashes[: self._size], 0, self._k)
        self._levels = [None] * level + [merged]
        self._buffer_start = self._size

    def _flush(self, end: int) -> None:
        """Freeze ids [buffer_start, end) into level 0, cascading full levels downwards."""
        start = self._buffer_start
        level = 0
        while True:
            if level == len(self._levels):
                self._levels.append(None)
            seg = self._levels[level]
            if seg is not None:
                start = seg.start
            capacity = _BUFFER_SIZE * _LEVEL_RATIO ** (level + 1)
            if end - start <= capacity:
                self._levels[level] = _Segment(self._hashes[start:end], start, self._k)
                break
            # This level overflows: carry its ids (and everything newer) one level down.
            self._levels[level] = None
            level += 1
        self._buffer_start = end


# --- planning ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Band:
    shift: int  # the band is bits [shift, shift + width) of the hash
    width: int
    radius: int  # probe radius; -1 means the band is never probed


@dataclass(frozen=True, slots=True)
class _Plan:
    bands: tuple[_Band, ...]


def _plan(n: int, k: int, queries: float, costs: _Costs) -> _Plan | None:
    """The cheapest band layout for `queries` query hashes against n hashes, or None when brute
    force is cheaper.

    Brute force checks queries * n pairs. A layout builds a table of 2**w entries per band, and
    every query sends sum_{i<=r} C(w, i) probes per band, each finding n / 2**w random candidates
    on average. A self-join of n hashes is n / 2 queries (each pair is looked at from one side).
    """
    best: _Plan | None = None
    best_cost = costs.brute_pair * queries * n
    layouts = (
        _layout(m, k, first)
        for m in range(_MIN_BANDS, _MAX_BANDS + 1)
        for first in (None, *range(_MIN_WIDTH, _MAX_WIDTH + 1))
    )
    for plan in layouts:
        cost = 0.0
        for band in plan.bands:
            if band.radius < 0:
                continue
            probes = _ball_size(band.width, band.radius)
            candidates = probes * n / 2.0**band.width
            cost += costs.table_entry * 2.0**band.width
            cost += queries * (costs.probe * probes + costs.candidate * candidates)
        if cost < best_cost:
            best, best_cost = plan, cost
    return best


def _layout(m: int, k: int, first_width: int | None = None) -> _Plan:
    """m contiguous bands with radii summing (as r + 1) to k + 1, the larger radii first.

    The widths are as even as possible, widest first, unless `first_width` is given: then the
    bands of the larger radius get that width and the others share the rest evenly (an invalid
    choice gives the even layout). Uneven widths pay where the radii differ: at a million hashes
    and k = 10, bands of 17, 17, 17 and 13 bits probed at 2, 2, 2 and 1 cost 103-120 us a query
    against 126-147 for four of 16 (measured in one run on hashes of real photo crops).
    """
    # sum(r_t + 1) == k + 1: spread k + 1 as evenly as possible, the wider bands first (a wider
    # band finds fewer random candidates per probe). With m > k + 1 some bands get radius -1.
    per, extra = divmod(k + 1, m)
    radii = [per + (1 if t < extra else 0) - 1 for t in range(m)]
    base, wide = divmod(_HASH_BITS, m)
    widths = [base + 1] * wide + [base] * (m - wide)
    if first_width is not None and 0 < extra < m:
        rest, over = divmod(_HASH_BITS - extra * first_width, m - extra)
        uneven = [first_width] * extra + [rest + 1] * over + [rest] * (m - extra - over)
        if rest >= _MIN_WIDTH and max(uneven) <= _MAX_WIDTH:
            widths = uneven
    bands = []
    shift = 0
    for width, radius in zip(widths, radii, strict=True):
        bands.append(_Band(shift, width, radius))
        shift += width
    return _Plan(tuple(bands))


def _ball_size(width: int, radius: int) -> int:
    return sum(math.comb(width, i) for i in range(radius + 1))


def _flip_masks(width: int, radius: int) -> npt.NDArray[np.int64]:
    """All band values with 1..radius bits set, as XOR masks, ordered by highest set bit."""
    masks = [
        sum(1 << b for b in bits)
        for r in range(1, radius + 1)
        for bits in itertools.combinations(range(width), r)
    ]
    return np.array(sorted(masks, key=lambda x: x.bit_length()), dtype=np.int64)


# --- shared numpy steps --------------------------------------------------------------------------


def _check_distance(max_distance: int) -> int:
    if not 0 <= max_distance <= MAX_DISTANCE:
        raise ValueError(f"max_distance must be in 0..{MAX_DISTANCE}, got {max_distance}")
    return int(max_distance)


def _as_hashes(hashes: npt.ArrayLike) -> UInt64Array:
    h = np.asarray(hashes)
    if h.dtype != np.uint64:
        if h.size and h.dtype.kind not in "iu":
            raise TypeError(f"hashes must be integers (uint64), got {h.dtype}")
        # int64 hashes (e.g. from SQLite) keep their bits; a 64-bit cast is a reinterpretation.
        h = h.astype(np.uint64)
    return np.ascontiguousarray(h.reshape(-1))


def _band_values(h: UInt64Array, band: _Band) -> Int32Array:
    return ((h >> np.uint64(band.shift)) & np.uint64((1 << band.width) - 1)).astype(np.int32)


def _expand(starts: Int32Array, counts: Int32Array) -> tuple[Int32Array, Int32Array]:
    """Flatten ranges [starts[i], starts[i] + counts[i]) into (i, position) rows.

    The ragged expansion without a Python loop: repeat each range's start minus its offset in the
    output, then add the output position.
    """
    if counts.shape[0] == 0:
        empty = np.zeros(0, dtype=np.int32)
        return empty, empty.copy()
    if counts.max() == 1:  # every range holds one item: common with random hashes
        return np.arange(counts.shape[0], dtype=np.int32), starts
    ends = np.cumsum(counts, dtype=np.int32)
    row = np.repeat(np.arange(counts.shape[0], dtype=np.int32), counts)
    position = np.repeat(starts - (ends - counts), counts)
    position += np.arange(int(ends[-1]), dtype=np.int32)
    return row, position


def _chunks_by_total(counts: Int32Array, limit: int) -> Iterator[slice]:
    """Consecutive slices of `counts` whose sums stay near `limit` (one huge count stays alone)."""
    n = counts.shape[0]
    if n == 0:
        return
    total = int(counts.sum())
    if total <= limit:
        yield slice(0, n)
        return
    cum = np.cumsum(counts)
    start = 0
    while start < n:
        base = int(cum[start - 1]) if start else 0
        stop = int(np.searchsorted(cum, base + limit, side="right"))
        stop = max(stop, start + 1)
        yield slice(start, stop)
        start = stop


# --- brute force ---------------------------------------------------------------------------------


def _brute_cross(
    q: UInt64Array, items: UInt64Array, k: int
) -> Iterator[tuple[Int64Array, Int64Array, UInt8Array]]:
    """(query position, item position, distance) of every query/item pair within k.

    Compares tiles of _BRUTE_ROWS x _BRUTE_COLUMNS, small enough to stay in the CPU caches (the
    tile size measured fastest on the 2-core machine), skipping a tile's nonzero() when nothing
    in it is within k.
    """
    columns = min(items.shape[0], _BRUTE_COLUMNS)
    # Taller tiles against a short item list (the streaming buffer): the same tile area, so a
    # batch of thousands of queries is a few numpy calls, not one per 64 of them.
    step = max(_BRUTE_ROWS, _BRUTE_ROWS * _BRUTE_COLUMNS // max(columns, 1))
    for lo in range(0, q.shape[0], step):
        rows = q[lo : lo + step, None]
        for col in range(0, items.shape[0], columns):
            d = np.bitwise_count(rows ^ items[None, col : col + columns])
            # flatnonzero on a bool array is branch-free; nonzero() of a 2-D one is 5x slower.
            hit = np.flatnonzero(d <= k)
            if hit.shape[0] == 0:
                continue
            qi, item = np.divmod(hit, d.shape[1])
            yield (qi + lo).astype(np.int64), (item + col).astype(np.int64), d.ravel()[hit]


# --- multi-index hashing -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _BandTable:
    """One band of a set of hashes: items sorted by band value and the bucket offsets.

    Positions and band values are int32: it halves the memory traffic of the probe arrays, which
    is most of the cost (measured: a 10 M-element gather or XOR runs 3-5x faster than in int64).
    """

    band: _Band
    order: Int32Array  # item positions sorted by band value
    sorted_values: Int32Array  # band values in that order
    sorted_hashes: UInt64Array  # full hashes in that order (so candidate reads are near-sequential)
    offsets: Int32Array  # bucket v is sorted positions [offsets[v], offsets[v + 1])
    masks: Int32Array  # XOR masks of the probes other than the bucket itself

    @classmethod
    def build(cls, h: UInt64Array, band: _Band) -> _BandTable:
        if h.shape[0] >= 2**31 // 2:
            raise ValueError(f"too many hashes for int32 positions: {h.shape[0]}")
        values = _band_values(h, band)
        order = np.argsort(values, kind="stable").astype(np.int32)
        sorted_values = values[order]
        counts = np.bincount(sorted_values, minlength=1 << band.width)
        offsets = np.zeros((1 << band.width) + 1, dtype=np.int32)
        np.cumsum(counts, out=offsets[1:])
        masks = _flip_masks(band.width, band.radius).astype(np.int32)
        return cls(band, order, sorted_values, h[order], offsets, masks)


class _Segment:
    """An immutable run of stored hashes (ids [start, start + n)) with the band tables its size
    calls for, searched by query hashes."""

    def __init__(self, h: UInt64Array, start: int, k: int) -> None:
        self.start = start
        self._h = h.copy()  # the index's array is reallocated as it grows
        n = h.shape[0]
        self._plan = _plan(n, k, _QUERIES_PER_SEGMENT_HASH * n, _QUERY_COSTS)
        if self._plan is None:
            return
        tables = [_BandTable.build(self._h, band) for band in self._plan.bands if band.radius >= 0]
        self._bands = tuple(table.band for table in tables)
        # All probes of all bands in one flat list, so a query is a handful of numpy calls however
        # many bands there are: the bands' tables are concatenated, and probe j of band t reads
        # offsets[base_t + (v_t ^ mask_j)], which points into the concatenated sorted items.
        probe_band, probe_mask, probe_base = [], [], []
        offsets, orders, hashes = [], [], []
        offset_base = item_base = 0
        for t, table in enumerate(tables):
            masks = np.concatenate([np.zeros(1, np.int32), table.masks])
            probe_band.append(np.full(masks.shape[0], t, dtype=np.int32))
            probe_mask.append(masks)
            probe_base.append(np.full(masks.shape[0], offset_base, dtype=np.int32))
            offsets.append(table.offsets + np.int32(item_base))
            orders.append(table.order)
            hashes.append(table.sorted_hashes)
            offset_base += table.offsets.shape[0]
            item_base += table.order.shape[0]
        self._probe_band = np.concatenate(probe_band)
        self._probe_mask = np.concatenate(probe_mask)
        self._probe_base = np.concatenate(probe_base)
        self._offsets = np.concatenate(offsets)
        self._orders = np.concatenate(orders)
        self._sorted_hashes = np.concatenate(hashes)
        # Band of each concatenated item position, to keep a pair only in its first band.
        self._item_band = np.repeat(np.arange(len(tables), dtype=np.int32), h.shape[0])
        # To cut every query hash into its band values with one broadcast.
        self._band_shifts = np.array([band.shift for band in self._bands], dtype=np.uint64)
        self._band_masks = np.array([(1 << band.width) - 1 for band in self._bands], np.uint64)

    @property
    def size(self) -> int:
        return int(self._h.shape[0])

    def search(self, q: UInt64Array, k: int) -> Iterator[tuple[Int64Array, Int64Array, UInt8Array]]:
        """(query position, id, distance) of every query/stored pair within k, each once."""
        if self._plan is None:
            for qi, item, dist in _brute_cross(q, self._h, k):
                yield qi, item + self.start, dist
            return
        probe_band, probe_mask, probe_base = self._probe_band, self._probe_mask, self._probe_base
        band_values = ((q[:, None] >> self._band_shifts) & self._band_masks).astype(np.int32)
        n_probes = probe_mask.shape[0]
        per_chunk = max(1, _PROBE_CHUNK // n_probes)
        for lo in range(0, q.shape[0], per_chunk):
            bv = band_values[lo : lo + per_chunk]
            probe = ((bv[:, probe_band] ^ probe_mask) + probe_base).reshape(-1)
            start = self._offsets[probe]
            count = self._offsets[probe + 1] - start
            hit = np.flatnonzero(count > 0)  # a bool mask: nonzero() is branch-free on bools
            if hit.shape[0] == 0:
                continue
            start, count, qi = start[hit], count[hit], hit // n_probes + lo
            probe_hash = q[qi]
            for part in _chunks_by_total(count, _CHUNK_ELEMENTS):
                counts = count[part]
                ends = np.cumsum(counts, dtype=np.int32)
                # The bucket ranges' positions, concatenated (see `_expand`).
                c = np.repeat(start[part] - (ends - counts), counts)
                c += np.arange(c.shape[0], dtype=np.int32)
                # Each probe's query hash repeated over its bucket: one pass, where a row number
                # per candidate and two gathers through it cost three.
                x = np.repeat(probe_hash[part], counts) ^ self._sorted_hashes[c]
                d = np.bitwise_count(x)
                ok = np.flatnonzero(d <= k)
                if ok.shape[0] == 0:
                    continue
                # The probe (so the query) of each hit, from the buckets' ends.
                query = qi[part][np.searchsorted(ends, ok, side="right")]
                # Keep a pair only in the first band whose radius it is within.
                x, c, band_of = x[ok], c[ok], self._item_band[c[ok]]
                keep = np.ones(ok.shape[0], dtype=bool)
                for t, band in enumerate(self._bands[:-1]):
                    near = np.bitwise_count(_band_values(x, band)) <= band.radius
                    keep &= ~(near & (band_of > t))
                ok = ok[keep]
                yield (
                    query[keep].astype(np.int64),
                    self._orders[c[keep]].astype(np.int64) + self.start,
                    d[ok],
                )
