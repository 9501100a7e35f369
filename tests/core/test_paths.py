"""First run with an unwritable home: the cache, data and log folders fall back and say so."""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from lookalike.core import paths


@pytest.fixture
def blocked(tmp_path: Path) -> Path:
    """A path under a regular *file*: mkdir fails there even for root, unlike chmod tricks."""
    afile = tmp_path / "afile"
    afile.write_text("not a folder")
    return afile


@pytest.fixture
def temp_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep the fallback inside this test's folder instead of the machine's /tmp."""
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    return root


DIRS: list[tuple[str, str, Callable[[], Path]]] = [
    ("XDG_CACHE_HOME", "cache", paths.cache_dir),
    ("XDG_DATA_HOME", "data", paths.data_dir),
    ("XDG_STATE_HOME", "logs", paths.log_dir),
]


@pytest.mark.parametrize(("var", "kind", "get_dir"), DIRS, ids=[d[1] for d in DIRS])
def test_unwritable_xdg_folder_falls_back_to_temp(
    var: str,
    kind: str,
    get_dir: Callable[[], Path],
    blocked: Path,
    temp_root: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv(var, str(blocked / "sub"))
    with caplog.at_level(logging.WARNING, logger="lookalike.core.paths"):
        folder = get_dir()
    assert folder.is_relative_to(temp_root)
    assert folder.name == kind
    probe = folder / "probe"
    probe.write_bytes(b"ok")  # really writable
    assert probe.read_bytes() == b"ok"
    assert not (blocked / "sub").exists()
    assert any(
        "not writable" in r.getMessage() and str(folder) in r.getMessage() for r in caplog.records
    )


def test_unwritable_home_gives_a_usable_cache_path(
    blocked: Path, temp_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No XDG variables at all: platformdirs derives everything from HOME, which is unusable.
    for var in ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(blocked))
    cache_file = Path(paths.default_cache_path())
    assert cache_file.is_relative_to(temp_root)
    cache_file.write_bytes(b"")
    assert paths.data_dir().is_relative_to(temp_root)
    assert paths.log_dir().is_relative_to(temp_root)


def test_writable_folder_is_used_as_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "fresh" / "cache"))
    folder = paths.cache_dir()
    assert folder == tmp_path / "fresh" / "cache" / "lookalike"
    assert folder.is_dir()
    # The write probe leaves nothing behind.
    assert os.listdir(folder) == []
