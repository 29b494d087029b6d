"""The `iraqtui` command: opens the app, or runs a subcommand on the same core."""

from __future__ import annotations

import argparse
import importlib
import sqlite3
import sys
from collections.abc import Sequence

from iraqtui import __version__
from iraqtui.errors import IraqtuiError
from iraqtui.textsafe import one_line

# Each module defines `register(subparsers, parent)` and sets `func` on its parser.
COMMANDS = (
    "ingest",
    "search",
    "stats",
    "export",
    "actors",
    "quotes",
    "correct",
    "events",
    "compare",
    "serve",
)


def build_parser() -> argparse.ArgumentParser:
    db_help = "database file (default: $IRAQTUI_DB, else iraq.db in this folder)"
    # Subcommands accept --db too; SUPPRESS keeps `iraqtui --db X stats` from being reset
    # to the default by the subcommand's own (absent) --db.
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--db", metavar="FILE", default=argparse.SUPPRESS, help=db_help)
    parser = argparse.ArgumentParser(
        prog="iraqtui",
        description="Explore how the press frames a conflict. With no command, opens the app.",
    )
    parser.add_argument("--db", metavar="FILE", default=None, help=db_help)
    parser.add_argument("--version", action="version", version=f"iraqtui {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"iraqtui.cli.{name}")
        module.register(subparsers, parent)
    return parser


def _app_args(args_list: list[str]) -> argparse.Namespace | None:
    """`iraqtui [--db FILE]` opens the app: parse just that, without importing every
    subcommand (their imports would delay the first frame)."""
    if any(a in COMMANDS or a in ("-h", "--help", "--version") for a in args_list):
        return None
    quick = argparse.ArgumentParser(prog="iraqtui", add_help=False)
    quick.add_argument("--db", default=None)
    args, extra = quick.parse_known_args(args_list)
    if extra:
        return None  # let the full parser explain what is wrong
    args.command = None
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    args = _app_args(args_list) or build_parser().parse_args(args_list)
    try:
        if args.command is None:
            from iraqtui.cli.app import run_app

            return run_app(args)
        code: int = args.func(args)
        return code
    except IraqtuiError as exc:
        print(f"iraqtui: error: {one_line(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except sqlite3.DatabaseError as exc:
        advice = database_advice(str(exc))
        if advice is None:
            raise  # a bug, not something the user did: keep the traceback
        print(f"iraqtui: error: {one_line(str(exc))}: {advice}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("iraqtui: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `iraqtui search … | head`: the reader went away; say nothing.
        sys.stderr.close()
        return 0


# SQLite errors a user's file or disk can cause, with what to do about each.
_DATABASE_ADVICE = {
    "readonly": "the database file is read-only and this command writes to it; check its "
    "permissions or copy it somewhere writable",
    "malformed": "the database file is damaged; iraqtui changed nothing (restore a copy, or "
    "delete it and run `iraqtui ingest` again)",
    "vtable constructor failed": "the database's search index is damaged; iraqtui changed "
    "nothing (run `iraqtui ingest --rebuild`, or restore a copy)",
    "not a database": "the file is not an iraqtui database; iraqtui changed nothing",
    "locked": "another program is writing to the database; try again when it finishes",
    "disk is full": "the disk is full; free some space and run the command again",
    "disk i/o error": "the disk reported an error reading or writing the database",
    "unable to open": "the database file or its folder cannot be opened; check permissions",
}


def database_advice(message: str) -> str | None:
    """What to tell the user about an SQLite error they caused, or None for a bug."""
    lowered = message.lower()
    for needle, advice in _DATABASE_ADVICE.items():
        if needle in lowered:
            return advice
    return None
