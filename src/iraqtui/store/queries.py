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


def search_paragraphs(
    conn: sqlite3.Connection,
    match: str,
    *,
    limit: int,
    outlet: str | None = None,
    include_boilerplate: bool = False,
) -> list[SearchHit]:
    """BM25-ranked paragraphs for an FTS5 MATCH expression (raises on a malformed one)."""
    where = ["paragraphs_fts MATCH ?"]
    params: list[Any] = [match]
    if not include_boilerplate:
        where.append("p.boilerplate = 0")
    if outlet:
        where.append("s.outlet = ?")
        params.append(outlet)
    params.append(limit)
    rows = fetch(
        conn,
        f"""
        SELECT p.id, p.source, s.file, s.outlet, s.title, p.start, p.end,
               snippet(paragraphs_fts, 0, '{HIT_OPEN}', '{HIT_CLOSE}', '…', 24) AS snippet,
               bm25(paragraphs_fts) AS rank
        FROM paragraphs_fts
        JOIN paragraphs p ON p.id = paragraphs_fts.rowid
        JOIN sources s ON s.id = p.source
        WHERE {" AND ".join(where)}
        ORDER BY rank LIMIT ?
        """,
        params,
    )
    return [
        SearchHit(
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
        for r in rows
    ]


def _json_dict(raw: object) -> dict[str, str]:
    try:
        value = json.loads(str(raw)) if raw else {}
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}
