"""The desktop integration: icon files, .desktop and AppStream files, and the Linux installer."""

from __future__ import annotations

import configparser
import os
import shutil
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "resources"
INSTALL = ROOT / "packaging" / "install-linux.sh"
SIZES_PX = (16, 24, 32, 48, 64, 128, 256, 512)

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux installer")


def _desktop_entry(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def _exec_argv(value: str) -> list[str]:
    """Decode an Exec= value as the desktop entry spec says: undo the string escapes, split on
    spaces outside double quotes, where a backslash escapes " ` $ and backslash; %% is %."""
    text = value.replace("\\\\", "\\")
    args: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == " " and not quoted:
            args.append("".join(current))
            current = []
        else:
            current.append(char)
    args.append("".join(current))
    return [arg.replace("%%", "%") for arg in args if arg]


@pytest.mark.parametrize("size_px", SIZES_PX)
def test_png_icons_have_their_nominal_size(size_px: int) -> None:
    path = RESOURCES / "icons" / "hicolor" / f"{size_px}x{size_px}" / "apps" / "lookalike.png"
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.size == (size_px, size_px)
        assert image.mode == "RGBA"
        assert image.getextrema()[3][0] == 0  # transparent corners, not a filled square


def test_windows_and_macos_icons_hold_several_sizes() -> None:
    with Image.open(RESOURCES / "icons" / "lookalike.ico") as ico:
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])
    with Image.open(RESOURCES / "icons" / "lookalike.icns") as icns:
        assert (512, 512, 2) in icns.info["sizes"]


def test_compiled_qt_resources_are_up_to_date() -> None:
    done = subprocess.run(
        [sys.executable, str(RESOURCES / "compile.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_desktop_file_starts_lookalike_with_its_icon() -> None:
    entry = _desktop_entry(RESOURCES / "lookalike.desktop")
    assert entry["Type"] == "Application"
    assert entry["Exec"] == "lookalike %F"
    assert entry["Icon"] == "lookalike"
    assert entry["Terminal"] == "false"
    assert "Graphics" in entry["Categories"].split(";")


def test_metainfo_matches_the_desktop_file() -> None:
    metainfo = RESOURCES / "io.github.lookalike.Lookalike.metainfo.xml"
    component = ET.parse(metainfo).getroot()
    assert component.get("type") == "desktop-application"
    assert component.findtext("id") == metainfo.name.removesuffix(".metainfo.xml")
    assert component.findtext("launchable") == "lookalike.desktop"
    assert component.findtext("provides/binary") == "lookalike"
    from lookalike import __version__

    assert component.find(f"releases/release[@version='{__version__}']") is not None


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils")
def test_desktop_file_validates() -> None:
    subprocess.run(["desktop-file-validate", str(RESOURCES / "lookalike.desktop")], check=True)


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="appstream")
def test_metainfo_validates() -> None:
    metainfo = RESOURCES / "io.github.lookalike.Lookalike.metainfo.xml"
    subprocess.run(["appstreamcli", "validate", "--no-net", str(metainfo)], check=True)


def _fake_program(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\necho lookalike 0.0\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def _install(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(home)}
    return subprocess.run(
        ["bash", str(INSTALL), *args], env=env, capture_output=True, text=True, check=True
    )


@linux_only
def test_install_puts_a_working_entry_in_the_menu_and_uninstall_removes_it(
    isolated_home: Path, tmp_path: Path
) -> None:
    # A path that needs all of the desktop spec's quoting rules.
    program = _fake_program(tmp_path / 'my "apps" $1 `x` 100% back\\slash' / "lookalike")
    _install(isolated_home, "--command", str(program))

    data = Path(os.environ["XDG_DATA_HOME"])
    desktop = data / "applications" / "lookalike.desktop"
    entry = _desktop_entry(desktop)
    assert _exec_argv(entry["Exec"]) == [str(program), "%F"]
    assert entry["TryExec"].replace("\\\\", "\\") == str(program)
    assert entry["Icon"] == "lookalike"
    for size_px in SIZES_PX:
        assert (
            data / "icons" / "hicolor" / f"{size_px}x{size_px}" / "apps" / "lookalike.png"
        ).is_file()
    assert (data / "icons" / "hicolor" / "scalable" / "apps" / "lookalike.svg").is_file()
    assert (data / "metainfo" / "io.github.lookalike.Lookalike.metainfo.xml").is_file()
    link = isolated_home / ".local" / "bin" / "lookalike"
    assert link.resolve() == program.resolve()
    if shutil.which("desktop-file-validate"):
        subprocess.run(["desktop-file-validate", str(desktop)], check=True)

    _install(isolated_home, "--uninstall")
    assert not desktop.exists()
    assert not link.exists()
    assert not list((data / "icons").rglob("lookalike.*"))
    assert not (data / "metainfo" / "io.github.lookalike.Lookalike.metainfo.xml").exists()
    assert program.exists()  # the program itself is not ours to remove


@linux_only
def test_install_copies_a_bundle(isolated_home: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "dist" / "lookalike"
    _fake_program(bundle / "lookalike")
    (bundle / "_internal").mkdir()
    (bundle / "_internal" / "libsomething.so").write_bytes(b"\x7fELF")
    _install(isolated_home, "--bundle", str(bundle))

    installed = isolated_home / ".local" / "lib" / "lookalike"
    assert (installed / "_internal" / "libsomething.so").read_bytes() == b"\x7fELF"
    entry = _desktop_entry(Path(os.environ["XDG_DATA_HOME"]) / "applications" / "lookalike.desktop")
    assert _exec_argv(entry["Exec"]) == [str(installed / "lookalike"), "%F"]
    shutil.rmtree(bundle)  # the installed copy stands alone
    assert subprocess.run(
        [str(isolated_home / ".local" / "bin" / "lookalike")], capture_output=True, check=True
    ).stdout.startswith(b"lookalike")

    _install(isolated_home, "--uninstall")
    assert not installed.exists()


@linux_only
def test_install_leaves_someone_elses_lookalike_command_alone(
    isolated_home: Path, tmp_path: Path
) -> None:
    # pipx puts its own link at ~/.local/bin/lookalike; installing the menu entry for that very
    # program, then uninstalling, must leave it in place.
    real = _fake_program(tmp_path / "pipx" / "venvs" / "lookalike" / "bin" / "lookalike")
    link = isolated_home / ".local" / "bin" / "lookalike"
    link.parent.mkdir(parents=True)
    link.symlink_to(real)
    _install(isolated_home, "--command", str(link))
    _install(isolated_home, "--uninstall")
    assert link.is_symlink()
    assert link.resolve() == real.resolve()
