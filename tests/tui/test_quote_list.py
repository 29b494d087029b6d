"""The Quotes list holds ids only and fetches rows a window at a time from the database:
it still counts, filters, highlights, opens and exports like the other lists."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

from textual.widgets import Input

from iraqtui.store.app_queries import QuoteRow, quote_rows
from iraqtui.tui.screens.export import ExportScreen
from iraqtui.tui.widgets.detail import DetailPane
from iraqtui.tui.widgets.reader import Reader
from iraqtui.tui.widgets.row_list import PENDING, LazyRows, RowList
from iraqtui.tui.widgets.sidebar import quote_row

from .helpers import make_app, screen_text, settle, type_text


def all_quotes(db: Path) -> list[QuoteRow]:
    """The list as the app showed it when it held every quote in memory (the old query)."""
    conn = sqlite3.connect(db)
    try:
        return quote_rows(conn)
    finally:
        conn.close()


def matching(quotes: list[QuoteRow], needle: str) -> list[QuoteRow]:
    folded = needle.casefold()
    return [
        q
        for q in quotes
        if folded in q.text.casefold() or folded in (q.speaker or q.cited_outlet or "?").casefold()
    ]


def pad(db: Path, count: int, first_start: int = 10_000) -> None:
    """Add `count` synthetic quotes to the first source (speech, so they are listed)."""
    rng = random.Random(7)
    words = "militia truce basra sadr maliki army ceasefire talks Ǆamal ÉLITE".split()
    conn = sqlite3.connect(db)
    with conn:
        (source,) = conn.execute(
            "SELECT id FROM sources ORDER BY published IS NULL, published, id LIMIT 1"
        ).fetchone()
        conn.executemany(
            "INSERT INTO quotes (source, start, end, text, kind, speaker, confidence, method) "
            "VALUES (?, ?, ?, ?, 'speech', ?, 0.5, 'synthetic')",
            [
                (
                    source,
                    first_start + n,
                    first_start + n + 1,
                    f"q{n:05d} " + " ".join(rng.choice(words) for _ in range(8)),
                    f"Speaker {n % 7}",
                )
                for n in range(count)
            ],
        )
    conn.close()


async def test_quotes_list_counts_highlights_and_opens(app_db: Path) -> None:
    expected = all_quotes(app_db)
    app = make_app(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        rows = app.screen.query_one("#sidebar-list", RowList)
        assert isinstance(rows.rows, LazyRows)
        assert rows.row_count == len(expected)
        assert f"{len(expected)} quotes" in screen_text(app)
        first = quote_row(expected[0]).text
        assert first[:30] in screen_text(app)  # the first window was fetched and drawn
        await pilot.press("j", "j")
        await settle(pilot)
        assert rows.current is not None and rows.current.key == expected[2]
        detail = app.screen.query_one(DetailPane).text
        assert expected[2].text[:40] in detail
        await pilot.press("enter")
        await settle(pilot)
        reader = app.screen.query_one(Reader)
        assert reader.doc is not None and reader.doc.source.id == expected[2].source
        assert app.errors == []


async def test_quotes_filter_in_sql_matches_the_text_and_speaker(app_db: Path) -> None:
    expected = matching(all_quotes(app_db), "sadr")
    assert 0 < len(expected) < len(all_quotes(app_db))
    app = make_app(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("4", "i")
        await type_text(pilot, "SADR")
        await settle(pilot)
        rows = app.screen.query_one("#sidebar-list", RowList)
        assert [r.key for r in rows.rows] == expected
        await type_text(pilot, "zzz")
        await settle(pilot)
        assert rows.row_count == 0
        assert "no quotes match" in screen_text(app)
        await pilot.press("escape")  # clears the filter: every quote again
        await settle(pilot)
        assert rows.row_count == len(all_quotes(app_db))
        assert app.errors == []


async def test_a_long_quotes_list_fetches_only_what_is_on_screen(app_db: Path) -> None:
    pad(app_db, 3000)
    expected = all_quotes(app_db)
    app = make_app(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        rows = app.screen.query_one("#sidebar-list", RowList)
        lazy = rows.rows
        assert isinstance(lazy, LazyRows) and rows.row_count == len(expected)
        await pilot.press("G")  # the last row: its window is fetched, not the ones between
        await settle(pilot)
        assert rows.current is not None and rows.current.key == expected[-1]
        assert quote_row(expected[-1]).text[:30] in screen_text(app)
        assert len(lazy._windows) <= 3
        for _ in range(5):  # page back up through windows never fetched before
            await pilot.press("pageup")
        await settle(pilot)
        index = rows.cursor
        assert rows.current is not PENDING and rows.current is not None
        assert rows.current.key == expected[index]

        # Non-ASCII case folding in the filter, and the place kept when it is cleared.
        await pilot.press("i")
        await type_text(pilot, "ǆamal élite")
        await settle(pilot)
        hits = matching(expected, "ǆamal élite")
        assert rows.row_count == len(hits) and hits
        await pilot.press("enter")  # to the list: the first hit is highlighted
        await settle(pilot)
        assert rows.current is not None and rows.current.key == hits[0]
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.query_one("#sidebar-filter", Input).value == ""
        assert rows.row_count == len(expected)
        assert app.errors == []


async def test_export_of_the_quotes_list_has_every_row(app_db: Path) -> None:
    expected = all_quotes(app_db)
    app = make_app(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("4", "e")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        assert list(app.screen.rows) == expected


async def test_the_quotes_list_keeps_its_place_when_the_corpus_changes(app_db: Path) -> None:
    from .test_live_refresh import notes, wait_until

    pad(app_db, 300)
    app = make_app(app_db)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("4", "pagedown", "pagedown", "j", "j")
        await settle(pilot)
        rows = app.screen.query_one("#sidebar-list", RowList)
        before = rows.row_count
        assert rows.current is not None and isinstance(rows.current.key, QuoteRow)
        highlighted = rows.current.key.id
        line, cursor = rows.cursor - int(rows.scroll_offset.y), rows.cursor
        assert line < rows.cursor  # scrolled: the line can be kept exactly
        pad(app_db, 25, first_start=0)  # another program adds quotes above the cursor
        await wait_until(pilot, lambda: rows.row_count == before + 25)
        await settle(pilot)
        assert rows.cursor == cursor + 25  # rows were inserted above it ...
        assert rows.current is not None and rows.current.key.id == highlighted  # ... same quote
        assert rows.cursor - int(rows.scroll_offset.y) == line  # on the same line
        assert any("the corpus changed" in n for n in notes(app))
        assert app.errors == []
