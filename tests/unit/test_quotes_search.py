"""Fuzzy quote search: half-remembered queries find the right quote first, through the CLI
and the core function; the candidate index agrees with scoring every quote; the index is
cached beside the database and rebuilt when quotes or corrections change."""

from __future__ import annotations

import json
import shutil
import sqlite3
from array import array
from pathlib import Path

import pytest

from iraqtui.analysis import quote_index, quote_search
from iraqtui.analysis.quote_index import index_from_parts, index_parts
from iraqtui.analysis.quote_search import (
    MIN_SCORE,
    brute_force,
    build_index,
    index_for,
    rank,
    search_quotes,
)
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


def test_cli_says_when_a_quote_is_the_posts_own_reporting(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "harbor_times"
    folder.mkdir()
    (folder / "port.txt").write_text(
        "Ceasefire holds in Port Aldane\n\n"
        '"We have no wish to fight our brothers," said Karim Odell, a spokesman.\n',
        encoding="utf-8",
    )
    db = str(tmp_path / "own.db")
    assert cli("ingest", str(tmp_path), "--db", db).code == 0
    result = cli("quotes", "no wish to fight", "--db", db)
    assert "Karim Odell · no outlet cited: the post's own reporting" in result.out
    assert "reported by" not in result.out


def test_index_is_built_once_per_database(seeds_db: sqlite3.Connection) -> None:
    first = index_for(seeds_db)
    assert index_for(seeds_db) is first


def test_candidate_step_agrees_with_scoring_everything(seeds_db: sqlite3.Connection) -> None:
    index = index_for(seeds_db)
    for query in [*EXPECTED, "sadr army", "the mahdi army militia fighters"]:
        fast = rank(index, query, 5)
        slow = brute_force(index, query, 5)
        assert fast == slow
        assert all(score >= MIN_SCORE for _, score, _ in fast)


def test_results_follow_every_keystroke_of_a_half_typed_word(seeds_db: sqlite3.Connection) -> None:
    index = index_for(seeds_db)
    query = "police in basra useless"
    for end in range(len("police") + 1, len(query) + 1):
        (best, *_) = rank(index, query[:end], 5)
        assert index.texts[best[0]].startswith("the police in basra are useless"), query[:end]
    for end in range(3, len("militia")):  # "mil", "mili", ...: what the word will become
        assert rank(index, "militia"[:end], 30), "militia"[:end]


def test_a_short_quote_inside_the_query_is_not_a_match() -> None:
    """A one-word quote is contained in most queries; it must not outrank the real quote."""
    index = build_index(
        [(1, "the", "said the mayor"), (2, "and helping the Mahdi Army", ""), (3, "unrelated", "")]
    )
    ranked = rank(index, "and heling the Mahdi army", 10)
    assert [int(index.ids[p]) for p, _, _ in ranked] == [2]
    assert [int(index.ids[p]) for p, _, _ in rank(index, "purple elephants", 10)] == []


def test_the_quote_holding_the_querys_words_side_by_side_is_found_among_many_sharing_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """In a big corpus thousands of quotes share a query's words equally; the score rewards
    the one holding them side by side, so that one must reach the re-ranker (here a corpus
    of 16 quotes and 5 candidates stand for a million quotes and 1,500)."""
    monkeypatch.setattr(quote_search, "CANDIDATES", 5)
    rows = [
        (i, f"government kilo{i} zorbax lima{i} said", "") for i in range(1, 16)
    ]  # every word of the query, never two of them side by side; all shorter than the one
    rows.append((99, "yesterday in the north zorbax said government forces left the town", ""))
    index = build_index(rows)
    ranked = rank(index, "zorbax said goverment", 10)
    assert ranked
    assert int(index.ids[ranked[0][0]]) == 99


def test_common_word_pairs_do_not_push_out_the_quote_with_the_rare_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Many quotes hold "of the" and "the truce" of the query; the one holding its rare
    names ("Qumi", "Zorbax") must still reach the re-ranker (39 quotes and 5 candidates
    stand for a million and 1,500)."""
    monkeypatch.setattr(quote_search, "CANDIDATES", 5)
    rows = [
        (i, f"kilo{i} lima{i} of the truce mike{i} november{i} oscar{i}", "") for i in range(1, 40)
    ]
    rows.append((99, "Qumi said Zorbax and his men would keep to the truce", ""))
    index = build_index(rows)
    ranked = rank(index, "zorbax qumi of the truce", 10)
    assert [int(index.ids[p]) for p, _, _ in ranked][:1] == [99]


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
    assert json.loads(cli("quotes", "purple elephants dance", "--json", "--db", db).out) == {
        "query": "purple elephants dance",
        "hits": [],
    }
    assert "no quotes match" in cli("quotes", "purple elephants dance", "--db", db).out
    (corpus / "new.txt").write_text("“Purple elephants dance at dawn,” said the poet.\n", "utf-8")
    assert cli("ingest", str(corpus), "--db", db).code == 0
    hit = json.loads(cli("quotes", "purple elephants dance", "--json", "--db", db).out)["hits"][0]
    assert hit["file"] == "new.txt" and hit["speaker"] == "the poet"


def test_a_second_process_loads_the_index_instead_of_building_it(
    cli, tmp_path: Path, seeds_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "c.db"
    shutil.copy(seeds_db_path, db)
    first = cli("quotes", "too big for his boots", "--json", "--db", str(db))
    assert (tmp_path / "c.db-quotes").is_file()
    quote_index._CACHE.clear()  # as in a new process

    def no_build(rows: object) -> None:
        raise AssertionError("rebuilt although the cache file was current")

    monkeypatch.setattr(quote_index, "build_index", no_build)
    assert cli("quotes", "too big for his boots", "--json", "--db", str(db)).out == first.out


def test_the_cache_round_trips_and_a_damaged_one_is_rebuilt(
    cli, tmp_path: Path, seeds_db_path: Path
) -> None:  # type: ignore[no-untyped-def]
    conn = sqlite3.connect(seeds_db_path)
    index = index_for(conn)
    conn.close()
    parts = index_parts(index)
    again = index_from_parts(parts)
    assert again is not None
    assert (again.texts, again.leads, list(again.ids)) == (
        index.texts,
        index.leads,
        list(index.ids),
    )
    assert again.postings == index.postings and again.trigrams == index.trigrams
    # parts that do not fit together are refused; a position past the end is never used
    assert index_from_parts({**parts, "postings": parts["postings"][:-4]}) is None
    damaged = index_from_parts({**parts, "postings": b"\x7f" * len(parts["postings"])})
    assert damaged is not None
    assert rank(damaged, "open war till liberation", 1) == rank(
        index, "open war till liberation", 1
    )
    db = tmp_path / "c.db"
    shutil.copy(seeds_db_path, db)
    expected = cli("quotes", "open war till liberation", "--json", "--db", str(db)).out
    for garbage in (b"not a cache", (tmp_path / "c.db-quotes").read_bytes()[:-100]):
        (tmp_path / "c.db-quotes").write_bytes(garbage)
        quote_index._CACHE.clear()
        result = cli("quotes", "open war till liberation", "--json", "--db", str(db))
        assert (result.code, result.out, result.err) == (0, expected, "")


def test_an_unwritable_cache_place_only_means_building_again(
    cli, tmp_path: Path, seeds_db_path: Path
) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "c.db"
    shutil.copy(seeds_db_path, db)
    (tmp_path / "c.db-quotes").mkdir()  # neither readable nor replaceable as a file
    for _ in range(2):
        quote_index._CACHE.clear()
        result = cli("quotes", "too big for his boots", "--json", "--db", str(db))
        assert result.code == 0 and result.err == ""
        assert json.loads(result.out)["hits"][0]["file"] == "003_b083dd00b5ae1b7d.txt"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.db", "c.db-quotes"]


def test_a_corrected_speaker_finds_the_quote(cli, tmp_path: Path, seeds_db_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "c.db"
    shutil.copy(seeds_db_path, db)
    hit = json.loads(cli("quotes", "open war till liberation", "--json", "--db", str(db)).out)
    quote = hit["hits"][0]["id"]
    name = "Zbigniew Quartermain"
    assert json.loads(cli("quotes", name, "--json", "--db", str(db)).out)["hits"] == []
    assert cli("correct", "quote", str(quote), "--speaker", name, "--db", str(db)).code == 0
    found = json.loads(cli("quotes", name, "--json", "--db", str(db)).out)["hits"]
    assert found[0]["id"] == quote and found[0]["corrections"] == {"speaker": name}


def test_a_correction_cleared_and_set_again_is_what_is_found(
    cli, tmp_path: Path, seeds_db_path: Path
) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "c.db"
    shutil.copy(seeds_db_path, db)
    hit = json.loads(cli("quotes", "open war till liberation", "--json", "--db", str(db)).out)
    quote = str(hit["hits"][0]["id"])

    def found(name: str) -> list[int]:
        quote_index._CACHE.clear()  # each call a new process: the cache file must be current
        result = json.loads(cli("quotes", name, "--json", "--db", str(db)).out)
        return [h["id"] for h in result["hits"]]

    assert cli("correct", "quote", quote, "--speaker", "Zorblax", "--db", str(db)).code == 0
    assert int(quote) in found("Zorblax")
    assert cli("correct", "quote", quote, "--clear", "--db", str(db)).code == 0
    # The same id, the same lengths: only the value differs.
    assert cli("correct", "quote", quote, "--speaker", "Quibbly", "--db", str(db)).code == 0
    assert int(quote) in found("Quibbly")
    assert int(quote) not in found("Zorblax")


def test_a_database_built_again_under_the_same_name_does_not_read_the_old_cache(
    cli, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "corpus"
    folder.mkdir()
    text = folder / "a.txt"
    text.write_text(
        "Sadr speaks\n\nMr. Sadr said he would declare “open war until liberation” today.\n",
        encoding="utf-8",
    )
    db = tmp_path / "x.db"
    assert cli("ingest", str(folder), "--db", str(db)).code == 0
    assert json.loads(cli("quotes", "declare open war", "--json", "--db", str(db)).out)["hits"]
    assert db.with_name("x.db-quotes").exists()
    db.unlink()  # the cache file beside it stays
    text.write_text(text.read_text(encoding="utf-8").replace("declare", "proclaim"), "utf-8")
    quote_index._CACHE.clear()
    assert cli("ingest", str(folder), "--db", str(db)).code == 0

    def hits(query: str) -> list[dict[str, object]]:
        return list(json.loads(cli("quotes", query, "--json", "--db", str(db)).out)["hits"])

    assert hits("proclaim")  # the words around the quote, as the new database has them
    assert not hits("declare")


def test_a_cache_file_with_an_empty_posting_list_is_refused(seeds_db: sqlite3.Connection) -> None:
    parts = index_parts(index_for(seeds_db))
    offsets = array("q", parts["offsets"])
    offsets[2] = offsets[1]  # a word that is in no quote
    assert index_from_parts({**parts, "offsets": offsets.tobytes()}) is None


def test_hits_carry_the_same_keys_corrections_are_filed_under(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from iraqtui.store.annotations import source_targets

    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "“Hold the bridge,” said the captain.\n\n“Hold the  Bridge,” said the sergeant.\n\n"
        "“Hold the bridge,” said the private, and nobody moved.\n",
        encoding="utf-8",
    )
    db = tmp_path / "c.db"
    assert cli("ingest", str(corpus), "--db", str(db)).code == 0
    conn = sqlite3.connect(db)
    try:
        hits = search_quotes(conn, "hold the bridge", limit=10)
        (source,) = {h.quote.source for h in hits}
        expected = source_targets(conn, "quotes", source)
    finally:
        conn.close()
    assert len(hits) == 3
    assert {h.quote.id: h.quote.target for h in hits} == expected
    assert len(set(expected.values())) == 3  # the repeats are told apart (`~1`, `~2`)


def test_a_quote_changed_in_place_is_searched_as_it_is_now(
    tmp_path: Path, seeds_db_path: Path
) -> None:
    """Same number of quotes, same ids, same offsets: the index still notices the change."""
    db = tmp_path / "c.db"
    shutil.copy(seeds_db_path, db)
    conn = sqlite3.connect(db)
    try:
        assert search_quotes(conn, "purple elephants dance") == []
        (quote,) = conn.execute("SELECT min(id) FROM quotes").fetchone()
        with conn:
            conn.execute(
                "UPDATE quotes SET text = 'Purple elephants dance at dawn' WHERE id = ?", (quote,)
            )
        assert [h.quote.id for h in search_quotes(conn, "purple elephants dance")] == [quote]
    finally:
        conn.close()
    quote_index._CACHE.clear()  # a new process reads the cache file: also current
    conn = sqlite3.connect(db)
    try:
        assert [h.quote.id for h in search_quotes(conn, "purple elephants dance")] == [quote]
    finally:
        conn.close()


def test_a_short_quote_reading_like_the_query_is_found_though_it_shares_one_word(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A short quote that reads like the query character by character ("fatefultruceheldon":
    words run together, as a bad transcript has them) but shares only its commonest word and
    none of its phrases must still be found, though more quotes share rarer words than there
    are candidates (28 quotes, 5 candidates and 4 finalists stand for a million quotes,
    1,500 and 300; it scores 71.6 on every quote's brute force too)."""
    monkeypatch.setattr(quote_search, "CANDIDATES", 5)
    monkeypatch.setattr(quote_search, "FINALISTS", 4)
    rows = [
        (i, f"qumi kilo{i} lima{i} mike{i} november{i} oscar{i} papa{i}", "") for i in range(1, 9)
    ]
    rows += [
        (i, f"zorbax sierra{i} tango{i} uniform{i} victor{i} whiskey{i}", "") for i in range(20, 40)
    ]
    rows.append((99, "The fatefultruceheldon, Zorbax said.", ""))
    index = build_index(rows)
    query = "qumi zorbax fateful truce held on"
    assert [int(index.ids[p]) for p, _, _ in quote_search.brute_force(index, query, 1)] == [99]
    assert [int(index.ids[p]) for p, _, _ in rank(index, query, 1)] == [99]
