"""The session without a window, on the real engine, the real trash (in the test's XDG folder)
and real result files: scan, cancel, a crash, trash and undo, save and open, shutdown."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from pytestqt.qtbot import QtBot

from lookalike.core.cancel import CancelToken
from lookalike.core.events import GroupFound, ScanEvent
from lookalike.core.model import ScanMode, ScanOptions, ScanResult, ScanSummary
from lookalike.core.report import ReportError
from lookalike.core.scan import run_scan
from lookalike.gui.cleanup import CleanupChoice, CleanupReport
from lookalike.gui.results_model import SortKey
from lookalike.gui.session import OPENING, Session
from lookalike.gui.workers import Failure
from tests.gui.photo_tree import PhotoTree, make_photo_tree

TIMEOUT_MS = 120_000


def _options(tree: PhotoTree) -> ScanOptions:
    return ScanOptions(roots=(str(tree.root),), mode=ScanMode.SIMILAR, workers=1)


def _scan(qtbot: QtBot, session: Session, options: ScanOptions) -> ScanSummary:
    with qtbot.waitSignal(session.scan_finished, timeout=TIMEOUT_MS) as finished:
        assert session.start_scan(options)
        assert session.is_busy()
    summary = finished.args[0]
    assert isinstance(summary, ScanSummary)
    return summary


def test_a_scan_fills_the_model_and_the_skipped_list(qtbot: QtBot, tmp_path: Path) -> None:
    tree = make_photo_tree(tmp_path / "photos", groups=3, singles=2)
    session = Session()
    options = _options(tree)
    summary = _scan(qtbot, session, options)
    assert not summary.cancelled
    assert summary.groups == 3
    assert not session.is_busy()
    assert session.scan_worker is None
    assert session.last_summary == summary
    assert session.last_options == options
    model = session.results_model
    assert model.rowCount() == 3
    for original, copy, small in zip(tree.originals, tree.copies, tree.resized, strict=True):
        (group,) = [g for g in model.groups() if str(original) in {m.path for m in g.members}]
        assert {m.path for m in group.members} == {str(original), str(copy), str(small)}
    assert [s.path for s in session.skipped] == [str(tree.broken[0])]
    # Sorted by the session's order once the scan ends: most reclaimable space first.
    reclaimable = [g.reclaimable_bytes for g in model.groups()]
    assert reclaimable == sorted(reclaimable, reverse=True)


def test_a_second_call_while_busy_is_refused(qtbot: QtBot, tmp_path: Path) -> None:
    tree = make_photo_tree(tmp_path / "photos", groups=2, singles=0, broken=False)
    session = Session()
    with qtbot.waitSignal(session.scan_finished, timeout=TIMEOUT_MS):
        assert session.start_scan(_options(tree))
        worker = session.scan_worker
        assert not session.start_scan(_options(tree))
        assert not session.open_results(str(tmp_path / "any.json"))
        assert not session.undo_last_cleanup()
        assert session.scan_worker is worker
        assert session.file_task is None
        assert session.cleanup_worker is None


def test_cancel_ends_the_scan_with_a_cancelled_summary(qtbot: QtBot, tmp_path: Path) -> None:
    tree = make_photo_tree(tmp_path / "photos", groups=40, singles=0, size=(200, 150))
    session = Session()
    with qtbot.waitSignal(session.scan_finished, timeout=TIMEOUT_MS) as finished:
        assert session.start_scan(_options(tree))
        assert session.cancel()
        assert session.is_cancelling()
        assert not session.cancel()  # once is enough
    assert finished.args[0].cancelled
    assert not session.is_busy()
    assert not session.is_cancelling()


def test_a_crashing_scan_fails_and_keeps_what_was_found(qtbot: QtBot, tmp_path: Path) -> None:
    tree = make_photo_tree(tmp_path / "photos", groups=2, singles=0, broken=False)

    def scan_then_crash(options: ScanOptions, cancel: CancelToken) -> Iterator[ScanEvent]:
        for event in run_scan(options, cancel):
            yield event
            if isinstance(event, GroupFound):
                raise RuntimeError("grouping exploded")

    session = Session(scan_then_crash)
    with qtbot.waitSignal(session.scan_failed, timeout=TIMEOUT_MS) as failed:
        assert session.start_scan(_options(tree))
    failure = failed.args[0]
    assert isinstance(failure, Failure)
    assert isinstance(failure.error, RuntimeError)
    assert "grouping exploded" in failure.details
    assert not session.is_busy()
    assert session.results_model.rowCount() >= 1


def test_trash_then_undo(qtbot: QtBot, tmp_path: Path) -> None:
    tree = make_photo_tree(tmp_path / "photos", groups=2, singles=0, broken=False)
    session = Session()
    _scan(qtbot, session, _options(tree))
    model = session.results_model
    model.select_duplicates()
    doomed = model.checked_paths()
    keepers = {g.keeper.path for g in model.groups()}
    assert len(doomed) == 4
    plan = session.plan_cleanup(doomed)
    assert sorted(f.member.path for f in plan.files) == sorted(doomed)
    assert plan.refused == ()

    with qtbot.waitSignal(session.cleanup_finished, timeout=TIMEOUT_MS) as cleaned:
        assert session.clean(plan, CleanupChoice())
        assert session.is_busy()
        assert session.is_cleaning()
        assert not session.undo_last_cleanup()  # one batch at a time
    cleanup = cleaned.args[0]
    assert isinstance(cleanup, CleanupReport)
    assert sorted(cleanup.done_paths) == sorted(doomed)
    assert not any(os.path.exists(p) for p in doomed)
    assert all(os.path.isfile(p) for p in keepers)
    trash_files = Path(os.environ["XDG_DATA_HOME"]) / "Trash" / "files"
    assert len(list(trash_files.iterdir())) == len(doomed)
    assert model.rowCount() == 0  # groups left with one member are gone
    assert session.can_undo
    assert session.last_cleanup is cleanup

    with qtbot.waitSignal(session.cleanup_finished, timeout=TIMEOUT_MS) as undone:
        assert session.undo_last_cleanup()
    restored = undone.args[0]
    assert isinstance(restored, CleanupReport)
    assert restored.is_undo
    assert restored.batch.done == len(doomed)
    assert all(os.path.isfile(p) for p in doomed)
    assert not session.can_undo
    assert session.last_cleanup is restored


def test_reference_folders_of_the_scan_are_never_trashed(qtbot: QtBot, tmp_path: Path) -> None:
    tree = make_photo_tree(tmp_path / "photos", groups=1, singles=0, resized=False, broken=False)
    archive = tmp_path / "archive"
    archive.mkdir()
    archived = archive / tree.originals[0].name
    archived.write_bytes(tree.originals[0].read_bytes())
    options = ScanOptions(
        roots=(str(tree.root), str(archive)),
        reference_roots=(str(archive),),
        mode=ScanMode.EXACT,
        workers=1,
    )
    session = Session()
    _scan(qtbot, session, options)
    (group,) = session.results_model.groups()
    assert str(archived) in {m.path for m in group.members}
    # Asked for the copies and the archived one too: the plan refuses the reference file,
    # whatever the caller asks, so it is never acted on.
    everything = [m.path for m in group.members]
    plan = session.plan_cleanup(everything)
    assert str(archived) in {r.path for r in plan.refused}
    assert str(archived) not in {f.member.path for f in plan.files}
    with qtbot.waitSignal(session.cleanup_finished, timeout=TIMEOUT_MS) as cleaned:
        assert session.clean(plan, CleanupChoice())
    cleanup = cleaned.args[0]
    assert isinstance(cleanup, CleanupReport)
    assert archived.is_file()
    assert str(archived) not in cleanup.done_paths


def test_save_then_open_in_another_session(qtbot: QtBot, tmp_path: Path) -> None:
    tree = make_photo_tree(tmp_path / "photos", groups=2, singles=0)
    session = Session()
    options = _options(tree)
    _scan(qtbot, session, options)
    session.results_model.select_duplicates()
    marked = sorted(session.results_model.checked_paths())
    saved_path = str(tmp_path / "review.json")
    with qtbot.waitSignal(session.results_saved, timeout=TIMEOUT_MS) as saved:
        assert session.save_results(saved_path, session.current_result(options))
        assert session.is_busy()
    assert saved.args == [saved_path]
    csv_path = str(tmp_path / "review.csv")
    with qtbot.waitSignal(session.results_saved, timeout=TIMEOUT_MS):
        assert session.export_csv(csv_path, session.current_result(options))
    assert str(tree.copies[0]) in Path(csv_path).read_text(encoding="utf-8")

    again = Session()
    again.sort_key = SortKey.FOLDER
    with qtbot.waitSignal(again.results_loaded, timeout=TIMEOUT_MS) as loaded:
        assert again.open_results(saved_path)
    result = loaded.args[0]
    assert isinstance(result, ScanResult)
    assert not again.is_busy()
    assert again.results_model.rowCount() == 2
    assert sorted(again.results_model.checked_paths()) == marked
    assert [s.path for s in again.skipped] == [str(tree.broken[0])]
    assert again.last_options is not None
    assert again.last_options.roots == (str(tree.root),)
    assert again.last_options.mode is ScanMode.SIMILAR
    assert again.last_summary == session.last_summary
    assert not again.can_undo


def test_opening_a_bad_file_fails_with_the_reason(qtbot: QtBot, tmp_path: Path) -> None:
    bad = tmp_path / "notes.json"
    bad.write_text('{"hello": "world"}', encoding="utf-8")
    session = Session()
    with qtbot.waitSignal(session.file_task_failed, timeout=TIMEOUT_MS) as failed:
        assert session.open_results(str(bad))
    description, failure = failed.args
    assert description == OPENING
    assert isinstance(failure, Failure)
    assert isinstance(failure.error, ReportError)
    assert "not a Lookalike result file" in str(failure.error)
    assert session.file_task is None
    assert session.results_model.rowCount() == 0


def test_shutdown_during_a_scan_waits_for_the_worker(qtbot: QtBot, tmp_path: Path) -> None:
    tree = make_photo_tree(tmp_path / "photos", groups=40, singles=0, size=(200, 150))
    session = Session()
    assert session.start_scan(_options(tree))
    assert session.shutdown(TIMEOUT_MS)
    assert session.pool.activeThreadCount() == 0
    assert session.scan_worker is not None
    assert session.scan_worker.is_cancelled
