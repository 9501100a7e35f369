"""What the PyInstaller bundle leaves out, and what it adds: used by ``lookalike.spec``.

Left out: Qt plugins and translations Lookalike never loads, the system libraries a desktop
provides itself (X11/xcb, OpenGL, fontconfig, D-Bus, GLib, the C++ runtime), and every library
nothing that is kept still links to. Added: the licence texts of everything inside, and nothing
else. After the build, debug information is stripped where it is safe.

The measured effect is in packaging/README.md.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

# A TOC entry as PyInstaller's Analysis lists it: (name in the bundle, source path, type).
Entry = tuple[str, str, str]

# The distributions whose code the bundle carries. Their metadata goes in (Help → About and the
# self-test read the versions from it) and so do their licence files.
DISTRIBUTIONS = (
    "PySide6-Essentials",
    "shiboken6",
    "opencv-python-headless",
    "numpy",
    "pillow",
    "send2trash",
    "platformdirs",
)
# The Qt wheels carry no licence file: Qt and Qt for Python are used under the LGPL-3.0, which
# is the GPL-3.0 (Lookalike's LICENSE) plus the permissions in this text.
_LICENCE_FALLBACK = {
    "PySide6-Essentials": ("LGPL-3.0.txt",),
    "shiboken6": ("LGPL-3.0.txt",),
}
_LICENCE_NAME = re.compile(r"(LICEN[CS]E|COPYING|NOTICE|AUTHORS)", re.IGNORECASE)

# Qt plugins never loaded by a desktop app on X11 or Wayland: embedded platforms (eglfs, linuxfb,
# vnc, ...), evdev input for kiosks, the network plugins (Lookalike makes no connections), and
# the GTK 3 theme, which alone drags in GTK, Pango, Cairo and ATK from the build machine (~9 MB)
# that would then clash with the user's own; the XDG portal theme stays for native dialogs.
_UNUSED_QT_PLUGIN = re.compile(
    r"PySide6/Qt/plugins/(egldeviceintegrations|generic|networkinformation|tls)/"
    r"|PySide6/Qt/plugins/platforms/libq(eglfs|linuxfb|minimal|minimalegl|vnc|vkkhrdisplay)\.so$"
    r"|PySide6/Qt/plugins/platformthemes/libqgtk3\.so$"
)
# Qt's own translations: Lookalike's words are English only (lookalike/core/words.py) and it
# loads no QTranslator, so a translated "Cancel" would only mix languages in one dialog.
_QT_TRANSLATIONS = "PySide6/Qt/translations/"

# System libraries that must match the desktop they run on: the display and input stack, GL,
# fonts, D-Bus and GLib, the C++ runtime (a driver such as Mesa links the system's newer one),
# and the zlib/expat every one of those uses. A bundled old copy loaded first breaks the
# system's newer libraries; the .deb depends on the packages instead (packaging/build-deb.sh).
_FROM_THE_SYSTEM = re.compile(
    r"lib(X11|X11-xcb|Xau|Xdmcp|Xext|Xrender|xcb(-[a-z-]+)?|xkbcommon(-x11)?|fontconfig|freetype"
    r"|expat|z|dbus-1|(glib|gobject|gio|gmodule|gthread)-2\.0|stdc\+\+|gcc_s"
    r"|GL|EGL|GLX|OpenGL|GLdispatch|wayland-(client|cursor|egl))\.so(\.\d+)*"
)
_SYSTEM_DIRS = ("/usr/", "/lib/", "/lib64/")


def _needed(path: str) -> list[str]:
    """The DT_NEEDED names of an ELF file (empty for anything else)."""
    done = subprocess.run(
        ["readelf", "--dynamic", "--wide", path], capture_output=True, text=True, check=False
    )
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", done.stdout)


def _is_root(name: str, typecode: str) -> bool:
    """Loaded by the bootloader, by Python's import or by Qt's plugin loader, not by the linker."""
    return (
        typecode == "EXTENSION"
        or name.startswith("PySide6/Qt/plugins/")
        or Path(name).name.startswith("libpython")
    )


def is_system_library(source: str) -> bool:
    return source.startswith(_SYSTEM_DIRS)


def select_binaries(binaries: Iterable[Entry]) -> list[Entry]:
    """The binaries worth bundling: no unused Qt plugin, no library the desktop provides, and
    no library that nothing kept links to (on Linux; other systems keep what they had)."""
    kept = [e for e in binaries if not _UNUSED_QT_PLUGIN.search(e[0].replace("\\", "/"))]
    if not sys.platform.startswith("linux"):
        return kept
    kept = [
        e
        for e in kept
        if not (is_system_library(e[1]) and _FROM_THE_SYSTEM.fullmatch(Path(e[0]).name))
    ]
    by_name: dict[str, list[Entry]] = {}
    for entry in kept:
        by_name.setdefault(Path(entry[0]).name, []).append(entry)
    reached: set[str] = set()
    pending = [e for e in kept if _is_root(e[0], e[2])]
    while pending:
        entry = pending.pop()
        if entry[0] not in reached:
            reached.add(entry[0])
            for needed in _needed(entry[1]):
                pending.extend(by_name.get(needed, []))
    return [e for e in kept if e[0] in reached]


def select_datas(datas: Iterable[Entry], binaries: Iterable[Entry]) -> list[Entry]:
    """The data files without Qt's translations, and without the links PyInstaller made to
    libraries that :func:`select_binaries` left out (a SYMLINK entry's source is its target)."""
    kept_binaries = {e[0] for e in binaries}
    return [
        e
        for e in datas
        if not e[0].replace("\\", "/").startswith(_QT_TRANSLATIONS)
        and (e[2] != "SYMLINK" or e[1] in kept_binaries)
    ]


def _distribution_licences(name: str, licences: Path) -> list[Path]:
    distribution = metadata.distribution(name)
    files = [
        f
        for f in distribution.files or []
        if f.parts[0].endswith(".dist-info") and _LICENCE_NAME.search(f.name)
    ]
    target = licences / name
    written = []
    for file in files:
        parts = file.parts[1:]
        relative = Path(*parts[1:]) if parts[0] == "licenses" and len(parts) > 1 else Path(*parts)
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(Path(str(distribution.locate_file(file))), destination)
        written.append(destination)
    return written


def _debian_copyright(library: Path) -> tuple[str, Path] | None:
    """The Debian package that installed ``library`` and its copyright file, if any."""
    if shutil.which("dpkg-query") is None:
        return None
    for candidate in dict.fromkeys((str(library), str(library.resolve()))):
        done = subprocess.run(
            ["dpkg-query", "--search", candidate], capture_output=True, text=True, check=False
        )
        if done.returncode == 0:
            package = done.stdout.split(":", 1)[0].strip()
            copyright_file = Path("/usr/share/doc") / package / "copyright"
            if copyright_file.is_file():
                return package, copyright_file
    return None


def write_licences(bundle: Path, root: Path, binaries: Iterable[Entry]) -> list[str]:
    """Put Lookalike's LICENSE at the top of ``bundle`` and every bundled component's licence
    texts under ``licenses/``; returns what could not be found (a build error)."""
    shutil.copyfile(root / "LICENSE", bundle / "LICENSE")
    licences = bundle / "licenses"
    shutil.rmtree(licences, ignore_errors=True)
    licences.mkdir()
    missing = []
    for name in DISTRIBUTIONS:
        written = _distribution_licences(name, licences)
        for fallback in _LICENCE_FALLBACK.get(name, ()):
            (licences / name).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / "packaging" / "licenses" / fallback, licences / name / fallback)
            written.append(licences / name / fallback)
        if not written:
            missing.append(f"no licence file for {name}")
    python_licence = Path(sysconfig.get_paths()["stdlib"]) / "LICENSE.txt"
    if python_licence.is_file():
        (licences / "Python").mkdir()
        shutil.copyfile(python_licence, licences / "Python" / "LICENSE.txt")
    else:
        missing.append(f"no {python_licence}")
    if not _distribution_licences("pyinstaller", licences):
        missing.append("no licence file for pyinstaller (its bootloader starts the bundle)")
    if sys.platform.startswith("linux"):
        for _name, source, typecode in binaries:
            if typecode == "SYMLINK" or not is_system_library(source):
                continue
            found = _debian_copyright(Path(source))
            if found is None:
                missing.append(f"no copyright file for {source}")
                continue
            package, copyright_file = found
            (licences / "system").mkdir(exist_ok=True)
            shutil.copyfile(copyright_file, licences / "system" / f"{package}.txt")
    return missing


def strip_debug_info(bundle: Path) -> int:
    """Remove the debug information that some libraries carry (libpython alone has 18 MB of it):
    nothing reads it at run time. Symbols and the dynamic section stay, so nothing that links or
    loads a library can tell. Returns the bytes saved."""
    if not sys.platform.startswith("linux") or shutil.which("strip") is None:
        return 0
    saved = 0
    for path in sorted(bundle.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        with path.open("rb") as file:
            if file.read(4) != b"\x7fELF":
                continue
        sections = subprocess.run(
            ["readelf", "--section-headers", "--wide", str(path)],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        if ".debug_info" not in sections:
            continue
        before = path.stat().st_size
        subprocess.run(["strip", "--strip-debug", str(path)], check=True)
        saved += before - path.stat().st_size
    return saved
