"""The compare screen: one column per outlet, labelled voices, keys to move and step."""

from __future__ import annotations

from pathlib import Path

import pytest

from iraqtui.tui.screens.compare import CompareScreen
from iraqtui.tui.widgets.compare_column import CompareColumn
from iraqtui.tui.widgets.reader import Reader

from .helpers import make_app, screen_text, settle, type_text


def column(app: object, outlet: str) -> CompareColumn:
    for c in app.screen.query(CompareColumn):  # type: ignore[attr-defined]
        if c.outlet == outlet:
            return c
    raise AssertionError(f"no column for {outlet}")


def shown(c: CompareColumn) -> list[str]:
    """Each block of a column as drawn (label line, then the sentence), before wrapping."""
    return c.block_text()


async def open_qom(pilot: object) -> None:
    await pilot.press("3", "i")  # type: ignore[attr-defined]
    await type_text(pilot, "Qom")  # type: ignore[arg-type]
    await pilot.press("enter", "c")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]


async def test_qom_truce_hot_air_own_voice_and_quoted_passage(seeds_db_path: Path) -> None:
    app = make_app(seeds_db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await open_qom(pilot)
        assert isinstance(app.screen, CompareScreen)
        assert "Qom talks and the Iran-brokered truce" in screen_text(app)
        hot_air = column(app, "Hot Air")
        items = shown(hot_air)
        own = [t for t in items if t.startswith("● own voice")]
        quoted = [t for t in items if t.startswith("❝")]
        assert any("Iran’s fair-haired boy" in t for t in own)
        passage = [
            t for t in quoted if "Iraqi lawmakers traveled to the Iranian holy city of Qom" in t
        ]
        assert passage, quoted
        assert "McClatchy" in passage[0].splitlines()[0]  # labelled with the cited outlet
        # the passage is not in any other outlet's column
        for other in app.screen.query(CompareColumn):
            if other.outlet != "Hot Air":
                assert not any("Iraqi lawmakers traveled" in t for t in shown(other))


async def test_outlets_that_do_not_cover_the_event_say_so(seeds_db_path: Path) -> None:
    app = make_app(seeds_db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await open_qom(pilot)
        silent = [c for c in app.screen.query(CompareColumn) if c.column is None]
        assert silent, "every seed outlet covers the Qom talks?"
        assert "Says nothing about this event." in screen_text(app)


async def test_compare_keys_columns_quoted_step_and_open(seeds_db_path: Path) -> None:
    app = make_app(seeds_db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_qom(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        columns = list(screen.query(CompareColumn))
        assert len(columns) >= 2
        assert columns[0].has_focus
        await pilot.press("l")
        assert columns[1].has_focus
        await pilot.press("h")
        assert columns[0].has_focus
        await pilot.press("o")  # own voice only
        await pilot.pause()
        assert all(i.sentence.voice == "own" for c in columns for i in c.items)
        assert not any(t.startswith("❝") for c in columns for t in shown(c))
        await pilot.press("o")
        await pilot.pause()
        assert any(i.sentence.voice != "own" for c in columns for i in c.items)
        assert any(t.startswith("❝") for c in columns for t in shown(c))
        await pilot.press("s")
        assert screen.synced is False
        first_key = screen.key
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.key != first_key
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert screen.key == first_key
        # open the second sentence of the first column in the reader, at its place
        focused = next(c for c in screen.query(CompareColumn) if c.has_focus)
        await pilot.press("j", "j")
        target = focused.current
        assert target is not None
        await pilot.press("enter")
        await settle(pilot)
        reader = app.screen.query_one(Reader)
        assert reader.sentence is not None
        assert reader.sentence.id == target.sentence.id
        assert app.errors == []


async def test_compare_an_actor_from_the_actor_list(seeds_db_path: Path) -> None:
    app = make_app(seeds_db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("2", "i")
        await type_text(pilot, "Maliki")
        await pilot.press("enter", "c")
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
        assert app.screen.kind == "actor"
        assert len([c for c in app.screen.query(CompareColumn) if c.column is not None]) >= 2


async def test_export_the_comparison_shown(seeds_db_path: Path, tmp_path: Path) -> None:
    import csv
    import json

    app = make_app(seeds_db_path)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await open_qom(pilot)
        for key in ("m", "c", "j"):
            await pilot.press("e")
            await pilot.pause()
            await pilot.press(key)
            await settle(pilot)
        written = sorted(tmp_path.glob("iraqtui-qom_truce-*"))
        assert {p.suffix for p in written} == {".md", ".csv", ".json"}
        markdown = next(p for p in written if p.suffix == ".md").read_text(encoding="utf-8")
        # The compare issue's formats, as `iraqtui compare --format` writes them.
        assert "### Hot Air" in markdown and "Iran’s **fair**-haired boy" in markdown
        rows = list(csv.DictReader(next(p for p in written if p.suffix == ".csv").open()))
        assert {r["outlet"] for r in rows} >= {"Hot Air"}
        records = json.loads(next(p for p in written if p.suffix == ".json").read_text())
        assert records["target"]["key"] == "qom_truce"
        assert any(r["row"] == "term" for r in records["rows"])
        assert any(str(p) in n.message for n in app._notifications for p in written)


def test_line_count_matches_how_content_wraps() -> None:
    """The column's line → sentence map rests on counting wrapped lines exactly."""
    import random

    from rich._wrap import divide_line

    from iraqtui.tui.widgets.compare_column import line_count

    rng = random.Random(7)
    pieces = ["al-Sadr", "’s", "“truce”", " ", "  ", "—", "x" * 50, "é", "\xa0", "Basra,"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        width = rng.randint(1, 50)
        assert line_count(text, width) == len(divide_line(text, width, fold=True)) + 1


async def test_cursor_and_click_in_a_column(seeds_db_path: Path) -> None:
    app = make_app(seeds_db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.compare("event", "qom_truce")
        await settle(pilot)
        hot_air = column(app, "Hot Air")
        hot_air.focus()
        await pilot.press("G")  # the last sentence: the column scrolls to show it
        await pilot.pause()
        last = hot_air.current
        assert last is not None and last == hot_air.items[-1]
        assert hot_air.scroll_offset.y > 0
        assert last.sentence.text[:25] in screen_text(app)
        await pilot.press("g")
        await pilot.pause()
        assert hot_air.current == hot_air.items[0]
        # a double click on a sentence opens it in the reader
        y = hot_air._tops[hot_air._item_blocks[0]] - int(hot_air.scroll_offset.y) + 1
        await pilot.click(hot_air, offset=(3, y), times=2)
        await settle(pilot)
        reader = app.screen.query_one(Reader)
        assert reader.sentence is not None
        assert reader.sentence.id == hot_air.items[0].sentence.id


async def test_a_large_outlet_shows_a_labelled_sample_and_exports_every_sentence(
    seeds_db_path: Path, tmp_path: Path, monkeypatch: object
) -> None:
    import json
    import sqlite3

    from iraqtui.analysis import compare
    from iraqtui.analysis.compare import characterise

    conn = sqlite3.connect(seeds_db_path)
    full = {c.outlet: c for c in characterise(conn, "qom_truce").columns}
    conn.close()
    hot = full["Hot Air"]
    total = len(hot.own) + len(hot.quoted)
    assert total > 3
    monkeypatch.setattr(compare, "SCREEN_SAMPLE", 3)  # type: ignore[attr-defined]
    app = make_app(seeds_db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await open_qom(pilot)
        hot_air = column(app, "Hot Air")
        assert len(hot_air.items) == 3
        summary = shown(hot_air)[0]
        assert f"{len(hot.own)} own · {len(hot.quoted)} quoted" in summary
        assert f"sample: 3 of {total} sentences" in summary
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        (written,) = tmp_path.glob("iraqtui-qom_truce-*.json")
        records = json.loads(written.read_text(encoding="utf-8"))
        exported = [
            r for r in records["rows"] if r["row"] == "sentence" and r["outlet"] == "Hot Air"
        ]
        assert len(exported) == total  # the export is for papers: every sentence
        assert "sample_per_outlet" not in records["method"]


async def test_the_garbage_collector_is_on_again_after_a_build(seeds_db_path: Path) -> None:
    """The screen holds off collections while it builds its columns: left off, the app's
    memory would only grow."""
    import gc

    app = make_app(seeds_db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await open_qom(pilot)
        assert isinstance(app.screen, CompareScreen)
        assert gc.isenabled()
        await pilot.press("]")  # the next event: a rebuild
        await settle(pilot)
        assert gc.isenabled()
        await pilot.press("escape")
        await settle(pilot)
        assert gc.isenabled()


async def test_the_collector_is_on_again_when_the_app_quits_right_after_a_build(
    seeds_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio
    import gc

    show = CompareScreen._show

    async def show_then_quit(self: CompareScreen, data: object) -> None:
        await show(self, data)  # type: ignore[arg-type]
        self.app.exit()

    monkeypatch.setattr(CompareScreen, "_show", show_then_quit)
    app = make_app(seeds_db_path)
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            await open_qom(pilot)
            for _ in range(100):
                if not app.is_running:
                    break
                await asyncio.sleep(0.02)
        assert gc.isenabled()
    finally:
        gc.enable()
