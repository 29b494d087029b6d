"""Write what ingest derived: one transaction per source, user data never touched."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from itertools import chain

from iraqtui.models import Actor, EventDef, ReuseSpan, SourceAnalysis
from iraqtui.store import reuse_store
from iraqtui.store.schema import CORPUS_GENERATION, DERIVED_TABLES


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any error: a source is written whole or not."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.rollback()
        raise
    conn.commit()


@contextmanager
def savepoint(conn: sqlite3.Connection, name: str = "source") -> Iterator[None]:
    """A nested all-or-nothing unit inside an open transaction: several sources can share one
    commit while each is still written whole or not at all."""
    conn.execute(f"SAVEPOINT {name}")
    try:
        yield
    except BaseException:
        conn.execute(f"ROLLBACK TO {name}")
        conn.execute(f"RELEASE {name}")
        raise
    conn.execute(f"RELEASE {name}")


def source_keys(conn: sqlite3.Connection) -> dict[str, str]:
    """analysis_key of every source by path: one query instead of one per file."""
    return {str(p): str(k) for p, k in conn.execute("SELECT path, analysis_key FROM sources")}


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def source_state(conn: sqlite3.Connection, path: str) -> tuple[int, str] | None:
    """(id, analysis_key) of the source ingested from `path`, if any."""
    row = conn.execute("SELECT id, analysis_key FROM sources WHERE path = ?", (path,)).fetchone()
    return (int(row[0]), str(row[1])) if row else None


def sync_actors(conn: sqlite3.Connection, actors: Iterable[Actor]) -> dict[str, int]:
    """Upsert gazetteer actors by name (ids stay) and return every actor's id by name."""
    for actor in actors:
        conn.execute(
            "INSERT INTO actors (name, type, affiliation, description, origin) "
            "VALUES (?, ?, ?, ?, 'gazetteer') ON CONFLICT(name) DO UPDATE SET "
            "type = excluded.type, affiliation = excluded.affiliation, "
            "description = excluded.description",
            (actor.name, actor.type, actor.affiliation, actor.description),
        )
        (actor_id,) = conn.execute("SELECT id FROM actors WHERE name = ?", (actor.name,)).fetchone()
        conn.execute("DELETE FROM actor_aliases WHERE actor = ?", (actor_id,))
        conn.executemany(
            "INSERT OR IGNORE INTO actor_aliases (actor, alias, kind) VALUES (?, ?, ?)",
            [(actor_id, a, "alias") for a in actor.aliases]
            + [(actor_id, d, "demonym") for d in actor.demonyms],
        )
    return {str(n): int(i) for i, n in conn.execute("SELECT id, name FROM actors")}


def sync_events(conn: sqlite3.Connection, events: Iterable[EventDef]) -> dict[str, int]:
    """Upsert catalogue events by key (ids stay) and return every event's id by key."""
    for event in events:
        conn.execute(
            "INSERT INTO events (key, label, date, date_end, description, origin, date_note) "
            "VALUES (?, ?, ?, ?, ?, 'catalogue', ?) ON CONFLICT(key) DO UPDATE SET "
            "label = excluded.label, date = excluded.date, date_end = excluded.date_end, "
            "description = excluded.description, date_note = excluded.date_note",
            (
                event.key,
                event.label,
                event.date,
                event.date_end,
                event.description,
                event.date_note,
            ),
        )
    return {str(k): int(i) for i, k in conn.execute("SELECT id, key FROM events")}


def delete_derived(conn: sqlite3.Connection, source_id: int) -> None:
    reuse_store.delete_source(conn, source_id)
    for table in DERIVED_TABLES:
        conn.execute(f"DELETE FROM {table} WHERE source = ?", (source_id,))


def _next_id(conn: sqlite3.Connection, table: str) -> int:
    (top,) = conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()
    return int(top) + 1


# Most rows a single INSERT carries. Each statement that writes an FTS5 table makes it flush
# its pending terms to disk (a statement savepoint), so `executemany`, one statement per row,
# costs about twice what one statement of many rows does (paragraphs and quotes measured).
# Statements hold a power of two rows (up to this many, and within SQLite's limit on
# parameters), so only a few statement texts are ever prepared and the cache keeps them.
MAX_ROWS_PER_INSERT = 512
PARAGRAPH_COLUMNS = "id, source, seq, start, end, text, boilerplate, boilerplate_reason, voice"
SENTENCE_COLUMNS = (
    "id, source, paragraph, seq, start, end, text, boilerplate, voice, cited_outlet, "
    "voice_confidence, voice_method"
)
MENTION_COLUMNS = "actor, source, paragraph, sentence, start, end, surface, method, score"
QUOTE_COLUMNS = (
    "source, sentence, start, end, text, kind, speaker, speaker_actor, cited_outlet, "
    "confidence, method"
)


def insert_rows(
    conn: sqlite3.Connection, table: str, columns: str, rows: Sequence[Sequence[object]]
) -> None:
    """INSERT `rows` (values in the order of `columns`, comma-separated) into `table`, in
    order, several rows per statement."""
    width = columns.count(",") + 1
    limit = conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // width
    size = 1
    while size * 2 <= min(limit, MAX_ROWS_PER_INSERT):
        size *= 2
    head = f"INSERT INTO {table} ({columns}) VALUES "
    one = "(" + ", ".join("?" * width) + ")"
    at, total = 0, len(rows)
    while at < total:
        while size > total - at:
            size //= 2
        values = list(chain.from_iterable(rows[at : at + size]))
        conn.execute(head + ", ".join([one] * size), values)
        at += size


def write_source(
    conn: sqlite3.Connection,
    analysis: SourceAnalysis,
    root: str,
    actor_ids: dict[str, int],
    event_ids: dict[str, int],
    prints: Sequence[tuple[int, Sequence[int]]] = (),
) -> int:
    """Insert or replace one source and all its derived rows (with `prints`, the reuse
    fingerprints of its paragraphs by seq). Call inside `transaction`."""
    meta, doc = analysis.meta, analysis.doc
    values = (
        root,
        meta.file,
        analysis.sha256,
        analysis.analysis_key,
        analysis.size,
        analysis.encoding,
        meta.outlet,
        meta.author,
        meta.published,
        meta.url,
        meta.title,
        meta.leaning,
        meta.notes,
        json.dumps(meta.provenance, sort_keys=True),
        json.dumps(list(analysis.warnings)),
        doc.text,
        doc.display,
        now_iso(),
    )
    columns = (
        "root, file, sha256, analysis_key, size, encoding, outlet, author, published, url, "
        "title, leaning, notes, provenance, warnings, text, display, ingested"
    )
    state = source_state(conn, analysis.path)
    if state:
        source_id = state[0]
        assignments = ", ".join(f"{c.strip()} = ?" for c in columns.split(","))
        conn.execute(f"UPDATE sources SET {assignments} WHERE id = ?", (*values, source_id))
        delete_derived(conn, source_id)
    else:
        marks = ", ".join("?" for _ in values)
        cursor = conn.execute(
            f"INSERT INTO sources (path, {columns}) VALUES (?, {marks})", (analysis.path, *values)
        )
        source_id = int(cursor.lastrowid or 0)

    voices = {v.sentence_seq: v for v in analysis.voices}
    display = doc.display
    para_voice: dict[int, Counter[str]] = {}
    for s in doc.sentences:
        voice = voices.get(s.seq)
        if voice and not s.boilerplate:
            para_voice.setdefault(s.paragraph_seq, Counter())[voice.voice] += 1
    first = _next_id(conn, "paragraphs")
    para_ids: dict[int, int] = {}
    para_rows: list[tuple[object, ...]] = []
    for para_id, p in enumerate(doc.paragraphs, first):
        para_ids[p.seq] = para_id
        counts = para_voice.get(p.seq)
        para_rows.append(
            (
                para_id,
                source_id,
                p.seq,
                p.start,
                p.end,
                display[p.start : p.end],
                int(p.boilerplate),
                p.boilerplate_reason,
                counts.most_common(1)[0][0] if counts else None,
            )
        )
    insert_rows(conn, "paragraphs", PARAGRAPH_COLUMNS, para_rows)

    first = _next_id(conn, "sentences")
    sent_ids: dict[int, int] = {}
    para_of: dict[int, int] = {}
    rows: list[tuple[object, ...]] = []
    for sent_id, s in enumerate(doc.sentences, first):
        sent_ids[s.seq] = sent_id
        para_id = para_of[s.seq] = para_ids[s.paragraph_seq]
        voice = voices.get(s.seq)
        if voice:
            said: tuple[object, ...] = (
                voice.voice,
                voice.cited_outlet,
                voice.confidence,
                voice.method,
            )
        else:
            said = ("own", None, None, None)
        rows.append(
            (
                sent_id,
                source_id,
                para_id,
                s.seq,
                s.start,
                s.end,
                display[s.start : s.end],
                int(s.boilerplate),
                *said,
            )
        )
    insert_rows(conn, "sentences", SENTENCE_COLUMNS, rows)
    reuse_store.insert_prints(conn, source_id, [(para_ids[seq], fps) for seq, fps in prints])

    insert_rows(
        conn,
        "boilerplate",
        "source, start, end, reason",
        [(source_id, b.start, b.end, b.reason) for b in doc.boilerplate],
    )
    insert_rows(
        conn,
        "mentions",
        MENTION_COLUMNS,
        [
            (
                actor_ids[m.actor],
                source_id,
                para_of.get(m.sentence_seq),
                sent_ids.get(m.sentence_seq),
                m.start,
                m.end,
                m.surface,
                m.method,
                m.score,
            )
            for m in analysis.mentions
            if m.actor in actor_ids
        ],
    )
    insert_rows(
        conn,
        "candidates",
        "source, sentence, start, end, surface",
        [
            (source_id, sent_ids.get(c.sentence_seq), c.start, c.end, c.surface)
            for c in analysis.candidates
        ],
    )
    insert_rows(
        conn,
        "quotes",
        QUOTE_COLUMNS,
        [
            (
                source_id,
                sent_ids.get(q.sentence_seq) if q.sentence_seq is not None else None,
                q.start,
                q.end,
                q.text,
                q.kind,
                q.speaker,
                actor_ids.get(q.speaker_actor) if q.speaker_actor else None,
                q.cited_outlet,
                q.confidence,
                q.method,
            )
            for q in analysis.quotes
        ],
    )
    insert_rows(
        conn,
        "event_passages",
        "event, source, sentence, start, end, score, evidence",
        [
            (
                event_ids[e.event_key],
                source_id,
                sent_ids[e.sentence_seq],
                e.start,
                e.end,
                e.score,
                json.dumps(list(e.evidence)),
            )
            for e in analysis.event_passages
            if e.event_key in event_ids and e.sentence_seq in sent_ids
        ],
    )
    return source_id


def replace_reuse(conn: sqlite3.Connection, spans: Iterable[ReuseSpan]) -> None:
    """Replace the corpus-wide table of shared passages. Call inside `transaction`."""
    conn.execute("DELETE FROM reuse")
    conn.executemany(
        "INSERT INTO reuse (cluster, source, start, end) VALUES (?, ?, ?, ?)",
        ((s.cluster, s.source_id, s.start, s.end) for s in spans),
    )


def rename_outlets(conn: sqlite3.Connection, outlets: dict[int, str]) -> None:
    """Give sources (by id) the outlet spelling their folder's other files state (a reader
    open on the database sees the corpus change)."""
    changed = conn.executemany(
        "UPDATE sources SET outlet = ? WHERE id = ? AND outlet IS NOT ?",
        [(o, i, o) for i, o in outlets.items()],
    ).rowcount
    if changed > 0:
        bump_generation(conn)


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))


def bump_generation(conn: sqlite3.Connection) -> None:
    """Count one more source written (see `schema.CORPUS_GENERATION`)."""
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, '1') "
        "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1",
        (CORPUS_GENERATION,),
    )


def replace_proposed_events(
    conn: sqlite3.Connection,
    events: Iterable[tuple[EventDef, float, list[tuple[int, int, int, int]], list[str]]],
) -> int:
    """Replace the stored proposals (origin 'proposed') with these: (event, score, sentences
    as (sentence id, source id, start, end), evidence). Catalogue events are never touched.
    Call inside `transaction`; returns how many were stored."""
    conn.execute(
        "DELETE FROM event_passages WHERE event IN "
        "(SELECT id FROM events WHERE origin = 'proposed')"
    )
    conn.execute("DELETE FROM events WHERE origin = 'proposed'")
    stored = 0
    for event, score, sentences, evidence in events:
        cursor = conn.execute(
            "INSERT INTO events (key, label, date, description, origin) "
            "VALUES (?, ?, NULL, ?, 'proposed') ON CONFLICT(key) DO NOTHING",
            (event.key, event.label, event.description),
        )
        if not cursor.rowcount:
            continue  # a catalogue event already has this key
        event_id = int(cursor.lastrowid or 0)
        conn.executemany(
            "INSERT INTO event_passages (event, source, sentence, start, end, score, evidence) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (event_id, src, sid, a, b, score, json.dumps(evidence))
                for sid, src, a, b in sentences
            ],
        )
        stored += 1
    return stored


def prune_events(conn: sqlite3.Connection, current_keys: set[str]) -> None:
    """Drop catalogue events that no catalogue in use defines and no sentence is assigned to:
    what an earlier events.toml left behind. Call inside `transaction`."""
    rows = conn.execute(
        "SELECT id, key FROM events WHERE origin = 'catalogue' "
        "AND id NOT IN (SELECT DISTINCT event FROM event_passages)"
    ).fetchall()
    stale = [(int(i),) for i, key in rows if key not in current_keys]
    conn.executemany("DELETE FROM events WHERE id = ?", stale)
