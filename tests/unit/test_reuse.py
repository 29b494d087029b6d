"""Passages shared across sources: found through apostrophe styles, dropped words and ellipses;
unrelated text never joins a cluster."""

from __future__ import annotations

import json
import random
import sqlite3
import time
from pathlib import Path

import pytest

from iraqtui.ingest.reuse import find_reuse
from iraqtui.models import ReuseInput

GOLD = json.loads((Path(__file__).parents[1] / "fixtures" / "quotes_gold.json").read_text("utf-8"))

ORIGINAL = (
    "The commander’s convoy was ambushed near the river crossing on Thursday evening, "
    "and at least four soldiers were wounded before reinforcements arrived from the base."
)
# Straight apostrophe, a dropped word ("least"), an ellipsis, a trimmed tail, other text around.
COPY = (
    "Worth reading in full. The commander's convoy was ambushed near the river crossing on "
    "Thursday evening... and at four soldiers were wounded before reinforcements arrived. "
    "My own view is different."
)
UNRELATED = (
    "At the end of the day the council voted on Thursday evening to raise the rates, and "
    "at least four members were absent before the vote arrived from the committee."
)


def inputs(*texts: tuple[int, str]) -> list[ReuseInput]:
    return [ReuseInput(source, n, 0, text) for n, (source, text) in enumerate(texts)]


def test_near_verbatim_copy_is_clustered_with_its_span() -> None:
    spans = find_reuse(inputs((1, ORIGINAL), (2, COPY), (3, UNRELATED)))
    assert {s.source_id for s in spans} == {1, 2}
    assert len({s.cluster for s in spans}) == 1
    copy = next(s for s in spans if s.source_id == 2)
    assert COPY[copy.start : copy.end].startswith("The commander's convoy")
    assert "My own view" not in COPY[copy.start : copy.end]
    assert "Worth reading" not in COPY[copy.start : copy.end]


def test_unrelated_text_sharing_stock_phrases_is_not_clustered() -> None:
    assert find_reuse(inputs((1, ORIGINAL), (3, UNRELATED))) == []


def test_same_source_repeats_are_not_reuse() -> None:
    assert find_reuse(inputs((1, ORIGINAL), (1, ORIGINAL))) == []


def test_two_passages_in_one_paragraph_make_two_clusters() -> None:
    other = (
        "Grain prices in the capital doubled within a week as traders hoarded flour and the "
        "central bank refused to release its reserves to the mills."
    )
    spans = find_reuse(inputs((1, ORIGINAL + " " + other), (2, COPY), (3, "Quote: " + other)))
    clusters: dict[int, set[int]] = {}
    for s in spans:
        clusters.setdefault(s.cluster, set()).add(s.source_id)
    assert sorted(map(sorted, clusters.values())) == [[1, 2], [1, 3]]


def test_seed_clusters_match_the_gold(seeds_db: sqlite3.Connection) -> None:
    rows = seeds_db.execute(
        "SELECT r.cluster, s.file, r.start, r.end FROM reuse r JOIN sources s ON s.id = r.source"
    ).fetchall()
    found: dict[int, list[tuple[str, int, int]]] = {}
    for cluster, file, start, end in rows:
        found.setdefault(cluster, []).append((file, start, end))
    assert len(found) == len(GOLD["reuse"])
    for gold in GOLD["reuse"]:
        spans = [(g["file"], g["start"], g["end"]) for g in gold["spans"]]
        matching = [
            c
            for c in found.values()
            if len(c) == len(spans)
            and all(
                any(f == gf and min(e, ge) - max(s, gs) >= 0.9 * (ge - gs) for f, s, e in c)
                for gf, gs, ge in spans
            )
        ]
        assert len(matching) == 1, (gold["cluster"], found)
    # and every cluster is one of the gold ones: nothing unrelated joined
    for cluster in found.values():
        assert len({file for file, _, _ in cluster}) == len(cluster) == 2


def test_candidates_are_not_all_pairs() -> None:
    """3,000 paragraphs from 300 sources with 20 planted copies: every copy is found, and
    the run takes far less than comparing all 4.5 million pairs would."""
    rng = random.Random(7)
    vocabulary = [f"w{n}" for n in range(5000)]
    texts = [" ".join(rng.choice(vocabulary) for _ in range(60)) for _ in range(3000)]
    items = [ReuseInput(n // 10, n, 0, t) for n, t in enumerate(texts)]
    for k in range(20):
        donor = texts[k * 97]
        words = donor.split()[10:40]
        items.append(ReuseInput(1000 + k, 10_000 + k, 0, "intro words here " + " ".join(words)))
    started = time.perf_counter()
    spans = find_reuse(items)
    elapsed = time.perf_counter() - started
    planted = {s.source_id for s in spans if s.source_id >= 1000}
    assert planted == set(range(1000, 1020))
    assert {s.source_id for s in spans} <= planted | {k * 97 // 10 for k in range(20)}
    assert elapsed < 10


def test_export_says_where_wording_differs(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Filler line.\n\n" + ORIGINAL + "\n", encoding="utf-8")
    (corpus / "b.txt").write_text(COPY + "\n", encoding="utf-8")
    db = str(tmp_path / "c.db")
    assert cli("ingest", str(corpus), "--db", db).code == 0
    data = json.loads(cli("export", "--format", "json", "--out", "-", "--db", db).out)
    rows = data["reuse"]
    assert len(rows) == 2 and rows[0]["wording_differs"] == []
    # b drops "least"; the apostrophe style and the ellipsis do not count
    assert rows[1]["wording_differs"] == ["-least"]


def _reuse_rows(db: Path) -> list[tuple[str, int, int]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT s.file, r.start, r.end FROM reuse r JOIN sources s ON s.id = r.source "
            "ORDER BY s.file, r.start"
        ).fetchall()
    finally:
        conn.close()


def test_editing_a_file_updates_its_reuse_as_a_fresh_ingest_would(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    other = (
        "Grain prices in the capital doubled within a week as traders hoarded flour and the "
        "central bank refused to release its reserves to the mills."
    )
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text(f"Filler line.\n\n{ORIGINAL}\n\n{other}\n", encoding="utf-8")
    (corpus / "b.txt").write_text(COPY + "\n", encoding="utf-8")
    (corpus / "c.txt").write_text("Nothing shared here at all.\n", encoding="utf-8")
    db = tmp_path / "c.db"
    assert cli("ingest", str(corpus), "--db", str(db)).code == 0
    assert {f for f, _, _ in _reuse_rows(db)} == {"a.txt", "b.txt"}

    # b no longer carries the passage, the last file (whose paragraph ids are reused) does
    (corpus / "b.txt").write_text("My own view is different.\n", encoding="utf-8")
    (corpus / "c.txt").write_text(f"As reported: {other}\n", encoding="utf-8")
    assert cli("ingest", str(corpus), "--db", str(db)).code == 0
    fresh = tmp_path / "fresh.db"
    assert cli("ingest", str(corpus), "--db", str(fresh)).code == 0
    assert _reuse_rows(db) == _reuse_rows(fresh)
    assert {f for f, _, _ in _reuse_rows(db)} == {"a.txt", "c.txt"}


def test_a_database_from_before_fingerprints_gets_them_on_the_next_ingest(
    cli,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Filler line.\n\n" + ORIGINAL + "\n", encoding="utf-8")
    (corpus / "b.txt").write_text(COPY + "\n", encoding="utf-8")
    db = tmp_path / "c.db"
    assert cli("ingest", str(corpus), "--db", str(db)).code == 0
    expected = _reuse_rows(db)
    assert expected
    conn = sqlite3.connect(db)  # what a version 1 database holds: no reuse state
    with conn:
        conn.executescript(
            "DROP TABLE reuse_prints; DROP TABLE reuse_pairs; DROP TABLE reuse_links;"
            "DELETE FROM reuse; UPDATE meta SET value = '1' WHERE key = 'schema_version';"
        )
    conn.close()
    result = cli("ingest", str(corpus), "--db", str(db))
    assert result.code == 0
    assert _reuse_rows(db) == expected


def test_a_new_file_is_aligned_against_the_corpus_not_the_corpus_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from iraqtui.config import bundled_seeds_dir
    from iraqtui.ingest import reuse_align
    from iraqtui.ingest.pipeline import ingest
    from iraqtui.store.db import open_db

    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Filler line.\n\n" + ORIGINAL + "\n", encoding="utf-8")
    (corpus / "b.txt").write_text(COPY + "\n", encoding="utf-8")
    conn = open_db(tmp_path / "c.db").conn
    aligned: list[tuple[int, int]] = []
    real = reuse_align.Aligner.links

    def counting(
        self: reuse_align.Aligner, pairs: list[tuple[int, int]]
    ) -> list[list[reuse_align.Link]]:
        aligned.extend(pairs)
        return real(self, pairs)

    monkeypatch.setattr(reuse_align.Aligner, "links", counting)
    ingest(conn, [corpus], bundled_seeds_dir())
    assert len(aligned) == 1
    ids = dict(conn.execute("SELECT file, id FROM sources").fetchall())
    aligned.clear()
    (corpus / "c.txt").write_text("Quoted: " + ORIGINAL + "\n", encoding="utf-8")
    ingest(conn, [corpus], bundled_seeds_dir())
    new = conn.execute("SELECT id FROM sources WHERE file = 'c.txt'").fetchone()[0]
    owners = [
        {
            conn.execute("SELECT source FROM paragraphs WHERE id = ?", (p,)).fetchone()[0]
            for p in pair
        }
        for pair in aligned
    ]
    assert len(owners) == 2 and all(new in o for o in owners)  # c with a, c with b
    assert {ids["a.txt"], ids["b.txt"], new} == {
        s for (s,) in conn.execute("SELECT DISTINCT source FROM reuse")
    }
