"""How fast the safe cleanup runs, and what its guarantees cost.

Creates N identical pairs in a temporary folder, then times, on the same files:
a dry run (stat + content re-hash of both files), a real trash batch (checks, journal lines,
send2trash, finding the .trashinfo), and the undo of that batch. Plain ``os.rename`` of the same
number of files is the floor. Run: ``.venv/bin/python tests/bench/bench_trash.py [N] [KB]``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import send2trash

from lookalike.core.cleanup.events import OutcomeStatus
from lookalike.core.cleanup.freedesktop import sync_send2trash_env
from lookalike.core.cleanup.journal import Journal
from lookalike.core.cleanup.plan import plan_cleanup
from lookalike.core.cleanup.runner import collect, execute, undo_last_batch
from lookalike.core.model import Group, MatchKind
from tests.core.cleanup.helpers import member


def _make(root: Path, n: int, kb: int) -> list[Group]:
    groups = []
    for i in range(n):
        data = os.urandom(kb * 1024)
        folder = root / f"d{i % 50}"
        folder.mkdir(parents=True, exist_ok=True)
        keep, copy = folder / f"{i}.jpg", folder / f"{i} copy.jpg"
        keep.write_bytes(data)
        copy.write_bytes(data)
        groups.append(Group(i, (member(keep, MatchKind.KEEPER), member(copy, MatchKind.IDENTICAL))))
    return groups


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    kb = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        os.environ["XDG_DATA_HOME"] = str(base / "share")
        groups = _make(base / "photos", n, kb)
        plan = plan_cleanup(
            groups, {g.members[1].path for g in groups}, roots=[str(base / "photos")]
        )
        journal = Journal(base / "journal")
        home_trash = base / "share" / "Trash"

        t = time.perf_counter()
        dry = collect(execute(plan, journal=journal, dry_run=True))
        t_dry = time.perf_counter() - t
        assert dry.count(OutcomeStatus.PLANNED) == n

        t = time.perf_counter()
        done = collect(execute(plan, journal=journal))
        t_trash = time.perf_counter() - t
        assert done.count(OutcomeStatus.TRASHED) == n, done.counts

        t = time.perf_counter()
        undo = collect(undo_last_batch(journal))
        t_undo = time.perf_counter() - t
        assert undo.count(OutcomeStatus.RESTORED) == n, undo.counts

        # send2trash alone on the same (restored) files: the cost of the guarantees is the rest.
        sync_send2trash_env()
        t = time.perf_counter()
        for g in groups:
            send2trash.send2trash(g.members[1].path)
        t_raw = time.perf_counter() - t
        collect(
            undo_last_batch(journal)
        )  # nothing left to undo in the journal: the files stay trashed
        for g in groups:
            os.rename(home_trash / "files" / os.path.basename(g.members[1].path), g.members[1].path)

        floor_dir = base / "floor"
        floor_dir.mkdir()
        t = time.perf_counter()
        for i, g in enumerate(groups):
            os.rename(g.members[1].path, floor_dir / str(i))
        t_floor = time.perf_counter() - t

        mb = n * kb / 1024
        print(f"{n} files of {kb} KB ({mb:.0f} MB re-hashed twice per check)")
        print(f"dry run (checks only): {t_dry:6.2f} s  {n / t_dry:8.0f} files/s")
        print(f"trash batch          : {t_trash:6.2f} s  {n / t_trash:8.0f} files/s")
        print(f"undo                 : {t_undo:6.2f} s  {n / t_undo:8.0f} files/s")
        print(f"send2trash alone     : {t_raw:6.2f} s  {n / t_raw:8.0f} files/s")
        print(f"os.rename floor      : {t_floor:6.2f} s  {n / t_floor:8.0f} files/s")
        print(f"journal size         : {journal.path.stat().st_size / n:.0f} bytes per file")


if __name__ == "__main__":
    main()
