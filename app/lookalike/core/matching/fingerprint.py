"""Per-image fingerprints: reduced-resolution decode, EXIF facts, perceptual hash and signature.

Runs inside the scan's worker processes: every function here takes paths or bytes and returns
small picklable values, never decoded pixels.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from lookalike.core import words
from lookalike.core.hashing import content_digest
from lookalike.core.matching.regions import region_hashes
from lookalike.core.metadata import MAX_PIXELS, exif_facts
from lookalike.core.model import NO_ORIGIN, Origin, SkipFileError, Skipped, SkipReason
from lookalike.core.origin import origin_of
from lookalike.core.reading import (
    HeaderWindow,
    check_file_size,
    open_header,
    open_regular,
    register_optional_decoders,
)

# Bump when anything below changes what a fingerprint contains; cached ones are then recomputed.
ALGORITHM_VERSION = 6  # 5: origin facts find decoded JPEGs of quality 95-98; 6: 4 more regions

HASH_EDGE_PX = 32  # the DCT input; its low 8x8 frequencies give the 64-bit hash
SIGNATURE_EDGE_PX = 16  # the verification thumbnail (256 bytes a file)
MIN_DECODED_SHORT_SIDE_PX = 256  # JPEG DCT scaling stops before the short side drops below this
MIN_SIDE_PX = 16  # smaller images (spacers, icons) match everything and are not compared
FLAT_SIGNATURE_STD = 2.0  # a signature this uniform carries no picture to compare
# The "inner" fingerprint covers the picture minus this fraction of its width and height (half on
# each side): a copy cropped by 10-20 % shows about that region, so its full fingerprint lands
# near the original's inner one (calibrated in tests/bench/calibrate.py).
INNER_CROP_FRACTION = 0.16
_SIGNATURE_BYTES = SIGNATURE_EDGE_PX * SIGNATURE_EDGE_PX

# Test hook: a worker given a file whose name contains this marker dies the way a crashing
# native decoder would, so tests can check that the scan survives it. The scan reads the
# variable and hands it to its workers.
CRASH_MARKER_ENV = "LOOKALIKE_TEST_CRASH_MARKER"
_crash_marker = ""


@dataclass(frozen=True, slots=True)
class FileTask:
    """What a worker needs to fingerprint one file and detect that it changed meanwhile."""

    path: str
    size: int
    mtime_ns: int
    want_content_hash: bool


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What the comparison needs of one image (a few hundred bytes)."""

    path: str
    width: int  # as displayed, after EXIF orientation
    height: int
    format: str
    taken: str  # EXIF DateTimeOriginal, or ""
    camera: str  # EXIF make and model, or ""
    has_exif: bool
    # Little-endian uint64: the pHash under each of the 8 orientations, the inner pHash, then
    # the pHashes of the regions of `regions.region_specs` (REGION_COUNT of them).
    hashes: bytes
    # Contrast-normalised grayscale thumbnails (SIGNATURE_EDGE_PX square), of the whole picture
    # and of its inner region; b"" for a flat picture, whole only if the inner region is flat.
    signature: bytes
    content_hash: str = ""
    origin: Origin = NO_ORIGIN  # what the keeper rank needs to know of the file's history

    @property
    def phash(self) -> int:
        return int.from_bytes(self.hashes[:8], "little")

    @property
    def inner_hash(self) -> int:
        return int.from_bytes(self.hashes[64:72], "little")

    @property
    def regions(self) -> bytes:
        """The region hashes (8 bytes each), for `regions.RegionCandidates`."""
        return self.hashes[72:]

    @property
    def has_inner(self) -> bool:
        return len(self.signature) == 2 * _SIGNATURE_BYTES

    def hash_variants(self) -> np.ndarray:
        return np.frombuffer(self.hashes[:64], dtype="<u8").astype(np.uint64)

    def signature_array(self) -> np.ndarray:
        return _square(self.signature[:_SIGNATURE_BYTES])

    def inner_signature_array(self) -> np.ndarray:
        return _square(self.signature[_SIGNATURE_BYTES:])


def _square(signature: bytes) -> np.ndarray:
    return np.frombuffer(signature, np.uint8).reshape(SIGNATURE_EDGE_PX, SIGNATURE_EDGE_PX)


# --- orientations -------------------------------------------------------------------------

# The 8 orientations (dihedral group) as operations on a square array, by index: 0 identity,
# 1-3 turned clockwise by 90, 180 and 270 degrees, 4 mirrored, 5 mirrored and turned by 90,
# 6 flipped (mirrored and turned by 180), 7 mirrored and turned by 270. The same order is used
# for hashes and for signatures, so a hash match under orientation t is verified by applying
# orientation t to the signature.


def orient(square: np.ndarray, index: int) -> np.ndarray:
    """Apply orientation ``index`` (see the list above) to a square array."""
    if index >= 4:
        square = square[:, ::-1]
    return np.rot90(square, -(index % 4))


def _dct_variants(block: np.ndarray) -> list[np.ndarray]:
    """The low-frequency 8x8 DCT block of the image under each orientation.

    Mirroring negates odd horizontal frequencies, flipping odd vertical ones, transposing swaps
    the axes, so the 8 blocks follow from one DCT and no second decode or transform is needed.
    """
    signs_x = np.where(np.arange(8) % 2, -1.0, 1.0)[None, :]
    out = [block]
    for start in (block, block * signs_x):
        if start is not block:
            out.append(start)
        for _ in range(3):
            # Rotating clockwise = transposing, then mirroring left-right.
            out.append(out[-1].T * signs_x)
    return out


def _variant_layout() -> tuple[np.ndarray, np.ndarray]:
    """Where each orientation's 64 low frequencies come from in the canonical block, and their
    signs: `_dct_variants` applied once to the numbers 1..64."""
    numbered = _dct_variants(np.arange(1, 65, dtype=np.float64).reshape(8, 8))
    flat = np.stack(numbered).reshape(len(numbered), 64)
    return (np.abs(flat).astype(np.intp) - 1), np.sign(flat)


_VARIANT_SOURCE, _VARIANT_SIGN = _variant_layout()
# The inner region needs only its canonical hash: one more row, after the 8 orientations.
_ALL_SOURCE = np.concatenate([_VARIANT_SOURCE, _VARIANT_SOURCE[:1] + 64])
_ALL_SIGN = np.concatenate([_VARIANT_SIGN, _VARIANT_SIGN[:1]])


def _small(gray: np.ndarray) -> np.ndarray:
    # Bilinear to 256 px then an exact 8:1 area average: as good as a direct area resize and 4x
    # faster, since INTER_AREA at non-integer ratios takes a slow path.
    h, w = gray.shape
    if h > 256 or w > 256:
        gray = cv2.resize(gray, (256, 256), interpolation=cv2.INTER_LINEAR)
    small = cv2.resize(gray, (HASH_EDGE_PX, HASH_EDGE_PX), interpolation=cv2.INTER_AREA)
    return small.astype(np.float32)


def _signature(small32: np.ndarray) -> bytes:
    sig = cv2.resize(small32, (SIGNATURE_EDGE_PX, SIGNATURE_EDGE_PX), interpolation=cv2.INTER_AREA)
    mean, std = cv2.meanStdDev(sig)
    spread = float(std[0, 0])
    if spread < FLAT_SIGNATURE_STD:
        return b""
    # Zero mean, fixed spread: brightness and contrast changes drop out of the comparison.
    norm = (sig - np.float32(mean[0, 0])) / np.float32(spread) * np.float32(40) + np.float32(128)
    out: bytes = np.clip(norm, 0, 255).astype(np.uint8).tobytes()
    return out


def _bits(dct_blocks: np.ndarray, source: np.ndarray, sign: np.ndarray) -> bytes:
    """64 bits per row: each low frequency above the median of the AC ones (DC skipped), as
    little-endian uint64s."""
    flat = dct_blocks.ravel()[source] * sign
    # The median of 63 values is the 32nd smallest: a partition, ten times cheaper than median.
    medians = np.partition(flat[:, 1:], 31, axis=1)[:, 31:32]
    # packbits is big-endian within the row; reversing its bytes gives the little-endian uint64
    # of that big-endian number.
    return np.packbits(flat > medians, axis=1)[:, ::-1].tobytes()


def hashes_and_signature(gray: np.ndarray) -> tuple[bytes, bytes]:
    """Compute the 8 orientation hashes and the signature of a grayscale image."""
    small32 = _small(gray)
    block = cv2.dct(small32)[:8, :8].astype(np.float64)
    return _bits(block, _VARIANT_SOURCE, _VARIANT_SIGN), _signature(small32)


def whole_and_inner(gray: np.ndarray) -> tuple[bytes, bytes]:
    """The 9 hashes of a fingerprint (8 orientations of the whole picture, then the canonical
    hash of its inner region) and its signature (whole, then inner unless either is flat)."""
    h, w = gray.shape
    dy, dx = round(h * INNER_CROP_FRACTION / 2), round(w * INNER_CROP_FRACTION / 2)
    whole = _small(gray)
    inner = _small(gray[dy : h - dy, dx : w - dx])
    blocks = np.stack([cv2.dct(whole)[:8, :8], cv2.dct(inner)[:8, :8]]).astype(np.float64)
    hashes = _bits(blocks, _ALL_SOURCE, _ALL_SIGN)
    signature = _signature(whole)
    inner_signature = _signature(inner)
    if signature and inner_signature:
        signature += inner_signature
    return hashes, signature


def signature_similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Normalised cross-correlation of two signatures, in [-1, 1]."""
    fa = a.astype(np.float32).ravel() - 128
    fb = b.astype(np.float32).ravel() - 128
    denom = float(np.linalg.norm(fa) * np.linalg.norm(fb))
    return float(fa @ fb / denom) if denom else 0.0


# --- decoding -----------------------------------------------------------------------------


def _jpeg_is_complete(data: bytes) -> bool:
    # Entropy-coded data never contains FF D9 (0xFF is byte-stuffed) and embedded thumbnails sit
    # before the first scan, so a truncated main image has no EOI after its first SOS. Searching
    # from the end: a forward search crawls through megabytes of 0xFF bytes (3.7 ms per 12 MP).
    sos = data.find(b"\xff\xda")
    return sos >= 0 and data.rfind(b"\xff\xd9", sos) >= 0


def _is_complete(fmt: str, data: bytes) -> bool:
    if fmt == "JPEG":
        return _jpeg_is_complete(data)
    if fmt == "PNG":
        return data.rfind(b"IEND") > 0
    if fmt == "WEBP":
        declared = int.from_bytes(data[4:8], "little") + 8
        return len(data) >= declared
    return True


def _reduction(short_side: int) -> tuple[int, int]:
    """The JPEG scale factor for a picture's short side, and OpenCV's flag for it."""
    for factor, flag in (
        (8, cv2.IMREAD_REDUCED_GRAYSCALE_8),
        (4, cv2.IMREAD_REDUCED_GRAYSCALE_4),
        (2, cv2.IMREAD_REDUCED_GRAYSCALE_2),
    ):
        if short_side // factor >= MIN_DECODED_SHORT_SIDE_PX:
            return factor, flag
    return 1, cv2.IMREAD_GRAYSCALE


def _decode_gray(data: bytes, fmt: str, header: Image.Image, short_side: int) -> np.ndarray:
    """Decode to grayscale, EXIF orientation applied; reduced resolution for JPEG."""
    buf = np.frombuffer(data, np.uint8)
    flag = _reduction(short_side)[1] if fmt == "JPEG" else cv2.IMREAD_GRAYSCALE
    gray = cv2.imdecode(buf, flag) if fmt in _OPENCV_FORMATS else None
    if gray is not None:
        return gray
    # OpenCV lacks this format (GIF, AVIF, HEIC with pillow-heif) or refused it: ask Pillow,
    # if its full-size decode fits the budget that OpenCV's reduced one was allowed.
    need = len(data) + _pillow_decode_bytes(header)
    if fmt in _OPENCV_FORMATS and need > MAX_DECODE_BYTES:
        raise SkipFileError(SkipReason.DAMAGED, words.decode_over_budget(need, MAX_DECODE_BYTES))
    from PIL import ImageOps

    header.draft("L", (MIN_DECODED_SHORT_SIDE_PX, MIN_DECODED_SHORT_SIDE_PX))
    transposed = ImageOps.exif_transpose(header)
    return np.asarray((transposed or header).convert("L"))


_OPENCV_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "BMP", "TIFF"})

# --- memory ----------------------------------------------------------------------------------

MB = 10**6
# The most one image may cost a worker (its bytes plus its decode); above, it is skipped.
MAX_DECODE_BYTES = 500 * MB
# Above this an image runs alone: the scan hands such files to the pool one at a time, so the
# pool's peak is one large decode plus a small one per other worker, whatever the folder holds.
RUN_ALONE_BYTES = 50 * MB
# Peak memory of each decoder per pixel of the picture, measured with ru_maxrss on 64-225 MP
# images (tests/bench/bench_memory.py): OpenCV's PNG and BMP readers take about 2 bytes (the
# gray output and one converted row band), its WebP reader 4 (a BGRA picture, then the gray).
_BYTES_PER_PIXEL = {"PNG": 2, "BMP": 2, "WEBP": 4}


def decode_bytes(header: Image.Image) -> int:
    """About how much memory decoding this picture to gray takes, from its header alone."""
    width, height = header.size
    pixels = width * height
    bands = len(header.getbands())
    fmt = header.format or ""
    if fmt == "JPEG":
        factor = _reduction(min(width, height))[0]
        out = pixels // (factor * factor)
        if not header.info.get("progressive"):
            return out  # libjpeg decodes a baseline JPEG a few rows at a time
        # ... but keeps every DCT coefficient of a progressive one (2 bytes each, whatever the
        # scale), for each component at its own sampling.
        layers = getattr(header, "layer", None) or [("", 1, 1, 0)] * bands
        h_max = max(h for _, h, _, _ in layers)
        v_max = max(v for _, _, v, _ in layers)
        samples = sum(h * v for _, h, v, _ in layers) / (h_max * v_max)
        return out + int(pixels * samples * 2)
    if fmt in _BYTES_PER_PIXEL:
        return pixels * _BYTES_PER_PIXEL[fmt]
    if fmt == "TIFF":
        return pixels * (bands + 1)  # a strip or tile buffer per band, and the output
    return _pillow_decode_bytes(header)


def _pillow_decode_bytes(header: Image.Image) -> int:
    # The full-size picture, its orientation-corrected copy and the gray one (GIF measured at
    # 4.3 bytes a pixel, an RGB picture stays below 9).
    width, height = header.size
    return width * height * (2 * len(header.getbands()) + 3)


@dataclass(frozen=True, slots=True)
class RunAlone:
    """A file a worker put back untouched: its decode is too large to run beside others'."""

    task: FileTask


def _check_header(header: Image.Image) -> None:
    width, height = header.size
    if width * height > MAX_PIXELS:
        raise SkipFileError(SkipReason.TOO_LARGE, words.pixels_over_cap(width, height, MAX_PIXELS))
    if min(width, height) < MIN_SIDE_PX:
        raise SkipFileError(SkipReason.TOO_SMALL, f"{width}×{height} pixels")


def fingerprint_bytes(path: str, data: bytes, want_content_hash: bool) -> Fingerprint:
    """Fingerprint one image from its bytes.

    Raises:
        SkipFileError: the file is not a usable image; the reason says why in plain words.
    """
    if not data:
        raise SkipFileError(SkipReason.EMPTY)
    if _crash_marker and _crash_marker in os.path.basename(path):
        os.abort()
    header = open_header(io.BytesIO(data), path)
    _check_header(header)
    fmt = header.format or ""
    width, height = header.size
    if not _is_complete(fmt, data):
        raise SkipFileError(SkipReason.DAMAGED, f"the {fmt} data ends early")
    exif = exif_facts(header)
    if exif.quarter_turned:
        width, height = height, width

    try:
        gray = _decode_gray(data, fmt, header, min(width, height))
    except (OSError, ValueError, SyntaxError, cv2.error) as exc:
        raise SkipFileError(SkipReason.DAMAGED, str(exc)) from None
    if gray is None or gray.size == 0:
        raise SkipFileError(SkipReason.DAMAGED, "the decoder returned no picture")
    # Only a JPEG is decoded at reduced size; every other format's pixels are all there.
    origin = origin_of(fmt, header, data, exif, None if fmt == "JPEG" else gray)
    hashes, signature = whole_and_inner(gray)
    hashes += region_hashes(gray)
    return Fingerprint(
        path=path,
        width=width,
        height=height,
        format=fmt,
        taken=exif.taken,
        camera=exif.camera,
        has_exif=exif.present,
        hashes=hashes,
        signature=signature,
        content_hash=content_digest(data) if want_content_hash else "",
        origin=origin,
    )


def _read(task: FileTask, alone: bool) -> bytes | RunAlone:
    """The file's bytes, once its header showed a picture worth decoding within the budget."""
    f, st = open_regular(task.path)
    with f:
        if st.st_size != task.size or st.st_mtime_ns != task.mtime_ns:
            raise SkipFileError(SkipReason.CHANGED, "its size or date changed after it was listed")
        if st.st_size == 0:
            raise SkipFileError(SkipReason.EMPTY)
        header = open_header(HeaderWindow(f), task.path)
        _check_header(header)
        check_file_size(header.format or "", st.st_size)
        need = st.st_size + decode_bytes(header)
        if need > MAX_DECODE_BYTES:
            raise SkipFileError(
                SkipReason.TOO_LARGE, words.decode_over_budget(need, MAX_DECODE_BYTES)
            )
        if need > RUN_ALONE_BYTES and not alone:
            return RunAlone(task)
        f.seek(0)
        data = f.read(st.st_size + 1)
        if len(data) != st.st_size:
            raise SkipFileError(SkipReason.CHANGED, "its size changed while it was read")
        return data


def _read_or_error(task: FileTask, alone: bool) -> bytes | RunAlone | OSError | SkipFileError:
    try:
        return _read(task, alone)
    except (OSError, SkipFileError) as exc:
        return exc


def _as_skipped(path: str, exc: OSError | SkipFileError) -> Skipped:
    if isinstance(exc, SkipFileError):
        return exc.skipped(path)
    return words.skipped_for(path, exc)


def _prefetched(
    tasks: Sequence[FileTask], alone: bool
) -> Iterator[tuple[FileTask, bytes | RunAlone | OSError | SkipFileError]]:
    """Yield each task with its bytes, reading the next file while the caller decodes this one.

    Keeps a read in flight so cold-disk latency hides behind decoding; the
    file read ahead is one that does not run alone, so at most RUN_ALONE_BYTES.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="prefetch") as reader:
        pending = [reader.submit(_read_or_error, t, alone) for t in tasks[:1]]
        for i, task in enumerate(tasks):
            if i + 1 < len(tasks):
                pending.append(reader.submit(_read_or_error, tasks[i + 1], alone))
            yield task, pending[i].result()


def fingerprint_files(
    tasks: Sequence[FileTask], alone: bool = False
) -> list[Fingerprint | Skipped | RunAlone]:
    """Process-pool target: fingerprint a chunk of files; per-file failures become Skipped.

    A file whose decode would cost more than RUN_ALONE_BYTES comes back as ``RunAlone``
    unless ``alone`` says the scan gave it a pool of its own.
    """
    results: list[Fingerprint | Skipped | RunAlone] = []
    for task, data in _prefetched(tasks, alone):
        if isinstance(data, RunAlone):
            results.append(data)
        elif isinstance(data, Exception):
            results.append(_as_skipped(task.path, data))
        else:
            try:
                results.append(fingerprint_bytes(task.path, data, task.want_content_hash))
            except SkipFileError as exc:
                results.append(_as_skipped(task.path, exc))
    return results


def init_worker(crash_marker: str = "") -> None:
    """Process-pool initializer: one OpenCV thread per worker process (the pool is the
    parallelism), and the optional decoders."""
    global _crash_marker
    _crash_marker = crash_marker
    # Pillow refuses headers above twice this; our own cap in fingerprint_bytes says so plainly.
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    cv2.setNumThreads(1)
    register_optional_decoders()
