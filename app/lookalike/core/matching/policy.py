"""What each sensitivity level means: the thresholds that every matching stage reads.

Calibrated on real photographs (Debian's wallpaper photos) and generated ones: resized,
re-encoded, converted, brightened, grayscale, EXIF-rotated, rotated and mirrored copies all stay
within 4 bits and 0.999; 3 % crops within 8 bits and 0.966; 10-20 % crops within 12 bits and 0.86
of the original's inner fingerprint; different photos and views shifted by 10 % or more sit at
18+ bits. See tests/bench/calibrate.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from lookalike.core.model import Sensitivity


@dataclass(frozen=True, slots=True)
class Thresholds:
    """One sensitivity level: the candidate search radius on the 64-bit hash, and the signature
    correlation a candidate needs to be accepted."""

    max_hash_distance: int
    min_similarity: float
    # The interim verifier's crop test: one's whole hash within this of the other's inner hash
    # (and signatures correlating above crop_min_similarity). 0 turns it off.
    crop_hash_distance: int = 0
    crop_min_similarity: float = 1.0
    # Trimmed, cropped and straightened copies: one's whole picture against the other's region
    # hashes (`regions`). A radius of 0 turns region candidates off.
    region_hash_distance: int = 0


THRESHOLDS = {
    Sensitivity.STRICT: Thresholds(max_hash_distance=6, min_similarity=0.97),
    Sensitivity.NORMAL: Thresholds(
        max_hash_distance=10,
        min_similarity=0.93,
        crop_hash_distance=12,
        crop_min_similarity=0.85,
        region_hash_distance=10,
    ),
    Sensitivity.LOOSE: Thresholds(
        max_hash_distance=14,
        min_similarity=0.85,
        crop_hash_distance=14,
        crop_min_similarity=0.8,
        # Not wider than normal: region queries at 12 bits cost four times those at 10.
        region_hash_distance=10,
    ),
}

# Beyond these a copy is "similar" (edited) rather than "the same picture" re-saved.
SAME_PICTURE_MAX_DISTANCE = 4
SAME_PICTURE_MIN_SIMILARITY = 0.99


def thresholds(sensitivity: Sensitivity) -> Thresholds:
    """The thresholds of one sensitivity level."""
    return THRESHOLDS[sensitivity]
