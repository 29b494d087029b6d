"""Annotations from the keyboard, stored in the database, still there after re-ingest."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from iraqtui.cli import main as cli_main
from iraqtui.tui.screens.annotate import AnnotateScreen
from iraqtui.tui.screens.annotations import AnnotationsScreen
from iraqtui.tui.widgets.reader import Reader
from iraqtui.tui.widgets.row_list import RowList

from .helpers import make_app, reader_text, settle, type_text

SENTENCE = "It’s unclear."


async def open_hot_air_truce(pilot: object) -> Reader:
    await pilot.press("1", "i")  # type: ignore[attr-defined]
    await type_text(pilot, "Quds Force leader")  # type: ignore[arg-type]
    await pilot.press("enter", "enter")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    reader = pilot.app.screen.query_one(Reader)  # type: ignore[attr-defined]
    for _ in range(30):
        if reader.sentence is not None and reader.sentence.text.strip() == SENTENCE:
            break
        await pilot.press("j")  # type: ignore[attr-defined]
    assert reader.sentence is not None and reader.sentence.text.strip() == SENTENCE
    return reader  # type: ignore[no-any-return]


async def choose(pilot: object, label_start: str) -> None:
    rows = pilot.app.screen.query_one("#annotate-choices", RowList)  # type: ignore[attr-defined]
    index = next(i for i, r in enumerate(rows.rows) if r.text.startswith(label_start))
    rows.cursor = index
    await pilot.press("enter")  # type: ignore[attr-defined]


async def test_annotation_survives_a_rebuild(app_db: Path) -> None:
    app = make_app(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_hot_air_truce(pilot)
        await pilot.press("a")
        assert isinstance(app.screen, AnnotateScreen)
        await choose(pilot, "note on this sentence")
        await type_text(pilot, "hedging [framing] note")
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, AnnotateScreen)
        await pilot.press("a")
        await choose(pilot, "correct the voice")
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "nonsense")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AnnotateScreen)  # refused in place, not saved
        assert "must be one of" in str(app.screen.query_one("#annotate-prompt").render())
        await pilot.press(*["backspace"] * 8)
        await type_text(pilot, "quoted")
        await pilot.press("enter")
        await settle(pilot)
        assert "❝quoted❞ It’s unclear. ✎" in reader_text(app)
        # The detail pane says so at once, not only once the cursor has moved.
        assert "machine: own" in str(app.screen.query_one("#detail-body").render())
        assert app.errors == []

    with sqlite3.connect(app_db) as conn:
        before = conn.execute("SELECT kind, field, value FROM annotations ORDER BY id").fetchall()
        old_ids = {r[0] for r in conn.execute("SELECT id FROM sentences")}
    assert before == [("note", None, "hedging [framing] note"), ("correction", "voice", "quoted")]

    assert cli_main(["ingest", "--db", str(app_db), "--rebuild", "-q"]) == 0
    with sqlite3.connect(app_db) as conn:
        new_ids = {r[0] for r in conn.execute("SELECT id FROM sentences")}
        after = conn.execute("SELECT kind, field, value FROM annotations ORDER BY id").fetchall()
    assert after == before
    assert not (old_ids & new_ids), "the rebuild gave the sentences new row ids"

    app = make_app(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        reader = await open_hot_air_truce(pilot)
        assert "❝quoted❞ It’s unclear. ✎" in reader_text(app)
        await settle(pilot)
        detail = str(app.screen.query_one("#detail-body").render())
        assert "hedging [framing] note" in detail
        assert "machine: own" in detail
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, AnnotationsScreen)
        rows = app.screen.query_one(RowList)
        assert rows.row_count == 2
        assert "hedging [framing] note" in rows.rows[0].text
        await pilot.press("enter")  # back to the annotated sentence
        await settle(pilot)
        assert reader.sentence is not None and reader.sentence.text.strip() == SENTENCE


async def test_on_a_read_only_database_nothing_is_saved_or_deleted(app_db: Path) -> None:
    """What the app does once it knows the file is read-only (how it finds out, as a user
    without root, is tested in tests/reliability/test_concurrent_and_damaged.py)."""
    read_only = "The database is read-only: annotations and corrections cannot be saved."
    app = make_app(app_db)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await open_hot_air_truce(pilot)
        await pilot.press("a")
        await choose(pilot, "note on this sentence")
        await type_text(pilot, "kept")
        await pilot.press("enter")
        await settle(pilot)
        app.read_only = True
        await pilot.press("a")
        assert read_only in str(app.screen.query_one("#annotate-prompt").render())
        await choose(pilot, "note on this sentence")
        await type_text(pilot, "refused")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AnnotateScreen)  # in place, told why
        assert read_only in str(app.screen.query_one("#annotate-prompt").render())
        await pilot.press("escape", "escape", "A")
        await settle(pilot)
        assert isinstance(app.screen, AnnotationsScreen)
        await pilot.press("x")
        await settle(pilot)
        assert any(n.message == read_only for n in app._notifications)
        assert app.errors == []
    with sqlite3.connect(app_db) as conn:
        values = [v for (v,) in conn.execute("SELECT value FROM annotations")]
    assert values == ["kept"]


async def test_a_save_refused_by_sqlite_is_said_in_words(
    app_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file turned read-only (or another program held the lock too long) after the app
    had started: one sentence, not `OperationalError: attempt to write a readonly database`."""
    from iraqtui.tui import data

    def refused(*args: object, **kwargs: object) -> int:
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(data, "save_note", refused)
    app = make_app(app_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_hot_air_truce(pilot)
        await pilot.press("a")
        await choose(pilot, "note on this sentence")
        await type_text(pilot, "lost")
        await pilot.press("enter")
        await settle(pilot)
    assert app.errors == [
        "saving: the database is read-only, so annotations and corrections cannot be saved"
    ]


async def test_the_list_shows_the_words_and_says_which_no_longer_apply(app_db: Path) -> None:
    with sqlite3.connect(app_db) as conn:
        sid, file, start, end = conn.execute(
            "SELECT t.id, s.file, t.start, t.end FROM sentences t JOIN sources s "
            "ON s.id = t.source WHERE trim(t.text) = ?",
            (SENTENCE,),
        ).fetchone()
    assert (
        cli_main(["correct", "sentence", str(sid), "--voice", "quoted", "--db", str(app_db)]) == 0
    )
    with sqlite3.connect(app_db) as conn:  # as if the sentence's words had since changed
        conn.execute(
            "INSERT INTO annotations (target, kind, field, value, created, file, start, end) "
            "VALUES (?, 'correction', 'voice', 'speech', '2026-01-01', ?, ?, ?)",
            (f"sentence:{file}#{'0' * 16}", file, start, end),
        )
    app = make_app(app_db)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        rows = app.screen.query_one(RowList).rows
        assert len(rows) == 2
        assert f"on “{SENTENCE}”" in rows[0].text and "not applied" not in rows[0].text
        assert "correction voice: speech" in rows[1].text
        assert rows[1].text.endswith("[not applied: its text is no longer found]")
        assert app.errors == []
