"""The saved scan result: a versioned JSON file (save, load to resume a review) and a CSV export.

JSON format, version 1 (absolute paths; extra keys are ignored on load)::

    {"format": "lookalike-scan-result", "version": 1,
     "roots": [...], "reference_roots": [...], "mode": "similar", "sensitivity": "normal",
     "groups": [{"id": 1, "keeper": "/abs/keep.jpg", "why": ["camera original", "rule:size"],
                 "members": [{"path", "size", "mtime_ns", "width", "height",
                              "match": "keeper|identical|same-picture|similar", "score",
                              "is_reference", "content_hash", "format", "taken", "camera",
                              "origin": {...}, "proven_with": "/abs/old-keeper.jpg", "selected",
                              "transform": {"turn_degrees", "mirrored", "scale",
                                            "first_shown", "second_shown", "grayscale",
                                            "colourised", "brightness", "contrast", "added",
                                            "removed"}}]}],
     "skipped": [{"path", "reason", "detail"}],
     "summary": {"files", "groups", "duplicates", "reclaimable_bytes", "skipped", ...}}

The keeper is the first member of its group; ``selected`` marks the files chosen for removal;
``transform`` says how a member shows its keeper's picture (core/model.py ``Transform``).

Paths are the operating system's: a name whose bytes are not UTF-8 is written with each such
byte as the escape of its surrogate (``"b\\udcc3(.jpg"`` for the byte 0xC3, Python's
surrogateescape), so ``os.fsencode(json.load(...)[...])`` gives back the exact bytes; the CSV
export writes the name's own bytes (read it with ``errors="surrogateescape"``). See core/names.py.

A hand-edited or damaged file is refused with one sentence saying what is wrong (``ReportError``):
numbers out of range (a size below zero, a date beyond 64 bits), a path that is not absolute or
holds a NUL, JSON nested too deeply or with NaN, wrong types.

``why`` says why the keeper was chosen (``model.KeeperReason`` values, or "rule:" and a selection
rule). A member verified against another file than its keeper (the keeper was changed after the
scan) names that file in ``proven_with``; ``origin`` holds the facts the keeper rank reads.
"""

from __future__ import annotations

import csv
import json
import math
import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict, fields
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from lookalike.core import names, words
from lookalike.core.model import (
    NO_ORIGIN,
    Group,
    KeeperReason,
    MatchKind,
    Member,
    Origin,
    Reason,
    Rule,
    RuleError,
    ScanMode,
    ScanResult,
    ScanSummary,
    Sensitivity,
    Skipped,
    SkipReason,
    Transform,
)
from lookalike.core.reading import open_regular

FORMAT_NAME = "lookalike-scan-result"
FORMAT_VERSION = 1

CSV_COLUMNS = (
    "group",
    "keeper",
    "path",
    "match",
    "reason",
    "changes",
    "score",
    "size_bytes",
    "width",
    "height",
    "modified",
    "taken",
    "format",
    "reference",
    "selected",
    "content_hash",
)


class ReportError(ValueError):
    """A result file that cannot be loaded, with a sentence saying why."""


# --- writing ----------------------------------------------------------------------------------


def _member_dict(member: Member, selected: bool) -> dict[str, Any]:
    return {
        "path": os.path.abspath(member.path),
        "size": member.size,
        "mtime_ns": member.mtime_ns,
        "width": member.width,
        "height": member.height,
        "match": member.match.value,
        "score": member.score,
        "is_reference": member.is_reference,
        "content_hash": member.content_hash,
        "format": member.format,
        "taken": member.taken,
        "sidecars": [os.path.abspath(p) for p in member.sidecars],
        "camera": member.camera,
        **({"origin": asdict(member.origin)} if member.origin != NO_ORIGIN else {}),
        **({"proven_with": os.path.abspath(member.proven_with)} if member.proven_with else {}),
        "selected": selected,
        "transform": asdict(member.transform),
    }


_RULE_PREFIX = "rule:"


def _reason_text(reason: Reason) -> str:
    return _RULE_PREFIX + reason.text if isinstance(reason, Rule) else reason.value


def _load_reasons(raw: Any, where: str) -> tuple[Reason, ...]:
    """The keeper's reasons; one this version does not know is left out (a newer file)."""
    if not isinstance(raw, list):
        raise ReportError(f"{where}: 'why' is not a list")
    reasons: list[Reason] = []
    for item in raw:
        if not isinstance(item, str):
            raise ReportError(f"{where}: 'why' lists something that is not text")
        if item.startswith(_RULE_PREFIX):
            try:
                reasons.append(Rule.parse(item[len(_RULE_PREFIX) :]))
            except RuleError:
                continue
        elif item in _REASON_VALUES:
            reasons.append(KeeperReason(item))
    return tuple(reasons)


_REASON_VALUES = frozenset(r.value for r in KeeperReason)


def _load_origin(raw: Any, where: str) -> Origin:
    if not isinstance(raw, dict):
        raise ReportError(f"{where}: 'origin' is not an object")
    defaults = asdict(NO_ORIGIN)
    values = {}
    for name, default in defaults.items():
        if name in raw:
            values[name] = _get(raw, name, type(default), where)
    return Origin(**values)


def to_dict(result: ScanResult) -> dict[str, Any]:
    """The JSON-ready form of a result (paths made absolute)."""
    selected = {os.path.abspath(p) for p in result.selected}
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "saved": datetime.now().astimezone().isoformat(timespec="seconds"),
        "roots": [os.path.abspath(r) for r in result.roots],
        "reference_roots": [os.path.abspath(r) for r in result.reference_roots],
        "mode": result.mode.value,
        "sensitivity": result.sensitivity.value,
        "groups": [
            {
                "id": g.id,
                "keeper": os.path.abspath(g.keeper.path),
                "why": [_reason_text(r) for r in g.why],
                "members": [
                    _member_dict(m, os.path.abspath(m.path) in selected) for m in g.members
                ],
            }
            for g in result.groups
        ],
        "skipped": [
            {"path": os.path.abspath(s.path), "reason": s.reason.name.lower(), "detail": s.detail}
            for s in result.skipped
        ],
        "summary": asdict(result.summary),
    }


def _write_atomically(path: str | os.PathLike[str], write: Callable[[Any], None]) -> None:
    """Write beside the target, then rename over it: a crash never leaves half a file.

    A name's undecodable bytes (surrogates) are written as the bytes they stand for.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape", newline="") as handle:
            write(handle)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def save_json(result: ScanResult, path: str | os.PathLike[str]) -> None:
    text = names.json_text(to_dict(result), indent=1)
    _write_atomically(path, lambda f: f.write(text))


def save_csv(result: ScanResult, path: str | os.PathLike[str]) -> None:
    """One row per group member: group, keeper flag, why it matched, sizes and selection."""
    selected = {os.path.abspath(p) for p in result.selected}

    def write(handle: Any) -> None:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for group in result.groups:
            for index, m in enumerate(group.members):
                writer.writerow(
                    (
                        group.id,
                        "yes" if index == 0 else "no",
                        os.path.abspath(m.path),
                        m.match.value,
                        words.match_reason(m),
                        words.changes(group, m),
                        f"{m.score:.4f}",
                        m.size,
                        m.width,
                        m.height,
                        datetime.fromtimestamp(m.mtime_ns / 1e9).isoformat(timespec="seconds"),
                        m.taken,
                        m.format,
                        "yes" if m.is_reference else "no",
                        "yes" if os.path.abspath(m.path) in selected else "no",
                        m.content_hash,
                    )
                )

    _write_atomically(path, write)


# --- reading ----------------------------------------------------------------------------------

T = TypeVar("T")
MAX_RESULT_BYTES = 2 * 10**9  # a million groups take about 500 MB
_INT64 = 2**63
# Where each number must lie: (lowest, highest). Sizes and counts cannot be negative, a date is a
# signed 64-bit count of nanoseconds (before 1970 is fine), pixels fit Qt's 32-bit sizes.
_RANGES: dict[str, tuple[float, float]] = {
    "mtime_ns": (-_INT64, _INT64 - 1),
    "width": (0, 2**31 - 1),
    "height": (0, 2**31 - 1),
    "score": (-1.0, 1.0),
    "elapsed_s": (0.0, 10.0**9),
    # A transform's level change is signed (a darker copy), and so is its turn seen backwards.
    "brightness": (-1.0, 1.0),
    "turn_degrees": (-360.0, 360.0),
}
_COUNT_RANGE = (0, _INT64 - 1)


def _in_range(key: str, value: Any, where: str) -> None:
    low, high = _RANGES.get(key, _COUNT_RANGE)
    if isinstance(value, float) and not math.isfinite(value):
        raise ReportError(f"{where}: {key!r} is not a number ({value!r})")
    if not low <= value <= high:
        raise ReportError(f"{where}: {key!r} is out of range ({value!r})")


def _get(obj: dict[str, Any], key: str, kind: type[T], where: str) -> T:
    if key not in obj:
        raise ReportError(f"{where} has no {key!r}")
    value = obj[key]
    # bool is an int subclass; a count must not be true/false, a flag must be true/false.
    if kind is int and isinstance(value, bool):
        raise ReportError(f"{where}: {key!r} should be a whole number, not {value!r}")
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind):
        raise ReportError(f"{where}: {key!r} has the wrong type ({type(value).__name__})")
    if kind is int or kind is float:
        _in_range(key, value, where)
    return value


def _opt(obj: dict[str, Any], key: str, kind: type[T], default: T, where: str) -> T:
    return _get(obj, key, kind, where) if key in obj else default


def _enum(enum_type: Any, value: str, what: str, where: str) -> Any:
    try:
        return enum_type(value)
    except ValueError:
        allowed = ", ".join(e.value for e in enum_type)
        raise ReportError(
            f"{where}: unknown {what} {value!r} (expected one of {allowed})"
        ) from None


def _abs_path(value: str, where: str) -> str:
    problem = names.name_problem(value)
    if problem is not None:
        raise ReportError(f"{where}: path {value!r} is no file name ({problem})")
    if not os.path.isabs(value):
        raise ReportError(f"{where}: path {value!r} is not absolute")
    return os.path.normpath(value)


def _bad_sidecar(where: str) -> str:
    raise ReportError(f"{where} lists a sidecar file that is not a path")


def _load_member(raw: Any, where: str) -> tuple[Member, bool]:
    if not isinstance(raw, dict):
        raise ReportError(f"{where} is not an object")
    member = Member(
        path=_abs_path(_get(raw, "path", str, where), where),
        size=_get(raw, "size", int, where),
        mtime_ns=_get(raw, "mtime_ns", int, where),
        width=_opt(raw, "width", int, 0, where),
        height=_opt(raw, "height", int, 0, where),
        match=_enum(MatchKind, _get(raw, "match", str, where), "match", where),
        score=_opt(raw, "score", float, 1.0, where),
        is_reference=_opt(raw, "is_reference", bool, False, where),
        content_hash=_opt(raw, "content_hash", str, "", where),
        format=_opt(raw, "format", str, "", where),
        taken=_opt(raw, "taken", str, "", where),
        sidecars=tuple(
            _abs_path(p, where) if isinstance(p, str) else _bad_sidecar(where)
            for p in _opt(raw, "sidecars", list, [], where)
        ),
        transform=_load_transform(raw.get("transform", {}), where),
        camera=_opt(raw, "camera", str, "", where),
        origin=_load_origin(raw["origin"], where) if "origin" in raw else NO_ORIGIN,
        proven_with=(
            _abs_path(_get(raw, "proven_with", str, where), where) if "proven_with" in raw else ""
        ),
    )
    return member, _opt(raw, "selected", bool, False, where)


def _load_transform(raw: Any, where: str) -> Transform:
    if not isinstance(raw, dict):
        raise ReportError(f"{where}: 'transform' is not an object")
    values: dict[str, Any] = {}
    for f in fields(Transform):
        if f.name in raw:
            kind = bool if isinstance(f.default, bool) else float
            values[f.name] = _get(raw, f.name, kind, f"{where}, transform")
    return Transform(**values)


def _load_group(raw: Any, where: str, selected: set[str]) -> Group:
    if not isinstance(raw, dict):
        raise ReportError(f"{where} is not an object")
    group_id = _get(raw, "id", int, where)
    where = f"group {group_id}"
    members_raw = _get(raw, "members", list, where)
    if len(members_raw) < 2:
        raise ReportError(f"{where} has fewer than two members")
    members: list[Member] = []
    for i, m in enumerate(members_raw):
        member, is_selected = _load_member(m, f"{where}, member {i + 1}")
        members.append(member)
        if is_selected:
            selected.add(member.path)
    if len({m.path for m in members}) != len(members):
        raise ReportError(f"{where} lists the same file twice")
    keeper = _abs_path(_opt(raw, "keeper", str, members[0].path, where), where)
    if members[0].path != keeper:
        raise ReportError(f"{where}: its keeper {keeper} is not its first member")
    paths = {m.path for m in members}
    for m in members:
        # Proven against another member: never the keeper itself, never "identical" (bytes are
        # compared with the keeper before a cleanup), and a file of this group.
        if m.proven_with and (
            m.proven_with not in paths
            or m.proven_with == keeper
            or m.path == keeper
            or m.match is MatchKind.IDENTICAL
        ):
            raise ReportError(f"{where}: {m.path} names a proof its group cannot hold")
    why = _load_reasons(raw["why"], where) if "why" in raw else ()
    return Group(group_id, tuple(members), why)


def _load_skipped(raw: Any, where: str) -> Skipped:
    if not isinstance(raw, dict):
        raise ReportError(f"{where} is not an object")
    name = _get(raw, "reason", str, where)
    try:
        reason = SkipReason[name.upper()]
    except KeyError:
        raise ReportError(f"{where}: unknown skip reason {name!r}") from None
    return Skipped(
        _abs_path(_get(raw, "path", str, where), where), reason, _opt(raw, "detail", str, "", where)
    )


def _load_summary(raw: Any) -> ScanSummary:
    if not isinstance(raw, dict):
        raise ReportError("the summary is not an object")
    defaults = ScanSummary()
    values: dict[str, Any] = {}
    for f in fields(ScanSummary):
        if f.name not in raw:
            continue
        value, default = raw[f.name], getattr(defaults, f.name)
        if isinstance(default, float) and isinstance(value, int | float):
            value = float(value)
        if isinstance(value, bool) != isinstance(default, bool) or not isinstance(
            value, type(default)
        ):
            raise ReportError(f"the summary's {f.name!r} has the wrong type")
        if isinstance(value, dict):  # skipped_by_reason: a count per reason
            for reason, count in value.items():
                if isinstance(count, bool) or not isinstance(count, int):
                    raise ReportError(f"the summary's count of {reason!r} has the wrong type")
                _in_range(f.name, count, "the summary")
        elif not isinstance(value, bool):
            _in_range(f.name, value, "the summary")
        values[f.name] = value
    return ScanSummary(**values)


def from_dict(data: Any) -> ScanResult:
    """Validate and rebuild a result; raises ``ReportError`` saying what is wrong."""
    if not isinstance(data, dict) or (
        data.get("format") != FORMAT_NAME and ("groups" not in data or "version" not in data)
    ):
        raise ReportError("this is not a Lookalike result file")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ReportError("this result file has no format version")
    if version > FORMAT_VERSION:
        raise ReportError(
            f"this result file was saved by a newer Lookalike (format version {version}); "
            f"this version reads format version {FORMAT_VERSION}. Update Lookalike to open it."
        )
    if version < 1:
        raise ReportError(f"unknown result format version {version}")
    where = "the result file"
    roots_raw = _get(data, "roots", list, where)
    refs_raw = _opt(data, "reference_roots", list, [], where)
    if not all(isinstance(r, str) for r in (*roots_raw, *refs_raw)):
        raise ReportError("the result file's folders must be text")
    roots = tuple(_abs_path(r, "roots") for r in roots_raw)
    refs = tuple(_abs_path(r, "reference_roots") for r in refs_raw)
    selected: set[str] = set()
    groups = tuple(
        _load_group(g, f"group #{i + 1}", selected)
        for i, g in enumerate(_get(data, "groups", list, where))
    )
    if len({g.id for g in groups}) != len(groups):
        raise ReportError("the result file has two groups with the same id")
    skipped = tuple(
        _load_skipped(s, f"skipped file #{i + 1}")
        for i, s in enumerate(_opt(data, "skipped", list, [], where))
    )
    return ScanResult(
        roots=roots,
        reference_roots=refs,
        mode=_enum(ScanMode, _get(data, "mode", str, where), "mode", where),
        sensitivity=_enum(
            Sensitivity, _opt(data, "sensitivity", str, "normal", where), "sensitivity", where
        ),
        groups=groups,
        skipped=skipped,
        summary=_load_summary(data.get("summary", {})),
        selected=frozenset(selected),
    )


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def load_json(path: str | os.PathLike[str]) -> ScanResult:
    """Read a saved result; raises ``ReportError`` for a missing, bad, foreign or newer file."""
    try:
        f, st = open_regular(os.fspath(path))  # a FIFO given by mistake must not hang us
        with f:
            if st.st_size > MAX_RESULT_BYTES:
                raise ReportError(
                    f"{path} is too large for a result file ({words.size(st.st_size)})"
                )
            # A BOM, as some editors on Windows write, is no error.
            text = f.read().decode("utf-8-sig")
    except FileNotFoundError:
        raise ReportError(f"{path} does not exist") from None
    except UnicodeDecodeError:
        raise ReportError(f"{path} is not a Lookalike result file (not text)") from None
    except OSError as exc:
        raise ReportError(f"{path} could not be read ({exc.strerror or exc})") from None
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except ValueError as exc:
        raise ReportError(
            f"{path} is not a Lookalike result file (not valid JSON: {exc})"
        ) from None
    except RecursionError:
        raise ReportError(
            f"{path} is not a Lookalike result file (its JSON is nested too deeply)"
        ) from None
    try:
        return from_dict(data)
    except ReportError as exc:
        raise ReportError(f"{path}: {exc}") from None
