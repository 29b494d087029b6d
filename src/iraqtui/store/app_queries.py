"""Read SQL the app needs beyond queries.py: sidebar lists, the reader's spans, detail panes.

Returns frozen dataclasses, never dict rows. Where a domain module (actor_queries,
quote_queries, event_queries, annotations) offers the same thing, the app uses that instead.
"""

from __future__ import annotations

import sqlite3
from array import array
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from iraqtui.models import ParagraphRow, SentenceRow, SourceSummary
from iraqtui.store.annotations import source_targets
from iraqtui.store.queries import fetch, paragraphs_of, sentences_of, source_summaries
from iraqtui.store.schema import CORPUS_GENERATION
from iraqtui.store.writer import now_iso, transaction
from iraqtui.targets import paragraph_target, text_key


@dataclass(frozen=True)
class QuoteRow:
    id: int
    source: int
    file: str
    outlet: str | None
    start: int
    end: int
    text: str
    kind: str
    speaker: str | None
    cited_outlet: str | None
    confidence: float


@dataclass(frozen=True)
class MentionSpan:
    start: int
    end: int
    actor_id: int
    actor: str
    type: str


@dataclass(frozen=True)
class AnnotationRow:
    id: int
    target: str
    kind: str
    field: str | None
    value: str
    created: str
    file: str | None
    start: int | None
    end: int | None


@dataclass(frozen=True)
class ReaderDoc:
    """Everything the reader draws for one source."""

    source: SourceSummary
    paragraphs: tuple[ParagraphRow, ...]
    sentences: tuple[SentenceRow, ...]
    mentions: tuple[MentionSpan, ...]
    quotes: tuple[QuoteRow, ...]
    sentence_targets: dict[int, str]  # sentence id -> annotation target key
    paragraph_targets: dict[int, str]
    quote_targets: dict[int, str]
    annotations: tuple[AnnotationRow, ...]


_QUOTE_COLUMNS = (
    "q.id, q.source, s.file, s.outlet, q.start, q.end, q.text, q.kind, "
    "q.speaker, q.cited_outlet, q.confidence"
)


def _quote(r: sqlite3.Row) -> QuoteRow:
    return QuoteRow(*tuple(r))


def quote_rows(conn: sqlite3.Connection, *, include_terms: bool = False) -> list[QuoteRow]:
    where = "" if include_terms else "WHERE q.kind != 'term'"
    rows = fetch(
        conn,
        f"SELECT {_QUOTE_COLUMNS} FROM quotes q JOIN sources s ON s.id = q.source {where} "
        "ORDER BY s.published, q.source, q.start",
    )
    return [_quote(r) for r in rows]


_QUOTE_LIST = "FROM quotes q JOIN sources s ON s.id = q.source WHERE q.kind != 'term'"
_QUOTE_LIST_ORDER = "ORDER BY s.published, q.source, q.start"


def quote_list_ids(conn: sqlite3.Connection, needle: str = "") -> array[int]:
    """The ids of the Quotes list in its order (8 bytes a quote, not a row object), only
    those whose text or speaker (else reporting outlet) contains `needle`, any case."""
    folded = needle.casefold().strip()
    if not folded:
        rows = conn.execute(f"SELECT q.id {_QUOTE_LIST} {_QUOTE_LIST_ORDER}")
    else:
        # lower() folds ASCII only; a needle beyond ASCII is matched by Python's casefold.
        fold = "lower"
        if not folded.isascii():
            conn.create_function("py_casefold", 1, _casefold, deterministic=True)
            fold = "py_casefold"
        who = "coalesce(q.speaker, q.cited_outlet, '?')"
        rows = conn.execute(
            f"SELECT q.id {_QUOTE_LIST} AND (instr({fold}(q.text), ?) OR instr({fold}({who}), ?)) "
            f"{_QUOTE_LIST_ORDER}",
            (folded, folded),
        )
    return array("q", (int(r[0]) for r in rows))


def _casefold(value: object) -> str | None:
    return None if value is None else str(value).casefold()


def quotes_by_ids(conn: sqlite3.Connection, ids: Sequence[int]) -> list[QuoteRow | None]:
    """The quotes with these ids, in the same order; None for one that is gone."""
    found: dict[int, QuoteRow] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        marks = ", ".join("?" for _ in chunk)
        for r in fetch(
            conn,
            f"SELECT {_QUOTE_COLUMNS} FROM quotes q JOIN sources s ON s.id = q.source "
            f"WHERE q.id IN ({marks})",
            chunk,
        ):
            found[int(r["id"])] = _quote(r)
    return [found.get(i) for i in ids]


def quote_by_id(conn: sqlite3.Connection, quote_id: int) -> QuoteRow | None:
    rows = fetch(
        conn,
        f"SELECT {_QUOTE_COLUMNS} FROM quotes q JOIN sources s ON s.id = q.source WHERE q.id = ?",
        (quote_id,),
    )
    return _quote(rows[0]) if rows else None


def _occurrence_keys(
    file: str, items: list[tuple[int, str]], make: Callable[[str, str, int], str]
) -> dict[int, str]:
    """Target keys for a file's spans in order, numbering repeats of identical text."""
    seen: Counter[str] = Counter()
    keys: dict[int, str] = {}
    for item_id, text in items:
        digest = text_key(text)
        keys[item_id] = make(file, text, seen[digest])
        seen[digest] += 1
    return keys


def reader_doc(conn: sqlite3.Connection, source_id: int) -> ReaderDoc | None:
    source = next((s for s in source_summaries(conn) if s.id == source_id), None)
    if source is None:
        return None
    paragraphs = paragraphs_of(conn, source_id)
    sentences = sentences_of(conn, source_id)
    mentions = [
        MentionSpan(r["start"], r["end"], r["actor"], r["name"], r["type"])
        for r in fetch(
            conn,
            "SELECT m.start, m.end, m.actor, a.name, a.type FROM mentions m "
            "JOIN actors a ON a.id = m.actor WHERE m.source = ? ORDER BY m.start",
            (source_id,),
        )
    ]
    quotes = [
        _quote(r)
        for r in fetch(
            conn,
            f"SELECT {_QUOTE_COLUMNS} FROM quotes q JOIN sources s ON s.id = q.source "
            "WHERE q.source = ? ORDER BY q.start",
            (source_id,),
        )
    ]
    file = source.file
    (full,) = conn.execute("SELECT text FROM sources WHERE id = ?", (source_id,)).fetchone()
    s_keys = source_targets(conn, "sentences", source_id)
    q_keys = source_targets(conn, "quotes", source_id)
    p_keys = _occurrence_keys(
        file, [(p.id, str(full)[p.start : p.end]) for p in paragraphs], paragraph_target
    )
    wanted = {*s_keys.values(), *p_keys.values(), *q_keys.values(), f"source:{file}"}
    notes = [a for a in annotation_rows(conn) if a.target in wanted]
    return ReaderDoc(
        source,
        tuple(paragraphs),
        tuple(sentences),
        tuple(mentions),
        tuple(quotes),
        s_keys,
        p_keys,
        q_keys,
        tuple(notes),
    )


def annotation_rows(conn: sqlite3.Connection) -> list[AnnotationRow]:
    rows = fetch(
        conn,
        "SELECT id, target, kind, field, value, created, file, start, end FROM annotations "
        "ORDER BY id",
    )
    return [AnnotationRow(*tuple(r)) for r in rows]


def sentence_at(conn: sqlite3.Connection, source_id: int, offset: int) -> SentenceRow | None:
    """The sentence of a source that contains (or first follows) a character offset."""
    rows = [s for s in sentences_of(conn, source_id) if s.end > offset]
    return rows[0] if rows else None


@dataclass(frozen=True)
class CorpusStamp:
    """What the sidebar lists were built from, cheap to read: it changes when ingest adds,
    re-analyses or removes a source (new derived rows take ids above the old maximum)."""

    sources: int
    top_ids: tuple[int, ...]  # max(id) of sources, paragraphs, sentences, quotes, mentions
    actors: int
    events: int
    generation: str  # sources written so far (a re-analysed last source reuses its ids)


def corpus_stamp(conn: sqlite3.Connection) -> CorpusStamp:
    """Counts and newest row ids, all answered from an index or the end of a b-tree."""
    (sources,) = conn.execute("SELECT count(*) FROM sources").fetchone()
    tops = tuple(
        int(conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0])
        for table in ("sources", "paragraphs", "sentences", "quotes", "mentions")
    )
    (actors,) = conn.execute("SELECT count(*) FROM actors").fetchone()
    (events,) = conn.execute("SELECT count(*) FROM events").fetchone()
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (CORPUS_GENERATION,)).fetchone()
    return CorpusStamp(int(sources), tops, int(actors), int(events), str(row[0]) if row else "")


def all_outlets(conn: sqlite3.Connection) -> list[str]:
    """Every outlet in the database (a source's file name when its outlet is unknown)."""
    return [
        str(r[0])
        for r in conn.execute("SELECT DISTINCT coalesce(outlet, file) FROM sources ORDER BY 1")
    ]


def add_note(
    conn: sqlite3.Connection,
    target: str,
    kind: str,
    value: str,
    *,
    file: str | None = None,
    span: tuple[int, int] | None = None,
) -> int:
    """Record a tag or a note on a target (corrections go through store.annotations)."""
    if kind not in ("tag", "note"):
        raise ValueError(f"not a tag or note: {kind}")
    start, end = span if span else (None, None)
    with transaction(conn):
        cursor = conn.execute(
            "INSERT INTO annotations (target, kind, field, value, created, file, start, end) "
            "VALUES (?, ?, NULL, ?, ?, ?, ?, ?)",
            (target, kind, value, now_iso(), file, start, end),
        )
    return int(cursor.lastrowid or 0)


def delete_annotation(conn: sqlite3.Connection, annotation_id: int) -> None:
    with transaction(conn):
        conn.execute("DELETE FROM annotations WHERE id = ?", (annotation_id,))
