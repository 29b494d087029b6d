"""`iraqtui compare`: how each outlet characterises one event or one actor, side by side."""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import shutil
import sys
import textwrap
from typing import Any

from iraqtui.analysis.compare import ComparedSentence, Comparison, OutletColumn, characterise
from iraqtui.analysis.compare import resolve_target as resolve
from iraqtui.cli.common import open_for_reading, use_color
from iraqtui.cli.outlets import resolve_outlet
from iraqtui.export import neutralise_cell
from iraqtui.models import HIT_CLOSE, HIT_OPEN
from iraqtui.textsafe import escape_json_controls, sanitize

GAP = 3
MIN_COLUMN = 30
CSV_COLUMNS = (
    "target",
    "target_kind",
    "row",
    "outlet",
    "file",
    "sentence",
    "start",
    "end",
    "voice",
    "speaker",
    "cited_outlet",
    "text",
    "evaluative",
    "tone",
    "term",
    "count",
    "other_count",
    "delta",
    "z",
    "prior_alpha",
    "valence",
    "own_sentences",
    "quoted_sentences",
    "term_words",
)


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


def _clean(text: str | None) -> str:
    return " ".join(sanitize(text or "").split())


def _target(result: Comparison) -> dict[str, str]:
    t = result.target
    return {"kind": t.kind, "key": _clean(t.key), "label": _clean(t.label)}


def _method(result: Comparison) -> dict[str, Any]:
    return {
        "tone": result.tone_method,
        "terms": _clean(result.terms_method),
        "prior": {
            "alpha0": result.prior.alpha0,
            "background_tokens": result.prior.background_tokens,
            "source": result.prior.source,
        },
        "seconds": round(result.seconds, 4),
    }


# --- tidy rows (JSON and CSV) ---------------------------------------------------------------


def rows(result: Comparison) -> list[dict[str, Any]]:
    """One row per sentence, distinctive term, evaluative word or actor, with an outlet column."""
    base = {"target": _clean(result.target.key), "target_kind": result.target.kind}
    out: list[dict[str, Any]] = []
    for col in result.columns:
        where = {**base, "outlet": _clean(col.outlet)}
        out.append(
            {
                **where,
                "row": "summary",
                "tone": col.tone.score,
                "own_sentences": len(col.own),
                "quoted_sentences": len(col.quoted),
                "term_words": col.term_words,
            }
        )
        for item in (*col.own, *col.quoted):
            s = item.sentence
            out.append(
                {
                    **where,
                    "row": "sentence",
                    "file": _clean(s.file),
                    "sentence": s.id,
                    "start": s.start,
                    "end": s.end,
                    "voice": s.voice,
                    "speaker": "; ".join(_clean(x) for x in item.speakers) or None,
                    "cited_outlet": "; ".join(_clean(x) for x in item.cited_outlets) or None,
                    "text": _clean(s.text),
                    "evaluative": "; ".join(f"{e.word}:{e.valence:+.1f}" for e in item.evaluative)
                    or None,
                }
            )
        for t in col.terms:
            out.append(
                {
                    **where,
                    "row": "term",
                    "term": _clean(t.term),
                    "count": t.count,
                    "other_count": t.other_count,
                    "delta": round(t.delta, 4),
                    "z": round(t.z, 3),
                    "prior_alpha": round(t.alpha, 5),
                }
            )
        for word, valence, n in col.evaluative:
            out.append(
                {**where, "row": "evaluative", "term": _clean(word), "count": n, "valence": valence}
            )
        for name, n, own in col.actors:
            out.append(
                {**where, "row": "actor", "term": _clean(name), "count": n, "other_count": own}
            )
    return out


def to_json(result: Comparison) -> str:
    """The tidy rows as one JSON document, terminal-safe (C1 controls escaped)."""
    data = {"target": _target(result), "method": _method(result), "rows": rows(result)}
    return escape_json_controls(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"


def to_csv(result: Comparison) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for row in rows(result):
        writer.writerow(
            {k: ("" if row.get(k) is None else neutralise_cell(row.get(k))) for k in CSV_COLUMNS}
        )
    return buffer.getvalue()


# --- Markdown ---------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def md(text: str | None) -> str:
    """Corpus text made inert in Markdown: control characters out, specials escaped."""
    return _MD_SPECIAL.sub(r"\\\1", _clean(text))


def _md_sentence(item: ComparedSentence) -> str:
    """The sentence escaped for Markdown, its evaluative words in bold."""
    return md(_marked(item, (HIT_OPEN, HIT_CLOSE))).replace(HIT_OPEN, "**").replace(HIT_CLOSE, "**")


def to_markdown(result: Comparison) -> str:
    t = result.target
    lines = [f"## How outlets characterise {md(t.label)} ({t.kind})", ""]
    lines += [
        "| Outlet | Own-voice sentences | Quoted sentences | Tone (own voice) "
        "| Distinctive terms (z) | Actors named |",
        "|---|---|---|---|---|---|",
    ]
    for col in result.columns:
        tone = (
            "n/a" if col.tone.score is None else f"{col.tone.score:+.2f} (n={col.tone.sentences})"
        )
        terms = ", ".join(f"{md(k.term)} ({k.z:.2f})" for k in col.terms[:5]) or "—"
        actors = ", ".join(f"{md(a)} ({n})" for a, n, _o in col.actors[:5]) or "—"
        cells = [md(col.outlet), str(len(col.own)), str(len(col.quoted)), tone, terms, actors]
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        f"Tone: {md(result.tone_method)}. Distinctive terms: {md(result.terms_method)}; "
        f"log-odds ratio with informative Dirichlet prior (Monroe, Colaresi & Quinn 2008), "
        f"alpha0 = {result.prior.alpha0:g} from {md(result.prior.source)} "
        f"({result.prior.background_tokens} tokens). Evaluative words in bold.",
        "",
    ]
    for col in result.columns:
        lines += [f"### {md(col.outlet)}", "", f"Files: {', '.join(md(f) for f in col.files)}", ""]
        lines += ["**Own voice**", ""]
        lines += [f"- {_md_sentence(i)}" for i in col.own] or ["- none"]
        lines += ["", "**Quoted material**", ""]
        lines += [f"- *{md(i.label)}*: {_md_sentence(i)}" for i in col.quoted] or ["- none"]
        lines.append("")
    return "\n".join(lines) + "\n"


# --- terminal text ----------------------------------------------------------------------------


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


def _marked(item: ComparedSentence, marks: tuple[str, str]) -> str:
    text, last, parts = item.sentence.text, 0, []
    for e in item.evaluative:
        parts += [text[last : e.start], marks[0] + text[e.start : e.end] + marks[1]]
        last = e.end
    parts.append(text[last:])
    return _clean("".join(parts))


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
