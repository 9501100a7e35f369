"""The command line: arguments, output, result files, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lookalike.cli import main
from tests import images


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    img = images.photo(11, 400, 300)
    images.save(tmp_path / "a.jpg", img)
    images.save(tmp_path / "b.png", img)
    images.save(tmp_path / "c.jpg", images.photo(12, 400, 300))
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8\xff")
    return tmp_path


def test_scan_prints_groups_and_saves_json(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_json = tmp_path / "result.json"
    code = main(["scan", str(folder), "--no-cache", "--json", str(out_json)])
    printed = capsys.readouterr().out
    assert code == 0
    assert "Group 1: 2 photos · " in printed
    assert "keeper" in printed
    assert str(folder / "b.png") in printed
    assert "broken.jpg" in printed
    data = json.loads(out_json.read_text())
    assert data["version"] == 1
    (group,) = data["groups"]
    # The JPEG has the camera's EXIF, its PNG conversion none: the camera original is kept.
    assert group["keeper"] == str(folder / "a.jpg")
    assert {m["match"] for m in group["members"]} == {"keeper", "same-picture"}
    assert data["skipped"][0]["path"] == str(folder / "broken.jpg")


def test_each_copy_says_what_changed(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    images.save(folder / "d.jpg", images.mirror(images.photo(12, 400, 300)))
    out_json = tmp_path / "result.json"
    assert main(["scan", str(folder), "--no-cache", "--json", str(out_json)]) == 0
    printed = capsys.readouterr().out
    assert f"{folder / 'a.jpg'} (400×300, " in printed
    assert "): re-saved as PNG\n" in printed  # the camera JPEG is kept, its PNG goes
    assert f"{folder / 'd.jpg'} (400×300, " in printed
    assert "): mirrored\n" in printed
    groups = json.loads(out_json.read_text())["groups"]
    (mirrored,) = (g for g in groups if g["keeper"] == str(folder / "c.jpg"))
    assert [m["transform"]["mirrored"] for m in mirrored["members"]] == [False, True]


def test_exact_mode_finds_nothing_here(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", str(folder), "--mode", "exact", "--no-cache"]) == 0
    assert "0 groups" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["scan", "/no/such/folder"], "not found: /no/such/folder"),
        (["scan", ".", "--workers", "-1"], "--workers"),
    ],
)
def test_bad_arguments_give_one_clear_line(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_python_m_app_runs_the_cli(folder: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lookalike", "scan", str(folder), "--no-cache", "--workers", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "1 group," in done.stdout


def test_command_list_matches_the_parser() -> None:
    import argparse

    from lookalike.cli import COMMANDS, build_parser

    (sub,) = (a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert set(sub.choices) == COMMANDS
