"""The desktop integration: icon files, the .desktop and AppStream files shipped in the package,
and ``lookalike --install-desktop`` / ``--uninstall-desktop``."""

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

from lookalike import __version__, desktop

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "resources"

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="freedesktop menus")


def _validator(tool: str, package: str) -> pytest.MarkDecorator:
    """Skip where ``tool`` is missing on a developer's machine; CI installs it (.ci/run), so
    there the test runs, or fails for want of the tool, but never skips."""
    return pytest.mark.skipif(
        shutil.which(tool) is None and not os.environ.get("CI"), reason=f"needs {package}"
    )


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


@pytest.mark.parametrize("size_px", desktop.ICON_SIZES_PX)
def test_png_icons_have_their_nominal_size(size_px: int) -> None:
    with Image.open(desktop.png_icon_path(size_px)) as image:
        assert image.format == "PNG"
        assert image.size == (size_px, size_px)
        assert image.mode == "RGBA"
        assert image.getextrema()[3][0] == 0  # transparent corners, not a filled square


def test_windows_and_macos_icons_hold_several_sizes() -> None:
    with Image.open(RESOURCES / "icons" / "lookalike.ico") as ico:
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])
    with Image.open(RESOURCES / "icons" / "lookalike.icns") as icns:
        assert (512, 512, 2) in icns.info["sizes"]


def test_desktop_file_starts_lookalike_with_its_icon() -> None:
    entry = _desktop_entry(desktop.desktop_entry_path())
    assert entry["Type"] == "Application"
    assert entry["Exec"] == "lookalike %F"
    assert entry["Icon"] == desktop.ICON_NAME
    assert entry["Terminal"] == "false"
    assert "Graphics" in entry["Categories"].split(";")
    # A file manager offers it in "Open with" for folders, and passes them through %F.
    assert entry["MimeType"].split(";") == ["inode/directory", ""]


def test_metainfo_matches_the_desktop_file() -> None:
    metainfo = desktop.metainfo_path()
    component = ET.parse(metainfo).getroot()
    assert component.get("type") == "desktop-application"
    app_id = component.findtext("id")
    assert app_id == desktop.APP_ID == app_id.lower()
    assert metainfo.name == f"{app_id}.metainfo.xml"
    assert component.findtext("launchable") == desktop.DESKTOP_FILE == f"{app_id}.desktop"
    assert desktop.desktop_entry_path().name == desktop.DESKTOP_FILE
    assert component.findtext("provides/binary") == "lookalike"
    assert component.findtext("url[@type='homepage']", "").startswith("https://")
    image = component.find("screenshots/screenshot[@type='default']/image")
    assert image is not None
    assert image.text is not None
    # The screenshot it links to is the one in this repository, at its real size.
    assert image.text.endswith("/resources/screenshots/main-window.png")
    with Image.open(RESOURCES / "screenshots" / "main-window.png") as shot:
        assert shot.size == (int(image.get("width", 0)), int(image.get("height", 0)))
    assert component.find(f"releases/release[@version='{__version__}']") is not None


@_validator("desktop-file-validate", "desktop-file-utils")
def test_desktop_file_validates() -> None:
    subprocess.run(["desktop-file-validate", str(desktop.desktop_entry_path())], check=True)


@_validator("appstreamcli", "appstream")
def test_metainfo_validates_with_appstreamcli() -> None:
    subprocess.run(
        ["appstreamcli", "validate", "--no-net", "--pedantic", str(desktop.metainfo_path())],
        check=True,
    )


@_validator("appstream-util", "appstream-util")
def test_metainfo_validates_with_appstream_util() -> None:
    subprocess.run(
        ["appstream-util", "validate", "--nonet", str(desktop.metainfo_path())], check=True
    )


def _lookalike(*args: str, argv0: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``lookalike ARGS`` in a subprocess with this test's HOME and XDG folders; with
    ``argv0``, as a launcher script at that path would (an entry-point script sets argv[0])."""
    code = "import sys; from lookalike.__main__ import main; sys.exit(main())"
    if argv0 is not None:
        code = f"import sys; sys.argv[0] = {str(argv0)!r}; " + code
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _fake_program(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\necho lookalike 0.0\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def _installed(data: Path) -> list[Path]:
    return sorted(p for p in data.rglob("*") if p.is_file() and "lookalike" in p.name)


@linux_only
def test_install_desktop_puts_a_working_entry_in_the_menu_and_uninstall_removes_it(
    isolated_home: Path, tmp_path: Path
) -> None:
    # A program path that needs all of the desktop spec's quoting rules.
    program = _fake_program(tmp_path / 'my "apps" $1 `x` 100% back\\slash' / "lookalike")
    done = _lookalike("--install-desktop", argv0=program)
    assert done.returncode == 0, done.stderr
    assert "application menu" in done.stdout

    data = Path(os.environ["XDG_DATA_HOME"])
    entry_path = data / "applications" / desktop.DESKTOP_FILE
    entry = _desktop_entry(entry_path)
    assert _exec_argv(entry["Exec"]) == [str(program), "%F"]
    assert entry["TryExec"].replace("\\\\", "\\") == str(program)
    assert entry["Icon"] == desktop.ICON_NAME
    assert entry["MimeType"] == "inode/directory;"
    for size_px in desktop.ICON_SIZES_PX:
        icon = data / "icons" / "hicolor" / f"{size_px}x{size_px}" / "apps" / "lookalike.png"
        assert icon.read_bytes() == desktop.png_icon_path(size_px).read_bytes()
    assert (data / "icons" / "hicolor" / "scalable" / "apps" / "lookalike.svg").is_file()
    assert (data / "metainfo" / desktop.METAINFO_FILE).is_file()
    if shutil.which("desktop-file-validate"):
        subprocess.run(["desktop-file-validate", str(entry_path)], check=True)
    if shutil.which("update-desktop-database"):
        # The MIME cache says Lookalike opens folders, so "Open with" lists it.
        cache = (data / "applications" / "mimeinfo.cache").read_text(encoding="utf-8")
        assert f"inode/directory={desktop.DESKTOP_FILE};" in cache

    # The desktop reads the installed entry: starting it runs the program it names.
    argv = [a for a in _exec_argv(entry["Exec"]) if a != "%F"]
    assert subprocess.run(argv, capture_output=True, text=True, check=True).stdout.startswith(
        "lookalike"
    )

    done = _lookalike("--uninstall-desktop")
    assert done.returncode == 0, done.stderr
    assert _installed(data) == []
    assert program.exists()  # the program itself is not ours to remove
    again = _lookalike("--uninstall-desktop")
    assert again.returncode == 0
    assert "was not in your application menu" in again.stdout


@linux_only
def test_install_desktop_without_a_launcher_script_runs_the_module(isolated_home: Path) -> None:
    # `python -m lookalike --install-desktop` from an interpreter with no `lookalike` script
    # beside it: the entry starts the module with that interpreter.
    done = _lookalike("--install-desktop", argv0=Path("/nonexistent/__main__.py"))
    assert done.returncode == 0, done.stderr
    entry_path = Path(os.environ["XDG_DATA_HOME"]) / "applications" / desktop.DESKTOP_FILE
    argv = _exec_argv(_desktop_entry(entry_path)["Exec"])
    beside = Path(sys.executable).parent / "lookalike"
    if beside.is_file():
        assert argv == [str(beside), "%F"]
    else:
        assert argv == [os.path.abspath(sys.executable), "-m", "lookalike", "%F"]
    version = subprocess.run([*argv[:-1], "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.strip() == f"lookalike {__version__}"


def test_exec_arguments_round_trip_through_the_spec_rules() -> None:
    nasty = ['/a b/"q"', "$HOME", "`x`", "50%", "back\\slash", "plain/path-1.2_+"]
    line = " ".join(desktop.exec_argument(a) for a in nasty)
    assert _exec_argv(line) == nasty
    assert desktop.exec_argument("plain/path-1.2_+") == "plain/path-1.2_+"


def test_a_relative_xdg_data_home_is_ignored(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", "relative/share")
    assert desktop.data_home() == isolated_home / ".local" / "share"
