"""Generators of photo-like test images, their variants, look-alikes and broken files.

Content is textured on several scales (smooth noise fields, shapes, edges, text), because flat
synthetic images behave unlike photos for perceptual hashing.
"""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path

# The generator lives in the app (the accuracy benchmark uses it too); the tests use it from here.
from lookalike.bench.photos import (
    Bgr,
    brightness,
    crop_border,
    crop_sides,
    grayscale,
    jpeg_bytes,
    mirror,
    photo,
    resize,
    resize_long_side,
    rotate90,
    save,
    turn_and_crop,
    window,
)

__all__ = [
    "Bgr",
    "brightness",
    "crop_border",
    "crop_sides",
    "grayscale",
    "jpeg_bytes",
    "mirror",
    "photo",
    "resize",
    "resize_long_side",
    "rotate90",
    "save",
    "turn_and_crop",
    "window",
    "write_bomb_png",
    "write_fake",
    "write_plain_png",
    "write_sparse",
    "write_truncated",
]


# --- broken and hostile files -------------------------------------------------------------


def write_truncated(path: Path, img: Bgr, keep_fraction: float = 0.4) -> Path:
    data = jpeg_bytes(img)
    path.write_bytes(data[: int(len(data) * keep_fraction)])
    return path


def write_fake(path: Path) -> Path:
    """A text file wearing an image extension."""
    path.write_text("this is not a picture, only text with a .jpg name\n" * 20)
    return path


def write_bomb_png(path: Path, width: int = 100_000, height: int = 100_000) -> Path:
    """A tiny PNG whose header claims ``width`` x ``height`` pixels (a decompression bomb)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    row = b"\x00" + b"\x00" * 64
    idat = zlib.compress(row * 16, 9)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    path.write_bytes(png)
    return path


def write_plain_png(path: Path, width: int, height: int) -> Path:
    """A complete, valid gray PNG of ``width`` x ``height`` black pixels, written without ever
    holding its pixels (a few hundred KB for 100 MP: a real decompression bomb, and decodable)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    packer = zlib.compressobj(9)
    row = b"\x00" * (width + 1)  # filter byte 0, then the row's samples
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    path.write_bytes(png)
    return path


def write_sparse(path: Path, head: bytes, size: int) -> Path:
    """A file of ``size`` bytes that starts with ``head`` and is a hole after it (costs no disk)."""
    path.write_bytes(head)
    os.truncate(path, size)
    return path
