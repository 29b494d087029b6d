"""`iraqtui events`: the event list, one event's evidence, unassigned sentences, proposals."""

from __future__ import annotations

import argparse
import math
import sqlite3
import sys
from typing import Any

from iraqtui.analysis.keyness import content_words
from iraqtui.analysis.names import resolve_name
from iraqtui.analysis.propose import DEFAULT_LIMIT, ProposedEvent, propose_events
from iraqtui.cli.common import open_for_reading, print_json
from iraqtui.errors import UnknownName
from iraqtui.models import CorpusSentence, EventDef, EventSummary
from iraqtui.store import event_queries as eq
from iraqtui.store import writer
from iraqtui.textsafe import one_line, sanitize

# --unassigned lists sentences with at least this many content words ("We'll see." is not).
SUBSTANTIVE_WORDS = 4
TEXT_WIDTH = 110


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "events",
        parents=[parent],
        help="events with per-outlet sentence counts, or one event's evidence",
        description="With no KEY, every event in date order with how many sentences each "
        "outlet devotes to it. With KEY (fuzzy), the sentences assigned to it with their "
        "score and evidence.",
    )
    parser.add_argument("key", nargs="?", help="an event key or label (fuzzy)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--unassigned", action="store_true", help="substantive sentences matched to no event"
    )
    mode.add_argument(
        "--propose",
        action="store_true",
        help="propose candidate events from similar sentences in two or more outlets",
    )
    parser.add_argument(
        "--limit",
        type=int,
        default=DEFAULT_LIMIT,
        metavar="N",
        help=f"with --propose: how many, strongest first (default {DEFAULT_LIMIT}; 0: all)",
    )
    parser.add_argument(
        "--save",
        action="store_true",
        help="with --propose: store the proposals as events (replacing earlier proposals), so "
        "`iraqtui compare proposed_…` shows them side by side",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=run, usage_error=parser.error)


def run(args: argparse.Namespace) -> int:
    _check_combination(args)
    conn = open_for_reading(args)
    try:
        if args.propose:
            return _propose(conn, args)
        if args.unassigned:
            return _unassigned(conn, args)
        if args.key:
            return _one(conn, args)
        return _list(conn, args)
    finally:
        conn.close()


def _check_combination(args: argparse.Namespace) -> None:
    """Refuse options that would be silently ignored (argparse's usage error: exit 2)."""
    mode = "--unassigned" if args.unassigned else "--propose" if args.propose else None
    if args.key and mode:
        args.usage_error(
            f"KEY ({args.key!r}) cannot be combined with {mode}: {mode} looks at the whole "
            f"corpus; run `iraqtui events {mode}`, or `iraqtui events KEY` for one event"
        )
    if args.save and not args.propose:
        args.usage_error("--save stores proposals: use it with --propose")


def resolve_event(conn: sqlite3.Connection, name: str) -> EventSummary:
    """An event by key or label, exactly or by a clear fuzzy match; else list the closest."""
    events = eq.list_events(conn)
    by_key = {e.key: e for e in events}
    names = [(n, e.key) for e in events for n in (e.key, e.label)]
    found = resolve_name(name, names, limit=8)
    if found.found is not None:
        return by_key[found.found]
    closest = ", ".join(repr(k) for k in found.closest[:5]) or "none (no events in the database)"
    raise UnknownName(f"no event named {one_line(name, 80)!r}; closest: {closest}")


def _dates(event: EventSummary) -> str:
    if event.date and event.date_end and event.date_end != event.date:
        return f"{event.date}–{event.date_end}"
    return event.date or "undated"


def _sentence_json(s: CorpusSentence) -> dict[str, Any]:
    return {
        "sentence": s.id,
        "source": s.source,
        "file": sanitize(s.file),
        "outlet": sanitize(s.outlet),
        "start": s.start,
        "end": s.end,
        "voice": s.voice,
        "cited_outlet": sanitize(s.cited_outlet) if s.cited_outlet else None,
        "text": s.text,
    }


def _event_json(e: EventSummary) -> dict[str, Any]:
    return {
        "key": e.key,
        "label": sanitize(e.label),
        "date": e.date,
        "date_end": e.date_end,
        "date_note": sanitize(e.date_note) if e.date_note else None,
        "description": sanitize(e.description) if e.description else None,
        "origin": e.origin,
        "sentences": e.sentences,
        "by_outlet": {sanitize(k): v for k, v in e.by_outlet.items()},
    }


def _list(conn: sqlite3.Connection, args: argparse.Namespace) -> int:
    events = eq.list_events(conn)
    if args.json:
        print_json([_event_json(e) for e in events])
        return 0
    if not events:
        print("no events: ingest with an events.toml catalogue, or try `iraqtui events --propose`")
        return 0
    for e in events:
        print(f"{_dates(e):23} {one_line(e.key, 28):28} {one_line(e.label, 60)}")
        counts = " · ".join(f"{one_line(o, 40)} {n}" for o, n in e.by_outlet.items())
        print(f"{'':23} {e.sentences} sentence{'s' if e.sentences != 1 else ''}: {counts or '—'}")
    return 0


def _one(conn: sqlite3.Connection, args: argparse.Namespace) -> int:
    event = resolve_event(conn, args.key)
    passages = eq.event_passages(conn, event.key)
    if args.json:
        data = _event_json(event)
        data["passages"] = [
            {**_sentence_json(p.sentence), "score": p.score, "evidence": list(p.evidence)}
            for p in passages
        ]
        print_json(data)
        return 0
    print(f"{one_line(event.label)}  [{event.key}]  {_dates(event)}")
    if event.date_note:
        print(f"date: {one_line(event.date_note)}")
    if event.description:
        print(one_line(event.description))
    outlet = None
    for p in passages:
        if p.sentence.outlet != outlet:
            outlet = p.sentence.outlet
            print(f"\n== {one_line(outlet)} ({event.by_outlet.get(outlet, 0)})")
        s = p.sentence
        print(f"  {p.score:.2f} {s.voice:6} {one_line(s.file)} @{s.start}")
        print(f"       {one_line(s.text, TEXT_WIDTH)}")
        print(f"       evidence: {one_line('; '.join(p.evidence), TEXT_WIDTH)}")
    if not passages:
        print("no sentences are assigned to this event")
    return 0


def _unassigned(conn: sqlite3.Connection, args: argparse.Namespace) -> int:
    rows = [
        s for s in eq.unassigned_sentences(conn) if len(content_words(s.text)) >= SUBSTANTIVE_WORDS
    ]
    if args.json:
        print_json([_sentence_json(s) for s in rows])
        return 0
    outlet = None
    for s in rows:
        if s.outlet != outlet:
            outlet = s.outlet
            print(f"== {one_line(outlet)}")
        print(f"  {one_line(s.file)} @{s.start}: {one_line(s.text, TEXT_WIDTH)}")
    print(f"{len(rows)} substantive sentence{'s' if len(rows) != 1 else ''} assigned to no event")
    return 0


def _propose(conn: sqlite3.Connection, args: argparse.Namespace) -> int:
    sentences = eq.body_sentences(conn)
    mentions = eq.mentions_in(conn, [s.id for s in sentences])
    actors = {k: [(name, a, b) for name, _t, a, b in v] for k, v in mentions.items()}
    limit = args.limit if args.limit > 0 else len(sentences) + 1
    reused = eq.reuse_clusters_in(conn, sentences)
    kinds = {name: kind for v in mentions.values() for name, kind, _a, _b in v}
    proposals = propose_events(
        sentences,
        actors,
        limit=limit,
        reused=reused,
        kinds=kinds,
        published=eq.published_dates(conn),
    )
    if args.save:
        _save(conn, proposals)
    if args.json:
        print_json([_proposal_json(p) for p in proposals])
        return 0
    for p in proposals:
        outlets = ", ".join(one_line(o, 40) for o in p.outlets)
        print(f"{p.key}  ({one_line(p.label, 70)})")
        print(f"    {len(p.sentences)} sentences, {len(p.outlets)} outlets: {outlets}")
        print(f"    {p.links} linked sentence pairs across outlets (strength {p.cohesion:g})")
        for s in p.sentences:
            print(f"    - {one_line(s.outlet, 24)}: {one_line(s.text, TEXT_WIDTH - 30)}")
    print(f"{len(proposals)} candidate event{'s' if len(proposals) != 1 else ''}")
    if not proposals:
        print("no two outlets have sentences in common (two or more rare words or names, or a")
        print("reused passage): nothing to put side by side")
    return 0


def _save(conn: sqlite3.Connection, proposals: list[ProposedEvent]) -> None:
    rows = [
        (
            EventDef(
                key=p.key,
                label=p.label,
                description=f"proposed from {len(p.sentences)} similar sentences in "
                f"{len(p.outlets)} outlets",
            ),
            round(1.0 - math.exp(-p.cohesion / max(1, p.links) / 10.0), 3),  # mean link
            [(s.id, s.source, s.start, s.end) for s in p.sentences],
            [f"proposed:{t}" for t in (*p.actors, *p.terms)],
        )
        for p in proposals
    ]
    with writer.transaction(conn):
        stored = writer.replace_proposed_events(conn, rows)
    print(
        f"stored {stored} proposed events; compare one with `iraqtui compare KEY`", file=sys.stderr
    )


def _proposal_json(p: ProposedEvent) -> dict[str, Any]:
    return {
        "key": p.key,
        "label": sanitize(p.label),
        "terms": [sanitize(t) for t in p.terms],
        "actors": [sanitize(a) for a in p.actors],
        "outlets": [sanitize(o) for o in p.outlets],
        "cohesion": p.cohesion,
        "links": p.links,
        "sentences": [_sentence_json(s) for s in p.sentences],
    }
