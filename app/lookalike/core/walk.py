"""Finding the image files under the chosen folders: one entry per real file, never a loop."""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from lookalike.core import words
from lookalike.core.cancel import CancelToken
from lookalike.core.model import ImageFile, Skipped, SkipReason

IMAGE_EXTENSIONS = frozenset(
    {".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".webp", ".gif", ".bmp", ".dib", ".tif", ".tiff",
     ".avif", ".heic", ".heif"}
)  # fmt: skip

# Folders that hold system copies, thumbnails or trash rather than the user's photos.
JUNK_FOLDERS = (
    ".Trash", ".Trash-*", "$RECYCLE.BIN", "System Volume Information", "@eaDir", "#recycle",
    ".thumbnails", "__MACOSX", "lost+found", ".AppleDouble",
)  # fmt: skip

# Magic numbers, to recognise images saved without an extension.
_MAGIC = (
    b"\xff\xd8\xff",
    b"\x89PNG\r\n\x1a\n",
    b"GIF87a",
    b"GIF89a",
    b"BM",
    b"II*\x00",
    b"MM\x00*",
)


@dataclass(frozen=True, slots=True)
class WalkOptions:
    roots: Sequence[str]
    reference_roots: Sequence[str] = ()
    recursive: bool = True
    follow_symlinks: bool = False
    include_hidden: bool = False


def _is_junk(name: str) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in JUNK_FOLDERS)


def _sniff_image(path: str) -> bool:
    try:
        with open(path, "rb") as f:
            head = f.read(12)
    except OSError:
        return False
    return head.startswith(_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")


def _under(path: str, roots: Sequence[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def walk(options: WalkOptions, cancel: CancelToken | None = None) -> Iterator[ImageFile | Skipped]:
    """Yield the image files under the roots, and the entries that could not be used.

    Iterative (no recursion limit), sorted by name (deterministic). A file reached twice, through
    overlapping roots, a symlink or a hard link, is yielded once; the other paths are reported
    as the same file. Symlinked folders are followed only on request, and never twice.
    """
    roots = [os.path.abspath(r) for r in options.roots]
    references = [os.path.realpath(r) for r in options.reference_roots]
    seen_files: dict[tuple[int, int], str] = {}
    seen_dirs: set[tuple[int, int]] = set()
    stack: list[str] = []
    for root in reversed(roots):
        stack.append(root)

    while stack:
        if cancel is not None:
            cancel.raise_if_cancelled()
        folder = stack.pop()
        try:
            st = os.stat(folder)
        except OSError as exc:
            yield words.skipped_for(folder, exc)
            continue
        if not stat.S_ISDIR(st.st_mode):
            # A root may name a single file.
            yield from _file_entry(folder, st, seen_files, references)
            continue
        if (st.st_dev, st.st_ino) in seen_dirs:
            continue  # overlapping roots or a followed symlink back up the tree
        seen_dirs.add((st.st_dev, st.st_ino))
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            yield words.skipped_for(folder, exc)
            continue
        subfolders: list[str] = []
        for entry in entries:
            if entry.name.startswith(".") and not options.include_hidden:
                continue
            try:
                is_link = entry.is_symlink()
                is_dir = entry.is_dir(follow_symlinks=True)
            except OSError as exc:
                yield words.skipped_for(entry.path, exc)
                continue
            if is_dir:
                wanted = options.recursive and not _is_junk(entry.name)
                if wanted and (not is_link or options.follow_symlinks):
                    subfolders.append(entry.path)
                continue
            ext = os.path.splitext(entry.name)[1].lower()
            if ext not in IMAGE_EXTENSIONS and ext != "":
                continue
            try:
                fst = os.stat(entry.path)  # follows a symlink to its target
            except OSError as exc:
                if ext:  # a file without an extension that cannot be read is no known picture
                    yield words.skipped_for(entry.path, exc)
                continue
            # Only a regular file is sniffed: opening a FIFO would block the walk for good.
            if not stat.S_ISREG(fst.st_mode) or (ext == "" and not _sniff_image(entry.path)):
                continue
            yield from _file_entry(entry.path, fst, seen_files, references)
        stack.extend(reversed(subfolders))


def _file_entry(
    path: str, st: os.stat_result, seen: dict[tuple[int, int], str], references: Sequence[str]
) -> Iterator[ImageFile | Skipped]:
    key = (st.st_dev, st.st_ino)
    first = seen.get(key)
    if first is not None:
        if first != path:
            yield Skipped(path, SkipReason.SAME_FILE, f"same file as {first}")
        return
    seen[key] = path
    yield ImageFile(
        path=path,
        size=st.st_size,
        mtime_ns=st.st_mtime_ns,
        inode=st.st_ino,
        is_reference=_under(os.path.realpath(path), references),
    )
