"""Where Lookalike keeps its cache, journal and logs, with a fallback for read-only homes."""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

import platformdirs

log = logging.getLogger(__name__)

_APP = "lookalike"


def _writable_dir(preferred: str, kind: str) -> Path:
    """Return ``preferred`` created if possible, else a per-user folder in the temp dir."""
    path = Path(preferred)
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".write-test-{os.getpid()}"
        probe.touch()
        probe.unlink()
        return path
    except OSError as exc:
        fallback = (
            Path(tempfile.gettempdir())
            / f"{_APP}-{os.getuid() if hasattr(os, 'getuid') else 'user'}"
            / kind
        )
        fallback.mkdir(parents=True, exist_ok=True)
        log.warning("%s folder %s is not writable (%s); using %s", kind, path, exc, fallback)
        return fallback


def cache_dir() -> Path:
    return _writable_dir(platformdirs.user_cache_dir(_APP), "cache")


def data_dir() -> Path:
    return _writable_dir(platformdirs.user_data_dir(_APP), "data")


def log_dir() -> Path:
    return _writable_dir(platformdirs.user_log_dir(_APP), "logs")


def default_cache_path() -> str:
    return str(cache_dir() / "fingerprints.sqlite3")
