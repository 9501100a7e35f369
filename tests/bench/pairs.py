"""The batch self-join of the candidate search: every pair of a fixed set of 64-bit hashes within
k bits, with multi-index hashing (`pairs_within`).

The scan never needs it (it grows a `HashIndex` as fingerprints arrive); the benchmark uses it to
measure the candidate search on a million hashes at once (`bench_index.py`), and the index tests
use it as a second, independent path through the band tables. It reuses the index's private
building blocks (plan, band tables, range expansion), so both measure the same machinery.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import numpy.typing as npt

from lookalike.core.matching.index import (
    _BRUTE_COLUMNS,
    _BRUTE_ROWS,
    _CHUNK_ELEMENTS,
    _MAX_BANDS,
    _MIN_BANDS,
    _PROBE_CHUNK,
    Int32Array,
    Int64Array,
    Matches,
    UInt8Array,
    UInt64Array,
    _as_hashes,
    _Band,
    _band_values,
    _BandTable,
    _check_distance,
    _chunks_by_total,
    _Costs,
    _expand,
    _layout,
    _Plan,
    _plan,
)

# Index arrays come from np.flatnonzero (intp) as well as from the band tables (int32).
IntArray = npt.NDArray[np.int32] | npt.NDArray[np.intp]

# Fitted, like the index's own costs, so that `_plan` picks the fastest measured band count:
# n in {20 k, 100 k, 1 M} x k in {4, 8, 10, 12}, every band count 3..8 and brute force timed.
# Probes are cheap here because they are made in sorted order, so the bucket-table reads are
# near-sequential.
_SELF_JOIN_COSTS = _Costs(brute_pair=3.7, probe=2.0, candidate=10.0, table_entry=5.0)

# The batch search runs on two threads from this many hashes on (below, thread start-up and
# contention cost more than they give).
_THREADED_MIN_HASHES = 200_000
_THREADS = 2


def pairs_within(hashes: npt.ArrayLike, max_distance: int, *, bands: int | None = None) -> Matches:
    """All pairs (i, j), i < j, with Hamming distance of hashes[i] and hashes[j] <= max_distance.

    Args:
        hashes: 64-bit hashes, shape (n,), an unsigned or signed integer array (reinterpreted as
            uint64).
        max_distance: radius in bits, 0 to `MAX_DISTANCE`.
        bands: leave None to let the cost model pick brute force or a band layout; 0 forces
            brute force and 3 to 12 force that many bands (for tests and benchmarks).

    Returns:
        Pairs sorted by (first, second), first < second.
    """
    k = _check_distance(max_distance)
    h = _as_hashes(hashes)
    if bands is None:
        plan = _plan(h.shape[0], k, h.shape[0] / 2, _SELF_JOIN_COSTS)
    elif bands == 0:
        plan = None
    elif _MIN_BANDS <= bands <= _MAX_BANDS:
        plan = _layout(bands, k)
    else:
        raise ValueError(f"bands must be None, 0 or {_MIN_BANDS}..{_MAX_BANDS}, got {bands}")
    first, second, dist = _brute_self(h, k) if plan is None else _mih_self(h, k, plan)
    # MIH reports a pair in whichever order its band found it; brute force already has i < j.
    swap = first > second
    first, second = np.where(swap, second, first), np.where(swap, first, second)
    order = np.lexsort((second, first))
    first, second, dist = first[order], second[order], dist[order]
    return Matches(first, second, dist, first.copy())


def _outside_earlier_bands(
    x: UInt64Array, bands: tuple[_Band, ...], t: int
) -> npt.NDArray[np.bool_]:
    """True where XOR differences x are farther than the radius in every band before band t.

    A pair within the radius of several bands is found in each of them; keeping it only in the
    first such band reports it once without a global de-duplication.
    """
    keep = np.ones(x.shape[0], dtype=bool)
    for band in bands[:t]:
        if band.radius >= 0:
            keep &= np.bitwise_count(_band_values(x, band)) > band.radius
    return keep


def _brute_self(h: UInt64Array, k: int) -> tuple[Int64Array, Int64Array, UInt8Array]:
    """All pairs i < j within k by comparing every pair once, in the index's tile sizes.

    Its own loop rather than the index's `_brute_cross`: only the tiles on and right of the
    diagonal are compared, and the diagonal tiles drop their lower half (self-pairs included)
    before looking for hits, which would otherwise be found in every diagonal tile.
    """
    found = []
    for lo in range(0, h.shape[0], _BRUTE_ROWS):
        rows = h[lo : lo + _BRUTE_ROWS, None]
        for col in range(lo, h.shape[0], _BRUTE_COLUMNS):
            d = np.bitwise_count(rows ^ h[None, col : col + _BRUTE_COLUMNS])
            near = d <= k
            if col == lo:
                near &= np.arange(lo, lo + rows.shape[0])[:, None] < np.arange(
                    col, col + d.shape[1]
                )
            if not near.any():
                continue
            qi, item = np.nonzero(near)
            found.append(((qi + lo).astype(np.int64), (item + col).astype(np.int64), d[qi, item]))
    if not found:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.uint8)
    first, second, dist = (np.concatenate(parts) for parts in zip(*found, strict=True))
    return first, second, dist


def _mih_self(h: UInt64Array, k: int, plan: _Plan) -> tuple[Int64Array, Int64Array, UInt8Array]:
    """All pairs within k of one set of hashes, band by band (see the module docstring).

    The work splits into independent tasks (one band's bucket-mates, or one band's probes whose
    highest flipped bit is b); with a large n they run on two threads, since numpy releases the
    GIL inside its loops and the tasks share only read-only tables.
    """
    found: list[tuple[Int64Array, Int64Array, UInt8Array]] = []  # list.append is thread-safe

    def verify(
        table: _BandTable, t: int, q_hashes: UInt64Array, q_pos: IntArray, c: IntArray
    ) -> None:
        # Candidate pairs of band t: hashes q_hashes at sorted positions q_pos, against sorted
        # positions c. q_pos is only read for the few pairs that pass.
        x = q_hashes ^ table.sorted_hashes[c]
        d = np.bitwise_count(x)
        hit = np.flatnonzero(d <= k)
        if hit.shape[0] == 0:
            return
        hit = hit[_outside_earlier_bands(x[hit], plan.bands, t)]
        found.append(
            (
                table.order[q_pos[hit]].astype(np.int64),
                table.order[c[hit]].astype(np.int64),
                d[hit],
            )
        )

    def bucket_mates(t: int, table: _BandTable) -> None:
        # Radius 0: pairs inside one bucket, each item with the items after it in the bucket.
        sv, off, hs = table.sorted_values, table.offsets, table.sorted_hashes
        later = (off[sv + 1] - np.arange(1, sv.shape[0] + 1, dtype=np.int32)).astype(np.int32)
        mates = np.flatnonzero(later > 0).astype(np.int32)
        for part in _chunks_by_total(later[mates], _CHUNK_ELEMENTS):
            row, c = _expand(mates[part] + 1, later[mates[part]])
            q_pos = mates[part][row]
            verify(table, t, hs[q_pos], q_pos, c)

    def flips(
        t: int, table: _BandTable, occupied: npt.NDArray[np.bool_], b: int, group: Int32Array
    ) -> None:
        # Radius >= 1: bucket pairs (v, v ^ mask) for the masks whose highest bit is b. Each
        # unordered pair of buckets is visited once, from the side where bit b of v is 0 (then
        # v < v ^ mask). Probes are laid out mask-major: along a row the items' band values
        # ascend, so the probed buckets ascend too and the table reads stay near-sequential.
        # Buckets of one item (most of them with random hashes) skip the ragged expansion.
        sv, off, hs = table.sorted_values, table.offsets, table.sorted_hashes
        side = np.flatnonzero(((sv >> b) & 1) == 0).astype(np.int32)
        per_chunk = max(1, _PROBE_CHUNK // group.shape[0])
        for lo in range(0, side.shape[0], per_chunk):
            p = side[lo : lo + per_chunk]
            probe = (group[:, None] ^ sv[None, p]).reshape(-1)
            hit = np.flatnonzero(occupied[probe])
            if hit.shape[0] == 0:
                continue
            probe = probe[hit]
            start = off[probe]
            count = off[probe + 1] - start
            owner = p[hit % p.shape[0]]
            single = count == 1
            one = np.flatnonzero(single)
            verify(table, t, hs[owner[one]], owner[one], start[one])
            if one.shape[0] == hit.shape[0]:
                continue
            many = np.flatnonzero(~single)
            for part in _chunks_by_total(count[many], _CHUNK_ELEMENTS):
                row, c = _expand(start[many[part]], count[many[part]])
                q_pos = owner[many[part][row]]
                verify(table, t, hs[q_pos], q_pos, c)

    tasks: list[tuple[int, Callable[[], None]]] = []  # (estimated size, task)
    for t, band in enumerate(plan.bands):
        if band.radius < 0:
            continue
        table = _BandTable.build(h, band)
        tasks.append((h.shape[0], functools.partial(bucket_mates, t, table)))
        # Bucket v is not empty: a cache-sized first test of a probe (2**w bytes, <= 4 MB).
        occupied = np.diff(table.offsets) > 0
        high_bits = np.array([int(mk).bit_length() - 1 for mk in table.masks], dtype=np.int64)
        for b in range(band.width):
            group = table.masks[high_bits == b]
            if group.shape[0]:
                tasks.append(
                    (
                        h.shape[0] * group.shape[0],
                        functools.partial(flips, t, table, occupied, b, group),
                    )
                )
    tasks.sort(key=lambda task: -task[0])  # largest first, so two threads finish together
    if h.shape[0] >= _THREADED_MIN_HASHES:
        with ThreadPoolExecutor(max_workers=_THREADS) as pool:
            for future in [pool.submit(task) for _, task in tasks]:
                future.result()
    else:
        for _, task in tasks:
            task()
    if not found:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.uint8)
    first, second, dist = (np.concatenate(parts) for parts in zip(*found, strict=True))
    return first, second, dist
