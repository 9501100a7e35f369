"""What Lookalike was started with: the window or a command, and, for the window, the folders to
add and why each other path cannot be used.

A file manager passes folders and files through the desktop entry's ``%F`` ("Open with", a drop
on the icon); a terminal may pass anything. The window opens whatever it is given: folders are
added, a file adds its folder, and the rest is listed with its reason. Qt-free.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass

from lookalike.core import words


@dataclass(frozen=True, slots=True)
class Unusable:
    """A path given at start that adds no folder, and why, in words."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class LaunchPaths:
    """The folders to open the window with (absolute, each once, in the order given) and the
    paths that could not be used."""

    folders: tuple[str, ...] = ()
    unusable: tuple[Unusable, ...] = ()


def opens_window(args: Sequence[str]) -> bool:
    """No arguments, or paths alone, open the window; a command or any option is for the CLI."""
    from lookalike.cli import COMMANDS

    if not args:
        return True
    return args[0] not in COMMANDS and not any(arg.startswith("-") for arg in args)


def _folder_for(path: str) -> str | Unusable:
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return Unusable(path, words.opened_path_not_found())
    except PermissionError:
        return Unusable(path, words.opened_path_no_access())
    except OSError as exc:  # a link loop, a name too long, an I/O error
        return Unusable(path, words.opened_path_error(exc.strerror or str(exc)))
    if stat.S_ISDIR(info.st_mode):
        folder = path
    elif stat.S_ISREG(info.st_mode):
        folder = os.path.dirname(path)
    else:
        return Unusable(path, words.opened_path_special())
    if not os.access(folder, os.R_OK | os.X_OK):
        reason = (
            words.opened_path_no_access() if folder == path else words.opened_folder_no_access()
        )
        return Unusable(path, reason)
    return folder


def sort_paths(args: Sequence[str]) -> LaunchPaths:
    """Which folders ``args`` add to the window, and which paths cannot be used and why."""
    folders: dict[str, None] = {}
    unusable: list[Unusable] = []
    for arg in args:
        found = _folder_for(os.path.normpath(os.path.abspath(arg)))
        if isinstance(found, Unusable):
            unusable.append(Unusable(arg, found.reason))
        else:
            folders.setdefault(found, None)
    return LaunchPaths(tuple(folders), tuple(unusable))
