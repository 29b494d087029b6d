"""The virtual list: 100,000 rows, only the visible ones drawn; corpus text never markup."""

from __future__ import annotations

from textual.app import App, ComposeResult

from iraqtui.tui.widgets.row_list import Row, RowList


class ListApp(App[None]):
    def __init__(self, rows: list[Row]) -> None:
        super().__init__()
        self.rows = rows
        self.selected: list[object] = []

    def compose(self) -> ComposeResult:
        yield RowList(id="rows")

    def on_mount(self) -> None:
        rows = self.query_one(RowList)
        rows.set_rows(self.rows)
        rows.focus()

    def on_row_list_selected(self, event: RowList.Selected) -> None:
        self.selected.append(event.key)


def text_of(app: App[None]) -> str:
    return "\n".join(s.text for s in app.screen._compositor.render_strips())


async def test_hundred_thousand_rows_scroll_and_select() -> None:
    rows = [Row.of(f"row {i} [bold]x[/] \x1b[31m", i) for i in range(100_000)]
    app = ListApp(rows)
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        shown = text_of(app)
        assert "row 0 [bold]x[/] \ufffd" in shown and "[31m" not in shown  # sequence removed whole
        await pilot.press("G")
        await pilot.pause()
        assert "row 99999 [bold]x[/]" in text_of(app)
        await pilot.press("k", "k", "enter")
        assert app.selected == [99_997]
        await pilot.press("g", "j", "l")
        assert app.selected == [99_997, 1]


async def test_a_row_cut_at_the_right_edge_ends_in_an_ellipsis() -> None:
    app = ListApp([Row.of("short", 0), Row.of("a row much too long for this list " * 3, 1)])
    async with app.run_test(size=(30, 5)) as pilot:
        await pilot.pause()
        short, long = text_of(app).splitlines()[:2]
        assert short.rstrip() == "short"
        assert long.endswith("…") and long.startswith("a row much too long")
        assert len(long) <= 30
