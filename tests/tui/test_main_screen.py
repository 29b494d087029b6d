"""The main screen, driven by keys: sources, the reader, actors, help and the palette."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from iraqtui.tui.screens.help import HelpScreen
from iraqtui.tui.widgets.detail import DetailPane
from iraqtui.tui.widgets.reader import Reader
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
