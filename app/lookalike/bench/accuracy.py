"""The accuracy report behind ``lookalike accuracy``: how well the scan matches, on a labelled set.

The set holds originals (generated photo-like pictures, or real photographs), the copies a photo
collection accumulates (re-encodes, resizes, conversions, EXIF rotations, crops, brightness,
grayscale, rotations, mirror images), and look-alikes that must not match (different photos,
overlapping views of one wider scene). The real scan runs at each sensitivity; every pair of
files is then scored against the labels: a pair is "the same picture" when both files come from
the same original. Groups are read as "every member is the same picture as every other".
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import cv2

from lookalike.bench import photos
from lookalike.bench.photos import Bgr
from lookalike.core.model import ScanOptions, ScanResult, Sensitivity
from lookalike.core.scan import collect_result, run_scan

ORIGINAL = "original"
GENERATED_EDGE_PX = (1280, 960)  # generated originals: a typical downsized camera photo
PHOTO_MAX_EDGE_PX = 2048  # real photos are brought to this long side to keep the run short
VIEW_WIDTH = 0.5  # look-alike views: half the width of their wide scene
# Offsets of the views of one scene, in scene widths. Between two views the shift is their
# offset difference over VIEW_WIDTH: 10 %, 20 %, 30–40 % of a view (overlapping views of the
# same place, like two shots of a panning camera), and 50–100 % (neighbouring crops).
VIEW_OFFSETS = (0.0, 0.05, 0.10, 0.25, 0.5)

Writer = Callable[[Bgr, Path, Path], Path]  # (picture, original file, target stem) -> written


def _jpeg(quality: int) -> Writer:
    return lambda img, _orig, stem: photos.save(stem.with_suffix(".jpg"), img, quality=quality)


def _edited(edit: Callable[[Bgr], Bgr]) -> Writer:
    return lambda img, _orig, stem: photos.save(stem.with_suffix(".jpg"), edit(img))


def _copy(_img: Bgr, original: Path, stem: Path) -> Path:
    target = stem.with_suffix(original.suffix)
    shutil.copyfile(original, target)
    return target


# Variant type -> how it is written. Names are what the report prints.
VARIANTS: dict[str, Writer] = {
    "byte copy": _copy,
    "JPEG q50": _jpeg(50),
    "JPEG q75": _jpeg(75),
    "JPEG q95": _jpeg(95),
    "resize 50 %": _edited(lambda im: photos.resize(im, 0.5)),
    "resize 25 %": _edited(lambda im: photos.resize(im, 0.25)),
    "long side 800 px": _edited(lambda im: photos.resize_long_side(im, 800)),
    "PNG": lambda img, _o, stem: photos.save(stem.with_suffix(".png"), img),
    "WebP": lambda img, _o, stem: photos.save(stem.with_suffix(".webp"), img, quality=85),
    "EXIF rotation (pixels turned + tag)": lambda img, _o, stem: photos.save(
        stem.with_suffix(".jpg"), img, orientation=6
    ),
    "crop 3 %": _edited(lambda im: photos.crop_border(im, 0.03)),
    "brightness +10 %": _edited(lambda im: photos.brightness(im, 1.1)),
    "brightness -10 %": _edited(lambda im: photos.brightness(im, 0.9)),
    "grayscale": _edited(photos.grayscale),
    "rotated 90°": _edited(photos.rotate90),
    "mirror image": _edited(photos.mirror),
    "crop 10 %": _edited(lambda im: photos.crop_border(im, 0.10)),
    "crop 15 %": _edited(lambda im: photos.crop_border(im, 0.15)),
    "crop 20 %": _edited(lambda im: photos.crop_border(im, 0.20)),
}

DIFFERENT_PHOTOS = "different photos"


@dataclass(frozen=True, slots=True)
class Item:
    """One file of the labelled set."""

    path: str
    picture: str  # files with the same picture are the same photo
    scene: str  # views cut from one wider scene share it
    kind: str  # ORIGINAL, a VARIANTS key, or "view"
    offset: float = 0.0  # views: where the view starts in its scene, in scene widths


@dataclass(frozen=True, slots=True)
class LabelledSet:
    root: str
    source: str  # "generated" or how many photos
    items: tuple[Item, ...]
    photos: tuple[str, ...] = ()  # the real photographs used as originals


def _view_shift_category(a: Item, b: Item) -> str:
    shift = abs(a.offset - b.offset) / VIEW_WIDTH
    if shift < 0.15:
        return "views shifted by 10 %"
    if shift < 0.25:
        return "views shifted by 20 %"
    if shift < 0.45:
        return "views shifted by 30–40 %"
    return "neighbouring crops (50–100 % apart)"


def pair_label(a: Item, b: Item) -> str | None:
    """``"same"`` for a true pair, the look-alike category for a pair that must not match, or
    None for a pair the report leaves out (a real photo and a half-width view cut from it)."""
    if a.picture == b.picture:
        return "same"
    if a.scene != b.scene:
        return DIFFERENT_PHOTOS
    if a.kind == "view" and b.kind == "view":
        return _view_shift_category(a, b)
    return None


def _write_family(root: Path, name: str, img: Bgr, scene: str) -> list[Item]:
    """The original and all its variants."""
    original = photos.save(root / name / f"{ORIGINAL}.jpg", img, quality=92)
    items = [Item(str(original), name, scene, ORIGINAL)]
    for i, (kind, writer) in enumerate(VARIANTS.items()):
        path = writer(img, original, root / name / f"v{i:02d}")
        items.append(Item(str(path), name, scene, kind))
    return items


def _write_views(root: Path, scene_name: str, scene: Bgr) -> list[Item]:
    items = []
    for offset in VIEW_OFFSETS:
        name = f"{scene_name}-view{round(offset * 100):03d}"
        path = photos.save(
            root / scene_name / f"{name}.jpg", photos.window(scene, offset, VIEW_WIDTH)
        )
        items.append(Item(str(path), name, scene_name, "view", offset))
    return items


def build_generated_set(
    root: Path,
    originals: int = 16,
    scenes: int = 4,
    seed: int = 1,
    size: tuple[int, int] = GENERATED_EDGE_PX,
) -> LabelledSet:
    """Photo-like originals with every variant, plus views of wide generated scenes."""
    items: list[Item] = []
    width, height = size
    for i in range(originals):
        # Every fourth picture is portrait, as in a real camera roll.
        w, h = (height, width) if i % 4 == 3 else (width, height)
        name = f"photo{i:03d}"
        items += _write_family(root / "photos", name, photos.photo(seed + i, w, h), name)
    for i in range(scenes):
        scene = photos.photo(seed + 5000 + i, 2 * width, height)
        items += _write_views(root / "scenes", f"scene{i:02d}", scene)
    return LabelledSet(str(root), "generated", tuple(items))


def build_photo_set(root: Path, sources: Sequence[str]) -> LabelledSet:
    """Real photographs as originals, each with every variant and views cut from it.

    A half-width view of a photo is a different picture from the photo; pairs between a photo's
    copies and views of it are left out of the scores (neither must nor must-not match).
    """
    items: list[Item] = []
    for i, source in enumerate(sources):
        img = cv2.imread(source, cv2.IMREAD_COLOR)
        if img is None:
            raise ValueError(f"not a readable image: {source}")
        if max(img.shape[:2]) > PHOTO_MAX_EDGE_PX:
            img = photos.resize_long_side(img, PHOTO_MAX_EDGE_PX)
        name = f"real{i:03d}"
        items += _write_family(root / "photos", name, img, name)
        items += _write_views(root / "views", name, img)
    return LabelledSet(str(root), f"{len(sources)} real photos", tuple(items), tuple(sources))


def photo_sources(paths: Iterable[str]) -> list[str]:
    """Files named directly, plus the image files directly inside named folders."""
    found: list[str] = []
    for p in paths:
        if os.path.isdir(p):
            for entry in sorted(os.listdir(p)):
                if os.path.splitext(entry)[1].lower() in (".jpg", ".jpeg", ".png", ".webp"):
                    found.append(os.path.join(p, entry))
        else:
            found.append(p)
    return found


# --- scoring ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Found:
    """How many of a kind of pair the scan matched."""

    matched: int
    total: int

    @property
    def rate(self) -> float:
        return self.matched / self.total if self.total else 0.0


@dataclass(frozen=True, slots=True)
class LevelScore:
    """The scores of one sensitivity level."""

    sensitivity: str
    true_positives: int
    false_positives: int
    false_negatives: int
    variant_recall: dict[str, Found]  # variant type -> found with its original
    false_matches: dict[str, Found]  # look-alike category -> pairs wrongly matched
    missed: tuple[str, ...] = field(default=())  # "picture: variant" never found
    wrong: tuple[str, ...] = field(default=())  # "category: file ~ file" wrongly matched
    skipped: int = 0

    @property
    def precision(self) -> float:
        predicted = self.true_positives + self.false_positives
        return self.true_positives / predicted if predicted else 1.0

    @property
    def recall(self) -> float:
        actual = self.true_positives + self.false_negatives
        return self.true_positives / actual if actual else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def predicted_pairs(result: ScanResult) -> set[frozenset[str]]:
    """Every pair of files that share a group."""
    pairs: set[frozenset[str]] = set()
    for group in result.groups:
        for a, b in itertools.combinations((m.path for m in group.members), 2):
            pairs.add(frozenset((a, b)))
    return pairs


def _short(labelled: LabelledSet, item: Item) -> str:
    return os.path.relpath(item.path, labelled.root)


def score(labelled: LabelledSet, result: ScanResult) -> LevelScore:
    """Compare a scan's groups with the labels, pair by pair."""
    predicted = predicted_pairs(result)
    tp = fp = fn = 0
    negatives: dict[str, list[int]] = {}
    wrong: list[str] = []
    for a, b in itertools.combinations(labelled.items, 2):
        label = pair_label(a, b)
        if label is None:
            continue
        hit = frozenset((a.path, b.path)) in predicted
        if label == "same":
            tp += hit
            fn += not hit
        else:
            fp += hit
            if hit:
                wrong.append(f"{label}: {_short(labelled, a)} ~ {_short(labelled, b)}")
            counts = negatives.setdefault(label, [0, 0])
            counts[0] += hit
            counts[1] += 1
    originals = {i.picture: i.path for i in labelled.items if i.kind == ORIGINAL}
    by_kind: dict[str, list[int]] = {kind: [0, 0] for kind in VARIANTS}
    missed = []
    for item in labelled.items:
        if item.kind in VARIANTS:
            hit = frozenset((originals[item.picture], item.path)) in predicted
            by_kind[item.kind][0] += hit
            by_kind[item.kind][1] += 1
            if not hit:
                missed.append(f"{item.picture}: {item.kind}")
    return LevelScore(
        sensitivity=result.sensitivity.value,
        true_positives=tp,
        false_positives=fp,
        false_negatives=fn,
        variant_recall={k: Found(*v) for k, v in by_kind.items() if v[1]},
        false_matches={k: Found(*v) for k, v in sorted(negatives.items())},
        missed=tuple(missed),
        wrong=tuple(wrong),
        skipped=len(result.skipped),
    )


def run_accuracy(
    labelled: LabelledSet, workers: int = 0, cache_dir: str | None = None
) -> list[LevelScore]:
    """Scan the set at every sensitivity and score each result.

    With ``cache_dir`` the fingerprints computed by the first level serve the others.
    """
    scores = []
    cache = os.path.join(cache_dir, "fingerprints.sqlite") if cache_dir else None
    for sensitivity in Sensitivity:
        options = ScanOptions(
            roots=(labelled.root,), sensitivity=sensitivity, workers=workers, cache_path=cache
        )
        scores.append(score(labelled, collect_result(options, run_scan(options))))
    return scores


# --- reporting ----------------------------------------------------------------------------


def to_json(labelled: LabelledSet, scores: Sequence[LevelScore]) -> dict[str, Any]:
    kinds: dict[str, int] = {}
    for item in labelled.items:
        kinds[item.kind] = kinds.get(item.kind, 0) + 1
    return {
        "set": {
            "source": labelled.source,
            "photos": list(labelled.photos),
            "files": len(labelled.items),
            "originals": kinds.get(ORIGINAL, 0),
            "views": kinds.get("view", 0),
            "files_by_kind": kinds,
        },
        "levels": {
            s.sensitivity: {
                "precision": round(s.precision, 4),
                "recall": round(s.recall, 4),
                "f1": round(s.f1, 4),
                "true_positive_pairs": s.true_positives,
                "false_positive_pairs": s.false_positives,
                "false_negative_pairs": s.false_negatives,
                "skipped_files": s.skipped,
                "recall_by_variant": {
                    k: {"found": f.matched, "of": f.total, "recall": round(f.rate, 4)}
                    for k, f in s.variant_recall.items()
                },
                "false_matches_by_lookalike": {
                    k: {"matched": f.matched, "of": f.total, "rate": round(f.rate, 4)}
                    for k, f in s.false_matches.items()
                },
                "missed": list(s.missed),
                "wrongly_matched": list(s.wrong),
            }
            for s in scores
        },
    }


def save_json(data: dict[str, Any], path: str) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2, ensure_ascii=False)
        f.write("\n")


def _count_table(
    title: str,
    first_column: str,
    rows: list[str],
    counts: list[dict[str, Found]],
    levels: list[str],
) -> list[str]:
    """A Markdown table of matched/total counts: one row per key, one column per level."""
    lines = ["", title, "", f"| {first_column} | " + " | ".join(levels) + " |"]
    lines.append("|---|" + "---:|" * len(levels))
    for key in rows:
        cells = [f"{c[key].matched}/{c[key].total}" if key in c else "–" for c in counts]
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    return lines


def format_report(labelled: LabelledSet, scores: Sequence[LevelScore]) -> str:
    """Markdown tables: pairwise scores per level, recall per variant, look-alike matches."""
    originals = sum(1 for i in labelled.items if i.kind == ORIGINAL)
    views = sum(1 for i in labelled.items if i.kind == "view")
    levels = [s.sensitivity for s in scores]
    lines = [
        f"Labelled set ({labelled.source}): {len(labelled.items)} files = {originals} originals"
        f" × (1 + {len(VARIANTS)} variants) + {views} look-alike views",
        "",
        "| sensitivity | precision | recall | F1 | true pairs found | false pairs | missed pairs |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for s in scores:
        lines.append(
            f"| {s.sensitivity} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} |"
            f" {s.true_positives} | {s.false_positives} | {s.false_negatives} |"
        )
    categories = sorted({c for s in scores for c in s.false_matches})
    lines += _count_table(
        "Recall per variant (found in the same group as its original):",
        "variant",
        list(VARIANTS),
        [s.variant_recall for s in scores],
        levels,
    )
    lines += _count_table(
        "Look-alikes wrongly matched (pairs that must not share a group):",
        "look-alike pairs",
        categories,
        [s.false_matches for s in scores],
        levels,
    )
    return "\n".join(lines)


def report(
    labelled: LabelledSet, workers: int, cache_dir: str | None, out: TextIO
) -> dict[str, Any]:
    """Run, print and return the JSON-ready report of one labelled set."""
    scores = run_accuracy(labelled, workers, cache_dir)
    out.write(format_report(labelled, scores) + "\n")
    return to_json(labelled, scores)


def run_command(
    photo_paths: Sequence[str],
    originals: int,
    workers: int,
    json_path: str | None,
    keep: str | None,
    out: TextIO,
) -> dict[str, Any]:
    """``lookalike accuracy``: the generated set, plus real photos when given.

    Args:
        photo_paths: photographs (or folders of them) to use as originals in a second run.
        originals: how many generated originals.
        keep: write the sets under this folder and leave them there (default: a temporary
            folder, removed afterwards).
    """
    base = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="lookalike-accuracy-"))
    data: dict[str, Any] = {}
    try:
        out.write(f"Writing the generated set ({originals} originals)...\n")
        out.flush()
        generated = build_generated_set(base / "generated", originals)
        data["generated"] = report(generated, workers, str(base / "generated-cache"), out)
        sources = photo_sources(photo_paths)
        if sources:
            out.write(f"\nWriting the set of {len(sources)} real photos...\n")
            out.flush()
            real = build_photo_set(base / "photos", sources)
            data["photos"] = report(real, workers, str(base / "photos-cache"), out)
    finally:
        if not keep:
            shutil.rmtree(base, ignore_errors=True)
    if json_path:
        save_json(data, json_path)
        out.write(f"Saved {json_path}\n")
    return data
