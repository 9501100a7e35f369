"""Standard output for the command line in a windowed Windows build, which starts without any.

The Windows bundle is built as a GUI program (no console window flashes up on a double-click),
so Windows gives it no standard streams: ``sys.stdout`` is None and every print is lost. When
such a build is run from a terminal with arguments (``lookalike --self-test``), attach to the
terminal's console so the output shows up there. Elsewhere this does nothing.
"""

from __future__ import annotations

import sys

_ATTACH_PARENT_PROCESS = -1


def attach_parent_console() -> None:
    """Point missing standard streams at the console of the terminal that started us."""
    # The platform check is written as a block so type checkers on other systems skip it.
    if sys.platform == "win32":
        if sys.stdout is not None and sys.stderr is not None:
            return
        import ctypes

        if not ctypes.windll.kernel32.AttachConsole(_ATTACH_PARENT_PROCESS):
            return  # started from Explorer: there is no console to write to
        # "CONOUT$" and "CONIN$" are the attached console's screen buffer and keyboard; the
        # streams stay open for the life of the process, like the ones they replace.
        if sys.stdout is None:
            sys.stdout = open("CONOUT$", "w", encoding="utf-8")  # noqa: SIM115
        if sys.stderr is None:
            sys.stderr = open("CONOUT$", "w", encoding="utf-8")  # noqa: SIM115
        if sys.stdin is None:
            sys.stdin = open("CONIN$", encoding="utf-8")  # noqa: SIM115
