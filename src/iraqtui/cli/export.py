"""`iraqtui export`: everything the database knows, in the iraqtui-export/1 format."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from iraqtui.cli.common import open_for_reading
from iraqtui.export import export


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "export",
        parents=[parent],
        help="write the database as JSON, JSON Lines or CSV (iraqtui-export/1)",
    )
    parser.add_argument("--format", choices=("json", "jsonl", "csv"), default="json")
    parser.add_argument(
        "--out",
        metavar="FILE|DIR",
        help="json: a file or - for stdout (default); jsonl/csv: a folder (default iraqtui-export)",
    )
    parser.add_argument("--force", action="store_true", help="overwrite existing files")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    conn = open_for_reading(args)
    try:
        written = export(conn, args.format, args.out, force=args.force)
    finally:
        conn.close()
    if written:
        where = written[0] if len(written) == 1 else written[0].parent
        print(f"exported {args.format} to {where}", file=sys.stderr)
    return 0
