"""Tests of the Hamming-distance candidate search (`lookalike.core.matching.index`) against a
plain all-pairs reference, on random hashes with planted near-duplicates and on band edge
cases."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from lookalike.core.matching import index as index_module
from lookalike.core.matching.index import MAX_DISTANCE, HashIndex, Matches
from tests.bench import pairs as pairs_module
from tests.bench.pairs import pairs_within

Hashes = npt.NDArray[np.uint64]


def reference_pairs(hashes: Hashes, k: int) -> dict[tuple[int, int], int]:
    """Every pair i < j within k, with its distance, by comparing all pairs (small n only)."""
    out = {}
    for lo in range(0, hashes.shape[0], 500):
        d = np.bitwise_count(hashes[lo : lo + 500, None] ^ hashes[None, :])
        i, j = np.nonzero(d <= k)
        for a, b in zip(i.tolist(), j.tolist(), strict=True):
            if lo + a < b:
                out[(lo + a, b)] = int(d[a, b])
    return out


def as_dict(matches: Matches) -> dict[tuple[int, int], int]:
    """Matches as {(low id, high id): distance}; fails if an unordered pair appears twice."""
    out: dict[tuple[int, int], int] = {}
    for a, b, d in zip(
        matches.first.tolist(), matches.second.tolist(), matches.distance.tolist(), strict=True
    ):
        assert a != b
        key = (min(a, b), max(a, b))
        assert key not in out, f"pair {key} reported twice"
        out[key] = d
    return out


def flip(value: int, bits: list[int] | npt.NDArray[np.int64]) -> int:
    for b in bits:
        value ^= 1 << int(b)
    return value


def planted_hashes(rng: np.random.Generator, n: int, k: int, n_pairs: int) -> Hashes:
    """n random hashes where n_pairs of them are copies of another with 0..k random bits flipped."""
    h = rng.integers(0, 2**64, n, dtype=np.uint64)
    targets = rng.choice(n, size=n_pairs, replace=False)
    for j in targets:
        i = int(rng.integers(0, n))
        bits = rng.choice(64, size=int(rng.integers(0, k + 1)), replace=False)
        h[j] = flip(int(h[i]), bits)
    return h


def band_edges(bands: int) -> list[tuple[int, int]]:
    """The [start, stop) bit ranges the index uses for `bands` bands (widest first)."""
    base, wide = divmod(64, bands)
    widths = [base + 1] * wide + [base] * (bands - wide)
    edges, start = [], 0
    for w in widths:
        edges.append((start, start + w))
        start += w
    return edges


def radii(bands: int, k: int) -> list[int]:
    """The probe radii the index uses: sum(r + 1) == k + 1, wider bands first."""
    per, extra = divmod(k + 1, bands)
    return [per + (1 if t < extra else 0) - 1 for t in range(bands)]


# --- pairs_within: the batch self-join (tests/bench/pairs.py) on the index's band tables -------


@pytest.mark.parametrize("k", [0, 1, 4, 8, 12, MAX_DISTANCE])
@pytest.mark.parametrize("bands", [None, 0, 3, 4, 6])
def test_pairs_within_equals_all_pairs(k: int, bands: int | None) -> None:
    rng = np.random.default_rng(k * 100 + (bands or 0))
    n = 2000 if k < 12 else 1000  # three bands at k >= 12 means thousands of probes per hash
    h = planted_hashes(rng, n, k, n // 10)
    expected = reference_pairs(h, k)
    assert len(expected) >= n // 14  # the planted pairs (fewer when two plants collide)
    found = pairs_within(h, k, bands=bands)
    assert as_dict(found) == expected
    assert np.all(found.first < found.second)
    assert np.all(found.via == found.first)
    order = np.lexsort((found.second, found.first))
    assert np.array_equal(order, np.arange(len(found)))


def test_threaded_batch_search_equals_all_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Large inputs run the band tasks on two threads; force that path on a small input."""
    monkeypatch.setattr(pairs_module, "_THREADED_MIN_HASHES", 0)
    rng = np.random.default_rng(21)
    h = planted_hashes(rng, 3000, 8, 300)
    assert as_dict(pairs_within(h, 8, bands=4)) == reference_pairs(h, 8)


@pytest.mark.parametrize("bands", [3, 4, 5, 8])
@pytest.mark.parametrize("k", [1, 4, 8, 12])
def test_pairs_differing_only_inside_one_band_are_found(bands: int, k: int) -> None:
    """All flipped bits in one band: every other band matches exactly."""
    rng = np.random.default_rng(bands * 31 + k)
    base = rng.integers(0, 2**64, 400, dtype=np.uint64)
    copies = []
    for n, (lo, hi) in enumerate(band_edges(bands) * 20):
        flips = rng.choice(np.arange(lo, hi), size=min(k, hi - lo), replace=False)
        copies.append(flip(int(base[n]), flips))
    h = np.concatenate([base, np.array(copies, dtype=np.uint64)])
    found = as_dict(pairs_within(h, k, bands=bands))
    assert found == reference_pairs(h, k)
    for n in range(len(copies)):
        assert (n, len(base) + n) in found


@pytest.mark.parametrize("bands", [3, 4, 5, 7])
@pytest.mark.parametrize("k", [4, 8, 12, 16])
def test_pairs_at_the_pigeonhole_limit_are_found(bands: int, k: int) -> None:
    """Distance exactly k spread so that only one band is within its probe radius.

    Every band t gets r_t + 1 flips except band `near`, which gets r_t: the pair is then within
    reach of band `near` alone, the tightest case of the pigeonhole argument. (With more bands
    than k + 1, some bands have radius -1, are never probed and cannot be `near`.)
    """
    rng = np.random.default_rng(bands * 7 + k)
    r = radii(bands, k)
    edges = band_edges(bands)
    probed = [t for t in range(bands) if r[t] >= 0]
    base = rng.integers(0, 2**64, 200, dtype=np.uint64)
    copies = []
    for n in range(len(base)):
        near = probed[n % len(probed)]
        flips: list[int] = []
        for t, (lo, hi) in enumerate(edges):
            count = r[t] + (0 if t == near else 1)
            flips.extend(int(b) for b in rng.choice(np.arange(lo, hi), size=count, replace=False))
        assert len(flips) == k
        copies.append(flip(int(base[n]), flips))
    h = np.concatenate([base, np.array(copies, dtype=np.uint64)])
    found = as_dict(pairs_within(h, k, bands=bands))
    assert found == reference_pairs(h, k)
    for n in range(len(copies)):
        assert found[(n, len(base) + n)] == k


def test_one_flip_too_many_is_not_a_pair() -> None:
    rng = np.random.default_rng(5)
    base = rng.integers(0, 2**64, 300, dtype=np.uint64)
    copies = [flip(int(v), rng.choice(64, size=9, replace=False)) for v in base]
    h = np.concatenate([base, np.array(copies, dtype=np.uint64)])
    found = as_dict(pairs_within(h, 8, bands=3))
    assert all((n, 300 + n) not in found for n in range(300))
    assert found == reference_pairs(h, 8)


@pytest.mark.parametrize("bands", [None, 3, 4])
def test_many_identical_and_near_identical_hashes(bands: int | None) -> None:
    """Crowded buckets (blank frames, one photo copied many times) go through the ragged
    expansion and yield every pair."""
    rng = np.random.default_rng(9)
    same = np.full(150, 0x0123456789ABCDEF, dtype=np.uint64)
    near = np.array([flip(0x0123456789ABCDEF, [b]) for b in range(64)], dtype=np.uint64)
    h = np.concatenate([same, near, rng.integers(0, 2**64, 500, dtype=np.uint64)])
    rng.shuffle(h)
    found = as_dict(pairs_within(h, 2, bands=bands))
    assert found == reference_pairs(h, 2)
    assert len(found) >= 150 * 149 // 2 + 150 * 64 + 64 * 63 // 2


def test_k0_finds_exact_duplicates_only() -> None:
    h = np.array([5, 7, 5, 4, 7, 5, 2**63 + 5], dtype=np.uint64)
    found = as_dict(pairs_within(h, 0))
    assert found == {(0, 2): 0, (0, 5): 0, (2, 5): 0, (1, 4): 0}


@pytest.mark.parametrize("n", [0, 1])
def test_pairs_within_tiny_inputs(n: int) -> None:
    found = pairs_within(np.zeros(n, dtype=np.uint64), 8)
    assert len(found) == 0
    assert found.first.dtype == np.int64
    assert found.second.dtype == np.int64
    assert found.distance.dtype == np.uint8


def test_signed_hashes_keep_their_bits() -> None:
    """Hashes stored as SQLite INTEGER come back as int64; the bits must be the same."""
    h = np.array([-1, -2, 3, 2**62], dtype=np.int64)
    assert as_dict(pairs_within(h, 1)) == {(0, 1): 1}


@pytest.mark.parametrize("k", [-1, MAX_DISTANCE + 1])
def test_radius_out_of_range_is_rejected(k: int) -> None:
    with pytest.raises(ValueError, match="max_distance"):
        pairs_within(np.zeros(3, dtype=np.uint64), k)
    with pytest.raises(ValueError, match="max_distance"):
        HashIndex(k)


def test_non_integer_hashes_are_rejected() -> None:
    with pytest.raises(TypeError, match="integers"):
        pairs_within(np.array([1.0, 2.0]), 1)


def test_bad_band_count_is_rejected() -> None:
    with pytest.raises(ValueError, match="bands"):
        pairs_within(np.zeros(3, dtype=np.uint64), 1, bands=2)


# --- HashIndex ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("k", "n", "max_batch", "small_levels"),
    [
        (0, 3000, 64, False),
        (4, 1500, 1, False),
        (8, 6000, 64, True),
        (8, 2500, 300, False),
        (12, 3000, 17, False),
        (12, 3000, 40, True),
    ],
)
def test_streaming_index_equals_batch_search(
    k: int, n: int, max_batch: int, small_levels: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """add + query batch by batch finds exactly the pairs of one batch search, whatever the batch
    sizes. With small_levels, a 128-hash buffer and levels 4x apart push the hashes through
    four segment levels and many merges."""
    if small_levels:
        monkeypatch.setattr(index_module, "_BUFFER_SIZE", 128)
        monkeypatch.setattr(index_module, "_LEVEL_RATIO", 4)
    rng = np.random.default_rng(k * 1000 + max_batch)
    h = planted_hashes(rng, n, k, n // 10)
    index = HashIndex(k)
    found: dict[tuple[int, int], int] = {}
    pos = 0
    while pos < n:
        batch = h[pos : pos + int(rng.integers(1, max_batch + 1))]
        ids = index.add(batch)
        assert np.array_equal(ids, np.arange(pos, pos + batch.shape[0]))
        matches = index.query(batch, owners=ids)
        new = as_dict(matches)
        assert not new.keys() & found.keys(), "an old pair was reported again"
        found.update(new)
        # Every pair has at least one new image, reported as the query's owner.
        assert np.all(np.isin(matches.first, ids))
        pos += batch.shape[0]
    assert len(index) == n
    assert found == reference_pairs(h, k)
    assert np.array_equal(index.hashes, h)


def test_streaming_index_with_crowded_buckets() -> None:
    """Hundreds of identical hashes spread over the buffer and several segments."""
    rng = np.random.default_rng(17)
    value = 0x0123456789ABCDEF
    same = np.full(250, value, dtype=np.uint64)
    near = np.array([flip(value, [b, (b + 7) % 64]) for b in range(64)], dtype=np.uint64)
    h = np.concatenate([same, near, rng.integers(0, 2**64, 9000, dtype=np.uint64)])
    rng.shuffle(h)
    index = HashIndex(3)
    found: dict[tuple[int, int], int] = {}
    for lo in range(0, h.shape[0], 500):
        ids = index.add(h[lo : lo + 500])
        found.update(as_dict(index.query(h[lo : lo + 500], ids)))
    assert found == reference_pairs(h, 3)


def test_query_checks_every_variant_and_reports_the_closest() -> None:
    rng = np.random.default_rng(11)
    stored = rng.integers(0, 2**64, 2000, dtype=np.uint64)
    index = HashIndex(8)
    index.add(stored)
    far = flip(int(stored[10]), list(range(0, 64, 2)))  # 32 bits away from everything
    variants = np.array(
        [
            far,
            flip(int(stored[10]), [1, 2, 3, 4, 5]),  # image 10 at distance 5
            flip(int(stored[10]), [7, 40]),  # image 10 at distance 2: the closest
            flip(int(stored[20]), [63]),  # image 20 at distance 1
            int(stored[30]),  # image 30 exactly
        ],
        dtype=np.uint64,
    )
    owners = np.full(5, 5000, dtype=np.int64)  # an image not (yet) in the index
    found = index.query(variants, owners)
    assert found.first.tolist() == [5000, 5000, 5000]
    assert found.second.tolist() == [10, 20, 30]
    assert found.distance.tolist() == [2, 1, 0]
    assert found.via.tolist() == [2, 3, 4]


def test_query_never_pairs_an_image_with_itself_and_reports_each_pair_once() -> None:
    """Images 0 and 1 match each other through both images' variants and each matches itself;
    the answer is the single pair {0, 1} at the smaller distance."""
    index = HashIndex(6)
    a = 0xF0F0F0F0F0F0F0F0
    b = flip(a, [0, 1, 2, 3])
    ids = index.add(np.array([a, b], dtype=np.uint64))
    # Variant 1 of image 0 is 3 bits from image 1 (7 from image 0 itself); variant 1 of image 1
    # is 5 bits from image 0; the canonical hashes are 4 bits apart.
    variants = np.array([a, flip(b, [4, 5, 6]), b, flip(a, [9, 10, 11, 12, 13])], dtype=np.uint64)
    found = index.query(variants, np.repeat(ids, 2))
    assert found.first.tolist() == [0]
    assert found.second.tolist() == [1]
    assert found.distance.tolist() == [3]
    assert found.via.tolist() == [1]


def test_query_finds_pairs_through_rotated_variants_after_flushes() -> None:
    """A variant matching an old image in a frozen segment, not the buffer, is still found."""
    rng = np.random.default_rng(13)
    index = HashIndex(8)
    index.add(rng.integers(0, 2**64, 20000, dtype=np.uint64))
    target = int(index.hashes[123])
    ids = index.add(rng.integers(0, 2**64, 1, dtype=np.uint64))
    variants = rng.integers(0, 2**64, 8, dtype=np.uint64)
    variants[6] = flip(target, [0, 20, 40, 60, 63, 1, 2, 3])
    found = index.query(variants, np.repeat(ids, 8))
    assert (found.second.tolist(), found.distance.tolist(), found.via.tolist()) == ([123], [8], [6])


def test_empty_index_and_empty_query() -> None:
    index = HashIndex(8)
    assert len(index) == 0
    assert len(index.query(np.array([1, 2], dtype=np.uint64), np.array([0, 1]))) == 0
    assert index.add(np.zeros(0, dtype=np.uint64)).tolist() == []
    index.add(np.array([1, 2], dtype=np.uint64))
    empty = index.query(np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64))
    assert len(empty) == 0
    assert empty.distance.dtype == np.uint8


def test_k0_index_finds_exact_copies_only() -> None:
    index = HashIndex(0)
    ids = index.add(np.array([7, 8, 7], dtype=np.uint64))
    found = index.query(np.array([7, 8, 7], dtype=np.uint64), ids)
    assert as_dict(found) == {(0, 2): 0}


def test_owners_must_match_hashes() -> None:
    index = HashIndex(4)
    index.add(np.array([1], dtype=np.uint64))
    with pytest.raises(ValueError, match="owners"):
        index.query(np.array([1, 2], dtype=np.uint64), np.array([0]))


def test_stored_hashes_are_read_only() -> None:
    index = HashIndex(4)
    index.add(np.array([1, 2], dtype=np.uint64))
    with pytest.raises(ValueError, match="read-only"):
        index.hashes[0] = 5


def test_one_large_add_is_indexed_like_many_small_ones() -> None:
    """A single add of thousands of hashes (a rescan, the region search's index) lands in one
    segment and finds exactly the pairs of the batch search, with later small adds too."""
    rng = np.random.default_rng(12)
    h = planted_hashes(rng, 9000, 10, 1500)
    index = HashIndex(10)
    index.add(h[:6000])
    found = as_dict(index.query(h[:6000], np.arange(6000)))
    for lo in range(6000, 9000, 700):
        ids = index.add(h[lo : lo + 700])
        found.update(as_dict(index.query(h[lo : lo + 700], ids)))
    assert found == reference_pairs(h, 10)


def test_compact_keeps_every_pair_and_later_adds_still_find_theirs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A grown index (buffer and several levels) made one segment answers exactly as before,
    and images added after it are found and find the old ones."""
    monkeypatch.setattr(index_module, "_BUFFER_SIZE", 128)
    monkeypatch.setattr(index_module, "_LEVEL_RATIO", 4)
    rng = np.random.default_rng(23)
    h = planted_hashes(rng, 6000, 8, 600)
    index = HashIndex(8)
    for lo in range(0, 4000, 100):
        index.add(h[lo : lo + 100])
    assert sum(seg is not None for seg in index._levels) > 1
    queries, owners = h[:4000], np.arange(4000)
    before = index.query(queries, owners)
    index.compact()
    assert [seg is not None for seg in index._levels].count(True) == 1
    after = index.query(queries, owners)
    assert as_dict(after) == as_dict(before) == reference_pairs(h[:4000], 8)
    for lo in range(4000, 6000, 100):
        index.add(h[lo : lo + 100])
    assert np.array_equal(index.hashes, h)
    assert as_dict(index.query(h, np.arange(6000))) == reference_pairs(h, 8)
