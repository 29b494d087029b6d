"""`iraqtui search`: BM25-ranked paragraphs with highlighted snippets."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from iraqtui.analysis.search import render_snippet, search
from iraqtui.cli.common import open_for_reading, print_json, use_color
from iraqtui.cli.outlets import resolve_outlet
from iraqtui.textsafe import one_line


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "search",
        parents=[parent],
        help="full-text search over paragraphs",
        description="Full-text search (FTS5: phrases, prefix*, NEAR, AND/OR/NOT). A query that "
        "is not valid FTS5 runs as plain words.",
    )
    parser.add_argument("query", nargs="+", help="words or an FTS5 query")
    parser.add_argument("--limit", type=int, default=20, metavar="N")
    parser.add_argument("--outlet", metavar="NAME", help="only this outlet (fuzzy on the name)")
    parser.add_argument("--all", action="store_true", help="include boilerplate paragraphs")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    conn = open_for_reading(args)
    try:
        outlet = resolve_outlet(conn, args.outlet) if args.outlet else None
        result = search(
            conn,
            " ".join(args.query),
            limit=max(1, args.limit),
            outlet=outlet,
            include_boilerplate=args.all,
        )
    finally:
        conn.close()
    if args.json:
        print_json(
            {
                "query": result.query,
                "fell_back": result.fell_back,
                "note": result.note,
                "hits": [
                    {
                        "paragraph": h.paragraph_id,
                        "source": h.source_id,
                        "file": h.file,
                        "outlet": h.outlet,
                        "title": h.title,
                        "start": h.start,
                        "end": h.end,
                        "snippet": render_snippet(h.snippet, "**", "**"),
                        "rank": h.rank,
                    }
                    for h in result.hits
                ],
            }
        )
        return 0
    if result.note:
        print(f"note: {one_line(result.note)}", file=sys.stderr)
    if not result.hits:
        print(f"no paragraphs match {one_line(result.query)!r}")
        return 0
    marks = ("\x1b[1;33m", "\x1b[0m") if use_color() else ("**", "**")
    for hit in result.hits:
        where = f"{one_line(hit.outlet or '?')} — {one_line(hit.title or hit.file, 70)}"
        print(f"{where}  [{one_line(hit.file)} @{hit.start}]")
        print(f"    {one_line(render_snippet(hit.snippet, *marks))}")
    print(f"{len(result.hits)} hit{'s' if len(result.hits) != 1 else ''}")
    return 0
