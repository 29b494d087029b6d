"""The writer's many-rows-per-statement inserts: every row lands, in order, searchable."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from iraqtui.ingest.pipeline import ingest
from iraqtui.store import writer
from iraqtui.store.db import open_db
from tests.conftest import SEEDS

# More paragraphs than one statement carries, and not a power of two: several statements.
PARAGRAPHS = writer.MAX_ROWS_PER_INSERT + 77


def _long_post(folder: Path) -> None:
    folder.mkdir()
    body = "\n\n".join(
        f"Paragraph {n} says the convoy reached checkpoint{n} near Baghdad. It moved on."
        for n in range(PARAGRAPHS)
    )
    (folder / "long.txt").write_text(body + "\n", encoding="utf-8")


def test_a_source_longer_than_one_insert_is_stored_whole_and_in_order(tmp_path: Path) -> None:
    _long_post(tmp_path / "corpus")
    db = open_db(tmp_path / "long.db")
    ingest(db.conn, [tmp_path / "corpus"], SEEDS)
    conn = db.conn
    rows = conn.execute("SELECT id, seq, text FROM paragraphs ORDER BY id").fetchall()
    assert [seq for _, seq, _ in rows] == list(range(PARAGRAPHS))
    assert [i for i, _, _ in rows] == list(range(rows[0][0], rows[0][0] + PARAGRAPHS))
    assert rows[-1][2].startswith(f"Paragraph {PARAGRAPHS - 1} says")
    sentences = conn.execute("SELECT paragraph, seq, text FROM sentences ORDER BY id").fetchall()
    assert len(sentences) == 2 * PARAGRAPHS
    assert [seq for _, seq, _ in sentences] == list(range(2 * PARAGRAPHS))
    para_of = {i: seq for i, seq, _ in rows}
    assert [para_of[p] for p, _, _ in sentences[-2:]] == [PARAGRAPHS - 1] * 2
    assert sentences[-1][2] == "It moved on."
    # the full-text index has every paragraph, the last statement's too
    last = f"checkpoint{PARAGRAPHS - 1}"
    found = conn.execute(
        "SELECT p.seq FROM paragraphs_fts JOIN paragraphs p ON p.id = paragraphs_fts.rowid "
        "WHERE paragraphs_fts MATCH ?",
        (last,),
    ).fetchall()
    assert found == [(PARAGRAPHS - 1,)]
    conn.close()


def test_insert_rows_keeps_order_across_statements() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b TEXT)")
    for count in (0, 1, 2, 3, 7, 100, writer.MAX_ROWS_PER_INSERT * 2 + 5):
        conn.execute("DELETE FROM t")
        rows = [(n, f"row {n}") for n in range(count)]
        writer.insert_rows(conn, "t", "a, b", rows)
        assert conn.execute("SELECT a, b FROM t ORDER BY id").fetchall() == rows
    conn.close()
