"""Entry point: ``python -m app`` / ``lookalike`` starts the window, or the CLI given arguments."""

from __future__ import annotations

import multiprocessing
import os
import sys

from lookalike.console import attach_parent_console
from lookalike.dependencies import missing_dependency_message


def opens_window_with_folders(args: list[str]) -> bool:
    """Folders alone (a file manager's "Open with", a drop on the launcher) open the window."""
    from lookalike.cli import COMMANDS

    return bool(args) and args[0] not in COMMANDS and all(os.path.isdir(a) for a in args)


def main() -> int:
    # First, before anything else: a frozen app's process-pool workers re-enter here.
    multiprocessing.freeze_support()
    args = sys.argv[1:]
    try:
        if opens_window_with_folders(args):
            from lookalike.gui.application import run_gui

            return run_gui([os.path.abspath(a) for a in args])
        if args:
            attach_parent_console()
            from lookalike.cli import main as cli_main

            return cli_main(args)
        from lookalike.gui.application import run_gui

        return run_gui()
    except ImportError as exc:
        # A missing package or system library gets one plain sentence, not a traceback.
        message = missing_dependency_message(exc)
        if message is None:
            raise
        if sys.stderr is not None:
            sys.stderr.write(message + "\n")
        return 2


if __name__ == "__main__":
    sys.exit(main())
