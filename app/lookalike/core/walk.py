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
from lookalike.core.reading import read_prefix
from lookalike.core.sidecars import is_sidecar_name, sidecars_by_photo

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
    head = read_prefix(path, 12)
    return head.startswith(_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")


def _under(path: str, roots: Sequence[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def walk(options: WalkOptions, cancel: CancelToken | None = None) -> Iterator[ImageFile | Skipped]:
    """Yield the image files under the roots, and the entries that could not be used.

    Iterative (no recursion limit), sorted by name (deterministic). Only regular files are
    listed, each once: a file reached again through overlapping roots or a hard link is reported
    as the same file; a symbolic link to a picture, a dangling one, and a FIFO, socket or device
    with a picture's name (or none) are reported with their reason, never opened. Symlinked
    folders are followed only on request, and never twice. The cancel token is checked at every
    entry.
    """
    roots = [os.path.abspath(r) for r in options.roots]
    references = [os.path.realpath(r) for r in options.reference_roots]
    seen_files: dict[tuple[int, int], str] = {}
    seen_dirs: set[tuple[int, int]] = set()
    stack: list[tuple[str, bool]] = [(root, True) for root in reversed(roots)]

    while stack:
        if cancel is not None:
            cancel.raise_if_cancelled()
        folder, is_root = stack.pop()
        try:
            # A root is followed if it is a link (the user named it); a subfolder was a folder,
            # or a link to one that the options follow.
            st = os.stat(folder)
        except OSError as exc:
            if is_root:
                yield _broken_link(folder, exc) or words.skipped_for(folder, exc)
            continue
        if not stat.S_ISDIR(st.st_mode):
            if is_root:  # a root may name a single file
                yield from _root_file(folder, seen_files, references)
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
        if not options.include_hidden:
            entries = [e for e in entries if not e.name.startswith(".")]
        sidecars = _sidecars(entries)
        subfolders: list[str] = []
        real_folder = os.path.realpath(folder)
        for entry in entries:
            if cancel is not None:
                cancel.raise_if_cancelled()
            ext = os.path.splitext(entry.name)[1].lower()
            try:
                lst = entry.stat(follow_symlinks=False)
                is_link = stat.S_ISLNK(lst.st_mode)
                target_mode = os.stat(entry.path).st_mode if is_link else lst.st_mode
            except OSError as exc:
                if ext in IMAGE_EXTENSIONS:  # nameless files we cannot look into are no pictures
                    yield _broken_link(entry.path, exc) or words.skipped_for(entry.path, exc)
                continue
            if stat.S_ISDIR(target_mode):
                wanted = options.recursive and not _is_junk(entry.name)
                if wanted and (not is_link or options.follow_symlinks):
                    subfolders.append(entry.path)
                continue
            if ext not in IMAGE_EXTENSIONS and ext != "":
                continue
            if is_link:
                if ext:
                    yield _link_entry(entry.path)
            elif not stat.S_ISREG(lst.st_mode):
                # Never opened: a FIFO would block the walk for good, a device may act on open.
                yield Skipped(entry.path, SkipReason.NOT_REGULAR, words.file_kind(lst.st_mode))
            elif ext or _sniff_image(entry.path):
                own = tuple(os.path.join(folder, n) for n in sidecars.get(entry.name, ()))
                real = os.path.join(real_folder, entry.name)
                yield from _file_entry(entry.path, lst, seen_files, references, own, real)
        stack.extend((sub, False) for sub in reversed(subfolders))


def _sidecars(entries: Sequence[os.DirEntry[str]]) -> dict[str, tuple[str, ...]]:
    """The sidecar files of each picture in one folder, by name (nothing more is read: the
    entry types come with the listing on most systems)."""
    names = [e.name for e in entries if is_sidecar_name(e.name)]
    if not names:
        return {}
    sidecars, others, photos = [], [], []
    for e in entries:
        try:
            if e.is_dir(follow_symlinks=False):
                continue
            regular = e.is_file(follow_symlinks=False)
        except OSError:
            continue
        if is_sidecar_name(e.name):
            if regular:  # a link or a special file never travels with a photo
                sidecars.append(e.name)
            continue
        others.append(e.name)
        if os.path.splitext(e.name)[1].lower() in IMAGE_EXTENSIONS:
            photos.append(e.name)
    return sidecars_by_photo(set(photos), sidecars, others)


def _broken_link(path: str, exc: OSError) -> Skipped | None:
    """A dangling link says so (the file it names is missing), not "the file disappeared"."""
    if not isinstance(exc, FileNotFoundError) or not os.path.islink(path):
        return None
    try:
        target = os.readlink(path)
    except OSError:
        return Skipped(path, SkipReason.DANGLING_LINK)
    return Skipped(path, SkipReason.DANGLING_LINK, words.link_target(target))


def _link_entry(path: str) -> Skipped:
    return Skipped(path, SkipReason.SYMLINK, words.link_target(os.path.realpath(path)))


def _root_file(
    path: str, seen: dict[tuple[int, int], str], references: Sequence[str]
) -> Iterator[ImageFile | Skipped]:
    try:
        st = os.lstat(path)
    except OSError as exc:
        yield words.skipped_for(path, exc)
        return
    if stat.S_ISLNK(st.st_mode):
        yield _link_entry(path)
    elif not stat.S_ISREG(st.st_mode):
        yield Skipped(path, SkipReason.NOT_REGULAR, words.file_kind(st.st_mode))
    else:
        yield from _file_entry(path, st, seen, references)


def _file_entry(
    path: str,
    st: os.stat_result,
    seen: dict[tuple[int, int], str],
    references: Sequence[str],
    sidecars: tuple[str, ...] = (),
    real_path: str | None = None,
) -> Iterator[ImageFile | Skipped]:
    """The entry of a regular file; ``real_path`` is its resolved path when the caller knows it
    (its folder's, resolved once, joined with its name: resolving each file costs an lstat
    per level of its path, half a rescan's time in a big folder)."""
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
        # realpath costs a few system calls a file: only worth it when there are references.
        is_reference=bool(references) and _under(real_path or os.path.realpath(path), references),
        sidecars=sidecars,
    )
