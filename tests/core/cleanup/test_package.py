"""The cleanup package is engine code: every module of it imports without Qt."""

from __future__ import annotations

import subprocess
import sys


def test_cleanup_never_imports_qt() -> None:
    code = (
        "import pkgutil, importlib, sys, lookalike.core.cleanup as c\n"
        "names = [m.name for m in pkgutil.iter_modules(c.__path__)]\n"
        "for name in names:\n"
        "    importlib.import_module('lookalike.core.cleanup.' + name)\n"
        "assert len(names) >= 7, names\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
