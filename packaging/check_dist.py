"""Check a built wheel and sdist hold what a pip user and a packager need (CI runs it).

    python packaging/check_dist.py dist/

The wheel: the licence, the desktop entry, metainfo and icons as package data, the one `lookalike`
launcher (a GUI script), the SPDX licence and the version of ``lookalike/__init__.py``. The sdist:
the licence, the tests, the recipes and the constraints files. Exits 1 naming what is missing.
"""

from __future__ import annotations

import argparse
import re
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARE = ROOT / "app" / "lookalike" / "share"


def _version() -> str:
    text = (ROOT / "app" / "lookalike" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"$', text, re.MULTILINE)
    if match is None:
        raise SystemExit("no __version__ in app/lookalike/__init__.py")
    return match.group(1)


def _share_files() -> list[str]:
    return sorted(str(p.relative_to(SHARE)) for p in SHARE.rglob("*") if p.is_file())


def check_wheel(path: Path, version: str) -> list[str]:
    problems = []
    with zipfile.ZipFile(path) as wheel:
        names = set(wheel.namelist())
        info = f"lookalike-{version}.dist-info"
        if f"{info}/licenses/LICENSE" not in names:
            problems.append("no LICENSE in the wheel's .dist-info/licenses")
        for name in _share_files():
            if f"lookalike/share/{name}" not in names:
                problems.append(f"no lookalike/share/{name} in the wheel")
        metadata = Parser().parsestr(wheel.read(f"{info}/METADATA").decode("utf-8"))
        if metadata["Version"] != version:
            problems.append(f"wheel version {metadata['Version']}, __init__.py says {version}")
        if metadata["License-Expression"] != "GPL-3.0-or-later":
            problems.append(f"License-Expression is {metadata['License-Expression']!r}")
        entry_points = wheel.read(f"{info}/entry_points.txt").decode("utf-8")
        if entry_points.split() != ["[gui_scripts]", "lookalike", "=", "lookalike.__main__:main"]:
            problems.append(f"unexpected entry points: {entry_points!r}")
    return problems


def check_sdist(path: Path, version: str) -> list[str]:
    top = f"lookalike-{version}"
    with tarfile.open(path) as sdist:
        names = set(sdist.getnames())
    wanted = [
        "LICENSE",
        "README.md",
        "pyproject.toml",
        "tests/conftest.py",
        "tests/core/test_scan.py",
        "tests/e2e/test_packaging.py",
        "packaging/lookalike.spec",
        "packaging/constraints-minimum.txt",
        "packaging/requirements-bundle.txt",
        *(f"app/lookalike/share/{name}" for name in _share_files()),
    ]
    return [f"no {name} in the sdist" for name in wanted if f"{top}/{name}" not in names]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dist", type=Path, help="the folder python -m build wrote")
    args = parser.parse_args()
    version = _version()
    wheel = args.dist / f"lookalike-{version}-py3-none-any.whl"
    sdist = args.dist / f"lookalike-{version}.tar.gz"
    problems = [f"missing {p}" for p in (wheel, sdist) if not p.is_file()]
    if not problems:
        problems = check_wheel(wheel, version) + check_sdist(sdist, version)
    for problem in problems:
        print(f"check_dist: {problem}", file=sys.stderr)
    if not problems:
        print(f"check_dist: {wheel.name} and {sdist.name} hold the licence and the desktop files")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
