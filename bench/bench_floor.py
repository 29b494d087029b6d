"""The storage floor: what writing the pipeline's rows costs with no analysis at all.

    python bench/bench_floor.py write PIPELINE_DB DB [--bulk]   # one run, prints JSON
    python bench/bench_floor.py check PIPELINE_DB DB [DB ...] [--counts]  # same? prints JSON

`write` reads every row a full-pipeline ingest stored (bench/out/pipeline-<size>.db) and
writes exactly those rows into a fresh database made by the real schema code
(`iraqtui.store.db.open_db`: the same tables, indexes and FTS triggers, the same pragmas),
the way ingest writes them: sources in id order, each in its own savepoint with its
paragraphs, sentences, fingerprints, boilerplate, mentions, candidates, quotes and event
passages (the writer's order, several rows per INSERT through `writer.insert_rows`), the
actors and events synced in the first one, commits every `pipeline.BATCH_SOURCES` sources or
`pipeline.BATCH_SECONDS` of writing, the fingerprint index dropped for the load and built
again at the corpus stage, then the aligned pairs and their links (`reuse_store.save_pairs`,
`reuse_store.PAIR_BATCH` at a time, committed every `corpus_stage.COMMIT_SECONDS`) and the
shared passages (`writer.replace_reuse`). Rows are read from the pipeline's database a group
of sources at a time, outside the clock; only the writing is timed (wall and CPU of this
process; reading runs between the timed parts), including `open_db` and the final close (the
WAL checkpoint). What is not counted: the writer's own lookups (an existing source, the next
id; a few indexed reads per source) and building its Python rows from the analysis objects.
Every row keeps its id (written explicitly; ingest lets SQLite number some tables, to the
same ids), fingerprints go in key order. The clock that commits runs only while writing, so
the floor commits less often than an ingest whose writer waits for analysis: a lower bound.

`--bulk` loads the same rows, the same way, into the same schema with its FTS triggers and
secondary indexes (not the primary keys and UNIQUE constraints) dropped, and builds them at
the end (CREATE INDEX, FTS5 'rebuild', the triggers again), as the anchor builds its FTS
after `insert_all`: what a bulk first-ingest mode could save.

`check` compares databases with the pipeline's: row count and a digest of every row of
every table (FTS shadow tables left out; `--counts`: the counts only, quicker at 1M), FTS5
`integrity-check` of each FTS table, and the rowids a few FTS queries (words taken from the
data) return.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
import time
from array import array
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from measure import PYTHON, ChildRun, remove_db, run_child

# Per-source tables in the order `writer.write_source` writes them.
PER_SOURCE = (
    "paragraphs",
    "sentences",
    "reuse_prints",
    "boilerplate",
    "mentions",
    "candidates",
    "quotes",
    "event_passages",
)
ONCE = ("actors", "actor_aliases", "events")  # synced in the first source's savepoint
FETCH = 4096


class Clock:
    """Wall and CPU seconds spent inside `with clock:` blocks only."""

    def __init__(self) -> None:
        self.wall = 0.0
        self.cpu = 0.0
        self._wall = 0.0
        self._cpu = 0.0

    def __enter__(self) -> Clock:
        self._wall = time.perf_counter()
        self._cpu = time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall += time.perf_counter() - self._wall
        self.cpu += time.process_time() - self._cpu

    def since_enter(self) -> float:
        return time.perf_counter() - self._wall


class Parts:
    """Wall seconds by what was being written (inside the clock's blocks)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._label = ""
        self._at = 0.0

    def __call__(self, label: str) -> Parts:
        self._label = label
        return self

    def __enter__(self) -> None:
        self._at = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        spent = time.perf_counter() - self._at
        self.seconds[self._label] = self.seconds.get(self._label, 0.0) + spent


def _columns(conn: sqlite3.Connection, table: str) -> tuple[list[str], list[str]]:
    """Column names and primary-key columns (in key order; rowid when none)."""
    info = conn.execute(f"PRAGMA table_info({table})").fetchall()
    names = [str(r[1]) for r in info]
    key = [str(r[1]) for r in sorted((r for r in info if r[5]), key=lambda r: int(r[5]))]
    return names, key or ["rowid"]


class _Stream:
    """Rows of a table in primary-key order, taken a source at a time (ids grow with the
    source on a fresh ingest: checked)."""

    def __init__(self, conn: sqlite3.Connection, table: str, source_column: str) -> None:
        names, key = _columns(conn, table)
        self.table = table
        self.names = names
        self.at = names.index(source_column)
        self.cursor = conn.execute(f"SELECT * FROM {table} ORDER BY {', '.join(key)}")
        self.buffer: list[tuple[Any, ...]] = []
        self.pos = 0
        self.last = -1

    def upto(self, source: int) -> dict[int, list[tuple[Any, ...]]]:
        """Every remaining row of sources <= `source`, by source."""
        out: dict[int, list[tuple[Any, ...]]] = {}
        at = self.at
        while True:
            if self.pos >= len(self.buffer):
                self.buffer = self.cursor.fetchmany(FETCH)
                self.pos = 0
                if not self.buffer:
                    return out
            row = self.buffer[self.pos]
            sid = int(row[at])
            if sid > source:
                return out
            if sid < self.last:
                raise SystemExit(
                    f"{self.table}: rows are not in source order (not a fresh ingest); "
                    "the floor needs a database built by one ingest of an empty one"
                )
            self.last = sid
            out.setdefault(sid, []).append(row)
            self.pos += 1


def _insert(conn: sqlite3.Connection, table: str, names: Sequence[str], rows: Any) -> None:
    from iraqtui.store import writer

    if rows:
        writer.insert_rows(conn, table, ", ".join(names), rows)


def _group_prints(rows: list[tuple[Any, ...]], names: list[str]) -> list[tuple[int, list[int]]]:
    """reuse_prints rows as `reuse_store.insert_prints` takes them: (paragraph, prints)."""
    p, f = names.index("paragraph"), names.index("fp")
    out: list[tuple[int, list[int]]] = []
    for row in rows:
        if out and out[-1][0] == row[p]:
            out[-1][1].append(row[f])
        else:
            out.append((row[p], [row[f]]))
    return out


def _drop_for_bulk(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    """Drop the FTS triggers and secondary indexes; return (type, name, sql) to make them
    again."""
    dropped = conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
        "AND sql IS NOT NULL ORDER BY type, name"
    ).fetchall()
    with conn:
        for kind, name, _sql in dropped:
            conn.execute(f"DROP {kind.upper()} {name}")
    return [(str(k), str(n), str(s)) for k, n, s in dropped]


def _build_after_bulk(conn: sqlite3.Connection, dropped: list[tuple[str, str, str]]) -> None:
    from iraqtui.store.schema import FTS_TABLES

    existing = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master")}
    conn.execute("BEGIN IMMEDIATE")
    for kind, name, sql in dropped:
        if kind == "index" and name not in existing:
            conn.execute(sql)
    for table in FTS_TABLES:
        conn.execute(f"INSERT INTO {table}_fts ({table}_fts) VALUES ('rebuild')")
    for kind, name, sql in dropped:
        if kind == "trigger" and name not in existing:
            conn.execute(sql)
    conn.commit()


def write(source_db: Path, db_path: Path, *, bulk: bool = False) -> dict[str, Any]:
    """Write the rows of `source_db` into a new database at `db_path`; seconds of writing."""
    from iraqtui.ingest import corpus_stage, pipeline
    from iraqtui.ingest.corpus_stage import CORPUS_STALE
    from iraqtui.models import ReuseSpan
    from iraqtui.store import reuse_store, writer
    from iraqtui.store.db import open_db

    remove_db(db_path)
    read = sqlite3.connect(f"{source_db.resolve().as_uri()}?mode=ro", uri=True)
    read.execute("PRAGMA cache_size = -65536")
    names = {t: _columns(read, t)[0] for t in (*PER_SOURCE, *ONCE, "sources")}
    streams = {t: _Stream(read, t, "source") for t in PER_SOURCE}
    once = {t: read.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in ONCE}
    sources = read.execute("SELECT * FROM sources ORDER BY id")
    source_sql = (
        f"INSERT INTO sources ({', '.join(names['sources'])}) "
        f"VALUES ({', '.join('?' * len(names['sources']))})"
    )
    source_at = names["sources"].index("id")

    clock = Clock()
    part = Parts()
    phases: dict[str, float] = {}
    with clock, part("open_db (schema)"):
        db = open_db(db_path)
        conn = db.conn
        conn.execute(f"PRAGMA cache_size = -{pipeline.INGEST_CACHE_KB}")
        dropped = _drop_for_bulk(conn) if bulk else []
        with writer.transaction(conn):  # a first ingest: the index is built at the corpus stage
            reuse_store.drop_print_index(conn)
    counts = dict.fromkeys((*PER_SOURCE, *ONCE, "sources"), 0)
    open_for = 0.0  # seconds of writing the open transaction has held
    in_batch = 0
    commits = 0
    first = True
    while group := sources.fetchmany(pipeline.BATCH_SOURCES):
        last = int(group[-1][source_at])
        rows = {t: streams[t].upto(last) for t in PER_SOURCE}
        prints = {
            sid: _group_prints(r, names["reuse_prints"])
            for sid, r in rows.pop("reuse_prints").items()
        }
        for source in group:
            sid = int(source[source_at])
            with clock:
                if not in_batch:
                    conn.execute("BEGIN IMMEDIATE")
                    open_for = 0.0
                with writer.savepoint(conn):
                    if first:
                        with part("actors, aliases, events"):
                            for t in ONCE:
                                _insert(conn, t, names[t], once[t])
                        first = False
                    with part("sources (text and display)"):
                        conn.execute(source_sql, source)
                    for t in PER_SOURCE:
                        with part(t):
                            if t == "reuse_prints":
                                reuse_store.insert_prints(conn, sid, prints.get(sid, []))
                            else:
                                _insert(conn, t, names[t], rows[t].get(sid, []))
                    with part("meta (per source)"):
                        writer.set_meta(conn, CORPUS_STALE, "1")
                        writer.bump_generation(conn)
                in_batch += 1
                open_for += clock.since_enter()
                if in_batch >= pipeline.BATCH_SOURCES or open_for >= pipeline.BATCH_SECONDS:
                    with part("commits"):
                        conn.commit()
                    commits += 1
                    in_batch = 0
            for t in PER_SOURCE:
                if t == "reuse_prints":
                    counts[t] += sum(len(fps) for _, fps in prints.get(sid, []))
                else:
                    counts[t] += len(rows[t].get(sid, []))
            counts["sources"] += 1
    for t in ONCE:
        counts[t] = len(once[t])
    with clock, part("commits"):
        if in_batch:
            conn.commit()
            commits += 1
    phases["sources_s"] = clock.wall

    # The corpus stage: the fingerprint index, then the aligned pairs and what they share.
    with clock, part("reuse_prints index (corpus stage)"):
        with writer.transaction(conn):
            reuse_store.prepare(conn)
        conn.execute("BEGIN IMMEDIATE")
    pairs = read.execute("SELECT a, b FROM reuse_pairs ORDER BY a, b")
    links = read.execute("SELECT * FROM reuse_links ORDER BY a, b, a_start")
    link_buffer: list[tuple[Any, ...]] = []
    counts["reuse_pairs"] = counts["reuse_links"] = 0
    open_for = 0.0
    while batch := pairs.fetchmany(reuse_store.PAIR_BATCH):
        top = (batch[-1][0], batch[-1][1])
        shared: list[tuple[Any, ...]] = []
        while True:
            if not link_buffer:
                link_buffer = links.fetchmany(FETCH)[::-1]
                if not link_buffer:
                    break
            if (link_buffer[-1][0], link_buffer[-1][1]) > top:
                break
            shared.append(link_buffer.pop())
        with clock:
            with part("reuse_pairs + reuse_links"):
                reuse_store.save_pairs(conn, batch, shared)
            open_for += clock.since_enter()
            if open_for >= corpus_stage.COMMIT_SECONDS:
                with part("commits"):
                    conn.commit()
                    conn.execute("BEGIN IMMEDIATE")
                commits += 1
                open_for = 0.0
        counts["reuse_pairs"] += len(batch)
        counts["reuse_links"] += len(shared)
    spans = array("q")
    for row in read.execute("SELECT cluster, source, start, end FROM reuse ORDER BY id"):
        spans.extend(row)
    counts["reuse"] = len(spans) // 4

    def stored_spans() -> Iterator[ReuseSpan]:
        for i in range(0, len(spans), 4):
            yield ReuseSpan(spans[i], spans[i + 1], spans[i + 2], spans[i + 3])

    with clock:
        with part("reuse (shared passages)"):
            writer.replace_reuse(conn, stored_spans())
        with part("commits"):
            conn.commit()
        commits += 1
    phases["corpus_s"] = clock.wall - phases["sources_s"]
    if bulk:
        with clock, part("indexes + FTS built at the end (bulk)"):
            _build_after_bulk(conn, dropped)
        phases["build_s"] = clock.wall - phases["sources_s"] - phases["corpus_s"]
    meta = read.execute("SELECT key, value FROM meta").fetchall()
    read.close()
    with clock, part("close (WAL checkpoint)"):
        with writer.transaction(conn):
            conn.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", meta)
        conn.close()  # the last connection: checkpoints the WAL into the file
    return {
        "seconds": clock.wall,
        "cpu_s": clock.cpu,
        "bulk": bulk,
        "commits": commits,
        "rows": counts,
        "parts": part.seconds,
        **phases,
    }


def run_write(source_db: Path, db_path: Path, *, bulk: bool) -> tuple[dict[str, Any], ChildRun]:
    """One floor run in a child process (its own CPU and RSS); the database is left in place."""
    args = [PYTHON, __file__, "write", str(source_db), str(db_path)]
    run = run_child([*args, "--bulk"] if bulk else args)
    if run.returncode:
        raise RuntimeError(f"storage floor failed: {run.stderr[-800:]}")
    result: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return result, run


def _tables(conn: sqlite3.Connection) -> list[str]:
    fts = {
        str(r[0])
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%USING FTS%'"
        )
    }
    return sorted(
        str(name)
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if not str(name).startswith("sqlite_")
        and name not in fts
        and not any(str(name).startswith(f"{f}_") for f in fts)
    )


def digest(conn: sqlite3.Connection, table: str, *, rows: bool = True) -> tuple[int, str]:
    """(rows, sha256 of every row in primary-key order); without `rows`, the count only."""
    if not rows:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]), ""
    _names, key = _columns(conn, table)
    h = hashlib.sha256()
    n = 0
    cursor = conn.execute(f"SELECT * FROM {table} ORDER BY {', '.join(key)}")
    while chunk := cursor.fetchmany(FETCH):
        n += len(chunk)
        h.update(repr(chunk).encode())
    return n, h.hexdigest()[:16]


def fts_queries(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(FTS table, query): the longest word of a few rows spread over each FTS table, one
    as a prefix and two as a phrase."""
    from iraqtui.store.schema import FTS_TABLES

    out: list[tuple[str, str]] = []
    for table, columns in FTS_TABLES.items():
        (top,) = conn.execute(f"SELECT coalesce(max(rowid), 0) FROM {table}").fetchone()
        words: list[str] = []
        for i in range(1, 6):
            row = conn.execute(
                f"SELECT {columns[0]} FROM {table} WHERE rowid >= ? ORDER BY rowid LIMIT 1",
                (max(1, top * i // 6),),
            ).fetchone()
            found = [w for w in str(row[0] if row else "").split() if w.isalpha()]
            if found:
                words.append(max(found, key=len).lower())
        for word in words[:4]:
            out.append((f"{table}_fts", f'"{word}"'))
        if words:
            out.append((f"{table}_fts", f'"{words[-1][:3]}" *'))
        if len(words) >= 2:
            out.append((f"{table}_fts", f'"{words[0]}" OR "{words[1]}"'))
    return out


def check(reference: Path, others: list[Path], *, rows: bool = True) -> dict[str, Any]:
    """Whether each of `others` holds the same rows and FTS as `reference` (without `rows`,
    the same number of rows in each table)."""
    ref = sqlite3.connect(f"{reference.resolve().as_uri()}?mode=ro", uri=True)
    tables = _tables(ref)
    want = {t: digest(ref, t, rows=rows) for t in tables}
    queries = fts_queries(ref)
    answers = {
        (t, q): [
            r[0]
            for r in ref.execute(f"SELECT rowid FROM {t} WHERE {t} MATCH ? ORDER BY rowid", (q,))
        ]
        for t, q in queries
    }
    ref.close()
    out: dict[str, Any] = {
        "tables": len(tables),
        "queries": len(queries),
        "rows_compared": rows,
        "databases": {},
    }
    for path in others:
        conn = sqlite3.connect(path)  # writable: FTS5 runs integrity-check as an INSERT
        problems: list[str] = []
        got_tables = _tables(conn)
        if got_tables != tables:
            problems.append(f"tables differ: {sorted(set(tables) ^ set(got_tables))}")
        for t in tables:
            if t in got_tables and (got := digest(conn, t, rows=rows)) != want[t]:
                problems.append(f"{t}: {got[0]} rows {got[1]}, want {want[t][0]} {want[t][1]}")
        from iraqtui.store.schema import FTS_TABLES

        for table in FTS_TABLES:
            try:
                conn.execute(
                    f"INSERT INTO {table}_fts ({table}_fts, rank) VALUES ('integrity-check', 1)"
                )
            except sqlite3.DatabaseError as exc:
                problems.append(f"{table}_fts integrity-check: {exc}")
        for t, q in queries:
            got_ids = [
                r[0]
                for r in conn.execute(
                    f"SELECT rowid FROM {t} WHERE {t} MATCH ? ORDER BY rowid", (q,)
                )
            ]
            if got_ids != answers[t, q]:
                want_n = len(answers[t, q])
                problems.append(f"{t} MATCH {q}: {len(got_ids)} rowids, want {want_n}")
        out["databases"][str(path)] = problems
        conn.close()
    out["identical"] = all(not p for p in out["databases"].values())
    return out


def run_check(reference: Path, others: list[Path], *, rows: bool = True) -> dict[str, Any]:
    """`check` in a child process; a difference is in the result, a crash raises."""
    args = [PYTHON, __file__, "check", str(reference), *map(str, others)]
    run = run_child(args if rows else [*args, "--counts"])
    lines = run.stdout.strip().splitlines()
    if run.returncode not in (0, 1) or not lines:
        raise RuntimeError(f"storage floor check failed: {run.stderr[-800:]}")
    result: dict[str, Any] = json.loads(lines[-1])
    result["seconds"] = run.seconds
    return result


def main(argv: list[str]) -> int:
    if len(argv) >= 3 and argv[0] == "write":
        bulk = "--bulk" in argv[3:]
        print(json.dumps(write(Path(argv[1]), Path(argv[2]), bulk=bulk)))
        return 0
    if len(argv) >= 3 and argv[0] == "check":
        paths = [Path(a) for a in argv[2:] if a != "--counts"]
        result = check(Path(argv[1]), paths, rows="--counts" not in argv)
        print(json.dumps(result))
        return 0 if result["identical"] else 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
