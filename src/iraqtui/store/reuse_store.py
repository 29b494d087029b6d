"""SQL of the corpus-level reuse stage: stored fingerprints, candidate pairs, aligned pairs.

Fingerprints are written with their source (`writer.write_source`); candidate pairs are the
paragraphs of different sources sharing a fingerprint that is not a stock phrase, found by
one grouped join into a temporary table (on disk, so memory stays flat); pairs already
aligned are kept in `reuse_pairs` (what they share in `reuse_links`), so only new pairs are
aligned again. Clustering reads the links back through temporary tables, in order.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence

from iraqtui.models import ReuseInput
from iraqtui.store.schema import PRINT_INDEX, REUSE_DDL

PAIR_BATCH = 2_000
BACKFILL = "reuse_backfill"  # meta key: paragraphs stored before fingerprints were
ORPHANS = "reuse_orphans"  # meta key: a source was rewritten, its links are to be dropped


def insert_prints(
    conn: sqlite3.Connection, source_id: int, rows: Iterable[tuple[int, Sequence[int]]]
) -> None:
    """Fingerprints of a source's paragraphs: (paragraph id, fingerprints)."""
    conn.executemany(
        "INSERT INTO reuse_prints (paragraph, fp, source) VALUES (?, ?, ?)",
        [(pid, fp, source_id) for pid, prints in rows for fp in prints],
    )


def clear_prints(conn: sqlite3.Connection, first: int, last: int) -> None:
    """Drop the fingerprints of paragraphs first..last (ids), to write them again."""
    conn.execute("DELETE FROM reuse_prints WHERE paragraph BETWEEN ? AND ?", (first, last))


def delete_source(conn: sqlite3.Connection, source_id: int) -> None:
    """Forget the fingerprints and aligned pairs of a source about to be rewritten (its
    paragraph ids may be given to new paragraphs). Call before its paragraphs go; their
    links go at the next refresh (`drop_orphan_links`)."""
    own = "(SELECT id FROM paragraphs WHERE source = ?)"
    conn.execute(f"DELETE FROM reuse_prints WHERE paragraph IN {own}", (source_id,))
    conn.execute(f"DELETE FROM reuse_pairs WHERE a IN {own}", (source_id,))
    conn.execute(f"DELETE FROM reuse_pairs WHERE b IN {own}", (source_id,))
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, '1')", (ORPHANS,))


def drop_orphan_links(conn: sqlite3.Connection) -> None:
    """Links of pairs that `delete_source` dropped (one pass over the links, when any)."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (ORPHANS,)).fetchone()
    if not (row and row[0] == "1"):
        return
    conn.execute(
        "DELETE FROM reuse_links WHERE NOT EXISTS (SELECT 1 FROM reuse_pairs AS p "
        "WHERE p.a = reuse_links.a AND p.b = reuse_links.b)"
    )
    conn.execute("UPDATE meta SET value = '0' WHERE key = ?", (ORPHANS,))


def drop_print_index(conn: sqlite3.Connection) -> None:
    """For a bulk load: `prepare` builds it again, sorted, in one go."""
    conn.execute("DROP INDEX IF EXISTS reuse_prints_fp")


def prepare(conn: sqlite3.Connection) -> None:
    """Drop the links of rewritten sources and (re)build the fingerprint index. Writes."""
    drop_orphan_links(conn)
    conn.execute(PRINT_INDEX)


def collect_candidates(conn: sqlite3.Connection, max_postings: int, max_sources: int) -> None:
    """Fill temp.reuse_candidates with every candidate pair (only the temporary database is
    written, so other writers are not held up while this runs).

    A pair is two paragraphs of different sources sharing a fingerprint found in at most
    `max_postings` paragraphs and `max_sources` sources (more is a stock phrase); `a` is the
    paragraph of the lower source id.
    """
    conn.execute("DROP TABLE IF EXISTS temp.reuse_candidates")
    conn.execute(
        "CREATE TEMP TABLE reuse_candidates (a INTEGER NOT NULL, b INTEGER NOT NULL, "
        "a_source INTEGER NOT NULL, b_source INTEGER NOT NULL, PRIMARY KEY (a, b)) WITHOUT ROWID"
    )
    conn.execute(
        "INSERT OR IGNORE INTO temp.reuse_candidates "
        "SELECT x.paragraph, y.paragraph, x.source, y.source FROM "
        "(SELECT fp FROM reuse_prints GROUP BY fp "
        " HAVING count(*) BETWEEN 2 AND ? AND count(DISTINCT source) BETWEEN 2 AND ?) AS g "
        "JOIN reuse_prints AS x ON x.fp = g.fp "
        "JOIN reuse_prints AS y ON y.fp = g.fp AND y.source > x.source",
        (max_postings, max_sources),
    )


def drop_stale_pairs(conn: sqlite3.Connection) -> int:
    """Drop the stored pairs that are no candidates any more, and from the candidates those
    already aligned; returns how many are left to align."""
    stale = (
        "NOT EXISTS (SELECT 1 FROM temp.reuse_candidates AS c WHERE c.a = {t}.a AND c.b = {t}.b)"
    )
    conn.execute("DELETE FROM reuse_pairs WHERE " + stale.format(t="reuse_pairs"))
    conn.execute("DELETE FROM reuse_links WHERE " + stale.format(t="reuse_links"))
    conn.execute(
        "DELETE FROM temp.reuse_candidates WHERE EXISTS (SELECT 1 FROM reuse_pairs AS p "
        "WHERE p.a = reuse_candidates.a AND p.b = reuse_candidates.b)"
    )
    (count,) = conn.execute("SELECT count(*) FROM temp.reuse_candidates").fetchone()
    return int(count)


def new_pairs(conn: sqlite3.Connection) -> Iterator[list[tuple[int, int, int, int]]]:
    """The new candidate pairs (a, b, a_source, b_source) in batches, sorted by a then b:
    the aligner indexes a once for all its pairs, and `save_pairs` then appends to the
    stored pairs and links in their key order, so a commit writes few pages. No statement
    stays open between batches, so the caller may commit in between."""
    last = (-1, -1)
    while True:
        batch: list[tuple[int, int, int, int]] = conn.execute(
            "SELECT a, b, a_source, b_source FROM temp.reuse_candidates "
            "WHERE (a, b) > (?, ?) ORDER BY a, b LIMIT ?",
            (*last, PAIR_BATCH),
        ).fetchall()
        if not batch:
            return
        yield batch
        last = (batch[-1][0], batch[-1][1])


def drop_candidates(conn: sqlite3.Connection) -> None:
    conn.execute("DROP TABLE IF EXISTS temp.reuse_candidates")


def save_pairs(
    conn: sqlite3.Connection,
    pairs: Sequence[tuple[int, int]],
    links: Sequence[tuple[int, int, int, int, int, int, int, int]],
) -> None:
    """Store aligned pairs (a, b) and what they share, (a, b, a_source, a_start, a_end,
    b_source, b_start, b_end) (a pair sharing nothing is stored too, so it is not aligned
    again)."""
    conn.executemany("INSERT OR REPLACE INTO reuse_pairs (a, b) VALUES (?, ?)", pairs)
    conn.executemany(
        "INSERT OR REPLACE INTO reuse_links (a, b, a_source, a_start, a_end, b_source, "
        "b_start, b_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        links,
    )


def index_spans(conn: sqlite3.Connection) -> int:
    """temp.reuse_spans: every distinct (source, start, end) of a link, numbered from 1 in
    that order; returns how many."""
    conn.execute("DROP TABLE IF EXISTS temp.reuse_spans")
    conn.execute(
        "CREATE TEMP TABLE reuse_spans (id INTEGER PRIMARY KEY, source INTEGER NOT NULL, "
        "start INTEGER NOT NULL, end INTEGER NOT NULL)"
    )
    conn.execute(
        "INSERT INTO temp.reuse_spans (source, start, end) "
        "SELECT a_source, a_start, a_end FROM reuse_links UNION "
        "SELECT b_source, b_start, b_end FROM reuse_links ORDER BY 1, 2, 3"
    )
    conn.execute("CREATE UNIQUE INDEX temp.reuse_spans_key ON reuse_spans(source, start, end)")
    (count,) = conn.execute("SELECT count(*) FROM temp.reuse_spans").fetchone()
    return int(count)


def span_edges(conn: sqlite3.Connection) -> Iterator[tuple[int, int]]:
    """(span id, span id) of each link."""
    for x, y in conn.execute(
        "SELECT x.id, y.id FROM reuse_links AS l "
        "JOIN temp.reuse_spans AS x "
        "ON x.source = l.a_source AND x.start = l.a_start AND x.end = l.a_end "
        "JOIN temp.reuse_spans AS y "
        "ON y.source = l.b_source AND y.start = l.b_start AND y.end = l.b_end"
    ):
        yield int(x), int(y)


def spans_in_order(conn: sqlite3.Connection) -> Iterator[tuple[int, int, int, int]]:
    """(id, source, start, end) of every span, in id order (= source, start, end)."""
    for row in conn.execute("SELECT id, source, start, end FROM temp.reuse_spans ORDER BY id"):
        yield int(row[0]), int(row[1]), int(row[2]), int(row[3])


def sort_by_cluster(
    conn: sqlite3.Connection, cluster_of: Sequence[int]
) -> Iterator[tuple[int, int, int, int]]:
    """(cluster, source, start, end) of every span, sorted; `cluster_of[id]` is the cluster
    of span `id` (index 0 unused)."""
    conn.execute("DROP TABLE IF EXISTS temp.reuse_clustered")
    conn.execute("CREATE TEMP TABLE reuse_clustered (id INTEGER PRIMARY KEY, cluster INTEGER)")
    conn.executemany(
        "INSERT INTO temp.reuse_clustered VALUES (?, ?)",
        zip(range(1, len(cluster_of)), cluster_of[1:], strict=True),
    )
    for row in conn.execute(
        "SELECT c.cluster, s.source, s.start, s.end FROM temp.reuse_clustered AS c "
        "JOIN temp.reuse_spans AS s ON s.id = c.id ORDER BY 1, 2, 3, 4"
    ):
        yield int(row[0]), int(row[1]), int(row[2]), int(row[3])


def drop_spans(conn: sqlite3.Connection) -> None:
    conn.execute("DROP TABLE IF EXISTS temp.reuse_spans")
    conn.execute("DROP TABLE IF EXISTS temp.reuse_clustered")


def paragraph_texts(
    conn: sqlite3.Connection, ids: Sequence[int]
) -> Iterator[tuple[int, int, int, str]]:
    """(id, source, start, text) of these paragraphs."""
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ",".join("?" * len(chunk))
        for pid, source, start, text in conn.execute(
            f"SELECT id, source, start, text FROM paragraphs WHERE id IN ({marks})", chunk
        ):
            yield int(pid), int(source), int(start), str(text)


def body_paragraphs_after(
    conn: sqlite3.Connection, after: int, limit: int
) -> list[tuple[int, int, str]]:
    """(id, source, text) of body paragraphs with ids above `after`, in id order."""
    return [
        (int(pid), int(source), str(text))
        for pid, source, text in conn.execute(
            "SELECT id, source, text FROM paragraphs WHERE boilerplate = 0 AND id > ? "
            "ORDER BY id LIMIT ?",
            (after, limit),
        )
    ]


def needs_backfill(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (BACKFILL,)).fetchone()
    return bool(row and row[0] == "1")


def create_scratch(conn: sqlite3.Connection) -> None:
    """The reuse tables and a minimal `paragraphs` in a database of their own (in memory)."""
    conn.executescript(
        REUSE_DDL + "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        "CREATE TABLE paragraphs (id INTEGER PRIMARY KEY, source INTEGER NOT NULL, "
        "start INTEGER NOT NULL, text TEXT NOT NULL);"
    )


def add_paragraph(conn: sqlite3.Connection, item: ReuseInput, prints: Sequence[int]) -> None:
    conn.execute(
        "INSERT INTO paragraphs (id, source, start, text) VALUES (?, ?, ?, ?)",
        (item.paragraph_id, item.source_id, item.start, item.text),
    )
    insert_prints(conn, item.source_id, [(item.paragraph_id, prints)])
