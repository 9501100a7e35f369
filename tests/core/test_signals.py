"""Signals sent to a real ``python -m lookalike scan``: the pool shuts down, nothing is left behind.

Each run is tagged with an environment variable that every process of its tree inherits (the
forkserver, its workers and ``resource_tracker`` too), so the test finds them in /proc however
they were re-parented.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import cv2
import numpy as np
import pytest

TAG_VAR = "LOOKALIKE_TEST_PROCESS_TAG"
WORKERS = 2  # as passed on the command line below


@pytest.fixture(scope="module")
def slow_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough noisy 6 MP PNGs (about 0.1 s each to fingerprint) to keep two workers busy for
    several seconds: the signal always arrives mid-scan."""
    folder = tmp_path_factory.mktemp("slow")
    rng = np.random.default_rng(7)
    img = cv2.GaussianBlur(rng.integers(0, 255, (2000, 3000, 3), dtype=np.uint8), (0, 0), 3)
    first = folder / "noise-000.png"
    cv2.imwrite(str(first), img)
    for i in range(1, 80):
        shutil.copyfile(first, folder / f"noise-{i:03d}.png")
    return folder


def tagged_processes(tag: str) -> list[tuple[int, int, str]]:
    """(pid, ppid, command line) of every live process carrying the tag."""
    found = []
    needle = f"{TAG_VAR}={tag}".encode()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as f:
                if needle not in f.read().split(b"\0"):
                    continue
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # gone meanwhile, or a kernel thread
        if stat.rpartition(")")[2].split()[0] == "Z":
            continue  # a zombie holds no memory and is reaped by its parent
        ppid = int(stat.rpartition(")")[2].split()[1])
        found.append((int(entry), ppid, cmdline))
    return found


def start_scan(folder: Path, tag: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, TAG_VAR: tag}
    return subprocess.Popen(
        [sys.executable, "-m", "lookalike", "scan", str(folder), "--no-cache", "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, as a terminal gives a command
    )


def wait_for_workers(proc: subprocess.Popen[bytes], tag: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the scan ended before the signal: {proc.communicate()}")
        procs = tagged_processes(tag)
        servers = {pid for pid, _, cmd in procs if "forkserver" in cmd}
        workers = [pid for pid, ppid, _ in procs if ppid in servers]
        if len(workers) >= WORKERS:
            return
        time.sleep(0.05)
    raise AssertionError("the workers never started")


def wait_until_gone(tag: str, seconds: float) -> list[tuple[int, int, str]]:
    deadline = time.monotonic() + seconds
    while (left := tagged_processes(tag)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")
@pytest.mark.parametrize(
    ("sig", "to_group"),
    [
        (signal.SIGTERM, False),
        (signal.SIGHUP, False),
        (signal.SIGINT, True),  # Ctrl+C: the terminal signals the whole foreground group
        (signal.SIGKILL, False),  # no chance to clean up: the workers must notice alone
    ],
    ids=["SIGTERM", "SIGHUP", "Ctrl+C", "SIGKILL"],
)
def test_a_signal_mid_scan_leaves_no_process_behind(
    slow_folder: Path, sig: signal.Signals, to_group: bool
) -> None:
    tag = uuid.uuid4().hex
    with start_scan(slow_folder, tag) as proc:
        try:
            wait_for_workers(proc, tag)
            if to_group:
                os.killpg(proc.pid, sig)
            else:
                os.kill(proc.pid, sig)
            _, err = proc.communicate(timeout=60)
            left = wait_until_gone(tag, 15)
        finally:
            if proc.poll() is None:
                proc.kill()
            for pid, _, _ in tagged_processes(tag):
                os.kill(pid, signal.SIGKILL)
    text = err.decode(errors="replace")
    assert left == [], f"still running after {sig.name} (pid, ppid, command): {left}\n{text}"
    if sig is signal.SIGKILL:
        assert proc.returncode == -signal.SIGKILL
        return
    assert proc.returncode == 128 + sig, text
    assert f"interrupted ({sig.name})" in text
    assert "Traceback" not in text


def test_a_worker_ignores_ctrl_c_before_its_initializer_runs() -> None:
    # A fresh process: the forkserver is started by the scan's own pool context, as in a scan.
    # No initializer, so only what the forkserver handed the worker at its birth counts.
    code = (
        "import signal\n"
        "from concurrent.futures import ProcessPoolExecutor\n"
        "from lookalike.core.pool import pool_context\n"
        "with ProcessPoolExecutor(1, pool_context()) as pool:\n"
        "    print(pool.submit(signal.getsignal, signal.SIGINT).result() is signal.SIG_IGN)\n"
        "print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.split() == ["True", "True"]  # the worker ignores it, the scan does not
