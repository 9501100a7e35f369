"""Entry point: ``python -m lookalike`` / ``lookalike`` starts the window (also with folders or
files, as a file manager passes them), or the CLI given a command or an option."""

from __future__ import annotations

import multiprocessing
import sys

from lookalike.console import attach_parent_console
from lookalike.dependencies import missing_dependency_message
from lookalike.launcher import opens_window, sort_paths


def main() -> int:
    # First, before anything else: a frozen app's process-pool workers re-enter here.
    multiprocessing.freeze_support()
    args = sys.argv[1:]
    try:
        if opens_window(args):
            from lookalike.gui.application import run_gui

            return run_gui(sort_paths(args))
        attach_parent_console()
        from lookalike.cli import main as cli_main

        return cli_main(args)
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
