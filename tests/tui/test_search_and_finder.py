"""Full-text search and the fuzzy quote finder."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from iraqtui.tui.screens.finder import QuoteFinder
from iraqtui.tui.screens.search import SearchScreen
from iraqtui.tui.widgets.reader import Reader
from iraqtui.tui.widgets.row_list import RowList

from .helpers import make_app, reader_text, screen_text, settle, type_text


async def test_search_live_results_and_open_a_hit(seeds_db_path: Path) -> None:
    app = make_app(seeds_db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert isinstance(app.screen, SearchScreen)
        await type_text(pilot, "melted away")
        await pilot.pause(0.3)
        await settle(pilot)
        results = app.screen.query_one("#search-results", RowList)
        assert results.row_count >= 1
        first = results.rows[0]
        assert first.marks, "the matched words are lit"
        assert "paragraph" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        reader = app.screen.query_one(Reader)
        assert reader.doc is not None
        assert reader.sentence is not None
        assert "melted" in reader_text(app)


async def test_malformed_query_is_answered_in_place(seeds_db_path: Path) -> None:
    app = make_app(seeds_db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, '"Sadr AND')
        await pilot.pause(0.3)
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        status = str(app.screen.query_one("#search-status").render())
        assert "not valid FTS5" in status
        assert app.screen.query_one("#search-results", RowList).row_count >= 1
        # only punctuation: nothing to search for, said in place, no notification
        await pilot.press(*["backspace"] * 10)
        await type_text(pilot, "((")
        await pilot.pause(0.3)
        await settle(pilot)
        status = str(app.screen.query_one("#search-status").render())
        assert "nothing to search for" in status
        assert app.errors == []


async def test_fuzzy_finder_lands_on_michael_wares_quote(seeds_db_path: Path) -> None:
    app = make_app(seeds_db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        assert isinstance(app.screen, QuoteFinder)
        results = app.screen.query_one("#finder-results", RowList)
        counts = []
        for ch in "too big for his boots":
            await type_text(pilot, ch)
            await settle(pilot, rounds=1)
            counts.append(results.row_count)
        assert counts[-1] >= 1
        top = results.rows[0]
        assert "too big for his boots" in top.text
        assert "Michael Ware" in top.text
        assert top.marks, "the matched words are lit"
        await pilot.press("enter")
        await settle(pilot)
        reader = app.screen.query_one(Reader)
        assert reader.doc is not None and reader.doc.source.outlet == "Blorge"
        assert reader.sentence is not None
        assert "too big for his boots" in reader.sentence.text


async def _until(pilot: Any, done: Callable[[], bool], seconds: float = 20.0) -> None:
    """Let the app run until `done()` (worker threads report back), at most `seconds`."""
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        await pilot.pause(0.05)


async def test_a_superseded_search_is_interrupted_not_waited_for(
    seeds_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A query still running when the next keystroke's query starts is stopped with
    `Connection.interrupt()`, its first hits and its ranking both; the results shown are
    the newest query's."""
    import sqlite3

    from iraqtui.analysis import search as core

    outcomes: list[tuple[str, float]] = []
    running: list[str] = []

    def slow_for_melted(real: Callable[..., Any]) -> Callable[..., Any]:
        def slow(conn: sqlite3.Connection, query: str, **kwargs: Any) -> Any:
            if query == "melted":  # a query that would run for minutes
                running.append(real.__name__)
                started = time.monotonic()
                try:
                    conn.execute(
                        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                        "WHERE i < 1000000000) SELECT count(*) FROM n"
                    ).fetchone()
                except sqlite3.OperationalError as exc:
                    outcomes.append((str(exc), time.monotonic() - started))
                    raise
            return real(conn, query, **kwargs)

        return slow

    monkeypatch.setattr(core, "first_hits", slow_for_melted(core.first_hits))
    monkeypatch.setattr(core, "search", slow_for_melted(core.search))
    app = make_app(seeds_db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "melted")
        await _until(pilot, lambda: len(running) == 2)  # both slow queries are running
        await type_text(pilot, " away")
        await _until(pilot, lambda: len(outcomes) == 2)
        await settle(pilot)
        assert [outcome for outcome, _ in outcomes] == ["interrupted"] * 2
        assert all(seconds < 5 for _, seconds in outcomes)
        status = str(app.screen.query_one("#search-status").render())
        assert "for melted away" in status
        assert app.screen.query_one("#search-results", RowList).row_count >= 1
        assert app.errors == []


async def test_finder_rows_name_a_speaker_another_source_lends(seeds_db_path: Path) -> None:
    """004 quotes Michael Ware without naming him; 003 carries the same words and names him:
    the finder's row for 004 shows him too. Words matching nothing show no rows at all."""
    app = make_app(seeds_db_path)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await type_text(pilot, "most lethal attacks on US forces")
        await pilot.pause(0.3)
        await settle(pilot)
        results = app.screen.query_one("#finder-results", RowList)
        ware = [r for r in results.rows[:3] if r.key.quote.kind == "speech"]  # type: ignore[attr-defined]
        assert {r.key.quote.file[:3] for r in ware} == {"003", "004"}  # type: ignore[attr-defined]
        assert all(r.text.startswith("Michael Ware") for r in ware), [r.text for r in ware]
        await pilot.press(*["backspace"] * 40)
        await type_text(pilot, "purple elephants dance")
        await pilot.pause(0.3)
        await settle(pilot)
        assert results.row_count == 0
        assert str(app.screen.query_one("#finder-status").render()).startswith("0 quotes")


async def test_results_of_a_cleared_query_never_land(
    seeds_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The box is cleared while a query's results are on their way to the screen (its
    worker thread already past its own check): they are dropped, the list stays empty."""
    from iraqtui.models import SearchResult

    app = make_app(seeds_db_path)
    real = app.call_from_thread
    held: list[str] = []

    def late(callback: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if args and isinstance(args[0], SearchResult) and args[0].query == "Basra":
            held.append("Basra")
            time.sleep(0.4)  # the thread is descheduled between its check and the hand-over
        return real(callback, *args, **kwargs)

    monkeypatch.setattr(app, "call_from_thread", late)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "Basra")
        await _until(pilot, lambda: bool(held))  # the results are on their way
        app.screen.query_one("#search-input", Input).value = ""
        await pilot.pause(0.6)
        await settle(pilot)
        assert app.screen.query_one("#search-results", RowList).row_count == 0
        assert "type to search" in str(app.screen.query_one("#search-status").render())
        assert app.errors == []
