"""The corpus-level stage of ingest, run after the files: passages shared across sources
(reuse), brought up to date incrementally, and the `corpus_stale` flag that makes a killed
run's successor finish it."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from iraqtui.ingest import reuse, reuse_align
from iraqtui.ingest.pool import ordered_map, usable_cores
from iraqtui.store import reuse_store, writer

COMMIT_SECONDS = 0.5  # aligned pairs are committed this often, so a killed run keeps them
_ALIGNER: dict[str, reuse_align.Aligner] = {}  # in an alignment worker process


CORPUS_STALE = "corpus_stale"


def corpus_stale(conn: sqlite3.Connection) -> bool:
    """A source was written since the corpus-level stages last ran (e.g. a run was killed)."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (CORPUS_STALE,)).fetchone()
    return bool(row and row[0] == "1")


def refresh_reuse(conn: sqlite3.Connection) -> None:
    """Bring the passages shared across sources up to date: align the candidate pairs not
    seen before (committed as it goes, so a killed run keeps them), then re-cluster."""
    if reuse_store.needs_backfill(conn):
        backfill_prints(conn)
    # The candidates and the clustering are temporary tables of tens of MB: give them the
    # page cache the main database has (SQLite's default for them is 2 MB, and spills).
    (temp_cache,) = conn.execute("PRAGMA temp.cache_size").fetchone()
    (main_cache,) = conn.execute("PRAGMA main.cache_size").fetchone()
    conn.execute(f"PRAGMA temp.cache_size = {int(main_cache)}")
    try:
        _refresh(conn)
    finally:
        # 0 when the temporary database was not open yet: SQLite's default then
        conn.execute(f"PRAGMA temp.cache_size = {int(temp_cache) or -2000}")


def _refresh(conn: sqlite3.Connection) -> None:
    with writer.transaction(conn):
        reuse_store.prepare(conn)
    # A read of the corpus and a write of temporary tables only: other writers go on.
    reuse.find_candidates(conn)
    conn.commit()
    conn.execute("BEGIN IMMEDIATE")
    opened = time.perf_counter()

    def commit_now_and_then() -> None:
        nonlocal opened
        if time.perf_counter() - opened >= COMMIT_SECONDS:
            conn.commit()
            conn.execute("BEGIN IMMEDIATE")
            opened = time.perf_counter()

    try:
        reuse.update_reuse(
            conn, parallel=partial(_parallel_aligner, conn), on_batch=commit_now_and_then
        )
        writer.replace_reuse(conn, reuse.cluster_stored(conn))
    except BaseException:
        conn.rollback()
        raise
    conn.commit()


# Below this many new pairs the pool's start-up costs more than aligning them here.
PARALLEL_MIN_PAIRS = 20_000


def _parallel_aligner(conn: sqlite3.Connection, new_pairs: int) -> reuse.AlignFn | None:
    """Align in worker processes that read the (committed) paragraphs themselves."""
    workers = usable_cores()
    path = _database_file(conn)
    if new_pairs < PARALLEL_MIN_PAIRS or workers < 2 or path is None:
        return None

    def run(batches: Iterator[list[reuse.PairRow]]) -> Iterator[reuse.Aligned]:
        return ordered_map(
            _align_chunk, batches, workers=workers, initializer=_align_init, initargs=(path,)
        )

    return run


def _database_file(conn: sqlite3.Connection) -> str | None:
    for _, name, file in conn.execute("PRAGMA database_list"):
        if name == "main":
            return str(file) if file else None
    return None


def _align_init(path: str) -> None:
    reader = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    _ALIGNER["aligner"] = reuse_align.Aligner(lambda ids: reuse_store.paragraph_texts(reader, ids))


def _align_chunk(pairs: list[reuse.PairRow]) -> list[reuse.Aligned]:
    return [reuse.align_batch(_ALIGNER["aligner"], pairs)]


def backfill_prints(conn: sqlite3.Connection) -> None:
    """Fingerprints for paragraphs stored by a version that did not keep them."""
    last = 0
    while rows := reuse_store.body_paragraphs_after(conn, last, 5_000):
        with writer.transaction(conn):
            reuse_store.clear_prints(conn, rows[0][0], rows[-1][0])
            for pid, source, text in rows:
                reuse_store.insert_prints(conn, source, [(pid, reuse.text_prints(text))])
        last = rows[-1][0]
    with writer.transaction(conn):
        writer.set_meta(conn, reuse_store.BACKFILL, "0")
