"""The accuracy report behind ``lookalike accuracy``: how well a scan matches, on a labelled
library made from real photographs (``library.py``, fed by ``sources.py``).

The real scan runs on the library at each sensitivity (and once in identical-files mode). A group
is read as "every member shows the same picture as every other", so the report scores pairs of
files, and what a person pressing *Select Duplicates* then *Move to Trash* would get:

- pairwise precision and recall; recall per kind of copy (the copy shares a group with its
  picture's camera original);
- false pairs by kind of negative (tiles of one photo, overlapping views, two shots of one scene,
  burst-like frames, photos of similar content, different photos), with examples;
- pictures lost: pictures all of whose files the default suggestion (every member of a group but
  its keeper) selects;
- identical sets: whether all N byte-identical files of a picture are in one group;
- the keeper: in how many groups it is the camera original (or a byte copy of it), and which
  derived copies were kept instead. A group is judged by the picture most of its files show,
  so keeping a wrongly joined picture's original is a miss; a group without its picture's
  original (the matcher split it off) is listed apart, as is how many groups join pictures.
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from lookalike.bench import library, sources
from lookalike.bench.library import Item, Library
from lookalike.core import words
from lookalike.core.model import ScanMode, ScanOptions, ScanResult, Sensitivity
from lookalike.core.scan import collect_result, run_scan

SAME = "same picture"
EXCLUDED = "not scored"  # a tile against the whole photo it was cut from: neither must match
TILES = "tiles of one photo"
VIEWS = "overlapping views (10–30 % shift)"
SIMILAR_CONTENT = "other photos of similar content"
DIFFERENT = "different photos"
NEGATIVE_KINDS = (TILES, VIEWS, sources.TWO_SHOTS, sources.FRAMES, SIMILAR_CONTENT, DIFFERENT)
QUICK_MAX_SIDE_PX = 1600
EXAMPLES = 5  # how many wrongly joined pairs, missed copies, ... the report lists per kind


def pair_kind(a: Item, b: Item) -> str:
    """What a pair of files is: SAME, EXCLUDED or one of NEGATIVE_KINDS."""
    if a.picture == b.picture:
        return SAME
    if a.source == b.source:
        if a.part == library.TILE and b.part == library.TILE:
            return TILES
        if a.part == library.VIEW and b.part == library.VIEW:
            return VIEWS
        return EXCLUDED
    if a.scene and a.scene == b.scene:
        return a.scene_kind
    if set(a.tags) & set(b.tags):
        return SIMILAR_CONTENT
    return DIFFERENT


def _pair_kind_totals(items: Sequence[Item]) -> dict[str, int]:
    """How many pairs of each kind the library holds (all pairs, counted without a loop over
    the million pairs)."""
    n = len(items)

    def codes(values: Iterable[object]) -> np.ndarray[Any, np.dtype[np.int64]]:
        seen: dict[object, int] = {}
        return np.array([seen.setdefault(v, len(seen)) for v in values], np.int64)

    picture = codes(i.picture for i in items)
    source = codes(i.source for i in items)
    scene = codes(i.scene or f"\0{k}" for k, i in enumerate(items))  # "" matches nothing
    tile = np.array([i.part == library.TILE for i in items])
    view = np.array([i.part == library.VIEW for i in items])
    frames = np.array([i.scene_kind == sources.FRAMES for i in items])
    all_tags = sorted({t for i in items for t in i.tags})
    tag_bits = np.array([sum(1 << all_tags.index(t) for t in i.tags) for i in items], np.int64)
    upper = np.triu(np.ones((n, n), bool), 1)
    same = picture[:, None] == picture[None, :]
    same_source = (source[:, None] == source[None, :]) & ~same
    tiles = same_source & tile[:, None] & tile[None, :]
    views = same_source & view[:, None] & view[None, :]
    rest = ~same & ~same_source
    in_scene = rest & (scene[:, None] == scene[None, :])
    shared_tag = rest & ~in_scene & ((tag_bits[:, None] & tag_bits[None, :]) != 0)
    return {
        SAME: int((same & upper).sum()),
        EXCLUDED: int((same_source & ~tiles & ~views & upper).sum()),
        TILES: int((tiles & upper).sum()),
        VIEWS: int((views & upper).sum()),
        sources.TWO_SHOTS: int((in_scene & ~frames[:, None] & upper).sum()),
        sources.FRAMES: int((in_scene & frames[:, None] & upper).sum()),
        SIMILAR_CONTENT: int((shared_tag & upper).sum()),
        DIFFERENT: int((rest & ~in_scene & ~shared_tag & upper).sum()),
    }


# --- scoring ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Found:
    """How many of something the scan got right (or wrong), of how many."""

    count: int
    total: int

    @property
    def rate(self) -> float:
        return self.count / self.total if self.total else 0.0


@dataclass(frozen=True, slots=True)
class Score:
    """The scores of one scan of the library."""

    sensitivity: str
    mode: str
    true_pairs: int  # same-picture pairs that share a group
    false_pairs: int  # pairs of different pictures that share a group
    missed_pairs: int  # same-picture pairs that do not
    recall_by_kind: dict[str, Found]  # copies found with their original
    false_by_kind: dict[str, Found]  # negative pairs joined, of all pairs of that kind
    false_examples: dict[str, tuple[str, ...]]
    missed_examples: dict[str, tuple[str, ...]]
    pictures: int
    pictures_lost: tuple[str, ...]  # "picture: every file selected (n files)"
    identical_sets: Found  # sets of N ≥ 2 byte-identical files all in one group
    identical_split: tuple[str, ...]
    # Groups that hold the camera original of their picture (the one most of their files show),
    # and how many keep it or a byte copy of it.
    keeper_groups: Found
    kept_instead: tuple[str, ...]  # "kept X (kind) instead of Y"
    # Groups whose picture's camera original is not in them (split off by the matcher): no rank
    # could keep it, so they are listed, not scored.
    without_original: tuple[str, ...]
    mixed_groups: int  # groups that join files of two or more pictures (scored by the main one)
    groups: int
    files_grouped: int
    seconds: float = 0.0
    skipped: int = 0

    @property
    def precision(self) -> float:
        claimed = self.true_pairs + self.false_pairs
        return self.true_pairs / claimed if claimed else 1.0

    @property
    def recall(self) -> float:
        actual = self.true_pairs + self.missed_pairs
        return self.true_pairs / actual if actual else 1.0

    @property
    def file_recall(self) -> Found:
        """Copies of every kind together, found with their original."""
        found = [f for k, f in self.recall_by_kind.items()]
        return Found(sum(f.count for f in found), sum(f.total for f in found))


def _groups_of(result: ScanResult, root: str) -> tuple[dict[str, int], list[list[str]]]:
    """File -> group number, and each group's members (keeper first), as library paths."""
    where: dict[str, int] = {}
    groups: list[list[str]] = []
    for g in result.groups:
        members = [os.path.relpath(m.path, root) for m in g.members]
        for path in members:
            where[path] = len(groups)
        groups.append(members)
    return where, groups


def score(
    lib: Library,
    result: ScanResult,
    totals: dict[str, int] | None = None,
    seconds: float = 0.0,
) -> Score:
    """Compare a scan's groups with the labels."""
    items = {i.path: i for i in lib.items}
    where, groups = _groups_of(result, lib.root)
    totals = totals if totals is not None else _pair_kind_totals(lib.items)

    # Pairs that share a group.
    true_pairs = 0
    false_count: dict[str, int] = dict.fromkeys(NEGATIVE_KINDS, 0)
    false_examples: dict[str, list[str]] = {k: [] for k in NEGATIVE_KINDS}
    for members in groups:
        for pa, pb in itertools.combinations(members, 2):
            a, b = items.get(pa), items.get(pb)
            if a is None or b is None:
                continue  # a file the library does not label (none expected)
            kind = pair_kind(a, b)
            if kind == SAME:
                true_pairs += 1
            elif kind != EXCLUDED:
                false_count[kind] += 1
                if len(false_examples[kind]) < EXAMPLES:
                    false_examples[kind].append(f"{pa} ({a.picture}) ~ {pb} ({b.picture})")

    # Copies found with their original.
    by_picture: dict[str, list[Item]] = {}
    for item in lib.items:
        by_picture.setdefault(item.picture, []).append(item)
    originals = {
        p: next(i.path for i in files if i.kind == library.ORIGINAL)
        for p, files in by_picture.items()
    }
    found: dict[str, list[int]] = {}
    missed: dict[str, list[str]] = {}
    for item in lib.items:
        if item.kind == library.ORIGINAL:
            continue
        group = where.get(item.path)
        hit = group is not None and where.get(originals[item.picture]) == group
        counts = found.setdefault(item.kind, [0, 0])
        counts[0] += hit
        counts[1] += 1
        if not hit:
            examples = missed.setdefault(item.kind, [])
            if len(examples) < EXAMPLES:
                examples.append(f"{item.path} ({item.detail})")
    order = [k for k in library.VARIANT_KINDS if k in found] + sorted(
        set(found) - set(library.VARIANT_KINDS)
    )

    # What the default suggestion selects: every member of a group but its keeper.
    selected = {path for members in groups for path in members[1:]}
    lost = []
    for picture, files in by_picture.items():
        if all(f.path in selected for f in files):
            lost.append(f"{picture}: all {words.files(len(files))} selected")

    # Identical sets: the original and its byte copies.
    sets_ok = sets_total = 0
    split = []
    for picture, files in by_picture.items():
        same = [f.path for f in files if f.kind in (library.ORIGINAL, library.BYTE_COPY)]
        if len(same) < 2:
            continue
        sets_total += 1
        places = {where.get(p) for p in same}
        if len(places) == 1 and None not in places:
            sets_ok += 1
        else:
            together = max(sum(where.get(p) == g for p in same) for g in places)
            split.append(f"{picture}: {together} of {len(same)} identical files in one group")

    keeper_ok, keeper_total, kept_instead, without, mixed = _keepers(groups, items)

    return Score(
        sensitivity=result.sensitivity.value,
        mode=result.mode.value,
        true_pairs=true_pairs,
        false_pairs=sum(false_count.values()),
        missed_pairs=totals[SAME] - true_pairs,
        recall_by_kind={k: Found(*found[k]) for k in order},
        false_by_kind={k: Found(false_count[k], totals[k]) for k in NEGATIVE_KINDS},
        false_examples={k: tuple(v) for k, v in false_examples.items() if v},
        missed_examples={k: tuple(v) for k, v in missed.items()},
        pictures=len(by_picture),
        pictures_lost=tuple(lost),
        identical_sets=Found(sets_ok, sets_total),
        identical_split=tuple(split),
        keeper_groups=Found(keeper_ok, keeper_total),
        kept_instead=tuple(kept_instead),
        without_original=tuple(without),
        mixed_groups=mixed,
        groups=len(groups),
        files_grouped=len(where),
        seconds=seconds,
        skipped=len(result.skipped),
    )


_FIRST = (library.ORIGINAL, library.BYTE_COPY)


def _keepers(
    groups: Sequence[list[str]], items: dict[str, Item]
) -> tuple[int, int, list[str], list[str], int]:
    """How often the keeper is the camera original or a byte copy of it.

    A group is judged by its picture: the one most of its files show (a tie goes to a picture
    whose original is in the group, then to the keeper's), so a group that wrongly joins a
    second picture still wants the first one's original, and keeping the stranger's counts as
    a miss. A group without its picture's original cannot keep it: it is listed apart.

    Returns:
        groups keeping the original, groups holding it, the derived copies kept instead, the
        groups without their original, and the groups that join two or more pictures.
    """
    ok = total = mixed = 0
    kept_instead: list[str] = []
    without: list[str] = []
    for members in groups:
        labelled = [items[p] for p in members if p in items]
        if not labelled:
            continue
        keeper = labelled[0] if labelled[0].path == members[0] else None
        files: dict[str, int] = {}
        for i in labelled:
            files[i.picture] = files.get(i.picture, 0) + 1
        mixed += len(files) > 1
        has_original = {i.picture for i in labelled if i.kind in _FIRST}
        mine = keeper.picture if keeper is not None else ""
        picture = max(files, key=lambda p: (files[p], p in has_original, p == mine))
        firsts = [i for i in labelled if i.picture == picture and i.kind in _FIRST]
        joined = f" (the group joins {len(files)} pictures)" if len(files) > 1 else ""
        shown = f"{keeper.path} ({keeper.kind}: {keeper.detail})" if keeper else members[0]
        if picture not in has_original:
            without.append(f"{picture}: kept {shown}, {len(members)} files{joined}")
            continue
        total += 1
        if keeper is not None and keeper in firsts:
            ok += 1
        else:
            wanted = next((i for i in firsts if i.kind == library.ORIGINAL), firsts[0])
            kept_instead.append(f"kept {shown} instead of {wanted.path}{joined}")
    return ok, total, kept_instead, without, mixed


def run_scans(
    lib: Library,
    workers: int = 0,
    cache_path: str | None = None,
    levels: Sequence[Sensitivity] = tuple(Sensitivity),
    out: TextIO | None = None,
) -> list[Score]:
    """Scan the library at each sensitivity, then in identical-files mode, and score each.

    With ``cache_path`` the fingerprints of the first scan serve the others (each scan's own
    time is then mostly matching).
    """
    totals = _pair_kind_totals(lib.items)
    runs = [(ScanMode.SIMILAR, s) for s in levels] + [(ScanMode.EXACT, Sensitivity.NORMAL)]
    scores = []
    for mode, sensitivity in runs:
        options = ScanOptions(
            roots=(lib.root,),
            mode=mode,
            sensitivity=sensitivity,
            workers=workers,
            cache_path=cache_path,
        )
        if out is not None:
            out.write(f"Scanning {len(lib.items)} files: {mode.value}, {sensitivity.value}...\n")
            out.flush()
        start = time.perf_counter()
        result = collect_result(options, run_scan(options))
        scores.append(score(lib, result, totals, time.perf_counter() - start))
    return scores


# --- the targets (matching and keeper) ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Target:
    """One target of the matching and keeper issues, and how the scan did."""

    measure: str
    value: str
    target: str
    met: bool


def _worst(score_: Score, kinds: Sequence[str]) -> tuple[str, float] | None:
    rates = [(k, score_.recall_by_kind[k].rate) for k in kinds if k in score_.recall_by_kind]
    return min(rates, key=lambda kr: kr[1]) if rates else None


def targets(scores: Sequence[Score]) -> list[Target]:
    """The targets, judged at the default sensitivity (strict and loose for their own); a
    target with nothing to judge (no copy of that kind) is left out."""
    by_level = {s.sensitivity: s for s in scores if s.mode == ScanMode.SIMILAR.value}
    normal = by_level.get(Sensitivity.NORMAL.value)
    if normal is None:
        return []
    found = [
        Target("pairwise precision", f"{normal.precision:.4f}", "≥ 0.998",
               normal.precision >= 0.998),
        Target("pictures lost", str(len(normal.pictures_lost)), "0", not normal.pictures_lost),
        Target("recall, overall (pairs)", f"{normal.recall:.4f}", "≥ 0.97", normal.recall >= 0.97),
    ]  # fmt: skip
    recalls = (
        ("every standard kind", library.STANDARD_KINDS, 0.99),
        ("2–5 % crops", (library.CROP_SMALL,), 0.98),
        ("10–30 % crops and turns", (library.CROP_LARGE, library.TURN, library.QUARTER_TURN), 0.9),
    )
    for name, kinds, wanted in recalls:
        worst = _worst(normal, kinds)
        if worst is not None:
            label = f"recall, {name}" + (f" (worst: {worst[0]})" if len(kinds) > 1 else "")
            found.append(Target(label, f"{worst[1]:.1%}", f"≥ {wanted:.0%}", worst[1] >= wanted))
    sets, keeper = normal.identical_sets, normal.keeper_groups
    if sets.total:
        found.append(Target("identical sets: all N in one group", f"{sets.count}/{sets.total}",
                            "all", sets.count == sets.total))  # fmt: skip
    if keeper.total:
        found.append(Target("keeper is the original (or a byte copy)", f"{keeper.rate:.1%}",
                            "≥ 97%", keeper.rate >= 0.97))  # fmt: skip
    for level in (Sensitivity.STRICT.value, Sensitivity.LOOSE.value):
        if level in by_level:
            p = by_level[level].precision
            found.append(Target(f"precision, {level}", f"{p:.4f}", "≥ 0.995", p >= 0.995))
    return found


# --- reporting ----------------------------------------------------------------------------


def _level_name(s: Score) -> str:
    return "identical files" if s.mode == ScanMode.EXACT.value else s.sensitivity


def to_json(lib: Library, scores: Sequence[Score]) -> dict[str, Any]:
    kinds: dict[str, int] = {}
    parts: dict[str, int] = {}
    for item in lib.items:
        kinds[item.kind] = kinds.get(item.kind, 0) + 1
        if item.kind == library.ORIGINAL:
            parts[item.part] = parts.get(item.part, 0) + 1
    totals = _pair_kind_totals(lib.items)
    return {
        "library": {
            "recipe": lib.recipe,
            "files": len(lib.items),
            "pictures": sum(parts.values()),
            "pictures_by_part": parts,
            "files_by_kind": kinds,
            "pairs_by_kind": totals,
            "photos": [
                {
                    "id": p.id,
                    "package": p.package,
                    "version": p.version,
                    "member": p.member,
                    "licence": p.licence,
                    "size": [p.width, p.height],
                    "role": p.role,
                    "tags": list(p.tags),
                }
                for p in lib.photos
            ],
        },
        "levels": {_level_name(s): _score_json(s) for s in scores},
        "targets": [
            {"measure": t.measure, "value": t.value, "target": t.target, "met": t.met}
            for t in targets(scores)
        ],
    }


def _found(f: Found) -> dict[str, Any]:
    return {"count": f.count, "of": f.total, "rate": round(f.rate, 4)}


def _score_json(s: Score) -> dict[str, Any]:
    return {
        "mode": s.mode,
        "sensitivity": s.sensitivity,
        "seconds": round(s.seconds, 1),
        "precision": round(s.precision, 4),
        "recall_pairs": round(s.recall, 4),
        "recall_files": _found(s.file_recall),
        "true_pairs": s.true_pairs,
        "false_pairs": s.false_pairs,
        "missed_pairs": s.missed_pairs,
        "recall_by_kind": {k: _found(f) for k, f in s.recall_by_kind.items()},
        "false_pairs_by_kind": {k: _found(f) for k, f in s.false_by_kind.items()},
        "false_pair_examples": {k: list(v) for k, v in s.false_examples.items()},
        "missed_examples": {k: list(v) for k, v in s.missed_examples.items()},
        "pictures": s.pictures,
        "pictures_lost": list(s.pictures_lost),
        "identical_sets_whole": _found(s.identical_sets),
        "identical_sets_split": list(s.identical_split),
        "keeper_is_original": _found(s.keeper_groups),
        "kept_instead": list(s.kept_instead),
        "groups_without_original": list(s.without_original),
        "groups_joining_pictures": s.mixed_groups,
        "groups": s.groups,
        "files_grouped": s.files_grouped,
        "skipped_files": s.skipped,
    }


def save_json(data: dict[str, Any], path: str) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2, ensure_ascii=False)
        f.write("\n")


def _cells(values: Iterable[str]) -> str:
    return "| " + " | ".join(values) + " |"


def _ratio(f: Found) -> str:
    return f"{f.count}/{f.total} ({f.rate:.1%})" if f.total else "–"


def _target_lines(scores: Sequence[Score]) -> list[str]:
    found = targets(scores)
    if not found:
        return []
    met = sum(t.met for t in found)
    lines = [
        f"Targets, at the default sensitivity: {met} of {len(found)} met",
        "",
        "| target | value | wanted | met |",
        "|---|---:|---:|:---:|",
    ]
    lines += [_cells([t.measure, t.value, t.target, "yes" if t.met else "no"]) for t in found]
    return [*lines, ""]


def format_report(lib: Library, scores: Sequence[Score]) -> str:
    """Markdown tables, one column per scan, then the examples of what went wrong."""
    names = [_level_name(s) for s in scores]
    pictures = scores[0].pictures if scores else 0
    lines = [
        f"Library: {len(lib.items)} files, {pictures} pictures, from {len(lib.photos)} real"
        f" photos ({lib.root})",
        "",
        *_target_lines(scores),
        _cells(["measure", *names]),
        "|---|" + "---:|" * len(scores),
        _cells(["pairwise precision", *(f"{s.precision:.4f}" for s in scores)]),
        _cells(["pairwise recall", *(f"{s.recall:.4f}" for s in scores)]),
        _cells(["copies found with their original", *(_ratio(s.file_recall) for s in scores)]),
        _cells(["false pairs", *(str(s.false_pairs) for s in scores)]),
        _cells(["pictures lost", *(str(len(s.pictures_lost)) for s in scores)]),
        _cells(["identical sets whole", *(_ratio(s.identical_sets) for s in scores)]),
        _cells(["keeper is the original", *(_ratio(s.keeper_groups) for s in scores)]),
        _cells(["groups without their original", *(str(len(s.without_original)) for s in scores)]),
        _cells(["groups joining pictures", *(str(s.mixed_groups) for s in scores)]),
        _cells(["groups", *(str(s.groups) for s in scores)]),
        _cells(["seconds", *(f"{s.seconds:.0f}" for s in scores)]),
        "",
        "Recall per kind of copy (in the same group as its camera original; identical-files"
        " mode looks for byte copies only):",
        "",
        _cells(["kind", *names]),
        "|---|" + "---:|" * len(scores),
    ]
    kinds = list(dict.fromkeys(k for s in scores for k in s.recall_by_kind))
    for kind in kinds:
        lines.append(
            _cells([kind, *(_ratio(s.recall_by_kind.get(kind, Found(0, 0))) for s in scores)])
        )
    lines += [
        "",
        "False pairs by kind (pairs of different pictures joined, of all such pairs):",
        "",
        _cells(["negative pairs", *names]),
        "|---|" + "---:|" * len(scores),
    ]
    for kind in NEGATIVE_KINDS:
        lines.append(
            _cells(
                [
                    kind,
                    *(
                        f"{s.false_by_kind[kind].count}/{s.false_by_kind[kind].total}"
                        for s in scores
                    ),
                ]
            )
        )
    for s in scores:
        details = []
        for kind, examples in s.false_examples.items():
            details += [f"  false, {kind}: {e}" for e in examples]
        details += [f"  lost: {p}" for p in s.pictures_lost[:EXAMPLES]]
        details += [f"  identical set split: {p}" for p in s.identical_split[:EXAMPLES]]
        for kind, examples in s.missed_examples.items():
            details += [f"  missed, {kind}: {e}" for e in examples[:2]]
        details += [f"  {k}" for k in s.kept_instead]
        details += [f"  no original: {k}" for k in s.without_original[:EXAMPLES]]
        if details:
            lines += ["", f"{_level_name(s)}:", *details]
    return "\n".join(lines)


# --- the command --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Options:
    """What ``lookalike accuracy`` was asked."""

    base: Path = field(default_factory=sources.default_dir)
    fetch: bool = False
    quick: bool = False  # every third photo, at most 1600 px: a check in about a minute
    workers: int = 0
    json_path: str | None = None
    max_side: int = library.MAX_SIDE_PX


def quick_subset(photos: Sequence[sources.Photo]) -> list[sources.Photo]:
    """Every third photo of each role, and every shot of each scene kept with its partners."""
    picked: list[sources.Photo] = []
    by_role: dict[str, list[sources.Photo]] = {}
    for p in photos:
        by_role.setdefault(p.role, []).append(p)
    for role, members in by_role.items():
        if role == sources.SHOT:
            scenes = sorted({p.scene for p in members})[::3]
            picked += [p for p in members if p.scene in scenes]
        else:
            picked += members[::3]
    return picked


def run_command(options: Options, out: TextIO = sys.stdout) -> dict[str, Any]:
    """``lookalike accuracy``: fetch the photos if asked, build the library, scan, report."""
    photos_dir = options.base / "photos"
    if options.fetch:
        sources.fetch(options.base, out)
    try:
        photos = sources.load_manifest(photos_dir)
    except FileNotFoundError:
        raise FileNotFoundError(
            f"no photos in {photos_dir}: run `lookalike accuracy --fetch` first"
        ) from None
    if options.quick:
        photos = quick_subset(photos)

    def say(line: str) -> None:
        out.write(line + "\n")
        out.flush()

    lib = library.build(
        photos,
        photos_dir,
        options.base / ("quick" if options.quick else "full"),
        max_side=QUICK_MAX_SIDE_PX if options.quick else options.max_side,
        workers=options.workers,
        say=say,
    )
    # A fresh fingerprint cache: every run's first scan is a cold one.
    with tempfile.TemporaryDirectory(prefix="lookalike-accuracy-") as tmp:
        scores = run_scans(lib, options.workers, os.path.join(tmp, "fingerprints.sqlite"), out=out)
    out.write("\n" + format_report(lib, scores) + "\n")
    data = to_json(lib, scores)
    if options.json_path:
        save_json(data, options.json_path)
        out.write(f"Saved {options.json_path}\n")
    return data
