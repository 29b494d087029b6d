"""A search-only database with the real schema, filled straight from a synthetic corpus.

Full-text search does not depend on the analysis stages, only on `sources` and `paragraphs`
and the FTS index, so search can be benchmarked at 1,000,000 paragraphs without waiting for a
full ingest. Paragraphs are cut on blank lines (as the segmenter does for this corpus), the
FTS index is built once at the end, and the sqlite-utils triggers are put back, so the file
is an ordinary iraqtui database (with empty `sources.text`: search never reads it).

    python bench/searchdb.py bench/out/corpus-1m bench/out/search-1m.db
"""

from __future__ import annotations

import sys
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from iraqtui.store.db import open_db  # noqa: E402

MARKER_TABLE = "bench_search_db"


def _paragraphs(corpus: Path) -> Iterator[tuple[str, list[tuple[int, int, str]]]]:
    for path in sorted(corpus.rglob("*.txt")):
        text = path.read_text(encoding="utf-8")
        spans: list[tuple[int, int, str]] = []
        at = 0
        for block in text.split("\n\n"):
            start = at
            at += len(block) + 2
            body = block.strip()
            if body:
                lead = block.index(body[0])
                spans.append((start + lead, start + lead + len(body), body))
        yield path.relative_to(corpus).as_posix(), spans


def build(corpus: Path, target: Path) -> dict[str, float]:
    """Build (or reuse, when already complete) the search database for `corpus`."""
    if target.exists():
        db = open_db(target)
        done = db.conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE name = ?", (MARKER_TABLE,)
        ).fetchone()[0]
        db.conn.close()
        if done:
            return {"reused": 1.0}
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
    meta = tomllib.loads((corpus / "sources.toml").read_text(encoding="utf-8")).get("files", {})
    started = time.perf_counter()
    db = open_db(target)
    conn = db.conn
    triggers = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'paragraphs'"
    ).fetchall()
    conn.execute("BEGIN")
    for name, _ in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    para_id = 0
    for source_id, (name, spans) in enumerate(_paragraphs(corpus), start=1):
        info = meta.get(name, {})
        conn.execute(
            "INSERT INTO sources (id, path, root, file, sha256, analysis_key, size, encoding, "
            "outlet, title, text, display, ingested) "
            "VALUES (?, ?, ?, ?, '', '', 0, 'utf-8', ?, ?, '', '', '')",
            (
                source_id,
                str(corpus / name),
                str(corpus),
                name,
                info.get("outlet"),
                info.get("title"),
            ),
        )
        rows = []
        for seq, (start, end, body) in enumerate(spans):
            para_id += 1
            boilerplate = int(body.startswith("This is a synthetic article"))
            rows.append((para_id, source_id, seq, start, end, body, boilerplate))
        conn.executemany(
            "INSERT INTO paragraphs (id, source, seq, start, end, text, boilerplate) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    conn.execute("INSERT INTO paragraphs_fts (paragraphs_fts) VALUES ('rebuild')")
    for _, sql in triggers:
        conn.execute(sql)
    conn.execute(f"CREATE TABLE {MARKER_TABLE} (paragraphs INTEGER)")
    conn.execute(f"INSERT INTO {MARKER_TABLE} VALUES (?)", (para_id,))
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return {"seconds": time.perf_counter() - started, "paragraphs": float(para_id)}


if __name__ == "__main__":
    print(build(Path(sys.argv[1]), Path(sys.argv[2])))
