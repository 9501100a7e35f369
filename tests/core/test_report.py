"""The saved result file: JSON round trip, clear errors for bad files, and the CSV export."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lookalike.core.model import (
    Group,
    MatchKind,
    Member,
    ScanMode,
    ScanResult,
    ScanSummary,
    Sensitivity,
    Skipped,
    SkipReason,
    Transform,
)
from lookalike.core.report import (
    FORMAT_VERSION,
    ReportError,
    load_json,
    save_csv,
    save_json,
    to_dict,
)

HALF = Transform(scale=0.5)
EDIT = Transform(
    turn_degrees=343.0, mirrored=True, scale=0.8, first_shown=0.72, grayscale=True,
    brightness=0.08, contrast=1.2, added=0.02,
)  # fmt: skip


def _result(root: Path) -> ScanResult:
    def m(name: str, match: MatchKind, **kw: Any) -> Member:
        return Member(
            path=str(root / name),
            size=kw.pop("size", 1000),
            mtime_ns=1_700_000_000_123_456_789,
            width=kw.pop("width", 640),
            height=480,
            match=match,
            score=kw.pop("score", 1.0),
            content_hash=kw.pop("content_hash", ""),
            format="jpeg",
            **kw,
        )

    groups = (
        Group(
            1,
            (
                m(
                    "a/keep.jpg",
                    MatchKind.KEEPER,
                    content_hash="ab" * 20,
                    taken="2020:01:02 03:04:05",
                ),
                m("b/copy.jpg", MatchKind.IDENTICAL, content_hash="ab" * 20),
                m("ref/copy.jpg", MatchKind.IDENTICAL, content_hash="ab" * 20, is_reference=True),
            ),
        ),
        Group(
            7,
            (
                m("big.png", MatchKind.KEEPER, width=4000, size=9_000_000),
                m("small é.jpg", MatchKind.SAME_PICTURE, score=0.995, transform=HALF),
                m("edit.jpg", MatchKind.SIMILAR, score=0.87, transform=EDIT),
            ),
        ),
    )
    return ScanResult(
        roots=(str(root),),
        reference_roots=(str(root / "ref"),),
        mode=ScanMode.SIMILAR,
        sensitivity=Sensitivity.STRICT,
        groups=groups,
        skipped=(
            Skipped(str(root / "bad.jpg"), SkipReason.DAMAGED, "truncated at byte 100"),
            Skipped(str(root / "empty.png"), SkipReason.EMPTY),
        ),
        summary=ScanSummary(
            files=9,
            groups=2,
            duplicates=4,
            reclaimable_bytes=3000,
            skipped=2,
            skipped_by_reason={"empty file": 1, "damaged or truncated image": 1},
            decoded=6,
            cached=1,
            elapsed_s=1.25,
        ),
        selected=frozenset({str(root / "b/copy.jpg"), str(root / "edit.jpg")}),
    )


def test_json_round_trip(tmp_path: Path) -> None:
    result = _result(tmp_path)
    target = tmp_path / "out" / "result.json"
    save_json(result, target)
    assert load_json(target) == result
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["version"] == FORMAT_VERSION
    assert data["mode"] == "similar"
    assert data["sensitivity"] == "strict"
    g1 = data["groups"][0]
    assert g1["keeper"] == str(tmp_path / "a/keep.jpg")
    assert [m["match"] for m in g1["members"]] == ["keeper", "identical", "identical"]
    assert [m["selected"] for m in g1["members"]] == [False, True, False]
    assert data["skipped"][0] == {
        "path": str(tmp_path / "bad.jpg"),
        "reason": "damaged",
        "detail": "truncated at byte 100",
    }
    assert data["summary"]["reclaimable_bytes"] == 3000
    assert list(tmp_path.joinpath("out").iterdir()) == [target]  # no temporary file left
    # How each copy shows its keeper's picture travels as a "transform" object.
    edit = data["groups"][1]["members"][2]["transform"]
    assert edit["turn_degrees"] == 343.0
    assert edit["mirrored"] is True
    assert edit["first_shown"] == 0.72
    assert edit["grayscale"] is True
    assert edit["added"] == 0.02
    assert data["groups"][1]["members"][1]["transform"]["scale"] == 0.5
    assert load_json(target).groups[1].members[2].transform == EDIT


def test_a_result_without_transforms_loads_with_unchanged_copies(tmp_path: Path) -> None:
    data = to_dict(_result(tmp_path))
    for group in data["groups"]:
        for member in group["members"]:
            del member["transform"]
    target = tmp_path / "old.json"
    target.write_text(json.dumps(data), encoding="utf-8")
    assert all(m.transform == Transform() for g in load_json(target).groups for m in g.members)
    data["groups"][1]["members"][2]["transform"] = {"turn_degrees": "a lot"}
    target.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ReportError, match="turn_degrees"):
        load_json(target)


def test_save_makes_paths_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = _result(Path("rel"))
    data = to_dict(result)
    assert data["roots"] == [str(tmp_path / "rel")]
    assert data["groups"][0]["members"][1]["path"] == str(tmp_path / "rel/b/copy.jpg")
    assert data["groups"][0]["members"][1]["selected"] is True


def _saved(tmp_path: Path) -> dict[str, Any]:
    return to_dict(_result(tmp_path))


def _write(tmp_path: Path, content: str | bytes) -> Path:
    p = tmp_path / "bad.json"
    if isinstance(content, bytes):
        p.write_bytes(content)
    else:
        p.write_text(content, encoding="utf-8")
    return p


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(version=FORMAT_VERSION + 1), "newer Lookalike"),
        (lambda d: d.pop("version"), "no format version"),
        (lambda d: d.update(mode="psychic"), "unknown mode 'psychic'"),
        (lambda d: d["groups"][0]["members"][1].update(match="cousin"), "unknown match 'cousin'"),
        (lambda d: d["groups"][0]["members"][1].update(path="relative.jpg"), "is not absolute"),
        (lambda d: d["groups"][0]["members"][1].update(size="big"), "'size' has the wrong type"),
        (lambda d: d["groups"][0]["members"][1].pop("mtime_ns"), "has no 'mtime_ns'"),
        (lambda d: d["groups"][0].update(members=d["groups"][0]["members"][:1]), "fewer than two"),
        (lambda d: d["groups"][1].update(id=1), "same id"),
        (lambda d: d["groups"][0].update(keeper="/elsewhere.jpg"), "is not its first member"),
        (lambda d: d["skipped"][0].update(reason="bored"), "unknown skip reason"),
        (lambda d: d["summary"].update(files="nine"), "summary's 'files'"),
        (lambda d: d.update(roots=[3]), "folders must be text"),
        # Hand edits that used to end in a traceback, in the CLI or the window.
        (lambda d: d["groups"][0]["members"][1].update(mtime_ns=10**30), "'mtime_ns' is out of"),
        (lambda d: d["groups"][0]["members"][1].update(mtime_ns=1e30), "'mtime_ns' has the wrong"),
        (lambda d: d["groups"][0]["members"][1].update(size=-5), "'size' is out of range"),
        (lambda d: d["groups"][0]["members"][1].update(width=10**12), "'width' is out of range"),
        (lambda d: d["groups"][0].update(id=10**30), "'id' is out of range"),
        (lambda d: d["summary"].update(elapsed_s=1e308), "'elapsed_s' is out of range"),
        (lambda d: d["summary"].update(skipped_by_reason={"x": "y"}), "count of 'x'"),
        (
            lambda d: d["groups"][0]["members"][1].update(path="/photos/a\0b.jpg"),
            "contains a NUL",
        ),
        (
            lambda d: d["groups"][0]["members"][1].update(path="/photos/\ud800.jpg"),
            "no file name can hold",
        ),
        (lambda d: d["skipped"][0].update(path="/x\0"), "contains a NUL"),
    ],
)
def test_bad_files_give_clear_errors(tmp_path: Path, mutate: Any, message: str) -> None:
    data = _saved(tmp_path)
    mutate(data)
    path = _write(tmp_path, json.dumps(data))
    with pytest.raises(ReportError, match=message) as err:
        load_json(path)
    assert str(path) in str(err.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        (b"\xff\xd8\xff\xe0 a jpeg", "not text"),
        ("[1, 2, 3]", "not a Lookalike result file"),
        ('{"name": "my-package", "version": "1.0"}', "not a Lookalike result file"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"format": "lookalike-scan-result", "version": 1, "x": NaN}', "NaN is not a number"),
    ],
)
def test_foreign_files_are_refused(tmp_path: Path, content: str | bytes, message: str) -> None:
    with pytest.raises(ReportError, match=message):
        load_json(_write(tmp_path, content))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="does not exist"):
        load_json(tmp_path / "nope.json")


def test_csv_one_row_per_member(tmp_path: Path) -> None:
    result = _result(tmp_path)
    target = tmp_path / "result.csv"
    save_csv(result, target)
    with target.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 6
    assert [r["group"] for r in rows] == ["1", "1", "1", "7", "7", "7"]
    assert [r["keeper"] for r in rows] == ["yes", "no", "no", "yes", "no", "no"]
    assert [r["selected"] for r in rows] == ["no", "yes", "no", "no", "no", "yes"]
    assert rows[2]["reference"] == "yes"
    assert rows[1]["reason"] == "identical bytes"
    assert rows[4]["path"] == str(tmp_path / "small é.jpg")
    assert rows[4]["reason"] == "same picture at another size, quality or format"
    assert rows[5]["reason"] == "similar photo (87 %)"
    assert rows[4]["changes"] == "same picture, half size"
    assert "mirrored" in rows[5]["changes"]
    assert "turned 17°" in rows[5]["changes"]
    assert "grayscale" in rows[5]["changes"]
    assert rows[0]["changes"] == rows[1]["changes"] == ""
    assert rows[3]["size_bytes"] == "9000000"
    assert rows[3]["width"] == "4000"
    assert rows[0]["taken"] == "2020:01:02 03:04:05"
    assert rows[0]["content_hash"] == "ab" * 20


def test_a_result_file_that_is_a_fifo_is_refused_not_waited_for(tmp_path: Path) -> None:
    fifo = tmp_path / "result.json"
    os.mkfifo(fifo)
    with pytest.raises(ReportError, match="not a regular file"):
        load_json(fifo)


def test_a_bom_from_a_windows_editor_is_no_error(tmp_path: Path) -> None:
    text = json.dumps(_saved(tmp_path))
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert load_json(path).groups == _result(tmp_path).groups


@pytest.mark.parametrize(
    "content",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"format": "lookalike-scan-result", "version": 1, "roots": ["/p"], "mode": "similar",'
        ' "groups": [{"id": 1, "members": [{"path": "/p/a.jpg", "size": 1, "mtime_ns": 1e30,'
        ' "match": "keeper"}, {"path": "/p/b.jpg", "size": 1, "mtime_ns": 1, "match":'
        ' "identical"}]}]}',
    ],
    ids=["nested", "mtime-1e30"],
)
def test_the_cli_says_one_line_for_a_hand_edited_file(tmp_path: Path, content: str) -> None:
    path = _write(tmp_path, content)
    done = subprocess.run(
        [sys.executable, "-m", "lookalike", "clean", "--from", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"lookalike: error: {path}")
