"""A cooperative cancel flag shared by the caller and a running scan or cleanup."""

from __future__ import annotations

import threading


class CancelledError(Exception):
    """Raised inside the engine to unwind a cancelled operation; never escapes ``run_scan``."""


class CancelToken:
    """Set from any thread; the engine checks it between small units of work."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise CancelledError
