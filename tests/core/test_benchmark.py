"""The benchmarks users run: scoring of the accuracy report, the speed table, and their commands."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lookalike import cli
from lookalike.bench import accuracy, speed
from lookalike.core.model import (
    Group,
    MatchKind,
    Member,
    ScanMode,
    ScanResult,
    ScanSummary,
    Sensitivity,
)
from tests import images


def _member(name: str) -> Member:
    return Member(f"/set/{name}", 1, 1, 10, 10, MatchKind.SIMILAR, 1.0)


def _result(*groups: tuple[str, ...]) -> ScanResult:
    return ScanResult(
        roots=("/set",),
        reference_roots=(),
        mode=ScanMode.SIMILAR,
        sensitivity=Sensitivity.NORMAL,
        groups=tuple(Group(i, tuple(_member(p) for p in g)) for i, g in enumerate(groups)),
        skipped=(),
        summary=ScanSummary(),
    )


def _tiny_set() -> accuracy.LabelledSet:
    def item(name: str, picture: str, scene: str, kind: str, offset: float = 0.0) -> accuracy.Item:
        return accuracy.Item(f"/set/{name}", picture, scene, kind, offset)

    return accuracy.LabelledSet(
        "/set",
        "hand-made",
        (
            item("a0", "a", "a", accuracy.ORIGINAL),
            item("a1", "a", "a", "JPEG q50"),
            item("a2", "a", "a", "crop 20 %"),
            item("b0", "b", "b", accuracy.ORIGINAL),
            item("b1", "b", "b", "JPEG q50"),
            item("v0", "s-0", "s", "view", 0.0),
            item("v1", "s-5", "s", "view", 0.05),
        ),
    )


def test_scores_count_pairs_against_the_labels() -> None:
    # True pairs: a0-a1, a0-a2, a1-a2, b0-b1 (4). The scan finds a0-a1 and b0-b1, misses a2,
    # and wrongly groups the two shifted views and b1 with a0... as one group (a0, a1, b1).
    result = _result(("a0", "a1", "b1"), ("b0", "b1"), ("v0", "v1"))
    s = accuracy.score(_tiny_set(), result)
    # Predicted pairs: a0-a1, a0-b1, a1-b1, b0-b1, v0-v1.
    assert (s.true_positives, s.false_positives, s.false_negatives) == (2, 3, 2)
    assert s.precision == pytest.approx(2 / 5)
    assert s.recall == pytest.approx(2 / 4)
    assert s.f1 == pytest.approx(2 * 0.4 * 0.5 / 0.9)
    assert s.variant_recall["JPEG q50"] == accuracy.Found(2, 2)
    assert s.variant_recall["crop 20 %"] == accuracy.Found(0, 1)
    assert s.missed == ("a: crop 20 %",)
    assert s.false_matches["views shifted by 10 %"] == accuracy.Found(1, 1)
    assert s.false_matches[accuracy.DIFFERENT_PHOTOS].matched == 2
    assert "views shifted by 10 %: v0 ~ v1" in s.wrong
    assert len(s.wrong) == s.false_positives


def test_a_perfect_scan_scores_one_and_an_empty_one_has_no_recall() -> None:
    perfect = accuracy.score(_tiny_set(), _result(("a0", "a1", "a2"), ("b0", "b1")))
    assert (perfect.precision, perfect.recall, perfect.f1) == (1.0, 1.0, 1.0)
    empty = accuracy.score(_tiny_set(), _result())
    assert empty.recall == 0.0
    assert empty.precision == 1.0  # nothing claimed, nothing wrong
    assert empty.f1 == 0.0


def test_pair_labels_leave_out_a_photo_against_views_cut_from_it() -> None:
    item = accuracy.Item
    photo = item("p", "p", "p", accuracy.ORIGINAL)
    far = item("v2", "p-50", "p", "view", 0.5)
    near = item("v0", "p-0", "p", "view", 0.0)
    assert accuracy.pair_label(photo, far) is None
    assert accuracy.pair_label(near, far) == "neighbouring crops (50–100 % apart)"
    assert accuracy.pair_label(near, item("v1", "p-10", "p", "view", 0.1)) == (
        "views shifted by 20 %"
    )


def test_accuracy_run_on_a_small_generated_set(tmp_path: Path) -> None:
    labelled = accuracy.build_generated_set(
        tmp_path / "set", originals=1, scenes=1, size=(480, 360)
    )
    kinds = [i.kind for i in labelled.items]
    assert kinds.count(accuracy.ORIGINAL) == 1
    assert kinds.count("view") == len(accuracy.VIEW_OFFSETS)
    assert all(Path(i.path).is_file() for i in labelled.items)

    scores = accuracy.run_accuracy(labelled, workers=1, cache_dir=str(tmp_path))
    assert [s.sensitivity for s in scores] == ["strict", "normal", "loose"]
    normal = scores[1]
    # The plain copies are the floor any level must reach.
    for kind in ("byte copy", "JPEG q95", "resize 50 %", "PNG"):
        assert normal.variant_recall[kind] == accuracy.Found(1, 1), kind
    assert sum(f.total for f in normal.variant_recall.values()) == len(accuracy.VARIANTS)
    data = accuracy.to_json(labelled, scores)
    json.dumps(data)  # serialisable
    assert data["levels"]["normal"]["recall_by_variant"]["PNG"]["recall"] == 1.0
    text = accuracy.format_report(labelled, scores)
    assert "| sensitivity | precision | recall | F1 |" in text
    assert "| crop 3 % |" in text


@pytest.fixture(scope="module")
def small_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bench")
    for i in range(6):
        images.save(folder / f"p{i}.jpg", images.photo(i, 320, 240))
    images.save(folder / "copy.png", images.photo(0, 320, 240))
    (folder / "notes.txt").write_text("not an image")
    # What real folders hold too: the benchmark must measure around them, not stop.
    images.write_fake(folder / "fake.jpg")
    images.write_truncated(folder / "cut.jpg", images.photo(9, 320, 240))
    return folder


def test_speed_run_measures_every_method_and_estimates_the_naive_beyond_the_cap(
    small_folder: Path,
) -> None:
    report = speed.run_bench(str(small_folder), sizes=[3, 9, 50], workers=2, naive_max=3)
    assert report.files_available == 9
    assert sorted({t.files for t in report.timings}) == [3, 9]  # 50 is more than there is
    for n in (3, 9):
        assert {t.method for t in report.timings if t.files == n} == set(speed.METHODS)
    estimated = {(t.method, t.files) for t in report.timings if t.estimated}
    assert estimated == {(speed.NAIVE_PIXELS, 9), (speed.NAIVE_HISTOGRAMS, 9)}
    assert all(t.seconds > 0 and t.cpu_seconds >= 0 for t in report.timings)
    serial = report.timing(speed.SERIAL, 9)
    assert serial is not None
    assert report.speedup(serial) == pytest.approx(1.0)

    table = speed.format_table(report)
    assert table.splitlines()[0].startswith("| files | method | seconds | files/s |")
    assert len([ln for ln in table.splitlines() if ln.startswith("| 9 |")]) == len(speed.METHODS)
    assert "\\* estimated" in table
    projected = dict(speed.projection(report, 1000))
    assert set(projected) == set(speed.METHODS)


def test_naive_estimate_is_linear_decoding_plus_quadratic_pairs() -> None:
    costs = speed.NaiveCosts(load_s=0.5, load_cpu=0.4, pixel_pair_s=0.001, histogram_pair_s=0.01)
    pixels, hists = speed.naive_estimate(costs, 101)
    pairs = 101 * 100 // 2
    assert pixels.seconds == pytest.approx(50.5 + 0.001 * pairs)
    assert hists.seconds == pytest.approx(50.5 + 0.01 * pairs)
    assert pixels.estimated
    assert hists.estimated


def test_naive_comparisons_are_zero_for_the_same_picture_only(tmp_path: Path) -> None:
    one = images.save(tmp_path / "one.jpg", images.photo(1, 160, 120))
    other = images.save(tmp_path / "other.jpg", images.photo(2, 160, 120))
    first, second = speed.naive_load(str(one)), speed.naive_load(str(other))
    assert first is not None
    assert second is not None
    (thumb1, hist1), (thumb2, hist2) = first, second
    assert thumb1.shape == (speed.NAIVE_EDGE_PX, speed.NAIVE_EDGE_PX)
    assert len(hist1) == 768  # 256 bins per RGB channel
    assert speed.pixel_difference(thumb1, thumb1) == 0.0
    assert speed.pixel_difference(thumb1, thumb2) > 1.0
    assert speed.histogram_rms(hist1, hist2) > 0.0
    assert speed.histogram_rms(hist1, hist1) == 0.0
    assert speed.histogram_rms([0, 0], [3, 4]) == pytest.approx((25 / 2) ** 0.5)
    assert speed.naive_load(str(images.write_fake(tmp_path / "fake.jpg"))) is None


def test_default_sizes_double_up_to_the_whole_folder() -> None:
    assert speed.default_sizes(50) == [50]
    assert speed.default_sizes(500) == [100, 200, 400, 500]
    assert speed.default_sizes(0) == []


def test_cpu_time_counts_worker_processes() -> None:
    before = speed.tree_cpu_seconds()
    burn = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.3: pass\n"
    subprocess.run([sys.executable, "-c", burn], check=True)
    # The child's CPU time is counted although this process stayed idle meanwhile.
    assert speed.tree_cpu_seconds() - before >= 0.2


def test_bench_command_prints_the_table_and_saves_json_and_plot(
    small_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("matplotlib")
    out_json, plot = tmp_path / "bench.json", tmp_path / "bench.png"
    argv = ["bench", str(small_folder), "--sizes", "4", "--workers", "1", "--naive-max", "2"]
    code = cli.main([*argv, "--json", str(out_json), "--plot", str(plot)])
    assert code == cli.EXIT_OK
    text = capsys.readouterr().out
    assert "| files | method |" in text
    assert "Projected to 10,000 files" in text
    data = json.loads(out_json.read_text())
    assert data["workers"] == 1
    assert {row["method"] for row in data["timings"]} == set(speed.METHODS)
    assert plot.read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    "argv",
    [
        ["bench", "/no/such/folder"],
        ["accuracy", "--originals", "0"],
        ["accuracy", "--photos", "/no/such/photo.jpg"],
    ],
)
def test_bad_benchmark_arguments_are_usage_errors(argv: list[str]) -> None:
    assert cli.main(argv) == cli.EXIT_USAGE
