"""Any name the operating system allows, end to end: scan, cache, JSON and CSV, clean, undo and
what the terminal shows, through a real ``python -m lookalike`` with a strict UTF-8 stdout."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lookalike.core import names
from lookalike.core.report import load_json
from tests import images

ODD = b"b\xc3(.jpg"  # 0xC3 starts a two-byte UTF-8 sequence that "(" does not continue
NEWLINE = b"new\nline.jpg"
ESCAPE = b"esc\x1b[31mred.jpg"  # a terminal escape in a name must not colour the terminal


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("plain photo.jpg", "plain photo.jpg"),
        ("Ünïcødé 照片.jpg", "Ünïcødé 照片.jpg"),
        (os.fsdecode(ODD), '"b\\xc3(.jpg"'),
        (os.fsdecode(NEWLINE), '"new\\nline.jpg"'),
        (os.fsdecode(ESCAPE), '"esc\\x1b[31mred.jpg"'),
        ('say "hi"\t.jpg', '"say \\"hi\\"\\t.jpg"'),
        ("back\\slash\n.jpg", '"back\\\\slash\\n.jpg"'),
    ],
)
def test_names_are_quoted_only_when_they_are_not_plain_text(name: str, shown: str) -> None:
    assert names.quoted(name) == shown
    assert "\n" not in names.one_line(name)


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "lookalike", *args],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done


def test_a_name_that_is_not_utf8_goes_through_scan_cache_reports_clean_and_undo(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "photos"
    original = images.save(folder / "a.jpg", images.photo(71, 320, 240))
    base = os.fsencode(folder)
    for raw in (ODD, NEWLINE, ESCAPE):
        shutil.copyfile(original, base + b"/" + raw)
    (tmp_path / "odd-fakes").mkdir()
    with open(os.fsencode(tmp_path / "odd-fakes") + b"/\xff.jpg", "w") as fake:
        fake.write("not a picture")
    # The strictest terminal: any unescaped undecodable byte in the output is a crash.
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict"}
    result_json, result_csv = tmp_path / "r.json", tmp_path / "r.csv"
    roots = [str(folder), str(tmp_path / "odd-fakes")]
    for _ in range(2):  # the second one is served by the cache
        done = run(["scan", *roots, "--json", str(result_json), "--csv", str(result_csv)], env)
        assert done.returncode == 0, done.stderr
        out = done.stdout
        assert "Group 1: 4 photos" in out
        for shown in ('b\\xc3(.jpg"', 'new\\nline.jpg"', 'esc\\x1b[31mred.jpg"', '\\xff.jpg":'):
            assert shown in out
        assert "\x1b" not in out  # the escape is shown, never sent
        # One line per file: every line of the group is a member line.
        group = out.split("Group 1: 4 photos")[1].split("\n\n")[0].strip("\n").splitlines()
        assert len(group) == 5  # the header's end, then the 4 members
    wanted = {base + b"/" + raw for raw in (b"a.jpg", ODD, NEWLINE, ESCAPE)}

    # JSON: valid UTF-8 text, the undecodable byte as its surrogate's escape, read back exact.
    text = result_json.read_bytes().decode("utf-8")
    assert "\\udcc3" in text
    data = json.loads(text)
    assert {os.fsencode(m["path"]) for m in data["groups"][0]["members"]} == wanted
    assert os.fsencode(data["skipped"][0]["path"]).endswith(b"/\xff.jpg")
    loaded = load_json(result_json)
    assert {os.fsencode(m.path) for m in loaded.groups[0].members} == wanted
    # CSV: the name's own bytes.
    with open(result_csv, encoding="utf-8", errors="surrogateescape", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {os.fsencode(r["path"]) for r in rows} == wanted

    done = run(["clean", "--from", str(result_json), "--yes"], env)
    assert done.returncode == 0, done.stderr
    left = {p for p in wanted if os.path.lexists(p)}
    assert len(left) == 1  # the keeper; the three others are in the trash
    trash = Path(os.environ["XDG_DATA_HOME"]) / "Trash"
    assert len(list((trash / "files").iterdir())) == 3
    assert "Undo with: lookalike undo" in done.stdout
    done = run(["undo"], env)
    assert done.returncode == 0, done.stderr + done.stdout
    assert all(os.path.lexists(p) for p in wanted)
    assert list((trash / "files").iterdir()) == []
