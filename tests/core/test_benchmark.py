"""The speed benchmark users run: its table, its estimates and its command (the accuracy report
has its own tests in test_accuracy.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lookalike import cli
from lookalike.bench import speed
from tests import images


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
        ["accuracy", "--workers", "-1"],
    ],
)
def test_bad_benchmark_arguments_are_usage_errors(argv: list[str]) -> None:
    assert cli.main(argv) == cli.EXIT_USAGE
