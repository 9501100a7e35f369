"""ThumbCache: real files decoded off the GUI thread, broken files, the LRU bound, de-dup."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from lookalike.gui.thumb_cache import ThumbCache, load_thumbnail
from tests import images


@pytest.fixture
def cache(qtbot) -> Iterator[ThumbCache]:
    cache = ThumbCache(threads=1)
    yield cache
    assert cache.shutdown()


@pytest.fixture
def photos(tmp_path: Path) -> list[Path]:
    return [images.save(tmp_path / f"p{n}.jpg", images.photo(n, 400, 300)) for n in range(4)]


def _wait_loaded(qtbot, cache: ThumbCache, path: Path, edge: int):
    qtbot.waitUntil(lambda: cache.get(str(path), edge) is not None, timeout=10_000)
    return cache.get(str(path), edge)


def test_miss_then_hit(qtbot, cache: ThumbCache, photos: list[Path]) -> None:
    assert cache.get(str(photos[0]), 100) is None
    with qtbot.waitSignal(cache.thumbnail_ready, timeout=10_000) as blocker:
        pass
    assert blocker.args == [str(photos[0])]
    pixmap = cache.get(str(photos[0]), 100)
    assert pixmap is not None
    assert (pixmap.width(), pixmap.height()) == (100, 75)
    assert not cache.is_broken(str(photos[0]))
    assert cache.in_flight == 0


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    picture = images.photo(5, 400, 300)
    turned = images.save(tmp_path / "turned.jpg", picture, orientation=6)
    image = load_thumbnail(str(turned), 80)
    # Stored as 300 x 400 pixels, shown as the original 400 x 300 picture.
    assert (image.width(), image.height()) == (80, 60)
    plain = load_thumbnail(str(images.save(tmp_path / "plain.jpg", picture)), 80)
    # Same picture, same way up: the pixels agree closely (JPEG noise aside).
    diffs = [
        abs(image.pixelColor(x, y).red() - plain.pixelColor(x, y).red())
        for x in range(5, 75, 10)
        for y in range(5, 55, 10)
    ]
    assert sum(diffs) / len(diffs) < 25


def test_no_upscaling_of_small_images(tmp_path: Path) -> None:
    small = images.save(tmp_path / "small.png", images.photo(6, 40, 30))
    image = load_thumbnail(str(small), 200)
    assert (image.width(), image.height()) == (40, 30)
    assert image.format() == QImage.Format.Format_RGB32


@pytest.mark.parametrize("kind", ["fake", "empty", "bomb"])
def test_broken_file_gets_the_broken_placeholder(
    qtbot, cache: ThumbCache, tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "bad.jpg"
    if kind == "fake":
        images.write_fake(path)
    elif kind == "empty":
        path.write_bytes(b"")
    else:
        path = images.write_bomb_png(tmp_path / "bomb.png")
    assert cache.get(str(path), 64) is None
    with qtbot.waitSignal(cache.thumbnail_ready, timeout=10_000):
        pass
    assert cache.is_broken(str(path))
    placeholder = cache.get(str(path), 64)
    assert placeholder is cache.broken_pixmap(64)
    assert placeholder is not None
    assert not placeholder.isNull()
    # Broken stays broken: no second load is queued.
    assert cache.in_flight == 0
    assert len(cache) == 0


@pytest.mark.qt_log_ignore("Corrupt JPEG data")  # libjpeg's complaint, routed to qWarning
def test_truncated_jpeg_shows_what_was_decoded(qtbot, cache: ThumbCache, tmp_path: Path):
    path = images.write_truncated(tmp_path / "cut.jpg", images.photo(7, 400, 300))
    assert _wait_loaded(qtbot, cache, path, 64).width() == 64


def test_in_flight_requests_are_deduplicated(qtbot, cache: ThumbCache, photos: list[Path]) -> None:
    arrivals: list[str] = []
    cache.thumbnail_ready.connect(arrivals.append)
    for _ in range(5):
        assert cache.get(str(photos[0]), 50) is None
    assert cache.in_flight == 1
    qtbot.waitUntil(lambda: cache.in_flight == 0, timeout=10_000)
    assert arrivals == [str(photos[0])]
    # Another edge is another thumbnail.
    assert cache.get(str(photos[0]), 60) is None
    assert cache.in_flight == 1
    qtbot.waitUntil(lambda: cache.in_flight == 0, timeout=10_000)


def test_lru_bound(qtbot, photos: list[Path]) -> None:
    one = 100 * 75 * 4
    cache = ThumbCache(budget_bytes=2 * one + 10, threads=1)
    try:
        for path in photos[:2]:
            _wait_loaded(qtbot, cache, path, 100)
        assert cache.cost_bytes == 2 * one
        cache.get(str(photos[0]), 100)  # touch: photos[1] is now the least recently used
        _wait_loaded(qtbot, cache, photos[2], 100)
        assert len(cache) == 2
        assert cache.cost_bytes <= cache.budget_bytes
        assert cache.contains(str(photos[0]), 100)
        assert not cache.contains(str(photos[1]), 100)
        assert cache.contains(str(photos[2]), 100)
    finally:
        assert cache.shutdown()


def test_queued_requests_out_of_view_are_dropped(qtbot, cache: ThumbCache, tmp_path: Path) -> None:
    # Big PNGs keep the single decoder busy long enough for the others to stay queued.
    big = images.photo(1, 800, 600)
    paths = [images.save(tmp_path / f"big{n}.png", big) for n in range(4)]
    for path in paths:
        cache.get(str(path), 64)
    dropped = cache.keep_pending_only({str(paths[0]), str(paths[3])})
    # The one decoder is busy with path 0 (or, on a very slow start, already with path 1):
    # path 2 at least was still queued, and whatever was dropped never loads.
    assert dropped >= 1
    qtbot.waitUntil(lambda: cache.in_flight == 0, timeout=20_000)
    assert cache.contains(str(paths[3]), 64)
    assert not cache.contains(str(paths[2]), 64)
    assert len(cache) == len(paths) - dropped


def test_forget(qtbot, cache: ThumbCache, photos: list[Path]) -> None:
    _wait_loaded(qtbot, cache, photos[0], 40)
    cache.forget([str(photos[0])])
    assert not cache.contains(str(photos[0]), 40)
    assert cache.cost_bytes == 0


def test_destroying_the_cache_while_loading_is_safe(qtbot, tmp_path: Path) -> None:
    big = images.photo(2, 800, 600)
    paths = [images.save(tmp_path / f"big{n}.png", big) for n in range(3)]
    cache = ThumbCache(threads=1)
    for path in paths:
        cache.get(str(path), 64)
    # The pool is destroyed (waiting for the running load) before the signal carrier.
    with qtbot.waitSignal(cache.destroyed, timeout=20_000):
        cache.deleteLater()
