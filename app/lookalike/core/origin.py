"""How a picture file was made, from what the scan's workers read anyway: a JPEG's quality from
its quantisation tables, a lossless file whose pixels are a decoded JPEG (and that JPEG's
quality), and a picture enlarged from a smaller one.

The keeper rank (``ranking.py``) reads these facts as ``model.Origin``. Everything here runs in
the worker processes on the header and the decoded grayscale image ``fingerprint.py`` already
has: a few milliseconds a file, measured in ``tests/bench/bench_origin.py``. Pixel analysis is
done only on lossless files, which the worker decodes at full size; a JPEG is decoded at 1/8
scale, where neither block artefacts nor enlargement can be seen, and its tables say enough.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from PIL import Image

from lookalike.core.metadata import ExifFacts
from lookalike.core.model import Origin

Gray = npt.NDArray[np.uint8]

# The IJG (libjpeg) luminance table at quality 50, which nearly every encoder scales.
_BASE_LUMA = np.array(
    [
        [16, 11, 10, 16, 24, 40, 51, 61],
        [12, 12, 14, 19, 26, 58, 60, 55],
        [14, 13, 16, 24, 40, 57, 69, 56],
        [14, 17, 22, 29, 51, 87, 80, 62],
        [18, 22, 37, 56, 68, 109, 103, 77],
        [24, 35, 55, 64, 81, 104, 113, 92],
        [49, 64, 78, 87, 103, 121, 120, 101],
        [72, 92, 95, 98, 112, 100, 103, 99],
    ],
    dtype=np.float64,
)


def _ijg_tables() -> npt.NDArray[np.float64]:
    """The luminance table libjpeg writes at each quality 1-100 (row q-1), row-major."""
    quality = np.arange(1, 101, dtype=np.float64)[:, None]
    scale = np.where(quality < 50, 5000 / quality, 200 - 2 * quality)
    tables = np.floor((_BASE_LUMA.reshape(1, 64) * scale + 50) / 100)
    return np.clip(tables, 1, 255)


_TABLES = _ijg_tables()
_LOG_TABLES = np.log(_TABLES)


def _quality_of(steps: npt.NDArray[np.float64], known: npt.NDArray[np.bool_]) -> int:
    """The libjpeg quality whose luminance table is nearest to these steps (row-major; only
    the ``known`` entries count), in the log domain so that small steps weigh as much as big."""
    error = np.abs(_LOG_TABLES[:, known] - np.log(steps[known])[None, :]).sum(axis=1)
    return int(np.argmin(error)) + 1


def jpeg_quality(header: Image.Image) -> int:
    """A JPEG's quality (1-100) from its luminance quantisation table; 0 without one."""
    tables = getattr(header, "quantization", None)
    if not tables:
        return 0
    luma = tables.get(0)
    if luma is None or len(luma) != 64:
        return 0
    # Pillow hands the table over in natural (row-major) order.
    steps = np.asarray(luma, dtype=np.float64)
    if steps.min() < 1:
        return 0
    return _quality_of(steps, np.ones(64, dtype=bool))


# --- a decoded JPEG inside a lossless file ----------------------------------------------------

_BLOCKS_PER_SIDE = (32, 32)  # sampled block rows and columns: 1,024 blocks, enough to be sure
_MIN_BLOCKS = 64
# The DCT coefficients tested: low frequencies, where every quality up to 94 uses steps of 2 or
# more; then, for a file they find no lattice in, middle frequencies, where qualities 95-98 (what
# cameras save as "fine") still use steps of 2-12. Measured on the 118 real photos of `lookalike
# accuracy` (1200 px, saved as JPEG by OpenCV, then as PNG, read as the worker reads it): the
# middle ones find 116 of the decoded JPEGs of quality 95, 112 at 96, 92 at 97 and 25 at 98
# (libpng's gray conversion rounds the finer lattices away), where the low ones alone found
# almost none, never above the true quality; none of the photos themselves (resized, which
# takes any JPEG grid away) is taken for a decoded JPEG. At quality 90 the middle steps pass the
# largest one tried, so they guess low, and come second.
_TESTED = ((0, 1), (1, 0), (1, 1), (0, 2), (2, 0), (1, 2), (2, 1), (0, 3), (3, 0), (2, 2))
_TESTED_FINE = (
    (0, 4), (4, 0), (1, 4), (4, 1), (2, 3), (3, 2), (3, 3), (0, 5), (5, 0), (2, 4), (4, 2),
    (1, 5), (5, 1), (3, 4), (4, 3), (2, 5), (5, 2), (0, 6), (6, 0),
)  # fmt: skip
_STEPS = np.arange(2, 25, dtype=np.float32)
_MIN_VALUES = 40  # coefficients beyond the dead zone needed to judge one step
_VALUES_KEPT = 384  # per coefficient, the largest in magnitude
# How well coefficients must sit on the lattice of one step (1.0: exactly on it). Measured on the
# 118 real photos of `lookalike accuracy`, shifted off their own grid and saved as JPEG: at 0.5,
# 110 of the quality-70 files, 109 at 85 and 98 at 92 are recognised, their quality found to
# within 1 on average; of the PNG photos only 4 are, and those 4 were JPEGs once (video frames,
# scipy's face, scikit-image's coins and page): a stricter 0.6 recognises 81 at quality 92.
_ALIGNED = 0.5
_MIN_FITTED = 4  # coefficients whose step was found, to call it a decoded JPEG


def _dct_matrix() -> npt.NDArray[np.float32]:
    """The orthonormal 8-point DCT-II, the transform JPEG codes its blocks with."""
    k = np.arange(8)
    d: npt.NDArray[np.float64] = np.cos(np.pi * (2 * k[None, :] + 1) * k[:, None] / 16) / 2
    d[0] /= np.sqrt(2)
    return d.astype(np.float32)


_DCT = _dct_matrix()


def _sample_blocks(gray: Gray) -> npt.NDArray[np.float32] | None:
    """The DCT coefficients (8x8 per block) of a spread sample of the 8x8 blocks on the grid a
    JPEG of this size was coded in."""
    rows, cols = gray.shape[0] // 8, gray.shape[1] // 8
    if rows * cols < _MIN_BLOCKS:
        return None
    by = np.unique(np.linspace(0, rows - 1, min(rows, _BLOCKS_PER_SIDE[0])).astype(np.int64))
    bx = np.unique(np.linspace(0, cols - 1, min(cols, _BLOCKS_PER_SIDE[1])).astype(np.int64))
    y = (by[:, None] * 8 + np.arange(8)).ravel()
    x = (bx[:, None] * 8 + np.arange(8)).ravel()
    picked = gray[np.ix_(y, x)].astype(np.float32)
    blocks = picked.reshape(len(by), 8, len(bx), 8).swapaxes(1, 2).reshape(-1, 8, 8)
    coefficients: npt.NDArray[np.float32] = _DCT @ blocks @ _DCT.T  # the level shift by 128
    return coefficients  # only moves the DC term


def jpeg_past(gray: Gray) -> int:
    """The quality of the JPEG whose decoded pixels ``gray`` holds, or 0 if it never was one.

    A JPEG stores each 8x8 block's DCT coefficients as multiples of a step from its table, so
    the blocks of a decoded JPEG (a PNG or TIFF converted from one) still have coefficients on
    those lattices, up to rounding. The largest step each tested coefficient fits is that
    table's entry; the table that fits them best gives the quality. From quality 98 up (steps
    of 1 and 2) the trace is mostly lost in rounding, and a JPEG that was cropped off its
    8-pixel grid is not recognised.
    """
    coefficients = _sample_blocks(gray)
    if coefficients is None:
        return 0
    return _past_quality(coefficients, _TESTED) or _past_quality(coefficients, _TESTED_FINE)


def _past_quality(
    coefficients: npt.NDArray[np.float32], positions: tuple[tuple[int, int], ...]
) -> int:
    """The quality whose table the coefficients at ``positions`` fit, or 0 if too few fit."""
    tested = np.stack([coefficients[:, u, v] for u, v in positions])
    # The largest coefficients first: they carry the lattice, and a few hundred are plenty.
    order = np.argsort(-np.abs(tested), axis=1)[:, :_VALUES_KEPT]
    values = np.take_along_axis(tested, order, axis=1)[:, :, None]  # position, value, step
    # Coefficients quantised to 0 sit near 0 for every step and would fit any lattice.
    outside = np.abs(values) > 0.6 * _STEPS
    counts = outside.sum(axis=1)
    angle = values * (2 * np.pi / _STEPS)
    real = (np.cos(angle) * outside).sum(axis=1)
    imaginary = (np.sin(angle) * outside).sum(axis=1)
    alignment = np.hypot(real, imaginary) / np.maximum(counts, 1)
    fits = (alignment > _ALIGNED) & (counts >= _MIN_VALUES)
    steps = np.ones(64)
    known = np.zeros(64, dtype=bool)
    for i, (u, v) in enumerate(positions):
        found = np.flatnonzero(fits[i])
        if found.shape[0]:
            # Every divisor of the true step fits too: the true step is the largest.
            steps[u * 8 + v] = _STEPS[found[-1]]
            known[u * 8 + v] = True
    if known.sum() < _MIN_FITTED:
        return 0
    return _quality_of(steps, known)


# --- enlargement ------------------------------------------------------------------------------

_ROWS = 256  # rows (and columns) sampled for the periodicity test
_SPAN = 1024  # at most this many pixels along each sampled line
_MIN_SPAN = 256
_LOWEST = 0.05  # cycles per pixel: below this the picture's own content dominates
# The peak an interpolation leaves, as a multiple of the spectrum's median: enlarged copies of
# the real photos reach 15-400, the photos themselves stay below 12 except regular patterns
# (window blinds: 33 along one axis only, so both axes must agree).
_PEAK = 20.0
_GRID_PEAK = 6.0  # a JPEG block grid's own harmonics at k/8 cycles per pixel


def _lines(gray: Gray, across: bool) -> npt.NDArray[np.float32] | None:
    """Up to _ROWS evenly spread rows (or columns) of ``gray``, at most _SPAN pixels long from
    the middle, one line per row of the result; None when the picture is too small."""
    h, w = gray.shape
    if across:
        h, w = w, h
    if w < _MIN_SPAN or h < 16:
        return None
    start = max(0, (w - _SPAN) // 2)
    step = max(1, h // _ROWS)
    if across:
        return gray[start : start + _SPAN, ::step].T.astype(np.float32)
    return gray[::step, start : start + _SPAN].astype(np.float32)


def _resampling_peak(lines: npt.NDArray[np.float32]) -> tuple[float, float]:
    """Where (cycles per pixel) and how strongly (times the median) ``lines`` show the periodic
    trace an interpolating resize leaves."""
    second = np.abs(lines[:, :-2] - 2 * lines[:, 1:-1] + lines[:, 2:])
    profile = second.mean(axis=0)
    profile -= profile.mean()
    n = profile.shape[0]
    magnitude = np.abs(np.fft.rfft(profile * np.hanning(n)))
    freq = np.fft.rfftfreq(n)
    usable = freq > _LOWEST
    median = float(np.median(magnitude[usable])) or 1e-9
    strength = magnitude / median
    near = [np.abs(freq - k / 8) <= 2.0 / n for k in (1, 2, 3, 4)]
    # A JPEG block grid peaks at every k/8; an enlargement by 4 at 2/8 alone.
    grid = max(strength[near[0]].max(), strength[near[2]].max()) >= _GRID_PEAK
    usable &= ~(near[0] | near[2] | near[3])
    if grid:
        usable &= ~near[1]
    best = int(np.argmax(np.where(usable, strength, 0.0)))
    return float(freq[best]), float(strength[best])


def _band_power(lines: npt.NDArray[np.float32], low: float, high: float) -> float:
    """Mean power per frequency bin of ``lines`` between two frequencies (cycles per pixel)."""
    centred = lines - lines.mean(axis=1, keepdims=True)
    power = (np.abs(np.fft.rfft(centred * np.hanning(lines.shape[1]), axis=1)) ** 2).mean(axis=0)
    freq = np.fft.rfftfreq(lines.shape[1])
    band = (freq >= low) & (freq < high)
    return float(power[band].mean()) if band.any() else 0.0


def upscale_factor(gray: Gray) -> float:
    """How many times the picture in ``gray`` was enlarged; 1.0 when nothing says it was.

    An interpolating resize makes every output pixel a blend of its inputs with weights that
    repeat with the ratio of the two grids, so the strength of the picture's second difference
    repeats too: a sharp peak in its spectrum, at the same frequency along both axes. A peak at
    f cycles per pixel comes from an enlargement by 1/(1-f) or by 1/f; the larger one leaves no
    detail between the two cut-off frequencies, which tells them apart. Enlargement by exactly
    2 leaves a symmetric trace that this test cannot see.
    """
    rows, columns = _lines(gray, across=False), _lines(gray, across=True)
    if rows is None or columns is None:
        return 1.0
    (f1, s1), (f2, s2) = _resampling_peak(rows), _resampling_peak(columns)
    if min(s1, s2) < _PEAK or abs(f1 - f2) > 0.01:
        return 1.0
    f = (f1 + f2) / 2
    small, large = 1 / (1 - f), 1 / f
    # The source's Nyquist frequency, in the enlarged picture's cycles per pixel.
    cut_small, cut_large = 0.5 / small, 0.5 / large
    between = _band_power(rows, cut_large * 1.15, cut_small * 0.9)
    below = _band_power(rows, cut_large * 0.5, cut_large * 0.9)
    if below > 0 and between < below / 30:
        return round(large, 2)
    return round(small, 2)


# --- together ---------------------------------------------------------------------------------


def _webp_lossless(data: bytes) -> bool:
    """Whether a WebP file's picture is VP8L (lossless) rather than VP8 (lossy)."""
    offset = 12
    while offset + 8 <= len(data):
        fourcc = data[offset : offset + 4]
        if fourcc == b"VP8L":
            return True
        if fourcc == b"VP8 ":
            return False
        size = int.from_bytes(data[offset + 4 : offset + 8], "little")
        offset += 8 + size + (size & 1)
    return False


def is_lossless(fmt: str, header: Image.Image, data: bytes) -> bool:
    """Whether the format keeps every pixel as it was given (GIF's palette does not)."""
    if fmt in ("PNG", "BMP"):
        return True
    if fmt == "TIFF":
        return str(header.info.get("compression", "raw")) not in ("jpeg", "tiff_jpeg")
    if fmt == "WEBP":
        return _webp_lossless(data)
    return False


def origin_of(
    fmt: str, header: Image.Image, data: bytes, exif: ExifFacts, gray: Gray | None
) -> Origin:
    """The origin facts of one file.

    Args:
        gray: the decoded picture at full size, for a lossless file; None otherwise.
    """
    lossless = is_lossless(fmt, header, data)
    past, upscale = 0, 1.0
    if lossless and gray is not None:
        past, upscale = jpeg_past(gray), upscale_factor(gray)
    return Origin(
        software=exif.software,
        rewritten=exif.rewritten,
        maker_note=exif.maker_note,
        lossless=lossless,
        quality=jpeg_quality(header) if fmt == "JPEG" else 0,
        jpeg_past=past,
        upscale=upscale,
    )
