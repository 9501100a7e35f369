"""One review session without widgets: the running workers, the results of the last scan (or
the result file opened), the cleanup and its undo state.

The window turns clicks into calls here and the signals back into what it shows; the session
itself asks nothing and shows nothing, so it runs, and is tested, without a window. Work runs on
the session's own ``QThreadPool`` through the workers in ``lookalike.gui.workers``; nothing here
reads files on the GUI thread.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import logging
import os
from collections.abc import Callable, Collection
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

from lookalike.core import ranking, report
from lookalike.core.cleanup.events import BatchProgress
from lookalike.core.cleanup.plan import Plan, plan_cleanup
from lookalike.core.events import Progress
from lookalike.core.model import (
    Group,
    Member,
    Rule,
    ScanMode,
    ScanOptions,
    ScanResult,
    ScanSummary,
    Sensitivity,
    Skipped,
)
from lookalike.core.not_duplicates import Choice, ChoiceKind, NotDuplicates
from lookalike.gui.cleanup import CleanupChoice, CleanupReport, CleanupWorker
from lookalike.gui.i18n import QT_TRANSLATE_NOOP
from lookalike.gui.levels import LevelsWorker
from lookalike.gui.memory import Memory
from lookalike.gui.results_model import ResultsModel, SortKey
from lookalike.gui.scan_worker import ScanFunction, ScanWorker
from lookalike.gui.workers import Failure, OneShotWorker

log = logging.getLogger(__name__)

# Marked for translation; the window shows them through QCoreApplication.translate.
SAVING = QT_TRANSLATE_NOOP("Session", "Saving the results")
EXPORTING = QT_TRANSLATE_NOOP("Session", "Exporting the results")
OPENING = QT_TRANSLATE_NOOP("Session", "Opening the result file")


class Session(QObject):
    """The scan, its results, the cleanup with undo, and the result files. At most one of a
    scan, a cleanup and a file task runs at a time; a call while one runs is refused (returns
    False)."""

    scan_progress_changed = Signal(object)  # Progress; not after Cancel
    file_skipped = Signal(object)  # Skipped, also appended to ``skipped``
    scan_finished = Signal(object)  # ScanSummary; also after a cancel
    scan_failed = Signal(object)  # Failure
    cleanup_progress_changed = Signal(object)  # BatchProgress
    cleanup_finished = Signal(object)  # CleanupReport; also after a cancel
    cleanup_failed = Signal(object)  # Failure
    results_saved = Signal(str)  # the file written (results or CSV)
    results_loaded = Signal(object)  # ScanResult, now in the model
    file_task_failed = Signal(str, object)  # what was being done, Failure
    not_duplicates_changed = Signal()  # the memory was read, or a choice remembered or forgotten
    not_duplicates_remembered = Signal(object)  # Choice, saved
    keepers_changed = Signal(int)  # groups whose keeper a person's choice or rules changed

    def __init__(
        self,
        scan: ScanFunction | None = None,
        parent: QObject | None = None,
        not_duplicates: NotDuplicates | None = None,
        prepare_levels: bool = False,
    ) -> None:
        """``prepare_levels``: once idle after a similar-photos scan, regroup its files at the
        other sensitivity levels in the background (`LevelsWorker`), so that switching to one
        takes seconds."""
        super().__init__(parent)
        self._scan_function = scan  # None: the engine's run_scan
        self.prepare_levels = prepare_levels
        self.levels_worker: LevelsWorker | None = None
        # The levels whose pairs the cache holds for the last scan's files (a regroup there
        # measures nothing).
        self.ready_levels: set[Sensitivity] = set()
        # Its file is read and written on a worker thread; None: the user's own.
        self.memory = Memory(not_duplicates, self)
        self.memory.loaded.connect(self.not_duplicates_changed)
        self.memory.remembered.connect(self._on_memory_remembered)
        self.memory.forgotten.connect(self._on_memory_forgotten)
        self.memory.failed.connect(self.file_task_failed)
        self._kept_checks: set[str] | None = None  # marks to bring back after a regroup
        # The selection rules that choose every group's keeper (none: Lookalike's own rank),
        # and the files a person made keepers by hand since: kept keepers when groups change.
        self.keeper_rules: tuple[Rule, ...] = ()
        self._hand_keepers: set[str] = set()
        self.pool = QThreadPool(self)
        # One scan, one cleanup, and the background levels (a cancelled one may still be
        # finishing its batch of pairs while the next scan starts).
        self.pool.setMaxThreadCount(3)
        self.results_model = ResultsModel(self)
        self.sort_key = SortKey.RECLAIMABLE  # the order after a scan or an open
        self.scan_worker: ScanWorker | None = None
        self.cleanup_worker: CleanupWorker | None = None
        self.file_task: OneShotWorker | None = None
        self.skipped: list[Skipped] = []
        self.files_found = 0  # by the running or last scan's walk
        self.last_summary: ScanSummary | None = None
        self.last_options: ScanOptions | None = None
        self.last_cleanup: CleanupReport | None = None
        self.can_undo = False
        # The groups as they were before the last cleanup took files out of them, and what it
        # took: an undo puts the files it restores back into their groups from these.
        self._groups_before_cleanup: list[Group] = []
        self._cleaned_paths: set[str] = set()
        self.restored_into_groups = 0  # files the last undo put back into the results
        # Results or marks that a save would keep and that are not in a file yet.
        self.results_unsaved = False
        self.results_model.selection_changed.connect(self._on_model_selection_changed)

    # --- state ----------------------------------------------------------------------------

    def is_scanning(self) -> bool:
        return self.scan_worker is not None

    def is_cleaning(self) -> bool:
        return self.cleanup_worker is not None

    def is_cancelling(self) -> bool:
        """Whether the running scan or cleanup was asked to stop and has not ended yet."""
        worker = self.scan_worker or self.cleanup_worker
        return worker is not None and worker.is_cancelled

    def is_busy(self) -> bool:
        return (
            self.scan_worker is not None
            or self.cleanup_worker is not None
            or self.file_task is not None
        )

    def current_result(self, default_options: ScanOptions) -> ScanResult:
        """The groups, the marks and the skipped files, as a result to save; the options are
        the last scan's, or ``default_options`` before any."""
        options = self.last_options or default_options
        return ScanResult(
            roots=options.roots,
            reference_roots=options.reference_roots,
            mode=options.mode,
            sensitivity=options.sensitivity,
            groups=tuple(self.results_model.groups()),
            skipped=tuple(self.skipped),
            summary=self.last_summary or ScanSummary(),
            selected=frozenset(self.results_model.checked_paths()),
        )

    # --- scanning -------------------------------------------------------------------------

    def start_scan(self, options: ScanOptions, *, regroup: bool = False) -> bool:
        """Forget the current results and scan with ``options`` (honouring the remembered
        "not duplicates" choices); a ``regroup`` scans the same files again, so the levels
        got ready for them stay ready."""
        if self.is_busy():
            return False
        log.info("scan starting: %s", options)
        self._stop_preparing()
        if not regroup:
            self.ready_levels = set()  # the files may have changed since
        _release_results()
        self.results_model.clear()
        self.skipped = []
        self.files_found = 0
        self.last_summary = None
        self.last_options = options
        self.last_cleanup = None
        self._groups_before_cleanup, self._cleaned_paths = [], set()
        self.results_unsaved = False
        # The choices are fetched on the scan's thread, once the memory's file is settled.
        worker = ScanWorker(options, self._scan_function, self.memory.settled_choices)
        signals = worker.signals
        signals.progress_changed.connect(self._on_worker_progress_changed)
        signals.groups_found.connect(self._on_worker_groups_found)
        signals.groups_updated.connect(self._on_worker_groups_updated)
        signals.groups_removed.connect(self._on_worker_groups_removed)
        signals.file_skipped.connect(self._on_worker_file_skipped)
        signals.finished.connect(self._on_worker_finished)
        signals.failed.connect(self._on_worker_failed)
        self.scan_worker = worker
        worker.start_on(self.pool)
        return True

    def cancel(self) -> bool:
        """Ask the running scan, or the running cleanup or undo (after its current file), to
        stop; it ends soon with ``scan_finished`` or ``cleanup_finished``, marked cancelled."""
        worker = self.scan_worker or self.cleanup_worker
        if worker is None or worker.is_cancelled:
            return False
        worker.cancel()
        return True

    @Slot(object)
    def _on_worker_progress_changed(self, progress: Progress) -> None:
        # The files the walk found, as the progress counts them (the summary counts the ones
        # compared; the others are the skipped files).
        self.files_found = max(self.files_found, progress.total)
        if self.scan_worker is not None and not self.scan_worker.is_cancelled:
            self.scan_progress_changed.emit(progress)

    @Slot(list)
    def _on_worker_groups_found(self, groups: list[Group]) -> None:
        self.results_model.add_groups(self._arranged(groups))

    @Slot(list)
    def _on_worker_groups_updated(self, groups: list[Group]) -> None:
        self.results_model.update_groups(self._arranged(groups))

    @Slot(list)
    def _on_worker_groups_removed(self, group_ids: list[int]) -> None:
        self.results_model.remove_groups(group_ids)

    @Slot(object)
    def _on_worker_file_skipped(self, skipped: Skipped) -> None:
        self.skipped.append(skipped)
        self.file_skipped.emit(skipped)

    # --- the other levels, in the background ----------------------------------------------

    def is_preparing(self) -> bool:
        """Whether other sensitivity levels are being got ready in the background."""
        return self.levels_worker is not None and not self.levels_worker.is_cancelled

    def _start_preparing(self) -> None:
        """Get the levels the last similar-photos scan's files are not ready at ready, one
        after the other (the nearest first), unless work runs or the user did not ask for it."""
        o = self.last_options
        if (
            not self.prepare_levels
            or self.is_busy()
            or self.levels_worker is not None
            or o is None
            or o.mode is not ScanMode.SIMILAR
            or o.cache_path is None
        ):
            return
        order = list(Sensitivity)
        at = order.index(o.sensitivity)
        levels = sorted(
            (s for s in order if s not in self.ready_levels), key=lambda s: abs(order.index(s) - at)
        )
        if not levels:
            return
        worker = LevelsWorker(o, levels, self._scan_function, self.memory.settled_choices)
        worker.signals.level_ready.connect(self._on_levels_level_ready)
        worker.signals.finished.connect(functools.partial(self._on_levels_ended, worker))
        worker.signals.failed.connect(functools.partial(self._on_levels_ended, worker))
        self.levels_worker = worker
        log.info("getting %s ready in the background", ", ".join(s.value for s in levels))
        worker.start_on(self.pool)

    def _stop_preparing(self) -> None:
        """Cancel the background levels at once (what they measured stays in the cache)."""
        if self.levels_worker is not None:
            self.levels_worker.cancel()

    @Slot(object)
    def _on_levels_level_ready(self, level: Sensitivity) -> None:
        self.ready_levels.add(level)

    def _on_levels_ended(self, worker: LevelsWorker, _result: object) -> None:
        if self.levels_worker is worker:
            self.levels_worker = None
        if worker.is_cancelled:
            # Stopped for work that may have ended before it did: go on where it stopped.
            self._start_preparing()

    def can_regroup(self, sensitivity: Sensitivity) -> bool:
        """Whether the groups shown came from a similar-photos scan at another sensitivity
        that the fingerprint cache can regroup without decoding."""
        o = self.last_options
        return (
            not self.is_busy()
            and o is not None
            and o.mode is ScanMode.SIMILAR
            and o.cache_path is not None
            and o.sensitivity is not sensitivity
        )

    def regroup(self, sensitivity: Sensitivity | None = None) -> bool:
        """Group the last scan's files again (at ``sensitivity``, or as before with the current
        choices) from the cache: nothing is decoded again, no pair measured twice; the marks
        on files still in a group stay."""
        o = self.last_options
        if self.is_busy() or o is None:
            return False
        kept = set(self.results_model.checked_paths())
        started = self.start_scan(
            dataclasses.replace(o, sensitivity=sensitivity or o.sensitivity), regroup=True
        )
        if not started:
            return False
        self._kept_checks = kept
        return True

    # --- keepers --------------------------------------------------------------------------

    def _arranged(self, groups: list[Group]) -> list[Group]:
        """Groups from the scan with the keepers a person chose: by hand, else by the rules
        (else the scan's own)."""
        out = []
        for group in groups:
            chosen = next((m.path for m in group.members if m.path in self._hand_keepers), None)
            if chosen is not None:
                out.append(ranking.with_keeper(group, chosen))
            elif self.keeper_rules:
                out.append(ranking.apply_rules(group, self.keeper_rules))
            else:
                out.append(group)
        return out

    def make_keeper(self, path: str) -> bool:
        """Make the member at ``path`` the keeper of its group, at once. Its mark goes: a new
        keeper that was marked is unmarked, and the old keeper marked in its place. Every
        member stays proven against the new keeper or the file the scan kept (``proven_with``).
        False when it is the keeper already, or a cleanup or a file task runs."""
        if self.cleanup_worker is not None or self.file_task is not None:
            return False
        group = self.results_model.group_of_path(path)
        if group is None or group.keeper.path == path:
            return False
        self._hand_keepers -= {m.path for m in group.members}
        self._hand_keepers.add(path)
        self._replace_keepers([(group, ranking.with_keeper(group, path))])
        return True

    def set_keeper_rules(self, rules: tuple[Rule, ...]) -> int:
        """Choose every group's keeper by ``rules`` (none: Lookalike's own rank) in place of
        any made by hand; returns in how many groups the keeper changed."""
        if self.cleanup_worker is not None or self.file_task is not None:
            return 0
        self.keeper_rules = tuple(rules)
        self._hand_keepers.clear()
        pairs = [
            (g, ranking.apply_rules(g, self.keeper_rules)) for g in self.results_model.groups()
        ]
        return self._replace_keepers(pairs)

    def _replace_keepers(self, pairs: list[tuple[Group, Group]]) -> int:
        """Show the groups with their new keepers in one change; the marks move with them."""
        checked = set(self.results_model.checked_paths())
        changed = []
        moved = 0
        for old, new in pairs:
            if new == old:
                continue
            changed.append(new)
            if new.keeper.path != old.keeper.path:
                moved += 1
                if new.keeper.path in checked:
                    checked.discard(new.keeper.path)
                    checked.add(old.keeper.path)
        if not changed:
            return 0
        self.results_model.update_groups(changed)
        self.results_model.set_checked_paths(checked)
        self.results_unsaved = True
        self.keepers_changed.emit(moved)
        return moved

    # --- "not duplicates" -----------------------------------------------------------------

    def mark_not_duplicates(self, kind: ChoiceKind, members: list[Member]) -> bool:
        """Remember that these files are not duplicates (for ``MEMBER``: the member, then the
        rest of its group); once it is saved (``not_duplicates_remembered``) they are taken
        apart in the groups shown: the member leaves, the worse of a pair leaves, a group
        dissolves. The next scan or regroup honours it. A choice that cannot be saved ends in
        ``file_task_failed``. False when nothing was asked."""
        if self.is_busy() or len(members) < 2:
            return False
        self.memory.remember(kind, members)
        return True

    @Slot(object, list)
    def _on_memory_remembered(self, choice: Choice, members: list[Member]) -> None:
        kind = choice.kind
        if kind is ChoiceKind.MEMBER:
            leaving = [members[0].path]
        elif kind is ChoiceKind.PAIR:
            leaving = [self._worse_of(members[0], members[1])]
        else:
            leaving = [m.path for m in members]
        self.results_model.remove_paths(leaving)
        self.not_duplicates_changed.emit()
        self.not_duplicates_remembered.emit(choice)

    def forget_not_duplicates(self, ids: Collection[int]) -> None:
        """Undo remembered choices; once saved, the groups shown are regrouped with what
        remains, when the last scan can be (the files come back into their groups). A memory
        that cannot be saved ends in ``file_task_failed``."""
        self.memory.forget(ids)

    @Slot(int)
    def _on_memory_forgotten(self, forgotten: int) -> None:
        if forgotten:
            self.not_duplicates_changed.emit()
            if self.last_options is not None and self.last_options.cache_path is not None:
                self.regroup()

    def _worse_of(self, a: Member, b: Member) -> str:
        """Of two members of one group, the one that leaves it: never the keeper."""
        for group in self.results_model.groups():
            paths = [m.path for m in group.members]
            if a.path in paths and b.path in paths:
                return max(a.path, b.path, key=paths.index)
        return b.path

    @Slot(int, int)
    def _on_model_selection_changed(self, count: int, size: int) -> None:
        if self.results_model.rowCount():
            self.results_unsaved = True

    @Slot(object)
    def _on_worker_finished(self, summary: ScanSummary) -> None:
        self.scan_worker = None
        self.last_summary = summary
        if not summary.cancelled and self.last_options is not None:
            self.ready_levels.add(self.last_options.sensitivity)
        if self._kept_checks is not None:
            self.results_model.set_checked_paths(self._kept_checks)
            self._kept_checks = None
        self.results_model.sort_groups(self.sort_key)
        self.results_unsaved = self.results_model.rowCount() > 0
        log.info("scan finished: %s", summary)
        _settle_results()
        self.scan_finished.emit(summary)
        self._start_preparing()

    @Slot(object)
    def _on_worker_failed(self, failure: Failure) -> None:
        self.scan_worker = None
        self._kept_checks = None
        self.scan_failed.emit(failure)

    # --- cleanup --------------------------------------------------------------------------

    def plan_cleanup(self, paths: Collection[str]) -> Plan:
        """What the engine would do with ``paths`` (marked members of the groups shown): the
        files it may act on and the ones it refuses, with reasons. Pure and fast, so it runs
        here, before the confirmation, which then shows the plan's real numbers."""
        options = self.last_options
        return plan_cleanup(
            self.results_model.groups(),
            paths,
            roots=options.roots if options else (),
            reference_roots=options.reference_roots if options else (),
        )

    def clean(self, plan: Plan, choice: CleanupChoice) -> bool:
        """Put the plan's files through ``choice`` (the Trash, a folder, hard links); each is
        checked again just before. A move keeps their layout below the scanned folders."""
        if self.is_busy():
            return False
        layout_root = os.path.commonpath(plan.roots) if plan.roots else None
        self._start_cleanup(CleanupWorker.run_plan(plan, choice, layout_root))
        return True

    def undo_last_cleanup(self) -> bool:
        """Put back the files of the last cleanup batch."""
        if self.is_busy():
            return False
        self._start_cleanup(CleanupWorker.undo())
        return True

    def _start_cleanup(self, worker: CleanupWorker) -> None:
        self._stop_preparing()
        worker.signals.progress_changed.connect(self._on_cleanup_progress_changed)
        worker.signals.finished.connect(self._on_cleanup_finished)
        worker.signals.failed.connect(self._on_cleanup_failed)
        self.cleanup_worker = worker
        worker.start_on(self.pool)

    @Slot(object)
    def _on_cleanup_progress_changed(self, progress: BatchProgress) -> None:
        self.cleanup_progress_changed.emit(progress)

    @Slot(object)
    def _on_cleanup_finished(self, cleanup: CleanupReport) -> None:
        self.cleanup_worker = None
        self.restored_into_groups = 0
        if cleanup.done_paths:
            done = set(cleanup.done_paths)
            self._groups_before_cleanup = [
                g for g in self.results_model.groups() if any(m.path in done for m in g.members)
            ]
            self._cleaned_paths = done
            self.results_model.remove_paths(cleanup.done_paths)
            self.results_unsaved = self.results_model.rowCount() > 0
        self.last_cleanup = cleanup
        if cleanup.is_undo:
            self.can_undo = False
            self._put_back(cleanup.restored_paths)
        elif cleanup.done_paths:
            # After hard links, Undo must not reach back to an older batch the user did not
            # just see.
            self.can_undo = cleanup.undoable
        self.cleanup_finished.emit(cleanup)
        self._start_preparing()

    def _put_back(self, restored: Collection[str]) -> None:
        """Return restored files to the groups the last cleanup took them from (a group it
        emptied comes back whole), without a scan: the files are the ones scanned, put back
        where they were."""
        back = set(restored) & self._cleaned_paths
        if not back:
            return
        still_gone = self._cleaned_paths - back
        groups = []
        for group in self._groups_before_cleanup:
            if not any(m.path in back for m in group.members):
                continue
            members = tuple(m for m in group.members if m.path not in still_gone)
            if len(members) >= 2:
                groups.append(dataclasses.replace(group, members=members))
        self._cleaned_paths = still_gone
        self.results_model.update_groups(groups)  # unknown ids (emptied groups) are appended
        self.results_model.sort_groups(self.sort_key)
        self.restored_into_groups = sum(1 for g in groups for m in g.members if m.path in back)

    @Slot(object)
    def _on_cleanup_failed(self, failure: Failure) -> None:
        self.cleanup_worker = None
        self.cleanup_failed.emit(failure)

    # --- result files ---------------------------------------------------------------------

    def save_results(self, path: str, result: ScanResult) -> bool:
        """Write ``result`` to ``path`` as JSON, off the GUI thread."""
        return self._start_file_task(
            OneShotWorker(functools.partial(_save_json, result, path), SAVING),
            self._on_save_task_finished,
        )

    def export_csv(self, path: str, result: ScanResult) -> bool:
        """Write ``result`` to ``path`` as CSV, one line per photo, off the GUI thread."""
        return self._start_file_task(
            OneShotWorker(functools.partial(_save_csv, result, path), EXPORTING),
            self._on_save_task_finished,
        )

    def open_results(self, path: str) -> bool:
        """Read a saved result off the GUI thread, then show it in place of the current one."""
        return self._start_file_task(
            OneShotWorker(functools.partial(report.load_json, path), OPENING),
            self._on_open_task_finished,
        )

    def _start_file_task(self, task: OneShotWorker, on_finished: Callable[[Any], None]) -> bool:
        if self.is_busy():
            return False
        self._stop_preparing()
        task.signals.finished.connect(on_finished)
        task.signals.failed.connect(self._on_file_task_failed)
        self.file_task = task
        task.start_on(self.pool)
        return True

    @Slot(object)
    def _on_save_task_finished(self, path: str) -> None:
        self.file_task = None
        if path.lower().endswith(".json"):
            self.results_unsaved = False  # a CSV export cannot be opened again
        self.results_saved.emit(path)
        self._start_preparing()

    @Slot(object)
    def _on_open_task_finished(self, result: ScanResult) -> None:
        self.file_task = None
        # The file's own keepers are shown as it saved them (chosen by hand or by rules).
        self._hand_keepers.clear()
        _release_results()
        self.results_model.clear()
        self.results_model.add_groups(list(result.groups))
        self.results_model.sort_groups(self.sort_key)
        self.results_model.set_checked_paths(result.selected)
        self.skipped = list(result.skipped)
        self.last_summary = result.summary
        self.last_options = ScanOptions(
            roots=result.roots,
            reference_roots=result.reference_roots,
            mode=result.mode,
            sensitivity=result.sensitivity,
        )
        self.can_undo = False
        self.last_cleanup = None
        self._groups_before_cleanup, self._cleaned_paths = [], set()
        self.results_unsaved = False
        _settle_results()
        self.results_loaded.emit(result)

    @Slot(object)
    def _on_file_task_failed(self, failure: Failure) -> None:
        task, self.file_task = self.file_task, None
        self.file_task_failed.emit(task.description if task is not None else "", failure)

    # --- shutdown -------------------------------------------------------------------------

    def shutdown(self, timeout_ms: int) -> bool:
        """Cancel what runs and wait up to ``timeout_ms`` for it; False if it still runs.

        The workers check their cancel token between files; waiting means no thread outlives
        the session and writes into a model that is gone.
        """
        self.prepare_levels = False  # nothing starts again while the session winds down
        self._stop_preparing()
        if self.scan_worker is not None:
            self.scan_worker.cancel()
        if self.cleanup_worker is not None:
            self.cleanup_worker.cancel()
        memory_done = self.memory.shutdown(timeout_ms)
        return self.pool.waitForDone(timeout_ms) and memory_done


def _settle_results() -> None:
    """Take the records of the results now shown out of the garbage collector's view.

    They live until the next scan or open; with 10,000 groups they are over 100,000 objects,
    and each full collection walked them all: a 150-250 ms pause in the middle of a sort or a
    filter (measured in tests/bench/bench_window.py). ``gc.freeze`` moves every object alive
    now to a generation the collector skips.
    """
    gc.freeze()


def _release_results() -> None:
    """Give the collector back the frozen objects, so the results about to be replaced (and
    whatever else was frozen with them) are collected as usual."""
    gc.unfreeze()


def _save_json(result: ScanResult, path: str) -> str:
    report.save_json(result, path)
    return path


def _save_csv(result: ScanResult, path: str) -> str:
    report.save_csv(result, path)
    return path
