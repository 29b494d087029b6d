"""What every subcommand shares: settings, opening the database, printing safely."""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from typing import Any

from iraqtui.config import Settings
from iraqtui.store.db import is_read_only, open_db
from iraqtui.textsafe import escape_json_controls


def settings(args: argparse.Namespace) -> Settings:
    return Settings.from_cli(getattr(args, "db", None))


def open_for_reading(args: argparse.Namespace) -> sqlite3.Connection:
    """The database, built from the bundled seeds first if it does not exist yet."""
    config = settings(args)
    if not config.db_path.exists():
        build_from_seeds(config)
    if is_read_only(config.db_path):
        print(
            f"iraqtui: note: {config.db_path} is read-only; opened it read-only "
            "(nothing can be saved to it)",
            file=sys.stderr,
        )
    return open_db(config.db_path).conn


def build_from_seeds(config: Settings) -> None:
    """First run: make the default database from the bundled demo corpus, and say so."""
    from iraqtui.ingest.pipeline import ingest

    db = open_db(config.db_path)
    print(
        f"iraqtui: {config.db_path} does not exist; building it from the bundled seeds "
        f"({config.seeds_dir})",
        file=sys.stderr,
    )
    try:
        ingest(db.conn, [config.seeds_dir], config.seeds_dir)
    finally:
        db.conn.close()


def print_json(data: Any) -> None:
    sys.stdout.write(escape_json_controls(json.dumps(data, ensure_ascii=False, indent=2)))
    sys.stdout.write("\n")


def use_color() -> bool:
    import os

    return sys.stdout.isatty() and "NO_COLOR" not in os.environ
