"""Reading files without hanging or blowing up: FIFOs swapped in, huge files, decode budgets.

Whatever could hang or eat memory runs in a child process: a regression then fails on a timeout
or on the child's own peak memory (``ru_maxrss``) instead of hanging or swapping the suite.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from lookalike.core.matching.fingerprint import MAX_DECODE_BYTES, RUN_ALONE_BYTES, decode_bytes
from lookalike.core.model import NotRegularFileError, SkipReason
from lookalike.core.reading import HEADER_WINDOW_BYTES, open_regular, read_prefix
from tests import images

GB = 10**9
MB = 10**6


def run_child(code: str, *args: str, timeout: float = 120) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )
    return done.stdout


SWAP_AFTER_WALK = """
import os, sys
from lookalike.core.events import FileSkipped, Finished, Progress, Stage
from lookalike.core.model import ScanMode, ScanOptions
from lookalike.core.scan import run_scan
root, mode = sys.argv[1], sys.argv[2]
victim = os.path.join(root, "victim.jpg")
options = ScanOptions(roots=(root,), mode=ScanMode(mode), workers=1)
for event in run_scan(options):
    if isinstance(event, Progress) and event.stage is Stage.WALK and event.total:
        os.unlink(victim)  # listed as a regular file; a FIFO takes its place before the read
        os.mkfifo(victim)
    elif isinstance(event, FileSkipped):
        print(os.path.basename(event.skipped.path), event.skipped.reason.name)
    elif isinstance(event, Finished):
        print("finished", event.summary.groups)
"""


@pytest.mark.parametrize("mode", ["similar", "exact"])
def test_a_file_replaced_by_a_fifo_after_the_walk_is_skipped_not_waited_for(
    tmp_path: Path, mode: str
) -> None:
    # Two identical files (so the exact mode reads both), the victim one of them.
    first = images.save(tmp_path / "photo.jpg", images.photo(61, 320, 240))
    shutil.copyfile(first, tmp_path / "victim.jpg")
    images.save(tmp_path / "other.jpg", images.photo(62, 320, 240))
    out = run_child(SWAP_AFTER_WALK, str(tmp_path), mode, timeout=60).splitlines()
    assert out == ["victim.jpg NOT_REGULAR", "finished 0"]


def test_open_regular_refuses_what_is_not_a_regular_file(tmp_path: Path) -> None:
    real = tmp_path / "real.jpg"
    real.write_bytes(b"\xff\xd8\xff" + b"\x00" * 100)
    (tmp_path / "link.jpg").symlink_to(real)
    os.mkfifo(tmp_path / "pipe.jpg")
    f, st = open_regular(str(real))
    with f:
        assert st.st_size == 103
        assert f.read(3) == b"\xff\xd8\xff"
    for name, reason in (("link.jpg", SkipReason.SYMLINK), ("pipe.jpg", SkipReason.NOT_REGULAR)):
        with pytest.raises(NotRegularFileError) as info:
            open_regular(str(tmp_path / name))
        assert info.value.reason is reason
    assert read_prefix(str(tmp_path / "pipe.jpg"), 12) == b""
    assert read_prefix(str(real), 3) == b"\xff\xd8\xff"


FINGERPRINT_IN_CHILD = """
import json, os, resource, sys
from lookalike.core.matching.fingerprint import FileTask, fingerprint_files, init_worker
init_worker()
alone = sys.argv[1] == "alone"
tasks = []
for path in sys.argv[2:]:
    st = os.stat(path)
    tasks.append(FileTask(path, st.st_size, st.st_mtime_ns, True))
out = []
for r in fingerprint_files(tasks, alone):
    kind = type(r).__name__
    if kind == "Skipped":
        out.append([os.path.basename(r.path), r.reason.name, r.detail])
    elif kind == "RunAlone":
        out.append([os.path.basename(r.task.path), kind, 0])
    else:
        out.append([os.path.basename(r.path), kind, r.width])
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"results": out, "peak_bytes": peak}))
"""


def fingerprint_in_child(paths: list[Path], alone: bool = False) -> tuple[list[list[object]], int]:
    out = json.loads(
        run_child(FINGERPRINT_IN_CHILD, "alone" if alone else "chunk", *map(str, paths))
    )
    return out["results"], out["peak_bytes"]


def baseline_peak() -> int:
    """The worker's own peak with nothing to read: the decoders imported."""
    return fingerprint_in_child([])[1]


def test_a_3_gb_file_is_judged_by_its_header_and_never_read_whole(tmp_path: Path) -> None:
    jpeg = images.jpeg_bytes(images.photo(63, 320, 240))
    png = (images.write_plain_png(tmp_path / "small.png", 64, 64)).read_bytes()
    files = [
        images.write_sparse(tmp_path / "huge.jpg", jpeg, 3 * GB),  # a picture, then a hole
        images.write_sparse(tmp_path / "huge.png", png, 3 * GB),
        images.write_sparse(tmp_path / "zeros.jpg", b"", 3 * GB),  # no picture at all
    ]
    results, peak = fingerprint_in_child(files)
    assert [r[:2] for r in results] == [
        ["huge.jpg", "TOO_LARGE"],
        ["huge.png", "TOO_LARGE"],
        ["zeros.jpg", "NOT_AN_IMAGE"],
    ]
    assert "3.0 GB, more than the 250.0 MB a JPEG picture may take" in str(results[0][2])
    # Only headers were read: the child stays near its baseline (it read 6 GB before).
    assert peak < baseline_peak() + HEADER_WINDOW_BYTES + 64 * MB


def test_a_header_longer_than_the_window_is_not_followed(tmp_path: Path) -> None:
    # A PNG whose first chunk claims 100 MB (a real file of that size): Pillow would read it all
    # to get past it; the window stops it at 16 MB.
    chunk = (100 * MB).to_bytes(4, "big") + b"zzZz"
    path = images.write_sparse(tmp_path / "long-header.png", b"\x89PNG\r\n\x1a\n" + chunk, 101 * MB)
    results, _ = fingerprint_in_child([path])
    assert results == [
        ["long-header.png", "TOO_LARGE", "its header goes on past the first 16.0 MB"]
    ]


def progressive_jpeg_claiming(tmp_path: Path, side: int) -> Path:
    """A small progressive JPEG whose frame header claims ``side`` x ``side`` pixels."""
    img = images.photo(64, 64, 64)
    plain = tmp_path / "plain.jpg"
    Image.fromarray(img[:, :, ::-1]).save(plain, "JPEG", progressive=True)
    data = bytearray(plain.read_bytes())
    sof = data.index(b"\xff\xc2")  # the progressive frame header: length, precision, H, W
    data[sof + 5 : sof + 9] = side.to_bytes(2, "big") * 2
    path = tmp_path / f"claims-{side}.jpg"
    path.write_bytes(bytes(data))
    return path


def test_the_decode_cost_comes_from_the_header_and_a_bomb_is_skipped_unread(
    tmp_path: Path,
) -> None:
    # 200 MP progressive: libjpeg would keep 600 MB of coefficients whatever the scale.
    bomb = progressive_jpeg_claiming(tmp_path, 14142)
    huge_png = images.write_bomb_png(tmp_path / "300mp.png", 20000, 15000)  # above the pixel cap
    results, peak = fingerprint_in_child([bomb, huge_png])
    assert results[0][:2] == ["claims-14142.jpg", "TOO_LARGE"]
    assert "decoding it would need about 6" in str(results[0][2])  # ~630 MB
    assert results[1] == ["300mp.png", "TOO_LARGE", "20000×15000 pixels, more than 250 megapixels"]
    assert peak < baseline_peak() + 64 * MB


def test_a_large_decode_runs_alone_within_its_estimate(tmp_path: Path) -> None:
    big = images.write_plain_png(tmp_path / "36mp.png", 6000, 6000)  # 72 MB to decode
    with Image.open(big) as header:
        need = big.stat().st_size + decode_bytes(header)
    assert RUN_ALONE_BYTES < need < MAX_DECODE_BYTES
    results, _ = fingerprint_in_child([big])
    assert results == [["36mp.png", "RunAlone", 0]]
    results, peak = fingerprint_in_child([big], alone=True)
    assert results == [["36mp.png", "Fingerprint", 6000]]
    # The estimate is what makes the budget true: the real decode stays within it.
    assert peak - baseline_peak() < need
