"""``lookalike --self-test``: a real scan of generated photos through the process pool."""

from __future__ import annotations

import io
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from lookalike import __version__, selftest

ROOT = Path(__file__).resolve().parents[2]


def test_self_test_passes_and_reports_the_groups() -> None:
    out = io.StringIO()
    assert selftest.run_self_test(out) == 0
    report = out.getvalue()
    assert report.startswith(f"Lookalike {__version__} self-test")
    assert "OK: 2 groups found as expected" in report
    assert "holiday-small.jpg" in report
    assert "unrelated.jpg" not in report
    assert f"numpy {metadata.version('numpy')}" in report


def test_self_test_fails_without_package_metadata(monkeypatch: pytest.MonkeyPatch) -> None:
    # A bundle without the packages' .dist-info folders: imports work, About shows no versions.
    real = metadata.version

    def version(distribution: str) -> str:
        if distribution == "pillow":
            raise metadata.PackageNotFoundError(distribution)
        return real(distribution)

    monkeypatch.setattr(metadata, "version", version)
    out = io.StringIO()
    assert selftest.run_self_test(out) == 1
    assert "FAIL: no package metadata for pillow" in out.getvalue()


def test_generated_photos_are_what_the_expected_groups_name(tmp_path: Path) -> None:
    expected = selftest.make_photos(tmp_path)
    files = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    grouped = set().union(*expected)
    assert grouped < files
    assert files - grouped == {"unrelated.jpg"}
    assert (tmp_path / "holiday.jpg").read_bytes() == (
        tmp_path / "backup" / "holiday.jpg"
    ).read_bytes()


def test_self_test_fails_when_the_scan_disagrees(monkeypatch: pytest.MonkeyPatch) -> None:
    # Claim the unrelated photo belongs to the second group: a correct engine will not put it
    # there, so the self-test must notice and fail.
    make_photos = selftest.make_photos

    def wrong_expectation(folder: Path) -> list[frozenset[str]]:
        first, second = make_photos(folder)
        return [first, second | {"unrelated.jpg"}]

    monkeypatch.setattr(selftest, "make_photos", wrong_expectation)
    out = io.StringIO()
    assert selftest.run_self_test(out) == 1
    report = out.getvalue()
    assert "FAIL: expected but not found" in report
    assert "FAIL: found but not expected" in report


def test_command_line_runs_the_self_test() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lookalike", "--self-test"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "OK: 2 groups found as expected" in done.stdout


def test_command_line_prints_the_version() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lookalike", "--version"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert done.stdout.strip() == f"lookalike {__version__}"
