"""Read SQL for sources, paragraphs, sentences and search; returns models, never dict rows."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from iraqtui.models import (
    HIT_CLOSE,
    HIT_OPEN,
    ParagraphRow,
    SearchHit,
    SentenceRow,
    SourceSummary,
)


def fetch(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
    """Rows addressable by column name, without changing the connection's row factory."""
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    return list(cursor.execute(sql, params))


def source_summaries(conn: sqlite3.Connection) -> list[SourceSummary]:
    rows = fetch(
        conn,
        """
        SELECT s.id, s.file, s.outlet, s.author, s.published, s.url, s.title, s.leaning,
               s.provenance,
               (SELECT count(*) FROM paragraphs p WHERE p.source = s.id) AS paragraphs,
               (SELECT count(*) FROM sentences t WHERE t.source = s.id) AS sentences,
               (SELECT count(*) FROM boilerplate b WHERE b.source = s.id) AS boilerplate
        FROM sources s ORDER BY s.published IS NULL, s.published, s.file
        """,
    )
    return [
        SourceSummary(
            id=r["id"],
            file=r["file"],
            outlet=r["outlet"],
            author=r["author"],
            published=r["published"],
            url=r["url"],
            title=r["title"],
            leaning=r["leaning"],
            provenance=_json_dict(r["provenance"]),
            paragraphs=r["paragraphs"],
            sentences=r["sentences"],
            boilerplate=r["boilerplate"],
        )
        for r in rows
    ]


def paragraphs_of(conn: sqlite3.Connection, source_id: int) -> list[ParagraphRow]:
    rows = fetch(
        conn,
        "SELECT id, source, seq, start, end, text, boilerplate FROM paragraphs "
        "WHERE source = ? ORDER BY seq",
        (source_id,),
    )
    return [
        ParagraphRow(
            r["id"], r["source"], r["seq"], r["start"], r["end"], r["text"], bool(r["boilerplate"])
        )
        for r in rows
    ]


def sentences_of(conn: sqlite3.Connection, source_id: int) -> list[SentenceRow]:
    rows = fetch(
        conn,
        "SELECT id, source, paragraph, seq, start, end, text, boilerplate, voice, cited_outlet, "
        "voice_confidence FROM sentences WHERE source = ? ORDER BY seq",
        (source_id,),
    )
    return [_sentence(r) for r in rows]


def _sentence(r: sqlite3.Row) -> SentenceRow:
    return SentenceRow(
        r["id"],
        r["source"],
        r["paragraph"],
        r["seq"],
        r["start"],
        r["end"],
        r["text"],
        bool(r["boilerplate"]),
        r["voice"],
        r["cited_outlet"],
        r["voice_confidence"],
    )


def outlets(conn: sqlite3.Connection) -> list[str]:
    return [
        str(r[0])
        for r in conn.execute(
            "SELECT DISTINCT outlet FROM sources WHERE outlet IS NOT NULL ORDER BY outlet"
        )
    ]


# Ranked search reads this many more rows than asked for, so that a few boilerplate
# paragraphs among the best-ranked can be dropped without running the query again.
RANK_SLACK = 50


def search_paragraphs(
    conn: sqlite3.Connection,
    match: str,
    *,
    limit: int,
    outlet: str | None = None,
    include_boilerplate: bool = False,
) -> list[SearchHit]:
    """BM25-ranked paragraphs for an FTS5 MATCH expression (raises on a malformed one).

    Ranking every match is the cost (about a second for a common word at a million
    paragraphs), so the ranking query is the raw one (MATCH, join on rowid, snippet, ORDER
    BY rank) with nothing added per match: filtering boilerplate in SQL, or joining sources,
    would cost for every match, not for the fifty shown. Boilerplate is dropped from a few
    spare rows instead, and sources are looked up for the rows kept. Only when boilerplate
    crowds out the best rows, or an outlet is given, do the filters join the ranking.
    """
    if outlet is None:
        wanted = limit if include_boilerplate else limit + RANK_SLACK
        shown = [0]

        def one_more_shown() -> int:
            """Rows come in rank order: only the first `limit` kept ones need a snippet."""
            shown[0] += 1
            return int(shown[0] <= limit)

        conn.create_function("iraqtui_one_more_shown", 0, one_more_shown)
        ranked = fetch(
            conn,
            f"""
            SELECT p.id, p.boilerplate, paragraphs_fts.rank AS rank,
                   CASE WHEN p.boilerplate AND NOT ? THEN NULL
                   WHEN iraqtui_one_more_shown() THEN
                   snippet(paragraphs_fts, 0, '{HIT_OPEN}', '{HIT_CLOSE}', '…', 24) END AS snippet
            FROM paragraphs_fts JOIN paragraphs p ON p.id = paragraphs_fts.rowid
            WHERE paragraphs_fts MATCH ? ORDER BY rank LIMIT ?
            """,
            (include_boilerplate, match, wanted),
        )
        kept = [r for r in ranked if include_boilerplate or not r["boilerplate"]]
        if len(kept) >= limit or len(ranked) < wanted:
            return _with_sources(conn, kept[:limit])
    return _ranked_with_filters(conn, match, limit, outlet, include_boilerplate)


def _with_sources(conn: sqlite3.Connection, ranked: list[sqlite3.Row]) -> list[SearchHit]:
    """SearchHits for ranked (id, rank, snippet) rows, with their source's columns."""
    if not ranked:
        return []
    rows = fetch(
        conn,
        "SELECT p.id, p.source, s.file, s.outlet, s.title, p.start, p.end FROM paragraphs p "
        "JOIN sources s ON s.id = p.source WHERE p.id IN (SELECT value FROM json_each(?))",
        (json.dumps([r["id"] for r in ranked]),),
    )
    by_id = {int(r["id"]): r for r in rows}
    hits = []
    for r in ranked:
        p = by_id[int(r["id"])]
        hits.append(
            SearchHit(
                p["id"],
                p["source"],
                p["file"],
                p["outlet"],
                p["title"],
                p["start"],
                p["end"],
                r["snippet"],
                r["rank"],
            )
        )
    return hits


def first_paragraphs(
    conn: sqlite3.Connection,
    match: str,
    *,
    limit: int,
    outlet: str | None = None,
    include_boilerplate: bool = False,
) -> tuple[list[SearchHit], bool]:
    """The first `limit` matches in index order, unranked (rank 0.0), and whether that is
    all of them.

    FTS5 stops at the limit, so this takes about a millisecond for any word however common.
    No bm25() here: its document frequencies cost a scan of each term's whole doclist (20 ms
    for "the" at a million paragraphs), which is what this query exists to avoid.
    """
    where, params = _filters(match, outlet, include_boilerplate)
    params.append(limit + 1)
    rows = fetch(
        conn,
        f"""
        SELECT p.id, p.source, s.file, s.outlet, s.title, p.start, p.end,
               snippet(paragraphs_fts, 0, '{HIT_OPEN}', '{HIT_CLOSE}', '…', 24) AS snippet,
               0.0 AS rank
        FROM paragraphs_fts
        JOIN paragraphs p ON p.id = paragraphs_fts.rowid
        JOIN sources s ON s.id = p.source
        WHERE {" AND ".join(where)}
        LIMIT ?
        """,
        params,
    )
    return [_hit(r) for r in rows[:limit]], len(rows) <= limit


def _ranked_with_filters(
    conn: sqlite3.Connection,
    match: str,
    limit: int,
    outlet: str | None,
    include_boilerplate: bool,
) -> list[SearchHit]:
    where, params = _filters(match, outlet, include_boilerplate)
    params.append(limit)
    rows = fetch(
        conn,
        f"""
        SELECT p.id, p.source, s.file, s.outlet, s.title, p.start, p.end,
               snippet(paragraphs_fts, 0, '{HIT_OPEN}', '{HIT_CLOSE}', '…', 24) AS snippet,
               paragraphs_fts.rank AS rank
        FROM paragraphs_fts
        JOIN paragraphs p ON p.id = paragraphs_fts.rowid
        JOIN sources s ON s.id = p.source
        WHERE {" AND ".join(where)}
        ORDER BY rank LIMIT ?
        """,
        params,
    )
    return [_hit(r) for r in rows]


def _filters(
    match: str, outlet: str | None, include_boilerplate: bool
) -> tuple[list[str], list[Any]]:
    where = ["paragraphs_fts MATCH ?"]
    params: list[Any] = [match]
    if not include_boilerplate:
        where.append("p.boilerplate = 0")
    if outlet:
        where.append("s.outlet = ?")
        params.append(outlet)
    return where, params


def _hit(r: sqlite3.Row) -> SearchHit:
    return SearchHit(
        r["id"],
        r["source"],
        r["file"],
        r["outlet"],
        r["title"],
        r["start"],
        r["end"],
        r["snippet"],
        r["rank"],
    )


def _json_dict(raw: object) -> dict[str, str]:
    try:
        value = json.loads(str(raw)) if raw else {}
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}
