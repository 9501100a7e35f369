"""The walk on its own: which files it lists, once each, in what order, and what it skips."""

from __future__ import annotations

import contextlib
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from lookalike.core.cancel import CancelledError, CancelToken
from lookalike.core.model import ImageFile, Skipped, SkipReason
from lookalike.core.walk import WalkOptions, walk
from tests import images


def listed(roots: list[Path], **kw: object) -> tuple[list[ImageFile], list[Skipped]]:
    options = WalkOptions(roots=[str(r) for r in roots], **kw)  # type: ignore[arg-type]
    found = list(walk(options))
    files = [e for e in found if isinstance(e, ImageFile)]
    skipped = [e for e in found if isinstance(e, Skipped)]
    assert len(files) + len(skipped) == len(found)
    return files, skipped


def names(files: list[ImageFile], root: Path) -> list[str]:
    return [os.path.relpath(f.path, root) for f in files]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A small photo folder with the kinds of clutter real ones have."""
    img = images.photo(41, 64, 48)
    images.save(tmp_path / "b.jpg", img)
    images.save(tmp_path / "A.JPG", img)  # extensions in any case
    images.save(tmp_path / "c.png", img)
    images.save(tmp_path / "sub" / "d.webp", img)
    images.save(tmp_path / "sub" / "deeper" / "e.tif", img)
    (tmp_path / "notes.txt").write_text("not a picture")
    (tmp_path / "no-extension-text").write_text("not a picture either")
    (tmp_path / "no-extension-jpeg").write_bytes(images.jpeg_bytes(img))
    (tmp_path / "folder.jpg").mkdir()  # a folder with a picture's name is still a folder
    return tmp_path


def test_lists_pictures_by_extension_or_content_sorted_files_before_subfolders(
    tree: Path,
) -> None:
    files, skipped = listed([tree])
    assert names(files, tree) == [
        "A.JPG",
        "b.jpg",
        "c.png",
        "no-extension-jpeg",
        "sub/d.webp",
        "sub/deeper/e.tif",
    ]
    assert skipped == []
    first = files[0]
    st = os.stat(first.path)
    assert (first.size, first.mtime_ns, first.inode) == (st.st_size, st.st_mtime_ns, st.st_ino)
    assert not any(f.is_reference for f in files)


def test_not_recursive_stays_in_the_root(tree: Path) -> None:
    files, _ = listed([tree], recursive=False)
    assert names(files, tree) == ["A.JPG", "b.jpg", "c.png", "no-extension-jpeg"]


def test_hidden_and_junk_entries_only_on_request(tree: Path) -> None:
    img = images.photo(42, 64, 48)
    images.save(tree / ".hidden.jpg", img)
    images.save(tree / ".cache" / "x.jpg", img)
    images.save(tree / "@eaDir" / "thumb.jpg", img)
    images.save(tree / ".Trash-1000" / "files" / "old.jpg", img)
    shown = names(listed([tree])[0], tree)
    assert not [n for n in shown if n.startswith((".", "@"))]
    with_hidden = names(listed([tree], include_hidden=True)[0], tree)
    assert ".hidden.jpg" in with_hidden
    assert ".cache/x.jpg" in with_hidden
    # Junk folders hold system copies, never the user's photos: hidden or not, never entered.
    assert not [n for n in with_hidden if n.startswith(("@eaDir", ".Trash"))]


def test_one_entry_per_real_file_whatever_the_ways_to_it(tree: Path) -> None:
    os.link(tree / "b.jpg", tree / "b-hardlink.jpg")
    (tree / "b-symlink.jpg").symlink_to(tree / "b.jpg")
    # The tree given twice, and once more through a subfolder: overlapping roots.
    files, skipped = listed([tree, tree / "sub", tree])
    paths = [f.path for f in files]
    assert len(paths) == len(set(paths)) == 6
    assert len({f.inode for f in files}) == 6
    # b-hardlink.jpg sorts before b.jpg and is met first: b.jpg is the same file again. A link
    # is never a member (it could become the keeper of its own target): reported, not listed.
    assert {(Path(s.path).name, s.reason) for s in skipped} == {
        ("b.jpg", SkipReason.SAME_FILE),
        ("b-symlink.jpg", SkipReason.SYMLINK),
    }
    same, link = sorted(skipped, key=lambda s: s.reason.name)
    assert str(tree / "b-hardlink.jpg") in same.detail
    assert str(tree / "b.jpg") in link.detail


def test_symlinked_folders_followed_on_request_and_never_in_a_loop(tree: Path) -> None:
    outside = tree.parent / f"{tree.name}-outside"
    images.save(outside / "far.jpg", images.photo(43, 64, 48))
    (tree / "sub" / "link-out").symlink_to(outside, target_is_directory=True)
    (tree / "sub" / "deeper" / "up").symlink_to(tree, target_is_directory=True)
    plain = names(listed([tree])[0], tree)
    assert not [n for n in plain if "link-out" in n or "/up/" in n]
    followed, skipped = listed([tree], follow_symlinks=True)
    shown = names(followed, tree)
    assert "sub/link-out/far.jpg" in shown
    assert len(shown) == len(plain) + 1  # the loop back up adds nothing and ends
    assert skipped == []


def test_a_root_may_be_a_file_and_a_missing_root_is_reported(tree: Path) -> None:
    files, skipped = listed([tree / "c.png", tree / "gone"])
    assert names(files, tree) == ["c.png"]
    assert [(Path(s.path).name, s.reason) for s in skipped] == [("gone", SkipReason.VANISHED)]


def test_a_root_that_is_a_link_to_a_file_or_a_special_file_is_reported(tree: Path) -> None:
    (tree / "link.png").symlink_to(tree / "c.png")
    os.mkfifo(tree / "pipe.png")
    files, skipped = listed([tree / "link.png", tree / "pipe.png"])
    assert files == []
    assert [(Path(s.path).name, s.reason) for s in skipped] == [
        ("link.png", SkipReason.SYMLINK),
        ("pipe.png", SkipReason.NOT_REGULAR),
    ]


def test_link_loop_and_dangling_links_are_reported(tmp_path: Path) -> None:
    (tmp_path / "loop.jpg").symlink_to(tmp_path / "loop.jpg")
    (tmp_path / "dangling.jpg").symlink_to(tmp_path / "nothing-here.jpg")
    _, skipped = listed([tmp_path])
    assert {(Path(s.path).name, s.reason) for s in skipped} == {
        ("dangling.jpg", SkipReason.DANGLING_LINK),
        ("loop.jpg", SkipReason.LINK_LOOP),
    }
    (dangling,) = [s for s in skipped if s.reason is SkipReason.DANGLING_LINK]
    assert str(tmp_path / "nothing-here.jpg") in dangling.detail


def test_reference_roots_mark_their_files_even_through_links(tree: Path) -> None:
    archive = tree.parent / f"{tree.name}-archive"
    images.save(archive / "master.jpg", images.photo(44, 64, 48))
    (tree / "archive-link").symlink_to(archive, target_is_directory=True)
    files, _ = listed([tree / "archive-link", tree / "sub"], reference_roots=[str(archive)])
    marked = {Path(f.path).name: f.is_reference for f in files}
    assert marked == {"master.jpg": True, "d.webp": False, "e.tif": False}


def test_special_files_are_never_opened_and_listed_as_not_regular(tmp_path: Path) -> None:
    # A FIFO blocks whoever opens it for reading: the walk must not even sniff it. Run in a
    # child process so that a regression fails on the timeout instead of hanging the suite.
    images.save(tmp_path / "real.jpg", images.photo(45, 64, 48))
    os.mkfifo(tmp_path / "pipe.jpg")
    os.mkfifo(tmp_path / "pipe-without-extension")
    os.mkfifo(tmp_path / "pipe.txt")  # no picture's name: not worth a line
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(tmp_path / "socket.png"))
        kinds = {"pipe.jpg": "FIFO", "pipe-without-extension": "FIFO", "socket.png": "socket"}
        with contextlib.suppress(PermissionError):  # devices need root (CI and here are)
            os.mknod(tmp_path / "device.jpg", 0o600 | stat.S_IFCHR, os.makedev(1, 3))
            kinds["device.jpg"] = "device"
        code = (
            "import sys\n"
            "from lookalike.core.walk import WalkOptions, walk\n"
            "for e in walk(WalkOptions(roots=[sys.argv[1]])):\n"
            "    why = (e.reason.name, e.detail) if hasattr(e, 'reason') else ('', '')\n"
            "    print(type(e).__name__, e.path, *why, sep='\\t')\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", code, str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
    lines = [line.split("\t") for line in out.stdout.splitlines()]
    assert [Path(path).name for kind, path, *_ in lines if kind == "ImageFile"] == ["real.jpg"]
    skipped = {
        Path(p).name: (reason, detail) for kind, p, reason, detail in lines if kind != "ImageFile"
    }
    assert set(skipped) == set(kinds)
    for name, kind in kinds.items():
        reason, detail = skipped[name]
        assert reason == SkipReason.NOT_REGULAR.name
        assert kind in detail


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads folders whatever their permissions")
def test_unreadable_folder_is_reported(tree: Path) -> None:
    (tree / "sub").chmod(0)
    try:
        files, skipped = listed([tree])
    finally:
        (tree / "sub").chmod(0o755)
    assert [(Path(s.path).name, s.reason) for s in skipped] == [("sub", SkipReason.PERMISSION)]
    assert "sub/d.webp" not in names(files, tree)


def test_cancel_stops_the_walk_inside_a_big_folder(tmp_path: Path) -> None:
    data = images.jpeg_bytes(images.photo(46, 32, 32))
    for i in range(200):
        (tmp_path / f"{i:03d}").write_bytes(data)  # no extension: each one is sniffed
    token = CancelToken()
    entries = walk(WalkOptions(roots=[str(tmp_path)]), token)
    next(entries)
    token.cancel()
    after: list[ImageFile | Skipped] = []
    with pytest.raises(CancelledError):
        after.extend(entries)
    assert after == []


def test_cancel_stops_the_walk(tree: Path) -> None:
    token = CancelToken()
    entries = walk(WalkOptions(roots=[str(tree)]), token)
    next(entries)
    token.cancel()
    with pytest.raises(CancelledError):
        list(entries)
