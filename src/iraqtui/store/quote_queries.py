"""Read SQL for quotes: rows for the search index (and its cache file next to the database),
full records with corrections, and every source carrying a quote with how its wording
differs. Returns models, never dict rows."""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import sqlite3
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from iraqtui.ingest.reuse import words_of
from iraqtui.models import QuoteCarrier, QuoteRecord
from iraqtui.store.annotations import corrected_rows, corrections
from iraqtui.store.queries import fetch
from iraqtui.targets import fold_for_key, quote_target
from iraqtui.textsafe import sanitize

# How much of a passage's introduction the finder searches ("… melted away in Basra. But
# there's also this:" leads into the pasted passage).
INTRO_CHARS = 400
LEAD_CHARS = 80


def index_rows(conn: sqlite3.Connection, batch: int = 5000) -> Iterator[tuple[int, str, str]]:
    """(quote id, quote text, lead-in) for every quote: the lead-in is the sentence around a
    quote with the quote cut out, or the paragraph introducing a passage, plus speaker and
    outlet (and the user's corrections of them), so a user can find a quote by what surrounds
    it."""
    fixed = {
        qid: " ".join(v for f, v in fix.items() if f in ("speaker", "cited_outlet"))
        for qid, fix in corrected_rows(conn, "quotes").items()
    }
    cursor = conn.execute(
        """
        SELECT q.id, q.kind, q.start, q.end, q.text, coalesce(q.speaker, ''),
               coalesce(q.cited_outlet, ''), t.start, t.end, s.display,
               (SELECT p.text FROM paragraphs p
                 WHERE p.source = q.source AND p.boilerplate = 0 AND p.end <= q.start
                 ORDER BY p.seq DESC LIMIT 1) AS intro
        FROM quotes q
        JOIN sources s ON s.id = q.source
        LEFT JOIN sentences t ON t.id = q.sentence
        ORDER BY q.id
        """
    )
    while True:
        rows = cursor.fetchmany(batch)
        if not rows:
            break
        for qid, kind, start, end, text, speaker, outlet, t_start, t_end, display, intro in rows:
            if kind == "passage":
                lead = str(intro or "")[-INTRO_CHARS:]
            elif t_start is not None:
                # The words next to the marks ("he would declare", "said CNN's Michael Ware"),
                # not the whole sentence, which may be about something else.
                full = str(display)
                lo = max(min(t_start, start), start - LEAD_CHARS)
                hi = min(max(t_end, end), end + LEAD_CHARS)
                lead = full[lo:start] + " " + full[end:hi]
            else:
                lead = ""
            extra = fixed.get(int(qid), "")
            yield int(qid), str(text), f"{lead} {speaker} {outlet}{' ' + extra if extra else ''}"


def index_fingerprint(conn: sqlite3.Connection) -> str:
    """Changes whenever quotes or corrections are added, changed or removed; cheap at any size.

    Every write to `quotes` goes through its FTS5 triggers, and each rewrites the index's
    structure record (rowid 10 of `quotes_fts_data`, which carries a write counter), so its
    digest changes with any insert, update or delete; without it, a scan of the table.
    """
    (top,) = conn.execute("SELECT coalesce(max(id), 0) FROM quotes").fetchone()
    try:
        row = conn.execute("SELECT block FROM quotes_fts_data WHERE id = 10").fetchone()
        structure = hashlib.blake2b(bytes(row[0]) if row else b"", digest_size=12).hexdigest()
    except sqlite3.OperationalError:
        count, ends = conn.execute("SELECT count(*), coalesce(sum(end), 0) FROM quotes").fetchone()
        structure = f"scan {count} {ends}"
    # The corrections of quotes themselves (few), not a summary of them: a cleared correction's
    # id is reused by the next one, so counts and lengths can repeat while the values differ.
    fixes = hashlib.blake2b(digest_size=12)
    for row in conn.execute(
        "SELECT id, target, field, value FROM annotations "
        "WHERE kind = 'correction' AND target LIKE 'quote:%' ORDER BY id"
    ):
        fixes.update(repr(tuple(row)).encode())
    # A database deleted and built again reuses the same cache file name: its id tells them apart.
    database = conn.execute("SELECT value FROM meta WHERE key = 'database_id'").fetchone()
    return f"{database[0] if database else '-'} {top} {structure} {fixes.hexdigest()}"


CACHE_MAGIC = b"iraqtui quote index\n"


def cache_path(conn: sqlite3.Connection) -> Path | None:
    """Where the quote index of this database is cached: `<database>-quotes` beside it (none
    for an in-memory database)."""
    (path,) = conn.execute("SELECT file FROM pragma_database_list WHERE name = 'main'").fetchone()
    return Path(f"{path}-quotes") if path else None


def read_index_cache(path: Path, key: str) -> dict[str, bytes] | None:
    """The parts cached under `key`, or None when the file is missing, stale or not ours.
    Plain bytes only: nothing in the file is ever executed or unpickled."""
    try:
        with path.open("rb") as handle:
            if handle.read(len(CACHE_MAGIC)) != CACHE_MAGIC:
                return None
            header = json.loads(handle.readline())
            if header.get("key") != key or header.get("byteorder") != sys.byteorder:
                return None
            parts: dict[str, bytes] = {}
            for name, size in header["parts"]:
                data = handle.read(int(size))
                if len(data) != int(size):
                    return None
                parts[str(name)] = data
            return parts
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_index_cache(path: Path, key: str, parts: dict[str, bytes]) -> bool:
    """Write the parts atomically (a temporary file renamed over the old one); False, and
    nothing left behind, when the folder cannot be written (a read-only database)."""
    header = {
        "key": key,
        "byteorder": sys.byteorder,
        "parts": [[name, len(data)] for name, data in parts.items()],
    }
    temporary = None
    try:
        with tempfile.NamedTemporaryFile(
            "wb", dir=path.parent, prefix=path.name + ".", suffix=".tmp", delete=False
        ) as handle:
            temporary = handle.name
            handle.write(CACHE_MAGIC)
            handle.write(json.dumps(header).encode() + b"\n")
            for data in parts.values():
                handle.write(data)
        Path(temporary).replace(path)
        return True
    except OSError:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        return False


def quote_records(
    conn: sqlite3.Connection, ids: list[int], *, carriers: bool | Literal["unnamed"] = True
) -> list[QuoteRecord]:
    """Full records for the given quote ids, in that order. `carriers="unnamed"` looks up the
    sources carrying a quote only where one may name its missing speaker (a list of hits
    needs no more)."""
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    rows = fetch(
        conn,
        f"""
        SELECT q.*, s.file, s.outlet AS source_outlet, s.display, s.text AS source_text,
               a.name AS actor_name
        FROM quotes q JOIN sources s ON s.id = q.source
        LEFT JOIN actors a ON a.id = q.speaker_actor
        WHERE q.id IN ({marks})
        """,
        ids,
    )
    targets = _targets(conn, rows)
    fixes = corrections(conn, [targets[int(r["id"])] for r in rows])
    by_id: dict[int, QuoteRecord] = {}
    for r in rows:
        target = targets[int(r["id"])]
        wanted = carriers is True or (carriers == "unnamed" and not r["speaker"])
        found = (
            carriers_of(conn, int(r["source"]), int(r["start"]), int(r["end"])) if wanted else ()
        )
        via = None
        if not r["speaker"]:
            # Only a copy of (nearly) the whole quote lends its speaker.
            via = next((c.speaker for c in found if c.speaker and c.covers >= 0.8), None)
        by_id[int(r["id"])] = QuoteRecord(
            id=int(r["id"]),
            source=int(r["source"]),
            file=str(r["file"]),
            outlet=r["source_outlet"],
            start=int(r["start"]),
            end=int(r["end"]),
            text=str(r["display"])[int(r["start"]) : int(r["end"])],
            kind=str(r["kind"]),
            speaker=r["speaker"],
            speaker_actor=r["actor_name"],
            cited_outlet=r["cited_outlet"],
            confidence=float(r["confidence"]),
            method=str(r["method"]),
            target=target,
            corrections=fixes.get(target, {}),
            carriers=found,
            speaker_via=via,
        )
    return [by_id[i] for i in ids if i in by_id]


def _targets(conn: sqlite3.Connection, rows: list[sqlite3.Row]) -> dict[int, str]:
    """Annotation keys of the given quote rows, as `source_targets` makes them, reading only
    the quotes of each source up to the last one asked for and digesting only those asked."""
    out: dict[int, str] = {}
    by_source: dict[int, list[sqlite3.Row]] = defaultdict(list)
    for r in rows:
        by_source[int(r["source"])].append(r)
    for source, asked in by_source.items():
        full, file = str(asked[0]["source_text"]), str(asked[0]["file"])
        wanted = {int(r["id"]) for r in asked}
        last = max(int(r["start"]) for r in asked)
        seen: dict[str, int] = defaultdict(int)
        for row_id, start, end in conn.execute(
            "SELECT id, start, end FROM quotes WHERE source = ? AND start <= ? ORDER BY start, id",
            (source, last),
        ):
            text = str(full)[start:end]
            folded = fold_for_key(text)  # repeats counted as `source_targets` counts them
            if int(row_id) in wanted:
                out[int(row_id)] = quote_target(file, text, seen[folded])
            seen[folded] += 1
    return out


def carriers_of(
    conn: sqlite3.Connection, source: int, start: int, end: int
) -> tuple[QuoteCarrier, ...]:
    """Other sources carrying the words of [start, end): reuse clusters overlapping the span,
    and quotes elsewhere with the same words (short quotes below the reuse threshold)."""
    rows = fetch(
        conn,
        """
        SELECT DISTINCT other.source, other.start, other.end, s.file, s.outlet, s.display,
               mine.start AS my_start, mine.end AS my_end, me.display AS my_display
        FROM reuse mine
        JOIN reuse other ON other.cluster = mine.cluster AND other.source != mine.source
        JOIN sources s ON s.id = other.source
        JOIN sources me ON me.id = mine.source
        WHERE mine.source = ? AND mine.start < ? AND mine.end > ?
        ORDER BY other.source, other.start
        """,
        (source, end, start),
    )
    out: dict[tuple[int, int], QuoteCarrier] = {}
    for r in rows:
        mine = str(r["my_display"])[max(start, r["my_start"]) : min(end, r["my_end"])]
        theirs = str(r["display"])[r["start"] : r["end"]]
        qid, speaker = _quote_over(conn, int(r["source"]), int(r["start"]), int(r["end"]))
        out[(r["source"], r["start"])] = QuoteCarrier(
            source=int(r["source"]),
            file=str(r["file"]),
            outlet=r["outlet"],
            start=int(r["start"]),
            end=int(r["end"]),
            text=theirs,
            differs=wording_diff(mine, theirs),
            quote_id=qid,
            speaker=speaker,
            covers=round(len(mine) / max(1, end - start), 3),
        )
    for carrier in _same_words(conn, source, start, end):
        out.setdefault((carrier.source, carrier.start), carrier)
    return tuple(sorted(out.values(), key=lambda c: (c.source, c.start)))


def _quote_over(
    conn: sqlite3.Connection, source: int, start: int, end: int
) -> tuple[int | None, str | None]:
    """The speech quote (else any quote) of a source that covers most of [start, end)."""
    best: tuple[int, int, str | None] | None = None
    for qid, q_start, q_end, kind, speaker in conn.execute(
        "SELECT id, start, end, kind, speaker FROM quotes "
        "WHERE source = ? AND start < ? AND end > ?",
        (source, end, start),
    ):
        overlap = min(end, q_end) - max(start, q_start)
        rank = overlap + (10_000_000 if kind == "speech" and speaker else 0)
        if overlap >= 0.5 * (end - start) and (best is None or rank > best[1]):
            best = (int(qid), rank, speaker)
    return (best[0], best[2]) if best else (None, None)


def _same_words(conn: sqlite3.Connection, source: int, start: int, end: int) -> list[QuoteCarrier]:
    row = conn.execute("SELECT display FROM sources WHERE id = ?", (source,)).fetchone()
    mine = str(row[0])[start:end] if row else ""
    words, _ = words_of(mine)
    if len(words) < 4:
        return []
    phrase = " ".join(f'"{w}"' for w in re.findall(r"\w+", " ".join(words[:8])))
    try:
        rows = fetch(
            conn,
            """
            SELECT q.id, q.source, q.start, q.end, q.speaker, s.file, s.outlet, s.display
            FROM quotes_fts JOIN quotes q ON q.id = quotes_fts.rowid
            JOIN sources s ON s.id = q.source
            WHERE quotes_fts MATCH ? AND q.source != ? LIMIT 50
            """,
            (f"NEAR({phrase}, 3)" if len(words) > 1 else phrase, source),
        )
    except sqlite3.OperationalError:
        return []
    out = []
    for r in rows:
        theirs = str(r["display"])[r["start"] : r["end"]]
        other, _ = words_of(theirs)
        if other == words or (len(words) >= 6 and _contains(other, words)):
            out.append(
                QuoteCarrier(
                    int(r["source"]),
                    str(r["file"]),
                    r["outlet"],
                    int(r["start"]),
                    int(r["end"]),
                    theirs,
                    wording_diff(mine, theirs),
                    int(r["id"]),
                    r["speaker"],
                )
            )
    return out


def _contains(big: tuple[str, ...], small: tuple[str, ...]) -> bool:
    n = len(small)
    return any(big[i : i + n] == small for i in range(len(big) - n + 1))


def wording_diff(mine: str, theirs: str) -> tuple[str, ...]:
    """Word changes from `mine` to `theirs`, ignoring case, punctuation and apostrophe style:
    "-Ware said", "+the", "'till' -> 'until'"."""
    a, _ = words_of(mine)
    b, _ = words_of(theirs)
    out: list[str] = []
    for op, a0, a1, b0, b1 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "delete":
            out.append("-" + " ".join(a[a0:a1]))
        elif op == "insert":
            out.append("+" + " ".join(b[b0:b1]))
        elif op == "replace":
            out.append(f"{' '.join(a[a0:a1])!r} -> {' '.join(b[b0:b1])!r}")
    return tuple(sanitize(x) for x in out)


def reuse_with_differences(
    conn: sqlite3.Connection,
) -> Iterator[tuple[int, int, int, int, tuple[str, ...]]]:
    """(cluster, source, start, end, word changes from the cluster's first copy) per reuse row."""
    reference: tuple[int, str] | None = None
    for cluster, source, start, end, display in conn.execute(
        """
        SELECT r.cluster, r.source, r.start, r.end, substr(s.display, r.start + 1, r.end - r.start)
        FROM reuse r JOIN sources s ON s.id = r.source ORDER BY r.cluster, r.source, r.start
        """
    ):
        if reference is None or reference[0] != cluster:
            reference = (int(cluster), str(display))
            yield int(cluster), int(source), int(start), int(end), ()
            continue
        yield (
            int(cluster),
            int(source),
            int(start),
            int(end),
            wording_diff(reference[1], str(display)),
        )
