"""Fuzzy quote search: half-remembered queries find the right quote first, through the CLI
and the core function, and the candidate index agrees with scoring every quote."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from iraqtui.analysis.quote_search import brute_force, index_for, rank, search_quotes
from tests.conftest import SEEDS

# query -> (file, start of the quote's text) of the quote that must come first
EXPECTED = {
    "open war till liberation": ("000_68bd571804362d92.txt", "open war until liberation"),
    "too big for his boots": ("003_b083dd00b5ae1b7d.txt", "However, they don’t want"),
    "melted away basra": ("000_68bd571804362d92.txt", "Mr. Sadr issued a statement"),
    "Iran fair haired boy": ("001_69d56c995b3b1544.txt", "Iraqi lawmakers traveled"),
    # typos, order, case and punctuation
    "OPEN WAR, until... liberaton!": ("000_68bd571804362d92.txt", "open war until liberation"),
    "boots too big": ("003_b083dd00b5ae1b7d.txt", "However, they don’t want"),
    "intra-shia politcs for control": ("004_82396509a673133c.txt", "This is intra-Shia."),
    "police in basra useles": ("004_82396509a673133c.txt", "The police in Basra"),
}


@pytest.mark.parametrize("query", list(EXPECTED))
def test_query_returns_the_right_quote_first(cli, seeds_db_path: Path, query: str) -> None:  # type: ignore[no-untyped-def]
    result = cli("quotes", query, "--json", "--limit", "3", "--db", str(seeds_db_path))
    assert result.code == 0, result.err
    hits = json.loads(result.out)["hits"]
    file, starts = EXPECTED[query]
    assert (hits[0]["file"], hits[0]["text"][: len(starts)]) == (file, starts)


def test_hit_shows_speaker_outlet_and_every_carrier(seeds_db: sqlite3.Connection) -> None:
    hits = search_quotes(seeds_db, "most lethal attacks on US forces", limit=3)
    ware = [h.quote for h in hits if h.quote.kind == "speech"][:2]
    assert {q.file for q in ware} == {"003_b083dd00b5ae1b7d.txt", "004_82396509a673133c.txt"}
    for q in ware:
        assert len(q.carried_by) == 2
        assert q.shown_speaker == "Michael Ware"  # 004 drops the name; 003 lends it
        assert q.shown_outlet == "CNN"
    unnamed = next(q for q in ware if q.file.startswith("004"))
    assert unnamed.speaker is None and unnamed.speaker_via == "Michael Ware"


def test_carriers_say_where_wording_differs(seeds_db: sqlite3.Connection) -> None:
    hit = search_quotes(seeds_db, "many Iraqis have recently speculated Sadr stock", limit=1)[0]
    assert hit.quote.file.startswith("002")
    (carrier,) = hit.quote.carriers
    assert carrier.file.startswith("000") and carrier.differs == ()  # curly vs straight only


def test_cli_prints_speaker_outlet_and_carriers(cli, seeds_db_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("quotes", "most lethal attacks", "--limit", "2", "--db", str(seeds_db_path))
    assert result.code == 0
    assert "Michael Ware" in result.out and "reported by CNN" in result.out
    assert "also in" in result.out


def test_index_is_built_once_per_database(seeds_db: sqlite3.Connection) -> None:
    first = index_for(seeds_db)
    assert index_for(seeds_db) is first


def test_candidate_step_agrees_with_scoring_everything(seeds_db: sqlite3.Connection) -> None:
    index = index_for(seeds_db)
    for query in EXPECTED:
        fast = [p for p, _, _ in rank(index, query, 5)]
        # quotes sharing no word with the query only pad the brute-force list with noise
        slow = [p for p, score, _ in brute_force(index, query, 5) if score >= 60]
        assert fast[0] == slow[0]
        assert set(slow) <= set(fast)


def test_blank_and_nonsense_queries(cli, seeds_db_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert json.loads(cli("quotes", "   ", "--json", "--db", str(seeds_db_path)).out)["hits"] == []
    result = cli("quotes", "zzqx", "--db", str(seeds_db_path))
    assert result.code == 0


def test_control_characters_never_reach_the_terminal(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "“Stop the \x1b[31mshelling\x1b[0m now,” said the mayor of Dnipro.\n", encoding="utf-8"
    )
    db = str(tmp_path / "c.db")
    assert cli("ingest", str(corpus), "--db", db).code == 0
    for args in (("quotes", "stop the shelling"), ("quotes", "stop the shelling", "--json")):
        result = cli(*args, "--db", db)
        assert result.code == 0 and "shelling" in result.out
        assert "\x1b" not in result.out


def test_index_follows_reingest(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    corpus = tmp_path / "c"
    shutil.copytree(SEEDS, corpus)
    db = str(tmp_path / "c.db")
    assert cli("ingest", str(corpus), "--db", db).code == 0
    assert (
        json.loads(cli("quotes", "purple elephants dance", "--json", "--db", db).out)["hits"][0][
            "score"
        ]
        < 60
    )
    (corpus / "new.txt").write_text("“Purple elephants dance at dawn,” said the poet.\n", "utf-8")
    assert cli("ingest", str(corpus), "--db", db).code == 0
    hit = json.loads(cli("quotes", "purple elephants dance", "--json", "--db", db).out)["hits"][0]
    assert hit["file"] == "new.txt" and hit["speaker"] == "the poet"
