"""Standard output for the command line in a windowed Windows build, which starts without any.

The Windows bundle is built as a GUI program (no console window flashes up on a double-click),
so its ``sys.stdout`` and ``sys.stderr`` are None and every print would be lost. When such a
build is run with arguments (``lookalike --self-test``), reconnect the streams: to the pipes or
files the caller redirected them to (a script, Git Bash, ``> out.txt``), else to the console of
the terminal that started it (cmd.exe, PowerShell). Elsewhere this does nothing.
"""

from __future__ import annotations

import sys
from typing import TextIO

_ATTACH_PARENT_PROCESS = -1
_STD_HANDLES = {"stdin": -10, "stdout": -11, "stderr": -12}  # GetStdHandle's STD_*_HANDLE


def attach_parent_console() -> None:
    """Give a windowed Windows build working standard streams when it was started with some."""
    # The platform check is written as a block so type checkers on other systems skip it.
    if sys.platform == "win32":
        if sys.stdout is not None and sys.stderr is not None:
            return
        for name in ("stdout", "stderr", "stdin"):
            if getattr(sys, name) is None:
                stream = _inherited_stream(name)
                if stream is not None:
                    setattr(sys, name, stream)
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


def _inherited_stream(name: str) -> TextIO | None:
    """The pipe or file handle the parent passed for ``name``, wrapped as a text stream."""
    stream: TextIO | None = None
    if sys.platform == "win32":
        import ctypes
        import msvcrt
        import os

        get_std_handle = ctypes.windll.kernel32.GetStdHandle
        get_std_handle.restype = ctypes.c_void_p  # a HANDLE is pointer-sized
        handle = get_std_handle(_STD_HANDLES[name])
        # None or 0: no handle; c_void_p(-1): INVALID_HANDLE_VALUE.
        if handle not in (None, 0, ctypes.c_void_p(-1).value):
            reading = name == "stdin"
            try:
                fd = msvcrt.open_osfhandle(handle, os.O_RDONLY if reading else os.O_WRONLY)
                stream = open(fd, "r" if reading else "w", encoding="utf-8")  # noqa: SIM115
            except OSError:
                stream = None  # e.g. the handle of a console we are not attached to
    return stream
