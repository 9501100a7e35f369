"""`lookalike clean` and `lookalike undo`: a dry run by default, --yes acts, honest exit codes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from lookalike.cli import main
from lookalike.core import report
from lookalike.core.model import Group, ScanMode, ScanResult, Sensitivity
from tests import images
from tests.core.cleanup.helpers import (
    home_trash,
    identical_group,
    read_only_dir,
    read_only_possible,
    trashinfo_paths,
)

REPO = Path(__file__).resolve().parents[2]
DATA = b"\xff\xd8 jpeg-ish bytes " * 300


def _photo_tree(root: Path) -> tuple[Path, list[Path]]:
    """One real photo and two byte-identical copies in other folders, plus an unrelated photo."""
    keeper = images.save(root / "2019" / "beach.jpg", images.photo(1, 320, 240))
    copies = [root / "backup" / "beach.jpg", root / "phone" / "beach (1).jpg"]
    for c in copies:
        c.parent.mkdir(parents=True, exist_ok=True)
        c.write_bytes(keeper.read_bytes())
    # The copies must look younger than the keeper so the ranking keeps the original.
    os.utime(keeper, ns=(1_500_000_000 * 10**9, 1_500_000_000 * 10**9))
    images.save(root / "2019" / "other.jpg", images.photo(2, 320, 240))
    return keeper, copies


def _saved_result(tmp_path: Path, groups: list[Group]) -> Path:
    result = ScanResult(
        roots=(str(tmp_path),),
        reference_roots=(),
        mode=ScanMode.EXACT,
        sensitivity=Sensitivity.NORMAL,
        groups=tuple(groups),
    )
    path = tmp_path / "result.json"
    report.save_json(result, path)
    return path


def test_clean_scans_and_only_shows_by_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keeper, copies = _photo_tree(tmp_path / "photos")
    before = {p: p.read_bytes() for p in (tmp_path / "photos").rglob("*.jpg")}
    code = main(
        ["clean", "--mode", "exact", "--no-cache", "--workers", "1", str(tmp_path / "photos")]
    )
    out = capsys.readouterr().out
    assert code == 0
    for c in copies:
        assert f"would move to the trash: {c} (keeping {keeper})" in out
    assert "would trash 2" in out
    assert "Run again with --yes" in out
    assert {p: p.read_bytes() for p in (tmp_path / "photos").rglob("*.jpg")} == before
    assert not home_trash().exists()


def test_clean_yes_trashes_all_but_the_keeper_and_undo_restores(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keeper, copies = _photo_tree(tmp_path / "photos")
    data = keeper.read_bytes()
    args = ["clean", "--mode", "exact", "--no-cache", "--workers", "1", str(tmp_path / "photos")]
    assert main([*args, "--yes"]) == 0
    out = capsys.readouterr().out
    assert "trashed 2" in out
    assert "Undo with: lookalike undo" in out
    assert keeper.read_bytes() == data
    assert not any(c.exists() for c in copies)
    assert sorted(trashinfo_paths()) == ["beach (1).jpg", "beach.jpg"]

    assert main(["undo"]) == 0
    out = capsys.readouterr().out
    assert "restored 2" in out
    assert all(c.read_bytes() == data for c in copies)
    assert list((home_trash() / "files").iterdir()) == []


def test_clean_from_uses_the_saved_selection(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    g1 = identical_group(1, tmp_path / "a", ["keep.jpg", "c1.jpg", "c2.jpg"], DATA)
    g2 = identical_group(2, tmp_path / "b", ["keep.jpg", "c1.jpg"], DATA + b"2")
    saved = _saved_result(tmp_path, [g1, g2])
    data = json.loads(saved.read_text())
    data["groups"][0]["members"][2]["selected"] = True  # only a/c2.jpg from group 1
    for m in data["groups"][1]["members"]:
        m["selected"] = True  # all of group 2: must be refused
    saved.write_text(json.dumps(data))

    assert main(["clean", "--from", str(saved), "--yes"]) == 0
    out = capsys.readouterr().out
    assert not os.path.exists(g1.members[2].path)
    assert os.path.exists(g1.members[1].path)
    assert all(os.path.exists(m.path) for m in g2.members)
    assert f"skipped: {g2.members[0].path}: would remove every copy of this picture" in out


def test_clean_from_without_selection_takes_all_but_keepers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    g1 = identical_group(1, tmp_path / "a", ["keep.jpg", "c1.jpg", "c2.jpg"], DATA)
    saved = _saved_result(tmp_path, [g1])
    assert main(["clean", "--from", str(saved)]) == 0
    out = capsys.readouterr().out
    assert out.count("would move to the trash") == 2
    assert all(os.path.exists(m.path) for m in g1.members)


def test_clean_reports_changed_files_as_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    g1 = identical_group(1, tmp_path / "a", ["keep.jpg", "c1.jpg"], DATA)
    saved = _saved_result(tmp_path, [g1])
    Path(g1.members[1].path).write_bytes(b"edited after the scan")
    assert main(["clean", "--from", str(saved), "--yes"]) == 0
    out = capsys.readouterr().out
    assert "skipped" in out
    assert "changed since the scan (size" in out
    assert Path(g1.members[1].path).read_bytes() == b"edited after the scan"


def test_clean_exit_code_is_nonzero_when_a_file_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if not read_only_possible(tmp_path):
        pytest.skip("running as root without chattr +i: no real way to make a folder read-only")
    g1 = identical_group(1, tmp_path / "locked", ["keep.jpg", "c1.jpg"], DATA)
    saved = _saved_result(tmp_path, [g1])
    with read_only_dir(tmp_path / "locked"):
        code = main(["clean", "--from", str(saved), "--yes"])
    out = capsys.readouterr().out
    assert code == 1
    assert "failed 1" in out
    assert f"failed: {g1.members[1].path}: the trash refused it" in out
    assert Path(g1.members[1].path).read_bytes() == DATA


def test_clean_move_to_keeps_layout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    g1 = identical_group(1, tmp_path / "a", ["keep.jpg", "sub/c1.jpg"], DATA)
    saved = _saved_result(tmp_path, [g1])
    target = tmp_path / "aside"
    assert main(["clean", "--from", str(saved), "--move-to", str(target), "--yes"]) == 0
    assert (target / "a" / "sub" / "c1.jpg").read_bytes() == DATA
    assert not os.path.exists(g1.members[1].path)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["clean"], "give folders to scan, or --from"),
        (["clean", "--from", "/no/such/result.json"], "does not exist"),
    ],
)
def test_clean_usage_errors(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    assert message in capsys.readouterr().err


def test_clean_refuses_a_foreign_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    foreign = tmp_path / "package.json"
    foreign.write_text('{"name": "x", "version": "1.0.0"}')
    assert main(["clean", "--from", str(foreign), "--yes"]) == 2
    assert "not a Lookalike result file" in capsys.readouterr().err


def test_undo_with_nothing_to_undo(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["undo"]) == 0
    assert "There is nothing to undo." in capsys.readouterr().out


def test_python_m_app_clean_in_a_subprocess(tmp_path: Path) -> None:
    g1 = identical_group(1, tmp_path / "a", ["keep.jpg", "c1.jpg"], DATA)
    saved = _saved_result(tmp_path, [g1])
    env = {**os.environ, "PYTHONPATH": str(REPO)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "lookalike", "clean", "--from", str(saved), *args],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    dry = run()
    assert dry.returncode == 0, dry.stderr
    assert f"would move to the trash: {g1.members[1].path}" in dry.stdout
    assert os.path.exists(g1.members[1].path)
    done = run("--yes")
    assert done.returncode == 0, done.stderr
    assert not os.path.exists(g1.members[1].path)
    assert (home_trash() / "files" / "c1.jpg").read_bytes() == DATA


def test_clean_from_refuses_members_outside_the_scanned_folders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Issue 11 item 7: a hand-edited result file lists a file the scan never saw.
    photos = tmp_path / "photos"
    g1 = identical_group(1, photos, ["keep.jpg", "c1.jpg"], DATA)
    victim = identical_group(2, tmp_path / "private", ["a.jpg", "b.jpg"], DATA + b"2")
    saved = tmp_path / "result.json"
    result = ScanResult(
        roots=(str(photos),),
        reference_roots=(),
        mode=ScanMode.EXACT,
        sensitivity=Sensitivity.NORMAL,
        groups=(g1, victim),
    )
    report.save_json(result, saved)
    assert main(["clean", "--from", str(saved), "--yes"]) == 0
    out = capsys.readouterr().out
    assert not os.path.exists(g1.members[1].path)
    assert Path(victim.members[1].path).read_bytes() == DATA + b"2"
    assert f"skipped: {victim.members[1].path}: is outside the scanned folders" in out
    assert "skipped 1, trashed 1" in out


def test_ctrl_c_during_clean_yes_prints_the_tally_and_the_undo_hint(tmp_path: Path) -> None:
    # Enough files that the batch is still running when the signal comes: the child blocks on
    # its full output pipe until this test reads, so it cannot finish before the signal.
    photos = tmp_path / "photos"
    groups = [
        identical_group(i, photos / f"d{i % 20}", [f"k{i}.jpg", f"c{i}.jpg"], DATA + b"%d" % i)
        for i in range(1500)
    ]
    saved = _saved_result(photos, groups)
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    with subprocess.Popen(
        [sys.executable, "-m", "lookalike", "clean", "--from", str(saved), "--yes"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as child:
        assert child.stdout is not None
        assert child.stderr is not None
        first = child.stdout.readline()
        assert first.startswith("  trashed: ")
        child.send_signal(signal.SIGINT)
        # Read on through the same buffered stream (communicate() would skip what readline
        # buffered); the little the child writes to stderr fits its pipe meanwhile.
        out = first + child.stdout.read()
        err = child.stderr.read()
        child.wait(timeout=120)
    assert child.returncode == 130, err
    assert "stopping after the current file" in err
    trashed = [line for line in out.splitlines() if line.startswith("  trashed: ")]
    cancelled = out.count(": cancelled before it was reached")
    assert 0 < len(trashed) < len(groups)
    assert len(trashed) + cancelled == len(groups)
    assert f"trashed {len(trashed)}, skipped {cancelled}" in out
    assert "(cancelled)" in out
    assert out.rstrip().endswith("Undo with: lookalike undo")
    # The tally is the truth: exactly those files left, and undo brings them back.
    assert sum(not os.path.exists(g.members[1].path) for g in groups) == len(trashed)
    assert len(trashinfo_paths()) == len(trashed)
    undo = subprocess.run(
        [sys.executable, "-m", "lookalike", "undo"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert undo.returncode == 0, undo.stderr
    assert f"restored {len(trashed)}" in undo.stdout
    assert all(os.path.exists(g.members[1].path) for g in groups)


def test_clean_skips_a_copy_whose_keeper_now_holds_another_picture(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # An uncompressed keeper: another picture of the same size has exactly its byte count.
    root = tmp_path / "photos"
    keeper = images.save(root / "keeper.bmp", images.photo(21, 800, 600))
    copy = images.save(root / "copy.jpg", images.resize(images.photo(21, 800, 600), 0.5))
    saved = tmp_path / "result.json"
    assert main(["scan", str(root), "--no-cache", "--json", str(saved)]) == 0
    (group,) = json.loads(saved.read_text())["groups"]
    assert group["keeper"] == str(keeper)
    capsys.readouterr()

    st = keeper.stat()
    images.save(keeper, images.photo(22, 800, 600))  # overwritten after the scan...
    os.utime(keeper, ns=(st.st_atime_ns, st.st_mtime_ns))  # ...with its date put back
    assert keeper.stat().st_size == st.st_size

    assert main(["clean", "--from", str(saved), "--yes"]) == 0
    out = capsys.readouterr().out
    assert f"no longer shows the same picture as its keeper {keeper}" in out
    assert copy.exists()
