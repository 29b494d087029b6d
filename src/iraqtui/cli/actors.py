"""`iraqtui actors`: who the corpus names, how often each outlet names them, and where."""

from __future__ import annotations

import argparse
import sqlite3
from typing import Any

from iraqtui.cli.common import open_for_reading, print_json, use_color
from iraqtui.cli.outlets import resolve_outlet
from iraqtui.errors import IraqtuiError
from iraqtui.ingest.gazetteer import ACTOR_TYPES
from iraqtui.models import ActorDetail, ActorSummary, CandidateSummary, InContext
from iraqtui.store.actor_queries import (
    actor_detail,
    actor_summaries,
    resolve_actor,
    unresolved_candidates,
)
from iraqtui.store.app_queries import corpus_stamp
from iraqtui.textsafe import one_line, sanitize


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "actors",
        parents=[parent],
        help="actors with mention counts per outlet; one actor's mentions in context",
        description="With no NAME: every actor named in the corpus, with mention counts per "
        "outlet. With NAME (fuzzy on names and aliases): the names it is found under and "
        "every mention in context, grouped by outlet. --unresolved: capitalised names that "
        "matched no actor, to add to actors.toml.",
    )
    parser.add_argument("name", nargs="*", metavar="NAME", help="an actor's name or alias")
    parser.add_argument("--type", choices=ACTOR_TYPES, help="only actors of this type")
    parser.add_argument("--outlet", metavar="NAME", help="only this outlet (fuzzy on the name)")
    parser.add_argument(
        "--all", action="store_true", help="list gazetteer actors never mentioned, too"
    )
    parser.add_argument(
        "--unresolved", action="store_true", help="names found that matched no actor"
    )
    parser.add_argument(
        "--limit",
        type=int,
        default=None,
        metavar="N",
        help="at most N rows (--unresolved: default 100)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.unresolved and args.name:
        raise_usage("give either NAME or --unresolved, not both")
    conn = open_for_reading(args)
    try:
        outlet = resolve_outlet(conn, args.outlet) if args.outlet else None
        if args.unresolved:
            limit = args.limit if args.limit is not None else 100
            show_unresolved(unresolved_candidates(conn, limit=max(1, limit)), args.json)
        elif args.name:
            name = resolve_actor(conn, " ".join(args.name))
            show_detail(actor_detail(conn, name, outlet), args.json, args.limit)
        else:
            summaries = actor_summaries(
                conn, actor_type=args.type, outlet=outlet, include_unmentioned=args.all
            )
            if args.limit is not None:
                summaries = summaries[: max(0, args.limit)]
            if not summaries and not args.json:
                print(nothing_named(conn, filtered=bool(args.type or outlet)))
            else:
                show_summaries(summaries, args.json)
    finally:
        conn.close()
    return 0


def nothing_named(conn: sqlite3.Connection, *, filtered: bool) -> str:
    """Why the actor list is empty, and what to do about it."""
    sources = corpus_stamp(conn).sources
    if not sources:
        return "no sources in this database: load some with `iraqtui ingest PATH`"
    if filtered:
        return "no actor of that type or outlet is named"
    if unresolved_candidates(conn, limit=1):
        return (
            "no actor of the gazetteer is named in these sources; `iraqtui actors --unresolved` "
            "lists the names that matched none (add them to an actors.toml beside your files)"
        )
    return "no actor of the gazetteer is named in these sources"


def raise_usage(message: str) -> None:
    raise IraqtuiError(message)


def show_summaries(summaries: list[ActorSummary], as_json: bool) -> None:
    if as_json:
        print_json(
            [
                {
                    "id": a.id,
                    "name": sanitize(a.name),
                    "type": a.type,
                    "affiliation": sanitize(a.affiliation) if a.affiliation else None,
                    "mentions": a.mentions,
                    "by_outlet": {sanitize(k): v for k, v in a.by_outlet.items()},
                }
                for a in summaries
            ]
        )
        return
    if not summaries:
        print("no actors found (is the database built? try `iraqtui ingest`)")
        return
    width = min(32, max(len(one_line(a.name)) for a in summaries))
    print(f"{'ACTOR':<{width}}  {'TYPE':<12} {'MENTIONS':>8}  BY OUTLET")
    for a in summaries:
        outlets = ", ".join(f"{one_line(o, 40)} {n}" for o, n in a.by_outlet.items())
        print(f"{one_line(a.name, width):<{width}}  {a.type:<12} {a.mentions:>8}  {outlets}")
    total = sum(a.mentions for a in summaries)
    print(f"{len(summaries)} actor{'s' if len(summaries) != 1 else ''}, {total} mentions")


def show_detail(detail: ActorDetail, as_json: bool, limit: int | None) -> None:
    if as_json:
        print_json(
            {
                "id": detail.id,
                "name": sanitize(detail.name),
                "type": detail.type,
                "affiliation": sanitize(detail.affiliation) if detail.affiliation else None,
                "description": sanitize(detail.description) if detail.description else None,
                "aliases": [sanitize(a) for a in detail.aliases],
                "demonyms": [sanitize(d) for d in detail.demonyms],
                "seen": [{"surface": s, "method": m, "count": n} for s, m, n in detail.seen],
                "mentions": [_context_json(c) for c in detail.mentions],
            }
        )
        return
    head = f"{one_line(detail.name)} ({detail.type})"
    if detail.affiliation:
        head += f", affiliated with {one_line(detail.affiliation)}"
    print(head)
    if detail.description:
        print(f"  {one_line(detail.description)}")
    if detail.aliases or detail.demonyms:
        names = ", ".join(one_line(a) for a in (*detail.aliases, *detail.demonyms))
        print(f"  gazetteer names: {names}")
    if not detail.mentions:
        print("  not mentioned in the corpus")
        return
    seen = ", ".join(
        f"{one_line(s)} ×{n}" + ("" if m == "exact" else f" ({m})") for s, m, n in detail.seen
    )
    sources = len({c.source for c in detail.mentions})
    print(f"  found as: {seen}")
    print(f"  {len(detail.mentions)} mentions in {sources} source{'s' if sources != 1 else ''}")
    by_outlet: dict[str, list[InContext]] = {}
    for c in detail.mentions:
        by_outlet.setdefault(c.outlet, []).append(c)
    marks = ("\x1b[1m", "\x1b[0m") if use_color() else ("[", "]")
    for outlet, items in by_outlet.items():
        print()
        print(f"{one_line(outlet)} ({len(items)} mention{'s' if len(items) != 1 else ''})")
        shown = items if limit is None else items[: max(0, limit)]
        for c in shown:
            print(f"  {_kwic(c, marks)}  {one_line(c.file, 30)}@{c.start}")
        if len(shown) < len(items):
            print(f"  … and {len(items) - len(shown)} more (without --limit to see all)")


def show_unresolved(candidates: list[CandidateSummary], as_json: bool) -> None:
    if as_json:
        print_json(
            [
                {
                    "surface": sanitize(c.surface),
                    "count": c.count,
                    "sources": c.sources,
                    "contexts": [_context_json(x) for x in c.contexts],
                }
                for c in candidates
            ]
        )
        return
    if not candidates:
        print("no unresolved names: every capitalised name matched an actor")
        return
    width = min(30, max(len(one_line(c.surface)) for c in candidates))
    print(f"{'NAME':<{width}} {'COUNT':>5} {'SOURCES':>7}  FIRST CONTEXT")
    for c in candidates:
        context = _kwic(c.contexts[0], ("[", "]"), 30) if c.contexts else ""
        print(f"{one_line(c.surface, width):<{width}} {c.count:>5} {c.sources:>7}  {context}")
    print(
        f"{len(candidates)} name{'s' if len(candidates) != 1 else ''}; add the real ones "
        "to actors.toml (as an actor or an alias) and run `iraqtui ingest` again"
    )


def _kwic(c: InContext, marks: tuple[str, str], side: int = 40) -> str:
    """`…text before [name] text after…`, the name at a fixed column."""
    left = one_line(c.left)
    left = ("…" + left[-(side - 1) :]) if len(left) > side else left
    left += " " if c.left[-1:].isspace() else ""
    right = (" " if c.right[:1].isspace() else "") + one_line(c.right, side)
    return f"{left:>{side + 1}}{marks[0]}{one_line(c.surface)}{marks[1]}{right}"


def _context_json(c: InContext) -> dict[str, Any]:
    data: dict[str, Any] = {
        "source": c.source,
        "file": sanitize(c.file),
        "outlet": sanitize(c.outlet),
        "start": c.start,
        "end": c.end,
        "surface": c.surface,
        "left": c.left,
        "right": c.right,
    }
    if c.method:
        data["method"] = c.method
        data["score"] = c.score
    return data
