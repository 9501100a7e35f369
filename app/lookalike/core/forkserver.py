"""Imported only by the scan's forkserver (``pool.pool_context`` preloads it), never by the
scan process: the workers it forks then ignore Ctrl+C from their first instruction.

The forkserver hands each child the SIGINT handler it found at its start; without this, a worker
still starting when Ctrl+C reaches the terminal's process group would die with a traceback
before its initializer (``pool.start_worker``) could ignore the signal.
"""

import signal

signal.signal(signal.SIGINT, signal.SIG_IGN)
