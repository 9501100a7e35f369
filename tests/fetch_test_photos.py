"""Unpack scikit-image's sample photographs from its wheel (downloaded by .ci/run) for the
verifier's real-photo tests: ``python tests/fetch_test_photos.py FOLDER`` leaves them in
FOLDER/skimage/data, which LOOKALIKE_TEST_PHOTOS then names."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path


def main(folder: str) -> None:
    (wheel,) = Path(folder).glob("scikit_image-*.whl")
    with zipfile.ZipFile(wheel) as z:
        for name in z.namelist():
            if name.startswith("skimage/data/") and name.endswith((".png", ".jpg")):
                z.extract(name, folder)


if __name__ == "__main__":
    main(sys.argv[1])
