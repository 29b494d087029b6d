"""The storage-floor benchmark writes back exactly the rows the pipeline stored, plain and as
a bulk load, and its check notices a database that differs."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import bench_floor  # noqa: E402

from iraqtui.ingest import pipeline  # noqa: E402
from iraqtui.store import reuse_store  # noqa: E402


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Several commits and pair batches even on five sources and three pairs."""
    monkeypatch.setattr(pipeline, "BATCH_SOURCES", 2)
    monkeypatch.setattr(reuse_store, "PAIR_BATCH", 2)


@pytest.mark.parametrize("bulk", [False, True])
def test_floor_writes_the_pipelines_rows_again(
    seeds_db_path: Path, tmp_path: Path, small_batches: None, bulk: bool
) -> None:
    out = tmp_path / "floor.db"
    result = bench_floor.write(seeds_db_path, out, bulk=bulk)
    assert result["seconds"] > 0 and result["cpu_s"] > 0
    assert result["commits"] >= 3  # 5 sources two at a time, then the corpus stage
    source = sqlite3.connect(seeds_db_path)
    for table, written in result["rows"].items():
        (stored,) = source.execute(f"SELECT count(*) FROM {table}").fetchone()
        assert written == stored, table
    source.close()
    checked = bench_floor.check(seeds_db_path, [out])
    assert checked["identical"], checked["databases"]
    assert checked["queries"] >= 2
    conn = sqlite3.connect(out)
    triggers = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'")
    assert triggers.fetchone()[0] == 6  # rebuilt after a bulk load: later edits reach FTS
    conn.close()


def test_check_names_what_differs(seeds_db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "floor.db"
    bench_floor.write(seeds_db_path, out, bulk=True)
    conn = sqlite3.connect(out)
    (pid,) = conn.execute("SELECT min(id) FROM paragraphs").fetchone()
    conn.execute("DROP TRIGGER paragraphs_au")  # the text changes, its FTS entry does not
    conn.execute("UPDATE paragraphs SET text = text || ' extra' WHERE id = ?", (pid,))
    conn.execute("DELETE FROM mentions WHERE id = (SELECT max(id) FROM mentions)")
    conn.commit()
    conn.close()
    checked = bench_floor.check(seeds_db_path, [out])
    assert not checked["identical"]
    problems = " | ".join(checked["databases"][str(out)])
    assert "paragraphs:" in problems
    assert "mentions:" in problems
    assert "paragraphs_fts integrity-check" in problems


def test_floor_refuses_a_database_not_written_in_source_order(
    seeds_db_path: Path, tmp_path: Path
) -> None:
    shuffled = tmp_path / "shuffled.db"
    bench_floor.write(seeds_db_path, shuffled)
    conn = sqlite3.connect(shuffled)
    conn.execute("PRAGMA foreign_keys = OFF")
    (top,) = conn.execute("SELECT max(id) FROM mentions").fetchone()
    conn.execute("UPDATE mentions SET id = ? WHERE id = (SELECT min(id) FROM mentions)", (top + 1,))
    conn.commit()
    conn.close()
    with pytest.raises(SystemExit, match="not in source order"):
        bench_floor.write(shuffled, tmp_path / "again.db")


def test_check_by_counts_still_sees_a_missing_row(seeds_db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "floor.db"
    bench_floor.write(seeds_db_path, out)
    assert bench_floor.check(seeds_db_path, [out], rows=False)["identical"]
    conn = sqlite3.connect(out)
    conn.execute("DELETE FROM quotes WHERE id = (SELECT max(id) FROM quotes)")
    conn.commit()
    conn.close()
    checked = bench_floor.check(seeds_db_path, [out], rows=False)
    assert not checked["identical"]
    assert any(p.startswith("quotes:") for p in checked["databases"][str(out)])


def test_check_keeps_each_fts_tables_answers_apart(
    seeds_db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same word asked of paragraphs and of quotes has two answers, both compared."""
    out = tmp_path / "floor.db"
    bench_floor.write(seeds_db_path, out)
    conn = sqlite3.connect(seeds_db_path)
    (text,) = conn.execute("SELECT text FROM quotes ORDER BY id LIMIT 1").fetchone()
    word = max((w for w in text.split() if w.isalpha()), key=len).lower()
    query = f'"{word}"'
    counts = [
        conn.execute(f"SELECT count(*) FROM {t} WHERE {t} MATCH ?", (query,)).fetchone()[0]
        for t in ("paragraphs_fts", "quotes_fts")
    ]
    conn.close()
    assert counts[0] > counts[1] > 0  # a quote is part of a paragraph; there are more
    asked = [("paragraphs_fts", query), ("quotes_fts", query)]
    monkeypatch.setattr(bench_floor, "fts_queries", lambda _conn: asked)
    checked = bench_floor.check(seeds_db_path, [out], rows=False)
    assert checked["identical"], checked["databases"]
