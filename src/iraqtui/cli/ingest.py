"""`iraqtui ingest`: load files and folders of texts into the database."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from iraqtui.cli.common import settings
from iraqtui.ingest.pipeline import IngestOptions, IngestReport, Progress, ingest
from iraqtui.ingest.remembered import known_paths, known_sidecars
from iraqtui.store.db import open_db, require_writable
from iraqtui.textsafe import one_line


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "ingest",
        parents=[parent],
        help="load .txt/.md files and folders into the database",
        description="Load .txt/.md files and folders. With no PATH: refresh what the database "
        "was built from, or load the bundled demo corpus into a new database.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", type=Path)
    parser.add_argument("--rebuild", action="store_true", help="recompute every derived row")
    parser.add_argument("--actors", type=Path, metavar="FILE", help="gazetteer (actors.toml)")
    parser.add_argument("--events", type=Path, metavar="FILE", help="event catalogue (events.toml)")
    parser.add_argument("--strict", action="store_true", help="exit 1 if any file is refused")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only the summary")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    config = settings(args)
    require_writable(config.db_path, "ingest")
    db = open_db(config.db_path)
    try:
        paths: list[Path] = list(args.paths) or known_paths(db.conn) or [config.seeds_dir]
        options = IngestOptions(args.rebuild, args.actors, args.events)
        # A plain refresh reads each folder with the sidecars it was given last time.
        remembered = known_sidecars(db.conn) if not args.paths else None
        reporter = ProgressPrinter(quiet=args.quiet)
        report = ingest(db.conn, paths, config.seeds_dir, options, reporter, remembered)
        reporter.close()
    finally:
        db.conn.close()
    print_summary(report, str(config.db_path))
    if not (report.ingested or report.skipped or report.refused):
        shown = ", ".join(one_line(str(p)) for p in paths)
        print(f"iraqtui: no .txt or .md files found in {shown}", file=sys.stderr)
        return 1
    if report.refused and (args.strict or not (report.ingested or report.skipped)):
        return 1
    return 0


class ProgressPrinter:
    """A bar on a terminal; plain lines when output goes to a file or pipe."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.tty = sys.stderr.isatty()
        self.drawn = False

    def __call__(self, step: Progress) -> None:
        if self.quiet:
            return
        name = one_line(step.file, 50)
        if self.tty:
            width = 30
            filled = width * step.done // max(1, step.total)
            bar = "█" * filled + "░" * (width - filled)
            sys.stderr.write(f"\r\x1b[2K{bar} {step.done}/{step.total} {name}")
            sys.stderr.flush()
            self.drawn = True
        else:
            detail = f" ({one_line(step.detail)})" if step.detail else ""
            print(f"{step.status} {name}{detail}", file=sys.stderr)

    def close(self) -> None:
        if self.drawn:
            sys.stderr.write("\r\x1b[2K")
            sys.stderr.flush()


def print_summary(report: IngestReport, db_name: str) -> None:
    for name, warning in report.warnings:
        print(f"warning: {one_line(name)}: {one_line(warning)}", file=sys.stderr)
    for note in report.notes:
        print(f"note: {one_line(note)}", file=sys.stderr)
    for refusal in report.refused:
        print(f"refused: {one_line(refusal.file)}: {one_line(refusal.reason)}", file=sys.stderr)
    print(
        f"{len(report.ingested)} ingested, {len(report.skipped)} unchanged (skipped), "
        f"{len(report.refused)} refused into {db_name} in {report.seconds:.1f} s"
    )
