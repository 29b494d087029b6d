"""The app open while `iraqtui ingest` writes to the same database: the new sources show up
without a restart, the user keeps their place, notes save, and nobody sees "locked"."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from iraqtui.tui.app import IraqApp
from iraqtui.tui.screens.annotate import AnnotateScreen
from iraqtui.tui.screens.main import MainScreen
from iraqtui.tui.widgets.reader import Reader
from iraqtui.tui.widgets.row_list import RowList
from tests.reliability.crash import make_corpus

from .helpers import make_app, settle, type_text
from .test_annotations import choose

WAIT_S = 300.0  # a generous ceiling for a slow machine; the loops stop as soon as it is true


def start_ingest(db: Path, corpus: Path, cwd: Path) -> subprocess.Popen[str]:
    """The real `iraqtui ingest`, in another process, writing while the app runs."""
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("IRAQTUI_DB", None)
    return subprocess.Popen(
        [sys.executable, "-m", "iraqtui", "ingest", "-q", "--db", str(db), str(corpus)],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def source_count(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT count(*) FROM sources").fetchone()[0])
    finally:
        conn.close()


async def wait_until(pilot: Pilot[None], done: object) -> None:
    for _ in range(int(WAIT_S / 0.2)):
        if done():  # type: ignore[operator]
            return
        await pilot.pause(0.2)
    raise AssertionError("gave up waiting")


def notes(app: IraqApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_sources_an_ingest_adds_appear_and_the_user_keeps_their_place(
    app_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = tmp_path / "more"
    make_corpus(corpus, files=6, seed=11)  # copies of the five seeds plus six new articles
    reloads: list[int] = []
    original = MainScreen.reload_lists

    def counted(self: MainScreen) -> None:
        reloads.append(1)
        original(self)

    monkeypatch.setattr(MainScreen, "reload_lists", counted)
    app = make_app(app_db)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("1", "i")
        await type_text(pilot, "Quds Force leader")
        await pilot.press("enter", "enter")  # the filter, then the list: open it
        await settle(pilot)
        reader = app.screen.query_one(Reader)
        assert reader.doc is not None
        opened = reader.doc.source.id
        await pilot.press("s")  # back to the list
        rows = app.screen.query_one("#sidebar-list", RowList)
        assert rows.row_count == 1 and rows.current is not None
        highlighted = rows.current.key
        loads_before = len(reloads)

        ingest = start_ingest(app_db, corpus, tmp_path)
        try:
            await wait_until(pilot, lambda: ingest.poll() is not None)
            _, err = ingest.communicate(timeout=60)
            assert ingest.returncode == 0, err
            await wait_until(pilot, lambda: "(now 16)" in " ".join(notes(app)))
        finally:
            if ingest.poll() is None:
                ingest.kill()
        await settle(pilot)

        # The copy of Hot Air is listed beside the original, under the same filter, and the
        # original is still the highlighted row; the reader still shows what it showed.
        assert app.screen.query_one("#sidebar-filter", Input).value == "Quds Force leader"
        assert rows.row_count == 2
        assert rows.current is not None
        assert getattr(rows.current.key, "id", None) == getattr(highlighted, "id", -1)
        assert reader.doc is not None and reader.doc.source.id == opened
        assert any("new source" in n and "(now 16)" in n for n in notes(app))
        assert not any("locked" in n for n in notes(app))
        await pilot.press("escape", "3")  # every list was reloaded, not only the one shown
        await pilot.press("1")
        await pilot.pause()
        assert rows.row_count == 16
        assert app.errors == []

        # Nothing changes now: a few more polls, and no reload.
        settled_loads = len(reloads)
        assert settled_loads > loads_before
        await pilot.pause(3.5)
        await settle(pilot)
        assert len(reloads) == settled_loads


async def save_note(pilot: Pilot[None], text: str) -> None:
    """a, "note on this sentence", the text, enter: the save runs in a worker."""
    await pilot.press("a")
    assert isinstance(pilot.app.screen, AnnotateScreen)
    await choose(pilot, "note on this sentence")
    await type_text(pilot, text)
    await pilot.press("enter")


async def saved_or_failed(pilot: Pilot[None]) -> None:
    app = pilot.app
    await wait_until(pilot, lambda: not isinstance(app.screen, AnnotateScreen) or app.errors)
    assert app.errors == []  # type: ignore[attr-defined]


async def test_notes_save_while_an_ingest_writes(app_db: Path, tmp_path: Path) -> None:
    from .test_annotations import open_hot_air_truce

    corpus = tmp_path / "more"
    make_corpus(corpus, files=60, seed=5)
    app = make_app(app_db)
    saved: list[str] = []
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await open_hot_air_truce(pilot)

        # A writer holds the write lock (as ingest does for each batch): the save waits for
        # it instead of failing with "database is locked", and lands once it is released.
        writer = sqlite3.connect(app_db, isolation_level=None)
        try:
            writer.execute("BEGIN IMMEDIATE")
            writer.execute("INSERT INTO meta (key, value) VALUES ('test-writer', '1')")
            await save_note(pilot, "written while the lock was held")
            await pilot.pause(1.0)
            assert isinstance(app.screen, AnnotateScreen)  # still waiting, not failed
            assert app.errors == []
            writer.execute("COMMIT")
        finally:
            writer.close()
        await saved_or_failed(pilot)
        saved.append("written while the lock was held")

        # The real thing: notes saved over and over while `iraqtui ingest` runs.
        ingest = start_ingest(app_db, corpus, tmp_path)
        try:
            while ingest.poll() is None or len(saved) < 3:
                text = f"written during ingest {len(saved)}"
                await save_note(pilot, text)
                await saved_or_failed(pilot)
                saved.append(text)
                if len(saved) >= 12:
                    break
            _, err = ingest.communicate(timeout=WAIT_S)
        finally:
            if ingest.poll() is None:
                ingest.kill()
        await settle(pilot)
        assert ingest.returncode == 0, err
        assert "locked" not in err.lower()
        assert app.errors == []
        assert not any("locked" in n or "busy" in n for n in notes(app))
    conn = sqlite3.connect(app_db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {str(v) for (v,) in conn.execute("SELECT value FROM annotations")}
        assert source_count(app_db) == 5 + 5 + 60
    finally:
        conn.close()
    assert set(saved) <= stored


def test_the_stamp_changes_when_the_last_source_is_analysed_again(tmp_path: Path) -> None:
    """Re-analysing the newest source deletes its rows and hands out the same ids again: the
    counts and newest ids repeat, so only the generation tells the app the corpus changed."""
    import shutil

    from iraqtui.config import bundled_seeds_dir
    from iraqtui.ingest.pipeline import ingest
    from iraqtui.store.app_queries import corpus_stamp
    from iraqtui.store.db import open_db

    corpus = tmp_path / "corpus"
    shutil.copytree(bundled_seeds_dir(), corpus)
    db = open_db(tmp_path / "s.db")
    ingest(db.conn, [corpus], corpus)
    before = corpus_stamp(db.conn)
    last = db.conn.execute("SELECT path FROM sources ORDER BY id DESC LIMIT 1").fetchone()[0]
    text = Path(last).read_text(encoding="utf-8")
    Path(last).write_text(text.replace("Basra", "Basrah", 1), encoding="utf-8")
    ingest(db.conn, [corpus], corpus)
    after = corpus_stamp(db.conn)
    assert (after.sources, after.actors, after.events) == (
        before.sources,
        before.actors,
        before.events,
    )
    assert after != before
    db.conn.close()
