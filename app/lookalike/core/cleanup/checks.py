"""The last-moment checks: just before a planned file is acted on, is it still the file that was
scanned, and does its keeper still hold the picture it was matched with?

For the member: inside the scanned folders, a regular file (not a link, not a special file),
the size and modification time the scan saw; an identical copy is hashed again. For its keeper:
still there, a regular file and not a link (least of all to this very member), the size and
modification time the scan saw; for an identical copy, the same content. For a similar member an
optional re-verifier proves again that the two files show the same picture.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Sequence

from lookalike.core import hashing, words
from lookalike.core.cleanup.plan import PlannedFile, is_under, normalize
from lookalike.core.model import MatchKind, Member

Reverifier = Callable[[Member, Member], bool]
"""``reverify(keeper, member)``: whether the two files, as they are on disk now, still show the
same picture. Called only for members that are not byte-identical; may raise ``OSError``."""


def os_reason(exc: BaseException) -> str:
    """An OS error in words that fit inside a sentence ("permission denied").

    Only the first letter is lowered: send2trash puts the path in the text ("File not found:
    /Photos/IMG_0001.JPG"), and a path's case is part of its name.
    """
    if isinstance(exc, OSError) and exc.strerror:
        text = exc.strerror
        if text[:1].isupper() and not text[1:2].isupper():  # "ENOSPC"-like words stay
            return text[0].lower() + text[1:]
        return text
    return str(exc) or type(exc).__name__


def _changed(scanned: Member, st: os.stat_result) -> str | None:
    """How the file changed since the scan, in words, or ``None`` when it did not."""
    if st.st_size != scanned.size:
        return f"changed since the scan (size {scanned.size} → {st.st_size} bytes)"
    if st.st_mtime_ns != scanned.mtime_ns:
        was = words.precise_timestamp(scanned.mtime_ns)
        now = words.precise_timestamp(st.st_mtime_ns)
        return f"changed since the scan (modified {was} → {now})"
    return None


class LastMomentChecks:
    """Re-checks planned files against what the scan saw; one per batch (it caches the keepers'
    content hashes, which several identical copies share).

    Args:
        roots: the scanned folders; a file outside them is never acted on.
        reverify: proves a similar member still shows its keeper's picture; ``None`` skips that
            proof (the size and modification time checks still apply).
    """

    def __init__(self, roots: Sequence[str], reverify: Reverifier | None = None) -> None:
        self._roots = tuple(normalize(r) for r in roots)
        self._reverify = reverify
        self._keeper_digests: dict[tuple[str, int, int], str] = {}

    def problem(self, item: PlannedFile) -> str | None:
        """Why ``item`` must be skipped now, or ``None`` when it is still the scanned file."""
        member = item.member
        if not is_under(normalize(member.path), self._roots):
            return "is outside the scanned folders"
        try:
            st = os.lstat(member.path)
        except FileNotFoundError:
            return "no longer exists"
        except (OSError, ValueError) as exc:
            return f"could not be checked ({os_reason(exc)})"
        if stat.S_ISLNK(st.st_mode):
            return "is a link, not a file"
        if not stat.S_ISREG(st.st_mode):
            return "is no longer a regular file"
        changed = _changed(member, st)
        if changed is not None:
            return changed
        return self._keeper_problem(item)

    def sidecar_problem(self, path: str) -> str | None:
        """Why a photo's sidecar file must stay, or ``None``: it goes along when it is still a
        regular file (not a link) inside the scanned folders. Its size and time may have
        changed since the scan: editors rewrite sidecars, which stay the photo's all the same."""
        if not is_under(normalize(path), self._roots):
            return "is outside the scanned folders"
        try:
            st = os.lstat(path)
        except (OSError, ValueError) as exc:
            return f"could not be checked ({os_reason(exc)})"
        if stat.S_ISLNK(st.st_mode):
            return "is a link, not a file"
        if not stat.S_ISREG(st.st_mode):
            return "is no longer a regular file"
        return None

    def _keeper_problem(self, item: PlannedFile) -> str | None:
        member, keeper = item.member, item.keeper
        try:
            kst = os.lstat(keeper.path)
        except (OSError, ValueError):
            return f"its keeper {keeper.path} no longer exists"
        if stat.S_ISLNK(kst.st_mode):
            if os.path.realpath(keeper.path) == os.path.realpath(member.path):
                # Removing the file would lose the picture: the "keeper" is only a name for it.
                return f"its keeper {keeper.path} is a link to this very file"
            return f"its keeper {keeper.path} is a link, not a file"
        if not stat.S_ISREG(kst.st_mode):
            return f"its keeper {keeper.path} is no longer a regular file"
        changed = _changed(keeper, kst)
        if changed is not None:
            return f"its keeper {keeper.path} {changed}"
        if member.match is MatchKind.IDENTICAL:
            return self._identical_problem(item, kst)
        if self._reverify is not None:
            try:
                same = self._reverify(keeper, member)
            except OSError as exc:
                return f"could not be compared with its keeper again ({os_reason(exc)})"
            if not same:
                return f"no longer shows the same picture as its keeper {keeper.path}"
        return None

    def _identical_problem(self, item: PlannedFile, kst: os.stat_result) -> str | None:
        member, keeper = item.member, item.keeper
        key = (keeper.path, kst.st_size, kst.st_mtime_ns)
        try:
            keeper_now = self._keeper_digests.get(key) or hashing.file_digest(keeper.path)
        except OSError as exc:
            return f"its keeper {keeper.path} could not be read ({os_reason(exc)})"
        self._keeper_digests[key] = keeper_now
        if keeper.content_hash and keeper_now != keeper.content_hash:
            return f"its keeper {keeper.path} changed since the scan; its content no longer matches"
        try:
            member_now = hashing.file_digest(member.path)
        except OSError as exc:
            return f"could not be read to compare with its keeper ({os_reason(exc)})"
        expected = member.content_hash or keeper_now
        if member_now != expected or member_now != keeper_now:
            return f"its content no longer matches its keeper {keeper.path}"
        return None
