"""The cleanup tally's wording: counts of one read as one file, not "1 files"."""

from __future__ import annotations

from lookalike.core import trash
from lookalike.core.trash import Action, FileOutcome, OutcomeStatus
from lookalike.gui.cleanup import CleanupReport


def _report(action: Action, *statuses: OutcomeStatus) -> CleanupReport:
    outcomes = tuple(
        FileOutcome(f"/photos/{n}.jpg", status, size=1024) for n, status in enumerate(statuses)
    )
    return CleanupReport(trash.BatchReport("b1", action, outcomes))


def test_summary_counts_one_file_in_the_singular() -> None:
    one = _report(Action.TRASH, OutcomeStatus.TRASHED)
    assert one.summary_text().startswith("Moved 1 file to the Trash (freed ")
    two = _report(Action.TRASH, OutcomeStatus.TRASHED, OutcomeStatus.TRASHED)
    assert two.summary_text().startswith("Moved 2 files to the Trash")
    assert _report(Action.RESTORE, OutcomeStatus.RESTORED).summary_text() == "Restored 1 file"
    restored = _report(Action.RESTORE, OutcomeStatus.RESTORED, OutcomeStatus.SKIPPED)
    assert restored.summary_text() == "Restored 1 file · 1 skipped"
