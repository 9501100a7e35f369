"""The scan's worker processes: how they start, and why they never outlive the scan.

A worker blocks on its task queue, and it holds both ends of that queue itself, so it would wait
for ever if the scan process died without shutting the pool down (a SIGKILL, a crash, a GUI
killed at logout): the forkserver and ``resource_tracker`` would then stay too, since each worker
keeps their pipes open. Two guards make a worker exit on its own: the kernel's parent-death
signal (Linux) for its direct parent, and a thread watching the scan process's sentinel, which
becomes readable when that process is gone, whatever the start method or platform.

Ctrl+C reaches the whole terminal's process group; workers ignore it and let the scan process
shut the pool down in order (the same path SIGTERM and SIGHUP take in the CLI).
"""

from __future__ import annotations

import ctypes
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading

from lookalike.core.matching.fingerprint import init_worker

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
ORPHANED_EXIT_CODE = 70  # EX_SOFTWARE: the worker ended because its scan process was gone
BACKGROUND_NICENESS = 19  # the lowest CPU priority


def pool_context() -> multiprocessing.context.BaseContext:
    """The start method of the scan's pool: never fork, since the GUI process runs Qt threads
    and a forked child inherits their locks."""
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if "forkserver" in methods:
        # Workers fork from a server that already imported the decoders (~0.3 s each saved)
        # and ignores Ctrl+C on their behalf (core/forkserver.py).
        ctx.set_forkserver_preload([__name__, "lookalike.core.forkserver"])
    return ctx


def start_worker(crash_marker: str = "", background: bool = False) -> None:
    """Process-pool initializer of the scan: tie the worker's life to the scan, then set up the
    decoders (``init_worker``); a ``background`` scan's worker runs at the lowest priority."""
    if background:
        os.nice(BACKGROUND_NICENESS)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _set_parent_death_signal()
    _exit_when_parent_exits()
    init_worker(crash_marker)


def _set_parent_death_signal() -> None:
    # The direct parent is the forkserver (or the scan process under spawn); the forkserver
    # itself lives until its last worker exits, so this covers a forkserver that was killed.
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return  # no prctl in this libc: the sentinel watch below still applies


def _exit_when_parent_exits() -> None:
    parent = multiprocessing.parent_process()
    sentinel = parent.sentinel if parent is not None else None
    if sentinel is None:
        return  # not a pool worker (a benchmark calling the target in-process)

    def watch() -> None:
        # Ready (end of file) only once the scan process has closed its end, which the kernel
        # does when it dies. Checked once at start too, in case it died before we got here.
        multiprocessing.connection.wait([sentinel])
        os._exit(ORPHANED_EXIT_CODE)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
