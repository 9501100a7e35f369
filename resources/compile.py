"""Compile ``resources/app.qrc`` into ``app/lookalike/gui/resources_rc.py`` with ``pyside6-rcc``.

The output is generated, committed and never edited by hand (ruff and mypy skip it). Run after
changing anything listed in the .qrc::

    .venv/bin/python resources/compile.py           # rewrite app/lookalike/gui/resources_rc.py
    .venv/bin/python resources/compile.py --check   # exit 1 if the committed file is stale
"""

from __future__ import annotations

import argparse
import logging
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

log = logging.getLogger("compile")

ROOT = Path(__file__).resolve().parent.parent
QRC = ROOT / "resources" / "app.qrc"
OUTPUT = ROOT / "app" / "lookalike" / "gui" / "resources_rc.py"


def find_rcc() -> str:
    """The ``pyside6-rcc`` of the running interpreter's environment, else the one on PATH."""
    scripts = Path(sys.executable).parent
    for name in ("pyside6-rcc", "pyside6-rcc.exe"):
        candidate = scripts / name
        if candidate.exists():
            return str(candidate)
    found = shutil.which("pyside6-rcc")
    if found is None:
        raise FileNotFoundError("pyside6-rcc not found: pip install PySide6-Essentials")
    return found


def compile_to(target: Path) -> None:
    # zlib rather than rcc's default zstd: any QtCore build can read it, including distro
    # packages built without zstd. The PNGs are already compressed; only the SVG shrinks.
    # Format 1 stores no file timestamps, so the output depends only on the files' contents
    # and --check works on a fresh clone (git does not keep mtimes).
    subprocess.run(
        [
            find_rcc(),
            "--generator",
            "python",
            "--compress-algo",
            "zlib",
            "--format-version",
            "1",
            "-o",
            str(target),
            str(QRC),
        ],
        check=True,
        cwd=QRC.parent,
    )


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="only check that the committed output is current"
    )
    args = parser.parse_args(argv)
    if not args.check:
        compile_to(OUTPUT)
        log.info("wrote %s", OUTPUT.relative_to(ROOT))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / OUTPUT.name
        compile_to(fresh)
        if OUTPUT.exists() and fresh.read_bytes() == OUTPUT.read_bytes():
            log.info("%s is up to date", OUTPUT.relative_to(ROOT))
            return 0
    log.error("%s is stale: run python resources/compile.py", OUTPUT.relative_to(ROOT))
    return 1


if __name__ == "__main__":
    sys.exit(main())
