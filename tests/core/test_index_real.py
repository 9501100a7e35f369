"""The candidate search on hashes of real photographs, against brute force: many overlapping
crops of each photo (their hashes cluster the way a library's do: skies, walls, textures),
byte copies (identical hashes) and re-encoded copies, searched as the default sources search
them (8 orientations of each picture against the pictures' hashes, the regions against the
same index) at the default radius, with each band layout.

The photos are scikit-image's sample photographs (tests/fetch_test_photos.py), from the folder
LOOKALIKE_TEST_PHOTOS names; without it these tests skip and say why.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt
import pytest

from lookalike.core.matching import index as index_module
from lookalike.core.matching.fingerprint import whole_and_inner
from lookalike.core.matching.index import HashIndex
from lookalike.core.matching.policy import thresholds
from lookalike.core.matching.regions import REGION_COUNT, region_hashes
from lookalike.core.model import Sensitivity
from tests.bench.pairs import pairs_within
from tests.core.test_index import as_dict, reference_pairs

Hashes = npt.NDArray[np.uint64]
RADIUS = thresholds(Sensitivity.NORMAL).max_hash_distance
CROPS_PER_PHOTO = 70


def _crop_images() -> list[npt.NDArray[np.uint8]]:
    named = os.environ.get("LOOKALIKE_TEST_PHOTOS")
    paths = sorted(Path(named).glob("*")) if named else []
    grays = [g for g in (cv2.imread(str(p), cv2.IMREAD_GRAYSCALE) for p in paths) if g is not None]
    grays = [g for g in grays if min(g.shape) >= 200]
    if len(grays) < 5:
        pytest.skip("set LOOKALIKE_TEST_PHOTOS to a folder of real photos (fetch_test_photos.py)")
    rng = random.Random(5)
    out: list[npt.NDArray[np.uint8]] = []
    for gray in grays:
        h, w = gray.shape
        for _ in range(CROPS_PER_PHOTO):
            side = int(min(w, h) * rng.uniform(0.1, 0.6))
            x, y = rng.randint(0, w - side), rng.randint(0, h - side * 3 // 4)
            crop = gray[y : y + side * 3 // 4, x : x + side]
            out.append(cv2.resize(crop, (96, 72), interpolation=cv2.INTER_AREA))
    # Copies of a tenth of them: byte copies (the same hashes) and JPEG re-encodes.
    for i in range(0, len(out), 10):
        if i % 20:
            out.append(out[i].copy())
        else:
            ok, buf = cv2.imencode(".jpg", out[i], [cv2.IMWRITE_JPEG_QUALITY, 70])
            assert ok
            out.append(cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE))
    order = list(range(len(out)))
    rng.shuffle(order)  # copies arrive anywhere in the stream, before or after their original
    return [out[i] for i in order]


@pytest.fixture(scope="module")
def real_hashes() -> tuple[Hashes, Hashes]:
    """(8 orientation hashes, REGION_COUNT region hashes) of each picture, shapes (n, 8) and
    (n, REGION_COUNT)."""
    rows = []
    for img in _crop_images():
        whole, _ = whole_and_inner(img)
        rows.append(np.frombuffer(whole[:64] + region_hashes(img), dtype="<u8"))
    h = np.stack(rows).astype(np.uint64)
    assert h.shape[1] == 8 + REGION_COUNT
    return h[:, :8], h[:, 8:]


def min_distances(queries: Hashes, stored: Hashes) -> npt.NDArray[np.int64]:
    """d[i, j]: the smallest Hamming distance between a query hash of image i (a row of
    `queries`) and stored hash j."""
    d = np.full((queries.shape[0], stored.shape[0]), 64, dtype=np.int64)
    for column in queries.T:
        np.minimum(d, np.bitwise_count(column[:, None] ^ stored[None, :]), out=d)
    return d


# Band layouts: the planner's choice (brute force for most of such small segments) and forced
# ones, (band count, width of the bands of the larger radius or None for even widths), from
# the widest bands (3: 2**22 buckets) to narrow ones.
Layout = tuple[int, int | None] | None
STREAM_LAYOUTS: list[Layout] = [None, (4, None), (4, 17), (6, None)]
QUERY_LAYOUTS: list[Layout] = [None, (3, None), (5, 15)]


def _force_layout(monkeypatch: pytest.MonkeyPatch, layout: Layout) -> None:
    if layout is not None:
        bands, first_width = layout
        plan = index_module._layout(bands, RADIUS, first_width)
        if first_width is not None:
            assert plan != index_module._layout(bands, RADIUS), "not an uneven layout"
        monkeypatch.setattr(index_module, "_plan", lambda n, k, q, costs: plan)


def test_real_hashes_cluster(real_hashes: tuple[Hashes, Hashes]) -> None:
    """The point of these hashes: far more near pairs than random hashes have (none at all)."""
    canonical = real_hashes[0][:, 0]
    pairs = reference_pairs(canonical, RADIUS)
    copies = sum(1 for d in pairs.values() if d == 0)
    assert copies >= canonical.shape[0] // 40  # the byte copies
    assert len(pairs) - copies >= canonical.shape[0] // 20  # and crops near one another


@pytest.mark.parametrize("layout", STREAM_LAYOUTS)
def test_streaming_orientations_equal_brute_force(
    real_hashes: tuple[Hashes, Hashes], layout: Layout, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole-picture source's flow: each batch's canonical hashes are added, then its 8
    orientations query; the pairs and distances over the stream are exactly brute force's
    (through the buffer and three segment levels, with small levels)."""
    monkeypatch.setattr(index_module, "_BUFFER_SIZE", 128)
    monkeypatch.setattr(index_module, "_LEVEL_RATIO", 4)
    _force_layout(monkeypatch, layout)
    variants = real_hashes[0]
    n = variants.shape[0]
    rng = np.random.default_rng(3)
    index = HashIndex(RADIUS)
    found: dict[tuple[int, int], int] = {}
    batch_of = np.zeros(n, dtype=np.int64)
    pos = 0
    while pos < n:
        ids = index.add(variants[pos : pos + int(rng.integers(1, 300)), 0])
        batch_of[ids] = pos
        new = as_dict(index.query(variants[ids].reshape(-1), np.repeat(ids, 8)))
        assert not new.keys() & found.keys(), "a pair was reported twice"
        found.update(new)
        pos += ids.shape[0]
    # A pair is found by the later image's orientations against the earlier canonical hash, and
    # by both ways when the two arrive in one batch.
    d = min_distances(variants, variants[:, 0])
    later = batch_of[:, None] > batch_of[None, :]
    same = batch_of[:, None] == batch_of[None, :]
    best = np.where(same, np.minimum(d, d.T), np.where(later, d, d.T))
    i, j = np.nonzero(np.triu(best <= RADIUS, k=1))
    want = {(int(a), int(b)): int(best[a, b]) for a, b in zip(i, j, strict=True)}
    assert len(want) > n // 10
    assert found == want


@pytest.mark.parametrize("layout", QUERY_LAYOUTS)
def test_regions_against_the_whole_index_equal_brute_force(
    real_hashes: tuple[Hashes, Hashes], layout: Layout, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The region source's query: every picture's regions against all whole pictures at once."""
    _force_layout(monkeypatch, layout)
    variants, regions = real_hashes
    n = variants.shape[0]
    index = HashIndex(RADIUS)
    index.add(variants[:, 0])
    ids = np.arange(n, dtype=np.int64)
    found = as_dict(index.query(regions.reshape(-1), np.repeat(ids, REGION_COUNT)))
    d = min_distances(regions, variants[:, 0])
    np.fill_diagonal(d, RADIUS + 1)  # a picture's regions never pair with its own whole
    best = np.minimum(d, d.T)
    i, j = np.nonzero(np.triu(best <= RADIUS, k=1))
    want = {(int(a), int(b)): int(best[a, b]) for a, b in zip(i, j, strict=True)}
    assert len(want) > n // 5
    assert found == want


@pytest.mark.parametrize("bands", [3, 4, 5])
def test_batch_self_join_equals_brute_force(real_hashes: tuple[Hashes, Hashes], bands: int) -> None:
    canonical = real_hashes[0][:, 0]
    assert as_dict(pairs_within(canonical, RADIUS, bands=bands)) == reference_pairs(
        canonical, RADIUS
    )
