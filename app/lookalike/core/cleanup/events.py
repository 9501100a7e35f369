"""What a cleanup batch reports: one outcome per file, the batch's tally, and the events the
runner yields on the way (plain data, like the scan's events)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class ActionKind(enum.Enum):
    """What a batch does to each file; the value is what the journal records."""

    TRASH = "trash"
    MOVE = "move"
    HARDLINK = "hardlink"
    RESTORE = "restore"  # undo of a trash or move batch


class OutcomeStatus(enum.Enum):
    """How one file ended."""

    TRASHED = "trashed"
    MOVED = "moved"
    LINKED = "linked"
    RESTORED = "restored"
    PLANNED = "planned"  # dry run: the checks passed and the action would run
    SKIPPED = "skipped"  # not acted on, with the reason
    FAILED = "failed"  # the action was tried and did not happen, with the reason

    @property
    def done(self) -> bool:
        return self not in (OutcomeStatus.PLANNED, OutcomeStatus.SKIPPED, OutcomeStatus.FAILED)


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """How one file ended: done, planned (dry run), skipped or failed, with a plain reason."""

    path: str
    status: OutcomeStatus
    reason: str = ""
    destination: str = ""  # where it went: the trashed file, the moved-to path, the link target
    size: int = 0
    sidecar_of: str = ""  # for a sidecar file: the photo it travels with


@dataclass(frozen=True, slots=True)
class BatchReport:
    """The tally of one batch."""

    batch_id: str
    action: ActionKind
    outcomes: tuple[FileOutcome, ...]
    dry_run: bool = False
    cancelled: bool = False
    message: str = ""  # a sentence for the user when the batch as a whole has something to say
    freed_bytes: int = 0  # removed from the scanned folders (a dry run: would be)
    done_text: str = ""  # what was done, in a sentence: "Moved 3 files to the Trash (freed …)"
    counts: dict[OutcomeStatus, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # The tally counts photos; the sidecar files that went with them are told apart.
        counts: dict[OutcomeStatus, int] = {}
        for o in self.outcomes:
            if not o.sidecar_of:
                counts[o.status] = counts.get(o.status, 0) + 1
        object.__setattr__(self, "counts", counts)

    @property
    def sidecars_done(self) -> int:
        """Sidecar files that went with their photos."""
        return sum(1 for o in self.outcomes if o.sidecar_of and o.status.done)

    def count(self, status: OutcomeStatus) -> int:
        return self.counts.get(status, 0)

    @property
    def done(self) -> int:
        return sum(n for s, n in self.counts.items() if s.done)

    @property
    def skipped(self) -> int:
        return self.count(OutcomeStatus.SKIPPED)

    @property
    def failed(self) -> int:
        return self.count(OutcomeStatus.FAILED)

    @property
    def ok(self) -> bool:
        """Nothing failed, a sidecar file neither (skips are not failures: they are the
        guarantees at work)."""
        return not any(o.status is OutcomeStatus.FAILED for o in self.outcomes)


@dataclass(frozen=True, slots=True)
class BatchProgress:
    """How far a batch is; at most ~10 a second, plus the first and the last."""

    action: ActionKind
    done: int  # files finished (acted on, skipped or failed)
    total: int
    current: str = ""  # the file being worked on; "" at the end
    elapsed_s: float = 0.0
    eta_s: float | None = None  # seconds left at the rate so far; None until there is a rate


@dataclass(frozen=True, slots=True)
class FileFinished:
    """One file's outcome, as soon as it is known (never dropped, unlike progress)."""

    outcome: FileOutcome


@dataclass(frozen=True, slots=True)
class BatchFinished:
    """The last event of a batch that ran to its end or was cancelled."""

    report: BatchReport


CleanupEvent = BatchProgress | FileFinished | BatchFinished
