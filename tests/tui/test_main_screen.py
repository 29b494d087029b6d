"""The main screen, driven by keys: sources, the reader, actors, help and the palette."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.content import Content
from textual.widgets import Input

from iraqtui.models import InContext
from iraqtui.tui.app import IraqApp
from iraqtui.tui.render import MARK_STYLE
from iraqtui.tui.screens.help import HelpScreen
from iraqtui.tui.widgets.detail import DetailPane
from iraqtui.tui.widgets.reader import ParagraphView, Reader
from iraqtui.tui.widgets.row_list import RowList

from .helpers import make_app, reader_text, screen_text, settle, type_text


async def test_open_a_source_and_read_a_known_sentence(seeds_db_path: Path) -> None:
    app = make_app(seeds_db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("1", "i")
        await type_text(pilot, "Quds Force leader")
        await pilot.press("enter", "enter")  # filter → list, list → open
        await settle(pilot)
        reader = app.screen.query_one(Reader)
        assert reader.has_focus
        assert reader.doc is not None and reader.doc.source.outlet == "Hot Air"
        assert "this ought to dispatch with it" in reader.visible_text
        assert "If there was any doubt that he’s Iran’s fair-haired boy" in reader_text(app)
        assert "If there was any doubt" in screen_text(app)
        await pilot.press("j")  # the cursor moves to the second sentence; the pane shows it
        await settle(pilot)
        detail = app.screen.query_one(DetailPane).text
        assert "sentence 2 of Hot Air" in detail
        assert "voice:" in detail
        assert app.errors == []


async def test_isci_in_brackets_shows_literally(seeds_db_path: Path) -> None:
    app = make_app(seeds_db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await type_text(pilot, "Washington Monthly")
        await pilot.press("enter", "enter")
        await settle(pilot)
        reader = app.screen.query_one(Reader)
        assert reader.doc is not None
        await pilot.press("G")  # the last sentence; then walk back up to ISCI's paragraph
        for _ in range(40):
            if "[ISCI]" in screen_text(app):
                break
            await pilot.press("k")
            await pilot.pause()
        assert "[ISCI]" in screen_text(app)
        assert "Islamic Supreme Council of Iraq [ISCI], a crucial element" in reader_text(app)


async def test_muqtada_al_sadr_aliases_and_outlet_counts(seeds_db_path: Path) -> None:
    app = make_app(seeds_db_path)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        await pilot.press("2", "i")
        await type_text(pilot, "Muqtada")
        await pilot.press("enter")
        await settle(pilot)
        rows = app.screen.query_one("#sidebar-list", RowList)
        assert rows.current is not None
        assert getattr(rows.current.key, "name", None) == "Muqtada al-Sadr"
        detail = app.screen.query_one(DetailPane).text
        assert "Muqtada al-Sadr" in detail
        assert "seen as:" in detail and "al-Sadr" in detail and "Moqtada" in detail
        assert "mentions per outlet" in detail
        for outlet in ("Hot Air", "Blorge", "Washington Monthly"):
            assert outlet in detail
        assert "█" in detail  # the per-outlet bars


async def test_help_screen_lists_the_bindings_of_the_screen(seeds_db_path: Path) -> None:
    app = make_app(seeds_db_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.text
        for expected in (
            "main.search",
            "main.compare",
            "main.find_quote",
            "reader.annotate",
            "app.quit",
        ):
            assert expected in text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_help_puts_the_focused_pane_s_keys_first(seeds_db_path: Path) -> None:
    app = make_app(seeds_db_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("1", "enter")  # open the first source: the reader has the focus
        await settle(pilot)
        assert type(app.focused).__name__ == "Reader"
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        sections = [line for line in app.screen.text.splitlines() if line.startswith("— ")]
        assert sections[:3] == ["— everywhere —", "— main screen —", "— reader —"]
        assert "Move cursor left" not in app.screen.text  # a text box's editing keys


async def test_palette_opens_and_finds_a_compare_action(seeds_db_path: Path) -> None:
    app = make_app(seeds_db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        assert app.screen.__class__.__name__ == "CommandPalette"
        await type_text(pilot, "compare: Qom")
        await pilot.pause(0.6)
        assert "Qom talks and the Iran-brokered truce" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "CompareScreen"


async def test_key_bindings_come_from_the_config_file(
    seeds_db_path: Path, tmp_path: Path, monkeypatch: object
) -> None:
    keys = tmp_path / "keys.toml"
    keys.write_text('[keys]\n"main.search" = "ctrl+g"\n', encoding="utf-8")
    monkeypatch.setenv("IRAQTUI_KEYS", str(keys))  # type: ignore[attr-defined]
    app = make_app(seeds_db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "SearchScreen"
        assert app.screen.query_one("#search-input", Input).has_focus


async def test_missing_database_is_built_from_the_seeds(tmp_path: Path) -> None:
    db = tmp_path / "fresh.db"
    app = make_app(db)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot, rounds=6)
        assert db.exists()
        rows = app.screen.query_one("#sidebar-list", RowList)
        assert rows.row_count == 5
        assert "5 sources" in screen_text(app)


async def test_a_file_that_is_not_a_database_is_a_notification(tmp_path: Path) -> None:
    bad = tmp_path / "notes.db"
    bad.write_text("not sqlite at all, and long enough to be checked", encoding="utf-8")
    app = make_app(bad)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        assert any("not an SQLite database" in e for e in app.errors)
        assert app.is_running
    assert bad.read_text(encoding="utf-8").startswith("not sqlite")


async def _muqtada_mentions(pilot: object, app: object) -> RowList:
    await settle(pilot)  # type: ignore[arg-type]
    await pilot.press("2", "i")  # type: ignore[attr-defined]
    await type_text(pilot, "Muqtada")  # type: ignore[arg-type]
    await pilot.press("enter")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    kwic = app.screen.query_one("#detail-kwic", RowList)  # type: ignore[attr-defined]
    assert kwic.display and kwic.row_count >= 10  # his mentions, one a line
    return kwic


def _marked_view_on_screen(app: IraqApp, m: InContext) -> bool:
    """The paragraph holding the mention is in view and the mention is lit in it."""
    reader = app.screen.query_one(Reader)
    for view in app.screen.query(ParagraphView):
        content = view.render()
        assert isinstance(content, Content)
        lit = [s for s in content.spans if s.style == MARK_STYLE]
        if lit:
            assert content.plain[lit[0].start : lit[0].end] == m.surface
            return view.region.overlaps(reader.region)
    return False


async def test_mention_in_context_opens_the_reader_there_from_the_keyboard(
    seeds_db_path: Path,
) -> None:
    app = make_app(seeds_db_path)
    async with app.run_test(size=(140, 45)) as pilot:
        kwic = await _muqtada_mentions(pilot, app)
        assert "Blorge" in app.screen.query_one(DetailPane).text
        await pilot.press("enter")  # the actor chosen: its mentions take the keys
        assert kwic.has_focus
        await pilot.press(*["j"] * 6)
        row = kwic.current
        assert row is not None and isinstance(row.key, InContext)
        mention = row.key
        assert mention.surface in row.text
        await pilot.press("enter")
        await settle(pilot)
        reader = app.screen.query_one(Reader)
        assert reader.has_focus
        assert reader.doc is not None and reader.doc.source.id == mention.source
        assert reader.sentence is not None
        assert reader.sentence.start <= mention.start < reader.sentence.end
        assert reader.mark == (mention.start, mention.end)
        assert _marked_view_on_screen(app, mention)
        assert app.errors == []


async def test_mention_in_context_opens_the_reader_there_with_the_mouse(
    seeds_db_path: Path,
) -> None:
    app = make_app(seeds_db_path)
    async with app.run_test(size=(140, 45)) as pilot:
        kwic = await _muqtada_mentions(pilot, app)
        await pilot.click("#detail-kwic", offset=(3, 4))  # a click picks the line
        await pilot.pause()
        assert kwic.cursor == 4
        mention = kwic.rows[4].key
        assert isinstance(mention, InContext)
        await pilot.click("#detail-kwic", offset=(3, 4), times=2)  # a double click opens it
        await settle(pilot)
        reader = app.screen.query_one(Reader)
        assert reader.doc is not None and reader.doc.source.id == mention.source
        assert reader.mark == (mention.start, mention.end)
        assert _marked_view_on_screen(app, mention)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_section_tabs_are_readable(seeds_db_path: Path, size: tuple[int, int]) -> None:
    app = make_app(seeds_db_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for key in ("1", "3"):  # whichever section is active
            await pilot.press(key)
            await pilot.pause()
            shown = screen_text(app)
            for label in ("1 Sources", "2 Actors", "3 Events", "4 Quotes"):
                assert label in shown, (size, label)


async def test_a_quoted_sentence_lists_the_actors_it_names(seeds_db_path: Path) -> None:
    """Blorge's “Al-Sadr is involved in a very complicated relationship with the Iranians,”"""
    app = make_app(seeds_db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("1", "i")
        await type_text(pilot, "Blorge")
        await pilot.press("enter", "enter")
        await settle(pilot)
        reader = app.screen.query_one(Reader)
        for _ in range(5):
            if reader.sentence and "complicated relationship" in reader.sentence.text:
                break
            await pilot.press("j")
            await settle(pilot, rounds=1)
        assert reader.sentence is not None
        assert "complicated relationship" in reader.sentence.text
        detail = app.screen.query_one(DetailPane).text
        actors = next(line for line in detail.splitlines() if line.startswith("actors:"))
        assert "Muqtada al-Sadr" in actors and "Michael Ware" in actors


async def test_palette_finds_a_half_remembered_quote_and_opens_it(seeds_db_path: Path) -> None:
    app = make_app(seeds_db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        await type_text(pilot, "too big for his boots")
        for _ in range(20):  # the quote index answers from a thread
            await pilot.pause(0.2)
            if "quote: “" in screen_text(app):
                break
        assert "too big for his boots" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "MainScreen"
        assert "too big for his boots" in reader_text(app)
