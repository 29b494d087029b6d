"""`iraqtui stats`: per-source counts."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from iraqtui.cli.common import open_for_reading, print_json
from iraqtui.store.queries import source_summaries
from iraqtui.textsafe import one_line


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "stats", parents=[parent], help="per-source counts (paragraphs, sentences, boilerplate)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    conn = open_for_reading(args)
    try:
        rows = source_summaries(conn)
    finally:
        conn.close()
    if args.json:
        print_json([asdict(r) for r in rows])
        return 0
    if not rows:
        print("the database holds no sources yet: run `iraqtui ingest PATH`")
        return 0
    header = (
        f"{'id':>3}  {'outlet':<28} {'published':<10} {'paras':>5} {'sents':>5} {'boiler':>6}  file"
    )
    print(header)
    for r in rows:
        date = (r.published or "?") + ("*" if r.provenance.get("published") == "inferred" else "")
        outlet = one_line(r.outlet or "?", 28)
        if r.provenance.get("outlet") == "inferred":
            outlet = one_line(outlet, 27) + "*"
        print(
            f"{r.id:>3}  {outlet:<28} {date:<10} {r.paragraphs:>5} {r.sentences:>5} "
            f"{r.boilerplate:>6}  {one_line(r.file)}"
        )
    total_p = sum(r.paragraphs for r in rows)
    total_s = sum(r.sentences for r in rows)
    print(f"{len(rows)} sources, {total_p} paragraphs, {total_s} sentences (* inferred)")
    return 0
