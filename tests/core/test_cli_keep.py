"""`--keep RULE[,RULE…]` on `lookalike scan` and `lookalike clean`, through the real entry point,
and the saved result remembering the keeper, its reasons and each member's proof."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from lookalike.core import ranking, report
from lookalike.core.model import KeeperReason, Rule
from tests import images

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def photos(tmp_path: Path) -> Path:
    """One picture three ways: the camera JPEG, its PNG conversion and a half-size copy."""
    root = tmp_path / "photos"
    img = images.photo(61, 480, 360)
    images.save(root / "DCIM" / "IMG_0061.JPG", img, camera="Canon EOS 80D")
    images.save(root / "Desktop" / "img_0061.png", img, taken=None, camera=None)
    images.save(root / "small" / "IMG_0061.jpg", images.resize(img, 0.5), taken=None, camera=None)
    return root


def lookalike(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lookalike", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO / "app")},
        timeout=120,
        check=False,
    )


def saved(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_without_rules_the_camera_original_is_kept_and_says_why(
    photos: Path, tmp_path: Path
) -> None:
    out = tmp_path / "r.json"
    run = lookalike("scan", str(photos), "--no-cache", "--json", str(out))
    assert run.returncode == 0, run.stderr
    assert "keeper: full size, camera original" in run.stdout
    (group,) = saved(out)["groups"]
    assert group["keeper"] == str(photos / "DCIM" / "IMG_0061.JPG")
    assert group["why"] == ["full size", "camera original"]


def test_scan_keep_chooses_each_keeper_by_the_rules(photos: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    run = lookalike("scan", str(photos), "--no-cache", "--keep", "size", "--json", str(out))
    assert run.returncode == 0, run.stderr
    assert "keeper by your rules: largest file" in run.stdout
    (group,) = saved(out)["groups"]
    assert group["keeper"] == str(photos / "Desktop" / "img_0061.png")
    assert group["why"] == ["rule:size"]
    by_path = {m["path"]: m for m in group["members"]}
    # The half-size copy was verified against the camera JPEG, which the file names.
    assert by_path[str(photos / "small" / "IMG_0061.jpg")]["proven_with"] == str(
        photos / "DCIM" / "IMG_0061.JPG"
    )
    assert "verified against IMG_0061.JPG, the keeper the scan chose" in run.stdout


def test_rules_apply_in_order(photos: Path) -> None:
    run = lookalike("scan", str(photos), "--no-cache", "--keep", "format=png+jpeg,-resolution")
    assert run.returncode == 0, run.stderr
    first = run.stdout.splitlines()[1]
    assert first.split()[0] == "keeper"
    assert first.split()[1] == str(photos / "Desktop" / "img_0061.png")
    # A rule list that starts with "-" is joined to the option, as for any option value.
    run = lookalike("scan", str(photos), "--no-cache", "--keep=-resolution")
    assert run.stdout.splitlines()[1].split()[1] == str(photos / "small" / "IMG_0061.jpg")


def test_clean_keep_trashes_what_the_rules_leave(photos: Path) -> None:
    folder = str(photos / "small")
    run = lookalike("clean", str(photos), "--no-cache", "--keep", f"folder={folder}")
    assert run.returncode == 0, run.stderr
    assert f"(keeping {photos / 'small' / 'IMG_0061.jpg'})" in run.stdout
    assert f"would move to the trash: {photos / 'DCIM' / 'IMG_0061.JPG'}" in run.stdout
    assert f"would move to the trash: {photos / 'Desktop' / 'img_0061.png'}" in run.stdout
    assert (photos / "DCIM" / "IMG_0061.JPG").exists()  # a dry run


def test_a_bad_rule_is_one_clear_line(photos: Path) -> None:
    run = lookalike("scan", str(photos), "--keep", "size,sharpness")
    assert run.returncode == 2
    assert "unknown rule 'sharpness'" in run.stderr
    assert "Traceback" not in run.stderr


def test_the_saved_result_remembers_a_keeper_made_by_hand(photos: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    assert lookalike("scan", str(photos), "--no-cache", "--json", str(out)).returncode == 0
    result = report.load_json(out)
    (group,) = result.groups
    png = next(m for m in group.members if m.path.endswith(".png"))
    moved = ranking.with_keeper(group, png.path)
    again = tmp_path / "again.json"
    report.save_json(type(result)(**{**_fields(result), "groups": (moved,)}), again)
    (loaded,) = report.load_json(again).groups
    assert loaded == moved
    assert loaded.why == (KeeperReason.CHOSEN,)
    assert loaded.keeper.origin.lossless
    by_rules = ranking.apply_rules(loaded, (Rule.parse("-size"),))
    report.save_json(type(result)(**{**_fields(result), "groups": (by_rules,)}), again)
    assert report.load_json(again).groups == (by_rules,)
    # The clean of the saved file keeps the keeper it names.
    run = lookalike("clean", "--from", str(again))
    assert f"(keeping {by_rules.keeper.path})" in run.stdout


def _fields(result: report.ScanResult) -> dict[str, Any]:
    return {name: getattr(result, name) for name in result.__dataclass_fields__}


def test_a_proof_the_group_cannot_hold_is_refused(photos: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    assert lookalike("scan", str(photos), "--no-cache", "--json", str(out)).returncode == 0
    data = saved(out)
    data["groups"][0]["members"][1]["proven_with"] = str(tmp_path / "elsewhere.jpg")
    out.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(report.ReportError, match="names a proof its group cannot hold"):
        report.load_json(out)


def test_a_darker_copy_and_a_turn_seen_backwards_load_back(photos: Path, tmp_path: Path) -> None:
    # Moving a keeper inverts a proof: a brighter copy's relation seen from it is darker.
    out = tmp_path / "r.json"
    assert lookalike("scan", str(photos), "--no-cache", "--json", str(out)).returncode == 0
    result = report.load_json(out)
    (group,) = result.groups
    copy = group.duplicates[0]
    turned = replace(copy, transform=replace(copy.transform, brightness=-0.2, turn_degrees=-90.0))
    edited = replace(group, members=(group.keeper, turned, *group.members[2:]))
    report.save_json(replace(result, groups=(edited,)), out)
    assert report.load_json(out).groups == (edited,)
