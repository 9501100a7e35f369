"""Header facts: one EXIF reader for the scan and the preview, and the one pixel cap."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from lookalike.core import metadata
from lookalike.core.matching import fingerprint
from tests import images


@pytest.mark.parametrize("orientation", [None, 3, 6, 8])
def test_scan_and_preview_read_the_same_facts(tmp_path: Path, orientation: int | None) -> None:
    path = images.save(
        tmp_path / "p.jpg",
        images.photo(31, 400, 300),
        orientation=orientation,
        taken="2019:02:03 04:05:06",
        camera="Canon EOS 80D",
    )
    info = metadata.read_photo_info(str(path))
    assert (info.width, info.height) == (400, 300)  # stored turned, shown upright
    assert (info.format, info.taken, info.camera) == (
        "JPEG",
        "2019:02:03 04:05:06",
        "Canon EOS 80D",
    )
    fp = fingerprint.fingerprint_bytes(str(path), path.read_bytes(), False)
    assert (fp.width, fp.height, fp.taken, fp.camera, fp.has_exif) == (
        400,
        300,
        info.taken,
        info.camera,
        True,
    )


def test_make_is_said_once_and_no_exif_means_no_facts(tmp_path: Path) -> None:
    # The generator writes the make as the model's first word ("Canon" + "Canon EOS 80D").
    repeated = images.save(tmp_path / "c.jpg", images.photo(32, 200, 100), camera="Canon EOS 80D")
    assert metadata.read_photo_info(str(repeated)).camera == "Canon EOS 80D"
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "NIKON CORPORATION", "D750"
    separate = tmp_path / "n.jpg"
    Image.new("RGB", (64, 48)).save(separate, "JPEG", exif=exif.tobytes())
    assert metadata.read_photo_info(str(separate)).camera == "NIKON CORPORATION D750"

    bare = images.save(tmp_path / "bare.png", images.photo(32, 200, 100))
    info = metadata.read_photo_info(str(bare))
    assert info == metadata.PhotoInfo(200, 100, "PNG", "", "")
    assert not fingerprint.fingerprint_bytes(str(bare), bare.read_bytes(), False).has_exif


def test_unreadable_files_give_empty_facts(tmp_path: Path) -> None:
    assert metadata.read_photo_info(str(images.write_fake(tmp_path / "fake.jpg"))) == (
        metadata.PhotoInfo()
    )
    assert metadata.read_photo_info(str(tmp_path / "missing.jpg")) == metadata.PhotoInfo()


def test_the_scan_refuses_what_the_cap_refuses(tmp_path: Path) -> None:
    side = int(metadata.MAX_PIXELS**0.5) + 1
    bomb = images.write_bomb_png(tmp_path / "bomb.png", side, side)
    with pytest.raises(fingerprint.SkipFileError) as info:
        fingerprint.fingerprint_bytes(str(bomb), bomb.read_bytes(), False)
    assert info.value.reason.name == "TOO_LARGE"
