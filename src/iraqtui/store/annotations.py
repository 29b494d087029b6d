"""User corrections of quotes and sentences, stored as annotations under content keys.

Row ids change on every re-ingest; the keys of `targets.py` do not (they digest the quoted or
sentence text, plus which repeat of identical text it is), so a correction re-attaches to the
same words after `ingest --rebuild`. Ingest never writes to or deletes from `annotations`.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass

from iraqtui.errors import UnknownName
from iraqtui.store.writer import now_iso, transaction
from iraqtui.targets import file_of, quote_target, sentence_target, text_key

QUOTE_FIELDS = ("speaker", "cited_outlet", "kind")
SENTENCE_FIELDS = ("voice", "cited_outlet")
VOICES = ("own", "quoted", "speech")
KINDS = ("speech", "passage", "term")


@dataclass(frozen=True)
class Located:
    """Where an annotation target is now: its key, file and span."""

    target: str
    file: str
    start: int
    end: int
    text: str


def _occurrence(conn: sqlite3.Connection, table: str, source: int, start: int, text: str) -> int:
    """How many earlier rows of the same source carry the same text (for the `~N` suffix)."""
    key = text_key(text)
    rows = conn.execute(
        f"SELECT t.start, t.end, s.text FROM {table} t JOIN sources s ON s.id = t.source "
        f"WHERE t.source = ? AND t.start < ? ORDER BY t.start",
        (source, start),
    )
    return sum(1 for a, b, full in rows if text_key(str(full)[a:b]) == key)


def locate_quote(conn: sqlite3.Connection, quote_id: int) -> Located:
    row = conn.execute(
        "SELECT q.source, q.start, q.end, s.file, s.text FROM quotes q "
        "JOIN sources s ON s.id = q.source WHERE q.id = ?",
        (quote_id,),
    ).fetchone()
    if row is None:
        raise UnknownName(f"no quote with id {quote_id}; `iraqtui quotes QUERY --json` lists ids")
    source, start, end, file, full = row
    text = str(full)[start:end]
    target = quote_target(file, text, _occurrence(conn, "quotes", source, start, text))
    return Located(target, file, start, end, text)


def locate_sentence(conn: sqlite3.Connection, sentence_id: int) -> Located:
    row = conn.execute(
        "SELECT t.source, t.start, t.end, s.file, s.text FROM sentences t "
        "JOIN sources s ON s.id = t.source WHERE t.id = ?",
        (sentence_id,),
    ).fetchone()
    if row is None:
        raise UnknownName(f"no sentence with id {sentence_id}")
    source, start, end, file, full = row
    text = str(full)[start:end]
    target = sentence_target(file, text, _occurrence(conn, "sentences", source, start, text))
    return Located(target, file, start, end, text)


def set_correction(conn: sqlite3.Connection, where: Located, field: str, value: str) -> int:
    """Record a correction; the newest one for a target and field wins."""
    with transaction(conn):
        cursor = conn.execute(
            "INSERT INTO annotations (target, kind, field, value, created, file, start, end) "
            "VALUES (?, 'correction', ?, ?, ?, ?, ?, ?)",
            (where.target, field, value, now_iso(), where.file, where.start, where.end),
        )
    return int(cursor.lastrowid or 0)


def clear_corrections(conn: sqlite3.Connection, target: str, field: str | None = None) -> int:
    """Remove a user's corrections of a target (all fields, or one): back to the machine's."""
    with transaction(conn):
        cursor = conn.execute(
            "DELETE FROM annotations WHERE kind = 'correction' AND target = ? "
            "AND (? IS NULL OR field = ?)",
            (target, field, field),
        )
    return cursor.rowcount


def corrections(
    conn: sqlite3.Connection, targets: list[str] | None = None
) -> dict[str, dict[str, str]]:
    """target -> field -> value, newest correction first wins; all targets when none given."""
    out: dict[str, dict[str, str]] = defaultdict(dict)
    if targets is not None and not targets:
        return {}
    if targets is None:
        rows = conn.execute(
            "SELECT target, field, value FROM annotations WHERE kind = 'correction' ORDER BY id"
        )
    else:
        marks = ", ".join("?" for _ in targets)
        rows = conn.execute(
            f"SELECT target, field, value FROM annotations WHERE kind = 'correction' "
            f"AND target IN ({marks}) ORDER BY id",
            targets,
        )
    for target, field, value in rows:
        if field:
            out[str(target)][str(field)] = str(value)
    return dict(out)


def source_targets(conn: sqlite3.Connection, table: str, source: int) -> dict[int, str]:
    """Row id -> annotation key for every quote or sentence of one source."""
    kind = {"quotes": quote_target, "sentences": sentence_target}[table]
    full, file = conn.execute("SELECT text, file FROM sources WHERE id = ?", (source,)).fetchone()
    seen: dict[str, int] = defaultdict(int)
    out: dict[int, str] = {}
    for row_id, start, end in conn.execute(
        f"SELECT id, start, end FROM {table} WHERE source = ? ORDER BY start, id", (source,)
    ):
        text = str(full)[start:end]
        key = text_key(text)
        out[int(row_id)] = kind(str(file), text, seen[key])
        seen[key] += 1
    return out


def all_targets(conn: sqlite3.Connection, table: str) -> dict[int, str]:
    """Row id -> annotation key for every row of `quotes` or `sentences`."""
    out: dict[int, str] = {}
    for (source,) in conn.execute("SELECT id FROM sources ORDER BY id").fetchall():
        out.update(source_targets(conn, table, int(source)))
    return out


def corrected_rows(conn: sqlite3.Connection, table: str) -> dict[int, dict[str, str]]:
    """Row id -> corrections for every corrected quote or sentence (cheap when there are none)."""
    prefix = {"quotes": "quote:", "sentences": "sentence:"}[table]
    fixes = {t: f for t, f in corrections(conn).items() if t.startswith(prefix)}
    if not fixes:
        return {}
    files = {file_of(t) for t in fixes}
    out: dict[int, dict[str, str]] = {}
    for (source,) in conn.execute(
        f"SELECT id FROM sources WHERE file IN ({', '.join('?' for _ in files)})", sorted(files)
    ).fetchall():
        for row_id, target in source_targets(conn, table, int(source)).items():
            if target in fixes:
                out[row_id] = fixes[target]
    return out


@dataclass(frozen=True)
class Unmatched:
    """A user's annotation of a quote or sentence whose text is no longer found in its file
    (the file was edited there, or ingest now cuts the span differently): kept, not applied."""

    target: str
    kind: str  # correction | tag | note
    field: str | None
    value: str
    file: str
    start: int | None


def unmatched(conn: sqlite3.Connection, files: list[str] | None = None) -> list[Unmatched]:
    """Annotations of quotes and sentences (of these files; all when None) that match no row
    now. A file no longer in the database is left out: its annotations wait for it."""
    rows = conn.execute(
        "SELECT target, kind, field, value, file, start FROM annotations "
        "WHERE target LIKE 'quote:%' OR target LIKE 'sentence:%' ORDER BY id"
    ).fetchall()
    if not rows:
        return []
    wanted = None if files is None else set(files)
    by_file: dict[str, list[tuple[str, str, str | None, str, int | None]]] = defaultdict(list)
    for target, kind, field, value, _file, start in rows:
        file = file_of(str(target))
        if wanted is None or file in wanted:
            by_file[file].append((str(target), str(kind), field, str(value), start))
    found: list[Unmatched] = []
    for file, notes in by_file.items():
        ids = [int(r[0]) for r in conn.execute("SELECT id FROM sources WHERE file = ?", (file,))]
        if not ids:
            continue
        current: set[str] = set()
        for source in ids:
            for table in ("quotes", "sentences"):
                current.update(source_targets(conn, table, source).values())
        found.extend(
            Unmatched(target, kind, field, value, file, start)
            for target, kind, field, value, start in notes
            if target not in current
        )
    return found


def describe_unmatched(item: Unmatched) -> str:
    """One line for a user: what was annotated, where it was, and that it is kept."""
    what = item.target.split(":", 1)[0]
    at = f" at @{item.start}" if item.start is not None else ""
    change = f" ({item.field} = {item.value})" if item.kind == "correction" else ""
    return (
        f"your {item.kind}{change} of the {what} that was{at} matches no {what} now (its text "
        "changed): kept, not applied (`iraqtui correct list`)"
    )
