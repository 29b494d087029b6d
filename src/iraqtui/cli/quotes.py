"""`iraqtui quotes QUERY`: fuzzy-find a half-remembered quote, with who said it, which outlet
reported it and every source that carries it."""

from __future__ import annotations

import argparse
from typing import Any

from iraqtui.analysis.quote_search import MIN_SCORE, search_quotes
from iraqtui.cli.common import open_for_reading, print_json
from iraqtui.models import QuoteHit, QuoteRecord
from iraqtui.textsafe import one_line, sanitize


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "quotes",
        parents=[parent],
        help="fuzzy search over quotes and quoted passages",
        description="Find quotes and quoted passages from misremembered words: order, case, "
        "punctuation and typos do not matter. Shows the speaker, the reporting outlet and "
        "every source carrying the quote. Scores run to 100; a quote scoring under "
        f"{MIN_SCORE:.0f} is no match and is not listed.",
    )
    parser.add_argument("query", nargs="+", help="the words you remember")
    parser.add_argument("--limit", type=int, default=10, metavar="N")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    conn = open_for_reading(args)
    try:
        query = " ".join(args.query)
        hits = search_quotes(conn, query, limit=max(1, args.limit))
    finally:
        conn.close()
    if args.json:
        print_json({"query": sanitize(query), "hits": [hit_json(h) for h in hits]})
        return 0
    if not hits:
        print(f"no quotes match {one_line(query)!r}")
        return 0
    for hit in hits:
        print_hit(hit)
    print(f"{len(hits)} quote{'s' if len(hits) != 1 else ''}")
    return 0


def record_json(q: QuoteRecord) -> dict[str, Any]:
    """A quote as JSON: machine values, the user's corrections beside them, and carriers."""
    return {
        "id": q.id,
        "source": q.source,
        "file": sanitize(q.file),
        "outlet": sanitize(q.outlet) if q.outlet else None,
        "start": q.start,
        "end": q.end,
        "text": q.text,
        "kind": q.kind,
        "speaker": sanitize(q.speaker) if q.speaker else None,
        "speaker_actor": q.speaker_actor,
        "speaker_via_carrier": q.speaker_via,
        "cited_outlet": q.cited_outlet,
        "confidence": q.confidence,
        "method": q.method,
        "corrections": q.corrections,
        "target": q.target,
        "carried_by": list(q.carried_by),
        "carriers": [
            {
                "source": c.source,
                "file": sanitize(c.file),
                "outlet": c.outlet,
                "start": c.start,
                "end": c.end,
                "quote": c.quote_id,
                "speaker": c.speaker,
                "wording_differs": list(c.differs),
                "covers": c.covers,
            }
            for c in q.carriers
        ],
    }


def hit_json(hit: QuoteHit) -> dict[str, Any]:
    return {"score": hit.score, "matched": hit.matched, **record_json(hit.quote)}


def print_hit(hit: QuoteHit) -> None:
    q = hit.quote
    speaker = q.shown_speaker or "unknown speaker"
    if "speaker" not in q.corrections and not q.speaker and q.speaker_via:
        speaker += " (named by another source carrying it)"
    cited = q.shown_outlet
    # No cited outlet: the post reports it itself (or never says where it read it).
    via = f"reported by {one_line(cited)}" if cited else "no outlet cited: the post's own reporting"
    fixed = " [corrected]" if q.corrections else ""
    shown = one_line(q.text, 110)
    print(f"{hit.score:5.1f}  {shown if q.kind == 'passage' else '“' + shown + '”'}")
    print(f"       {q.kind}: {one_line(speaker)} · {via}{fixed}")
    print(f"       in {one_line(q.outlet or q.file)} [{one_line(q.file)} @{q.start}] quote {q.id}")
    for c in q.carriers:
        how = "same words" if not c.differs else "differs: " + "; ".join(c.differs[:4])
        if c.covers < 0.8:
            how = f"{c.covers:.0%} of it; {how}"
        print(
            f"       also in {one_line(c.outlet or c.file)} [{one_line(c.file)} @{c.start}] "
            f"({one_line(how, 90)})"
        )
