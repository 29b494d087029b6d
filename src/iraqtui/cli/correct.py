"""`iraqtui correct`: set the speaker, reporting outlet or voice the machine got wrong.

Corrections are annotations keyed by content, so they survive `iraqtui ingest --rebuild`;
the export carries both the machine's value and the correction.
"""

from __future__ import annotations

import argparse
from typing import Any

from iraqtui.cli.common import print_json, settings
from iraqtui.errors import IraqtuiError
from iraqtui.store.annotations import (
    KINDS,
    VOICES,
    Located,
    clear_corrections,
    corrections,
    locate_quote,
    locate_sentence,
    set_correction,
    unmatched,
)
from iraqtui.store.db import open_db
from iraqtui.textsafe import one_line


class BadCorrection(IraqtuiError):
    """A correction that names nothing to change."""


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "correct",
        parents=[parent],
        help="correct a quote's speaker or outlet, or a sentence's voice",
        description="Correct the machine: `correct quote ID --speaker NAME --outlet NAME "
        "--kind KIND`, `correct sentence ID --voice own|quoted|speech --outlet NAME`, "
        "`--clear` to go back to the machine's values, `correct list` to see all. IDs are "
        "those shown by `iraqtui quotes` and in the export.",
    )
    parser.add_argument("what", choices=("quote", "sentence", "list"))
    parser.add_argument("id", nargs="?", type=int, help="the quote or sentence id")
    parser.add_argument("--speaker", metavar="NAME", help="who said it (quotes)")
    parser.add_argument("--outlet", metavar="NAME", help="the outlet that reported it")
    parser.add_argument("--voice", choices=VOICES, help="whose words a sentence is")
    parser.add_argument("--kind", choices=KINDS, help="speech, passage or term (quotes)")
    parser.add_argument("--clear", action="store_true", help="remove your corrections")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    db = open_db(settings(args).db_path, create=False)
    conn = db.conn
    try:
        if args.what == "list":
            found = corrections(conn)
            if args.json:
                print_json(found)
            else:
                lost = {u.target for u in unmatched(conn)}
                for target, fields in found.items():
                    shown = ", ".join(f"{k}={one_line(v)!r}" for k, v in fields.items())
                    note = "  (not applied: its text is no longer found)" if target in lost else ""
                    print(f"{one_line(target)}  {shown}{note}")
                print(f"{len(found)} corrected target{'s' if len(found) != 1 else ''}")
            return 0
        if args.id is None:
            raise BadCorrection(f"give the {args.what} id: iraqtui correct {args.what} ID ...")
        where = (
            locate_quote(conn, args.id) if args.what == "quote" else locate_sentence(conn, args.id)
        )
        changes = _changes(args)
        if args.clear:
            removed = clear_corrections(conn, where.target)
            _report(args, where, {}, f"removed {removed} correction(s)")
            return 0
        if not changes:
            raise BadCorrection("nothing to correct: give --speaker, --outlet, --voice or --kind")
        for field, value in changes.items():
            set_correction(conn, where, field, value)
        _report(args, where, corrections(conn, [where.target]).get(where.target, {}), "saved")
        return 0
    finally:
        conn.close()


def _changes(args: argparse.Namespace) -> dict[str, str]:
    allowed = {"quote": ("speaker", "outlet", "kind"), "sentence": ("voice", "outlet")}[args.what]
    given = {"speaker": args.speaker, "outlet": args.outlet, "voice": args.voice, "kind": args.kind}
    wrong = [k for k, v in given.items() if v is not None and k not in allowed]
    if wrong:
        raise BadCorrection(
            f"a {args.what} has no --{wrong[0]}; use {', '.join('--' + a for a in allowed)}"
        )
    names = {"outlet": "cited_outlet"}
    return {names.get(k, k): v.strip() for k, v in given.items() if v is not None and v.strip()}


def _report(args: argparse.Namespace, where: Located, fields: dict[str, str], done: str) -> None:
    if args.json:
        print_json(
            {
                "target": where.target,
                "file": where.file,
                "start": where.start,
                "end": where.end,
                "corrections": fields,
                "status": done,
            }
        )
        return
    shown = one_line(where.text, 70)
    print(f"{done}: {args.what} {args.id} “{shown}” [{one_line(where.file)} @{where.start}]")
    for key, value in fields.items():
        print(f"    {key} = {one_line(value)}")
