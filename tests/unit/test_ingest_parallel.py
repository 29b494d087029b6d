"""Ingest in worker processes writes exactly what one process writes, and a failing source
is rolled back alone even when it shares a commit with others."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from iraqtui.ingest import pipeline
from iraqtui.ingest.pipeline import IngestOptions, ingest
from iraqtui.store import writer
from iraqtui.store.db import open_db
from tests.conftest import SEEDS

COPIES = 4  # 5 seeds x 4 = 20 files, above PARALLEL_MIN_FILES

TABLES = {
    "sources": "file, sha256, analysis_key, outlet, title, text",
    "paragraphs": "id, source, seq, start, end, text, boilerplate, voice",
    "sentences": "id, source, paragraph, seq, start, end, voice, cited_outlet",
    "mentions": "actor, source, sentence, start, end, surface, method",
    "quotes": "source, sentence, start, end, text, kind, speaker, cited_outlet",
    "event_passages": "event, source, sentence, start, end, score",
    "reuse": "cluster, source, start, end",
}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The seeds several times over, in subfolders, with the seeds' sidecars."""
    root = tmp_path / "corpus"
    for n in range(COPIES):
        folder = root / f"copy{n}"
        folder.mkdir(parents=True)
        for text in sorted(SEEDS.glob("*.txt")):
            shutil.copy(text, folder / text.name)
    for sidecar in ("actors.toml", "events.toml"):
        shutil.copy(SEEDS / sidecar, root / sidecar)
    return root


def snapshot(conn: sqlite3.Connection) -> dict[str, list[tuple[object, ...]]]:
    return {
        table: conn.execute(f"SELECT {cols} FROM {table} ORDER BY {cols}").fetchall()
        for table, cols in TABLES.items()
    }


def test_two_workers_write_what_one_process_writes(corpus: Path, tmp_path: Path) -> None:
    assert COPIES * len(list(SEEDS.glob("*.txt"))) >= pipeline.PARALLEL_MIN_FILES
    one = open_db(tmp_path / "one.db")
    ingest(one.conn, [corpus], SEEDS, IngestOptions(workers=1))
    two = open_db(tmp_path / "two.db")
    report = ingest(two.conn, [corpus], SEEDS, IngestOptions(workers=2))
    assert len(report.ingested) == COPIES * 5
    assert snapshot(two.conn) == snapshot(one.conn)
    (fts,) = two.conn.execute(
        "SELECT count(*) FROM paragraphs_fts WHERE paragraphs_fts MATCH 'Basra'"
    ).fetchone()
    assert fts > 0

    again = ingest(two.conn, [corpus], SEEDS, IngestOptions(workers=2))
    assert not again.ingested and len(again.skipped) == COPIES * 5


def test_a_failing_source_rolls_back_alone(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written: list[str] = []
    real_write = writer.write_source

    def write_then_fail_on_third(conn: sqlite3.Connection, analysis, *args, **kwargs):  # type: ignore[no-untyped-def]
        if len(written) == 2:
            real_write(conn, analysis, *args, **kwargs)  # rows reach the database, then ...
            raise RuntimeError("disk on fire")
        written.append(analysis.meta.file)
        return real_write(conn, analysis, *args, **kwargs)

    monkeypatch.setattr(writer, "write_source", write_then_fail_on_third)
    db = open_db(tmp_path / "fail.db")
    with pytest.raises(RuntimeError, match="disk on fire"):
        ingest(db.conn, [corpus], SEEDS, IngestOptions(workers=1))
    files = [r[0] for r in db.conn.execute("SELECT file FROM sources ORDER BY id")]
    assert files == written  # the two before it committed, nothing of the third
    (orphans,) = db.conn.execute(
        "SELECT count(*) FROM paragraphs WHERE source NOT IN (SELECT id FROM sources)"
    ).fetchone()
    assert orphans == 0
    assert not db.conn.in_transaction
    monkeypatch.undo()
    report = ingest(db.conn, [corpus], SEEDS, IngestOptions(workers=1))
    assert sorted(report.skipped) == sorted(written)
    assert len(report.ingested) == COPIES * 5 - 2


def test_a_task_carries_only_its_own_sidecar_entries(tmp_path: Path) -> None:
    """With 2,000 entries in sources.toml a task must not carry all of them to a worker."""
    import pickle

    from iraqtui.ingest.reader import discover

    root = tmp_path / "big"
    root.mkdir()
    lines = []
    for n in range(2000):
        (root / f"{n:05d}.txt").write_text(f"Paragraph {n} about Basra.\n", encoding="utf-8")
        lines.append(
            f'[files."{n:05d}.txt"]\noutlet = "Outlet {n % 7}"\ntitle = "Title {n}"\n'
            'boilerplate = [ { text = "Donate now", reason = "appeal" } ]\n'
        )
    (root / "sources.toml").write_text("\n".join(lines), encoding="utf-8")
    files, _ = discover([root])
    sidecars = pipeline.resolve_sidecars(root.resolve(), IngestOptions(), SEEDS)
    whole = len(pickle.dumps(sidecars.sources))
    task = pipeline._task(files[0], {}, sidecars)
    assert task.sources.meta_for(files[0].name) == sidecars.sources.meta_for(files[0].name)
    assert task.sources.rules_for(files[0].name) == sidecars.sources.rules_for(files[0].name)
    assert len(pickle.dumps(task)) < whole / 100
