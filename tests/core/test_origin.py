"""What a file's bytes say about its history: JPEG quality from the tables, a decoded JPEG inside
a lossless file, an enlargement; read in the worker, kept in the fingerprint cache."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from lookalike.bench import sources
from lookalike.core import origin
from lookalike.core.cache import FingerprintCache
from lookalike.core.matching.fingerprint import fingerprint_bytes
from lookalike.core.model import NO_ORIGIN, ImageFile, Origin
from tests import images

# Resolved at import, before each test points HOME and the cache folder at a temporary one.
FETCHED = sources.default_dir() / "photos"
# Photos that were never JPEGs (PNG sources without a JPEG past) and JPEG sources.
REAL_PNG = ("astronaut", "chelsea", "rubberwhale1")
REAL_JPEG = ("Storm", "china", "Bridge")
# Enlargement leaves a trace in most photos (about 85 % of the real photos at 1.25 and 1.5);
# these are among them.
REAL_ENLARGED = ("chelsea", "coffee", "Bridge", "seeding")


def real_photo(photo_id: str, long_side: int = 1200) -> np.ndarray:
    """A fetched photo (BGR), made smaller, which also takes away any JPEG grid it had."""
    try:
        fetched = {p.id: p for p in sources.load_manifest(FETCHED)}
    except FileNotFoundError:
        pytest.skip(f"real photos not fetched into {FETCHED}: run `lookalike accuracy --fetch`")
    img = cv2.imread(str(FETCHED / fetched[photo_id].file), cv2.IMREAD_COLOR)
    assert img is not None
    scale = long_side / max(img.shape[:2])
    return cv2.resize(
        img, None, fx=min(scale, 0.99), fy=min(scale, 0.99), interpolation=cv2.INTER_AREA
    )


def jpeg_decoded(img: np.ndarray, quality: int) -> np.ndarray:
    """What a PNG converted from a JPEG of ``img`` holds: the JPEG's decoded pixels."""
    ok, data = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return cv2.imdecode(data, cv2.IMREAD_COLOR)


def enlarged(img: np.ndarray, factor: float) -> np.ndarray:
    h, w = img.shape[:2]
    rgb = Image.fromarray(cv2.cvtColor(img, cv2.COLOR_BGR2RGB))
    big = rgb.resize((round(w * factor), round(h * factor)), Image.Resampling.BICUBIC)
    return cv2.cvtColor(np.asarray(big), cv2.COLOR_RGB2BGR)


def as_png(tmp_path: Path, img: np.ndarray) -> Origin:
    """The origin facts the scan's worker reads from ``img`` saved as a PNG."""
    path = tmp_path / f"picture-{len(list(tmp_path.iterdir()))}.png"
    assert cv2.imwrite(str(path), img)
    return fingerprint_bytes(str(path), path.read_bytes(), False).origin


@pytest.mark.parametrize("quality", [10, 35, 50, 70, 85, 92, 95, 100])
def test_jpeg_quality_comes_from_the_quantisation_tables(quality: int) -> None:
    buf = io.BytesIO()
    Image.fromarray(images.photo(1, 320, 240)).save(buf, "JPEG", quality=quality)
    assert origin.jpeg_quality(Image.open(io.BytesIO(buf.getvalue()))) == quality


def test_a_file_without_tables_has_no_jpeg_quality() -> None:
    buf = io.BytesIO()
    Image.fromarray(images.photo(1, 320, 240)).save(buf, "PNG")
    assert origin.jpeg_quality(Image.open(io.BytesIO(buf.getvalue()))) == 0


@pytest.mark.parametrize("photo", [*REAL_PNG, *REAL_JPEG])
@pytest.mark.parametrize("quality", [60, 75, 95, 96])
def test_a_png_converted_from_a_jpeg_is_recognised_in_real_photos(
    tmp_path: Path, photo: str, quality: int
) -> None:
    img = real_photo(photo)
    assert as_png(tmp_path, img).jpeg_past == 0  # never a JPEG
    found = as_png(tmp_path, jpeg_decoded(img, quality))
    assert found.lossless
    assert abs(found.jpeg_past - quality) <= 5, found


@pytest.mark.parametrize("photo", [*REAL_PNG, *REAL_JPEG])
def test_a_fine_jpeg_inside_a_png_is_never_taken_for_a_better_one(
    tmp_path: Path, photo: str
) -> None:
    # Cameras save "fine" JPEGs at 95-98. A copy's past above its source's own quality would
    # make the rank keep the copy; at 98 the worker's gray (libpng's own conversion) mostly
    # hides the lattice, and a copy not recognised ranks as a lossless master.
    img = real_photo(photo)
    for quality in (95, 96, 97, 98):
        past = as_png(tmp_path, jpeg_decoded(img, quality)).jpeg_past
        assert past <= quality, (quality, past)
        assert past >= quality - 2 or (quality >= 97 and past == 0), (quality, past)


@pytest.mark.parametrize("seed", [3, 4])
def test_a_png_converted_from_a_jpeg_is_recognised_in_generated_pictures(
    tmp_path: Path, seed: int
) -> None:
    img = images.photo(seed, 900, 640)
    assert as_png(tmp_path, img).jpeg_past == 0
    assert abs(as_png(tmp_path, jpeg_decoded(img, 70)).jpeg_past - 70) <= 3


def test_a_decoded_jpeg_shifted_off_its_grid_is_not_recognised(tmp_path: Path) -> None:
    # A crop by a few pixels moves the blocks: the test says so rather than guessing.
    assert as_png(tmp_path, jpeg_decoded(images.photo(3, 900, 640), 70)[3:, 5:]).jpeg_past == 0


@pytest.mark.parametrize("photo", REAL_ENLARGED)
@pytest.mark.parametrize("factor", [1.25, 1.5])
def test_an_enlarged_real_photo_is_recognised(tmp_path: Path, photo: str, factor: float) -> None:
    img = real_photo(photo, long_side=900)
    assert as_png(tmp_path, img).upscale == 1.0
    assert as_png(tmp_path, enlarged(img, factor)).upscale == pytest.approx(factor, abs=0.05)


def test_an_enlarged_generated_picture_is_recognised(tmp_path: Path) -> None:
    img = images.photo(5, 900, 640)
    assert as_png(tmp_path, img).upscale == 1.0
    assert as_png(tmp_path, enlarged(img, 1.5)).upscale == pytest.approx(1.5, abs=0.05)


def test_the_worker_reads_the_origin_facts(tmp_path: Path) -> None:
    img = images.photo(21, 640, 480)
    camera = images.save(tmp_path / "IMG_0001.JPG", img, quality=75, camera="Canon EOS 80D")
    fp = fingerprint_bytes(str(camera), camera.read_bytes(), False)
    assert (fp.origin.quality, fp.origin.lossless, fp.origin.software) == (75, False, "")
    edited = images.save(tmp_path / "edit.jpg", img, software="GIMP 2.10.34")
    assert fingerprint_bytes(str(edited), edited.read_bytes(), False).origin.software == (
        "GIMP 2.10.34"
    )
    # A PNG saved from the decoded JPEG: lossless, with that JPEG's quality as its past.
    decoded = cv2.imread(str(camera), cv2.IMREAD_COLOR)
    png = tmp_path / "converted.png"
    cv2.imwrite(str(png), decoded)
    facts = fingerprint_bytes(str(png), png.read_bytes(), False).origin
    assert facts.lossless
    assert abs(facts.jpeg_past - 75) <= 3
    assert facts.quality == 0


def test_a_rewritten_date_and_the_makers_note_are_read(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Canon", "Canon EOS 80D"
    exif[0x0132] = "2021:07:01 10:00:00"  # saved again, a month after it was taken
    # Taken, and the maker's note, in the Exif IFD (a dict, which every Pillow writes).
    exif[0x8769] = {0x9003: "2021:06:01 12:00:00", 0x927C: b"Canon\x00private"}
    path = tmp_path / "p.jpg"
    Image.fromarray(images.photo(22, 320, 240)).save(path, "JPEG", exif=exif.tobytes())
    facts = fingerprint_bytes(str(path), path.read_bytes(), False).origin
    assert facts.rewritten
    assert facts.maker_note


def test_a_date_stamped_while_the_camera_wrote_the_file_is_not_a_rewrite(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Canon", "Canon EOS 80D"
    exif[0x0132] = "2021:06:01 12:00:04"  # DateTime four seconds after the shot
    exif[0x8769] = {0x9003: "2021:06:01 12:00:00"}
    path = tmp_path / "IMG_0001.JPG"
    Image.fromarray(images.photo(24, 320, 240)).save(path, "JPEG", exif=exif.tobytes())
    assert not fingerprint_bytes(str(path), path.read_bytes(), False).origin.rewritten


def test_origin_facts_survive_the_cache(tmp_path: Path) -> None:
    path = images.save(tmp_path / "a.jpg", images.photo(23, 320, 240), software="Lightroom 12")
    fp = fingerprint_bytes(str(path), path.read_bytes(), False)
    assert fp.origin != NO_ORIGIN
    st = path.stat()
    file = ImageFile(str(path), st.st_size, st.st_mtime_ns, st.st_ino)
    cache = FingerprintCache(str(tmp_path / "cache.sqlite"))
    cache.store([file], {}, {file.path: fp})
    cache.close()
    again = FingerprintCache(str(tmp_path / "cache.sqlite"))
    prints = again.lookup([file]).prints
    again.close()
    assert prints[file.path].origin == fp.origin


def test_a_cache_of_the_previous_schema_gains_the_origin_column(tmp_path: Path) -> None:
    db_path = tmp_path / "old.sqlite"
    db = sqlite3.connect(db_path)
    db.execute(
        "CREATE TABLE files (path BLOB PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT"
        " NULL, inode INTEGER NOT NULL, content_hash TEXT, fp_version INTEGER, width INTEGER,"
        " height INTEGER, format TEXT, taken TEXT, camera TEXT, has_exif INTEGER, hashes BLOB,"
        " signature BLOB, skip_reason TEXT, skip_detail BLOB, skip_stamp TEXT)"
    )
    db.execute("INSERT INTO files (path, size, mtime_ns, inode, content_hash) VALUES (?,?,?,?,?)",
               (b"/x.jpg", 1, 2, 3, "abc"))  # fmt: skip
    db.execute("PRAGMA user_version=2")
    db.commit()
    db.close()
    cache = FingerprintCache(str(db_path))
    hashes = cache.lookup([ImageFile("/x.jpg", 1, 2, 3)]).hashes
    cache.close()
    assert hashes == {"/x.jpg": "abc"}  # kept, not set aside
    assert not list(tmp_path.glob("*.corrupt-*"))
    columns = {row[1] for row in sqlite3.connect(db_path).execute("PRAGMA table_info(files)")}
    assert "origin" in columns
