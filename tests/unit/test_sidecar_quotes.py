"""A sidecar can say where a pasted passage comes from when the text lost the link."""

from __future__ import annotations

from pathlib import Path

from iraqtui.ingest.pipeline import ingest
from iraqtui.store.db import open_db
from tests.conftest import SEEDS

POST = (
    "The blogger opens with a thought of his own about the truce.\n\n"
    "Lawmakers travelled to the holy city over the weekend to win support for a ceasefire. "
    "They met the commander there and signed an agreement.\n\n"
    "What does it mean? Nobody knows yet.\n"
)


def build(tmp_path: Path, sidecar: str) -> tuple[list[tuple[str, str | None]], list[str]]:
    folder = tmp_path / "corpus"
    folder.mkdir(exist_ok=True)
    (folder / "post.txt").write_text(POST, encoding="utf-8")
    (folder / "sources.toml").write_text(sidecar, encoding="utf-8")
    conn = open_db(tmp_path / "q.db").conn
    report = ingest(conn, [folder], SEEDS)
    voices = conn.execute("SELECT voice, cited_outlet FROM sentences ORDER BY seq").fetchall()
    return voices, [w for _name, w in report.warnings]


def test_the_passage_becomes_quoted_material_from_the_named_outlet(tmp_path: Path) -> None:
    voices, warnings = build(
        tmp_path,
        '[files."post.txt"]\nquoted = [{ text = "Lawmakers travelled to the holy city", '
        'outlet = "The Ledger" }]\n',
    )
    assert not warnings
    assert voices[1:3] == [("quoted", "The Ledger"), ("quoted", "The Ledger")]
    assert voices[0][0] == "own" and voices[-1][0] == "own"


def test_an_entry_that_matches_nothing_is_a_warning(tmp_path: Path) -> None:
    _voices, warnings = build(
        tmp_path, '[files."post.txt"]\nquoted = [{ text = "not in the post", outlet = "X" }]\n'
    )
    assert warnings == ["quoted entry matched nothing: 'not in the post'"]


def test_the_seeds_mcclatchy_passage(seeds_db) -> None:
    rows = seeds_db.execute(
        "SELECT DISTINCT cited_outlet FROM sentences WHERE voice = 'quoted' AND text LIKE "
        "'%lawmakers%' AND source = (SELECT id FROM sources WHERE file LIKE '001%')"
    ).fetchall()
    assert rows == [("McClatchy",)]
