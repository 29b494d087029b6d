"""Read SQL for sources, paragraphs, sentences and search; returns models, never dict rows."""

from __future__ import annotations

import json
import re
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
    # Each count in one walk of its (source, ...) index rather than a probe per source.
    counts = [
        dict(conn.execute(f"SELECT source, count(*) FROM {table} GROUP BY source"))
        for table in ("paragraphs", "sentences", "boilerplate")
    ]
    # Sources share a handful of provenance records: parse each once (50,000 at 1M).
    provenance: dict[object, dict[str, str]] = {}
    out: list[SourceSummary] = []
    for row in conn.execute(
        "SELECT id, file, outlet, author, published, url, title, leaning, provenance "
        "FROM sources ORDER BY published IS NULL, published, file"
    ):
        source_id, file, outlet, author, published, url, title, leaning, raw = row
        if raw not in provenance:
            provenance[raw] = _json_dict(raw)
        out.append(
            SourceSummary(
                id=source_id,
                file=file,
                outlet=outlet,
                author=author,
                published=published,
                url=url,
                title=title,
                leaning=leaning,
                provenance=dict(provenance[raw]),
                paragraphs=counts[0].get(source_id, 0),
                sentences=counts[1].get(source_id, 0),
                boilerplate=counts[2].get(source_id, 0),
            )
        )
    return out


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
_TOKENIZE = re.compile(r"""tokenize\s*=\s*(?:'((?:[^']|'')*)'|"((?:[^"]|"")*)")""", re.I)


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
    paragraphs), so the ranking query does nothing else: `bm25()` per match, kept in
    SQLite's top-N sorter (`ORDER BY score LIMIT n` holds n rows), which is cheaper than
    FTS5's own `ORDER BY rank` (that one sorts every match with its position lists).
    Paragraphs and sources are read for the best rows (and, when boilerplate is among
    them, for a few spare ones to replace it), and snippets are made for the rows kept
    alone (`_snippets`). Only when boilerplate
    crowds out the best rows, or an outlet is given, do the filters join the ranking.
    """
    if outlet is None:
        wanted = limit if include_boilerplate else limit + RANK_SLACK
        ranked = conn.execute(
            "SELECT rowid, bm25(paragraphs_fts) AS score FROM paragraphs_fts "
            "WHERE paragraphs_fts MATCH ? ORDER BY score, rowid LIMIT ?",
            (match, wanted),
        ).fetchall()
        ids = [int(r[0]) for r in ranked]
        rows = _paragraph_rows(conn, ids[:limit])
        read = min(limit, len(ids))
        while not include_boilerplate and read < len(ids):
            shown = sum(1 for pid in ids[:read] if not rows[pid][8])
            if shown >= limit:
                break
            # Spare rows, only as many as the boilerplate among the best needs (read
            # after the ranking, each is a page or two the ranking did not touch).
            more = ids[read : read + 2 * (limit - shown) + 4]
            rows.update(_paragraph_rows(conn, more))
            read += len(more)
        kept = [
            (int(pid), float(score))
            for pid, score in ranked
            if int(pid) in rows and (include_boilerplate or not rows[int(pid)][8])
        ]
        if len(kept) >= limit or len(ranked) < wanted:
            # Fewer rows than asked for: the ranking saw every match, so few of them.
            few = len(ranked) < wanted
            return _ranked_hits(conn, match, kept[:limit], rows, few_matches=few)
    where, params = _filters(match, outlet, include_boilerplate)
    params.append(limit)
    ranked = conn.execute(
        f"""
        SELECT p.id, bm25(paragraphs_fts) AS score
        FROM paragraphs_fts
        JOIN paragraphs p ON p.id = paragraphs_fts.rowid
        JOIN sources s ON s.id = p.source
        WHERE {" AND ".join(where)}
        ORDER BY score, p.id LIMIT ?
        """,
        params,
    ).fetchall()
    kept = [(int(pid), float(score)) for pid, score in ranked]
    return _ranked_hits(conn, match, kept, _paragraph_rows(conn, [pid for pid, _ in kept]))


# (id, source, file, outlet, title, start, end, text, boilerplate) of a ranked paragraph
_PageRow = tuple[int, int, str, str | None, str | None, int, int, str, int]


def _paragraph_rows(conn: sqlite3.Connection, ids: list[int]) -> dict[int, _PageRow]:
    """The paragraphs with these ids (text, boilerplate flag, offsets) and their source's
    columns, by id: one query for the few rows a ranked page needs."""
    if not ids:
        return {}
    rows = conn.execute(
        "SELECT p.id, p.source, s.file, s.outlet, s.title, p.start, p.end, p.text, "
        "p.boilerplate FROM paragraphs p JOIN sources s ON s.id = p.source "
        "WHERE p.id IN (SELECT value FROM json_each(?))",
        (json.dumps(ids),),
    ).fetchall()
    return {int(r[0]): r for r in rows}


def _ranked_hits(
    conn: sqlite3.Connection,
    match: str,
    ranked: list[tuple[int, float]],
    rows: dict[int, _PageRow],
    *,
    few_matches: bool = False,
) -> list[SearchHit]:
    texts = {pid: str(rows[pid][7]) for pid, _ in ranked}
    snippets = _snippets(conn, match, texts, few_matches=few_matches)
    hits = []
    for pid, score in ranked:
        p_id, source, file, outlet, title, start, end, text, _boilerplate = rows[pid]
        snippet = snippets.get(pid) or _opening(str(text))
        hits.append(SearchHit(p_id, source, file, outlet, title, start, end, snippet, score))
    return hits


def _snippets(
    conn: sqlite3.Connection, match: str, texts: dict[int, str], *, few_matches: bool = False
) -> dict[int, str]:
    """FTS5's own `snippet()` for a page of paragraphs: from the big index when the query
    is known to have few matches (`_few_match_snippets`), else made on a throwaway
    in-memory index of those paragraphs alone, with the database's tokenizer.

    A snippet depends only on the paragraph and the query, so this gives the very snippets
    the big index would, in about a millisecond (indexing the page is most of it: 1 ms for
    50 long paragraphs). Asking the big index instead costs either a snippet per match
    ranked (in the ranking query) or, per row, a MATCH restricted to one rowid, which
    re-expands the query each time (60 ms for a page of `negoti*`).
    """
    if not texts:
        return {}
    few = _few_match_snippets(conn, match, list(texts)) if few_matches else None
    if few is not None:
        return few
    mem = sqlite3.connect(":memory:")
    try:
        mem.execute(f"CREATE VIRTUAL TABLE page USING fts5(text{_tokenize_option(conn)})")
        mem.executemany("INSERT INTO page (rowid, text) VALUES (?, ?)", texts.items())
        return {
            int(rowid): str(snippet)
            for rowid, snippet in mem.execute(
                f"SELECT rowid, snippet(page, 0, '{HIT_OPEN}', '{HIT_CLOSE}', '…', 24) "
                "FROM page WHERE page MATCH ?",
                (match,),
            )
        }
    except sqlite3.OperationalError:
        return {}  # the big index accepted the query; a page without snippets still shows
    finally:
        mem.close()


# When the ranking kept every match (it got fewer rows than it asked for), one walk of them
# in the big index makes the page's snippets: a 53-match query at 100k paragraphs takes
# 2.4 ms instead of 4.1. Walking a query's matches just to find out whether they are few
# cost more than it saved on the others (0.2-2 ms), so the walk is taken only when the
# ranking has shown it, and gives up past this many matches whatever it finds.
FEW_MATCHES = 500


def _few_match_snippets(
    conn: sqlite3.Connection, match: str, ids: list[int]
) -> dict[int, str] | None:
    """Snippets for `ids` in one walk of the query's matches, or None if it has more than
    FEW_MATCHES (the walk stops there). `snippet()` runs for the rows asked for alone."""
    try:
        row = conn.execute(
            f"""
            SELECT count(*), json_group_object(id, snip) FILTER (WHERE snip IS NOT NULL)
            FROM (
                SELECT rowid AS id,
                       CASE WHEN rowid IN (SELECT value FROM json_each(?2))
                            THEN snippet(paragraphs_fts, 0, '{HIT_OPEN}', '{HIT_CLOSE}', '…', 24)
                       END AS snip
                FROM paragraphs_fts WHERE paragraphs_fts MATCH ?1 LIMIT ?3
            )
            """,
            (match, json.dumps(ids), FEW_MATCHES + 1),
        ).fetchone()
    except sqlite3.OperationalError as exc:
        if "interrupted" in str(exc):
            raise
        return None
    if row is None or int(row[0]) > FEW_MATCHES:
        return None
    return {int(k): str(v) for k, v in json.loads(row[1] or "{}").items()}


def _tokenize_option(conn: sqlite3.Connection) -> str:
    """`, tokenize='…'` as the paragraph index was made (empty for FTS5's default)."""
    row = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'paragraphs_fts'"
    ).fetchone()
    found = _TOKENIZE.search(str(row[0])) if row else None
    if found is None:
        return ""
    value = found.group(1) if found.group(1) is not None else found.group(2).replace('""', '"')
    return ", tokenize='" + value.replace("''", "'").replace("'", "''") + "'"


def _opening(text: str, words: int = 24) -> str:
    """The first words of a paragraph, where no snippet could be made."""
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


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


def outlet_sources(conn: sqlite3.Connection) -> list[tuple[int, str, str, str | None, str]]:
    """(id, root, file, outlet, how the outlet was found) of every source, for
    `metadata.settled_outlets`."""
    return [
        (int(i), str(root), str(file), outlet, _json_dict(provenance).get("outlet", ""))
        for i, root, file, outlet, provenance in conn.execute(
            "SELECT id, root, file, outlet, provenance FROM sources ORDER BY id"
        )
    ]


def _json_dict(raw: object) -> dict[str, str]:
    try:
        value = json.loads(str(raw)) if raw else {}
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}
