"""Which file of a group to keep: the keeper rank that finds the camera original, the rules a
person can put in its place, and changing a group's keeper without losing what was proven.

The rank, best first (``keeper_rank``; each step only breaks the ties of the ones before):

1. a file in a reference folder;
2. real pixels: the most pixels, where an enlarged copy counts only its source's pixels;
3. camera metadata: make and model, date taken and the camera's own block beat stripped or
   rewritten metadata, and an editing program's name counts against a file;
4. unedited beats edited: where the verifier says how a member shows its keeper's picture
   (cropped, grayscale), the file it was made from wins;
5. fidelity: a lossless file that never was a JPEG, then JPEG quality (from the quantisation
   tables); a lossless copy of a JPEG ranks just below the JPEG it was decoded from;
6. a name and folder that look original (IMG_1234, DSC_, PXL_; DCIM and camera folders) beat
   copies ("copy", "(1)", "-edited", "export"; messenger, download and screenshot folders);
7. the older date taken, then the older file, then the shorter path.

The scan groups pictures around the best-ranked one (``grouping.py``), so the keeper is the file
every other member was verified against. A person can then make any member the keeper, by hand
or with an ordered list of rules (``Rule``) applied to every group: ``with_keeper`` moves the
keeper and keeps every member proven, naming the file a member was verified against when that
is not the new keeper.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from lookalike.core.grouping import Rank
from lookalike.core.model import (
    IDENTITY,
    Criterion,
    Group,
    KeeperReason,
    MatchKind,
    Member,
    Reason,
    Rule,
    Transform,
    format_name,
)

# --- the signals ------------------------------------------------------------------------------

# Programs that edit or convert pictures. A camera or phone writes its firmware here ("Ver.1.0",
# "HDR+ 1.0", "G998BXXU5", "16.1"), which says nothing against the file.
_EDITORS = re.compile(
    r"photoshop|lightroom|gimp|paint\.net|paintshop|affinity|pixelmator|darktable|rawtherapee"
    r"|capture one|luminar|snapseed|picasa|acdsee|digikam|shotwell|imagemagick|graphicsmagick"
    r"|irfanview|xnview|faststone|photoscape|windows photo|photos|preview|canva|vsco|facetune"
    r"|gthumb|krita|corel|pixlr|fotor|picsart|polarr|photodirector|dxo|topaz|skylum|exiftool"
    r"|photo gallery|photomatix|hugin|ptgui|aurora|on1 ",
    re.IGNORECASE,
)

# File names cameras and phones give: IMG_1234, DSC01234, DSCF1234, _MG_1234, GH011234, P1010001,
# 20190302_091500, IMG_20190302_091500, PXL_20190302_091500123(.MP).
_CAMERA_NAME = re.compile(
    r"^(?:(?:img|dsc|dscf|dscn|dsci|_dsc|_mg|mg|imgp|cimg|pict|sam|sdc|gopr|g[hx]\d\d|dji"
    r"|hpim|kimg|dcp|mvimg|pano|vid)[_-]?\d{4,5}"
    r"|p\d{7}"
    r"|(?:img|vid|pxl|mvimg|pano)?_?\d{8}[_-]\d{6,9}(?:_\w{1,8})?(?:\.mp)?)$",
    re.IGNORECASE,
)
# Names a copy gets: "IMG_1234 (1)", "Copy of IMG_1234", "IMG_1234 - Copy", "IMG_1234-2".
_COPY_NAME = re.compile(r"\(\d+\)$|[ _-]\d{1,2}$|\bcopy\b|\bcopie\b|\bkopie\b", re.IGNORECASE)
# Words in a name that say it was made from another picture.
_EDIT_WORDS = re.compile(
    r"^(?:edit|edited|export|exported|resized?|small|medium|thumb|thumbnail|compressed|crop"
    r"|cropped|trim|trimmed|web|share|shared|final|retouch|retouched|enhanced|filtered|bw|mono"
    r"|sepia|mirror|mirrored|flipped|rotated|watermark|watermarked|stamp|stamped|logo|half"
    r"|scaled|optimi[sz]ed|min|lowres|converted|resaved|straightened|light|contrast|bright)$",
    re.IGNORECASE,
)
# Names messengers, browsers and screenshots give.
_RECEIVED_NAME = re.compile(
    r"^(?:img-\d{8}-wa\d+|photo_\d+|received_|fb_img|signal-|screenshot|screen ?shot|unnamed"
    r"|download|image\d*$|whatsapp|telegram)",
    re.IGNORECASE,
)
# Folders cameras write to: DCIM and its DCF folders (100CANON, 101MSDCF, 100APPLE).
_CAMERA_FOLDER = re.compile(r"^(?:dcim|\d{3}[a-z0-9_]{5}|camera|camera roll|camera uploads)$")
_COPY_FOLDER = re.compile(
    r"^(?:whatsapp.*|telegram.*|messenger|signal|downloads?|desktop|screenshots?|screens"
    r"|exports?|edited|edits|\.?thumbnails|thumbs|cache|tmp|temp|shared|web|resized|trash"
    r"|received|sent|facebook|instagram)$"
)
_FOLDERS_READ = 2  # the innermost folders say what a file is; the outer ones where a home is


def real_pixels(m: Member) -> int:
    """The pixels a member really holds: an enlarged copy counts its source's."""
    factor = m.origin.upscale
    if factor <= 1:
        return m.pixels
    # The factor is measured to two decimals: an enlargement counts a little below its source,
    # so that it never wins by a rounding.
    return int(m.pixels / (factor * factor) * 0.97)


def is_editor(software: str) -> bool:
    """Whether a Software tag names a program that edits or converts pictures."""
    return bool(software) and _EDITORS.search(software) is not None


def camera_original(m: Member) -> bool:
    """Camera metadata that no program rewrote: make and model and date taken, no editor."""
    o = m.origin
    return bool(m.camera and m.taken) and not is_editor(o.software) and not o.rewritten


def metadata_score(m: Member) -> int:
    """How much of the camera's metadata a file still has (higher is more original)."""
    o = m.origin
    score = 2 * bool(m.camera) + bool(m.taken) + o.maker_note
    return score - 2 * is_editor(o.software) - o.rewritten


# Formats whose quality has no table to read: HEIC and AVIF are what phones save, WebP and GIF
# what the web re-encodes to.
_QUALITY_BY_FORMAT = {"HEIF": 100.0, "HEIC": 100.0, "AVIF": 100.0, "WEBP": 80.0, "GIF": 20.0}
_MASTER = 101.0  # a lossless file that never was a JPEG: nothing was lost, so it beats any JPEG


# Cameras write JPEG, HEIF and (some) TIFF, never these: one with a camera's make and model in
# it was converted from the camera's file.
_NEVER_FROM_A_CAMERA = frozenset({"PNG", "BMP", "WEBP", "GIF"})


def fidelity(m: Member) -> float:
    """How much of the picture the encoding kept, on JPEG's quality scale."""
    o = m.origin
    if o.lossless:
        # A copy of a JPEG holds no more than that JPEG: it ranks just below its source.
        if o.jpeg_past:
            return o.jpeg_past - 0.5
        return 0.0 if m.camera and m.format in _NEVER_FROM_A_CAMERA else _MASTER
    if m.format == "JPEG":
        return float(o.quality)
    return _QUALITY_BY_FORMAT.get(m.format, 0.0)


def name_score(path: str) -> int:
    """How original a file's name and folders look: camera names and folders score up, copies,
    edits, downloads, messengers and screenshots down."""
    folder, name = os.path.split(path)
    stem = os.path.splitext(name)[0]
    score = 0
    if _CAMERA_NAME.match(stem):
        score += 2
    if _COPY_NAME.search(stem) or any(_EDIT_WORDS.match(w) for w in re.split(r"[^A-Za-z]+", stem)):
        score -= 2
    if _RECEIVED_NAME.match(stem):
        score -= 1
    folders = [f.casefold() for f in folder.replace("\\", "/").split("/") if f][-_FOLDERS_READ:]
    if any(_CAMERA_FOLDER.match(f) for f in folders):
        score += 1
    if any(_COPY_FOLDER.match(f) for f in folders):
        score -= 1
    return score


def _taken_key(m: Member) -> str:
    # EXIF dates ("YYYY:MM:DD HH:MM:SS") sort as text; a file without one comes last.
    return m.taken or "\uffff"


def keeper_rank(m: Member) -> Rank:
    """The default keeper rank of one file (smaller is better); see the module docstring.

    Identical files share every fact of their content, so for them only the name, the dates
    and the path decide; the edit step (4) compares pairs and is applied to groups by
    ``settle``.
    """
    return (
        not m.is_reference,
        -real_pixels(m),
        -metadata_score(m),
        -fidelity(m),
        -name_score(m.path),
        _taken_key(m),
        m.mtime_ns,
        len(m.path),
        m.path,
    )


# How much of a crop the verifier measured says that a copy was cut from another: crops of 2-5 %
# a side show 84-89 % of the picture, while re-encodes, mirror images and turns of the real photos
# of `lookalike accuracy` show 99.3 % or more of each other, both ways.
_CUT = 0.98
_WHOLE = 0.995


def _is_edit(t: Transform) -> bool:
    """Whether the second file of a verified pair is an edit of the first: its colour dropped,
    or cut from it. Overlays are left out: the verifier's overlay share of a date stamp
    (0-3 %) is no larger than its noise on mirror images and turns (up to 3-6 %)."""
    if t.grayscale or t.colourised:
        return t.grayscale
    return t.first_shown <= _CUT and t.second_shown >= _WHOLE


def _is_source(t: Transform) -> bool:
    """Whether the second file of a verified pair is what the first was edited from."""
    return _is_edit(t.inverse())


def _edit_of_keeper(m: Member) -> bool:
    # A member's transform maps its keeper onto it; one proven against another file says
    # nothing about the keeper.
    return not m.proven_with and _is_edit(m.transform)


# --- why the keeper was chosen -------------------------------------------------------------

Key = Callable[[Member], Any]

# The default rank's steps, each with the reason it gives when it decides against some member.
_STEPS: tuple[tuple[Key, Reason], ...] = (
    (lambda m: not m.is_reference, KeeperReason.REFERENCE),
    (lambda m: -real_pixels(m), KeeperReason.FULL_SIZE),
    (lambda m: -metadata_score(m), KeeperReason.CAMERA_DATA),
    (_edit_of_keeper, KeeperReason.UNEDITED),
    (lambda m: -fidelity(m), KeeperReason.QUALITY),
    (lambda m: -name_score(m.path), KeeperReason.ORIGINAL_NAME),
    (_taken_key, KeeperReason.TAKEN_FIRST),
    (lambda m: m.mtime_ns, KeeperReason.OLDEST),
    (lambda m: (len(m.path), m.path), KeeperReason.SHORTEST_PATH),
)


def _deciding(
    keeper: Member, others: Sequence[Member], steps: Sequence[tuple[Key, Reason]]
) -> list[Reason]:
    """The steps at which the keeper beat members still tied with it, in order (byte copies tie
    on every fact of their content, so only names, dates and paths can decide between them)."""
    reasons: list[Reason] = []
    tied = list(others)
    for key, reason in steps:
        if not tied:
            break
        mine = key(keeper)
        if any(key(m) > mine for m in tied):
            reasons.append(reason)
        tied = [m for m in tied if key(m) == mine]
    return reasons


def default_reasons(group: Group) -> tuple[Reason, ...]:
    """Why the default rank keeps ``group.keeper``."""
    keeper = group.keeper
    reasons = _deciding(keeper, group.duplicates, _STEPS)
    if KeeperReason.CAMERA_DATA in reasons and camera_original(keeper):
        reasons[reasons.index(KeeperReason.CAMERA_DATA)] = KeeperReason.CAMERA_ORIGINAL
    if KeeperReason.FULL_SIZE in reasons and any(m.pixels > keeper.pixels for m in group.members):
        reasons[reasons.index(KeeperReason.FULL_SIZE)] = KeeperReason.OTHERS_ENLARGED
    return tuple(reasons)


# --- rules a person sets ----------------------------------------------------------------------


def rule_key(rule: Rule, m: Member) -> Any:
    """One rule's sort key for one file (smaller is kept first)."""
    c = rule.criterion
    flip = -1 if rule.reverse else 1
    if c is Criterion.RESOLUTION:
        return -m.pixels * flip
    if c is Criterion.FILE_SIZE:
        return -m.size * flip
    if c is Criterion.MODIFIED:
        return m.mtime_ns * flip
    if c is Criterion.PATH_LENGTH:
        return len(m.path) * flip
    if c is Criterion.TAKEN:
        # Without a date a file comes last either way.
        return (not m.taken, tuple(-ord(ch) for ch in m.taken) if rule.reverse else m.taken)
    if c is Criterion.FORMAT:
        order = rule.value.split("+")
        fmt = format_name(m.format)
        place = order.index(fmt) if fmt in order else len(order)
        return -place if rule.reverse else place
    if c is Criterion.FOLDER:
        inside = os.path.abspath(m.path).startswith(os.path.join(rule.value, ""))
        return inside if rule.reverse else not inside
    matches = fnmatch.fnmatch(os.path.basename(m.path).casefold(), rule.value.casefold())
    return matches if rule.reverse else not matches


def rule_rank(rules: Sequence[Rule]) -> Callable[[Member], Rank]:
    """The rank the rules give: reference folders first always, then the rules in order, then
    the default rank for whatever they leave tied."""

    def rank(m: Member) -> Rank:
        return (not m.is_reference, *(rule_key(rule, m) for rule in rules), *keeper_rank(m))

    return rank


# --- moving the keeper --------------------------------------------------------------------------


def _centre(group: Group) -> Member:
    """The member every other member's proof refers to: the keeper the scan grouped around."""
    for m in group.members:
        if m.proven_with:
            for c in group.members:
                if c.path == m.proven_with:
                    return c
            raise ValueError(f"group {group.id}: {m.proven_with} is not a member")
    return group.keeper


def _same_bytes(a: Member, b: Member) -> bool:
    return a.path == b.path or (bool(a.content_hash) and a.content_hash == b.content_hash)


def _as_scanned(group: Group) -> list[Member]:
    """The members as the scan grouped them: the centre first as keeper, every other member
    related to it."""
    centre = _centre(group)
    keeper = group.keeper
    members = [_as_keeper(centre)]
    for m in group.members:
        if m.path == centre.path:
            continue
        if m.proven_with:
            members.append(replace(m, proven_with=""))
        elif _same_bytes(m, centre):
            members.append(replace(m, match=MatchKind.IDENTICAL, score=1.0, transform=IDENTITY))
        elif centre.path == keeper.path:
            members.append(m)
        elif _same_bytes(m, keeper):
            # The keeper or one of its byte copies: related to the centre as the keeper is,
            # seen from the centre.
            members.append(_related(m, centre, inverse=True))
        else:
            raise ValueError(f"group {group.id}: {m.path} has no proof against its keeper")
    return members


def with_keeper(
    group: Group,
    path: str,
    why: tuple[Reason, ...] = (KeeperReason.CHOSEN,),
    order: Callable[[Member], Rank] = keeper_rank,
) -> Group:
    """``group`` with the member at ``path`` as its keeper; the others follow in ``order``.

    Every member stays proven to show the keeper's picture: byte copies of the new keeper are
    identical to it; the scan's keeper and its byte copies carry the new keeper's own verified
    relation to them; every other member keeps its proof against the scan's keeper, which
    ``proven_with`` names (the new keeper was verified against that same file).

    Raises:
        KeyError: ``path`` is not a member.
    """
    scanned = _as_scanned(group)
    centre = scanned[0]
    chosen = next((m for m in scanned if m.path == path), None)
    if chosen is None:
        raise KeyError(path)
    rest: list[Member] = []
    for m in scanned:
        if m.path == chosen.path:
            continue
        if _same_bytes(m, chosen):
            rest.append(
                replace(m, match=MatchKind.IDENTICAL, score=1.0, transform=IDENTITY, proven_with="")
            )
        elif _same_bytes(m, centre):
            # The chosen file's proof maps the centre onto it; seen from the keeper, inverted.
            rest.append(_related(m, chosen, inverse=True))
        elif _same_bytes(chosen, centre):
            rest.append(m)  # proven against the keeper's own bytes
        else:
            rest.append(replace(m, proven_with=centre.path))
    # Byte copies of the keeper first, as the scan lists them.
    rest.sort(key=lambda m: (m.match is not MatchKind.IDENTICAL, order(m)))
    return replace(group, members=(_as_keeper(chosen), *rest), why=why)


def _as_keeper(m: Member) -> Member:
    return replace(m, match=MatchKind.KEEPER, score=1.0, transform=IDENTITY, proven_with="")


def _related(m: Member, proof: Member, inverse: bool) -> Member:
    """``m`` with the verified relation ``proof`` holds (its match, score and transform), seen
    the other way round when ``inverse``."""
    transform = proof.transform.inverse() if inverse else proof.transform
    return replace(m, match=proof.match, score=proof.score, transform=transform, proven_with="")


def settle(group: Group) -> Group:
    """A group as the scan grouped it, with its keeper chosen and the reasons why: where the
    scan's keeper is an edit (grayscale, cropped) of a member that ties with it up to the camera
    metadata, that member is the original and is kept."""
    keeper = group.keeper
    mine = _content(keeper)
    originals = [
        m
        for m in group.duplicates
        if not m.proven_with and _is_source(m.transform) and _content(m) == mine
    ]
    if originals:
        group = with_keeper(group, min(originals, key=keeper_rank).path, ())
    return replace(group, why=default_reasons(group))


def _content(m: Member) -> Rank:
    """The steps before "unedited beats edited"."""
    return (not m.is_reference, -real_pixels(m), -metadata_score(m))


def apply_rules(group: Group, rules: Sequence[Rule]) -> Group:
    """``group`` with the keeper the rules choose, and the rules that decided as its reasons.

    No rules: Lookalike's own rank (the keeper the scan grouped around).
    """
    if not rules:
        return settle(with_keeper(group, _centre(group).path, ()))
    rank = rule_rank(rules)
    best = min(group.members, key=rank)
    moved = with_keeper(group, best.path, (), rank)
    steps: list[tuple[Key, Reason]] = [(lambda m: not m.is_reference, KeeperReason.REFERENCE)]
    steps += [(functools.partial(rule_key, rule), rule) for rule in rules]
    why = _deciding(moved.keeper, moved.duplicates, steps)
    return replace(moved, why=tuple(why) or default_reasons(moved))
