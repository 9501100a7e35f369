"""Fingerprints: orientation variants derived from one DCT, truncation and format checks."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from lookalike.core.matching import fingerprint as fp
from tests import images


@pytest.mark.parametrize("orientation", range(8))
def test_variant_hash_equals_hash_of_turned_picture(orientation: int) -> None:
    gray = cv2.cvtColor(images.photo(21, 256, 256), cv2.COLOR_BGR2GRAY)
    hashes, signature = fp.hashes_and_signature(gray)
    turned, turned_signature = fp.hashes_and_signature(
        np.ascontiguousarray(fp.orient(gray, orientation))
    )
    variant = int.from_bytes(hashes[8 * orientation : 8 * orientation + 8], "little")
    assert bin(variant ^ int.from_bytes(turned[:8], "little")).count("1") <= 2
    a = fp.orient(np.frombuffer(signature, np.uint8).reshape(16, 16), orientation)
    b = np.frombuffer(turned_signature, np.uint8).reshape(16, 16)
    assert fp.signature_similarity(a, b) > 0.99


def test_truncated_jpeg_is_refused_but_trailing_data_is_fine() -> None:
    data = images.jpeg_bytes(images.photo(22, 320, 240))
    assert fp.fingerprint_bytes("ok.jpg", data, False).width == 320
    # Phones append data after the image (motion photos, MPF previews).
    assert fp.fingerprint_bytes("trailer.jpg", data + b"\x00" * 5000 + b"MotionPhoto", False)
    with pytest.raises(fp.SkipFileError) as info:
        fp.fingerprint_bytes("cut.jpg", data[: len(data) * 2 // 3], False)
    assert info.value.reason.name == "DAMAGED"


def test_flat_picture_has_no_signature() -> None:
    flat = np.full((200, 300, 3), 127, np.uint8)
    result = fp.fingerprint_bytes("grey.jpg", images.jpeg_bytes(flat), True)
    assert result.signature == b""
    assert result.content_hash
