"""Search in two steps (first hits at once, then ranked) and the cancellable live search."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from iraqtui.analysis.search import LiveSearch, first_hits, search
from iraqtui.models import HIT_CLOSE, HIT_OPEN, SearchResult
from iraqtui.store import queries
from iraqtui.store.db import connect, open_db

OBVIOUS = """
SELECT p.id FROM paragraphs_fts JOIN paragraphs p ON p.id = paragraphs_fts.rowid
WHERE paragraphs_fts MATCH ? AND p.boilerplate = 0 ORDER BY rank LIMIT ?
"""


@pytest.mark.parametrize("query", ["Basra", "Sadr", "Mahdi Army", "the", "Iran*", "truce"])
def test_ranked_hits_are_those_of_the_obvious_query(
    seeds_db: sqlite3.Connection, query: str
) -> None:
    expected = [r[0] for r in seeds_db.execute(OBVIOUS, (query, 10))]
    got = search(seeds_db, query, limit=10)
    assert [h.paragraph_id for h in got.hits] == expected
    assert all(h.snippet for h in got.hits)
    ranks = [h.rank for h in got.hits]
    assert ranks == sorted(ranks)


@pytest.mark.parametrize("few_matches", [True, False])
@pytest.mark.parametrize(
    "query",
    ["Basra", "negoti*", '"Mahdi Army"', "NEAR(Sadr Iran, 5)", "Sadr NOT Basra", "text: truce"],
)
def test_snippets_are_those_the_index_makes(
    seeds_db: sqlite3.Connection,
    monkeypatch: pytest.MonkeyPatch,
    query: str,
    few_matches: bool,
) -> None:
    """Ranked hits get their snippets from one walk of the matches when the ranking saw them
    all, else from a small index of the page alone: the same text either way."""
    if few_matches:
        monkeypatch.setattr(queries, "RANK_SLACK", 10_000)  # the ranking sees every match
    else:
        monkeypatch.setattr(queries, "_few_match_snippets", lambda *_args: None)
    walked: list[int] = []
    walk = queries._few_match_snippets

    def spy(conn: sqlite3.Connection, match: str, ids: list[int]) -> dict[int, str] | None:
        walked.append(len(ids))
        return walk(conn, match, ids)

    if few_matches:
        monkeypatch.setattr(queries, "_few_match_snippets", spy)
    expected = dict(
        seeds_db.execute(
            "SELECT rowid, snippet(paragraphs_fts, 0, ?, ?, '…', 24) FROM paragraphs_fts "
            "WHERE paragraphs_fts MATCH ?",
            (HIT_OPEN, HIT_CLOSE, query),
        )
    )
    got = search(seeds_db, query, limit=10)
    assert got.hits
    for hit in got.hits:
        assert hit.snippet == expected[hit.paragraph_id]
        assert HIT_OPEN in hit.snippet
    assert bool(walked) == few_matches


def test_an_outlet_filter_ranks_as_the_obvious_query(seeds_db: sqlite3.Connection) -> None:
    (outlet,) = seeds_db.execute(
        "SELECT s.outlet FROM sources s JOIN paragraphs p ON p.source = s.id "
        "JOIN paragraphs_fts f ON f.rowid = p.id WHERE paragraphs_fts MATCH 'Sadr' "
        "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()
    expected = [
        r[0]
        for r in seeds_db.execute(
            "SELECT p.id FROM paragraphs_fts JOIN paragraphs p ON p.id = paragraphs_fts.rowid "
            "JOIN sources s ON s.id = p.source WHERE paragraphs_fts MATCH 'Sadr' "
            "AND p.boilerplate = 0 AND s.outlet = ? ORDER BY rank LIMIT 5",
            (outlet,),
        )
    ]
    got = search(seeds_db, "Sadr", limit=5, outlet=outlet)
    assert [h.paragraph_id for h in got.hits] == expected
    assert {h.outlet for h in got.hits} == {outlet}
    assert all(HIT_OPEN in h.snippet for h in got.hits)


def test_boilerplate_among_the_best_rows_is_replaced_by_the_next_ones(
    seeds_db: sqlite3.Connection,
) -> None:
    best = [r[0] for r in seeds_db.execute(
        "SELECT p.boilerplate FROM paragraphs_fts JOIN paragraphs p "
        "ON p.id = paragraphs_fts.rowid WHERE paragraphs_fts MATCH 'Guardian OR Basra' "
        "ORDER BY rank LIMIT 3"
    )]  # fmt: skip
    assert any(best)  # boilerplate ranks among the best three
    expected = [r[0] for r in seeds_db.execute(OBVIOUS, ("Guardian OR Basra", 3))]
    got = search(seeds_db, "Guardian OR Basra", limit=3)
    assert [h.paragraph_id for h in got.hits] == expected


def test_boilerplate_crowding_the_best_rows_is_still_left_out(
    seeds_db: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queries, "RANK_SLACK", 0)
    (boilerplate_hits,) = seeds_db.execute(
        "SELECT count(*) FROM paragraphs_fts JOIN paragraphs p ON p.id = paragraphs_fts.rowid "
        "WHERE paragraphs_fts MATCH 'Guardian' AND p.boilerplate = 1"
    ).fetchone()
    assert boilerplate_hits  # the neighbouring-post title at the top of 002
    expected = [r[0] for r in seeds_db.execute(OBVIOUS, ("Guardian OR Basra", 3))]
    got = search(seeds_db, "Guardian OR Basra", limit=3)
    assert [h.paragraph_id for h in got.hits] == expected
    with_boilerplate = search(seeds_db, "Guardian", limit=3, include_boilerplate=True)
    assert with_boilerplate.hits


def test_first_hits_are_unranked_and_say_when_they_are_everything(
    seeds_db: sqlite3.Connection,
) -> None:
    first, complete = first_hits(seeds_db, "Basra", limit=3)
    assert len(first.hits) == 3 and not complete
    ids = [h.paragraph_id for h in first.hits]
    assert ids == sorted(ids)  # index order
    everything, complete = first_hits(seeds_db, "Qom", limit=50)
    assert complete
    assert everything.hits == search(seeds_db, "Qom", limit=50).hits


def test_first_hits_fall_back_to_plain_words(seeds_db: sqlite3.Connection) -> None:
    result, _ = first_hits(seeds_db, "Sadr AND", limit=5)
    assert result.fell_back and result.hits


def big_db(path: Path, rows: int = 40_000) -> Path:
    db = open_db(path)
    conn = db.conn
    conn.execute("BEGIN")
    conn.execute(
        "INSERT INTO sources (id, path, root, file, sha256, analysis_key, size, encoding, text, "
        "display, ingested) VALUES (1, 'x', 'r', 'x.txt', '', '', 0, 'utf-8', '', '', '')"
    )
    text = "the militia and the army said the city was calm " * 6
    conn.executemany(
        "INSERT INTO paragraphs (id, source, seq, start, end, text) VALUES (?, 1, ?, 0, 1, ?)",
        ((n, n, f"{text} {n}") for n in range(1, rows + 1)),
    )
    conn.commit()
    conn.close()
    return path


def test_a_new_query_interrupts_the_one_running(tmp_path: Path) -> None:
    path = big_db(tmp_path / "big.db")
    live = LiveSearch(lambda: connect(path, readonly=True))
    started = time.perf_counter()
    assert live.run("the OR city", limit=10) is not None
    uncancelled = time.perf_counter() - started

    outcome: list[object] = []
    first_shown = threading.Event()

    def typing() -> None:
        outcome.append(live.run("the OR city", limit=10, on_first=lambda _r: first_shown.set()))

    worker = threading.Thread(target=typing)
    worker.start()
    assert first_shown.wait(5)
    superseded_at = time.perf_counter()
    newer = live.run("militia", limit=5)
    worker.join()
    stopped = time.perf_counter() - superseded_at
    assert outcome == [None]
    assert newer is not None and len(newer.hits) == 5
    assert stopped < uncancelled + 1.0  # not queued behind a full ranked run
    # The interrupted connection went back to the pool and still works.
    assert live.run("calm", limit=3) is not None
    live.close()


def test_cancel_stops_a_run_and_blank_queries_still_fail_clearly(seeds_db_path: Path) -> None:
    live = LiveSearch(lambda: connect(seeds_db_path, readonly=True))
    results: list[object] = []
    live.run("Basra", limit=5, on_first=lambda r: (results.append(r), live.cancel()))
    assert len(results) == 1
    from iraqtui.errors import BadQuery

    with pytest.raises(BadQuery):
        live.run("   ")
    live.close()
    assert live.run("Basra", limit=5) is None  # closed with its screen: nothing more runs


ENDLESS = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000000) "
    "SELECT count(*) FROM n"
)


def test_the_ranked_search_runs_alongside_the_first_hits(
    seeds_db_path: Path, seeds_db: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ranked search starts with the first hits, on a connection of its own, instead of
    waiting for them; the first hits still reach the screen first, and the final result is
    the one `search` gives."""
    from iraqtui.analysis import search as core

    ranking_began, first_began, first_shown = (threading.Event() for _ in range(3))
    saw_the_other: list[str] = []
    shown: list[SearchResult] = []
    real_search, real_first_hits = core.search, core.first_hits

    def show(result: SearchResult) -> None:
        shown.append(result)
        first_shown.set()

    def ranking(conn: sqlite3.Connection, query: str, **kwargs: Any) -> Any:
        ranking_began.set()
        if first_began.wait(10):
            saw_the_other.append("ranking saw the first hits running")
        first_shown.wait(10)  # a ranking slower than the first hits, as on a big index
        return real_search(conn, query, **kwargs)

    def first(conn: sqlite3.Connection, query: str, **kwargs: Any) -> Any:
        first_began.set()
        if ranking_began.wait(10):
            saw_the_other.append("first hits saw the ranking running")
        return real_first_hits(conn, query, **kwargs)

    monkeypatch.setattr(core, "search", ranking)
    monkeypatch.setattr(core, "first_hits", first)
    live = LiveSearch(lambda: connect(seeds_db_path, readonly=True))
    ranked = live.run("Basra", limit=3, on_first=show)
    live.close()
    assert len(saw_the_other) == 2, saw_the_other
    assert len(shown) == 1 and [h.rank for h in shown[0].hits] == [0.0] * 3  # unranked first
    assert ranked == real_search(seeds_db, "Basra", limit=3)


def test_slow_first_hits_never_hold_up_the_ranked_ones(
    seeds_db_path: Path, seeds_db: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should the ranked hits be found before the first hits (a filter that lets few rows
    through), they are what the screen shows at once, and the first-hits query stops."""
    from iraqtui.analysis import search as core

    stopped: list[str] = []

    def endless_first(conn: sqlite3.Connection, query: str, **kwargs: Any) -> Any:
        try:
            conn.execute(ENDLESS).fetchone()
        except sqlite3.OperationalError as exc:
            stopped.append(str(exc))
            raise
        raise AssertionError("the first-hits query ran to its end")

    monkeypatch.setattr(core, "first_hits", endless_first)
    live = LiveSearch(lambda: connect(seeds_db_path, readonly=True))
    shown: list[SearchResult] = []
    ranked = live.run("Basra", limit=3, on_first=shown.append)
    live.close()
    expected = search(seeds_db, "Basra", limit=3)
    assert ranked == expected
    assert shown == [expected]
    assert stopped in ([], ["interrupted"])  # [] if the first hits had not even begun


def test_a_failing_first_hits_query_is_not_swallowed(
    seeds_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first hits run on a thread of LiveSearch's own; a bug there (not an interrupt)
    still reaches the caller, as it did when they ran in the caller's thread."""
    from iraqtui.analysis import search as core

    def broken(conn: sqlite3.Connection, query: str, **kwargs: Any) -> Any:
        raise ValueError("a bug in the first hits")

    real_search = core.search

    def ranked_after_a_while(conn: sqlite3.Connection, query: str, **kwargs: Any) -> Any:
        time.sleep(0.3)  # the failing first hits are surely over by then
        return real_search(conn, query, **kwargs)

    monkeypatch.setattr(core, "first_hits", broken)
    monkeypatch.setattr(core, "search", ranked_after_a_while)
    live = LiveSearch(lambda: connect(seeds_db_path, readonly=True))
    try:
        with pytest.raises(ValueError, match="a bug in the first hits"):
            live.run("Basra", limit=3, on_first=lambda _result: None)
    finally:
        live.close()


def test_a_superseded_run_stops_its_first_hits_and_its_ranking(
    seeds_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both queries of a superseded run (first hits and ranking, each on its own connection)
    are interrupted; LiveSearch's first-hits threads stay as few as it keeps, however many
    queries were typed."""
    from iraqtui.analysis import search as core

    real_search, real_first_hits = core.search, core.first_hits
    started: list[str] = []
    stopped: list[str] = []
    both_started = threading.Semaphore(0)

    def endless(kind: str, conn: sqlite3.Connection, query: str) -> None:
        started.append(f"{kind} {query}")
        both_started.release()
        try:
            conn.execute(ENDLESS).fetchone()
        except sqlite3.OperationalError as exc:
            stopped.append(f"{kind} {query}: {exc}")
            raise

    def ranking(conn: sqlite3.Connection, query: str, **kwargs: Any) -> Any:
        if query.startswith("melted"):
            endless("ranked", conn, query)
        return real_search(conn, query, **kwargs)

    def first(conn: sqlite3.Connection, query: str, **kwargs: Any) -> Any:
        if query.startswith("melted"):
            endless("first", conn, query)
        return real_first_hits(conn, query, **kwargs)

    monkeypatch.setattr(core, "search", ranking)
    monkeypatch.setattr(core, "first_hits", first)
    live = LiveSearch(lambda: connect(seeds_db_path, readonly=True))
    outcomes: list[object] = []
    typed = [f"melted{'!' * n}" for n in range(6)]
    workers = []
    for query in typed:
        worker = threading.Thread(target=lambda q=query: outcomes.append(live.run(q, limit=5)))
        worker.start()
        workers.append(worker)
        for _ in range(2):
            assert both_started.acquire(timeout=10), started
    newest = live.run("Basra", limit=5)
    for worker in workers:
        worker.join(10)
    helpers = [t for t in threading.enumerate() if t.name.startswith("iraqtui-first-hits")]
    live.close()
    assert outcomes == [None] * len(typed)
    assert sorted(stopped) == sorted(
        f"{kind} {query}: interrupted" for query in typed for kind in ("first", "ranked")
    )
    assert newest is not None and len(newest.hits) == 5
    assert len(helpers) <= LiveSearch.FIRST_HITS_THREADS
