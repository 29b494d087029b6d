"""Read SQL for events, their passages and the sentences a comparison rests on."""

from __future__ import annotations

import bisect
import json
import sqlite3
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from iraqtui.models import CorpusSentence, EventPassageRow, EventSummary, SentenceQuote
from iraqtui.store.queries import fetch

_T = TypeVar("_T")
# SQLite's default limit on bound parameters is 999 on old builds: stay under it.
_CHUNK = 900
_SENTENCE_COLUMNS = (
    "t.id, t.source, s.file, coalesce(s.outlet, s.file) AS outlet, t.seq, t.start, t.end, "
    "t.text, t.voice, t.cited_outlet"
)


def _sentence(r: sqlite3.Row) -> CorpusSentence:
    return CorpusSentence(
        id=r["id"],
        source=r["source"],
        file=r["file"],
        outlet=r["outlet"],
        seq=r["seq"],
        start=r["start"],
        end=r["end"],
        text=r["text"],
        voice=r["voice"],
        cited_outlet=r["cited_outlet"],
    )


def _chunks(ids: Sequence[_T]) -> Iterable[Sequence[_T]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i : i + _CHUNK]


def list_events(conn: sqlite3.Connection) -> list[EventSummary]:
    """Every event in date order (undated last), with sentence counts per outlet."""
    counts = _sentences_by_outlet(conn)
    rows = fetch(
        conn,
        "SELECT id, key, label, date, date_end, date_note, description, origin FROM events "
        "ORDER BY date IS NULL, date, date_end, key",
    )
    return [
        EventSummary(
            id=r["id"],
            key=r["key"],
            label=r["label"],
            date=r["date"],
            date_end=r["date_end"],
            date_note=r["date_note"],
            description=r["description"],
            origin=r["origin"],
            sentences=sum(counts[r["id"]].values()),
            by_outlet=dict(sorted(counts[r["id"]].items())),
        )
        for r in rows
    ]


OutletRun = tuple[int, int, str]  # first and last source id, outlet
# Past this many runs the CASE that maps a source to its outlet costs more per row than
# looking the source up.
_CASE_RUNS = 64


def outlet_runs(
    conn: sqlite3.Connection, outlet_sql: str, outlet: str | None = None
) -> list[OutletRun]:
    """Sources in id order, cut into runs of consecutive sources with the same outlet (as
    `outlet_sql`, an expression over `s`, names it); with `outlet`, only the sources whose
    `outlet` column is that. A corpus is mostly ingested a folder, so an outlet, at a time:
    a few runs stand for 50,000 sources, and a row's outlet follows from its source id."""
    runs: list[OutletRun] = []
    previous: str | None = None
    for source_id, key, raw in conn.execute(
        f"SELECT s.id, {outlet_sql}, s.outlet FROM sources s ORDER BY s.id"
    ):
        name = str(key) if outlet is None or raw == outlet else None
        if name is not None and name == previous:
            runs[-1] = (runs[-1][0], int(source_id), name)
        elif name is not None:
            runs.append((int(source_id), int(source_id), name))
        previous = name
    return runs


def _sentences_by_outlet(conn: sqlite3.Connection) -> dict[int, dict[str, int]]:
    """Distinct sentences of each event per outlet. One pass over the passages' table (3M
    rows at a million paragraphs), the outlet told by a CASE over source id runs: a lookup
    of each passage's source, or a walk of the event index with a row lookup per entry for
    the sentence, took three to four times as long."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    runs = outlet_runs(conn, "coalesce(s.outlet, s.file)")
    if not runs:
        return counts
    if len(runs) > _CASE_RUNS:
        rows = conn.execute(
            "SELECT p.event, coalesce(s.outlet, s.file), count(DISTINCT p.sentence) "
            "FROM sources s CROSS JOIN event_passages p ON p.source = s.id GROUP BY +p.event, 2"
        )
        for event_id, outlet, n in rows:
            counts[int(event_id)][str(outlet)] = int(n)
        return counts
    names = sorted({name for _a, _b, name in runs})
    if len(names) == len(runs) and _covering_event_index(conn):
        # One index range per event and outlet, counted without reading a row.
        for event_id, outlet, n in conn.execute(
            "SELECT e.id, json_extract(r.value, '$[2]'), (SELECT count(DISTINCT p.sentence) "
            "FROM event_passages p WHERE p.event = e.id AND p.source "
            "BETWEEN json_extract(r.value, '$[0]') AND json_extract(r.value, '$[1]')) "
            "FROM events e, json_each(?) r",
            (json.dumps(runs),),
        ):
            if n:
                counts[int(event_id)][str(outlet)] = int(n)
        return counts
    whens = " ".join("WHEN p.source BETWEEN ? AND ? THEN ?" for _ in runs)
    params: list[int] = []
    for first, last, name in runs:
        params += [first, last, names.index(name)]
    # `+p.event`: not the event index, which has no sentence column (a row lookup per
    # passage); a covering index, if there is one, still serves.
    for event_id, outlet, n in conn.execute(
        f"SELECT p.event, CASE {whens} END AS outlet, count(DISTINCT p.sentence) "
        "FROM event_passages p WHERE outlet IS NOT NULL GROUP BY +p.event, outlet",
        params,
    ):
        counts[int(event_id)][names[int(outlet)]] = int(n)
    return counts


def _covering_event_index(conn: sqlite3.Connection) -> bool:
    """Whether event_passages has a full index on (event, source, sentence, ...)."""
    for _seq, name, _unique, _origin, partial in conn.execute("PRAGMA index_list(event_passages)"):
        escaped = str(name).replace('"', '""')
        columns = [r[2] for r in conn.execute(f'PRAGMA index_info("{escaped}")')]
        if not partial and columns[:3] == ["event", "source", "sentence"]:
            return True
    return False


def event_by_key(conn: sqlite3.Connection, key: str) -> EventSummary | None:
    for event in list_events(conn):
        if event.key == key:
            return event
    return None


def event_passages(
    conn: sqlite3.Connection, key: str, outlets: Sequence[str] | None = None
) -> list[EventPassageRow]:
    """The sentences assigned to an event, in outlet and text order."""
    rows = fetch(
        conn,
        f"SELECT {_SENTENCE_COLUMNS}, p.score, p.evidence FROM event_passages p "
        "JOIN events e ON e.id = p.event JOIN sentences t ON t.id = p.sentence "
        "JOIN sources s ON s.id = t.source WHERE e.key = ? ORDER BY outlet, s.file, t.seq",
        (key,),
    )
    wanted = set(outlets) if outlets else None
    out: list[EventPassageRow] = []
    for r in rows:
        if wanted is not None and r["outlet"] not in wanted:
            continue
        try:
            evidence = tuple(str(e) for e in json.loads(r["evidence"] or "[]"))
        except ValueError:
            evidence = ()
        out.append(EventPassageRow(key, _sentence(r), float(r["score"]), evidence))
    return out


def event_sentence_ids(conn: sqlite3.Connection, key: str) -> list[int]:
    return [
        int(r[0])
        for r in conn.execute(
            "SELECT DISTINCT p.sentence FROM event_passages p JOIN events e ON e.id = p.event "
            "WHERE e.key = ? ORDER BY p.sentence",
            (key,),
        )
    ]


def actor_sentence_ids(conn: sqlite3.Connection, actor: str) -> list[int]:
    """Body sentences that name the actor."""
    return [
        int(r[0])
        for r in conn.execute(
            "SELECT DISTINCT m.sentence FROM mentions m JOIN actors a ON a.id = m.actor "
            "JOIN sentences t ON t.id = m.sentence WHERE a.name = ? AND t.boilerplate = 0 "
            "ORDER BY m.sentence",
            (actor,),
        )
    ]


def sentences_by_id(conn: sqlite3.Connection, ids: Sequence[int]) -> list[CorpusSentence]:
    """The sentences with these ids, in outlet, file and text order."""
    out: list[CorpusSentence] = []
    for chunk in _chunks(list(ids)):
        marks = ", ".join("?" for _ in chunk)
        out.extend(
            _sentence(r)
            for r in fetch(
                conn,
                f"SELECT {_SENTENCE_COLUMNS} FROM sentences t JOIN sources s ON s.id = t.source "
                f"WHERE t.id IN ({marks})",
                chunk,
            )
        )
    out.sort(key=lambda s: (s.outlet, s.file, s.seq))
    return out


def quotes_in(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, list[SentenceQuote]]:
    """Quotes starting in each of these sentences, with speaker and cited outlet."""
    out: dict[int, list[SentenceQuote]] = defaultdict(list)
    # Found through (source, start), the index quotes have: a quote starts inside the
    # sentence it belongs to. `quotes.sentence` has no index (a scan of every quote per query).
    for r in fetch(
        conn,
        "SELECT q.sentence, q.kind, q.text, coalesce(a.name, q.speaker) AS speaker, "
        "q.cited_outlet FROM json_each(?) j JOIN sentences t ON t.id = j.value "
        "JOIN quotes q ON q.source = t.source AND q.start >= t.start AND q.start < t.end "
        "AND q.sentence = t.id LEFT JOIN actors a ON a.id = q.speaker_actor "
        "ORDER BY q.source, q.start",
        (json.dumps(list(ids)),),
    ):
        out[int(r["sentence"])].append(
            SentenceQuote(r["sentence"], r["kind"], r["text"], r["speaker"], r["cited_outlet"])
        )
    return out


def quoted_spans_in(
    conn: sqlite3.Connection, sentences: Sequence[CorpusSentence]
) -> dict[int, list[tuple[int, int]]]:
    """The spans of quoted speech and scare-quoted terms inside each sentence, as offsets
    into the sentence's text (a quote running over several sentences is cut to each)."""
    by_source: dict[int, list[CorpusSentence]] = defaultdict(list)
    for s in sentences:
        by_source[s.source].append(s)
    out: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for chunk in _chunks(list(by_source)):
        marks = ", ".join("?" for _ in chunk)
        spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for source, start, end in conn.execute(
            "SELECT source, start, end FROM quotes "
            f"WHERE kind IN ('speech', 'term') AND source IN ({marks}) ORDER BY source, start",
            chunk,
        ):
            spans[int(source)].append((int(start), int(end)))
        for source, found in spans.items():
            starts = [a for a, _b in found]
            longest = max(b - a for a, b in found)
            for s in by_source[source]:
                # Quotes starting before the sentence ends, back to the longest quote's reach.
                k = bisect.bisect_left(starts, s.end) - 1
                while k >= 0 and found[k][0] > s.start - longest:
                    a, b = found[k]
                    if b > s.start:
                        out[s.id].append((max(a, s.start) - s.start, min(b, s.end) - s.start))
                    k -= 1
                out[s.id].sort()
    return out


def published_dates(conn: sqlite3.Connection) -> dict[int, str | None]:
    """Each source's `published` date as stored (ISO text, or None)."""
    return {
        int(i): (str(p) if p else None)
        for i, p in conn.execute("SELECT id, published FROM sources")
    }


def reuse_clusters_in(
    conn: sqlite3.Connection, sentences: Sequence[CorpusSentence]
) -> dict[int, set[int]]:
    """For each sentence that overlaps a reused passage (the `reuse` table: the same words in
    several sources), the ids of those passages' clusters."""
    spans: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for cluster, source, start, end in conn.execute(
        "SELECT cluster, source, start, end FROM reuse"
    ):
        spans[int(source)].append((int(start), int(end), int(cluster)))
    out: dict[int, set[int]] = defaultdict(set)
    for s in sentences:
        for a, b, cluster in spans.get(s.source, ()):
            if a < s.end and s.start < b:
                out[s.id].add(cluster)
    return out


def mentions_in(
    conn: sqlite3.Connection, ids: Sequence[int]
) -> dict[int, list[tuple[str, str, int, int]]]:
    """Actor mentions in each sentence: (actor name, actor type, start, end) in file offsets."""
    out: dict[int, list[tuple[str, str, int, int]]] = defaultdict(list)
    # Through the (source, start) index: a mention lies inside its sentence.
    for sentence, name, kind, start, end in conn.execute(
        "SELECT m.sentence, a.name, a.type, m.start, m.end FROM json_each(?) j "
        "JOIN sentences t ON t.id = j.value "
        "JOIN mentions m ON m.source = t.source AND m.start >= t.start AND m.start < t.end "
        "AND m.sentence = t.id JOIN actors a ON a.id = m.actor ORDER BY m.source, m.start",
        (json.dumps(list(ids)),),
    ):
        out[int(sentence)].append((str(name), str(kind), int(start), int(end)))
    return out


Outline = tuple[int, str, str, int, str]  # sentence id, outlet, file, seq, voice
_OUTLINE_COLUMNS = "t.id, coalesce(s.outlet, s.file), s.file, t.seq, t.voice"


def event_sentence_outlines(conn: sqlite3.Connection, key: str) -> list[Outline]:
    """(id, outlet, file, seq, voice) of the sentences assigned to an event, in outlet, file
    and text order: what choosing a sample needs, without the text."""
    rows = conn.execute(
        f"SELECT DISTINCT {_OUTLINE_COLUMNS} FROM event_passages p "
        "JOIN events e ON e.id = p.event JOIN sentences t ON t.id = p.sentence "
        "JOIN sources s ON s.id = t.source WHERE e.key = ?",
        (key,),
    ).fetchall()
    return _outlines(rows)


def actor_sentence_outlines(conn: sqlite3.Connection, actor: str) -> list[Outline]:
    """`event_sentence_outlines` for the body sentences that name the actor."""
    rows = conn.execute(
        f"SELECT DISTINCT {_OUTLINE_COLUMNS} FROM mentions m JOIN actors a ON a.id = m.actor "
        "JOIN sentences t ON t.id = m.sentence JOIN sources s ON s.id = t.source "
        "WHERE a.name = ? AND t.boilerplate = 0",
        (actor,),
    ).fetchall()
    return _outlines(rows)


def _outlines(rows: list[Any]) -> list[Outline]:
    out = [(int(i), str(o), str(f), int(q), str(v)) for i, o, f, q, v in rows]
    out.sort(key=lambda r: (r[1], r[2], r[3]))
    return out


def unassigned_sentences(conn: sqlite3.Connection) -> list[CorpusSentence]:
    """Body sentences assigned to no event, in outlet and text order."""
    rows = fetch(
        conn,
        f"SELECT {_SENTENCE_COLUMNS} FROM sentences t JOIN sources s ON s.id = t.source "
        "WHERE t.boilerplate = 0 AND NOT EXISTS "
        "(SELECT 1 FROM event_passages p WHERE p.sentence = t.id) ORDER BY outlet, s.file, t.seq",
    )
    return [_sentence(r) for r in rows]


def body_sentences(conn: sqlite3.Connection) -> list[CorpusSentence]:
    """Every non-boilerplate sentence, in outlet and text order."""
    rows = fetch(
        conn,
        f"SELECT {_SENTENCE_COLUMNS} FROM sentences t JOIN sources s ON s.id = t.source "
        "WHERE t.boilerplate = 0 ORDER BY outlet, s.file, t.seq",
    )
    return [_sentence(r) for r in rows]


def event_keys(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(key, label) of every event in date order (undated last), as `list_events` orders
    them, without counting each event's sentences (seconds at a million paragraphs)."""
    return [
        (str(k), str(v))
        for k, v in conn.execute(
            "SELECT key, label FROM events ORDER BY date IS NULL, date, date_end, key"
        )
    ]


def event_names(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(key, label) of every event."""
    return [(str(k), str(v)) for k, v in conn.execute("SELECT key, label FROM events")]


def actor_names(conn: sqlite3.Connection) -> dict[str, str]:
    """Every actor name and alias, mapped to the canonical name (actors with mentions only)."""
    names: dict[str, str] = {}
    for alias, name in conn.execute(
        "SELECT coalesce(l.alias, a.name), a.name FROM actors a "
        "LEFT JOIN actor_aliases l ON l.actor = a.id "
        "WHERE EXISTS (SELECT 1 FROM mentions m WHERE m.actor = a.id)"
    ):
        names.setdefault(str(alias), str(name))
        names.setdefault(str(name), str(name))
    return names


# Background counts of the last database asked about, by stem (0: not in the index), with
# the stamp they were read under. Counting a stem walks its whole doclist (100 ms for a
# common one at a million paragraphs), so a comparison's ~1,000 stems took ~2 s every time.
_BACKGROUND: dict[object, dict[str, int]] = {}
_BACKGROUND_LOCK = threading.Lock()


def background_counts(conn: sqlite3.Connection, stems: Iterable[str]) -> tuple[dict[str, int], int]:
    """How often each stem occurs in the whole database (the paragraph FTS index), and the
    total number of indexed tokens: the background for the keyness prior. Counts are kept
    for the process until the index changes (its row and token totals, or its newest
    paragraph), so the next comparison reads only stems not seen before."""
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.iraqtui_vocab "
        "USING fts5vocab(main, paragraphs_fts, 'row')"
    )
    stamp = _index_stamp(conn)
    wanted = set(stems)
    with _BACKGROUND_LOCK:
        cached = _BACKGROUND.get(stamp, {}) if stamp is not None else {}
        known = {stem: cached[stem] for stem in wanted if stem in cached}
    missing = sorted(wanted - known.keys())
    found = dict.fromkeys(missing, 0)
    # One query per chunk, not per stem: SQLite hands each IN value to fts5vocab as a term
    # lookup, so this stays a few index probes per stem however large the vocabulary.
    for chunk in _chunks(missing):
        marks = ", ".join("?" for _ in chunk)
        for term, cnt in conn.execute(
            f"SELECT term, cnt FROM temp.iraqtui_vocab WHERE term IN ({marks})", chunk
        ):
            found[str(term)] = int(cnt)
    known.update(found)
    if stamp is not None and found:
        with _BACKGROUND_LOCK:
            if stamp not in _BACKGROUND:
                _BACKGROUND.clear()  # one database at a time
                _BACKGROUND[stamp] = {}
            _BACKGROUND[stamp].update(found)
    counts = {stem: known[stem] for stem in wanted if known.get(stem)}
    return counts, _total_tokens(conn)


def _index_stamp(conn: sqlite3.Connection) -> object | None:
    """What identifies the paragraph index's content: the database file, the index's
    averages record (row and token totals) and the newest paragraph id (re-analysed
    sources get new ids). None for a database without a file (nothing to key on)."""
    path = next((str(r[2]) for r in conn.execute("PRAGMA database_list") if r[1] == "main"), "")
    if not path:
        return None
    row = conn.execute("SELECT block FROM paragraphs_fts_data WHERE id = 1").fetchone()
    (top,) = conn.execute("SELECT coalesce(max(id), 0) FROM paragraphs").fetchone()
    return (path, bytes(row[0]) if row and row[0] is not None else b"", int(top))


def _total_tokens(conn: sqlite3.Connection) -> int:
    """Tokens in the FTS index, read from its averages record (row 1 of the %_data table:
    the row count then each column's token total, as SQLite varints); summing the vocabulary
    instead would scan every term."""
    row = conn.execute("SELECT block FROM paragraphs_fts_data WHERE id = 1").fetchone()
    if row and isinstance(row[0], bytes):
        try:
            _rows, at = _varint(row[0], 0)
            total, _ = _varint(row[0], at)
            return max(1, total)
        except IndexError:
            pass
    found = conn.execute("SELECT sum(cnt) FROM temp.iraqtui_vocab").fetchone()
    return max(1, int(found[0] or 0))


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = 0
    for _ in range(8):
        byte = data[at]
        at += 1
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value, at
    return (value << 8) | data[at], at + 1
