"""`iraqtui compare`: how each outlet characterises one event or one actor, side by side."""

from __future__ import annotations

import argparse
import shutil
import sys
import textwrap
from typing import Any

from iraqtui.analysis.compare import Comparison, OutletColumn, characterise
from iraqtui.analysis.compare import resolve_target as resolve
from iraqtui.analysis.compare_formats import clean as _clean
from iraqtui.analysis.compare_formats import marked as _marked
from iraqtui.analysis.compare_formats import (
    to_csv,
    to_json,
    to_markdown,
)
from iraqtui.cli.common import open_for_reading, use_color
from iraqtui.cli.outlets import resolve_outlet

GAP = 3
MIN_COLUMN = 30


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "compare",
        parents=[parent],
        help="how each outlet characterises an event or an actor",
        description="Per outlet: own-voice sentences, quoted material (speaker, cited outlet), "
        "evaluative words and tone (VADER, own voice only), distinctive terms (log-odds with "
        "an informative Dirichlet prior) and the actors named.",
    )
    parser.add_argument("name", help="an event key or label, or an actor name (fuzzy)")
    parser.add_argument("--outlets", metavar="A,B", help="only these outlets (fuzzy names)")
    parser.add_argument(
        "--format", choices=("text", "markdown", "json", "csv"), default="text", dest="fmt"
    )
    parser.add_argument("--top", type=int, default=8, metavar="N", help="distinctive terms")
    parser.add_argument("--width", type=int, metavar="N", help="terminal width for text")
    parser.add_argument(
        "--quoted-terms",
        action="store_true",
        help="count distinctive terms over quoted material too (tone stays own voice)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    conn = open_for_reading(args)
    try:
        target = resolve(conn, args.name)
        outlets = None
        if args.outlets:
            outlets = [
                resolve_outlet(conn, o.strip()) for o in args.outlets.split(",") if o.strip()
            ]
        result = characterise(
            conn, target, outlets, top_terms=max(1, args.top), quoted_terms=args.quoted_terms
        )
    finally:
        conn.close()
    if args.fmt == "json":
        sys.stdout.write(to_json(result))
    elif args.fmt == "csv":
        sys.stdout.write(to_csv(result))
    elif args.fmt == "markdown":
        sys.stdout.write(to_markdown(result))
    else:
        width = args.width or shutil.get_terminal_size((120, 40)).columns
        sys.stdout.write(to_text(result, width, color=use_color()))
    return 0


def _column_lines(col: OutletColumn, width: int, marks: tuple[str, str]) -> list[str]:
    def wrap(text: str, indent: str = "") -> list[str]:
        return textwrap.wrap(text, width, subsequent_indent=indent) or [""]

    tone = "n/a" if col.tone.score is None else f"{col.tone.score:+.2f}"
    lines = [_clean(col.outlet)[:width], "─" * width]
    lines += wrap(f"tone {tone} over {col.tone.sentences} own-voice sentences")
    lines += wrap(f"{len(col.own)} own · {len(col.quoted)} quoted sentences")
    lines.append("distinctive (count/others, z):")
    for k in col.terms:
        lines += wrap(f"  {_clean(k.term)} {k.count}/{k.other_count} z={k.z:.2f}", "    ")
    lines += wrap(
        "evaluative: " + (", ".join(f"{w} {v:+.1f}" for w, v, _n in col.evaluative[:8]) or "—"),
        "  ",
    )
    lines += wrap(
        "actors: " + (", ".join(f"{_clean(a)} {n}" for a, n, _o in col.actors[:6]) or "—"), "  "
    )
    lines += ["", "OWN VOICE"]
    for item in col.own:
        lines += wrap("• " + _marked(item, marks), "  ")
    if not col.own:
        lines.append("  none")
    lines += ["", "QUOTED"]
    for item in col.quoted:
        lines += wrap(f"• [{_clean(item.label)}] " + _marked(item, marks), "  ")
    if not col.quoted:
        lines.append("  none")
    return lines


def to_text(result: Comparison, width: int, *, color: bool = False) -> str:
    """Columns per outlet side by side; stacked when the terminal is too narrow for them."""
    marks = ("\x1b[1m", "\x1b[0m") if color else ("*", "*")
    head = [
        f"{_clean(result.target.label)} ({result.target.kind}); evaluative words in *stars*"
        if not color
        else f"{_clean(result.target.label)} ({result.target.kind})"
    ]
    n = max(1, len(result.columns))
    col_width = (width - GAP * (n - 1)) // n
    if not result.columns:
        return head[0] + "\nno sentences to compare\n"
    if col_width < MIN_COLUMN:
        out = head[:]
        for col in result.columns:
            out += ["", *_column_lines(col, max(MIN_COLUMN, width), marks)]
        return "\n".join([*out, "", *_method_lines(result, width)]) + "\n"
    blocks = [_column_lines(col, col_width, ("*", "*")) for col in result.columns]
    height = max(len(b) for b in blocks)
    out = head[:]
    for y in range(height):
        cells = [(b[y] if y < len(b) else "").ljust(col_width) for b in blocks]
        out.append((" " * GAP).join(cells).rstrip())
    return "\n".join([*out, "", *_method_lines(result, width)]) + "\n"


def _method_lines(result: Comparison, width: int) -> list[str]:
    """What the tone and the distinctive terms are computed on, under the columns."""
    return [
        *textwrap.wrap(_clean(f"Tone: {result.tone_method}."), max(MIN_COLUMN, width)),
        *textwrap.wrap(
            _clean(f"Distinctive terms: {result.terms_method}."), max(MIN_COLUMN, width)
        ),
    ]
