"""What a scan finds: every copy of a picture in one group with the right keeper, and no
look-alike grouped, at each sensitivity level."""

from __future__ import annotations

from pathlib import Path

import pytest

from lookalike.core.model import (
    KeeperReason,
    MatchKind,
    ScanMode,
    ScanOptions,
    ScanResult,
    Sensitivity,
)
from lookalike.core.scan import collect_result, run_scan
from tests.core import corpus as corpus_


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> corpus_.Corpus:
    return corpus_.build(tmp_path_factory.mktemp("corpus"))


def scan(corpus: corpus_.Corpus, sensitivity: Sensitivity, **kw: object) -> ScanResult:
    options = ScanOptions(roots=(str(corpus.root),), sensitivity=sensitivity, workers=2, **kw)  # type: ignore[arg-type]
    return collect_result(options, run_scan(options))


@pytest.fixture(scope="module")
def normal(corpus: corpus_.Corpus) -> ScanResult:
    return scan(corpus, Sensitivity.NORMAL)


def group_names(result: ScanResult, corpus: corpus_.Corpus) -> list[set[str]]:
    return [{str(Path(m.path).relative_to(corpus.root)) for m in g.members} for g in result.groups]


def test_every_copy_joins_the_original_in_one_group(
    corpus: corpus_.Corpus, normal: ScanResult
) -> None:
    expected = {"original.jpg"} | {
        f"variants/{n}" for n in corpus_.STANDARD_VARIANTS + corpus_.HARDER_VARIANTS
    }
    groups = group_names(normal, corpus)
    assert groups == [expected]


def test_no_lookalike_is_grouped_at_any_level(corpus: corpus_.Corpus, normal: ScanResult) -> None:
    for result in (normal, scan(corpus, Sensitivity.LOOSE)):
        grouped = {m.path for g in result.groups for m in g.members}
        for name in corpus_.LOOKALIKES:
            assert str(corpus.lookalike(name)) not in grouped, name


def test_keeper_is_the_best_full_size_camera_jpeg_and_reasons_are_given(
    corpus: corpus_.Corpus, normal: ScanResult
) -> None:
    (group,) = normal.groups
    assert group.keeper.match is MatchKind.KEEPER
    # Every variant here was saved from the same pixels with the same camera EXIF (but the PNG
    # and no-exif.jpg): at full size and with camera data, the higher JPEG quality wins.
    assert group.keeper.path == str(corpus.variant("q95.jpg"))
    # The crops are smaller, the PNG has no camera data, gray.jpg is an edit of it (the
    # verifier says so), and the others are JPEGs of a lower quality.
    assert group.why == (
        KeeperReason.FULL_SIZE,
        KeeperReason.CAMERA_ORIGINAL,
        KeeperReason.UNEDITED,
        KeeperReason.QUALITY,
    )
    by_name = {Path(m.path).name: m for m in group.members}
    assert by_name["half.jpg"].match is MatchKind.SAME_PICTURE
    assert by_name["q50.jpg"].match is MatchKind.SAME_PICTURE
    assert by_name["mirrored.jpg"].match is MatchKind.SIMILAR
    assert by_name["crop15.jpg"].match is MatchKind.SIMILAR
    # The score is the share of the picture the two have in common: 85 % of each side is kept.
    assert by_name["crop15.jpg"].score == pytest.approx(0.85**2, abs=0.03)
    assert by_name["crop15.jpg"].transform.first_shown == pytest.approx(0.85**2, abs=0.03)
    assert by_name["mirrored.jpg"].transform.mirrored
    assert (by_name["exif-rotated.jpg"].width, by_name["exif-rotated.jpg"].height) == (1024, 768)
    assert by_name["converted.webp"].format == "WEBP"


def test_identical_copies_say_so(corpus: corpus_.Corpus) -> None:
    result = scan(corpus, Sensitivity.NORMAL, mode=ScanMode.EXACT)
    (group,) = result.groups
    assert {Path(m.path).name for m in group.members} == {"original.jpg", "copy.jpg"}
    assert group.duplicates[0].match is MatchKind.IDENTICAL
    assert group.keeper.content_hash == group.duplicates[0].content_hash != ""


def test_strict_keeps_only_close_copies(corpus: corpus_.Corpus) -> None:
    result = scan(corpus, Sensitivity.STRICT)
    (names,) = group_names(result, corpus)
    assert {"variants/copy.jpg", "variants/half.jpg", "variants/converted.webp"} <= names
    assert not {"variants/crop15.jpg", "variants/crop20.jpg"} & names


def test_rotations_can_be_turned_off(corpus: corpus_.Corpus) -> None:
    result = scan(corpus, Sensitivity.NORMAL, find_rotated=False)
    (names,) = group_names(result, corpus)
    assert "variants/exif-rotated.jpg" in names  # EXIF orientation is always honoured
    assert not {"variants/rotated90.jpg", "variants/mirrored.jpg"} & names


def test_reference_folder_supplies_the_keeper(corpus: corpus_.Corpus) -> None:
    ref = str(corpus.root / "variants")
    result = scan(corpus, Sensitivity.NORMAL, reference_roots=(ref,))
    (group,) = result.groups
    assert group.keeper.is_reference
    assert group.keeper.path.startswith(ref)
