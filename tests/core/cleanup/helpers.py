"""Builders shared by the cleanup tests: real files on disk described as scanned groups, and
short ways to read a batch's outcomes."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lookalike.core import hashing
from lookalike.core.cleanup.events import ActionKind, BatchReport, FileOutcome, OutcomeStatus
from lookalike.core.cleanup.journal import Journal
from lookalike.core.cleanup.plan import Plan, plan_cleanup
from lookalike.core.cleanup.runner import collect, execute, undo_last_batch
from lookalike.core.model import Group, MatchKind, Member


def member(
    path: Path, match: MatchKind = MatchKind.IDENTICAL, *, is_reference: bool = False
) -> Member:
    """Describe a real file the way the scan would, stat and content hash included."""
    st = path.stat()
    return Member(
        path=str(path),
        size=st.st_size,
        mtime_ns=st.st_mtime_ns,
        width=64,
        height=48,
        match=match,
        score=1.0 if match in (MatchKind.KEEPER, MatchKind.IDENTICAL) else 0.9,
        is_reference=is_reference,
        content_hash=hashing.file_digest(str(path)),
        format="jpeg",
    )


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def identical_group(
    group_id: int, folder: Path, names: list[str], data: bytes, *, reference: int | None = None
) -> Group:
    """A group of byte-identical files; ``names[0]`` is the keeper."""
    members = []
    for i, name in enumerate(names):
        p = write(folder / name, data)
        kind = MatchKind.KEEPER if i == 0 else MatchKind.IDENTICAL
        members.append(member(p, kind, is_reference=(i == reference)))
    return Group(group_id, tuple(members))


def similar_group(group_id: int, folder: Path, names: list[str], seed: bytes) -> Group:
    """A group of different files said to show the same picture; ``names[0]`` is the keeper."""
    members = []
    for i, name in enumerate(names):
        p = write(folder / name, seed * (i + 2))
        members.append(member(p, MatchKind.KEEPER if i == 0 else MatchKind.SIMILAR))
    return Group(group_id, tuple(members))


def home_trash() -> Path:
    return Path(os.environ["XDG_DATA_HOME"]) / "Trash"


def trashinfo_paths() -> dict[str, str]:
    """``Path=`` of every .trashinfo in the home trash, by trashed name."""
    info = home_trash() / "info"
    if not info.is_dir():
        return {}
    out = {}
    for f in info.glob("*.trashinfo"):
        for line in f.read_text().splitlines():
            if line.startswith("Path="):
                out[f.name[: -len(".trashinfo")]] = line[len("Path=") :]
    return out


def can_make_immutable(probe_dir: Path) -> bool:
    """``chattr +i`` needs CAP_LINUX_IMMUTABLE and a file system that supports it."""
    if shutil.which("chattr") is None:
        return False
    probe_dir.mkdir(parents=True, exist_ok=True)
    ok = subprocess.run(["chattr", "+i", str(probe_dir)], capture_output=True).returncode == 0
    if ok:
        subprocess.run(["chattr", "-i", str(probe_dir)], check=True)
    return ok


@contextlib.contextmanager
def read_only_dir(path: Path) -> Iterator[None]:
    """Make a folder refuse changes for real: permission bits for a normal user; as root (who
    ignores them) the immutable attribute. The caller skips when neither is possible."""
    if os.geteuid() != 0:
        path.chmod(0o555)
        try:
            yield
        finally:
            path.chmod(0o755)
        return
    subprocess.run(["chattr", "+i", str(path)], check=True)
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def read_only_possible(tmp_path: Path) -> bool:
    return os.geteuid() != 0 or can_make_immutable(tmp_path / "probe-immutable")


def outcome_of(report: BatchReport, path: str) -> FileOutcome:
    return {o.path: o for o in report.outcomes}[path]


def status_of(report: BatchReport, path: str) -> OutcomeStatus:
    return outcome_of(report, path).status


def plan_in(root: Path, groups: list[Group], selected: set[str], **kw: Any) -> Plan:
    """Plan as a scan of ``root`` would (``root`` is the one scanned folder)."""
    return plan_cleanup(groups, selected, roots=[str(root)], **kw)


def run_trash(plan: Plan, **kw: Any) -> BatchReport:
    return collect(execute(plan, **kw))


def run_move(plan: Plan, destination: str, **kw: Any) -> BatchReport:
    return collect(execute(plan, ActionKind.MOVE, destination=destination, **kw))


def run_hardlink(plan: Plan, **kw: Any) -> BatchReport:
    return collect(execute(plan, ActionKind.HARDLINK, **kw))


def run_undo(journal: Journal, **kw: Any) -> BatchReport:
    return collect(undo_last_batch(journal, **kw))
