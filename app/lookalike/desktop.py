"""The desktop integration shipped inside the package (menu entry, AppStream metainfo, icons in
``lookalike/share/``, laid out as in ``$XDG_DATA_HOME``) and its per-user install and removal.

Qt-free: ``lookalike --install-desktop`` runs without a display, and the window only asks it
where its icon files are.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from lookalike.core import words

# The AppStream ID, in lower case as AppStream recommends; the desktop file is named after it so
# software centres and Wayland compositors can match the window, the menu entry and the metainfo.
APP_ID = "io.github.lookalike.lookalike"
DESKTOP_FILE = f"{APP_ID}.desktop"
METAINFO_FILE = f"{APP_ID}.metainfo.xml"
ICON_NAME = "lookalike"
ICON_SIZES_PX = (16, 24, 32, 48, 64, 128, 256, 512)

SHARE_DIR = Path(__file__).resolve().parent / "share"

# An Exec= argument that needs no quoting (desktop entry spec, "The Exec key").
_PLAIN_ARGUMENT = re.compile(r"[A-Za-z0-9/._+%-]+")


class DesktopError(Exception):
    """The menu entry cannot be installed here; the message says why."""


def desktop_entry_path() -> Path:
    return SHARE_DIR / "applications" / DESKTOP_FILE


def metainfo_path() -> Path:
    return SHARE_DIR / "metainfo" / METAINFO_FILE


def png_icon_path(size_px: int) -> Path:
    return SHARE_DIR / "icons" / "hicolor" / f"{size_px}x{size_px}" / "apps" / f"{ICON_NAME}.png"


def svg_icon_path() -> Path:
    return SHARE_DIR / "icons" / "hicolor" / "scalable" / "apps" / f"{ICON_NAME}.svg"


def data_home() -> Path:
    """``$XDG_DATA_HOME``, or ``~/.local/share`` when it is unset, empty or relative (as the XDG
    base directory spec says a relative value must be ignored)."""
    value = os.environ.get("XDG_DATA_HOME", "")
    if value and os.path.isabs(value):
        return Path(value)
    return Path.home() / ".local" / "share"


def program_command() -> list[str]:
    """The command that starts this very installation of Lookalike, as absolute paths: the
    desktop session's ``PATH`` often lacks ``~/.local/bin`` or the virtual environment."""
    if getattr(sys, "frozen", False):
        return [os.path.abspath(sys.executable)]
    launched = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if launched is not None and launched.name == "lookalike" and launched.is_file():
        return [os.path.abspath(launched)]
    # `python -m lookalike`: the entry-point script beside the interpreter (a venv's bin/;
    # the interpreter's own symlink is not resolved, it would leave the venv), else the module.
    script = Path(sys.executable).parent / "lookalike"
    if script.is_file():
        return [str(script)]
    return [os.path.abspath(sys.executable), "-m", "lookalike"]


def exec_argument(text: str) -> str:
    """``text`` as one argument of an Exec= value: plain when it can be, else double-quoted with
    ``" ` $ \\`` escaped, then every backslash doubled (the string-value escape); ``%`` is
    written ``%%`` so it is not taken for a field code."""
    text = text.replace("%", "%%")
    if _PLAIN_ARGUMENT.fullmatch(text):
        return text
    quoted = re.sub(r'(["`$\\])', r"\\\1", text)
    return '"' + quoted.replace("\\", "\\\\") + '"'


def desktop_entry_for(command: Sequence[str]) -> str:
    """The shipped desktop entry with Exec= and TryExec= pointing at ``command``."""
    lines = []
    for line in desktop_entry_path().read_text(encoding="utf-8").splitlines():
        if line.startswith("Exec=lookalike "):
            arguments = " ".join(exec_argument(part) for part in command)
            line = f"Exec={arguments} {line.removeprefix('Exec=lookalike ')}"
        elif line == "TryExec=lookalike":
            line = "TryExec=" + command[0].replace("\\", "\\\\")
        lines.append(line)
    return "\n".join(lines) + "\n"


def _installed_files(home: Path) -> dict[Path, Path]:
    """Where each shipped file goes under ``home``: target -> source (the desktop entry's source
    is rewritten, not copied)."""
    files = {
        home / "applications" / DESKTOP_FILE: desktop_entry_path(),
        home / "metainfo" / METAINFO_FILE: metainfo_path(),
        home / "icons" / "hicolor" / "scalable" / "apps" / f"{ICON_NAME}.svg": svg_icon_path(),
    }
    for size_px in ICON_SIZES_PX:
        files[home / png_icon_path(size_px).relative_to(SHARE_DIR)] = png_icon_path(size_px)
    return files


def _refresh_menu(home: Path) -> None:
    """Rebuild the MIME cache of the user's applications folder, so "Open with" on a folder
    offers Lookalike; desktops without the tool find the entry by themselves."""
    tool = shutil.which("update-desktop-database")
    applications = home / "applications"
    if tool is not None and applications.is_dir():
        subprocess.run([tool, "-q", str(applications)], check=False, capture_output=True)


def _require_freedesktop() -> None:
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        raise DesktopError(words.menu_entry_unsupported())


def install(command: Sequence[str] | None = None) -> list[Path]:
    """Install the menu entry, metainfo and icons for the current user; returns the files.

    Raises:
        DesktopError: not a freedesktop system.
        OSError: a file could not be written.
    """
    _require_freedesktop()
    home = data_home()
    entry = desktop_entry_for(command or program_command())
    written = []
    for target, source in _installed_files(home).items():
        target.parent.mkdir(parents=True, exist_ok=True)
        if source == desktop_entry_path():
            target.write_text(entry, encoding="utf-8")
        else:
            shutil.copyfile(source, target)
        written.append(target)
    _refresh_menu(home)
    return written


def uninstall() -> list[Path]:
    """Remove what :func:`install` put in place; returns the files that were there.

    Raises:
        DesktopError: not a freedesktop system.
        OSError: a file could not be removed.
    """
    _require_freedesktop()
    home = data_home()
    removed = []
    for target in _installed_files(home):
        if target.exists() or target.is_symlink():
            target.unlink()
            removed.append(target)
    _refresh_menu(home)
    return removed
