"""Sidecar files: the ``.xmp``, ``.aae``, ``.thm`` and Google Takeout ``.json`` files beside a
photo that belong to it, found by name among a folder's entries (the walk lists them anyway, so
nothing more is read or stat'ed).

A sidecar belongs to a photo when its name is
- the photo's whole name plus the extension: ``IMG_1.JPG.xmp`` (darktable, digiKam), or
- the photo's name with the extension replaced: ``IMG_1.xmp`` (Lightroom), ``IMG_1.AAE`` (Apple;
  also ``IMG_O1.AAE``, the adjustments of an edited ``IMG_1``), ``IMG_1.THM``, ``IMG_1.json``;
- for Google Takeout, ``IMG_1.JPG.json`` and its variants: ``IMG_1.JPG.supplemental-metadata.json``
  cut anywhere (``.supplemental-me.json``, ``.s.json``, ``..json``), the numbered copy
  ``IMG_1(1).JPG`` with ``IMG_1.JPG(1).json``, and a long name cut to its first 46 characters
  (``a-very-long-name…jp.json``).

Fail safe: a sidecar goes with a photo only when it clearly names that one photo. The
replaced-extension form counts only when no other file in the folder (a raw file, a video of a
live photo) has the same name before its extension, since the sidecar may be that file's; and a
sidecar that two photos could claim equally belongs to neither. Either way it stays where it is.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Collection, Iterable

SIDECAR_EXTENSIONS = frozenset({".xmp", ".aae", ".thm", ".json"})
TAKEOUT_NAME_LIMIT = 46  # Takeout cuts the name its .json repeats to this many characters
_SUPPLEMENTAL = "supplemental-metadata"
_NUMBERED = re.compile(r"(.*)\((\d+)\)(\.[^.]*)$")  # IMG_1(1).JPG
_APPLE_EDIT = re.compile(r"(IMG_)O(\d+)$", re.IGNORECASE)  # IMG_O1234.AAE is IMG_1234's

# How clearly a name claims a photo; the clearest claim wins, a tie between photos loses.
_WHOLE_NAME, _REPLACED_EXTENSION = 0, 1


def is_sidecar_name(name: str) -> bool:
    return os.path.splitext(name)[1].lower() in SIDECAR_EXTENSIONS


def sidecars_by_photo(
    photos: Collection[str], sidecars: Iterable[str], others: Iterable[str]
) -> dict[str, tuple[str, ...]]:
    """Which sidecar names travel with which photo names, within one folder.

    Args:
        photos: the names of the folder's pictures.
        sidecars: the names of its regular files with a sidecar extension.
        others: the names of every other file in it (pictures included), whose names before
            the extension tell which replaced-extension sidecars are unambiguous.
    """
    stems = Counter(os.path.splitext(name)[0] for name in others)
    by_stem: dict[str, list[str]] = {}
    for photo in photos:
        by_stem.setdefault(os.path.splitext(photo)[0], []).append(photo)
    out: dict[str, list[str]] = {}
    for sidecar in sidecars:
        claims = _claims(sidecar, photos, by_stem, stems)
        if not claims:
            continue
        best = min(claims.values())
        owners = [photo for photo, strength in claims.items() if strength == best]
        if len(owners) == 1:
            out.setdefault(owners[0], []).append(sidecar)
    return {photo: tuple(sorted(names)) for photo, names in out.items()}


def _claims(
    sidecar: str,
    photos: Collection[str],
    by_stem: dict[str, list[str]],
    stems: Counter[str],
) -> dict[str, int]:
    """The photos this sidecar's name points at, with how clearly."""
    stem, ext = os.path.splitext(sidecar)
    claims: dict[str, int] = {}
    if stem in photos:
        claims[stem] = _WHOLE_NAME
    apple = _APPLE_EDIT.match(stem) if ext.lower() == ".aae" else None
    for bare in (stem, f"{apple[1]}{apple[2]}" if apple else ""):
        if bare and stems[bare] == 1:
            for photo in by_stem.get(bare, ()):
                claims.setdefault(photo, _REPLACED_EXTENSION)
    if ext.lower() == ".json":
        for photo in _takeout_photos(stem, photos):
            claims[photo] = _WHOLE_NAME
    return claims


def _takeout_photos(title: str, photos: Collection[str]) -> list[str]:
    """The photos a Takeout ``TITLE.json`` describes (``title`` without the ``.json``)."""
    number = ""
    numbered = re.fullmatch(r"(.*)\((\d+)\)", title)
    if numbered:
        title, number = numbered[1], numbered[2]
    base, dot, suffix = title.rpartition(".")
    # "IMG_1.JPG.suppl" is a cut "supplemental-metadata" (or a photo named "IMG_1.suppl").
    titles = {title, base} if dot and base and _SUPPLEMENTAL.startswith(suffix) else {title}
    found = []
    for photo in photos:
        named = _NUMBERED.match(photo)
        if (named[2] if named else "") != number:
            continue
        name = f"{named[1]}{named[3]}" if named else photo
        cut = name[:TAKEOUT_NAME_LIMIT] if len(name) > TAKEOUT_NAME_LIMIT else None
        if name in titles or (cut is not None and cut in titles):
            found.append(photo)
    return found
