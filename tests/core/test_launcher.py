"""What Lookalike was started with: window or command, folders to add, and unusable paths."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from lookalike.launcher import LaunchPaths, Unusable, opens_window, sort_paths
from tests import images


@pytest.mark.parametrize(
    ("args", "window"),
    [
        ([], True),
        (["/does-not-exist"], True),
        (["a.jpg", "b.jpg"], True),
        (["scan", "."], False),
        (["--self-test"], False),
        (["--version"], False),
        ([".", "--hidden"], False),
    ],
)
def test_paths_open_the_window_and_commands_or_options_the_cli(
    args: list[str], window: bool
) -> None:
    assert opens_window(args) is window


def test_folders_are_added_and_files_by_their_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    trip = tmp_path / "Trip"
    phone = tmp_path / "Phone"
    trip.mkdir()
    phone.mkdir()
    images.save(phone / "a.jpg", images.photo(1, 64, 48))
    images.save(phone / "b.jpg", images.photo(2, 64, 48))
    monkeypatch.chdir(tmp_path)
    # As a file manager passes them through %F, and relative ones as typed in a terminal.
    start = sort_paths([str(trip), "Phone/a.jpg", str(phone / "b.jpg"), "Trip/"])
    assert start == LaunchPaths(folders=(str(trip), str(phone)), unusable=())


def test_unusable_paths_are_listed_with_their_reason(tmp_path: Path) -> None:
    good = tmp_path / "good"
    good.mkdir()
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x")
    sock_path = tmp_path / "sock"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(sock_path))
        start = sort_paths(
            [
                "/does-not-exist",
                str(good),
                str(fifo),
                str(sock_path),
                str(loop),
                str(not_a_folder / "inside"),
            ]
        )
    assert start.folders == (str(good),)
    assert start.unusable == (
        Unusable("/does-not-exist", "not found"),
        Unusable(str(fifo), "not a folder or a file (a device, pipe or socket)"),
        Unusable(str(sock_path), "not a folder or a file (a device, pipe or socket)"),
        Unusable(str(loop), "cannot be opened: Too many levels of symbolic links"),
        Unusable(str(not_a_folder / "inside"), "not found"),
    )


def test_a_name_that_is_not_utf8_adds_its_folder(tmp_path: Path) -> None:
    folder = tmp_path / "odd"
    folder.mkdir()
    name = os.fsdecode(b"caf\xe9.jpg")  # Latin-1 bytes: not valid UTF-8
    images.save(folder / name, images.photo(3, 64, 48))
    assert sort_paths([str(folder / name)]).folders == (str(folder),)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads folders whatever their permissions")
def test_an_unreadable_folder_is_reported(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "a.jpg").write_bytes(b"")
    locked.chmod(0o300)  # can enter, cannot list
    try:
        start = sort_paths([str(locked), str(locked / "a.jpg")])
    finally:
        locked.chmod(0o700)
    assert start.folders == ()
    assert [u.reason for u in start.unusable] == [
        "permission denied",
        "its folder cannot be read (permission denied)",
    ]
