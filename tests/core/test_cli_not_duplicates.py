"""``lookalike not-duplicates`` and the scan's honouring of it, through the real CLI in a
subprocess with its own data folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests import images


def run(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_DATA_HOME": str(home / "data"), "XDG_CACHE_HOME": str(home / "c")}
    return subprocess.run(
        [sys.executable, "-m", "lookalike", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_marked_files_are_not_grouped_until_forgotten(tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    img = images.photo(21, 400, 300)
    a = images.save(photos / "a.jpg", img, quality=95)
    b = images.save(photos / "b.jpg", images.resize(img, 0.5))
    c = images.save(photos / "c.jpg", img, quality=70)

    scanned = run("scan", str(photos), "--workers", "1", home=tmp_path)
    assert scanned.returncode == 0, scanned.stderr
    assert "Group 1: 3 photos" in scanned.stdout

    added = run("not-duplicates", "add", str(a), str(b), home=tmp_path)
    assert added.returncode == 0, added.stderr
    assert "a.jpg and b.jpg are not duplicates" in added.stdout
    memory = tmp_path / "data" / "lookalike" / "not-duplicates.json"
    assert memory.exists()

    listed = run("not-duplicates", "list", home=tmp_path)
    assert "   1  " in listed.stdout
    assert str(b) in listed.stdout
    assert "1 choice remembered" in listed.stdout

    honoured = run("scan", str(photos), "--workers", "1", home=tmp_path)
    assert honoured.returncode == 0, honoured.stderr
    assert "Group 1: 2 photos" in honoured.stdout  # a and c; b stays apart from a
    group = honoured.stdout.split("Group 1:")[1].split("\n\n")[0]
    assert not (str(a) in group and str(b) in group)
    assert str(c) in group

    ignored = run("scan", str(photos), "--workers", "1", "--ignore-not-duplicates", home=tmp_path)
    assert "Group 1: 3 photos" in ignored.stdout

    other = tmp_path / "other.json"
    elsewhere = run("scan", str(photos), "--not-duplicates", str(other), home=tmp_path)
    assert "Group 1: 3 photos" in elsewhere.stdout  # an empty memory file of its own

    missing = run("not-duplicates", "forget", "7", home=tmp_path)
    assert missing.returncode == 2
    assert "no such choice: 7" in missing.stderr
    forgot = run("not-duplicates", "forget", "1", home=tmp_path)
    assert forgot.returncode == 0
    assert "1 choice forgotten" in forgot.stdout
    assert "Group 1: 3 photos" in run("scan", str(photos), home=tmp_path).stdout

    run("not-duplicates", "add", str(a), str(b), str(c), home=tmp_path)
    assert "Group 1" not in run("scan", str(photos), home=tmp_path).stdout
    cleared = run("not-duplicates", "clear", home=tmp_path)
    assert "1 choice forgotten" in cleared.stdout
    assert "0 choices remembered" in run("not-duplicates", "list", home=tmp_path).stdout
