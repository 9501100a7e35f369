"""What Lookalike needs installed, and the plain message shown when part of it is missing.

Stdlib only: this runs exactly when the third-party packages cannot be imported.
"""

from __future__ import annotations

import re
import sys
from importlib import metadata
from typing import NamedTuple

# Import name -> the distribution to install (as listed in pyproject.toml).
PACKAGES = {
    "PySide6": "PySide6-Essentials",
    "shiboken6": "PySide6-Essentials",
    "cv2": "opencv-python-headless",
    "numpy": "numpy",
    "send2trash": "send2trash",
    "platformdirs": "platformdirs",
    "PIL": "pillow",
}


class Component(NamedTuple):
    """A third-party package Lookalike is built on, as Help → About lists it."""

    distribution: str
    name: str
    licence: str
    url: str


COMPONENTS = (
    Component(
        "PySide6-Essentials",
        "Qt for Python (PySide6)",
        "LGPL-3.0",
        "https://www.qt.io/qt-for-python",
    ),
    Component("opencv-python-headless", "OpenCV", "Apache-2.0", "https://opencv.org"),
    Component("numpy", "NumPy", "BSD-3-Clause", "https://numpy.org"),
    Component("pillow", "Pillow", "MIT-CMU (HPND)", "https://python-pillow.org"),
    Component(
        "send2trash", "Send2Trash", "BSD-3-Clause", "https://github.com/arsenetar/send2trash"
    ),
    Component("platformdirs", "platformdirs", "MIT", "https://github.com/tox-dev/platformdirs"),
)


def installed_version(distribution: str) -> str | None:
    """The version in the package's metadata, or None when the metadata is not there (a bundle
    built without it would show no versions in Help → About)."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


# Shared libraries Qt's wheels expect from the system, and the Debian/Ubuntu package with each.
SYSTEM_LIBRARIES = {
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libOpenGL.so.0": "libopengl0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libX11.so.6": "libx11-6",
}

_SHARED_OBJECT = re.compile(r"(lib[\w.+-]+\.so(?:\.\d+)*)")


def missing_dependency_message(exc: ImportError) -> str | None:
    """A one-paragraph explanation of ``exc`` for the user, or None if it is not a missing
    dependency (then it is a bug and should surface as one)."""
    if isinstance(exc, ModuleNotFoundError) and exc.name:
        top_level = exc.name.partition(".")[0]
        distribution = PACKAGES.get(top_level)
        if distribution is not None:
            return (
                f"Lookalike needs the Python package {distribution}: "
                f"{sys.executable} -m pip install {distribution}"
            )
        return None
    text = str(exc)
    if "cannot open shared object file" in text:
        match = _SHARED_OBJECT.search(text)
        library = match.group(1) if match else text
        package = SYSTEM_LIBRARIES.get(library)
        hint = f"sudo apt-get install {package}" if package else "see the README's Troubleshooting"
        return (
            f"Lookalike could not load the system library {library}, which Qt needs. "
            f"On Debian or Ubuntu: {hint}"
        )
    if "DLL load failed" in text:
        return (
            f"Lookalike could not load a system library ({text}). On Windows, install the "
            "latest Microsoft Visual C++ Redistributable."
        )
    return None
