"""The events a scan yields: plain, picklable data (paths and numbers, no pixels, no Qt)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from lookalike.core.model import Group, ScanSummary, Skipped


class Stage(enum.Enum):
    """The steps of a scan, in order."""

    WALK = "Finding files"
    HASH = "Comparing file contents"
    FINGERPRINT = "Analysing pictures"
    VERIFY = "Comparing pictures for this sensitivity"  # pairs the grouping guessed, measured
    DONE = "Done"


@dataclass(frozen=True, slots=True)
class Progress:
    stage: Stage
    done: int
    total: int  # 0 when not known yet
    current: str = ""  # the file being worked on, for display


@dataclass(frozen=True, slots=True)
class GroupFound:
    group: Group


@dataclass(frozen=True, slots=True)
class GroupUpdated:
    """A group already reported changed (new members, a new keeper); same ``group.id``."""

    group: Group


@dataclass(frozen=True, slots=True)
class GroupRemoved:
    """A group already reported was absorbed by another one."""

    group_id: int


@dataclass(frozen=True, slots=True)
class FileSkipped:
    skipped: Skipped


@dataclass(frozen=True, slots=True)
class Finished:
    summary: ScanSummary


ScanEvent = Progress | GroupFound | GroupUpdated | GroupRemoved | FileSkipped | Finished
